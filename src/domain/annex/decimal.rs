//! Exact decimals of the annex: numbers as people write them and as workbooks store them, read
//! into scaled integers (volumes 6 decimals, prices 4), formatted back, and multiplied into
//! centavos with half-away-from-zero rounding. Never a binary float in a sum.

use super::sheet::Cell;

/// Volumes keep 6 decimals.
pub const VOLUME_SCALE: u32 = 6;
/// Unit prices and exchange rates keep 4 decimals.
pub const PRICE_SCALE: u32 = 4;

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
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the value was range-checked just before"
    )]
    Some(v as i64)
}

pub(super) fn cell_scaled(cell: &Cell, scale: u32) -> Option<i64> {
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
    let whole = crate::domain::format::group_thousands(u64::try_from(whole).unwrap_or(u64::MAX));
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

/// volume × price, in centavos (rounded half away from zero): volume has 6 decimals, price 4.
pub fn amount_centavos(volume: i64, price: i64) -> i128 {
    round_half_away(i128::from(volume) * i128::from(price), 100_000_000)
}

/// Exact totals of an import: (MXN centavos, USD centavos, homologated MXN centavos at `rate`,
/// 4 decimals). `amounts` are (volume, MXN price, USD price) per item.
pub fn totals(amounts: &[(i64, i64, i64)], rate: Option<i64>) -> (i64, i64, Option<i64>) {
    // volume (6 decimals) × price (4 decimals): 10 decimals, summed exactly.
    let (mut mxn, mut usd) = (0i128, 0i128);
    for (v, pm, pu) in amounts {
        mxn += i128::from(*v) * i128::from(*pm);
        usd += i128::from(*v) * i128::from(*pu);
    }
    let homologated = rate.map(|r| {
        // MXN + USD × rate (rate has 4 decimals): 14 decimals down to 2.
        centavos(round_half_away(
            mxn * 10_000 + usd * i128::from(r),
            1_000_000_000_000,
        ))
    });
    (
        centavos(round_half_away(mxn, 100_000_000)),
        centavos(round_half_away(usd, 100_000_000)),
        homologated,
    )
}

/// An exact amount as stored centavos, saturating (no annex reaches the bounds).
pub fn centavos(raw: i128) -> i64 {
    i64::try_from(raw).unwrap_or(if raw < 0 { i64::MIN } else { i64::MAX })
}

/// `raw / divisor`, rounded half away from zero.
fn round_half_away(raw: i128, divisor: i128) -> i128 {
    if raw >= 0 {
        (raw + divisor / 2) / divisor
    } else {
        (raw - divisor / 2) / divisor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn totals_are_exact_and_homologated_at_the_rate() {
        // 3 items: 1.5 × $100.0000, 2 × $0.3333, 0.000001 × $1 (rounds away), USD 10 × $20.
        let amounts = [
            (1_500_000, 1_000_000, 0),
            (2_000_000, 3_333, 0),
            (1, 10_000, 0),
            (10_000_000, 0, 200_000),
        ];
        let (mxn, usd, homologated) = totals(&amounts, Some(191_648));
        assert_eq!(mxn, 15_067);
        assert_eq!(usd, 20_000);
        // 150.6666...+ 200 × 19.1648 = 3,983.63
        assert_eq!(homologated, Some(398_363));
        assert_eq!(totals(&amounts, None).2, None);
    }
}
