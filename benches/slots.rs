//! Benchmarks for `clinic::domain::availability::free_slots`.

use std::hint::black_box;

use chrono::{NaiveDate, NaiveTime, TimeDelta, Weekday};
use chrono_tz::Tz;
use clinic::domain::availability::{Busy, SlotQuery, TimeOff, Window, free_slots};
use criterion::{Criterion, criterion_group, criterion_main};

const WORKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

struct Doctor {
    windows: Vec<Window>,
    time_off: Vec<TimeOff>,
    busy: Vec<Busy>,
}

/// Small deterministic generator (no extra dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Mon–Fri morning + afternoon windows (shifted per doctor) and 40 booked appointments
/// of 30 minutes on the half hour inside them, in the week starting `monday` (local = UTC
/// in late November for London).
fn doctor(seed: u64, monday: NaiveDate) -> Doctor {
    let mut rng = Lcg(seed);
    let shift = (seed % 3) as u32; // start at 08:00, 09:00 or 10:00
    let (m_start, m_end) = (8 + shift, 11 + shift);
    let (a_start, a_end) = (12 + shift, 16 + shift);
    let windows: Vec<Window> = WORKDAYS
        .iter()
        .flat_map(|&wd| {
            [
                Window::new(wd, t(m_start, 0), t(m_end, 0), Some(1)),
                Window::new(wd, t(a_start, 0), t(a_end, 0), Some(2)),
            ]
        })
        .collect();
    // 5 days × 14 half-hours = 70 bookable half-hours; book 40 distinct ones.
    let mut half_hours: Vec<(u32, u32)> = (0..5u32)
        .flat_map(|day| {
            (m_start * 2..m_end * 2)
                .chain(a_start * 2..a_end * 2)
                .map(move |hh| (day, hh))
        })
        .collect();
    let mut busy = Vec::with_capacity(40);
    for _ in 0..40 {
        let (day, hh) = half_hours.swap_remove(rng.next(half_hours.len() as u64) as usize);
        let start = (monday + TimeDelta::days(i64::from(day))).and_time(t(hh / 2, (hh % 2) * 30));
        busy.push(Busy::new(start, start + TimeDelta::minutes(30)));
    }
    Doctor {
        windows,
        time_off: Vec::new(),
        busy,
    }
}

fn query(monday: NaiveDate, duration: u32) -> SlotQuery {
    SlotQuery::week_from(monday)
        .with_duration(duration)
        .with_step(15)
}

fn benches(c: &mut Criterion) {
    let tz: Tz = chrono_tz::Europe::London;
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();

    let one = doctor(1, monday);
    let sample = free_slots(&query(monday, 30), tz, &one.windows, &[], &one.busy);
    assert!(
        !sample.is_empty() && sample.len() < 130,
        "{} slots",
        sample.len()
    );
    for duration in [30u32, 60] {
        let q = query(monday, duration);
        c.bench_function(&format!("one_doctor_week_40_booked/dur{duration}"), |b| {
            b.iter(|| {
                free_slots(
                    black_box(&q),
                    tz,
                    black_box(&one.windows),
                    black_box(&one.time_off),
                    black_box(&one.busy),
                )
            })
        });
    }

    let doctors: Vec<Doctor> = (0..200).map(|i| doctor(1000 + i, monday)).collect();
    let q = query(monday, 30);
    c.bench_function("200_doctors_week", |b| {
        b.iter(|| {
            doctors
                .iter()
                .map(|doc| {
                    free_slots(black_box(&q), tz, &doc.windows, &doc.time_off, &doc.busy).len()
                })
                .sum::<usize>()
        })
    });

    // A week containing the London spring-forward Sunday, with weekend windows too, so the
    // per-candidate (transition-day) path is exercised.
    let dst_monday = NaiveDate::from_ymd_opt(2026, 3, 23).unwrap();
    let mut dst = doctor(7, dst_monday);
    for wd in [Weekday::Sat, Weekday::Sun] {
        dst.windows.push(Window::new(wd, t(0, 0), t(12, 0), None));
        dst.windows.push(Window::new(wd, t(13, 0), t(23, 0), None));
    }
    let q = query(dst_monday, 30);
    c.bench_function("one_doctor_dst_week_with_weekend", |b| {
        b.iter(|| {
            free_slots(
                black_box(&q),
                tz,
                black_box(&dst.windows),
                black_box(&dst.time_off),
                black_box(&dst.busy),
            )
        })
    });
}

criterion_group!(slots, benches);
criterion_main!(slots);
