//! Repository for the catalogs the forms and pages use. Catalogs are small: pages load the few
//! they need whole (one query each), never one query per row.

use std::collections::HashMap;
use std::sync::LazyLock;

use diesel::prelude::*;

use super::DbConn;
use super::prepared::IdsQuery;
use super::schema::{clients, fronts, project_managers, sites, statuses, units};
use crate::domain::catalog::{Catalog, EntryInput};
use crate::domain::codes::{front_scope, status_scope};
use diesel::sql_types::{Integer, Nullable};

/// An entry of a simple catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i32,
    pub description: String,
    pub active: bool,
    /// Site category, client type or status scope, depending on the catalog.
    pub group: Option<i32>,
}

/// Every catalog an OT page shows names from.
#[derive(Debug, Clone, Default)]
pub struct Catalogs {
    pub clients: Vec<Entry>,
    pub project_managers: Vec<Entry>,
    pub sites: Vec<Entry>,
    pub statuses: Vec<Entry>,
    pub fronts: Vec<Entry>,
    /// The company's name for printouts ("" until an administrator sets one): pages show it,
    /// so it is read, and cached, with the catalogs (setting it bumps their version).
    pub company: String,
    by_key: HashMap<(CatalogKind, i32), usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CatalogKind {
    Client,
    ProjectManager,
    Site,
    Status,
    Front,
}

impl Catalogs {
    /// Every catalog in one statement (one round trip: PostgreSQL answers each query with
    /// one), each in the order pickers show it: clients, managers and sites by name, statuses
    /// and fronts by id.
    pub fn load(conn: &mut DbConn) -> QueryResult<Catalogs> {
        static ALL: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT 1 AS kind, id, description, active, client_type_id AS grp, \
                 description AS sort_text FROM clients \
                 UNION ALL SELECT 2, id, description, active, NULL, description \
                 FROM project_managers \
                 UNION ALL SELECT 3, id, description, active, category_id, description FROM sites \
                 UNION ALL SELECT 4, id, description, active, scope, '' FROM statuses \
                 UNION ALL SELECT 5, id, description, active, scope, '' FROM fronts \
                 UNION ALL SELECT 6, 0, value, TRUE, NULL, '' FROM app_settings \
                 WHERE name = '{}' \
                 ORDER BY 1, 6, 2",
                super::settings::COMPANY_NAME
            )
        });
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Integer)]
            kind: i32,
            #[diesel(sql_type = Integer)]
            id: i32,
            #[diesel(sql_type = diesel::sql_types::Text)]
            description: String,
            #[diesel(sql_type = diesel::sql_types::Bool)]
            active: bool,
            #[diesel(sql_type = Nullable<Integer>)]
            grp: Option<i32>,
        }
        let (mut clients, mut project_managers, mut sites, mut statuses, mut fronts) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut company = String::new();
        for r in IdsQuery::fixed(ALL.as_str()).load::<Row>(conn)? {
            let list = match r.kind {
                1 => &mut clients,
                2 => &mut project_managers,
                3 => &mut sites,
                4 => &mut statuses,
                5 => &mut fronts,
                _ => {
                    company = r.description;
                    continue;
                }
            };
            list.push(Entry {
                id: r.id,
                description: r.description,
                active: r.active,
                group: r.grp,
            });
        }
        let mut c = Catalogs {
            clients,
            project_managers,
            sites,
            statuses,
            fronts,
            company,
            by_key: HashMap::new(),
        };
        c.index();
        Ok(c)
    }

    fn index(&mut self) {
        let lists = [
            (CatalogKind::Client, &self.clients),
            (CatalogKind::ProjectManager, &self.project_managers),
            (CatalogKind::Site, &self.sites),
            (CatalogKind::Status, &self.statuses),
            (CatalogKind::Front, &self.fronts),
        ];
        for (kind, list) in lists {
            for (i, e) in list.iter().enumerate() {
                self.by_key.insert((kind, e.id), i);
            }
        }
    }

    pub fn get(&self, kind: CatalogKind, id: i32) -> Option<&Entry> {
        let i = *self.by_key.get(&(kind, id))?;
        match kind {
            CatalogKind::Client => self.clients.get(i),
            CatalogKind::ProjectManager => self.project_managers.get(i),
            CatalogKind::Site => self.sites.get(i),
            CatalogKind::Status => self.statuses.get(i),
            CatalogKind::Front => self.fronts.get(i),
        }
    }

    /// The description of an id, or empty.
    pub fn name(&self, kind: CatalogKind, id: Option<i32>) -> String {
        id.and_then(|id| self.get(kind, id))
            .map(|e| e.description.clone())
            .unwrap_or_default()
    }

    /// Active sites of one category, for a picker.
    pub fn sites_of(&self, category: i32) -> Vec<&Entry> {
        self.sites
            .iter()
            .filter(|s| s.active && s.group == Some(category))
            .collect()
    }

    /// Active OT statuses (scope 2), in the order of DOMAIN.md.
    pub fn ot_statuses(&self) -> Vec<&Entry> {
        crate::domain::codes::ot_status::ALL
            .iter()
            .filter_map(|id| self.get(CatalogKind::Status, *id))
            .collect()
    }
}

