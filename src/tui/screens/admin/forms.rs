//! The administration forms: what each one asks, and the request its save sends (or the
//! field to fix and why).

use super::ops::AdminOp;
use super::{AdminForm, FormKind};
use crate::domain::Role;
use crate::domain::person::{Doctor, Location, StaffMember};
use crate::service::admin::{DoctorInput, LocationInput};
use crate::tui::screens::form::{Field, Form, field, secret};

/// "admin", "a", "front desk", "f", "FRONT_DESK" → role.
pub fn parse_staff_role(text: &str) -> Option<Role> {
    let t = text.trim().to_ascii_lowercase().replace(['_', '-'], " ");
    match t.as_str() {
        "a" | "admin" | "administrator" => Some(Role::Admin),
        "f" | "front desk" | "frontdesk" | "desk" => Some(Role::FrontDesk),
        _ => None,
    }
}

pub fn new_doctor() -> AdminForm {
    AdminForm {
        kind: FormKind::NewDoctor,
        form: Form::new(
            "New doctor",
            vec![
                field("Name", "", "full name"),
                field("Email", "", "sign-in email"),
                field("Specialization", "", "e.g. Cardiology"),
                secret("Password", "8+ characters"),
                secret("Repeat", "the same again"),
                field("Phone", "", "optional"),
                field("Bio", "", "optional"),
            ],
        ),
    }
}

pub fn new_staff() -> AdminForm {
    AdminForm {
        kind: FormKind::NewStaff,
        form: Form::new(
            "New staff member",
            vec![
                field("Name", "", "full name"),
                field("Email", "", "sign-in email"),
                field("Role", "front desk", "admin or front desk"),
                secret("Password", "8+ characters"),
                secret("Repeat", "the same again"),
            ],
        ),
    }
}

pub fn new_location() -> AdminForm {
    AdminForm {
        kind: FormKind::NewLocation,
        form: Form::new("New location", location_fields(None)),
    }
}

pub fn edit_doctor(d: &Doctor) -> AdminForm {
    AdminForm {
        kind: FormKind::EditDoctor(d.id),
        form: Form::new(
            format!("Edit {}", d.full_name),
            vec![
                field("Name", d.full_name.clone(), "full name"),
                field("Email", d.email.clone(), "sign-in email"),
                field(
                    "Specialization",
                    d.specialization.clone(),
                    "e.g. Cardiology",
                ),
                field(
                    "Phone",
                    d.phone_number.clone().unwrap_or_default(),
                    "optional",
                ),
                field("Bio", d.bio.clone().unwrap_or_default(), "optional"),
            ],
        ),
    }
}

pub fn edit_staff(s: &StaffMember) -> AdminForm {
    AdminForm {
        kind: FormKind::EditStaff(s.id),
        form: Form::new(
            format!("Edit {}", s.full_name),
            vec![
                field("Name", s.full_name.clone(), "full name"),
                field("Email", s.email.clone(), "sign-in email"),
                field("Role", s.role.label().to_lowercase(), "admin or front desk"),
            ],
        ),
    }
}

pub fn edit_location(l: &Location) -> AdminForm {
    AdminForm {
        kind: FormKind::EditLocation(l.id),
        form: Form::new(format!("Edit {}", l.name), location_fields(Some(l))),
    }
}

pub fn reset_password(kind: crate::domain::AccountKind, id: i32, name: &str) -> AdminForm {
    AdminForm {
        kind: FormKind::ResetPassword(kind, id),
        form: Form::new(
            format!("New password for {name}"),
            vec![
                secret("New password", "8+ characters"),
                secret("Repeat", "the same again"),
            ],
        ),
    }
}

fn location_fields(l: Option<&Location>) -> Vec<Field> {
    vec![
        field(
            "Name",
            l.map(|l| l.name.clone()).unwrap_or_default(),
            "e.g. Main clinic",
        ),
        field(
            "Address",
            l.map(|l| l.address.clone()).unwrap_or_default(),
            "street, city",
        ),
        field(
            "Phone",
            l.and_then(|l| l.phone_number.clone()).unwrap_or_default(),
            "optional",
        ),
        field(
            "Hours",
            l.and_then(|l| l.operating_hours.clone())
                .unwrap_or_default(),
            "e.g. Mon–Fri 8–18",
        ),
    ]
}

/// The request a form's save sends, or the field to fix and why.
pub fn form_op(af: &AdminForm) -> Result<AdminOp, (usize, String)> {
    let f = &af.form;
    let v = |i: usize| f.value(i).to_string();
    let required = |i: usize, what: &str| {
        if f.value(i).trim().is_empty() {
            Err((i, format!("{what} is required.")))
        } else {
            Ok(())
        }
    };
    let passwords = |a: usize, b: usize| {
        if f.value(a).is_empty() {
            Err((a, "Type the new password.".to_string()))
        } else if f.value(a) != f.value(b) {
            Err((b, "The two passwords are not the same.".to_string()))
        } else {
            Ok(())
        }
    };
    let role = |i: usize| {
        parse_staff_role(f.value(i)).ok_or_else(|| {
            (
                i,
                format!(
                    "\"{}\" is not a staff role; type admin or front desk.",
                    f.value(i).trim()
                ),
            )
        })
    };
    match af.kind {
        FormKind::NewDoctor => {
            required(0, "Name")?;
            required(1, "Email")?;
            required(2, "Specialization")?;
            passwords(3, 4)?;
            Ok(AdminOp::NewDoctor {
                input: DoctorInput {
                    full_name: v(0),
                    email: v(1),
                    specialization: v(2),
                    phone_number: v(5),
                    bio: v(6),
                },
                password: v(3),
            })
        }
        FormKind::EditDoctor(id) => {
            required(0, "Name")?;
            required(1, "Email")?;
            required(2, "Specialization")?;
            Ok(AdminOp::UpdateDoctor {
                id,
                input: DoctorInput {
                    full_name: v(0),
                    email: v(1),
                    specialization: v(2),
                    phone_number: v(3),
                    bio: v(4),
                },
            })
        }
        FormKind::NewStaff => {
            required(0, "Name")?;
            required(1, "Email")?;
            let role = role(2)?;
            passwords(3, 4)?;
            Ok(AdminOp::NewStaff {
                full_name: v(0),
                email: v(1),
                role,
                password: v(3),
            })
        }
        FormKind::EditStaff(id) => {
            required(0, "Name")?;
            required(1, "Email")?;
            Ok(AdminOp::UpdateStaff {
                id,
                full_name: v(0),
                email: v(1),
                role: role(2)?,
            })
        }
        FormKind::NewLocation | FormKind::EditLocation(_) => {
            required(0, "Name")?;
            required(1, "Address")?;
            let input = LocationInput {
                name: v(0),
                address: v(1),
                phone_number: v(2),
                operating_hours: v(3),
            };
            Ok(match af.kind {
                FormKind::EditLocation(id) => AdminOp::UpdateLocation { id, input },
                _ => AdminOp::NewLocation(input),
            })
        }
        FormKind::ResetPassword(kind, id) => {
            passwords(0, 1)?;
            Ok(AdminOp::ResetPassword {
                kind,
                id,
                password: v(0),
            })
        }
    }
}
