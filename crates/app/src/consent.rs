//! Information on rights and consent per purpose and recipient (mnir.md §5): recorded for a case
//! by those who work with the person, checked against who may give it, withdrawn at any time.

use crate::schema;
use crate::{App, AppError, AppResult, FieldIssue, Who};
use mnir_domain::Vocabulary;
use mnir_domain::consent::{GivenBy, Method, Purpose, Right};
use mnir_domain::{Action, CaseFacts, can};
use mnir_store::{ConsentRecord, InformationRecord, StoreError, Timestamp};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Array, ArrayBuilder, Object};
use utoipa::openapi::{RefOr, Schema};

/// The case, when the user may record information and consent on it: its facts and reference.
pub(crate) async fn consent_case(
    app: &App,
    who: &Who<'_>,
    id: &str,
) -> AppResult<(CaseFacts, String)> {
    let facts = crate::cases::facts(app, who, id).await?;
    can(&who.user.actor(), Action::RecordConsent, Some(&facts))?;
    let detail = app
        .store()
        .case_detail(
            id,
            &who.scope_on(id),
            mnir_store::Reveal::default(),
            &who.by,
        )
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((facts, detail.summary.reference))
}

/// Information on rights as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct InformationInput {
    #[schema(schema_with = rights_schema)]
    pub rights: Vec<String>,
    /// ISO 639 code of the language used: two or three letters (`ro`, `en`, `rom`).
    #[schema(pattern = "^[A-Za-z]{2,3}$")]
    pub language: String,
    #[serde(default)]
    pub interpreter: bool,
    #[serde(default)]
    pub mediator: bool,
    /// Version of the written notice handed over, at most 64 characters.
    #[schema(pattern = r"\S", max_length = 64)]
    pub notice_version: String,
}

/// A consent as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ConsentInput {
    #[schema(schema_with = purpose_schema)]
    pub purpose: String,
    #[serde(default)]
    #[schema(schema_with = recipient_schema)]
    pub recipient: String,
    #[schema(schema_with = given_by_schema)]
    pub given_by: String,
    #[schema(schema_with = method_schema)]
    pub method: String,
    /// The last day the consent is valid (`YYYY-MM-DD`), not before today; empty or absent for a
    /// consent without an end.
    #[serde(default)]
    #[schema(pattern = "^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$")]
    pub expires: String,
}

// The API document's schemas of the coded fields above: `schema_with` states a field alone, so
// each says what its field holds.

fn codes_of<T: Vocabulary>(description: &str) -> Object {
    let mut codes = schema::code::<T>();
    codes.description = Some(description.into());
    codes
}

fn rights_schema() -> Array {
    // No `uniqueItems`: a right ticked twice is not refused.
    ArrayBuilder::new()
        .items(codes_of::<Right>("A right explained."))
        .min_items(Some(1))
        .description(Some("The rights explained, at least one."))
        .build()
}

fn purpose_schema() -> Object {
    codes_of::<Purpose>("What the consent is for.")
}

fn given_by_schema() -> Object {
    codes_of::<GivenBy>(
        "Who gave the consent: for an adult the person or their legal representative; for a \
         child, or a person whose age is not known, the child's assent, the legal \
         representative or the child-protection directorate.",
    )
}

fn method_schema() -> Object {
    codes_of::<Method>("How the consent was given.")
}

/// An organisation of the register, or the empty text for none.
fn recipient_schema() -> RefOr<Schema> {
    schema::any_of([schema::organisation(), schema::one_of([""])])
        .description(Some(
            "Code of the recipient organisation; required for assistance and sharing with the \
             police, empty or absent for the other purposes.",
        ))
        .into()
}

/// Longest version of the written notice handed over.
pub const MAX_NOTICE_VERSION: usize = 64;

// `max_length = 64` of `notice_version` above is MAX_NOTICE_VERSION (the attribute takes a
// literal).
const _: () = assert!(MAX_NOTICE_VERSION == 64);

/// Records which rights were explained, how and by whom.
pub async fn record_information(
    app: &App,
    who: &Who<'_>,
    id: &str,
    input: InformationInput,
) -> AppResult<InformationRecord> {
    consent_case(app, who, id).await?;
    let language = input.language.trim().to_ascii_lowercase();
    let mut wrong = Vec::new();
    let rights: Option<Vec<Right>> = input.rights.iter().map(|r| Right::parse(r)).collect();
    let rights = rights.filter(|r| !r.is_empty());
    if rights.is_none() {
        wrong.push(FieldIssue::new("rights", "information-rights-required"));
    }
    if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_lowercase()) {
        wrong.push(FieldIssue::new("language", "information-language-invalid"));
    }
    let notice_version = crate::text::trimmed(&input.notice_version);
    if notice_version.is_empty() {
        wrong.push(FieldIssue::new(
            "notice_version",
            "information-notice-required",
        ));
    } else if input.notice_version.chars().count() > MAX_NOTICE_VERSION {
        // A version names a printed notice ("2026-1"); a longer text is refused, never cut. The
        // limit counts the text as sent, as the API's document states it.
        wrong.push(FieldIssue::new(
            "notice_version",
            "information-notice-too-long",
        ));
    }
    let Some(rights) = rights.filter(|_| wrong.is_empty()) else {
        return Err(AppError::Invalid(wrong));
    };
    let record = InformationRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: id.to_string(),
        rights,
        language,
        interpreter: input.interpreter,
        mediator: input.mediator,
        notice_version: notice_version.to_string(),
        given_by: who.user.id.clone(),
        org_code: who.user.org.code.clone(),
        given_at_ms: who.now(),
    };
    app.store().record_information(&record, &who.by).await?;
    Ok(record)
}

