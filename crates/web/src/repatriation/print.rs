//! The return file: a PDF in Romanian or English for the escort and the receiving partner. It
//! holds the steps, their documents and the people to contact, and of the support compartment
//! only what the reception needs (the first day's needs, where the person stays); no note, no
//! reintegration plan, no check-in, no assessment.

use crate::kit::auth::Viewer;
use crate::kit::download::{self, Disposition};
use crate::kit::error::PageError;
use crate::kit::form::{Reply, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use crate::plan::print::language;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mnir_app::repatriation::Page;
use mnir_domain::repatriation::Step;
use mnir_pdf::{Block, Document};

/// In which language to print.
#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct FileParams {
    /// `ro` or `en`; the reader's when absent.
    pub lang: Option<String>,
}

/// The details of a step that go into the file: what the escort and the reception act on.
fn shared_details(step: Step) -> &'static [&'static str] {
    match step {
        Step::FitToTravel => &["escort"],
        Step::Travel => &["itinerary", "met_by"],
        Step::Reception => &["first_day_needs", "stays_at"],
        _ => &[],
    }
}

/// The file in `tr`'s language.
pub fn document(tr: &Tr, p: &Page) -> Document {
    let r = &p.overview.record;
    let org_name = |code: &str| {
        p.organisations
            .iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_string(), |o| o.name.clone())
    };
    let mut blocks = vec![
        Block::Title(tr.t("repatriation-file-title")),
        Block::Subtitle(
            tr.t_with(
                "repatriation-file-subtitle",
                &[
                    ("reference", p.reference.clone().into()),
                    (
                        "direction",
                        tr.term("repatriation-direction", r.direction.as_str())
                            .into(),
                    ),
                    ("country", tr.country(&r.country).into()),
                ],
            ),
        ),
    ];
    if let Some(person) = &p.person {
        blocks.push(Block::Subtitle(tr.t_with(
            "repatriation-file-person",
            &[("name", person.clone().into())],
        )));
    }
    blocks.push(Block::Heading(tr.t("repatriation-file-contacts")));
    blocks.push(Block::Item(format!(
        "{}: {}",
        tr.t("repatriation-organisation"),
        org_name(&r.org_code)
    )));
    blocks.push(Block::Item(format!(
        "{}: {}",
        tr.t("repatriation-partner"),
        org_name(&r.partner_org)
    )));
    blocks.push(Block::Heading(tr.t("repatriation-steps")));
    for s in &r.steps {
        blocks.push(Block::Item(
            tr.t_with(
                "repatriation-file-step",
                &[
                    ("number", (s.step.number() as i64).into()),
                    ("step", tr.term("repatriation-step", s.step.as_str()).into()),
                    (
                        "state",
                        tr.term("repatriation-state", s.state.as_str()).into(),
                    ),
                    (
                        "day",
                        s.happened_on
                            .map_or_else(|| "—".to_string(), |d| tr.date(d))
                            .into(),
                    ),
                ],
            ),
        ));
        let who = [
            s.responsible_org.as_deref().map(org_name),
            Some(s.responsible_person.clone()).filter(|p| !p.is_empty()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
        if !who.is_empty() {
            blocks.push(Block::Note(format!(
                "{}: {}",
                tr.t("repatriation-responsible"),
                who.join(", ")
            )));
        }
        for d in &s.documents {
            blocks.push(Block::Note(format!(
                "{}: {}",
                tr.term("repatriation-document", d.kind.as_str()),
                d.number
            )));
        }
        for name in shared_details(s.step) {
            let Some(value) = s.details.get(*name) else {
                continue;
            };
            let value = if *name == "escort" {
                tr.term("repatriation-escort", value)
            } else {
                value.clone()
            };
            blocks.push(Block::Note(format!(
                "{}: {value}",
                tr.term("repatriation-detail", name)
            )));
        }
    }
    if !r.checkins.is_empty() {
        blocks.push(Block::Heading(tr.t("repatriation-checkins")));
        for c in &r.checkins {
            blocks.push(Block::Item(tr.t_with(
                "repatriation-file-checkin",
                &[
                    ("number", c.number.into()),
                    ("day", tr.date(c.due_on).into()),
                    ("org", org_name(&c.org_code).into()),
                ],
            )));
        }
    }
    blocks.push(Block::Paragraph(tr.t("repatriation-file-confidential")));
    Document {
        title: format!("{} {}", tr.t("repatriation-file-title"), p.reference),
        lang: tr.lang.code().to_string(),
        footer: format!("{} · {}", p.reference, tr.t("plan-pdf-confidential")),
        page_label: tr.t_with(
            "plan-pdf-page",
            &[("n", "{n}".into()), ("total", "{total}".into())],
        ),
        blocks,
    }
}

pub async fn return_file(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    PageQuery(params): PageQuery<FileParams>,
) -> Result<Response, Reply> {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let lang = language(params.lang.as_deref(), ctx.tr.lang)
        .ok_or_else(|| PageError::bad_request(&ctx, ctx.tr.t("plan-pdf-lang-unknown")))?;
    let page = mnir_app::repatriation::return_file(&state.app, &who(&state, user), &id)
        .await
        .map_err(|e| e.page(&ctx, "repatriation-file-title"))?;
    let bytes = download::rendered(document(&ctx.tr.with_lang(lang), &page))
        .await
        .ok_or_else(|| {
            PageError::new(
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "repatriation-file-title",
                ctx.tr.t("error-internal"),
            )
        })?;
    let name = format!(
        "return-file-{}-{}.pdf",
        page.reference
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
        lang.code()
    );
    Ok(download::file(
        download::PDF,
        Disposition::Inline,
        &name,
        bytes,
    ))
}
