//! The synthetic way of a generated case after the finding (mnir.md §5–§7): the person told of
//! their rights, consents to each referral, referrals to the county's directorate, the
//! prosecutors or the foreign ministry with their answers (most in time, some late, a few
//! declined, the newest still awaited), and for a foreign national the reflection period offered,
//! mostly accepted, ended by a residence right or a return, or run to its term. The case's own
//! steps bound it, as the application's rules do: nothing is sent once the case has ended, its
//! end stops the clocks still running, and a return ends the reflection period first. Drawn from
//! the case's id, so a seed always gives the same way.

use chrono::Duration;
use mnir_domain::clocks::ClockKind;
use mnir_domain::consent::{GivenBy, Method, Purpose, Right};
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_domain::referral::{ReferralStatus, consent_purpose};
use mnir_domain::reflection::ReflectionOutcome;
use mnir_domain::routing::AccessBasis;
use mnir_domain::{CaseState, reference};
use mnir_store::{
    ClockRecord, ClockState, ConsentRecord, GeneratedReferrals, InformationRecord, NewCase,
    ReferralRecord, ReflectionRecord, TaskRecord, Timestamp,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The ministry that brings Romanians identified abroad home.
const FOREIGN_MINISTRY: &str = "MAE";

const DECLINE_REASONS: &[&str] = &[
    "Nu mai sunt locuri disponibile în centrul de primire.",
    "Serviciul nu este disponibil pentru persoane de acest sex.",
    "Persoana locuiește în afara județului pe care îl deservim.",
    "Cererea nu cuprinde evaluarea medicală necesară.",
];

const REFLECTION_ENDS: &[(ReflectionOutcome, &str)] = &[
    (
        ReflectionOutcome::Residence,
        "Drept de ședere acordat pentru participarea la procesul penal.",
    ),
    (
        ReflectionOutcome::Return,
        "Persoana a cerut returnarea voluntară asistată.",
    ),
    (
        ReflectionOutcome::Other,
        "Persoana a părăsit centrul și nu mai poate fi contactată.",
    ),
];

/// The first step that made the person a presumed or identified victim.
fn found_at(case: &NewCase) -> Option<Timestamp> {
    case.history
        .iter()
        .find(|h| {
            matches!(
                h.to,
                CaseState::PresumedVictim | CaseState::IdentifiedVictim
            )
        })
        .map(|h| h.at_ms)
}

fn later(at: Timestamp, hours: i64) -> Timestamp {
    Timestamp::from_utc(at.to_utc() + Duration::hours(hours))
}

/// The first step after `after` into one of `states`.
fn first_step_to(case: &NewCase, after: Timestamp, states: &[CaseState]) -> Option<Timestamp> {
    case.history
        .iter()
        .find(|h| h.at_ms > after && states.contains(&h.to))
        .map(|h| h.at_ms)
}

/// The case's state at `at`: that of its last step by then.
fn state_at(case: &NewCase, at: Timestamp) -> Option<CaseState> {
    case.history
        .iter()
        .take_while(|h| h.at_ms <= at)
        .last()
        .map(|h| h.to)
}

/// Where a clock stands at `now` given when it was answered or stopped (`stop`): run out at its
/// due time if that came first, with its task done a few days later; stopped; or running. A
/// clock that ran out but whose task would still be open is left running with its due time
/// past: the server's scheduler makes the task when it starts, and counts it.
fn settle(
    clock: ClockRecord,
    stop: Option<Timestamp>,
    now: Timestamp,
    case: &NewCase,
    rng: &mut ChaCha8Rng,
    tasks: &mut Vec<TaskRecord>,
) -> ClockRecord {
    let due = clock.due_at_ms;
    match (due, stop) {
        (Some(due), stop) if due < now && stop.is_none_or(|s| due < s) => {
            let done = stop.unwrap_or_else(|| later(due, rng.gen_range(24..240)));
            if done >= now {
                return clock;
            }
            tasks.push(TaskRecord {
                id: format!("{}-task", clock.id),
                clock_id: clock.id.clone(),
                case_id: case.id.clone(),
                case_reference: case.reference.clone(),
                org_code: clock.org_code.clone(),
                kind: clock.on_expiry.clone(),
                clock_kind: clock.kind,
                created_at_ms: due,
                done_at_ms: Some(done),
            });
            ClockRecord {
                state: ClockState::Expired,
                fired_at_ms: Some(due),
                ..clock
            }
        }
        (_, Some(at)) if at < now => ClockRecord {
            state: ClockState::Stopped,
            stopped_at_ms: Some(at),
            ..clock
        },
        _ => clock,
    }
}

fn org_of(case: &NewCase, basis: AccessBasis) -> Option<String> {
    case.access
        .iter()
        .find(|a| a.basis == basis)
        .map(|a| a.org_code.clone())
}

/// The services a case is referred for, and to whom: a child's directorate refers to the
/// regional centre and the prosecutors; an adult's regional centre to the county's directorate
/// (shelters and counselling), the prosecutors, and the foreign ministry for a return home.
fn services(case: &NewCase, rng: &mut ChaCha8Rng) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let directorate = reference::county(&case.found_in_county)
        .map(|county| format!("DGASPC-{}", county.suffix()));
    // Someone who may be a child is the directorate's case, which refers to the others.
    if case.age_group.may_be_child() {
        if let Some(centre) = org_of(case, AccessBasis::RegionalCentre) {
            if rng.gen_bool(0.5) {
                out.push(("psychological", centre.clone()));
            }
            if rng.gen_bool(0.3) {
                out.push(("reintegration", centre));
            }
        }
    } else if let Some(directorate) = directorate {
        if rng.gen_bool(0.5) {
            out.push(("accommodation", directorate.clone()));
        }
        if rng.gen_bool(0.35) {
            out.push(("psychological", directorate.clone()));
        }
        if rng.gen_bool(0.2) {
            out.push(("social", directorate));
        }
    }
    if rng.gen_bool(0.45) {
        out.push(("investigation", crate::justice::PROSECUTORS.to_string()));
    }
    if case.state == CaseState::Returned && case.citizenship == "RO" {
        out.push(("repatriation", FOREIGN_MINISTRY.to_string()));
    }
    out.shuffle(rng);
    out
}

