//! Work-order input (W1, W4, W5, W6): the form fields, shared by the HTML form and the JSON API,
//! parsed into a valid value or every field error at once. Checks that need the database
//! (catalog ids exist and are active, the PTE, the parent, uniqueness) live in the service.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::codes::{Front, SiteField, WorkOrderKind};
use super::format::fold;
use super::input::{
    FieldErrors, MAX_FOLIO, MAX_NAME, MAX_TEXT, date, id, money, project_manager, text, window,
};

pub const MAX_DURATION_DAYS: i64 = 36_500;

/// The raw fields, with the legacy names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct WorkOrderForm {
    pub orden_trabajo: String,
    pub oficio_ot: String,
    pub id_tipo: String,
    pub id_pte: String,
    pub descripcion_trabajo: String,
    pub responsable_proyecto: String,
    pub responsable_cliente: String,
    pub id_cliente: String,
    pub id_frente: String,
    pub id_embarcacion: String,
    pub id_plataforma: String,
    pub id_intercom: String,
    pub id_patio: String,
    pub check_fase_patio: String,
    pub id_patio_fase: String,
    pub fecha_inicio_patio: String,
    pub fecha_fin_patio: String,
    pub monto_mxn: String,
    pub monto_usd: String,
    pub fecha_inicio_programado: String,
    pub fecha_termino_programado: String,
    pub fecha_inicio_real: String,
    pub fecha_termino_real: String,
    pub plazo_dias: String,
    /// The legacy front end posts `comentario_general`.
    #[serde(alias = "comentario_general")]
    pub comentario: String,
    pub ot_principal: String,
    pub version: String,
    /// The HTML form's PTE picker: a PTE's folio, typed or chosen from its suggestions. When
    /// given it names the PTE (`id_pte`, which the JSON API posts, is then ignored).
    pub folio_pte: String,
    /// The HTML form's parent picker: an initial order's folio, like `folio_pte`.
    pub folio_principal: String,
}

/// The four site fields of an OT.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sites {
    pub vessel: Option<i32>,
    pub platform: Option<i32>,
    pub intercom: Option<i32>,
    pub yard: Option<i32>,
}

/// Declares the fields a person edits on the form (kind, PTE, parent and version are fixed or
/// technical) with their Spanish labels, and by-name access to them.
macro_rules! editable_fields {
    ($($field:ident => $label:literal),* $(,)?) => {
        /// The editable fields and their labels, in form order.
        pub const EDITABLE_FIELDS: &[(&str, &str)] = &[$((stringify!($field), $label)),*];

        impl WorkOrderForm {
            /// An editable field's raw text, by its form name.
            pub fn field(&self, name: &str) -> Option<&str> {
                match name {
                    $(stringify!($field) => Some(&self.$field),)*
                    _ => None,
                }
            }

            fn field_mut(&mut self, name: &str) -> Option<&mut String> {
                match name {
                    $(stringify!($field) => Some(&mut self.$field),)*
                    _ => None,
                }
            }
        }
    };
}

editable_fields! {
    orden_trabajo => "Folio OT",
    oficio_ot => "Oficio OT",
    descripcion_trabajo => "Descripción del trabajo",
    responsable_proyecto => "Responsable del proyecto",
    responsable_cliente => "Responsable del cliente",
    id_cliente => "Cliente",
    id_frente => "Frente",
    id_embarcacion => "Embarcación",
    id_plataforma => "Plataforma",
    id_intercom => "Intercom",
    id_patio => "Patio",
    check_fase_patio => "Fase en patio",
    id_patio_fase => "Patio de la fase",
    fecha_inicio_patio => "Inicio en patio",
    fecha_fin_patio => "Fin en patio",
    monto_mxn => "Monto MXN",
    monto_usd => "Monto USD",
    fecha_inicio_programado => "Inicio programado",
    fecha_termino_programado => "Término programado",
    fecha_inicio_real => "Inicio real",
    fecha_termino_real => "Término real",
    plazo_dias => "Plazo (días)",
    comentario => "Comentario",
}

