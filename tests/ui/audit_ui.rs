//! The audit viewer as pure functions: filters checked before searching (every mistake
//! under its field), paging by what is on screen, the CSV export of the shown search;
//! rendered snapshots at 80x24; footers that end with the help key.

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::audit::{AuditEntry, Outcome};
use clinic::service::ServiceError;
use clinic::store::mysql::people::PersonMatch;
use clinic::tui::effect::Effect;
use clinic::tui::export::ExportError;
use clinic::tui::keymap::Context;
use clinic::tui::routes::{Reply, Route};
use clinic::tui::screens::audit::{
    AuditField, AuditOp, AuditQuery, AuditReply, AuditScreen, LIMIT,
};
use clinic::tui::screens::home::HomeItem;
use clinic::tui::state::{AppState, Tone};
use common::ui::{ch, ctrl, draw, key, send, type_text};
use crossterm::event::KeyCode;

/// Monday 12 January 2026, 08:10 in London (GMT, so UTC too).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 8, 10, 0)
        .single()
        .expect("valid time")
}

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, d)
        .expect("date")
        .and_hms_opt(h, m, 0)
        .expect("time")
}

fn app(role: Role) -> AppState {
    common::ui::signed_in_as(role, 1, "Fran Desk", now())
}

pub(crate) fn audit(s: &AppState) -> &AuditScreen {
    crate::top!(s, Audit)
}

pub(crate) fn last(effects: &[Effect]) -> (u64, AuditOp) {
    crate::last_op!(effects, Audit)
}

fn reply(s: &mut AppState, request: u64, reply: AuditReply) -> Vec<Effect> {
    send(s, [common::ui::reply(request, Reply::Audit(reply))])
}

fn footer(s: &AppState) -> String {
    let terminal = draw(s, 80, 24);
    let buffer = terminal.backend().buffer();
    (0..80)
        .map(|x| buffer[(x, 23)].symbol().to_string())
        .collect::<String>()
        .trim_end()
        .to_string()
}

fn entries(n: i64) -> Vec<AuditEntry> {
    (0..n)
        .map(|i| AuditEntry {
            id: 100 - i,
            occurred_at: at(12, 8, 0) - chrono::Duration::minutes(i * 7),
            actor_kind: if i % 3 == 0 { "FRONT_DESK" } else { "DOCTOR" }.into(),
            actor_id: Some(2),
            actor_email: Some(
                if i % 3 == 0 {
                    "sam@clinic.test"
                } else {
                    "grace@clinic.test"
                }
                .into(),
            ),
            action: if i % 2 == 0 {
                "PATIENT_READ"
            } else {
                "APPOINTMENT_BOOK"
            }
            .into(),
            entity: "patient".into(),
            entity_id: Some((40 + i).to_string()),
            patient_id: Some(i32::try_from(40 + i).unwrap_or(0)),
            outcome: if i == 1 { Outcome::Denied } else { Outcome::Ok },
            detail: (i == 1).then(|| "not their patient".to_string()),
        })
        .collect()
}

/// An admin on the audit screen with `n` entries shown.
pub(crate) fn loaded(n: i64) -> AppState {
    let mut s = app(Role::Admin);
    let (request, op) = last(&common::ui::open_item(&mut s, HomeItem::AuditTrail));
    assert_eq!(
        op,
        AuditOp::Search(AuditQuery {
            limit: LIMIT,
            ..AuditQuery::default()
        })
    );
    reply(&mut s, request, AuditReply::Entries(Ok(entries(n))));
    assert!(s.busy.is_none());
    s
}

fn person(kind: &str, id: i32, name: &str, email: &str) -> PersonMatch {
    PersonMatch {
        kind: kind.into(),
        id,
        full_name: name.into(),
        email: email.into(),
    }
}

