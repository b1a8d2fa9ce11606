//! Excel task lists (W15) for project managers who plan in Excel, and bulk progress workbooks
//! (W16). A header row within the first 20 rows names the columns; the hierarchy comes from the
//! WBS/EDT numbers (`1`, `1.1`, `1.1.2`) and predecessors use MS Project's notation (`3`,
//! `3FC`, `5CC+2 días`, `4FS-1d`, `7SS`, separated by `;` or `,`) over the tasks' IDs (the ID
//! column, else the row's order among the tasks).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use super::calendar::working_days;
use super::{
    DEFAULT_MINUTES_PER_DAY, LAG_FORMAT_DAYS, Link, LinkType, Problem, Schedule, Task, norm,
    parse_number, parse_percent, weight_from,
};
use crate::domain::annex::{Cell, Sheet};

/// Rows scanned for the header.
pub const HEADER_ROWS: usize = 20;

const WBS: &[&str] = &["EDT", "WBS", "EDT/WBS"];
const NAME: &[&str] = &[
    "NOMBRE",
    "TAREA",
    "NOMBRE DE TAREA",
    "NOMBRE DE LA TAREA",
    "ACTIVIDAD",
];
const START: &[&str] = &["INICIO", "COMIENZO", "FECHA INICIO", "FECHA DE INICIO"];
const FINISH: &[&str] = &[
    "FIN",
    "TERMINO",
    "FECHA FIN",
    "FECHA DE FIN",
    "FECHA TERMINO",
];
const DURATION: &[&str] = &["DURACION", "DURACION DIAS", "DIAS"];
const WEIGHT: &[&str] = &["PONDERACION", "PESO", "POND.", "POND", "PONDERADOR"];
const PREDECESSORS: &[&str] = &["PREDECESORAS", "PREDECESORES"];
const RESOURCES: &[&str] = &["RECURSOS", "NOMBRES DE LOS RECURSOS"];
const PROGRESS: &[&str] = &["AVANCE", "COMPLETADO", "AVANCE FISICO"];
const ID: &[&str] = &["ID"];
const UID: &[&str] = &["UID"];
const REAL: &[&str] = &["REAL", "AVANCE REAL"];
const CLIENT: &[&str] = &["CLIENTE", "AVANCE CLIENTE"];
const DATE: &[&str] = &["FECHA"];
const COMMENT: &[&str] = &["COMENTARIO", "COMENTARIOS", "OBSERVACIONES"];

/// A header as compared: upper case, no accents, no `%` and no parentheses.
fn header_key(cell: &Cell) -> String {
    let text = norm(&cell.text()).replace(['%', '(', ')'], " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Header {
    sheet: usize,
    row: usize,
    columns: HashMap<&'static str, usize>,
}

impl Header {
    fn get<'a>(&self, row: &'a [Cell], column: &str) -> Option<&'a Cell> {
        self.columns
            .get(column)
            .and_then(|&c| row.get(c))
            .filter(|c| **c != Cell::Empty)
    }

    fn text(&self, row: &[Cell], column: &str) -> String {
        self.get(row, column)
            .map(|c| c.text().trim().to_owned())
            .unwrap_or_default()
    }
}

