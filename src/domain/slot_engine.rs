//! The slot engine behind [`availability`](super::availability): free slots, window
//! occurrences and the booking check, over weekly windows and dated extra hours. The
//! rules (daylight saving, boundaries, speed) are documented on that module.
//!
//! Extra hours ([`ExtraHours`]) are windows of one local date: on that date they count
//! exactly like the weekly windows of its weekday. A slot lies inside one window
//! occurrence, weekly or extra (as with two touching weekly windows, a slot does not
//! straddle the two). When windows overlap despite validation, a start offered by
//! several is kept once, from the window that sorts first by (start, end), a weekly
//! window before extra hours on a tie.

use std::borrow::Cow;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Weekday,
};
use chrono_tz::Tz;

use super::availability::{
    AvailabilityError, Busy, LocationId, SECS_PER_DAY, Slot, SlotQuery, TimeOff, UtcWindow, Window,
    gap_end_ts,
};
use super::extra_hours::ExtraHours;

/// Seconds since the epoch, rounded down.
fn floor_ts(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

/// Seconds since the epoch, rounded up.
fn ceil_ts(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp() + i64::from(t.nanosecond() > 0)
}

fn ts_to_naive(ts: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(ts, 0).map(|dt| dt.naive_utc())
}

/// A window reduced to whole seconds from local midnight.
#[derive(Debug, Clone, Copy)]
struct PreparedWindow {
    start_s: i64,
    end_s: i64,
    location_id: Option<LocationId>,
}

/// Windows grouped by weekday (Monday = 0), each group sorted by start; empty ones dropped.
struct WeekWindows {
    windows: Vec<PreparedWindow>,
    /// `windows[bounds[d]..bounds[d + 1]]` are the windows of weekday `d`.
    bounds: [usize; 8],
}

impl PreparedWindow {
    /// `[start, end)` in whole seconds (start rounded up, end down); `None` when empty.
    fn new(start: NaiveTime, end: NaiveTime, location_id: Option<LocationId>) -> Option<Self> {
        let start_s =
            i64::from(start.num_seconds_from_midnight()) + i64::from(start.nanosecond() > 0);
        let end_s = i64::from(end.num_seconds_from_midnight());
        (start_s < end_s).then_some(PreparedWindow {
            start_s,
            end_s,
            location_id,
        })
    }
}

impl WeekWindows {
    fn new(windows: &[Window]) -> Self {
        let mut keyed: Vec<(u32, PreparedWindow)> = windows
            .iter()
            .filter_map(|w| {
                PreparedWindow::new(w.start, w.end, w.location_id)
                    .map(|p| (w.weekday.num_days_from_monday(), p))
            })
            .collect();
        keyed.sort_by_key(|(d, w)| (*d, w.start_s, w.end_s));
        let mut bounds = [0usize; 8];
        for (d, bound) in bounds.iter_mut().enumerate() {
            *bound = keyed.partition_point(|(wd, _)| (*wd as usize) < d);
        }
        Self {
            windows: keyed.into_iter().map(|(_, w)| w).collect(),
            bounds,
        }
    }

    fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    fn of(&self, weekday: Weekday) -> &[PreparedWindow] {
        let d = weekday.num_days_from_monday() as usize;
        &self.windows[self.bounds[d]..self.bounds[d + 1]]
    }
}

/// Extra hours reduced to seconds from local midnight, sorted by (date, start, end).
struct DatedWindows {
    items: Vec<(NaiveDate, PreparedWindow)>,
}

impl DatedWindows {
    fn new(extra: &[ExtraHours]) -> Self {
        let mut items: Vec<(NaiveDate, PreparedWindow)> = extra
            .iter()
            .filter_map(|x| PreparedWindow::new(x.start, x.end, x.location_id).map(|p| (x.date, p)))
            .collect();
        items.sort_by_key(|(d, w)| (*d, w.start_s, w.end_s));
        Self { items }
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn of(&self, date: NaiveDate) -> &[(NaiveDate, PreparedWindow)] {
        let lo = self.items.partition_point(|(d, _)| *d < date);
        let hi = self.items.partition_point(|(d, _)| *d <= date);
        &self.items[lo..hi]
    }
}

/// The windows of one date: its weekday's weekly windows and its extra hours, by
/// (start, end); a weekly window first on a tie.
fn day_windows<'a>(
    week: &'a WeekWindows,
    dated: &DatedWindows,
    date: NaiveDate,
) -> Cow<'a, [PreparedWindow]> {
    let weekly = week.of(date.weekday());
    let extra = dated.of(date);
    if extra.is_empty() {
        return Cow::Borrowed(weekly);
    }
    let mut all = weekly.to_vec();
    all.extend(extra.iter().map(|(_, w)| *w));
    all.sort_by_key(|w| (w.start_s, w.end_s));
    Cow::Owned(all)
}

