//! The SQL implementation of [`crate::Store`], written once and expanded in each backend crate:
//! one file per area (`sql/cases.rs` holds `impl_sql_case_store!`, and so on), all expanded by
//! [`impl_sql_store!`].
//!
//! SQLite and PostgreSQL accept the same statements here (`$n` placeholders, `ON CONFLICT`,
//! `BIGINT` epoch milliseconds, `BLOB`/`BYTEA` both bound as bytes), so the only differences are
//! the backend's own hooks, which each backend defines as inherent methods:
//!
//! - `async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, DB>>`: a transaction
//!   that may write (SQLite takes the write lock at `BEGIN IMMEDIATE` so two writers never
//!   deadlock on upgrade);
//! - `async fn lock_audit_chain(conn: &mut DB::Connection) -> sqlx::Result<()>`: serialises
//!   appends to the audit chain across connections and servers;
//! - a field `audit_keyed_from: std::sync::OnceLock<i64>`, empty at open: where the keyed audit
//!   chain begins, once read;
//! - a field `read_audit: group_commit::ReadAuditQueue`, empty at open: the reads' audit
//!   entries waiting for their batch;
//! - `async fn index_names(pool) -> sqlx::Result<Vec<String>>`: the indexes the schema holds;
//! - `fn writes(&self) -> &Pool<DB>`: where a single statement that changes rows runs outside a
//!   transaction (SQLite's one writing connection, PostgreSQL's pool). Reads use the field
//!   `pool`.
//!
//! A macro rather than generic functions because sqlx's per-database trait bounds would
//! otherwise have to be repeated on every function.

mod accounts;
mod audit;
mod break_glass;
mod cases;
mod clocks;
mod consent;
mod directory;
mod duplicates;
mod exchange;
mod identification;
mod justice;
mod plan;
mod referrals;
mod reflection;
mod repatriation;
mod retention;
mod risk;
mod shared;
mod statistics;
mod training;
mod victim;

#[doc(hidden)]
pub mod __private {
    pub use async_trait::async_trait;
    pub use chrono;
    pub use futures_util;
    pub use mnir_crypto;
    pub use mnir_domain;
    pub use serde_json;
    pub use uuid;
}

use crate::StoreError;
use mnir_domain::CaseState;
use std::str::FromStr;

/// Maps a text column back to a vocabulary value, naming the column when the database holds
/// something the code does not know.
pub fn parse_column<T: FromStr<Err = E>, E: std::fmt::Display>(
    column: &str,
    value: &str,
) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

pub fn state_column(value: &str) -> Result<CaseState, StoreError> {
    parse_column("cases.state", value)
}

/// Maps a stored code back to its closed list, naming the column when the database holds a code
/// the program does not know (an error, never a silent default).
pub fn code_column<T>(
    column: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(value).ok_or_else(|| StoreError::Corrupt(format!("{column}: unknown code `{value}`")))
}

/// ` LIMIT n`, written into the statement rather than bound. SQLite (3.51, as bundled) marks a
/// statement whose LIMIT is a bound parameter to be prepared again whenever that parameter is
/// bound (`computeLimitRegisters` reads the bound value and calls `sqlite3VdbeSetVarmask`), so a
/// bound limit parsed and planned the statement again at every execution: the inbox's merged
/// ranges spent 18 % of the server's samples in `sqlite3Reprepare`. A limit is always the
/// program's own integer, never a user's text.
pub fn limit(n: i64) -> String {
    format!(" LIMIT {n}")
}

/// The sizes of the multi-row inserts that append audit entries, largest first: a group is
/// written as chunks of these sizes, so that whatever its length the connection prepares at most
/// these few statements (nine values a row; 64 rows are 576, within both databases' limits).
pub const AUDIT_INSERT_SIZES: [usize; 4] = [64, 16, 4, 1];

/// The insert of `rows` audit entries, numbered from `$1`.
pub fn audit_insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO audit_log (seq, at_ms, actor_user, actor_org, action, target, detail, prev_hash, hash) VALUES ",
    );
    for row in 0..rows {
        let first = row * 9;
        if row > 0 {
            sql.push_str(", ");
        }
        let values: Vec<String> = (1..=9).map(|k| format!("${}", first + k)).collect();
        sql.push('(');
        sql.push_str(&values.join(", "));
        sql.push(')');
    }
    sql
}

