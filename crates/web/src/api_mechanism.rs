//! The JSON API of the mechanism's work around a case (mnir.md §5–§7): information and consent,
//! the directory, referrals, legal clocks and the inbox, the reflection period and the
//! no-removal list. Each route runs the same operation as its page, so the rules are one.

use crate::kit::api::{Caller, caller, parse_json, rfc3339, who};
use crate::kit::error::{ApiError, ApiErrorEnvelope};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mnir_app::clocks::{ClockCommand, Inbox};
use mnir_app::consent::ConsentOverview;
use mnir_store::{
    ClockRecord, ConsentRecord, DirectoryEntry, InformationRecord, NoRemovalFlag, ReferralRecord,
    ReflectionRecord,
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{id}/consents",
            get(list_consents).post(create_consent),
        )
        .route("/cases/{id}/information", post(create_information))
        .route(
            "/cases/{id}/consents/{consent}/withdraw",
            post(withdraw_consent),
        )
        .route("/directory", get(search_directory))
        .route("/directory/{org}", axum::routing::put(save_directory_entry))
        .route(
            "/cases/{id}/referrals",
            get(list_referrals).post(create_referral),
        )
        .route("/referrals", get(referrals_awaiting))
        .route("/referrals/{id}", get(open_referral))
        .route("/referrals/{id}/answer", post(answer_referral))
        .route("/cases/{id}/clocks", get(list_clocks))
        .route("/cases/{id}/clocks/{clock}/pause", post(pause_clock))
        .route("/cases/{id}/clocks/{clock}/resume", post(resume_clock))
        .route("/inbox", get(inbox))
        .route("/cases/{id}/reflection", post(offer_reflection))
        .route("/cases/{id}/reflection/end", post(end_reflection))
        .route("/no-removal", get(no_removal))
}

/// The routes of this module as `(METHOD, path)`, for the documentation and access tests.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/cases/{id}/consents"),
    ("POST", "/api/v1/cases/{id}/consents"),
    ("POST", "/api/v1/cases/{id}/information"),
    ("POST", "/api/v1/cases/{id}/consents/{consent}/withdraw"),
    ("GET", "/api/v1/directory"),
    ("PUT", "/api/v1/directory/{org}"),
    ("GET", "/api/v1/cases/{id}/referrals"),
    ("POST", "/api/v1/cases/{id}/referrals"),
    ("GET", "/api/v1/referrals"),
    ("GET", "/api/v1/referrals/{id}"),
    ("POST", "/api/v1/referrals/{id}/answer"),
    ("GET", "/api/v1/cases/{id}/clocks"),
    ("POST", "/api/v1/cases/{id}/clocks/{clock}/pause"),
    ("POST", "/api/v1/cases/{id}/clocks/{clock}/resume"),
    ("GET", "/api/v1/inbox"),
    ("POST", "/api/v1/cases/{id}/reflection"),
    ("POST", "/api/v1/cases/{id}/reflection/end"),
    ("GET", "/api/v1/no-removal"),
];

#[derive(OpenApi)]
#[openapi(
    paths(
        list_consents,
        create_consent,
        create_information,
        withdraw_consent,
        search_directory,
        save_directory_entry,
        list_referrals,
        create_referral,
        referrals_awaiting,
        open_referral,
        answer_referral,
        list_clocks,
        pause_clock,
        resume_clock,
        inbox,
        offer_reflection,
        end_reflection,
        no_removal
    ),
    components(schemas(
        InformationJson,
        ConsentJson,
        ConsentsJson,
        mnir_app::consent::InformationInput,
        mnir_app::consent::ConsentInput,
        DirectoryEntryJson,
        DirectoryJson,
        mnir_app::directory::EntryInput,
        ReferralJson,
        ReferralsJson,
        ReferralViewJson,
        mnir_app::referral::ReferralInput,
        AnswerRequest,
        ClockJson,
        ClocksJson,
        TaskJson,
        InboxJson,
        ReflectionRequest,
        ReflectionEndRequest,
        ReflectionJson,
        NoRemovalJson,
        NoRemovalListJson,
        PauseRequest
    ))
)]
pub struct MechanismDoc;