/// W5, after a refused save: the form to show again. Each field the user did not change (theirs
/// equals what they started from) takes the current value, so saving again never reverts a
/// colleague's change; each field the user changed keeps the user's value. Returns that form
/// and the fields both changed to different values (to show "actual · suyo").
pub fn merge_after_conflict(
    mine: &WorkOrderForm,
    original: &WorkOrderForm,
    current: &WorkOrderForm,
) -> (WorkOrderForm, Vec<&'static str>) {
    let mut merged = mine.clone();
    let mut both = Vec::new();
    for (name, _) in EDITABLE_FIELDS {
        let value = |f: &WorkOrderForm| f.field(name).unwrap_or_default().trim().to_owned();
        let (m, o, c) = (value(mine), value(original), value(current));
        if m == o {
            if let Some(slot) = merged.field_mut(name) {
                *slot = current.field(name).unwrap_or_default().to_owned();
            }
        } else if c != o && c != m {
            both.push(*name);
        }
    }
    merged.version.clone_from(&current.version);
    (merged, both)
}

/// Valid input for creating or editing an OT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkOrderInput {
    pub kind: WorkOrderKind,
    pub planning_doc_id: Option<i32>,
    pub parent_id: Option<i32>,
    /// Empty for a reprogramming: the service takes the parent's (W4).
    pub folio: String,
    pub oficio: String,
    pub description: String,
    pub project_manager_id: i32,
    pub client_representative: String,
    pub client_id: Option<i32>,
    pub front: Option<Front>,
    pub sites: Sites,
    pub requires_yard: bool,
    pub yard_start: Option<NaiveDate>,
    pub yard_end: Option<NaiveDate>,
    pub amount_mxn: i64,
    pub amount_usd: i64,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub real_start: Option<NaiveDate>,
    pub real_end: Option<NaiveDate>,
    pub duration_days: Option<i32>,
    pub comment: String,
    /// The version the user edited (W5), when the form carries one.
    pub version: Option<i32>,
}

/// What the parse knows about the order beforehand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    /// Kind and parent cannot change by edit: the stored ones are used, whatever is posted.
    Edit {
        kind: WorkOrderKind,
        parent_id: Option<i32>,
        planning_doc_id: Option<i32>,
    },
}

/// Who the order is for and who leads it.
struct People {
    oficio: String,
    description: String,
    project_manager_id: Option<i32>,
    client_representative: String,
    client_id: Option<i32>,
    comment: String,
}

/// The front, its sites and the yard phase (W6).
struct Place {
    front: Option<Front>,
    sites: Sites,
    requires_yard: bool,
    yard_start: Option<NaiveDate>,
    yard_end: Option<NaiveDate>,
}

/// Dates and amounts (W1).
struct Schedule {
    amount_mxn: i64,
    amount_usd: i64,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    real_start: Option<NaiveDate>,
    real_end: Option<NaiveDate>,
    duration_days: Option<i32>,
}

impl WorkOrderForm {
    /// True when the yard-phase checkbox was ticked.
    pub fn yard_phase_checked(&self) -> bool {
        matches!(
            self.check_fase_patio.trim(),
            "on" | "true" | "1" | "si" | "sí"
        )
    }

    /// The posted kind, when it is one (for showing the form again; the parse decides).
    pub fn kind(&self) -> Option<WorkOrderKind> {
        self.id_tipo.parse().ok()
    }

    /// The raw text of a site field.
    pub fn site(&self, field: SiteField) -> &str {
        match field {
            SiteField::Vessel => &self.id_embarcacion,
            SiteField::Platform => &self.id_plataforma,
            SiteField::Intercom => &self.id_intercom,
            SiteField::LandYard => &self.id_patio,
            SiteField::YardPhase => &self.id_patio_fase,
        }
    }

