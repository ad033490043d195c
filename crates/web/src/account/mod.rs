//! Signing in and out, the language switch, the user's own account (password, API tokens) and
//! the administrator's pages (accounts, organisations, the audit log).

use crate::cases::county_name;
use crate::kit::auth::{Viewer, lang_cookie, secret_cookie, session_cookie_name};
use crate::kit::error::PageError;
use crate::kit::form::{
    ClientAddr, PageResult, Posted, Reply, posted, read_form, render, signed_in, who,
};
use crate::kit::i18n::Lang;
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::{Shown, field_errors, wait_message};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use crate::kit::views::encode_component;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_app::accounts::SignIn;
use mnir_store::{AuditVerdict, SessionStage, User};
use serde::Deserialize;

pub(crate) mod roles;
mod two_factor;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/login", login_page)
        .post("/login", login_submit)
        .post("/logout", logout)
        .get("/lang/{lang}", switch_lang)
        .get("/account/password", account_page)
        .post("/account/password", account_submit)
        .post("/account/tokens/{id}/revoke", account_token_revoke)
        .get("/admin/users", admin_users)
        .post("/admin/users/{id}/active", admin_user_active)
        .get("/admin/organisations", admin_orgs)
        .post("/admin/organisations/{code}/active", admin_org_active)
        .get("/admin/audit", admin_audit)
        .merge(two_factor::routes())
        .merge(roles::routes())
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
    PageQuery(q): PageQuery<NextQuery>,
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
    let LoginForm {
        login,
        password,
        next,
    } = read_form(&body, &ctx)?;
    let password = password.as_str();
    let next = safe_next(next.as_deref());
    let mut retry_after = None;
    let (status, error) =
        match mnir_app::accounts::sign_in(&state.app, &login, password, &client).await {
            SignIn::Success {
                session_secret,
                stage,
            } => {
                if let Some(old) = viewer.session_secret.as_deref() {
                    mnir_app::accounts::end_session(&state.app, old, None).await;
                }
                let target = match stage {
                    SessionStage::Full => next,
                    SessionStage::SecondFactor => {
                        format!("/login/code?next={}", encode_component(&next))
                    }
                    SessionStage::Enrol => {
                        format!("/account/two-factor?next={}", encode_component(&next))
                    }
                };
                let mut response = Redirect::to(&target).into_response();
                set_session_cookie(&state, &mut response, &session_secret);
                return Ok(response);
            }
            SignIn::BadCredentials => (StatusCode::UNAUTHORIZED, ctx.t("login-failed")),
            SignIn::Wait { seconds } => {
                retry_after = Some(seconds);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    ctx.tr.message(&wait_message(seconds)),
                )
            }
        };
    let page = LoginPage {
        next,
        login,
        error: Some(error),
        message: None,
        ctx: ctx.clone(),
    };
    Ok(with_retry_after(
        render(&viewer, status, &page, &ctx)?,
        retry_after,
    ))
}

