//! W14: reading an OT's Anexo C (budget items and their daily programmed volumes) from the cells
//! of a workbook, and validating it all-or-nothing against units and the concept catalog.
//! Works on a plain grid of cells, so it is tested without files; `crate::services::annexes` feeds it from
//! calamine. Values are exact: volumes in millionths, prices in ten-thousandths (integers).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

/// Volumes keep 6 decimals.
pub const VOLUME_SCALE: u32 = 6;
/// Unit prices and exchange rates keep 4 decimals.
pub const PRICE_SCALE: u32 = 4;
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

/// Parses a decimal written by a person ("1,234.5", "$ 12", "-", "") into an integer with
/// `scale` decimals, exactly. Blank and "-" are zero. More decimals than the scale round half
/// away from zero.
pub fn parse_scaled(raw: &str, scale: u32) -> Option<i64> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, '$' | ',' | ' ' | '\u{a0}'))
        .collect();
    if cleaned.is_empty() || cleaned == "-" {
        return Some(0);
    }
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || whole.len() > 12
    {
        return None;
    }
    let scale_usize = scale as usize;
    let mut value: i128 = 0;
    for c in whole.chars() {
        value = value * 10 + i128::from(c.to_digit(10)?);
    }
    let mut kept = 0;
    for c in frac.chars().take(scale_usize) {
        value = value * 10 + i128::from(c.to_digit(10)?);
        kept += 1;
    }
    for _ in kept..scale_usize {
        value *= 10;
    }
    if frac.chars().nth(scale_usize).is_some_and(|c| c >= '5') {
        value += 1;
    }
    let value = if negative { -value } else { value };
    i64::try_from(value).ok()
}

/// A number cell rounded to `scale` decimals (the workbook stores binary floats: the declared
/// scale is what the number means).
pub fn scaled_from_f64(n: f64, scale: u32) -> Option<i64> {
    let factor = 10f64.powi(i32::try_from(scale).ok()?);
    let v = (n * factor).round();
    if !v.is_finite() || v.abs() >= 9.0e15 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    Some(v as i64)
}

fn cell_scaled(cell: &Cell, scale: u32) -> Option<i64> {
    match cell {
        Cell::Empty => Some(0),
        Cell::Number(n) => scaled_from_f64(*n, scale),
        Cell::Text(s) => parse_scaled(s, scale),
        Cell::Date(_) => None,
    }
}

/// Formats a scaled integer with its decimals ("12.500000" → "12.5"), for pages and reports.
pub fn format_scaled(v: i64, scale: u32) -> String {
    let factor = 10i128.pow(scale);
    let v = i128::from(v);
    let sign = if v < 0 { "-" } else { "" };
    let (whole, frac) = (v.abs() / factor, v.abs() % factor);
    let whole = super::format::group_thousands(u64::try_from(whole).unwrap_or(u64::MAX));
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let frac = format!("{frac:0width$}", width = scale as usize);
    format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
}

/// A unit price as money: "$1,234.50", "$123.4567" (at least the centavos, at most 4 decimals).
pub fn format_price(v: i64) -> String {
    let text = format_scaled(v, PRICE_SCALE);
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    let padding = match decimals {
        0 => ".00",
        1 => "0",
        _ => "",
    };
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    format!("{sign}${digits}{padding}")
}

