//! The SQL of [`crate::DuplicateStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_duplicate_store {
    ($store:ty, $db:ty) => {
        const PAIR_COLUMNS: &str = "d.id, d.score_permille, d.exact, d.found_at_ms, d.decision, d.decided_by, d.decided_at_ms, \
            e.id, e.reference, e.state, e.found_in_county, e.notifying_org, e.notified_at_ms, \
            l.id, l.reference, l.state, l.found_in_county, l.notifying_org, l.notified_at_ms";
        const PAIR_FROM: &str = "duplicate_candidates d JOIN cases e ON e.id = d.earlier_case JOIN cases l ON l.id = d.later_case";

        fn pair_case_from(row: &DbRow, at: usize) -> StoreResult<PairCase> {
            let text = |i: usize| row.try_get::<String, _>(at + i).map_err(db_err);
            Ok(PairCase {
                case_id: text(0)?,
                reference: text(1)?,
                state: state_column(&text(2)?)?,
                county: text(3)?,
                notifying_org: text(4)?,
                notified_at_ms: row.try_get(at + 5).map_err(db_err)?,
            })
        }

        fn candidate_from(row: &DbRow) -> StoreResult<DuplicateCandidate> {
            let decision: Option<String> = row.try_get(4).map_err(db_err)?;
            Ok(DuplicateCandidate {
                id: row.try_get(0).map_err(db_err)?,
                score_permille: row.try_get(1).map_err(db_err)?,
                exact: row.try_get(2).map_err(db_err)?,
                found_at_ms: row.try_get(3).map_err(db_err)?,
                decision: decision
                    .map(|d| $crate::sql::code_column("duplicate_candidates.decision", &d, mnir_domain::duplicates::DuplicateDecision::parse))
                    .transpose()?,
                decided_by: row.try_get(5).map_err(db_err)?,
                decided_at_ms: row.try_get(6).map_err(db_err)?,
                earlier: pair_case_from(row, 7)?,
                later: pair_case_from(row, 13)?,
            })
        }

        impl $store {
            /// Inserts matching keys (at most 500 at a time: both backends' bound-value limits).
            async fn insert_match_keys<'k>(tx: &mut Tx, keys: impl Iterator<Item = (&'k str, &'k mnir_crypto::MatchKeys)>) -> StoreResult<()> {
                let keys: Vec<_> = keys.collect();
                for chunk in keys.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO case_match_keys (case_id, exact, bloom, birth_year_key, near_year_keys) ");
                    q.push_values(chunk, |mut b, (id, k)| {
                        b.push_bind(id.to_string())
                            .push_bind(k.exact.clone())
                            .push_bind(k.bloom.clone())
                            .push_bind(k.years.as_ref().map(|y| y[1].clone()))
                            .push_bind(k.years.as_ref().map(|y| y.join(" ")));
                    });
                    q.build().execute(&mut **tx).await.map_err(db_err)?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl DuplicateStore for $store {
            async fn find_duplicates(&self, case_id: &str, by: &AuditActor) -> StoreResult<u64> {
                // The comparisons read through the readers' pool: only the pairs found take the
                // write lock.
                let own: Option<(String, Vec<u8>, Option<String>, Timestamp)> = ::sqlx::query_as("SELECT m.exact, m.bloom, m.near_year_keys, c.notified_at_ms FROM case_match_keys m JOIN cases c ON c.id = m.case_id WHERE m.case_id = $1 AND c.erased_at_ms IS NULL")
                    .bind(case_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                // A case whose names said too little has an empty exact key: it is compared
                // with none (and none with it: its encoding is empty and it has no years).
                let Some((exact, bloom, near, notified)) = own.filter(|(exact, ..)| !exact.is_empty()) else {
                    return Ok(0);
                };
                // Those of the same exact key, and those born within a year of the person (a
                // case without a birth date is compared by its exact key alone).
                let near: Vec<String> = near.unwrap_or_default().split(' ').map(str::to_string).collect();
                let year = |i: usize| near.get(i).cloned().unwrap_or_default();
                let others: Vec<(String, String, Vec<u8>, Timestamp)> = ::sqlx::query_as("SELECT m.case_id, m.exact, m.bloom, c.notified_at_ms FROM case_match_keys m JOIN cases c ON c.id = m.case_id WHERE m.case_id <> $1 AND c.erased_at_ms IS NULL AND (m.exact = $2 OR m.birth_year_key IN ($3, $4, $5))")
                    .bind(case_id)
                    .bind(&exact)
                    .bind(year(0))
                    .bind(year(1))
                    .bind(year(2))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                let found: Vec<(String, String, i64, bool)> = others
                    .into_iter()
                    .filter_map(|(other, other_exact, other_bloom, other_notified)| {
                        let same = other_exact == exact;
                        let dice = mnir_crypto::dice(&bloom, &other_bloom);
                        if !mnir_domain::duplicates::is_candidate(same, dice) {
                            return None;
                        }
                        // The earlier notification first, whichever side finds the pair.
                        let (earlier, later) = if (other_notified, other.as_str()) < (notified, case_id) {
                            (other, case_id.to_string())
                        } else {
                            (case_id.to_string(), other)
                        };
                        Some((earlier, later, mnir_domain::duplicates::permille(dice), same))
                    })
                    .collect();
                if found.is_empty() {
                    return Ok(0);
                }
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let mut new = 0;
                for (earlier, later, score, same) in found {
                    let id = uuid::Uuid::new_v4().to_string();
                    let inserted = ::sqlx::query("INSERT INTO duplicate_candidates (id, earlier_case, later_case, score_permille, exact, found_at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (earlier_case, later_case) DO NOTHING")
                        .bind(&id)
                        .bind(&earlier)
                        .bind(&later)
                        .bind(score)
                        .bind(same)
                        .bind(by.now_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?
                        .rows_affected();
                    if inserted > 0 {
                        new += 1;
                        // The pair by ids and score: nothing of the names.
                        self.append_audit(&mut tx, by, "duplicate.found", &format!("case:{later}"), &format!("pair={id} with={earlier} score={score} exact={same}")).await?;
                    }
                }
                tx.commit().await.map_err(db_err)?;
                Ok(new)
            }

            async fn rebuild_match_keys(&self, limit: u32) -> StoreResult<u64> {
                let rows: Vec<(String, Vec<u8>, Vec<u8>, Option<Vec<u8>>, Option<Vec<u8>>)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT c.id, c.given_name, c.family_name, c.birth_date, (SELECT k.wrapped FROM case_keys k WHERE k.case_id = c.id) FROM cases c WHERE c.erased_at_ms IS NULL AND NOT EXISTS (SELECT 1 FROM case_match_keys m WHERE m.case_id = c.id) ORDER BY c.id{}",
                    $crate::sql::limit(i64::from(limit))
                )))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                let mut keys = Vec::with_capacity(rows.len());
                for (id, given, family, born, wrapped) in rows {
                    let key = self.case_key(&id, wrapped)?;
                    let given = self.case_field(key.as_ref(), "given_name", &id, Some(given))?;
                    let family = self.case_field(key.as_ref(), "family_name", &id, Some(family))?;
                    let born = self.case_field(key.as_ref(), "birth_date", &id, born)?;
                    // A case whose names cannot be opened (its key not put back) gets none.
                    let (Some(given), Some(family)) = (given, family) else { continue };
                    keys.push((id, self.keys.match_keys(&[&given, &family], born.as_deref())));
                }
                if keys.is_empty() {
                    return Ok(0);
                }
                let mut tx = self.begin_write().await.map_err(db_err)?;
                for chunk in keys.chunks(500) {
                    Self::insert_match_keys(&mut tx, chunk.iter().map(|(id, k)| (id.as_str(), k))).await?;
                }
                tx.commit().await.map_err(db_err)?;
                Ok(keys.len() as u64)
            }

            async fn reopen_duplicate(&self, id: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("UPDATE duplicate_candidates SET decision = NULL, decided_by = NULL, decided_at_ms = NULL WHERE id = $1 AND decided_by = $2")
                    .bind(id)
                    .bind(&by.user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.append_audit(&mut tx, by, "duplicate.reopen", "duplicates", &format!("pair={id}")).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn duplicate_candidates(&self, org: Option<&str>, open_only: bool, after: Option<&ListPlace>, limit: u32) -> StoreResult<Vec<DuplicateCandidate>> {
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!(
                    "SELECT {PAIR_COLUMNS} FROM {PAIR_FROM} WHERE ($1 OR d.decision IS NULL) \
                     AND ($2 OR EXISTS (SELECT 1 FROM case_access a WHERE a.org_code = $3 AND a.case_id IN (d.earlier_case, d.later_case))) \
                     AND (d.found_at_ms > $4 OR (d.found_at_ms = $4 AND d.id > $5)) ORDER BY d.found_at_ms, d.id{}",
                    $crate::sql::limit(i64::from(limit))
                )))
                    .bind(!open_only)
                    .bind(org.is_none())
                    .bind(org.unwrap_or(""))
                    .bind(after.map_or(i64::MIN, |p| p.at_ms.millis()))
                    .bind(after.map_or("", |p| p.id.as_str()))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.iter().map(candidate_from).collect()
            }

            async fn duplicate_candidate(&self, id: &str) -> StoreResult<Option<DuplicateCandidate>> {
                let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {PAIR_COLUMNS} FROM {PAIR_FROM} WHERE d.id = $1")))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.as_ref().map(candidate_from).transpose()
            }

            async fn decide_duplicate(&self, id: &str, decision: mnir_domain::duplicates::DuplicateDecision, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("UPDATE duplicate_candidates SET decision = $1, decided_by = $2, decided_at_ms = $3 WHERE id = $4 AND decision IS NULL")
                    .bind(decision.as_str())
                    .bind(&by.user_id)
                    .bind(by.now_ms)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let later: String = ::sqlx::query_scalar("SELECT later_case FROM duplicate_candidates WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "duplicate.decide", &format!("case:{later}"), &format!("pair={id} decision={}", decision.as_str())).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn matched_case_ids(&self, after: Option<&str>, limit: u32) -> StoreResult<Vec<String>> {
                ::sqlx::query_scalar(::sqlx::AssertSqlSafe(format!(
                    "SELECT case_id FROM case_match_keys WHERE case_id > $1 ORDER BY case_id{}",
                    $crate::sql::limit(i64::from(limit))
                )))
                    .bind(after.unwrap_or(""))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)
            }
        }
    };
}
