//! The W12 list query: sort keys, filters, the count and one page of rows in a fixed number of
//! queries.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::WorkOrder;
use crate::db::prepared::{IdsQuery, code_eq, code_ne, code_not_in, one_of};
use crate::db::schema::{clients, order_step_counts, planning_docs, statuses, work_orders};
use crate::db::{DbConn, with_plans_for_values};
use chrono::NaiveDate;

use crate::db::catalogs::Catalogs;
use crate::domain::codes::{kind, ot_status, record_state};
use crate::domain::format::fold;
use crate::domain::work_order::search_words;
use diesel::sql_types::{BigInt, Bool, Text};
use std::collections::HashMap;
use std::sync::LazyLock;

use crate::domain::progress::StepCounts;

/// Sort keys of the list (W12), each sorting by what its column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Id,
    Folio,
    Oficio,
    Pte,
    Client,
    PlannedStart,
    PlannedEnd,
    RealStart,
    RealEnd,
    Status,
}

impl SortKey {
    pub const ALL: [(SortKey, &'static str); 10] = [
        (SortKey::Id, "id"),
        (SortKey::Folio, "folio"),
        (SortKey::Oficio, "oficio"),
        (SortKey::Pte, "pte"),
        (SortKey::Client, "cliente"),
        (SortKey::PlannedStart, "inicio"),
        (SortKey::PlannedEnd, "termino"),
        (SortKey::RealStart, "inicio_real"),
        (SortKey::RealEnd, "termino_real"),
        (SortKey::Status, "estatus"),
    ];

    pub fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("id", |(_, c)| c)
    }

    pub fn from_code(code: &str) -> Option<SortKey> {
        Self::ALL.iter().find(|(_, c)| *c == code).map(|(k, _)| *k)
    }
}

/// The list's filters and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    /// `None`: every kind.
    pub kind: Option<i32>,
    pub status: Option<i32>,
    pub project_manager: Option<i32>,
    pub client: Option<i32>,
    pub site: Option<i32>,
    pub year: Option<i32>,
    pub parent: Option<i32>,
    pub text: Option<String>,
    /// Per word of `text`, the clients and managers whose names hold it (`match_names`).
    pub names: Vec<NameMatches>,
    /// "Vencidas": open orders (not TERMINADA or CANCELADA) whose planned end is before this day
    /// (today).
    pub overdue_on: Option<NaiveDate>,
    /// The deleted orders instead of the visible ones (administrators, to restore them).
    pub deleted: bool,
    /// Only these orders (the rows ticked in the list), within the other filters.
    pub ids: Option<Vec<i32>>,
    pub sort: SortKey,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

impl ListFilter {
    /// Whether the best plan for this filter's page and count depends on its values: how many
    /// orders a status, manager, client, site, year, overdue day or text search matches decides
    /// between reading the orders in the list's order until the page is full and reading that
    /// filter's index first (at 1,000,000 orders, one generic plan for 50 different filters
    /// answered 398 req/s instead of 1,013). Kind and record state are in the statement's text
    /// and a set of ids or a parent is always read through its index: those plan once.
    ///
    /// One key column alone (a status, a manager, a client or a year), in id order, plans once:
    /// each has an index that reads its orders in id order, the best way for any value, rare or
    /// common (its custom plan was the same, planned again on every page: a fifth of `?estatus=8`'s
    /// CPU on PostgreSQL).
    pub fn plan_depends_on_values(&self) -> bool {
        let key_columns = [
            self.status.is_some(),
            self.project_manager.is_some(),
            self.client.is_some(),
            self.year.is_some(),
        ]
        .into_iter()
        .filter(|&set| set)
        .count();
        let one_key_in_id_order = key_columns == 1 && self.sort == SortKey::Id;
        self.site.is_some()
            || self.text.is_some()
            || self.overdue_on.is_some()
            || (key_columns > 0 && !one_key_in_id_order)
    }
}

impl Default for ListFilter {
    fn default() -> ListFilter {
        ListFilter {
            kind: Some(kind::INITIAL),
            status: None,
            project_manager: None,
            client: None,
            site: None,
            year: None,
            parent: None,
            text: None,
            names: Vec::new(),
            overdue_on: None,
            deleted: false,
            ids: None,
            sort: SortKey::Id,
            descending: true,
            offset: 0,
            limit: 25,
        }
    }
}

/// A listed order with the names and step counts its row shows.
#[derive(Debug, Clone)]
pub struct ListedOrder {
    pub order: WorkOrder,
    pub pte_folio: Option<String>,
    pub client_name: Option<String>,
    pub status_name: String,
    /// Its step counts (W10), kept by the database (`order_step_counts`).
    pub steps: StepCounts,
}

type Backend = <DbConn as diesel::Connection>::Backend;

