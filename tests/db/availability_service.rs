//! The availability service against the real servers: who may edit whose windows, the
//! overlap rule, time off hiding slots, the week view and the audit rows.

use crate::common;

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use clinic::domain::appointment::{AppointmentStatus, NewAppointment};
use clinic::domain::audit::Outcome;
use clinic::domain::availability::Window;
use clinic::domain::person::{NewDoctor, NewLocation, NewPatient};
use clinic::domain::{Actor, Role};
use clinic::service::availability::TimeOffInput;
use clinic::service::{Clock, ServiceError, Services};
use clinic::store::mysql::{appointments, audit, locations, patients, people};
use common::TestEnv;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Monday 12 January 2026 (London is on GMT, so local = UTC that week).
fn monday() -> NaiveDate {
    date(2026, 1, 12)
}

fn user(role: Role, id: i32, email: &str) -> Actor {
    Actor::User {
        role,
        id,
        name: email.split('@').next().unwrap_or_default().to_string(),
        email: email.to_string(),
    }
}

struct World {
    env: TestEnv,
    services: Services,
    house: Actor,
    wilson: Actor,
    admin: Actor,
    desk: Actor,
    patient: Actor,
    patient_id: i32,
}

async fn world() -> World {
    let env = TestEnv::new().await;
    // The Friday before the week under test, so the whole week is in the future.
    let services = env.services.clone().with_clock(Clock::Fixed(
        Utc.with_ymd_and_hms(2026, 1, 9, 12, 0, 0).unwrap(),
    ));
    let mut ids = Vec::new();
    for (name, email) in [
        ("Gregory House", "house@clinic.test"),
        ("James Wilson", "wilson@clinic.test"),
    ] {
        let doctor = NewDoctor {
            full_name: name.into(),
            email: email.into(),
            specialization: "Diagnostics".into(),
            ..NewDoctor::default()
        };
        ids.push(
            people::insert_doctor(&env.pool, &doctor, "!")
                .await
                .expect("doctor"),
        );
    }
    let admin_id = people::insert_staff(
        &env.pool,
        "Lisa Cuddy",
        "cuddy@clinic.test",
        Role::Admin,
        "!",
    )
    .await
    .expect("admin");
    let desk_id = people::insert_staff(
        &env.pool,
        "Front Desk",
        "desk@clinic.test",
        Role::FrontDesk,
        "!",
    )
    .await
    .expect("desk");
    let patient_id = patients::insert(
        &env.pool,
        &NewPatient {
            full_name: "Rebecca Adler".into(),
            email: "adler@example.com".into(),
            ..NewPatient::default()
        },
        "!",
    )
    .await
    .expect("patient");
    World {
        house: user(Role::Doctor, ids[0], "house@clinic.test"),
        wilson: user(Role::Doctor, ids[1], "wilson@clinic.test"),
        admin: user(Role::Admin, admin_id, "cuddy@clinic.test"),
        desk: user(Role::FrontDesk, desk_id, "desk@clinic.test"),
        patient: user(Role::Patient, patient_id, "adler@example.com"),
        patient_id,
        services,
        env,
    }
}

fn id(a: &Actor) -> i32 {
    a.id().expect("a user")
}

async fn audit_rows(w: &World, action: &str) -> Vec<clinic::domain::audit::AuditEntry> {
    audit::recent(&w.env.pool, Some(action), 100)
        .await
        .expect("audit rows")
}

#[tokio::test]
async fn a_doctor_edits_their_own_windows_and_each_change_is_audited() {
    let w = world().await;
    let s = &w.services;
    let me = id(&w.house);
    let morning = Window::new(Weekday::Mon, t(9, 0), t(12, 0), None);
    let wid = s.add_window(&w.house, me, morning).await.expect("add");
    let afternoon = Window::new(Weekday::Mon, t(13, 0), t(17, 0), None);
    s.add_window(&w.house, me, afternoon)
        .await
        .expect("lunch break");

    let later = Window::new(Weekday::Mon, t(8, 0), t(12, 30), None);
    s.update_window(&w.house, me, wid, later)
        .await
        .expect("update");
    let week = s.doctor_week(&w.house, me, monday()).await.expect("week");
    let windows: Vec<Window> = week.windows.iter().map(|x| x.window).collect();
    assert_eq!(windows, vec![later, afternoon]);
    assert!(week.can_edit);

    s.delete_window(&w.house, me, wid).await.expect("delete");
    let week = s.doctor_week(&w.house, me, monday()).await.expect("week");
    assert_eq!(week.windows.len(), 1);

    let adds = audit_rows(&w, "AVAILABILITY_ADD").await;
    assert_eq!(adds.len(), 2);
    assert!(
        adds.iter().all(|r| r.outcome == Outcome::Ok
            && r.actor_id == Some(me)
            && r.actor_kind == "DOCTOR")
    );
    assert_eq!(adds[1].entity_id.as_deref(), Some(wid.to_string().as_str()));
    assert_eq!(audit_rows(&w, "AVAILABILITY_UPDATE").await.len(), 1);
    assert_eq!(audit_rows(&w, "AVAILABILITY_DELETE").await.len(), 1);
}

