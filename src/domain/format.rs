//! es-MX parsing and display of dates and money.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// Largest amount accepted: 999,999,999,999.99 (in centavos).
pub const MAX_CENTS: i64 = 99_999_999_999_999;

/// Parses `YYYY-MM-DD` (the HTML date input) or `dd/mm/yyyy`. Blank is `Ok(None)`.
pub fn parse_date(raw: &str) -> Result<Option<NaiveDate>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let parsed = if s.contains('/') {
        NaiveDate::parse_from_str(s, "%d/%m/%Y")
    } else {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
    };
    match parsed {
        Ok(d) if (1900..=2100).contains(&d.year()) => Ok(Some(d)),
        _ => Err(format!(
            "«{}» no es una fecha válida (use dd/mm/aaaa).",
            shorten(s)
        )),
    }
}

/// Parses an amount in pesos or dollars into centavos: `1234.5`, `1,234.50`, `$1,234.50`.
/// Blank is 0. Negative, malformed, more than two decimals or absurdly large amounts are refused.
pub fn parse_money(raw: &str) -> Result<i64, String> {
    let s: String = raw.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Ok(0);
    }
    let invalid = || {
        format!(
            "«{}» no es un monto válido (ejemplo: 1,234.50).",
            shorten(raw.trim())
        )
    };
    if s.starts_with('-') || s.starts_with("$-") {
        return Err("El monto no puede ser negativo.".to_owned());
    }
    let s = s.strip_prefix('$').unwrap_or(&s);
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int_part.is_empty() || !int_part.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return Err(invalid());
    }
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(invalid());
        }
    }
    if !frac_part.chars().all(|c| c.is_ascii_digit()) || (s.contains('.') && frac_part.is_empty()) {
        return Err(invalid());
    }
    if frac_part.len() > 2 {
        return Err("El monto admite como máximo 2 decimales.".to_owned());
    }
    let digits: String = int_part.chars().filter(|c| *c != ',').collect();
    let too_large = || "El monto es demasiado grande.".to_owned();
    if digits.len() > 13 {
        return Err(too_large());
    }
    let pesos: i64 = digits.parse().map_err(|_| invalid())?;
    let cents: i64 = format!("{frac_part:0<2}").parse().map_err(|_| invalid())?;
    let total = pesos
        .checked_mul(100)
        .and_then(|p| p.checked_add(cents))
        .ok_or_else(too_large)?;
    if total > MAX_CENTS {
        return Err(too_large());
    }
    Ok(total)
}

/// `$1,234.50`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}${}.{:02}", group_thousands(abs / 100), abs % 100)
}

/// `1,234.50`: an amount as the edit form shows it (W1 parses it back).
pub fn money_grouped(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", group_thousands(abs / 100), abs % 100)
}

/// `1234.50`: the plain decimal the JSON API and the exports use.
pub fn money_plain(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `dd/mm/yyyy`, or empty. Written directly: chrono's `format` parses its pattern on every call,
/// and a list page formats a few hundred dates.
pub fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()))
        .unwrap_or_default()
}

/// `YYYY-MM-DD` for an HTML date input, or empty.
pub fn date_iso(d: Option<NaiveDate>) -> String {
    d.map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        .unwrap_or_default()
}

/// A UTC timestamp shown in Mexico City time: `dd/mm/yyyy hh:mm`.
pub fn timestamp(t: NaiveDateTime) -> String {
    t.and_utc()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// A Mexico City wall-clock time (how the legacy system stored its log) as UTC, the way Faena
/// stores every timestamp. An hour skipped by a daylight-saving change is read an hour later.
pub fn mexico_local_to_utc(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::TimeZone;
    let zone = chrono_tz::America::Mexico_City;
    zone.from_local_datetime(&t)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(t + chrono::Duration::hours(1)))
                .earliest()
        })
        .map_or(t, |local| local.naive_utc())
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// A month's short Spanish name as charts and headers show it ("ene", "feb", …).
pub fn month_short(d: NaiveDate) -> &'static str {
    const MONTHS: [&str; 12] = [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
    ];
    MONTHS.get(d.month0() as usize).copied().unwrap_or("")
}

/// Text as search compares it (W12): lower case, accents and ñ folded to their base letters, so
/// "Reparación", "REPARACION" and "reparacion" are the same words.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_grouped_in_forms_and_parse_back() {
        assert_eq!(money_grouped(125_000_050), "1,250,000.50");
        assert_eq!(money_grouped(-5), "-0.05");
        assert_eq!(parse_money(&money_grouped(125_000_050)), Ok(125_000_050));
    }

    #[test]
    fn folding_ignores_case_accents_and_tilde() {
        assert_eq!(fold("Reparación ÚNICA del Año"), "reparacion unica del ano");
        assert_eq!(fold("PEMEX Exploración"), fold("pemex exploracion"));
    }

    #[test]
    fn dates_parse_in_iso_and_mexican_order_and_impossible_dates_are_refused() {
        let d = NaiveDate::from_ymd_opt(2025, 2, 28);
        assert_eq!(parse_date("2025-02-28"), Ok(d));
        assert_eq!(parse_date("28/02/2025"), Ok(d));
        assert_eq!(
            parse_date(" 8/2/2025 "),
            Ok(NaiveDate::from_ymd_opt(2025, 2, 8))
        );
        assert_eq!(parse_date(""), Ok(None));
        for bad in [
            "31/02/2025",
            "2025-13-01",
            "mañana",
            "2025-02-30",
            "01/01/0001",
            "1e5",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_accept_plain_grouped_and_dollar_sign_forms() {
        assert_eq!(parse_money("1234.5"), Ok(123_450));
        assert_eq!(parse_money("1,234.50"), Ok(123_450));
        assert_eq!(parse_money("$1,234.50"), Ok(123_450));
        assert_eq!(parse_money(" $ 1,234 "), Ok(123_400));
        assert_eq!(parse_money(""), Ok(0));
        assert_eq!(parse_money("0.01"), Ok(1));
        assert_eq!(parse_money("999,999,999,999.99"), Ok(MAX_CENTS));
    }

    #[test]
    fn bad_amounts_are_refused_with_a_reason() {
        for bad in [
            "abc",
            "1e309",
            "12,34",
            "1.2.3",
            "1.",
            ".5",
            "1,2345.00",
            "NaN",
            "inf",
        ] {
            assert!(parse_money(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_money("-5"),
            Err("El monto no puede ser negativo.".into())
        );
        assert_eq!(
            parse_money("1.234"),
            Err("El monto admite como máximo 2 decimales.".into())
        );
        assert_eq!(
            parse_money("1000000000000.00"),
            Err("El monto es demasiado grande.".into())
        );
    }

    #[test]
    fn money_and_dates_display_as_in_mexico() {
        assert_eq!(money(123_450), "$1,234.50");
        assert_eq!(money(5), "$0.05");
        assert_eq!(money(100_000_000), "$1,000,000.00");
        assert_eq!(money_plain(123_450), "1234.50");
        assert_eq!(date(NaiveDate::from_ymd_opt(2025, 3, 7)), "07/03/2025");
        assert_eq!(date(None), "");
    }
}
