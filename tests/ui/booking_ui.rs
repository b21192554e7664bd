//! The booking screen as pure functions: keys and replies through `update`, and rendered
//! snapshots at 80x24 on ratatui's TestBackend.

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::person::Patient;
use clinic::service::ServiceError;
use clinic::service::availability::DoctorSummary;
use clinic::service::patients::RegisterError;
use clinic::service::series::{PlannedOccurrence, SeriesBooking};
use clinic::tui::effect::Effect;
use clinic::tui::keymap::Context;
use clinic::tui::routes::{Op, Reply, Route};
use clinic::tui::screens::booking::{
    BookedSummary, BookingChoices, BookingOp, BookingReply, BookingScreen, DoctorChoice, Pane,
    PartOfDay, RegField, SlotChoice, Step,
};
use clinic::tui::screens::home::{HomeItem, HomeScreen};
use clinic::tui::state::{AppState, Tone};
use common::ui::{ch, ctrl, draw, key, send, type_text};
use crossterm::event::KeyCode;

use crate::top;

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

fn app(role: Role, id: i32, name: &str) -> AppState {
    common::ui::signed_in_as(role, id, name, now())
}

/// Signed in, the "Book appointment" item opened from the home menu.
pub fn open(role: Role, id: i32, name: &str) -> (AppState, Vec<Effect>) {
    let mut s = app(role, id, name);
    let effects = common::ui::open_item(&mut s, HomeItem::Book);
    (s, effects)
}

pub fn booking(s: &AppState) -> &BookingScreen {
    top!(s, Booking)
}

fn ops(effects: &[Effect]) -> Vec<(u64, BookingOp)> {
    effects
        .iter()
        .map(|e| match e {
            Effect::Run {
                request,
                op: Op::Booking(op),
                ..
            } => (*request, op.clone()),
            other => panic!("expected a booking request, got {other:?}"),
        })
        .collect()
}

fn last(effects: &[Effect]) -> (u64, BookingOp) {
    ops(effects).pop().expect("a request")
}

fn patient(id: i32, name: &str, email: &str) -> Patient {
    Patient {
        id,
        full_name: name.into(),
        email: email.into(),
        phone_number: Some("+44 20 7946 0958".into()),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 2, 28),
        gender: None,
        is_active: true,
        has_portal_access: false,
        created_at: now(),
    }
}

pub fn doctors() -> Vec<DoctorSummary> {
    let d = |id, name: &str, spec: &str| DoctorSummary {
        id,
        full_name: name.into(),
        specialization: spec.into(),
    };
    vec![
        d(7, "Gregory House", "Diagnostics"),
        d(9, "Lisa Cuddy", "Endocrinology"),
        d(8, "James Wilson", "Oncology"),
        d(10, "Eric Foreman", "Diagnostics"),
    ]
}

fn slots(doctor_id: i32, name: &str) -> Vec<SlotChoice> {
    [at(12, 9, 0), at(12, 10, 0), at(12, 14, 0), at(13, 9, 0)]
        .into_iter()
        .map(|start| SlotChoice {
            doctor_id,
            doctor_name: name.into(),
            start_utc: start,
            end_utc: start + chrono::Duration::minutes(60),
            location_id: None,
        })
        .collect()
}

pub fn reply(s: &mut AppState, request: u64, reply: BookingReply) -> Vec<Effect> {
    send(s, [common::ui::reply(request, Reply::Booking(reply))])
}

/// The doctor step's one reply: the doctors, and no locations to filter by.
pub fn choices(doctors: Vec<DoctorSummary>) -> BookingReply {
    BookingReply::Doctors(Ok(BookingChoices {
        doctors,
        locations: Vec::new(),
        addresses: Vec::new(),
    }))
}

