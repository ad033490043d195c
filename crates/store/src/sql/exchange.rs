//! The SQL of [`crate::ExchangeStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_exchange_store {
    ($store:ty, $db:ty) => {
        #[async_trait]
        impl ExchangeStore for $store {
            async fn export_page(&self, after_reference: Option<&str>, limit: u32, reveal_identity: bool, by: &AuditActor, detail: &str) -> StoreResult<Vec<ExportedCase>> {
                let mut tx = self.begin_read().await.map_err(db_err)?;
                // COUNT(*) rather than EXISTS: an integer of the same width on both databases.
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!(
                    "SELECT {SUMMARY_COLUMNS}, c.birth_date, c.notifying_org, \
                     (SELECT MIN(e.at_ms) FROM case_events e WHERE e.case_id = c.id AND e.to_state IN ('presumed_victim', 'identified_victim')), \
                     (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id AND e.to_state = 'identified_victim') \
                     FROM cases c WHERE c.state <> 'duplicate' AND c.reference > $1 ORDER BY c.reference LIMIT $2"
                )))
                .bind(after_reference.unwrap_or(""))
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
                let mut cases = Vec::with_capacity(rows.len());
                for row in &rows {
                    let summary = self.summary_from(row, reveal_identity)?;
                    let id: String = row.try_get(0).map_err(db_err)?;
                    let identity = if reveal_identity {
                        let key = self.case_key(&id, row.try_get(13).map_err(db_err)?)?;
                        let birth_date = birth_date_of(self.case_field(key.as_ref(), "birth_date", &id, row.try_get(14).map_err(db_err)?)?)?;
                        Some((summary.given_name.clone().unwrap_or_default(), summary.family_name.clone().unwrap_or_default(), birth_date))
                    } else {
                        None
                    };
                    let identified: i64 = row.try_get(17).map_err(db_err)?;
                    cases.push(ExportedCase {
                        id,
                        reference: summary.reference,
                        state: summary.state,
                        sex: summary.sex,
                        age_group: summary.age_group,
                        age_years: summary.age_years,
                        citizenship: summary.citizenship,
                        exploitation: summary.exploitation,
                        notifying_org: row.try_get(15).map_err(db_err)?,
                        notified_at_ms: summary.notified_at_ms,
                        identity,
                        profile: Default::default(),
                        first_victim_step_ms: row.try_get(16).map_err(db_err)?,
                        identified: identified > 0,
                    });
                }
                if !cases.is_empty() {
                    // The page's profiles, one statement each whatever the page's length (within
                    // both databases' limits on bound values).
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT case_id, age_when_trafficked FROM victim_profiles WHERE case_id IN (");
                    let mut list = q.separated(", ");
                    for case in &cases {
                        list.push_bind(case.id.clone());
                    }
                    q.push(")");
                    let ages: Vec<(String, Option<i64>)> = q.build_query_as().fetch_all(&mut *tx).await.map_err(db_err)?;
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT case_id, field, code FROM victim_profile_values WHERE case_id IN (");
                    let mut list = q.separated(", ");
                    for case in &cases {
                        list.push_bind(case.id.clone());
                    }
                    q.push(") ORDER BY case_id, field, position");
                    let values: Vec<(String, String, String)> = q.build_query_as().fetch_all(&mut *tx).await.map_err(db_err)?;
                    let position: std::collections::HashMap<String, usize> = cases.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
                    for (case_id, age) in ages {
                        if let Some(i) = position.get(&case_id) {
                            cases[*i].profile.age_when_trafficked = age
                                .map(|a| u32::try_from(a).map_err(|_| StoreError::Corrupt(format!("victim_profiles.age_when_trafficked: {a}"))))
                                .transpose()?;
                        }
                    }
                    for (case_id, field, code) in values {
                        if let Some(i) = position.get(&case_id) {
                            let field = $crate::sql::code_column("victim_profile_values.field", &field, mnir_domain::victim::ProfileField::parse)?;
                            cases[*i].profile.values.entry(field).or_default().push(code);
                        }
                    }
                }
                tx.commit().await.map_err(db_err)?;
                self.append_read_audit(by, "cases.export", "cases", &format!("{detail} count={}", cases.len())).await?;
                Ok(cases)
            }

            async fn existing_references(&self, references: &[String]) -> StoreResult<Vec<String>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                let mut found = Vec::new();
                for chunk in references.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT reference FROM cases WHERE reference IN (");
                    let mut list = q.separated(", ");
                    for reference in chunk {
                        list.push_bind(reference.clone());
                    }
                    q.push(")");
                    let rows: Vec<(String,)> = q.build_query_as().fetch_all(&mut *conn).await.map_err(db_err)?;
                    found.extend(rows.into_iter().map(|(r,)| r));
                }
                Ok(found)
            }

            async fn import_cases(&self, cases: &[SealedCase], profiles: &[VictimProfileRecord], by: &AuditActor, detail: &str, progress: &(dyn Fn(usize) + Send + Sync)) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let mut written = 0;
                for chunk in cases.chunks(500) {
                    self.insert_case_rows(&mut tx, chunk).await?;
                    written += chunk.len();
                    progress(written);
                }
                let values = Self::insert_profile_rows(&mut tx, profiles).await?;
                self.append_audit(&mut tx, by, "cases.import", "cases", &format!("{detail} count={} profiles={} values={values}", cases.len(), profiles.len())).await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