diesel::table! {
    /// SQLite's FTS5 trigram index of `work_orders.search_text` (migration 000008): contentless,
    /// its rowid is the order's id negated (newest first when read ascending).
    work_order_search (rowid) {
        rowid -> Integer,
    }
}
diesel::allow_tables_to_appear_in_same_query!(work_order_search, work_orders);
diesel::allow_tables_to_appear_in_same_query!(work_order_search, planning_docs);
diesel::allow_tables_to_appear_in_same_query!(work_order_search, clients);
diesel::allow_tables_to_appear_in_same_query!(work_order_search, statuses);

diesel::table! {
    /// The list's totals per combination of the columns it filters on (migration 000013: kept
    /// by triggers; on PostgreSQL with the changes not yet folded in). A missing client or year
    /// is 0.
    list_count_rows (kind_id, status_id, project_manager_id, client_id, list_year, record_state) {
        kind_id -> Integer,
        status_id -> Integer,
        project_manager_id -> Integer,
        client_id -> Integer,
        list_year -> Integer,
        record_state -> Integer,
        n -> BigInt,
    }
}

/// Most matches a text search counts: beyond it the list says "más de 1,000" (counting every
/// order that holds a common word would cost more than the page: 125,000 of 1,000,000).
pub const SEARCH_COUNT_LIMIT: i64 = 1000;

/// How a filter's text search reaches its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// No text, or PostgreSQL: `LIKE '%word%'` over the pg_trgm GIN index.
    Like,
    /// SQLite, every word naming a client or manager, or short: `id IN (SELECT … MATCH …)`.
    FtsSubquery,
    /// SQLite with plain indexed words: the query reads the FTS5 table first, in its order.
    FtsDriven,
}

fn plan(conn: &DbConn, f: &ListFilter) -> Plan {
    if !matches!(conn, DbConn::Sqlite(_)) {
        return Plan::Like;
    }
    let words = f.text.as_deref().map(search_words).unwrap_or_default();
    let plain = words.iter().enumerate().any(|(i, w)| {
        w.chars().count() >= INDEXED_WORD
            && f.names
                .get(i)
                .is_none_or(|n| n.clients.is_empty() && n.project_managers.is_empty())
    });
    if plain {
        Plan::FtsDriven
    } else {
        Plan::FtsSubquery
    }
}

/// `work_order_search` joined to the orders it indexes.
macro_rules! fts_source {
    () => {
        work_order_search::table.inner_join(work_orders::table.on(diesel::dsl::sql::<Bool>(
            "work_orders.id = -work_order_search.rowid",
        )))
    };
}

/// The list's joins for names and sorting, after `$source` (which holds `work_orders`).
macro_rules! with_names {
    ($source:expr) => {
        $source
            .left_join(
                planning_docs::table
                    .on(work_orders::planning_doc_id.eq(planning_docs::id.nullable())),
            )
            .left_join(clients::table.on(work_orders::client_id.eq(clients::id.nullable())))
            .inner_join(statuses::table.on(work_orders::status_id.eq(statuses::id)))
    };
}

/// The filters on the columns the kept totals are keyed by (record state, kind, status, manager,
/// client, year), on `$t`: `work_orders` for the list, `list_count_rows` for its totals — one
/// definition, so the totals always answer the filter the list applies.
macro_rules! key_filters {
    ($q:expr, $f:expr, $t:ident) => {{
        let f: &ListFilter = $f;
        let mut q = $q;
        // W7: deleted orders only when an administrator asks for them ("Eliminadas"), else
        // `visible()`.
        q = if f.deleted {
            q.filter(code_eq($t::record_state, record_state::DELETED))
        } else {
            q.filter(code_ne($t::record_state, record_state::DELETED))
        };
        if let Some(k) = f.kind {
            q = q.filter(code_eq($t::kind_id, k));
        }
        if let Some(s) = f.status {
            q = q.filter($t::status_id.eq(s));
        }
        if let Some(pm) = f.project_manager {
            q = q.filter($t::project_manager_id.eq(pm));
        }
        if let Some(c) = f.client {
            q = q.filter($t::client_id.eq(c));
        }
        if let Some(y) = f.year {
            q = q.filter($t::list_year.eq(y));
        }
        q
    }};
}

