//! The national statistics pages (mnir.md §11): every table of a reference year, for the whole
//! country or one development region, each drawn as a chart beside its data table, in the
//! internal view (exact counts, ANITP's coordinators) or the published one (after disclosure
//! control), and each downloadable as CSV.

pub mod api;
pub mod documents;

use crate::kit::auth::Viewer;
use crate::kit::download::{self, Disposition};
use crate::kit::error::PageError;
use crate::kit::form::{Opt, render, signed_in, who};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::Shown;
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::{PageCtx, encode_component};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mnir_app::statistics::{Label, StatCell, StatisticsTable, TableRequest};
use mnir_domain::reference;
use serde::Deserialize;

type PageResult = Result<Response, crate::kit::form::Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/statistics", publication_page)
        .get("/statistics/{name}", table_page)
        .get("/statistics/workbook", publication_workbook)
        .get("/statistics/report", report_page)
        .get("/statistics/{name}/csv", table_csv)
        .get("/statistics/{name}/xlsx", table_workbook)
}

/// What the filters of a statistics page send.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct StatisticsParams {
    year: Option<i32>,
    /// A development region's code; empty for the whole country.
    region: Option<String>,
    /// `internal` or `published`; by default the most exact view the user may see.
    view: Option<String>,
}

/// The words of a table in the reader's language: its dimensions, categories, totals, and what
/// stands in a hidden figure's place.
pub fn label(tr: &Tr, label: Label<'_>) -> String {
    match label {
        Label::Dimension(d) => tr.term("stat-dimension", d),
        // A development region is named by the reference table; the other categories of a
        // dimension of regions ("abroad", "unknown") by the messages.
        Label::Category {
            dimension: "region" | "recruitment_region",
            code,
        } if reference::region(code).is_some() => match reference::region(code) {
            Some(r) if tr.lang == Lang::Ro => r.name_ro.clone(),
            Some(r) => r.name_en.clone(),
            None => code.to_string(),
        },
        Label::Category { dimension, code } => tr.t(&format!("stat-category-{dimension}-{code}")),
        Label::Total => tr.t("stat-total"),
        Label::Suppressed => tr.t("stat-hidden-mark"),
        Label::Table(name) => tr.term("stat-table", name),
    }
}

pub(crate) fn region_name(tr: &Tr, region: Option<&str>) -> String {
    match region {
        None => tr.t("stat-region-all"),
        Some(code) => label(
            tr,
            Label::Category {
                dimension: "region",
                code,
            },
        ),
    }
}

/// The request the filters make, or the page that says what is wrong with them.
fn request_of(
    state: &AppState,
    user: &mnir_store::User,
    params: &StatisticsParams,
    ctx: &PageCtx,
) -> Result<TableRequest, PageError> {
    let published = match params.view.as_deref() {
        None | Some("") => !mnir_app::statistics::may_view_internal(user),
        Some("internal") => false,
        Some("published") => true,
        Some(_) => return Err(PageError::bad_request(ctx, ctx.t("stat-view-unknown"))),
    };
    Ok(TableRequest {
        year: params
            .year
            .unwrap_or_else(|| mnir_app::statistics::default_year(&state.app)),
        region: params.region.clone().filter(|r| !r.is_empty()),
        published,
    })
}

fn query_of(request: &TableRequest) -> String {
    format!(
        "year={}&region={}&view={}",
        request.year,
        encode_component(request.region.as_deref().unwrap_or("")),
        if request.published {
            "published"
        } else {
            "internal"
        }
    )
}

struct CellView {
    text: String,
    /// Why the figure is hidden, for a hidden one.
    hidden: Option<String>,
}

struct RowView {
    label: String,
    cells: Vec<CellView>,
    total: CellView,
}

struct TableView {
    name: String,
    title: String,
    /// The median and 90th percentile of a table of times, in words.
    summary: Option<String>,
    caption: String,
    row_heading: String,
    columns: Vec<String>,
    rows: Vec<RowView>,
    totals: Vec<CellView>,
    total: CellView,
    chart: mnir_pdf::bars::Chart,
    chart_desc: String,
    csv_href: String,
    xlsx_href: String,
    alone_href: String,
}

