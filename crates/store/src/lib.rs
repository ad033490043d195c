//! The storage contract of mnir: records, errors, one trait per area ([`AccountStore`],
//! [`CaseStore`], [`IdentificationStore`], [`ConsentStore`], [`DirectoryStore`],
//! [`ReferralStore`], [`ReflectionStore`], [`RiskStore`], [`PlanStore`], [`JusticeStore`], [`ClockStore`], [`AuditStore`], [`StatisticsStore`], [`VictimProfileStore`], [`ExchangeStore`], [`RepatriationStore`], [`TrainingStore`], [`BreakGlassStore`], [`RetentionStore`], [`DuplicateStore`]), [`Store`] as their
//! sum, and [`conformance`], the suite every backend must pass.
//!
//! Backends receive plaintext records and encrypt identifying fields and free text themselves,
//! with the [`mnir_crypto::Keys`] they were opened with, before anything reaches SQL.

mod accounts;
mod audit;
mod break_glass;
mod cases;
mod clocks;
pub mod conformance;
mod consent;
mod directory;
mod duplicates;
mod exchange;
pub mod group_commit;
mod identification;
mod justice;
mod place;
mod plan;
mod referrals;
mod reflection;
mod repatriation;
mod retention;
mod risk;
pub mod sql;
mod statistics;
mod time;
mod training;
mod victim;

pub use place::ListPlace;
pub use time::Timestamp;

pub use accounts::*;
pub use audit::*;
pub use break_glass::*;
pub use cases::*;
pub use clocks::*;
pub use consent::*;
pub use directory::*;
pub use duplicates::*;
pub use exchange::*;
pub use identification::*;
pub use justice::*;
pub use plan::*;
pub use referrals::*;
pub use reflection::*;
pub use repatriation::*;
pub use retention::*;
pub use risk::*;
pub use statistics::*;
pub use training::*;
pub use victim::*;

use mnir_domain::CaseState;

/// The store traits, for callers that call them on a generic store (`use mnir_store::prelude::*;`).
pub mod prelude {
    pub use crate::{
        AccountStore, AuditStore, BreakGlassStore, CaseStore, ClockStore, ConsentStore,
        DirectoryStore, DuplicateStore, ExchangeStore, IdentificationStore, JusticeStore,
        PlanStore, ReferralStore, ReflectionStore, RepatriationStore, RetentionStore, RiskStore,
        StatisticsStore, Store, TrainingStore, VictimProfileStore,
    };
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Something with the same unique key exists (e.g. a login or an organisation code).
    #[error("already exists: {0}")]
    Conflict(String),
    /// The record changed since it was read (another user moved the case first).
    #[error("the case changed meanwhile: it is now {current}")]
    StaleState { current: CaseState },
    /// A running clock of this kind forbids the change (e.g. a return during the reflection
    /// period).
    #[error("a running {0} clock forbids this change")]
    BlockedByClock(mnir_domain::clocks::ClockKind),
    /// A repatriation's guard refused the step on the facts read inside its transaction.
    #[error("refused by the guard {0}")]
    Guard(mnir_domain::repatriation::Guard),
    /// The case's identifying data were erased meanwhile: nothing more is recorded on it.
    #[error("the case was erased")]
    Erased,
    #[error("the key file does not belong to this database (key check mismatch)")]
    KeyMismatch,
    #[error("invalid reference: {0}")]
    InvalidReference(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A whole backend: every area, so the application holds one `Arc<dyn Store>`.
pub trait Store:
    AccountStore
    + CaseStore
    + IdentificationStore
    + ConsentStore
    + DirectoryStore
    + ReferralStore
    + ReflectionStore
    + RiskStore
    + PlanStore
    + JusticeStore
    + ClockStore
    + AuditStore
    + StatisticsStore
    + VictimProfileStore
    + ExchangeStore
    + RepatriationStore
    + TrainingStore
    + BreakGlassStore
    + RetentionStore
    + DuplicateStore
    + 'static
{
    /// `sqlite` or `postgres`, for logs and test output.
    fn backend(&self) -> &'static str;
}
