//! Synthetic assisted voluntary returns (mnir.md §10) for generated cases: every returned case
//! went home through a procedure whose eight steps led to its return (a Romanian brought home to
//! the county's regional centre, a foreign national received by the demo's partner in their
//! country), with its consent, the return's risk assessment (a high one approved by a
//! supervisor) and the check-ins after the reception, most made, some still due. A few cases in
//! assistance have a return under way, stopped at some step, or withdrawn by the person. Drawn
//! from the case's id, so a seed always gives the same returns.

use chrono::{Duration, NaiveDate};
use mnir_domain::CaseState;
use mnir_domain::clocks::ClockKind;
use mnir_domain::consent::{GivenBy, Method, Purpose};
use mnir_domain::defaults::{DEMO_PARTNER_COUNTRIES, demo_partner_code};
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_domain::repatriation::{Direction, DocumentKind, Step, StepState};
use mnir_domain::risk::{self, AssessmentKind, Rating, RiskDomain};
use mnir_store::{
    CheckInRecord, ClockRecord, ClockState, ConsentRecord, DomainRating, NewCase,
    RepatriationRecord, RiskAssessmentRecord, StepDocument, StepRecord, Timestamp,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// Where Romanians identified abroad are brought home from, most often first.
const COUNTRIES_OF_EXPLOITATION: &[&str] = &["IT", "ES", "DE", "GB", "FR", "NL", "AT", "CY"];

const CASE_WORKERS: &[&str] = &[
    "Ioana Pop",
    "Mihai Stan",
    "Elena Dumitru",
    "Andrei Moldovan",
];

const ITINERARIES: &[&str] = &[
    "Zbor direct până la Otopeni, apoi cu mașina centrului.",
    "Autocar până la Iași, apoi trenul.",
    "Zbor cu escală la Viena, întâmpinare la sosire.",
];

const PARTNERS_MET_BY: &[&str] = &[
    "Asistentul social al partenerului, la sosire",
    "Consilierul centrului regional",
    "Reprezentantul consulatului și asistentul social",
];

const FIRST_DAY_NEEDS: &[&str] = &[
    "Haine de schimb, hrană și o cartelă de telefon.",
    "Medicamentele pentru tratamentul început, hrană.",
    "Bani pentru transport și un loc de dormit în prima noapte.",
];

const STAYS_AT: &[&str] = &["Adăpost al partenerului", "La familie", "Centru de primire"];

const BLOCKED_NOTES: &[&str] = &[
    "Pașaportul a expirat; așteptăm titlul de călătorie de la consulat.",
    "Certificatul medical întârzie: persoana este încă în tratament.",
    "Partenerul nu a confirmat încă locul de primire.",
];

const WITHDRAWN: &[&str] = &[
    "Persoana s-a răzgândit după ce a vorbit cu familia.",
    "Persoana a găsit un loc de muncă legal și rămâne.",
];

const SITUATIONS: &[(&str, &str)] = &[
    ("housing", "Locuiește cu familia, în siguranță."),
    ("work", "A început un curs de calificare."),
    ("health", "Merge la controalele medicale."),
    ("safety", "Nu a mai fost contactată de recrutor."),
];

/// What a generated case's return left behind: the procedure, with the consent, the assessment
/// and the follow-up clocks it rests on.
#[derive(Debug, Default)]
pub struct GeneratedReturn {
    pub procedures: Vec<RepatriationRecord>,
    pub consents: Vec<ConsentRecord>,
    pub assessments: Vec<RiskAssessmentRecord>,
    pub clocks: Vec<ClockRecord>,
}

fn later(at: Timestamp, hours: i64) -> Timestamp {
    Timestamp::from_utc(at.to_utc() + Duration::hours(hours))
}

/// The step record of a step as a case worker would have recorded it on `day`.
fn recorded(
    step: Step,
    state: StepState,
    day: NaiveDate,
    at: Timestamp,
    org: &str,
    person: &str,
) -> StepRecord {
    StepRecord {
        step,
        state,
        happened_on: (state == StepState::Done).then_some(day),
        responsible_org: Some(org.to_string()),
        responsible_person: person.to_string(),
        documents: Vec::new(),
        note: String::new(),
        details: BTreeMap::new(),
        recorded_by: None,
        recorded_at_ms: Some(at),
    }
}

fn details(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The return's assessment: the domains of the full one and the family at home, mostly low or
/// medium, now and then high.
fn return_assessment(
    case: &NewCase,
    rng: &mut ChaCha8Rng,
    org: &str,
    partner: &str,
    at: Timestamp,
    version: i64,
) -> RiskAssessmentRecord {
    let high = rng.gen_bool(0.15);
    let domains: Vec<DomainRating> = RiskDomain::ALL
        .iter()
        .filter(|d| risk::asked_in(AssessmentKind::Return, **d, case.age_group))
        .map(|&domain| {
            let (severity, likelihood) = if high && domain == RiskDomain::FamilyAtHome {
                (3, 3)
            } else {
                (rng.gen_range(1..=2), rng.gen_range(1..=2))
            };
            DomainRating {
                domain,
                rating: Rating::new(severity, likelihood).expect("1–3 are ratings"),
                note: String::new(),
            }
        })
        .collect();
    RiskAssessmentRecord {
        id: format!("{}-return-assessment", case.id),
        case_id: case.id.clone(),
        version,
        kind: AssessmentKind::Return,
        org_code: org.to_string(),
        assessed_by: String::new(),
        assessed_at_ms: at,
        overall: risk::overall(domains.iter().map(|d| &d.rating)),
        urgent: Vec::new(),
        domains,
        clock_id: None,
        urgent_answered_at_ms: None,
        urgent_answered_by: None,
        partner_org: Some(partner.to_string()),
    }
}

/// The return of a generated case, if it had one. `versions` are the case's risk assessments
/// (the return's follows them); `now` bounds every time.
pub fn procedure(
    case: &NewCase,
    versions: &[RiskAssessmentRecord],
    jurisdiction: &Jurisdiction,
    now: Timestamp,
) -> GeneratedReturn {
    let mut out = GeneratedReturn::default();
    let Some(org) = mnir_store::answering_org(&case.access) else {
        return out;
    };
    let seed = case.id.bytes().fold(0x2e7a_11c3_9b0d_5f61u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let national = case.citizenship == jurisdiction.country;
    // A case that returned went through one (and may have closed since); some victims have one
    // under way, every foreign one (there are few, and the demo shows both directions).
    let returned_at = case
        .history
        .iter()
        .find(|h| h.to == CaseState::Returned)
        .map(|h| h.at_ms);
    let closed_at = returned_at.and_then(|back| {
        case.history
            .iter()
            .find(|h| h.at_ms > back && h.to == CaseState::Closed)
            .map(|h| h.at_ms)
    });
    let under_way_since = case
        .history
        .iter()
        .rev()
        .find(|h| h.to == case.state)
        .map(|h| h.at_ms)
        .filter(|_| {
            let share = match case.state {
                // Only a victim whose case is open may ask to go (the rule of opening one).
                state if !mnir_domain::repatriation::may_open(state) => 0.0,
                _ if !national => 1.0,
                CaseState::InAssistance => 0.4,
                CaseState::IdentifiedVictim | CaseState::PresumedVictim => 0.08,
                _ => 0.0,
            };
            share > 0.0 && rng.gen_bool(share)
        });
    let (direction, country, partner) = if national {
        let country = *COUNTRIES_OF_EXPLOITATION
            .choose(&mut rng)
            .expect("a list of countries");
        // The county's ANITP centre receives a Romanian coming home, a child's directorate
        // running the return when it answers for the case.
        let centre = case
            .access
            .iter()
            .find(|a| a.basis == mnir_domain::AccessBasis::RegionalCentre)
            .map_or(org.clone(), |a| a.org_code.clone());
        (Direction::ToRomania, country.to_string(), centre)
    } else if DEMO_PARTNER_COUNTRIES.contains(&case.citizenship.as_str()) {
        (
            Direction::FromRomania,
            case.citizenship.clone(),
            demo_partner_code(&case.citizenship),
        )
    } else {
        return out;
    };
    // The timeline: the request, then each step some days after the one before.
    let (requested, done_through, last_state) = match (returned_at, under_way_since) {
        (Some(back), _) => (later(back, -24 * rng.gen_range(30..60)), 7, None),
        (None, Some(since)) => {
            let requested = later(since, 24 * rng.gen_range(3..20));
            if requested >= now {
                return out;
            }
            // A foreign national may be in the reflection period, which no travel interrupts:
            // their return under way stops before the travel.
            let through = rng.gen_range(0..if national { 5 } else { 4 });
            let state = *[
                StepState::InProgress,
                StepState::Blocked,
                StepState::Pending,
            ]
            .choose(&mut rng)
            .expect("three states");
            (requested, through, Some(state))
        }
        _ => return out,
    };
    let after_versions = versions
        .iter()
        .map(|v| v.assessed_at_ms)
        .max()
        .map_or(requested, |last| last.max(requested));
    let person = *CASE_WORKERS.choose(&mut rng).expect("names");
    let partner_person = *PARTNERS_MET_BY.choose(&mut rng).expect("names");
    let id = format!("{}-return", case.id);
    let day = |at: Timestamp| jurisdiction.local_date(at.to_utc());
    out.consents.push(ConsentRecord {
        id: format!("{}-consent", id),
        case_id: case.id.clone(),
        purpose: Purpose::Repatriation,
        recipient_org: Some(partner.clone()),
        given_by: if case.age_group.may_be_child() {
            GivenBy::ChildProtection
        } else {
            GivenBy::Person
        },
        method: Method::SignedForm,
        given_at_ms: later(requested, -1),
        expires_at_ms: None,
        withdrawn_at_ms: None,
        recorded_by: String::new(),
        org_code: org.clone(),
    });
    // Each step's time: the request, the assessment after every earlier version, then days
    // apart; a returned case's reception is its return.
    let assessed = later(after_versions, 24 * rng.gen_range(2..6));
    let mut times = vec![requested, assessed];
    for _ in 2..8 {
        let before = *times.last().expect("two times");
        times.push(later(before, 24 * rng.gen_range(2..9)));
    }
    if let Some(back) = returned_at {
        // Travel the day before the return, reception with it; if the assessment came too late
        // for that, this case's return is not told.
        if times[1] >= later(back, -24 * 4) {
            return out;
        }
        // The documents and the fitness check fall evenly between the assessment and the travel.
        let spread = (later(back, -24).millis() - assessed.millis()) / 3;
        times[2] = Timestamp::from_millis(assessed.millis() + spread).unwrap_or(times[2]);
        times[3] = Timestamp::from_millis(assessed.millis() + 2 * spread).unwrap_or(times[3]);
        times[4] = later(back, -24);
        times[5] = back;
        times[6] = later(back, 24 * rng.gen_range(10..30));
        times[7] = later(back, 24 * 380);
    }
    let version = versions.len() as i64 + 1;
    let assessment = return_assessment(case, &mut rng, &org, &partner, assessed, version);
    let high = assessment.overall == Some(risk::RiskLevel::High);
    let mut steps = Vec::new();
    for (i, step) in Step::ALL.iter().enumerate() {
        let at = times[i];
        let state = if i < done_through && at < now {
            StepState::Done
        } else if i == done_through && at < now {
            last_state.unwrap_or(StepState::InProgress)
        } else {
            StepState::Pending
        };
        if state == StepState::Pending {
            steps.push(StepRecord::pending(*step));
            continue;
        }
        let mut s = recorded(*step, state, day(at), at, &org, person);
        match step {
            Step::TravelDocuments => {
                s.documents.push(StepDocument {
                    kind: if national {
                        DocumentKind::TravelTitle
                    } else {
                        DocumentKind::Passport
                    },
                    number: format!("{}{:07}", country, rng.gen_range(0..10_000_000)),
                });
            }
            Step::FitToTravel => {
                s.details = details(&[("escort", if high { "social_worker" } else { "none" })]);
            }
            Step::Travel => {
                s.details = details(&[
                    ("itinerary", ITINERARIES.choose(&mut rng).expect("lines")),
                    ("met_by", partner_person),
                ]);
                s.documents.push(StepDocument {
                    kind: DocumentKind::Ticket,
                    number: format!("TK{:06}", rng.gen_range(0..1_000_000)),
                });
            }
            Step::Reception => {
                s.responsible_org = Some(partner.clone());
                s.responsible_person = partner_person.to_string();
                s.details = details(&[
                    (
                        "first_day_needs",
                        FIRST_DAY_NEEDS.choose(&mut rng).expect("lines"),
                    ),
                    ("stays_at", STAYS_AT.choose(&mut rng).expect("lines")),
                ]);
            }
            Step::ReintegrationPlan => {
                s.details = details(&[
                    ("housing", "Locuință la familie, verificată de partener."),
                    ("work", "Curs de calificare, apoi un loc de muncă."),
                    ("health", "Consiliere psihologică lunară."),
                ]);
            }
            _ => {}
        }
        if state == StepState::Blocked {
            s.note = BLOCKED_NOTES.choose(&mut rng).expect("lines").to_string();
        }
        steps.push(s);
    }
    // Who checks in: the receiving centre at home, or the organisation that ran the return.
    let mut checkins = Vec::new();
    let reception = &steps[Step::Reception.number() - 1];
    if let (StepState::Done, Some(received)) = (reception.state, reception.happened_on) {
        let checks_in = if direction == Direction::ToRomania {
            partner.clone()
        } else {
            org.clone()
        };
        let follow_ups = ClockRecord::deadlines_from(
            jurisdiction,
            ClockKind::RepatriationFollowup,
            &case.id,
            &checks_in,
            received,
        );
        for (n, (due_on, mut clock)) in follow_ups.into_iter().enumerate() {
            clock.id = format!("{id}-checkin-{}", n + 1);
            let due = clock.due_at_ms.expect("a deadline has its time");
            // Most check-ins are made on time; now and then one is still owed. A case closed
            // owes none after its closure, which stopped their clocks.
            let ended = closed_at.unwrap_or(now).min(now);
            let made = due <= ended && rng.gen_bool(0.85);
            let at = later(due, -24 * rng.gen_range(0..5));
            if made {
                clock.state = ClockState::Stopped;
                clock.stopped_at_ms = Some(at);
            } else if let Some(closed) = closed_at.filter(|c| *c < now) {
                clock.state = ClockState::Stopped;
                clock.stopped_at_ms = Some(closed.max(clock.started_at_ms));
            }
            let reached = rng.gen_bool(0.9);
            checkins.push(CheckInRecord {
                number: n as i64 + 1,
                due_on,
                clock_id: clock.id.clone(),
                org_code: checks_in.clone(),
                happened_on: made.then(|| day(at)),
                contact_made: made.then_some(reached),
                situation: if made && reached {
                    details(SITUATIONS)
                } else {
                    BTreeMap::new()
                },
                new_assessment_asked: false,
                recorded_by: None,
                recorded_at_ms: made.then_some(at),
            });
            out.clocks.push(clock);
        }
        // The follow-up closes with the case, or once the year's check-ins are made.
        if let Some(closed) = closed_at.filter(|c| *c < now) {
            let at = closed.min(times[7]);
            steps[Step::FollowUp.number() - 1] =
                recorded(Step::FollowUp, StepState::Done, day(at), at, &org, person);
        } else if checkins.iter().all(|c| c.recorded_at_ms.is_some()) && times[7] < now {
            let close = &mut steps[Step::FollowUp.number() - 1];
            *close = recorded(
                Step::FollowUp,
                StepState::Done,
                day(times[7]),
                times[7],
                &org,
                person,
            );
        } else if times[6] < now {
            steps[Step::FollowUp.number() - 1] = recorded(
                Step::FollowUp,
                StepState::InProgress,
                day(times[6]),
                times[6],
                &org,
                person,
            );
        }
    }
    let travel_done = steps[Step::Travel.number() - 1].state == StepState::Done;
    // Now and then the person withdraws before the travel.
    let withdrawn = (!travel_done && returned_at.is_none() && rng.gen_bool(0.2))
        .then(|| later(times[done_through.min(7)], 24));
    if let Some(w) = withdrawn.filter(|w| *w < now) {
        out.consents[0].withdrawn_at_ms = Some(w);
    }
    let approved = (high && (travel_done || done_through >= 4))
        .then(|| later(assessed, 24))
        .filter(|at| *at < now);
    if (done_through >= 2 || returned_at.is_some()) && assessed < now {
        out.assessments.push(assessment);
    }
    out.procedures.push(RepatriationRecord {
        id: id.clone(),
        case_id: case.id.clone(),
        direction,
        partner_org: partner,
        country,
        org_code: org.clone(),
        opened_by: String::new(),
        opened_at_ms: later(requested, -2),
        cancelled_at_ms: withdrawn.filter(|w| *w < now),
        cancel_reason: withdrawn
            .filter(|w| *w < now)
            .map(|_| WITHDRAWN.choose(&mut rng).expect("lines").to_string()),
        approved_by: approved.map(|_| String::new()),
        approved_at_ms: approved,
        approved_assessment_id: approved.map(|_| format!("{}-return-assessment", case.id)),
        version: steps
            .iter()
            .filter(|s| s.state != StepState::Pending)
            .count() as i64,
        steps,
        checkins,
    });
    out
}
