//! Two `mnir serve` processes on one PostgreSQL database, each with its clock scheduler running:
//! every expired clock becomes exactly one task, whichever server claims it.

use crate::support::free_port;
use mnir_store::conformance::{all_open_tasks, at, new_case};
use mnir_store::prelude::*;
use mnir_store::{AuditActor, AuditVerdict, ClockRecord, ClockState};
use mnir_store_postgres::PostgresStore;
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BATCHES: usize = 12;
const PER_BATCH: usize = 25;

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200")
}

struct Server {
    child: Child,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Tasks a server's log says its scheduler created (the sum of `count=` on its lines).
fn fired_by(log: &str) -> usize {
    // Colour codes, if any, sit between the field name and its value.
    let plain: String = {
        let mut out = String::new();
        let mut chars = log.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    plain
        .lines()
        .filter(|l| l.contains("expired clocks turned into tasks"))
        .filter_map(|l| {
            let digits: String = l
                .split("count=")
                .nth(1)?
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<usize>().ok()
        })
        .sum()
}

fn clock(id: &str, case_id: &str, due_ms: i64) -> ClockRecord {
    ClockRecord {
        referral_id: None,
        id: id.into(),
        case_id: case_id.into(),
        kind: mnir_domain::clocks::ClockKind::NotificationAck,
        org_code: "ANITP-CJ".into(),
        length: "24h".into(),
        on_expiry: "escalate_to_regional_supervisor".into(),
        started_at_ms: at(due_ms - 86_400_000),
        due_at_ms: Some(at(due_ms)),
        state: ClockState::Running,
        pauses: Vec::new(),
        pause_reasons: Vec::new(),
        stopped_at_ms: None,
        fired_at_ms: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_mnir_servers_on_one_postgresql_fire_each_expired_clock_once() {
    let Some(server) = mnir_store_postgres::testing::server_from_env() else {
        return;
    };
    let url = mnir_store_postgres::testing::create_database(&server, "twoservers").await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("shared.key");
    let init = Command::new(env!("CARGO_BIN_EXE_mnir"))
        .args(["init", "--db", &url, "--key-file", key.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let keys = mnir_crypto::load_or_create_key_file(&key, false).unwrap();
    let store = PostgresStore::open(&url, keys).await.unwrap();

    let mut servers: Vec<(Server, u16)> = Vec::new();
    for name in ["a", "b"] {
        // Half a tick apart, so that both schedulers find clocks due; when their ticks meet,
        // the row claims decide.
        if !servers.is_empty() {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        servers.push({
            let port = free_port();
            let log = dir.path().join(format!("server-{name}.log"));
            let child = Command::new(env!("CARGO_BIN_EXE_mnir"))
                .args([
                    "serve",
                    "--db",
                    &url,
                    "--key-file",
                    key.to_str().unwrap(),
                    "--listen",
                    &format!("127.0.0.1:{port}"),
                    "--insecure-cookies",
                    "--clock-check-every",
                    "1",
                ])
                .env("MNIR_LOG", "info")
                .env("NO_COLOR", "1")
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap();
            (Server { child, log }, port)
        });
    }
    let started = Instant::now();
    for (_, port) in &servers {
        while !healthy(*port) {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "a server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    // Clocks fall due in batches while both schedulers run, so that both have work to claim.
    let by = AuditActor::cli(at(chrono::Utc::now().timestamp_millis()));
    for batch in 0..BATCHES {
        for i in 0..PER_BATCH {
            let n = batch * PER_BATCH + i;
            let case_id = format!("two-servers-{n}");
            let now = chrono::Utc::now().timestamp_millis();
            store
                .create_case(
                    &new_case(&case_id, &format!("R-2S-{n}"), &["ANITP-CJ"], now),
                    &[clock(&format!("clock-{n}"), &case_id, now - 1)],
                    &by,
                )
                .await
                .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let total = BATCHES * PER_BATCH;
    let waiting = Instant::now();
    let tasks = loop {
        let tasks = all_open_tasks(&store, "ANITP-CJ").await;
        if tasks.len() >= total || waiting.elapsed() > Duration::from_secs(60) {
            break tasks;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Another look after the servers' next ticks: nothing may be fired a second time.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let tasks_after = all_open_tasks(&store, "ANITP-CJ").await;
    let logs: Vec<String> = servers
        .iter()
        .map(|(s, _)| std::fs::read_to_string(&s.log).unwrap())
        .collect();
    drop(servers);

    let mut clock_ids: Vec<&str> = tasks_after.iter().map(|t| t.clock_id.as_str()).collect();
    clock_ids.sort_unstable();
    clock_ids.dedup();
    let (a, b) = (fired_by(&logs[0]), fired_by(&logs[1]));
    let audit = store.verify_audit().await.unwrap();
    println!(
        "two mnir servers on one PostgreSQL, each checking clocks every second: {total} clocks fell due in {BATCHES} batches; server a fired {a}, server b fired {b}; {} tasks, {} distinct clocks; audit {audit:?}",
        tasks_after.len(),
        clock_ids.len()
    );
    assert_eq!(tasks.len(), total, "every expired clock became a task");
    assert_eq!(tasks_after.len(), total, "and none a second time later");
    assert_eq!(clock_ids.len(), total, "one task per clock");
    assert_eq!(a + b, total, "the servers' own counts agree: {a} + {b}");
    assert!(matches!(audit, AuditVerdict::Intact { .. }));
    for n in [0, total / 2, total - 1] {
        let clocks = store.clocks_of(&format!("two-servers-{n}")).await.unwrap();
        assert_eq!(clocks[0].state, ClockState::Expired);
    }
}