/// volume × price, in centavos (rounded half up): volume has 6 decimals, price 4.
pub fn amount_centavos(volume: i64, price: i64) -> i128 {
    let raw = i128::from(volume) * i128::from(price); // 10 decimals
    let divisor = 100_000_000i128; // to 2 decimals
    if raw >= 0 {
        (raw + divisor / 2) / divisor
    } else {
        (raw - divisor / 2) / divisor
    }
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

const REQUIRED: [&str; 4] = ["PARTIDA", "CONCEPTO", "UNIDAD", "VOLUMEN PTE"];
const PRICE_MXN: [&str; 2] = ["P.U. M.N.", "P.U.M.N."];
const PRICE_USD: [&str; 2] = ["P.U. USD", "P.U.USD"];

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

/// A row's cells as header names (normalised text; other cells are blank).
fn header_names(row: &[Cell]) -> Vec<String> {
    row.iter()
        .map(|c| match c {
            Cell::Text(t) => norm(t),
            _ => String::new(),
        })
        .collect()
}

/// The first column whose name is one of `wanted`.
fn column(names: &[String], wanted: &[&str]) -> Option<usize> {
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

fn blank_unit(u: &str) -> bool {
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

/// A unit of measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: i32,
    pub clave: String,
    pub description: String,
}

/// A concept of the master catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    pub id: i32,
    pub code: String,
    pub description: String,
    pub unit_id: i32,
    pub price_mxn: i64,
    pub price_usd: i64,
    pub active: bool,
}

/// A valid item, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub row_number: i32,
    pub annex: String,
    pub code: String,
    pub description: String,
    pub unit: String,
    pub volume: i64,
    pub price_mxn: i64,
    pub price_usd: i64,
    /// Days with a programmed volume above zero.
    pub days: Vec<(NaiveDate, i64)>,
}

/// Why a row was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub sheet_row: usize,
    pub code: String,
    pub reason: String,
}

/// Units and active concepts, indexed for the checks.
pub struct Reference<'a> {
    units: HashMap<String, &'a Unit>,
    unit_by_id: HashMap<i32, &'a Unit>,
    exact: HashMap<(String, String, i32), &'a Concept>,
    by_code: HashMap<String, Vec<&'a Concept>>,
    descriptions: HashSet<String>,
}

impl<'a> Reference<'a> {
    pub fn new(units: &'a [Unit], concepts: &'a [Concept]) -> Reference<'a> {
        let mut r = Reference {
            units: HashMap::new(),
            unit_by_id: HashMap::new(),
            exact: HashMap::new(),
            by_code: HashMap::new(),
            descriptions: HashSet::new(),
        };
        for u in units {
            r.units.insert(norm(&u.clave), u);
            r.units.entry(norm(&u.description)).or_insert(u);
            r.unit_by_id.insert(u.id, u);
        }
        for c in concepts.iter().filter(|c| c.active) {
            let (code, description) = (norm(&c.code), norm(&c.description));
            r.exact
                .insert((code.clone(), description.clone(), c.unit_id), c);
            r.by_code.entry(code).or_default().push(c);
            r.descriptions.insert(description);
        }
        r
    }

    fn unit(&self, raw: &str) -> Option<&'a Unit> {
        self.units.get(raw).copied()
    }

    /// Why a row matches no active concept (the legacy's reasons, kept word for word).
    fn mismatch(&self, row: &RawRow, unit: &Unit) -> String {
        if let Some(same_code) = self.by_code.get(&row.code) {
            let mut reasons = Vec::new();
            if !same_code
                .iter()
                .any(|c| norm(&c.description) == row.description)
            {
                reasons.push("DESCRIPCIÓN DIFERENTE.".to_owned());
            }
            if !same_code.iter().any(|c| c.unit_id == unit.id) {
                let catalog = same_code
                    .first()
                    .and_then(|c| self.unit_by_id.get(&c.unit_id))
                    .map_or(String::new(), |u| u.clave.clone());
                reasons.push(format!(
                    "UNIDAD DIFERENTE. Excel: '{}' vs Catálogo: '{catalog}'",
                    row.unit
                ));
            }
            if reasons.is_empty() {
                "Posible duplicidad en catálogo.".to_owned()
            } else {
                reasons.join(" ")
            }
        } else if self.descriptions.contains(&row.description) {
            format!("CÓDIGO INCORRECTO. Partida '{}' no existe.", row.code)
        } else {
            "NO ENCONTRADO en catálogo.".to_owned()
        }
    }
}