/// What a generated case went through after the finding, up to `now`.
pub fn track(case: &NewCase, jurisdiction: &Jurisdiction, now: Timestamp) -> GeneratedReferrals {
    let mut out = GeneratedReferrals::default();
    let Some(found) = found_at(case) else {
        return out;
    };
    let Some(sender) = mnir_store::answering_org(&case.access) else {
        return out;
    };
    let seed = case.id.bytes().fold(0x51_7cc1_b727_220au64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let foreign = case.citizenship != jurisdiction.country;
    // Once the case has ended nothing more is sent, and its end stops the answer clocks.
    let ended = first_step_to(
        case,
        found,
        &[
            CaseState::Closed,
            CaseState::NotAVictim,
            CaseState::DeclinedAssistance,
            CaseState::Duplicate,
        ],
    );
    let horizon = ended.map_or(now, |e| e.min(now));
    let informed = later(found, rng.gen_range(1..48));
    if informed >= horizon {
        return out;
    }
    out.information.push(InformationRecord {
        id: format!("{}-information-1", case.id),
        case_id: case.id.clone(),
        rights: vec![
            Right::AssistanceAndProtection,
            Right::LegalAid,
            Right::Compensation,
            Right::AssistanceWithoutCooperation,
        ]
        .into_iter()
        .chain(foreign.then_some(Right::ReflectionPeriod))
        .collect(),
        language: if foreign { "en" } else { "ro" }.to_string(),
        interpreter: foreign,
        mediator: false,
        notice_version: "ANITP-2023".to_string(),
        given_by: String::new(),
        org_code: sender.clone(),
        given_at_ms: informed,
    });
    let given_by = if case.age_group.may_be_child() {
        GivenBy::ChildProtection
    } else {
        GivenBy::Person
    };
    let mut sent = later(informed, rng.gen_range(1..24));
    for (n, (service, to_org)) in services(case, &mut rng).into_iter().enumerate() {
        if sent >= horizon {
            break;
        }
        let id = format!("{}-referral-{}", case.id, n + 1);
        let purpose: Purpose = consent_purpose(service);
        if !out
            .consents
            .iter()
            .any(|c| c.purpose == purpose && c.recipient_org.as_deref() == Some(&to_org))
        {
            out.consents.push(ConsentRecord {
                id: format!("{}-consent-{}", case.id, n + 1),
                case_id: case.id.clone(),
                purpose,
                recipient_org: Some(to_org.clone()),
                given_by,
                method: if rng.gen_bool(0.85) {
                    Method::SignedForm
                } else {
                    Method::VerbalWithWitness
                },
                given_at_ms: later(sent, -1),
                expires_at_ms: None,
                withdrawn_at_ms: None,
                recorded_by: String::new(),
                org_code: sender.clone(),
            });
        }
        let urgent = rng.gen_bool(0.2);
        let deadline_hours: i64 = if urgent { 24 } else { 72 };
        let hours = if rng.gen_bool(0.12) {
            rng.gen_range(deadline_hours + 1..=deadline_hours * 3)
        } else {
            rng.gen_range(1..deadline_hours)
        };
        let answered_at = later(sent, hours);
        let answered = answered_at < horizon;
        let declined = answered && rng.gen_bool(0.1);
        let Some(clock) = ClockRecord::start(
            jurisdiction,
            format!("{id}-response"),
            ClockKind::ReferralResponse,
            &case.id,
            &sender,
            sent,
            urgent,
        ) else {
            break;
        };
        let stop = if answered { Some(answered_at) } else { ended };
        let clock = ClockRecord {
            referral_id: Some(id.clone()),
            ..clock
        };
        out.clocks
            .push(settle(clock, stop, now, case, &mut rng, &mut out.tasks));
        out.referrals.push(ReferralRecord {
            id,
            case_id: case.id.clone(),
            case_reference: case.reference.clone(),
            from_org: sender.clone(),
            to_org,
            service: service.to_string(),
            urgent,
            status: match (answered, declined) {
                (false, _) => ReferralStatus::Sent,
                (true, false) => ReferralStatus::Accepted,
                (true, true) => ReferralStatus::Declined,
            },
            sent_by: String::new(),
            sent_at_ms: sent,
            answered_by: answered.then(String::new),
            answered_at_ms: answered.then_some(answered_at),
            decline_reason: declined
                .then(|| DECLINE_REASONS.choose(&mut rng).copied())
                .flatten()
                .map(str::to_string),
        });
        sent = later(sent, rng.gen_range(2..240));
    }
    if foreign {
        reflection(
            case,
            jurisdiction,
            now,
            &sender,
            informed,
            &mut rng,
            &mut out,
        );
    }
    out
}

/// The reflection period offered to a foreign national once informed of it, while the case
/// allows the offer: mostly accepted; then ended by a residence right, a return (always before
/// the person travels) or otherwise, stopped by the case's end, or run to its term.
fn reflection(
    case: &NewCase,
    jurisdiction: &Jurisdiction,
    now: Timestamp,
    org: &str,
    informed: Timestamp,
    rng: &mut ChaCha8Rng,
    out: &mut GeneratedReferrals,
) {
    let offered = later(informed, rng.gen_range(0..72));
    let may_offer = state_at(case, offered).is_some_and(|state| {
        mnir_domain::reflection::may_offer(state, &case.citizenship, &jurisdiction.country)
    });
    if offered >= now || !may_offer {
        return;
    }
    let id = format!("{}-reflection-1", case.id);
    let accepted = rng.gen_bool(0.85);
    let mut record = ReflectionRecord {
        id: id.clone(),
        case_id: case.id.clone(),
        offered_at_ms: offered,
        accepted,
        language: "en".to_string(),
        org_code: org.to_string(),
        offered_by: String::new(),
        clock_id: None,
        ended_at_ms: None,
        outcome: None,
        end_reason: None,
    };
    let clock = accepted
        .then(|| {
            ClockRecord::start(
                jurisdiction,
                format!("{id}-clock"),
                ClockKind::ReflectionPeriod,
                &case.id,
                org,
                offered,
                false,
            )
        })
        .flatten();
    if let Some(clock) = clock {
        record.clock_id = Some(clock.id.clone());
        let due = clock.due_at_ms.unwrap_or(now);
        let term_hours = (due.to_utc() - offered.to_utc()).num_hours().max(2);
        // Declining assistance leaves the period running; the other ends stop it.
        let ended = first_step_to(
            case,
            offered,
            &[
                CaseState::Closed,
                CaseState::NotAVictim,
                CaseState::Duplicate,
            ],
        );
        let returned = first_step_to(case, offered, &[CaseState::Returned]);
        // A person who went home asked for the return before travelling; of the others, about
        // half are granted a residence right, a few leave, the rest let the period run out.
        let end = match returned {
            Some(at) => Some((
                &REFLECTION_ENDS[1],
                later(at, -rng.gen_range(1..48)).max(later(offered, 1)),
            )),
            None => match rng.gen_range(0..100) {
                0..45 => Some((
                    &REFLECTION_ENDS[0],
                    later(offered, rng.gen_range(1..term_hours)),
                )),
                45..55 => Some((
                    &REFLECTION_ENDS[2],
                    later(offered, rng.gen_range(1..term_hours)),
                )),
                _ => None,
            },
        };
        let end = end.filter(|(_, at)| *at < now && *at < due && ended.is_none_or(|e| *at < e));
        let stop = match end {
            Some(((outcome, reason), at)) => {
                record.ended_at_ms = Some(at);
                record.outcome = Some(*outcome);
                record.end_reason = Some(reason.to_string());
                Some(at)
            }
            None => ended,
        };
        out.clocks
            .push(settle(clock, stop, now, case, rng, &mut out.tasks));
    }
    out.reflections.push(record);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Generator, SERIES_END};

    fn generated(n: usize) -> Vec<(NewCase, GeneratedReferrals)> {
        let ro = Jurisdiction::romania();
        let end = Timestamp::from_utc(SERIES_END);
        Generator::new(11, SERIES_END)
            .take(n)
            .map(|case| {
                let track = track(&case, &ro, end);
                (case, track)
            })
            .collect()
    }

    /// The clock's state agrees with when it was stopped (`stop`): run out first (with a done
    /// task), stopped then, or still running.
    fn check_clock(
        track: &GeneratedReferrals,
        clock: &ClockRecord,
        stop: Option<Timestamp>,
        end: Timestamp,
    ) {
        let due = clock.due_at_ms.expect("a due time");
        let task = track.tasks.iter().find(|t| t.clock_id == clock.id);
        match clock.state {
            ClockState::Expired => {
                assert_eq!(clock.fired_at_ms, Some(due));
                assert!(stop.is_none_or(|s| due < s), "ran out before it stopped");
                let task = task.expect("a task for a clock that ran out");
                assert_eq!(task.created_at_ms, due);
                assert!(task.done_at_ms.is_some_and(|d| d > due && d < end));
            }
            ClockState::Stopped => {
                assert_eq!(clock.stopped_at_ms, stop);
                assert!(stop.is_some_and(|s| s <= due && s < end));
                assert!(task.is_none());
            }
            ClockState::Running => {
                assert!(stop.is_none_or(|s| s >= end), "{stop:?}");
                assert!(task.is_none());
            }
            ClockState::Paused => panic!("generated clocks are never paused"),
        }
    }

    fn ended_at(case: &NewCase, states: &[CaseState]) -> Option<Timestamp> {
        let found = found_at(case)?;
        first_step_to(case, found, states)
    }

    #[test]
    fn each_referral_follows_the_finding_and_a_consent_for_its_recipient() {
        let end = Timestamp::from_utc(SERIES_END);
        let all = generated(3000);
        let referrals: usize = all.iter().map(|(_, t)| t.referrals.len()).sum();
        assert!(referrals > 1000, "{referrals} referrals");
        let mut states = std::collections::BTreeSet::new();
        for (case, track) in &all {
            if found_at(case).is_none() {
                assert_eq!(track, &GeneratedReferrals::default(), "{}", case.reference);
                continue;
            }
            let closed = ended_at(
                case,
                &[
                    CaseState::Closed,
                    CaseState::NotAVictim,
                    CaseState::DeclinedAssistance,
                    CaseState::Duplicate,
                ],
            );
            let informed = track.information.first().map(|i| i.given_at_ms);
            for r in &track.referrals {
                assert!(Some(r.sent_at_ms) > informed, "{}", case.reference);
                assert!(r.sent_at_ms < end);
                assert!(
                    closed.is_none_or(|c| r.sent_at_ms < c),
                    "{}: sent after the case ended",
                    case.reference
                );
                assert_ne!(r.from_org, r.to_org, "{}", case.reference);
                let consent = track
                    .consents
                    .iter()
                    .find(|c| {
                        c.recipient_org.as_deref() == Some(&r.to_org)
                            && c.purpose == consent_purpose(&r.service)
                    })
                    .expect("a consent for the recipient and the purpose");
                assert!(consent.given_at_ms < r.sent_at_ms);
                assert_eq!(
                    consent.given_by == GivenBy::ChildProtection,
                    case.age_group.may_be_child(),
                    "{}",
                    case.reference
                );
                let clock = track
                    .clocks
                    .iter()
                    .find(|c| c.referral_id.as_deref() == Some(&r.id))
                    .expect("a response clock");
                states.insert(clock.state.as_str());
                match r.answered_at_ms {
                    Some(at) => {
                        assert!(at > r.sent_at_ms && at < end);
                        assert!(closed.is_none_or(|c| at < c));
                        assert_ne!(r.status, ReferralStatus::Sent);
                        assert_eq!(
                            r.decline_reason.is_some(),
                            r.status == ReferralStatus::Declined
                        );
                        check_clock(track, clock, Some(at), end);
                    }
                    None => {
                        assert_eq!(r.status, ReferralStatus::Sent);
                        check_clock(track, clock, closed, end);
                    }
                }
            }
        }
        assert_eq!(
            states.len(),
            3,
            "answered in time, late and not yet: {states:?}"
        );
        let answered: Vec<&ReferralRecord> = all
            .iter()
            .flat_map(|(_, t)| &t.referrals)
            .filter(|r| r.answered_at_ms.is_some())
            .collect();
        let declined = answered
            .iter()
            .filter(|r| r.status == ReferralStatus::Declined)
            .count();
        let share = declined as f64 / answered.len() as f64;
        assert!((0.05..0.15).contains(&share), "{share} declined");
    }

    #[test]
    fn only_foreign_nationals_are_offered_a_reflection_period_and_it_ends_once() {
        let ro = Jurisdiction::romania();
        let end = Timestamp::from_utc(SERIES_END);
        // Foreign victims are rare (a few in a thousand): enough cases to meet a score of them.
        let all = generated(12_000);
        let mut offered = 0;
        let mut outcomes = std::collections::BTreeSet::new();
        for (case, track) in &all {
            assert!(track.reflections.len() <= 1);
            for f in &track.reflections {
                offered += 1;
                assert_ne!(case.citizenship, "RO", "{}", case.reference);
                assert!(f.offered_at_ms < end);
                let state = state_at(case, f.offered_at_ms).unwrap();
                assert!(
                    mnir_domain::reflection::may_offer(state, &case.citizenship, &ro.country),
                    "{}: offered while {state}",
                    case.reference
                );
                let clock = track
                    .clocks
                    .iter()
                    .find(|c| Some(&c.id) == f.clock_id.as_ref());
                assert_eq!(clock.is_some(), f.accepted, "{}", case.reference);
                let Some(clock) = clock else { continue };
                assert_eq!(clock.kind, ClockKind::ReflectionPeriod);
                let closed = ended_at(
                    case,
                    &[
                        CaseState::Closed,
                        CaseState::NotAVictim,
                        CaseState::Duplicate,
                    ],
                );
                if let Some(returned) = ended_at(case, &[CaseState::Returned]) {
                    // Never travelled while the period ran.
                    assert!(
                        f.ended_at_ms.is_some_and(|e| e < returned)
                            || clock.due_at_ms.is_some_and(|d| d < returned),
                        "{}",
                        case.reference
                    );
                }
                match f.ended_at_ms {
                    Some(at) => {
                        assert!(at > f.offered_at_ms);
                        assert!(f.outcome.is_some() && f.end_reason.is_some());
                        outcomes.insert(f.outcome);
                        check_clock(track, clock, Some(at), end);
                    }
                    None => {
                        outcomes.insert(None);
                        check_clock(track, clock, closed.filter(|c| *c > f.offered_at_ms), end);
                    }
                }
            }
        }
        assert!(offered > 15, "{offered} offers");
        assert!(outcomes.len() >= 3, "{outcomes:?}");
    }

    #[test]
    fn the_same_case_gets_the_same_way() {
        let a = generated(200);
        let b = generated(200);
        assert_eq!(a, b);
    }
}
