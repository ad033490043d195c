//! The SQL implementation of [`crate::Store`], written once and expanded in each backend crate.
//!
//! SQLite and PostgreSQL accept the same statements here (`$n` placeholders, `ON CONFLICT`,
//! `BIGINT` epoch milliseconds, `BLOB`/`BYTEA` both bound as bytes), so the only differences are
//! the backend's own hooks, which each backend defines as inherent methods:
//!
//! - `async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, DB>>`: a transaction
//!   that may write (SQLite takes the write lock at `BEGIN IMMEDIATE` so two writers never
//!   deadlock on upgrade);
//! - `async fn lock_audit_chain(conn: &mut DB::Connection) -> sqlx::Result<()>`: serialises
//!   appends to the audit chain across connections and servers.
//!
//! A macro rather than generic functions because sqlx's per-database trait bounds would
//! otherwise have to be repeated on every function.

#[doc(hidden)]
pub mod __private {
    pub use async_trait::async_trait;
    pub use chrono;
    pub use mnir_crypto;
    pub use mnir_domain;
    pub use serde_json;
    pub use uuid;
}

use crate::StoreError;
use mnir_domain::CaseState;
use std::str::FromStr;

/// Maps a text column back to a vocabulary value, naming the column when the database holds
/// something the code does not know.
pub fn parse_column<T: FromStr<Err = E>, E: std::fmt::Display>(
    column: &str,
    value: &str,
) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

pub fn state_column(value: &str) -> Result<CaseState, StoreError> {
    parse_column("cases.state", value)
}

/// Orders a case's access list as routing made it: the notifier, then the regional centre,
/// then child protection, then anyone added later.
pub fn basis_rank(basis: &str) -> u8 {
    match basis {
        "notifier" => 0,
        "regional_centre" => 1,
        "child_protection" => 2,
        _ => 3,
    }
}

/// The condition that keeps a query inside an actor's scope; `$1` national, `$2` organisation,
/// `$3` user (see [`crate::ScopeFor`]).
pub const SCOPE_CONDITION: &str = "($1 OR EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = c.id AND a.org_code = $2) OR c.created_by = $3)";

