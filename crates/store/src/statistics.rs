//! National statistics: victims counted by the database, grouped by stored values.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::statistics::Source;

/// One grouped count: the victims whose first step to presumed or identified victim falls in
/// `[from, to)`, grouped by the stored values of two [`Source`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VictimCountQuery {
    pub from: Timestamp,
    pub to: Timestamp,
    /// Only the victims found in these counties; `None` for the whole country.
    pub counties: Option<Vec<String>>,
    pub rows: Source,
    pub columns: Source,
}

/// (row value, column value, number of victims); an absent value is the empty text.
pub type GroupedCount = (String, String, i64);

#[async_trait]
pub trait StatisticsStore: Send + Sync {
    /// Answers each query, all of them from one snapshot (tables published together add up to
    /// the same totals even while cases change), and appends one read entry to the audit log
    /// (`statistics.read`, with `detail`) before returning.
    ///
    /// Who is a victim of a year: a case whose first step to `presumed_victim` or
    /// `identified_victim` falls in it, unless its last step before the year's end made it
    /// `not_a_victim` or a `duplicate`. Only steps before the end count, so a year's figures do
    /// not change once it is over: a later finding changes no published figure (which would
    /// tell a reader comparing two looks whom it was about).
    async fn count_victims(
        &self,
        queries: &[VictimCountQuery],
        by: &AuditActor,
        detail: &str,
    ) -> StoreResult<Vec<Vec<GroupedCount>>>;
}
