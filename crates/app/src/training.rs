//! Training of front-line workers (mnir.md §12): a trainer keeps the curriculum and the
//! vignettes as versions of data and records sessions and their participants; every account
//! does the e-learning on the vignettes, scored by the identification engine; a
//! participant who attended a session and passed the e-learning is issued a certificate, which
//! anyone can verify by its code.

use crate::catalogue::Changer;
use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use mnir_domain::identification::{BUILTIN_VERSION, Catalogue};
use mnir_domain::training::{
    self, AttemptResult, Audience, Curriculum, DataError, ProfessionalCategory, Scored, Standing,
    TraineeAnswer, TraineeDecision, VignetteSet,
};
use mnir_domain::{Action, can};
use mnir_store::{
    AttemptRecord, AuditActor, CertificateFilter, CertificateNotice, CertificateRecord,
    DataVersionRecord, ListPlace, ParticipantRecord, StoreError, Timestamp, TrainingData,
    TrainingSessionFilter, TrainingSessionRecord, User,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;
use utoipa::ToSchema;

/// Sessions or certificates shown on one page.
pub const PAGE_SIZE: u32 = 25;

/// Why a file of training data was not imported.
#[derive(Debug)]
pub enum Rejected {
    /// The problems, each with its line and field; nothing was stored.
    Rows(Vec<DataError>),
    /// A version of that name exists already (the built-in one included).
    VersionExists(String),
}

fn builtin_version(kind: TrainingData) -> String {
    match kind {
        TrainingData::Curriculum => Curriculum::builtin().version,
        TrainingData::Vignettes => builtin_vignettes().version.clone(),
    }
}

fn builtin_vignettes() -> &'static VignetteSet {
    static BUILTIN: std::sync::OnceLock<VignetteSet> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(|| {
        VignetteSet::parse(training::BUILTIN_VIGNETTES, Catalogue::builtin())
            // Compiled in and parsed by the domain's tests: a failure is a build defect.
            .unwrap_or_else(|e| panic!("built-in vignettes: {e:?}"))
    })
}

/// The imported versions of a kind of training data, then the built-in one (in use when no
/// other is).
pub async fn data_versions(app: &App, kind: TrainingData) -> AppResult<Vec<DataVersionRecord>> {
    let mut rows = app.store().training_data(kind).await?;
    let builtin_active = !rows.iter().any(|r| r.active);
    let (item_count, catalogue_version) = match kind {
        TrainingData::Curriculum => (Curriculum::builtin().modules.len(), None),
        TrainingData::Vignettes => (
            builtin_vignettes().vignettes.len(),
            Some(BUILTIN_VERSION.to_string()),
        ),
    };
    rows.push(DataVersionRecord {
        version: builtin_version(kind),
        item_count: item_count as i64,
        catalogue_version,
        imported_at_ms: Timestamp::EPOCH,
        imported_by: None,
        active: builtin_active,
    });
    Ok(rows)
}

/// The versions a trainer manages.
pub async fn list_data(
    app: &App,
    who: &Who<'_>,
    kind: TrainingData,
) -> AppResult<Vec<DataVersionRecord>> {
    can(&who.actor(), Action::ManageTraining, None)?;
    data_versions(app, kind).await
}

/// Imports a version of the curriculum or of the vignettes (checked against the catalogue in
/// use), all or nothing; made the one in use when `activate`.
pub async fn import_data(
    app: &App,
    changer: &Changer<'_>,
    kind: TrainingData,
    text: &str,
    activate: bool,
) -> AppResult<Result<DataVersionRecord, Rejected>> {
    let by = changer.may(Action::ManageTraining)?;
    let (version, item_count, catalogue_version) = match kind {
        TrainingData::Curriculum => match Curriculum::parse(text) {
            Ok(c) => (c.version, c.modules.len(), None),
            Err(rows) => return Ok(Err(Rejected::Rows(rows))),
        },
        TrainingData::Vignettes => {
            let catalogue = app.active_catalogue().await?;
            match VignetteSet::parse(text, &catalogue) {
                Ok(set) => (
                    set.version,
                    set.vignettes.len(),
                    Some(catalogue.version.clone()),
                ),
                Err(rows) => return Ok(Err(Rejected::Rows(rows))),
            }
        }
    };
    if version == builtin_version(kind) {
        return Ok(Err(Rejected::VersionExists(version)));
    }
    let record = DataVersionRecord {
        version: version.clone(),
        item_count: item_count as i64,
        catalogue_version,
        imported_at_ms: by.now_ms,
        imported_by: changer.user_id(),
        active: false,
    };
    match app
        .store()
        .import_training_data(kind, &record, text, by)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Ok(Err(Rejected::VersionExists(version))),
        Err(e) => return Err(e.into()),
    }
    if activate {
        app.store()
            .activate_training_data(kind, Some(&version), by)
            .await?;
    }
    Ok(Ok(DataVersionRecord {
        active: activate,
        ..record
    }))
}

/// Makes a version the one in use (the built-in one by its name); `NotFound` for an unknown one.
pub async fn activate_data(
    app: &App,
    changer: &Changer<'_>,
    kind: TrainingData,
    version: &str,
) -> AppResult<()> {
    let by = changer.may(Action::ManageTraining)?;
    let target = (version != builtin_version(kind)).then_some(version);
    match app.store().activate_training_data(kind, target, by).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// A curriculum version: the built-in one, or one imported.
pub async fn curriculum(app: &App, version: &str) -> AppResult<Curriculum> {
    if version == builtin_version(TrainingData::Curriculum) {
        return Ok(Curriculum::builtin());
    }
    let source = app
        .store()
        .training_data_source(TrainingData::Curriculum, version)
        .await?
        .ok_or(AppError::NotFound)?;
    Curriculum::parse(&source)
        .map_err(|e| AppError::Internal(format!("curriculum {version}: {} problems", e.len())))
}

async fn active_version(app: &App, kind: TrainingData) -> AppResult<String> {
    let versions = data_versions(app, kind).await?;
    Ok(versions
        .into_iter()
        .find(|v| v.active)
        .map(|v| v.version)
        .unwrap_or_else(|| builtin_version(kind)))
}

/// The curriculum new sessions follow.
pub async fn active_curriculum(app: &App) -> AppResult<Curriculum> {
    let version = active_version(app, TrainingData::Curriculum).await?;
    curriculum(app, &version).await
}

/// A version of the vignettes, parsed against the catalogue it was checked with.
pub async fn vignette_set(app: &App, version: &str) -> AppResult<Arc<VignetteSet>> {
    Ok(scored_set(app, version).await?.0)
}

/// A version of the vignettes with the catalogue it was checked against and is scored with,
/// from one read of the versions.
async fn scored_set(app: &App, version: &str) -> AppResult<(Arc<VignetteSet>, Arc<Catalogue>)> {
    if version == builtin_version(TrainingData::Vignettes) {
        let catalogue = app.catalogue(BUILTIN_VERSION).await?;
        return Ok((Arc::new(builtin_vignettes().clone()), catalogue));
    }
    let versions = app.store().training_data(TrainingData::Vignettes).await?;
    let record = versions
        .into_iter()
        .find(|v| v.version == version)
        .ok_or(AppError::NotFound)?;
    let catalogue = app
        .catalogue(
            record
                .catalogue_version
                .as_deref()
                .unwrap_or(BUILTIN_VERSION),
        )
        .await?;
    let source = app
        .store()
        .training_data_source(TrainingData::Vignettes, version)
        .await?
        .ok_or(AppError::NotFound)?;
    let set = VignetteSet::parse(&source, &catalogue)
        .map(Arc::new)
        .map_err(|e| AppError::Internal(format!("vignettes {version}: {} problems", e.len())))?;
    Ok((set, catalogue))
}

// ----- sessions -----

/// A session as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SessionInput {
    /// The day it was held (YYYY-MM-DD), not after today.
    #[schema(format = Date, pattern = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub held_on: String,
    #[schema(schema_with = api_schema::city)]
    pub city: String,
    #[schema(schema_with = api_schema::county)]
    pub county: String,
    #[schema(schema_with = api_schema::audience)]
    pub audience: String,
    #[serde(default)]
    #[schema(schema_with = api_schema::trainers, required = true)]
    pub trainers: Vec<String>,
    /// The codes of the curriculum's modules covered, at least one; a code given twice counts
    /// once.
    #[serde(default)]
    #[schema(schema_with = api_schema::session_modules, required = true)]
    pub modules: Vec<String>,
}

