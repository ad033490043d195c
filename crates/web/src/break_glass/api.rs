//! Break-glass access through the API, each route running the same use case as its page.

use crate::kit::api::{ApiResult, Caller, answer, caller, created, parse_json, rfc3339, who};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::query::ApiPath;
use crate::kit::refusal::Shown;
use crate::kit::schema::codes;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mnir_app::break_glass::Opening;
use mnir_domain::break_glass::{BreakGlassReason, MAX_NOTE, ReviewFinding};
use mnir_store::{BreakGlassRecord, GlassTask, GlassTaskKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_accesses, open_access))
        .routes(routes!(get_access))
        .routes(routes!(end_access))
        .routes(routes!(reviews))
        .routes(routes!(notices))
        .routes(routes!(review_task))
        .routes(routes!(seen_task))
}

#[derive(Deserialize, ToSchema)]
pub struct OpeningInput {
    /// The case's reference, exactly (no reference is longer than 40 characters).
    #[schema(min_length = 1, max_length = 40, pattern = r"\S")]
    reference: String,
    #[schema(schema_with = codes::<BreakGlassReason>)]
    reason: String,
    /// Why, in the caller's words (kept encrypted); more than spaces.
    #[schema(min_length = 1, max_length = 1000, pattern = "\\S")]
    note: String,
}

// The notes' `max_length` is the use cases' limit (the attribute takes a literal).
const _: () = assert!(MAX_NOTE == 1000);

#[derive(Serialize, ToSchema)]
pub struct AccessJson {
    id: String,
    case_id: String,
    case_reference: String,
    user: String,
    org: String,
    /// `immediate_danger`, `medical_emergency`, `child_at_risk` or `imminent_move`.
    reason: String,
    note: String,
    opened_at: String,
    /// When the access ends, or ended.
    closes_at: String,
    open: bool,
}

fn access_json(a: BreakGlassRecord, now: mnir_store::Timestamp) -> AccessJson {
    AccessJson {
        open: a.open_at(now),
        opened_at: rfc3339(a.opened_at_ms),
        closes_at: rfc3339(a.closes_at()),
        reason: a.reason.as_str().into(),
        id: a.id,
        case_id: a.case_id,
        case_reference: a.case_reference,
        user: a.user_login,
        org: a.org_code,
        note: a.note,
    }
}

#[derive(Serialize, ToSchema)]
pub struct GlassTaskJson {
    id: String,
    /// `review` (for the user's supervisors and ANITP) or `notice` (for an organisation the
    /// case is routed to).
    kind: String,
    org: String,
    raised_at: String,
    done_at: Option<String>,
    /// A review's finding: `justified` or `not_justified`.
    finding: Option<String>,
    note: Option<String>,
}

fn task_json(t: GlassTask) -> GlassTaskJson {
    GlassTaskJson {
        kind: match t.kind {
            GlassTaskKind::Review => "review",
            GlassTaskKind::Notice => "notice",
        }
        .into(),
        raised_at: rfc3339(t.created_at_ms),
        done_at: t.done_at_ms.map(rfc3339),
        finding: t.finding.map(|f| f.as_str().into()),
        id: t.id,
        org: t.org_code,
        note: t.note,
    }
}

#[derive(Serialize, ToSchema)]
pub struct AccessWithTasksJson {
    access: AccessJson,
    tasks: Vec<GlassTaskJson>,
}

#[derive(Serialize, ToSchema)]
pub struct OpenTaskJson {
    task: GlassTaskJson,
    access: AccessJson,
}

