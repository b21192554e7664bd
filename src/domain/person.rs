//! Facts about people that are not tied to a table.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    M,
    F,
    O,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::M => "M",
            Gender::F => "F",
            Gender::O => "O",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "M" => Some(Gender::M),
            "F" => Some(Gender::F),
            "O" => Some(Gender::O),
            _ => None,
        }
    }
}

use chrono::{DateTime, NaiveDate, Utc};

use super::Role;

#[derive(Debug, Clone, PartialEq)]
pub struct Patient {
    pub id: i32,
    pub full_name: String,
    pub email: String,
    pub phone_number: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub is_active: bool,
    /// Whether the patient can log in (has a password set).
    pub has_portal_access: bool,
    pub created_at: DateTime<Utc>,
}

/// What it takes to register a patient (validated by the service).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewPatient {
    pub full_name: String,
    pub email: String,
    pub phone_number: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Option<Gender>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Doctor {
    pub id: i32,
    pub full_name: String,
    pub email: String,
    pub specialization: String,
    pub phone_number: Option<String>,
    pub bio: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    /// What a visit costs (None: no fee set, so no payment is questioned).
    pub consultation_fee: Option<rust_decimal::Decimal>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewDoctor {
    pub full_name: String,
    pub email: String,
    pub specialization: String,
    pub phone_number: Option<String>,
    pub bio: Option<String>,
}

/// A row of `admins`: an administrator or a front-desk clerk.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffMember {
    pub id: i32,
    pub full_name: String,
    pub email: String,
    pub role: Role,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: i32,
    pub name: String,
    pub address: String,
    pub phone_number: Option<String>,
    pub operating_hours: Option<String>,
    pub is_active: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewLocation {
    pub name: String,
    pub address: String,
    pub phone_number: Option<String>,
    pub operating_hours: Option<String>,
}

/// A specialization as the clinic spells it: white space trimmed and collapsed to single
/// spaces, the first letter upper case, the rest as typed ("  cardiology " →
/// "Cardiology", "general   practice" → "General practice", "ENT" stays). Names that
/// differ only in case are one specialization (the database compares them ignoring
/// case); the migration and the `doctors` triggers apply the same rule.
pub fn normalise_specialization(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = collapsed.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One entry of the list of specializations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specialization {
    pub id: i32,
    pub name: String,
}

#[cfg(test)]
mod specialization_tests {
    use super::normalise_specialization as n;

    #[test]
    fn specializations_are_trimmed_collapsed_and_capitalised() {
        assert_eq!(n("  cardiology "), "Cardiology");
        assert_eq!(n("general \t  practice"), "General practice");
        assert_eq!(n("ENT"), "ENT");
        assert_eq!(n("éndocrinology"), "Éndocrinology");
        assert_eq!(n("   "), "");
    }
}
