//! Risk and special-needs assessment (mnir.md §8): the case page's panel and urgent banner, the
//! assessment page with the first contact's questions, the full assessment and every version.
//! The page works without JavaScript: each domain's level shows as it is rated through CSS
//! alone (`:has`), and the server gives the same levels once saved.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::error::FieldError;
use crate::kit::form::{read_form, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::PagePath;
use crate::kit::refusal::{Shown, field_errors};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_app::cases::OpenCase;
use mnir_app::risk::{AssessmentInput, History};
use mnir_domain::AgeGroup;
use mnir_domain::risk::{
    AssessmentKind, Movement, Rating, RiskDomain, UrgentQuestion, asked_in, movements,
    question_asked,
};
use mnir_store::RiskAssessmentRecord;
use std::collections::BTreeMap;

type PageResult = Result<Response, crate::kit::form::Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cases/{id}/risk", risk_page)
        .post("/cases/{id}/risk", risk_submit)
}

/// The urgent needs nothing has answered, in words, for the banner of the case page and of the
/// assessment page.
pub fn urgent_text(tr: &Tr, questions: &[UrgentQuestion]) -> Option<String> {
    (!questions.is_empty()).then(|| {
        let named: Vec<String> = questions
            .iter()
            .map(|q| tr.term("urgent", q.as_str()))
            .collect();
        tr.t_with("risk-urgent-banner", &[("needs", named.join("; ").into())])
    })
}

/// The case page's panel: the latest level, its review, and the way to the assessment page.
pub struct RiskPanelView {
    pub summary: String,
    pub review: Option<String>,
    pub to_review: bool,
    /// How many versions there are, in words.
    pub versions: String,
}

/// The panel, for those who may read support records; `None` for everyone else.
pub fn panel(tr: &Tr, open: &OpenCase) -> Option<RiskPanelView> {
    let risk = open.risk.as_ref()?;
    // A return's assessment is the return's, shown in the history and the procedure: the
    // panel speaks of the person's own assessment.
    let latest = risk
        .versions
        .iter()
        .rev()
        .find(|v| v.kind == AssessmentKind::FirstContact);
    let summary = match (risk.latest_full(), latest) {
        (Some(full), _) => tr.t_with(
            "risk-panel-level",
            &[
                (
                    "level",
                    tr.term("risklevel", full.overall.map_or("low", |l| l.as_str()))
                        .into(),
                ),
                ("at", tr.datetime(full.assessed_at_ms).into()),
                ("version", full.version.into()),
            ],
        ),
        (None, Some(first)) => tr.t_with(
            "risk-panel-first-contact-only",
            &[("at", tr.datetime(first.assessed_at_ms).into())],
        ),
        (None, None) => tr.t("risk-panel-none"),
    };
    let review = risk.latest_full().and_then(|full| {
        let clock = open
            .clocks
            .iter()
            .find(|c| Some(&c.id) == full.clock_id.as_ref())?;
        let due = clock.due_at_ms?;
        Some(tr.t_with("risk-panel-review", &[("due", tr.datetime(due).into())]))
    });
    Some(RiskPanelView {
        summary,
        review,
        to_review: risk.to_review,
        versions: tr.t_with(
            "risk-panel-versions",
            &[("count", (risk.versions.len() as i64).into())],
        ),
    })
}

/// One rating choice (1, 2 or 3) of a domain's severity or likelihood.
struct Choice {
    value: u8,
    label: String,
    checked: bool,
}

/// One domain of the full assessment's form.
struct DomainField {
    code: &'static str,
    field: &'static str,
    name: String,
    hint: String,
    severity: Vec<Choice>,
    likelihood: Vec<Choice>,
    note: String,
    error: Option<String>,
    /// The text shown for each pair (severity, likelihood), which the style sheet reveals as the
    /// user rates: `s<severity>l<likelihood>` and its words.
    levels: Vec<(String, String)>,
}

