//! One form for every screen: labelled one-line fields looked up by a key of the screen's
//! own type (no positional indexes), text, masked (passwords) or a choice among a few
//! options; Tab/Shift-Tab between them; per-field error sentences drawn under their field
//! (all at once, the cursor on the first bad field); a form-level sentence; a pending flag
//! while a save is in flight; a y/n question. What was typed stays until the screen
//! closes the form.
//!
//! ```ignore
//! #[derive(Debug, Clone, Copy, PartialEq, Eq)]
//! enum F { Name, Email }
//! let mut form = Form::new("New patient").text(F::Name, "Name", "", "required");
//! match form.on_key(&key, command) { FormOutcome::Submit => save(form.value(F::Name)), _ => {} }
//! ```
//!
//! Masked fields never show what was typed, not even in `Debug` output. Drawing is in
//! `form/render.rs`.

mod render;

use std::fmt;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::text::is_unsafe;
use crate::tui::keymap::{Command, Context, Keymap};

/// What a field holds.
#[derive(Clone)]
enum Value {
    Text(Input),
    /// A password: drawn as `•`, never printed.
    Masked(Input),
    Choice {
        options: Vec<String>,
        selected: usize,
    },
}

#[derive(Clone)]
struct Field<K> {
    key: K,
    label: String,
    hint: String,
    value: Value,
    error: Option<String>,
}

impl<K: fmt::Debug> fmt::Debug for Field<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match &self.value {
            Value::Text(input) => input.value().to_string(),
            Value::Masked(_) => "<redacted>".to_string(),
            Value::Choice { options, selected } => {
                options.get(*selected).cloned().unwrap_or_default()
            }
        };
        f.debug_struct("Field")
            .field("key", &self.key)
            .field("value", &value)
            .field("error", &self.error)
            .finish()
    }
}

/// What a key did to the form, for the screen to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    /// Nothing for the screen to do (a move between fields, a key ignored while saving).
    Nothing,
    /// A field's value changed (its error, and the form's, are gone).
    Edited,
    /// Save or Submit: the screen validates and saves.
    Submit,
    /// Cancel or Back: the screen closes the form (or abandons the save in flight).
    Cancel,
    /// Yes to [`Form::ask`]'s question.
    Yes,
    /// No to the question (it is gone; the form is back).
    No,
}

/// The form. `K` names the fields: a small `Copy` enum of the screen's, or `&'static str`.
#[derive(Clone)]
pub struct Form<K> {
    title: String,
    fields: Vec<Field<K>>,
    focus: usize,
    error: Option<String>,
    pending: bool,
    question: Option<String>,
    footer: Option<String>,
}

impl<K: fmt::Debug> fmt::Debug for Form<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Form")
            .field("title", &self.title)
            .field("fields", &self.fields)
            .field("focus", &self.focus)
            .field("error", &self.error)
            .field("pending", &self.pending)
            .field("question", &self.question)
            .finish()
    }
}

/// The keys line under a form, from the keymap: "Enter save · Tab next field · Esc cancel".
pub fn footer_for(keymap: &Keymap) -> String {
    [
        (Command::Save, "save"),
        (Command::NextField, "next field"),
        (Command::Cancel, "cancel"),
    ]
    .iter()
    .filter_map(|(c, label)| {
        keymap
            .key_for(Context::Form, *c)
            .map(|k| format!("{k} {label}"))
    })
    .collect::<Vec<_>>()
    .join(" · ")
}

/// A choice with more options than this shows its position ("3/12").
pub const POSITION_AFTER: usize = 5;
const DEFAULT_FOOTER: &str = "Enter/Ctrl-S save · Tab next field · Esc cancel";
/// Widest a text field is drawn; the rest of the row is for its hint.
const MAX_FIELD_WIDTH: u16 = 34;

impl<K: Copy + Eq> Form<K> {
    pub fn new(title: impl Into<String>) -> Form<K> {
        Form {
            title: title.into(),
            fields: Vec::new(),
            focus: 0,
            error: None,
            pending: false,
            question: None,
            footer: None,
        }
    }

    fn push(mut self, key: K, label: String, hint: String, value: Value) -> Form<K> {
        debug_assert!(self.index(key).is_none(), "two fields with one key");
        self.fields.push(Field {
            key,
            label,
            hint,
            value,
            error: None,
        });
        self
    }

