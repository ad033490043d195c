//! What every area's SQL uses: the transaction and row types of the backend, the mapping of
//! database errors, and decryption of an optional column.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_shared {
    ($store:ty, $db:ty) => {
        type Tx = ::sqlx::Transaction<'static, $db>;
        type DbRow = <$db as ::sqlx::Database>::Row;

        fn db_err(e: ::sqlx::Error) -> StoreError {
            if let Some(db) = e.as_database_error() {
                match db.kind() {
                    ::sqlx::error::ErrorKind::UniqueViolation => {
                        return StoreError::Conflict(db.message().to_string());
                    }
                    ::sqlx::error::ErrorKind::ForeignKeyViolation => {
                        return StoreError::InvalidReference(db.message().to_string());
                    }
                    _ => {}
                }
            }
            StoreError::Database(e.to_string())
        }

        /// A birth date as the `cases` row keeps it (`YYYY-MM-DD`, sealed).
        fn birth_date_of(text: Option<String>) -> Result<Option<chrono::NaiveDate>, StoreError> {
            text.map(|d| {
                chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|e| StoreError::Corrupt(format!("cases.birth_date: {e}")))
            })
            .transpose()
        }

        impl $store {
            /// Runs read statements in order on one connection (in the caller's transaction,
            /// so in one snapshot) and returns each one's rows, in the statements' order.
            ///
            /// On SQLite they go as one text of several statements, each one's `$n` moved past
            /// the arguments of those before it (`shift_parameters`): one hand-off to the
            /// connection's thread and back instead of one per statement, which is most of what a
            /// small read costs there (docs/PERFORMANCE.md). sqlx calls several statements in one
            /// text a SQLite-only behaviour it may drop. PostgreSQL prepares one statement at a
            /// time; `on_postgres` says whether there they run one after another, each prepared
            /// once per connection, or go as one simple query (see [`PostgresBatch`]).
            ///
            /// [`PostgresBatch`]: $crate::sql::PostgresBatch
            async fn read_batch(
                conn: &mut <$db as ::sqlx::Database>::Connection,
                statements: &[(&str, &[$crate::sql::BatchArg<'_>])],
                on_postgres: $crate::sql::PostgresBatch,
            ) -> StoreResult<Vec<Vec<DbRow>>> {
                use $crate::sql::__private::futures_util::TryStreamExt as _;
                use $crate::sql::BatchArg;
                fn bound<'q>(
                    q: ::sqlx::query::Query<'q, $db, <$db as ::sqlx::Database>::Arguments>,
                    arg: BatchArg<'q>,
                ) -> ::sqlx::query::Query<'q, $db, <$db as ::sqlx::Database>::Arguments> {
                    match arg {
                        BatchArg::Text(v) => q.bind(v),
                        BatchArg::MaybeText(v) => q.bind(v),
                        BatchArg::Flag(v) => q.bind(v),
                        BatchArg::Time(v) => q.bind(v),
                    }
                }
                // A statement given fewer arguments than it numbers would read the next
                // statement's on SQLite (and NULL past the last), not fail as on PostgreSQL.
                for (sql, args) in statements {
                    if $crate::sql::highest_parameter(sql) != args.len() {
                        return Err(StoreError::Database(format!(
                            "a batched statement numbers {} parameters and is given {} arguments",
                            $crate::sql::highest_parameter(sql),
                            args.len()
                        )));
                    }
                }
                if BACKEND != "sqlite" && on_postgres == $crate::sql::PostgresBatch::Prepared {
                    let mut out = Vec::with_capacity(statements.len());
                    for (sql, args) in statements {
                        let q = args
                            .iter()
                            .fold(::sqlx::query(::sqlx::AssertSqlSafe(*sql)), |q, a| {
                                bound(q, *a)
                            });
                        out.push(q.fetch_all(&mut *conn).await.map_err(db_err)?);
                    }
                    return Ok(out);
                }
                let mut text = String::new();
                let mut before = 0;
                for (sql, args) in statements {
                    if BACKEND == "sqlite" {
                        text.push_str(&$crate::sql::shift_parameters(sql, before));
                    } else {
                        let inlined =
                            $crate::sql::inline_arguments(sql, args).ok_or_else(|| {
                                StoreError::Database(
                                    "a batched read's argument cannot be written as text".into(),
                                )
                            })?;
                        text.push_str(&inlined);
                    }
                    text.push_str(";\n");
                    before += args.len();
                }
                let mut results = if BACKEND == "sqlite" {
                    let q = statements
                        .iter()
                        .flat_map(|(_, args)| args.iter())
                        .fold(::sqlx::query(::sqlx::AssertSqlSafe(text)), |q, a| {
                            bound(q, *a)
                        });
                    ::sqlx::Executor::fetch_many(&mut *conn, q)
                } else {
                    // PostgreSQL prepares one statement at a time: several go in one round trip
                    // only as a simple query, with the arguments written into the text.
                    ::sqlx::raw_sql(::sqlx::AssertSqlSafe(text)).fetch_many(&mut *conn)
                };
                let mut out: Vec<Vec<DbRow>> = vec![Vec::new()];
                // Each statement's rows, then its result: the result closes its list.
                while let Some(step) = results.try_next().await.map_err(db_err)? {
                    match step {
                        ::sqlx::Either::Left(_) => out.push(Vec::new()),
                        ::sqlx::Either::Right(row) => {
                            out.last_mut().expect("a list is open").push(row)
                        }
                    }
                }
                out.pop();
                if out.len() != statements.len() {
                    return Err(StoreError::Database(format!(
                        "a batch of {} reads gave {} results",
                        statements.len(),
                        out.len()
                    )));
                }
                Ok(out)
            }

            fn decrypt_opt(
                &self,
                table: &str,
                column: &str,
                row_id: &str,
                stored: Option<Vec<u8>>,
            ) -> Result<Option<String>, StoreError> {
                match stored {
                    None => Ok(None),
                    // What an erasure overwrote reads as nothing, not as damage.
                    Some(bytes) if mnir_crypto::is_erased(&bytes) => Ok(None),
                    Some(bytes) => self
                        .keys
                        .decrypt_str(table, column, row_id, &bytes)
                        .map(Some)
                        .map_err(|e| StoreError::Corrupt(format!("{table}.{column}: {e}"))),
                }
            }

            /// A case's data key from its stored form; `None` when the case has none: one sealed
            /// before data keys, or one whose key an erasure destroyed.
            fn case_key(
                &self,
                case_id: &str,
                wrapped: Option<Vec<u8>>,
            ) -> Result<Option<mnir_crypto::CaseKey>, StoreError> {
                wrapped
                    .map(|w| {
                        self.keys
                            .unwrap_case_key(case_id, &w)
                            .map_err(|e| StoreError::Corrupt(format!("case_keys.wrapped: {e}")))
                    })
                    .transpose()
            }

            /// An identifying field of the `cases` row: sealed under the case's data key (or,
            /// for a case from before data keys, the field key); `None` once erased, whether the
            /// key was destroyed or the field overwritten.
            fn case_field(
                &self,
                key: Option<&mnir_crypto::CaseKey>,
                column: &str,
                case_id: &str,
                stored: Option<Vec<u8>>,
            ) -> Result<Option<String>, StoreError> {
                let Some(bytes) = stored else { return Ok(None) };
                if !mnir_crypto::is_case_sealed(&bytes) {
                    return self.decrypt_opt("cases", column, case_id, Some(bytes));
                }
                let Some(key) = key else { return Ok(None) };
                key.decrypt_str("cases", column, case_id, &bytes)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt(format!("cases.{column}: {e}")))
            }
        }
    };
}
