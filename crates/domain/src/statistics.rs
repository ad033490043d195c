//! National statistics (mnir.md §11): the tables the mechanism publishes, the categories of their
//! dimensions, how a stored value falls into a category, and the reference year counted in the
//! jurisdiction's local time.
//!
//! A victim is counted in the year of the first step that made them a presumed or identified
//! victim, and once per table: every table of victims splits the same people, so each adds up to
//! the same total. The mechanism's own work is also counted in its units ([`Unit`]): referrals in
//! the year they were sent, reflection periods in the year they were offered. The database groups and counts the stored values ([`Source`]); the categories are
//! folded here, so that the rule of which value falls where is written once and tested without a
//! database.

use crate::reference;
use crate::vocabulary::codes;
use chrono::NaiveDate;

codes! {
    /// What a table splits victims by.
    Dimension {
        Sex => "sex",
        AgeGroup => "age_group",
        AgeBand => "age_band",
        CitizenshipGroup => "citizenship_group",
        Exploitation => "exploitation",
        Status => "status",
        Region => "region",
        Scope => "scope",
        RecruitmentRegion => "recruitment_region",
        ExploitationArea => "exploitation_area",
        Settlement => "settlement",
        Education => "education",
        RecruitmentMethod => "recruitment_method",
        Relationship => "relationship",
        IdentificationTime => "identification_time",
        Assistance => "assistance",
        Referral => "referral",
        Return => "return",
        ReferralAnswer => "referral_answer",
        Service => "service",
        ReflectionOutcome => "reflection_outcome",
        CheckInOutcome => "checkin_outcome",
    }
}

codes! {
    /// What a table counts. Most count victims (see the module's rule); the mechanism's own
    /// work is also counted in its own units, each placed in the year it began in: the referrals
    /// sent in the year, and the reflection periods offered in it (mnir.md §11: "every referral
    /// is counted"). Tables of different units share no totals.
    Unit {
        Victims => "victims",
        Referrals => "referrals",
        ReflectionPeriods => "reflection_periods",
        CheckIns => "checkins",
    }
}

codes! {
    /// The stored value a dimension is read from; the store writes each as one SQL expression
    /// whose result is text (an absent value is the empty text). `status` is `identified` when
    /// a step made the person an identified victim before the end of the reference year, and
    /// `presumed` otherwise. The victim profile's sources read a field's first value; `places`
    /// reads the places of recruitment and of exploitation as `<recruitment>><exploitation>`,
    /// and `recruitment_method` the first method in the standard's order, so that a victim with
    /// several is counted once and the table adds up to its total. The mechanism's own
    /// performance reads steps before the end of the reference year: `identification_days` the
    /// whole days from the notification to the first step to identified victim (empty when there
    /// is none; `unknown` when that step is at the very instant of the notification, which no
    /// decision taken here is but an imported case's history is, its file holding one date),
    /// `assisted` and `returned` `yes` when a step reached `in_assistance` or
    /// `returned`, `no` otherwise; `referred` `yes` when a referral of the case was sent before
    /// the year's end. A referral's `referral_answer` is `not_answered` when no
    /// answer came before the year's end, and otherwise
    /// `<accepted|declined>:<in_time|late>:<whole hours from sending to answer>` (a referral
    /// cancelled before an answer was not answered), in time when
    /// the answer came by the due time of the referral's response clock; its `service` is the
    /// service asked for. A reflection period's `reflection_outcome` is `declined` (the offer
    /// was not accepted), the outcome recorded when it was ended before the year's end,
    /// `term_ended` when its clock ran out before then, `stopped` when its clock was stopped
    /// otherwise (the case closed, say), and `running` when none of these happened by then. A
    /// follow-up check-in after a return, counted in the year it fell due, has the
    /// `checkin_outcome` `contact_made` or `not_reached` when it was recorded before the year's
    /// end, `closed` when before then the follow-up step was done, the case closed or its clock
    /// was stopped without it (an overdue check-in's clock has expired, so the step and the case
    /// are read too), and `owed` otherwise.
    Source {
        Sex => "sex",
        AgeGroup => "age_group",
        Age => "age",
        Citizenship => "citizenship",
        Exploitation => "exploitation",
        Status => "status",
        County => "county",
        Places => "places",
        RecruitmentPlace => "recruitment_place",
        ExploitationPlace => "exploitation_place",
        Settlement => "settlement",
        Education => "education",
        RecruitmentMethod => "recruitment_method",
        Relationship => "relationship",
        IdentificationDays => "identification_days",
        Assisted => "assisted",
        Referred => "referred",
        Returned => "returned",
        ReferralAnswer => "referral_answer",
        Service => "service",
        ReflectionOutcome => "reflection_outcome",
        CheckInOutcome => "checkin_outcome",
    }
}

impl Source {
    /// The unit whose records the source reads, for those that read more than the case (which
    /// every unit's records belong to).
    pub fn only_for(self) -> Option<Unit> {
        match self {
            Source::Status | Source::IdentificationDays => Some(Unit::Victims),
            Source::ReferralAnswer | Source::Service => Some(Unit::Referrals),
            Source::ReflectionOutcome => Some(Unit::ReflectionPeriods),
            Source::CheckInOutcome => Some(Unit::CheckIns),
            _ => None,
        }
    }

    /// The victim profile's field the source reads (its first value), for those that read one:
    /// the store's statements read it by this.
    pub fn profile_field(self) -> Option<crate::victim::ProfileField> {
        use crate::victim::ProfileField;
        Some(match self {
            Source::RecruitmentPlace => ProfileField::RecruitmentPlace,
            Source::ExploitationPlace => ProfileField::ExploitationPlace,
            Source::Settlement => ProfileField::Settlement,
            Source::Education => ProfileField::Education,
            Source::RecruitmentMethod => ProfileField::RecruitmentMethods,
            Source::Relationship => ProfileField::RelationshipToTrafficker,
            _ => return None,
        })
    }
}

