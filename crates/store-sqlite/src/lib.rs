//! The embedded backend: one SQLite file in WAL mode, foreign keys on, writes serialised by
//! `BEGIN IMMEDIATE` on a connection of their own (a bulk load that has the file to itself uses
//! a rollback journal and one connection instead: [`Journal::RollbackWhileAlone`]).

use mnir_crypto::Keys;
use mnir_store::{StoreError, impl_sql_store};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    /// The readers' connections: in WAL mode they read beside the writer, never waiting for it.
    /// In a bulk load with a rollback journal, the writer itself.
    pool: SqlitePool,
    /// The one connection that writes. SQLite lets one writer in at a time anyway; queueing the
    /// writers here, in order, keeps them out of SQLite's busy handler (which sleeps and retries)
    /// and keeps a writer waiting for its sync from holding a connection the readers need.
    writer: SqlitePool,
    keys: Keys,
    path: PathBuf,
    audit_keyed_from: std::sync::OnceLock<i64>,
    read_audit: mnir_store::group_commit::ReadAuditQueue,
    /// Opened for a bulk load with a rollback journal (see [`Journal::RollbackWhileAlone`]):
    /// the file goes back to WAL when the load ends.
    rollback_journal: bool,
}

/// What an acknowledged write survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// A power cut: each commit is synced to the disk (`synchronous=FULL`).
    PowerCut,
    /// Only a crash of the process (`synchronous=NORMAL`); for measuring, never for serving.
    ProcessCrash,
}

/// How a database is opened: what a commit survives, and the memory it may use. Resident memory
/// grows to about `connections × cache_mib`, on top of the server's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    pub durability: Durability,
    /// Connections for reading, beside the one that writes. A request holds one only for each
    /// statement, but a statement hands off to the connection's thread and back, so more
    /// connections than cores keep the cores busy while others wait for their turn.
    pub connections: u32,
    /// Each connection's page cache, in MiB.
    pub cache_mib: u32,
    pub journal: Journal,
}

/// Where SQLite keeps a transaction's pages until it is safe in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Journal {
    /// Write-ahead log: readers run beside the writer. What serving needs.
    Wal,
    /// A rollback journal while no other connection has the file open, WAL otherwise. A bulk load
    /// appends new pages, which a rollback journal does not copy, where the write-ahead log writes
    /// every page twice (to the log, then to the file at each checkpoint): copying the generated
    /// rows took 0.68 × the time (docs/PERFORMANCE.md). Commits are synced (`synchronous=FULL`),
    /// since with a rollback journal an unsynced commit can corrupt the file on a power cut. The
    /// store then has one connection (a reader would keep the mode from changing back), and
    /// [`mnir_store::CaseStore::finish_bulk_load`] returns the file to WAL.
    RollbackWhileAlone,
}

impl Tuning {
    /// For serving: every commit synced to the disk; 8 reading connections and the writer, 8 MiB
    /// each, so memory stays bounded whatever the size of the file: pages beyond the cache are
    /// read from the operating system's file cache, which is shared and not counted against the
    /// process. What it costs is in docs/PERFORMANCE.md.
    pub const SERVING: Tuning = Tuning {
        durability: Durability::PowerCut,
        connections: 8,
        cache_mib: 8,
        journal: Journal::Wal,
    };

    /// For loading many rows at once (`mnir generate`): a large cache and, when no other process
    /// has the file open, one connection with a rollback journal and synced commits (see
    /// [`Journal::RollbackWhileAlone`]); otherwise the writer and one reader in WAL with commits
    /// synced only at checkpoints. A process killed midway keeps every batch committed; in WAL, a
    /// power cut may lose the last ones (synthetic data: load another seed, or start the file
    /// again).
    pub const BULK: Tuning = Tuning {
        durability: Durability::ProcessCrash,
        connections: 1,
        cache_mib: 256,
        journal: Journal::RollbackWhileAlone,
    };
}

impl SqliteStore {
    /// SQLite serialises writers already (`BEGIN IMMEDIATE`), so no row locks are needed.
    const CLAIM_SUFFIX: &'static str = "";

    /// Opens (creating when missing) the database at `path` and runs pending migrations; every
    /// commit reaches the disk before it is acknowledged.
    pub async fn open(path: &Path, keys: Keys) -> Result<SqliteStore, StoreError> {
        Self::open_tuned(path, keys, Tuning::SERVING).await
    }

