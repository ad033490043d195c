//! The API of assisted voluntary repatriation (mnir.md §10): opening a procedure on a case,
//! recording its steps (each refused step answered 409 with the guard's code), the person's
//! withdrawal and a supervisor's approval of a risky travel.

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
use mnir_app::repatriation::{CheckInInput, OpenInput, Overview, StepInput};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this feature, each with its OpenAPI entry.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_repatriation, case_repatriations))
        .routes(routes!(repatriation))
        .routes(routes!(record_step))
        .routes(routes!(withdraw))
        .routes(routes!(approve))
        .routes(routes!(record_checkin))
}

#[derive(Serialize, ToSchema)]
pub struct DocumentJson {
    /// `travel_title`, `passport`, `medical_certificate` or `ticket`.
    kind: String,
    number: String,
}

#[derive(Serialize, ToSchema)]
pub struct StepJson {
    /// `request`, `risk_assessment`, `travel_documents`, `fit_to_travel`, `travel`,
    /// `reception`, `reintegration_plan` or `follow_up`.
    step: String,
    /// `pending`, `in_progress`, `done` or `blocked`.
    state: String,
    /// `YYYY-MM-DD`, the jurisdiction's calendar.
    date: Option<String>,
    responsible_org: Option<String>,
    responsible_person: String,
    documents: Vec<DocumentJson>,
    note: String,
    details: BTreeMap<String, String>,
    recorded_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckInJson {
    /// 1 for the first, in the order they fall due.
    number: i64,
    /// `YYYY-MM-DD`: 1, 3, 6 and 12 calendar months after the reception in Romania's profile.
    due_on: String,
    /// The organisation whose task it is.
    organisation: String,
    /// When it was made, once recorded.
    date: Option<String>,
    contact_made: Option<bool>,
    /// `housing`, `work`, `health`, `safety`, `concerns`.
    situation: BTreeMap<String, String>,
    new_assessment: bool,
    recorded_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NextStepJson {
    step: String,
    /// The guard that would refuse marking it done now, if any.
    blocked_by: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RepatriationJson {
    id: String,
    case_id: String,
    /// `to_romania` or `from_romania`.
    direction: String,
    partner_org: String,
    country: String,
    organisation: String,
    opened_at: String,
    cancelled_at: Option<String>,
    approved_at: Option<String>,
    /// Changes recorded so far.
    version: i64,
    /// The eight steps, in order.
    steps: Vec<StepJson>,
    /// The days (`YYYY-MM-DD`) the follow-up check-ins fall due, once the reception is done.
    follow_up_due: Vec<String>,
    /// The follow-up check-ins, first due first, with what each found once recorded.
    checkins: Vec<CheckInJson>,
    /// The first step not done, with what would refuse it.
    next: Option<NextStepJson>,
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn json_of(o: Overview) -> RepatriationJson {
    let r = o.record;
    RepatriationJson {
        steps: r
            .steps
            .into_iter()
            .map(|s| StepJson {
                step: s.step.as_str().to_string(),
                state: s.state.as_str().to_string(),
                date: s.happened_on.map(day),
                responsible_org: s.responsible_org,
                responsible_person: s.responsible_person,
                documents: s
                    .documents
                    .into_iter()
                    .map(|d| DocumentJson {
                        kind: d.kind.as_str().to_string(),
                        number: d.number,
                    })
                    .collect(),
                note: s.note,
                details: s.details,
                recorded_at: s.recorded_at_ms.map(rfc3339),
            })
            .collect(),
        id: r.id,
        case_id: r.case_id,
        direction: r.direction.as_str().to_string(),
        partner_org: r.partner_org,
        country: r.country,
        organisation: r.org_code,
        opened_at: rfc3339(r.opened_at_ms),
        cancelled_at: r.cancelled_at_ms.map(rfc3339),
        approved_at: r.approved_at_ms.map(rfc3339),
        version: r.version,
        follow_up_due: r.checkins.iter().map(|c| day(c.due_on)).collect(),
        checkins: r
            .checkins
            .into_iter()
            .map(|c| CheckInJson {
                number: c.number,
                due_on: day(c.due_on),
                organisation: c.org_code,
                date: c.happened_on.map(day),
                contact_made: c.contact_made,
                situation: c.situation,
                new_assessment: c.new_assessment_asked,
                recorded_at: c.recorded_at_ms.map(rfc3339),
            })
            .collect(),
        next: o.next.map(|(step, guard)| NextStepJson {
            step: step.as_str().to_string(),
            blocked_by: guard.map(|g| g.as_str().to_string()),
        }),
    }
}

/// Opens an assisted voluntary return on a case, its eight steps pending. A direction the
/// person's citizenship refuses, a partner the directory lists in the wrong country, or the
/// jurisdiction's own country as `country` is refused with 409, naming the field.
#[utoipa::path(post, path = "/api/v1/cases/{id}/repatriation", params(("id" = String, Path, description = "Case id")),
    request_body = OpenInput, responses(
    (status = 201, body = RepatriationJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn open_repatriation(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: OpenInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let opened = answer!(
        tr,
        mnir_app::repatriation::open(&state.app, &who, &id, &input)
    );
    Ok(created(json_of(opened)))
}

#[derive(Serialize, ToSchema)]
pub struct RepatriationListJson {
    /// Oldest first.
    repatriations: Vec<RepatriationJson>,
}

/// A case's repatriation procedures, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/repatriation", params(("id" = String, Path, description = "Case id")),
    responses(
    (status = 200, body = RepatriationListJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn case_repatriations(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<RepatriationListJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let overviews = answer!(tr, mnir_app::repatriation::of_case(&state.app, &who, &id));
    Ok(Json(RepatriationListJson {
        repatriations: overviews.into_iter().map(json_of).collect(),
    }))
}

/// A repatriation procedure, with its follow-up dates once the reception is done.
#[utoipa::path(get, path = "/api/v1/repatriations/{id}", params(("id" = String, Path, description = "Procedure id")),
    responses(
    (status = 200, body = RepatriationJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn repatriation(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<RepatriationJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let overview = answer!(tr, mnir_app::repatriation::get(&state.app, &who, &id));
    Ok(Json(json_of(overview)))
}

/// Records a step. A step its guards refuse is answered 409 with the guard's code:
/// `no_consent`, `no_return_risk_assessment`, `reflection_period_running`,
/// `approval_required`, `previous_step_not_done`, `previous_step_not_started`,
/// `step_already_done`, `later_step_done`, `travel_done`, `procedure_cancelled`,
/// `follow_up_closed` (the follow-up done is not reopened); a future date,
/// an unknown step, or a step done without its date, organisation or person responsible 422
/// naming the field. The step that completes travel and reception moves a case in assistance to
/// `returned`.
#[utoipa::path(post, path = "/api/v1/repatriations/{id}/steps/{step}", params(
    ("id" = String, Path, description = "Procedure id"),
    ("step" = inline(StepCode), Path, description = "The step, of the eight in their order")),
    request_body = StepInput, responses(
    (status = 200, body = RepatriationJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn record_step(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, step)): ApiPath<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<RepatriationJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: StepInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let overview = answer!(
        tr,
        mnir_app::repatriation::record_step(&state.app, &who, &id, &step, &input)
    );
    Ok(Json(json_of(overview)))
}

/// A step of the procedure by its code, as the API's document states the path's `step`.
struct StepCode;

impl utoipa::PartialSchema for StepCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        crate::kit::schema::codes::<mnir_domain::repatriation::Step>().into()
    }
}

impl ToSchema for StepCode {}

#[derive(Deserialize, ToSchema)]
pub struct WithdrawRequest {
    /// What the person said, in their words or the case worker's; required.
    #[serde(default)]
    #[schema(required = true, pattern = r"\S", max_length = 2000)]
    reason: String,
}

/// The person withdraws before the travel is done: the procedure is cancelled, its history
/// kept.
#[utoipa::path(post, path = "/api/v1/repatriations/{id}/withdraw", params(("id" = String, Path, description = "Procedure id")),
    request_body = WithdrawRequest, responses(
    (status = 200, body = RepatriationJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Json<RepatriationJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let request: WithdrawRequest = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let overview = answer!(
        tr,
        mnir_app::repatriation::withdraw(&state.app, &who, &id, &request.reason)
    );
    Ok(Json(json_of(overview)))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ApprovalRequest {
    /// The return assessment the supervisor read (its id); a newer one is answered 409
    /// `conflict`. Absent: the latest.
    #[serde(default)]
    assessment_id: Option<String>,
}

/// A supervisor approves the travel after a high risk of the return was assessed; 409
/// `approval_not_needed` when the latest return assessment did not find a high risk,
/// `travel_done` or `procedure_cancelled` when there is nothing left to approve.
#[utoipa::path(post, path = "/api/v1/repatriations/{id}/approval", params(("id" = String, Path, description = "Procedure id")),
    request_body(content = ApprovalRequest, description = "Optional"), responses(
    (status = 200, body = RepatriationJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope)
))]
async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Json<RepatriationJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let request: ApprovalRequest = if body.is_empty() {
        ApprovalRequest::default()
    } else {
        parse_json(&tr, &body)?
    };
    let who = who(&state, &user);
    let overview = answer!(
        tr,
        mnir_app::repatriation::approve_travel(
            &state.app,
            &who,
            &id,
            request.assessment_id.as_deref()
        )
    );
    Ok(Json(json_of(overview)))
}

/// Records what a follow-up check-in found, once: its task is then done (or its clock stopped,
/// when recorded before it fell due). 409 `follow_up_closed` once the follow-up step is done,
/// `conflict` when the check-in is recorded already, or naming `date` when it is before the
/// reception recorded; 422 naming the field for a missing date or answer on contact, or a date
/// in the future.
#[utoipa::path(post, path = "/api/v1/repatriations/{id}/checkins/{number}", params(
    ("id" = String, Path, description = "Procedure id"),
    ("number" = i64, Path, minimum = 1, description = "The check-in's number, from 1")),
    request_body = CheckInInput, responses(
    (status = 200, body = RepatriationJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn record_checkin(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, number)): ApiPath<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<RepatriationJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: CheckInInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let overview = answer!(
        tr,
        mnir_app::repatriation::record_checkin(&state.app, &who, &id, &number, &input)
    );
    Ok(Json(json_of(overview)))
}
