//! Referrals between organisations (mnir.md §6): sent with the matching consent, seen by the
//! recipient as the minimum data set of the service while that consent stays in force, accepted
//! or declined with a reason, escalated when unanswered (the `referral_response` clock).

use crate::schema::{one_of, organisation};
use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use mnir_domain::clocks::ClockKind;
use mnir_domain::directory::SERVICES;
use mnir_domain::referral::{ReferralStatus, consent_purpose, data_set, starts_compensation_clock};
use mnir_domain::{Action, OrgKind, Role, can};
use mnir_store::{ClockRecord, ReferralRecord, Reveal, StoreError, StoreResult, User};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;

/// Whether the consents of the case allow sharing for `service` with `to_org` now. A child is
/// referred to child protection whatever the parents say (mnir.md §5).
pub async fn consent_allows(
    app: &App,
    case_id: &str,
    may_be_child: bool,
    to_org: &str,
    service: &str,
) -> StoreResult<bool> {
    let to_child_protection = app
        .store()
        .organisation(to_org)
        .await?
        .is_some_and(|o| o.kind == OrgKind::ChildProtection);
    if may_be_child && to_child_protection {
        return Ok(true);
    }
    let purpose = consent_purpose(service);
    let now = app.now();
    Ok(app
        .store()
        .consents_of(case_id)
        .await?
        .iter()
        .any(|c| c.terms().covers(purpose, to_org, now.millis())))
}

/// A referral as sent by the case page or the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReferralInput {
    /// Code of the recipient organisation: one of the register, not the sender's own.
    #[schema(schema_with = recipient_schema)]
    pub to_org: String,
    /// The service asked for (a purpose of the directory: `accommodation`, `medical`, …).
    #[schema(schema_with = service_schema)]
    pub service: String,
    /// Urgent referrals are due for an answer sooner (24 h instead of 72 h in Romania).
    #[serde(default)]
    pub urgent: bool,
}

// The schemas of the API's document for the fields above: `schema_with` drops a field's doc
// comment, so each brings its description along.

fn recipient_schema() -> Object {
    let mut schema = organisation();
    schema.description = Some(
        "Code of the recipient organisation: one of the register, not the sender's own.".into(),
    );
    schema
}

/// The services of the directory, as [`send_referral`] checks them.
fn service_schema() -> Object {
    let mut schema = one_of(SERVICES);
    schema.description = Some("The service asked for (a purpose of the directory).".into());
    schema
}

/// Sends a referral when the case's consent allows it, starting its response clock.
pub async fn send_referral(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: ReferralInput,
) -> AppResult<ReferralRecord> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.user.actor(), Action::RecordConsent, Some(&facts))?;
    let ReferralInput {
        to_org,
        service,
        urgent,
    } = input;
    if !SERVICES.contains(&service.as_str()) {
        return Err(AppError::invalid("service", "referral-service-invalid"));
    }
    if app.store().organisation(&to_org).await?.is_none() {
        return Err(AppError::invalid("to_org", "referral-recipient-invalid"));
    }
    // A registered code that is the caller's own: the request alone cannot tell, only who sends it.
    if to_org == who.user.org.code {
        return Err(AppError::against_records(
            "to_org",
            "referral-recipient-invalid",
        ));
    }
    if !consent_allows(
        app,
        case_id,
        facts.age_group.may_be_child(),
        &to_org,
        &service,
    )
    .await?
    {
        return Err(AppError::Invalid(vec![FieldIssue {
            field: "consent".into(),
            message: Message::new("referral-consent-missing")
                .with(
                    "purpose",
                    Arg::Term("purpose", consent_purpose(&service).as_str().into()),
                )
                .with("recipient", Arg::Text(to_org.clone())),
            // The case's consents decide, not the request.
            against_records: true,
        }]));
    }
    let now = who.now();
    let referral = ReferralRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        case_reference: String::new(),
        from_org: who.user.org.code.clone(),
        to_org,
        service,
        urgent,
        status: ReferralStatus::Sent,
        sent_by: who.user.id.clone(),
        sent_at_ms: now,
        answered_by: None,
        answered_at_ms: None,
        decline_reason: None,
    };
    // The answer is due to the sender: when it does not come, the escalation is the sender's.
    // Linked to the referral, so that answering it stops exactly this clock.
    let mut clocks: Vec<ClockRecord> = crate::clocks::new_clock(
        app,
        ClockKind::ReferralResponse,
        case_id,
        &who.user.org.code,
        now,
        urgent,
    )
    .map(|c| ClockRecord {
        referral_id: Some(referral.id.clone()),
        ..c
    })
    .into_iter()
    .collect();
    // A victim of crime referred for legal help: the claim for emergency compensation is due
    // within the profile's length (HG 541/2023). The recipient's legal advisor files it; the
    // deadline is kept by the sender, who holds the case and can follow it up.
    if starts_compensation_clock(&referral.service) {
        clocks.extend(
            crate::clocks::new_clock(
                app,
                ClockKind::EmergencyCompensation,
                case_id,
                &who.user.org.code,
                now,
                false,
            )
            .map(|c| ClockRecord {
                referral_id: Some(referral.id.clone()),
                ..c
            }),
        );
    }
    app.store()
        .send_referral(&referral, &clocks, &who.by)
        .await?;
    Ok(referral)
}

