//! The availability calendar as pure functions: `update` driven by keys and replies, and
//! rendered snapshots at 80x24 and 120x40 on ratatui's TestBackend.

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use clinic::domain::appointment::AppointmentStatus;
use clinic::domain::availability::{SlotQuery, TimeOff, Window, free_slots};
use clinic::domain::availability::{StoredTimeOff, StoredWindow};
use clinic::domain::{Actor, Role};
use clinic::service::ServiceError;
use clinic::service::Session;
use clinic::service::availability::{
    DoctorSummary, LocationRef, TimeOffInput, WeekAppointment, WeekView,
};
use clinic::tui::effect::Effect;
use clinic::tui::keymap::Context;
use clinic::tui::msg::Msg;
use clinic::tui::routes::{Reply, Route};
use clinic::tui::screens::calendar::{CalField, CalendarOp, CalendarReply, CalendarScreen, Modal};
use clinic::tui::screens::home::HomeScreen;
use clinic::tui::state::{AppState, Page, Tone};
use common::ui::{ch, draw, key, send, type_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub(crate) const HOUSE: i32 = 7;
pub(crate) const WILSON: i32 = 8;

/// Monday 12 January 2026, 08:10 in London (GMT, so UTC too).
pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 8, 10, 0)
        .single()
        .expect("valid time")
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub(crate) fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

pub(crate) fn monday() -> NaiveDate {
    date(2026, 1, 12)
}

fn session(role: Role, id: i32) -> Session {
    Session {
        actor: Actor::User {
            role,
            id,
            name: "Someone".into(),
            email: "someone@clinic.test".into(),
        },
        started_at: now(),
    }
}

pub(crate) fn house() -> DoctorSummary {
    DoctorSummary {
        id: HOUSE,
        full_name: "Gregory House".into(),
        specialization: "Diagnostics".into(),
    }
}

pub(crate) fn wilson() -> DoctorSummary {
    DoctorSummary {
        id: WILSON,
        full_name: "James Wilson".into(),
        specialization: "Oncology".into(),
    }
}

/// House's week: Mon 09–12 and 13–17, Wed 10–14 at the main building, Tuesday off,
/// two appointments.
pub(crate) fn week(doctor: DoctorSummary, monday: NaiveDate, can_edit: bool) -> WeekView {
    let tz = chrono_tz::Europe::London;
    let windows = vec![
        StoredWindow {
            id: 1,
            window: Window::new(Weekday::Mon, t(9, 0), t(12, 0), None),
        },
        StoredWindow {
            id: 2,
            window: Window::new(Weekday::Mon, t(13, 0), t(17, 0), None),
        },
        StoredWindow {
            id: 3,
            window: Window::new(Weekday::Wed, t(10, 0), t(14, 0), Some(1)),
        },
    ];
    let tuesday = monday + chrono::Days::new(1);
    let time_off = vec![StoredTimeOff {
        id: 11,
        time_off: TimeOff::whole_days(tuesday, tuesday, tz, "Conference").expect("valid"),
    }];
    let at = |d: u64, h: u32, m: u32| (monday + chrono::Days::new(d)).and_time(t(h, m));
    let appointments = vec![
        WeekAppointment {
            id: 21,
            patient_id: 31,
            patient_name: "Rebecca Adler".into(),
            start_utc: at(0, 10, 0),
            end_utc: at(0, 11, 0),
            status: AppointmentStatus::Booked,
            location_id: None,
        },
        WeekAppointment {
            id: 22,
            patient_id: 32,
            patient_name: "Bartholomew Featherstonehaugh".into(),
            start_utc: at(2, 11, 30),
            end_utc: at(2, 12, 30),
            status: AppointmentStatus::Booked,
            location_id: Some(1),
        },
    ];
    let plain: Vec<Window> = windows.iter().map(|w| w.window).collect();
    let off: Vec<TimeOff> = time_off.iter().map(|x| x.time_off.clone()).collect();
    let busy: Vec<_> = appointments
        .iter()
        .map(|a| clinic::domain::availability::Busy::new(a.start_utc, a.end_utc))
        .collect();
    let slots = free_slots(
        &SlotQuery::week_from(monday).not_before(now().naive_utc()),
        tz,
        &plain,
        &off,
        &busy,
    );
    WeekView {
        doctor,
        week_monday: monday,
        time_zone: tz,
        windows,
        time_off,
        appointments,
        extra_hours: Vec::new(),
        free_slots: slots,
        locations: vec![LocationRef {
            id: 1,
            name: "Main building".into(),
        }],
        can_edit,
    }
}

