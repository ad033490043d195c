//! Assisted voluntary repatriation (mnir.md §10): the procedure in either direction, its eight
//! steps in order, the guards that refuse a step and why, and the follow-up check-ins after the
//! reception. Pure rules: the store gathers the facts inside the step's transaction, with the
//! case's row locked, and asks here before it writes.

use crate::risk::RiskLevel;
use crate::vocabulary::codes;

codes!(
    /// Which way the person goes: a Romanian identified abroad comes home, or a foreign national
    /// identified in Romania goes back to their country.
    Direction {
        ToRomania => "to_romania",
        FromRomania => "from_romania",
    }
);

codes!(
    /// The steps of the procedure, in the order they are taken.
    Step {
        Request => "request",
        RiskAssessment => "risk_assessment",
        TravelDocuments => "travel_documents",
        FitToTravel => "fit_to_travel",
        Travel => "travel",
        Reception => "reception",
        ReintegrationPlan => "reintegration_plan",
        FollowUp => "follow_up",
    }
);

codes!(
    /// Where a step stands. A blocked step says why in its note.
    StepState {
        Pending => "pending",
        InProgress => "in_progress",
        Done => "done",
        Blocked => "blocked",
    }
);

codes!(
    /// Who travels with the person.
    Escort {
        None => "none",
        Medical => "medical",
        SocialWorker => "social_worker",
        Police => "police",
    }
);

codes!(
    /// The documents a step produces, each recorded with its number.
    DocumentKind {
        TravelTitle => "travel_title",
        Passport => "passport",
        MedicalCertificate => "medical_certificate",
        Ticket => "ticket",
    }
);

codes!(
    /// Why a step is refused; each is explained to the user in their language
    /// (`repatriation-guard-<code>`) and named in the API's error. `no_consent`: the person's
    /// consent to the return (purpose `repatriation`) is not in force; `no_return_risk_assessment`:
    /// travel needs a return risk assessment recorded after the request;
    /// `reflection_period_running`: travel waits while the reflection period runs, unless the
    /// person ended it by asking for the return; `approval_required`: a high overall risk of the
    /// return needs a supervisor's approval before travel; `previous_step_not_done`: a step is
    /// done only after the one before it; `procedure_cancelled`: the person withdrew, the history
    /// stays and nothing moves; `travel_done`: the person may withdraw only until the travel is
    /// done, and what led to the travel is no longer changed; `step_already_done`: a step done is
    /// not recorded done again; `later_step_done`: a step is not set back while the one after it
    /// is done; `previous_step_not_started`: a step is begun only once the one before it is;
    /// `approval_not_needed`: only a high risk of the return is approved; `follow_up_closed`: no
    /// check-in is recorded, nor the follow-up step reopened, once that step is done.
    Guard {
        NoConsent => "no_consent",
        NoReturnRiskAssessment => "no_return_risk_assessment",
        ReflectionPeriodRunning => "reflection_period_running",
        ApprovalRequired => "approval_required",
        PreviousStepNotDone => "previous_step_not_done",
        ProcedureCancelled => "procedure_cancelled",
        TravelDone => "travel_done",
        StepAlreadyDone => "step_already_done",
        LaterStepDone => "later_step_done",
        PreviousStepNotStarted => "previous_step_not_started",
        ApprovalNotNeeded => "approval_not_needed",
        FollowUpClosed => "follow_up_closed",
    }
);

impl Step {
    /// The step's place in the procedure, from 1.
    pub fn number(self) -> usize {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .expect("every step is listed")
            + 1
    }

    /// The step taken just before, if any.
    pub fn previous(self) -> Option<Step> {
        Step::ALL.get(self.number().checked_sub(2)?).copied()
    }

    /// The step taken just after, if any.
    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.number()).copied()
    }
}

/// What the guards look at, gathered inside the step's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The person withdrew and the procedure was cancelled.
    pub cancelled: bool,
    /// A consent with the purpose `repatriation` is in force.
    pub consent_in_force: bool,
    /// The overall level of the latest return risk assessment recorded after the request, if any.
    pub return_risk: Option<RiskLevel>,
    /// The reflection period's clock runs (a period ended at the person's request runs no more).
    pub reflection_running: bool,
    /// A supervisor approved the travel after the latest return risk assessment.
    pub travel_approved: bool,
    /// Each step's state, in the order of [`Step::ALL`].
    pub states: [StepState; 8],
}

