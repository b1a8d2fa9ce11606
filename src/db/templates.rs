//! Repository for the step templates and the W3 rule table, as the administrator edits them.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{step_rules, step_templates};
use crate::domain::step_rule::StepRule;

/// The W3 rule table, in id order, as `pick_template_set` reads it.
pub fn step_rules(conn: &mut DbConn) -> QueryResult<Vec<StepRule>> {
    Ok(step_rules::table
        .order(step_rules::id)
        .select((
            step_rules::kind_id,
            step_rules::client_id,
            step_rules::template_set_id,
        ))
        .load::<(i32, Option<i32>, i32)>(conn)?
        .into_iter()
        .map(|(kind, client, template_set)| StepRule {
            kind,
            client,
            template_set,
        })
        .collect())
}

/// One `step_templates` row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = step_templates)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Template {
    pub id: i32,
    pub set_id: i32,
    pub description: String,
    pub sort_order: i32,
    pub client_type_id: Option<i32>,
    pub comment: String,
    pub active: bool,
}

/// What a template holds, its position resolved.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = step_templates, treat_none_as_null = true)]
pub struct TemplateValues {
    pub set_id: i32,
    pub description: String,
    pub sort_order: i32,
    pub client_type_id: Option<i32>,
    pub comment: String,
}

/// Every template, by set, then position, then id (the order steps show in).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Template>> {
    step_templates::table
        .order((
            step_templates::set_id,
            step_templates::sort_order,
            step_templates::id,
        ))
        .select(Template::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<Template>> {
    step_templates::table
        .find(id)
        .select(Template::as_select())
        .first(conn)
        .optional()
}

/// The templates of one set, in position order.
pub fn of_set(conn: &mut DbConn, set: i32) -> QueryResult<Vec<Template>> {
    step_templates::table
        .filter(step_templates::set_id.eq(set))
        .order((step_templates::sort_order, step_templates::id))
        .select(Template::as_select())
        .load(conn)
}

/// The highest position in a set (0 when empty).
pub fn last_position(conn: &mut DbConn, set: i32) -> QueryResult<i32> {
    step_templates::table
        .filter(step_templates::set_id.eq(set))
        .select(diesel::dsl::max(step_templates::sort_order))
        .first::<Option<i32>>(conn)
        .map(Option::unwrap_or_default)
}

pub fn insert(conn: &mut DbConn, values: &TemplateValues) -> QueryResult<i32> {
    diesel::insert_into(step_templates::table)
        .values((values, step_templates::active.eq(true)))
        .returning(step_templates::id)
        .get_result(conn)
}

pub fn update(conn: &mut DbConn, id: i32, values: &TemplateValues) -> QueryResult<usize> {
    diesel::update(step_templates::table.find(id))
        .set(values)
        .execute(conn)
}

pub fn set_active(conn: &mut DbConn, id: i32, active: bool) -> QueryResult<usize> {
    diesel::update(step_templates::table.find(id))
        .set(step_templates::active.eq(active))
        .execute(conn)
}

pub fn set_position(conn: &mut DbConn, id: i32, position: i32) -> QueryResult<usize> {
    diesel::update(step_templates::table.find(id))
        .set(step_templates::sort_order.eq(position))
        .execute(conn)
}

/// One row of the rule table, with its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct RuleRow {
    pub id: i32,
    pub kind: i32,
    pub client: Option<i32>,
    pub template_set: i32,
}

impl RuleRow {
    pub fn rule(&self) -> StepRule {
        StepRule {
            kind: self.kind,
            client: self.client,
            template_set: self.template_set,
        }
    }
}

/// The rule table, by kind, then the client-specific rows, then the default.
pub fn rules(conn: &mut DbConn) -> QueryResult<Vec<RuleRow>> {
    let mut rows: Vec<RuleRow> = step_rules::table
        .select((
            step_rules::id,
            step_rules::kind_id,
            step_rules::client_id,
            step_rules::template_set_id,
        ))
        .load(conn)?;
    rows.sort_by_key(|r| (r.kind, r.client.is_none(), r.client, r.id));
    Ok(rows)
}

pub fn find_rule(conn: &mut DbConn, id: i32) -> QueryResult<Option<RuleRow>> {
    Ok(rules(conn)?.into_iter().find(|r| r.id == id))
}

pub fn insert_rule(conn: &mut DbConn, rule: &StepRule) -> QueryResult<i32> {
    diesel::insert_into(step_rules::table)
        .values((
            step_rules::kind_id.eq(rule.kind),
            step_rules::client_id.eq(rule.client),
            step_rules::template_set_id.eq(rule.template_set),
        ))
        .returning(step_rules::id)
        .get_result(conn)
}

pub fn set_rule_set(conn: &mut DbConn, id: i32, set: i32) -> QueryResult<usize> {
    diesel::update(step_rules::table.find(id))
        .set(step_rules::template_set_id.eq(set))
        .execute(conn)
}

pub fn delete_rule(conn: &mut DbConn, id: i32) -> QueryResult<usize> {
    diesel::delete(step_rules::table.find(id)).execute(conn)
}
