//! The API of the criminal-justice track, the investigative summary and the disclosures
//! (mnir.md §9), with the same rules as their pages.

use crate::kit::api::{ApiResult, Caller, answer, caller, created, parse_json, rfc3339, who};
use crate::kit::error::{ApiError, ApiErrorEnvelope, FieldError};
use crate::kit::query::{ApiPath, ApiQuery};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mnir_app::justice::{
    DisclosureInput, HearingInput, JusticeRead, NonPunishmentInput, ProceedingInput,
};
use mnir_domain::justice::DisclosureStatus;
use mnir_store::{
    DisclosureRecord, HearingRecord, NonPunishmentRecord, ProceedingRecord, RegisterScope,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read_justice))
        .routes(routes!(record_proceeding))
        .routes(routes!(update_proceeding))
        .routes(routes!(record_hearing))
        .routes(routes!(record_non_punishment))
        .routes(routes!(list_disclosures, record_disclosure))
        .routes(routes!(end_disclosure))
        .routes(routes!(disclosure_register))
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[derive(Serialize, ToSchema)]
pub struct HearingJson {
    id: String,
    held_on: String,
    /// `statement`, `court_hearing`, `confrontation` or `other`.
    kind: String,
    note: String,
    recorded_by: String,
    recorded_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProceedingJson {
    id: String,
    /// `injured_party`, `witness`, `injured_party_and_witness` or `none`.
    standing: String,
    file_number: String,
    prosecutor_office: String,
    court: String,
    opened_on: String,
    /// `pending`, `sent_to_trial`, `dismissed`, `conviction` or `acquittal`.
    outcome: String,
    outcome_on: Option<String>,
    measures: Vec<String>,
    organisation: String,
    recorded_by: String,
    recorded_at: String,
    updated_at: String,
    /// By day held.
    hearings: Vec<HearingJson>,
}

#[derive(Serialize, ToSchema)]
pub struct NonPunishmentJson {
    id: String,
    offence: String,
    proceeding_id: Option<String>,
    organisation: String,
    recorded_by: String,
    recorded_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct DisclosureJson {
    id: String,
    case_id: String,
    recipient_org: String,
    /// `consent` or `prosecutor_order`.
    basis: String,
    consent_id: Option<String>,
    order_number: String,
    order_on: Option<String>,
    order_office: String,
    /// `risk_assessments`, `plan`.
    records: Vec<String>,
    until_on: String,
    /// `in_force`, `ended` (early), `lapsed` (past its last day) or `consent_ended`.
    status: String,
    organisation: String,
    recorded_at: String,
    ended_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DisclosedJson {
    disclosure: DisclosureJson,
    /// The risk assessments, when the disclosure covers them.
    #[serde(skip_serializing_if = "Option::is_none")]
    risk_assessments: Option<Vec<crate::risk::api::AssessmentJson>>,
    /// The plan's versions (never the shelter's address), when it covers them.
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<Vec<crate::plan::api::PlanJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    services_delivered: Option<Vec<crate::plan::api::DeliveryJson>>,
}

/// The investigative summary with the justice track.
#[derive(Serialize, ToSchema)]
pub struct JusticeJson {
    case_id: String,
    reference: String,
    state: String,
    /// HTCDS `vic_TraffickingStatus`.
    trafficking_status: String,
    /// The organisation to contact about the person.
    contact_organisation: Option<String>,
    proceedings: Vec<ProceedingJson>,
    non_punishment: Vec<NonPunishmentJson>,
    /// The support records the disclosures in force to the caller's organisation cover.
    disclosed: Vec<DisclosedJson>,
}

fn hearing_json(h: HearingRecord, login: String) -> HearingJson {
    HearingJson {
        id: h.id,
        held_on: day(h.held_on),
        kind: h.kind.as_str().into(),
        note: h.note,
        recorded_by: login,
        recorded_at: rfc3339(h.recorded_at_ms),
    }
}

fn proceeding_json(p: ProceedingRecord, login: &dyn Fn(&str) -> String) -> ProceedingJson {
    ProceedingJson {
        recorded_by: login(&p.recorded_by),
        hearings: p
            .hearings
            .into_iter()
            .map(|h| {
                let who = login(&h.recorded_by);
                hearing_json(h, who)
            })
            .collect(),
        id: p.id,
        standing: p.standing.as_str().into(),
        file_number: p.file_number,
        prosecutor_office: p.prosecutor_office,
        court: p.court,
        opened_on: day(p.opened_on),
        outcome: p.outcome.as_str().into(),
        outcome_on: p.outcome_on.map(day),
        measures: p.measures.iter().map(|m| m.as_str().to_string()).collect(),
        organisation: p.org_code,
        recorded_at: rfc3339(p.recorded_at_ms),
        updated_at: rfc3339(p.updated_at_ms),
    }
}

fn flag_json(f: NonPunishmentRecord, login: String) -> NonPunishmentJson {
    NonPunishmentJson {
        id: f.id,
        offence: f.offence,
        proceeding_id: f.proceeding_id,
        organisation: f.org_code,
        recorded_by: login,
        recorded_at: rfc3339(f.recorded_at_ms),
    }
}

fn disclosure_json(d: DisclosureRecord, status: DisclosureStatus) -> DisclosureJson {
    DisclosureJson {
        id: d.id,
        case_id: d.case_id,
        recipient_org: d.recipient_org,
        basis: d.basis.as_str().into(),
        consent_id: d.consent_id,
        order_number: d.order_number,
        order_on: d.order_on.map(day),
        order_office: d.order_office,
        records: d.records.iter().map(|r| r.as_str().to_string()).collect(),
        until_on: day(d.until_on),
        status: status.as_str().into(),
        organisation: d.org_code,
        recorded_at: rfc3339(d.recorded_at_ms),
        ended_at: d.ended_at_ms.map(rfc3339),
    }
}

fn justice_json(state: &AppState, read: JusticeRead) -> JusticeJson {
    let login = |id: &str| read.login(id);
    let disclosed = read
        .disclosed
        .iter()
        .map(|v| DisclosedJson {
            disclosure: disclosure_json(v.disclosure.clone(), DisclosureStatus::InForce),
            risk_assessments: v.assessments.as_ref().map(|versions| {
                versions
                    .iter()
                    .cloned()
                    .map(|a| {
                        let who = read.login(&a.assessed_by);
                        crate::risk::api::json_of(state, a, who, None)
                    })
                    .collect()
            }),
            plan: v.plan.as_ref().map(|(versions, _)| {
                versions
                    .iter()
                    .cloned()
                    .map(|p| crate::plan::api::plan_json(p, &login, false))
                    .collect()
            }),
            services_delivered: v.plan.as_ref().map(|(_, deliveries)| {
                deliveries
                    .iter()
                    .cloned()
                    .map(|d| {
                        let who = read.login(&d.recorded_by);
                        crate::plan::api::delivery_json(d, who)
                    })
                    .collect()
            }),
        })
        .collect();
    JusticeJson {
        case_id: read.brief.case_id.clone(),
        reference: read.brief.reference.clone(),
        state: read.brief.state.as_str().into(),
        trafficking_status: read.brief.state.htcds_trafficking_status().into(),
        contact_organisation: read.brief.contact_org.clone(),
        proceedings: read
            .proceedings
            .iter()
            .cloned()
            .map(|p| proceeding_json(p, &login))
            .collect(),
        non_punishment: read
            .flags
            .iter()
            .cloned()
            .map(|f| {
                let who = read.login(&f.recorded_by);
                flag_json(f, who)
            })
            .collect(),
        disclosed,
    }
}

/// The investigative summary of a case (reference, state, trafficking status, proceedings with
/// their hearings, non-punishment flags, the organisation to contact) and the support records
/// that disclosures in force to the caller's organisation cover: for the case's organisations'
/// case workers, supervisors, identification officers and investigators, and the investigators
/// of a disclosure's recipient. No support record otherwise (the firewall).
#[utoipa::path(get, path = "/api/v1/cases/{id}/justice", params(("id" = String, Path, description = "Case id")),
    responses(
    (status = 200, body = JusticeJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn read_justice(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<JusticeJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let read = answer!(tr, mnir_app::justice::read(&state.app, &who, &id));
    Ok(Json(justice_json(&state, read)))
}

/// Records proceedings in which the person takes part. An unknown standing, outcome or measure,
/// a missing file number or office, a day out of reach, or an outcome day that disagrees with
/// the outcome is refused with 422, naming the field.
#[utoipa::path(post, path = "/api/v1/cases/{id}/proceedings", params(("id" = String, Path, description = "Case id")),
    request_body = ProceedingInput, responses(
    (status = 201, body = ProceedingJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn record_proceeding(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: ProceedingInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let p = answer!(
        tr,
        mnir_app::justice::record_proceeding(&state.app, &who, &id, &input)
    );
    let login = |_: &str| user.login.clone();
    Ok(created(proceeding_json(p, &login)))
}

/// Brings proceedings up to date: the whole of them as they are now (the same fields as when
/// recorded, the file number and the day opened unchanged). A field not valid is refused with
/// 422, naming it; a file number or day opened other than those first recorded with 409, naming
/// it, as is nothing changed.
#[utoipa::path(put, path = "/api/v1/cases/{id}/proceedings/{proceeding_id}", params(("id" = String, Path, description = "Case id"), ("proceeding_id" = String, Path, description = "Proceedings id")),
    request_body = ProceedingInput, responses(
    (status = 200, body = ProceedingJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn update_proceeding(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, proceeding_id)): ApiPath<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<ProceedingJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: ProceedingInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let (p, logins) = answer!(
        tr,
        mnir_app::justice::update_proceeding(&state.app, &who, &id, &proceeding_id, &input)
    );
    let login = |recorder: &str| {
        logins
            .get(recorder)
            .cloned()
            .unwrap_or_else(|| recorder.to_string())
    };
    Ok(Json(proceeding_json(p, &login)))
}

/// Records a hearing of proceedings of the case, held or scheduled. A day before the proceedings
/// were opened is refused with 409, naming `held_on`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/proceedings/{proceeding_id}/hearings", params(("id" = String, Path, description = "Case id"), ("proceeding_id" = String, Path, description = "Proceedings id")),
    request_body = HearingInput, responses(
    (status = 201, body = HearingJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn record_hearing(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, proceeding_id)): ApiPath<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: HearingInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let h = answer!(
        tr,
        mnir_app::justice::record_hearing(&state.app, &who, &id, &proceeding_id, &input)
    );
    Ok(created(hearing_json(h, user.login.clone())))
}

/// Records an offence the person was compelled to commit (the non-punishment flag), shown to
/// police and prosecutors on the investigative summary. A `proceeding_id` naming no proceedings
/// of the case is refused with 409, naming it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/non-punishment", params(("id" = String, Path, description = "Case id")),
    request_body = NonPunishmentInput, responses(
    (status = 201, body = NonPunishmentJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn record_non_punishment(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: NonPunishmentInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let f = answer!(
        tr,
        mnir_app::justice::record_non_punishment(&state.app, &who, &id, &input)
    );
    Ok(created(flag_json(f, user.login.clone())))
}

#[derive(Serialize, ToSchema)]
pub struct DisclosureListJson {
    /// Newest first.
    disclosures: Vec<DisclosureJson>,
}

/// The case's disclosure register: for those who hold its support compartment and ANITP's
/// coordinators.
#[utoipa::path(get, path = "/api/v1/cases/{id}/disclosures", params(("id" = String, Path, description = "Case id")),
    responses(
    (status = 200, body = DisclosureListJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn list_disclosures(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<DisclosureListJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let page = answer!(tr, mnir_app::justice::disclosures(&state.app, &who, &id));
    Ok(Json(DisclosureListJson {
        disclosures: page
            .disclosures
            .into_iter()
            .map(|(d, s)| disclosure_json(d, s))
            .collect(),
    }))
}

/// Records a disclosure of the case's support records to an investigating body: on the person's
/// consent to sharing with that body, in force today (`consent_id`), or on a prosecutor's order
/// (its number, day and office). It covers the records listed until its last day included, and
/// ends early when its consent is withdrawn. Refused with 422 naming the field; with 409 naming
/// it when it does not fit the records (a recipient that does not investigate, a consent that is
/// not the case's or does not cover that body, a last day after the consent's).
#[utoipa::path(post, path = "/api/v1/cases/{id}/disclosures", params(("id" = String, Path, description = "Case id")),
    request_body = DisclosureInput, responses(
    (status = 201, body = DisclosureJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn record_disclosure(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: DisclosureInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let d = answer!(
        tr,
        mnir_app::justice::record_disclosure(&state.app, &who, &id, &input)
    );
    Ok(created(disclosure_json(d, DisclosureStatus::InForce)))
}

/// Ends a disclosure before its last day; one ended already is a 409.
#[utoipa::path(post, path = "/api/v1/cases/{id}/disclosures/{disclosure_id}/end", params(("id" = String, Path, description = "Case id"), ("disclosure_id" = String, Path, description = "Disclosure id")),
    responses(
    (status = 204), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope)
))]
async fn end_disclosure(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, disclosure_id)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    answer!(
        tr,
        mnir_app::justice::end_disclosure(&state.app, &who, &id, &disclosure_id)
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct RegisterParams {
    /// Where the page starts: the `later` of the page before.
    #[param(pattern = r"^[0-9]{1,15}\.[A-Za-z0-9-]{1,64}$")]
    after: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegisterLineJson {
    case_reference: String,
    #[serde(flatten)]
    disclosure: DisclosureJson,
}

#[derive(Serialize, ToSchema)]
pub struct RegisterJson {
    /// `national`, `cases_of_organisation` or `made_to_organisation`.
    scope: String,
    /// Newest first, at most 50.
    disclosures: Vec<RegisterLineJson>,
    /// Where the next page starts, when there is one.
    later: Option<String>,
}

/// The register of disclosures across cases, newest first, a page at a time: every case's for
/// an ANITP coordinator, the organisation's cases' for a supervisor, those made to the
/// organisation for an investigator.
#[utoipa::path(get, path = "/api/v1/disclosures", params(RegisterParams),
    responses(
    (status = 200, body = RegisterJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn disclosure_register(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<RegisterParams>,
) -> ApiResult<Json<RegisterJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let after = match params.after.as_deref() {
        None => None,
        Some(text) => Some(crate::kit::query::api_place(text).ok_or_else(|| {
            ApiError::invalid(
                &tr,
                vec![FieldError {
                    field: "after".into(),
                    message: tr.t("disclosure-register-bad-place"),
                }],
            )
        })?),
    };
    let who = who(&state, &user);
    let page = answer!(
        tr,
        mnir_app::justice::register(&state.app, &who, after.as_ref())
    );
    Ok(Json(RegisterJson {
        scope: match page.scope {
            RegisterScope::National => "national",
            RegisterScope::CasesOf(_) => "cases_of_organisation",
            RegisterScope::MadeTo(_) => "made_to_organisation",
        }
        .into(),
        later: page.later.map(|p| p.to_string()),
        disclosures: page
            .lines
            .into_iter()
            .map(|(l, s)| RegisterLineJson {
                case_reference: l.case_reference,
                disclosure: disclosure_json(l.disclosure, s),
            })
            .collect(),
    }))
}
