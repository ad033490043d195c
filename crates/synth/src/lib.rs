//! Synthetic cases for demos, tests and benchmarks, deterministic for a seed.
//!
//! The proportions follow the reference magnitudes of mnir.md §11 (ANITP and US State Department
//! figures): registrations per year 2019–2025, 45–51 % children, 66–78 % female, about 70 %
//! sexual exploitation, the rest mostly labour, begging and forced criminality; foreign victims
//! rare. Every person, note and reason is invented.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use mnir_domain::clocks::ClockKind;
use mnir_domain::{AgeGroup, CaseState, Exploitation, Sex, reference, route};
use mnir_store::{CaseAccess, ClockRecord, HistoryEntry, NewCase, Timestamp};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub mod justice;
pub mod plan;
pub mod referral;
pub mod repatriation;
pub mod risk;
pub mod training;
pub mod victim;

/// Victims registered per year (2019: 698, 2020: 596, 2022: about 500; 2021 and 2023–2025 are
/// interpolated at the level of the recent years), used as relative weights.
const YEAR_WEIGHTS: [(i32, u32); 7] = [
    (2019, 698),
    (2020, 596),
    (2021, 505),
    (2022, 500),
    (2023, 520),
    (2024, 510),
    (2025, 530),
];

const FEMALE_NAMES: &[&str] = &[
    "Ana",
    "Maria",
    "Ioana",
    "Elena",
    "Andreea",
    "Alexandra",
    "Cristina",
    "Mihaela",
    "Daniela",
    "Gabriela",
    "Raluca",
    "Roxana",
    "Bianca",
    "Denisa",
    "Alina",
    "Florentina",
    "Larisa",
    "Nicoleta",
    "Georgiana",
    "Adriana",
    "Camelia",
    "Simona",
    "Diana",
    "Loredana",
    "Teodora",
    "Iuliana",
    "Ramona",
    "Claudia",
    "Irina",
    "Luminița",
    "Petronela",
    "Cosmina",
    "Ștefania",
    "Lavinia",
];
const MALE_NAMES: &[&str] = &[
    "Andrei",
    "Ion",
    "Alexandru",
    "Mihai",
    "Gheorghe",
    "Florin",
    "Marian",
    "Daniel",
    "Ionuț",
    "Cristian",
    "Constantin",
    "Adrian",
    "Bogdan",
    "Vasile",
    "Nicolae",
    "Ștefan",
    "Costel",
    "Marius",
    "Valentin",
    "Cătălin",
    "Gabriel",
    "Sorin",
    "Dumitru",
    "Răzvan",
    "Lucian",
    "Petru",
    "Iulian",
];
const FAMILY_NAMES: &[&str] = &[
    "Popescu",
    "Ionescu",
    "Popa",
    "Pop",
    "Radu",
    "Dumitru",
    "Stan",
    "Stoica",
    "Gheorghe",
    "Matei",
    "Ciobanu",
    "Rusu",
    "Munteanu",
    "Mihai",
    "Constantin",
    "Lungu",
    "Marin",
    "Tudor",
    "Dinu",
    "Florea",
    "Ene",
    "Barbu",
    "Neagu",
    "Moldovan",
    "Cristea",
    "Toma",
    "Nistor",
    "Dobre",
    "Sârbu",
    "Zamfir",
    "Oprea",
    "Sandu",
    "Ursu",
    "Căpraru",
    "Bălan",
    "Preda",
    "Voicu",
    "Anghel",
    "Lazăr",
    "Tănase",
    "Iordache",
    "Mocanu",
    "Ardeleanu",
    "Crăciun",
    "Manole",
    "Husar",
    "Boboc",
    "Țurcanu",
];
/// Counties weighted towards those ANITP reports most victims from (Bucharest and the north-east
/// and south), the rest evenly.
const COUNTY_WEIGHTS: &[(&str, u32)] = &[
    ("RO-B", 10),
    ("RO-IS", 7),
    ("RO-BC", 5),
    ("RO-CT", 5),
    ("RO-DJ", 6),
    ("RO-GL", 5),
    ("RO-PH", 5),
    ("RO-MS", 5),
    ("RO-BR", 4),
    ("RO-VS", 4),
    ("RO-NT", 4),
    ("RO-SV", 4),
    ("RO-TM", 4),
    ("RO-CJ", 4),
    ("RO-BH", 3),
    ("RO-AG", 3),
    ("RO-DB", 3),
    ("RO-OT", 3),
    ("RO-TR", 3),
    ("RO-CL", 3),
    ("RO-IL", 3),
    ("RO-GR", 3),
    ("RO-BT", 4),
    ("RO-VN", 3),
];
const FOREIGN_CITIZENSHIPS: &[&str] = &["MD", "UA", "VN", "LK", "PH", "NP", "BD", "CO"];
const NOTIFIERS: &[(&str, u32)] = &[
    ("IGPR", 55),
    ("DIICOT", 15),
    ("IGPF", 10),
    ("REGIONAL", 10),
    ("DGASPC", 5),
    ("IM", 5),
];
const NOTES: &[&str] = &[
    "Persoana a fost găsită în timpul unui control la un punct de lucru; părea speriată și nu avea acte.",
    "Semnalare primită de la un vecin; persoana locuiește în spațiul pus la dispoziție de angajator.",
    "Depistată la frontieră la întoarcerea din străinătate; a relatat că a fost înșelată privind locul de muncă.",
    "Semnalare de la școală: minorul lipsește de la ore și cerșește în zona gării.",
    "Persoana a cerut ajutor la telefonul verde; spune că datorează bani recrutorului.",
    "Identificată în urma unei percheziții; însoțitorul vorbea în locul ei.",
    "Semnalare a inspectorilor de muncă: program de peste 14 ore pe zi, fără zile libere.",
];

