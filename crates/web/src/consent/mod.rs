//! Information on rights and consent per recipient and purpose (mnir.md §5), on a page of its
//! own beside the case: forms that keep what was typed and say what is wrong.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::form::{Opt, Posted, Reply, options, posted, render, signed_in, ticked, who};
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
use mnir_app::consent::{ConsentInput, ConsentOverview, InformationInput};
use mnir_app::{AppError, AppResult};
use mnir_domain::consent::{Method, Purpose, Right};
use mnir_store::User;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cases/{id}/consent", consent_page)
        .post("/cases/{id}/information", information_submit)
        .post("/cases/{id}/consents", consent_submit)
        .post("/cases/{id}/consents/{consent}/withdraw", withdraw)
}

struct ConsentRow {
    id: String,
    purpose: String,
    recipient: String,
    details: String,
    status: String,
    in_force: bool,
}

/// What was typed in the two forms, to show again after an error.
#[derive(Default)]
struct Typed {
    rights: Vec<String>,
    language: String,
    interpreter: bool,
    mediator: bool,
    notice_version: String,
    purpose: String,
    recipient: String,
    given_by: String,
    method: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage {
    ctx: PageCtx,
    case_id: String,
    reference: String,
    child: bool,
    error: Option<String>,
    information: Vec<String>,
    consents: Vec<ConsentRow>,
    rights: Vec<Opt>,
    language: String,
    interpreter: bool,
    mediator: bool,
    notice_version: String,
    purposes: Vec<Opt>,
    recipients: Vec<Opt>,
    givers: Vec<Opt>,
    methods: Vec<Opt>,
    expires: String,
}

async fn build(
    state: &AppState,
    user: &User,
    ctx: PageCtx,
    case_id: &str,
    typed: Typed,
    error: Option<String>,
) -> Result<ConsentPage, Reply> {
    let tr: Tr = ctx.tr;
    let now = state.now();
    let ConsentOverview {
        facts,
        reference,
        information,
        consents,
        organisations: orgs,
    } = mnir_app::consent::overview(&state.app, &who(state, user), case_id)
        .await
        .map_err(|e| e.page(&ctx, "consent-title"))?;
    let facts = &facts;
    let org_name = |code: &str| {
        orgs.iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_string(), |o| o.name.clone())
    };
    let information = information
        .into_iter()
        .map(|i| {
            let rights: Vec<String> = i
                .rights
                .iter()
                .map(|r| tr.term("right", r.as_str()))
                .collect();
            tr.t_with(
                "information-line",
                &[
                    ("at", tr.datetime(i.given_at_ms).into()),
                    ("language", i.language.clone().into()),
                    ("rights", rights.join(", ").into()),
                    ("org", org_name(&i.org_code).into()),
                    ("notice", i.notice_version.clone().into()),
                    (
                        "help",
                        (if i.interpreter && i.mediator {
                            tr.t("information-both")
                        } else if i.interpreter {
                            tr.t("information-interpreter")
                        } else if i.mediator {
                            tr.t("information-mediator")
                        } else {
                            tr.t("information-no-help")
                        })
                        .into(),
                    ),
                ],
            )
        })
        .collect();
    let consents = consents
        .into_iter()
        .map(|c| {
            let status = match (c.withdrawn_at_ms, c.expires_at_ms) {
                (Some(w), _) => tr.t_with("consent-withdrawn-at", &[("at", tr.datetime(w).into())]),
                (None, Some(e)) if e <= now => tr.t("consent-expired"),
                _ => tr.t("consent-in-force"),
            };
            ConsentRow {
                purpose: tr.term("purpose", c.purpose.as_str()),
                recipient: c.recipient_org.as_deref().map(org_name).unwrap_or_default(),
                details: tr.t_with(
                    "consent-details",
                    &[
                        ("by", tr.term("givenby", c.given_by.as_str()).into()),
                        ("method", tr.term("method", c.method.as_str()).into()),
                        ("at", tr.datetime(c.given_at_ms).into()),
                        (
                            "until",
                            c.last_valid_instant()
                                .map_or_else(|| tr.t("consent-no-expiry"), |e| tr.date_of(e))
                                .into(),
                        ),
                    ],
                ),
                status,
                in_force: c.terms().in_force(now.millis()),
                id: c.id,
            }
        })
        .collect();
    let chosen_rights: Vec<&str> = typed.rights.iter().map(String::as_str).collect();
    Ok(ConsentPage {
        case_id: case_id.to_string(),
        reference,
        child: facts.age_group.may_be_child(),
        error,
        information,
        consents,
        rights: options(
            Right::ALL
                .iter()
                .map(|r| (r.as_str(), tr.term("right", r.as_str()))),
            &chosen_rights,
        ),
        language: typed.language,
        interpreter: typed.interpreter,
        mediator: typed.mediator,
        notice_version: typed.notice_version,
        purposes: options(
            Purpose::ALL
                .iter()
                .map(|p| (p.as_str(), tr.term("purpose", p.as_str()))),
            &[typed.purpose.as_str()],
        ),
        recipients: options(
            orgs.iter()
                .filter(|o| o.active)
                .map(|o| (o.code.as_str(), format!("{} — {}", o.code, o.name))),
            &[typed.recipient.as_str()],
        ),
        givers: options(
            mnir_app::consent::givers_for(facts)
                .into_iter()
                .map(|g| (g.as_str(), tr.term("givenby", g.as_str()))),
            &[typed.given_by.as_str()],
        ),
        methods: options(
            Method::ALL
                .iter()
                .map(|m| (m.as_str(), tr.term("method", m.as_str()))),
            &[typed.method.as_str()],
        ),
        expires: typed.expires,
        ctx,
    })
}

