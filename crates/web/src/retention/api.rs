//! Retention through the API, each route running the same use case as its page.

use crate::kit::api::{ApiResult, Caller, answer, caller, created, parse_json, rfc3339, who};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::query::{ApiPath, ApiQuery};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mnir_app::retention::{HoldInput as AppHoldInput, RequestInput as AppRequestInput};
use mnir_store::{ErasureRecord, ErasureRequestRecord, LegalHoldRecord, ListPlace, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(case_retention, place_hold))
        .routes(routes!(lift_hold))
        .routes(routes!(request_erasure))
        .routes(routes!(overview))
        .routes(routes!(run))
        .routes(routes!(erasures))
}

#[derive(Serialize, ToSchema)]
pub struct HoldJson {
    id: String,
    /// `criminal_proceedings`, `complaint`, `prosecutor_request`, `court_order` or `other`.
    reason: String,
    note: String,
    placed_by_org: String,
    placed_at: String,
    in_force: bool,
    lifted_at: Option<String>,
    lift_note: Option<String>,
}

fn hold_json(h: LegalHoldRecord) -> HoldJson {
    HoldJson {
        in_force: h.in_force(),
        reason: h.reason.as_str().into(),
        placed_at: rfc3339(h.placed_at_ms),
        lifted_at: h.lifted_at_ms.map(rfc3339),
        id: h.id,
        note: h.note,
        placed_by_org: h.placed_org,
        lift_note: h.lift_note,
    }
}

#[derive(Serialize, ToSchema)]
pub struct RequestJson {
    id: String,
    /// The local day the request reached the organisation.
    received_on: String,
    note: String,
    recorded_by_org: String,
    recorded_at: String,
    /// `erased`, `legal_hold` (refused: a hold stands) or `case_open` (refused: the case is
    /// still being worked).
    answer: String,
}

fn request_json(r: ErasureRequestRecord) -> RequestJson {
    RequestJson {
        received_on: r.received_on.format("%Y-%m-%d").to_string(),
        recorded_at: rfc3339(r.recorded_at_ms),
        answer: r.answer.as_str().into(),
        id: r.id,
        note: r.note,
        recorded_by_org: r.recorded_org,
    }
}

#[derive(Serialize, ToSchema)]
pub struct ErasureJson {
    case_id: String,
    case_reference: String,
    /// `schedule`, `request` or `restore` (erased after the backup it was restored from).
    basis: String,
    request_id: Option<String>,
    erased_at: String,
}

