//! The SQL of [`crate::BreakGlassStore`], and the break-glass marker the audit append adds.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_break_glass_store {
    ($store:ty, $db:ty) => {
        type GlassRow = (String, String, String, String, String, String, String, Vec<u8>, Timestamp, Timestamp, Option<Timestamp>);
        type GlassTaskRow = (String, String, String, Timestamp, Option<Timestamp>, Option<String>, Option<String>, Option<Vec<u8>>, String);

        const GLASS_COLUMNS: &str = "g.id, g.case_id, c.reference, g.user_id, u.login, g.org_code, g.reason, g.note, g.opened_at_ms, g.expires_at_ms, g.ended_at_ms";
        const GLASS_FROM: &str = "break_glass g JOIN cases c ON c.id = g.case_id JOIN users u ON u.id = g.user_id";
        const GLASS_TASK_COLUMNS: &str = "t.id, t.kind, t.org_code, t.created_at_ms, t.done_at_ms, t.done_by, t.outcome, t.note, t.subject_id";

        impl $store {
            fn glass_from(&self, row: GlassRow) -> StoreResult<BreakGlassRecord> {
                let (id, case_id, case_reference, user_id, user_login, org_code, reason, note, opened_at_ms, expires_at_ms, ended_at_ms) = row;
                Ok(BreakGlassRecord {
                    note: self.decrypt_opt("break_glass", "note", &id, Some(note))?.unwrap_or_default(),
                    reason: $crate::sql::code_column("break_glass.reason", &reason, mnir_domain::break_glass::BreakGlassReason::parse)?,
                    id, case_id, case_reference, user_id, user_login, org_code, opened_at_ms, expires_at_ms, ended_at_ms,
                })
            }

            /// A task, with the access it is about.
            fn glass_task_from(&self, row: GlassTaskRow) -> StoreResult<(GlassTask, String)> {
                let (id, kind, org_code, created_at_ms, done_at_ms, done_by, outcome, note, subject) = row;
                let kind = match kind.as_str() {
                    "break_glass_review" => GlassTaskKind::Review,
                    "break_glass_notice" => GlassTaskKind::Notice,
                    other => return Err(StoreError::Corrupt(format!("staff_tasks.kind: {other}"))),
                };
                let finding = match outcome.as_deref() {
                    None | Some("seen") => None,
                    Some(text) => Some($crate::sql::code_column("staff_tasks.outcome", text, mnir_domain::break_glass::ReviewFinding::parse)?),
                };
                Ok((GlassTask {
                    note: self.decrypt_opt("staff_tasks", "note", &id, note)?,
                    id, kind, org_code, created_at_ms, done_at_ms, done_by, finding,
                }, subject))
            }

            /// The open tasks of one kind an organisation has about break-glass accesses (the oldest
            /// 200), then the accesses they are about; both take the organisation and the kind.
            fn open_glass_tasks_sql() -> [String; 2] {
                const OPEN: &str = "FROM staff_tasks t WHERE t.org_code = $1 AND t.kind = $2 AND t.done_at_ms IS NULL";
                [
                    format!("SELECT {GLASS_TASK_COLUMNS} {OPEN} ORDER BY t.created_at_ms, t.id{}", $crate::sql::limit(200)),
                    format!("SELECT {GLASS_COLUMNS} FROM {GLASS_FROM} WHERE g.id IN (SELECT t.subject_id {OPEN})"),
                ]
            }

            /// The tasks of [`Self::open_glass_tasks_sql`], each with its access.
            fn open_glass_tasks_from(&self, tasks: &[DbRow], accesses: &[DbRow]) -> StoreResult<Vec<(GlassTask, BreakGlassRecord)>> {
                let mut by_id = std::collections::HashMap::new();
                for row in accesses {
                    let access = self.glass_from(::sqlx::FromRow::from_row(row).map_err(db_err)?)?;
                    by_id.insert(access.id.clone(), access);
                }
                let mut open = Vec::with_capacity(tasks.len());
                for row in tasks {
                    let (task, subject) = self.glass_task_from(::sqlx::FromRow::from_row(row).map_err(db_err)?)?;
                    // A task closed between the two reads is left out.
                    if let Some(access) = by_id.get(&subject) {
                        open.push((task, access.clone()));
                    }
                }
                Ok(open)
            }

            /// The id of the break-glass access under which `by` writes an entry about `target`,
            /// if one is open: the marker every such entry carries.
            async fn glass_marker(&self, tx: &mut Tx, by: &AuditActor, target: &str) -> StoreResult<Option<String>> {
                let Some(user) = &by.user_id else { return Ok(None) };
                // The case an entry is about: named by the target, or the case of the referral
                // or return it names.
                let case_of = if let Some(id) = target.strip_prefix("case:") {
                    ("SELECT $1", id)
                } else if let Some(id) = target.strip_prefix("referral:") {
                    ("SELECT case_id FROM referrals WHERE id = $1", id)
                } else if let Some(id) = target.strip_prefix("repatriation:") {
                    ("SELECT case_id FROM repatriations WHERE id = $1", id)
                } else {
                    return Ok(None);
                };
                let sql = format!(
                    "SELECT g.id FROM break_glass g WHERE g.user_id = $2 AND g.case_id = ({}) AND g.ended_at_ms IS NULL AND g.opened_at_ms <= $3 AND g.expires_at_ms > $3 ORDER BY g.opened_at_ms DESC{}",
                    case_of.0,
                    $crate::sql::limit(1)
                );
                ::sqlx::query_scalar(::sqlx::AssertSqlSafe(sql))
                    .bind(case_of.1)
                    .bind(user)
                    .bind(by.now_ms)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_err)
            }
        }

        #[async_trait]
        impl BreakGlassStore for $store {
            async fn case_id_of_reference(&self, reference: &str) -> StoreResult<Option<String>> {
                ::sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1")
                    .bind(reference)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)
            }

            async fn open_break_glass(&self, access: &BreakGlassRecord, review_orgs: &[String], by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // The case's row locked, so that two openings at once by one user give one.
                let locked = ::sqlx::query("UPDATE cases SET state = state WHERE id = $1")
                    .bind(&access.case_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if locked.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let holding: i64 = ::sqlx::query_scalar("SELECT COUNT(*) FROM break_glass WHERE user_id = $1 AND case_id = $2 AND ended_at_ms IS NULL AND expires_at_ms > $3")
                    .bind(&access.user_id)
                    .bind(&access.case_id)
                    .bind(access.opened_at_ms)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if holding > 0 {
                    return Err(StoreError::Conflict(format!("user {} holds an open break-glass access to case {}", access.user_id, access.case_id)));
                }
                ::sqlx::query("INSERT INTO break_glass (id, case_id, user_id, org_code, reason, note, opened_at_ms, expires_at_ms, ended_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)")
                    .bind(&access.id)
                    .bind(&access.case_id)
                    .bind(&access.user_id)
                    .bind(&access.org_code)
                    .bind(access.reason.as_str())
                    .bind(self.keys.encrypt_str("break_glass", "note", &access.id, &access.note))
                    .bind(access.opened_at_ms)
                    .bind(access.expires_at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let routed: Vec<String> = ::sqlx::query_scalar("SELECT org_code FROM case_access WHERE case_id = $1 AND org_code <> $2 ORDER BY org_code")
                    .bind(&access.case_id)
                    .bind(&access.org_code)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let mut review: Vec<&String> = review_orgs.iter().collect();
                review.sort();
                review.dedup();
                let tasks = review.iter().map(|org| (GlassTaskKind::Review, *org)).chain(routed.iter().map(|org| (GlassTaskKind::Notice, org)));
                for (kind, org) in tasks {
                    ::sqlx::query("INSERT INTO staff_tasks (id, kind, org_code, subject_id, user_id, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(uuid::Uuid::new_v4().to_string())
                        .bind(kind.as_str())
                        .bind(org)
                        .bind(&access.id)
                        .bind(&access.user_id)
                        .bind(access.opened_at_ms)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                let reviewers: Vec<&str> = review.iter().map(|o| o.as_str()).collect();
                self.append_audit(&mut tx, by, "case.break_glass.open", &format!("case:{}", access.case_id), &format!("break_glass={} reason={} until_ms={} reviewers={} told={}", access.id, access.reason, access.expires_at_ms.millis(), reviewers.join(","), routed.join(","))).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn open_break_glass_of(&self, user_id: &str, now: Timestamp) -> StoreResult<Vec<BreakGlassRecord>> {
                let rows: Vec<GlassRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {GLASS_COLUMNS} FROM {GLASS_FROM} WHERE g.user_id = $1 AND g.ended_at_ms IS NULL AND g.opened_at_ms <= $2 AND g.expires_at_ms > $2 ORDER BY g.expires_at_ms, g.id")))
                    .bind(user_id)
                    .bind(now)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(|r| self.glass_from(r)).collect()
            }

            async fn break_glass(&self, id: &str) -> StoreResult<Option<BreakGlassRecord>> {
                let row: Option<GlassRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {GLASS_COLUMNS} FROM {GLASS_FROM} WHERE g.id = $1")))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|r| self.glass_from(r)).transpose()
            }

            async fn break_glass_register(&self, since: Timestamp, after: Option<&$crate::ListPlace>, limit: u32) -> StoreResult<Vec<BreakGlassRecord>> {
                let rows: Vec<GlassRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT {GLASS_COLUMNS} FROM {GLASS_FROM} WHERE g.opened_at_ms >= $1 \
                     AND ($2 IS NULL OR g.opened_at_ms > $2 OR (g.opened_at_ms = $2 AND g.id > $3)) \
                     ORDER BY g.opened_at_ms, g.id{}",
                    $crate::sql::limit(i64::from(limit.max(1)))
                )))
                .bind(since)
                .bind(after.map(|p| p.at_ms))
                .bind(after.map(|p| p.id.clone()))
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
                rows.into_iter().map(|r| self.glass_from(r)).collect()
            }

            async fn end_break_glass(&self, id: &str, user_id: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let case_id: Option<String> = ::sqlx::query_scalar("UPDATE break_glass SET ended_at_ms = $1 WHERE id = $2 AND user_id = $3 AND ended_at_ms IS NULL AND expires_at_ms > $1 RETURNING case_id")
                    .bind(by.now_ms)
                    .bind(id)
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some(case_id) = case_id else { return Err(StoreError::NotFound) };
                self.append_audit(&mut tx, by, "case.break_glass.end", &format!("case:{case_id}"), &format!("break_glass={id}")).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn glass_task(&self, task_id: &str) -> StoreResult<Option<(GlassTask, BreakGlassRecord)>> {
                let row: Option<GlassTaskRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {GLASS_TASK_COLUMNS} FROM staff_tasks t WHERE t.id = $1 AND t.kind IN ('break_glass_review', 'break_glass_notice')")))
                    .bind(task_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                let Some(row) = row else { return Ok(None) };
                let (task, subject) = self.glass_task_from(row)?;
                Ok(self.break_glass(&subject).await?.map(|access| (task, access)))
            }

            async fn glass_tasks_of(&self, access_id: &str) -> StoreResult<Vec<GlassTask>> {
                let rows: Vec<GlassTaskRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {GLASS_TASK_COLUMNS} FROM staff_tasks t WHERE t.subject_id = $1 AND t.kind IN ('break_glass_review', 'break_glass_notice') ORDER BY t.kind DESC, t.org_code")))
                    .bind(access_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter().map(|r| self.glass_task_from(r).map(|(task, _)| task)).collect()
            }

            async fn open_glass_tasks(&self, org_code: &str, kind: GlassTaskKind) -> StoreResult<Vec<(GlassTask, BreakGlassRecord)>> {
                use $crate::sql::BatchArg::Text;
                let [tasks, accesses] = Self::open_glass_tasks_sql();
                let args = [Text(org_code), Text(kind.as_str())];
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                let read = Self::read_batch(&mut conn, &[(&tasks, &args), (&accesses, &args)], $crate::sql::PostgresBatch::Prepared).await?;
                self.open_glass_tasks_from(&read[0], &read[1])
            }

            async fn close_glass_task(&self, task_id: &str, org_code: &str, kind: GlassTaskKind, finding: Option<mnir_domain::break_glass::ReviewFinding>, note: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let outcome = finding.map_or("seen", |f| f.as_str());
                let subject: Option<String> = ::sqlx::query_scalar("UPDATE staff_tasks SET done_at_ms = $1, done_by = $2, outcome = $3, note = $4 WHERE id = $5 AND org_code = $6 AND kind = $7 AND done_at_ms IS NULL RETURNING subject_id")
                    .bind(by.now_ms)
                    .bind(&by.user_id)
                    .bind(outcome)
                    .bind(self.seal_text("staff_tasks", "note", task_id, note))
                    .bind(task_id)
                    .bind(org_code)
                    .bind(kind.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some(subject) = subject else { return Err(StoreError::NotFound) };
                let case_id: String = ::sqlx::query_scalar("SELECT case_id FROM break_glass WHERE id = $1")
                    .bind(&subject)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let action = match kind {
                    GlassTaskKind::Review => "case.break_glass.review",
                    GlassTaskKind::Notice => "case.break_glass.seen",
                };
                self.append_audit(&mut tx, by, action, &format!("break_glass:{subject}"), &format!("case={case_id} task={task_id} outcome={outcome}")).await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
