//! Possible duplicates on pages (mnir.md §13): the pairs of notifications that may be one
//! person, put to ANITP's case workers by their references and a score, never their names;
//! merged or marked distinct.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::form::{Reply, posted, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::Shown;
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_domain::duplicates::{Which, merged_away};
use mnir_store::{DuplicateCandidate, ListPlace, PairCase};
use serde::Deserialize;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/duplicates", list_page)
        .post("/duplicates/{id}/decision", decide_submit)
}

struct Side {
    reference: String,
    county: String,
    state: String,
    notified: String,
    notifier: String,
}

fn side(tr: &Tr, c: &PairCase) -> Side {
    Side {
        reference: c.reference.clone(),
        county: crate::cases::county_name(&c.county),
        state: tr.term("state", c.state.as_str()),
        notified: tr.datetime(c.notified_at_ms),
        notifier: c.notifying_org.clone(),
    }
}

struct PairRow {
    id: String,
    earlier: Side,
    later: Side,
    score: String,
    exact: bool,
    /// The merge's wording ("… becomes a duplicate of …") and the case it marks, when one of
    /// the two can still be.
    merge: Option<(String, String)>,
    decided: Option<String>,
}

fn pair_row(tr: &Tr, p: &DuplicateCandidate) -> PairRow {
    let merge = merged_away(p.earlier.state, p.later.state).map(|which| {
        let (away, kept) = match which {
            Which::Later => (&p.later, &p.earlier),
            Which::Earlier => (&p.earlier, &p.later),
        };
        let words = tr.t_with(
            "duplicate-merge",
            &[
                ("away", away.reference.clone().into()),
                ("kept", kept.reference.clone().into()),
            ],
        );
        (words, away.case_id.clone())
    });
    PairRow {
        id: p.id.clone(),
        earlier: side(tr, &p.earlier),
        later: side(tr, &p.later),
        score: format!("{}%", (p.score_permille + 5) / 10),
        exact: p.exact,
        merge,
        decided: p.decision.zip(p.decided_at_ms).map(|(d, at)| {
            format!(
                "{} ({})",
                tr.term("duplicate-decision", d.as_str()),
                tr.datetime(at)
            )
        }),
    }
}

#[derive(Template)]
#[template(path = "duplicates.html")]
struct ListPage {
    ctx: PageCtx,
    pairs: Vec<PairRow>,
    all: bool,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    all: String,
    after: String,
}

/// Pairs a page shows.
const PAGE: u32 = 25;

async fn list_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "duplicates");
    let who = who(&state, user);
    let all = query.all == "1";
    // A place no link could have held reads from the start.
    let after = query.after.parse::<ListPlace>().ok();
    let pairs = mnir_app::duplicates::candidates(&state.app, &who, !all, after.as_ref(), PAGE)
        .await
        .map_err(|e| e.page(&ctx, "duplicates-title"))?;
    let next = ListPlace::after_full(&pairs, PAGE, ListPlace::of_pair).map(|p| p.to_string());
    let page = ListPage {
        pairs: pairs.iter().map(|p| pair_row(&ctx.tr, p)).collect(),
        all,
        next,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecisionForm {
    decision: String,
    /// The case the page offered to mark as duplicate.
    away: String,
}

async fn decide_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<DecisionForm>(&viewer, &state, &body, "duplicates")?;
    mnir_app::duplicates::decide(
        &state.app,
        &who(&state, posted.user),
        &id,
        &posted.form.decision,
        Some(posted.form.away.as_str()).filter(|a| !a.is_empty()),
    )
    .await
    .map_err(|e| e.page(&posted.ctx, "duplicates-title"))?;
    Ok(Redirect::to("/duplicates").into_response())
}
