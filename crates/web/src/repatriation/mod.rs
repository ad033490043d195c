//! Assisted voluntary repatriation (mnir.md §10): the case page's panel, the form that opens a
//! procedure, the procedure's page (its eight steps with what blocks the next, the check-ins
//! after the return, the person's withdrawal and a supervisor's approval), a form per step and
//! per check-in, and the return file printed for the escort and the receiving partner.

pub mod api;
pub(crate) mod print;

use crate::kit::auth::Viewer;
use crate::kit::error::FieldError;
use crate::kit::form::{Opt, ReasonForm, options, read_form, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::PagePath;
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
use mnir_app::repatriation::{
    CasePanel, CheckInInput, DocumentInput, MAX_DOCUMENTS, OpenInput, Overview, Page,
    SITUATION_FIELDS, StepInput, detail_fields,
};
use mnir_domain::repatriation::{Direction, DocumentKind, Escort, Guard, Step, StepState};
use std::collections::BTreeMap;

type PageResult = Result<Response, crate::kit::form::Reply>;

/// The values a form posted, by field name, so a refused form comes back as typed.
type Typed = BTreeMap<String, String>;

/// How many document lines a step's form offers.
const DOCUMENT_LINES: usize = 3;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cases/{id}/repatriation/new", open_page)
        .post("/cases/{id}/repatriation/new", open_submit)
        .get("/repatriations/{id}", procedure_page)
        .get("/repatriations/{id}/steps/{step}", step_page)
        .post("/repatriations/{id}/steps/{step}", step_submit)
        .get("/repatriations/{id}/checkins/{number}", checkin_page)
        .post("/repatriations/{id}/checkins/{number}", checkin_submit)
        .post("/repatriations/{id}/approval", approval_submit)
        .post("/repatriations/{id}/withdraw", withdraw_submit)
        .get("/repatriations/{id}/return-file", print::return_file)
}

/// Where a procedure stands, in words: cancelled, complete, or at its next step.
fn standing(tr: &Tr, o: &Overview) -> String {
    let r = &o.record;
    if let Some(at) = r.cancelled_at_ms {
        return tr.t_with(
            "repatriation-cancelled-at",
            &[("at", tr.datetime(at).into())],
        );
    }
    match o.next {
        None => tr.t("repatriation-complete"),
        Some((step, _)) => tr.t_with(
            "repatriation-next",
            &[
                ("number", (step.number() as i64).into()),
                ("step", tr.term("repatriation-step", step.as_str()).into()),
            ],
        ),
    }
}

/// What a procedure is, in a line: its direction, partner and country.
fn title(tr: &Tr, o: &Overview, org_name: &dyn Fn(&str) -> String) -> String {
    let r = &o.record;
    tr.t_with(
        "repatriation-line",
        &[
            (
                "direction",
                tr.term("repatriation-direction", r.direction.as_str())
                    .into(),
            ),
            ("country", tr.country(&r.country).into()),
            ("partner", org_name(&r.partner_org).into()),
        ],
    )
}

