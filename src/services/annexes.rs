//! W14: importing an OT's Anexo C from an uploaded workbook. The file is checked (type, size, zip
//! sanity) before it is parsed, validated all-or-nothing (`domain::annex`), and written in one
//! transaction; the file itself is not kept. A refused import leaves an error workbook (kept a
//! day in the database) with an OBSERVACIONES column first.

use std::io::{Cursor, Read, Seek};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDateTime;

use crate::db::annexes::{self as repo, NewImport};
use crate::db::{DbConn, activity, versions, work_orders, write_transaction};
use crate::domain::annex::{
    Cell, Item, Reference, RowError, Sheet, find_layout, read_rows, validate,
};
use crate::services::Actor;

/// Largest file accepted.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Zip sanity: the most entries and the most uncompressed bytes a workbook may declare.
const MAX_ZIP_ENTRIES: usize = 10_000;
const MAX_UNCOMPRESSED_BYTES: u64 = 256 * 1024 * 1024;
/// How many row errors the page lists (the error workbook has them all).
pub const ERRORS_SHOWN: usize = 50;

/// Nueva importación or actualizar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    New,
    Update,
}

impl ImportMode {
    pub fn code(self) -> &'static str {
        match self {
            ImportMode::New => "nueva",
            ImportMode::Update => "actualizar",
        }
    }
}

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file itself (type, size, not a workbook, no header): 422.
    #[error("{0}")]
    File(String),
    /// Rows failed validation: nothing was written (422). `report` is the error workbook's id.
    #[error("filas con errores")]
    Rows {
        errors: Vec<RowError>,
        rows: usize,
        report: Option<i32>,
    },
    /// Update mode without an active import: 409.
    #[error("sin importación activa")]
    NoActive,
    #[error("no encontrado")]
    NotFound,
    #[error("database error")]
    Db(#[from] diesel::result::Error),
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub import_id: i32,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub untouched: usize,
}

/// The type and shape of the file, before anything parses it: name `.xlsx`/`.xlsm`, at most
/// 10 MiB, a zip whose declared entries and uncompressed size are sane (zip bombs).
pub fn check_file(name: &str, bytes: &[u8]) -> Result<(), String> {
    let lower = name.trim().to_lowercase();
    if lower.ends_with(".xls") {
        return Err(
            "Los archivos .xls (Excel 97-2003) no se aceptan: ábralo en Excel y guárdelo \
                    como «Libro de Excel (.xlsx)»."
                .into(),
        );
    }
    if !(lower.ends_with(".xlsx") || lower.ends_with(".xlsm")) {
        return Err("Solo se aceptan libros de Excel .xlsx o .xlsm.".into());
    }
    if bytes.is_empty() {
        return Err("El archivo está vacío.".into());
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err("El archivo pasa de 10 MiB.".into());
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(
            "El archivo es un .xls (Excel 97-2003) con otro nombre: guárdelo como \
                    «Libro de Excel (.xlsx)»."
                .into(),
        );
    }
    check_zip(bytes)
}

/// Zip sanity before a workbook is parsed: its declared entries and uncompressed size (zip
/// bombs).
pub fn check_zip(bytes: &[u8]) -> Result<(), String> {
    let not_a_workbook = || "El archivo no es un libro de Excel válido.".to_owned();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(not_a_workbook());
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| not_a_workbook())?;
        total = total.saturating_add(entry.size());
        if total > MAX_UNCOMPRESSED_BYTES {
            return Err("El archivo se descomprime a un tamaño excesivo; no se procesa.".into());
        }
    }
    Ok(())
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) =>
        {
            #[expect(
                clippy::cast_precision_loss,
                reason = "money and volumes below 2^53 centavos are exact in f64 for the workbook"
            )]
            Cell::Number(*i as f64)
        }
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "VERDADERO" } else { "FALSO" }.into()),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map_or(Cell::Number(dt.as_f64()), |t| Cell::Date(t.date())),
    }
}

