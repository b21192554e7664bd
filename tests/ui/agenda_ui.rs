//! The agenda screen as pure functions: keys and replies through `update`, and rendered
//! snapshots at 80x24 and 120x40 on ratatui's TestBackend.

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::{Appointment, AppointmentStatus, AppointmentView, StatusChange};
use clinic::domain::availability::Slot;
use clinic::service::ServiceError;
use clinic::service::availability::DoctorSummary;
use clinic::tui::effect::Effect;
use clinic::tui::keymap::Context;
use clinic::tui::routes::{Reply, Route};
use clinic::tui::screens::agenda::{
    AgendaOp, AgendaReply, AgendaScreen, Modal, Period, ReasonField,
};
use clinic::tui::screens::booking::BookingOp;
use clinic::tui::screens::home::HomeItem;
use clinic::tui::state::{AppState, Tone};
use common::ui::{ch, draw, key, send, type_text};
use crossterm::event::KeyCode;

use crate::{last_op, top};

const HOUSE: i32 = 7;

/// Monday 12 January 2026, 11:30 in London (GMT, so UTC too).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 11, 30, 0)
        .single()
        .expect("valid time")
}

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, d)
        .expect("date")
        .and_hms_opt(h, m, 0)
        .expect("time")
}

/// Signed in as `role`, the agenda (a patient's "My appointments") opened from home.
pub fn open(role: Role, id: i32) -> (AppState, Vec<Effect>) {
    let mut s = common::ui::signed_in_as(role, id, "Someone", now());
    let item = match role {
        Role::Patient => HomeItem::MyAppointments,
        _ => HomeItem::Agenda,
    };
    let effects = common::ui::open_item(&mut s, item);
    (s, effects)
}

pub fn agenda(s: &AppState) -> &AgendaScreen {
    top!(s, Agenda)
}

/// The last agenda request among `effects`.
pub fn last(effects: &[Effect]) -> (u64, AgendaOp) {
    last_op!(effects, Agenda)
}

pub fn reply(s: &mut AppState, request: u64, reply: AgendaReply) -> Vec<Effect> {
    send(s, [common::ui::reply(request, Reply::Agenda(reply))])
}

pub fn view(
    id: i32,
    start: NaiveDateTime,
    doctor: (&str, i32),
    patient: &str,
    status: AppointmentStatus,
) -> AppointmentView {
    AppointmentView {
        appointment: Appointment {
            id,
            patient_id: 30 + id,
            doctor_id: doctor.1,
            location_id: Some(1),
            start_utc: start,
            duration_minutes: 60,
            status,
            cancel_reason: (status == AppointmentStatus::Cancelled)
                .then(|| "Patient is travelling".to_string()),
            cancelled_at: None,
        },
        patient_name: patient.into(),
        patient_email: format!("{}@example.com", patient.to_lowercase().replace(' ', ".")),
        doctor_name: doctor.0.into(),
        doctor_email: "doctor@clinic.test".into(),
        specialization: "Diagnostics".into(),
        location_name: Some("Main building".into()),
    }
}

pub fn day_rows() -> Vec<AppointmentView> {
    let house = ("Gregory House", HOUSE);
    let wilson = ("James Wilson", 8);
    vec![
        view(
            21,
            at(12, 9, 0),
            house,
            "Rebecca Adler",
            AppointmentStatus::Completed,
        ),
        view(
            22,
            at(12, 10, 0),
            wilson,
            "Bartholomew Featherstonehaugh",
            AppointmentStatus::Booked,
        ),
        view(
            23,
            at(12, 11, 0),
            house,
            "Ana Lima",
            AppointmentStatus::Booked,
        ),
        view(
            24,
            at(12, 13, 0),
            house,
            "Carla Souza",
            AppointmentStatus::Cancelled,
        ),
        view(
            25,
            at(12, 15, 0),
            wilson,
            "Dora Reis",
            AppointmentStatus::Booked,
        ),
    ]
}

/// `role` on today's agenda with five rows loaded.
pub fn loaded(role: Role, id: i32) -> AppState {
    let (mut s, effects) = open(role, id);
    let (request, _) = last(&effects);
    reply(&mut s, request, AgendaReply::Appointments(Ok(day_rows())));
    s
}

