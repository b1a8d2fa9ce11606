//! MS Project XML (MSPDI, *Archivo › Guardar como › XML*), as MS Project 2003–365, ProjectLibre
//! and GanttProject write it: read with a streaming reader that never expands DTDs or entities
//! (a document with a DOCTYPE is refused), and written back with the captured progress so the
//! project manager can reopen it in MS Project.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::Event;

use super::calendar::WorkCalendar;
use super::{
    DEFAULT_MINUTES_PER_DAY, LAG_FORMAT_DAYS, Link, LinkType, Problem, Schedule, Task, norm,
    parse_number, weight_from, weight_text,
};

pub const NAMESPACE: &str = "http://schemas.microsoft.com/project";
/// The custom field the export writes the ponderación into (Number1).
const WEIGHT_FIELD_ID: &str = "188743767";
/// Aliases of the ponderación field, compared without case or accents.
const WEIGHT_ALIASES: [&str; 5] = ["POND.", "POND", "PONDERADOR", "PONDERACION", "PESO"];

#[derive(Debug, Default)]
struct RawLink {
    predecessor: Option<i32>,
    kind: Option<i64>,
    lag: i64,
    lag_format: Option<i32>,
}

#[derive(Debug, Default)]
struct RawTask {
    uid: Option<i32>,
    id: Option<i32>,
    name: String,
    wbs: String,
    outline_number: String,
    outline_level: Option<i32>,
    start: Option<String>,
    finish: Option<String>,
    duration: Option<String>,
    milestone: bool,
    is_null: bool,
    percent: Option<String>,
    critical: bool,
    baseline_number: Option<String>,
    baseline_start: Option<String>,
    baseline_finish: Option<String>,
    /// (FieldID, Value) of the task's extended attributes.
    extended: Vec<(String, String)>,
    links: Vec<RawLink>,
    /// The extended attribute being read.
    ext_field: String,
    ext_value: String,
}

/// A calendar of the file, as read.
#[derive(Debug, Default)]
struct RawCalendar {
    uid: String,
    base_uid: String,
    /// Working or not per weekday, Monday first, when the file says.
    weekdays: [Option<bool>; 7],
    /// (from, to, working) exceptions.
    exceptions: Vec<(NaiveDate, NaiveDate, bool)>,
    /// The weekday or exception being read: (day type, working, from, to).
    day_type: Option<i32>,
    working: bool,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

impl RawCalendar {
    fn start_day(&mut self) {
        self.day_type = None;
        self.working = false;
        self.from = None;
        self.to = None;
    }

    fn exception(&mut self) {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            self.exceptions.push((from, to, self.working));
        }
    }

    /// A `WeekDay`: DayType 1 (Sunday) to 7 (Saturday), or 0 for an exception (MSPDI 2003).
    fn weekday(&mut self) {
        match self.day_type {
            Some(0) => self.exception(),
            Some(t @ 1..=7) => {
                let monday_first = usize::try_from((t + 5) % 7).unwrap_or(0);
                self.weekdays[monday_first] = Some(self.working);
            }
            _ => {}
        }
    }
}

#[derive(Debug, Default)]
struct Raw {
    minutes_per_day: Option<String>,
    project_calendar: Option<String>,
    calendars: Vec<RawCalendar>,
    start: Option<String>,
    finish: Option<String>,
    /// (FieldID, Alias) of the project's extended attribute definitions.
    aliases: Vec<(String, String)>,
    alias_field: String,
    alias_name: String,
    tasks: Vec<RawTask>,
    resources: HashMap<String, String>,
    resource_uid: String,
    resource_name: String,
    /// (TaskUID, ResourceUID) in file order.
    assignments: Vec<(String, String)>,
    assignment_task: String,
    assignment_resource: String,
}

/// The bytes as text: UTF-8 (with or without a byte-order mark).
fn as_text(bytes: &[u8]) -> Result<&str, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|_| {
        Problem::file(
            "El XML no está en UTF-8. Guárdelo de nuevo desde MS Project como XML \
             (Archivo › Guardar como › XML), que usa UTF-8.",
        )
    })
}

fn not_mspdi() -> Problem {
    Problem::file(
        "El archivo no es un XML de MS Project (MSPDI). En MS Project use Archivo › Guardar \
         como › «Formato XML (*.xml)».",
    )
}

/// Reads an MSPDI document into a schedule (not yet validated: see `super::validate`).
pub fn read(bytes: &[u8]) -> Result<Schedule, Vec<Problem>> {
    let text = as_text(bytes).map_err(|p| vec![p])?;
    let raw = scan(text).map_err(|p| vec![p])?;
    build(raw)
}