#[test]
fn filters_are_checked_and_sent() {
    let mut s = loaded(3);
    assert_eq!(s.context(), Context::Audit);
    send(&mut s, [ch('/')]);
    assert_eq!(s.context(), Context::Form);
    // Typing on the person field opens the picker, which asks the service by name.
    let (first, op) = last(&send(&mut s, [ch('s')]));
    assert_eq!(
        op,
        AuditOp::FindPeople {
            query: "s".into(),
            patients_only: false
        }
    );
    assert_eq!(s.context(), Context::Search);
    let (request, op) = last(&send(&mut s, [ch('a'), ch('m')]));
    assert_eq!(
        op,
        AuditOp::FindPeople {
            query: "sam".into(),
            patients_only: false
        }
    );
    // A stale answer is dropped.
    reply(
        &mut s,
        first,
        AuditReply::People(Ok(vec![person("DOCTOR", 8, "Sally Stale", "s@x")])),
    );
    assert!(
        audit(&s)
            .picker
            .as_ref()
            .is_some_and(|p| p.found.is_empty())
    );
    reply(
        &mut s,
        request,
        AuditReply::People(Ok(vec![
            person("FRONT_DESK", 2, "Sam Front", "sam@clinic.test"),
            person("PATIENT", 2, "Samira Patel", "samira@x.org"),
        ])),
    );
    insta::assert_snapshot!("audit_person_picker_80x24", draw(&s, 80, 24).backend());
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    assert_eq!(s.context(), Context::Form);
    assert_eq!(
        audit(&s).filters.value(AuditField::Person),
        "Sam Front (front desk)"
    );
    // The patient filter lists patients only.
    send(&mut s, [key(KeyCode::Tab)]);
    let (request, op) = last(&send(&mut s, [ch('a')]));
    assert_eq!(
        op,
        AuditOp::FindPeople {
            query: "a".into(),
            patients_only: true
        }
    );
    reply(
        &mut s,
        request,
        AuditReply::People(Ok(vec![person("PATIENT", 4, "Ana Lima", "ana@x.org")])),
    );
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(
        audit(&s).filters.value(AuditField::Patient),
        "Ana Lima (patient)"
    );
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "patient_");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "2026-01-10");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "2026-01-02");
    assert!(send(&mut s, [ctrl('s')]).is_empty(), "to before from");
    assert_eq!(audit(&s).filters.focus(), Some(AuditField::To));
    assert!(audit(&s).filters.error(AuditField::To).is_some());
    for _ in 0..2 {
        send(&mut s, [key(KeyCode::Backspace)]);
    }
    type_text(&mut s, "12");
    let (request, op) = last(&send(&mut s, [ctrl('s')]));
    assert_eq!(
        op,
        AuditOp::Search(AuditQuery {
            actor_kind: Some("STAFF".into()),
            actor_id: Some(2),
            patient_id: Some(4),
            action: Some("PATIENT_".into()),
            from: NaiveDate::from_ymd_opt(2026, 1, 10),
            to: NaiveDate::from_ymd_opt(2026, 1, 12),
            limit: LIMIT,
        })
    );
    assert_eq!(s.context(), Context::Audit);
    reply(
        &mut s,
        request,
        AuditReply::Entries(Err(ServiceError::DatabaseUnavailable(
            "connection refused".into(),
        ))),
    );
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    assert!(
        s.status.as_ref().is_some_and(|x| x.outage),
        "an outage is recognised by its kind"
    );
    assert_eq!(audit(&s).entries.len(), 3, "what was shown stays");
    assert_eq!(
        audit(&s).shown.as_ref().map(|q| q.patient_id),
        Some(None),
        "an export still covers the unfiltered search that is shown"
    );
}

#[test]
fn paging_and_export() {
    let mut s = loaded(30);
    // A page is what the table showed at the last frame.
    draw(&s, 80, 24);
    let page = audit(&s).view.page();
    assert!((5..30).contains(&page), "{page} rows on screen");
    send(&mut s, [key(KeyCode::PageDown)]);
    assert_eq!(audit(&s).selected(), page);
    send(&mut s, [key(KeyCode::PageDown), key(KeyCode::PageDown)]);
    assert_eq!(audit(&s).selected(), 29);
    send(&mut s, [key(KeyCode::PageUp)]);
    assert_eq!(audit(&s).selected(), 29 - page);
    let (request, op) = last(&send(&mut s, [ch('x')]));
    let AuditOp::Export(query) = &op else {
        panic!("export: {op:?}")
    };
    assert_eq!(
        Some(query),
        audit(&s).shown.as_ref(),
        "the export covers the search whose 30 entries are shown"
    );
    assert_eq!(audit(&s).entries.len(), 30);
    assert!(send(&mut s, [ch('x')]).is_empty(), "one export at a time");
    reply(
        &mut s,
        request,
        AuditReply::Exported(Ok((
            "/home/ada/Downloads/audit-20260112-081000.csv".into(),
            30,
        ))),
    );
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("30 entries exported to /home/ada/Downloads/audit-20260112-081000.csv")
    );
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Home(_)));
}

