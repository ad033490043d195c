//! The case pages (dashboard, list, notification, the case page composed from the features'
//! panels, steps) and the reference pages. Every form posts back and re-renders on the server;
//! scripts only enhance.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::error::{FieldError, PageError, denial_message};
use crate::kit::form::{
    Opt, PageResult, Posted, options, posted, read_form, render, signed_in, who,
};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::{Shown, field_errors};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_app::notify::{NotificationInput, UNKNOWN_CITIZENSHIP};
use mnir_domain::{CaseState, Exploitation, Sex, reference};
use mnir_store::{CaseFilter, ListPlace, PageFrom, User};
use serde::Deserialize;

pub const PER_PAGE: u32 = 25;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/", home)
        .get("/dashboard", dashboard)
        .get("/cases", case_list)
        .post("/cases", notify_submit)
        .get("/cases/new", notify_page)
        .get("/cases/{id}", case_page)
        .post("/cases/{id}/transitions", transition_submit)
        .get("/reference/signals", reference_signals)
        .get("/reference/routing", reference_routing)
        .get("/static/{file}", static_file)
}

pub async fn not_found(viewer: Viewer, State(state): State<AppState>) -> Response {
    let ctx = PageCtx::new(&state.keys, &viewer, "");
    PageError::not_found(&ctx).into_response()
}

async fn home(viewer: Viewer) -> Redirect {
    Redirect::to(if viewer.user.is_some() {
        "/dashboard"
    } else {
        "/login"
    })
}

struct StateCount {
    state: &'static str,
    label: String,
    count: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    greeting: String,
    role_notes: Vec<String>,
    show_counts: bool,
    national: bool,
    total_text: String,
    counts: Vec<StateCount>,
    decisions_text: Option<String>,
    /// For national coordination: referrals past their answer deadline, anywhere.
    overdue_referrals: Option<Vec<OverdueRow>>,
    /// Said when more referrals are overdue than the table shows.
    overdue_capped: Option<String>,
    /// For national coordination: assisted voluntary returns by direction.
    returns: Option<Vec<ReturnRow>>,
    /// Whether the viewer's roles may break the glass or review it (the link to its page).
    may_break_glass: bool,
}

struct ReturnRow {
    direction: String,
    under_way: String,
    complete: String,
    cancelled: String,
    median: String,
    p90: String,
}

struct OverdueRow {
    reference: String,
    route: String,
    service: String,
    due: String,
    late: String,
}

