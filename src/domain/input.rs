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
            errors.add(field, format!("{label} es obligatorio."));
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