    /// Adds a one-line text field holding `value`.
    pub fn text(
        self,
        key: K,
        label: impl Into<String>,
        value: impl Into<String>,
        hint: impl Into<String>,
    ) -> Form<K> {
        let input = Input::new(value.into());
        self.push(key, label.into(), hint.into(), Value::Text(input))
    }

    /// Adds an empty masked field (a password).
    pub fn masked(self, key: K, label: impl Into<String>, hint: impl Into<String>) -> Form<K> {
        let input = Input::default();
        self.push(key, label.into(), hint.into(), Value::Masked(input))
    }

    /// Adds a choice among `options` (←/→ or Space change it; a letter jumps to the next
    /// option starting with it), `selected` first. A list of more than
    /// [`POSITION_AFTER`] options shows where the choice is ("3/12").
    pub fn choice<S: Into<String>>(
        self,
        key: K,
        label: impl Into<String>,
        options: impl IntoIterator<Item = S>,
        selected: usize,
        hint: impl Into<String>,
    ) -> Form<K> {
        let options: Vec<String> = options.into_iter().map(Into::into).collect();
        let selected = selected.min(options.len().saturating_sub(1));
        self.push(
            key,
            label.into(),
            hint.into(),
            Value::Choice { options, selected },
        )
    }

    /// Replaces the keys line under the form (see [`footer_for`]).
    pub fn with_footer(mut self, footer: impl Into<String>) -> Form<K> {
        self.footer = Some(footer.into());
        self
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn set_title(&mut self, title: impl Into<String>) {
        self.title = title.into();
    }

    fn index(&self, key: K) -> Option<usize> {
        self.fields.iter().position(|f| f.key == key)
    }

    fn field(&self, key: K) -> Option<&Field<K>> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The fields' keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = K> + '_ {
        self.fields.iter().map(|f| f.key)
    }

    /// What field `key` holds: the text typed, or the chosen option ("" if no such field).
    pub fn value(&self, key: K) -> &str {
        match self.field(key).map(|f| &f.value) {
            Some(Value::Text(i) | Value::Masked(i)) => i.value(),
            Some(Value::Choice { options, selected }) => {
                options.get(*selected).map_or("", String::as_str)
            }
            None => "",
        }
    }

    /// The index of the chosen option of a choice field.
    pub fn selected(&self, key: K) -> Option<usize> {
        match self.field(key).map(|f| &f.value) {
            Some(Value::Choice { selected, .. }) => Some(*selected),
            _ => None,
        }
    }

    /// Replaces what field `key` holds (for a choice: picks the option with that text).
    pub fn set(&mut self, key: K, value: impl Into<String>) {
        let value = value.into();
        let Some(i) = self.index(key) else { return };
        match &mut self.fields[i].value {
            Value::Text(input) | Value::Masked(input) => *input = Input::new(value),
            Value::Choice { options, selected } => {
                if let Some(p) = options.iter().position(|o| *o == value) {
                    *selected = p;
                }
            }
        }
    }

    /// Picks option `index` of a choice field.
    pub fn select(&mut self, key: K, index: usize) {
        let Some(i) = self.index(key) else { return };
        if let Value::Choice { options, selected } = &mut self.fields[i].value
            && index < options.len()
        {
            *selected = index;
        }
    }

    /// Replaces the options of a choice field and picks option `index` (the last one if
    /// `index` is past the end).
    pub fn set_options<S: Into<String>>(
        &mut self,
        key: K,
        options: impl IntoIterator<Item = S>,
        index: usize,
    ) {
        let Some(i) = self.index(key) else { return };
        if let Value::Choice {
            options: o,
            selected,
        } = &mut self.fields[i].value
        {
            *o = options.into_iter().map(Into::into).collect();
            *selected = index.min(o.len().saturating_sub(1));
        }
    }

    /// Empties every text and masked field and every error; the cursor goes to the first.
    pub fn clear(&mut self) {
        for f in &mut self.fields {
            if let Value::Text(i) | Value::Masked(i) = &mut f.value {
                i.reset();
            }
        }
        self.clear_errors();
        self.focus = 0;
    }

    /// The field with the cursor.
    pub fn focus(&self) -> Option<K> {
        self.fields.get(self.focus).map(|f| f.key)
    }

    pub fn set_focus(&mut self, key: K) {
        if let Some(i) = self.index(key) {
            self.focus = i;
        }
    }

    /// Shows every error at once, each under its field, and puts the cursor on the first
    /// bad field (in the form's order). Earlier errors are replaced. An error for a key
    /// the form does not have becomes the form-level sentence.
    pub fn set_errors(&mut self, errors: impl IntoIterator<Item = (K, String)>) {
        self.clear_errors();
        let mut strays = Vec::new();
        for (key, message) in errors {
            match self.index(key) {
                Some(i) => match &mut self.fields[i].error {
                    Some(e) => {
                        e.push(' ');
                        e.push_str(&message);
                    }
                    e => *e = Some(message),
                },
                None => strays.push(message),
            }
        }
        if !strays.is_empty() {
            self.error = Some(strays.join(" "));
        }
        if let Some(first) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = first;
        }
    }

