//! W3: which step-template set an OT gets, from the editable rule table; the forms an
//! administrator edits templates and rules with.

use serde::Deserialize;

use super::catalog::{self, CLIENT_TYPES};
use super::codes::{kind, template_set};
use super::input::FieldErrors;

/// OT kinds, as the rule table names them.
pub const KINDS: [(i32, &str); 2] = [
    (kind::INITIAL, "INICIAL"),
    (kind::REPROGRAMMING, "REPROGRAMACION"),
];

/// Template sets (DOMAIN.md §2).
pub const TEMPLATE_SETS: [(i32, &str); 3] = [
    (template_set::INITIAL, "INICIAL"),
    (template_set::REPROGRAMMING, "REPROGRAMACION"),
    (template_set::INTERCOM, "INTERCOM"),
];

/// Highest position a template may have.
pub const POSITION_MAX: i32 = 9999;

fn name_of(list: &[(i32, &'static str)], id: i32) -> &'static str {
    list.iter().find(|(i, _)| *i == id).map_or("", |(_, n)| n)
}

pub fn kind_name(id: i32) -> &'static str {
    name_of(&KINDS, id)
}

pub fn set_name(id: i32) -> &'static str {
    name_of(&TEMPLATE_SETS, id)
}

fn pick(raw: &str, list: &[(i32, &str)]) -> Option<i32> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|id| list.iter().any(|(i, _)| i == id))
}

/// One row of the rule table: an OT of `kind` (and of `client`, or any client when `None`) gets
/// the templates of `template_set`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepRule {
    pub kind: i32,
    pub client: Option<i32>,
    pub template_set: i32,
}

/// The set for an OT: the rule for its kind and client if there is one, else the kind's rule for
/// any client, else `None` (the OT gets no steps; the rule table says so on the admin page).
pub fn pick_template_set(rules: &[StepRule], kind: i32, client: Option<i32>) -> Option<i32> {
    let exact = client.and_then(|c| rules.iter().find(|r| r.kind == kind && r.client == Some(c)));
    exact
        .or_else(|| rules.iter().find(|r| r.kind == kind && r.client.is_none()))
        .map(|r| r.template_set)
}

/// A rule in plain Spanish: "Reprogramación del cliente «X» → plantillas INTERCOM".
pub fn describe(kind: i32, client: Option<&str>, set: i32) -> String {
    let who = match (kind, client) {
        (kind::INITIAL, Some(c)) => format!("OT inicial del cliente «{c}»"),
        (kind::INITIAL, None) => {
            "OT inicial de un cliente sin regla propia, o sin cliente".to_owned()
        }
        (_, Some(c)) => format!("Reprogramación del cliente «{c}»"),
        (_, None) => "Reprogramación de un cliente sin regla propia, o sin cliente".to_owned(),
    };
    format!("{who} → plantillas {}", set_name(set))
}

/// The step-template form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    pub conjunto: String,
    pub descripcion: String,
    /// Blank: at the end of the set.
    pub orden: String,
    pub tipo_cliente: String,
    pub comentario: String,
}

/// A checked step template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInput {
    pub set: i32,
    pub description: String,
    pub position: Option<i32>,
    pub client_type: Option<i32>,
    pub comment: String,
}

impl TemplateForm {
    pub fn parse(&self) -> Result<TemplateInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let set = pick(&self.conjunto, &TEMPLATE_SETS);
        if set.is_none() {
            errors.add(
                "conjunto",
                "Elija el conjunto: INICIAL, REPROGRAMACION o INTERCOM.",
            );
        }
        let description = catalog::description(
            &mut errors,
            &self.descripcion,
            "Escriba la descripción del paso.",
        );
        let position = match self.orden.trim() {
            "" => None,
            raw => match raw.parse::<i32>() {
                Ok(n) if (1..=POSITION_MAX).contains(&n) => Some(n),
                _ => {
                    errors.add(
                        "orden",
                        format!("El orden es un número entero de 1 a {POSITION_MAX}."),
                    );
                    None
                }
            },
        };
        let client_type = match self.tipo_cliente.trim() {
            "" => None,
            raw => {
                let found = pick(raw, &CLIENT_TYPES);
                if found.is_none() {
                    errors.add("tipo_cliente", "El tipo de cliente elegido no existe.");
                }
                found
            }
        };
        let comment = catalog::comment(&mut errors, &self.comentario);
        match (set, errors.is_empty()) {
            (Some(set), true) => Ok(TemplateInput {
                set,
                description,
                position,
                client_type,
                comment,
            }),
            _ => Err(errors),
        }
    }
}

/// The form that adds a rule or changes one's template set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RuleForm {
    pub tipo: String,
    /// Blank: any other client (the kind's default rule).
    pub cliente: String,
    pub conjunto: String,
}

