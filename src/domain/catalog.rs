//! The catalogs an administrator keeps (clients, project managers, sites, fronts, OT and step
//! statuses): what an entry holds, how its form parses, and which codes the rules depend on.

use serde::Deserialize;

use super::codes::{front, ot_status, site_category, step_status};
use super::input::FieldErrors;

/// Longest description an entry may have (the pickers and the print view show it whole).
pub const DESCRIPTION_MAX: usize = 200;
/// Longest comment.
pub const COMMENT_MAX: usize = 1000;

/// Client types (DOMAIN.md §2).
pub const CLIENT_TYPES: [(i32, &str); 2] = [(15, "CONTRATO"), (16, "INTERCOM")];
/// Site categories (DOMAIN.md §2).
pub const SITE_CATEGORIES: [(i32, &str); 4] = [
    (site_category::YARD, "PATIO"),
    (site_category::INTERCOM, "INTERCOM"),
    (site_category::VESSEL, "EMBARCACION"),
    (site_category::PLATFORM, "PLATAFORMA"),
];
/// Clients the seeded step rule names (DOMAIN.md §2: 1 is the default contract client).
const RULE_CLIENTS: [i32; 4] = [1, 2, 3, 4];

/// One administered catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Catalog {
    Clients,
    ProjectManagers,
    Sites,
    Fronts,
    OtStatuses,
    StepStatuses,
    /// Units of measure of the annexes (W14): `description` is the clave ("M2"), `comment` the name.
    Units,
}

/// The classifying field some catalogs have (client type, site category).
#[derive(Debug, Clone, Copy)]
pub struct Group {
    pub label: &'static str,
    pub options: &'static [(i32, &'static str)],
    /// The messages for a missing and an unknown choice.
    pub missing: &'static str,
    pub unknown: &'static str,
}

impl Group {
    pub fn name(&self, id: Option<i32>) -> &'static str {
        self.options
            .iter()
            .find(|(o, _)| Some(*o) == id)
            .map_or("", |(_, n)| n)
    }
}

impl Catalog {
    pub const ALL: [Catalog; 7] = [
        Catalog::Clients,
        Catalog::ProjectManagers,
        Catalog::Sites,
        Catalog::Fronts,
        Catalog::OtStatuses,
        Catalog::StepStatuses,
        Catalog::Units,
    ];