#[macro_export]
macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $backend:literal) => {
        const _: () = {
            use $crate::sql::__private::{async_trait, chrono, mnir_crypto, mnir_domain, serde_json, uuid};
            use $crate::sql::{parse_column, state_column, SCOPE_CONDITION};
            use $crate::*;
            use ::sqlx::Row as _;

            type Tx = ::sqlx::Transaction<'static, $db>;
            type DbRow = <$db as ::sqlx::Database>::Row;

            fn db_err(e: ::sqlx::Error) -> StoreError {
                if let Some(db) = e.as_database_error() {
                    match db.kind() {
                        ::sqlx::error::ErrorKind::UniqueViolation => {
                            return StoreError::Conflict(db.message().to_string());
                        }
                        ::sqlx::error::ErrorKind::ForeignKeyViolation => {
                            return StoreError::InvalidReference(db.message().to_string());
                        }
                        _ => {}
                    }
                }
                StoreError::Database(e.to_string())
            }

            const ORG_COLUMNS: &str =
                "o.code, o.name, o.org_type, o.kind, o.county, o.identify_power, o.active";
            const USER_QUERY: &str = "SELECT u.id, u.login, u.roles, u.password_hash, u.active, u.failed_logins, u.locked_until_ms, o.code, o.name, o.org_type, o.kind, o.county, o.identify_power, o.active FROM users u JOIN organisations o ON o.code = u.org_code";
            const CLOCK_COLUMNS: &str = "k.id, k.case_id, k.kind, k.org_code, k.length, k.on_expiry, k.started_at_ms, k.due_at_ms, k.state, k.pauses, k.pause_reasons, k.stopped_at_ms, k.fired_at_ms";
            const SUMMARY_COLUMNS: &str = "c.id, c.reference, c.state, c.sex, c.age_group, c.age_years, c.citizenship, c.found_in_county, c.exploitation, c.notified_at_ms, c.updated_at_ms, c.given_name, c.family_name";

            fn org_from(row: &DbRow, offset: usize) -> Result<Organisation, StoreError> {
                let g = |i: usize| row.try_get::<String, _>(offset + i).map_err(db_err);
                Ok(Organisation {
                    code: g(0)?,
                    name: g(1)?,
                    org_type: parse_column("organisations.org_type", &g(2)?)?,
                    kind: parse_column("organisations.kind", &g(3)?)?,
                    county: row.try_get::<Option<String>, _>(offset + 4).map_err(db_err)?,
                    identify_power: parse_column("organisations.identify_power", &g(5)?)?,
                    active: row.try_get::<bool, _>(offset + 6).map_err(db_err)?,
                })
            }

            fn user_from(row: &DbRow) -> Result<User, StoreError> {
                Ok(User {
                    id: row.try_get(0).map_err(db_err)?,
                    login: row.try_get(1).map_err(db_err)?,
                    roles: parse_column("users.roles", &row.try_get::<String, _>(2).map_err(db_err)?)?,
                    password_hash: row.try_get(3).map_err(db_err)?,
                    active: row.try_get(4).map_err(db_err)?,
                    failed_logins: row.try_get(5).map_err(db_err)?,
                    locked_until_ms: row.try_get(6).map_err(db_err)?,
                    org: org_from(row, 7)?,
                })
            }

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
                fn decrypt_opt(
                    &self,
                    table: &str,
                    column: &str,
                    row_id: &str,
                    stored: Option<Vec<u8>>,
                ) -> Result<Option<String>, StoreError> {
                    stored
                        .map(|bytes| {
                            self.keys
                                .decrypt_str(table, column, row_id, &bytes)
                                .map_err(|e| StoreError::Corrupt(format!("{table}.{column}: {e}")))
                        })
                        .transpose()
                }

                fn summary_from(&self, row: &DbRow, reveal_names: bool) -> Result<CaseSummary, StoreError> {
                    let id: String = row.try_get(0).map_err(db_err)?;
                    let text = |i: usize| row.try_get::<String, _>(i).map_err(db_err);
                    let (given_name, family_name) = if reveal_names {
                        (
                            self.decrypt_opt("cases", "given_name", &id, row.try_get(11).map_err(db_err)?)?,
                            self.decrypt_opt("cases", "family_name", &id, row.try_get(12).map_err(db_err)?)?,
                        )
                    } else {
                        (None, None)
                    };
                    Ok(CaseSummary {
                        reference: text(1)?,
                        state: state_column(&text(2)?)?,
                        sex: parse_column("cases.sex", &text(3)?)?,
                        age_group: parse_column("cases.age_group", &text(4)?)?,
                        age_years: row
                            .try_get::<Option<i64>, _>(5)
                            .map_err(db_err)?
                            .and_then(|a| u32::try_from(a).ok()),
                        citizenship: text(6)?,
                        found_in_county: text(7)?,
                        exploitation: row
                            .try_get::<Option<String>, _>(8)
                            .map_err(db_err)?
                            .map(|e| parse_column("cases.exploitation", &e))
                            .transpose()?,
                        notified_at_ms: row.try_get(9).map_err(db_err)?,
                        updated_at_ms: row.try_get(10).map_err(db_err)?,
                        given_name,
                        family_name,
                        id,
                    })
                }

                async fn append_audit(
                    tx: &mut Tx,
                    by: &AuditActor,
                    action: &str,
                    target: &str,
                    detail: &str,
                ) -> Result<(), StoreError> {
                    Self::lock_audit_chain(&mut **tx).await.map_err(db_err)?;
                    let last: Option<(i64, String)> =
                        ::sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                            .fetch_optional(&mut **tx)
                            .await
                            .map_err(db_err)?;
                    let (prev_seq, prev_hash) =
                        last.unwrap_or((0, mnir_crypto::AUDIT_GENESIS.to_string()));
                    let mut entry = AuditEntry {
                        seq: prev_seq + 1,
                        at_ms: by.now_ms,
                        actor_user: by.user_id.clone().unwrap_or_else(|| format!("({})", by.channel)),
                        actor_org: by.org_code.clone().unwrap_or_default(),
                        action: action.to_string(),
                        target: target.to_string(),
                        detail: format!("channel={}{}{}", by.channel, if detail.is_empty() { "" } else { " " }, detail),
                        prev_hash: prev_hash.clone(),
                        hash: String::new(),
                    };
                    entry.hash = entry.chained_hash(&prev_hash);
                    ::sqlx::query("INSERT INTO audit_log (seq, at_ms, actor_user, actor_org, action, target, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                        .bind(entry.seq)
                        .bind(entry.at_ms)
                        .bind(&entry.actor_user)
                        .bind(&entry.actor_org)
                        .bind(&entry.action)
                        .bind(&entry.target)
                        .bind(&entry.detail)
                        .bind(&entry.prev_hash)
                        .bind(&entry.hash)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn insert_case_rows(&self, tx: &mut Tx, cases: &[NewCase]) -> Result<(), StoreError> {
                    // Multi-row inserts, chunked below both backends' bound-parameter limits.
                    for chunk in cases.chunks(400) {
                        let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO cases (id, reference, state, given_name, family_name, birth_date, notes, sex, citizenship, found_in_county, age_years, age_group, exploitation, signals, notifying_org, created_by, notified_at_ms, updated_at_ms) ");
                        q.push_values(chunk, |mut b, c| {
                            let updated = c.history.last().map(|h| h.at_ms).unwrap_or(c.notified_at_ms);
                            b.push_bind(c.id.clone())
                                .push_bind(c.reference.clone())
                                .push_bind(c.state.as_str())
                                .push_bind(self.keys.encrypt_str("cases", "given_name", &c.id, &c.given_name))
                                .push_bind(self.keys.encrypt_str("cases", "family_name", &c.id, &c.family_name))
                                .push_bind(c.birth_date.map(|d| self.keys.encrypt_str("cases", "birth_date", &c.id, &d.format("%Y-%m-%d").to_string())))
                                .push_bind(self.keys.encrypt_str("cases", "notes", &c.id, &c.notes))
                                .push_bind(c.sex.as_str())
                                .push_bind(c.citizenship.clone())
                                .push_bind(c.found_in_county.clone())
                                .push_bind(c.age_years.map(i64::from))
                                .push_bind(c.age_group.as_str())
                                .push_bind(c.exploitation.map(|e| e.as_str()))
                                .push_bind(c.signals.join(","))
                                .push_bind(c.notifying_org.clone())
                                .push_bind(c.created_by.clone())
                                .push_bind(c.notified_at_ms)
                                .push_bind(updated);
                        });
                        q.build().execute(&mut **tx).await.map_err(db_err)?;
                    }
                    let access: Vec<(&NewCase, &CaseAccess)> = cases
                        .iter()
                        .flat_map(|c| c.access.iter().map(move |a| (c, a)))
                        .collect();
                    for chunk in access.chunks(1000) {
                        let mut q = ::sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO case_access (case_id, org_code, basis, granted_at_ms) ",
                        );
                        q.push_values(chunk, |mut b, (c, a)| {
                            b.push_bind(c.id.clone())
                                .push_bind(a.org_code.clone())
                                .push_bind(a.basis.clone())
                                .push_bind(c.notified_at_ms);
                        });
                        q.build().execute(&mut **tx).await.map_err(db_err)?;
                    }
                    let events: Vec<(&NewCase, usize, &HistoryEntry)> = cases
                        .iter()
                        .flat_map(|c| c.history.iter().enumerate().map(move |(i, h)| (c, i + 1, h)))
                        .collect();
                    for chunk in events.chunks(600) {
                        let mut q = ::sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO case_events (case_id, seq, from_state, to_state, actor_user, actor_org, at_ms, reason) ",
                        );
                        q.push_values(chunk, |mut b, (c, seq, h)| {
                            let row = format!("{}/{}", c.id, seq);
                            b.push_bind(c.id.clone())
                                .push_bind(*seq as i64)
                                .push_bind(h.from.map(|s| s.as_str()))
                                .push_bind(h.to.as_str())
                                .push_bind(h.actor_user.clone())
                                .push_bind(h.actor_org.clone())
                                .push_bind(h.at_ms)
                                .push_bind(self.keys.encrypt_str("case_events", "reason", &row, &h.reason));
                        });
                        q.build().execute(&mut **tx).await.map_err(db_err)?;
                    }
                    Ok(())
                }

                fn clock_from(&self, row: &DbRow) -> Result<ClockRecord, StoreError> {
                    let id: String = row.try_get(0).map_err(db_err)?;
                    let pauses_json: String = row.try_get(9).map_err(db_err)?;
                    let pauses: Vec<(i64, Option<i64>)> = serde_json::from_str(&pauses_json).map_err(|e| StoreError::Corrupt(format!("clocks.pauses: {e}")))?;
                    let reasons_json = self.decrypt_opt("clocks", "pause_reasons", &id, row.try_get(10).map_err(db_err)?)?.unwrap_or_else(|| "[]".into());
                    let pause_reasons: Vec<String> = serde_json::from_str(&reasons_json).map_err(|e| StoreError::Corrupt(format!("clocks.pause_reasons: {e}")))?;
                    Ok(ClockRecord {
                        case_id: row.try_get(1).map_err(db_err)?,
                        kind: row.try_get(2).map_err(db_err)?,
                        org_code: row.try_get(3).map_err(db_err)?,
                        length: row.try_get(4).map_err(db_err)?,
                        on_expiry: row.try_get(5).map_err(db_err)?,
                        started_at_ms: row.try_get(6).map_err(db_err)?,
                        due_at_ms: row.try_get(7).map_err(db_err)?,
                        state: parse_column("clocks.state", &row.try_get::<String, _>(8).map_err(db_err)?)?,
                        pauses,
                        pause_reasons,
                        stopped_at_ms: row.try_get(11).map_err(db_err)?,
                        fired_at_ms: row.try_get(12).map_err(db_err)?,
                        id,
                    })
                }

                async fn referrals_where(&self, condition: &str, value: &str) -> StoreResult<Vec<ReferralRecord>> {
                    let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT r.id, r.case_id, c.reference, r.from_org, r.to_org, r.service, r.urgent, r.status, r.sent_by, r.sent_at_ms, r.answered_by, r.answered_at_ms, r.decline_reason FROM referrals r JOIN cases c ON c.id = r.case_id WHERE {condition} ORDER BY r.sent_at_ms, r.id")))
                        .bind(value)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    let mut out = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let id: String = row.try_get(0).map_err(db_err)?;
                        out.push(ReferralRecord {
                            decline_reason: self.decrypt_opt("referrals", "decline_reason", &id, row.try_get(12).map_err(db_err)?)?,
                            case_id: row.try_get(1).map_err(db_err)?,
                            case_reference: row.try_get(2).map_err(db_err)?,
                            from_org: row.try_get(3).map_err(db_err)?,
                            to_org: row.try_get(4).map_err(db_err)?,
                            service: row.try_get(5).map_err(db_err)?,
                            urgent: row.try_get(6).map_err(db_err)?,
                            status: row.try_get(7).map_err(db_err)?,
                            sent_by: row.try_get(8).map_err(db_err)?,
                            sent_at_ms: row.try_get(9).map_err(db_err)?,
                            answered_by: row.try_get(10).map_err(db_err)?,
                            answered_at_ms: row.try_get(11).map_err(db_err)?,
                            id,
                        });
                    }
                    Ok(out)
                }

                /// Stops the response clock a referral started (`referral-ID`) and, with
                /// `compensation`, its emergency-compensation deadline (`compensation-ID`).
                async fn stop_referral_clocks(tx: &mut Tx, id: &str, compensation: bool, now_ms: i64) -> StoreResult<()> {
                    ::sqlx::query("UPDATE clocks SET state = 'stopped', stopped_at_ms = $1 WHERE (id = $2 OR id = $3) AND state IN ('running', 'paused')")
                        .bind(now_ms)
                        .bind(format!("referral-{id}"))
                        .bind(if compensation { format!("compensation-{id}") } else { String::new() })
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn apply_clock_changes(&self, tx: &mut Tx, case_id: &str, changes: &ClockChanges, by: &AuditActor) -> StoreResult<()> {
                    for kind in &changes.blocked_by {
                        let running: Option<String> = ::sqlx::query_scalar("SELECT id FROM clocks WHERE case_id = $1 AND kind = $2 AND state IN ('running', 'paused')")
                            .bind(case_id)
                            .bind(kind)
                            .fetch_optional(&mut **tx)
                            .await
                            .map_err(db_err)?;
                        if running.is_some() {
                            return Err(StoreError::BlockedByClock(kind.clone()));
                        }
                    }
                    for kind in &changes.stop {
                        let done = ::sqlx::query("UPDATE clocks SET state = 'stopped', stopped_at_ms = $1 WHERE case_id = $2 AND kind = $3 AND state IN ('running', 'paused')")
                            .bind(by.now_ms)
                            .bind(case_id)
                            .bind(kind)
                            .execute(&mut **tx)
                            .await
                            .map_err(db_err)?;
                        if done.rows_affected() > 0 {
                            Self::append_audit(tx, by, "clock.stop", &format!("case:{case_id}"), &format!("clock={kind}")).await?;
                        }
                    }
                    for c in &changes.start {
                        ::sqlx::query("INSERT INTO clocks (id, case_id, kind, org_code, length, on_expiry, started_at_ms, due_at_ms, state, pauses, pause_reasons, stopped_at_ms, fired_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '[]', NULL, NULL, NULL)")
                            .bind(&c.id)
                            .bind(case_id)
                            .bind(&c.kind)
                            .bind(&c.org_code)
                            .bind(&c.length)
                            .bind(&c.on_expiry)
                            .bind(c.started_at_ms)
                            .bind(c.due_at_ms)
                            .bind(c.state.as_str())
                            .execute(&mut **tx)
                            .await
                            .map_err(db_err)?;
                        Self::append_audit(tx, by, "clock.start", &format!("case:{case_id}"), &format!("clock={} due_at_ms={}", c.kind, c.due_at_ms.unwrap_or(0))).await?;
                    }
                    Ok(())
                }

                async fn apply_transition(&self, tx: &mut Tx, change: &Transition, by: &AuditActor) -> StoreResult<()> {
                    let done = ::sqlx::query("UPDATE cases SET state = $1, updated_at_ms = $2 WHERE id = $3 AND state = $4")
                        .bind(change.to.as_str())
                        .bind(by.now_ms)
                        .bind(&change.case_id)
                        .bind(change.from.as_str())
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    if done.rows_affected() == 0 {
                        let current: Option<String> = ::sqlx::query_scalar("SELECT state FROM cases WHERE id = $1")
                            .bind(&change.case_id)
                            .fetch_optional(&mut **tx)
                            .await
                            .map_err(db_err)?;
                        return match current {
                            Some(s) => Err(StoreError::StaleState { current: state_column(&s)? }),
                            None => Err(StoreError::NotFound),
                        };
                    }
                    let seq: i64 = ::sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = $1")
                        .bind(&change.case_id)
                        .fetch_one(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    let row = format!("{}/{}", change.case_id, seq);
                    ::sqlx::query("INSERT INTO case_events (case_id, seq, from_state, to_state, actor_user, actor_org, at_ms, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                        .bind(&change.case_id)
                        .bind(seq)
                        .bind(change.from.as_str())
                        .bind(change.to.as_str())
                        .bind(&by.user_id)
                        .bind(by.org_code.clone().unwrap_or_default())
                        .bind(by.now_ms)
                        .bind(self.keys.encrypt_str("case_events", "reason", &row, &change.reason))
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(tx, by, "case.transition", &format!("case:{}", change.case_id), &format!("from={} to={}", change.from, change.to)).await?;
                    Ok(())
                }
            }

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                async fn bind_key(&self) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let stored: Option<String> =
                        ::sqlx::query_scalar("SELECT value FROM meta WHERE key = 'key_check'")
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db_err)?;
                    match stored {
                        Some(v) if mnir_crypto::constant_time_eq(&v, self.keys.check_value()) => Ok(()),
                        Some(_) => Err(StoreError::KeyMismatch),
                        None => {
                            ::sqlx::query("INSERT INTO meta (key, value) VALUES ('key_check', $1)")
                                .bind(self.keys.check_value())
                                .execute(&mut *tx)
                                .await
                                .map_err(db_err)?;
                            tx.commit().await.map_err(db_err)
                        }
                    }
                }

                async fn upsert_organisation(&self, org: &Organisation, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    ::sqlx::query("INSERT INTO organisations (code, name, org_type, kind, county, identify_power, active, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO UPDATE SET name = excluded.name, org_type = excluded.org_type, kind = excluded.kind, county = excluded.county, identify_power = excluded.identify_power, active = excluded.active")
                        .bind(&org.code)
                        .bind(&org.name)
                        .bind(org.org_type.as_str())
                        .bind(org.kind.as_str())
                        .bind(&org.county)
                        .bind(org.identify_power.as_str())
                        .bind(org.active)
                        .bind(by.now_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "organisation.save", &format!("organisation:{}", org.code), "").await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn organisation(&self, code: &str) -> StoreResult<Option<Organisation>> {
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {ORG_COLUMNS} FROM organisations o WHERE o.code = $1")))
                        .bind(code)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                    row.map(|r| org_from(&r, 0)).transpose()
                }

                async fn list_organisations(&self) -> StoreResult<Vec<Organisation>> {
                    let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {ORG_COLUMNS} FROM organisations o ORDER BY o.code")))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    rows.iter().map(|r| org_from(r, 0)).collect()
                }

                async fn create_user(&self, user: &NewUser, by: &AuditActor) -> StoreResult<User> {
                    let id = uuid::Uuid::new_v4().to_string();
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    ::sqlx::query("INSERT INTO users (id, login, org_code, roles, password_hash, active, failed_logins, created_at_ms) VALUES ($1, $2, $3, $4, $5, TRUE, 0, $6)")
                        .bind(&id)
                        .bind(&user.login)
                        .bind(&user.org_code)
                        .bind(user.roles.to_string())
                        .bind(&user.password_hash)
                        .bind(user.now_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "user.create", &format!("user:{id}"), &format!("org={} roles={}", user.org_code, user.roles)).await?;
                    tx.commit().await.map_err(db_err)?;
                    self.user_by_id(&id).await?.ok_or(StoreError::NotFound)
                }

                async fn set_password(&self, user_id: &str, password_hash: &str, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let done = ::sqlx::query("UPDATE users SET password_hash = $1, failed_logins = 0, locked_until_ms = NULL WHERE id = $2")
                        .bind(password_hash)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    // A new password ends every session of the account, in the same transaction,
                    // so one held by someone else cannot outlive the change.
                    ::sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "user.password", &format!("user:{user_id}"), "").await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("{USER_QUERY} WHERE u.login = $1")))
                        .bind(login)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                    row.map(|r| user_from(&r)).transpose()
                }

                async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("{USER_QUERY} WHERE u.id = $1")))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                    row.map(|r| user_from(&r)).transpose()
                }

                async fn list_users(&self) -> StoreResult<Vec<User>> {
                    let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("{USER_QUERY} ORDER BY o.code, u.login")))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    rows.iter().map(user_from).collect()
                }

                async fn record_login_attempt(&self, user_id: &str, succeeded: bool, now_ms: i64, policy: LockoutPolicy) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    if succeeded {
                        ::sqlx::query("UPDATE users SET failed_logins = 0, locked_until_ms = NULL WHERE id = $1")
                            .bind(user_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                    } else {
                        // Counting and locking in one statement keeps concurrent attempts (several
                        // servers) from each seeing the old count.
                        ::sqlx::query("UPDATE users SET failed_logins = failed_logins + 1, locked_until_ms = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until_ms END WHERE id = $3")
                            .bind(policy.max_failures)
                            .bind(now_ms + policy.lock_ms)
                            .bind(user_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                    }
                    let by = AuditActor { user_id: Some(user_id.to_string()), org_code: None, channel: "web", now_ms };
                    let action = if succeeded { "auth.login" } else { "auth.login_failed" };
                    Self::append_audit(&mut tx, &by, action, &format!("user:{user_id}"), "").await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
                    ::sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5)")
                        .bind(&s.id_hash)
                        .bind(&s.user_id)
                        .bind(s.created_at_ms)
                        .bind(s.last_seen_ms)
                        .bind(s.expires_at_ms)
                        .execute(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
                    let row: Option<(String, String, i64, i64, i64)> = ::sqlx::query_as("SELECT id_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms FROM sessions WHERE id_hash = $1")
                        .bind(id_hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(row.map(|(id_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms)| SessionRecord { id_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms }))
                }

                async fn touch_session(&self, id_hash: &str, now_ms: i64) -> StoreResult<()> {
                    ::sqlx::query("UPDATE sessions SET last_seen_ms = $1 WHERE id_hash = $2")
                        .bind(now_ms)
                        .bind(id_hash)
                        .execute(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
                    ::sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                        .bind(id_hash)
                        .execute(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn delete_sessions_of(&self, user_id: &str) -> StoreResult<()> {
                    ::sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn delete_expired_sessions(&self, now_ms: i64) -> StoreResult<u64> {
                    let done = ::sqlx::query("DELETE FROM sessions WHERE expires_at_ms <= $1")
                        .bind(now_ms)
                        .execute(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(done.rows_affected())
                }

                async fn create_api_token(&self, t: &ApiTokenRecord, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    ::sqlx::query("INSERT INTO api_tokens (token_hash, user_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)")
                        .bind(&t.token_hash)
                        .bind(&t.user_id)
                        .bind(t.created_at_ms)
                        .bind(t.expires_at_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "token.issue", &format!("user:{}", t.user_id), &format!("expires_at_ms={}", t.expires_at_ms)).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiTokenRecord>> {
                    let row: Option<(String, String, i64, i64)> = ::sqlx::query_as("SELECT token_hash, user_id, created_at_ms, expires_at_ms FROM api_tokens WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(row.map(|(token_hash, user_id, created_at_ms, expires_at_ms)| ApiTokenRecord { token_hash, user_id, created_at_ms, expires_at_ms }))
                }

                async fn create_case_with_clocks(&self, case: &NewCase, clocks: &[ClockRecord], by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    self.insert_case_rows(&mut tx, std::slice::from_ref(case)).await?;
                    self.apply_clock_changes(&mut tx, &case.id, &ClockChanges { start: clocks.to_vec(), ..ClockChanges::default() }, by).await?;
                    let orgs: Vec<&str> = case.access.iter().map(|a| a.org_code.as_str()).collect();
                    Self::append_audit(&mut tx, by, "case.create", &format!("case:{}", case.id), &format!("routed_to={}", orgs.join(","))).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn insert_generated_cases(&self, cases: &[NewCase], clocks: &[ClockRecord], by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    self.insert_case_rows(&mut tx, cases).await?;
                    for chunk in clocks.chunks(500) {
                        let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO clocks (id, case_id, kind, org_code, length, on_expiry, started_at_ms, due_at_ms, state, pauses, pause_reasons, stopped_at_ms, fired_at_ms) ");
                        q.push_values(chunk, |mut b, c| {
                            b.push_bind(c.id.clone())
                                .push_bind(c.case_id.clone())
                                .push_bind(c.kind.clone())
                                .push_bind(c.org_code.clone())
                                .push_bind(c.length.clone())
                                .push_bind(c.on_expiry.clone())
                                .push_bind(c.started_at_ms)
                                .push_bind(c.due_at_ms)
                                .push_bind(c.state.as_str())
                                .push_bind("[]")
                                .push_bind(None::<Vec<u8>>)
                                .push_bind(None::<i64>)
                                .push_bind(None::<i64>);
                        });
                        q.build().execute(&mut *tx).await.map_err(db_err)?;
                    }
                    let first = cases.first().map(|c| c.reference.as_str()).unwrap_or("");
                    Self::append_audit(&mut tx, by, "case.generate", "cases", &format!("count={} first={first} clocks={}", cases.len(), clocks.len())).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn list_cases(&self, scope: &ScopeFor, filter: &CaseFilter, reveal_names: bool, by: &AuditActor) -> StoreResult<CasePage> {
                    let conditions = format!(
                        "{SCOPE_CONDITION} AND ($4 IS NULL OR c.state = $4) AND ($5 IS NULL OR c.found_in_county = $5) AND ($6 IS NULL OR c.reference = $6)"
                    );
                    let per_page = i64::from(filter.per_page.clamp(1, 200));
                    let offset = i64::from(filter.page) * per_page;
                    let state = filter.state.map(|s| s.as_str());
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let total: i64 = ::sqlx::query_scalar(::sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM cases c WHERE {conditions}")))
                        .bind(scope.scope.national)
                        .bind(&scope.scope.organisation)
                        .bind(&scope.scope.created_by)
                        .bind(state)
                        .bind(&filter.county)
                        .bind(&filter.reference)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    // Names are decrypted only on rows of cases routed to the actor's organisation:
                    // a national (pseudonymised) scope never reveals them, whatever the roles.
                    let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {SUMMARY_COLUMNS}, EXISTS (SELECT 1 FROM case_access n WHERE n.case_id = c.id AND n.org_code = $9) FROM cases c WHERE {conditions} ORDER BY c.notified_at_ms DESC, c.id LIMIT $7 OFFSET $8")))
                        .bind(scope.scope.national)
                        .bind(&scope.scope.organisation)
                        .bind(&scope.scope.created_by)
                        .bind(state)
                        .bind(&filter.county)
                        .bind(&filter.reference)
                        .bind(per_page)
                        .bind(offset)
                        .bind(&scope.org_code)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let mut cases = Vec::with_capacity(rows.len());
                    for r in &rows {
                        let routed_here: bool = r.try_get(13).map_err(db_err)?;
                        cases.push(self.summary_from(r, reveal_names && routed_here)?);
                    }
                    Self::append_audit(&mut tx, by, "case.list", "cases", &format!("shown={} total={total} names={reveal_names}", cases.len())).await?;
                    tx.commit().await.map_err(db_err)?;
                    Ok(CasePage { cases, total })
                }

                async fn count_cases_by_state(&self, scope: &ScopeFor) -> StoreResult<Vec<(mnir_domain::CaseState, i64)>> {
                    let rows: Vec<(String, i64)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT c.state, COUNT(*) FROM cases c WHERE {SCOPE_CONDITION} GROUP BY c.state")))
                        .bind(scope.scope.national)
                        .bind(&scope.scope.organisation)
                        .bind(&scope.scope.created_by)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    let mut counts = Vec::with_capacity(rows.len());
                    for (state, n) in rows {
                        counts.push((state_column(&state)?, n));
                    }
                    counts.sort();
                    Ok(counts)
                }

                async fn case_facts(&self, id: &str, scope: &ScopeFor) -> StoreResult<Option<mnir_domain::CaseFacts>> {
                    let row: Option<(String, String, bool, bool)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                        "SELECT c.state, c.age_group, EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = c.id AND a.org_code = $5), COALESCE(c.created_by = $6, FALSE) FROM cases c WHERE c.id = $4 AND {SCOPE_CONDITION}"
                    )))
                        .bind(scope.scope.national)
                        .bind(&scope.scope.organisation)
                        .bind(&scope.scope.created_by)
                        .bind(id)
                        .bind(&scope.org_code)
                        .bind(&scope.user_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                    row.map(|(state, age, org_has_access, created_by_actor)| {
                        Ok(mnir_domain::CaseFacts {
                            state: state_column(&state)?,
                            age_group: parse_column("cases.age_group", &age)?,
                            org_has_access,
                            created_by_actor,
                        })
                    })
                    .transpose()
                }

                async fn case_detail(&self, id: &str, scope: &ScopeFor, reveal: Reveal, by: &AuditActor) -> StoreResult<Option<CaseDetail>> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!(
                        "SELECT {SUMMARY_COLUMNS}, c.birth_date, c.notes, c.signals, c.notifying_org, c.created_by FROM cases c WHERE c.id = $4 AND {SCOPE_CONDITION}"
                    )))
                        .bind(scope.scope.national)
                        .bind(&scope.scope.organisation)
                        .bind(&scope.scope.created_by)
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let Some(row) = row else { return Ok(None) };
                    let summary = self.summary_from(&row, reveal.identity)?;
                    let birth_date = if reveal.identity {
                        self.decrypt_opt("cases", "birth_date", id, row.try_get(13).map_err(db_err)?)?
                            .map(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("cases.birth_date: {e}"))))
                            .transpose()?
                    } else {
                        None
                    };
                    let notes = if reveal.notes {
                        self.decrypt_opt("cases", "notes", id, row.try_get(14).map_err(db_err)?)?
                    } else {
                        None
                    };
                    let signals: String = row.try_get(15).map_err(db_err)?;
                    let mut access: Vec<(i64, String, String)> = ::sqlx::query_as("SELECT granted_at_ms, org_code, basis FROM case_access WHERE case_id = $1")
                        .bind(id)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    access.sort_by(|a, b| (a.0, $crate::sql::basis_rank(&a.2), &a.1).cmp(&(b.0, $crate::sql::basis_rank(&b.2), &b.1)));
                    let events = ::sqlx::query("SELECT seq, from_state, to_state, actor_user, actor_org, at_ms, reason FROM case_events WHERE case_id = $1 ORDER BY seq")
                        .bind(id)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let mut history = Vec::with_capacity(events.len());
                    for e in &events {
                        let seq: i64 = e.try_get(0).map_err(db_err)?;
                        let from: Option<String> = e.try_get(1).map_err(db_err)?;
                        let to: String = e.try_get(2).map_err(db_err)?;
                        history.push(HistoryEntry {
                            from: from.as_deref().map(state_column).transpose()?,
                            to: state_column(&to)?,
                            actor_user: e.try_get(3).map_err(db_err)?,
                            actor_org: e.try_get(4).map_err(db_err)?,
                            at_ms: e.try_get(5).map_err(db_err)?,
                            // Reasons are free text: shown only to those who may read the notes.
                            reason: if reveal.notes {
                                self.decrypt_opt("case_events", "reason", &format!("{id}/{seq}"), e.try_get(6).map_err(db_err)?)?
                                    .unwrap_or_default()
                            } else {
                                String::new()
                            },
                        });
                    }
                    let detail = CaseDetail {
                        summary,
                        birth_date,
                        notes,
                        signals: signals.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                        notifying_org: row.try_get(16).map_err(db_err)?,
                        created_by: row.try_get(17).map_err(db_err)?,
                        access: access.into_iter().map(|(_, org_code, basis)| CaseAccess { org_code, basis }).collect(),
                        history,
                    };
                    Self::append_audit(&mut tx, by, "case.read", &format!("case:{id}"), &format!("identity={} notes={}", reveal.identity, reveal.notes)).await?;
                    tx.commit().await.map_err(db_err)?;
                    Ok(Some(detail))
                }

                async fn transition_case_with_clocks(&self, change: &Transition, clocks: &ClockChanges, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    self.apply_transition(&mut tx, change, by).await?;
                    self.apply_clock_changes(&mut tx, &change.case_id, clocks, by).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn import_catalogue(&self, record: &CatalogueRecord, source_csv: &str, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    ::sqlx::query("INSERT INTO catalogues (version, source_csv, indicator_count, imported_at_ms, imported_by, active) VALUES ($1, $2, $3, $4, $5, FALSE)")
                        .bind(&record.version)
                        .bind(source_csv)
                        .bind(record.indicator_count)
                        .bind(record.imported_at_ms)
                        .bind(&record.imported_by)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "catalogue.import", &format!("catalogue:{}", record.version), &format!("indicators={}", record.indicator_count)).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn list_catalogues(&self) -> StoreResult<Vec<CatalogueRecord>> {
                    let rows: Vec<(String, i64, i64, Option<String>, bool)> = ::sqlx::query_as("SELECT version, indicator_count, imported_at_ms, imported_by, active FROM catalogues ORDER BY imported_at_ms DESC, version")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(rows.into_iter().map(|(version, indicator_count, imported_at_ms, imported_by, active)| CatalogueRecord { version, indicator_count, imported_at_ms, imported_by, active }).collect())
                }

                async fn catalogue_source(&self, version: &str) -> StoreResult<Option<String>> {
                    ::sqlx::query_scalar("SELECT source_csv FROM catalogues WHERE version = $1")
                        .bind(version)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)
                }

                async fn activate_catalogue(&self, version: Option<&str>, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    if let Some(v) = version {
                        let exists: Option<String> = ::sqlx::query_scalar("SELECT version FROM catalogues WHERE version = $1")
                            .bind(v)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db_err)?;
                        if exists.is_none() {
                            return Err(StoreError::NotFound);
                        }
                    }
                    ::sqlx::query("UPDATE catalogues SET active = COALESCE(version = $1, FALSE)")
                        .bind(version)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "catalogue.activate", &format!("catalogue:{}", version.unwrap_or(mnir_domain::identification::BUILTIN_VERSION)), "").await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn save_interview(&self, i: &InterviewRecord, by: &AuditActor) -> StoreResult<()> {
                    let marks: Vec<String> = i.marks.iter().map(|(code, present)| format!("{code}={}", if *present { "present" } else { "absent" })).collect();
                    let evidence = serde_json::to_string(&i.evidence).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    ::sqlx::query("INSERT INTO interviews (id, case_id, catalogue_version, profile, act, marks, evidence, outcome, created_by, org_code, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                        .bind(&i.id)
                        .bind(&i.case_id)
                        .bind(&i.catalogue_version)
                        .bind(&i.profile)
                        .bind(i.act)
                        .bind(marks.join(","))
                        .bind(self.keys.encrypt_str("interviews", "evidence", &i.id, &evidence))
                        .bind(&i.outcome)
                        .bind(&i.created_by)
                        .bind(&i.org_code)
                        .bind(i.created_at_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "interview.save", &format!("case:{}", i.case_id), &format!("interview={} catalogue={} outcome={}", i.id, i.catalogue_version, i.outcome)).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn latest_interview(&self, case_id: &str) -> StoreResult<Option<InterviewRecord>> {
                    let row = ::sqlx::query("SELECT id, case_id, catalogue_version, profile, act, marks, evidence, outcome, created_by, org_code, created_at_ms FROM interviews WHERE case_id = $1 ORDER BY created_at_ms DESC, id DESC LIMIT 1")
                        .bind(case_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                    let Some(row) = row else { return Ok(None) };
                    let id: String = row.try_get(0).map_err(db_err)?;
                    let marks_text: String = row.try_get(5).map_err(db_err)?;
                    let mut marks = std::collections::BTreeMap::new();
                    for pair in marks_text.split(',').filter(|p| !p.is_empty()) {
                        let (code, mark) = pair.split_once('=').ok_or_else(|| StoreError::Corrupt(format!("interviews.marks: `{pair}`")))?;
                        marks.insert(code.to_string(), mark == "present");
                    }
                    let evidence_json = self.decrypt_opt("interviews", "evidence", &id, row.try_get(6).map_err(db_err)?)?.unwrap_or_else(|| "{}".into());
                    let evidence = serde_json::from_str(&evidence_json).map_err(|e| StoreError::Corrupt(format!("interviews.evidence: {e}")))?;
                    Ok(Some(InterviewRecord {
                        id,
                        case_id: row.try_get(1).map_err(db_err)?,
                        catalogue_version: row.try_get(2).map_err(db_err)?,
                        profile: row.try_get(3).map_err(db_err)?,
                        act: row.try_get(4).map_err(db_err)?,
                        marks,
                        evidence,
                        outcome: row.try_get(7).map_err(db_err)?,
                        created_by: row.try_get(8).map_err(db_err)?,
                        org_code: row.try_get(9).map_err(db_err)?,
                        created_at_ms: row.try_get(10).map_err(db_err)?,
                    }))
                }

                async fn record_decision_with_clocks(&self, d: &DecisionRecord, change: &Transition, clocks: &ClockChanges, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    self.apply_transition(&mut tx, change, by).await?;
                    self.apply_clock_changes(&mut tx, &change.case_id, clocks, by).await?;
                    ::sqlx::query("INSERT INTO identification_decisions (id, case_id, interview_id, decision, engine_outcome, differs_from_advice, reasons, decided_by, org_code, decided_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                        .bind(&d.id)
                        .bind(&d.case_id)
                        .bind(&d.interview_id)
                        .bind(d.decision.as_str())
                        .bind(&d.engine_outcome)
                        .bind(d.differs_from_advice)
                        .bind(self.keys.encrypt_str("identification_decisions", "reasons", &d.id, &d.reasons))
                        .bind(&d.decided_by)
                        .bind(&d.org_code)
                        .bind(d.decided_at_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "identification.decide", &format!("case:{}", d.case_id), &format!("decision={} advice={} differs={}", d.decision, d.engine_outcome.as_deref().unwrap_or("none"), d.differs_from_advice)).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn decisions_of(&self, case_id: &str) -> StoreResult<Vec<DecisionRecord>> {
                    let rows = ::sqlx::query("SELECT id, case_id, interview_id, decision, engine_outcome, differs_from_advice, reasons, decided_by, org_code, decided_at_ms FROM identification_decisions WHERE case_id = $1 ORDER BY decided_at_ms, id")
                        .bind(case_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    let mut out = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let id: String = row.try_get(0).map_err(db_err)?;
                        out.push(DecisionRecord {
                            reasons: self.decrypt_opt("identification_decisions", "reasons", &id, row.try_get(6).map_err(db_err)?)?.unwrap_or_default(),
                            case_id: row.try_get(1).map_err(db_err)?,
                            interview_id: row.try_get(2).map_err(db_err)?,
                            decision: state_column(&row.try_get::<String, _>(3).map_err(db_err)?)?,
                            engine_outcome: row.try_get(4).map_err(db_err)?,
                            differs_from_advice: row.try_get(5).map_err(db_err)?,
                            decided_by: row.try_get(7).map_err(db_err)?,
                            org_code: row.try_get(8).map_err(db_err)?,
                            decided_at_ms: row.try_get(9).map_err(db_err)?,
                            id,
                        });
                    }
                    Ok(out)
                }

                async fn decision_stats(&self, scope: &ScopeFor) -> StoreResult<DecisionStats> {
                    let (decisions, differing): (i64, Option<i64>) = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                        "SELECT COUNT(*), SUM(CASE WHEN d.differs_from_advice THEN 1 ELSE 0 END) FROM identification_decisions d JOIN cases c ON c.id = d.case_id WHERE {SCOPE_CONDITION}"
                    )))
                        .bind(scope.scope.national)
                        .bind(&scope.scope.organisation)
                        .bind(&scope.scope.created_by)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(DecisionStats { decisions, differing_from_advice: differing.unwrap_or(0) })
                }

                async fn record_information(&self, i: &InformationRecord, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    ::sqlx::query("INSERT INTO information_given (id, case_id, rights, language, interpreter, mediator, notice_version, given_by, org_code, given_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                        .bind(&i.id)
                        .bind(&i.case_id)
                        .bind(i.rights.join(","))
                        .bind(&i.language)
                        .bind(i.interpreter)
                        .bind(i.mediator)
                        .bind(&i.notice_version)
                        .bind(&i.given_by)
                        .bind(&i.org_code)
                        .bind(i.given_at_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "information.record", &format!("case:{}", i.case_id), &format!("rights={} language={}", i.rights.join(","), i.language)).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn information_of(&self, case_id: &str) -> StoreResult<Vec<InformationRecord>> {
                    let rows: Vec<(String, String, String, String, bool, bool, String, String, String, i64)> = ::sqlx::query_as("SELECT id, case_id, rights, language, interpreter, mediator, notice_version, given_by, org_code, given_at_ms FROM information_given WHERE case_id = $1 ORDER BY given_at_ms, id")
                        .bind(case_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, case_id, rights, language, interpreter, mediator, notice_version, given_by, org_code, given_at_ms)| InformationRecord {
                            rights: rights.split(',').filter(|r| !r.is_empty()).map(str::to_string).collect(),
                            id, case_id, language, interpreter, mediator, notice_version, given_by, org_code, given_at_ms,
                        })
                        .collect())
                }

                async fn record_consent(&self, c: &ConsentRecord, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    ::sqlx::query("INSERT INTO consents (id, case_id, purpose, recipient_org, given_by, method, given_at_ms, expires_at_ms, withdrawn_at_ms, recorded_by, org_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10)")
                        .bind(&c.id)
                        .bind(&c.case_id)
                        .bind(&c.purpose)
                        .bind(&c.recipient_org)
                        .bind(&c.given_by)
                        .bind(&c.method)
                        .bind(c.given_at_ms)
                        .bind(c.expires_at_ms)
                        .bind(&c.recorded_by)
                        .bind(&c.org_code)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "consent.record", &format!("case:{}", c.case_id), &format!("consent={} purpose={} recipient={}", c.id, c.purpose, c.recipient_org.as_deref().unwrap_or("-"))).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn consents_of(&self, case_id: &str) -> StoreResult<Vec<ConsentRecord>> {
                    let rows: Vec<(String, String, String, Option<String>, String, String, i64, Option<i64>, Option<i64>, String, String)> = ::sqlx::query_as("SELECT id, case_id, purpose, recipient_org, given_by, method, given_at_ms, expires_at_ms, withdrawn_at_ms, recorded_by, org_code FROM consents WHERE case_id = $1 ORDER BY given_at_ms, id")
                        .bind(case_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, case_id, purpose, recipient_org, given_by, method, given_at_ms, expires_at_ms, withdrawn_at_ms, recorded_by, org_code)| ConsentRecord {
                            id, case_id, purpose, recipient_org, given_by, method, given_at_ms, expires_at_ms, withdrawn_at_ms, recorded_by, org_code,
                        })
                        .collect())
                }

                async fn withdraw_consent(&self, case_id: &str, consent_id: &str, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let done = ::sqlx::query("UPDATE consents SET withdrawn_at_ms = $1 WHERE id = $2 AND case_id = $3 AND withdrawn_at_ms IS NULL")
                        .bind(by.now_ms)
                        .bind(consent_id)
                        .bind(case_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Self::append_audit(&mut tx, by, "consent.withdraw", &format!("case:{case_id}"), &format!("consent={consent_id}")).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn save_directory_entry(&self, e: &DirectoryEntry, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    ::sqlx::query("INSERT INTO directory (org_code, services, counties, target_groups, languages, capacity, updated_at_ms, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (org_code) DO UPDATE SET services = excluded.services, counties = excluded.counties, target_groups = excluded.target_groups, languages = excluded.languages, capacity = excluded.capacity, updated_at_ms = excluded.updated_at_ms, updated_by = excluded.updated_by")
                        .bind(&e.org_code)
                        .bind(e.services.join(","))
                        .bind(e.counties.join(","))
                        .bind(e.target_groups.join(","))
                        .bind(e.languages.join(","))
                        .bind(e.capacity)
                        .bind(e.updated_at_ms)
                        .bind(&by.user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::append_audit(&mut tx, by, "directory.save", &format!("organisation:{}", e.org_code), &format!("services={} capacity={}", e.services.join(","), e.capacity.map_or("-".into(), |c| c.to_string()))).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn directory(&self) -> StoreResult<Vec<DirectoryEntry>> {
                    let rows: Vec<(String, String, String, String, String, Option<i64>, i64)> = ::sqlx::query_as("SELECT org_code, services, counties, target_groups, languages, capacity, updated_at_ms FROM directory ORDER BY org_code")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    let list = |text: String| -> Vec<String> { text.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect() };
                    Ok(rows
                        .into_iter()
                        .map(|(org_code, services, counties, target_groups, languages, capacity, updated_at_ms)| DirectoryEntry {
                            org_code,
                            services: list(services),
                            counties: list(counties),
                            target_groups: list(target_groups),
                            languages: list(languages),
                            capacity,
                            updated_at_ms,
                        })
                        .collect())
                }

                async fn send_referral(&self, r: &ReferralRecord, clocks: &[ClockRecord], by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    ::sqlx::query("INSERT INTO referrals (id, case_id, from_org, to_org, service, urgent, status, sent_by, sent_at_ms) VALUES ($1, $2, $3, $4, $5, $6, 'sent', $7, $8)")
                        .bind(&r.id)
                        .bind(&r.case_id)
                        .bind(&r.from_org)
                        .bind(&r.to_org)
                        .bind(&r.service)
                        .bind(r.urgent)
                        .bind(&r.sent_by)
                        .bind(r.sent_at_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    self.apply_clock_changes(&mut tx, &r.case_id, &ClockChanges { start: clocks.to_vec(), ..ClockChanges::default() }, by).await?;
                    Self::append_audit(&mut tx, by, "referral.send", &format!("case:{}", r.case_id), &format!("referral={} to={} service={} urgent={}", r.id, r.to_org, r.service, r.urgent)).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn referral(&self, id: &str) -> StoreResult<Option<ReferralRecord>> {
                    let rows = self.referrals_where("r.id = $1", id).await?;
                    Ok(rows.into_iter().next())
                }

                async fn referrals_of(&self, case_id: &str) -> StoreResult<Vec<ReferralRecord>> {
                    self.referrals_where("r.case_id = $1", case_id).await
                }

                async fn referrals_awaiting(&self, org_code: &str) -> StoreResult<Vec<ReferralRecord>> {
                    self.referrals_where("r.to_org = $1 AND r.status = 'sent'", org_code).await
                }

                async fn answer_referral(&self, id: &str, to_org: &str, accept: bool, reason: &str, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let reason_blob = (!accept).then(|| self.keys.encrypt_str("referrals", "decline_reason", id, reason));
                    let done = ::sqlx::query("UPDATE referrals SET status = $1, answered_by = $2, answered_at_ms = $3, decline_reason = $4 WHERE id = $5 AND to_org = $6 AND status = 'sent'")
                        .bind(if accept { "accepted" } else { "declined" })
                        .bind(&by.user_id)
                        .bind(by.now_ms)
                        .bind(reason_blob)
                        .bind(id)
                        .bind(to_org)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    // An acceptance leaves the compensation deadline running: the claim is still due.
                    Self::stop_referral_clocks(&mut tx, id, !accept, by.now_ms).await?;
                    Self::append_audit(&mut tx, by, if accept { "referral.accept" } else { "referral.decline" }, &format!("referral:{id}"), "").await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn overdue_referrals(&self) -> StoreResult<Vec<(ReferralRecord, i64)>> {
                    let due: Vec<(String, i64)> = ::sqlx::query_as("SELECT r.id, k.due_at_ms FROM referrals r JOIN clocks k ON k.id = 'referral-' || r.id WHERE r.status = 'sent' AND k.state = 'expired' ORDER BY k.due_at_ms, r.id")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    let mut overdue: std::collections::HashMap<String, ReferralRecord> = self
                        .referrals_where("r.status = $1 AND EXISTS (SELECT 1 FROM clocks k WHERE k.id = 'referral-' || r.id AND k.state = 'expired')", "sent")
                        .await?
                        .into_iter()
                        .map(|r| (r.id.clone(), ReferralRecord { decline_reason: None, ..r }))
                        .collect();
                    Ok(due.into_iter().filter_map(|(id, due_at_ms)| Some((overdue.remove(&id)?, due_at_ms))).collect())
                }

                async fn cancel_referral(&self, id: &str, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let done = ::sqlx::query("UPDATE referrals SET status = 'cancelled', answered_at_ms = $1 WHERE id = $2 AND status = 'sent'")
                        .bind(by.now_ms)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Self::stop_referral_clocks(&mut tx, id, true, by.now_ms).await?;
                    Self::append_audit(&mut tx, by, "referral.cancel", &format!("referral:{id}"), "consent withdrawn").await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn case_for_referral(&self, referral_id: &str, case_id: &str, reveal: Reveal, by: &AuditActor) -> StoreResult<Option<CaseDetail>> {
                    // The national scope reads the case itself; what leaves is limited by `reveal`
                    // and by the caller's data set for the service.
                    let everyone = ScopeFor { scope: mnir_domain::CaseScope { national: true, ..Default::default() }, org_code: String::new(), user_id: String::new() };
                    let detail = self.case_detail(case_id, &everyone, reveal, by).await?;
                    self.audit("case.read.referral", &format!("case:{case_id}"), &format!("referral={referral_id}"), by).await?;
                    Ok(detail)
                }

                async fn record_reflection(&self, r: &ReflectionRecord, clock: Option<&ClockRecord>, seen_state: mnir_domain::CaseState, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    // Locks the case row, so that a concurrent step (a return) and this offer are
                    // ordered: whichever comes second sees the other.
                    let locked = ::sqlx::query("UPDATE cases SET updated_at_ms = updated_at_ms WHERE id = $1 AND state = $2")
                        .bind(&r.case_id)
                        .bind(seen_state.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if locked.rows_affected() == 0 {
                        let current: Option<String> = ::sqlx::query_scalar("SELECT state FROM cases WHERE id = $1")
                            .bind(&r.case_id)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db_err)?;
                        return match current {
                            Some(state) => Err(StoreError::StaleState { current: $crate::sql::state_column(&state)? }),
                            None => Err(StoreError::NotFound),
                        };
                    }
                    ::sqlx::query("INSERT INTO reflection_periods (id, case_id, offered_at_ms, accepted, language, org_code, offered_by, clock_id, ended_at_ms, outcome, end_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, NULL)")
                        .bind(&r.id)
                        .bind(&r.case_id)
                        .bind(r.offered_at_ms)
                        .bind(r.accepted)
                        .bind(&r.language)
                        .bind(&r.org_code)
                        .bind(&r.offered_by)
                        .bind(clock.map(|c| c.id.clone()))
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    // The partial unique index on clocks refuses a second running period.
                    let start: Vec<ClockRecord> = clock.into_iter().cloned().collect();
                    self.apply_clock_changes(&mut tx, &r.case_id, &ClockChanges { start, ..ClockChanges::default() }, by).await?;
                    Self::append_audit(&mut tx, by, "reflection.offer", &format!("case:{}", r.case_id), &format!("offer={} accepted={}", r.id, r.accepted)).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn end_reflection(&self, case_id: &str, outcome: &str, reason: &str, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let running: Option<(String, String)> = ::sqlx::query_as("SELECT r.id, k.id FROM reflection_periods r JOIN clocks k ON k.id = r.clock_id WHERE r.case_id = $1 AND r.ended_at_ms IS NULL AND k.state IN ('running', 'paused')")
                        .bind(case_id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let Some((offer_id, clock_id)) = running else { return Err(StoreError::NotFound) };
                    ::sqlx::query("UPDATE reflection_periods SET ended_at_ms = $1, outcome = $2, end_reason = $3 WHERE id = $4")
                        .bind(by.now_ms)
                        .bind(outcome)
                        .bind(self.keys.encrypt_str("reflection_periods", "end_reason", &offer_id, reason))
                        .bind(&offer_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let stopped = ::sqlx::query("UPDATE clocks SET state = 'stopped', stopped_at_ms = $1 WHERE id = $2 AND state IN ('running', 'paused')")
                        .bind(by.now_ms)
                        .bind(&clock_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    // The scheduler may have fired the clock since it was read: then it has ended.
                    if stopped.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Self::append_audit(&mut tx, by, "reflection.end", &format!("case:{case_id}"), &format!("offer={offer_id} outcome={outcome}")).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn reflections_of(&self, case_id: &str) -> StoreResult<Vec<ReflectionRecord>> {
                    let rows: Vec<(String, String, i64, bool, String, String, String, Option<String>, Option<i64>, Option<String>, Option<Vec<u8>>)> = ::sqlx::query_as("SELECT id, case_id, offered_at_ms, accepted, language, org_code, offered_by, clock_id, ended_at_ms, outcome, end_reason FROM reflection_periods WHERE case_id = $1 ORDER BY offered_at_ms, id")
                        .bind(case_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    let mut out = Vec::with_capacity(rows.len());
                    for (id, case_id, offered_at_ms, accepted, language, org_code, offered_by, clock_id, ended_at_ms, outcome, end_reason) in rows {
                        out.push(ReflectionRecord {
                            end_reason: self.decrypt_opt("reflection_periods", "end_reason", &id, end_reason)?,
                            id, case_id, offered_at_ms, accepted, language, org_code, offered_by, clock_id, ended_at_ms, outcome,
                        });
                    }
                    Ok(out)
                }

                async fn no_removal_flags(&self, by: &AuditActor) -> StoreResult<Vec<NoRemovalFlag>> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let rows = ::sqlx::query("SELECT c.id, c.reference, c.citizenship, c.given_name, c.family_name, c.birth_date, k.started_at_ms, k.due_at_ms FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.kind = 'reflection_period' AND k.state IN ('running', 'paused') ORDER BY k.due_at_ms IS NULL, k.due_at_ms, c.reference")
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let mut flags = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let id: String = row.try_get(0).map_err(db_err)?;
                        let birth_date = self.decrypt_opt("cases", "birth_date", &id, row.try_get(5).map_err(db_err)?)?
                            .map(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("cases.birth_date: {e}"))))
                            .transpose()?;
                        Self::append_audit(&mut tx, by, "case.read.no_removal", &format!("case:{id}"), "").await?;
                        flags.push(NoRemovalFlag {
                            reference: row.try_get(1).map_err(db_err)?,
                            citizenship: row.try_get(2).map_err(db_err)?,
                            given_name: self.decrypt_opt("cases", "given_name", &id, row.try_get(3).map_err(db_err)?)?,
                            family_name: self.decrypt_opt("cases", "family_name", &id, row.try_get(4).map_err(db_err)?)?,
                            birth_date,
                            since_ms: row.try_get(6).map_err(db_err)?,
                            until_ms: row.try_get(7).map_err(db_err)?,
                            case_id: id,
                        });
                    }
                    tx.commit().await.map_err(db_err)?;
                    Ok(flags)
                }

                async fn case_access(&self, case_id: &str) -> StoreResult<Vec<CaseAccess>> {
                    let mut rows: Vec<(String, String)> = ::sqlx::query_as("SELECT org_code, basis FROM case_access WHERE case_id = $1")
                        .bind(case_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    rows.sort_by(|a, b| ($crate::sql::basis_rank(&a.1), &a.0).cmp(&($crate::sql::basis_rank(&b.1), &b.0)));
                    Ok(rows.into_iter().map(|(org_code, basis)| CaseAccess { org_code, basis }).collect())
                }

                async fn clocks_of(&self, case_id: &str) -> StoreResult<Vec<ClockRecord>> {
                    let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {CLOCK_COLUMNS} FROM clocks k WHERE k.case_id = $1 ORDER BY k.started_at_ms, k.id")))
                        .bind(case_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    rows.iter().map(|r| self.clock_from(r)).collect()
                }

                async fn pause_clock(&self, clock_id: &str, reason: &str, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {CLOCK_COLUMNS} FROM clocks k WHERE k.id = $1 AND k.state = 'running'")))
                        .bind(clock_id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_err)?
                        .ok_or(StoreError::NotFound)?;
                    let mut clock = self.clock_from(&row)?;
                    clock.pauses.push((by.now_ms, None));
                    clock.pause_reasons.push(reason.to_string());
                    let pauses = serde_json::to_string(&clock.pauses).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    let reasons = serde_json::to_string(&clock.pause_reasons).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    let changed = ::sqlx::query("UPDATE clocks SET state = 'paused', due_at_ms = NULL, pauses = $1, pause_reasons = $2 WHERE id = $3 AND state = 'running'")
                        .bind(pauses)
                        .bind(self.keys.encrypt_str("clocks", "pause_reasons", clock_id, &reasons))
                        .bind(clock_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if changed.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Self::append_audit(&mut tx, by, "clock.pause", &format!("case:{}", clock.case_id), &format!("clock={}", clock.kind)).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn resume_clock(&self, clock_id: &str, due_at_ms: i64, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {CLOCK_COLUMNS} FROM clocks k WHERE k.id = $1 AND k.state = 'paused'")))
                        .bind(clock_id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_err)?
                        .ok_or(StoreError::NotFound)?;
                    let mut clock = self.clock_from(&row)?;
                    if let Some(last) = clock.pauses.last_mut() {
                        last.1 = Some(by.now_ms);
                    }
                    let pauses = serde_json::to_string(&clock.pauses).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    let changed = ::sqlx::query("UPDATE clocks SET state = 'running', due_at_ms = $1, pauses = $2 WHERE id = $3 AND state = 'paused'")
                        .bind(due_at_ms)
                        .bind(pauses)
                        .bind(clock_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if changed.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Self::append_audit(&mut tx, by, "clock.resume", &format!("case:{}", clock.case_id), &format!("clock={} due_at_ms={due_at_ms}", clock.kind)).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn fire_due_clocks(&self, now_ms: i64, limit: i64) -> StoreResult<Vec<TaskRecord>> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!(
                        "SELECT {CLOCK_COLUMNS} FROM clocks k WHERE k.state = 'running' AND k.due_at_ms <= $1 ORDER BY k.due_at_ms LIMIT $2{}",
                        Self::CLAIM_SUFFIX
                    )))
                        .bind(now_ms)
                        .bind(limit)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let by = AuditActor { user_id: None, org_code: None, channel: "scheduler", now_ms };
                    let mut tasks = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let clock = self.clock_from(row)?;
                        let expired = ::sqlx::query("UPDATE clocks SET state = 'expired', fired_at_ms = $1 WHERE id = $2 AND state = 'running'")
                            .bind(now_ms)
                            .bind(&clock.id)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                        if expired.rows_affected() == 0 {
                            continue;
                        }
                        let task_id = uuid::Uuid::new_v4().to_string();
                        // A task made for this clock before (it was resumed and ran out again)
                        // stands; a second one would only repeat it.
                        let inserted = ::sqlx::query("INSERT INTO tasks (id, clock_id, case_id, org_code, kind, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (clock_id) DO NOTHING")
                            .bind(&task_id)
                            .bind(&clock.id)
                            .bind(&clock.case_id)
                            .bind(&clock.org_code)
                            .bind(&clock.on_expiry)
                            .bind(now_ms)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                        if inserted.rows_affected() == 0 {
                            continue;
                        }
                        Self::append_audit(&mut tx, &by, "clock.expire", &format!("case:{}", clock.case_id), &format!("clock={} task={task_id}", clock.kind)).await?;
                        tasks.push(TaskRecord {
                            id: task_id,
                            clock_id: clock.id,
                            case_id: clock.case_id,
                            case_reference: String::new(),
                            org_code: clock.org_code,
                            kind: clock.on_expiry,
                            clock_kind: clock.kind,
                            created_at_ms: now_ms,
                            done_at_ms: None,
                        });
                    }
                    tx.commit().await.map_err(db_err)?;
                    Ok(tasks)
                }

                async fn open_tasks(&self, org_code: &str) -> StoreResult<Vec<TaskRecord>> {
                    let rows: Vec<(String, String, String, String, String, String, String, i64, Option<i64>)> = ::sqlx::query_as(
                        "SELECT t.id, t.clock_id, t.case_id, c.reference, t.org_code, t.kind, k.kind, t.created_at_ms, t.done_at_ms FROM tasks t JOIN cases c ON c.id = t.case_id JOIN clocks k ON k.id = t.clock_id WHERE t.org_code = $1 AND t.done_at_ms IS NULL ORDER BY t.created_at_ms, t.id",
                    )
                        .bind(org_code)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, clock_id, case_id, case_reference, org_code, kind, clock_kind, created_at_ms, done_at_ms)| TaskRecord { id, clock_id, case_id, case_reference, org_code, kind, clock_kind, created_at_ms, done_at_ms })
                        .collect())
                }

                async fn upcoming_clocks(&self, org_code: &str, until_ms: i64) -> StoreResult<Vec<(ClockRecord, String)>> {
                    let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {CLOCK_COLUMNS}, c.reference FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.org_code = $1 AND k.state = 'running' AND k.due_at_ms <= $2 ORDER BY k.due_at_ms, k.id")))
                        .bind(org_code)
                        .bind(until_ms)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    rows.iter()
                        .map(|r| Ok((self.clock_from(r)?, r.try_get::<String, _>(13).map_err(db_err)?)))
                        .collect()
                }

                async fn complete_task(&self, task_id: &str, org_code: &str, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    let done = ::sqlx::query("UPDATE tasks SET done_at_ms = $1, done_by = $2 WHERE id = $3 AND org_code = $4 AND done_at_ms IS NULL")
                        .bind(by.now_ms)
                        .bind(&by.user_id)
                        .bind(task_id)
                        .bind(org_code)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Self::append_audit(&mut tx, by, "task.done", &format!("task:{task_id}"), "").await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn audit(&self, action: &str, target: &str, detail: &str, by: &AuditActor) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(db_err)?;
                    Self::append_audit(&mut tx, by, action, target, detail).await?;
                    tx.commit().await.map_err(db_err)
                }

                async fn verify_audit(&self) -> StoreResult<AuditVerdict> {
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
                            if entry.chained_hash(&prev_hash) != entry.hash {
                                return Ok(AuditVerdict::Broken { seq: entry.seq, why: "its content does not match its hash".into() });
                            }
                            prev_hash = entry.hash;
                            expected_seq += 1;
                            entries += 1;
                        }
                    }
                    Ok(AuditVerdict::Intact { entries })
                }

                async fn recent_audit(&self, limit: i64) -> StoreResult<Vec<AuditEntry>> {
                    let rows = ::sqlx::query("SELECT seq, at_ms, actor_user, actor_org, action, target, detail, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT $1")
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    rows.iter().map(audit_from).collect()
                }
            }
        };
    };
}