/// The table drawn as grouped bars: a group per row, a bar per column, hidden figures marked.
pub(crate) fn chart_of(tr: &Tr, t: &StatisticsTable) -> mnir_pdf::bars::Chart {
    let category = |dimension: &str, code: &str| label(tr, Label::Category { dimension, code });
    let columns: Vec<String> = t
        .columns
        .iter()
        .map(|c| category(&t.column_dimension, c))
        .collect();
    let groups: Vec<(String, Vec<Option<u64>>)> = t
        .rows
        .iter()
        .zip(&t.cells)
        .map(|(code, cells)| {
            (
                category(&t.row_dimension, code),
                cells.iter().map(|c| c.value()).collect(),
            )
        })
        .collect();
    mnir_pdf::bars::grouped_bars(&columns, &groups, &tr.t("stat-hidden-mark"), &|n| {
        tr.number(n as i64)
    })
}

fn table_view(tr: &Tr, t: &StatisticsTable, query: &str) -> TableView {
    let cell = |c: &StatCell| match c {
        StatCell::Value(n) => CellView {
            text: tr.number(*n as i64),
            hidden: None,
        },
        // One mark and one explanation for every hidden figure: telling which were hidden for
        // being small would tell the reader they are below k.
        StatCell::Suppressed(_) => CellView {
            text: tr.t("stat-hidden-mark"),
            hidden: Some(tr.t_with("stat-hidden", &[("below", (t.k as i64 - 1).into())])),
        },
    };
    let category = |dimension: &str, code: &str| label(tr, Label::Category { dimension, code });
    let columns: Vec<String> = t
        .columns
        .iter()
        .map(|c| category(&t.column_dimension, c))
        .collect();
    let rows: Vec<RowView> = t
        .rows
        .iter()
        .zip(&t.cells)
        .zip(&t.row_totals)
        .map(|((code, cells), total)| RowView {
            label: category(&t.row_dimension, code),
            cells: cells.iter().map(cell).collect(),
            total: cell(total),
        })
        .collect();
    let title = tr.term("stat-table", &t.table);
    let view = tr.t(if t.published {
        "stat-view-published"
    } else {
        "stat-view-internal"
    });
    TableView {
        caption: tr.t_with(
            "stat-caption",
            &[
                ("title", title.clone().into()),
                ("year", t.year.to_string().into()),
                ("region", region_name(tr, t.region.as_deref()).into()),
                ("view", view.into()),
            ],
        ),
        chart: chart_of(tr, t),
        chart_desc: tr.t_with(
            "stat-chart-desc",
            &[
                ("rows", label(tr, Label::Dimension(&t.row_dimension)).into()),
                (
                    "columns",
                    label(tr, Label::Dimension(&t.column_dimension)).into(),
                ),
            ],
        ),
        row_heading: label(tr, Label::Dimension(&t.row_dimension)),
        totals: t.column_totals.iter().map(cell).collect(),
        total: cell(&t.total),
        csv_href: format!("/statistics/{}/csv?{query}", t.table),
        xlsx_href: format!("/statistics/{}/xlsx?{query}", t.table),
        alone_href: format!("/statistics/{}?{query}", t.table),
        summary: days_summary(tr, t),
        name: t.table.clone(),
        title,
        columns,
        rows,
    }
}

/// The median and 90th percentile of the days a table of times counts, in words; `None` for
/// the other tables.
pub(crate) fn days_summary(tr: &Tr, t: &StatisticsTable) -> Option<String> {
    let summary = t.identification_days?;
    let number = |n: u64| i64::try_from(n).unwrap_or(i64::MAX).into();
    Some(
        match (summary.median_days, summary.p90_days, summary.identified) {
            (Some(median), Some(p90), Some(identified)) => tr.t_with(
                "stat-days-summary",
                &[
                    ("median", number(median)),
                    ("p90", number(p90)),
                    ("identified", number(identified)),
                ],
            ),
            (Some(median), Some(p90), None) => tr.t_with(
                "stat-days-summary-published",
                &[("median", number(median)), ("p90", number(p90))],
            ),
            (_, _, Some(0)) => tr.t("stat-days-none"),
            // Published without them: why would say something of the figures hidden.
            _ => tr.t("stat-days-not-published"),
        },
    )
}

