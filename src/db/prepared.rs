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
//!   every new bind when the bound value meets a partial index's condition.
//!
//! [`one_of`] and the codes are filters for diesel's query builder; [`IdsQuery`] is a fixed SQL
//! text around a set of ids, for the statements the builder cannot write.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::RunQueryDsl;
use diesel::sql_types::{Array, Bool, Integer, Text, Untyped};
use diesel::sqlite::Sqlite;

use super::MultiBackend;

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
}
