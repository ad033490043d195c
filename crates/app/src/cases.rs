//! Cases: the list and counts an actor may see, opening one case with everything its page or its
//! API document shows, and moving it through the mechanism's states.

use crate::{App, AppError, AppResult, Message, Who};
use mnir_domain::{Action, CaseFacts, CaseState, Denial, Role, can, next_states};
use mnir_store::{
    CaseChange, CaseDetail, CaseFilter, CasePage, ClockRecord, DecisionRecord, DecisionStats,
    InterviewRecord, Organisation, ReferralRecord, ReflectionRecord, Reveal, StoreError,
    Transition, User,
};

/// Longest reason a step of a case takes.
pub const MAX_REASON: usize = 2000;

/// Whether lists show names: only to those who work with the person.
pub fn lists_show_names(user: &User) -> bool {
    user.roles.any(&[
        Role::CaseWorker,
        Role::Supervisor,
        Role::IdentificationOfficer,
    ])
}

/// Whether the actor may list cases at all (checked before a filter is read).
pub fn may_list(who: &Who) -> AppResult<()> {
    can(&who.actor(), Action::ListCases, None)?;
    Ok(())
}

/// One page of the cases the actor may see, newest first (audited as a read).
pub async fn list(app: &App, who: &Who<'_>, filter: &CaseFilter) -> AppResult<CasePage> {
    can(&who.actor(), Action::ListCases, None)?;
    Ok(app
        .store()
        .list_cases(&who.scope(), filter, lists_show_names(who.user), &who.by)
        .await?)
}

/// How many overdue referrals national coordination's dashboard lists, the longest overdue first.
pub const OVERDUE_SHOWN: i64 = 20;

/// The numbers of a dashboard: visible cases per state and the identification decisions among
/// them; the referrals overdue anywhere for national coordination (no case content).
pub struct Dashboard {
    /// `None` when the actor may not list cases.
    pub counts: Option<Vec<(CaseState, i64)>>,
    pub decisions: Option<DecisionStats>,
    pub national: bool,
    /// Overdue referrals with their answer deadline, for a national scope.
    /// The longest overdue referrals (at most [`OVERDUE_SHOWN`]), each with when it became
    /// overdue, and how many are overdue in all.
    pub overdue_referrals: Option<(Vec<(ReferralRecord, mnir_store::Timestamp)>, i64)>,
    /// Assisted voluntary returns by direction and standing, for a national scope: counts and
    /// days, nothing about a person.
    pub returns: Option<Vec<mnir_domain::repatriation::DirectionCount>>,
}

pub async fn dashboard(app: &App, who: &Who<'_>) -> AppResult<Dashboard> {
    let scope = who.scope();
    let lists = can(&who.actor(), Action::ListCases, None).is_ok();
    let (counts, decisions) = if lists {
        (
            Some(app.store().count_cases_by_state(&scope).await?),
            Some(app.store().decision_stats(&scope).await?),
        )
    } else {
        (None, None)
    };
    let national = scope.scope.national;
    let (overdue_referrals, returns) = if national {
        (
            Some(app.store().overdue_referrals(OVERDUE_SHOWN).await?),
            Some(mnir_domain::repatriation::count_by_direction(
                app.store().repatriation_tallies().await?,
            )),
        )
    } else {
        (None, None)
    };
    Ok(Dashboard {
        counts,
        decisions,
        national,
        overdue_referrals,
        returns,
    })
}

/// What the actor may do on an opened case, decided once by `can`.
#[derive(Debug, Clone, Default)]
pub struct Permissions {
    pub reveal: Reveal,
    pub run_interview: bool,
    pub record_consent: bool,
    pub manage_clocks: bool,
    pub record_reflection: bool,
    /// Read the support compartment (risk assessments): behind the firewall.
    pub view_support: bool,
    pub record_assessment: bool,
    /// Read the criminal-justice track and the investigative summary.
    pub view_justice: bool,
    /// Read the case's register of disclosures of support records.
    pub view_disclosures: bool,
    /// Read the victim profile (HTCDS victim and exploitation fields).
    pub view_victim_profile: bool,
    /// See the case's legal holds and erasure requests.
    pub view_legal_holds: bool,
}

/// A step from the case's state, and whether the actor may take it.
#[derive(Debug, Clone)]
pub struct Step {
    pub to: CaseState,
    pub allowed: Result<(), Denial>,
}

impl Step {
    /// Identification decisions are taken through the decision form, which records the advice.
    pub fn is_decision(&self) -> bool {
        is_decision(self.to)
    }
}

