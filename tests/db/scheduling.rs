//! Scheduling depth against MariaDB (issue 15): recurring series (all or nothing, skipping
//! conflicts, cancel or move this and later, racing series), the waitlist (offers on
//! freed time, oldest first, booking an offer, expiry), extra hours on a date, and the
//! iCalendar export read back by an independent parser across daylight-saving changes.

use crate::common;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use clinic::domain::appointment::AppointmentStatus;
use clinic::domain::availability::{TimeOff, Window};
use clinic::domain::extra_hours::ExtraHours;
use clinic::domain::person::{NewDoctor, NewLocation};
use clinic::domain::series::SeriesScope;
use clinic::domain::waitlist::{NewWaitlistEntry, PartOfDay, WaitFor, WaitlistStatus};
use clinic::domain::{Actor, Role};
use clinic::service::booking::BookingRequest;
use clinic::service::calendar_export::CalendarOwner;
use clinic::service::series::SeriesRequest;
use clinic::service::waitlist::WaitlistCounts;
use clinic::service::{Clock, ServiceError, Services};
use clinic::store::mysql::{availability, locations, people};
use common::TestEnv;

/// Monday 23 November 2026, 08:00 UTC (08:00 in London).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
        .single()
        .expect("time")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// A UTC instant (London is on UTC from November to March).
fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    day(y, m, d).and_hms_opt(h, min, 0).expect("time")
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

fn desk() -> Actor {
    Actor::User {
        role: Role::FrontDesk,
        id: 1,
        name: "Desk".into(),
        email: "desk@x.org".into(),
    }
}

fn doctor_actor(id: i32) -> Actor {
    Actor::User {
        role: Role::Doctor,
        id,
        name: "Doc".into(),
        email: "doc@x.org".into(),
    }
}

fn patient_actor(id: i32) -> Actor {
    Actor::User {
        role: Role::Patient,
        id,
        name: "Pat".into(),
        email: "pat@x.org".into(),
    }
}

async fn windows(env: &TestEnv, doctor: i32, days: &[Weekday], hours: &[(NaiveTime, NaiveTime)]) {
    for d in days {
        for (s, e) in hours {
            availability::insert_window(
                &env.pool,
                doctor,
                &Window {
                    weekday: *d,
                    start: *s,
                    end: *e,
                    location_id: None,
                },
            )
            .await
            .expect("window");
        }
    }
}

/// A clinic with a doctor working weekdays 09:00–12:00 and 13:00–17:00, at a fixed "now".
struct Clinic {
    env: TestEnv,
    services: Services,
    doctor: i32,
    other_doctor: i32,
}

async fn clinic() -> Clinic {
    let env = TestEnv::new().await;
    let doctor = env.insert_doctor("doc@x.org", "Dr. Ada Wells").await;
    let other_doctor = env.insert_doctor("doc2@x.org", "Dr. Bo Lind").await;
    for d in [doctor, other_doctor] {
        windows(
            &env,
            d,
            &WEEKDAYS,
            &[(t(9, 0), t(12, 0)), (t(13, 0), t(17, 0))],
        )
        .await;
    }
    let services = env.services.clone().with_clock(Clock::Fixed(now()));
    Clinic {
        env,
        services,
        doctor,
        other_doctor,
    }
}

fn req(doctor: i32, patient: i32, start: NaiveDateTime) -> BookingRequest {
    BookingRequest {
        patient_id: patient,
        doctor_id: doctor,
        start_utc: start,
        duration_minutes: None,
    }
}

fn series(first: BookingRequest, every_weeks: u32, count: u32, skip: bool) -> SeriesRequest {
    SeriesRequest {
        first,
        every_weeks,
        count,
        skip_conflicts: skip,
    }
}

async fn scalar(env: &TestEnv, sql: &'static str, id: i32) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&env.pool)
        .await
        .expect("count")
}

