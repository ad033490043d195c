//! The SQL of [`crate::DirectoryStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_directory_store {
    ($store:ty, $db:ty) => {
        #[async_trait]
        impl DirectoryStore for $store {
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
                self.append_audit(&mut tx, by, "directory.save", &format!("organisation:{}", e.org_code), &format!("services={} capacity={}", e.services.join(","), e.capacity.map_or("-".into(), |c| c.to_string()))).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn directory(&self) -> StoreResult<Vec<DirectoryEntry>> {
                let rows: Vec<(String, String, String, String, String, Option<i64>, Timestamp)> = ::sqlx::query_as("SELECT org_code, services, counties, target_groups, languages, capacity, updated_at_ms FROM directory ORDER BY org_code")
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
        }
    };
}
