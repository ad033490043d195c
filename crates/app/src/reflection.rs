//! The reflection period (mnir.md §7): offered to a foreign presumed victim, its acceptance
//! starts its clock and a no-removal flag; it ends early with its outcome, or runs out into a task.

use crate::{App, AppError, AppResult, FieldIssue, Message, Who};
use mnir_domain::clocks::ClockKind;
use mnir_domain::reflection::{ReflectionOutcome, may_offer};
use mnir_domain::{Action, CaseFacts, can};
use mnir_store::{
    CaseSummary, ClockRecord, ClockState, NoRemovalFlag, ReflectionRecord, Reveal, StoreError,
};

/// The case as the user sees it, when the user may record the reflection period on it.
async fn case_for(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<(CaseFacts, CaseSummary)> {
    let scope = who.scope_on(case_id);
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.user.actor(), Action::RecordReflection, Some(&facts))?;
    let detail = app
        .store()
        .case_detail(case_id, &scope, Reveal::default(), &who.by)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((facts, detail.summary))
}

/// Records the person's answer to the offer; an acceptance starts the period's clock, answered
/// for by the organisation that answers the case's other clocks.
pub async fn offer(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    accepted: Option<bool>,
    language: &str,
) -> AppResult<ReflectionRecord> {
    let (facts, summary) = case_for(app, who, case_id).await?;
    // One period per case (Law 678/2001 art. 39^1 grants one, of up to 90 days); while one runs,
    // no other answer is recorded either.
    if app
        .store()
        .reflections_of(case_id)
        .await?
        .iter()
        .any(|o| o.accepted)
    {
        return Err(AppError::conflict("reflection-already-granted"));
    }
    if !may_offer(
        facts.state,
        &summary.citizenship,
        &app.jurisdiction().country,
    ) {
        return Err(AppError::Forbidden(Message::new("reflection-not-due")));
    }
    let Some(accepted) = accepted else {
        return Err(AppError::invalid("accepted", "reflection-answer-required"));
    };
    let language = language.trim().to_ascii_lowercase();
    if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(AppError::invalid(
            "language",
            "information-language-invalid",
        ));
    }
    let clock = if accepted {
        let org = crate::clocks::handler_org(app, case_id)
            .await?
            .unwrap_or_else(|| who.user.org.code.clone());
        // Every profile defines the clock (REQUIRED_CLOCKS); its absence is a defect.
        Some(
            crate::clocks::new_clock(
                app,
                ClockKind::ReflectionPeriod,
                case_id,
                &org,
                who.now(),
                false,
            )
            .ok_or_else(|| AppError::Internal("no reflection_period clock".into()))?,
        )
    } else {
        None
    };
    let record = ReflectionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        offered_at_ms: who.now(),
        accepted,
        language,
        org_code: who.user.org.code.clone(),
        offered_by: who.user.id.clone(),
        clock_id: clock.as_ref().map(|c| c.id.clone()),
        ended_at_ms: None,
        outcome: None,
        end_reason: None,
    };
    match app
        .store()
        .record_reflection(&record, clock.as_ref(), facts.state, &who.by)
        .await
    {
        Ok(()) => Ok(record),
        Err(StoreError::Conflict(_)) => Err(AppError::conflict("reflection-running")),
        Err(StoreError::StaleState { current }) => Err(AppError::Conflict(Message::stale(current))),
        Err(e) => Err(e.into()),
    }
}

/// Ends the running period before its clock runs out, with the outcome and why.
pub async fn end(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    outcome: &str,
    reason: &str,
) -> AppResult<()> {
    case_for(app, who, case_id).await?;
    let mut wrong = Vec::new();
    let outcome = ReflectionOutcome::parse(outcome);
    if outcome.is_none() {
        wrong.push(FieldIssue::new("outcome", "reflection-outcome-invalid"));
    }
    let reason = crate::text::trimmed(reason);
    if reason.is_empty() || reason.chars().count() > 2000 {
        wrong.push(FieldIssue::new("reason", "reflection-reason-required"));
    }
    let Some(outcome) = outcome.filter(|_| wrong.is_empty()) else {
        return Err(AppError::Invalid(wrong));
    };
    match app
        .store()
        .end_reflection(case_id, outcome, reason, &who.by)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::conflict("reflection-none-running")),
        Err(e) => Err(e.into()),
    }
}

/// The people immigration may not remove now.
pub async fn flags(app: &App, who: &Who<'_>) -> AppResult<Vec<NoRemovalFlag>> {
    can(&who.user.actor(), Action::SeeNoRemovalFlags, None)?;
    Ok(app.store().no_removal_flags(&who.by).await?)
}

/// The case's reflection-period clock while it runs or is paused: while it exists, the person
/// carries the no-removal flag.
pub fn running_period(clocks: &[ClockRecord]) -> Option<&ClockRecord> {
    clocks.iter().find(|c| {
        c.kind == ClockKind::ReflectionPeriod
            && matches!(c.state, ClockState::Running | ClockState::Paused)
    })
}