async fn audit_count(env: &TestEnv, action: &str, outcome: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = ? AND outcome = ?")
        .bind(action)
        .bind(outcome)
        .fetch_one(&env.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_series_is_all_or_nothing_and_names_every_conflicting_date() {
    let c = clinic().await;
    let p = c.env.insert_patient("p@x.org", "Pia Patient").await;
    let other = c.env.insert_patient("o@x.org", "Oli Other").await;
    // Tue 8 Dec: the doctor is booked; Tue 15 Dec: time off; Tue 22 Dec: the patient is
    // with another doctor.
    c.services
        .book(&desk(), req(c.doctor, other, utc(2026, 12, 8, 10, 0)))
        .await
        .expect("blocker");
    availability::insert_time_off(
        &c.env.pool,
        c.doctor,
        &TimeOff {
            start_utc: utc(2026, 12, 15, 0, 0),
            end_utc: utc(2026, 12, 16, 0, 0),
            reason: "Training".into(),
        },
    )
    .await
    .expect("time off");
    c.services
        .book(&desk(), req(c.other_doctor, p, utc(2026, 12, 22, 10, 30)))
        .await
        .expect("patient elsewhere");

    let ask = series(req(c.doctor, p, utc(2026, 12, 1, 10, 0)), 1, 6, false);
    let plan = c.services.plan_series(&desk(), &ask).await.expect("plan");
    let problems: Vec<_> = plan.iter().filter(|o| o.problem.is_some()).collect();
    assert_eq!(plan.len(), 6);
    assert_eq!(problems.len(), 3, "{plan:?}");

    let err = c
        .services
        .book_series(&desk(), &ask)
        .await
        .expect_err("conflicts");
    let ServiceError::Conflict(text) = &err else {
        panic!("a conflict, not {err:?}");
    };
    assert!(
        text.starts_with("3 of the 6 dates cannot be booked, so none was: "),
        "{text}"
    );
    for part in [
        "Tue 8 Dec 10:00 (the doctor is already booked 10:00–11:00)",
        "Tue 15 Dec 10:00 (that time falls in time off: Training)",
        "Tue 22 Dec 10:00 (the patient already has an appointment at 10:30)",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text}");
    }
    let booked = "SELECT COUNT(*) FROM appointments WHERE doctor_id = ? AND status = 'BOOKED'";
    assert_eq!(
        scalar(&c.env, booked, c.doctor).await,
        1,
        "nothing of the series was booked"
    );
    assert_eq!(audit_count(&c.env, "SERIES_BOOK", "FAILED").await, 1);

    // Skipping the conflicts books the other three, one series.
    let done = c
        .services
        .book_series(
            &desk(),
            &SeriesRequest {
                skip_conflicts: true,
                ..ask.clone()
            },
        )
        .await
        .expect("the free dates");
    let starts: Vec<_> = done.booked.iter().map(|a| a.start_utc).collect();
    assert_eq!(
        starts,
        vec![
            utc(2026, 12, 1, 10, 0),
            utc(2026, 12, 29, 10, 0),
            utc(2027, 1, 5, 10, 0)
        ]
    );
    assert_eq!(done.skipped.len(), 3);
    assert!(done.skipped.iter().all(|o| o.problem.is_some()));
    let in_series = "SELECT COUNT(*) FROM appointments WHERE series_id = ?";
    assert_eq!(scalar(&c.env, in_series, done.series_id).await, 3);
    let history = "SELECT COUNT(*) FROM appointment_status_history h JOIN appointments a \
                   ON a.id = h.appointment_id WHERE a.series_id = ?";
    assert_eq!(scalar(&c.env, history, done.series_id).await, 3);
    assert_eq!(audit_count(&c.env, "SERIES_BOOK", "OK").await, 1);
    // Three more APPOINTMENT_BOOK rows besides the two single bookings.
    assert_eq!(audit_count(&c.env, "APPOINTMENT_BOOK", "OK").await, 5);
    // The series as the agenda reads it.
    let view = c
        .services
        .series_of_appointment(&desk(), done.booked[1].id)
        .await
        .expect("series")
        .expect("in a series");
    assert_eq!(
        (view.series_id, view.every_weeks, view.asked),
        (done.series_id, 1, 6)
    );
    assert_eq!(view.appointments.len(), 3);
    // A patient may not book a series for someone else.
    let err = c
        .services
        .book_series(&patient_actor(other), &ask)
        .await
        .expect_err("not theirs");
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
}

#[tokio::test]
async fn a_series_keeps_its_local_time_across_the_clock_change() {
    let c = clinic().await;
    let p = c.env.insert_patient("p@x.org", "Pia Patient").await;
    // Tuesdays at 10:00 London from 19 October 2027; the clocks go back on 31 October.
    let done = c
        .services
        .book_series(
            &desk(),
            &series(req(c.doctor, p, utc(2027, 10, 19, 9, 0)), 1, 3, false),
        )
        .await
        .expect("series");
    let starts: Vec<_> = done.booked.iter().map(|a| a.start_utc).collect();
    assert_eq!(
        starts,
        vec![
            utc(2027, 10, 19, 9, 0),
            utc(2027, 10, 26, 9, 0),
            utc(2027, 11, 2, 10, 0)
        ],
        "10:00 BST twice, then 10:00 GMT"
    );
    // Every 4 weeks, 12 times: a monthly check-up for a year.
    let monthly = c
        .services
        .book_series(
            &desk(),
            &series(req(c.doctor, p, utc(2026, 12, 3, 14, 0)), 4, 12, false),
        )
        .await
        .expect("monthly");
    assert_eq!(monthly.booked.len(), 12);
    assert_eq!(
        monthly.booked[11].start_utc,
        utc(2027, 10, 7, 13, 0),
        "14:00 BST"
    );
    let err = c
        .services
        .book_series(
            &desk(),
            &series(req(c.doctor, p, utc(2026, 12, 4, 9, 0)), 1, 60, false),
        )
        .await
        .expect_err("too many");
    assert!(err.to_string().contains("from 1 to 52"), "{err}");
}

#[tokio::test]
async fn cancel_one_or_this_and_all_later() {
    let c = clinic().await;
    let p = c.env.insert_patient("p@x.org", "Pia Patient").await;
    let done = c
        .services
        .book_series(
            &desk(),
            &series(req(c.doctor, p, utc(2026, 12, 1, 10, 0)), 1, 5, false),
        )
        .await
        .expect("series");
    let ids: Vec<i32> = done.booked.iter().map(|a| a.id).collect();
    let one = c
        .services
        .cancel_in_series(&desk(), ids[2], "Away that week", SeriesScope::This)
        .await
        .expect("one");
    assert_eq!(one.iter().map(|a| a.id).collect::<Vec<_>>(), vec![ids[2]]);
    let err = c
        .services
        .cancel_in_series(&desk(), ids[1], "  ", SeriesScope::ThisAndLater)
        .await
        .expect_err("a reason");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err}");
    let later = c
        .services
        .cancel_in_series(
            &desk(),
            ids[1],
            "Course ended early",
            SeriesScope::ThisAndLater,
        )
        .await
        .expect("this and later");
    assert_eq!(
        later.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![ids[1], ids[3], ids[4]],
        "the one already cancelled is left as it was"
    );
    assert!(
        later
            .iter()
            .all(|a| a.status == AppointmentStatus::Cancelled)
    );
    let statuses: Vec<(i32, String, Option<String>)> = sqlx::query_as(
        "SELECT id, status, cancel_reason FROM appointments WHERE series_id = ? ORDER BY appointment_time",
    )
    .bind(done.series_id)
    .fetch_all(&c.env.pool)
    .await
    .expect("rows");
    let expect = [
        (ids[0], "BOOKED", None),
        (ids[1], "CANCELLED", Some("Course ended early")),
        (ids[2], "CANCELLED", Some("Away that week")),
        (ids[3], "CANCELLED", Some("Course ended early")),
        (ids[4], "CANCELLED", Some("Course ended early")),
    ];
    for ((id, status, reason), (eid, estatus, ereason)) in statuses.iter().zip(expect) {
        assert_eq!(
            (id, status.as_str(), reason.as_deref()),
            (&eid, estatus, ereason)
        );
    }
    assert_eq!(audit_count(&c.env, "SERIES_CANCEL", "OK").await, 1);
    assert_eq!(audit_count(&c.env, "APPOINTMENT_CANCEL", "OK").await, 4);
    let err = c
        .services
        .cancel_in_series(&desk(), ids[3], "Again", SeriesScope::ThisAndLater)
        .await
        .expect_err("nothing left");
    assert!(err.to_string().contains("No booked appointment"), "{err}");
    // A doctor may not cancel another doctor's series.
    let err = c
        .services
        .cancel_in_series(
            &doctor_actor(c.other_doctor),
            ids[0],
            "x",
            SeriesScope::ThisAndLater,
        )
        .await
        .expect_err("not theirs");
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
}