async fn dashboard(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "dashboard");
    let tr = ctx.tr;
    let board = mnir_app::cases::dashboard(&state.app, &who(&state, user))
        .await
        .map_err(|e| e.page(&ctx, "dashboard-title"))?;
    let show_counts = board.counts.is_some();
    let mut counts = Vec::new();
    let mut total = 0i64;
    for (s, n) in board.counts.unwrap_or_default() {
        total += n;
        counts.push(StateCount {
            state: s.as_str(),
            label: tr.term("state", s.as_str()),
            count: tr.number(n),
        });
    }
    let decisions_text = board.decisions.map(|stats| {
        tr.t_with(
            "dashboard-decisions",
            &[
                ("count", stats.decisions.into()),
                ("differing", stats.differing_from_advice.into()),
            ],
        )
    });
    // The escalation of unanswered referrals reaches ANITP here: references and organisations,
    // nothing about the person.
    let now = state.now();
    let overdue_capped = board
        .overdue_referrals
        .as_ref()
        .filter(|(rows, total)| *total > rows.len() as i64)
        .map(|(rows, total)| {
            tr.t_with(
                "dashboard-overdue-capped",
                &[
                    ("shown", (rows.len() as i64).into()),
                    ("count", (*total).into()),
                ],
            )
        });
    let overdue_referrals = board.overdue_referrals.map(|(rows, _)| {
        rows.into_iter()
            .map(|(r, due)| OverdueRow {
                reference: r.case_reference,
                route: format!("{} → {}", r.from_org, r.to_org),
                service: tr.term("service", &r.service),
                due: tr.datetime(due),
                late: crate::clocks::time_left(&tr, due, now),
            })
            .collect()
    });
    let mut role_notes = Vec::new();
    for role in user.roles.iter() {
        let key = format!("dashboard-note-{}", role.as_str());
        role_notes.push(tr.t(&key));
    }
    let page = DashboardPage {
        greeting: tr.t_with(
            "dashboard-greeting",
            &[
                ("login", user.login.clone().into()),
                ("org", user.org.name.clone().into()),
            ],
        ),
        role_notes,
        show_counts,
        national: board.national,
        total_text: tr.t_with("cases-count", &[("count", total.into())]),
        counts,
        decisions_text,
        overdue_referrals,
        overdue_capped,
        returns: board.returns.map(|rows| {
            let days = |d: Option<i64>| d.map_or_else(|| "—".to_string(), |d| tr.number(d));
            rows.into_iter()
                .map(|r| ReturnRow {
                    direction: tr.term("repatriation-direction", r.direction.as_str()),
                    under_way: tr.number(r.under_way),
                    complete: tr.number(r.complete),
                    cancelled: tr.number(r.cancelled),
                    median: days(r.median_days),
                    p90: days(r.p90_days),
                })
                .collect()
        }),
        may_break_glass: mnir_app::break_glass::permissions(&state.app, &who(&state, user)).any(),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

pub(crate) fn county_options(chosen: &str) -> Vec<Opt> {
    options(
        reference::counties()
            .iter()
            .map(|c| (c.code.as_str(), c.name.clone())),
        &[chosen],
    )
}

struct CaseRow {
    id: String,
    reference: String,
    name: String,
    state: &'static str,
    state_label: String,
    sex: String,
    age: String,
    county: String,
    notified: String,
}

#[derive(Template)]
#[template(path = "case_list.html")]
struct CaseListPage {
    ctx: PageCtx,
    national: bool,
    show_names: bool,
    state_options: Vec<Opt>,
    county_options: Vec<Opt>,
    reference: String,
    total_text: String,
    rows: Vec<CaseRow>,
    page_text: String,
    newest_url: Option<String>,
    prev_url: Option<String>,
    next_url: Option<String>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    state: Option<String>,
    county: Option<String>,
    reference: Option<String>,
    /// Where the page begins: after this case going back in time, or before it going forward.
    older: Option<String>,
    newer: Option<String>,
}

/// Whether the role needs names in lists (mnir.md §13: names hidden in lists unless needed).
fn age_text(tr: &Tr, group: mnir_domain::AgeGroup, years: Option<u32>) -> String {
    match years {
        Some(y) => format!("{} ({})", tr.term("age", group.as_str()), y),
        None => tr.term("age", group.as_str()),
    }
}

pub(crate) fn county_name(code: &str) -> String {
    reference::county(code).map_or_else(|| code.to_string(), |c| c.name.clone())
}

async fn case_list(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let tr = ctx.tr;
    let who = who(&state, user);
    mnir_app::cases::may_list(&who).map_err(|e| e.page(&ctx, "cases-title"))?;
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let state_filter = match blank(&q.state) {
        Some(s) => Some(
            s.parse::<CaseState>()
                .map_err(|_| PageError::bad_request(&ctx, tr.t("cases-bad-filter")))?,
        ),
        None => None,
    };
    let county = blank(&q.county);
    if county
        .as_deref()
        .is_some_and(|c| reference::county(c).is_none())
    {
        return Err(PageError::bad_request(&ctx, tr.t("cases-bad-filter")).into());
    }
    let from = match (blank(&q.older), blank(&q.newer)) {
        (None, None) => PageFrom::Newest,
        (Some(c), None) => PageFrom::OlderThan(
            c.parse()
                .map_err(|_| PageError::bad_request(&ctx, tr.t("cases-bad-filter")))?,
        ),
        (None, Some(c)) => PageFrom::NewerThan(
            c.parse()
                .map_err(|_| PageError::bad_request(&ctx, tr.t("cases-bad-filter")))?,
        ),
        (Some(_), Some(_)) => {
            return Err(PageError::bad_request(&ctx, tr.t("cases-bad-filter")).into());
        }
    };
    let reference_text = blank(&q.reference).map(|r| r.to_ascii_uppercase());
    let filter = CaseFilter {
        state: state_filter,
        county: county.clone(),
        reference: reference_text.clone(),
        from,
        per_page: PER_PAGE,
    };
    let show_names = mnir_app::cases::lists_show_names(user);
    let result = mnir_app::cases::list(&state.app, &who, &filter)
        .await
        .map_err(|e| e.page(&ctx, "cases-title"))?;
    let rows = result
        .cases
        .iter()
        .map(|c| CaseRow {
            id: c.id.clone(),
            reference: c.reference.clone(),
            name: format!(
                "{} {}",
                c.given_name.clone().unwrap_or_default(),
                c.family_name.clone().unwrap_or_default()
            )
            .trim()
            .to_string(),
            state: c.state.as_str(),
            state_label: tr.term("state", c.state.as_str()),
            sex: tr.term("sex", c.sex.as_str()),
            age: age_text(&tr, c.age_group, c.age_years),
            county: county_name(&c.found_in_county),
            notified: tr.date_of(c.notified_at_ms),
        })
        .collect();
    // The list's address with its filters, from a place in it or from the newest cases.
    let link = |place: Option<(&str, &ListPlace)>| {
        let mut params: Vec<(&str, String)> = place
            .map(|(name, p)| (name, p.to_string()))
            .into_iter()
            .collect();
        if let Some(s) = state_filter {
            params.push(("state", s.as_str().to_string()));
        }
        if let Some(c) = &county {
            params.push(("county", c.clone()));
        }
        if let Some(r) = &reference_text {
            params.push(("reference", r.clone()));
        }
        format!(
            "/cases?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    };
    // Offered on every page but the first, an empty one included (every older case of a filter
    // may have changed state meanwhile), so no page is a dead end.
    let on_first_page = matches!(filter.from, PageFrom::Newest);
    let newest_url = (!on_first_page).then(|| link(None));
    // The dates the page spans orient the reader where page numbers cannot: a page is found
    // by its place in the list, not by counting the pages before it.
    let page_text = match (result.cases.last(), result.cases.first()) {
        (Some(oldest), Some(newest)) => tr.t_with(
            "cases-page",
            &[
                ("oldest", tr.date_of(oldest.notified_at_ms).into()),
                ("newest", tr.date_of(newest.notified_at_ms).into()),
            ],
        ),
        _ => String::new(),
    };
    let page_view = CaseListPage {
        national: who.scope().scope.national,
        show_names,
        state_options: options(
            CaseState::ALL
                .iter()
                .map(|s| (s.as_str(), tr.term("state", s.as_str()))),
            &[state_filter.map_or("", |s| s.as_str())],
        ),
        county_options: county_options(county.as_deref().unwrap_or("")),
        reference: reference_text.clone().unwrap_or_default(),
        total_text: tr.t_with("cases-count", &[("count", result.total.into())]),
        rows,
        page_text,
        newest_url,
        prev_url: result.newer.as_ref().map(|c| link(Some(("newer", c)))),
        next_url: result.older.as_ref().map(|c| link(Some(("older", c)))),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page_view, &ctx)
}

struct ErrorLink {
    anchor: String,
    message: String,
}

#[derive(Template)]
#[template(path = "notify.html")]
struct NotifyPage {
    ctx: PageCtx,
    input: NotificationInput,
    birth_date: String,
    errors: Vec<ErrorLink>,
    field_errors: Vec<FieldError>,
    sex_options: Vec<Opt>,
    citizenship_options: Vec<Opt>,
    county_options: Vec<Opt>,
    exploitation_options: Vec<Opt>,
    signal_options: Vec<Opt>,
    /// The screening's advice on the ticked signals, once checked or submitted.
    suggestion: Option<(bool, String)>,
}

impl NotifyPage {
    fn error_for(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .field_errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }

    fn new(ctx: PageCtx, input: NotificationInput, field_errors: Vec<FieldError>) -> NotifyPage {
        let tr = ctx.tr;
        let mut countries: Vec<(&str, String)> = reference::countries()
            .iter()
            .map(|c| (c.code.as_str(), tr.country(&c.code)))
            .collect();
        countries.sort_by(|a, b| a.1.cmp(&b.1));
        countries.insert(0, ("RO", tr.country("RO")));
        countries.insert(1, (UNKNOWN_CITIZENSHIP, tr.t("citizenship-unknown")));
        let citizenship = if input.citizenship.is_empty() {
            "RO".to_string()
        } else {
            input.citizenship.clone()
        };
        let signal_codes: Vec<&str> = input.signals.iter().map(String::as_str).collect();
        let errors = field_errors
            .iter()
            .map(|e| ErrorLink {
                anchor: e.field.clone(),
                message: e.message.clone(),
            })
            .collect();
        let suggestion = (!input.signals.is_empty() || !field_errors.is_empty())
            .then(|| screening_advice(&tr, &input.signals));
        NotifyPage {
            suggestion,
            birth_date: input.birth_date.clone().unwrap_or_default(),
            errors,
            sex_options: options(
                Sex::ALL
                    .iter()
                    .map(|s| (s.as_str(), tr.term("sex", s.as_str()))),
                &[if input.sex.is_empty() {
                    "unknown"
                } else {
                    input.sex.as_str()
                }],
            ),
            citizenship_options: options(countries.into_iter(), &[citizenship.as_str()]),
            county_options: county_options(&input.found_in_county),
            exploitation_options: options(
                Exploitation::ALL
                    .iter()
                    .map(|e| (e.as_str(), tr.term("exploitation", e.as_str()))),
                &[input.exploitation.as_deref().unwrap_or("")],
            ),
            signal_options: options(
                reference::signals().iter().map(|s| {
                    let label = match tr.lang {
                        Lang::Ro => &s.label_ro,
                        Lang::En => &s.label_en,
                    };
                    (
                        s.code.as_str(),
                        if s.key {
                            format!("{label} ({})", tr.t("signal-key-short"))
                        } else {
                            label.clone()
                        },
                    )
                }),
                &signal_codes,
            ),
            field_errors,
            input,
            ctx,
        }
    }
}

/// Whether the ticked signals suggest notifying, and why, in the user's language.
fn screening_advice(tr: &Tr, signals: &[String]) -> (bool, String) {
    use mnir_domain::screening::{Suggestion, suggest};
    let suggestion = suggest(signals);
    let text = match &suggestion {
        Suggestion::KeySignal(code) => {
            let label = reference::signal(code).map_or(code.clone(), |s| match tr.lang {
                Lang::Ro => s.label_ro.clone(),
                Lang::En => s.label_en.clone(),
            });
            tr.t_with("screening-suggested-key", &[("signal", label.into())])
        }
        Suggestion::SeveralSignals(n) => tr.t_with(
            "screening-suggested-several",
            &[("count", (*n as i64).into())],
        ),
        Suggestion::NotSuggested(n) => {
            tr.t_with("screening-not-suggested", &[("count", (*n as i64).into())])
        }
    };
    (suggestion.suggests_notification(), text)
}

async fn notify_page(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "notify");
    mnir_app::notify::may_notify(&who(&state, user)).map_err(|e| e.page(&ctx, "notify-title"))?;
    let page = NotifyPage::new(ctx.clone(), NotificationInput::default(), Vec::new());
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn notify_submit(viewer: Viewer, State(state): State<AppState>, body: Bytes) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "notify");
    let who = who(&state, user);
    mnir_app::notify::may_notify(&who).map_err(|e| e.page(&ctx, "notify-title"))?;
    let input: NotificationInput = read_form(&body, &ctx)?;
    let NotifyAction { action } = read_form(&body, &ctx)?;
    if action.as_deref() == Some("check") {
        // Checking the signals stores nothing; it shows the advice and keeps the form.
        let page = NotifyPage::new(ctx.clone(), input, Vec::new());
        return render(&viewer, StatusCode::OK, &page, &ctx);
    }
    match mnir_app::notify::notify(&state.app, &who, &input).await {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response()),
        Err(AppError::Invalid(issues)) => {
            let page = NotifyPage::new(ctx.clone(), input, field_errors(&ctx.tr, &issues));
            render(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
        }
        Err(e) => Err(e.page(&ctx, "notify-title").into()),
    }
}

/// What the notification form adds to the notification: whether the user only checks the
/// signals.
#[derive(Deserialize, Default)]
#[serde(default)]
struct NotifyAction {
    action: Option<String>,
}

/// The sign-in form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct StepForm {
    to: String,
    from: Option<String>,
    reason: String,
    why_different: String,
}

