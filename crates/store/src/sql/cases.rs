//! The SQL of [`crate::CaseStore`]: cases, their access lists and their history.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_case_store {
    ($store:ty, $db:ty) => {
        /// Columns kept on a row for the lists to read (migration 0030), each with the rows whose
        /// mark differs from what it is kept from: what `tally_drift` reports (none, kept right)
        /// and `rebuild_tallies` repairs.
        const KEPT_MARKS: [(&str, &str, &str); 2] = [
            (
                "repatriations",
                "procedures whose follow_up_done_at_ms differs from their follow-up step",
                "repatriations r WHERE (r.follow_up_done_at_ms IS NOT NULL) <> EXISTS (SELECT 1 FROM repatriation_steps s WHERE s.repatriation_id = r.id AND s.step = 'follow_up' AND s.state = 'done')",
            ),
            (
                "referrals",
                "referrals awaiting an answer whose overdue_since_ms differs from their response clock",
                "referrals r LEFT JOIN clocks k ON k.referral_id = r.id AND k.kind = 'referral_response' AND k.state = 'expired' WHERE r.status = 'sent' AND (r.overdue_since_ms IS NULL) <> (k.id IS NULL)",
            ),
        ];

        const SUMMARY_COLUMNS: &str = "c.id, c.reference, c.state, c.sex, c.age_group, c.age_years, c.citizenship, c.found_in_county, c.exploitation, c.notified_at_ms, c.updated_at_ms, c.given_name, c.family_name, (SELECT k.wrapped FROM case_keys k WHERE k.case_id = c.id)";

        impl $store {
            /// A case's row inside the scope (`$1`–`$3` the scope, `$4` the case), its access
            /// list and its history (`$1` the case), as `detail_in` and the case page read them.
            fn detail_sql() -> [String; 3] {
                [
                    format!("SELECT {SUMMARY_COLUMNS}, c.birth_date, c.notes, c.signals, c.notifying_org, c.created_by, c.erased_at_ms FROM cases c WHERE c.id = $4 AND {SCOPE_CONDITION}"),
                    "SELECT granted_at_ms, org_code, basis FROM case_access WHERE case_id = $1".into(),
                    "SELECT seq, from_state, to_state, actor_user, actor_org, at_ms, reason FROM case_events WHERE case_id = $1 ORDER BY seq".into(),
                ]
            }

            /// The case as `case_detail` reads it, inside the caller's read transaction.
            async fn detail_in(&self, tx: &mut <$db as ::sqlx::Database>::Connection, id: &str, scope: &ScopeFor, reveal: Reveal) -> StoreResult<Option<CaseDetail>> {
                let [case, access, events] = Self::detail_sql();
                let row = ::sqlx::query(::sqlx::AssertSqlSafe(case))
                    .bind(scope.scope.national)
                    .bind(&scope.scope.organisation)
                    .bind(&scope.scope.created_by)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if row.is_none() {
                    return Ok(None);
                }
                let access = ::sqlx::query(::sqlx::AssertSqlSafe(access)).bind(id).fetch_all(&mut *tx).await.map_err(db_err)?;
                let events = ::sqlx::query(::sqlx::AssertSqlSafe(events)).bind(id).fetch_all(&mut *tx).await.map_err(db_err)?;
                self.detail_from(id, reveal, row.as_ref(), &access, &events)
            }

            /// A case's detail from the rows of the three statements of `detail_sql`; `None`
            /// when the case is not in the scope.
            fn detail_from(&self, id: &str, reveal: Reveal, row: Option<&DbRow>, access: &[DbRow], events: &[DbRow]) -> StoreResult<Option<CaseDetail>> {
                let Some(row) = row else { return Ok(None) };
                let summary = self.summary_from(row, reveal.identity)?;
                let key = if reveal.identity || reveal.notes {
                    self.case_key(id, row.try_get(13).map_err(db_err)?)?
                } else {
                    None
                };
                let birth_date = if reveal.identity {
                    birth_date_of(self.case_field(key.as_ref(), "birth_date", id, row.try_get(14).map_err(db_err)?)?)?
                } else {
                    None
                };
                let notes = if reveal.notes {
                    self.case_field(key.as_ref(), "notes", id, row.try_get(15).map_err(db_err)?)?
                } else {
                    None
                };
                let signals: String = row.try_get(16).map_err(db_err)?;
                let mut access: Vec<(Timestamp, CaseAccess)> = access
                    .iter()
                    .map(|row| {
                        let (at, org_code, basis): (Timestamp, String, String) = ::sqlx::FromRow::from_row(row).map_err(db_err)?;
                        Ok((at, CaseAccess { org_code, basis: $crate::sql::code_column("case_access.basis", &basis, $crate::sql::__private::mnir_domain::AccessBasis::parse)? }))
                    })
                    .collect::<Result<_, StoreError>>()?;
                access.sort_by(|a, b| (a.0, a.1.basis, &a.1.org_code).cmp(&(b.0, b.1.basis, &b.1.org_code)));
                let mut history = Vec::with_capacity(events.len());
                for e in events {
                    let seq: i64 = e.try_get(0).map_err(db_err)?;
                    let from: Option<String> = e.try_get(1).map_err(db_err)?;
                    let to: String = e.try_get(2).map_err(db_err)?;
                    history.push(HistoryEntry {
                        from: from.as_deref().map(state_column).transpose()?,
                        to: state_column(&to)?,
                        actor_user: e.try_get(3).map_err(db_err)?,
                        actor_org: e.try_get(4).map_err(db_err)?,
                        at_ms: e.try_get(5).map_err(db_err)?,
                        // Reasons are free text: shown only to those who may read the notes.
                        reason: if reveal.notes {
                            self.decrypt_opt("case_events", "reason", &format!("{id}/{seq}"), e.try_get(6).map_err(db_err)?)?
                                .unwrap_or_default()
                        } else {
                            String::new()
                        },
                    });
                }
                let detail = CaseDetail {
                    summary,
                    birth_date,
                    notes,
                    signals: signals.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                    notifying_org: row.try_get(17).map_err(db_err)?,
                    created_by: row.try_get(18).map_err(db_err)?,
                    erased_at_ms: row.try_get(19).map_err(db_err)?,
                    access: access.into_iter().map(|(_, a)| a).collect(),
                    history,
                };
                Ok(Some(detail))
            }


            fn summary_from(&self, row: &DbRow, reveal_names: bool) -> Result<CaseSummary, StoreError> {
                let id: String = row.try_get(0).map_err(db_err)?;
                let text = |i: usize| row.try_get::<String, _>(i).map_err(db_err);
                let (given_name, family_name) = if reveal_names {
                    let key = self.case_key(&id, row.try_get(13).map_err(db_err)?)?;
                    (
                        self.case_field(key.as_ref(), "given_name", &id, row.try_get(11).map_err(db_err)?)?,
                        self.case_field(key.as_ref(), "family_name", &id, row.try_get(12).map_err(db_err)?)?,
                    )
                } else {
                    (None, None)
                };
                Ok(CaseSummary {
                    reference: text(1)?,
                    state: state_column(&text(2)?)?,
                    sex: parse_column("cases.sex", &text(3)?)?,
                    age_group: parse_column("cases.age_group", &text(4)?)?,
                    age_years: row
                        .try_get::<Option<i64>, _>(5)
                        .map_err(db_err)?
                        .and_then(|a| u32::try_from(a).ok()),
                    citizenship: text(6)?,
                    found_in_county: text(7)?,
                    exploitation: row
                        .try_get::<Option<String>, _>(8)
                        .map_err(db_err)?
                        .map(|e| parse_column("cases.exploitation", &e))
                        .transpose()?,
                    notified_at_ms: row.try_get(9).map_err(db_err)?,
                    updated_at_ms: row.try_get(10).map_err(db_err)?,
                    given_name,
                    family_name,
                    id,
                })
            }

            /// The tallies' row for a scope: `*` for the national view, else the organisation's;
            /// `None` when the scope reaches cases only as their creator.
            fn tally_org(scope: &ScopeFor) -> Option<&str> {
                if scope.scope.national {
                    Some("*")
                } else {
                    scope.scope.organisation.as_deref()
                }
            }

            /// A screener sees the cases they notified besides their organisation's; those not
            /// routed to the organisation are found by the creator's index (bounded by how many
            /// cases one person notified). `None` when the scope has no such part.
            fn creator_outside_org(scope: &ScopeFor) -> Option<&str> {
                if scope.scope.national {
                    None
                } else {
                    scope.scope.created_by.as_deref()
                }
            }

            /// `AND` the case `c` is not on the access list of the scope's organisation (the
            /// organisation's part of the scope has it already).
            fn push_not_routed_to(q: &mut ::sqlx::QueryBuilder<$db>, scope: &ScopeFor) {
                if let Some(org) = &scope.scope.organisation {
                    q.push(" AND NOT EXISTS (SELECT 1 FROM case_access x WHERE x.case_id = c.id AND x.org_code = ");
                    q.push_bind(org.clone());
                    q.push(")");
                }
            }

            /// `AND` the list's filters and its place, on a source whose notification time, id,
            /// state and county columns are named here; ordered so the source's index answers.
            fn push_list_conditions(q: &mut ::sqlx::QueryBuilder<$db>, filter: &CaseFilter, [at, id, state, county]: [&str; 4], limit: usize) {
                if let Some(s) = filter.state {
                    q.push(format!(" AND {state} = ")).push_bind(s.as_str());
                }
                if let Some(c) = &filter.county {
                    q.push(format!(" AND {county} = ")).push_bind(c.clone());
                }
                // `at <= t AND (at < t OR id < i)` rather than a row comparison: both planners
                // take the first part as the index range to read, and the second only filters.
                let (order, cursor) = match &filter.from {
                    PageFrom::Newest => ("DESC", None),
                    PageFrom::OlderThan(c) => ("DESC", Some(("<", c))),
                    PageFrom::NewerThan(c) => ("ASC", Some((">", c))),
                };
                if let Some((cmp, c)) = cursor {
                    q.push(format!(" AND {at} {cmp}= ")).push_bind(c.at_ms);
                    q.push(format!(" AND ({at} {cmp} ")).push_bind(c.at_ms);
                    q.push(format!(" OR {id} {cmp} ")).push_bind(c.id.clone());
                    q.push(")");
                }
                q.push(format!(" ORDER BY {at} {order}, {id} {order}"));
                q.push($crate::sql::limit(limit as i64));
            }

            /// The keys of up to `limit` visible cases from the filter's place, in the direction it
            /// reads (newest first, or oldest first when going back). Each part of the scope reads
            /// its own index range and stops at `limit`; the parts are then merged.
            async fn page_keys(&self, tx: &mut Tx, scope: &ScopeFor, filter: &CaseFilter, limit: usize) -> StoreResult<Vec<(Timestamp, String)>> {
                let mut keys: Vec<(Timestamp, String)> = Vec::new();
                if scope.scope.national {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT c.notified_at_ms, c.id FROM cases c WHERE 1 = 1");
                    Self::push_list_conditions(&mut q, filter, ["c.notified_at_ms", "c.id", "c.state", "c.found_in_county"], limit);
                    keys = q.build_query_as().fetch_all(&mut **tx).await.map_err(db_err)?;
                } else {
                    if let Some(org) = &scope.scope.organisation {
                        let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT a.case_notified_at_ms, a.case_id FROM case_access a WHERE a.org_code = ");
                        q.push_bind(org.clone());
                        Self::push_list_conditions(&mut q, filter, ["a.case_notified_at_ms", "a.case_id", "a.case_state", "a.case_county"], limit);
                        keys = q.build_query_as().fetch_all(&mut **tx).await.map_err(db_err)?;
                    }
                    if let Some(creator) = Self::creator_outside_org(scope) {
                        let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT c.notified_at_ms, c.id FROM cases c WHERE c.created_by = ");
                        q.push_bind(creator.to_string());
                        Self::push_not_routed_to(&mut q, scope);
                        Self::push_list_conditions(&mut q, filter, ["c.notified_at_ms", "c.id", "c.state", "c.found_in_county"], limit);
                        let own: Vec<(Timestamp, String)> = q.build_query_as().fetch_all(&mut **tx).await.map_err(db_err)?;
                        if !own.is_empty() {
                            keys.extend(own);
                            keys.sort();
                            if !matches!(filter.from, PageFrom::NewerThan(_)) {
                                keys.reverse();
                            }
                            keys.truncate(limit);
                        }
                    }
                }
                Ok(keys)
            }

            /// A reference names at most one case: found by its unique index, then tested against
            /// the scope and the other filters.
            async fn page_by_reference(&self, tx: &mut Tx, scope: &ScopeFor, filter: &CaseFilter) -> StoreResult<(Vec<(Timestamp, String)>, i64)> {
                let clause = |given: bool, column: &str, n: u8| {
                    if given { format!("{column} = ${n}") } else { format!("${n} IS NULL") }
                };
                let keys: Vec<(Timestamp, String)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT c.notified_at_ms, c.id FROM cases c WHERE c.reference = $6 AND {SCOPE_CONDITION} AND {} AND {}",
                    clause(filter.state.is_some(), "c.state", 4),
                    clause(filter.county.is_some(), "c.found_in_county", 5),
                )))
                    .bind(scope.scope.national)
                    .bind(&scope.scope.organisation)
                    .bind(&scope.scope.created_by)
                    .bind(filter.state.map(|s| s.as_str()))
                    .bind(&filter.county)
                    .bind(&filter.reference)
                    .fetch_all(&mut **tx)
                    .await
                    .map_err(db_err)?;
                let total = keys.len() as i64;
                // The one case is on the first page only.
                let keys = if matches!(filter.from, PageFrom::Newest) { keys } else { Vec::new() };
                Ok((keys, total))
            }

            /// Every visible case the filter matches, from the tallies (a few hundred rows at
            /// most) and the creator's own cases outside the organisation.
            async fn tallied_total(&self, tx: &mut Tx, scope: &ScopeFor, filter: &CaseFilter) -> StoreResult<i64> {
                let mut total = 0;
                if let Some(tally_org) = Self::tally_org(scope) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM case_tallies WHERE org_code = ");
                    q.push_bind(tally_org.to_string());
                    if let Some(s) = filter.state {
                        q.push(" AND state = ").push_bind(s.as_str());
                    }
                    if let Some(c) = &filter.county {
                        q.push(" AND county = ").push_bind(c.clone());
                    }
                    total += q.build_query_scalar::<i64>().fetch_one(&mut **tx).await.map_err(db_err)?;
                }
                if let Some(creator) = Self::creator_outside_org(scope) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM cases c WHERE c.created_by = ");
                    q.push_bind(creator.to_string());
                    Self::push_not_routed_to(&mut q, scope);
                    if let Some(s) = filter.state {
                        q.push(" AND c.state = ").push_bind(s.as_str());
                    }
                    if let Some(c) = &filter.county {
                        q.push(" AND c.found_in_county = ").push_bind(c.clone());
                    }
                    total += q.build_query_scalar::<i64>().fetch_one(&mut **tx).await.map_err(db_err)?;
                }
                Ok(total)
            }

            /// The summaries of the cases with these keys, in the keys' order. Names are decrypted
            /// only on rows of cases routed to the actor's organisation: a national
            /// (pseudonymised) scope never reveals them, whatever the roles.
            async fn summaries_of(&self, tx: &mut Tx, keys: &[(Timestamp, String)], scope: &ScopeFor, reveal_names: bool) -> StoreResult<Vec<CaseSummary>> {
                if keys.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = ::sqlx::QueryBuilder::<$db>::new(format!("SELECT {SUMMARY_COLUMNS}, EXISTS (SELECT 1 FROM case_access n WHERE n.case_id = c.id AND n.org_code = "));
                q.push_bind(scope.org_code.clone());
                q.push(")  FROM cases c WHERE c.id IN (");
                let mut ids = q.separated(", ");
                for (_, id) in keys {
                    ids.push_bind(id.clone());
                }
                q.push(")");
                let rows = q.build().fetch_all(&mut **tx).await.map_err(db_err)?;
                let mut by_id = std::collections::HashMap::with_capacity(rows.len());
                for r in &rows {
                    let routed_here: bool = r.try_get(14).map_err(db_err)?;
                    let summary = self.summary_from(r, reveal_names && routed_here)?;
                    by_id.insert(summary.id.clone(), summary);
                }
                Ok(keys.iter().filter_map(|(_, id)| by_id.remove(id)).collect())
            }

            /// Adds `deltas` to the case tallies in one statement, in the key's order, so that two
            /// PostgreSQL transactions changing the same rows lock them in the same order and
            /// never deadlock.
            async fn add_to_case_tallies(tx: &mut Tx, deltas: std::collections::BTreeMap<(String, String, &'static str), i64>) -> StoreResult<()> {
                let rows: Vec<_> = deltas.into_iter().filter(|(_, n)| *n != 0).collect();
                for chunk in rows.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO case_tallies (org_code, county, state, n) ");
                    q.push_values(chunk, |mut b, ((org, county, state), n)| {
                        b.push_bind(org.clone()).push_bind(county.clone()).push_bind(*state).push_bind(*n);
                    });
                    q.push(" ON CONFLICT (org_code, county, state) DO UPDATE SET n = case_tallies.n + excluded.n");
                    q.build().execute(&mut **tx).await.map_err(db_err)?;
                }
                Ok(())
            }

            async fn insert_case_rows(&self, tx: &mut Tx, sealed: &[SealedCase]) -> Result<(), StoreError> {
                // Multi-row inserts, chunked below both backends' bound-parameter limits.
                for chunk in sealed.chunks(400) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO cases (id, reference, state, given_name, family_name, birth_date, notes, sex, citizenship, found_in_county, age_years, age_group, exploitation, signals, notifying_org, created_by, notified_at_ms, updated_at_ms) ");
                    q.push_values(chunk, |mut b, s| {
                        let c = &s.case;
                        let updated = c.history.last().map(|h| h.at_ms).unwrap_or(c.notified_at_ms);
                        b.push_bind(c.id.clone())
                            .push_bind(c.reference.clone())
                            .push_bind(c.state.as_str())
                            .push_bind(s.given_name.clone())
                            .push_bind(s.family_name.clone())
                            .push_bind(s.birth_date.clone())
                            .push_bind(s.notes.clone())
                            .push_bind(c.sex.as_str())
                            .push_bind(c.citizenship.clone())
                            .push_bind(c.found_in_county.clone())
                            .push_bind(c.age_years.map(i64::from))
                            .push_bind(c.age_group.as_str())
                            .push_bind(c.exploitation.map(|e| e.as_str()))
                            .push_bind(c.signals.join(","))
                            .push_bind(c.notifying_org.clone())
                            .push_bind(c.created_by.clone())
                            .push_bind(c.notified_at_ms)
                            .push_bind(updated);
                    });
                    q.build().execute(&mut **tx).await.map_err(db_err)?;
                }
                for chunk in sealed.chunks(1000) {
                    Self::insert_match_keys(tx, chunk.iter().map(|s| (s.case.id.as_str(), &s.matching))).await?;
                }
                // The key is dated by its case's notification, not by the load that stored it.
                for chunk in sealed.chunks(1000) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO case_keys (case_id, wrapped, created_at_ms) ");
                    q.push_values(chunk, |mut b, s| {
                        b.push_bind(s.case.id.clone()).push_bind(s.case_key.clone()).push_bind(s.case.notified_at_ms);
                    });
                    q.build().execute(&mut **tx).await.map_err(db_err)?;
                }
                let cases: Vec<&NewCase> = sealed.iter().map(|s| &s.case).collect();
                let access: Vec<(&NewCase, &CaseAccess)> = cases
                    .iter()
                    .flat_map(|c| c.access.iter().map(move |a| (*c, a)))
                    .collect();
                for chunk in access.chunks(1000) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO case_access (case_id, org_code, basis, granted_at_ms, case_notified_at_ms, case_state, case_county) ",
                    );
                    q.push_values(chunk, |mut b, (c, a)| {
                        b.push_bind(c.id.clone())
                            .push_bind(a.org_code.clone())
                            .push_bind(a.basis.as_str())
                            .push_bind(c.notified_at_ms)
                            .push_bind(c.notified_at_ms)
                            .push_bind(c.state.as_str())
                            .push_bind(c.found_in_county.clone());
                    });
                    q.build().execute(&mut **tx).await.map_err(db_err)?;
                }
                let mut tallies = std::collections::BTreeMap::new();
                for c in cases {
                    *tallies.entry(("*".to_string(), c.found_in_county.clone(), c.state.as_str())).or_insert(0) += 1;
                    for a in &c.access {
                        *tallies.entry((a.org_code.clone(), c.found_in_county.clone(), c.state.as_str())).or_insert(0) += 1;
                    }
                }
                Self::add_to_case_tallies(tx, tallies).await?;
                let events: Vec<(&NewCase, usize, &HistoryEntry, &Vec<u8>)> = sealed
                    .iter()
                    .flat_map(|s| s.case.history.iter().zip(&s.reasons).enumerate().map(move |(i, (h, r))| (&s.case, i + 1, h, r)))
                    .collect();
                for chunk in events.chunks(600) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO case_events (case_id, seq, from_state, to_state, actor_user, actor_org, at_ms, reason) ",
                    );
                    q.push_values(chunk, |mut b, (c, seq, h, reason)| {
                        b.push_bind(c.id.clone())
                            .push_bind(*seq as i64)
                            .push_bind(h.from.map(|s| s.as_str()))
                            .push_bind(h.to.as_str())
                            .push_bind(h.actor_user.clone())
                            .push_bind(h.actor_org.clone())
                            .push_bind(h.at_ms)
                            .push_bind((*reason).clone());
                    });
                    q.build().execute(&mut **tx).await.map_err(db_err)?;
                }
                Ok(())
            }

            /// Why a change that expected a case in some state found nothing to change: the case is
            /// in another state now (`StaleState`), or there is no such case.
            async fn not_in_expected_state(tx: &mut Tx, case_id: &str) -> StoreError {
                let current: Result<Option<(String, bool)>, _> = ::sqlx::query_as("SELECT state, erased_at_ms IS NOT NULL FROM cases WHERE id = $1")
                    .bind(case_id)
                    .fetch_optional(&mut **tx)
                    .await;
                match current {
                    // Erased meanwhile (in the state expected or not): refused as erased.
                    Ok(Some((_, true))) => StoreError::Erased,
                    Ok(Some((s, false))) => match state_column(&s) {
                        Ok(current) => StoreError::StaleState { current },
                        Err(e) => e,
                    },
                    Ok(None) => StoreError::NotFound,
                    Err(e) => db_err(e),
                }
            }

            /// Locks the case's row for the rest of the transaction while it is in `seen`, so that
            /// a concurrent step and this change are ordered (whichever comes second sees the
            /// other); otherwise [`Self::not_in_expected_state`].
            async fn lock_case_in_state(tx: &mut Tx, case_id: &str, seen: mnir_domain::CaseState) -> StoreResult<()> {
                let locked = ::sqlx::query("UPDATE cases SET updated_at_ms = updated_at_ms WHERE id = $1 AND state = $2 AND erased_at_ms IS NULL")
                    .bind(case_id)
                    .bind(seen.as_str())
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                if locked.rows_affected() == 0 {
                    return Err(Self::not_in_expected_state(tx, case_id).await);
                }
                Ok(())
            }

            async fn apply_transition(&self, tx: &mut Tx, change: &Transition, by: &AuditActor) -> StoreResult<()> {
                let county: Option<String> = ::sqlx::query_scalar("UPDATE cases SET state = $1, updated_at_ms = $2 WHERE id = $3 AND state = $4 AND erased_at_ms IS NULL RETURNING found_in_county")
                    .bind(change.to.as_str())
                    .bind(by.now_ms)
                    .bind(&change.case_id)
                    .bind(change.from.as_str())
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_err)?;
                let Some(county) = county else {
                    return Err(Self::not_in_expected_state(tx, &change.case_id).await);
                };
                // The access rows carry the state the lists filter by; the tallies move the case
                // from one state to the other for every organisation that sees it and nationally.
                let orgs: Vec<String> = ::sqlx::query_scalar("UPDATE case_access SET case_state = $1 WHERE case_id = $2 RETURNING org_code")
                    .bind(change.to.as_str())
                    .bind(&change.case_id)
                    .fetch_all(&mut **tx)
                    .await
                    .map_err(db_err)?;
                let mut tallies = std::collections::BTreeMap::new();
                for org in orgs.into_iter().chain(["*".to_string()]) {
                    *tallies.entry((org.clone(), county.clone(), change.from.as_str())).or_insert(0) -= 1;
                    *tallies.entry((org, county.clone(), change.to.as_str())).or_insert(0) += 1;
                }
                Self::add_to_case_tallies(tx, tallies).await?;
                let seq: i64 = ::sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = $1")
                    .bind(&change.case_id)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(db_err)?;
                let row = format!("{}/{}", change.case_id, seq);
                ::sqlx::query("INSERT INTO case_events (case_id, seq, from_state, to_state, actor_user, actor_org, at_ms, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(&change.case_id)
                    .bind(seq)
                    .bind(change.from.as_str())
                    .bind(change.to.as_str())
                    .bind(&by.user_id)
                    .bind(by.org_code.clone().unwrap_or_default())
                    .bind(by.now_ms)
                    .bind(self.keys.encrypt_str("case_events", "reason", &row, &change.reason))
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(tx, by, "case.transition", &format!("case:{}", change.case_id), &format!("from={} to={}", change.from, change.to)).await?;
                Ok(())
            }
        }

        #[async_trait]
        impl CaseStore for $store {
            async fn create_case(&self, case: &NewCase, clocks: &[ClockRecord], by: &AuditActor) -> StoreResult<()> {
                let sealed = SealedCase::seal(&self.keys, case.clone());
                let mut tx = self.begin_write().await.map_err(db_err)?;
                self.insert_case_rows(&mut tx, std::slice::from_ref(&sealed)).await?;
                self.apply_clock_changes(&mut tx, &case.id, &ClockChanges { start: clocks.to_vec(), ..ClockChanges::default() }, by).await?;
                let orgs: Vec<&str> = case.access.iter().map(|a| a.org_code.as_str()).collect();
                self.append_audit(&mut tx, by, "case.create", &format!("case:{}", case.id), &format!("routed_to={}", orgs.join(","))).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn tally_drift(&self) -> StoreResult<Vec<TallyDrift>> {
                use std::collections::BTreeMap;
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let mut drift = Vec::new();
                let compare = |table: &'static str, kept: BTreeMap<String, i64>, counted: BTreeMap<String, i64>, drift: &mut Vec<TallyDrift>| {
                    let keys: std::collections::BTreeSet<&String> = kept.keys().chain(counted.keys()).collect();
                    for key in keys {
                        let (k, c) = (kept.get(key).copied().unwrap_or(0), counted.get(key).copied().unwrap_or(0));
                        if k != c {
                            drift.push(TallyDrift { table, key: key.clone(), kept: k, counted: c });
                        }
                    }
                };
                let rows = |rows: Vec<(String, String, String, i64)>| rows.into_iter().map(|(o, c, s, n)| (format!("{o} {c} {s}"), n)).collect::<BTreeMap<_, _>>();
                let kept: Vec<(String, String, String, i64)> = ::sqlx::query_as("SELECT org_code, county, state, n FROM case_tallies")
                    .fetch_all(&mut *tx).await.map_err(db_err)?;
                let mut counted: Vec<(String, String, String, i64)> = ::sqlx::query_as("SELECT a.org_code, c.found_in_county, c.state, COUNT(*) FROM case_access a JOIN cases c ON c.id = a.case_id GROUP BY a.org_code, c.found_in_county, c.state")
                    .fetch_all(&mut *tx).await.map_err(db_err)?;
                counted.extend(::sqlx::query_as::<_, (String, String, String, i64)>("SELECT '*', found_in_county, state, COUNT(*) FROM cases GROUP BY found_in_county, state")
                    .fetch_all(&mut *tx).await.map_err(db_err)?);
                compare("case_tallies", rows(kept), rows(counted), &mut drift);
                let decisions = |rows: Vec<(String, i64, i64)>| rows.into_iter().flat_map(|(o, d, x)| [(format!("{o} decisions"), d), (format!("{o} differing"), x)]).collect::<BTreeMap<_, _>>();
                let kept: Vec<(String, i64, i64)> = ::sqlx::query_as("SELECT org_code, decisions, differing FROM decision_tallies")
                    .fetch_all(&mut *tx).await.map_err(db_err)?;
                let counted: Vec<(String, i64, i64)> = ::sqlx::query_as("SELECT a.org_code, COUNT(*), CAST(SUM(CASE WHEN d.differs_from_advice THEN 1 ELSE 0 END) AS BIGINT) FROM identification_decisions d JOIN case_access a ON a.case_id = d.case_id GROUP BY a.org_code UNION ALL SELECT '*', COUNT(*), CAST(COALESCE(SUM(CASE WHEN d.differs_from_advice THEN 1 ELSE 0 END), 0) AS BIGINT) FROM identification_decisions d")
                    .fetch_all(&mut *tx).await.map_err(db_err)?;
                compare("decision_tallies", decisions(kept), decisions(counted), &mut drift);
                let tasks = |rows: Vec<(String, String, i64)>| rows.into_iter().map(|(o, k, n)| (format!("{o} {k}"), n)).collect::<BTreeMap<_, _>>();
                let kept: Vec<(String, String, i64)> = ::sqlx::query_as("SELECT org_code, clock_kind, n FROM task_tallies")
                    .fetch_all(&mut *tx).await.map_err(db_err)?;
                let counted: Vec<(String, String, i64)> = ::sqlx::query_as("SELECT org_code, clock_kind, COUNT(*) FROM tasks WHERE done_at_ms IS NULL GROUP BY org_code, clock_kind")
                    .fetch_all(&mut *tx).await.map_err(db_err)?;
                compare("task_tallies", tasks(kept), tasks(counted), &mut drift);
                let standings = |rows: std::collections::BTreeMap<(String, String, bool, i64), i64>| rows.into_iter().map(|((d, s, travelled, days), n)| (if travelled { format!("{d} {s} {days} days") } else { format!("{d} {s}") }, n)).collect::<BTreeMap<_, _>>();
                let kept: Vec<(String, String, bool, i64, i64)> = ::sqlx::query_as("SELECT direction, standing, travelled, days, n FROM repatriation_tallies")
                    .fetch_all(&mut *tx).await.map_err(db_err)?;
                let kept = kept.into_iter().map(|(d, s, t, days, n)| ((d, s, t, days), n)).collect();
                compare("repatriation_tallies", standings(kept), standings(Self::standings_counted(&mut tx).await?), &mut drift);
                let carried: i64 = ::sqlx::query_scalar("SELECT COUNT(*) FROM case_access a JOIN cases c ON c.id = a.case_id WHERE a.case_state <> c.state OR a.case_county <> c.found_in_county OR a.case_notified_at_ms <> c.notified_at_ms")
                    .fetch_one(&mut *tx).await.map_err(db_err)?;
                if carried != 0 {
                    drift.push(TallyDrift { table: "case_access", key: "rows whose state, county or time differ from their case's".into(), kept: carried, counted: 0 });
                }
                let urgent: i64 = ::sqlx::query_scalar(::sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM case_access x WHERE x.urgent_since_ms IS DISTINCT FROM ({URGENT_SINCE})")))
                    .fetch_one(&mut *tx).await.map_err(db_err)?;
                if urgent != 0 {
                    drift.push(TallyDrift { table: "case_access", key: "rows whose urgent_since_ms differs from their case's open urgent needs".into(), kept: urgent, counted: 0 });
                }
                for (table, key, condition) in KEPT_MARKS {
                    let differing: i64 = ::sqlx::query_scalar(::sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {condition}")))
                        .fetch_one(&mut *tx).await.map_err(db_err)?;
                    if differing != 0 {
                        drift.push(TallyDrift { table, key: key.into(), kept: differing, counted: 0 });
                    }
                }
                tx.commit().await.map_err(db_err)?;
                Ok(drift)
            }

            async fn rebuild_tallies(&self, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let carried = ::sqlx::query("UPDATE case_access SET case_state = (SELECT c.state FROM cases c WHERE c.id = case_access.case_id), case_county = (SELECT c.found_in_county FROM cases c WHERE c.id = case_access.case_id), case_notified_at_ms = (SELECT c.notified_at_ms FROM cases c WHERE c.id = case_access.case_id) WHERE EXISTS (SELECT 1 FROM cases c WHERE c.id = case_access.case_id AND (c.state <> case_access.case_state OR c.found_in_county <> case_access.case_county OR c.notified_at_ms <> case_access.case_notified_at_ms))")
                    .execute(&mut *tx).await.map_err(db_err)?
                    .rows_affected();
                ::sqlx::query(::sqlx::AssertSqlSafe(format!("UPDATE case_access AS x SET urgent_since_ms = ({URGENT_SINCE}) WHERE x.urgent_since_ms IS DISTINCT FROM ({URGENT_SINCE})")))
                    .execute(&mut *tx).await.map_err(db_err)?;
                for statement in [
                    "DELETE FROM case_tallies",
                    "INSERT INTO case_tallies (org_code, county, state, n) SELECT org_code, case_county, case_state, COUNT(*) FROM case_access GROUP BY org_code, case_county, case_state",
                    "INSERT INTO case_tallies (org_code, county, state, n) SELECT '*', found_in_county, state, COUNT(*) FROM cases GROUP BY found_in_county, state",
                    "DELETE FROM decision_tallies",
                    "INSERT INTO decision_tallies (org_code, decisions, differing) SELECT a.org_code, COUNT(*), SUM(CASE WHEN d.differs_from_advice THEN 1 ELSE 0 END) FROM identification_decisions d JOIN case_access a ON a.case_id = d.case_id GROUP BY a.org_code",
                    "INSERT INTO decision_tallies (org_code, decisions, differing) SELECT '*', COUNT(*), COALESCE(SUM(CASE WHEN d.differs_from_advice THEN 1 ELSE 0 END), 0) FROM identification_decisions d",
                    "DELETE FROM task_tallies",
                    "INSERT INTO task_tallies (org_code, clock_kind, n) SELECT org_code, clock_kind, COUNT(*) FROM tasks WHERE done_at_ms IS NULL GROUP BY org_code, clock_kind",
                ] {
                    ::sqlx::query(statement).execute(&mut *tx).await.map_err(db_err)?;
                }
                // Emptied before the procedures are counted, as the tallies above: a change that
                // waits on a deleted row adds to the count once this commits.
                ::sqlx::query("DELETE FROM repatriation_tallies").execute(&mut *tx).await.map_err(db_err)?;
                let standings = Self::standings_counted(&mut tx).await?;
                Self::add_to_repatriation_tallies(&mut tx, &standings).await?;
                // The rows whose kept mark differs (few, if any) set again from what it is kept
                // from.
                let [(_, _, procedures), (_, _, referrals)] = KEPT_MARKS;
                ::sqlx::query(::sqlx::AssertSqlSafe(format!("UPDATE repatriations SET follow_up_done_at_ms = (SELECT COALESCE(s.recorded_at_ms, repatriations.opened_at_ms) FROM repatriation_steps s WHERE s.repatriation_id = repatriations.id AND s.step = 'follow_up' AND s.state = 'done') WHERE id IN (SELECT r.id FROM {procedures})")))
                    .execute(&mut *tx).await.map_err(db_err)?;
                ::sqlx::query(::sqlx::AssertSqlSafe(format!("UPDATE referrals SET overdue_since_ms = (SELECT MIN(k.due_at_ms) FROM clocks k WHERE k.referral_id = referrals.id AND k.kind = 'referral_response' AND k.state = 'expired') WHERE id IN (SELECT r.id FROM {referrals})")))
                    .execute(&mut *tx).await.map_err(db_err)?;
                self.append_audit(&mut tx, by, "tallies.rebuild", "cases", &format!("access_rows_repaired={carried}")).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn defer_list_indexes(&self) -> StoreResult<()> {
                for (name, _) in $crate::sql::DEFERRED_INDEXES {
                    ::sqlx::query(::sqlx::AssertSqlSafe(format!("DROP INDEX IF EXISTS {name}")))
                        .execute(self.writes())
                        .await
                        .map_err(db_err)?;
                }
                Ok(())
            }

            async fn build_list_indexes(&self) -> StoreResult<()> {
                // Only what is missing: on PostgreSQL even `CREATE INDEX IF NOT EXISTS` takes the
                // table's share lock first, which would hold up every write at each server's start.
                let present = Self::index_names(&self.pool).await.map_err(db_err)?;
                for (name, on) in $crate::sql::DEFERRED_INDEXES {
                    if present.iter().any(|p| p == name) {
                        continue;
                    }
                    ::sqlx::query(::sqlx::AssertSqlSafe(format!("CREATE INDEX IF NOT EXISTS {name} ON {on}")))
                        .execute(self.writes())
                        .await
                        .map_err(db_err)?;
                }
                Ok(())
            }

            async fn finish_bulk_load(&self) -> StoreResult<()> {
                self.settle_after_bulk_load().await.map_err(db_err)
            }

            fn seal_cases(&self, cases: Vec<NewCase>) -> Vec<SealedCase> {
                cases.into_iter().map(|c| SealedCase::seal(&self.keys, c)).collect()
            }

            async fn insert_generated_cases(&self, cases: &[SealedCase], clocks: &[ClockRecord], by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                self.insert_case_rows(&mut tx, cases).await?;
                Self::insert_clock_rows(&mut tx, clocks).await?;
                let first = cases.first().map(|c| c.case.reference.as_str()).unwrap_or("");
                self.append_audit(&mut tx, by, "case.generate", "cases", &format!("count={} first={first} clocks={}", cases.len(), clocks.len())).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn list_cases(&self, scope: &ScopeFor, filter: &CaseFilter, reveal_names: bool, by: &AuditActor) -> StoreResult<CasePage> {
                let per_page = filter.per_page.clamp(1, 200) as usize;
                // The read takes no write lock; its audit entry is appended afterwards, and the page
                // is returned only once that entry is committed.
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let (mut keys, total) = if filter.reference.is_some() {
                    self.page_by_reference(&mut tx, scope, filter).await?
                } else {
                    let keys = self.page_keys(&mut tx, scope, filter, per_page + 1).await?;
                    (keys, self.tallied_total(&mut tx, scope, filter).await?)
                };
                let going_back = matches!(filter.from, PageFrom::NewerThan(_));
                let more = keys.len() > per_page;
                keys.truncate(per_page);
                if going_back {
                    keys.reverse();
                }
                let cases = self.summaries_of(&mut tx, &keys, scope, reveal_names).await?;
                tx.commit().await.map_err(db_err)?;
                // Older cases follow when this page came from further back, or when one more row
                // than a page was found going forward; newer ones precede when the page began
                // from a place in the list, or when one more was found going back.
                let older = (if going_back { true } else { more })
                    .then(|| cases.last().map(ListPlace::of))
                    .flatten();
                let newer = (match filter.from {
                    PageFrom::Newest => false,
                    PageFrom::OlderThan(_) => true,
                    PageFrom::NewerThan(_) => more,
                })
                .then(|| cases.first().map(ListPlace::of))
                .flatten();
                self.append_read_audit(by, "case.list", "cases", &format!("shown={} total={total} names={reveal_names}", cases.len())).await?;
                Ok(CasePage { cases, total, older, newer })
            }

            async fn count_cases_by_state(&self, scope: &ScopeFor) -> StoreResult<Vec<(mnir_domain::CaseState, i64)>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                let mut totals: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
                if let Some(tally_org) = Self::tally_org(scope) {
                    let rows: Vec<(String, i64)> = ::sqlx::query_as("SELECT state, CAST(SUM(n) AS BIGINT) FROM case_tallies WHERE org_code = $1 GROUP BY state")
                        .bind(tally_org)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(db_err)?;
                    for (state, n) in rows {
                        *totals.entry(state).or_default() += n;
                    }
                }
                if let Some(creator) = Self::creator_outside_org(scope) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("SELECT c.state, COUNT(*) FROM cases c WHERE c.created_by = ");
                    q.push_bind(creator.to_string());
                    Self::push_not_routed_to(&mut q, scope);
                    q.push(" GROUP BY c.state");
                    let rows: Vec<(String, i64)> = q.build_query_as().fetch_all(&mut *conn).await.map_err(db_err)?;
                    for (state, n) in rows {
                        *totals.entry(state).or_default() += n;
                    }
                }
                let mut counts = Vec::with_capacity(totals.len());
                for (state, n) in totals {
                    if n != 0 {
                        counts.push((state_column(&state)?, n));
                    }
                }
                counts.sort();
                Ok(counts)
            }

            async fn count_cases_by_state_scanning(&self, scope: &ScopeFor) -> StoreResult<Vec<(mnir_domain::CaseState, i64)>> {
                let rows: Vec<(String, i64)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!("SELECT c.state, COUNT(*) FROM cases c WHERE {SCOPE_CONDITION} GROUP BY c.state")))
                    .bind(scope.scope.national)
                    .bind(&scope.scope.organisation)
                    .bind(&scope.scope.created_by)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                let mut counts = Vec::with_capacity(rows.len());
                for (state, n) in rows {
                    counts.push((state_column(&state)?, n));
                }
                counts.sort();
                Ok(counts)
            }

            async fn case_facts(&self, id: &str, scope: &ScopeFor) -> StoreResult<Option<mnir_domain::CaseFacts>> {
                let row: Option<(String, String, bool, bool, bool)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT c.state, c.age_group, EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = c.id AND a.org_code = $5), COALESCE(c.created_by = $6, FALSE), c.erased_at_ms IS NOT NULL FROM cases c WHERE c.id = $4 AND {SCOPE_CONDITION}"
                )))
                    .bind(scope.scope.national)
                    .bind(&scope.scope.organisation)
                    .bind(&scope.scope.created_by)
                    .bind(id)
                    .bind(&scope.org_code)
                    .bind(&scope.user_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|(state, age, org_has_access, created_by_actor, erased)| {
                    Ok(mnir_domain::CaseFacts {
                        state: state_column(&state)?,
                        age_group: parse_column("cases.age_group", &age)?,
                        org_has_access,
                        created_by_actor,
                        disclosed_to_org: false,
                        via_glass: false,
                        erased,
                    })
                })
                .transpose()
            }

            async fn case_detail(&self, id: &str, scope: &ScopeFor, reveal: Reveal, by: &AuditActor) -> StoreResult<Option<CaseDetail>> {
                // Read without the write lock, then audit in a short write (as `list_cases`).
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let Some(detail) = self.detail_in(&mut tx, id, scope, reveal).await? else { return Ok(None) };
                tx.commit().await.map_err(db_err)?;
                self.append_read_audit(by, "case.read", &format!("case:{id}"), &format!("identity={} notes={}", reveal.identity, reveal.notes)).await?;
                Ok(Some(detail))
            }

            async fn case_view(&self, id: &str, scope: &ScopeFor, reveal: Reveal, with_support: bool, by: &AuditActor) -> StoreResult<Option<(CaseDetail, $crate::CasePanels)>> {
                use $crate::sql::BatchArg::{Flag, MaybeText, Text};
                // Every panel's statements read in one snapshot and, on SQLite, in one go
                // (`read_batch`): the page is one hand-off to SQLite's thread, not eleven. A case
                // outside the scope costs the same reads, thrown away: the application has
                // refused most such requests before, on the case's facts.
                let [case, access, events] = Self::detail_sql();
                let [assessments, urgent_answers, ratings] = Self::assessments_of_case_sql();
                let clocks = Self::clocks_of_case_sql();
                let referrals = format!("{} WHERE r.case_id = $1 ORDER BY r.sent_at_ms, r.id", Self::REFERRAL_SELECT);
                let in_scope = [Flag(scope.scope.national), MaybeText(scope.scope.organisation.as_deref()), MaybeText(scope.scope.created_by.as_deref()), Text(id)];
                let of_case = [Text(id)];
                let mut statements: Vec<(&str, &[$crate::sql::BatchArg<'_>])> = vec![
                    (&case, &in_scope),
                    (&access, &of_case),
                    (&events, &of_case),
                    (&clocks, &of_case),
                    (&referrals, &of_case),
                    (Self::REFLECTIONS_OF_CASE_SQL, &of_case),
                    (Self::DECISIONS_OF_CASE_SQL, &of_case),
                    (Self::LATEST_INTERVIEW_SQL, &of_case),
                ];
                if with_support {
                    statements.extend([(assessments.as_str(), &of_case[..]), (&urgent_answers, &of_case), (&ratings, &of_case)]);
                }
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let read = Self::read_batch(&mut tx, &statements, $crate::sql::PostgresBatch::Prepared).await?;
                tx.commit().await.map_err(db_err)?;
                let Some(detail) = self.detail_from(id, reveal, read[0].first(), &read[1], &read[2])? else { return Ok(None) };
                let panels = $crate::CasePanels {
                    clocks: read[3].iter().map(|r| self.clock_from(r)).collect::<StoreResult<_>>()?,
                    referrals: read[4].iter().map(|r| self.referral_from(r)).collect::<StoreResult<_>>()?,
                    reflections: self.reflections_from(&read[5])?,
                    decisions: self.decisions_from(&read[6])?,
                    latest_interview: self.interview_from(read[7].first())?,
                    assessments: if with_support { Some(self.assessments_from(&read[8], &read[9], &read[10])?) } else { None },
                };
                self.append_read_audit(by, "case.read", &format!("case:{id}"), &format!("identity={} notes={}", reveal.identity, reveal.notes)).await?;
                Ok(Some((detail, panels)))
            }

            async fn case_access(&self, case_id: &str) -> StoreResult<Vec<CaseAccess>> {
                let mut rows: Vec<(String, String)> = ::sqlx::query_as("SELECT org_code, basis FROM case_access WHERE case_id = $1")
                    .bind(case_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                let mut access = rows
                    .into_iter()
                    .map(|(org_code, basis)| Ok(CaseAccess { org_code, basis: $crate::sql::code_column("case_access.basis", &basis, $crate::sql::__private::mnir_domain::AccessBasis::parse)? }))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                access.sort_by(|a, b| (a.basis, &a.org_code).cmp(&(b.basis, &b.org_code)));
                Ok(access)
            }

            async fn change_case(&self, change: &CaseChange, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                self.apply_transition(&mut tx, &change.transition, by).await?;
                self.apply_clock_changes(&mut tx, &change.transition.case_id, &change.clocks, by).await?;
                // A case that ends is nobody's urgent work any more: its unanswered urgent needs
                // close with the step, so no banner or inbox line outlives the case.
                if !change.transition.to.is_open() {
                    Self::answer_urgent_needs(&mut tx, &change.transition.case_id, by.now_ms, &format!("case:{}", change.transition.to)).await?;
                }
                if let Some(decision) = &change.decision {
                    self.insert_decision(&mut tx, decision, by).await?;
                }
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
