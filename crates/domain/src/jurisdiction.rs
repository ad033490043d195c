//! A jurisdiction profile: public holidays and the lengths of the legal clocks (mnir.md §7), read
//! from TOML and validated with errors that name the offending key. Romania is built in
//! (`data/jurisdictions/ro.toml`).

use crate::calendar::{EasterRule, HolidayRules};
use crate::clocks::ClockKind;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The clocks the mechanism runs; a profile must define each.
pub const REQUIRED_CLOCKS: &[ClockKind] = ClockKind::ALL;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    Hours(u32),
    CalendarDays(u32),
    WorkingDays(u32),
    /// The same day so many months on, or that month's last day when it lacks the day.
    CalendarMonths(u32),
}

impl Length {
    /// `24h`, `90d`, `5wd` or `3mo`.
    pub fn parse(text: &str) -> Option<Length> {
        let text = text.trim();
        let (number, unit) = if let Some(n) = text.strip_suffix("wd") {
            (n, "wd")
        } else if let Some(n) = text.strip_suffix("mo") {
            (n, "mo")
        } else if let Some(n) = text.strip_suffix('h') {
            (n, "h")
        } else if let Some(n) = text.strip_suffix('d') {
            (n, "d")
        } else {
            return None;
        };
        let n: u32 = number.parse().ok().filter(|n| *n > 0 && *n <= 3650)?;
        Some(match unit {
            "h" => Length::Hours(n),
            "d" => Length::CalendarDays(n),
            "mo" => Length::CalendarMonths(n),
            _ => Length::WorkingDays(n),
        })
    }

