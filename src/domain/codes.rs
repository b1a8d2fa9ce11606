//! Catalog codes of DOMAIN.md section 2. Logic names these constants, never bare numbers; the
//! codes people and clients send as text (the kind, the front) are parsed here, once, into
//! enums (`WorkOrderKind`, `Front`), and the W6 table of which site fields each front uses lives
//! here too, so the form, the parse, the list and the seed read one table.

use std::fmt;
use std::str::FromStr;

/// OT kinds (`tipo`), also the ids of the template sets 4 and 5.
pub mod kind {
    pub const INITIAL: i32 = 4;
    pub const REPROGRAMMING: i32 = 5;
}

/// Step-template sets.
pub mod template_set {
    pub const INITIAL: i32 = 4;
    pub const REPROGRAMMING: i32 = 5;
    pub const INTERCOM: i32 = 18;
}

/// OT operational statuses.
pub mod ot_status {
    pub const ASSIGNED: i32 = 5;
    pub const CANCELLED: i32 = 6;
    pub const DEFERRED: i32 = 7;
    pub const IN_PROGRESS: i32 = 8;
    pub const SUSPENDED: i32 = 9;
    pub const FINISHED: i32 = 10;
    pub const TO_CANCEL: i32 = 11;
    pub const DEFERRED_NOT_STARTED: i32 = 16;
    pub const ALL: [i32; 8] = [
        ASSIGNED,
        IN_PROGRESS,
        SUSPENDED,
        DEFERRED,
        DEFERRED_NOT_STARTED,
        FINISHED,
        TO_CANCEL,
        CANCELLED,
    ];
}

/// Step statuses.
pub mod step_status {
    pub const PENDING: i32 = 1;
    pub const IN_PROCESS: i32 = 2;
    pub const COMPLETED: i32 = 3;
    pub const CANCELLED: i32 = 4;
    pub const NOT_APPLICABLE: i32 = 14;
}

/// `statuses.scope`: which catalog a status row belongs to.
pub mod status_scope {
    pub const OT: i32 = 2;
    pub const STEP: i32 = 4;
}

/// `fronts.scope`: the legacy table also holds the site categories.
pub mod front_scope {
    pub const WORK_FRONT: i32 = 2;
}

/// Work fronts of an OT.
pub mod front {
    pub const LAND: i32 = 1;
    pub const VESSEL: i32 = 2;
    pub const PLATFORM: i32 = 4;
}

/// Site categories.
pub mod site_category {
    pub const YARD: i32 = 3;
    pub const INTERCOM: i32 = 5;
    pub const VESSEL: i32 = 6;
    pub const PLATFORM: i32 = 7;
}

/// Record states of an OT.
pub mod record_state {
    pub const DELETED: i32 = 0;
    pub const ACTIVE: i32 = 1;
    pub const TO_DEFINE: i32 = -1;
}

/// PTE statuses.
pub mod pte_status {
    pub const PENDING: i32 = 1;
    pub const IN_PROCESS: i32 = 2;
    pub const DELIVERED: i32 = 3;
    pub const CANCELLED: i32 = 4;
    pub const SUSPENDED: i32 = 9;
    pub const ALL: [(i32, &str); 5] = [
        (PENDING, "PENDIENTE"),
        (IN_PROCESS, "PROCESO"),
        (DELIVERED, "ENTREGADA"),
        (CANCELLED, "CANCELADA"),
        (SUSPENDED, "SUSPENDIDA"),
    ];
}

/// A code that is not one of the catalog's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCode;

/// The kind of an OT (DOMAIN.md §1): an initial order, or a reprogrammed version of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkOrderKind {
    /// 4 INICIAL: comes from a PTE (W2).
    Initial,
    /// 5 REPROGRAMACION: a new version of an initial OT (W4).
    Reprogramming,
}

impl WorkOrderKind {
    /// The catalog id (`tipo`): 4 or 5.
    pub const fn id(self) -> i32 {
        match self {
            WorkOrderKind::Initial => kind::INITIAL,
            WorkOrderKind::Reprogramming => kind::REPROGRAMMING,
        }
    }

    /// The kind with this catalog id, if any.
    pub fn from_id(id: i32) -> Option<WorkOrderKind> {
        match id {
            kind::INITIAL => Some(WorkOrderKind::Initial),
            kind::REPROGRAMMING => Some(WorkOrderKind::Reprogramming),
            _ => None,
        }
    }

