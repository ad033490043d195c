//! Synthetic participants of training sessions (mnir.md §12): the professions the project
//! trained, in the organisations of the session's county, most of them present. Drawn from the
//! session's id and the seed, so a seed always gives the same people.

use mnir_domain::reference;
use mnir_domain::training::{Audience, ProfessionalCategory};
use mnir_store::{ParticipantRecord, Timestamp, TrainingSessionRecord};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How often each category came, for sessions on Romanian victims; sessions on foreign victims
/// draw more immigration and border staff.
const NATIONAL: &[(ProfessionalCategory, u32)] = &[
    (ProfessionalCategory::PolicePublicOrder, 16),
    (ProfessionalCategory::JudicialPolice, 10),
    (ProfessionalCategory::TransportPolice, 5),
    (ProfessionalCategory::BorderPolice, 6),
    (ProfessionalCategory::Gendarmerie, 6),
    (ProfessionalCategory::Immigration, 4),
    (ProfessionalCategory::LabourInspectorate, 7),
    (ProfessionalCategory::EmploymentAgency, 7),
    (ProfessionalCategory::SchoolStaff, 9),
    (ProfessionalCategory::SocialAssistance, 14),
    (ProfessionalCategory::Ngo, 10),
    (ProfessionalCategory::Prosecutors, 6),
];

const FOREIGN: &[(ProfessionalCategory, u32)] = &[
    (ProfessionalCategory::Immigration, 20),
    (ProfessionalCategory::BorderPolice, 16),
    (ProfessionalCategory::PolicePublicOrder, 8),
    (ProfessionalCategory::JudicialPolice, 8),
    (ProfessionalCategory::LabourInspectorate, 10),
    (ProfessionalCategory::SocialAssistance, 10),
    (ProfessionalCategory::Ngo, 12),
    (ProfessionalCategory::Prosecutors, 6),
];

const GIVEN: &[&str] = &[
    "Adriana", "Bogdan", "Cristina", "Dan", "Daniela", "Florin", "Gabriela", "Ionuț", "Larisa",
    "Marius", "Monica", "Nicoleta", "Ovidiu", "Petra", "Raluca", "Sorin", "Teodora", "Valentin",
];

const FAMILY: &[&str] = &[
    "Anghel",
    "Bălan",
    "Ciobanu",
    "Diaconu",
    "Enache",
    "Florea",
    "Gheorghiu",
    "Husar",
    "Ilie",
    "Lazăr",
    "Manole",
    "Nistor",
    "Oprea",
    "Pârvu",
    "Rusu",
    "Sandu",
    "Toma",
    "Vasilescu",
];

const NGOS: &[&str] = &[
    "Asociația Drum Sigur",
    "Fundația Casa Deschisă",
    "Asociația Sprijin pentru Femei",
    "Centrul Comunitar Punte",
];

fn pick_weighted(
    rng: &mut ChaCha8Rng,
    items: &[(ProfessionalCategory, u32)],
) -> ProfessionalCategory {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total);
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[0].0
}

/// Where a participant of `category` works, for a session in `county`: an organisation of the
/// directory where one fits, or the name of one outside it.
fn workplace(
    rng: &mut ChaCha8Rng,
    category: ProfessionalCategory,
    county: &str,
) -> (Option<String>, Option<String>) {
    use ProfessionalCategory as C;
    let county_ref = reference::county(county);
    let county_name = county_ref.map_or_else(|| county.to_string(), |c| c.name.clone());
    let directory = |code: &str| (Some(code.to_string()), None);
    let outside = |name: String| (None, Some(name));
    match category {
        C::PolicePublicOrder | C::JudicialPolice | C::TransportPolice => directory("IGPR"),
        C::BorderPolice => directory("IGPF"),
        C::Immigration => directory("IGI"),
        C::LabourInspectorate => directory("IM"),
        C::Prosecutors => directory("DIICOT"),
        C::SocialAssistance => match county_ref {
            Some(c) => directory(&format!("DGASPC-{}", c.suffix())),
            None => outside(format!(
                "Serviciul public de asistență socială, {county_name}"
            )),
        },
        C::Gendarmerie => outside(format!("Inspectoratul de Jandarmi Județean {county_name}")),
        C::EmploymentAgency => outside(format!(
            "Agenția Județeană pentru Ocuparea Forței de Muncă {county_name}"
        )),
        C::SchoolStaff => outside(format!("Inspectoratul Școlar Județean {county_name}")),
        C::Ngo => outside(NGOS[rng.gen_range(0..NGOS.len())].to_string()),
    }
}

/// `count` participants of a session, nearly all of whom attended every module it taught.
pub fn participants(
    seed: u64,
    session: &TrainingSessionRecord,
    count: usize,
    recorded_at_ms: Timestamp,
) -> Vec<ParticipantRecord> {
    let mut hash = seed;
    for b in session.id.bytes() {
        hash = hash.wrapping_mul(0x100_0000_01b3) ^ u64::from(b);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(hash);
    let weights = match session.audience {
        Audience::NationalVictims => NATIONAL,
        Audience::ForeignVictims => FOREIGN,
    };
    (0..count)
        .map(|i| {
            let category = pick_weighted(&mut rng, weights);
            let (org_code, org_name) = workplace(&mut rng, category, &session.county);
            ParticipantRecord {
                id: format!("{}-p{i:02}", session.id),
                session_id: session.id.clone(),
                user_id: None,
                name: format!(
                    "{} {}",
                    GIVEN[rng.gen_range(0..GIVEN.len())],
                    FAMILY[rng.gen_range(0..FAMILY.len())]
                ),
                org_code,
                org_name,
                category,
                attended: rng.gen_bool(0.93),
                modules: session.modules.clone(),
                recorded_by: None,
                recorded_at_ms,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(audience: Audience) -> TrainingSessionRecord {
        TrainingSessionRecord {
            id: "s-1".into(),
            held_on: chrono::NaiveDate::from_ymd_opt(2019, 2, 13).unwrap(),
            city: "Timișoara".into(),
            county: "RO-TM".into(),
            audience,
            curriculum_version: "2019".into(),
            trainers: vec!["A".into()],
            modules: vec!["mechanism".into()],
            org_code: "ANITP".into(),
            recorded_by: None,
            recorded_at_ms: Timestamp::EPOCH,
            participants: 0,
        }
    }

    #[test]
    fn participants_are_the_same_for_a_seed_and_work_in_the_county() {
        let s = session(Audience::NationalVictims);
        let a = participants(7, &s, 40, Timestamp::EPOCH);
        assert_eq!(a, participants(7, &s, 40, Timestamp::EPOCH));
        assert_ne!(a, participants(8, &s, 40, Timestamp::EPOCH));
        for p in &a {
            // Every participant has exactly one workplace, and child protection is the county's.
            assert!(p.org_code.is_some() != p.org_name.is_some(), "{p:?}");
            if p.category == ProfessionalCategory::SocialAssistance {
                assert_eq!(p.org_code.as_deref(), Some("DGASPC-TM"));
            }
        }
        assert!(a.iter().any(|p| p.attended) && a.iter().any(|p| p.org_name.is_some()));
    }

    #[test]
    fn sessions_on_foreign_victims_draw_no_school_staff() {
        let s = session(Audience::ForeignVictims);
        let people = participants(3, &s, 200, Timestamp::EPOCH);
        assert!(
            people
                .iter()
                .all(|p| p.category != ProfessionalCategory::SchoolStaff)
        );
        assert!(
            people
                .iter()
                .any(|p| p.category == ProfessionalCategory::Immigration)
        );
    }
}