/// Validates every row; the items only when no row fails (all-or-nothing). The catalog's unit
/// price wins when it is above zero, for each currency.
pub fn validate(rows: &[RawRow], reference: &Reference) -> Result<Vec<Item>, Vec<RowError>> {
    let mut items = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    for row in rows {
        let fail = |reason: String| RowError {
            sheet_row: row.sheet_row,
            code: row.code.clone(),
            reason,
        };
        let Some(unit) = reference.unit(&row.unit) else {
            errors.push(fail(format!(
                "Unidad '{}' no existe en el sistema.",
                row.unit
            )));
            continue;
        };
        let key = (row.code.clone(), row.description.clone(), unit.id);
        let Some(concept) = reference.exact.get(&key) else {
            errors.push(fail(reference.mismatch(row, unit)));
            continue;
        };
        let mut bad = Vec::new();
        match row.volume {
            Some(v) if v >= 0 => {}
            _ => bad.push("VOLUMEN PTE no es un número válido (≥ 0)."),
        }
        if !matches!(row.price_mxn, Some(p) if p >= 0) {
            bad.push("P.U. M.N. no es un número válido (≥ 0).");
        }
        if !matches!(row.price_usd, Some(p) if p >= 0) {
            bad.push("P.U. USD no es un número válido (≥ 0).");
        }
        if row
            .days
            .iter()
            .any(|(_, v)| !matches!(v, Some(v) if *v >= 0))
        {
            bad.push("Un volumen programado por día no es un número válido (≥ 0).");
        }
        if !bad.is_empty() {
            errors.push(fail(bad.join(" ")));
            continue;
        }
        let pick = |catalog: i64, excel: Option<i64>| {
            if catalog > 0 {
                catalog
            } else {
                excel.unwrap_or(0)
            }
        };
        items.push(Item {
            row_number: row.row_number,
            annex: row.annex.clone(),
            code: row.code.clone(),
            description: concept.description.clone(),
            unit: unit.clave.clone(),
            volume: row.volume.unwrap_or(0),
            price_mxn: pick(concept.price_mxn, row.price_mxn),
            price_usd: pick(concept.price_usd, row.price_usd),
            days: row
                .days
                .iter()
                .filter_map(|(d, v)| v.filter(|v| *v > 0).map(|v| (*d, v)))
                .collect(),
        });
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    }
}

/// Where the master concept catalog is in a workbook (an administrator's import): the first
/// sheet with PARTIDA, CONCEPTO, UNIDAD and P.U. M.N. (or P.U.M.N.) in its first 100 rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogLayout {
    pub sheet: usize,
    pub header_row: usize,
    pub code: usize,
    /// PARTIDA EXT: the extraordinary code, used when PARTIDA is empty.
    pub extra_code: Option<usize>,
    pub description: usize,
    pub unit: usize,
    pub price_mxn: usize,
    pub price_usd: Option<usize>,
    pub annex: Option<usize>,
}

pub fn find_catalog_layout(sheets: &[Sheet]) -> Result<CatalogLayout, String> {
    for (sheet, s) in sheets.iter().enumerate() {
        for (r, row) in s.rows.iter().take(HEADER_SCAN_ROWS).enumerate() {
            let names = header_names(row);
            let col = |wanted: &[&str]| column(&names, wanted);
            let (Some(code), Some(description), Some(unit), Some(price_mxn)) = (
                col(&["PARTIDA"]),
                col(&["CONCEPTO"]),
                col(&["UNIDAD"]),
                col(&PRICE_MXN),
            ) else {
                continue;
            };
            return Ok(CatalogLayout {
                sheet,
                header_row: r,
                code,
                extra_code: col(&["PARTIDA EXT", "PARTIDA EXTRAORDINARIA"]),
                description,
                unit,
                price_mxn,
                price_usd: col(&PRICE_USD),
                annex: col(&["ANEXO"]),
            });
        }
    }
    Err(format!(
        "No se encontró el encabezado del catálogo (PARTIDA, CONCEPTO, UNIDAD, P.U. M.N.) en las \
         primeras {HEADER_SCAN_ROWS} filas de ninguna hoja."
    ))
}

/// A concept read from the catalog workbook and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub sheet_row: usize,
    pub code: String,
    pub description: String,
    pub unit_id: i32,
    pub price_mxn: i64,
    pub price_usd: i64,
    pub annex: String,
}