/// The password change form.
struct Step {
    value: &'static str,
    label: String,
    reason_label: String,
    selected: bool,
}

struct HistoryRow {
    at: String,
    step: String,
    org: String,
    reason: String,
    /// For an identification decision otherwise than advised: the officer's reasons for that.
    why_different: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    ctx: PageCtx,
    id: String,
    reference: String,
    state: &'static str,
    state_label: String,
    error: Option<String>,
    identity_shown: bool,
    given_name: String,
    family_name: String,
    birth_date: String,
    facts: Vec<(String, String)>,
    signals: Vec<(String, String)>,
    notes: Option<String>,
    allowed: Vec<Step>,
    case_id: String,
    referrals: Vec<Vec<String>>,
    referral_form: bool,
    referral_orgs: Vec<Opt>,
    services: Vec<Opt>,
    clocks: Vec<crate::clocks::ClockView>,
    manage_clocks: bool,
    no_removal: Option<String>,
    reflection: Option<crate::reflection::ReflectionView>,
    urgent_banner: Option<String>,
    risk: Option<crate::risk::RiskPanelView>,
    returns: Option<crate::repatriation::ReturnPanelView>,
    /// Links to the criminal-justice track and to the case's disclosure register.
    justice_link: bool,
    victim_link: bool,
    /// Link to the case's legal holds and erasure requests.
    retention_link: bool,
    /// When and why the case's identifying data were erased.
    erased_on: Option<String>,
    disclosures_link: bool,
    interview_link: bool,
    decision: Option<crate::identification::DecisionForm>,
    typed_reason: String,
    refused: Vec<(String, String)>,
    access: Vec<(String, String, String)>,
    history: Vec<HistoryRow>,
}

