//! Issue 18 item 4: the sign-in screen says how to change the role, and overlays draw
//! cleanly over bordered dialogs (no corner beside another), on every screen a crawl
//! from the login and home screens reaches.

use crate::common;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::{Appointment, AppointmentStatus, AppointmentView, StatusChange};
use clinic::domain::audit::{AuditEntry, Outcome};
use clinic::domain::availability::{Slot, TimeOff, Window};
use clinic::domain::availability::{StoredTimeOff, StoredWindow};
use clinic::domain::payment::{Payment, PaymentMethod, PaymentStatus};
use clinic::domain::person::{Doctor, Location, Patient, StaffMember};
use clinic::domain::prescription::{ClinicalNotes, Medication, Prescription};
use clinic::service::ServiceError;
use clinic::service::availability::{DoctorSummary, LocationRef, WeekAppointment, WeekView};
use clinic::service::patients::PatientHistory;
use clinic::service::patients::RegisterError;
use clinic::service::prescriptions::{AppointmentBrief, SaveError};
use clinic::service::time_off::{TimeOffConflict, TimeOffOutcome};
use clinic::service::waitlist::WaitlistCounts;
use clinic::tui::effect::Effect;
use clinic::tui::keymap::{Context, Keymap};
use clinic::tui::msg::Msg;
use clinic::tui::routes::{Op, Reply};
use clinic::tui::screens::admin::{AdminOp, AdminReply};
use clinic::tui::screens::agenda::{AgendaOp, AgendaReply};
use clinic::tui::screens::audit::{AuditOp, AuditReply};
use clinic::tui::screens::booking::{BookingChoices, BookingOp, BookingReply, SlotChoice};
use clinic::tui::screens::calendar::{CalendarOp, CalendarReply};
use clinic::tui::screens::home::{HomeReply, HomeScreen};
use clinic::tui::screens::patients::{PatientsOp, PatientsReply};
use clinic::tui::screens::payments::{PaymentsOp, PaymentsReply};
use clinic::tui::screens::prescription::editor::{EditorOp, EditorReply};
use clinic::tui::screens::prescription::list::{ListOp, ListReply};
use clinic::tui::screens::prescription::ops::EditorData;
use clinic::tui::screens::prescription::viewer::{ViewerOp, ViewerReply};
use clinic::tui::screens::reports::{ReportsOp, ReportsReply};
use clinic::tui::screens::waitlist::{WaitlistOp, WaitlistReply};
use clinic::tui::state::AppState;
use clinic::tui::update;
use common::ui::{draw, key, send};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;

// ---------------------------------------------------------------------------------------
// Item 4: the sign-in screen and overlays
// ---------------------------------------------------------------------------------------

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 5, 0)
        .single()
        .expect("valid time")
}

fn fresh() -> AppState {
    common::ui::fresh(now())
}

fn signed_in(role: Role) -> AppState {
    common::ui::signed_in_as(role, 3, "Fran Desk", now())
}