    /// Field `key`'s error sentence.
    pub fn error(&self, key: K) -> Option<&str> {
        self.field(key).and_then(|f| f.error.as_deref())
    }

    /// Whether any field, or the form, shows an error.
    pub fn has_errors(&self) -> bool {
        self.error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }

    /// A sentence about the whole form (a refusal from the service, an outage).
    pub fn set_form_error(&mut self, message: impl Into<String>) {
        self.error = Some(message.into());
    }

    pub fn form_error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn clear_errors(&mut self) {
        self.error = None;
        for f in &mut self.fields {
            f.error = None;
        }
    }

    /// Runs `check` over the form and shows what it finds (see [`Form::set_errors`]);
    /// true when it found nothing.
    pub fn validate(&mut self, check: impl FnOnce(&Form<K>) -> Vec<(K, String)>) -> bool {
        let errors = check(self);
        let ok = errors.is_empty();
        self.set_errors(errors);
        ok
    }

    /// A save is in flight: keys other than Cancel are ignored, "Saving…" is shown.
    pub fn set_pending(&mut self, pending: bool) {
        self.pending = pending;
    }

    pub fn is_pending(&self) -> bool {
        self.pending
    }

    /// Asks a y/n question about the save (a possible duplicate, say).
    pub fn ask(&mut self, question: impl Into<String>) {
        self.question = Some(question.into());
    }

    /// Takes the question away (after its Yes has been acted on).
    pub fn clear_question(&mut self) {
        self.question = None;
    }

    /// How many options a choice field has.
    pub fn option_count(&self, key: K) -> usize {
        match self.field(key).map(|f| &f.value) {
            Some(Value::Choice { options, .. }) => options.len(),
            _ => 0,
        }
    }

    pub fn question(&self) -> Option<&str> {
        self.question.as_deref()
    }

    /// Where the screen looks keys up: the question's y/n, or the form's.
    pub fn context(&self) -> Context {
        if self.question.is_some() {
            Context::Confirm
        } else {
            Context::Form
        }
    }

    /// Handles a key; `command` is what the keymap made of it in [`Form::context`].
    pub fn on_key(&mut self, key: &KeyEvent, command: Option<Command>) -> FormOutcome {
        if self.question.is_some() {
            return match command {
                Some(Command::Yes) if !self.pending => FormOutcome::Yes,
                Some(Command::No | Command::Cancel | Command::Back) => {
                    self.question = None;
                    FormOutcome::No
                }
                _ => FormOutcome::Nothing,
            };
        }
        let n = self.fields.len().max(1);
        match command {
            Some(Command::Cancel | Command::Back) => FormOutcome::Cancel,
            _ if self.pending => FormOutcome::Nothing,
            Some(Command::NextField) => {
                self.focus = (self.focus + 1) % n;
                FormOutcome::Nothing
            }
            Some(Command::PrevField) => {
                self.focus = (self.focus + n - 1) % n;
                FormOutcome::Nothing
            }
            Some(Command::Save | Command::Submit) => FormOutcome::Submit,
            _ => self.edit(key),
        }
    }

