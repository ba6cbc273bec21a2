//! Where the features' form routes come together: each feature declares its own, with who
//! may use each, next to its handlers; this puts them behind the one guard
//! (`accounts::routes`). Adding a form touches only its feature's `form_routes`.

use axum::Router;

use crate::{accounts::FormRoute, state::AppState};

/// Every form route and private download of every feature.
pub fn form_routes() -> Vec<FormRoute> {
    [
        crate::accounts::form_routes(),
        crate::register::form_routes(),
        crate::reports::form_routes(),
        crate::policies::form_routes(),
        crate::content::form_routes(),
        crate::email::form_routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The form routes, each behind the guard its access names.
pub fn router(state: &AppState) -> Router<AppState> {
    crate::accounts::routes::guarded(state, form_routes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_declared_once() {
        let routes = super::form_routes();
        for (i, a) in routes.iter().enumerate() {
            for b in &routes[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} is declared twice",
                    a.path
                );
            }
        }
    }
}
