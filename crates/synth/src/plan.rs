//! Synthetic safety and support plans for a generated case: most people assessed in full get a
//! plan drafted from that assessment a few days later (what it calls for, as the page suggests),
//! mostly acknowledged on paper, and the services of the plan delivered once or a few times
//! while they run. Drawn from the case's id, like the assessments, so a seed always gives the
//! same plans.

use chrono::{Duration, NaiveDate};
use mnir_domain::CaseState;
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_domain::plan::{
    self, AcknowledgementWay, Acknowledger, ProtectionMeasure, ServiceStatus, SupportType,
};
use mnir_domain::risk::AssessmentKind;
use mnir_store::{
    NewCase, PlanAcknowledgement, PlanMeasure, PlanService, RiskAssessmentRecord, ServiceDelivery,
    SupportPlanRecord, Timestamp,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Who carries each measure out, as a case worker would write it.
fn responsible(measure: ProtectionMeasure) -> &'static str {
    match measure {
        ProtectionMeasure::ConfidentialShelter => "Centrul de asistență al DGASPC",
        ProtectionMeasure::PoliceProtection => "Inspectoratul de Poliție Județean",
        ProtectionMeasure::WitnessProtection => "Parchetul, la cererea procurorului de caz",
        ProtectionMeasure::PhoneChange => "Managerul de caz, cu un telefon nou din fondul ANITP",
        ProtectionMeasure::Escort => "Jandarmeria, la deplasările la instanță",
        ProtectionMeasure::Other => "Managerul de caz",
    }
}

/// The objectives a case worker might set for a service.
fn objectives(service: SupportType) -> &'static str {
    match service {
        SupportType::Education => "Reînscriere la școală și sprijin pentru recuperarea materiei.",
        SupportType::Financial => {
            "Sprijin financiar pentru primele luni și cererea de compensație."
        }
        SupportType::Health => "Consult medical complet și tratamentul rănilor și al durerilor.",
        SupportType::LabourExploitationRehabilitation => {
            "Recuperarea salariilor neplătite și orientare profesională."
        }
        SupportType::Legal => "Avocat pentru procesul penal și constituirea ca parte civilă.",
        SupportType::Livelihood => "Curs de calificare și un loc de muncă în județ.",
        SupportType::RightsBasedTraining => {
            "Informare despre drepturile victimei și ale lucrătorului."
        }
        SupportType::SexualExploitationRehabilitation => {
            "Consiliere psihologică săptămânală pentru trauma trăită."
        }
        SupportType::SocialCare => "Consiliere socială și reluarea legăturii cu familia.",
    }
}

const SHELTER_STREETS: &[&str] = &[
    "Strada Teilor",
    "Strada Morii",
    "Aleea Castanilor",
    "Strada Fabricii",
    "Strada Livezii",
];

const OUTSIDE_PROVIDERS: &[&str] = &[
    "Spitalul Județean de Urgență",
    "Cabinetul de psihologie al asociației",
    "Baroul județean, prin asistență gratuită",
];