#[tokio::test]
async fn moving_this_and_later_shifts_each_by_the_same_local_time() {
    let c = clinic().await;
    let p = c.env.insert_patient("p@x.org", "Pia Patient").await;
    let other = c.env.insert_patient("o@x.org", "Oli Other").await;
    let done = c
        .services
        .book_series(
            &desk(),
            &series(req(c.doctor, p, utc(2026, 12, 1, 10, 0)), 1, 4, false),
        )
        .await
        .expect("series");
    let ids: Vec<i32> = done.booked.iter().map(|a| a.id).collect();
    // Wed 23 Dec 14:00 is taken: moving the 2nd and later to Wednesdays 14:00 fails whole.
    c.services
        .book(&desk(), req(c.doctor, other, utc(2026, 12, 23, 14, 0)))
        .await
        .expect("blocker");
    let err = c
        .services
        .reschedule_in_series(
            &desk(),
            ids[1],
            utc(2026, 12, 9, 14, 0),
            SeriesScope::ThisAndLater,
        )
        .await
        .expect_err("one date is taken");
    assert!(
        err.to_string()
            .contains("1 of the 3 dates cannot be moved, so none was: Wed 23 Dec 14:00 (the doctor is already booked 14:00–15:00)"),
        "{err}"
    );
    let unmoved: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM appointments WHERE series_id = ? AND TIME(appointment_time) = '10:00:00'",
    )
    .bind(done.series_id)
    .fetch_one(&c.env.pool)
    .await
    .expect("count");
    assert_eq!(unmoved, 4);
    // Thursdays 15:00 are free.
    let moved = c
        .services
        .reschedule_in_series(
            &desk(),
            ids[1],
            utc(2026, 12, 10, 15, 0),
            SeriesScope::ThisAndLater,
        )
        .await
        .expect("moved");
    assert_eq!(
        moved
            .iter()
            .map(|a| (a.id, a.start_utc))
            .collect::<Vec<_>>(),
        vec![
            (ids[1], utc(2026, 12, 10, 15, 0)),
            (ids[2], utc(2026, 12, 17, 15, 0)),
            (ids[3], utc(2026, 12, 24, 15, 0))
        ]
    );
    // A week later each: every one moves onto the slot the next one leaves.
    let moved = c
        .services
        .reschedule_in_series(
            &desk(),
            ids[1],
            utc(2026, 12, 17, 15, 0),
            SeriesScope::ThisAndLater,
        )
        .await
        .expect("a week on");
    assert_eq!(
        moved.last().map(|a| a.start_utc),
        Some(utc(2026, 12, 31, 15, 0))
    );
    let first: NaiveDateTime =
        sqlx::query_scalar("SELECT appointment_time FROM appointments WHERE id = ?")
            .bind(ids[0])
            .fetch_one(&c.env.pool)
            .await
            .expect("first");
    assert_eq!(first, utc(2026, 12, 1, 10, 0), "the earlier one stays");
    let history = "SELECT COUNT(*) FROM appointment_status_history WHERE appointment_id = ? \
                   AND old_time IS NOT NULL";
    assert_eq!(scalar(&c.env, history, ids[3]).await, 2);
    assert_eq!(audit_count(&c.env, "SERIES_RESCHEDULE", "OK").await, 2);
    assert_eq!(audit_count(&c.env, "SERIES_RESCHEDULE", "FAILED").await, 1);
}

