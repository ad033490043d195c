//! `mnir backup` and `mnir restore`: a consistent copy of a database while it serves, and a copy
//! put back into a new database only once its key and its audit chain check out. The key file is
//! never in a backup: it is kept, and backed up, apart (README). Nor are the cases' keys: they go
//! to the key ring (`key_ring.rs`), and a case erased after a backup was made is restored erased.

use crate::open::{Location, bind_key, existing_keys_for, redacted};
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

/// The key ring the arguments name, or the one beside the key file.
fn ring_path(db: &DbArgs, given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match given {
        Some(path) => Ok(path),
        None => Ok(crate::key_ring::default_path(&crate::open::key_path(db)?)),
    }
}

/// Writes the ring of the database's keys and erasures; returns how many of each.
async fn write_ring(store: &dyn Store, path: &Path, keys: &Keys) -> anyhow::Result<(usize, usize)> {
    let ring = crate::key_ring::Ring {
        keys: all_case_keys(store).await?,
        erased: all_erased(store).await?,
    };
    crate::key_ring::write(path, keys, &ring)?;
    Ok((ring.keys.len(), ring.erased.len()))
}

/// The ids of every case erased, from the register a page at a time.
async fn all_erased(store: &dyn Store) -> anyhow::Result<Vec<String>> {
    const PAGE: u32 = 10_000;
    let mut erased: Vec<String> = Vec::new();
    let mut after: Option<mnir_store::ListPlace> = None;
    loop {
        let page = store
            .erasures(mnir_store::Timestamp::EPOCH, after.as_ref(), PAGE)
            .await?;
        after = mnir_store::ListPlace::after_full(&page, PAGE, mnir_store::ListPlace::of_erasure);
        erased.extend(page.into_iter().map(|e| e.case_id));
        if after.is_none() {
            return Ok(erased);
        }
    }
}

/// Every case key of the database, a page at a time.
async fn all_case_keys(store: &dyn Store) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    const PAGE: u32 = 10_000;
    let mut all: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        let after = all.last().map(|(id, _)| id.clone());
        let page = store.case_keys_page(after.as_deref(), PAGE).await?;
        let full = page.len() == PAGE as usize;
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}