    /// The labels of the two text fields: (description, comment).
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Catalog::Units => ("Clave", "Nombre"),
            _ => ("Descripción", "Comentario"),
        }
    }

    /// The path segment under `/admin/catalogos/`.
    pub fn slug(self) -> &'static str {
        match self {
            Catalog::Clients => "clientes",
            Catalog::ProjectManagers => "responsables",
            Catalog::Sites => "sitios",
            Catalog::Fronts => "frentes",
            Catalog::OtStatuses => "estatus-ot",
            Catalog::StepStatuses => "estatus-pasos",
            Catalog::Units => "unidades",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Catalog> {
        Catalog::ALL.into_iter().find(|c| c.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Catalog::Clients => "Clientes",
            Catalog::ProjectManagers => "Responsables de proyecto",
            Catalog::Sites => "Sitios",
            Catalog::Fronts => "Frentes de trabajo",
            Catalog::OtStatuses => "Estatus de OT",
            Catalog::StepStatuses => "Estatus de pasos",
            Catalog::Units => "Unidades de medida",
        }
    }

    /// "el cliente", "el sitio"…: for messages.
    pub fn the_one(self) -> &'static str {
        match self {
            Catalog::Clients => "el cliente",
            Catalog::ProjectManagers => "el responsable",
            Catalog::Sites => "el sitio",
            Catalog::Fronts => "el frente",
            Catalog::OtStatuses | Catalog::StepStatuses => "el estatus",
            Catalog::Units => "la unidad",
        }
    }

    /// The table, as the activity log names it.
    pub fn table(self) -> &'static str {
        match self {
            Catalog::Clients => "clients",
            Catalog::ProjectManagers => "project_managers",
            Catalog::Sites => "sites",
            Catalog::Fronts => "fronts",
            Catalog::OtStatuses | Catalog::StepStatuses => "statuses",
            Catalog::Units => "units",
        }
    }

    pub fn group(self) -> Option<Group> {
        match self {
            Catalog::Clients => Some(Group {
                label: "Tipo de cliente",
                options: &CLIENT_TYPES,
                missing: "Elija el tipo de cliente.",
                unknown: "El tipo de cliente elegido no existe.",
            }),
            Catalog::Sites => Some(Group {
                label: "Categoría",
                options: &SITE_CATEGORIES,
                missing: "Elija la categoría del sitio.",
                unknown: "La categoría elegida no existe.",
            }),
            _ => None,
        }
    }

    /// Fronts and statuses are codes the rules act on (W6, W8, W9): every entry is one of
    /// DOMAIN.md §2, so they can be renamed and commented but not added to or deactivated.
    pub fn is_fixed(self) -> bool {
        matches!(
            self,
            Catalog::Fronts | Catalog::OtStatuses | Catalog::StepStatuses
        )
    }

    /// Whether an entry is a code the rules depend on (DOMAIN.md §2): never deactivated.
    pub fn is_protected(self, id: i32) -> bool {
        match self {
            Catalog::Clients => RULE_CLIENTS.contains(&id),
            Catalog::ProjectManagers | Catalog::Sites | Catalog::Units => false,
            Catalog::Fronts => [front::LAND, front::VESSEL, front::PLATFORM].contains(&id),
            Catalog::OtStatuses => ot_status::ALL.contains(&id),
            Catalog::StepStatuses => [
                step_status::PENDING,
                step_status::IN_PROCESS,
                step_status::COMPLETED,
                step_status::CANCELLED,
                step_status::NOT_APPLICABLE,
            ]
            .contains(&id),
        }
    }
}

/// The entry form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EntryForm {
    pub descripcion: String,
    pub grupo: String,
    pub comentario: String,
}

/// A checked entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInput {
    pub description: String,
    pub group: Option<i32>,
    pub comment: String,
}

