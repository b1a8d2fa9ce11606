//! The critical path (W19), computed by Faena so that every schedule has one, Excel lists
//! included: a forward and a backward pass over the links with their lags, in working minutes
//! (the project calendar, the file's minutes per day).
//!
//! Choices, stated: only tasks without children take part (links that touch a summary task are
//! left out, as their dates follow from their children); a task's start in the file acts as "start
//! no earlier than" (so a task that waits for something the links do not say is not reported with
//! slack it does not have); elapsed lags count 7 calendar days as 5 working days; percentage lags
//! are a share of the predecessor's duration. A task is critical when its total slack is at most
//! one minute.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::calendar::WorkCalendar;
use super::{Link, LinkType, Task};

/// A task's place on the critical path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slack {
    /// Total slack in working days (0 on the critical path).
    pub total_days: f64,
    pub critical: bool,
}

fn lag_minutes(link: &Link, minutes_per_day: i32, predecessor_minutes: i64) -> i64 {
    match link.lag_format {
        19 | 20 => predecessor_minutes * link.lag_tenths / 1000,
        4 | 6 | 8 | 10 | 12 => {
            // Elapsed time: 7 calendar days are 5 working days.
            let minutes = link.lag_tenths / 10;
            minutes * 5 * i64::from(minutes_per_day) / (7 * 1440)
        }
        _ => link.lag_tenths / 10,
    }
}