/// Signed in with `role` on the home screen, then the calendar item opened.
pub(crate) fn open(role: Role, id: i32) -> (AppState, Vec<Effect>) {
    let mut s = common::ui::fresh(now());
    s.session = Some(session(role, id));
    s.stack = vec![Page::new(HomeScreen::for_role(role))];
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    (s, effects)
}

pub(crate) fn request_of(effects: &[Effect]) -> (u64, CalendarOp) {
    assert_eq!(
        effects.len(),
        1,
        "expected one calendar request, got {effects:?}"
    );
    crate::last_op!(effects, Calendar)
}

/// The reply message to calendar request `request`.
pub(crate) fn answer(request: u64, reply: CalendarReply) -> Msg {
    common::ui::reply(request, Reply::Calendar(reply))
}

/// A doctor's calendar with House's week loaded.
pub(crate) fn doctor_calendar() -> AppState {
    let (mut s, effects) = open(Role::Doctor, HOUSE);
    let (request, _) = request_of(&effects);
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::Week(Ok(week(house(), monday(), true))),
        )],
    );
    s
}

pub(crate) fn cal(s: &AppState) -> &CalendarScreen {
    crate::top!(s, Calendar)
}

/// Moves the cursor to a day (0 = Monday) and a time.
pub(crate) fn go_to(s: &mut AppState, day: usize, h: u32, m: u32) {
    let c = cal(s);
    let target_row = ((h * 60 + m - 7 * 60) / 30) as usize;
    let (dx, dy) = (day as i64 - c.day as i64, target_row as i64 - c.row as i64);
    let h_key = if dx < 0 { 'h' } else { 'l' };
    let v_key = if dy < 0 { 'k' } else { 'j' };
    let mut keys = vec![ch(h_key); dx.unsigned_abs() as usize];
    keys.extend(vec![ch(v_key); dy.unsigned_abs() as usize]);
    assert!(send(s, keys).is_empty(), "moving asks for nothing");
}

fn form_values(s: &AppState) -> Vec<String> {
    match &cal(s).modal {
        Some(Modal::Form(f)) => f.form.keys().map(|k| f.form.value(k).to_string()).collect(),
        other => panic!("no form open: {other:?}"),
    }
}

pub(crate) fn screen_text(state: &AppState, width: u16, height: u16) -> String {
    format!("{:?}", draw(state, width, height).backend())
}

#[test]
fn home_offers_the_calendar_by_role() {
    let label = |role| {
        HomeScreen::for_role(role)
            .items
            .iter()
            .map(|i| i.label())
            .collect::<Vec<_>>()
    };
    assert_eq!(label(Role::Doctor)[0], "Weekly availability");
    assert_eq!(label(Role::Admin)[0], "Weekly availability");
    assert_eq!(label(Role::FrontDesk)[0], "Doctors' calendars");
    assert!(!label(Role::Patient).contains(&"Weekly availability"));
}

#[test]
fn a_doctor_opens_their_own_week_on_today() {
    let (s, effects) = open(Role::Doctor, HOUSE);
    let (_, op) = request_of(&effects);
    assert_eq!(
        op,
        CalendarOp::LoadWeek {
            doctor_id: HOUSE,
            monday: monday()
        }
    );
    let c = cal(&s);
    assert_eq!((c.day, c.row), (0, 2), "Monday, the 08:00 row");
    assert_eq!(s.context(), Context::Calendar);
    assert_eq!(s.busy.as_deref(), Some("Loading the week"));
}

#[test]
fn weeks_change_with_brackets_and_t_and_stale_weeks_are_dropped() {
    let mut s = doctor_calendar();
    let effects = send(&mut s, [ch(']')]);
    let (next_req, op) = request_of(&effects);
    assert_eq!(
        op,
        CalendarOp::LoadWeek {
            doctor_id: HOUSE,
            monday: date(2026, 1, 19)
        }
    );
    let effects = send(&mut s, [ch(']')]);
    let (latest, _) = request_of(&effects);
    // The answer for the 19th arrives after the 26th was asked for: dropped.
    send(
        &mut s,
        [answer(
            next_req,
            CalendarReply::Week(Ok(week(house(), date(2026, 1, 19), true))),
        )],
    );
    assert_eq!(cal(&s).week_request, Some(latest));
    assert!(cal(&s).current_week().is_none());
    assert_eq!(cal(&s).week_monday, date(2026, 1, 26));

    let (_, op) = request_of(&send(&mut s, [ch('[')]));
    assert_eq!(
        op,
        CalendarOp::LoadWeek {
            doctor_id: HOUSE,
            monday: date(2026, 1, 19)
        }
    );
    send(&mut s, [ch('l'), ch('l')]);
    let (_, op) = request_of(&send(&mut s, [ch('t')]));
    assert_eq!(
        op,
        CalendarOp::LoadWeek {
            doctor_id: HOUSE,
            monday: monday()
        }
    );
    assert_eq!(cal(&s).day, 0, "t puts the cursor on today");
}

