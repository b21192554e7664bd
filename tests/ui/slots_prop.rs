//! Property and DST tests for `clinic::domain::availability` (the generators and the
//! reference are shared with `extra_hours_prop`).

use chrono::{
    Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike,
    Weekday,
};
use chrono_tz::Tz;
use clinic::domain::availability::{
    Busy, Slot, SlotQuery, TimeOff, Window, expand_windows, free_slots, is_within_availability,
};
use clinic::domain::local_time;
use proptest::prelude::*;

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(crate) fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn dt(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
    d(y, m, day).and_time(t(h, min))
}

pub(crate) const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

// ---------------------------------------------------------------------------------------
// Naive reference implementation, written independently of the module's internals.
// ---------------------------------------------------------------------------------------

fn earliest(r: LocalResult<chrono::DateTime<Tz>>) -> Option<NaiveDateTime> {
    match r {
        LocalResult::Single(x) => Some(x.naive_utc()),
        LocalResult::Ambiguous(a, b) => Some(a.naive_utc().min(b.naive_utc())),
        LocalResult::None => None,
    }
}

pub(crate) fn every_instant(r: LocalResult<chrono::DateTime<Tz>>) -> Vec<NaiveDateTime> {
    match r {
        LocalResult::Single(x) => vec![x.naive_utc()],
        LocalResult::Ambiguous(a, b) => vec![a.naive_utc(), b.naive_utc()],
        LocalResult::None => Vec::new(),
    }
}

/// Earliest instant at which the wall clock shows `local` or later: walk forward minute by
/// minute out of a gap (all zones used here change offset on whole minutes).
pub(crate) fn ref_boundary(tz: Tz, local: NaiveDateTime) -> Option<NaiveDateTime> {
    let mut probe = local;
    for _ in 0..=240 {
        if let Some(u) = earliest(tz.from_local_datetime(&probe)) {
            return Some(u);
        }
        probe += TimeDelta::minutes(1);
    }
    None
}

pub(crate) fn overlaps(
    a: (NaiveDateTime, NaiveDateTime),
    b: (NaiveDateTime, NaiveDateTime),
) -> bool {
    b.0 < b.1 && a.0 < b.1 && a.1 > b.0
}

fn reference(
    q: &SlotQuery,
    tz: Tz,
    windows: &[Window],
    time_off: &[TimeOff],
    busy: &[Busy],
) -> Vec<Slot> {
    let dur = TimeDelta::minutes(i64::from(q.duration_minutes));
    let mut out = Vec::new();
    let mut date = q.from;
    while date <= q.to {
        for w in windows.iter().filter(|w| w.weekday == date.weekday()) {
            if w.start >= w.end {
                continue;
            }
            let (Some(w_lo), Some(w_hi)) = (
                ref_boundary(tz, date.and_time(w.start)),
                ref_boundary(tz, date.and_time(w.end)),
            ) else {
                continue;
            };
            for m in (0..24 * 60).step_by(q.step_minutes as usize) {
                let lt = NaiveTime::from_num_seconds_from_midnight_opt(m * 60, 0).unwrap();
                if lt < w.start || lt >= w.end {
                    continue;
                }
                // Every instant the wall clock shows this time: none in a gap, two in a
                // repeated (fall-back) hour.
                for s in every_instant(tz.from_local_datetime(&date.and_time(lt))) {
                    let e = s + dur;
                    if s < w_lo || e > w_hi {
                        continue;
                    }
                    if q.not_before_utc.is_some_and(|nb| s < nb) {
                        continue;
                    }
                    if time_off
                        .iter()
                        .any(|o| overlaps((s, e), (o.start_utc, o.end_utc)))
                        || busy
                            .iter()
                            .any(|b| overlaps((s, e), (b.start_utc, b.end_utc)))
                    {
                        continue;
                    }
                    out.push(Slot {
                        start_utc: s,
                        end_utc: e,
                        location_id: w.location_id,
                    });
                }
            }
        }
        date = date.succ_opt().unwrap();
    }
    out.sort_by_key(|s| s.start_utc);
    out.dedup_by_key(|s| s.start_utc);
    out
}

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

