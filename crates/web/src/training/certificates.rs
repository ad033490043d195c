//! Certificates: the trainer's list, a certificate's page for its holder and the trainers (with
//! its revocation), its PDF in either language, and the public verification by code, which
//! shows no more than the holder's initials.

use crate::kit::auth::Viewer;
use crate::kit::download::{self, Disposition};
use crate::kit::error::PageError;
use crate::kit::form::{ReasonForm, Reply, posted, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::{Shown, field_errors};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use crate::plan::print::language;
use crate::repatriation::print::FileParams;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_domain::training::Standing;
use mnir_pdf::{Block, Document};
use mnir_store::CertificateRecord;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/training/certificates", certificate_list)
        .get("/certificates/{id}", certificate_page)
        .post("/certificates/{id}/revoke", certificate_revoke)
        .get("/certificates/{id}/pdf", certificate_pdf)
        .get("/verify", verify_form)
        .get("/verify/{code}", verify_page)
}

#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ListParams {
    after: Option<String>,
}

struct ListRow {
    id: String,
    number: String,
    holder: String,
    course: String,
    issued: String,
    until: String,
    standing: String,
}

#[derive(Template)]
#[template(path = "certificates.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<ListRow>,
    next: Option<String>,
}

async fn certificate_list(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(params): PageQuery<ListParams>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "training");
    let tr = ctx.tr;
    let page = mnir_app::training::certificates(
        &state.app,
        &who(&state, user),
        false,
        params.after.as_deref(),
    )
    .await
    .map_err(|e| e.page(&ctx, "certificates-title"))?;
    let rows = page
        .certificates
        .iter()
        .map(|c| ListRow {
            id: c.id.clone(),
            number: c.number.clone(),
            holder: c.holder_name.clone(),
            course: tr.term("audience", c.audience.as_str()),
            issued: tr.date(c.issued_on),
            until: tr.date(c.last_valid_day),
            standing: tr.term(
                "standing",
                mnir_app::training::standing_on(c, page.today).as_str(),
            ),
        })
        .collect();
    let list = ListPage {
        rows,
        next: page.next,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &list, &ctx)
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage {
    ctx: PageCtx,
    id: String,
    number: String,
    details: Vec<(String, String)>,
    standing: String,
    valid: bool,
    may_revoke: bool,
    reason: String,
    error: Option<String>,
}

