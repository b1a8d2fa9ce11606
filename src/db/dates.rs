//! Date columns read without chrono's format parser on SQLite (issue 14).
//!
//! SQLite keeps a date as the text `YYYY-MM-DD`; diesel reads it with
//! `NaiveDate::parse_from_str(text, "%F")`, which walks a format description for every value:
//! about 1,400 instructions a date, 3 % of the list page (25 rows of up to six dates). Fields
//! read through [`MaybeDay`] (`#[diesel(deserialize_as = MaybeDay)]` on an `Option<NaiveDate>`)
//! parse those ten bytes directly and fall back to diesel's own reading for any other shape, so
//! they accept whatever diesel accepts. PostgreSQL sends dates as binary numbers: there the
//! reading is diesel's.

use chrono::NaiveDate;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::sql_types::{Date, Nullable};
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

#[cfg(test)]
mod tests {
    use super::*;

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
