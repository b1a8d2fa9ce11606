//! Form input shared by every form and the JSON API: the per-field error map and the parsers of
//! one raw field (text, catalog id, date, money, a start/end window). Each parser records a
//! Spanish message under the field's name and returns a neutral value, so that one `parse()`
//! reports every error at once.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::format::{parse_date, parse_money};

/// Longest folio, oficio or code.
pub const MAX_FOLIO: usize = 100;
/// Longest name (a person, a catalog entry).
pub const MAX_NAME: usize = 200;
/// Longest free text (a description, a comment).
pub const MAX_TEXT: usize = 10_000;

/// Field name → Spanish message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Adds the other's messages for fields that have none here.
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, message) in other.0 {
            self.add(field, message);
        }
    }

    /// All messages, in field order, for a summary.
    pub fn messages(&self) -> Vec<String> {
        self.0.values().cloned().collect()
    }
}

/// A trimmed text field: required or not, at most `max` characters, no control characters
/// except line breaks and tabs.
pub fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    label: &str,
    required: bool,
    max: usize,
) -> String {
    let value = raw.trim();
    if value.is_empty() {
        if required {
            // "La descripción … es obligatoria", "El folio … es obligatorio".
            let ending = if label.starts_with("La ") { "a" } else { "o" };
            errors.add(field, format!("{label} es obligatori{ending}."));
        }
        return String::new();
    }
    if value.chars().count() > max {
        errors.add(
            field,
            format!("{label} admite como máximo {max} caracteres."),
        );
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(field, format!("{label} contiene caracteres no permitidos."));
    }
    value.to_owned()
}

/// An optional catalog id: blank is `None`; anything but a positive number is an error.
pub fn id(errors: &mut FieldErrors, field: &'static str, raw: &str, label: &str) -> Option<i32> {
    let value = raw.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i32>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            errors.add(
                field,
                format!("{label}: seleccione una opción de la lista."),
            );
            None
        }
    }
}

/// The required project manager of an OT or a PTE (W1, W2): a catalog id.
pub fn project_manager(errors: &mut FieldErrors, raw: &str) -> Option<i32> {
    let found = id(
        errors,
        "responsable_proyecto",
        raw,
        "Responsable del proyecto",
    );
    if found.is_none() && errors.get("responsable_proyecto").is_none() {
        errors.add(
            "responsable_proyecto",
            "El responsable del proyecto es obligatorio.",
        );
    }
    found
}

/// An optional date, `YYYY-MM-DD` or `dd/mm/yyyy` (W1).
pub fn date(errors: &mut FieldErrors, field: &'static str, raw: &str) -> Option<NaiveDate> {
    parse_date(raw).unwrap_or_else(|msg| {
        errors.add(field, msg);
        None
    })
}

/// An amount in centavos; blank is 0, negatives are refused (W1).
pub fn money(errors: &mut FieldErrors, field: &'static str, raw: &str) -> i64 {
    parse_money(raw).unwrap_or_else(|msg| {
        errors.add(field, msg);
        0
    })
}

/// W1: an end date may not come before its start.
pub fn window(
    errors: &mut FieldErrors,
    end_field: &'static str,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    what: &str,
) {
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.add(
            end_field,
            format!("La fecha de término {what} no puede ser anterior a la de inicio."),
        );
    }
}

/// Longest search text a list filters by.
pub const MAX_SEARCH: usize = 100;

/// A list's search box: trimmed, control characters dropped, at most `MAX_SEARCH` characters;
/// `None` when nothing is left. Filters never refuse: they ignore what they cannot use.
pub fn search_text(raw: &str) -> Option<String> {
    let text: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SEARCH)
        .collect();
    (!text.is_empty()).then_some(text)
}

/// A filter's catalog id: a positive number, else no filter.
pub fn filter_id(raw: &str) -> Option<i32> {
    raw.trim().parse().ok().filter(|n: &i32| *n > 0)
}

/// A filter's year (W12): 1900 to 2100, else no filter.
pub fn filter_year(raw: &str) -> Option<i32> {
    filter_id(raw).filter(|y| (1900..=2100).contains(y))
}

/// A page number: 1 or more, else the first page.
pub fn page_number(raw: &str) -> i64 {
    raw.trim()
        .parse()
        .ok()
        .filter(|n: &i64| *n > 0)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_drops_control_characters_and_keeps_one_hundred() {
        assert_eq!(search_text("  \u{0}\t "), None);
        assert_eq!(
            search_text(" repa\u{7}ración "),
            Some("reparación".to_owned())
        );
        assert_eq!(
            search_text(&"ñ".repeat(150)).map(|t| t.chars().count()),
            Some(100)
        );
    }

    #[test]
    fn required_text_agrees_with_its_label() {
        let mut e = FieldErrors::default();
        text(&mut e, "a", " ", "La descripción del trabajo", true, 10);
        text(&mut e, "b", "", "El folio de la PTE", true, 10);
        text(&mut e, "c", "abcdefghijk", "El folio de la PTE", true, 10);
        assert_eq!(
            e.messages(),
            vec![
                "La descripción del trabajo es obligatoria.".to_owned(),
                "El folio de la PTE es obligatorio.".to_owned(),
                "El folio de la PTE admite como máximo 10 caracteres.".to_owned(),
            ]
        );
    }

    #[test]
    fn filters_ignore_what_they_cannot_use() {
        assert_eq!(filter_id(" 7 "), Some(7));
        assert_eq!(filter_id("0"), None);
        assert_eq!(filter_id("x"), None);
        assert_eq!(filter_year("2024"), Some(2024));
        assert_eq!(filter_year("3000"), None);
        assert_eq!(page_number("-2"), 1);
        assert_eq!(page_number("3"), 3);
    }
}
