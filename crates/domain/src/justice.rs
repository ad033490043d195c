//! The criminal-justice track beside assistance (mnir.md §9), the non-punishment flag, and the
//! disclosures that let a support record out of its compartment to an investigating body.
//!
//! The track never gates assistance: nothing here is a condition of a step of the case. What the
//! investigators see of a case is the investigative summary; a support record reaches them only
//! through a disclosure in force ([`DisclosureTerms::status`]).

use crate::case::CaseState;
use crate::consent::{ConsentTerms, Purpose};
use crate::vocabulary::codes;
use chrono::NaiveDate;

codes!(
    /// The person's standing in criminal proceedings.
    Standing {
        InjuredParty => "injured_party",
        Witness => "witness",
        InjuredPartyAndWitness => "injured_party_and_witness",
        None => "none",
    }
);

codes!(
    /// Where proceedings stand, from the investigation to the final judgment.
    ProceedingOutcome {
        Pending => "pending",
        SentToTrial => "sent_to_trial",
        Dismissed => "dismissed",
        Conviction => "conviction",
        Acquittal => "acquittal",
    }
);

codes!(
    /// The protection measures a prosecutor or a court may order for the person in proceedings.
    OrderedMeasure {
        WitnessProtection => "witness_protection",
        ProtectedIdentity => "protected_identity",
        RemoteHearing => "remote_hearing",
        RestrainingOrder => "restraining_order",
        Other => "other",
    }
);

codes!(
    /// What kind of appearance a hearing is.
    HearingKind {
        Statement => "statement",
        CourtHearing => "court_hearing",
        Confrontation => "confrontation",
        Other => "other",
    }
);

codes!(
    /// The legal ground on which a support record leaves its compartment.
    DisclosureBasis {
        Consent => "consent",
        ProsecutorOrder => "prosecutor_order",
    }
);

codes!(
    /// The support records a disclosure may cover. The shelter's confidential address is never
    /// among them: it stays with the shelter and the case's case workers.
    DisclosedRecord {
        RiskAssessments => "risk_assessments",
        Plan => "plan",
    }
);

codes!(
    /// Where a disclosure stands on a given day.
    DisclosureStatus {
        InForce => "in_force",
        Ended => "ended",
        Lapsed => "lapsed",
        ConsentEnded => "consent_ended",
    }
);

impl ProceedingOutcome {
    /// An outcome that ends the proceedings carries the day it was given.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            ProceedingOutcome::Pending | ProceedingOutcome::SentToTrial
        )
    }
}

/// Whether the justice track may be kept on a case in this state: once a notification exists the
/// person may already be a witness, and proceedings outlive the case's assistance, so every state
/// but a duplicate (whose record lives on the original).
pub fn may_keep_track(state: CaseState) -> bool {
    state != CaseState::Duplicate
}

/// How far back a day of the track may lie (proceedings last years), and how far ahead (a
/// hearing scheduled).
pub const DAYS_BACK: i64 = 10 * 366;
pub const DAYS_AHEAD: i64 = 2 * 366;

/// What is wrong with a day of the track, as a message id.
pub fn check_day(day: NaiveDate, today: NaiveDate) -> Option<&'static str> {
    let days = (day - today).num_days();
    if days < -DAYS_BACK {
        Some("justice-date-too-early")
    } else if days > DAYS_AHEAD {
        Some("justice-date-too-late")
    } else {
        None
    }
}

/// What is wrong with an outcome and its day, as a message id: a final outcome has its day, not
/// in the future; one that is not final has none.
pub fn check_outcome(
    outcome: ProceedingOutcome,
    outcome_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<&'static str> {
    match (outcome.is_final(), outcome_on) {
        (true, None) => Some("justice-outcome-date-required"),
        (true, Some(d)) if d > today => Some("justice-outcome-date-future"),
        (false, Some(_)) => Some("justice-outcome-date-not-final"),
        _ => None,
    }
}

/// The longest a disclosure may run: a year, after which it is recorded again if still needed.
pub const LONGEST_DISCLOSURE_DAYS: i64 = 366;

/// What is wrong with the day a disclosure ends, as a message id.
pub fn check_disclosure_until(until: NaiveDate, today: NaiveDate) -> Option<&'static str> {
    let days = (until - today).num_days();
    if days < 0 {
        Some("disclosure-until-past")
    } else if days > LONGEST_DISCLOSURE_DAYS {
        Some("disclosure-until-too-late")
    } else {
        None
    }
}

/// What is wrong with a prosecutor's order's day, as a message id: not in the future, and an
/// order older than the track's reach is not a current one.
pub fn check_order_day(on: NaiveDate, today: NaiveDate) -> Option<&'static str> {
    if on > today {
        Some("disclosure-order-future")
    } else {
        check_day(on, today)
    }
}

/// A disclosure as far as its force goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisclosureTerms {
    pub basis: DisclosureBasis,
    pub recipient_org: String,
    /// The last day it covers (the jurisdiction's calendar day), included.
    pub until_on: NaiveDate,
    /// When it was ended early by the compartment's holders.
    pub ended_at_ms: Option<i64>,
    /// The consent it rests on, for a disclosure by consent.
    pub consent: Option<ConsentTerms>,
}