    /// Its name on pages.
    pub const fn label(self) -> &'static str {
        match self {
            WorkOrderKind::Initial => "INICIAL",
            WorkOrderKind::Reprogramming => "REPROGRAMACIÓN",
        }
    }

    /// The list's kind filter (W12): `todos` is every kind, `5` the reprogrammings, anything
    /// else (blank or unreadable) the default, the initial orders.
    pub fn list_filter(raw: &str) -> Option<WorkOrderKind> {
        match raw.trim() {
            "todos" => None,
            other => Some(other.parse().unwrap_or(WorkOrderKind::Initial)),
        }
    }
}

/// Parses the posted code, `"4"` or `"5"` (surrounding spaces allowed).
impl FromStr for WorkOrderKind {
    type Err = UnknownCode;

    fn from_str(raw: &str) -> Result<WorkOrderKind, UnknownCode> {
        raw.trim()
            .parse::<i32>()
            .ok()
            .and_then(WorkOrderKind::from_id)
            .ok_or(UnknownCode)
    }
}

/// The code as posted and stored: `4` or `5`.
impl fmt::Display for WorkOrderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id())
    }
}

/// The work front of an OT (DOMAIN.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Front {
    /// 1 TIERRA.
    Land,
    /// 2 BARCO.
    Vessel,
    /// 4 CP/PS (platform).
    Platform,
}

/// The site fields of the OT form, by their form names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SiteField {
    /// `id_embarcacion`: a vessel.
    Vessel,
    /// `id_plataforma`: a platform.
    Platform,
    /// `id_intercom`: an intercom site.
    Intercom,
    /// `id_patio`: the yard a land OT works in.
    LandYard,
    /// `id_patio_fase` with its checkbox and dates: the optional yard phase offshore.
    YardPhase,
}

impl SiteField {
    pub const ALL: [SiteField; 5] = [
        SiteField::Vessel,
        SiteField::Platform,
        SiteField::Intercom,
        SiteField::LandYard,
        SiteField::YardPhase,
    ];

    /// The form (and legacy API) field name.
    pub const fn name(self) -> &'static str {
        match self {
            SiteField::Vessel => "id_embarcacion",
            SiteField::Platform => "id_plataforma",
            SiteField::Intercom => "id_intercom",
            SiteField::LandYard => "id_patio",
            SiteField::YardPhase => "id_patio_fase",
        }
    }

    /// The category a site in this field must have (W1).
    pub const fn category(self) -> i32 {
        match self {
            SiteField::Vessel => site_category::VESSEL,
            SiteField::Platform => site_category::PLATFORM,
            SiteField::Intercom => site_category::INTERCOM,
            SiteField::LandYard | SiteField::YardPhase => site_category::YARD,
        }
    }

    /// The fronts this field applies to, as the form's `data-fronts` attribute ("1 2 4").
    pub fn fronts_attr(self) -> String {
        Front::ALL
            .iter()
            .filter(|f| f.site_fields().contains(&self))
            .map(|f| f.id().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Front {
    pub const ALL: [Front; 3] = [Front::Land, Front::Vessel, Front::Platform];

    /// The catalog id: 1, 2 or 4.
    pub const fn id(self) -> i32 {
        match self {
            Front::Land => front::LAND,
            Front::Vessel => front::VESSEL,
            Front::Platform => front::PLATFORM,
        }
    }

    /// The front with this catalog id, if any.
    pub fn from_id(id: i32) -> Option<Front> {
        Front::ALL.into_iter().find(|f| f.id() == id)
    }

    /// W6: the site fields that apply to this front; the others are cleared on save.
    /// TIERRA: yard (its work location), platform, intercom. BARCO: vessel, platform, intercom
    /// and the optional yard phase. CP/PS: platform and the optional yard phase.
    pub const fn site_fields(self) -> &'static [SiteField] {
        match self {
            Front::Land => &[
                SiteField::LandYard,
                SiteField::Platform,
                SiteField::Intercom,
            ],
            Front::Vessel => &[
                SiteField::Vessel,
                SiteField::Platform,
                SiteField::Intercom,
                SiteField::YardPhase,
            ],
            Front::Platform => &[SiteField::Platform, SiteField::YardPhase],
        }
    }

    /// True when the front offers the yard-phase checkbox (W6: offshore fronts).
    pub fn has_yard_phase(self) -> bool {
        self.site_fields().contains(&SiteField::YardPhase)
    }

    /// The site that names where the work happens, shown beside the front in lists.
    pub const fn main_site(self) -> SiteField {
        match self {
            Front::Land => SiteField::LandYard,
            Front::Vessel => SiteField::Vessel,
            Front::Platform => SiteField::Platform,
        }
    }
}

/// Parses the posted code, `"1"`, `"2"` or `"4"`.
impl FromStr for Front {
    type Err = UnknownCode;

    fn from_str(raw: &str) -> Result<Front, UnknownCode> {
        raw.trim()
            .parse::<i32>()
            .ok()
            .and_then(Front::from_id)
            .ok_or(UnknownCode)
    }
}

/// The record state of an OT (DOMAIN.md §1), stored as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordState {
    /// 1: a complete, active order.
    Active,
    /// 0: soft-deleted (W7).
    Deleted,
    /// -1 POR DEFINIR: quick-created from a PTE, awaiting its first edit (W2).
    ToDefine,
}