/// A participant as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ParticipantInput {
    #[schema(schema_with = api_schema::participant_name)]
    pub name: String,
    /// The login of the participant's account, when they have one; their organisation is then
    /// the account's, and `organisation` and `organisation_name` are not read.
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    #[schema(schema_with = api_schema::organisation)]
    pub organisation: String,
    #[serde(default)]
    #[schema(schema_with = api_schema::organisation_name)]
    pub organisation_name: String,
    #[schema(schema_with = api_schema::category)]
    pub category: String,
    #[serde(default)]
    pub attended: bool,
    /// The codes of the curriculum's modules followed; the session's modules when none is
    /// given. A code given twice counts once.
    #[serde(default)]
    pub modules: Vec<String>,
}

/// The schemas of the training's fields in the API's document: `schema_with` states a field
/// alone, so each says what its field holds.
mod api_schema {
    use crate::schema;
    use mnir_domain::reference;
    use mnir_domain::training::{Audience, MAX_CITY, MAX_NAME, ProfessionalCategory};
    use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, Type};
    use utoipa::openapi::{RefOr, Schema};

    /// Control characters (`char::is_control`).
    const CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";

    /// A name as `person_name` takes one, and a city: once the ends are trimmed, 1 to `max`
    /// characters, none of them a control character (the ends may hold line breaks and tabs,
    /// which trimming removes). Written out rather than as `\S` so that it refuses exactly what
    /// the use case refuses.
    fn trimmed_text(max: usize, blank_allowed: bool) -> String {
        let trimmed = crate::text::trimmed_class();
        let shown = format!("[^{trimmed}{CONTROL}]");
        let core = format!("{shown}([^{CONTROL}]{{0,{}}}{shown})?", max - 2);
        if blank_allowed {
            format!("^[{trimmed}]*({core}[{trimmed}]*)?$")
        } else {
            format!("^[{trimmed}]*{core}[{trimmed}]*$")
        }
    }

    fn text(max: usize, blank_allowed: bool, description: &str) -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(trimmed_text(max, blank_allowed)))
            .description(Some(description))
            .build()
    }

    fn described(mut schema: Object, description: &str) -> Object {
        schema.description = Some(description.into());
        schema
    }

    pub fn session_modules() -> Array {
        ArrayBuilder::new()
            .items(schema::module())
            .min_items(Some(1))
            .description(Some(
                "The codes of the curriculum's modules covered, at least one; a code given \
                 twice counts once.",
            ))
            .build()
    }

    pub fn city() -> Object {
        text(
            MAX_CITY,
            false,
            "The city: at most 80 characters besides spaces at either end, no control \
             characters.",
        )
    }

    pub fn county() -> Object {
        described(
            schema::one_of(reference::counties().iter().map(|c| c.code.as_str())),
            "ISO 3166-2 code of the county, e.g. `RO-CJ`.",
        )
    }

    pub fn audience() -> Object {
        described(
            schema::code::<Audience>(),
            "Which victims the session prepares its participants to identify.",
        )
    }

    pub fn trainers() -> Array {
        ArrayBuilder::new()
            .items(text(
                MAX_NAME,
                false,
                "A trainer's name: at most 100 characters besides spaces at either end, no control \
                 characters.",
            ))
            .min_items(Some(1))
            .max_items(Some(20))
            .description(Some("The trainers' names, one each: 1 to 20."))
            .build()
    }

    pub fn participant_name() -> Object {
        text(
            MAX_NAME,
            false,
            "The participant's name as they give it: at most 100 characters besides spaces at \
             either end, no control characters.",
        )
    }

    pub fn organisation_name() -> Object {
        text(
            200,
            true,
            "The name of an organisation outside the directory (a school, an employment agency) \
             when neither an account nor a directory organisation is given: at most 200 \
             characters besides spaces at either end, no control characters. Empty or absent \
             otherwise.",
        )
    }

    pub fn organisation() -> RefOr<Schema> {
        schema::any_of([schema::organisation(), schema::one_of([""])])
            .description(Some(
                "The code of the participant's organisation in the directory, when no account \
                 is given; empty or absent otherwise.",
            ))
            .into()
    }

    pub fn category() -> Object {
        described(
            schema::code::<ProfessionalCategory>(),
            "The participant's professional category.",
        )
    }

    /// Indicator codes of the catalogue: the marker that the served document replaces with the
    /// codes of the catalogue in force, as the web's `kit::schema::indicator_list` does. Not
    /// `uniqueItems`: a code marked twice counts once.
    pub fn present() -> Array {
        ArrayBuilder::new()
            .items(schema::indicator())
            .max_items(Some(100))
            .description(Some(
                "The codes of the indicators marked present, at most 100, each of the \
                 vignette's profile.",
            ))
            .build()
    }

    pub fn decision() -> Object {
        described(
            schema::code::<mnir_domain::training::TraineeDecision>(),
            "The trainee's decision.",
        )
    }

    // Session list filters: a parameter's `schema_with` replaces its description too.

    pub fn city_filter() -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .description(Some("Sessions in this city only."))
            .build()
    }

    pub fn audience_filter() -> Object {
        described(
            schema::code::<Audience>(),
            "Sessions for this audience only.",
        )
    }

    pub fn category_filter() -> Object {
        described(
            schema::code::<ProfessionalCategory>(),
            "Sessions with a participant of this professional category.",
        )
    }

    const DAY: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

    fn day(description: &str) -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Date,
            )))
            .pattern(Some(DAY))
            .description(Some(description))
            .build()
    }

    pub fn from_filter() -> Object {
        day("Held on or after this day (YYYY-MM-DD).")
    }

    pub fn to_filter() -> Object {
        day("Held on or before this day (YYYY-MM-DD).")
    }

    pub fn after_filter() -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            // The day, then a dot; what follows is the id, whatever it is.
            .pattern(Some(
                r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\.",
            ))
            .description(Some(
                "The place after which the page begins (`<day>.<id>`, from `next` of the page \
                 before).",
            ))
            .build()
    }
}

fn person_name(field: &'static str, text: &str, wrong: &mut Vec<FieldIssue>) -> String {
    let name = crate::text::trimmed(text).to_string();
    if name.is_empty() {
        wrong.push(FieldIssue::new(field, "training-name-required"));
    } else if name.chars().count() > training::MAX_NAME || name.chars().any(char::is_control) {
        wrong.push(FieldIssue::new(field, "training-name-bad"));
    }
    name
}