    /// `open` with a chosen durability: `ProcessCrash` exists so a benchmark can measure what
    /// surviving a power cut costs, and for bulk loads; the server always opens with `PowerCut`.
    pub async fn open_with(
        path: &Path,
        keys: Keys,
        durability: Durability,
    ) -> Result<SqliteStore, StoreError> {
        Self::open_tuned(
            path,
            keys,
            Tuning {
                durability,
                ..Tuning::SERVING
            },
        )
        .await
    }

    pub async fn open_tuned(
        path: &Path,
        keys: Keys,
        tuning: Tuning,
    ) -> Result<SqliteStore, StoreError> {
        let durability = tuning.durability;
        // The file holds encrypted personal data and its metadata: readable by its owner only.
        // SQLite gives the `-wal` and `-shm` files the mode of the database file, so creating it
        // here closes all three.
        if !path.exists() {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| StoreError::Database(format!("{}: {e}", path.display())))?;
        }
        let options = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))
            .map_err(|e| StoreError::Database(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a write is on the disk before it is acknowledged, so an acknowledged write
            // survives a power cut, not only a crash of the process (NORMAL, with WAL, may lose
            // the last transactions to a power cut). Its cost is in docs/PERFORMANCE.md.
            .synchronous(match durability {
                Durability::PowerCut => SqliteSynchronous::Full,
                Durability::ProcessCrash => SqliteSynchronous::Normal,
            })
            .foreign_keys(true)
            // What a delete or an update frees is overwritten with zeros rather than left in the
            // file's free space, so an erased value's ciphertext and a destroyed case key do not
            // linger there (mnir.md §13).
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(15))
            // A negative size is in KiB.
            .pragma(
                "cache_size",
                format!("-{}", u64::from(tuning.cache_mib.max(1)) * 1024),
            );
        let pools = |connections: u32| {
            SqlitePoolOptions::new()
                .max_connections(connections)
                // A connection to a file in this process cannot go stale, so the round trip to
                // its thread that checks it before every use would only cost time.
                .test_before_acquire(false)
                // A writer waits here for the one writing connection, in order, as long as
                // SQLite's busy handler would have let it wait for the lock.
                .acquire_timeout(Duration::from_secs(15))
        };
        let opened = |e: sqlx::Error| StoreError::Database(format!("{}: {e}", path.display()));
        let alone = match tuning.journal {
            Journal::Wal => None,
            // Leaving WAL needs the file to itself: with another process on it, the switch is
            // refused within a short wait and the load runs in WAL as the others do.
            Journal::RollbackWhileAlone => {
                let alone = pools(1)
                    // Never opened again with the short wait below: one connection for the load.
                    .max_lifetime(None)
                    .idle_timeout(None)
                    .connect_with(
                        options
                            .clone()
                            .journal_mode(SqliteJournalMode::Delete)
                            .synchronous(SqliteSynchronous::Full)
                            .busy_timeout(Duration::from_millis(200)),
                    )
                    .await
                    .ok();
                match alone {
                    // Once switched, a process that opens the file meanwhile (a server, a
                    // command) is waited for as long as in WAL, not the switch's short wait.
                    Some(writer) => sqlx::query("PRAGMA busy_timeout = 15000")
                        .execute(&writer)
                        .await
                        .ok()
                        .map(|_| writer),
                    None => None,
                }
            }
        };
        let rollback_journal = alone.is_some();
        let writer = match alone {
            Some(writer) => writer,
            None => pools(1)
                .connect_with(options.clone())
                .await
                .map_err(opened)?,
        };
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(|e| StoreError::Database(format!("migration failed: {e}")))?;
        let pool = if rollback_journal {
            writer.clone()
        } else {
            pools(tuning.connections.max(1))
                .connect_with(options)
                .await
                .map_err(opened)?
        };
        let store = SqliteStore {
            pool,
            writer,
            keys,
            path: path.to_path_buf(),
            audit_keyed_from: std::sync::OnceLock::new(),
            read_audit: Default::default(),
            rollback_journal,
        };
        // A bulk load killed midway left some of the lists' indexes unbuilt.
        mnir_store::CaseStore::build_list_indexes(&store).await?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Copies the database to `out`, a file that must not exist yet, while it serves: `VACUUM
    /// INTO` reads one snapshot (writers go on beside it) and writes a compact file of it. The
    /// copy is readable by its owner only, like the database, and holds the same ciphertext:
    /// without the key file it is unreadable. A failed copy leaves no file behind.
    pub async fn backup_to(&self, out: &Path) -> Result<(), StoreError> {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(out)
            .map_err(|e| StoreError::Database(format!("{}: {e}", out.display())))?;
        let copied = sqlx::query("VACUUM INTO $1")
            .bind(out.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await;
        let stripped = match copied {
            Ok(_) => Self::strip_case_keys(out).await,
            Err(e) => Err(e),
        };
        if let Err(e) = stripped {
            let _ = std::fs::remove_file(out);
            return Err(StoreError::Database(format!("{}: {e}", out.display())));
        }
        Ok(())
    }

    /// Empties the copy's `case_keys` and `case_match_keys` and rebuilds the file, so that no
    /// page of it, free or not, holds a case's key (they go to the key ring: crypto-shredding,
    /// mnir.md §13) or what was drawn from its names (rebuilt at a restore).
    async fn strip_case_keys(copy: &Path) -> sqlx::Result<()> {
        use sqlx::{ConnectOptions, Connection};
        let mut conn = SqliteConnectOptions::new()
            .filename(copy)
            .pragma("secure_delete", "ON")
            .connect()
            .await?;
        sqlx::query("DELETE FROM case_keys")
            .execute(&mut conn)
            .await?;
        // The matching keys would let whoever holds the key file test names against them.
        sqlx::query("DELETE FROM case_match_keys")
            .execute(&mut conn)
            .await?;
        sqlx::query("VACUUM").execute(&mut conn).await?;
        conn.close().await
    }

    /// Copies every page of the write-ahead log into the file and empties the log, so that the
    /// file alone holds the database (before a copy of it is named or moved).
    pub async fn fold_log(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.writer)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::Database(format!("{}: {e}", self.path.display())))
    }

    /// The readers' pool (a test's raw statements may write through it too: SQLite's own lock
    /// then orders them with the store's writer).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection, so that another process finds the file free of this one.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }

    /// The end of a bulk load opened with [`Journal::RollbackWhileAlone`]: the file back in WAL
    /// mode, as every server and command expects it.
    async fn settle_after_bulk_load(&self) -> sqlx::Result<()> {
        if self.rollback_journal {
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL")
                .fetch_one(&self.writer)
                .await?;
            // SQLite answers with the mode it is in, which is the old one when it could not switch.
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(sqlx::Error::Protocol(format!(
                    "the file stayed in journal mode {mode} after the bulk load"
                )));
            }
        }
        Ok(())
    }

    /// After an erasure: the log's pages, which still hold the values as they were before it,
    /// are moved into the file (where `secure_delete` zeroes what the erasure freed) and the log
    /// is emptied. A reader still on an older snapshot can keep the log from emptying; the next
    /// erasure or checkpoint does it then.
    async fn scrub_erased_pages(&self) -> sqlx::Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.writer)
            .await
            .map(|_| ())
    }

    /// Where a single statement that changes rows runs.
    fn writes(&self) -> &SqlitePool {
        &self.writer
    }

    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Sqlite>> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    /// A read of one snapshot that takes no write lock: in WAL mode it runs beside the writer,
    /// so a slow read never holds up the writes queued behind it (nor the reads' audit entries).
    /// (In a bulk load with a rollback journal it takes the one connection, so it must end before
    /// the next write: a load reads nothing while it writes.)
    async fn begin_read(&self) -> sqlx::Result<sqlx::Transaction<'static, Sqlite>> {
        self.pool.begin_with("BEGIN DEFERRED").await
    }

    /// The triggers of migration 0001 that refuse every change and deletion of an audit entry.
    async fn audit_guards_missing(&self) -> sqlx::Result<Vec<String>> {
        let present: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(["audit_log_no_update", "audit_log_no_delete"]
            .into_iter()
            .filter(|name| !present.iter().any(|p| p == name))
            .map(str::to_string)
            .collect())
    }

    /// The names of the indexes the schema holds.
    async fn index_names(pool: &SqlitePool) -> sqlx::Result<Vec<String>> {
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'index'")
            .fetch_all(pool)
            .await
    }

    /// `BEGIN IMMEDIATE` already holds the database's single write lock.
    async fn lock_audit_chain(_conn: &mut SqliteConnection) -> sqlx::Result<()> {
        Ok(())
    }
}

