//! The fleet and yard timeline (W20): the bookings of the orders shown, their double bookings,
//! and the conflicts one order has (the warning after a save and on its page).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::DbConn;
use crate::db::timeline::{self as repo, Placed, PlacedFilter};
use crate::domain::codes::record_state;
use crate::domain::timeline::{
    ACTIVE_STATUSES, Booking, Conflict, Use, conflicts, conflicts_with, window,
};

/// The bookings of one order: its window on each of its sites, and its yard phase on its yard.
pub fn bookings_of(p: &Placed) -> Vec<Booking> {
    let active = ACTIVE_STATUSES.contains(&p.status_id) && p.record_state != record_state::DELETED;
    let family = p.parent_id.unwrap_or(p.id);
    let booking = |site_id: i32, use_: Use, (from, to): (NaiveDate, NaiveDate)| Booking {
        order_id: p.id,
        family,
        site_id,
        use_,
        from,
        to,
        active,
    };
    let mut out = Vec::new();
    if let Some(w) = window((p.planned_start, p.planned_end), (p.real_start, p.real_end)) {
        if let Some(s) = p.vessel_site_id {
            out.push(booking(s, Use::Vessel, w));
        }
        if let Some(s) = p.platform_site_id {
            out.push(booking(s, Use::Platform, w));
        }
        if let Some(s) = p.intercom_site_id {
            out.push(booking(s, Use::Intercom, w));
        }
        if let (Some(s), false) = (p.yard_site_id, p.requires_yard) {
            out.push(booking(s, Use::LandYard, w));
        }
    }
    if let (Some(s), true, Some(from), Some(to)) =
        (p.yard_site_id, p.requires_yard, p.yard_start, p.yard_end)
        && to >= from
    {
        out.push(booking(s, Use::YardPhase, (from, to)));
    }
    out
}

/// The orders a timeline shows, their bookings within the range and their double bookings.
pub struct Timeline {
    pub orders: Vec<Placed>,
    /// (index into `orders`, booking), clipped to nothing: the caller clips to the range.
    pub bookings: Vec<(usize, Booking)>,
    pub conflicts: Vec<Conflict>,
    /// Orders shown that have no window or no site.
    pub unplaced: usize,
}

/// The timeline for `filter` (its `from` and `to` are required by the page).
#[tracing::instrument(name = "service", skip_all, fields(use_case = "timeline::load"))]
pub fn load(conn: &mut DbConn, filter: &PlacedFilter) -> diesel::QueryResult<Timeline> {
    let orders = repo::placed_in(conn, filter)?;
    let (from, to) = (
        filter.from.unwrap_or(NaiveDate::MIN),
        filter.to.unwrap_or(NaiveDate::MAX),
    );
    let mut bookings = Vec::new();
    let mut unplaced = 0;
    for (i, o) in orders.iter().enumerate() {
        let mine: Vec<Booking> = bookings_of(o)
            .into_iter()
            .filter(|b| b.from <= to && b.to >= from)
            .collect();
        if mine.is_empty() {
            unplaced += 1;
        }
        bookings.extend(mine.into_iter().map(|b| (i, b)));
    }
    let all: Vec<Booking> = bookings.iter().map(|(_, b)| b.clone()).collect();
    let conflicts = conflicts(&all)
        .into_iter()
        .filter(|c| c.to >= from && c.from <= to)
        .collect();
    Ok(Timeline {
        orders,
        bookings,
        conflicts,
        unplaced,
    })
}

/// A double booking of one order, as its warning names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderConflict {
    pub other_id: i32,
    pub other_folio: String,
    pub site_id: i32,
    pub use_: Use,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
}

/// The double bookings `order` is part of now (empty when it is not active or has no exclusive
/// site): one statement for the orders on each exclusive booking's site over that booking's
/// window.
#[tracing::instrument(
    name = "service",
    skip_all,
    fields(use_case = "timeline::conflicts_for")
)]
pub fn conflicts_for(conn: &mut DbConn, order: i32) -> diesel::QueryResult<Vec<OrderConflict>> {
    match repo::placed(conn, order)? {
        Some(me) => conflicts_of(conn, &me),
        None => Ok(Vec::new()),
    }
}

/// [`conflicts_for`] an order already read (the order page has it: one query less).
pub fn conflicts_of(conn: &mut DbConn, me: &Placed) -> diesel::QueryResult<Vec<OrderConflict>> {
    // As `placed` reads them: a deleted order books nothing.
    if me.record_state == record_state::DELETED {
        return Ok(Vec::new());
    }
    let order = me.id;
    let mine = bookings_of(me);
    if !mine.iter().any(|b| b.active && b.use_.exclusive()) {
        return Ok(Vec::new());
    }
    // Only orders whose dates reach into one of this order's exclusive bookings, on that
    // booking's site, can meet it: each site is searched over its own booking's window (a yard
    // phase of a few weeks, not the order's whole span), not every order that ever used it.
    let mut windows = repo::SiteWindows::default();
    for b in mine.iter().filter(|b| b.active && b.use_.exclusive()) {
        let column = match b.use_ {
            Use::Vessel => &mut windows.vessel,
            Use::Platform => &mut windows.platform,
            Use::YardPhase => &mut windows.yard,
            // Not exclusive: filtered out above.
            Use::Intercom | Use::LandYard => continue,
        };
        *column = Some((b.site_id, (b.from, b.to)));
    }
    let mut others = repo::active_on_sites(conn, &windows)?;
    others.sort_by_key(|o| o.id);
    others.dedup_by_key(|o| o.id);
    let folios: HashMap<i32, String> = others.iter().map(|o| (o.id, o.folio.clone())).collect();
    let theirs: Vec<Booking> = others
        .iter()
        .filter(|o| o.id != order)
        .flat_map(bookings_of)
        .collect();
    Ok(conflicts_with(&mine, &theirs)
        .into_iter()
        .map(|c| {
            let other = if c.first == order { c.second } else { c.first };
            OrderConflict {
                other_id: other,
                other_folio: folios.get(&other).cloned().unwrap_or_default(),
                site_id: c.site_id,
                use_: c.use_,
                from: c.from,
                to: c.to,
                days: c.days(),
            }
        })
        .collect())
}