/// Every pair of the doctor's non-cancelled appointments that overlap.
async fn overlapping_pairs(env: &TestEnv, doctor: i32) -> i64 {
    scalar(
        env,
        "SELECT COUNT(*) FROM appointments a JOIN appointments b ON a.doctor_id = b.doctor_id \
         AND a.id < b.id WHERE a.doctor_id = ? AND a.status <> 'CANCELLED' AND b.status <> 'CANCELLED' \
         AND a.appointment_time < b.appointment_time + INTERVAL b.duration_minutes MINUTE \
         AND b.appointment_time < a.appointment_time + INTERVAL a.duration_minutes MINUTE",
        doctor,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_series_never_overlap_and_one_wins_each_contested_date() {
    let c = clinic().await;
    let pool = clinic::store::mysql::connect(&common::mysql_url_for(&c.env.db_name), 16)
        .await
        .expect("pool");
    let services = Services::new(pool, c.env.mongo.clone(), c.env.config.clone())
        .with_clock(Clock::Fixed(now()));
    // Eight weekly series of 8 on Tuesdays, starting 0, 1 or 2 weeks apart, at 10:00 or
    // 10:30 (every one overlaps every other on each shared date), skipping conflicts.
    let mut asks = Vec::new();
    for i in 0..8u32 {
        let p = c
            .env
            .insert_patient(&format!("race{i}@x.org"), &format!("Racer {i}"))
            .await;
        let start = utc(2026, 12, 1, 10, 0)
            + Duration::weeks(i64::from(i % 3))
            + Duration::minutes(30 * i64::from(i % 2));
        asks.push(series(req(c.doctor, p, start), 1, 8, true));
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(asks.len()));
    let mut tasks = Vec::new();
    for ask in asks.clone() {
        let services = services.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            services.book_series(&desk(), &ask).await
        }));
    }
    let mut won: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for task in tasks {
        // A series all of whose dates are taken is refused; the others book what is free.
        if let Ok(done) = task.await.expect("task") {
            for a in done.booked {
                *won.entry(a.start_utc.date()).or_default() += 1;
            }
        }
    }
    assert_eq!(overlapping_pairs(&c.env, c.doctor).await, 0, "no overlap");
    // The 10 Tuesdays asked for (1 Dec to 2 Feb): each won by exactly one series.
    let asked: Vec<NaiveDate> = (0..10)
        .map(|w| day(2026, 12, 1) + Duration::weeks(w))
        .collect();
    assert_eq!(won.keys().copied().collect::<Vec<_>>(), asked);
    assert!(won.values().all(|n| *n == 1), "{won:?}");

    // All or nothing under contention: two series for the same six dates, one wins whole.
    let a = c.env.insert_patient("a@x.org", "A").await;
    let b = c.env.insert_patient("b@x.org", "B").await;
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let mut tasks = Vec::new();
    for (p, minute) in [(a, 0), (b, 30)] {
        let services = services.clone();
        let barrier = barrier.clone();
        let ask = series(req(c.doctor, p, utc(2026, 12, 3, 14, minute)), 1, 6, false);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            services.book_series(&desk(), &ask).await
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    let winners: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert_eq!(winners[0].booked.len(), 6);
    let loser = results
        .iter()
        .find_map(|r| r.as_ref().err())
        .expect("a loser");
    assert!(
        loser
            .to_string()
            .starts_with("None of the 6 dates can be booked"),
        "{loser}"
    );
    assert_eq!(overlapping_pairs(&c.env, c.doctor).await, 0);
}

fn entry(patient: i32, wait_for: WaitFor, from: NaiveDate, to: NaiveDate) -> NewWaitlistEntry {
    NewWaitlistEntry {
        patient_id: patient,
        wait_for,
        from_date: from,
        to_date: to,
        part_of_day: None,
        duration_minutes: None,
    }
}

/// A podiatrist (the clinic's only one) with one morning hour and one afternoon hour on
/// Tuesdays, both booked on Tuesday 1 December.
async fn full_tuesday(env: &TestEnv, services: &Services) -> (i32, i32, i32) {
    let doctor = people::insert_doctor(
        &env.pool,
        &NewDoctor {
            full_name: "Dr. Wait".into(),
            email: "wait@x.org".into(),
            specialization: "Podiatry".into(),
            ..NewDoctor::default()
        },
        "!",
    )
    .await
    .expect("doctor");
    windows(
        env,
        doctor,
        &[Weekday::Tue],
        &[(t(9, 0), t(10, 0)), (t(14, 0), t(15, 0))],
    )
    .await;
    let x = env.insert_patient("x@x.org", "Xena").await;
    let y = env.insert_patient("y@x.org", "Yuri").await;
    let morning = services
        .book(&desk(), req(doctor, x, utc(2026, 12, 1, 9, 0)))
        .await
        .expect("morning");
    let afternoon = services
        .book(&desk(), req(doctor, y, utc(2026, 12, 1, 14, 0)))
        .await
        .expect("afternoon");
    (doctor, morning.id, afternoon.id)
}

