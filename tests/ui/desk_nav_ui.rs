//! Issue 12 on the front-desk screens (agenda, payments, booking): screens opened from
//! the agenda come back to it as it was; footers offer only what the role can do, grey
//! out what the selected row does not allow, and keep "? help" at 80 columns.

use crate::common;

use clinic::domain::Role;
use clinic::domain::appointment::AppointmentStatus;
use clinic::domain::payment::PaymentStatus;
use clinic::service::ServiceError;
use clinic::service::availability::DoctorSummary;
use clinic::tui::keymap::{Command, Keymap};
use clinic::tui::routes::Route;
use clinic::tui::screen::Commands;
use clinic::tui::screens::agenda::{AgendaOp, AgendaReply, Period};
use clinic::tui::screens::booking::{BookedSummary, BookingOp, BookingReply, Step};
use clinic::tui::screens::payments::PaymentsReply;
use clinic::tui::screens::prescription::editor::EditorOp;
use clinic::tui::state::AppState;
use common::ui::{ch, draw, key, send, type_text};
use crossterm::event::KeyCode;

use crate::agenda_ui::{self, agenda, day_rows, last, loaded};
use crate::booking_ui::{self, booking, choices, doctors};
use crate::last_op;
use crate::payments_ui::{on_payments, payment, payments_reply};

/// The bottom row of the app drawn at 80x24, without trailing blanks.
fn footer(s: &AppState) -> String {
    let terminal = draw(s, 80, 24);
    let buffer = terminal.backend().buffer();
    let row: String = (0..80).map(|x| buffer[(x, 23)].symbol()).collect();
    row.trim_end().to_string()
}

/// What the screen on top offers now.
fn commands(s: &AppState) -> Commands {
    let keymap = Keymap::defaults();
    s.screen().commands(&s.ctx(&keymap))
}

/// Whether the screen on top offers `command` (enabled or not).
fn offers(s: &AppState, command: Command) -> Option<bool> {
    commands(s)
        .items
        .iter()
        .find(|c| c.command == command || c.with.contains(&command))
        .map(|c| c.enabled)
}

/// The help key of the current context: `?` where keys are commands, F1 where typing
/// goes into a field (there `?` is a character).
fn help_entry(s: &AppState) -> String {
    let keymap = Keymap::defaults();
    let key = keymap
        .key_for(s.context(), Command::Help)
        .expect("help is bound everywhere");
    format!("{key} help")
}

#[test]
fn esc_from_payments_returns_to_the_agenda_with_its_week_doctor_and_cursor() {
    let mut s = loaded(Role::FrontDesk, 1);
    // Wilson's week, cursor on the third row.
    let (request, _) = last(&send(&mut s, [ch('w')]));
    agenda_ui::reply(&mut s, request, AgendaReply::Appointments(Ok(day_rows())));
    let (request, op) = last(&send(&mut s, [ch('d')]));
    assert_eq!(op, AgendaOp::LoadDoctors);
    agenda_ui::reply(
        &mut s,
        request,
        AgendaReply::Doctors(Ok(vec![DoctorSummary {
            id: 8,
            full_name: "James Wilson".into(),
            specialization: "Oncology".into(),
        }])),
    );
    let (request, op) = last(&send(&mut s, [key(KeyCode::Down), key(KeyCode::Enter)]));
    assert!(matches!(&op, AgendaOp::Load(f) if f.doctor_id == Some(8)));
    agenda_ui::reply(&mut s, request, AgendaReply::Appointments(Ok(day_rows())));
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    let before = (agenda(&s).period, agenda(&s).date, agenda(&s).selected());
    assert_eq!(before.0, Period::Week);
    assert_eq!(before.2, 2);

    let effects = send(&mut s, [ch('p')]);
    let (load, _) = last_op!(effects, Payments);
    assert_eq!(s.stack.len(), 3, "home, agenda, payments");
    payments_reply(
        &mut s,
        load,
        PaymentsReply::Loaded(Ok(crate::payments_ui::listed(vec![payment(
            1,
            2000,
            PaymentStatus::Paid,
        )]))),
    );
    let effects = send(&mut s, [key(KeyCode::Esc)]);
    let a = agenda(&s);
    assert_eq!((a.period, a.date, a.selected()), before, "as it was left");
    assert_eq!(
        a.doctor.as_ref().map(|d| d.id),
        Some(8),
        "the doctor filter stays"
    );
    assert_eq!(a.rows.len(), 5);
    assert_eq!(
        a.selected_row().map(|v| v.appointment.id),
        Some(23),
        "the same appointment is selected"
    );
    // A payment changes nothing the agenda lists: no reload (and no audited read).
    assert!(effects.is_empty(), "{effects:?}");

    // A payments screen that failed to load also goes back to the agenda, not home.
    let (load, _) = last_op!(send(&mut s, [ch('p')]), Payments);
    payments_reply(
        &mut s,
        load,
        PaymentsReply::Loaded(Err(ServiceError::DatabaseUnavailable("timed out".into()))),
    );
    send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(agenda(&s).selected(), 2);
    assert_eq!(s.stack.len(), 2);
}