/// The synthetic series covers 2019–2025 and stops here, so the same seed gives the same cases
/// whatever day it is run.
pub const SERIES_END: DateTime<Utc> = DateTime::from_timestamp_nanos(1_767_225_600_000_000_000);

pub struct Generator {
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
    counties: Vec<(&'static str, u32)>,
    /// Cases made so far: each id's time part, so ids rise in the order cases are stored.
    issued: u64,
}

fn pick_weighted<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total);
    for (item, weight) in items {
        if roll < *weight {
            return item;
        }
        roll -= weight;
    }
    &items[items.len() - 1].0
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

impl Generator {
    pub fn new(seed: u64, now: DateTime<Utc>) -> Generator {
        let mut counties: Vec<(&'static str, u32)> = COUNTY_WEIGHTS.to_vec();
        for c in reference::counties() {
            if !counties.iter().any(|(code, _)| *code == c.code) {
                counties.push((c.code.as_str(), 2));
            }
        }
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            now,
            counties,
            issued: 0,
        }
    }

    fn timestamp_in(&mut self, year: i32) -> DateTime<Utc> {
        let start = Utc
            .with_ymd_and_hms(year, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or(self.now);
        let seconds = self.rng.gen_range(0..365 * 24 * 3600);
        (start + Duration::seconds(seconds)).min(self.now - Duration::days(1))
    }

    /// The path a case has taken so far, as states after `notified`. Older cases have gone
    /// further; a share stops at each branch of the mechanism.
    fn path(&mut self, years_ago: i32) -> Vec<CaseState> {
        use CaseState::*;
        let progress: f64 = (0.35 + 0.2 * f64::from(years_ago)).min(0.97);
        let r = &mut self.rng;
        let mut path = Vec::new();
        if r.gen_bool(0.02) {
            return vec![Duplicate];
        }
        for step in [PotentialVictim, PresumedVictim] {
            if !r.gen_bool(progress) {
                return path;
            }
            path.push(step);
        }
        if r.gen_bool(0.08) {
            path.push(NotAVictim);
            return path;
        }
        if !r.gen_bool(progress) {
            return path;
        }
        path.push(IdentifiedVictim);
        // Fewer than half of identified victims receive assistance (mnir.md §11).
        if r.gen_bool(0.45) {
            path.push(DeclinedAssistance);
            return path;
        }
        if !r.gen_bool(progress) {
            return path;
        }
        path.push(InAssistance);
        if r.gen_bool(0.06) {
            path.push(Returned);
        }
        if r.gen_bool(progress * 0.8) {
            path.push(Closed);
        }
        path
    }

    fn reason(to: CaseState) -> &'static str {
        match to {
            CaseState::Notified => "Notificare înregistrată.",
            CaseState::PotentialVictim => {
                "Vârsta, identitatea și nevoile urgente au fost clarificate."
            }
            CaseState::PresumedVictim => "Interviul de identificare a arătat motive rezonabile.",
            CaseState::IdentifiedVictim => {
                "Decizie de identificare pe baza indicatorilor și a declarațiilor."
            }
            CaseState::NotAVictim => {
                "Indicatorii nu susțin traficul; persoana a fost îndrumată către servicii generale."
            }
            CaseState::InAssistance => "Persoana a acceptat asistența; plan de asistență întocmit.",
            CaseState::DeclinedAssistance => {
                "Persoana a refuzat asistența după informarea privind drepturile."
            }
            CaseState::Returned => "Repatriere încheiată; monitorizare în curs.",
            CaseState::Closed => "Obiectivele planului au fost atinse; caz închis.",
            CaseState::Duplicate => "Notificare dublă a aceleiași persoane.",
        }
    }

