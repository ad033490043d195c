//! The SQL of [`crate::TrainingStore`]. Uses the day helpers of `sql/plan.rs`, expanded in the
//! same block.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_training_store {
    ($store:ty, $db:ty) => {
        type TrainingSessionRow = (String, String, String, String, String, String, Option<Vec<u8>>, String, String, Option<String>, Timestamp, i64);
        type ParticipantRow = (String, String, Option<String>, Vec<u8>, Option<String>, Option<String>, String, bool, String, Option<String>, Timestamp);
        type AttemptRow = (String, String, String, String, String, Option<bool>, String, f64, bool, Timestamp);
        type CertificateRow = (String, String, String, Vec<u8>, String, String, String, String, String, Timestamp, Timestamp, String, Option<Timestamp>, Option<String>, Option<Vec<u8>>);

        const SESSION_COLUMNS: &str = "s.id, s.held_on, s.city, s.county, s.audience, s.curriculum_version, s.trainers, s.modules, s.org_code, s.recorded_by, s.recorded_at_ms, (SELECT COUNT(*) FROM training_participants p WHERE p.session_id = s.id)";
        const PARTICIPANT_COLUMNS: &str = "id, session_id, user_id, name, org_code, org_name, category, attended, modules, recorded_by, recorded_at_ms";
        const ATTEMPT_COLUMNS: &str = "id, user_id, vignette_version, vignette_code, present, act, decision, score, decision_correct, at_ms";
        const CERTIFICATE_COLUMNS: &str = "id, number, user_id, holder_name, org_code, audience, participant_id, issued_on, last_valid_day, ends_at_ms, issued_at_ms, verification_code, revoked_at_ms, revoked_by, revoke_reason";

        fn training_table(kind: TrainingData) -> &'static str {
            match kind {
                TrainingData::Curriculum => "curricula",
                TrainingData::Vignettes => "vignette_sets",
            }
        }

        fn comma_list(text: &str) -> Vec<String> {
            text.split(',').filter(|s| !s.is_empty()).map(String::from).collect()
        }

        impl $store {
            /// The organisation's open tasks about certificates nearing their end, then the
            /// certificates they are about (the 200 ending first); both take the organisation.
            fn certificate_notices_sql() -> [String; 2] {
                const OPEN: &str = "FROM staff_tasks t WHERE t.kind = 'certificate_ending' AND t.org_code = $1 AND t.done_at_ms IS NULL";
                [
                    format!("SELECT t.subject_id, t.id, t.created_at_ms {OPEN}"),
                    format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE id IN (SELECT t.subject_id {OPEN}) ORDER BY last_valid_day, id{}", $crate::sql::limit(200)),
                ]
            }

            /// The notices of [`Self::certificate_notices_sql`], the certificates ending first.
            fn certificate_notices_from(&self, tasks: &[DbRow], certificates: &[DbRow]) -> StoreResult<Vec<CertificateNotice>> {
                let mut open = std::collections::HashMap::new();
                for row in tasks {
                    let (subject, id, at): (String, String, Timestamp) = ::sqlx::FromRow::from_row(row).map_err(db_err)?;
                    open.insert(subject, (id, at));
                }
                let mut notices = Vec::with_capacity(certificates.len());
                for row in certificates {
                    let certificate = self.certificate_from(::sqlx::FromRow::from_row(row).map_err(db_err)?)?;
                    // A task closed between the two reads is left out.
                    if let Some((task_id, raised_at_ms)) = open.remove(&certificate.id) {
                        notices.push(CertificateNotice { task_id, raised_at_ms, certificate });
                    }
                }
                Ok(notices)
            }

            fn training_session_from(&self, row: TrainingSessionRow) -> StoreResult<TrainingSessionRecord> {
                let (id, held_on, city, county, audience, curriculum_version, trainers, modules, org_code, recorded_by, recorded_at_ms, participants) = row;
                let trainers = self.decrypt_opt("training_sessions", "trainers", &id, trainers)?.unwrap_or_default();
                Ok(TrainingSessionRecord {
                    held_on: day_column("training_sessions.held_on", &held_on)?,
                    audience: $crate::sql::code_column("training_sessions.audience", &audience, mnir_domain::training::Audience::parse)?,
                    trainers: trainers.lines().map(String::from).collect(),
                    modules: comma_list(&modules),
                    id, city, county, curriculum_version, org_code, recorded_by, recorded_at_ms, participants,
                })
            }

            fn participant_from(&self, row: ParticipantRow) -> StoreResult<ParticipantRecord> {
                let (id, session_id, user_id, name, org_code, org_name, category, attended, modules, recorded_by, recorded_at_ms) = row;
                Ok(ParticipantRecord {
                    name: self.decrypt_opt("training_participants", "name", &id, Some(name))?.unwrap_or_default(),
                    category: $crate::sql::code_column("training_participants.category", &category, mnir_domain::training::ProfessionalCategory::parse)?,
                    modules: comma_list(&modules),
                    id, session_id, user_id, org_code, org_name, attended, recorded_by, recorded_at_ms,
                })
            }

            fn attempt_from(row: AttemptRow) -> StoreResult<AttemptRecord> {
                let (id, user_id, vignette_version, vignette_code, present, act, decision, score, decision_correct, at_ms) = row;
                Ok(AttemptRecord {
                    present: comma_list(&present),
                    decision: $crate::sql::code_column("elearning_attempts.decision", &decision, mnir_domain::training::TraineeDecision::parse)?,
                    id, user_id, vignette_version, vignette_code, act, score, decision_correct, at_ms,
                })
            }

            fn certificate_from(&self, row: CertificateRow) -> StoreResult<CertificateRecord> {
                let (id, number, user_id, holder_name, org_code, audience, participant_id, issued_on, last_valid_day, ends_at_ms, issued_at_ms, verification_code, revoked_at_ms, revoked_by, revoke_reason) = row;
                Ok(CertificateRecord {
                    holder_name: self.decrypt_opt("certificates", "holder_name", &id, Some(holder_name))?.unwrap_or_default(),
                    revoke_reason: self.decrypt_opt("certificates", "revoke_reason", &id, revoke_reason)?,
                    audience: $crate::sql::code_column("certificates.audience", &audience, mnir_domain::training::Audience::parse)?,
                    issued_on: day_column("certificates.issued_on", &issued_on)?,
                    last_valid_day: day_column("certificates.last_valid_day", &last_valid_day)?,
                    id, number, user_id, org_code, participant_id, ends_at_ms, issued_at_ms, verification_code, revoked_at_ms, revoked_by,
                })
            }

            /// Closes the open tasks about `certificates` with `outcome`, inside the transaction
            /// that made them moot.
            async fn close_notices_of(&self, tx: &mut Tx, certificates: &str, bind: &[&str], outcome: &str, now_ms: Timestamp) -> StoreResult<()> {
                let sql = format!("UPDATE staff_tasks SET done_at_ms = $1, outcome = $2 WHERE kind = 'certificate_ending' AND done_at_ms IS NULL AND subject_id IN ({certificates})");
                let mut query = ::sqlx::query(::sqlx::AssertSqlSafe(sql)).bind(now_ms).bind(outcome);
                for value in bind {
                    query = query.bind(*value);
                }
                query.execute(&mut **tx).await.map_err(db_err)?;
                Ok(())
            }

            async fn insert_participant(&self, tx: &mut Tx, p: &ParticipantRecord) -> StoreResult<()> {
                ::sqlx::query("INSERT INTO training_participants (id, session_id, user_id, name, org_code, org_name, category, attended, modules, recorded_by, recorded_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                    .bind(&p.id)
                    .bind(&p.session_id)
                    .bind(&p.user_id)
                    .bind(self.keys.encrypt_str("training_participants", "name", &p.id, &p.name))
                    .bind(&p.org_code)
                    .bind(&p.org_name)
                    .bind(p.category.as_str())
                    .bind(p.attended)
                    .bind(p.modules.join(","))
                    .bind(&p.recorded_by)
                    .bind(p.recorded_at_ms)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }
        }

        #[async_trait]
        impl TrainingStore for $store {
            async fn training_counts(&self, today: chrono::NaiveDate, by: &AuditActor) -> StoreResult<TrainingCounts> {
                // One snapshot: the three splits of the people trained add up to one total, which
                // the published view's disclosure control relies on.
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let trained_by_category: Vec<(String, i64)> = ::sqlx::query_as("SELECT category, COUNT(*) FROM training_participants WHERE attended GROUP BY category ORDER BY category")
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let trained_by_county: Vec<(String, i64)> = ::sqlx::query_as("SELECT COALESCE(o.county, s.county) AS county, COUNT(*) FROM training_participants p JOIN training_sessions s ON s.id = p.session_id LEFT JOIN organisations o ON o.code = p.org_code WHERE p.attended GROUP BY COALESCE(o.county, s.county) ORDER BY county")
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let trained_by_organisation: Vec<(Option<String>, Option<String>, i64)> = ::sqlx::query_as("SELECT org_code, org_name, COUNT(*) FROM training_participants WHERE attended GROUP BY org_code, org_name ORDER BY COUNT(*) DESC, org_code, org_name")
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let sessions_by_city: Vec<(String, i64)> = ::sqlx::query_as("SELECT city, COUNT(*) FROM training_sessions GROUP BY city ORDER BY city")
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let certificates: (i64, i64, i64) = ::sqlx::query_as("SELECT COALESCE(SUM(CASE WHEN revoked_at_ms IS NULL AND last_valid_day >= $1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN revoked_at_ms IS NULL AND last_valid_day < $1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN revoked_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0) FROM certificates")
                    .bind(day_text(today))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                tx.commit().await.map_err(db_err)?;
                self.append_read_audit(by, "training.reports", "training", "").await?;
                Ok(TrainingCounts { trained_by_category, trained_by_county, trained_by_organisation, sessions_by_city, certificates })
            }

            async fn notifications_by_certification(&self, years: &[YearBounds]) -> StoreResult<Vec<(i32, i64, i64)>> {
                let mut out = Vec::with_capacity(years.len());
                for y in years {
                    let (certified, all): (i64, i64) = ::sqlx::query_as("SELECT COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM certificates ce WHERE ce.user_id = c.created_by AND ce.issued_at_ms <= c.notified_at_ms AND ce.ends_at_ms > c.notified_at_ms AND (ce.revoked_at_ms IS NULL OR ce.revoked_at_ms > c.notified_at_ms)) THEN 1 ELSE 0 END), 0), COUNT(*) FROM cases c WHERE c.notified_at_ms >= $1 AND c.notified_at_ms < $2")
                        .bind(y.from)
                        .bind(y.to)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_err)?;
                    out.push((y.year, certified, all - certified));
                }
                Ok(out)
            }

            async fn import_training_data(&self, kind: TrainingData, record: &DataVersionRecord, source: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                match kind {
                    TrainingData::Curriculum => ::sqlx::query("INSERT INTO curricula (version, source, module_count, imported_by, imported_at_ms, active) VALUES ($1, $2, $3, $4, $5, FALSE)")
                        .bind(&record.version)
                        .bind(source)
                        .bind(record.item_count)
                        .bind(&record.imported_by)
                        .bind(record.imported_at_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?,
                    TrainingData::Vignettes => ::sqlx::query("INSERT INTO vignette_sets (version, catalogue_version, source, vignette_count, imported_by, imported_at_ms, active) VALUES ($1, $2, $3, $4, $5, $6, FALSE)")
                        .bind(&record.version)
                        .bind(record.catalogue_version.as_deref().unwrap_or(mnir_domain::identification::BUILTIN_VERSION))
                        .bind(source)
                        .bind(record.item_count)
                        .bind(&record.imported_by)
                        .bind(record.imported_at_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?,
                };
                self.append_audit(&mut tx, by, &format!("training.{}.import", kind.as_str()), &format!("{}:{}", kind.as_str(), record.version), &format!("items={}", record.item_count)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn activate_training_data(&self, kind: TrainingData, version: Option<&str>, by: &AuditActor) -> StoreResult<()> {
                let table = training_table(kind);
                let mut tx = self.begin_write().await.map_err(db_err)?;
                if let Some(version) = version {
                    let exists: Option<String> = ::sqlx::query_scalar(::sqlx::AssertSqlSafe(format!("SELECT version FROM {table} WHERE version = $1")))
                        .bind(version)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if exists.is_none() {
                        return Err(StoreError::NotFound);
                    }
                }
                ::sqlx::query(::sqlx::AssertSqlSafe(format!("UPDATE {table} SET active = COALESCE(version = $1, FALSE)")))
                    .bind(version)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, &format!("training.{}.activate", kind.as_str()), &format!("{}:{}", kind.as_str(), version.unwrap_or("built-in")), "").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn training_data(&self, kind: TrainingData) -> StoreResult<Vec<DataVersionRecord>> {
                let sql = match kind {
                    TrainingData::Curriculum => "SELECT version, module_count, NULL, imported_at_ms, imported_by, active FROM curricula ORDER BY imported_at_ms DESC, version",
                    TrainingData::Vignettes => "SELECT version, vignette_count, catalogue_version, imported_at_ms, imported_by, active FROM vignette_sets ORDER BY imported_at_ms DESC, version",
                };
                let rows: Vec<(String, i64, Option<String>, Timestamp, Option<String>, bool)> = ::sqlx::query_as(sql)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(rows
                    .into_iter()
                    .map(|(version, item_count, catalogue_version, imported_at_ms, imported_by, active)| DataVersionRecord { version, item_count, catalogue_version, imported_at_ms, imported_by, active })
                    .collect())
            }

            async fn training_data_source(&self, kind: TrainingData, version: &str) -> StoreResult<Option<String>> {
                ::sqlx::query_scalar(::sqlx::AssertSqlSafe(format!("SELECT source FROM {} WHERE version = $1", training_table(kind))))
                    .bind(version)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)
            }

            async fn record_sessions(&self, sessions: &[(TrainingSessionRecord, Vec<ParticipantRecord>)], by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let mut participants = 0;
                for (s, people) in sessions {
                    let trainers = s.trainers.join("\n");
                    ::sqlx::query("INSERT INTO training_sessions (id, held_on, city, county, audience, curriculum_version, trainers, modules, org_code, recorded_by, recorded_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                        .bind(&s.id)
                        .bind(day_text(s.held_on))
                        .bind(&s.city)
                        .bind(&s.county)
                        .bind(s.audience.as_str())
                        .bind(&s.curriculum_version)
                        .bind(self.seal_text("training_sessions", "trainers", &s.id, &trainers))
                        .bind(s.modules.join(","))
                        .bind(&s.org_code)
                        .bind(&s.recorded_by)
                        .bind(s.recorded_at_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    for p in people {
                        self.insert_participant(&mut tx, p).await?;
                    }
                    participants += people.len();
                }
                let target = match sessions {
                    [(only, _)] => format!("training_session:{}", only.id),
                    _ => "training_sessions".to_string(),
                };
                self.append_audit(&mut tx, by, "training.session.record", &target, &format!("sessions={} participants={participants}", sessions.len())).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn training_sessions(&self, f: &TrainingSessionFilter) -> StoreResult<Vec<TrainingSessionRecord>> {
                let (before_day, before_id) = match &f.before {
                    Some((day, id)) => (Some(day_text(*day)), Some(id.clone())),
                    None => (None, None),
                };
                let sql = format!(
                    "SELECT {SESSION_COLUMNS} FROM training_sessions s \
                     WHERE ($1 IS NULL OR s.held_on < $1 OR (s.held_on = $1 AND s.id < $2)) \
                     AND ($3 IS NULL OR s.city = $3) AND ($4 IS NULL OR s.audience = $4) \
                     AND ($5 IS NULL OR s.held_on >= $5) AND ($6 IS NULL OR s.held_on <= $6) \
                     AND ($7 IS NULL OR EXISTS (SELECT 1 FROM training_participants p WHERE p.session_id = s.id AND p.category = $7)) \
                     ORDER BY s.held_on DESC, s.id DESC{}",
                    $crate::sql::limit(i64::from(f.limit.max(1)))
                );
                let rows: Vec<TrainingSessionRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(sql))
                    .bind(before_day)
                    .bind(before_id)
                    .bind(&f.city)
                    .bind(f.audience.map(|a| a.as_str()))
                    .bind(f.from.map(day_text))
                    .bind(f.to.map(day_text))
                    .bind(f.category.map(|c| c.as_str()))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(|r| self.training_session_from(r)).collect()
            }

            async fn training_session(&self, id: &str) -> StoreResult<Option<TrainingSessionRecord>> {
                let row: Option<TrainingSessionRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {SESSION_COLUMNS} FROM training_sessions s WHERE s.id = $1")))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|r| self.training_session_from(r)).transpose()
            }

            async fn participants(&self, session_id: &str) -> StoreResult<Vec<ParticipantRecord>> {
                let rows: Vec<ParticipantRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {PARTICIPANT_COLUMNS} FROM training_participants WHERE session_id = $1 ORDER BY recorded_at_ms, id")))
                    .bind(session_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(|r| self.participant_from(r)).collect()
            }

            async fn add_participant(&self, p: &ParticipantRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                self.insert_participant(&mut tx, p).await?;
                self.append_audit(&mut tx, by, "training.participant.add", &format!("training_session:{}", p.session_id), &format!("participant={} attended={}", p.id, p.attended)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn set_attendance(&self, session_id: &str, participant_id: &str, attended: bool, modules: &[String], by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("UPDATE training_participants SET attended = $1, modules = $2 WHERE id = $3 AND session_id = $4")
                    .bind(attended)
                    .bind(modules.join(","))
                    .bind(participant_id)
                    .bind(session_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.append_audit(&mut tx, by, "training.participant.attendance", &format!("training_session:{session_id}"), &format!("participant={participant_id} attended={attended}")).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn participations_of(&self, user_id: &str) -> StoreResult<Vec<(ParticipantRecord, mnir_domain::training::Audience, chrono::NaiveDate)>> {
                let rows: Vec<(String, String, Option<String>, Vec<u8>, Option<String>, Option<String>, String, bool, String, Option<String>, Timestamp, String, String)> = ::sqlx::query_as("SELECT p.id, p.session_id, p.user_id, p.name, p.org_code, p.org_name, p.category, p.attended, p.modules, p.recorded_by, p.recorded_at_ms, s.audience, s.held_on FROM training_participants p JOIN training_sessions s ON s.id = p.session_id WHERE p.user_id = $1 ORDER BY s.held_on, p.id")
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter()
                    .map(|(id, session_id, user_id, name, org_code, org_name, category, attended, modules, recorded_by, recorded_at_ms, audience, held_on)| {
                        let p = self.participant_from((id, session_id, user_id, name, org_code, org_name, category, attended, modules, recorded_by, recorded_at_ms))?;
                        let audience = $crate::sql::code_column("training_sessions.audience", &audience, mnir_domain::training::Audience::parse)?;
                        Ok((p, audience, day_column("training_sessions.held_on", &held_on)?))
                    })
                    .collect()
            }

            async fn record_attempt(&self, a: &AttemptRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query("INSERT INTO elearning_attempts (id, user_id, vignette_version, vignette_code, present, act, decision, score, decision_correct, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                    .bind(&a.id)
                    .bind(&a.user_id)
                    .bind(&a.vignette_version)
                    .bind(&a.vignette_code)
                    .bind(a.present.join(","))
                    .bind(a.act)
                    .bind(a.decision.as_str())
                    .bind(a.score)
                    .bind(a.decision_correct)
                    .bind(a.at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "elearning.attempt", &format!("vignette:{}/{}", a.vignette_version, a.vignette_code), &format!("attempt={} score={:.3} decision_correct={}", a.id, a.score, a.decision_correct)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn attempts_of(&self, user_id: &str) -> StoreResult<Vec<AttemptRecord>> {
                let rows: Vec<AttemptRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {ATTEMPT_COLUMNS} FROM elearning_attempts WHERE user_id = $1 ORDER BY at_ms DESC, id DESC{}", $crate::sql::limit(1000))))
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(Self::attempt_from).collect()
            }

            async fn first_tries(&self, user_id: &str, since: Option<Timestamp>) -> StoreResult<Vec<AttemptRecord>> {
                // The earliest attempt at each vignette made after `since`, however many followed.
                let rows: Vec<AttemptRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {ATTEMPT_COLUMNS} FROM elearning_attempts a WHERE a.user_id = $1 AND ($2 IS NULL OR a.at_ms > $2) AND NOT EXISTS (SELECT 1 FROM elearning_attempts b WHERE b.user_id = a.user_id AND b.vignette_version = a.vignette_version AND b.vignette_code = a.vignette_code AND ($2 IS NULL OR b.at_ms > $2) AND (b.at_ms < a.at_ms OR (b.at_ms = a.at_ms AND b.id < a.id))) ORDER BY a.at_ms, a.id")))
                    .bind(user_id)
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(Self::attempt_from).collect()
            }

            async fn attempt(&self, id: &str) -> StoreResult<Option<AttemptRecord>> {
                let row: Option<AttemptRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {ATTEMPT_COLUMNS} FROM elearning_attempts WHERE id = $1")))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(Self::attempt_from).transpose()
            }

            async fn issue_certificate(&self, c: &CertificateRecord, by: &AuditActor) -> StoreResult<String> {
                use chrono::Datelike as _;
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // The holder's row locked, so that two passes of the same course at once give
                // one certificate.
                ::sqlx::query("UPDATE users SET login = login WHERE id = $1")
                    .bind(&c.user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let holding: i64 = ::sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE user_id = $1 AND audience = $2 AND revoked_at_ms IS NULL AND last_valid_day >= $3")
                    .bind(&c.user_id)
                    .bind(c.audience.as_str())
                    .bind(day_text(c.issued_on))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if holding > 0 {
                    return Err(StoreError::Conflict(format!("user {} holds a valid {} certificate", c.user_id, c.audience)));
                }
                let year = i64::from(c.issued_on.year());
                let sequence: i64 = ::sqlx::query_scalar("INSERT INTO certificate_numbers (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = certificate_numbers.last + 1 RETURNING last")
                    .bind(year)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let number = format!("{year}-{sequence:06}");
                ::sqlx::query("INSERT INTO certificates (id, number, user_id, holder_name, org_code, audience, participant_id, issued_on, last_valid_day, ends_at_ms, issued_at_ms, verification_code, revoked_at_ms, revoked_by, revoke_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, NULL)")
                    .bind(&c.id)
                    .bind(&number)
                    .bind(&c.user_id)
                    .bind(self.keys.encrypt_str("certificates", "holder_name", &c.id, &c.holder_name))
                    .bind(&c.org_code)
                    .bind(c.audience.as_str())
                    .bind(&c.participant_id)
                    .bind(day_text(c.issued_on))
                    .bind(day_text(c.last_valid_day))
                    .bind(c.ends_at_ms)
                    .bind(c.issued_at_ms)
                    .bind(&c.verification_code)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.close_notices_of(&mut tx, "SELECT id FROM certificates WHERE user_id = $3 AND audience = $4 AND id <> $5", &[&c.user_id, c.audience.as_str(), &c.id], "renewed", by.now_ms).await?;
                self.append_audit(&mut tx, by, "certificate.issue", &format!("certificate:{}", c.id), &format!("number={number} user={} audience={}", c.user_id, c.audience)).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(number)
            }

            async fn certificates(&self, f: &CertificateFilter) -> StoreResult<Vec<CertificateRecord>> {
                let sql = format!(
                    "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE ($1 IS NULL OR user_id = $1) \
                     AND ($2 IS NULL OR issued_at_ms < $2 OR (issued_at_ms = $2 AND id < $3)) \
                     ORDER BY issued_at_ms DESC, id DESC{}",
                    $crate::sql::limit(i64::from(f.limit.max(1)))
                );
                let rows: Vec<CertificateRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(sql))
                    .bind(&f.user_id)
                    .bind(f.before.as_ref().map(|p| p.at_ms))
                    .bind(f.before.as_ref().map(|p| p.id.clone()))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(|r| self.certificate_from(r)).collect()
            }

            async fn certificate(&self, id: &str) -> StoreResult<Option<CertificateRecord>> {
                let row: Option<CertificateRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1")))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|r| self.certificate_from(r)).transpose()
            }

            async fn certificate_by_code(&self, code: &str) -> StoreResult<Option<CertificateRecord>> {
                let row: Option<CertificateRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE verification_code = $1")))
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|r| self.certificate_from(r)).transpose()
            }

            async fn raise_certificate_notices(&self, from: chrono::NaiveDate, to: chrono::NaiveDate, by: &AuditActor) -> StoreResult<usize> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let due: Vec<(String, String, String)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT c.id, u.org_code, c.user_id FROM certificates c JOIN users u ON u.id = c.user_id \
                     WHERE c.revoked_at_ms IS NULL AND c.last_valid_day >= $1 AND c.last_valid_day <= $2 AND u.active \
                     AND NOT EXISTS (SELECT 1 FROM staff_tasks t WHERE t.kind = 'certificate_ending' AND t.subject_id = c.id AND (t.outcome IS NULL OR t.outcome <> 'left')) \
                     AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.user_id = c.user_id AND n.audience = c.audience AND n.revoked_at_ms IS NULL AND n.last_valid_day > c.last_valid_day) \
                     ORDER BY c.last_valid_day, c.id{}",
                    $crate::sql::limit(500)
                )))
                .bind(day_text(from))
                .bind(day_text(to))
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
                // Another server's scheduler may raise the same task at the same moment: the
                // unique key keeps one, and this one is then not counted. A task closed because
                // the holder's account was disabled opens again once it is enabled.
                let mut raised = Vec::new();
                for (certificate_id, org_code, user_id) in &due {
                    let inserted = ::sqlx::query("INSERT INTO staff_tasks (id, kind, org_code, subject_id, user_id, created_at_ms) VALUES ($1, 'certificate_ending', $2, $3, $4, $5) ON CONFLICT (kind, subject_id, org_code) DO UPDATE SET created_at_ms = excluded.created_at_ms, done_at_ms = NULL, done_by = NULL, outcome = NULL WHERE staff_tasks.outcome = 'left'")
                        .bind(uuid::Uuid::new_v4().to_string())
                        .bind(org_code)
                        .bind(certificate_id)
                        .bind(user_id)
                        .bind(by.now_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if inserted.rows_affected() > 0 {
                        raised.push(certificate_id.as_str());
                    }
                }
                // Tasks that can no longer be acted on close by themselves: the certificate lapsed
                // before a new one came, or its holder's account was disabled.
                let lapsed = ::sqlx::query("UPDATE staff_tasks SET done_at_ms = $1, outcome = 'lapsed' WHERE kind = 'certificate_ending' AND done_at_ms IS NULL AND subject_id IN (SELECT id FROM certificates WHERE last_valid_day < $2)")
                    .bind(by.now_ms)
                    .bind(day_text(from))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let left = ::sqlx::query("UPDATE staff_tasks SET done_at_ms = $1, outcome = 'left' WHERE kind = 'certificate_ending' AND done_at_ms IS NULL AND user_id IN (SELECT id FROM users WHERE NOT active)")
                    .bind(by.now_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let closed = lapsed.rows_affected() + left.rows_affected();
                if !raised.is_empty() || closed > 0 {
                    self.append_audit(&mut tx, by, "certificate.notice.raise", "staff_tasks", &format!("certificates={} closed={closed}", raised.join(","))).await?;
                }
                tx.commit().await.map_err(db_err)?;
                Ok(raised.len())
            }

            async fn certificate_notices(&self, org_code: &str) -> StoreResult<Vec<CertificateNotice>> {
                let [tasks, certificates] = Self::certificate_notices_sql();
                let args = [$crate::sql::BatchArg::Text(org_code)];
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                let read = Self::read_batch(&mut conn, &[(&tasks, &args), (&certificates, &args)], $crate::sql::PostgresBatch::Prepared).await?;
                self.certificate_notices_from(&read[0], &read[1])
            }

            async fn close_certificate_notice(&self, task_id: &str, org_code: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("UPDATE staff_tasks SET done_at_ms = $1, done_by = $2, outcome = 'handled' WHERE id = $3 AND org_code = $4 AND kind = 'certificate_ending' AND done_at_ms IS NULL")
                    .bind(by.now_ms)
                    .bind(&by.user_id)
                    .bind(task_id)
                    .bind(org_code)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.append_audit(&mut tx, by, "certificate.notice.close", &format!("staff_task:{task_id}"), "outcome=handled").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn revoke_certificate(&self, id: &str, reason: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("UPDATE certificates SET revoked_at_ms = $1, revoked_by = $2, revoke_reason = $3 WHERE id = $4 AND revoked_at_ms IS NULL")
                    .bind(by.now_ms)
                    .bind(&by.user_id)
                    .bind(self.seal_text("certificates", "revoke_reason", id, reason))
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.close_notices_of(&mut tx, "$3", &[id], "revoked", by.now_ms).await?;
                self.append_audit(&mut tx, by, "certificate.revoke", &format!("certificate:{id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