async fn show_certificate(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    id: &str,
    reason: String,
    error: Option<String>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let tr = ctx.tr;
    let c = mnir_app::training::certificate(&state.app, &who(state, user), id)
        .await
        .map_err(|e| e.page(&ctx, "certificate-title"))?;
    let today = state.app.jurisdiction().local_date(state.now().to_utc());
    let standing = mnir_app::training::standing_on(&c, today);
    let mut details = vec![
        (tr.t("certificate-holder"), c.holder_name.clone()),
        (
            tr.t("certificate-course"),
            tr.term("audience", c.audience.as_str()),
        ),
        (tr.t("certificate-issued"), tr.date(c.issued_on)),
        (tr.t("certificate-until"), tr.date(c.last_valid_day)),
        (tr.t("certificate-code"), c.verification_code.clone()),
    ];
    if let Some(at) = c.revoked_at_ms {
        details.push((tr.t("certificate-revoked-at"), tr.datetime(at)));
        if let Some(reason) = &c.revoke_reason {
            details.push((tr.t("certificate-revoke-reason"), reason.clone()));
        }
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CertificatePage {
        id: c.id.clone(),
        number: c.number.clone(),
        details,
        standing: tr.term("standing", standing.as_str()),
        valid: standing == Standing::Valid,
        // The revoke form for those who may keep training records (the use case checks again).
        may_revoke: c.revoked_at_ms.is_none() && mnir_app::accounts::menu(user).training,
        reason,
        error,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn certificate_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "elearning");
    show_certificate(&state, &viewer, ctx, &id, String::new(), None).await
}

async fn certificate_revoke(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<ReasonForm>(&viewer, &state, &body, "training")?;
    match mnir_app::training::revoke(
        &state.app,
        &who(&state, posted.user),
        &id,
        &posted.form.reason,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/certificates/{id}")).into_response()),
        Err(AppError::Invalid(issues)) => {
            let message = field_errors(&posted.ctx.tr, &issues)
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" ");
            show_certificate(
                &state,
                &viewer,
                posted.ctx,
                &id,
                posted.form.reason,
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.page(&posted.ctx, "certificate-title").into()),
    }
}

/// The certificate as a document in `tr`'s language.
fn document(tr: &Tr, c: &CertificateRecord, standing: Standing) -> Document {
    let mut blocks = vec![
        Block::Title(tr.t("certificate-pdf-title")),
        Block::Subtitle(tr.t_with(
            "certificate-pdf-number",
            &[("number", c.number.clone().into())],
        )),
        Block::Paragraph(tr.t_with(
            "certificate-pdf-text",
            &[
                ("holder", c.holder_name.clone().into()),
                ("course", tr.term("audience", c.audience.as_str()).into()),
            ],
        )),
        Block::Item(format!(
            "{}: {}",
            tr.t("certificate-issued"),
            tr.date(c.issued_on)
        )),
        Block::Item(format!(
            "{}: {}",
            tr.t("certificate-until"),
            tr.date(c.last_valid_day)
        )),
        Block::Paragraph(tr.t_with(
            "certificate-pdf-verify",
            &[("code", c.verification_code.clone().into())],
        )),
    ];
    if standing != Standing::Valid {
        blocks.insert(
            2,
            Block::Paragraph(tr.t_with(
                "certificate-pdf-not-valid",
                &[("standing", tr.term("standing", standing.as_str()).into())],
            )),
        );
    }
    blocks.push(Block::Signature(tr.t("certificate-pdf-signature")));
    Document {
        title: format!("{} {}", tr.t("certificate-pdf-title"), c.number),
        lang: tr.lang.code().to_string(),
        footer: format!("{} · {}", c.number, c.verification_code),
        page_label: tr.t_with(
            "plan-pdf-page",
            &[("n", "{n}".into()), ("total", "{total}".into())],
        ),
        blocks,
    }
}

async fn certificate_pdf(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    PageQuery(params): PageQuery<FileParams>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "elearning");
    let lang = language(params.lang.as_deref(), ctx.tr.lang)
        .ok_or_else(|| PageError::bad_request(&ctx, ctx.tr.t("certificate-pdf-lang-unknown")))?;
    let c = mnir_app::training::certificate(&state.app, &who(&state, user), &id)
        .await
        .map_err(|e| e.page(&ctx, "certificate-title"))?;
    let today = state.app.jurisdiction().local_date(state.now().to_utc());
    let standing = mnir_app::training::standing_on(&c, today);
    let bytes = download::rendered(document(&ctx.tr.with_lang(lang), &c, standing))
        .await
        .ok_or_else(|| {
            PageError::new(
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "certificate-title",
                ctx.tr.t("error-internal"),
            )
        })?;
    Ok(download::file(
        download::PDF,
        Disposition::Inline,
        &format!("certificate-{}-{}.pdf", c.number, lang.code()),
        bytes,
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct VerifyParams {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    ctx: PageCtx,
    code: String,
    found: Option<Vec<(String, String)>>,
    standing: String,
    valid: bool,
    not_found: bool,
}

async fn verify_form(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(params): PageQuery<VerifyParams>,
) -> PageResult {
    if let Some(code) = params
        .code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        return Ok(Redirect::to(&format!(
            "/verify/{}",
            crate::kit::views::encode_component(&code.to_ascii_uppercase())
        ))
        .into_response());
    }
    let ctx = PageCtx::new(&state.keys, &viewer, "");
    let page = VerifyPage {
        code: String::new(),
        found: None,
        standing: String::new(),
        valid: false,
        not_found: false,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn verify_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "");
    let tr = ctx.tr;
    let (found, standing, valid, status) = match mnir_app::training::verify(&state.app, &code).await
    {
        Ok(v) => {
            let day = |d: &str| {
                mnir_domain::parse_iso_date(d).map_or_else(|| d.to_string(), |d| tr.date(d))
            };
            (
                Some(vec![
                    (
                        tr.t("certificate-holder-initials"),
                        v.holder_initials.clone(),
                    ),
                    (tr.t("certificate-course"), tr.term("audience", &v.audience)),
                    (tr.t("certificate-issued"), day(&v.issued_on)),
                    (tr.t("certificate-until"), day(&v.last_valid_day)),
                ]),
                tr.term("standing", &v.standing),
                v.standing == Standing::Valid.as_str(),
                StatusCode::OK,
            )
        }
        Err(AppError::NotFound) => (None, String::new(), false, StatusCode::NOT_FOUND),
        Err(e) => return Err(e.page(&ctx, "verify-title").into()),
    };
    let page = VerifyPage {
        code: code.clone(),
        not_found: found.is_none(),
        found,
        standing,
        valid,
        ctx: ctx.clone(),
    };
    render(&viewer, status, &page, &ctx)
}
