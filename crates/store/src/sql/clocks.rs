//! The SQL of [`crate::ClockStore`], and the clock changes that other areas' writes apply.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_clock_store {
    ($store:ty, $db:ty) => {
        const CLOCK_COLUMNS: &str = "k.id, k.case_id, k.kind, k.org_code, k.length, k.on_expiry, k.started_at_ms, k.due_at_ms, k.state, k.pauses, k.pause_reasons, k.stopped_at_ms, k.fired_at_ms, k.referral_id";

        impl $store {
            /// Inserts clocks as they are (their state, stop and expiry included), many rows a
            /// statement: the bulk path of `mnir generate`. Generated clocks are never paused.
            async fn insert_clock_rows(tx: &mut Tx, clocks: &[ClockRecord]) -> StoreResult<()> {
                for chunk in clocks.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO clocks (id, case_id, kind, org_code, length, on_expiry, started_at_ms, due_at_ms, state, pauses, pause_reasons, stopped_at_ms, fired_at_ms, referral_id) ");
                    q.push_values(chunk, |mut b, c| {
                        b.push_bind(c.id.clone())
                            .push_bind(c.case_id.clone())
                            .push_bind(c.kind.as_str())
                            .push_bind(c.org_code.clone())
                            .push_bind(c.length.clone())
                            .push_bind(c.on_expiry.clone())
                            .push_bind(c.started_at_ms)
                            .push_bind(c.due_at_ms)
                            .push_bind(c.state.as_str())
                            .push_bind("[]")
                            .push_bind(None::<Vec<u8>>)
                            .push_bind(c.stopped_at_ms)
                            .push_bind(c.fired_at_ms)
                            .push_bind(c.referral_id.clone());
                    });
                    q.build().execute(&mut **tx).await.map_err(db_err)?;
                }
                Ok(())
            }

            /// A page of open tasks; its total from the organisation's `tallies` (read in the same snapshot).
            async fn open_tasks_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, org_code: &str, filter: &TaskFilter, tallies: &[(String, i64)]) -> StoreResult<TaskPage> {
                use $crate::sql::__private::mnir_domain::clocks::ClockKind;
                let per_page = filter.per_page.clamp(1, 200) as usize;
                let kinds: Vec<ClockKind> = filter.clock_kinds.clone().unwrap_or_else(|| ClockKind::ALL.to_vec());
                // The kept counts say what share of the open tasks the view holds, so the page is
                // read the cheaper of two ways; they choose the way only, never which tasks are
                // listed, so a count gone wrong slows the page and hides nothing.
                let all: i64 = tallies.iter().map(|(_, n)| n).sum();
                let matched = Self::open_tasks_of(tallies, filter.clock_kinds.as_deref());
                let columns = "t.id, t.clock_id, t.case_id, t.case_reference, t.org_code, t.kind, t.clock_kind, t.created_at_ms";
                let place = |q: &mut ::sqlx::QueryBuilder<$db>| {
                    if let Some(after) = &filter.after {
                        q.push(" AND t.created_at_ms >= ").push_bind(after.at_ms);
                        q.push(" AND (t.created_at_ms > ").push_bind(after.at_ms);
                        q.push(" OR t.id > ").push_bind(after.id.clone());
                        q.push(")");
                    }
                };
                let wanted = per_page as i64 + 1;
                type Line = (String, String, String, String, String, String, String, Timestamp);
                let mut rows: Option<Vec<Line>> = if kinds.is_empty() { Some(Vec::new()) } else { None };
                // A view with fewer tasks than a page would not fill any window: read per kind.
                if rows.is_none() && kinds.len() > 1 && matched * 4 >= all && matched >= wanted {
                    // The view holds a quarter of the open tasks or more: the organisation's
                    // oldest open tasks from the place on, whatever their kind, are one range of
                    // `tasks_open_by_age` (migration 0031). A window of four pages of them (one
                    // page when the view is every kind) is read and the view's kept; spread as
                    // their share says, they fill the page.
                    let window = if filter.clock_kinds.is_some() { 4 * wanted } else { wanted };
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(format!("SELECT * FROM (SELECT {columns} FROM tasks t WHERE t.org_code = "));
                    q.push_bind(org_code.to_string()).push(" AND t.done_at_ms IS NULL");
                    place(&mut q);
                    q.push(" ORDER BY t.created_at_ms, t.id").push($crate::sql::limit(window)).push(") w");
                    if filter.clock_kinds.is_some() {
                        q.push(" WHERE w.clock_kind IN (");
                        let mut listed = q.separated(", ");
                        for kind in &kinds {
                            listed.push_bind(kind.as_str());
                        }
                        q.push(")");
                    }
                    q.push(" ORDER BY 8, 1").push($crate::sql::limit(wanted));
                    let read: Vec<Line> = q.build_query_as().fetch_all(&mut *conn).await.map_err(db_err)?;
                    // A full page is the page: the window holds the oldest of the view's tasks in
                    // order. So is what a window of every kind found. Otherwise the view's tasks
                    // are sparser here than their share (an old backlog of other kinds, or the
                    // view's last page), and the page is read the other way, still bounded.
                    if read.len() as i64 == wanted || filter.clock_kinds.is_none() {
                        rows = Some(read);
                    }
                }
                let rows = match rows {
                    Some(rows) => rows,
                    None => {
                        // Each kind is one range of `tasks_open`, read from the place on and
                        // stopped at a page, and the ranges merged, all in one statement: the
                        // work is bounded by a page per kind, however rare the view's tasks are
                        // among the organisation's.
                        let mut q = ::sqlx::QueryBuilder::<$db>::new("");
                        for (n, kind) in kinds.iter().enumerate() {
                            if n > 0 {
                                q.push(" UNION ALL ");
                            }
                            q.push(format!("SELECT * FROM (SELECT {columns} FROM tasks t WHERE t.org_code = "));
                            q.push_bind(org_code.to_string());
                            q.push(" AND t.done_at_ms IS NULL AND t.clock_kind = ").push_bind(kind.as_str());
                            place(&mut q);
                            q.push(" ORDER BY t.created_at_ms, t.id").push($crate::sql::limit(wanted));
                            q.push(format!(") kind_{n}"));
                        }
                        q.push(" ORDER BY 8, 1").push($crate::sql::limit(wanted));
                        q.build_query_as().fetch_all(&mut *conn).await.map_err(db_err)?
                    }
                };
                // Either way the indexes carry every column shown, so no task or case row is read.
                let more = rows.len() > per_page;
                let mut tasks = Vec::with_capacity(per_page.min(rows.len()));
                for (id, clock_id, case_id, case_reference, org_code, kind, clock_kind, created_at_ms) in rows.into_iter().take(per_page) {
                    tasks.push(TaskRecord { id, clock_id, case_id, case_reference, org_code, kind, clock_kind: $crate::sql::code_column("tasks.clock_kind", &clock_kind, ClockKind::parse)?, created_at_ms, done_at_ms: None });
                }
                let total = matched;
                let later = if more { tasks.last().map(ListPlace::of_task) } else { None };
                Ok(TaskPage { tasks, later, total })
            }

            /// An organisation's running clocks due by a time, soonest first, with their case's
            /// reference (`$1` the organisation, `$2` the time).
            fn upcoming_clocks_sql(limit: i64) -> String {
                format!("SELECT {CLOCK_COLUMNS}, c.reference FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.org_code = $1 AND k.state = 'running' AND k.due_at_ms <= $2 ORDER BY k.due_at_ms, k.id{}", $crate::sql::limit(limit))
            }

            async fn upcoming_clocks_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, org_code: &str, until_ms: Timestamp, limit: i64) -> StoreResult<Vec<(ClockRecord, String)>> {
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(Self::upcoming_clocks_sql(limit)))
                    .bind(org_code)
                    .bind(until_ms)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                self.upcoming_from(&rows)
            }

            fn upcoming_from(&self, rows: &[DbRow]) -> StoreResult<Vec<(ClockRecord, String)>> {
                rows.iter()
                    .map(|r| Ok((self.clock_from(r)?, r.try_get::<String, _>(14).map_err(db_err)?)))
                    .collect()
            }

            /// A case's clocks (`$1` the case), as `clocks_of_in` and the case page read them.
            fn clocks_of_case_sql() -> String {
                format!("SELECT {CLOCK_COLUMNS} FROM clocks k WHERE k.case_id = $1 ORDER BY k.started_at_ms, k.id")
            }

            async fn clocks_of_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, case_id: &str) -> StoreResult<Vec<ClockRecord>> {
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(Self::clocks_of_case_sql()))
                    .bind(case_id)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                rows.iter().map(|r| self.clock_from(r)).collect()
            }

            /// An organisation's open tasks by kind of clock, as `task_tallies` keeps them: a row
            /// per kind, whatever the number of tasks.
            async fn task_tallies_in(conn: &mut <$db as ::sqlx::Database>::Connection, org_code: &str) -> StoreResult<Vec<(String, i64)>> {
                ::sqlx::query_as("SELECT clock_kind, n FROM task_tallies WHERE org_code = $1")
                    .bind(org_code)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)
            }

            /// Adds to the kept counts of open tasks by organisation and kind of clock, in the
            /// transaction that made or closed the tasks.
            async fn add_to_task_tallies(tx: &mut Tx, deltas: &std::collections::BTreeMap<(&str, &str), i64>) -> StoreResult<()> {
                if deltas.is_empty() {
                    return Ok(());
                }
                let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO task_tallies (org_code, clock_kind, n) ");
                q.push_values(deltas, |mut row, ((org_code, kind), n)| {
                    row.push_bind(org_code.to_string()).push_bind(kind.to_string()).push_bind(*n);
                });
                q.push(" ON CONFLICT (org_code, clock_kind) DO UPDATE SET n = task_tallies.n + excluded.n");
                q.build().execute(&mut **tx).await.map_err(db_err)?;
                Ok(())
            }

            /// The open tasks of these kinds (every kind when `None`) in an organisation's tallies.
            fn open_tasks_of(tallies: &[(String, i64)], clock_kinds: Option<&[$crate::sql::__private::mnir_domain::clocks::ClockKind]>) -> i64 {
                tallies
                    .iter()
                    .filter(|(kind, _)| clock_kinds.is_none_or(|kinds| kinds.iter().any(|k| k.as_str() == kind)))
                    .map(|(_, n)| n)
                    .sum()
            }

            fn clock_from(&self, row: &DbRow) -> Result<ClockRecord, StoreError> {
                let id: String = row.try_get(0).map_err(db_err)?;
                let pauses_json: String = row.try_get(9).map_err(db_err)?;
                let pauses: Vec<(i64, Option<i64>)> = serde_json::from_str(&pauses_json).map_err(|e| StoreError::Corrupt(format!("clocks.pauses: {e}")))?;
                let time = |ms: i64| Timestamp::from_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("clocks.pauses: time out of range: {ms} ms")));
                let pauses = pauses
                    .into_iter()
                    .map(|(from, until)| Ok((time(from)?, until.map(time).transpose()?)))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                let reasons_json = self.decrypt_opt("clocks", "pause_reasons", &id, row.try_get(10).map_err(db_err)?)?.unwrap_or_else(|| "[]".into());
                let pause_reasons: Vec<String> = serde_json::from_str(&reasons_json).map_err(|e| StoreError::Corrupt(format!("clocks.pause_reasons: {e}")))?;
                Ok(ClockRecord {
                    case_id: row.try_get(1).map_err(db_err)?,
                    kind: $crate::sql::code_column("clocks.kind", &row.try_get::<String, _>(2).map_err(db_err)?, $crate::sql::__private::mnir_domain::clocks::ClockKind::parse)?,
                    org_code: row.try_get(3).map_err(db_err)?,
                    length: row.try_get(4).map_err(db_err)?,
                    on_expiry: row.try_get(5).map_err(db_err)?,
                    started_at_ms: row.try_get(6).map_err(db_err)?,
                    due_at_ms: row.try_get(7).map_err(db_err)?,
                    state: parse_column("clocks.state", &row.try_get::<String, _>(8).map_err(db_err)?)?,
                    pauses,
                    pause_reasons,
                    stopped_at_ms: row.try_get(11).map_err(db_err)?,
                    fired_at_ms: row.try_get(12).map_err(db_err)?,
                    referral_id: row.try_get(13).map_err(db_err)?,
                    id,
                })
            }

            async fn apply_clock_changes(&self, tx: &mut Tx, case_id: &str, changes: &ClockChanges, by: &AuditActor) -> StoreResult<()> {
                for kind in &changes.blocked_by {
                    let running: Option<String> = ::sqlx::query_scalar("SELECT id FROM clocks WHERE case_id = $1 AND kind = $2 AND state IN ('running', 'paused')")
                        .bind(case_id)
                        .bind(kind.as_str())
                        .fetch_optional(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    if running.is_some() {
                        return Err(StoreError::BlockedByClock(*kind));
                    }
                }
                for kind in &changes.stop {
                    let done = ::sqlx::query("UPDATE clocks SET state = 'stopped', stopped_at_ms = $1 WHERE case_id = $2 AND kind = $3 AND state IN ('running', 'paused')")
                        .bind(by.now_ms)
                        .bind(case_id)
                        .bind(kind.as_str())
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    if done.rows_affected() > 0 {
                        self.append_audit(tx, by, "clock.stop", &format!("case:{case_id}"), &format!("clock={kind}")).await?;
                    }
                }
                for c in &changes.start {
                    ::sqlx::query("INSERT INTO clocks (id, case_id, kind, org_code, length, on_expiry, started_at_ms, due_at_ms, state, pauses, pause_reasons, stopped_at_ms, fired_at_ms, referral_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '[]', NULL, NULL, NULL, $10)")
                        .bind(&c.id)
                        .bind(case_id)
                        .bind(c.kind.as_str())
                        .bind(&c.org_code)
                        .bind(&c.length)
                        .bind(&c.on_expiry)
                        .bind(c.started_at_ms)
                        .bind(c.due_at_ms)
                        .bind(c.state.as_str())
                        .bind(&c.referral_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    self.append_audit(tx, by, "clock.start", &format!("case:{case_id}"), &format!("clock={} due_at_ms={}", c.kind, c.due_at_ms.map_or(0, Timestamp::millis))).await?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl ClockStore for $store {
            async fn clocks_of(&self, case_id: &str) -> StoreResult<Vec<ClockRecord>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                self.clocks_of_in(&mut conn, case_id).await
            }

            async fn pause_clock(&self, clock_id: &str, reason: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {CLOCK_COLUMNS} FROM clocks k WHERE k.id = $1 AND k.state = 'running'")))
                    .bind(clock_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?
                    .ok_or(StoreError::NotFound)?;
                let mut clock = self.clock_from(&row)?;
                clock.pauses.push((by.now_ms, None));
                clock.pause_reasons.push(reason.to_string());
                let pauses = serde_json::to_string(&clock.pauses).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let reasons = serde_json::to_string(&clock.pause_reasons).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let changed = ::sqlx::query("UPDATE clocks SET state = 'paused', due_at_ms = NULL, pauses = $1, pause_reasons = $2 WHERE id = $3 AND state = 'running'")
                    .bind(pauses)
                    .bind(self.keys.encrypt_str("clocks", "pause_reasons", clock_id, &reasons))
                    .bind(clock_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if changed.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.append_audit(&mut tx, by, "clock.pause", &format!("case:{}", clock.case_id), &format!("clock={}", clock.kind)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn resume_clock(&self, clock_id: &str, due_at_ms: Timestamp, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {CLOCK_COLUMNS} FROM clocks k WHERE k.id = $1 AND k.state = 'paused'")))
                    .bind(clock_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?
                    .ok_or(StoreError::NotFound)?;
                let mut clock = self.clock_from(&row)?;
                if let Some(last) = clock.pauses.last_mut() {
                    last.1 = Some(by.now_ms);
                }
                let pauses = serde_json::to_string(&clock.pauses).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let changed = ::sqlx::query("UPDATE clocks SET state = 'running', due_at_ms = $1, pauses = $2 WHERE id = $3 AND state = 'paused'")
                    .bind(due_at_ms)
                    .bind(pauses)
                    .bind(clock_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if changed.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.append_audit(&mut tx, by, "clock.resume", &format!("case:{}", clock.case_id), &format!("clock={} due_at_ms={due_at_ms}", clock.kind)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn fire_due_clocks(&self, now_ms: Timestamp, limit: i64) -> StoreResult<Vec<TaskRecord>> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!(
                    "SELECT {CLOCK_COLUMNS} FROM clocks k WHERE k.state = 'running' AND k.due_at_ms <= $1 ORDER BY k.due_at_ms{}{}",
                    $crate::sql::limit(limit),
                    Self::CLAIM_SUFFIX
                )))
                    .bind(now_ms)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let by = AuditActor { user_id: None, org_code: None, channel: "scheduler", now_ms };
                let mut tasks = Vec::with_capacity(rows.len());
                for row in &rows {
                    let clock = self.clock_from(row)?;
                    let expired = ::sqlx::query("UPDATE clocks SET state = 'expired', fired_at_ms = $1 WHERE id = $2 AND state = 'running'")
                        .bind(now_ms)
                        .bind(&clock.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    if expired.rows_affected() == 0 {
                        continue;
                    }
                    // A response clock run out makes its referral overdue while it awaits its
                    // answer (ANITP's dashboard lists them from `referrals_overdue`).
                    if clock.kind == mnir_domain::clocks::ClockKind::ReferralResponse
                        && let Some(referral_id) = &clock.referral_id
                    {
                        ::sqlx::query("UPDATE referrals SET overdue_since_ms = $1 WHERE id = $2 AND status = 'sent' AND overdue_since_ms IS NULL")
                            .bind(clock.due_at_ms.unwrap_or(now_ms))
                            .bind(referral_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                    }
                    let task_id = uuid::Uuid::new_v4().to_string();
                    // A task made for this clock before (it was resumed and ran out again)
                    // stands; a second one would only repeat it.
                    // The task carries its case's reference for the inbox's index.
                    let inserted: Option<String> = ::sqlx::query_scalar("INSERT INTO tasks (id, clock_id, case_id, org_code, kind, created_at_ms, clock_kind, case_reference) SELECT $1, $2, c.id, $3, $4, $5, $6, c.reference FROM cases c WHERE c.id = $7 ON CONFLICT (clock_id) DO NOTHING RETURNING case_reference")
                        .bind(&task_id)
                        .bind(&clock.id)
                        .bind(&clock.org_code)
                        .bind(&clock.on_expiry)
                        .bind(now_ms)
                        .bind(clock.kind.as_str())
                        .bind(&clock.case_id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let Some(case_reference) = inserted else {
                        continue;
                    };
                    tasks.push(TaskRecord {
                        id: task_id,
                        clock_id: clock.id,
                        case_id: clock.case_id,
                        case_reference,
                        org_code: clock.org_code,
                        kind: clock.on_expiry,
                        clock_kind: clock.kind,
                        created_at_ms: now_ms,
                        done_at_ms: None,
                    });
                }
                // The tallies before the audit chain, as every writer of kept counts takes them:
                // on PostgreSQL the chain's lock is held to the commit, and a task marked done
                // (its tally, then the chain) would otherwise deadlock with this batch.
                let mut made = std::collections::BTreeMap::new();
                for task in &tasks {
                    *made.entry((task.org_code.as_str(), task.clock_kind.as_str())).or_insert(0) += 1;
                }
                Self::add_to_task_tallies(&mut tx, &made).await?;
                for task in &tasks {
                    self.append_audit(&mut tx, &by, "clock.expire", &format!("case:{}", task.case_id), &format!("clock={} task={}", task.clock_kind, task.id)).await?;
                }
                tx.commit().await.map_err(db_err)?;
                Ok(tasks)
            }

            async fn open_tasks(&self, org_code: &str, filter: &TaskFilter) -> StoreResult<TaskPage> {
                // One snapshot, so that the page and its count agree.
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let tallies = Self::task_tallies_in(&mut tx, org_code).await?;
                let page = self.open_tasks_in(&mut tx, org_code, filter, &tallies).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(page)
            }

            async fn inbox_view(&self, org_code: &str, read: &$crate::InboxRead) -> StoreResult<$crate::InboxView> {
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let tallies = Self::task_tallies_in(&mut tx, org_code).await?;
                let page = self.open_tasks_in(&mut tx, org_code, &read.tasks, &tallies).await?;
                let others_waiting = read.others.as_ref().map(|kinds| Self::open_tasks_of(&tallies, kinds.as_deref()));
                // The other lists in one go (`read_batch`; one round trip on PostgreSQL too, as one
                // simple query: its arguments are the organisation and times): the coming deadlines, the
                // oldest referrals awaiting an answer and how many await (the API list's first
                // page), the urgent needs and the returns under way, when asked for.
                use $crate::sql::BatchArg::{Text, Time};
                let upcoming = Self::upcoming_clocks_sql(read.upcoming_shown);
                let [referrals, waiting] = Self::referrals_awaiting_sql(read.referrals_shown, false);
                let urgent = read.urgent_shown.map(Self::urgent_cases_sql);
                let returns = read.returns_shown.map(Self::returns_under_way_sql);
                let of_org = [Text(org_code)];
                let due = [Text(org_code), Time(read.upcoming_until)];
                let mut statements: Vec<(&str, &[$crate::sql::BatchArg<'_>])> = vec![(&upcoming, &due), (&referrals, &of_org), (&waiting, &of_org)];
                statements.extend(urgent.iter().chain(&returns).map(|sql| (sql.as_str(), &of_org[..])));
                // The staff tasks after them, each kind as a list of tasks then what they are about.
                use $crate::GlassTaskKind::{Notice, Review};
                // Their statements are written only when asked for (the JSON inbox never is).
                let glass = read.staff.map(|_| Self::open_glass_tasks_sql());
                let certificates = read.staff.filter(|asked| asked.certificate_notices).map(|_| Self::certificate_notices_sql());
                let notices_of = [Text(org_code), Text(Notice.as_str())];
                let reviews_of = [Text(org_code), Text(Review.as_str())];
                let staff_at = statements.len();
                if let (Some(asked), Some(glass)) = (read.staff, &glass) {
                    statements.extend(glass.iter().map(|sql| (sql.as_str(), &notices_of[..])));
                    if asked.glass_reviews {
                        statements.extend(glass.iter().map(|sql| (sql.as_str(), &reviews_of[..])));
                    }
                }
                statements.extend(certificates.iter().flatten().map(|sql| (sql.as_str(), &of_org[..])));
                let batch = Self::read_batch(&mut tx, &statements, $crate::sql::PostgresBatch::OneQuery).await?;
                tx.commit().await.map_err(db_err)?;
                let awaiting = self.referrals_awaiting_from(&batch[1], &batch[2], read.referrals_shown)?;
                // The returns follow the urgent needs when those were read.
                let returns_at = 3 + usize::from(urgent.is_some());
                let staff = match read.staff {
                    None => None,
                    Some(asked) => {
                        let reviews_at = staff_at + 2;
                        let certificates_at = reviews_at + if asked.glass_reviews { 2 } else { 0 };
                        Some($crate::StaffTasks {
                            glass_notices: self.open_glass_tasks_from(&batch[staff_at], &batch[staff_at + 1])?,
                            glass_reviews: asked.glass_reviews.then(|| self.open_glass_tasks_from(&batch[reviews_at], &batch[reviews_at + 1])).transpose()?,
                            certificate_notices: asked.certificate_notices.then(|| self.certificate_notices_from(&batch[certificates_at], &batch[certificates_at + 1])).transpose()?,
                        })
                    }
                };
                Ok($crate::InboxView {
                    staff,
                    page,
                    others_waiting,
                    upcoming: self.upcoming_from(&batch[0])?,
                    referrals: awaiting.referrals,
                    referrals_waiting: awaiting.total,
                    urgent: urgent.is_some().then(|| Self::urgent_from(&batch[3])).transpose()?,
                    returns: returns.is_some().then(|| Self::returns_from(&batch[returns_at])).transpose()?,
                })
            }

            async fn count_open_tasks(&self, org_code: &str, clock_kinds: Option<&[$crate::sql::__private::mnir_domain::clocks::ClockKind]>) -> StoreResult<i64> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                Ok(Self::open_tasks_of(&Self::task_tallies_in(&mut conn, org_code).await?, clock_kinds))
            }

            async fn upcoming_clocks(&self, org_code: &str, until_ms: Timestamp, limit: i64) -> StoreResult<Vec<(ClockRecord, String)>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                self.upcoming_clocks_in(&mut conn, org_code, until_ms, limit).await
            }

            async fn complete_task(&self, task_id: &str, org_code: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done: Option<String> = ::sqlx::query_scalar("UPDATE tasks SET done_at_ms = $1, done_by = $2 WHERE id = $3 AND org_code = $4 AND done_at_ms IS NULL RETURNING clock_kind")
                    .bind(by.now_ms)
                    .bind(&by.user_id)
                    .bind(task_id)
                    .bind(org_code)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some(clock_kind) = done else {
                    return Err(StoreError::NotFound);
                };
                Self::add_to_task_tallies(&mut tx, &std::collections::BTreeMap::from([((org_code, clock_kind.as_str()), -1)])).await?;
                self.append_audit(&mut tx, by, "task.done", &format!("task:{task_id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