/// A case as its page and its API document show it: what the actor may see of it and do on it.
pub struct OpenCase {
    pub facts: CaseFacts,
    pub detail: CaseDetail,
    pub may: Permissions,
    pub steps: Vec<Step>,
    pub clocks: Vec<ClockRecord>,
    pub referrals: Vec<ReferralRecord>,
    pub reflections: Vec<ReflectionRecord>,
    /// The engine's latest advice, for the decision form.
    pub latest_interview: Option<InterviewRecord>,
    /// The identification decisions taken, oldest first.
    pub decisions: Vec<DecisionRecord>,
    /// Whether the reflection period may be offered now (a foreign presumed victim).
    pub reflection_due: bool,
    /// Every organisation, to name those the case mentions.
    pub organisations: Vec<Organisation>,
    /// The risk assessments, for those who may read support records.
    pub risk: Option<crate::risk::RiskPanel>,
}

impl OpenCase {
    /// The identification decisions the actor may take now.
    pub fn decisions(&self) -> Vec<CaseState> {
        DECISIONS
            .into_iter()
            .filter(|to| self.steps.iter().any(|s| s.to == *to && s.allowed.is_ok()))
            .collect()
    }

    pub fn org_name(&self, code: &str) -> String {
        self.organisations
            .iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_string(), |o| o.name.clone())
    }
}

const DECISIONS: [CaseState; 3] = [
    CaseState::PresumedVictim,
    CaseState::IdentifiedVictim,
    CaseState::NotAVictim,
];

/// Whether moving a case to `to` is an identification decision (recorded with the advice).
pub fn is_decision(to: CaseState) -> bool {
    DECISIONS.contains(&to)
}

