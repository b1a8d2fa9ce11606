//! W21, historical orders from Excel (`faena import-ots FILE`): the legacy `OT_IMPORTAR.xlsx`
//! layout, validated all-or-nothing, previewed, then written in one transaction when confirmed.
//! Initial rows first (upserted on folio + oficio, as the legacy script did), then
//! reprogrammings (parent found by folio among the file's initial rows or the database's). PTE
//! folios not found are created on confirmation (folio, client and project manager from the row,
//! marked as created by the import). The legacy's silent fallbacks (unknown status → ASIGNADA,
//! unknown project manager → the first one) are errors here. Steps come from W3 for new orders.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::legacy::{self, OrderRow, PteRow};
use crate::db::{
    DbConn, activity, planning_docs, steps, templates, work_orders, write_transaction,
};
use crate::domain::annex::validate::RowError;
use crate::domain::codes::{kind, ot_status, record_state};
use crate::domain::order_import::{self, HistoricalRow};
use crate::domain::step_rule::pick_template_set;
use crate::domain::work_order::{SearchParts, list_year, searchable_text};
use crate::services::Actor;
use crate::services::annexes::read_workbook;

/// What an import does (or would do, before confirmation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub new_ptes: Vec<String>,
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub reprogrammings: Vec<String>,
    pub applied: bool,
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum Refusal {
    /// The file cannot be read as a workbook.
    File(String),
    /// Rows with problems (all of them), and the workbook with an OBSERVACIONES column.
    Rows(Vec<RowError>, Option<Vec<u8>>),
    Database(diesel::result::Error),
    /// Internal: carries a preview's plan out of its rolled-back transaction.
    #[doc(hidden)]
    Preview(Plan),
}

impl From<diesel::result::Error> for Refusal {
    fn from(e: diesel::result::Error) -> Refusal {
        Refusal::Database(e)
    }
}

/// Checks the workbook and, with `confirm`, writes it; without, rolls back and says what would
/// be done.
pub fn import(
    conn: &mut DbConn,
    bytes: &[u8],
    confirm: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Plan, Refusal> {
    let sheets = read_workbook(std::io::Cursor::new(bytes)).map_err(Refusal::File)?;
    let Some(sheet) = sheets.first() else {
        return Err(Refusal::File("El libro no tiene hojas.".into()));
    };
    let (header_row, rows) = match order_import::parse(&sheet.rows) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let book = crate::services::annexes::error_workbook(sheet, 0, &errors).ok();
            return Err(Refusal::Rows(errors, book));
        }
    };
    let catalogs = Catalogs::load(conn)?;
    let outcome = write_transaction(conn, |c| -> Result<Plan, Refusal> {
        let mut errors = Vec::new();
        let plan = apply(c, &catalogs, &rows, actor, now, &mut errors)?;
        if !errors.is_empty() {
            return Err(Refusal::Rows(errors, None));
        }
        if !confirm {
            // The preview: everything was checked and written, and is now undone.
            return Err(Refusal::Preview(plan));
        }
        Ok(Plan {
            applied: true,
            ..plan
        })
    });
    match outcome {
        Err(Refusal::Preview(plan)) => Ok(plan),
        Err(Refusal::Rows(errors, None)) => {
            let book = crate::services::annexes::error_workbook(sheet, header_row, &errors).ok();
            Err(Refusal::Rows(errors, book))
        }
        other => other,
    }
}