/// Each task's total slack; `None` for summary tasks. `project_start` is where working time
/// starts counting (the schedule's start).
pub fn slack(
    tasks: &[Task],
    links: &[Link],
    minutes_per_day: i32,
    calendar: &WorkCalendar,
    project_start: NaiveDate,
) -> Vec<Option<Slack>> {
    let n = tasks.len();
    let mpd = i64::from(minutes_per_day.max(1));
    let parents: std::collections::HashSet<i32> =
        tasks.iter().filter_map(|t| t.parent_uid).collect();
    let leaf: Vec<bool> = tasks.iter().map(|t| !parents.contains(&t.uid)).collect();
    let index: HashMap<i32, usize> = tasks.iter().enumerate().map(|(i, t)| (t.uid, i)).collect();
    let duration: Vec<i64> = tasks.iter().map(|t| t.duration_minutes.max(0)).collect();
    // Links between leaves: (predecessor, successor, type, lag in minutes).
    let edges: Vec<(usize, usize, LinkType, i64)> = links
        .iter()
        .filter_map(|l| {
            let p = *index.get(&l.predecessor_uid)?;
            let s = *index.get(&l.successor_uid)?;
            (leaf[p] && leaf[s] && p != s)
                .then(|| (p, s, l.kind, lag_minutes(l, minutes_per_day, duration[p])))
        })
        .collect();
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, (p, s, ..)) in edges.iter().enumerate() {
        outgoing[*p].push(e);
        incoming[*s].push(e);
    }
    // Topological order (validation already refused cycles; anything left over is skipped).
    let mut pending: Vec<usize> = incoming.iter().map(Vec::len).collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| leaf[i] && pending[i] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let i = order[head];
        head += 1;
        for &e in &outgoing[i] {
            let s = edges[e].1;
            pending[s] -= 1;
            if pending[s] == 0 {
                order.push(s);
            }
        }
    }
    // Forward pass: the file's start is a floor.
    let mut early_start = vec![0i64; n];
    for &i in &order {
        let offset = if tasks[i].start > project_start {
            calendar.working_days(
                project_start,
                tasks[i].start.pred_opt().unwrap_or(tasks[i].start),
            ) * mpd
        } else {
            0
        };
        let mut es = offset;
        for &e in &incoming[i] {
            let (p, _, kind, lag) = edges[e];
            let (ps, pf) = (early_start[p], early_start[p] + duration[p]);
            let from_link = match kind {
                LinkType::FinishStart => pf + lag,
                LinkType::StartStart => ps + lag,
                LinkType::FinishFinish => pf + lag - duration[i],
                LinkType::StartFinish => ps + lag - duration[i],
            };
            es = es.max(from_link);
        }
        early_start[i] = es;
    }
    let finish = order
        .iter()
        .map(|&i| early_start[i] + duration[i])
        .max()
        .unwrap_or(0);
    // Backward pass.
    let mut late_finish = vec![finish; n];
    for &i in order.iter().rev() {
        let mut lf = finish;
        for &e in &outgoing[i] {
            let (_, s, kind, lag) = edges[e];
            let (ls_s, lf_s) = (late_finish[s] - duration[s], late_finish[s]);
            let bound = match kind {
                LinkType::FinishStart => ls_s - lag,
                LinkType::StartStart => ls_s - lag + duration[i],
                LinkType::FinishFinish => lf_s - lag,
                LinkType::StartFinish => lf_s - lag + duration[i],
            };
            lf = lf.min(bound);
        }
        late_finish[i] = lf;
    }
    let mut out = vec![None; n];
    for &i in &order {
        let slack = late_finish[i] - (early_start[i] + duration[i]);
        #[expect(clippy::cast_precision_loss, reason = "minutes are far below 2^53")]
        let total_days = slack as f64 / mpd as f64;
        out[i] = Some(Slack {
            total_days,
            critical: slack <= 1,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::task;
    use super::super::{LAG_FORMAT_DAYS, Link, LinkType};
    use super::*;

    fn link(p: i32, s: i32, kind: LinkType, lag_days: i64) -> Link {
        Link {
            predecessor_uid: p,
            successor_uid: s,
            kind,
            lag_tenths: lag_days * 4800,
            lag_format: LAG_FORMAT_DAYS,
        }
    }

    fn days(t: &mut Task, d: i64) {
        t.duration_minutes = d * 480;
    }

    fn start() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
    }

    #[test]
    fn w19_a_diamond_with_a_lag() {
        // 1 (2 d) → 2 (3 d) → 4 (1 d); 1 → 3 (1 d) +1 d → 4. Path 1-2-4 = 6 d; 1-3-4 = 5 d.
        let mut t: Vec<Task> = (1..=4)
            .map(|u| task(u, None, "2026-01-05", "2026-01-05"))
            .collect();
        days(&mut t[0], 2);
        days(&mut t[1], 3);
        days(&mut t[2], 1);
        days(&mut t[3], 1);
        let links = vec![
            link(1, 2, LinkType::FinishStart, 0),
            link(1, 3, LinkType::FinishStart, 0),
            link(2, 4, LinkType::FinishStart, 0),
            link(3, 4, LinkType::FinishStart, 1),
        ];
        let s = slack(&t, &links, 480, &WorkCalendar::standard(), start());
        let crit: Vec<bool> = s.iter().map(|x| x.unwrap().critical).collect();
        assert_eq!(crit, vec![true, true, false, true]);
        assert!((s[2].unwrap().total_days - 1.0).abs() < 1e-9);
    }

    #[test]
    fn w19_start_to_start_and_finish_to_finish() {
        // 1 (4 d); 2 (2 d) SS+1 after 1; 3 (1 d) FF after 2. 2 ends at day 3, 1 at day 4: the
        // finish is 1's; 2 and 3 have one day of slack.
        let mut t: Vec<Task> = (1..=3)
            .map(|u| task(u, None, "2026-01-05", "2026-01-05"))
            .collect();
        days(&mut t[0], 4);
        days(&mut t[1], 2);
        days(&mut t[2], 1);
        let links = vec![
            link(1, 2, LinkType::StartStart, 1),
            link(2, 3, LinkType::FinishFinish, 0),
        ];
        let s = slack(&t, &links, 480, &WorkCalendar::standard(), start());
        assert!(s[0].unwrap().critical);
        assert!((s[1].unwrap().total_days - 1.0).abs() < 1e-9);
        assert!((s[2].unwrap().total_days - 1.0).abs() < 1e-9);
    }

    #[test]
    fn w19_a_milestone_chain_and_summaries_left_out() {
        let mut t = vec![
            task(1, None, "2026-01-05", "2026-01-09"),
            task(2, Some(1), "2026-01-05", "2026-01-09"),
            task(3, Some(1), "2026-01-09", "2026-01-09"),
            task(4, None, "2026-01-09", "2026-01-09"),
        ];
        days(&mut t[1], 5);
        days(&mut t[2], 0);
        days(&mut t[3], 0);
        let links = vec![
            link(2, 3, LinkType::FinishStart, 0),
            link(3, 4, LinkType::FinishStart, 0),
            link(1, 4, LinkType::FinishStart, 0),
        ];
        let s = slack(&t, &links, 480, &WorkCalendar::standard(), start());
        assert_eq!(s[0], None, "a summary has no slack of its own");
        assert!(s[1].unwrap().critical && s[2].unwrap().critical && s[3].unwrap().critical);
    }

    #[test]
    fn w19_holidays_of_the_project_calendar_count() {
        // 1 (2 d) from Monday 5; 2 (1 d) starts Thursday 8 in the file. With Tuesday 6 a
        // holiday, 2 starts after 2 working days instead of 3: 1 has one day of slack, not two.
        let mut t = vec![
            task(1, None, "2026-01-05", "2026-01-07"),
            task(2, None, "2026-01-08", "2026-01-08"),
        ];
        days(&mut t[0], 2);
        days(&mut t[1], 1);
        let standard = slack(&t, &[], 480, &WorkCalendar::standard(), start());
        assert!((standard[0].unwrap().total_days - 2.0).abs() < 1e-9);
        let mut cal = WorkCalendar::standard();
        let holiday = NaiveDate::from_ymd_opt(2026, 1, 6).unwrap();
        cal.except(holiday, holiday, false);
        let with_holiday = slack(&t, &[], 480, &cal, start());
        assert!((with_holiday[0].unwrap().total_days - 1.0).abs() < 1e-9);
        assert!(with_holiday[1].unwrap().critical);
    }

    #[test]
    fn w19_a_later_file_start_is_a_floor() {
        // Task 2 has no link but starts on day 3 in the file: it ends with the project.
        let mut t = vec![
            task(1, None, "2026-01-05", "2026-01-09"),
            task(2, None, "2026-01-07", "2026-01-09"),
        ];
        days(&mut t[0], 5);
        days(&mut t[1], 3);
        let s = slack(&t, &[], 480, &WorkCalendar::standard(), start());
        assert!(s[0].unwrap().critical && s[1].unwrap().critical);
    }
}
