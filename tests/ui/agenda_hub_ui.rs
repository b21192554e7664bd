//! Issue 13 part 3 (the agenda as the hub) and the agenda's side of issue 15: Enter
//! opens the appointment with its actions, `/` finds patients in the list, `v` hides
//! cancelled ones, the doctor column goes when one doctor is shown, the doctor picker
//! selects the first match, series ask "this one or this and all later", the waitlist
//! is counted in the header and opened with `o`, `x` writes a calendar file.

use crate::common;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::{Appointment, AppointmentStatus, StatusChange};
use clinic::domain::availability::Slot;
use clinic::domain::payment::PaymentStatus;
use clinic::domain::person::{Location, Patient};
use clinic::domain::waitlist::{WaitFor, WaitlistEntry, WaitlistOffer, WaitlistStatus};
use clinic::service::ServiceError;
use clinic::service::availability::DoctorSummary;
use clinic::service::calendar_export::CalendarOwner;
use clinic::service::series::SeriesView;
use clinic::service::waitlist::WaitlistCounts;
use clinic::tui::keymap::{Command, Context, Keymap};
use clinic::tui::routes::{Reply, Route};
use clinic::tui::screens::agenda::{AgendaOp, AgendaReply, DetailData, Modal, ReasonField};
use clinic::tui::screens::booking::BookingOp;
use clinic::tui::screens::waitlist::{WaitlistOp, WaitlistReply, WaitlistScreen};
use clinic::tui::state::AppState;
use common::ui::{ch, draw, key, send, type_text};
use crossterm::event::KeyCode;

use crate::agenda_ui::{self, agenda, day_rows, last, loaded};
use crate::{last_op, top};

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, d)
        .expect("date")
        .and_hms_opt(h, m, 0)
        .expect("time")
}

fn status(s: &AppState) -> String {
    s.status
        .as_ref()
        .map(|x| x.text.clone())
        .unwrap_or_default()
}

fn footer(s: &AppState) -> String {
    let terminal = draw(s, 80, 24);
    let buffer = terminal.backend().buffer();
    let row: String = (0..80).map(|x| buffer[(x, 23)].symbol()).collect();
    row.trim_end().to_string()
}

fn screen_text(s: &AppState) -> String {
    format!("{}", draw(s, 80, 24).backend())
}

fn offers(s: &AppState, command: Command) -> Option<bool> {
    let keymap = Keymap::defaults();
    s.screen()
        .commands(&s.ctx(&keymap))
        .items
        .iter()
        .find(|c| c.command == command || c.with.contains(&command))
        .map(|c| c.enabled)
}

pub fn patient(id: i32, name: &str) -> Patient {
    Patient {
        id,
        full_name: name.into(),
        email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        phone_number: Some("+44 20 7946 0018".into()),
        date_of_birth: NaiveDate::from_ymd_opt(1980, 3, 3),
        gender: None,
        is_active: true,
        has_portal_access: false,
        created_at: Utc
            .with_ymd_and_hms(2025, 6, 1, 9, 0, 0)
            .single()
            .expect("time"),
    }
}

pub fn location() -> Location {
    Location {
        id: 1,
        name: "Main building".into(),
        address: "1 Harbour Street, Bristol".into(),
        phone_number: None,
        operating_hours: None,
        is_active: true,
    }
}

/// Appointments 23 (this one, Tue 13 Jan 11:00 moved to the 12th), then two later.
pub fn series_of_23() -> SeriesView {
    let a = |id, start| Appointment {
        id,
        patient_id: 53,
        doctor_id: 7,
        location_id: Some(1),
        start_utc: start,
        duration_minutes: 60,
        status: AppointmentStatus::Booked,
        cancel_reason: None,
        cancelled_at: None,
    };
    SeriesView {
        series_id: 4,
        every_weeks: 2,
        asked: 4,
        appointments: vec![
            Appointment {
                status: AppointmentStatus::Completed,
                ..a(19, at(1, 11, 0))
            },
            a(23, at(12, 11, 0)),
            a(27, at(26, 11, 0)),
            a(28, at(28, 11, 0) + chrono::Duration::days(14)),
        ],
    }
}