/// A procedure as the case page lists it: its steps with their states, and what blocks the
/// next one, with the page that lifts it.
pub struct ProcedureLine {
    pub id: String,
    pub title: String,
    pub standing: String,
    /// (name, state's code, state in words), in order.
    pub steps: Vec<(String, &'static str, String)>,
    pub blocked: Option<String>,
    pub remedy: Option<(String, String)>,
}

/// The case page's panel of returns.
pub struct ReturnPanelView {
    pub procedures: Vec<ProcedureLine>,
    pub may_open: bool,
}

/// The panel, for those who may see returns.
pub fn panel(
    tr: &Tr,
    panel: Option<CasePanel>,
    org_name: &dyn Fn(&str) -> String,
) -> Option<ReturnPanelView> {
    let panel = panel?;
    Some(ReturnPanelView {
        procedures: panel
            .procedures
            .iter()
            .map(|o| {
                let guard = o
                    .next
                    .and_then(|(_, g)| g)
                    .filter(|_| o.record.cancelled_at_ms.is_none());
                ProcedureLine {
                    id: o.record.id.clone(),
                    title: title(tr, o, org_name),
                    standing: standing(tr, o),
                    steps: o
                        .record
                        .steps
                        .iter()
                        .map(|s| {
                            (
                                tr.term("repatriation-step", s.step.as_str()),
                                s.state.as_str(),
                                tr.term("repatriation-state", s.state.as_str()),
                            )
                        })
                        .collect(),
                    blocked: guard.map(|g| guard_text(tr, g)),
                    remedy: guard.and_then(|g| remedy(tr, g, &o.record.case_id)),
                }
            })
            .collect(),
        may_open: panel.may_open,
    })
}

fn org_options(page_orgs: &[mnir_store::Organisation], chosen: &str) -> Vec<Opt> {
    let mut opts = vec![Opt {
        value: String::new(),
        label: "—".into(),
        selected: chosen.is_empty(),
    }];
    opts.extend(options(
        page_orgs
            .iter()
            .filter(|o| o.active || o.code == chosen)
            .map(|o| (o.code.as_str(), format!("{} — {}", o.code, o.name))),
        &[chosen],
    ));
    opts
}

// ---------------------------------------------------------------------------------------------
// Opening a procedure

#[derive(Template)]
#[template(path = "repatriation_open.html")]
struct OpenPage {
    ctx: PageCtx,
    id: String,
    reference: String,
    errors: Vec<FieldError>,
    by_field: BTreeMap<String, String>,
    directions: Vec<Opt>,
    /// The partners abroad, each with its country, and the organisations in Romania.
    partners_abroad: Vec<Opt>,
    partners_here: Vec<Opt>,
    partner_chosen: bool,
    countries: Vec<Opt>,
}

async fn render_open(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    status: StatusCode,
    typed: Option<(Typed, Vec<FieldError>)>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let who = who(state, user);
    let open = mnir_app::cases::open(&state.app, &who, id)
        .await
        .map_err(|e| e.page(&ctx, "repatriation-open-title"))?;
    let panel = mnir_app::repatriation::case_panel(&state.app, &who, id, &open.facts)
        .await
        .map_err(|e| e.page(&ctx, "repatriation-open-title"))?;
    if !panel.is_some_and(|p| p.may_open) {
        return Err(
            AppError::Forbidden(mnir_app::Message::new("repatriation-open-not-now"))
                .page(&ctx, "repatriation-open-title")
                .into(),
        );
    }
    let (typed, errors) = typed.unwrap_or_default();
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let partner = get("partner_org");
    let home = state.app.jurisdiction().country.clone();
    // The person's citizenship says which way they go.
    let national = open.detail.summary.citizenship.eq_ignore_ascii_case(&home);
    let direction = match get("direction") {
        d if !d.is_empty() => d,
        _ if national => "to_romania".into(),
        _ => "from_romania".into(),
    };
    let country = match get("country") {
        c if !c.is_empty() => c,
        _ if !national => open.detail.summary.citizenship.clone(),
        _ => String::new(),
    };
    let mut countries = vec![Opt {
        value: String::new(),
        label: "—".into(),
        selected: country.is_empty(),
    }];
    countries.extend(options(
        mnir_domain::reference::countries()
            .iter()
            .filter(|c| c.code != home)
            .map(|c| (c.code.as_str(), tr.country(&c.code))),
        &[country.as_str()],
    ));
    let page = OpenPage {
        id: id.to_string(),
        reference: open.detail.summary.reference.clone(),
        by_field: errors_by_field(&errors),
        errors,
        directions: options(
            Direction::ALL
                .iter()
                .map(|d| (d.as_str(), tr.term("repatriation-direction", d.as_str()))),
            &[direction.as_str()],
        ),
        partners_abroad: options(
            open.organisations
                .iter()
                .filter(|o| o.active && o.country.is_some())
                .map(|o| {
                    let country = tr.country(o.country.as_deref().unwrap_or_default());
                    (
                        o.code.as_str(),
                        format!("{} — {} ({country})", o.code, o.name),
                    )
                }),
            &[partner.as_str()],
        ),
        partners_here: options(
            open.organisations
                .iter()
                .filter(|o| o.active && o.country.is_none())
                .map(|o| (o.code.as_str(), format!("{} — {}", o.code, o.name))),
            &[partner.as_str()],
        ),
        partner_chosen: !partner.is_empty(),
        countries,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn open_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    render_open(&state, &viewer, &id, StatusCode::OK, None).await
}

async fn open_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let mut typed: Typed = read_form(&body, &ctx)?;
    typed.remove("csrf");
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let input = OpenInput {
        direction: get("direction"),
        partner_org: get("partner_org"),
        country: get("country"),
    };
    match mnir_app::repatriation::open(&state.app, &who(&state, user), &id, &input).await {
        Ok(opened) => {
            Ok(Redirect::to(&format!("/repatriations/{}", opened.record.id)).into_response())
        }
        Err(AppError::Invalid(issues)) => {
            let errors = field_errors(&ctx.tr, &issues);
            render_open(
                &state,
                &viewer,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((typed, errors)),
            )
            .await
        }
        Err(e) => Err(e.page(&ctx, "repatriation-open-title").into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The procedure's page

struct StepView {
    code: &'static str,
    number: usize,
    name: String,
    state_code: &'static str,
    state: String,
    /// Date, who, documents and details, each as (label, text).
    facts: Vec<(String, String)>,
    note: String,
    /// Why marking it done is refused now, for the next step.
    blocked: Option<String>,
    /// A page that lifts the block (the consent or the risk page).
    remedy: Option<(String, String)>,
    is_next: bool,
}

struct CheckInView {
    number: i64,
    due: String,
    organisation: String,
    found: Option<String>,
    situation: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "repatriation.html")]
struct ProcedurePage {
    ctx: PageCtx,
    id: String,
    case_id: String,
    reference: String,
    title: String,
    standing: String,
    cancelled: bool,
    cancel_reason: String,
    facts: Vec<(String, String)>,
    steps: Vec<StepView>,
    checkins: Vec<CheckInView>,
    may_keep: bool,
    may_withdraw: bool,
    /// The assessment a supervisor may approve now.
    to_approve: Option<String>,
    approval_waits: bool,
    error: Option<String>,
    typed_reason: String,
}

fn step_facts(
    tr: &Tr,
    s: &mnir_store::StepRecord,
    org_name: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(day) = s.happened_on {
        out.push((tr.t("repatriation-date"), tr.date(day)));
    }
    if let Some(org) = &s.responsible_org {
        out.push((tr.t("repatriation-responsible-org"), org_name(org)));
    }
    if !s.responsible_person.is_empty() {
        out.push((
            tr.t("repatriation-responsible-person"),
            s.responsible_person.clone(),
        ));
    }
    for d in &s.documents {
        out.push((
            tr.term("repatriation-document", d.kind.as_str()),
            d.number.clone(),
        ));
    }
    for (name, value) in &s.details {
        let value = if name == "escort" {
            tr.term("repatriation-escort", value)
        } else {
            value.clone()
        };
        out.push((tr.term("repatriation-detail", name), value));
    }
    out
}

/// What lifts a guard, when a page of the case does.
fn remedy(tr: &Tr, guard: Guard, case_id: &str) -> Option<(String, String)> {
    match guard {
        Guard::NoConsent => Some((
            format!("/cases/{case_id}/consent"),
            tr.t("repatriation-remedy-consent"),
        )),
        Guard::NoReturnRiskAssessment => Some((
            format!("/cases/{case_id}/risk#return"),
            tr.t("repatriation-remedy-assessment"),
        )),
        Guard::ReflectionPeriodRunning => Some((
            format!("/cases/{case_id}#reflection-title"),
            tr.t("repatriation-remedy-reflection"),
        )),
        _ => None,
    }
}

fn guard_text(tr: &Tr, guard: Guard) -> String {
    tr.term("repatriation-guard", guard.as_str())
}

async fn render_procedure(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    status: StatusCode,
    failed: Option<(String, String)>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let page = mnir_app::repatriation::page(&state.app, &who(state, user), id)
        .await
        .map_err(|e| e.page(&ctx, "repatriation-title"))?;
    let Page {
        overview,
        reference,
        person: _,
        may_keep,
        may_approve,
        to_approve,
        organisations,
    } = page;
    let org_name = |code: &str| {
        organisations
            .iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_string(), |o| o.name.clone())
    };
    let r = &overview.record;
    let next = overview.next;
    let steps = r
        .steps
        .iter()
        .map(|s| {
            let is_next = next.is_some_and(|(n, _)| n == s.step);
            let guard = next.and_then(|(n, g)| g.filter(|_| n == s.step));
            StepView {
                code: s.step.as_str(),
                number: s.step.number(),
                name: tr.term("repatriation-step", s.step.as_str()),
                state_code: s.state.as_str(),
                state: tr.term("repatriation-state", s.state.as_str()),
                facts: step_facts(&tr, s, &org_name),
                note: s.note.clone(),
                blocked: guard.map(|g| guard_text(&tr, g)),
                remedy: guard.and_then(|g| remedy(&tr, g, &r.case_id)),
                is_next,
            }
        })
        .collect();
    let checkins = r
        .checkins
        .iter()
        .map(|c| CheckInView {
            number: c.number,
            due: tr.date(c.due_on),
            organisation: org_name(&c.org_code),
            found: c.recorded_at_ms.map(|_| {
                tr.t_with(
                    match c.contact_made {
                        Some(true) => "repatriation-checkin-reached",
                        _ => "repatriation-checkin-not-reached",
                    },
                    &[(
                        "day",
                        c.happened_on
                            .map_or_else(|| tr.t("form-not-known"), |d| tr.date(d))
                            .into(),
                    )],
                )
            }),
            situation: c
                .situation
                .iter()
                .map(|(k, v)| (tr.term("repatriation-situation", k), v.clone()))
                .collect(),
        })
        .collect();
    let travel_done = r.step(Step::Travel).state == StepState::Done;
    let cancelled = r.cancelled_at_ms.is_some();
    let mut facts = vec![
        (
            tr.t("repatriation-direction"),
            tr.term("repatriation-direction", r.direction.as_str()),
        ),
        (tr.t("repatriation-country"), tr.country(&r.country)),
        (tr.t("repatriation-partner"), org_name(&r.partner_org)),
        (tr.t("repatriation-organisation"), org_name(&r.org_code)),
        (tr.t("repatriation-opened-at"), tr.datetime(r.opened_at_ms)),
    ];
    if let Some(at) = r.approved_at_ms {
        facts.push((tr.t("repatriation-approved-at"), tr.datetime(at)));
    }
    let (error, typed_reason) = failed.unwrap_or_default();
    let view = ProcedurePage {
        id: r.id.clone(),
        case_id: r.case_id.clone(),
        reference,
        title: title(&tr, &overview, &org_name),
        standing: standing(&tr, &overview),
        cancelled,
        cancel_reason: r.cancel_reason.clone().unwrap_or_default(),
        facts,
        steps,
        checkins,
        may_keep: may_keep && !cancelled,
        may_withdraw: may_keep && !cancelled && !travel_done,
        approval_waits: to_approve.is_some() && !may_approve,
        to_approve: to_approve.filter(|_| may_approve),
        error: (!error.is_empty()).then_some(error),
        typed_reason,
        ctx: ctx.clone(),
    };
    render(viewer, status, &view, &ctx)
}

async fn procedure_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    render_procedure(&state, &viewer, &id, StatusCode::OK, None).await
}

/// A refusal of a form on the procedure's page, shown on it with what was typed.
async fn refused_on_procedure(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    ctx: &PageCtx,
    e: AppError,
    typed_reason: String,
) -> PageResult {
    let (status, message) = match e {
        AppError::Invalid(issues) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_errors(&ctx.tr, &issues)
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        AppError::Refused { message, .. } | AppError::Conflict(message) => {
            (StatusCode::CONFLICT, ctx.tr.message(&message))
        }
        e => return Err(e.page(ctx, "repatriation-title").into()),
    };
    render_procedure(state, viewer, id, status, Some((message, typed_reason))).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ApprovalForm {
    assessment_id: String,
}

async fn approval_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let form: ApprovalForm = read_form(&body, &ctx)?;
    let seen = Some(form.assessment_id.as_str()).filter(|s| !s.is_empty());
    match mnir_app::repatriation::approve_travel(&state.app, &who(&state, user), &id, seen).await {
        Ok(_) => Ok(Redirect::to(&format!("/repatriations/{id}#steps")).into_response()),
        Err(e) => refused_on_procedure(&state, &viewer, &id, &ctx, e, String::new()).await,
    }
}

async fn withdraw_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let form: ReasonForm = read_form(&body, &ctx)?;
    match mnir_app::repatriation::withdraw(&state.app, &who(&state, user), &id, &form.reason).await
    {
        Ok(_) => Ok(Redirect::to(&format!("/repatriations/{id}")).into_response()),
        Err(e) => refused_on_procedure(&state, &viewer, &id, &ctx, e, form.reason).await,
    }
}

