//! Retention, erasure and legal hold (mnir.md §13): how long each kind of record is kept after
//! it stops being needed, what stops erasure (a legal hold), and how a person's request to erase
//! is answered. The schedules are the jurisdiction profile's `[retention]`; the dates are counted
//! in its time zone.

use chrono::{DateTime, Months, NaiveDate, TimeZone, Utc};

use crate::CaseState;
use crate::vocabulary::codes;

codes!(
    /// Why erasure of a case is stopped: `criminal_proceedings` (an investigation or trial in
    /// which the case may be evidence), `complaint` (a complaint about the handling of the case,
    /// to the data protection authority or otherwise), `prosecutor_request` (a prosecutor asked
    /// that the record be kept), `court_order`, `other` (the note says what).
    HoldReason {
        CriminalProceedings => "criminal_proceedings",
        Complaint => "complaint",
        ProsecutorRequest => "prosecutor_request",
        CourtOrder => "court_order",
        Other => "other",
    }
);

codes!(
    /// Why a case was erased: its retention period ran out, the person asked (GDPR Art. 17), or
    /// — recorded when a backup is restored — its key was no longer in the key ring, because the
    /// case was erased after the backup was made.
    ErasureBasis {
        Schedule => "schedule",
        Request => "request",
        Restore => "restore",
    }
);

codes!(
    /// How a person's request to erase was answered: `erased`, or refused because a legal hold
    /// stands (`legal_hold`) or the case is still being worked (`case_open`: assistance,
    /// identification or proceedings still rely on it; the person may ask again once it closes).
    ErasureAnswer {
        Erased => "erased",
        LegalHold => "legal_hold",
        CaseOpen => "case_open",
    }
);

codes!(
    /// The kinds of record the schedules cover.
    RecordKind {
        ClosedCase => "closed_case",
        NotAVictim => "not_a_victim",
        Session => "session",
        ApiToken => "api_token",
        TrainingParticipant => "training_participant",
    }
);

/// The longest note of a hold, a lifting or a request.
pub const MAX_NOTE: usize = 1000;

/// The schedules of the profile's `[retention]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionRules {
    /// A case closed (or marked a duplicate) is erased this many years after it was.
    pub closed_case_years: u32,
    /// A notification decided not to concern a victim is erased this many years after the
    /// decision.
    pub not_a_victim_years: u32,
    /// A session's record is deleted this many days after it ended.
    pub session_days: u32,
    /// An API token's record is deleted this many days after it expired.
    pub api_token_days: u32,
    /// A training participant's name is erased this many years after the session.
    pub training_participant_years: u32,
    /// Whether `mnir serve` erases what falls due by itself once a day. Off unless the profile
    /// turns it on: erasing cannot be undone, so the periods are confirmed first (and holds
    /// placed) while `/retention` shows what is due and an administrator erases it.
    pub daily: bool,
}

impl Default for RetentionRules {
    fn default() -> RetentionRules {
        RetentionRules {
            closed_case_years: 10,
            not_a_victim_years: 3,
            session_days: 30,
            api_token_days: 30,
            training_participant_years: 5,
            daily: false,
        }
    }
}

/// The limits a profile's schedules must keep: at least a year (or a day) so that nothing is
/// erased while still in use, at most a century (or ten years) so that a typo does not keep
/// records for ever.
pub const YEARS: std::ops::RangeInclusive<u32> = 1..=100;
pub const DAYS: std::ops::RangeInclusive<u32> = 1..=3650;

/// The instants (and the day, for training sessions) before which each kind of record is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    pub closed_case_ms: i64,
    pub not_a_victim_ms: i64,
    pub session_ms: i64,
    pub api_token_ms: i64,
    /// Sessions held before this day are due.
    pub training_before: NaiveDate,
}

impl RetentionRules {
    /// The problems of a profile's schedules, each naming its key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (key, years) in [
            ("closed_case_years", self.closed_case_years),
            ("not_a_victim_years", self.not_a_victim_years),
            (
                "training_participant_years",
                self.training_participant_years,
            ),
        ] {
            if !YEARS.contains(&years) {
                problems.push(format!("retention.{key}: must be from 1 to 100"));
            }
        }
        for (key, days) in [
            ("session_days", self.session_days),
            ("api_token_days", self.api_token_days),
        ] {
            if !DAYS.contains(&days) {
                problems.push(format!("retention.{key}: must be from 1 to 3650"));
            }
        }
        problems
    }

    /// What falls due at `now`: a period of years ends on the same calendar day that many years
    /// later in the jurisdiction's time zone (29 February ends on 28 February), so a record is
    /// due once the instant it became final is before the same local time that many years ago.
    pub fn cutoffs<Tz: TimeZone>(&self, tz: &Tz, now: DateTime<Utc>) -> Cutoffs {
        let local = now.with_timezone(tz).naive_local();
        let years_ago = |years: u32| {
            let then = local
                .checked_sub_months(Months::new(years * 12))
                .unwrap_or(local);
            // A local time that occurs twice (autumn) is taken at its earlier reading, one that
            // was skipped (spring) an hour before: the cutoff never moves later than the calendar
            // says, so nothing falls due early; a time that cannot be placed brings nothing due.
            tz.from_local_datetime(&then)
                .earliest()
                .or_else(|| {
                    tz.from_local_datetime(&(then - chrono::Duration::hours(1)))
                        .earliest()
                })
                .map_or(i64::MIN, |t| t.timestamp_millis())
        };
        let days_ago = |days: u32| now.timestamp_millis() - i64::from(days) * 86_400_000;
        Cutoffs {
            closed_case_ms: years_ago(self.closed_case_years),
            not_a_victim_ms: years_ago(self.not_a_victim_years),
            session_ms: days_ago(self.session_days),
            api_token_ms: days_ago(self.api_token_days),
            training_before: local
                .date()
                .checked_sub_months(Months::new(self.training_participant_years * 12))
                .unwrap_or(local.date()),
        }
    }
}