/// What the appointment view of row 23 (Ana Lima) loads for the front desk.
pub fn detail_data() -> DetailData {
    let change = |from, to, when, reason: &str| StatusChange {
        appointment_id: 23,
        from_status: from,
        to_status: to,
        old_time: None,
        new_time: Some(at(12, 11, 0)),
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        changed_by_kind: "FRONT_DESK".into(),
        changed_by_id: Some(1),
        changed_at: when,
    };
    DetailData {
        patient: Some(Ok(patient(53, "Ana Lima"))),
        location: Ok(Some(location())),
        payments: Some(Ok(vec![
            crate::payments_ui::payment(1, 2000, PaymentStatus::Paid),
            crate::payments_ui::payment(2, 1550, PaymentStatus::Pending),
        ])),
        prescription: Ok(true),
        history: Ok(vec![
            change(None, AppointmentStatus::Booked, at(5, 9, 0), ""),
            change(
                Some(AppointmentStatus::Booked),
                AppointmentStatus::Booked,
                at(6, 10, 15),
                "Rescheduled",
            ),
        ]),
        series: Ok(Some(series_of_23())),
    }
}

pub fn entry(id: i32, name: &str, offered: bool) -> WaitlistEntry {
    WaitlistEntry {
        id,
        patient_id: 60 + id,
        patient_name: name.into(),
        wait_for: if offered {
            WaitFor::Doctor(7)
        } else {
            WaitFor::Specialization("Cardiology".into())
        },
        doctor_name: offered.then(|| "Gregory House".to_string()),
        from_date: NaiveDate::from_ymd_opt(2026, 1, 12).expect("date"),
        to_date: NaiveDate::from_ymd_opt(2026, 1, 30).expect("date"),
        part_of_day: None,
        duration_minutes: 60,
        status: if offered {
            WaitlistStatus::Offered
        } else {
            WaitlistStatus::Waiting
        },
        offer: offered.then(|| WaitlistOffer {
            doctor_id: 7,
            doctor_name: "Gregory House".into(),
            start_utc: at(14, 10, 0),
            duration_minutes: 60,
            location_id: Some(1),
            offered_at: at(12, 8, 0),
        }),
        appointment_id: None,
        created_at: at(10, 9, id.unsigned_abs() % 60),
    }
}

/// The front desk's agenda with the appointment view of row 2 (23, Ana Lima) loaded.
fn on_appointment() -> AppState {
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    let (request, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        AgendaOp::Detail {
            appointment_id: 23,
            patient_id: 53,
            location_id: Some(1)
        }
    );
    agenda_ui::reply(
        &mut s,
        request,
        AgendaReply::Detail {
            appointment_id: 23,
            data: Box::new(detail_data()),
        },
    );
    s
}

#[test]
fn enter_opens_the_appointment_not_the_status_history() {
    let mut s = on_appointment();
    let a = agenda(&s);
    assert!(a.modal.is_none(), "no history popup");
    let page = a.detail.as_ref().expect("the appointment is open");
    assert_eq!(page.id(), 23);
    assert!(page.data.is_some());
    let text = screen_text(&s);
    for shown in [
        "Appointment #23 · Booked",
        "Ana Lima · born 3 Mar 1980 · +44 20 7946 0018",
        "Gregory House · Diagnostics",
        "Main building · 1 Harbour Street, Bristol",
        "2 of 4, every 2 weeks · 2 later booked",
        "A prescription exists",
        "20.00 paid · 2 payments",
        "15.50",
        "new → Booked",
    ] {
        assert!(text.contains(shown), "{shown:?} in\n{text}");
    }
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    // Esc: back to the list, on the same row.
    assert!(send(&mut s, [key(KeyCode::Esc)]).is_empty());
    assert!(agenda(&s).detail.is_none());
    assert_eq!(agenda(&s).selected(), 2);
    assert!(matches!(s.screen(), Route::Agenda(_)));
}