/// The country of a place of the victim profile: a county's is the jurisdiction's.
fn country_of_place<'a>(place: &'a str, country: &'a str) -> &'a str {
    if reference::county(place).is_some() {
        country
    } else {
        place
    }
}

/// The age bands within each age group, with the age group they belong to. The child bands and
/// the sum of the adult ones are the age classes of Eurostat's trafficking statistics (`crim_thb`:
/// under 12, 12 to 17, 18 or over); the adult bands are the detail ANITP's analyses use. A person
/// whose group is known (a child by their looks, say) but whose age is not is in the group's
/// "age unknown" band, so that the bands split the groups exactly: each group's figure is the sum
/// of its bands', which a reader of both tables knows and disclosure control must too.
const AGE_BANDS: &[(&str, &str, u32, u32)] = &[
    ("under_12", "child", 0, 11),
    ("12_17", "child", 12, 17),
    ("18_24", "adult", 18, 24),
    ("25_34", "adult", 25, 34),
    ("35_44", "adult", 35, 44),
    ("45_plus", "adult", 45, u32::MAX),
];

/// The bands of the time from a notification to the identification decision, with the most
/// whole days each holds: a month, a quarter, half a year, and longer.
const IDENTIFICATION_TIMES: &[(&str, i64)] = &[
    ("within_30_days", 30),
    ("31_90_days", 90),
    ("91_180_days", 180),
    ("over_180_days", i64::MAX),
];

/// The band of a person of a known group whose age is missing or disagrees with the group.
fn unknown_age_band(group: &str) -> &'static str {
    match group {
        "child" => "child_age_unknown",
        "adult" => "adult_age_unknown",
        _ => "unknown",
    }
}

impl Dimension {
    pub fn source(self) -> Source {
        match self {
            Dimension::Sex => Source::Sex,
            Dimension::AgeGroup => Source::AgeGroup,
            Dimension::AgeBand => Source::Age,
            Dimension::CitizenshipGroup => Source::Citizenship,
            Dimension::Exploitation => Source::Exploitation,
            Dimension::Status => Source::Status,
            Dimension::Region => Source::County,
            Dimension::Scope => Source::Places,
            Dimension::RecruitmentRegion => Source::RecruitmentPlace,
            Dimension::ExploitationArea => Source::ExploitationPlace,
            Dimension::Settlement => Source::Settlement,
            Dimension::Education => Source::Education,
            Dimension::RecruitmentMethod => Source::RecruitmentMethod,
            Dimension::Relationship => Source::Relationship,
            Dimension::IdentificationTime => Source::IdentificationDays,
            Dimension::Assistance => Source::Assisted,
            Dimension::Referral => Source::Referred,
            Dimension::Return => Source::Returned,
            Dimension::ReferralAnswer => Source::ReferralAnswer,
            Dimension::Service => Source::Service,
            Dimension::ReflectionOutcome => Source::ReflectionOutcome,
            Dimension::CheckInOutcome => Source::CheckInOutcome,
        }
    }

