//! The HTML pages. Every form posts back and re-renders on the server; scripts only enhance.

use crate::AppState;
use crate::auth::{self, LoginOutcome, Viewer, lang_cookie, secret_cookie, session_cookie_name};
use crate::error::{FieldError, PageError, denial_message};
use crate::i18n::{Lang, Tr};
use crate::notify::{self, NotificationInput, UNKNOWN_CITIZENSHIP};
use crate::views::{PageCtx, encode_component};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mnir_domain::{
    Action, CaseState, Exploitation, Role, Sex, can, case_scope, next_states, reference,
};
use mnir_store::{
    AuditActor, AuditVerdict, CaseFilter, Reveal, ScopeFor, StoreError, Transition, User,
};
use serde::Deserialize;
use std::net::SocketAddr;

pub const PER_PAGE: u32 = 25;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/lang/{lang}", get(switch_lang))
        .route("/dashboard", get(dashboard))
        .route("/cases", get(case_list).post(notify_submit))
        .route("/cases/new", get(notify_page))
        .route("/cases/{id}", get(case_page))
        .route("/cases/{id}/transitions", post(transition_submit))
        .route("/account/password", get(account_page).post(account_submit))
        .route("/admin/users", get(admin_users))
        .route("/admin/organisations", get(admin_orgs))
        .route("/admin/audit", get(admin_audit))
        .route("/reference/signals", get(reference_signals))
        .route("/reference/routing", get(reference_routing))
        .route("/static/{file}", get(static_file))
}

type PageResult = Result<Response, Reply>;

/// A response that ends a handler early (an error page, a redirect to sign in); boxed because
/// a whole response is large to move through every `?`.
pub struct Reply(Box<Response>);

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<PageError> for Reply {
    fn from(e: PageError) -> Reply {
        Reply(Box::new(e.into_response()))
    }
}

impl From<Response> for Reply {
    fn from(r: Response) -> Reply {
        Reply(Box::new(r))
    }
}

/// The client's address for login throttling; "local" when the server was not given connection
/// info (in-process requests).
pub struct ClientAddr(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "local".to_string(), |c| c.0.ip().to_string()),
        ))
    }
}

/// Renders a page, adding the login form's pre-session cookie when this browser has none.
pub(crate) fn render(
    viewer: &Viewer,
    status: StatusCode,
    page: &impl Template,
    ctx: &PageCtx,
) -> PageResult {
    let html = page.render().map_err(|e| PageError::internal(ctx, e))?;
    let mut response = (status, Html(html)).into_response();
    if let Some(Ok(v)) = viewer.new_pre_cookie.as_deref().map(HeaderValue::from_str) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// The signed-in user, or a redirect to the login page that comes back here afterwards.
pub(crate) fn signed_in(viewer: &Viewer) -> Result<&User, Reply> {
    viewer.user.as_ref().ok_or_else(|| {
        Redirect::to(&format!("/login?next={}", encode_component(&viewer.path)))
            .into_response()
            .into()
    })
}

/// A local path to return to; anything else (another host, a scheme) becomes the dashboard.
fn safe_next(next: Option<&str>) -> String {
    local_path(next).unwrap_or_else(|| "/dashboard".to_string())
}

/// A path on this site to go back to, or `None`. Browsers drop tabs and newlines from URLs, so
/// `/\t/evil.example` would become `//evil.example`: any control character is refused too.
fn local_path(next: Option<&str>) -> Option<String> {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && !n.chars().any(char::is_control)
    })
    .map(str::to_string)
}

pub(crate) fn audit_actor(state: &AppState, user: &User) -> AuditActor {
    AuditActor {
        user_id: Some(user.id.clone()),
        org_code: Some(user.org.code.clone()),
        channel: "web",
        now_ms: state.now_ms(),
    }
}

pub fn scope_for(user: &User) -> ScopeFor {
    ScopeFor {
        scope: case_scope(&user.actor()),
        org_code: user.org.code.clone(),
        user_id: user.id.clone(),
    }
}

/// What every form posted on a case needs: the signed-in user, the page, the form's fields with
/// their CSRF token checked, and the case as the user's scope sees it (not found otherwise).
pub(crate) struct CaseForm<'a> {
    pub user: &'a User,
    pub ctx: PageCtx,
    pub pairs: Vec<(String, String)>,
    pub facts: mnir_domain::CaseFacts,
}

