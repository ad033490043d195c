//! The append-only, hash-chained audit log.

use crate::StoreResult;
use crate::Timestamp;
use async_trait::async_trait;
use serde::Serialize;

/// Who did something, as written to the audit log and the case history. Never personal data:
/// user ids and organisation codes only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditActor {
    pub user_id: Option<String>,
    pub org_code: Option<String>,
    /// Where the request came from: `web`, `api` or `cli`.
    pub channel: &'static str,
    pub now_ms: Timestamp,
}

impl AuditActor {
    pub fn cli(now_ms: Timestamp) -> AuditActor {
        AuditActor {
            user_id: None,
            org_code: None,
            channel: "cli",
            now_ms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at_ms: Timestamp,
    pub actor_user: String,
    pub actor_org: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The entry's hash in the chain: keyed with the audit key from the key file, or, for the
    /// entries written before the chain was keyed (`keys` is `None`), plain SHA-256. The fields
    /// are covered in a fixed order.
    pub fn chained_hash(&self, prev_hash: &str, keys: Option<&mnir_crypto::Keys>) -> String {
        let seq = self.seq.to_string();
        let at = self.at_ms.to_string();
        let fields: [&str; 7] = [
            &seq,
            &at,
            &self.actor_user,
            &self.actor_org,
            &self.action,
            &self.target,
            &self.detail,
        ];
        match keys {
            Some(keys) => keys.audit_hash(prev_hash, &fields),
            None => mnir_crypto::audit_hash(prev_hash, &fields),
        }
    }
}

/// A sealed statement of the audit log's head at a moment, kept outside the database (the anchor
/// file): a log shorter than, or different from, any checkpoint was cut or rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheckpoint {
    pub seq: i64,
    pub hash: String,
    pub at_ms: Timestamp,
    /// Made with the key file over the three values, so a checkpoint cannot be forged.
    pub seal: String,
}

impl AuditCheckpoint {
    const PREFIX: &'static str = "mnir-audit-checkpoint v1";

    /// What the seal covers.
    pub fn statement(seq: i64, hash: &str, at_ms: Timestamp) -> String {
        format!("checkpoint {seq} {hash} {at_ms}")
    }

    /// The checkpoint as one line of the anchor file.
    pub fn line(&self) -> String {
        format!(
            "{} seq={} hash={} at={} seal={}",
            Self::PREFIX,
            self.seq,
            self.hash,
            self.at_ms,
            self.seal
        )
    }

    /// A line of the anchor file, if it is a checkpoint of this format.
    pub fn parse(line: &str) -> Option<AuditCheckpoint> {
        let rest = line.trim().strip_prefix(Self::PREFIX)?;
        let mut fields = rest.split_whitespace();
        let mut take = |name: &str| {
            fields
                .next()?
                .strip_prefix(name)?
                .strip_prefix('=')
                .map(str::to_string)
        };
        let seq = take("seq")?.parse().ok()?;
        let hash = take("hash")?;
        let at_ms = Timestamp::from_millis(take("at")?.parse().ok()?)?;
        let seal = take("seal")?;
        if fields.next().is_some() {
            return None;
        }
        Some(AuditCheckpoint {
            seq,
            hash,
            at_ms,
            seal,
        })
    }
}

/// How the log stands against a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointCheck {
    /// The log holds the entry with the hash the checkpoint saw.
    Holds,
    /// The log has no entry of the checkpoint's number: it was cut.
    Missing,
    /// The entry is there with another hash: the log was rewritten at or before it.
    Differs,
    /// The seal is not this key file's: the line is not a checkpoint of this database.
    BadSeal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerdict {
    Intact { entries: i64 },
    Broken { seq: i64, why: String },
}

/// Reading and verifying the audit log; every other area appends to it in its own transactions.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an audit entry for an event that is not itself a store write (login, logout).
    async fn audit(
        &self,
        action: &str,
        target: &str,
        detail: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Appends several entries (action, target, detail and actor each) in order, in one
    /// transaction: the way the reads' entries waiting together are written.
    async fn audit_group(&self, entries: &[(&str, &str, &str, &AuditActor)]) -> StoreResult<()>;
    /// Recomputes the hash chain from the first entry.
    async fn verify_audit(&self) -> StoreResult<AuditVerdict>;
    /// The most recent audit entries, newest first.
    async fn recent_audit(&self, limit: i64) -> StoreResult<Vec<AuditEntry>>;
    /// A sealed checkpoint of the log's head now; `None` while the log is empty.
    async fn audit_checkpoint(&self, now: Timestamp) -> StoreResult<Option<AuditCheckpoint>>;
    /// How the log stands against a checkpoint written earlier.
    async fn check_audit_checkpoint(
        &self,
        checkpoint: &AuditCheckpoint,
    ) -> StoreResult<CheckpointCheck>;
    /// The database objects that keep the audit log append-only (triggers) which are missing or
    /// disabled; empty when the log is protected.
    async fn missing_audit_guards(&self) -> StoreResult<Vec<String>>;
}