/// Front desk: found and picked Ana, doctors loaded.
fn at_doctor_step() -> AppState {
    let (mut s, effects) = open(Role::FrontDesk, 1, "Fran Desk");
    assert!(
        effects.is_empty(),
        "staff start with the search: {effects:?}"
    );
    let (request, _) = last(&type_text(&mut s, "ana"));
    reply(
        &mut s,
        request,
        BookingReply::Patients(Ok(vec![patient(31, "Ana Lima", "ana@example.com")])),
    );
    let (request, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(op, BookingOp::LoadDoctors);
    reply(&mut s, request, choices(doctors()));
    s
}

/// House chosen, his free times loaded.
fn at_slot_step() -> AppState {
    let mut s = at_doctor_step();
    // Diagnostics is first; Tab to its doctors, down past "any doctor" to House.
    let effects = send(
        &mut s,
        [key(KeyCode::Tab), key(KeyCode::Down), key(KeyCode::Enter)],
    );
    let (request, op) = last(&effects);
    match &op {
        BookingOp::LoadSlots {
            doctor,
            from,
            days,
            location: None,
        } => {
            assert_eq!(doctor.full_name, "Gregory House");
            assert_eq!(*from, NaiveDate::from_ymd_opt(2026, 1, 12).expect("date"));
            assert_eq!(*days, 14);
        }
        other => panic!("expected free times of House, got {other:?}"),
    }
    reply(
        &mut s,
        request,
        BookingReply::Slots(Ok(slots(7, "Gregory House"))),
    );
    s
}

#[test]
fn home_offers_booking_and_the_agenda_by_role() {
    let items = |role| HomeScreen::for_role(role).items;
    assert!(items(Role::FrontDesk).contains(&HomeItem::Book));
    assert!(items(Role::Admin).contains(&HomeItem::Book));
    assert!(items(Role::Patient).contains(&HomeItem::Book));
    assert!(!items(Role::Doctor).contains(&HomeItem::Book));
    assert!(items(Role::Doctor).contains(&HomeItem::Agenda));
    assert!(items(Role::Patient).contains(&HomeItem::MyAppointments));
    assert_eq!(HomeItem::MyAppointments.label(), "My appointments");
}

#[test]
fn typing_searches_incrementally_and_old_answers_are_dropped() {
    let (mut s, _) = open(Role::FrontDesk, 1, "Fran Desk");
    assert_eq!(s.context(), Context::PatientSearch);
    let effects = type_text(&mut s, "an");
    let requests = ops(&effects);
    assert_eq!(requests.len(), 2, "one search per keystroke");
    assert_eq!(
        requests[1].1,
        BookingOp::SearchPatients { query: "an".into() }
    );
    // The answer to "a" arrives after "an" was sent: dropped.
    reply(
        &mut s,
        requests[0].0,
        BookingReply::Patients(Ok(vec![patient(40, "Old Answer", "old@example.com")])),
    );
    assert!(booking(&s).results.is_empty());
    assert!(s.busy.is_some(), "still waiting for the current search");
    reply(
        &mut s,
        requests[1].0,
        BookingReply::Patients(Ok(vec![
            patient(31, "Ana Lima", "ana@example.com"),
            patient(32, "Bruno Analtes", "bruno@example.com"),
        ])),
    );
    assert_eq!(booking(&s).results.len(), 2);
    assert!(s.busy.is_none());
    // Arrows move over the results and the "register" row, and stop at the ends.
    send(
        &mut s,
        [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)],
    );
    assert_eq!(booking(&s).selected(), 2);
    send(&mut s, [key(KeyCode::Up)]);
    assert_eq!(booking(&s).selected(), 1);
    // Clearing the field clears the results without a request.
    let effects = send(&mut s, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    assert_eq!(ops(&effects).len(), 1, "only the first backspace searches");
    assert!(booking(&s).results.is_empty());
}

#[test]
fn picking_a_patient_leads_to_the_doctor_step_and_esc_goes_back() {
    let mut s = at_doctor_step();
    let b = booking(&s);
    assert_eq!(b.step, Step::Doctor);
    assert_eq!(b.patient.as_ref().map(|p| p.id), Some(31));
    assert_eq!(
        b.specializations(),
        vec!["Diagnostics", "Endocrinology", "Oncology"]
    );
    send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(booking(&s).step, Step::Patient);
    assert_eq!(booking(&s).query.value(), "ana", "the search is kept");
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(
        matches!(s.screen(), Route::Home(_)),
        "Esc from step 1 goes home"
    );
}

#[test]
fn typing_on_the_doctor_step_finds_a_doctor_or_a_specialization() {
    let mut s = at_doctor_step();
    assert_eq!(s.context(), Context::BookingDoctor);
    // A part of a doctor's name: that doctor, in their specialization.
    type_text(&mut s, "fore");
    let b = booking(&s);
    assert_eq!((b.spec_selected, b.doctor_selected), (0, 2));
    assert_eq!(b.pane, Pane::Doctor);
    assert!(screen_text(&s).contains("Find: fore"));
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(
        matches!(op, BookingOp::LoadSlots { ref doctor, .. } if doctor.id == 10),
        "{op:?}"
    );
    send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(booking(&s).step, Step::Doctor);
    // The start of a specialization: any doctor of it. `o`, `j` and `k` are letters here.
    type_text(&mut s, "onc");
    let b = booking(&s);
    assert_eq!(b.current_specialization(), Some("Oncology"));
    assert_eq!((b.doctor_selected, b.pane), (0, Pane::Doctor));
    // Backspace edits; a miss says so and moves nothing.
    send(&mut s, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    assert_eq!(booking(&s).doctor_find, "o");
    type_text(&mut s, "zz");
    assert!(s.status.as_ref().is_some_and(|x| {
        x.text
            .contains("No doctor or specialization matches \"ozz\"")
    }));
    assert_eq!(booking(&s).current_specialization(), Some("Oncology"));
    // Esc clears what was typed first, then goes back.
    send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(booking(&s).doctor_find, "");
    assert_eq!(booking(&s).step, Step::Doctor);
    // The arrows still move, and forget the typing.
    type_text(&mut s, "house");
    assert_eq!(booking(&s).doctor_selected, 1);
    send(&mut s, [key(KeyCode::Down)]);
    let b = booking(&s);
    assert_eq!((b.doctor_selected, b.doctor_find.as_str()), (2, ""));
}

#[test]
fn any_doctor_asks_for_every_free_time_of_the_specialization() {
    let mut s = at_doctor_step();
    let effects = send(
        &mut s,
        [key(KeyCode::Down), key(KeyCode::Enter), key(KeyCode::Enter)],
    );
    assert_eq!(booking(&s).pane, Pane::Doctor);
    let (request, op) = last(&effects);
    assert_eq!(
        op,
        BookingOp::AnyDoctor {
            specialization: "Endocrinology".into(),
            from: NaiveDate::from_ymd_opt(2026, 1, 12).expect("date"),
            days: 14,
            location: None,
        }
    );
    assert_eq!(
        booking(&s).choice,
        Some(DoctorChoice::Any {
            specialization: "Endocrinology".into()
        })
    );
    reply(
        &mut s,
        request,
        BookingReply::Slots(Ok(slots(9, "Lisa Cuddy"))),
    );
    assert_eq!(booking(&s).slots.len(), 4);
}

#[test]
fn a_full_booking_confirms_and_shows_a_summary() {
    let mut s = at_slot_step();
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Enter)]);
    assert_eq!(booking(&s).step, Step::Confirm);
    assert_eq!(s.context(), Context::Booking);
    // n goes back to the times; Enter then y books.
    send(&mut s, [ch('n')]);
    assert_eq!(booking(&s).step, Step::Slot);
    send(&mut s, [key(KeyCode::Enter)]);
    let (request, op) = last(&send(&mut s, [ch('y')]));
    assert_eq!(
        op,
        BookingOp::Book {
            patient_id: 31,
            doctor_id: 7,
            start_utc: at(12, 10, 0)
        }
    );
    assert!(
        send(&mut s, [ch('y'), key(KeyCode::Enter)]).is_empty(),
        "no second booking while one is in flight"
    );
    reply(
        &mut s,
        request,
        BookingReply::Booked(Ok(BookedSummary {
            appointment_id: 501,
            patient_name: "Ana Lima".into(),
            doctor_name: "Gregory House".into(),
            specialization: "Diagnostics".into(),
            start_utc: at(12, 10, 0),
            duration_minutes: 60,
            location: Some("Main building".into()),
        })),
    );
    assert_eq!(booking(&s).step, Step::Done);
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Info));
    let text = format!("{:?}", draw(&s, 80, 24).backend());
    for part in [
        "Ana Lima",
        "Mon 12 Jan 2026, 10:00–11:00",
        "Main building",
        "501",
    ] {
        assert!(text.contains(part), "summary lacks {part}");
    }
    // Enter starts another booking; Esc goes home.
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(booking(&s).step, Step::Patient);
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Home(_)));
}