    /// The categories, in the order tables show them; each is a code the message catalogue
    /// names (`stat-category-<dimension>-<code>`).
    pub fn categories(self) -> Vec<&'static str> {
        match self {
            Dimension::Sex => vec!["female", "male", "other_unknown"],
            Dimension::AgeGroup => vec!["child", "adult", "unknown"],
            Dimension::AgeBand => vec![
                "under_12",
                "12_17",
                "child_age_unknown",
                "18_24",
                "25_34",
                "35_44",
                "45_plus",
                "adult_age_unknown",
                "unknown",
            ],
            Dimension::CitizenshipGroup => vec!["national", "other_eu", "non_eu", "unknown"],
            Dimension::Exploitation => vec![
                "sexual",
                "labour",
                "begging",
                "criminality",
                "other",
                "unknown",
            ],
            Dimension::Status => vec!["presumed", "identified"],
            Dimension::Region => reference::regions()
                .iter()
                .map(|r| r.code.as_str())
                .chain(["unknown"])
                .collect(),
            Dimension::Scope => vec!["internal", "international", "unknown"],
            Dimension::RecruitmentRegion => reference::regions()
                .iter()
                .map(|r| r.code.as_str())
                .chain(["abroad", "unknown"])
                .collect(),
            Dimension::ExploitationArea => vec!["in_country", "other_eu", "non_eu", "unknown"],
            Dimension::Settlement => vec!["urban", "rural", "unknown"],
            Dimension::Education => vec![
                "primary_or_less",
                "lower_secondary",
                "upper_secondary",
                "tertiary",
                "unknown",
            ],
            Dimension::RecruitmentMethod => vec![
                "acquaintances",
                "online",
                "media",
                "workplace",
                "other",
                "unknown",
            ],
            Dimension::Relationship => vec!["family", "acquainted", "stranger", "unknown"],
            Dimension::IdentificationTime => IDENTIFICATION_TIMES
                .iter()
                .map(|(code, _)| *code)
                .chain(["time_not_known", "not_identified"])
                .collect(),
            Dimension::Assistance => vec!["assisted", "not_assisted"],
            Dimension::Referral => vec!["referred", "not_referred"],
            Dimension::Return => vec!["returned", "not_returned"],
            Dimension::ReferralAnswer => vec![
                "accepted_in_time",
                "accepted_late",
                "declined_in_time",
                "declined_late",
                "not_answered",
            ],
            Dimension::Service => crate::directory::SERVICES
                .iter()
                .copied()
                .chain(["other"])
                .collect(),
            Dimension::ReflectionOutcome => vec![
                "declined",
                "running",
                "residence",
                "return",
                "other",
                "term_ended",
                "stopped",
            ],
            Dimension::CheckInOutcome => vec!["contact_made", "not_reached", "owed", "closed"],
        }
    }

    /// The category a stored value (as [`Source`] reads it) falls into. `country` is the
    /// jurisdiction's own country, whose citizens are nationals.
    pub fn category_of(self, stored: &str, country: &str) -> &'static str {
        match self {
            Dimension::Sex => match stored {
                "female" => "female",
                "male" => "male",
                _ => "other_unknown",
            },
            Dimension::AgeGroup => match stored {
                "child" => "child",
                "adult" => "adult",
                _ => "unknown",
            },
            // Read as `<age group>:<age in years>`, the age possibly empty.
            Dimension::AgeBand => {
                // The age is written last and is digits alone, so the last colon splits.
                let (group, age) = stored.rsplit_once(':').unwrap_or(("", stored));
                age.parse::<u32>()
                    .ok()
                    .and_then(|age| {
                        AGE_BANDS.iter().find(|(_, of, low, high)| {
                            *of == group && (*low..=*high).contains(&age)
                        })
                    })
                    .map_or_else(|| unknown_age_band(group), |(code, _, _, _)| code)
            }
            Dimension::CitizenshipGroup => {
                if stored == country {
                    "national"
                } else {
                    match reference::country(stored) {
                        Some(c) if c.eu_member => "other_eu",
                        Some(_) => "non_eu",
                        None => "unknown",
                    }
                }
            }
            Dimension::Exploitation => match stored {
                "sexual" => "sexual",
                "labour" => "labour",
                "begging" => "begging",
                "criminality" => "criminality",
                "other" => "other",
                _ => "unknown",
            },
            Dimension::Status => match stored {
                "identified" => "identified",
                _ => "presumed",
            },
            Dimension::Region => reference::county(stored)
                .and_then(|c| {
                    reference::regions()
                        .iter()
                        .find(|r| r.code == c.development_region)
                })
                .map_or("unknown", |r| r.code.as_str()),
            // Read as `<place of recruitment>><place of exploitation>`.
            Dimension::Scope => match stored.split_once('>') {
                Some((recruited, exploited)) if !recruited.is_empty() && !exploited.is_empty() => {
                    if country_of_place(recruited, country) == country_of_place(exploited, country)
                    {
                        "internal"
                    } else {
                        "international"
                    }
                }
                _ => "unknown",
            },
            Dimension::RecruitmentRegion => {
                if stored.is_empty() {
                    "unknown"
                } else if reference::county(stored).is_some() {
                    Dimension::Region.category_of(stored, country)
                } else {
                    "abroad"
                }
            }
            Dimension::ExploitationArea => {
                if stored.is_empty() {
                    return "unknown";
                }
                let place = country_of_place(stored, country);
                if place == country {
                    "in_country"
                } else {
                    match reference::country(place) {
                        Some(c) if c.eu_member => "other_eu",
                        Some(_) => "non_eu",
                        None => "unknown",
                    }
                }
            }
            Dimension::Settlement => match stored {
                "urban" => "urban",
                "rural" => "rural",
                _ => "unknown",
            },
            // ISCED 2011 levels, grouped so that each group is large enough to publish.
            Dimension::Education => match stored {
                "EarlyChildhoodEducation" | "PrimaryEducation" => "primary_or_less",
                "LowerSecondaryEducation" => "lower_secondary",
                "UpperSecondaryEducation" | "PostSecondaryNonTertiaryEducation" => {
                    "upper_secondary"
                }
                "ShortCycleTertiaryEducation"
                | "BachelorsOrEquivalentLevel"
                | "MastersOrEquivalentLevel"
                | "DoctoralOrEquivalentLevel" => "tertiary",
                _ => "unknown",
            },
            Dimension::RecruitmentMethod => match stored {
                "ThroughFriendsOrSocialEvents" | "ThroughFamilyOrFamilyEvents" => "acquaintances",
                "ThroughOnlineSocialNetworks" | "ThroughAnOnlineAdvertisement" => "online",
                "ThroughATelevisionAdvert" | "ThroughANewspaperAdvert" => "media",
                "AtAPlaceOfBusiness" | "AtAnEducationalInstitution" | "AtWork" => "workplace",
                "Other" => "other",
                _ => "unknown",
            },
            Dimension::Relationship => match stored {
                "Familial" => "family",
                "Acquainted" => "acquainted",
                "Unaquainted" => "stranger",
                _ => "unknown",
            },
            // Whole days as digits; a negative count (a step recorded before its notification,
            // which only a clock set wrong makes) is the same day. `unknown`: identified, but when
            // is not known (see `Source`).
            Dimension::IdentificationTime => match stored.parse::<i64>() {
                Ok(days) => IDENTIFICATION_TIMES
                    .iter()
                    .find(|(_, most)| days <= *most)
                    .map_or("not_identified", |(code, _)| code),
                Err(_) if stored == "unknown" => "time_not_known",
                Err(_) => "not_identified",
            },
            Dimension::Assistance => match stored {
                "yes" => "assisted",
                _ => "not_assisted",
            },
            Dimension::Referral => match stored {
                "yes" => "referred",
                _ => "not_referred",
            },
            Dimension::Return => match stored {
                "yes" => "returned",
                _ => "not_returned",
            },
            // Read as `<answer>:<in_time|late>:<hours>` (see `Source`).
            Dimension::ReferralAnswer => {
                let mut parts = stored.split(':');
                match (parts.next(), parts.next()) {
                    (Some("accepted"), Some("in_time")) => "accepted_in_time",
                    (Some("accepted"), Some("late")) => "accepted_late",
                    (Some("declined"), Some("in_time")) => "declined_in_time",
                    (Some("declined"), Some("late")) => "declined_late",
                    _ => "not_answered",
                }
            }
            // A service no longer offered (a profile that dropped it) is still counted.
            Dimension::Service => crate::directory::SERVICES
                .iter()
                .copied()
                .find(|s| *s == stored)
                .unwrap_or("other"),
            Dimension::ReflectionOutcome => match stored {
                "declined" => "declined",
                "residence" => "residence",
                "return" => "return",
                "term_ended" => "term_ended",
                "stopped" => "stopped",
                "running" => "running",
                _ => "other",
            },
            Dimension::CheckInOutcome => match stored {
                "contact_made" => "contact_made",
                "not_reached" => "not_reached",
                "closed" => "closed",
                _ => "owed",
            },
        }
    }
}

