//! The API of training (mnir.md §12): the same use cases as the trainer's pages, the e-learning
//! and the certificates, and the public verification of a certificate.

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
use mnir_app::training::{
    AttemptInput, ParticipantInput, SessionInput, SessionQuery, Verification,
};
use mnir_store::{CertificateRecord, ParticipantRecord, TrainingSessionRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(curricula))
        .routes(routes!(list_sessions, create_session))
        .routes(routes!(get_session))
        .routes(routes!(add_participant))
        .routes(routes!(set_attendance))
        .routes(routes!(list_vignettes))
        .routes(routes!(create_attempt))
        .routes(routes!(my_certificates))
        .routes(routes!(all_certificates))
        .routes(routes!(revoke_certificate))
        .routes(routes!(certificate_notices))
        .routes(routes!(close_certificate_notice))
        .routes(routes!(verify_certificate))
}

#[derive(Serialize, ToSchema)]
pub struct ModuleJson {
    code: String,
    title_ro: String,
    title_en: String,
    objectives_ro: Vec<String>,
    objectives_en: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct VersionJson {
    version: String,
    /// Modules in it.
    items: i64,
    active: bool,
    /// When it was imported; absent for the built-in version.
    imported_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CurriculaJson {
    versions: Vec<VersionJson>,
    /// The version new sessions follow, and its modules.
    active: String,
    modules: Vec<ModuleJson>,
}

/// The curriculum's versions and the modules of the one in use (a trainer's).
#[utoipa::path(get, path = "/api/v1/training/curricula", responses(
    (status = 200, body = CurriculaJson), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope)
))]
async fn curricula(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<CurriculaJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let versions = answer!(
        tr,
        mnir_app::training::list_data(&state.app, &who, mnir_store::TrainingData::Curriculum)
    );
    let curriculum = answer!(tr, mnir_app::training::active_curriculum(&state.app));
    Ok(Json(CurriculaJson {
        versions: versions
            .into_iter()
            .map(|v| VersionJson {
                imported_at: (v.imported_at_ms != mnir_store::Timestamp::EPOCH)
                    .then(|| rfc3339(v.imported_at_ms)),
                version: v.version,
                items: v.item_count,
                active: v.active,
            })
            .collect(),
        active: curriculum.version.clone(),
        modules: curriculum
            .modules
            .into_iter()
            .map(|m| ModuleJson {
                code: m.code,
                title_ro: m.title_ro,
                title_en: m.title_en,
                objectives_ro: m.objectives_ro,
                objectives_en: m.objectives_en,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantJson {
    id: String,
    name: String,
    /// The participant's account, when they have one.
    user_id: Option<String>,
    /// The organisation's code in the directory, when it is one.
    organisation: Option<String>,
    /// The name of an organisation outside the directory.
    organisation_name: Option<String>,
    category: String,
    attended: bool,
    modules: Vec<String>,
}

impl From<ParticipantRecord> for ParticipantJson {
    fn from(p: ParticipantRecord) -> Self {
        ParticipantJson {
            id: p.id,
            name: p.name,
            user_id: p.user_id,
            organisation: p.org_code,
            organisation_name: p.org_name,
            category: p.category.as_str().into(),
            attended: p.attended,
            modules: p.modules,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SessionJson {
    id: String,
    #[schema(format = Date)]
    held_on: String,
    city: String,
    county: String,
    /// `national_victims` or `foreign_victims`.
    audience: String,
    curriculum_version: String,
    trainers: Vec<String>,
    modules: Vec<String>,
    organisation: String,
    participant_count: i64,
    /// The participants with their categories (on a session read alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    participants: Option<Vec<ParticipantJson>>,
}

fn session_json(
    s: TrainingSessionRecord,
    participants: Option<Vec<ParticipantRecord>>,
) -> SessionJson {
    SessionJson {
        held_on: s.held_on.format("%Y-%m-%d").to_string(),
        audience: s.audience.as_str().into(),
        participant_count: participants
            .as_ref()
            .map_or(s.participants, |p| p.len() as i64),
        participants: participants.map(|p| p.into_iter().map(Into::into).collect()),
        id: s.id,
        city: s.city,
        county: s.county,
        curriculum_version: s.curriculum_version,
        trainers: s.trainers,
        modules: s.modules,
        organisation: s.org_code,
    }
}

#[derive(Serialize, ToSchema)]
pub struct SessionListJson {
    sessions: Vec<SessionJson>,
    /// The `after` of the next page, when there is one.
    next: Option<String>,
}

/// The training sessions, newest first, 25 a page, filtered by city, audience, days and the
/// participants' professional category (a trainer's).
#[utoipa::path(get, path = "/api/v1/training/sessions", params(SessionQuery), responses(
    (status = 200, body = SessionListJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn list_sessions(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> ApiResult<Json<SessionListJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let page = answer!(tr, mnir_app::training::sessions(&state.app, &who, &query));
    Ok(Json(SessionListJson {
        sessions: page
            .sessions
            .into_iter()
            .map(|s| session_json(s, None))
            .collect(),
        next: page.next,
    }))
}

/// Records a session on the curriculum in use.
#[utoipa::path(post, path = "/api/v1/training/sessions", request_body = SessionInput, responses(
    (status = 201, body = SessionJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn create_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let session = answer!(
        tr,
        mnir_app::training::record_session(&state.app, &who, input)
    );
    Ok(created(session_json(session, Some(Vec::new()))))
}

/// A session with its participants.
#[utoipa::path(get, path = "/api/v1/training/sessions/{id}", params(("id" = String, Path, description = "Session id")), responses(
    (status = 200, body = SessionJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn get_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<SessionJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let view = answer!(tr, mnir_app::training::session(&state.app, &who, &id));
    Ok(Json(session_json(view.session, Some(view.participants))))
}

/// Adds a participant: linked to their account by `login`, or recorded by name and
/// organisation. A participant who attended and passed the e-learning is certified at once. A
/// `login` of no account, or of one already a participant, and a module outside the session's
/// curriculum are refused with 409, naming the field.
#[utoipa::path(post, path = "/api/v1/training/sessions/{id}/participants", params(("id" = String, Path, description = "Session id")),
    request_body = ParticipantInput, responses(
    (status = 201, body = ParticipantJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn add_participant(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: ParticipantInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let p = answer!(
        tr,
        mnir_app::training::add_participant(&state.app, &who, &id, input)
    );
    Ok(created(ParticipantJson::from(p)))
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceInput {
    attended: bool,
    /// The codes of the session's curriculum's modules followed; when none is given, those
    /// recorded for the participant stay. A code given twice counts once.
    #[serde(default)]
    modules: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceJson {
    participant: String,
    attended: bool,
}

/// Records whether a participant attended, and the modules they followed; a module outside the
/// session's curriculum is refused with 409, naming `modules`.
#[utoipa::path(post, path = "/api/v1/training/sessions/{id}/participants/{participant}/attendance", params(
    ("id" = String, Path, description = "Session id"), ("participant" = String, Path, description = "Participant id")),
    request_body = AttendanceInput, responses(
    (status = 200, body = AttendanceJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn set_attendance(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, participant)): ApiPath<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<AttendanceJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: AttendanceInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    answer!(
        tr,
        mnir_app::training::set_attendance(
            &state.app,
            &who,
            &id,
            &participant,
            input.attended,
            &input.modules
        )
    );
    Ok(Json(AttendanceJson {
        participant,
        attended: input.attended,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct VignetteJson {
    code: String,
    /// `adult-labour`, `child-labour`, `adult-sexual` or `child-sexual`.
    profile: String,
    title_ro: String,
    title_en: String,
    story_ro: String,
    story_en: String,
    /// Whether the trainee must say if an act took place (a child's profile).
    asks_act: bool,
    /// The caller's best score on it so far.
    best_score: Option<f64>,
    passed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct VignettesJson {
    version: String,
    /// Vignettes the caller has passed, and how many passing certifies.
    passed: usize,
    needed: u32,
    pass_score: f64,
    /// The stories, without their authors' answers.
    vignettes: Vec<VignetteJson>,
}

/// The vignettes in use, without the authors' answers, with the caller's results.
#[utoipa::path(get, path = "/api/v1/elearning/vignettes", responses(
    (status = 200, body = VignettesJson), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope)
))]
async fn list_vignettes(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<VignettesJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let e = answer!(tr, mnir_app::training::elearning(&state.app, &who));
    let set = answer!(tr, mnir_app::training::vignette_set(&state.app, &e.version));
    Ok(Json(VignettesJson {
        version: e.version,
        passed: e.passed,
        needed: e.needed,
        pass_score: e.pass_score,
        vignettes: e
            .vignettes
            .into_iter()
            .filter_map(|line| {
                let v = set.vignette(&line.code)?;
                Some(VignetteJson {
                    code: line.code,
                    profile: v.profile.as_str().into(),
                    title_ro: v.title_ro.clone(),
                    title_en: v.title_en.clone(),
                    story_ro: v.story_ro.clone(),
                    story_en: v.story_en.clone(),
                    asks_act: v.profile.is_child(),
                    best_score: line.best.map(|b| b.score),
                    passed: line.passed,
                })
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackJson {
    /// The engine's explanation of the author's marks, in the caller's language.
    author: Vec<String>,
    /// The engine's explanation of the caller's marks.
    trainee: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CertificateJson {
    id: String,
    number: String,
    holder: String,
    /// `national_victims` or `foreign_victims`.
    course: String,
    #[schema(format = Date)]
    issued_on: String,
    #[schema(format = Date)]
    last_valid_day: String,
    /// `valid`, `expired` or `revoked`.
    standing: String,
    verification_code: String,
    revoked_at: Option<String>,
}

fn certificate_json(c: CertificateRecord, today: chrono::NaiveDate) -> CertificateJson {
    CertificateJson {
        standing: mnir_app::training::standing_on(&c, today).as_str().into(),
        issued_on: c.issued_on.format("%Y-%m-%d").to_string(),
        last_valid_day: c.last_valid_day.format("%Y-%m-%d").to_string(),
        course: c.audience.as_str().into(),
        revoked_at: c.revoked_at_ms.map(rfc3339),
        id: c.id,
        number: c.number,
        holder: c.holder_name,
        verification_code: c.verification_code,
    }
}

#[derive(Serialize, ToSchema)]
pub struct AttemptJson {
    id: String,
    /// Of the indicators the author or the caller marked present, the share both marked.
    #[schema(minimum = 0, maximum = 1)]
    score: f64,
    decision_correct: bool,
    /// Whether this attempt passes its vignette (score and decision).
    passed: bool,
    /// `presumed_victim` or `not_a_victim`: the author's decision.
    expected_decision: String,
    /// Present for the author, not marked by the caller.
    missed: Vec<String>,
    /// Marked by the caller, not present for the author.
    wrongly_marked: Vec<String>,
    feedback: FeedbackJson,
    /// Certificates this attempt completed.
    certificates: Vec<CertificateJson>,
}

/// Scores an attempt on a vignette with the identification engine: the share of marked
/// indicators both marked, whether the decision is right, and the engine's explanation of both.
/// An indicator outside the vignette's profile, or `act` missing for a child's vignette, is
/// refused with 409, naming the field.
#[utoipa::path(post, path = "/api/v1/elearning/vignettes/{code}/attempts", params(("code" = String, Path, description = "Vignette code")),
    request_body = AttemptInput, responses(
    (status = 201, body = AttemptJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn create_attempt(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: AttemptInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let (_, catalogue) = answer!(tr, mnir_app::training::vignette(&state.app, &who, &code));
    let outcome = answer!(
        tr,
        mnir_app::training::attempt(&state.app, &who, &code, input)
    );
    let set = answer!(
        tr,
        mnir_app::training::vignette_set(&state.app, &outcome.attempt.vignette_version)
    );
    let expected = set
        .vignette(&code)
        .map(|v| v.expected.as_str().to_string())
        .unwrap_or_default();
    let today = state.app.jurisdiction().local_date(state.now().to_utc());
    let s = &outcome.scored;
    Ok(created(AttemptJson {
        id: outcome.attempt.id.clone(),
        score: s.score,
        decision_correct: s.decision_correct,
        passed: state
            .app
            .jurisdiction()
            .training
            .passes(s.score, s.decision_correct),
        expected_decision: expected,
        missed: s.missed.clone(),
        wrongly_marked: s.wrongly_marked.clone(),
        feedback: FeedbackJson {
            author: crate::explain::explanation(&tr, &catalogue, &s.author),
            trainee: crate::explain::explanation(&tr, &catalogue, &s.trainee),
        },
        certificates: outcome
            .certificates
            .into_iter()
            .map(|c| certificate_json(c, today))
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct CertificateListJson {
    certificates: Vec<CertificateJson>,
    /// The `after` of the next page, when there is one.
    next: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CertificateParams {
    /// The place after which the page begins: `next` of the page before.
    #[param(pattern = r"^[0-9]{1,15}\.[A-Za-z0-9-]{1,64}$")]
    after: Option<String>,
}

async fn certificate_page(
    state: &AppState,
    headers: &HeaderMap,
    mine: bool,
    after: Option<&str>,
) -> ApiResult<Json<CertificateListJson>> {
    let Caller { user, tr } = caller(state, headers).await?;
    let who = who(state, &user);
    let page = answer!(
        tr,
        mnir_app::training::certificates(&state.app, &who, mine, after)
    );
    let today = page.today;
    Ok(Json(CertificateListJson {
        certificates: page
            .certificates
            .into_iter()
            .map(|c| certificate_json(c, today))
            .collect(),
        next: page.next,
    }))
}

/// The caller's own certificates, newest first.
#[utoipa::path(get, path = "/api/v1/certificates", params(CertificateParams), responses(
    (status = 200, body = CertificateListJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn my_certificates(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<CertificateParams>,
) -> ApiResult<Json<CertificateListJson>> {
    certificate_page(&state, &headers, true, p.after.as_deref()).await
}

/// Every certificate, newest first, 25 a page (a trainer's).
#[utoipa::path(get, path = "/api/v1/training/certificates", params(CertificateParams), responses(
    (status = 200, body = CertificateListJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn all_certificates(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<CertificateParams>,
) -> ApiResult<Json<CertificateListJson>> {
    certificate_page(&state, &headers, false, p.after.as_deref()).await
}

#[derive(Deserialize, ToSchema)]
pub struct RevocationInput {
    /// Why the certificate is revoked (kept encrypted), at most 500 characters.
    #[schema(pattern = r"\S", max_length = 500)]
    reason: String,
}

// `max_length = 500` of `reason` above is MAX_REVOCATION_REASON (the attribute takes a literal).
const _: () = assert!(mnir_app::training::MAX_REVOCATION_REASON == 500);

/// Revokes a certificate (a trainer's act); it stops counting at once.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", params(("id" = String, Path, description = "Certificate id")),
    request_body = RevocationInput, responses(
    (status = 200, body = CertificateJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope), (status = 409, body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn revoke_certificate(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Json<CertificateJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: RevocationInput = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    answer!(
        tr,
        mnir_app::training::revoke(&state.app, &who, &id, &input.reason)
    );
    let c = answer!(tr, mnir_app::training::certificate(&state.app, &who, &id));
    let today = state.app.jurisdiction().local_date(state.now().to_utc());
    Ok(Json(certificate_json(c, today)))
}

#[derive(Serialize, ToSchema)]
pub struct CertificateNoticeJson {
    /// The task's id, to close it.
    id: String,
    /// When the task was raised.
    raised_at: String,
    certificate: CertificateJson,
}

/// The open tasks of the caller's organisation about staff certificates reaching their last
/// day within the profile's notice, the soonest first (a supervisor's).
#[utoipa::path(get, path = "/api/v1/training/certificate-notices", responses(
    (status = 200, body = Vec<CertificateNoticeJson>), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope)
))]
async fn certificate_notices(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<CertificateNoticeJson>>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let notices = answer!(
        tr,
        mnir_app::training::certificate_notices(&state.app, &who(&state, &user))
    );
    let today = state.app.jurisdiction().local_date(state.now().to_utc());
    Ok(Json(
        notices
            .into_iter()
            .map(|n| CertificateNoticeJson {
                id: n.task_id,
                raised_at: rfc3339(n.raised_at_ms),
                certificate: certificate_json(n.certificate, today),
            })
            .collect(),
    ))
}

/// Closes a certificate task of the caller's organisation: the next course is planned.
#[utoipa::path(post, path = "/api/v1/training/certificate-notices/{id}/done", params(("id" = String, Path, description = "Task id")),
    responses(
    (status = 204), (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope)
))]
async fn close_certificate_notice(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    answer!(
        tr,
        mnir_app::training::close_certificate_notice(&state.app, &who(&state, &user), &id)
    );
    Ok(StatusCode::NO_CONTENT)
}

/// Tells anyone, without signing in, whether a certificate is valid, expired or revoked,
/// showing only the holder's initials and the course.
#[utoipa::path(get, path = "/api/v1/verify/{code}", security(()), params(
    ("code" = String, Path, description = "The certificate's verification code", pattern = r"^[0-9A-Za-z]{5}-[0-9A-Za-z]{5}-[0-9A-Za-z]{5}$")),
    responses((status = 200, body = Verification), (status = 404, body = ApiErrorEnvelope)
))]
async fn verify_certificate(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<Verification>> {
    let tr = crate::kit::auth::request_tr(&state, &headers);
    let v = answer!(tr, mnir_app::training::verify(&state.app, &code));
    Ok(Json(v))
}