impl RecordState {
    /// The stored code: 1, 0 or -1.
    pub const fn code(self) -> i32 {
        match self {
            RecordState::Active => record_state::ACTIVE,
            RecordState::Deleted => record_state::DELETED,
            RecordState::ToDefine => record_state::TO_DEFINE,
        }
    }

    /// The state with this stored code, if any.
    pub fn from_code(code: i32) -> Option<RecordState> {
        [
            RecordState::Active,
            RecordState::Deleted,
            RecordState::ToDefine,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Its name on pages.
    pub const fn label(self) -> &'static str {
        match self {
            RecordState::Active => "ACTIVA",
            RecordState::Deleted => "ELIMINADA",
            RecordState::ToDefine => "POR DEFINIR",
        }
    }
}

/// Parses the stored code as text (`"1"`, `"0"`, `"-1"`), as the legacy API sends it.
impl FromStr for RecordState {
    type Err = UnknownCode;

    fn from_str(raw: &str) -> Result<RecordState, UnknownCode> {
        raw.trim()
            .parse::<i32>()
            .ok()
            .and_then(RecordState::from_code)
            .ok_or(UnknownCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_their_codes_only() {
        assert_eq!("4".parse(), Ok(WorkOrderKind::Initial));
        assert_eq!(" 5 ".parse(), Ok(WorkOrderKind::Reprogramming));
        for bad in ["", "1", "INICIAL", "4.0", "-4"] {
            assert_eq!(bad.parse::<WorkOrderKind>(), Err(UnknownCode), "{bad:?}");
        }
        assert_eq!(WorkOrderKind::Reprogramming.to_string(), "5");
    }

    #[test]
    fn the_list_filter_defaults_to_initial_and_todos_means_every_kind() {
        assert_eq!(WorkOrderKind::list_filter(""), Some(WorkOrderKind::Initial));
        assert_eq!(
            WorkOrderKind::list_filter("x"),
            Some(WorkOrderKind::Initial)
        );
        assert_eq!(
            WorkOrderKind::list_filter("5"),
            Some(WorkOrderKind::Reprogramming)
        );
        assert_eq!(WorkOrderKind::list_filter("todos"), None);
    }

    #[test]
    fn w6_each_front_has_the_site_fields_of_domain_md() {
        use SiteField::*;
        assert_eq!(Front::Land.site_fields(), &[LandYard, Platform, Intercom]);
        assert_eq!(
            Front::Vessel.site_fields(),
            &[Vessel, Platform, Intercom, YardPhase]
        );
        assert_eq!(Front::Platform.site_fields(), &[Platform, YardPhase]);
        assert!(!Front::Land.has_yard_phase());
        assert!(Front::Vessel.has_yard_phase() && Front::Platform.has_yard_phase());
    }

    #[test]
    fn w6_the_form_attributes_come_from_the_table() {
        let attrs: Vec<(&str, String)> = SiteField::ALL
            .iter()
            .map(|f| (f.name(), f.fronts_attr()))
            .collect();
        assert_eq!(
            attrs,
            vec![
                ("id_embarcacion", "2".to_owned()),
                ("id_plataforma", "1 2 4".to_owned()),
                ("id_intercom", "1 2".to_owned()),
                ("id_patio", "1".to_owned()),
                ("id_patio_fase", "2 4".to_owned()),
            ]
        );
    }

    #[test]
    fn fronts_and_record_states_round_trip_through_their_codes() {
        for f in Front::ALL {
            assert_eq!(f.id().to_string().parse(), Ok(f));
        }
        assert_eq!("3".parse::<Front>(), Err(UnknownCode));
        assert_eq!("-1".parse(), Ok(RecordState::ToDefine));
        assert_eq!(RecordState::from_code(7), None);
    }
}