fn apply(
    c: &mut DbConn,
    catalogs: &Catalogs,
    rows: &[HistoricalRow],
    actor: &Actor,
    now: NaiveDateTime,
    errors: &mut Vec<RowError>,
) -> Result<Plan, Refusal> {
    let mut plan = Plan::default();
    let mut initials: HashMap<String, i32> = HashMap::new();
    let mut ptes: HashMap<String, (i32, String)> = HashMap::new();
    let rules = templates::step_rules(c)?;
    let mut seen = BTreeSet::new();
    for pass in [kind::INITIAL, kind::REPROGRAMMING] {
        for r in rows {
            let is_child = r.kind == Some(kind::REPROGRAMMING)
                || !r.parent_folio.is_empty() && r.kind != Some(kind::INITIAL);
            if (pass == kind::REPROGRAMMING) != is_child {
                continue;
            }
            let mut problems = Vec::new();
            if let Some(k) = r
                .kind
                .filter(|k| ![kind::INITIAL, kind::REPROGRAMMING].contains(k))
            {
                problems.push(format!(
                    "tipo {k} desconocido (4 INICIAL, 5 REPROGRAMACION)"
                ));
            }
            let status = match r.status {
                Some(s) if ot_status::ALL.contains(&s) => s,
                Some(s) => {
                    problems.push(format!("estatus {s} no es un estatus de OT"));
                    ot_status::ASSIGNED
                }
                None => {
                    problems.push("falta el estatus de la OT (id_estatus_ot_id)".into());
                    ot_status::ASSIGNED
                }
            };
            let manager = match r.manager {
                Some(m) if catalogs.get(CatalogKind::ProjectManager, m).is_some() => m,
                Some(m) => {
                    problems.push(format!("responsable del proyecto {m} inexistente"));
                    0
                }
                None => {
                    problems.push("falta el responsable del proyecto".into());
                    0
                }
            };
            if let Some(cl) = r
                .client
                .filter(|cl| catalogs.get(CatalogKind::Client, *cl).is_none())
            {
                problems.push(format!("cliente {cl} inexistente"));
            }
            for (what, site) in [
                ("intercom", r.intercom),
                ("patio", r.yard),
                ("plataforma", r.platform),
                ("embarcación", r.vessel),
            ] {
                if let Some(s) =
                    site.filter(|s| *s != 0 && catalogs.get(CatalogKind::Site, *s).is_none())
                {
                    problems.push(format!("{what} {s} inexistente"));
                }
            }
            if let Some(f) = r.front.filter(|f| ![1, 2, 4].contains(f)) {
                problems.push(format!(
                    "frente {f} no es de OT (1 TIERRA, 2 BARCO, 4 CP/PS)"
                ));
            }
            if ![
                record_state::ACTIVE,
                record_state::DELETED,
                record_state::TO_DEFINE,
            ]
            .contains(&r.record_state)
            {
                problems.push(format!(
                    "estatus de registro {} (1 activa, 0 eliminada, -1 por definir)",
                    r.record_state
                ));
            }
            let mut parent = None;
            let mut pte = None;
            let mut pte_folio = String::new();
            if pass == kind::REPROGRAMMING {
                let found = match initials.get(&r.parent_folio) {
                    Some(id) => Some(*id),
                    None => work_orders::initial_with_folio(c, &r.parent_folio, None)?,
                };
                match found {
                    Some(p) => {
                        parent = Some(p);
                        let o = work_orders::find(c, p)?;
                        pte = o.as_ref().and_then(|o| o.planning_doc_id);
                        pte_folio = pte
                            .map(|id| planning_docs::find_visible(c, id))
                            .transpose()?
                            .flatten()
                            .map(|d| d.folio)
                            .unwrap_or_default();
                    }
                    None => problems.push(format!(
                        "la OT principal «{}» no es una OT inicial del archivo ni de la base",
                        r.parent_folio
                    )),
                }
            } else if !r.pte_folio.is_empty() {
                match ptes.get(&r.pte_folio) {
                    Some((id, f)) => {
                        pte = Some(*id);
                        pte_folio = f.clone();
                    }
                    None => {
                        let id = match planning_docs::visible_id_by_folio(c, &r.pte_folio)? {
                            Some(id) => id,
                            None if problems.is_empty() => {
                                plan.new_ptes.push(r.pte_folio.clone());
                                legacy::write_pte(
                                    c,
                                    &PteRow {
                                        id: None,
                                        folio: r.pte_folio.clone(),
                                        request_letter: String::new(),
                                        description: r.description.clone(),
                                        client_id: r.client,
                                        project_manager_id: Some(manager),
                                        request_date: None,
                                        delivery_date: None,
                                        duration_days: None,
                                        status: 1,
                                        record_state: record_state::ACTIVE,
                                        comment: "Creada por la importación de OT históricas"
                                            .into(),
                                        created_at: now,
                                        updated_at: now,
                                    },
                                    None,
                                )?
                            }
                            None => 0,
                        };
                        ptes.insert(r.pte_folio.clone(), (id, r.pte_folio.clone()));
                        pte = Some(id);
                        pte_folio = r.pte_folio.clone();
                    }
                }
            } else {
                problems.push("falta el folio de la PTE (id_pte_header_id)".into());
            }
            if pass == kind::INITIAL && !seen.insert((r.folio.clone(), r.oficio.clone())) {
                problems.push("folio y oficio repetidos en el archivo".into());
            }
            if !problems.is_empty() {
                errors.push(RowError {
                    sheet_row: r.sheet_row,
                    code: r.folio.clone(),
                    reason: problems.join("; "),
                });
                continue;
            }
            let folio = if pass == kind::REPROGRAMMING {
                r.parent_folio.clone()
            } else {
                r.folio.clone()
            };
            // Initials are upserted on (folio, oficio) as the legacy script did; a reprogramming on
            // (parent, oficio), so that importing the same file twice duplicates nothing (the
            // legacy script inserted reprogrammings again).
            let existing = match (pass == kind::INITIAL, parent) {
                (true, _) => work_orders::initial_with_folio(c, &folio, None)?
                    .map(|id| work_orders::find(c, id))
                    .transpose()?
                    .flatten()
                    .filter(|o| o.oficio == r.oficio),
                (false, Some(p)) => work_orders::reprogramming_with_oficio(c, p, &r.oficio)?,
                (false, None) => None,
            };
            let revision = match (pass == kind::REPROGRAMMING, parent, &existing) {
                (true, _, Some(o)) => o.revision,
                (true, Some(p), None) => Some(match r.revision.filter(|n| *n > 0) {
                    Some(n) => n,
                    None => work_orders::max_revision(c, p)? + 1,
                }),
                _ => None,
            };
            let row = OrderRow {
                id: None,
                kind_id: pass,
                planning_doc_id: pte,
                search_text: searchable_text(SearchParts {
                    folio: &folio,
                    oficio: &r.oficio,
                    pte_folio: &pte_folio,
                    description: &r.description,
                    client_representative: &r.representative,
                }),
                list_year: list_year(&r.oficio, r.planned_start),
                folio: folio.clone(),
                oficio: r.oficio.clone(),
                description: r.description.clone(),
                project_manager_id: manager,
                client_representative: r.representative.clone(),
                client_id: r.client,
                status_id: status,
                record_state: r.record_state,
                parent_id: parent,
                revision,
                planned_start: r.planned_start,
                planned_end: r.planned_end,
                real_start: r.real_start,
                real_end: r.real_end,
                duration_days: r.duration,
                amount_mxn: r.amount_mxn,
                amount_usd: r.amount_usd,
                front_id: r.front,
                vessel_site_id: r.vessel.filter(|s| *s != 0),
                platform_site_id: r.platform.filter(|s| *s != 0),
                intercom_site_id: r.intercom.filter(|s| *s != 0),
                yard_site_id: r.yard.filter(|s| *s != 0),
                requires_yard: false,
                yard_start: None,
                yard_end: None,
                comment: r.comment.clone(),
                created_at: now,
                updated_at: now,
            };
            let id = match &existing {
                Some(o) => {
                    legacy::write_order(c, &row, Some(o.id))?;
                    plan.updated.push(if pass == kind::REPROGRAMMING {
                        format!("{folio} R{}", revision.unwrap_or_default())
                    } else {
                        folio.clone()
                    });
                    o.id
                }
                None => {
                    let id = legacy::write_order(c, &row, None)?;
                    // W3: steps for new orders only.
                    if let Some(set) = pick_template_set(&rules, pass, r.client) {
                        steps::create_from_templates(c, id, set, now)?;
                    }
                    if pass == kind::REPROGRAMMING {
                        plan.reprogrammings
                            .push(format!("{folio} R{}", revision.unwrap_or_default()));
                    } else {
                        plan.created.push(folio.clone());
                    }
                    id
                }
            };
            if pass == kind::INITIAL {
                initials.insert(folio.clone(), id);
            }
            let what = if existing.is_some() {
                "actualizada"
            } else {
                "creada"
            };
            activity::record(
                c,
                &actor
                    .entry(now, work_orders::TABLE, "importar", id)
                    .detail(format!(
                        "OT {folio} {what} por la importación de OT históricas"
                    )),
            )?;
        }
    }
    work_orders::touch_list(c)?;
    Ok(plan)
}

