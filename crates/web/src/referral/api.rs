//! The API of referrals (mnir.md §6): send, the recipient's list and view, the answer.

use crate::kit::api::{ApiResult, Caller, answer, caller, created, parse_json, rfc3339, who};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::error::{ApiError, FieldError};
use crate::kit::query::{ApiPath, ApiQuery, api_place};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use mnir_store::ReferralRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this feature, each with its OpenAPI entry.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_referrals, create_referral))
        .routes(routes!(referrals_awaiting))
        .routes(routes!(open_referral))
        .routes(routes!(answer_referral))
}

#[derive(Serialize, ToSchema)]
pub struct ReferralJson {
    id: String,
    case_id: String,
    case_reference: String,
    from_org: String,
    to_org: String,
    service: String,
    urgent: bool,
    /// `sent`, `accepted`, `declined` or `cancelled` (consent withdrawn before an answer).
    status: String,
    sent_at: String,
    answered_at: Option<String>,
    /// Why the recipient declined (only for `declined`).
    decline_reason: Option<String>,
}

impl From<ReferralRecord> for ReferralJson {
    fn from(r: ReferralRecord) -> Self {
        ReferralJson {
            id: r.id,
            case_id: r.case_id,
            case_reference: r.case_reference,
            from_org: r.from_org,
            to_org: r.to_org,
            service: r.service,
            urgent: r.urgent,
            status: r.status.as_str().into(),
            sent_at: rfc3339(r.sent_at_ms),
            answered_at: r.answered_at_ms.map(rfc3339),
            decline_reason: r.decline_reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReferralsJson {
    referrals: Vec<ReferralJson>,
}

/// A page of the referrals awaiting the caller's organisation's answer, oldest first.
#[derive(Serialize, ToSchema)]
pub struct AwaitingReferralsJson {
    #[schema(max_items = 50)]
    referrals: Vec<ReferralJson>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<String>,
    /// How many referrals await the organisation's answer, on every page.
    #[schema(minimum = 0)]
    total: i64,
}

// The document's `maxItems` is the page the store reads.
const _: () = assert!(mnir_app::referral::AWAITING_PER_PAGE == 50);

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AwaitingParams {
    /// The page after this place: the `after` value of an earlier answer.
    #[param(pattern = r"^[0-9]{1,15}\.[A-Za-z0-9-]{1,64}$")]
    after: Option<String>,
}

/// The referral as its recipient sees it: the referral and the minimum data set of its service.
#[derive(Serialize, ToSchema)]
pub struct ReferralViewJson {
    referral: ReferralJson,
    // The case as the service's data set shows it; every field is absent once the referral was
    // declined or cancelled, when its outcome is all the recipient sees.
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    age_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    citizenship: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found_in_county: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exploitation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    signals: Vec<String>,
}

/// Referrals sent for a case, with their outcome; for whoever sees the case.
#[utoipa::path(get, path = "/api/v1/cases/{id}/referrals", params(("id" = String, Path, description = "Case id")), responses(
    (status = 200, body = ReferralsJson), (status = 401, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn list_referrals(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ReferralsJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let referrals = answer!(
        tr,
        mnir_app::referral::of_case(&state.app, &who(&state, &user), &id)
    );
    Ok(Json(ReferralsJson {
        referrals: referrals.into_iter().map(Into::into).collect(),
    }))
}

/// Refers the case to an organisation for a service; refused without the matching consent
/// (a child is referred to child protection without waiting for it). A missing consent (field
/// `consent`) and the caller's own organisation as `to_org` are refused with 409, naming the
/// field: neither shows in the request itself.
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", params(("id" = String, Path, description = "Case id")),
    request_body = mnir_app::referral::ReferralInput, responses(
    (status = 201, body = ReferralJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn create_referral(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let referral = answer!(
        tr,
        mnir_app::referral::send_referral(&state.app, &who, &id, input)
    );
    Ok(created(ReferralJson::from(referral)))
}

/// Referrals sent to the caller's organisation and not yet answered, oldest first, a page of
/// 50 at a time.
#[utoipa::path(get, path = "/api/v1/referrals", params(AwaitingParams), responses(
    (status = 200, body = AwaitingReferralsJson), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn referrals_awaiting(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<AwaitingParams>,
) -> ApiResult<Json<AwaitingReferralsJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let after = match p.after.as_deref() {
        None => None,
        Some(place) => Some(api_place(place).ok_or_else(|| {
            ApiError::invalid(
                &tr,
                vec![FieldError {
                    field: "after".into(),
                    message: tr.t("field-referrals-after-invalid"),
                }],
            )
        })?),
    };
    let page = answer!(
        tr,
        mnir_app::referral::awaiting(&state.app, &who(&state, &user), after.as_ref())
    );
    Ok(Json(AwaitingReferralsJson {
        referrals: page.referrals.into_iter().map(Into::into).collect(),
        after: page.later.map(|place| place.to_string()),
        total: page.total,
    }))
}

/// A referral for its recipient: the minimum data set of its service, while the consent holds.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", params(("id" = String, Path, description = "Referral id")), responses(
    (status = 200, body = ReferralViewJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn open_referral(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ReferralViewJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let (referral, detail) = answer!(tr, mnir_app::referral::open_referral(&state.app, &who, &id));
    let mut view = ReferralViewJson {
        referral: referral.into(),
        reference: None,
        sex: None,
        age_group: None,
        citizenship: None,
        found_in_county: None,
        given_name: None,
        family_name: None,
        birth_date: None,
        exploitation: None,
        signals: Vec::new(),
    };
    if let Some(detail) = detail {
        let s = detail.summary;
        view.reference = Some(s.reference);
        view.sex = Some(s.sex.as_str().into());
        view.age_group = Some(s.age_group.as_str().into());
        view.citizenship = Some(s.citizenship);
        view.found_in_county = Some(s.found_in_county);
        view.given_name = s.given_name;
        view.family_name = s.family_name;
        view.birth_date = detail.birth_date.map(|d| d.format("%Y-%m-%d").to_string());
        view.exploitation = s.exploitation.map(|e| e.as_str().to_string());
        view.signals = detail.signals;
    }
    Ok(Json(view))
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// `true` to accept, `false` to decline.
    // `Option` so that a missing answer gets the 422 naming the field, not a malformed body's 400.
    #[schema(value_type = bool, required = true)]
    accept: Option<bool>,
    /// Why the referral is declined: required when declining (some text, at most 2,000
    /// characters), not kept when accepting.
    #[serde(default)]
    reason: String,
}

/// Accepts or declines a referral addressed to the caller's organisation, once.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/answer", params(("id" = String, Path, description = "Referral id")),
    request_body = AnswerRequest, responses(
    (status = 200, body = ReferralJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn answer_referral(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Json<ReferralJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let request: AnswerRequest = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let referral = answer!(
        tr,
        mnir_app::referral::answer_referral(&state.app, &who, &id, request.accept, &request.reason)
    );
    Ok(Json(referral.into()))
}