    /// Parses every field; returns all the errors at once.
    pub fn parse(&self, mode: Mode) -> Result<WorkOrderInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let (kind, parent_id, planning_doc_id) = self.identity(&mut e, mode);
        let folio = text(
            &mut e,
            "orden_trabajo",
            &self.orden_trabajo,
            "El folio de la OT",
            kind == Some(WorkOrderKind::Initial),
            MAX_FOLIO,
        );
        // W4: a reprogramming takes its parent's folio, whatever was posted.
        let folio = if kind == Some(WorkOrderKind::Reprogramming) {
            String::new()
        } else {
            folio
        };
        let people = self.people(&mut e);
        let place = self.place(&mut e);
        let schedule = self.schedule(&mut e);
        let version = match self.version.trim() {
            "" => None,
            raw => raw.parse::<i32>().ok().or_else(|| {
                e.add(
                    "version",
                    "La versión del formulario no es válida; recargue la página.",
                );
                None
            }),
        };

        let (Some(kind), Some(project_manager_id), true) =
            (kind, people.project_manager_id, e.is_empty())
        else {
            return Err(e);
        };
        Ok(WorkOrderInput {
            kind,
            planning_doc_id,
            parent_id,
            folio,
            oficio: people.oficio,
            description: people.description,
            project_manager_id,
            client_representative: people.client_representative,
            client_id: people.client_id,
            front: place.front,
            sites: place.sites,
            requires_yard: place.requires_yard,
            yard_start: place.yard_start,
            yard_end: place.yard_end,
            amount_mxn: schedule.amount_mxn,
            amount_usd: schedule.amount_usd,
            planned_start: schedule.planned_start,
            planned_end: schedule.planned_end,
            real_start: schedule.real_start,
            real_end: schedule.real_end,
            duration_days: schedule.duration_days,
            comment: people.comment,
            version,
        })
    }

    /// Kind, parent and PTE (W2, W4): from the form on create, the stored ones on edit.
    fn identity(
        &self,
        e: &mut FieldErrors,
        mode: Mode,
    ) -> (Option<WorkOrderKind>, Option<i32>, Option<i32>) {
        if let Mode::Edit {
            kind,
            parent_id,
            planning_doc_id,
        } = mode
        {
            return (Some(kind), parent_id, planning_doc_id);
        }
        let kind = match self.id_tipo.trim() {
            "" => {
                e.add("id_tipo", "El tipo de OT es obligatorio.");
                None
            }
            raw => raw.parse::<WorkOrderKind>().ok().or_else(|| {
                e.add("id_tipo", "El tipo debe ser INICIAL o REPROGRAMACIÓN.");
                None
            }),
        };
        let parent = id(e, "ot_principal", &self.ot_principal, "OT principal");
        let pte = id(e, "id_pte", &self.id_pte, "PTE");
        match kind {
            Some(WorkOrderKind::Initial) => {
                if pte.is_none() && e.get("id_pte").is_none() {
                    e.add(
                        "id_pte",
                        "La PTE de origen es obligatoria para una OT inicial.",
                    );
                }
                (kind, None, pte)
            }
            Some(WorkOrderKind::Reprogramming) => {
                if parent.is_none() && e.get("ot_principal").is_none() {
                    e.add(
                        "ot_principal",
                        "La OT principal es obligatoria para una reprogramación.",
                    );
                }
                // The PTE comes from the parent (W4).
                (kind, parent, None)
            }
            None => (None, None, None),
        }
    }

    fn people(&self, e: &mut FieldErrors) -> People {
        let oficio = text(
            e,
            "oficio_ot",
            &self.oficio_ot,
            "El oficio de la OT",
            true,
            MAX_FOLIO,
        );
        let description = text(
            e,
            "descripcion_trabajo",
            &self.descripcion_trabajo,
            "La descripción del trabajo",
            true,
            MAX_TEXT,
        );
        let project_manager_id = project_manager(e, &self.responsable_proyecto);
        let client_representative = text(
            e,
            "responsable_cliente",
            &self.responsable_cliente,
            "El responsable del cliente",
            true,
            MAX_NAME,
        );
        let client_id = id(e, "id_cliente", &self.id_cliente, "Cliente");
        let comment = text(
            e,
            "comentario",
            &self.comentario,
            "El comentario",
            false,
            MAX_TEXT,
        );
        People {
            oficio,
            description,
            project_manager_id,
            client_representative,
            client_id,
            comment,
        }
    }

    /// W6: only the site fields of the posted front are kept (the table in `codes::Front`); the
    /// others are cleared, so the form works without JavaScript.
    fn place(&self, e: &mut FieldErrors) -> Place {
        let front = match self.id_frente.trim() {
            "" => None,
            raw => raw.parse::<Front>().ok().or_else(|| {
                e.add("id_frente", "El frente debe ser TIERRA, BARCO o CP/PS.");
                None
            }),
        };
        let labels = |field: SiteField| match field {
            SiteField::Vessel => "Embarcación",
            SiteField::Platform => "Plataforma",
            SiteField::Intercom => "Intercom",
            SiteField::LandYard => "Patio",
            SiteField::YardPhase => "Patio de la fase",
        };
        // Every posted id is checked, even where it will be cleared: a bad value is an error.
        let mut posted = [None; SiteField::ALL.len()];
        for (slot, field) in posted.iter_mut().zip(SiteField::ALL) {
            *slot = id(e, field.name(), self.site(field), labels(field));
        }
        let value = |field: SiteField| {
            SiteField::ALL
                .iter()
                .position(|f| *f == field)
                .and_then(|i| posted[i])
        };
        let applies = |field: SiteField| front.is_some_and(|f| f.site_fields().contains(&field));
        let kept = |field: SiteField| if applies(field) { value(field) } else { None };
        let mut place = Place {
            front,
            sites: Sites {
                vessel: kept(SiteField::Vessel),
                platform: kept(SiteField::Platform),
                intercom: kept(SiteField::Intercom),
                yard: kept(SiteField::LandYard),
            },
            requires_yard: false,
            yard_start: None,
            yard_end: None,
        };
        if applies(SiteField::YardPhase) && self.yard_phase_checked() {
            place.requires_yard = true;
            if value(SiteField::YardPhase).is_none() && e.get("id_patio_fase").is_none() {
                e.add("id_patio_fase", "Seleccione el patio de la fase en patio.");
            }
            place.sites.yard = value(SiteField::YardPhase);
            place.yard_start = date(e, "fecha_inicio_patio", &self.fecha_inicio_patio);
            place.yard_end = date(e, "fecha_fin_patio", &self.fecha_fin_patio);
            window(
                e,
                "fecha_fin_patio",
                place.yard_start,
                place.yard_end,
                "de la fase en patio",
            );
        }
        place
    }

    fn schedule(&self, e: &mut FieldErrors) -> Schedule {
        let amount_mxn = money(e, "monto_mxn", &self.monto_mxn);
        let amount_usd = money(e, "monto_usd", &self.monto_usd);
        let planned_start = date(e, "fecha_inicio_programado", &self.fecha_inicio_programado);
        let mut planned_end = date(
            e,
            "fecha_termino_programado",
            &self.fecha_termino_programado,
        );
        let real_start = date(e, "fecha_inicio_real", &self.fecha_inicio_real);
        let real_end = date(e, "fecha_termino_real", &self.fecha_termino_real);
        let duration_days = match self.plazo_dias.trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(n) if (0..=MAX_DURATION_DAYS).contains(&n) => i32::try_from(n).ok(),
                Ok(n) if n < 0 => {
                    e.add("plazo_dias", "El plazo no puede ser negativo.");
                    None
                }
                _ => {
                    e.add(
                        "plazo_dias",
                        format!(
                            "El plazo debe ser un número entero de días (0 a {MAX_DURATION_DAYS})."
                        ),
                    );
                    None
                }
            },
        };
        // Inclusive: a 10-day job starting on the 1st ends on the 10th, as progress counts days.
        if planned_end.is_none()
            && let (Some(start), Some(days)) = (planned_start, duration_days)
            && days > 0
        {
            planned_end = Some(start + Duration::days(i64::from(days) - 1));
        }
        window(
            e,
            "fecha_termino_programado",
            planned_start,
            planned_end,
            "programada",
        );
        window(e, "fecha_termino_real", real_start, real_end, "real");
        Schedule {
            amount_mxn,
            amount_usd,
            planned_start,
            planned_end,
            real_start,
            real_end,
            duration_days,
        }
    }
}