/// Applies the list filters to a query over `work_orders` (alone for the count, joined with the
/// names for the page). Every filter is on `work_orders` columns, so the count needs no join.
macro_rules! filtered_list {
    ($source:expr, $f:expr, $plan:expr) => {{
        let f: &ListFilter = $f;
        let mut q = key_filters!($source.into_boxed::<Backend>(), f, work_orders);
        if let Some(p) = f.parent {
            q = q.filter(work_orders::parent_id.eq(p));
        }
        if let Some(site) = f.site {
            q = q.filter(
                work_orders::vessel_site_id
                    .eq(site)
                    .or(work_orders::platform_site_id.eq(site))
                    .or(work_orders::intercom_site_id.eq(site))
                    .or(work_orders::yard_site_id.eq(site)),
            );
        }
        if let Some(today) = f.overdue_on {
            q = q
                .filter(work_orders::planned_end.lt(today))
                .filter(code_not_in(work_orders::status_id, &CLOSED_STATUSES));
        }
        if let Some(ids) = &f.ids {
            q = q.filter(work_orders::id.eq_any(ids.clone()));
        }
        for (prefix, value, suffix) in search_conditions(f, $plan) {
            q = q.filter(
                diesel::dsl::sql::<Bool>(&prefix)
                    .bind::<Text, _>(value)
                    .sql(&suffix),
            );
        }
        q
    }};
}

/// The catalog entries whose names hold a search word (W12: client and project-manager names
/// are searched through their catalogs, so renaming one never rewrites orders).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct NameMatches {
    pub clients: Vec<i32>,
    pub project_managers: Vec<i32>,
}

impl ListFilter {
    /// Looks up the search words in the client and project-manager names (folded like the
    /// orders' text), one `NameMatches` per word of `search_words`.
    pub fn match_names(&mut self, catalogs: &Catalogs) {
        let words = self.text.as_deref().map(search_words).unwrap_or_default();
        let matching = |entries: &[crate::db::catalogs::Entry], word: &str| -> Vec<i32> {
            entries
                .iter()
                .filter(|e| fold(&e.description).contains(word))
                .map(|e| e.id)
                .collect()
        };
        self.names = words
            .iter()
            .map(|w| NameMatches {
                clients: matching(&catalogs.clients, w),
                project_managers: matching(&catalogs.project_managers, w),
            })
            .collect();
    }
}

/// Shortest word the trigram index can look up; shorter words are matched row by row among
/// the orders the other words and filters leave.
const INDEXED_WORD: usize = 3;

/// The statuses an overdue order is not in: it is finished or cancelled.
const CLOSED_STATUSES: [i32; 2] = [ot_status::FINISHED, ot_status::CANCELLED];

/// The text search of a filter as SQL conditions, each `prefix ? suffix` with one bound text
/// (W12: every word, anywhere, accents and case aside; both sides are folded). Words of three
/// characters or more go through the trigram index: on SQLite one FTS5 `MATCH` for every word
/// that names no client or manager (a phrase per word: trigrams in a row, so a substring), on
/// PostgreSQL `LIKE` over the pg_trgm GIN index. A word found in client or project-manager names
/// also matches those orders. Only integers (catalog ids) are written into the SQL text.
fn search_conditions(f: &ListFilter, plan: Plan) -> Vec<(String, String, String)> {
    const IN_FTS: &str = "work_orders.id IN (SELECT -rowid FROM work_order_search \
                          WHERE work_order_search MATCH ";
    let Some(text) = f.text.as_deref() else {
        return Vec::new();
    };
    let none = NameMatches::default();
    let mut plain_indexed: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, word) in search_words(text).into_iter().enumerate() {
        let names = f.names.get(i).unwrap_or(&none);
        let mut or_names = String::new();
        if !names.clients.is_empty() {
            or_names += &format!(
                " OR work_orders.client_id IN ({})",
                crate::db::id_list(&names.clients)
            );
        }
        if !names.project_managers.is_empty() {
            or_names += &format!(
                " OR work_orders.project_manager_id IN ({})",
                crate::db::id_list(&names.project_managers)
            );
        }
        let fts = plan != Plan::Like && word.chars().count() >= INDEXED_WORD;
        if fts && or_names.is_empty() {
            plain_indexed.push(word);
        } else if fts {
            out.push((
                format!("({IN_FTS}"),
                fts_phrase(&word),
                format!("){or_names})"),
            ));
        } else {
            out.push((
                "(work_orders.search_text LIKE ".to_owned(),
                crate::db::like_pattern(&word),
                format!(" ESCAPE '\\'{or_names})"),
            ));
        }
    }
    if !plain_indexed.is_empty() {
        let (prefix, suffix) = match plan {
            Plan::FtsDriven => ("work_order_search MATCH ", ""),
            _ => (IN_FTS, ")"),
        };
        out.insert(
            0,
            (
                prefix.to_owned(),
                fts_all_words(&plain_indexed),
                suffix.to_owned(),
            ),
        );
    }
    out
}

