//! `GET /ot/{id}`: the detail page, printable on Letter paper (W13), with steps, progress, the
//! parent or the reprogrammings, and the history (W11).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::annex::{self, AnnexView};
use super::{ProgressView, front_and_site};
use crate::db::caches::Caches;
use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::versions::{self, Snapshot};
use crate::db::work_orders::{self, WorkOrder};
use crate::db::{DbConn, activity, steps};
use crate::domain::activity::{action_label, field_label};
use crate::domain::codes::{kind, record_state};
use crate::domain::execution::StepForm;
use crate::domain::format;
use crate::domain::progress::StepCounts;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::auth::{CurrentUser, SeenVersions};
use crate::web::blocking;
use crate::web::page::{PageCtx, render};
use serde::{Deserialize, Serialize};

pub struct Field {
    pub label: &'static str,
    pub value: String,
}

pub struct StepRow {
    pub id: i32,
    pub status_id: i32,
    pub locked: bool,
    pub start_input: String,
    pub end_input: String,
    pub delivery_input: String,
    pub link_value: String,
    pub number: usize,
    pub description: String,
    pub status: String,
    pub status_class: &'static str,
    pub start: String,
    pub end: String,
    pub delivery: String,
    pub comment: String,
    pub link: Option<String>,
    /// The link as printed: host and path, at most 40 characters.
    pub link_short: String,
    /// What the person typed in the row, shown again with the refusal (W9).
    pub comment_input: String,
    pub status_input: i32,
    pub error: Option<String>,
}

impl StepRow {
    /// The row again as the person left it after a refused save: their input and the message.
    pub fn with_draft(mut self, form: &StepForm, message: String) -> StepRow {
        let keep = |slot: &mut String, typed: &Option<String>| {
            if let Some(t) = typed {
                slot.clone_from(t);
            }
        };
        keep(&mut self.start_input, &form.fecha_inicio);
        keep(&mut self.end_input, &form.fecha_termino);
        keep(&mut self.delivery_input, &form.fecha_entrega);
        keep(&mut self.comment_input, &form.comentario);
        keep(&mut self.link_value, &form.archivo);
        if let Some(status) = form.estatus.as_deref().and_then(|s| s.trim().parse().ok()) {
            self.status_input = status;
        }
        self.error = Some(message);
        self
    }
}

/// A refused step change waiting for the page it redirects to (post/redirect/get without
/// JavaScript): which step, what was typed, and why it was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDraft {
    pub step_id: i32,
    pub form: StepForm,
    pub message: String,
}

/// One row of the steps table, as the in-place editor replaces it after a save (W9).
#[derive(Template)]
#[template(path = "work_orders/step_row.html")]
pub struct StepRowFragment {
    pub ctx: PageCtx,
    pub id: i32,
    pub can_change: bool,
    pub step_statuses: Vec<(i32, String)>,
    pub s: StepRow,
}

/// The statuses a step can take, with their catalog names.
pub fn step_statuses(catalogs: &Catalogs) -> Vec<(i32, String)> {
    crate::domain::execution::STEP_STATUSES
        .iter()
        .map(|id| (*id, catalogs.name(CatalogKind::Status, Some(*id))))
        .collect()
}

/// A step's row as stored now, with its number in the order, and the step statuses.
pub fn load_step_row(
    c: &mut crate::db::DbConn,
    catalogs: &Catalogs,
    order_id: i32,
    step_id: i32,
) -> Result<(StepRow, Vec<(i32, String)>), AppError> {
    let row = step_rows(&steps::for_order(c, order_id)?)
        .into_iter()
        .find(|r| r.id == step_id)
        .ok_or(AppError::NotFound)?;
    Ok((row, step_statuses(catalogs)))
}

/// Session key of the pending `StepDraft`.
pub const STEP_DRAFT: &str = "paso_borrador";

pub struct RelatedRow {
    pub id: i32,
    pub revision: String,
    pub folio: String,
    pub oficio: String,
    pub planned_start: String,
    pub planned_end: String,
    pub status: String,
    pub progress: ProgressView,
}

