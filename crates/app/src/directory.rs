//! The referral directory (mnir.md §6): anyone who refers searches it; an administrator, or an
//! organisation's supervisor for its own entry, keeps it current.

use crate::schema;
use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use mnir_domain::directory::{SERVICES, TARGET_GROUPS, check_entry};
use mnir_domain::{Action, can, reference};
use mnir_store::DirectoryEntry;
use serde::Deserialize;

/// The document's schemas of the directory's own lists, for the fields and parameters that take
/// one of their values.
struct ServiceCode;
struct CountyCode;
struct GroupCode;

impl utoipa::PartialSchema for ServiceCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        schema::one_of(SERVICES).into()
    }
}

impl utoipa::PartialSchema for CountyCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        schema::one_of(reference::counties().iter().map(|c| c.code.as_str())).into()
    }
}

impl utoipa::PartialSchema for GroupCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        schema::one_of(TARGET_GROUPS).into()
    }
}

impl utoipa::ToSchema for ServiceCode {}
impl utoipa::ToSchema for CountyCode {}
impl utoipa::ToSchema for GroupCode {}

/// A directory search: each filter is optional.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// A service the organisation offers (`accommodation`, `medical`, …).
    #[param(value_type = Option<ServiceCode>, inline)]
    pub service: Option<String>,
    /// A county it covers (ISO 3166-2); an entry without counties covers the whole country.
    #[param(value_type = Option<CountyCode>, inline)]
    pub county: Option<String>,
    /// A group it takes (`children`, `women`, `men`, `families`).
    #[param(value_type = Option<GroupCode>, inline)]
    pub group: Option<String>,
}

/// The API's search checked: a filter that is none of its list's values is refused, where the
/// page, whose lists offer only those, takes it as found nowhere.
pub fn check_search(q: &SearchQuery) -> AppResult<()> {
    let unknown = |value: &Option<String>, known: &dyn Fn(&str) -> bool| {
        value.as_deref().filter(|v| !known(v)).map(str::to_string)
    };
    let mut wrong = Vec::new();
    if let Some(code) = unknown(&q.service, &|v| SERVICES.contains(&v)) {
        wrong.push(FieldIssue {
            field: "service".into(),
            message: Message::new("directory-service-unknown").with("code", Arg::Text(code)),
            against_records: false,
        });
    }
    if let Some(code) = unknown(&q.county, &|v| reference::county(v).is_some()) {
        wrong.push(FieldIssue {
            field: "county".into(),
            message: Message::new("org-county-unknown").with("county", Arg::Text(code)),
            against_records: false,
        });
    }
    if let Some(code) = unknown(&q.group, &|v| TARGET_GROUPS.contains(&v)) {
        wrong.push(FieldIssue {
            field: "group".into(),
            message: Message::new("directory-group-unknown").with("code", Arg::Text(code)),
            against_records: false,
        });
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(wrong))
    }
}

/// The entries matching a search.
pub async fn search_entries(app: &App, q: &SearchQuery) -> AppResult<Vec<DirectoryEntry>> {
    fn pick(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let (service, county, group) = (pick(&q.service), pick(&q.county), pick(&q.group));
    Ok(app
        .store()
        .directory()
        .await?
        .into_iter()
        .filter(|e| service.is_none_or(|s| e.services.iter().any(|x| x == s)))
        .filter(|e| {
            county.is_none_or(|c| e.counties.is_empty() || e.counties.iter().any(|x| x == c))
        })
        .filter(|e| group.is_none_or(|g| e.target_groups.iter().any(|x| x == g)))
        .collect())
}

/// A directory entry as sent by the edit form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EntryInput {
    /// At least one.
    #[schema(value_type = Vec<ServiceCode>, inline, min_items = 1)]
    pub services: Vec<String>,
    /// Counties covered (ISO 3166-2); empty for the whole country.
    #[serde(default)]
    #[schema(value_type = Vec<CountyCode>, inline)]
    pub counties: Vec<String>,
    /// At least one.
    #[schema(value_type = Vec<GroupCode>, inline, min_items = 1)]
    pub target_groups: Vec<String>,
    /// ISO 639 codes (`ro`, `uk`), at least one; kept in lower case.
    #[schema(min_items = 1, pattern = "^[A-Za-z]{2,3}$")]
    pub languages: Vec<String>,
    /// Places free now, if the organisation counts them: 0 to 100 000.
    #[schema(minimum = 0, maximum = 100_000)]
    pub capacity: Option<i64>,
}

/// Saves the entry of `org` after checking every field.
pub async fn save_entry(
    app: &App,
    who: &Who<'_>,
    org: &mnir_store::Organisation,
    input: EntryInput,
) -> AppResult<DirectoryEntry> {
    can(
        &who.user.actor(),
        Action::EditDirectoryEntry {
            own: org.code == who.user.org.code,
        },
        None,
    )?;
    let languages: Vec<String> = input
        .languages
        .iter()
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty())
        .collect();
    let wrong = check_entry(
        &input.services,
        &input.counties,
        &input.target_groups,
        &languages,
        input.capacity,
    );
    if !wrong.is_empty() {
        return Err(AppError::Invalid(
            wrong
                .iter()
                .map(|f| FieldIssue::new(*f, invalid_message(f)))
                .collect(),
        ));
    }
    let entry = DirectoryEntry {
        org_code: org.code.clone(),
        services: input.services,
        counties: input.counties,
        target_groups: input.target_groups,
        languages,
        capacity: input.capacity,
        updated_at_ms: who.now(),
    };
    app.store().save_directory_entry(&entry, &who.by).await?;
    Ok(entry)
}

/// The message for a wrong field of a directory entry.
fn invalid_message(field: &str) -> &'static str {
    match field {
        "services" => "directory-invalid-services",
        "counties" => "directory-invalid-counties",
        "target_groups" => "directory-invalid-target_groups",
        "languages" => "directory-invalid-languages",
        _ => "directory-invalid-capacity",
    }
}

/// Whether the actor may keep their own organisation's entry (the search page offers it).
pub fn may_edit_own(who: &Who) -> bool {
    can(&who.actor(), Action::EditDirectoryEntry { own: true }, None).is_ok()
}

/// The organisation whose entry the actor asks to edit (their own when `org` is empty), if they
/// may edit it.
pub async fn editable(
    app: &App,
    who: &Who<'_>,
    org: Option<&str>,
) -> AppResult<mnir_store::Organisation> {
    let code = org
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or(&who.user.org.code)
        .to_string();
    can(
        &who.actor(),
        Action::EditDirectoryEntry {
            own: code == who.user.org.code,
        },
        None,
    )?;
    app.store()
        .organisation(&code)
        .await?
        .ok_or(AppError::NotFound)
}

/// The directory entry of an organisation, if it has one (the directory is open to everyone
/// who refers).
pub async fn entry(app: &App, org_code: &str) -> AppResult<Option<DirectoryEntry>> {
    Ok(app
        .store()
        .directory()
        .await?
        .into_iter()
        .find(|e| e.org_code == org_code))
}