/// An FTS5 query for orders holding every word (as a substring: each word is a phrase of its
/// trigrams). With two words or more, one trigram of each word first comes as a `NEAR` group
/// whose distance no text reaches — the same orders, a cheaper way to them: FTS5 walks an AND's
/// terms in turn, and a phrase of common trigrams ("ent" is in every order) costs a walk through
/// its positions at every step, so two common words that are never together read both their
/// lists that way (66 ms for "mantenimiento valvulas" at 1,000,000 orders); the group is one
/// term that skips through two plain lists and lets the phrases be tested on its rows only
/// (5.6 ms). Each word's trigram is its likeliest rare one (`rare_trigram`), not found in the
/// other words, so that the group does not match every order that holds either word.
fn fts_all_words(words: &[String]) -> String {
    let phrases: Vec<String> = words.iter().map(|w| fts_phrase(w)).collect();
    if words.len() < 2 {
        return phrases.join(" ");
    }
    let mut group: Vec<String> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let others: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, w)| w.as_str())
            .collect();
        if let Some(trigram) = rare_trigram(word, &others) {
            let phrase = fts_phrase(&trigram);
            if !group.contains(&phrase) {
                group.push(phrase);
            }
        }
    }
    // FTS5 reads the distance as a C int; no SQLite text is longer than 10^9 bytes.
    format!(
        "NEAR({}, 1000000000) {}",
        group.join(" "),
        phrases.join(" ")
    )
}

/// The trigram of `word` least likely to be common, by the frequency of its letters in Spanish
/// text, preferring one that none of `others` holds (None for a word under three characters).
fn rare_trigram(word: &str, others: &[&str]) -> Option<String> {
    /// Letters per thousand in Spanish text; digits and other characters in between.
    fn weight(c: char) -> f64 {
        match c {
            'e' => 137.0,
            'a' => 125.0,
            'o' => 87.0,
            's' => 80.0,
            'r' => 69.0,
            'n' => 67.0,
            'i' => 62.0,
            'd' => 59.0,
            'l' => 50.0,
            'c' => 47.0,
            't' => 46.0,
            'u' => 39.0,
            'm' => 32.0,
            'p' => 25.0,
            'b' => 14.0,
            'g' => 10.0,
            'v' | 'y' | 'q' => 9.0,
            'h' | 'f' => 7.0,
            'z' => 5.0,
            'j' => 4.0,
            'ñ' => 3.0,
            'x' => 2.0,
            'k' | 'w' => 0.5,
            '0'..='9' => 30.0,
            _ => 80.0,
        }
    }
    let chars: Vec<char> = word.chars().collect();
    let trigrams: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    let own: Vec<&String> = trigrams
        .iter()
        .filter(|t| !others.iter().any(|o| o.contains(t.as_str())))
        .collect();
    let candidates = if own.is_empty() {
        trigrams.iter().collect()
    } else {
        own
    };
    candidates
        .into_iter()
        .min_by(|a, b| {
            let score = |t: &str| t.chars().map(weight).product::<f64>();
            score(a).total_cmp(&score(b))
        })
        .cloned()
}

/// A word as an FTS5 phrase: quoted, inner quotes doubled, so no word is read as an operator.
fn fts_phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// The count of the orders matching a filter (sort, offset and limit aside). A text search
/// counts up to `SEARCH_COUNT_LIMIT + 1`: more than the limit is "more than a thousand".
pub fn count(conn: &mut DbConn, f: &ListFilter) -> QueryResult<i64> {
    if counted_by_totals(f) {
        return count_from_totals(conn, f);
    }
    count_orders(conn, f)
}

/// Whether the kept totals answer this filter: it filters on their columns only (and not on a
/// missing client or year, which they keep as 0).
fn counted_by_totals(f: &ListFilter) -> bool {
    f.site.is_none()
        && f.parent.is_none()
        && f.text.is_none()
        && f.overdue_on.is_none()
        && f.ids.is_none()
        && f.client != Some(0)
        && f.year != Some(0)
}

/// The filter's total as the sum of the kept totals of its combinations (a few rows, whatever
/// the number of orders).
fn count_from_totals(conn: &mut DbConn, f: &ListFilter) -> QueryResult<i64> {
    key_filters!(
        list_count_rows::table.into_boxed::<Backend>(),
        f,
        list_count_rows
    )
    .select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "CAST(COALESCE(SUM(n), 0) AS BIGINT)",
    ))
    .first(conn)
}

/// The count of the orders matching a filter, read from the orders themselves (what the kept
/// totals must always equal).
pub fn count_orders(conn: &mut DbConn, f: &ListFilter) -> QueryResult<i64> {
    if f.plan_depends_on_values() {
        return with_plans_for_values(conn, |c| count_matches(c, f));
    }
    count_matches(conn, f)
}