/// The catalogs as pages show them, kept per instance while the catalogs' version (bumped by
/// every catalog change, see `db::versions`) is the one they were read at: one primary-key read
/// instead of five queries per page. Services validate against fresh catalogs, never these.
///
/// It also keeps the exchange rate in use (`rate_at`): setting one bumps the catalogs' version
/// too, and the order page read it on every request (one more statement of eight: issue 14).
#[derive(Debug, Default)]
pub struct CatalogCache {
    current: std::sync::Mutex<Option<(i64, std::sync::Arc<Catalogs>)>>,
    rate: std::sync::Mutex<Option<(i64, Option<super::annexes::Rate>)>>,
}

impl CatalogCache {
    pub fn get(&self, conn: &mut DbConn) -> QueryResult<std::sync::Arc<Catalogs>> {
        let version = super::versions::current(conn, super::versions::CATALOGS)?;
        self.get_at(conn, version)
    }

    /// The catalogs at their version in `seen` (version rows read after the request arrived:
    /// what GET pages use), or at the version read now (saves, which read it in their own
    /// transaction).
    pub fn get_seen(
        &self,
        conn: &mut DbConn,
        seen: Option<&super::versions::Snapshot>,
    ) -> QueryResult<std::sync::Arc<Catalogs>> {
        match seen {
            Some(s) => self.get_at(conn, s.of(super::versions::CATALOGS)),
            None => self.get(conn),
        }
    }

    /// The exchange rate in use (`annexes::current_rate`) at the catalogs' `version` (as
    /// `get_at`): from the cache when it holds that version.
    pub fn rate_at(
        &self,
        conn: &mut DbConn,
        version: i64,
    ) -> QueryResult<Option<super::annexes::Rate>> {
        let lock = || {
            self.rate
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some((_, rate)) = lock().as_ref().filter(|(v, _)| *v == version) {
            return Ok(rate.clone());
        }
        // Read after the version, as the catalogs are.
        let fresh = super::annexes::current_rate(conn)?;
        *lock() = Some((version, fresh.clone()));
        Ok(fresh)
    }

    /// The catalogs at `version`, the catalogs' version just read (e.g. in a
    /// [`super::versions::Snapshot`]): from the cache when it holds that version.
    pub fn get_at(&self, conn: &mut DbConn, version: i64) -> QueryResult<std::sync::Arc<Catalogs>> {
        let cached = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|(v, _)| *v == version)
            .map(|(_, c)| c.clone());
        if let Some(c) = cached {
            return Ok(c);
        }
        // Read after the version: a change committed in between makes this copy stale.
        let fresh = std::sync::Arc::new(Catalogs::load(conn)?);
        *self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((version, fresh.clone()));
        Ok(fresh)
    }
}

