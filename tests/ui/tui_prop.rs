//! The whole TUI driven by random input: random keys, random replies to whatever was
//! asked (errors, empty and non-empty results, failed tasks, stale and repeated answers),
//! random clock ticks and random sizes from 0x0 to 250x90, for every role. Nothing may
//! panic, and two invariants hold: the status line always fits the screen width, and
//! once every request has been answered the busy spinner has stopped.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::{Appointment, AppointmentStatus, AppointmentView};
use clinic::domain::person::Patient;
use clinic::service::ServiceError;
use clinic::service::availability::DoctorSummary;
use clinic::service::patients::RegisterError;
use clinic::service::prescriptions::{AppointmentBrief, SaveError};
use clinic::tui::effect::Effect;
use clinic::tui::keymap::Keymap;
use clinic::tui::msg::Msg;
use clinic::tui::routes::{Op, Reply};
use clinic::tui::screens::admin::{AdminOp, AdminReply};
use clinic::tui::screens::agenda::{AgendaOp, AgendaReply};
use clinic::tui::screens::audit::{AuditOp, AuditReply};
use clinic::tui::screens::booking::{BookingChoices, BookingOp, BookingReply};
use clinic::tui::screens::calendar::{CalendarOp, CalendarReply};
use clinic::tui::screens::home::HomeReply;
use clinic::tui::screens::patients::{PatientsOp, PatientsReply};
use clinic::tui::screens::payments::{PaymentsOp, PaymentsReply};
use clinic::tui::screens::prescription::editor::{EditorOp, EditorReply};
use clinic::tui::screens::prescription::list::{ListOp, ListReply};
use clinic::tui::screens::prescription::ops::EditorData;
use clinic::tui::screens::prescription::viewer::{ViewerOp, ViewerReply};
use clinic::tui::screens::reports::{ReportsOp, ReportsReply};
use clinic::tui::screens::waitlist::{WaitlistOp, WaitlistReply};
use clinic::tui::state::AppState;
use clinic::tui::{render, update};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 9, 0, 0)
        .single()
        .expect("valid time")
}

fn signed_in(role: Role) -> AppState {
    crate::common::ui::signed_in_as(role, 3, "Zoë O'Neill", start())
}

/// An appointment as the prescription editor opens it.
fn brief(appointment_id: i32) -> AppointmentBrief {
    AppointmentBrief {
        appointment_id,
        patient_id: 3,
        patient_name: "Zoë O'Neill".into(),
        doctor_id: 3,
        doctor_name: "Dr. Gregory House".into(),
        start_utc: start().naive_utc(),
        status: AppointmentStatus::Completed,
        prescription_version: None,
    }
}

/// One thing that happens to the app.
#[derive(Debug, Clone)]
enum Step {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The clock moves on by this many seconds (past the idle lock now and then).
    Tick(u32),
    /// Answer the `pick`-th outstanding request (modulo their number) this way.
    Answer(usize, How),
}

#[derive(Debug, Clone, Copy)]
enum How {
    /// The reply a service error gives.
    Error,
    /// A success: small lists of plausible rows (or empty ones).
    Data,
    /// The task panicked.
    Failed,
    /// A reply with a request id nobody asked for.
    Stale,
    /// The same answer twice.
    Twice,
}

fn key_strategy() -> impl Strategy<Value = KeyEvent> {
    let codes = prop_oneof![
        8 => proptest::char::range('a', 'z').prop_map(KeyCode::Char),
        2 => proptest::char::range('0', '9').prop_map(KeyCode::Char),
        2 => prop::sample::select(vec![
            '/', '?', '[', ']', '{', '}', ' ', '-', ':', '@', '.', ',', 'é', '山', '\u{1b}', '\u{7}',
            'K', 'J', 'N', 'G',
        ])
        .prop_map(KeyCode::Char),
        6 => prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::F(1),
        ]),
    ];
    let mods = prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
    ]);
    (codes, mods).prop_map(|(code, mods)| {
        // Ctrl-C quits at once; it is covered by its own tests, not worth ending a case on.
        let mods = if code == KeyCode::Char('c') && mods == KeyModifiers::CONTROL {
            KeyModifiers::NONE
        } else {
            mods
        };
        KeyEvent::new(code, mods)
    })
}