fn count_matches(conn: &mut DbConn, f: &ListFilter) -> QueryResult<i64> {
    let plan = plan(conn, f);
    let counted = |ids: Vec<i32>| i64::try_from(ids.len()).unwrap_or(i64::MAX);
    match plan {
        _ if f.text.is_none() => filtered_list!(work_orders::table, f, plan)
            .select(count_star())
            .first(conn),
        Plan::FtsDriven => filtered_list!(fts_source!(), f, plan)
            .select(work_orders::id)
            .limit(SEARCH_COUNT_LIMIT + 1)
            .load(conn)
            .map(counted),
        _ => filtered_list!(work_orders::table, f, plan)
            .select(work_orders::id)
            .limit(SEARCH_COUNT_LIMIT + 1)
            .load(conn)
            .map(counted),
    }
}

/// One page of the list and the count of all matching orders: `total` counts them when the page
/// alone cannot tell (through a [`super::CountCache`]).
pub fn list(
    conn: &mut DbConn,
    f: &ListFilter,
    total: impl FnOnce(&mut DbConn, &ListFilter) -> QueryResult<i64>,
) -> QueryResult<(i64, Vec<ListedOrder>)> {
    let ids_and_total = |c: &mut DbConn| -> QueryResult<(Vec<i32>, i64)> {
        let ids = page_ids(c, f)?;
        // A first page that is not full holds every match: no count needed (a search that
        // finds nothing costs one query instead of two).
        let len = i64::try_from(ids.len()).unwrap_or(i64::MAX);
        let total = if f.offset == 0 && len < f.limit {
            len
        } else {
            total(c, f)?
        };
        Ok((ids, total))
    };
    // A page and count planned for the filter's values in one go, when they matter.
    let (ids, total) = if f.plan_depends_on_values() {
        with_plans_for_values(conn, ids_and_total)?
    } else {
        ids_and_total(conn)?
    };
    Ok((total, rows_by_ids(conn, &ids)?))
}

/// Orders a page query by a sort key on the orders' own columns (ties by id, in the same
/// direction); the keys on joined names sort by id here (`sorted!` handles them).
macro_rules! sorted_by_own_column {
    ($q:expr, $f:expr) => {{
        let q = $q;
        match ($f.sort, $f.descending) {
            (SortKey::Folio, false) => q.order((work_orders::folio.asc(), work_orders::id.asc())),
            (SortKey::Folio, true) => q.order((work_orders::folio.desc(), work_orders::id.desc())),
            (SortKey::Oficio, false) => q.order((work_orders::oficio.asc(), work_orders::id.asc())),
            (SortKey::Oficio, true) => {
                q.order((work_orders::oficio.desc(), work_orders::id.desc()))
            }
            (SortKey::PlannedStart, false) => {
                q.order((work_orders::planned_start.asc(), work_orders::id.asc()))
            }
            (SortKey::PlannedStart, true) => {
                q.order((work_orders::planned_start.desc(), work_orders::id.desc()))
            }
            (SortKey::PlannedEnd, false) => {
                q.order((work_orders::planned_end.asc(), work_orders::id.asc()))
            }
            (SortKey::PlannedEnd, true) => {
                q.order((work_orders::planned_end.desc(), work_orders::id.desc()))
            }
            (SortKey::RealStart, false) => {
                q.order((work_orders::real_start.asc(), work_orders::id.asc()))
            }
            (SortKey::RealStart, true) => {
                q.order((work_orders::real_start.desc(), work_orders::id.desc()))
            }
            (SortKey::RealEnd, false) => {
                q.order((work_orders::real_end.asc(), work_orders::id.asc()))
            }
            (SortKey::RealEnd, true) => {
                q.order((work_orders::real_end.desc(), work_orders::id.desc()))
            }
            (_, false) => q.order(work_orders::id.asc()),
            (_, true) => q.order(work_orders::id.desc()),
        }
    }};
}

/// Orders a page query (joined with the names) by the filter's sort key, ties by id.
macro_rules! sorted {
    ($q:expr, $f:expr) => {{
        let q = $q;
        match ($f.sort, $f.descending) {
            (SortKey::Pte, false) => q.order((planning_docs::folio.asc(), work_orders::id.asc())),
            (SortKey::Pte, true) => q.order((planning_docs::folio.desc(), work_orders::id.desc())),
            (SortKey::Client, false) => {
                q.order((clients::description.asc(), work_orders::id.asc()))
            }
            (SortKey::Client, true) => {
                q.order((clients::description.desc(), work_orders::id.desc()))
            }
            (SortKey::Status, false) => {
                q.order((statuses::description.asc(), work_orders::id.asc()))
            }
            (SortKey::Status, true) => {
                q.order((statuses::description.desc(), work_orders::id.desc()))
            }
            _ => sorted_by_own_column!(q, $f),
        }
    }};
}