#[test]
fn enter_confirms_too() {
    let mut s = at_slot_step();
    send(&mut s, [key(KeyCode::Enter)]);
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(op, BookingOp::Book { .. }), "{op:?}");
}

#[test]
fn a_refused_booking_keeps_the_choices_and_reloads_the_times() {
    let mut s = at_slot_step();
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Enter)]);
    let (request, _) = last(&send(&mut s, [ch('y')]));
    let sentence = "Mon 12 Jan 10:00 was just taken by another booking; pick another time.";
    let effects = reply(
        &mut s,
        request,
        BookingReply::Booked(Err(ServiceError::Conflict(sentence.into()))),
    );
    let b = booking(&s);
    assert_eq!(b.step, Step::Slot);
    assert_eq!(
        b.patient.as_ref().map(|p| p.name.as_str()),
        Some("Ana Lima")
    );
    assert!(matches!(&b.choice, Some(DoctorChoice::Doctor(d)) if d.id == 7));
    assert_eq!(b.notice.as_deref(), Some(sentence));
    let status = s.status.clone().expect("a status");
    assert_eq!((status.tone, status.text.as_str()), (Tone::Error, sentence));
    let (request, op) = last(&effects);
    assert!(matches!(op, BookingOp::LoadSlots { .. }), "{op:?}");
    let mut fresh = slots(7, "Gregory House");
    fresh.remove(1);
    reply(&mut s, request, BookingReply::Slots(Ok(fresh)));
    assert_eq!(booking(&s).slots.len(), 3);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn registration_keeps_what_was_typed_and_asks_about_duplicates() {
    let (mut s, _) = open(Role::FrontDesk, 1, "Fran Desk");
    type_text(&mut s, "Ana Lima");
    send(&mut s, [ctrl('n')]);
    assert_eq!(s.context(), Context::Form);
    let form = |s: &AppState| booking(s).register.clone().expect("form open");
    assert_eq!(
        form(&s).value(RegField::Name),
        "Ana Lima",
        "the search text becomes the name"
    );
    // Email missing: refused in the form, under the field, nothing sent.
    assert!(send(&mut s, [ctrl('s')]).is_empty());
    assert_eq!(form(&s).error(RegField::Email), Some("Email is required."));
    assert_eq!(
        form(&s).focus(),
        Some(RegField::Email),
        "the cursor goes to the field to fix"
    );
    type_text(&mut s, "ana2@example.com");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    type_text(&mut s, "1990-02-28");
    let (request, op) = last(&send(&mut s, [ctrl('s')]));
    match &op {
        BookingOp::Register(i) => {
            assert_eq!(i.email, "ana2@example.com");
            assert_eq!(i.date_of_birth, "1990-02-28");
            assert!(!i.confirm_duplicate);
        }
        other => panic!("{other:?}"),
    }
    // A validation refusal: shown in the form; the fields stay.
    reply(
        &mut s,
        request,
        BookingReply::Registered(Err(RegisterError::Failed(ServiceError::Invalid(
            "Date of birth 2030-01-01 is in the future.".into(),
        )))),
    );
    assert_eq!(form(&s).value(RegField::Email), "ana2@example.com");
    assert_eq!(
        form(&s).form_error(),
        Some("Date of birth 2030-01-01 is in the future.")
    );
    // A duplicate warning: y/n.
    let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
    let warning = "A patient named Ana Lima, born 1990-02-28 exists. Register anyway?";
    reply(
        &mut s,
        request,
        BookingReply::Registered(Err(RegisterError::PossibleDuplicate {
            message: warning.into(),
            existing: Vec::new(),
        })),
    );
    assert_eq!(s.context(), Context::Confirm);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    send(&mut s, [ch('n')]);
    assert_eq!(s.context(), Context::Form, "n returns to the form");
    send(&mut s, [key(KeyCode::Enter)]);
    assert!(
        booking(&s)
            .register
            .as_ref()
            .is_some_and(|f| f.is_pending())
    );
    let request = booking(&s).register_request.expect("pending");
    reply(
        &mut s,
        request,
        BookingReply::Registered(Err(RegisterError::PossibleDuplicate {
            message: warning.into(),
            existing: Vec::new(),
        })),
    );
    let (request, op) = last(&send(&mut s, [ch('y')]));
    assert!(
        matches!(&op, BookingOp::Register(i) if i.confirm_duplicate),
        "{op:?}"
    );
    let effects = reply(
        &mut s,
        request,
        BookingReply::Registered(Ok(patient(77, "Ana Lima", "ana2@example.com"))),
    );
    assert_eq!(booking(&s).step, Step::Doctor);
    assert_eq!(booking(&s).patient.as_ref().map(|p| p.id), Some(77));
    assert_eq!(last(&effects).1, BookingOp::LoadDoctors);
}

