//! The agenda's requests against MariaDB and the Mongo-wire server (issue 13 part 3,
//! issue 15): the appointment view reads what each role may see (a doctor gets no
//! contact details and no payments, another doctor nothing), a series is cancelled
//! "this and all later" in one request, the waitlist is counted, and `x` writes the
//! doctor's appointments as a calendar file where exports go.

use crate::common;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use clinic::domain::appointment::AppointmentStatus;
use clinic::domain::availability::Window;
use clinic::domain::{Actor, Role};
use clinic::service::booking::BookingRequest;
use clinic::service::calendar_export::CalendarOwner;
use clinic::service::series::SeriesRequest;
use clinic::service::waitlist::WaitlistCounts;
use clinic::service::{Clock, ServiceError};
use clinic::store::mysql::availability;
use clinic::tui::screen::Operation;
use clinic::tui::screens::agenda::{AgendaOp, AgendaReply};
use common::TestEnv;

/// Monday 23 November 2026, 08:00 UTC.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
        .single()
        .expect("time")
}

fn user(role: Role, id: i32) -> Actor {
    Actor::User {
        role,
        id,
        name: "Someone".into(),
        email: "someone@x.org".into(),
    }
}

/// A Monday no other test run picks (so that its calendar file is this test's alone).
fn unique_monday() -> NaiveDate {
    let name = common::unique_name("monday");
    let n = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 400;
    NaiveDate::from_ymd_opt(2027, 1, 4).expect("a Monday") + Duration::weeks(i64::from(n))
}

fn at(date: NaiveDate, h: u32) -> NaiveDateTime {
    date.and_hms_opt(h, 0, 0).expect("time")
}

#[tokio::test]
async fn the_agenda_requests_read_cancel_count_and_export_as_each_role_may() {
    let env = TestEnv::new().await;
    let doctor = env.insert_doctor("doc@x.org", "Dr. Ada Wells").await;
    let other = env.insert_doctor("doc2@x.org", "Dr. Bo Lind").await;
    let patient = env.insert_patient("pia@x.org", "Pia Patient").await;
    for weekday in [Weekday::Mon, Weekday::Tue] {
        availability::insert_window(
            &env.pool,
            doctor,
            &Window {
                weekday,
                start: NaiveTime::from_hms_opt(8, 0, 0).expect("time"),
                end: NaiveTime::from_hms_opt(17, 0, 0).expect("time"),
                location_id: None,
            },
        )
        .await
        .expect("window");
    }
    let s = env.services.clone().with_clock(Clock::Fixed(now()));
    let desk = user(Role::FrontDesk, 1);
    let monday = unique_monday();
    // Three Mondays at 10:00 UTC, a weekly series.
    let booked = s
        .book_series(
            &desk,
            &SeriesRequest {
                first: BookingRequest {
                    patient_id: patient,
                    doctor_id: doctor,
                    start_utc: at(monday, 10),
                    duration_minutes: None,
                },
                every_weeks: 1,
                count: 3,
                skip_conflicts: false,
            },
        )
        .await
        .expect("series");
    let first = booked.booked[0].id;

    // The front desk's view: the patient's record, the payments (none), no prescription,
    // the history, the series.
    let detail = |id| AgendaOp::Detail {
        appointment_id: id,
        patient_id: patient,
        location_id: None,
    };
    let AgendaReply::Detail { data, .. } = detail(first).run(&s, &desk).await else {
        panic!("detail")
    };
    assert_eq!(
        data.patient
            .as_ref()
            .and_then(|p| p.as_ref().ok())
            .map(|p| p.full_name.as_str()),
        Some("Pia Patient")
    );
    assert!(
        matches!(&data.payments, Some(Ok(p)) if p.is_empty()),
        "{data:?}"
    );
    assert!(matches!(data.prescription, Ok(false)), "{data:?}");
    assert!(matches!(&data.history, Ok(h) if h.len() == 1), "{data:?}");
    assert!(
        matches!(&data.series, Ok(Some(v)) if v.appointments.len() == 3),
        "{data:?}"
    );
    assert!(matches!(data.location, Ok(None)));

    // The doctor's: no contact details or payments asked for.
    let AgendaReply::Detail { data, .. } = detail(first).run(&s, &user(Role::Doctor, doctor)).await
    else {
        panic!("detail")
    };
    assert!(
        data.patient.is_none() && data.payments.is_none(),
        "{data:?}"
    );
    assert!(
        data.history.is_ok() && data.prescription.is_ok(),
        "{data:?}"
    );
    // Another doctor's: refused.
    let AgendaReply::Detail { data, .. } = detail(first).run(&s, &user(Role::Doctor, other)).await
    else {
        panic!("detail")
    };
    assert!(
        matches!(data.history, Err(ServiceError::Forbidden(_))),
        "{data:?}"
    );

    // The series as the agenda reads it, then the second and the later one cancelled.
    let second = booked.booked[1].id;
    let AgendaReply::Series { result, .. } = AgendaOp::SeriesOf {
        appointment_id: second,
    }
    .run(&s, &desk)
    .await
    else {
        panic!("series")
    };
    assert_eq!(result.expect("read").map(|v| v.appointments.len()), Some(3));
    let reply = AgendaOp::CancelSeries {
        appointment_id: second,
        reason: "Moving away".into(),
    }
    .run(&s, &desk)
    .await;
    let AgendaReply::Done(Ok(message)) = reply else {
        panic!("cancelled: {reply:?}")
    };
    assert!(message.starts_with("2 appointments cancelled"), "{message}");
    let statuses: Vec<String> = sqlx::query_scalar(
        "SELECT status FROM appointments WHERE doctor_id = ? ORDER BY appointment_time",
    )
    .bind(doctor)
    .fetch_all(&env.pool)
    .await
    .expect("statuses");
    assert_eq!(
        statuses,
        [
            AppointmentStatus::Booked.as_str(),
            AppointmentStatus::Cancelled.as_str(),
            AppointmentStatus::Cancelled.as_str()
        ]
    );

    // The waitlist count (nobody waits).
    let reply = AgendaOp::WaitlistCounts.run(&s, &desk).await;
    assert!(
        matches!(
            reply,
            AgendaReply::WaitlistCounts(Ok(WaitlistCounts {
                waiting: 0,
                offered: 0
            }))
        ),
        "{reply:?}"
    );

    // x: the doctor's week as a calendar file, written where exports go.
    let reply = AgendaOp::ExportCalendar {
        owner: CalendarOwner::Doctor(doctor),
        from: monday,
        days: 7,
    }
    .run(&s, &desk)
    .await;
    let AgendaReply::Exported(Ok((path, events))) = reply else {
        panic!("export: {reply:?}")
    };
    let text = std::fs::read_to_string(&path).expect("the file is there");
    let _ = std::fs::remove_file(&path);
    assert_eq!(events, 1, "the one appointment of that week");
    assert!(text.starts_with("BEGIN:VCALENDAR"), "{text}");
    assert!(path.ends_with(".ics"), "{path}");
    // A patient may not export someone else's calendar: nothing is written.
    let reply = AgendaOp::ExportCalendar {
        owner: CalendarOwner::Doctor(doctor),
        from: monday,
        days: 7,
    }
    .run(&s, &user(Role::Patient, patient))
    .await;
    assert!(
        matches!(
            reply,
            AgendaReply::Exported(Err(clinic::tui::export::ExportError::Service(
                ServiceError::Forbidden(_)
            )))
        ),
        "{reply:?}"
    );
}