pub(crate) const ZONES: [Tz; 10] = [
    chrono_tz::UTC,
    chrono_tz::Europe::London,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::America::Santiago,
    chrono_tz::America::Havana,
    chrono_tz::Australia::Sydney,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::Pacific::Chatham,
];

/// Dates near 2026 DST transitions of the zones above, and an ordinary one.
pub(crate) fn base_dates() -> Vec<NaiveDate> {
    vec![
        d(2026, 3, 8),
        d(2026, 3, 29),
        d(2026, 10, 25),
        d(2026, 11, 1),
        d(2026, 4, 5),
        d(2026, 10, 4),
        d(2026, 9, 6),
        d(2026, 9, 27),
        d(2026, 11, 24),
    ]
}

/// Non-overlapping windows per weekday (touching allowed), built from (gap, length) pairs.
pub(crate) fn windows_strategy() -> impl Strategy<Value = Vec<Window>> {
    prop::collection::vec(
        prop::collection::vec((0u32..=300, 1u32..=360, prop::option::of(1i32..5)), 0..=4),
        7,
    )
    .prop_map(|per_day| {
        let mut out = Vec::new();
        for (wd, specs) in WEEKDAYS.iter().zip(per_day) {
            let mut cursor = 0u32;
            for (gap, len, loc) in specs {
                let start = cursor + gap;
                let end = start + len;
                if end > 23 * 60 + 59 {
                    break;
                }
                out.push(Window {
                    weekday: *wd,
                    start: t(start / 60, start % 60),
                    end: t(end / 60, end % 60),
                    location_id: loc,
                });
                cursor = end;
            }
        }
        out
    })
}

#[derive(Debug, Clone)]
struct Case {
    tz: Tz,
    query: SlotQuery,
    windows: Vec<Window>,
    time_off: Vec<TimeOff>,
    busy: Vec<Busy>,
}

