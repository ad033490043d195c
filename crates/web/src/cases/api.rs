//! The API of cases: list, notify, one case with the steps the caller may take, and a step.

use crate::kit::api::{Caller, caller, parse_json, rfc3339, who};
use crate::kit::error::{ApiError, ApiErrorEnvelope, FieldError};
use crate::kit::i18n::Tr;
use crate::kit::query::{ApiPath, ApiQuery};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mnir_app::notify::NotificationInput;
use mnir_domain::{CaseState, reference};
use mnir_store::{CaseDetail, CaseFilter, CaseSummary, PageFrom, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this feature, each with its OpenAPI entry.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cases, create_case))
        .routes(routes!(get_case))
        .routes(routes!(transition_case))
}

/// A case as listed. Names appear only for roles that need them.
#[derive(Serialize, ToSchema)]
pub struct CaseJson {
    id: String,
    reference: String,
    state: String,
    sex: String,
    age_group: String,
    age_years: Option<u32>,
    citizenship: String,
    found_in_county: String,
    exploitation: Option<String>,
    /// RFC 3339 (UTC).
    notified_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family_name: Option<String>,
}

impl From<&CaseSummary> for CaseJson {
    fn from(c: &CaseSummary) -> CaseJson {
        CaseJson {
            id: c.id.clone(),
            reference: c.reference.clone(),
            state: c.state.as_str().into(),
            sex: c.sex.as_str().into(),
            age_group: c.age_group.as_str().into(),
            age_years: c.age_years,
            citizenship: c.citizenship.clone(),
            found_in_county: c.found_in_county.clone(),
            exploitation: c.exploitation.map(|e| e.as_str().to_string()),
            notified_at: rfc3339(c.notified_at_ms),
            updated_at: rfc3339(c.updated_at_ms),
            given_name: c.given_name.clone(),
            family_name: c.family_name.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseListJson {
    cases: Vec<CaseJson>,
    /// Every case the filter matches, on all pages.
    total: i64,
    per_page: u32,
    /// Pass as `older` for the next page (older cases); absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    older: Option<String>,
    /// Pass as `newer` for the page before (newer cases); absent on the first page.
    #[serde(skip_serializing_if = "Option::is_none")]
    newer: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RoutedJson {
    organisation: String,
    /// `notifier`, `regional_centre` or `child_protection`.
    basis: String,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryJson {
    from: Option<String>,
    to: String,
    at: String,
    organisation: String,
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct CaseDetailJson {
    #[serde(flatten)]
    case: CaseJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    signals: Vec<String>,
    notifying_org: String,
    routed_to: Vec<RoutedJson>,
    history: Vec<HistoryJson>,
    /// States this caller may move the case to now.
    allowed_transitions: Vec<String>,
}

fn detail_json(d: &CaseDetail, allowed: Vec<String>) -> CaseDetailJson {
    CaseDetailJson {
        case: CaseJson::from(&d.summary),
        birth_date: d.birth_date.map(|b| b.format("%Y-%m-%d").to_string()),
        notes: d.notes.clone(),
        signals: d.signals.clone(),
        notifying_org: d.notifying_org.clone(),
        routed_to: d
            .access
            .iter()
            .map(|a| RoutedJson {
                organisation: a.org_code.clone(),
                basis: a.basis.as_str().into(),
            })
            .collect(),
        history: d
            .history
            .iter()
            .map(|h| HistoryJson {
                from: h.from.map(|s| s.as_str().to_string()),
                to: h.to.as_str().into(),
                at: rfc3339(h.at_ms),
                organisation: h.actor_org.clone(),
                reason: h.reason.clone(),
            })
            .collect(),
        allowed_transitions: allowed,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TransitionRequest {
    #[schema(schema_with = transition_target)]
    to: String,
    /// Why, kept in the case history: required, at most 2000 characters.
    #[serde(default)]
    #[schema(required = true, pattern = r"\S", max_length = 2000)]
    reason: String,
    /// For an identification decision (`presumed_victim`, `identified_victim`, `not_a_victim`)
    /// that differs from the engine's advice: why the officer decided otherwise (required then;
    /// with the reason, at most 4000 characters).
    #[serde(default)]
    why_different: String,
}

// `max_length = 2000` of `reason` above is MAX_REASON (the attribute takes a literal).
const _: () = assert!(mnir_app::cases::MAX_REASON == 2000);

/// The states a case may be asked to move to.
fn transition_target() -> Object {
    let mut schema = case_state();
    schema.description = Some(
        "The state to move to. `returned` is refused (403): only a return's procedure moves a \
         case there."
            .into(),
    );
    schema
}

/// A state of a case.
fn case_state() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(CaseState::ALL.iter().map(|s| s.as_str())))
        .build()
}

fn state_filter() -> Object {
    let mut schema = case_state();
    schema.description = Some("Only cases in this state.".into());
    schema
}

fn county_filter() -> Object {
    let mut schema = crate::kit::schema::county();
    schema.description = Some("Only cases found in this county (ISO 3166-2).".into());
    schema
}

/// The place a page begins from (`older`, `newer`). Spaces at either end are no part of it here
/// (the list's pattern's `$` lets a final line break by).
fn place_of(text: &str) -> Option<mnir_store::ListPlace> {
    crate::kit::query::api_place(text.trim())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    #[param(schema_with = state_filter)]
    state: Option<String>,
    #[param(schema_with = county_filter)]
    county: Option<String>,
    /// Only the case with this reference (e.g. `RO-7K2QF-9XB3M`); another text finds none.
    #[param(min_length = 1)]
    reference: Option<String>,
    /// The page of cases older than this place: the `older` value of an earlier answer.
    #[param(pattern = r"^[0-9]{1,15}\.[A-Za-z0-9-]{1,64}$")]
    older: Option<String>,
    /// The page of cases newer than this place: the `newer` value of an earlier answer. Not
    /// with `older`.
    #[param(pattern = r"^[0-9]{1,15}\.[A-Za-z0-9-]{1,64}$")]
    newer: Option<String>,
    /// 1 to 200, default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    per_page: Option<String>,
}

/// Lists the cases the caller's organisation and role may see, newest first.
#[utoipa::path(get, path = "/api/v1/cases", params(ListParams), responses(
    (status = 200, body = CaseListJson),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn list_cases(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<CaseListJson>, ApiError> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    mnir_app::cases::may_list(&who).map_err(|e| e.api(&tr))?;
    let mut fields = Vec::new();
    let state_filter = p.state.as_deref().filter(|s| !s.is_empty()).and_then(|s| {
        s.parse::<CaseState>()
            .map_err(|_| {
                fields.push(FieldError {
                    field: "state".into(),
                    message: tr.t("field-state-invalid"),
                })
            })
            .ok()
    });
    if p.county
        .as_deref()
        .is_some_and(|c| reference::county(c).is_none())
    {
        fields.push(FieldError {
            field: "county".into(),
            message: tr.t("field-county-invalid"),
        });
    }
    // Read by hand so that `?per_page=abc` gets the JSON error, not the extractor's plain text.
    let per_page = match p.per_page.as_deref().map(str::trim) {
        None | Some("") => Some(50),
        Some(text) => text.parse::<u32>().ok().filter(|n| (1..=200).contains(n)),
    };
    if per_page.is_none() {
        fields.push(FieldError {
            field: "per_page".into(),
            message: tr.t("field-page-invalid"),
        });
    }
    let from = match (p.older.as_deref(), p.newer.as_deref()) {
        (None, None) => Some(PageFrom::Newest),
        (Some(c), None) => place_of(c).map(PageFrom::OlderThan),
        (None, Some(c)) => place_of(c).map(PageFrom::NewerThan),
        (Some(_), Some(_)) => None,
    };
    if from.is_none() {
        fields.push(FieldError {
            field: if p.older.is_some() { "older" } else { "newer" }.into(),
            message: tr.t("field-cursor-invalid"),
        });
    }
    let (Some(from), Some(per_page), true) = (from, per_page, fields.is_empty()) else {
        return Err(ApiError::invalid(&tr, fields));
    };
    let filter = CaseFilter {
        state: state_filter,
        county: p.county.clone(),
        reference: p.reference.clone(),
        from,
        per_page,
    };
    let result = mnir_app::cases::list(&state.app, &who, &filter)
        .await
        .map_err(|e| e.api(&tr))?;
    Ok(Json(CaseListJson {
        cases: result.cases.iter().map(CaseJson::from).collect(),
        total: result.total,
        per_page,
        older: result.older.map(|c| c.to_string()),
        newer: result.newer.map(|c| c.to_string()),
    }))
}

/// Notifies a potential victim; the case is routed to the notifier's organisation, the ANITP
/// regional centre of the county, and for a possible child the county's DGASPC.
#[utoipa::path(post, path = "/api/v1/cases", request_body = NotificationInput, responses(
    (status = 201, body = CaseDetailJson),
    (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn create_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    mnir_app::notify::may_notify(&who).map_err(|e| e.api(&tr))?;
    let input: NotificationInput = parse_json(&tr, &body)?;
    let case = mnir_app::notify::notify(&state.app, &who, &input)
        .await
        .map_err(|e| e.api(&tr))?;
    let detail = load_detail(&state, &user, &tr, &case.id).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}

async fn load_detail(
    state: &AppState,
    user: &User,
    tr: &Tr,
    id: &str,
) -> Result<CaseDetailJson, ApiError> {
    let open = mnir_app::cases::open(&state.app, &who(state, user), id)
        .await
        .map_err(|e| e.api(tr))?;
    let allowed = open
        .steps
        .iter()
        .filter(|s| s.allowed.is_ok())
        .map(|s| s.to.as_str().to_string())
        .collect();
    Ok(detail_json(&open.detail, allowed))
}

/// One case with its history. A case the caller may not see is reported as not found.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = String, Path, description = "Case id")), responses(
    (status = 200, body = CaseDetailJson), (status = 401, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn get_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CaseDetailJson>, ApiError> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    Ok(Json(load_detail(&state, &user, &tr, &id).await?))
}

/// Moves a case to another state, if the transition table and the caller's role allow it. An
/// identification decision that differs from the engine's advice, sent without `why_different`,
/// is refused with 409 naming that field (the advice is the case's latest interview's).
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", params(("id" = String, Path, description = "Case id")), request_body = TransitionRequest, responses(
    (status = 200, body = CaseDetailJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn transition_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> Result<Json<CaseDetailJson>, ApiError> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let request: TransitionRequest = parse_json(&tr, &body)?;
    let step = mnir_app::cases::Move {
        // An unknown state is named as such, after the case was found: a case the caller may
        // not see stays "not found" whatever was asked.
        to: match request.to.parse::<CaseState>() {
            Ok(to) => to,
            Err(_) => {
                mnir_app::cases::facts(&state.app, &who(&state, &user), &id)
                    .await
                    .map_err(|e| e.api(&tr))?;
                return Err(ApiError::invalid(
                    &tr,
                    vec![FieldError {
                        field: "to".into(),
                        message: tr.t("field-state-invalid"),
                    }],
                ));
            }
        },
        seen_from: None,
        reason: request.reason,
        why_different: request.why_different,
    };
    mnir_app::cases::transition(&state.app, &who(&state, &user), &id, &step)
        .await
        .map_err(|e| e.api(&tr))?;
    Ok(Json(load_detail(&state, &user, &tr, &id).await?))
}