fn scan(text: &str) -> Result<Raw, Problem> {
    let mut reader = Reader::from_str(text);
    let mut raw = Raw::default();
    let mut path: Vec<String> = Vec::new();
    let mut value = String::new();
    let mut seen_root = false;
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(_) if !seen_root => return Err(not_mspdi()),
            Err(_) => {
                let at = usize::try_from(reader.buffer_position()).unwrap_or(0);
                let line = text.get(..at).map_or(0, |t| t.matches('\n').count()) + 1;
                return Err(Problem::file(format!(
                    "El XML está mal formado (cerca de la línea {line})."
                )));
            }
        };
        match event {
            Event::DocType(_) => {
                return Err(Problem::file(
                    "El XML declara un DTD (DOCTYPE); por seguridad no se procesa. Guárdelo de \
                     nuevo desde MS Project como XML.",
                ));
            }
            Event::Start(e) | Event::Empty(e) if !seen_root => {
                seen_root = true;
                let ns = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == "xmlns")
                    .map(|a| a.value.into_owned());
                if e.local_name().as_ref() != "Project" || ns.as_deref() != Some(NAMESPACE) {
                    return Err(not_mspdi());
                }
                path.push("Project".into());
            }
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_owned();
                opened(&mut raw, &path, &name);
                path.push(name);
                value.clear();
            }
            Event::Empty(e) => {
                let name = e.local_name().as_ref().to_owned();
                opened(&mut raw, &path, &name);
                path.push(name);
                closed(&mut raw, &path, "");
                path.pop();
            }
            Event::Text(t) => value.push_str(&t.xml10_content()),
            Event::CData(t) => value.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => value.push(c),
                _ => match resolve_predefined_entity(&r) {
                    Some(s) => value.push_str(s),
                    None => {
                        return Err(Problem::file(
                            "El XML usa entidades que no son de XML estándar; no se procesa.",
                        ));
                    }
                },
            },
            Event::End(_) => {
                closed(&mut raw, &path, value.trim());
                value.clear();
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(not_mspdi());
    }
    Ok(raw)
}

/// An element opened under `path`.
fn opened(raw: &mut Raw, path: &[String], name: &str) {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match (p.as_slice(), name) {
        (["Project", "Tasks"], "Task") => raw.tasks.push(RawTask::default()),
        (["Project", "Tasks", "Task"], "PredecessorLink") => {
            if let Some(t) = raw.tasks.last_mut() {
                t.links.push(RawLink::default());
            }
        }
        (["Project", "Tasks", "Task"], "ExtendedAttribute") => {
            if let Some(t) = raw.tasks.last_mut() {
                t.ext_field.clear();
                t.ext_value.clear();
            }
        }
        (["Project", "ExtendedAttributes"], "ExtendedAttribute") => {
            raw.alias_field.clear();
            raw.alias_name.clear();
        }
        (["Project", "Resources"], "Resource") => {
            raw.resource_uid.clear();
            raw.resource_name.clear();
        }
        (["Project", "Assignments"], "Assignment") => {
            raw.assignment_task.clear();
            raw.assignment_resource.clear();
        }
        (["Project", "Calendars"], "Calendar") => raw.calendars.push(RawCalendar::default()),
        (["Project", "Calendars", "Calendar", "WeekDays"], "WeekDay")
        | (["Project", "Calendars", "Calendar", "Exceptions"], "Exception") => {
            if let Some(c) = raw.calendars.last_mut() {
                c.start_day();
            }
        }
        _ => {}
    }
}

/// A calendar field closed with text `v`.
fn calendar_field(c: &mut RawCalendar, rest: &[&str], v: &str) {
    let flag = v == "1" || v.eq_ignore_ascii_case("true");
    match rest {
        ["UID"] => c.uid = v.to_owned(),
        ["BaseCalendarUID"] => c.base_uid = v.to_owned(),
        ["WeekDays", "WeekDay", "DayType"] => c.day_type = v.parse().ok(),
        ["WeekDays", "WeekDay", "DayWorking"] | ["Exceptions", "Exception", "DayWorking"] => {
            c.working = flag;
        }
        ["WeekDays", "WeekDay", "TimePeriod", "FromDate"]
        | ["Exceptions", "Exception", "TimePeriod", "FromDate"] => c.from = parse_datetime(v),
        ["WeekDays", "WeekDay", "TimePeriod", "ToDate"]
        | ["Exceptions", "Exception", "TimePeriod", "ToDate"] => c.to = parse_datetime(v),
        ["WeekDays", "WeekDay"] => c.weekday(),
        ["Exceptions", "Exception"] => c.exception(),
        _ => {}
    }
}

