//! The SQL of [`crate::ReflectionStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_reflection_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// A case's reflection periods (`$1` the case), as `reflections_of_in` and the case page
            /// read them.
            const REFLECTIONS_OF_CASE_SQL: &str = "SELECT id, case_id, offered_at_ms, accepted, language, org_code, offered_by, clock_id, ended_at_ms, outcome, end_reason FROM reflection_periods WHERE case_id = $1 ORDER BY offered_at_ms, id";

            async fn reflections_of_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, case_id: &str) -> StoreResult<Vec<ReflectionRecord>> {
                let rows = ::sqlx::query(Self::REFLECTIONS_OF_CASE_SQL)
                    .bind(case_id)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                self.reflections_from(&rows)
            }

            fn reflections_from(&self, rows: &[DbRow]) -> StoreResult<Vec<ReflectionRecord>> {
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let (id, case_id, offered_at_ms, accepted, language, org_code, offered_by, clock_id, ended_at_ms, outcome, end_reason): (String, String, Timestamp, bool, String, String, String, Option<String>, Option<Timestamp>, Option<String>, Option<Vec<u8>>) =
                        ::sqlx::FromRow::from_row(row).map_err(db_err)?;
                    out.push(ReflectionRecord {
                        end_reason: self.decrypt_opt("reflection_periods", "end_reason", &id, end_reason)?,
                        outcome: outcome.map(|o| $crate::sql::code_column("reflection_periods.outcome", &o, $crate::sql::__private::mnir_domain::reflection::ReflectionOutcome::parse)).transpose()?,
                        id, case_id, offered_at_ms, accepted, language, org_code, offered_by, clock_id, ended_at_ms,
                    });
                }
                Ok(out)
            }
        }

        #[async_trait]
        impl ReflectionStore for $store {
            async fn record_reflection(&self, r: &ReflectionRecord, clock: Option<&ClockRecord>, seen_state: mnir_domain::CaseState, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // A concurrent step (a return) and this offer are ordered: whichever comes second
                // sees the other.
                Self::lock_case_in_state(&mut tx, &r.case_id, seen_state).await?;
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
                self.append_audit(&mut tx, by, "reflection.offer", &format!("case:{}", r.case_id), &format!("offer={} accepted={}", r.id, r.accepted)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn end_reflection(&self, case_id: &str, outcome: $crate::sql::__private::mnir_domain::reflection::ReflectionOutcome, reason: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let running: Option<(String, String)> = ::sqlx::query_as("SELECT r.id, k.id FROM reflection_periods r JOIN clocks k ON k.id = r.clock_id WHERE r.case_id = $1 AND r.ended_at_ms IS NULL AND k.state IN ('running', 'paused')")
                    .bind(case_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some((offer_id, clock_id)) = running else { return Err(StoreError::NotFound) };
                ::sqlx::query("UPDATE reflection_periods SET ended_at_ms = $1, outcome = $2, end_reason = $3 WHERE id = $4")
                    .bind(by.now_ms)
                    .bind(outcome.as_str())
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
                self.append_audit(&mut tx, by, "reflection.end", &format!("case:{case_id}"), &format!("offer={offer_id} outcome={outcome}")).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn reflections_of(&self, case_id: &str) -> StoreResult<Vec<ReflectionRecord>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                self.reflections_of_in(&mut conn, case_id).await
            }

            async fn no_removal_flags(&self, by: &AuditActor) -> StoreResult<Vec<NoRemovalFlag>> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let rows = ::sqlx::query("SELECT c.id, c.reference, c.citizenship, c.given_name, c.family_name, c.birth_date, k.started_at_ms, k.due_at_ms, (SELECT w.wrapped FROM case_keys w WHERE w.case_id = c.id) FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.kind = 'reflection_period' AND k.state IN ('running', 'paused') ORDER BY k.due_at_ms IS NULL, k.due_at_ms, c.reference")
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let mut flags = Vec::with_capacity(rows.len());
                for row in &rows {
                    let id: String = row.try_get(0).map_err(db_err)?;
                    let key = self.case_key(&id, row.try_get(8).map_err(db_err)?)?;
                    let birth_date = birth_date_of(self.case_field(key.as_ref(), "birth_date", &id, row.try_get(5).map_err(db_err)?)?)?;
                    self.append_audit(&mut tx, by, "case.read.no_removal", &format!("case:{id}"), "").await?;
                    flags.push(NoRemovalFlag {
                        reference: row.try_get(1).map_err(db_err)?,
                        citizenship: row.try_get(2).map_err(db_err)?,
                        given_name: self.case_field(key.as_ref(), "given_name", &id, row.try_get(3).map_err(db_err)?)?,
                        family_name: self.case_field(key.as_ref(), "family_name", &id, row.try_get(4).map_err(db_err)?)?,
                        birth_date,
                        since_ms: row.try_get(6).map_err(db_err)?,
                        until_ms: row.try_get(7).map_err(db_err)?,
                        case_id: id,
                    });
                }
                tx.commit().await.map_err(db_err)?;
                Ok(flags)
            }
        }
    };
}
