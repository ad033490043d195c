//! One person notified twice (mnir.md §13): when the names' encodings of two cases are close
//! enough, ANITP is told that the two references may be one person, with a score, and its case
//! workers merge them (one becomes `duplicate` of the other) or mark them distinct.

use crate::CaseState;
use crate::vocabulary::codes;

codes!(
    /// What ANITP decided about a pair: one person (`merged`) or two (`distinct`).
    DuplicateDecision {
        Merged => "merged",
        Distinct => "distinct",
    }
);

/// The least Dice coefficient of the names' encodings at which two cases are put to ANITP: a
/// letter changed in one name of two scores about 0.85, unrelated names below 0.5 (policy).
pub const DICE_THRESHOLD: f64 = 0.8;

/// A score as kept and shown: thousandths.
pub fn permille(dice: f64) -> i64 {
    (dice.clamp(0.0, 1.0) * 1000.0).round() as i64
}

/// Whether two cases are put to ANITP: the same exact key (same name parts and birth date), or
/// names close enough.
pub fn is_candidate(same_exact: bool, dice: f64) -> bool {
    same_exact || dice >= DICE_THRESHOLD
}

/// Which of a pair becomes the duplicate on a merge: the later notification while it is still
/// only notified (the person's path goes on in the earlier one), else the earlier one while it is;
/// `None` when both have moved on (each then goes on, or is closed, through its own organisation).
pub fn merged_away(earlier: CaseState, later: CaseState) -> Option<Which> {
    match (earlier, later) {
        // The person's path goes on in the case kept: never into one that is itself a duplicate.
        (CaseState::Duplicate, _) | (_, CaseState::Duplicate) => None,
        (_, CaseState::Notified) => Some(Which::Later),
        (CaseState::Notified, _) => Some(Which::Earlier),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Earlier,
    Later,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_later_notification_is_merged_into_the_earlier_while_it_can_be() {
        use CaseState::*;
        assert_eq!(merged_away(InAssistance, Notified), Some(Which::Later));
        assert_eq!(merged_away(Notified, Notified), Some(Which::Later));
        assert_eq!(merged_away(Notified, PotentialVictim), Some(Which::Earlier));
        assert_eq!(merged_away(PresumedVictim, PotentialVictim), None);
        // Never both away: once one is a duplicate, the pair merges no more.
        assert_eq!(merged_away(Notified, Duplicate), None);
        assert_eq!(merged_away(Duplicate, Notified), None);
        assert!(is_candidate(true, 0.1));
        assert!(is_candidate(false, 0.8));
        assert!(!is_candidate(false, 0.79));
        assert_eq!(permille(0.8456), 846);
        assert_eq!(permille(1.5), 1000);
    }
}