/// Records a consent for a purpose (and recipient), checked against who may give it.
pub async fn record_consent(
    app: &App,
    who: &Who<'_>,
    id: &str,
    input: ConsentInput,
) -> AppResult<ConsentRecord> {
    let (facts, _) = consent_case(app, who, id).await?;
    let now = who.now();
    let recipient = input.recipient.trim().to_string();
    let expires_text = input.expires.trim();
    let purpose = Purpose::parse(&input.purpose);
    let recipient_known =
        recipient.is_empty() || app.store().organisation(&recipient).await?.is_some();
    let expires = if expires_text.is_empty() {
        Ok(None)
    } else {
        // Valid until a date means through that whole day in the jurisdiction: the consent
        // lapses when the next local day begins.
        mnir_domain::parse_iso_date(expires_text)
            .and_then(|d| d.succ_opt())
            .map(|d| Timestamp::from_utc(app.jurisdiction().start_of_day(d)))
            .filter(|t| *t > now)
            .map(Some)
            .ok_or(())
    };
    let mut wrong = Vec::new();
    match purpose {
        None => wrong.push(FieldIssue::new("purpose", "consent-purpose-invalid")),
        Some(p) if p.names_recipient() && recipient.is_empty() => {
            wrong.push(FieldIssue::new("recipient", "consent-recipient-required"))
        }
        _ => {}
    }
    if !recipient_known {
        wrong.push(FieldIssue::new("recipient", "consent-recipient-required"));
    }
    let given_by = match GivenBy::parse(&input.given_by) {
        None => {
            wrong.push(FieldIssue::new("given_by", "consent-given-by-invalid"));
            None
        }
        Some(g) if givers_for(&facts).contains(&g) => Some(g),
        // A giver of the list, but not one for the case's age group: the case decides.
        Some(_) => {
            wrong.push(FieldIssue::against_records(
                "given_by",
                "consent-given-by-invalid",
            ));
            None
        }
    };
    let method = Method::parse(&input.method);
    if method.is_none() {
        wrong.push(FieldIssue::new("method", "consent-method-invalid"));
    }
    if expires.is_err() {
        wrong.push(FieldIssue::new("expires", "consent-expires-invalid"));
    }
    let (Some(purpose), Some(given_by), Some(method), true) =
        (purpose, given_by, method, wrong.is_empty())
    else {
        return Err(AppError::Invalid(wrong));
    };
    let record = ConsentRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: id.to_string(),
        purpose,
        recipient_org: (!recipient.is_empty()).then_some(recipient),
        given_by,
        method,
        given_at_ms: now,
        expires_at_ms: expires.unwrap_or(None),
        withdrawn_at_ms: None,
        recorded_by: who.user.id.clone(),
        org_code: who.user.org.code.clone(),
    };
    app.store().record_consent(&record, &who.by).await?;
    Ok(record)
}

/// Withdraws a consent in force; sharing under it stops with the next request. Returns the
/// consent as it now stands.
pub async fn withdraw_consent(
    app: &App,
    who: &Who<'_>,
    id: &str,
    consent: &str,
) -> AppResult<ConsentRecord> {
    let (facts, _) = consent_case(app, who, id).await?;
    match app.store().withdraw_consent(id, consent, &who.by).await {
        Ok(()) => {
            // Referrals still awaiting an answer that no consent covers any more are cancelled,
            // so that their deadlines do not escalate work nobody may do.
            for referral in app.store().referrals_of(id).await? {
                if referral.status == mnir_domain::referral::ReferralStatus::Sent
                    && !crate::referral::consent_allows(
                        app,
                        id,
                        facts.age_group.may_be_child(),
                        &referral.to_org,
                        &referral.service,
                    )
                    .await?
                {
                    match app.store().cancel_referral(&referral.id, &who.by).await {
                        Ok(()) | Err(StoreError::NotFound) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            app.store()
                .consents_of(id)
                .await?
                .into_iter()
                .find(|c| c.id == consent)
                .ok_or(AppError::NotFound)
        }
        Err(StoreError::NotFound) => {
            let exists = app
                .store
                .consents_of(id)
                .await?
                .iter()
                .any(|c| c.id == consent);
            Err(if exists {
                AppError::conflict("consent-already-withdrawn")
            } else {
                AppError::NotFound
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Who may give consent: the person for an adult; for a child (or a person of unknown age) the
/// child's assent and the legal representative's or the directorate's consent.
pub fn givers_for(facts: &CaseFacts) -> Vec<GivenBy> {
    if facts.age_group.may_be_child() {
        vec![
            GivenBy::ChildAssent,
            GivenBy::LegalRepresentative,
            GivenBy::ChildProtection,
        ]
    } else {
        vec![GivenBy::Person, GivenBy::LegalRepresentative]
    }
}

/// What the information and consent page shows of a case.
pub struct ConsentOverview {
    pub facts: CaseFacts,
    pub reference: String,
    pub information: Vec<InformationRecord>,
    pub consents: Vec<ConsentRecord>,
    /// Every organisation, the recipients a consent may name.
    pub organisations: Vec<mnir_store::Organisation>,
}

pub async fn overview(app: &App, who: &Who<'_>, id: &str) -> AppResult<ConsentOverview> {
    let (facts, reference) = consent_case(app, who, id).await?;
    let store = app.store();
    Ok(ConsentOverview {
        facts,
        reference,
        information: store.information_of(id).await?,
        consents: store.consents_of(id).await?,
        organisations: app.organisations().await?,
    })
}
