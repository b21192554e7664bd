//! The front desk's main job, counted in keystrokes: booking a known patient (found by a
//! middle part of the surname) with a named doctor at the first free time of next
//! Monday, and with "any doctor" of a specialization on a chosen day and part of day.
//! Typed text (the search, the doctor's name, the date) is not counted; every other key
//! is, from the home menu to the booked appointment.
//!
//! Before the slot grid and the doctor type-ahead, the first journey took 29 keys (17 of
//! them `j` down a one-time-per-line list of 14 days) and the second was impossible.

use std::time::Duration;

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use clinic::domain::availability::Window;
use clinic::domain::person::{NewDoctor, NewPatient};
use clinic::domain::{Actor, Role};
use clinic::service::users::NewAccount;
use clinic::store::mysql::{availability, patients, people};

use crate::common::TestEnv;
use crate::common::pty::PtyApp;
use crate::journeys::{app_env, sign_in};

const WAIT: Duration = Duration::from_secs(25);
const ZONE: &str = "Europe/Warsaw";
/// The middle of "Kowalski": the search must find it anywhere in the name.
const SURNAME_PART: &str = "owals";

/// Sends keys and counts them; typed text goes through [`Keys::text`], uncounted.
struct Keys<'a> {
    app: &'a mut PtyApp,
    count: usize,
}

impl Keys<'_> {
    fn key(&mut self, bytes: &str) {
        self.count += 1;
        self.app.send(bytes);
    }

    fn text(&mut self, text: &str) {
        self.app.send(text);
    }

    fn wait_for(&self, text: &str) {
        self.app.wait_for(text, WAIT);
    }

    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) {
        self.app.wait_until_screen(what, WAIT, done);
    }
}

struct Clinic {
    env: TestEnv,
    patient_id: i32,
    okafor: i32,
    cardiologists: [i32; 2],
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

async fn doctor(env: &TestEnv, name: &str, email: &str, specialization: &str) -> i32 {
    people::insert_doctor(
        &env.pool,
        &NewDoctor {
            full_name: name.into(),
            email: email.into(),
            specialization: specialization.into(),
            ..Default::default()
        },
        "!",
    )
    .await
    .expect("doctor")
}

async fn window(env: &TestEnv, doctor_id: i32, weekday: Weekday, from: NaiveTime, to: NaiveTime) {
    availability::insert_window(
        &env.pool,
        doctor_id,
        &Window {
            weekday,
            start: from,
            end: to,
            location_id: None,
        },
    )
    .await
    .expect("window");
}

/// A front desk account, the patient Anna Kowalski among others, a general
/// practitioner on Mondays and two cardiologists on Tuesdays (one in the morning, one in
/// the afternoon).
async fn clinic() -> Clinic {
    let env = TestEnv::with_tz(ZONE).await;
    env.services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::FrontDesk,
                email: "desk@keys.test".into(),
                full_name: "Fran Desk".into(),
                specialization: None,
                password: "ochre-lantern-harbour".into(),
            },
        )
        .await
        .expect("front desk");
    let mut patient_id = 0;
    for (name, email) in [
        ("Anna Kowalski", "anna.k@keys.test"),
        ("Piotr Nowak", "piotr@keys.test"),
        ("Olga Walsh", "olga@keys.test"),
    ] {
        let id = patients::insert(
            &env.pool,
            &NewPatient {
                full_name: name.into(),
                email: email.into(),
                ..Default::default()
            },
            "!",
        )
        .await
        .expect("patient");
        if name == "Anna Kowalski" {
            patient_id = id;
        }
    }
    let okafor = doctor(
        &env,
        "Dr. Maya Okafor",
        "okafor@keys.test",
        "General Practice",
    )
    .await;
    let house = doctor(
        &env,
        "Dr. Greg House",
        "house@keys.test",
        "General Practice",
    )
    .await;
    let petrov = doctor(&env, "Dr. Ivan Petrov", "petrov@keys.test", "Cardiology").await;
    let stone = doctor(&env, "Dr. Lena Stone", "stone@keys.test", "Cardiology").await;
    for id in [okafor, house] {
        window(&env, id, Weekday::Mon, time(9, 0), time(17, 0)).await;
    }
    window(&env, petrov, Weekday::Tue, time(9, 0), time(12, 0)).await;
    window(&env, stone, Weekday::Tue, time(14, 0), time(18, 0)).await;
    Clinic {
        env,
        patient_id,
        okafor,
        cardiologists: [petrov, stone],
    }
}