/// How the categories of `coarse` are split into those of `fine`, when `fine` refines it: each
/// coarse category with the fine ones whose figures add up to it.
pub fn refinement(
    fine: Dimension,
    coarse: Dimension,
) -> Option<Vec<(&'static str, Vec<&'static str>)>> {
    match (fine, coarse) {
        (Dimension::AgeBand, Dimension::AgeGroup) => Some(
            ["child", "adult", "unknown"]
                .into_iter()
                .map(|group| {
                    let mut bands: Vec<&'static str> = AGE_BANDS
                        .iter()
                        .filter(|(_, of, _, _)| *of == group)
                        .map(|(code, _, _, _)| *code)
                        .collect();
                    bands.push(unknown_age_band(group));
                    (group, bands)
                })
                .collect(),
        ),
        // The bands of the time to identification split the identified victims; those not
        // identified by the year's end are the presumed ones.
        (Dimension::IdentificationTime, Dimension::Status) => Some(vec![
            (
                "identified",
                IDENTIFICATION_TIMES
                    .iter()
                    .map(|(code, _)| *code)
                    .chain(["time_not_known"])
                    .collect(),
            ),
            ("presumed", vec!["not_identified"]),
        ]),
        _ => None,
    }
}

/// A published table: the victims, referrals or reflection periods of one reference year split
/// by two dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableDefinition {
    /// The name in URLs, the API and the command line.
    pub name: &'static str,
    /// What the table counts.
    pub unit: Unit,
    pub rows: Dimension,
    pub columns: Dimension,
}

impl TableDefinition {
    /// The row and column, by index, of the cell that stored values fall into.
    fn cell_of(&self, row_value: &str, column_value: &str, country: &str) -> (usize, usize) {
        let row = self.rows.category_of(row_value, country);
        let column = self.columns.category_of(column_value, country);
        let (Some(i), Some(j)) = (
            self.rows.categories().iter().position(|c| *c == row),
            self.columns.categories().iter().position(|c| *c == column),
        ) else {
            unreachable!("category_of answers one of categories()")
        };
        (i, j)
    }

    /// The name under which a dimension's totals are shared with the other tables of the
    /// publication: tables of one unit that split by one dimension show the same totals, and
    /// tables of different units none.
    pub fn key(&self, dimension: Dimension) -> String {
        match self.unit {
            Unit::Victims => dimension.as_str().to_string(),
            unit => format!("{unit}:{dimension}"),
        }
    }
}

/// Every table of the national statistics, in the order of the publication. Tables that share a
/// dimension share its totals (the victims by sex are one set of figures in every table split by
/// sex), which disclosure control keeps consistent; each table of victims shares a dimension with
/// another, so they are one linked whole with one grand total. The tables of referrals and of
/// reflection periods count other units and share no totals with them.
pub const TABLES: &[TableDefinition] = &[
    TableDefinition {
        name: "victims-by-sex-age-group",
        unit: Unit::Victims,
        rows: Dimension::Sex,
        columns: Dimension::AgeGroup,
    },
    TableDefinition {
        name: "victims-by-exploitation-sex",
        unit: Unit::Victims,
        rows: Dimension::Exploitation,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-age-band-sex",
        unit: Unit::Victims,
        rows: Dimension::AgeBand,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-citizenship-sex",
        unit: Unit::Victims,
        rows: Dimension::CitizenshipGroup,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-status-sex",
        unit: Unit::Victims,
        rows: Dimension::Status,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-region-exploitation",
        unit: Unit::Victims,
        rows: Dimension::Region,
        columns: Dimension::Exploitation,
    },
    // ANITP's dimensions, from the victim profile (an unrecorded field is "unknown").
    TableDefinition {
        name: "victims-by-scope-exploitation",
        unit: Unit::Victims,
        rows: Dimension::Scope,
        columns: Dimension::Exploitation,
    },
    TableDefinition {
        name: "victims-by-recruitment-region-sex",
        unit: Unit::Victims,
        rows: Dimension::RecruitmentRegion,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-exploitation-area-sex",
        unit: Unit::Victims,
        rows: Dimension::ExploitationArea,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-settlement-sex",
        unit: Unit::Victims,
        rows: Dimension::Settlement,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-education-sex",
        unit: Unit::Victims,
        rows: Dimension::Education,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-recruitment-method-sex",
        unit: Unit::Victims,
        rows: Dimension::RecruitmentMethod,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-relationship-sex",
        unit: Unit::Victims,
        rows: Dimension::Relationship,
        columns: Dimension::Sex,
    },
    // The mechanism's own performance, from the steps of the victims' cases.
    TableDefinition {
        name: "victims-by-identification-time-sex",
        unit: Unit::Victims,
        rows: Dimension::IdentificationTime,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-referral-sex",
        unit: Unit::Victims,
        rows: Dimension::Referral,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-assistance-sex",
        unit: Unit::Victims,
        rows: Dimension::Assistance,
        columns: Dimension::Sex,
    },
    TableDefinition {
        name: "victims-by-return-scope",
        unit: Unit::Victims,
        rows: Dimension::Return,
        columns: Dimension::Scope,
    },
    // The mechanism's own work in its own units: the referrals sent in the year, by the service
    // asked for and whether the answer came in time; the reflection periods offered in the year, and
    // how they ended.
    TableDefinition {
        name: "referrals-by-service-answer",
        unit: Unit::Referrals,
        rows: Dimension::Service,
        columns: Dimension::ReferralAnswer,
    },
    TableDefinition {
        name: "reflection-periods-by-outcome-citizenship",
        unit: Unit::ReflectionPeriods,
        rows: Dimension::ReflectionOutcome,
        columns: Dimension::CitizenshipGroup,
    },
    // The follow-ups done after the returns: the check-ins that fell due in the year.
    TableDefinition {
        name: "checkins-by-outcome-citizenship",
        unit: Unit::CheckIns,
        rows: Dimension::CheckInOutcome,
        columns: Dimension::CitizenshipGroup,
    },
];

