//! Working days (Monday to Friday) and how much of a task's span has elapsed on a date.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

pub fn is_working(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Working days from `start` to `end`, both included (0 when `end` is before `start`).
pub fn working_days(start: NaiveDate, end: NaiveDate) -> i64 {
    if end < start {
        return 0;
    }
    let days = (end - start).num_days() + 1;
    let weeks = days / 7;
    let mut count = weeks * 5;
    let mut d = start + Duration::days(weeks * 7);
    while d <= end {
        if is_working(d) {
            count += 1;
        }
        d += Duration::days(1);
    }
    count
}

/// The share (0 to 1) of a task from `start` to `finish` planned to be done by the end of `on`:
/// linear over its working days (over its calendar days when it has none, as a task on a
/// weekend); a milestone counts as done from its date on.
pub fn elapsed_share(start: NaiveDate, finish: NaiveDate, on: NaiveDate) -> f64 {
    if on < start {
        return 0.0;
    }
    if on >= finish {
        return 1.0;
    }
    let total = working_days(start, finish);
    let (done, total) = if total > 0 {
        (working_days(start, on), total)
    } else {
        ((on - start).num_days() + 1, (finish - start).num_days() + 1)
    };
    #[expect(clippy::cast_precision_loss, reason = "day counts are small")]
    let share = done as f64 / total as f64;
    share.clamp(0.0, 1.0)
}

/// The Monday of the week of `d`.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn working_days_skip_weekends() {
        // Monday 5 to Friday 16 January 2026: two working weeks.
        assert_eq!(working_days(d("2026-01-05"), d("2026-01-16")), 10);
        assert_eq!(working_days(d("2026-01-10"), d("2026-01-11")), 0);
        assert_eq!(working_days(d("2026-01-09"), d("2026-01-12")), 2);
        assert_eq!(working_days(d("2026-01-12"), d("2026-01-09")), 0);
    }

    #[test]
    fn elapsed_share_is_linear_over_working_days() {
        let (s, f) = (d("2026-01-05"), d("2026-01-16"));
        assert_eq!(elapsed_share(s, f, d("2026-01-04")), 0.0);
        assert!((elapsed_share(s, f, d("2026-01-09")) - 0.5).abs() < 1e-9);
        // The weekend adds nothing.
        assert!((elapsed_share(s, f, d("2026-01-11")) - 0.5).abs() < 1e-9);
        assert_eq!(elapsed_share(s, f, d("2026-01-16")), 1.0);
        assert_eq!(monday_of(d("2026-01-11")), d("2026-01-05"));
    }
}
