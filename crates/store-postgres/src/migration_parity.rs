//! Both backends' migrations must build the same schema: the same tables, the same columns with
//! the same types and nullability, the same keys, and the same explicitly created indexes. The SQL
//! is written once for both, so a column or index that one backend lacks is a bug waiting for the
//! first deployment on that backend.

use mnir_crypto::Keys;
use mnir_store_sqlite::SqliteStore;
use sqlx::{PgPool, SqlitePool};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default, PartialEq)]
struct Table {
    /// Column name → (type, nullable).
    columns: BTreeMap<String, (String, bool)>,
    primary_key: Vec<String>,
    /// The column lists of UNIQUE constraints (not of unique indexes, compared below).
    unique: BTreeSet<Vec<String>>,
    /// Indexes made by `CREATE INDEX`, by name; the ones backing keys and UNIQUE constraints are
    /// named by each database its own way, and are compared as constraints above.
    indexes: BTreeMap<String, Index>,
}

#[derive(Debug, PartialEq)]
struct Index {
    columns: Vec<String>,
    unique: bool,
    partial: bool,
}

type Schema = BTreeMap<String, Table>;

/// The declared types are spelled differently (`BLOB` in SQLite is `BYTEA` in PostgreSQL); this
/// maps SQLite's spelling to PostgreSQL's `information_schema` name.
fn sqlite_type(declared: &str) -> String {
    match declared.to_ascii_uppercase().as_str() {
        "BLOB" => "bytea".into(),
        other => other.to_ascii_lowercase(),
    }
}