impl DisclosureTerms {
    /// Where it stands on `today` at `now`: ended early first, then past its last day, then its
    /// consent gone (a withdrawal ends a disclosure by consent on the next request, with nothing
    /// to update); in force otherwise.
    pub fn status(&self, today: NaiveDate, now_ms: i64) -> DisclosureStatus {
        if self.ended_at_ms.is_some_and(|e| e <= now_ms) {
            DisclosureStatus::Ended
        } else if today > self.until_on {
            DisclosureStatus::Lapsed
        } else if self.basis == DisclosureBasis::Consent
            && !self
                .consent
                .as_ref()
                .is_some_and(|c| c.covers(Purpose::SharingWithPolice, &self.recipient_org, now_ms))
        {
            DisclosureStatus::ConsentEnded
        } else {
            DisclosureStatus::InForce
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_final_outcome_needs_its_day_and_only_it_has_one() {
        let today = d("2026-12-06");
        for outcome in ProceedingOutcome::ALL.iter().copied() {
            let final_ = outcome.is_final();
            assert_eq!(
                check_outcome(outcome, None, today).is_some(),
                final_,
                "{outcome} without a day"
            );
            assert_eq!(
                check_outcome(outcome, Some(d("2026-11-01")), today).is_some(),
                !final_,
                "{outcome} with a day"
            );
        }
        assert_eq!(
            check_outcome(ProceedingOutcome::Conviction, Some(d("2026-12-07")), today),
            Some("justice-outcome-date-future")
        );
    }

    #[test]
    fn days_of_the_track_reach_ten_years_back_and_two_ahead() {
        let today = d("2026-12-06");
        assert_eq!(check_day(today, today), None);
        assert_eq!(
            check_day(today - chrono::Duration::days(DAYS_BACK), today),
            None
        );
        assert_eq!(
            check_day(today - chrono::Duration::days(DAYS_BACK + 1), today),
            Some("justice-date-too-early")
        );
        assert_eq!(
            check_day(today + chrono::Duration::days(DAYS_AHEAD + 1), today),
            Some("justice-date-too-late")
        );
        assert_eq!(
            check_order_day(d("2026-12-07"), today),
            Some("disclosure-order-future")
        );
        assert_eq!(
            check_disclosure_until(d("2026-12-05"), today),
            Some("disclosure-until-past")
        );
        assert_eq!(check_disclosure_until(today, today), None);
        assert_eq!(
            check_disclosure_until(today + chrono::Duration::days(367), today),
            Some("disclosure-until-too-late")
        );
    }

    fn order(until: &str) -> DisclosureTerms {
        DisclosureTerms {
            basis: DisclosureBasis::ProsecutorOrder,
            recipient_org: "DIICOT".into(),
            until_on: d(until),
            ended_at_ms: None,
            consent: None,
        }
    }

    #[test]
    fn a_disclosure_runs_to_its_last_day_included_unless_ended() {
        let t = order("2026-12-06");
        assert_eq!(t.status(d("2026-12-06"), 1_000), DisclosureStatus::InForce);
        assert_ne!(t.status(d("2026-12-07"), 1_000), DisclosureStatus::InForce);
        let ended = DisclosureTerms {
            ended_at_ms: Some(500),
            ..t
        };
        assert_eq!(
            ended.status(d("2026-12-01"), 499),
            DisclosureStatus::InForce
        );
        assert_ne!(
            ended.status(d("2026-12-01"), 500),
            DisclosureStatus::InForce
        );
        assert_eq!(ended.status(d("2026-12-01"), 500), DisclosureStatus::Ended);
        assert_eq!(
            order("2026-12-06").status(d("2026-12-07"), 1),
            DisclosureStatus::Lapsed
        );
    }

    #[test]
    fn a_disclosure_by_consent_ends_with_the_consent() {
        let consent = ConsentTerms {
            purpose: Purpose::SharingWithPolice,
            recipient_org: Some("DIICOT".into()),
            given_at_ms: 100,
            expires_at_ms: None,
            withdrawn_at_ms: None,
        };
        let mut t = DisclosureTerms {
            basis: DisclosureBasis::Consent,
            consent: Some(consent.clone()),
            ..order("2027-01-01")
        };
        assert_eq!(t.status(d("2026-12-06"), 1_000), DisclosureStatus::InForce);
        // Consent for another recipient, or for another purpose, does not carry it.
        t.consent = Some(ConsentTerms {
            recipient_org: Some("IGPR".into()),
            ..consent.clone()
        });
        assert_ne!(t.status(d("2026-12-06"), 1_000), DisclosureStatus::InForce);
        t.consent = Some(ConsentTerms {
            purpose: Purpose::Assistance,
            ..consent.clone()
        });
        assert_ne!(t.status(d("2026-12-06"), 1_000), DisclosureStatus::InForce);
        // Withdrawn: ended from that moment on.
        t.consent = Some(ConsentTerms {
            withdrawn_at_ms: Some(900),
            ..consent
        });
        assert_eq!(t.status(d("2026-12-06"), 899), DisclosureStatus::InForce);
        assert_ne!(t.status(d("2026-12-06"), 900), DisclosureStatus::InForce);
        assert_eq!(
            t.status(d("2026-12-06"), 900),
            DisclosureStatus::ConsentEnded
        );
        t.consent = None;
        assert_ne!(t.status(d("2026-12-06"), 1), DisclosureStatus::InForce);
    }

    #[test]
    fn the_track_is_kept_in_every_state_but_a_duplicate() {
        for s in CaseState::ALL.iter().copied() {
            assert_eq!(may_keep_track(s), s != CaseState::Duplicate, "{s}");
        }
    }
}