#[test]
fn patients_book_for_themselves_without_the_search() {
    let (mut s, effects) = open(Role::Patient, 31, "Ana Lima");
    let (request, op) = last(&effects);
    assert_eq!(op, BookingOp::LoadDoctors);
    assert_eq!(booking(&s).step, Step::Doctor);
    assert_eq!(booking(&s).patient.as_ref().map(|p| p.id), Some(31));
    reply(&mut s, request, choices(doctors()));
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(
        matches!(s.screen(), Route::Home(_)),
        "no patient step to go back to"
    );
}

#[test]
fn database_errors_are_sentences_and_leaving_drops_late_answers() {
    let (mut s, _) = open(Role::FrontDesk, 1, "Fran Desk");
    let (request, _) = last(&type_text(&mut s, "a"));
    let sentence = "The clinic database cannot be reached right now (pool timed out). Nothing was lost; try again shortly.";
    reply(
        &mut s,
        request,
        BookingReply::Patients(Err(ServiceError::DatabaseUnavailable(
            "pool timed out".into(),
        ))),
    );
    assert_eq!(s.status.as_ref().map(|x| x.text.as_str()), Some(sentence));
    assert_eq!(booking(&s).query.value(), "a");
    let (request, _) = last(&type_text(&mut s, "n"));
    send(&mut s, [key(KeyCode::Esc)]);
    // The search's spinner stopped; back on Home, the front desk's waitlist is counted.
    assert_eq!(s.busy.as_deref(), Some("Counting the waitlist"));
    assert!(reply(&mut s, request, BookingReply::Patients(Ok(Vec::new()))).is_empty());
    assert!(matches!(s.screen(), Route::Home(_)));
}

