//! The PTE form (planning documents, W2): parsed into a valid value or every field error.
//! Whether the folio is free and the catalog ids are active needs the database: the service
//! checks that.

use serde::Deserialize;

use super::input::{FieldErrors, MAX_FOLIO, MAX_TEXT, id, project_manager, text};

/// The PTE form's raw fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PteForm {
    pub oficio_pte: String,
    pub descripcion_trabajo: String,
    pub id_cliente: String,
    pub responsable_proyecto: String,
}

/// A valid PTE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PteInput {
    pub folio: String,
    pub description: String,
    pub client_id: Option<i32>,
    pub project_manager_id: i32,
}

impl PteForm {
    /// Folio and description are required; the client is optional, the project manager is not.
    pub fn parse(&self) -> Result<PteInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let folio = text(
            &mut e,
            "oficio_pte",
            &self.oficio_pte,
            "El folio de la PTE",
            true,
            MAX_FOLIO,
        );
        let description = text(
            &mut e,
            "descripcion_trabajo",
            &self.descripcion_trabajo,
            "La descripción del trabajo",
            true,
            MAX_TEXT,
        );
        let client_id = id(&mut e, "id_cliente", &self.id_cliente, "Cliente");
        let project_manager_id = project_manager(&mut e, &self.responsable_proyecto);
        match (project_manager_id, e.is_empty()) {
            (Some(project_manager_id), true) => Ok(PteInput {
                folio,
                description,
                client_id,
                project_manager_id,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pte_needs_folio_description_and_project_manager() {
        let errors = PteForm::default().parse().unwrap_err();
        assert_eq!(
            errors.messages(),
            vec![
                "La descripción del trabajo es obligatoria.".to_owned(),
                "El folio de la PTE es obligatorio.".to_owned(),
                "El responsable del proyecto es obligatorio.".to_owned(),
            ]
        );
        let ok = PteForm {
            oficio_pte: " PTE-1 ".into(),
            descripcion_trabajo: "Mantenimiento".into(),
            id_cliente: String::new(),
            responsable_proyecto: "2".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(
            (ok.folio.as_str(), ok.client_id, ok.project_manager_id),
            ("PTE-1", None, 2)
        );
    }
}