#[test]
fn the_cursor_stays_inside_the_grid_and_on_screen() {
    let mut s = doctor_calendar();
    send(&mut s, vec![ch('h'); 3]);
    send(&mut s, vec![ch('k'); 5]);
    assert_eq!((cal(&s).day, cal(&s).row), (0, 0));
    send(&mut s, vec![key(KeyCode::Right); 10]);
    send(&mut s, vec![key(KeyCode::Down); 40]);
    let c = cal(&s);
    assert_eq!((c.day, c.row), (6, 27));
    // 80x24: 18 time rows fit, so the view scrolled to keep 20:30 visible.
    assert_eq!(c.scroll, 10);
    assert!(screen_text(&s, 80, 24).contains("20:30"));
    assert!(!screen_text(&s, 80, 24).contains("07:00"));
}

#[test]
fn adding_a_window_prefills_the_cursor_cell_and_a_refusal_keeps_what_was_typed() {
    let mut s = doctor_calendar();
    go_to(&mut s, 0, 11, 30);
    assert!(send(&mut s, [ch('a')]).is_empty());
    assert_eq!(s.context(), Context::Form);
    assert_eq!(form_values(&s), vec!["11:30", "12:00", ""]);
    // Typing goes into the field, even letters that are calendar keys.
    send(&mut s, [key(KeyCode::Tab)]);
    send(&mut s, vec![key(KeyCode::Backspace); 5]);
    type_text(&mut s, "13:30");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "main");
    assert_eq!(form_values(&s), vec!["11:30", "13:30", "main"]);
    let effects = send(
        &mut s,
        [Msg::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        ))],
    );
    let (request, op) = request_of(&effects);
    assert_eq!(
        op,
        CalendarOp::AddWindow {
            doctor_id: HOUSE,
            window: Window::new(Weekday::Mon, t(11, 30), t(13, 30), Some(1)),
        }
    );
    assert!(
        send(&mut s, [key(KeyCode::Enter)]).is_empty(),
        "no second save while one runs"
    );
    let refusal = "Monday 11:30–13:30 overlaps the existing window 09:00–12:00.";
    let effects = send(
        &mut s,
        [answer(
            request,
            CalendarReply::Saved(Err(ServiceError::Conflict(refusal.into()))),
        )],
    );
    assert!(effects.is_empty());
    assert_eq!(form_values(&s), vec!["11:30", "13:30", "main"]);
    match &cal(&s).modal {
        Some(Modal::Form(f)) => {
            assert_eq!(
                f.form.form_error(),
                Some(refusal),
                "about no one field: the form's own sentence"
            );
            assert_eq!(f.pending, None);
            assert!(!f.form.is_pending());
        }
        other => panic!("form closed: {other:?}"),
    }
    let status = s.status.clone().expect("status");
    assert_eq!((status.text.as_str(), status.tone), (refusal, Tone::Error));
    assert!(screen_text(&s, 80, 24).contains("overlaps the existing"));

    // Fixed and saved: the form closes and the week reloads.
    send(&mut s, [key(KeyCode::BackTab), key(KeyCode::BackTab)]);
    send(&mut s, vec![key(KeyCode::Backspace); 5]);
    type_text(&mut s, "12:00");
    let (request, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(op, CalendarOp::AddWindow { window, .. } if window.start == t(12, 0)));
    let effects = send(
        &mut s,
        [answer(
            request,
            CalendarReply::Saved(Ok("Window added.".into())),
        )],
    );
    assert!(cal(&s).modal.is_none());
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Window added.")
    );
    assert_eq!(
        request_of(&effects).1,
        CalendarOp::LoadWeek {
            doctor_id: HOUSE,
            monday: monday()
        }
    );
}

