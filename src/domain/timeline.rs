//! The fleet and yard timeline (W20): where each OT works and when, and the double bookings of
//! vessels, platforms and yards.
//!
//! A **booking** is an OT on one site over a window: its programmed window (the real one once
//! started) on its vessel, platform, intercom or land-yard site, and its yard phase on the phase's
//! yard. A **conflict** is two bookings of active OTs (ASIGNADA, EN EJECUCION, DIFERIDA (SIN
//! INICIAR), SUSPENDIDA) that intersect on the same vessel or platform, or two yard phases that
//! intersect on the same yard. Orders of one family (an initial OT and its reprogrammings, or two
//! reprogrammings of one initial OT) never conflict: they are versions of the same work.
//! Conflicts are found with a sweep over the windows sorted by start, per site, never by comparing
//! every pair of OTs.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::codes::ot_status;

/// The statuses that hold a site.
pub const ACTIVE_STATUSES: [i32; 4] = [
    ot_status::ASSIGNED,
    ot_status::IN_PROGRESS,
    ot_status::DEFERRED_NOT_STARTED,
    ot_status::SUSPENDED,
];

/// What a booking is on its site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Use {
    /// The OT works on its vessel.
    Vessel,
    /// The OT works on its platform.
    Platform,
    /// The OT works at an intercom (land) site.
    Intercom,
    /// A land OT works in this yard.
    LandYard,
    /// An offshore OT's yard phase.
    YardPhase,
}

impl Use {
    /// Whether two bookings of this use on one site are a double booking.
    pub fn exclusive(self) -> bool {
        matches!(self, Use::Vessel | Use::Platform | Use::YardPhase)
    }

    pub fn label(self) -> &'static str {
        match self {
            Use::Vessel => "Embarcación",
            Use::Platform => "Plataforma",
            Use::Intercom => "Intercom",
            Use::LandYard => "Patio",
            Use::YardPhase => "Fase en patio",
        }
    }
}

/// An OT on a site over a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub order_id: i32,
    /// The initial OT of its family (itself, or its parent).
    pub family: i32,
    pub site_id: i32,
    pub use_: Use,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Its status holds the site (see `ACTIVE_STATUSES`).
    pub active: bool,
}

/// The window an OT occupies: the real start once started, else the planned one; the real end
/// once finished, else the planned one. `None` without both ends or when they are reversed.
pub fn window(
    planned: (Option<NaiveDate>, Option<NaiveDate>),
    real: (Option<NaiveDate>, Option<NaiveDate>),
) -> Option<(NaiveDate, NaiveDate)> {
    let from = real.0.or(planned.0)?;
    let to = real.1.or(planned.1)?;
    (to >= from).then_some((from, to))
}