#[test]
fn snapshot_patient_search_80x24() {
    let (mut s, _) = open(Role::FrontDesk, 1, "Fran Desk");
    let (request, _) = last(&type_text(&mut s, "ana"));
    reply(
        &mut s,
        request,
        BookingReply::Patients(Ok(vec![
            patient(31, "Ana Lima", "ana@example.com"),
            patient(32, "Bruno Analtes", "bruno@example.com"),
        ])),
    );
    send(&mut s, [key(KeyCode::Down)]);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_confirm_80x24() {
    let mut s = at_slot_step();
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Enter)]);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn an_optional_location_narrows_the_free_times() {
    let (mut s, effects) = open(Role::FrontDesk, 1, "Fran Desk");
    assert!(effects.is_empty());
    let (request, _) = last(&type_text(&mut s, "ana"));
    reply(
        &mut s,
        request,
        BookingReply::Patients(Ok(vec![patient(31, "Ana Lima", "ana@example.com")])),
    );
    let (request, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(op, BookingOp::LoadDoctors);
    // The locations come with the doctors, in the one reply to the one request.
    reply(
        &mut s,
        request,
        BookingReply::Doctors(Ok(BookingChoices {
            doctors: doctors(),
            locations: vec![(4, "North".into()), (5, "Harbour".into())],
            addresses: Vec::new(),
        })),
    );
    assert_eq!(booking(&s).location_label(), "every location");
    // Letters find a doctor on this step; Ctrl-O changes the place.
    send(&mut s, [ctrl('o')]);
    assert_eq!(booking(&s).location_label(), "North");
    send(&mut s, [ctrl('o'), ctrl('o'), ctrl('o')]);
    assert_eq!(
        booking(&s).location_label(),
        "North",
        "cycles back round through every location"
    );
    assert!(
        draw(&s, 80, 24)
            .backend()
            .to_string()
            .contains("Doctor · North (Ctrl-O)")
    );
    let effects = send(
        &mut s,
        [key(KeyCode::Tab), key(KeyCode::Down), key(KeyCode::Enter)],
    );
    let (request, op) = last(&effects);
    assert!(
        matches!(
            op,
            BookingOp::LoadSlots {
                location: Some(4),
                ..
            }
        ),
        "{op:?}"
    );
    reply(
        &mut s,
        request,
        BookingReply::Slots(Ok(slots(7, "Gregory House"))),
    );
    // Changing it on the times reloads them for the new place.
    let (_, op) = last(&send(&mut s, [ch('o')]));
    assert!(
        matches!(
            op,
            BookingOp::LoadSlots {
                location: Some(5),
                ..
            }
        ),
        "{op:?}"
    );
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, d).expect("date")
}

