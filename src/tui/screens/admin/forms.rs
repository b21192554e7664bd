//! The administration forms: their fields (named by [`AdminField`]), what each one asks,
//! and the request its save sends, or every field to fix and why, all at once.

use super::ops::AdminOp;
use super::{AdminForm, FormKind};
use crate::domain::Role;
use crate::domain::money::{format_amount, parse_amount};
use crate::domain::person::{Doctor, Location, Specialization, StaffMember};
use crate::service::admin::{DoctorInput, LocationInput};
use crate::tui::widgets::form::Form;

/// A field of an administration form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminField {
    Name,
    Email,
    Specialization,
    Role,
    Password,
    Repeat,
    Phone,
    Bio,
    Address,
    Hours,
    Fee,
}

impl AdminField {
    /// The label, as the service names the field in its refusals.
    pub fn label(self) -> &'static str {
        match self {
            AdminField::Name => "Name",
            AdminField::Email => "Email",
            AdminField::Specialization => "Specialization",
            AdminField::Role => "Role",
            AdminField::Password => "Password",
            AdminField::Repeat => "Repeat",
            AdminField::Phone => "Phone",
            AdminField::Bio => "Bio",
            AdminField::Address => "Address",
            AdminField::Hours => "Hours",
            AdminField::Fee => "Fee",
        }
    }
}

use AdminField as F;

/// The staff roles in the role choice, in order.
const STAFF_ROLES: [Role; 2] = [Role::FrontDesk, Role::Admin];

/// "admin", "a", "front desk", "f", "FRONT_DESK" → role.
pub fn parse_staff_role(text: &str) -> Option<Role> {
    let t = text.trim().to_ascii_lowercase().replace(['_', '-'], " ");
    match t.as_str() {
        "a" | "admin" | "administrator" => Some(Role::Admin),
        "f" | "front desk" | "frontdesk" | "desk" => Some(Role::FrontDesk),
        _ => None,
    }
}

/// A text field labelled as the service names it.
fn text(form: Form<F>, key: F, value: impl Into<String>, hint: &str) -> Form<F> {
    form.text(key, key.label(), value, hint)
}

fn role_choice(form: Form<F>, role: Role) -> Form<F> {
    let selected = STAFF_ROLES.iter().position(|r| *r == role).unwrap_or(0);
    form.choice(
        F::Role,
        F::Role.label(),
        STAFF_ROLES.iter().map(|r| r.label().to_lowercase()),
        selected,
        "←/→ to change",
    )
}

fn passwords(form: Form<F>, label: &str) -> Form<F> {
    form.masked(F::Password, label, "8+ characters").masked(
        F::Repeat,
        F::Repeat.label(),
        "the same again",
    )
}

/// The first option of a new doctor's specialization: none chosen yet.
pub const CHOOSE_SPECIALIZATION: &str = "Choose…";
/// The last option: saving with it selected opens the "new specialization" form.
pub const NEW_SPECIALIZATION: &str = "New specialization…";
const SPECIALIZATION_HINT: &str = "type a letter";

/// The specialization choice: the list (and `current` if, oddly, it is not in it), then
/// "New specialization…"; `current` selected, or "Choose…" first when there is none.
pub fn specialization_options(
    specs: &[Specialization],
    current: Option<&str>,
) -> (Vec<String>, usize) {
    let mut options: Vec<String> = Vec::new();
    if current.is_none() {
        options.push(CHOOSE_SPECIALIZATION.to_string());
    }
    options.extend(specs.iter().map(|s| s.name.clone()));
    if let Some(c) = current
        && !options.iter().any(|o| o.eq_ignore_ascii_case(c))
    {
        options.push(c.to_string());
        options.sort();
    }
    options.push(NEW_SPECIALIZATION.to_string());
    let selected = current
        .and_then(|c| options.iter().position(|o| o.eq_ignore_ascii_case(c)))
        .unwrap_or(0);
    (options, selected)
}

