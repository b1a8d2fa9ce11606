//! Validating the annex's rows all-or-nothing against the units and the master concept catalog,
//! with the legacy's reasons for each refused row.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::sheet::{RawRow, norm};

/// A unit of measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: i32,
    pub clave: String,
    pub description: String,
}

/// A concept of the master catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    pub id: i32,
    pub code: String,
    pub description: String,
    pub unit_id: i32,
    pub price_mxn: i64,
    pub price_usd: i64,
    pub active: bool,
}

/// A valid item, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub row_number: i32,
    pub annex: String,
    pub code: String,
    pub description: String,
    pub unit: String,
    pub volume: i64,
    pub price_mxn: i64,
    pub price_usd: i64,
    /// Days with a programmed volume above zero.
    pub days: Vec<(NaiveDate, i64)>,
}

/// Why a row was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub sheet_row: usize,
    pub code: String,
    pub reason: String,
}

/// Units and active concepts, indexed for the checks.
pub struct Reference<'a> {
    units: HashMap<String, &'a Unit>,
    unit_by_id: HashMap<i32, &'a Unit>,
    exact: HashMap<(String, String, i32), &'a Concept>,
    by_code: HashMap<String, Vec<&'a Concept>>,
    descriptions: HashSet<String>,
}

impl<'a> Reference<'a> {
    pub fn new(units: &'a [Unit], concepts: &'a [Concept]) -> Reference<'a> {
        let mut r = Reference {
            units: HashMap::new(),
            unit_by_id: HashMap::new(),
            exact: HashMap::new(),
            by_code: HashMap::new(),
            descriptions: HashSet::new(),
        };
        for u in units {
            r.units.insert(norm(&u.clave), u);
            r.units.entry(norm(&u.description)).or_insert(u);
            r.unit_by_id.insert(u.id, u);
        }
        for c in concepts.iter().filter(|c| c.active) {
            let (code, description) = (norm(&c.code), norm(&c.description));
            r.exact
                .insert((code.clone(), description.clone(), c.unit_id), c);
            r.by_code.entry(code).or_default().push(c);
            r.descriptions.insert(description);
        }
        r
    }

    pub(super) fn unit(&self, raw: &str) -> Option<&'a Unit> {
        self.units.get(raw).copied()
    }

    /// Why a row matches no active concept (the legacy's reasons, kept word for word).
    fn mismatch(&self, row: &RawRow, unit: &Unit) -> String {
        if let Some(same_code) = self.by_code.get(&row.code) {
            let mut reasons = Vec::new();
            if !same_code
                .iter()
                .any(|c| norm(&c.description) == row.description)
            {
                reasons.push("DESCRIPCIÓN DIFERENTE.".to_owned());
            }
            if !same_code.iter().any(|c| c.unit_id == unit.id) {
                let catalog = same_code
                    .first()
                    .and_then(|c| self.unit_by_id.get(&c.unit_id))
                    .map_or(String::new(), |u| u.clave.clone());
                reasons.push(format!(
                    "UNIDAD DIFERENTE. Excel: '{}' vs Catálogo: '{catalog}'",
                    row.unit
                ));
            }
            if reasons.is_empty() {
                "Posible duplicidad en catálogo.".to_owned()
            } else {
                reasons.join(" ")
            }
        } else if self.descriptions.contains(&row.description) {
            format!("CÓDIGO INCORRECTO. Partida '{}' no existe.", row.code)
        } else {
            "NO ENCONTRADO en catálogo.".to_owned()
        }
    }
}

/// Validates every row; the items only when no row fails (all-or-nothing). The catalog's unit
/// price wins when it is above zero, for each currency.
pub fn validate(rows: &[RawRow], reference: &Reference) -> Result<Vec<Item>, Vec<RowError>> {
    let mut items = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    for row in rows {
        let fail = |reason: String| RowError {
            sheet_row: row.sheet_row,
            code: row.code.clone(),
            reason,
        };
        let Some(unit) = reference.unit(&row.unit) else {
            errors.push(fail(format!(
                "Unidad '{}' no existe en el sistema.",
                row.unit
            )));
            continue;
        };
        let key = (row.code.clone(), row.description.clone(), unit.id);
        let Some(concept) = reference.exact.get(&key) else {
            errors.push(fail(reference.mismatch(row, unit)));
            continue;
        };
        let mut bad = Vec::new();
        match row.volume {
            Some(v) if v >= 0 => {}
            _ => bad.push("VOLUMEN PTE no es un número válido (≥ 0)."),
        }
        if !matches!(row.price_mxn, Some(p) if p >= 0) {
            bad.push("P.U. M.N. no es un número válido (≥ 0).");
        }
        if !matches!(row.price_usd, Some(p) if p >= 0) {
            bad.push("P.U. USD no es un número válido (≥ 0).");
        }
        if row
            .days
            .iter()
            .any(|(_, v)| !matches!(v, Some(v) if *v >= 0))
        {
            bad.push("Un volumen programado por día no es un número válido (≥ 0).");
        }
        if !bad.is_empty() {
            errors.push(fail(bad.join(" ")));
            continue;
        }
        let pick = |catalog: i64, excel: Option<i64>| {
            if catalog > 0 {
                catalog
            } else {
                excel.unwrap_or(0)
            }
        };
        items.push(Item {
            row_number: row.row_number,
            annex: row.annex.clone(),
            code: row.code.clone(),
            description: concept.description.clone(),
            unit: unit.clave.clone(),
            volume: row.volume.unwrap_or(0),
            price_mxn: pick(concept.price_mxn, row.price_mxn),
            price_usd: pick(concept.price_usd, row.price_usd),
            days: row
                .days
                .iter()
                .filter_map(|(d, v)| v.filter(|v| *v > 0).map(|v| (*d, v)))
                .collect(),
        });
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    }
}
