//! Training (mnir.md §12): the trainer's pages (sessions and their participants, the curriculum
//! and the vignettes as versions of data), the e-learning any staff member does
//! (`elearning.rs`), and certificates with their public verification (`certificates.rs`).

pub mod api;
mod certificates;
mod elearning;
pub(crate) mod reports;

use crate::kit::auth::Viewer;
use crate::kit::error::FieldError;
use crate::kit::form::{Opt, Reply, options, posted, render, signed_in, ticked, who};
use crate::kit::i18n::Tr;
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::{Shown, errors_by_field, field_errors};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_app::catalogue::Changer;
use mnir_app::training::{ParticipantInput, Rejected, SessionInput, SessionQuery};
use mnir_domain::training::{
    Audience, Curriculum, DataError, ProfessionalCategory, TrainingProblem,
};
use mnir_store::{TrainingData, TrainingSessionRecord};
use std::collections::BTreeMap;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/training", training_home)
        .get("/training/sessions/new", session_new)
        .get("/training/sessions/import", sessions_import_page)
        .post("/training/sessions/import", sessions_import)
        .post("/training/sessions", session_create)
        .get("/training/sessions/{id}", session_page)
        .post("/training/sessions/{id}/participants", participant_add)
        .post(
            "/training/sessions/{id}/participants/{participant}/attendance",
            attendance_set,
        )
        .get("/training/curriculum", curriculum_page)
        .post("/training/curriculum", curriculum_import)
        .post("/training/curriculum/activate", curriculum_activate)
        .get("/training/vignettes", vignettes_page)
        .post("/training/vignettes", vignettes_import)
        .post("/training/vignettes/activate", vignettes_activate)
        .merge(elearning::routes())
        .merge(certificates::routes())
        .merge(reports::routes())
}

/// A training data file's problem in the reader's language.
pub fn data_problem(tr: &Tr, problem: &TrainingProblem) -> String {
    use TrainingProblem as P;
    let text = |s: &str| -> crate::kit::i18n::Arg { s.to_string().into() };
    match problem {
        P::Syntax(detail) | P::Unreadable(detail) => {
            tr.t_with("training-problem-syntax", &[("detail", text(detail))])
        }
        P::Missing => tr.t("training-problem-missing"),
        P::TooLong { max } => tr.t_with(
            "training-problem-too-long",
            &[("max", (*max as i64).into())],
        ),
        P::ControlCharacters => tr.t("training-problem-control"),
        P::BadCode(v) => tr.t_with("training-problem-bad-code", &[("value", text(v))]),
        P::Repeated(v) => tr.t_with("training-problem-repeated", &[("value", text(v))]),
        P::ObjectivesDiffer { ro, en } => tr.t_with(
            "training-problem-objectives",
            &[("ro", (*ro as i64).into()), ("en", (*en as i64).into())],
        ),
        P::UnknownProfile(v) => tr.t_with("training-problem-profile", &[("value", text(v))]),
        P::UnknownIndicator(v) => tr.t_with("training-problem-indicator", &[("value", text(v))]),
        P::NotInProfile { code, profile } => tr.t_with(
            "training-problem-not-in-profile",
            &[
                ("value", text(code)),
                ("profile", tr.term("profile", profile.as_str()).into()),
            ],
        ),
        P::ActMissing => tr.t("training-problem-act-missing"),
        P::ActForAdult => tr.t("training-problem-act-adult"),
        P::UnknownDecision(v) => tr.t_with("training-problem-decision", &[("value", text(v))]),
        P::Contradicts { expected, engine } => tr.t_with(
            "training-problem-contradicts",
            &[
                ("expected", tr.term("decision", expected.as_str()).into()),
                ("engine", tr.term("outcome", engine.as_str()).into()),
            ],
        ),
        P::Empty => tr.t("training-problem-empty"),
        P::TooMany { max } => tr.t_with(
            "training-problem-too-many",
            &[("max", (*max as i64).into())],
        ),
        P::BadDate(v) => tr.t_with("training-problem-date", &[("value", text(v))]),
        P::UnknownAudience(v) => tr.t_with("training-problem-audience", &[("value", text(v))]),
        P::UnknownCounty(v) => tr.t_with("training-problem-county", &[("value", text(v))]),
        P::UnknownModule(v) => tr.t_with("training-problem-module", &[("value", text(v))]),
        P::UnknownColumn(v) => tr.t_with("training-problem-column", &[("value", text(v))]),
        P::MissingColumn(v) => tr.t_with("training-problem-missing-column", &[("value", text(v))]),
    }
}