#[test]
fn a_patient_returns_from_payments_to_their_appointments() {
    let (mut s, _) = on_payments(Role::Patient);
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Agenda(_)));
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Home(_)), "then home");
}

#[test]
fn booking_opened_from_the_agenda_returns_to_the_agenda_and_reloads_it() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    send(&mut s, [ch('b')]);
    assert_eq!(
        booking(&s).patient.as_ref().map(|p| p.id),
        Some(53),
        "booking starts with the row's patient"
    );
    assert_eq!(s.stack.len(), 3, "home, agenda, booking");
    // Esc step by step: back to the agenda (not home), which reloads its view.
    let mut effects = Vec::new();
    for _ in 0..5 {
        effects = send(&mut s, [key(KeyCode::Esc)]);
        if matches!(s.screen(), Route::Agenda(_)) {
            break;
        }
    }
    assert_eq!(s.stack.len(), 2, "home, agenda");
    let (request, op) = last(&effects);
    let AgendaOp::Load(filter) = op else {
        panic!("a reload: {effects:?}")
    };
    assert_eq!(filter.doctor_id, None);
    assert_eq!(agenda(&s).selected(), 2);
    // A booking landed before the selected row: the cursor stays on the same one.
    let mut rows = day_rows();
    rows.insert(
        0,
        agenda_ui::view(
            26,
            rows[0].appointment.start_utc - chrono::Duration::hours(1),
            ("Gregory House", 7),
            "Zoë O'Neill",
            AppointmentStatus::Booked,
        ),
    );
    agenda_ui::reply(&mut s, request, AgendaReply::Appointments(Ok(rows)));
    assert_eq!(agenda(&s).selected(), 3);
    assert_eq!(
        agenda(&s).selected_row().map(|v| v.appointment.id),
        Some(23)
    );
}

#[test]
fn a_finished_booking_returns_to_the_agenda_it_was_opened_from() {
    let (mut s, effects) = agenda_ui::open(Role::Patient, 31);
    let (request, _) = last(&effects);
    agenda_ui::reply(&mut s, request, AgendaReply::Appointments(Ok(day_rows())));
    // The selected row's doctor is chosen already: the free times load at once.
    let (request, op) = last_op!(send(&mut s, [ch('b')]), Booking);
    assert!(
        matches!(op, BookingOp::LoadSlots { ref doctor, .. } if doctor.id == 7),
        "{op:?}"
    );
    let start = day_rows()[4].appointment.start_utc + chrono::Duration::days(1);
    booking_ui::reply(
        &mut s,
        request,
        BookingReply::Slots(Ok(vec![clinic::tui::screens::booking::SlotChoice {
            doctor_id: 7,
            doctor_name: "Gregory House".into(),
            start_utc: start,
            end_utc: start + chrono::Duration::minutes(60),
            location_id: None,
        }])),
    );
    send(&mut s, [key(KeyCode::Enter)]);
    let (request, op) = last_op!(send(&mut s, [ch('y')]), Booking);
    assert!(
        matches!(op, BookingOp::Book { patient_id: 31, .. }),
        "{op:?}"
    );
    booking_ui::reply(
        &mut s,
        request,
        BookingReply::Booked(Ok(BookedSummary {
            appointment_id: 501,
            patient_name: "Someone".into(),
            doctor_name: "Gregory House".into(),
            specialization: "Diagnostics".into(),
            start_utc: start,
            duration_minutes: 60,
            location: None,
        })),
    );
    assert_eq!(booking(&s).step, Step::Done);
    let effects = send(&mut s, [key(KeyCode::Esc)]);
    assert!(
        matches!(s.screen(), Route::Agenda(_)),
        "done: back to the appointments"
    );
    assert!(
        matches!(last(&effects).1, AgendaOp::Load(f) if f.patient_id == Some(31)),
        "which reload to show the new one"
    );
}

