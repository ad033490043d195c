//! The API of the victim profile (HTCDS victim and exploitation fields), with the same rules as
//! its page.

use crate::kit::api::{ApiResult, Caller, answer, caller, parse_json, rfc3339, who};
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::query::ApiPath;
use crate::kit::refusal::Shown;
use crate::kit::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use mnir_domain::victim::{ProfileField, ValueKind};
use mnir_store::VictimProfileRecord;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, SchemaType, Type};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read_profile, record_profile))
        .routes(routes!(profile_fields))
}

/// The victim profile: the HTCDS 2.0 value names of each field (see
/// `GET /api/v1/victim-profile/fields` for every field's values). A multi-valued field is a
/// list (a value given twice is kept once); a field not known is an empty list or null, never
/// a blank value.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VictimProfileJson {
    /// `prs_Citizenship`: ISO 3166-1 alpha-2 codes, the one the person is known by first.
    #[schema(schema_with = citizenship_schema)]
    citizenship: Vec<String>,
    /// `vic_TypeOfExploitation`, e.g. `SexualExploitation`, `ForcedLabour`.
    #[schema(schema_with = exploitation_types_schema)]
    exploitation_types: Vec<String>,
    /// `vic_TypeOfSexExploitation`; only beside `SexualExploitation`.
    #[schema(schema_with = sex_exploitation_types_schema)]
    sex_exploitation_types: Vec<String>,
    /// `vic_ForcedLabourIndustry` (an ISIC section, e.g. `F_Construction`); only beside
    /// `ForcedLabour`, `ChildLabour` or `Servitude`.
    #[schema(schema_with = forced_labour_industry_schema)]
    forced_labour_industry: Option<String>,
    /// `vic_MethodOfRecruitment`.
    #[schema(schema_with = recruitment_methods_schema)]
    recruitment_methods: Vec<String>,
    /// `vic_MethodsOfControl`.
    #[schema(schema_with = control_methods_schema)]
    control_methods: Vec<String>,
    /// `vic_RelationshipToTrafficker`: `Familial`, `Acquainted` or `Unaquainted` (the standard's
    /// spelling).
    #[schema(schema_with = relationship_schema)]
    relationship_to_trafficker: Option<String>,
    /// `prs_HighestLevelOfEducation` (ISCED 2011 levels).
    #[schema(schema_with = education_schema)]
    education: Option<String>,
    /// Where the person was recruited: a county (`RO-CJ`) or a country (`IT`).
    #[schema(schema_with = recruitment_place_schema)]
    recruitment_place: Option<String>,
    /// Where the person was exploited: a county or a country.
    #[schema(schema_with = exploitation_place_schema)]
    exploitation_place: Option<String>,
    /// Where the person lived: `urban` or `rural`.
    #[schema(schema_with = settlement_schema)]
    settlement: Option<String>,
    /// `vic_AgeWhenTrafficked`, in years.
    #[schema(minimum = 0, maximum = 120)]
    age_when_trafficked: Option<u32>,
}

// The schemas of the profile's fields in the API's document: each field's codes, as
// `ProfileField::accepts` checks them. `schema_with` drops a field's doc comment, so each brings
// its description along.

/// The codes a field takes: its picklist's, the countries', or the counties' and the countries'.
fn codes_of(field: ProfileField) -> Vec<String> {
    let countries = || {
        mnir_domain::reference::countries()
            .iter()
            .map(|c| c.code.clone())
    };
    match field.kind() {
        ValueKind::Picklist(_) => field
            .options()
            .into_iter()
            .map(|v| v.code.clone())
            .collect(),
        ValueKind::Country => countries().collect(),
        ValueKind::Place => mnir_domain::reference::counties()
            .iter()
            .map(|c| c.code.clone())
            .chain(countries())
            .collect(),
    }
}

/// A multi-valued field: a list of its codes.
fn many(field: ProfileField, description: &str) -> Array {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(codes_of(field))),
        )
        .description(Some(description))
        .build()
}

/// A single-valued field: one of its codes, or null when not known.
fn one(field: ProfileField, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(
            codes_of(field)
                .into_iter()
                .map(serde_json::Value::from)
                .chain([serde_json::Value::Null]),
        ))
        .description(Some(description))
        .build()
}

