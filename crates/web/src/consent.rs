//! Information on rights and consent per recipient and purpose (mnir.md §5), on a page of its
//! own beside the case: forms that keep what was typed and say what is wrong.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{FieldError, PageError};
use crate::i18n::Tr;
use crate::ops::Refusal;
use crate::pages::{
    Opt, Reply, audit_actor, field, form_pairs, options, render, scope_for, signed_in,
};
use crate::views::PageCtx;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mnir_domain::consent::{GivenBy, Method, Purpose, Right};
use mnir_domain::{Action, CaseFacts, can};
use mnir_store::{AuditActor, ConsentRecord, InformationRecord, StoreError, User};
use serde::Deserialize;
use utoipa::ToSchema;

type PageResult = Result<Response, Reply>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/consent", get(consent_page))
        .route("/cases/{id}/information", post(information_submit))
        .route("/cases/{id}/consents", post(consent_submit))
        .route("/cases/{id}/consents/{consent}/withdraw", post(withdraw))
}

struct ConsentRow {
    id: String,
    purpose: String,
    recipient: String,
    details: String,
    status: String,
    in_force: bool,
}

/// What was typed in the two forms, to show again after an error.
#[derive(Default)]
struct Typed {
    rights: Vec<String>,
    language: String,
    interpreter: bool,
    mediator: bool,
    notice_version: String,
    purpose: String,
    recipient: String,
    given_by: String,
    method: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage {
    ctx: PageCtx,
    case_id: String,
    reference: String,
    child: bool,
    error: Option<String>,
    information: Vec<String>,
    consents: Vec<ConsentRow>,
    rights: Vec<Opt>,
    language: String,
    interpreter: bool,
    mediator: bool,
    notice_version: String,
    purposes: Vec<Opt>,
    recipients: Vec<Opt>,
    givers: Vec<Opt>,
    methods: Vec<Opt>,
    expires: String,
}

/// The case, when the user may record information and consent on it: its facts and reference.
pub async fn consent_case(
    state: &AppState,
    user: &User,
    id: &str,
    by: &AuditActor,
) -> Result<(CaseFacts, String), Refusal> {
    let facts = state
        .store
        .case_facts(id, &scope_for(user))
        .await?
        .ok_or(Refusal::NotFound)?;
    can(&user.actor(), Action::RecordConsent, Some(&facts))?;
    let detail = state
        .store
        .case_detail(id, &scope_for(user), mnir_store::Reveal::default(), by)
        .await?
        .ok_or(Refusal::NotFound)?;
    Ok((facts, detail.summary.reference))
}

async fn case_for_consent(
    state: &AppState,
    user: &User,
    id: &str,
    ctx: &PageCtx,
) -> Result<(CaseFacts, String), Reply> {
    consent_case(state, user, id, &audit_actor(state, user))
        .await
        .map_err(|r| r.page(ctx, "consent-title").into())
}

/// Information on rights as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct InformationInput {
    /// Rights explained: `assistance_protection`, `reflection_period`, `legal_aid`,
    /// `compensation`, `witness_protection`, `no_cooperation_required`.
    pub rights: Vec<String>,
    /// ISO 639 code of the language used.
    pub language: String,
    #[serde(default)]
    pub interpreter: bool,
    #[serde(default)]
    pub mediator: bool,
    /// Version of the written notice handed over.
    pub notice_version: String,
}

/// A consent as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ConsentInput {
    /// `assistance`, `sharing_with_police`, `research`, `victim_coordination`.
    pub purpose: String,
    /// Code of the recipient organisation; required for assistance and sharing with police.
    #[serde(default)]
    pub recipient: String,
    /// `person`, `child_assent`, `legal_representative`, `child_protection`.
    pub given_by: String,
    /// `signed_form`, `verbal_with_witness`.
    pub method: String,
    /// Expiry date (YYYY-MM-DD), if any.
    #[serde(default)]
    pub expires: String,
}

