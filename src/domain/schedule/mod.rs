//! Schedules (*programa de obra*, W15–W18): the tasks and links of an OT's schedule as read from
//! an MS Project XML (MSPDI) file or an Excel task list, the rules every import must pass
//! (all-or-nothing), and the arithmetic on top of them: working days, the weighted roll-up of
//! progress, the S-curve and the comparison of two versions.
//!
//! Calendar: the project calendar of the MSPDI file (working weekdays and exceptions), else
//! Monday to Friday. Durations keep the file's minutes and its minutes per day, so a re-export
//! writes back what was read.

pub mod calendar;
pub mod compare;
pub mod critical;
pub mod curve;
pub mod excel;
pub mod mspdi;
pub mod rollup;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

/// Most tasks a schedule may have.
pub const MAX_TASKS: usize = 20_000;
/// Problems listed when an import is refused.
pub const PROBLEMS_SHOWN: usize = 50;
/// Minutes per working day when the file does not say (MS Project's default).
pub const DEFAULT_MINUTES_PER_DAY: i32 = 480;
/// Weights are kept in millionths of the number written in the file.
pub const WEIGHT_SCALE: i64 = 1_000_000;

/// How a link ties two tasks (MSPDI `Type`: 0 FF, 1 FS, 2 SF, 3 SS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    FinishFinish,
    FinishStart,
    StartFinish,
    StartStart,
}

impl LinkType {
    /// The code stored and shown in the legacy API (`FS`, `SS`, `FF`, `SF`).
    pub fn code(self) -> &'static str {
        match self {
            LinkType::FinishFinish => "FF",
            LinkType::FinishStart => "FS",
            LinkType::StartFinish => "SF",
            LinkType::StartStart => "SS",
        }
    }

    /// The notation of MS Project in Spanish (`FC`, `CC`, `FF`, `CF`).
    pub fn spanish(self) -> &'static str {
        match self {
            LinkType::FinishFinish => "FF",
            LinkType::FinishStart => "FC",
            LinkType::StartFinish => "CF",
            LinkType::StartStart => "CC",
        }
    }

    pub fn from_mspdi(n: i64) -> Option<LinkType> {
        match n {
            0 => Some(LinkType::FinishFinish),
            1 => Some(LinkType::FinishStart),
            2 => Some(LinkType::StartFinish),
            3 => Some(LinkType::StartStart),
            _ => None,
        }
    }

    pub fn mspdi(self) -> i32 {
        match self {
            LinkType::FinishFinish => 0,
            LinkType::FinishStart => 1,
            LinkType::StartFinish => 2,
            LinkType::StartStart => 3,
        }
    }

    /// A code in English or Spanish notation, any case.
    pub fn from_code(code: &str) -> Option<LinkType> {
        match code.trim().to_uppercase().as_str() {
            "FS" | "FC" => Some(LinkType::FinishStart),
            "SS" | "CC" => Some(LinkType::StartStart),
            "FF" => Some(LinkType::FinishFinish),
            "SF" | "CF" => Some(LinkType::StartFinish),
            _ => None,
        }
    }
}

/// MSPDI `LagFormat` codes that count elapsed (calendar) time rather than working time.
const ELAPSED_LAG_FORMATS: [i32; 5] = [4, 6, 8, 10, 12];
/// MSPDI `LagFormat` codes of a lag written as a percentage of the predecessor's duration.
const PERCENT_LAG_FORMATS: [i32; 2] = [19, 20];
/// The `LagFormat` of a lag in working days.
pub const LAG_FORMAT_DAYS: i32 = 7;

/// A link between two tasks, by UID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub predecessor_uid: i32,
    pub successor_uid: i32,
    pub kind: LinkType,
    /// As MSPDI writes it: tenths of a minute (of working time, or elapsed time for the elapsed
    /// formats); for percentage formats, tenths of a percent.
    pub lag_tenths: i64,
    pub lag_format: i32,
}

impl Link {
    /// The lag in days: working days for the working formats (with the file's minutes per day),
    /// calendar days for the elapsed ones; `None` for a percentage lag (kept as written).
    pub fn lag_days(&self, minutes_per_day: i32) -> Option<f64> {
        #[expect(clippy::cast_precision_loss, reason = "lags are far below 2^53")]
        let minutes = self.lag_tenths as f64 / 10.0;
        if PERCENT_LAG_FORMATS.contains(&self.lag_format) {
            None
        } else if ELAPSED_LAG_FORMATS.contains(&self.lag_format) {
            Some(minutes / 1440.0)
        } else {
            Some(minutes / f64::from(minutes_per_day.max(1)))
        }
    }