fn specialization_choice(
    form: Form<F>,
    specs: &[Specialization],
    current: Option<&str>,
) -> Form<F> {
    let (options, selected) = specialization_options(specs, current);
    form.choice(
        F::Specialization,
        F::Specialization.label(),
        options,
        selected,
        SPECIALIZATION_HINT,
    )
}

/// The consultation fee as the form shows it ("60.00"; empty for none).
fn fee_field(form: Form<F>, fee: Option<rust_decimal::Decimal>) -> Form<F> {
    text(
        form,
        F::Fee,
        fee.map(format_amount).unwrap_or_default(),
        "empty: no fee",
    )
}

pub fn new_doctor(specs: &[Specialization]) -> AdminForm {
    let form = Form::new("New doctor");
    let form = text(form, F::Name, "", "full name");
    let form = text(form, F::Email, "", "sign-in email");
    let form = specialization_choice(form, specs, None);
    let form = fee_field(form, None);
    let form = passwords(form, "Password");
    let form = text(form, F::Phone, "", "optional");
    let form = text(form, F::Bio, "", "optional");
    AdminForm::new(FormKind::NewDoctor, form)
}

/// The small form that adds a specialization to the list.
pub fn new_specialization() -> Form<F> {
    Form::new("New specialization")
        .text(
            F::Specialization,
            F::Specialization.label(),
            "",
            "e.g. Cardiology",
        )
        .with_footer("Enter add · Esc cancel")
}

pub fn new_staff() -> AdminForm {
    let form = Form::new("New staff member");
    let form = text(form, F::Name, "", "full name");
    let form = text(form, F::Email, "", "sign-in email");
    let form = role_choice(form, Role::FrontDesk);
    let form = passwords(form, "Password");
    AdminForm::new(FormKind::NewStaff, form)
}

pub fn new_location() -> AdminForm {
    AdminForm::new(
        FormKind::NewLocation,
        location_fields(Form::new("New location"), None),
    )
}

pub fn edit_doctor(d: &Doctor, specs: &[Specialization]) -> AdminForm {
    let form = Form::new(format!("Edit {}", d.full_name));
    let form = text(form, F::Name, d.full_name.clone(), "full name");
    let form = text(form, F::Email, d.email.clone(), "sign-in email");
    let form = specialization_choice(form, specs, Some(&d.specialization));
    let form = fee_field(form, d.consultation_fee);
    let form = text(
        form,
        F::Phone,
        d.phone_number.clone().unwrap_or_default(),
        "optional",
    );
    let form = text(form, F::Bio, d.bio.clone().unwrap_or_default(), "optional");
    AdminForm::new(FormKind::EditDoctor(d.id), form)
}

pub fn edit_staff(s: &StaffMember) -> AdminForm {
    let form = Form::new(format!("Edit {}", s.full_name));
    let form = text(form, F::Name, s.full_name.clone(), "full name");
    let form = text(form, F::Email, s.email.clone(), "sign-in email");
    let form = role_choice(form, s.role);
    AdminForm::new(FormKind::EditStaff(s.id), form)
}

pub fn edit_location(l: &Location) -> AdminForm {
    AdminForm::new(
        FormKind::EditLocation(l.id),
        location_fields(Form::new(format!("Edit {}", l.name)), Some(l)),
    )
}

pub fn reset_password(kind: crate::domain::AccountKind, id: i32, name: &str) -> AdminForm {
    AdminForm::new(
        FormKind::ResetPassword(kind, id),
        passwords(
            Form::new(format!("New password for {name}")),
            "New password",
        ),
    )
}

fn location_fields(form: Form<F>, l: Option<&Location>) -> Form<F> {
    let form = text(
        form,
        F::Name,
        l.map(|l| l.name.clone()).unwrap_or_default(),
        "e.g. Main clinic",
    );
    let form = text(
        form,
        F::Address,
        l.map(|l| l.address.clone()).unwrap_or_default(),
        "street, city",
    );
    let form = text(
        form,
        F::Phone,
        l.and_then(|l| l.phone_number.clone()).unwrap_or_default(),
        "optional",
    );
    text(
        form,
        F::Hours,
        l.and_then(|l| l.operating_hours.clone())
            .unwrap_or_default(),
        "e.g. Mon–Fri 8–18",
    )
}