/// The name of a table's sheet in a workbook, within a spreadsheet's 31 characters: a table of
/// victims without the `victims-by-` they all begin with, any other with the unit and its
/// dimensions (`reflection-periods-outcome-citizenship` shortened to `reflections-…`).
pub fn sheet_name(table: &str) -> String {
    if let Some(rest) = table.strip_prefix("victims-by-") {
        return rest.to_string();
    }
    let joined = table.replacen("-by-", "-", 1);
    match joined.strip_prefix("reflection-periods-") {
        Some(rest) => format!("reflections-{rest}"),
        None => joined,
    }
}

pub fn table(name: &str) -> Option<&'static TableDefinition> {
    TABLES.iter().find(|t| t.name == name)
}

/// The first and the last year a table may be asked for: the mechanism's records begin with
/// the revised MNIR (2023); a year far outside is a mistyped year, not a question.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

/// The instants (milliseconds since the epoch) at which `year` begins and ends in the
/// jurisdiction's time: a step taken at 23:30 on 31 December local time belongs to that year
/// even though it is already 1 January in some other zone.
pub fn year_bounds_ms(year: i32, jurisdiction: &crate::jurisdiction::Jurisdiction) -> (i64, i64) {
    let start_of = |y: i32| {
        let first = NaiveDate::from_ymd_opt(y, 1, 1).expect("1 January exists in every year");
        jurisdiction.start_of_day(first).timestamp_millis()
    };
    (start_of(year), start_of(year + 1))
}

/// Folds the database's counts of stored values into the table's categories: `counted` holds
/// (row value, column value, count) as the store grouped them. Every count lands in exactly one
/// cell, so the cells add up to what was counted.
pub fn fold<'a>(
    definition: &TableDefinition,
    counted: impl IntoIterator<Item = (&'a str, &'a str, i64)>,
    country: &str,
) -> Vec<Vec<u64>> {
    let rows = definition.rows.categories();
    let columns = definition.columns.categories();
    let mut cells = vec![vec![0u64; columns.len()]; rows.len()];
    for (row_value, column_value, n) in counted {
        let (i, j) = definition.cell_of(row_value, column_value, country);
        cells[i][j] += u64::try_from(n).unwrap_or(0);
    }
    cells
}

/// How many people the records behind each figure of a table belong to: distinct cases in each
/// cell, row, column and in all. A figure of records (referrals, say) may be large while its
/// people are few, which disclosure control must know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct People {
    pub cells: Vec<Vec<u64>>,
    pub row_totals: Vec<u64>,
    pub column_totals: Vec<u64>,
    pub total: u64,
}

/// The people behind a table's figures; `counted` holds (row value, column value, case) for
/// every group of records the store counted.
pub fn people<'a>(
    definition: &TableDefinition,
    counted: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    country: &str,
) -> People {
    use std::collections::BTreeSet;
    let (rows, columns) = (
        definition.rows.categories().len(),
        definition.columns.categories().len(),
    );
    let mut cells = vec![vec![BTreeSet::new(); columns]; rows];
    let mut by_row = vec![BTreeSet::new(); rows];
    let mut by_column = vec![BTreeSet::new(); columns];
    let mut all = BTreeSet::new();
    for (row_value, column_value, case) in counted {
        let (i, j) = definition.cell_of(row_value, column_value, country);
        cells[i][j].insert(case);
        by_row[i].insert(case);
        by_column[j].insert(case);
        all.insert(case);
    }
    let size = |set: &BTreeSet<&str>| set.len() as u64;
    People {
        cells: cells
            .iter()
            .map(|row| row.iter().map(size).collect())
            .collect(),
        row_totals: by_row.iter().map(size).collect(),
        column_totals: by_column.iter().map(size).collect(),
        total: size(&all),
    }
}

/// The `share`-th percentile (`share` in hundredths: 50 for the median, 90 for the 90th) of
/// whole days, by nearest rank: the least value that at least that share of the values do not
/// exceed. `counted` holds (days, how many) as the database grouped them, in any order; a
/// negative count of days (a clock set wrong) counts as 0. `None` when there is no value.
pub fn percentile_days(counted: &[(i64, u64)], share: u64) -> Option<u64> {
    let mut values: Vec<(u64, u64)> = counted
        .iter()
        .map(|(days, n)| (u64::try_from(*days).unwrap_or(0), *n))
        .filter(|(_, n)| *n > 0)
        .collect();
    values.sort_unstable();
    let total: u64 = values.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The rank of the value asked for: ⌈share × total / 100⌉, at least the first.
    let rank = (share * total).div_ceil(100).max(1);
    let mut seen = 0;
    values.into_iter().find_map(|(days, n)| {
        seen += n;
        (seen >= rank).then_some(days)
    })
}