/// One urgent question of the first contact's form.
struct QuestionField {
    code: &'static str,
    field: &'static str,
    name: String,
    yes: bool,
    no: bool,
    note: String,
    error: Option<String>,
}

struct ReturnForm {
    domains: Vec<DomainField>,
    partners: Vec<crate::kit::form::Opt>,
}

/// A version as the history shows it.
struct VersionView {
    anchor: String,
    title: String,
    overall: Option<(&'static str, String)>,
    rows: Vec<VersionRow>,
    urgent: Vec<(String, String, String)>,
    urgent_status: Option<String>,
}

struct VersionRow {
    domain: String,
    severity: u8,
    likelihood: u8,
    score: u8,
    level_code: &'static str,
    level: String,
    change: String,
    note: String,
}

#[derive(Template)]
#[template(path = "risk.html")]
struct RiskPage {
    ctx: PageCtx,
    id: String,
    reference: String,
    urgent_banner: Option<String>,
    to_review: bool,
    errors: Vec<FieldError>,
    /// The return form's fields carry this before their names, so its errors link to them.
    error_prefix: &'static str,
    first_contact: Option<Vec<QuestionField>>,
    full: Option<Vec<DomainField>>,
    /// The assessment of a return under way, with the partner it is made with.
    return_form: Option<ReturnForm>,
    versions: Vec<VersionView>,
    /// Why no form is shown, when none is.
    not_due: Option<String>,
}

/// The values a form posted, by field name, so a refused form comes back as typed.
type Typed = BTreeMap<String, String>;

fn choices(tr: &Tr, part: &str, chosen: Option<u8>) -> Vec<Choice> {
    (1..=3)
        .map(|value| Choice {
            value,
            label: tr.term(&format!("risk{part}"), &value.to_string()),
            checked: chosen == Some(value),
        })
        .collect()
}

fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
}

/// The words of every (severity, likelihood) pair: "6 — high".
fn level_texts(tr: &Tr) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in 1..=3 {
        for l in 1..=3 {
            let r = Rating::new(s, l).expect("1–3 are ratings");
            out.push((
                format!("s{s}l{l}"),
                tr.t_with(
                    "risk-level-live",
                    &[
                        ("score", i64::from(r.score()).into()),
                        ("level", tr.term("risklevel", r.level().as_str()).into()),
                    ],
                ),
            ));
        }
    }
    out
}

/// The full assessment's fields: as typed after a refusal, otherwise from the latest full
/// version (a review starts from the ratings it revisits).
fn full_fields(
    tr: &Tr,
    kind: AssessmentKind,
    age: AgeGroup,
    typed: Option<&Typed>,
    latest: Option<&RiskAssessmentRecord>,
    errors: &[FieldError],
) -> Vec<DomainField> {
    let levels = level_texts(tr);
    RiskDomain::ALL
        .iter()
        .filter(|d| asked_in(kind, **d, age))
        .map(|&domain| {
            let field = domain.field();
            let previous = latest.and_then(|v| v.domains.iter().find(|r| r.domain == domain));
            let (severity, likelihood, note) = match typed {
                Some(t) => (
                    t.get(&format!("{field}.severity"))
                        .and_then(|v| v.parse().ok()),
                    t.get(&format!("{field}.likelihood"))
                        .and_then(|v| v.parse().ok()),
                    t.get(&format!("{field}.note")).cloned().unwrap_or_default(),
                ),
                None => (
                    previous.map(|r| r.rating.severity()),
                    previous.map(|r| r.rating.likelihood()),
                    previous.map(|r| r.note.clone()).unwrap_or_default(),
                ),
            };
            DomainField {
                code: domain.as_str(),
                field,
                name: tr.term("riskdomain", domain.as_str()),
                hint: tr.term("riskdomain-hint", domain.as_str()),
                severity: choices(tr, "severity", severity),
                likelihood: choices(tr, "likelihood", likelihood),
                note,
                error: error_for(errors, field),
                levels: levels.clone(),
            }
        })
        .collect()
}

