//! The SQL of [`crate::RepatriationStore`]. Uses the day helpers of `sql/plan.rs`, expanded in
//! the same block.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_repatriation_store {
    ($store:ty, $db:ty) => {
        type RepatriationRow = (String, String, String, String, String, String, String, Timestamp, Option<Timestamp>, Option<Vec<u8>>, Option<String>, Option<Timestamp>, Option<String>, i64);
        type StepRow = (String, String, Option<String>, Option<String>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, Option<String>, Option<Timestamp>);
        type StandingRow = (String, bool, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);
        type StandingKey = (mnir_domain::repatriation::Direction, mnir_domain::repatriation::Standing, Option<i64>);
        /// What a procedure's standing is made of: direction, cancelled, the request's and the
        /// travel's state and day, the reception's state.
        type StandingParts = (
            mnir_domain::repatriation::Direction,
            bool,
            (mnir_domain::repatriation::StepState, Option<chrono::NaiveDate>),
            (mnir_domain::repatriation::StepState, Option<chrono::NaiveDate>),
            mnir_domain::repatriation::StepState,
        );
        type CheckInRow = (i64, String, String, String, Option<String>, Option<bool>, Option<Vec<u8>>, bool, Option<String>, Option<Timestamp>);
        /// Procedures whose steps one statement reads: far below SQLite's limit of bound values.
        const LISTED_AT_ONCE: usize = 500;

        const REPATRIATION_COLUMNS: &str = "id, case_id, direction, partner_org, country, org_code, opened_by, opened_at_ms, cancelled_at_ms, cancel_reason, approved_by, approved_at_ms, approved_assessment_id, version";

        impl $store {
            /// The oldest `limit` returns under way an organisation (`$1`) runs or receives, a row
            /// per procedure. The oldest `limit` it runs and the oldest `limit` it receives as
            /// partner are each read from their partial index (migration 0030) and stop there; the
            /// oldest `limit` of both are kept. Either way only those of its cases. Each
            /// procedure's steps' states come joined into one text: a row per procedure rather
            /// than per step, each row being a hand-off from SQLite's thread and a decoding, and a
            /// procedure has up to eight steps.
            fn returns_under_way_sql(limit: i64) -> String {
                let side = |column: &str, other: &str| format!(
                    "SELECT id FROM (SELECT r.id FROM repatriations r WHERE r.{column} = $1{other} \
                     AND r.cancelled_at_ms IS NULL AND r.follow_up_done_at_ms IS NULL \
                     AND EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = r.case_id AND a.org_code = $1) \
                     ORDER BY r.opened_at_ms, r.id{})",
                    $crate::sql::limit(limit)
                );
                // The steps are gathered for the procedures shown only, once the two sides' oldest
                // are merged and cut to a page: gathered before the cut, they were read for up to
                // twice as many procedures (170 against 123 µs for the statement at 100,000 cases).
                format!(
                    "SELECT r.id, r.case_id, r.direction, r.country, \
                     (SELECT string_agg(s.step || '=' || s.state, ',') FROM repatriation_steps s WHERE s.repatriation_id = r.id) \
                     FROM (SELECT r.id, r.case_id, r.direction, r.country, r.opened_at_ms FROM repatriations r \
                     WHERE r.id IN ({} AS runs UNION ALL {} AS receives) \
                     ORDER BY r.opened_at_ms, r.id{}) r \
                     ORDER BY r.opened_at_ms, r.id",
                    side("org_code", ""),
                    side("partner_org", " AND r.org_code <> $1"),
                    $crate::sql::limit(limit),
                )
            }

            fn returns_from(rows: &[DbRow]) -> StoreResult<Vec<$crate::ReturnUnderWay>> {
                use mnir_domain::repatriation::{Direction, Step, StepState};
                rows.iter()
                    .map(|row| {
                        let (id, case_id, direction, country, steps): (String, String, String, String, Option<String>) = ::sqlx::FromRow::from_row(row).map_err(db_err)?;
                        let mut states = [StepState::Pending; Step::ALL.len()];
                        for pair in steps.as_deref().unwrap_or_default().split(',').filter(|p| !p.is_empty()) {
                            let (step, state) = pair.split_once('=').ok_or_else(|| StoreError::Corrupt(format!("repatriation_steps of {id}: `{pair}` is not a step and its state")))?;
                            let step = $crate::sql::code_column("repatriation_steps.step", step, Step::parse)?;
                            states[step.number() - 1] = $crate::sql::code_column("repatriation_steps.state", state, StepState::parse)?;
                        }
                        Ok($crate::ReturnUnderWay {
                            direction: $crate::sql::code_column("repatriations.direction", &direction, Direction::parse)?,
                            next: mnir_domain::repatriation::next_step(&states),
                            id,
                            case_id,
                            country,
                        })
                    })
                    .collect()
            }

            /// The row id a step's texts are encrypted under: the procedure and the step.
            fn step_row(id: &str, step: mnir_domain::repatriation::Step) -> String {
                format!("{id}:{step}")
            }

            /// When a procedure's follow-up was closed, as `repatriations.follow_up_done_at_ms`
            /// keeps it: the step's recording, or the opening for a step recorded without a time.
            fn follow_up_done_at(r: &RepatriationRecord) -> Option<Timestamp> {
                use mnir_domain::repatriation::{Step, StepState};
                let follow_up = r.steps.iter().find(|s| s.step == Step::FollowUp)?;
                (follow_up.state == StepState::Done).then(|| follow_up.recorded_at_ms.unwrap_or(r.opened_at_ms))
            }

            /// Where the procedures stand, one row each (`WHERE` may follow): the request's, travel's
            /// and reception's states and days, never a text to decrypt.
            const STANDING_SELECT: &'static str = "SELECT r.direction, r.cancelled_at_ms IS NOT NULL, q.state, q.happened_on, t.state, t.happened_on, v.state FROM repatriations r \
                 LEFT JOIN repatriation_steps q ON q.repatriation_id = r.id AND q.step = 'request' \
                 LEFT JOIN repatriation_steps t ON t.repatriation_id = r.id AND t.step = 'travel' \
                 LEFT JOIN repatriation_steps v ON v.repatriation_id = r.id AND v.step = 'reception'";

            /// A procedure's direction, standing and, when it travelled, the days from its request
            /// to its travel: what `repatriation_tallies` counts it under.
            fn standing_from(row: StandingRow) -> StoreResult<StandingKey> {
                Self::parts_from(row).map(|parts| Self::key_of(&parts))
            }

            fn parts_from(row: StandingRow) -> StoreResult<StandingParts> {
                use mnir_domain::repatriation::{Direction, StepState};
                let (direction, cancelled, request, asked_on, travel, travelled_on, reception) = row;
                let state = |s: Option<String>| -> StoreResult<StepState> {
                    s.map_or(Ok(StepState::Pending), |s| $crate::sql::code_column("repatriation_steps.state", &s, StepState::parse))
                };
                let day = |d: Option<String>| d.map(|d| day_column("repatriation_steps.happened_on", &d)).transpose();
                Ok((
                    $crate::sql::code_column("repatriations.direction", &direction, Direction::parse)?,
                    cancelled,
                    (state(request)?, day(asked_on)?),
                    (state(travel)?, day(travelled_on)?),
                    state(reception)?,
                ))
            }

            /// The same for a procedure in memory (a generated one, before it is stored).
            fn standing_of_record(r: &RepatriationRecord) -> StandingKey {
                use mnir_domain::repatriation::{Step, StepState};
                // A step not in the record is one not begun, as a stored procedure reads.
                let step = |wanted: Step| r.steps.iter().find(|s| s.step == wanted).map_or((StepState::Pending, None), |s| (s.state, s.happened_on));
                Self::key_of(&(
                    r.direction,
                    r.cancelled_at_ms.is_some(),
                    step(Step::Request),
                    step(Step::Travel),
                    step(Step::Reception).0,
                ))
            }

            fn key_of(&(direction, cancelled, request, travel, reception): &StandingParts) -> StandingKey {
                use mnir_domain::repatriation::StepState::Done;
                let days = match (request, travel) {
                    ((Done, Some(asked)), (Done, Some(went))) => Some((went - asked).num_days()),
                    _ => None,
                };
                (direction, mnir_domain::repatriation::standing(cancelled, travel.0, reception), days)
            }

            /// What one procedure's standing is made of now, inside the transaction that changes it.
            async fn standing_parts_in(tx: &mut Tx, id: &str) -> StoreResult<Option<StandingParts>> {
                let row: Option<StandingRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("{} WHERE r.id = $1", Self::STANDING_SELECT)))
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_err)?;
                row.map(Self::parts_from).transpose()
            }

            /// Where every procedure stands, counted from the procedures themselves: what
            /// `repatriation_tallies` must hold.
            async fn standings_counted(conn: &mut <$db as ::sqlx::Database>::Connection) -> StoreResult<std::collections::BTreeMap<(String, String, bool, i64), i64>> {
                let rows: Vec<StandingRow> = ::sqlx::query_as(Self::STANDING_SELECT)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                let mut counted = std::collections::BTreeMap::new();
                for row in rows {
                    *counted.entry(Self::tally_key(&Self::standing_from(row)?)).or_insert(0) += 1;
                }
                Ok(counted)
            }

            /// A standing as `repatriation_tallies` keys it.
            fn tally_key((direction, standing, days): &StandingKey) -> (String, String, bool, i64) {
                (direction.as_str().to_string(), standing.as_str().to_string(), days.is_some(), days.unwrap_or(0))
            }

            /// Adds to the kept counts of procedures by standing, in the writer's transaction and
            /// before its audit entry, as every kept count is.
            async fn add_to_repatriation_tallies(tx: &mut Tx, deltas: &std::collections::BTreeMap<(String, String, bool, i64), i64>) -> StoreResult<()> {
                let changed: Vec<_> = deltas.iter().filter(|(_, n)| **n != 0).collect();
                if changed.is_empty() {
                    return Ok(());
                }
                let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO repatriation_tallies (direction, standing, travelled, days, n) ");
                q.push_values(changed, |mut b, ((direction, standing, travelled, days), n)| {
                    b.push_bind(direction.clone()).push_bind(standing.clone()).push_bind(*travelled).push_bind(*days).push_bind(*n);
                });
                q.push(" ON CONFLICT (direction, standing, travelled, days) DO UPDATE SET n = repatriation_tallies.n + excluded.n");
                q.build().execute(&mut **tx).await.map_err(db_err)?;
                Ok(())
            }

            /// Moves one procedure's count from one standing to another.
            async fn move_tally(tx: &mut Tx, before: Option<StandingKey>, after: Option<StandingKey>) -> StoreResult<()> {
                if before == after {
                    return Ok(());
                }
                let mut deltas = std::collections::BTreeMap::new();
                if let Some(before) = &before {
                    *deltas.entry(Self::tally_key(before)).or_insert(0) -= 1;
                }
                if let Some(after) = &after {
                    *deltas.entry(Self::tally_key(after)).or_insert(0) += 1;
                }
                Self::add_to_repatriation_tallies(tx, &deltas).await
            }

            /// The row id a check-in's situation is encrypted under.
            fn checkin_row(id: &str, number: i64) -> String {
                format!("{id}:checkin:{number}")
            }

            /// Marks done the open tasks of these clocks (kept counts first, as every writer
            /// takes them before the audit chain's lock) and stops those of them still running.
            async fn close_checkin_clocks(tx: &mut Tx, clock_ids: &[String], now: Timestamp, by_user: Option<&str>) -> StoreResult<()> {
                let mut closed = std::collections::BTreeMap::new();
                let mut done_orgs: Vec<(String, String)> = Vec::new();
                for clock_id in clock_ids {
                    // The clock first, whatever its state: its row is locked to the commit, so a
                    // scheduler firing it meanwhile has committed its task before the tasks are
                    // read below, and that task is closed too.
                    ::sqlx::query("UPDATE clocks SET stopped_at_ms = CASE WHEN state IN ('running', 'paused') THEN $1 ELSE stopped_at_ms END, state = CASE WHEN state IN ('running', 'paused') THEN 'stopped' ELSE state END WHERE id = $2")
                        .bind(now)
                        .bind(clock_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    let done: Option<(String, String)> = ::sqlx::query_as("UPDATE tasks SET done_at_ms = $1, done_by = $2 WHERE clock_id = $3 AND done_at_ms IS NULL RETURNING org_code, clock_kind")
                        .bind(now)
                        .bind(by_user)
                        .bind(clock_id)
                        .fetch_optional(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    done_orgs.extend(done);
                }
                for (org, kind) in &done_orgs {
                    *closed.entry((org.as_str(), kind.as_str())).or_insert(0) -= 1;
                }
                Self::add_to_task_tallies(tx, &closed).await
            }

            /// Moves the procedure to its next version if it is still at `seen` and not cancelled:
            /// the check and the claim of every change, in its transaction.
            async fn claim_repatriation(tx: &mut Tx, id: &str, seen: i64) -> StoreResult<()> {
                let claimed = ::sqlx::query("UPDATE repatriations SET version = version + 1 WHERE id = $1 AND version = $2 AND cancelled_at_ms IS NULL")
                    .bind(id)
                    .bind(seen)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                if claimed.rows_affected() == 0 {
                    return Err(StoreError::Conflict(format!("repatriation {id} changed or was cancelled")));
                }
                Ok(())
            }

            /// The guards' facts, read in `conn` (a transaction's, when a change follows); `None`
            /// when there is no such procedure.
            async fn guard_facts_in(conn: &mut <$db as ::sqlx::Database>::Connection, id: &str, now: Timestamp) -> StoreResult<Option<GuardFacts>> {
                use mnir_domain::repatriation::{Facts, Step, StepState};
                let head: Option<(String, Timestamp, Option<Timestamp>, Option<String>, String)> = ::sqlx::query_as("SELECT r.case_id, r.opened_at_ms, r.cancelled_at_ms, r.approved_assessment_id, c.state FROM repatriations r JOIN cases c ON c.id = r.case_id WHERE r.id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(db_err)?;
                let Some((case_id, opened_at, cancelled_at, approved, case_state)) = head else {
                    return Ok(None);
                };
                let mut states = [StepState::Pending; 8];
                let mut asked_at = opened_at;
                let steps: Vec<(String, String, Option<Timestamp>)> = ::sqlx::query_as("SELECT step, state, recorded_at_ms FROM repatriation_steps WHERE repatriation_id = $1")
                    .bind(id)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                for (step, state, recorded_at) in steps {
                    let step = $crate::sql::code_column("repatriation_steps.step", &step, Step::parse)?;
                    let state = $crate::sql::code_column("repatriation_steps.state", &state, StepState::parse)?;
                    states[step.number() - 1] = state;
                    // The return's assessment counts when made after the person asked to go.
                    if step == Step::Request && state == StepState::Done {
                        asked_at = recorded_at.unwrap_or(opened_at);
                    }
                }
                let consents: Vec<(Timestamp, Option<Timestamp>, Option<Timestamp>)> = ::sqlx::query_as("SELECT given_at_ms, expires_at_ms, withdrawn_at_ms FROM consents WHERE case_id = $1 AND purpose = 'repatriation'")
                    .bind(&case_id)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                let consent_in_force = consents.iter().any(|(given, expires, withdrawn)| {
                    *given <= now && expires.is_none_or(|e| now < e) && withdrawn.is_none_or(|w| now < w)
                });
                let latest: Option<(String, Option<String>)> = ::sqlx::query_as("SELECT id, overall FROM risk_assessments WHERE case_id = $1 AND kind = 'return' AND assessed_at_ms >= $2 ORDER BY assessed_at_ms DESC, version DESC LIMIT 1")
                    .bind(&case_id)
                    .bind(asked_at)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(db_err)?;
                let running: i64 = ::sqlx::query_scalar("SELECT COUNT(*) FROM clocks WHERE case_id = $1 AND kind = 'reflection_period' AND state IN ('running', 'paused')")
                    .bind(&case_id)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(db_err)?;
                let return_risk = match latest.as_ref().and_then(|(_, o)| o.as_deref()) {
                    Some(level) => Some($crate::sql::code_column("risk_assessments.overall", level, mnir_domain::risk::RiskLevel::parse)?),
                    None => None,
                };
                let travel_approved = latest.as_ref().is_some_and(|(latest, _)| approved.as_deref() == Some(latest.as_str()));
                Ok(Some(GuardFacts {
                    facts: Facts {
                        cancelled: cancelled_at.is_some(),
                        consent_in_force,
                        return_risk,
                        reflection_running: running > 0,
                        travel_approved,
                        states,
                    },
                    latest_return: latest.map(|(id, _)| id),
                    case_state: $crate::sql::state_column(&case_state)?,
                }))
            }

            /// Claims the procedure's next version and locks its case's row, then reads the
            /// guards' facts: the start of every change.
            async fn claim_and_read(tx: &mut Tx, id: &str, seen: i64, now: Timestamp) -> StoreResult<GuardFacts> {
                Self::claim_repatriation(tx, id, seen).await?;
                ::sqlx::query("UPDATE cases SET updated_at_ms = updated_at_ms WHERE id = (SELECT case_id FROM repatriations WHERE id = $1)")
                    .bind(id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Self::guard_facts_in(&mut **tx, id, now).await?.ok_or(StoreError::NotFound)
            }

            async fn repatriations_where(&self, condition: &str, value: &str) -> StoreResult<Vec<RepatriationRecord>> {
                self.repatriations_limited(condition, value, None).await
            }

            async fn repatriations_limited(&self, condition: &str, value: &str, limit: Option<i64>) -> StoreResult<Vec<RepatriationRecord>> {
                use mnir_domain::repatriation::{Direction, Step, StepState};
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                let rows: Vec<RepatriationRow> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT {REPATRIATION_COLUMNS} FROM repatriations WHERE {condition} ORDER BY opened_at_ms, id{}", limit.map_or(String::new(), $crate::sql::limit))))
                    .bind(value)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                // The steps and check-ins of all the procedures listed, each in one statement (the
                // inbox lists twenty returns: two statements rather than forty), grouped by
                // procedure here.
                let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
                let mut steps_of: std::collections::HashMap<String, Vec<StepRow>> = std::collections::HashMap::new();
                let mut checkins_of: std::collections::HashMap<String, Vec<CheckInRow>> = std::collections::HashMap::new();
                for chunk in ids.chunks(LISTED_AT_ONCE) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT repatriation_id, step, state, happened_on, responsible_org, responsible_person, documents, note, details, recorded_by, recorded_at_ms FROM repatriation_steps WHERE repatriation_id IN (");
                    let mut listed = q.separated(", ");
                    for id in chunk {
                        listed.push_bind(*id);
                    }
                    q.push(")");
                    let found: Vec<(String, String, String, Option<String>, Option<String>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, Option<String>, Option<Timestamp>)> =
                        q.build_query_as().fetch_all(&mut *conn).await.map_err(db_err)?;
                    for (of, step, state, happened_on, responsible_org, person, documents, note, details, recorded_by, recorded_at_ms) in found {
                        steps_of.entry(of).or_default().push((step, state, happened_on, responsible_org, person, documents, note, details, recorded_by, recorded_at_ms));
                    }
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT repatriation_id, number, due_on, clock_id, org_code, happened_on, contact_made, situation, new_assessment_asked, recorded_by, recorded_at_ms FROM repatriation_checkins WHERE repatriation_id IN (");
                    let mut listed = q.separated(", ");
                    for id in chunk {
                        listed.push_bind(*id);
                    }
                    q.push(") ORDER BY repatriation_id, number");
                    let found: Vec<(String, i64, String, String, String, Option<String>, Option<bool>, Option<Vec<u8>>, bool, Option<String>, Option<Timestamp>)> =
                        q.build_query_as().fetch_all(&mut *conn).await.map_err(db_err)?;
                    for (of, number, due_on, clock_id, org_code, happened_on, contact_made, situation, new_assessment_asked, recorded_by, recorded_at_ms) in found {
                        checkins_of.entry(of).or_default().push((number, due_on, clock_id, org_code, happened_on, contact_made, situation, new_assessment_asked, recorded_by, recorded_at_ms));
                    }
                }
                let mut out = Vec::with_capacity(rows.len());
                for (id, case_id, direction, partner_org, country, org_code, opened_by, opened_at_ms, cancelled_at_ms, cancel_reason, approved_by, approved_at_ms, approved_assessment_id, version) in rows {
                    let step_rows = steps_of.remove(&id).unwrap_or_default();
                    let mut steps: Vec<StepRecord> = Step::ALL.iter().map(|s| StepRecord::pending(*s)).collect();
                    for (step, state, happened_on, responsible_org, person, documents, note, details, recorded_by, recorded_at_ms) in step_rows {
                        let step = $crate::sql::code_column("repatriation_steps.step", &step, Step::parse)?;
                        let row = Self::step_row(&id, step);
                        let open = |column: &str, stored: Option<Vec<u8>>| self.decrypt_opt("repatriation_steps", column, &row, stored).map(Option::unwrap_or_default);
                        let documents = open("documents", documents)?;
                        let details = open("details", details)?;
                        steps[step.number() - 1] = StepRecord {
                            step,
                            state: $crate::sql::code_column("repatriation_steps.state", &state, StepState::parse)?,
                            happened_on: happened_on.map(|d| day_column("repatriation_steps.happened_on", &d)).transpose()?,
                            responsible_org,
                            responsible_person: open("responsible_person", person)?,
                            documents: if documents.is_empty() { Vec::new() } else {
                                $crate::sql::__private::serde_json::from_str(&documents).map_err(|e| StoreError::Corrupt(format!("repatriation_steps.documents: {e}")))?
                            },
                            note: open("note", note)?,
                            details: if details.is_empty() { Default::default() } else {
                                $crate::sql::__private::serde_json::from_str(&details).map_err(|e| StoreError::Corrupt(format!("repatriation_steps.details: {e}")))?
                            },
                            recorded_by,
                            recorded_at_ms,
                        };
                    }
                    let checkin_rows = checkins_of.remove(&id).unwrap_or_default();
                    let mut checkins = Vec::with_capacity(checkin_rows.len());
                    for (number, due_on, clock_id, org_code, happened_on, contact_made, situation, new_assessment_asked, recorded_by, recorded_at_ms) in checkin_rows {
                        let situation = self.decrypt_opt("repatriation_checkins", "situation", &Self::checkin_row(&id, number), situation)?.unwrap_or_default();
                        checkins.push(CheckInRecord {
                            number,
                            due_on: day_column("repatriation_checkins.due_on", &due_on)?,
                            clock_id,
                            org_code,
                            happened_on: happened_on.map(|d| day_column("repatriation_checkins.happened_on", &d)).transpose()?,
                            contact_made,
                            situation: if situation.is_empty() { Default::default() } else {
                                $crate::sql::__private::serde_json::from_str(&situation).map_err(|e| StoreError::Corrupt(format!("repatriation_checkins.situation: {e}")))?
                            },
                            new_assessment_asked,
                            recorded_by,
                            recorded_at_ms,
                        });
                    }
                    out.push(RepatriationRecord {
                        checkins,
                        cancel_reason: self.decrypt_opt("repatriations", "cancel_reason", &id, cancel_reason)?,
                        direction: $crate::sql::code_column("repatriations.direction", &direction, Direction::parse)?,
                        id,
                        case_id,
                        partner_org,
                        country,
                        org_code,
                        opened_by,
                        opened_at_ms,
                        cancelled_at_ms,
                        approved_by,
                        approved_at_ms,
                        approved_assessment_id,
                        version,
                        steps,
                    });
                }
                Ok(out)
            }
        }

        #[async_trait]
        impl RepatriationStore for $store {
            async fn open_repatriation(&self, r: &RepatriationRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query(::sqlx::AssertSqlSafe(format!("INSERT INTO repatriations ({REPATRIATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, NULL, NULL, NULL, 0)")))
                    .bind(&r.id)
                    .bind(&r.case_id)
                    .bind(r.direction.as_str())
                    .bind(&r.partner_org)
                    .bind(&r.country)
                    .bind(&r.org_code)
                    .bind(&r.opened_by)
                    .bind(r.opened_at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO repatriation_steps (repatriation_id, step, state) ");
                q.push_values(mnir_domain::repatriation::Step::ALL, |mut b, step| {
                    b.push_bind(r.id.clone()).push_bind(step.as_str()).push_bind("pending");
                });
                q.build().execute(&mut *tx).await.map_err(db_err)?;
                // A new procedure stands under way, not travelled.
                let opened = (r.direction, mnir_domain::repatriation::Standing::UnderWay, None);
                Self::move_tally(&mut tx, None, Some(opened)).await?;
                // The country is left out: with the direction it would tell the person's
                // nationality to whoever reads the log.
                let detail = format!("repatriation={} direction={} partner={}", r.id, r.direction, r.partner_org);
                self.append_audit(&mut tx, by, "repatriation.open", &format!("case:{}", r.case_id), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn repatriation(&self, id: &str) -> StoreResult<Option<RepatriationRecord>> {
                Ok(self.repatriations_where("id = $1", id).await?.into_iter().next())
            }

            async fn repatriations_of(&self, case_id: &str) -> StoreResult<Vec<RepatriationRecord>> {
                self.repatriations_where("case_id = $1", case_id).await
            }

            async fn repatriation_facts(&self, id: &str, now: Timestamp) -> StoreResult<Option<GuardFacts>> {
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let facts = Self::guard_facts_in(&mut *tx, id, now).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(facts)
            }

            async fn record_step(&self, id: &str, seen_version: i64, s: &StepRecord, effects: &StepEffects, by: &AuditActor) -> StoreResult<()> {
                use mnir_domain::repatriation::{check_step, completes_return, Step, StepState};
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let read = Self::claim_and_read(&mut tx, id, seen_version, by.now_ms).await?;
                check_step(s.step, s.state, &read.facts).map_err(StoreError::Guard)?;
                // The procedure's kept count moves first, worked out from the step as recorded
                // below: the transition and the clocks a return completes append audit entries,
                // and on PostgreSQL every writer takes kept counts before the audit chain.
                if let Some(parts) = Self::standing_parts_in(&mut tx, id).await? {
                    let mut after = parts;
                    match s.step {
                        Step::Request => after.2 = (s.state, s.happened_on),
                        Step::Travel => after.3 = (s.state, s.happened_on),
                        Step::Reception => after.4 = s.state,
                        _ => {}
                    }
                    Self::move_tally(&mut tx, Some(Self::key_of(&parts)), Some(Self::key_of(&after))).await?;
                }
                let mut after = read.facts.clone();
                after.states[s.step.number() - 1] = s.state;
                // The follow-up closed: the check-ins still ahead are not owed. Their tasks'
                // counts, like a transition's tallies, come before any audit entry, as every
                // writer takes them, so that two writers never wait on each other.
                if s.step == Step::FollowUp && s.state == StepState::Done {
                    ::sqlx::query("UPDATE repatriations SET follow_up_done_at_ms = $1 WHERE id = $2")
                        .bind(by.now_ms)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let clocks: Vec<String> = ::sqlx::query_scalar("SELECT clock_id FROM repatriation_checkins WHERE repatriation_id = $1 AND recorded_at_ms IS NULL")
                        .bind(id)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    Self::close_checkin_clocks(&mut tx, &clocks, by.now_ms, by.user_id.as_deref()).await?;
                }
                // The return complete: a case in assistance moves with the step that completed
                // it, decided on its state under the lock.
                if let Some(change) = effects.returned.as_ref()
                    .filter(|_| completes_return(&after) && read.case_state == mnir_domain::CaseState::InAssistance)
                {
                    self.apply_transition(&mut tx, &change.transition, by).await?;
                    self.apply_clock_changes(&mut tx, &change.transition.case_id, &change.clocks, by).await?;
                }
                if s.step == Step::Reception && s.state == StepState::Done && !effects.follow_ups.is_empty() {
                    let case_id: String = ::sqlx::query_scalar("SELECT case_id FROM repatriations WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let start = ClockChanges {
                        start: effects.follow_ups.iter().map(|(_, clock)| clock.clone()).collect(),
                        ..ClockChanges::default()
                    };
                    self.apply_clock_changes(&mut tx, &case_id, &start, by).await?;
                    for (number, (due_on, clock)) in effects.follow_ups.iter().enumerate() {
                        ::sqlx::query("INSERT INTO repatriation_checkins (repatriation_id, number, due_on, clock_id, org_code) VALUES ($1, $2, $3, $4, $5)")
                            .bind(id)
                            .bind(number as i64 + 1)
                            .bind(day_text(*due_on))
                            .bind(&clock.id)
                            .bind(&clock.org_code)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                    }
                }
                let row = Self::step_row(id, s.step);
                let documents = if s.documents.is_empty() { String::new() } else {
                    $crate::sql::__private::serde_json::to_string(&s.documents).map_err(|e| StoreError::Database(e.to_string()))?
                };
                let details = if s.details.is_empty() { String::new() } else {
                    $crate::sql::__private::serde_json::to_string(&s.details).map_err(|e| StoreError::Database(e.to_string()))?
                };
                ::sqlx::query("UPDATE repatriation_steps SET state = $1, happened_on = $2, responsible_org = $3, responsible_person = $4, documents = $5, note = $6, details = $7, recorded_by = $8, recorded_at_ms = $9 WHERE repatriation_id = $10 AND step = $11")
                    .bind(s.state.as_str())
                    .bind(s.happened_on.map(day_text))
                    .bind(&s.responsible_org)
                    .bind(self.seal_text("repatriation_steps", "responsible_person", &row, &s.responsible_person))
                    .bind(self.seal_text("repatriation_steps", "documents", &row, &documents))
                    .bind(self.seal_text("repatriation_steps", "note", &row, &s.note))
                    .bind(self.seal_text("repatriation_steps", "details", &row, &details))
                    .bind(&by.user_id)
                    .bind(by.now_ms)
                    .bind(id)
                    .bind(s.step.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let detail = format!("repatriation={id} step={} state={}", s.step, s.state);
                self.append_audit(&mut tx, by, "repatriation.step", &format!("repatriation:{id}"), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn record_checkin(&self, id: &str, c: &CheckInRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // The case's row locked, as for a step: the follow-up step closed meanwhile
                // waits for this check-in, or this one sees it closed.
                ::sqlx::query("UPDATE cases SET updated_at_ms = updated_at_ms WHERE id = (SELECT case_id FROM repatriations WHERE id = $1)")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let read = Self::guard_facts_in(&mut *tx, id, by.now_ms).await?.ok_or(StoreError::NotFound)?;
                mnir_domain::repatriation::check_checkin(&read.facts).map_err(StoreError::Guard)?;
                let found: Option<(String, Option<Timestamp>)> = ::sqlx::query_as("SELECT clock_id, recorded_at_ms FROM repatriation_checkins WHERE repatriation_id = $1 AND number = $2")
                    .bind(id)
                    .bind(c.number)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some((clock_id, recorded)) = found else {
                    return Err(StoreError::NotFound);
                };
                if recorded.is_some() {
                    return Err(StoreError::Conflict(format!("check-in {} of repatriation {id} is recorded already", c.number)));
                }
                Self::close_checkin_clocks(&mut tx, std::slice::from_ref(&clock_id), by.now_ms, by.user_id.as_deref()).await?;
                let situation = if c.situation.is_empty() { String::new() } else {
                    $crate::sql::__private::serde_json::to_string(&c.situation).map_err(|e| StoreError::Database(e.to_string()))?
                };
                ::sqlx::query("UPDATE repatriation_checkins SET happened_on = $1, contact_made = $2, situation = $3, new_assessment_asked = $4, recorded_by = $5, recorded_at_ms = $6 WHERE repatriation_id = $7 AND number = $8")
                    .bind(c.happened_on.map(day_text))
                    .bind(c.contact_made)
                    .bind(self.seal_text("repatriation_checkins", "situation", &Self::checkin_row(id, c.number), &situation))
                    .bind(c.new_assessment_asked)
                    .bind(&by.user_id)
                    .bind(by.now_ms)
                    .bind(id)
                    .bind(c.number)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let detail = format!("repatriation={id} checkin={} contact={}", c.number, c.contact_made.map_or("unknown", |m| if m { "made" } else { "not_made" }));
                self.append_audit(&mut tx, by, "repatriation.checkin", &format!("repatriation:{id}"), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn returns_under_way(&self, org_code: &str, limit: i64) -> StoreResult<Vec<$crate::ReturnUnderWay>> {
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(Self::returns_under_way_sql(limit)))
                    .bind(org_code)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                Self::returns_from(&rows)
            }

            async fn repatriation_tallies(&self) -> StoreResult<Vec<$crate::RepatriationTally>> {
                use mnir_domain::repatriation::{Direction, Standing};
                let rows: Vec<(String, String, bool, i64, i64)> = ::sqlx::query_as("SELECT direction, standing, travelled, days, n FROM repatriation_tallies WHERE n <> 0")
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.into_iter()
                    .map(|(direction, standing, travelled, days, n)| Ok((
                        $crate::sql::code_column("repatriation_tallies.direction", &direction, Direction::parse)?,
                        $crate::sql::code_column("repatriation_tallies.standing", &standing, Standing::parse)?,
                        travelled.then_some(days),
                        n,
                    )))
                    .collect()
            }

            async fn insert_generated_repatriations(&self, procedures: &[RepatriationRecord], by: &AuditActor) -> StoreResult<()> {
                if procedures.is_empty() {
                    return Ok(());
                }
                let json = |value: &dyn Fn() -> Result<String, $crate::sql::__private::serde_json::Error>| value().map_err(|e| StoreError::Database(e.to_string()));
                let mut tx = self.begin_write().await.map_err(db_err)?;
                for chunk in procedures.chunks(300) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(format!("INSERT INTO repatriations ({REPATRIATION_COLUMNS}, follow_up_done_at_ms) "));
                    let sealed: Vec<Option<Vec<u8>>> = chunk.iter().map(|r| r.cancel_reason.as_ref().and_then(|reason| self.seal_text("repatriations", "cancel_reason", &r.id, reason))).collect();
                    q.push_values(chunk.iter().zip(sealed), |mut b, (r, reason)| {
                        b.push_bind(r.id.clone()).push_bind(r.case_id.clone()).push_bind(r.direction.as_str())
                            .push_bind(r.partner_org.clone()).push_bind(r.country.clone()).push_bind(r.org_code.clone())
                            .push_bind(r.opened_by.clone()).push_bind(r.opened_at_ms).push_bind(r.cancelled_at_ms)
                            .push_bind(reason).push_bind(r.approved_by.clone()).push_bind(r.approved_at_ms)
                            .push_bind(r.approved_assessment_id.clone()).push_bind(r.version)
                            .push_bind(Self::follow_up_done_at(r));
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let mut steps = Vec::new();
                let mut checkins = Vec::new();
                for r in procedures {
                    for s in &r.steps {
                        let row = Self::step_row(&r.id, s.step);
                        let documents = if s.documents.is_empty() { String::new() } else { json(&|| $crate::sql::__private::serde_json::to_string(&s.documents))? };
                        let details = if s.details.is_empty() { String::new() } else { json(&|| $crate::sql::__private::serde_json::to_string(&s.details))? };
                        steps.push((r.id.clone(), s, [
                            self.seal_text("repatriation_steps", "responsible_person", &row, &s.responsible_person),
                            self.seal_text("repatriation_steps", "documents", &row, &documents),
                            self.seal_text("repatriation_steps", "note", &row, &s.note),
                            self.seal_text("repatriation_steps", "details", &row, &details),
                        ]));
                    }
                    for c in &r.checkins {
                        let situation = if c.situation.is_empty() { String::new() } else { json(&|| $crate::sql::__private::serde_json::to_string(&c.situation))? };
                        checkins.push((r.id.clone(), c, self.seal_text("repatriation_checkins", "situation", &Self::checkin_row(&r.id, c.number), &situation)));
                    }
                }
                for chunk in steps.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO repatriation_steps (repatriation_id, step, state, happened_on, responsible_org, responsible_person, documents, note, details, recorded_by, recorded_at_ms) ");
                    q.push_values(chunk, |mut b, (id, s, [person, documents, note, details])| {
                        b.push_bind(id.clone()).push_bind(s.step.as_str()).push_bind(s.state.as_str())
                            .push_bind(s.happened_on.map(day_text)).push_bind(s.responsible_org.clone())
                            .push_bind(person.clone()).push_bind(documents.clone()).push_bind(note.clone()).push_bind(details.clone())
                            .push_bind(s.recorded_by.clone()).push_bind(s.recorded_at_ms);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                for chunk in checkins.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO repatriation_checkins (repatriation_id, number, due_on, clock_id, org_code, happened_on, contact_made, situation, new_assessment_asked, recorded_by, recorded_at_ms) ");
                    q.push_values(chunk, |mut b, (id, c, situation)| {
                        b.push_bind(id.clone()).push_bind(c.number).push_bind(day_text(c.due_on))
                            .push_bind(c.clock_id.clone()).push_bind(c.org_code.clone())
                            .push_bind(c.happened_on.map(day_text)).push_bind(c.contact_made)
                            .push_bind(situation.clone()).push_bind(c.new_assessment_asked)
                            .push_bind(c.recorded_by.clone()).push_bind(c.recorded_at_ms);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let mut standings = std::collections::BTreeMap::new();
                for r in procedures {
                    *standings.entry(Self::tally_key(&Self::standing_of_record(r))).or_insert(0) += 1;
                }
                Self::add_to_repatriation_tallies(&mut tx, &standings).await?;
                self.append_audit(&mut tx, by, "repatriation.generate", "repatriations", &format!("procedures={}", procedures.len())).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn approve_travel(&self, id: &str, seen_version: i64, assessment_id: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let read = Self::claim_and_read(&mut tx, id, seen_version, by.now_ms).await?;
                mnir_domain::repatriation::check_approval(&read.facts).map_err(StoreError::Guard)?;
                // A newer assessment than the one the supervisor read needs reading first.
                if read.latest_return.as_deref() != Some(assessment_id) {
                    return Err(StoreError::Conflict(format!("repatriation {id}: a newer return assessment")));
                }
                ::sqlx::query("UPDATE repatriations SET approved_by = $1, approved_at_ms = $2, approved_assessment_id = $3 WHERE id = $4")
                    .bind(&by.user_id)
                    .bind(by.now_ms)
                    .bind(assessment_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "repatriation.approve", &format!("repatriation:{id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn cancel_repatriation(&self, id: &str, seen_version: i64, reason: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                Self::claim_repatriation(&mut tx, id, seen_version).await?;
                // Its kept count moves from where it stood to cancelled, worked out from the parts.
                if let Some(parts) = Self::standing_parts_in(&mut tx, id).await? {
                    let cancelled = (parts.0, true, parts.2, parts.3, parts.4);
                    Self::move_tally(&mut tx, Some(Self::key_of(&parts)), Some(Self::key_of(&cancelled))).await?;
                }
                ::sqlx::query("UPDATE repatriations SET cancelled_at_ms = $1, cancel_reason = $2 WHERE id = $3")
                    .bind(by.now_ms)
                    .bind(self.seal_text("repatriations", "cancel_reason", id, reason))
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "repatriation.cancel", &format!("repatriation:{id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
