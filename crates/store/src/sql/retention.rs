//! The SQL of [`crate::RetentionStore`]: holds, requests, what falls due, and the erasure.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_retention_store {
    ($store:ty, $db:ty) => {
        type HoldRow = (String, String, String, Option<Vec<u8>>, Option<String>, String, Timestamp, Option<String>, Option<Timestamp>, Option<Vec<u8>>);
        type RequestRow = (String, String, String, Option<Vec<u8>>, Option<String>, String, Timestamp, String);

        /// The sealed texts about a case other than its identifying fields, as (statement with
        /// the case's id as `$1`): blanked by an erasure. The identifying fields go with the
        /// case's key; these are under the field key, so they are overwritten.
        const ERASED_TEXTS: &[&str] = &[
            "UPDATE case_events SET reason = NULL WHERE case_id = $1",
            "UPDATE identification_decisions SET why_different = NULL WHERE case_id = $1",
            "UPDATE clocks SET pause_reasons = NULL WHERE case_id = $1",
            "UPDATE referrals SET decline_reason = NULL WHERE case_id = $1",
            "UPDATE reflection_periods SET end_reason = NULL WHERE case_id = $1",
            "UPDATE risk_ratings SET note = NULL WHERE assessment_id IN (SELECT id FROM risk_assessments WHERE case_id = $1)",
            "UPDATE risk_urgent_answers SET note = NULL WHERE assessment_id IN (SELECT id FROM risk_assessments WHERE case_id = $1)",
            "UPDATE plan_measures SET responsible = NULL, detail = NULL, shelter_address = NULL WHERE plan_id IN (SELECT id FROM support_plans WHERE case_id = $1)",
            "UPDATE plan_services SET objectives = NULL, action_plan = NULL WHERE plan_id IN (SELECT id FROM support_plans WHERE case_id = $1)",
            "UPDATE plan_acknowledgements SET witness = NULL WHERE plan_id IN (SELECT id FROM support_plans WHERE case_id = $1)",
            "UPDATE service_deliveries SET provider_other = NULL, outcome = NULL WHERE case_id = $1",
            "UPDATE proceedings SET file_number = NULL, prosecutor_office = NULL, court = NULL WHERE case_id = $1",
            "UPDATE hearings SET note = NULL WHERE case_id = $1",
            "UPDATE non_punishment_flags SET offence = NULL WHERE case_id = $1",
            "UPDATE disclosures SET order_number = NULL, order_office = NULL WHERE case_id = $1",
            "UPDATE repatriations SET cancel_reason = NULL WHERE case_id = $1",
            "UPDATE repatriation_steps SET responsible_person = NULL, documents = NULL, note = NULL, details = NULL WHERE repatriation_id IN (SELECT id FROM repatriations WHERE case_id = $1)",
            "UPDATE repatriation_checkins SET situation = NULL WHERE repatriation_id IN (SELECT id FROM repatriations WHERE case_id = $1)",
            "UPDATE staff_tasks SET note = NULL WHERE subject_id IN (SELECT id FROM break_glass WHERE case_id = $1)",
            "UPDATE legal_holds SET note = NULL, lift_note = NULL WHERE case_id = $1",
            "UPDATE erasure_requests SET note = NULL WHERE case_id = $1",
        ];

        /// Sealed texts that may not be empty: overwritten with the erased mark.
        const ERASED_MARKED: &[&str] = &[
            "UPDATE interviews SET evidence = $2 WHERE case_id = $1",
            "UPDATE identification_decisions SET reasons = $2 WHERE case_id = $1",
            "UPDATE break_glass SET note = $2 WHERE case_id = $1",
        ];

        type ErasureRow = (String, String, String, Option<String>, Option<String>, Timestamp);
        const ERASURE_COLUMNS: &str = "e.case_id, c.reference, e.basis, e.request_id, e.erased_by, e.erased_at_ms";

        fn erasure_from(row: ErasureRow) -> StoreResult<ErasureRecord> {
            let (case_id, case_reference, basis, request_id, erased_by, erased_at_ms) = row;
            Ok(ErasureRecord {
                basis: $crate::sql::code_column("erasures.basis", &basis, mnir_domain::retention::ErasureBasis::parse)?,
                case_id, case_reference, request_id, erased_by, erased_at_ms,
            })
        }

        /// What keeps a case whatever its schedule: a legal hold in force, or criminal
        /// proceedings still open (pending or sent to trial), which hold it of themselves.
        const HOLD_IN_FORCE: &str = "(EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = c.id AND h.lifted_at_ms IS NULL) OR EXISTS (SELECT 1 FROM proceedings p WHERE p.case_id = c.id AND p.outcome IN ('pending', 'sent_to_trial')))";
        /// Cases whose schedule has run out: `$1` the closed cases' cutoff, `$2` the
        /// not-a-victim cutoff.
        const CASES_DUE: &str = "c.erased_at_ms IS NULL AND ((c.state IN ('closed', 'duplicate') AND c.updated_at_ms < $1) OR (c.state = 'not_a_victim' AND c.updated_at_ms < $2))";

        impl $store {
            fn hold_from(&self, row: HoldRow) -> StoreResult<LegalHoldRecord> {
                let (id, case_id, reason, note, placed_by, placed_org, placed_at_ms, lifted_by, lifted_at_ms, lift_note) = row;
                Ok(LegalHoldRecord {
                    reason: $crate::sql::code_column("legal_holds.reason", &reason, mnir_domain::retention::HoldReason::parse)?,
                    note: self.decrypt_opt("legal_holds", "note", &id, note)?.unwrap_or_default(),
                    lift_note: self.decrypt_opt("legal_holds", "lift_note", &id, lift_note)?,
                    id, case_id, placed_by, placed_org, placed_at_ms, lifted_by, lifted_at_ms,
                })
            }

            fn request_from(&self, row: RequestRow) -> StoreResult<ErasureRequestRecord> {
                let (id, case_id, received_on, note, recorded_by, recorded_org, recorded_at_ms, answer) = row;
                Ok(ErasureRequestRecord {
                    received_on: day_column("erasure_requests.received_on", &received_on)?,
                    note: self.decrypt_opt("erasure_requests", "note", &id, note)?.unwrap_or_default(),
                    answer: $crate::sql::code_column("erasure_requests.answer", &answer, mnir_domain::retention::ErasureAnswer::parse)?,
                    id, case_id, recorded_by, recorded_org, recorded_at_ms,
                })
            }

            /// Takes the case's row lock and reads its state, when it last changed, whether it
            /// was erased and how many holds stand (open proceedings count as holds); `NotFound`
            /// for no such case.
            async fn lock_case_for_retention(tx: &mut Tx, case_id: &str) -> StoreResult<(mnir_domain::CaseState, Timestamp, bool, i64)> {
                let locked = ::sqlx::query("UPDATE cases SET updated_at_ms = updated_at_ms WHERE id = $1")
                    .bind(case_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                if locked.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let (state, updated, erased, holds): (String, Timestamp, bool, i64) = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT c.state, c.updated_at_ms, c.erased_at_ms IS NOT NULL, (SELECT COUNT(*) FROM legal_holds h WHERE h.case_id = c.id AND h.lifted_at_ms IS NULL) + (SELECT COUNT(*) FROM proceedings p WHERE p.case_id = c.id AND p.outcome IN ('pending', 'sent_to_trial')) FROM cases c WHERE c.id = $1"
                )))
                    .bind(case_id)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok((state_column(&state)?, updated, erased, holds))
            }

            /// The erasure itself, in the caller's transaction under the case's row lock: the
            /// case's key destroyed, its identifying fields overwritten, its other texts blanked,
            /// the register's line and the audit entry (which names the case by id only).
            async fn erase_in(&self, tx: &mut Tx, case_id: &str, basis: mnir_domain::retention::ErasureBasis, request_id: Option<&str>, by: &AuditActor) -> StoreResult<()> {
                // The pairs it was in would tell who it was to whoever reads the other case.
                ::sqlx::query("DELETE FROM duplicate_candidates WHERE earlier_case = $1 OR later_case = $1")
                    .bind(case_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                // The matching keys are drawn from the names: they go with them.
                ::sqlx::query("DELETE FROM case_match_keys WHERE case_id = $1")
                    .bind(case_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                ::sqlx::query("DELETE FROM case_keys WHERE case_id = $1")
                    .bind(case_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                ::sqlx::query("UPDATE cases SET given_name = $2, family_name = $2, birth_date = NULL, notes = NULL, erased_at_ms = $3 WHERE id = $1")
                    .bind(case_id)
                    .bind(mnir_crypto::ERASED.to_vec())
                    .bind(by.now_ms)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                for statement in ERASED_TEXTS {
                    ::sqlx::query(::sqlx::AssertSqlSafe(*statement)).bind(case_id).execute(&mut **tx).await.map_err(db_err)?;
                }
                for statement in ERASED_MARKED {
                    ::sqlx::query(::sqlx::AssertSqlSafe(*statement))
                        .bind(case_id)
                        .bind(mnir_crypto::ERASED.to_vec())
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                }
                ::sqlx::query("INSERT INTO erasures (case_id, basis, request_id, erased_by, erased_at_ms) VALUES ($1, $2, $3, $4, $5)")
                    .bind(case_id)
                    .bind(basis.as_str())
                    .bind(request_id)
                    .bind(&by.user_id)
                    .bind(by.now_ms)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                let detail = match request_id {
                    Some(request) => format!("basis={} request={request}", basis.as_str()),
                    None => format!("basis={}", basis.as_str()),
                };
                self.append_audit(tx, by, "case.erase", &format!("case:{case_id}"), &detail).await
            }
        }

        #[async_trait]
        impl RetentionStore for $store {
            async fn place_legal_hold(&self, hold: &LegalHoldRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let (_, _, erased, _) = Self::lock_case_for_retention(&mut tx, &hold.case_id).await?;
                if erased {
                    return Err(StoreError::Conflict(format!("case {} was erased", hold.case_id)));
                }
                ::sqlx::query("INSERT INTO legal_holds (id, case_id, reason, note, placed_by, placed_org, placed_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(&hold.id)
                    .bind(&hold.case_id)
                    .bind(hold.reason.as_str())
                    .bind((!hold.note.is_empty()).then(|| self.keys.encrypt_str("legal_holds", "note", &hold.id, &hold.note)))
                    .bind(&hold.placed_by)
                    .bind(&hold.placed_org)
                    .bind(hold.placed_at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "case.hold.place", &format!("case:{}", hold.case_id), &format!("hold={} reason={}", hold.id, hold.reason.as_str())).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn lift_legal_hold(&self, case_id: &str, hold_id: &str, note: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("UPDATE legal_holds SET lifted_by = $1, lifted_at_ms = $2, lift_note = $3 WHERE id = $4 AND case_id = $5 AND lifted_at_ms IS NULL")
                    .bind(&by.user_id)
                    .bind(by.now_ms)
                    .bind((!note.is_empty()).then(|| self.keys.encrypt_str("legal_holds", "lift_note", hold_id, note)))
                    .bind(hold_id)
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.append_audit(&mut tx, by, "case.hold.lift", &format!("case:{case_id}"), &format!("hold={hold_id}")).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn legal_holds_of(&self, case_id: &str) -> StoreResult<Vec<LegalHoldRecord>> {
                let rows: Vec<HoldRow> = ::sqlx::query_as("SELECT id, case_id, reason, note, placed_by, placed_org, placed_at_ms, lifted_by, lifted_at_ms, lift_note FROM legal_holds WHERE case_id = $1 ORDER BY placed_at_ms DESC, id DESC")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(|row| self.hold_from(row)).collect()
            }

            async fn record_erasure_request(&self, request: &ErasureRequestRecord, by: &AuditActor) -> StoreResult<ErasureRequestRecord> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let (state, _, erased, holds) = Self::lock_case_for_retention(&mut tx, &request.case_id).await?;
                if erased {
                    return Err(StoreError::Conflict(format!("case {} was erased", request.case_id)));
                }
                let answer = mnir_domain::retention::answer_request(state, usize::try_from(holds).unwrap_or(usize::MAX));
                ::sqlx::query("INSERT INTO erasure_requests (id, case_id, received_on, note, recorded_by, recorded_org, recorded_at_ms, answer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(&request.id)
                    .bind(&request.case_id)
                    .bind(day_text(request.received_on))
                    .bind((!request.note.is_empty()).then(|| self.keys.encrypt_str("erasure_requests", "note", &request.id, &request.note)))
                    .bind(&request.recorded_by)
                    .bind(&request.recorded_org)
                    .bind(request.recorded_at_ms)
                    .bind(answer.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "case.erasure_request", &format!("case:{}", request.case_id), &format!("request={} answer={}", request.id, answer.as_str())).await?;
                if answer == mnir_domain::retention::ErasureAnswer::Erased {
                    self.erase_in(&mut tx, &request.case_id, mnir_domain::retention::ErasureBasis::Request, Some(&request.id), by).await?;
                }
                tx.commit().await.map_err(db_err)?;
                if answer == mnir_domain::retention::ErasureAnswer::Erased {
                    self.scrub_erased_pages().await.map_err(db_err)?;
                }
                Ok(ErasureRequestRecord { answer, ..request.clone() })
            }

            async fn erasure_requests_of(&self, case_id: &str) -> StoreResult<Vec<ErasureRequestRecord>> {
                let rows: Vec<RequestRow> = ::sqlx::query_as("SELECT id, case_id, received_on, note, recorded_by, recorded_org, recorded_at_ms, answer FROM erasure_requests WHERE case_id = $1 ORDER BY recorded_at_ms DESC, id DESC")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(|row| self.request_from(row)).collect()
            }

            async fn erasure_of(&self, case_id: &str) -> StoreResult<Option<ErasureRecord>> {
                let row: Option<ErasureRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {ERASURE_COLUMNS} FROM erasures e JOIN cases c ON c.id = e.case_id WHERE e.case_id = $1")))
                    .bind(case_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(erasure_from).transpose()
            }

            async fn retention_due(&self, cutoffs: &mnir_domain::retention::Cutoffs) -> StoreResult<RetentionDue> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                // The cases due in one look, split by schedule and by whether something holds them.
                let groups: Vec<(bool, bool, i64)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT c.state = 'not_a_victim', {HOLD_IN_FORCE}, COUNT(*) FROM cases c WHERE {CASES_DUE} GROUP BY 1, 2"
                )))
                    .bind(cutoffs.closed_case_ms)
                    .bind(cutoffs.not_a_victim_ms)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                let mut due = RetentionDue::default();
                for (not_a_victim, held, n) in groups {
                    let n = u64::try_from(n).unwrap_or(0);
                    match (held, not_a_victim) {
                        (true, _) => due.held += n,
                        (false, true) => due.not_a_victim += n,
                        (false, false) => due.closed_cases += n,
                    }
                }
                let count = |sql: &'static str, bound: i64| ::sqlx::query_scalar::<_, i64>(sql).bind(bound);
                due.sessions = u64::try_from(count("SELECT COUNT(*) FROM sessions WHERE expires_at_ms < $1", cutoffs.session_ms).fetch_one(&mut *conn).await.map_err(db_err)?).unwrap_or(0);
                due.api_tokens = u64::try_from(count("SELECT COUNT(*) FROM api_tokens WHERE expires_at_ms < $1", cutoffs.api_token_ms).fetch_one(&mut *conn).await.map_err(db_err)?).unwrap_or(0);
                let participants: i64 = ::sqlx::query_scalar("SELECT COUNT(*) FROM training_participants p JOIN training_sessions s ON s.id = p.session_id WHERE s.held_on < $1 AND p.name <> $2")
                    .bind(day_text(cutoffs.training_before))
                    .bind(mnir_crypto::ERASED.to_vec())
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(db_err)?;
                due.training_participants = u64::try_from(participants).unwrap_or(0);
                Ok(due)
            }

            async fn due_cases(&self, cutoffs: &mnir_domain::retention::Cutoffs, limit: u32) -> StoreResult<Vec<DueCase>> {
                let rows: Vec<(String, String, String, Timestamp)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT c.id, c.reference, c.state, c.updated_at_ms FROM cases c WHERE {CASES_DUE} AND NOT {HOLD_IN_FORCE} ORDER BY c.updated_at_ms, c.id{}",
                    $crate::sql::limit(i64::from(limit))
                )))
                    .bind(cutoffs.closed_case_ms)
                    .bind(cutoffs.not_a_victim_ms)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter()
                    .map(|(case_id, reference, state, since_ms)| Ok(DueCase { case_id, reference, state: state_column(&state)?, since_ms }))
                    .collect()
            }

            async fn erase_due_case(&self, case_id: &str, cutoffs: &mnir_domain::retention::Cutoffs, by: &AuditActor) -> StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let (state, since, erased, holds) = Self::lock_case_for_retention(&mut tx, case_id).await?;
                let cutoff = match mnir_domain::retention::schedule_for(state) {
                    Some(mnir_domain::retention::RecordKind::ClosedCase) => cutoffs.closed_case_ms,
                    Some(mnir_domain::retention::RecordKind::NotAVictim) => cutoffs.not_a_victim_ms,
                    _ => return Ok(false),
                };
                if erased || holds > 0 || since.millis() >= cutoff {
                    return Ok(false);
                }
                self.erase_in(&mut tx, case_id, mnir_domain::retention::ErasureBasis::Schedule, None, by).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(true)
            }

            async fn purge_due_records(&self, cutoffs: &mnir_domain::retention::Cutoffs, by: &AuditActor) -> StoreResult<Purged> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let sessions = ::sqlx::query("DELETE FROM sessions WHERE expires_at_ms < $1").bind(cutoffs.session_ms).execute(&mut *tx).await.map_err(db_err)?.rows_affected();
                let api_tokens = ::sqlx::query("DELETE FROM api_tokens WHERE expires_at_ms < $1").bind(cutoffs.api_token_ms).execute(&mut *tx).await.map_err(db_err)?.rows_affected();
                let training_participants = ::sqlx::query("UPDATE training_participants SET name = $1 WHERE name <> $1 AND session_id IN (SELECT id FROM training_sessions WHERE held_on < $2)")
                    .bind(mnir_crypto::ERASED.to_vec())
                    .bind(day_text(cutoffs.training_before))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?
                    .rows_affected();
                let purged = Purged { sessions, api_tokens, training_participants };
                if purged != Purged::default() {
                    self.append_audit(&mut tx, by, "retention.purge", "retention", &format!("sessions={sessions} api_tokens={api_tokens} training_participants={training_participants}")).await?;
                }
                tx.commit().await.map_err(db_err)?;
                Ok(purged)
            }

            async fn erasures(&self, since: Timestamp, after: Option<&ListPlace>, limit: u32) -> StoreResult<Vec<ErasureRecord>> {
                let rows: Vec<ErasureRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT {ERASURE_COLUMNS} FROM erasures e JOIN cases c ON c.id = e.case_id WHERE e.erased_at_ms >= $1 AND (e.erased_at_ms > $2 OR (e.erased_at_ms = $2 AND e.case_id > $3)) ORDER BY e.erased_at_ms, e.case_id{}",
                    $crate::sql::limit(i64::from(limit))
                )))
                    .bind(since)
                    .bind(after.map_or(i64::MIN, |p| p.at_ms.millis()))
                    .bind(after.map_or("", |p| p.id.as_str()))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(erasure_from).collect()
            }

            async fn case_keys_page(&self, after: Option<&str>, limit: u32) -> StoreResult<Vec<(String, Vec<u8>)>> {
                ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT case_id, wrapped FROM case_keys WHERE case_id > $1 ORDER BY case_id{}",
                    $crate::sql::limit(i64::from(limit))
                )))
                    .bind(after.unwrap_or(""))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)
            }

            async fn put_case_keys(&self, keys: &[(String, Vec<u8>)]) -> StoreResult<u64> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let mut put = 0;
                for (case_id, wrapped) in keys {
                    put += ::sqlx::query("INSERT INTO case_keys (case_id, wrapped, created_at_ms) SELECT c.id, $2, c.notified_at_ms FROM cases c WHERE c.id = $1 AND c.erased_at_ms IS NULL AND NOT EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = c.id)")
                        .bind(case_id)
                        .bind(wrapped)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?
                        .rows_affected();
                }
                tx.commit().await.map_err(db_err)?;
                Ok(put)
            }

            async fn cases_missing_keys(&self, limit: u32) -> StoreResult<Vec<String>> {
                // A case from before case keys has none either: its fields are sealed under the
                // field key, which tells them apart.
                let mut missing = Vec::new();
                let mut after = String::new();
                loop {
                    let rows: Vec<(String, Vec<u8>)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                        "SELECT c.id, c.given_name FROM cases c WHERE c.id > $1 AND c.erased_at_ms IS NULL AND NOT EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = c.id) ORDER BY c.id{}",
                        $crate::sql::limit(1000)
                    )))
                        .bind(&after)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    let Some((last, _)) = rows.last() else { return Ok(missing) };
                    after = last.clone();
                    let full = rows.len() == 1000;
                    missing.extend(rows.into_iter().filter(|(_, name)| mnir_crypto::is_case_sealed(name)).map(|(id, _)| id));
                    if missing.len() >= limit as usize {
                        missing.truncate(limit as usize);
                        return Ok(missing);
                    }
                    if !full {
                        return Ok(missing);
                    }
                }
            }

            async fn erase_restored_case(&self, case_id: &str, by: &AuditActor) -> StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let erased = match Self::lock_case_for_retention(&mut tx, case_id).await {
                    Ok((_, _, erased, _)) => erased,
                    Err(StoreError::NotFound) => return Ok(false),
                    Err(e) => return Err(e),
                };
                if erased {
                    return Ok(false);
                }
                self.erase_in(&mut tx, case_id, mnir_domain::retention::ErasureBasis::Restore, None, by).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(true)
            }

            async fn scrub_after_erasure(&self) -> StoreResult<()> {
                self.scrub_erased_pages().await.map_err(db_err)
            }
        }
    };
}
