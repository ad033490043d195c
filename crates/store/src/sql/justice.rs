//! The SQL of [`crate::JusticeStore`]. Uses the day and text helpers of `sql/plan.rs`, expanded
//! in the same block.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_justice_store {
    ($store:ty, $db:ty) => {
        /// A set of codes stored as `a,b` read back, or the column named as corrupt.
        fn code_set<T>(column: &str, text: &str, parse: impl Fn(&str) -> Option<T> + Copy) -> StoreResult<Vec<T>> {
            text.split(',')
                .filter(|c| !c.is_empty())
                .map(|c| $crate::sql::code_column(column, c, parse))
                .collect()
        }

        type ProceedingRow = (String, String, String, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, String, String, Option<String>, String, String, String, Timestamp, Timestamp);
        type DisclosureRow = (String, String, String, String, Option<String>, Option<Vec<u8>>, Option<String>, Option<Vec<u8>>, String, String, String, String, Timestamp, Option<Timestamp>, Option<String>);

        const PROCEEDING_COLUMNS: &str = "id, case_id, standing, file_number, prosecutor_office, court, opened_on, outcome, outcome_on, measures, org_code, recorded_by, recorded_at_ms, updated_at_ms";
        const HEARING_COLUMNS: &str = "id, proceeding_id, case_id, held_on, kind, note, recorded_by, recorded_at_ms";
        const FLAG_COLUMNS: &str = "id, case_id, offence, proceeding_id, org_code, recorded_by, recorded_at_ms";
        const DISCLOSURE_INSERT_COLUMNS: &str = "id, case_id, recipient_org, basis, consent_id, order_number, order_on, order_office, records, until_on, org_code, recorded_by, recorded_at_ms, ended_at_ms, ended_by";
        const DISCLOSURE_COLUMNS: &str = "d.id, d.case_id, d.recipient_org, d.basis, d.consent_id, d.order_number, d.order_on, d.order_office, d.records, d.until_on, d.org_code, d.recorded_by, d.recorded_at_ms, d.ended_at_ms, d.ended_by";

        impl $store {
            fn proceeding_from(&self, row: ProceedingRow) -> StoreResult<ProceedingRecord> {
                use $crate::sql::__private::mnir_domain::justice::{OrderedMeasure, ProceedingOutcome, Standing};
                let (id, case_id, standing, file_number, prosecutor_office, court, opened_on, outcome, outcome_on, measures, org_code, recorded_by, recorded_at_ms, updated_at_ms) = row;
                Ok(ProceedingRecord {
                    standing: $crate::sql::code_column("proceedings.standing", &standing, Standing::parse)?,
                    file_number: self.opened_text("proceedings", "file_number", &id, file_number)?,
                    prosecutor_office: self.opened_text("proceedings", "prosecutor_office", &id, prosecutor_office)?,
                    court: self.opened_text("proceedings", "court", &id, court)?,
                    opened_on: day_column("proceedings.opened_on", &opened_on)?,
                    outcome: $crate::sql::code_column("proceedings.outcome", &outcome, ProceedingOutcome::parse)?,
                    outcome_on: outcome_on.map(|d| day_column("proceedings.outcome_on", &d)).transpose()?,
                    measures: code_set("proceedings.measures", &measures, OrderedMeasure::parse)?,
                    hearings: Vec::new(),
                    id, case_id, org_code, recorded_by, recorded_at_ms, updated_at_ms,
                })
            }

            fn disclosure_from(&self, row: DisclosureRow) -> StoreResult<DisclosureRecord> {
                use $crate::sql::__private::mnir_domain::justice::{DisclosedRecord, DisclosureBasis};
                let (id, case_id, recipient_org, basis, consent_id, order_number, order_on, order_office, records, until_on, org_code, recorded_by, recorded_at_ms, ended_at_ms, ended_by) = row;
                Ok(DisclosureRecord {
                    basis: $crate::sql::code_column("disclosures.basis", &basis, DisclosureBasis::parse)?,
                    order_number: self.opened_text("disclosures", "order_number", &id, order_number)?,
                    order_on: order_on.map(|d| day_column("disclosures.order_on", &d)).transpose()?,
                    order_office: self.opened_text("disclosures", "order_office", &id, order_office)?,
                    records: code_set("disclosures.records", &records, DisclosedRecord::parse)?,
                    until_on: day_column("disclosures.until_on", &until_on)?,
                    id, case_id, recipient_org, consent_id, org_code, recorded_by, recorded_at_ms, ended_at_ms, ended_by,
                })
            }

            async fn insert_hearing(&self, tx: &mut Tx, h: &HearingRecord) -> StoreResult<()> {
                ::sqlx::query(::sqlx::AssertSqlSafe(format!("INSERT INTO hearings ({HEARING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")))
                    .bind(&h.id)
                    .bind(&h.proceeding_id)
                    .bind(&h.case_id)
                    .bind(day_text(h.held_on))
                    .bind(h.kind.as_str())
                    .bind(self.seal_text("hearings", "note", &h.id, &h.note))
                    .bind(&h.recorded_by)
                    .bind(h.recorded_at_ms)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            /// Whether proceedings of this id belong to the case, inside `tx`.
            async fn proceeding_of_case(tx: &mut Tx, case_id: &str, proceeding_id: &str) -> StoreResult<bool> {
                let found: Option<String> = ::sqlx::query_scalar("SELECT id FROM proceedings WHERE id = $1 AND case_id = $2")
                    .bind(proceeding_id)
                    .bind(case_id)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(found.is_some())
            }
        }

        #[async_trait]
        impl JusticeStore for $store {
            async fn record_proceeding(&self, p: &ProceedingRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query(::sqlx::AssertSqlSafe(format!("INSERT INTO proceedings ({PROCEEDING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")))
                    .bind(&p.id)
                    .bind(&p.case_id)
                    .bind(p.standing.as_str())
                    .bind(self.seal_text("proceedings", "file_number", &p.id, &p.file_number))
                    .bind(self.seal_text("proceedings", "prosecutor_office", &p.id, &p.prosecutor_office))
                    .bind(self.seal_text("proceedings", "court", &p.id, &p.court))
                    .bind(day_text(p.opened_on))
                    .bind(p.outcome.as_str())
                    .bind(p.outcome_on.map(day_text))
                    .bind(join_codes(&p.measures))
                    .bind(&p.org_code)
                    .bind(&p.recorded_by)
                    .bind(p.recorded_at_ms)
                    .bind(p.updated_at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let detail = format!("proceeding={} standing={} outcome={}", p.id, p.standing, p.outcome);
                self.append_audit(&mut tx, by, "justice.proceeding.record", &format!("case:{}", p.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn update_proceeding(&self, p: &ProceedingRecord, changed: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // The file number and the day opened name the proceedings: never rewritten.
                let updated = ::sqlx::query("UPDATE proceedings SET standing = $1, prosecutor_office = $2, court = $3, outcome = $4, outcome_on = $5, measures = $6, updated_at_ms = $7 WHERE id = $8 AND case_id = $9")
                    .bind(p.standing.as_str())
                    .bind(self.seal_text("proceedings", "prosecutor_office", &p.id, &p.prosecutor_office))
                    .bind(self.seal_text("proceedings", "court", &p.id, &p.court))
                    .bind(p.outcome.as_str())
                    .bind(p.outcome_on.map(day_text))
                    .bind(join_codes(&p.measures))
                    .bind(p.updated_at_ms)
                    .bind(&p.id)
                    .bind(&p.case_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if updated.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let detail = format!("proceeding={} changed={changed} outcome={}", p.id, p.outcome);
                self.append_audit(&mut tx, by, "justice.proceeding.update", &format!("case:{}", p.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn record_hearing(&self, h: &HearingRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                if !Self::proceeding_of_case(&mut tx, &h.case_id, &h.proceeding_id).await? {
                    return Err(StoreError::NotFound);
                }
                self.insert_hearing(&mut tx, h).await?;
                let detail = format!("proceeding={} hearing={} kind={}", h.proceeding_id, h.id, h.kind);
                self.append_audit(&mut tx, by, "justice.hearing.record", &format!("case:{}", h.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn proceedings_of(&self, case_id: &str) -> StoreResult<Vec<ProceedingRecord>> {
                use $crate::sql::__private::mnir_domain::justice::HearingKind;
                let rows: Vec<ProceedingRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {PROCEEDING_COLUMNS} FROM proceedings WHERE case_id = $1 ORDER BY opened_on, recorded_at_ms, id")))
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                let mut out = rows.into_iter().map(|r| self.proceeding_from(r)).collect::<StoreResult<Vec<_>>>()?;
                if out.is_empty() {
                    return Ok(out);
                }
                let hearings: Vec<(String, String, String, String, String, Option<Vec<u8>>, String, Timestamp)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {HEARING_COLUMNS} FROM hearings WHERE case_id = $1 ORDER BY held_on, recorded_at_ms, id")))
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                for (id, proceeding_id, case_id, held_on, kind, note, recorded_by, recorded_at_ms) in hearings {
                    let hearing = HearingRecord {
                        held_on: day_column("hearings.held_on", &held_on)?,
                        kind: $crate::sql::code_column("hearings.kind", &kind, HearingKind::parse)?,
                        note: self.opened_text("hearings", "note", &id, note)?,
                        id, proceeding_id, case_id, recorded_by, recorded_at_ms,
                    };
                    if let Some(p) = out.iter_mut().find(|p| p.id == hearing.proceeding_id) {
                        p.hearings.push(hearing);
                    }
                }
                Ok(out)
            }

            async fn record_non_punishment(&self, f: &NonPunishmentRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                if let Some(proceeding) = &f.proceeding_id
                    && !Self::proceeding_of_case(&mut tx, &f.case_id, proceeding).await?
                {
                    return Err(StoreError::NotFound);
                }
                ::sqlx::query(::sqlx::AssertSqlSafe(format!("INSERT INTO non_punishment_flags ({FLAG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)")))
                    .bind(&f.id)
                    .bind(&f.case_id)
                    .bind(self.seal_text("non_punishment_flags", "offence", &f.id, &f.offence))
                    .bind(&f.proceeding_id)
                    .bind(&f.org_code)
                    .bind(&f.recorded_by)
                    .bind(f.recorded_at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let detail = format!("flag={}", f.id);
                self.append_audit(&mut tx, by, "justice.non_punishment.record", &format!("case:{}", f.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn non_punishment_of(&self, case_id: &str) -> StoreResult<Vec<NonPunishmentRecord>> {
                let rows: Vec<(String, String, Option<Vec<u8>>, Option<String>, String, String, Timestamp)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {FLAG_COLUMNS} FROM non_punishment_flags WHERE case_id = $1 ORDER BY recorded_at_ms, id")))
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter()
                    .map(|(id, case_id, offence, proceeding_id, org_code, recorded_by, recorded_at_ms)| {
                        Ok(NonPunishmentRecord {
                            offence: self.opened_text("non_punishment_flags", "offence", &id, offence)?,
                            id, case_id, proceeding_id, org_code, recorded_by, recorded_at_ms,
                        })
                    })
                    .collect()
            }

            async fn record_disclosure(&self, d: &DisclosureRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query(::sqlx::AssertSqlSafe(format!("INSERT INTO disclosures ({DISCLOSURE_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)")))
                    .bind(&d.id)
                    .bind(&d.case_id)
                    .bind(&d.recipient_org)
                    .bind(d.basis.as_str())
                    .bind(&d.consent_id)
                    .bind(self.seal_text("disclosures", "order_number", &d.id, &d.order_number))
                    .bind(d.order_on.map(day_text))
                    .bind(self.seal_text("disclosures", "order_office", &d.id, &d.order_office))
                    .bind(join_codes(&d.records))
                    .bind(day_text(d.until_on))
                    .bind(&d.org_code)
                    .bind(&d.recorded_by)
                    .bind(d.recorded_at_ms)
                    .bind(d.ended_at_ms)
                    .bind(&d.ended_by)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let detail = format!("disclosure={} to={} basis={} records={} until={}", d.id, d.recipient_org, d.basis, join_codes(&d.records), day_text(d.until_on));
                self.append_audit(&mut tx, by, "disclosure.record", &format!("case:{}", d.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn end_disclosure(&self, case_id: &str, disclosure_id: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // Ended once: the condition is in the statement, so two ends at once cannot both
                // pass a check made before it.
                let ended = ::sqlx::query("UPDATE disclosures SET ended_at_ms = $1, ended_by = $2 WHERE id = $3 AND case_id = $4 AND ended_at_ms IS NULL")
                    .bind(by.now_ms)
                    .bind(&by.user_id)
                    .bind(disclosure_id)
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if ended.rows_affected() == 0 {
                    let exists: Option<String> = ::sqlx::query_scalar("SELECT id FROM disclosures WHERE id = $1 AND case_id = $2")
                        .bind(disclosure_id)
                        .bind(case_id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    return Err(match exists {
                        Some(_) => StoreError::Conflict(format!("disclosure {disclosure_id} has ended")),
                        None => StoreError::NotFound,
                    });
                }
                self.append_audit(&mut tx, by, "disclosure.end", &format!("case:{case_id}"), &format!("disclosure={disclosure_id}")).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn disclosures_of(&self, case_id: &str) -> StoreResult<Vec<DisclosureRecord>> {
                let rows: Vec<DisclosureRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {DISCLOSURE_COLUMNS} FROM disclosures d WHERE d.case_id = $1 ORDER BY d.recorded_at_ms DESC, d.id DESC")))
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(|r| self.disclosure_from(r)).collect()
            }

            async fn disclosure_register(&self, scope: &RegisterScope, after: Option<&ListPlace>, limit: i64) -> StoreResult<(Vec<RegisterLine>, bool)> {
                // Newest first from a place: the same index range at every page.
                let (condition, org) = match scope {
                    RegisterScope::National => ("TRUE", ""),
                    RegisterScope::CasesOf(org) => ("EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = d.case_id AND a.org_code = $1)", org.as_str()),
                    RegisterScope::MadeTo(org) => ("d.recipient_org = $1", org.as_str()),
                };
                let (at, id) = match after {
                    Some(p) => (p.at_ms.millis(), p.id.clone()),
                    None => (i64::MAX, String::new()),
                };
                let after_condition = if after.is_some() { "(d.recorded_at_ms < $2 OR (d.recorded_at_ms = $2 AND d.id < $3))" } else { "d.recorded_at_ms < $2 AND $3 = $3" };
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!(
                    "SELECT {DISCLOSURE_COLUMNS}, c.reference FROM disclosures d JOIN cases c ON c.id = d.case_id WHERE ($1 = $1) AND {condition} AND {after_condition} ORDER BY d.recorded_at_ms DESC, d.id DESC{}", $crate::sql::limit(limit + 1)
                )))
                    .bind(org)
                    .bind(at)
                    .bind(&id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                let mut lines = Vec::with_capacity(rows.len());
                for row in &rows {
                    let disclosure_row: DisclosureRow = (
                        row.try_get(0).map_err(db_err)?, row.try_get(1).map_err(db_err)?, row.try_get(2).map_err(db_err)?,
                        row.try_get(3).map_err(db_err)?, row.try_get(4).map_err(db_err)?, row.try_get(5).map_err(db_err)?,
                        row.try_get(6).map_err(db_err)?, row.try_get(7).map_err(db_err)?, row.try_get(8).map_err(db_err)?,
                        row.try_get(9).map_err(db_err)?, row.try_get(10).map_err(db_err)?, row.try_get(11).map_err(db_err)?,
                        row.try_get(12).map_err(db_err)?, row.try_get(13).map_err(db_err)?, row.try_get(14).map_err(db_err)?,
                    );
                    lines.push(RegisterLine {
                        disclosure: self.disclosure_from(disclosure_row)?,
                        case_reference: row.try_get(15).map_err(db_err)?,
                    });
                }
                let more = lines.len() as i64 > limit;
                lines.truncate(limit.max(0) as usize);
                Ok((lines, more))
            }

            async fn case_brief(&self, case_id: &str) -> StoreResult<Option<CaseBrief>> {
                let row: Option<(String, String, String)> = ::sqlx::query_as("SELECT reference, state, age_group FROM cases WHERE id = $1")
                    .bind(case_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                let Some((reference, state, age_group)) = row else { return Ok(None) };
                let access = self.case_access(case_id).await?;
                Ok(Some(CaseBrief {
                    case_id: case_id.to_string(),
                    reference,
                    state: state_column(&state)?,
                    age_group: parse_column("cases.age_group", &age_group)?,
                    contact_org: $crate::answering_org(&access),
                }))
            }

            async fn insert_generated_justice(&self, proceedings: &[ProceedingRecord], flags: &[NonPunishmentRecord], disclosures: &[DisclosureRecord], by: &AuditActor) -> StoreResult<()> {
                if proceedings.is_empty() && flags.is_empty() && disclosures.is_empty() {
                    return Ok(());
                }
                let mut tx = self.begin_write().await.map_err(db_err)?;
                for chunk in proceedings.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(format!("INSERT INTO proceedings ({PROCEEDING_COLUMNS}) "));
                    q.push_values(chunk, |mut b, p| {
                        b.push_bind(p.id.clone()).push_bind(p.case_id.clone()).push_bind(p.standing.as_str())
                            .push_bind(self.seal_text("proceedings", "file_number", &p.id, &p.file_number))
                            .push_bind(self.seal_text("proceedings", "prosecutor_office", &p.id, &p.prosecutor_office))
                            .push_bind(self.seal_text("proceedings", "court", &p.id, &p.court))
                            .push_bind(day_text(p.opened_on)).push_bind(p.outcome.as_str()).push_bind(p.outcome_on.map(day_text))
                            .push_bind(join_codes(&p.measures)).push_bind(p.org_code.clone()).push_bind(p.recorded_by.clone())
                            .push_bind(p.recorded_at_ms).push_bind(p.updated_at_ms);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let hearings: Vec<&HearingRecord> = proceedings.iter().flat_map(|p| p.hearings.iter()).collect();
                for chunk in hearings.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(format!("INSERT INTO hearings ({HEARING_COLUMNS}) "));
                    q.push_values(chunk, |mut b, h| {
                        b.push_bind(h.id.clone()).push_bind(h.proceeding_id.clone()).push_bind(h.case_id.clone())
                            .push_bind(day_text(h.held_on)).push_bind(h.kind.as_str())
                            .push_bind(self.seal_text("hearings", "note", &h.id, &h.note))
                            .push_bind(h.recorded_by.clone()).push_bind(h.recorded_at_ms);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                for chunk in flags.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(format!("INSERT INTO non_punishment_flags ({FLAG_COLUMNS}) "));
                    q.push_values(chunk, |mut b, f| {
                        b.push_bind(f.id.clone()).push_bind(f.case_id.clone())
                            .push_bind(self.seal_text("non_punishment_flags", "offence", &f.id, &f.offence))
                            .push_bind(f.proceeding_id.clone()).push_bind(f.org_code.clone())
                            .push_bind(f.recorded_by.clone()).push_bind(f.recorded_at_ms);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                for chunk in disclosures.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(format!("INSERT INTO disclosures ({DISCLOSURE_INSERT_COLUMNS}) "));
                    q.push_values(chunk, |mut b, d| {
                        b.push_bind(d.id.clone()).push_bind(d.case_id.clone()).push_bind(d.recipient_org.clone())
                            .push_bind(d.basis.as_str()).push_bind(d.consent_id.clone())
                            .push_bind(self.seal_text("disclosures", "order_number", &d.id, &d.order_number))
                            .push_bind(d.order_on.map(day_text))
                            .push_bind(self.seal_text("disclosures", "order_office", &d.id, &d.order_office))
                            .push_bind(join_codes(&d.records)).push_bind(day_text(d.until_on))
                            .push_bind(d.org_code.clone()).push_bind(d.recorded_by.clone()).push_bind(d.recorded_at_ms)
                            .push_bind(d.ended_at_ms).push_bind(d.ended_by.clone());
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let detail = format!("proceedings={} hearings={} flags={} disclosures={}", proceedings.len(), hearings.len(), flags.len(), disclosures.len());
                self.append_audit(&mut tx, by, "justice.generate", "cases", &detail).await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
