//! Date and timestamp columns read without chrono's format parser on SQLite (issue 14).
//!
//! SQLite keeps a date as the text `YYYY-MM-DD`; diesel reads it with
//! `NaiveDate::parse_from_str(text, "%F")`, which walks a format description for every value:
//! about 1,400 instructions a date, 3 % of the list page (25 rows of up to six dates). Fields
//! read through [`MaybeDay`] (`#[diesel(deserialize_as = MaybeDay)]` on an `Option<NaiveDate>`)
//! parse those ten bytes directly and fall back to diesel's own reading for any other shape, so
//! they accept whatever diesel accepts. PostgreSQL sends dates as binary numbers: there the
//! reading is diesel's.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::sql_types::{Date, Nullable, Timestamp};
use diesel::sqlite::Sqlite;

use super::MultiBackend;

/// A nullable date column, read as `Option<NaiveDate>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::deserialize::FromSqlRow)]
pub struct MaybeDay(pub Option<NaiveDate>);

impl From<MaybeDay> for Option<NaiveDate> {
    fn from(d: MaybeDay) -> Option<NaiveDate> {
        d.0
    }
}

/// `YYYY-MM-DD` exactly, or `None` (then diesel's parser decides).
fn iso_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
}

impl FromSql<Nullable<Date>, Sqlite> for MaybeDay {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if let Some(day) = iso_day(value.read_text()) {
            return Ok(MaybeDay(Some(day)));
        }
        <NaiveDate as FromSql<Date, Sqlite>>::from_sql(value).map(|d| MaybeDay(Some(d)))
    }

    fn from_nullable_sql(
        value: Option<<Sqlite as Backend>::RawValue<'_>>,
    ) -> deserialize::Result<Self> {
        match value {
            Some(v) => <Self as FromSql<Nullable<Date>, Sqlite>>::from_sql(v),
            None => Ok(MaybeDay(None)),
        }
    }
}

impl FromSql<Nullable<Date>, Pg> for MaybeDay {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<Date, Pg>>::from_sql(value).map(|d| MaybeDay(Some(d)))
    }

    fn from_nullable_sql(
        value: Option<<Pg as Backend>::RawValue<'_>>,
    ) -> deserialize::Result<Self> {
        match value {
            Some(v) => <Self as FromSql<Nullable<Date>, Pg>>::from_sql(v),
            None => Ok(MaybeDay(None)),
        }
    }
}

impl FromSql<Nullable<Date>, MultiBackend> for MaybeDay {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<MaybeDay, Nullable<Date>>()
    }

    fn from_nullable_sql(
        value: Option<<MultiBackend as Backend>::RawValue<'_>>,
    ) -> deserialize::Result<Self> {
        match value {
            Some(v) => <Self as FromSql<Nullable<Date>, MultiBackend>>::from_sql(v),
            None => Ok(MaybeDay(None)),
        }
    }
}

/// A date column (not null), read as `NaiveDate` the way [`MaybeDay`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::deserialize::FromSqlRow)]
pub struct Day(pub NaiveDate);

impl From<Day> for NaiveDate {
    fn from(d: Day) -> NaiveDate {
        d.0
    }
}

impl FromSql<Date, Sqlite> for Day {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if let Some(day) = iso_day(value.read_text()) {
            return Ok(Day(day));
        }
        <NaiveDate as FromSql<Date, Sqlite>>::from_sql(value).map(Day)
    }
}

impl FromSql<Date, Pg> for Day {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<Date, Pg>>::from_sql(value).map(Day)
    }
}

impl FromSql<Date, MultiBackend> for Day {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Day, Date>()
    }
}

/// A timestamp column, read as `NaiveDateTime`: on SQLite the text diesel writes
/// (`YYYY-MM-DD HH:MM:SS` with up to nine decimals) is read by hand, anything else by diesel
/// (about 3,000 instructions a value through chrono's format parser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::deserialize::FromSqlRow)]
pub struct Stamp(pub NaiveDateTime);

impl From<Stamp> for NaiveDateTime {
    fn from(t: Stamp) -> NaiveDateTime {
        t.0
    }
}

/// `YYYY-MM-DD HH:MM:SS[.f…]` exactly (one to nine decimals), or `None`.
fn iso_stamp(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let day = iso_day(text.get(..10)?)?;
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            number(digits)? * 10u32.pow(9 - u32::try_from(digits.len()).ok()?)
        }
        _ => return None,
    };
    day.and_hms_nano_opt(
        number(&b[11..13])?,
        number(&b[14..16])?,
        number(&b[17..19])?,
        nanos,
    )
}

impl FromSql<Timestamp, Sqlite> for Stamp {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if let Some(t) = iso_stamp(value.read_text()) {
            return Ok(Stamp(t));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Stamp)
    }
}

impl FromSql<Timestamp, Pg> for Stamp {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Stamp)
    }
}

