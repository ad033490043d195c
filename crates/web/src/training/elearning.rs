//! The e-learning: the vignettes in use with one's best result on each, a vignette's story with
//! the profile's indicators to mark, and the feedback after an attempt, in which the engine
//! explains both the author's marks and the trainee's.

use crate::kit::auth::Viewer;
use crate::kit::error::FieldError;
use crate::kit::form::{Reply, posted, render, signed_in, who};
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
use mnir_app::training::AttemptInput;
use mnir_domain::identification::{Catalogue, DIMENSIONS};
use mnir_domain::training::{TraineeDecision, Vignette};
use std::collections::BTreeMap;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/elearning", elearning_home)
        .get("/elearning/vignettes/{code}", vignette_page)
        .post("/elearning/vignettes/{code}", vignette_submit)
        .get("/elearning/attempts/{id}", feedback_page)
}

/// A score as a percentage, as people read it.
pub fn percent(score: f64) -> String {
    format!("{:.0} %", score * 100.0)
}

struct VignetteRow {
    code: String,
    title: String,
    profile: String,
    best: String,
    passed: bool,
}

struct CertificateRow {
    id: String,
    number: String,
    course: String,
    until: String,
    standing: String,
}

#[derive(Template)]
#[template(path = "elearning.html")]
struct ElearningPage {
    ctx: PageCtx,
    intro: String,
    progress: String,
    vignettes: Vec<VignetteRow>,
    certificates: Vec<CertificateRow>,
}

async fn elearning_home(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "elearning");
    let tr = ctx.tr;
    let who = who(&state, user);
    let e = mnir_app::training::elearning(&state.app, &who)
        .await
        .map_err(|e| e.page(&ctx, "elearning-title"))?;
    let mine = mnir_app::training::certificates(&state.app, &who, true, None)
        .await
        .map_err(|e| e.page(&ctx, "elearning-title"))?;
    let romanian = tr.lang == crate::Lang::Ro;
    let page = ElearningPage {
        intro: tr.t_with(
            "elearning-intro",
            &[
                ("needed", i64::from(e.needed).into()),
                ("score", percent(e.pass_score).into()),
            ],
        ),
        progress: tr.t_with(
            "elearning-progress",
            &[
                ("passed", (e.passed as i64).into()),
                ("needed", i64::from(e.needed).into()),
            ],
        ),
        vignettes: e
            .vignettes
            .into_iter()
            .map(|v| VignetteRow {
                title: if romanian { v.title.0 } else { v.title.1 },
                profile: tr.term("profile", v.profile.as_str()),
                best: v.best.map_or_else(
                    || tr.t("elearning-not-tried"),
                    |b| {
                        format!(
                            "{} · {}",
                            percent(b.score),
                            tr.t(if b.decision_correct {
                                "elearning-decision-right"
                            } else {
                                "elearning-decision-wrong"
                            })
                        )
                    },
                ),
                passed: v.passed,
                code: v.code,
            })
            .collect(),
        certificates: mine
            .certificates
            .iter()
            .map(|c| CertificateRow {
                id: c.id.clone(),
                number: c.number.clone(),
                course: tr.term("audience", c.audience.as_str()),
                until: tr.date(c.last_valid_day),
                standing: tr.term(
                    "standing",
                    mnir_app::training::standing_on(c, mine.today).as_str(),
                ),
            })
            .collect(),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

struct IndicatorBox {
    code: String,
    label: String,
    checked: bool,
}

struct DimensionGroup {
    name: String,
    label: String,
    indicators: Vec<IndicatorBox>,
}

/// The profile's indicators grouped by dimension, those in `marked` ticked.
fn indicator_groups(
    tr: &Tr,
    catalogue: &Catalogue,
    vignette: &Vignette,
    marked: &[String],
) -> Vec<DimensionGroup> {
    let romanian = tr.lang == crate::Lang::Ro;
    DIMENSIONS
        .iter()
        .map(|dimension| DimensionGroup {
            name: dimension.to_string(),
            label: tr.term("dimension", dimension),
            indicators: catalogue
                .profile_indicators(vignette.profile)
                .filter(|i| i.dimension == *dimension)
                .map(|i| IndicatorBox {
                    checked: marked.contains(&i.code),
                    label: i.label(romanian).to_string(),
                    code: i.code.clone(),
                })
                .collect(),
        })
        .filter(|g| !g.indicators.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "elearning_vignette.html")]
struct VignettePage {
    ctx: PageCtx,
    code: String,
    title: String,
    profile: String,
    story: Vec<String>,
    child: bool,
    groups: Vec<DimensionGroup>,
    act: Option<bool>,
    decision: String,
    errors: Vec<FieldError>,
    by_field: BTreeMap<String, String>,
}

/// The attempt form as posted.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AttemptForm {
    present: Vec<String>,
    act: String,
    decision: String,
}