impl SortKey {
    /// Whether sorting by this key reads a joined table's name (PTE folio, client, status).
    fn sorts_by_a_name(self) -> bool {
        matches!(self, SortKey::Pte | SortKey::Client | SortKey::Status)
    }
}

/// The ids of one page of the list (`f.offset`, `f.limit`), in the list's order. Narrow rows
/// sort cheaply; the full rows come after, for those ids only.
pub fn page_ids(conn: &mut DbConn, f: &ListFilter) -> QueryResult<Vec<i32>> {
    // Which plan suits a filter may depend on its values (see `plan_depends_on_values`).
    if f.plan_depends_on_values() {
        return with_plans_for_values(conn, |c| ids_of_page(c, f));
    }
    ids_of_page(conn, f)
}

fn ids_of_page(conn: &mut DbConn, f: &ListFilter) -> QueryResult<Vec<i32>> {
    let plan = plan(conn, f);
    if plan == Plan::FtsDriven {
        if f.sort.sorts_by_a_name() {
            let q = filtered_list!(with_names!(fts_source!()), f, plan).select(work_orders::id);
            return sorted!(q, f).offset(f.offset).limit(f.limit).load(conn);
        }
        let q = filtered_list!(fts_source!(), f, plan).select(work_orders::id);
        // Newest first is the index's own order: the query stops at the page's last row.
        let q = match (f.sort, f.descending) {
            (SortKey::Id, true) => q.order(work_order_search::rowid.asc()),
            (SortKey::Id, false) => q.order(work_order_search::rowid.desc()),
            _ => sorted_by_own_column!(q, f),
        };
        return q.offset(f.offset).limit(f.limit).load(conn);
    }
    if reads_a_window(f, plan) {
        return first_page_of_a_search(conn, f, plan).map(|(ids, _)| ids);
    }
    // The names are joined only to sort by them: the default page reads one index, and
    // PostgreSQL plans one table instead of four.
    if !f.sort.sorts_by_a_name() {
        let q = filtered_list!(work_orders::table, f, plan).select(work_orders::id);
        return sorted_by_own_column!(q, f)
            .offset(f.offset)
            .limit(f.limit)
            .load(conn);
    }
    let q = filtered_list!(with_names!(work_orders::table), f, plan).select(work_orders::id);
    sorted!(q, f).offset(f.offset).limit(f.limit).load(conn)
}

/// How many order ids, down from the filter's newest order, the first try of a search's first
/// page reads.
const SEARCH_WINDOW: i64 = 5000;

/// PostgreSQL, the first page of a text search, newest first. Planned for its words, a search of
/// common words is read in id order until the page is full, which is quick when they are
/// together in many orders and reads every order when they are in few or none
/// ("mantenimiento valvulas": 0 of 1,000,000, 565 ms), or only in old ones. So the page is
/// first read among the `SEARCH_WINDOW` ids down from the newest order the filter lists without
/// its text (at most 5,000 rows; from the filter's newest, not the table's: after 36,000
/// reprogrammings the newest 5,000 ids held no initial order, every search of the default list
/// missed its window, and a common word read every initial order — 25 ms at 100,000). When that
/// fills it, it is the page (no older match can come before those). When it finds some, reading
/// on in id order below them finds the rest soon ("ducto 12": 24 there; the trigram index would
/// have read every "ducto", 263 ms). When it finds none, the page is read with its order on an
/// expression, which no index gives, so that PostgreSQL finds the matches through the trigram
/// index and sorts them (42 ms for those words).
fn first_page_of_a_search(
    conn: &mut DbConn,
    f: &ListFilter,
    plan: Plan,
) -> QueryResult<(Vec<i32>, SearchWay)> {
    let without_text = ListFilter {
        text: None,
        names: Vec::new(),
        ..f.clone()
    };
    // The first page of the filter without its text, planned as that page is: with `LIMIT 1`
    // PostgreSQL expects a kind's newest order among the newest ids and walks the primary key
    // backwards (36,501 reprogrammings, 10 ms, before the first initial order).
    let newest: Vec<i32> = filtered_list!(work_orders::table, &without_text, plan)
        .select(work_orders::id)
        .order(work_orders::id.desc())
        .limit(f.limit)
        .load(conn)?;
    let Some(&newest) = newest.first() else {
        return Ok((Vec::new(), SearchWay::NothingListed));
    };
    let floor = i64::from(newest) - SEARCH_WINDOW;
    let mut ids: Vec<i32> = filtered_list!(work_orders::table, f, plan)
        .filter(work_orders::id.le(newest))
        .filter(diesel::dsl::sql::<Bool>("work_orders.id > ").bind::<BigInt, _>(floor))
        .select(work_orders::id)
        .order(work_orders::id.desc())
        .limit(f.limit)
        .load(conn)?;
    let found = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    if found == f.limit {
        return Ok((ids, SearchWay::Window));
    }
    if found > 0 {
        // Found there, so not rare: reading on in id order finds the rest of the page.
        ids.extend(
            filtered_list!(work_orders::table, f, plan)
                .filter(diesel::dsl::sql::<Bool>("work_orders.id <= ").bind::<BigInt, _>(floor))
                .select(work_orders::id)
                .order(work_orders::id.desc())
                .limit(f.limit - found)
                .load::<i32>(conn)?,
        );
        return Ok((ids, SearchWay::BelowTheWindow));
    }
    // Bitmap scans only: with the list's partial index an alternative, PostgreSQL costed reading
    // every initial order through it and testing each text about the same as the trigram bitmap
    // (5,309 vs 5,266 at 100,000 orders) and took it — 24 ms instead of 8 for `ot-2023-00`
    // (words whose trigrams every folio holds). The setting ends with the statement's transaction
    // (`with_plans_for_values`), and is put back before anything else runs in it.
    use diesel::connection::SimpleConnection;
    conn.batch_execute("SET LOCAL enable_indexscan = off")?;
    let ids = filtered_list!(work_orders::table, f, plan)
        .select(work_orders::id)
        .order(diesel::dsl::sql::<diesel::sql_types::Integer>(
            "work_orders.id + 0 DESC",
        ))
        .limit(f.limit)
        .load(conn)?;
    conn.batch_execute("SET LOCAL enable_indexscan TO DEFAULT")?;
    Ok((ids, SearchWay::TrigramIndex))
}

