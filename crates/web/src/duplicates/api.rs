//! Possible duplicates through the API, each route running the same use case as its page.

use crate::kit::api::{ApiResult, Caller, answer, caller, parse_json, rfc3339, who};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::query::{ApiPath, ApiQuery};
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use mnir_store::{DuplicateCandidate, ListPlace, PairCase};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(decide))
}

#[derive(Serialize, ToSchema)]
pub struct PairCaseJson {
    case_id: String,
    reference: String,
    state: String,
    county: String,
    notifying_org: String,
    notified_at: String,
}

fn side(c: PairCase) -> PairCaseJson {
    PairCaseJson {
        state: c.state.as_str().into(),
        notified_at: rfc3339(c.notified_at_ms),
        case_id: c.case_id,
        reference: c.reference,
        county: c.county,
        notifying_org: c.notifying_org,
    }
}

#[derive(Serialize, ToSchema)]
pub struct PairJson {
    id: String,
    earlier: PairCaseJson,
    later: PairCaseJson,
    /// The Dice coefficient of the names' encodings, in thousandths.
    score_permille: i64,
    /// The same name parts and birth date.
    exact: bool,
    found_at: String,
    /// `merged` or `distinct`, once decided.
    decision: Option<String>,
    decided_at: Option<String>,
}

fn pair_json(p: DuplicateCandidate) -> PairJson {
    PairJson {
        found_at: rfc3339(p.found_at_ms),
        decision: p.decision.map(|d| d.as_str().into()),
        decided_at: p.decided_at_ms.map(rfc3339),
        id: p.id,
        earlier: side(p.earlier),
        later: side(p.later),
        score_permille: p.score_permille,
        exact: p.exact,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// `true`: decided pairs too.
    #[param(value_type = Option<bool>)]
    all: Option<String>,
    /// The page after this place: the `next` value of an earlier answer (a time in
    /// milliseconds, which a calendar can show, then an id).
    #[param(pattern = r"^0*[0-9]{1,15}\.[A-Za-z0-9-]{1,64}$")]
    after: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PairsJson {
    pairs: Vec<PairJson>,
    next: Option<String>,
}

const PAGE: u32 = 50;

/// The pairs of notifications that may be one person, in the order they were found, 50 a page
/// (ANITP's case workers and supervisors: their centre's pairs; the central office's: all).
#[utoipa::path(get, path = "/api/v1/duplicates", params(ListParams), responses(
    (status = 200, body = PairsJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<PairsJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let all = match p.all.as_deref() {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(mnir_app::AppError::invalid("all", "duplicate-all-invalid").api(&tr));
        }
    };
    let after = match p.after.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(text) => Some(text.parse::<ListPlace>().map_err(|()| {
            mnir_app::AppError::invalid("after", "retention-place-invalid").api(&tr)
        })?),
    };
    let pairs = answer!(
        tr,
        mnir_app::duplicates::candidates(
            &state.app,
            &who(&state, &user),
            !all,
            after.as_ref(),
            PAGE
        )
    );
    let next = ListPlace::after_full(&pairs, PAGE, ListPlace::of_pair).map(|p| p.to_string());
    Ok(Json(PairsJson {
        pairs: pairs.into_iter().map(pair_json).collect(),
        next,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionInput {
    /// `merged`: the case still only notified (the later one first) becomes `duplicate` of the
    /// other; `distinct`: two people.
    #[schema(schema_with = decision_schema)]
    decision: String,
    /// For a merge: the id of the case the caller means to mark as duplicate; the merge is
    /// refused (409) if the pair changed so that the other case would be.
    #[serde(default)]
    away: Option<String>,
}

/// `decision`'s schema, with its comment (which `schema_with` leaves out).
fn decision_schema() -> utoipa::openapi::schema::Object {
    let mut schema = crate::kit::schema::codes::<mnir_domain::duplicates::DuplicateDecision>();
    schema.description = Some(
        "`merged`: the case still only notified (the later one first) becomes `duplicate` of \
         the other; `distinct`: two people."
            .into(),
    );
    schema
}

/// Decides a pair; 403 when the case to mark as duplicate is not routed to the caller's
/// organisation (ANITP's central office excepted); 409 when the pair was decided already, changed,
/// or neither case can still be merged away.
#[utoipa::path(post, path = "/api/v1/duplicates/{id}/decision", params(("id" = String, Path, description = "Pair id")),
    request_body = DecisionInput, responses(
    (status = 200, body = PairJson), (status = 400, body = ApiErrorEnvelope),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope), (status = 409, body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Json<PairJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: DecisionInput = parse_json(&tr, &body)?;
    let pair = answer!(
        tr,
        mnir_app::duplicates::decide(
            &state.app,
            &who(&state, &user),
            &id,
            &input.decision,
            input.away.as_deref()
        )
    );
    Ok(Json(pair_json(pair)))
}
