//! Every route of the app, in one table: the gate and the tests read the same list.

pub mod account;
pub mod health;
pub mod home;

use actix_web::http::Method;
use actix_web::{Route, web};

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
        def(Method::GET, "/cuenta/contrasena", false, |r| {
            r.to(account::password_form)
        }),
        def(Method::POST, "/cuenta/contrasena", false, |r| {
            r.to(account::change_password)
        }),
    ]
}

/// Registers the table.
pub fn configure(cfg: &mut web::ServiceConfig) {
    for route in table() {
        cfg.route(route.path, (route.handler)(web::method(route.method)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::gate::is_public;

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