fn case_strategy() -> impl Strategy<Value = Case> {
    let span_minutes = 11 * 24 * 60;
    (
        prop::sample::select(ZONES.to_vec()),
        prop::sample::select(base_dates()),
        -3i64..=3,
        0i64..=7,
        prop::sample::select(vec![5u32, 10, 15, 20, 30, 60]),
        10u32..=120,
        prop::option::of(0i64..span_minutes),
        windows_strategy(),
        prop::collection::vec((0i64..span_minutes, 30i64..=3000), 0..=3),
        prop::collection::vec((0i64..span_minutes, 0i64..=240), 0..=40),
    )
        .prop_map(
            |(tz, base, shift, len, step, duration, nb, windows, offs, busy)| {
                let from = base + TimeDelta::days(shift);
                let to = from + TimeDelta::days(len);
                // Raw UTC origin one day before the first date.
                let origin = (from - TimeDelta::days(1)).and_time(NaiveTime::MIN);
                let at = |m: i64| origin + TimeDelta::minutes(m);
                Case {
                    tz,
                    query: SlotQuery {
                        from,
                        to,
                        duration_minutes: duration,
                        step_minutes: step,
                        not_before_utc: nb.map(at),
                    },
                    windows,
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

/// Days of `year` on which `tz` changes offset (offset at 00:00 and 23:59:59 differ, or
/// either is a gap or ambiguous).
pub(crate) fn transition_days(tz: Tz, year: i32) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut date = d(year, 1, 1);
    while date.year() == year {
        let a = tz.from_local_datetime(&date.and_time(NaiveTime::MIN));
        let b = tz.from_local_datetime(&date.and_hms_opt(23, 59, 59).unwrap());
        let fixed = match (a, b) {
            (LocalResult::Single(a), LocalResult::Single(b)) => {
                a.naive_local() - a.naive_utc() == b.naive_local() - b.naive_utc()
            }
            _ => false,
        };
        if !fixed {
            out.push(date);
        }
        date = date.succ_opt().unwrap();
    }
    out
}

/// DST nights: a zone with transitions, one of its 2026 transition days (± a day), and
/// windows packed into the small hours where the clocks change.
fn dst_night_strategy() -> impl Strategy<Value = Case> {
    let zones: Vec<Tz> = ZONES
        .iter()
        .copied()
        .filter(|&tz| tz != chrono_tz::UTC && tz != chrono_tz::Asia::Kathmandu)
        .collect();
    prop::sample::select(zones)
        .prop_flat_map(|tz| {
            let days = transition_days(tz, 2026);
            assert!(!days.is_empty(), "{tz} has no transition in 2026");
            (Just(tz), prop::sample::select(days))
        })
        .prop_flat_map(|(tz, day)| {
            (
                Just(tz),
                Just(day),
                -1i64..=1,
                0i64..=2,
                prop::sample::select(vec![5u32, 10, 15, 20, 30, 60]),
                10u32..=120,
                prop::collection::vec((0u32..=90, 1u32..=240, prop::option::of(1i32..3)), 1..=3),
                prop::collection::vec((0i64..4 * 24 * 60, 0i64..=90), 0..=4),
            )
        })
        .prop_map(|(tz, day, shift, len, step, duration, specs, busy)| {
            let from = day + TimeDelta::days(shift);
            let to = from + TimeDelta::days(len);
            // The same night-time windows on every weekday.
            let mut windows = Vec::new();
            for wd in WEEKDAYS {
                let mut cursor = 0u32;
                for &(gap, len, loc) in &specs {
                    let start = cursor + gap;
                    let end = start + len;
                    if end > 23 * 60 + 59 {
                        break;
                    }
                    windows.push(Window {
                        weekday: wd,
                        start: t(start / 60, start % 60),
                        end: t(end / 60, end % 60),
                        location_id: loc,
                    });
                    cursor = end;
                }
            }
            let origin = (from - TimeDelta::days(1)).and_time(NaiveTime::MIN);
            let at = |m: i64| origin + TimeDelta::minutes(m);
            Case {
                tz,
                query: SlotQuery {
                    from,
                    to,
                    duration_minutes: duration,
                    step_minutes: step,
                    not_before_utc: None,
                },
                windows,
                time_off: Vec::new(),
                busy: busy
                    .into_iter()
                    .map(|(s, l)| Busy::new(at(s), at(s + l)))
                    .collect(),
            }
        })
}

fn check_case(c: &Case) -> Result<(), TestCaseError> {
    let q = &c.query;
    let slots = free_slots(q, c.tz, &c.windows, &c.time_off, &c.busy);
    let expanded = expand_windows(q.from, q.to, c.tz, &c.windows);
    let dur = TimeDelta::minutes(i64::from(q.duration_minutes));

    // Sorted, strictly increasing (unique) starts.
    for pair in slots.windows(2) {
        prop_assert!(
            pair[0].start_utc < pair[1].start_utc,
            "not strictly increasing: {:?}",
            pair
        );
    }
    for s in &slots {
        // Real duration.
        prop_assert_eq!(s.end_utc - s.start_utc, dur);
        // Inside an expanded (UTC) window occurrence.
        prop_assert!(
            expanded
                .iter()
                .any(|&(lo, hi, _)| lo <= s.start_utc && s.end_utc <= hi),
            "slot {:?} outside every window {:?}",
            s,
            expanded
        );
        // Local start: in the date range, inside a window of that weekday, step-aligned.
        let local = s.local_start(c.tz);
        prop_assert!(local.date() >= q.from && local.date() <= q.to);
        prop_assert!(c.windows.iter().any(|w| w.weekday == local.weekday()
            && w.start <= local.time()
            && local.time() < w.end
            && w.location_id == s.location_id));
        let minute_of_day = local.time().num_seconds_from_midnight() / 60;
        prop_assert_eq!(local.time().second(), 0);
        prop_assert_eq!(minute_of_day % q.step_minutes, 0);
        // Free.
        for o in &c.time_off {
            prop_assert!(!overlaps(
                (s.start_utc, s.end_utc),
                (o.start_utc, o.end_utc)
            ));
        }
        for b in &c.busy {
            prop_assert!(!overlaps(
                (s.start_utc, s.end_utc),
                (b.start_utc, b.end_utc)
            ));
        }
        if let Some(nb) = q.not_before_utc {
            prop_assert!(s.start_utc >= nb);
        }
        // The booking check accepts what the slot search offers.
        prop_assert_eq!(
            is_within_availability(s.start_utc, s.end_utc, c.tz, &c.windows, &c.time_off),
            Ok(())
        );
    }
    // Labels tell every slot of a day apart, also in a repeated (fall-back) hour.
    let mut seen = std::collections::HashSet::new();
    for s in &slots {
        let key = (
            s.local_start(c.tz).date(),
            local_time::label(c.tz, s.start_utc, "%H:%M"),
        );
        prop_assert!(seen.insert(key.clone()), "two slots read {:?}", key);
    }
    // Completeness (and soundness again): identical to the naive reference.
    let expected = reference(q, c.tz, &c.windows, &c.time_off, &c.busy);
    prop_assert_eq!(slots, expected);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn slots_are_sound_and_complete(c in case_strategy()) {
        check_case(&c)?;
    }

    #[test]
    fn dst_nights_are_sound_and_complete(c in dst_night_strategy()) {
        check_case(&c)?;
    }

    /// On fall-back nights, a time that happens twice is offered twice, once per instant,
    /// whenever that instant's slot fits the day's window.
    #[test]
    fn repeated_hours_offer_both_instants(
        zone in prop::sample::select(
            ZONES
                .iter()
                .copied()
                .filter(|&z| z != chrono_tz::UTC && z != chrono_tz::Asia::Kathmandu)
                .collect::<Vec<_>>(),
        ),
        year in 2026i32..=2030,
        step in prop::sample::select(vec![5u32, 10, 15, 20, 30, 60]),
        duration in 5u32..=90,
        pick in any::<prop::sample::Index>(),
    ) {
        let days = fall_back_days(zone, year);
        prop_assume!(!days.is_empty());
        let date = days[pick.index(days.len())];
        let windows: Vec<Window> = WEEKDAYS
            .iter()
            .map(|&wd| Window::new(wd, t(0, 0), t(23, 59), None))
            .collect();
        let q = SlotQuery::day(date).with_duration(duration).with_step(step);
        let slots = free_slots(&q, zone, &windows, &[], &[]);
        let (lo, hi, _) = expand_windows(date, date, zone, &windows)[0];
        let dur = TimeDelta::minutes(i64::from(duration));
        let twice: Vec<(NaiveDateTime, [NaiveDateTime; 2])> = (0..24 * 60)
            .step_by(step as usize)
            .filter_map(|m| {
                let local = date.and_time(t(m / 60, m % 60));
                match zone.from_local_datetime(&local) {
                    LocalResult::Ambiguous(a, b) => Some((local, [a.naive_utc(), b.naive_utc()])),
                    _ => None,
                }
            })
            .collect();
        // (A 30-minute overlap holds no time on an hourly step.)
        prop_assume!(!twice.is_empty());
        for (local, both) in twice {
            for x in both {
                if lo <= x && x + dur <= hi {
                    prop_assert!(
                        slots.iter().any(|s| s.start_utc == x),
                        "{} {} at {} UTC missing", zone, local, x
                    );
                }
            }
        }
    }
}

/// Days of `year` on which some step-aligned (5-minute) local time of `tz` happens twice.
fn fall_back_days(tz: Tz, year: i32) -> Vec<NaiveDate> {
    transition_days(tz, year)
        .into_iter()
        .filter(|date| {
            (0..24 * 60).step_by(5).any(|m| {
                matches!(
                    tz.from_local_datetime(&date.and_time(t(m / 60, m % 60))),
                    LocalResult::Ambiguous(..)
                )
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Explicit DST days
// ---------------------------------------------------------------------------------------

fn every_day_9_to_17() -> Vec<Window> {
    WEEKDAYS
        .iter()
        .map(|&wd| Window::new(wd, t(9, 0), t(17, 0), Some(1)))
        .collect()
}

/// Query the day before, the transition day and the day after; check each day's slots.
fn check_dst_days(tz: Tz, transition: NaiveDate, offset_before_h: i64, offset_after_h: i64) {
    let before = transition.pred_opt().unwrap();
    let after = transition.succ_opt().unwrap();
    let q = SlotQuery::new(before, after); // 60 min, step 15
    let slots = free_slots(&q, tz, &every_day_9_to_17(), &[], &[]);
    assert_eq!(slots.len(), 3 * 29, "{tz} {transition}");
    for (date, offset_h) in [
        (before, offset_before_h),
        (transition, offset_after_h),
        (after, offset_after_h),
    ] {
        let day: Vec<&Slot> = slots
            .iter()
            .filter(|s| s.local_start(tz).date() == date)
            .collect();
        assert_eq!(day.len(), 29, "{tz} {date}");
        let first = day.first().unwrap();
        let last = day.last().unwrap();
        assert_eq!(first.local_start(tz), date.and_time(t(9, 0)), "{tz} {date}");
        assert_eq!(last.local_start(tz), date.and_time(t(16, 0)), "{tz} {date}");
        assert_eq!(last.local_end(tz), date.and_time(t(17, 0)), "{tz} {date}");
        for s in &day {
            assert_eq!(
                s.local_start(tz) - s.start_utc,
                TimeDelta::hours(offset_h),
                "{tz} {date} {s:?}"
            );
            assert_eq!(s.end_utc - s.start_utc, TimeDelta::hours(1));
        }
        assert_eq!(
            first.start_utc,
            date.and_time(t(9, 0)) - TimeDelta::hours(offset_h)
        );
    }
}

#[test]
fn london_spring_forward_2026_03_29() {
    check_dst_days(chrono_tz::Europe::London, d(2026, 3, 29), 0, 1);
}

#[test]
fn london_fall_back_2026_10_25() {
    check_dst_days(chrono_tz::Europe::London, d(2026, 10, 25), 1, 0);
}

#[test]
fn new_york_spring_forward_2026_03_08() {
    check_dst_days(chrono_tz::America::New_York, d(2026, 3, 8), -5, -4);
}

#[test]
fn new_york_fall_back_2026_11_01() {
    check_dst_days(chrono_tz::America::New_York, d(2026, 11, 1), -4, -5);
}

#[test]
fn window_over_the_london_gap_skips_missing_times() {
    // 01:00–01:59 local does not exist on Sun 29 Mar 2026 (GMT → BST at 01:00 UTC).
    let tz = chrono_tz::Europe::London;
    let windows = [Window::new(Weekday::Sun, t(0, 30), t(3, 0), None)];
    let q = SlotQuery::day(d(2026, 3, 29))
        .with_duration(30)
        .with_step(15);
    let slots = free_slots(&q, tz, &windows, &[], &[]);
    let starts: Vec<_> = slots.iter().map(|s| s.start_utc).collect();
    // Local 00:30, 00:45 (GMT), then 02:00, 02:15, 02:30 (BST); 02:45 + 30 min would pass 03:00.
    assert_eq!(
        starts,
        vec![
            dt(2026, 3, 29, 0, 30),
            dt(2026, 3, 29, 0, 45),
            dt(2026, 3, 29, 1, 0),
            dt(2026, 3, 29, 1, 15),
            dt(2026, 3, 29, 1, 30),
        ]
    );
    for s in &slots {
        assert_ne!(s.local_start(tz).hour(), 1);
        assert_eq!(s.end_utc - s.start_utc, TimeDelta::minutes(30));
    }
    // The window is 1.5 real hours that day.
    assert_eq!(
        expand_windows(q.from, q.to, tz, &windows),
        vec![(dt(2026, 3, 29, 0, 30), dt(2026, 3, 29, 2, 0), None)]
    );
}

#[test]
fn window_inside_the_gap_is_empty() {
    let tz = chrono_tz::Europe::London;
    let windows = [Window::new(Weekday::Sun, t(1, 10), t(1, 50), None)];
    let q = SlotQuery::day(d(2026, 3, 29))
        .with_duration(10)
        .with_step(5);
    assert!(free_slots(&q, tz, &windows, &[], &[]).is_empty());
    assert!(expand_windows(q.from, q.to, tz, &windows).is_empty());
    // The same window a week later is ordinary.
    let q = SlotQuery::day(d(2026, 4, 5)).with_duration(10).with_step(5);
    assert_eq!(free_slots(&q, tz, &windows, &[], &[]).len(), 7);
}

#[test]
fn new_york_gap_hour_has_no_starts() {
    // 02:00–02:59 local does not exist on Sun 8 Mar 2026.
    let tz = chrono_tz::America::New_York;
    let windows = [Window::new(Weekday::Sun, t(1, 0), t(4, 0), Some(9))];
    let q = SlotQuery::day(d(2026, 3, 8))
        .with_duration(30)
        .with_step(30);
    let local: Vec<_> = free_slots(&q, tz, &windows, &[], &[])
        .iter()
        .map(|s| s.local_start(tz).time())
        .collect();
    // 01:30 EST + 30 real minutes = 03:00 EDT; 03:30 EDT + 30 = 04:00 EDT.
    assert_eq!(local, vec![t(1, 0), t(1, 30), t(3, 0), t(3, 30)]);
}

#[test]
fn window_over_the_london_overlap_offers_both_passes() {
    // 01:00–01:59 local happens twice on Sun 25 Oct 2026 (BST, then GMT).
    let tz = chrono_tz::Europe::London;
    let windows = [Window::new(Weekday::Sun, t(0, 30), t(3, 0), None)];
    let q = SlotQuery::day(d(2026, 10, 25))
        .with_duration(60)
        .with_step(30);
    let slots = free_slots(&q, tz, &windows, &[], &[]);
    let starts: Vec<_> = slots.iter().map(|s| s.start_utc).collect();
    assert_eq!(
        starts,
        vec![
            dt(2026, 10, 24, 23, 30), // 00:30 BST
            dt(2026, 10, 25, 0, 0),   // 01:00 BST (first pass)
            dt(2026, 10, 25, 0, 30),  // 01:30 BST (first pass)
            dt(2026, 10, 25, 1, 0),   // 01:00 GMT (second pass)
            dt(2026, 10, 25, 1, 30),  // 01:30 GMT (second pass)
            dt(2026, 10, 25, 2, 0),   // 02:00 GMT
        ]
    );
    assert!(
        slots
            .iter()
            .all(|s| s.end_utc - s.start_utc == TimeDelta::hours(1))
    );
    // The window is 3.5 real hours that night.
    assert_eq!(
        expand_windows(q.from, q.to, tz, &windows),
        vec![(dt(2026, 10, 24, 23, 30), dt(2026, 10, 25, 3, 0), None)]
    );
    // Every slot is bookable.
    for s in &slots {
        assert_eq!(
            is_within_availability(s.start_utc, s.end_utc, tz, &windows, &[]),
            Ok(())
        );
    }
}

#[test]
fn london_2027_10_31_offers_both_half_past_ones_in_utc_order_with_distinct_labels() {
    // A doctor working 00:00–04:00 on Sun 31 Oct 2027: the clocks go back at 02:00 BST.
    let tz = chrono_tz::Europe::London;
    let windows = [Window::new(Weekday::Sun, t(0, 0), t(4, 0), Some(1))];
    let q = SlotQuery::day(d(2027, 10, 31))
        .with_duration(30)
        .with_step(30);
    let slots = free_slots(&q, tz, &windows, &[], &[]);
    let half_past_one: Vec<&Slot> = slots
        .iter()
        .filter(|s| s.local_start(tz).time() == t(1, 30))
        .collect();
    assert_eq!(
        half_past_one
            .iter()
            .map(|s| s.start_utc)
            .collect::<Vec<_>>(),
        vec![dt(2027, 10, 31, 0, 30), dt(2027, 10, 31, 1, 30)],
        "both instants of 01:30, the BST one first"
    );
    let labels: Vec<String> = half_past_one
        .iter()
        .map(|s| local_time::label(tz, s.start_utc, "%H:%M"))
        .collect();
    assert_eq!(labels, ["01:30 BST", "01:30 GMT"]);
    // The whole night, in UTC order, labelled without a repeat; 4.5 real hours of window.
    let all: Vec<String> = slots
        .iter()
        .map(|s| local_time::label(tz, s.start_utc, "%H:%M"))
        .collect();
    assert_eq!(
        all,
        [
            "00:00",
            "00:30",
            "01:00 BST",
            "01:30 BST",
            "01:00 GMT",
            "01:30 GMT",
            "02:00",
            "02:30",
            "03:00",
            "03:30"
        ]
    );
    assert!(slots.windows(2).all(|p| p[0].start_utc < p[1].start_utc));
    // A booking of the second one blocks only that one.
    let busy = [Busy::new(dt(2027, 10, 31, 1, 30), dt(2027, 10, 31, 2, 0))];
    let left: Vec<_> = free_slots(&q, tz, &windows, &[], &busy)
        .iter()
        .map(|s| local_time::label(tz, s.start_utc, "%H:%M"))
        .collect();
    assert!(left.contains(&"01:30 BST".to_string()), "{left:?}");
    assert!(!left.contains(&"01:30 GMT".to_string()), "{left:?}");
    // A window that ends inside the repeated hour ends at its first pass.
    let early = [Window::new(Weekday::Sun, t(0, 0), t(1, 30), Some(1))];
    let early_labels: Vec<_> = free_slots(&q, tz, &early, &[], &[])
        .iter()
        .map(|s| local_time::label(tz, s.start_utc, "%H:%M"))
        .collect();
    assert_eq!(early_labels, ["00:00", "00:30", "01:00 BST"]);
}

#[test]
fn whole_day_time_off_on_a_dst_day_blocks_exactly_that_day() {
    let tz = chrono_tz::America::New_York;
    let windows = every_day_9_to_17();
    let off = TimeOff::whole_days(d(2026, 11, 1), d(2026, 11, 1), tz, "Holiday").unwrap();
    let q = SlotQuery::new(d(2026, 10, 31), d(2026, 11, 2));
    let slots = free_slots(&q, tz, &windows, &[off], &[]);
    assert_eq!(slots.len(), 2 * 29);
    assert!(
        slots
            .iter()
            .all(|s| s.local_start(tz).date() != d(2026, 11, 1))
    );
}

#[test]
fn slot_end_is_real_time_across_the_gap() {
    // Window 00:00–02:30 local on Sun 29 Mar 2026 is 00:00–01:30 UTC (1.5 real hours).
    // A 90-minute slot at 00:30 would end at 02:00 on a wall clock that kept going, but
    // really ends at 03:00 BST, after the window: it is not offered.
    let tz = chrono_tz::Europe::London;
    let windows = [Window::new(Weekday::Sun, t(0, 0), t(2, 30), None)];
    let q = SlotQuery::day(d(2026, 3, 29))
        .with_duration(90)
        .with_step(30);
    let starts: Vec<_> = free_slots(&q, tz, &windows, &[], &[])
        .iter()
        .map(|s| s.start_utc)
        .collect();
    assert_eq!(starts, vec![dt(2026, 3, 29, 0, 0)]);
}
