//! The exchange of the register in HTCDS 2.0 (mnir.md §11) on a coordinator's page: the export
//! for a partner (names and birth dates only with a recipient and legal basis) or for open data,
//! and the import of another system's file, checked first (a dry run) and then stored whole.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::download::{self, Disposition};
use crate::kit::form::{Opt, PageResult, Reply, options, posted, render, signed_in, who};
use crate::kit::refusal::Shown;
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use mnir_app::AppError;
use mnir_app::exchange::{ExportKind, FileFormat, ImportOptions, ImportReport, LegalBasis};
use serde::Deserialize;

/// Where the import form is sent: its body may be as large as an import file.
pub const IMPORT_PAGE: &str = "/exchange/import";

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/exchange", exchange_page)
        .post("/exchange/export", export_submit)
        .post(IMPORT_PAGE, import_submit)
}

/// An export's file as a download, named by what it holds and the day it was made.
pub(crate) fn download(
    state: &AppState,
    kind: &ExportKind,
    format: FileFormat,
    bytes: Vec<u8>,
) -> axum::response::Response {
    let content_type = match format {
        FileFormat::Csv => download::CSV,
        FileFormat::Xlsx => download::XLSX,
    };
    download::file(
        content_type,
        Disposition::Attachment,
        &kind.file_name(format, state.app.today()),
        bytes,
    )
}

/// What the export form sent.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ExportForm {
    kind: String,
    format: String,
    recipient: String,
    legal_basis: String,
}

/// A problem of an import, as the report's table shows it.
struct ProblemRow {
    row: String,
    column: String,
    message: String,
}

/// What an import did, in words.
struct ReportView {
    /// `notice-ok`, `notice-info` or `notice-error`.
    tone: &'static str,
    summary: String,
    present: Option<String>,
    ignored: Option<String>,
    problems: Vec<ProblemRow>,
}

#[derive(Template)]
#[template(path = "exchange.html")]
struct ExchangePage {
    ctx: PageCtx,
    form: ExportForm,
    kinds: Vec<(Opt, String)>,
    formats: Vec<Opt>,
    counties: Vec<Opt>,
    dry_run: bool,
    /// The export form's problems: the field's id on the page, and the message.
    errors: Vec<(String, String)>,
    report: Option<ReportView>,
}

fn page(
    ctx: PageCtx,
    form: ExportForm,
    county: &str,
    dry_run: bool,
    errors: Vec<(String, String)>,
    report: Option<ReportView>,
) -> ExchangePage {
    let tr = ctx.tr;
    let kind = if form.kind.is_empty() {
        "cases"
    } else {
        form.kind.as_str()
    };
    let format = if form.format.is_empty() {
        "csv"
    } else {
        form.format.as_str()
    };
    let kinds = ["cases", "identifying", "open_data"]
        .iter()
        .map(|k| {
            (
                Opt {
                    value: k.to_string(),
                    label: tr.t(&format!("exchange-kind-{k}")),
                    selected: *k == kind,
                },
                tr.t(&format!("exchange-kind-{k}-hint")),
            )
        })
        .collect();
    let formats = options(
        ["csv", "xlsx"]
            .into_iter()
            .map(|f| (f, tr.t(&format!("exchange-format-{f}")))),
        &[format],
    );
    let mut by_name: Vec<&mnir_domain::reference::County> =
        mnir_domain::reference::counties().iter().collect();
    by_name.sort_by(|a, b| a.name.cmp(&b.name));
    let counties = options(
        std::iter::once(("", tr.t("exchange-county-none"))).chain(
            by_name
                .into_iter()
                .map(|c| (c.code.as_str(), c.name.clone())),
        ),
        &[county],
    );
    ExchangePage {
        ctx,
        form,
        kinds,
        formats,
        counties,
        dry_run,
        errors,
        report,
    }
}

async fn exchange_page(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "exchange");
    mnir_app::exchange::may_export(&who(&state, user))
        .map_err(|e| e.page(&ctx, "exchange-title"))?;
    let page = page(
        ctx.clone(),
        ExportForm::default(),
        "",
        true,
        Vec::new(),
        None,
    );
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn export_submit(viewer: Viewer, State(state): State<AppState>, body: Bytes) -> PageResult {
    let posted = posted::<ExportForm>(&viewer, &state, &body, "exchange")?;
    let (ctx, form) = (posted.ctx, posted.form);
    let who = who(&state, posted.user);
    // The form offers these values alone: anything else is no form of this page, and is
    // refused rather than read as the pseudonymous export.
    let refused = || {
        Reply::from(crate::kit::error::PageError::bad_request(
            &ctx,
            ctx.t("error-invalid"),
        ))
    };
    let format = match form.format.as_str() {
        "xlsx" => FileFormat::Xlsx,
        "csv" | "" => FileFormat::Csv,
        _ => return Err(refused()),
    };
    let kind = match form.kind.as_str() {
        "identifying" => {
            LegalBasis::check(&form.recipient, &form.legal_basis).map(ExportKind::Identifying)
        }
        "open_data" => Ok(ExportKind::OpenData),
        "cases" | "" => Ok(ExportKind::Cases),
        _ => return Err(refused()),
    };
    let result = match kind {
        Ok(kind) => mnir_app::exchange::export(&state.app, &who, &kind, format)
            .await
            .map(|file| (kind, file)),
        Err(e) => Err(e),
    };
    match result {
        Ok((kind, file)) => Ok(download(&state, &kind, format, file.bytes)),
        Err(AppError::Invalid(issues)) => {
            let errors = issues
                .iter()
                .map(|i| (format!("f-{}", i.field), ctx.tr.message(&i.message)))
                .collect();
            let page = page(ctx.clone(), form, "", true, errors, None);
            render(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
        }
        Err(e) => Err(e.page(&ctx, "exchange-title").into()),
    }
}

/// The parts of the import form: the file's name and bytes, the county, the dry run.
struct ImportForm {
    file_name: String,
    bytes: Vec<u8>,
    county: String,
    dry_run: bool,
}

async fn read_import_form(mut multipart: Multipart) -> Result<ImportForm, String> {
    let mut form = ImportForm {
        file_name: String::new(),
        bytes: Vec::new(),
        county: String::new(),
        dry_run: false,
    };
    while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
        match field.name().unwrap_or("") {
            "file" => {
                form.file_name = field.file_name().unwrap_or("").to_string();
                form.bytes = field.bytes().await.map_err(|e| e.to_string())?.to_vec();
            }
            "county" => form.county = field.text().await.map_err(|e| e.to_string())?,
            "dry_run" => form.dry_run = field.text().await.map_err(|e| e.to_string())? == "yes",
            _ => {}
        }
    }
    Ok(form)
}