/// A problem of a data file as a table row: line, field, what is wrong.
pub struct ProblemRow {
    pub line: String,
    pub field: String,
    pub message: String,
}

pub fn problem_rows(tr: &Tr, errors: &[DataError]) -> Vec<ProblemRow> {
    errors
        .iter()
        .map(|e| ProblemRow {
            line: if e.line == 0 {
                "—".into()
            } else {
                e.line.to_string()
            },
            field: if e.field.is_empty() {
                "—".into()
            } else {
                e.field.clone()
            },
            message: data_problem(tr, &e.problem),
        })
        .collect()
}

fn audience_options(tr: &Tr, chosen: &str) -> Vec<Opt> {
    options(
        Audience::ALL
            .iter()
            .map(|a| (a.as_str(), tr.term("audience", a.as_str()))),
        &[chosen],
    )
}

fn category_options(tr: &Tr, chosen: &str) -> Vec<Opt> {
    options(
        ProfessionalCategory::ALL
            .iter()
            .map(|c| (c.as_str(), tr.term("category", c.as_str()))),
        &[chosen],
    )
}

fn module_options(tr: &Tr, curriculum: &Curriculum, chosen: &[String]) -> Vec<Opt> {
    let chosen: Vec<&str> = chosen.iter().map(String::as_str).collect();
    options(
        curriculum.modules.iter().map(|m| {
            (
                m.code.as_str(),
                m.title(tr.lang == crate::Lang::Ro).to_string(),
            )
        }),
        &chosen,
    )
}

