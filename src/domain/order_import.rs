//! W21, historical orders from Excel: the legacy `OT_IMPORTAR.xlsx` layout (legacy §5.3) read
//! into typed rows. Dates are Excel dates or `dd/mm/yyyy` / `yyyy-mm-dd` text; blank cells stay
//! blank (never the text "nan"); every unreadable cell is an error on its row.

use chrono::NaiveDate;

use super::annex::sheet::Cell;
use super::annex::validate::RowError;
use super::format::{parse_date, parse_money};

/// Rows searched for the header.
const HEADER_ROWS: usize = 20;

/// One historical order as the workbook gives it (catalog ids unchecked yet).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoricalRow {
    /// The sheet's row (0-based), for errors.
    pub sheet_row: usize,
    pub folio: String,
    pub description: String,
    pub representative: String,
    pub oficio: String,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub real_start: Option<NaiveDate>,
    pub real_end: Option<NaiveDate>,
    /// Record state (legacy `estatus`): 1 unless given.
    pub record_state: i32,
    pub comment: String,
    pub status: Option<i32>,
    /// The PTE's folio (`id_pte_header_id` holds a folio in this file).
    pub pte_folio: String,
    pub manager: Option<i32>,
    pub kind: Option<i32>,
    pub revision: Option<i32>,
    /// The parent's folio (`ot_principal`).
    pub parent_folio: String,
    pub amount_mxn: i64,
    pub amount_usd: i64,
    pub front: Option<i32>,
    pub intercom: Option<i32>,
    pub yard: Option<i32>,
    pub platform: Option<i32>,
    pub vessel: Option<i32>,
    pub duration: Option<i32>,
    pub client: Option<i32>,
}

fn header_index(header: &[Cell], name: &str) -> Option<usize> {
    header
        .iter()
        .position(|c| c.text().trim().eq_ignore_ascii_case(name))
}

fn text(cell: Option<&Cell>) -> String {
    let t = cell.map(Cell::text).unwrap_or_default().trim().to_owned();
    // pandas writes empty cells as "nan": they are blank.
    if t.eq_ignore_ascii_case("nan") {
        String::new()
    } else {
        t
    }
}