impl_sql_store!(SqliteStore, Sqlite, "sqlite");

#[cfg(test)]
mod conformance {
    use super::*;
    use async_trait::async_trait;
    use mnir_store::Store;
    use mnir_store::conformance::{RawAccess, TestDb};
    use std::sync::Arc;

    struct Raw {
        dir: Arc<tempfile::TempDir>,
        pool: SqlitePool,
        keys: Keys,
    }

    #[async_trait]
    impl RawAccess for Raw {
        async fn execute(&self, sql: &str) -> Result<u64, String> {
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
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
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(self.dir.path()).unwrap() {
                bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
            }
            bytes
        }

        async fn reopen(&self, keys: Keys) -> Result<Arc<dyn Store>, StoreError> {
            Ok(Arc::new(
                SqliteStore::open(&self.dir.path().join("mnir.db"), keys).await?,
            ))
        }

        async fn second_store(&self) -> Arc<dyn Store> {
            Arc::new(
                SqliteStore::open(&self.dir.path().join("mnir.db"), self.keys.clone())
                    .await
                    .unwrap(),
            )
        }

        fn drop_audit_guard(&self) -> &'static str {
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
        }

        async fn index_definitions(&self) -> Vec<(String, String)> {
            sqlx::query_as(
                "SELECT m.name, m.tbl_name || '(' || group_concat(i.name, ', ') || ')' FROM sqlite_master m, pragma_index_info(m.name) i WHERE m.type = 'index' AND m.sql IS NOT NULL GROUP BY m.name ORDER BY m.name",
            )
            .fetch_all(&self.pool)
            .await
            .unwrap()
        }
    }

    async fn fresh() -> Option<TestDb> {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let keys = Keys::from_master(&Keys::generate_master());
        let store = SqliteStore::open(&dir.path().join("mnir.db"), keys.clone())
            .await
            .unwrap();
        let pool = store.pool().clone();
        Some(TestDb {
            store: Arc::new(store),
            raw: Box::new(Raw { dir, pool, keys }),
        })
    }

    mnir_store::conformance_suite!(fresh);

    #[tokio::test]
    async fn every_connection_syncs_each_commit_to_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(
            &dir.path().join("s.db"),
            Keys::from_master(&Keys::generate_master()),
        )
        .await
        .unwrap();
        // Several connections at once, so the setting is seen on more than the first.
        let mut held = Vec::new();
        for _ in 0..3 {
            let mut c = store.pool().acquire().await.unwrap();
            let (level,): (i64,) = sqlx::query_as("PRAGMA synchronous")
                .fetch_one(&mut *c)
                .await
                .unwrap();
            assert_eq!(level, 2, "2 is FULL");
            held.push(c);
        }
    }
}