    /// `5FC+2 d` as MS Project writes a predecessor in Spanish, from the predecessor's ID.
    pub fn notation(&self, predecessor_id: i32, minutes_per_day: i32) -> String {
        let lag = match self.lag_days(minutes_per_day) {
            _ if self.lag_tenths == 0 => String::new(),
            Some(d) => format!("{d:+} d").replace(".0 ", " "),
            #[expect(clippy::cast_precision_loss, reason = "lags are far below 2^53")]
            None => format!("{:+}%", self.lag_tenths as f64 / 10.0),
        };
        let kind = if self.kind == LinkType::FinishStart && lag.is_empty() {
            ""
        } else {
            self.kind.spanish()
        };
        format!("{predecessor_id}{kind}{lag}")
    }
}

/// The links into each task, by the task's UID (one pass, for writers that go task by task).
pub fn links_by_successor(links: &[Link]) -> HashMap<i32, Vec<&Link>> {
    let mut by: HashMap<i32, Vec<&Link>> = HashMap::new();
    for l in links {
        by.entry(l.successor_uid).or_default().push(l);
    }
    by
}

/// One task as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub uid: i32,
    /// MS Project's ID: the row number in the file's order.
    pub id: i32,
    pub wbs: String,
    pub outline_level: i32,
    pub parent_uid: Option<i32>,
    pub name: String,
    pub start: NaiveDate,
    pub finish: NaiveDate,
    pub duration_minutes: i64,
    pub milestone: bool,
    /// It has children (computed from the outline, not taken from the file).
    pub summary: bool,
    /// The ponderación in millionths of the number written, when the task has one.
    pub weight: Option<i64>,
    /// % complete in hundredths.
    pub percent_complete: i32,
    pub baseline_start: Option<NaiveDate>,
    pub baseline_finish: Option<NaiveDate>,
    pub critical: bool,
    /// Resource names, comma separated.
    pub resources: String,
}

impl Task {
    /// Duration in working days.
    pub fn days(&self, minutes_per_day: i32) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "durations are far below 2^53")]
        let minutes = self.duration_minutes as f64;
        minutes / f64::from(minutes_per_day.max(1))
    }

    /// "Tarea 12 «Soldadura»" for messages.
    pub fn label(&self) -> String {
        task_label(Some(self.id), &self.name)
    }
}

fn task_label(id: Option<i32>, name: &str) -> String {
    let name: String = name.chars().take(60).collect();
    match id {
        Some(id) if name.is_empty() => format!("Tarea {id}"),
        Some(id) => format!("Tarea {id} «{name}»"),
        None => format!("«{name}»"),
    }
}

/// A schedule as read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub minutes_per_day: i32,
    pub start: Option<NaiveDate>,
    pub finish: Option<NaiveDate>,
    /// Tasks in the file's order (parents before their children).
    pub tasks: Vec<Task>,
    pub links: Vec<Link>,
    /// The file carries a ponderación column (else roll-ups weigh by duration).
    pub has_weights: bool,
    /// The tasks' UIDs come from the file (MSPDI, or an Excel UID column), so they identify a
    /// task across versions; otherwise tasks are matched by WBS and name.
    pub stable_uids: bool,
    /// The project's working calendar (Monday to Friday unless the file says otherwise).
    pub calendar: calendar::WorkCalendar,
}

impl Schedule {
    /// The project's start and finish: the file's, else the tasks' earliest and latest dates.
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let start = self
            .start
            .or_else(|| self.tasks.iter().map(|t| t.start).min())?;
        let finish = self
            .finish
            .or_else(|| self.tasks.iter().map(|t| t.finish).max())?;
        Some((start, finish.max(start)))
    }
}

/// Why an import was refused: one problem of the file, with the task it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub task_id: Option<i32>,
    pub task_name: String,
    pub message: String,
}

impl Problem {
    pub fn file(message: impl Into<String>) -> Problem {
        Problem {
            task_id: None,
            task_name: String::new(),
            message: message.into(),
        }
    }

