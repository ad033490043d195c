//! The synthetic way of a generated case after the finding (mnir.md §5–§7): the person told of
//! their rights, consents to each referral, referrals to the county's directorate, the
//! prosecutors or the foreign ministry with their answers (most in time, some late, a few
//! declined, the newest still awaited), and for a foreign national the reflection period offered,
//! mostly accepted, ended by a residence right or a return, or run to its term. Drawn from the
//! case's id, so a seed always gives the same way.

use chrono::Duration;
use mnir_domain::clocks::ClockKind;
use mnir_domain::consent::{GivenBy, Method, Purpose, Right};
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_domain::referral::{ReferralStatus, consent_purpose};
use mnir_domain::reflection::ReflectionOutcome;
use mnir_domain::routing::AccessBasis;
use mnir_domain::{AgeGroup, CaseState, reference};
use mnir_store::{
    ClockRecord, ClockState, ConsentRecord, GeneratedReferrals, InformationRecord, NewCase,
    ReferralRecord, ReflectionRecord, Timestamp,
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
    if case.age_group == AgeGroup::Child {
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
    let informed = later(found, rng.gen_range(1..48));
    if informed >= now {
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
    let given_by = if case.age_group == AgeGroup::Child {
        GivenBy::ChildProtection
    } else {
        GivenBy::Person
    };
    let mut sent = later(informed, rng.gen_range(1..24));
    for (n, (service, to_org)) in services(case, &mut rng).into_iter().enumerate() {
        if sent >= now {
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
        let answered = answered_at < now;
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
        out.clocks.push(ClockRecord {
            referral_id: Some(id.clone()),
            state: if answered {
                ClockState::Stopped
            } else {
                ClockState::Running
            },
            stopped_at_ms: answered.then_some(answered_at),
            ..clock
        });
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

/// The reflection period offered to a foreign national once informed of it: mostly accepted;
/// then ended by a residence right, a return or otherwise, or run to its term.
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
    if offered >= now {
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
    if let Some(mut clock) = clock {
        record.clock_id = Some(clock.id.clone());
        let due = clock.due_at_ms.unwrap_or(now);
        let term_days = (due.to_utc() - offered.to_utc()).num_days().max(2);
        // A person who went home asked for the return; of the others, about half are granted a
        // residence right, a few leave, the rest let the period run out.
        let end = if case.state == CaseState::Returned {
            Some(&REFLECTION_ENDS[1])
        } else {
            match rng.gen_range(0..100) {
                0..45 => Some(&REFLECTION_ENDS[0]),
                45..55 => Some(&REFLECTION_ENDS[2]),
                _ => None,
            }
        };
        let ended_at = end
            .map(|_| later(offered, 24 * rng.gen_range(1..term_days)))
            .filter(|at| *at < now);
        match (end, ended_at) {
            (Some((outcome, reason)), Some(at)) => {
                clock.state = ClockState::Stopped;
                clock.stopped_at_ms = Some(at);
                record.ended_at_ms = Some(at);
                record.outcome = Some(*outcome);
                record.end_reason = Some(reason.to_string());
            }
            _ if due < now => {
                clock.state = ClockState::Expired;
                clock.fired_at_ms = Some(due);
            }
            _ => {}
        }
        out.clocks.push(clock);
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

    #[test]
    fn each_referral_follows_the_finding_and_a_consent_for_its_recipient() {
        let end = Timestamp::from_utc(SERIES_END);
        let all = generated(3000);
        let referrals: usize = all.iter().map(|(_, t)| t.referrals.len()).sum();
        assert!(referrals > 1000, "{referrals} referrals");
        for (case, track) in &all {
            let found = found_at(case);
            if found.is_none() {
                assert_eq!(track, &GeneratedReferrals::default(), "{}", case.reference);
                continue;
            }
            let informed = track.information.first().map(|i| i.given_at_ms);
            for r in &track.referrals {
                assert!(Some(r.sent_at_ms) > informed, "{}", case.reference);
                assert!(r.sent_at_ms < end);
                let consent = track
                    .consents
                    .iter()
                    .find(|c| {
                        c.recipient_org.as_deref() == Some(&r.to_org)
                            && c.purpose == consent_purpose(&r.service)
                    })
                    .expect("a consent for the recipient and the purpose");
                assert!(consent.given_at_ms < r.sent_at_ms);
                let clock = track
                    .clocks
                    .iter()
                    .find(|c| c.referral_id.as_deref() == Some(&r.id))
                    .expect("a response clock");
                match r.answered_at_ms {
                    Some(at) => {
                        assert!(at > r.sent_at_ms && at < end);
                        assert_eq!(clock.state, ClockState::Stopped);
                        assert_eq!(clock.stopped_at_ms, Some(at));
                        assert_ne!(r.status, ReferralStatus::Sent);
                        assert_eq!(
                            r.decline_reason.is_some(),
                            r.status == ReferralStatus::Declined
                        );
                    }
                    None => {
                        assert_eq!(r.status, ReferralStatus::Sent);
                        assert_eq!(clock.state, ClockState::Running);
                    }
                }
            }
        }
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
        let end = Timestamp::from_utc(SERIES_END);
        // Foreign victims are rare (a few in a thousand): enough cases to meet a score of them.
        let all = generated(12_000);
        let mut offered = 0;
        let mut outcomes = std::collections::BTreeSet::new();
        for (case, track) in &all {
            for f in &track.reflections {
                offered += 1;
                assert_ne!(case.citizenship, "RO", "{}", case.reference);
                assert!(f.offered_at_ms < end);
                let clock = track
                    .clocks
                    .iter()
                    .find(|c| Some(&c.id) == f.clock_id.as_ref());
                assert_eq!(clock.is_some(), f.accepted, "{}", case.reference);
                if let Some(clock) = clock {
                    assert_eq!(clock.kind, ClockKind::ReflectionPeriod);
                    match (f.ended_at_ms, clock.state) {
                        (Some(at), ClockState::Stopped) => {
                            assert!(at > f.offered_at_ms && Some(at) < clock.due_at_ms);
                            assert!(f.outcome.is_some() && f.end_reason.is_some());
                            outcomes.insert(f.outcome);
                        }
                        (None, ClockState::Expired) => {
                            assert_eq!(clock.fired_at_ms, clock.due_at_ms);
                            assert!(clock.due_at_ms < Some(end));
                        }
                        (None, ClockState::Running) => {
                            assert!(clock.due_at_ms >= Some(end));
                        }
                        other => panic!("{}: {other:?}", case.reference),
                    }
                }
            }
            assert!(track.reflections.len() <= 1);
        }
        assert!(offered > 15, "{offered} offers");
        assert!(outcomes.len() >= 2, "{outcomes:?}");
    }

    #[test]
    fn the_same_case_gets_the_same_way() {
        let a = generated(200);
        let b = generated(200);
        assert_eq!(a, b);
    }
}
