//! The API of the identification engine: indicators evaluated and explained, nothing stored.

use crate::kit::api::{Caller, caller, parse_json};
use crate::kit::error::{ApiError, ApiErrorEnvelope, FieldError};
use crate::kit::i18n::Tr;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Array, Object, ObjectBuilder, SchemaType, Type};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this feature, each with its OpenAPI entry.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(evaluate_indicators))
}

#[derive(Deserialize, ToSchema)]
pub struct EvaluateRequest {
    #[schema(schema_with = profile_schema)]
    profile: String,
    #[serde(default)]
    #[schema(schema_with = present_schema)]
    present: Vec<String>,
    #[schema(schema_with = asked_schema)]
    asked: Option<Vec<String>>,
    /// For a child profile: whether an act (recruitment, transport, transfer, harbouring,
    /// receipt) took place.
    act: Option<bool>,
}

fn profile_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            mnir_domain::identification::Profile::ALL.map(|p| p.as_str()),
        ))
        .description(Some("The profile the indicators are read against."))
        .build()
}

/// Indicator codes of the catalogue in force, each of the chosen profile. A code given twice
/// counts once, so the list does not say `uniqueItems`.
fn indicators(description: &str) -> Array {
    let mut list = crate::kit::schema::indicator_list();
    list.unique_items = false;
    list.description = Some(description.into());
    list
}

fn present_schema() -> Array {
    indicators("Codes of the indicators found present, each of the profile.")
}

fn asked_schema() -> Array {
    let mut list = indicators(
        "Codes of the indicators asked, each of the profile; absent or null means all of the \
         profile's were asked.",
    );
    list.schema_type = SchemaType::from_iter([Type::Array, Type::Null]);
    list
}

/// Translates an engine refusal (unknown code, code outside the profile) for the caller.
pub fn evaluation_error(tr: &Tr, e: &mnir_domain::identification::EvaluationError) -> String {
    use mnir_domain::identification::EvaluationError;
    match e {
        EvaluationError::UnknownIndicator(code) => {
            tr.t_with("field-indicator-unknown", &[("code", code.clone().into())])
        }
        EvaluationError::NotInProfile { code, profile } => tr.t_with(
            "field-indicator-not-in-profile",
            &[
                ("code", code.clone().into()),
                ("profile", profile.as_str().into()),
            ],
        ),
    }
}

/// Evaluates indicators against the active catalogue and explains the advice. Stores nothing.
#[utoipa::path(post, path = "/api/v1/identification/evaluate", request_body = EvaluateRequest, responses(
    (status = 200, body = crate::explain::EvaluationJson), (status = 400, body = ApiErrorEnvelope),
    (status = 401, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn evaluate_indicators(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<crate::explain::EvaluationJson>, ApiError> {
    use mnir_domain::identification::{Answers, Profile, evaluate};
    let Caller { tr, .. } = caller(&state, &headers).await?;
    let request: EvaluateRequest = parse_json(&tr, &body)?;
    let profile: Profile = request.profile.parse().map_err(|_| {
        ApiError::invalid(
            &tr,
            vec![FieldError {
                field: "profile".into(),
                message: tr.t("interview-bad-profile"),
            }],
        )
    })?;
    let catalogue = state
        .app
        .active_catalogue()
        .await
        .map_err(|e| ApiError::internal(&tr, e))?;
    let answers = Answers {
        present: request.present.into_iter().collect(),
        asked: request.asked.map(|a| a.into_iter().collect()),
        act: request.act,
    };
    let evaluation = evaluate(&catalogue, profile, &answers).map_err(|e| {
        let message = evaluation_error(&tr, &e);
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    })?;
    Ok(Json(crate::explain::evaluation_json(
        &tr,
        &catalogue,
        &evaluation,
    )))
}