#[test]
fn the_appointment_offers_the_agendas_actions_with_the_same_keys() {
    let mut s = on_appointment();
    let row = footer(&s);
    for shown in ["Esc list", "c cancel", "m done", "p pay", "h hist"] {
        assert!(row.contains(shown), "{shown:?} in {row}");
    }
    assert!(row.ends_with("? help"), "{row}");
    // The front desk does not read prescriptions: not offered here either.
    assert_eq!(offers(&s, Command::OpenPrescription), None);
    // h: the full history over the appointment.
    let (_, op) = last(&send(&mut s, [ch('h')]));
    assert_eq!(op, AgendaOp::History { appointment_id: 23 });
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(agenda(&s).modal.is_none() && agenda(&s).detail.is_some());
    // p: its payments; coming back reads the appointment again (a payment was taken).
    let effects = send(&mut s, [ch('p')]);
    last_op!(effects, Payments);
    let effects = send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(
        last(&effects).1,
        AgendaOp::Detail {
            appointment_id: 23,
            ..
        }
    ));
    // m on the started appointment: marked, then the list and the view are read again.
    let (request, op) = last(&send(&mut s, [ch('m')]));
    assert_eq!(
        op,
        AgendaOp::Mark {
            appointment_id: 23,
            status: AppointmentStatus::Completed
        }
    );
    let effects = agenda_ui::reply(
        &mut s,
        request,
        AgendaReply::Done(Ok("Appointment 23 marked completed.".into())),
    );
    let ops: Vec<AgendaOp> = effects
        .iter()
        .filter_map(|e| match e {
            clinic::tui::effect::Effect::Run {
                op: clinic::tui::routes::Op::Agenda(op),
                ..
            } => Some(op.clone()),
            _ => None,
        })
        .collect();
    assert!(matches!(ops[0], AgendaOp::WaitlistCounts), "{ops:?}");
    assert!(matches!(ops[1], AgendaOp::Load(_)), "{ops:?}");
    assert!(
        matches!(
            ops[2],
            AgendaOp::Detail {
                appointment_id: 23,
                ..
            }
        ),
        "{ops:?}"
    );
    // ↓: the next appointment of the list (25 at 15:00; 24 is row 3).
    let (_, op) = last(&send(&mut s, [key(KeyCode::Down)]));
    assert!(matches!(
        op,
        AgendaOp::Detail {
            appointment_id: 24,
            ..
        }
    ));
    assert_eq!(agenda(&s).selected(), 3);
    // c acts on the appointment shown: 24 is cancelled already, so it says why.
    assert_eq!(offers(&s, Command::CancelAppointment), Some(false));
    assert!(send(&mut s, [ch('c')]).is_empty());
    assert!(agenda(&s).modal.is_none());
    assert!(status(&s).contains("cancelled"), "{}", status(&s));
}

#[test]
fn a_doctors_appointment_view_has_no_contact_details_or_payments() {
    let mut s = loaded(Role::Doctor, 7);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
    let data = DetailData {
        patient: None,
        payments: None,
        ..detail_data()
    };
    agenda_ui::reply(
        &mut s,
        request,
        AgendaReply::Detail {
            appointment_id: 23,
            data: Box::new(data),
        },
    );
    let text = screen_text(&s);
    assert!(text.contains("Ana Lima · ana.lima@example.com"), "{text}");
    assert!(
        !text.contains("7946") && !text.contains("Payments"),
        "{text}"
    );
    assert!(
        text.contains("A prescription exists · e opens it"),
        "{text}"
    );
    assert_eq!(offers(&s, Command::OpenPrescription), Some(true));
    assert_eq!(offers(&s, Command::Payments), None);
    // A refused read of the appointment closes the view with the reason.
    send(&mut s, [key(KeyCode::Esc)]);
    let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
    agenda_ui::reply(
        &mut s,
        request,
        AgendaReply::Detail {
            appointment_id: 23,
            data: Box::new(DetailData {
                history: Err(ServiceError::Forbidden("see this appointment".into())),
                ..detail_data()
            }),
        },
    );
    assert!(agenda(&s).detail.is_none());
    assert!(status(&s).contains("not allowed to see this appointment"));
    // A read that never answers (its task failed): the view closes, the list stays.
    let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(agenda(&s).detail.is_some());
    send(
        &mut s,
        [clinic::tui::msg::Msg::TaskFailed {
            request,
            message: "Something went wrong.".into(),
        }],
    );
    assert!(agenda(&s).detail.is_none());
    assert!(matches!(s.screen(), Route::Agenda(_)));
}