pub(crate) async fn posted_case_form<'a>(
    viewer: &'a Viewer,
    state: &AppState,
    case_id: &str,
    body: &Bytes,
) -> Result<CaseForm<'a>, Reply> {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let pairs = form_pairs(body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    let facts = state
        .store
        .case_facts(case_id, &scope_for(user))
        .await
        .map_err(|e| PageError::internal(&ctx, e))?
        .ok_or_else(|| PageError::not_found(&ctx))?;
    Ok(CaseForm {
        user,
        ctx,
        pairs,
        facts,
    })
}

pub(crate) fn form_pairs(body: &Bytes) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

pub(crate) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
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

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageCtx,
    next: String,
    login: String,
    error: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    done: Option<String>,
}

async fn login_page(
    viewer: Viewer,
    State(state): State<AppState>,
    Query(q): Query<NextQuery>,
) -> PageResult {
    if viewer.user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let ctx = PageCtx::new(&state.keys, &viewer, "login");
    let message = match q.done.as_deref() {
        Some("logout") => Some(ctx.t("login-logged-out")),
        Some("password") => Some(ctx.t("account-changed")),
        _ => None,
    };
    let page = LoginPage {
        next: safe_next(q.next.as_deref()),
        login: String::new(),
        error: None,
        message,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn login_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: Bytes,
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "login");
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    let login = field(&pairs, "login").unwrap_or("").to_string();
    let password = field(&pairs, "password").unwrap_or("");
    let next = safe_next(field(&pairs, "next"));
    let (status, error) = match auth::attempt_login(&state, &login, password, &client).await {
        LoginOutcome::Success { session_secret, .. } => {
            if let Some(old) = viewer.session_hash() {
                let _ = state.store.delete_session(&old).await;
            }
            let name = session_cookie_name(state.config.secure_cookies);
            let mut response = Redirect::to(&next).into_response();
            let cookie = secret_cookie(&state, name, &session_secret, None);
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            return Ok(response);
        }
        LoginOutcome::BadCredentials => (StatusCode::UNAUTHORIZED, ctx.t("login-failed")),
        LoginOutcome::Locked => (StatusCode::TOO_MANY_REQUESTS, ctx.t("login-locked")),
        LoginOutcome::Throttled => (StatusCode::TOO_MANY_REQUESTS, ctx.t("login-throttled")),
    };
    let page = LoginPage {
        next,
        login,
        error: Some(error),
        message: None,
        ctx: ctx.clone(),
    };
    render(&viewer, status, &page, &ctx)
}

async fn logout(viewer: Viewer, State(state): State<AppState>, body: Bytes) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "");
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    if let (Some(hash), Some(user)) = (viewer.session_hash(), viewer.user.as_ref()) {
        let _ = state.store.delete_session(&hash).await;
        let _ = state
            .store
            .audit(
                "auth.logout",
                &format!("user:{}", user.id),
                "",
                &audit_actor(&state, user),
            )
            .await;
    }
    let mut response = Redirect::to("/login?done=logout").into_response();
    let cleared = secret_cookie(
        &state,
        session_cookie_name(state.config.secure_cookies),
        "",
        Some(0),
    );
    if let Ok(v) = HeaderValue::from_str(&cleared) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