/// Announces the wait of a refused guess (`None`: no wait to announce).
fn with_retry_after(mut response: Response, wait: Option<i64>) -> Response {
    if let Some(seconds) = wait {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// Gives the browser the cookie of a (new) session.
fn set_session_cookie(state: &AppState, response: &mut Response, secret: &str) {
    let name = session_cookie_name(state.config.secure_cookies);
    if let Ok(v) = HeaderValue::from_str(&secret_cookie(state, name, secret, None)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

async fn logout(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    if let Some(secret) = viewer.session_secret.as_deref() {
        // A session half-way through sign-in ends too (someone else is to sign in), but only a
        // signed-in user's sign-out is an event of the audit log.
        let user = viewer.user.as_ref().map(|user| who(&state, user));
        mnir_app::accounts::end_session(&state.app, secret, user.as_ref()).await;
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
    PagePath(code): PagePath<String>,
    PageQuery(q): PageQuery<NextQuery>,
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

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
}

/// A step of a case as the case page posts it.

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: PageCtx,
    error: Option<String>,
    tokens: Vec<TokenRow>,
    /// "On since …", or "Off." with whether the account's roles require it.
    two_factor: String,
}

/// One of the user's API tokens: the start of its hash, when it was made and when it ends.
struct TokenRow {
    id: String,
    created: String,
    expires: String,
}

async fn account_view(
    state: &AppState,
    user: &User,
    ctx: &PageCtx,
    error: Option<String>,
) -> Result<AccountPage, Reply> {
    let tokens = mnir_app::accounts::own_tokens(&state.app, &who(state, user))
        .await
        .map_err(|e| e.page(ctx, "account-title"))?
        .iter()
        .map(|t| TokenRow {
            id: mnir_app::accounts::token_id(t).to_string(),
            created: ctx.tr.datetime(t.created_at_ms),
            expires: ctx.tr.datetime(t.expires_at_ms),
        })
        .collect();
    let two_factor = match user.two_factor_since {
        Some(since) => ctx.tr.t_with(
            "two-factor-on-since",
            &[("since", ctx.tr.datetime(since).into())],
        ),
        None => ctx.t("account-two-factor-off"),
    };
    Ok(AccountPage {
        ctx: ctx.clone(),
        error,
        tokens,
        two_factor,
    })
}

async fn account_page(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "account");
    let page = account_view(&state, user, &ctx, None).await?;
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn account_token_revoke(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, .. } = posted::<ButtonForm>(&viewer, &state, &body, "account")?;
    mnir_app::accounts::revoke_own_token(&state.app, &who(&state, user), &id)
        .await
        .map_err(|e| e.page(&ctx, "account-title"))?;
    Ok(Redirect::to("/account/password").into_response())
}

async fn account_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "account");
    let PasswordForm {
        current,
        new,
        confirm,
    } = read_form(&body, &ctx)?;
    match mnir_app::accounts::change_password(
        &state.app,
        &who(&state, user),
        &current,
        &new,
        &confirm,
        &client,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/login?done=password").into_response()),
        Err(AppError::Invalid(issues)) => {
            let error = field_errors(&ctx.tr, &issues)
                .into_iter()
                .next()
                .map(|f| f.message);
            let page = account_view(&state, user, &ctx, error).await?;
            render(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
        }
        Err(AppError::Wait { seconds }) => {
            let error = Some(ctx.tr.message(&wait_message(seconds)));
            let page = account_view(&state, user, &ctx, error).await?;
            render(&viewer, StatusCode::TOO_MANY_REQUESTS, &page, &ctx)
        }
        Err(e) => Err(e.page(&ctx, "account-title").into()),
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct AdminUsersPage {
    ctx: PageCtx,
    count_text: String,
    rows: Vec<AdminUserRow>,
}

struct AdminUserRow {
    id: String,
    login: String,
    org: String,
    roles: String,
    status: String,
    active: bool,
    /// Whether the account signs in with a second factor (which an administrator may reset).
    two_factor: bool,
    /// The administrator's own account offers no button: they would lock themselves out.
    own: bool,
}

/// The administrator's switch of an account or an organisation: `yes` or `no`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ActiveForm {
    active: String,
}

impl ActiveForm {
    fn wanted(&self, ctx: &PageCtx) -> Result<bool, Reply> {
        match self.active.as_str() {
            "yes" => Ok(true),
            "no" => Ok(false),
            _ => Err(PageError::bad_request(ctx, ctx.t("error-invalid")).into()),
        }
    }
}

/// A form with nothing but its CSRF token (checked by the layer): a button.
#[derive(Deserialize, Default)]
struct ButtonForm {}

async fn admin_user_active(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<ActiveForm>(&viewer, &state, &body, "admin")?;
    let active = form.wanted(&ctx)?;
    mnir_app::accounts::set_active_by_admin(&state.app, &who(&state, user), &id, active)
        .await
        .map_err(|e| e.page(&ctx, "admin-users-title"))?;
    Ok(Redirect::to("/admin/users").into_response())
}

async fn admin_users(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "admin");
    let tr = ctx.tr;
    let users = mnir_app::accounts::users(&state.app, &who(&state, user))
        .await
        .map_err(|e| e.page(&ctx, "nav-admin"))?;
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
            } else if u.failed_logins > 0 {
                // Nothing locks an account; the administrator sees that someone keeps trying.
                tr.t_with("user-failed-logins", &[("count", u.failed_logins.into())])
            } else {
                tr.t("user-active")
            };
            AdminUserRow {
                id: u.id.clone(),
                login: u.login.clone(),
                org: u.org.code.clone(),
                roles: roles.join(", "),
                status,
                active: u.active,
                two_factor: u.two_factor_since.is_some(),
                own: u.id == user.id,
            }
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
    rows: Vec<AdminOrgRow>,
}

struct AdminOrgRow {
    code: String,
    name: String,
    org_type: String,
    county: String,
    identifies: String,
    /// An investigating body, outside the support compartment.
    investigates: bool,
    active: bool,
    /// The administrator's own organisation offers no button: they would lock themselves out.
    own: bool,
}

async fn admin_org_active(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<ActiveForm>(&viewer, &state, &body, "admin")?;
    let active = form.wanted(&ctx)?;
    mnir_app::accounts::set_organisation_active_by_admin(
        &state.app,
        &who(&state, user),
        &code,
        active,
    )
    .await
    .map_err(|e| e.page(&ctx, "admin-orgs-title"))?;
    Ok(Redirect::to("/admin/organisations").into_response())
}

async fn admin_orgs(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "admin");
    let tr = ctx.tr;
    let orgs = mnir_app::accounts::organisations_for_admin(&state.app, &who(&state, user))
        .await
        .map_err(|e| e.page(&ctx, "nav-admin"))?;
    let rows = orgs
        .iter()
        .map(|o| AdminOrgRow {
            code: o.code.clone(),
            name: o.name.clone(),
            org_type: tr.term("orgtype", o.org_type.as_str()),
            // A partner abroad is placed by its country.
            county: match (&o.county, &o.country) {
                (Some(county), _) => county_name(county),
                (None, Some(country)) => tr.country(country),
                (None, None) => String::new(),
            },
            identifies: tr.term("identify", o.identify_power.as_str()),
            investigates: o.investigates,
            active: o.active,
            own: o.code == user.org.code,
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
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "admin");
    let tr = ctx.tr;
    let overview = mnir_app::accounts::audit_overview(&state.app, &who(&state, user), 50)
        .await
        .map_err(|e| e.page(&ctx, "nav-admin"))?;
    let (intact, verdict) = match overview.verdict {
        AuditVerdict::Intact { entries } => (
            true,
            tr.t_with("audit-intact", &[("count", entries.into())]),
        ),
        AuditVerdict::Broken { seq, why } => (
            false,
            tr.t_with("audit-broken", &[("seq", seq.into()), ("why", why.into())]),
        ),
    };
    let users = overview.users;
    let login_of = |id: &str| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.login.clone())
    };
    let rows = overview
        .recent
        .into_iter()
        .map(|e| {
            (
                e.seq,
                tr.datetime(e.at_ms),
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
