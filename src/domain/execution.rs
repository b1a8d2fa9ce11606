//! Execution tracking rules: step changes (W9) and OT status changes (W8).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::{ot_status, step_status};
use super::format::parse_date;
use super::input::{FieldErrors, MAX_TEXT, text};

/// Longest deliverable link accepted.
pub const MAX_LINK: usize = 2000;

/// Why a delivery date was refused (W9).
pub const DELIVERY_ONLY_WHEN_COMPLETED: &str =
    "La fecha de entrega solo aplica a pasos COMPLETADOS.";

/// A step as stored, as far as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepState {
    pub status: i32,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub delivery: Option<NaiveDate>,
    pub comment: String,
    pub link: Option<String>,
}

/// The step form. A field that is absent (`None`) keeps its stored value; a blank one clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct StepForm {
    pub estatus: Option<String>,
    pub fecha_entrega: Option<String>,
    pub fecha_inicio: Option<String>,
    pub fecha_termino: Option<String>,
    pub comentario: Option<String>,
    pub archivo: Option<String>,
}

/// The statuses a step can take.
pub const STEP_STATUSES: [i32; 5] = [
    step_status::PENDING,
    step_status::IN_PROCESS,
    step_status::COMPLETED,
    step_status::CANCELLED,
    step_status::NOT_APPLICABLE,
];

/// True when a step's dates cannot change (W9): COMPLETADO or NO APLICA.
pub fn dates_locked(status: i32) -> bool {
    status == step_status::COMPLETED || status == step_status::NOT_APPLICABLE
}

/// Checks a deliverable link: `http` or `https` with a host, nothing else (W9).
pub fn parse_link(raw: &str) -> Result<Option<String>, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > MAX_LINK {
        return Err(format!(
            "El enlace admite como máximo {MAX_LINK} caracteres."
        ));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("El enlace no puede contener espacios ni caracteres de control.".to_owned());
    }
    let lower = value.to_ascii_lowercase();
    let explicit = lower.starts_with("http://") || lower.starts_with("https://");
    match url::Url::parse(value) {
        Ok(u)
            if explicit
                && matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(Some(value.to_owned()))
        }
        _ => Err("El enlace debe ser una dirección http:// o https:// completa.".to_owned()),
    }
}

/// Applies a step form to the stored step, or returns every error.
pub fn apply_step(
    form: &StepForm,
    current: &StepState,
    today: NaiveDate,
) -> Result<StepState, FieldErrors> {
    let mut e = FieldErrors::default();
    let status = match form.estatus.as_deref().map(str::trim) {
        None | Some("") => current.status,
        Some(raw) => match raw.parse::<i32>() {
            Ok(s) if STEP_STATUSES.contains(&s) => s,
            _ => {
                e.add("estatus", "Estatus de paso desconocido.");
                current.status
            }
        },
    };
    let date_field = |e: &mut FieldErrors,
                      field: &'static str,
                      raw: &Option<String>,
                      stored: Option<NaiveDate>| match raw {
        None => stored,
        Some(raw) => parse_date(raw).unwrap_or_else(|msg| {
            e.add(field, msg);
            stored
        }),
    };
    // W9: COMPLETADO needs a delivery date (today when blank); leaving it clears the date.
    // The date belongs to COMPLETADO: one given for a step that is not (and is not becoming)
    // COMPLETADO is refused, on the form and the API alike, unless it is the stored date
    // (a form that still carries it while the step leaves COMPLETADO).
    let delivery = if status == step_status::COMPLETED {
        match form.fecha_entrega.as_deref().map(str::trim) {
            None | Some("")
                if current.status == step_status::COMPLETED && current.delivery.is_some() =>
            {
                current.delivery
            }
            None | Some("") => Some(today),
            Some(_) => date_field(
                &mut e,
                "fecha_entrega",
                &form.fecha_entrega,
                current.delivery,
            ),
        }
    } else {
        match form.fecha_entrega.as_deref().map(parse_date) {
            None | Some(Ok(None)) => {}
            Some(Ok(given)) if given == current.delivery => {}
            Some(Ok(_)) => e.add("fecha_entrega", DELIVERY_ONLY_WHEN_COMPLETED),
            Some(Err(msg)) => e.add("fecha_entrega", msg),
        }
        None
    };
    let mut start = date_field(&mut e, "fecha_inicio", &form.fecha_inicio, current.start);
    let mut end = date_field(&mut e, "fecha_termino", &form.fecha_termino, current.end);
    if dates_locked(current.status)
        && dates_locked(status)
        && (start != current.start || end != current.end)
    {
        e.add(
            "fecha_inicio",
            "Las fechas no se pueden cambiar mientras el paso está COMPLETADO o NO APLICA.",
        );
        start = current.start;
        end = current.end;
    }
    if let (Some(s), Some(t)) = (start, end)
        && t < s
    {
        e.add(
            "fecha_termino",
            "La fecha de término no puede ser anterior a la de inicio.",
        );
    }
    let comment = match &form.comentario {
        None => current.comment.clone(),
        Some(raw) => text(&mut e, "comentario", raw, "El comentario", false, MAX_TEXT),
    };
    let link = match &form.archivo {
        None => current.link.clone(),
        Some(raw) => parse_link(raw).unwrap_or_else(|msg| {
            e.add("archivo", msg);
            current.link.clone()
        }),
    };
    if !e.is_empty() {
        return Err(e);
    }
    Ok(StepState {
        status,
        start,
        end,
        delivery,
        comment,
        link,
    })
}

