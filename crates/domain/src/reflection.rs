//! The reflection period (mnir.md §3, §7; Law 678/2001 art. 39^1): a foreign national found to
//! be a presumed victim is offered time to recover and decide, during which they may not be
//! removed from the country. Accepting starts the `reflection_period` clock; while it runs the
//! case carries the no-removal flag that immigration sees.

use crate::case::CaseState;
use crate::vocabulary::codes;

codes!(
    /// How a reflection period ended before its clock ran out: a residence permit (or tolerated
    /// stay) decided, for instance to take part in proceedings; the person asked for assisted
    /// voluntary return; or the person left the mechanism or the period ended otherwise (the
    /// reason says how).
    ReflectionOutcome {
        Residence => "residence",
        Return => "return",
        Other => "other",
    }
);

/// Whether the offer is due: from the presumed-victim finding on, while the case is open, for
/// someone who is not a citizen of the jurisdiction's country. An unknown citizenship is treated
/// as foreign, so that nobody loses the protection for a missing document.
pub fn may_offer(state: CaseState, citizenship: &str, country: &str) -> bool {
    matches!(
        state,
        CaseState::PresumedVictim | CaseState::IdentifiedVictim | CaseState::InAssistance
    ) && !citizenship.eq_ignore_ascii_case(country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offer_is_for_foreign_presumed_or_identified_victims_only() {
        assert!(may_offer(CaseState::PresumedVictim, "MD", "RO"));
        assert!(may_offer(CaseState::IdentifiedVictim, "XX", "RO"));
        assert!(!may_offer(CaseState::PresumedVictim, "RO", "RO"));
        assert!(!may_offer(CaseState::PotentialVictim, "MD", "RO"));
        assert!(!may_offer(CaseState::NotAVictim, "MD", "RO"));
        assert!(!may_offer(CaseState::Closed, "MD", "RO"));
    }
}
