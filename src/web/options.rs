//! The `<option>`s of a `<select>`, built from catalogs and fixed code lists.

use crate::db::catalogs::Entry;

/// One `<option value="…">label</option>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
}

impl SelectOption {
    pub fn new(value: impl ToString, label: impl Into<String>) -> SelectOption {
        SelectOption {
            value: value.to_string(),
            label: label.into(),
        }
    }

    /// A fixed list of codes and names (template sets, client types, catalog groups).
    pub fn from_codes(list: &[(i32, &str)]) -> Vec<SelectOption> {
        list.iter()
            .map(|(id, name)| SelectOption::new(id, *name))
            .collect()
    }

    /// The active entries of a catalog: what new records may pick.
    pub fn active(entries: &[Entry]) -> Vec<SelectOption> {
        SelectOption::keeping(entries, &[])
    }

    /// The active entries, plus the inactive ones a record already uses (`keep`: posted ids),
    /// marked "(desactivado)" so that saving the record unchanged still works.
    pub fn keeping(entries: &[Entry], keep: &[&str]) -> Vec<SelectOption> {
        entries
            .iter()
            .filter(|e| e.active || keep.contains(&e.id.to_string().as_str()))
            .map(|e| {
                let label = if e.active {
                    e.description.clone()
                } else {
                    format!("{} (desactivado)", e.description)
                };
                SelectOption::new(e.id, label)
            })
            .collect()
    }
}