fn citizenship_schema() -> Array {
    many(
        ProfileField::Citizenship,
        "`prs_Citizenship`: ISO 3166-1 alpha-2 codes, the one the person is known by first.",
    )
}

fn exploitation_types_schema() -> Array {
    many(
        ProfileField::ExploitationTypes,
        "`vic_TypeOfExploitation`, e.g. `SexualExploitation`, `ForcedLabour`.",
    )
}

fn sex_exploitation_types_schema() -> Array {
    many(
        ProfileField::SexExploitationTypes,
        "`vic_TypeOfSexExploitation`; only beside `SexualExploitation`.",
    )
}

fn forced_labour_industry_schema() -> Object {
    one(
        ProfileField::ForcedLabourIndustry,
        "`vic_ForcedLabourIndustry` (an ISIC section, e.g. `F_Construction`); only beside \
         `ForcedLabour`, `ChildLabour` or `Servitude`.",
    )
}

fn recruitment_methods_schema() -> Array {
    many(
        ProfileField::RecruitmentMethods,
        "`vic_MethodOfRecruitment`.",
    )
}

fn control_methods_schema() -> Array {
    many(ProfileField::ControlMethods, "`vic_MethodsOfControl`.")
}

fn relationship_schema() -> Object {
    one(
        ProfileField::RelationshipToTrafficker,
        "`vic_RelationshipToTrafficker` (`Unaquainted` is the standard's spelling).",
    )
}

fn education_schema() -> Object {
    one(
        ProfileField::Education,
        "`prs_HighestLevelOfEducation` (ISCED 2011 levels).",
    )
}

fn recruitment_place_schema() -> Object {
    one(
        ProfileField::RecruitmentPlace,
        "Where the person was recruited: a county (`RO-CJ`) or a country (`IT`).",
    )
}

fn exploitation_place_schema() -> Object {
    one(
        ProfileField::ExploitationPlace,
        "Where the person was exploited: a county or a country.",
    )
}

fn settlement_schema() -> Object {
    one(
        ProfileField::Settlement,
        "Where the person lived: `urban` or `rural`.",
    )
}

impl VictimProfileJson {
    fn values(self) -> BTreeMap<ProfileField, Vec<String>> {
        let one = |v: Option<String>| v.into_iter().collect::<Vec<_>>();
        BTreeMap::from([
            (ProfileField::Citizenship, self.citizenship),
            (ProfileField::ExploitationTypes, self.exploitation_types),
            (
                ProfileField::SexExploitationTypes,
                self.sex_exploitation_types,
            ),
            (
                ProfileField::ForcedLabourIndustry,
                one(self.forced_labour_industry),
            ),
            (ProfileField::RecruitmentMethods, self.recruitment_methods),
            (ProfileField::ControlMethods, self.control_methods),
            (
                ProfileField::RelationshipToTrafficker,
                one(self.relationship_to_trafficker),
            ),
            (ProfileField::Education, one(self.education)),
            (ProfileField::RecruitmentPlace, one(self.recruitment_place)),
            (
                ProfileField::ExploitationPlace,
                one(self.exploitation_place),
            ),
            (ProfileField::Settlement, one(self.settlement)),
        ])
    }