fn question_fields(
    tr: &Tr,
    age: AgeGroup,
    typed: Option<&Typed>,
    errors: &[FieldError],
) -> Vec<QuestionField> {
    UrgentQuestion::ALL
        .iter()
        .filter(|q| question_asked(**q, age))
        .map(|&q| {
            let field = q.field();
            let answer = typed.and_then(|t| t.get(field)).map(String::as_str);
            QuestionField {
                code: q.as_str(),
                field,
                name: tr.term("urgent", q.as_str()),
                yes: answer == Some("yes"),
                no: answer == Some("no"),
                note: typed
                    .and_then(|t| t.get(&format!("{field}.note")))
                    .cloned()
                    .unwrap_or_default(),
                error: error_for(errors, field),
            }
        })
        .collect()
}

/// The history, newest first, each version compared with the full version before it.
fn version_views(
    tr: &Tr,
    history: &History,
    org_name: &dyn Fn(&str) -> String,
) -> Vec<VersionView> {
    let mut previous_full: Option<&RiskAssessmentRecord> = None;
    let mut out = Vec::new();
    for v in &history.versions {
        let moved: BTreeMap<RiskDomain, Movement> = match (v.kind, previous_full) {
            (AssessmentKind::Full, Some(before)) => movements(&before.ratings(), &v.ratings())
                .into_iter()
                .collect(),
            _ => BTreeMap::new(),
        };
        let rows = v
            .domains
            .iter()
            .map(|d| VersionRow {
                domain: tr.term("riskdomain", d.domain.as_str()),
                severity: d.rating.severity(),
                likelihood: d.rating.likelihood(),
                score: d.rating.score(),
                level_code: d.rating.level().as_str(),
                level: tr.term("risklevel", d.rating.level().as_str()),
                change: moved
                    .get(&d.domain)
                    .map(|m| tr.term("riskmove", m.as_str()))
                    .unwrap_or_default(),
                note: d.note.clone(),
            })
            .collect();
        let dropped: Vec<String> = moved
            .iter()
            .filter(|(_, m)| **m == Movement::Dropped)
            .map(|(d, _)| tr.term("riskdomain", d.as_str()))
            .collect();
        let who = history.assessor(v);
        // A generated or imported version names no account: the organisation alone.
        let mut title = tr.t_with(
            if who.is_empty() {
                "risk-version-title-org"
            } else {
                "risk-version-title"
            },
            &[
                ("version", v.version.into()),
                ("kind", tr.term("riskkind", v.kind.as_str()).into()),
                ("at", tr.datetime(v.assessed_at_ms).into()),
                ("who", who.into()),
                ("org", org_name(&v.org_code).into()),
            ],
        );
        if !dropped.is_empty() {
            title.push(' ');
            title.push_str(&tr.t_with(
                "risk-version-dropped",
                &[("domains", dropped.join(", ").into())],
            ));
        }
        let urgent_status = (v.urgent.iter().any(|u| u.yes)).then(|| {
            match (v.urgent_answered_at_ms, v.urgent_answered_by.as_deref()) {
                (Some(at), Some(by)) if by.starts_with("referral:") => tr.t_with(
                    "risk-urgent-answered-referral",
                    &[("at", tr.datetime(at).into())],
                ),
                (Some(at), Some(by)) if by.starts_with("plan:") => tr.t_with(
                    "risk-urgent-answered-plan",
                    &[("at", tr.datetime(at).into())],
                ),
                (Some(at), Some(by)) if by.starts_with("case:") => tr.t_with(
                    "risk-urgent-answered-ended",
                    &[("at", tr.datetime(at).into())],
                ),
                (Some(at), _) => tr.t_with(
                    "risk-urgent-answered-again",
                    &[("at", tr.datetime(at).into())],
                ),
                (None, _) => tr.t("risk-urgent-still-open"),
            }
        });
        out.push(VersionView {
            anchor: format!("version-{}", v.version),
            title,
            overall: v
                .overall
                .map(|l| (l.as_str(), tr.term("risklevel", l.as_str()))),
            rows,
            urgent: v
                .urgent
                .iter()
                .map(|u| {
                    (
                        tr.term("urgent", u.question.as_str()),
                        tr.t(if u.yes { "risk-yes" } else { "risk-no" }),
                        u.note.clone(),
                    )
                })
                .collect(),
            urgent_status,
        });
        if v.kind == AssessmentKind::Full {
            previous_full = Some(v);
        }
    }
    out.reverse();
    out
}

