//! Repository for W14: units, the concept catalog, exchange rates, and each OT's annex imports
//! with their items and daily programmed volumes.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{
    annex_daily, annex_error_reports, annex_imports, annex_items, concepts, exchange_rates, units,
};
use crate::domain::annex::{Concept, Item, Unit};

/// Rows per multi-row insert of wide rows (well under both backends' bind-parameter limits).
const BATCH: usize = 2000;

/// Active units, for validation.
pub fn active_units(conn: &mut DbConn) -> QueryResult<Vec<Unit>> {
    Ok(units::table
        .filter(units::active.eq(true))
        .order(units::id)
        .select((units::id, units::clave, units::description))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, clave, description)| Unit {
            id,
            clave,
            description,
        })
        .collect())
}

/// Active concepts, for validation.
pub fn active_concepts(conn: &mut DbConn) -> QueryResult<Vec<Concept>> {
    Ok(concepts::table
        .filter(concepts::active.eq(true))
        .select((
            concepts::id,
            concepts::code,
            concepts::description,
            concepts::unit_id,
            concepts::price_mxn,
            concepts::price_usd,
        ))
        .load::<(i32, String, String, i32, i64, i64)>(conn)?
        .into_iter()
        .map(
            |(id, code, description, unit_id, price_mxn, price_usd)| Concept {
                id,
                code,
                description,
                unit_id,
                price_mxn,
                price_usd,
                active: true,
            },
        )
        .collect())
}

/// A concept's values (to add, or to write over an existing one).
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = concepts)]
pub struct NewConcept {
    pub code: String,
    pub description: String,
    pub unit_id: i32,
    pub price_mxn: i64,
    pub price_usd: i64,
    pub annex: String,
    pub active: bool,
}

pub fn insert_concept(conn: &mut DbConn, new: &NewConcept) -> QueryResult<i32> {
    diesel::insert_into(concepts::table)
        .values(new)
        .returning(concepts::id)
        .get_result(conn)
}