/// The facts the rules need about a case the actor may see, or `NotFound` (routing metadata,
/// not audited as a read of case data).
pub async fn facts(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<CaseFacts> {
    let facts = app
        .store()
        .case_facts(case_id, &who.scope_on(case_id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(who.with_glass(case_id, facts))
}

/// The facts of a case the actor may see, with the read of `what` recorded in the audit log.
pub(crate) async fn visible(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    what: &str,
) -> AppResult<CaseFacts> {
    let facts = facts(app, who, case_id).await?;
    can(&who.actor(), Action::ViewCase, Some(&facts))?;
    app.store()
        .audit(what, &format!("case:{case_id}"), "", &who.by)
        .await?;
    Ok(facts)
}

/// The case when the actor may take `action` on it: its facts and its summary (no names, no
/// notes), audited as a read.
pub(crate) async fn case_for(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    action: Action,
) -> AppResult<(CaseFacts, CaseDetail)> {
    let facts = facts(app, who, case_id).await?;
    can(&who.actor(), action, Some(&facts))?;
    let detail = app
        .store()
        .case_detail(case_id, &who.scope_on(case_id), Reveal::default(), &who.by)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((facts, detail))
}

/// Opens a case: decrypts only what the actor may see (audited as a read) and works out every
/// step and panel they may use.
pub async fn open(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<OpenCase> {
    let facts = facts(app, who, case_id).await?;
    let actor = who.actor();
    can(&actor, Action::ViewCase, Some(&facts))?;
    let allowed = |action| can(&actor, action, Some(&facts)).is_ok();
    let may = Permissions {
        reveal: Reveal {
            identity: allowed(Action::ViewIdentity),
            notes: allowed(Action::ViewNotes),
        },
        run_interview: allowed(Action::RunInterview),
        record_consent: allowed(Action::RecordConsent),
        manage_clocks: allowed(Action::ManageClocks),
        record_reflection: allowed(Action::RecordReflection),
        view_support: allowed(Action::ViewSupportRecords),
        record_assessment: allowed(Action::RecordAssessment),
        view_justice: allowed(Action::ViewJusticeTrack),
        view_disclosures: allowed(Action::ViewDisclosureRegister),
        view_victim_profile: allowed(Action::ViewVictimProfile),
        view_legal_holds: allowed(Action::ViewLegalHolds),
    };
    let (detail, panels) = app
        .store()
        .case_view(
            case_id,
            &who.scope_on(case_id),
            may.reveal,
            may.view_support,
            &who.by,
        )
        .await?
        .ok_or(AppError::NotFound)?;
    // A return is recorded by its procedure, whose travel and reception move the case.
    let steps = next_states(facts.state)
        .filter(|to| *to != CaseState::Returned)
        .map(|to| Step {
            to,
            allowed: can(&actor, Action::Transition { to }, Some(&facts)),
        })
        .collect();
    let reflection_due = mnir_domain::reflection::may_offer(
        facts.state,
        &detail.summary.citizenship,
        &app.jurisdiction().country,
    );
    // Free text (reasons for a pause, a decline, an end, a decision) only for those who may read
    // the case's notes, whatever an adapter shows.
    let notes = may.reveal.notes;
    let mnir_store::CasePanels {
        mut clocks,
        mut referrals,
        mut reflections,
        mut decisions,
        latest_interview,
        assessments,
    } = panels;
    if !may.view_support {
        // A review clock's kind names the risk level: a support record.
        clocks.retain(|c| !mnir_domain::risk::is_review_clock(c.kind));
    }
    if !notes {
        clocks.iter_mut().for_each(|c| c.pause_reasons.clear());
        referrals.iter_mut().for_each(|r| r.decline_reason = None);
        reflections.iter_mut().for_each(|r| r.end_reason = None);
        decisions.iter_mut().for_each(|d| {
            d.reasons.clear();
            d.why_different = None;
        });
    }
    let risk = if let Some(assessments) = assessments {
        // A step, an accepted referral or a return after the latest full assessment calls for
        // doing it again (mnir.md §7, `risk_review` "at every case event").
        let later_events: Vec<mnir_store::Timestamp> = detail
            .history
            .iter()
            .map(|h| h.at_ms)
            .chain(referrals.iter().filter_map(|r| {
                (r.status == mnir_domain::referral::ReferralStatus::Accepted)
                    .then_some(r.answered_at_ms)
                    .flatten()
            }))
            .collect();
        Some(crate::risk::panel(
            assessments,
            &facts,
            may.record_assessment,
            later_events,
        ))
    } else {
        None
    };
    Ok(OpenCase {
        risk,
        clocks,
        referrals,
        reflections,
        decisions,
        latest_interview,
        organisations: app.organisations().await?,
        reflection_due,
        facts,
        detail,
        may,
        steps,
    })
}

/// A step of a case as asked for by a form or the API.
#[derive(Debug, Clone)]
pub struct Move {
    pub to: CaseState,
    /// The state the user saw when they asked; a different current state means someone else
    /// moved the case meanwhile.
    pub seen_from: Option<CaseState>,
    pub reason: String,
    /// For an identification decision that differs from the engine's advice.
    pub why_different: String,
}

/// Moves a case, starting and stopping its clocks in the same transaction; an identification
/// decision is recorded with the engine's advice ([`crate::identification::decide`]).
pub async fn transition(app: &App, who: &Who<'_>, case_id: &str, step: &Move) -> AppResult<()> {
    let facts = facts(app, who, case_id).await?;
    if step.seen_from.is_some_and(|seen| seen != facts.state) {
        return Err(AppError::Conflict(Message::stale(facts.state)));
    }
    can(
        &who.actor(),
        Action::Transition { to: step.to },
        Some(&facts),
    )?;
    // Only a repatriation procedure whose travel and reception are done returns a person
    // (mnir.md §10); it moves the case itself.
    if step.to == CaseState::Returned {
        return Err(AppError::Forbidden(Message::new(
            "transition-returned-by-repatriation",
        )));
    }
    let reason = crate::text::trimmed(&step.reason);
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "transition-reason-required"));
    }
    // The limit counts the reason as sent, as the API's document states it.
    if step.reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid("reason", "transition-reason-too-long"));
    }
    if is_decision(step.to) {
        return crate::identification::decide(
            app,
            who,
            case_id,
            &facts,
            step.to,
            reason,
            &step.why_different,
        )
        .await;
    }
    let transition = Transition {
        case_id: case_id.to_string(),
        from: facts.state,
        to: step.to,
        reason: reason.to_string(),
    };
    apply(app, who, transition, None).await
}

/// Applies a step with the clocks it starts and stops (and the decision it records), in one
/// transaction.
pub(crate) async fn apply(
    app: &App,
    who: &Who<'_>,
    transition: Transition,
    decision: Option<mnir_store::DecisionRecord>,
) -> AppResult<()> {
    let clocks = crate::clocks::changes_for(
        app,
        &transition.case_id,
        transition.from,
        transition.to,
        who.now(),
    )
    .await?;
    let change = CaseChange {
        transition,
        clocks,
        decision,
    };
    match app.store().change_case(&change, &who.by).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}