fn text_of(backend: &TestBackend) -> Vec<String> {
    let buffer = backend.buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

/// Every place where a box corner is drawn right beside the same corner, across or
/// down: what an overlay looks like when its border lands next to another's.
fn doubled_corners(rows: &[String]) -> Vec<String> {
    let grid: Vec<Vec<char>> = rows.iter().map(|r| r.chars().collect()).collect();
    let mut found = Vec::new();
    for (y, row) in grid.iter().enumerate() {
        for (x, c) in row.iter().enumerate() {
            if !matches!(c, '┌' | '┐' | '└' | '┘') {
                continue;
            }
            if row.get(x + 1) == Some(c) {
                found.push(format!("{c}{c} at row {y}, column {x}"));
            }
            if grid.get(y + 1).and_then(|r| r.get(x)) == Some(c) {
                found.push(format!("{c} over {c} at row {y}, column {x}"));
            }
        }
    }
    found
}

#[test]
fn the_corner_check_finds_doubled_corners() {
    let rows: Vec<String> = ["┌─┐ ", "│┌┐ ", "└└┘┘", " └┘ "]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let found = doubled_corners(&rows);
    assert!(found.iter().any(|f| f.starts_with("└└")), "{found:?}");
    assert!(found.iter().any(|f| f.starts_with("┘┘")), "{found:?}");
    assert!(found.iter().any(|f| f.starts_with("┘ over ┘")), "{found:?}");
    let clean: Vec<String> = ["┌─┐┌┐", "└─┘└┘"].iter().map(|s| s.to_string()).collect();
    assert_eq!(doubled_corners(&clean), Vec::<String>::new());
}

fn login_on_role_field() -> AppState {
    let mut s = fresh();
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    s
}

#[test]
fn the_sign_in_screen_says_how_to_change_the_role() {
    let s = fresh();
    let shown = text_of(draw(&s, 80, 24).backend()).join("\n");
    assert!(
        shown.contains("Tab here, then ←/→ to change"),
        "the hint is there before the field has focus:\n{shown}"
    );

    let mut s = login_on_role_field();
    assert_eq!(s.context(), Context::LoginRole);
    let rows = text_of(draw(&s, 80, 24).backend());
    let role_row = rows
        .iter()
        .position(|r| r.contains("Sign in as"))
        .expect("the role field");
    assert!(
        rows[role_row + 1].contains("←/→ change the role (or s, d, p)"),
        "the hint sits under the role field:\n{}",
        rows.join("\n")
    );
    let footer = rows.last().expect("a footer");
    assert!(
        footer.contains("←→ change role") && footer.contains("F1 help"),
        "{footer}"
    );

    // What the hint says works: → and ← and the letters.
    send(&mut s, [key(KeyCode::Right)]);
    let rows = text_of(draw(&s, 80, 24).backend()).join("\n");
    assert!(rows.contains("(•) Doctor"), "{rows}");
    send(&mut s, [key(KeyCode::Char('p'))]);
    let rows = text_of(draw(&s, 80, 24).backend()).join("\n");
    assert!(rows.contains("(•) Patient"), "{rows}");

    // The help overlay lists the role keys, from the email field too.
    for mut s in [fresh(), login_on_role_field()] {
        send(&mut s, [key(KeyCode::F(1))]);
        let help = text_of(draw(&s, 80, 24).backend()).join("\n");
        assert!(
            help.contains("previous role") && help.contains("next role"),
            "{help}"
        );
        assert!(
            help.contains("h, ←") && help.contains("l, →, Space"),
            "{help}"
        );
    }
}

#[test]
fn snapshot_sign_in_with_the_role_field_focused_80x24() {
    let s = login_on_role_field();
    let terminal = draw(&s, 80, 24);
    assert_eq!(
        doubled_corners(&text_of(terminal.backend())),
        Vec::<String>::new()
    );
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn snapshot_help_over_the_sign_in_dialog_80x24() {
    let mut s = fresh();
    send(&mut s, [key(KeyCode::F(1))]);
    let terminal = draw(&s, 80, 24);
    assert_eq!(
        doubled_corners(&text_of(terminal.backend())),
        Vec::<String>::new()
    );
    insta::assert_snapshot!(terminal.backend());
}

// --- A crawl through every screen reachable from the login and home screens ----------

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn at(h: u32) -> NaiveDateTime {
    day().and_hms_opt(h, 0, 0).expect("time")
}

fn view(id: i32, status: AppointmentStatus, hour: u32) -> AppointmentView {
    AppointmentView {
        appointment: Appointment {
            id,
            patient_id: 3,
            doctor_id: 3,
            location_id: Some(1),
            start_utc: at(hour),
            duration_minutes: 30,
            status,
            cancel_reason: None,
            cancelled_at: None,
        },
        patient_name: "Ana Ribeiro".into(),
        patient_email: "ana@example.org".into(),
        doctor_name: "Dr. Maya Okafor".into(),
        doctor_email: "maya@clinic.test".into(),
        specialization: "Cardiology".into(),
        location_name: Some("Harbour Street".into()),
    }
}

fn summary(id: i32) -> DoctorSummary {
    DoctorSummary {
        id,
        full_name: "Dr. Maya Okafor".into(),
        specialization: "Cardiology".into(),
    }
}

fn patient() -> Patient {
    Patient {
        id: 3,
        full_name: "Ana Ribeiro".into(),
        email: "ana@example.org".into(),
        phone_number: Some("+44 20 7946 0958".into()),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 2, 28),
        gender: None,
        is_active: true,
        has_portal_access: true,
        created_at: now(),
    }
}

fn prescription(version: i64) -> Prescription {
    Prescription {
        id: Some("65f000000000000000000001".into()),
        appointment_id: 12,
        doctor_id: 3,
        patient_id: 3,
        date_issued: now(),
        medications: vec![Medication {
            name: "Amoxicillin".into(),
            dosage: "500mg".into(),
            frequency: "3 times a day".into(),
            duration_days: Some(7),
            notes: "After meals".into(),
        }],
        notes: ClinicalNotes {
            chief_complaint: "Sore throat".into(),
            diagnosis: "Pharyngitis".into(),
            recommendations: "Rest".into(),
        },
        tags: vec!["infection".into()],
        attachments: Vec::new(),
        created_at: now(),
        last_updated: now(),
        version,
    }
}

fn brief() -> AppointmentBrief {
    AppointmentBrief {
        appointment_id: 12,
        patient_id: 3,
        patient_name: "Ana Ribeiro".into(),
        doctor_id: 3,
        doctor_name: "Dr. Maya Okafor".into(),
        start_utc: at(9),
        status: AppointmentStatus::Completed,
        prescription_version: Some(1),
    }
}

fn week() -> WeekView {
    let monday = day();
    WeekView {
        doctor: summary(3),
        week_monday: monday,
        time_zone: chrono_tz::Europe::London,
        windows: vec![StoredWindow {
            id: 1,
            window: Window {
                weekday: chrono::Weekday::Mon,
                start: chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
                end: chrono::NaiveTime::from_hms_opt(12, 0, 0).expect("time"),
                location_id: Some(1),
            },
        }],
        time_off: vec![StoredTimeOff {
            id: 2,
            time_off: TimeOff {
                start_utc: at(13),
                end_utc: at(15),
                reason: "Training".into(),
            },
        }],
        appointments: vec![WeekAppointment {
            id: 11,
            patient_id: 3,
            patient_name: "Ana Ribeiro".into(),
            start_utc: at(10),
            end_utc: at(11),
            status: AppointmentStatus::Booked,
            location_id: Some(1),
        }],
        extra_hours: Vec::new(),
        free_slots: vec![Slot {
            start_utc: at(11),
            end_utc: at(12),
            location_id: Some(1),
        }],
        locations: vec![LocationRef {
            id: 1,
            name: "Harbour Street".into(),
        }],
        can_edit: true,
    }
}

fn payment() -> Payment {
    Payment {
        id: 5,
        appointment_id: 12,
        amount: rust_decimal::Decimal::new(6000, 2),
        method: PaymentMethod::Card,
        status: PaymentStatus::Pending,
        transaction_id: "TX-1".into(),
        created_at: now(),
    }
}

/// A successful answer with a little data for every request the UI makes, so that the
/// crawl reaches the lists, forms and popups behind them. Saves are refused in the way
/// that opens a further popup (a duplicate to confirm, a newer version to compare).
fn reply(effect: &Effect) -> Option<Msg> {
    let Effect::Run { request, op, .. } = effect else {
        return None;
    };
    let done = || Ok("Done.".to_string());
    let path = || Ok("/tmp/clinic-export.csv".to_string());
    let refused = || ServiceError::Invalid("Refused for the test.".into());
    let reply = match op {
        Op::Login(_) => Reply::Login(Err(ServiceError::Invalid(
            "Wrong email or password.".into(),
        ))),
        Op::Home(_) => Reply::Home(HomeReply::Counts(Ok(WaitlistCounts {
            waiting: 3,
            offered: 2,
        }))),
        Op::AccountChoice(never) => match *never {},
        Op::Password(_) => Reply::Password(Err(refused())),
        Op::Calendar(op) => Reply::Calendar(match op {
            CalendarOp::LoadWeek { .. } => CalendarReply::Week(Ok(week())),
            CalendarOp::LoadDoctors => CalendarReply::Doctors(Ok(vec![summary(3)])),
            // Booked appointments inside the time off: the question about them.
            CalendarOp::AddTimeOff { .. } => {
                CalendarReply::TimeOff(Ok(TimeOffOutcome::Conflicts(vec![TimeOffConflict {
                    appointment_id: 41,
                    patient_id: 5,
                    patient_name: "Rebecca Adler".into(),
                    start_utc: at(10),
                    end_utc: at(11),
                    status: clinic::domain::appointment::AppointmentStatus::Booked,
                }])))
            }
            _ => CalendarReply::Saved(Err(refused())),
        }),
        Op::Booking(op) => Reply::Booking(match op {
            BookingOp::SearchPatients { .. } => BookingReply::Patients(Ok(vec![patient()])),
            BookingOp::Register(_) => {
                BookingReply::Registered(Err(RegisterError::PossibleDuplicate {
                    message: "Someone with this name is registered already.".into(),
                    existing: vec![patient()],
                }))
            }
            BookingOp::LoadDoctors => BookingReply::Doctors(Ok(BookingChoices {
                doctors: vec![summary(3)],
                locations: vec![(1, "Harbour Street".into())],
                addresses: vec![(1, "1 Harbour Street".into())],
            })),
            BookingOp::LoadSlots { .. } | BookingOp::AnyDoctor { .. } => {
                BookingReply::Slots(Ok(vec![SlotChoice {
                    doctor_id: 3,
                    doctor_name: "Dr. Maya Okafor".into(),
                    start_utc: at(16),
                    end_utc: at(17),
                    location_id: Some(1),
                }]))
            }
            BookingOp::Book { .. } | BookingOp::BookSeries(_) => {
                BookingReply::Booked(Err(refused()))
            }
            BookingOp::PlanSeries(_) => BookingReply::Planned(Err(refused())),
        }),
        Op::Agenda(op) => Reply::Agenda(match op {
            AgendaOp::Load(_) => AgendaReply::Appointments(Ok(vec![
                view(11, AppointmentStatus::Booked, 9),
                view(12, AppointmentStatus::Completed, 10),
                view(13, AppointmentStatus::Booked, 16),
            ])),
            AgendaOp::LoadDoctors => AgendaReply::Doctors(Ok(vec![summary(3)])),
            AgendaOp::History { .. } => AgendaReply::History(Ok(vec![StatusChange {
                appointment_id: 11,
                from_status: None,
                to_status: AppointmentStatus::Booked,
                old_time: None,
                new_time: Some(at(9)),
                reason: None,
                changed_by_kind: "FRONT_DESK".into(),
                changed_by_id: Some(2),
                changed_at: at(8),
            }])),
            AgendaOp::Slots { .. } => AgendaReply::Slots(Ok(vec![Slot {
                start_utc: at(16) + Duration::days(1),
                end_utc: at(17) + Duration::days(1),
                location_id: Some(1),
            }])),
            AgendaOp::SeriesOf { appointment_id } => AgendaReply::Series {
                appointment_id: *appointment_id,
                result: Ok(Some(crate::agenda_hub_ui::series_of_23())),
            },
            AgendaOp::Detail { appointment_id, .. } => AgendaReply::Detail {
                appointment_id: *appointment_id,
                data: Box::new(crate::agenda_hub_ui::detail_data()),
            },
            AgendaOp::WaitlistCounts => {
                AgendaReply::WaitlistCounts(Ok(clinic::service::waitlist::WaitlistCounts {
                    waiting: 1,
                    offered: 1,
                }))
            }
            AgendaOp::ExportCalendar { .. } => {
                AgendaReply::Exported(Ok(("/tmp/clinic-export.ics".into(), 2)))
            }
            _ => AgendaReply::Done(Err(refused())),
        }),
        Op::Waitlist(op) => Reply::Waitlist(match op {
            WaitlistOp::Load => WaitlistReply::Loaded(Ok(vec![
                crate::agenda_hub_ui::entry(1, "Rui Costa", true),
                crate::agenda_hub_ui::entry(2, "Helena Alves", false),
            ])),
            _ => WaitlistReply::Done(Err(refused())),
        }),
        Op::RxList(op) => Reply::RxList(match op {
            ListOp::Load { .. } => ListReply::Loaded(Ok(vec![brief()])),
            ListOp::Insight { .. } => ListReply::Insight(Ok(Default::default())),
        }),
        Op::RxTimeline(_) => Reply::RxTimeline(Ok(Vec::new())),
        Op::RxEditor(op) => Reply::RxEditor(match op {
            EditorOp::Open { .. } => EditorReply::Opened(Ok(Box::new(EditorData {
                brief: brief(),
                stored: Some(prescription(1)),
                known_tags: vec!["infection".into()],
                draft_file: None,
            }))),
            EditorOp::Save { .. } => EditorReply::Saved(Err(SaveError::Stale {
                current: Box::new(prescription(2)),
            })),
            EditorOp::Export { .. } => EditorReply::Exported(path()),
            EditorOp::AttachFile { .. } => EditorReply::Attached(Err(refused())),
        }),
        Op::RxViewer(op) => Reply::RxViewer(match op {
            ViewerOp::Open { .. } => {
                ViewerReply::Opened(Ok(Box::new((brief(), Some(prescription(2))))))
            }
            ViewerOp::Export { .. } => ViewerReply::Exported(path()),
        }),
        Op::RxHistory(_) => Reply::RxHistory(Ok(vec![prescription(1), prescription(2)])),
        Op::Payments(op) => Reply::Payments(match op {
            PaymentsOp::Load { .. } => {
                PaymentsReply::Loaded(Ok(clinic::service::payments::AppointmentPayments {
                    payments: vec![payment()],
                    fee: Some(rust_decimal::Decimal::new(6000, 2)),
                    refund_reasons: Vec::new(),
                }))
            }
            // An amount that is not the fee: the question, so the crawl reaches it.
            PaymentsOp::Take(input) if !input.confirm_amount => PaymentsReply::Taken(Err(
                ServiceError::Unconfirmed("1.00 is not the 60.00 fee of this visit.".into()),
            )),
            PaymentsOp::Take(_) => PaymentsReply::Taken(Err(refused())),
            PaymentsOp::SetStatus { .. } => PaymentsReply::StatusSet(Err(refused())),
            PaymentsOp::Refund { .. } => PaymentsReply::Refunded(Err(refused())),
            PaymentsOp::Receipt { .. } | PaymentsOp::ReceiptPdf { .. } => {
                PaymentsReply::ReceiptWritten(Ok("/tmp/receipt.txt".to_string()))
            }
        }),
        Op::Reports(op) => Reply::Reports(match op {
            ReportsOp::Schedule(_) => ReportsReply::Schedule(Ok(vec![(
                "Dr. Maya Okafor".into(),
                vec![view(11, AppointmentStatus::Booked, 9)],
            )])),
            ReportsOp::Revenue(..) => ReportsReply::Revenue(Err(refused())),
            ReportsOp::Outstanding(..) => ReportsReply::Outstanding(Ok(Vec::new())),
            ReportsOp::Export(_) => ReportsReply::Exported(path()),
        }),
        Op::Patients(op) => Reply::Patients(match op {
            PatientsOp::Search { .. } => PatientsReply::Found(Ok(vec![patient()])),
            PatientsOp::History { .. } => PatientsReply::History(Ok(PatientHistory {
                patient: patient(),
                appointments: vec![view(12, AppointmentStatus::Completed, 10)],
                payments: vec![payment()],
            })),
            PatientsOp::Register(_) | PatientsOp::Update { .. } => {
                PatientsReply::Saved(Err(RegisterError::PossibleDuplicate {
                    message: "Someone with this name is registered already.".into(),
                    existing: vec![patient()],
                }))
            }
            PatientsOp::SetActive { .. } => PatientsReply::ActiveSet(Err(refused())),
        }),
        Op::Admin(op) => Reply::Admin(match op {
            AdminOp::LoadDoctors => AdminReply::Doctors(Ok(vec![Doctor {
                id: 3,
                full_name: "Dr. Maya Okafor".into(),
                email: "maya@clinic.test".into(),
                specialization: "Cardiology".into(),
                phone_number: None,
                bio: None,
                is_active: true,
                created_at: now(),
                consultation_fee: Some(rust_decimal::Decimal::new(6000, 2)),
            }])),
            AdminOp::LoadSpecializations => {
                AdminReply::Specializations(Ok(vec![clinic::domain::person::Specialization {
                    id: 1,
                    name: "Cardiology".into(),
                }]))
            }
            AdminOp::NewSpecialization(_) => {
                AdminReply::SpecializationAdded(Err(ServiceError::Conflict(
                    "Specialization \"Cardiology\" is already in the list; pick it there.".into(),
                )))
            }
            AdminOp::LoadStaff => AdminReply::Staff(Ok(vec![StaffMember {
                id: 2,
                full_name: "Fran Desk".into(),
                email: "fran@clinic.test".into(),
                role: Role::FrontDesk,
                is_active: true,
                created_at: now(),
            }])),
            AdminOp::LoadLocations => AdminReply::Locations(Ok(vec![Location {
                id: 1,
                name: "Harbour Street".into(),
                address: "12 Harbour Street".into(),
                phone_number: None,
                operating_hours: None,
                is_active: true,
            }])),
            _ => AdminReply::Done(done()),
        }),
        Op::Audit(op) => Reply::Audit(match op {
            AuditOp::Search(_) => AuditReply::Entries(Ok(vec![AuditEntry {
                id: 1,
                occurred_at: at(9),
                actor_kind: "FRONT_DESK".into(),
                actor_id: Some(2),
                actor_email: Some("fran@clinic.test".into()),
                action: "LOGIN".into(),
                entity: "session".into(),
                entity_id: None,
                patient_id: None,
                outcome: Outcome::Ok,
                detail: None,
            }])),
            AuditOp::Export { .. } => AuditReply::Exported(Ok(("/tmp/audit.csv".into(), 1))),
            AuditOp::FindPeople { .. } => {
                AuditReply::People(Ok(vec![clinic::store::mysql::people::PersonMatch {
                    kind: "FRONT_DESK".into(),
                    id: 2,
                    full_name: "Fran Desk".into(),
                    email: "fran@clinic.test".into(),
                }]))
            }
        }),
    };
    Some(Msg::Reply {
        request: *request,
        reply,
    })
}

/// Sends a message and answers every request that follows from it (follow-ups too).
fn feed(state: &mut AppState, keymap: &Keymap, msg: Msg) {
    let mut queue = vec![msg];
    let mut rounds = 0;
    while let Some(m) = queue.pop() {
        rounds += 1;
        if rounds > 50 {
            break;
        }
        for effect in update(state, m, keymap) {
            if let Some(answer) = reply(&effect) {
                queue.push(answer);
            }
        }
    }
}

/// Contexts where characters are typed into a field.
fn typing(ctx: Context) -> bool {
    matches!(
        ctx,
        Context::Login
            | Context::Form
            | Context::Search
            | Context::PatientSearch
            | Context::PrescriptionText
            | Context::PatientsSearch
    )
}

/// The keys the crawl tries on every screen it reaches: all of them where keys are
/// commands, and those that are not text where typing goes into a field.
fn crawl_keys() -> (Vec<KeyEvent>, Vec<KeyEvent>) {
    let plain = |c| KeyEvent::new(c, KeyModifiers::NONE);
    let mut typing_keys: Vec<KeyEvent> = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Down,
        KeyCode::Right,
        KeyCode::F(1),
        KeyCode::Char('a'),
    ]
    .into_iter()
    .map(plain)
    .collect();
    typing_keys.push(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    typing_keys.push(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let mut all_keys = typing_keys.clone();
    all_keys.extend(
        "edonxcrhmpsbw123tfi/?KJ"
            .chars()
            .map(|c| plain(KeyCode::Char(c))),
    );
    (all_keys, typing_keys)
}

struct Crawl {
    seen: HashMap<String, usize>,
    problems: Vec<String>,
    screens: usize,
}

impl Crawl {
    /// Draws `state` at 80x24 and, when that screen is new, at 120x40 as well, noting
    /// any doubled corner. Whether to go on from it with `left` more keys: it is new, or
    /// it was reached before with fewer keys left.
    fn visit(&mut self, state: &AppState, path: &str, left: usize) -> bool {
        let keymap = Keymap::defaults();
        for (w, h) in [(80, 24), (120, 40)] {
            let mut terminal =
                ratatui::Terminal::new(TestBackend::new(w, h)).expect("test terminal");
            terminal
                .draw(|frame| clinic::tui::render(frame, state, &keymap))
                .expect("draw");
            let rows = text_of(terminal.backend());
            if w == 80 {
                // Focus shows in styles and the cursor, not in the text: both count.
                let mut backend = terminal.backend().clone();
                let cursor = ratatui::backend::Backend::get_cursor_position(&mut backend).ok();
                let signature = format!(
                    "{:?} {cursor:?} {:?}",
                    state.context(),
                    terminal.backend().buffer()
                );
                let before = self.seen.insert(signature.clone(), left);
                if let Some(before) = before {
                    if before >= left {
                        self.seen.insert(signature, before);
                        return false;
                    }
                    // Drawn before; go on from it, further this time.
                    return true;
                }
            }
            let found = doubled_corners(&rows);
            if !found.is_empty() {
                self.problems.push(format!(
                    "{path} at {w}x{h}: {}\n{}",
                    found.join("; "),
                    rows.join("\n")
                ));
            }
        }
        self.screens += 1;
        true
    }

    /// Breadth first from `start`, `depth` keys deep, skipping screens already drawn.
    fn from(&mut self, start: AppState, name: &str, depth: usize) {
        let keymap = Keymap::defaults();
        let (all_keys, typing_keys) = crawl_keys();
        self.visit(&start, name, depth);
        let mut frontier = vec![(start, name.to_string())];
        for level in 0..depth {
            let mut next = Vec::new();
            for (state, path) in &frontier {
                // Where typing goes into a field, every letter would only make another
                // text: try the keys that move, open and close.
                let keys = if typing(state.context()) {
                    &typing_keys
                } else {
                    &all_keys
                };
                for k in keys {
                    let mut s = state.clone();
                    feed(&mut s, &keymap, Msg::Key(*k));
                    if s.should_quit {
                        continue;
                    }
                    let p = format!("{path} {:?}", k.code);
                    if self.visit(&s, &p, depth - level - 1) {
                        next.push((s, p));
                    }
                }
            }
            frontier = next;
        }
    }
}

const DEPTH: usize = 3;

#[test]
fn no_screen_from_login_or_home_draws_a_corner_beside_another() {
    let mut crawl = Crawl {
        seen: HashMap::new(),
        problems: Vec::new(),
        screens: 0,
    };
    crawl.from(fresh(), "login", DEPTH);
    for role in [Role::Admin, Role::FrontDesk, Role::Doctor, Role::Patient] {
        let items = HomeScreen::for_role(role).items.len();
        for index in 0..items {
            let mut s = signed_in(role);
            let keymap = Keymap::defaults();
            for _ in 0..index {
                feed(&mut s, &keymap, key(KeyCode::Down));
            }
            feed(&mut s, &keymap, key(KeyCode::Enter));
            if s.should_quit || s.session.is_none() {
                continue;
            }
            crawl.from(s, &format!("{role:?} home item {index}"), DEPTH);
        }
    }
    // The crawl is only worth something if it reached the popups.
    assert!(crawl.screens > 1000, "only {} screens drawn", crawl.screens);
    assert!(
        crawl.problems.is_empty(),
        "{} screens draw a corner beside another, e.g.\n{}",
        crawl.problems.len(),
        crawl
            .problems
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