// ---------------------------------------------------------------------------------------------
// A step's form

struct DocumentLine {
    index: usize,
    kinds: Vec<Opt>,
    number: String,
}

struct DetailField {
    name: &'static str,
    label: String,
    hint: String,
    value: String,
    error: Option<String>,
    /// The escort's choices; a text otherwise.
    choices: Option<Vec<Opt>>,
}

#[derive(Template)]
#[template(path = "repatriation_step.html")]
struct StepPage {
    ctx: PageCtx,
    id: String,
    reference: String,
    step: &'static str,
    number: usize,
    name: String,
    hint: String,
    /// The guard that refused the step, with what lifts it.
    refusal: Option<(String, Option<(String, String)>)>,
    errors: Vec<FieldError>,
    by_field: BTreeMap<String, String>,
    states: Vec<Opt>,
    date: String,
    today: String,
    orgs: Vec<Opt>,
    person: String,
    documents: Vec<DocumentLine>,
    note: String,
    details: Vec<DetailField>,
    /// The reintegration plan is built on the safety and support plan: the way to it.
    plan_link: Option<String>,
}

enum StepRefusal {
    Fields(Typed, Vec<FieldError>),
    Guard(Typed, Guard),
}

async fn render_step(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    step_code: &str,
    status: StatusCode,
    refused: Option<StepRefusal>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let Some(step) = Step::parse(step_code) else {
        return Err(AppError::NotFound.page(&ctx, "repatriation-title").into());
    };
    let page = mnir_app::repatriation::page(&state.app, &who(state, user), id)
        .await
        .map_err(|e| e.page(&ctx, "repatriation-title"))?;
    if !page.may_keep || page.overview.record.cancelled_at_ms.is_some() {
        return Err(AppError::Forbidden(mnir_app::Message::new(
            "repatriation-guard-procedure_cancelled",
        ))
        .page(&ctx, "repatriation-title")
        .into());
    }
    let record = page.overview.record.step(step).clone();
    let (typed, errors, guard) = match refused {
        Some(StepRefusal::Fields(t, e)) => (Some(t), e, None),
        Some(StepRefusal::Guard(t, g)) => (Some(t), Vec::new(), Some(g)),
        None => (None, Vec::new(), None),
    };
    // As typed after a refusal, otherwise as recorded.
    let value = |name: &str, recorded: String| match &typed {
        Some(t) => t.get(name).cloned().unwrap_or_default(),
        None => recorded,
    };
    let state_now = value("state", record.state.as_str().to_string());
    let documents = (0..DOCUMENT_LINES)
        .map(|i| {
            let recorded = record.documents.get(i);
            let kind = value(
                &format!("documents.{i}.kind"),
                recorded.map_or(String::new(), |d| d.kind.as_str().to_string()),
            );
            let mut kinds = vec![Opt {
                value: String::new(),
                label: "—".into(),
                selected: kind.is_empty(),
            }];
            kinds.extend(options(
                DocumentKind::ALL
                    .iter()
                    .map(|k| (k.as_str(), tr.term("repatriation-document", k.as_str()))),
                &[kind.as_str()],
            ));
            DocumentLine {
                index: i,
                kinds,
                number: value(
                    &format!("documents.{i}.number"),
                    recorded.map_or(String::new(), |d| d.number.clone()),
                ),
            }
        })
        .collect();
    let by_field = errors_by_field(&errors);
    let details = detail_fields(step)
        .iter()
        .map(|name| {
            let current = value(
                &format!("details.{name}"),
                record.details.get(*name).cloned().unwrap_or_default(),
            );
            DetailField {
                name,
                label: tr.term("repatriation-detail", name),
                error: by_field.get(&format!("details.{name}")).cloned(),
                hint: tr.term("repatriation-detail-hint", name),
                choices: (*name == "escort").then(|| {
                    let mut c = vec![Opt {
                        value: String::new(),
                        label: "—".into(),
                        selected: current.is_empty(),
                    }];
                    c.extend(options(
                        Escort::ALL
                            .iter()
                            .map(|e| (e.as_str(), tr.term("repatriation-escort", e.as_str()))),
                        &[current.as_str()],
                    ));
                    c
                }),
                value: current,
            }
        })
        .collect();
    let view = StepPage {
        id: id.to_string(),
        reference: page.reference.clone(),
        step: step.as_str(),
        number: step.number(),
        name: tr.term("repatriation-step", step.as_str()),
        hint: tr.term("repatriation-step-hint", step.as_str()),
        refusal: guard.map(|g| {
            (
                guard_text(&tr, g),
                remedy(&tr, g, &page.overview.record.case_id),
            )
        }),
        by_field,
        errors,
        states: options(
            StepState::ALL
                .iter()
                .map(|s| (s.as_str(), tr.term("repatriation-state", s.as_str()))),
            &[state_now.as_str()],
        ),
        date: value(
            "date",
            record
                .happened_on
                .map_or(String::new(), |d| d.format("%Y-%m-%d").to_string()),
        ),
        today: state.app.today().format("%Y-%m-%d").to_string(),
        orgs: org_options(
            &page.organisations,
            &value(
                "responsible_org",
                record
                    .responsible_org
                    .clone()
                    .unwrap_or_else(|| user.org.code.clone()),
            ),
        ),
        person: value("responsible_person", record.responsible_person.clone()),
        documents,
        note: value("note", record.note.clone()),
        details,
        plan_link: (step == Step::ReintegrationPlan)
            .then(|| format!("/cases/{}/plan", page.overview.record.case_id)),
        ctx: ctx.clone(),
    };
    render(viewer, status, &view, &ctx)
}

