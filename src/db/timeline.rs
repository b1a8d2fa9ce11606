//! Reads for the fleet and yard timeline (W20): where and when the visible orders work.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConn;
use super::prepared::{CodeSet, in_code_set};
use super::schema::work_orders;
use super::work_orders::{WorkOrder, visible};
use crate::domain::timeline::ACTIVE_STATUSES;

/// An order's place and window fields.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Placed {
    pub id: i32,
    pub folio: String,
    pub parent_id: Option<i32>,
    pub status_id: i32,
    pub record_state: i32,
    pub client_id: Option<i32>,
    pub project_manager_id: i32,
    pub front_id: Option<i32>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub planned_start: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub planned_end: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub real_start: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub real_end: Option<NaiveDate>,
    pub vessel_site_id: Option<i32>,
    pub platform_site_id: Option<i32>,
    pub intercom_site_id: Option<i32>,
    pub yard_site_id: Option<i32>,
    pub requires_yard: bool,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub yard_start: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub yard_end: Option<NaiveDate>,
}

impl From<&WorkOrder> for Placed {
    fn from(o: &WorkOrder) -> Placed {
        Placed {
            id: o.id,
            folio: o.folio.clone(),
            parent_id: o.parent_id,
            status_id: o.status_id,
            record_state: o.record_state,
            client_id: o.client_id,
            project_manager_id: o.project_manager_id,
            front_id: o.front_id,
            planned_start: o.planned_start,
            planned_end: o.planned_end,
            real_start: o.real_start,
            real_end: o.real_end,
            vessel_site_id: o.vessel_site_id,
            platform_site_id: o.platform_site_id,
            intercom_site_id: o.intercom_site_id,
            yard_site_id: o.yard_site_id,
            requires_yard: o.requires_yard,
            yard_start: o.yard_start,
            yard_end: o.yard_end,
        }
    }
}

impl Placed {
    /// The order a create has just inserted as `id`, from the values it wrote (the
    /// double-booking check after a create needs no read of it).
    pub fn inserted(
        id: i32,
        create: &super::work_orders::CreateFields,
        fields: &super::work_orders::OrderFields,
    ) -> Placed {
        Placed {
            id,
            folio: fields.folio.clone(),
            parent_id: create.parent_id,
            status_id: create.status_id,
            record_state: create.record_state,
            client_id: fields.client_id,
            project_manager_id: fields.project_manager_id,
            front_id: fields.front_id,
            planned_start: fields.planned_start,
            planned_end: fields.planned_end,
            real_start: fields.real_start,
            real_end: fields.real_end,
            vessel_site_id: fields.vessel_site_id,
            platform_site_id: fields.platform_site_id,
            intercom_site_id: fields.intercom_site_id,
            yard_site_id: fields.yard_site_id,
            requires_yard: fields.requires_yard,
            yard_start: fields.yard_start,
            yard_end: fields.yard_end,
        }
    }
}

macro_rules! placed_columns {
    () => {
        (
            work_orders::id,
            work_orders::folio,
            work_orders::parent_id,
            work_orders::status_id,
            work_orders::record_state,
            work_orders::client_id,
            work_orders::project_manager_id,
            work_orders::front_id,
            work_orders::planned_start,
            work_orders::planned_end,
            work_orders::real_start,
            work_orders::real_end,
            work_orders::vessel_site_id,
            work_orders::platform_site_id,
            work_orders::intercom_site_id,
            work_orders::yard_site_id,
            work_orders::requires_yard,
            work_orders::yard_start,
            work_orders::yard_end,
        )
    };
}

/// What the timeline shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlacedFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub front: Option<i32>,
    pub client: Option<i32>,
    pub manager: Option<i32>,
    pub status: Option<i32>,
}

/// Visible orders that may touch `[from, to]` (a superset: the caller computes the exact
/// windows), with the filters, by id.
pub fn placed_in(conn: &mut DbConn, f: &PlacedFilter) -> QueryResult<Vec<Placed>> {
    let mut q = work_orders::table
        .filter(visible())
        .select(placed_columns!())
        .into_boxed();
    if let Some(to) = f.to {
        q = q.filter(
            work_orders::planned_start
                .le(to)
                .or(work_orders::real_start.le(to))
                .or(work_orders::yard_start.le(to)),
        );
    }
    if let Some(from) = f.from {
        q = q.filter(
            work_orders::planned_end
                .ge(from)
                .or(work_orders::real_end.ge(from))
                .or(work_orders::yard_end.ge(from)),
        );
    }
    if let Some(front) = f.front {
        q = q.filter(work_orders::front_id.eq(front));
    }
    if let Some(client) = f.client {
        q = q.filter(work_orders::client_id.eq(client));
    }
    if let Some(manager) = f.manager {
        q = q.filter(work_orders::project_manager_id.eq(manager));
    }
    if let Some(status) = f.status {
        q = q.filter(work_orders::status_id.eq(status));
    }
    q.order(work_orders::id).load(conn)
}