#[tokio::test]
async fn a_cancellation_offers_the_oldest_matching_entry_and_not_a_non_matching_one() {
    let c = clinic().await;
    let s = &c.services;
    let (doctor, morning, afternoon) = full_tuesday(&c.env, s).await;
    let tue = day(2026, 12, 1);
    let mut ids = Vec::new();
    for (i, (wait_for, from, to, part)) in [
        // Oldest, but for afternoons.
        (
            WaitFor::Doctor(doctor),
            tue,
            tue,
            Some(PartOfDay::Afternoon),
        ),
        // The oldest that wants the freed morning hour.
        (
            WaitFor::Doctor(doctor),
            tue,
            day(2026, 12, 4),
            Some(PartOfDay::Morning),
        ),
        // Also wants it (any podiatrist), but is younger.
        (
            WaitFor::Specialization("Podiatry".into()),
            tue,
            day(2026, 12, 4),
            None,
        ),
        // Another doctor.
        (WaitFor::Doctor(c.doctor), tue, tue, None),
        // Other dates.
        (
            WaitFor::Doctor(doctor),
            day(2026, 12, 2),
            day(2026, 12, 3),
            None,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let p = c
            .env
            .insert_patient(&format!("w{i}@x.org"), &format!("Waiter {i}"))
            .await;
        let mut new = entry(p, wait_for, from, to);
        new.part_of_day = part;
        let added = s.add_to_waitlist(&desk(), new).await.expect("added");
        ids.push(added.id);
    }
    // Dr. Ada (c.doctor) has free time on Tue 1 Dec: that entry is offered at once.
    let list = s.waitlist(&desk(), true).await.expect("list");
    let status = |id: i32| list.iter().find(|e| e.id == id).map(|e| e.status);
    assert_eq!(status(ids[3]), Some(WaitlistStatus::Offered));
    for i in [0, 1, 2, 4] {
        assert_eq!(status(ids[i]), Some(WaitlistStatus::Waiting), "entry {i}");
    }
    assert_eq!(
        s.waitlist_counts(&desk()).await.expect("counts"),
        WaitlistCounts {
            waiting: 4,
            offered: 1
        }
    );

    s.cancel(&desk(), morning, "Patient unwell")
        .await
        .expect("cancel");
    let list = s.waitlist(&desk(), true).await.expect("list");
    let find = |id: i32| list.iter().find(|e| e.id == id).expect("entry").clone();
    let offered = find(ids[1]);
    assert_eq!(offered.status, WaitlistStatus::Offered);
    let offer = offered.offer.clone().expect("an offer");
    assert_eq!(
        (offer.doctor_id, offer.start_utc),
        (doctor, utc(2026, 12, 1, 9, 0))
    );
    for i in [0, 2, 4] {
        assert_eq!(
            find(ids[i]).status,
            WaitlistStatus::Waiting,
            "entry {i} stays waiting"
        );
    }
    assert_eq!(audit_count(&c.env, "WAITLIST_OFFER", "OK").await, 2);

    // One step from the offer to the appointment; the entry is closed.
    let booked = s
        .book_waitlist_offer(&desk(), ids[1])
        .await
        .expect("booked");
    assert_eq!(
        (booked.doctor_id, booked.start_utc),
        (doctor, utc(2026, 12, 1, 9, 0))
    );
    assert_eq!(booked.patient_id, offered.patient_id);
    let all = s.waitlist(&desk(), false).await.expect("all");
    let closed = all.iter().find(|e| e.id == ids[1]).expect("entry");
    assert_eq!(
        (closed.status, closed.appointment_id),
        (WaitlistStatus::Booked, Some(booked.id))
    );
    let err = s
        .book_waitlist_offer(&desk(), ids[1])
        .await
        .expect_err("booked already");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err}");

    // The afternoon hour goes to the oldest entry, which wanted afternoons.
    s.cancel(&desk(), afternoon, "Moved away")
        .await
        .expect("cancel");
    let list = s.waitlist(&desk(), true).await.expect("list");
    let first = list.iter().find(|e| e.id == ids[0]).expect("entry");
    assert_eq!(
        first.offer.as_ref().map(|o| o.start_utc),
        Some(utc(2026, 12, 1, 14, 0))
    );
    assert_eq!(
        list.iter().find(|e| e.id == ids[2]).map(|e| e.status),
        Some(WaitlistStatus::Waiting)
    );
    // Declining hands the slot to the next entry that wants it.
    s.decline_waitlist_offer(&desk(), ids[0])
        .await
        .expect("declined");
    let list = s.waitlist(&desk(), true).await.expect("list");
    let next = list.iter().find(|e| e.id == ids[2]).expect("entry");
    assert_eq!(
        next.offer.as_ref().map(|o| o.start_utc),
        Some(utc(2026, 12, 1, 14, 0))
    );
    assert_eq!(
        list.iter().find(|e| e.id == ids[0]).map(|e| e.status),
        Some(WaitlistStatus::Waiting)
    );
    // Reads are audited per patient; doctors see only theirs and change nothing.
    assert!(audit_count(&c.env, "WAITLIST_READ", "OK").await >= 5);
    let mine = s
        .waitlist(&doctor_actor(c.doctor), true)
        .await
        .expect("doctor");
    assert_eq!(mine.iter().map(|e| e.id).collect::<Vec<_>>(), vec![ids[3]]);
    let err = s
        .add_to_waitlist(
            &doctor_actor(c.doctor),
            entry(offered.patient_id, WaitFor::Doctor(c.doctor), tue, tue),
        )
        .await
        .expect_err("doctors do not add");
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    assert_eq!(audit_count(&c.env, "WAITLIST_ADD", "DENIED").await, 1);
}