fn screen_text(s: &AppState) -> String {
    draw(s, 80, 24).backend().to_string()
}

#[test]
fn the_grid_moves_by_day_week_page_and_date_and_jumps_to_the_first_free_time() {
    let mut s = at_slot_step();
    let b = booking(&s);
    assert_eq!((b.day, b.row), (day(12), 0), "opens on the first free time");
    assert_eq!(b.selected_slot().map(|x| x.start_utc), Some(at(12, 9, 0)));
    send(&mut s, [ch(']')]);
    assert_eq!((booking(&s).day, booking(&s).row), (day(13), 0));
    send(&mut s, [ch('[')]);
    assert_eq!(booking(&s).day, day(12));
    send(&mut s, [key(KeyCode::End)]);
    assert_eq!(
        booking(&s).selected_slot().map(|x| x.start_utc),
        Some(at(12, 14, 0))
    );
    send(&mut s, [key(KeyCode::Home)]);
    assert_eq!(booking(&s).row, 0);
    // Right keeps the time of day as near as it can: 10:00 on Monday, 9:00 on Tuesday.
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Right)]);
    assert_eq!(
        booking(&s).selected_slot().map(|x| x.start_utc),
        Some(at(13, 9, 0))
    );
    send(&mut s, [ch('}')]);
    assert_eq!(booking(&s).day, day(20));
    assert!(booking(&s).selected_slot().is_none());
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    assert_eq!(
        booking(&s).step,
        Step::Slot,
        "nothing to pick on an empty day"
    );
    send(&mut s, [ch('{'), key(KeyCode::PageDown)]);
    assert_eq!(booking(&s).day, day(18));
    send(&mut s, [key(KeyCode::PageUp), key(KeyCode::PageUp)]);
    assert_eq!(booking(&s).day, day(12), "never before today");
    send(&mut s, [ch(']'), ch(']'), ch('f')]);
    assert_eq!((booking(&s).day, booking(&s).row), (day(12), 0));
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    // g: a date typed; a weekday means the next one; a bad one is said and kept.
    send(&mut s, [ch('g')]);
    assert_eq!(s.context(), Context::Search);
    type_text(&mut s, "soon");
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    assert!(
        booking(&s).go_to.is_some(),
        "the field stays open with the text"
    );
    send(&mut s, [key(KeyCode::Esc), ch('g')]);
    type_text(&mut s, "thu");
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    assert_eq!(booking(&s).day, day(15));
    // A date past the times read loads its own.
    send(&mut s, [ch('g')]);
    type_text(&mut s, "2026-02-02");
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(
        matches!(op, BookingOp::LoadSlots { from, .. } if from == NaiveDate::from_ymd_opt(2026, 2, 2).expect("date")),
        "{op:?}"
    );
    assert_eq!(
        booking(&s).day,
        NaiveDate::from_ymd_opt(2026, 2, 2).expect("date")
    );
}

fn two_doctors_slots() -> Vec<SlotChoice> {
    let mut all = slots(7, "Gregory House");
    all.extend(slots(10, "Eric Foreman"));
    all.sort_by(|a, b| {
        a.start_utc
            .cmp(&b.start_utc)
            .then(a.doctor_name.cmp(&b.doctor_name))
    });
    all
}