pub fn placed(conn: &mut DbConn, id: i32) -> QueryResult<Option<Placed>> {
    work_orders::table
        .filter(visible())
        .filter(work_orders::id.eq(id))
        .select(placed_columns!())
        .first(conn)
        .optional()
}

/// The statuses that book a site (W20), as a type: the candidates' statement keeps a static
/// query id (see `prepared::code_is`).
struct Active;

impl CodeSet for Active {
    const CODES: &'static [i32] = &ACTIVE_STATUSES;
}

/// The candidates on one site column (see [`active_on_sites`]).
macro_rules! candidates {
    ($column:expr, $site:expr, $from:expr, $to:expr) => {
        work_orders::table
            .filter($column.eq($site))
            .filter(visible())
            .filter(in_code_set::<Active, _>(work_orders::status_id))
            .filter(
                work_orders::planned_start
                    .le($to)
                    .or(work_orders::real_start.le($to))
                    .or(work_orders::yard_start.le($to)),
            )
            .filter(
                work_orders::planned_end
                    .ge($from)
                    .or(work_orders::real_end.ge($from))
                    .or(work_orders::yard_end.ge($from)),
            )
            .select(placed_columns!())
    };
}

/// The windows an order books its exclusive sites over, by site column (W20): at most one
/// booking per column. `None`: nothing booked there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteWindows {
    pub vessel: Option<(i32, (NaiveDate, NaiveDate))>,
    pub platform: Option<(i32, (NaiveDate, NaiveDate))>,
    pub yard: Option<(i32, (NaiveDate, NaiveDate))>,
}

/// The candidates of all three columns: one statement whatever is booked, an unbooked column
/// searched for site 0 (no such site: its index range is empty).
macro_rules! candidates_on_sites {
    ($w:expr) => {{
        // Any date PostgreSQL can bind (not `NaiveDate::MIN`): site 0 matches nothing anyway.
        let arm = |b: Option<(i32, (NaiveDate, NaiveDate))>| {
            b.unwrap_or((0, (NaiveDate::default(), NaiveDate::default())))
        };
        let (vessel, (vf, vt)) = arm($w.vessel);
        let (platform, (pf, pt)) = arm($w.platform);
        let (yard, (yf, yt)) = arm($w.yard);
        candidates!(work_orders::vessel_site_id, vessel, vf, vt)
            .union_all(candidates!(work_orders::platform_site_id, platform, pf, pt))
            .union_all(candidates!(work_orders::yard_site_id, yard, yf, yt))
    }};
}

/// Active visible orders on the vessel, platform or yard of `windows` whose dates may reach
/// into that site's window (the candidates of a double booking with one of an order's
/// bookings: a superset, as in `placed_in`; the caller intersects the windows). An order on
/// two of the sites comes once per site. Each column's index carries every column read here:
/// the table itself is not read (migration 000016). One statement for the three sites (every OT
/// page and every save runs it: on PostgreSQL each statement is a round trip), on the backend's
/// own connection, found prepared by its type.
pub fn active_on_sites(conn: &mut DbConn, windows: &SiteWindows) -> QueryResult<Vec<Placed>> {
    if *windows == SiteWindows::default() {
        return Ok(Vec::new());
    }
    on_backend!(conn, |c| candidates_on_sites!(windows).load::<Placed>(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::query_builder::QueryId;

    fn kept_by_type<Q: QueryId>(_: &Q) -> bool {
        Q::HAS_STATIC_QUERY_ID
    }

    /// The candidates' statement is found prepared by its type: diesel does not write its text
    /// again on every OT page and save to look it up (issue 14).
    #[test]
    fn the_candidates_statement_is_kept_by_its_type() {
        let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let q = candidates!(work_orders::yard_site_id, 1, day, day);
        assert!(kept_by_type(&q));
        let all = SiteWindows {
            yard: Some((1, (day, day))),
            ..SiteWindows::default()
        };
        let union = candidates_on_sites!(all);
        assert!(kept_by_type(&union), "the three sites' statement");
        let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&union).to_string();
        assert_eq!(sql.matches(" UNION ALL ").count(), 2, "{sql}");
        let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&q).to_string();
        assert!(
            sql.contains("`work_orders`.`record_state` <> 0")
                && sql.contains("`work_orders`.`status_id` IN (5, 8, 16, 9)"),
            "{sql}"
        );
    }
}