/// Records which rights were explained, how and by whom.
pub async fn record_information(
    state: &AppState,
    user: &User,
    tr: &Tr,
    id: &str,
    input: InformationInput,
    by: AuditActor,
) -> Result<InformationRecord, Refusal> {
    consent_case(state, user, id, &by).await?;
    let language = input.language.trim().to_ascii_lowercase();
    let mut wrong = Vec::new();
    if input.rights.is_empty() || input.rights.iter().any(|r| Right::parse(r).is_none()) {
        wrong.push(field_error("rights", tr.t("information-rights-required")));
    }
    if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_lowercase()) {
        wrong.push(field_error(
            "language",
            tr.t("information-language-invalid"),
        ));
    }
    if input.notice_version.trim().is_empty() {
        wrong.push(field_error(
            "notice_version",
            tr.t("information-notice-required"),
        ));
    }
    if !wrong.is_empty() {
        return Err(Refusal::Invalid(wrong));
    }
    let record = InformationRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: id.to_string(),
        rights: input.rights,
        language,
        interpreter: input.interpreter,
        mediator: input.mediator,
        notice_version: input.notice_version.trim().to_string(),
        given_by: user.id.clone(),
        org_code: user.org.code.clone(),
        given_at_ms: by.now_ms,
    };
    state.store.record_information(&record, &by).await?;
    Ok(record)
}

/// Records a consent for a purpose (and recipient), checked against who may give it.
pub async fn record_consent(
    state: &AppState,
    user: &User,
    tr: &Tr,
    id: &str,
    input: ConsentInput,
    by: AuditActor,
) -> Result<ConsentRecord, Refusal> {
    let (facts, _) = consent_case(state, user, id, &by).await?;
    let now = by.now_ms;
    let recipient = input.recipient.trim().to_string();
    let expires_text = input.expires.trim();
    let purpose = Purpose::parse(&input.purpose);
    let recipient_known =
        recipient.is_empty() || state.store.organisation(&recipient).await?.is_some();
    let expires = if expires_text.is_empty() {
        Ok(None)
    } else {
        chrono::NaiveDate::parse_from_str(expires_text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp_millis())
            .filter(|ms| *ms > now)
            .map(Some)
            .ok_or(())
    };
    let mut wrong = Vec::new();
    match purpose {
        None => wrong.push(field_error("purpose", tr.t("consent-purpose-invalid"))),
        Some(p) if p.names_recipient() && recipient.is_empty() => {
            wrong.push(field_error("recipient", tr.t("consent-recipient-required")))
        }
        _ => {}
    }
    if !recipient_known {
        wrong.push(field_error("recipient", tr.t("consent-recipient-required")));
    }
    if GivenBy::parse(&input.given_by).is_none_or(|g| !givers_for(&facts).contains(&g)) {
        wrong.push(field_error("given_by", tr.t("consent-given-by-invalid")));
    }
    if Method::parse(&input.method).is_none() {
        wrong.push(field_error("method", tr.t("consent-method-invalid")));
    }
    if expires.is_err() {
        wrong.push(field_error("expires", tr.t("consent-expires-invalid")));
    }
    if !wrong.is_empty() {
        return Err(Refusal::Invalid(wrong));
    }
    let record = ConsentRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: id.to_string(),
        purpose: input.purpose,
        recipient_org: (!recipient.is_empty()).then_some(recipient),
        given_by: input.given_by,
        method: input.method,
        given_at_ms: now,
        expires_at_ms: expires.unwrap_or(None),
        withdrawn_at_ms: None,
        recorded_by: user.id.clone(),
        org_code: user.org.code.clone(),
    };
    state.store.record_consent(&record, &by).await?;
    Ok(record)
}