/// What an order's search text is made of (W12): its own words and its PTE's folio. Client and
/// project-manager names are not copied in: a rename would have to rewrite every order, so the
/// list matches them through their catalogs instead.
#[derive(Debug, Clone, Copy)]
pub struct SearchParts<'a> {
    pub folio: &'a str,
    pub oficio: &'a str,
    pub pte_folio: &'a str,
    pub description: &'a str,
    pub client_representative: &'a str,
}

/// The text the list's free-text filter searches (W12), folded here (lower case, no accents: the
/// same on both backends), stored with the order and indexed (trigrams) by the database.
pub fn searchable_text(p: SearchParts<'_>) -> String {
    fold(&format!(
        "{}\n{}\n{}\n{}\n{}",
        p.folio, p.oficio, p.pte_folio, p.description, p.client_representative
    ))
}

/// Most words a search combines.
pub const MAX_SEARCH_WORDS: usize = 8;

/// The words a list search looks for (W12), folded like `searchable_text`: every word must
/// appear, in any order, as a whole word or a part of one ("repar" finds "reparación").
pub fn search_words(text: &str) -> Vec<String> {
    fold(text)
        .split_whitespace()
        .take(MAX_SEARCH_WORDS)
        .map(str::to_owned)
        .collect()
}

/// The kind posted to quick creation (W2): blank is INICIAL (the PTE page's default), anything
/// else must be a kind's code. The HTML page and the JSON API both parse it here.
pub fn quick_kind(raw: &str) -> Result<WorkOrderKind, FieldErrors> {
    match raw.trim() {
        "" => Ok(WorkOrderKind::Initial),
        code => code.parse().map_err(|_| {
            let mut e = FieldErrors::default();
            e.add(
                "id_tipo",
                "El tipo debe ser 4 (INICIAL) o 5 (REPROGRAMACIÓN).",
            );
            e
        }),
    }
}