#[test]
fn opens_on_today_for_all_doctors_and_moves_by_day_and_week() {
    let (s, effects) = open(Role::FrontDesk, 1);
    let (_, op) = last(&effects);
    let AgendaOp::Load(filter) = op else {
        panic!("expected a load")
    };
    assert_eq!(filter.doctor_id, None);
    assert_eq!(filter.from, Some(at(12, 0, 0)));
    assert_eq!(filter.to, Some(at(13, 0, 0)));
    assert!(filter.include_cancelled);
    assert_eq!(s.context(), Context::Agenda);

    let mut s = loaded(Role::FrontDesk, 1);
    let load = |e: &[Effect]| match last(e).1 {
        AgendaOp::Load(f) => (f.from, f.to),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        load(&send(&mut s, [ch(']')])),
        (Some(at(13, 0, 0)), Some(at(14, 0, 0)))
    );
    assert_eq!(
        load(&send(&mut s, [ch('w')])),
        (Some(at(12, 0, 0)), Some(at(19, 0, 0)))
    );
    assert_eq!(agenda(&s).period, Period::Week);
    assert_eq!(
        load(&send(&mut s, [ch(']')])),
        (Some(at(19, 0, 0)), Some(at(26, 0, 0)))
    );
    assert_eq!(
        load(&send(&mut s, [ch('t')])),
        (Some(at(12, 0, 0)), Some(at(19, 0, 0)))
    );
    assert_eq!(
        load(&send(&mut s, [ch('w'), ch('[')])),
        (Some(at(11, 0, 0)), Some(at(12, 0, 0)))
    );
}

#[test]
fn stale_loads_are_dropped() {
    let (mut s, effects) = open(Role::FrontDesk, 1);
    let (first, _) = last(&effects);
    let (second, _) = last(&send(&mut s, [ch(']')]));
    reply(&mut s, first, AgendaReply::Appointments(Ok(day_rows())));
    assert!(agenda(&s).rows.is_empty(), "yesterday's answer is dropped");
    assert!(s.busy.is_some());
    reply(
        &mut s,
        second,
        AgendaReply::Appointments(Ok(day_rows()[..2].to_vec())),
    );
    assert_eq!(agenda(&s).rows.len(), 2);
    assert!(s.busy.is_none());
}

#[test]
fn the_cancel_prompt_refuses_an_empty_reason() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    // The prompt opens at once; whether it is one of a series is looked up meanwhile.
    assert_eq!(
        last(&send(&mut s, [ch('c')])).1,
        AgendaOp::SeriesOf { appointment_id: 23 }
    );
    assert_eq!(s.context(), Context::Form);
    assert!(
        send(&mut s, [key(KeyCode::Enter)]).is_empty(),
        "empty reason: nothing sent"
    );
    assert!(
        send(&mut s, [ch(' '), ch(' '), key(KeyCode::Enter)]).is_empty(),
        "blank too"
    );
    let Some(Modal::Reason(p)) = &agenda(&s).modal else {
        panic!("the prompt stays open")
    };
    assert!(
        p.form
            .error(ReasonField::Reason)
            .is_some_and(|e| e.contains("reason is required")),
        "the error is under the reason field"
    );
    assert_eq!(p.form.focus(), Some(ReasonField::Reason));
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    type_text(&mut s, "Feeling better");
    let (request, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        AgendaOp::Cancel {
            appointment_id: 23,
            reason: "Feeling better".into()
        }
    );
    // A refusal keeps the prompt and the reason.
    reply(
        &mut s,
        request,
        AgendaReply::Done(Err(ServiceError::Forbidden(
            "book, cancel or reschedule this appointment".into(),
        ))),
    );
    let Some(Modal::Reason(p)) = &agenda(&s).modal else {
        panic!("the prompt stays open")
    };
    assert_eq!(p.reason(), "  Feeling better");
    assert!(!p.pending());
    assert_eq!(
        p.form.form_error(),
        Some("You are not allowed to book, cancel or reschedule this appointment."),
        "a refusal of the cancellation is the form's sentence, not the field's"
    );
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    // Success closes it and reloads.
    let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
    let effects = reply(
        &mut s,
        request,
        AgendaReply::Done(Ok("Appointment 23 cancelled.".into())),
    );
    assert!(agenda(&s).modal.is_none());
    assert!(matches!(last(&effects).1, AgendaOp::Load(_)));
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Appointment 23 cancelled.")
    );
}

