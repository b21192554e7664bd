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
    let target_row = ((h * 60 + m) / 30) as usize;
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
    assert_eq!(
        (c.day, c.row),
        (0, 16),
        "Monday, the 08:00 row until the week comes"
    );
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
    send(&mut s, vec![ch('k'); 40]);
    assert_eq!((cal(&s).day, cal(&s).row), (0, 0));
    assert!(
        screen_text(&s, 80, 24).contains("00:00"),
        "the whole day is there"
    );
    send(&mut s, vec![key(KeyCode::Right); 10]);
    send(&mut s, vec![key(KeyCode::Down); 60]);
    let c = cal(&s);
    assert_eq!((c.day, c.row), (6, 47));
    // 80x24: 18 time rows fit, so the view scrolled to keep 23:30 visible.
    assert_eq!(c.scroll, 30);
    assert!(screen_text(&s, 80, 24).contains("23:30"));
    assert!(!screen_text(&s, 80, 24).contains("07:00"));
}

#[test]
fn adding_a_window_prefills_the_cursor_cell_and_a_refusal_keeps_what_was_typed() {
    let mut s = doctor_calendar();
    go_to(&mut s, 0, 11, 30);
    assert!(send(&mut s, [ch('a')]).is_empty());
    assert_eq!(s.context(), Context::Form);
    assert_eq!(form_values(&s), vec!["11:30", "12:00", "Any location"]);
    // Typing goes into the field, even letters that are calendar keys.
    send(&mut s, [key(KeyCode::Tab)]);
    send(&mut s, vec![key(KeyCode::Backspace); 5]);
    type_text(&mut s, "13:30");
    send(&mut s, [key(KeyCode::Tab)]);
    // The location is a choice among the clinic's: a letter jumps to it.
    type_text(&mut s, "m");
    assert_eq!(form_values(&s), vec!["11:30", "13:30", "Main building"]);
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
    assert_eq!(form_values(&s), vec!["11:30", "13:30", "Main building"]);
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
    assert!(screen_text(&s, 80, 24).contains("Delete the Monday window 09:00–12:00 (every"));
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
            on_conflict: clinic::service::time_off::OnConflict::Ask,
            seen: None,
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

/// The screen's lines, trimmed.
fn lines_of(s: &AppState, width: u16, height: u16) -> Vec<String> {
    let terminal = draw(s, width, height);
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// A conflict as the service lists it: Rebecca Adler's Monday 10:00 appointment.
fn adler_conflict() -> clinic::service::time_off::TimeOffConflict {
    clinic::service::time_off::TimeOffConflict {
        appointment_id: 21,
        patient_id: 31,
        patient_name: "Rebecca Adler".into(),
        start_utc: monday().and_time(t(10, 0)),
        end_utc: monday().and_time(t(11, 0)),
        status: AppointmentStatus::Booked,
    }
}

/// Issue 13: the calendar opened scrolled to the current time (the morning hidden). It
/// now opens at the first hour of the week's windows, on today.
#[test]
fn the_week_opens_at_the_first_hour_of_its_windows() {
    let s = doctor_calendar();
    let c = cal(&s);
    assert_eq!(
        (c.day, c.row, c.scroll),
        (0, 18, 18),
        "Monday 09:00, the first window"
    );
    let lines = lines_of(&s, 80, 24);
    assert!(lines[3].starts_with("09:00"), "{lines:#?}");
    // Extra hours earlier than any window count too (07:30 opens at 07:00).
    let (mut s, effects) = open(Role::Doctor, HOUSE);
    let (request, _) = request_of(&effects);
    let mut early = week(house(), monday(), true);
    early.extra_hours = vec![clinic::domain::extra_hours::StoredExtraHours {
        id: 51,
        hours: clinic::domain::extra_hours::ExtraHours::new(
            date(2026, 1, 17),
            t(7, 30),
            t(8, 30),
            None,
        ),
    }];
    send(&mut s, [answer(request, CalendarReply::Week(Ok(early)))]);
    assert_eq!((cal(&s).row, cal(&s).scroll), (14, 14));
    // Moving to another week keeps the cursor where the user put it.
    send(&mut s, [ch('j'), ch('j')]);
    let (request, _) = request_of(&send(&mut s, [ch(']')]));
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::Week(Ok(week(house(), date(2026, 1, 19), true))),
        )],
    );
    assert_eq!(cal(&s).row, 16);
}

