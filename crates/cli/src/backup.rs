//! `mnir backup` and `mnir restore`: a consistent copy of a database while it serves, and a copy
//! put back into a new database only once its key and its audit chain check out. The key file is
//! never in a backup: it is kept, and backed up, apart (README).

use crate::open::{Location, existing_keys_for, keys_for, redacted};
use crate::{DbArgs, usage};
use mnir_app::operator;
use mnir_crypto::Keys;
use mnir_store::{AuditVerdict, Store, StoreError};
use mnir_store_postgres::PostgresStore;
use mnir_store_sqlite::SqliteStore;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

pub async fn backup(db: &DbArgs, out: &Path) -> anyhow::Result<ExitCode> {
    if out.exists() {
        return Err(usage(format!(
            "{} already exists: a backup is written to a new file",
            out.display()
        )));
    }
    let (keys, location) = keys_for(db)?;
    let copying = crate::commands::spinner("copying the database");
    let copied = match location {
        Location::Sqlite(path) => {
            let store = Arc::new(SqliteStore::open(&path, keys).await?);
            bind(store.as_ref(), &db.url).await?;
            let copied = store.backup_to(out).await.map_err(anyhow::Error::from);
            copied.map(|()| store as Arc<dyn Store>)
        }
        Location::Postgres(url) => {
            let store = Arc::new(PostgresStore::open(&url, keys).await?);
            bind(store.as_ref(), &db.url).await?;
            pg_dump(&url, out).map(|()| store as Arc<dyn Store>)
        }
    };
    copying.finish_and_clear();
    let store = copied?;
    let app = crate::commands::operator_app(store);
    operator::note_backup(&app, &out.display().to_string()).await?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup of {} written to {} ({size} bytes); keep the key file apart from it",
        redacted(&db.url),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(db: &DbArgs, from: &Path) -> anyhow::Result<ExitCode> {
    let (keys, location) = existing_keys_for(db)?;
    let restoring = crate::commands::spinner("restoring and checking the audit chain");
    let restored = match location {
        Location::Sqlite(target) => restore_sqlite(from, &target, keys).await,
        Location::Postgres(url) => restore_postgres(from, &url, keys).await,
    };
    restoring.finish_and_clear();
    let (store, entries) = restored?;
    let app = crate::commands::operator_app(store);
    operator::note_restore(&app, &from.display().to_string(), entries).await?;
    println!(
        "restored {} into {}: the key matches and the audit log is intact ({entries} entries)",
        from.display(),
        redacted(&db.url)
    );
    Ok(ExitCode::SUCCESS)
}

/// The key file belongs to the database, or the command stops before touching anything.
async fn bind(store: &dyn Store, url: &str) -> anyhow::Result<()> {
    store.bind_key().await.map_err(|e| match e {
        StoreError::KeyMismatch => usage(format!(
            "the key file does not belong to the database {} (wrong --key-file?)",
            redacted(url)
        )),
        other => other.into(),
    })
}

/// The restored database's key and audit chain: the number of entries when both check out.
async fn check_restored(store: &dyn Store, from: &Path) -> anyhow::Result<i64> {
    store.bind_key().await.map_err(|e| match e {
        StoreError::KeyMismatch => usage(format!(
            "the key file does not belong to the backup {}: nothing was restored",
            from.display()
        )),
        other => other.into(),
    })?;
    match store.verify_audit().await? {
        AuditVerdict::Intact { entries } => Ok(entries),
        AuditVerdict::Broken { seq, why } => Err(usage(format!(
            "the backup's audit log is broken at entry {seq} ({why}): nothing was restored"
        ))),
    }
}

/// Copies the backup beside the target, checks it there, and only then gives it the target's
/// name: a refused restore leaves no database behind, and an existing one is never replaced.
async fn restore_sqlite(
    from: &Path,
    target: &Path,
    keys: Keys,
) -> anyhow::Result<(Arc<dyn Store>, i64)> {
    if target.exists() {
        return Err(usage(format!(
            "{} already exists: a restore writes a new database; name another file or move this one away",
            target.display()
        )));
    }
    let mut header = [0u8; 16];
    let is_sqlite = std::fs::File::open(from)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
        .is_ok()
        && header == SQLITE_HEADER;
    if !is_sqlite {
        return Err(usage(format!(
            "{} is not a SQLite backup made by mnir backup",
            from.display()
        )));
    }
    let staging = with_suffix(target, ".restoring");
    // A restore killed earlier may have left its copy: it was never a database anyone used.
    remove_sqlite_files(&staging);
    copy_private(from, &staging)?;
    let checked = async {
        let store = SqliteStore::open(&staging, keys.clone()).await?;
        let entries = check_restored(&store, from).await;
        store.close().await;
        entries
    }
    .await;
    let entries = match checked {
        Ok(entries) => entries,
        Err(e) => {
            remove_sqlite_files(&staging);
            return Err(e);
        }
    };
    std::fs::rename(&staging, target)
        .map_err(|e| anyhow::anyhow!("{} → {}: {e}", staging.display(), target.display()))?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(target, keys).await?);
    Ok((store, entries))
}