pub fn insert_concepts(conn: &mut DbConn, new: &[NewConcept]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in new.chunks(BATCH) {
        n += match conn {
            DbConn::Sqlite(c) => diesel::insert_into(concepts::table)
                .values(chunk)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(concepts::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(n)
}

/// A concept as the administrator's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ConceptRow {
    pub id: i32,
    pub code: String,
    pub description: String,
    pub unit_id: i32,
    pub unit: String,
    pub price_mxn: i64,
    pub price_usd: i64,
    pub annex: String,
    pub active: bool,
}

macro_rules! concept_columns {
    () => {
        (
            concepts::id,
            concepts::code,
            concepts::description,
            concepts::unit_id,
            units::clave,
            concepts::price_mxn,
            concepts::price_usd,
            concepts::annex,
            concepts::active,
        )
    };
}

/// A page of the catalog, by code, filtered by text in the code or description; and the total.
pub fn concepts_page(
    conn: &mut DbConn,
    text: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(i64, Vec<ConceptRow>)> {
    let filtered = || {
        let mut q = concepts::table.inner_join(units::table).into_boxed();
        if let Some(t) = text {
            let pattern = super::like_pattern(t);
            q = q.filter(
                super::lower(concepts::code)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(super::lower(concepts::description)
                        .like(pattern)
                        .escape('\\')),
            );
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((concepts::code, concepts::id))
        .offset(offset)
        .limit(limit)
        .select(concept_columns!())
        .load(conn)?;
    Ok((total, rows))
}

pub fn find_concept(conn: &mut DbConn, id: i32) -> QueryResult<Option<ConceptRow>> {
    concepts::table
        .inner_join(units::table)
        .filter(concepts::id.eq(id))
        .select(concept_columns!())
        .first(conn)
        .optional()
}

/// Every concept (for duplicate checks and the catalog import's upsert).
pub fn all_concepts(conn: &mut DbConn) -> QueryResult<Vec<ConceptRow>> {
    concepts::table
        .inner_join(units::table)
        .order(concepts::id)
        .select(concept_columns!())
        .load(conn)
}

pub fn update_concept(conn: &mut DbConn, id: i32, values: &NewConcept) -> QueryResult<usize> {
    diesel::update(concepts::table.find(id))
        .set(values)
        .execute(conn)
}

/// An exchange rate as set by an administrator.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = exchange_rates)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Rate {
    pub id: i32,
    pub rate: i64,
    pub valid_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub username: String,
}

/// The rate in use: the newest one set.
pub fn current_rate(conn: &mut DbConn) -> QueryResult<Option<Rate>> {
    exchange_rates::table
        .order(exchange_rates::id.desc())
        .select(Rate::as_select())
        .first(conn)
        .optional()
}

pub fn rates(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Rate>> {
    exchange_rates::table
        .order(exchange_rates::id.desc())
        .limit(limit)
        .select(Rate::as_select())
        .load(conn)
}

pub fn insert_rate(
    conn: &mut DbConn,
    rate: i64,
    valid_on: NaiveDate,
    now: NaiveDateTime,
    user_id: Option<i32>,
    username: &str,
) -> QueryResult<i32> {
    diesel::insert_into(exchange_rates::table)
        .values((
            exchange_rates::rate.eq(rate),
            exchange_rates::valid_on.eq(valid_on),
            exchange_rates::created_at.eq(now),
            exchange_rates::created_by.eq(user_id),
            exchange_rates::username.eq(username),
        ))
        .returning(exchange_rates::id)
        .get_result(conn)
}

/// One import of an OT's annex.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = annex_imports)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Import {
    pub id: i32,
    pub work_order_id: i32,
    pub active: bool,
    pub mode: String,
    pub file_name: String,
    pub file_size: i64,
    pub rows: i32,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub username: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = annex_imports)]
pub struct NewImport<'a> {
    pub work_order_id: i32,
    pub active: bool,
    pub mode: &'a str,
    pub file_name: &'a str,
    pub file_size: i64,
    pub rows: i32,
    pub created_at: NaiveDateTime,
    pub created_by: Option<i32>,
    pub username: &'a str,
    pub updated_at: NaiveDateTime,
}

pub fn active_import(conn: &mut DbConn, order: i32) -> QueryResult<Option<Import>> {
    annex_imports::table
        .filter(annex_imports::work_order_id.eq(order))
        .filter(annex_imports::active.eq(true))
        .select(Import::as_select())
        .first(conn)
        .optional()
}

/// Every import of an OT, newest first.
pub fn imports_of(conn: &mut DbConn, order: i32) -> QueryResult<Vec<Import>> {
    annex_imports::table
        .filter(annex_imports::work_order_id.eq(order))
        .order(annex_imports::id.desc())
        .select(Import::as_select())
        .load(conn)
}

/// Makes the OT's active import inactive (kept); returns how many were.
pub fn deactivate_imports(conn: &mut DbConn, order: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        annex_imports::table
            .filter(annex_imports::work_order_id.eq(order))
            .filter(annex_imports::active.eq(true)),
    )
    .set((
        annex_imports::active.eq(false),
        annex_imports::updated_at.eq(now),
    ))
    .execute(conn)
}

pub fn insert_import(conn: &mut DbConn, new: &NewImport) -> QueryResult<i32> {
    diesel::insert_into(annex_imports::table)
        .values(new)
        .returning(annex_imports::id)
        .get_result(conn)
}

/// Records an import's item count and the span of its daily schedule (read back once).
pub fn touch_import(conn: &mut DbConn, id: i32, rows: i32, now: NaiveDateTime) -> QueryResult<()> {
    let (first, last): (Option<NaiveDate>, Option<NaiveDate>) = annex_daily::table
        .inner_join(annex_items::table)
        .filter(annex_items::import_id.eq(id))
        .select((
            diesel::dsl::min(annex_daily::day),
            diesel::dsl::max(annex_daily::day),
        ))
        .first(conn)?;
    diesel::update(annex_imports::table.find(id))
        .set((
            annex_imports::rows.eq(rows),
            annex_imports::first_day.eq(first),
            annex_imports::last_day.eq(last),
            annex_imports::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// An item as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = annex_items)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ItemRow {
    pub id: i32,
    pub row_number: i32,
    pub annex: String,
    pub code: String,
    pub description: String,
    pub unit: String,
    pub volume: i64,
    pub price_mxn: i64,
    pub price_usd: i64,
}

/// Writes items (with `row_number` as given) and their daily volumes, in batches.
pub fn insert_items(conn: &mut DbConn, import: i32, items: &[Item]) -> QueryResult<()> {
    for chunk in items.chunks(BATCH) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|i| {
                (
                    annex_items::import_id.eq(import),
                    annex_items::row_number.eq(i.row_number),
                    annex_items::annex.eq(&i.annex),
                    annex_items::code.eq(&i.code),
                    annex_items::description.eq(&i.description),
                    annex_items::unit.eq(&i.unit),
                    annex_items::volume.eq(i.volume),
                    annex_items::price_mxn.eq(i.price_mxn),
                    annex_items::price_usd.eq(i.price_usd),
                )
            })
            .collect();
        // Multi-row inserts do not compile through MultiConnection: use the inner connection.
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(annex_items::table)
                .values(&rows)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(annex_items::table)
                .values(&rows)
                .execute(c)?,
        };
    }
    let ids = item_ids(conn, import)?;
    let daily: Vec<(i32, NaiveDate, i64)> = items
        .iter()
        .filter_map(|i| ids.get(&i.row_number).map(|id| (*id, &i.days)))
        .flat_map(|(id, days)| days.iter().map(move |(d, v)| (id, *d, *v)))
        .collect();
    insert_daily(conn, &daily)
}