/// Issue 13: at 200x50 the grid left blank rows; now every row below the day headers
/// down to the key line is a time row, the detail line or the footer.
#[test]
fn snapshot_doctor_week_200x50_uses_every_row() {
    let mut s = doctor_calendar();
    send(&mut s, [Msg::Resize(200, 50)]);
    go_to(&mut s, 0, 10, 0);
    let lines = lines_of(&s, 200, 50);
    // Lines 0 to 47 are the title and the calendar (48 is the message line, 49 the keys).
    for (i, line) in lines.iter().enumerate().take(48) {
        assert!(
            !line.is_empty(),
            "blank line {i} at 200x50:\n{}",
            lines.join("\n")
        );
    }
    // 44 half hours fit: from 02:00 (as near the first window's 09:00 as the day allows)
    // to 23:30.
    assert!(lines[3].starts_with("02:00"), "{}", lines[3]);
    assert!(lines[46].starts_with("23:30"), "{}", lines[46]);
    insta::assert_snapshot!(draw(&s, 200, 50).backend());
}

/// Issue 13: windows were not said to repeat weekly.
#[test]
fn windows_say_they_repeat_every_week() {
    let mut s = doctor_calendar();
    go_to(&mut s, 0, 9, 30);
    let screen = screen_text(&s, 120, 40);
    assert!(
        screen.contains("░ window 09:00–12:00 every week"),
        "{screen}"
    );
    assert!(screen.contains("░ every week"), "the legend: {screen}");
    send(&mut s, [ch('e')]);
    assert!(screen_text(&s, 80, 24).contains("Edit window · Monday"));
}

/// Issue 13: time off over a booked appointment was accepted silently. Now the booked
/// appointments are listed and the doctor chooses: cancel them (with a reason), keep
/// them, or go back to the time off as typed.
#[test]
fn time_off_over_booked_appointments_lists_them_and_asks() {
    use clinic::service::time_off::{OnConflict, TimeOffOutcome};
    let mut s = doctor_calendar();
    send(&mut s, [ch('o')]);
    send(&mut s, vec![key(KeyCode::Tab); 4]);
    type_text(&mut s, "Ill");
    let (request, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    let CalendarOp::AddTimeOff {
        input,
        on_conflict,
        seen,
        ..
    } = op
    else {
        panic!("{op:?}")
    };
    assert_eq!((on_conflict, seen), (OnConflict::Ask, None), "never silent");
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::TimeOff(Ok(TimeOffOutcome::Conflicts(vec![adler_conflict()]))),
        )],
    );
    assert_eq!(s.context(), Context::CalendarConflict);
    let screen = screen_text(&s, 80, 24);
    assert!(
        screen.contains("This time off overlaps a booked appointment:"),
        "{screen}"
    );
    assert!(
        screen.contains("Mon 12 Jan 10:00–11:00  Rebecca Adler  Booked"),
        "{screen}"
    );
    assert!(screen.contains("c cancel them (with a reason)"), "{screen}");

    // Back: the form as it was typed, nothing added.
    assert!(send(&mut s, [key(KeyCode::Esc)]).is_empty());
    assert_eq!(
        form_values(&s),
        vec!["2026-01-12", "", "2026-01-12", "", "Ill"]
    );

    // Keep them: the time off is added over them, said explicitly.
    let (request, _) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::TimeOff(Ok(TimeOffOutcome::Conflicts(vec![adler_conflict()]))),
        )],
    );
    let (request, op) = request_of(&send(&mut s, [ch('k')]));
    assert_eq!(
        op,
        CalendarOp::AddTimeOff {
            doctor_id: HOUSE,
            input: input.clone(),
            on_conflict: OnConflict::Keep,
            seen: Some(vec![21]),
        }
    );
    assert!(send(&mut s, [ch('c')]).is_empty(), "nothing while it saves");
    let effects = send(
        &mut s,
        [answer(
            request,
            CalendarReply::TimeOff(Ok(TimeOffOutcome::Added {
                id: 12,
                cancelled: Vec::new(),
                kept: vec![adler_conflict()],
            })),
        )],
    );
    assert!(cal(&s).modal.is_none());
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Time off added. 1 booked appointment kept booked.")
    );
    assert!(matches!(
        request_of(&effects).1,
        CalendarOp::LoadWeek { .. }
    ));
}