/// Trims and collapses inner runs of whitespace, so "PEMEX  " and "PEMEX" are one name.
pub fn clean_name(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key two names are compared by: case and accents do not make a different entry.
pub fn name_key(name: &str) -> String {
    clean_name(name)
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'Á' | 'À' | 'Ä' => 'a',
            'é' | 'è' | 'ë' | 'É' | 'È' | 'Ë' => 'e',
            'í' | 'ì' | 'ï' | 'Í' | 'Ì' | 'Ï' => 'i',
            'ó' | 'ò' | 'ö' | 'Ó' | 'Ò' | 'Ö' => 'o',
            'ú' | 'ù' | 'ü' | 'Ú' | 'Ù' | 'Ü' => 'u',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A cleaned description (field `descripcion`), or its error; `missing` is the message for blank.
pub fn description(errors: &mut FieldErrors, raw: &str, missing: &str) -> String {
    let description = clean_name(raw);
    if description.is_empty() {
        errors.add("descripcion", missing);
    } else if description.chars().count() > DESCRIPTION_MAX {
        errors.add(
            "descripcion",
            format!("La descripción admite hasta {DESCRIPTION_MAX} caracteres."),
        );
    } else if description.chars().any(char::is_control) {
        errors.add("descripcion", "La descripción tiene caracteres no válidos.");
    }
    description
}

/// A trimmed comment (field `comentario`), or its error.
pub fn comment(errors: &mut FieldErrors, raw: &str) -> String {
    let comment = raw.trim().to_owned();
    if comment.chars().count() > COMMENT_MAX {
        errors.add(
            "comentario",
            format!("El comentario admite hasta {COMMENT_MAX} caracteres."),
        );
    } else if comment.contains('\0') {
        errors.add("comentario", "El comentario tiene caracteres no válidos.");
    }
    comment
}

/// The name of a client type, or empty.
pub fn client_type_name(id: Option<i32>) -> &'static str {
    CLIENT_TYPES
        .iter()
        .find(|(t, _)| Some(*t) == id)
        .map_or("", |(_, n)| n)
}

impl EntryForm {
    pub fn parse(&self, catalog: Catalog) -> Result<EntryInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let description = if catalog == Catalog::Units {
            let clave = description(&mut errors, &self.descripcion, "Escriba la clave.");
            if clave.contains(' ') {
                errors.add(
                    "descripcion",
                    "La clave no lleva espacios (por ejemplo M2, PZA).",
                );
            }
            clave.to_uppercase()
        } else {
            description(&mut errors, &self.descripcion, "Escriba la descripción.")
        };
        let comment = comment(&mut errors, &self.comentario);
        let group = match catalog.group() {
            None => None,
            Some(g) => {
                let raw = self.grupo.trim();
                let found = raw
                    .parse::<i32>()
                    .ok()
                    .filter(|id| g.options.iter().any(|(o, _)| o == id));
                if found.is_none() {
                    let message = if raw.is_empty() { g.missing } else { g.unknown };
                    errors.add("grupo", message);
                }
                found
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(EntryInput {
            description,
            group,
            comment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(d: &str, g: &str) -> EntryForm {
        EntryForm {
            descripcion: d.into(),
            grupo: g.into(),
            comentario: String::new(),
        }
    }

    #[test]
    fn slugs_round_trip() {
        for c in Catalog::ALL {
            assert_eq!(Catalog::from_slug(c.slug()), Some(c));
        }
        assert_eq!(Catalog::from_slug("usuarios"), None);
    }

    #[test]
    fn the_codes_of_domain_section_2_are_protected() {
        for id in [5, 6, 7, 8, 9, 10, 11, 16] {
            assert!(Catalog::OtStatuses.is_protected(id));
        }
        for id in [1, 2, 3, 4, 14] {
            assert!(Catalog::StepStatuses.is_protected(id));
        }
        for id in [1, 2, 4] {
            assert!(Catalog::Fronts.is_protected(id));
        }
        for id in 1..=4 {
            assert!(Catalog::Clients.is_protected(id));
        }
        assert!(!Catalog::Clients.is_protected(5));
        assert!(!Catalog::Sites.is_protected(1));
        assert!(!Catalog::ProjectManagers.is_protected(1));
    }

    #[test]
    fn a_client_needs_a_known_client_type() {
        let e = form("ACME", "").parse(Catalog::Clients).unwrap_err();
        assert_eq!(e.get("grupo").unwrap(), "Elija el tipo de cliente.");
        let e = form("ACME", "99").parse(Catalog::Clients).unwrap_err();
        assert_eq!(
            e.get("grupo").unwrap(),
            "El tipo de cliente elegido no existe."
        );
        let ok = form("  ACME   Norte ", "16")
            .parse(Catalog::Clients)
            .unwrap();
        assert_eq!(ok.description, "ACME Norte");
        assert_eq!(ok.group, Some(16));
    }

    #[test]
    fn a_site_needs_a_category_and_a_pm_has_none() {
        assert!(form("Patio", "4").parse(Catalog::Sites).is_err());
        assert_eq!(
            form("Patio", "3").parse(Catalog::Sites).unwrap().group,
            Some(3)
        );
        assert_eq!(
            form("Ing. X", "3")
                .parse(Catalog::ProjectManagers)
                .unwrap()
                .group,
            None
        );
    }

    #[test]
    fn description_is_required_and_bounded() {
        assert!(form("   ", "").parse(Catalog::ProjectManagers).is_err());
        let long = "x".repeat(DESCRIPTION_MAX + 1);
        assert!(form(&long, "").parse(Catalog::ProjectManagers).is_err());
        let exact = "x".repeat(DESCRIPTION_MAX);
        assert!(form(&exact, "").parse(Catalog::ProjectManagers).is_ok());
    }

    #[test]
    fn names_compare_without_case_accents_or_extra_spaces() {
        assert_eq!(
            name_key("  Patio  Ciudad del CARMEN"),
            name_key("patio ciudad del carmen")
        );
        assert_eq!(name_key("Abkatún"), name_key("ABKATUN"));
        assert_ne!(name_key("Abkatún A"), name_key("Abkatún B"));
    }
}
