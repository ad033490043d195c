//! A server killed with SIGKILL under load, three times over, on each database: every write it
//! acknowledged is there after the restart, every read it answered has its audit entry, and the
//! audit chain verifies. The group commit of reads' entries and the synced commits are what this
//! holds to account: an answer sent before its entry was on the disk would show up here.

use crate::support::free_port;
use mnir_domain::CaseScope;
use mnir_store::{AuditVerdict, Reveal, ScopeFor, Store};
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROUNDS: usize = 3;
const CLIENTS: usize = 6;
/// How long the clients work before the server is killed, each round.
const LOAD: Duration = Duration::from_millis(1500);
const PASSWORD: &str = "parola testului de cădere";

fn mnir(args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mnir"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "mnir {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// One HTTP/1.0 exchange; `None` when the server went away before answering in full.
fn exchange(port: u16, method: &str, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    let (head, body) = reply.split_once("\r\n\r\n")?;
    let status: u16 = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })?
        .parse()
        .ok()?;
    // A cut-off answer is no answer: the client never saw it whole.
    (body.len() == length).then(|| (status, body.to_string()))
}

fn serve(db: &str, key: &str, profile: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_mnir"))
        .args([
            "serve",
            "--db",
            db,
            "--key-file",
            key,
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--insecure-cookies",
            "--jurisdiction",
            profile,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[derive(Default)]
struct Acknowledged {
    /// Cases whose notification was answered 201.
    created: Vec<String>,
    /// Cases whose page was answered 200 through the API.
    read: Vec<String>,
}

async fn killed_under_load_loses_nothing_acknowledged(db: &str, dir: &std::path::Path) {
    let key = dir.join("crash.key");
    let key = key.to_str().unwrap();
    // The profile of Romania without the second factor, so the API token is enough.
    let profile_path = dir.join("profile.toml");
    let profile = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/jurisdictions/ro.toml"
    ))
    .unwrap()
    .lines()
    .map(|l| {
        if l.starts_with("two_factor_required_for") {
            "two_factor_required_for = []".to_string()
        } else {
            l.to_string()
        }
    })
    .collect::<Vec<_>>()
    .join("\n");
    std::fs::write(&profile_path, profile).unwrap();
    let profile = profile_path.to_str().unwrap();
    mnir(&["init", "--db", db, "--key-file", key], None);
    mnir(
        &[
            "user",
            "add",
            "--db",
            db,
            "--key-file",
            key,
            "--org",
            "ANITP-CJ",
            "--login",
            "crash.worker",
            "--role",
            "case_worker",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    let token = mnir(
        &[
            "token",
            "issue",
            "--db",
            db,
            "--key-file",
            key,
            "--login",
            "crash.worker",
            "--ttl",
            "1d",
            "--jurisdiction",
            profile,
        ],
        None,
    )
    .trim()
    .to_string();

    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    for round in 0..ROUNDS {
        let port = free_port();
        let mut server = serve(db, key, profile, port);
        let up = Instant::now();
        while exchange(port, "GET", "/healthz", &token, "").is_none() {
            assert!(
                up.elapsed() < Duration::from_secs(30),
                "round {round}: the server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let stop = Instant::now() + LOAD;
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let token = token.clone();
                let acknowledged = acknowledged.clone();
                std::thread::spawn(move || {
                    let mut mine: Vec<String> = Vec::new();
                    // Past the kill too: answers then stop coming, and none may be counted.
                    while Instant::now() < stop + Duration::from_millis(500) {
                        let body = format!(
                            r#"{{"given_name": "Crash {round}-{client}", "sex": "female", "citizenship": "RO", "found_in_county": "RO-CJ"}}"#
                        );
                        if let Some((201, reply)) = exchange(port, "POST", "/api/v1/cases", &token, &body) {
                            let id = serde_json::from_str::<serde_json::Value>(&reply).unwrap()["id"]
                                .as_str()
                                .unwrap()
                                .to_string();
                            acknowledged.lock().unwrap().created.push(id.clone());
                            mine.push(id);
                        }
                        if let Some(id) = mine.last()
                            && let Some((200, _)) = exchange(port, "GET", &format!("/api/v1/cases/{id}"), &token, "")
                        {
                            acknowledged.lock().unwrap().read.push(id.clone());
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(LOAD);
        // SIGKILL: no shutdown, no flush; what was acknowledged must already be on the disk.
        server.kill().unwrap();
        server.wait().unwrap();
        for c in clients {
            c.join().unwrap();
        }
    }

    let acknowledged = Arc::try_unwrap(acknowledged)
        .ok()
        .unwrap()
        .into_inner()
        .unwrap();
    assert!(
        acknowledged.created.len() >= ROUNDS && acknowledged.read.len() >= ROUNDS,
        "the load did work: {} created, {} read",
        acknowledged.created.len(),
        acknowledged.read.len()
    );
    eprintln!(
        "{}: {} notifications and {} reads acknowledged across {ROUNDS} kills",
        db.split('@').next_back().unwrap_or(db),
        acknowledged.created.len(),
        acknowledged.read.len()
    );
    let keys = mnir_crypto::load_or_create_key_file(std::path::Path::new(key), false).unwrap();
    let store: Box<dyn Store> = if let Some(path) = db.strip_prefix("sqlite:") {
        Box::new(
            mnir_store_sqlite::SqliteStore::open(std::path::Path::new(path), keys)
                .await
                .unwrap(),
        )
    } else {
        Box::new(
            mnir_store_postgres::PostgresStore::open(db, keys)
                .await
                .unwrap(),
        )
    };
    assert!(
        matches!(
            store.verify_audit().await.unwrap(),
            AuditVerdict::Intact { .. }
        ),
        "the chain verifies after three kills"
    );
    let entries = store.recent_audit(1_000_000).await.unwrap();
    let has = |action: &str, id: &str| {
        let target = format!("case:{id}");
        entries
            .iter()
            .any(|e| e.action == action && e.target == target)
    };
    let national = ScopeFor {
        scope: CaseScope {
            national: true,
            ..CaseScope::default()
        },
        org_code: "ANITP".into(),
        user_id: String::new(),
    };
    for id in &acknowledged.created {
        assert!(
            has("case.create", id),
            "the notification of {id} has its entry"
        );
        assert!(
            store.case_facts(id, &national).await.unwrap().is_some(),
            "the acknowledged case {id} is stored"
        );
    }
    for id in &acknowledged.read {
        assert!(
            has("case.read", id),
            "the answered read of {id} has its entry"
        );
    }
    // Nothing half-written either: every stored case opens whole.
    let id = &acknowledged.created[0];
    let whole = store
        .case_detail(
            id,
            &national,
            Reveal::default(),
            &mnir_store::AuditActor::cli(mnir_store::Timestamp::EPOCH),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(whole.history.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_server_killed_under_load_loses_nothing_it_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("crash.db").display());
    killed_under_load_loses_nothing_acknowledged(&db, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_server_killed_under_load_loses_nothing_it_acknowledged() {
    let Some(server) = mnir_store_postgres::testing::server_from_env() else {
        return;
    };
    let db = mnir_store_postgres::testing::create_database(&server, "crash").await;
    let dir = tempfile::tempdir().unwrap();
    killed_under_load_loses_nothing_acknowledged(&db, dir.path()).await;
}