    /// A key that is not a command, in the focused field.
    fn edit(&mut self, key: &KeyEvent) -> FormOutcome {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormOutcome::Nothing;
        };
        let changed = match &mut field.value {
            Value::Text(input) | Value::Masked(input) => match key.code {
                // Nothing that could drive the terminal gets into a field.
                KeyCode::Char(c) if is_unsafe(c) => false,
                _ => input
                    .handle_event(&Event::Key(*key))
                    .is_some_and(|change| change.value),
            },
            Value::Choice { options, selected } => {
                let n = options.len().max(1);
                let plain = !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                let before = *selected;
                match key.code {
                    KeyCode::Left if plain => *selected = (before + n - 1) % n,
                    KeyCode::Right | KeyCode::Char(' ') if plain => *selected = (before + 1) % n,
                    // Type-ahead: a letter or digit jumps to the next option (after the
                    // chosen one, wrapping) that starts with it; again cycles among them.
                    KeyCode::Char(c) if plain && c.is_alphanumeric() => {
                        if let Some(i) = next_starting_with(options, before, c) {
                            *selected = i;
                        }
                    }
                    _ => {}
                }
                *selected != before
            }
        };
        if !changed {
            return FormOutcome::Nothing;
        }
        field.error = None;
        self.error = None;
        FormOutcome::Edited
    }
}