/// The first sheet whose first 20 rows hold a header with every `required` column (each one
/// given as alternatives, by the names in `named`).
fn find_header(
    sheets: &[Sheet],
    named: &[(&'static str, &[&str])],
    required: &[&[&str]],
) -> Option<Header> {
    for (s, sheet) in sheets.iter().enumerate() {
        for (r, row) in sheet.rows.iter().take(HEADER_ROWS).enumerate() {
            let keys: Vec<String> = row.iter().map(header_key).collect();
            let mut columns = HashMap::new();
            for (name, aliases) in named {
                if let Some(c) = keys.iter().position(|k| aliases.contains(&k.as_str())) {
                    columns.insert(*name, c);
                }
            }
            if required
                .iter()
                .all(|alts| alts.iter().any(|n| columns.contains_key(n)))
            {
                return Some(Header {
                    sheet: s,
                    row: r,
                    columns,
                });
            }
        }
    }
    None
}

/// A date cell: a date, text `dd/mm/yyyy` or `yyyy-mm-dd` (a time after it is ignored), or an
/// Excel serial number.
fn cell_date(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(d) => Some(*d),
        Cell::Number(n) if (1.0..2_958_466.0).contains(n) => {
            #[expect(clippy::cast_possible_truncation, reason = "range checked")]
            let days = n.floor() as i64;
            NaiveDate::from_ymd_opt(1899, 12, 30).map(|base| base + Duration::days(days))
        }
        Cell::Text(t) => {
            let first = t.split_whitespace().next().unwrap_or("");
            crate::domain::format::parse_date(first).ok().flatten()
        }
        _ => None,
    }
}

/// A number cell (or text holding one).
fn cell_number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Number(n) => Some(*n),
        Cell::Text(t) => parse_number(t),
        _ => None,
    }
}

