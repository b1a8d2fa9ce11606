//! Reading an uploaded file from a multipart form. The gate has already bounded the body and
//! checked its CSRF field; this reads the file field (bounded again) and the small text fields.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::StreamExt;

/// A posted form with one file.
#[derive(Debug, Default)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// The other fields, as text.
    pub fields: HashMap<String, String>,
}

/// Reads `file_field` (at most `max` bytes) and the text fields; a form without the file, or
/// with an unnamed one, is refused with `missing`.
pub async fn read(
    mut form: Multipart,
    file_field: &str,
    max: usize,
    missing: &str,
) -> Result<Upload, String> {
    let mut upload = Upload::default();
    let mut seen_file = false;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| "No se pudo leer el formulario enviado.".to_owned())?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or_default()
            .to_owned();
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| "No se pudo leer el archivo enviado.".to_owned())?;
            if value.len() + chunk.len() > max {
                return Err(format!(
                    "El archivo pasa de {} MiB.",
                    max.div_ceil(1024 * 1024)
                ));
            }
            value.extend_from_slice(&chunk);
        }
        if name == file_field {
            seen_file = true;
            upload.file_name = file_name;
            upload.bytes = value;
        } else {
            upload
                .fields
                .insert(name, String::from_utf8_lossy(&value).into_owned());
        }
    }
    if !seen_file || upload.file_name.trim().is_empty() {
        return Err(missing.to_owned());
    }
    Ok(upload)
}