/// How `first_page_of_a_search` found a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchWay {
    /// The filter lists no order at all.
    NothingListed,
    /// The whole page among the window's ids.
    Window,
    /// Some there, the rest read on below them.
    BelowTheWindow,
    /// None there: every match through the trigram index, sorted.
    TrigramIndex,
}

/// The way the first page of `f`'s text search is read, where it is read that way (PostgreSQL,
/// newest first); `None` elsewhere (SQLite reads its search index). What the tests check: the
/// page of a common word is found in its window.
pub fn search_way(conn: &mut DbConn, f: &ListFilter) -> QueryResult<Option<SearchWay>> {
    let plan = plan(conn, f);
    if !reads_a_window(f, plan) {
        return Ok(None);
    }
    with_plans_for_values(conn, |c| first_page_of_a_search(c, f, plan)).map(|(_, way)| Some(way))
}

/// Whether `f`'s page is a search's first page, newest first, on PostgreSQL's plan.
fn reads_a_window(f: &ListFilter, plan: Plan) -> bool {
    plan == Plan::Like && f.text.is_some() && f.offset == 0 && f.sort == SortKey::Id && f.descending
}

/// The list rows of some orders, in the order of `ids`.
pub fn rows_by_ids(conn: &mut DbConn, ids: &[i32]) -> QueryResult<Vec<ListedOrder>> {
    type Row = (
        WorkOrder,
        Option<String>,
        Option<String>,
        String,
        super::KeptCounts,
    );
    let rows: Vec<Row> = on_backend!(conn, |c| work_orders::table
        .left_join(planning_docs::table)
        .left_join(clients::table)
        .inner_join(statuses::table)
        .left_join(order_step_counts::table)
        .filter(one_of(work_orders::id, ids))
        .select((
            WorkOrder::as_select(),
            planning_docs::folio.nullable(),
            clients::description.nullable(),
            statuses::description,
            super::kept_counts(),
        ))
        .load(c))?;
    let mut rows: Vec<ListedOrder> = rows
        .into_iter()
        .map(
            |(order, pte_folio, client_name, status_name, steps)| ListedOrder {
                order,
                pte_folio,
                client_name,
                status_name,
                steps: super::step_counts(steps),
            },
        )
        .collect();
    let position: std::collections::HashMap<i32, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| position.get(&r.order.id).copied());
    Ok(rows)
}

/// What a list row shows besides its own columns (its step counts are among those: W10).
#[derive(Debug, Default)]
pub struct PageFacts {
    /// Non-deleted reprogrammings by initial order.
    pub children: HashMap<i32, i64>,
    /// Physical progress of the active schedules (W16): (real, client) in hundredths.
    pub physical: HashMap<i32, (i32, i32)>,
}

/// One row of `page_facts`: which part, then the order and up to two numbers, named as the
/// step counts' columns.
#[derive(Debug, QueryableByName)]
struct FactRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    part: i32,
    #[diesel(embed)]
    row: crate::db::steps::CountRow,
}