/// Renders a case for the viewer, with `error` and the reason they typed when a step failed.
async fn render_case(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    id: &str,
    status: StatusCode,
    failed: Option<(CaseState, String, String)>,
    service: Option<&str>,
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let open = mnir_app::cases::open(&state.app, &who(state, user), id)
        .await
        .map_err(|e| e.page(&ctx, "cases-title"))?;
    let detail = &open.detail;
    let s = &detail.summary;
    let reveal = open.may.reveal;
    let org_name = |code: &str| open.org_name(code);
    let mut allowed = Vec::new();
    let mut refused = Vec::new();
    for step in &open.steps {
        let to = step.to;
        let label = tr.t_with(
            "case-move-to",
            &[("state", tr.term("state", to.as_str()).into())],
        );
        match &step.allowed {
            // Identification decisions go through the decision form, which records the advice.
            Ok(()) if step.is_decision() => {}
            Ok(()) => allowed.push(Step {
                value: to.as_str(),
                label,
                reason_label: tr.t_with(
                    "case-reason-for",
                    &[("state", tr.term("state", to.as_str()).into())],
                ),
                selected: failed.as_ref().is_some_and(|(t, _, _)| *t == to),
            }),
            Err(denial) => {
                refused.push((tr.term("state", to.as_str()), denial_message(&tr, denial)))
            }
        }
    }
    let mut fact_rows = vec![
        (tr.t("case-sex"), tr.term("sex", s.sex.as_str())),
        (
            tr.t("case-age-group"),
            age_text(&tr, s.age_group, s.age_years),
        ),
        (
            tr.t("case-citizenship"),
            if s.citizenship == UNKNOWN_CITIZENSHIP {
                tr.t("citizenship-unknown")
            } else {
                tr.country(&s.citizenship)
            },
        ),
        (tr.t("case-county"), county_name(&s.found_in_county)),
        (
            tr.t("case-exploitation"),
            s.exploitation.map_or_else(
                || tr.t("form-not-known"),
                |e| tr.term("exploitation", e.as_str()),
            ),
        ),
        (tr.t("case-notified-at"), tr.datetime(s.notified_at_ms)),
        (tr.t("case-notifying-org"), org_name(&detail.notifying_org)),
    ];
    if s.updated_at_ms != s.notified_at_ms {
        fact_rows.push((tr.t("case-updated-at"), tr.datetime(s.updated_at_ms)));
    }
    let (error, typed_reason) = match failed {
        Some((_, message, reason)) => (Some(message), reason),
        None => (None, String::new()),
    };
    let decision = crate::identification::decision_form(
        &tr,
        &open.decisions(),
        open.latest_interview.as_ref(),
        open.facts.state,
    );
    let no_removal = crate::reflection::flag_text(&tr, &open.clocks);
    let reflection = crate::reflection::view(&tr, &open);
    let urgent_banner = open
        .risk
        .as_ref()
        .and_then(|r| crate::risk::urgent_text(&tr, &r.urgent_open));
    let risk = crate::risk::panel(&tr, &open);
    let returns = crate::repatriation::panel(
        &tr,
        mnir_app::repatriation::case_panel(&state.app, &who(state, user), id, &open.facts)
            .await
            .map_err(|e| e.page(&ctx, "cases-title"))?,
        &org_name,
    );
    let page = CasePage {
        returns,
        no_removal,
        reflection,
        urgent_banner,
        risk,
        justice_link: open.may.view_justice,
        victim_link: open.may.view_victim_profile,
        retention_link: open.may.view_legal_holds,
        erased_on: detail.erased_at_ms.map(|at| tr.datetime(at)),
        disclosures_link: open.may.view_disclosures,
        case_id: s.id.clone(),
        referrals: open
            .referrals
            .iter()
            .map(|r| crate::referral::history(&tr, r, &org_name, reveal.notes))
            .collect(),
        referral_form: open.may.record_consent,
        referral_orgs: options(
            open.organisations
                .iter()
                .filter(|o| o.active && o.code != user.org.code)
                .map(|o| (o.code.as_str(), format!("{} — {}", o.code, o.name))),
            &[],
        ),
        services: options(
            mnir_domain::directory::SERVICES
                .iter()
                .map(|sv| (*sv, tr.term("service", sv))),
            &service.into_iter().collect::<Vec<_>>(),
        ),
        clocks: crate::clocks::clock_views(&tr, &open.clocks, state.now()),
        manage_clocks: open.may.manage_clocks,
        interview_link: open.may.run_interview,
        decision,
        id: s.id.clone(),
        reference: s.reference.clone(),
        state: s.state.as_str(),
        state_label: tr.term("state", s.state.as_str()),
        error,
        identity_shown: reveal.identity,
        given_name: s.given_name.clone().unwrap_or_default(),
        family_name: s.family_name.clone().unwrap_or_default(),
        birth_date: detail
            .birth_date
            .map_or_else(|| tr.t("form-not-known"), |d| tr.date(d)),
        facts: fact_rows,
        signals: detail
            .signals
            .iter()
            .map(|code| {
                let label = reference::signal(code).map_or_else(String::new, |sig| match tr.lang {
                    Lang::Ro => sig.label_ro.clone(),
                    Lang::En => sig.label_en.clone(),
                });
                (code.clone(), label)
            })
            .collect(),
        notes: detail.notes.clone(),
        allowed,
        typed_reason,
        refused,
        access: detail
            .access
            .iter()
            .map(|a| {
                (
                    a.org_code.clone(),
                    org_name(&a.org_code),
                    tr.term("basis", a.basis.as_str()),
                )
            })
            .collect(),
        history: detail
            .history
            .iter()
            .map(|h| HistoryRow {
                at: tr.datetime(h.at_ms),
                step: match h.from {
                    Some(from) => format!(
                        "{} → {}",
                        tr.term("state", from.as_str()),
                        tr.term("state", h.to.as_str())
                    ),
                    None => tr.term("state", h.to.as_str()),
                },
                org: org_name(&h.actor_org),
                reason: h.reason.clone(),
                why_different: open
                    .decisions
                    .iter()
                    .find(|d| d.decided_at_ms == h.at_ms && d.decision == h.to)
                    .and_then(|d| d.why_different.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

/// The case page's query: the service its referral form starts with (the plan's "refer for this
/// service" link).
#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct CaseQuery {
    service: Option<String>,
}

async fn case_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<CaseQuery>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    render_case(
        &state,
        &viewer,
        user,
        &id,
        StatusCode::OK,
        None,
        query.service.as_deref(),
    )
    .await
}

async fn transition_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted {
        user,
        ctx,
        form: step,
    } = posted::<StepForm>(&viewer, &state, &body, "cases")?;
    let tr = ctx.tr;
    let reason = step.reason.trim().to_string();
    let seen_from = step
        .from
        .as_deref()
        .and_then(|f| f.parse::<CaseState>().ok());
    let Ok(to) = step.to.parse::<CaseState>() else {
        // The case is shown again with the step the user saw it in.
        let shown = seen_from.unwrap_or(CaseState::Notified);
        return render_case(
            &state,
            &viewer,
            user,
            &id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((shown, tr.t("transition-unknown-state"), reason)),
            None,
        )
        .await;
    };
    let step = mnir_app::cases::Move {
        to,
        seen_from,
        reason: reason.clone(),
        why_different: step.why_different,
    };
    let (status, message) =
        match mnir_app::cases::transition(&state.app, &who(&state, user), &id, &step).await {
            Ok(()) => return Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
            Err(AppError::NotFound | AppError::Denied(mnir_domain::Denial::NotVisible)) => {
                return Err(PageError::not_found(&ctx).into());
            }
            Err(AppError::Denied(d)) => (StatusCode::FORBIDDEN, denial_message(&tr, &d)),
            Err(AppError::Invalid(issues)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                field_errors(&tr, &issues)
                    .into_iter()
                    .map(|f| f.message)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Err(AppError::Conflict(m)) => (StatusCode::CONFLICT, tr.message(&m)),
            Err(e) => return Err(e.page(&ctx, "cases-title").into()),
        };
    render_case(
        &state,
        &viewer,
        user,
        &id,
        status,
        Some((to, message, reason)),
        None,
    )
    .await
}

#[derive(Template)]
#[template(path = "reference_signals.html")]
struct SignalsPage {
    ctx: PageCtx,
    rows: Vec<(String, String, String, String)>,
}

async fn reference_signals(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "reference");
    let tr = ctx.tr;
    let rows = reference::signals()
        .iter()
        .map(|s| {
            (
                s.code.clone(),
                match tr.lang {
                    Lang::Ro => s.label_ro.clone(),
                    Lang::En => s.label_en.clone(),
                },
                if s.key { tr.t("yes") } else { tr.t("no") },
                tr.term("applies", &s.applies_to),
            )
        })
        .collect();
    render(
        &viewer,
        StatusCode::OK,
        &SignalsPage {
            ctx: ctx.clone(),
            rows,
        },
        &ctx,
    )
}

#[derive(Template)]
#[template(path = "reference_routing.html")]
struct RoutingPage {
    ctx: PageCtx,
    rows: Vec<(String, String, String, String)>,
}

async fn reference_routing(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "reference");
    let rows = reference::counties()
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.code.clone(),
                c.centre_city.clone(),
                reference::child_protection_for(&c.code).unwrap_or_default(),
            )
        })
        .collect();
    render(
        &viewer,
        StatusCode::OK,
        &RoutingPage {
            ctx: ctx.clone(),
            rows,
        },
        &ctx,
    )
}

const APP_CSS: &str = include_str!("../../static/app.css");
const APP_JS: &str = include_str!("../../static/app.js");

async fn static_file(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(file): PagePath<String>,
) -> Response {
    let (body, content_type) = match file.as_str() {
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        _ => return not_found(viewer, State(state)).await,
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
