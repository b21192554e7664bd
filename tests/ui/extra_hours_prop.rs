//! Property tests of extra hours on a date in the slot engine
//! (`free_slots_with_extra`, `expand_windows_with_extra`, `covering_location_with_extra`):
//! against a naive reference in every zone of `slots_prop` (DST days included); extra
//! hours only ever add time; dates without extra hours are exactly the weekly plan.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone};
use chrono_tz::Tz;
use clinic::domain::availability::{
    Busy, Slot, SlotQuery, TimeOff, Window, covering_location_with_extra,
    expand_windows_with_extra, free_slots, free_slots_with_extra,
};
use clinic::domain::extra_hours::ExtraHours;
use proptest::prelude::*;

use crate::slots_prop::{
    ZONES, base_dates, d, every_instant, overlaps, ref_boundary, t, transition_days,
    windows_strategy,
};

/// One window of one date, in local wall-clock time, for the reference.
#[derive(Debug, Clone, Copy)]
struct DayWindow {
    start: NaiveTime,
    end: NaiveTime,
    location_id: Option<i32>,
}

/// The slots a person would list by hand: for each date, the weekday's windows and that
/// date's extra hours, by (start, end) with weekly windows first on a tie; every
/// step-aligned local start inside one, at each instant that wall-clock time happens;
/// kept when the slot fits the window's real (UTC) span, is free and not too early. A
/// start offered twice is kept once, from the window listed first.
fn reference(
    q: &SlotQuery,
    tz: Tz,
    windows: &[Window],
    extra: &[ExtraHours],
    time_off: &[TimeOff],
    busy: &[Busy],
) -> Vec<Slot> {
    let dur = TimeDelta::minutes(i64::from(q.duration_minutes));
    let mut out = Vec::new();
    let mut date = q.from;
    while date <= q.to {
        let mut day: Vec<DayWindow> = windows
            .iter()
            .filter(|w| w.weekday == date.weekday())
            .map(|w| DayWindow {
                start: w.start,
                end: w.end,
                location_id: w.location_id,
            })
            .chain(extra.iter().filter(|x| x.date == date).map(|x| DayWindow {
                start: x.start,
                end: x.end,
                location_id: x.location_id,
            }))
            .filter(|w| w.start < w.end)
            .collect();
        day.sort_by_key(|w| (w.start, w.end));
        for w in day {
            let (Some(w_lo), Some(w_hi)) = (
                ref_boundary(tz, date.and_time(w.start)),
                ref_boundary(tz, date.and_time(w.end)),
            ) else {
                continue;
            };
            for m in (0..24 * 60).step_by(q.step_minutes as usize) {
                let lt = t(m / 60, m % 60);
                if lt < w.start || lt >= w.end {
                    continue;
                }
                for s in every_instant(tz.from_local_datetime(&date.and_time(lt))) {
                    let e = s + dur;
                    if s < w_lo || e > w_hi || q.not_before_utc.is_some_and(|nb| s < nb) {
                        continue;
                    }
                    let blocked = time_off
                        .iter()
                        .any(|o| overlaps((s, e), (o.start_utc, o.end_utc)))
                        || busy
                            .iter()
                            .any(|b| overlaps((s, e), (b.start_utc, b.end_utc)));
                    if !blocked {
                        out.push(Slot {
                            start_utc: s,
                            end_utc: e,
                            location_id: w.location_id,
                        });
                    }
                }
            }
        }
        date = date.succ_opt().unwrap();
    }
    out.sort_by_key(|s| s.start_utc);
    out.dedup_by_key(|s| s.start_utc);
    out
}

#[derive(Debug, Clone)]
struct Case {
    tz: Tz,
    query: SlotQuery,
    windows: Vec<Window>,
    extra: Vec<ExtraHours>,
    time_off: Vec<TimeOff>,
    busy: Vec<Busy>,
}

/// Extra hours on dates from the day before `from` to the day after `to` (so some lie
/// outside the query), anywhere in the day, overlapping the weekly windows or not.
fn extra_strategy(from: NaiveDate, days: i64) -> impl Strategy<Value = Vec<ExtraHours>> {
    prop::collection::vec(
        (
            -1i64..=days + 1,
            0u32..23 * 60,
            1u32..=300,
            prop::option::of(1i32..5),
        ),
        0..=6,
    )
    .prop_map(move |specs| {
        specs
            .into_iter()
            .map(|(offset, start, len, loc)| {
                let end = (start + len).min(23 * 60 + 59);
                ExtraHours::new(
                    from + TimeDelta::days(offset),
                    t(start / 60, start % 60),
                    t(end / 60, end % 60),
                    loc,
                )
            })
            .collect()
    })
}