#[test]
fn any_doctor_shows_every_doctors_free_times_for_the_day_and_part_of_day() {
    let mut s = at_doctor_step();
    // Diagnostics: Tab to its doctors, "any" is the first row.
    let (request, op) = last(&send(&mut s, [key(KeyCode::Tab), key(KeyCode::Enter)]));
    assert!(
        matches!(op, BookingOp::AnyDoctor { ref specialization, .. } if specialization == "Diagnostics"),
        "{op:?}"
    );
    reply(
        &mut s,
        request,
        BookingReply::Slots(Ok(two_doctors_slots())),
    );
    let b = booking(&s);
    let monday: Vec<(String, NaiveDateTime)> = b
        .day_slots(day(12))
        .iter()
        .map(|x| (x.doctor_name.clone(), x.start_utc))
        .collect();
    assert_eq!(monday.len(), 6, "both doctors, every time: {monday:?}");
    assert!(monday.contains(&("Eric Foreman".into(), at(12, 14, 0))));
    let text = screen_text(&s);
    assert!(
        text.contains("09:00 Foreman") && text.contains("09:00 House"),
        "{text}"
    );
    // The afternoon only.
    send(&mut s, [ch('p'), ch('p')]);
    assert_eq!(booking(&s).part, PartOfDay::Afternoon);
    let afternoon: Vec<&str> = booking(&s)
        .day_slots(day(12))
        .iter()
        .map(|x| x.doctor_name.as_str())
        .collect();
    assert_eq!(afternoon, vec!["Eric Foreman", "Gregory House"]);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Enter)]);
    assert_eq!(booking(&s).chosen.as_ref().map(|c| c.doctor_id), Some(7));
}

/// House's times at the North location, whose address is known.
fn at_confirm_with_location() -> AppState {
    let (mut s, _) = open(Role::FrontDesk, 1, "Fran Desk");
    let (request, _) = last(&type_text(&mut s, "ana"));
    reply(
        &mut s,
        request,
        BookingReply::Patients(Ok(vec![patient(31, "Ana Lima", "ana@example.com")])),
    );
    let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
    reply(
        &mut s,
        request,
        BookingReply::Doctors(Ok(BookingChoices {
            doctors: doctors(),
            locations: vec![(4, "North".into())],
            addresses: vec![(4, "1 High Street, Leeds".into())],
        })),
    );
    let (request, _) = last(&send(
        &mut s,
        [key(KeyCode::Tab), key(KeyCode::Down), key(KeyCode::Enter)],
    ));
    let mut list = slots(7, "Gregory House");
    for x in &mut list {
        x.location_id = Some(4);
    }
    reply(&mut s, request, BookingReply::Slots(Ok(list)));
    send(&mut s, [key(KeyCode::Enter)]);
    s
}

#[test]
fn the_confirmation_shows_doctor_location_local_time_and_length() {
    let s = at_confirm_with_location();
    assert_eq!(booking(&s).step, Step::Confirm);
    let text = screen_text(&s);
    for part in [
        "Ana Lima",
        "Gregory House (Diagnostics)",
        "North, 1 High Street, Leeds",
        "Mon 12 Jan 2026, 09:00–10:00",
        "Europe/London",
        "60 minutes",
        "repeat",
    ] {
        assert!(
            text.contains(part),
            "the confirmation lacks {part}:\n{text}"
        );
    }
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn repeat_plans_the_series_shows_conflicts_and_books_skipping_them() {
    let mut s = at_confirm_with_location();
    send(&mut s, [ch('r')]);
    assert_eq!(s.context(), Context::Form);
    // Every 2 weeks, 3 times.
    send(&mut s, [key(KeyCode::Backspace)]);
    type_text(&mut s, "2");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Backspace)]);
    type_text(&mut s, "3");
    let (request, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    let BookingOp::PlanSeries(req) = op else {
        panic!("a plan, got {op:?}")
    };
    assert_eq!(
        (req.every_weeks, req.count, req.skip_conflicts),
        (2, 3, false)
    );
    assert_eq!((req.first.patient_id, req.first.doctor_id), (31, 7));
    assert_eq!(req.first.start_utc, at(12, 9, 0));
    let occ = |i: u32, d: u32, problem: Option<&str>| PlannedOccurrence {
        index: i,
        local_start: at(12, 9, 0) + chrono::Duration::days(i64::from(d) - 12),
        start_utc: Some(at(12, 9, 0) + chrono::Duration::days(i64::from(d) - 12)),
        problem: problem.map(str::to_string),
    };
    reply(
        &mut s,
        request,
        BookingReply::Planned(Ok(vec![
            occ(0, 12, None),
            occ(1, 26, Some("the doctor has time off")),
            occ(2, 40, None),
        ])),
    );
    assert_eq!(s.context(), Context::Booking);
    let text = screen_text(&s);
    assert!(
        text.contains("Mon 26 Jan 09:00: the doctor has time off"),
        "{text}"
    );
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    // All or nothing is refused up front; s books the free dates.
    assert!(send(&mut s, [ch('y')]).is_empty());
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("s books the 2 others"))
    );
    let (request, op) = last(&send(&mut s, [ch('s')]));
    assert!(
        matches!(&op, BookingOp::BookSeries(r) if r.skip_conflicts),
        "{op:?}"
    );
    let appt = |id: i32, d: u32| clinic::domain::appointment::Appointment {
        id,
        patient_id: 31,
        doctor_id: 7,
        location_id: Some(4),
        start_utc: at(d, 9, 0),
        duration_minutes: 60,
        status: clinic::domain::appointment::AppointmentStatus::Booked,
        cancel_reason: None,
        cancelled_at: None,
    };
    reply(
        &mut s,
        request,
        BookingReply::SeriesBooked(Ok(SeriesBooking {
            series_id: 3,
            booked: vec![appt(601, 12), appt(602, 9)],
            skipped: vec![occ(1, 26, Some("the doctor has time off"))],
        })),
    );
    assert_eq!(booking(&s).step, Step::Done);
    let text = screen_text(&s);
    assert!(
        text.contains("The series is booked: 2 appointments"),
        "{text}"
    );
    assert!(text.contains("skipped Mon 26 Jan 09:00"), "{text}");
}

