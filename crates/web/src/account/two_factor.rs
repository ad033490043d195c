//! The second step of sign-in, enrolment in two-factor sign-in, recovery codes, and the
//! administrator's reset of a lost device.

use super::{ButtonForm, NextQuery, safe_next, set_session_cookie, with_retry_after};
use crate::kit::auth::Viewer;
use crate::kit::form::{ClientAddr, PageResult, Posted, Reply, posted, read_form, render, who};
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::{Shown, field_errors, wait_message};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use crate::kit::views::encode_component;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_store::{SessionStage, User};
use serde::Deserialize;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/login/code", code_page)
        .post("/login/code", code_submit)
        .get("/account/two-factor", two_factor_page)
        .post("/account/two-factor", two_factor_confirm)
        .post("/account/two-factor/recovery-codes", recovery_codes_renew)
        .post("/admin/users/{id}/two-factor/reset", admin_reset)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    ctx: PageCtx,
    next: String,
    error: Option<String>,
}

/// Where a viewer belongs who came to a step of sign-in that is not theirs: a signed-in user
/// goes on, a waiting session to its own step, anyone else to the password.
fn elsewhere(viewer: &Viewer, next: &str) -> Response {
    let step = match &viewer.pending {
        _ if viewer.user.is_some() => return Redirect::to(next).into_response(),
        Some((_, SessionStage::Enrol)) => "/account/two-factor",
        Some((_, SessionStage::SecondFactor)) => "/login/code",
        _ => "/login",
    };
    Redirect::to(&format!("{step}?next={}", encode_component(next))).into_response()
}

/// The message of a refused code, the status it is answered with, and the wait to announce.
fn refusal(ctx: &PageCtx, error: &AppError) -> Option<(StatusCode, String, Option<i64>)> {
    match error {
        AppError::Invalid(issues) => field_errors(&ctx.tr, issues)
            .into_iter()
            .next()
            .map(|f| (StatusCode::UNPROCESSABLE_ENTITY, f.message, None)),
        AppError::Wait { seconds } => Some((
            StatusCode::TOO_MANY_REQUESTS,
            ctx.tr.message(&wait_message(*seconds)),
            Some(*seconds),
        )),
        _ => None,
    }
}

async fn code_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(q): PageQuery<NextQuery>,
) -> PageResult {
    let next = safe_next(q.next.as_deref());
    if !matches!(viewer.pending, Some((_, SessionStage::SecondFactor))) {
        return Ok(elsewhere(&viewer, &next));
    }
    let ctx = PageCtx::new(&state.keys, &viewer, "login");
    let page = CodePage {
        next,
        error: None,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn code_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: Bytes,
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "login");
    let CodeForm { code, next } = read_form(&body, &ctx)?;
    let next = safe_next(next.as_deref());
    let (Some(secret), Some((_, SessionStage::SecondFactor))) =
        (viewer.session_secret.as_deref(), viewer.pending.as_ref())
    else {
        return Ok(elsewhere(&viewer, &next));
    };
    match mnir_app::accounts::second_step(&state.app, secret, &code, &client).await {
        Ok(full) => {
            let mut response = Redirect::to(&next).into_response();
            set_session_cookie(&state, &mut response, &full);
            Ok(response)
        }
        Err(AppError::Conflict(_)) => {
            Ok(Redirect::to(&format!("/login?next={}", encode_component(&next))).into_response())
        }
        Err(e) => {
            let Some((status, message, wait)) = refusal(&ctx, &e) else {
                return Err(e.page(&ctx, "code-title").into());
            };
            let page = CodePage {
                next,
                error: Some(message),
                ctx: ctx.clone(),
            };
            Ok(with_retry_after(
                render(&viewer, status, &page, &ctx)?,
                wait,
            ))
        }
    }
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    ctx: PageCtx,
    next: String,
    /// Half-way through sign-in: enrolment is the only way on.
    pending: bool,
    required: bool,
    /// "On since …" for an enrolled account.
    enrolled_since: Option<String>,
    codes_left: String,
    enrolment: Option<mnir_app::two_factor::Enrolment>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "two_factor_codes.html")]
struct CodesPage {
    ctx: PageCtx,
    codes: Vec<String>,
    next: String,
}

/// The secret of the session behind the page (there is one wherever a user was found).
fn session_secret(viewer: &Viewer) -> Result<&str, Reply> {
    viewer
        .session_secret
        .as_deref()
        .ok_or_else(|| Reply::from(Redirect::to("/login").into_response()))
}

/// The account on the two-factor page: a signed-in user, or one who must enrol before going
/// on (`true`). Anyone else goes where they belong.
fn enrolling<'a>(viewer: &'a Viewer, next: &str) -> Result<(&'a User, bool), Reply> {
    match (&viewer.user, &viewer.pending) {
        (Some(user), _) => Ok((user, false)),
        (None, Some((user, SessionStage::Enrol))) => Ok((user, true)),
        _ => Err(elsewhere(viewer, next).into()),
    }
}

