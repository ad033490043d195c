//! The training reports (mnir.md §12): people trained by professional category, county and
//! organisation, sessions by city, certificates by standing, and notifications made by certified
//! and uncertified staff, exact for trainers and coordinators, after disclosure control in the
//! published view.

use crate::kit::api::{ApiResult, Caller, answer, caller, who as api_who};
use crate::kit::auth::Viewer;
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::form::{Reply, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::{ApiQuery, PageQuery};
use crate::kit::refusal::Shown;
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mnir_app::statistics::StatCell;
use mnir_app::training::{ReportTable, TrainingReport};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/training/reports", reports_page)
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reports_api))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ViewParams {
    /// `internal` (exact counts) or `published` (after disclosure control).
    view: Option<String>,
}

struct Line {
    label: String,
    figures: Vec<(String, Option<String>)>,
}

struct TableView {
    name: &'static str,
    title: String,
    line_heading: String,
    columns: Vec<String>,
    lines: Vec<Line>,
    totals: Vec<(String, Option<String>)>,
}

#[derive(Template)]
#[template(path = "training_reports.html")]
struct ReportsPage {
    ctx: PageCtx,
    published: bool,
    tables: Vec<TableView>,
}

fn figure(tr: &Tr, k: u64, cell: &StatCell) -> (String, Option<String>) {
    match cell {
        StatCell::Value(n) => (tr.number(*n as i64), None),
        StatCell::Suppressed(_) => (
            tr.t("stat-hidden-mark"),
            Some(tr.t_with("stat-hidden", &[("below", (k as i64 - 1).into())])),
        ),
    }
}

fn line_label(
    tr: &Tr,
    table: &ReportTable,
    key: &str,
    name: Option<&str>,
    orgs: &[mnir_store::Organisation],
) -> String {
    match table.name {
        "trained-by-category" => tr.term("category", key),
        "certificates-by-standing" => tr.term("standing", key),
        "trained-by-county" => {
            mnir_domain::reference::county(key).map_or_else(|| key.to_string(), |c| c.name.clone())
        }
        "trained-by-organisation" => match name {
            Some(name) => name.to_string(),
            None => orgs
                .iter()
                .find(|o| o.code == key)
                .map_or_else(|| key.to_string(), |o| o.name.clone()),
        },
        _ => key.to_string(),
    }
}

fn view(
    tr: &Tr,
    k: u64,
    report: &TrainingReport,
    orgs: &[mnir_store::Organisation],
) -> Vec<TableView> {
    report
        .tables
        .iter()
        .map(|t| TableView {
            name: t.name,
            title: tr.t(&format!("training-report-{}", t.name)),
            line_heading: tr.t(&format!("training-report-{}-line", t.name)),
            columns: t
                .columns
                .iter()
                .map(|c| tr.t(&format!("training-report-column-{c}")))
                .collect(),
            lines: t
                .lines
                .iter()
                .map(|l| Line {
                    label: line_label(tr, t, &l.key, l.name.as_deref(), orgs),
                    figures: l.figures.iter().map(|f| figure(tr, k, f)).collect(),
                })
                .collect(),
            totals: t.totals.iter().map(|f| figure(tr, k, f)).collect(),
        })
        .collect()
}

async fn reports_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(params): PageQuery<ViewParams>,
) -> Result<Response, Reply> {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "training");
    let published = match params.view.as_deref() {
        None | Some("internal") => false,
        Some("published") => true,
        Some(_) => {
            return Err(crate::kit::error::PageError::bad_request(
                &ctx,
                ctx.tr.t("training-report-view-unknown"),
            )
            .into());
        }
    };
    let report = mnir_app::training::reports(&state.app, &who(&state, user), published)
        .await
        .map_err(|e| e.page(&ctx, "training-reports-title"))?;
    let orgs = mnir_app::accounts::organisations(&state.app)
        .await
        .map_err(|e| e.page(&ctx, "training-reports-title"))?;
    let k = state.app.jurisdiction().disclosure_threshold;
    let page = ReportsPage {
        published,
        tables: view(&ctx.tr, k, &report, &orgs),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportParams {
    /// `true` for the published view (after disclosure control); exact counts otherwise.
    published: Option<bool>,
}

/// The training reports: people trained by category, county and organisation, sessions by
/// city, certificates by standing, notifications by certified and uncertified staff per year.
#[utoipa::path(get, path = "/api/v1/training/reports", params(ReportParams), responses(
    (status = 200, body = TrainingReport), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 400, body = ApiErrorEnvelope)
))]
async fn reports_api(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> ApiResult<Json<TrainingReport>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = api_who(&state, &user);
    let report = answer!(
        tr,
        mnir_app::training::reports(&state.app, &who, p.published.unwrap_or(false))
    );
    Ok(Json(report))
}