async fn restore_postgres(
    from: &Path,
    url: &str,
    keys: Keys,
) -> anyhow::Result<(Arc<dyn Store>, i64)> {
    if !PostgresStore::holds_no_tables(url).await? {
        return Err(usage(format!(
            "the database {} already holds tables: restore into a new, empty database (createdb)",
            redacted(url)
        )));
    }
    pg_restore(from, url)?;
    let checked = async {
        let store = PostgresStore::open(url, keys).await?;
        let entries = check_restored(&store, from).await;
        entries.map(|n| (store, n))
    }
    .await;
    match checked {
        Ok((store, entries)) => Ok((Arc::new(store), entries)),
        Err(e) => {
            // It held no tables before: emptying it again loses nothing.
            PostgresStore::empty_public_schema(url).await?;
            Err(e)
        }
    }
}

/// `pg_dump`'s custom format: compressed, and restored table by table by `pg_restore`.
fn pg_dump(url: &str, out: &Path) -> anyhow::Result<()> {
    // Created first so that the dump is readable by its owner only from its first byte.
    create_private(out)?;
    let dumped = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--no-privileges"])
        .arg(format!("--file={}", out.display()))
        .arg(format!("--dbname={url}"))
        .output();
    match dumped {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => {
            let _ = std::fs::remove_file(out);
            Err(anyhow::anyhow!(
                "pg_dump failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ))
        }
        Err(e) => {
            let _ = std::fs::remove_file(out);
            Err(usage(format!(
                "pg_dump could not run ({e}): install PostgreSQL's client programs (Debian: postgresql-client)"
            )))
        }
    }
}

/// In one transaction: a restore that fails midway leaves the database as empty as it was.
fn pg_restore(from: &Path, url: &str) -> anyhow::Result<()> {
    let restored = std::process::Command::new("pg_restore")
        .args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ])
        .arg(format!("--dbname={url}"))
        .arg(from)
        .output();
    match restored {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(usage(format!(
            "{} could not be restored (is it a backup made by mnir backup?): {}",
            from.display(),
            String::from_utf8_lossy(&o.stderr).trim()
        ))),
        Err(e) => Err(usage(format!(
            "pg_restore could not run ({e}): install PostgreSQL's client programs (Debian: postgresql-client)"
        ))),
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn create_private(path: &Path) -> anyhow::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn copy_private(from: &Path, to: &Path) -> anyhow::Result<()> {
    let mut source =
        std::fs::File::open(from).map_err(|e| anyhow::anyhow!("{}: {e}", from.display()))?;
    let mut copy = create_private(to)?;
    std::io::copy(&mut source, &mut copy)
        .and_then(|_| copy.sync_all())
        .map_err(|e| anyhow::anyhow!("{} → {}: {e}", from.display(), to.display()))
}

/// A database file with the journal, log and index files SQLite keeps beside it.
fn remove_sqlite_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}
