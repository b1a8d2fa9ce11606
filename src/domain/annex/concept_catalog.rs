//! The master concept catalog's workbook (an administrator's import): where its columns are, and
//! its rows read and checked all-or-nothing.

use std::collections::HashSet;

use super::decimal::{PRICE_SCALE, cell_scaled};
use super::sheet::{
    Cell, HEADER_SCAN_ROWS, PRICE_MXN, PRICE_USD, Sheet, column, header_names, norm,
};
use super::validate::{Reference, RowError, Unit};

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