pub struct HistoryRow {
    pub at: String,
    pub user: String,
    pub action: String,
    pub field: String,
    pub old: String,
    pub new: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "work_orders/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    id: i32,
    folio: String,
    kind_label: String,
    to_define: bool,
    deleted: bool,
    fields: Vec<Field>,
    progress: ProgressView,
    steps: Vec<StepRow>,
    parent: Option<RelatedRow>,
    reprogrammings: Vec<RelatedRow>,
    effective_window: String,
    history: Vec<HistoryRow>,
    version: i32,
    status_id: i32,
    step_statuses: Vec<(i32, String)>,
    ot_statuses: Vec<(i32, String)>,
    can_change: bool,
    action_error: Option<String>,
    can_edit: bool,
    can_reprogram: bool,
    is_admin: bool,
    print_date: String,
    /// The printout carries the history only when asked (`?historial=1`).
    print_history: bool,
    annex: AnnexView,
    /// The active schedule's physical progress: (version, real %, client %).
    schedule: Option<(i32, String, String)>,
    /// Its current double bookings (W20), as sentences.
    conflicts: Vec<String>,
    /// The timeline over the days they cover.
    conflicts_link: String,
    /// The company's name for the printout's header ("" for none).
    company: String,
}

/// The detail page's query: the page of the annex's items, and whether the printout carries
/// the history (`historial=1`; by default a printout is the order and its signatures).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DetailQuery {
    anexo_pag: String,
    historial: String,
}

/// How the detail page is shown.
#[derive(Debug, Clone)]
pub struct DetailView {
    pub annex_page: i64,
    pub print_history: bool,
    /// A refused step change to show in its row.
    pub draft: Option<StepDraft>,
    /// The version rows the gate read for this request, if it did.
    pub seen: SeenVersions,
}

impl Default for DetailView {
    fn default() -> DetailView {
        DetailView {
            annex_page: 1,
            print_history: false,
            draft: None,
            seen: SeenVersions::default(),
        }
    }
}

/// A deliverable link as a printout shows it: no scheme, at most 40 characters.
fn short_link(url: &str) -> String {
    let bare = url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    if bare.chars().count() > 40 {
        format!("{}…", bare.chars().take(39).collect::<String>())
    } else {
        bare.to_owned()
    }
}

fn step_class(status: i32) -> &'static str {
    use crate::domain::codes::step_status as s;
    match status {
        s::PENDING => "st-pendiente",
        s::IN_PROCESS => "st-proceso",
        s::COMPLETED => "st-completado",
        s::CANCELLED => "st-cancelado",
        s::NOT_APPLICABLE => "st-na",
        _ => "",
    }
}

/// The header of an order: "INICIAL" or "REPROGRAMACIÓN n".
pub fn kind_label(o: &WorkOrder) -> String {
    if o.kind_id == kind::REPROGRAMMING {
        format!("REPROGRAMACIÓN {}", o.revision.unwrap_or_default())
    } else {
        "INICIAL".to_owned()
    }
}

/// The data fields of an order as the detail and print pages show them (W13).
pub fn fields_of(o: &WorkOrder, catalogs: &Catalogs, pte: Option<String>) -> Vec<Field> {
    let site = |id| catalogs.name(CatalogKind::Site, id);
    let mut fields = vec![
        Field {
            label: "Folio OT",
            value: o.folio.clone(),
        },
        Field {
            label: "Oficio OT",
            value: o.oficio.clone(),
        },
        Field {
            label: "PTE de origen",
            value: pte.unwrap_or_default(),
        },
        Field {
            label: "Estatus",
            value: catalogs.name(CatalogKind::Status, Some(o.status_id)),
        },
        Field {
            label: "Cliente",
            value: catalogs.name(CatalogKind::Client, o.client_id),
        },
        Field {
            label: "Responsable del cliente",
            value: o.client_representative.clone(),
        },
        Field {
            label: "Responsable del proyecto",
            value: catalogs.name(CatalogKind::ProjectManager, Some(o.project_manager_id)),
        },
        Field {
            label: "Frente / sitio principal",
            value: front_and_site(catalogs, o),
        },
        Field {
            label: "Embarcación",
            value: site(o.vessel_site_id),
        },
        Field {
            label: "Plataforma",
            value: site(o.platform_site_id),
        },
        Field {
            label: "Intercom",
            value: site(o.intercom_site_id),
        },
        Field {
            label: if o.requires_yard {
                "Patio (fase en patio)"
            } else {
                "Patio"
            },
            value: site(o.yard_site_id),
        },
    ];
    if o.requires_yard {
        fields.push(Field {
            label: "Fase en patio",
            value: format!(
                "{} – {}",
                format::date(o.yard_start),
                format::date(o.yard_end)
            ),
        });
    }
    fields.extend([
        Field {
            label: "Monto MXN",
            value: format!("{} MXN", format::money(o.amount_mxn)),
        },
        Field {
            label: "Monto USD",
            value: format!("{} USD", format::money(o.amount_usd)),
        },
        Field {
            label: "Inicio programado",
            value: format::date(o.planned_start),
        },
        Field {
            label: "Término programado",
            value: format::date(o.planned_end),
        },
        Field {
            label: "Plazo (días)",
            value: o.duration_days.map(|d| d.to_string()).unwrap_or_default(),
        },
        Field {
            label: "Inicio real",
            value: format::date(o.real_start),
        },
        Field {
            label: "Término real",
            value: format::date(o.real_end),
        },
        Field {
            label: "Descripción del trabajo",
            value: o.description.clone(),
        },
        Field {
            label: "Comentario",
            value: o.comment.clone(),
        },
    ]);

    fields
}

