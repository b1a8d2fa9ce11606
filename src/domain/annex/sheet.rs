//! Reading a workbook's grid: cells, sheets, the header row of the annex (its columns and its
//! daily schedule columns) and the rows below it, before validation.

use chrono::NaiveDate;

use super::decimal::{PRICE_SCALE, VOLUME_SCALE, cell_scaled};

/// Rows scanned for the header in each sheet.
pub const HEADER_SCAN_ROWS: usize = 100;

/// One cell as the workbook gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text, as a person reads it (numbers without a trailing ".0").
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
        }
    }
}

/// A sheet: its name and its rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// Upper case, no accents, single spaces: how headers, descriptions and units are compared.
pub fn norm(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'Á' | 'À' | 'Ä' | 'Â' => 'A',
            'é' | 'è' | 'ë' | 'ê' | 'É' | 'È' | 'Ë' | 'Ê' => 'E',
            'í' | 'ì' | 'ï' | 'î' | 'Í' | 'Ì' | 'Ï' | 'Î' => 'I',
            'ó' | 'ò' | 'ö' | 'ô' | 'Ó' | 'Ò' | 'Ö' | 'Ô' => 'O',
            'ú' | 'ù' | 'ü' | 'û' | 'Ú' | 'Ù' | 'Ü' | 'Û' => 'U',
            other => other,
        })
        .flat_map(char::to_uppercase)
        .collect()
}

/// Where the annex is in the workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub sheet: usize,
    /// 0-based index of the header row.
    pub header_row: usize,
    pub annex: usize,
    pub code: usize,
    pub description: usize,
    pub unit: usize,
    pub volume: usize,
    pub price_mxn: usize,
    pub price_usd: Option<usize>,
    pub ok: Option<usize>,
    /// Daily schedule columns: their index and day.
    pub days: Vec<(usize, NaiveDate)>,
}

pub(super) const REQUIRED: [&str; 4] = ["PARTIDA", "CONCEPTO", "UNIDAD", "VOLUMEN PTE"];
pub(super) const PRICE_MXN: [&str; 2] = ["P.U. M.N.", "P.U.M.N."];
pub(super) const PRICE_USD: [&str; 2] = ["P.U. USD", "P.U.USD"];

/// A header cell that is a day: a date cell, or text `dd/mm/yyyy` or `yyyy-mm-dd`.
fn header_day(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(d) => Some(*d),
        Cell::Text(s) => {
            let s = s.trim();
            NaiveDate::parse_from_str(s, "%d/%m/%Y")
                .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
                .ok()
        }
        _ => None,
    }
}

/// Text shaped like a date (`dd/mm/yyyy` or `yyyy-mm-dd`), valid or not.
fn looks_like_date(s: &str) -> bool {
    let digits = |part: &str, min: usize, max: usize| {
        (min..=max).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    let parts: Vec<&str> = s.split('/').collect();
    if let [d, m, y] = parts.as_slice() {
        return digits(d, 1, 2) && digits(m, 1, 2) && digits(y, 4, 4);
    }
    let parts: Vec<&str> = s.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if digits(y, 4, 4) && digits(m, 1, 2) && digits(d, 1, 2))
}

/// A column's letters as Excel shows them (0 → A, 26 → AA).
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// A row's cells as header names (normalised text; other cells are blank).
pub(super) fn header_names(row: &[Cell]) -> Vec<String> {
    row.iter()
        .map(|c| match c {
            Cell::Text(t) => norm(t),
            _ => String::new(),
        })
        .collect()
}

/// The first column whose name is one of `wanted`.
pub(super) fn column(names: &[String], wanted: &[&str]) -> Option<usize> {
    names.iter().position(|n| wanted.contains(&n.as_str()))
}

