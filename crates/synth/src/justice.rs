//! The synthetic criminal-justice track of a generated case: proceedings for about half of the
//! people found to be victims (most as injured party and witness), hearings while they run, an
//! outcome once they are old enough, the protection measures a prosecutor orders; non-punishment
//! flags mostly for forced begging and criminality; and now and then a prosecutor's order that
//! let the risk assessments out to the investigating prosecutors. Drawn from the case's id, so a
//! seed always gives the same track.

use chrono::{Duration, NaiveDate};
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_domain::justice::{
    DisclosedRecord, DisclosureBasis, HearingKind, OrderedMeasure, ProceedingOutcome, Standing,
};
use mnir_domain::{CaseState, Exploitation};
use mnir_store::{
    DisclosureRecord, HearingRecord, NewCase, NonPunishmentRecord, ProceedingRecord,
    RiskAssessmentRecord, Timestamp,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The prosecutors who investigate trafficking, and the body that records their proceedings.
pub const PROSECUTORS: &str = "DIICOT";

const OFFICES: &[(&str, &str)] = &[
    ("DIICOT – Serviciul Teritorial Cluj", "Tribunalul Cluj"),
    ("DIICOT – Serviciul Teritorial Iași", "Tribunalul Iași"),
    (
        "DIICOT – Serviciul Teritorial Timișoara",
        "Tribunalul Timiș",
    ),
    ("DIICOT – Serviciul Teritorial Craiova", "Tribunalul Dolj"),
    ("DIICOT – Structura Centrală", "Tribunalul București"),
];

const HEARING_NOTES: &[&str] = &[
    "Audiată în prezența psihologului.",
    "Audiere prin videoconferință, fără contact cu inculpații.",
    "Termen amânat; persoana a fost însoțită de managerul de caz.",
    "",
];

/// What a generated case's justice track holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Track {
    pub proceedings: Vec<ProceedingRecord>,
    pub flags: Vec<NonPunishmentRecord>,
    pub disclosures: Vec<DisclosureRecord>,
}

fn found_victim(state: CaseState) -> bool {
    matches!(
        state,
        CaseState::PresumedVictim
            | CaseState::IdentifiedVictim
            | CaseState::InAssistance
            | CaseState::Returned
            | CaseState::DeclinedAssistance
            | CaseState::Closed
    )
}