#[test]
fn esc_leaves_the_cancel_prompt_without_cancelling() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), ch('c')]);
    type_text(&mut s, "x");
    assert!(send(&mut s, [key(KeyCode::Esc)]).is_empty());
    assert!(agenda(&s).modal.is_none());
    assert_eq!(s.context(), Context::Agenda);
}

#[test]
fn only_booked_appointments_change_and_marks_wait_for_the_start() {
    let mut s = loaded(Role::FrontDesk, 1);
    // Row 0 is completed: nothing to cancel or mark.
    assert!(send(&mut s, [ch('c')]).is_empty());
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("completed"))
    );
    assert!(send(&mut s, [ch('m')]).is_empty());
    // Row 1 (10:00, started): completed and no-show are sent.
    send(&mut s, [key(KeyCode::Down)]);
    assert_eq!(
        last(&send(&mut s, [ch('m')])).1,
        AgendaOp::Mark {
            appointment_id: 22,
            status: AppointmentStatus::Completed
        }
    );
    assert_eq!(
        last(&send(&mut s, [ch('n')])).1,
        AgendaOp::Mark {
            appointment_id: 22,
            status: AppointmentStatus::NoShow
        }
    );
    // Row 4 (15:00) has not started.
    send(
        &mut s,
        [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)],
    );
    assert!(send(&mut s, [ch('n')]).is_empty());
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("not started yet"))
    );
}

#[test]
fn history_opens_a_popup_listing_the_changes() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(
        &mut s,
        [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)],
    );
    let (request, op) = last(&send(&mut s, [ch('h')]));
    assert_eq!(op, AgendaOp::History { appointment_id: 24 });
    let change = |from, to, old: Option<NaiveDateTime>, new, reason: &str, when| StatusChange {
        appointment_id: 24,
        from_status: from,
        to_status: to,
        old_time: old,
        new_time: new,
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        changed_by_kind: "FRONT_DESK".into(),
        changed_by_id: Some(1),
        changed_at: when,
    };
    reply(
        &mut s,
        request,
        AgendaReply::History(Ok(vec![
            change(
                None,
                AppointmentStatus::Booked,
                None,
                Some(at(12, 12, 0)),
                "",
                at(5, 9, 0),
            ),
            change(
                Some(AppointmentStatus::Booked),
                AppointmentStatus::Booked,
                Some(at(12, 12, 0)),
                Some(at(12, 13, 0)),
                "Rescheduled",
                at(6, 10, 15),
            ),
            change(
                Some(AppointmentStatus::Booked),
                AppointmentStatus::Cancelled,
                None,
                None,
                "Patient is travelling",
                at(9, 16, 45),
            ),
        ])),
    );
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(agenda(&s).modal.is_none());
    assert!(
        matches!(s.screen(), Route::Agenda(_)),
        "Esc closes the popup only"
    );
}

#[test]
fn reschedule_offers_the_same_doctors_free_times_and_moves_in_one_call() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(
        &mut s,
        [
            key(KeyCode::Down),
            key(KeyCode::Down),
            key(KeyCode::Down),
            key(KeyCode::Down),
        ],
    );
    let (request, op) = last(&send(&mut s, [ch('r')]));
    assert_eq!(
        op,
        AgendaOp::Slots {
            doctor_id: 8,
            from: NaiveDate::from_ymd_opt(2026, 1, 12).expect("date"),
            days: 14,
            duration_minutes: 60
        }
    );
    let slot = |d, h| Slot {
        start_utc: at(d, h, 0),
        end_utc: at(d, h + 1, 0),
        location_id: None,
    };
    reply(
        &mut s,
        request,
        AgendaReply::Slots(Ok(vec![slot(12, 16), slot(13, 9), slot(13, 10)])),
    );
    assert_eq!(s.context(), Context::Booking);
    send(&mut s, [key(KeyCode::Down)]);
    let (request, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        AgendaOp::Reschedule {
            appointment_id: 25,
            start_utc: at(13, 9, 0)
        }
    );
    // Taken meanwhile: the sentence, fresh times, the picker stays.
    let effects = reply(
        &mut s,
        request,
        AgendaReply::Done(Err(ServiceError::Conflict(
            "Tue 13 Jan 09:00 was just taken by another booking; pick another time.".into(),
        ))),
    );
    assert!(matches!(
        last(&effects).1,
        AgendaOp::Slots { doctor_id: 8, .. }
    ));
    let Some(Modal::Reschedule(r)) = &agenda(&s).modal else {
        panic!("picker stays")
    };
    assert!(r.error.as_deref().is_some_and(|e| e.contains("just taken")));
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(agenda(&s).modal.is_none());
}