#[test]
fn cancelling_the_booked_appointments_asks_for_a_reason() {
    use clinic::service::time_off::{OnConflict, TimeOffOutcome};
    let mut s = doctor_calendar();
    send(&mut s, [ch('o')]);
    let (request, _) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::TimeOff(Ok(TimeOffOutcome::Conflicts(vec![adler_conflict()]))),
        )],
    );
    assert!(send(&mut s, [ch('c')]).is_empty());
    assert_eq!(s.context(), Context::Form);
    // No reason: said under the field, nothing asked.
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    let Some(Modal::TimeOffConflicts(q)) = &cal(&s).modal else {
        panic!("question closed")
    };
    let reason = q.reason.as_ref().expect("reason form");
    assert_eq!(
        reason.error(CalField::CancelReason),
        Some("Say why they are cancelled: the patients are told.")
    );
    insta::assert_snapshot!("time_off_cancel_reason_80x24", draw(&s, 80, 24).backend());
    // Esc: back to the list; c again, a reason, Enter.
    send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(s.context(), Context::CalendarConflict);
    send(&mut s, [ch('c')]);
    type_text(&mut s, "Doctor ill");
    let (request, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(
        &op,
        CalendarOp::AddTimeOff { on_conflict: OnConflict::Cancel { reason }, seen: Some(seen), .. }
            if reason == "Doctor ill" && seen == &vec![21]
    ));
    // A refusal keeps the reason and says why.
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::TimeOff(Err(ServiceError::Invalid(
                "The reason for cancelling is too long.".into(),
            ))),
        )],
    );
    let Some(Modal::TimeOffConflicts(q)) = &cal(&s).modal else {
        panic!("question closed")
    };
    let reason = q.reason.as_ref().expect("reason form");
    assert_eq!(reason.value(CalField::CancelReason), "Doctor ill");
    assert!(!reason.is_pending());
    // Someone booked inside meanwhile: the new list, nothing changed.
    let (request, _) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    let mut second = adler_conflict();
    second.appointment_id = 23;
    second.patient_name = "Lisa Cuddy".into();
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::TimeOff(Ok(TimeOffOutcome::Conflicts(vec![
                adler_conflict(),
                second,
            ]))),
        )],
    );
    assert_eq!(s.context(), Context::CalendarConflict);
    assert!(screen_text(&s, 80, 24).contains("Lisa Cuddy"));
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("changed meanwhile"))
    );
    send(&mut s, [ch('c')]);
    type_text(&mut s, "Doctor ill");
    let (request, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(
        matches!(&op, CalendarOp::AddTimeOff { seen: Some(seen), .. } if seen == &vec![21, 23])
    );
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::TimeOff(Ok(TimeOffOutcome::Added {
                id: 12,
                cancelled: vec![adler_conflict()],
                kept: Vec::new(),
            })),
        )],
    );
    assert!(cal(&s).modal.is_none());
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Time off added. 1 booked appointment cancelled; the patients will be told.")
    );
}

#[test]
fn snapshot_time_off_conflicts_80x24() {
    use clinic::service::time_off::TimeOffOutcome;
    let mut s = doctor_calendar();
    send(&mut s, [ch('o')]);
    let (request, _) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    let mut second = adler_conflict();
    second.appointment_id = 23;
    second.patient_name = "Bartholomew Featherstonehaugh".into();
    second.start_utc = monday().and_time(t(15, 0));
    second.end_utc = monday().and_time(t(16, 0));
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::TimeOff(Ok(TimeOffOutcome::Conflicts(vec![
                adler_conflict(),
                second,
            ]))),
        )],
    );
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