/// Renders the assessment page; `typed` and `errors` after a refused form of `kind`.
async fn render_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    status: StatusCode,
    refused: Option<(AssessmentKind, Typed, Vec<FieldError>)>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let who = who(state, user);
    // A viewer outside the support compartment is told why (the firewall, a missing role, or no
    // such case).
    let (open, history) = mnir_app::risk::page(&state.app, &who, id)
        .await
        .map_err(|e| e.page(&ctx, "risk-title"))?;
    let Some(risk) = open.risk.as_ref() else {
        return Err(AppError::NotFound.page(&ctx, "risk-title").into());
    };
    let age = open.detail.summary.age_group;
    let (typed_kind, typed, errors) = match &refused {
        Some((kind, typed, errors)) => (Some(*kind), Some(typed), errors.clone()),
        None => (None, None, Vec::new()),
    };
    let typed_for = |kind| typed.filter(|_| typed_kind == Some(kind));
    let errors_for = |kind| {
        if typed_kind == Some(kind) {
            errors.clone()
        } else {
            Vec::new()
        }
    };
    let first_contact = (risk.may_record && risk.first_contact_due).then(|| {
        question_fields(
            &tr,
            age,
            typed_for(AssessmentKind::FirstContact),
            &errors_for(AssessmentKind::FirstContact),
        )
    });
    let full = (risk.may_record && risk.full_due).then(|| {
        full_fields(
            &tr,
            AssessmentKind::Full,
            age,
            typed_for(AssessmentKind::Full),
            risk.latest_full(),
            &errors_for(AssessmentKind::Full),
        )
    });
    // A return under way: its risks are assessed with the partner in the country of return
    // before the travel, and again when a check-in after it asks for it, starting from the
    // latest return assessment, else the latest full one.
    let returns = mnir_app::repatriation::case_panel(&state.app, &who, id, &open.facts)
        .await
        .map_err(|e| e.page(&ctx, "risk-title"))?;
    let return_form = returns
        .and_then(|p| {
            p.procedures.into_iter().find(|o| {
                o.record.cancelled_at_ms.is_none()
                    && o.record
                        .step(mnir_domain::repatriation::Step::FollowUp)
                        .state
                        != mnir_domain::repatriation::StepState::Done
            })
        })
        .filter(|_| risk.may_record)
        .map(|o| {
            let typed = typed_for(AssessmentKind::Return);
            let partner = typed
                .and_then(|t| t.get("partner_org").cloned())
                .unwrap_or(o.record.partner_org.clone());
            let latest_return = risk
                .versions
                .iter()
                .rev()
                .find(|v| v.kind == AssessmentKind::Return);
            ReturnForm {
                domains: full_fields(
                    &tr,
                    AssessmentKind::Return,
                    age,
                    typed,
                    latest_return.or(risk.latest_full()),
                    &errors_for(AssessmentKind::Return),
                ),
                partners: open
                    .organisations
                    .iter()
                    .filter(|org| org.active || org.code == partner)
                    .map(|org| crate::kit::form::Opt {
                        selected: org.code == partner,
                        value: org.code.clone(),
                        label: format!("{} — {}", org.code, org.name),
                    })
                    .collect(),
            }
        });
    let not_due = (first_contact.is_none() && full.is_none() && return_form.is_none()).then(|| {
        if risk.may_record {
            tr.t_with(
                "risk-not-due",
                &[("state", tr.term("state", open.facts.state.as_str()).into())],
            )
        } else {
            tr.t("risk-read-only")
        }
    });
    let org_name = |code: &str| open.org_name(code);
    let page = RiskPage {
        id: id.to_string(),
        reference: open.detail.summary.reference.clone(),
        urgent_banner: urgent_text(&tr, &risk.urgent_open),
        to_review: risk.to_review,
        errors,
        error_prefix: if typed_kind == Some(AssessmentKind::Return) {
            "return-"
        } else {
            ""
        },
        first_contact,
        full,
        return_form,
        versions: version_views(&tr, &history, &org_name),
        not_due,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn risk_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    render_page(&state, &viewer, &id, StatusCode::OK, None).await
}

