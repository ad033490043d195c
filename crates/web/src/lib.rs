//! The web face of mnir: server-rendered pages (askama, ro/en) and the JSON API under `/api/v1`.
//!
//! A thin adapter over the use cases of `mnir-app`: every handler parses its input, calls one use
//! case (which asks the domain's `can` and the store, filtered by the actor's scope) and renders
//! the result in the user's language, so a page and the API can never differ in what they let a
//! user see or do.

mod account;
pub mod api;
mod break_glass;
mod cases;
pub mod clocks;
mod consent;
mod directory;
mod duplicates;
mod exchange;
pub mod explain;
pub mod identification;
mod justice;
pub mod kit;
mod plan;
mod referral;
mod reflection;
mod repatriation;
mod retention;
mod risk;
pub mod statistics;
mod training;
mod victim;

#[cfg(test)]
mod module_graph;

use axum::Router;
use kit::routes::PageRoutes;

pub use kit::auth::session_cookie_name;
pub use kit::csrf::CSRF_FIELD;
pub use kit::i18n;
pub use kit::i18n::{Lang, Tr};
pub use kit::state::{AppState, WebConfig};
pub use mnir_app::accounts::MIN_PASSWORD;

pub use mnir_app::{Clock, SystemClock};

/// Every feature's pages, each route declared once.
fn pages() -> PageRoutes {
    cases::routes()
        .merge(account::routes())
        .merge(identification::routes())
        .merge(clocks::routes())
        .merge(consent::routes())
        .merge(directory::routes())
        .merge(referral::routes())
        .merge(reflection::routes())
        .merge(risk::routes())
        .merge(plan::routes())
        .merge(justice::routes())
        .merge(statistics::routes())
        .merge(victim::routes())
        .merge(exchange::routes())
        .merge(repatriation::routes())
        .merge(training::routes())
        .merge(break_glass::routes())
        .merge(retention::routes())
        .merge(duplicates::routes())
}

/// Every page route as `(method, path)`, as the router serves them: what the tests walk.
pub fn page_routes() -> Vec<(axum::http::Method, &'static str)> {
    pages().declared().to_vec()
}

/// The whole application: pages, API, static files and health check, with security headers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages().into_router())
        .merge(api::router())
        .route("/healthz", axum::routing::get(health))
        .fallback(cases::not_found)
        // axum's own 2 MiB cap on what an extractor reads is lifted: `body_limit` below sets each
        // route's limit (a form's, or an import file's) before any handler runs.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kit::csrf::check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            kit::security::LargeBodies {
                paths: &[exchange::api::IMPORT_PATH, exchange::IMPORT_PAGE],
                max: mnir_app::exchange::MAX_IMPORT_BYTES,
            },
            kit::security::body_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kit::error::api_error_shape,
        ))
        // Outermost, so that every answer carries the headers: also a body refused for its size
        // before any handler, and the error page or JSON made of that refusal.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kit::security::headers,
        ))
        .with_state(state)
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, &'static str) {
    match state.app.healthy().await {
        true => (axum::http::StatusCode::OK, "ok\n"),
        false => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable\n",
        ),
    }
}