async fn sqlite_schema(pool: &SqlitePool) -> Schema {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for name in names {
        let mut table = Table::default();
        let columns: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)")
                .bind(&name)
                .fetch_all(pool)
                .await
                .unwrap();
        let mut key: Vec<(i64, String)> = Vec::new();
        for (column, declared, not_null, pk) in columns {
            // A key column is NOT NULL in PostgreSQL by definition; SQLite would take a NULL in a
            // TEXT key, but the store binds every key, so the two mean the same here.
            table.columns.insert(
                column.clone(),
                (sqlite_type(&declared), not_null == 0 && pk == 0),
            );
            if pk > 0 {
                key.push((pk, column));
            }
        }
        key.sort();
        table.primary_key = key.into_iter().map(|(_, c)| c).collect();
        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)")
                .bind(&name)
                .fetch_all(pool)
                .await
                .unwrap();
        for (index, unique, origin, partial) in indexes {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(pool)
                    .await
                    .unwrap();
            match origin.as_str() {
                "c" => {
                    table.indexes.insert(
                        index,
                        Index {
                            columns,
                            unique: unique != 0,
                            partial: partial != 0,
                        },
                    );
                }
                "u" => {
                    table.unique.insert(columns);
                }
                _ => {}
            }
        }
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(pool: &PgPool) -> Schema {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for name in names {
        let mut table = Table::default();
        let columns: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for (column, data_type, nullable) in columns {
            table.columns.insert(column, (data_type, nullable == "YES"));
        }
        let constraints: Vec<(String, Vec<String>)> = sqlx::query_as(
            "SELECT c.contype::text, array_agg(a.attname::text ORDER BY k.n) FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum WHERE c.conrelid = to_regclass($1) AND c.contype IN ('p', 'u') GROUP BY c.oid, c.contype",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for (kind, columns) in constraints {
            if kind == "p" {
                table.primary_key = columns;
            } else {
                table.unique.insert(columns);
            }
        }
        let indexes: Vec<(String, bool, bool, Vec<String>)> = sqlx::query_as(
            "SELECT i.relname::text, x.indisunique, x.indpred IS NOT NULL, array_agg(a.attname::text ORDER BY k.n) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum WHERE x.indrelid = to_regclass($1) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')) GROUP BY i.relname, x.indisunique, x.indpred IS NOT NULL",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for (index, unique, partial, columns) in indexes {
            table.indexes.insert(
                index,
                Index {
                    columns,
                    unique,
                    partial,
                },
            );
        }
        schema.insert(name, table);
    }
    schema
}

/// Every way the two schemas differ, one line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in sqlite
        .keys()
        .chain(postgres.keys())
        .collect::<BTreeSet<_>>()
    {
        let (s, p) = match (sqlite.get(name), postgres.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (Some(_), None) => {
                out.push(format!("table {name}: only in SQLite"));
                continue;
            }
            _ => {
                out.push(format!("table {name}: only in PostgreSQL"));
                continue;
            }
        };
        for column in s
            .columns
            .keys()
            .chain(p.columns.keys())
            .collect::<BTreeSet<_>>()
        {
            match (s.columns.get(column), p.columns.get(column)) {
                (Some(a), Some(b)) if a != b => out.push(format!(
                    "column {name}.{column}: SQLite {a:?}, PostgreSQL {b:?} (type, nullable)"
                )),
                (Some(_), None) => out.push(format!("column {name}.{column}: only in SQLite")),
                (None, Some(_)) => out.push(format!("column {name}.{column}: only in PostgreSQL")),
                _ => {}
            }
        }
        if s.primary_key != p.primary_key {
            out.push(format!(
                "primary key of {name}: SQLite {:?}, PostgreSQL {:?}",
                s.primary_key, p.primary_key
            ));
        }
        if s.unique != p.unique {
            out.push(format!(
                "UNIQUE constraints of {name}: SQLite {:?}, PostgreSQL {:?}",
                s.unique, p.unique
            ));
        }
        for index in s
            .indexes
            .keys()
            .chain(p.indexes.keys())
            .collect::<BTreeSet<_>>()
        {
            match (s.indexes.get(index), p.indexes.get(index)) {
                (Some(a), Some(b)) if a != b => out.push(format!(
                    "index {name}.{index}: SQLite {a:?}, PostgreSQL {b:?}"
                )),
                (Some(_), None) => out.push(format!("index {name}.{index}: only in SQLite")),
                (None, Some(_)) => out.push(format!("index {name}.{index}: only in PostgreSQL")),
                _ => {}
            }
        }
    }
    out
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    let Some(server) = crate::testing::server_from_env() else {
        return;
    };
    let keys = Keys::from_master(&Keys::generate_master());
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("mnir.db"), keys.clone())
        .await
        .unwrap();
    let url = crate::testing::create_database(&server, "parity").await;
    let postgres = crate::PostgresStore::open(&url, keys).await.unwrap();

    let sqlite = sqlite_schema(sqlite.pool()).await;
    let postgres = postgres_schema(postgres.pool()).await;
    // The readers must see what is there, or two empty answers would agree.
    assert!(
        sqlite.len() > 10 && sqlite.values().all(|t| !t.columns.is_empty()),
        "the SQLite schema was read: {sqlite:?}"
    );
    assert_eq!(
        sqlite["clocks"].indexes.get("clocks_one_reflection_period"),
        Some(&Index {
            columns: vec!["case_id".into()],
            unique: true,
            partial: true,
        })
    );
    assert!(sqlite["users"].unique.contains(&vec!["login".to_string()]));
    assert_eq!(sqlite["case_access"].primary_key, ["case_id", "org_code"]);
    let found = differences(&sqlite, &postgres);
    assert!(
        found.is_empty(),
        "the migrations of the two backends differ:\n{}",
        found.join("\n")
    );
}

/// The comparison itself reports what differs (so the test above can fail).
#[test]
fn a_missing_index_or_column_is_reported() {
    let table = |index: bool, nullable: bool| Table {
        columns: [("id".to_string(), ("text".to_string(), nullable))].into(),
        primary_key: vec!["id".into()],
        unique: BTreeSet::new(),
        indexes: if index {
            [(
                "t_id".to_string(),
                Index {
                    columns: vec!["id".into()],
                    unique: false,
                    partial: false,
                },
            )]
            .into()
        } else {
            BTreeMap::new()
        },
    };
    let one: Schema = [("t".to_string(), table(true, false))].into();
    let other: Schema = [("t".to_string(), table(false, true))].into();
    assert_eq!(
        differences(&one, &other),
        [
            "column t.id: SQLite (\"text\", false), PostgreSQL (\"text\", true) (type, nullable)",
            "index t.t_id: only in SQLite",
        ]
    );
    assert!(differences(&one, &one).is_empty());
}