#[test]
fn slash_finds_patients_in_the_list_as_you_type() {
    let mut s = loaded(Role::FrontDesk, 1);
    assert!(
        send(&mut s, [ch('/')]).is_empty(),
        "no request: the rows in view"
    );
    assert_eq!(s.context(), Context::Search);
    type_text(&mut s, "an");
    let names = |s: &AppState| -> Vec<String> {
        agenda(s).listed().map(|v| v.patient_name.clone()).collect()
    };
    assert_eq!(names(&s), ["Ana Lima"].map(String::from).to_vec());
    assert_eq!(
        agenda(&s).selected_row().map(|v| v.appointment.id),
        Some(23)
    );
    type_text(&mut s, "x");
    assert!(names(&s).is_empty());
    assert!(screen_text(&s).contains("No patient here matches \"anx\"."));
    send(
        &mut s,
        [
            key(KeyCode::Backspace),
            key(KeyCode::Backspace),
            key(KeyCode::Backspace),
        ],
    );
    type_text(&mut s, "DORA.");
    assert_eq!(
        names(&s),
        ["Dora Reis"].map(String::from).to_vec(),
        "email, any case"
    );
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    // Enter keeps the filter and gives the keys back to the list: Enter again opens it.
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.context(), Context::Agenda);
    assert_eq!(agenda(&s).visible.len(), 1);
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(
        op,
        AgendaOp::Detail {
            appointment_id: 25,
            ..
        }
    ));
    send(&mut s, [key(KeyCode::Esc)]);
    // Esc on the list clears the find first, staying on the row.
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Agenda(_)));
    assert_eq!(agenda(&s).visible.len(), 5);
    assert_eq!(
        agenda(&s).selected_row().map(|v| v.appointment.id),
        Some(25)
    );
}

#[test]
fn v_hides_the_cancelled_appointments_and_the_header_says_so() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(
        &mut s,
        [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)],
    );
    assert_eq!(
        agenda(&s).selected_row().map(|v| v.appointment.id),
        Some(24)
    );
    assert_eq!(offers(&s, Command::ToggleCancelled), Some(true));
    send(&mut s, [ch('v')]);
    let a = agenda(&s);
    assert!(a.hide_cancelled);
    assert!(
        a.listed()
            .all(|v| v.appointment.status != AppointmentStatus::Cancelled)
    );
    assert_eq!(a.visible.len(), 4);
    let text = screen_text(&s);
    assert!(text.contains("cancelled hidden"), "{text}");
    assert!(!text.contains("Carla Souza"), "{text}");
    // A reload keeps them hidden.
    let (request, _) = last(&send(&mut s, [ch(']')]));
    agenda_ui::reply(&mut s, request, AgendaReply::Appointments(Ok(day_rows())));
    assert_eq!(agenda(&s).visible.len(), 4);
    send(&mut s, [ch('v')]);
    assert_eq!(agenda(&s).visible.len(), 5);
    assert!(!screen_text(&s).contains("cancelled hidden"));
}

#[test]
fn the_doctor_column_goes_when_one_doctor_is_shown() {
    let header = |s: &AppState| {
        let terminal = draw(s, 80, 24);
        let buffer = terminal.backend().buffer();
        (0..80).map(|x| buffer[(x, 2)].symbol()).collect::<String>()
    };
    let s = loaded(Role::FrontDesk, 1);
    assert!(
        header(&s).contains("Doctor"),
        "all doctors: the column is there"
    );
    // A doctor's own agenda.
    let s = loaded(Role::Doctor, 7);
    assert!(!header(&s).contains("Doctor"), "{}", header(&s));
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    // The front desk picks one doctor.
    let mut s = loaded(Role::FrontDesk, 1);
    let (request, _) = last(&send(&mut s, [ch('d')]));
    agenda_ui::reply(&mut s, request, AgendaReply::Doctors(Ok(picker_doctors())));
    let (request, _) = last(&send(&mut s, [key(KeyCode::Down), key(KeyCode::Enter)]));
    agenda_ui::reply(&mut s, request, AgendaReply::Appointments(Ok(day_rows())));
    assert!(!header(&s).contains("Doctor"), "{}", header(&s));
    // A patient sees whom each appointment is with.
    let (mut s, effects) = agenda_ui::open(Role::Patient, 53);
    agenda_ui::reply(
        &mut s,
        last(&effects).0,
        AgendaReply::Appointments(Ok(day_rows())),
    );
    assert!(header(&s).contains("Doctor"));
}