fn how_strategy() -> impl Strategy<Value = How> {
    prop_oneof![
        4 => Just(How::Error),
        5 => Just(How::Data),
        1 => Just(How::Failed),
        1 => Just(How::Stale),
        1 => Just(How::Twice),
    ]
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => key_strategy().prop_map(Step::Key),
        1 => (0u16..=250, 0u16..=90).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => prop_oneof![0u32..5, Just(11 * 60)].prop_map(Step::Tick),
        5 => (any::<usize>(), how_strategy()).prop_map(|(i, h)| Step::Answer(i, h)),
    ]
}

fn role_strategy() -> impl Strategy<Value = Role> {
    prop::sample::select(vec![
        Role::Admin,
        Role::FrontDesk,
        Role::Doctor,
        Role::Patient,
    ])
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 12).expect("date")
}

fn view(id: i32, status: AppointmentStatus) -> AppointmentView {
    AppointmentView {
        appointment: Appointment {
            id,
            patient_id: 3,
            doctor_id: 3,
            location_id: Some(1),
            start_utc: day()
                .and_hms_opt(9 + u32::try_from(id % 8).unwrap_or(0), 0, 0)
                .expect("time"),
            duration_minutes: 30,
            status,
            cancel_reason: None,
            cancelled_at: None,
        },
        patient_name: "Zoë O'Neill".into(),
        patient_email: "zoe@example.org".into(),
        doctor_name: "Dr. 山田 太郎 with a rather long name".into(),
        doctor_email: "yamada@clinic.test".into(),
        specialization: "Cardiology".into(),
        location_name: Some("Harbour Street".into()),
    }
}

fn doctors() -> Vec<DoctorSummary> {
    vec![
        DoctorSummary {
            id: 3,
            full_name: "Dr. Maya Okafor".into(),
            specialization: "Cardiology".into(),
        },
        DoctorSummary {
            id: 4,
            full_name: "Dr. Кузнецова".into(),
            specialization: "Dermatology".into(),
        },
    ]
}

fn patients() -> Vec<Patient> {
    vec![Patient {
        id: 3,
        full_name: "Zoë O'Neill".into(),
        email: "zoe@example.org".into(),
        phone_number: Some("+44 20 7946 0958".into()),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 2, 28),
        gender: None,
        is_active: true,
        has_portal_access: true,
        created_at: start(),
    }]
}