/// An entry as the administrator's catalog page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AdminEntry {
    pub id: i32,
    pub description: String,
    /// Client type or site category.
    pub group: Option<i32>,
    pub comment: String,
    pub active: bool,
}

/// Every entry of an administered catalog, by id (catalogs are small: the page filters them).
pub fn entries(conn: &mut DbConn, catalog: Catalog) -> QueryResult<Vec<AdminEntry>> {
    let no_group = || None::<i32>.into_sql::<Nullable<Integer>>();
    match catalog {
        Catalog::Clients => clients::table
            .order(clients::id)
            .select((
                clients::id,
                clients::description,
                clients::client_type_id,
                clients::comment,
                clients::active,
            ))
            .load(conn),
        Catalog::ProjectManagers => project_managers::table
            .order(project_managers::id)
            .select((
                project_managers::id,
                project_managers::description,
                no_group(),
                project_managers::comment,
                project_managers::active,
            ))
            .load(conn),
        Catalog::Sites => sites::table
            .order(sites::id)
            .select((
                sites::id,
                sites::description,
                sites::category_id.nullable(),
                sites::comment,
                sites::active,
            ))
            .load(conn),
        Catalog::Fronts => fronts::table
            .filter(fronts::scope.eq(front_scope::WORK_FRONT))
            .order(fronts::id)
            .select((
                fronts::id,
                fronts::description,
                no_group(),
                fronts::comment,
                fronts::active,
            ))
            .load(conn),
        Catalog::Units => units::table
            .order(units::id)
            .select((
                units::id,
                units::clave,
                no_group(),
                units::description,
                units::active,
            ))
            .load(conn),
        Catalog::OtStatuses | Catalog::StepStatuses => statuses::table
            .filter(statuses::scope.eq(status_scope_of(catalog)))
            .order(statuses::id)
            .select((
                statuses::id,
                statuses::description,
                no_group(),
                statuses::comment,
                statuses::active,
            ))
            .load(conn),
    }
}

/// A unit's name: its clave when none is given.
fn unit_name(e: &EntryInput) -> &str {
    if e.comment.is_empty() {
        &e.description
    } else {
        &e.comment
    }
}

fn status_scope_of(catalog: Catalog) -> i32 {
    if catalog == Catalog::OtStatuses {
        status_scope::OT
    } else {
        status_scope::STEP
    }
}

/// One entry of a catalog, or `None` when the id is not in it.
pub fn entry(conn: &mut DbConn, catalog: Catalog, id: i32) -> QueryResult<Option<AdminEntry>> {
    Ok(entries(conn, catalog)?.into_iter().find(|e| e.id == id))
}

/// Adds an active entry; returns its id.
pub fn insert_entry(conn: &mut DbConn, catalog: Catalog, e: &EntryInput) -> QueryResult<i32> {
    match catalog {
        Catalog::Clients => diesel::insert_into(clients::table)
            .values((
                clients::description.eq(&e.description),
                clients::client_type_id.eq(e.group),
                clients::comment.eq(&e.comment),
                clients::active.eq(true),
            ))
            .returning(clients::id)
            .get_result(conn),
        Catalog::ProjectManagers => diesel::insert_into(project_managers::table)
            .values((
                project_managers::description.eq(&e.description),
                project_managers::comment.eq(&e.comment),
                project_managers::active.eq(true),
            ))
            .returning(project_managers::id)
            .get_result(conn),
        Catalog::Sites => diesel::insert_into(sites::table)
            .values((
                sites::description.eq(&e.description),
                sites::category_id.eq(e.group.unwrap_or_default()),
                sites::comment.eq(&e.comment),
                sites::active.eq(true),
            ))
            .returning(sites::id)
            .get_result(conn),
        Catalog::Fronts => diesel::insert_into(fronts::table)
            .values((
                fronts::description.eq(&e.description),
                fronts::scope.eq(front_scope::WORK_FRONT),
                fronts::comment.eq(&e.comment),
                fronts::active.eq(true),
            ))
            .returning(fronts::id)
            .get_result(conn),
        Catalog::Units => diesel::insert_into(units::table)
            .values((
                units::clave.eq(&e.description),
                units::description.eq(unit_name(e)),
                units::active.eq(true),
            ))
            .returning(units::id)
            .get_result(conn),
        Catalog::OtStatuses | Catalog::StepStatuses => diesel::insert_into(statuses::table)
            .values((
                statuses::description.eq(&e.description),
                statuses::scope.eq(status_scope_of(catalog)),
                statuses::comment.eq(&e.comment),
                statuses::active.eq(true),
            ))
            .returning(statuses::id)
            .get_result(conn),
    }
}