/// Local wall-clock seconds of one date → UTC seconds.
struct DayMap {
    tz: Tz,
    /// Local midnight of the date, as if it were UTC (seconds since the epoch).
    local_midnight: i64,
    /// `local - utc` in seconds when it is the same all day.
    fixed_offset: Option<i64>,
}

impl DayMap {
    fn new(tz: Tz, date: NaiveDate) -> Self {
        let midnight = date.and_time(NaiveTime::MIN);
        let last = date.and_hms_opt(23, 59, 59).unwrap_or(midnight);
        let fixed_offset = match (
            tz.offset_from_local_datetime(&midnight),
            tz.offset_from_local_datetime(&last),
        ) {
            (LocalResult::Single(a), LocalResult::Single(b)) => {
                let (a, b) = (a.fix().local_minus_utc(), b.fix().local_minus_utc());
                (a == b).then_some(i64::from(a))
            }
            _ => None,
        };
        Self {
            tz,
            local_midnight: midnight.and_utc().timestamp(),
            fixed_offset,
        }
    }

    fn local(&self, secs: i64) -> Option<NaiveDateTime> {
        ts_to_naive(self.local_midnight + secs)
    }

    /// Slot-start rule: no instant in a gap, one for an ordinary time, both (earliest
    /// first) when ambiguous.
    fn start_ts(&self, secs: i64) -> [Option<i64>; 2] {
        if let Some(off) = self.fixed_offset {
            return [Some(self.local_midnight + secs - off), None];
        }
        let Some(local) = self.local(secs) else {
            return [None, None];
        };
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(dt) => [Some(dt.timestamp()), None],
            LocalResult::Ambiguous(a, b) => {
                let (a, b) = (a.timestamp(), b.timestamp());
                [Some(a.min(b)), Some(a.max(b))]
            }
            LocalResult::None => [None, None],
        }
    }

    /// Boundary rule: earliest instant at which the wall clock shows `secs` or later.
    fn boundary_ts(&self, secs: i64) -> Option<i64> {
        if let Some(off) = self.fixed_offset {
            return Some(self.local_midnight + secs - off);
        }
        self.start_ts(secs)[0].or_else(|| gap_end_ts(self.tz, &self.local(secs)?))
    }
}