/// The modules of `curriculum` among `codes`. `of_session`: the curriculum is the one a
/// session recorded, so a code outside it is a clash with that record, not a malformed request.
fn modules_of(
    curriculum: &Curriculum,
    of_session: bool,
    field: &'static str,
    codes: &[String],
    wrong: &mut Vec<FieldIssue>,
) -> Vec<String> {
    let mut chosen = Vec::new();
    for code in codes {
        let code = code.trim();
        // A blank code is no module either: the forms send only the codes they list.
        if curriculum.module(code).is_none() {
            wrong.push(FieldIssue {
                field: field.into(),
                message: Message::new("training-module-unknown")
                    .with("module", Arg::Text(code.into())),
                // A blank code is the request's own fault, whatever the curriculum.
                against_records: of_session && !code.is_empty(),
            });
        } else if !chosen.iter().any(|c: &String| c == code) {
            chosen.push(code.to_string());
        }
    }
    // In the curriculum's order, whatever order the form sent.
    curriculum
        .modules
        .iter()
        .filter(|m| chosen.contains(&m.code))
        .map(|m| m.code.clone())
        .collect()
}

/// Records a session on the curriculum in use; its participants are added afterwards.
pub async fn record_session(
    app: &App,
    who: &Who<'_>,
    input: SessionInput,
) -> AppResult<TrainingSessionRecord> {
    can(&who.actor(), Action::ManageTraining, None)?;
    let curriculum = active_curriculum(app).await?;
    let mut wrong = Vec::new();
    let today = app.jurisdiction().local_date(who.now().to_utc());
    let held_on = mnir_domain::parse_iso_date(input.held_on.trim());
    match held_on {
        None => wrong.push(FieldIssue::new("held_on", "training-date-bad")),
        Some(day) if day > today => wrong.push(FieldIssue::new("held_on", "training-date-future")),
        Some(_) => {}
    }
    let city = crate::text::trimmed(&input.city).to_string();
    if city.is_empty() {
        wrong.push(FieldIssue::new("city", "training-city-required"));
    } else if city.chars().count() > training::MAX_CITY || city.chars().any(char::is_control) {
        wrong.push(FieldIssue::new("city", "training-city-bad"));
    }
    let county = input.county.trim().to_string();
    if mnir_domain::reference::county(&county).is_none() {
        wrong.push(FieldIssue::new("county", "training-county-unknown"));
    }
    let audience = Audience::parse(&input.audience);
    if audience.is_none() {
        wrong.push(FieldIssue::new("audience", "training-audience-unknown"));
    }
    // Every entry is a name: the form leaves out its blank lines, and the API is told of one.
    let trainers: Vec<String> = input
        .trainers
        .iter()
        .map(|trainer| person_name("trainers", trainer, &mut wrong))
        .collect();
    if trainers.is_empty() {
        wrong.push(FieldIssue::new("trainers", "training-trainers-required"));
    }
    if trainers.len() > 20 {
        wrong.push(FieldIssue::new("trainers", "training-trainers-too-many"));
    }
    let modules = modules_of(&curriculum, false, "modules", &input.modules, &mut wrong);
    if modules.is_empty() && !wrong.iter().any(|w| w.field == "modules") {
        wrong.push(FieldIssue::new("modules", "training-modules-required"));
    }
    let (Some(held_on), Some(audience), true) = (held_on, audience, wrong.is_empty()) else {
        return Err(AppError::Invalid(wrong));
    };
    let session = TrainingSessionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        held_on,
        city,
        county,
        audience,
        curriculum_version: curriculum.version.clone(),
        trainers,
        modules,
        org_code: who.user.org.code.clone(),
        recorded_by: Some(who.user.id.clone()),
        recorded_at_ms: who.now(),
        participants: 0,
    };
    app.store()
        .record_sessions(&[(session.clone(), Vec::new())], &who.by)
        .await?;
    Ok(session)
}

/// What the session list is filtered by, as a query string or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// Sessions in this city only.
    #[serde(default)]
    #[param(schema_with = api_schema::city_filter)]
    pub city: Option<String>,
    /// `national_victims` or `foreign_victims`.
    #[serde(default)]
    #[param(schema_with = api_schema::audience_filter)]
    pub audience: Option<String>,
    /// Held on or after this day (YYYY-MM-DD).
    #[serde(default)]
    #[param(schema_with = api_schema::from_filter)]
    pub from: Option<String>,
    /// Held on or before this day (YYYY-MM-DD).
    #[serde(default)]
    #[param(schema_with = api_schema::to_filter)]
    pub to: Option<String>,
    /// Sessions with a participant of this professional category.
    #[serde(default)]
    #[param(schema_with = api_schema::category_filter)]
    pub category: Option<String>,
    /// The place after which the page begins (`<day>.<id>`, from `next` of the page before).
    #[serde(default)]
    #[param(schema_with = api_schema::after_filter)]
    pub after: Option<String>,
}

/// A page of sessions and the place of the next one, if any.
pub struct SessionPage {
    pub sessions: Vec<TrainingSessionRecord>,
    pub next: Option<String>,
}

fn nonblank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A page of sessions, newest first.
pub async fn sessions(app: &App, who: &Who<'_>, query: &SessionQuery) -> AppResult<SessionPage> {
    can(&who.actor(), Action::ManageTraining, None)?;
    let mut wrong = Vec::new();
    let audience = nonblank(&query.audience).map(|a| {
        Audience::parse(a).unwrap_or_else(|| {
            wrong.push(FieldIssue::new("audience", "training-audience-unknown"));
            Audience::NationalVictims
        })
    });
    let category = nonblank(&query.category).map(|c| {
        ProfessionalCategory::parse(c).unwrap_or_else(|| {
            wrong.push(FieldIssue::new("category", "training-category-unknown"));
            ProfessionalCategory::Ngo
        })
    });
    let mut day = |field: &'static str, value: &Option<String>| {
        nonblank(value).and_then(|d| {
            let parsed = mnir_domain::parse_iso_date(d);
            if parsed.is_none() {
                wrong.push(FieldIssue::new(field, "training-date-bad"));
            }
            parsed
        })
    };
    let from = day("from", &query.from);
    let to = day("to", &query.to);
    let before = nonblank(&query.after).map(|place| {
        place
            .split_once('.')
            .and_then(|(d, id)| Some((mnir_domain::parse_iso_date(d)?, id.to_string())))
            .unwrap_or_else(|| {
                wrong.push(FieldIssue::new("after", "training-place-bad"));
                (chrono::NaiveDate::MIN, String::new())
            })
    });
    if !wrong.is_empty() {
        return Err(AppError::Invalid(wrong));
    }
    let filter = TrainingSessionFilter {
        before,
        city: nonblank(&query.city).map(String::from),
        audience,
        from,
        to,
        category,
        limit: PAGE_SIZE + 1,
    };
    let mut sessions = app.store().training_sessions(&filter).await?;
    let next = (sessions.len() > PAGE_SIZE as usize).then(|| {
        sessions.truncate(PAGE_SIZE as usize);
        let last = &sessions[sessions.len() - 1];
        format!("{}.{}", last.held_on.format("%Y-%m-%d"), last.id)
    });
    Ok(SessionPage { sessions, next })
}

/// A session with its participants and the curriculum it followed.
pub struct SessionView {
    pub session: TrainingSessionRecord,
    pub participants: Vec<ParticipantRecord>,
    pub curriculum: Curriculum,
}