/// `sql` with each numbered parameter `$n` written `$(n + by)`: a statement's own parameters
/// placed after those of the statements before it in one text (see `read_batch`). The store's
/// statements hold no `$` but their parameters' (none in quoted text or comments, no
/// dollar-quoting), which this and [`inline_arguments`] rely on.
pub fn shift_parameters(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut copied = 0;
    for (digits, n) in numbered_parameters(sql) {
        out.push_str(&sql[copied..digits.start]);
        out.push_str(&(n + by).to_string());
        copied = digits.end;
    }
    out.push_str(&sql[copied..]);
    out
}

/// `sql` with each `$n` replaced by its argument written as a literal, for a batch sent to
/// PostgreSQL in one simple query (see `read_batch`), where parameters cannot be bound. Text is
/// written as an escape string (`E'…'`, backslashes and quotes doubled), which reads the same
/// whatever `standard_conforming_strings` says; text holding a NUL, which PostgreSQL's text
/// cannot hold either, is refused. `None` when a `$n` has no argument.
pub fn inline_arguments(sql: &str, args: &[BatchArg<'_>]) -> Option<String> {
    let mut out = String::with_capacity(sql.len() + 16 * args.len());
    let mut copied = 0;
    for (digits, n) in numbered_parameters(sql) {
        // The `$` before the digits goes too.
        out.push_str(&sql[copied..digits.start - 1]);
        let arg = args.get(n.checked_sub(1)?)?;
        match *arg {
            BatchArg::Text(text) | BatchArg::MaybeText(Some(text)) => {
                if text.contains('\0') {
                    return None;
                }
                out.push_str("E'");
                for c in text.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("''"),
                        c => out.push(c),
                    }
                }
                out.push('\'');
            }
            BatchArg::MaybeText(None) => out.push_str("NULL"),
            BatchArg::Flag(flag) => out.push_str(if flag { "TRUE" } else { "FALSE" }),
            // Typed as the bound parameter was, and never read as `--` after a minus sign.
            BatchArg::Time(at) => out.push_str(&format!("CAST({} AS BIGINT)", at.millis())),
        }
        copied = digits.end;
    }
    out.push_str(&sql[copied..]);
    Some(out)
}

/// The highest `$n` of `sql` (0 with none): how many arguments it takes.
pub fn highest_parameter(sql: &str) -> usize {
    numbered_parameters(sql).map(|(_, n)| n).max().unwrap_or(0)
}

/// Where each `$n` of `sql` has its number, and the number.
fn numbered_parameters(sql: &str) -> impl Iterator<Item = (std::ops::Range<usize>, usize)> + '_ {
    sql.match_indices('$').filter_map(|(at, _)| {
        let start = at + 1;
        let len = sql[start..].bytes().take_while(u8::is_ascii_digit).count();
        let n = sql[start..start + len].parse().ok()?;
        Some((start..start + len, n))
    })
}

/// How a batch of reads (`read_batch`) goes to PostgreSQL, which prepares one statement at a
/// time. SQLite takes every batch as one text whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostgresBatch {
    /// One statement after another, each prepared once per connection and its plan kept: a round
    /// trip to the server per statement.
    Prepared,
    /// One simple query holding every statement, the arguments written in as literals
    /// (`inline_arguments`): one round trip, but every statement parsed and planned each time.
    /// Measured on 100,000 cases (docs/PERFORMANCE.md, eighteenth session), the inbox's few
    /// heavier statements gain (248–291 → 386–420 req/s) and the case page's eleven small ones
    /// lose (1,681–1,837 → 1,210–1,216 req/s): planning them costs more than their trips.
    /// The arguments are in the statement's text, which sqlx's statement log shows: only for
    /// batches whose arguments are codes, ids and times, never a person's data.
    OneQuery,
}

