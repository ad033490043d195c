//! Break-glass access (mnir.md §13): a case worker or supervisor who must act at once on a case
//! not routed to their organisation — a person in danger in front of them — opens it for a short
//! time with a reason. Every read under it is audited with the marker, the organisations the case
//! is routed to are told, and the user's supervisors and ANITP review it afterwards.

use crate::Role;
use crate::vocabulary::codes;

codes!(
    /// Why the glass was broken: the short list the form offers, with free text beside it.
    /// `immediate_danger`: the person is in danger now (threats, the exploiter nearby);
    /// `medical_emergency`: care is needed and the case's history matters to it;
    /// `child_at_risk`: a child's protection measures must be known; `imminent_move`: the
    /// person is about to be moved (removal, transfer, departure) and the case's flags and clocks
    /// must be checked first.
    BreakGlassReason {
        ImmediateDanger => "immediate_danger",
        MedicalEmergency => "medical_emergency",
        ChildAtRisk => "child_at_risk",
        ImminentMove => "imminent_move",
    }
);

codes!(
    /// A reviewer's finding on a break-glass access.
    ReviewFinding {
        Justified => "justified",
        NotJustified => "not_justified",
    }
);

/// The longest free text of a break-glass reason or a review.
pub const MAX_NOTE: usize = 1000;

/// The jurisdiction's rules for break-glass (`[break_glass]` of the profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlassRules {
    /// How long an access lasts.
    pub minutes: u32,
    /// Roles whose holders may not break the glass even if they hold a role that may.
    pub forbidden_roles: Vec<Role>,
}

impl Default for BreakGlassRules {
    fn default() -> BreakGlassRules {
        BreakGlassRules {
            minutes: 60,
            forbidden_roles: Vec::new(),
        }
    }
}

/// The roles that may break the glass, when the profile does not forbid them.
pub const MAY_BREAK_GLASS: &[Role] = &[Role::CaseWorker, Role::Supervisor];

impl BreakGlassRules {
    /// Whether a holder of `roles` may break the glass under this profile: some role of theirs
    /// may, and none of theirs is forbidden (a forbidden role is a deliberate limit on the
    /// person, not only on that role's work).
    pub fn permits(&self, roles: &crate::RoleSet) -> bool {
        roles.any(MAY_BREAK_GLASS) && !roles.any(&self.forbidden_roles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RoleSet;

    #[test]
    fn a_forbidden_role_takes_precedence_over_one_that_may() {
        let rules = BreakGlassRules {
            minutes: 60,
            forbidden_roles: vec![Role::Supervisor],
        };
        assert!(rules.permits(&RoleSet::new(vec![Role::CaseWorker])));
        assert!(!rules.permits(&RoleSet::new(vec![Role::Supervisor])));
        assert!(!rules.permits(&RoleSet::new(vec![Role::CaseWorker, Role::Supervisor])));
        assert!(!rules.permits(&RoleSet::new(vec![Role::Investigator])));
        assert!(BreakGlassRules::default().permits(&RoleSet::new(vec![Role::Supervisor])));
    }

    #[test]
    fn reasons_are_read_from_their_codes_only() {
        assert_eq!(
            BreakGlassReason::parse("child_at_risk"),
            Some(BreakGlassReason::ChildAtRisk)
        );
        assert_eq!(BreakGlassReason::parse("curiosity"), None);
        assert_eq!(
            ReviewFinding::parse("justified"),
            Some(ReviewFinding::Justified)
        );
    }
}