    fn of(profile: &mnir_domain::victim::VictimProfile) -> VictimProfileJson {
        let many = |f: ProfileField| profile.get(f).to_vec();
        let one = |f: ProfileField| profile.get(f).first().cloned();
        VictimProfileJson {
            citizenship: many(ProfileField::Citizenship),
            exploitation_types: many(ProfileField::ExploitationTypes),
            sex_exploitation_types: many(ProfileField::SexExploitationTypes),
            forced_labour_industry: one(ProfileField::ForcedLabourIndustry),
            recruitment_methods: many(ProfileField::RecruitmentMethods),
            control_methods: many(ProfileField::ControlMethods),
            relationship_to_trafficker: one(ProfileField::RelationshipToTrafficker),
            education: one(ProfileField::Education),
            recruitment_place: one(ProfileField::RecruitmentPlace),
            exploitation_place: one(ProfileField::ExploitationPlace),
            settlement: one(ProfileField::Settlement),
            age_when_trafficked: profile.age_when_trafficked,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecordedProfileJson {
    case_id: String,
    /// Absent before a profile is recorded.
    profile: Option<VictimProfileJson>,
    /// Who recorded it last: their organisation, and when.
    organisation: Option<String>,
    updated_at: Option<String>,
    /// Whether the caller may record it now.
    may_record: bool,
}

fn answer_of(
    case_id: &str,
    record: Option<VictimProfileRecord>,
    may_record: bool,
) -> RecordedProfileJson {
    RecordedProfileJson {
        case_id: case_id.to_string(),
        profile: record.as_ref().map(|r| VictimProfileJson::of(&r.profile)),
        organisation: record.as_ref().map(|r| r.org_code.clone()),
        updated_at: record.as_ref().map(|r| rfc3339(r.updated_at_ms)),
        may_record,
    }
}

/// The victim profile of a case: for the case's organisations' staff who see identities.
#[utoipa::path(get, path = "/api/v1/cases/{id}/victim-profile",
    params(("id" = String, Path, description = "Case id")), responses(
    (status = 200, body = RecordedProfileJson), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope)
))]
async fn read_profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<RecordedProfileJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let who = who(&state, &user);
    let view = answer!(tr, mnir_app::victim::profile(&state.app, &who, &id));
    Ok(Json(answer_of(&id, view.record, view.may_record)))
}

/// Records or corrects the victim profile of a case, replacing the one before as a whole: once
/// the person is presumed a victim (409 before), by those who run the identification interview.
/// Every wrong value is named in the 422 answer, and nothing is stored.
#[utoipa::path(put, path = "/api/v1/cases/{id}/victim-profile",
    params(("id" = String, Path, description = "Case id")), request_body = VictimProfileJson,
    responses(
    (status = 200, body = RecordedProfileJson), (status = 400, body = ApiErrorEnvelope),
    (status = 401, body = ApiErrorEnvelope), (status = 403, body = ApiErrorEnvelope),
    (status = 404, body = ApiErrorEnvelope), (status = 409, body = ApiErrorEnvelope),
    (status = 422, body = ApiErrorEnvelope)
))]
async fn record_profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Json<RecordedProfileJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let request: VictimProfileJson = parse_json(&tr, &body)?;
    let who = who(&state, &user);
    let age = request
        .age_when_trafficked
        .map(|a| a.to_string())
        .unwrap_or_default();
    let record = answer!(
        tr,
        mnir_app::victim::record_profile(
            &state.app,
            &who,
            &id,
            request.values(),
            &age,
            mnir_app::victim::Blanks::Refused,
        )
    );
    Ok(Json(answer_of(&id, Some(record), true)))
}

#[derive(Serialize, ToSchema)]
pub struct ProfileValueJson {
    /// The HTCDS value name, as stored and sent.
    code: String,
    label_en: String,
    label_ro: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProfileFieldJson {
    /// The field's name in the profile's JSON.
    name: String,
    /// The HTCDS 2.0 field name; absent for the mechanism's own fields.
    htcds_name: Option<String>,
    /// Whether it holds a list.
    multiple: bool,
    /// `picklist`, `country` (ISO 3166-1 alpha-2) or `place` (a county or a country).
    kind: String,
    /// A picklist's values, in their order.
    values: Vec<ProfileValueJson>,
}

/// The fields of the victim profile and each picklist's values, with their labels.
#[utoipa::path(get, path = "/api/v1/victim-profile/fields", responses(
    (status = 200, body = [ProfileFieldJson]), (status = 401, body = ApiErrorEnvelope)
))]
async fn profile_fields(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<ProfileFieldJson>>> {
    caller(&state, &headers).await?;
    Ok(Json(
        ProfileField::ALL
            .iter()
            .map(|f| ProfileFieldJson {
                name: f.as_str().into(),
                htcds_name: f.htcds_name().map(String::from),
                multiple: f.multiple(),
                kind: match f.kind() {
                    ValueKind::Picklist(_) => "picklist",
                    ValueKind::Country => "country",
                    ValueKind::Place => "place",
                }
                .into(),
                values: f
                    .options()
                    .into_iter()
                    .map(|v| ProfileValueJson {
                        code: v.code.clone(),
                        label_en: v.label_en.clone(),
                        label_ro: v.label_ro.clone(),
                    })
                    .collect(),
            })
            .collect(),
    ))
}