async fn two_factor_view(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    pending: bool,
    ctx: &PageCtx,
    next: String,
    error: Option<String>,
) -> Result<TwoFactorPage, Reply> {
    let app = &state.app;
    let status = mnir_app::two_factor::status(app, user)
        .await
        .map_err(|e| e.page(ctx, "two-factor-title"))?;
    let enrolment = match status.enrolled_since {
        Some(_) => None,
        None => Some(
            mnir_app::two_factor::enrolment(app, &who(state, user), session_secret(viewer)?)
                .await
                .map_err(|e| e.page(ctx, "two-factor-title"))?,
        ),
    };
    Ok(TwoFactorPage {
        enrolled_since: status.enrolled_since.map(|since| {
            ctx.tr.t_with(
                "two-factor-on-since",
                &[("since", ctx.tr.datetime(since).into())],
            )
        }),
        codes_left: ctx.tr.t_with(
            "two-factor-codes-left",
            &[("count", status.recovery_codes_left.into())],
        ),
        required: status.required,
        enrolment,
        pending,
        next,
        error,
        ctx: ctx.clone(),
    })
}

async fn two_factor_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(q): PageQuery<NextQuery>,
) -> PageResult {
    let next = safe_next(q.next.as_deref());
    let (user, pending) = enrolling(&viewer, &next)?;
    let ctx = PageCtx::new(
        &state.keys,
        &viewer,
        if pending { "login" } else { "account" },
    );
    let page = two_factor_view(&state, &viewer, user, pending, &ctx, next, None).await?;
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn two_factor_confirm(
    viewer: Viewer,
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: Bytes,
) -> PageResult {
    let CodeForm { code, next } = read_form(&body, &PageCtx::new(&state.keys, &viewer, ""))?;
    let next = safe_next(next.as_deref());
    let (user, pending) = enrolling(&viewer, &next)?;
    let ctx = PageCtx::new(
        &state.keys,
        &viewer,
        if pending { "login" } else { "account" },
    );
    let app = &state.app;
    let secret = session_secret(&viewer)?;
    match mnir_app::two_factor::confirm_enrolment(app, &who(&state, user), secret, &code, &client)
        .await
    {
        Ok(codes) => {
            // Enrolling ended every session of the account (one opened with the password alone
            // must not become signed in by it): this browser gets a new, full one.
            let session = mnir_app::accounts::finish_sign_in(app, secret, user, &client)
                .await
                .map_err(|e| e.page(&ctx, "two-factor-title"))?;
            // The page is the new session's: its menu and sign-out form carry that session's
            // token.
            let mut signed_in = viewer.clone();
            signed_in.user = Some(user.clone());
            signed_in.pending = None;
            signed_in.session_secret = Some(session.clone());
            let ctx = PageCtx::new(&state.keys, &signed_in, "account");
            let page = CodesPage {
                codes,
                next: if pending {
                    next
                } else {
                    "/account/two-factor".to_string()
                },
                ctx: ctx.clone(),
            };
            let mut response = render(&signed_in, StatusCode::OK, &page, &ctx)?;
            set_session_cookie(&state, &mut response, &session);
            Ok(response)
        }
        Err(e) => {
            let Some((status, message, wait)) = refusal(&ctx, &e) else {
                return Err(e.page(&ctx, "two-factor-title").into());
            };
            let page =
                two_factor_view(&state, &viewer, user, pending, &ctx, next, Some(message)).await?;
            Ok(with_retry_after(
                render(&viewer, status, &page, &ctx)?,
                wait,
            ))
        }
    }
}

async fn recovery_codes_renew(
    viewer: Viewer,
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<CodeForm>(&viewer, &state, &body, "account")?;
    match mnir_app::two_factor::renew_recovery_codes(
        &state.app,
        &who(&state, user),
        &form.code,
        &client,
    )
    .await
    {
        Ok(codes) => {
            let page = CodesPage {
                codes,
                next: "/account/two-factor".to_string(),
                ctx: ctx.clone(),
            };
            render(&viewer, StatusCode::OK, &page, &ctx)
        }
        Err(e) => {
            let Some((status, message, wait)) = refusal(&ctx, &e) else {
                return Err(e.page(&ctx, "two-factor-title").into());
            };
            let next = "/account/two-factor".to_string();
            let page =
                two_factor_view(&state, &viewer, user, false, &ctx, next, Some(message)).await?;
            Ok(with_retry_after(
                render(&viewer, status, &page, &ctx)?,
                wait,
            ))
        }
    }
}

async fn admin_reset(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, .. } = posted::<ButtonForm>(&viewer, &state, &body, "admin")?;
    mnir_app::two_factor::reset_by_admin(&state.app, &who(&state, user), &id)
        .await
        .map_err(|e| e.page(&ctx, "admin-users-title"))?;
    Ok(Redirect::to("/admin/users").into_response())
}