/// The clinic's next `weekday` after today (a week ahead when today is one).
fn next(weekday: Weekday) -> NaiveDate {
    let tz: Tz = ZONE.parse().expect("zone");
    let today = Utc::now().with_timezone(&tz).date_naive();
    let ahead = (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    today + Days::new(u64::from(if ahead == 0 { 7 } else { ahead }))
}

/// The one booked appointment: doctor and local start.
async fn booked(c: &Clinic) -> (i32, chrono::NaiveDateTime) {
    let (doctor_id, start): (i32, chrono::NaiveDateTime) = sqlx::query_as(
        "SELECT doctor_id, appointment_time FROM appointments WHERE patient_id = ? AND status = 'BOOKED'",
    )
    .bind(c.patient_id)
    .fetch_one(&c.env.pool)
    .await
    .expect("one booked appointment");
    let tz: Tz = ZONE.parse().expect("zone");
    (doctor_id, start.and_utc().with_timezone(&tz).naive_local())
}

fn signed_in(c: &Clinic) -> PtyApp {
    let export_dir = std::env::temp_dir().join(format!("clinic-exports-{}", c.env.db_name));
    let mut app = PtyApp::spawn(&[], &app_env(&c.env, ZONE, &export_dir, false), 80, 24);
    sign_in(&mut app, "desk@keys.test", "ochre-lantern-harbour", 0);
    app
}

#[tokio::test(flavor = "multi_thread")]
async fn a_known_patient_with_a_named_doctor_at_next_mondays_first_free_time() {
    let c = clinic().await;
    let mut app = signed_in(&c);
    let mut k = Keys {
        app: &mut app,
        count: 0,
    };
    k.key("b"); // Home: Book
    k.wait_for("Find the patient");
    k.text(SURNAME_PART);
    k.wait_for("Anna Kowalski");
    k.key("\r"); // the first match
    k.wait_for("General Practice");
    k.text("oka");
    k.wait_for("▶ Dr. Maya Okafor");
    k.key("\r"); // her free times
    k.wait_until("the free times", |s| s.contains("│ ▶"));
    k.key("g");
    k.text("mon");
    k.key("\r");
    let monday = next(Weekday::Mon);
    let label = monday.format("%a %-d %b %Y, 09:00").to_string();
    k.wait_for(&label);
    k.key("\r"); // the first free time of the day
    k.wait_for("Length");
    k.key("y");
    k.wait_for("The appointment is booked.");
    let keys = k.count;
    let (doctor_id, start) = booked(&c).await;
    assert_eq!(doctor_id, c.okafor);
    assert_eq!(
        start,
        monday.and_time(time(9, 0)),
        "next Monday's first free time"
    );
    assert!(keys <= 10, "{keys} keys besides typed text (at most 10)");
    eprintln!("named doctor, next Monday's first free time: {keys} keys besides typed text");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_known_patient_with_any_cardiologist_on_a_chosen_afternoon() {
    let c = clinic().await;
    let mut app = signed_in(&c);
    let mut k = Keys {
        app: &mut app,
        count: 0,
    };
    k.key("b");
    k.wait_for("Find the patient");
    k.text(SURNAME_PART);
    k.wait_for("Anna Kowalski");
    k.key("\r");
    k.wait_for("Cardiology");
    k.text("card");
    k.wait_for("▶ Any Cardiology doctor");
    k.key("\r");
    k.wait_until("the free times", |s| {
        s.contains("│ ▶") || s.contains("no free time")
    });
    k.key("g");
    k.text("tue");
    k.key("\r");
    let tuesday = next(Weekday::Tue);
    // Every cardiologist's free times of the day are in the grid, not each one's first.
    k.wait_until("both cardiologists' times on Tuesday", |s| {
        s.contains(&tuesday.format("%a %-d %b %Y, 09:00").to_string())
            && s.contains("09:15 Petrov")
            && s.contains("14:00 Stone")
    });
    k.key("p"); // morning
    k.key("p"); // afternoon
    k.wait_for(&tuesday.format("%a %-d %b %Y, 14:00").to_string());
    k.key("\r");
    k.wait_for("Length");
    k.key("y");
    k.wait_for("The appointment is booked.");
    let keys = k.count;
    let (doctor_id, start) = booked(&c).await;
    assert_eq!(doctor_id, c.cardiologists[1], "the afternoon cardiologist");
    assert_eq!(start, tuesday.and_time(time(14, 0)));
    assert!(keys <= 12, "{keys} keys besides typed text (at most 12)");
    eprintln!("any cardiologist, a chosen afternoon: {keys} keys besides typed text");
}

#[test]
fn the_next_weekday_is_never_today() {
    let monday = next(Weekday::Mon);
    assert_eq!(monday.weekday(), Weekday::Mon);
    let tz: Tz = ZONE.parse().expect("zone");
    let today = Utc::now().with_timezone(&tz).date_naive();
    assert!(monday > today && monday <= today + Days::new(7));
}
