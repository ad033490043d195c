//! Synthetic risk assessments for a generated case: the urgent questions at first contact for
//! most cases, a full assessment once the person is a presumed victim, a review for some of those
//! in assistance, and the review clock of the latest when the case is still open. Drawn from the
//! case's id, so the cases a seed gives do not change and the same case always gets the same
//! assessments.

use chrono::Duration;
use mnir_domain::CaseState;
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_domain::risk::{self, AssessmentKind, Rating, RiskDomain, UrgentQuestion};
use mnir_store::{
    ClockRecord, DomainRating, NewCase, RiskAssessmentRecord, Timestamp, UrgentAnswer,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Notes an assessor might write, one or two per assessment.
const DOMAIN_NOTES: &[(RiskDomain, &str)] = &[
    (
        RiskDomain::PersonalSafety,
        "Recrutorul a sunat-o de două ori după plecare; știe din ce localitate este.",
    ),
    (
        RiskDomain::FamilySafety,
        "Mama și fratele minor locuiesc în aceeași stradă cu familia recrutorului.",
    ),
    (
        RiskDomain::ReTrafficking,
        "Are o datorie declarată față de intermediar și nu are venit propriu.",
    ),
    (
        RiskDomain::PhysicalHealth,
        "Dureri de spate persistente; nu a mai fost la medic de peste un an.",
    ),
    (
        RiskDomain::MentalHealth,
        "Tulburări de somn și stări de panică la întâlnirea cu bărbați necunoscuți.",
    ),
    (
        RiskDomain::LegalSituation,
        "Actul de identitate a rămas la angajator; trebuie eliberat unul nou.",
    ),
    (
        RiskDomain::HousingLivelihood,
        "Nu se poate întoarce în locuința de dinainte; caută un loc de muncă în județ.",
    ),
    (
        RiskDomain::ChildSpecific,
        "Nu a mai frecventat școala din clasa a șaptea; tutela nu este stabilită.",
    ),
];

const URGENT_NOTES: &[(UrgentQuestion, &str)] = &[
    (
        UrgentQuestion::MedicalNeed,
        "Are o rană la mână netratată de câteva zile.",
    ),
    (
        UrgentQuestion::ViolenceDanger,
        "Spune că cei care au adus-o o caută la gară.",
    ),
    (
        UrgentQuestion::ReTraffickingDanger,
        "I s-a promis un nou loc de muncă în străinătate săptămâna viitoare.",
    ),
    (
        UrgentQuestion::ChildWithoutCarer,
        "Părinții sunt plecați în străinătate; nimeni nu are grija copilului.",
    ),
];

fn rating(rng: &mut ChaCha8Rng, raised: bool) -> Rating {
    // Most domains low to medium; the domains the trafficking reaches (safety, re-trafficking)
    // are raised for the people still in reach.
    let draw = |rng: &mut ChaCha8Rng| -> u8 {
        let x: f64 = rng.gen_range(0.0..1.0);
        match (raised, x) {
            (true, x) if x < 0.15 => 1,
            (true, x) if x < 0.55 => 2,
            (true, _) => 3,
            (false, x) if x < 0.5 => 1,
            (false, x) if x < 0.85 => 2,
            (false, _) => 3,
        }
    };
    Rating::new(draw(rng), draw(rng)).expect("1–3 are ratings")
}

fn full(
    case: &NewCase,
    rng: &mut ChaCha8Rng,
    id: String,
    org: &str,
    at: Timestamp,
    in_reach: bool,
) -> RiskAssessmentRecord {
    let domains: Vec<DomainRating> = RiskDomain::ALL
        .iter()
        .filter(|d| risk::asked(**d, case.age_group))
        .map(|&domain| {
            let raised = in_reach
                && matches!(
                    domain,
                    RiskDomain::PersonalSafety | RiskDomain::ReTrafficking
                );
            let note = if rng.gen_bool(0.25) {
                DOMAIN_NOTES
                    .iter()
                    .find(|(d, _)| *d == domain)
                    .map_or("", |(_, n)| n)
            } else {
                ""
            };
            DomainRating {
                domain,
                rating: rating(rng, raised),
                note: note.to_string(),
            }
        })
        .collect();
    RiskAssessmentRecord {
        partner_org: None,
        id,
        case_id: case.id.clone(),
        version: 0,
        kind: AssessmentKind::Full,
        org_code: org.to_string(),
        assessed_by: String::new(),
        assessed_at_ms: at,
        overall: risk::overall(domains.iter().map(|d| &d.rating)),
        urgent: Vec::new(),
        domains,
        clock_id: None,
        urgent_answered_at_ms: None,
        urgent_answered_by: None,
    }
}

/// The assessments of a generated case, oldest first and numbered, with the review clock of the
/// latest full one while the case is open; `now` bounds every time.
pub fn assessments(
    case: &NewCase,
    jurisdiction: &Jurisdiction,
    now: Timestamp,
) -> (Vec<RiskAssessmentRecord>, Option<ClockRecord>) {
    let Some(org) = mnir_store::answering_org(&case.access) else {
        return (Vec::new(), None);
    };
    if case.state == CaseState::Duplicate {
        return (Vec::new(), None);
    }
    let seed = case.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // `hours` after `at`, but never after `until` (the case's next event) nor after now, so the
    // versions keep the order of the case's history.
    let later = |at: Timestamp, hours: i64, until: Timestamp| {
        let t = at.to_utc() + Duration::hours(hours);
        Timestamp::from_utc(t.min(until.to_utc()).min(now.to_utc()))
    };
    // The end of each state: the next event's time, or now.
    let reached = |state: CaseState| {
        case.history.iter().position(|h| h.to == state).map(|i| {
            let until = case.history.get(i + 1).map_or(now, |h| h.at_ms);
            (case.history[i].at_ms, until)
        })
    };
    let mut out: Vec<RiskAssessmentRecord> = Vec::new();
    if rng.gen_bool(0.75) {
        let first_step = case.history.get(1).map_or(now, |h| h.at_ms);
        let at = later(case.notified_at_ms, rng.gen_range(1..48), first_step);
        let mut urgent = Vec::new();
        for &question in UrgentQuestion::ALL {
            if !risk::question_asked(question, case.age_group) {
                continue;
            }
            let yes = rng.gen_bool(match question {
                UrgentQuestion::MedicalNeed => 0.12,
                UrgentQuestion::ViolenceDanger => 0.08,
                UrgentQuestion::ReTraffickingDanger => 0.10,
                UrgentQuestion::ChildWithoutCarer => 0.15,
            });
            let note = if yes {
                URGENT_NOTES
                    .iter()
                    .find(|(q, _)| *q == question)
                    .map_or("", |(_, n)| n)
            } else {
                ""
            };
            urgent.push(UrgentAnswer {
                question,
                yes,
                note: note.to_string(),
            });
        }
        out.push(RiskAssessmentRecord {
            partner_org: None,
            id: format!("{}-risk-1", case.id),
            case_id: case.id.clone(),
            version: 0,
            kind: AssessmentKind::FirstContact,
            org_code: org.clone(),
            assessed_by: String::new(),
            assessed_at_ms: at,
            overall: None,
            urgent,
            domains: Vec::new(),
            clock_id: None,
            urgent_answered_at_ms: None,
            urgent_answered_by: None,
        });
    }
    let in_reach = rng.gen_bool(0.4);
    if let Some((from, until)) = reached(CaseState::PresumedVictim) {
        let span = (until.millis() - from.millis()) / 3_600_000;
        let at = later(from, rng.gen_range(1..=span.clamp(1, 120)), until);
        let id = format!("{}-risk-{}", case.id, out.len() + 1);
        out.push(full(case, &mut rng, id, &org, at, in_reach));
    }
    if let Some((from, until)) = reached(CaseState::InAssistance)
        && rng.gen_bool(0.6)
    {
        let span = (until.millis() - from.millis()) / 3_600_000;
        let at = later(from, rng.gen_range(24..=span.clamp(24, 24 * 120)), until);
        let id = format!("{}-risk-{}", case.id, out.len() + 1);
        // A review once in assistance finds the person out of reach more often than not.
        let still_in_reach = in_reach && rng.gen_bool(0.5);
        out.push(full(case, &mut rng, id, &org, at, still_in_reach));
    }
    // The urgent needs of the first contact are answered by the full assessment that followed;
    // those of a case still waiting for it stay open.
    let first_full = out
        .iter()
        .find(|a| a.kind == AssessmentKind::Full)
        .map(|a| (a.id.clone(), a.assessed_at_ms));
    // A case that ended without a full assessment closed its urgent needs with the step that
    // ended it, as the application does.
    let ended = case
        .history
        .iter()
        .find(|h| !h.to.is_open())
        .map(|h| (h.at_ms, h.to));
    if first_full.is_none()
        && let (Some((at, state)), Some(first)) = (ended, out.first_mut())
        && first.urgent.iter().any(|u| u.yes)
        && at >= first.assessed_at_ms
    {
        first.urgent_answered_at_ms = Some(at);
        first.urgent_answered_by = Some(format!("case:{state}"));
    }
    let asked_first = out
        .first()
        .filter(|a| a.kind == AssessmentKind::FirstContact)
        .map(|a| a.urgent.iter().map(|u| u.question).collect::<Vec<_>>());
    for (i, a) in out.iter_mut().enumerate() {
        a.version = i as i64 + 1;
        let Some((by, at)) = &first_full else {
            continue;
        };
        match a.kind {
            AssessmentKind::FirstContact => {
                a.urgent_answered_at_ms = Some(*at);
                a.urgent_answered_by = Some(format!("assessment:{by}"));
            }
            // The first full assessment asks the urgent questions again (as the application
            // would have it answer them): nothing urgent is left by then.
            AssessmentKind::Full if &a.id == by => {
                if let Some(questions) = &asked_first {
                    a.urgent = questions
                        .iter()
                        .map(|&question| UrgentAnswer {
                            question,
                            yes: false,
                            note: String::new(),
                        })
                        .collect();
                }
            }
            AssessmentKind::Full | AssessmentKind::Return => {}
        }
    }
    let open = matches!(
        case.state,
        CaseState::PresumedVictim
            | CaseState::IdentifiedVictim
            | CaseState::InAssistance
            | CaseState::Returned
    );
    let clock = out
        .iter_mut()
        .rev()
        .find(|a| a.kind == AssessmentKind::Full)
        .filter(|_| open)
        .and_then(|latest| {
            let level = latest.overall?;
            let clock = ClockRecord::start(
                jurisdiction,
                format!("{}-review", latest.id),
                risk::review_clock(level),
                &case.id,
                &org,
                latest.assessed_at_ms,
                false,
            )?;
            latest.clock_id = Some(clock.id.clone());
            Some(clock)
        });
    (out, clock)
}
