//! The synthetic victim profile of a generated case (HTCDS victim and exploitation fields), in
//! the proportions of mnir.md §11: mostly sexual exploitation, the rest mostly labour and begging;
//! a little over half exploited in Romania and the rest in Western Europe; recruited mostly by
//! friends, family and online. Recorded for most people found to be victims, not all: a case
//! worker records it some days after the person is presumed one. Drawn from the case's id, so a
//! seed always gives the same profile.

use chrono::Duration;
use mnir_domain::victim::ProfileField;
use mnir_domain::{AgeGroup, CaseState, Exploitation, reference};
use mnir_store::{NewCase, Timestamp, VictimProfileRecord};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The countries of Western Europe where Romania's victims are most often exploited.
const ABROAD: &[(&str, u32)] = &[
    ("IT", 25),
    ("DE", 25),
    ("ES", 12),
    ("GB", 12),
    ("FR", 8),
    ("NL", 6),
    ("AT", 6),
    ("BE", 6),
];

fn pick<'a>(rng: &mut ChaCha8Rng, weighted: &'a [(&'a str, u32)]) -> &'a str {
    weighted
        .choose_weighted(rng, |(_, w)| *w)
        .map_or(weighted[0].0, |(v, _)| v)
}

/// Each value of `weighted` kept with its own chance (in percent), at least one.
fn some_of(rng: &mut ChaCha8Rng, weighted: &[(&str, u32)]) -> Vec<String> {
    let mut chosen: Vec<String> = weighted
        .iter()
        .filter(|(_, chance)| rng.gen_range(0..100) < *chance)
        .map(|(v, _)| v.to_string())
        .collect();
    if chosen.is_empty() {
        chosen.push(pick(rng, weighted).to_string());
    }
    chosen
}

/// The profile of a generated case, recorded by then, or `None`.
pub fn profile(case: &NewCase, now: Timestamp) -> Option<VictimProfileRecord> {
    let seed = case.id.bytes().fold(0x51_7c_c1_b7_27_22_0a_95u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    if !mnir_domain::victim::recordable_in(case.state) || !rng.gen_bool(0.85) {
        return None;
    }
    let mut values: Vec<(ProfileField, Vec<String>)> = Vec::new();
    let mut citizenship = vec![case.citizenship.clone()];
    // Dual Romanian and Moldovan citizenship is common among the mechanism's cases.
    match case.citizenship.as_str() {
        "RO" if rng.gen_bool(0.06) => citizenship.push("MD".into()),
        "MD" if rng.gen_bool(0.5) => citizenship.push("RO".into()),
        _ => {}
    }
    values.push((ProfileField::Citizenship, citizenship));

    let child = case.age_group == AgeGroup::Child;
    let main = case.exploitation.unwrap_or(if rng.gen_bool(0.72) {
        Exploitation::Sexual
    } else {
        Exploitation::Labour
    });
    let mut forms: Vec<String> = vec![
        match main {
            Exploitation::Sexual => "SexualExploitation",
            Exploitation::Labour if child && rng.gen_bool(0.3) => "ChildLabour",
            Exploitation::Labour => "ForcedLabour",
            Exploitation::Begging => "ForcedBegging",
            Exploitation::Criminality => "Other",
            Exploitation::Other => pick(&mut rng, &[("Servitude", 60), ("ForcedMarriage", 40)]),
        }
        .to_string(),
    ];
    if main == Exploitation::Sexual && rng.gen_bool(0.1) {
        forms.push("ForcedLabour".into());
    }
    if main == Exploitation::Labour && rng.gen_bool(0.1) {
        forms.push("ForcedBegging".into());
    }
    if forms.iter().any(|f| f == "SexualExploitation") {
        values.push((
            ProfileField::SexExploitationTypes,
            some_of(
                &mut rng,
                &[
                    ("Prostitution", 85),
                    ("Pornography", 12),
                    ("RemoteInteractiveServices", 18),
                    ("PrivateSexualServices", 8),
                ],
            ),
        ));
    }
    if forms
        .iter()
        .any(|f| matches!(f.as_str(), "ForcedLabour" | "ChildLabour" | "Servitude"))
    {
        let industry = pick(
            &mut rng,
            &[
                ("A_AgricultureForestryAndFishing", 35),
                ("F_Construction", 25),
                ("I_AccommodationAndFoodServiceActivities", 15),
                ("T_ActivitiesOfHouseholdsAsEmployers", 15),
                ("C_Manufacturing", 10),
            ],
        );
        values.push((ProfileField::ForcedLabourIndustry, vec![industry.into()]));
    }
    values.push((ProfileField::ExploitationTypes, forms));
    values.push((
        ProfileField::RecruitmentMethods,
        some_of(
            &mut rng,
            &[
                ("ThroughFriendsOrSocialEvents", 35),
                ("ThroughOnlineSocialNetworks", 25),
                ("ThroughFamilyOrFamilyEvents", 20),
                ("ThroughAnOnlineAdvertisement", 10),
                ("AtWork", 5),
                ("Other", 5),
            ],
        ),
    ));
    values.push((
        ProfileField::ControlMethods,
        some_of(
            &mut rng,
            &[
                ("FalsePromises", 60),
                ("TakesEarnings", 50),
                ("PsychologicalAbuse", 45),
                ("DebtBondage", 35),
                ("PhysicalThreats", 35),
                ("PhysicalAbuse", 30),
                ("WithholdsDocuments", 30),
                ("ThreatensChildrenFamily", 15),
                ("SexualAbuse", 15),
                ("PsychoactiveSubstance", 10),
            ],
        ),
    ));
    values.push((
        ProfileField::RelationshipToTrafficker,
        vec![
            pick(
                &mut rng,
                &[("Acquainted", 55), ("Unaquainted", 30), ("Familial", 15)],
            )
            .into(),
        ],
    ));
    let education = if child {
        pick(
            &mut rng,
            &[("PrimaryEducation", 40), ("LowerSecondaryEducation", 60)],
        )
    } else {
        pick(
            &mut rng,
            &[
                ("PrimaryEducation", 15),
                ("LowerSecondaryEducation", 45),
                ("UpperSecondaryEducation", 30),
                ("PostSecondaryNonTertiaryEducation", 5),
                ("BachelorsOrEquivalentLevel", 5),
            ],
        )
    };
    if rng.gen_bool(0.8) {
        values.push((ProfileField::Education, vec![education.into()]));
    }
    let counties = reference::counties();
    let home = if case.citizenship == "RO" || case.citizenship == "MD" && rng.gen_bool(0.5) {
        if rng.gen_bool(0.7) {
            case.found_in_county.clone()
        } else {
            counties[rng.gen_range(0..counties.len())].code.clone()
        }
    } else {
        case.citizenship.clone()
    };
    values.push((ProfileField::RecruitmentPlace, vec![home.clone()]));
    // In 2022, 287 were exploited in Romania and 203 in Western Europe.
    let exploited = if rng.gen_bool(0.58) {
        if home.starts_with("RO-") && rng.gen_bool(0.6) {
            home
        } else {
            counties[rng.gen_range(0..counties.len())].code.clone()
        }
    } else {
        pick(&mut rng, ABROAD).to_string()
    };
    values.push((ProfileField::ExploitationPlace, vec![exploited]));
    values.push((
        ProfileField::Settlement,
        vec![pick(&mut rng, &[("rural", 55), ("urban", 45)]).into()],
    ));
    let age_when_trafficked = case
        .age_years
        .map(|age| age.saturating_sub(rng.gen_range(0..3)).max(5));
    let presumed_at = case
        .history
        .iter()
        .find(|h| h.to == CaseState::PresumedVictim)
        .map_or(case.notified_at_ms, |h| h.at_ms);
    let updated_at = Timestamp::from_utc(
        (presumed_at.to_utc() + Duration::days(rng.gen_range(1..30))).min(now.to_utc()),
    );
    // Put in the order a case worker's save keeps (each picklist in its value set's order).
    let profile =
        mnir_domain::victim::check(values.into_iter().collect(), age_when_trafficked).ok()?;
    Some(VictimProfileRecord {
        case_id: case.id.clone(),
        profile,
        org_code: case
            .access
            .first()
            .map_or_else(|| case.notifying_org.clone(), |a| a.org_code.clone()),
        recorded_by: String::new(),
        updated_at_ms: updated_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every generated profile passes the checks a case worker's would, and the proportions are
    /// those of mnir.md §11.
    #[test]
    fn generated_profiles_are_valid_and_in_proportion() {
        let mut generator = crate::Generator::new(11, crate::SERIES_END);
        let now = Timestamp::from_utc(crate::SERIES_END);
        let (mut recorded, mut abroad, mut sexual) = (0, 0, 0);
        for case in generator.by_ref().take(4000) {
            let Some(record) = profile(&case, now) else {
                continue;
            };
            recorded += 1;
            let checked = mnir_domain::victim::check(
                record.profile.values.clone(),
                record.profile.age_when_trafficked,
            );
            assert_eq!(
                checked.as_ref(),
                Ok(&record.profile),
                "as a save would keep it"
            );
            assert!(record.updated_at_ms <= now);
            if record.profile.international("RO") == Some(true) {
                abroad += 1;
            }
            if record
                .profile
                .get(ProfileField::ExploitationTypes)
                .iter()
                .any(|f| f == "SexualExploitation")
            {
                sexual += 1;
            }
        }
        assert!(recorded > 500, "{recorded} profiles");
        let share = |n: i32| f64::from(n) / f64::from(recorded);
        assert!(
            (0.3..0.55).contains(&share(abroad)),
            "abroad {}",
            share(abroad)
        );
        assert!(
            (0.55..0.85).contains(&share(sexual)),
            "sexual {}",
            share(sexual)
        );
    }
}