pub async fn session(app: &App, who: &Who<'_>, id: &str) -> AppResult<SessionView> {
    can(&who.actor(), Action::ManageTraining, None)?;
    let session = app
        .store()
        .training_session(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let participants = app.store().participants(id).await?;
    let curriculum = curriculum(app, &session.curriculum_version).await?;
    Ok(SessionView {
        session,
        participants,
        curriculum,
    })
}

/// Adds a participant to a session: linked to their account when a login is given (their
/// organisation is then the account's). An attended participant who passed the e-learning is
/// certified at once.
pub async fn add_participant(
    app: &App,
    who: &Who<'_>,
    session_id: &str,
    input: ParticipantInput,
) -> AppResult<ParticipantRecord> {
    let view = session(app, who, session_id).await?;
    let mut wrong = Vec::new();
    let name = person_name("name", &input.name, &mut wrong);
    let login = input.login.trim();
    let account = if login.is_empty() {
        None
    } else {
        let user = app.store().user_by_login(login).await?;
        // The accounts are records: no document of the request lists the logins.
        if user.is_none() {
            wrong.push(FieldIssue::against_records(
                "login",
                "training-login-unknown",
            ));
        }
        user
    };
    let code = input.organisation.trim().to_string();
    let outside = crate::text::trimmed(&input.organisation_name).to_string();
    let (org_code, org_name) = match &account {
        Some(user) => (Some(user.org.code.clone()), None),
        // With a login the organisation is the account's and the other fields are not read: a
        // login of no account is named above, not also as an organisation missing.
        None if !login.is_empty() => (None, None),
        None if !code.is_empty() => {
            if app.store().organisation(&code).await?.is_none() {
                wrong.push(FieldIssue::new(
                    "organisation",
                    "training-organisation-unknown",
                ));
            }
            if !outside.is_empty() {
                wrong.push(FieldIssue::new(
                    "organisation_name",
                    "training-organisation-both",
                ));
            }
            (Some(code), None)
        }
        None if !outside.is_empty() => {
            if outside.chars().count() > 200 || outside.chars().any(char::is_control) {
                wrong.push(FieldIssue::new(
                    "organisation_name",
                    "training-organisation-name-bad",
                ));
            }
            (None, Some(outside))
        }
        None => {
            wrong.push(FieldIssue::new(
                "organisation",
                "training-organisation-required",
            ));
            (None, None)
        }
    };
    let category = ProfessionalCategory::parse(&input.category);
    if category.is_none() {
        wrong.push(FieldIssue::new("category", "training-category-unknown"));
    }
    let mut modules = modules_of(
        &view.curriculum,
        true,
        "modules",
        &input.modules,
        &mut wrong,
    );
    if modules.is_empty() {
        modules = view.session.modules.clone();
    }
    if let Some(user) = &account
        && view
            .participants
            .iter()
            .any(|p| p.user_id.as_deref() == Some(user.id.as_str()))
    {
        wrong.push(FieldIssue::against_records(
            "login",
            "training-participant-twice",
        ));
    }
    let (Some(category), true) = (category, wrong.is_empty()) else {
        return Err(AppError::Invalid(wrong));
    };
    let participant = ParticipantRecord {
        id: uuid::Uuid::new_v4().to_string(),
        session_id: session_id.to_string(),
        user_id: account.as_ref().map(|u| u.id.clone()),
        name,
        org_code,
        org_name,
        category,
        attended: input.attended,
        modules,
        recorded_by: Some(who.user.id.clone()),
        recorded_at_ms: who.now(),
    };
    app.store().add_participant(&participant, &who.by).await?;
    if let Some(user) = &account {
        certify_if_passed(app, &who.by, user).await?;
    }
    Ok(participant)
}

/// Records whether a participant attended and what they followed; certifies them when that
/// completes their course.
pub async fn set_attendance(
    app: &App,
    who: &Who<'_>,
    session_id: &str,
    participant_id: &str,
    attended: bool,
    modules: &[String],
) -> AppResult<()> {
    let view = session(app, who, session_id).await?;
    let participant = view
        .participants
        .iter()
        .find(|p| p.id == participant_id)
        .ok_or(AppError::NotFound)?;
    let mut wrong = Vec::new();
    let mut modules = modules_of(&view.curriculum, true, "modules", modules, &mut wrong);
    if !wrong.is_empty() {
        return Err(AppError::Invalid(wrong));
    }
    // None given: the modules recorded for the participant stay.
    if modules.is_empty() {
        modules = participant.modules.clone();
    }
    app.store()
        .set_attendance(session_id, participant_id, attended, &modules, &who.by)
        .await?;
    if let Some(user_id) = &participant.user_id
        && let Some(user) = app.store().user_by_id(user_id).await?
    {
        certify_if_passed(app, &who.by, &user).await?;
    }
    Ok(())
}

/// Imports past sessions from a CSV file (`date,city,county,audience,trainers,modules`) on the
/// curriculum in use, recorded for `org_code`; all or none.
pub async fn import_sessions(
    app: &App,
    changer: &Changer<'_>,
    org_code: &str,
    csv: &str,
) -> AppResult<Result<usize, Vec<DataError>>> {
    let by = changer.may(Action::ManageTraining)?;
    let curriculum = active_curriculum(app).await?;
    let rows = match training::parse_sessions(csv, &curriculum) {
        Ok(rows) => rows,
        Err(errors) => return Ok(Err(errors)),
    };
    if app.store().organisation(org_code).await?.is_none() {
        return Err(AppError::invalid(
            "organisation",
            "training-organisation-unknown",
        ));
    }
    let sessions: Vec<(TrainingSessionRecord, Vec<ParticipantRecord>)> = rows
        .into_iter()
        .map(|row| {
            let id = uuid::Uuid::new_v4().to_string();
            let mut session = session_of_row(row, id, &curriculum.version, org_code, by.now_ms);
            session.recorded_by = changer.user_id();
            (session, Vec::new())
        })
        .collect();
    app.store().record_sessions(&sessions, by).await?;
    Ok(Ok(sessions.len()))
}

/// A past session read from a file, as a record to store (recorded by the operator).
pub fn session_of_row(
    row: training::SessionRow,
    id: String,
    curriculum_version: &str,
    org_code: &str,
    at: Timestamp,
) -> TrainingSessionRecord {
    TrainingSessionRecord {
        id,
        held_on: row.held_on,
        city: row.city,
        county: row.county,
        audience: row.audience,
        curriculum_version: curriculum_version.to_string(),
        trainers: row.trainers,
        modules: row.modules,
        org_code: org_code.to_string(),
        recorded_by: None,
        recorded_at_ms: at,
        participants: 0,
    }
}

// ----- e-learning -----

/// A vignette in the list, with the user's best result on it.
pub struct VignetteLine {
    pub code: String,
    pub title: (String, String),
    pub profile: mnir_domain::identification::Profile,
    pub best: Option<AttemptRecord>,
    pub passed: bool,
}

/// The e-learning as one user sees it: the vignettes in use, their results, how far they are
/// from passing, and their certificates.
pub struct Elearning {
    pub version: String,
    pub vignettes: Vec<VignetteLine>,
    pub passed: usize,
    pub needed: u32,
    pub pass_score: f64,
}

fn better(a: &AttemptRecord, b: &AttemptRecord) -> bool {
    (a.decision_correct, a.score) > (b.decision_correct, b.score)
}

pub async fn elearning(app: &App, who: &Who<'_>) -> AppResult<Elearning> {
    can(&who.actor(), Action::TakeElearning, None)?;
    let version = active_version(app, TrainingData::Vignettes).await?;
    let set = vignette_set(app, &version).await?;
    let attempts = app.store().attempts_of(&who.user.id).await?;
    let rules = &app.jurisdiction().training;
    // First tries only, counted since the user's latest certificate that lapsed (revoked or
    // expired), as a new certificate needs; a valid one does not reset the count.
    let today = app.jurisdiction().local_date(who.now().to_utc());
    let since = app
        .store()
        .certificates(&CertificateFilter {
            user_id: Some(who.user.id.clone()),
            before: None,
            limit: 1000,
        })
        .await?
        .iter()
        .filter(|c| standing_on(c, today) != Standing::Valid)
        .map(|c| c.issued_at_ms)
        .max();
    let counted = counted(app, &who.user.id, since).await?;
    let vignettes = set
        .vignettes
        .iter()
        .map(|v| {
            let mut best: Option<&AttemptRecord> = None;
            for a in attempts
                .iter()
                .filter(|a| a.vignette_version == version && a.vignette_code == v.code)
            {
                if best.is_none_or(|b| better(a, b)) {
                    best = Some(a);
                }
            }
            VignetteLine {
                code: v.code.clone(),
                title: (v.title_ro.clone(), v.title_en.clone()),
                profile: v.profile,
                passed: counted.iter().any(|a| {
                    a.vignette == format!("{version}/{}", v.code)
                        && rules.passes(a.score, a.decision_correct)
                }),
                best: best.cloned(),
            }
        })
        .collect();
    Ok(Elearning {
        version,
        vignettes,
        passed: rules.vignettes_passed(&counted),
        needed: rules.pass_vignettes,
        pass_score: rules.pass_score,
    })
}

/// The attempts the certification counts: made after `since` (the last certificate of the
/// course, when there is one), the first try at each vignette only — its feedback gives the
/// author's answers away, so a later try is practice.
async fn counted(
    app: &App,
    user_id: &str,
    since: Option<Timestamp>,
) -> AppResult<Vec<AttemptResult>> {
    Ok(app
        .store()
        .first_tries(user_id, since)
        .await?
        .into_iter()
        .map(|a| AttemptResult {
            vignette: format!("{}/{}", a.vignette_version, a.vignette_code),
            score: a.score,
            decision_correct: a.decision_correct,
        })
        .collect())
}

/// A vignette of the version in use, as a trainee reads it (the author's answers stay in the
/// returned set; the adapters show them only after an attempt).
pub async fn vignette(
    app: &App,
    who: &Who<'_>,
    code: &str,
) -> AppResult<(Arc<VignetteSet>, Arc<Catalogue>)> {
    can(&who.actor(), Action::TakeElearning, None)?;
    let version = active_version(app, TrainingData::Vignettes).await?;
    let (set, catalogue) = scored_set(app, &version).await?;
    if set.vignette(code).is_none() {
        return Err(AppError::NotFound);
    }
    Ok((set, catalogue))
}

/// An attempt as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AttemptInput {
    #[serde(default)]
    #[schema(schema_with = api_schema::present)]
    pub present: Vec<String>,
    /// Whether an act took place (recruitment, transport, transfer, harbouring or receipt):
    /// required for a child's vignette, ignored for an adult's.
    #[serde(default)]
    pub act: Option<bool>,
    #[schema(schema_with = api_schema::decision)]
    pub decision: String,
}

