//! Repository for the catalogs the forms and pages use. Catalogs are small: pages load the few
//! they need whole (one query each), never one query per row.

use std::collections::HashMap;

use diesel::prelude::*;

use super::DbConn;
use super::schema::{
    clients, fronts, project_managers, sites, statuses, step_rules, step_templates,
};
use crate::domain::step_rule::StepRule;

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
    by_key: HashMap<(Kind, i32), usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Client,
    ProjectManager,
    Site,
    Status,
    Front,
}

impl Catalogs {
    pub fn load(conn: &mut DbConn) -> QueryResult<Catalogs> {
        let entry = |(id, description, active, group): (i32, String, bool, Option<i32>)| Entry {
            id,
            description,
            active,
            group,
        };
        let clients = clients::table
            .order(clients::description)
            .select((
                clients::id,
                clients::description,
                clients::active,
                clients::client_type_id,
            ))
            .load(conn)?
            .into_iter()
            .map(entry)
            .collect();
        let project_managers = project_managers::table
            .order(project_managers::description)
            .select((
                project_managers::id,
                project_managers::description,
                project_managers::active,
                None::<i32>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::Integer>>(),
            ))
            .load(conn)?
            .into_iter()
            .map(entry)
            .collect();
        let sites = sites::table
            .order(sites::description)
            .select((
                sites::id,
                sites::description,
                sites::active,
                sites::category_id.nullable(),
            ))
            .load(conn)?
            .into_iter()
            .map(entry)
            .collect();
        let statuses = statuses::table
            .order(statuses::id)
            .select((
                statuses::id,
                statuses::description,
                statuses::active,
                statuses::scope.nullable(),
            ))
            .load(conn)?
            .into_iter()
            .map(entry)
            .collect();
        let fronts = fronts::table
            .order(fronts::id)
            .select((
                fronts::id,
                fronts::description,
                fronts::active,
                fronts::scope.nullable(),
            ))
            .load(conn)?
            .into_iter()
            .map(entry)
            .collect();
        let mut c = Catalogs {
            clients,
            project_managers,
            sites,
            statuses,
            fronts,
            by_key: HashMap::new(),
        };
        c.index();
        Ok(c)
    }

    fn index(&mut self) {
        let lists = [
            (Kind::Client, &self.clients),
            (Kind::ProjectManager, &self.project_managers),
            (Kind::Site, &self.sites),
            (Kind::Status, &self.statuses),
            (Kind::Front, &self.fronts),
        ];
        for (kind, list) in lists {
            for (i, e) in list.iter().enumerate() {
                self.by_key.insert((kind, e.id), i);
            }
        }
    }

    pub fn get(&self, kind: Kind, id: i32) -> Option<&Entry> {
        let i = *self.by_key.get(&(kind, id))?;
        match kind {
            Kind::Client => self.clients.get(i),
            Kind::ProjectManager => self.project_managers.get(i),
            Kind::Site => self.sites.get(i),
            Kind::Status => self.statuses.get(i),
            Kind::Front => self.fronts.get(i),
        }
    }

    /// The description of an id, or empty.
    pub fn name(&self, kind: Kind, id: Option<i32>) -> String {
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
            .filter_map(|id| self.get(Kind::Status, *id))
            .collect()
    }
}

/// The W3 rule table.
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

/// Ids of the active templates of a set, ordered by template id (W3).
pub fn active_template_ids(conn: &mut DbConn, set: i32) -> QueryResult<Vec<i32>> {
    step_templates::table
        .filter(step_templates::set_id.eq(set))
        .filter(step_templates::active.eq(true))
        .order(step_templates::id)
        .select(step_templates::id)
        .load(conn)
}