/// The sheets of a workbook as grids, cells at their real positions (A1 is [0][0]).
pub fn read_workbook<R: Read + Seek>(reader: R) -> Result<Vec<Sheet>, String> {
    let unreadable = |_| "No se pudo leer el libro de Excel (¿está dañado?).".to_owned();
    let mut book: Xlsx<R> = Xlsx::new(reader).map_err(unreadable)?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(unreadable)?;
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        if let Some((top, left)) = range.start() {
            let (top, left) = (top as usize, left as usize);
            rows.resize(top, Vec::new());
            for r in range.rows() {
                let mut row = vec![Cell::Empty; left];
                row.extend(r.iter().map(cell));
                rows.push(row);
            }
        }
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// The error workbook: the sheet's rows after the header, with OBSERVACIONES first.
pub fn error_workbook(
    sheet: &Sheet,
    header_row: usize,
    errors: &[RowError],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let reasons: std::collections::HashMap<usize, &str> = errors
        .iter()
        .map(|e| (e.sheet_row, e.reason.as_str()))
        .collect();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Errores Importacion")?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, "OBSERVACIONES", &bold)?;
    ws.set_column_width(0, 80)?;
    let header = sheet.rows.get(header_row).cloned().unwrap_or_default();
    for (c, h) in header.iter().enumerate() {
        let col = u16::try_from(c + 1).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, h.text(), &bold)?;
        ws.set_column_width(col, 18)?;
    }
    let mut out_row: u32 = 1;
    for (i, row) in sheet.rows.iter().enumerate().skip(header_row + 1) {
        if row.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        ws.write_string(out_row, 0, reasons.get(&(i + 1)).copied().unwrap_or(""))?;
        for (c, v) in row.iter().enumerate() {
            let col = u16::try_from(c + 1).unwrap_or(u16::MAX);
            match v {
                Cell::Number(n) => ws.write_number(out_row, col, *n)?,
                other => ws.write_string(out_row, col, other.text())?,
            };
        }
        out_row += 1;
    }
    book.save_to_buffer()
}

