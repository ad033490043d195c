//! The SQL of [`crate::AuditStore`], and the append to the chain that every area's writes make.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_audit_store {
    ($store:ty, $db:ty) => {
        fn audit_from(row: &DbRow) -> Result<AuditEntry, StoreError> {
            Ok(AuditEntry {
                seq: row.try_get(0).map_err(db_err)?,
                at_ms: row.try_get(1).map_err(db_err)?,
                actor_user: row.try_get(2).map_err(db_err)?,
                actor_org: row.try_get(3).map_err(db_err)?,
                action: row.try_get(4).map_err(db_err)?,
                target: row.try_get(5).map_err(db_err)?,
                detail: row.try_get(6).map_err(db_err)?,
                prev_hash: row.try_get(7).map_err(db_err)?,
                hash: row.try_get(8).map_err(db_err)?,
            })
        }

        impl $store {
            /// Where the keyed chain begins: the first entry hashed with the audit key. Entries
            /// before it were written by a version that did not key the chain. The record is
            /// sealed with the key, so it can be neither moved nor forged without the key file;
            /// it is made the first time it is needed, at the next entry's number.
            async fn keyed_from(&self, tx: &mut Tx, next_seq: i64) -> Result<i64, StoreError> {
                // Once written the record never changes: it is read once per store, not at every
                // audited request. A record this transaction makes is not kept until it is read
                // back committed, as the transaction may still roll back.
                if let Some(seq) = self.audit_keyed_from.get() {
                    return Ok(*seq);
                }
                let stored: Option<String> = ::sqlx::query_scalar("SELECT value FROM meta WHERE key = 'audit_keyed_from'")
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_err)?;
                if let Some(value) = stored {
                    let seq = self.read_keyed_from(&value).ok_or_else(|| StoreError::Corrupt("meta.audit_keyed_from: its seal does not match".into()))?;
                    let _ = self.audit_keyed_from.set(seq);
                    return Ok(seq);
                }
                let statement = format!("keyed from {next_seq}");
                ::sqlx::query("INSERT INTO meta (key, value) VALUES ('audit_keyed_from', $1)")
                    .bind(format!("{next_seq}:{}", self.keys.audit_seal(&statement)))
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(next_seq)
            }

            /// The entry number of a sealed `audit_keyed_from` record, if its seal is right.
            fn read_keyed_from(&self, value: &str) -> Option<i64> {
                let (seq, seal) = value.split_once(':')?;
                let seq: i64 = seq.parse().ok()?;
                mnir_crypto::constant_time_eq(seal, &self.keys.audit_seal(&format!("keyed from {seq}"))).then_some(seq)
            }

            async fn append_audit(
                &self,
                tx: &mut Tx,
                by: &AuditActor,
                action: &str,
                target: &str,
                detail: &str,
            ) -> Result<(), StoreError> {
                self.append_audit_entries(tx, &[(by, action, target, detail)]).await
            }

            /// Appends entries to the chain in order, in the caller's transaction: the chain's
            /// tip is read once and carried from entry to entry, the break-glass marker is looked
            /// up only for the users who may hold an open access, and the rows go in by multi-row
            /// inserts, so a group of reads' entries costs a few statements rather than three
            /// per entry.
            async fn append_audit_entries(
                &self,
                tx: &mut Tx,
                entries: &[(&AuditActor, &str, &str, &str)],
            ) -> Result<(), StoreError> {
                if entries.is_empty() {
                    return Ok(());
                }
                Self::lock_audit_chain(&mut **tx).await.map_err(db_err)?;
                let last: Option<(i64, String)> =
                    ::sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                        .fetch_optional(&mut **tx)
                        .await
                        .map_err(db_err)?;
                let (mut prev_seq, mut prev_hash) =
                    last.unwrap_or((0, mnir_crypto::AUDIT_GENESIS.to_string()));
                let keyed_from = self.keyed_from(tx, prev_seq + 1).await?;
                let may_hold_glass = self.users_who_may_hold_glass(tx, entries).await?;
                let mut rows = Vec::with_capacity(entries.len());
                for &(by, action, target, detail) in entries {
                    // Whatever path wrote it, an entry about a case made under an open
                    // break-glass access names that access (mnir.md §13).
                    let holds = by.user_id.as_deref().is_some_and(|u| may_hold_glass.as_ref().is_none_or(|users| users.contains(u)));
                    let marker = if holds { self.glass_marker(tx, by, target).await? } else { None };
                    let detail = match &marker {
                        Some(id) if detail.is_empty() => format!("break_glass={id}"),
                        Some(id) if !detail.contains("break_glass=") => format!("{detail} break_glass={id}"),
                        _ => detail.to_string(),
                    };
                    let mut entry = AuditEntry {
                        seq: prev_seq + 1,
                        at_ms: by.now_ms,
                        actor_user: by.user_id.clone().unwrap_or_else(|| format!("({})", by.channel)),
                        actor_org: by.org_code.clone().unwrap_or_default(),
                        action: action.to_string(),
                        target: target.to_string(),
                        detail: format!("channel={}{}{}", by.channel, if detail.is_empty() { "" } else { " " }, detail),
                        prev_hash: std::mem::take(&mut prev_hash),
                        hash: String::new(),
                    };
                    let keys = (entry.seq >= keyed_from).then_some(&self.keys);
                    entry.hash = entry.chained_hash(&entry.prev_hash, keys);
                    prev_seq = entry.seq;
                    prev_hash = entry.hash.clone();
                    rows.push(entry);
                }
                // A few fixed sizes of insert, so that the prepared statements stay a handful
                // whatever the group's size (a statement per size would crowd the others out of
                // the connection's cache).
                let mut rest = rows.as_slice();
                while !rest.is_empty() {
                    let size = $crate::sql::AUDIT_INSERT_SIZES.iter().copied().find(|&n| n <= rest.len()).unwrap_or(1);
                    let (chunk, after) = rest.split_at(size);
                    let mut q = ::sqlx::query(::sqlx::AssertSqlSafe($crate::sql::audit_insert_sql(size)));
                    for entry in chunk {
                        q = q
                            .bind(entry.seq)
                            .bind(entry.at_ms)
                            .bind(&entry.actor_user)
                            .bind(&entry.actor_org)
                            .bind(&entry.action)
                            .bind(&entry.target)
                            .bind(&entry.detail)
                            .bind(&entry.prev_hash)
                            .bind(&entry.hash);
                    }
                    q.execute(&mut **tx).await.map_err(db_err)?;
                    rest = after;
                }
                Ok(())
            }

            /// Of the users behind several entries, those who may hold an open break-glass
            /// access (one statement for the group); `None` for a single entry, whose marker is
            /// looked up directly.
            async fn users_who_may_hold_glass(
                &self,
                tx: &mut Tx,
                entries: &[(&AuditActor, &str, &str, &str)],
            ) -> Result<Option<std::collections::HashSet<String>>, StoreError> {
                if entries.len() < 2 {
                    return Ok(None);
                }
                let users: std::collections::BTreeSet<&str> = entries.iter().filter_map(|(by, ..)| by.user_id.as_deref()).collect();
                if users.is_empty() {
                    return Ok(Some(Default::default()));
                }
                // An access open at any entry's time has neither ended nor expired by the earliest
                // entry's time; the exact window is checked per entry for the users found.
                let earliest = entries.iter().map(|(by, ..)| by.now_ms).min().unwrap_or(Timestamp::EPOCH);
                let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT DISTINCT user_id FROM break_glass WHERE ended_at_ms IS NULL AND expires_at_ms > ");
                q.push_bind(earliest).push(" AND user_id IN (");
                let mut list = q.separated(", ");
                for user in &users {
                    list.push_bind(*user);
                }
                q.push(")");
                let found: Vec<String> = q.build_query_scalar().persistent(false).fetch_all(&mut **tx).await.map_err(db_err)?;
                Ok(Some(found.into_iter().collect()))
            }
        }

        impl $store {
            /// Appends the audit entry of a read, batched with the entries of the reads waiting at
            /// the same time into one transaction (see [`group_commit`]); returns once it is
            /// committed.
            async fn append_read_audit(&self, by: &AuditActor, action: &str, target: &str, detail: &str) -> Result<(), StoreError> {
                let mut waiting = self.read_audit.enqueue(by, action, target, detail);
                loop {
                    let _turn = self.read_audit.turn().await;
                    if let Some(outcome) = waiting.outcome() {
                        return outcome;
                    }
                    let mut batch = self.read_audit.take_batch();
                    let written = async {
                        let mut tx = self.begin_write().await.map_err(db_err)?;
                        let entries: Vec<_> = batch.entries().iter().map(|e| (&e.by, e.action.as_str(), e.target.as_str(), e.detail.as_str())).collect();
                        self.append_audit_entries(&mut tx, &entries).await?;
                        batch.committing();
                        tx.commit().await.map_err(db_err)
                    }
                    .await;
                    batch.finish(written.map_err(|e| e.to_string()));
                    // This read's entry was in that batch unless the queue was longer than one.
                }
            }
        }

        #[async_trait]
        impl AuditStore for $store {
            async fn audit(&self, action: &str, target: &str, detail: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                self.append_audit(&mut tx, by, action, target, detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn audit_group(&self, entries: &[(&str, &str, &str, &AuditActor)]) -> StoreResult<()> {
                let entries: Vec<_> = entries.iter().map(|&(action, target, detail, by)| (by, action, target, detail)).collect();
                let mut tx = self.begin_write().await.map_err(db_err)?;
                self.append_audit_entries(&mut tx, &entries).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn verify_audit(&self) -> StoreResult<AuditVerdict> {
                let marker: Option<String> = ::sqlx::query_scalar("SELECT value FROM meta WHERE key = 'audit_keyed_from'")
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                let first: Option<i64> = ::sqlx::query_scalar("SELECT MIN(seq) FROM audit_log")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_err)?;
                // Every entry is keyed from this one on; a log that has entries has the record.
                let keyed_from = match marker {
                    Some(value) => match self.read_keyed_from(&value) {
                        Some(seq) => seq,
                        None => return Ok(AuditVerdict::Broken { seq: 0, why: "the record of where the keyed chain begins was altered".into() }),
                    },
                    None if first.is_some() => return Ok(AuditVerdict::Broken { seq: 0, why: "the record of where the keyed chain begins is missing".into() }),
                    None => 1,
                };
                let mut prev_hash = mnir_crypto::AUDIT_GENESIS.to_string();
                let mut expected_seq = 1i64;
                let mut entries = 0i64;
                // Read in pages so a long log is verified in bounded memory.
                loop {
                    let rows = ::sqlx::query("SELECT seq, at_ms, actor_user, actor_org, action, target, detail, prev_hash, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 5000")
                        .bind(expected_seq)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    if rows.is_empty() {
                        // The keyed chain began at `keyed_from`: the entries before it existed.
                        if expected_seq < keyed_from {
                            return Ok(AuditVerdict::Broken { seq: expected_seq, why: format!("entry {expected_seq} is missing (the keyed chain begins at {keyed_from})") });
                        }
                        break;
                    }
                    for row in &rows {
                        let entry = audit_from(row)?;
                        if entry.seq != expected_seq {
                            return Ok(AuditVerdict::Broken { seq: expected_seq, why: format!("entry {expected_seq} is missing (next is {})", entry.seq) });
                        }
                        if entry.prev_hash != prev_hash {
                            return Ok(AuditVerdict::Broken { seq: entry.seq, why: "its link to the previous entry does not match".into() });
                        }
                        let keys = (entry.seq >= keyed_from).then_some(&self.keys);
                        if entry.chained_hash(&prev_hash, keys) != entry.hash {
                            return Ok(AuditVerdict::Broken { seq: entry.seq, why: "its content does not match its hash".into() });
                        }
                        prev_hash = entry.hash;
                        expected_seq += 1;
                        entries += 1;
                    }
                }
                Ok(AuditVerdict::Intact { entries })
            }

            async fn audit_checkpoint(&self, now: Timestamp) -> StoreResult<Option<AuditCheckpoint>> {
                let last: Option<(i64, String)> = ::sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(last.map(|(seq, hash)| {
                    let seal = self.keys.audit_seal(&AuditCheckpoint::statement(seq, &hash, now));
                    AuditCheckpoint { seq, hash, at_ms: now, seal }
                }))
            }

            async fn check_audit_checkpoint(&self, c: &AuditCheckpoint) -> StoreResult<CheckpointCheck> {
                let expected = self.keys.audit_seal(&AuditCheckpoint::statement(c.seq, &c.hash, c.at_ms));
                if !mnir_crypto::constant_time_eq(&c.seal, &expected) {
                    return Ok(CheckpointCheck::BadSeal);
                }
                let hash: Option<String> = ::sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                    .bind(c.seq)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(match hash {
                    None => CheckpointCheck::Missing,
                    Some(h) if mnir_crypto::constant_time_eq(&h, &c.hash) => CheckpointCheck::Holds,
                    Some(_) => CheckpointCheck::Differs,
                })
            }

            async fn missing_audit_guards(&self) -> StoreResult<Vec<String>> {
                self.audit_guards_missing().await.map_err(db_err)
            }

            async fn recent_audit(&self, limit: i64) -> StoreResult<Vec<AuditEntry>> {
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT seq, at_ms, actor_user, actor_org, action, target, detail, prev_hash, hash FROM audit_log ORDER BY seq DESC{}", $crate::sql::limit(limit))))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.iter().map(audit_from).collect()
            }
        }
    };
}