struct ReportLink {
    href: String,
    lang: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsView {
    ctx: PageCtx,
    heading: String,
    note: String,
    year_options: Vec<Opt>,
    region_options: Vec<Opt>,
    /// Empty when the user may see only the published view.
    view_options: Vec<Opt>,
    /// Where the filters send: the publication or the one table.
    action: String,
    tables: Vec<TableView>,
    /// The whole publication, from a page of one table.
    all_href: Option<String>,
    /// Every table shown, as one workbook, and the link's words.
    workbook_href: String,
    workbook_label: String,
    /// The annual report of a complete year, in Romanian and in English.
    report_links: Vec<ReportLink>,
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    name: Option<&str>,
    params: &StatisticsParams,
) -> PageResult {
    let user = signed_in(viewer)?;
    let (ctx, request, tables) = asked_tables(state, viewer, name, params).await?;
    let tr = ctx.tr;
    let query = query_of(&request);
    // The year still running is offered only to those who may see exact counts: its figures are
    // never published.
    let internal = mnir_app::statistics::may_view_internal(user);
    let latest = mnir_app::statistics::default_year(&state.app) + i32::from(internal);
    let mut years: Vec<i32> = (latest - 9..=latest).rev().collect();
    // A year asked for by its link stays chosen even when it is older than the list.
    if !years.contains(&request.year) {
        years.push(request.year);
    }
    let year_options = years
        .into_iter()
        .map(|y| Opt {
            value: y.to_string(),
            label: y.to_string(),
            selected: y == request.year,
        })
        .collect();
    let mut region_options = vec![Opt {
        value: String::new(),
        label: tr.t("stat-region-all"),
        selected: request.region.is_none(),
    }];
    region_options.extend(reference::regions().iter().map(|r| Opt {
        value: r.code.clone(),
        label: region_name(&tr, Some(&r.code)),
        selected: request.region.as_deref() == Some(r.code.as_str()),
    }));
    let view_options = if internal {
        ["internal", "published"]
            .into_iter()
            .map(|v| Opt {
                value: v.into(),
                label: tr.t(&format!("stat-view-{v}")),
                selected: (v == "published") == request.published,
            })
            .collect()
    } else {
        Vec::new()
    };
    let note = if request.published {
        tr.t_with(
            "stat-note-published",
            &[(
                "below",
                (state.app.jurisdiction().disclosure_threshold as i64 - 1).into(),
            )],
        )
    } else {
        tr.t("stat-note-internal")
    };
    let view = StatisticsView {
        heading: match name {
            Some(n) => tr.term("stat-table", n),
            None => tr.t("stat-title"),
        },
        note,
        year_options,
        region_options,
        view_options,
        action: match name {
            Some(n) => format!("/statistics/{n}"),
            None => "/statistics".into(),
        },
        tables: tables.iter().map(|t| table_view(&tr, t, &query)).collect(),
        all_href: name.map(|_| format!("/statistics?{query}")),
        workbook_label: tr.t(if name.is_some() {
            "stat-download-table-workbook"
        } else {
            "stat-download-workbook"
        }),
        workbook_href: match name {
            Some(n) => format!("/statistics/{n}/xlsx?{query}"),
            None => format!("/statistics/workbook?{query}"),
        },
        // The report is of a complete year and published figures; the running year has none.
        report_links: if request.year <= mnir_app::statistics::default_year(&state.app) {
            [Lang::Ro, Lang::En]
                .into_iter()
                .map(|l| ReportLink {
                    href: format!("/statistics/report?year={}&lang={}", request.year, l.code()),
                    lang: l.code(),
                    label: tr.t(&format!("stat-report-{}", l.code())),
                })
                .collect()
        } else {
            Vec::new()
        },
        ctx: ctx.clone(),
    };
    render(viewer, StatusCode::OK, &view, &ctx)
}

async fn publication_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(params): PageQuery<StatisticsParams>,
) -> PageResult {
    show(&state, &viewer, None, &params).await
}

async fn table_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(name): PagePath<String>,
    PageQuery(params): PageQuery<StatisticsParams>,
) -> PageResult {
    show(&state, &viewer, Some(&name), &params).await
}