/// A value bound to one statement of a batch read (`read_batch`).
#[derive(Debug, Clone, Copy)]
pub enum BatchArg<'a> {
    Text(&'a str),
    MaybeText(Option<&'a str>),
    Flag(bool),
    Time(crate::Timestamp),
}

/// The indexes only the lists, the inbox, the clocks' scheduler and the statistics read
/// (migrations 0003, 0007, 0009, 0012 and 0018 make them): a bulk load into a database smaller than itself drops them and
/// builds them again at the end, one sort each, instead of inserting a million rows into each
/// index at random places. Every open builds any that is missing, so a load killed midway leaves
/// a database that mends itself. `CaseStore::build_list_indexes` is checked against the
/// migrations' schema by the conformance suite.
pub const DEFERRED_INDEXES: &[(&str, &str)] = &[
    (
        "case_access_list",
        "case_access(org_code, case_notified_at_ms, case_id)",
    ),
    (
        "case_access_state",
        "case_access(org_code, case_state, case_notified_at_ms, case_id)",
    ),
    (
        "case_access_county",
        "case_access(org_code, case_county, case_notified_at_ms, case_id)",
    ),
    (
        "case_access_state_county",
        "case_access(org_code, case_state, case_county, case_notified_at_ms, case_id)",
    ),
    ("cases_list", "cases(notified_at_ms, id)"),
    ("cases_state", "cases(state, notified_at_ms, id)"),
    ("cases_county", "cases(found_in_county, notified_at_ms, id)"),
    (
        "cases_state_county",
        "cases(state, found_in_county, notified_at_ms, id)",
    ),
    ("cases_created_by", "cases(created_by, notified_at_ms, id)"),
    ("cases_state_updated", "cases(state, updated_at_ms)"),
    ("case_match_exact", "case_match_keys(exact)"),
    ("case_match_year", "case_match_keys(birth_year_key)"),
    ("clocks_due", "clocks(state, due_at_ms)"),
    ("clocks_case", "clocks(case_id)"),
    ("clocks_kind_state", "clocks(kind, state)"),
    ("clocks_referral", "clocks(referral_id)"),
    ("clocks_org_due", "clocks(org_code, state, due_at_ms, id)"),
    (
        "case_events_victim",
        "case_events(case_id, at_ms, to_state) WHERE to_state IN ('presumed_victim', 'identified_victim')",
    ),
];

/// The condition that keeps a query inside an actor's scope; `$1` national, `$2` organisation,
/// `$3` user (see [`crate::ScopeFor`]).
pub const SCOPE_CONDITION: &str = "($1 OR EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = c.id AND a.org_code = $2) OR c.created_by = $3)";

/// Implements every store trait for `$store` on the sqlx database `$db`. The areas' macros expand
/// into one block, so each sees the imports here and the helpers of the others (the audit append,
/// the clock changes a step applies).
#[macro_export]
macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $backend:literal) => {
        const _: () = {
            use ::sqlx::Row as _;
            use $crate::sql::__private::{
                async_trait, chrono, mnir_crypto, mnir_domain, serde_json, uuid,
            };
            use $crate::sql::{SCOPE_CONDITION, parse_column, state_column};
            use $crate::*;

            /// Which backend the SQL runs on, for the one place that differs: [`read_batch`].
            const BACKEND: &str = $backend;

            $crate::impl_sql_shared!($store, $db);
            $crate::impl_sql_account_store!($store, $db);
            $crate::impl_sql_audit_store!($store, $db);
            $crate::impl_sql_case_store!($store, $db);
            $crate::impl_sql_clock_store!($store, $db);
            $crate::impl_sql_consent_store!($store, $db);
            $crate::impl_sql_directory_store!($store, $db);
            $crate::impl_sql_identification_store!($store, $db);
            $crate::impl_sql_referral_store!($store, $db);
            $crate::impl_sql_reflection_store!($store, $db);
            $crate::impl_sql_risk_store!($store, $db);
            $crate::impl_sql_plan_store!($store, $db);
            $crate::impl_sql_justice_store!($store, $db);
            $crate::impl_sql_statistics_store!($store, $db);
            $crate::impl_sql_victim_profile_store!($store, $db);
            $crate::impl_sql_exchange_store!($store, $db);
            $crate::impl_sql_repatriation_store!($store, $db);
            $crate::impl_sql_training_store!($store, $db);
            $crate::impl_sql_break_glass_store!($store, $db);
            $crate::impl_sql_retention_store!($store, $db);
            $crate::impl_sql_duplicate_store!($store, $db);

            impl Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }
            }
        };
    };
}

