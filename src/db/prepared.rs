//! Statements with one text whatever the values they run with, so that each pooled connection
//! prepares them once and reuses them (diesel caches a prepared statement only when its text
//! cannot vary).
//!
//! - A set of ids bound as one parameter ([`one_of`], [`IdsQuery`]). diesel's `eq_any` writes
//!   one `?` per id on SQLite (never cached: parsed and planned again on every page), and raw
//!   `sql_query` is never cached on either backend. The set is written as
//!   SQLite: `IN (SELECT value FROM json_each(?))`, the ids bound as a JSON array (the planner
//!   still probes the column's index once per id); PostgreSQL: `= ANY($1)`, an integer array.
//! - A code compared with its value written into the text ([`code_eq`], [`code_ne`]), for the
//!   columns partial indexes name (kind, record state): SQLite plans a statement again after
//!   every new bind when the bound value meets a partial index's condition. A code fixed when
//!   the program is built is also carried in the type ([`code_is`], [`code_is_not`],
//!   [`in_code_set`]): such a statement keeps a static query id, so diesel finds it prepared by
//!   its type without writing its text again on every run.
//! - An `UPDATE` kept prepared ([`update_where`]): diesel prepares its own again on every run.
//!
//! [`one_of`] and the codes are filters for diesel's query builder; [`IdsQuery`] is a fixed SQL
//! text around a set of ids, for the statements the builder cannot write.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::AsChangeset;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::RunQueryDsl;
use diesel::query_dsl::methods::ExecuteDsl;
use diesel::query_source::Table;
use diesel::sql_types::{Array, Bool, Integer, Text, Untyped};
use diesel::sqlite::Sqlite;
use diesel::{PgConnection, SqliteConnection};

use super::{DbConn, MultiBackend};

/// Some ids, ready to bind on either backend.
#[derive(Debug, Clone)]
pub struct Ids {
    list: Vec<i32>,
    json: String,
}

impl Ids {
    pub fn new(ids: &[i32]) -> Ids {
        let mut json = String::with_capacity(ids.len() * 8 + 2);
        json.push('[');
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(&id.to_string());
        }
        json.push(']');
        Ids {
            list: ids.to_vec(),
            json,
        }
    }

    fn walk_sqlite<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }

    fn walk_pg<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(" = ANY(");
        out.push_bind_param::<Array<Integer>, _>(&self.list)?;
        out.push_sql(")");
        Ok(())
    }
}

/// `column` is one of `ids`: a filter whose SQL is the same for any number of ids.
pub fn one_of<C>(column: C, ids: &[i32]) -> OneOf<C> {
    OneOf {
        column,
        ids: Ids::new(ids),
    }
}

/// See [`one_of`].
#[derive(Debug, Clone)]
pub struct OneOf<C> {
    column: C,
    ids: Ids,
}

impl<C: Expression> Expression for OneOf<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS> + Expression, QS> AppearsOnTable<QS> for OneOf<C> {}

impl<C: SelectableExpression<QS> + Expression, QS> SelectableExpression<QS> for OneOf<C> {}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for OneOf<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C: QueryId> QueryId for OneOf<C> {
    // The text depends only on the column: the same type is the same statement.
    type QueryId = OneOf<C::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for OneOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        self.ids.walk_sqlite(out)
    }
}

impl<C: QueryFragment<Pg>> QueryFragment<Pg> for OneOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        self.ids.walk_pg(out)
    }
}

impl<C> QueryFragment<MultiBackend> for OneOf<C>
where
    Self: QueryFragment<Sqlite> + QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

/// `column = code`, the code written into the statement's text (see the module's doc). Only for
/// codes of a small fixed set: each value is a statement of its own.
pub fn code_eq<C>(column: C, code: i32) -> Code<C> {
    Code {
        column,
        op: " = ",
        code,
    }
}

/// `column <> code`, the code written into the statement's text (see [`code_eq`]).
pub fn code_ne<C>(column: C, code: i32) -> Code<C> {
    Code {
        column,
        op: " <> ",
        code,
    }
}

/// See [`code_eq`].
#[derive(Debug, Clone, Copy)]
pub struct Code<C> {
    column: C,
    op: &'static str,
    code: i32,
}

impl<C: Expression> Expression for Code<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS> + Expression, QS> AppearsOnTable<QS> for Code<C> {}

impl<C: SelectableExpression<QS> + Expression, QS> SelectableExpression<QS> for Code<C> {}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for Code<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C> QueryId for Code<C> {
    // The value is in the text but not in the type: such statements are keyed by their text.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Code<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(self.op);
        out.push_sql(&self.code.to_string());
        Ok(())
    }
}