fn picker_doctors() -> Vec<DoctorSummary> {
    let d = |id, name: &str, spec: &str| DoctorSummary {
        id,
        full_name: name.into(),
        specialization: spec.into(),
    };
    vec![
        d(7, "Gregory House", "Diagnostics"),
        d(9, "Maya Okafor", "Cardiology"),
        d(8, "James Wilson", "Oncology"),
    ]
}

#[test]
fn the_doctor_picker_is_on_d_and_selects_the_first_match_as_you_type() {
    let mut s = loaded(Role::FrontDesk, 1);
    assert_eq!(offers(&s, Command::Search), Some(true));
    assert_eq!(offers(&s, Command::FindInView), Some(true));
    let (request, op) = last(&send(&mut s, [ch('d')]));
    assert_eq!(op, AgendaOp::LoadDoctors);
    agenda_ui::reply(&mut s, request, AgendaReply::Doctors(Ok(picker_doctors())));
    type_text(&mut s, "oka");
    let Some(Modal::Doctors(p)) = &agenda(&s).modal else {
        panic!("the picker is open")
    };
    assert_eq!(p.selected, 1, "Okafor, not All doctors");
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(
        matches!(&op, AgendaOp::Load(f) if f.doctor_id == Some(9)),
        "{op:?}"
    );
    assert_eq!(agenda(&s).doctor.as_ref().map(|d| d.id), Some(9));
    // Nothing typed (or nothing matching): All doctors stays first.
    send(&mut s, [ch('d')]);
    type_text(&mut s, "zz");
    let Some(Modal::Doctors(p)) = &agenda(&s).modal else {
        panic!("the picker is open")
    };
    assert_eq!(p.selected, 0);
    send(&mut s, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(op, AgendaOp::Load(f) if f.doctor_id.is_none()));
}

#[test]
fn b_books_with_the_selected_patient_and_doctor_chosen() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    send(&mut s, [ch('b')]);
    let b = top!(s, Booking);
    assert_eq!(b.patient.as_ref().map(|p| p.id), Some(53));
    assert_eq!(
        b.patient.as_ref().map(|p| p.name.as_str()),
        Some("Ana Lima")
    );
    assert!(
        format!("{:?}", b.choice).contains("Gregory House"),
        "{:?}",
        b.choice
    );
    // From the open appointment too.
    send(&mut s, [key(KeyCode::Esc)]);
    let mut s = on_appointment();
    let effects = send(&mut s, [ch('b')]);
    assert!(matches!(s.screen(), Route::Booking(_)));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            clinic::tui::effect::Effect::Run {
                op: clinic::tui::routes::Op::Booking(BookingOp::LoadDoctors),
                ..
            }
        )),
        "{effects:?}"
    );
}

#[test]
fn cancelling_one_of_a_series_asks_this_one_or_this_and_all_later() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    let (request, op) = last(&send(&mut s, [ch('c')]));
    assert_eq!(op, AgendaOp::SeriesOf { appointment_id: 23 });
    assert_eq!(s.context(), Context::Form, "the prompt is open at once");
    type_text(&mut s, "Moving away");
    agenda_ui::reply(
        &mut s,
        request,
        AgendaReply::Series {
            appointment_id: 23,
            result: Ok(Some(series_of_23())),
        },
    );
    let Some(Modal::Reason(p)) = &agenda(&s).modal else {
        panic!("the prompt stays")
    };
    assert_eq!(p.later, 2);
    assert_eq!(p.reason(), "Moving away", "what was typed stays");
    assert_eq!(
        p.form.selected(ReasonField::Scope),
        Some(0),
        "this one by default"
    );
    let text = screen_text(&s);
    assert!(text.contains("or also the 2 later"), "{text}");
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    // Tab to the choice, → this and all later, Enter.
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Right)]);
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        AgendaOp::CancelSeries {
            appointment_id: 23,
            reason: "Moving away".into()
        }
    );
    // Not a series: the prompt stays as it was, and cancels the one.
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    let (request, _) = last(&send(&mut s, [ch('c')]));
    agenda_ui::reply(
        &mut s,
        request,
        AgendaReply::Series {
            appointment_id: 23,
            result: Ok(None),
        },
    );
    type_text(&mut s, "Flu");
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        AgendaOp::Cancel {
            appointment_id: 23,
            reason: "Flu".into()
        }
    );
    // The appointment view knows its series already: no second read.
    let mut s = on_appointment();
    let effects = send(&mut s, [ch('c')]);
    assert!(effects.is_empty(), "{effects:?}");
    let Some(Modal::Reason(p)) = &agenda(&s).modal else {
        panic!("the prompt is open")
    };
    assert_eq!(p.later, 2);
}

