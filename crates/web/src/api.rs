//! The JSON API under `/api/v1`, authenticated with bearer tokens (`mnir token issue`). Each
//! feature declares its routes once, with their OpenAPI entries (`utoipa-axum`); the document
//! served at `/api/v1/openapi.json` and the route list the tests walk are read from them.

use crate::kit::state::AppState;
use axum::{Json, Router};
use std::sync::OnceLock;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod completion;
mod conditions;

#[derive(OpenApi)]
#[openapi(
    info(title = "mnir API", description = "National identification and referral mechanism for victims of trafficking. Errors carry a message in the language of Accept-Language (ro or en). No text of a request, in its body or its address, may hold the character U+0000: it is refused with 400."),
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

/// The OpenAPI 3 document of this API; to a caller with a token, with the organisations, the
/// indicators and the modules in force at the moment it is asked for.
#[utoipa::path(get, path = "/api/v1/openapi.json", security(()), responses(
    (status = 200, description = "The OpenAPI document"),
    (status = 500, body = crate::kit::error::ApiErrorEnvelope)
))]
async fn openapi_json(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Json<serde_json::Value>, crate::kit::error::ApiError> {
    use crate::kit::schema::fill_value_sets;
    use mnir_app::schema::ValueSet;
    let tr = crate::kit::auth::request_tr(&state, &headers);
    // The register's organisation codes are for those who may search the directory: a reader
    // without a token gets the document with the value sets named but not listed.
    if crate::kit::auth::bearer_user(&state, &headers)
        .await
        .is_none()
    {
        return Ok(Json(document().clone()));
    }
    let failed = |e| crate::kit::error::ApiError::internal(&tr, e);
    let organisations: Vec<String> = mnir_app::accounts::organisations(&state.app)
        .await
        .map_err(|e| failed(format!("{e:?}")))?
        .into_iter()
        .map(|o| o.code)
        .collect();
    let catalogue = state
        .app
        .active_catalogue()
        .await
        .map_err(|e| failed(format!("{e:?}")))?;
    let indicators: Vec<String> = catalogue
        .indicators
        .iter()
        .map(|i| i.code.clone())
        .collect();
    let modules: Vec<String> = mnir_app::training::active_curriculum(&state.app)
        .await
        .map_err(|e| failed(format!("{e:?}")))?
        .modules
        .iter()
        .map(|m| m.code.clone())
        .collect();
    let by_profile = mnir_domain::identification::Profile::ALL.map(|profile| {
        let codes: Vec<&str> = catalogue
            .indicators
            .iter()
            .filter(|i| i.weight(profile).is_some())
            .map(|i| i.code.as_str())
            .collect();
        (profile.as_str(), codes)
    });
    let mut served = document().clone();
    // Which indicators an evaluation may name depends on its profile, in the catalogue in force.
    if let Some(evaluation) = served.pointer_mut("/components/schemas/EvaluateRequest") {
        crate::kit::schema::add_rule(
            evaluation,
            crate::kit::schema::indicators_by_profile(&by_profile),
        );
    }
    fill_value_sets(&mut served, &|set| match set {
        ValueSet::Organisation => Some(organisations.clone()),
        ValueSet::Indicator => Some(indicators.clone()),
        ValueSet::Module => Some(modules.clone()),
    });
    Ok(Json(served))
}

/// The whole API's OpenAPI document, built once from the routes' own declarations, with what
/// every operation of a kind says alike ([`completion`]). Kept as JSON: utoipa's own
/// link type would write `operation_id` where OpenAPI says `operationId`.
pub fn document() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let declared = api().split_for_parts().1;
        let mut document = serde_json::to_value(&declared).expect("the declared document is JSON");
        completion::add_common_responses(&mut document);
        completion::add_links(&mut document);
        conditions::add_conditions(&mut document);
        // Last: the conditions too write their texts with the short patterns.
        completion::exact_text_patterns(&mut document);
        completion::exact_optional_days(&mut document);
        document
    })
}

/// Every API route as `(METHOD, path)`, read from the document, for the tests that check
/// documentation and access.
pub fn all_routes() -> Vec<(&'static str, &'static str)> {
    const METHODS: [(&str, &str); 5] = [
        ("GET", "get"),
        ("POST", "post"),
        ("PUT", "put"),
        ("DELETE", "delete"),
        ("PATCH", "patch"),
    ];
    let paths = document()["paths"]
        .as_object()
        .expect("the document has paths");
    let mut routes = Vec::new();
    for (path, item) in paths {
        for (method, key) in METHODS {
            if item.get(key).is_some() {
                routes.push((method, path.as_str()));
            }
        }
    }
    routes
}