/// The schedule a case in `state` falls under, if any: a closed case or a duplicate (whose
/// person's path continues in the other case) by the closed-case period, a notification found
/// not to concern a victim by its own. Every other state is a case still being worked.
pub fn schedule_for(state: CaseState) -> Option<RecordKind> {
    match state {
        CaseState::Closed | CaseState::Duplicate => Some(RecordKind::ClosedCase),
        CaseState::NotAVictim => Some(RecordKind::NotAVictim),
        _ => None,
    }
}

/// How a person's request to erase their case is answered: a hold stops it whatever the case's
/// state; a case still being worked is kept (the person may ask again once it closes).
pub fn answer_request(state: CaseState, holds_in_force: usize) -> ErasureAnswer {
    if holds_in_force > 0 {
        ErasureAnswer::LegalHold
    } else if schedule_for(state).is_none() {
        ErasureAnswer::CaseOpen
    } else {
        ErasureAnswer::Erased
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn years_are_counted_on_the_local_calendar() {
        let rules = RetentionRules::default();
        let tz = chrono_tz::Europe::Bucharest;
        // 10:00 in Bucharest on 6 December 2026 (winter time, UTC+2).
        let c = rules.cutoffs(&tz, at("2026-12-06T08:00:00Z"));
        assert_eq!(
            c.closed_case_ms,
            at("2016-12-06T08:00:00Z").timestamp_millis()
        );
        // Three years back falls in the same winter time.
        assert_eq!(
            c.not_a_victim_ms,
            at("2023-12-06T08:00:00Z").timestamp_millis()
        );
        assert_eq!(c.session_ms, at("2026-11-06T08:00:00Z").timestamp_millis());
        assert_eq!(
            c.training_before,
            NaiveDate::from_ymd_opt(2021, 12, 6).unwrap()
        );
        // Summer then, winter now: the same local hour, an hour's difference in UTC.
        let c = RetentionRules {
            closed_case_years: 1,
            ..rules
        }
        .cutoffs(&tz, at("2027-01-10T08:00:00Z"));
        assert_eq!(
            c.closed_case_ms,
            at("2026-01-10T08:00:00Z").timestamp_millis()
        );
        let c = RetentionRules {
            not_a_victim_years: 1,
            ..rules
        }
        .cutoffs(&tz, at("2027-07-10T07:00:00Z"));
        assert_eq!(
            c.not_a_victim_ms,
            at("2026-07-10T07:00:00Z").timestamp_millis()
        );
        // Ten years before a moment in the hour skipped on 28 March 2021 (03:00 became 04:00
        // in Bucharest): the hour before, never "now".
        // 03:30 in Bucharest on 28 March 2031 (winter time, UTC+2) looks back to 03:30 on 28 March
        // 2021, which did not exist: 02:30 of that day is taken.
        let c = rules.cutoffs(&tz, at("2031-03-28T01:30:00Z"));
        assert_eq!(
            c.closed_case_ms,
            at("2021-03-28T00:30:00Z").timestamp_millis()
        );
        // 29 February ends on 28 February.
        let c = RetentionRules {
            closed_case_years: 1,
            ..rules
        }
        .cutoffs(&tz, at("2028-02-29T10:00:00Z"));
        assert_eq!(
            c.closed_case_ms,
            at("2027-02-28T10:00:00Z").timestamp_millis()
        );
    }

    #[test]
    fn schedules_out_of_range_are_named() {
        assert!(RetentionRules::default().problems().is_empty());
        let problems = RetentionRules {
            closed_case_years: 0,
            session_days: 4000,
            ..RetentionRules::default()
        }
        .problems();
        assert_eq!(
            problems,
            vec![
                "retention.closed_case_years: must be from 1 to 100",
                "retention.session_days: must be from 1 to 3650"
            ]
        );
    }

    #[test]
    fn a_hold_stops_a_request_whatever_the_state() {
        assert_eq!(
            answer_request(CaseState::Closed, 1),
            ErasureAnswer::LegalHold
        );
        assert_eq!(
            answer_request(CaseState::InAssistance, 0),
            ErasureAnswer::CaseOpen
        );
        assert_eq!(answer_request(CaseState::Closed, 0), ErasureAnswer::Erased);
        assert_eq!(
            answer_request(CaseState::NotAVictim, 0),
            ErasureAnswer::Erased
        );
        assert_eq!(
            schedule_for(CaseState::DeclinedAssistance),
            None,
            "a declined offer may still be taken up"
        );
    }
}