/// The sheet's header row and its rows, or every problem found.
pub fn parse(rows: &[Vec<Cell>]) -> Result<(usize, Vec<HistoricalRow>), Vec<RowError>> {
    let Some(header_row) = rows
        .iter()
        .take(HEADER_ROWS)
        .position(|r| header_index(r, "orden_trabajo").is_some())
    else {
        return Err(vec![RowError {
            sheet_row: 0,
            code: String::new(),
            reason: "No se encontró el encabezado (una fila con la columna orden_trabajo) en las primeras 20 filas.".into(),
        }]);
    };
    let header = &rows[header_row];
    let col = |name: &str| header_index(header, name);
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(header_row + 1) {
        let get = |name: &str| col(name).and_then(|c| row.get(c));
        if row.iter().all(|c| c.text().trim().is_empty()) {
            continue;
        }
        let mut problems = Vec::new();
        let date = |name: &str, label: &str, problems: &mut Vec<String>| match get(name) {
            Some(Cell::Date(d)) => Some(*d),
            Some(Cell::Number(n)) => {
                let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
                let days = n.trunc() as i64;
                let d = base + chrono::Duration::days(days);
                if (1900..=2100).contains(&chrono::Datelike::year(&d)) {
                    Some(d)
                } else {
                    problems.push(format!("{label}: fecha fuera de rango"));
                    None
                }
            }
            other => match parse_date(&text(other)) {
                Ok(d) => d,
                Err(_) => {
                    problems.push(format!(
                        "{label}: «{}» no es una fecha (dd/mm/aaaa)",
                        text(other)
                    ));
                    None
                }
            },
        };
        let int = |name: &str, label: &str, problems: &mut Vec<String>| {
            let raw = text(get(name));
            if raw.is_empty() {
                return None;
            }
            match raw.parse::<f64>() {
                Ok(n) if n.fract() == 0.0 && n.abs() < 1e9 => Some(n as i32),
                _ => {
                    problems.push(format!("{label}: «{raw}» no es un número entero"));
                    None
                }
            }
        };
        let money = |name: &str, label: &str, problems: &mut Vec<String>| match get(name) {
            Some(Cell::Number(n)) => (n * 100.0).round() as i64,
            other => parse_money(&text(other)).unwrap_or_else(|_| {
                problems.push(format!("{label}: «{}» no es un monto", text(other)));
                0
            }),
        };
        let r = HistoricalRow {
            sheet_row: i,
            folio: text(get("orden_trabajo")),
            description: text(get("descripcion_trabajo")),
            representative: text(get("responsable_cliente")),
            oficio: text(get("oficio_ot")),
            planned_start: date(
                "fecha_inicio_programado",
                "Inicio programado",
                &mut problems,
            ),
            planned_end: date(
                "fecha_termino_programado",
                "Término programado",
                &mut problems,
            ),
            real_start: date("fecha_inicio_real", "Inicio real", &mut problems),
            real_end: date("fecha_termino_real", "Término real", &mut problems),
            record_state: int("estatus", "estatus", &mut problems).unwrap_or(1),
            comment: text(get("comentario")),
            status: int("id_estatus_ot_id", "Estatus de la OT", &mut problems),
            pte_folio: text(get("id_pte_header_id")),
            manager: int(
                "id_responsable_proyecto_id",
                "Responsable del proyecto",
                &mut problems,
            ),
            kind: int("id_tipo_id", "Tipo", &mut problems),
            revision: int(
                "num_reprogramacion",
                "Número de reprogramación",
                &mut problems,
            ),
            parent_folio: text(get("ot_principal")),
            amount_mxn: money("monto_mxn", "Monto MXN", &mut problems),
            amount_usd: money("monto_usd", "Monto USD", &mut problems),
            front: int("id_frente", "Frente", &mut problems),
            intercom: int("id_intercom", "Intercom", &mut problems),
            yard: int("id_patio", "Patio", &mut problems),
            platform: int("id_plataforma", "Plataforma", &mut problems),
            vessel: int("id_embarcacion", "Embarcación", &mut problems),
            duration: int("plazo_dias", "Plazo", &mut problems),
            client: int("id_cliente_id", "Cliente", &mut problems),
        };
        if r.folio.is_empty() {
            problems.push("Falta el folio (orden_trabajo).".into());
        }
        if !problems.is_empty() {
            errors.push(RowError {
                sheet_row: i,
                code: r.folio.clone(),
                reason: problems.join("; "),
            });
        }
        out.push(r);
    }
    if errors.is_empty() {
        Ok((header_row, out))
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

    #[test]
    fn dates_are_excel_dates_or_mexican_or_iso_text_and_blank_stays_blank() {
        let rows = vec![
            vec![
                t("orden_trabajo"),
                t("oficio_ot"),
                t("fecha_inicio_programado"),
                t("fecha_termino_programado"),
                t("fecha_inicio_real"),
                t("monto_mxn"),
            ],
            vec![
                t("OT-1"),
                t("nan"),
                Cell::Number(45_292.0),
                t("31/01/2024"),
                t("2024-01-02"),
                Cell::Number(1234.5),
            ],
            vec![
                t("OT-2"),
                t(""),
                t("32/01/2024"),
                Cell::Empty,
                Cell::Empty,
                t("x"),
            ],
        ];
        let errors = parse(&rows).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].sheet_row, 2);
        assert!(errors[0].reason.contains("«32/01/2024» no es una fecha"));
        assert!(errors[0].reason.contains("Monto MXN"));
        let (header, parsed) = parse(&rows[..2]).unwrap();
        assert_eq!(header, 0);
        let r = &parsed[0];
        assert_eq!(r.oficio, "", "pandas' nan is blank");
        assert_eq!(r.planned_start, NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(r.planned_end, NaiveDate::from_ymd_opt(2024, 1, 31));
        assert_eq!(r.real_start, NaiveDate::from_ymd_opt(2024, 1, 2));
        assert_eq!(r.real_end, None);
        assert_eq!(r.amount_mxn, 123_450);
        assert_eq!(r.record_state, 1);
    }
}