/// The reply the runtime would send for `effect`, failing with a service error (an
/// outage or a refusal) or succeeding with small data. `None` for effects that are not
/// requests.
fn reply(effect: &Effect, request: u64, ok: bool) -> Option<Msg> {
    let Effect::Run { op, .. } = effect else {
        return None;
    };
    let e = || {
        if request.is_multiple_of(2) {
            ServiceError::DatabaseUnavailable("connection refused".into())
        } else {
            ServiceError::Invalid("That is not possible for this appointment.".into())
        }
    };
    fn or<T>(ok: bool, v: T, e: ServiceError) -> Result<T, ServiceError> {
        if ok { Ok(v) } else { Err(e) }
    }
    let done = || or(ok, "Done.".to_string(), e());
    let path = || or(ok, "/tmp/clinic-export.csv".to_string(), e());
    let export = |e: ServiceError| {
        if ok {
            Ok("/tmp/clinic-export.csv".to_string())
        } else {
            Err(clinic::tui::export::ExportError::Service(e))
        }
    };
    let reply = match op {
        Op::Login(_) => Reply::Login(Err(ServiceError::Invalid(
            "Wrong email or password.".into(),
        ))),
        Op::Home(_) => Reply::Home(HomeReply::Counts(or(
            ok,
            clinic::service::waitlist::WaitlistCounts::default(),
            e(),
        ))),
        Op::AccountChoice(never) => match *never {},
        Op::Password(_) => Reply::Password(or(ok, (), e())),
        Op::Calendar(op) => Reply::Calendar(match op {
            CalendarOp::LoadWeek { .. } => CalendarReply::Week(Err(e())),
            CalendarOp::LoadDoctors => CalendarReply::Doctors(or(ok, doctors(), e())),
            _ => CalendarReply::Saved(done()),
        }),
        Op::Booking(op) => Reply::Booking(match op {
            BookingOp::SearchPatients { .. } => BookingReply::Patients(or(ok, patients(), e())),
            BookingOp::Register(_) => BookingReply::Registered(Err(if ok {
                RegisterError::PossibleDuplicate {
                    message: "A patient with this name and date of birth exists.".into(),
                    existing: patients(),
                }
            } else {
                RegisterError::Failed(e())
            })),
            BookingOp::LoadDoctors => BookingReply::Doctors(or(
                ok,
                BookingChoices {
                    doctors: doctors(),
                    locations: vec![(1, "Harbour Street".into())],
                    addresses: Vec::new(),
                },
                e(),
            )),
            BookingOp::LoadSlots { .. } | BookingOp::AnyDoctor { .. } => {
                BookingReply::Slots(or(ok, Vec::new(), e()))
            }
            BookingOp::Book { .. } => BookingReply::Booked(Err(e())),
            BookingOp::BookSeries(_) => BookingReply::SeriesBooked(Err(e())),
            BookingOp::PlanSeries(_) => BookingReply::Planned(or(ok, Vec::new(), e())),
        }),
        Op::Agenda(op) => Reply::Agenda(match op {
            AgendaOp::Load(_) => AgendaReply::Appointments(or(
                ok,
                vec![
                    view(11, AppointmentStatus::Booked),
                    view(12, AppointmentStatus::Completed),
                    view(13, AppointmentStatus::Cancelled),
                ],
                e(),
            )),
            AgendaOp::LoadDoctors => AgendaReply::Doctors(or(ok, doctors(), e())),
            AgendaOp::History { .. } => AgendaReply::History(or(ok, Vec::new(), e())),
            AgendaOp::Slots { .. } => AgendaReply::Slots(or(ok, Vec::new(), e())),
            AgendaOp::SeriesOf { appointment_id } => AgendaReply::Series {
                appointment_id: *appointment_id,
                result: or(ok, Some(crate::agenda_hub_ui::series_of_23()), e()),
            },
            AgendaOp::Detail { appointment_id, .. } => AgendaReply::Detail {
                appointment_id: *appointment_id,
                data: Box::new(if ok {
                    crate::agenda_hub_ui::detail_data()
                } else {
                    clinic::tui::screens::agenda::DetailData {
                        history: Err(e()),
                        ..crate::agenda_hub_ui::detail_data()
                    }
                }),
            },
            AgendaOp::WaitlistCounts => AgendaReply::WaitlistCounts(or(
                ok,
                clinic::service::waitlist::WaitlistCounts {
                    waiting: 2,
                    offered: 1,
                },
                e(),
            )),
            AgendaOp::ExportCalendar { .. } => AgendaReply::Exported(export(e()).map(|p| (p, 2))),
            _ => AgendaReply::Done(done()),
        }),
        Op::Waitlist(op) => Reply::Waitlist(match op {
            WaitlistOp::Load => WaitlistReply::Loaded(or(
                ok,
                vec![
                    crate::agenda_hub_ui::entry(1, "Rui Costa", true),
                    crate::agenda_hub_ui::entry(2, "Helena Alves", false),
                ],
                e(),
            )),
            _ => WaitlistReply::Done(done()),
        }),
        Op::Payments(op) => Reply::Payments(match op {
            PaymentsOp::Load { .. } => PaymentsReply::Loaded(or(ok, Default::default(), e())),
            PaymentsOp::Take(_) => PaymentsReply::Taken(Err(e())),
            PaymentsOp::SetStatus { .. } => PaymentsReply::StatusSet(Err(e())),
            PaymentsOp::Refund { .. } => PaymentsReply::Refunded(Err(e())),
            PaymentsOp::Receipt { .. } | PaymentsOp::ReceiptPdf { .. } => {
                PaymentsReply::ReceiptWritten(path())
            }
        }),
        Op::Reports(op) => Reply::Reports(match op {
            ReportsOp::Schedule(_) => ReportsReply::Schedule(or(ok, Vec::new(), e())),
            ReportsOp::Revenue(..) => ReportsReply::Revenue(Err(e())),
            ReportsOp::Outstanding(..) => ReportsReply::Outstanding(or(ok, Vec::new(), e())),
            ReportsOp::Export(_) => ReportsReply::Exported(export(e())),
        }),
        Op::Patients(op) => Reply::Patients(match op {
            PatientsOp::Search { .. } => PatientsReply::Found(or(ok, patients(), e())),
            PatientsOp::History { .. } => PatientsReply::History(Err(e())),
            PatientsOp::Register(_) | PatientsOp::Update { .. } => {
                PatientsReply::Saved(Err(RegisterError::Failed(e())))
            }
            PatientsOp::SetActive { .. } => PatientsReply::ActiveSet(Err(e())),
        }),
        Op::Admin(op) => Reply::Admin(match op {
            AdminOp::LoadDoctors => AdminReply::Doctors(or(ok, Vec::new(), e())),
            AdminOp::LoadStaff => AdminReply::Staff(or(ok, Vec::new(), e())),
            AdminOp::LoadLocations => AdminReply::Locations(or(ok, Vec::new(), e())),
            AdminOp::LoadSpecializations => AdminReply::Specializations(or(ok, Vec::new(), e())),
            AdminOp::NewSpecialization(_) => AdminReply::SpecializationAdded(Err(e())),
            _ => AdminReply::Done(done()),
        }),
        Op::Audit(op) => Reply::Audit(match op {
            AuditOp::Search(_) => AuditReply::Entries(or(ok, Vec::new(), e())),
            AuditOp::Export { .. } => AuditReply::Exported(if ok {
                Ok(("/tmp/audit.csv".to_string(), 0))
            } else {
                Err(clinic::tui::export::ExportError::Service(e()))
            }),
            AuditOp::FindPeople { .. } => AuditReply::People(or(ok, Vec::new(), e())),
        }),
        Op::RxList(op) => Reply::RxList(match op {
            ListOp::Load { .. } => ListReply::Loaded(or(ok, Vec::new(), e())),
            ListOp::Insight { .. } => ListReply::Insight(Err(e())),
        }),
        Op::RxTimeline(_) => Reply::RxTimeline(or(ok, Vec::new(), e())),
        Op::RxEditor(op) => Reply::RxEditor(match op {
            EditorOp::Open { appointment_id } => EditorReply::Opened(or(
                ok,
                Box::new(EditorData {
                    brief: brief(*appointment_id),
                    stored: None,
                    known_tags: vec!["follow-up".into()],
                    draft_file: None,
                }),
                e(),
            )),
            EditorOp::Save { .. } => EditorReply::Saved(Err(SaveError::Service(if ok {
                e()
            } else {
                ServiceError::DocumentStoreUnavailable("timeout".into())
            }))),
            EditorOp::Export { .. } => EditorReply::Exported(export(e())),
            EditorOp::AttachFile { .. } => EditorReply::Attached(Err(e())),
        }),
        Op::RxViewer(op) => Reply::RxViewer(match op {
            ViewerOp::Open { .. } => ViewerReply::Opened(Err(e())),
            ViewerOp::Export { .. } => ViewerReply::Exported(export(e())),
        }),
        Op::RxHistory(_) => Reply::RxHistory(or(ok, Vec::new(), e())),
    };
    Some(Msg::Reply { request, reply })
}