/// A checked rule; the client is checked against the catalog by the service.
pub fn parse_rule(form: &RuleForm) -> Result<StepRule, FieldErrors> {
    let mut errors = FieldErrors::default();
    let kind = pick(&form.tipo, &KINDS);
    if kind.is_none() {
        errors.add("tipo", "Elija el tipo de OT: INICIAL o REPROGRAMACION.");
    }
    let client = match form.cliente.trim() {
        "" => None,
        raw => match raw.parse::<i32>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.add("cliente", "El cliente elegido no existe.");
                None
            }
        },
    };
    let set = pick(&form.conjunto, &TEMPLATE_SETS);
    if set.is_none() {
        errors.add("conjunto", "Elija el conjunto de plantillas.");
    }
    match (kind, set, errors.is_empty()) {
        (Some(kind), Some(template_set), true) => Ok(StepRule {
            kind,
            client,
            template_set,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule the migrations seed, exactly the seed's.
    fn seeded() -> Vec<StepRule> {
        let r = |kind, client, template_set| StepRule {
            kind,
            client,
            template_set,
        };
        vec![
            r(5, Some(1), 5),
            r(5, Some(2), 18),
            r(5, Some(3), 18),
            r(5, Some(4), 18),
            r(5, None, 5),
            r(4, None, 5),
        ]
    }

    #[test]
    fn kind_5_client_1_uses_set_5() {
        assert_eq!(
            pick_template_set(&seeded(), kind::REPROGRAMMING, Some(1)),
            Some(template_set::REPROGRAMMING)
        );
    }

    #[test]
    fn kind_5_clients_2_3_4_use_set_18() {
        for client in [2, 3, 4] {
            assert_eq!(
                pick_template_set(&seeded(), kind::REPROGRAMMING, Some(client)),
                Some(template_set::INTERCOM)
            );
        }
    }

    #[test]
    fn kind_5_other_or_no_client_uses_set_5() {
        assert_eq!(
            pick_template_set(&seeded(), kind::REPROGRAMMING, Some(5)),
            Some(5)
        );
        assert_eq!(
            pick_template_set(&seeded(), kind::REPROGRAMMING, None),
            Some(5)
        );
    }

    #[test]
    fn kind_4_uses_set_5_whatever_the_client() {
        for client in [None, Some(1), Some(2), Some(3), Some(4), Some(99)] {
            assert_eq!(pick_template_set(&seeded(), kind::INITIAL, client), Some(5));
        }
    }

    #[test]
    fn an_unknown_kind_gets_no_set() {
        assert_eq!(pick_template_set(&seeded(), 7, Some(1)), None);
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;

    fn template(set: &str, description: &str, position: &str) -> TemplateForm {
        TemplateForm {
            conjunto: set.into(),
            descripcion: description.into(),
            orden: position.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_template_needs_a_known_set_and_a_description() {
        let e = template("7", " ", "").parse().unwrap_err();
        assert!(e.get("conjunto").is_some() && e.get("descripcion").is_some());
        let ok = template("18", " Visita  de obra ", "").parse().unwrap();
        assert_eq!(
            (ok.set, ok.description.as_str(), ok.position),
            (18, "Visita de obra", None)
        );
    }

    #[test]
    fn a_template_position_is_a_whole_number_in_range() {
        for bad in ["0", "-1", "1.5", "abc", "10000"] {
            let e = template("5", "Paso", bad).parse().unwrap_err();
            assert!(e.get("orden").is_some(), "{bad}");
        }
        assert_eq!(
            template("5", "Paso", "3").parse().unwrap().position,
            Some(3)
        );
    }

    #[test]
    fn a_rule_needs_a_kind_and_a_set_and_may_name_a_client() {
        let form = |t: &str, c: &str, s: &str| RuleForm {
            tipo: t.into(),
            cliente: c.into(),
            conjunto: s.into(),
        };
        assert_eq!(
            parse_rule(&form("5", "2", "18")).unwrap(),
            StepRule {
                kind: 5,
                client: Some(2),
                template_set: 18
            }
        );
        assert_eq!(parse_rule(&form("4", "", "5")).unwrap().client, None);
        let e = parse_rule(&form("6", "x", "3")).unwrap_err();
        assert_eq!(e.len(), 3);
    }

    #[test]
    fn rules_read_in_plain_spanish() {
        assert_eq!(
            describe(5, Some("Intercom Marina del Golfo"), 18),
            "Reprogramación del cliente «Intercom Marina del Golfo» → plantillas INTERCOM"
        );
        assert_eq!(
            describe(4, None, 5),
            "OT inicial de un cliente sin regla propia, o sin cliente → plantillas REPROGRAMACION"
        );
    }
}
