//! The mechanism's rules, free of storage, web and time sources.
//!
//! Everything here is a pure function of its inputs: `now` is always an argument, and reference
//! tables are compiled in from `data/`, so a rule can be tested without a database or a clock.

pub mod authz;
pub mod break_glass;
pub mod calendar;
pub mod case;
pub mod clocks;
pub mod consent;
pub mod defaults;
pub mod directory;
pub mod duplicates;
pub mod htcds;
pub mod identification;
pub mod jurisdiction;
pub mod justice;
pub mod org;
pub mod plan;
pub mod reference;
pub mod referral;
pub mod reflection;
pub mod repatriation;
pub mod retention;
pub mod risk;
pub mod role;
pub mod routing;
pub mod screening;
pub mod statistics;
pub mod training;
pub mod victim;
mod vocabulary;
pub use vocabulary::Vocabulary;

pub use authz::{Action, Actor, CaseFacts, CaseScope, Denial, can, case_scope};
pub use case::{
    AgeGroup, CaseState, Exploitation, Sex, TransitionRule, age_on, case_reference, next_states,
    parse_iso_date, transition_rule,
};
pub use org::{IdentifyPower, OrgKind, OrgType};
pub use role::{Role, RoleSet};
pub use routing::{AccessBasis, route};