#[test]
fn a_failed_export_says_why_and_allows_another() {
    let mut s = loaded(3);
    let (request, _) = last(&send(&mut s, [ch('x')]));
    reply(
        &mut s,
        request,
        AuditReply::Exported(Err(ExportError::File(
            "The file could not be written: Permission denied (os error 13)".into(),
        ))),
    );
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("The file could not be written: Permission denied (os error 13)")
    );
    let (request, _) = last(&send(&mut s, [ch('x')]));
    reply(
        &mut s,
        request,
        AuditReply::Exported(Err(ExportError::Service(ServiceError::Forbidden(
            "read the audit trail".into(),
        )))),
    );
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("You are not allowed to read the audit trail.")
    );
}

/// The footer at 80 columns ends with the help key, on the list and in the filters.
#[test]
fn every_audit_footer_at_80_columns_ends_with_help() {
    let mut s = loaded(30);
    let list = footer(&s);
    assert!(list.ends_with("? help"), "{list:?}");
    for part in ["filters", "x CSV", "Esc back"] {
        assert!(list.contains(part), "{part}: {list:?}");
    }
    send(&mut s, [ch('/')]);
    let filters = footer(&s);
    assert!(
        filters.ends_with("F1 help") && filters.contains("search"),
        "{filters:?}"
    );
    // Nothing shown: nothing to export, so no CSV key.
    let empty = loaded(0);
    let bare = footer(&empty);
    assert!(
        bare.ends_with("? help") && !bare.contains("CSV"),
        "{bare:?}"
    );
}

#[test]
fn nothing_to_export_is_said() {
    let mut s = loaded(0);
    assert!(send(&mut s, [ch('x')]).is_empty());
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Nothing to export: no entries are shown.")
    );
}

#[test]
fn snapshot_audit_80x24() {
    let s = loaded(30);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_audit_filters_80x24() {
    let mut s = loaded(5);
    send(&mut s, [ch('/'), key(KeyCode::Tab), key(KeyCode::Tab)]);
    type_text(&mut s, "patient_");
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_audit_120x40() {
    let s = loaded(30);
    insta::assert_snapshot!(draw(&s, 120, 40).backend());
}

#[test]
fn backspace_clears_a_picked_filter_and_esc_leaves_the_picker() {
    let mut s = loaded(3);
    send(&mut s, [ch('/')]);
    let (request, _) = last(&send(&mut s, [ch('g')]));
    // Esc closes the picker and changes nothing.
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(audit(&s).picker.is_none() && audit(&s).person.is_none());
    let _ = request;
    let (request, _) = last(&send(&mut s, [ch('g')]));
    reply(
        &mut s,
        request,
        AuditReply::People(Ok(vec![person(
            "DOCTOR",
            7,
            "Grace Hopper",
            "grace@clinic.test",
        )])),
    );
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(
        audit(&s).person.as_ref().map(|p| (p.kind.as_str(), p.id)),
        Some(("DOCTOR", 7))
    );
    // "Anyone" (the first entry) clears it; so does Backspace on the field.
    let (request, _) = last(&send(&mut s, [ch('g')]));
    reply(&mut s, request, AuditReply::People(Ok(Vec::new())));
    send(&mut s, [key(KeyCode::Enter)]);
    assert!(audit(&s).person.is_none());
    let (request, _) = last(&send(&mut s, [ch('g')]));
    reply(
        &mut s,
        request,
        AuditReply::People(Ok(vec![person(
            "DOCTOR",
            7,
            "Grace Hopper",
            "grace@clinic.test",
        )])),
    );
    send(&mut s, [key(KeyCode::Enter)]);
    assert!(audit(&s).person.is_some());
    send(&mut s, [key(KeyCode::Backspace)]);
    assert!(audit(&s).person.is_none());
    assert_eq!(audit(&s).filters.value(AuditField::Person), "");
    let (_, op) = last(&send(&mut s, [ctrl('s')]));
    assert_eq!(
        op,
        AuditOp::Search(AuditQuery {
            limit: LIMIT,
            ..AuditQuery::default()
        })
    );
}
