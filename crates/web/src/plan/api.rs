//! The API of the safety and support plan (mnir.md §8–§9): the versions and the services
//! delivered, a new version, an acknowledgement, a delivery.

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
use mnir_app::plan::{AcknowledgementInput, DeliveryInput, PlanInput, PlanRead};
use mnir_store::{PlanAcknowledgement, ServiceDelivery, SupportPlanRecord};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read_plan, record_plan))
        .routes(routes!(acknowledge_plan))
        .routes(routes!(record_delivery))
        .routes(routes!(plan_pdf))
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[derive(Serialize, ToSchema)]
pub struct MeasureJson {
    measure: String,
    responsible: String,
    /// `YYYY-MM-DD`.
    due_on: String,
    detail: String,
    /// The shelter's address, for the case's case workers; absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    shelter_address: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceJson {
    /// HTCDS `spl_Type`, as the project's code (`social_care`…).
    #[serde(rename = "type")]
    service_type: String,
    /// HTCDS's own value (`SocialCare`…).
    htcds_type: String,
    provider_org: Option<String>,
    objectives: String,
    action_plan: String,
    planned_end_on: String,
    actual_end_on: Option<String>,
    status: String,
}

#[derive(Serialize, ToSchema)]
pub struct AcknowledgementJson {
    /// `person` or `assessor`.
    party: String,
    /// `signed_on_paper` or `verbal_with_witness`.
    way: String,
    on: String,
    witness: String,
    /// The login of who recorded it.
    recorded_by: String,
    recorded_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanJson {
    id: String,
    case_id: String,
    /// 1 for the case's first plan, one more for each after it.
    version: i64,
    organisation: String,
    /// The drafter's login (empty for a generated plan).
    drafted_by: String,
    drafted_at: String,
    /// The full risk assessment it was drafted from.
    assessment_id: String,
    review_on: String,
    measures: Vec<MeasureJson>,
    services: Vec<ServiceJson>,
    acknowledgements: Vec<AcknowledgementJson>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryJson {
    id: String,
    #[serde(rename = "type")]
    service_type: String,
    delivered_on: String,
    provider_org: Option<String>,
    provider_other: String,
    outcome: String,
    organisation: String,
    recorded_by: String,
    recorded_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanListJson {
    /// Oldest first.
    versions: Vec<PlanJson>,
    /// By day delivered.
    deliveries: Vec<DeliveryJson>,
}

fn acknowledgement_json(a: PlanAcknowledgement, login: String) -> AcknowledgementJson {
    AcknowledgementJson {
        party: a.party.as_str().into(),
        way: a.way.as_str().into(),
        on: day(a.on),
        witness: a.witness,
        recorded_by: login,
        recorded_at: rfc3339(a.recorded_at_ms),
    }
}

pub(crate) fn plan_json(
    p: SupportPlanRecord,
    login: &dyn Fn(&str) -> String,
    sees_shelter: bool,
) -> PlanJson {
    PlanJson {
        drafted_by: login(&p.drafted_by),
        id: p.id,
        case_id: p.case_id,
        version: p.version,
        organisation: p.org_code,
        drafted_at: rfc3339(p.drafted_at_ms),
        assessment_id: p.assessment_id,
        review_on: day(p.review_on),
        measures: p
            .measures
            .into_iter()
            .map(|m| MeasureJson {
                shelter_address: (sees_shelter
                    && m.measure == mnir_domain::plan::ProtectionMeasure::ConfidentialShelter)
                    .then_some(m.shelter_address),
                measure: m.measure.as_str().into(),
                responsible: m.responsible,
                due_on: day(m.due_on),
                detail: m.detail,
            })
            .collect(),
        services: p
            .services
            .into_iter()
            .map(|s| ServiceJson {
                service_type: s.service_type.as_str().into(),
                htcds_type: s.service_type.htcds().into(),
                provider_org: s.provider_org,
                objectives: s.objectives,
                action_plan: s.action_plan,
                planned_end_on: day(s.planned_end_on),
                actual_end_on: s.actual_end_on.map(day),
                status: s.status.as_str().into(),
            })
            .collect(),
        acknowledgements: p
            .acknowledgements
            .into_iter()
            .map(|a| {
                let who = login(&a.recorded_by);
                acknowledgement_json(a, who)
            })
            .collect(),
    }
}

pub(crate) fn delivery_json(d: ServiceDelivery, login: String) -> DeliveryJson {
    DeliveryJson {
        id: d.id,
        service_type: d.service_type.as_str().into(),
        delivered_on: day(d.delivered_on),
        provider_org: d.provider_org,
        provider_other: d.provider_other,
        outcome: d.outcome,
        organisation: d.org_code,
        recorded_by: login,
        recorded_at: rfc3339(d.recorded_at_ms),
    }
}

/// Every version of the case's safety and support plan, oldest first, and the services
/// delivered. Support records: refused to an investigating body, a coordinator and an
/// administrator (the firewall); the shelter's address only for the case's case workers.
#[utoipa::path(get, path = "/api/v1/cases/{id}/plan", params(("id" = String, Path, description = "Case id")),
    responses(
    (status = 200, body = PlanListJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn read_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<PlanListJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let read: PlanRead = answer!(tr, mnir_app::plan::read(&state.app, &who, &id));
    let login = |id: &str| read.login(id);
    let versions = read
        .versions
        .iter()
        .cloned()
        .map(|p| plan_json(p, &login, read.sees_shelter))
        .collect();
    let deliveries = read
        .deliveries
        .iter()
        .cloned()
        .map(|d| {
            let who = read.login(&d.recorded_by);
            delivery_json(d, who)
        })
        .collect();
    Ok(Json(PlanListJson {
        versions,
        deliveries,
    }))
}

/// Records a new version of the case's plan, drafted from its latest full risk assessment (from
/// the presumed-victim finding on). A plan that sets a protection measure answers the case's
/// open urgent needs. An unknown measure or service, one given twice, a missing or malformed
/// date, a review not within a year, or an end date that disagrees with the status is refused
/// with 422, naming the field (`measures.<code>.<field>`, `services.<code>.<field>`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/plan", params(("id" = String, Path, description = "Case id")),
    request_body = PlanInput, responses(
    (status = 201, body = PlanJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn record_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: PlanInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let (plan, sees_shelter) = answer!(tr, mnir_app::plan::record(&state.app, &who, &id, &input));
    let login = |_: &str| user.login.clone();
    Ok(created(plan_json(plan, &login, sees_shelter)))
}

/// Records how the person or the assessor acknowledged a version of the plan (once each): signed
/// on paper, or verbally before a named witness, on a day between the draft and today (a day
/// before the draft is refused with 409, naming `on`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/plan/{plan_id}/acknowledgements", params(("id" = String, Path, description = "Case id"), ("plan_id" = String, Path, description = "Plan version id")),
    request_body = AcknowledgementInput, responses(
    (status = 201, body = AcknowledgementJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn acknowledge_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, plan_id)): ApiPath<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: AcknowledgementInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let recorded = answer!(
        tr,
        mnir_app::plan::acknowledge(&state.app, &who, &id, &plan_id, &input)
    );
    Ok(created(acknowledgement_json(recorded, user.login.clone())))
}

/// Records a service delivered against the latest plan (a service type it sets), by one of the
/// mechanism's organisations or a provider outside it, on a day not in the future. A type the
/// latest plan does not set is refused with 409, naming `type`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/services-delivered", params(("id" = String, Path, description = "Case id")),
    request_body = DeliveryInput, responses(
    (status = 201, body = DeliveryJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn record_delivery(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: DeliveryInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let delivery = answer!(tr, mnir_app::plan::deliver(&state.app, &who, &id, &input));
    Ok(created(delivery_json(delivery, user.login.clone())))
}

/// A version of the plan printed for signature, as PDF, in the person's language (`lang`: `ro` or
/// `en`, the caller's when absent): what the caller may see of it and of the person, the
/// shelter's address only for the case's case workers. The latest version when `version` is
/// absent; an unknown version is a 404, an unknown language a 422.
#[utoipa::path(get, path = "/api/v1/cases/{id}/plan/pdf",
    params(("id" = String, Path, description = "Case id"), crate::plan::print::PrintParams),
    responses(
    (status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The plan, a PDF with its font embedded"),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn plan_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    crate::kit::query::ApiQuery(params): crate::kit::query::ApiQuery<
        crate::plan::print::PrintParams,
    >,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let lang =
        crate::plan::print::api_language(params.lang.as_deref(), tr.lang).ok_or_else(|| {
            crate::kit::error::ApiError::invalid(
                &tr,
                vec![crate::kit::error::FieldError {
                    field: "lang".into(),
                    message: tr.t("plan-pdf-lang-unknown"),
                }],
            )
        })?;
    let who = who(&state, &user);
    let printable = answer!(
        tr,
        mnir_app::plan::printable(&state.app, &who, &id, params.version)
    );
    let doc = crate::plan::print::document(&tr.with_lang(lang), &printable);
    let bytes = crate::kit::download::rendered(doc).await.ok_or_else(|| {
        crate::kit::error::ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            tr.t("error-internal"),
        )
    })?;
    Ok(crate::plan::print::pdf_response(&printable, lang, bytes))
}