fn erasure_json(e: ErasureRecord) -> ErasureJson {
    ErasureJson {
        basis: e.basis.as_str().into(),
        erased_at: rfc3339(e.erased_at_ms),
        case_id: e.case_id,
        case_reference: e.case_reference,
        request_id: e.request_id,
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseRetentionJson {
    reference: String,
    holds: Vec<HoldJson>,
    erasure_requests: Vec<RequestJson>,
    /// Set once the case's identifying data were erased.
    erasure: Option<ErasureJson>,
}

/// A case's legal holds and erasure requests (its routed organisations' supervisors and case
/// workers, ANITP's coordinators).
#[utoipa::path(get, path = "/api/v1/cases/{id}/legal-holds", params(("id" = String, Path, description = "Case id")), responses(
    (status = 200, body = CaseRetentionJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn case_retention(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<CaseRetentionJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let panel = answer!(
        tr,
        mnir_app::retention::case_panel(&state.app, &who(&state, &user), &id)
    );
    Ok(Json(CaseRetentionJson {
        reference: panel.reference,
        holds: panel.holds.into_iter().map(hold_json).collect(),
        erasure_requests: panel.requests.into_iter().map(request_json).collect(),
        erasure: panel.erasure.map(erasure_json),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct HoldInput {
    #[schema(schema_with = crate::kit::schema::codes::<mnir_domain::retention::HoldReason>)]
    reason: String,
    /// What the hold rests on (a file number, the authority that asked); required for `other`.
    #[schema(max_length = 1000)]
    #[serde(default)]
    note: String,
}

// The notes' `max_length` is the use cases' limit (the attribute takes a literal).
const _: () = assert!(mnir_domain::retention::MAX_NOTE == 1000);

/// Places a legal hold: the case is not erased, whatever its schedule or a request, until the
/// hold is lifted.
#[utoipa::path(post, path = "/api/v1/cases/{id}/legal-holds", params(("id" = String, Path, description = "Case id")),
    request_body = HoldInput, responses(
    (status = 201, body = HoldJson), (status = 400, body = ApiErrorEnvelope),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope), (status = 409, description = "The case was erased meanwhile", body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn place_hold(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: HoldInput = parse_json(&tr, &body)?;
    let hold = answer!(
        tr,
        mnir_app::retention::place_hold(
            &state.app,
            &who(&state, &user),
            &id,
            &AppHoldInput {
                reason: input.reason,
                note: input.note,
            }
        )
    );
    Ok(created(hold_json(hold)))
}

#[derive(Deserialize, ToSchema)]
pub struct LiftInput {
    /// Why the hold ends (the proceedings closed, the complaint answered); more than spaces.
    #[schema(min_length = 1, max_length = 1000, pattern = "\\S")]
    note: String,
}

/// Lifts a legal hold in force.
#[utoipa::path(post, path = "/api/v1/cases/{id}/legal-holds/{hold}/lift", params(
    ("id" = String, Path, description = "Case id"), ("hold" = String, Path, description = "Hold id")),
    request_body = LiftInput, responses(
    (status = 204), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn lift_hold(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, hold)): ApiPath<(String, String)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: LiftInput = parse_json(&tr, &body)?;
    answer!(
        tr,
        mnir_app::retention::lift_hold(&state.app, &who(&state, &user), &id, &hold, &input.note)
    );
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct RequestInput {
    /// The local day the request reached the organisation (`YYYY-MM-DD`), not after today.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", example = "2026-12-01")]
    received_on: String,
    #[schema(max_length = 1000)]
    #[serde(default)]
    note: String,
}

/// Records a person's request to erase their case (GDPR Art. 17) and answers it at once: the
/// case is erased when no legal hold stands and it is no longer worked; otherwise the request
/// is kept with the ground of the refusal.
#[utoipa::path(post, path = "/api/v1/cases/{id}/erasure-requests", params(("id" = String, Path, description = "Case id")),
    request_body = RequestInput, responses(
    (status = 201, body = RequestJson), (status = 400, body = ApiErrorEnvelope),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope), (status = 409, description = "The case was erased meanwhile", body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn request_erasure(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: RequestInput = parse_json(&tr, &body)?;
    let request = answer!(
        tr,
        mnir_app::retention::request_erasure(
            &state.app,
            &who(&state, &user),
            &id,
            &AppRequestInput {
                received_on: input.received_on,
                note: input.note,
            }
        )
    );
    Ok(created(request_json(request)))
}

#[derive(Serialize, ToSchema)]
pub struct CountsJson {
    closed_cases: u64,
    not_a_victim: u64,
    sessions: u64,
    api_tokens: u64,
    training_participants: u64,
}

fn counts(due: &mnir_store::RetentionDue) -> CountsJson {
    CountsJson {
        closed_cases: due.closed_cases,
        not_a_victim: due.not_a_victim,
        sessions: due.sessions,
        api_tokens: due.api_tokens,
        training_participants: due.training_participants,
    }
}

/// What a run removed besides cases.
#[derive(Serialize, ToSchema)]
pub struct PurgedJson {
    sessions: u64,
    api_tokens: u64,
    training_participants: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SchedulesJson {
    closed_case_years: u32,
    not_a_victim_years: u32,
    session_days: u32,
    api_token_days: u32,
    training_participant_years: u32,
}

#[derive(Serialize, ToSchema)]
pub struct DueCaseJson {
    case_id: String,
    reference: String,
    state: String,
    /// When the case reached its final state.
    since: String,
}

#[derive(Serialize, ToSchema)]
pub struct OverviewJson {
    schedules: SchedulesJson,
    due: CountsJson,
    /// Cases due by their schedule but kept by a legal hold.
    held: u64,
    /// The cases due first (at most 50).
    cases: Vec<DueCaseJson>,
}

/// The profile's schedules and what they bring due now (administrators, ANITP's coordinators).
#[utoipa::path(get, path = "/api/v1/retention", responses(
    (status = 200, body = OverviewJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope)
))]
async fn overview(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<OverviewJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let o = answer!(
        tr,
        mnir_app::retention::overview(&state.app, &who(&state, &user))
    );
    let r = o.rules;
    Ok(Json(OverviewJson {
        schedules: SchedulesJson {
            closed_case_years: r.closed_case_years,
            not_a_victim_years: r.not_a_victim_years,
            session_days: r.session_days,
            api_token_days: r.api_token_days,
            training_participant_years: r.training_participant_years,
        },
        due: counts(&o.due),
        held: o.due.held,
        cases: o
            .cases
            .into_iter()
            .map(|c| DueCaseJson {
                state: c.state.as_str().into(),
                since: rfc3339(c.since_ms),
                case_id: c.case_id,
                reference: c.reference,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct RunInput {
    /// Count what is due without erasing anything.
    #[serde(default)]
    dry_run: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RunJson {
    dry_run: bool,
    /// What was due when the run began.
    due: CountsJson,
    erased_cases: u64,
    /// Cases found due that were no longer due at their turn (reopened, held meanwhile).
    skipped_cases: u64,
    /// What was removed besides cases.
    purged: PurgedJson,
}

/// Erases what the schedules bring due now (administrators); each case is checked again under
/// its lock and audited.
#[utoipa::path(post, path = "/api/v1/retention/run", request_body = RunInput, responses(
    (status = 200, body = RunJson), (status = 400, body = ApiErrorEnvelope),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope)
))]
async fn run(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<RunJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: RunInput = parse_json(&tr, &body)?;
    let r = answer!(
        tr,
        mnir_app::retention::run(&state.app, &who(&state, &user), input.dry_run)
    );
    Ok(Json(RunJson {
        dry_run: r.dry_run,
        due: counts(&r.due),
        erased_cases: r.erased_cases,
        skipped_cases: r.skipped_cases,
        purged: PurgedJson {
            sessions: r.purged.sessions,
            api_tokens: r.purged.api_tokens,
            training_participants: r.purged.training_participants,
        },
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RegisterParams {
    /// The page after this place: the `next` value of an earlier answer (a time in
    /// milliseconds, which a calendar can show, then an id).
    #[param(pattern = r"^0*[0-9]{1,15}\.[A-Za-z0-9-]{1,64}$")]
    after: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegisterJson {
    erasures: Vec<ErasureJson>,
    /// Where the next page begins, when there may be one.
    next: Option<String>,
}

/// The register of erasures, oldest first, 100 a page (administrators, ANITP's coordinators).
#[utoipa::path(get, path = "/api/v1/retention/erasures", params(RegisterParams), responses(
    (status = 200, body = RegisterJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn erasures(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<RegisterParams>,
) -> ApiResult<Json<RegisterJson>> {
    const PAGE: u32 = 100;
    let Caller { user, tr } = caller(&state, &headers).await?;
    let after = match p.after.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(text) => Some(text.parse::<ListPlace>().map_err(|()| {
            mnir_app::AppError::invalid("after", "retention-place-invalid").api(&tr)
        })?),
    };
    let rows = answer!(
        tr,
        mnir_app::retention::register(
            &state.app,
            &who(&state, &user),
            Timestamp::EPOCH,
            after.as_ref(),
            PAGE
        )
    );
    let next = ListPlace::after_full(&rows, PAGE, ListPlace::of_erasure).map(|p| p.to_string());
    Ok(Json(RegisterJson {
        erasures: rows.into_iter().map(erasure_json).collect(),
        next,
    }))
}