type ApiResult<T> = Result<T, ApiError>;

fn created<T: Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

/// Runs an operation for the caller and turns its refusal into the API's error.
macro_rules! answer {
    ($tr:expr, $op:expr) => {
        $op.await.map_err(|e: mnir_app::AppError| e.api(&$tr))?
    };
}

// ---------------------------------------------------------------- information and consent

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
            rights: i.rights,
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

fn consent_json(c: ConsentRecord, now_ms: i64) -> ConsentJson {
    let in_force = c.terms().is_some_and(|t| t.in_force(now_ms));
    ConsentJson {
        id: c.id,
        purpose: c.purpose,
        recipient: c.recipient_org,
        given_by: c.given_by,
        method: c.method,
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
    Path(id): Path<String>,
) -> ApiResult<Json<ConsentsJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let ConsentOverview {
        information,
        consents,
        ..
    } = answer!(tr, mnir_app::consent::overview(&state.app, &who, &id));
    let now = state.now_ms();
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
    Path(id): Path<String>,
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

/// Records a consent for a purpose and, where the purpose names one, a recipient.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents", params(("id" = String, Path, description = "Case id")),
    request_body = mnir_app::consent::ConsentInput, responses(
    (status = 201, body = ConsentJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn create_consent(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let now = who.now_ms();
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
    Path((id, consent)): Path<(String, String)>,
) -> ApiResult<Json<ConsentJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let now = who.now_ms();
    let record = answer!(
        tr,
        mnir_app::consent::withdraw_consent(&state.app, &who, &id, &consent)
    );
    Ok(Json(consent_json(record, now)))
}

// ---------------------------------------------------------------- directory

#[derive(Serialize, ToSchema)]
pub struct DirectoryEntryJson {
    organisation: String,
    name: String,
    services: Vec<String>,
    /// Empty when the organisation covers the whole country.
    counties: Vec<String>,
    target_groups: Vec<String>,
    languages: Vec<String>,
    capacity: Option<i64>,
    updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryJson {
    entries: Vec<DirectoryEntryJson>,
}

fn entry_json(e: DirectoryEntry, name: String) -> DirectoryEntryJson {
    DirectoryEntryJson {
        organisation: e.org_code,
        name,
        services: e.services,
        counties: e.counties,
        target_groups: e.target_groups,
        languages: e.languages,
        capacity: e.capacity,
        updated_at: rfc3339(e.updated_at_ms),
    }
}

/// Searches the directory of services; any signed-in caller may.
#[utoipa::path(get, path = "/api/v1/directory", params(mnir_app::directory::SearchQuery), responses(
    (status = 200, body = DirectoryJson), (status = 401, body = ApiErrorEnvelope)
))]
async fn search_directory(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<mnir_app::directory::SearchQuery>,
) -> ApiResult<Json<DirectoryJson>> {
    let Caller { tr, .. } = caller(&state, &headers).await?;
    let entries = answer!(tr, mnir_app::directory::search_entries(&state.app, &q));
    let orgs = answer!(tr, mnir_app::accounts::organisations(&state.app));
    Ok(Json(DirectoryJson {
        entries: entries
            .into_iter()
            .map(|e| {
                let name = orgs
                    .iter()
                    .find(|o| o.code == e.org_code)
                    .map_or_else(String::new, |o| o.name.clone());
                entry_json(e, name)
            })
            .collect(),
    }))
}