/// The name a downloaded file is saved under: the table (or the publication), the year, the
/// view and the region.
pub(crate) fn file_name(what: &str, request: &TableRequest, extension: &str) -> String {
    format!(
        "{what}-{}-{}{}.{extension}",
        request.year,
        if request.published {
            "published"
        } else {
            "internal"
        },
        request
            .region
            .as_deref()
            .map(|r| format!("-{r}"))
            .unwrap_or_default()
    )
}

/// The tables a page or a download asks for: one by its name, or the whole publication.
async fn asked_tables(
    state: &AppState,
    viewer: &Viewer,
    name: Option<&str>,
    params: &StatisticsParams,
) -> Result<(PageCtx, TableRequest, Vec<StatisticsTable>), crate::kit::form::Reply> {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "statistics");
    let request = request_of(state, user, params, &ctx)?;
    let who = who(state, user);
    let tables = match name {
        Some(name) => mnir_app::statistics::table(&state.app, &who, name, &request)
            .await
            .map(|t| vec![t]),
        None => mnir_app::statistics::publication(&state.app, &who, &request).await,
    }
    .map_err(|e| e.page(&ctx, "stat-title"))?;
    Ok((ctx, request, tables))
}

/// One table as a CSV file, worded in the reader's language; a published view's hidden figures
/// are marked, never written.
async fn table_csv(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(name): PagePath<String>,
    PageQuery(params): PageQuery<StatisticsParams>,
) -> PageResult {
    let (ctx, request, tables) = asked_tables(&state, &viewer, Some(&name), &params).await?;
    let csv = mnir_app::statistics::to_csv(&tables[0], &|l| label(&ctx.tr, l));
    Ok(download::file(
        download::CSV,
        Disposition::Attachment,
        &file_name(&tables[0].table, &request, "csv"),
        csv.into_bytes(),
    ))
}

async fn workbook_answer(
    state: &AppState,
    viewer: &Viewer,
    name: Option<&str>,
    params: &StatisticsParams,
) -> PageResult {
    let (ctx, request, tables) = asked_tables(state, viewer, name, params).await?;
    let bytes = documents::workbook(&ctx.tr, &tables, state.app.today())
        .map_err(|e| e.page(&ctx, "stat-title"))?;
    Ok(download::file(
        download::XLSX,
        Disposition::Attachment,
        &file_name(name.unwrap_or("statistics"), &request, "xlsx"),
        bytes,
    ))
}

/// One table as an XLSX workbook, with its sheet of notes.
async fn table_workbook(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(name): PagePath<String>,
    PageQuery(params): PageQuery<StatisticsParams>,
) -> PageResult {
    workbook_answer(&state, &viewer, Some(&name), &params).await
}

/// Every table of the year as one XLSX workbook, a sheet each.
async fn publication_workbook(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(params): PageQuery<StatisticsParams>,
) -> PageResult {
    workbook_answer(&state, &viewer, None, &params).await
}

/// What the annual report's link sends.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ReportParams {
    year: Option<i32>,
    /// `ro` or `en`; the reader's language when absent.
    lang: Option<String>,
}

/// The annual report of a complete year as PDF, in Romanian or English: always the published
/// view of the whole country, whoever asks.
async fn report_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(params): PageQuery<ReportParams>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "statistics");
    let lang = match params.lang.as_deref() {
        None | Some("") => ctx.tr.lang,
        Some(code) => Lang::parse(code)
            .ok_or_else(|| PageError::bad_request(&ctx, ctx.tr.t("stat-report-lang-unknown")))?,
    };
    let request = mnir_app::statistics::annual_report_request(
        params
            .year
            .unwrap_or_else(|| mnir_app::statistics::default_year(&state.app)),
    );
    let tables = mnir_app::statistics::publication(&state.app, &who(&state, user), &request)
        .await
        .map_err(|e| e.page(&ctx, "stat-title"))?;
    let bytes = documents::report_pdf(&ctx.tr.with_lang(lang), &tables, state.app.today())
        .await
        .ok_or_else(|| {
            PageError::new(
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "stat-title",
                ctx.tr.t("error-internal"),
            )
        })?;
    Ok(download::file(
        download::PDF,
        Disposition::Inline,
        &mnir_app::statistics::annual_report_file_name(request.year, lang.code()),
        bytes,
    ))
}