/// The reprogramming counts and physical progress of a page of orders in one statement (one
/// round trip: on PostgreSQL each query is one), the parts told apart by their first column.
pub fn page_facts(conn: &mut DbConn, ids: &[i32]) -> QueryResult<PageFacts> {
    if ids.is_empty() {
        return Ok(PageFacts::default());
    }
    // One fixed text, prepared once per connection. The reprogrammings: `+kind_id` keeps the
    // parent index, never the kind's (a third of the table), whatever the planner's statistics
    // say (91 ms instead of 0.1 ms at 100,000 orders when it guessed wrong).
    static PARTS: LazyLock<[String; 3]> = LazyLock::new(|| {
        [
            "SELECT 2 AS part, parent_id AS id, CAST(COUNT(*) AS BIGINT) AS total, \
             CAST(0 AS BIGINT) AS completed, CAST(0 AS BIGINT) AS applicable \
             FROM work_orders WHERE parent_id"
                .to_owned(),
            format!(
                " AND +kind_id = {} AND record_state <> {} GROUP BY parent_id UNION ALL \
                 SELECT 3, work_order_id, CAST(progress_real AS BIGINT), \
                 CAST(progress_client AS BIGINT), 0 FROM schedule_versions \
                 WHERE work_order_id",
                kind::REPROGRAMMING,
                record_state::DELETED,
            ),
            " AND active".to_owned(),
        ]
    });
    let mut facts = PageFacts::default();
    let query = IdsQuery::around(PARTS.iter().map(String::as_str).collect(), ids);
    let rows: Vec<FactRow> = on_backend!(conn, |c| query.load(c))?;
    for FactRow { part, row } in rows {
        match part {
            2 => {
                facts.children.insert(row.id, row.total);
            }
            _ => {
                let hundredths = |v: i64| i32::try_from(v).unwrap_or_default();
                facts
                    .physical
                    .insert(row.id, (hundredths(row.total), hundredths(row.completed)));
            }
        }
    }
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::{ListFilter, SortKey, fts_all_words, rare_trigram};
    use chrono::NaiveDate;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn one_word_is_its_phrase_alone() {
        assert_eq!(fts_all_words(&words(&["reparacion"])), "\"reparacion\"");
    }

    #[test]
    fn several_words_lead_with_a_near_group_of_one_rare_trigram_each() {
        assert_eq!(
            fts_all_words(&words(&["mantenimiento", "valvulas"])),
            "NEAR(\"imi\" \"lvu\", 1000000000) \"mantenimiento\" \"valvulas\""
        );
    }

    #[test]
    fn a_trigram_the_other_words_hold_is_not_chosen() {
        // "hab" would be the rarest of both; the group would then match every order holding
        // either word.
        assert_eq!(
            rare_trigram("rehabilitacion", &["habitacional"]).as_deref(),
            Some("bil")
        );
        assert_eq!(
            rare_trigram("habitacional", &["rehabilitacion"]).as_deref(),
            Some("bit")
        );
        // A word inside another has no trigram of its own: its rarest one, once.
        assert_eq!(
            fts_all_words(&words(&["ducto", "ductos"])),
            "NEAR(\"uct\" \"tos\", 1000000000) \"ducto\" \"ductos\""
        );
        assert_eq!(
            fts_all_words(&words(&["ducto", "ducto"])),
            "NEAR(\"uct\", 1000000000) \"ducto\" \"ducto\""
        );
    }

    #[test]
    fn quotes_in_a_trigram_stay_inside_its_phrase() {
        assert_eq!(
            fts_all_words(&words(&["a\"bc", "xyz"])),
            "NEAR(\"\"\"bc\" \"xyz\", 1000000000) \"a\"\"bc\" \"xyz\""
        );
        assert_eq!(rare_trigram("ab", &[]), None);
    }

    /// One key column in id order plans once on PostgreSQL; two, another order, a site, a text
    /// or an overdue day are planned for their values.
    #[test]
    fn only_filters_whose_best_plan_varies_with_their_values_are_planned_for_them() {
        let with = |change: fn(&mut ListFilter)| {
            let mut f = ListFilter::default();
            change(&mut f);
            f.plan_depends_on_values()
        };
        assert!(!with(|_| {}));
        assert!(!with(|f| f.status = Some(8)));
        assert!(!with(|f| f.project_manager = Some(2)));
        assert!(!with(|f| f.client = Some(1)));
        assert!(!with(|f| f.year = Some(2025)));
        assert!(!with(|f| {
            f.status = Some(8);
            f.kind = None;
            f.descending = false;
            f.offset = 50;
        }));
        assert!(with(|f| {
            f.status = Some(8);
            f.project_manager = Some(2);
        }));
        assert!(with(|f| {
            f.client = Some(1);
            f.sort = SortKey::Folio;
        }));
        assert!(with(|f| f.site = Some(3)));
        assert!(with(|f| f.text = Some("bomba".into())));
        assert!(with(|f| f.overdue_on = NaiveDate::from_ymd_opt(2026, 1, 1)));
    }
}