fn report_view(ctx: &PageCtx, report: &ImportReport) -> ReportView {
    let tr = ctx.tr;
    let number = |n: usize| i64::try_from(n).unwrap_or(i64::MAX).into();
    let (tone, summary) = if !report.problems.is_empty() {
        (
            "notice-error",
            tr.t_with(
                "exchange-report-refused",
                &[
                    ("problems", number(report.problems.len())),
                    ("rows", number(report.rows)),
                ],
            ),
        )
    } else if report.stored {
        (
            "notice-ok",
            tr.t_with(
                "exchange-report-stored",
                &[
                    ("count", number(report.new_cases)),
                    ("rows", number(report.rows)),
                ],
            ),
        )
    } else if report.dry_run {
        (
            "notice-info",
            tr.t_with(
                "exchange-report-dry",
                &[
                    ("count", number(report.new_cases)),
                    ("rows", number(report.rows)),
                ],
            ),
        )
    } else {
        (
            "notice-info",
            tr.t_with("exchange-report-nothing", &[("rows", number(report.rows))]),
        )
    };
    ReportView {
        tone,
        summary,
        present: (!report.already_present.is_empty()).then(|| {
            tr.t_with(
                "exchange-report-present",
                &[("count", number(report.already_present.len()))],
            )
        }),
        ignored: (!report.ignored_columns.is_empty()).then(|| {
            tr.t_with(
                "exchange-report-ignored",
                &[("columns", report.ignored_columns.join(", ").into())],
            )
        }),
        problems: report
            .problems
            .iter()
            .map(|p| ProblemRow {
                row: if p.row == 0 {
                    tr.t("exchange-whole-file")
                } else {
                    p.row.to_string()
                },
                column: if p.column.is_empty() && p.row > 1 {
                    tr.t("exchange-reference-column")
                } else {
                    p.column.clone()
                },
                message: tr.message(&p.message),
            })
            .collect(),
    }
}

async fn import_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "exchange");
    let who = who(&state, user);
    mnir_app::exchange::may_import(&who).map_err(|e| e.page(&ctx, "exchange-title"))?;
    // Read only once the user is known to be signed in and allowed: a form of any other shape
    // from anyone else meets the same refusal as on every other page.
    let multipart = {
        use axum::extract::FromRequest;
        Multipart::from_request(request, &state).await
    };
    let form = match multipart {
        Ok(multipart) => read_import_form(multipart).await,
        Err(rejection) => Err(rejection.to_string()),
    };
    let form = form.map_err(|_| {
        Reply::from(crate::kit::error::PageError::bad_request(
            &ctx,
            ctx.t("error-invalid"),
        ))
    })?;
    let invalid = |field: &str, message: String| {
        let page = page(
            ctx.clone(),
            ExportForm::default(),
            &form.county,
            form.dry_run,
            vec![(field.to_string(), message)],
            None,
        );
        render(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
    };
    if form.file_name.is_empty() && form.bytes.is_empty() {
        return invalid("f-file", ctx.t("exchange-file-missing"));
    }
    let options = match ImportOptions::check(form.dry_run, Some(&form.county)) {
        Ok(options) => options,
        Err(AppError::Invalid(issues)) => {
            let message = issues
                .first()
                .map(|i| ctx.tr.message(&i.message))
                .unwrap_or_default();
            return invalid("f-county", message);
        }
        Err(e) => return Err(e.page(&ctx, "exchange-title").into()),
    };
    let report =
        mnir_app::exchange::import(&state.app, &who, &form.file_name, &form.bytes, &options)
            .await
            .map_err(|e| e.page(&ctx, "exchange-title"))?;
    let status = if report.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = report_view(&ctx, &report);
    // After a dry run without problems the box is left unticked, so that the file chosen again
    // is imported; after anything else the next file is checked first again.
    let dry_run = !(form.dry_run && report.problems.is_empty());
    let page = page(
        ctx.clone(),
        ExportForm::default(),
        &form.county,
        dry_run,
        Vec::new(),
        Some(view),
    );
    render(&viewer, status, &page, &ctx)
}
