//! The SQL of [`crate::StatisticsStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_statistics_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// The SQL expression, over the counted record (the victim `v`, the referral `r`, the check-in `h` with its clock `k`, or
            /// the reflection period `f`) and its case `c`, that reads a source as text; an
            /// absent value reads as the empty text. `end` is the reference year's end: the
            /// steps of the mechanism's performance are read before it.
            fn statistics_expression(source: mnir_domain::statistics::Source, end: Timestamp) -> String {
                use mnir_domain::statistics::Source;
                use mnir_domain::victim::ProfileField;
                // The first value of a field of the victim profile; none when unrecorded. The
                // field's code is the program's constant, never a user's text.
                let first = |field: ProfileField| {
                    format!(
                        "COALESCE((SELECT p.code FROM victim_profile_values p WHERE p.case_id = c.id AND p.field = '{}' AND p.position = 0), '')",
                        field.as_str()
                    )
                };
                // Whether a step reached `state` before the year's end. The state is the program's
                // constant and the end a number, never a user's text.
                let reached = |state: &str| {
                    format!(
                        "CASE WHEN EXISTS (SELECT 1 FROM case_events s WHERE s.case_id = c.id AND s.to_state = '{state}' AND s.at_ms < {}) THEN 'yes' ELSE 'no' END",
                        end.millis()
                    )
                };
                match source {
                    Source::Sex => "c.sex".into(),
                    Source::AgeGroup => "c.age_group".into(),
                    Source::Age => "c.age_group || ':' || COALESCE(CAST(c.age_years AS TEXT), '')".into(),
                    Source::Citizenship => "c.citizenship".into(),
                    Source::Exploitation => "COALESCE(c.exploitation, '')".into(),
                    Source::Status => "CASE WHEN v.identified = 1 THEN 'identified' ELSE 'presumed' END".into(),
                    Source::County => "c.found_in_county".into(),
                    Source::Places => format!(
                        "{} || '>' || {}",
                        first(ProfileField::RecruitmentPlace),
                        first(ProfileField::ExploitationPlace)
                    ),
                    // The others read the victim profile's field the domain names for them.
                    Source::RecruitmentPlace
                    | Source::ExploitationPlace
                    | Source::Settlement
                    | Source::Education
                    | Source::RecruitmentMethod
                    | Source::Relationship => source.profile_field().map_or_else(String::new, first),
                    // Whole days: both are milliseconds as integers, so the division is whole.
                    Source::IdentificationDays => "CASE WHEN v.identified_at IS NULL THEN '' WHEN v.identified_at = c.notified_at_ms THEN 'unknown' ELSE CAST((v.identified_at - c.notified_at_ms) / 86400000 AS TEXT) END".into(),
                    Source::Assisted => reached("in_assistance"),
                    Source::Returned => reached("returned"),
                    Source::Referred => format!(
                        "CASE WHEN EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id AND r.sent_at_ms < {}) THEN 'yes' ELSE 'no' END",
                        end.millis()
                    ),
                    // In time: by the due time of the referral's response clock, which knows
                    // the profile's length, the urgency and any pause. Hours whole, as above. A
                    // referral cancelled (its consent withdrawn) was not answered. Only the
                    // answer's time is read, never the status's history: an answer is final.
                    Source::ReferralAnswer => format!(
                        "CASE WHEN r.status NOT IN ('accepted', 'declined') OR r.answered_at_ms IS NULL OR r.answered_at_ms >= {end} THEN 'not_answered' ELSE r.status || ':' || CASE WHEN COALESCE((SELECT MIN(k.due_at_ms) FROM clocks k WHERE k.referral_id = r.id AND k.kind = 'referral_response'), r.answered_at_ms) >= r.answered_at_ms THEN 'in_time' ELSE 'late' END || ':' || CAST((r.answered_at_ms - r.sent_at_ms) / 3600000 AS TEXT) END",
                        end = end.millis()
                    ),
                    Source::Service => "r.service".into(),
                    // Ran its term: the clock's due time passed before the year's end and before
                    // anything stopped it, whenever the scheduler noticed (so the figure does
                    // not change when it does).
                    Source::ReflectionOutcome => format!(
                        "CASE WHEN NOT f.accepted THEN 'declined' WHEN f.ended_at_ms IS NOT NULL AND f.ended_at_ms < {end} THEN COALESCE(f.outcome, 'other') ELSE COALESCE((SELECT CASE WHEN k.due_at_ms < {end} AND (k.stopped_at_ms IS NULL OR k.stopped_at_ms >= k.due_at_ms) THEN 'term_ended' WHEN k.stopped_at_ms IS NOT NULL AND k.stopped_at_ms < {end} THEN 'stopped' END FROM clocks k WHERE k.id = f.clock_id), 'running') END",
                        end = end.millis()
                    ),
                    Source::CheckInOutcome => format!(
                        "CASE WHEN h.recorded_at_ms IS NOT NULL AND h.recorded_at_ms < {end} THEN CASE WHEN h.contact_made THEN 'contact_made' ELSE 'not_reached' END WHEN (k.stopped_at_ms IS NOT NULL AND k.stopped_at_ms < {end}) OR EXISTS (SELECT 1 FROM repatriation_steps fu WHERE fu.repatriation_id = h.repatriation_id AND fu.step = 'follow_up' AND fu.state = 'done' AND fu.recorded_at_ms < {end}) OR EXISTS (SELECT 1 FROM case_events s WHERE s.case_id = c.id AND s.to_state = 'closed' AND s.at_ms < {end}) THEN 'closed' ELSE 'owed' END",
                        end = end.millis()
                    ),
                }
            }
        }

        #[async_trait]
        impl StatisticsStore for $store {
            async fn count_grouped(&self, queries: &[CountQuery], by: &AuditActor, detail: &str) -> StoreResult<Vec<Vec<GroupedCount>>> {
                use mnir_domain::statistics::Unit;
                let mut answers = Vec::with_capacity(queries.len());
                {
                    let mut tx = self.begin_read().await.map_err(db_err)?;
                    for query in queries {
                        if query.counties.as_ref().is_some_and(|c| c.is_empty()) {
                            answers.push(Vec::new());
                            continue;
                        }
                        let people = query.unit != Unit::Victims;
                        let mut q = ::sqlx::QueryBuilder::<$db>::new(format!(
                            "SELECT {}, {}, COUNT(*), {} FROM ",
                            Self::statistics_expression(query.rows, query.to),
                            Self::statistics_expression(query.columns, query.to),
                            if people { "c.id" } else { "CAST(NULL AS TEXT)" },
                        ));
                        match query.unit {
                            Unit::Victims => {
                                q.push("(SELECT e.case_id AS case_id, MAX(CASE WHEN e.to_state = 'identified_victim' AND e.at_ms < ");
                                // The first step into the mechanism's victims is what places a
                                // person in a year; `case_events_victim` holds exactly these steps.
                                q.push_bind(query.to);
                                q.push(" THEN 1 ELSE 0 END) AS identified, MIN(CASE WHEN e.to_state = 'identified_victim' THEN e.at_ms END) AS identified_at FROM case_events e WHERE e.to_state IN ('presumed_victim', 'identified_victim') AND e.at_ms < ");
                                // Steps after the year neither place a victim in it nor make one
                                // identified in it: left unread.
                                q.push_bind(query.to);
                                q.push(" GROUP BY e.case_id HAVING MIN(e.at_ms) >= ");
                                q.push_bind(query.from);
                                q.push(" AND MIN(e.at_ms) < ");
                                q.push_bind(query.to);
                                // Out of the year's figures: a case that by the year's end was
                                // found not to be a victim, or to be another record's duplicate.
                                // Read from the steps before the end, not from the case's state
                                // now, so that a year's figures stay as they were once it is
                                // over (a later finding would otherwise tell who it was about,
                                // to anyone comparing two looks).
                                q.push(") v JOIN cases c ON c.id = v.case_id WHERE COALESCE((SELECT s.to_state FROM case_events s WHERE s.case_id = c.id AND s.at_ms < ");
                                q.push_bind(query.to);
                                q.push(" ORDER BY s.seq DESC LIMIT 1), '') NOT IN ('not_a_victim', 'duplicate')");
                            }
                            // Every referral sent, and every offer made, whatever became of the
                            // case: the mechanism's work was done.
                            Unit::Referrals => {
                                q.push("referrals r JOIN cases c ON c.id = r.case_id WHERE r.sent_at_ms >= ");
                                q.push_bind(query.from);
                                q.push(" AND r.sent_at_ms < ");
                                q.push_bind(query.to);
                            }
                            Unit::ReflectionPeriods => {
                                q.push("reflection_periods f JOIN cases c ON c.id = f.case_id WHERE f.offered_at_ms >= ");
                                q.push_bind(query.from);
                                q.push(" AND f.offered_at_ms < ");
                                q.push_bind(query.to);
                            }
                            // Each check-in in the year its clock fell due in.
                            Unit::CheckIns => {
                                q.push("repatriation_checkins h JOIN clocks k ON k.id = h.clock_id JOIN repatriations rp ON rp.id = h.repatriation_id JOIN cases c ON c.id = rp.case_id WHERE k.due_at_ms >= ");
                                q.push_bind(query.from);
                                q.push(" AND k.due_at_ms < ");
                                q.push_bind(query.to);
                            }
                        }
                        if let Some(counties) = &query.counties {
                            q.push(" AND c.found_in_county IN (");
                            let mut list = q.separated(", ");
                            for county in counties {
                                list.push_bind(county.clone());
                            }
                            q.push(")");
                        }
                        q.push(if people { " GROUP BY 1, 2, c.id" } else { " GROUP BY 1, 2" });
                        let rows: Vec<GroupedCount> = q.build_query_as().fetch_all(&mut *tx).await.map_err(db_err)?;
                        answers.push(rows);
                    }
                    tx.commit().await.map_err(db_err)?;
                }
                self.append_read_audit(by, "statistics.read", "statistics", detail).await?;
                Ok(answers)
            }
        }
    };
}