#[cfg(test)]
mod tests {
    use super::{
        AUDIT_INSERT_SIZES, BatchArg, audit_insert_sql, highest_parameter, inline_arguments,
        shift_parameters,
    };
    use crate::Timestamp;

    #[test]
    fn parameters_move_past_those_before_them() {
        assert_eq!(
            shift_parameters("SELECT a FROM t WHERE b = $1 AND c IN ($2, $10)", 4),
            "SELECT a FROM t WHERE b = $5 AND c IN ($6, $14)"
        );
        assert_eq!(shift_parameters("SELECT 1", 3), "SELECT 1");
        assert_eq!(shift_parameters("x = $1", 0), "x = $1");
        // A `$` with no number after it is left as it is.
        assert_eq!(shift_parameters("a $ b $2", 1), "a $ b $3");
    }

    #[test]
    fn a_statement_takes_as_many_arguments_as_its_highest_parameter() {
        assert_eq!(highest_parameter("x = $2 AND y = $10 AND z = $1"), 10);
        assert_eq!(highest_parameter("SELECT 1"), 0);
        assert_eq!(highest_parameter("a $ b"), 0);
    }

    #[test]
    fn an_audit_insert_numbers_nine_values_a_row() {
        assert_eq!(
            audit_insert_sql(1),
            "INSERT INTO audit_log (seq, at_ms, actor_user, actor_org, action, target, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        let two = audit_insert_sql(2);
        assert!(two.ends_with("($1, $2, $3, $4, $5, $6, $7, $8, $9), ($10, $11, $12, $13, $14, $15, $16, $17, $18)"), "{two}");
        for size in AUDIT_INSERT_SIZES {
            assert_eq!(highest_parameter(&audit_insert_sql(size)), size * 9);
        }
        assert_eq!(
            AUDIT_INSERT_SIZES.last(),
            Some(&1),
            "any length can be written"
        );
    }

    #[test]
    fn arguments_are_written_in_as_literals_that_cannot_end_early() {
        let at = Timestamp::from_millis(1_765_000_000_123).unwrap();
        assert_eq!(
            inline_arguments(
                "SELECT a FROM t WHERE b = $2 AND c = $1 AND d = $3 AND e = $4 AND ($5 OR f < $6)",
                &[
                    BatchArg::Text("o'neil"),
                    BatchArg::MaybeText(Some(r"back\slash")),
                    BatchArg::MaybeText(None),
                    BatchArg::Text(""),
                    BatchArg::Flag(false),
                    BatchArg::Time(at),
                ],
            )
            .as_deref(),
            Some(
                r"SELECT a FROM t WHERE b = E'back\\slash' AND c = E'o''neil' AND d = NULL AND e = E'' AND (FALSE OR f < CAST(1765000000123 AS BIGINT))"
            )
        );
        // `$1` and `$10` are different parameters; a time before the epoch stays one number.
        let names = [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        ];
        let ten: Vec<BatchArg<'_>> = names.iter().map(|n| BatchArg::Text(n)).collect();
        assert_eq!(
            inline_arguments("$1, $10, $2", &ten).as_deref(),
            Some("E'zero', E'nine', E'one'")
        );
        let before = Timestamp::from_millis(-5).unwrap();
        assert_eq!(
            inline_arguments("x = -$1 AND y = 'ț'", &[BatchArg::Time(before)]).as_deref(),
            Some("x = -CAST(-5 AS BIGINT) AND y = 'ț'")
        );
        assert_eq!(
            inline_arguments("x = $1", &[BatchArg::Text("Ștefan Iași")]).as_deref(),
            Some("x = E'Ștefan Iași'")
        );
        assert_eq!(
            inline_arguments("x = $2", &[BatchArg::Flag(true)]),
            None,
            "no second argument"
        );
        assert_eq!(
            inline_arguments("x = $1", &[BatchArg::Text("a\0b")]),
            None,
            "a NUL"
        );
        // A quote or a backslash at the end cannot close the literal early.
        assert_eq!(
            inline_arguments("x = $1", &[BatchArg::Text(r"\'); DROP TABLE t; --")]).as_deref(),
            Some(r"x = E'\\''); DROP TABLE t; --'")
        );
    }
}