async fn step_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, step)): PagePath<(String, String)>,
) -> PageResult {
    render_step(&state, &viewer, &id, &step, StatusCode::OK, None).await
}

/// The posted step form as the use case's input (`documents.<n>.kind` and `.number`, and
/// `details.<name>`), with the form's line of each document sent: a line left empty is no
/// document, so the use case's `documents.<k>` is the form's line `lines[k]`.
fn step_input(typed: &Typed) -> (StepInput, Vec<usize>) {
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let (lines, documents): (Vec<usize>, Vec<DocumentInput>) = (0..MAX_DOCUMENTS)
        .filter_map(|i| {
            let kind = get(&format!("documents.{i}.kind"));
            let number = get(&format!("documents.{i}.number"));
            (!kind.is_empty() || !number.trim().is_empty())
                .then_some((i, DocumentInput { kind, number }))
        })
        .unzip();
    let input = StepInput {
        state: get("state"),
        date: Some(get("date")),
        documents,
        note: get("note"),
        responsible_org: Some(get("responsible_org")),
        responsible_person: get("responsible_person"),
        details: typed
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("details.")?.to_string(), v.clone())))
            .collect(),
    };
    (input, lines)
}

/// A field the use case named by a document's place in its list, named by the form's line.
fn form_field(field: &str, lines: &[usize]) -> String {
    let Some(rest) = field.strip_prefix("documents.") else {
        return field.to_string();
    };
    match rest.split_once('.') {
        Some((k, part)) => match k.parse::<usize>().ok().and_then(|k| lines.get(k)) {
            Some(line) => format!("documents.{line}.{part}"),
            None => field.to_string(),
        },
        None => field.to_string(),
    }
}