/// `column = CODE`, a code fixed when the program is built, written into the text like
/// [`code_eq`]'s but also carried in the type: a statement made only of such parts has a static
/// query id, so diesel finds it prepared by its type instead of writing its text again on every
/// run to look it up (issue 14: writing the double-booking check's text was a sixth of the OT
/// page on PostgreSQL). [`code_eq`] is for a code known only at run time.
pub fn code_is<const CODE: i32, C>(column: C) -> FixedCode<C, CODE, true> {
    FixedCode { column }
}

/// `column <> CODE` (see [`code_is`]).
pub fn code_is_not<const CODE: i32, C>(column: C) -> FixedCode<C, CODE, false> {
    FixedCode { column }
}

/// See [`code_is`]; `EQ`: `=` or `<>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedCode<C, const CODE: i32, const EQ: bool> {
    column: C,
}

impl<C: Expression, const CODE: i32, const EQ: bool> Expression for FixedCode<C, CODE, EQ> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS> + Expression, QS, const CODE: i32, const EQ: bool> AppearsOnTable<QS>
    for FixedCode<C, CODE, EQ>
{
}

impl<C: SelectableExpression<QS> + Expression, QS, const CODE: i32, const EQ: bool>
    SelectableExpression<QS> for FixedCode<C, CODE, EQ>
{
}

impl<C: ValidGrouping<GB>, GB, const CODE: i32, const EQ: bool> ValidGrouping<GB>
    for FixedCode<C, CODE, EQ>
{
    type IsAggregate = C::IsAggregate;
}

impl<C: QueryId, const CODE: i32, const EQ: bool> QueryId for FixedCode<C, CODE, EQ> {
    type QueryId = FixedCode<C::QueryId, CODE, EQ>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<DB>, DB: Backend, const CODE: i32, const EQ: bool> QueryFragment<DB>
    for FixedCode<C, CODE, EQ>
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(if EQ { " = " } else { " <> " });
        out.push_sql(&CODE.to_string());
        Ok(())
    }
}

/// A set of codes fixed when the program is built, as a type (see [`in_code_set`]).
pub trait CodeSet: 'static {
    const CODES: &'static [i32];
}

/// `column IN (S::CODES)`, written into the text like [`code_in`]'s, with a static query id
/// (see [`code_is`]).
pub fn in_code_set<S: CodeSet, C>(column: C) -> InCodeSet<C, S> {
    InCodeSet {
        column,
        set: std::marker::PhantomData,
    }
}

/// See [`in_code_set`].
#[derive(Debug, Clone, Copy)]
pub struct InCodeSet<C, S> {
    column: C,
    set: std::marker::PhantomData<S>,
}

impl<C: Expression, S> Expression for InCodeSet<C, S> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS> + Expression, QS, S> AppearsOnTable<QS> for InCodeSet<C, S> {}

impl<C: SelectableExpression<QS> + Expression, QS, S> SelectableExpression<QS> for InCodeSet<C, S> {}

impl<C: ValidGrouping<GB>, GB, S> ValidGrouping<GB> for InCodeSet<C, S> {
    type IsAggregate = C::IsAggregate;
}

impl<C: QueryId, S: CodeSet> QueryId for InCodeSet<C, S> {
    type QueryId = InCodeSet<C::QueryId, S>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<DB>, DB: Backend, S: CodeSet> QueryFragment<DB> for InCodeSet<C, S> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        push_codes(out, " IN (", S::CODES);
        Ok(())
    }
}

/// `column IN (codes)`, the codes written into the statement's text (see [`code_eq`]): one
/// statement, where `eq_any` binds one parameter per code on SQLite and is prepared each time.
pub fn code_in<C>(column: C, codes: &'static [i32]) -> Codes<C> {
    Codes {
        column,
        op: " IN (",
        codes,
    }
}

/// `column NOT IN (codes)` (see [`code_in`]).
pub fn code_not_in<C>(column: C, codes: &'static [i32]) -> Codes<C> {
    Codes {
        column,
        op: " NOT IN (",
        codes,
    }
}

/// See [`code_in`].
#[derive(Debug, Clone, Copy)]
pub struct Codes<C> {
    column: C,
    op: &'static str,
    codes: &'static [i32],
}

impl<C: Expression> Expression for Codes<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS> + Expression, QS> AppearsOnTable<QS> for Codes<C> {}

impl<C: SelectableExpression<QS> + Expression, QS> SelectableExpression<QS> for Codes<C> {}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for Codes<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C> QueryId for Codes<C> {
    // The values are in the text but not in the type: keyed by the text.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Codes<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        push_codes(out, self.op, self.codes);
        Ok(())
    }
}

/// `op` (ending in `(`), the codes separated by commas, `)`.
fn push_codes<DB: Backend>(mut out: AstPass<'_, '_, DB>, op: &str, codes: &[i32]) {
    out.push_sql(op);
    for (i, code) in codes.iter().enumerate() {
        if i > 0 {
            out.push_sql(", ");
        }
        out.push_sql(&code.to_string());
    }
    out.push_sql(")");
}