/// row_number → id of an import's items.
pub fn item_ids(conn: &mut DbConn, import: i32) -> QueryResult<HashMap<i32, i32>> {
    Ok(annex_items::table
        .filter(annex_items::import_id.eq(import))
        .select((annex_items::row_number, annex_items::id))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect())
}

/// A daily programmed volume, as written.
#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = annex_daily, treat_none_as_default_value = false)]
struct DailyRow {
    item_id: i32,
    day: NaiveDate,
    volume: i64,
}

/// Writes daily volumes: PostgreSQL takes them through `COPY … FROM STDIN` (binary), SQLite in
/// multi-row inserts under its bind-parameter limit.
pub fn insert_daily(conn: &mut DbConn, daily: &[(i32, NaiveDate, i64)]) -> QueryResult<()> {
    if daily.is_empty() {
        return Ok(());
    }
    let rows: Vec<DailyRow> = daily
        .iter()
        .map(|(item_id, day, volume)| DailyRow {
            item_id: *item_id,
            day: *day,
            volume: *volume,
        })
        .collect();
    match conn {
        DbConn::Pg(c) => {
            diesel::copy_from(annex_daily::table)
                .from_insertable(&rows)
                .execute(c)?;
        }
        DbConn::Sqlite(c) => {
            // 3 parameters a row, under SQLite's 32,766.
            for chunk in rows.chunks(10_000) {
                diesel::insert_into(annex_daily::table)
                    .values(chunk)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// Every item of an import, by row.
pub fn items_of(conn: &mut DbConn, import: i32) -> QueryResult<Vec<ItemRow>> {
    annex_items::table
        .filter(annex_items::import_id.eq(import))
        .order(annex_items::row_number)
        .select(ItemRow::as_select())
        .load(conn)
}

/// One page of an import's items, by row.
pub fn items_page(
    conn: &mut DbConn,
    import: i32,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ItemRow>> {
    annex_items::table
        .filter(annex_items::import_id.eq(import))
        .order(annex_items::row_number)
        .offset(offset)
        .limit(limit)
        .select(ItemRow::as_select())
        .load(conn)
}

/// (volume, price MXN, price USD) of every item of an import, for exact totals in Rust.
pub fn amounts(conn: &mut DbConn, import: i32) -> QueryResult<Vec<(i64, i64, i64)>> {
    annex_items::table
        .filter(annex_items::import_id.eq(import))
        .select((
            annex_items::volume,
            annex_items::price_mxn,
            annex_items::price_usd,
        ))
        .load(conn)
}

/// Updates a matched item (update mode).
pub fn update_item(conn: &mut DbConn, id: i32, item: &Item) -> QueryResult<()> {
    diesel::update(annex_items::table.find(id))
        .set((
            annex_items::annex.eq(&item.annex),
            annex_items::description.eq(&item.description),
            annex_items::unit.eq(&item.unit),
            annex_items::volume.eq(item.volume),
            annex_items::price_mxn.eq(item.price_mxn),
            annex_items::price_usd.eq(item.price_usd),
        ))
        .execute(conn)
        .map(drop)
}

pub fn delete_daily(conn: &mut DbConn, item_ids: &[i32]) -> QueryResult<()> {
    for chunk in item_ids.chunks(BATCH) {
        diesel::delete(annex_daily::table.filter(annex_daily::item_id.eq_any(chunk)))
            .execute(conn)?;
    }
    Ok(())
}

/// The daily volumes of some items: (item id, day, volume).
pub fn daily_of(conn: &mut DbConn, item_ids: &[i32]) -> QueryResult<Vec<(i32, NaiveDate, i64)>> {
    annex_daily::table
        .filter(annex_daily::item_id.eq_any(item_ids))
        .order((annex_daily::item_id, annex_daily::day))
        .select((annex_daily::item_id, annex_daily::day, annex_daily::volume))
        .load(conn)
}

/// The months (their first days) an import's schedule spans.
pub fn months_of(import: &Import) -> Vec<NaiveDate> {
    let (Some(first), Some(last)) = (
        import.first_day.and_then(|d| d.with_day(1)),
        import.last_day,
    ) else {
        return Vec::new();
    };
    let mut months = Vec::new();
    let mut m = first;
    while m <= last && months.len() < 240 {
        months.push(m);
        m = m
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    months
}

pub fn insert_report(
    conn: &mut DbConn,
    order: Option<i32>,
    user_id: Option<i32>,
    now: NaiveDateTime,
    file_name: &str,
    content: &[u8],
) -> QueryResult<i32> {
    // Reports are kept a day: older ones go as new ones come.
    let old = now - chrono::Duration::days(1);
    diesel::delete(annex_error_reports::table.filter(annex_error_reports::created_at.lt(old)))
        .execute(conn)?;
    diesel::insert_into(annex_error_reports::table)
        .values((
            annex_error_reports::work_order_id.eq(order),
            annex_error_reports::user_id.eq(user_id),
            annex_error_reports::created_at.eq(now),
            annex_error_reports::file_name.eq(file_name),
            annex_error_reports::content.eq(content),
        ))
        .returning(annex_error_reports::id)
        .get_result(conn)
}

/// A stored error workbook.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = annex_error_reports)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ErrorReport {
    pub work_order_id: Option<i32>,
    pub user_id: Option<i32>,
    pub file_name: String,
    pub content: Vec<u8>,
}

pub fn find_report(conn: &mut DbConn, id: i32) -> QueryResult<Option<ErrorReport>> {
    annex_error_reports::table
        .find(id)
        .select(ErrorReport::as_select())
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_months_of_a_schedule_span_its_first_to_its_last_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let mut import = Import {
            id: 1,
            work_order_id: 1,
            active: true,
            mode: "nueva".into(),
            file_name: "a.xlsx".into(),
            file_size: 1,
            rows: 1,
            first_day: Some(d(2025, 11, 30)),
            last_day: Some(d(2026, 2, 1)),
            created_at: NaiveDateTime::default(),
            username: "ana".into(),
            updated_at: NaiveDateTime::default(),
        };
        assert_eq!(
            months_of(&import),
            [d(2025, 11, 1), d(2025, 12, 1), d(2026, 1, 1), d(2026, 2, 1)]
        );
        import.first_day = None;
        assert!(months_of(&import).is_empty());
    }
}