#[tokio::test]
async fn freed_time_of_every_kind_is_offered_and_entries_expire() {
    let c = clinic().await;
    let s = &c.services;
    let (doctor, _, _) = full_tuesday(&c.env, s).await;
    // Tue 8 Dec is off; Sat 5 Dec has no hours.
    let off = s
        .add_time_off(
            &Actor::System,
            doctor,
            clinic::service::availability::TimeOffInput {
                from_date: day(2026, 12, 8),
                from_time: None,
                to_date: day(2026, 12, 8),
                to_time: None,
                reason: "Leave".into(),
            },
        )
        .await
        .expect("time off");
    let p1 = c.env.insert_patient("p1@x.org", "P One").await;
    let p2 = c.env.insert_patient("p2@x.org", "P Two").await;
    let p3 = c.env.insert_patient("p3@x.org", "P Three").await;
    let tue8 = s
        .add_to_waitlist(
            &desk(),
            entry(
                p1,
                WaitFor::Doctor(doctor),
                day(2026, 12, 8),
                day(2026, 12, 8),
            ),
        )
        .await
        .expect("tue 8");
    let sat = s
        .add_to_waitlist(
            &desk(),
            entry(
                p2,
                WaitFor::Doctor(doctor),
                day(2026, 12, 5),
                day(2026, 12, 5),
            ),
        )
        .await
        .expect("sat");
    // Wednesday to Monday: no Tuesday, no hours.
    let soon = s
        .add_to_waitlist(
            &desk(),
            entry(
                p3,
                WaitFor::Doctor(doctor),
                day(2026, 11, 25),
                day(2026, 11, 30),
            ),
        )
        .await
        .expect("this week");
    for e in [&tue8, &sat, &soon] {
        assert_eq!(e.status, WaitlistStatus::Waiting);
    }
    // Time off removed: the Tuesday entry is offered 09:00.
    s.delete_time_off(&Actor::System, doctor, off)
        .await
        .expect("removed");
    // Extra hours opened: the Saturday entry is offered 10:00.
    s.add_extra_hours(
        &Actor::System,
        doctor,
        ExtraHours::new(day(2026, 12, 5), t(10, 0), t(12, 0), None),
    )
    .await
    .expect("opened");
    let list = s.waitlist(&desk(), true).await.expect("list");
    let offer = |id: i32| {
        list.iter()
            .find(|e| e.id == id)
            .and_then(|e| e.offer.as_ref())
            .map(|o| o.start_utc)
    };
    assert_eq!(offer(tue8.id), Some(utc(2026, 12, 8, 9, 0)));
    assert_eq!(offer(sat.id), Some(utc(2026, 12, 5, 10, 0)));
    assert_eq!(offer(soon.id), None);

    // A week on: the entry for this week has expired, and the Saturday offer has lapsed
    // (its time began) only once that Saturday has come.
    let later = c
        .env
        .services
        .clone()
        .with_clock(Clock::Fixed(Utc.from_utc_datetime(&utc(2026, 12, 1, 8, 0))));
    let all = later.waitlist(&desk(), false).await.expect("all");
    let status = |id: i32| all.iter().find(|e| e.id == id).map(|e| e.status);
    assert_eq!(status(soon.id), Some(WaitlistStatus::Expired));
    assert_eq!(status(sat.id), Some(WaitlistStatus::Offered));
    assert_eq!(audit_count(&c.env, "WAITLIST_EXPIRE", "OK").await, 1);
    let sunday = later.with_clock(Clock::Fixed(Utc.from_utc_datetime(&utc(2026, 12, 6, 8, 0))));
    let all = sunday.waitlist(&desk(), false).await.expect("all");
    let status = |id: i32| all.iter().find(|e| e.id == id).map(|e| e.status);
    assert_eq!(
        status(sat.id),
        Some(WaitlistStatus::Expired),
        "its only date has passed"
    );
    assert_eq!(status(tue8.id), Some(WaitlistStatus::Offered));
    let err = sunday
        .add_to_waitlist(
            &desk(),
            entry(
                p3,
                WaitFor::Doctor(doctor),
                day(2026, 12, 1),
                day(2026, 12, 5),
            ),
        )
        .await
        .expect_err("past range");
    assert!(err.to_string().contains("has passed"), "{err}");
}