/// A scored attempt, with the certificate it completed, if any.
pub struct AttemptOutcome {
    pub attempt: AttemptRecord,
    pub scored: Scored,
    pub certificates: Vec<CertificateRecord>,
}

/// Scores a trainee's answer on a vignette of the version in use, keeps it, and certifies the
/// trainee when it completes their course.
pub async fn attempt(
    app: &App,
    who: &Who<'_>,
    code: &str,
    input: AttemptInput,
) -> AppResult<AttemptOutcome> {
    let (set, catalogue) = vignette(app, who, code).await?;
    let vignette = set.vignette(code).ok_or(AppError::NotFound)?;
    let mut wrong = Vec::new();
    let decision = TraineeDecision::parse(&input.decision);
    if decision.is_none() {
        wrong.push(FieldIssue::new("decision", "elearning-decision-required"));
    }
    if input.present.len() > 100 {
        wrong.push(FieldIssue::new("present", "elearning-too-many"));
    }
    let present: BTreeSet<String> = input.present.iter().map(|c| c.trim().to_string()).collect();
    let answer = TraineeAnswer {
        present,
        act: input.act,
        decision: decision.unwrap_or(TraineeDecision::NotAVictim),
    };
    let scored = match training::score(&catalogue, vignette, &answer) {
        Ok(s) => Some(s),
        // Whether the act is asked is the vignette's (a child's), not the request's.
        Err(training::AnswerProblem::ActMissing) => {
            wrong.push(FieldIssue::against_records("act", "elearning-act-required"));
            None
        }
        Err(training::AnswerProblem::Indicator(e)) => {
            use mnir_domain::identification::EvaluationError;
            // A code outside the vignette's profile, or outside the catalogue it is scored
            // against while the catalogue in force (the one the API's document lists) has it,
            // is the vignette's doing; a code no catalogue in force knows is the request's.
            let (code, against_records) = match e {
                EvaluationError::NotInProfile { code, .. } => (code, true),
                EvaluationError::UnknownIndicator(code) => {
                    let listed = app.active_catalogue().await?.indicator(&code).is_some();
                    (code, listed)
                }
            };
            wrong.push(FieldIssue {
                field: "present".into(),
                message: Message::new("elearning-indicator-unknown").with("code", Arg::Text(code)),
                against_records,
            });
            None
        }
    };
    let (Some(scored), true) = (scored, wrong.is_empty()) else {
        return Err(AppError::Invalid(wrong));
    };
    let attempt = AttemptRecord {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: who.user.id.clone(),
        vignette_version: set.version.clone(),
        vignette_code: vignette.code.clone(),
        present: answer.present.iter().cloned().collect(),
        act: vignette.profile.is_child().then_some(answer.act).flatten(),
        decision: answer.decision,
        score: scored.score,
        decision_correct: scored.decision_correct,
        at_ms: who.now(),
    };
    app.store().record_attempt(&attempt, &who.by).await?;
    let certificates = certify_if_passed(app, &who.by, who.user).await?;
    Ok(AttemptOutcome {
        attempt,
        scored,
        certificates,
    })
}

/// One of the user's attempts scored again from what was kept, with its vignette: the feedback
/// page. Another user's attempt is not found.
pub async fn attempt_feedback(
    app: &App,
    who: &Who<'_>,
    id: &str,
) -> AppResult<(AttemptRecord, Arc<VignetteSet>, Arc<Catalogue>, Scored)> {
    can(&who.actor(), Action::TakeElearning, None)?;
    let attempt = app
        .store()
        .attempt(id)
        .await?
        .filter(|a| a.user_id == who.user.id)
        .ok_or(AppError::NotFound)?;
    let (set, catalogue) = scored_set(app, &attempt.vignette_version).await?;
    let vignette = set
        .vignette(&attempt.vignette_code)
        .ok_or(AppError::NotFound)?;
    let answer = TraineeAnswer {
        present: attempt.present.iter().cloned().collect(),
        act: attempt.act,
        decision: attempt.decision,
    };
    let scored = training::score(&catalogue, vignette, &answer)
        .map_err(|e| AppError::Internal(format!("attempt {id} no longer scores: {e:?}")))?;
    Ok((attempt, set, catalogue, scored))
}

// ----- certificates -----

