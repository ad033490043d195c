//! The API of the national statistics (mnir.md §11), with the same rules as their pages.

use crate::kit::api::{ApiResult, Caller, answer, caller, who};
use crate::kit::download::{self, Disposition};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::query::{ApiPath, ApiQuery};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mnir_app::statistics::{StatisticsTable, TableRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tables))
        .routes(routes!(read_table))
        .routes(routes!(read_workbook))
        .routes(routes!(read_report))
}

#[derive(Serialize, ToSchema)]
pub struct TableEntryJson {
    /// The name to ask for, e.g. `victims-by-sex-age-group`.
    name: String,
    /// What the rows split by: `sex`, `age_group`, `age_band`, `citizenship_group`,
    /// `exploitation`, `status` or `region`.
    row_dimension: String,
    column_dimension: String,
    /// The rows' category codes, in order.
    rows: Vec<String>,
    columns: Vec<String>,
}

/// The tables of the national statistics, in the order of the publication.
#[utoipa::path(get, path = "/api/v1/statistics/tables", responses(
    (status = 200, body = [TableEntryJson]), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope)
))]
async fn list_tables(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<TableEntryJson>>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let tables = mnir_app::statistics::tables(&who).map_err(|e| e.api(&tr))?;
    Ok(Json(
        tables
            .iter()
            .map(|t| TableEntryJson {
                name: t.name.into(),
                row_dimension: t.rows.as_str().into(),
                column_dimension: t.columns.as_str().into(),
                rows: t.rows.categories().into_iter().map(String::from).collect(),
                columns: t
                    .columns
                    .categories()
                    .into_iter()
                    .map(String::from)
                    .collect(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct TableParams {
    /// The reference year, in the jurisdiction's time, from 2000 to 2100; by default the last
    /// complete year. The published view is of complete years only.
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
    /// A development region's NUTS 2 code (`RO11`…`RO42`), for the internal view only (the
    /// published one is national); the whole country when absent.
    #[param(value_type = Option<RegionCode>, inline)]
    region: Option<String>,
    /// `true` (the default) for the view after disclosure control, `false` for exact counts
    /// (ANITP's coordinators only).
    published: Option<bool>,
}

// The years above are those the tables are kept for (the attributes take literals).
const _: () = assert!(
    mnir_domain::statistics::FIRST_YEAR == 2000 && mnir_domain::statistics::LAST_YEAR == 2100
);

/// A development region of the reference data, as the document states `region`.
struct RegionCode;

impl utoipa::PartialSchema for RegionCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(
                mnir_domain::reference::regions()
                    .iter()
                    .map(|r| r.code.as_str()),
            ))
            .into()
    }
}

impl ToSchema for RegionCode {}

/// A table of the publication by its name, as the document states the path's `name`.
struct TableName;

impl utoipa::PartialSchema for TableName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(mnir_domain::statistics::TABLES.iter().map(|t| t.name)))
            .into()
    }
}

impl ToSchema for TableName {}

/// One table of a reference year. A table of victims (`unit`) counts a victim in the year of the
/// first step that made them a presumed or identified victim, unless by the year's end the case
/// was found not to be one or to be a duplicate; a table of referrals counts those sent in the
/// year, one of reflection periods those offered in it, each with what had become of it by the
/// year's end. In the published view (national, complete years only) a
/// figure from 1 to k − 1 is hidden (`primary`), with the further figures that would let it be
/// worked out (`secondary`), and so is a figure of referrals or reflection periods that belong to
/// 1 to k − 1 people, whatever their number; the pattern is checked by solving the tables' equations before it is
/// sent. Only a reader who may see exact counts is told which reason applies: any other gets
/// `hidden` for every hidden figure.
#[utoipa::path(get, path = "/api/v1/statistics/tables/{name}",
    params(("name" = inline(TableName), Path, description = "The table's name"), TableParams),
    responses(
    (status = 200, body = StatisticsTable), (status = 400, body = ApiErrorEnvelope),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn read_table(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(name): ApiPath<String>,
    ApiQuery(params): ApiQuery<TableParams>,
) -> ApiResult<Json<StatisticsTable>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let request = request_of(&state, params);
    let table = answer!(
        tr,
        mnir_app::statistics::table(&state.app, &who, &name, &request)
    );
    Ok(Json(table))
}

fn request_of(state: &AppState, params: TableParams) -> TableRequest {
    TableRequest {
        year: params
            .year
            .unwrap_or_else(|| mnir_app::statistics::default_year(&state.app)),
        region: params.region.filter(|r| !r.is_empty()),
        published: params.published.unwrap_or(true),
    }
}

fn internal(tr: &crate::kit::i18n::Tr) -> crate::kit::error::ApiError {
    crate::kit::error::ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        tr.t("error-internal"),
    )
}

/// Every table of a reference year as one XLSX workbook: a sheet per table, worded in the
/// caller's language (`Accept-Language`), hidden figures marked and shaded, then a sheet of
/// notes on method (and, when published, on disclosure control and its threshold). The same
/// rules as the tables' JSON.
#[utoipa::path(get, path = "/api/v1/statistics/workbook", params(TableParams), responses(
    (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>, description = "The workbook"),
    (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn read_workbook(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<TableParams>,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let request = request_of(&state, params);
    let tables = answer!(
        tr,
        mnir_app::statistics::publication(&state.app, &who, &request)
    );
    let bytes =
        super::documents::workbook(&tr, &tables, state.app.today()).map_err(|_| internal(&tr))?;
    Ok(download::file(
        download::XLSX,
        Disposition::Attachment,
        &super::file_name("statistics", &request, "xlsx"),
        bytes,
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct ReportParams {
    /// The reference year, a complete one from 2000 on; by default the last complete year.
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
    /// The report's language (`ro` or `en`); the caller's when absent.
    #[param(value_type = Option<crate::plan::print::LanguageCode>, inline)]
    lang: Option<String>,
}

/// The annual report of a complete year as PDF (its font embedded), in Romanian or English: a
/// note on method, then every published table of the whole country with its chart. Open to those
/// who may see the published figures.
#[utoipa::path(get, path = "/api/v1/statistics/report", params(ReportParams), responses(
    (status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The report"),
    (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn read_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ReportParams>,
) -> ApiResult<Response> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let lang =
        crate::plan::print::api_language(params.lang.as_deref(), tr.lang).ok_or_else(|| {
            crate::kit::error::ApiError::invalid(
                &tr,
                vec![crate::kit::error::FieldError {
                    field: "lang".into(),
                    message: tr.t("stat-report-lang-unknown"),
                }],
            )
        })?;
    let who = who(&state, &user);
    let request = mnir_app::statistics::annual_report_request(
        params
            .year
            .unwrap_or_else(|| mnir_app::statistics::default_year(&state.app)),
    );
    let tables = answer!(
        tr,
        mnir_app::statistics::publication(&state.app, &who, &request)
    );
    let bytes = super::documents::report_pdf(&tr.with_lang(lang), &tables, state.app.today())
        .await
        .ok_or_else(|| internal(&tr))?;
    Ok(download::file(
        download::PDF,
        Disposition::Inline,
        &mnir_app::statistics::annual_report_file_name(request.year, lang.code()),
        bytes,
    ))
}