async fn consent_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let typed = Typed {
        language: "ro".into(),
        notice_version: "2026-1".into(),
        ..Typed::default()
    };
    let page = build(&state, user, ctx.clone(), &id, typed, None).await?;
    render(&viewer, StatusCode::OK, &page, &ctx)
}

/// A posted form of this page: the user, the page, the case and what was typed (CSRF checked).
fn posted_form<'a>(
    viewer: &'a Viewer,
    state: &AppState,
    body: &Bytes,
) -> Result<(&'a User, PageCtx, Typed), Reply> {
    let Posted { user, ctx, form } = posted::<PostedForm>(viewer, state, body, "cases")?;
    Ok((user, ctx, form.into()))
}

/// Shows the page again with what was typed and what is wrong.
#[allow(clippy::too_many_arguments)]
async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    ctx: PageCtx,
    id: &str,
    typed: Typed,
    error: String,
) -> PageResult {
    let page = build(state, user, ctx.clone(), id, typed, Some(error)).await?;
    render(viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
}

/// The two forms of this page as posted: the information given and a consent.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PostedForm {
    rights: Vec<String>,
    language: String,
    interpreter: Option<String>,
    mediator: Option<String>,
    notice_version: String,
    purpose: String,
    recipient: String,
    given_by: String,
    method: String,
    expires: String,
}

impl From<PostedForm> for Typed {
    fn from(f: PostedForm) -> Typed {
        Typed {
            rights: f.rights,
            language: f.language.trim().to_ascii_lowercase(),
            interpreter: ticked(&f.interpreter),
            mediator: ticked(&f.mediator),
            notice_version: f.notice_version.trim().to_string(),
            purpose: f.purpose,
            recipient: f.recipient,
            given_by: f.given_by,
            method: f.method,
            expires: f.expires.trim().to_string(),
        }
    }
}

impl Typed {
    fn information(&self) -> InformationInput {
        InformationInput {
            rights: self.rights.clone(),
            language: self.language.clone(),
            interpreter: self.interpreter,
            mediator: self.mediator,
            notice_version: self.notice_version.clone(),
        }
    }

    fn consent(&self) -> ConsentInput {
        ConsentInput {
            purpose: self.purpose.clone(),
            recipient: self.recipient.clone(),
            given_by: self.given_by.clone(),
            method: self.method.clone(),
            expires: self.expires.clone(),
        }
    }
}

/// After a posted form: back to the page, or the page again with what was typed and what is
/// wrong, or the error page.
#[allow(clippy::too_many_arguments)]
async fn after_post<T>(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    ctx: PageCtx,
    id: &str,
    typed: Typed,
    result: AppResult<T>,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}/consent")).into_response()),
        Err(AppError::Invalid(issues)) => {
            let message = field_errors(&ctx.tr, &issues)
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" ");
            refuse(state, viewer, user, ctx, id, typed, message).await
        }
        Err(other) => Err(other.page(&ctx, "consent-title").into()),
    }
}

async fn information_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let (user, ctx, typed) = posted_form(&viewer, &state, &body)?;
    let result = mnir_app::consent::record_information(
        &state.app,
        &who(&state, user),
        &id,
        typed.information(),
    )
    .await;
    after_post(&state, &viewer, user, ctx, &id, typed, result).await
}

async fn consent_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let (user, ctx, typed) = posted_form(&viewer, &state, &body)?;
    let result =
        mnir_app::consent::record_consent(&state.app, &who(&state, user), &id, typed.consent())
            .await;
    after_post(&state, &viewer, user, ctx, &id, typed, result).await
}

async fn withdraw(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, consent)): PagePath<(String, String)>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    mnir_app::consent::withdraw_consent(&state.app, &who(&state, user), &id, &consent)
        .await
        .map_err(|r| r.page(&ctx, "consent-title"))?;
    Ok(Redirect::to(&format!("/cases/{id}/consent")).into_response())
}