#[test]
fn moving_one_of_a_series_can_move_the_later_ones_too() {
    // 15:00 Dora Reis (25), not started: movable.
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::End)]);
    let effects = send(&mut s, [ch('r')]);
    let (series_request, _) = effects
        .iter()
        .find_map(|e| match e {
            clinic::tui::effect::Effect::Run {
                request,
                op: clinic::tui::routes::Op::Agenda(op @ AgendaOp::SeriesOf { .. }),
                ..
            } => Some((*request, op.clone())),
            _ => None,
        })
        .expect("the series is looked up");
    let (slots_request, op) = last(&effects);
    assert!(matches!(op, AgendaOp::Slots { doctor_id: 8, .. }));
    let mut series = series_of_23();
    for a in &mut series.appointments {
        a.id += 2;
    }
    series.appointments[1].start_utc = at(12, 15, 0);
    agenda_ui::reply(
        &mut s,
        series_request,
        AgendaReply::Series {
            appointment_id: 25,
            result: Ok(Some(series)),
        },
    );
    agenda_ui::reply(
        &mut s,
        slots_request,
        AgendaReply::Slots(Ok(vec![Slot {
            start_utc: at(13, 9, 0),
            end_utc: at(13, 10, 0),
            location_id: None,
        }])),
    );
    assert_eq!(offers(&s, Command::Left), Some(true), "←→ this/all later");
    assert!(screen_text(&s).contains("this and the 2 later"));
    // Enter alone moves this one.
    send(&mut s, [key(KeyCode::Right)]);
    let (_, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        AgendaOp::RescheduleSeries {
            appointment_id: 25,
            start_utc: at(13, 9, 0)
        }
    );
}