#[test]
fn a_badly_typed_time_is_explained_without_asking_the_service() {
    let mut s = doctor_calendar();
    send(&mut s, [ch('a'), key(KeyCode::Tab)]);
    send(&mut s, vec![key(KeyCode::Backspace); 5]);
    type_text(&mut s, "25:99");
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    match &cal(&s).modal {
        Some(Modal::Form(f)) => {
            assert_eq!(
                f.form.error(CalField::End),
                Some("Enter the end as HH:MM, e.g. 17:30.")
            );
            assert_eq!(f.form.focus(), Some(CalField::End));
        }
        other => panic!("form closed: {other:?}"),
    }
    assert!(send(&mut s, [key(KeyCode::Esc)]).is_empty());
    assert!(cal(&s).modal.is_none(), "Esc cancels");
    assert_eq!(s.context(), Context::Calendar);
}

#[test]
fn enter_edits_the_window_under_the_cursor() {
    let mut s = doctor_calendar();
    go_to(&mut s, 2, 12, 0);
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(form_values(&s), vec!["10:00", "14:00", "Main building"]);
    send(&mut s, [key(KeyCode::Tab)]);
    send(&mut s, vec![key(KeyCode::Backspace); 5]);
    type_text(&mut s, "1500");
    let (_, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        CalendarOp::UpdateWindow {
            doctor_id: HOUSE,
            window_id: 3,
            window: Window::new(Weekday::Wed, t(10, 0), t(15, 0), Some(1)),
        }
    );
    // No window on Sunday: e says so.
    let mut s = doctor_calendar();
    go_to(&mut s, 6, 10, 0);
    assert!(send(&mut s, [ch('e')]).is_empty());
    assert!(cal(&s).modal.is_none());
    assert!(s.status.expect("status").text.contains("No window here"));
}

#[test]
fn deleting_asks_first_and_prefers_time_off() {
    let mut s = doctor_calendar();
    go_to(&mut s, 0, 9, 30);
    send(&mut s, [ch('d')]);
    assert_eq!(s.context(), Context::Confirm);
    assert!(screen_text(&s, 80, 24).contains("Delete the Monday window 09:00–12:00?"));
    assert!(send(&mut s, [ch('n')]).is_empty());
    assert!(cal(&s).modal.is_none());
    send(&mut s, [ch('d')]);
    let (request, op) = request_of(&send(&mut s, [ch('y')]));
    assert_eq!(
        op,
        CalendarOp::DeleteWindow {
            doctor_id: HOUSE,
            window_id: 1
        }
    );
    let effects = send(
        &mut s,
        [answer(
            request,
            CalendarReply::Saved(Ok("Window deleted.".into())),
        )],
    );
    assert!(cal(&s).modal.is_none());
    assert_eq!(
        request_of(&effects).1.clone(),
        CalendarOp::LoadWeek {
            doctor_id: HOUSE,
            monday: monday()
        }
    );

    let mut s = doctor_calendar();
    go_to(&mut s, 1, 10, 0);
    send(&mut s, [ch('d')]);
    let (_, op) = request_of(&send(&mut s, [ch('y')]));
    assert_eq!(
        op,
        CalendarOp::DeleteTimeOff {
            doctor_id: HOUSE,
            time_off_id: 11
        }
    );
    // Nothing under an empty cell.
    let mut s = doctor_calendar();
    go_to(&mut s, 6, 10, 0);
    send(&mut s, [ch('d')]);
    assert!(cal(&s).modal.is_none());
}

#[test]
fn time_off_defaults_to_the_whole_cursor_day() {
    let mut s = doctor_calendar();
    go_to(&mut s, 4, 10, 0);
    send(&mut s, [ch('o')]);
    assert_eq!(
        form_values(&s),
        vec!["2026-01-16", "", "2026-01-16", "", ""]
    );
    send(&mut s, vec![key(KeyCode::Tab); 4]);
    type_text(&mut s, "Dentist");
    let (_, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        CalendarOp::AddTimeOff {
            doctor_id: HOUSE,
            input: TimeOffInput {
                from_date: date(2026, 1, 16),
                from_time: None,
                to_date: date(2026, 1, 16),
                to_time: None,
                reason: "Dentist".into(),
            },
        }
    );
    // With times: an afternoon.
    let mut s = doctor_calendar();
    send(&mut s, [ch('o'), key(KeyCode::Tab)]);
    type_text(&mut s, "14:00");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    type_text(&mut s, "17");
    let (_, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(
        op,
        CalendarOp::AddTimeOff { input: TimeOffInput { from_time: Some(a), to_time: Some(b), .. }, .. }
            if a == t(14, 0) && b == t(17, 0)
    ));
}

