//! Group commit of the audit entries of reads.
//!
//! Every read of case data appends an entry to the audit chain, and the chain has one writer at a
//! time (SQLite's write lock, PostgreSQL's advisory lock), each commit synced to the disk. Written
//! one transaction per read, the reads queue behind each other's syncs. Here a read queues its
//! entry and waits; whoever holds the writer's turn writes every entry queued by then in one
//! transaction and tells each reader the outcome. A read returns only once its own entry is
//! committed, so the chain still holds every read, in the order the entries were committed.
//!
//! A batch whose writer is cancelled (the browser went away mid-request) before its commit was
//! sent puts its entries back at the head of the queue for the next turn: nothing of it was
//! committed, so nothing is written twice and nothing is dropped. Cancelled once the commit was
//! sent, whether it landed is unknown: its readers are then told the read failed, rather than
//! risk writing their entries a second time, and none of them returns data.

use crate::{AuditActor, StoreError};
use std::collections::VecDeque;
use std::sync::Mutex;
use tokio::sync::oneshot;

/// The most entries one transaction writes; a longer queue is written over several turns.
const MOST_PER_BATCH: usize = 256;

/// One read's entry, waiting to be written.
pub struct QueuedRead {
    pub by: AuditActor,
    pub action: String,
    pub target: String,
    pub detail: String,
    done: oneshot::Sender<Result<(), String>>,
}

/// The queue of a store's read entries and the turn of its one batch writer.
#[derive(Default)]
pub struct ReadAuditQueue {
    queue: Mutex<VecDeque<QueuedRead>>,
    turn: tokio::sync::Mutex<()>,
}

/// A reader's wait for its entry's outcome.
pub struct Waiting(oneshot::Receiver<Result<(), String>>);

impl Waiting {
    /// The outcome once a batch holding the entry has been committed or has failed.
    pub fn outcome(&mut self) -> Option<Result<(), StoreError>> {
        match self.0.try_recv() {
            Ok(result) => Some(result.map_err(StoreError::Database)),
            Err(oneshot::error::TryRecvError::Empty) => None,
            Err(oneshot::error::TryRecvError::Closed) => Some(Err(StoreError::Database(
                "the audit entry of this read was dropped unwritten".into(),
            ))),
        }
    }
}

impl ReadAuditQueue {
    pub fn enqueue(&self, by: &AuditActor, action: &str, target: &str, detail: &str) -> Waiting {
        let (done, outcome) = oneshot::channel();
        self.lock_queue().push_back(QueuedRead {
            by: by.clone(),
            action: action.to_string(),
            target: target.to_string(),
            detail: detail.to_string(),
            done,
        });
        Waiting(outcome)
    }

    /// Waits for the writer's turn; while it is held no other batch is written.
    pub async fn turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.turn.lock().await
    }

    /// Takes the entries queued so far (at most one batch), oldest first.
    pub fn take_batch(&self) -> Batch<'_> {
        let mut queue = self.lock_queue();
        let n = queue.len().min(MOST_PER_BATCH);
        Batch {
            queue: self,
            entries: queue.drain(..n).collect(),
            committing: false,
        }
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, VecDeque<QueuedRead>> {
        // A panic while holding this lock cannot leave the queue half-changed (each change is
        // one push or one drain), so a poisoned lock is still a usable queue.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Entries taken to be written in one transaction; dropped unfinished, they go back to the head
/// of the queue.
pub struct Batch<'q> {
    queue: &'q ReadAuditQueue,
    entries: Vec<QueuedRead>,
    /// The commit was sent: from here on, dropped unfinished, its outcome is unknown.
    committing: bool,
}

impl Batch<'_> {
    pub fn entries(&self) -> &[QueuedRead] {
        &self.entries
    }

    /// Marks the point after which the batch may be committed even if its writer goes away.
    pub fn committing(&mut self) {
        self.committing = true;
    }

    /// Tells every reader of the batch the outcome of its transaction.
    pub fn finish(mut self, result: Result<(), String>) {
        for entry in self.entries.drain(..) {
            // A reader that went away no longer waits for the answer; its entry stands.
            let _ = entry.done.send(result.clone());
        }
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if self.entries.is_empty() {
            return;
        }
        if self.committing {
            for entry in self.entries.drain(..) {
                let _ = entry.done.send(Err(
                    "the audit batch's writer went away during its commit".into(),
                ));
            }
            return;
        }
        let mut queue = self.queue.lock_queue();
        for entry in self.entries.drain(..).rev() {
            queue.push_front(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    fn by(user: &str) -> AuditActor {
        AuditActor {
            user_id: Some(user.into()),
            org_code: None,
            channel: "web",
            now_ms: Timestamp::EPOCH,
        }
    }

    fn users(batch: &Batch<'_>) -> Vec<String> {
        batch
            .entries()
            .iter()
            .map(|e| e.by.user_id.clone().unwrap())
            .collect()
    }

    #[test]
    fn a_batch_takes_what_is_queued_and_an_abandoned_one_goes_back_first() {
        let queue = ReadAuditQueue::default();
        let mut waiting: Vec<Waiting> = ["a", "b", "c"]
            .iter()
            .map(|u| queue.enqueue(&by(u), "case.read", "case:1", ""))
            .collect();
        let batch = queue.take_batch();
        assert_eq!(users(&batch), ["a", "b", "c"]);
        let late = queue.enqueue(&by("d"), "case.read", "case:1", "");
        drop(batch);
        assert!(
            waiting.iter_mut().all(|w| w.outcome().is_none()),
            "nothing was written"
        );
        let batch = queue.take_batch();
        assert_eq!(
            users(&batch),
            ["a", "b", "c", "d"],
            "the abandoned entries first, in order"
        );
        batch.finish(Err("disk full".into()));
        assert!(
            matches!(waiting[0].outcome(), Some(Err(StoreError::Database(m))) if m == "disk full")
        );
        waiting.push(late);
        assert!(waiting.iter_mut().all(|w| w.outcome().is_some()));
        assert!(queue.take_batch().entries().is_empty());
    }

    #[test]
    fn a_batch_abandoned_during_its_commit_is_not_written_again() {
        let queue = ReadAuditQueue::default();
        let mut waiting = queue.enqueue(&by("a"), "case.read", "case:1", "");
        let mut batch = queue.take_batch();
        batch.committing();
        drop(batch);
        assert!(matches!(waiting.outcome(), Some(Err(_))), "the read fails");
        assert!(
            queue.take_batch().entries().is_empty(),
            "nothing is queued again"
        );
    }

    #[test]
    fn a_long_queue_is_written_over_several_batches() {
        let queue = ReadAuditQueue::default();
        let mut waiting: Vec<Waiting> = (0..MOST_PER_BATCH + 3)
            .map(|i| queue.enqueue(&by(&i.to_string()), "case.list", "cases", ""))
            .collect();
        let first = queue.take_batch();
        assert_eq!(first.entries().len(), MOST_PER_BATCH);
        first.finish(Ok(()));
        assert!(matches!(waiting[0].outcome(), Some(Ok(()))));
        assert!(
            waiting[MOST_PER_BATCH].outcome().is_none(),
            "not yet in a batch"
        );
        assert_eq!(queue.take_batch().entries().len(), 3);
    }
}