/// The element at the end of `path` closed with text `v`.
fn closed(raw: &mut Raw, path: &[String], v: &str) {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    let owned = || Some(v.to_owned());
    match p.as_slice() {
        ["Project", "MinutesPerDay"] => raw.minutes_per_day = owned(),
        ["Project", "CalendarUID"] => raw.project_calendar = owned(),
        ["Project", "Calendars", "Calendar", rest @ ..] => {
            if let Some(c) = raw.calendars.last_mut() {
                calendar_field(c, rest, v);
            }
        }
        ["Project", "StartDate"] => raw.start = owned(),
        ["Project", "FinishDate"] => raw.finish = owned(),
        [
            "Project",
            "ExtendedAttributes",
            "ExtendedAttribute",
            "FieldID",
        ] => {
            raw.alias_field = v.to_owned();
        }
        [
            "Project",
            "ExtendedAttributes",
            "ExtendedAttribute",
            "Alias",
        ] => {
            raw.alias_name = v.to_owned();
        }
        ["Project", "ExtendedAttributes", "ExtendedAttribute"] => {
            let pair = (raw.alias_field.clone(), raw.alias_name.clone());
            raw.aliases.push(pair);
        }
        ["Project", "Resources", "Resource", "UID"] => raw.resource_uid = v.to_owned(),
        ["Project", "Resources", "Resource", "Name"] => raw.resource_name = v.to_owned(),
        ["Project", "Resources", "Resource"] => {
            let (uid, name) = (raw.resource_uid.clone(), raw.resource_name.clone());
            raw.resources.insert(uid, name);
        }
        ["Project", "Assignments", "Assignment", "TaskUID"] => {
            raw.assignment_task = v.to_owned();
        }
        ["Project", "Assignments", "Assignment", "ResourceUID"] => {
            raw.assignment_resource = v.to_owned();
        }
        ["Project", "Assignments", "Assignment"] => {
            let pair = (raw.assignment_task.clone(), raw.assignment_resource.clone());
            raw.assignments.push(pair);
        }
        ["Project", "Tasks", "Task", rest @ ..] => {
            if let Some(t) = raw.tasks.last_mut() {
                task_field(t, rest, v);
            }
        }
        _ => {}
    }
}

