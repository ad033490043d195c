//! The API of the reflection period and the no-removal list (mnir.md §7).

use crate::kit::api::{ApiResult, Caller, answer, caller, created, parse_json, rfc3339, who};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::query::ApiPath;
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mnir_store::{NoRemovalFlag, ReflectionRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this feature, each with its OpenAPI entry.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(offer_reflection))
        .routes(routes!(end_reflection))
        .routes(routes!(no_removal))
}

#[derive(Deserialize, ToSchema)]
pub struct ReflectionRequest {
    /// The person's answer to the offer.
    // `Option` so that a missing answer gets the 422 naming the field, not a malformed body's 400.
    #[schema(value_type = bool, required = true)]
    accepted: Option<bool>,
    /// ISO 639 code of the language the offer was explained in: two or three letters.
    #[serde(default)]
    #[schema(required = true, pattern = "^[A-Za-z]{2,3}$")]
    language: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ReflectionEndRequest {
    /// How the period ends: `residence`, `return` or `other`.
    #[serde(default)]
    #[schema(schema_with = end_outcome_schema, required = true)]
    outcome: String,
    /// Why it ends (at most 2,000 characters).
    #[serde(default)]
    #[schema(required = true, max_length = 2000, pattern = r"\S")]
    reason: String,
}

/// The outcomes of a period ended early; `schema_with` drops the field's doc comment, so the
/// description comes along.
fn end_outcome_schema() -> utoipa::openapi::schema::Object {
    let mut schema = crate::kit::schema::codes::<mnir_domain::reflection::ReflectionOutcome>();
    schema.description = Some("How the period ends.".into());
    schema
}

#[derive(Serialize, ToSchema)]
pub struct ReflectionJson {
    id: String,
    case_id: String,
    accepted: bool,
    language: String,
    organisation: String,
    offered_at: String,
    /// The clock an acceptance started.
    clock_id: Option<String>,
}

impl From<ReflectionRecord> for ReflectionJson {
    fn from(r: ReflectionRecord) -> Self {
        ReflectionJson {
            id: r.id,
            case_id: r.case_id,
            accepted: r.accepted,
            language: r.language,
            organisation: r.org_code,
            offered_at: rfc3339(r.offered_at_ms),
            clock_id: r.clock_id,
        }
    }
}

/// Records a foreign presumed victim's answer to the reflection-period offer; an acceptance
/// starts the period and the no-removal flag.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reflection", params(("id" = String, Path, description = "Case id")),
    request_body = ReflectionRequest, responses(
    (status = 201, body = ReflectionJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn offer_reflection(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let request: ReflectionRequest = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let record = answer!(
        tr,
        mnir_app::reflection::offer(&state.app, &who, &id, request.accepted, &request.language)
    );
    Ok(created(ReflectionJson::from(record)))
}

/// Ends the running reflection period before its clock runs out, with the outcome.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reflection/end", params(("id" = String, Path, description = "Case id")),
    request_body = ReflectionEndRequest, responses(
    (status = 204), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn end_reflection(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let request: ReflectionEndRequest = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    answer!(
        tr,
        mnir_app::reflection::end(&state.app, &who, &id, &request.outcome, &request.reason)
    );
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct NoRemovalJson {
    reference: String,
    given_name: Option<String>,
    family_name: Option<String>,
    birth_date: Option<String>,
    citizenship: String,
    since: String,
    /// None while the period is paused (the flag stays).
    until: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NoRemovalListJson {
    people: Vec<NoRemovalJson>,
}

impl From<NoRemovalFlag> for NoRemovalJson {
    fn from(f: NoRemovalFlag) -> Self {
        NoRemovalJson {
            reference: f.reference,
            given_name: f.given_name,
            family_name: f.family_name,
            birth_date: f.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
            citizenship: f.citizenship,
            since: rfc3339(f.since_ms),
            until: f.until_ms.map(rfc3339),
        }
    }
}

/// For immigration staff: the people who may not be removed now (reflection period running).
/// Not found outside the immigration service; 403 for its staff without a notifying role.
#[utoipa::path(get, path = "/api/v1/no-removal", responses(
    (status = 200, body = NoRemovalListJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn no_removal(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<NoRemovalListJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let flags = answer!(tr, mnir_app::reflection::flags(&state.app, &who));
    Ok(Json(NoRemovalListJson {
        people: flags.into_iter().map(Into::into).collect(),
    }))
}