async fn switch_lang(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> PageResult {
    let Some(lang) = Lang::parse(&code) else {
        let ctx = PageCtx::new(&state.keys, &viewer, "");
        return Err(PageError::not_found(&ctx).into());
    };
    let target = local_path(q.next.as_deref()).unwrap_or_else(|| "/".to_string());
    let mut response = Redirect::to(&target).into_response();
    if let Ok(v) = HeaderValue::from_str(&lang_cookie(&state, lang)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
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
    let actor = user.actor();
    let scope = case_scope(&actor);
    let show_counts = can(&actor, Action::ListCases, None).is_ok();
    let mut counts = Vec::new();
    let mut total = 0i64;
    if show_counts {
        let rows = state
            .store
            .count_cases_by_state(&scope_for(user))
            .await
            .map_err(|e| PageError::internal(&ctx, e))?;
        for (s, n) in rows {
            total += n;
            counts.push(StateCount {
                state: s.as_str(),
                label: tr.term("state", s.as_str()),
                count: tr.number(n),
            });
        }
    }
    let decisions_text = if show_counts {
        let stats = state
            .store
            .decision_stats(&scope_for(user))
            .await
            .map_err(|e| PageError::internal(&ctx, e))?;
        Some(tr.t_with(
            "dashboard-decisions",
            &[
                ("count", stats.decisions.into()),
                ("differing", stats.differing_from_advice.into()),
            ],
        ))
    } else {
        None
    };
    // The escalation of unanswered referrals reaches ANITP here: references and organisations,
    // nothing about the person.
    let overdue_referrals = if scope.national {
        let now = state.now_ms();
        Some(
            state
                .store
                .overdue_referrals()
                .await
                .map_err(|e| PageError::internal(&ctx, e))?
                .into_iter()
                .map(|(r, due)| OverdueRow {
                    reference: r.case_reference,
                    route: format!("{} → {}", r.from_org, r.to_org),
                    service: tr.term("service", &r.service),
                    due: tr.datetime_ms(due),
                    late: crate::clocks::time_left(&tr, due, now),
                })
                .collect(),
        )
    } else {
        None
    };
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
        national: scope.national,
        total_text: tr.t_with("cases-count", &[("count", total.into())]),
        counts,
        decisions_text,
        overdue_referrals,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub(crate) fn options<'a>(
    items: impl Iterator<Item = (&'a str, String)>,
    chosen: &[&str],
) -> Vec<Opt> {
    items
        .map(|(value, label)| Opt {
            selected: chosen.contains(&value),
            value: value.to_string(),
            label,
        })
        .collect()
}

fn county_options(chosen: &str) -> Vec<Opt> {
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
    prev_url: Option<String>,
    next_url: Option<String>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    state: Option<String>,
    county: Option<String>,
    reference: Option<String>,
    page: Option<String>,
}

/// Whether the role needs names in lists (mnir.md §13: names hidden in lists unless needed).
fn lists_show_names(user: &User) -> bool {
    user.roles.any(&[
        Role::CaseWorker,
        Role::Supervisor,
        Role::IdentificationOfficer,
    ])
}

fn age_text(tr: &Tr, group: mnir_domain::AgeGroup, years: Option<u32>) -> String {
    match years {
        Some(y) => format!("{} ({})", tr.term("age", group.as_str()), y),
        None => tr.term("age", group.as_str()),
    }
}

fn county_name(code: &str) -> String {
    reference::county(code).map_or_else(|| code.to_string(), |c| c.name.clone())
}

async fn case_list(
    viewer: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let tr = ctx.tr;
    let actor = user.actor();
    can(&actor, Action::ListCases, None).map_err(|d| PageError::denied(&ctx, &d))?;
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
    let page: u32 = match blank(&q.page) {
        Some(p) => {
            p.parse::<u32>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| PageError::bad_request(&ctx, tr.t("cases-bad-filter")))?
                - 1
        }
        None => 0,
    };
    let reference_text = blank(&q.reference).map(|r| r.to_ascii_uppercase());
    let filter = CaseFilter {
        state: state_filter,
        county: county.clone(),
        reference: reference_text.clone(),
        page,
        per_page: PER_PAGE,
    };
    let show_names = lists_show_names(user);
    let result = state
        .store
        .list_cases(
            &scope_for(user),
            &filter,
            show_names,
            &audit_actor(&state, user),
        )
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
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
            notified: tr.date_ms(c.notified_at_ms),
        })
        .collect();
    let pages = ((result.total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE)).max(1);
    let link = |p: u32| {
        let mut params = vec![("page", (p + 1).to_string())];
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
    let page_view = CaseListPage {
        national: case_scope(&actor).national,
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
        page_text: tr.t_with(
            "cases-page",
            &[
                ("page", i64::from(page + 1).into()),
                ("pages", pages.into()),
            ],
        ),
        prev_url: (page > 0).then(|| link(page - 1)),
        next_url: (i64::from(page + 1) < pages).then(|| link(page + 1)),
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
    can(&user.actor(), Action::NotifyCase, None).map_err(|d| PageError::denied(&ctx, &d))?;
    let page = NotifyPage::new(ctx.clone(), NotificationInput::default(), Vec::new());
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn notify_submit(viewer: Viewer, State(state): State<AppState>, body: Bytes) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "notify");
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    can(&user.actor(), Action::NotifyCase, None).map_err(|d| PageError::denied(&ctx, &d))?;
    let input = NotificationInput::from_pairs(&pairs);
    if field(&pairs, "action") == Some("check") {
        // Checking the signals stores nothing; it shows the advice and keeps the form.
        let page = NotifyPage::new(ctx.clone(), input, Vec::new());
        return render(&viewer, StatusCode::OK, &page, &ctx);
    }
    let (id, reference_code) = notify::fresh_identifiers();
    let now = chrono::DateTime::from_timestamp_millis(state.now_ms()).unwrap_or_default();
    match notify::validate(&input, &ctx.tr, user, now, id.clone(), reference_code) {
        Ok(case) => {
            crate::clocks::create_case(&state, &case, &audit_actor(&state, user))
                .await
                .map_err(|e| PageError::internal(&ctx, e))?;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(errors) => {
            let page = NotifyPage::new(ctx.clone(), input, errors);
            render(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
        }
    }
}

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
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let actor = user.actor();
    let scope = scope_for(user);
    let facts = state
        .store
        .case_facts(id, &scope)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let facts = facts.ok_or_else(|| PageError::not_found(&ctx))?;
    can(&actor, Action::ViewCase, Some(&facts)).map_err(|d| PageError::denied(&ctx, &d))?;
    let reveal = Reveal {
        identity: can(&actor, Action::ViewIdentity, Some(&facts)).is_ok(),
        notes: can(&actor, Action::ViewNotes, Some(&facts)).is_ok(),
    };
    let detail = state
        .store
        .case_detail(id, &scope, reveal, &audit_actor(state, user))
        .await
        .map_err(|e| PageError::internal(&ctx, e))?
        .ok_or_else(|| PageError::not_found(&ctx))?;
    let s = &detail.summary;
    let orgs = state
        .store
        .list_organisations()
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let org_name = |code: &str| {
        orgs.iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_string(), |o| o.name.clone())
    };
    let mut allowed = Vec::new();
    let mut refused = Vec::new();
    for to in next_states(s.state) {
        let label = tr.t_with(
            "case-move-to",
            &[("state", tr.term("state", to.as_str()).into())],
        );
        match can(&actor, Action::Transition { to }, Some(&facts)) {
            // Identification decisions go through the decision form, which records the advice.
            Ok(()) if crate::identification::is_decision(to) => {}
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
                refused.push((tr.term("state", to.as_str()), denial_message(&tr, &denial)))
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
        (tr.t("case-notified-at"), tr.datetime_ms(s.notified_at_ms)),
        (tr.t("case-notifying-org"), org_name(&detail.notifying_org)),
    ];
    if s.updated_at_ms != s.notified_at_ms {
        fact_rows.push((tr.t("case-updated-at"), tr.datetime_ms(s.updated_at_ms)));
    }
    let (error, typed_reason) = match failed {
        Some((_, message, reason)) => (Some(message), reason),
        None => (None, String::new()),
    };
    let decision = crate::identification::decision_form(state, user, &facts, &tr, &s.id).await;
    let clocks = state
        .store
        .clocks_of(&s.id)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let no_removal = crate::reflection::flag_text(&tr, &clocks);
    let reflection = crate::reflection::view(state, user, &tr, &facts, s, &clocks, reveal.notes)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let page = CasePage {
        no_removal,
        reflection,
        case_id: s.id.clone(),
        referrals: state
            .store
            .referrals_of(&s.id)
            .await
            .map_err(|e| PageError::internal(&ctx, e))?
            .iter()
            .map(|r| crate::referral::history(&tr, r, &org_name, reveal.notes))
            .collect(),
        referral_form: can(&actor, Action::RecordConsent, Some(&facts)).is_ok(),
        referral_orgs: options(
            orgs.iter()
                .filter(|o| o.active && o.code != user.org.code)
                .map(|o| (o.code.as_str(), format!("{} — {}", o.code, o.name))),
            &[],
        ),
        services: options(
            mnir_domain::directory::SERVICES
                .iter()
                .map(|sv| (*sv, tr.term("service", sv))),
            &[],
        ),
        clocks: crate::clocks::clock_views(&tr, &clocks, state.now_ms()),
        manage_clocks: crate::clocks::may_manage(user, &facts),
        interview_link: can(&actor, Action::RunInterview, Some(&facts)).is_ok(),
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
                    tr.term("basis", &a.basis),
                )
            })
            .collect(),
        history: detail
            .history
            .iter()
            .map(|h| HistoryRow {
                at: tr.datetime_ms(h.at_ms),
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
            })
            .collect(),
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn case_page(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    render_case(&state, &viewer, user, &id, StatusCode::OK, None).await
}

async fn transition_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let CaseForm {
        user,
        ctx,
        pairs,
        facts,
    } = posted_case_form(&viewer, &state, &id, &body).await?;
    let tr = ctx.tr;
    let reason = field(&pairs, "reason").unwrap_or("").trim().to_string();
    let Ok(to) = field(&pairs, "to").unwrap_or("").parse::<CaseState>() else {
        return render_case(
            &state,
            &viewer,
            user,
            &id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((facts.state, tr.t("transition-unknown-state"), reason)),
        )
        .await;
    };
    // The state the user saw when they pressed the button; a different current state means
    // someone else moved the case meanwhile.
    let seen_from = field(&pairs, "from")
        .and_then(|f| f.parse::<CaseState>().ok())
        .unwrap_or(facts.state);
    let refuse = |message: String, status| (status, Some((to, message, reason.clone())));
    let (status, failed) = if seen_from != facts.state {
        refuse(
            tr.t_with(
                "transition-stale",
                &[("state", tr.term("state", facts.state.as_str()).into())],
            ),
            StatusCode::CONFLICT,
        )
    } else if let Err(denial) = can(&user.actor(), Action::Transition { to }, Some(&facts)) {
        if denial == mnir_domain::Denial::NotVisible {
            return Err(PageError::not_found(&ctx).into());
        }
        refuse(denial_message(&tr, &denial), StatusCode::FORBIDDEN)
    } else if reason.is_empty() {
        refuse(
            tr.t("transition-reason-required"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    } else if reason.chars().count() > 2000 {
        refuse(
            tr.t("transition-reason-too-long"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    } else if crate::identification::is_decision(to) {
        use crate::identification::DecideError;
        let why = field(&pairs, "why_different").unwrap_or("");
        let channel = audit_actor(&state, user);
        match crate::identification::decide(
            &state, user, &tr, &id, &facts, to, &reason, why, channel,
        )
        .await
        {
            Ok(()) => return Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
            Err(DecideError::Denied(d)) => refuse(denial_message(&tr, &d), StatusCode::FORBIDDEN),
            Err(DecideError::Invalid(m)) => refuse(m, StatusCode::UNPROCESSABLE_ENTITY),
            Err(DecideError::Stale(current)) => refuse(
                tr.t_with(
                    "transition-stale",
                    &[("state", tr.term("state", current.as_str()).into())],
                ),
                StatusCode::CONFLICT,
            ),
            Err(DecideError::Store(e)) => return Err(PageError::internal(&ctx, e).into()),
        }
    } else {
        let change = Transition {
            case_id: id.clone(),
            from: facts.state,
            to,
            reason: reason.clone(),
        };
        match crate::clocks::transition(&state, &change, &audit_actor(&state, user)).await {
            Ok(()) => return Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
            Err(StoreError::StaleState { current }) => refuse(
                tr.t_with(
                    "transition-stale",
                    &[("state", tr.term("state", current.as_str()).into())],
                ),
                StatusCode::CONFLICT,
            ),
            Err(StoreError::BlockedByClock(kind)) => {
                refuse(blocked_message(&tr, &kind), StatusCode::CONFLICT)
            }
            Err(e) => return Err(PageError::internal(&ctx, e).into()),
        }
    };
    render_case(&state, &viewer, user, &id, status, failed).await
}

/// Why a running clock forbids a step, in the user's language.
pub(crate) fn blocked_message(tr: &Tr, clock_kind: &str) -> String {
    if clock_kind == "reflection_period" {
        tr.t("transition-reflection-running")
    } else {
        tr.t_with(
            "transition-blocked-by-clock",
            &[("clock", tr.term("clock", clock_kind).into())],
        )
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: PageCtx,
    error: Option<String>,
}

pub const MIN_PASSWORD: usize = 12;

async fn account_page(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "account");
    render(
        &viewer,
        StatusCode::OK,
        &AccountPage {
            ctx: ctx.clone(),
            error: None,
        },
        &ctx,
    )
}

async fn account_submit(viewer: Viewer, State(state): State<AppState>, body: Bytes) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "account");
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    let current = field(&pairs, "current").unwrap_or("").to_string();
    let new = field(&pairs, "new").unwrap_or("").to_string();
    let confirm = field(&pairs, "confirm").unwrap_or("");
    let stored = user.password_hash.clone();
    let current_ok =
        tokio::task::spawn_blocking(move || mnir_crypto::verify_password(&current, &stored))
            .await
            .unwrap_or(false);
    let error = if !current_ok {
        Some(ctx.t("account-wrong-current"))
    } else if new.chars().count() < MIN_PASSWORD {
        Some(ctx.t("account-too-short"))
    } else if new != confirm {
        Some(ctx.t("account-mismatch"))
    } else {
        None
    };
    if let Some(error) = error {
        return render(
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &AccountPage {
                ctx: ctx.clone(),
                error: Some(error),
            },
            &ctx,
        );
    }
    let hash = auth::hash_password(&state, new).await;
    state
        .store
        .set_password(&user.id, &hash, &audit_actor(&state, user))
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    Ok(Redirect::to("/login?done=password").into_response())
}

fn require_admin(viewer: &Viewer, ctx: &PageCtx) -> Result<(), Reply> {
    let user = signed_in(viewer)?;
    can(&user.actor(), Action::ManageUsers, None).map_err(|d| PageError::denied(ctx, &d).into())
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct AdminUsersPage {
    ctx: PageCtx,
    count_text: String,
    rows: Vec<(String, String, String, String)>,
}

async fn admin_users(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "admin");
    require_admin(&viewer, &ctx)?;
    let tr = ctx.tr;
    let now = state.now_ms();
    let users = state
        .store
        .list_users()
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let rows = users
        .iter()
        .map(|u| {
            let roles: Vec<String> = u
                .roles
                .iter()
                .map(|r| tr.term("role", r.as_str()))
                .collect();
            let status = if !u.active {
                tr.t("user-inactive")
            } else if u.locked_until_ms.is_some_and(|t| t > now) {
                tr.t("user-locked")
            } else {
                tr.t("user-active")
            };
            (
                u.login.clone(),
                u.org.code.clone(),
                roles.join(", "),
                status,
            )
        })
        .collect();
    let page = AdminUsersPage {
        count_text: tr.t_with("users-count", &[("count", (users.len() as i64).into())]),
        rows,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

#[derive(Template)]
#[template(path = "admin_orgs.html")]
struct AdminOrgsPage {
    ctx: PageCtx,
    count_text: String,
    rows: Vec<(String, String, String, String, String, String)>,
}

async fn admin_orgs(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "admin");
    require_admin(&viewer, &ctx)?;
    let tr = ctx.tr;
    let orgs = state
        .store
        .list_organisations()
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let rows = orgs
        .iter()
        .map(|o| {
            (
                o.code.clone(),
                o.name.clone(),
                tr.term("orgtype", o.org_type.as_str()),
                o.county.as_deref().map(county_name).unwrap_or_default(),
                tr.term("identify", o.identify_power.as_str()),
                if o.active { tr.t("yes") } else { tr.t("no") },
            )
        })
        .collect();
    let page = AdminOrgsPage {
        count_text: tr.t_with("orgs-count", &[("count", (orgs.len() as i64).into())]),
        rows,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AdminAuditPage {
    ctx: PageCtx,
    intact: bool,
    verdict: String,
    rows: Vec<(i64, String, String, String, String, String, String)>,
}

async fn admin_audit(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "admin");
    require_admin(&viewer, &ctx)?;
    let tr = ctx.tr;
    let verdict = state
        .store
        .verify_audit()
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let (intact, verdict) = match verdict {
        AuditVerdict::Intact { entries } => (
            true,
            tr.t_with("audit-intact", &[("count", entries.into())]),
        ),
        AuditVerdict::Broken { seq, why } => (
            false,
            tr.t_with("audit-broken", &[("seq", seq.into()), ("why", why.into())]),
        ),
    };
    let users = state
        .store
        .list_users()
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let login_of = |id: &str| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.login.clone())
    };
    let rows = state
        .store
        .recent_audit(50)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?
        .into_iter()
        .map(|e| {
            (
                e.seq,
                tr.datetime_ms(e.at_ms),
                login_of(&e.actor_user),
                e.actor_org,
                e.action,
                e.target,
                e.detail,
            )
        })
        .collect();
    let page = AdminAuditPage {
        intact,
        verdict,
        rows,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
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

const APP_CSS: &str = include_str!("../static/app.css");
const APP_JS: &str = include_str!("../static/app.js");

async fn static_file(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(file): Path<String>,
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