impl FromSql<Timestamp, MultiBackend> for Stamp {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Stamp, Timestamp>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_stamps_are_read_by_hand_and_anything_else_is_left_to_diesel() {
        let at = |h, mi, s, n| {
            NaiveDate::from_ymd_opt(2026, 3, 10).and_then(|d| d.and_hms_nano_opt(h, mi, s, n))
        };
        assert_eq!(iso_stamp("2026-03-10 07:08:09"), at(7, 8, 9, 0));
        assert_eq!(iso_stamp("2026-03-10 07:08:09.5"), at(7, 8, 9, 500_000_000));
        assert_eq!(
            iso_stamp("2026-03-10 23:59:59.123456"),
            at(23, 59, 59, 123_456_000)
        );
        assert_eq!(iso_stamp("2026-03-10 00:00:00.000000001"), at(0, 0, 0, 1));
        for text in [
            "2026-03-10T07:08:09",
            "2026-03-10 07:08",
            "2026-03-10 07:08:09.",
            "2026-03-10 07:08:09.1234567890",
            "2026-03-10 24:00:00",
            "2026-02-30 07:08:09",
            "2026-03-10 07:08:09Z",
            "2026-03-10 7:08:09",
            "",
        ] {
            assert_eq!(iso_stamp(text), None, "{text}");
        }
    }

    /// Through a real SQLite connection: what diesel writes, and texts diesel also reads.
    #[test]
    fn dates_and_timestamps_read_like_diesels_own() {
        use diesel::prelude::*;
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let written = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
            .and_then(|d| d.and_hms_micro_opt(1, 46, 1, 123_456))
            .unwrap();
        let stored: String = diesel::select(written.into_sql::<Timestamp>())
            .get_result::<String>(&mut conn)
            .unwrap_or_default();
        assert_eq!(stored, "2026-12-04 01:46:01.123456", "what diesel writes");
        for sql in [
            format!("'{stored}'"),
            "'2026-03-10 07:08:09'".to_owned(),
            "'2026-03-10T07:08:09'".to_owned(),
            "DATETIME('2026-03-10 07:08:09', '+1 hour')".to_owned(),
            "'no es fecha'".to_owned(),
        ] {
            let ours = diesel::select(diesel::dsl::sql::<Timestamp>(&sql))
                .get_result::<Stamp>(&mut conn)
                .map(|t| t.0)
                .ok();
            let diesels = diesel::select(diesel::dsl::sql::<Timestamp>(&sql))
                .get_result::<NaiveDateTime>(&mut conn)
                .ok();
            assert_eq!(ours, diesels, "{sql}");
        }
        for sql in [
            "'2026-03-10'",
            "DATE('2026-03-10', '+1 day')",
            "'10/03/2026'",
        ] {
            let ours = diesel::select(diesel::dsl::sql::<Date>(sql))
                .get_result::<Day>(&mut conn)
                .map(|d| d.0)
                .ok();
            let diesels = diesel::select(diesel::dsl::sql::<Date>(sql))
                .get_result::<NaiveDate>(&mut conn)
                .ok();
            assert_eq!(ours, diesels, "{sql}");
        }
    }

    #[test]
    fn iso_days_are_read_by_hand_and_anything_else_is_left_to_diesel() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(iso_day("2026-03-10"), day(2026, 3, 10));
        assert_eq!(iso_day("0001-01-01"), day(1, 1, 1));
        assert_eq!(iso_day("2024-02-29"), day(2024, 2, 29));
        // Not a day, or not this shape: diesel's parser answers (and refuses what it refuses).
        for text in [
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-3-10",
            "2026/03/10",
            "+2026-03-1",
            "2026-03-10 00:00:00",
            "２０２６-03-10",
            "",
        ] {
            assert_eq!(iso_day(text), None, "{text}");
        }
    }

    /// Through a real SQLite connection: NULL, a stored day, and a text diesel also reads.
    #[test]
    fn a_nullable_date_column_reads_like_diesels_own() {
        use diesel::prelude::*;
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let read = |conn: &mut SqliteConnection, sql: &str| {
            let ours = diesel::select(diesel::dsl::sql::<Nullable<Date>>(sql))
                .get_result::<MaybeDay>(conn)
                .map(|d| d.0);
            let diesels = diesel::select(diesel::dsl::sql::<Nullable<Date>>(sql))
                .get_result::<Option<NaiveDate>>(conn);
            (ours.ok(), diesels.ok())
        };
        for sql in [
            "NULL",
            "'2026-03-10'",
            "DATE('2026-03-10', '+1 day')",
            "'10/03/2026'",
        ] {
            let (ours, diesels) = read(&mut conn, sql);
            assert_eq!(ours, diesels, "{sql}");
        }
        assert_eq!(
            read(&mut conn, "'2026-03-10'").0,
            Some(NaiveDate::from_ymd_opt(2026, 3, 10))
        );
        assert_eq!(read(&mut conn, "NULL").0, Some(None));
    }
}
