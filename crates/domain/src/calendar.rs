//! Calendars for working-day clocks: a jurisdiction's public holidays, including moving feasts
//! computed from Easter (the Orthodox computus for Romania).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Which Easter the moving feasts follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EasterRule {
    /// The Julian computus, converted to the Gregorian calendar (Romanian Orthodox Church).
    Orthodox,
    /// The Gregorian computus.
    Western,
}

/// Orthodox Easter Sunday in the Gregorian calendar: the Julian computus (Meeus), then the
/// Julian–Gregorian difference for the century (13 days from 1900 to 2099).
pub fn orthodox_easter(year: i32) -> Option<NaiveDate> {
    let (a, b, c) = (year % 4, year % 7, year % 19);
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    let julian = NaiveDate::from_ymd_opt(year, month as u32, day as u32)?;
    let century = year / 100;
    let shift = century - century / 4 - 2;
    Some(julian + Duration::days(i64::from(shift)))
}

/// Western Easter Sunday (anonymous Gregorian algorithm).
pub fn western_easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let (b, c) = (year / 100, year % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRules {
    /// (month, day) of holidays on a fixed date.
    pub fixed: Vec<(u32, u32)>,
    pub easter: EasterRule,
    /// Days from Easter Sunday of the moving feasts.
    pub easter_offsets: Vec<i64>,
}

impl HolidayRules {
    /// The public holidays of a year, sorted, without repeats.
    pub fn holidays(&self, year: i32) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self
            .fixed
            .iter()
            .filter_map(|(m, d)| NaiveDate::from_ymd_opt(year, *m, *d))
            .collect();
        let easter = match self.easter {
            EasterRule::Orthodox => orthodox_easter(year),
            EasterRule::Western => western_easter(year),
        };
        if let Some(easter) = easter {
            days.extend(
                self.easter_offsets
                    .iter()
                    .map(|o| easter + Duration::days(*o)),
            );
        }
        days.sort();
        days.dedup();
        days
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.holidays(day.year()).contains(&day)
    }

    /// The date `days` working days after `from`; `from` itself does not count.
    pub fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        let mut day = from;
        let mut left = days;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::Jurisdiction;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn orthodox_easter_matches_the_published_dates() {
        for (year, easter) in [
            (2019, "2019-04-28"),
            (2020, "2020-04-19"),
            (2021, "2021-05-02"),
            (2022, "2022-04-24"),
            (2023, "2023-04-16"),
            (2024, "2024-05-05"),
            (2025, "2025-04-20"),
            (2026, "2026-04-12"),
            (2027, "2027-05-02"),
            (2028, "2028-04-16"),
        ] {
            assert_eq!(orthodox_easter(year), Some(date(easter)), "{year}");
        }
        assert_eq!(
            western_easter(2025),
            Some(date("2025-04-20")),
            "both fell on the same day"
        );
        assert_eq!(western_easter(2026), Some(date("2026-04-05")));
    }

    #[test]
    fn romanian_holidays_include_the_moving_feasts() {
        let ro = Jurisdiction::romania();
        let days: Vec<String> = ro
            .holidays
            .holidays(2026)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            days,
            [
                "2026-01-01",
                "2026-01-02",
                "2026-01-06",
                "2026-01-07",
                "2026-01-24",
                "2026-04-10",
                "2026-04-12",
                "2026-04-13",
                "2026-05-01",
                "2026-05-31",
                "2026-06-01",
                "2026-06-01",
                "2026-08-15",
                "2026-11-30",
                "2026-12-01",
                "2026-12-25",
                "2026-12-26",
            ]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>(),
            "Pentecost Monday 2026 falls on Children's Day, 1 June: one holiday, listed once"
        );
        let y2027: Vec<NaiveDate> = ro.holidays.holidays(2027);
        for d in [
            "2027-04-30",
            "2027-05-02",
            "2027-05-03",
            "2027-06-20",
            "2027-06-21",
        ] {
            assert!(y2027.contains(&date(d)), "{d}");
        }
        assert_eq!(y2027.len(), 17);
        let y2025 = ro.holidays.holidays(2025);
        for d in [
            "2025-04-18",
            "2025-04-20",
            "2025-04-21",
            "2025-06-08",
            "2025-06-09",
        ] {
            assert!(y2025.contains(&date(d)), "{d}");
        }
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_not_the_start() {
        let ro = Jurisdiction::romania();
        // Friday 2026-11-27 + 1 → Monday 30 November is St Andrew, 1 December National Day.
        assert_eq!(
            ro.holidays.add_working_days(date("2026-11-27"), 1),
            date("2026-12-02")
        );
        assert_eq!(
            ro.holidays.add_working_days(date("2026-11-27"), 0),
            date("2026-11-27")
        );
        // Thursday before Orthodox Good Friday 2026 + 1 → Tuesday after Easter Monday.
        assert_eq!(
            ro.holidays.add_working_days(date("2026-04-09"), 1),
            date("2026-04-14")
        );
        assert_eq!(
            ro.holidays.add_working_days(date("2026-12-23"), 5),
            date("2026-12-31")
        );
        assert_eq!(
            ro.holidays.add_working_days(date("2026-12-23"), 6),
            date("2027-01-04"),
            "1 and 2 January are holidays"
        );
    }

    proptest! {
        #[test]
        fn adding_working_days_lands_on_a_working_day_and_adds_up(start in 0i64..3650, a in 1u32..40, b in 1u32..40) {
            let ro = Jurisdiction::romania();
            let from = date("2020-01-01") + Duration::days(start);
            let end = ro.holidays.add_working_days(from, a);
            prop_assert!(ro.holidays.is_working_day(end));
            prop_assert!(end > from);
            prop_assert_eq!(ro.holidays.add_working_days(end, b), ro.holidays.add_working_days(from, a + b));
        }
    }
}