impl Facts {
    pub fn state(&self, step: Step) -> StepState {
        self.states[step.number() - 1]
    }
}

/// What a procedure waits for: its first step not done, with that step's state; `None` once
/// every step is done. `states` in the order of [`Step::ALL`].
pub fn next_step(states: &[StepState; 8]) -> Option<(Step, StepState)> {
    Step::ALL
        .iter()
        .copied()
        .zip(states.iter().copied())
        .find(|(_, state)| *state != StepState::Done)
}

/// Whether `step` may move to `to`; the first guard that refuses it otherwise. Once the
/// travel is done, it and the steps before it stand as they are. A setback (pending, blocked, or
/// in progress again) is allowed while the step after is not done; it needs no consent.
pub fn check_step(step: Step, to: StepState, facts: &Facts) -> Result<(), Guard> {
    if facts.cancelled {
        return Err(Guard::ProcedureCancelled);
    }
    // The travel done fixes what led to it; the return complete fixes the reception too.
    let fixed_up_to = if completes_return(facts) {
        Step::Reception
    } else {
        Step::Travel
    };
    if facts.state(Step::Travel) == StepState::Done && step.number() <= fixed_up_to.number() {
        return Err(Guard::TravelDone);
    }
    if to == StepState::Done && facts.state(step) == StepState::Done {
        return Err(Guard::StepAlreadyDone);
    }
    if to != StepState::Done
        && let Some(next) = step.next()
        && facts.state(next) == StepState::Done
    {
        return Err(Guard::LaterStepDone);
    }
    // The follow-up closed is the procedure's end: it is not reopened (a year's count of the
    // check-ins it closed stays as it was).
    if step == Step::FollowUp && facts.state(Step::FollowUp) == StepState::Done {
        return Err(Guard::FollowUpClosed);
    }
    let advances = matches!(to, StepState::InProgress | StepState::Done);
    if !advances {
        return Ok(());
    }
    // The request itself may be in progress while the person decides; once decided, and for
    // every later step, their consent must hold.
    if !facts.consent_in_force && (step != Step::Request || to == StepState::Done) {
        return Err(Guard::NoConsent);
    }
    if let Some(previous) = step.previous() {
        let before = facts.state(previous);
        if to == StepState::Done && before != StepState::Done {
            return Err(Guard::PreviousStepNotDone);
        }
        if to == StepState::InProgress && !matches!(before, StepState::Done | StepState::InProgress)
        {
            return Err(Guard::PreviousStepNotStarted);
        }
    }
    // The risk assessment step is done when the return's assessment is recorded.
    if step == Step::RiskAssessment && to == StepState::Done && facts.return_risk.is_none() {
        return Err(Guard::NoReturnRiskAssessment);
    }
    if step == Step::Travel {
        let Some(level) = facts.return_risk else {
            return Err(Guard::NoReturnRiskAssessment);
        };
        if facts.reflection_running {
            return Err(Guard::ReflectionPeriodRunning);
        }
        if level == RiskLevel::High && !facts.travel_approved {
            return Err(Guard::ApprovalRequired);
        }
    }
    Ok(())
}

/// Whether a supervisor may approve the travel: the latest return assessment found a high risk,
/// and the procedure is open with the travel still ahead.
pub fn check_approval(facts: &Facts) -> Result<(), Guard> {
    if facts.cancelled {
        Err(Guard::ProcedureCancelled)
    } else if facts.state(Step::Travel) == StepState::Done {
        Err(Guard::TravelDone)
    } else if facts.return_risk != Some(RiskLevel::High) {
        Err(Guard::ApprovalNotNeeded)
    } else {
        Ok(())
    }
}

/// Whether the person may still withdraw: at any step before the travel is done.
pub fn check_withdrawal(facts: &Facts) -> Result<(), Guard> {
    if facts.cancelled {
        Err(Guard::ProcedureCancelled)
    } else if facts.state(Step::Travel) == StepState::Done {
        Err(Guard::TravelDone)
    } else {
        Ok(())
    }
}

