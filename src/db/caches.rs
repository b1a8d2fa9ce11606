//! Per-instance caches of what pages show, each checked against its version row
//! (`db::versions`): every transaction that changes what a cache stands for bumps the row as its
//! last statement, so a cache is exact with one instance or several.

use super::catalogs::CatalogCache;
use super::work_orders::CountCache;

/// Per-instance caches, each exact: it is used only while its version row is unchanged.
#[derive(Debug, Default)]
pub struct Caches {
    /// The list's totals by filter.
    pub counts: CountCache,
    /// The catalogs pages show names from.
    pub catalogs: CatalogCache,
}