    pub fn case(&mut self) -> NewCase {
        let year = *pick_weighted(&mut self.rng, &YEAR_WEIGHTS);
        let notified = self.timestamp_in(year);
        let sex = if self.rng.gen_bool(0.72) {
            Sex::Female
        } else if self.rng.gen_bool(0.98) {
            Sex::Male
        } else {
            Sex::Unknown
        };
        let child = self.rng.gen_bool(0.48);
        let age_known = self.rng.gen_bool(0.95);
        let age: u32 = if child {
            self.rng.gen_range(9..18)
        } else {
            18 + (self.rng.gen_range(0.0f64..1.0).powf(1.8) * 40.0) as u32
        };
        let notified_day = notified.date_naive();
        let birth_date = age_known.then(|| {
            let days_into_year = self.rng.gen_range(0..365);
            let birth_year = notified_day.year() - age as i32 - 1;
            NaiveDate::from_ymd_opt(birth_year, 1, 1).map(|d| d + Duration::days(days_into_year))
        });
        let birth_date = birth_date.flatten();
        let age_years = birth_date.and_then(|b| mnir_domain::age_on(b, notified_day));
        let age_group = AgeGroup::from_age(age_years);
        let exploitation = match sex {
            Sex::Female => *pick_weighted(
                &mut self.rng,
                &[
                    (Exploitation::Sexual, 84),
                    (Exploitation::Labour, 10),
                    (Exploitation::Begging, 4),
                    (Exploitation::Other, 2),
                ],
            ),
            _ => *pick_weighted(
                &mut self.rng,
                &[
                    (Exploitation::Labour, 50),
                    (Exploitation::Sexual, 18),
                    (Exploitation::Begging, 17),
                    (Exploitation::Criminality, 12),
                    (Exploitation::Other, 3),
                ],
            ),
        };
        let given = if sex == Sex::Male {
            pick(&mut self.rng, MALE_NAMES)
        } else {
            pick(&mut self.rng, FEMALE_NAMES)
        };
        let family = pick(&mut self.rng, FAMILY_NAMES);
        let citizenship = if self.rng.gen_bool(0.004) {
            pick(&mut self.rng, FOREIGN_CITIZENSHIPS)
        } else {
            &"RO"
        };
        let county = *pick_weighted(&mut self.rng, &self.counties.clone());
        let notifier = match *pick_weighted(&mut self.rng, NOTIFIERS) {
            "REGIONAL" => reference::regional_centre_for(county).unwrap_or_else(|| "ANITP".into()),
            "DGASPC" if age_group.may_be_child() => {
                reference::child_protection_for(county).unwrap_or_else(|| "IGPR".into())
            }
            "DGASPC" => "IGPR".to_string(),
            other => other.to_string(),
        };
        let mut signals: Vec<String> = reference::signals()
            .iter()
            .filter(|s| s.applies_to == "all" || age_group.may_be_child())
            .map(|s| s.code.clone())
            .collect();
        signals.shuffle(&mut self.rng);
        signals.truncate(self.rng.gen_range(1..=4));
        signals.sort();

        let access = route(&notifier, county, age_group)
            .unwrap_or_default()
            .into_iter()
            .map(|(org_code, basis)| CaseAccess { org_code, basis })
            .collect::<Vec<_>>();
        let handler = access
            .get(1)
            .map_or(notifier.clone(), |a| a.org_code.clone());
        let years_ago = self.now.year() - year;
        let mut at = notified;
        let mut history = vec![HistoryEntry {
            from: None,
            to: CaseState::Notified,
            actor_user: None,
            actor_org: notifier.clone(),
            at_ms: Timestamp::from_utc(notified),
            reason: Self::reason(CaseState::Notified).into(),
        }];
        for to in self.path(years_ago) {
            let next = at + Duration::hours(self.rng.gen_range(6..24 * 40));
            if next >= self.now {
                break;
            }
            at = next;
            history.push(HistoryEntry {
                from: history.last().map(|h| h.to),
                to,
                actor_user: None,
                actor_org: handler.clone(),
                at_ms: Timestamp::from_utc(at),
                reason: Self::reason(to).into(),
            });
        }
        // A time-ordered id (UUID version 7) whose time part counts the cases made: each batch
        // appends to the tables' keys instead of landing all over them, as a random id would.
        // Drawn from the seed, so a seed gives the same ids again; 16 bytes are drawn, as for the
        // random ids before, so that a seed still gives the cases it gave then.
        let mut drawn = [0u8; 16];
        self.rng.fill(&mut drawn);
        let mut id_bytes = [0u8; 10];
        id_bytes.copy_from_slice(&drawn[..10]);
        let id_ms = u64::try_from(self.now.timestamp_millis()).unwrap_or(0) + self.issued;
        self.issued += 1;
        NewCase {
            id: uuid::Builder::from_unix_timestamp_millis(id_ms, &id_bytes)
                .into_uuid()
                .to_string(),
            reference: mnir_domain::case_reference(self.rng.r#gen()),
            state: history.last().map_or(CaseState::Notified, |h| h.to),
            given_name: (*given).to_string(),
            family_name: (*family).to_string(),
            birth_date,
            sex,
            citizenship: (*citizenship).to_string(),
            found_in_county: county.to_string(),
            age_years,
            age_group,
            exploitation: Some(exploitation),
            signals,
            notes: (*pick(&mut self.rng, NOTES)).to_string(),
            notifying_org: notifier,
            created_by: None,
            notified_at_ms: Timestamp::from_utc(notified),
            access,
            history,
        }
    }
}

/// The legal clocks still running at the end of a generated case's history, replayed from its
/// events with the jurisdiction's lengths: a case left waiting at `notified` still waits for its
/// acknowledgement, one in assistance still has its review due. Their ids are derived from the
/// case, so a seed gives the same clocks.
pub fn running_clocks(
    case: &NewCase,
    jurisdiction: &mnir_domain::jurisdiction::Jurisdiction,
) -> Vec<ClockRecord> {
    let Some(org) = mnir_store::answering_org(&case.access) else {
        return Vec::new();
    };
    let start = |kind: ClockKind, at_ms: Timestamp| {
        ClockRecord::start(
            jurisdiction,
            format!("{}-{kind}", case.id),
            kind,
            &case.id,
            &org,
            at_ms,
            false,
        )
    };
    let mut running: Vec<ClockRecord> = mnir_domain::clocks::on_notification()
        .start
        .iter()
        .filter_map(|kind| start(*kind, case.notified_at_ms))
        .collect();
    for event in &case.history {
        let Some(from) = event.from else { continue };
        let plan = mnir_domain::clocks::on_transition(from, event.to);
        running.retain(|c| !plan.stop.contains(&c.kind));
        for kind in plan.start {
            running.retain(|c| c.kind != kind);
            running.extend(start(kind, event.at_ms));
        }
    }
    running
}

impl Iterator for Generator {
    type Item = NewCase;
    fn next(&mut self) -> Option<NewCase> {
        Some(self.case())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_cases() {
        let a: Vec<NewCase> = Generator::new(7, now()).take(50).collect();
        let b: Vec<NewCase> = Generator::new(7, now()).take(50).collect();
        let c: Vec<NewCase> = Generator::new(8, now()).take(50).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn proportions_follow_the_reference_magnitudes() {
        let cases: Vec<NewCase> = Generator::new(1, now()).take(4000).collect();
        let share =
            |f: &dyn Fn(&NewCase) -> bool| cases.iter().filter(|c| f(c)).count() as f64 / 4000.0;
        let female = share(&|c| c.sex == Sex::Female);
        let children = share(&|c| c.age_group == AgeGroup::Child);
        let sexual = share(&|c| c.exploitation == Some(Exploitation::Sexual));
        let foreign = share(&|c| c.citizenship != "RO");
        assert!((0.66..=0.78).contains(&female), "female {female}");
        assert!((0.40..=0.51).contains(&children), "children {children}");
        assert!((0.60..=0.75).contains(&sexual), "sexual {sexual}");
        assert!(foreign < 0.01, "foreign {foreign}");
        for year in 2019..=2025 {
            let n = cases
                .iter()
                .filter(|c| c.notified_at_ms.to_utc().year() == year)
                .count();
            assert!(n > 400, "{year}: {n}");
        }
    }

    #[test]
    fn every_case_is_routed_and_its_history_follows_the_transition_table() {
        for case in Generator::new(3, now()).take(2000) {
            let centre = reference::regional_centre_for(&case.found_in_county).unwrap();
            assert!(
                case.access.iter().any(|a| a.org_code == centre),
                "{}",
                case.reference
            );
            if case.age_group.may_be_child() {
                let directorate = reference::child_protection_for(&case.found_in_county).unwrap();
                assert!(
                    case.access.iter().any(|a| a.org_code == directorate),
                    "{}",
                    case.reference
                );
            }
            assert_eq!(case.history.last().unwrap().to, case.state);
            for pair in case.history.windows(2) {
                assert_eq!(pair[1].from, Some(pair[0].to));
                assert!(
                    mnir_domain::transition_rule(pair[0].to, pair[1].to).is_some(),
                    "{:?}",
                    pair
                );
                assert!(pair[1].at_ms > pair[0].at_ms);
            }
            assert!(case.history.last().unwrap().at_ms < Timestamp::from_utc(now()));
        }
    }

    #[test]
    fn open_cases_keep_the_clock_of_their_state_and_closed_ones_none() {
        let ro = mnir_domain::jurisdiction::Jurisdiction::romania();
        let mut seen_waiting = false;
        for case in Generator::new(7, now()).take(400) {
            let clocks = running_clocks(&case, &ro);
            let kinds: Vec<&str> = clocks.iter().map(|c| c.kind.as_str()).collect();
            let expected: &[&str] = match case.state {
                CaseState::Notified => &["notification_ack"],
                CaseState::PotentialVictim => &["identification_interview"],
                CaseState::InAssistance => &["assistance_period"],
                _ => &[],
            };
            assert_eq!(kinds, expected, "{:?}", case.state);
            if let Some(clock) = clocks.first() {
                let since = case.history.last().unwrap().at_ms;
                assert_eq!(
                    clock.started_at_ms, since,
                    "started by the case's last event"
                );
                assert!(clock.due_at_ms.unwrap() > since);
                seen_waiting = true;
            }
        }
        assert!(seen_waiting, "some generated cases are still waiting");
    }

    #[test]
    fn references_are_distinct_and_well_formed() {
        let mut refs: Vec<String> = Generator::new(5, now())
            .take(20000)
            .map(|c| c.reference)
            .collect();
        assert!(refs.iter().all(|r| r.len() == 14 && r.starts_with("RO-")));
        refs.sort();
        refs.dedup();
        assert_eq!(refs.len(), 20000);
    }

    #[test]
    fn assessments_follow_the_case_and_its_open_state() {
        let rules = mnir_domain::jurisdiction::Jurisdiction::romania();
        let end = Timestamp::from_utc(now());
        let cases: Vec<NewCase> = Generator::new(3, now()).take(2000).collect();
        let mut first_contacts = 0;
        let mut open_urgent = 0;
        for case in &cases {
            let (versions, clock) = crate::risk::assessments(case, &rules, end);
            assert_eq!(
                (versions.clone(), clock.clone()),
                crate::risk::assessments(case, &rules, end),
                "the same case gets the same assessments"
            );
            assert!(
                versions
                    .windows(2)
                    .all(|w| w[0].assessed_at_ms <= w[1].assessed_at_ms),
                "versions in time order"
            );
            for (i, v) in versions.iter().enumerate() {
                assert_eq!(v.version, i as i64 + 1);
                if let Some(at) = v.urgent_answered_at_ms {
                    assert!(at >= v.assessed_at_ms, "answered after it was asked");
                }
                assert!(v.assessed_at_ms <= end && v.assessed_at_ms >= case.notified_at_ms);
                let rated: std::collections::BTreeMap<_, _> = v.ratings();
                if v.kind == mnir_domain::risk::AssessmentKind::Full {
                    assert!(
                        mnir_domain::risk::check_domains(
                            mnir_domain::risk::AssessmentKind::Full,
                            &rated,
                            case.age_group
                        )
                        .is_empty(),
                        "every domain asked of the person, and only those"
                    );
                    assert_eq!(v.overall, mnir_domain::risk::overall(rated.values()));
                } else {
                    first_contacts += 1;
                    if !v.urgent_open().is_empty() {
                        open_urgent += 1;
                        assert!(
                            case.state.is_open(),
                            "an ended case has no open urgent need"
                        );
                        assert!(
                            !versions
                                .iter()
                                .any(|w| w.kind == mnir_domain::risk::AssessmentKind::Full),
                            "a full assessment answers the urgent needs"
                        );
                    }
                }
            }
            let reached_presumed = case
                .history
                .iter()
                .any(|h| h.to == CaseState::PresumedVictim);
            assert_eq!(
                versions
                    .iter()
                    .any(|v| v.kind == mnir_domain::risk::AssessmentKind::Full),
                reached_presumed && case.state != CaseState::Duplicate
            );
            let open = matches!(
                case.state,
                CaseState::PresumedVictim
                    | CaseState::IdentifiedVictim
                    | CaseState::InAssistance
                    | CaseState::Returned
            );
            assert_eq!(clock.is_some(), open, "{:?}", case.state);
            if let Some(c) = clock {
                let latest = versions
                    .iter()
                    .rev()
                    .find(|v| v.kind == mnir_domain::risk::AssessmentKind::Full)
                    .unwrap();
                assert_eq!(latest.clock_id.as_deref(), Some(c.id.as_str()));
                assert_eq!(
                    c.kind,
                    mnir_domain::risk::review_clock(latest.overall.unwrap())
                );
            }
        }
        // About three in four cases are asked the urgent questions; a few still wait.
        assert!((1300..1700).contains(&first_contacts), "{first_contacts}");
        assert!(open_urgent > 0);
    }
}