/// Two bookings that intersect on one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub site_id: i32,
    pub use_: Use,
    /// The two OTs, the earlier-starting first.
    pub first: i32,
    pub second: i32,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Conflict {
    /// The overlap of two intersecting bookings on one site, `first` the earlier window.
    fn between(first: &Booking, second: &Booking) -> Conflict {
        Conflict {
            site_id: second.site_id,
            use_: second.use_,
            first: first.order_id,
            second: second.order_id,
            from: second.from.max(first.from),
            to: second.to.min(first.to),
        }
    }

    /// Days of overlap, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// Every double booking among `bookings`: per site and use class, a sweep over the windows
/// sorted by start keeps the windows still open; each new window is checked against those only.
pub fn conflicts(bookings: &[Booking]) -> Vec<Conflict> {
    let mut by_site: HashMap<(i32, bool), Vec<&Booking>> = HashMap::new();
    for b in bookings.iter().filter(|b| b.active && b.use_.exclusive()) {
        // Vessels and platforms are sites of their own categories; yard phases only meet yard
        // phases on a yard.
        by_site
            .entry((b.site_id, b.use_ == Use::YardPhase))
            .or_default()
            .push(b);
    }
    let mut out = Vec::new();
    for list in by_site.values_mut() {
        list.sort_by_key(|b| (b.from, b.to, b.order_id));
        let mut open: Vec<&Booking> = Vec::new();
        for b in list.iter() {
            open.retain(|o| o.to >= b.from);
            for o in &open {
                if o.family != b.family && o.order_id != b.order_id {
                    out.push(Conflict::between(o, b));
                }
            }
            open.push(b);
        }
    }
    out.sort_by_key(|c| (c.from, c.site_id, c.first, c.second));
    out
}

/// The double bookings of one order's bookings (`mine`) with `others`: the same as `conflicts`
/// over both, keeping those that involve `mine`, without pairing the others among themselves
/// (on a busy vessel they are many, and their pairs are not this order's business).
pub fn conflicts_with(mine: &[Booking], others: &[Booking]) -> Vec<Conflict> {
    let relevant = |b: &&Booking| b.active && b.use_.exclusive();
    let mut out = Vec::new();
    for m in mine.iter().filter(relevant) {
        for o in others.iter().filter(relevant) {
            let same_place =
                o.site_id == m.site_id && (o.use_ == Use::YardPhase) == (m.use_ == Use::YardPhase);
            if !same_place || o.family == m.family || o.order_id == m.order_id {
                continue;
            }
            if m.from.max(o.from) > m.to.min(o.to) {
                continue;
            }
            // As the sweep names them: the earlier window first.
            out.push(
                if (o.from, o.to, o.order_id) <= (m.from, m.to, m.order_id) {
                    Conflict::between(o, m)
                } else {
                    Conflict::between(m, o)
                },
            );
        }
    }
    out.sort_by_key(|c| (c.from, c.site_id, c.first, c.second));
    out
}

/// Greedy lanes for drawing: each booking gets the first lane whose last window ended before it
/// starts (bookings sorted by start). Answers the lane of each booking, by index.
pub fn lanes(windows: &[(NaiveDate, NaiveDate)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by_key(|&i| windows[i]);
    let mut ends: Vec<NaiveDate> = Vec::new();
    let mut lane = vec![0; windows.len()];
    for i in order {
        let (from, to) = windows[i];
        match ends.iter().position(|e| *e < from) {
            Some(l) => {
                ends[l] = to;
                lane[i] = l;
            }
            None => {
                ends.push(to);
                lane[i] = ends.len() - 1;
            }
        }
    }
    lane
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_orders_conflicts_are_the_sweeps_that_involve_it() {
        // A crowded vessel and yard: 40 orders in 6 families with windows over two months.
        let uses = [Use::Vessel, Use::Platform, Use::YardPhase, Use::Intercom];
        let all: Vec<Booking> = (0..40)
            .map(|i: i32| {
                let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
                    + chrono::Duration::days(i64::from((i * 7) % 45));
                Booking {
                    order_id: i,
                    family: i % 6,
                    site_id: 1 + i % 2,
                    use_: uses[usize::try_from(i % 4).unwrap()],
                    from: start,
                    to: start + chrono::Duration::days(i64::from(3 + (i * 5) % 17)),
                    active: i % 9 != 0,
                }
            })
            .collect();
        let mut found = 0;
        for me in 0..40 {
            let (mine, others): (Vec<Booking>, Vec<Booking>) =
                all.iter().cloned().partition(|b| b.order_id == me);
            let expected: Vec<Conflict> = conflicts(&all)
                .into_iter()
                .filter(|c| c.first == me || c.second == me)
                .collect();
            assert_eq!(conflicts_with(&mine, &others), expected, "order {me}");
            found += expected.len();
        }
        assert!(found > 20, "the case has conflicts to compare ({found})");
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    fn b(
        order: i32,
        family: i32,
        site: i32,
        use_: Use,
        from: u32,
        to: u32,
        active: bool,
    ) -> Booking {
        Booking {
            order_id: order,
            family,
            site_id: site,
            use_,
            from: d(from),
            to: d(to),
            active,
        }
    }

    #[test]
    fn w20_conflicts_table() {
        use Use::*;
        // (case, bookings, expected (first, second, from day, to day))
        type Case = (&'static str, Vec<Booking>, Vec<(i32, i32, u32, u32)>);
        let cases: Vec<Case> = vec![
            (
                "touching windows share a day",
                vec![
                    b(1, 1, 7, Vessel, 1, 10, true),
                    b(2, 2, 7, Vessel, 10, 20, true),
                ],
                vec![(1, 2, 10, 10)],
            ),
            (
                "one day apart do not",
                vec![
                    b(1, 1, 7, Vessel, 1, 10, true),
                    b(2, 2, 7, Vessel, 11, 20, true),
                ],
                vec![],
            ),
            (
                "contained window",
                vec![
                    b(1, 1, 7, Platform, 1, 30, true),
                    b(2, 2, 7, Platform, 5, 8, true),
                ],
                vec![(1, 2, 5, 8)],
            ),
            (
                "same single day",
                vec![
                    b(1, 1, 7, Vessel, 4, 4, true),
                    b(2, 2, 7, Vessel, 4, 4, true),
                ],
                vec![(1, 2, 4, 4)],
            ),
            (
                "other vessel",
                vec![
                    b(1, 1, 7, Vessel, 1, 10, true),
                    b(2, 2, 8, Vessel, 1, 10, true),
                ],
                vec![],
            ),
            (
                "parent and reprogramming",
                vec![
                    b(1, 1, 7, Vessel, 1, 10, true),
                    b(2, 1, 7, Vessel, 5, 20, true),
                ],
                vec![],
            ),
            (
                "two reprogrammings of one OT",
                vec![
                    b(2, 1, 7, Vessel, 1, 10, true),
                    b(3, 1, 7, Vessel, 5, 20, true),
                ],
                vec![],
            ),
            (
                "finished, cancelled or deleted are not active",
                vec![
                    b(1, 1, 7, Vessel, 1, 10, false),
                    b(2, 2, 7, Vessel, 5, 20, true),
                ],
                vec![],
            ),
            (
                "yard phases on one yard",
                vec![
                    b(1, 1, 3, YardPhase, 1, 10, true),
                    b(2, 2, 3, YardPhase, 9, 12, true),
                ],
                vec![(1, 2, 9, 10)],
            ),
            (
                "a yard phase and a land OT in that yard",
                vec![
                    b(1, 1, 3, YardPhase, 1, 10, true),
                    b(2, 2, 3, LandYard, 1, 10, true),
                ],
                vec![],
            ),
            (
                "intercom sites are shared",
                vec![
                    b(1, 1, 5, Intercom, 1, 10, true),
                    b(2, 2, 5, Intercom, 1, 10, true),
                ],
                vec![],
            ),
            (
                "three at once",
                vec![
                    b(1, 1, 7, Vessel, 1, 10, true),
                    b(2, 2, 7, Vessel, 2, 3, true),
                    b(3, 3, 7, Vessel, 3, 12, true),
                ],
                vec![(1, 2, 2, 3), (1, 3, 3, 10), (2, 3, 3, 3)],
            ),
        ];
        for (case, bookings, expected) in cases {
            let found: Vec<(i32, i32, u32, u32)> = conflicts(&bookings)
                .iter()
                .map(|c| {
                    (
                        c.first,
                        c.second,
                        chrono::Datelike::day(&c.from),
                        chrono::Datelike::day(&c.to),
                    )
                })
                .collect();
            let mut expected = expected;
            expected.sort_by_key(|e| (e.2, e.0, e.1));
            let mut found = found;
            found.sort_by_key(|e| (e.2, e.0, e.1));
            assert_eq!(found, expected, "{case}");
        }
    }

    #[test]
    fn w20_window_is_real_once_started() {
        assert_eq!(
            window((Some(d(1)), Some(d(10))), (None, None)),
            Some((d(1), d(10)))
        );
        assert_eq!(
            window((Some(d(1)), Some(d(10))), (Some(d(3)), None)),
            Some((d(3), d(10)))
        );
        assert_eq!(
            window((Some(d(1)), Some(d(10))), (Some(d(3)), Some(d(12)))),
            Some((d(3), d(12)))
        );
        assert_eq!(window((Some(d(10)), Some(d(1))), (None, None)), None);
        assert_eq!(window((None, Some(d(1))), (None, None)), None);
    }

    #[test]
    fn w20_lanes_stack_overlapping_bars() {
        let lanes = lanes(&[(d(1), d(10)), (d(5), d(12)), (d(11), d(20)), (d(13), d(14))]);
        assert_eq!(lanes, vec![0, 1, 0, 1]);
    }
}