/// The plan of a generated case (at most one version) and the services delivered against it.
pub fn plans(
    case: &NewCase,
    assessments: &[RiskAssessmentRecord],
    jurisdiction: &Jurisdiction,
    now: Timestamp,
) -> (Vec<SupportPlanRecord>, Vec<ServiceDelivery>) {
    let Some(full) = assessments.iter().find(|a| a.kind == AssessmentKind::Full) else {
        return (Vec::new(), Vec::new());
    };
    let seed = case.id.bytes().fold(0x6c62_272e_07bb_0142u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // A person who stayed in reach long enough to be identified is mostly given a plan; one who
    // left after the presumed-victim finding less often.
    let kept = matches!(
        case.state,
        CaseState::IdentifiedVictim
            | CaseState::InAssistance
            | CaseState::Returned
            | CaseState::Closed
    );
    if !rng.gen_bool(if kept { 0.85 } else { 0.3 }) {
        return (Vec::new(), Vec::new());
    }
    // A plan is kept while the case stays where a plan may be kept: up to the first step after the
    // assessment into another state (a closure), or now.
    let kept_until = case
        .history
        .iter()
        .find(|h| h.at_ms > full.assessed_at_ms && !plan::may_plan(h.to))
        .map_or(now, |h| h.at_ms);
    let drafted_at = Timestamp::from_utc(
        (full.assessed_at_ms.to_utc() + Duration::hours(rng.gen_range(2..96)))
            .min(kept_until.to_utc()),
    );
    let drafted_on = jurisdiction.local_date(drafted_at.to_utc());
    // Nothing is delivered or ended after the plan stopped being kept.
    let today = jurisdiction.local_date(kept_until.to_utc());
    let (mut measures, mut services) = plan::suggested(&full.ratings(), &[]);
    if services.is_empty() {
        services.push(SupportType::SocialCare);
    }
    // A case worker keeps most of what the assessment calls for.
    measures.retain(|_| rng.gen_bool(0.8));
    let days = |rng: &mut ChaCha8Rng, from: NaiveDate, range: std::ops::Range<i64>| {
        from + Duration::days(rng.gen_range(range))
    };
    let id = format!("{}-plan-1", case.id);
    let plan_measures = measures
        .iter()
        .map(|&measure| PlanMeasure {
            measure,
            responsible: responsible(measure).to_string(),
            due_on: days(&mut rng, drafted_on, 1..15),
            detail: String::new(),
            shelter_address: if measure == ProtectionMeasure::ConfidentialShelter {
                format!(
                    "{} nr. {}",
                    SHELTER_STREETS
                        .choose(&mut rng)
                        .copied()
                        .unwrap_or("Strada Teilor"),
                    rng.gen_range(1..90)
                )
            } else {
                String::new()
            },
        })
        .collect();
    let ended_case = kept_until < now;
    let provider = mnir_store::answering_org(&case.access);
    let mut deliveries = Vec::new();
    let plan_services: Vec<PlanService> = services
        .iter()
        .map(|&service_type| {
            let planned_end_on = days(&mut rng, drafted_on, 60..181);
            let (status, actual_end_on) = if ended_case || planned_end_on <= today {
                if rng.gen_bool(0.12) {
                    (ServiceStatus::Cancelled, Some(planned_end_on.min(today)))
                } else {
                    (ServiceStatus::Completed, Some(planned_end_on.min(today)))
                }
            } else if rng.gen_bool(0.8) {
                (ServiceStatus::InProgress, None)
            } else {
                (ServiceStatus::Planned, None)
            };
            if status != ServiceStatus::Planned && status != ServiceStatus::Cancelled {
                let last = actual_end_on.unwrap_or(today);
                let span = (last - drafted_on).num_days().max(0);
                for n in 0..rng.gen_range(1..5) {
                    let delivered_on = drafted_on + Duration::days(rng.gen_range(0..=span));
                    let outside = service_type == SupportType::Health || rng.gen_bool(0.2);
                    deliveries.push(ServiceDelivery {
                        id: format!("{}-delivery-{}-{n}", case.id, service_type.as_str()),
                        case_id: case.id.clone(),
                        service_type,
                        delivered_on,
                        provider_org: (!outside).then(|| provider.clone()).flatten(),
                        provider_other: if outside || provider.is_none() {
                            OUTSIDE_PROVIDERS
                                .choose(&mut rng)
                                .copied()
                                .unwrap_or("Spitalul Județean de Urgență")
                                .to_string()
                        } else {
                            String::new()
                        },
                        outcome: String::new(),
                        org_code: full.org_code.clone(),
                        recorded_by: String::new(),
                        recorded_at_ms: drafted_at,
                    });
                }
            }
            PlanService {
                service_type,
                provider_org: provider.clone(),
                objectives: objectives(service_type).to_string(),
                action_plan: String::new(),
                planned_end_on,
                actual_end_on,
                status,
            }
        })
        .collect();
    let mut acknowledgements = Vec::new();
    if rng.gen_bool(0.9) {
        let way = if rng.gen_bool(0.9) {
            AcknowledgementWay::SignedOnPaper
        } else {
            AcknowledgementWay::VerbalWithWitness
        };
        for party in Acknowledger::ALL {
            acknowledgements.push(PlanAcknowledgement {
                party: *party,
                way,
                on: drafted_on,
                witness: if way == AcknowledgementWay::VerbalWithWitness {
                    "Asistentul social de serviciu".to_string()
                } else {
                    String::new()
                },
                recorded_by: String::new(),
                recorded_at_ms: drafted_at,
            });
        }
    }
    deliveries.sort_by_key(|d| d.delivered_on);
    (
        vec![SupportPlanRecord {
            id,
            case_id: case.id.clone(),
            version: 1,
            org_code: full.org_code.clone(),
            drafted_by: String::new(),
            drafted_at_ms: drafted_at,
            assessment_id: full.id.clone(),
            review_on: days(&mut rng, drafted_on, 30..181),
            measures: plan_measures,
            services: plan_services,
            acknowledgements,
        }],
        deliveries,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Generator;

    #[test]
    fn plans_follow_their_assessment_and_keep_the_rules_of_the_page() {
        let rules = Jurisdiction::romania();
        let now = crate::SERIES_END;
        let end = Timestamp::from_utc(now);
        let today = rules.local_date(now);
        let cases: Vec<NewCase> = Generator::new(7, now).take(3000).collect();
        let (mut assessed, mut planned, mut delivered) = (0, 0, 0);
        for case in &cases {
            let (versions, _) = crate::risk::assessments(case, &rules, end);
            let (plans, deliveries) = plans(case, &versions, &rules, end);
            assert_eq!(
                (plans.clone(), deliveries.clone()),
                super::plans(case, &versions, &rules, end),
                "the same case gets the same plan"
            );
            let full = versions.iter().find(|a| a.kind == AssessmentKind::Full);
            assessed += usize::from(full.is_some());
            let Some(plan) = plans.first() else {
                assert!(deliveries.is_empty(), "no delivery without a plan");
                continue;
            };
            planned += 1;
            delivered += deliveries.len();
            let full = full.expect("a plan is drafted from a full assessment");
            assert_eq!(plan.assessment_id, full.id);
            assert!(plan.drafted_at_ms >= full.assessed_at_ms && plan.drafted_at_ms <= end);
            assert!(!plan.services.is_empty());
            let drafted_on = rules.local_date(plan.drafted_at_ms.to_utc());
            for s in &plan.services {
                assert_eq!(
                    plan::check_service_dates(s.status, s.actual_end_on, today),
                    None,
                    "{s:?}"
                );
            }
            for m in &plan.measures {
                assert_eq!(
                    m.shelter_address.is_empty(),
                    m.measure != ProtectionMeasure::ConfidentialShelter
                );
            }
            for a in &plan.acknowledgements {
                assert_eq!(
                    plan::check_acknowledgement(
                        a.way,
                        a.on,
                        !a.witness.is_empty(),
                        drafted_on,
                        today
                    ),
                    None
                );
            }
            let kept_until = case
                .history
                .iter()
                .find(|h| h.at_ms > full.assessed_at_ms && !plan::may_plan(h.to))
                .map_or(end, |h| h.at_ms);
            assert!(
                plan.drafted_at_ms <= kept_until,
                "drafted while a plan may be kept"
            );
            let last_day = rules.local_date(kept_until.to_utc());
            for d in &deliveries {
                assert!(d.delivered_on >= drafted_on && d.delivered_on <= last_day);
                assert!(
                    plan.services
                        .iter()
                        .any(|s| s.service_type == d.service_type)
                );
                assert_ne!(d.provider_org.is_some(), !d.provider_other.is_empty());
            }
        }
        // Most people assessed in full have a plan, and most plans have services delivered.
        assert!(
            planned * 10 >= assessed * 5 && planned < assessed,
            "{planned} of {assessed}"
        );
        assert!(
            delivered >= planned,
            "{delivered} deliveries for {planned} plans"
        );
    }
}
