//! The API of the legal clocks and the inbox (mnir.md §7).

use crate::kit::api::{ApiResult, Caller, answer, caller, parse_json, rfc3339, who};
use crate::kit::error::{ApiError, ApiErrorEnvelope, FieldError};
use crate::kit::query::{ApiPath, ApiQuery};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use crate::referral::api::ReferralJson;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use mnir_app::clocks::{ClockCommand, Inbox, InboxQuery};
use mnir_store::ClockRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this feature, each with its OpenAPI entry.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_clocks))
        .routes(routes!(pause_clock))
        .routes(routes!(resume_clock))
        .routes(routes!(inbox))
}

#[derive(Serialize, ToSchema)]
pub struct ClockJson {
    id: String,
    /// `notification_ack`, `identification_interview`, `reflection_period`, …
    kind: String,
    /// The organisation that answers for it.
    organisation: String,
    /// `running`, `paused`, `stopped` or `expired`.
    state: String,
    /// As in the jurisdiction profile: `24h`, `90d`, `5wd`.
    length: String,
    started_at: String,
    /// None while paused.
    due_at: Option<String>,
    on_expiry: String,
}

impl From<ClockRecord> for ClockJson {
    fn from(c: ClockRecord) -> Self {
        ClockJson {
            id: c.id,
            kind: c.kind.as_str().into(),
            organisation: c.org_code,
            state: c.state.as_str().into(),
            length: c.length,
            started_at: rfc3339(c.started_at_ms),
            due_at: c.due_at_ms.map(rfc3339),
            on_expiry: c.on_expiry,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ClocksJson {
    clocks: Vec<ClockJson>,
    /// While a reflection period runs the person may not be removed from the country.
    no_removal: bool,
}

/// The legal clocks of a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/clocks", params(("id" = String, Path, description = "Case id")), responses(
    (status = 200, body = ClocksJson), (status = 401, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn list_clocks(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ClocksJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let clocks = answer!(
        tr,
        mnir_app::clocks::of_case(&state.app, &who(&state, &user), &id)
    );
    Ok(Json(ClocksJson {
        no_removal: mnir_app::reflection::running_period(&clocks).is_some(),
        clocks: clocks.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct PauseRequest {
    /// Why the clock stops for now (at most 1,000 characters); kept encrypted.
    #[serde(default)]
    #[schema(required = true, max_length = 1000, pattern = r"\S")]
    reason: String,
}

/// Pauses a running clock of the case, with a reason.
#[utoipa::path(post, path = "/api/v1/cases/{id}/clocks/{clock}/pause", params(
    ("id" = String, Path, description = "Case id"), ("clock" = String, Path, description = "Clock id")),
    request_body = PauseRequest, responses(
    (status = 204), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn pause_clock(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, clock)): ApiPath<(String, String)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let request: PauseRequest = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    answer!(
        tr,
        mnir_app::clocks::change(
            &state.app,
            &who,
            &id,
            &clock,
            ClockCommand::Pause {
                reason: &request.reason
            }
        )
    );
    Ok(StatusCode::NO_CONTENT)
}

/// Resumes a paused clock; its due time moves by the time it stood still.
#[utoipa::path(post, path = "/api/v1/cases/{id}/clocks/{clock}/resume", params(
    ("id" = String, Path, description = "Case id"), ("clock" = String, Path, description = "Clock id")), responses(
    (status = 204), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope), (status = 409, body = ApiErrorEnvelope)
))]
async fn resume_clock(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, clock)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    answer!(
        tr,
        mnir_app::clocks::change(&state.app, &who, &id, &clock, ClockCommand::Resume)
    );
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct TaskJson {
    id: String,
    case_id: String,
    case_reference: String,
    /// What to do: the clock's `on_expiry`.
    kind: String,
    clock_kind: String,
    created_at: String,
    /// Whose work it is inside the organisation, when the jurisdiction profile says.
    role: Option<String>,
    /// Whether it is the caller's own work (their role, or no role named).
    for_you: bool,
}

#[derive(Serialize, ToSchema)]
pub struct InboxJson {
    /// One page of open tasks from expired clocks (at most 25), oldest first.
    #[schema(max_items = 25)]
    tasks: Vec<TaskJson>,
    /// How many open tasks the view matches, on every page.
    total: i64,
    /// Pass as `after` for the next page of tasks; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<String>,
    /// With `view=mine`: how many open tasks wait for the organisation's other roles.
    #[serde(skip_serializing_if = "Option::is_none")]
    others_waiting: Option<i64>,
    /// The 50 soonest clocks of the organisation due within seven days.
    upcoming: Vec<ClockJson>,
    /// The oldest referrals awaiting the organisation's answer (at most 20); answering one brings
    /// the next. `GET /api/v1/referrals` lists them all.
    #[schema(max_items = 20)]
    referrals: Vec<ReferralJson>,
    /// How many referrals await the organisation's answer in all.
    #[schema(minimum = 0)]
    referrals_waiting: i64,
    /// Cases with urgent needs that no referral has answered yet, oldest first (at most 20);
    /// absent for a caller who may not see support records.
    #[serde(skip_serializing_if = "Option::is_none")]
    urgent: Option<UrgentNeedsJson>,
    /// The returns the organisation runs or receives that are under way, oldest first (at most
    /// 20), with their next step; absent for a caller who may not see support records.
    #[serde(skip_serializing_if = "Option::is_none")]
    returns: Option<Vec<ReturnUnderWayJson>>,
}

// The document's `maxItems` of `referrals`, `tasks` and `cases` are the numbers the inbox reads.
const _: () = assert!(mnir_app::clocks::REFERRALS_SHOWN == 20);
const _: () = assert!(mnir_app::clocks::TASKS_PER_PAGE == 25);
const _: () = assert!(mnir_app::risk::URGENT_SHOWN == 20);

#[derive(Serialize, ToSchema)]
pub struct ReturnUnderWayJson {
    /// The procedure's id (`GET /api/v1/repatriations/{id}`).
    id: String,
    case_id: String,
    /// `to_romania` or `from_romania`.
    direction: String,
    country: String,
    /// The first step not done, and its state.
    next_step: Option<String>,
    next_state: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UrgentCaseJson {
    case_id: String,
    case_reference: String,
    since: String,
    /// The urgent questions answered "yes": `urgent_medical_need`, `immediate_violence`,
    /// `re_trafficking_danger`, `child_without_carer`.
    needs: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UrgentNeedsJson {
    #[schema(max_items = 20)]
    cases: Vec<UrgentCaseJson>,
    /// Whether more cases than the 20 listed have unanswered urgent needs.
    more: bool,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct InboxParams {
    /// Whose tasks: `mine` (the caller's roles), `others` (the organisation's other roles) or
    /// `all` (the default here).
    #[param(schema_with = view_schema)]
    view: Option<String>,
    /// Only the tasks of this kind of clock.
    #[param(schema_with = clock_schema)]
    clock: Option<String>,
    /// The page of tasks after this place: the `after` value of an earlier answer.
    #[param(pattern = r"^[0-9]{1,15}\.[A-Za-z0-9-]{1,64}$")]
    after: Option<String>,
}

// A parameter with `schema_with` loses its doc comment, so its schema carries the description.

fn view_schema() -> utoipa::openapi::schema::Object {
    let mut schema = crate::kit::schema::codes::<mnir_domain::clocks::TaskView>();
    schema.description = Some(
        "Whose tasks: `mine` (the caller's roles), `others` (the organisation's other roles) or \
         `all` (the default here)."
            .into(),
    );
    schema
}

fn clock_schema() -> utoipa::openapi::schema::Object {
    let mut schema = crate::kit::schema::codes::<mnir_domain::clocks::ClockKind>();
    schema.description = Some("Only the tasks of this kind of clock.".into());
    schema
}

impl InboxParams {
    /// The first parameter the document refuses although [`InboxQuery::read`] would take it:
    /// reading the inbox page's links too, it takes a value with spaces around it (a blank one as
    /// absent) and a place with a time of any length. The API takes a value as the document
    /// states it, and a time of at most 15 digits (enough until the year 33658).
    fn refused(&self) -> Option<&'static str> {
        let padded = |v: &Option<String>| v.as_deref().is_some_and(|v| v.trim() != v);
        if padded(&self.view) {
            Some("view")
        } else if padded(&self.clock) {
            Some("clock")
        } else if padded(&self.after)
            || self
                .after
                .as_deref()
                .is_some_and(|a| a.split('.').next().is_some_and(|ms| ms.len() > 15))
        {
            Some("after")
        } else {
            None
        }
    }
}

/// A page of the caller's organisation's open tasks, its upcoming deadlines and the referrals
/// it has to answer.
#[utoipa::path(get, path = "/api/v1/inbox", params(InboxParams), responses(
    (status = 200, body = InboxJson), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn inbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<InboxParams>,
) -> ApiResult<Json<InboxJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    // The API lists every task by default, each marked with whether it is the caller's.
    let view = p.view.as_deref().or(Some("all"));
    let read = match p.refused() {
        Some(field) => Err(field),
        None => InboxQuery::read(view, p.clock.as_deref(), p.after.as_deref()),
    };
    let query = read.map_err(|field| {
        ApiError::invalid(
            &tr,
            vec![FieldError {
                field: field.into(),
                message: tr.t(&format!("field-inbox-{field}-invalid")),
            }],
        )
    })?;
    let Inbox {
        tasks,
        later,
        total,
        others_waiting,
        upcoming,
        referrals,
        referrals_waiting,
        urgent,
        returns,
    } = answer!(
        tr,
        mnir_app::clocks::inbox(&state.app, &who(&state, &user), &query)
    );
    Ok(Json(InboxJson {
        tasks: tasks
            .into_iter()
            .map(|(t, for_you)| TaskJson {
                role: state
                    .app
                    .jurisdiction()
                    .clocks
                    .get(&t.clock_kind)
                    .and_then(|d| d.role)
                    .map(|r| r.as_str().to_string()),
                for_you,
                id: t.id,
                case_id: t.case_id,
                case_reference: t.case_reference,
                kind: t.kind,
                clock_kind: t.clock_kind.as_str().into(),
                created_at: rfc3339(t.created_at_ms),
            })
            .collect(),
        total,
        after: later.map(|p| p.to_string()),
        others_waiting,
        upcoming: upcoming.into_iter().map(|(c, _)| c.into()).collect(),
        referrals: referrals.into_iter().map(Into::into).collect(),
        referrals_waiting,
        urgent: urgent.map(|(cases, more)| UrgentNeedsJson {
            cases: cases
                .into_iter()
                .map(|u| UrgentCaseJson {
                    case_id: u.case_id,
                    case_reference: u.reference,
                    since: rfc3339(u.assessed_at_ms),
                    needs: u.questions.iter().map(|q| q.as_str().to_string()).collect(),
                })
                .collect(),
            more,
        }),
        returns: returns.map(|rows| {
            rows.into_iter()
                .map(|r| ReturnUnderWayJson {
                    next_step: r.next.map(|(step, _)| step.as_str().to_string()),
                    next_state: r.next.map(|(_, state)| state.as_str().to_string()),
                    id: r.id,
                    case_id: r.case_id,
                    direction: r.direction.as_str().to_string(),
                    country: r.country,
                })
                .collect()
        }),
    }))
}
