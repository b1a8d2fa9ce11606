//! The S-curve (W17): cumulative planned %, by week, with each task's weight spread linearly
//! over its working days; cumulative real and client % from the dated captures.

use chrono::{Duration, NaiveDate};

use super::Task;
use super::calendar::{WorkCalendar, monday_of};
use super::rollup::Tree;

/// One progress capture of a leaf task (by its index in the version's tasks).
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub task: usize,
    pub on: NaiveDate,
    /// Percent (0–100); `None` when this capture did not report it.
    pub real: Option<f64>,
    pub client: Option<f64>,
}

/// One week of the curve: its Monday, and the values at its end (Sunday).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub week: NaiveDate,
    pub planned: f64,
    /// `None` for weeks that have not started yet.
    pub real: Option<f64>,
    pub client: Option<f64>,
}

/// Each leaf's newest real and client % as of `on` (captures sorted by date, then entry order;
/// the newest date wins). Leaves never captured are at 0.
pub fn values_on(task_count: usize, captures: &[Capture], on: NaiveDate) -> (Vec<f64>, Vec<f64>) {
    let mut real = vec![0.0; task_count];
    let mut client = vec![0.0; task_count];
    for c in captures.iter().take_while(|c| c.on <= on) {
        if let Some(v) = c.real
            && let Some(slot) = real.get_mut(c.task)
        {
            *slot = v;
        }
        if let Some(v) = c.client
            && let Some(slot) = client.get_mut(c.task)
        {
            *slot = v;
        }
    }
    (real, client)
}

/// Planned % of each task by the end of `on`.
pub fn planned_on(
    tasks: &[Task],
    tree: &Tree,
    calendar: &WorkCalendar,
    on: NaiveDate,
) -> (Vec<f64>, f64) {
    tree.roll(|i| {
        tasks.get(i).map_or(0.0, |t| {
            100.0 * calendar.elapsed_share(t.start, t.finish, on)
        })
    })
}

/// The weekly series from the week of `start` to the week of `finish` (or of the last capture,
/// when later). Real and client values stop at `today`'s week.
pub fn series(
    tasks: &[Task],
    tree: &Tree,
    calendar: &WorkCalendar,
    captures: &[Capture],
    (start, finish): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Vec<Point> {
    let last = captures
        .iter()
        .map(|c| c.on)
        .max()
        .map_or(finish, |c| c.max(finish));
    let mut week = monday_of(start);
    let mut points = Vec::new();
    // A long schedule is still a few hundred weeks; the bound only guards absurd dates.
    while week <= last && points.len() < 2_000 {
        let end = week + Duration::days(6);
        let (_, planned) = planned_on(tasks, tree, calendar, end);
        let (real, client) = if week <= today {
            let (r, c) = values_on(tasks.len(), captures, end.min(today));
            let (_, real) = tree.roll(|i| r[i]);
            let (_, client) = tree.roll(|i| c[i]);
            (Some(real), Some(client))
        } else {
            (None, None)
        };
        points.push(Point {
            week,
            planned,
            real,
            client,
        });
        week += Duration::days(7);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::super::tests::task;
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn w17_planned_curve_reaches_100_at_the_finish_week() {
        let tasks = vec![
            task(1, None, "2026-01-05", "2026-01-09"),
            task(2, None, "2026-01-12", "2026-01-16"),
        ];
        let tree = Tree::new(&tasks, false, 480);
        let captures = vec![Capture {
            task: 0,
            on: d("2026-01-08"),
            real: Some(50.0),
            client: None,
        }];
        let points = series(
            &tasks,
            &tree,
            &WorkCalendar::standard(),
            &captures,
            (d("2026-01-05"), d("2026-01-16")),
            d("2026-01-10"),
        );
        assert_eq!(points.len(), 2);
        assert!((points[0].planned - 50.0).abs() < 1e-9);
        assert!((points[1].planned - 100.0).abs() < 1e-9);
        assert_eq!(points[0].real, Some(25.0));
        assert_eq!(points[0].client, Some(0.0));
        assert_eq!(points[1].real, None);
    }

    #[test]
    fn w16_newest_capture_wins() {
        let captures = vec![
            Capture {
                task: 0,
                on: d("2026-01-05"),
                real: Some(10.0),
                client: Some(5.0),
            },
            Capture {
                task: 0,
                on: d("2026-01-07"),
                real: Some(30.0),
                client: None,
            },
        ];
        let (real, client) = values_on(1, &captures, d("2026-01-31"));
        assert_eq!(real, vec![30.0]);
        assert_eq!(client, vec![5.0]);
        let (real, _) = values_on(1, &captures, d("2026-01-06"));
        assert_eq!(real, vec![10.0]);
    }
}
