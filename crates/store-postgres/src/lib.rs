//! The production backend: PostgreSQL, shared by several `mnir serve` nodes.

use mnir_crypto::Keys;
use mnir_store::{StoreError, impl_sql_store};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres};
use std::str::FromStr;
use std::time::Duration;

/// The advisory-lock key that serialises appends to the audit chain across all servers
/// (an arbitrary constant: "mnir" in ASCII).
const AUDIT_CHAIN_LOCK: i64 = 0x6d6e_6972;

pub struct PostgresStore {
    pool: PgPool,
    keys: Keys,
    audit_keyed_from: std::sync::OnceLock<i64>,
    read_audit: mnir_store::group_commit::ReadAuditQueue,
}

impl PostgresStore {
    /// Nothing to undo after a bulk load: PostgreSQL is loaded as it serves.
    async fn settle_after_bulk_load(&self) -> sqlx::Result<()> {
        Ok(())
    }

    /// Nothing to scrub after an erasure: the old row versions go with (auto)vacuum and the
    /// write-ahead log's segments with checkpoints; the case's key is gone from the live rows.
    async fn scrub_erased_pages(&self) -> sqlx::Result<()> {
        Ok(())
    }

    /// Rows another server is firing are skipped rather than waited for; each clock is fired by the
    /// server that locked it, and its task's UNIQUE clock id makes a repeat impossible anyway.
    const CLAIM_SUFFIX: &'static str = " FOR UPDATE SKIP LOCKED";

    /// Connects to `url` (`postgres://…`) and runs pending migrations; several servers may do
    /// so at once, sqlx serialises migrations with an advisory lock.
    pub async fn open(url: &str, keys: Keys) -> Result<PostgresStore, StoreError> {
        Self::open_with_connections(url, keys, 16).await
    }

    /// `open` with a pool of `connections` (each is a server process on the database's side).
    pub async fn open_with_connections(
        url: &str,
        keys: Keys,
        connections: u32,
    ) -> Result<PostgresStore, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Database(format!("invalid PostgreSQL URL: {e}")))?
            // A batch sent as one simple query (`PostgresBatch::OneQuery`) gets its rows as text,
            // where sqlx reads `bytea` only in hex: a server or role set to `escape` would fail
            // those pages alone.
            .options([("bytea_output", "hex")]);
        let pool = PgPoolOptions::new()
            .max_connections(connections.max(1))
            .acquire_timeout(Duration::from_secs(15))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Database(format!("cannot connect to PostgreSQL: {e}")))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(format!("migration failed: {e}")))?;
        let store = PostgresStore {
            pool,
            keys,
            audit_keyed_from: std::sync::OnceLock::new(),
            read_audit: Default::default(),
        };
        // A bulk load killed midway left some of the lists' indexes unbuilt.
        mnir_store::CaseStore::build_list_indexes(&store).await?;
        Ok(store)
    }

    /// Whether schema `public` of the database at `url` is empty: no relation (table, index,
    /// sequence, view), function or type, so that a restore into it can lose nothing and a
    /// refused one can be undone by dropping what is there. Connects without running the
    /// migrations.
    pub async fn public_schema_is_empty(url: &str) -> Result<bool, StoreError> {
        let pool = Self::one_connection(url).await?;
        let objects: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace) \
             + (SELECT COUNT(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace) \
             + (SELECT COUNT(*) FROM pg_type WHERE typnamespace = 'public'::regnamespace)",
        )
        .fetch_one(&pool)
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?;
        pool.close().await;
        Ok(objects == 0)
    }

    /// Drops, in one transaction, every table and function in schema `public` (with what depends
    /// on them: indexes, triggers, sequences, the tables' types): undoing a refused restore into
    /// a schema that [`PostgresStore::public_schema_is_empty`] found empty. The schema itself,
    /// its owner and its grants stay.
    pub async fn drop_public_objects(url: &str) -> Result<(), StoreError> {
        let pool = Self::one_connection(url).await?;
        let failed = |e: sqlx::Error| StoreError::Database(e.to_string());
        let mut tx = pool.begin().await.map_err(failed)?;
        let drops: Vec<String> = sqlx::query_scalar(
            "SELECT format('DROP TABLE IF EXISTS public.%I CASCADE', relname) FROM pg_class \
             WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') \
             UNION ALL SELECT format('DROP FUNCTION IF EXISTS %s CASCADE', oid::regprocedure) \
             FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        for drop in drops {
            sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        pool.close().await;
        Ok(())
    }

    async fn one_connection(url: &str) -> Result<PgPool, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Database(format!("invalid PostgreSQL URL: {e}")))?;
        PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Database(format!("cannot connect to PostgreSQL: {e}")))
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Where a single statement that changes rows runs: the one pool, since PostgreSQL's writers
    /// lock rows, not the database.
    fn writes(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Postgres>> {
        Self::begin_whole(&self.pool, "BEGIN").await
    }

    /// A read of one snapshot (a count and the page it counts agree), holding no lock a writer
    /// waits for.
    async fn begin_read(&self) -> sqlx::Result<sqlx::Transaction<'static, Postgres>> {
        Self::begin_whole(
            &self.pool,
            "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        )
        .await
    }

    /// Begins a transaction in a task of its own, so that it runs to its end even when the request
    /// that asked for it goes away (a client that disconnects drops the request's future).
    ///
    /// sqlx 0.9.0 counts a PostgreSQL transaction as open only after `BEGIN`'s answer: dropped
    /// between the two, the connection goes back to the pool inside a transaction that nothing
    /// rolls back (transact-rs/sqlx#4393), and the next borrower's statements run in it. A
    /// read-only one then refuses every write ("cannot execute INSERT in a read-only
    /// transaction"), as `scripts/bench` found at the end of a load run. Finished in its task, an
    /// unclaimed transaction is dropped whole, and its rollback is queued as for any other.
    async fn begin_whole(
        pool: &PgPool,
        statement: &'static str,
    ) -> sqlx::Result<sqlx::Transaction<'static, Postgres>> {
        let pool = pool.clone();
        tokio::spawn(async move { pool.begin_with(statement).await })
            .await
            .map_err(|e| sqlx::Error::Protocol(format!("beginning a transaction: {e}")))?
    }

    /// The triggers of migration 0001 that refuse every change, deletion and truncation of the
    /// audit log, present and enabled.
    async fn audit_guards_missing(&self) -> sqlx::Result<Vec<String>> {
        let present: Vec<String> = sqlx::query_scalar(
            "SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(["audit_log_guard", "audit_log_guard_truncate"]
            .into_iter()
            .filter(|name| !present.iter().any(|p| p == name))
            .map(str::to_string)
            .collect())
    }

    /// The names of the indexes of the schema in use.
    async fn index_names(pool: &PgPool) -> sqlx::Result<Vec<String>> {
        sqlx::query_scalar(
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()",
        )
        .fetch_all(pool)
        .await
    }

    /// Held until the transaction ends, so the read of the last hash and the insert of the next
    /// entry are atomic across every connection and server.
    async fn lock_audit_chain(conn: &mut PgConnection) -> sqlx::Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(AUDIT_CHAIN_LOCK)
            .execute(conn)
            .await
            .map(|_| ())
    }
}