/// Reads a task list from a workbook's sheets.
pub fn read_tasks(sheets: &[Sheet]) -> Result<Schedule, Vec<Problem>> {
    let named: [(&'static str, &[&str]); 11] = [
        ("wbs", WBS),
        ("name", NAME),
        ("start", START),
        ("finish", FINISH),
        ("duration", DURATION),
        ("weight", WEIGHT),
        ("predecessors", PREDECESSORS),
        ("resources", RESOURCES),
        ("progress", PROGRESS),
        ("id", ID),
        ("uid", UID),
    ];
    let Some(h) = find_header(
        sheets,
        &named,
        &[&["wbs"], &["name"], &["start"], &["finish"]],
    ) else {
        return Err(vec![Problem::file(
            "No se encontró la fila de encabezados en las primeras 20 filas: se necesitan las \
             columnas EDT (o WBS), NOMBRE (o TAREA), INICIO y FIN; opcionales DURACIÓN, \
             PONDERACIÓN, PREDECESORAS, RECURSOS y % AVANCE.",
        )]);
    };
    let sheet = &sheets[h.sheet];
    let rows: Vec<(usize, &Vec<Cell>)> = sheet
        .rows
        .iter()
        .enumerate()
        .skip(h.row + 1)
        .filter(|(_, r)| {
            r.iter()
                .any(|c| *c != Cell::Empty && !c.text().trim().is_empty())
        })
        .collect();
    // Percentages written as fractions (a cell formatted as %): every number at most 1.
    let fractions = {
        let numbers: Vec<f64> = rows
            .iter()
            .filter_map(|(_, r)| match h.get(r, "progress") {
                Some(Cell::Number(n)) => Some(*n),
                _ => None,
            })
            .collect();
        !numbers.is_empty() && numbers.iter().all(|n| (0.0..=1.0).contains(n))
    };
    let mut problems = Vec::new();
    let mut tasks: Vec<Task> = Vec::new();
    let mut raw_links: Vec<(i32, i32, String, usize)> = Vec::new();
    let mut by_wbs: HashMap<String, i32> = HashMap::new();
    let mut ids: HashMap<i32, i32> = HashMap::new();
    let mut root: Option<i32> = None;
    for (n, (sheet_row, row)) in rows.iter().enumerate() {
        let line = sheet_row + 1;
        let name = h.text(row, "name");
        let id = match h.get(row, "id").and_then(cell_number) {
            #[expect(clippy::cast_possible_truncation, reason = "range checked")]
            Some(v) if v.fract() == 0.0 && (0.0..1e9).contains(&v) => v as i32,
            _ => i32::try_from(n + 1).unwrap_or(i32::MAX),
        };
        let mut bad = |msg: String| {
            problems.push(Problem::task(
                Some(id),
                &name,
                format!("{msg} (fila {line})"),
            ));
        };
        let uid = match h.get(row, "uid").map(cell_number) {
            None => id,
            #[expect(clippy::cast_possible_truncation, reason = "range checked")]
            Some(Some(v)) if v.fract() == 0.0 && (0.0..1e9).contains(&v) => v as i32,
            Some(_) => {
                bad("el UID no es un número entero".into());
                continue;
            }
        };
        if name.is_empty() {
            bad("falta el nombre de la tarea".into());
            continue;
        }
        let wbs = h.text(row, "wbs");
        let segments: Vec<&str> = wbs.split('.').map(str::trim).collect();
        if wbs.is_empty() || segments.iter().any(|s| s.is_empty()) {
            bad(format!("la EDT «{wbs}» no es válida (use 1, 1.1, 1.1.2)"));
            continue;
        }
        // WBS "0" is the project summary task, as MS Project numbers it: the parent of the
        // top-level tasks.
        let is_root = segments == ["0"];
        let parent_uid = if is_root {
            None
        } else if segments.len() == 1 {
            root
        } else if segments.len() > 1 {
            let parent = segments[..segments.len() - 1].join(".");
            match by_wbs.get(&parent) {
                Some(p) => Some(*p),
                None => {
                    bad(format!(
                        "su EDT «{wbs}» no tiene antes una tarea «{parent}» (esquema roto)"
                    ));
                    continue;
                }
            }
        } else {
            None
        };
        if is_root {
            root = Some(uid);
        }
        let start = h.get(row, "start").and_then(cell_date);
        let finish = h.get(row, "finish").and_then(cell_date);
        let (Some(start), Some(finish)) = (start, finish) else {
            bad("INICIO y FIN deben ser fechas (dd/mm/aaaa)".into());
            continue;
        };
        let duration_days = match h.get(row, "duration") {
            None => {
                #[expect(clippy::cast_precision_loss, reason = "day counts are small")]
                let d = working_days(start, finish) as f64;
                d
            }
            Some(c) => {
                let text = c.text();
                let lead: String = text
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                    .collect();
                match parse_number(&lead) {
                    Some(d) if d >= 0.0 => d,
                    _ => {
                        bad(format!(
                            "la duración «{}» no es un número de días",
                            text.trim()
                        ));
                        continue;
                    }
                }
            }
        };
        let weight = match h.get(row, "weight") {
            None => None,
            Some(c) => match cell_number(c) {
                Some(w) => Some(weight_from(w)),
                None => {
                    bad(format!(
                        "la ponderación «{}» no es un número",
                        c.text().trim()
                    ));
                    continue;
                }
            },
        };
        let percent = match h.get(row, "progress") {
            None => 0,
            Some(Cell::Number(v)) => {
                let v = if fractions { v * 100.0 } else { *v };
                #[expect(clippy::cast_possible_truncation, reason = "clamped")]
                let p = (v.clamp(0.0, 100.0) * 100.0).round() as i32;
                p
            }
            Some(c) => match parse_percent(&c.text()) {
                Ok(p) => p.unwrap_or(0),
                Err(e) => {
                    bad(format!("% AVANCE: {e}"));
                    continue;
                }
            },
        };
        let predecessors = h.text(row, "predecessors");
        if !predecessors.is_empty() {
            raw_links.push((uid, id, predecessors, line));
        }
        by_wbs.insert(segments.join("."), uid);
        ids.insert(id, uid);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "durations are bounded by dates"
        )]
        let minutes = (duration_days * f64::from(DEFAULT_MINUTES_PER_DAY)).round() as i64;
        tasks.push(Task {
            uid,
            id,
            wbs: segments.join("."),
            outline_level: if is_root {
                0
            } else {
                i32::try_from(segments.len()).unwrap_or(i32::MAX)
            },
            parent_uid,
            name,
            start,
            finish,
            duration_minutes: minutes,
            milestone: minutes == 0,
            summary: false,
            weight,
            percent_complete: percent,
            baseline_start: None,
            baseline_finish: None,
            critical: false,
            resources: h
                .text(row, "resources")
                .split([';', ','])
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let names: HashMap<i32, String> = tasks.iter().map(|t| (t.uid, t.name.clone())).collect();
    let mut links = Vec::new();
    for (uid, id, text, line) in raw_links {
        let name = names.get(&uid).cloned().unwrap_or_default();
        for token in text
            .split([';', ','])
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            match parse_predecessor(token) {
                Some((pred_id, kind, lag_tenths, lag_format)) => match ids.get(&pred_id) {
                    Some(p) => links.push(Link {
                        predecessor_uid: *p,
                        successor_uid: uid,
                        kind,
                        lag_tenths,
                        lag_format,
                    }),
                    None => problems.push(Problem::task(
                        Some(id),
                        &name,
                        format!("su predecesora {pred_id} no existe en la lista (fila {line})"),
                    )),
                },
                None => problems.push(Problem::task(
                    Some(id),
                    &name,
                    format!(
                        "la predecesora «{token}» no se entiende (ejemplos: 3, 3FC, 5CC+2 días, \
                         4FS-1d) (fila {line})"
                    ),
                )),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Schedule {
        minutes_per_day: DEFAULT_MINUTES_PER_DAY,
        start: None,
        finish: None,
        has_weights: h.columns.contains_key("weight") && tasks.iter().any(|t| t.weight.is_some()),
        stable_uids: h.columns.contains_key("uid"),
        tasks,
        links,
        calendar: super::calendar::WorkCalendar::standard(),
    })
}

/// One predecessor in MS Project notation: (ID, type, lag in tenths of a minute, lag format).
pub fn parse_predecessor(token: &str) -> Option<(i32, LinkType, i64, i32)> {
    let t = token.trim();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let id: i32 = digits.parse().ok()?;
    let rest = t[digits.len()..].trim_start();
    let letters: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
    let kind = if letters.is_empty() {
        LinkType::FinishStart
    } else {
        LinkType::from_code(&letters)?
    };
    let rest = rest[letters.len()..].trim();
    if rest.is_empty() {
        return Some((id, kind, 0, LAG_FORMAT_DAYS));
    }
    let (sign, rest) = match rest.chars().next()? {
        '+' => (1.0, &rest[1..]),
        '-' => (-1.0, &rest[1..]),
        _ => return None,
    };
    let rest = rest.trim();
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let value = sign * parse_number(&number)?;
    let unit = norm(rest[number.len()..].trim());
    let minutes_per_day = f64::from(DEFAULT_MINUTES_PER_DAY);
    let (tenths, format) = match unit.as_str() {
        "" | "D" | "DIA" | "DIAS" | "DAY" | "DAYS" => (value * minutes_per_day * 10.0, 7),
        "H" | "HR" | "HRS" | "HORA" | "HORAS" => (value * 600.0, 5),
        "SEM" | "SEMANA" | "SEMANAS" | "W" | "WK" => (value * 5.0 * minutes_per_day * 10.0, 9),
        "ED" | "DN" | "DIAS NATURALES" => (value * 1440.0 * 10.0, 8),
        "%" => (value * 10.0, 19),
        _ => return None,
    };
    #[expect(clippy::cast_possible_truncation, reason = "lags are small")]
    let tenths = tenths.round() as i64;
    Some((id, kind, tenths, format))
}

/// How a progress row names its task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskKey {
    Uid(i32),
    Wbs(String),
}

/// The rows of a progress workbook that could be read, and the others' problems with their
/// sheet row.
pub type ProgressRead = (Vec<ProgressRow>, Vec<(usize, Problem)>);

/// One row of a bulk progress workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressRow {
    /// The sheet's row number (1-based), for messages.
    pub line: usize,
    pub key: TaskKey,
    pub real: Option<i32>,
    pub client: Option<i32>,
    pub on: Option<NaiveDate>,
    pub comment: String,
}

/// Reads a progress workbook: `UID` or `EDT`, `% REAL` and/or `% CLIENTE`, optional `FECHA`
/// and `COMENTARIO`. Rows without either percentage are skipped. The rows that could be read
/// come with the problems of the others, each with its sheet row, so that the caller lists
/// every problem of the file at once.
pub fn read_progress(sheets: &[Sheet]) -> Result<ProgressRead, Vec<Problem>> {
    let named: [(&'static str, &[&str]); 6] = [
        ("uid", UID),
        ("wbs", WBS),
        ("real", REAL),
        ("client", CLIENT),
        ("date", DATE),
        ("comment", COMMENT),
    ];
    let header = find_header(sheets, &named, &[&["uid", "wbs"]])
        .filter(|h| h.columns.contains_key("real") || h.columns.contains_key("client"));
    let Some(h) = header else {
        return Err(vec![Problem::file(
            "No se encontró la fila de encabezados en las primeras 20 filas: se necesitan UID \
             (o EDT) y % REAL y/o % CLIENTE; opcionales FECHA y COMENTARIO.",
        )]);
    };
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, row) in sheets[h.sheet].rows.iter().enumerate().skip(h.row + 1) {
        let line = i + 1;
        let real_text = h.text(row, "real");
        let client_text = h.text(row, "client");
        if real_text.is_empty() && client_text.is_empty() {
            continue;
        }
        let mut bad =
            |msg: String| problems.push((line, Problem::file(format!("Fila {line}: {msg}"))));
        let key = match (h.get(row, "uid"), h.text(row, "wbs")) {
            #[expect(clippy::cast_possible_truncation, reason = "range checked")]
            (Some(c), _) => match cell_number(c) {
                Some(v) if v.fract() == 0.0 && (0.0..1e9).contains(&v) => TaskKey::Uid(v as i32),
                _ => {
                    bad(format!("el UID «{}» no es un número entero.", c.text()));
                    continue;
                }
            },
            (None, wbs) if !wbs.is_empty() => TaskKey::Wbs(wbs),
            _ => {
                bad("falta el UID o la EDT de la tarea.".into());
                continue;
            }
        };
        let pct = |cell: Option<&Cell>, text: &str| -> Result<Option<i32>, String> {
            match cell {
                Some(Cell::Number(n)) if !text.contains('%') => {
                    parse_percent(&format!("{}", (n * 10.0).round() / 10.0)).and_then(|p| {
                        if ((n * 10.0).round() - n * 10.0).abs() > 1e-6 {
                            Err(format!("«{text}» tiene más de un decimal."))
                        } else {
                            Ok(p)
                        }
                    })
                }
                _ => parse_percent(text),
            }
        };
        let real = match pct(h.get(row, "real"), &real_text) {
            Ok(v) => v,
            Err(e) => {
                bad(format!("% REAL: {e}"));
                continue;
            }
        };
        let client = match pct(h.get(row, "client"), &client_text) {
            Ok(v) => v,
            Err(e) => {
                bad(format!("% CLIENTE: {e}"));
                continue;
            }
        };
        let on = match h.get(row, "date") {
            None => None,
            Some(c) => match cell_date(c) {
                Some(d) => Some(d),
                None => {
                    bad(format!(
                        "la FECHA «{}» no es válida (dd/mm/aaaa).",
                        c.text()
                    ));
                    continue;
                }
            },
        };
        out.push(ProgressRow {
            line,
            key,
            real,
            client,
            on,
            comment: h.text(row, "comment"),
        });
    }
    if out.is_empty() && problems.is_empty() {
        return Err(vec![Problem::file(
            "El libro no tiene filas con % REAL o % CLIENTE.",
        )]);
    }
    Ok((out, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn sheet(rows: Vec<Vec<Cell>>) -> Vec<Sheet> {
        vec![Sheet {
            name: "Programa".into(),
            rows,
        }]
    }

    #[test]
    fn w15_predecessor_notation() {
        assert_eq!(
            parse_predecessor("3"),
            Some((3, LinkType::FinishStart, 0, 7))
        );
        assert_eq!(
            parse_predecessor("3FC"),
            Some((3, LinkType::FinishStart, 0, 7))
        );
        assert_eq!(
            parse_predecessor("5CC+2 días"),
            Some((5, LinkType::StartStart, 9600, 7))
        );
        assert_eq!(
            parse_predecessor("4FS-1d"),
            Some((4, LinkType::FinishStart, -4800, 7))
        );
        assert_eq!(
            parse_predecessor("7SS"),
            Some((7, LinkType::StartStart, 0, 7))
        );
        assert_eq!(parse_predecessor("7XX"), None);
        assert_eq!(parse_predecessor("abc"), None);
    }

    #[test]
    fn w15_excel_hierarchy_from_wbs_and_links_from_ids() {
        let rows = vec![
            vec![t("Programa de obra")],
            vec![
                t("EDT"),
                t("Nombre"),
                t("Inicio"),
                t("Fin"),
                t("Ponderación"),
                t("Predecesoras"),
                t("% Avance"),
            ],
            vec![
                t("1"),
                t("Fase"),
                t("05/01/2026"),
                t("16/01/2026"),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ],
            vec![
                t("1.1"),
                t("Corte"),
                t("05/01/2026"),
                t("09/01/2026"),
                Cell::Number(40.0),
                Cell::Empty,
                Cell::Number(0.5),
            ],
            vec![
                t("1.2"),
                t("Soldadura"),
                t("12/01/2026"),
                t("16/01/2026"),
                t("60%"),
                t("2FC+1 día"),
                Cell::Number(0.0),
            ],
        ];
        let s = read_tasks(&sheet(rows)).unwrap();
        assert_eq!(s.tasks.len(), 3);
        assert_eq!(s.tasks[1].parent_uid, Some(1));
        assert_eq!(s.tasks[1].duration_minutes, 5 * 480);
        assert_eq!(s.tasks[1].percent_complete, 5000);
        assert_eq!(s.tasks[2].weight, Some(60_000_000));
        assert_eq!(s.links.len(), 1);
        assert_eq!(s.links[0].predecessor_uid, 2);
        assert!(s.has_weights && !s.stable_uids);
    }

    #[test]
    fn w15_excel_broken_outline_and_unknown_predecessor() {
        let rows = vec![
            vec![
                t("WBS"),
                t("Tarea"),
                t("Inicio"),
                t("Fin"),
                t("Predecesoras"),
            ],
            vec![
                t("1.1"),
                t("Huérfana"),
                t("05/01/2026"),
                t("09/01/2026"),
                Cell::Empty,
            ],
            vec![t("2"), t("Otra"), t("05/01/2026"), t("09/01/2026"), t("9")],
        ];
        let err = read_tasks(&sheet(rows)).unwrap_err();
        assert!(err[0].text().contains("esquema roto"), "{err:?}");
        assert!(err[1].text().contains("predecesora 9 no existe"), "{err:?}");
    }

    #[test]
    fn w16_progress_rows() {
        let rows = vec![
            vec![t("UID"), t("% Real"), t("% Cliente"), t("Fecha")],
            vec![
                Cell::Number(2.0),
                Cell::Number(45.5),
                Cell::Empty,
                t("08/01/2026"),
            ],
            vec![Cell::Number(3.0), Cell::Empty, Cell::Empty, Cell::Empty],
        ];
        let (r, problems) = read_progress(&sheet(rows)).unwrap();
        assert!(problems.is_empty());
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].key, TaskKey::Uid(2));
        assert_eq!(r[0].real, Some(4550));
        assert_eq!(r[0].client, None);
        let bad = vec![
            vec![t("EDT"), t("% Real")],
            vec![t("1.1"), Cell::Number(150.0)],
        ];
        let (rows, problems) = read_progress(&sheet(bad)).unwrap();
        assert!(rows.is_empty());
        assert!(problems[0].1.text().contains("Fila 2"));
    }
}