/// The recipient organisation's staff who may open a referral: case workers, supervisors and
/// identification officers; investigators for an investigation.
fn recipient_may_open(user: &User, referral: &ReferralRecord) -> bool {
    user.org.code == referral.to_org
        && (user.roles.any(&[
            Role::CaseWorker,
            Role::Supervisor,
            Role::IdentificationOfficer,
        ]) || (referral.service == "investigation" && user.roles.contains(Role::Investigator)))
}

/// A referral its recipient may open now, with what its service's data set lets them see of
/// the case. Consent is checked at every request: a withdrawal stops access at once. A referral
/// that was declined or cancelled shows its outcome only: the recipient has no work on the case.
pub async fn open_referral(
    app: &App,
    who: &Who<'_>,
    id: &str,
) -> AppResult<(ReferralRecord, Option<mnir_store::CaseDetail>)> {
    let referral = app
        .store()
        .referral(id)
        .await?
        .filter(|r| recipient_may_open(who.user, r))
        .ok_or(AppError::NotFound)?;
    let national = mnir_store::ScopeFor {
        scope: mnir_domain::CaseScope {
            national: true,
            ..Default::default()
        },
        org_code: String::new(),
        user_id: String::new(),
    };
    let facts = app
        .store()
        .case_facts(&referral.case_id, &national)
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = consent_allows(
        app,
        &referral.case_id,
        facts.age_group.may_be_child(),
        &referral.to_org,
        &referral.service,
    )
    .await?;
    if !allowed {
        return Err(AppError::Forbidden(Message::new("referral-consent-gone")));
    }
    if matches!(
        referral.status,
        ReferralStatus::Declined | ReferralStatus::Cancelled
    ) {
        return Ok((referral, None));
    }
    let set = data_set(&referral.service);
    let reveal = Reveal {
        identity: set.given_name || set.family_name || set.birth_date,
        notes: false,
    };
    let mut detail = app
        .store()
        .case_for_referral(&referral.id, &referral.case_id, reveal, &who.by)
        .await?
        .ok_or(AppError::NotFound)?;
    // Whatever the store revealed, only the data set leaves.
    if !set.given_name {
        detail.summary.given_name = None;
    }
    if !set.family_name {
        detail.summary.family_name = None;
    }
    if !set.birth_date {
        detail.birth_date = None;
    }
    if !set.exploitation {
        detail.summary.exploitation = None;
    }
    if !set.signals {
        detail.signals.clear();
    }
    detail.notes = None;
    detail.history.clear();
    detail.access.clear();
    Ok((referral, Some(detail)))
}

/// Accepts or declines a referral awaiting an answer; a decline needs a reason.
pub async fn answer_referral(
    app: &App,
    who: &Who<'_>,
    id: &str,
    accept: Option<bool>,
    reason: &str,
) -> AppResult<ReferralRecord> {
    let (referral, _) = open_referral(app, who, id).await?;
    // Nothing more is recorded on an erased case, an answer's reason included.
    if app.store().erasure_of(&referral.case_id).await?.is_some() {
        return Err(AppError::Denied(mnir_domain::Denial::Erased));
    }
    let Some(accept) = accept else {
        return Err(AppError::invalid("answer", "referral-answer-invalid"));
    };
    let reason = crate::text::trimmed(reason);
    if !accept && (reason.is_empty() || reason.chars().count() > 2000) {
        return Err(AppError::invalid("reason", "referral-reason-required"));
    }
    match app
        .store()
        .answer_referral(&referral.id, &who.user.org.code, accept, reason, &who.by)
        .await
    {
        Ok(()) => Ok(app.store().referral(id).await?.ok_or(AppError::NotFound)?),
        Err(StoreError::NotFound) => Err(AppError::conflict("referral-answered")),
        Err(e) => Err(e.into()),
    }
}

/// The referrals sent for a case, for whoever sees it (the read audited); a decline's reason is
/// free text, kept only for those who may read the case's notes.
pub async fn of_case(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<Vec<ReferralRecord>> {
    let facts = crate::cases::visible(app, who, case_id, "case.read.referrals").await?;
    let notes = can(&who.actor(), Action::ViewNotes, Some(&facts)).is_ok();
    Ok(app
        .store()
        .referrals_of(case_id)
        .await?
        .into_iter()
        .map(|r| ReferralRecord {
            decline_reason: r.decline_reason.filter(|_| notes),
            ..r
        })
        .collect())
}

/// How many referrals awaiting an answer a page of the API's list holds.
pub const AWAITING_PER_PAGE: i64 = 50;

/// A page of the referrals sent to the actor's organisation and not yet answered, oldest first,
/// from `after` on.
pub async fn awaiting(
    app: &App,
    who: &Who<'_>,
    after: Option<&mnir_store::ListPlace>,
) -> AppResult<mnir_store::ReferralPage> {
    can(&who.actor(), Action::WorkInbox, None)?;
    Ok(app
        .store()
        .referrals_awaiting(&who.user.org.code, after, AWAITING_PER_PAGE)
        .await?)
}