/// Calls `f(date)` for each date of `from..=to`.
fn for_each_date(from: NaiveDate, to: NaiveDate, mut f: impl FnMut(NaiveDate)) {
    let mut date = from;
    while date <= to {
        f(date);
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
}

/// Merged, sorted UTC-second intervals that block slots, restricted to `[lo, hi)`.
fn blocked_intervals(time_off: &[TimeOff], busy: &[Busy], lo: i64, hi: i64) -> Vec<(i64, i64)> {
    let mut v: Vec<(i64, i64)> = Vec::with_capacity(time_off.len() + busy.len());
    let pairs = time_off
        .iter()
        .map(|t| (t.start_utc, t.end_utc))
        .chain(busy.iter().map(|b| (b.start_utc, b.end_utc)));
    for (s, e) in pairs {
        if s >= e {
            continue;
        }
        let (s, e) = (floor_ts(s), ceil_ts(e));
        if s < hi && e > lo {
            v.push((s, e));
        }
    }
    v.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Free slots for one doctor.
///
/// For each local date `q.from..=q.to` and each window of that weekday, candidate starts are
/// the step-aligned local wall-clock times inside the window (multiples of
/// `q.step_minutes` from local midnight); see the module documentation for DST. A slot
/// `[start_utc, start_utc + duration)` is kept if it lies inside the window's UTC interval,
/// overlaps no time off and no busy interval, and does not start before `q.not_before_utc`.
/// The result is sorted by `start_utc`, with unique starts. A zero duration or step, or a
/// reversed date range, gives no slots (use [`SlotQuery::validate`] to explain why).
pub fn free_slots(
    q: &SlotQuery,
    tz: Tz,
    windows: &[Window],
    time_off: &[TimeOff],
    busy: &[Busy],
) -> Vec<Slot> {
    free_slots_with_extra(q, tz, windows, &[], time_off, busy)
}

/// [`free_slots`] over the weekly windows and the extra hours of dated openings: on its
/// date, an [`ExtraHours`] is one more window (see the module documentation).
pub fn free_slots_with_extra(
    q: &SlotQuery,
    tz: Tz,
    windows: &[Window],
    extra: &[ExtraHours],
    time_off: &[TimeOff],
    busy: &[Busy],
) -> Vec<Slot> {
    if q.duration_minutes == 0 || q.step_minutes == 0 || q.to < q.from {
        return Vec::new();
    }
    let week = WeekWindows::new(windows);
    let dated = DatedWindows::new(extra);
    if week.is_empty() && dated.is_empty() {
        return Vec::new();
    }
    let step = i64::from(q.step_minutes) * 60;
    let dur = i64::from(q.duration_minutes) * 60;
    // Every slot lies within local midnight of `from` .. local midnight after `to`, and no
    // zone is more than a day away from UTC.
    let lo = floor_ts(q.from.and_time(NaiveTime::MIN)) - 2 * SECS_PER_DAY;
    let hi = floor_ts(q.to.and_time(NaiveTime::MIN)) + 3 * SECS_PER_DAY;
    let blocked = blocked_intervals(time_off, busy, lo, hi);
    let not_before = q.not_before_utc.map_or(i64::MIN, ceil_ts);

    let mut out: Vec<Slot> = Vec::new();
    let mut idx = 0usize;
    let mut idx_at = i64::MIN;
    let mut in_order = true;
    for_each_date(q.from, q.to, |date| {
        let day_windows = day_windows(&week, &dated, date);
        if day_windows.is_empty() {
            return;
        }
        let day = DayMap::new(tz, date);
        for w in day_windows.iter() {
            let (Some(w_lo), Some(w_hi)) = (day.boundary_ts(w.start_s), day.boundary_ts(w.end_s))
            else {
                continue;
            };
            if w_hi - w_lo < dur || w_hi - dur < not_before {
                continue;
            }
            let mut t = (w.start_s + step - 1) / step * step;
            'candidates: while t < w.end_s {
                let local_t = t;
                t += step;
                // None in a spring-forward gap (that wall-clock time does not exist); two
                // instants for a time in the repeated hour of a fall-back night.
                for s in day.start_ts(local_t).into_iter().flatten() {
                    let e = s + dur;
                    if e > w_hi {
                        if day.fixed_offset.is_some() {
                            break 'candidates;
                        }
                        continue;
                    }
                    if s < w_lo || s < not_before {
                        continue;
                    }
                    if s < idx_at {
                        in_order = false;
                        idx = blocked.partition_point(|b| b.1 <= s);
                    }
                    while idx < blocked.len() && blocked[idx].1 <= s {
                        idx += 1;
                    }
                    idx_at = s;
                    if idx < blocked.len() && blocked[idx].0 < e {
                        continue;
                    }
                    if let (Some(start_utc), Some(end_utc)) = (ts_to_naive(s), ts_to_naive(e)) {
                        out.push(Slot {
                            start_utc,
                            end_utc,
                            location_id: w.location_id,
                        });
                    }
                }
            }
        }
    });
    if !in_order {
        out.sort_by_key(|s| s.start_utc);
    }
    out.dedup_by_key(|s| s.start_utc);
    out
}

/// The UTC intervals of the windows on each local date `from..=to` (inclusive), sorted by
/// start. Bounds use the boundary rule (see the module documentation); a window that is
/// empty on a date (wholly inside a DST gap) is left out.
pub fn expand_windows(
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
    windows: &[Window],
) -> Vec<UtcWindow> {
    expand_windows_with_extra(from, to, tz, windows, &[])
}

/// [`expand_windows`] with the extra hours of each date among them.
pub fn expand_windows_with_extra(
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
    windows: &[Window],
    extra: &[ExtraHours],
) -> Vec<UtcWindow> {
    let week = WeekWindows::new(windows);
    let dated = DatedWindows::new(extra);
    let mut out = Vec::new();
    if week.is_empty() && dated.is_empty() {
        return out;
    }
    for_each_date(from, to, |date| {
        let day_windows = day_windows(&week, &dated, date);
        if day_windows.is_empty() {
            return;
        }
        let day = DayMap::new(tz, date);
        for w in day_windows.iter() {
            let (Some(lo), Some(hi)) = (day.boundary_ts(w.start_s), day.boundary_ts(w.end_s))
            else {
                continue;
            };
            if lo >= hi {
                continue;
            }
            if let (Some(lo), Some(hi)) = (ts_to_naive(lo), ts_to_naive(hi)) {
                out.push((lo, hi, w.location_id));
            }
        }
    });
    out.sort_by_key(|&(s, e, _)| (s, e));
    out
}

/// Checks that a requested appointment `[start_utc, end_utc)` lies inside one window
/// occurrence and outside all time off, and returns that window's location.
/// Busy intervals (double booking) are the booking service's own check; step alignment is
/// not required.
pub fn covering_location(
    start_utc: NaiveDateTime,
    end_utc: NaiveDateTime,
    tz: Tz,
    windows: &[Window],
    time_off: &[TimeOff],
) -> Result<Option<LocationId>, AvailabilityError> {
    covering_location_with_extra(start_utc, end_utc, tz, windows, &[], time_off)
}

/// [`covering_location`] where the extra hours of dated openings count as windows.
pub fn covering_location_with_extra(
    start_utc: NaiveDateTime,
    end_utc: NaiveDateTime,
    tz: Tz,
    windows: &[Window],
    extra: &[ExtraHours],
    time_off: &[TimeOff],
) -> Result<Option<LocationId>, AvailabilityError> {
    if start_utc >= end_utc {
        return Err(AvailabilityError::AppointmentNotPositive);
    }
    let local_start = tz.from_utc_datetime(&start_utc).naive_local();
    let local_end = tz.from_utc_datetime(&end_utc).naive_local();
    let date = local_start.date();
    let from = date.pred_opt().unwrap_or(date);
    let to = date.succ_opt().unwrap_or(date);
    let covering = expand_windows_with_extra(from, to, tz, windows, extra)
        .into_iter()
        .find(|&(s, e, _)| s <= start_utc && end_utc <= e);
    let Some((_, _, location_id)) = covering else {
        return Err(AvailabilityError::NotCovered {
            date,
            start: local_start.time(),
            end: local_end.time(),
        });
    };
    if let Some(t) = time_off.iter().find(|t| t.overlaps(start_utc, end_utc)) {
        return Err(AvailabilityError::InTimeOff {
            reason: t.reason.clone(),
        });
    }
    Ok(location_id)
}

/// [`covering_location`] without the location: `Ok(())` when the doctor is available for
/// the whole of `[start_utc, end_utc)`.
pub fn is_within_availability(
    start_utc: NaiveDateTime,
    end_utc: NaiveDateTime,
    tz: Tz,
    windows: &[Window],
    time_off: &[TimeOff],
) -> Result<(), AvailabilityError> {
    covering_location(start_utc, end_utc, tz, windows, time_off).map(|_| ())
}