    /// As a profile writes it.
    pub fn as_text(self) -> String {
        match self {
            Length::Hours(n) => format!("{n}h"),
            Length::CalendarDays(n) => format!("{n}d"),
            Length::WorkingDays(n) => format!("{n}wd"),
            Length::CalendarMonths(n) => format!("{n}mo"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockDefinition {
    pub length: Length,
    /// A shorter length when the start is marked urgent (e.g. an urgent referral).
    pub urgent_length: Option<Length>,
    /// Further deadlines from the same start, each a clock of its own: the follow-up check-ins
    /// after a return fall 1, 3, 6 and 12 months after the reception.
    pub later: Vec<Length>,
    /// What happens on expiry: a task or an escalation, named for the scheduler.
    pub on_expiry: String,
    /// Whose work the task is inside the answering organisation; `None` for anyone's.
    pub role: Option<crate::Role>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jurisdiction {
    pub code: String,
    pub name: String,
    /// ISO 3166-1 alpha-2 code of the country whose citizens are nationals; anyone else is a
    /// foreign national (offered the reflection period).
    pub country: String,
    /// The IANA time zone in which calendar days and years are counted and times are shown.
    pub time_zone: chrono_tz::Tz,
    pub holidays: HolidayRules,
    pub clocks: BTreeMap<ClockKind, ClockDefinition>,
    /// The roles whose holders must sign in with a second factor (a time-based code after the
    /// password); an account holding any of them is sent to enrolment until it has one.
    pub two_factor_roles: Vec<crate::Role>,
    /// The k of disclosure control: a published figure from 1 to k − 1 is hidden (mnir.md §11).
    pub disclosure_threshold: u64,
    /// Certification of front-line workers (mnir.md §12).
    pub training: crate::training::TrainingRules,
    /// Break-glass access to a case not routed to the user's organisation (mnir.md §13).
    pub break_glass: crate::break_glass::BreakGlassRules,
    /// How long each kind of record is kept (mnir.md §13).
    pub retention: crate::retention::RetentionRules,
}

/// The threshold of the IOM/Polaris Counter-Trafficking Data Collaborative, used when a profile
/// names none.
pub const DEFAULT_DISCLOSURE_THRESHOLD: u64 = 11;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    jurisdiction: RawJurisdiction,
    holidays: RawHolidays,
    sign_in: Option<RawSignIn>,
    statistics: Option<RawStatistics>,
    training: Option<RawTraining>,
    break_glass: Option<RawBreakGlass>,
    retention: Option<RawRetention>,
    clocks: BTreeMap<String, RawClock>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreakGlass {
    minutes: Option<u32>,
    #[serde(default)]
    forbidden_for: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRetention {
    closed_case_years: Option<u32>,
    not_a_victim_years: Option<u32>,
    session_days: Option<u32>,
    api_token_days: Option<u32>,
    training_participant_years: Option<u32>,
    daily: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTraining {
    pass_vignettes: Option<u32>,
    pass_score: Option<f64>,
    certificate_valid_years: Option<u32>,
    screener_requires_certificate: Option<bool>,
    expiry_notice_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatistics {
    disclosure_threshold: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignIn {
    two_factor_required_for: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJurisdiction {
    code: String,
    name: String,
    country: String,
    time_zone: Option<String>,
    /// The fixed offset earlier profiles held; read only to say what replaced it.
    time_zone_offset_hours: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHolidays {
    fixed: Vec<String>,
    easter: String,
    easter_offsets: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClock {
    length: String,
    urgent_length: Option<String>,
    #[serde(default)]
    later: Vec<String>,
    on_expiry: String,
    role: Option<String>,
}

const LENGTH_HELP: &str =
    "a number followed by h (hours), d (calendar days), wd (working days) or mo (calendar months)";

impl Jurisdiction {
    pub fn romania() -> Jurisdiction {
        Jurisdiction::parse(include_str!("../../../data/jurisdictions/ro.toml"))
            // Compiled in and parsed by the tests: a failure here is a build defect.
            .unwrap_or_else(|errors| panic!("built-in Romanian profile: {errors:?}"))
    }

    /// Reads a profile; every problem is reported as `key: what is wrong`.
    pub fn parse(text: &str) -> Result<Jurisdiction, Vec<String>> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| {
            vec![
                e.message().to_string()
                    + &e.span()
                        .map(|s| format!(" (at byte {})", s.start))
                        .unwrap_or_default(),
            ]
        })?;
        let mut errors = Vec::new();
        if raw.jurisdiction.code.trim().is_empty() {
            errors.push("jurisdiction.code: must not be empty".to_string());
        }
        if crate::reference::country(&raw.jurisdiction.country).is_none() {
            errors.push(format!(
                "jurisdiction.country: `{}` is not an ISO 3166-1 alpha-2 country code such as RO",
                raw.jurisdiction.country
            ));
        }
        if raw.jurisdiction.time_zone_offset_hours.is_some() {
            errors.push(
                "jurisdiction.time_zone_offset_hours: replaced by time_zone, an IANA name such as \
                 \"Europe/Bucharest\" (a fixed offset is wrong half the year where clocks change)"
                    .to_string(),
            );
        }
        let time_zone = match raw.jurisdiction.time_zone.as_deref() {
            None => {
                errors.push(
                    "jurisdiction.time_zone: missing: the IANA name of the jurisdiction's time \
                     zone, such as \"Europe/Bucharest\""
                        .to_string(),
                );
                chrono_tz::UTC
            }
            Some(name) => name.parse::<chrono_tz::Tz>().unwrap_or_else(|_| {
                errors.push(format!(
                    "jurisdiction.time_zone: `{name}` is not an IANA time zone such as \
                     \"Europe/Bucharest\""
                ));
                chrono_tz::UTC
            }),
        };
        let mut fixed = Vec::new();
        for (i, day) in raw.holidays.fixed.iter().enumerate() {
            let parsed = day
                .split_once('-')
                .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
                .filter(|(m, d)| NaiveDate::from_ymd_opt(2024, *m, *d).is_some());
            match parsed {
                Some(md) => fixed.push(md),
                None => errors.push(format!(
                    "holidays.fixed[{i}]: `{day}` is not a month-day such as 12-25"
                )),
            }
        }
        let easter = match raw.holidays.easter.as_str() {
            "orthodox" => EasterRule::Orthodox,
            "western" => EasterRule::Western,
            other => {
                errors.push(format!(
                    "holidays.easter: `{other}` is not orthodox or western"
                ));
                EasterRule::Orthodox
            }
        };
        if raw.holidays.easter_offsets.iter().any(|o| o.abs() > 100) {
            errors.push(
                "holidays.easter_offsets: offsets must be within 100 days of Easter".to_string(),
            );
        }
        let mut two_factor_roles = Vec::new();
        match &raw.sign_in {
            // Left out, a profile would silently let every role in on a password alone.
            None => errors.push(
                "sign_in: missing (say which roles sign in with a second factor: \
                 two_factor_required_for = [\"case_worker\", ...], or [] for none)"
                    .to_string(),
            ),
            Some(sign_in) => {
                for (i, text) in sign_in.two_factor_required_for.iter().enumerate() {
                    match text.parse::<crate::Role>() {
                        Ok(role) => two_factor_roles.push(role),
                        Err(e) => errors.push(format!("sign_in.two_factor_required_for[{i}]: {e}")),
                    }
                }
            }
        }
        let mut clocks = BTreeMap::new();
        for (name, clock) in &raw.clocks {
            let kind = ClockKind::parse(name);
            if kind.is_none() {
                let known: Vec<&str> = ClockKind::ALL.iter().map(|k| k.as_str()).collect();
                errors.push(format!(
                    "clocks.{name}: not a clock of the mechanism (one of {})",
                    known.join(", ")
                ));
            }
            let length = Length::parse(&clock.length);
            if length.is_none() {
                errors.push(format!(
                    "clocks.{name}.length: `{}` is not {LENGTH_HELP}",
                    clock.length
                ));
            }
            let urgent_length = match &clock.urgent_length {
                None => None,
                Some(text) => {
                    let parsed = Length::parse(text);
                    if parsed.is_none() {
                        errors.push(format!(
                            "clocks.{name}.urgent_length: `{text}` is not {LENGTH_HELP}"
                        ));
                    }
                    parsed
                }
            };
            let mut later = Vec::new();
            for (i, text) in clock.later.iter().enumerate() {
                match Length::parse(text) {
                    Some(parsed) => later.push(parsed),
                    None => errors.push(format!(
                        "clocks.{name}.later[{i}]: `{text}` is not {LENGTH_HELP}"
                    )),
                }
            }
            if clock.on_expiry.trim().is_empty() {
                errors.push(format!(
                    "clocks.{name}.on_expiry: must name what happens on expiry"
                ));
            }
            let role = match &clock.role {
                None => None,
                Some(text) => match text.parse::<crate::Role>() {
                    Ok(role) => Some(role),
                    Err(e) => {
                        errors.push(format!("clocks.{name}.role: {e}"));
                        None
                    }
                },
            };
            if let (Some(kind), Some(length)) = (kind, length) {
                clocks.insert(
                    kind,
                    ClockDefinition {
                        length,
                        urgent_length,
                        later,
                        on_expiry: clock.on_expiry.clone(),
                        role,
                    },
                );
            }
        }
        for required in REQUIRED_CLOCKS {
            if !raw.clocks.contains_key(required.as_str()) {
                errors.push(format!(
                    "clocks.{required}: missing (every profile defines the clocks of mnir.md §7)"
                ));
            }
        }
        let disclosure_threshold = raw
            .statistics
            .as_ref()
            .map_or(DEFAULT_DISCLOSURE_THRESHOLD, |s| s.disclosure_threshold);
        // A threshold of 1 hides nothing, so it would publish every single victim's figure.
        if disclosure_threshold < 2 {
            errors.push("statistics.disclosure_threshold: must be at least 2".to_string());
        }
        let mut training = crate::training::TrainingRules::default();
        if let Some(raw) = &raw.training {
            training.pass_vignettes = raw.pass_vignettes.unwrap_or(training.pass_vignettes);
            training.pass_score = raw.pass_score.unwrap_or(training.pass_score);
            training.valid_years = raw.certificate_valid_years.unwrap_or(training.valid_years);
            training.screener_requires_certificate = raw
                .screener_requires_certificate
                .unwrap_or(training.screener_requires_certificate);
            training.expiry_notice_days = raw
                .expiry_notice_days
                .unwrap_or(training.expiry_notice_days);
        }
        if !(1..=100).contains(&training.pass_vignettes) {
            errors.push("training.pass_vignettes: must be from 1 to 100".to_string());
        }
        if !(training.pass_score > 0.0 && training.pass_score <= 1.0) {
            errors.push("training.pass_score: must be above 0 and at most 1".to_string());
        }
        if !(1..=10).contains(&training.valid_years) {
            errors.push("training.certificate_valid_years: must be from 1 to 10".to_string());
        }
        if training.expiry_notice_days > 365 {
            errors.push("training.expiry_notice_days: must be at most 365".to_string());
        }
        let mut break_glass = crate::break_glass::BreakGlassRules::default();
        if let Some(raw) = &raw.break_glass {
            break_glass.minutes = raw.minutes.unwrap_or(break_glass.minutes);
            for (i, text) in raw.forbidden_for.iter().enumerate() {
                match text.parse::<crate::Role>() {
                    Ok(role) => break_glass.forbidden_roles.push(role),
                    Err(e) => errors.push(format!("break_glass.forbidden_for[{i}]: {e}")),
                }
            }
        }
        // Long enough to act on an emergency, short enough to stay an exception.
        if !(5..=480).contains(&break_glass.minutes) {
            errors.push("break_glass.minutes: must be from 5 to 480".to_string());
        }
        let mut retention = crate::retention::RetentionRules::default();
        if let Some(raw) = &raw.retention {
            let keep = |value: Option<u32>, default: u32| value.unwrap_or(default);
            retention = crate::retention::RetentionRules {
                closed_case_years: keep(raw.closed_case_years, retention.closed_case_years),
                not_a_victim_years: keep(raw.not_a_victim_years, retention.not_a_victim_years),
                session_days: keep(raw.session_days, retention.session_days),
                api_token_days: keep(raw.api_token_days, retention.api_token_days),
                training_participant_years: keep(
                    raw.training_participant_years,
                    retention.training_participant_years,
                ),
                daily: raw.daily.unwrap_or(retention.daily),
            };
        }
        errors.extend(retention.problems());
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Jurisdiction {
            code: raw.jurisdiction.code,
            name: raw.jurisdiction.name,
            country: raw.jurisdiction.country,
            time_zone,
            holidays: HolidayRules {
                fixed,
                easter,
                easter_offsets: raw.holidays.easter_offsets,
            },
            clocks,
            two_factor_roles,
            disclosure_threshold,
            training,
            break_glass,
            retention,
        })
    }

    /// Whether an account holding `roles` must sign in with a second factor.
    pub fn requires_two_factor(&self, roles: &crate::RoleSet) -> bool {
        roles.any(&self.two_factor_roles)
    }

    /// The jurisdiction's calendar date at an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        self.local_time(at).date_naive()
    }

    /// An instant on the jurisdiction's clocks.
    pub fn local_time(&self, at: DateTime<Utc>) -> DateTime<chrono_tz::Tz> {
        at.with_timezone(&self.time_zone)
    }

    /// When a local calendar day begins: its midnight, or where a change of the clocks skips
    /// midnight, the first moment of the day there is.
    pub fn start_of_day(&self, day: NaiveDate) -> DateTime<Utc> {
        self.instant_of(day.and_time(chrono::NaiveTime::MIN))
    }

    /// The instant a local time names: the earlier of two when the clocks go back, the first
    /// that exists after it when they go forward over it.
    fn instant_of(&self, local: chrono::NaiveDateTime) -> DateTime<Utc> {
        use chrono::TimeZone;
        let mut at = local;
        // A gap is at most a few hours; step through it a quarter of an hour at a time.
        for _ in 0..(24 * 4) {
            if let Some(found) = self.time_zone.from_local_datetime(&at).earliest() {
                return found.with_timezone(&Utc);
            }
            at += Duration::minutes(15);
        }
        local.and_utc()
    }

    /// `days` local calendar days after `start`, at the same local time: a day is a day on the
    /// jurisdiction's clocks, 23 or 25 hours long when they change.
    pub fn add_local_days(&self, start: DateTime<Utc>, days: i64) -> DateTime<Utc> {
        self.instant_of(self.local_time(start).naive_local() + Duration::days(days))
    }

    /// When a clock of `length` started at `start` runs out, given its pauses (`(from, until)`,
    /// `until` = `None` while still paused). `None` while paused: a paused clock has no due time.
    ///
    /// Hour and calendar-day clocks are extended by the time spent paused. A working-day clock is
    /// extended by the working days that lay wholly inside a pause, so a pause over a weekend
    /// costs it nothing.
    pub fn due(
        &self,
        length: Length,
        start: DateTime<Utc>,
        pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
    ) -> Option<DateTime<Utc>> {
        let mut paused = Duration::zero();
        let mut paused_working_days = 0u32;
        for (from, until) in pauses {
            let until = (*until)?;
            if until <= *from {
                continue;
            }
            paused += until - *from;
            let (first, last) = (self.local_date(*from), self.local_date(until));
            let mut day = first.succ_opt()?;
            while day < last {
                if self.holidays.is_working_day(day) {
                    paused_working_days += 1;
                }
                day = day.succ_opt()?;
            }
        }
        Some(match length {
            Length::Hours(h) => start + Duration::hours(i64::from(h)) + paused,
            Length::CalendarDays(d) => self.add_local_days(start, i64::from(d)) + paused,
            Length::WorkingDays(n) => {
                let start_day = self.local_date(start);
                let due_day = self
                    .holidays
                    .add_working_days(start_day, n + paused_working_days);
                self.add_local_days(start, (due_day - start_day).num_days())
            }
            Length::CalendarMonths(m) => {
                let local = self.local_time(start).naive_local();
                // chrono keeps the day, or takes the month's last when it lacks it.
                self.instant_of(local.checked_add_months(chrono::Months::new(m))?) + paused
            }
        })
    }

    /// A clock's deadlines counted from the start of `day`, its length and then its later ones,
    /// each with when it falls due: the follow-up check-ins after a reception on that day. Empty
    /// when the profile has no such clock.
    pub fn deadlines_from_day(
        &self,
        kind: ClockKind,
        day: NaiveDate,
    ) -> Vec<(Length, DateTime<Utc>)> {
        let Some(definition) = self.clocks.get(&kind) else {
            return Vec::new();
        };
        let start = self.start_of_day(day);
        std::iter::once(definition.length)
            .chain(definition.later.iter().copied())
            .filter_map(|length| Some((length, self.due(length, start, &[])?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    /// Romania keeps summer time: the calendar day of an evening instant, and the hour it is
    /// shown at, follow the clocks' change.
    #[test]
    fn local_days_follow_summer_time() {
        let ro = Jurisdiction::romania();
        assert_eq!(ro.time_zone, chrono_tz::Europe::Bucharest);
        // 21:30 UTC is 23:30 in winter (UTC+2) and 00:30 the next day in summer (UTC+3).
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 21, 30, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 21, 30, 0).unwrap();
        assert_eq!(
            ro.local_date(winter),
            NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
        );
        assert_eq!(
            ro.local_date(summer),
            NaiveDate::from_ymd_opt(2026, 7, 16).unwrap()
        );
        assert_eq!(ro.local_time(summer).format("%H:%M").to_string(), "00:30");
        // A case notified at 23:30 local time on 31 December is of that year.
        let new_year_eve = Utc.with_ymd_and_hms(2025, 12, 31, 21, 30, 0).unwrap();
        assert_eq!(ro.local_date(new_year_eve).format("%Y").to_string(), "2025");
        // Midnight: 22:00 UTC the evening before in winter, 21:00 in summer.
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(ro.start_of_day(day(1, 16)), at(2026, 1, 15, 22));
        assert_eq!(ro.start_of_day(day(7, 16)), at(2026, 7, 15, 21));
    }

    /// Where the clocks skip midnight (Santiago de Chile moves from 00:00 to 01:00 in
    /// September), the day begins at the first moment it has.
    /// Deadlines in days fall at the same local time however the clocks change in between.
    #[test]
    fn days_are_counted_on_the_local_clock_across_summer_time() {
        let ro = Jurisdiction::romania();
        // 1 March 2026 10:00 in winter (08:00 UTC) and 90 days: 30 May 10:00 in summer (07:00).
        let started = at(2026, 3, 1, 8);
        assert_eq!(
            ro.due(Length::CalendarDays(90), started, &[]),
            Some(at(2026, 5, 30, 7))
        );
        // Friday 23 October 2026, 00:30 in summer time (22 October 21:30 UTC), one working day:
        // Monday 26 October 00:30 in winter time (25 October 22:30 UTC), not Sunday evening.
        let friday = Utc.with_ymd_and_hms(2026, 10, 22, 21, 30, 0).unwrap();
        let due = ro.due(Length::WorkingDays(1), friday, &[]).unwrap();
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 10, 25, 22, 30, 0).unwrap());
        assert_eq!(
            ro.local_time(due).format("%A %H:%M").to_string(),
            "Monday 00:30"
        );
        // A local time the clocks skip (29 March 2026, 03:30) becomes the first that exists.
        let before_gap = Utc.with_ymd_and_hms(2026, 3, 28, 1, 30, 0).unwrap();
        assert_eq!(
            ro.local_time(ro.add_local_days(before_gap, 1))
                .format("%d %H:%M")
                .to_string(),
            "29 04:00"
        );
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_begins_when_it_can() {
        let mut chile = Jurisdiction::romania();
        chile.time_zone = chrono_tz::America::Santiago;
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let start = chile.start_of_day(day);
        assert_eq!(chile.local_date(start), day);
        assert_eq!(chile.local_time(start).format("%H:%M").to_string(), "01:00");
        assert_eq!(
            chile.local_date(start - Duration::seconds(1)),
            day.pred_opt().unwrap()
        );
    }

    #[test]
    fn a_profile_names_its_time_zone_by_its_iana_name() {
        let profile = |zone_line: &str| {
            include_str!("../../../data/jurisdictions/ro.toml")
                .replace("time_zone = \"Europe/Bucharest\"", zone_line)
        };
        let errors = Jurisdiction::parse(&profile("time_zone = \"Europe/Atlantis\"")).unwrap_err();
        assert!(
            errors[0].starts_with("jurisdiction.time_zone: `Europe/Atlantis` is not an IANA"),
            "{errors:?}"
        );
        let errors = Jurisdiction::parse(&profile("time_zone_offset_hours = 2")).unwrap_err();
        assert!(
            errors.iter().any(|e| e.contains("replaced by time_zone")),
            "{errors:?}"
        );
        let lisbon = Jurisdiction::parse(&profile("time_zone = \"Europe/Lisbon\"")).unwrap();
        assert_eq!(lisbon.time_zone, chrono_tz::Europe::Lisbon);
    }

    #[test]
    fn the_romanian_profile_defines_every_clock() {
        let ro = Jurisdiction::romania();
        assert_eq!(ro.code, "ro");
        assert_eq!(
            ro.clocks[&ClockKind::IdentificationInterview].length,
            Length::WorkingDays(5)
        );
        assert_eq!(
            ro.clocks[&ClockKind::ReferralResponse].urgent_length,
            Some(Length::Hours(24))
        );
        assert_eq!(
            ro.clocks[&ClockKind::ReflectionPeriod].length,
            Length::CalendarDays(90)
        );
        assert_eq!(ro.clocks.len(), REQUIRED_CLOCKS.len());
        // Every role that sees case data (mnir.md §2) signs in with a second factor; the trainer
        // (synthetic cases) and the administrator (no case content) may.
        let case_roles: crate::RoleSet =
            "screener,case_worker,identification_officer,supervisor,coordinator,investigator"
                .parse()
                .unwrap();
        for role in crate::Role::ALL {
            let alone = crate::RoleSet::new(vec![role]);
            assert_eq!(
                ro.requires_two_factor(&alone),
                case_roles.contains(role),
                "{role}"
            );
        }
    }

    #[test]
    fn a_profile_must_say_who_signs_in_with_a_second_factor() {
        let ro = include_str!("../../../data/jurisdictions/ro.toml");
        let start = ro
            .find("[sign_in]")
            .expect("the Romanian profile has a [sign_in] table");
        let end = start + ro[start..].find("\n\n").unwrap();
        let without = format!("{}{}", &ro[..start], &ro[end..]);
        let errors = Jurisdiction::parse(&without).unwrap_err();
        assert!(
            errors.iter().any(|e| e.starts_with("sign_in: missing")),
            "{errors:?}"
        );
        let none = format!(
            "{}[sign_in]\ntwo_factor_required_for = []{}",
            &ro[..start],
            &ro[end..]
        );
        let parsed = Jurisdiction::parse(&none).unwrap();
        assert!(!parsed.requires_two_factor(&"case_worker".parse().unwrap()));
    }

    #[test]
    fn the_disclosure_threshold_is_the_profiles_or_eleven_and_never_below_two() {
        let ro = include_str!("../../../data/jurisdictions/ro.toml");
        assert!(ro.contains("disclosure_threshold = 11\n"));
        let five = ro.replace("disclosure_threshold = 11\n", "disclosure_threshold = 5\n");
        assert_eq!(Jurisdiction::parse(&five).unwrap().disclosure_threshold, 5);
        let start = ro.find("[statistics]").unwrap();
        let end = start + ro[start..].find("\n\n").unwrap();
        let without = format!("{}{}", &ro[..start], &ro[end..]);
        assert_eq!(
            Jurisdiction::parse(&without).unwrap().disclosure_threshold,
            DEFAULT_DISCLOSURE_THRESHOLD
        );
        let one = ro.replace("disclosure_threshold = 11\n", "disclosure_threshold = 1\n");
        let errors = Jurisdiction::parse(&one).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("statistics.disclosure_threshold")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_broken_profile_is_refused_naming_each_key() {
        let text = include_str!("../../../data/jurisdictions/ro.toml")
            .replace("length = \"72h\"\nurgent_length", "length = \"72x\"\nurgent_length")
            .replace("\"11-30\"", "\"13-30\"")
            .replace("easter = \"orthodox\"", "easter = \"julian\"")
            .replace("country = \"RO\"", "country = \"Romania\"")
            .replace("role = \"supervisor\"", "role = \"boss\"")
            .replace("\"investigator\"]", "\"investigator\", \"janitor\"]")
            .replace("[clocks.emergency_compensation]\nlength = \"72h\"\non_expiry = \"task_to_legal_advisor\"\nrole = \"case_worker\"\n", "");
        let errors = Jurisdiction::parse(&text).unwrap_err();
        let joined = errors.join("\n");
        for key in [
            "clocks.referral_response.length",
            "holidays.fixed[8]",
            "holidays.easter",
            "clocks.emergency_compensation: missing",
            "jurisdiction.country",
            "clocks.identification_interview.role: unknown role `boss`",
            "sign_in.two_factor_required_for[6]: unknown role `janitor`",
        ] {
            assert!(joined.contains(key), "{key} not named in:\n{joined}");
        }
        let extra = format!(
            "{}\n[clocks.coffee_break]\nlength = \"1h\"\non_expiry = \"task\"\n",
            include_str!("../../../data/jurisdictions/ro.toml")
        );
        let errors = Jurisdiction::parse(&extra).unwrap_err();
        assert!(
            errors[0].starts_with("clocks.coffee_break: not a clock of the mechanism"),
            "{errors:?}"
        );
        let unknown = Jurisdiction::parse(
            "[jurisdiction]\ncode = \"x\"\nname = \"x\"\ntime_zone = \"UTC\"\ncolour = \"red\"\n",
        )
        .unwrap_err();
        assert!(unknown[0].contains("colour"), "{unknown:?}");
    }

    #[test]
    fn lengths_read_hours_days_and_working_days() {
        assert_eq!(Length::parse("24h"), Some(Length::Hours(24)));
        assert_eq!(Length::parse("90d"), Some(Length::CalendarDays(90)));
        assert_eq!(Length::parse("5wd"), Some(Length::WorkingDays(5)));
        for bad in ["", "h", "0d", "-1h", "5w", "5 days", "99999d"] {
            assert_eq!(Length::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_pause_over_a_weekend_extends_an_hour_clock_but_not_a_working_day_clock() {
        let ro = Jurisdiction::romania();
        // Friday 20 November 2026, 08:00 UTC (10:00 in Romania).
        let start = at(2026, 11, 20, 8);
        let weekend = [(at(2026, 11, 20, 15), Some(at(2026, 11, 23, 7)))];
        assert_eq!(
            ro.due(Length::Hours(24), start, &[]),
            Some(at(2026, 11, 21, 8))
        );
        assert_eq!(
            ro.due(Length::Hours(24), start, &weekend),
            Some(at(2026, 11, 24, 0)),
            "24 h + 64 h paused"
        );
        assert_eq!(
            ro.due(Length::WorkingDays(5), start, &[]),
            Some(at(2026, 11, 27, 8))
        );
        assert_eq!(
            ro.due(Length::WorkingDays(5), start, &weekend),
            Some(at(2026, 11, 27, 8)),
            "no working day lost"
        );
        // Paused from Friday to Wednesday: Monday and Tuesday are lost, so 7 working days count
        // from Friday; St Andrew (30 Nov) and National Day (1 Dec) are holidays.
        let long = [(at(2026, 11, 20, 15), Some(at(2026, 11, 25, 7)))];
        assert_eq!(
            ro.due(Length::WorkingDays(5), start, &long),
            Some(at(2026, 12, 3, 8))
        );
        assert_eq!(
            ro.due(Length::Hours(24), start, &[(at(2026, 11, 20, 9), None)]),
            None,
            "still paused"
        );
        assert_eq!(
            ro.due(Length::CalendarDays(90), start, &[]),
            Some(start + Duration::days(90))
        );
    }
}