#[tokio::test]
async fn extra_hours_are_bookable_and_leave_the_weekly_windows_alone() {
    let c = clinic().await;
    let s = &c.services;
    let p = c.env.insert_patient("p@x.org", "Pia Patient").await;
    let saturday = day(2026, 12, 5);
    let before = availability::windows(&c.env.pool, c.doctor)
        .await
        .expect("windows");
    let err = s
        .book(&desk(), req(c.doctor, p, utc(2026, 12, 5, 10, 0)))
        .await
        .expect_err("no Saturday hours");
    assert!(err.to_string().contains("does not cover"), "{err}");
    assert!(
        s.free_slots(c.doctor, saturday, 1, None)
            .await
            .expect("slots")
            .is_empty()
    );

    // The front desk may not open hours; the doctor may, for themselves.
    let hours = ExtraHours::new(saturday, t(10, 0), t(13, 0), None);
    let err = s
        .add_extra_hours(&desk(), c.doctor, hours)
        .await
        .expect_err("desk");
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    let id = s
        .add_extra_hours(&doctor_actor(c.doctor), c.doctor, hours)
        .await
        .expect("opened");
    let slots = s
        .free_slots(c.doctor, saturday, 1, None)
        .await
        .expect("slots");
    assert_eq!(
        slots.first().map(|x| x.start_utc),
        Some(utc(2026, 12, 5, 10, 0))
    );
    assert_eq!(
        slots.last().map(|x| x.start_utc),
        Some(utc(2026, 12, 5, 12, 0))
    );
    let booked = s
        .book(&desk(), req(c.doctor, p, utc(2026, 12, 5, 11, 0)))
        .await
        .expect("bookable");
    assert_eq!(booked.start_utc, utc(2026, 12, 5, 11, 0));
    let week = s
        .doctor_week(&desk(), c.doctor, day(2026, 11, 30))
        .await
        .expect("week");
    assert!(
        week.free_slots
            .iter()
            .any(|x| x.start_utc == utc(2026, 12, 5, 10, 0))
    );
    assert!(
        !week
            .free_slots
            .iter()
            .any(|x| x.start_utc == utc(2026, 12, 5, 11, 0))
    );
    // Evening hours after a weekday's windows: fine; over them: refused with a sentence.
    s.add_extra_hours(
        &Actor::System,
        c.doctor,
        ExtraHours::new(day(2026, 12, 2), t(17, 0), t(19, 0), None),
    )
    .await
    .expect("evening");
    let err = s
        .add_extra_hours(
            &Actor::System,
            c.doctor,
            ExtraHours::new(day(2026, 12, 2), t(16, 0), t(18, 0), None),
        )
        .await
        .expect_err("overlaps");
    assert!(
        err.to_string()
            .contains("overlaps the weekly hours 13:00–17:00"),
        "{err}"
    );
    s.book(&desk(), req(c.doctor, p, utc(2026, 12, 2, 18, 0)))
        .await
        .expect("evening slot");
    let listed = s
        .extra_hours(&desk(), c.doctor, day(2026, 11, 30), 7)
        .await
        .expect("listed");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].id, id);
    assert_eq!(
        availability::windows(&c.env.pool, c.doctor)
            .await
            .expect("windows"),
        before,
        "the weekly windows are unchanged"
    );
    // Closing the hours: the slots go, the booking stays.
    s.delete_extra_hours(&doctor_actor(c.doctor), c.doctor, id)
        .await
        .expect("closed");
    assert!(
        s.free_slots(c.doctor, saturday, 1, None)
            .await
            .expect("slots")
            .is_empty()
    );
    let status: String = sqlx::query_scalar("SELECT status FROM appointments WHERE id = ?")
        .bind(booked.id)
        .fetch_one(&c.env.pool)
        .await
        .expect("status");
    assert_eq!(status, "BOOKED");
    assert_eq!(audit_count(&c.env, "EXTRA_HOURS_ADD", "OK").await, 2);
    assert_eq!(audit_count(&c.env, "EXTRA_HOURS_ADD", "DENIED").await, 1);
    assert_eq!(audit_count(&c.env, "EXTRA_HOURS_DELETE", "OK").await, 1);
}

/// RFC 5545 TEXT unescaping, written here independently of the exporter.
fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn prop<'a>(e: &'a ical::parser::ical::component::IcalEvent, name: &str) -> Option<&'a str> {
    e.properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

