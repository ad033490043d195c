//! The SQL of [`crate::VictimProfileStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_victim_profile_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Writes a profile's row and its values (the case's earlier ones already gone).
            async fn insert_profile_in(conn: &mut <$db as ::sqlx::Database>::Connection, r: &VictimProfileRecord) -> StoreResult<()> {
                ::sqlx::query("INSERT INTO victim_profiles (case_id, age_when_trafficked, org_code, recorded_by, updated_at_ms) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&r.case_id)
                    .bind(r.profile.age_when_trafficked.map(i64::from))
                    .bind(&r.org_code)
                    .bind(&r.recorded_by)
                    .bind(r.updated_at_ms)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_err)?;
                let values: Vec<(&str, i64, &str)> = r
                    .profile
                    .values
                    .iter()
                    .flat_map(|(field, codes)| codes.iter().enumerate().map(move |(n, code)| (field.as_str(), n as i64, code.as_str())))
                    .collect();
                for chunk in values.chunks(300) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO victim_profile_values (case_id, field, position, code) ");
                    q.push_values(chunk, |mut b, (field, position, code)| {
                        b.push_bind(r.case_id.clone()).push_bind(*field).push_bind(*position).push_bind(*code);
                    });
                    q.build().execute(&mut *conn).await.map_err(db_err)?;
                }
                Ok(())
            }

            /// Writes many profiles' rows and values with multi-row inserts; the number of values.
            async fn insert_profile_rows(tx: &mut Tx, records: &[VictimProfileRecord]) -> StoreResult<usize> {
                for chunk in records.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO victim_profiles (case_id, age_when_trafficked, org_code, recorded_by, updated_at_ms) ");
                    q.push_values(chunk, |mut b, r| {
                        b.push_bind(r.case_id.clone()).push_bind(r.profile.age_when_trafficked.map(i64::from))
                            .push_bind(r.org_code.clone()).push_bind(r.recorded_by.clone()).push_bind(r.updated_at_ms);
                    });
                    q.build().execute(&mut **tx).await.map_err(db_err)?;
                }
                let values: Vec<(&str, &str, i64, &str)> = records
                    .iter()
                    .flat_map(|r| r.profile.values.iter().flat_map(move |(field, codes)| {
                        codes.iter().enumerate().map(move |(n, code)| (r.case_id.as_str(), field.as_str(), n as i64, code.as_str()))
                    }))
                    .collect();
                for chunk in values.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO victim_profile_values (case_id, field, position, code) ");
                    q.push_values(chunk, |mut b, (case_id, field, position, code)| {
                        b.push_bind(*case_id).push_bind(*field).push_bind(*position).push_bind(*code);
                    });
                    q.build().execute(&mut **tx).await.map_err(db_err)?;
                }
                Ok(values.len())
            }

            async fn victim_profile_in(conn: &mut <$db as ::sqlx::Database>::Connection, case_id: &str) -> StoreResult<Option<VictimProfileRecord>> {
                let row: Option<(Option<i64>, String, String, Timestamp)> = ::sqlx::query_as("SELECT age_when_trafficked, org_code, recorded_by, updated_at_ms FROM victim_profiles WHERE case_id = $1")
                    .bind(case_id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(db_err)?;
                let Some((age, org_code, recorded_by, updated_at_ms)) = row else { return Ok(None) };
                let values: Vec<(String, String)> = ::sqlx::query_as("SELECT field, code FROM victim_profile_values WHERE case_id = $1 ORDER BY field, position")
                    .bind(case_id)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                let mut profile = mnir_domain::victim::VictimProfile {
                    age_when_trafficked: age
                        .map(|a| u32::try_from(a).map_err(|_| StoreError::Corrupt(format!("victim_profiles.age_when_trafficked: {a}"))))
                        .transpose()?,
                    ..Default::default()
                };
                for (field, code) in values {
                    let field = $crate::sql::code_column("victim_profile_values.field", &field, mnir_domain::victim::ProfileField::parse)?;
                    profile.values.entry(field).or_default().push(code);
                }
                Ok(Some(VictimProfileRecord { case_id: case_id.to_string(), profile, org_code, recorded_by, updated_at_ms }))
            }
        }

        #[async_trait]
        impl VictimProfileStore for $store {
            async fn victim_profile(&self, case_id: &str) -> StoreResult<Option<VictimProfileRecord>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                Self::victim_profile_in(&mut conn, case_id).await
            }

            async fn put_victim_profile(&self, r: &VictimProfileRecord, seen_state: mnir_domain::CaseState, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // Holds the case's row until the end: a second saver waits here.
                Self::lock_case_in_state(&mut tx, &r.case_id, seen_state).await?;
                let before = Self::victim_profile_in(&mut tx, &r.case_id).await?;
                ::sqlx::query("DELETE FROM victim_profile_values WHERE case_id = $1")
                    .bind(&r.case_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                ::sqlx::query("DELETE FROM victim_profiles WHERE case_id = $1")
                    .bind(&r.case_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                Self::insert_profile_in(&mut tx, r).await?;
                // The fields that changed, by name: their values tell how the person was
                // exploited, which the audit log does not repeat.
                let old = before.map(|b| b.profile).unwrap_or_default();
                let mut changed: Vec<&str> = mnir_domain::victim::ProfileField::ALL
                    .iter()
                    .filter(|f| old.get(**f) != r.profile.get(**f))
                    .map(|f| f.as_str())
                    .collect();
                if old.age_when_trafficked != r.profile.age_when_trafficked {
                    changed.push("age_when_trafficked");
                }
                let detail = format!("fields={}", if changed.is_empty() { "-".to_string() } else { changed.join(",") });
                self.append_audit(&mut tx, by, "victim_profile.record", &format!("case:{}", r.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn insert_generated_profiles(&self, records: &[VictimProfileRecord], by: &AuditActor) -> StoreResult<()> {
                if records.is_empty() {
                    return Ok(());
                }
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let values = Self::insert_profile_rows(&mut tx, records).await?;
                self.append_audit(&mut tx, by, "victim_profile.generate", "cases", &format!("profiles={} values={values}", records.len())).await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