fn case_strategy(dates: Vec<NaiveDate>) -> impl Strategy<Value = Case> {
    let span_minutes = 11 * 24 * 60;
    (
        prop::sample::select(ZONES.to_vec()),
        prop::sample::select(dates),
        -2i64..=2,
        0i64..=5,
        prop::sample::select(vec![5u32, 10, 15, 30, 60]),
        10u32..=120,
        prop::option::of(0i64..span_minutes),
        windows_strategy(),
    )
        .prop_flat_map(move |(tz, base, shift, len, step, duration, nb, windows)| {
            let from = base + TimeDelta::days(shift);
            (
                Just((tz, from, len, step, duration, nb, windows)),
                extra_strategy(from, len),
                prop::collection::vec((0i64..span_minutes, 30i64..=3000), 0..=2),
                prop::collection::vec((0i64..span_minutes, 0i64..=240), 0..=30),
            )
        })
        .prop_map(
            |((tz, from, len, step, duration, nb, windows), extra, offs, busy)| {
                let origin = (from - TimeDelta::days(1)).and_time(NaiveTime::MIN);
                let at = |m: i64| origin + TimeDelta::minutes(m);
                Case {
                    tz,
                    query: SlotQuery {
                        from,
                        to: from + TimeDelta::days(len),
                        duration_minutes: duration,
                        step_minutes: step,
                        not_before_utc: nb.map(at),
                    },
                    windows,
                    extra,
                    time_off: offs
                        .into_iter()
                        .map(|(s, l)| TimeOff {
                            start_utc: at(s),
                            end_utc: at(s + l),
                            reason: "Leave".into(),
                        })
                        .collect(),
                    busy: busy
                        .into_iter()
                        .map(|(s, l)| Busy::new(at(s), at(s + l)))
                        .collect(),
                }
            },
        )
}

/// Ordinary dates near 2026 transitions, and the transition days of every DST zone.
fn dates() -> Vec<NaiveDate> {
    let mut v = base_dates();
    for tz in ZONES {
        v.extend(transition_days(tz, 2026));
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn check(c: &Case) -> Result<(), TestCaseError> {
    let q = &c.query;
    let with = free_slots_with_extra(q, c.tz, &c.windows, &c.extra, &c.time_off, &c.busy);
    let without = free_slots(q, c.tz, &c.windows, &c.time_off, &c.busy);
    let expanded = expand_windows_with_extra(q.from, q.to, c.tz, &c.windows, &c.extra);
    let dur = TimeDelta::minutes(i64::from(q.duration_minutes));
    for pair in with.windows(2) {
        prop_assert!(pair[0].start_utc < pair[1].start_utc, "{:?}", pair);
    }
    for s in &with {
        prop_assert_eq!(s.end_utc - s.start_utc, dur);
        prop_assert!(
            expanded
                .iter()
                .any(|&(lo, hi, _)| lo <= s.start_utc && s.end_utc <= hi),
            "slot {:?} outside every window {:?}",
            s,
            expanded
        );
        // The booking check accepts every slot offered, at its location.
        prop_assert_eq!(
            covering_location_with_extra(
                s.start_utc,
                s.end_utc,
                c.tz,
                &c.windows,
                &c.extra,
                &c.time_off
            )
            .is_ok(),
            true,
            "booking refuses {:?}",
            s
        );
    }
    // Extra hours only add time: every weekly slot is still offered.
    let starts: std::collections::HashSet<NaiveDateTime> =
        with.iter().map(|s| s.start_utc).collect();
    for s in &without {
        prop_assert!(starts.contains(&s.start_utc), "lost {:?}", s);
    }
    // On a date without extra hours nothing changes, location included.
    let local_date = |s: &Slot| s.local_start(c.tz).date();
    let plain = |v: &[Slot]| -> Vec<Slot> {
        v.iter()
            .filter(|s| !c.extra.iter().any(|x| x.date == local_date(s)))
            .copied()
            .collect()
    };
    prop_assert_eq!(plain(&with), plain(&without));
    // Sound and complete: the naive reference.
    let expected = reference(q, c.tz, &c.windows, &c.extra, &c.time_off, &c.busy);
    prop_assert_eq!(with, expected);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn extra_hours_are_sound_and_complete_and_only_add_time(c in case_strategy(dates())) {
        check(&c)?;
    }
}

#[test]
fn a_saturday_clinic_is_offered_and_booked_on_its_date_only() {
    let tz = chrono_tz::Europe::London;
    let saturday = d(2026, 12, 5);
    let extra = [ExtraHours::new(saturday, t(9, 0), t(12, 0), Some(2))];
    let q = SlotQuery::new(d(2026, 11, 30), d(2026, 12, 13));
    let slots = free_slots_with_extra(&q, tz, &[], &extra, &[], &[]);
    assert_eq!(slots.len(), 9, "09:00 to 11:00 by quarter hours");
    assert!(slots.iter().all(|s| s.local_start(tz).date() == saturday));
    assert!(slots.iter().all(|s| s.location_id == Some(2)));
    let at = |day: NaiveDate, h: u32| day.and_time(t(h, 0));
    assert_eq!(
        covering_location_with_extra(at(saturday, 10), at(saturday, 11), tz, &[], &extra, &[]),
        Ok(Some(2))
    );
    let next = d(2026, 12, 12);
    assert!(
        covering_location_with_extra(at(next, 10), at(next, 11), tz, &[], &extra, &[]).is_err()
    );
}

#[test]
fn extra_hours_on_the_night_the_clocks_go_forward_skip_the_missing_hour() {
    // London, Sunday 29 March 2026: 01:00–02:00 does not happen.
    let tz = chrono_tz::Europe::London;
    let sunday = d(2026, 3, 29);
    let extra = [ExtraHours::new(sunday, t(0, 0), t(4, 0), None)];
    let q = SlotQuery::day(sunday).with_duration(30).with_step(30);
    let local: Vec<String> = free_slots_with_extra(&q, tz, &[], &extra, &[], &[])
        .iter()
        .map(|s| s.local_start(tz).format("%H:%M").to_string())
        .collect();
    assert_eq!(
        local,
        ["00:00", "00:30", "02:00", "02:30", "03:00", "03:30"]
    );
}
