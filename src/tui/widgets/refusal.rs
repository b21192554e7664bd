//! Where a service's refusal goes on a [`Form`]: under the field its sentence is about,
//! else as the form's own sentence. A sentence is about a field when it quotes what was
//! typed there (`"0207 x" is not a phone number …`), starts with the field's label
//! ("Email is required."), or names the email address typed there ("An account with
//! the email ada@x.org already exists."). Permissions, outages and failures are about
//! the whole form.

use super::form::Form;
use crate::service::ServiceError;

/// The field `sentence` is about, in the form's order; `label` names each field as the
/// service does ("Name", "Email", "Phone").
pub fn field_of<K: Copy + Eq>(
    form: &Form<K>,
    sentence: &str,
    label: impl Fn(K) -> &'static str,
) -> Option<K> {
    let keys: Vec<K> = form.keys().collect();
    let value = |k: K| form.value(k).trim();
    let quoted = keys.iter().copied().find(|k| {
        let v = value(*k);
        !v.is_empty() && sentence.contains(&format!("\"{v}\""))
    });
    let lower = sentence.to_lowercase();
    let labelled = || {
        keys.iter().copied().find(|k| {
            let l = label(*k).to_lowercase();
            !l.is_empty()
                && lower.starts_with(&l)
                && lower[l.len()..].starts_with([' ', ':', '.', ','])
        })
    };
    let email = || {
        keys.iter().copied().find(|k| {
            let v = value(*k);
            v.contains('@') && lower.contains(&v.to_lowercase())
        })
    };
    quoted.or_else(labelled).or_else(email)
}

/// Shows `e` on `form`: under `field` when it is a refusal (invalid or conflicting
/// input) about that field, otherwise as the form's sentence. Earlier errors go.
pub fn show_at<K: Copy + Eq>(form: &mut Form<K>, e: &ServiceError, field: Option<K>) {
    let sentence = e.to_string();
    let about_input = matches!(e, ServiceError::Invalid(_) | ServiceError::Conflict(_));
    match field.filter(|_| about_input) {
        Some(k) => form.set_errors([(k, sentence)]),
        None => {
            form.clear_errors();
            form.set_form_error(sentence);
        }
    }
}

/// [`show_at`] the field [`field_of`] finds.
pub fn show<K: Copy + Eq>(form: &mut Form<K>, e: &ServiceError, label: impl Fn(K) -> &'static str) {
    let field = field_of(form, &e.to_string(), label);
    show_at(form, e, field);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum F {
        Name,
        Email,
        Phone,
    }

    fn label(f: F) -> &'static str {
        match f {
            F::Name => "Name",
            F::Email => "Email",
            F::Phone => "Phone",
        }
    }

    fn form() -> Form<F> {
        Form::new("t")
            .text(F::Name, "Name", "Ada", "")
            .text(F::Email, "Email", "ada@x.org", "")
            .text(F::Phone, "Phone", "0207 x", "")
    }

    #[test]
    fn a_sentence_is_placed_by_quote_label_or_email() {
        let f = form();
        let at = |s: &str| field_of(&f, s, label);
        assert_eq!(at("\"0207 x\" is not a phone number."), Some(F::Phone));
        assert_eq!(
            at("Name is too long (at most 100 characters)."),
            Some(F::Name)
        );
        assert_eq!(
            at("An account with the email ADA@x.org already exists."),
            Some(F::Email)
        );
        assert_eq!(at("Names are case-sensitive."), None, "a whole word only");
        assert_eq!(at("Monday overlaps the window 09:00–12:00."), None);
    }

    #[test]
    fn only_refusals_about_input_go_under_a_field() {
        let mut f = form();
        show(
            &mut f,
            &ServiceError::Invalid("Name is required.".into()),
            label,
        );
        assert_eq!(f.error(F::Name), Some("Name is required."));
        assert_eq!(f.focus(), Some(F::Name));
        let outage = ServiceError::DatabaseUnavailable("Name server down".into());
        show(&mut f, &outage, label);
        assert_eq!(f.error(F::Name), None);
        assert_eq!(f.form_error(), Some(outage.to_string().as_str()));
    }
}