/// Finds the header: sheets whose name holds "ANEXO C" or "RECURSOS PROGRAMADOS" first, then the
/// others; in each, the first 100 rows, for a row with PARTIDA, CONCEPTO, UNIDAD, VOLUMEN PTE and
/// P.U. M.N. (or P.U.M.N.). ANEXO is required too.
pub fn find_layout(sheets: &[Sheet]) -> Result<Layout, String> {
    let preferred = |s: &Sheet| {
        let n = norm(&s.name);
        n.contains("ANEXO C") || n.contains("RECURSOS PROGRAMADOS")
    };
    let order: Vec<usize> = (0..sheets.len())
        .filter(|i| preferred(&sheets[*i]))
        .chain((0..sheets.len()).filter(|i| !preferred(&sheets[*i])))
        .collect();
    for sheet in order {
        for (r, row) in sheets[sheet].rows.iter().take(HEADER_SCAN_ROWS).enumerate() {
            let names = header_names(row);
            let col = |wanted: &[&str]| column(&names, wanted);
            let found: Option<Vec<usize>> = REQUIRED.iter().map(|h| col(&[*h])).collect();
            let (Some(found), Some(price_mxn)) = (found, col(&PRICE_MXN)) else {
                continue;
            };
            let Some(annex) = col(&["ANEXO"]) else {
                return Err(format!(
                    "La hoja «{}» tiene los encabezados del anexo en la fila {} pero le falta la \
                     columna ANEXO.",
                    sheets[sheet].name,
                    r + 1
                ));
            };
            // A header shaped like a date that is not one (31/02/2025) would silently lose its
            // column: refuse the file and name it (W14, all-or-nothing).
            if let Some((i, text)) = row.iter().enumerate().find_map(|(i, c)| match c {
                Cell::Text(t) if looks_like_date(t.trim()) && header_day(c).is_none() => {
                    Some((i, t.trim().to_owned()))
                }
                _ => None,
            }) {
                return Err(format!(
                    "La columna {} del encabezado (hoja «{}», fila {}) dice «{text}», que no es \
                     una fecha válida: corríjala o quite la columna.",
                    column_letters(i),
                    sheets[sheet].name,
                    r + 1
                ));
            }
            let days = row
                .iter()
                .enumerate()
                .filter_map(|(i, c)| header_day(c).map(|d| (i, d)))
                .collect();
            return Ok(Layout {
                sheet,
                header_row: r,
                annex,
                code: found[0],
                description: found[1],
                unit: found[2],
                volume: found[3],
                price_mxn,
                price_usd: col(&PRICE_USD),
                ok: col(&["OK"]),
                days,
            });
        }
    }
    let names: Vec<String> = sheets.iter().map(|s| format!("«{}»", s.name)).collect();
    Err(format!(
        "No se encontró el encabezado del anexo (PARTIDA, CONCEPTO, UNIDAD, VOLUMEN PTE, \
         P.U. M.N.) en las primeras {HEADER_SCAN_ROWS} filas de las hojas {}.",
        names.join(", ")
    ))
}

/// A row of the annex as read, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// 1-based position among the rows after the header.
    pub row_number: i32,
    /// 1-based row in the sheet, for messages.
    pub sheet_row: usize,
    pub annex: String,
    pub code: String,
    pub description: String,
    pub unit: String,
    pub volume: Option<i64>,
    pub price_mxn: Option<i64>,
    pub price_usd: Option<i64>,
    pub days: Vec<(NaiveDate, Option<i64>)>,
}

pub(super) fn blank_unit(u: &str) -> bool {
    matches!(u, "" | "-" | "." | "NAN")
}

/// The rows that count: with an OK column only those marked OK; rows without unit (blank, "-",
/// ".", NAN), code or description are skipped.
pub fn read_rows(sheet: &Sheet, layout: &Layout) -> Vec<RawRow> {
    let get = |row: &[Cell], i: usize| row.get(i).cloned().unwrap_or(Cell::Empty);
    let mut out = Vec::new();
    for (offset, row) in sheet.rows.iter().skip(layout.header_row + 1).enumerate() {
        if let Some(ok) = layout.ok
            && norm(&get(row, ok).text()) != "OK"
        {
            continue;
        }
        let unit = norm(&get(row, layout.unit).text());
        let code = norm(&get(row, layout.code).text());
        let description = norm(&get(row, layout.description).text());
        if blank_unit(&unit) || code.is_empty() || description.is_empty() {
            continue;
        }
        let annex = get(row, layout.annex).text().trim().to_owned();
        out.push(RawRow {
            row_number: i32::try_from(offset + 1).unwrap_or(i32::MAX),
            sheet_row: layout.header_row + offset + 2,
            annex: if annex.is_empty() {
                "S/A".to_owned()
            } else {
                annex
            },
            code,
            description,
            unit,
            volume: cell_scaled(&get(row, layout.volume), VOLUME_SCALE),
            price_mxn: cell_scaled(&get(row, layout.price_mxn), PRICE_SCALE),
            price_usd: layout
                .price_usd
                .map_or(Some(0), |c| cell_scaled(&get(row, c), PRICE_SCALE)),
            days: layout
                .days
                .iter()
                .map(|(c, d)| (*d, cell_scaled(&get(row, *c), VOLUME_SCALE)))
                .collect(),
        });
    }
    out
}

#[cfg(test)]
mod date_header_tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn w14_impossible_dates_in_the_header_are_refused_by_column() {
        let header = |day: &str| {
            vec![
                t("ANEXO"),
                t("PARTIDA"),
                t("CONCEPTO"),
                t("UNIDAD"),
                t("VOLUMEN PTE"),
                t("P.U. M.N."),
                t("01/02/2025"),
                t(day),
            ]
        };
        for bad in ["31/02/2025", "2025-02-30"] {
            let sheets = vec![Sheet {
                name: "ANEXO C".into(),
                rows: vec![header(bad)],
            }];
            let err = find_layout(&sheets).unwrap_err();
            assert!(err.contains("columna H") && err.contains(bad), "{err}");
        }
        let sheets = vec![Sheet {
            name: "ANEXO C".into(),
            rows: vec![header("2025-02-28")],
        }];
        assert_eq!(find_layout(&sheets).unwrap().days.len(), 2);
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
    }
}
