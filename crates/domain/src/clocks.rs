//! Which legal clocks (mnir.md §7) a change of a case starts and stops.

use crate::case::CaseState;
use crate::vocabulary::codes;

codes!(
    /// The legal clocks the mechanism runs (mnir.md §7); a jurisdiction profile gives each its
    /// length, its consequence and whose task it becomes.
    ClockKind {
        NotificationAck => "notification_ack",
        IdentificationInterview => "identification_interview",
        ReflectionPeriod => "reflection_period",
        ReferralResponse => "referral_response",
        RiskReviewHigh => "risk_review_high",
        RiskReviewMedium => "risk_review_medium",
        RiskReviewLow => "risk_review_low",
        AssistancePeriod => "assistance_period",
        EmergencyCompensation => "emergency_compensation",
        RepatriationFollowup => "repatriation_followup",
    }
);

codes!(
    /// Whose open tasks an inbox lists: the jurisdiction profile names a role for each clock's
    /// task (or none, and then it is anyone's). `mine`: the tasks of the user's roles and those
    /// the profile gives to no role; `others`: the organisation's other tasks; `all`: every open
    /// task of the organisation.
    TaskView {
        Mine => "mine",
        Others => "others",
        All => "all",
    }
);

// Written out because `codes!` takes no attributes on its variants, so `#[default]` cannot be.
#[allow(clippy::derivable_impls)]
impl Default for TaskView {
    fn default() -> TaskView {
        TaskView::Mine
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockPlan {
    pub start: Vec<ClockKind>,
    pub stop: Vec<ClockKind>,
    /// Clocks that forbid the change while they run.
    pub blocked_by: Vec<ClockKind>,
}

/// A notification starts the acknowledgement clock of the receiving organisation.
pub fn on_notification() -> ClockPlan {
    ClockPlan {
        start: vec![ClockKind::NotificationAck],
        ..ClockPlan::default()
    }
}

/// The clocks a transition starts and stops. Acting on a notification acknowledges it; the
/// interview is due from `potential_victim` until the identification decision; assistance runs
/// while the case is in assistance; a case that ends stops whatever still runs.
pub fn on_transition(from: CaseState, to: CaseState) -> ClockPlan {
    use CaseState::*;
    let mut plan = ClockPlan::default();
    if from == Notified {
        plan.stop.push(ClockKind::NotificationAck);
    }
    if from == PotentialVictim {
        plan.stop.push(ClockKind::IdentificationInterview);
    }
    if from == InAssistance {
        plan.stop.push(ClockKind::AssistancePeriod);
    }
    match to {
        PotentialVictim => plan.start.push(ClockKind::IdentificationInterview),
        InAssistance => plan.start.push(ClockKind::AssistancePeriod),
        _ => {}
    }
    if !to.is_open() {
        // A case that ends owes no more deadlines. The reflection period is the person's right,
        // not the assistance's: declining assistance leaves it running.
        for kind in [
            ClockKind::NotificationAck,
            ClockKind::IdentificationInterview,
            ClockKind::AssistancePeriod,
            ClockKind::ReferralResponse,
            ClockKind::EmergencyCompensation,
            ClockKind::ReflectionPeriod,
            ClockKind::RiskReviewHigh,
            ClockKind::RiskReviewMedium,
            ClockKind::RiskReviewLow,
            ClockKind::RepatriationFollowup,
        ] {
            if kind == ClockKind::ReflectionPeriod && to == DeclinedAssistance {
                continue;
            }
            // The check-ins after a return begin with it and go on until the case closes.
            if kind == ClockKind::RepatriationFollowup && to == Returned {
                continue;
            }
            if !plan.stop.contains(&kind) {
                plan.stop.push(kind);
            }
        }
    }
    if to == Returned {
        // A return is never organised while the reflection period runs (mnir.md §10): the person
        // asking for it ends the period first, with that outcome.
        plan.blocked_by.push(ClockKind::ReflectionPeriod);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interview_clock_runs_from_potential_victim_to_the_decision() {
        use CaseState::*;
        let p = on_transition(Notified, PotentialVictim);
        assert_eq!(p.start, [ClockKind::IdentificationInterview]);
        assert_eq!(p.stop, [ClockKind::NotificationAck]);
        assert_eq!(
            on_transition(PotentialVictim, PresumedVictim).stop,
            [ClockKind::IdentificationInterview]
        );
        assert_eq!(
            on_transition(IdentifiedVictim, InAssistance).start,
            [ClockKind::AssistancePeriod]
        );
        let closing = on_transition(InAssistance, Closed);
        assert!(closing.start.is_empty() && closing.stop.contains(&ClockKind::AssistancePeriod));
        assert!(
            closing.stop.contains(&ClockKind::ReflectionPeriod)
                && closing.stop.contains(&ClockKind::ReferralResponse)
                && closing.stop.contains(&ClockKind::EmergencyCompensation),
            "a closed case carries no flag and owes no deadline"
        );
        assert!(
            !on_transition(IdentifiedVictim, DeclinedAssistance)
                .stop
                .contains(&ClockKind::ReflectionPeriod),
            "declining assistance does not end the reflection period"
        );
        assert_eq!(
            on_transition(InAssistance, Returned).blocked_by,
            [ClockKind::ReflectionPeriod]
        );
        assert!(
            on_transition(Notified, Duplicate)
                .stop
                .contains(&ClockKind::NotificationAck)
        );
    }
}
