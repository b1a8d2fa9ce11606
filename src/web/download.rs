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
/// carriage return gets an apostrophe in front (OWASP's CSV-injection advice).
pub fn csv_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
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
    }

    #[test]
    fn download_names_are_header_safe() {
        assert_eq!(
            safe_file_name("anexo-OT \"1\"\r\n.xlsx"),
            "anexo-OT__1___.xlsx"
        );
    }
}
