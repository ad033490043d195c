//! The SQL of [`crate::PlanStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_plan_store {
    ($store:ty, $db:ty) => {
        /// The row id a plan line's text is encrypted under: the plan and the line's code.
        fn plan_text_row(plan_id: &str, code: &str) -> String {
            format!("{plan_id}:{code}")
        }

        /// A day as stored (`YYYY-MM-DD`, the jurisdiction's calendar day).
        fn day_text(day: chrono::NaiveDate) -> String {
            day.format("%Y-%m-%d").to_string()
        }

        /// A stored day read back, or the column named as corrupt.
        fn day_column(column: &str, text: &str) -> StoreResult<chrono::NaiveDate> {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt(format!("{column}: {text:?} is not a day")))
        }

        impl $store {
            /// A text encrypted for its column and row; an empty text is stored as NULL.
            fn seal_text(&self, table: &str, column: &str, row: &str, text: &str) -> Option<Vec<u8>> {
                (!text.is_empty()).then(|| self.keys.encrypt_str(table, column, row, text))
            }

            /// The plan's rows, its measures and its services, in `tx` (a version recorded or a
            /// generated one).
            async fn insert_plan_rows(&self, tx: &mut Tx, p: &SupportPlanRecord, version: i64) -> StoreResult<()> {
                ::sqlx::query("INSERT INTO support_plans (id, case_id, version, org_code, drafted_by, drafted_at_ms, assessment_id, review_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(&p.id)
                    .bind(&p.case_id)
                    .bind(version)
                    .bind(&p.org_code)
                    .bind(&p.drafted_by)
                    .bind(p.drafted_at_ms)
                    .bind(&p.assessment_id)
                    .bind(day_text(p.review_on))
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                for m in &p.measures {
                    let row = plan_text_row(&p.id, m.measure.as_str());
                    ::sqlx::query("INSERT INTO plan_measures (plan_id, measure, responsible, due_on, detail, shelter_address) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(&p.id)
                        .bind(m.measure.as_str())
                        .bind(self.seal_text("plan_measures", "responsible", &row, &m.responsible))
                        .bind(day_text(m.due_on))
                        .bind(self.seal_text("plan_measures", "detail", &row, &m.detail))
                        .bind(self.seal_text("plan_measures", "shelter_address", &row, &m.shelter_address))
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                }
                for s in &p.services {
                    let row = plan_text_row(&p.id, s.service_type.as_str());
                    ::sqlx::query("INSERT INTO plan_services (plan_id, service_type, provider_org, objectives, action_plan, planned_end_on, actual_end_on, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                        .bind(&p.id)
                        .bind(s.service_type.as_str())
                        .bind(&s.provider_org)
                        .bind(self.seal_text("plan_services", "objectives", &row, &s.objectives))
                        .bind(self.seal_text("plan_services", "action_plan", &row, &s.action_plan))
                        .bind(day_text(s.planned_end_on))
                        .bind(s.actual_end_on.map(day_text))
                        .bind(s.status.as_str())
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                }
                for a in &p.acknowledgements {
                    self.insert_acknowledgement(tx, &p.id, a).await?;
                }
                Ok(())
            }

            async fn insert_acknowledgement(&self, tx: &mut Tx, plan_id: &str, a: &PlanAcknowledgement) -> StoreResult<()> {
                let row = plan_text_row(plan_id, a.party.as_str());
                ::sqlx::query("INSERT INTO plan_acknowledgements (plan_id, party, way, acknowledged_on, witness, recorded_by, recorded_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(plan_id)
                    .bind(a.party.as_str())
                    .bind(a.way.as_str())
                    .bind(day_text(a.on))
                    .bind(self.seal_text("plan_acknowledgements", "witness", &row, &a.witness))
                    .bind(&a.recorded_by)
                    .bind(a.recorded_at_ms)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn insert_delivery(&self, tx: &mut Tx, d: &ServiceDelivery) -> StoreResult<()> {
                ::sqlx::query("INSERT INTO service_deliveries (id, case_id, service_type, delivered_on, provider_org, provider_other, outcome, org_code, recorded_by, recorded_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                    .bind(&d.id)
                    .bind(&d.case_id)
                    .bind(d.service_type.as_str())
                    .bind(day_text(d.delivered_on))
                    .bind(&d.provider_org)
                    .bind(self.seal_text("service_deliveries", "provider_other", &d.id, &d.provider_other))
                    .bind(self.seal_text("service_deliveries", "outcome", &d.id, &d.outcome))
                    .bind(&d.org_code)
                    .bind(&d.recorded_by)
                    .bind(d.recorded_at_ms)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            /// A text column read back: decrypted, empty when NULL.
            fn opened_text(&self, table: &str, column: &str, row: &str, stored: Option<Vec<u8>>) -> StoreResult<String> {
                Ok(self.decrypt_opt(table, column, row, stored)?.unwrap_or_default())
            }
        }

        #[async_trait]
        impl PlanStore for $store {
            async fn record_plan(&self, p: &SupportPlanRecord, answers_urgent: bool, seen_state: mnir_domain::CaseState, by: &AuditActor) -> StoreResult<i64> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                Self::lock_case_in_state(&mut tx, &p.case_id, seen_state).await?;
                let version: i64 = ::sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM support_plans WHERE case_id = $1")
                    .bind(&p.case_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.insert_plan_rows(&mut tx, p, version).await?;
                // The plan answers the needs the use case found it answers (mnir.md §8).
                if answers_urgent {
                    Self::answer_urgent_needs(&mut tx, &p.case_id, by.now_ms, &format!("plan:{}", p.id)).await?;
                }
                let detail = format!("plan={} version={version} measures={} services={}", p.id, p.measures.len(), p.services.len());
                self.append_audit(&mut tx, by, "plan.record", &format!("case:{}", p.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(version)
            }

            async fn plans_of(&self, case_id: &str) -> StoreResult<Vec<SupportPlanRecord>> {
                use $crate::sql::__private::mnir_domain::plan::{AcknowledgementWay, Acknowledger, ProtectionMeasure, ServiceStatus, SupportType};
                let rows: Vec<(String, String, i64, String, String, Timestamp, String, String)> = ::sqlx::query_as("SELECT id, case_id, version, org_code, drafted_by, drafted_at_ms, assessment_id, review_on FROM support_plans WHERE case_id = $1 ORDER BY version")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                let mut out = Vec::with_capacity(rows.len());
                for (id, case_id, version, org_code, drafted_by, drafted_at_ms, assessment_id, review_on) in rows {
                    out.push(SupportPlanRecord {
                        review_on: day_column("support_plans.review_on", &review_on)?,
                        id, case_id, version, org_code, drafted_by, drafted_at_ms, assessment_id,
                        measures: Vec::new(),
                        services: Vec::new(),
                        acknowledgements: Vec::new(),
                    });
                }
                if out.is_empty() {
                    return Ok(out);
                }
                // Every version's lines in three statements, whatever their number.
                let measures: Vec<(String, String, Option<Vec<u8>>, String, Option<Vec<u8>>, Option<Vec<u8>>)> = ::sqlx::query_as("SELECT m.plan_id, m.measure, m.responsible, m.due_on, m.detail, m.shelter_address FROM plan_measures m JOIN support_plans p ON p.id = m.plan_id WHERE p.case_id = $1")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                for (plan_id, measure, responsible, due_on, detail, shelter_address) in measures {
                    let row = plan_text_row(&plan_id, &measure);
                    let line = PlanMeasure {
                        measure: $crate::sql::code_column("plan_measures.measure", &measure, ProtectionMeasure::parse)?,
                        responsible: self.opened_text("plan_measures", "responsible", &row, responsible)?,
                        due_on: day_column("plan_measures.due_on", &due_on)?,
                        detail: self.opened_text("plan_measures", "detail", &row, detail)?,
                        shelter_address: self.opened_text("plan_measures", "shelter_address", &row, shelter_address)?,
                    };
                    if let Some(p) = out.iter_mut().find(|p| p.id == plan_id) {
                        p.measures.push(line);
                    }
                }
                let services: Vec<(String, String, Option<String>, Option<Vec<u8>>, Option<Vec<u8>>, String, Option<String>, String)> = ::sqlx::query_as("SELECT s.plan_id, s.service_type, s.provider_org, s.objectives, s.action_plan, s.planned_end_on, s.actual_end_on, s.status FROM plan_services s JOIN support_plans p ON p.id = s.plan_id WHERE p.case_id = $1")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                for (plan_id, service_type, provider_org, objectives, action_plan, planned_end_on, actual_end_on, status) in services {
                    let row = plan_text_row(&plan_id, &service_type);
                    let line = PlanService {
                        service_type: $crate::sql::code_column("plan_services.service_type", &service_type, SupportType::parse)?,
                        provider_org,
                        objectives: self.opened_text("plan_services", "objectives", &row, objectives)?,
                        action_plan: self.opened_text("plan_services", "action_plan", &row, action_plan)?,
                        planned_end_on: day_column("plan_services.planned_end_on", &planned_end_on)?,
                        actual_end_on: actual_end_on.map(|d| day_column("plan_services.actual_end_on", &d)).transpose()?,
                        status: $crate::sql::code_column("plan_services.status", &status, ServiceStatus::parse)?,
                    };
                    if let Some(p) = out.iter_mut().find(|p| p.id == plan_id) {
                        p.services.push(line);
                    }
                }
                let acks: Vec<(String, String, String, String, Option<Vec<u8>>, String, Timestamp)> = ::sqlx::query_as("SELECT k.plan_id, k.party, k.way, k.acknowledged_on, k.witness, k.recorded_by, k.recorded_at_ms FROM plan_acknowledgements k JOIN support_plans p ON p.id = k.plan_id WHERE p.case_id = $1")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                for (plan_id, party, way, on, witness, recorded_by, recorded_at_ms) in acks {
                    let line = PlanAcknowledgement {
                        witness: self.opened_text("plan_acknowledgements", "witness", &plan_text_row(&plan_id, &party), witness)?,
                        party: $crate::sql::code_column("plan_acknowledgements.party", &party, Acknowledger::parse)?,
                        way: $crate::sql::code_column("plan_acknowledgements.way", &way, AcknowledgementWay::parse)?,
                        on: day_column("plan_acknowledgements.acknowledged_on", &on)?,
                        recorded_by,
                        recorded_at_ms,
                    };
                    if let Some(p) = out.iter_mut().find(|p| p.id == plan_id) {
                        p.acknowledgements.push(line);
                    }
                }
                for p in &mut out {
                    p.measures.sort_by_key(|m| m.measure);
                    p.services.sort_by_key(|s| s.service_type);
                    p.acknowledgements.sort_by_key(|a| a.party);
                }
                Ok(out)
            }

            async fn acknowledge_plan(&self, case_id: &str, plan_id: &str, a: &PlanAcknowledgement, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let found: Option<i64> = ::sqlx::query_scalar("SELECT version FROM support_plans WHERE id = $1 AND case_id = $2")
                    .bind(plan_id)
                    .bind(case_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some(version) = found else {
                    return Err(StoreError::NotFound);
                };
                // The primary key (plan, party) refuses a second acknowledgement as a conflict.
                self.insert_acknowledgement(&mut tx, plan_id, a).await?;
                let detail = format!("plan={plan_id} version={version} party={} way={}", a.party, a.way);
                self.append_audit(&mut tx, by, "plan.acknowledge", &format!("case:{case_id}"), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn record_delivery(&self, d: &ServiceDelivery, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                self.insert_delivery(&mut tx, d).await?;
                let detail = format!("delivery={} service={}", d.id, d.service_type);
                self.append_audit(&mut tx, by, "plan.deliver", &format!("case:{}", d.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn deliveries_of(&self, case_id: &str) -> StoreResult<Vec<ServiceDelivery>> {
                use $crate::sql::__private::mnir_domain::plan::SupportType;
                let rows: Vec<(String, String, String, String, Option<String>, Option<Vec<u8>>, Option<Vec<u8>>, String, String, Timestamp)> = ::sqlx::query_as("SELECT id, case_id, service_type, delivered_on, provider_org, provider_other, outcome, org_code, recorded_by, recorded_at_ms FROM service_deliveries WHERE case_id = $1 ORDER BY delivered_on, recorded_at_ms, id")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter()
                    .map(|(id, case_id, service_type, delivered_on, provider_org, provider_other, outcome, org_code, recorded_by, recorded_at_ms)| {
                        Ok(ServiceDelivery {
                            service_type: $crate::sql::code_column("service_deliveries.service_type", &service_type, SupportType::parse)?,
                            delivered_on: day_column("service_deliveries.delivered_on", &delivered_on)?,
                            provider_other: self.opened_text("service_deliveries", "provider_other", &id, provider_other)?,
                            outcome: self.opened_text("service_deliveries", "outcome", &id, outcome)?,
                            id, case_id, provider_org, org_code, recorded_by, recorded_at_ms,
                        })
                    })
                    .collect()
            }

            async fn insert_generated_plans(&self, plans: &[SupportPlanRecord], deliveries: &[ServiceDelivery], by: &AuditActor) -> StoreResult<()> {
                if plans.is_empty() && deliveries.is_empty() {
                    return Ok(());
                }
                // Many rows to a statement, as the generated cases are: a million cases' plans
                // would otherwise be millions of round trips.
                let mut tx = self.begin_write().await.map_err(db_err)?;
                for chunk in plans.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO support_plans (id, case_id, version, org_code, drafted_by, drafted_at_ms, assessment_id, review_on) ");
                    q.push_values(chunk, |mut b, p| {
                        b.push_bind(p.id.clone()).push_bind(p.case_id.clone()).push_bind(p.version).push_bind(p.org_code.clone())
                            .push_bind(p.drafted_by.clone()).push_bind(p.drafted_at_ms).push_bind(p.assessment_id.clone()).push_bind(day_text(p.review_on));
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let measures: Vec<(&str, &PlanMeasure)> = plans.iter().flat_map(|p| p.measures.iter().map(move |m| (p.id.as_str(), m))).collect();
                for chunk in measures.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO plan_measures (plan_id, measure, responsible, due_on, detail, shelter_address) ");
                    q.push_values(chunk, |mut b, (id, m)| {
                        let row = plan_text_row(id, m.measure.as_str());
                        b.push_bind(id.to_string()).push_bind(m.measure.as_str())
                            .push_bind(self.seal_text("plan_measures", "responsible", &row, &m.responsible))
                            .push_bind(day_text(m.due_on))
                            .push_bind(self.seal_text("plan_measures", "detail", &row, &m.detail))
                            .push_bind(self.seal_text("plan_measures", "shelter_address", &row, &m.shelter_address));
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let services: Vec<(&str, &PlanService)> = plans.iter().flat_map(|p| p.services.iter().map(move |s| (p.id.as_str(), s))).collect();
                for chunk in services.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO plan_services (plan_id, service_type, provider_org, objectives, action_plan, planned_end_on, actual_end_on, status) ");
                    q.push_values(chunk, |mut b, (id, s)| {
                        let row = plan_text_row(id, s.service_type.as_str());
                        b.push_bind(id.to_string()).push_bind(s.service_type.as_str()).push_bind(s.provider_org.clone())
                            .push_bind(self.seal_text("plan_services", "objectives", &row, &s.objectives))
                            .push_bind(self.seal_text("plan_services", "action_plan", &row, &s.action_plan))
                            .push_bind(day_text(s.planned_end_on)).push_bind(s.actual_end_on.map(day_text)).push_bind(s.status.as_str());
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let acks: Vec<(&str, &PlanAcknowledgement)> = plans.iter().flat_map(|p| p.acknowledgements.iter().map(move |a| (p.id.as_str(), a))).collect();
                for chunk in acks.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO plan_acknowledgements (plan_id, party, way, acknowledged_on, witness, recorded_by, recorded_at_ms) ");
                    q.push_values(chunk, |mut b, (id, a)| {
                        let row = plan_text_row(id, a.party.as_str());
                        b.push_bind(id.to_string()).push_bind(a.party.as_str()).push_bind(a.way.as_str()).push_bind(day_text(a.on))
                            .push_bind(self.seal_text("plan_acknowledgements", "witness", &row, &a.witness))
                            .push_bind(a.recorded_by.clone()).push_bind(a.recorded_at_ms);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                for chunk in deliveries.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO service_deliveries (id, case_id, service_type, delivered_on, provider_org, provider_other, outcome, org_code, recorded_by, recorded_at_ms) ");
                    q.push_values(chunk, |mut b, d| {
                        b.push_bind(d.id.clone()).push_bind(d.case_id.clone()).push_bind(d.service_type.as_str()).push_bind(day_text(d.delivered_on))
                            .push_bind(d.provider_org.clone())
                            .push_bind(self.seal_text("service_deliveries", "provider_other", &d.id, &d.provider_other))
                            .push_bind(self.seal_text("service_deliveries", "outcome", &d.id, &d.outcome))
                            .push_bind(d.org_code.clone()).push_bind(d.recorded_by.clone()).push_bind(d.recorded_at_ms);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let detail = format!("plans={} deliveries={}", plans.len(), deliveries.len());
                self.append_audit(&mut tx, by, "plan.generate", "cases", &detail).await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
