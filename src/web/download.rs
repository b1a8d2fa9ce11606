//! File downloads: the one way to answer with an attachment (CSV, Excel), its name made safe
//! for the header and never cached.

use actix_web::HttpResponseBuilder;
use actix_web::http::header;

/// Content type of an .xlsx workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Content type of a CSV file (UTF-8).
pub const CSV: &str = "text/csv; charset=utf-8";

/// A 200 answer that the browser saves as `name`; add the body (`.body(..)` or `.streaming(..)`).
pub fn attachment(name: &str, content_type: &str) -> HttpResponseBuilder {
    let mut builder = HttpResponseBuilder::new(actix_web::http::StatusCode::OK);
    builder
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", safe_file_name(name)),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    builder
}

/// A text cell that a spreadsheet will not run as a formula: a leading `=`, `+`, `-`, `@`, tab or
/// carriage return gets an apostrophe in front (OWASP's CSV-injection advice); a plain number
/// (`-5`, `+2.5`) stays a number.
pub fn csv_safe(text: &str) -> String {
    match text.chars().next() {
        Some('-' | '+') if text.parse::<f64>().is_ok() => text.to_owned(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// The one way every CSV export writes a row: each cell through `csv_safe`.
pub fn csv_row<W: std::io::Write, T: AsRef<str>>(
    w: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = T>,
) -> csv::Result<()> {
    w.write_record(cells.into_iter().map(|c| csv_safe(c.as_ref())))
}

/// A file name safe for a header: letters, digits, `-`, `_`, `.`.
fn safe_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("OT-12"), "OT-12");
        assert_eq!(csv_safe("-5"), "-5");
        assert_eq!(csv_safe("+2.5"), "+2.5");
        assert_eq!(csv_safe("-cmd|' /C calc'!A0"), "'-cmd|' /C calc'!A0");
        assert_eq!(csv_safe("\tx"), "'\tx");
    }

    #[test]
    fn download_names_are_header_safe() {
        assert_eq!(
            safe_file_name("anexo-OT \"1\"\r\n.xlsx"),
            "anexo-OT__1___.xlsx"
        );
    }
}