/// The first option after `from` (wrapping round, `from` itself last) whose text starts
/// with `c`, ignoring case.
fn next_starting_with(options: &[String], from: usize, c: char) -> Option<usize> {
    let n = options.len();
    let wanted: String = c.to_lowercase().collect();
    (1..=n).map(|step| (from + step) % n).find(|&i| {
        options[i]
            .trim_start()
            .chars()
            .next()
            .is_some_and(|first| first.to_lowercase().collect::<String>() == wanted)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) enum F {
        Name,
        Email,
        Password,
        Method,
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    pub(super) fn form() -> Form<F> {
        Form::new("New patient")
            .text(F::Name, "Name", "Zoë", "required")
            .text(F::Email, "Email", "", "optional")
            .masked(F::Password, "Password", "12 characters or more")
            .choice(F::Method, "Method", ["Cash", "Card"], 1, "←/→")
    }

    fn type_in(f: &mut Form<F>, text: &str) {
        for c in text.chars() {
            f.on_key(&key(KeyCode::Char(c)), None);
        }
    }

    #[test]
    fn values_are_read_and_written_by_key() {
        let mut f = form();
        assert_eq!(f.value(F::Name), "Zoë");
        assert_eq!(f.value(F::Method), "Card");
        assert_eq!(f.selected(F::Method), Some(1));
        f.set(F::Email, "zoe@example.org");
        f.set(F::Method, "Cash");
        assert_eq!(f.value(F::Email), "zoe@example.org");
        assert_eq!(f.selected(F::Method), Some(0));
        f.select(F::Method, 7);
        assert_eq!(f.selected(F::Method), Some(0), "out of range is ignored");
        assert_eq!(
            f.keys().collect::<Vec<_>>(),
            [F::Name, F::Email, F::Password, F::Method]
        );
        f.clear();
        assert_eq!(f.value(F::Name), "");
        assert_eq!(f.value(F::Method), "Cash", "a choice keeps its option");
    }

    #[test]
    fn tab_and_shift_tab_move_between_fields_and_wrap() {
        let mut f = form();
        assert_eq!(f.focus(), Some(F::Name));
        assert_eq!(
            f.on_key(&key(KeyCode::Tab), Some(Command::NextField)),
            FormOutcome::Nothing
        );
        assert_eq!(f.focus(), Some(F::Email));
        f.on_key(&key(KeyCode::BackTab), Some(Command::PrevField));
        f.on_key(&key(KeyCode::BackTab), Some(Command::PrevField));
        assert_eq!(f.focus(), Some(F::Method));
    }

    #[test]
    fn typing_edits_the_focused_field_and_clears_its_error() {
        let mut f = form();
        f.set_focus(F::Email);
        f.set_errors(vec![(F::Email, "Enter an email address.".into())]);
        f.set_form_error("Could not save.");
        assert_eq!(
            f.on_key(&key(KeyCode::Char('z')), None),
            FormOutcome::Edited
        );
        assert_eq!(f.value(F::Email), "z");
        assert_eq!(f.error(F::Email), None);
        assert_eq!(f.form_error(), None);
        // A cursor move changes nothing.
        assert_eq!(f.on_key(&key(KeyCode::Left), None), FormOutcome::Nothing);
    }

    #[test]
    fn set_errors_shows_all_and_focuses_the_first_bad_field_in_form_order() {
        let mut f = form();
        f.set_focus(F::Method);
        f.set_errors(vec![
            (F::Password, "Too short.".into()),
            (F::Email, "Not an email address.".into()),
        ]);
        assert_eq!(f.focus(), Some(F::Email));
        assert_eq!(f.error(F::Password), Some("Too short."));
        assert_eq!(f.error(F::Email), Some("Not an email address."));
        assert!(f.has_errors());
        // Editing one field keeps the other's error.
        type_in(&mut f, "x");
        assert_eq!(f.error(F::Email), None);
        assert_eq!(f.error(F::Password), Some("Too short."));
        // New errors replace the old ones.
        f.set_errors(vec![]);
        assert!(!f.has_errors());
        assert_eq!(f.focus(), Some(F::Email), "no errors: the cursor stays");
    }

    #[test]
    fn validate_runs_a_check_and_keeps_what_was_typed() {
        let mut f = form();
        let check = |f: &Form<F>| {
            let mut e = Vec::new();
            if !f.value(F::Email).contains('@') {
                e.push((F::Email, "Give an email address with an @.".to_string()));
            }
            if f.value(F::Password).chars().count() < 12 {
                e.push((F::Password, "Use 12 characters or more.".to_string()));
            }
            e
        };
        f.set_focus(F::Email);
        type_in(&mut f, "zoe");
        assert!(!f.validate(check));
        assert_eq!(f.value(F::Email), "zoe");
        assert_eq!(f.focus(), Some(F::Email));
        assert!(f.error(F::Password).is_some());
        type_in(&mut f, "@example.org");
        f.set_focus(F::Password);
        type_in(&mut f, "correct horse battery");
        assert!(f.validate(check));
        assert!(!f.has_errors());
    }

    #[test]
    fn save_submit_cancel_and_back_map_to_outcomes() {
        let mut f = form();
        let enter = key(KeyCode::Enter);
        assert_eq!(f.on_key(&enter, Some(Command::Save)), FormOutcome::Submit);
        assert_eq!(f.on_key(&enter, Some(Command::Submit)), FormOutcome::Submit);
        assert_eq!(
            f.on_key(&key(KeyCode::Esc), Some(Command::Cancel)),
            FormOutcome::Cancel
        );
        assert_eq!(
            f.on_key(&key(KeyCode::Esc), Some(Command::Back)),
            FormOutcome::Cancel
        );
    }

    #[test]
    fn keys_are_ignored_while_saving_except_cancel() {
        let mut f = form();
        f.set_pending(true);
        assert_eq!(
            f.on_key(&key(KeyCode::Char('x')), None),
            FormOutcome::Nothing
        );
        assert_eq!(
            f.on_key(&key(KeyCode::Enter), Some(Command::Save)),
            FormOutcome::Nothing
        );
        assert_eq!(
            f.on_key(&key(KeyCode::Tab), Some(Command::NextField)),
            FormOutcome::Nothing
        );
        assert_eq!(f.value(F::Name), "Zoë");
        assert_eq!(f.focus(), Some(F::Name));
        assert_eq!(
            f.on_key(&key(KeyCode::Esc), Some(Command::Cancel)),
            FormOutcome::Cancel
        );
        f.set_pending(false);
        assert_eq!(
            f.on_key(&key(KeyCode::Char('x')), None),
            FormOutcome::Edited
        );
    }

    #[test]
    fn control_characters_never_get_into_a_field() {
        let mut f = form();
        assert_eq!(
            f.on_key(&key(KeyCode::Char('\u{1b}')), None),
            FormOutcome::Nothing
        );
        assert_eq!(
            f.on_key(&key(KeyCode::Char('\u{202E}')), None),
            FormOutcome::Nothing
        );
        assert_eq!(f.value(F::Name), "Zoë");
    }

    #[test]
    fn a_choice_changes_with_arrows_and_space() {
        let mut f = form();
        f.set_focus(F::Method);
        assert_eq!(f.on_key(&key(KeyCode::Right), None), FormOutcome::Edited);
        assert_eq!(f.value(F::Method), "Cash");
        f.on_key(&key(KeyCode::Char(' ')), None);
        assert_eq!(f.value(F::Method), "Card");
        f.on_key(&key(KeyCode::Left), None);
        assert_eq!(f.value(F::Method), "Cash");
        assert_eq!(
            f.on_key(&key(KeyCode::Char('x')), None),
            FormOutcome::Nothing
        );
    }

    fn long() -> Form<F> {
        let names = [
            "Cardiology",
            "Dermatology",
            "General practice",
            "Gynaecology",
            "Neurology",
            "Orthopedics",
            "Pediatrics",
            "Psychiatry",
        ];
        Form::new("t").choice(F::Method, "Specialization", names, 0, "")
    }

    #[test]
    fn typing_a_letter_jumps_to_the_next_option_starting_with_it() {
        let mut f = long();
        assert_eq!(
            f.on_key(&key(KeyCode::Char('p')), None),
            FormOutcome::Edited
        );
        assert_eq!(f.value(F::Method), "Pediatrics");
        f.on_key(&key(KeyCode::Char('P')), None);
        assert_eq!(f.value(F::Method), "Psychiatry", "again: the next one");
        f.on_key(&key(KeyCode::Char('p')), None);
        assert_eq!(f.value(F::Method), "Pediatrics", "and round again");
        f.on_key(&key(KeyCode::Char('g')), None);
        assert_eq!(f.value(F::Method), "General practice");
        assert_eq!(
            f.on_key(&key(KeyCode::Char('z')), None),
            FormOutcome::Nothing,
            "no option starts with z: nothing moves"
        );
        assert_eq!(f.value(F::Method), "General practice");
        assert_eq!(f.option_count(F::Method), 8);
        // Arrows still cycle.
        f.on_key(&key(KeyCode::Left), None);
        assert_eq!(f.value(F::Method), "Dermatology");
    }

    #[test]
    fn the_options_of_a_choice_can_be_replaced() {
        let mut f = long();
        f.set_options(F::Method, ["Cardiology", "Oncology", "New…"], 1);
        assert_eq!(f.value(F::Method), "Oncology");
        assert_eq!(f.option_count(F::Method), 3);
        f.set_options(F::Method, ["Only"], 9);
        assert_eq!(
            f.value(F::Method),
            "Only",
            "an index past the end takes the last"
        );
    }

    #[test]
    fn a_question_can_be_taken_away() {
        let mut f = form();
        f.ask("Sure?");
        f.clear_question();
        assert_eq!(f.question(), None);
        assert_eq!(f.context(), Context::Form);
    }

    #[test]
    fn a_question_takes_yes_or_no() {
        let mut f = form();
        f.ask("A patient with this email exists. Save anyway?");
        assert_eq!(f.context(), Context::Confirm);
        assert_eq!(
            f.on_key(&key(KeyCode::Char('x')), None),
            FormOutcome::Nothing
        );
        assert_eq!(
            f.on_key(&key(KeyCode::Char('y')), Some(Command::Yes)),
            FormOutcome::Yes
        );
        assert_eq!(
            f.on_key(&key(KeyCode::Char('n')), Some(Command::No)),
            FormOutcome::No
        );
        assert_eq!(f.question(), None);
        assert_eq!(f.context(), Context::Form);
        f.ask("Again?");
        assert_eq!(
            f.on_key(&key(KeyCode::Esc), Some(Command::Cancel)),
            FormOutcome::No
        );
    }

    #[test]
    fn errors_for_unknown_keys_become_the_form_sentence() {
        let mut f: Form<&'static str> = Form::new("t").text("a", "A", "", "");
        f.set_errors(vec![("b", "Something else is wrong.".into())]);
        assert_eq!(f.form_error(), Some("Something else is wrong."));
        assert_eq!(f.error("a"), None);
    }

    #[test]
    fn debug_never_shows_a_masked_value() {
        let mut f = form();
        f.set_focus(F::Password);
        type_in(&mut f, "hunter2-secret");
        let debug = format!("{f:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("<redacted>"));
        assert!(debug.contains("Zoë"));
        assert_eq!(f.value(F::Password), "hunter2-secret");
    }

    #[test]
    fn footer_for_uses_the_keymap() {
        assert_eq!(
            footer_for(&Keymap::defaults()),
            "Enter save · Tab next field · Esc cancel"
        );
    }
}
