//! National statistics: victims, referrals and reflection periods counted by the database,
//! grouped by stored values.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::statistics::{Source, Unit};

/// One grouped count of the records of `unit` placed in `[from, to)`, grouped by the stored
/// values of two [`Source`]s: the victims whose first step to presumed or identified victim
/// falls in it, the referrals sent in it, or the reflection periods offered in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountQuery {
    pub unit: Unit,
    pub from: Timestamp,
    pub to: Timestamp,
    /// Only the records of cases found in these counties; `None` for the whole country.
    pub counties: Option<Vec<String>>,
    pub rows: Source,
    pub columns: Source,
}

/// (row value, column value, number of records, case); an absent value is the empty text. A
/// count of records that are not people (referrals, reflection periods) is grouped by case too,
/// and names it, so that the people behind a figure can be counted; a count of victims, each one
/// case, names none.
pub type GroupedCount = (String, String, i64, Option<String>);

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
    /// tell a reader comparing two looks whom it was about). Referrals and reflection periods
    /// are read the same way: what happened to them after the year's end is left unread.
    async fn count_grouped(
        &self,
        queries: &[CountQuery],
        by: &AuditActor,
        detail: &str,
    ) -> StoreResult<Vec<Vec<GroupedCount>>>;
}
