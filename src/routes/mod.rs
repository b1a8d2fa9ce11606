//! Every route of the app, in one table: the gate and the tests read the same list.

pub mod account;
pub mod activity;
pub mod admin;
pub mod api;
pub mod health;
pub mod home;
pub mod planning_docs;
pub mod timeline;
pub mod work_orders;

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, Route, web};

use crate::web::response::refusal;

use crate::web::assets;

/// One registered route. `public` routes are reachable without a session; every other route is
/// refused by the gate without one. Role checks happen in the handler (`CurrentUser::require`).
pub struct RouteDef {
    pub method: Method,
    /// actix path pattern; `{id}` segments take a number.
    pub path: &'static str,
    pub public: bool,
    pub handler: fn(Route) -> Route,
}

/// The route table.
pub fn table() -> Vec<RouteDef> {
    let def = |method: Method, path, public, handler| RouteDef {
        method,
        path,
        public,
        handler,
    };
    vec![
        def(Method::GET, "/login", true, |r| r.to(account::login_form)),
        def(Method::POST, "/login", true, |r| r.to(account::login)),
        def(Method::GET, "/healthz", true, |r| r.to(health::healthz)),
        def(Method::GET, "/static/{path:.*}", true, |r| {
            r.to(assets::serve)
        }),
        def(Method::POST, "/logout", false, |r| r.to(account::logout)),
        def(Method::GET, "/", false, |r| r.to(home::home)),
        def(Method::GET, "/programa", false, |r| r.to(timeline::page)),
        def(Method::GET, "/programa.csv", false, |r| r.to(timeline::csv)),
        def(Method::GET, "/ot", false, |r| r.to(work_orders::list::list)),
        def(Method::POST, "/ot", false, |r| {
            r.to(work_orders::form::create)
        }),
        def(Method::GET, "/ot/exportar.xlsx", false, |r| {
            r.to(work_orders::export::xlsx)
        }),
        def(Method::GET, "/ot/exportar.csv", false, |r| {
            r.to(work_orders::export::csv)
        }),
        def(Method::GET, "/ot/estatus-lote", false, |r| {
            r.to(work_orders::bulk_status::confirm)
        }),
        def(Method::POST, "/ot/estatus-lote", false, |r| {
            r.to(work_orders::bulk_status::apply)
        }),
        def(Method::GET, "/ot/imprimir", false, |r| {
            r.to(work_orders::print::selection)
        }),
        def(Method::POST, "/ot/{id}/anexo", false, |r| {
            r.to(work_orders::annex::upload)
        }),
        def(Method::GET, "/ot/{id}/anexo.csv", false, |r| {
            r.to(work_orders::annex::export_csv)
        }),
        def(Method::GET, "/ot/{id}/anexo.xlsx", false, |r| {
            r.to(work_orders::annex::export_xlsx)
        }),
        def(Method::GET, "/ot/{id}/anexo/errores/{report}", false, |r| {
            r.to(work_orders::annex::error_report)
        }),
        def(Method::GET, "/ot/{id}/programa", false, |r| {
            r.to(work_orders::schedule::page)
        }),
        def(Method::POST, "/ot/{id}/programa", false, |r| {
            r.to(work_orders::schedule::upload)
        }),
        def(Method::GET, "/ot/{id}/programa.xlsx", false, |r| {
            r.to(work_orders::schedule::export_xlsx)
        }),
        def(Method::GET, "/ot/{id}/programa.xml", false, |r| {
            r.to(work_orders::schedule::export_xml)
        }),
        def(Method::GET, "/ot/{id}/programa/gantt", false, |r| {
            r.to(work_orders::gantt::page)
        }),
        def(Method::GET, "/ot/{id}/programa/curva-s", false, |r| {
            r.to(work_orders::schedule::curve_page)
        }),
        def(Method::GET, "/ot/{id}/programa/curva-s.csv", false, |r| {
            r.to(work_orders::schedule::curve_csv)
        }),
        def(Method::GET, "/ot/{id}/programa/comparar", false, |r| {
            r.to(work_orders::schedule::compare)
        }),
        def(Method::POST, "/ot/{id}/programa/avance", false, |r| {
            r.to(work_orders::schedule::capture_bulk)
        }),
        def(
            Method::POST,
            "/ot/{id}/programa/tareas/{tarea_id}/avance",
            false,
            |r| r.to(work_orders::schedule::capture),
        ),
        def(
            Method::GET,
            "/ot/{id}/programa/version/{n}/archivo",
            false,
            |r| r.to(work_orders::schedule::original),
        ),
        def(Method::GET, "/ot/nueva", false, |r| {
            r.to(work_orders::form::new_form)
        }),
        def(Method::GET, "/ot/opciones/pte", false, |r| {
            r.to(work_orders::pickers::ptes)
        }),
        def(Method::GET, "/ot/opciones/principal", false, |r| {
            r.to(work_orders::pickers::parents)
        }),
        def(Method::GET, "/ot/{id}", false, |r| {
            r.to(work_orders::detail::detail)
        }),
        def(Method::POST, "/ot/{id}", false, |r| {
            r.to(work_orders::form::update)
        }),
        def(Method::GET, "/ot/{id}/editar", false, |r| {
            r.to(work_orders::form::edit_form)
        }),
        def(Method::GET, "/ot/{id}/eliminar", false, |r| {
            r.to(work_orders::delete::confirm)
        }),
        def(Method::POST, "/ot/{id}/eliminar", false, |r| {
            r.to(work_orders::delete::delete)
        }),
        def(Method::POST, "/ot/{id}/restaurar", false, |r| {
            r.to(work_orders::delete::restore)
        }),
        def(Method::POST, "/ot/{id}/estatus", false, |r| {
            r.to(work_orders::tracking::change_status)
        }),
        def(Method::POST, "/ot/{id}/pasos/{paso_id}", false, |r| {
            r.to(work_orders::tracking::change_step)
        }),
        def(
            Method::POST,
            "/operaciones/ot/crear-ot-reprogramacion/",
            false,
            |r| r.to(api::orders::create),
        ),
        def(
            Method::POST,
            "/operaciones/ot/crear-desde-pte/",
            false,
            |r| r.to(api::orders::quick_create),
        ),
        def(Method::POST, "/operaciones/ot/editar/", false, |r| {
            r.to(api::orders::edit)
        }),
        def(Method::GET, "/operaciones/ot/datatable/", false, |r| {
            r.to(api::datatable::table)
        }),
        def(Method::POST, "/operaciones/ot/importar-mpp/", false, |r| {
            r.to(api::schedules::import)
        }),
        def(
            Method::GET,
            "/operaciones/produccion/obtener_arbol_mpp/",
            false,
            |r| r.to(api::schedules::tree),
        ),
        def(Method::GET, "/api/openapi.json", false, |r| {
            r.to(api::openapi::document)
        }),
        def(Method::POST, "/operaciones/ot/eliminar/", false, |r| {
            r.to(api::orders::delete)
        }),
        def(Method::GET, "/operaciones/ot/obtener_datos/", false, |r| {
            r.to(api::orders::data)
        }),
        def(
            Method::GET,
            "/operaciones/ot/obtener_ot_iniciales/",
            false,
            |r| r.to(api::orders::initials),
        ),
        def(
            Method::POST,
            "/operaciones/ot/cambiar_estatus_ot/",
            false,
            |r| r.to(api::orders::change_status),
        ),
        def(
            Method::GET,
            "/operaciones/ot/obtener_sitios_frente/",
            false,
            |r| r.to(api::orders::sites),
        ),
        def(Method::GET, "/operaciones/ot/obtener_sitios/", false, |r| {
            r.to(api::orders::sites)
        }),
        def(
            Method::GET,
            "/operaciones/ot/obtener_progreso_general_ot/",
            false,
            |r| r.to(api::orders::progress),
        ),
        def(
            Method::GET,
            "/operaciones/ot/detalle/datatable/",
            false,
            |r| r.to(api::steps::table),
        ),
        def(
            Method::POST,
            "/operaciones/ot/cambiar_estatus_paso/",
            false,
            |r| r.to(api::steps::change_status),
        ),
        def(
            Method::POST,
            "/operaciones/ot/actualizar-fecha/",
            false,
            |r| r.to(api::steps::change_date),
        ),
        def(
            Method::POST,
            "/operaciones/ot/guardar_archivo_ot/",
            false,
            |r| r.to(api::steps::change_link),
        ),
        def(Method::GET, "/actividad", false, |r| r.to(activity::list)),
        def(Method::GET, "/admin/usuarios", false, |r| {
            r.to(admin::users::list)
        }),
        def(Method::POST, "/admin/usuarios", false, |r| {
            r.to(admin::users::create)
        }),
        def(Method::POST, "/admin/usuarios/{id}/rol", false, |r| {
            r.to(admin::users::set_role)
        }),
        def(
            Method::POST,
            "/admin/usuarios/{id}/contrasena",
            false,
            |r| r.to(admin::users::reset_password),
        ),
        def(
            Method::POST,
            "/admin/usuarios/{id}/desactivar",
            false,
            |r| r.to(admin::users::disable),
        ),
        def(Method::POST, "/admin/usuarios/{id}/activar", false, |r| {
            r.to(admin::users::enable)
        }),
        def(
            Method::POST,
            "/admin/usuarios/{id}/desbloquear",
            false,
            |r| r.to(admin::users::unlock),
        ),
        def(Method::GET, "/admin/catalogos", false, |r| {
            r.to(admin::catalogs::index)
        }),
        def(Method::GET, "/admin/catalogos/{catalogo}", false, |r| {
            r.to(admin::catalogs::list)
        }),
        def(Method::POST, "/admin/catalogos/{catalogo}", false, |r| {
            r.to(admin::catalogs::create)
        }),
        def(
            Method::GET,
            "/admin/catalogos/{catalogo}/{id}",
            false,
            |r| r.to(admin::catalogs::edit_form),
        ),
        def(
            Method::POST,
            "/admin/catalogos/{catalogo}/{id}",
            false,
            |r| r.to(admin::catalogs::update),
        ),
        def(
            Method::POST,
            "/admin/catalogos/{catalogo}/{id}/desactivar",
            false,
            |r| r.to(admin::catalogs::deactivate),
        ),
        def(
            Method::POST,
            "/admin/catalogos/{catalogo}/{id}/reactivar",
            false,
            |r| r.to(admin::catalogs::reactivate),
        ),
        def(Method::GET, "/admin/plantillas", false, |r| {
            r.to(admin::step_templates::templates)
        }),
        def(Method::POST, "/admin/plantillas", false, |r| {
            r.to(admin::step_templates::create_template)
        }),
        def(Method::GET, "/admin/plantillas/{id}", false, |r| {
            r.to(admin::step_templates::edit_template)
        }),
        def(Method::POST, "/admin/plantillas/{id}", false, |r| {
            r.to(admin::step_templates::update_template)
        }),
        def(Method::POST, "/admin/plantillas/{id}/subir", false, |r| {
            r.to(admin::step_templates::move_up)
        }),
        def(Method::POST, "/admin/plantillas/{id}/bajar", false, |r| {
            r.to(admin::step_templates::move_down)
        }),
        def(
            Method::POST,
            "/admin/plantillas/{id}/desactivar",
            false,
            |r| r.to(admin::step_templates::deactivate_template),
        ),
        def(
            Method::POST,
            "/admin/plantillas/{id}/reactivar",
            false,
            |r| r.to(admin::step_templates::reactivate_template),
        ),
        def(Method::GET, "/admin/reglas", false, |r| {
            r.to(admin::step_rules::rules)
        }),
        def(Method::POST, "/admin/reglas", false, |r| {
            r.to(admin::step_rules::add_rule)
        }),
        def(Method::POST, "/admin/reglas/{id}", false, |r| {
            r.to(admin::step_rules::change_rule)
        }),
        def(Method::POST, "/admin/reglas/{id}/eliminar", false, |r| {
            r.to(admin::step_rules::delete_rule)
        }),
        def(Method::GET, "/admin/empresa", false, |r| {
            r.to(admin::company::page)
        }),
        def(Method::POST, "/admin/empresa", false, |r| {
            r.to(admin::company::save)
        }),
        def(Method::GET, "/admin/tipo-de-cambio", false, |r| {
            r.to(admin::exchange_rate::rate_page)
        }),
        def(Method::POST, "/admin/tipo-de-cambio", false, |r| {
            r.to(admin::exchange_rate::set_rate)
        }),
        def(Method::GET, "/admin/importar-ots", false, |r| {
            r.to(admin::order_import::page)
        }),
        def(Method::POST, "/admin/importar-ots", false, |r| {
            r.to(admin::order_import::preview)
        }),
        def(Method::POST, "/admin/importar-ots/confirmar", false, |r| {
            r.to(admin::order_import::confirm)
        }),
        def(Method::GET, "/admin/conceptos", false, |r| {
            r.to(admin::concepts::concepts)
        }),
        def(Method::POST, "/admin/conceptos", false, |r| {
            r.to(admin::concepts::create_concept)
        }),
        def(Method::POST, "/admin/conceptos/importar", false, |r| {
            r.to(admin::concepts::import_concepts)
        }),
        def(Method::GET, "/admin/conceptos/errores/{id}", false, |r| {
            r.to(admin::concepts::concept_errors)
        }),
        def(Method::GET, "/admin/conceptos/{id}", false, |r| {
            r.to(admin::concepts::edit_concept)
        }),
        def(Method::POST, "/admin/conceptos/{id}", false, |r| {
            r.to(admin::concepts::update_concept)
        }),
        def(
            Method::POST,
            "/admin/conceptos/{id}/desactivar",
            false,
            |r| r.to(admin::concepts::deactivate_concept),
        ),
        def(
            Method::POST,
            "/admin/conceptos/{id}/reactivar",
            false,
            |r| r.to(admin::concepts::reactivate_concept),
        ),
        def(Method::GET, "/pte", false, |r| r.to(planning_docs::list)),
        def(Method::POST, "/pte", false, |r| r.to(planning_docs::create)),
        def(Method::GET, "/pte/nueva", false, |r| {
            r.to(planning_docs::new_form)
        }),
        def(Method::GET, "/pte/{id}", false, |r| {
            r.to(planning_docs::detail)
        }),
        def(Method::POST, "/pte/{id}/ot-rapida", false, |r| {
            r.to(planning_docs::quick_create)
        }),
        def(Method::GET, "/cuenta/contrasena", false, |r| {
            r.to(account::password_form)
        }),
        def(Method::POST, "/cuenta/contrasena", false, |r| {
            r.to(account::change_password)
        }),
    ]
}

/// Registers the table: one resource per path, with a Spanish 405 for the other methods.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let routes = table();
    let mut paths: Vec<&'static str> = Vec::new();
    for route in &routes {
        if !paths.contains(&route.path) {
            paths.push(route.path);
        }
    }
    for path in paths {
        let mut resource = web::resource(path).default_service(web::to(method_not_allowed));
        for route in routes.iter().filter(|r| r.path == path) {
            resource = resource.route((route.handler)(web::method(route.method.clone())));
        }
        cfg.service(resource);
    }
}

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    refusal(
        req.path(),
        StatusCode::METHOD_NOT_ALLOWED,
        "Solicitud no admitida",
        "Esta dirección no admite ese tipo de solicitud.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::auth::gate::is_public;

    #[test]
    fn the_gate_treats_as_public_exactly_the_routes_marked_public() {
        for route in table() {
            let sample = route.path.replace("{path:.*}", "css/app.css");
            assert_eq!(
                is_public(&sample),
                route.public,
                "{} {}",
                route.method,
                route.path
            );
        }
    }
}