/// The posted form as the use case's input: `urgent.<code>` is `yes` or `no`, `domains.<code>.
/// severity` and `.likelihood` are 1–3, each with its `.note`.
fn input_of(typed: &Typed) -> AssessmentInput {
    let mut input = AssessmentInput {
        kind: typed.get("kind").cloned().unwrap_or_default(),
        partner_org: typed.get("partner_org").cloned(),
        ..AssessmentInput::default()
    };
    for (name, value) in typed {
        if let Some(rest) = name.strip_prefix("urgent.") {
            let (code, note) = match rest.strip_suffix(".note") {
                Some(code) => (code, true),
                None => (rest, false),
            };
            let entry = input.urgent.entry(code.to_string()).or_default();
            if note {
                entry.note = value.clone();
            } else {
                entry.answer = match value.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                };
            }
        } else if let Some(rest) = name.strip_prefix("domains.") {
            let Some((code, part)) = rest.rsplit_once('.') else {
                continue;
            };
            let entry = input.domains.entry(code.to_string()).or_default();
            match part {
                "severity" => entry.severity = value.trim().parse().ok(),
                "likelihood" => entry.likelihood = value.trim().parse().ok(),
                "note" => entry.note = value.clone(),
                _ => {}
            }
        }
    }
    input
}

/// The questions a first-contact form asked and the domains a full form rated, present even when
/// left unanswered (a radio group left empty is not posted), so a missing answer is named.
fn with_every_field(mut input: AssessmentInput, asked_of: AgeGroup) -> AssessmentInput {
    match AssessmentKind::parse(&input.kind) {
        Some(AssessmentKind::FirstContact) => {
            for q in UrgentQuestion::ALL
                .iter()
                .filter(|q| question_asked(**q, asked_of))
            {
                input.urgent.entry(q.as_str().to_string()).or_default();
            }
        }
        Some(kind @ (AssessmentKind::Full | AssessmentKind::Return)) => {
            for d in RiskDomain::ALL
                .iter()
                .filter(|d| mnir_domain::risk::asked_in(kind, **d, asked_of))
            {
                input.domains.entry(d.as_str().to_string()).or_default();
            }
        }
        None => {}
    }
    input
}

async fn risk_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let mut typed: Typed = read_form(&body, &ctx)?;
    typed.remove("csrf");
    let who = who(&state, user);
    let facts = mnir_app::cases::facts(&state.app, &who, &id)
        .await
        .map_err(|e| e.page(&ctx, "risk-title"))?;
    let input = with_every_field(input_of(&typed), facts.age_group);
    match mnir_app::risk::record(&state.app, &who, &id, &input).await {
        Ok(recorded) => Ok(Redirect::to(&format!(
            "/cases/{id}/risk#version-{}",
            recorded.assessment.version
        ))
        .into_response()),
        Err(AppError::Invalid(issues)) => {
            let kind = AssessmentKind::parse(&input.kind).unwrap_or(AssessmentKind::Full);
            let errors = field_errors(&ctx.tr, &issues);
            render_page(
                &state,
                &viewer,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((kind, typed, errors)),
            )
            .await
        }
        Err(e) => Err(e.page(&ctx, "risk-title").into()),
    }
}