impl AttemptForm {
    fn act(&self) -> Option<bool> {
        match self.act.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        }
    }
}

async fn show_vignette(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    code: &str,
    form: AttemptForm,
    errors: Vec<FieldError>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let tr = ctx.tr;
    let (set, catalogue) = mnir_app::training::vignette(&state.app, &who(state, user), code)
        .await
        .map_err(|e| e.page(&ctx, "elearning-title"))?;
    let vignette = set
        .vignette(code)
        .ok_or_else(|| AppError::NotFound.page(&ctx, "elearning-title"))?;
    let romanian = tr.lang == crate::Lang::Ro;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = VignettePage {
        code: vignette.code.clone(),
        title: vignette.title(romanian).to_string(),
        profile: tr.term("profile", vignette.profile.as_str()),
        story: vignette
            .story(romanian)
            .split("\n\n")
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        child: vignette.profile.is_child(),
        groups: indicator_groups(&tr, &catalogue, vignette, &form.present),
        act: form.act(),
        decision: form.decision.clone(),
        by_field: errors_by_field(&errors),
        errors,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn vignette_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "elearning");
    show_vignette(
        &state,
        &viewer,
        ctx,
        &code,
        AttemptForm::default(),
        Vec::new(),
    )
    .await
}

async fn vignette_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<AttemptForm>(&viewer, &state, &body, "elearning")?;
    let form = posted.form;
    let input = AttemptInput {
        present: form.present.clone(),
        act: form.act(),
        decision: form.decision.clone(),
    };
    match mnir_app::training::attempt(&state.app, &who(&state, posted.user), &code, input).await {
        Ok(outcome) => {
            let certified = if outcome.certificates.is_empty() {
                ""
            } else {
                "?certified=yes"
            };
            Ok(Redirect::to(&format!(
                "/elearning/attempts/{}{certified}",
                outcome.attempt.id
            ))
            .into_response())
        }
        Err(AppError::Invalid(issues)) => {
            let errors = field_errors(&posted.ctx.tr, &issues);
            show_vignette(&state, &viewer, posted.ctx, &code, form, errors).await
        }
        Err(e) => Err(e.page(&posted.ctx, "elearning-title").into()),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct FeedbackParams {
    certified: Option<String>,
}

struct Marked {
    code: String,
    label: String,
}

#[derive(Template)]
#[template(path = "elearning_feedback.html")]
struct FeedbackPage {
    ctx: PageCtx,
    code: String,
    title: String,
    score: String,
    passed: bool,
    decision_correct: bool,
    your_decision: String,
    expected: String,
    missed: Vec<Marked>,
    wrongly_marked: Vec<Marked>,
    author: Vec<String>,
    trainee: Vec<String>,
    certified: bool,
}

async fn feedback_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    PageQuery(params): PageQuery<FeedbackParams>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "elearning");
    let tr = ctx.tr;
    let (attempt, set, catalogue, scored) =
        mnir_app::training::attempt_feedback(&state.app, &who(&state, user), &id)
            .await
            .map_err(|e| e.page(&ctx, "elearning-title"))?;
    let vignette = set
        .vignette(&attempt.vignette_code)
        .ok_or_else(|| AppError::NotFound.page(&ctx, "elearning-title"))?;
    let romanian = tr.lang == crate::Lang::Ro;
    let named = |codes: &[String]| -> Vec<Marked> {
        codes
            .iter()
            .map(|code| Marked {
                label: catalogue
                    .indicator(code)
                    .map(|i| i.label(romanian).to_string())
                    .unwrap_or_default(),
                code: code.clone(),
            })
            .collect()
    };
    let decision = |d: TraineeDecision| tr.term("decision", d.as_str());
    let page = FeedbackPage {
        code: vignette.code.clone(),
        title: vignette.title(romanian).to_string(),
        score: percent(scored.score),
        passed: state
            .app
            .jurisdiction()
            .training
            .passes(scored.score, scored.decision_correct),
        decision_correct: scored.decision_correct,
        your_decision: decision(attempt.decision),
        expected: decision(vignette.expected),
        missed: named(&scored.missed),
        wrongly_marked: named(&scored.wrongly_marked),
        author: crate::explain::explanation(&tr, &catalogue, &scored.author),
        trainee: crate::explain::explanation(&tr, &catalogue, &scored.trainee),
        certified: params.certified.as_deref() == Some("yes"),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}