#[test]
fn front_desk_reads_any_doctor_picked_with_slash_but_cannot_edit() {
    let (mut s, effects) = open(Role::FrontDesk, 2);
    let (request, op) = request_of(&effects);
    assert_eq!(op, CalendarOp::LoadDoctors);
    // The doctors arrive: the first one's week is loaded.
    let effects = send(
        &mut s,
        [answer(
            request,
            CalendarReply::Doctors(Ok(vec![house(), wilson()])),
        )],
    );
    let (request, op) = request_of(&effects);
    assert_eq!(
        op,
        CalendarOp::LoadWeek {
            doctor_id: HOUSE,
            monday: monday()
        }
    );
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::Week(Ok(week(house(), monday(), false))),
        )],
    );
    assert!(screen_text(&s, 80, 24).contains("[read-only]"));
    for k in ['a', 'o', 'd'] {
        assert!(send(&mut s, [ch(k)]).is_empty());
        assert!(cal(&s).modal.is_none());
        assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    }

    assert!(send(&mut s, [ch('/')]).is_empty());
    assert_eq!(s.context(), Context::Search);
    type_text(&mut s, "onco");
    assert!(screen_text(&s, 80, 24).contains("James Wilson"));
    let (_, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        CalendarOp::LoadWeek {
            doctor_id: WILSON,
            monday: monday()
        }
    );
    assert!(cal(&s).modal.is_none());
    assert_eq!(cal(&s).doctor_id, Some(WILSON));
    assert!(
        cal(&s).current_week().is_none(),
        "House's week is not shown as Wilson's"
    );
}

#[test]
fn a_doctor_cannot_search_other_doctors() {
    let mut s = doctor_calendar();
    assert!(send(&mut s, [ch('/')]).is_empty());
    assert!(cal(&s).modal.is_none());
}

#[test]
fn a_database_error_is_a_sentence_and_esc_goes_home() {
    let (mut s, effects) = open(Role::Admin, 1);
    let (request, _) = request_of(&effects);
    let sentence = "The clinic database cannot be reached right now (timed out). Nothing was lost; try again shortly.";
    let outage = ServiceError::DatabaseUnavailable("timed out".into());
    assert_eq!(outage.to_string(), sentence);
    send(
        &mut s,
        [answer(request, CalendarReply::Doctors(Err(outage)))],
    );
    assert_eq!(s.busy, None);
    let status = s.status.clone().expect("status");
    assert_eq!((status.text.as_str(), status.tone), (sentence, Tone::Error));
    assert!(screen_text(&s, 80, 24).contains("cannot be reached"));
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Home(_)));
    // A late answer for the calendar is dropped on the home screen.
    assert!(
        send(
            &mut s,
            [answer(
                99,
                CalendarReply::Week(Ok(week(house(), monday(), true)))
            )]
        )
        .is_empty()
    );
}

#[test]
fn help_lists_the_calendar_keys() {
    let mut s = doctor_calendar();
    send(&mut s, [ch('?')]);
    let text = screen_text(&s, 80, 24);
    for expected in ["previous week", "next week", "add time off", "add a window"] {
        assert!(text.contains(expected), "{expected} missing from help");
    }
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.help.is_none());
    assert!(
        matches!(s.screen(), Route::Calendar(_)),
        "Esc closed only the help"
    );
}

#[test]
fn snapshot_doctor_week_80x24() {
    let mut s = doctor_calendar();
    go_to(&mut s, 0, 10, 0);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_doctor_week_120x40() {
    let mut s = doctor_calendar();
    s.size = (120, 40);
    go_to(&mut s, 2, 11, 30);
    insta::assert_snapshot!(draw(&s, 120, 40).backend());
}

#[test]
fn snapshot_window_form_with_refusal_80x24() {
    let mut s = doctor_calendar();
    go_to(&mut s, 0, 11, 0);
    send(&mut s, [ch('a')]);
    let (request, _) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::Saved(Err(ServiceError::Conflict(
                "Monday 11:00–11:30 overlaps the existing window 09:00–12:00.".into(),
            ))),
        )],
    );
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_front_desk_doctor_search_80x24() {
    let (mut s, effects) = open(Role::FrontDesk, 2);
    let (request, _) = request_of(&effects);
    let effects = send(
        &mut s,
        [answer(
            request,
            CalendarReply::Doctors(Ok(vec![house(), wilson()])),
        )],
    );
    let (request, _) = request_of(&effects);
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::Week(Ok(week(house(), monday(), false))),
        )],
    );
    send(&mut s, [ch('/')]);
    type_text(&mut s, "w");
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}