/// Withdraws a consent in force; sharing under it stops with the next request.
pub async fn withdraw_consent(
    state: &AppState,
    user: &User,
    tr: &Tr,
    id: &str,
    consent: &str,
    by: AuditActor,
) -> Result<(), Refusal> {
    let (facts, _) = consent_case(state, user, id, &by).await?;
    match state.store.withdraw_consent(id, consent, &by).await {
        Ok(()) => {
            // Referrals still awaiting an answer that no consent covers any more are cancelled,
            // so that their deadlines do not escalate work nobody may do.
            for referral in state.store.referrals_of(id).await? {
                if referral.status == "sent"
                    && !crate::referral::consent_allows(
                        state,
                        id,
                        facts.age_group.may_be_child(),
                        &referral.to_org,
                        &referral.service,
                    )
                    .await?
                {
                    match state.store.cancel_referral(&referral.id, &by).await {
                        Ok(()) | Err(StoreError::NotFound) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            Ok(())
        }
        Err(StoreError::NotFound) => {
            let exists = state
                .store
                .consents_of(id)
                .await?
                .iter()
                .any(|c| c.id == consent);
            Err(if exists {
                Refusal::Conflict(tr.t("consent-already-withdrawn"))
            } else {
                Refusal::NotFound
            })
        }
        Err(e) => Err(e.into()),
    }
}

fn field_error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        message,
    }
}

/// Who may give consent: the person for an adult; for a child (or a person of unknown age) the
/// child's assent and the legal representative's or the directorate's consent.
fn givers_for(facts: &CaseFacts) -> Vec<GivenBy> {
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

async fn build(
    state: &AppState,
    ctx: PageCtx,
    case_id: &str,
    reference: String,
    facts: &CaseFacts,
    typed: Typed,
    error: Option<String>,
) -> Result<ConsentPage, Reply> {
    let tr: Tr = ctx.tr;
    let now = state.now_ms();
    let orgs = state
        .store
        .list_organisations()
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let org_name = |code: &str| {
        orgs.iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_string(), |o| o.name.clone())
    };
    let information = state
        .store
        .information_of(case_id)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?
        .into_iter()
        .map(|i| {
            let rights: Vec<String> = i.rights.iter().map(|r| tr.term("right", r)).collect();
            tr.t_with(
                "information-line",
                &[
                    ("at", tr.datetime_ms(i.given_at_ms).into()),
                    ("language", i.language.clone().into()),
                    ("rights", rights.join(", ").into()),
                    ("org", org_name(&i.org_code).into()),
                    ("notice", i.notice_version.clone().into()),
                    (
                        "help",
                        (if i.interpreter && i.mediator {
                            tr.t("information-both")
                        } else if i.interpreter {
                            tr.t("information-interpreter")
                        } else if i.mediator {
                            tr.t("information-mediator")
                        } else {
                            tr.t("information-no-help")
                        })
                        .into(),
                    ),
                ],
            )
        })
        .collect();
    let consents = state
        .store
        .consents_of(case_id)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?
        .into_iter()
        .map(|c| {
            let status = match (c.withdrawn_at_ms, c.expires_at_ms) {
                (Some(w), _) => {
                    tr.t_with("consent-withdrawn-at", &[("at", tr.datetime_ms(w).into())])
                }
                (None, Some(e)) if e <= now => tr.t("consent-expired"),
                _ => tr.t("consent-in-force"),
            };
            ConsentRow {
                purpose: tr.term("purpose", &c.purpose),
                recipient: c.recipient_org.as_deref().map(org_name).unwrap_or_default(),
                details: tr.t_with(
                    "consent-details",
                    &[
                        ("by", tr.term("givenby", &c.given_by).into()),
                        ("method", tr.term("method", &c.method).into()),
                        ("at", tr.datetime_ms(c.given_at_ms).into()),
                        (
                            "until",
                            c.expires_at_ms
                                .map_or_else(|| tr.t("consent-no-expiry"), |e| tr.date_ms(e))
                                .into(),
                        ),
                    ],
                ),
                status,
                in_force: c.terms().is_some_and(|t| t.in_force(now)),
                id: c.id,
            }
        })
        .collect();
    let chosen_rights: Vec<&str> = typed.rights.iter().map(String::as_str).collect();
    Ok(ConsentPage {
        case_id: case_id.to_string(),
        reference,
        child: facts.age_group.may_be_child(),
        error,
        information,
        consents,
        rights: options(
            Right::ALL
                .iter()
                .map(|r| (r.as_str(), tr.term("right", r.as_str()))),
            &chosen_rights,
        ),
        language: typed.language,
        interpreter: typed.interpreter,
        mediator: typed.mediator,
        notice_version: typed.notice_version,
        purposes: options(
            Purpose::ALL
                .iter()
                .map(|p| (p.as_str(), tr.term("purpose", p.as_str()))),
            &[typed.purpose.as_str()],
        ),
        recipients: options(
            orgs.iter()
                .filter(|o| o.active)
                .map(|o| (o.code.as_str(), format!("{} — {}", o.code, o.name))),
            &[typed.recipient.as_str()],
        ),
        givers: options(
            givers_for(facts)
                .into_iter()
                .map(|g| (g.as_str(), tr.term("givenby", g.as_str()))),
            &[typed.given_by.as_str()],
        ),
        methods: options(
            Method::ALL
                .iter()
                .map(|m| (m.as_str(), tr.term("method", m.as_str()))),
            &[typed.method.as_str()],
        ),
        expires: typed.expires,
        ctx,
    })
}

async fn consent_page(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let (facts, reference) = case_for_consent(&state, user, &id, &ctx).await?;
    let typed = Typed {
        language: "ro".into(),
        notice_version: "2026-1".into(),
        ..Typed::default()
    };
    let page = build(&state, ctx.clone(), &id, reference, &facts, typed, None).await?;
    render(&viewer, StatusCode::OK, &page, &ctx)
}

/// A posted form of this page: the user, the page, the case and what was typed (CSRF checked).
async fn posted<'a>(
    viewer: &'a Viewer,
    state: &AppState,
    id: &str,
    body: &Bytes,
) -> Result<(&'a User, PageCtx, CaseFacts, String, Typed), Reply> {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let pairs = form_pairs(body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    let (facts, reference) = case_for_consent(state, user, id, &ctx).await?;
    Ok((user, ctx, facts, reference, typed_from(&pairs)))
}