impl_sql_store!(PostgresStore, Postgres, "postgres");

/// Helpers for test suites that run against the PostgreSQL server started by `scripts/test`.
pub mod testing {
    use sqlx::PgPool;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The server URL from `MNIR_TEST_PG_URL`. When it is missing, the PostgreSQL tests are
    /// skipped, unless `MNIR_REQUIRE_PG` is set (as the test command does), which makes it fatal.
    pub fn server_from_env() -> Option<String> {
        match std::env::var("MNIR_TEST_PG_URL") {
            Ok(url) if !url.is_empty() => Some(url),
            _ if std::env::var("MNIR_REQUIRE_PG").is_ok() => {
                panic!(
                    "MNIR_REQUIRE_PG is set but MNIR_TEST_PG_URL is not: PostgreSQL tests cannot run"
                )
            }
            _ => {
                eprintln!(
                    "PostgreSQL tests skipped: MNIR_TEST_PG_URL is not set (scripts/test sets it)"
                );
                None
            }
        }
    }

    /// Creates a new empty database on the server and returns its URL.
    pub async fn create_database(server: &str, purpose: &str) -> String {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "mnir_{purpose}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let admin = PgPool::connect(server)
            .await
            .expect("connect to the test server");
        static SWEPT: std::sync::Once = std::sync::Once::new();
        let mut first = false;
        SWEPT.call_once(|| first = true);
        if first {
            drop_databases_of_ended_runs(&admin).await;
        }
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("create a test database");
        admin.close().await;
        with_database(server, &name)
    }