/// Writes an entry's description, group and comment. Ids never change (DOMAIN.md §2).
pub fn update_entry(
    conn: &mut DbConn,
    catalog: Catalog,
    id: i32,
    e: &EntryInput,
) -> QueryResult<usize> {
    match catalog {
        Catalog::Clients => diesel::update(clients::table.find(id))
            .set((
                clients::description.eq(&e.description),
                clients::client_type_id.eq(e.group),
                clients::comment.eq(&e.comment),
            ))
            .execute(conn),
        Catalog::ProjectManagers => diesel::update(project_managers::table.find(id))
            .set((
                project_managers::description.eq(&e.description),
                project_managers::comment.eq(&e.comment),
            ))
            .execute(conn),
        Catalog::Sites => diesel::update(sites::table.find(id))
            .set((
                sites::description.eq(&e.description),
                sites::category_id.eq(e.group.unwrap_or_default()),
                sites::comment.eq(&e.comment),
            ))
            .execute(conn),
        Catalog::Fronts => diesel::update(fronts::table.find(id))
            .set((
                fronts::description.eq(&e.description),
                fronts::comment.eq(&e.comment),
            ))
            .execute(conn),
        Catalog::OtStatuses | Catalog::StepStatuses => diesel::update(statuses::table.find(id))
            .set((
                statuses::description.eq(&e.description),
                statuses::comment.eq(&e.comment),
            ))
            .execute(conn),
        Catalog::Units => diesel::update(units::table.find(id))
            .set((
                units::clave.eq(&e.description),
                units::description.eq(unit_name(e)),
            ))
            .execute(conn),
    }
}

/// Deactivates or reactivates an entry (nothing is ever hard-deleted).
pub fn set_entry_active(
    conn: &mut DbConn,
    catalog: Catalog,
    id: i32,
    active: bool,
) -> QueryResult<usize> {
    match catalog {
        Catalog::Clients => diesel::update(clients::table.find(id))
            .set(clients::active.eq(active))
            .execute(conn),
        Catalog::ProjectManagers => diesel::update(project_managers::table.find(id))
            .set(project_managers::active.eq(active))
            .execute(conn),
        Catalog::Sites => diesel::update(sites::table.find(id))
            .set(sites::active.eq(active))
            .execute(conn),
        Catalog::Fronts => diesel::update(fronts::table.find(id))
            .set(fronts::active.eq(active))
            .execute(conn),
        Catalog::OtStatuses | Catalog::StepStatuses => diesel::update(statuses::table.find(id))
            .set(statuses::active.eq(active))
            .execute(conn),
        Catalog::Units => diesel::update(units::table.find(id))
            .set(units::active.eq(active))
            .execute(conn),
    }
}

/// How many OTs (deleted ones too: they can be restored) name a site in any of their site fields.
pub fn site_use_count(conn: &mut DbConn, site: i32) -> QueryResult<i64> {
    use super::schema::work_orders as wo;
    wo::table
        .filter(
            wo::vessel_site_id
                .eq(site)
                .or(wo::platform_site_id.eq(site))
                .or(wo::intercom_site_id.eq(site))
                .or(wo::yard_site_id.eq(site)),
        )
        .count()
        .get_result(conn)
}
