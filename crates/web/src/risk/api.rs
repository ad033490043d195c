//! The API of risk assessments (mnir.md §8): a new version, and the list of versions.

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
use mnir_app::risk::{AssessmentInput, History};
use mnir_store::{RiskAssessmentRecord, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(record_assessment, list_assessments))
}

#[derive(Serialize, ToSchema)]
pub struct DomainJson {
    severity: u8,
    likelihood: u8,
    /// Severity × likelihood: 1, 2, 3, 4, 6 or 9.
    score: u8,
    /// `low` (1–2), `medium` (3–4) or `high` (6–9).
    level: String,
    note: String,
}

#[derive(Serialize, ToSchema)]
pub struct UrgentJson {
    answer: bool,
    note: String,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentJson {
    id: String,
    case_id: String,
    /// 1 for the case's first assessment, one more for each after it.
    version: i64,
    /// `first_contact`, `full` or `return`.
    kind: String,
    /// A return's assessment: the partner in the country of return it was made with.
    #[serde(skip_serializing_if = "Option::is_none")]
    partner_org: Option<String>,
    organisation: String,
    /// The assessor's login.
    assessed_by: String,
    assessed_at: String,
    /// The highest domain level (`low`, `medium`, `high`); absent for a first contact.
    overall: Option<String>,
    domains: BTreeMap<String, DomainJson>,
    urgent: BTreeMap<String, UrgentJson>,
    /// Urgent needs of this version that nothing has answered yet.
    urgent_open: Vec<String>,
    /// When the review of a full assessment falls due (`YYYY-MM-DD`, the jurisdiction's date).
    review_due: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentListJson {
    /// Oldest first.
    versions: Vec<AssessmentJson>,
}

fn review_date(state: &AppState, due: Timestamp) -> String {
    state
        .app
        .jurisdiction()
        .local_date(due.to_utc())
        .format("%Y-%m-%d")
        .to_string()
}

pub(crate) fn json_of(
    state: &AppState,
    v: RiskAssessmentRecord,
    assessor: String,
    review_due: Option<Timestamp>,
) -> AssessmentJson {
    AssessmentJson {
        urgent_open: v
            .urgent_open()
            .iter()
            .map(|q| q.as_str().to_string())
            .collect(),
        id: v.id,
        case_id: v.case_id,
        version: v.version,
        kind: v.kind.as_str().to_string(),
        partner_org: v.partner_org,
        organisation: v.org_code,
        assessed_by: assessor,
        assessed_at: rfc3339(v.assessed_at_ms),
        overall: v.overall.map(|l| l.as_str().to_string()),
        domains: v
            .domains
            .into_iter()
            .map(|d| {
                (
                    d.domain.as_str().to_string(),
                    DomainJson {
                        severity: d.rating.severity(),
                        likelihood: d.rating.likelihood(),
                        score: d.rating.score(),
                        level: d.rating.level().as_str().to_string(),
                        note: d.note,
                    },
                )
            })
            .collect(),
        urgent: v
            .urgent
            .into_iter()
            .map(|u| {
                (
                    u.question.as_str().to_string(),
                    UrgentJson {
                        answer: u.yes,
                        note: u.note,
                    },
                )
            })
            .collect(),
        review_due: review_due.map(|d| review_date(state, d)),
    }
}

/// Records a new version of the case's risk assessment: the first contact's urgent questions
/// (from notification on), the full assessment of every domain (from the presumed-victim
/// finding on), which starts the review clock of its overall level, or a return's assessment
/// (kind `return`, before the return: every domain of the full one and `family_at_home`, with the
/// `partner_org` in the country of return; it starts no review clock). A rating outside 1–3, an
/// unknown domain or question, or a missing domain is refused with 422, naming the field;
/// `child_specific` or `child_without_carer` given for an adult (or missing for a child or a
/// person of uncertain age) with 409, naming it, since the case's age group decides.
#[utoipa::path(post, path = "/api/v1/cases/{id}/risk-assessments", params(("id" = String, Path, description = "Case id")),
    request_body = AssessmentInput, responses(
    (status = 201, body = AssessmentJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn record_assessment(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: AssessmentInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let recorded = answer!(tr, mnir_app::risk::record(&state.app, &who, &id, &input));
    Ok(created(json_of(
        &state,
        recorded.assessment,
        user.login.clone(),
        recorded.review_due,
    )))
}

/// Every version of the case's risk assessment, oldest first. Support records: refused to an
/// investigating body, a coordinator and an administrator (the firewall).
#[utoipa::path(get, path = "/api/v1/cases/{id}/risk-assessments", params(("id" = String, Path, description = "Case id")),
    responses(
    (status = 200, body = AssessmentListJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn list_assessments(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<AssessmentListJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let history: History = answer!(tr, mnir_app::risk::history(&state.app, &who, &id));
    let versions = history
        .versions
        .iter()
        .map(|v| {
            json_of(
                &state,
                v.clone(),
                history.assessor(v),
                history.review_due(v),
            )
        })
        .collect();
    Ok(Json(AssessmentListJson { versions }))
}
