//! Opening the database named by a URL, with its key file.

use crate::{DbArgs, usage};
use mnir_crypto::Keys;
use mnir_store::{Store, StoreError};
use mnir_store_postgres::PostgresStore;
use mnir_store_sqlite::{SqliteStore, Tuning};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

pub fn parse_url(url: &str) -> anyhow::Result<Location> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.is_empty() {
            return Err(usage(format!(
                "database URL `{url}` names no file (expected sqlite:PATH)"
            )));
        }
        return Ok(Location::Sqlite(PathBuf::from(path)));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Location::Postgres(url.to_string()));
    }
    Err(usage(format!(
        "unsupported database URL `{url}` (expected sqlite:PATH or postgres://USER@HOST/DB)"
    )))
}

pub fn default_key_file(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// The keys and the location, without connecting (for commands that act on files first); a
/// missing key file is created.
pub fn keys_for(args: &DbArgs) -> anyhow::Result<(Keys, Location)> {
    keys_at(args, true)
}

/// [`keys_for`] for a command that needs the key a database already has (a restore): a missing
/// key file is an error, never a new key.
pub fn existing_keys_for(args: &DbArgs) -> anyhow::Result<(Keys, Location)> {
    keys_at(args, false)
}

/// The key file the arguments name, or the one beside a SQLite database.
pub fn key_path(args: &DbArgs) -> anyhow::Result<PathBuf> {
    match (&args.key_file, parse_url(&args.url)?) {
        (Some(p), _) => Ok(p.clone()),
        (None, Location::Sqlite(path)) => Ok(default_key_file(&path)),
        (None, Location::Postgres(_)) => Err(usage(
            "a PostgreSQL database needs --key-file (or MNIR_KEY_FILE)",
        )),
    }
}

fn keys_at(args: &DbArgs, create: bool) -> anyhow::Result<(Keys, Location)> {
    let location = parse_url(&args.url)?;
    let key_path = key_path(args)?;
    let keys = mnir_crypto::load_or_create_key_file(&key_path, create)
        .map_err(|e| usage(e.to_string()))?;
    Ok((keys, location))
}

/// Opens the database (running pending migrations) for serving and checks the key belongs to it.
pub async fn open(args: &DbArgs) -> anyhow::Result<(Arc<dyn Store>, Keys)> {
    open_tuned(args, Tuning::SERVING).await
}

/// `open` for loading many rows: on SQLite, a large cache and, when the file is not open in
/// another process, a rollback journal on one connection (`--db-connections` then has nothing
/// to size); see [`Tuning::BULK`]. The options given on the command line still win.
pub async fn open_for_bulk(args: &DbArgs) -> anyhow::Result<(Arc<dyn Store>, Keys)> {
    open_tuned(args, Tuning::BULK).await
}

async fn open_tuned(args: &DbArgs, base: Tuning) -> anyhow::Result<(Arc<dyn Store>, Keys)> {
    let (keys, location) = keys_for(args)?;
    let store: Arc<dyn Store> = match location {
        Location::Sqlite(path) => {
            let tuning = Tuning {
                connections: args.connections.unwrap_or(base.connections),
                cache_mib: args.sqlite_cache_mib.unwrap_or(base.cache_mib),
                ..base
            };
            Arc::new(SqliteStore::open_tuned(&path, keys.clone(), tuning).await?)
        }
        Location::Postgres(url) => Arc::new(
            PostgresStore::open_with_connections(
                &url,
                keys.clone(),
                args.connections.unwrap_or(16),
            )
            .await?,
        ),
    };
    bind_key(store.as_ref(), &args.url).await?;
    Ok((store, keys))
}

/// The key file belongs to the database (recorded on first use), or the command stops with one
/// line before touching anything.
pub async fn bind_key(store: &dyn Store, url: &str) -> anyhow::Result<()> {
    store.bind_key().await.map_err(|e| match e {
        StoreError::KeyMismatch => usage(format!(
            "the key file does not belong to the database {} (wrong --key-file?)",
            redacted(url)
        )),
        other => other.into(),
    })
}

/// The URL without a password, for messages and logs: neither the one in its user part nor one
/// given as a `password` parameter (which sqlx also reads). A URL that cannot be read is not
/// shown at all, since where its password is cannot be told.
pub fn redacted(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "(a database URL that cannot be read)".to_string();
    };
    if parsed.password().is_some() {
        // Only a URL that cannot carry a user part refuses this, and then it has no password.
        let _ = parsed.set_password(None);
    }
    let is_password = |name: &str| name.eq_ignore_ascii_case("password");
    if parsed.query_pairs().any(|(name, _)| is_password(&name)) {
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(name, _)| !is_password(name))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed_and_passwords_never_shown() {
        assert!(
            matches!(parse_url("sqlite:data/x.db"), Ok(Location::Sqlite(p)) if p == Path::new("data/x.db"))
        );
        assert!(matches!(
            parse_url("postgres://u@h/db"),
            Ok(Location::Postgres(_))
        ));
        assert!(parse_url("mysql://h/db").is_err());
        assert!(parse_url("sqlite:").is_err());
        assert_eq!(
            redacted("postgres://mnir:s3cret@db.local:5432/mnir"),
            "postgres://mnir@db.local:5432/mnir"
        );
        assert_eq!(redacted("sqlite:x.db"), "sqlite:x.db");
        assert_eq!(
            redacted("postgres://mnir@db.local/mnir?password=s3cret&sslmode=require"),
            "postgres://mnir@db.local/mnir?sslmode=require"
        );
        assert_eq!(
            redacted("postgres://db.local/mnir?user=mnir&PASSWORD=s3cret"),
            "postgres://db.local/mnir?user=mnir"
        );
        assert_eq!(
            redacted("postgres://db.local/mnir?password=s3cret"),
            "postgres://db.local/mnir"
        );
        assert!(!redacted("postgres://mnir:s3cret@[db/mnir").contains("s3cret"));
        assert_eq!(
            default_key_file(Path::new("a/b.db")),
            Path::new("a/b.db.key")
        );
    }
}