async fn step_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, step)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let mut typed: Typed = read_form(&body, &ctx)?;
    typed.remove("csrf");
    let (input, lines) = step_input(&typed);
    let who = who(&state, user);
    match mnir_app::repatriation::record_step(&state.app, &who, &id, &step, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/repatriations/{id}#step-{step}")).into_response()),
        Err(AppError::Invalid(issues)) => {
            let mut errors = field_errors(&ctx.tr, &issues);
            for e in &mut errors {
                e.field = form_field(&e.field, &lines);
            }
            let refused = StepRefusal::Fields(typed, errors);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_step(&state, &viewer, &id, &step, status, Some(refused)).await
        }
        Err(AppError::Refused { code, .. }) if Guard::parse(code).is_some() => {
            let guard = Guard::parse(code).expect("matched above");
            let refused = StepRefusal::Guard(typed, guard);
            render_step(
                &state,
                &viewer,
                &id,
                &step,
                StatusCode::CONFLICT,
                Some(refused),
            )
            .await
        }
        Err(e) => Err(e.page(&ctx, "repatriation-title").into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A check-in's form

struct SituationField {
    name: &'static str,
    label: String,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "repatriation_checkin.html")]
struct CheckInPage {
    ctx: PageCtx,
    id: String,
    reference: String,
    number: i64,
    due: String,
    errors: Vec<FieldError>,
    by_field: BTreeMap<String, String>,
    date: String,
    today: String,
    reached: Option<bool>,
    situation: Vec<SituationField>,
    new_assessment: bool,
}

async fn render_checkin(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    number: &str,
    status: StatusCode,
    refused: Option<(Typed, Vec<FieldError>)>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let page = mnir_app::repatriation::page(&state.app, &who(state, user), id)
        .await
        .map_err(|e| e.page(&ctx, "repatriation-title"))?;
    let Some(due) = number
        .parse::<i64>()
        .ok()
        .and_then(|n| page.overview.record.checkins.iter().find(|c| c.number == n))
    else {
        return Err(AppError::NotFound.page(&ctx, "repatriation-title").into());
    };
    if !page.may_keep || due.is_recorded() {
        return Err(
            AppError::Conflict(mnir_app::Message::new("repatriation-checkin-recorded"))
                .page(&ctx, "repatriation-title")
                .into(),
        );
    }
    let (typed, errors) = refused.unwrap_or_default();
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let by_field = errors_by_field(&errors);
    let situation_fields = SITUATION_FIELDS
        .iter()
        .map(|name| SituationField {
            name,
            label: tr.term("repatriation-situation", name),
            value: get(&format!("situation.{name}")),
            error: by_field.get(&format!("situation.{name}")).cloned(),
        })
        .collect();
    let view = CheckInPage {
        id: id.to_string(),
        reference: page.reference.clone(),
        number: due.number,
        due: tr.date(due.due_on),
        by_field,
        errors,
        date: get("date"),
        today: state.app.today().format("%Y-%m-%d").to_string(),
        reached: match get("contact_made").as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        situation: situation_fields,
        new_assessment: get("new_assessment") == "yes",
        ctx: ctx.clone(),
    };
    render(viewer, status, &view, &ctx)
}

async fn checkin_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, number)): PagePath<(String, String)>,
) -> PageResult {
    render_checkin(&state, &viewer, &id, &number, StatusCode::OK, None).await
}

async fn checkin_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, number)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let mut typed: Typed = read_form(&body, &ctx)?;
    typed.remove("csrf");
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let input = CheckInInput {
        date: Some(get("date")),
        contact_made: match get("contact_made").as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        situation: typed
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("situation.")?.to_string(), v.clone())))
            .collect(),
        new_assessment: get("new_assessment") == "yes",
    };
    let who = who(&state, user);
    match mnir_app::repatriation::record_checkin(&state.app, &who, &id, &number, &input).await {
        // A new assessment asked for: the risk page's return form is the next thing to do.
        Ok(o) if input.new_assessment => {
            Ok(Redirect::to(&format!("/cases/{}/risk#return", o.record.case_id)).into_response())
        }
        Ok(_) => Ok(Redirect::to(&format!("/repatriations/{id}#checkins")).into_response()),
        Err(AppError::Invalid(issues)) => {
            let errors = field_errors(&ctx.tr, &issues);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_checkin(&state, &viewer, &id, &number, status, Some((typed, errors))).await
        }
        Err(e) => Err(e.page(&ctx, "repatriation-title").into()),
    }
}