/// Text as a spreadsheet will show it rather than run it: a cell that begins with `=`, `+`, `-`,
/// `@`, a tab or a carriage return is read by spreadsheets as a formula, so such text gets a
/// leading apostrophe, which they show as text and do not evaluate.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// The text [`spreadsheet_safe`] was given back: what an import reads from a file mnir wrote.
pub fn spreadsheet_unsafe(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_is_kept_as_text() {
        for hostile in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            let safe = spreadsheet_safe(hostile);
            assert_eq!(safe, format!("'{hostile}"));
            assert_eq!(spreadsheet_unsafe(&safe), hostile, "read back as written");
        }
        assert_eq!(spreadsheet_unsafe("'quoted"), "'quoted");
        for plain in ["Cluj", "Sud-Est", "12", "", "a=b", "'quoted"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }

    #[test]
    fn percentiles_are_read_by_nearest_rank() {
        // 1, 2, 3, …, 10 days, once each: the median is the 5th value, the 90th percentile the 9th.
        let ten: Vec<(i64, u64)> = (1..=10).rev().map(|d| (d, 1)).collect();
        assert_eq!(percentile_days(&ten, 50), Some(5));
        assert_eq!(percentile_days(&ten, 90), Some(9));
        assert_eq!(percentile_days(&ten, 100), Some(10));
        // Grouped: 3 at 0 days, 1 at 40, 6 at 200 (-2 counts as 0).
        let grouped = [(200, 6), (-2, 2), (0, 1), (40, 1)];
        assert_eq!(
            percentile_days(&grouped, 50),
            Some(200),
            "the 5th of 10 is at 200"
        );
        assert_eq!(percentile_days(&grouped, 30), Some(0));
        assert_eq!(percentile_days(&grouped, 40), Some(40));
        assert_eq!(percentile_days(&[(7, 1)], 90), Some(7));
        assert_eq!(percentile_days(&[], 50), None);
        assert_eq!(percentile_days(&[(3, 0)], 50), None);
    }

    #[test]
    fn the_mechanisms_times_and_steps_fall_into_their_bands() {
        let band = |days: &str| Dimension::IdentificationTime.category_of(days, "RO");
        assert_eq!(band("0"), "within_30_days");
        assert_eq!(band("30"), "within_30_days");
        assert_eq!(band("31"), "31_90_days");
        assert_eq!(band("90"), "31_90_days");
        assert_eq!(band("91"), "91_180_days");
        assert_eq!(band("180"), "91_180_days");
        assert_eq!(band("181"), "over_180_days");
        assert_eq!(band("4000"), "over_180_days");
        assert_eq!(
            band("-1"),
            "within_30_days",
            "a clock set wrong: the same day"
        );
        assert_eq!(band(""), "not_identified");
        assert_eq!(band("unknown"), "time_not_known");
        let split = refinement(Dimension::IdentificationTime, Dimension::Status).unwrap();
        let mut covered: Vec<&str> = split.iter().flat_map(|(_, fine)| fine.clone()).collect();
        covered.sort_unstable();
        let mut all = Dimension::IdentificationTime.categories();
        all.sort_unstable();
        assert_eq!(covered, all, "every band is within one status");
        let mut statuses: Vec<&str> = split.iter().map(|(coarse, _)| *coarse).collect();
        statuses.sort_unstable();
        let mut all_statuses = Dimension::Status.categories();
        all_statuses.sort_unstable();
        assert_eq!(statuses, all_statuses, "every status is split");
        assert_eq!(
            Dimension::IdentificationTime.categories().last(),
            Some(&"not_identified")
        );
        assert_eq!(Dimension::Assistance.category_of("yes", "RO"), "assisted");
        assert_eq!(
            Dimension::Assistance.category_of("no", "RO"),
            "not_assisted"
        );
        assert_eq!(Dimension::Return.category_of("yes", "RO"), "returned");
        assert_eq!(Dimension::Referral.category_of("yes", "RO"), "referred");
        assert_eq!(Dimension::Referral.category_of("no", "RO"), "not_referred");
        assert_eq!(Dimension::Return.category_of("", "RO"), "not_returned");
        for name in [
            "victims-by-identification-time-sex",
            "victims-by-assistance-sex",
            "victims-by-return-scope",
        ] {
            assert!(table(name).is_some(), "{name}");
        }
    }

    #[test]
    fn every_stored_value_falls_into_a_listed_category() {
        let samples = [
            "",
            "female",
            "male",
            "other",
            "unknown",
            "child",
            "adult",
            "0",
            "11",
            "12",
            "17",
            "18",
            "24",
            "25",
            "44",
            "45",
            "99",
            "-3",
            "RO",
            "DE",
            "MD",
            "XX",
            "sexual",
            "criminality",
            "identified",
            "presumed",
            "RO-CJ",
            "RO-B",
            "RO-ZZ",
            "accepted:in_time:3",
            "declined:late:",
            "not_answered",
            "legal",
            "term_ended",
            "residence",
        ];
        for dimension in Dimension::ALL {
            let categories = dimension.categories();
            for sample in samples {
                let category = dimension.category_of(sample, "RO");
                assert!(
                    categories.contains(&category),
                    "{dimension}: `{sample}` fell into `{category}`, not a category"
                );
            }
        }
    }

    #[test]
    fn ages_fall_into_their_bands_at_the_edges() {
        let band = |age: &str| Dimension::AgeBand.category_of(age, "RO");
        assert_eq!(band("child:0"), "under_12");
        assert_eq!(band("child:11"), "under_12");
        assert_eq!(band("child:12"), "12_17");
        assert_eq!(band("child:17"), "12_17");
        assert_eq!(band("adult:18"), "18_24");
        assert_eq!(band("adult:44"), "35_44");
        assert_eq!(band("adult:45"), "45_plus");
        assert_eq!(band("adult:120"), "45_plus");
        assert_eq!(band("child:"), "child_age_unknown");
        assert_eq!(band("adult:"), "adult_age_unknown");
        assert_eq!(band("unknown:"), "unknown");
        assert_eq!(band("adult:-1"), "adult_age_unknown");
        // An age that contradicts the group stays in the group.
        assert_eq!(band("child:30"), "child_age_unknown");
        assert_eq!(band("adult:10"), "adult_age_unknown");
        assert_eq!(band("unknown:30"), "unknown");
    }

    /// The bands split the groups: folding the same people by group and by band, each group's
    /// figure is the sum of its bands' (what disclosure control is told as relations).
    #[test]
    fn bands_add_up_to_their_groups() {
        let people = [
            "child:3",
            "child:15",
            "child:",
            "child:40",
            "adult:19",
            "adult:50",
            "adult:",
            "adult:12",
            "unknown:",
            "unknown:33",
            ":",
        ];
        let split = refinement(Dimension::AgeBand, Dimension::AgeGroup).unwrap();
        for (group, bands) in &split {
            let in_group = people
                .iter()
                .filter(|p| {
                    Dimension::AgeGroup.category_of(p.split(':').next().unwrap(), "RO") == *group
                })
                .count();
            let in_bands = people
                .iter()
                .filter(|p| bands.contains(&Dimension::AgeBand.category_of(p, "RO")))
                .count();
            assert_eq!(in_group, in_bands, "{group}");
        }
        let every_band: Vec<&str> = split.iter().flat_map(|(_, b)| b.clone()).collect();
        assert_eq!(every_band.len(), Dimension::AgeBand.categories().len());
        for band in Dimension::AgeBand.categories() {
            assert!(every_band.contains(&band), "{band} is in a group");
        }
        assert!(refinement(Dimension::Sex, Dimension::AgeGroup).is_none());
    }

    #[test]
    fn citizenship_groups_follow_the_country_and_the_union() {
        let group = |code: &str| Dimension::CitizenshipGroup.category_of(code, "RO");
        assert_eq!(group("RO"), "national");
        assert_eq!(group("BG"), "other_eu");
        assert_eq!(group("MD"), "non_eu");
        assert_eq!(group("XX"), "unknown");
        // Another jurisdiction's nationals are that country's citizens.
        assert_eq!(
            Dimension::CitizenshipGroup.category_of("RO", "BG"),
            "other_eu"
        );
    }

    #[test]
    fn counties_fall_into_their_development_regions() {
        let region = |county: &str| Dimension::Region.category_of(county, "RO");
        assert_eq!(region("RO-CJ"), "RO11");
        assert_eq!(region("RO-B"), "RO32");
        assert_eq!(region("RO-IF"), "RO32");
        assert_eq!(region("RO-TM"), "RO42");
        assert_eq!(region("RO-ZZ"), "unknown");
        // Every county has a region, and every region a county.
        for county in reference::counties() {
            assert_ne!(region(&county.code), "unknown", "{}", county.code);
        }
        for r in reference::regions() {
            assert!(
                reference::counties()
                    .iter()
                    .any(|c| c.development_region == r.code),
                "{} has no county",
                r.code
            );
        }
    }

    #[test]
    fn the_victim_profiles_values_fall_into_anitps_categories() {
        let of = |d: Dimension, stored: &str| d.category_of(stored, "RO");
        assert_eq!(of(Dimension::Scope, "RO-VS>RO-B"), "internal");
        assert_eq!(of(Dimension::Scope, "RO-VS>IT"), "international");
        assert_eq!(of(Dimension::Scope, "RO>RO-CJ"), "internal");
        assert_eq!(of(Dimension::Scope, "MD>RO-CJ"), "international");
        assert_eq!(of(Dimension::Scope, ">IT"), "unknown");
        assert_eq!(of(Dimension::Scope, ""), "unknown");
        assert_eq!(of(Dimension::RecruitmentRegion, "RO-VS"), "RO21");
        assert_eq!(of(Dimension::RecruitmentRegion, "MD"), "abroad");
        assert_eq!(of(Dimension::RecruitmentRegion, ""), "unknown");
        assert_eq!(of(Dimension::ExploitationArea, "RO-CJ"), "in_country");
        assert_eq!(of(Dimension::ExploitationArea, "IT"), "other_eu");
        assert_eq!(of(Dimension::ExploitationArea, "GB"), "non_eu");
        assert_eq!(of(Dimension::ExploitationArea, "ZZ"), "unknown");
        assert_eq!(
            of(Dimension::Education, "PostSecondaryNonTertiaryEducation"),
            "upper_secondary"
        );
        assert_eq!(
            of(Dimension::Education, "DoctoralOrEquivalentLevel"),
            "tertiary"
        );
        assert_eq!(
            of(Dimension::RecruitmentMethod, "ThroughFamilyOrFamilyEvents"),
            "acquaintances"
        );
        assert_eq!(of(Dimension::RecruitmentMethod, "AtWork"), "workplace");
        assert_eq!(of(Dimension::Relationship, "Unaquainted"), "stranger");
        assert_eq!(of(Dimension::Settlement, ""), "unknown");
        // Every value of every picklist falls into a category of its dimension other than
        // "unknown": a new value in the standard cannot slip through unnoticed.
        for (dimension, field) in [
            (Dimension::Education, crate::victim::ProfileField::Education),
            (
                Dimension::RecruitmentMethod,
                crate::victim::ProfileField::RecruitmentMethods,
            ),
            (
                Dimension::Relationship,
                crate::victim::ProfileField::RelationshipToTrafficker,
            ),
            (
                Dimension::Settlement,
                crate::victim::ProfileField::Settlement,
            ),
        ] {
            for value in field.options() {
                let category = dimension.category_of(&value.code, "RO");
                assert_ne!(category, "unknown", "{} of {dimension}", value.code);
                assert!(dimension.categories().contains(&category));
            }
            assert_eq!(
                dimension.source().profile_field(),
                Some(field),
                "{dimension} reads {field}"
            );
        }
    }

    /// Every table has a sheet name a spreadsheet accepts (at most 31 characters, none of
    /// `[]:*?/\`), and no two the same.
    #[test]
    fn every_table_has_its_own_valid_sheet_name() {
        let names: Vec<String> = TABLES.iter().map(|t| sheet_name(t.name)).collect();
        for name in &names {
            assert!(!name.is_empty() && name.chars().count() <= 31, "{name}");
            assert!(
                !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
                "{name}"
            );
        }
        let unique: std::collections::BTreeSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert_eq!(
            sheet_name("victims-by-recruitment-method-sex"),
            "recruitment-method-sex"
        );
        assert_eq!(
            sheet_name("referrals-by-service-answer"),
            "referrals-service-answer"
        );
        assert_eq!(
            sheet_name("reflection-periods-by-outcome-citizenship"),
            "reflections-outcome-citizenship"
        );
    }

    #[test]
    fn a_year_begins_at_local_midnight() {
        let ro = crate::jurisdiction::Jurisdiction::romania();
        let (start, end) = year_bounds_ms(2025, &ro);
        // 31 December 2024, 22:00 UTC is midnight in Bucharest.
        assert_eq!(start, 1_735_682_400_000);
        assert_eq!(end, 1_767_218_400_000);
        let mut utc = ro.clone();
        utc.time_zone = chrono_tz::UTC;
        let (utc_start, _) = year_bounds_ms(2025, &utc);
        assert_eq!(utc_start - start, 2 * 3600 * 1000);
    }

    #[test]
    fn folding_sums_values_of_one_category_into_one_cell() {
        let definition = table("victims-by-sex-age-group").unwrap();
        let counted = [
            ("female", "child", 3),
            ("female", "adult", 4),
            ("other", "adult", 2),
            ("unknown", "adult", 5),
            ("male", "unknown", 1),
        ];
        let cells = fold(definition, counted, "RO");
        assert_eq!(cells, vec![vec![3, 4, 0], vec![0, 0, 1], vec![0, 7, 0]]);
    }

    #[test]
    fn people_are_counted_once_per_figure_however_many_records_they_have() {
        let definition = table("referrals-by-service-answer").unwrap();
        // Case a: two accommodation referrals accepted in time (at 3 and 5 hours), one
        // investigation declined late; case b: one accommodation referral accepted in time.
        let counted = [
            ("accommodation", "accepted:in_time:3", "a"),
            ("accommodation", "accepted:in_time:5", "a"),
            ("investigation", "declined:late:90", "a"),
            ("accommodation", "accepted:in_time:1", "b"),
        ];
        let people = people(definition, counted, "RO");
        let service = |code: &str| {
            Dimension::Service
                .categories()
                .iter()
                .position(|c| *c == code)
                .unwrap()
        };
        let answer = |code: &str| {
            Dimension::ReferralAnswer
                .categories()
                .iter()
                .position(|c| *c == code)
                .unwrap()
        };
        assert_eq!(
            people.cells[service("accommodation")][answer("accepted_in_time")],
            2
        );
        assert_eq!(people.row_totals[service("accommodation")], 2);
        assert_eq!(people.row_totals[service("investigation")], 1);
        assert_eq!(people.column_totals[answer("accepted_in_time")], 2);
        assert_eq!(people.column_totals[answer("declined_late")], 1);
        assert_eq!(people.total, 2);
        assert_eq!(people.row_totals[service("medical")], 0);
    }

    #[test]
    fn referral_answers_and_reflection_outcomes_fall_into_their_categories() {
        let answer = |stored: &str| Dimension::ReferralAnswer.category_of(stored, "RO");
        assert_eq!(answer("accepted:in_time:0"), "accepted_in_time");
        assert_eq!(answer("accepted:late:80"), "accepted_late");
        assert_eq!(answer("declined:in_time:23"), "declined_in_time");
        assert_eq!(answer("declined:late:200"), "declined_late");
        assert_eq!(answer("not_answered"), "not_answered");
        assert_eq!(answer(""), "not_answered");
        let service = |stored: &str| Dimension::Service.category_of(stored, "RO");
        assert_eq!(service("investigation"), "investigation");
        assert_eq!(service("accommodation"), "accommodation");
        assert_eq!(service("haircut"), "other");
        let outcome = |stored: &str| Dimension::ReflectionOutcome.category_of(stored, "RO");
        for code in Dimension::ReflectionOutcome.categories() {
            assert_eq!(outcome(code), code, "a stored outcome is its own category");
        }
        assert_eq!(outcome("something new"), "other");
    }

    /// A table reads only sources its unit has: a referral has no identification step, a
    /// victim no answer time.
    #[test]
    fn every_table_reads_what_its_unit_records() {
        for t in TABLES {
            for dimension in [t.rows, t.columns] {
                if let Some(unit) = dimension.source().only_for() {
                    assert_eq!(unit, t.unit, "{}: {dimension}", t.name);
                }
            }
        }
        let referrals = table("referrals-by-service-answer").unwrap();
        assert_eq!(referrals.key(Dimension::Service), "referrals:service");
        let victims = table("victims-by-sex-age-group").unwrap();
        assert_eq!(victims.key(Dimension::Sex), "sex");
    }

    #[test]
    fn table_names_are_unique_and_found() {
        for t in TABLES {
            assert_eq!(table(t.name), Some(t));
            assert_eq!(TABLES.iter().filter(|o| o.name == t.name).count(), 1);
        }
        assert_eq!(table("victims-by-nothing"), None);
    }
}