/// Builds a refused import's error workbook and keeps it (a day) for its download; `None` when
/// the workbook cannot be built (the page still lists the errors).
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a distinct input of the use case; a struct would only rename them"
)]
#[tracing::instrument(
    name = "service",
    skip_all,
    fields(use_case = "annexes::store_error_report")
)]
pub fn store_error_report(
    conn: &mut DbConn,
    order: Option<i32>,
    name: &str,
    sheet: &Sheet,
    header_row: usize,
    errors: &[RowError],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<i32>, diesel::result::Error> {
    match error_workbook(sheet, header_row, errors) {
        Ok(content) => write_transaction(conn, |c| {
            repo::insert_report(c, order, actor.user_id, now, name, &content)
        })
        .map(Some),
        Err(e) => {
            tracing::error!(error = %e, "cannot build the error workbook");
            Ok(None)
        }
    }
}

/// Imports an annex into an OT (gestor and admin; the route checks the role).
#[tracing::instrument(name = "service", skip_all, fields(use_case = "annexes::import", order_id = order_id))]
pub fn import(
    conn: &mut DbConn,
    order_id: i32,
    file_name: &str,
    bytes: &[u8],
    mode: ImportMode,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Outcome, ImportError> {
    let order = work_orders::find_visible(conn, order_id)?.ok_or(ImportError::NotFound)?;
    check_file(file_name, bytes).map_err(ImportError::File)?;
    let sheets = read_workbook(Cursor::new(bytes)).map_err(ImportError::File)?;
    let layout = find_layout(&sheets).map_err(ImportError::File)?;
    let sheet = &sheets[layout.sheet];
    let rows = read_rows(sheet, &layout);
    if rows.is_empty() {
        let ok = if layout.ok.is_some() {
            " (con la columna OK, solo cuentan las filas marcadas OK)"
        } else {
            ""
        };
        return Err(ImportError::File(format!(
            "La hoja «{}» no tiene partidas con código, concepto y unidad{ok}.",
            sheet.name
        )));
    }
    let units = repo::active_units(conn)?;
    let concepts = repo::active_concepts(conn)?;
    let items = match validate(&rows, &Reference::new(&units, &concepts)) {
        Ok(items) => items,
        Err(errors) => {
            let name = format!("errores-anexo-{}.xlsx", order.folio);
            let report = store_error_report(
                conn,
                Some(order_id),
                &name,
                sheet,
                layout.header_row,
                &errors,
                actor,
                now,
            )?;
            return Err(ImportError::Rows {
                errors,
                rows: rows.len(),
                report,
            });
        }
    };
    write_transaction(conn, |c| {
        crate::db::work_orders::lock_row(c, order_id)?;
        let outcome = match mode {
            ImportMode::New => write_new(c, order_id, file_name, bytes.len(), &items, actor, now)?,
            ImportMode::Update => write_update(c, order_id, &items, now)?,
        };
        let detail = match mode {
            ImportMode::New => format!(
                "Anexo C importado de «{file_name}»: {} partidas (nueva importación).",
                outcome.rows
            ),
            ImportMode::Update => format!(
                "Anexo C actualizado con «{file_name}»: {} actualizadas, {} agregadas, {} sin \
                 cambio.",
                outcome.updated, outcome.added, outcome.untouched
            ),
        };
        let entry = actor
            .entry(now, crate::db::work_orders::TABLE, "importar", order_id)
            .detail(detail);
        activity::record(c, &entry)?;
        Ok(outcome)
    })
}

fn write_new(
    c: &mut DbConn,
    order_id: i32,
    file_name: &str,
    size: usize,
    items: &[Item],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Outcome, ImportError> {
    repo::deactivate_imports(c, order_id, now)?;
    let import_id = repo::insert_import(
        c,
        &NewImport {
            work_order_id: order_id,
            active: true,
            mode: ImportMode::New.code(),
            file_name,
            file_size: i64::try_from(size).unwrap_or(i64::MAX),
            rows: i32::try_from(items.len()).unwrap_or(i32::MAX),
            created_at: now,
            created_by: actor.user_id,
            username: &actor.username,
            updated_at: now,
        },
    )?;
    repo::insert_items(c, import_id, items)?;
    repo::touch_import(
        c,
        import_id,
        i32::try_from(items.len()).unwrap_or(i32::MAX),
        now,
    )?;
    Ok(Outcome {
        import_id,
        rows: items.len(),
        added: items.len(),
        updated: 0,
        untouched: 0,
    })
}

/// Update mode (**Fix:** legacy only changed a label): items matched by code get their annex
/// label, volume and prices (and daily volumes) from the file; new codes are added; the rest
/// stay as they were.
fn write_update(
    c: &mut DbConn,
    order_id: i32,
    items: &[Item],
    now: NaiveDateTime,
) -> Result<Outcome, ImportError> {
    let active = repo::active_import(c, order_id)?.ok_or(ImportError::NoActive)?;
    let existing = repo::items_of(c, active.id)?;
    let mut by_code: std::collections::HashMap<&str, &repo::ItemRow> =
        std::collections::HashMap::new();
    for row in &existing {
        by_code.entry(row.code.as_str()).or_insert(row);
    }
    let mut next_row = existing.iter().map(|r| r.row_number).max().unwrap_or(0);
    let mut matched = std::collections::HashSet::new();
    let mut matched_ids = Vec::new();
    let mut added = Vec::new();
    let mut daily = Vec::new();
    for item in items {
        match by_code.get(item.code.as_str()) {
            Some(row) if matched.insert(row.id) => {
                repo::update_item(c, row.id, item)?;
                matched_ids.push(row.id);
                daily.extend(item.days.iter().map(|(d, v)| (row.id, *d, *v)));
            }
            _ => {
                next_row += 1;
                added.push(Item {
                    row_number: next_row,
                    ..item.clone()
                });
            }
        }
    }
    repo::delete_daily(c, &matched_ids)?;
    repo::insert_daily(c, &daily)?;
    repo::insert_items(c, active.id, &added)?;
    let total = existing.len() + added.len();
    repo::touch_import(c, active.id, i32::try_from(total).unwrap_or(i32::MAX), now)?;
    Ok(Outcome {
        import_id: active.id,
        rows: items.len(),
        added: added.len(),
        updated: matched_ids.len(),
        untouched: existing.len() - matched_ids.len(),
    })
}

/// The exchange-rate form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RateForm {
    pub tipo_cambio: String,
    pub fecha: String,
}

/// Records a new exchange rate (administrators): MXN per USD with up to 4 decimals, and the
/// day it applies from. It is used from then on; the old ones stay listed.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "annexes::set_rate"))]
pub fn set_rate(
    conn: &mut DbConn,
    form: &RateForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i32, crate::services::ServiceError> {
    use crate::domain::annex::{PRICE_SCALE, format_scaled, parse_scaled};
    use crate::domain::input::FieldErrors;
    let mut errors = FieldErrors::default();
    let rate = match parse_scaled(form.tipo_cambio.trim(), PRICE_SCALE) {
        Some(r) if r > 0 && r <= 10_000_000 => Some(r),
        _ => {
            errors.add(
                "tipo_cambio",
                "Escriba el tipo de cambio en pesos por dólar, mayor que 0 (por ejemplo 19.1648).",
            );
            None
        }
    };
    let day = match crate::domain::format::parse_date(&form.fecha) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.add("fecha", "Escriba la fecha desde la que rige.");
            None
        }
        Err(_) => {
            errors.add("fecha", "Fecha inválida: use dd/mm/aaaa.");
            None
        }
    };
    let (Some(rate), Some(day)) = (rate, day) else {
        return Err(crate::services::ServiceError::Invalid(errors));
    };
    write_transaction(conn, |c| {
        let id = repo::insert_rate(c, rate, day, now, actor.user_id, &actor.username)?;
        let entry = actor
            .entry(now, "exchange_rates", "crear", id)
            .detail(format!(
                "Tipo de cambio {} MXN por USD desde {}",
                format_scaled(rate, PRICE_SCALE),
                crate::domain::format::date(Some(day))
            ));
        activity::record(c, &entry)?;
        // Pages read the rate in use with the catalogs' version (`CatalogCache::rate_at`).
        versions::touch(c, versions::CATALOGS)?;
        Ok(id)
    })
}
