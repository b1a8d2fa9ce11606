//! W10 progress: time, steps and combined, one implementation for every page and the API.

use chrono::{NaiveDate, Utc};

/// Time progress over a window `[start, end]`, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeProgress {
    /// 0..=100.
    pub percent: i32,
    pub elapsed_days: i64,
    pub remaining_days: i64,
    /// end − start + 1; 0 when the window is missing or inverted.
    pub total_days: i64,
}

/// Time progress of `today` in the window: 0 before the start, 100 after the end, otherwise
/// floor(elapsed / total × 100) with elapsed = today − start.
pub fn time_progress(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    today: NaiveDate,
) -> TimeProgress {
    let (Some(start), Some(end)) = (start, end) else {
        return TimeProgress::default();
    };
    let total = (end - start).num_days() + 1;
    if total <= 0 {
        return TimeProgress::default();
    }
    if today < start {
        return TimeProgress {
            percent: 0,
            elapsed_days: 0,
            remaining_days: total,
            total_days: total,
        };
    }
    if today > end {
        return TimeProgress {
            percent: 100,
            elapsed_days: total,
            remaining_days: 0,
            total_days: total,
        };
    }
    let elapsed = (today - start).num_days();
    TimeProgress {
        percent: i32::try_from(elapsed * 100 / total).unwrap_or(100),
        elapsed_days: elapsed,
        remaining_days: (total - elapsed).max(0),
        total_days: total,
    }
}

/// Step counts of one OT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StepCounts {
    pub total: i64,
    /// Status 3 COMPLETADO.
    pub completed: i64,
    /// Every step but 14 NO APLICA.
    pub applicable: i64,
}

impl StepCounts {
    /// floor(completed / applicable × 100); 0 with no applicable steps.
    pub fn percent(&self) -> i32 {
        if self.applicable <= 0 {
            return 0;
        }
        i32::try_from(self.completed * 100 / self.applicable).unwrap_or(100)
    }
}

/// floor(0.7 × time + 0.3 × steps), in integers so that 70/30 weights never round up.
pub fn combined(time_percent: i32, step_percent: i32) -> i32 {
    (7 * time_percent + 3 * step_percent) / 10
}

/// The bar colour class: < 25 red-orange, < 75 yellow, otherwise green.
pub fn colour(percent: i32) -> &'static str {
    match percent {
        p if p < 25 => "low",
        p if p < 75 => "mid",
        _ => "high",
    }
}

/// Everything the list, the detail page and the API show about an OT's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub time: TimeProgress,
    /// Real variant: real start to planned end.
    pub time_real: TimeProgress,
    pub steps: StepCounts,
    pub step_percent: i32,
    pub combined: i32,
    pub combined_real: i32,
}

impl Progress {
    pub fn compute(
        planned_start: Option<NaiveDate>,
        planned_end: Option<NaiveDate>,
        real_start: Option<NaiveDate>,
        steps: StepCounts,
        today: NaiveDate,
    ) -> Progress {
        let time = time_progress(planned_start, planned_end, today);
        let time_real = time_progress(real_start, planned_end, today);
        let step_percent = steps.percent();
        Progress {
            time,
            time_real,
            steps,
            step_percent,
            combined: combined(time.percent, step_percent),
            combined_real: combined(time_real.percent, step_percent),
        }
    }

    pub fn colour(&self) -> &'static str {
        colour(self.combined)
    }
}