#[test]
fn the_header_counts_the_waitlist_and_o_opens_it() {
    let (mut s, effects) = agenda_ui::open(Role::FrontDesk, 1);
    let counts = effects
        .iter()
        .find_map(|e| match e {
            clinic::tui::effect::Effect::Run {
                request,
                op: clinic::tui::routes::Op::Agenda(AgendaOp::WaitlistCounts),
                ..
            } => Some(*request),
            _ => None,
        })
        .expect("the front desk's agenda counts the waitlist");
    agenda_ui::reply(
        &mut s,
        last(&effects).0,
        AgendaReply::Appointments(Ok(day_rows())),
    );
    agenda_ui::reply(
        &mut s,
        counts,
        AgendaReply::WaitlistCounts(Ok(WaitlistCounts {
            waiting: 3,
            offered: 2,
        })),
    );
    assert!(
        screen_text(&s).contains("waitlist 2 offered"),
        "{}",
        screen_text(&s)
    );
    // o: the waitlist, loading.
    let effects = send(&mut s, [ch('o')]);
    let (request, op) = last_op!(effects, Waitlist);
    assert_eq!(op, WaitlistOp::Load);
    assert_eq!(s.context(), Context::Waitlist);
    send(
        &mut s,
        [common::ui::reply(
            request,
            Reply::Waitlist(WaitlistReply::Loaded(Ok(vec![
                entry(5, "Rui Costa", false),
                entry(6, "Helena Alves", true),
            ]))),
        )],
    );
    let w: &WaitlistScreen = top!(s, Waitlist);
    assert_eq!(w.entries[0].id, 6, "offers first");
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    // Enter books the offered time in one step; the list is read again.
    let (request, op) = last_op!(send(&mut s, [key(KeyCode::Enter)]), Waitlist);
    assert_eq!(op, WaitlistOp::Book { entry_id: 6 });
    let effects = send(
        &mut s,
        [common::ui::reply(
            request,
            Reply::Waitlist(WaitlistReply::Done(Ok(
                "Booked: appointment 90 on Wed 14 Jan 10:00.".into(),
            ))),
        )],
    );
    assert_eq!(last_op!(effects, Waitlist).1, WaitlistOp::Load);
    assert!(status(&s).contains("Booked: appointment 90"));
    // A waiting entry has nothing to book or decline yet.
    send(&mut s, [key(KeyCode::Down)]);
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    assert!(status(&s).contains("No time is offered"));
    assert_eq!(offers(&s, Command::Decline), Some(false));
    // d declines an offer.
    send(&mut s, [key(KeyCode::Up)]);
    let (request, op) = last_op!(send(&mut s, [ch('d')]), Waitlist);
    assert_eq!(op, WaitlistOp::Decline { entry_id: 6 });
    let done = |request, text: &str| {
        common::ui::reply(
            request,
            Reply::Waitlist(WaitlistReply::Done(Ok(text.to_string()))),
        )
    };
    send(
        &mut s,
        [done(request, "Offer declined; the entry waits again.")],
    );
    // x asks first, then takes the entry off the list.
    assert!(send(&mut s, [ch('x')]).is_empty());
    assert_eq!(s.context(), Context::Confirm);
    assert!(screen_text(&s).contains("Take Helena Alves off the waitlist?"));
    let (request, op) = last_op!(send(&mut s, [ch('y')]), Waitlist);
    assert_eq!(op, WaitlistOp::Remove { entry_id: 6 });
    send(&mut s, [done(request, "Taken off the waitlist.")]);
    assert_eq!(s.context(), Context::Waitlist);
    // Esc: back on the agenda, which counts and reloads.
    let effects = send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Agenda(_)));
    assert!(effects.iter().any(|e| matches!(
        e,
        clinic::tui::effect::Effect::Run {
            op: clinic::tui::routes::Op::Agenda(AgendaOp::WaitlistCounts),
            ..
        }
    )));
    assert!(matches!(last(&effects).1, AgendaOp::Load(_)));
}

#[test]
fn only_the_front_desk_opens_the_waitlist_from_the_agenda() {
    let mut s = loaded(Role::Doctor, 7);
    assert!(send(&mut s, [ch('o')]).is_empty());
    assert!(matches!(s.screen(), Route::Agenda(_)));
    assert!(status(&s).contains("front desk keeps the waitlist"));
    assert_eq!(offers(&s, Command::Waitlist), None);
}

#[test]
fn x_writes_the_doctors_or_the_selected_patients_calendar() {
    // A doctor: their own, the day shown.
    let mut s = loaded(Role::Doctor, 7);
    let (request, op) = last(&send(&mut s, [ch('x')]));
    assert_eq!(
        op,
        AgendaOp::ExportCalendar {
            owner: CalendarOwner::Doctor(7),
            from: NaiveDate::from_ymd_opt(2026, 1, 12).expect("date"),
            days: 1
        }
    );
    agenda_ui::reply(
        &mut s,
        request,
        AgendaReply::Exported(Ok(("/tmp/exports/house.ics".into(), 3))),
    );
    assert_eq!(
        status(&s),
        "3 appointments written to /tmp/exports/house.ics."
    );
    // The front desk on all doctors: the selected patient's, from the day shown on.
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down)]);
    let (_, op) = last(&send(&mut s, [ch('x')]));
    let AgendaOp::ExportCalendar { owner, days, .. } = op else {
        panic!("{op:?}")
    };
    assert_eq!(owner, CalendarOwner::Patient(52));
    assert_eq!(days, 366);
    // A failure is a sentence; nothing else changes.
    let (request, _) = last(&send(&mut s, [ch('x')]));
    agenda_ui::reply(
        &mut s,
        request,
        AgendaReply::Exported(Err(clinic::tui::export::ExportError::File(
            "The file could not be written: permission denied".into(),
        ))),
    );
    assert!(status(&s).contains("permission denied"));
    assert_eq!(
        s.status.as_ref().map(|x| x.tone),
        Some(clinic::tui::state::Tone::Error)
    );
}