/// `UPDATE table SET changes WHERE filter`, kept prepared on each pooled connection. diesel's
/// own `UPDATE` is prepared again on every run, on both backends (a changeset may leave out
/// `None` fields, so one statement type can have several texts): parsing it was about a tenth of
/// a step change and a sixth of an edit (issue 14). This one is keyed by its text, so a changeset
/// that does leave fields out is a statement per combination, never a wrong one.
pub fn update_where<T, W, V>(
    table: T,
    filter: W,
    changes: V,
) -> Update<T::FromClause, W, V::Changeset>
where
    T: Table,
    W: Expression<SqlType = Bool> + AppearsOnTable<T>,
    V: AsChangeset<Target = T>,
{
    Update {
        table: table.from_clause(),
        filter,
        changes: changes.as_changeset(),
    }
}

/// Runs [`update_where`] on the backend's own connection ([`crate::db::on_backend!`]);
/// returns the number of rows it changed.
pub fn run_update<T, W, V>(conn: &mut DbConn, table: T, filter: W, changes: V) -> QueryResult<usize>
where
    T: Table,
    W: Expression<SqlType = Bool> + AppearsOnTable<T>,
    V: AsChangeset<Target = T>,
    Update<T::FromClause, W, V::Changeset>: ExecuteDsl<SqliteConnection> + ExecuteDsl<PgConnection>,
{
    let statement = update_where(table, filter, changes);
    on_backend!(conn, |c| ExecuteDsl::execute(statement, c))
}

/// See [`update_where`].
#[derive(Debug, Clone)]
pub struct Update<F, W, V> {
    table: F,
    filter: W,
    changes: V,
}

impl<F, W, V> QueryId for Update<F, W, V> {
    // Keyed by its text (the statement cache's second way), not by type.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<F, W, V, Conn> RunQueryDsl<Conn> for Update<F, W, V> {}

impl<F, W, V, DB> QueryFragment<DB> for Update<F, W, V>
where
    DB: Backend,
    F: QueryFragment<DB>,
    W: QueryFragment<DB>,
    V: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if self.changes.is_noop(out.backend())? {
            return Err(diesel::result::Error::QueryBuilderError(
                "an UPDATE without changes".into(),
            ));
        }
        out.push_sql("UPDATE ");
        self.table.walk_ast(out.reborrow())?;
        out.push_sql(" SET ");
        self.changes.walk_ast(out.reborrow())?;
        out.push_sql(" WHERE ");
        self.filter.walk_ast(out)
    }
}

/// A fixed SQL text around one set of ids (`before` + the set + `after`), loaded like
/// `sql_query` into a `QueryableByName` type — but prepared once per connection.
/// The texts must be fixed (constants), never user input.
#[derive(Debug, Clone)]
pub struct IdsQuery {
    /// The texts between which the set is written: `parts[0]`, the set, `parts[1]`, …, the
    /// set, the last part (the set `parts.len() - 1` times).
    parts: Vec<&'static str>,
    ids: Ids,
}

impl IdsQuery {
    pub fn new(before: &'static str, ids: &[i32], after: &'static str) -> IdsQuery {
        IdsQuery::around(vec![before, after], ids)
    }

    /// A fixed text and no ids (a statement the query builder cannot write, e.g. a `UNION ALL`
    /// with its own order): unlike `sql_query`, prepared once per connection.
    pub fn fixed(text: &'static str) -> IdsQuery {
        IdsQuery::around(vec![text], &[])
    }

    /// The same set of ids between each two of `parts` (one statement that reads several
    /// tables for the same ids: one round trip instead of one per table).
    pub fn around(parts: Vec<&'static str>, ids: &[i32]) -> IdsQuery {
        IdsQuery {
            parts,
            ids: Ids::new(ids),
        }
    }
}

impl QueryId for IdsQuery {
    // Keyed by its text (the statement cache's second way), not by type.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for IdsQuery {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for IdsQuery {}

impl QueryFragment<Sqlite> for IdsQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                self.ids.walk_sqlite(out.reborrow())?;
            }
            out.push_sql(part);
        }
        Ok(())
    }
}

impl QueryFragment<Pg> for IdsQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                self.ids.walk_pg(out.reborrow())?;
            }
            out.push_sql(part);
        }
        Ok(())
    }
}

impl QueryFragment<MultiBackend> for IdsQuery {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_bound_as_one_json_array() {
        assert_eq!(Ids::new(&[]).json, "[]");
        assert_eq!(Ids::new(&[7]).json, "[7]");
        assert_eq!(Ids::new(&[3, -1, 2_000_000_000]).json, "[3,-1,2000000000]");
    }

    use std::sync::{Arc, Mutex};