/// Issues the certificates a user's record now earns: for each audience of a session they
/// attended, when the e-learning is passed and they hold no valid certificate of it.
pub async fn certify_if_passed(
    app: &App,
    by: &AuditActor,
    user: &User,
) -> AppResult<Vec<CertificateRecord>> {
    let rules = &app.jurisdiction().training;
    let today = app.jurisdiction().local_date(by.now_ms.to_utc());
    let held = app
        .store()
        .certificates(&CertificateFilter {
            user_id: Some(user.id.clone()),
            before: None,
            limit: 1000,
        })
        .await?;
    let participations = app.store().participations_of(&user.id).await?;
    let mut issued = Vec::new();
    for audience in Audience::ALL {
        // After a certificate of the course (valid, expired or revoked), a new one needs a
        // session held after it and the e-learning passed again since.
        let last = held
            .iter()
            .filter(|c| c.audience == *audience)
            .max_by_key(|c| c.issued_at_ms);
        if last.is_some_and(|c| standing_on(c, today) == Standing::Valid) {
            continue;
        }
        let Some((participant, _, _)) = participations.iter().find(|(p, a, held_on)| {
            p.attended && a == audience && last.is_none_or(|c| *held_on > c.issued_on)
        }) else {
            continue;
        };
        if !rules.elearning_passed(&counted(app, &user.id, last.map(|c| c.issued_at_ms)).await?) {
            continue;
        }
        let mut certificate = certificate_of(app, user, participant, *audience, today, by.now_ms);
        match app.store().issue_certificate(&certificate, by).await {
            Ok(number) => {
                certificate.number = number;
                issued.push(certificate);
            }
            // Issued meanwhile by another request: the holder has it.
            Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(issued)
}

/// A new certificate of `audience` for `user`, counting `participant`'s attendance, issued on
/// `issued_on` and valid as long as the profile says; its number is given by the store.
fn certificate_of(
    app: &App,
    user: &User,
    participant: &ParticipantRecord,
    audience: Audience,
    issued_on: chrono::NaiveDate,
    issued_at_ms: Timestamp,
) -> CertificateRecord {
    let last_valid_day = app.jurisdiction().training.last_valid_day(issued_on);
    CertificateRecord {
        id: uuid::Uuid::new_v4().to_string(),
        number: String::new(),
        user_id: user.id.clone(),
        holder_name: participant.name.clone(),
        org_code: user.org.code.clone(),
        audience,
        participant_id: participant.id.clone(),
        issued_on,
        last_valid_day,
        ends_at_ms: Timestamp::from_utc(
            app.jurisdiction()
                .start_of_day(last_valid_day + chrono::Days::new(1)),
        ),
        issued_at_ms,
        verification_code: verification_code(),
        revoked_at_ms: None,
        revoked_by: None,
        revoke_reason: None,
    }
}

/// Issues the demo's certificate of an earlier course, as it was issued on `issued_on` after
/// `participant`'s session (the demo shows one nearing its end). Returns its number.
pub async fn insert_generated_certificate(
    app: &App,
    user: &User,
    participant: &ParticipantRecord,
    audience: Audience,
    issued_on: chrono::NaiveDate,
) -> AppResult<String> {
    let issued_at_ms = Timestamp::from_utc(app.jurisdiction().start_of_day(issued_on));
    let certificate = certificate_of(app, user, participant, audience, issued_on, issued_at_ms);
    Ok(app
        .store()
        .issue_certificate(&certificate, &AuditActor::cli(app.now()))
        .await?)
}

/// The alphabet of verification codes: digits and capitals without I, L, O and U, which are
/// misread for 1, 1, 0 and V when a code is typed from paper.
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh verification code: 15 characters (75 bits) in three groups, `XXXXX-XXXXX-XXXXX`.
fn verification_code() -> String {
    use rand::Rng as _;
    let mut rng = rand::rngs::OsRng;
    let mut code = String::with_capacity(17);
    for i in 0..15 {
        if i > 0 && i % 5 == 0 {
            code.push('-');
        }
        code.push(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char);
    }
    code
}

/// Where a certificate stands on a local day.
pub fn standing_on(c: &CertificateRecord, today: chrono::NaiveDate) -> Standing {
    training::standing(c.last_valid_day, c.revoked_at_ms.is_some(), today)
}

/// A page of certificates: every one for a trainer (`mine` false), the user's own otherwise.
pub struct CertificatePage {
    pub certificates: Vec<CertificateRecord>,
    pub next: Option<String>,
    pub today: chrono::NaiveDate,
}

pub async fn certificates(
    app: &App,
    who: &Who<'_>,
    mine: bool,
    after: Option<&str>,
) -> AppResult<CertificatePage> {
    if mine {
        can(&who.actor(), Action::TakeElearning, None)?;
    } else {
        can(&who.actor(), Action::ManageTraining, None)?;
    }
    let before = match after.map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        // The time in at most 15 digits, as the API's document states it: a link never holds
        // more.
        Some(text) => Some(
            text.split_once('.')
                .filter(|(ms, _)| ms.len() <= 15)
                .and_then(|_| text.parse::<ListPlace>().ok())
                .ok_or_else(|| AppError::invalid("after", "training-place-bad"))?,
        ),
    };
    let mut certificates = app
        .store()
        .certificates(&CertificateFilter {
            user_id: mine.then(|| who.user.id.clone()),
            before,
            limit: PAGE_SIZE + 1,
        })
        .await?;
    let next = (certificates.len() > PAGE_SIZE as usize).then(|| {
        certificates.truncate(PAGE_SIZE as usize);
        let last = &certificates[certificates.len() - 1];
        ListPlace {
            at_ms: last.issued_at_ms,
            id: last.id.clone(),
        }
        .to_string()
    });
    Ok(CertificatePage {
        certificates,
        next,
        today: app.jurisdiction().local_date(who.now().to_utc()),
    })
}

/// A certificate its holder or a trainer may read.
pub async fn certificate(app: &App, who: &Who<'_>, id: &str) -> AppResult<CertificateRecord> {
    can(&who.actor(), Action::TakeElearning, None)?;
    let certificate = app
        .store()
        .certificate(id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The holder, the trainers, and the supervisors of the organisation it was issued in (who
    // plan the staff's courses) see it; anyone else is told there is none.
    let holder = certificate.user_id == who.user.id;
    let trainer = can(&who.actor(), Action::ManageTraining, None).is_ok();
    let supervisor = certificate.org_code == who.user.org.code
        && can(&who.actor(), Action::SeeStaffCertificates, None).is_ok();
    if !(holder || trainer || supervisor) {
        return Err(AppError::NotFound);
    }
    Ok(certificate)
}

/// The longest reason for revoking a certificate.
pub const MAX_REVOCATION_REASON: usize = 500;

/// Revokes a certificate, with the reason; a trainer's act.
pub async fn revoke(app: &App, who: &Who<'_>, id: &str, sent_reason: &str) -> AppResult<()> {
    can(&who.actor(), Action::ManageTraining, None)?;
    let reason = crate::text::trimmed(sent_reason);
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "certificate-reason-required"));
    }
    // The limit counts the reason as sent, as the API's document states it.
    if sent_reason.chars().count() > MAX_REVOCATION_REASON {
        return Err(AppError::invalid("reason", "certificate-reason-too-long"));
    }
    let certificate = app
        .store()
        .certificate(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if certificate.revoked_at_ms.is_some() {
        return Err(AppError::conflict("certificate-revoked-already"));
    }
    match app.store().revoke_certificate(id, reason, &who.by).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(AppError::conflict("certificate-revoked-already")),
        Err(e) => return Err(e.into()),
    }
    // The holder's screener role ends with their last valid certificate.
    if let Some(holder) = app.store().user_by_id(&certificate.user_id).await? {
        end_screener_role_if_uncertified(app, &who.by, &holder).await?;
    }
    Ok(())
}

/// What the public verification of a certificate shows: no more than the holder's initials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Verification {
    /// `valid`, `expired` or `revoked`.
    pub standing: String,
    /// The holder's initials only.
    pub holder_initials: String,
    /// The course: `national_victims` or `foreign_victims`.
    pub audience: String,
    #[schema(format = Date)]
    pub issued_on: String,
    #[schema(format = Date)]
    pub last_valid_day: String,
}