/// Issue 13: a "split for a break" action on a window.
#[test]
fn s_splits_the_window_under_the_cursor_for_a_break() {
    let mut s = doctor_calendar();
    go_to(&mut s, 0, 10, 30);
    assert!(send(&mut s, [ch('s')]).is_empty());
    assert_eq!(
        form_values(&s),
        vec!["10:30", "11:00"],
        "the cursor's half hour"
    );
    assert!(screen_text(&s, 80, 24).contains("Split for a break · Monday 09:00–12:00"));
    // A break outside the window is explained, not sent.
    send(&mut s, vec![key(KeyCode::Backspace); 5]);
    type_text(&mut s, "08:00");
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    let Some(Modal::Form(f)) = &cal(&s).modal else {
        panic!("form closed")
    };
    assert_eq!(
        f.form.error(CalField::BreakStart),
        Some("The break must start after 09:00 and before 12:00.")
    );
    send(&mut s, vec![key(KeyCode::Backspace); 5]);
    type_text(&mut s, "10:00");
    let (request, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        CalendarOp::SplitWindow {
            doctor_id: HOUSE,
            window_id: 1,
            break_start: t(10, 0),
            break_end: t(11, 0),
        }
    );
    let effects = send(
        &mut s,
        [answer(
            request,
            CalendarReply::Saved(Ok("Window split for the break.".into())),
        )],
    );
    assert!(cal(&s).modal.is_none());
    assert!(matches!(
        request_of(&effects).1,
        CalendarOp::LoadWeek { .. }
    ));
    // Nothing to split on an empty cell.
    go_to(&mut s, 6, 10, 0);
    assert!(send(&mut s, [ch('s')]).is_empty());
    assert!(cal(&s).modal.is_none());
    assert!(s.status.expect("status").text.contains("No window here"));
}

/// Issue 15.3: extra hours on a date are shown in the calendar (distinctly), added with
/// `x` and deleted with `d`.
#[test]
fn extra_hours_are_shown_added_and_deleted_in_the_calendar() {
    let (mut s, effects) = open(Role::Doctor, HOUSE);
    let (request, _) = request_of(&effects);
    let mut w = week(house(), monday(), true);
    w.extra_hours = vec![clinic::domain::extra_hours::StoredExtraHours {
        id: 51,
        hours: clinic::domain::extra_hours::ExtraHours::new(
            date(2026, 1, 17),
            t(10, 0),
            t(13, 0),
            Some(1),
        ),
    }];
    send(&mut s, [answer(request, CalendarReply::Week(Ok(w)))]);
    go_to(&mut s, 5, 10, 0);
    let screen = screen_text(&s, 120, 40);
    assert!(screen.contains("▒▒▒"), "{screen}");
    assert!(
        screen.contains("▒ extra hours 10:00–13:00 this date only @Main building"),
        "{screen}"
    );
    insta::assert_snapshot!("extra_hours_saturday_120x40", draw(&s, 120, 40).backend());
    // d deletes them (asking first).
    send(&mut s, [ch('d')]);
    assert!(screen_text(&s, 80, 24).contains("Delete the extra hours Sat 17 Jan 10:00–13:00?"));
    let (_, op) = request_of(&send(&mut s, [ch('y')]));
    assert_eq!(
        op,
        CalendarOp::DeleteExtraHours {
            doctor_id: HOUSE,
            id: 51
        }
    );

    // x opens the form at the cursor: date, from, to, location (a choice).
    let mut s = doctor_calendar();
    go_to(&mut s, 5, 18, 0);
    assert!(send(&mut s, [ch('x')]).is_empty());
    assert_eq!(
        form_values(&s),
        vec!["2026-01-17", "18:00", "18:30", "Any location"]
    );
    send(&mut s, vec![key(KeyCode::Tab); 2]);
    send(&mut s, vec![key(KeyCode::Backspace); 5]);
    type_text(&mut s, "20:00");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Right)]);
    let (_, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        CalendarOp::AddExtraHours {
            doctor_id: HOUSE,
            hours: clinic::domain::extra_hours::ExtraHours::new(
                date(2026, 1, 17),
                t(18, 0),
                t(20, 0),
                Some(1),
            ),
        }
    );
}
