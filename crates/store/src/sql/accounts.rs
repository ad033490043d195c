//! The SQL of [`crate::AccountStore`].

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_account_store {
    ($store:ty, $db:ty) => {
        const ORG_COLUMNS: &str =
            "o.code, o.name, o.org_type, o.kind, o.county, o.identify_power, o.active, o.investigates, o.country";
        /// An account's columns, in the order `user_from` reads them, and the tables they come
        /// from (`users u` with its organisation and confirmed second factor).
        /// The account's columns; the last says until when a break-glass access of the user not
        /// ended may be open (`User::glass_open_until`).
        const USER_COLUMNS: &str = "u.id, u.login, u.roles, u.password_hash, u.active, u.failed_logins, o.code, o.name, o.org_type, o.kind, o.county, o.identify_power, o.active, o.investigates, o.country, tf.confirmed_at_ms, \
            (SELECT MAX(g.expires_at_ms) FROM break_glass g WHERE g.user_id = u.id AND g.ended_at_ms IS NULL)";
        const USER_COLUMN_COUNT: usize = 17;
        const USER_TABLES: &str = "users u JOIN organisations o ON o.code = u.org_code LEFT JOIN two_factor tf ON tf.user_id = u.id AND tf.confirmed_at_ms IS NOT NULL";

        fn org_from(row: &DbRow, offset: usize) -> Result<Organisation, StoreError> {
            let g = |i: usize| row.try_get::<String, _>(offset + i).map_err(db_err);
            Ok(Organisation {
                code: g(0)?,
                name: g(1)?,
                org_type: parse_column("organisations.org_type", &g(2)?)?,
                kind: parse_column("organisations.kind", &g(3)?)?,
                county: row.try_get::<Option<String>, _>(offset + 4).map_err(db_err)?,
                identify_power: parse_column("organisations.identify_power", &g(5)?)?,
                active: row.try_get::<bool, _>(offset + 6).map_err(db_err)?,
                investigates: row.try_get::<bool, _>(offset + 7).map_err(db_err)?,
                country: row.try_get::<Option<String>, _>(offset + 8).map_err(db_err)?,
            })
        }

        fn user_from(row: &DbRow) -> Result<User, StoreError> {
            Ok(User {
                id: row.try_get(0).map_err(db_err)?,
                login: row.try_get(1).map_err(db_err)?,
                roles: $crate::sql::code_column("users.roles", &row.try_get::<String, _>(2).map_err(db_err)?, |text| mnir_domain::RoleSet::from_stored(text).ok())?,
                password_hash: row.try_get(3).map_err(db_err)?,
                active: row.try_get(4).map_err(db_err)?,
                failed_logins: row.try_get(5).map_err(db_err)?,
                org: org_from(row, 6)?,
                two_factor_since: row.try_get(USER_COLUMN_COUNT - 2).map_err(db_err)?,
                glass_open_until: row.try_get(USER_COLUMN_COUNT - 1).map_err(db_err)?,
                break_glass: Vec::new(),
            })
        }

        fn session_from(row: (String, String, Timestamp, Timestamp, Timestamp, String)) -> Result<SessionRecord, StoreError> {
            let (id_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms, stage) = row;
            let stage = SessionStage::parse(&stage).ok_or_else(|| StoreError::Corrupt(format!("sessions.stage: `{stage}`")))?;
            Ok(SessionRecord { id_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms, stage })
        }

        impl $store {
            /// The stored form of recovery codes: keyed hashes, so a copy of the database alone
            /// does not let anyone try them offline.
            fn recovery_hashes(&self, codes: &[String]) -> Vec<String> {
                codes.iter().map(|c| self.keys.blind_index("recovery_code", c)).collect()
            }

            /// Replaces the recovery codes of an account, inside the caller's transaction.
            async fn put_recovery_codes(tx: &mut Tx, user_id: &str, hashes: &[String]) -> StoreResult<()> {
                ::sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                for hash in hashes {
                    ::sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                        .bind(user_id)
                        .bind(hash)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                }
                Ok(())
            }

            /// Ends every session and API token of an account, inside the caller's transaction.
            async fn end_access_of(tx: &mut Tx, user_id: &str) -> StoreResult<()> {
                for statement in ["DELETE FROM sessions WHERE user_id = $1", "DELETE FROM api_tokens WHERE user_id = $1"] {
                    ::sqlx::query(statement)
                        .bind(user_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl AccountStore for $store {
            async fn key_is_bound(&self) -> StoreResult<bool> {
                let stored: Option<String> =
                    ::sqlx::query_scalar("SELECT value FROM meta WHERE key = 'key_check'")
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                Ok(stored.is_some())
            }

            async fn bind_key(&self) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let stored: Option<String> =
                    ::sqlx::query_scalar("SELECT value FROM meta WHERE key = 'key_check'")
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_err)?;
                match stored {
                    Some(v) if mnir_crypto::constant_time_eq(&v, self.keys.check_value()) => {}
                    Some(_) => return Err(StoreError::KeyMismatch),
                    None => {
                        ::sqlx::query("INSERT INTO meta (key, value) VALUES ('key_check', $1)")
                            .bind(self.keys.check_value())
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                    }
                }
                // The key is the database's: from here on the audit chain is keyed with it (a
                // log written before keeps its plain hashes up to where this says).
                Self::lock_audit_chain(&mut *tx).await.map_err(db_err)?;
                let last: Option<i64> = ::sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.keyed_from(&mut tx, last.unwrap_or(0) + 1).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn upsert_organisation(&self, org: &Organisation, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query("INSERT INTO organisations (code, name, org_type, kind, county, identify_power, active, created_at_ms, investigates, country) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (code) DO UPDATE SET name = excluded.name, org_type = excluded.org_type, kind = excluded.kind, county = excluded.county, identify_power = excluded.identify_power, active = excluded.active, investigates = excluded.investigates, country = excluded.country")
                    .bind(&org.code)
                    .bind(&org.name)
                    .bind(org.org_type.as_str())
                    .bind(org.kind.as_str())
                    .bind(&org.county)
                    .bind(org.identify_power.as_str())
                    .bind(org.active)
                    .bind(by.now_ms)
                    .bind(org.investigates)
                    .bind(&org.country)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                // Whether it investigates decides whether its staff may read support records.
                let detail = format!("investigates={} active={}", org.investigates, org.active);
                self.append_audit(&mut tx, by, "organisation.save", &format!("organisation:{}", org.code), &detail).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn organisation(&self, code: &str) -> StoreResult<Option<Organisation>> {
                let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {ORG_COLUMNS} FROM organisations o WHERE o.code = $1")))
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|r| org_from(&r, 0)).transpose()
            }

            async fn list_organisations(&self) -> StoreResult<Vec<Organisation>> {
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {ORG_COLUMNS} FROM organisations o ORDER BY o.code")))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.iter().map(|r| org_from(r, 0)).collect()
            }

            async fn create_user(&self, user: &NewUser, by: &AuditActor) -> StoreResult<User> {
                let id = uuid::Uuid::new_v4().to_string();
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query("INSERT INTO users (id, login, org_code, roles, password_hash, active, failed_logins, created_at_ms) VALUES ($1, $2, $3, $4, $5, TRUE, 0, $6)")
                    .bind(&id)
                    .bind(&user.login)
                    .bind(&user.org_code)
                    .bind(user.roles.to_string())
                    .bind(&user.password_hash)
                    .bind(user.now_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "user.create", &format!("user:{id}"), &format!("org={} roles={}", user.org_code, user.roles)).await?;
                tx.commit().await.map_err(db_err)?;
                self.user_by_id(&id).await?.ok_or(StoreError::NotFound)
            }

            async fn set_password(&self, user_id: &str, password_hash: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("UPDATE users SET password_hash = $1, failed_logins = 0 WHERE id = $2")
                    .bind(password_hash)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                // A new password ends every session and API token of the account, in the same
                // transaction, so one held by someone else cannot outlive the change.
                Self::end_access_of(&mut tx, user_id).await?;
                self.append_audit(&mut tx, by, "user.password", &format!("user:{user_id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn set_user_active(&self, user_id: &str, active: bool, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
                    .bind(active)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                if !active {
                    // What the account holds open stops with it, not at the next check.
                    Self::end_access_of(&mut tx, user_id).await?;
                }
                self.append_audit(&mut tx, by, if active { "user.enable" } else { "user.disable" }, &format!("user:{user_id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn set_user_roles(&self, user_id: &str, roles: &mnir_domain::RoleSet, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("UPDATE users SET roles = $1 WHERE id = $2")
                    .bind(roles.to_string())
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.append_audit(&mut tx, by, "user.roles", &format!("user:{user_id}"), &format!("roles={roles}")).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
                let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM {USER_TABLES} WHERE u.login = $1")))
                    .bind(login)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|r| user_from(&r)).transpose()
            }

            async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
                let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM {USER_TABLES} WHERE u.id = $1")))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|r| user_from(&r)).transpose()
            }

            async fn list_users(&self) -> StoreResult<Vec<User>> {
                let rows = ::sqlx::query(::sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM {USER_TABLES} ORDER BY o.code, u.login")))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.iter().map(user_from).collect()
            }

            async fn record_login_attempt(&self, user_id: &str, succeeded: bool, now_ms: Timestamp) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                if succeeded {
                    ::sqlx::query("UPDATE users SET failed_logins = 0 WHERE id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                } else {
                    // Counting in the statement keeps concurrent attempts (several servers) from
                    // each writing back the old count.
                    ::sqlx::query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                let by = AuditActor { user_id: Some(user_id.to_string()), org_code: None, channel: "web", now_ms };
                let action = if succeeded { "auth.login" } else { "auth.login_failed" };
                self.append_audit(&mut tx, &by, action, &format!("user:{user_id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
                ::sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms, stage) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&s.id_hash)
                    .bind(&s.user_id)
                    .bind(s.created_at_ms)
                    .bind(s.last_seen_ms)
                    .bind(s.expires_at_ms)
                    .bind(s.stage.as_str())
                    .execute(self.writes())
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn session(&self, id_hash: &str) -> StoreResult<Option<(SessionRecord, User)>> {
                // With its user in one statement: every page behind sign-in starts here.
                let row = ::sqlx::query(::sqlx::AssertSqlSafe(format!(
                    "SELECT {USER_COLUMNS}, s.id_hash, s.user_id, s.created_at_ms, s.last_seen_ms, s.expires_at_ms, s.stage FROM {USER_TABLES} JOIN sessions s ON s.user_id = u.id WHERE s.id_hash = $1"
                )))
                    .bind(id_hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                let Some(row) = row else { return Ok(None) };
                let g = |i: usize| row.try_get::<Timestamp, _>(i).map_err(db_err);
                // The session's columns come after the account's.
                let at = |i: usize| USER_COLUMN_COUNT + i;
                let session = session_from((
                    row.try_get(at(0)).map_err(db_err)?,
                    row.try_get(at(1)).map_err(db_err)?,
                    g(at(2))?,
                    g(at(3))?,
                    g(at(4))?,
                    row.try_get(at(5)).map_err(db_err)?,
                ))?;
                Ok(Some((session, user_from(&row)?)))
            }

            async fn touch_session(&self, id_hash: &str, now_ms: Timestamp) -> StoreResult<()> {
                ::sqlx::query("UPDATE sessions SET last_seen_ms = $1 WHERE id_hash = $2")
                    .bind(now_ms)
                    .bind(id_hash)
                    .execute(self.writes())
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
                ::sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .execute(self.writes())
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn delete_sessions_of(&self, user_id: &str) -> StoreResult<()> {
                ::sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(self.writes())
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn delete_expired_sessions(&self, now_ms: Timestamp) -> StoreResult<u64> {
                let done = ::sqlx::query("DELETE FROM sessions WHERE expires_at_ms <= $1")
                    .bind(now_ms)
                    .execute(self.writes())
                    .await
                    .map_err(db_err)?;
                Ok(done.rows_affected())
            }

            async fn create_api_token(&self, t: &ApiTokenRecord, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                ::sqlx::query("INSERT INTO api_tokens (token_hash, user_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)")
                    .bind(&t.token_hash)
                    .bind(&t.user_id)
                    .bind(t.created_at_ms)
                    .bind(t.expires_at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "token.issue", &format!("user:{}", t.user_id), &format!("expires_at_ms={}", t.expires_at_ms)).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiTokenRecord>> {
                let row: Option<(String, String, Timestamp, Timestamp)> = ::sqlx::query_as("SELECT token_hash, user_id, created_at_ms, expires_at_ms FROM api_tokens WHERE token_hash = $1")
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(row.map(|(token_hash, user_id, created_at_ms, expires_at_ms)| ApiTokenRecord { token_hash, user_id, created_at_ms, expires_at_ms }))
            }

            async fn api_tokens_of(&self, user_id: &str) -> StoreResult<Vec<ApiTokenRecord>> {
                let rows: Vec<(String, String, Timestamp, Timestamp)> = ::sqlx::query_as("SELECT token_hash, user_id, created_at_ms, expires_at_ms FROM api_tokens WHERE user_id = $1 ORDER BY created_at_ms, token_hash")
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(rows.into_iter().map(|(token_hash, user_id, created_at_ms, expires_at_ms)| ApiTokenRecord { token_hash, user_id, created_at_ms, expires_at_ms }).collect())
            }

            async fn revoke_api_token(&self, token_hash: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let user: Option<String> = ::sqlx::query_scalar("DELETE FROM api_tokens WHERE token_hash = $1 RETURNING user_id")
                    .bind(token_hash)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some(user) = user else { return Err(StoreError::NotFound) };
                self.append_audit(&mut tx, by, "token.revoke", &format!("user:{user}"), "").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn two_factor(&self, user_id: &str) -> StoreResult<Option<TwoFactorRecord>> {
                let row = ::sqlx::query("SELECT secret, created_at_ms, confirmed_at_ms, last_step, pending_session, failed_codes, last_failed_code_ms FROM two_factor WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                let Some(row) = row else { return Ok(None) };
                let sealed: Vec<u8> = row.try_get(0).map_err(db_err)?;
                let secret = self.keys.decrypt("two_factor", "secret", user_id, &sealed).map_err(|e| StoreError::Corrupt(format!("two_factor.secret: {e}")))?;
                Ok(Some(TwoFactorRecord {
                    secret,
                    created_at_ms: row.try_get(1).map_err(db_err)?,
                    confirmed_at_ms: row.try_get(2).map_err(db_err)?,
                    last_step: row.try_get(3).map_err(db_err)?,
                    pending_session: row.try_get(4).map_err(db_err)?,
                    failed_codes: row.try_get(5).map_err(db_err)?,
                    last_failed_code_ms: row.try_get(6).map_err(db_err)?,
                }))
            }

            async fn begin_two_factor(&self, user_id: &str, secret: &[u8], session_hash: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let sealed = self.keys.encrypt("two_factor", "secret", user_id, secret);
                // A pending enrolment is replaced; a confirmed one is left alone (no row changes).
                let done = ::sqlx::query("INSERT INTO two_factor (user_id, secret, created_at_ms, confirmed_at_ms, last_step, pending_session) VALUES ($1, $2, $3, NULL, 0, $4) ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at_ms = excluded.created_at_ms, last_step = 0, pending_session = excluded.pending_session WHERE two_factor.confirmed_at_ms IS NULL")
                    .bind(user_id)
                    .bind(&sealed)
                    .bind(by.now_ms)
                    .bind(session_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict("two_factor".into()));
                }
                self.append_audit(&mut tx, by, "user.two_factor_begin", &format!("user:{user_id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }

            async fn confirm_two_factor(&self, user_id: &str, session_hash: &str, step: i64, recovery_codes: &[String], by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                // Only the key this session was shown: a parallel page load that began another
                // one, or another session's enrolment, does not get confirmed by this code.
                let done = ::sqlx::query("UPDATE two_factor SET confirmed_at_ms = $1, last_step = $2, pending_session = NULL, failed_codes = 0 WHERE user_id = $3 AND confirmed_at_ms IS NULL AND pending_session = $4")
                    .bind(by.now_ms)
                    .bind(step)
                    .bind(user_id)
                    .bind(session_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Self::put_recovery_codes(&mut tx, user_id, &self.recovery_hashes(recovery_codes)).await?;
                ::sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "user.two_factor_on", &format!("user:{user_id}"), &format!("recovery_codes={}", recovery_codes.len())).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn use_two_factor_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
                // One statement decides, so two sign-ins racing with the same code cannot both win.
                let done = ::sqlx::query("UPDATE two_factor SET last_step = $1, failed_codes = 0 WHERE user_id = $2 AND confirmed_at_ms IS NOT NULL AND last_step < $1")
                    .bind(step)
                    .bind(user_id)
                    .execute(self.writes())
                    .await
                    .map_err(db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn record_code_failure(&self, user_id: &str, now_ms: Timestamp) -> StoreResult<()> {
                // Counted in the statement, so failures arriving together on several servers all
                // count.
                ::sqlx::query("UPDATE two_factor SET failed_codes = failed_codes + 1, last_failed_code_ms = $1 WHERE user_id = $2")
                    .bind(now_ms)
                    .bind(user_id)
                    .execute(self.writes())
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn use_recovery_code(&self, user_id: &str, code: &str, by: &AuditActor) -> StoreResult<bool> {
                let code_hash = self.keys.blind_index("recovery_code", code);
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let done = ::sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2")
                    .bind(user_id)
                    .bind(&code_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                ::sqlx::query("UPDATE two_factor SET failed_codes = 0 WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let left: i64 = ::sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                self.append_audit(&mut tx, by, "auth.recovery_code", &format!("user:{user_id}"), &format!("left={left}")).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(true)
            }

            async fn replace_recovery_codes(&self, user_id: &str, recovery_codes: &[String], by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let enrolled: Option<i64> = ::sqlx::query_scalar("SELECT last_step FROM two_factor WHERE user_id = $1 AND confirmed_at_ms IS NOT NULL")
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if enrolled.is_none() {
                    return Err(StoreError::NotFound);
                }
                Self::put_recovery_codes(&mut tx, user_id, &self.recovery_hashes(recovery_codes)).await?;
                self.append_audit(&mut tx, by, "user.recovery_codes", &format!("user:{user_id}"), &format!("recovery_codes={}", recovery_codes.len())).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn recovery_codes_left(&self, user_id: &str) -> StoreResult<i64> {
                ::sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_err)
            }

            async fn reset_two_factor(&self, user_id: &str, by: &AuditActor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(db_err)?;
                let known: Option<String> = ::sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if known.is_none() {
                    return Err(StoreError::NotFound);
                }
                for statement in ["DELETE FROM two_factor WHERE user_id = $1", "DELETE FROM recovery_codes WHERE user_id = $1"] {
                    ::sqlx::query(statement)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                // Whoever holds the lost device may hold a session too: everything open ends.
                Self::end_access_of(&mut tx, user_id).await?;
                self.append_audit(&mut tx, by, "user.two_factor_reset", &format!("user:{user_id}"), "").await?;
                tx.commit().await.map_err(db_err)
            }
        }
    };
}
