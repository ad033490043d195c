//! The SQL of [`crate::RiskStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_risk_store {
    ($store:ty, $db:ty) => {
        /// The row id a rating's or an answer's note is encrypted under: the assessment and the code.
        fn risk_note_row(assessment_id: &str, code: &str) -> String {
            format!("{assessment_id}:{code}")
        }

        /// Since when the case of the access row `x` has urgent needs nobody has answered: what
        /// `case_access.urgent_since_ms` keeps, computed from the assessments.
        const URGENT_SINCE: &str = "SELECT MIN(a.assessed_at_ms) FROM risk_assessments a WHERE a.case_id = x.case_id AND a.urgent_any AND a.urgent_answered_at_ms IS NULL";

        /// The columns of an assessment's row, in the order `assessments_of` reads them.
        const RISK_COLUMNS: &str = "id, case_id, version, kind, org_code, assessed_by, assessed_at_ms, overall, clock_id, urgent_answered_at_ms, urgent_answered_by, partner_org";

        impl $store {
            /// The oldest `limit` cases of an organisation (`$1`) with urgent needs nobody has
            /// answered. The organisation's access rows carry since when each case has open needs,
            /// and a partial index holds only those: one range read, whatever the country's
            /// number. Each case's open "yes" answers come joined into one text in the same
            /// statement: a row per case rather than per answer, each row being a hand-off from
            /// SQLite's thread.
            fn urgent_cases_sql(limit: i64) -> String {
                format!(
                    "SELECT x.case_id, c.reference, x.urgent_since_ms, \
                     (SELECT string_agg(u.question, ',') FROM risk_assessments a JOIN risk_urgent_answers u ON u.assessment_id = a.id \
                      WHERE a.case_id = x.case_id AND a.urgent_any AND a.urgent_answered_at_ms IS NULL AND u.answer) \
                     FROM case_access x CROSS JOIN cases c WHERE x.org_code = $1 AND x.urgent_since_ms IS NOT NULL AND c.id = x.case_id ORDER BY x.urgent_since_ms, x.case_id{}",
                    $crate::sql::limit(limit)
                )
            }

            async fn urgent_cases_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, org_code: &str, limit: i64) -> StoreResult<Vec<UrgentCase>> {
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(Self::urgent_cases_sql(limit)))
                    .bind(org_code)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                Self::urgent_from(&rows)
            }

            fn urgent_from(rows: &[DbRow]) -> StoreResult<Vec<UrgentCase>> {
                use $crate::sql::__private::mnir_domain::risk::UrgentQuestion;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let (case_id, reference, assessed_at_ms, answers): (String, String, Timestamp, Option<String>) = ::sqlx::FromRow::from_row(row).map_err(db_err)?;
                    let mut questions = answers
                        .as_deref()
                        .unwrap_or_default()
                        .split(',')
                        .filter(|q| !q.is_empty())
                        .map(|q| $crate::sql::code_column("risk_urgent_answers.question", q, UrgentQuestion::parse))
                        .collect::<StoreResult<Vec<_>>>()?;
                    questions.sort();
                    questions.dedup();
                    out.push(UrgentCase { case_id, reference, assessed_at_ms, questions });
                }
                Ok(out)
            }

            /// A case's assessments, their urgent answers and their ratings (`$1` the case): three
            /// statements, whatever the number of versions, as `assessments_of_in` and the case
            /// page read them.
            fn assessments_of_case_sql() -> [String; 3] {
                [
                    format!("SELECT {RISK_COLUMNS} FROM risk_assessments WHERE case_id = $1 ORDER BY version"),
                    "SELECT u.assessment_id, u.question, u.answer, u.note FROM risk_urgent_answers u JOIN risk_assessments a ON a.id = u.assessment_id WHERE a.case_id = $1".into(),
                    "SELECT r.assessment_id, r.domain, r.severity, r.likelihood, r.note FROM risk_ratings r JOIN risk_assessments a ON a.id = r.assessment_id WHERE a.case_id = $1".into(),
                ]
            }

            async fn assessments_of_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, case_id: &str) -> StoreResult<Vec<RiskAssessmentRecord>> {
                let [versions, answers, ratings] = Self::assessments_of_case_sql();
                let versions = ::sqlx::query(::sqlx::AssertSqlSafe(versions))
                    .bind(case_id)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                if versions.is_empty() {
                    return Ok(Vec::new());
                }
                let answers = ::sqlx::query(::sqlx::AssertSqlSafe(answers)).bind(case_id).fetch_all(&mut *conn).await.map_err(db_err)?;
                let ratings = ::sqlx::query(::sqlx::AssertSqlSafe(ratings)).bind(case_id).fetch_all(&mut *conn).await.map_err(db_err)?;
                self.assessments_from(&versions, &answers, &ratings)
            }

            /// A case's assessments from the rows of the three statements of
            /// `assessments_of_case_sql`.
            fn assessments_from(&self, rows: &[DbRow], answers: &[DbRow], ratings: &[DbRow]) -> StoreResult<Vec<RiskAssessmentRecord>> {
                use $crate::sql::__private::mnir_domain::risk::{AssessmentKind, Rating, RiskDomain, RiskLevel, UrgentQuestion};
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let kind: String = row.try_get(3).map_err(db_err)?;
                    let overall: Option<String> = row.try_get(7).map_err(db_err)?;
                    out.push(RiskAssessmentRecord {
                        id: row.try_get(0).map_err(db_err)?,
                        case_id: row.try_get(1).map_err(db_err)?,
                        version: row.try_get(2).map_err(db_err)?,
                        kind: $crate::sql::code_column("risk_assessments.kind", &kind, AssessmentKind::parse)?,
                        org_code: row.try_get(4).map_err(db_err)?,
                        assessed_by: row.try_get(5).map_err(db_err)?,
                        assessed_at_ms: row.try_get(6).map_err(db_err)?,
                        overall: overall.map(|o| $crate::sql::code_column("risk_assessments.overall", &o, RiskLevel::parse)).transpose()?,
                        clock_id: row.try_get(8).map_err(db_err)?,
                        urgent_answered_at_ms: row.try_get(9).map_err(db_err)?,
                        urgent_answered_by: row.try_get(10).map_err(db_err)?,
                        partner_org: row.try_get(11).map_err(db_err)?,
                        urgent: Vec::new(),
                        domains: Vec::new(),
                    });
                }
                for row in answers {
                    let (assessment_id, question, yes, note): (String, String, bool, Option<Vec<u8>>) = ::sqlx::FromRow::from_row(row).map_err(db_err)?;
                    let note = self.decrypt_opt("risk_urgent_answers", "note", &risk_note_row(&assessment_id, &question), note)?.unwrap_or_default();
                    let question = $crate::sql::code_column("risk_urgent_answers.question", &question, UrgentQuestion::parse)?;
                    if let Some(a) = out.iter_mut().find(|a| a.id == assessment_id) {
                        a.urgent.push(UrgentAnswer { question, yes, note });
                    }
                }
                for row in ratings {
                    let (assessment_id, domain, severity, likelihood, note): (String, String, i32, i32, Option<Vec<u8>>) = ::sqlx::FromRow::from_row(row).map_err(db_err)?;
                    let note = self.decrypt_opt("risk_ratings", "note", &risk_note_row(&assessment_id, &domain), note)?.unwrap_or_default();
                    let domain = $crate::sql::code_column("risk_ratings.domain", &domain, RiskDomain::parse)?;
                    let rating = u8::try_from(severity).ok().zip(u8::try_from(likelihood).ok()).and_then(|(s, l)| Rating::new(s, l))
                        .ok_or_else(|| StoreError::Corrupt(format!("risk_ratings: rating {severity}×{likelihood} outside 1–3")))?;
                    if let Some(a) = out.iter_mut().find(|a| a.id == assessment_id) {
                        a.domains.push(DomainRating { domain, rating, note });
                    }
                }
                for a in &mut out {
                    a.urgent.sort_by_key(|u| u.question);
                    a.domains.sort_by_key(|d| d.domain);
                }
                Ok(out)
            }

            /// Marks the case's unanswered urgent needs answered at `at` by `answer` (`referral:<id>`,
            /// `assessment:<id>`, `case:<state>`), in the transaction of what answers them.
            async fn answer_urgent_needs(tx: &mut Tx, case_id: &str, at: Timestamp, answer: &str) -> StoreResult<()> {
                ::sqlx::query("UPDATE risk_assessments SET urgent_answered_at_ms = $1, urgent_answered_by = $2 WHERE case_id = $3 AND urgent_any AND urgent_answered_at_ms IS NULL")
                    .bind(at)
                    .bind(answer)
                    .bind(case_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                ::sqlx::query("UPDATE case_access SET urgent_since_ms = NULL WHERE case_id = $1 AND urgent_since_ms IS NOT NULL")
                    .bind(case_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            /// Marks the case's access rows as having open urgent needs since `at`, unless they
            /// have had some since earlier.
            async fn raise_urgent_needs(tx: &mut Tx, case_id: &str, at: Timestamp) -> StoreResult<()> {
                ::sqlx::query("UPDATE case_access SET urgent_since_ms = $1 WHERE case_id = $2 AND (urgent_since_ms IS NULL OR urgent_since_ms > $1)")
                    .bind(at)
                    .bind(case_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }
        }

        #[async_trait]
        impl RiskStore for $store {
            async fn record_assessment(&self, a: &RiskAssessmentRecord, review_clock: Option<&ClockRecord>, seen_state: mnir_domain::CaseState, by: &AuditActor) -> StoreResult<i64> {
                use $crate::sql::__private::mnir_domain::risk::REVIEW_CLOCKS;
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // Two assessors saving at once are numbered one after the other, and a case that
                // moved meanwhile is told, not assessed against a state it left.
                Self::lock_case_in_state(&mut tx, &a.case_id, seen_state).await?;
                let version: i64 = ::sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM risk_assessments WHERE case_id = $1")
                    .bind(&a.case_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if !a.urgent.is_empty() {
                    Self::answer_urgent_needs(&mut tx, &a.case_id, by.now_ms, &format!("assessment:{}", a.id)).await?;
                }
                ::sqlx::query("INSERT INTO risk_assessments (id, case_id, version, kind, org_code, assessed_by, assessed_at_ms, overall, urgent_any, clock_id, urgent_answered_at_ms, urgent_answered_by, partner_org) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, $11)")
                    .bind(&a.id)
                    .bind(&a.case_id)
                    .bind(version)
                    .bind(a.kind.as_str())
                    .bind(&a.org_code)
                    .bind(&a.assessed_by)
                    .bind(a.assessed_at_ms)
                    .bind(a.overall.map(|l| l.as_str()))
                    .bind(a.urgent.iter().any(|u| u.yes))
                    .bind(review_clock.map(|c| c.id.clone()))
                    .bind(&a.partner_org)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                for u in &a.urgent {
                    let row = risk_note_row(&a.id, u.question.as_str());
                    ::sqlx::query("INSERT INTO risk_urgent_answers (assessment_id, question, answer, note) VALUES ($1, $2, $3, $4)")
                        .bind(&a.id)
                        .bind(u.question.as_str())
                        .bind(u.yes)
                        .bind((!u.note.is_empty()).then(|| self.keys.encrypt_str("risk_urgent_answers", "note", &row, &u.note)))
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                for d in &a.domains {
                    let row = risk_note_row(&a.id, d.domain.as_str());
                    ::sqlx::query("INSERT INTO risk_ratings (assessment_id, domain, severity, likelihood, note) VALUES ($1, $2, $3, $4, $5)")
                        .bind(&a.id)
                        .bind(d.domain.as_str())
                        .bind(i32::from(d.rating.severity()))
                        .bind(i32::from(d.rating.likelihood()))
                        .bind((!d.note.is_empty()).then(|| self.keys.encrypt_str("risk_ratings", "note", &row, &d.note)))
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                if a.urgent.iter().any(|u| u.yes) {
                    Self::raise_urgent_needs(&mut tx, &a.case_id, a.assessed_at_ms).await?;
                }
                if let Some(clock) = review_clock {
                    let changes = ClockChanges { start: vec![clock.clone()], stop: REVIEW_CLOCKS.to_vec(), ..ClockChanges::default() };
                    self.apply_clock_changes(&mut tx, &a.case_id, &changes, by).await?;
                }
                let detail = format!("assessment={} version={version} kind={} overall={}", a.id, a.kind, a.overall.map_or("-", |l| l.as_str()));
                self.append_audit(&mut tx, by, "risk.assess", &format!("case:{}", a.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(version)
            }

            async fn assessments_of(&self, case_id: &str) -> StoreResult<Vec<RiskAssessmentRecord>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                self.assessments_of_in(&mut conn, case_id).await
            }

            async fn urgent_cases(&self, org_code: &str, limit: i64) -> StoreResult<Vec<UrgentCase>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                self.urgent_cases_in(&mut conn, org_code, limit).await
            }

            async fn insert_generated_assessments(&self, assessments: &[RiskAssessmentRecord], by: &AuditActor) -> StoreResult<()> {
                if assessments.is_empty() {
                    return Ok(());
                }
                let mut tx = self.begin_write().await.map_err(db_err)?;
                for chunk in assessments.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO risk_assessments (id, case_id, version, kind, org_code, assessed_by, assessed_at_ms, overall, urgent_any, clock_id, urgent_answered_at_ms, urgent_answered_by, partner_org) ");
                    q.push_values(chunk, |mut b, a| {
                        b.push_bind(a.id.clone())
                            .push_bind(a.case_id.clone())
                            .push_bind(a.version)
                            .push_bind(a.kind.as_str())
                            .push_bind(a.org_code.clone())
                            .push_bind(a.assessed_by.clone())
                            .push_bind(a.assessed_at_ms)
                            .push_bind(a.overall.map(|l| l.as_str()))
                            .push_bind(a.urgent.iter().any(|u| u.yes))
                            .push_bind(a.clock_id.clone())
                            .push_bind(a.urgent_answered_at_ms)
                            .push_bind(a.urgent_answered_by.clone())
                            .push_bind(a.partner_org.clone());
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let note = |table: &str, id: &str, code: &str, text: &str| {
                    (!text.is_empty()).then(|| self.keys.encrypt_str(table, "note", &risk_note_row(id, code), text))
                };
                let ratings: Vec<(String, &DomainRating)> = assessments.iter().flat_map(|a| a.domains.iter().map(|d| (a.id.clone(), d))).collect();
                for chunk in ratings.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO risk_ratings (assessment_id, domain, severity, likelihood, note) ");
                    q.push_values(chunk, |mut b, (id, d)| {
                        b.push_bind(id.clone())
                            .push_bind(d.domain.as_str())
                            .push_bind(i32::from(d.rating.severity()))
                            .push_bind(i32::from(d.rating.likelihood()))
                            .push_bind(note("risk_ratings", id, d.domain.as_str(), &d.note));
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let answers: Vec<(String, &UrgentAnswer)> = assessments.iter().flat_map(|a| a.urgent.iter().map(|u| (a.id.clone(), u))).collect();
                for chunk in answers.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO risk_urgent_answers (assessment_id, question, answer, note) ");
                    q.push_values(chunk, |mut b, (id, u)| {
                        b.push_bind(id.clone())
                            .push_bind(u.question.as_str())
                            .push_bind(u.yes)
                            .push_bind(note("risk_urgent_answers", id, u.question.as_str(), &u.note));
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                // The generated cases' open needs, on their access rows (the earliest per case).
                let mut open: std::collections::BTreeMap<&str, Timestamp> = std::collections::BTreeMap::new();
                for a in assessments.iter().filter(|a| a.urgent_answered_at_ms.is_none() && a.urgent.iter().any(|u| u.yes)) {
                    let since = open.entry(a.case_id.as_str()).or_insert(a.assessed_at_ms);
                    *since = (*since).min(a.assessed_at_ms);
                }
                for (case_id, since) in open {
                    Self::raise_urgent_needs(&mut tx, case_id, since).await?;
                }
                self.append_audit(&mut tx, by, "risk.generate", "cases", &format!("count={}", assessments.len())).await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