#[test]
fn staff_pick_a_doctor_with_d() {
    let mut s = loaded(Role::FrontDesk, 1);
    let (request, op) = last(&send(&mut s, [ch('d')]));
    assert_eq!(op, AgendaOp::LoadDoctors);
    assert_eq!(s.context(), Context::Search);
    reply(
        &mut s,
        request,
        AgendaReply::Doctors(Ok(vec![
            DoctorSummary {
                id: HOUSE,
                full_name: "Gregory House".into(),
                specialization: "Diagnostics".into(),
            },
            DoctorSummary {
                id: 8,
                full_name: "James Wilson".into(),
                specialization: "Oncology".into(),
            },
        ])),
    );
    type_text(&mut s, "onco");
    let (_, op) = last(&send(&mut s, [key(KeyCode::Down), key(KeyCode::Enter)]));
    assert!(matches!(op, AgendaOp::Load(f) if f.doctor_id == Some(8)));
    assert_eq!(agenda(&s).doctor.as_ref().map(|d| d.id), Some(8));
    // Back to all doctors.
    send(&mut s, [ch('d')]);
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(op, AgendaOp::Load(f) if f.doctor_id.is_none()));
}

#[test]
fn doctors_see_their_own_agenda_without_a_picker() {
    let (mut s, effects) = open(Role::Doctor, HOUSE);
    assert!(matches!(last(&effects).1, AgendaOp::Load(f) if f.doctor_id == Some(HOUSE)));
    assert!(send(&mut s, [ch('d')]).is_empty());
    assert!(agenda(&s).modal.is_none());
    assert!(send(&mut s, [ch('b')]).is_empty());
}

#[test]
fn patients_see_all_their_appointments_and_can_cancel_and_book() {
    let (mut s, effects) = open(Role::Patient, 53);
    let (request, op) = last(&effects);
    let AgendaOp::Load(filter) = op else {
        panic!("a load")
    };
    assert_eq!(
        (filter.patient_id, filter.from, filter.to),
        (Some(53), None, None)
    );
    reply(&mut s, request, AgendaReply::Appointments(Ok(day_rows())));
    assert_eq!(
        agenda(&s).selected(),
        2,
        "the first upcoming one is selected"
    );
    assert!(send(&mut s, [ch('m')]).is_empty());
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    assert!(send(&mut s, [ch(']')]).is_empty());
    send(&mut s, [ch('c')]);
    assert_eq!(s.context(), Context::Form);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    send(&mut s, [key(KeyCode::Esc)]);
    // Booking starts with the selected appointment's doctor: its free times load.
    let effects = send(&mut s, [ch('b')]);
    assert!(matches!(s.screen(), Route::Booking(_)));
    assert!(matches!(
        last_op!(effects, Booking).1,
        BookingOp::LoadSlots { ref doctor, .. } if doctor.id == 7
    ));
}

#[test]
fn snapshot_day_80x24() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_week_120x40() {
    let (mut s, _) = open(Role::FrontDesk, 1);
    let (request, _) = last(&send(&mut s, [ch('w')]));
    let mut rows = day_rows();
    let mut later = day_rows();
    for v in &mut later {
        v.appointment.id += 10;
        v.appointment.start_utc += chrono::Duration::days(2);
        v.appointment.status = AppointmentStatus::Booked;
        v.appointment.cancel_reason = None;
    }
    rows.extend(later);
    reply(&mut s, request, AgendaReply::Appointments(Ok(rows)));
    send(&mut s, [key(KeyCode::Down)]);
    insta::assert_snapshot!(draw(&s, 120, 40).backend());
}

#[test]
fn snapshot_empty_day_80x24() {
    let (mut s, effects) = open(Role::Doctor, HOUSE);
    let (request, _) = last(&effects);
    reply(&mut s, request, AgendaReply::Appointments(Ok(Vec::new())));
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}