#[test]
fn the_agenda_b_books_with_the_rows_patient_and_doctor() {
    let mut s = crate::agenda_ui::loaded(Role::FrontDesk, 1);
    let effects = send(&mut s, [ch('b')]);
    let b = booking(&s);
    assert_eq!(b.step, Step::Slot);
    assert_eq!(
        b.patient.as_ref().map(|p| p.name.as_str()),
        Some("Rebecca Adler")
    );
    assert!(matches!(&b.choice, Some(DoctorChoice::Doctor(d)) if d.full_name == "Gregory House"));
    let requests = ops(&effects);
    assert!(requests.iter().any(|(_, o)| *o == BookingOp::LoadDoctors));
    let (request, op) = requests
        .iter()
        .find(|(_, o)| matches!(o, BookingOp::LoadSlots { .. }))
        .cloned()
        .expect("the doctor's times");
    assert!(
        matches!(&op, BookingOp::LoadSlots { doctor, .. } if doctor.full_name == "Gregory House")
    );
    reply(
        &mut s,
        request,
        BookingReply::Slots(Ok(slots(7, "Gregory House"))),
    );
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    // Enter, Enter: booked at the first free time with the pre-filled patient.
    send(&mut s, [key(KeyCode::Enter)]);
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(
        matches!(op, BookingOp::Book { doctor_id: 7, start_utc, .. } if start_utc == at(12, 9, 0)),
        "{op:?}"
    );
}

#[test]
fn a_freshly_registered_patient_is_listed_when_the_search_comes_back() {
    let (mut s, _) = open(Role::FrontDesk, 1, "Fran Desk");
    let (request, _) = last(&type_text(&mut s, "Zoe"));
    reply(&mut s, request, BookingReply::Patients(Ok(Vec::new())));
    assert!(screen_text(&s).contains("No patient matches"));
    send(&mut s, [ctrl('n'), key(KeyCode::Tab)]);
    type_text(&mut s, "zoe@example.com");
    let (request, _) = last(&send(&mut s, [ctrl('s')]));
    let effects = reply(
        &mut s,
        request,
        BookingReply::Registered(Ok(patient(90, "Zoe Quinn", "zoe@example.com"))),
    );
    let (request, _) = last(&effects);
    reply(&mut s, request, choices(doctors()));
    // Esc back to the search: the new patient is there, selected, and it searches again.
    let (request, op) = last(&send(&mut s, [key(KeyCode::Esc)]));
    assert_eq!(
        op,
        BookingOp::SearchPatients {
            query: "Zoe".into()
        }
    );
    let b = booking(&s);
    assert_eq!(b.step, Step::Patient);
    assert_eq!(b.results.first().map(|p| p.id), Some(90));
    assert!(!screen_text(&s).contains("No patient matches"));
    reply(
        &mut s,
        request,
        BookingReply::Patients(Ok(vec![
            patient(12, "Zoe Adams", "za@example.com"),
            patient(90, "Zoe Quinn", "zoe@example.com"),
        ])),
    );
    assert_eq!(booking(&s).selected(), 1, "the new patient stays selected");
}