pub async fn backup(
    db: &DbArgs,
    out: &Path,
    key_ring: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let ring = ring_path(db, key_ring)?;
    if out.exists() {
        return Err(usage(format!(
            "{} already exists: a backup is written to a new file",
            out.display()
        )));
    }
    // A mistyped database or key file must not become a new, empty database and its backup.
    let (keys, location) = existing_keys_for(db)?;
    // Written beside its name and given the name only once whole and on the disk: a backup that
    // was cut short never looks like one.
    let partial = with_suffix(out, ".partial");
    let _ = std::fs::remove_file(&partial);
    let copying = crate::commands::spinner("copying the database");
    let copied = match location {
        Location::Sqlite(path) => {
            if !path.exists() {
                return Err(usage(format!("there is no database at {}", path.display())));
            }
            let store = Arc::new(SqliteStore::open(&path, keys).await?);
            bind_key(store.as_ref(), &db.url).await?;
            let copied = store.backup_to(&partial).await.map_err(anyhow::Error::from);
            copied.map(|()| store as Arc<dyn Store>)
        }
        Location::Postgres(url) => {
            let store = Arc::new(PostgresStore::open(&url, keys).await?);
            bind_key(store.as_ref(), &db.url).await?;
            pg_dump(&url, &partial).map(|()| store as Arc<dyn Store>)
        }
    };
    copying.finish_and_clear();
    // The ring after the copy (every case in the copy not erased by now has its key in it, and
    // one erased meanwhile is listed as erased) and before the copy gets its name: a backup is
    // never left without the ring that reads it.
    let ringed = match copied {
        Ok(store) => write_ring(store.as_ref(), &ring, &keys_of(db)?)
            .await
            .map(|written| (store, written)),
        Err(e) => Err(e),
    };
    let (store, (key_count, erased_count)) =
        match ringed.and_then(|done| settle(&partial, out).map(|()| done)) {
            Ok(done) => done,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
    let app = crate::commands::operator_app(store);
    operator::note_backup(&app, &out.display().to_string()).await?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup of {} written to {} ({size} bytes); keep the key file apart from it",
        redacted(&db.url),
        out.display()
    );
    println!(
        "{key_count} case keys and {erased_count} erasures written to the key ring {}, which replaces the earlier one: keep it with the key file, the newest only",
        ring.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Syncs a finished file and gives it its name, which must still be free (a link, unlike a
/// rename, never replaces a file that appeared meanwhile), then syncs the directory.
fn settle(written: &Path, name: &Path) -> anyhow::Result<()> {
    let failed =
        |e: std::io::Error| anyhow::anyhow!("{} → {}: {e}", written.display(), name.display());
    std::fs::File::open(written)
        .and_then(|f| f.sync_all())
        .map_err(failed)?;
    std::fs::hard_link(written, name).map_err(failed)?;
    std::fs::remove_file(written).map_err(failed)?;
    if let Some(dir) = name.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(failed)?;
    }
    Ok(())
}

fn keys_of(db: &DbArgs) -> anyhow::Result<Keys> {
    existing_keys_for(db).map(|(keys, _)| keys)
}

/// What putting the ring back did.
struct RingApplied {
    keys_put: u64,
    erased_since: u64,
}

/// Puts the ring's keys back into a restored database and erases again the cases the ring lists
/// as erased (erased after the backup was made, whether or not they had a key of their own). A
/// case whose fields are sealed under a key that is neither in the ring nor listed as erased
/// means the ring is older than the backup or another database's: refused, nothing kept. A
/// backup without such cases (one made before case keys) needs no ring.
async fn apply_ring(
    store: &dyn Store,
    ring_file: &Path,
    keys: &Keys,
) -> anyhow::Result<RingApplied> {
    let refused = |why: String| {
        usage(format!(
            "{why}; nothing was restored (give the newest key ring with --key-ring)"
        ))
    };
    let ring = crate::key_ring::read(ring_file, keys).map_err(|e| refused(format!("{e:#}")))?;
    let ring = ring.unwrap_or_default();
    let keys_put = store.put_case_keys(&ring.keys).await?;
    let by = mnir_store::AuditActor::cli(mnir_store::Timestamp::from_utc(chrono::Utc::now()));
    let mut erased_since = 0;
    for case_id in &ring.erased {
        erased_since += u64::from(store.erase_restored_case(case_id, &by).await?);
    }
    let missing = store.cases_missing_keys(5).await?;
    if !missing.is_empty() {
        return Err(refused(format!(
            "the key ring {} holds no key for cases of the backup it does not list as erased ({}…): it is older than the backup, another database's, or missing",
            ring_file.display(),
            missing.join(", ")
        )));
    }
    if erased_since > 0 {
        store.scrub_after_erasure().await?;
    }
    // The matching keys, left out of the backup, from the names the ring opens.
    while store.rebuild_match_keys(1000).await? > 0 {}
    Ok(RingApplied {
        keys_put,
        erased_since,
    })
}

pub async fn restore(
    db: &DbArgs,
    from: &Path,
    key_ring: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let (keys, location) = existing_keys_for(db)?;
    let ring_file = ring_path(db, key_ring)?;
    let restoring = crate::commands::spinner("restoring and checking the audit chain");
    let restored = match location {
        Location::Sqlite(target) => restore_sqlite(from, &target, keys, &ring_file).await,
        Location::Postgres(url) => restore_postgres(from, &url, keys, &ring_file).await,
    };
    restoring.finish_and_clear();
    let (store, entries, applied) = restored?;
    let app = crate::commands::operator_app(store);
    operator::note_restore(&app, &from.display().to_string(), entries).await?;
    println!(
        "restored {} into {}: the key matches and the audit log is intact ({entries} entries)",
        from.display(),
        redacted(&db.url)
    );
    println!(
        "{} case keys put back from {}; {} cases erased since the backup stay erased",
        applied.keys_put,
        ring_file.display(),
        applied.erased_since
    );
    Ok(ExitCode::SUCCESS)
}

/// The restored database's key and audit chain: the number of entries when both check out.
async fn check_restored(store: &dyn Store, from: &Path) -> anyhow::Result<i64> {
    if !store.key_is_bound().await? {
        return Err(usage(format!(
            "{} holds no key check: it is not a backup of a database made by mnir; nothing was restored",
            from.display()
        )));
    }
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
    ring_file: &Path,
) -> anyhow::Result<(Arc<dyn Store>, i64, RingApplied)> {
    // A `-wal` left from an earlier database would be replayed onto the restored file.
    if let Some(there) = sqlite_files(target).into_iter().find(|f| f.exists()) {
        return Err(usage(format!(
            "{} already exists: a restore writes a new database; name another file or move this one (and the files beside it) away",
            there.display()
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
    if sqlite_files(&staging).iter().any(|f| f.as_path() == from) {
        return Err(usage(format!(
            "{} is named as the restore's own working copy: rename the backup first",
            from.display()
        )));
    }
    // A restore killed earlier may have left its copy: it was never a database anyone used.
    remove_sqlite_files(&staging);
    copy_private(from, &staging)?;
    let checked = async {
        let store = SqliteStore::open(&staging, keys.clone()).await?;
        let entries = match check_restored(&store, from).await {
            Ok(entries) => apply_ring(&store, ring_file, &keys)
                .await
                .map(|applied| (entries, applied)),
            Err(e) => Err(e),
        };
        // Everything in the file itself before it is closed and named: no log to carry along.
        let checkpointed = store.fold_log().await;
        store.close().await;
        let entries = entries?;
        checkpointed?;
        Ok::<(i64, RingApplied), anyhow::Error>(entries)
    }
    .await;
    let (entries, applied) = match checked {
        Ok(done) => done,
        Err(e) => {
            remove_sqlite_files(&staging);
            return Err(e);
        }
    };
    if let Err(e) = settle(&staging, target) {
        remove_sqlite_files(&staging);
        return Err(e);
    }
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(target, keys).await?);
    Ok((store, entries, applied))
}

async fn restore_postgres(
    from: &Path,
    url: &str,
    keys: Keys,
    ring_file: &Path,
) -> anyhow::Result<(Arc<dyn Store>, i64, RingApplied)> {
    if !PostgresStore::public_schema_is_empty(url).await? {
        return Err(usage(format!(
            "the database {} is not empty: restore into a new, empty database (createdb)",
            redacted(url)
        )));
    }
    pg_restore(from, url)?;
    let checked = async {
        let store = PostgresStore::open(url, keys.clone()).await?;
        let entries = check_restored(&store, from).await?;
        let applied = apply_ring(&store, ring_file, &keys).await?;
        Ok::<_, anyhow::Error>((store, entries, applied))
    }
    .await;
    match checked {
        Ok((store, entries, applied)) => Ok((Arc::new(store), entries, applied)),
        Err(e) => {
            // Its schema was empty before: dropping what is there now drops what the restore made.
            match PostgresStore::drop_public_objects(url).await {
                Ok(()) => Err(e),
                Err(undo) => Err(e.context(format!(
                    "and what was restored could not be removed ({undo}): drop the database"
                ))),
            }
        }
    }
}

/// `pg_dump`'s custom format: compressed, and restored table by table by `pg_restore`.
fn pg_dump(url: &str, out: &Path) -> anyhow::Result<()> {
    // Created first so that the dump is readable by its owner only from its first byte.
    create_private(out)?;
    let (dbname, password) = without_password(url)?;
    let mut command = std::process::Command::new("pg_dump");
    command
        .args(["--format=custom", "--no-owner", "--no-privileges"])
        // The cases' keys go to the key ring, never into a backup (crypto-shredding), and what
        // was drawn from the names is rebuilt at a restore.
        .arg("--exclude-table-data=case_keys")
        .arg("--exclude-table-data=case_match_keys")
        .arg(format!("--file={}", out.display()))
        .arg(format!("--dbname={dbname}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let dumped = command.output();
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
    let (dbname, password) = without_password(url)?;
    let mut command = std::process::Command::new("pg_restore");
    command
        .args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ])
        .arg(format!("--dbname={dbname}"))
        .arg(from);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let restored = command.output();
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

/// The URL without its password, and the password (decoded): a command line is readable by
/// every user of the machine (`ps`), an environment variable of the child only by its owner.
fn without_password(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| usage(format!("invalid PostgreSQL URL: {e}")))?;
    let password = parsed.password().map(|p| {
        url::form_urlencoded::parse(format!("p={p}").as_bytes())
            .next()
            .map_or_else(|| p.to_string(), |(_, v)| v.into_owned())
    });
    if password.is_some() {
        // Only a URL that cannot have a password refuses to lose one.
        let _ = parsed.set_password(None);
    }
    Ok((parsed.to_string(), password))
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
fn sqlite_files(path: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| with_suffix(path, suffix))
        .collect()
}

fn remove_sqlite_files(path: &Path) {
    for file in sqlite_files(path) {
        let _ = std::fs::remove_file(file);
    }
}