fn module_titles(tr: &Tr, curriculum: &Curriculum, codes: &[String]) -> String {
    codes
        .iter()
        .map(|code| {
            curriculum.module(code).map_or_else(
                || code.clone(),
                |m| m.title(tr.lang == crate::Lang::Ro).to_string(),
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

struct SessionRow {
    id: String,
    day: String,
    city: String,
    audience: String,
    participants: String,
}

fn session_row(tr: &Tr, s: &TrainingSessionRecord) -> SessionRow {
    SessionRow {
        id: s.id.clone(),
        day: tr.date(s.held_on),
        city: s.city.clone(),
        audience: tr.term("audience", s.audience.as_str()),
        participants: tr.number(s.participants),
    }
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    ctx: PageCtx,
    sessions: Vec<SessionRow>,
    next: Option<String>,
    filter_query: String,
    city: String,
    from: String,
    to: String,
    audiences: Vec<Opt>,
    categories: Vec<Opt>,
    errors: Vec<FieldError>,
}

fn query_text(value: &Option<String>) -> String {
    value.as_deref().unwrap_or_default().trim().to_string()
}

async fn training_home(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(query): PageQuery<SessionQuery>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "training");
    let tr = ctx.tr;
    let (sessions, next, errors, status) =
        match mnir_app::training::sessions(&state.app, &who(&state, user), &query).await {
            Ok(page) => (page.sessions, page.next, Vec::new(), StatusCode::OK),
            Err(AppError::Invalid(issues)) => (
                Vec::new(),
                None,
                field_errors(&tr, &issues),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(e) => return Err(e.page(&ctx, "training-title").into()),
        };
    let mut filter = Vec::new();
    for (name, value) in [
        ("city", &query.city),
        ("audience", &query.audience),
        ("from", &query.from),
        ("to", &query.to),
        ("category", &query.category),
    ] {
        let value = query_text(value);
        if !value.is_empty() {
            filter.push(format!(
                "{name}={}",
                crate::kit::views::encode_component(&value)
            ));
        }
    }
    let page = TrainingPage {
        sessions: sessions.iter().map(|s| session_row(&tr, s)).collect(),
        next,
        filter_query: filter.join("&"),
        city: query_text(&query.city),
        from: query_text(&query.from),
        to: query_text(&query.to),
        audiences: audience_options(&tr, &query_text(&query.audience)),
        categories: category_options(&tr, &query_text(&query.category)),
        errors,
        ctx: ctx.clone(),
    };
    render(&viewer, status, &page, &ctx)
}

/// The session form as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SessionForm {
    held_on: String,
    city: String,
    county: String,
    audience: String,
    trainers: String,
    modules: Vec<String>,
}

#[derive(Template)]
#[template(path = "training_session_new.html")]
struct SessionNewPage {
    ctx: PageCtx,
    form_held_on: String,
    form_city: String,
    trainers: String,
    today: String,
    counties: Vec<Opt>,
    audiences: Vec<Opt>,
    modules: Vec<Opt>,
    errors: Vec<FieldError>,
    by_field: BTreeMap<String, String>,
}

async fn session_form_page(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    form: SessionForm,
    errors: Vec<FieldError>,
) -> PageResult {
    let tr = ctx.tr;
    let curriculum = mnir_app::training::active_curriculum(&state.app)
        .await
        .map_err(|e| e.page(&ctx, "training-session-new"))?;
    let modules = if form.modules.is_empty() && errors.is_empty() {
        curriculum.modules.iter().map(|m| m.code.clone()).collect()
    } else {
        form.modules.clone()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SessionNewPage {
        today: state
            .app
            .jurisdiction()
            .local_date(state.now().to_utc())
            .format("%Y-%m-%d")
            .to_string(),
        counties: crate::cases::county_options(&form.county),
        audiences: audience_options(&tr, &form.audience),
        modules: module_options(&tr, &curriculum, &modules),
        by_field: errors_by_field(&errors),
        errors,
        form_held_on: form.held_on,
        form_city: form.city,
        trainers: form.trainers,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn session_new(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "training");
    // Only a trainer gets the form: the same check as recording.
    mnir_app::training::list_data(&state.app, &who(&state, user), TrainingData::Curriculum)
        .await
        .map_err(|e| e.page(&ctx, "training-session-new"))?;
    session_form_page(&state, &viewer, ctx, SessionForm::default(), Vec::new()).await
}

async fn session_create(viewer: Viewer, State(state): State<AppState>, body: Bytes) -> PageResult {
    let posted = posted::<SessionForm>(&viewer, &state, &body, "training")?;
    let form = posted.form;
    let input = SessionInput {
        held_on: form.held_on.clone(),
        city: form.city.clone(),
        county: form.county.clone(),
        audience: form.audience.clone(),
        // One name a line; a line left blank names no one.
        trainers: form
            .trainers
            .lines()
            .filter(|line| !mnir_app::text::trimmed(line).is_empty())
            .map(String::from)
            .collect(),
        modules: form.modules.clone(),
    };
    match mnir_app::training::record_session(&state.app, &who(&state, posted.user), input).await {
        Ok(session) => {
            Ok(Redirect::to(&format!("/training/sessions/{}", session.id)).into_response())
        }
        Err(AppError::Invalid(issues)) => {
            let errors = field_errors(&posted.ctx.tr, &issues);
            session_form_page(&state, &viewer, posted.ctx, form, errors).await
        }
        Err(e) => Err(e.page(&posted.ctx, "training-session-new").into()),
    }
}

struct ParticipantRow {
    id: String,
    name: String,
    login: String,
    organisation: String,
    category: String,
    attended: bool,
    modules: String,
}

/// The participant form as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ParticipantForm {
    name: String,
    login: String,
    organisation: String,
    organisation_name: String,
    category: String,
    attended: Option<String>,
    modules: Vec<String>,
}

#[derive(Template)]
#[template(path = "training_session.html")]
struct SessionPage {
    ctx: PageCtx,
    id: String,
    title: String,
    details: Vec<(String, String)>,
    participants: Vec<ParticipantRow>,
    form_name: String,
    form_login: String,
    form_organisation_name: String,
    attended: bool,
    organisations: Vec<Opt>,
    categories: Vec<Opt>,
    modules: Vec<Opt>,
    errors: Vec<FieldError>,
    by_field: BTreeMap<String, String>,
}

async fn session_view(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    id: &str,
    form: ParticipantForm,
    errors: Vec<FieldError>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let tr = ctx.tr;
    let view = mnir_app::training::session(&state.app, &who(state, user), id)
        .await
        .map_err(|e| e.page(&ctx, "training-session-title"))?;
    let organisations = mnir_app::accounts::organisations(&state.app)
        .await
        .map_err(|e| e.page(&ctx, "training-session-title"))?;
    let org_name = |code: &str| {
        organisations
            .iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_string(), |o| o.name.clone())
    };
    let ids: Vec<&str> = view
        .participants
        .iter()
        .filter_map(|p| p.user_id.as_deref())
        .collect();
    let logins = mnir_app::accounts::logins(&state.app, ids)
        .await
        .map_err(|e| e.page(&ctx, "training-session-title"))?;
    let s = &view.session;
    let details = vec![
        (tr.t("training-held-on"), tr.date(s.held_on)),
        (
            tr.t("training-place"),
            format!(
                "{} ({})",
                s.city,
                mnir_domain::reference::county(&s.county)
                    .map_or(s.county.clone(), |c| c.name.clone())
            ),
        ),
        (
            tr.t("training-audience"),
            tr.term("audience", s.audience.as_str()),
        ),
        (tr.t("training-trainers"), s.trainers.join(", ")),
        (
            tr.t("training-curriculum-version"),
            s.curriculum_version.clone(),
        ),
        (
            tr.t("training-modules"),
            module_titles(&tr, &view.curriculum, &s.modules),
        ),
        (tr.t("training-recorded-by"), org_name(&s.org_code)),
    ];
    let participants = view
        .participants
        .iter()
        .map(|p| ParticipantRow {
            id: p.id.clone(),
            // A name the retention period erased reads as empty: said so, not left blank.
            name: if p.name.is_empty() {
                tr.t("training-participant-name-erased")
            } else {
                p.name.clone()
            },
            login: p
                .user_id
                .as_deref()
                .map(|u| logins.get(u).cloned().unwrap_or_else(|| u.to_string()))
                .unwrap_or_default(),
            organisation: match (&p.org_code, &p.org_name) {
                (Some(code), _) => org_name(code),
                (None, Some(name)) => name.clone(),
                (None, None) => String::new(),
            },
            category: tr.term("category", p.category.as_str()),
            attended: p.attended,
            modules: module_titles(&tr, &view.curriculum, &p.modules),
        })
        .collect();
    let chosen_modules = if form.modules.is_empty() {
        s.modules.clone()
    } else {
        form.modules.clone()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SessionPage {
        id: s.id.clone(),
        title: tr.t_with(
            "training-session-heading",
            &[
                ("city", s.city.clone().into()),
                ("day", tr.date(s.held_on).into()),
            ],
        ),
        details,
        participants,
        form_name: form.name,
        form_login: form.login,
        form_organisation_name: form.organisation_name,
        attended: ticked(&form.attended),
        organisations: options(
            organisations
                .iter()
                .filter(|o| o.active && o.country.is_none())
                .map(|o| (o.code.as_str(), format!("{} — {}", o.code, o.name))),
            &[form.organisation.as_str()],
        ),
        categories: category_options(&tr, &form.category),
        modules: module_options(&tr, &view.curriculum, &chosen_modules),
        by_field: errors_by_field(&errors),
        errors,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn session_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "training");
    session_view(
        &state,
        &viewer,
        ctx,
        &id,
        ParticipantForm {
            attended: Some("yes".into()),
            ..ParticipantForm::default()
        },
        Vec::new(),
    )
    .await
}

async fn participant_add(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<ParticipantForm>(&viewer, &state, &body, "training")?;
    let form = posted.form;
    let input = ParticipantInput {
        name: form.name.clone(),
        login: form.login.clone(),
        organisation: form.organisation.clone(),
        organisation_name: form.organisation_name.clone(),
        category: form.category.clone(),
        attended: ticked(&form.attended),
        modules: form.modules.clone(),
    };
    match mnir_app::training::add_participant(&state.app, &who(&state, posted.user), &id, input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/training/sessions/{id}#participants")).into_response()),
        Err(AppError::Invalid(issues)) => {
            let errors = field_errors(&posted.ctx.tr, &issues);
            session_view(&state, &viewer, posted.ctx, &id, form, errors).await
        }
        Err(e) => Err(e.page(&posted.ctx, "training-session-title").into()),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AttendanceForm {
    attended: Option<String>,
}

async fn attendance_set(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, participant)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<AttendanceForm>(&viewer, &state, &body, "training")?;
    mnir_app::training::set_attendance(
        &state.app,
        &who(&state, posted.user),
        &id,
        &participant,
        ticked(&posted.form.attended),
        &[],
    )
    .await
    .map_err(|e| e.page(&posted.ctx, "training-session-title"))?;
    Ok(Redirect::to(&format!("/training/sessions/{id}#participants")).into_response())
}

// ----- past sessions from a file -----

#[derive(Template)]
#[template(path = "training_sessions_import.html")]
struct SessionsImportPage {
    ctx: PageCtx,
    text: String,
    problems: Vec<ProblemRow>,
    message: Option<String>,
}

async fn sessions_import_page(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "training");
    // Only a trainer gets the form: the same check as importing.
    mnir_app::training::list_data(&state.app, &who(&state, user), TrainingData::Curriculum)
        .await
        .map_err(|e| e.page(&ctx, "training-sessions-import"))?;
    let page = SessionsImportPage {
        text: String::new(),
        problems: Vec::new(),
        message: None,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SessionsForm {
    text: String,
}

/// Past sessions recorded for the trainer's organisation, all or none.
async fn sessions_import(viewer: Viewer, State(state): State<AppState>, body: Bytes) -> PageResult {
    let posted = posted::<SessionsForm>(&viewer, &state, &body, "training")?;
    let who = who(&state, posted.user);
    let tr = posted.ctx.tr;
    let outcome = mnir_app::training::import_sessions(
        &state.app,
        &Changer::User(&who),
        &posted.user.org.code,
        &posted.form.text,
    )
    .await
    .map_err(|e| e.page(&posted.ctx, "training-sessions-import"))?;
    let (status, page) = match outcome {
        Ok(count) => (
            StatusCode::OK,
            SessionsImportPage {
                text: String::new(),
                problems: Vec::new(),
                message: Some(tr.t_with(
                    "training-sessions-imported",
                    &[("count", (count as i64).into())],
                )),
                ctx: posted.ctx.clone(),
            },
        ),
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            SessionsImportPage {
                problems: problem_rows(&tr, &errors),
                text: posted.form.text,
                message: None,
                ctx: posted.ctx.clone(),
            },
        ),
    };
    render(&viewer, status, &page, &posted.ctx)
}

// ----- the curriculum and the vignettes as versions of data -----

struct VersionRow {
    version: String,
    items: String,
    catalogue: String,
    imported: String,
    active: bool,
}

struct ModuleView {
    code: String,
    title: String,
    objectives: Vec<String>,
}

#[derive(Template)]
#[template(path = "training_data.html")]
struct DataPage {
    ctx: PageCtx,
    /// `curriculum` or `vignettes`: the page's path.
    kind: &'static str,
    title: String,
    intro: String,
    format_hint: String,
    versions: Vec<VersionRow>,
    modules: Vec<ModuleView>,
    vignettes: Vec<(String, String, String)>,
    text: String,
    problems: Vec<ProblemRow>,
    message: Option<String>,
}

fn kind_of(kind: TrainingData) -> &'static str {
    kind.as_str()
}

async fn data_page(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    kind: TrainingData,
    text: String,
    problems: Vec<ProblemRow>,
    message: Option<String>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let tr = ctx.tr;
    let title = format!("training-{}-title", kind_of(kind));
    let versions = mnir_app::training::list_data(&state.app, &who(state, user), kind)
        .await
        .map_err(|e| e.page(&ctx, &title))?;
    let romanian = tr.lang == crate::Lang::Ro;
    let active = versions
        .iter()
        .find(|v| v.active)
        .map(|v| v.version.clone());
    let mut modules = Vec::new();
    let mut vignettes = Vec::new();
    if let Some(active) = &active {
        match kind {
            TrainingData::Curriculum => {
                let curriculum = mnir_app::training::curriculum(&state.app, active)
                    .await
                    .map_err(|e| e.page(&ctx, &title))?;
                modules = curriculum
                    .modules
                    .iter()
                    .map(|m| ModuleView {
                        code: m.code.clone(),
                        title: m.title(romanian).to_string(),
                        objectives: m.objectives(romanian).to_vec(),
                    })
                    .collect();
            }
            TrainingData::Vignettes => {
                let set = mnir_app::training::vignette_set(&state.app, active)
                    .await
                    .map_err(|e| e.page(&ctx, &title))?;
                vignettes = set
                    .vignettes
                    .iter()
                    .map(|v| {
                        (
                            v.code.clone(),
                            v.title(romanian).to_string(),
                            format!(
                                "{} · {}",
                                tr.term("profile", v.profile.as_str()),
                                tr.term("decision", v.expected.as_str())
                            ),
                        )
                    })
                    .collect();
            }
        }
    }
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = DataPage {
        kind: kind_of(kind),
        title: tr.t(&title),
        intro: tr.t(&format!("training-{}-intro", kind_of(kind))),
        format_hint: tr.t(&format!("training-{}-format", kind_of(kind))),
        versions: versions
            .into_iter()
            .map(|v| VersionRow {
                items: tr.number(v.item_count),
                catalogue: v.catalogue_version.unwrap_or_default(),
                imported: if v.imported_by.is_none()
                    && v.imported_at_ms == mnir_store::Timestamp::EPOCH
                {
                    tr.t("training-builtin")
                } else {
                    tr.datetime(v.imported_at_ms)
                },
                active: v.active,
                version: v.version,
            })
            .collect(),
        modules,
        vignettes,
        text,
        problems,
        message,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn curriculum_page(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "training");
    data_page(
        &state,
        &viewer,
        ctx,
        TrainingData::Curriculum,
        String::new(),
        Vec::new(),
        None,
    )
    .await
}

async fn vignettes_page(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "training");
    data_page(
        &state,
        &viewer,
        ctx,
        TrainingData::Vignettes,
        String::new(),
        Vec::new(),
        None,
    )
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct DataForm {
    text: String,
    activate: Option<String>,
    version: String,
}

async fn data_import(
    state: AppState,
    viewer: Viewer,
    body: Bytes,
    kind: TrainingData,
) -> PageResult {
    let posted = posted::<DataForm>(&viewer, &state, &body, "training")?;
    let who = who(&state, posted.user);
    let tr = posted.ctx.tr;
    let outcome = mnir_app::training::import_data(
        &state.app,
        &Changer::User(&who),
        kind,
        &posted.form.text,
        ticked(&posted.form.activate),
    )
    .await
    .map_err(|e| e.page(&posted.ctx, "training-title"))?;
    let problems = match outcome {
        Ok(record) => {
            let message = tr.t_with(
                "training-imported",
                &[
                    ("version", record.version.into()),
                    ("count", record.item_count.into()),
                ],
            );
            return data_page(
                &state,
                &viewer,
                posted.ctx,
                kind,
                String::new(),
                Vec::new(),
                Some(message),
            )
            .await;
        }
        Err(Rejected::VersionExists(version)) => vec![ProblemRow {
            line: "—".into(),
            field: "version".into(),
            message: tr.t_with("training-version-exists", &[("version", version.into())]),
        }],
        Err(Rejected::Rows(errors)) => problem_rows(&tr, &errors),
    };
    data_page(
        &state,
        &viewer,
        posted.ctx,
        kind,
        posted.form.text,
        problems,
        None,
    )
    .await
}

async fn data_activate(
    state: AppState,
    viewer: Viewer,
    body: Bytes,
    kind: TrainingData,
) -> PageResult {
    let posted = posted::<DataForm>(&viewer, &state, &body, "training")?;
    let who = who(&state, posted.user);
    mnir_app::training::activate_data(
        &state.app,
        &Changer::User(&who),
        kind,
        posted.form.version.trim(),
    )
    .await
    .map_err(|e| e.page(&posted.ctx, "training-title"))?;
    Ok(Redirect::to(&format!("/training/{}", kind_of(kind))).into_response())
}

async fn curriculum_import(
    viewer: Viewer,
    State(state): State<AppState>,
    body: Bytes,
) -> PageResult {
    data_import(state, viewer, body, TrainingData::Curriculum).await
}

async fn vignettes_import(
    viewer: Viewer,
    State(state): State<AppState>,
    body: Bytes,
) -> PageResult {
    data_import(state, viewer, body, TrainingData::Vignettes).await
}

async fn curriculum_activate(
    viewer: Viewer,
    State(state): State<AppState>,
    body: Bytes,
) -> PageResult {
    data_activate(state, viewer, body, TrainingData::Curriculum).await
}

async fn vignettes_activate(
    viewer: Viewer,
    State(state): State<AppState>,
    body: Bytes,
) -> PageResult {
    data_activate(state, viewer, body, TrainingData::Vignettes).await
}