    pub fn task(id: Option<i32>, name: &str, message: impl Into<String>) -> Problem {
        Problem {
            task_id: id,
            task_name: name.to_owned(),
            message: message.into(),
        }
    }

    /// The problem as one sentence.
    pub fn text(&self) -> String {
        if self.task_id.is_none() && self.task_name.is_empty() {
            self.message.clone()
        } else {
            format!(
                "{}: {}",
                task_label(self.task_id, &self.task_name),
                self.message
            )
        }
    }
}

/// The rules every schedule passes before anything is written (W15): at most 20,000 tasks,
/// unique UIDs, finish not before start, parents that exist, links between known tasks and
/// without cycles, no negative weights. Marks summaries. Problems come in task order.
pub fn validate(mut schedule: Schedule) -> Result<Schedule, Vec<Problem>> {
    let mut problems = Vec::new();
    if schedule.tasks.is_empty() {
        return Err(vec![Problem::file("El archivo no tiene tareas.")]);
    }
    if schedule.tasks.len() > MAX_TASKS {
        return Err(vec![Problem::file(format!(
            "El programa tiene {} tareas; el máximo es {MAX_TASKS}.",
            schedule.tasks.len()
        ))]);
    }
    // Dates beyond these would draw charts of thousands of years (the app's date range).
    let in_range = |d: NaiveDate| (1900..=2100).contains(&chrono::Datelike::year(&d));
    for d in [schedule.start, schedule.finish].into_iter().flatten() {
        if !in_range(d) {
            problems.push(Problem::file(format!(
                "La fecha del proyecto {} está fuera del rango 1900–2100.",
                d.format("%d/%m/%Y")
            )));
        }
    }
    let mut seen: HashSet<i32> = HashSet::new();
    for t in &schedule.tasks {
        if !in_range(t.start) || !in_range(t.finish) {
            problems.push(Problem::task(
                Some(t.id),
                &t.name,
                "sus fechas están fuera del rango 1900–2100.",
            ));
        }
        if !seen.insert(t.uid) {
            problems.push(Problem::task(
                Some(t.id),
                &t.name,
                format!("el UID {} está repetido.", t.uid),
            ));
        }
        if t.finish < t.start {
            problems.push(Problem::task(
                Some(t.id),
                &t.name,
                format!(
                    "el fin ({}) es anterior al inicio ({}).",
                    t.finish.format("%d/%m/%Y"),
                    t.start.format("%d/%m/%Y")
                ),
            ));
        }
        if t.weight.is_some_and(|w| w < 0) {
            problems.push(Problem::task(
                Some(t.id),
                &t.name,
                "la ponderación no puede ser negativa.",
            ));
        }
        if let Some(p) = t.parent_uid
            && !seen.contains(&p)
        {
            problems.push(Problem::task(
                Some(t.id),
                &t.name,
                "su tarea resumen no está antes que ella en el archivo (esquema roto).",
            ));
        }
    }
    let ids: HashMap<i32, (i32, &str)> = schedule
        .tasks
        .iter()
        .map(|t| (t.uid, (t.id, t.name.as_str())))
        .collect();
    for l in &schedule.links {
        let Some(&(id, name)) = ids.get(&l.successor_uid) else {
            problems.push(Problem::file(format!(
                "Un vínculo apunta a la tarea con UID {}, que no existe.",
                l.successor_uid
            )));
            continue;
        };
        if !ids.contains_key(&l.predecessor_uid) {
            problems.push(Problem::task(
                Some(id),
                name,
                format!(
                    "su predecesora con UID {} no existe en el archivo.",
                    l.predecessor_uid
                ),
            ));
        } else if l.predecessor_uid == l.successor_uid {
            problems.push(Problem::task(
                Some(id),
                name,
                "está vinculada consigo misma.",
            ));
        }
    }
    if problems.is_empty() {
        problems.extend(cycle_problems(&schedule));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let parents: HashSet<i32> = schedule.tasks.iter().filter_map(|t| t.parent_uid).collect();
    for t in &mut schedule.tasks {
        t.summary = parents.contains(&t.uid);
    }
    Ok(schedule)
}

/// The tasks on a cycle of links (Kahn's algorithm: what is left once every task without
/// pending predecessors has been removed lies on a cycle or after one).
fn cycle_problems(schedule: &Schedule) -> Vec<Problem> {
    let mut pending: HashMap<i32, usize> = HashMap::new();
    let mut successors: HashMap<i32, Vec<i32>> = HashMap::new();
    for l in &schedule.links {
        *pending.entry(l.successor_uid).or_default() += 1;
        successors
            .entry(l.predecessor_uid)
            .or_default()
            .push(l.successor_uid);
    }
    let mut ready: Vec<i32> = schedule
        .tasks
        .iter()
        .map(|t| t.uid)
        .filter(|u| !pending.contains_key(u))
        .collect();
    while let Some(u) = ready.pop() {
        for s in successors.get(&u).map(Vec::as_slice).unwrap_or_default() {
            if let Some(n) = pending.get_mut(s) {
                *n -= 1;
                if *n == 0 {
                    pending.remove(s);
                    ready.push(*s);
                }
            }
        }
    }
    schedule
        .tasks
        .iter()
        .filter(|t| pending.contains_key(&t.uid))
        .map(|t| {
            Problem::task(
                Some(t.id),
                &t.name,
                "sus vínculos forman un ciclo (una tarea termina dependiendo de sí misma).",
            )
        })
        .collect()
}

/// Upper case, no accents, single spaces: how headers and aliases are compared.
pub fn norm(raw: &str) -> String {
    crate::domain::annex::norm(raw)
}

/// A number as people write it in a weight or percentage cell: `12.5`, `12,5`, `12.5 %`,
/// `1,234.5`, `1.234,5`. `None` when it is not a number.
pub fn parse_number(raw: &str) -> Option<f64> {
    let s: String = raw
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return None;
    }
    let (last_dot, last_comma) = (s.rfind('.'), s.rfind(','));
    let normalized = match (last_dot, last_comma) {
        (Some(d), Some(c)) if c > d => s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s.replace(',', ""),
        (None, Some(_)) if s.matches(',').count() == 1 => s.replace(',', "."),
        (None, Some(_)) => s.replace(',', ""),
        _ => s,
    };
    normalized.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A weight in millionths.
pub fn weight_from(n: f64) -> i64 {
    #[expect(clippy::cast_possible_truncation, reason = "bounded just above")]
    let scaled = (n.clamp(-1e12, 1e12) * 1e6).round() as i64;
    scaled
}

/// A weight as written back: `12.5`.
pub fn weight_text(w: i64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "weights are far below 2^53")]
    let n = w as f64 / 1e6;
    let s = format!("{n:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Hundredths of a percent as `45.5` (the Programa tab writes three per task: written digit by
/// digit, not through `format!` and trimming).
pub fn pct_text(hundredths: i32) -> String {
    let frac = (hundredths % 100).unsigned_abs();
    let mut s = (hundredths / 100).to_string();
    if frac != 0 {
        s.push('.');
        s.extend(char::from_digit(frac / 10, 10));
        if !frac.is_multiple_of(10) {
            s.extend(char::from_digit(frac % 10, 10));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn task(uid: i32, parent: Option<i32>, start: &str, finish: &str) -> Task {
        Task {
            uid,
            id: uid,
            wbs: uid.to_string(),
            outline_level: if parent.is_some() { 2 } else { 1 },
            parent_uid: parent,
            name: format!("T{uid}"),
            start: NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap(),
            finish: NaiveDate::parse_from_str(finish, "%Y-%m-%d").unwrap(),
            duration_minutes: 480,
            milestone: false,
            summary: false,
            weight: None,
            percent_complete: 0,
            baseline_start: None,
            baseline_finish: None,
            critical: false,
            resources: String::new(),
        }
    }

    fn link(p: i32, s: i32) -> Link {
        Link {
            predecessor_uid: p,
            successor_uid: s,
            kind: LinkType::FinishStart,
            lag_tenths: 0,
            lag_format: LAG_FORMAT_DAYS,
        }
    }

    fn schedule(tasks: Vec<Task>, links: Vec<Link>) -> Schedule {
        Schedule {
            minutes_per_day: 480,
            start: None,
            finish: None,
            tasks,
            links,
            has_weights: false,
            stable_uids: true,
            calendar: calendar::WorkCalendar::standard(),
        }
    }

    #[test]
    fn w15_summaries_come_from_the_outline() {
        let s = validate(schedule(
            vec![
                task(1, None, "2026-01-05", "2026-01-09"),
                task(2, Some(1), "2026-01-05", "2026-01-09"),
            ],
            vec![],
        ))
        .unwrap();
        assert!(s.tasks[0].summary);
        assert!(!s.tasks[1].summary);
    }

    #[test]
    fn w15_refuses_cycles_unknown_links_duplicates_and_reversed_dates() {
        let err = validate(schedule(
            vec![
                task(1, None, "2026-01-05", "2026-01-09"),
                task(2, None, "2026-01-05", "2026-01-09"),
                task(3, None, "2026-01-05", "2026-01-09"),
            ],
            vec![link(1, 2), link(2, 3), link(3, 1)],
        ))
        .unwrap_err();
        assert_eq!(err.len(), 3, "{err:?}");
        assert!(err[0].text().contains("ciclo"));

        let err = validate(schedule(
            vec![
                task(1, None, "2026-01-05", "2026-01-09"),
                task(1, None, "2026-01-09", "2026-01-05"),
            ],
            vec![link(9, 1)],
        ))
        .unwrap_err();
        let texts: Vec<String> = err.iter().map(Problem::text).collect();
        assert!(texts[0].contains("UID 1 está repetido"), "{texts:?}");
        assert!(texts[1].contains("anterior al inicio"), "{texts:?}");
        assert!(texts[2].contains("UID 9 no existe"), "{texts:?}");
    }

    #[test]
    fn w15_dates_outside_1900_to_2100_are_refused() {
        let err = validate(schedule(
            vec![task(1, None, "0001-01-05", "9999-01-09")],
            vec![],
        ))
        .unwrap_err();
        assert!(
            err[0].text().contains("fuera del rango 1900–2100"),
            "{err:?}"
        );
    }

    #[test]
    fn w15_numbers_as_people_write_them() {
        assert_eq!(parse_number("12,5 %"), Some(12.5));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("0.125"), Some(0.125));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(weight_text(weight_from(12.5)), "12.5");
        assert_eq!(pct_text(4550), "45.5");
        // As the format-and-trim it replaced wrote every value.
        for h in -20_000i32..=20_000 {
            let trimmed = format!("{}.{:02}", h / 100, (h % 100).abs());
            let trimmed = trimmed.trim_end_matches('0').trim_end_matches('.');
            assert_eq!(pct_text(h), trimmed, "{h}");
        }
        assert_eq!(pct_text(10000), "100");
    }

    #[test]
    fn w15_link_notation_and_lags() {
        let mut l = link(1, 2);
        assert_eq!(l.notation(3, 480), "3");
        l.kind = LinkType::StartStart;
        l.lag_tenths = 2 * 480 * 10;
        assert_eq!(l.notation(3, 480), "3CC+2 d");
        l.lag_format = 8;
        l.lag_tenths = 1440 * 10;
        assert_eq!(l.lag_days(480), Some(1.0));
    }
}

/// A captured percentage (W16): 0 to 100, an integer or one decimal, `%` allowed; blank is
/// `None`. In hundredths.
pub fn parse_percent(raw: &str) -> Result<Option<i32>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || {
        format!(
            "«{}» no es un porcentaje de 0 a 100 (entero o con un decimal).",
            s.chars().take(20).collect::<String>()
        )
    };
    let digits = s.trim_end_matches('%').trim();
    let decimals = digits.rsplit_once(['.', ',']).map_or(0, |(_, d)| d.len());
    let n = parse_number(digits).ok_or_else(bad)?;
    if decimals > 1 || !(0.0..=100.0).contains(&n) {
        return Err(bad());
    }
    #[expect(clippy::cast_possible_truncation, reason = "0..=100 checked above")]
    let h = (n * 100.0).round() as i32;
    Ok(Some(h))
}

#[cfg(test)]
mod percent_tests {
    use super::parse_percent;

    #[test]
    fn w16_percentages_are_0_to_100_with_one_decimal() {
        assert_eq!(parse_percent("45.5"), Ok(Some(4550)));
        assert_eq!(parse_percent("45,5 %"), Ok(Some(4550)));
        assert_eq!(parse_percent("100"), Ok(Some(10000)));
        assert_eq!(parse_percent(""), Ok(None));
        assert!(parse_percent("100.1").is_err());
        assert!(parse_percent("-1").is_err());
        assert!(parse_percent("45.55").is_err());
        assert!(parse_percent("mucho").is_err());
    }
}
