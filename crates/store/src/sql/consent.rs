//! The SQL of [`crate::ConsentStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_consent_store {
    ($store:ty, $db:ty) => {
        #[async_trait]
        impl ConsentStore for $store {
            async fn record_information(&self, i: &InformationRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query("INSERT INTO information_given (id, case_id, rights, language, interpreter, mediator, notice_version, given_by, org_code, given_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                    .bind(&i.id)
                    .bind(&i.case_id)
                    .bind(i.rights.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","))
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
                self.append_audit(&mut tx, by, "information.record", &format!("case:{}", i.case_id), &format!("rights={} language={}", i.rights.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","), i.language)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn information_of(&self, case_id: &str) -> StoreResult<Vec<InformationRecord>> {
                let rows: Vec<(String, String, String, String, bool, bool, String, String, String, Timestamp)> = ::sqlx::query_as("SELECT id, case_id, rights, language, interpreter, mediator, notice_version, given_by, org_code, given_at_ms FROM information_given WHERE case_id = $1 ORDER BY given_at_ms, id")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, case_id, rights, language, interpreter, mediator, notice_version, given_by, org_code, given_at_ms)| Ok(InformationRecord {
                        rights: rights
                            .split(',')
                            .filter(|r| !r.is_empty())
                            .map(|r| $crate::sql::code_column("information_given.rights", r, $crate::sql::__private::mnir_domain::consent::Right::parse))
                            .collect::<Result<_, StoreError>>()?,
                        id, case_id, language, interpreter, mediator, notice_version, given_by, org_code, given_at_ms,
                    }))
                    .collect::<Result<_, StoreError>>()?)
            }

            async fn record_consent(&self, c: &ConsentRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query("INSERT INTO consents (id, case_id, purpose, recipient_org, given_by, method, given_at_ms, expires_at_ms, withdrawn_at_ms, recorded_by, org_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10)")
                    .bind(&c.id)
                    .bind(&c.case_id)
                    .bind(c.purpose.as_str())
                    .bind(&c.recipient_org)
                    .bind(c.given_by.as_str())
                    .bind(c.method.as_str())
                    .bind(c.given_at_ms)
                    .bind(c.expires_at_ms)
                    .bind(&c.recorded_by)
                    .bind(&c.org_code)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "consent.record", &format!("case:{}", c.case_id), &format!("consent={} purpose={} recipient={}", c.id, c.purpose, c.recipient_org.as_deref().unwrap_or("-"))).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn consents_of(&self, case_id: &str) -> StoreResult<Vec<ConsentRecord>> {
                let rows: Vec<(String, String, String, Option<String>, String, String, Timestamp, Option<Timestamp>, Option<Timestamp>, String, String)> = ::sqlx::query_as("SELECT id, case_id, purpose, recipient_org, given_by, method, given_at_ms, expires_at_ms, withdrawn_at_ms, recorded_by, org_code FROM consents WHERE case_id = $1 ORDER BY given_at_ms, id")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, case_id, purpose, recipient_org, given_by, method, given_at_ms, expires_at_ms, withdrawn_at_ms, recorded_by, org_code)| Ok(ConsentRecord {
                        purpose: $crate::sql::code_column("consents.purpose", &purpose, $crate::sql::__private::mnir_domain::consent::Purpose::parse)?,
                        given_by: $crate::sql::code_column("consents.given_by", &given_by, $crate::sql::__private::mnir_domain::consent::GivenBy::parse)?,
                        method: $crate::sql::code_column("consents.method", &method, $crate::sql::__private::mnir_domain::consent::Method::parse)?,
                        id, case_id, recipient_org, given_at_ms, expires_at_ms, withdrawn_at_ms, recorded_by, org_code,
                    }))
                    .collect::<Result<_, StoreError>>()?)
            }

            async fn withdraw_consent(&self, case_id: &str, consent_id: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // The case's row locked, as a repatriation step locks it: a step that relies on
                // this consent is either stored before the withdrawal or refused after it.
                ::sqlx::query("UPDATE cases SET updated_at_ms = updated_at_ms WHERE id = $1")
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
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
                self.append_audit(&mut tx, by, "consent.withdraw", &format!("case:{case_id}"), &format!("consent={consent_id}")).await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
