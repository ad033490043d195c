//! The identification interview on the ILO/EC indicators and the officer's decision: the
//! engine's advice is recorded beside the decision, and a decision otherwise than advised needs
//! the officer's reasons for it.

use crate::cases::case_for;
use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use mnir_domain::identification::{Answers, Evaluation, Outcome, Profile, evaluate};
use mnir_domain::{Action, CaseFacts, CaseState, can};
use mnir_store::{CaseDetail, DecisionRecord, InterviewRecord, Transition};
use std::collections::BTreeMap;

/// Longest reasons (with the reasons for deciding otherwise) a decision takes.
pub const MAX_REASONS: usize = 4000;
/// Longest evidence note beside one indicator.
pub const MAX_EVIDENCE_NOTE: usize = 1000;

/// Maps an engine outcome and a decision to "the officer decided otherwise than advised".
pub fn differs_from_advice(advice: Option<Outcome>, decision: CaseState) -> bool {
    let positive = matches!(
        decision,
        CaseState::PresumedVictim | CaseState::IdentifiedVictim
    );
    match advice {
        Some(Outcome::Indicated) => !positive,
        Some(_) => positive,
        None => false,
    }
}

/// A case opened for its interview: what the interview page needs.
pub struct InterviewCase {
    pub facts: CaseFacts,
    pub detail: CaseDetail,
    pub latest: Option<InterviewRecord>,
    /// The identification decisions the actor may take now.
    pub decisions: Vec<CaseState>,
}

/// Opens a case for its identification interview.
pub async fn interview_case(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<InterviewCase> {
    let (facts, detail) = case_for(app, who, case_id, Action::RunInterview).await?;
    let latest = app.store().latest_interview(case_id).await?;
    let decisions = decisions_for(who, &facts);
    Ok(InterviewCase {
        facts,
        detail,
        latest,
        decisions,
    })
}

/// The identification decisions the actor may take on a case now.
pub fn decisions_for(who: &Who, facts: &CaseFacts) -> Vec<CaseState> {
    [
        CaseState::PresumedVictim,
        CaseState::IdentifiedVictim,
        CaseState::NotAVictim,
    ]
    .into_iter()
    .filter(|to| can(&who.actor(), Action::Transition { to: *to }, Some(facts)).is_ok())
    .collect()
}

/// The answers of an interview as marked: present, absent, or (missing) not asked.
pub struct InterviewAnswers {
    pub profile: Profile,
    pub catalogue_version: String,
    pub marks: BTreeMap<String, bool>,
    pub evidence: BTreeMap<String, String>,
    pub act: Option<bool>,
}

pub fn answers_of(marks: &BTreeMap<String, bool>, act: Option<bool>) -> Answers {
    Answers {
        present: marks
            .iter()
            .filter(|(_, p)| **p)
            .map(|(c, _)| c.clone())
            .collect(),
        asked: Some(marks.keys().cloned().collect()),
        act,
    }
}

/// Saves an interview with the engine's evaluation against the catalogue version it used.
pub async fn save_interview(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    answers: InterviewAnswers,
) -> AppResult<(InterviewRecord, Evaluation)> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::RunInterview, Some(&facts))?;
    // A note over the limit is refused, naming its indicator, never cut: a cut note would
    // silently lose what the interviewer wrote.
    let too_long: Vec<FieldIssue> = answers
        .evidence
        .iter()
        .filter(|(_, note)| note.chars().count() > MAX_EVIDENCE_NOTE)
        .map(|(code, note)| FieldIssue {
            field: "evidence".into(),
            message: Message::new("interview-note-too-long")
                .with("indicator", Arg::Text(code.clone()))
                .with("max", Arg::Number(MAX_EVIDENCE_NOTE as i64))
                .with("length", Arg::Number(note.chars().count() as i64)),
            against_records: false,
        })
        .collect();
    if !too_long.is_empty() {
        return Err(AppError::Invalid(too_long));
    }
    let catalogue = app
        .catalogue(&answers.catalogue_version)
        .await
        .map_err(|_| AppError::invalid("catalogue_version", "interview-bad-catalogue"))?;
    let evaluation = evaluate(
        &catalogue,
        answers.profile,
        &answers_of(&answers.marks, answers.act),
    )
    .map_err(|_| AppError::invalid("marks", "interview-bad-answers"))?;
    let record = InterviewRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        catalogue_version: catalogue.version.clone(),
        profile: answers.profile,
        act: answers.act,
        marks: answers.marks,
        evidence: answers.evidence,
        outcome: evaluation.outcome,
        created_by: who.user.id.clone(),
        org_code: who.user.org.code.clone(),
        created_at_ms: who.now(),
    };
    app.store().save_interview(&record, &who.by).await?;
    Ok((record, evaluation))
}

/// Records an identification decision with the engine's latest advice; the officer may decide
/// otherwise, and must then say why. The case moves in the same transaction. The decision keeps
/// the reasons as typed; why it differs from the advice is kept in a field of its own, so the
/// record reads the same whatever language the officer's screen was in.
pub async fn decide(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    facts: &CaseFacts,
    decision: CaseState,
    reasons: &str,
    why_different: &str,
) -> AppResult<()> {
    can(
        &who.actor(),
        Action::Transition { to: decision },
        Some(facts),
    )?;
    let (reasons, why_different) = (
        crate::text::trimmed(reasons),
        crate::text::trimmed(why_different),
    );
    let latest = app.store().latest_interview(case_id).await?;
    let advice = latest.as_ref().map(|i| i.outcome);
    let differs = differs_from_advice(advice, decision);
    if reasons.is_empty() {
        return Err(AppError::invalid("reasons", "decision-reasons-required"));
    }
    // Whether the decision differs is a matter of the engine's stored advice, not of the
    // request.
    if differs && why_different.is_empty() {
        return Err(AppError::against_records(
            "why_different",
            "decision-why-different-required",
        ));
    }
    if reasons.chars().count() + why_different.chars().count() > MAX_REASONS {
        // The reasons for deciding otherwise are what takes the whole past the limit.
        return Err(AppError::Invalid(vec![FieldIssue::new(
            "why_different",
            "transition-reason-too-long",
        )]));
    }
    let why_different = (differs && !why_different.is_empty()).then(|| why_different.to_string());
    let record = DecisionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        interview_id: latest.map(|i| i.id),
        decision,
        engine_outcome: advice,
        differs_from_advice: differs,
        reasons: reasons.to_string(),
        why_different,
        decided_by: who.user.id.clone(),
        org_code: who.user.org.code.clone(),
        decided_at_ms: who.now(),
    };
    let transition = Transition {
        case_id: case_id.to_string(),
        from: facts.state,
        to: decision,
        reason: reasons.to_string(),
    };
    crate::cases::apply(app, who, transition, Some(record)).await
}

/// Records a decision from the decision form (its own page, with the reasons it asks for).
pub async fn decide_from_form(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    seen_from: Option<CaseState>,
    decision: Option<CaseState>,
    reasons: &str,
    why_different: &str,
) -> AppResult<()> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    if seen_from.is_some_and(|seen| seen != facts.state) {
        return Err(AppError::Conflict(crate::Message::stale(facts.state)));
    }
    let decision = decision
        .filter(|d| crate::cases::is_decision(*d))
        .ok_or_else(|| AppError::invalid("decision", "decision-choose"))?;
    decide(app, who, case_id, &facts, decision, reasons, why_different).await
}