/// Everything wrong with the form, in its order: required fields left empty, a new
/// password missing or typed differently twice, a role that is not a staff role.
pub fn check(kind: FormKind, f: &Form<F>) -> Vec<(F, String)> {
    let mut errors = Vec::new();
    let mut required = |key: F| {
        if f.keys().any(|k| k == key) && f.value(key).trim().is_empty() {
            errors.push((key, format!("{} is required.", key.label())));
        }
    };
    let needed: &[F] = match kind {
        FormKind::NewDoctor | FormKind::EditDoctor(_) => &[F::Name, F::Email, F::Specialization],
        FormKind::NewStaff | FormKind::EditStaff(_) => &[F::Name, F::Email],
        FormKind::NewLocation | FormKind::EditLocation(_) => &[F::Name, F::Address],
        FormKind::ResetPassword(..) => &[],
    };
    for key in needed {
        required(*key);
    }
    if f.keys().any(|k| k == F::Password) {
        let (password, repeat) = (f.value(F::Password), f.value(F::Repeat));
        if password.is_empty() {
            errors.push((F::Password, "Type the new password.".to_string()));
        }
        if password != repeat && !(password.is_empty() && repeat.is_empty()) {
            errors.push((F::Repeat, "The two passwords are not the same.".to_string()));
        }
    }
    if f.keys().any(|k| k == F::Specialization) {
        let v = f.value(F::Specialization);
        if v == CHOOSE_SPECIALIZATION || v == NEW_SPECIALIZATION {
            errors.push((
                F::Specialization,
                "Choose a specialization (type its first letter), or add one with \
                 \"New specialization…\"."
                    .to_string(),
            ));
        }
    }
    let fee = f.value(F::Fee);
    if f.keys().any(|k| k == F::Fee)
        && !fee.trim().is_empty()
        && let Err(e) = parse_amount(fee)
    {
        errors.push((F::Fee, format!("Fee: {e}")));
    }
    if f.keys().any(|k| k == F::Role) && parse_staff_role(f.value(F::Role)).is_none() {
        errors.push((
            F::Role,
            format!(
                "\"{}\" is not a staff role; choose admin or front desk.",
                f.value(F::Role).trim()
            ),
        ));
    }
    errors
}

/// The request a checked form's save sends.
pub fn form_op(af: &AdminForm) -> AdminOp {
    let f = &af.form;
    let v = |key: F| f.value(key).to_string();
    let role = parse_staff_role(f.value(F::Role)).unwrap_or(Role::FrontDesk);
    let doctor = || DoctorInput {
        full_name: v(F::Name),
        email: v(F::Email),
        specialization: v(F::Specialization),
        phone_number: v(F::Phone),
        bio: v(F::Bio),
        consultation_fee: v(F::Fee),
    };
    let location = || LocationInput {
        name: v(F::Name),
        address: v(F::Address),
        phone_number: v(F::Phone),
        operating_hours: v(F::Hours),
    };
    match af.kind {
        FormKind::NewDoctor => AdminOp::NewDoctor {
            input: Box::new(doctor()),
            password: v(F::Password),
        },
        FormKind::EditDoctor(id) => AdminOp::UpdateDoctor {
            id,
            input: Box::new(doctor()),
        },
        FormKind::NewStaff => AdminOp::NewStaff {
            full_name: v(F::Name),
            email: v(F::Email),
            role,
            password: v(F::Password),
        },
        FormKind::EditStaff(id) => AdminOp::UpdateStaff {
            id,
            full_name: v(F::Name),
            email: v(F::Email),
            role,
        },
        FormKind::NewLocation => AdminOp::NewLocation(location()),
        FormKind::EditLocation(id) => AdminOp::UpdateLocation {
            id,
            input: location(),
        },
        FormKind::ResetPassword(kind, id) => AdminOp::ResetPassword {
            kind,
            id,
            password: v(F::Password),
        },
    }
}