/// The justice track of a generated case, up to `now`.
pub fn track(
    case: &NewCase,
    assessments: &[RiskAssessmentRecord],
    jurisdiction: &Jurisdiction,
    now: Timestamp,
) -> Track {
    let seed = case.id.bytes().fold(0x9e37_79b9_7f4a_7c15u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Track::default();
    if !found_victim(case.state) || !rng.gen_bool(0.5) {
        return out;
    }
    let today = jurisdiction.local_date(now.to_utc());
    let notified_on = jurisdiction.local_date(case.notified_at_ms.to_utc());
    let opened_on = (notified_on + Duration::days(rng.gen_range(3..120))).min(today);
    let opened_at = Timestamp::from_utc(
        (case.notified_at_ms.to_utc() + Duration::days((opened_on - notified_on).num_days()))
            .min(now.to_utc()),
    );
    let (office, court) = *OFFICES.choose(&mut rng).unwrap_or(&OFFICES[0]);
    let standing = *[
        (Standing::InjuredPartyAndWitness, 50),
        (Standing::InjuredParty, 25),
        (Standing::Witness, 20),
        (Standing::None, 5),
    ]
    .choose_weighted(&mut rng, |(_, w)| *w)
    .map(|(s, _)| s)
    .unwrap_or(&Standing::InjuredPartyAndWitness);
    // Proceedings take years: older ones have their outcome, younger ones are at trial or still
    // with the prosecutor.
    let age_days = (today - opened_on).num_days();
    let (outcome, outcome_on) = if age_days > 730 {
        let outcome = *[
            (ProceedingOutcome::Conviction, 60),
            (ProceedingOutcome::Dismissed, 25),
            (ProceedingOutcome::Acquittal, 15),
        ]
        .choose_weighted(&mut rng, |(_, w)| *w)
        .map(|(o, _)| o)
        .unwrap_or(&ProceedingOutcome::Conviction);
        let on = opened_on + Duration::days(rng.gen_range(400..age_days.max(401)));
        (outcome, Some(on.min(today)))
    } else if age_days > 300 && rng.gen_bool(0.5) {
        (ProceedingOutcome::SentToTrial, None)
    } else {
        (ProceedingOutcome::Pending, None)
    };
    let mut measures = Vec::new();
    for (measure, p) in [
        (OrderedMeasure::ProtectedIdentity, 0.4),
        (OrderedMeasure::RemoteHearing, 0.3),
        (OrderedMeasure::WitnessProtection, 0.1),
    ] {
        if rng.gen_bool(p) {
            measures.push(measure);
        }
    }
    measures.sort();
    let id = format!("{}-proceeding-1", case.id);
    let last_day = outcome_on.unwrap_or(today);
    let span = (last_day - opened_on).num_days().max(0);
    let mut hearing_days: Vec<NaiveDate> = (0..rng.gen_range(1..5))
        .map(|_| opened_on + Duration::days(rng.gen_range(0..=span)))
        .collect();
    hearing_days.sort();
    let hearings = hearing_days
        .into_iter()
        .enumerate()
        .map(|(n, held_on)| HearingRecord {
            id: format!("{id}-hearing-{n}"),
            proceeding_id: id.clone(),
            case_id: case.id.clone(),
            held_on,
            kind: if n == 0 {
                HearingKind::Statement
            } else if outcome_on.is_some() || outcome == ProceedingOutcome::SentToTrial {
                HearingKind::CourtHearing
            } else {
                HearingKind::Confrontation
            },
            note: HEARING_NOTES
                .choose(&mut rng)
                .copied()
                .unwrap_or_default()
                .to_string(),
            recorded_by: String::new(),
            recorded_at_ms: opened_at,
        })
        .collect();
    out.proceedings.push(ProceedingRecord {
        id: id.clone(),
        case_id: case.id.clone(),
        standing,
        file_number: format!(
            "{}/D/P/{}",
            rng.gen_range(100..9999),
            opened_on.format("%Y")
        ),
        prosecutor_office: office.to_string(),
        court: if outcome == ProceedingOutcome::Pending || outcome == ProceedingOutcome::Dismissed {
            String::new()
        } else {
            court.to_string()
        },
        opened_on,
        outcome,
        outcome_on,
        measures,
        org_code: PROSECUTORS.to_string(),
        recorded_by: String::new(),
        recorded_at_ms: opened_at,
        updated_at_ms: opened_at,
        hearings,
    });
    // People made to beg or steal are the usual subjects of the non-punishment principle.
    let compelled = match case.exploitation {
        Some(Exploitation::Begging) => Some((0.6, "Cerșetorie pe domeniul public")),
        Some(Exploitation::Criminality) => {
            Some((0.8, "Furt din magazine, la comanda exploatatorilor"))
        }
        Some(Exploitation::Sexual) => Some((0.1, "Folosirea unui act de identitate fals")),
        Some(Exploitation::Labour) => Some((0.1, "Muncă fără forme legale în străinătate")),
        _ => None,
    };
    if let Some((p, offence)) = compelled
        && rng.gen_bool(p)
    {
        out.flags.push(NonPunishmentRecord {
            id: format!("{}-flag-1", case.id),
            case_id: case.id.clone(),
            offence: offence.to_string(),
            proceeding_id: Some(id.clone()),
            org_code: PROSECUTORS.to_string(),
            recorded_by: String::new(),
            recorded_at_ms: opened_at,
        });
    }
    // Now and then the prosecutors ordered the risk assessments disclosed, for ninety days.
    if let Some(full) = assessments
        .iter()
        .find(|a| a.kind == mnir_domain::risk::AssessmentKind::Full)
        && rng.gen_bool(0.15)
    {
        let recorded = full.assessed_at_ms.max(opened_at);
        let order_on = jurisdiction.local_date(recorded.to_utc());
        out.disclosures.push(DisclosureRecord {
            id: format!("{}-disclosure-1", case.id),
            case_id: case.id.clone(),
            recipient_org: PROSECUTORS.to_string(),
            basis: DisclosureBasis::ProsecutorOrder,
            consent_id: None,
            order_number: format!("{}/II/2/{}", rng.gen_range(10..999), order_on.format("%Y")),
            order_on: Some(order_on),
            order_office: office.to_string(),
            records: vec![DisclosedRecord::RiskAssessments],
            until_on: order_on + Duration::days(90),
            org_code: full.org_code.clone(),
            recorded_by: String::new(),
            recorded_at_ms: recorded,
            ended_at_ms: None,
            ended_by: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Generator;
    use mnir_domain::justice::{check_day, check_outcome};

    #[test]
    fn tracks_keep_the_rules_of_the_page_and_their_proportions() {
        let rules = Jurisdiction::romania();
        let now = crate::SERIES_END;
        let end = Timestamp::from_utc(now);
        let today = rules.local_date(now);
        let cases: Vec<NewCase> = Generator::new(11, now).take(3000).collect();
        let (mut victims, mut tracked, mut flagged, mut disclosed) = (0, 0, 0, 0);
        for case in &cases {
            let (assessments, _) = crate::risk::assessments(case, &rules, end);
            let t = track(case, &assessments, &rules, end);
            assert_eq!(
                t,
                track(case, &assessments, &rules, end),
                "the same case gets the same track"
            );
            if found_victim(case.state) {
                victims += 1;
            } else {
                assert_eq!(t, Track::default(), "no track before a finding");
            }
            for p in &t.proceedings {
                tracked += 1;
                assert!(p.opened_on <= today);
                assert_eq!(check_day(p.opened_on, today), None);
                assert_eq!(check_outcome(p.outcome, p.outcome_on, today), None);
                if let Some(on) = p.outcome_on {
                    assert!(on >= p.opened_on);
                }
                for h in &p.hearings {
                    assert!(h.held_on >= p.opened_on && h.held_on <= today);
                }
            }
            for f in &t.flags {
                flagged += 1;
                assert_eq!(
                    f.proceeding_id.as_deref(),
                    t.proceedings.first().map(|p| p.id.as_str())
                );
            }
            for d in &t.disclosures {
                disclosed += 1;
                assert!(!d.records.is_empty());
                assert!(d.order_on.is_some_and(|o| o <= today));
                assert_eq!(d.basis, DisclosureBasis::ProsecutorOrder);
            }
        }
        assert!(victims > 500, "{victims} victims");
        let share = f64::from(tracked) / f64::from(victims);
        assert!((0.4..0.6).contains(&share), "proceedings for {share:.2}");
        assert!(flagged > 0 && flagged < tracked, "{flagged} flags");
        assert!(
            disclosed > 0 && disclosed < tracked,
            "{disclosed} disclosures"
        );
    }
}