/// "Today" for progress: the date in America/Mexico_City, or a fixed date (tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    fixed: Option<NaiveDate>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    pub fn fixed(date: NaiveDate) -> Clock {
        Clock { fixed: Some(date) }
    }

    pub fn today(&self) -> NaiveDate {
        self.fixed.unwrap_or_else(|| {
            Utc::now()
                .with_timezone(&chrono_tz::America::Mexico_City)
                .date_naive()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, day).unwrap()
    }

    #[test]
    fn time_progress_table() {
        // (start, end, today) -> (percent, elapsed, remaining, total)
        let cases = [
            (
                "before start",
                Some(d(10)),
                Some(d(19)),
                d(5),
                (0, 0, 10, 10),
            ),
            ("first day", Some(d(10)), Some(d(19)), d(10), (0, 0, 10, 10)),
            ("middle", Some(d(10)), Some(d(19)), d(15), (50, 5, 5, 10)),
            ("last day", Some(d(10)), Some(d(19)), d(19), (90, 9, 1, 10)),
            (
                "after end",
                Some(d(10)),
                Some(d(19)),
                d(25),
                (100, 10, 0, 10),
            ),
            (
                "one-day window",
                Some(d(10)),
                Some(d(10)),
                d(10),
                (0, 0, 1, 1),
            ),
            (
                "one-day window, next day",
                Some(d(10)),
                Some(d(10)),
                d(11),
                (100, 1, 0, 1),
            ),
            ("no dates", None, None, d(10), (0, 0, 0, 0)),
            ("no end", Some(d(10)), None, d(12), (0, 0, 0, 0)),
            ("inverted", Some(d(19)), Some(d(10)), d(12), (0, 0, 0, 0)),
        ];
        for (name, start, end, today, (p, e, r, t)) in cases {
            let got = time_progress(start, end, today);
            assert_eq!(
                (
                    got.percent,
                    got.elapsed_days,
                    got.remaining_days,
                    got.total_days
                ),
                (p, e, r, t),
                "{name}"
            );
        }
    }

    #[test]
    fn step_progress_ignores_no_aplica_and_is_zero_without_applicable_steps() {
        let mixed = StepCounts {
            total: 6,
            completed: 2,
            applicable: 4,
        };
        assert_eq!(mixed.percent(), 50);
        let all_na = StepCounts {
            total: 3,
            completed: 0,
            applicable: 0,
        };
        assert_eq!(all_na.percent(), 0);
        let none = StepCounts::default();
        assert_eq!(none.percent(), 0);
        let thirds = StepCounts {
            total: 3,
            completed: 1,
            applicable: 3,
        };
        assert_eq!(thirds.percent(), 33);
    }

    #[test]
    fn combined_is_seventy_thirty_floored_and_colours_follow_the_thresholds() {
        assert_eq!(combined(50, 50), 50);
        assert_eq!(combined(100, 0), 70);
        assert_eq!(combined(0, 100), 30);
        assert_eq!(combined(33, 33), 33);
        assert_eq!(combined(1, 1), 1);
        assert_eq!(colour(24), "low");
        assert_eq!(colour(25), "mid");
        assert_eq!(colour(74), "mid");
        assert_eq!(colour(75), "high");
    }

    #[test]
    fn the_real_variant_runs_from_the_real_start_to_the_planned_end() {
        let steps = StepCounts {
            total: 4,
            completed: 2,
            applicable: 4,
        };
        let p = Progress::compute(Some(d(1)), Some(d(20)), Some(d(11)), steps, d(16));
        assert_eq!(p.time.percent, 75);
        assert_eq!(p.time_real.percent, 50);
        assert_eq!(p.combined, (7 * 75 + 3 * 50) / 10);
        assert_eq!(p.combined_real, (7 * 50 + 3 * 50) / 10);
    }
}

/// How an OT's status pill looks (the legacy's colours): ASIGNADA yellow, EN EJECUCION blue,
/// TERMINADA green, CANCELADA red, the others neutral.
pub fn status_tone(status: i32) -> &'static str {
    use super::codes::ot_status as s;
    match status {
        s::ASSIGNED => "yellow",
        s::IN_PROGRESS => "blue",
        s::FINISHED => "green",
        s::CANCELLED => "red",
        _ => "neutral",
    }
}

/// An order that is not moving (CANCELADA, SUSPENDIDA, DIFERIDA): its bar is grey whatever its
/// number, which stays W10's.
pub fn halted(status: i32) -> bool {
    use super::codes::ot_status as s;
    matches!(
        status,
        s::CANCELLED | s::SUSPENDED | s::DEFERRED | s::DEFERRED_NOT_STARTED
    )
}

/// True when an order with this status can be overdue: anything but TERMINADA or CANCELADA.
pub fn can_be_overdue(status: i32) -> bool {
    use super::codes::ot_status as s;
    !matches!(status, s::FINISHED | s::CANCELLED)
}

/// Days past the planned end, when today is past it and the order is still open
/// ("Vencida · N días").
pub fn overdue_days(planned_end: Option<NaiveDate>, status: i32, today: NaiveDate) -> Option<i64> {
    let end = planned_end?;
    (today > end && can_be_overdue(status)).then(|| (today - end).num_days())
}

#[cfg(test)]
mod status_tests {
    use super::*;
    use crate::domain::codes::ot_status;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_open_order_past_its_planned_end_is_overdue_by_whole_days() {
        let today = d(2025, 3, 6);
        let end = Some(d(2025, 3, 1));
        assert_eq!(overdue_days(end, ot_status::IN_PROGRESS, today), Some(5));
        assert_eq!(overdue_days(end, ot_status::FINISHED, today), None);
        assert_eq!(overdue_days(end, ot_status::CANCELLED, today), None);
        assert_eq!(
            overdue_days(Some(today), ot_status::IN_PROGRESS, today),
            None
        );
        assert_eq!(overdue_days(None, ot_status::IN_PROGRESS, today), None);
    }

    #[test]
    fn cancelled_suspended_and_deferred_orders_have_grey_bars_and_their_colours() {
        assert!(halted(ot_status::CANCELLED) && halted(ot_status::SUSPENDED));
        assert!(halted(ot_status::DEFERRED) && halted(ot_status::DEFERRED_NOT_STARTED));
        assert!(!halted(ot_status::IN_PROGRESS));
        assert_eq!(status_tone(ot_status::ASSIGNED), "yellow");
        assert_eq!(status_tone(ot_status::IN_PROGRESS), "blue");
        assert_eq!(status_tone(ot_status::FINISHED), "green");
        assert_eq!(status_tone(ot_status::CANCELLED), "red");
        assert_eq!(status_tone(ot_status::TO_CANCEL), "neutral");
    }
}