#[tokio::test]
async fn a_doctor_cannot_edit_another_doctors_windows_and_the_attempt_is_audited() {
    let w = world().await;
    let s = &w.services;
    let other = id(&w.wilson);
    let window = Window::new(Weekday::Tue, t(9, 0), t(12, 0), None);
    let err = s
        .add_window(&w.house, other, window)
        .await
        .expect_err("refused");
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
    assert!(err.to_string().contains("another doctor"), "{err}");

    let wid = s.add_window(&w.wilson, other, window).await.expect("own");
    for result in [
        s.update_window(&w.house, other, wid, window).await,
        s.delete_window(&w.house, other, wid).await,
        s.delete_time_off(&w.house, other, 1).await,
    ] {
        assert!(matches!(result, Err(ServiceError::Forbidden(_))));
    }
    let err = s
        .doctor_week(&w.house, other, monday())
        .await
        .expect_err("not their calendar");
    assert!(matches!(err, ServiceError::Forbidden(_)));

    // Front desk reads but does not edit; patients do neither.
    let week = s.doctor_week(&w.desk, other, monday()).await.expect("desk");
    assert!(!week.can_edit);
    assert!(matches!(
        s.add_window(&w.desk, other, window).await,
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        s.doctor_week(&w.patient, other, monday()).await,
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        s.list_doctors(&w.patient).await,
        Err(ServiceError::Forbidden(_))
    ));

    let denied: Vec<_> = audit_rows(&w, "AVAILABILITY_ADD")
        .await
        .into_iter()
        .filter(|r| r.outcome == Outcome::Denied)
        .collect();
    assert_eq!(denied.len(), 2, "house and front desk were refused");
    assert!(denied.iter().any(|r| r.actor_id == Some(id(&w.house))));
    let denied_reads = audit_rows(&w, "SCHEDULE_READ")
        .await
        .into_iter()
        .filter(|r| r.outcome == Outcome::Denied)
        .count();
    assert_eq!(denied_reads, 2);
    // Nothing changed for Wilson.
    assert_eq!(
        s.doctor_week(&w.wilson, other, monday())
            .await
            .expect("week")
            .windows
            .len(),
        1
    );
}