/// Replaces an organisation's directory entry: an administrator for any, a supervisor for their
/// own organisation.
#[utoipa::path(put, path = "/api/v1/directory/{org}", params(("org" = String, Path, description = "Organisation code")),
    request_body = mnir_app::directory::EntryInput, responses(
    (status = 200, body = DirectoryEntryJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn save_directory_entry(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult<Json<DirectoryEntryJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let organisation = answer!(
        tr,
        mnir_app::directory::editable(&state.app, &who, Some(&org))
    );
    let input = parse_json(&tr, &body)?;
    let entry = answer!(
        tr,
        mnir_app::directory::save_entry(&state.app, &who, &organisation, input)
    );
    Ok(Json(entry_json(entry, organisation.name)))
}

// ---------------------------------------------------------------- referrals

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
            status: r.status,
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

/// The referral as its recipient sees it: the referral and the minimum data set of its service.
#[derive(Serialize, ToSchema)]
pub struct ReferralViewJson {
    referral: ReferralJson,
    reference: String,
    sex: String,
    age_group: String,
    citizenship: String,
    found_in_county: String,
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
    Path(id): Path<String>,
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
/// (a child is referred to child protection without waiting for it).
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", params(("id" = String, Path, description = "Case id")),
    request_body = mnir_app::referral::ReferralInput, responses(
    (status = 201, body = ReferralJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn create_referral(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
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

/// Referrals sent to the caller's organisation and not yet answered, oldest first.
#[utoipa::path(get, path = "/api/v1/referrals", responses(
    (status = 200, body = ReferralsJson), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope)
))]
async fn referrals_awaiting(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<ReferralsJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let referrals = answer!(
        tr,
        mnir_app::referral::awaiting(&state.app, &who(&state, &user))
    );
    Ok(Json(ReferralsJson {
        referrals: referrals.into_iter().map(Into::into).collect(),
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
    Path(id): Path<String>,
) -> ApiResult<Json<ReferralViewJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let (referral, detail) = answer!(tr, mnir_app::referral::open_referral(&state.app, &who, &id));
    let s = detail.summary;
    Ok(Json(ReferralViewJson {
        referral: referral.into(),
        reference: s.reference,
        sex: s.sex.as_str().into(),
        age_group: s.age_group.as_str().into(),
        citizenship: s.citizenship,
        found_in_county: s.found_in_county,
        given_name: s.given_name,
        family_name: s.family_name,
        birth_date: detail.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
        exploitation: s.exploitation.map(|e| e.as_str().to_string()),
        signals: detail.signals,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// `true` to accept, `false` to decline.
    accept: Option<bool>,
    /// Required when declining.
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
    Path(id): Path<String>,
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

// ---------------------------------------------------------------- clocks and the inbox

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
            kind: c.kind,
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
    Path(id): Path<String>,
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
    /// Why the clock stops for now; kept encrypted.
    #[serde(default)]
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
    Path((id, clock)): Path<(String, String)>,
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
    Path((id, clock)): Path<(String, String)>,
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
    /// Open tasks from expired clocks, oldest first.
    tasks: Vec<TaskJson>,
    /// Clocks of the organisation due within seven days, soonest first.
    upcoming: Vec<ClockJson>,
    /// Referrals awaiting the organisation's answer.
    referrals: Vec<ReferralJson>,
}

/// The caller's organisation's open tasks, upcoming deadlines and referrals to answer.
#[utoipa::path(get, path = "/api/v1/inbox", responses(
    (status = 200, body = InboxJson), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope)
))]
async fn inbox(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<InboxJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let Inbox {
        tasks,
        upcoming,
        referrals,
    } = answer!(tr, mnir_app::clocks::inbox(&state.app, &who(&state, &user)));
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
                clock_kind: t.clock_kind,
                created_at: rfc3339(t.created_at_ms),
            })
            .collect(),
        upcoming: upcoming.into_iter().map(|(c, _)| c.into()).collect(),
        referrals: referrals.into_iter().map(Into::into).collect(),
    }))
}

// ---------------------------------------------------------------- reflection period

#[derive(Deserialize, ToSchema)]
pub struct ReflectionRequest {
    /// The person's answer to the offer.
    accepted: Option<bool>,
    /// ISO 639 code of the language the offer was explained in.
    #[serde(default)]
    language: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ReflectionEndRequest {
    /// `residence`, `return` or `other`.
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
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
    Path(id): Path<String>,
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
    Path(id): Path<String>,
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
#[utoipa::path(get, path = "/api/v1/no-removal", responses(
    (status = 200, body = NoRemovalListJson), (status = 401, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
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