fn request_of(effect: &Effect) -> Option<u64> {
    match effect {
        Effect::Run { request, .. } => Some(*request),
        Effect::DraftFile(_) => None,
    }
}

struct Harness {
    state: AppState,
    keymap: Keymap,
    outstanding: Vec<Effect>,
}

impl Harness {
    fn feed(&mut self, msg: Msg) {
        let effects = update(&mut self.state, msg, &self.keymap);
        self.outstanding
            .extend(effects.into_iter().filter(|e| request_of(e).is_some()));
    }

    fn answer(&mut self, pick: usize, how: How) {
        if self.outstanding.is_empty() {
            return;
        }
        let effect = self.outstanding.remove(pick % self.outstanding.len());
        let request = request_of(&effect).unwrap_or(0);
        match how {
            How::Error | How::Data => {
                if let Some(m) = reply(&effect, request, matches!(how, How::Data)) {
                    self.feed(m);
                }
            }
            How::Failed => self.feed(Msg::TaskFailed {
                request,
                message: clinic::tui::task::FAILED_SENTENCE.into(),
            }),
            How::Stale => {
                if let Some(m) = reply(&effect, request.wrapping_add(10_000), true) {
                    self.feed(m);
                }
                // The real answer still comes later.
                self.outstanding.push(effect);
            }
            How::Twice => {
                for _ in 0..2 {
                    if let Some(m) = reply(&effect, request, false) {
                        self.feed(m);
                    }
                }
            }
        }
    }

    fn draw(&self, terminal: &mut Terminal<TestBackend>) {
        terminal
            .draw(|frame| render(frame, &self.state, &self.keymap))
            .expect("draw on a test backend");
    }