#[tokio::test]
async fn an_admin_edits_anyones_availability() {
    let w = world().await;
    let s = &w.services;
    let location = locations::insert(
        &w.env.pool,
        &NewLocation {
            name: "Main building".into(),
            address: "1 Clinic Road".into(),
            ..NewLocation::default()
        },
    )
    .await
    .expect("location");
    for doctor in [id(&w.house), id(&w.wilson)] {
        let window = Window::new(Weekday::Wed, t(10, 0), t(14, 0), Some(location));
        let wid = s.add_window(&w.admin, doctor, window).await.expect("add");
        s.add_time_off(
            &w.admin,
            doctor,
            TimeOffInput {
                from_date: date(2026, 1, 16),
                from_time: None,
                to_date: date(2026, 1, 16),
                to_time: None,
                reason: "Conference".into(),
            },
        )
        .await
        .expect("time off");
        let week = s
            .doctor_week(&w.admin, doctor, monday())
            .await
            .expect("week");
        assert!(week.can_edit);
        assert_eq!(week.windows[0].id, wid);
        assert_eq!(week.windows[0].window.location_id, Some(location));
        assert_eq!(week.time_off.len(), 1);
        assert!(week.locations.iter().any(|l| l.name == "Main building"));
    }
    let err = s
        .add_window(
            &w.admin,
            id(&w.house),
            Window::new(Weekday::Thu, t(10, 0), t(14, 0), Some(location + 100)),
        )
        .await
        .expect_err("unknown location");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn overlapping_windows_are_refused_with_a_sentence() {
    let w = world().await;
    let s = &w.services;
    let me = id(&w.house);
    s.add_window(
        &w.house,
        me,
        Window::new(Weekday::Mon, t(9, 0), t(12, 0), None),
    )
    .await
    .expect("first");
    let err = s
        .add_window(
            &w.house,
            me,
            Window::new(Weekday::Mon, t(11, 0), t(13, 0), None),
        )
        .await
        .expect_err("overlap");
    assert_eq!(
        err,
        ServiceError::Invalid(
            "Monday 11:00–13:00 overlaps the existing window 09:00–12:00.".into()
        )
    );
    // Touching is fine, another weekday is fine.
    let second = s
        .add_window(
            &w.house,
            me,
            Window::new(Weekday::Mon, t(12, 0), t(13, 0), None),
        )
        .await
        .expect("touching");
    s.add_window(
        &w.house,
        me,
        Window::new(Weekday::Tue, t(11, 0), t(13, 0), None),
    )
    .await
    .expect("other day");
    // Moving a window onto another is refused too; moving it within itself is fine.
    let err = s
        .update_window(
            &w.house,
            me,
            second,
            Window::new(Weekday::Mon, t(11, 30), t(13, 0), None),
        )
        .await
        .expect_err("overlap on update");
    assert!(err.to_string().contains("overlaps"), "{err}");
    s.update_window(
        &w.house,
        me,
        second,
        Window::new(Weekday::Mon, t(12, 0), t(13, 30), None),
    )
    .await
    .expect("own range");
    let err = s
        .add_window(
            &w.house,
            me,
            Window::new(Weekday::Fri, t(13, 0), t(9, 0), None),
        )
        .await
        .expect_err("reversed");
    assert!(
        err.to_string().contains("must start before it ends"),
        "{err}"
    );

    let failed = audit_rows(&w, "AVAILABILITY_ADD")
        .await
        .into_iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .count();
    assert_eq!(failed, 2);
}

#[tokio::test]
async fn concurrent_overlapping_adds_leave_one_window() {
    let w = world().await;
    let me = id(&w.house);
    let mut tasks = Vec::new();
    for i in 0..4u32 {
        let s = w.services.clone();
        let actor = w.house.clone();
        tasks.push(tokio::spawn(async move {
            s.add_window(
                &actor,
                me,
                Window::new(Weekday::Thu, t(9, i * 5), t(12, 0), None),
            )
            .await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.expect("task").is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
    let week = w
        .services
        .doctor_week(&w.house, me, monday())
        .await
        .expect("week");
    assert_eq!(week.windows.len(), 1);
}

#[tokio::test]
async fn time_off_hides_slots_and_can_be_removed() {
    let w = world().await;
    let s = &w.services;
    let me = id(&w.house);
    for day in [Weekday::Mon, Weekday::Tue] {
        s.add_window(&w.house, me, Window::new(day, t(9, 0), t(12, 0), None))
            .await
            .expect("window");
    }
    let week = s.doctor_week(&w.house, me, monday()).await.expect("week");
    // 09:00..11:00 every 15 minutes = 9 one-hour slots per day.
    assert_eq!(week.free_slots.len(), 18);

    let off = s
        .add_time_off(
            &w.house,
            me,
            TimeOffInput {
                from_date: date(2026, 1, 13),
                from_time: None,
                to_date: date(2026, 1, 13),
                to_time: None,
                reason: "Dentist".into(),
            },
        )
        .await
        .expect("whole day off");
    let partial = s
        .add_time_off(
            &w.house,
            me,
            TimeOffInput {
                from_date: date(2026, 1, 12),
                from_time: Some(t(11, 0)),
                to_date: date(2026, 1, 12),
                to_time: Some(t(12, 0)),
                reason: String::new(),
            },
        )
        .await
        .expect("an hour off");
    let week = s
        .doctor_week(&w.house, me, date(2026, 1, 14))
        .await
        .expect("week");
    assert_eq!(week.week_monday, monday());
    assert_eq!(week.time_off.len(), 2);
    assert_eq!(week.time_off[1].time_off.reason, "Dentist");
    // Monday 09:00..10:00 only: 5 slots; Tuesday none.
    assert_eq!(week.free_slots.len(), 5);
    assert!(
        week.free_slots
            .iter()
            .all(|slot| slot.start_utc.date() == monday())
    );

    let err = s
        .add_time_off(
            &w.house,
            me,
            TimeOffInput {
                from_date: date(2026, 1, 14),
                from_time: None,
                to_date: date(2026, 1, 13),
                to_time: None,
                reason: String::new(),
            },
        )
        .await
        .expect_err("reversed");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");

    s.delete_time_off(&w.house, me, off).await.expect("delete");
    s.delete_time_off(&w.house, me, partial)
        .await
        .expect("delete");
    let err = s
        .delete_time_off(&w.house, me, partial)
        .await
        .expect_err("gone");
    assert!(matches!(err, ServiceError::NotFound(_)));
    let week = s.doctor_week(&w.house, me, monday()).await.expect("week");
    assert_eq!(week.free_slots.len(), 18);
    assert_eq!(audit_rows(&w, "TIME_OFF_ADD").await.len(), 3);
    let deletes = audit_rows(&w, "TIME_OFF_DELETE").await;
    assert_eq!(
        deletes.iter().filter(|r| r.outcome == Outcome::Ok).count(),
        2
    );
}

#[tokio::test]
async fn the_week_view_shows_booked_appointments_and_audits_the_read() {
    let w = world().await;
    let s = &w.services;
    let me = id(&w.house);
    s.add_window(
        &w.house,
        me,
        Window::new(Weekday::Wed, t(9, 0), t(12, 0), None),
    )
    .await
    .expect("window");
    let at = |h| date(2026, 1, 14).and_time(t(h, 0));
    let booked = appointments::insert(
        &w.env.pool,
        &NewAppointment {
            patient_id: w.patient_id,
            doctor_id: me,
            location_id: None,
            start_utc: at(10),
            duration_minutes: 60,
        },
        AppointmentStatus::Booked,
        "SYSTEM",
        None,
    )
    .await
    .expect("appointment");
    let cancelled = appointments::insert(
        &w.env.pool,
        &NewAppointment {
            patient_id: w.patient_id,
            doctor_id: me,
            location_id: None,
            start_utc: at(9),
            duration_minutes: 60,
        },
        AppointmentStatus::Booked,
        "SYSTEM",
        None,
    )
    .await
    .expect("appointment");
    appointments::set_status(
        &w.env.pool,
        cancelled,
        AppointmentStatus::Cancelled,
        Some(("ill", "SYSTEM", None, at(8))),
    )
    .await
    .expect("cancel");
    // Next week's appointment is not in this week.
    appointments::insert(
        &w.env.pool,
        &NewAppointment {
            patient_id: w.patient_id,
            doctor_id: me,
            location_id: None,
            start_utc: date(2026, 1, 21).and_time(t(10, 0)),
            duration_minutes: 60,
        },
        AppointmentStatus::Booked,
        "SYSTEM",
        None,
    )
    .await
    .expect("appointment");

    let week = s.doctor_week(&w.desk, me, monday()).await.expect("week");
    assert_eq!(week.doctor.full_name, "Gregory House");
    assert_eq!(week.appointments.len(), 1);
    let a = &week.appointments[0];
    assert_eq!(a.id, booked);
    assert_eq!(a.patient_name, "Rebecca Adler");
    assert_eq!(a.start_utc, at(10));
    assert_eq!(a.end_utc, at(11));
    // 09:00 is free again (that booking was cancelled); 09:15..10:45 overlap 10:00-11:00.
    let starts: Vec<_> = week.free_slots.iter().map(|x| x.start_utc).collect();
    assert_eq!(starts, vec![at(9), at(11)]);

    let reads = audit_rows(&w, "SCHEDULE_READ").await;
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].patient_id, Some(w.patient_id));
    assert_eq!(reads[0].actor_id, Some(id(&w.desk)));
    assert_eq!(reads[0].outcome, Outcome::Ok);

    let doctors = s.list_doctors(&w.desk).await.expect("list");
    let names: Vec<_> = doctors.iter().map(|d| d.full_name.as_str()).collect();
    assert_eq!(names, vec!["Gregory House", "James Wilson"]);
    assert!(s.list_doctors(&w.house).await.is_ok());
}

/// Issue 13: time off over a booked appointment is refused with the list, unless the
/// caller cancels them (with a reason, notice queued) or keeps them, said explicitly.
#[tokio::test]
async fn time_off_over_booked_appointments_is_refused_cancelled_or_kept_never_silent() {
    use clinic::service::time_off::{OnConflict, TimeOffOutcome};
    let w = world().await;
    let s = &w.services;
    let me = id(&w.house);
    s.add_window(
        &w.house,
        me,
        Window::new(Weekday::Wed, t(9, 0), t(12, 0), None),
    )
    .await
    .expect("window");
    let booked = appointments::insert(
        &w.env.pool,
        &NewAppointment {
            patient_id: w.patient_id,
            doctor_id: me,
            location_id: None,
            start_utc: date(2026, 1, 14).and_time(t(10, 0)),
            duration_minutes: 60,
        },
        AppointmentStatus::Booked,
        "SYSTEM",
        None,
    )
    .await
    .expect("appointment");
    let wednesday = || TimeOffInput {
        from_date: date(2026, 1, 14),
        from_time: None,
        to_date: date(2026, 1, 14),
        to_time: None,
        reason: "Conference".into(),
    };
    let time_off_rows = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM doctor_time_off")
            .fetch_one(&w.env.pool)
            .await
            .expect("count")
    };
    let status = || async {
        appointments::get(&w.env.pool, booked)
            .await
            .expect("read")
            .expect("row")
            .status
    };

    // Refused, with the list: time, patient, status; nothing added.
    let err = s
        .add_time_off(&w.house, me, wednesday())
        .await
        .expect_err("refused");
    assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("Wed 14 Jan 10:00–11:00") && text.contains("Rebecca Adler"),
        "{text}"
    );
    assert!(text.contains("Booked"), "{text}");
    let asked = s
        .add_time_off_with(&w.house, me, wednesday(), OnConflict::Ask, None)
        .await
        .expect("asked");
    let TimeOffOutcome::Conflicts(list) = asked else {
        panic!("not refused: {asked:?}")
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].appointment_id, booked);
    assert_eq!(time_off_rows().await, 0);
    assert_eq!(status().await, AppointmentStatus::Booked);

    // Kept: the time off is added, the appointment stays booked, and that is said.
    let kept = s
        .add_time_off_with(&w.house, me, wednesday(), OnConflict::Keep, Some(&[booked]))
        .await
        .expect("kept");
    let TimeOffOutcome::Added {
        id: off,
        kept: k,
        cancelled,
    } = &kept
    else {
        panic!("not added: {kept:?}")
    };
    assert_eq!((k.len(), cancelled.len()), (1, 0));
    assert!(
        kept.sentence(chrono_tz::Europe::London)
            .contains("1 booked appointment kept")
    );
    assert_eq!(time_off_rows().await, 1);
    assert_eq!(status().await, AppointmentStatus::Booked);
    s.delete_time_off(&w.house, me, *off).await.expect("delete");

    // A reason is required to cancel.
    let err = s
        .add_time_off_with(
            &w.house,
            me,
            wednesday(),
            OnConflict::Cancel { reason: " ".into() },
            None,
        )
        .await
        .expect_err("no reason");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");

    // Cancelled in the same transaction: status, history, audit row, notice queued.
    let done = s
        .add_time_off_with(
            &w.house,
            me,
            wednesday(),
            OnConflict::Cancel {
                reason: "Doctor at a conference".into(),
            },
            None,
        )
        .await
        .expect("cancelled");
    let TimeOffOutcome::Added { cancelled, .. } = &done else {
        panic!("not added: {done:?}")
    };
    assert_eq!(cancelled.len(), 1);
    assert_eq!(status().await, AppointmentStatus::Cancelled);
    assert_eq!(time_off_rows().await, 1);
    let notices: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE appointment_id = ? AND kind = 'CANCELLED'",
    )
    .bind(booked)
    .fetch_one(&w.env.pool)
    .await
    .expect("notices");
    assert_eq!(notices, 1);
    let history: Option<String> = sqlx::query_scalar(
        "SELECT reason FROM appointment_status_history WHERE appointment_id = ? AND to_status = 'CANCELLED'",
    )
    .bind(booked)
    .fetch_optional(&w.env.pool)
    .await
    .expect("history");
    assert_eq!(history.as_deref(), Some("Doctor at a conference"));
    let cancels = audit_rows(&w, "APPOINTMENT_CANCEL").await;
    assert!(
        cancels
            .iter()
            .any(|r| r.patient_id == Some(w.patient_id) && r.outcome == Outcome::Ok),
        "{cancels:?}"
    );
}

#[tokio::test]
async fn a_window_splits_for_a_break_in_one_validated_step() {
    let w = world().await;
    let s = &w.services;
    let me = id(&w.house);
    let wid = s
        .add_window(
            &w.house,
            me,
            Window::new(Weekday::Mon, t(9, 0), t(17, 0), None),
        )
        .await
        .expect("window");
    let err = s
        .split_window(&w.house, me, wid, t(8, 0), t(10, 0))
        .await
        .expect_err("outside");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    s.split_window(&w.house, me, wid, t(12, 0), t(13, 0))
        .await
        .expect("split");
    let week = s.doctor_week(&w.house, me, monday()).await.expect("week");
    let mut got: Vec<_> = week
        .windows
        .iter()
        .map(|w| (w.window.start, w.window.end))
        .collect();
    got.sort();
    assert_eq!(got, vec![(t(9, 0), t(12, 0)), (t(13, 0), t(17, 0))]);
    assert!(
        s.split_window(&w.wilson, me, wid, t(10, 0), t(11, 0))
            .await
            .is_err()
    );
}
