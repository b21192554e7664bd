//! Who is acting: the login kinds, the roles and the principal every service call carries.

use std::fmt;

/// What the login screen asks: which table the account lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// Admins and front desk (`admins` table).
    Staff,
    Doctor,
    Patient,
}

impl AccountKind {
    pub const ALL: [AccountKind; 3] = [
        AccountKind::Staff,
        AccountKind::Doctor,
        AccountKind::Patient,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Staff => "STAFF",
            AccountKind::Doctor => "DOCTOR",
            AccountKind::Patient => "PATIENT",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AccountKind::Staff => "Staff",
            AccountKind::Doctor => "Doctor",
            AccountKind::Patient => "Patient",
        }
    }
}

/// A role from DESIGN.md §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    FrontDesk,
    Doctor,
    Patient,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::FrontDesk => "FRONT_DESK",
            Role::Doctor => "DOCTOR",
            Role::Patient => "PATIENT",
        }
    }

    /// Parses the `admins.role` column (and the audit `actor_kind`).
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "ADMIN" => Some(Role::Admin),
            "FRONT_DESK" => Some(Role::FrontDesk),
            "DOCTOR" => Some(Role::Doctor),
            "PATIENT" => Some(Role::Patient),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::FrontDesk => "Front desk",
            Role::Doctor => "Doctor",
            Role::Patient => "Patient",
        }
    }

    pub fn account_kind(self) -> AccountKind {
        match self {
            Role::Admin | Role::FrontDesk => AccountKind::Staff,
            Role::Doctor => AccountKind::Doctor,
            Role::Patient => AccountKind::Patient,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The principal a service call acts for: a logged-in user, or the operator running a
/// CLI command on the server (`System`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User {
        role: Role,
        id: i32,
        name: String,
        email: String,
    },
    System,
}

impl Actor {
    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::User { role, .. } => Some(*role),
            Actor::System => None,
        }
    }

    pub fn id(&self) -> Option<i32> {
        match self {
            Actor::User { id, .. } => Some(*id),
            Actor::System => None,
        }
    }

    /// The `actor_kind` written to audit and history rows.
    pub fn kind_str(&self) -> &'static str {
        match self {
            Actor::User { role, .. } => role.as_str(),
            Actor::System => "SYSTEM",
        }
    }

    pub fn display_name(&self) -> &str {
        match self {
            Actor::User { name, .. } => name,
            Actor::System => "system operator",
        }
    }
}
