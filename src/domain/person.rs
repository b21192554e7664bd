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