#[test]
fn booking_opened_from_home_returns_home() {
    let (mut s, _) = booking_ui::open(Role::FrontDesk, 1, "Fran Desk");
    type_text(&mut s, "ana");
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Home(_)));
    assert_eq!(s.stack.len(), 1);
}

#[test]
fn a_patients_agenda_offers_no_marking_and_keys_follow_the_role() {
    let (mut s, effects) = agenda_ui::open(Role::Patient, 53);
    let (request, _) = last(&effects);
    agenda_ui::reply(&mut s, request, AgendaReply::Appointments(Ok(day_rows())));
    let row = footer(&s);
    for absent in ["done", "no-show", "date", "week", "doctor"] {
        assert!(
            !row.contains(absent),
            "a patient is offered {absent:?}: {row}"
        );
    }
    assert!(row.contains("cancel") && row.contains("book"), "{row}");
    assert_eq!(offers(&s, Command::MarkCompleted), None);
    assert_eq!(offers(&s, Command::MarkNoShow), None);
    // The help overlay lists what the footer offers, so no marking there either.
    send(&mut s, [ch('?')]);
    let text = format!("{:?}", draw(&s, 80, 24).backend());
    assert!(!text.contains("mark completed") && !text.contains("mark no-show"));

    // A doctor marks their own appointments (row 2, House's 11:00, has started), but
    // neither takes payments nor books nor picks another doctor.
    let mut s = loaded(Role::Doctor, 7);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(offers(&s, Command::MarkCompleted), Some(true));
    for absent in [Command::Payments, Command::Book, Command::Search] {
        assert_eq!(offers(&s, absent), None, "{absent:?}");
    }
    assert!(footer(&s).contains("m done"), "{}", footer(&s));

    // The front desk may not read prescriptions: no "rx"; the key says why.
    let mut s = loaded(Role::FrontDesk, 1);
    assert_eq!(offers(&s, Command::OpenPrescription), None);
    assert!(send(&mut s, [ch('e')]).is_empty());
    assert!(matches!(s.screen(), Route::Agenda(_)));
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("Only the doctor and the patient"))
    );
}

#[test]
fn changes_a_row_does_not_allow_are_greyed_out_and_left_out_of_the_footer() {
    // 11:30: row 0 completed, row 2 booked at 11:00 (started), row 4 booked at 15:00.
    let mut s = loaded(Role::FrontDesk, 1);
    let row = |s: &AppState| {
        [
            Command::CancelAppointment,
            Command::Reschedule,
            Command::MarkCompleted,
            Command::MarkNoShow,
        ]
        .map(|c| offers(s, c).expect("offered to the front desk"))
    };
    assert_eq!(row(&s), [false, false, false, false], "completed");
    let text = footer(&s);
    assert!(!text.contains("cancel") && !text.contains("done"), "{text}");
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(row(&s), [true, false, true, true], "started");
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(row(&s), [true, true, false, false], "later today");
    assert!(footer(&s).contains("r move"));
    // The keys refuse with the same rules.
    assert!(send(&mut s, [ch('m')]).is_empty());
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("not started yet"))
    );
    // An empty day offers nothing to change.
    let (mut s, effects) = agenda_ui::open(Role::FrontDesk, 1);
    agenda_ui::reply(
        &mut s,
        last(&effects).0,
        AgendaReply::Appointments(Ok(Vec::new())),
    );
    assert_eq!(offers(&s, Command::CancelAppointment), Some(false));
    assert_eq!(offers(&s, Command::Payments), Some(false));
}

#[test]
fn the_prescription_key_opens_the_editor_and_esc_comes_back_to_the_agenda() {
    let mut s = loaded(Role::Doctor, 7);
    send(&mut s, [key(KeyCode::Down)]);
    let selected = agenda(&s).selected();
    let id = agenda(&s).selected_row().expect("a row").appointment.id;
    let effects = send(&mut s, [ch('e')]);
    let (_, op) = last_op!(effects, RxEditor);
    assert_eq!(op, EditorOp::Open { appointment_id: id });
    assert!(matches!(s.screen(), Route::RxEditor(_)));
    // Still opening: Esc goes back to the agenda as it was, with nothing reloaded.
    let effects = send(&mut s, [key(KeyCode::Esc)]);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(agenda(&s).selected(), selected);
    assert_eq!(agenda(&s).rows, day_rows());
}

