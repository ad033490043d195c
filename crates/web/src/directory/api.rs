//! The API of the directory of services (mnir.md §6), the same use cases as its pages.

use crate::kit::api::{ApiResult, Caller, answer, caller, parse_json, rfc3339, who};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::query::{ApiPath, ApiQuery};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use mnir_store::DirectoryEntry;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this feature, each with its OpenAPI entry.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_directory))
        .routes(routes!(save_directory_entry))
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryEntryJson {
    organisation: String,
    name: String,
    services: Vec<String>,
    /// Empty when the organisation covers the whole country.
    counties: Vec<String>,
    target_groups: Vec<String>,
    languages: Vec<String>,
    capacity: Option<i64>,
    updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryJson {
    entries: Vec<DirectoryEntryJson>,
}

fn entry_json(e: DirectoryEntry, name: String) -> DirectoryEntryJson {
    DirectoryEntryJson {
        organisation: e.org_code,
        name,
        services: e.services,
        counties: e.counties,
        target_groups: e.target_groups,
        languages: e.languages,
        capacity: e.capacity,
        updated_at: rfc3339(e.updated_at_ms),
    }
}

/// Searches the directory of services; any signed-in caller may. A filter that is not one of its
/// list's values is refused with 422, naming it.
#[utoipa::path(get, path = "/api/v1/directory", params(mnir_app::directory::SearchQuery), responses(
    (status = 200, body = DirectoryJson), (status = 401, body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn search_directory(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<mnir_app::directory::SearchQuery>,
) -> ApiResult<Json<DirectoryJson>> {
    let Caller { tr, .. } = caller(&state, &headers).await?;
    mnir_app::directory::check_search(&q).map_err(|e| e.api(&tr))?;
    let entries = answer!(tr, mnir_app::directory::search_entries(&state.app, &q));
    let orgs = answer!(tr, mnir_app::accounts::organisations(&state.app));
    Ok(Json(DirectoryJson {
        entries: entries
            .into_iter()
            .map(|e| {
                let name = orgs
                    .iter()
                    .find(|o| o.code == e.org_code)
                    .map_or_else(String::new, |o| o.name.clone());
                entry_json(e, name)
            })
            .collect(),
    }))
}

/// Replaces an organisation's directory entry: an administrator for any, a supervisor for their
/// own organisation.
#[utoipa::path(put, path = "/api/v1/directory/{org}", params(("org" = String, Path, description = "Organisation code")),
    request_body = mnir_app::directory::EntryInput, responses(
    (status = 200, body = DirectoryEntryJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn save_directory_entry(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(org): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Json<DirectoryEntryJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let organisation = answer!(
        tr,
        mnir_app::directory::editable(&state.app, &who, Some(&org))
    );
    let input = parse_json(&tr, &body)?;
    let entry = answer!(
        tr,
        mnir_app::directory::save_entry(&state.app, &who, &organisation, input)
    );
    Ok(Json(entry_json(entry, organisation.name)))
}