#[tokio::test]
async fn the_ics_export_parses_and_round_trips_times_across_daylight_saving() {
    let c = clinic().await;
    let s = &c.services;
    let location = locations::insert(
        &c.env.pool,
        &NewLocation {
            name: "Riverside".into(),
            address: "12 Mill Lane; Floor 2, Oxford\\Cowley".into(),
            ..NewLocation::default()
        },
    )
    .await
    .expect("location");
    sqlx::query("UPDATE doctor_availability SET location_id = ? WHERE doctor_id = ?")
        .bind(location)
        .bind(c.doctor)
        .execute(&c.env.pool)
        .await
        .expect("located windows");
    let p = c
        .env
        .insert_patient(
            "zoe@x.org",
            "Zoë Ångström-Łukasiewicz de la Fontaine-Beaumont, Jr.",
        )
        .await;
    let stranger = c.env.insert_patient("s@x.org", "Sam Stranger").await;
    let london: chrono_tz::Tz = "Europe/London".parse().expect("zone");
    let local = |y, m, d, h| {
        london
            .from_local_datetime(&day(y, m, d).and_time(t(h, 0)))
            .single()
            .expect("one instant")
            .naive_utc()
    };
    // 10:00 London either side of both 2027 changes (28 March, 31 October).
    let starts = [
        local(2027, 3, 26, 10),
        local(2027, 3, 29, 10),
        local(2027, 10, 29, 10),
        local(2027, 11, 1, 10),
    ];
    assert_eq!(starts[1], utc(2027, 3, 29, 9, 0), "BST");
    let mut ids = Vec::new();
    for start in starts {
        ids.push(
            s.book(&desk(), req(c.doctor, p, start))
                .await
                .expect("booked")
                .id,
        );
    }
    s.cancel(&desk(), ids[2], "Clash").await.expect("cancelled");
    // Another doctor's patient must not appear in this doctor's file.
    s.book(
        &desk(),
        req(c.other_doctor, stranger, local(2027, 3, 29, 11)),
    )
    .await
    .expect("elsewhere");

    let file = s
        .calendar_ics(
            &doctor_actor(c.doctor),
            CalendarOwner::Doctor(c.doctor),
            day(2027, 3, 22),
            250,
        )
        .await
        .expect("export");
    assert_eq!(file.events, 4);
    let bytes = file.text.as_bytes();
    assert!(file.text.ends_with("\r\n"));
    for line in file.text.split_terminator("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
    }
    assert_eq!(
        bytes.iter().filter(|b| **b == b'\n').count(),
        file.text.matches("\r\n").count(),
        "every line ends with CRLF"
    );
    assert!(
        file.text.lines().any(|l| l.starts_with(' ')),
        "the long summary is folded"
    );
    assert!(!file.text.contains("Stranger"));

    let calendars: Vec<_> = ical::IcalParser::new(std::io::BufReader::new(bytes))
        .collect::<Result<Vec<_>, _>>()
        .expect("an independent parser reads it");
    assert_eq!(calendars.len(), 1);
    let events = &calendars[0].events;
    assert_eq!(events.len(), 4);
    let stamp = |v: &str| NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%SZ").expect("UTC time");
    for (i, e) in events.iter().enumerate() {
        let start = stamp(prop(e, "DTSTART").expect("DTSTART"));
        let end = stamp(prop(e, "DTEND").expect("DTEND"));
        assert_eq!(start, starts[i]);
        assert_eq!(end - start, Duration::minutes(60));
        let wall = london.from_utc_datetime(&start).naive_local().time();
        assert_eq!(wall, t(10, 0), "10:00 London on both sides of the change");
        assert_eq!(
            prop(e, "UID"),
            Some(format!("appointment-{}@smart-clinic", ids[i]).as_str())
        );
        assert_eq!(
            unescape(prop(e, "LOCATION").expect("LOCATION")),
            "Riverside, 12 Mill Lane; Floor 2, Oxford\\Cowley"
        );
        assert_eq!(
            unescape(prop(e, "SUMMARY").expect("SUMMARY")),
            "Appointment: Zoë Ångström-Łukasiewicz de la Fontaine-Beaumont, Jr."
        );
        let expected = if i == 2 { "CANCELLED" } else { "CONFIRMED" };
        assert_eq!(prop(e, "STATUS"), Some(expected));
    }
    // The same UIDs in the next export.
    let again = s
        .calendar_ics(
            &desk(),
            CalendarOwner::Doctor(c.doctor),
            day(2027, 3, 22),
            250,
        )
        .await
        .expect("again");
    let uids = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&again.text), uids(&file.text));

    // The patient's own file names the doctor; others may not have it.
    let mine = s
        .calendar_ics(
            &patient_actor(p),
            CalendarOwner::Patient(p),
            day(2027, 3, 22),
            250,
        )
        .await
        .expect("patient");
    assert_eq!(mine.events, 4);
    assert!(
        mine.text
            .contains("SUMMARY:Dr. Ada Wells (General Practice)")
    );
    for (actor, owner) in [
        (
            doctor_actor(c.other_doctor),
            CalendarOwner::Doctor(c.doctor),
        ),
        (doctor_actor(c.doctor), CalendarOwner::Patient(p)),
        (patient_actor(stranger), CalendarOwner::Patient(p)),
    ] {
        let err = s
            .calendar_ics(&actor, owner, day(2027, 3, 22), 30)
            .await
            .expect_err("not theirs");
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    }
    assert_eq!(audit_count(&c.env, "CALENDAR_EXPORT", "OK").await, 3);
    assert_eq!(audit_count(&c.env, "CALENDAR_EXPORT", "DENIED").await, 3);
    let about_p = scalar(
        &c.env,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'CALENDAR_EXPORT' AND outcome = 'OK' AND patient_id = ?",
        p,
    )
    .await;
    assert_eq!(
        about_p, 3,
        "each export is audited against the patient in it"
    );
}
