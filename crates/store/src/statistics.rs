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
    /// Who is a victim: a case with a step to `presumed_victim` or `identified_victim`, whose
    /// state is not `not_a_victim` or `duplicate` now (a later finding or a merged record takes
    /// it out of every year's figures). Its year is that of its first such step.
    async fn count_victims(
        &self,
        queries: &[VictimCountQuery],
        by: &AuditActor,
        detail: &str,
    ) -> StoreResult<Vec<Vec<GroupedCount>>>;
}