/// The OT status form (W8).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    pub estatus: String,
    pub comentario: String,
    pub fecha_entrega: String,
    pub version: String,
    /// Where the browser goes back to (the list the change was made from); not a rule input.
    pub volver: String,
}

/// What a status change does to the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: i32,
    pub real_end: Option<NaiveDate>,
    pub real_end_from_status: bool,
    pub comment: String,
}

/// The order as far as W8 needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderStatus {
    pub status: i32,
    pub real_start: Option<NaiveDate>,
    pub real_end: Option<NaiveDate>,
    pub real_end_from_status: bool,
}

/// W8: only the statuses of DOMAIN.md §2; entering TERMINADA sets the real end from the
/// delivery date (today when blank); leaving it clears the real end only if that transition set
/// it. The comment goes to the history, never over the order's own comment.
pub fn apply_status(
    form: &StatusForm,
    current: OrderStatus,
    today: NaiveDate,
) -> Result<StatusChange, FieldErrors> {
    let mut e = FieldErrors::default();
    let status = match form.estatus.trim().parse::<i32>() {
        Ok(s) if ot_status::ALL.contains(&s) => s,
        _ => {
            e.add("estatus", "Estatus de OT desconocido.");
            current.status
        }
    };
    if e.is_empty() && status == current.status {
        e.add("estatus", "La OT ya tiene ese estatus.");
    }
    let comment = text(
        &mut e,
        "comentario",
        &form.comentario,
        "El comentario",
        false,
        MAX_TEXT,
    );
    let (mut real_end, mut from_status) = (current.real_end, current.real_end_from_status);
    if status == ot_status::FINISHED && current.status != ot_status::FINISHED {
        let delivery = match parse_date(&form.fecha_entrega) {
            Ok(d) => d.unwrap_or(today),
            Err(msg) => {
                e.add("fecha_entrega", msg);
                today
            }
        };
        if current.real_start.is_some_and(|s| delivery < s) {
            e.add(
                "fecha_entrega",
                "La fecha de entrega no puede ser anterior al inicio real de la OT.",
            );
        }
        real_end = Some(delivery);
        from_status = true;
    } else if current.status == ot_status::FINISHED
        && status != ot_status::FINISHED
        && current.real_end_from_status
    {
        real_end = None;
        from_status = false;
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(StatusChange {
        status,
        real_end,
        real_end_from_status: from_status,
        comment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, day).unwrap()
    }

    fn pending() -> StepState {
        StepState {
            status: 1,
            start: None,
            end: None,
            delivery: None,
            comment: String::new(),
            link: None,
        }
    }

    fn form(status: &str) -> StepForm {
        StepForm {
            estatus: Some(status.into()),
            ..StepForm::default()
        }
    }

    #[test]
    fn w9_completing_a_step_sets_the_delivery_date_to_today_when_blank() {
        let s = apply_step(&form("3"), &pending(), d(10)).unwrap();
        assert_eq!((s.status, s.delivery), (3, Some(d(10))));
        let mut f = form("3");
        f.fecha_entrega = Some("05/06/2025".into());
        assert_eq!(
            apply_step(&f, &pending(), d(10)).unwrap().delivery,
            Some(d(5))
        );
    }

    #[test]
    fn w9_leaving_completado_clears_the_delivery_date() {
        let done = StepState {
            status: 3,
            delivery: Some(d(4)),
            ..pending()
        };
        assert_eq!(apply_step(&form("2"), &done, d(10)).unwrap().delivery, None);
    }

    #[test]
    fn w9_dates_are_locked_while_completado_or_no_aplica() {
        let done = StepState {
            status: 14,
            start: Some(d(1)),
            ..pending()
        };
        let mut f = form("14");
        f.fecha_inicio = Some("2025-06-02".into());
        assert!(
            apply_step(&f, &done, d(10))
                .unwrap_err()
                .get("fecha_inicio")
                .is_some()
        );
        // Unchanged or absent dates pass; leaving NO APLICA unlocks them.
        f.fecha_inicio = Some("2025-06-01".into());
        assert!(apply_step(&f, &done, d(10)).is_ok());
        let mut reopen = form("2");
        reopen.fecha_inicio = Some("2025-06-02".into());
        assert_eq!(apply_step(&reopen, &done, d(10)).unwrap().start, Some(d(2)));
    }

    #[test]
    fn w9_bad_status_dates_order_and_links_are_refused() {
        let mut f = form("9");
        f.fecha_inicio = Some("2025-06-09".into());
        f.fecha_termino = Some("2025-06-01".into());
        f.archivo = Some("javascript:alert(1)".into());
        let e = apply_step(&f, &pending(), d(10)).unwrap_err();
        for field in ["estatus", "fecha_termino", "archivo"] {
            assert!(e.get(field).is_some(), "{field}");
        }
        for bad in [
            "data:text/html,hola",
            "ftp://x.mx/a",
            "//evil.mx",
            "http://",
            "vbscript:x",
            "https:/sin-host",
        ] {
            assert!(parse_link(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_link(" https://drive.example.mx/a?b=1 "),
            Ok(Some("https://drive.example.mx/a?b=1".into()))
        );
        assert_eq!(parse_link(""), Ok(None));
    }

    fn order(status: i32) -> OrderStatus {
        OrderStatus {
            status,
            real_start: Some(d(1)),
            real_end: None,
            real_end_from_status: false,
        }
    }

    fn status(s: &str, date: &str) -> StatusForm {
        StatusForm {
            estatus: s.into(),
            fecha_entrega: date.into(),
            ..StatusForm::default()
        }
    }

    #[test]
    fn w8_entering_terminada_sets_the_real_end_and_leaving_clears_it_only_if_it_set_it() {
        let c = apply_status(&status("10", ""), order(8), d(20)).unwrap();
        assert_eq!((c.real_end, c.real_end_from_status), (Some(d(20)), true));
        let finished = OrderStatus {
            status: 10,
            real_end: Some(d(20)),
            real_end_from_status: true,
            ..order(10)
        };
        let back = apply_status(&status("8", ""), finished, d(21)).unwrap();
        assert_eq!((back.real_end, back.real_end_from_status), (None, false));
        let typed = OrderStatus {
            status: 10,
            real_end: Some(d(18)),
            real_end_from_status: false,
            ..order(10)
        };
        assert_eq!(
            apply_status(&status("8", ""), typed, d(21))
                .unwrap()
                .real_end,
            Some(d(18))
        );
    }

    #[test]
    fn w8_only_known_statuses_and_a_valid_delivery_date_are_accepted() {
        assert!(
            apply_status(&status("3", ""), order(8), d(20)).is_err(),
            "a step status is not an OT status"
        );
        assert!(apply_status(&status("x", ""), order(8), d(20)).is_err());
        assert!(
            apply_status(&status("8", ""), order(8), d(20)).is_err(),
            "same status"
        );
        assert!(apply_status(&status("10", "31/02/2025"), order(8), d(20)).is_err());
        let before_start = apply_status(&status("10", "2025-05-01"), order(8), d(20)).unwrap_err();
        assert!(before_start.get("fecha_entrega").is_some());
        for s in ot_status::ALL.iter().filter(|s| **s != 8) {
            assert!(
                apply_status(&status(&s.to_string(), ""), order(8), d(20)).is_ok(),
                "{s}"
            );
        }
    }
}