    /// The message under the screen is shown whole: wrapped at words onto its rows,
    /// never cut mid-sentence (when it needs no more rows than a message may take).
    fn status_fits(&self, terminal: &Terminal<TestBackend>) -> Result<(), TestCaseError> {
        let buffer = terminal.backend().buffer();
        let (w, hgt) = (buffer.area.width, buffer.area.height);
        if w < clinic::tui::MIN_WIDTH || hgt < clinic::tui::MIN_HEIGHT || self.state.busy.is_some()
        {
            return Ok(());
        }
        let Some(status) = &self.state.status else {
            return Ok(());
        };
        prop_assert!(
            !status.text.chars().any(|c| c.is_control()),
            "status text has a control character: {:?}",
            status.text
        );
        let line = ratatui::text::Line::raw(status.text.as_str());
        let needed = clinic::tui::widgets::status_bar::wrapped_rows(&line, w - 1);
        if needed > clinic::tui::view::MAX_MESSAGE_ROWS {
            return Ok(());
        }
        let first = hgt - 1 - needed;
        let mut shown = String::new();
        for y in first..hgt - 1 {
            let mut x = 0;
            while x < w {
                let symbol = buffer[(x, y)].symbol();
                shown.push_str(symbol);
                // A wide character covers the next cell too (which holds a blank).
                x += u16::try_from(ratatui::text::Span::raw(symbol).width())
                    .unwrap_or(1)
                    .max(1);
            }
            shown.push(' ');
        }
        let shown: Vec<&str> = shown.split_whitespace().collect();
        let want: Vec<&str> = status.text.split_whitespace().collect();
        prop_assert_eq!(shown, want, "at {}x{}", w, hgt);
        Ok(())
    }
}

fn run_case(role: Role, steps: Vec<Step>) -> Result<(), TestCaseError> {
    let mut h = Harness {
        state: signed_in(role),
        keymap: Keymap::defaults(),
        outstanding: Vec::new(),
    };
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    for (i, step) in steps.into_iter().enumerate() {
        match step {
            Step::Key(k) => h.feed(Msg::Key(k)),
            Step::Resize(w, hgt) => {
                h.feed(Msg::Resize(w, hgt));
                terminal = Terminal::new(TestBackend::new(w, hgt)).expect("test terminal");
            }
            Step::Tick(secs) => {
                let now = h.state.now + Duration::seconds(i64::from(secs));
                h.feed(Msg::Tick(now));
            }
            Step::Answer(pick, how) => h.answer(pick, how),
        }
        if h.state.should_quit {
            return Ok(());
        }
        // Drawing every step at 250x90 would dominate the run; every few steps is enough
        // to reach every state that was drawn before the next change.
        if i % 3 == 0 {
            h.draw(&mut terminal);
            h.status_fits(&terminal)?;
        }
    }
    // Answer everything still in flight (follow-ups included), as errors.
    let mut rounds = 0;
    while !h.outstanding.is_empty() && rounds < 200 {
        h.answer(0, How::Error);
        rounds += 1;
    }
    h.draw(&mut terminal);
    h.status_fits(&terminal)?;
    prop_assert!(
        h.outstanding.is_empty(),
        "requests kept coming: {:?}",
        h.outstanding
    );
    prop_assert!(
        h.state.busy.is_none(),
        "the spinner still runs after every request was answered: {:?} on {:?}",
        h.state.busy,
        h.state.context()
    );
    Ok(())
}

proptest! {
    // 4 x 2,500 = 10,000 cases, in parallel test threads.
    #![proptest_config(ProptestConfig { cases: 2_500, ..ProptestConfig::default() })]

    #[test]
    fn random_sessions_a(role in role_strategy(), steps in prop::collection::vec(step_strategy(), 1..40)) {
        run_case(role, steps)?;
    }

    #[test]
    fn random_sessions_b(role in role_strategy(), steps in prop::collection::vec(step_strategy(), 1..40)) {
        run_case(role, steps)?;
    }

    #[test]
    fn random_sessions_c(role in role_strategy(), steps in prop::collection::vec(step_strategy(), 1..40)) {
        run_case(role, steps)?;
    }

    #[test]
    fn random_sessions_d(role in role_strategy(), steps in prop::collection::vec(step_strategy(), 1..40)) {
        run_case(role, steps)?;
    }
}
