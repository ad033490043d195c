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

        #[async_trait]
        impl DuplicateStore for $store {
            async fn find_duplicates(&self, case_id: &str, threshold_permille: i64, by: &AuditActor) -> StoreResult<u64> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let own: Option<(String, Vec<u8>, Option<i64>, Timestamp)> = ::sqlx::query_as("SELECT m.exact, m.bloom, m.birth_year, c.notified_at_ms FROM case_match_keys m JOIN cases c ON c.id = m.case_id WHERE m.case_id = $1")
                    .bind(case_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some((exact, bloom, birth_year, notified)) = own else {
                    return Ok(0);
                };
                // Those of the same exact key, and those born within a year of the person (a
                // case without a birth date is compared by its exact key alone).
                let year = birth_year.unwrap_or(i64::MIN / 2);
                let others: Vec<(String, String, Vec<u8>, Timestamp)> = ::sqlx::query_as("SELECT m.case_id, m.exact, m.bloom, c.notified_at_ms FROM case_match_keys m JOIN cases c ON c.id = m.case_id WHERE m.case_id <> $1 AND (m.exact = $2 OR (m.birth_year BETWEEN $3 AND $4))")
                    .bind(case_id)
                    .bind(&exact)
                    .bind(year - i64::from(mnir_domain::duplicates::BIRTH_YEARS_APART))
                    .bind(year + i64::from(mnir_domain::duplicates::BIRTH_YEARS_APART))
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let mut found = 0;
                for (other, other_exact, other_bloom, other_notified) in others {
                    let same = other_exact == exact;
                    let score = mnir_domain::duplicates::permille(mnir_crypto::dice(&bloom, &other_bloom));
                    if !same && score < threshold_permille {
                        continue;
                    }
                    let ((earlier, _), (later, _)) = {
                        let mine = (case_id.to_string(), notified);
                        let theirs = (other.clone(), other_notified);
                        if (theirs.1, &theirs.0) < (mine.1, &mine.0) { (theirs, mine) } else { (mine, theirs) }
                    };
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
                        found += 1;
                        // The pair by ids and score: nothing of the names.
                        self.append_audit(&mut tx, by, "duplicate.found", &format!("case:{later}"), &format!("pair={id} with={earlier} score={score} exact={same}")).await?;
                    }
                }
                tx.commit().await.map_err(db_err)?;
                Ok(found)
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