/// Every state of the three screens, with the help entry its footer must end with.
fn every_state() -> Vec<(&'static str, AppState)> {
    let mut states = Vec::new();
    for (name, role, id) in [
        ("agenda admin", Role::Admin, 1),
        ("agenda front desk", Role::FrontDesk, 1),
        ("agenda doctor", Role::Doctor, 7),
        ("agenda patient", Role::Patient, 53),
    ] {
        let mut s = loaded(role, id);
        send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
        states.push((name, s.clone()));
        send(&mut s, [ch('h')]);
        states.push(("agenda history", s.clone()));
        send(&mut s, [key(KeyCode::Esc), ch('c')]);
        states.push(("agenda cancel reason", s.clone()));
    }
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [ch('w')]);
    states.push(("agenda week", s.clone()));
    send(&mut s, [ch('/')]);
    states.push(("agenda doctor picker", s.clone()));
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, vec![key(KeyCode::Down); 4]);
    send(&mut s, [ch('r')]);
    states.push(("agenda reschedule", s));

    for role in [Role::FrontDesk, Role::Patient] {
        let (mut s, load) = on_payments(role);
        payments_reply(
            &mut s,
            load,
            PaymentsReply::Loaded(Ok(crate::payments_ui::listed(vec![payment(
                1,
                2000,
                PaymentStatus::Paid,
            )]))),
        );
        states.push(("payments", s.clone()));
        if role == Role::FrontDesk {
            send(&mut s, [ch('s')]);
            states.push(("payments status", s.clone()));
            send(&mut s, [key(KeyCode::Esc), ch('n')]);
            states.push(("payments form", s));
        }
    }

    let (mut s, _) = booking_ui::open(Role::FrontDesk, 1, "Fran Desk");
    states.push(("booking search", s.clone()));
    send(&mut s, [common::ui::ctrl('n')]);
    states.push(("booking register", s));
    let (mut s, effects) = booking_ui::open(Role::Patient, 31, "Ana Lima");
    booking_ui::reply(&mut s, last_op!(effects, Booking).0, choices(doctors()));
    states.push(("booking doctor", s.clone()));
    let (request, _) = last_op!(
        send(
            &mut s,
            [key(KeyCode::Tab), key(KeyCode::Down), key(KeyCode::Enter)]
        ),
        Booking
    );
    let start = day_rows()[4].appointment.start_utc;
    booking_ui::reply(
        &mut s,
        request,
        BookingReply::Slots(Ok(vec![clinic::tui::screens::booking::SlotChoice {
            doctor_id: 7,
            doctor_name: "Gregory House".into(),
            start_utc: start,
            end_utc: start + chrono::Duration::minutes(60),
            location_id: None,
        }])),
    );
    states.push(("booking times", s.clone()));
    send(&mut s, [key(KeyCode::Enter)]);
    states.push(("booking confirm", s));
    states
}

#[test]
fn every_footer_of_the_desk_screens_ends_with_help_at_80_columns() {
    let states = every_state();
    assert!(states.len() > 20);
    for (name, s) in &states {
        let row = footer(s);
        let help = help_entry(s);
        assert!(
            row.ends_with(&help),
            "{name}: footer {row:?} lacks {help:?}"
        );
        // Where keys are commands (not typed into a field) that is "? help".
        if !matches!(
            s.context(),
            clinic::tui::keymap::Context::Form
                | clinic::tui::keymap::Context::Search
                | clinic::tui::keymap::Context::PatientSearch
                | clinic::tui::keymap::Context::BookingDoctor
                | clinic::tui::keymap::Context::Confirm
        ) {
            assert!(row.ends_with("? help"), "{name}: {row:?}");
        }
        // Something to do besides help, and never more than the row holds.
        assert!(row.trim_start().len() > help.len(), "{name}: {row:?}");
    }
    // The agenda, the fullest footer, keeps its most important keys at 80 columns.
    let (_, s) = states
        .iter()
        .find(|(name, _)| *name == "agenda front desk")
        .expect("the front desk's agenda");
    let row = footer(s);
    for part in [
        "[] date",
        "w week",
        "c cancel",
        "m done",
        "n no-show",
        "p pay",
    ] {
        assert!(row.contains(part), "{row}");
    }
}
