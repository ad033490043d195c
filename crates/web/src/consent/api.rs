//! The API of information and consent (mnir.md §5), the same use cases as the consent page.

use crate::kit::api::{ApiResult, Caller, answer, caller, created, parse_json, rfc3339, who};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::query::ApiPath;
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use mnir_app::consent::ConsentOverview;
use mnir_store::{ConsentRecord, InformationRecord};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this feature, each with its OpenAPI entry.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_consents, create_consent))
        .routes(routes!(create_information))
        .routes(routes!(withdraw_consent))
}

#[derive(Serialize, ToSchema)]
pub struct InformationJson {
    id: String,
    rights: Vec<String>,
    language: String,
    interpreter: bool,
    mediator: bool,
    notice_version: String,
    organisation: String,
    given_at: String,
}

impl From<InformationRecord> for InformationJson {
    fn from(i: InformationRecord) -> Self {
        InformationJson {
            id: i.id,
            rights: i.rights.iter().map(|r| r.as_str().to_string()).collect(),
            language: i.language,
            interpreter: i.interpreter,
            mediator: i.mediator,
            notice_version: i.notice_version,
            organisation: i.org_code,
            given_at: rfc3339(i.given_at_ms),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ConsentJson {
    id: String,
    purpose: String,
    recipient: Option<String>,
    given_by: String,
    method: String,
    given_at: String,
    expires_at: Option<String>,
    withdrawn_at: Option<String>,
    /// Whether sharing under this consent is allowed now.
    in_force: bool,
}

fn consent_json(c: ConsentRecord, now: mnir_store::Timestamp) -> ConsentJson {
    let in_force = c.terms().in_force(now.millis());
    ConsentJson {
        id: c.id,
        purpose: c.purpose.as_str().into(),
        recipient: c.recipient_org,
        given_by: c.given_by.as_str().into(),
        method: c.method.as_str().into(),
        given_at: rfc3339(c.given_at_ms),
        expires_at: c.expires_at_ms.map(rfc3339),
        withdrawn_at: c.withdrawn_at_ms.map(rfc3339),
        in_force,
    }
}

#[derive(Serialize, ToSchema)]
pub struct ConsentsJson {
    information: Vec<InformationJson>,
    consents: Vec<ConsentJson>,
}

/// Information given and consents recorded on a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/consents", params(("id" = String, Path, description = "Case id")), responses(
    (status = 200, body = ConsentsJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn list_consents(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ConsentsJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let ConsentOverview {
        information,
        consents,
        ..
    } = answer!(tr, mnir_app::consent::overview(&state.app, &who, &id));
    let now = state.now();
    Ok(Json(ConsentsJson {
        information: information.into_iter().map(Into::into).collect(),
        consents: consents.into_iter().map(|c| consent_json(c, now)).collect(),
    }))
}

/// Records which rights were explained to the person, in which language and with whose help.
#[utoipa::path(post, path = "/api/v1/cases/{id}/information", params(("id" = String, Path, description = "Case id")),
    request_body = mnir_app::consent::InformationInput, responses(
    (status = 201, body = InformationJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn create_information(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let record = answer!(
        tr,
        mnir_app::consent::record_information(&state.app, &who, &id, input)
    );
    Ok(created(InformationJson::from(record)))
}

/// Records a consent for a purpose and, where the purpose names one, a recipient. A giver that
/// does not suit the case's age group is refused with 409, naming `given_by`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents", params(("id" = String, Path, description = "Case id")),
    request_body = mnir_app::consent::ConsentInput, responses(
    (status = 201, body = ConsentJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn create_consent(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let now = who.now();
    let record = answer!(
        tr,
        mnir_app::consent::record_consent(&state.app, &who, &id, input)
    );
    Ok(created(consent_json(record, now)))
}

/// Withdraws a consent; sharing under it stops with the recipient's next request.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents/{consent}/withdraw", params(
    ("id" = String, Path, description = "Case id"), ("consent" = String, Path, description = "Consent id")), responses(
    (status = 200, body = ConsentJson), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope), (status = 409, body = ApiErrorEnvelope)
))]
async fn withdraw_consent(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, consent)): ApiPath<(String, String)>,
) -> ApiResult<Json<ConsentJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let now = who.now();
    let record = answer!(
        tr,
        mnir_app::consent::withdraw_consent(&state.app, &who, &id, &consent)
    );
    Ok(Json(consent_json(record, now)))
}