    /// A long-lived developer's server would otherwise keep every database a test run ever
    /// made (thousands, tens of gigabytes). Each test process therefore drops, once, the
    /// databases named after a process that has ended; those of running processes are theirs.
    async fn drop_databases_of_ended_runs(admin: &PgPool) {
        if !std::path::Path::new("/proc/self").exists() {
            return; // without /proc a running process cannot be told from an ended one
        }
        let names: Vec<String> =
            sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'mnir\\_%'")
                .fetch_all(admin)
                .await
                .unwrap_or_default();
        for name in names {
            let mut parts = name.rsplitn(3, '_');
            let (Some(counter), Some(pid), Some(_)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(pid) = pid.parse::<u32>() else {
                continue;
            };
            if counter.parse::<u32>().is_err()
                || pid == std::process::id()
                || std::path::Path::new(&format!("/proc/{pid}")).exists()
            {
                continue;
            }
            // Best effort: another process may be sweeping the same name at the same moment.
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(admin)
            .await;
        }
    }

    fn with_database(url: &str, db: &str) -> String {
        let (base, query) = url
            .split_once('?')
            .map_or((url, None), |(b, q)| (b, Some(q)));
        let base = base.rsplit_once('/').map_or(base, |(head, _)| head);
        match query {
            Some(q) => format!("{base}/{db}?{q}"),
            None => format!("{base}/{db}"),
        }
    }
}

#[cfg(test)]
mod migration_parity;

#[cfg(test)]
mod conformance {
    use super::*;
    use async_trait::async_trait;
    use mnir_store::Store;
    use mnir_store::conformance::{RawAccess, TestDb};
    use std::sync::Arc;

    struct Raw {
        url: String,
        pool: PgPool,
        keys: Keys,
    }

    #[async_trait]
    impl RawAccess for Raw {
        async fn execute(&self, sql: &str) -> Result<u64, String> {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&self.pool)
                .await
                .map(|r| r.rows_affected())
                .map_err(|e| e.to_string())
        }

        async fn blob(&self, sql: &str) -> Option<Vec<u8>> {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
                .fetch_optional(&self.pool)
                .await
                .unwrap()
        }

        async fn dump(&self) -> Vec<u8> {
            // Checkpoint so the heap files hold the rows too, then take a logical dump, which is
            // what a backup would carry.
            sqlx::query("CHECKPOINT").execute(&self.pool).await.ok();
            let bin = std::env::var("MNIR_TEST_PG_BIN").unwrap_or_default();
            let pg_dump = if bin.is_empty() {
                "pg_dump".to_string()
            } else {
                format!("{bin}/pg_dump")
            };
            let out = std::process::Command::new(pg_dump)
                .arg(&self.url)
                .output()
                .expect("pg_dump runs");
            assert!(
                out.status.success(),
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }

        async fn reopen(&self, keys: Keys) -> Result<Arc<dyn Store>, StoreError> {
            Ok(Arc::new(PostgresStore::open(&self.url, keys).await?))
        }

        async fn second_store(&self) -> Arc<dyn Store> {
            Arc::new(
                PostgresStore::open(&self.url, self.keys.clone())
                    .await
                    .unwrap(),
            )
        }

        fn drop_audit_guard(&self) -> &'static str {
            "DROP TRIGGER audit_log_guard ON audit_log"
        }

        async fn index_definitions(&self) -> Vec<(String, String)> {
            // PostgreSQL writes each definition anew from the catalogue, so an index made by a
            // migration and one made by a rebuild read the same when they are the same.
            sqlx::query_as(
                "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname",
            )
            .fetch_all(&self.pool)
            .await
            .unwrap()
        }
    }

    async fn fresh() -> Option<TestDb> {
        let server = crate::testing::server_from_env()?;
        let url = crate::testing::create_database(&server, "conf").await;
        let keys = Keys::from_master(&Keys::generate_master());
        let store = PostgresStore::open(&url, keys.clone()).await.unwrap();
        let pool = store.pool().clone();
        Some(TestDb {
            store: Arc::new(store),
            raw: Box::new(Raw { url, pool, keys }),
        })
    }

    mnir_store::conformance_suite!(fresh);

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_dropped_while_its_transaction_begins_leaves_the_connection_clean() {
        let Some(server) = crate::testing::server_from_env() else {
            return;
        };
        let url = crate::testing::create_database(&server, "cancel").await;
        let keys = Keys::from_master(&Keys::generate_master());
        // One connection, so the next transaction is sure to get the one the dropped begin used.
        let store = PostgresStore::open_with_connections(&url, keys, 1)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE probe (n BIGINT)")
            .execute(store.pool())
            .await
            .unwrap();
        // Dropped after a few microseconds more each time, so that some of the drops fall between
        // `BEGIN … READ ONLY` going out and its answer coming back (on loopback a window of tens
        // of microseconds).
        let attempts = 400;
        for attempt in 0..attempts {
            let wait = Duration::from_micros(attempt % 200);
            let dropped = tokio::time::timeout(wait, store.begin_read()).await;
            drop(dropped);
            let mut tx = store.begin_write().await.unwrap();
            sqlx::query("INSERT INTO probe (n) VALUES (1)")
                .execute(&mut *tx)
                .await
                .expect("a write transaction after a dropped read-only begin may write");
            tx.commit().await.unwrap();
        }
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM probe")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(
            n, attempts as i64,
            "every write was committed, none ran inside a stale transaction"
        );
    }
}
