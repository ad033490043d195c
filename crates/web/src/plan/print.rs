//! The plan printed for signature: a PDF in the person's language (Romanian or English, whatever
//! the reader's own), made of what the reader may see of the plan and nothing more.

use crate::kit::auth::Viewer;
use crate::kit::download::{self, Disposition};
use crate::kit::error::PageError;
use crate::kit::form::{Reply, signed_in, who};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mnir_app::plan::Printable;
use mnir_domain::plan::ProtectionMeasure;
use mnir_pdf::{Block, Document};
use serde::Deserialize;

/// Which version to print, and in which language.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct PrintParams {
    /// The version's number, from 1; the latest when absent.
    #[param(minimum = 1)]
    pub version: Option<i64>,
    /// `ro` or `en`: the person's language; the reader's when absent.
    #[param(value_type = Option<LanguageCode>, inline)]
    pub lang: Option<String>,
}

/// A language of the interface by its code, as the API's document states a parameter that
/// takes one.
pub(crate) struct LanguageCode;

impl utoipa::PartialSchema for LanguageCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Lang::ALL.map(Lang::code)))
            .into()
    }
}

impl utoipa::ToSchema for LanguageCode {}

/// The language asked for, or `None` when it is not one of the interface's.
pub fn language(asked: Option<&str>, reader: Lang) -> Option<Lang> {
    match asked {
        None => Some(reader),
        Some(code) => Lang::parse(code),
    }
}

/// The language an API call asks for, or `None` when it is not exactly the code of one of the
/// interface's: the document states the codes, where a page takes what a person types.
pub fn api_language(asked: Option<&str>, reader: Lang) -> Option<Lang> {
    match asked {
        None => Some(reader),
        Some(code) => Lang::ALL.into_iter().find(|lang| lang.code() == code),
    }
}

/// The plan's version as a document in `tr`'s language.
pub fn document(tr: &Tr, p: &Printable) -> Document {
    let v = &p.version;
    let day = |d: chrono::NaiveDate| tr.date(d);
    let mut blocks = vec![
        Block::Title(tr.t("plan-title")),
        Block::Subtitle(tr.t_with(
            "plan-pdf-subtitle",
            &[
                ("reference", p.reference.clone().into()),
                ("version", v.version.into()),
                ("day", tr.date_of(v.drafted_at_ms).into()),
            ],
        )),
    ];
    if let Some(person) = &p.person {
        blocks.push(Block::Subtitle(
            tr.t_with("plan-pdf-person", &[("name", person.clone().into())]),
        ));
    }
    blocks.push(Block::Paragraph(
        tr.t_with("plan-review-line", &[("day", day(v.review_on).into())]),
    ));
    blocks.push(Block::Heading(tr.t("plan-measures")));
    if v.measures.is_empty() {
        blocks.push(Block::Paragraph(tr.t("plan-no-measures")));
    }
    for m in &v.measures {
        blocks.push(Block::Item(tr.t_with(
            "plan-measure-line",
            &[
                ("measure", tr.term("measure", m.measure.as_str()).into()),
                ("who", m.responsible.clone().into()),
                ("day", day(m.due_on).into()),
            ],
        )));
        if !m.detail.is_empty() {
            blocks.push(Block::Note(m.detail.clone()));
        }
        if m.measure == ProtectionMeasure::ConfidentialShelter {
            blocks.push(Block::Note(
                if p.sees_shelter && !m.shelter_address.is_empty() {
                    tr.t_with(
                        "plan-pdf-shelter",
                        &[("address", m.shelter_address.clone().into())],
                    )
                } else {
                    tr.t("plan-shelter-address-hidden")
                },
            ));
        }
    }
    blocks.push(Block::Heading(tr.t("plan-services")));
    if v.services.is_empty() {
        blocks.push(Block::Paragraph(tr.t("plan-no-services")));
    }
    for s in &v.services {
        blocks.push(Block::Item(tr.t_with(
            "plan-service-line",
            &[
                (
                    "service",
                    tr.term("support", s.service_type.as_str()).into(),
                ),
                ("status", tr.term("servicestatus", s.status.as_str()).into()),
                ("planned", day(s.planned_end_on).into()),
            ],
        )));
        if let Some(provider) = &s.provider_org {
            let name = p
                .organisations
                .get(provider)
                .cloned()
                .unwrap_or_else(|| provider.clone());
            blocks.push(Block::Note(format!("{}: {name}", tr.t("plan-provider"))));
        }
        blocks.push(Block::Note(format!(
            "{}: {}",
            tr.t("plan-objectives"),
            s.objectives
        )));
        if !s.action_plan.is_empty() {
            blocks.push(Block::Note(format!(
                "{}: {}",
                tr.t("plan-action-plan"),
                s.action_plan
            )));
        }
    }
    blocks.push(Block::Heading(tr.t("plan-acknowledgements")));
    blocks.push(Block::Paragraph(tr.t("plan-pdf-acknowledge")));
    blocks.push(Block::Signature(tr.t("plan-pdf-sign-person")));
    blocks.push(Block::Signature(if p.drafted_by.is_empty() {
        tr.t("plan-pdf-sign-assessor")
    } else {
        tr.t_with(
            "plan-pdf-sign-assessor-named",
            &[("who", p.drafted_by.clone().into())],
        )
    }));
    Document {
        title: format!("{} {} v{}", tr.t("plan-title"), p.reference, v.version),
        lang: tr.lang.code().to_string(),
        footer: format!("{} · {}", p.reference, tr.t("plan-pdf-confidential")),
        // The page numbers are known once the pages are laid out: placeholders the layout fills.
        page_label: tr.t_with(
            "plan-pdf-page",
            &[("n", "{n}".into()), ("total", "{total}".into())],
        ),
        blocks,
    }
}

/// The PDF as an answer: shown in the browser, saved under a name that says what it is.
pub fn pdf_response(p: &Printable, lang: Lang, bytes: Vec<u8>) -> Response {
    let name = format!(
        "plan-{}-v{}-{}.pdf",
        p.reference
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
        p.version.version,
        lang.code()
    );
    download::file(download::PDF, Disposition::Inline, &name, bytes)
}

pub async fn print_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    PageQuery(params): PageQuery<PrintParams>,
) -> Result<Response, Reply> {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let lang = language(params.lang.as_deref(), ctx.tr.lang)
        .ok_or_else(|| PageError::bad_request(&ctx, ctx.tr.t("plan-pdf-lang-unknown")))?;
    let printable = mnir_app::plan::printable(&state.app, &who(&state, user), &id, params.version)
        .await
        .map_err(|e| e.page(&ctx, "plan-title"))?;
    let bytes = download::rendered(document(&ctx.tr.with_lang(lang), &printable))
        .await
        .ok_or_else(|| {
            PageError::new(
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "plan-title",
                ctx.tr.t("error-internal"),
            )
        })?;
    Ok(pdf_response(&printable, lang, bytes))
}