fn task_field(t: &mut RawTask, rest: &[&str], v: &str) {
    let flag = v == "1" || v.eq_ignore_ascii_case("true");
    match rest {
        ["UID"] => t.uid = v.parse().ok().or(Some(i32::MIN)),
        ["ID"] => t.id = v.parse().ok(),
        ["Name"] => t.name = v.to_owned(),
        ["WBS"] => t.wbs = v.to_owned(),
        ["OutlineNumber"] => t.outline_number = v.to_owned(),
        ["OutlineLevel"] => t.outline_level = v.parse().ok(),
        ["Start"] => t.start = Some(v.to_owned()),
        ["Finish"] => t.finish = Some(v.to_owned()),
        ["Duration"] => t.duration = Some(v.to_owned()),
        ["Milestone"] => t.milestone = flag,
        ["IsNull"] => t.is_null = flag,
        ["Critical"] => t.critical = flag,
        ["PercentComplete"] => t.percent = Some(v.to_owned()),
        ["Baseline", "Number"] => t.baseline_number = Some(v.to_owned()),
        ["Baseline", "Start"] if t.baseline_number.as_deref().is_none_or(|n| n == "0") => {
            t.baseline_start = Some(v.to_owned());
        }
        ["Baseline", "Finish"] if t.baseline_number.as_deref().is_none_or(|n| n == "0") => {
            t.baseline_finish = Some(v.to_owned());
        }
        ["Baseline"] => t.baseline_number = None,
        ["ExtendedAttribute", "FieldID"] => t.ext_field = v.to_owned(),
        ["ExtendedAttribute", "Value"] => t.ext_value = v.to_owned(),
        ["ExtendedAttribute"] => {
            let pair = (t.ext_field.clone(), t.ext_value.clone());
            t.extended.push(pair);
        }
        ["PredecessorLink", field] => {
            if let Some(l) = t.links.last_mut() {
                match *field {
                    "PredecessorUID" => l.predecessor = v.parse().ok(),
                    "Type" => l.kind = v.parse().ok(),
                    "LinkLag" => l.lag = v.parse::<f64>().map_or(0, round_i64),
                    "LagFormat" => l.lag_format = v.parse().ok(),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn round_i64(n: f64) -> i64 {
    #[expect(clippy::cast_possible_truncation, reason = "clamped first")]
    let r = n.clamp(-9e15, 9e15).round() as i64;
    r
}

/// `2026-01-05T08:00:00` (or a bare date) as a date.
pub fn parse_datetime(raw: &str) -> Option<NaiveDate> {
    let date = raw.trim().get(..10)?;
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// An xsd:duration as MS Project writes it (`PT8H0M0S`, `PT0H30M0S`, `-PT4H0M0S`) in minutes.
pub fn parse_duration(raw: &str) -> Option<i64> {
    let s = raw.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let s = s.strip_prefix('P')?;
    let mut minutes = 0.0;
    let mut number = String::new();
    let mut in_time = false;
    for c in s.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' | '.' => number.push(c),
            unit => {
                let n: f64 = number.parse().ok()?;
                number.clear();
                minutes += match (unit, in_time) {
                    ('D', false) => n * 1440.0,
                    ('H', true) => n * 60.0,
                    ('M', true) => n,
                    ('S', true) => n / 60.0,
                    _ => return None,
                };
            }
        }
    }
    if !number.is_empty() {
        return None;
    }
    let m = round_i64(minutes);
    Some(if negative { -m } else { m })
}

/// The field that holds the ponderación: an exact alias first, else one that contains "POND" or
/// "PESO" (as the legacy importer did).
fn weight_field(aliases: &[(String, String)]) -> Option<String> {
    let normalized: Vec<(&String, String)> = aliases.iter().map(|(f, a)| (f, norm(a))).collect();
    normalized
        .iter()
        .find(|(_, a)| WEIGHT_ALIASES.contains(&a.as_str()))
        .or_else(|| {
            normalized
                .iter()
                .find(|(_, a)| a.contains("POND") || a.contains("PESO"))
        })
        .map(|(f, _)| (*f).clone())
}

/// The project's calendar: the one named by `CalendarUID` (else the first), its weekdays filled
/// from its base calendar where it does not say, and the exceptions of both.
fn project_calendar(raw: &Raw) -> WorkCalendar {
    let find = |uid: &str| raw.calendars.iter().find(|c| c.uid == uid);
    let Some(own) = raw
        .project_calendar
        .as_deref()
        .and_then(find)
        .or_else(|| raw.calendars.first())
    else {
        return WorkCalendar::standard();
    };
    let base = find(&own.base_uid).filter(|b| b.uid != own.uid);
    let mut cal = WorkCalendar::standard();
    for (i, day) in cal.weekdays.iter_mut().enumerate() {
        if let Some(w) = own.weekdays[i].or_else(|| base.and_then(|b| b.weekdays[i])) {
            *day = w;
        }
    }
    for (from, to, working) in base
        .map(|b| b.exceptions.as_slice())
        .unwrap_or_default()
        .iter()
        .chain(&own.exceptions)
    {
        cal.except(*from, *to, *working);
    }
    cal
}

fn build(raw: Raw) -> Result<Schedule, Vec<Problem>> {
    let mut problems = Vec::new();
    let minutes_per_day = raw
        .minutes_per_day
        .as_deref()
        .and_then(|m| m.parse::<i32>().ok())
        .filter(|m| (1..=1440).contains(m))
        .unwrap_or(DEFAULT_MINUTES_PER_DAY);
    let weight_field = weight_field(&raw.aliases);
    let mut resources: HashMap<&str, Vec<&str>> = HashMap::new();
    for (task, resource) in &raw.assignments {
        if let Some(name) = raw.resources.get(resource).filter(|n| !n.is_empty()) {
            resources.entry(task.as_str()).or_default().push(name);
        }
    }
    let mut tasks = Vec::new();
    let mut links = Vec::new();
    // (outline level, UID) of the open summaries.
    let mut open: Vec<(i32, i32)> = Vec::new();
    let mut position = 0;
    for t in raw.tasks.iter().filter(|t| !t.is_null) {
        position += 1;
        let id = t.id.unwrap_or(position);
        let mut bad = |msg: String| problems.push(Problem::task(Some(id), &t.name, msg));
        let Some(uid) = t.uid.filter(|u| *u != i32::MIN) else {
            bad("no tiene un UID válido.".into());
            continue;
        };
        let start = t.start.as_deref().and_then(parse_datetime);
        let finish = t.finish.as_deref().and_then(parse_datetime);
        let (Some(start), Some(finish)) = (start, finish) else {
            bad("no tiene fechas de comienzo y fin válidas.".into());
            continue;
        };
        let duration = match t.duration.as_deref() {
            None => 0,
            Some(d) => match parse_duration(d) {
                Some(m) if m >= 0 => m,
                _ => {
                    bad(format!("la duración «{d}» no es válida."));
                    continue;
                }
            },
        };
        let weight = match (
            &weight_field,
            t.extended
                .iter()
                .find(|(f, _)| Some(f) == weight_field.as_ref()),
        ) {
            (Some(_), Some((_, v))) if !v.trim().is_empty() => match parse_number(v) {
                Some(n) => Some(weight_from(n)),
                None => {
                    bad(format!("la ponderación «{v}» no es un número."));
                    continue;
                }
            },
            _ => None,
        };
        let percent = t.percent.as_deref().and_then(parse_number).map_or(0, |p| {
            #[expect(clippy::cast_possible_truncation, reason = "clamped to 0..=100 first")]
            let h = (p.clamp(0.0, 100.0) * 100.0).round() as i32;
            h
        });
        let level = t.outline_level.unwrap_or(if uid == 0 { 0 } else { 1 });
        while open.last().is_some_and(|(l, _)| *l >= level) {
            open.pop();
        }
        let parent_uid = match open.last() {
            Some((l, p)) if *l == level - 1 => Some(*p),
            None if level <= 1 => None,
            _ => {
                bad(format!(
                    "su nivel de esquema ({level}) salta niveles respecto de la tarea anterior \
                     (esquema roto)."
                ));
                continue;
            }
        };
        open.push((level, uid));
        let baseline = |v: &Option<String>| v.as_deref().and_then(parse_datetime);
        for l in &t.links {
            let Some(p) = l.predecessor else {
                bad("tiene un vínculo sin predecesora.".into());
                continue;
            };
            let Some(kind) = LinkType::from_mspdi(l.kind.unwrap_or(1)) else {
                bad("tiene un vínculo de tipo desconocido.".into());
                continue;
            };
            links.push(Link {
                predecessor_uid: p,
                successor_uid: uid,
                kind,
                lag_tenths: l.lag,
                lag_format: l.lag_format.unwrap_or(LAG_FORMAT_DAYS),
            });
        }
        let wbs = if t.wbs.is_empty() {
            t.outline_number.clone()
        } else {
            t.wbs.clone()
        };
        tasks.push(Task {
            uid,
            id,
            wbs,
            outline_level: level,
            parent_uid,
            name: t.name.clone(),
            start,
            finish,
            duration_minutes: duration,
            milestone: t.milestone,
            summary: false,
            weight,
            percent_complete: percent,
            baseline_start: baseline(&t.baseline_start),
            baseline_finish: baseline(&t.baseline_finish),
            critical: t.critical,
            resources: resources
                .get(uid.to_string().as_str())
                .map(|r| r.join(", "))
                .unwrap_or_default(),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Schedule {
        minutes_per_day,
        start: raw.start.as_deref().and_then(parse_datetime),
        finish: raw.finish.as_deref().and_then(parse_datetime),
        has_weights: weight_field.is_some() && tasks.iter().any(|t| t.weight.is_some()),
        tasks,
        links,
        stable_uids: true,
        calendar: project_calendar(&raw),
    })
}

/// The project calendar: its weekdays and its exceptions as runs of days.
fn write_calendar(out: &mut String, cal: &WorkCalendar) {
    out.push_str(
        "  <Calendars>\n    <Calendar>\n      <UID>1</UID>\n      <Name>Estándar</Name>\n      \
         <IsBaseCalendar>1</IsBaseCalendar>\n      <BaseCalendarUID>-1</BaseCalendarUID>\n      \
         <WeekDays>\n",
    );
    for day_type in 1..=7 {
        let monday_first = usize::try_from((day_type + 5) % 7).unwrap_or(0);
        let _ = writeln!(
            out,
            "        <WeekDay><DayType>{day_type}</DayType><DayWorking>{}</DayWorking></WeekDay>",
            u8::from(cal.weekdays[monday_first])
        );
    }
    out.push_str("      </WeekDays>\n      <Exceptions>\n");
    for (set, working) in [(&cal.off, 0), (&cal.on, 1)] {
        let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        for d in set {
            match runs.last_mut() {
                Some((_, to)) if to.succ_opt() == Some(*d) => *to = *d,
                _ => runs.push((*d, *d)),
            }
        }
        for (from, to) in runs {
            let _ = writeln!(
                out,
                "        <Exception><TimePeriod><FromDate>{}</FromDate><ToDate>{}</ToDate></TimePeriod><DayWorking>{working}</DayWorking></Exception>",
                xml_date(from, "00:00:00"),
                xml_date(to, "23:59:00")
            );
        }
    }
    out.push_str("      </Exceptions>\n    </Calendar>\n  </Calendars>\n");
}

fn xml_date(d: NaiveDate, time: &str) -> String {
    format!("{}T{time}", d.format("%Y-%m-%d"))
}

fn xml_duration(minutes: i64) -> String {
    format!("PT{}H{}M0S", minutes / 60, minutes % 60)
}

/// The schedule as MSPDI, with `percent_complete` as each task's % complete (the caller puts
/// the captured real % there) and the ponderación in a Number1 field aliased «Ponderación».
pub fn write(schedule: &Schedule, title: &str) -> String {
    let mut out = String::with_capacity(schedule.tasks.len() * 700 + 2048);
    let (start, finish) = schedule
        .span()
        .map_or((None, None), |(s, f)| (Some(s), Some(f)));
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    let _ = writeln!(out, "<Project xmlns=\"{NAMESPACE}\">");
    let _ = writeln!(out, "  <Name>{}</Name>", escape(title));
    let _ = writeln!(out, "  <Title>{}</Title>", escape(title));
    if let Some(s) = start {
        let _ = writeln!(out, "  <StartDate>{}</StartDate>", xml_date(s, "08:00:00"));
    }
    if let Some(f) = finish {
        let _ = writeln!(
            out,
            "  <FinishDate>{}</FinishDate>",
            xml_date(f, "17:00:00")
        );
    }
    let _ = writeln!(
        out,
        "  <MinutesPerDay>{}</MinutesPerDay>",
        schedule.minutes_per_day
    );
    out.push_str("  <CalendarUID>1</CalendarUID>\n");
    write_calendar(&mut out, &schedule.calendar);
    let _ = writeln!(
        out,
        "  <ExtendedAttributes>\n    <ExtendedAttribute>\n      <FieldID>{WEIGHT_FIELD_ID}</FieldID>\n      \
         <FieldName>Number1</FieldName>\n      <Alias>Ponderación</Alias>\n    </ExtendedAttribute>\n  \
         </ExtendedAttributes>"
    );
    let mut resource_ids: Vec<String> = Vec::new();
    let mut assignments: Vec<(i32, usize)> = Vec::new();
    let incoming = super::links_by_successor(&schedule.links);
    out.push_str("  <Tasks>\n");
    for t in &schedule.tasks {
        let _ = write!(
            out,
            "    <Task>\n      <UID>{}</UID>\n      <ID>{}</ID>\n      <Name>{}</Name>\n      \
             <WBS>{}</WBS>\n      <OutlineNumber>{}</OutlineNumber>\n      \
             <OutlineLevel>{}</OutlineLevel>\n      <Start>{}</Start>\n      \
             <Finish>{}</Finish>\n      <Duration>{}</Duration>\n      \
             <DurationFormat>7</DurationFormat>\n      <Milestone>{}</Milestone>\n      \
             <Summary>{}</Summary>\n      <Critical>{}</Critical>\n      \
             <PercentComplete>{}</PercentComplete>\n",
            t.uid,
            t.id,
            escape(t.name.as_str()),
            escape(t.wbs.as_str()),
            escape(t.wbs.as_str()),
            t.outline_level,
            xml_date(t.start, "08:00:00"),
            xml_date(t.finish, if t.milestone { "08:00:00" } else { "17:00:00" }),
            xml_duration(t.duration_minutes),
            u8::from(t.milestone),
            u8::from(t.summary),
            u8::from(t.critical),
            (t.percent_complete + 50) / 100,
        );
        for l in incoming.get(&t.uid).map(Vec::as_slice).unwrap_or_default() {
            let _ = write!(
                out,
                "      <PredecessorLink>\n        <PredecessorUID>{}</PredecessorUID>\n        \
                 <Type>{}</Type>\n        <CrossProject>0</CrossProject>\n        \
                 <LinkLag>{}</LinkLag>\n        <LagFormat>{}</LagFormat>\n      \
                 </PredecessorLink>\n",
                l.predecessor_uid,
                l.kind.mspdi(),
                l.lag_tenths,
                l.lag_format
            );
        }
        if let (Some(s), Some(f)) = (t.baseline_start, t.baseline_finish) {
            let _ = write!(
                out,
                "      <Baseline>\n        <Number>0</Number>\n        <Start>{}</Start>\n        \
                 <Finish>{}</Finish>\n      </Baseline>\n",
                xml_date(s, "08:00:00"),
                xml_date(f, "17:00:00")
            );
        }
        if let Some(w) = t.weight {
            let _ = write!(
                out,
                "      <ExtendedAttribute>\n        <FieldID>{WEIGHT_FIELD_ID}</FieldID>\n        \
                 <Value>{}</Value>\n      </ExtendedAttribute>\n",
                weight_text(w)
            );
        }
        out.push_str("    </Task>\n");
        for name in t
            .resources
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let index = match resource_ids.iter().position(|r| r == name) {
                Some(i) => i,
                None => {
                    resource_ids.push(name.to_owned());
                    resource_ids.len() - 1
                }
            };
            assignments.push((t.uid, index));
        }
    }
    out.push_str("  </Tasks>\n  <Resources>\n");
    for (i, name) in resource_ids.iter().enumerate() {
        let _ = write!(
            out,
            "    <Resource>\n      <UID>{0}</UID>\n      <ID>{0}</ID>\n      <Name>{1}</Name>\n      \
             <Type>1</Type>\n    </Resource>\n",
            i + 1,
            escape(name.as_str())
        );
    }
    out.push_str("  </Resources>\n  <Assignments>\n");
    for (n, (task, resource)) in assignments.iter().enumerate() {
        let _ = write!(
            out,
            "    <Assignment>\n      <UID>{}</UID>\n      <TaskUID>{task}</TaskUID>\n      \
             <ResourceUID>{}</ResourceUID>\n      <Units>1</Units>\n    </Assignment>\n",
            n + 1,
            resource + 1
        );
    }
    out.push_str("  </Assignments>\n</Project>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::validate;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <Name>Prueba.xml</Name>
  <StartDate>2026-01-05T08:00:00</StartDate>
  <FinishDate>2026-01-16T17:00:00</FinishDate>
  <MinutesPerDay>480</MinutesPerDay>
  <ExtendedAttributes>
    <ExtendedAttribute><FieldID>188743731</FieldID><FieldName>Text1</FieldName><Alias>Pond.</Alias></ExtendedAttribute>
  </ExtendedAttributes>
  <Tasks>
    <Task><UID>0</UID><ID>0</ID><Name>Proyecto</Name><OutlineLevel>0</OutlineLevel><Start>2026-01-05T08:00:00</Start><Finish>2026-01-16T17:00:00</Finish><Duration>PT80H0M0S</Duration><Summary>1</Summary></Task>
    <Task><UID>1</UID><ID>1</ID><Name>Fase &amp; obra</Name><WBS>1</WBS><OutlineLevel>1</OutlineLevel><Start>2026-01-05T08:00:00</Start><Finish>2026-01-16T17:00:00</Finish><Duration>PT80H0M0S</Duration><Summary>1</Summary></Task>
    <Task><UID>2</UID><ID>2</ID><Name>Corte</Name><WBS>1.1</WBS><OutlineLevel>2</OutlineLevel><Start>2026-01-05T08:00:00</Start><Finish>2026-01-09T17:00:00</Finish><Duration>PT40H0M0S</Duration><PercentComplete>50</PercentComplete>
      <Baseline><Number>0</Number><Start>2026-01-05T08:00:00</Start><Finish>2026-01-08T17:00:00</Finish></Baseline>
      <ExtendedAttribute><FieldID>188743731</FieldID><Value>25,5%</Value></ExtendedAttribute></Task>
    <Task><UID>3</UID><ID>3</ID><Name>Soldadura</Name><WBS>1.2</WBS><OutlineLevel>2</OutlineLevel><Start>2026-01-12T08:00:00</Start><Finish>2026-01-16T17:00:00</Finish><Duration>PT40H0M0S</Duration><Critical>1</Critical>
      <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type><LinkLag>4800</LinkLag><LagFormat>7</LagFormat></PredecessorLink>
      <ExtendedAttribute><FieldID>188743731</FieldID><Value>74.5</Value></ExtendedAttribute></Task>
  </Tasks>
  <Resources><Resource><UID>1</UID><ID>1</ID><Name>Soldador</Name></Resource></Resources>
  <Assignments><Assignment><UID>1</UID><TaskUID>3</TaskUID><ResourceUID>1</ResourceUID></Assignment>
  <Assignment><UID>2</UID><TaskUID>2</TaskUID><ResourceUID>-65535</ResourceUID></Assignment></Assignments>
</Project>"#;

    #[test]
    fn w15_reads_what_ms_project_writes() {
        let s = validate(read(SAMPLE.as_bytes()).unwrap()).unwrap();
        assert_eq!(s.tasks.len(), 4);
        assert!(s.has_weights);
        let t = &s.tasks[2];
        assert_eq!(t.parent_uid, Some(1));
        assert_eq!(t.weight, Some(25_500_000));
        assert_eq!(t.percent_complete, 5000);
        assert_eq!(t.duration_minutes, 2400);
        assert_eq!(t.baseline_finish, NaiveDate::from_ymd_opt(2026, 1, 8));
        assert_eq!(s.tasks[1].name, "Fase & obra");
        assert!(s.tasks[1].summary && s.tasks[0].summary);
        assert_eq!(s.tasks[3].resources, "Soldador");
        assert!(s.tasks[3].critical);
        assert_eq!(s.links.len(), 1);
        assert_eq!(s.links[0].lag_days(480), Some(1.0));
    }

    #[test]
    fn w15_round_trip_gives_the_same_schedule() {
        let s = validate(read(SAMPLE.as_bytes()).unwrap()).unwrap();
        let again = validate(read(write(&s, "Prueba").as_bytes()).unwrap()).unwrap();
        assert_eq!(again.tasks, s.tasks);
        assert_eq!(again.links, s.links);
    }

    #[test]
    fn w15_refuses_dtds_other_xml_and_broken_outlines() {
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><Project xmlns=\"http://schemas.microsoft.com/project\"><Name>&lol;</Name></Project>";
        assert!(read(dtd.as_bytes()).unwrap_err()[0].text().contains("DTD"));
        let other = "<?xml version=\"1.0\"?><Project><Name>x</Name></Project>";
        assert!(
            read(other.as_bytes()).unwrap_err()[0]
                .text()
                .contains("MSPDI")
        );
        assert!(
            read(b"no es xml <<").unwrap_err()[0]
                .text()
                .contains("MSPDI")
        );
        let broken = SAMPLE.replace(
            "<WBS>1.1</WBS><OutlineLevel>2</OutlineLevel>",
            "<WBS>1.1</WBS><OutlineLevel>3</OutlineLevel>",
        );
        let err = read(broken.as_bytes()).unwrap_err();
        assert!(err[0].text().contains("esquema roto"), "{err:?}");
        assert_eq!(err[0].task_id, Some(2));
    }

    #[test]
    fn w19_the_project_calendar_is_read_and_written_back() {
        let with_calendar = SAMPLE.replace(
            "<MinutesPerDay>480</MinutesPerDay>",
            "<MinutesPerDay>480</MinutesPerDay><CalendarUID>3</CalendarUID><Calendars>\
             <Calendar><UID>1</UID><Name>Estándar</Name><IsBaseCalendar>1</IsBaseCalendar>\
             <WeekDays><WeekDay><DayType>1</DayType><DayWorking>0</DayWorking></WeekDay>\
             <WeekDay><DayType>7</DayType><DayWorking>0</DayWorking></WeekDay>\
             <WeekDay><DayType>0</DayType><DayWorking>0</DayWorking><TimePeriod>\
             <FromDate>2026-01-06T00:00:00</FromDate><ToDate>2026-01-06T23:59:00</ToDate>\
             </TimePeriod></WeekDay></WeekDays></Calendar>\
             <Calendar><UID>3</UID><Name>Obra</Name><IsBaseCalendar>0</IsBaseCalendar>\
             <BaseCalendarUID>1</BaseCalendarUID><WeekDays><WeekDay><DayType>7</DayType>\
             <DayWorking>1</DayWorking></WeekDay></WeekDays><Exceptions><Exception>\
             <TimePeriod><FromDate>2026-01-12T00:00:00</FromDate><ToDate>2026-01-13T23:59:00</ToDate>\
             </TimePeriod><Name>Paro</Name><DayWorking>0</DayWorking></Exception></Exceptions>\
             </Calendar></Calendars>",
        );
        let s = validate(read(with_calendar.as_bytes()).unwrap()).unwrap();
        let d = |day| NaiveDate::from_ymd_opt(2026, 1, day).unwrap();
        assert!(
            s.calendar.is_working(d(10)),
            "Saturdays work on the project calendar"
        );
        assert!(
            !s.calendar.is_working(d(11)),
            "Sundays come from the base calendar"
        );
        assert!(
            !s.calendar.is_working(d(6)),
            "the base calendar's 2003-style exception"
        );
        assert!(!s.calendar.is_working(d(12)) && !s.calendar.is_working(d(13)));
        assert!(s.calendar.is_working(d(14)));
        let again = validate(read(write(&s, "Prueba").as_bytes()).unwrap()).unwrap();
        assert_eq!(again.calendar, s.calendar);
    }

    #[test]
    fn w15_durations_in_minutes() {
        assert_eq!(parse_duration("PT8H0M0S"), Some(480));
        assert_eq!(parse_duration("PT0H30M0S"), Some(30));
        assert_eq!(parse_duration("PT1.5H"), Some(90));
        assert_eq!(parse_duration("-PT4H0M0S"), Some(-240));
        assert_eq!(parse_duration("8 días"), None);
    }
}