/// Verifies a certificate by its code, for anyone (no sign-in); `NotFound` for an unknown code.
pub async fn verify(app: &App, code: &str) -> AppResult<Verification> {
    let code = code.trim().to_ascii_uppercase();
    if code.len() != 17
        || !code
            .bytes()
            .all(|b| b == b'-' || CODE_ALPHABET.contains(&b))
    {
        return Err(AppError::NotFound);
    }
    let certificate = app
        .store()
        .certificate_by_code(&code)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = app.jurisdiction().local_date(app.now().to_utc());
    Ok(Verification {
        standing: standing_on(&certificate, today).as_str().to_string(),
        holder_initials: training::initials(&certificate.holder_name),
        audience: certificate.audience.as_str().to_string(),
        issued_on: certificate.issued_on.format("%Y-%m-%d").to_string(),
        last_valid_day: certificate.last_valid_day.format("%Y-%m-%d").to_string(),
    })
}

// ----- the operator's -----

/// Whether any session is recorded (the demo seeds its own only into an empty register).
pub async fn has_sessions(app: &App) -> AppResult<bool> {
    Ok(!app
        .store()
        .training_sessions(&TrainingSessionFilter {
            limit: 1,
            ..TrainingSessionFilter::default()
        })
        .await?
        .is_empty())
}

/// Stores generated sessions with their participants (the demo's), in one transaction audited
/// as the operator's.
pub async fn insert_generated_sessions(
    app: &App,
    sessions: &[(TrainingSessionRecord, Vec<ParticipantRecord>)],
) -> AppResult<()> {
    Ok(app
        .store()
        .record_sessions(sessions, &AuditActor::cli(app.now()))
        .await?)
}

/// An account by its login, for the operator's demo (which links its demo accounts to the
/// sessions they attended).
pub async fn account(app: &App, login: &str) -> AppResult<Option<User>> {
    Ok(app.store().user_by_login(login).await?)
}

// ----- certified first responders -----

/// Whether a user holds a certificate valid today (of either course).
pub async fn certified(app: &App, user_id: &str) -> AppResult<bool> {
    let today = app.jurisdiction().local_date(app.now().to_utc());
    Ok(app
        .store()
        .certificates(&CertificateFilter {
            user_id: Some(user_id.to_string()),
            before: None,
            limit: 1000,
        })
        .await?
        .iter()
        .any(|c| standing_on(c, today) == Standing::Valid))
}

/// When the profile requires a certificate for the screener role, refuses `roles` holding it for
/// a user without a valid one (`None`: an account not created yet, which holds none).
pub async fn check_screener_rule(
    app: &App,
    user_id: Option<&str>,
    roles: &mnir_domain::RoleSet,
) -> AppResult<()> {
    if !app.jurisdiction().training.screener_requires_certificate
        || !roles.contains(mnir_domain::Role::Screener)
    {
        return Ok(());
    }
    match user_id {
        Some(id) if certified(app, id).await? => Ok(()),
        // The account's certificates refuse it, not the request: a conflict for the API.
        Some(_) => Err(AppError::against_records(
            "roles",
            "user-screener-uncertified",
        )),
        // A new account holds none: the profile alone refuses the role.
        None => Err(AppError::invalid("roles", "user-screener-uncertified")),
    }
}

/// Ends the screener role of a user whose certificates no longer count, when the profile
/// requires one; whether it did.
async fn end_screener_role_if_uncertified(
    app: &App,
    by: &AuditActor,
    user: &User,
) -> AppResult<bool> {
    if !app.jurisdiction().training.screener_requires_certificate {
        return Ok(false);
    }
    // The roles as they are now, not as a list read earlier showed them: an administrator may
    // have changed them meanwhile.
    let Some(user) = app.store().user_by_id(&user.id).await? else {
        return Ok(false);
    };
    if !user.roles.contains(mnir_domain::Role::Screener) || certified(app, &user.id).await? {
        return Ok(false);
    }
    let roles = mnir_domain::RoleSet::new(
        user.roles
            .iter()
            .filter(|r| *r != mnir_domain::Role::Screener)
            .collect(),
    );
    app.store().set_user_roles(&user.id, &roles, by).await?;
    Ok(true)
}

/// Every screener whose certificate expired or was revoked loses the role (the scheduler's,
/// once an hour); how many did.
pub async fn end_lapsed_screener_roles(app: &App) -> AppResult<usize> {
    if !app.jurisdiction().training.screener_requires_certificate {
        return Ok(0);
    }
    let by = AuditActor::cli(app.now());
    let mut ended = 0;
    let screeners = app
        .store()
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.roles.contains(mnir_domain::Role::Screener));
    for user in screeners {
        if end_screener_role_if_uncertified(app, &by, &user).await? {
            ended += 1;
        }
    }
    Ok(ended)
}

/// Raises a task for the supervisors of each staff member whose certificate reaches its last
/// day within the profile's notice (30 days by default), so that the new course is planned
/// before it lapses. Run by the scheduler once an hour; each certificate gets one task, closed
/// by a supervisor, by a new certificate of the course or by the revocation. Returns how many
/// tasks were raised.
pub async fn raise_certificate_notices(app: &App) -> AppResult<usize> {
    let rules = &app.jurisdiction().training;
    let now = app.now();
    let today = app.jurisdiction().local_date(now.to_utc());
    let until = today + chrono::Days::new(u64::from(rules.expiry_notice_days));
    let by = AuditActor {
        channel: "scheduler",
        ..AuditActor::cli(now)
    };
    let mut raised = 0;
    // A backlog (the first start after an import of certificates) is worked off in batches.
    loop {
        let batch = app
            .store()
            .raise_certificate_notices(today, until, &by)
            .await?;
        raised += batch;
        if batch < 500 {
            return Ok(raised);
        }
    }
}

/// The open certificate tasks of the supervisor's organisation, the soonest last day first.
pub async fn certificate_notices(app: &App, who: &Who<'_>) -> AppResult<Vec<CertificateNotice>> {
    can(&who.actor(), Action::SeeStaffCertificates, None)?;
    Ok(app.store().certificate_notices(&who.user.org.code).await?)
}

/// A supervisor marks a certificate task handled (the new course planned, or the role no longer
/// needed).
pub async fn close_certificate_notice(app: &App, who: &Who<'_>, task_id: &str) -> AppResult<()> {
    can(&who.actor(), Action::SeeStaffCertificates, None)?;
    match app
        .store()
        .close_certificate_notice(task_id, &who.user.org.code, &who.by)
        .await
    {
        Ok(()) => Ok(()),
        // None open in the organisation: closed already, or another organisation's.
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

// ----- reports -----

/// One figure of a report: its value, or hidden by disclosure control (the published view).
pub type Figure = crate::statistics::StatCell;

/// A line of a report: what it counts (a code, a county, an organisation, a city, a year) and
/// its figures, one per column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportLine {
    /// A category or standing code, an ISO 3166-2 county, an organisation's code, a city, a
    /// year.
    pub key: String,
    /// The name of an organisation outside the directory, for its line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub figures: Vec<Figure>,
}

/// A report table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportTable {
    /// `trained-by-category`, `trained-by-county`, `trained-by-organisation`,
    /// `sessions-by-city`, `certificates-by-standing`, `notifications-by-certification`.
    pub name: &'static str,
    /// What each column counts: `people`, `sessions`, `certificates`, `certified`,
    /// `uncertified`.
    pub columns: Vec<&'static str>,
    pub lines: Vec<ReportLine>,
    pub totals: Vec<Figure>,
}