#[cfg(test)]
mod bulk_journal {
    use super::*;
    use mnir_store::CaseStore;

    async fn journal_mode(pool: &SqlitePool) -> String {
        sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(pool)
            .await
            .unwrap()
    }

    fn keys() -> Keys {
        Keys::from_master(&Keys::generate_master())
    }

    #[tokio::test]
    async fn a_bulk_load_alone_uses_a_rollback_journal_and_leaves_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mnir.db");
        let keys = keys();
        SqliteStore::open(&path, keys.clone())
            .await
            .unwrap()
            .close()
            .await;
        let bulk = SqliteStore::open_tuned(&path, keys, Tuning::BULK)
            .await
            .unwrap();
        assert_eq!(journal_mode(bulk.pool()).await, "delete");
        bulk.finish_bulk_load().await.unwrap();
        assert_eq!(journal_mode(bulk.pool()).await, "wal");
        bulk.close().await;
    }

    #[tokio::test]
    async fn a_bulk_load_beside_an_open_store_stays_in_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mnir.db");
        let keys = keys();
        let serving = SqliteStore::open(&path, keys.clone()).await.unwrap();
        // An open read keeps a connection of the serving store on the file.
        let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
            .fetch_one(serving.pool())
            .await
            .unwrap();
        let bulk = SqliteStore::open_tuned(&path, keys, Tuning::BULK)
            .await
            .unwrap();
        assert_eq!(journal_mode(bulk.pool()).await, "wal");
        bulk.finish_bulk_load().await.unwrap();
        assert_eq!(journal_mode(serving.pool()).await, "wal");
        bulk.close().await;
        serving.close().await;
    }
}
