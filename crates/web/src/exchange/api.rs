//! The API of the exchange in HTCDS 2.0 (mnir.md §11), with the same rules as the command line.

use crate::kit::api::{ApiResult, Caller, answer, caller, parse_json, who};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::query::ApiQuery;
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mnir_app::exchange::{ExportKind, FileFormat, ImportOptions, ImportReport, LegalBasis};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_htcds))
        .routes(routes!(import_htcds))
}

/// The path an import is sent to: its body may be as large as an import file.
pub const IMPORT_PATH: &str = "/api/v1/exchange/htcds/import";

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportKindJson {
    /// A row per case with its reference, without names or birth dates.
    Cases,
    /// A row per case with names and birth dates, for `recipient` on `legal_basis`.
    Identifying,
    /// The de-identified extract: victims by year, sex, age, citizenship group and form of
    /// exploitation, each combination shared by at least k of them.
    OpenData,
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum FileFormatJson {
    Csv,
    Xlsx,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportRequestJson {
    kind: ExportKindJson,
    #[serde(default = "csv")]
    format: FileFormatJson,
    /// Who receives names and birth dates: for `identifying`, required, more than spaces and at
    /// most 500 characters; not read for the other kinds.
    recipient: Option<String>,
    /// The legal ground on which they receive them: for `identifying`, required, more than
    /// spaces and at most 500 characters; not read for the other kinds.
    legal_basis: Option<String>,
}

fn csv() -> FileFormatJson {
    FileFormatJson::Csv
}

/// The register in HTCDS 2.0 for a partner: a row per case (duplicates left out) in the order of
/// the references, the reference in the unnamed first column as in the standard's template,
/// every other column a field of the standard and every value one of its value names,
/// multi-selects joined with `;`. Names and birth dates only in an `identifying` export, whose
/// recipient and legal basis the audit log records with every page read. `open_data` is the
/// de-identified extract. ANITP's national coordinators only.
#[utoipa::path(post, path = "/api/v1/exchange/htcds/export", request_body = ExportRequestJson, responses(
    (status = 200, content_type = "text/csv", body = String, description = "The file (CSV, or XLSX with sheet \"Case Sheet\")"),
    (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn export_htcds(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let request: ExportRequestJson = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let kind = match request.kind {
        ExportKindJson::Cases => ExportKind::Cases,
        ExportKindJson::OpenData => ExportKind::OpenData,
        ExportKindJson::Identifying => ExportKind::Identifying(
            LegalBasis::check(
                request.recipient.as_deref().unwrap_or(""),
                request.legal_basis.as_deref().unwrap_or(""),
            )
            .map_err(|e| e.api(&tr))?,
        ),
    };
    let format = match request.format {
        FileFormatJson::Csv => FileFormat::Csv,
        FileFormatJson::Xlsx => FileFormat::Xlsx,
    };
    let file = answer!(
        tr,
        mnir_app::exchange::export(&state.app, &who, &kind, format)
    );
    Ok(super::download(&state, &kind, format, file.bytes))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct ImportParams {
    /// Check every row and report, storing nothing.
    dry_run: bool,
    /// The county (ISO 3166-2) a case is filed in when its row tells none.
    #[param(value_type = Option<CountyCode>, inline)]
    county: Option<String>,
}

/// A county of the reference data, as the document states `county`.
struct CountyCode;

impl utoipa::PartialSchema for CountyCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        crate::kit::schema::county().into()
    }
}

impl ToSchema for CountyCode {}

#[derive(Serialize, ToSchema)]
pub struct RowProblemJson {
    /// The file's row (the header is row 1; 0 for the whole file).
    row: usize,
    /// The field name of the column; empty for the reference column and the whole row.
    column: String,
    /// The problem, in the caller's language.
    message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportReportJson {
    dry_run: bool,
    /// Data rows read.
    rows: usize,
    /// Rows that are new cases.
    new_cases: usize,
    /// Whether they were stored: never on a dry run or when there is a problem.
    stored: bool,
    /// References already in the register, whose rows were left alone.
    already_present: Vec<String>,
    /// Fields of the standard in the file that mnir does not keep.
    ignored_columns: Vec<String>,
    problems: Vec<RowProblemJson>,
}

pub fn report_json(tr: &crate::kit::i18n::Tr, report: ImportReport) -> ImportReportJson {
    ImportReportJson {
        dry_run: report.dry_run,
        rows: report.rows,
        new_cases: report.new_cases,
        stored: report.stored,
        already_present: report.already_present,
        ignored_columns: report.ignored_columns,
        problems: report
            .problems
            .iter()
            .map(|p| RowProblemJson {
                row: p.row,
                column: p.column.clone(),
                message: tr.message(&p.message),
            })
            .collect(),
    }
}

/// Imports another system's cases from an HTCDS 2.0 file sent as the body (CSV in UTF-8, or an
/// XLSX workbook, read from its sheet "Case Sheet" or else its first): all of them, or when any
/// row has a problem none, with every problem by row and field (422). A row whose reference is
/// already in the register is left alone, so a second import of the same file stores nothing.
/// ANITP's national coordinators only.
#[utoipa::path(post, path = "/api/v1/exchange/htcds/import", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The file, at most 64 MiB"),
    responses(
    (status = 200, body = ImportReportJson), (status = 400, body = ApiErrorEnvelope),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 413, body = ApiErrorEnvelope),
    (status = 422, body = ImportReportJson)
))]
async fn import_htcds(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: axum::body::Body,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    mnir_app::exchange::may_import(&who).map_err(|e| e.api(&tr))?;
    // Read only now that the caller is known and may import: nobody else makes the server hold
    // a file. The route's limit (`kit::security::body_limit`) bounds it.
    let body = axum::body::to_bytes(body, usize::MAX).await.map_err(|_| {
        let size = crate::kit::security::size_in_words(mnir_app::exchange::MAX_IMPORT_BYTES);
        crate::kit::error::ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            tr.t_with("error-too-large", &[("size", size.into())]),
        )
    })?;
    let options =
        ImportOptions::check(params.dry_run, params.county.as_deref()).map_err(|e| e.api(&tr))?;
    let report = answer!(
        tr,
        mnir_app::exchange::import(&state.app, &who, "api", &body, &options)
    );
    let status = if report.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report_json(&tr, report))).into_response())
}
