//! The SQL of [`crate::ReferralStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_referral_store {
    ($store:ty, $db:ty) => {
        impl $store {
            const REFERRAL_SELECT: &'static str = "SELECT r.id, r.case_id, c.reference, r.from_org, r.to_org, r.service, r.urgent, r.status, r.sent_by, r.sent_at_ms, r.answered_by, r.answered_at_ms, r.decline_reason FROM referrals r JOIN cases c ON c.id = r.case_id";

            async fn referrals_where(&self, condition: &str, value: &str) -> StoreResult<Vec<ReferralRecord>> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                self.referrals_where_in(&mut conn, condition, value).await
            }

            async fn referrals_where_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, condition: &str, value: &str) -> StoreResult<Vec<ReferralRecord>> {
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("{} WHERE {condition} ORDER BY r.sent_at_ms, r.id", Self::REFERRAL_SELECT)))
                    .bind(value)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
                rows.iter().map(|row| self.referral_from(row)).collect()
            }

            /// A page of the referrals awaiting an organisation's answer from a place on, and how
            /// many await in all, in one snapshot: the API's list (the inbox reads the first page
            /// with its other lists).
            async fn referrals_awaiting_in(&self, conn: &mut <$db as ::sqlx::Database>::Connection, org_code: &str, after: Option<&ListPlace>, per_page: i64) -> StoreResult<$crate::ReferralPage> {
                use $crate::sql::BatchArg::{Text, Time};
                let [page, count] = Self::referrals_awaiting_sql(per_page, after.is_some());
                let of_org = [Text(org_code)];
                let from_place = after.map(|place| [Text(org_code), Time(place.at_ms), Text(&place.id)]);
                let page_args = from_place.as_ref().map_or(&of_org[..], |args| &args[..]);
                let read = Self::read_batch(conn, &[(&page, page_args), (&count, &of_org)], $crate::sql::PostgresBatch::Prepared).await?;
                self.referrals_awaiting_from(&read[0], &read[1], per_page)
            }

            /// A page of the referrals awaiting an organisation's answer (`$1`), a range of
            /// `referrals_awaiting` from a place on (`$2` its time, `$3` its id) when `from_place`,
            /// with one more than the page when more follow; and how many await in all (`$1`).
            fn referrals_awaiting_sql(per_page: i64, from_place: bool) -> [String; 2] {
                let place = if from_place { " AND r.sent_at_ms >= $2 AND (r.sent_at_ms > $2 OR r.id > $3)" } else { "" };
                [
                    format!("{} WHERE r.to_org = $1 AND r.status = 'sent'{place} ORDER BY r.sent_at_ms, r.id{}", Self::REFERRAL_SELECT, $crate::sql::limit(per_page.clamp(1, 200) + 1)),
                    "SELECT COUNT(*) FROM referrals r WHERE r.to_org = $1 AND r.status = 'sent'".into(),
                ]
            }

            /// A page of referrals awaiting an answer from its rows (one more than the page when
            /// more follow) and the count's row.
            fn referrals_awaiting_from(&self, rows: &[DbRow], count: &[DbRow], per_page: i64) -> StoreResult<$crate::ReferralPage> {
                let per_page = per_page.clamp(1, 200);
                let total: i64 = count.first().ok_or_else(|| StoreError::Database("a count gave no row".into()))?.try_get(0).map_err(db_err)?;
                let more = rows.len() as i64 > per_page;
                let referrals = rows.iter().take(per_page as usize).map(|row| self.referral_from(row)).collect::<StoreResult<Vec<_>>>()?;
                let later = if more { referrals.last().map(ListPlace::of_referral) } else { None };
                Ok($crate::ReferralPage { referrals, later, total })
            }

            /// The referrals with these ids that still await an answer, in no particular order.
            async fn sent_referrals_with_ids(&self, ids: &[&str]) -> StoreResult<Vec<ReferralRecord>> {
                let mut found = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(Self::REFERRAL_SELECT);
                    q.push(" WHERE r.status = 'sent' AND r.id IN (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id.to_string());
                    }
                    q.push(")");
                    let rows = q.build().fetch_all(&self.pool).await.map_err(db_err)?;
                    for row in &rows {
                        found.push(self.referral_from(row)?);
                    }
                }
                Ok(found)
            }

            fn referral_from(&self, row: &DbRow) -> StoreResult<ReferralRecord> {
                let id: String = row.try_get(0).map_err(db_err)?;
                Ok(ReferralRecord {
                    decline_reason: self.decrypt_opt("referrals", "decline_reason", &id, row.try_get(12).map_err(db_err)?)?,
                    case_id: row.try_get(1).map_err(db_err)?,
                    case_reference: row.try_get(2).map_err(db_err)?,
                    from_org: row.try_get(3).map_err(db_err)?,
                    to_org: row.try_get(4).map_err(db_err)?,
                    service: row.try_get(5).map_err(db_err)?,
                    urgent: row.try_get(6).map_err(db_err)?,
                    status: $crate::sql::code_column("referrals.status", &row.try_get::<String, _>(7).map_err(db_err)?, $crate::sql::__private::mnir_domain::referral::ReferralStatus::parse)?,
                    sent_by: row.try_get(8).map_err(db_err)?,
                    sent_at_ms: row.try_get(9).map_err(db_err)?,
                    answered_by: row.try_get(10).map_err(db_err)?,
                    answered_at_ms: row.try_get(11).map_err(db_err)?,
                    id,
                })
            }

            /// Stops the response clock a referral started and, with `compensation`, its
            /// emergency-compensation deadline.
            async fn stop_referral_clocks(tx: &mut Tx, id: &str, compensation: bool, now_ms: Timestamp) -> StoreResult<()> {
                ::sqlx::query("UPDATE clocks SET state = 'stopped', stopped_at_ms = $1 WHERE referral_id = $2 AND (kind = 'referral_response' OR (kind = 'emergency_compensation' AND $3)) AND state IN ('running', 'paused')")
                    .bind(now_ms)
                    .bind(id)
                    .bind(compensation)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }
        }

        #[async_trait]
        impl ReferralStore for $store {
            async fn send_referral(&self, r: &ReferralRecord, clocks: &[ClockRecord], by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query("INSERT INTO referrals (id, case_id, from_org, to_org, service, urgent, status, sent_by, sent_at_ms) VALUES ($1, $2, $3, $4, $5, $6, 'sent', $7, $8)")
                    .bind(&r.id)
                    .bind(&r.case_id)
                    .bind(&r.from_org)
                    .bind(&r.to_org)
                    .bind(&r.service)
                    .bind(r.urgent)
                    .bind(&r.sent_by)
                    .bind(r.sent_at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.apply_clock_changes(&mut tx, &r.case_id, &ClockChanges { start: clocks.to_vec(), ..ClockChanges::default() }, by).await?;
                // A referral answers the urgent needs the first contact found (mnir.md §8): the
                // banner ends with the step that acts on it.
                Self::answer_urgent_needs(&mut tx, &r.case_id, r.sent_at_ms, &format!("referral:{}", r.id)).await?;
                self.append_audit(&mut tx, by, "referral.send", &format!("case:{}", r.case_id), &format!("referral={} to={} service={} urgent={}", r.id, r.to_org, r.service, r.urgent)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn insert_generated_referrals(&self, g: &GeneratedReferrals, by: &AuditActor) -> StoreResult<()> {
                if g.information.is_empty() && g.consents.is_empty() && g.referrals.is_empty() && g.reflections.is_empty() {
                    return Ok(());
                }
                // An open task would need its organisation's count of open tasks moved with it.
                if let Some(open) = g.tasks.iter().find(|t| t.done_at_ms.is_none()) {
                    return Err(StoreError::InvalidReference(format!("generated task {} is open", open.id)));
                }
                let mut tx = self.begin_write().await.map_err(db_err)?;
                for chunk in g.information.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO information_given (id, case_id, rights, language, interpreter, mediator, notice_version, given_by, org_code, given_at_ms) ");
                    q.push_values(chunk, |mut b, i| {
                        b.push_bind(i.id.clone()).push_bind(i.case_id.clone())
                            .push_bind(i.rights.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","))
                            .push_bind(i.language.clone()).push_bind(i.interpreter).push_bind(i.mediator)
                            .push_bind(i.notice_version.clone()).push_bind(i.given_by.clone())
                            .push_bind(i.org_code.clone()).push_bind(i.given_at_ms);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                for chunk in g.consents.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO consents (id, case_id, purpose, recipient_org, given_by, method, given_at_ms, expires_at_ms, withdrawn_at_ms, recorded_by, org_code) ");
                    q.push_values(chunk, |mut b, c| {
                        b.push_bind(c.id.clone()).push_bind(c.case_id.clone()).push_bind(c.purpose.as_str())
                            .push_bind(c.recipient_org.clone()).push_bind(c.given_by.as_str()).push_bind(c.method.as_str())
                            .push_bind(c.given_at_ms).push_bind(c.expires_at_ms).push_bind(c.withdrawn_at_ms)
                            .push_bind(c.recorded_by.clone()).push_bind(c.org_code.clone());
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                // A referral still awaiting its answer whose response clock was generated run out
                // is overdue since then, as the scheduler would have marked it.
                let overdue_since: std::collections::HashMap<&str, Timestamp> = g.clocks.iter()
                    .filter(|k| k.kind == mnir_domain::clocks::ClockKind::ReferralResponse && k.state == $crate::ClockState::Expired)
                    .filter_map(|k| Some((k.referral_id.as_deref()?, k.due_at_ms?)))
                    .collect();
                for chunk in g.referrals.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO referrals (id, case_id, from_org, to_org, service, urgent, status, sent_by, sent_at_ms, answered_by, answered_at_ms, decline_reason, overdue_since_ms) ");
                    q.push_values(chunk, |mut b, r| {
                        b.push_bind(r.id.clone()).push_bind(r.case_id.clone()).push_bind(r.from_org.clone())
                            .push_bind(r.to_org.clone()).push_bind(r.service.clone()).push_bind(r.urgent)
                            .push_bind(r.status.as_str()).push_bind(r.sent_by.clone()).push_bind(r.sent_at_ms)
                            .push_bind(r.answered_by.clone()).push_bind(r.answered_at_ms)
                            .push_bind(r.decline_reason.as_deref().map(|text| self.keys.encrypt_str("referrals", "decline_reason", &r.id, text)))
                            .push_bind((r.status == mnir_domain::referral::ReferralStatus::Sent).then(|| overdue_since.get(r.id.as_str()).copied()).flatten());
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                // The periods' clocks first: an offer names its clock.
                Self::insert_clock_rows(&mut tx, &g.clocks).await?;
                for chunk in g.tasks.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO tasks (id, clock_id, case_id, org_code, kind, created_at_ms, done_at_ms, done_by, clock_kind, case_reference) ");
                    q.push_values(chunk, |mut b, t| {
                        b.push_bind(t.id.clone()).push_bind(t.clock_id.clone()).push_bind(t.case_id.clone())
                            .push_bind(t.org_code.clone()).push_bind(t.kind.clone()).push_bind(t.created_at_ms)
                            .push_bind(t.done_at_ms).push_bind(String::new()).push_bind(t.clock_kind.as_str())
                            .push_bind(t.case_reference.clone());
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                for chunk in g.reflections.chunks(500) {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("INSERT INTO reflection_periods (id, case_id, offered_at_ms, accepted, language, org_code, offered_by, clock_id, ended_at_ms, outcome, end_reason) ");
                    q.push_values(chunk, |mut b, f| {
                        b.push_bind(f.id.clone()).push_bind(f.case_id.clone()).push_bind(f.offered_at_ms)
                            .push_bind(f.accepted).push_bind(f.language.clone()).push_bind(f.org_code.clone())
                            .push_bind(f.offered_by.clone()).push_bind(f.clock_id.clone()).push_bind(f.ended_at_ms)
                            .push_bind(f.outcome.map(|o| o.as_str()))
                            .push_bind(f.end_reason.as_deref().map(|text| self.keys.encrypt_str("reflection_periods", "end_reason", &f.id, text)));
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let detail = format!(
                    "information={} consents={} referrals={} reflection_periods={} clocks={} tasks={}",
                    g.information.len(), g.consents.len(), g.referrals.len(), g.reflections.len(), g.clocks.len(), g.tasks.len()
                );
                self.append_audit(&mut tx, by, "referral.generate", "cases", &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn referral(&self, id: &str) -> StoreResult<Option<ReferralRecord>> {
                let rows = self.referrals_where("r.id = $1", id).await?;
                Ok(rows.into_iter().next())
            }

            async fn referrals_of(&self, case_id: &str) -> StoreResult<Vec<ReferralRecord>> {
                self.referrals_where("r.case_id = $1", case_id).await
            }

            async fn referrals_awaiting(&self, org_code: &str, after: Option<&ListPlace>, per_page: i64) -> StoreResult<$crate::ReferralPage> {
                // The page and the count of the whole range, read together.
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let page = self.referrals_awaiting_in(&mut tx, org_code, after, per_page).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(page)
            }

            async fn answer_referral(&self, id: &str, to_org: &str, accept: bool, reason: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // The clocks before the referral, as the scheduler takes them (a response clock run
                // out, then its referral marked overdue), so that the two never wait on each other
                // on PostgreSQL. An acceptance leaves the compensation deadline running: the claim is
                // still due. When the referral is not one to answer (answered already, or not
                // addressed to the organisation), the refusal below rolls this back.
                Self::stop_referral_clocks(&mut tx, id, !accept, by.now_ms).await?;
                let reason_blob = (!accept).then(|| self.keys.encrypt_str("referrals", "decline_reason", id, reason));
                let done = ::sqlx::query("UPDATE referrals SET status = $1, answered_by = $2, answered_at_ms = $3, decline_reason = $4 WHERE id = $5 AND to_org = $6 AND status = 'sent'")
                    .bind(if accept { "accepted" } else { "declined" })
                    .bind(&by.user_id)
                    .bind(by.now_ms)
                    .bind(reason_blob)
                    .bind(id)
                    .bind(to_org)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.append_audit(&mut tx, by, if accept { "referral.accept" } else { "referral.decline" }, &format!("referral:{id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn overdue_referrals(&self, limit: i64) -> StoreResult<(Vec<(ReferralRecord, Timestamp)>, i64)> {
                // The longest overdue first, from the partial index of migration 0030, and how
                // many are overdue in all (a range of the same index), read together.
                let mut tx = self.begin_read().await.map_err(db_err)?;
                let due: Vec<(String, Timestamp)> = ::sqlx::query_as(::sqlx::AssertSqlSafe(format!(
                    "SELECT r.id, r.overdue_since_ms FROM referrals r WHERE r.status = 'sent' AND r.overdue_since_ms IS NOT NULL ORDER BY r.overdue_since_ms, r.id{}",
                    $crate::sql::limit(limit)
                )))
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let total: i64 = ::sqlx::query_scalar("SELECT COUNT(*) FROM referrals r WHERE r.status = 'sent' AND r.overdue_since_ms IS NOT NULL")
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                tx.commit().await.map_err(db_err)?;
                if due.is_empty() {
                    return Ok((Vec::new(), total));
                }
                let ids: Vec<&str> = due.iter().map(|(id, _)| id.as_str()).collect();
                let mut overdue: std::collections::HashMap<String, ReferralRecord> = self
                    .sent_referrals_with_ids(&ids)
                    .await?
                    .into_iter()
                    .map(|r| (r.id.clone(), ReferralRecord { decline_reason: None, ..r }))
                    .collect();
                Ok((due.into_iter().filter_map(|(id, due_at_ms)| Some((overdue.remove(&id)?, due_at_ms))).collect(), total))
            }

            async fn cancel_referral(&self, id: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // The clocks before the referral, as in an answer.
                Self::stop_referral_clocks(&mut tx, id, true, by.now_ms).await?;
                let done = ::sqlx::query("UPDATE referrals SET status = 'cancelled', answered_at_ms = $1 WHERE id = $2 AND status = 'sent'")
                    .bind(by.now_ms)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.append_audit(&mut tx, by, "referral.cancel", &format!("referral:{id}"), "consent withdrawn").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn case_for_referral(&self, referral_id: &str, case_id: &str, reveal: Reveal, by: &AuditActor) -> StoreResult<Option<CaseDetail>> {
                // The national scope reads the case itself; what leaves is limited by `reveal`
                // and by the caller's data set for the service.
                let everyone = ScopeFor { scope: mnir_domain::CaseScope { national: true, ..Default::default() }, org_code: String::new(), user_id: String::new() };
                let detail = self.case_detail(case_id, &everyone, reveal, by).await?;
                self.audit("case.read.referral", &format!("case:{case_id}"), &format!("referral={referral_id}"), by).await?;
                Ok(detail)
            }
        }
    };
}