/// Name prefix of an upload held between its preview and its confirmation (kept a day, like the
/// error workbooks, in the same table).
const HELD: &str = "pendiente-ot-historicas:";

/// Keeps an uploaded workbook until its preview is confirmed; returns its id.
pub fn hold(
    conn: &mut DbConn,
    user_id: i32,
    file_name: &str,
    bytes: &[u8],
    now: NaiveDateTime,
) -> diesel::QueryResult<i32> {
    write_transaction(conn, |c| {
        crate::db::annexes::insert_report(
            c,
            None,
            Some(user_id),
            now,
            &format!("{HELD}{file_name}"),
            bytes,
        )
    })
}

/// A held upload of this user: (file name, bytes).
pub fn held(
    conn: &mut DbConn,
    id: i32,
    user_id: i32,
) -> diesel::QueryResult<Option<(String, Vec<u8>)>> {
    Ok(crate::db::annexes::find_report(conn, id)?
        .filter(|r| r.work_order_id.is_none() && r.user_id == Some(user_id))
        .and_then(|r| {
            r.file_name
                .strip_prefix(HELD)
                .map(|name| (name.to_owned(), r.content))
        }))
}

/// Stores a refused file's error workbook (downloaded from `/admin/conceptos/errores/{id}`).
pub fn store_errors(
    conn: &mut DbConn,
    user_id: i32,
    file_name: &str,
    book: &[u8],
    now: NaiveDateTime,
) -> diesel::QueryResult<i32> {
    write_transaction(conn, |c| {
        crate::db::annexes::insert_report(c, None, Some(user_id), now, file_name, book)
    })
}
