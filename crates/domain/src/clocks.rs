//! Which legal clocks (mnir.md §7) a change of a case starts and stops.

use crate::case::CaseState;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockPlan {
    pub start: Vec<&'static str>,
    pub stop: Vec<&'static str>,
    /// Clocks that forbid the change while they run.
    pub blocked_by: Vec<&'static str>,
}

/// A notification starts the acknowledgement clock of the receiving organisation.
pub fn on_notification() -> ClockPlan {
    ClockPlan {
        start: vec!["notification_ack"],
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
        plan.stop.push("notification_ack");
    }
    if from == PotentialVictim {
        plan.stop.push("identification_interview");
    }
    if from == InAssistance {
        plan.stop.push("assistance_period");
    }
    match to {
        PotentialVictim => plan.start.push("identification_interview"),
        InAssistance => plan.start.push("assistance_period"),
        _ => {}
    }
    if !to.is_open() {
        // A case that ends owes no more deadlines. The reflection period is the person's right,
        // not the assistance's: declining assistance leaves it running.
        for kind in [
            "notification_ack",
            "identification_interview",
            "assistance_period",
            "referral_response",
            "emergency_compensation",
            "reflection_period",
        ] {
            if kind == "reflection_period" && to == DeclinedAssistance {
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
        plan.blocked_by.push("reflection_period");
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
        assert_eq!(p.start, ["identification_interview"]);
        assert_eq!(p.stop, ["notification_ack"]);
        assert_eq!(
            on_transition(PotentialVictim, PresumedVictim).stop,
            ["identification_interview"]
        );
        assert_eq!(
            on_transition(IdentifiedVictim, InAssistance).start,
            ["assistance_period"]
        );
        let closing = on_transition(InAssistance, Closed);
        assert!(closing.start.is_empty() && closing.stop.contains(&"assistance_period"));
        assert!(
            closing.stop.contains(&"reflection_period")
                && closing.stop.contains(&"referral_response")
                && closing.stop.contains(&"emergency_compensation"),
            "a closed case carries no flag and owes no deadline"
        );
        assert!(
            !on_transition(IdentifiedVictim, DeclinedAssistance)
                .stop
                .contains(&"reflection_period"),
            "declining assistance does not end the reflection period"
        );
        assert_eq!(
            on_transition(InAssistance, Returned).blocked_by,
            ["reflection_period"]
        );
        assert!(
            on_transition(Notified, Duplicate)
                .stop
                .contains(&"notification_ack")
        );
    }
}