/// Whether a follow-up check-in may be recorded: the procedure stands and its follow-up is not
/// closed.
pub fn check_checkin(facts: &Facts) -> Result<(), Guard> {
    if facts.cancelled {
        Err(Guard::ProcedureCancelled)
    } else if facts.state(Step::FollowUp) == StepState::Done {
        Err(Guard::FollowUpClosed)
    } else {
        Ok(())
    }
}

codes!(
    /// Where a procedure stands, for the coordinator's counts: under way, complete (travel and
    /// reception done), or cancelled (the person withdrew).
    Standing {
        UnderWay => "under_way",
        Complete => "complete",
        Cancelled => "cancelled",
    }
);

/// Whether a procedure may be opened on a case in this state: a victim whose case is open.
pub fn may_open(state: crate::CaseState) -> bool {
    matches!(
        state,
        crate::CaseState::PresumedVictim
            | crate::CaseState::IdentifiedVictim
            | crate::CaseState::InAssistance
    )
}

/// Where a procedure stands, from whether it was cancelled and its travel's and reception's states.
pub fn standing(cancelled: bool, travel: StepState, reception: StepState) -> Standing {
    if cancelled {
        Standing::Cancelled
    } else if travel == StepState::Done && reception == StepState::Done {
        Standing::Complete
    } else {
        Standing::UnderWay
    }
}

/// The procedures of one direction: how many stand where, and the days from the request to the
/// travel of those that travelled (median and 90th percentile, nearest rank).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectionCount {
    pub direction: Direction,
    pub under_way: i64,
    pub complete: i64,
    pub cancelled: i64,
    pub travelled: i64,
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
}

/// Counts procedures by direction from how many stand each way: `(direction, standing, days
/// from the request to the travel when it travelled, how many procedures)`, as
/// `repatriation_tallies` keeps them (a procedure is a tally of one); both directions always
/// appear.
pub fn count_by_direction(
    tallies: impl IntoIterator<Item = (Direction, Standing, Option<i64>, i64)>,
) -> Vec<DirectionCount> {
    let mut out: Vec<(DirectionCount, Vec<(i64, i64)>)> = Direction::ALL
        .iter()
        .map(|d| {
            (
                DirectionCount {
                    direction: *d,
                    under_way: 0,
                    complete: 0,
                    cancelled: 0,
                    travelled: 0,
                    median_days: None,
                    p90_days: None,
                },
                Vec::new(),
            )
        })
        .collect();
    for (direction, standing, days, n) in tallies {
        let Some((count, all_days)) = out.iter_mut().find(|(c, _)| c.direction == direction) else {
            continue;
        };
        match standing {
            Standing::UnderWay => count.under_way += n,
            Standing::Complete => count.complete += n,
            Standing::Cancelled => count.cancelled += n,
        }
        all_days.extend(days.map(|d| (d, n)));
    }
    out.into_iter()
        .map(|(mut count, mut days)| {
            days.sort_unstable();
            let travelled: i64 = days.iter().map(|(_, n)| n).sum();
            // Nearest rank: the smallest value with at least p of the values at or below it.
            let rank = |p: i64| {
                let wanted = ((travelled * p + 99) / 100).max(1);
                let mut seen = 0;
                days.iter().find_map(|(d, n)| {
                    seen += n;
                    (seen >= wanted).then_some(*d)
                })
            };
            count.travelled = travelled;
            count.median_days = rank(50);
            count.p90_days = rank(90);
            count
        })
        .collect()
}

