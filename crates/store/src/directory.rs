//! The directory of services: what each organisation offers, where and to whom.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub org_code: String,
    pub services: Vec<String>,
    /// ISO 3166-2 codes of the counties covered; empty means nationwide.
    pub counties: Vec<String>,
    pub target_groups: Vec<String>,
    pub languages: Vec<String>,
    /// Places available now, when the organisation reports it.
    pub capacity: Option<i64>,
    pub updated_at_ms: Timestamp,
}

/// The service directory.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    async fn save_directory_entry(
        &self,
        entry: &DirectoryEntry,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Every directory entry, by organisation code.
    async fn directory(&self) -> StoreResult<Vec<DirectoryEntry>>;
}