/// Shows the page again with what was typed and what is wrong.
#[allow(clippy::too_many_arguments)]
async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    id: &str,
    reference: String,
    facts: &CaseFacts,
    typed: Typed,
    error: String,
) -> PageResult {
    let page = build(state, ctx.clone(), id, reference, facts, typed, Some(error)).await?;
    render(viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
}

fn typed_from(pairs: &[(String, String)]) -> Typed {
    Typed {
        rights: pairs
            .iter()
            .filter(|(k, _)| k == "rights")
            .map(|(_, v)| v.clone())
            .collect(),
        language: field(pairs, "language")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
        interpreter: field(pairs, "interpreter") == Some("yes"),
        mediator: field(pairs, "mediator") == Some("yes"),
        notice_version: field(pairs, "notice_version")
            .unwrap_or("")
            .trim()
            .to_string(),
        purpose: field(pairs, "purpose").unwrap_or("").to_string(),
        recipient: field(pairs, "recipient").unwrap_or("").to_string(),
        given_by: field(pairs, "given_by").unwrap_or("").to_string(),
        method: field(pairs, "method").unwrap_or("").to_string(),
        expires: field(pairs, "expires").unwrap_or("").trim().to_string(),
    }
}

impl Typed {
    fn information(&self) -> InformationInput {
        InformationInput {
            rights: self.rights.clone(),
            language: self.language.clone(),
            interpreter: self.interpreter,
            mediator: self.mediator,
            notice_version: self.notice_version.clone(),
        }
    }

    fn consent(&self) -> ConsentInput {
        ConsentInput {
            purpose: self.purpose.clone(),
            recipient: self.recipient.clone(),
            given_by: self.given_by.clone(),
            method: self.method.clone(),
            expires: self.expires.clone(),
        }
    }
}

/// After a posted form: back to the page, or the page again with what was typed and what is
/// wrong, or the error page.
#[allow(clippy::too_many_arguments)]
async fn after_post<T>(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    id: &str,
    reference: String,
    facts: &CaseFacts,
    typed: Typed,
    result: Result<T, Refusal>,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}/consent")).into_response()),
        Err(Refusal::Invalid(fields)) => {
            let message = fields
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" ");
            refuse(state, viewer, ctx, id, reference, facts, typed, message).await
        }
        Err(other) => Err(other.page(&ctx, "consent-title").into()),
    }
}

async fn information_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (user, ctx, facts, reference, typed) = posted(&viewer, &state, &id, &body).await?;
    let result = record_information(
        &state,
        user,
        &ctx.tr,
        &id,
        typed.information(),
        audit_actor(&state, user),
    )
    .await;
    after_post(&state, &viewer, ctx, &id, reference, &facts, typed, result).await
}

async fn consent_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (user, ctx, facts, reference, typed) = posted(&viewer, &state, &id, &body).await?;
    let result = record_consent(
        &state,
        user,
        &ctx.tr,
        &id,
        typed.consent(),
        audit_actor(&state, user),
    )
    .await;
    after_post(&state, &viewer, ctx, &id, reference, &facts, typed, result).await
}

async fn withdraw(
    viewer: Viewer,
    State(state): State<AppState>,
    Path((id, consent)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    withdraw_consent(
        &state,
        user,
        &ctx.tr,
        &id,
        &consent,
        audit_actor(&state, user),
    )
    .await
    .map_err(|r| r.page(&ctx, "consent-title"))?;
    Ok(Redirect::to(&format!("/cases/{id}/consent")).into_response())
}