/// The year the list's year filter uses (W12): the oficio's `-YYYY` suffix, else the planned
/// start's year.
pub fn list_year(oficio: &str, planned_start: Option<NaiveDate>) -> Option<i32> {
    let suffix = oficio.trim().rsplit_once('-').map(|(_, y)| y);
    match suffix {
        Some(y) if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) => y.parse().ok(),
        _ => planned_start.map(|d| d.year()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w5_a_conflict_keeps_the_colleagues_changes_and_the_users_own() {
        let original = WorkOrderForm {
            oficio_ot: "PEP-1".into(),
            descripcion_trabajo: "Inicial".into(),
            responsable_cliente: "Ing. Uno".into(),
            version: "1".into(),
            ..WorkOrderForm::default()
        };
        let current = WorkOrderForm {
            oficio_ot: "PEP-COLEGA".into(),
            responsable_cliente: "Ing. Colega".into(),
            version: "2".into(),
            ..original.clone()
        };
        let mine = WorkOrderForm {
            descripcion_trabajo: "Mía".into(),
            responsable_cliente: "Ing. Mío".into(),
            ..original.clone()
        };
        let (merged, both) = merge_after_conflict(&mine, &original, &current);
        assert_eq!(merged.oficio_ot, "PEP-COLEGA", "not mine: the colleague's");
        assert_eq!(merged.descripcion_trabajo, "Mía", "only mine changed it");
        assert_eq!(merged.responsable_cliente, "Ing. Mío", "both: mine, shown");
        assert_eq!(merged.version, "2");
        assert_eq!(both, vec!["responsable_cliente"]);
    }

    fn valid() -> WorkOrderForm {
        WorkOrderForm {
            orden_trabajo: "OT-2025-001".into(),
            oficio_ot: "PEP-123-2025".into(),
            id_tipo: "4".into(),
            id_pte: "7".into(),
            descripcion_trabajo: "Mantenimiento".into(),
            responsable_proyecto: "1".into(),
            responsable_cliente: "Ing. Pérez".into(),
            ..Default::default()
        }
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn w1_a_minimal_initial_order_parses_with_blank_amounts_as_zero() {
        let input = valid().parse(Mode::Create).unwrap();
        assert_eq!(input.kind, WorkOrderKind::Initial);
        assert_eq!(input.planning_doc_id, Some(7));
        assert_eq!((input.amount_mxn, input.amount_usd), (0, 0));
        assert_eq!(input.folio, "OT-2025-001");
    }

    #[test]
    fn w1_every_required_field_gets_its_own_message_at_once() {
        let errors = WorkOrderForm::default().parse(Mode::Create).unwrap_err();
        for field in [
            "id_tipo",
            "oficio_ot",
            "descripcion_trabajo",
            "responsable_proyecto",
            "responsable_cliente",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let mut form = valid();
        form.orden_trabajo.clear();
        assert!(
            form.parse(Mode::Create)
                .unwrap_err()
                .get("orden_trabajo")
                .is_some()
        );
    }

    #[test]
    fn w1_bad_values_are_reported_per_field() {
        let mut form = valid();
        form.monto_mxn = "abc".into();
        form.monto_usd = "-5".into();
        form.fecha_inicio_programado = "31/02/2025".into();
        form.fecha_termino_real = "2025-13-01".into();
        form.plazo_dias = "diez".into();
        form.id_cliente = "x".into();
        form.orden_trabajo = "F".repeat(101);
        form.descripcion_trabajo = "a\u{0}b".into();
        let errors = form.parse(Mode::Create).unwrap_err();
        let fields: Vec<_> = errors.0.keys().copied().collect();
        assert_eq!(
            fields,
            [
                "descripcion_trabajo",
                "fecha_inicio_programado",
                "fecha_termino_real",
                "id_cliente",
                "monto_mxn",
                "monto_usd",
                "orden_trabajo",
                "plazo_dias"
            ]
        );
    }

    #[test]
    fn w1_start_after_end_is_refused_for_planned_real_and_yard_windows() {
        let mut form = valid();
        form.fecha_inicio_programado = "2025-03-10".into();
        form.fecha_termino_programado = "2025-03-01".into();
        form.fecha_inicio_real = "10/03/2025".into();
        form.fecha_termino_real = "01/03/2025".into();
        form.id_frente = "2".into();
        form.check_fase_patio = "on".into();
        form.id_patio_fase = "1".into();
        form.fecha_inicio_patio = "2025-03-10".into();
        form.fecha_fin_patio = "2025-03-09".into();
        let errors = form.parse(Mode::Create).unwrap_err();
        assert!(errors.get("fecha_termino_programado").is_some());
        assert!(errors.get("fecha_termino_real").is_some());
        assert!(errors.get("fecha_fin_patio").is_some());
    }

    #[test]
    fn w1_duration_fills_a_blank_planned_end_inclusively_and_never_overrides_a_given_one() {
        let mut form = valid();
        form.fecha_inicio_programado = "2025-03-01".into();
        form.plazo_dias = "10".into();
        assert_eq!(
            form.parse(Mode::Create).unwrap().planned_end,
            d(2025, 3, 10)
        );
        form.fecha_termino_programado = "2025-03-11".into();
        let input = form.parse(Mode::Create).unwrap();
        assert_eq!(input.planned_end, d(2025, 3, 11), "stored as given");
        assert_eq!(input.duration_days, Some(10));
    }

    #[test]
    fn w4_a_reprogramming_needs_its_parent_and_takes_no_folio_or_pte_from_the_form() {
        let mut form = valid();
        form.id_tipo = "5".into();
        assert!(
            form.parse(Mode::Create)
                .unwrap_err()
                .get("ot_principal")
                .is_some()
        );
        form.ot_principal = "3".into();
        form.orden_trabajo.clear();
        let input = form.parse(Mode::Create).unwrap();
        assert_eq!(input.parent_id, Some(3));
        assert_eq!(input.planning_doc_id, None);
        assert_eq!(input.folio, "");
    }

    #[test]
    fn w2_an_initial_order_needs_a_pte_and_unknown_kinds_are_refused() {
        let mut form = valid();
        form.id_pte.clear();
        assert!(
            form.parse(Mode::Create)
                .unwrap_err()
                .get("id_pte")
                .is_some()
        );
        form.id_tipo = "6".into();
        assert!(
            form.parse(Mode::Create)
                .unwrap_err()
                .get("id_tipo")
                .is_some()
        );
    }

    #[test]
    fn w5_edit_keeps_the_stored_kind_and_parent_whatever_is_posted() {
        let mut form = valid();
        form.id_tipo = "5".into();
        form.ot_principal = "99".into();
        let mode = Mode::Edit {
            kind: WorkOrderKind::Initial,
            parent_id: None,
            planning_doc_id: Some(7),
        };
        let input = form.parse(mode).unwrap();
        assert_eq!(
            (input.kind, input.parent_id, input.planning_doc_id),
            (WorkOrderKind::Initial, None, Some(7))
        );
    }

    #[test]
    fn w6_land_keeps_the_yard_as_location_and_clears_vessel_and_yard_phase() {
        let mut form = valid();
        form.id_frente = "1".into();
        form.id_patio = "2".into();
        form.id_embarcacion = "6".into();
        form.id_plataforma = "9".into();
        form.check_fase_patio = "on".into();
        form.id_patio_fase = "3".into();
        form.fecha_inicio_patio = "2025-01-01".into();
        let input = form.parse(Mode::Create).unwrap();
        assert_eq!(
            input.sites,
            Sites {
                vessel: None,
                platform: Some(9),
                intercom: None,
                yard: Some(2)
            }
        );
        assert!(!input.requires_yard);
        assert_eq!((input.yard_start, input.yard_end), (None, None));
    }

    #[test]
    fn w6_vessel_with_the_phase_checked_needs_a_yard_and_keeps_its_dates() {
        let mut form = valid();
        form.id_frente = "2".into();
        form.id_embarcacion = "6".into();
        form.id_patio = "1".into();
        form.check_fase_patio = "on".into();
        assert!(
            form.parse(Mode::Create)
                .unwrap_err()
                .get("id_patio_fase")
                .is_some()
        );
        form.id_patio_fase = "3".into();
        form.fecha_inicio_patio = "2025-01-01".into();
        form.fecha_fin_patio = "2025-01-31".into();
        let input = form.parse(Mode::Create).unwrap();
        assert!(input.requires_yard);
        assert_eq!(input.sites.yard, Some(3), "the land yard field is ignored");
        assert_eq!(input.sites.vessel, Some(6));
        assert_eq!(
            (input.yard_start, input.yard_end),
            (d(2025, 1, 1), d(2025, 1, 31))
        );
    }

    #[test]
    fn w6_unchecked_phase_clears_yard_and_platform_front_clears_vessel_and_intercom() {
        let mut form = valid();
        form.id_frente = "4".into();
        form.id_embarcacion = "6".into();
        form.id_intercom = "4".into();
        form.id_plataforma = "9".into();
        form.id_patio_fase = "3".into();
        form.fecha_inicio_patio = "2025-01-01".into();
        let input = form.parse(Mode::Create).unwrap();
        assert_eq!(
            input.sites,
            Sites {
                platform: Some(9),
                ..Sites::default()
            }
        );
        assert!(!input.requires_yard);
        assert_eq!(input.yard_start, None);
    }

    #[test]
    fn w6_no_front_clears_every_site() {
        let mut form = valid();
        form.id_embarcacion = "6".into();
        form.id_patio = "1".into();
        let input = form.parse(Mode::Create).unwrap();
        assert_eq!(input.sites, Sites::default());
    }

    #[test]
    fn w12_list_year_comes_from_the_oficio_suffix_else_the_planned_start() {
        assert_eq!(list_year("PEP-123-2024", d(2025, 1, 1)), Some(2024));
        assert_eq!(list_year("PEP-123", d(2025, 1, 1)), Some(2025));
        assert_eq!(list_year("PENDIENTE", None), None);
        assert_eq!(list_year("A-20245", d(2023, 5, 1)), Some(2023));
    }
}