/// The steps table's rows.
pub fn step_rows(steps: &[steps::StepView]) -> Vec<StepRow> {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepRow {
            id: s.id,
            status_id: s.status_id,
            locked: crate::domain::execution::dates_locked(s.status_id),
            start_input: format::date(s.start_date),
            end_input: format::date(s.end_date),
            delivery_input: format::date(s.delivery_date),
            link_value: s.link.clone().unwrap_or_default(),
            number: i + 1,
            description: s.description.clone(),
            status: s.status_name.clone(),
            status_class: step_class(s.status_id),
            start: format::date(s.start_date),
            end: format::date(s.end_date),
            delivery: format::date(s.delivery_date),
            comment: s.comment.clone(),
            link: s.link.clone(),
            link_short: s.link.as_deref().map(short_link).unwrap_or_default(),
            comment_input: s.comment.clone(),
            status_input: s.status_id,
            error: None,
        })
        .collect()
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::detail::detail")
)]
pub async fn detail(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
    query: web::Query<DetailQuery>,
    session: Session,
    seen: SeenVersions,
) -> Result<HttpResponse, AppError> {
    let view = DetailView {
        annex_page: query.anexo_pag.trim().parse().unwrap_or(1),
        print_history: query.historial.trim() == "1",
        draft: crate::web::page::take::<StepDraft>(&session, STEP_DRAFT),
        seen,
    };
    let id = path.into_inner();
    render_detail(&state, ctx, &user, id, StatusCode::OK, None, view).await
}

/// Everything the order page shows, as read for it.
pub struct Loaded {
    pub order: WorkOrder,
    /// The order's step counts (W10), as the database keeps them.
    pub own_counts: StepCounts,
    pub pte: Option<String>,
    pub catalogs: std::sync::Arc<Catalogs>,
    pub step_list: Vec<steps::StepView>,
    pub parent: Option<(WorkOrder, StepCounts)>,
    pub children: Vec<(WorkOrder, StepCounts)>,
    /// The order's history, newest first, with each user's display name.
    pub history: Vec<(activity::LoggedEntry, Option<String>)>,
    pub annex: AnnexView,
    pub schedule: Option<crate::db::schedules::Version>,
    /// The double bookings (W20), as sentences, and the timeline link that shows them.
    pub conflicts: Vec<String>,
    pub conflicts_link: String,
}

/// Reads the order page of order `id` (annex items page `annex_page`; the catalogs checked
/// against `seen`, the version rows the gate read, if any): a fixed number of
/// statements whatever its steps, history and reprogrammings (W10). A deleted order is not
/// found except by administrators (W7).
pub fn load(
    c: &mut DbConn,
    caches: &Caches,
    seen: Option<&Snapshot>,
    id: i32,
    is_admin: bool,
    annex_page: i64,
) -> Result<Loaded, AppError> {
    let (order, pte, own_counts) =
        work_orders::find_with_counts(c, id)?.ok_or(AppError::NotFound)?;
    // W7: a deleted order is a 404 except for administrators, who may restore it.
    if order.record_state == record_state::DELETED && !is_admin {
        return Err(AppError::NotFound);
    }
    let catalogs_version = match seen {
        Some(s) => s.of(versions::CATALOGS),
        None => versions::current(c, versions::CATALOGS)?,
    };
    let catalogs = caches.catalogs.get_at(c, catalogs_version)?;
    let step_list = steps::for_order(c, id)?;
    let mut related = work_orders::related_with_counts(c, &order)?;
    let parent = related
        .iter()
        .position(|(o, _)| Some(o.id) == order.parent_id)
        .map(|i| related.remove(i));
    let history = activity::for_record(c, crate::db::work_orders::TABLE, id)?;
    let rate = caches.catalogs.rate_at(c, catalogs_version)?;
    let annex = annex::load_view(c, id, annex_page, rate)?;
    let schedule = crate::db::schedules::active(c, id)?;
    let found = crate::services::timeline::conflicts_of(c, &(&order).into())?;
    Ok(Loaded {
        conflicts: crate::web::conflicts::sentences(&found, &catalogs),
        conflicts_link: crate::web::conflicts::timeline_link(&found),
        order,
        own_counts,
        pte,
        catalogs,
        step_list,
        parent,
        children: related,
        history,
        annex,
        schedule,
    })
}

