//! Login throttling policy: after five failures in a row an account (by email and login
//! kind) is locked for a delay that doubles with each further failure.

use chrono::Duration;

/// Failures allowed before the first lock.
pub const FREE_ATTEMPTS: u32 = 5;
const FIRST_LOCK_SECS: i64 = 30;
const MAX_LOCK_SECS: i64 = 15 * 60;

/// The lock to apply after `failures` consecutive failures (`None`: no lock yet).
/// 5 -> 30 s, 6 -> 60 s, 7 -> 120 s, ... capped at 15 minutes.
pub fn lock_after(failures: u32) -> Option<Duration> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(10);
    let secs = FIRST_LOCK_SECS
        .saturating_mul(1 << doublings)
        .min(MAX_LOCK_SECS);
    Some(Duration::seconds(secs))
}

/// "1 min 30 s", "45 s": how a wait reads on screen.
pub fn describe_wait(d: Duration) -> String {
    let secs = d.num_seconds().max(1);
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps() {
        assert_eq!(lock_after(4), None);
        assert_eq!(lock_after(5), Some(Duration::seconds(30)));
        assert_eq!(lock_after(6), Some(Duration::seconds(60)));
        assert_eq!(lock_after(7), Some(Duration::seconds(120)));
        assert_eq!(lock_after(30), Some(Duration::seconds(900)));
        assert_eq!(lock_after(u32::MAX), Some(Duration::seconds(900)));
    }

    #[test]
    fn waits_read_well() {
        assert_eq!(describe_wait(Duration::seconds(45)), "45 s");
        assert_eq!(describe_wait(Duration::seconds(90)), "1 min 30 s");
        assert_eq!(describe_wait(Duration::seconds(120)), "2 min");
        assert_eq!(describe_wait(Duration::milliseconds(10)), "1 s");
    }
}