/// The caller's break-glass accesses open now.
#[utoipa::path(get, path = "/api/v1/break-glass", responses(
    (status = 200, body = Vec<AccessJson>), (status = 401, body = ApiErrorEnvelope)
))]
async fn open_accesses(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<AccessJson>>> {
    let Caller { user, .. } = caller(&state, &headers).await?;
    let now = state.now();
    Ok(Json(
        user.break_glass
            .iter()
            .cloned()
            .map(|a| access_json(a, now))
            .collect(),
    ))
}

/// Opens a case not routed to the caller's organisation for the profile's minutes (mnir.md
/// §13), with a reason; the case is then read through its ordinary routes, every read audited
/// with the access's marker.
#[utoipa::path(post, path = "/api/v1/break-glass", request_body = OpeningInput, responses(
    (status = 201, body = AccessJson), (status = 400, body = ApiErrorEnvelope),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, description = "No case has the reference", body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn open_access(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: OpeningInput = parse_json(&tr, &body)?;
    let opening = Opening {
        reference: input.reference,
        reason: input.reason,
        note: input.note,
    };
    let access = answer!(
        tr,
        mnir_app::break_glass::open(&state.app, &who(&state, &user), &opening)
    );
    Ok(created(access_json(access, state.now())))
}

/// An access with its reviews and notices: for the user who opened it and the organisations
/// that hold one of its tasks.
#[utoipa::path(get, path = "/api/v1/break-glass/{id}", params(("id" = String, Path, description = "Access id")), responses(
    (status = 200, body = AccessWithTasksJson), (status = 401, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope)
))]
async fn get_access(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<AccessWithTasksJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let (access, tasks) = answer!(
        tr,
        mnir_app::break_glass::access(&state.app, &who(&state, &user), &id)
    );
    Ok(Json(AccessWithTasksJson {
        access: access_json(access, state.now()),
        tasks: tasks.into_iter().map(task_json).collect(),
    }))
}

/// Ends the caller's own open access before its time.
#[utoipa::path(post, path = "/api/v1/break-glass/{id}/end", params(("id" = String, Path, description = "Access id")), responses(
    (status = 204), (status = 401, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn end_access(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    answer!(
        tr,
        mnir_app::break_glass::end(&state.app, &who(&state, &user), &id)
    );
    Ok(StatusCode::NO_CONTENT)
}

fn open_tasks(
    rows: Vec<(GlassTask, BreakGlassRecord)>,
    now: mnir_store::Timestamp,
) -> Vec<OpenTaskJson> {
    rows.into_iter()
        .map(|(t, a)| OpenTaskJson {
            task: task_json(t),
            access: access_json(a, now),
        })
        .collect()
}

/// The open reviews of the caller's organisation (supervisors; ANITP's coordinators).
#[utoipa::path(get, path = "/api/v1/break-glass/reviews", responses(
    (status = 200, body = Vec<OpenTaskJson>), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope)
))]
async fn reviews(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<OpenTaskJson>>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let rows = answer!(
        tr,
        mnir_app::break_glass::reviews(&state.app, &who(&state, &user))
    );
    Ok(Json(open_tasks(rows, state.now())))
}

/// The open notices of the caller's organisation: a case routed to it was opened by someone
/// outside it.
#[utoipa::path(get, path = "/api/v1/break-glass/notices", responses(
    (status = 200, body = Vec<OpenTaskJson>), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope)
))]
async fn notices(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<OpenTaskJson>>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let rows = answer!(
        tr,
        mnir_app::break_glass::notices(&state.app, &who(&state, &user))
    );
    Ok(Json(open_tasks(rows, state.now())))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewInput {
    #[schema(schema_with = codes::<ReviewFinding>)]
    finding: String,
    /// Required when the access was not justified (kept encrypted).
    #[schema(max_length = 1000)]
    #[serde(default)]
    note: String,
}

/// Marks an access justified or not (a review task of the caller's organisation; not one's own
/// access).
#[utoipa::path(post, path = "/api/v1/break-glass/tasks/{task}/review", params(("task" = String, Path, description = "Task id")),
    request_body = ReviewInput, responses(
    (status = 204), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn review_task(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(task): ApiPath<String>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: ReviewInput = parse_json(&tr, &body)?;
    answer!(
        tr,
        mnir_app::break_glass::review(
            &state.app,
            &who(&state, &user),
            &task,
            &input.finding,
            &input.note
        )
    );
    Ok(StatusCode::NO_CONTENT)
}

/// Marks a notice of the caller's organisation seen.
#[utoipa::path(post, path = "/api/v1/break-glass/tasks/{task}/seen", params(("task" = String, Path, description = "Task id")), responses(
    (status = 204), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope)
))]
async fn seen_task(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(task): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    answer!(
        tr,
        mnir_app::break_glass::seen(&state.app, &who(&state, &user), &task)
    );
    Ok(StatusCode::NO_CONTENT)
}