/// Reads and checks every row of the catalog workbook, all-or-nothing: code (or PARTIDA EXT),
/// description and a known unit are required, prices are numbers ≥ 0, and a (code,
/// description, unit) appears once. Rows with neither code nor description are skipped.
pub fn read_catalog(
    sheet: &Sheet,
    layout: &CatalogLayout,
    units: &[Unit],
) -> Result<Vec<CatalogEntry>, Vec<RowError>> {
    let reference = Reference::new(units, &[]);
    let get = |row: &[Cell], i: usize| row.get(i).cloned().unwrap_or(Cell::Empty);
    let (mut entries, mut errors) = (Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    for (offset, row) in sheet.rows.iter().enumerate().skip(layout.header_row + 1) {
        let mut code = norm(&get(row, layout.code).text());
        if code.is_empty()
            && let Some(extra) = layout.extra_code
        {
            code = norm(&get(row, extra).text());
        }
        let description = get(row, layout.description)
            .text()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if code.is_empty() && description.is_empty() {
            continue;
        }
        let unit_raw = norm(&get(row, layout.unit).text());
        let mut reasons = Vec::new();
        if code.is_empty() {
            reasons.push("Sin PARTIDA.".to_owned());
        }
        if description.is_empty() {
            reasons.push("Sin CONCEPTO.".to_owned());
        }
        let unit = reference.unit(&unit_raw);
        if unit.is_none() {
            reasons.push(format!("Unidad '{unit_raw}' no existe en el sistema."));
        }
        let price_mxn = cell_scaled(&get(row, layout.price_mxn), PRICE_SCALE).filter(|p| *p >= 0);
        let price_usd = layout
            .price_usd
            .map_or(Some(0), |c| cell_scaled(&get(row, c), PRICE_SCALE))
            .filter(|p| *p >= 0);
        if price_mxn.is_none() {
            reasons.push("P.U. M.N. no es un número válido (≥ 0).".to_owned());
        }
        if price_usd.is_none() {
            reasons.push("P.U. USD no es un número válido (≥ 0).".to_owned());
        }
        if let Some(u) = unit
            && !seen.insert((code.clone(), norm(&description), u.id))
        {
            reasons.push("Partida repetida en el archivo (misma descripción y unidad).".to_owned());
        }
        let sheet_row = offset + 1;
        match (reasons.is_empty(), unit, price_mxn, price_usd) {
            (true, Some(u), Some(price_mxn), Some(price_usd)) => entries.push(CatalogEntry {
                sheet_row,
                code,
                description,
                unit_id: u.id,
                price_mxn,
                price_usd,
                annex: layout
                    .annex
                    .map(|c| get(row, c).text().trim().to_owned())
                    .unwrap_or_default(),
            }),
            _ => errors.push(RowError {
                sheet_row,
                code,
                reason: reasons.join(" "),
            }),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn header() -> Vec<Cell> {
        vec![
            t("Anexo"),
            t(" partida "),
            t("CONCEPTO"),
            t("Unidad"),
            t("VOLUMEN  PTE"),
            t("P.U.M.N."),
            t("P.U. USD"),
            Cell::Date(d(2025, 3, 1)),
            t("02/03/2025"),
        ]
    }

    fn catalog() -> (Vec<Unit>, Vec<Concept>) {
        let units = vec![
            Unit {
                id: 1,
                clave: "PZA".into(),
                description: "PIEZA".into(),
            },
            Unit {
                id: 3,
                clave: "M2".into(),
                description: "METRO CUADRADO".into(),
            },
        ];
        let concept = |id, code: &str, description: &str, unit_id, price_mxn| Concept {
            id,
            code: code.into(),
            description: description.into(),
            unit_id,
            price_mxn,
            price_usd: 0,
            active: true,
        };
        let concepts = vec![
            concept(1, "A-1", "Suministro de válvula", 1, 0),
            concept(2, "A-2", "Pintura anticorrosiva", 3, 12_345_000),
        ];
        (units, concepts)
    }

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_scaled("1,234.5", 4), Some(12_345_000));
        assert_eq!(parse_scaled("$ 0.00005", 4), Some(1), "rounds half up");
        assert_eq!(parse_scaled("0.00004", 4), Some(0));
        assert_eq!(parse_scaled("-", 6), Some(0));
        assert_eq!(parse_scaled("", 6), Some(0));
        assert_eq!(parse_scaled("-2.5", 6), Some(-2_500_000));
        assert_eq!(parse_scaled("0.1", 6), Some(100_000));
        for bad in ["abc", "1.2.3", "1e5", ".", "9999999999999"] {
            assert_eq!(parse_scaled(bad, 4), None, "{bad}");
        }
        // 0.1 + 0.2 as floats is 0.30000000000000004: the declared scale decides.
        assert_eq!(scaled_from_f64(0.1 + 0.2, 6), Some(300_000));
        assert_eq!(scaled_from_f64(1234.56785, 4), Some(12_345_679));
        assert_eq!(format_scaled(12_500_000, 6), "12.5");
        assert_eq!(format_scaled(12_345_678_900, 4), "1,234,567.89");
        assert_eq!(format_price(1_000_000), "$100.00");
        assert_eq!(format_price(12_345_000), "$1,234.50");
        assert_eq!(format_price(1_234_567), "$123.4567");
        assert_eq!(amount_centavos(2_500_000, 12_345_000), 308_625);
    }

    #[test]
    fn the_header_is_found_on_a_later_row_of_a_preferred_sheet() {
        let other = Sheet {
            name: "Resumen".into(),
            rows: vec![header()],
        };
        let mut rows = vec![vec![t("Título")]; 6];
        rows.push(header());
        let annex = Sheet {
            name: "Anexo C-2".into(),
            rows,
        };
        let layout = find_layout(&[other, annex]).unwrap();
        assert_eq!((layout.sheet, layout.header_row), (1, 6));
        assert_eq!(
            (layout.code, layout.price_mxn, layout.price_usd),
            (1, 5, Some(6))
        );
        assert_eq!(layout.days, [(7, d(2025, 3, 1)), (8, d(2025, 3, 2))]);
    }

    #[test]
    fn a_missing_annex_column_or_header_is_said_plainly() {
        let mut h = header();
        h[0] = t("X");
        let e = find_layout(&[Sheet {
            name: "Hoja1".into(),
            rows: vec![h],
        }])
        .unwrap_err();
        assert!(e.contains("le falta la columna ANEXO"), "{e}");
        let e = find_layout(&[Sheet {
            name: "Hoja1".into(),
            rows: vec![vec![t("nada")]],
        }])
        .unwrap_err();
        assert!(e.contains("«Hoja1»"), "{e}");
    }

    fn sheet(rows: Vec<Vec<Cell>>) -> (Sheet, Layout) {
        let mut all = vec![header()];
        all.extend(rows);
        let sheet = Sheet {
            name: "ANEXO C".into(),
            rows: all,
        };
        let layout = find_layout(std::slice::from_ref(&sheet)).unwrap();
        (sheet, layout)
    }

    #[test]
    fn rows_validate_all_or_nothing_with_the_legacy_reasons() {
        let (units, concepts) = catalog();
        let reference = Reference::new(&units, &concepts);
        let row = |code: &str, desc: &str, unit: &str| {
            vec![
                t("C-1"),
                t(code),
                t(desc),
                t(unit),
                Cell::Number(2.5),
                Cell::Number(10.0),
                Cell::Empty,
                Cell::Number(1.25),
                Cell::Empty,
            ]
        };
        let (s, l) = sheet(vec![
            row("A-1", "suministro de VALVULA", "pza"),
            row("A-1", "Otra cosa", "M2"),
            row("A-9", "Pintura anticorrosiva", "M2"),
            row("Z-1", "Nada", "PZA"),
            row("A-2", "Pintura anticorrosiva", "KM"),
            row("", "sin código", "PZA"),
            row("A-2", "sin unidad", "-"),
        ]);
        let rows = read_rows(&s, &l);
        assert_eq!(rows.len(), 5, "blank code and blank unit are skipped");
        let errors = validate(&rows, &reference).unwrap_err();
        let reasons: Vec<_> = errors
            .iter()
            .map(|e| (e.sheet_row, e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    3,
                    "DESCRIPCIÓN DIFERENTE. UNIDAD DIFERENTE. Excel: 'M2' vs Catálogo: 'PZA'"
                ),
                (4, "CÓDIGO INCORRECTO. Partida 'A-9' no existe."),
                (5, "NO ENCONTRADO en catálogo."),
                (6, "Unidad 'KM' no existe en el sistema."),
            ]
        );
        let ok = validate(&rows[..1], &reference).unwrap();
        assert_eq!(ok[0].volume, 2_500_000);
        assert_eq!(ok[0].price_mxn, 100_000, "catalog price 0: the file's wins");
        assert_eq!(ok[0].days, [(d(2025, 3, 1), 1_250_000)]);
        assert_eq!(ok[0].description, "Suministro de válvula");
    }

    #[test]
    fn the_catalog_price_wins_when_above_zero_and_ok_filters_rows() {
        let (units, concepts) = catalog();
        let reference = Reference::new(&units, &concepts);
        let mut h = header();
        h.push(t("OK"));
        let row = |ok: &str| {
            vec![
                t(""),
                t("A-2"),
                t("Pintura anticorrosiva"),
                t("m2"),
                t("1,000.1234567"),
                t("$1.00"),
                t("2"),
                Cell::Empty,
                Cell::Empty,
                t(ok),
            ]
        };
        let s = Sheet {
            name: "Hoja".into(),
            rows: vec![h, row("ok"), row("no")],
        };
        let l = find_layout(std::slice::from_ref(&s)).unwrap();
        let items = validate(&read_rows(&s, &l), &reference).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].price_mxn, 12_345_000, "catalog price");
        assert_eq!(items[0].price_usd, 20_000, "file price: catalog has 0");
        assert_eq!(items[0].volume, 1_000_123_457);
        assert_eq!(items[0].annex, "S/A");
    }

    #[test]
    fn negative_or_unreadable_numbers_refuse_the_row() {
        let (units, concepts) = catalog();
        let reference = Reference::new(&units, &concepts);
        let (s, l) = sheet(vec![vec![
            t("C"),
            t("A-1"),
            t("Suministro de válvula"),
            t("PZA"),
            t("-3"),
            t("abc"),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]]);
        let errors = validate(&read_rows(&s, &l), &reference).unwrap_err();
        assert!(errors[0].reason.contains("VOLUMEN PTE"));
        assert!(errors[0].reason.contains("P.U. M.N."));
    }

    #[test]
    fn the_concept_catalog_reads_all_or_nothing() {
        let (units, _) = catalog();
        let s = Sheet {
            name: "PUEs".into(),
            rows: vec![
                vec![
                    t("ANEXO"),
                    t("PARTIDA"),
                    t("PARTIDA EXT"),
                    t("CONCEPTO"),
                    t("UNIDAD"),
                    t("P.U.M.N."),
                    t("P.U.USD"),
                ],
                vec![
                    t("C-2"),
                    t("a-1"),
                    Cell::Empty,
                    t("Suministro  de válvula"),
                    t("pza"),
                    t("$1,200.50"),
                    Cell::Empty,
                ],
                vec![
                    t("C-2"),
                    Cell::Empty,
                    t("EXT-7"),
                    t("Flete"),
                    t("SERV?"),
                    Cell::Number(3.0),
                    Cell::Empty,
                ],
                vec![
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ],
                vec![
                    t("C-2"),
                    t("A-1"),
                    Cell::Empty,
                    t("suministro de VALVULA"),
                    t("PZA"),
                    t("1"),
                    Cell::Empty,
                ],
            ],
        };
        let layout = find_catalog_layout(std::slice::from_ref(&s)).unwrap();
        let errors = read_catalog(&s, &layout, &units).unwrap_err();
        let reasons: Vec<_> = errors
            .iter()
            .map(|e| (e.sheet_row, e.code.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (3, "EXT-7", "Unidad 'SERV?' no existe en el sistema."),
                (
                    5,
                    "A-1",
                    "Partida repetida en el archivo (misma descripción y unidad)."
                ),
            ]
        );
        let ok = read_catalog(
            &Sheet {
                name: s.name.clone(),
                rows: s.rows[..2].to_vec(),
            },
            &layout,
            &units,
        )
        .unwrap();
        assert_eq!(ok[0].code, "A-1");
        assert_eq!(ok[0].description, "Suministro de válvula");
        assert_eq!(
            (ok[0].unit_id, ok[0].price_mxn, ok[0].price_usd),
            (1, 12_005_000, 0)
        );
    }
}
