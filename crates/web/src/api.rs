//! The JSON API under `/api/v1`, authenticated with bearer tokens (`mnir token issue`). Each
//! feature declares its routes once, with their OpenAPI entries (`utoipa-axum`); the document
//! served at `/api/v1/openapi.json` and the route list the tests walk are read from them.

use crate::kit::state::AppState;
use axum::{Json, Router};
use std::sync::OnceLock;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "mnir API", description = "National identification and referral mechanism for victims of trafficking. Errors carry a message in the language of Accept-Language (ro or en)."),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every feature's API routes.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::cases::api::routes())
        .merge(crate::identification::api::routes())
        .merge(crate::consent::api::routes())
        .merge(crate::directory::api::routes())
        .merge(crate::referral::api::routes())
        .merge(crate::clocks::api::routes())
        .merge(crate::reflection::api::routes())
        .merge(crate::repatriation::api::routes())
        .merge(crate::training::api::routes())
        .merge(crate::training::reports::api_routes())
        .merge(crate::account::roles::api_routes())
        .merge(crate::risk::api::routes())
        .merge(crate::plan::api::routes())
        .merge(crate::justice::api::routes())
        .merge(crate::statistics::api::routes())
        .merge(crate::victim::api::routes())
        .merge(crate::exchange::api::routes())
        .merge(crate::break_glass::api::routes())
        .merge(crate::retention::api::routes())
        .merge(crate::duplicates::api::routes())
        .routes(routes!(openapi_json))
}

/// The API's router, at its absolute paths.
pub fn router() -> Router<AppState> {
    api().split_for_parts().0
}

/// The OpenAPI 3 document of this API.
#[utoipa::path(get, path = "/api/v1/openapi.json", security(()), responses((status = 200, description = "The OpenAPI document")))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document().clone())
}

/// The whole API's OpenAPI document, built once from the routes' own declarations.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| api().split_for_parts().1)
}

/// Every API route as `(METHOD, path)`, read from the document, for the tests that check
/// documentation and access.
pub fn all_routes() -> Vec<(&'static str, &'static str)> {
    static ROUTES: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    ROUTES
        .get_or_init(|| {
            let mut routes = Vec::new();
            for (path, item) in &document().paths.paths {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                for (method, present) in methods {
                    if present {
                        routes.push((method, path.clone()));
                    }
                }
            }
            routes
        })
        .iter()
        .map(|(method, path)| (*method, path.as_str()))
        .collect()
}
