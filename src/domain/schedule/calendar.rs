//! Working days and how much of a task's span has elapsed on a date. The project's calendar comes
//! from the MSPDI file (its working weekdays and its exceptions: holidays, worked Saturdays);
//! without one, Monday to Friday. Task and resource calendars are not read.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The longest exception expanded day by day (ten years).
const MAX_EXCEPTION_DAYS: i64 = 3660;

/// A project's working calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Working weekdays, Monday first.
    pub weekdays: [bool; 7],
    /// Days that do not work although their weekday does (holidays).
    pub off: BTreeSet<NaiveDate>,
    /// Days that work although their weekday does not (a worked Saturday).
    pub on: BTreeSet<NaiveDate>,
}

impl Default for WorkCalendar {
    fn default() -> WorkCalendar {
        WorkCalendar::standard()
    }
}

impl WorkCalendar {
    /// Monday to Friday, no exceptions.
    pub fn standard() -> WorkCalendar {
        WorkCalendar {
            weekdays: [true, true, true, true, true, false, false],
            off: BTreeSet::new(),
            on: BTreeSet::new(),
        }
    }

    /// Marks `from..=to` as working or not (an exception of the file).
    pub fn except(&mut self, from: NaiveDate, to: NaiveDate, working: bool) {
        let mut d = from;
        let last = to.min(from + Duration::days(MAX_EXCEPTION_DAYS));
        while d <= last {
            if working {
                self.off.remove(&d);
                self.on.insert(d);
            } else {
                self.on.remove(&d);
                self.off.insert(d);
            }
            d += Duration::days(1);
        }
    }

    pub fn is_working(&self, d: NaiveDate) -> bool {
        if self.off.contains(&d) {
            return false;
        }
        self.on.contains(&d) || self.weekdays[d.weekday().num_days_from_monday() as usize]
    }

    /// Working days from `start` to `end`, both included (0 when `end` is before `start`).
    pub fn working_days(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        if end < start {
            return 0;
        }
        let days = (end - start).num_days() + 1;
        let weeks = days / 7;
        let per_week = i64::try_from(self.weekdays.iter().filter(|w| **w).count()).unwrap_or(5);
        let mut count = weeks * per_week;
        let mut d = start + Duration::days(weeks * 7);
        while d <= end {
            if self.weekdays[d.weekday().num_days_from_monday() as usize] {
                count += 1;
            }
            d += Duration::days(1);
        }
        let weekday = |d: &NaiveDate| self.weekdays[d.weekday().num_days_from_monday() as usize];
        let off = self.off.range(start..=end).filter(|d| weekday(d)).count();
        let on = self.on.range(start..=end).filter(|d| !weekday(d)).count();
        count - i64::try_from(off).unwrap_or(0) + i64::try_from(on).unwrap_or(0)
    }

    /// The share (0 to 1) of a task from `start` to `finish` planned by the end of `on`: linear
    /// over its working days (over its calendar days when it has none).
    pub fn elapsed_share(&self, start: NaiveDate, finish: NaiveDate, on: NaiveDate) -> f64 {
        if on < start {
            return 0.0;
        }
        if on >= finish {
            return 1.0;
        }
        let total = self.working_days(start, finish);
        let (done, total) = if total > 0 {
            (self.working_days(start, on), total)
        } else {
            ((on - start).num_days() + 1, (finish - start).num_days() + 1)
        };
        #[expect(clippy::cast_precision_loss, reason = "day counts are small")]
        let share = done as f64 / total as f64;
        share.clamp(0.0, 1.0)
    }

    /// How the calendar is stored with a version: empty for the standard one, else
    /// `1111100;off=2026-01-01,…;on=2026-02-07,…`.
    pub fn code(&self) -> String {
        if *self == WorkCalendar::standard() {
            return String::new();
        }
        let days = |set: &BTreeSet<NaiveDate>| {
            set.iter()
                .map(|d| d.format("%Y-%m-%d").to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let week: String = self
            .weekdays
            .iter()
            .map(|w| if *w { '1' } else { '0' })
            .collect();
        format!("{week};off={};on={}", days(&self.off), days(&self.on))
    }

    /// The calendar stored by `code` (anything unreadable is the standard one).
    pub fn from_code(code: &str) -> WorkCalendar {
        let mut cal = WorkCalendar::standard();
        let mut parts = code.split(';');
        let Some(week) = parts.next().filter(|w| w.len() == 7) else {
            return cal;
        };
        for (i, c) in week.chars().enumerate() {
            cal.weekdays[i] = c == '1';
        }
        for part in parts {
            let (set, list) = match part.split_once('=') {
                Some(("off", l)) => (&mut cal.off, l),
                Some(("on", l)) => (&mut cal.on, l),
                _ => continue,
            };
            set.extend(
                list.split(',')
                    .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            );
        }
        cal
    }
}

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
    fn w19_a_calendar_with_a_holiday_and_a_worked_saturday() {
        let mut cal = WorkCalendar::standard();
        cal.except(d("2026-01-07"), d("2026-01-07"), false);
        cal.except(d("2026-01-10"), d("2026-01-10"), true);
        assert!(!cal.is_working(d("2026-01-07")));
        assert!(cal.is_working(d("2026-01-10")));
        assert_eq!(cal.working_days(d("2026-01-05"), d("2026-01-16")), 10);
        assert_eq!(cal.working_days(d("2026-01-05"), d("2026-01-09")), 4);
        assert_eq!(WorkCalendar::from_code(&cal.code()), cal);
        assert_eq!(WorkCalendar::standard().code(), "");
        assert_eq!(WorkCalendar::from_code(""), WorkCalendar::standard());
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