/// Whether the case has now come home (or gone back): travel and reception both done.
pub fn completes_return(facts: &Facts) -> bool {
    facts.state(Step::Travel) == StepState::Done && facts.state(Step::Reception) == StepState::Done
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_procedure_waits_for_its_first_step_not_done() {
        let mut states = [StepState::Done; 8];
        assert_eq!(next_step(&states), None);
        states[5] = StepState::Blocked;
        states[6] = StepState::InProgress;
        assert_eq!(next_step(&states), Some((Step::ALL[5], StepState::Blocked)));
        states[0] = StepState::Pending;
        assert_eq!(next_step(&states), Some((Step::ALL[0], StepState::Pending)));
    }

    #[test]
    fn follow_ups_fall_on_the_same_day_or_the_months_last() {
        let cases = [
            (
                day(2026, 1, 31),
                [
                    day(2026, 2, 28),
                    day(2026, 4, 30),
                    day(2026, 7, 31),
                    day(2027, 1, 31),
                ],
            ),
            // A leap year's February has its 29th.
            (
                day(2028, 1, 31),
                [
                    day(2028, 2, 29),
                    day(2028, 4, 30),
                    day(2028, 7, 31),
                    day(2029, 1, 31),
                ],
            ),
            // From a 29 February, a year on is the 28th.
            (
                day(2028, 2, 29),
                [
                    day(2028, 3, 29),
                    day(2028, 5, 29),
                    day(2028, 8, 29),
                    day(2029, 2, 28),
                ],
            ),
            (
                day(2026, 8, 31),
                [
                    day(2026, 9, 30),
                    day(2026, 11, 30),
                    day(2027, 2, 28),
                    day(2027, 8, 31),
                ],
            ),
            (
                day(2026, 12, 15),
                [
                    day(2027, 1, 15),
                    day(2027, 3, 15),
                    day(2027, 6, 15),
                    day(2027, 12, 15),
                ],
            ),
        ];
        // Romania's profile: 1, 3, 6 and 12 months after the day of the reception.
        let ro = crate::jurisdiction::Jurisdiction::romania();
        for (reception, expected) in cases {
            let days: Vec<NaiveDate> = ro
                .deadlines_from_day(crate::clocks::ClockKind::RepatriationFollowup, reception)
                .into_iter()
                .map(|(_, due)| ro.local_date(due))
                .collect();
            assert_eq!(days, expected, "{reception}");
        }
    }

    #[test]
    fn counts_by_direction_with_the_days_to_travel_by_nearest_rank() {
        use Direction::*;
        use Standing::*;
        let counted = count_by_direction([
            (ToRomania, Complete, Some(30), 1),
            (ToRomania, Complete, Some(10), 1),
            (ToRomania, UnderWay, Some(20), 1),
            (ToRomania, UnderWay, None, 1),
            (ToRomania, Cancelled, None, 1),
            (FromRomania, UnderWay, None, 1),
        ]);
        assert_eq!(counted.len(), 2);
        let to = &counted[0];
        assert_eq!(to.direction, ToRomania);
        assert_eq!((to.under_way, to.complete, to.cancelled), (2, 2, 1));
        // Travelled in 10, 20 and 30 days: the median is the second, the 90th percentile the third.
        assert_eq!(
            (to.travelled, to.median_days, to.p90_days),
            (3, Some(20), Some(30))
        );
        let from = &counted[1];
        assert_eq!(
            (from.under_way, from.travelled, from.median_days),
            (1, 0, None)
        );
        assert_eq!(
            standing(false, StepState::Done, StepState::InProgress),
            UnderWay
        );
        assert_eq!(standing(false, StepState::Done, StepState::Done), Complete);
        assert_eq!(
            standing(true, StepState::Done, StepState::Pending),
            Cancelled
        );
    }

    #[test]
    fn tallies_count_as_the_procedures_they_stand_for() {
        use Direction::*;
        use Standing::*;
        // 7 procedures that travelled in 5 days, 2 in 40, 1 in 90: of 10, the median is the
        // fifth (5 days), the 90th percentile the ninth (40 days).
        let tallied = count_by_direction([
            (FromRomania, Complete, Some(40), 2),
            (FromRomania, Complete, Some(5), 7),
            (FromRomania, UnderWay, Some(90), 1),
            (FromRomania, Cancelled, None, 4),
        ]);
        let one_by_one = count_by_direction(
            std::iter::repeat_n((FromRomania, Complete, Some(40), 1), 2)
                .chain(std::iter::repeat_n((FromRomania, Complete, Some(5), 1), 7))
                .chain([(FromRomania, UnderWay, Some(90), 1)])
                .chain(std::iter::repeat_n((FromRomania, Cancelled, None, 1), 4)),
        );
        assert_eq!(tallied, one_by_one);
        let from = &tallied[1];
        assert_eq!((from.under_way, from.complete, from.cancelled), (1, 9, 4));
        assert_eq!(
            (from.travelled, from.median_days, from.p90_days),
            (10, Some(5), Some(40))
        );
        assert_eq!(tallied[0].travelled, 0);
    }

    #[test]
    fn a_checkin_is_refused_once_the_follow_up_is_closed_or_the_procedure_cancelled() {
        let mut open = facts();
        open.states[Step::FollowUp.number() - 1] = StepState::InProgress;
        assert_eq!(check_checkin(&open), Ok(()));
        let mut closed = open.clone();
        closed.states[Step::FollowUp.number() - 1] = StepState::Done;
        assert_eq!(check_checkin(&closed), Err(Guard::FollowUpClosed));
        assert_eq!(
            check_step(Step::FollowUp, StepState::InProgress, &closed),
            Err(Guard::FollowUpClosed),
            "the follow-up closed is not reopened"
        );
        let mut cancelled = open.clone();
        cancelled.cancelled = true;
        assert_eq!(check_checkin(&cancelled), Err(Guard::ProcedureCancelled));
    }

    fn facts() -> Facts {
        Facts {
            cancelled: false,
            consent_in_force: true,
            return_risk: Some(RiskLevel::Low),
            reflection_running: false,
            travel_approved: false,
            states: [StepState::Done; 8],
        }
    }

    #[test]
    fn each_guard_refuses_its_step_and_only_that() {
        let pending_from = |step: Step| {
            let mut f = facts();
            for s in Step::ALL.iter().filter(|s| s.number() >= step.number()) {
                f.states[s.number() - 1] = StepState::Pending;
            }
            f
        };
        let travel = pending_from(Step::Travel);
        assert_eq!(check_step(Step::Travel, StepState::Done, &travel), Ok(()));
        // (what is tried, the facts, the step, the state asked for, the answer)
        type Case = (&'static str, Facts, Step, StepState, Result<(), Guard>);
        let cases: Vec<Case> = vec![
            (
                "no consent",
                Facts {
                    consent_in_force: false,
                    ..travel.clone()
                },
                Step::Travel,
                StepState::InProgress,
                Err(Guard::NoConsent),
            ),
            (
                "a request in progress before the consent",
                Facts {
                    consent_in_force: false,
                    ..pending_from(Step::Request)
                },
                Step::Request,
                StepState::InProgress,
                Ok(()),
            ),
            (
                "a request decided without the consent",
                Facts {
                    consent_in_force: false,
                    ..pending_from(Step::Request)
                },
                Step::Request,
                StepState::Done,
                Err(Guard::NoConsent),
            ),
            (
                "no return risk assessment",
                Facts {
                    return_risk: None,
                    ..travel.clone()
                },
                Step::Travel,
                StepState::InProgress,
                Err(Guard::NoReturnRiskAssessment),
            ),
            (
                "the reflection period runs",
                Facts {
                    reflection_running: true,
                    ..travel.clone()
                },
                Step::Travel,
                StepState::Done,
                Err(Guard::ReflectionPeriodRunning),
            ),
            (
                "a high risk not approved",
                Facts {
                    return_risk: Some(RiskLevel::High),
                    ..travel.clone()
                },
                Step::Travel,
                StepState::InProgress,
                Err(Guard::ApprovalRequired),
            ),
            (
                "a high risk approved",
                Facts {
                    return_risk: Some(RiskLevel::High),
                    travel_approved: true,
                    ..travel.clone()
                },
                Step::Travel,
                StepState::Done,
                Ok(()),
            ),
            (
                "reception before travel",
                pending_from(Step::Travel),
                Step::Reception,
                StepState::Done,
                Err(Guard::PreviousStepNotDone),
            ),
            (
                "reception under way before travel begins",
                pending_from(Step::Travel),
                Step::Reception,
                StepState::InProgress,
                Err(Guard::PreviousStepNotStarted),
            ),
            (
                "reception under way while travel is",
                {
                    let mut f = pending_from(Step::Travel);
                    f.states[Step::Travel.number() - 1] = StepState::InProgress;
                    f
                },
                Step::Reception,
                StepState::InProgress,
                Ok(()),
            ),
            (
                "travel done freezes the steps that led to it",
                pending_from(Step::Reception),
                Step::TravelDocuments,
                StepState::Pending,
                Err(Guard::TravelDone),
            ),
            (
                "the reception of a complete return stands",
                facts(),
                Step::Reception,
                StepState::Blocked,
                Err(Guard::TravelDone),
            ),
            (
                "the plan after a complete return may still be set back",
                pending_from(Step::FollowUp),
                Step::ReintegrationPlan,
                StepState::InProgress,
                Ok(()),
            ),
            (
                "the follow-up closed is not reopened",
                facts(),
                Step::FollowUp,
                StepState::InProgress,
                Err(Guard::FollowUpClosed),
            ),
            (
                "a step done is not done again",
                pending_from(Step::Travel),
                Step::FitToTravel,
                StepState::Done,
                Err(Guard::StepAlreadyDone),
            ),
            (
                "no setback under a step done",
                pending_from(Step::Travel),
                Step::TravelDocuments,
                StepState::Blocked,
                Err(Guard::LaterStepDone),
            ),
            (
                "a setback of the last step done",
                pending_from(Step::Travel),
                Step::FitToTravel,
                StepState::Blocked,
                Ok(()),
            ),
            (
                "the risk step waits for the return's assessment",
                Facts {
                    return_risk: None,
                    ..pending_from(Step::RiskAssessment)
                },
                Step::RiskAssessment,
                StepState::Done,
                Err(Guard::NoReturnRiskAssessment),
            ),
            (
                "cancelled",
                Facts {
                    cancelled: true,
                    ..travel.clone()
                },
                Step::Travel,
                StepState::Pending,
                Err(Guard::ProcedureCancelled),
            ),
            (
                "a setback needs no consent",
                Facts {
                    consent_in_force: false,
                    return_risk: None,
                    ..travel.clone()
                },
                Step::Travel,
                StepState::Blocked,
                Ok(()),
            ),
            (
                "documents need no risk assessment",
                Facts {
                    return_risk: None,
                    reflection_running: true,
                    ..pending_from(Step::TravelDocuments)
                },
                Step::TravelDocuments,
                StepState::Done,
                Ok(()),
            ),
        ];
        for (name, facts, step, to, expected) in cases {
            assert_eq!(check_step(step, to, &facts), expected, "{name}");
        }
    }

    #[test]
    fn only_a_high_risk_is_approved_and_only_before_travel() {
        let mut f = facts();
        f.states[Step::Travel.number() - 1] = StepState::Pending;
        assert_eq!(check_approval(&f), Err(Guard::ApprovalNotNeeded));
        f.return_risk = Some(RiskLevel::High);
        assert_eq!(check_approval(&f), Ok(()));
        f.states[Step::Travel.number() - 1] = StepState::Done;
        assert_eq!(check_approval(&f), Err(Guard::TravelDone));
    }

    #[test]
    fn the_person_may_withdraw_until_travel_is_done_and_the_return_ends_with_reception() {
        let mut f = facts();
        assert_eq!(check_withdrawal(&f), Err(Guard::TravelDone));
        assert!(completes_return(&f));
        f.states[Step::Reception.number() - 1] = StepState::InProgress;
        assert!(!completes_return(&f));
        f.states[Step::Travel.number() - 1] = StepState::InProgress;
        assert_eq!(check_withdrawal(&f), Ok(()));
        f.cancelled = true;
        assert_eq!(check_withdrawal(&f), Err(Guard::ProcedureCancelled));
    }

    #[test]
    fn steps_are_numbered_in_order() {
        assert_eq!(Step::Request.number(), 1);
        assert_eq!(Step::FollowUp.number(), 8);
        assert_eq!(Step::Request.previous(), None);
        assert_eq!(Step::Travel.previous(), Some(Step::FitToTravel));
        assert_eq!(
            Step::parse("reintegration_plan"),
            Some(Step::ReintegrationPlan)
        );
        assert_eq!(Step::parse("teleport"), None);
    }
}
