//! DESIGN.md §3 as data: what each role may do, and whether only on its own records.
//! The service layer asks this table and then checks ownership.

use super::{Actor, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Staff, doctors and locations.
    ManagePeople,
    /// Create, edit, deactivate patients (a patient: own contact details).
    EditPatients,
    /// Book, cancel, reschedule (a doctor: own schedule; a patient: own appointments).
    Book,
    /// Mark completed or no-show.
    MarkOutcome,
    /// Weekly availability and time off.
    EditAvailability,
    /// Read prescriptions (a doctor: own patients; a patient: own).
    ReadPrescriptions,
    /// Write prescriptions (a doctor: own appointments).
    WritePrescriptions,
    /// Take payments and change their status.
    TakePayments,
    /// Read payments (a patient: own).
    ReadPayments,
    ReadAudit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    All,
    /// Only records that belong to the acting person.
    Own,
    Denied,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::ManagePeople,
        Action::EditPatients,
        Action::Book,
        Action::MarkOutcome,
        Action::EditAvailability,
        Action::ReadPrescriptions,
        Action::WritePrescriptions,
        Action::TakePayments,
        Action::ReadPayments,
        Action::ReadAudit,
    ];

    /// How a refusal reads: "You are not allowed to {phrase}."
    pub fn phrase(self) -> &'static str {
        match self {
            Action::ManagePeople => "manage staff, doctors or locations",
            Action::EditPatients => "change patient records",
            Action::Book => "book, cancel or reschedule this appointment",
            Action::MarkOutcome => "mark this appointment completed or no-show",
            Action::EditAvailability => "change this doctor's availability",
            Action::ReadPrescriptions => "read this prescription",
            Action::WritePrescriptions => "write this prescription",
            Action::TakePayments => "take or change payments",
            Action::ReadPayments => "read these payments",
            Action::ReadAudit => "read the audit trail",
        }
    }
}

pub fn access(role: Role, action: Action) -> Access {
    use Access::*;
    use Action::*;
    match (action, role) {
        (ManagePeople, Role::Admin) => All,
        (ManagePeople, _) => Denied,
        (EditPatients, Role::Admin | Role::FrontDesk) => All,
        (EditPatients, Role::Patient) => Own,
        (EditPatients, Role::Doctor) => Denied,
        (Book, Role::Admin | Role::FrontDesk) => All,
        (Book, Role::Doctor | Role::Patient) => Own,
        (MarkOutcome, Role::Admin | Role::FrontDesk) => All,
        (MarkOutcome, Role::Doctor) => Own,
        (MarkOutcome, Role::Patient) => Denied,
        (EditAvailability, Role::Admin) => All,
        (EditAvailability, Role::Doctor) => Own,
        (EditAvailability, Role::FrontDesk | Role::Patient) => Denied,
        (ReadPrescriptions, Role::Admin) => All,
        (ReadPrescriptions, Role::Doctor | Role::Patient) => Own,
        (ReadPrescriptions, Role::FrontDesk) => Denied,
        (WritePrescriptions, Role::Doctor) => Own,
        (WritePrescriptions, _) => Denied,
        (TakePayments, Role::Admin | Role::FrontDesk) => All,
        (TakePayments, _) => Denied,
        (ReadPayments, Role::Admin | Role::FrontDesk) => All,
        (ReadPayments, Role::Patient) => Own,
        (ReadPayments, Role::Doctor) => Denied,
        (ReadAudit, Role::Admin) => All,
        (ReadAudit, _) => Denied,
    }
}

/// Whether `actor` may do `action` on an appointment of this doctor and patient: the
/// table above, then ownership for "own" (ids are per table, so a patient is never a
/// doctor with the same number). The system operator may do everything.
pub fn may_on_appointment(actor: &Actor, action: Action, doctor_id: i32, patient_id: i32) -> bool {
    match actor {
        Actor::System => true,
        Actor::User { role, id, .. } => match access(*role, action) {
            Access::All => true,
            Access::Own => match role {
                Role::Doctor => *id == doctor_id,
                Role::Patient => *id == patient_id,
                Role::Admin | Role::FrontDesk => false,
            },
            Access::Denied => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of DESIGN.md §3, cell by cell: (action, admin, front desk, doctor, patient).
    #[test]
    fn every_cell_matches_the_design_table() {
        use Access::*;
        let table = [
            (Action::ManagePeople, All, Denied, Denied, Denied),
            (Action::EditPatients, All, All, Denied, Own),
            (Action::Book, All, All, Own, Own),
            (Action::MarkOutcome, All, All, Own, Denied),
            (Action::EditAvailability, All, Denied, Own, Denied),
            (Action::ReadPrescriptions, All, Denied, Own, Own),
            (Action::WritePrescriptions, Denied, Denied, Own, Denied),
            (Action::TakePayments, All, All, Denied, Denied),
            (Action::ReadPayments, All, All, Denied, Own),
            (Action::ReadAudit, All, Denied, Denied, Denied),
        ];
        assert_eq!(table.len(), Action::ALL.len());
        for (action, admin, desk, doctor, patient) in table {
            assert_eq!(access(Role::Admin, action), admin, "{action:?} admin");
            assert_eq!(
                access(Role::FrontDesk, action),
                desk,
                "{action:?} front desk"
            );
            assert_eq!(access(Role::Doctor, action), doctor, "{action:?} doctor");
            assert_eq!(access(Role::Patient, action), patient, "{action:?} patient");
        }
    }
}