/// Renders the detail page, with `error` (from a refused step or status change) on top.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::detail::render_detail")
)]
pub async fn render_detail(
    state: &AppState,
    ctx: PageCtx,
    user: &CurrentUser,
    id: i32,
    status: StatusCode,
    action_error: Option<String>,
    view: DetailView,
) -> Result<HttpResponse, AppError> {
    let annex_page = view.annex_page;
    let is_admin = user.role.allows(Role::Admin);
    let today = state.clock.today();
    let caches = state.caches.clone();
    let Loaded {
        order,
        own_counts,
        pte,
        catalogs,
        step_list,
        parent,
        children,
        history,
        annex,
        schedule,
        conflicts,
        conflicts_link,
    } = blocking(state, move |c| {
        load(c, &caches, view.seen.snapshot(), id, is_admin, annex_page)
    })
    .await??;
    let company = catalogs.company.clone();

    let related = |(o, counts): &(WorkOrder, StepCounts)| RelatedRow {
        id: o.id,
        revision: o.revision.map(|r| r.to_string()).unwrap_or_default(),
        folio: o.folio.clone(),
        oficio: o.oficio.clone(),
        planned_start: format::date(o.planned_start),
        planned_end: format::date(o.planned_end),
        status: catalogs.name(CatalogKind::Status, Some(o.status_id)),
        progress: ProgressView::of(o, *counts, today),
    };
    let o = &order;
    let fields = fields_of(o, &catalogs, pte);

    // The parent's effective window (W4): real or planned start; the latest end of it and its
    // active reprogrammings.
    let effective_window = if o.kind_id == kind::INITIAL {
        let start = o.real_start.or(o.planned_start);
        let end = std::iter::once(o.real_end.or(o.planned_end))
            .chain(children.iter().map(|(c, _)| c.real_end.or(c.planned_end)))
            .flatten()
            .max();
        format!("{} – {}", format::date(start), format::date(end))
    } else {
        String::new()
    };

    let mut steps_view = step_rows(&step_list);
    if let Some(draft) = view.draft {
        steps_view = steps_view
            .into_iter()
            .map(|row| {
                if row.id == draft.step_id {
                    row.with_draft(&draft.form, draft.message.clone())
                } else {
                    row
                }
            })
            .collect();
    }
    let history = history
        .into_iter()
        .map(|(h, name)| HistoryRow {
            at: format::timestamp(h.at),
            user: name.unwrap_or(h.username),
            action: action_label(&h.action).to_owned(),
            field: h
                .field
                .as_deref()
                .map(field_label)
                .unwrap_or_default()
                .to_owned(),
            old: h.old_value.unwrap_or_default(),
            new: h.new_value.unwrap_or_default(),
            detail: h.detail.unwrap_or_default(),
        })
        .collect();
    let deleted = o.record_state == record_state::DELETED;
    let can_edit = user.role.allows(Role::Gestor) && !deleted;
    let step_statuses = step_statuses(&catalogs);
    let ot_statuses = catalogs
        .ot_statuses()
        .into_iter()
        .map(|e| (e.id, e.description.clone()))
        .collect();
    let page = DetailPage {
        version: o.version,
        status_id: o.status_id,
        step_statuses,
        ot_statuses,
        can_change: can_edit,
        action_error,
        id: o.id,
        folio: o.folio.clone(),
        kind_label: kind_label(o),
        to_define: o.record_state == record_state::TO_DEFINE,
        deleted,
        progress: ProgressView::of(o, own_counts, today),
        fields,
        steps: steps_view,
        parent: parent.as_ref().map(related),
        reprogrammings: children.iter().map(related).collect(),
        effective_window,
        history,
        can_edit,
        can_reprogram: can_edit && o.kind_id == kind::INITIAL,
        is_admin,
        print_date: format::date(Some(today)),
        print_history: view.print_history,
        annex,
        conflicts,
        conflicts_link,
        company,
        schedule: schedule.map(|v| {
            (
                v.number,
                crate::domain::schedule::pct_text(v.progress_real),
                crate::domain::schedule::pct_text(v.progress_client),
            )
        }),
        ctx,
    };
    render(status, &page)
}