/// The training reports, exact or after disclosure control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrainingReport {
    pub published: bool,
    pub tables: Vec<ReportTable>,
}

/// A report table's lines before any figure is hidden: key, outside name, figures.
type Lines = Vec<(String, Option<String>, Vec<u64>)>;

/// A table with every figure shown.
fn exact_table(name: &'static str, columns: Vec<&'static str>, lines: Lines) -> ReportTable {
    let exact = |values: &[u64]| values.iter().map(|v| Figure::Value(*v)).collect::<Vec<_>>();
    let sums: Vec<u64> = (0..columns.len())
        .map(|c| lines.iter().map(|(_, _, v)| v[c]).sum())
        .collect();
    ReportTable {
        name,
        totals: exact(&sums),
        lines: lines
            .into_iter()
            .map(|(key, name, v)| ReportLine {
                key,
                name,
                figures: exact(&v),
            })
            .collect(),
        columns,
    }
}

/// Tables of counts of people protected together with the jurisdiction's `k` (`None`: every
/// figure shown). Tables sharing a `column_key` share their column totals (the people trained
/// are one total however they are split), so a figure hidden in one is hidden in all. Where no
/// pattern holds against the attacker, nothing of the tables is published.
fn people_tables(
    tables: Vec<(&'static str, Vec<&'static str>, &'static str, Lines)>,
    k: Option<u64>,
) -> AppResult<Vec<ReportTable>> {
    let Some(k) = k else {
        return Ok(tables
            .into_iter()
            .map(|(name, columns, _, lines)| exact_table(name, columns, lines))
            .collect());
    };
    let (empty, shown): (Vec<_>, Vec<_>) = tables
        .into_iter()
        .partition(|(_, _, _, lines)| lines.is_empty());
    let mut out: Vec<ReportTable> = empty
        .into_iter()
        .map(|(name, columns, _, lines)| exact_table(name, columns, lines))
        .collect();
    let counts = shown
        .iter()
        .map(|(name, _, _, lines)| {
            mnir_disclosure::Counts::new(lines.iter().map(|(_, _, v)| v.clone()).collect())
                .map_err(|e| AppError::Internal(format!("report {name}: {e:?}")))
        })
        .collect::<AppResult<Vec<_>>>()?;
    // Tables that share a column key are protected together; the others each alone, so that a
    // table no pattern holds for hides only itself.
    let mut published: Vec<Option<mnir_disclosure::Published>> = vec![None; shown.len()];
    let mut keys: Vec<&str> = shown.iter().map(|(_, _, key, _)| *key).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        let members: Vec<usize> = (0..shown.len()).filter(|i| shown[*i].2 == key).collect();
        let specs: Vec<mnir_disclosure::TableSpec<'_>> = members
            .iter()
            .map(|i| mnir_disclosure::TableSpec {
                counts: &counts[*i],
                row_key: Some(shown[*i].0),
                column_key: Some(key),
            })
            .collect();
        match mnir_disclosure::protect_publication(&specs, k) {
            Ok(tables) => {
                for (i, table) in members.into_iter().zip(tables) {
                    published[i] = Some(table);
                }
            }
            Err(mnir_disclosure::Refusal::Link(e)) => {
                return Err(AppError::Internal(format!("report tables {key}: {e:?}")));
            }
            // No pattern holds against the attacker: these tables are not published.
            Err(_) => {}
        }
    }
    let hidden = Figure::Suppressed(crate::statistics::Suppressed::Secondary);
    for (i, (name, columns, _, lines)) in shown.into_iter().enumerate() {
        let width = columns.len();
        let table = match published[i].take() {
            Some(p) => ReportTable {
                name,
                totals: p.column_totals.iter().map(|c| Figure::from(*c)).collect(),
                lines: lines
                    .into_iter()
                    .zip(p.cells.clone())
                    .map(|((key, name, _), cells)| ReportLine {
                        key,
                        name,
                        figures: cells.into_iter().map(Figure::from).collect(),
                    })
                    .collect(),
                columns,
            },
            None => ReportTable {
                name,
                totals: vec![hidden; width],
                lines: lines
                    .into_iter()
                    .map(|(key, name, _)| ReportLine {
                        key,
                        name,
                        figures: vec![hidden; width],
                    })
                    .collect(),
                columns,
            },
        };
        out.push(table);
    }
    let order = |name: &str| {
        [
            "trained-by-category",
            "trained-by-county",
            "trained-by-organisation",
            "certificates-by-standing",
            "notifications-by-certification",
        ]
        .iter()
        .position(|n| *n == name)
    };
    out.sort_by_key(|t| order(t.name));
    Ok(out)
}

/// The training reports: people trained by professional category, county and organisation;
/// sessions by city; certificates valid, expired and revoked; notifications made by certified
/// and uncertified staff per year (the last ten, from the first with one). The published view
/// hides figures of people from 1 to k − 1 and what would let them be worked out.
pub async fn reports(app: &App, who: &Who<'_>, published: bool) -> AppResult<TrainingReport> {
    can(
        &who.actor(),
        Action::ViewTrainingReports { published },
        None,
    )?;
    let jurisdiction = app.jurisdiction();
    let today = jurisdiction.local_date(who.now().to_utc());
    let counts = app.store().training_counts(today, &who.by).await?;
    let k = published.then_some(jurisdiction.disclosure_threshold);
    let one = |rows: Vec<(String, i64)>| -> Lines {
        rows.into_iter()
            .map(|(key, n)| (key, None, vec![n.max(0) as u64]))
            .collect()
    };
    let (valid, expired, revoked) = counts.certificates;
    let this_year = chrono::Datelike::year(&today);
    let bounds: Vec<mnir_store::YearBounds> = (this_year - 9..=this_year)
        .filter_map(|year| {
            let start = chrono::NaiveDate::from_ymd_opt(year, 1, 1)?;
            let next = chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)?;
            Some(mnir_store::YearBounds {
                year,
                from: Timestamp::from_utc(jurisdiction.start_of_day(start)),
                to: Timestamp::from_utc(jurisdiction.start_of_day(next)),
            })
        })
        .collect();
    let by_year = app.store().notifications_by_certification(&bounds).await?;
    let first = by_year
        .iter()
        .position(|(_, c, u)| c + u > 0)
        .unwrap_or(by_year.len());
    let mut tables = people_tables(
        vec![
            (
                "trained-by-category",
                vec!["people"],
                "people-trained",
                one(counts.trained_by_category),
            ),
            (
                "trained-by-county",
                vec!["people"],
                "people-trained",
                one(counts.trained_by_county),
            ),
            (
                "trained-by-organisation",
                vec!["people"],
                "people-trained",
                counts
                    .trained_by_organisation
                    .into_iter()
                    .map(|(code, name, n)| (code.unwrap_or_default(), name, vec![n.max(0) as u64]))
                    .collect(),
            ),
            (
                "certificates-by-standing",
                vec!["certificates"],
                "certificates",
                one(vec![
                    (Standing::Valid.as_str().into(), valid),
                    (Standing::Expired.as_str().into(), expired),
                    (Standing::Revoked.as_str().into(), revoked),
                ]),
            ),
            (
                "notifications-by-certification",
                vec!["certified", "uncertified"],
                "notifications",
                by_year[first..]
                    .iter()
                    .map(|(year, c, u)| (year.to_string(), None, vec![*c as u64, *u as u64]))
                    .collect(),
            ),
        ],
        k,
    )?;
    // Sessions are events, not people: never hidden.
    tables.insert(
        3,
        exact_table(
            "sessions-by-city",
            vec!["sessions"],
            one(counts.sessions_by_city),
        ),
    );
    Ok(TrainingReport { published, tables })
}