    use diesel::connection::{Connection, Instrumentation, InstrumentationEvent, SimpleConnection};
    use diesel::prelude::*;

    use crate::db::DbConn;
    use crate::db::schema::list_versions as v;

    /// The statements a connection runs, and those it adds to its statement cache.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<(usize, Vec<String>)>>);

    impl Instrumentation for Seen {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            let mut seen = self.0.lock().unwrap();
            match event {
                InstrumentationEvent::StartQuery { .. } => seen.0 += 1,
                InstrumentationEvent::CacheQuery { sql, .. } => seen.1.push(sql.to_owned()),
                _ => {}
            }
        }
    }

    fn memory_db() -> (DbConn, Seen) {
        let mut sqlite = SqliteConnection::establish(":memory:").unwrap();
        sqlite
            .batch_execute(
                "CREATE TABLE list_versions (name TEXT PRIMARY KEY, version BIGINT NOT NULL);
                 INSERT INTO list_versions VALUES ('a', 0), ('b', 0);",
            )
            .unwrap();
        let mut conn = DbConn::Sqlite(sqlite);
        let seen = Seen::default();
        conn.set_instrumentation(seen.clone());
        (conn, seen)
    }

    fn version(conn: &mut DbConn, name: &str) -> i64 {
        v::table.find(name).select(v::version).first(conn).unwrap()
    }

    #[test]
    fn an_update_is_prepared_once_and_runs_with_each_runs_values() {
        let (mut conn, seen) = memory_db();
        // diesel's own UPDATE is never cached: the reason `update_where` exists.
        for _ in 0..2 {
            diesel::update(v::table.find("a"))
                .set(v::version.eq(v::version + 1))
                .execute(&mut conn)
                .unwrap();
        }
        assert!(seen.0.lock().unwrap().1.is_empty());
        let bump = |name: &'static str, by: i64| {
            update_where(v::table, v::name.eq(name), v::version.eq(v::version + by))
        };
        // Through MultiConnection and directly on the backend's connection alike.
        assert_eq!(bump("a", 10).execute(&mut conn).unwrap(), 1);
        let conn = &mut conn;
        assert_eq!(on_backend!(conn, |c| bump("b", 5).execute(c)).unwrap(), 1);
        assert_eq!(on_backend!(conn, |c| bump("a", 100).execute(c)).unwrap(), 1);
        assert_eq!(
            run_update(
                conn,
                v::table,
                v::name.eq("nadie"),
                v::version.eq(v::version + 1)
            )
            .unwrap(),
            0
        );
        let cached = seen.0.lock().unwrap().1.clone();
        assert_eq!(cached.len(), 1, "{cached:?}");
        assert!(
            cached[0].starts_with("UPDATE `list_versions` SET"),
            "{cached:?}"
        );
        assert_eq!((version(conn, "a"), version(conn, "b")), (112, 5));
    }

    struct Small;

    impl CodeSet for Small {
        const CODES: &'static [i32] = &[0, 7];
    }

    fn kept_by_type<Q: QueryId>(_: &Q) -> bool {
        Q::HAS_STATIC_QUERY_ID
    }

    #[test]
    fn fixed_codes_are_written_into_the_text_and_kept_by_type() {
        let (mut conn, _) = memory_db();
        let query = || {
            v::table
                .filter(in_code_set::<Small, _>(v::version))
                .filter(code_is_not::<3, _>(v::version))
                .filter(code_is::<0, _>(v::version))
                .select(v::name)
                .order(v::name)
        };
        assert!(kept_by_type(&query()));
        let sql = diesel::debug_query::<Sqlite, _>(&query()).to_string();
        assert!(
            sql.contains("IN (0, 7)") && sql.contains("<> 3") && sql.contains("= 0"),
            "{sql}"
        );
        let names: Vec<String> = query().load(&mut conn).unwrap();
        assert_eq!(names, ["a", "b"]);
        // A code known only at run time keeps the statement out of the by-type cache.
        assert!(!kept_by_type(
            &v::table.filter(code_eq(v::version, 0)).select(v::name)
        ));
    }

    #[test]
    fn codes_are_written_into_one_cached_text() {
        let (mut conn, seen) = memory_db();
        let query = || {
            v::table
                .filter(code_in(v::version, &[0, 7]))
                .filter(code_not_in(v::version, &[3]))
                .select(v::name)
                .order(v::name)
        };
        let sql = diesel::debug_query::<Sqlite, _>(&query()).to_string();
        assert!(
            sql.contains("IN (0, 7)") && sql.contains("NOT IN (3)"),
            "{sql}"
        );
        for _ in 0..3 {
            let names: Vec<String> = query().load(&mut conn).unwrap();
            assert_eq!(names, ["a", "b"]);
        }
        let seen = seen.0.lock().unwrap();
        assert_eq!((seen.0, seen.1.len()), (3, 1));
    }
}
