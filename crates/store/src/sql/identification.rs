//! The SQL of [`crate::IdentificationStore`]: catalogues, interviews and decisions.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_identification_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// A case's decisions (`$1` the case), as `decisions_of_in` and the case page read them.
            const DECISIONS_OF_CASE_SQL: &str = "SELECT id, case_id, interview_id, decision, engine_outcome, differs_from_advice, reasons, decided_by, org_code, decided_at_ms, why_different FROM identification_decisions WHERE case_id = $1 ORDER BY decided_at_ms, id";

            /// A case's latest interview (`$1` the case).
            const LATEST_INTERVIEW_SQL: &str = "SELECT id, case_id, catalogue_version, profile, act, marks, evidence, outcome, created_by, org_code, created_at_ms FROM interviews WHERE case_id = $1 ORDER BY created_at_ms DESC, id DESC LIMIT 1";

            async fn decisions_of_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, case_id: &str) -> StoreResult<Vec<DecisionRecord>> {
                let rows = ::sqlx::query(Self::DECISIONS_OF_CASE_SQL)
                    .bind(case_id)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                self.decisions_from(&rows)
            }

            fn decisions_from(&self, rows: &[DbRow]) -> StoreResult<Vec<DecisionRecord>> {
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let id: String = row.try_get(0).map_err(db_err)?;
                    out.push(DecisionRecord {
                        reasons: self.decrypt_opt("identification_decisions", "reasons", &id, row.try_get(6).map_err(db_err)?)?.unwrap_or_default(),
                        case_id: row.try_get(1).map_err(db_err)?,
                        interview_id: row.try_get(2).map_err(db_err)?,
                        decision: state_column(&row.try_get::<String, _>(3).map_err(db_err)?)?,
                        engine_outcome: row.try_get::<Option<String>, _>(4).map_err(db_err)?.map(|o| $crate::sql::code_column("identification_decisions.engine_outcome", &o, $crate::sql::__private::mnir_domain::identification::Outcome::parse)).transpose()?,
                        differs_from_advice: row.try_get(5).map_err(db_err)?,
                        decided_by: row.try_get(7).map_err(db_err)?,
                        org_code: row.try_get(8).map_err(db_err)?,
                        decided_at_ms: row.try_get(9).map_err(db_err)?,
                        why_different: self.decrypt_opt("identification_decisions", "why_different", &id, row.try_get(10).map_err(db_err)?)?,
                        id,
                    });
                }
                Ok(out)
            }

            async fn latest_interview_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, case_id: &str) -> StoreResult<Option<InterviewRecord>> {
                let row = ::sqlx::query(Self::LATEST_INTERVIEW_SQL)
                    .bind(case_id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(db_err)?;
                self.interview_from(row.as_ref())
            }

            fn interview_from(&self, row: Option<&DbRow>) -> StoreResult<Option<InterviewRecord>> {
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
                    profile: parse_column("identification_interviews.profile", &row.try_get::<String, _>(3).map_err(db_err)?)?,
                    act: row.try_get(4).map_err(db_err)?,
                    marks,
                    evidence,
                    outcome: $crate::sql::code_column("identification_interviews.outcome", &row.try_get::<String, _>(7).map_err(db_err)?, $crate::sql::__private::mnir_domain::identification::Outcome::parse)?,
                    created_by: row.try_get(8).map_err(db_err)?,
                    org_code: row.try_get(9).map_err(db_err)?,
                    created_at_ms: row.try_get(10).map_err(db_err)?,
                }))
            }

            /// Records an identification decision inside the transaction of the step that makes it.
            async fn insert_decision(&self, tx: &mut Tx, d: &DecisionRecord, by: &AuditActor) -> StoreResult<()> {
                ::sqlx::query("INSERT INTO identification_decisions (id, case_id, interview_id, decision, engine_outcome, differs_from_advice, reasons, decided_by, org_code, decided_at_ms, why_different) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                    .bind(&d.id)
                    .bind(&d.case_id)
                    .bind(&d.interview_id)
                    .bind(d.decision.as_str())
                    .bind(d.engine_outcome.map(|o| o.as_str()))
                    .bind(d.differs_from_advice)
                    .bind(self.keys.encrypt_str("identification_decisions", "reasons", &d.id, &d.reasons))
                    .bind(&d.decided_by)
                    .bind(&d.org_code)
                    .bind(d.decided_at_ms)
                    .bind(d.why_different.as_deref().map(|w| self.keys.encrypt_str("identification_decisions", "why_different", &d.id, w)))
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                // Every organisation that sees the case, and the national count, gain a decision;
                // in the key's order, as the case tallies, so concurrent decisions never deadlock.
                let mut orgs: Vec<String> = ::sqlx::query_scalar("SELECT org_code FROM case_access WHERE case_id = $1")
                    .bind(&d.case_id)
                    .fetch_all(&mut **tx)
                    .await
                    .map_err(db_err)?;
                orgs.push("*".to_string());
                orgs.sort();
                let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO decision_tallies (org_code, decisions, differing) ");
                q.push_values(&orgs, |mut b, org| {
                    b.push_bind(org.clone()).push_bind(1i64).push_bind(i64::from(d.differs_from_advice));
                });
                q.push(" ON CONFLICT (org_code) DO UPDATE SET decisions = decision_tallies.decisions + excluded.decisions, differing = decision_tallies.differing + excluded.differing");
                q.build().execute(&mut **tx).await.map_err(db_err)?;
                self.append_audit(tx, by, "identification.decide", &format!("case:{}", d.case_id), &format!("decision={} advice={} differs={}", d.decision, d.engine_outcome.map_or("none", |o| o.as_str()), d.differs_from_advice)).await?;
                Ok(())
            }
        }

        #[async_trait]
        impl IdentificationStore for $store {
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
                self.append_audit(&mut tx, by, "catalogue.import", &format!("catalogue:{}", record.version), &format!("indicators={}", record.indicator_count)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn list_catalogues(&self) -> StoreResult<Vec<CatalogueRecord>> {
                let rows: Vec<(String, i64, Timestamp, Option<String>, bool)> = ::sqlx::query_as("SELECT version, indicator_count, imported_at_ms, imported_by, active FROM catalogues ORDER BY imported_at_ms DESC, version")
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
                self.append_audit(&mut tx, by, "catalogue.activate", &format!("catalogue:{}", version.unwrap_or(mnir_domain::identification::BUILTIN_VERSION)), "").await?;
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
                    .bind(i.profile.as_str())
                    .bind(i.act)
                    .bind(marks.join(","))
                    .bind(self.keys.encrypt_str("interviews", "evidence", &i.id, &evidence))
                    .bind(i.outcome.as_str())
                    .bind(&i.created_by)
                    .bind(&i.org_code)
                    .bind(i.created_at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "interview.save", &format!("case:{}", i.case_id), &format!("interview={} catalogue={} outcome={}", i.id, i.catalogue_version, i.outcome)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn latest_interview(&self, case_id: &str) -> StoreResult<Option<InterviewRecord>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                self.latest_interview_in(&mut conn, case_id).await
            }

            async fn decisions_of(&self, case_id: &str) -> StoreResult<Vec<DecisionRecord>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                self.decisions_of_in(&mut conn, case_id).await
            }

            async fn decision_stats(&self, scope: &ScopeFor) -> StoreResult<DecisionStats> {
                let mut stats = DecisionStats::default();
                let tally_org = if scope.scope.national { Some("*") } else { scope.scope.organisation.as_deref() };
                if let Some(org) = tally_org {
                    let row: Option<(i64, i64)> = ::sqlx::query_as("SELECT decisions, differing FROM decision_tallies WHERE org_code = $1")
                        .bind(org)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                    if let Some((decisions, differing)) = row {
                        stats.decisions += decisions;
                        stats.differing_from_advice += differing;
                    }
                }
                // A screener's own cases outside the organisation, found by the creator's index.
                if let (false, Some(creator)) = (scope.scope.national, &scope.scope.created_by) {
                    let (decisions, differing): (i64, Option<i64>) = ::sqlx::query_as("SELECT COUNT(*), SUM(CASE WHEN d.differs_from_advice THEN 1 ELSE 0 END) FROM cases c JOIN identification_decisions d ON d.case_id = c.id WHERE c.created_by = $1 AND NOT EXISTS (SELECT 1 FROM case_access x WHERE x.case_id = c.id AND x.org_code = $2)")
                        .bind(creator)
                        .bind(scope.scope.organisation.as_deref().unwrap_or(""))
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_err)?;
                    stats.decisions += decisions;
                    stats.differing_from_advice += differing.unwrap_or(0);
                }
                Ok(stats)
            }

            async fn decision_stats_scanning(&self, scope: &ScopeFor) -> StoreResult<DecisionStats> {
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
        }
    };
}
