//! The `mnir` binary itself, as an operator runs it, including a real server on a socket.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn mnir<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mnir"))
        .args(args)
        .env_remove("MNIR_DATABASE_URL")
        .env_remove("MNIR_KEY_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mnir runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Adds the screener `login` of IGPR, as an operator would.
fn add_screener(url: &str, login: &str) {
    let added = mnir(
        &[
            "user",
            "add",
            "--db",
            url,
            "--org",
            "IGPR",
            "--login",
            login,
            "--role",
            "screener",
            "--password-stdin",
        ],
        Some("parola foarte lungă\n"),
    );
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
}

/// The Romanian profile with two-factor sign-in required of no role, written into `dir`: for the
/// tests of API tokens, whose accounts cannot enrol from the command line.
fn profile_without_two_factor(dir: &Path) -> String {
    let ro = include_str!("../../../../data/jurisdictions/ro.toml");
    let start = ro.find("two_factor_required_for = [").unwrap();
    let end = start + ro[start..].find(']').unwrap() + 1;
    let text = format!("{}two_factor_required_for = []{}", &ro[..start], &ro[end..]);
    let path = dir.join("no-two-factor.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn db_bytes(dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "log") {
            bytes.extend(std::fs::read(path).unwrap());
        }
    }
    bytes
}

#[test]
fn an_operator_sets_up_a_database_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    let db = ["--db", url.as_str()];
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(db.iter())
            .map(|s| s.to_string())
            .collect()
    };

    let init = mnir(&with(&["init"]), None);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    assert_eq!(stdout(&init).trim(), "64 organisations added, 64 in all");
    let key = dir.path().join("mnir.db.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        stdout(&mnir(&with(&["init"]), None)).trim(),
        "0 organisations added, 64 in all",
        "init is idempotent"
    );

    let added = mnir(
        &with(&[
            "org",
            "add",
            "--code",
            "ONG-SALVATI",
            "--name",
            "Asociația Salvați",
            "--type",
            "NGO",
            "--county",
            "RO-B",
        ]),
        None,
    );
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let listed = stdout(&mnir(&with(&["org", "list"]), None));
    let line = |code: &str| {
        listed
            .lines()
            .find(|l| l.starts_with(&format!("{code} ")))
            .unwrap_or_else(|| panic!("{code} listed: {listed}"))
            .to_string()
    };
    assert!(!line("ONG-SALVATI").contains("(investigates)"));
    // The default labour inspectorate and the police investigate; a new inspectorate is made
    // one with --investigates.
    assert!(line("IM").contains("(investigates)"), "{listed}");
    assert!(line("IGPR").contains("(investigates)"), "{listed}");
    assert!(!line("ANITP-CJ").contains("(investigates)"), "{listed}");
    let inspectorate = mnir(
        &with(&[
            "org",
            "add",
            "--code",
            "ITM-CJ",
            "--name",
            "Inspectoratul Teritorial de Muncă Cluj",
            "--type",
            "LocalGovernmentOrganisation",
            "--investigates",
            "yes",
        ]),
        None,
    );
    assert_eq!(
        inspectorate.status.code(),
        Some(0),
        "{}",
        stderr(&inspectorate)
    );
    let listed = stdout(&mnir(&with(&["org", "list"]), None));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("ITM-CJ ") && l.contains("(investigates)")),
        "{listed}"
    );
    // A name corrected without the flag keeps the organisation behind the firewall; only an
    // explicit "no" takes it out.
    let renamed = mnir(
        &with(&[
            "org",
            "add",
            "--code",
            "IM",
            "--name",
            "Inspecția Muncii (ITM)",
            "--type",
            "CentralGovernmentOrganisation",
        ]),
        None,
    );
    assert_eq!(renamed.status.code(), Some(0), "{}", stderr(&renamed));
    let investigates = |code: &str| {
        stdout(&mnir(&with(&["org", "list"]), None))
            .lines()
            .any(|l| l.starts_with(&format!("{code} ")) && l.contains("(investigates)"))
    };
    assert!(investigates("IM"), "renaming kept the flag");
    let opened = mnir(
        &with(&[
            "org",
            "add",
            "--code",
            "ITM-CJ",
            "--name",
            "ITM Cluj",
            "--type",
            "LocalGovernmentOrganisation",
            "--investigates",
            "no",
        ]),
        None,
    );
    assert_eq!(opened.status.code(), Some(0), "{}", stderr(&opened));
    assert!(!investigates("ITM-CJ"), "an explicit no");
    let police = mnir(
        &with(&[
            "org",
            "add",
            "--code",
            "IGPR",
            "--name",
            "IGPR",
            "--type",
            "LawEnforcement",
            "--investigates",
            "no",
        ]),
        None,
    );
    assert_eq!(police.status.code(), Some(0), "{}", stderr(&police));
    assert!(investigates("IGPR"), "law enforcement always investigates");
    let bad_type = mnir(
        &with(&[
            "org", "add", "--code", "X", "--name", "X", "--type", "Charity",
        ]),
        None,
    );
    assert_eq!(bad_type.status.code(), Some(2));
    assert_eq!(
        stderr(&bad_type).lines().count(),
        1,
        "one line: {}",
        stderr(&bad_type)
    );
    assert!(stderr(&bad_type).contains("unknown organisation type `Charity`"));

    let user = mnir(
        &with(&[
            "user",
            "add",
            "--org",
            "ONG-SALVATI",
            "--login",
            "maria.ong",
            "--role",
            "case_worker",
            "--password-stdin",
        ]),
        Some("o parolă destul de lungă\n"),
    );
    assert_eq!(user.status.code(), Some(0), "{}", stderr(&user));
    let again = mnir(
        &with(&[
            "user",
            "add",
            "--org",
            "ONG-SALVATI",
            "--login",
            "maria.ong",
            "--role",
            "case_worker",
            "--password-stdin",
        ]),
        Some("o parolă destul de lungă\n"),
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    for (args, message) in [
        (
            vec!["--org", "NOPE", "--login", "x", "--role", "case_worker"],
            "unknown organisation `NOPE`",
        ),
        (
            vec!["--org", "IGPR", "--login", "x", "--role", "boss"],
            "unknown role `boss`",
        ),
    ] {
        let o = mnir(
            &with(&[&["user", "add"][..], &args[..], &["--password-stdin"][..]].concat()),
            Some("o parolă destul de lungă\n"),
        );
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
    }
    let short = mnir(
        &with(&[
            "user",
            "add",
            "--org",
            "IGPR",
            "--login",
            "y",
            "--role",
            "screener",
            "--password-stdin",
        ]),
        Some("scurtă\n"),
    );
    assert_eq!(short.status.code(), Some(2));

    // Under the Romanian profile a case worker gets a token only after enrolling in two-factor
    // sign-in (a token skips the sign-in page); under a profile that requires it of no role, at
    // once.
    let refused = mnir(
        &with(&["token", "issue", "--login", "maria.ong", "--ttl", "1d"]),
        None,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("maria.ong must set up two-factor sign-in"),
        "{}",
        stderr(&refused)
    );
    let open_profile = profile_without_two_factor(dir.path());
    let token = mnir(
        &with(&[
            "token",
            "issue",
            "--login",
            "maria.ong",
            "--ttl",
            "1d",
            "--jurisdiction",
            &open_profile,
        ]),
        None,
    );
    assert_eq!(token.status.code(), Some(0), "{}", stderr(&token));
    let token = stdout(&token);
    assert_eq!(token.trim().len(), 64, "only the token is printed");
    assert!(token.trim().bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(
        !db_bytes(dir.path())
            .windows(64)
            .any(|w| w == token.trim().as_bytes()),
        "only its hash is stored"
    );

    let generated = mnir(&with(&["generate", "--cases", "250", "--seed", "9"]), None);
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    assert!(stdout(&generated).starts_with("generated 250 cases in"));
    let twice = mnir(&with(&["generate", "--cases", "10", "--seed", "9"]), None);
    assert_eq!(
        twice.status.code(),
        Some(2),
        "the same seed again collides: {}",
        stderr(&twice)
    );

    let verify = mnir(&with(&["audit", "verify"]), None);
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    assert!(
        stdout(&verify).starts_with("audit log intact: "),
        "{}",
        stdout(&verify)
    );

    let wrong_key = dir.path().join("other.key");
    let o = mnir(
        &with(&["audit", "verify", "--key-file", wrong_key.to_str().unwrap()]),
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("does not belong to the database"),
        "{}",
        stderr(&o)
    );
    let o = mnir(&["audit", "verify", "--db", "mysql://localhost/x"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unsupported database URL"));
}

#[tokio::test]
async fn audit_verify_fails_after_a_row_is_altered_behind_its_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mnir.db");
    let url = format!("sqlite:{}", path.display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    assert_eq!(
        mnir(&["generate", "--db", &url, "--cases", "20"], None)
            .status
            .code(),
        Some(0)
    );
    let keys =
        mnir_crypto::load_or_create_key_file(&dir.path().join("mnir.db.key"), false).unwrap();
    let store = mnir_store_sqlite::SqliteStore::open(&path, keys)
        .await
        .unwrap();
    for sql in [
        "DROP TRIGGER audit_log_no_update",
        "UPDATE audit_log SET detail = 'channel=cli nothing happened' WHERE seq = 7",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(store.pool())
            .await
            .unwrap();
    }
    store.close().await;
    let o = mnir(&["audit", "verify", "--db", &url], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o).trim(),
        "audit log broken at entry 7: its content does not match its hash"
    );
}

#[tokio::test]
async fn tallies_verify_finds_a_count_changed_behind_its_back_and_rebuild_repairs_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mnir.db");
    let url = format!("sqlite:{}", path.display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let generated = mnir(&["generate", "--db", &url, "--cases", "300"], None);
    assert_eq!(generated.status.code(), Some(0), "{}", stdout(&generated));
    let agree = mnir(&["tallies", "verify", "--db", &url], None);
    assert_eq!(agree.status.code(), Some(0), "{}", stdout(&agree));
    assert_eq!(
        stdout(&agree).trim(),
        "the kept counts agree with a full count"
    );
    let keys =
        mnir_crypto::load_or_create_key_file(&dir.path().join("mnir.db.key"), false).unwrap();
    let store = mnir_store_sqlite::SqliteStore::open(&path, keys)
        .await
        .unwrap();
    sqlx::query("UPDATE case_tallies SET n = n + 5 WHERE org_code = '*' AND state = 'notified' AND county = (SELECT county FROM case_tallies WHERE org_code = '*' AND state = 'notified' LIMIT 1)")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let differ = mnir(&["tallies", "verify", "--db", &url], None);
    assert_eq!(differ.status.code(), Some(1));
    let text = stdout(&differ);
    assert!(
        text.starts_with("1 kept counts differ from a full count"),
        "{text}"
    );
    assert!(
        text.contains("case_tallies * RO-") && text.contains(" notified: kept "),
        "{text}"
    );
    let rebuilt = mnir(&["tallies", "rebuild", "--db", &url], None);
    assert_eq!(rebuilt.status.code(), Some(0), "{}", stdout(&rebuilt));
    let again = mnir(&["tallies", "verify", "--db", &url], None);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
}

#[tokio::test]
async fn a_server_whose_audit_log_lost_its_guards_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mnir.db");
    let url = format!("sqlite:{}", path.display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let intact = mnir(&["audit", "verify", "--db", &url], None);
    assert_eq!(intact.status.code(), Some(0), "{}", stdout(&intact));
    let keys =
        mnir_crypto::load_or_create_key_file(&dir.path().join("mnir.db.key"), false).unwrap();
    let store = mnir_store_sqlite::SqliteStore::open(&path, keys)
        .await
        .unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_delete")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;

    let o = mnir(&["serve", "--db", &url, "--listen", "127.0.0.1:0"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let said = stderr(&o);
    assert_eq!(said.trim().lines().count(), 1, "one line: {said}");
    assert!(
        said.contains("audit log is not protected") && said.contains("audit_log_no_delete"),
        "{said}"
    );
    let verify = mnir(&["audit", "verify", "--db", &url], None);
    assert_eq!(verify.status.code(), Some(1), "{}", stdout(&verify));
    assert!(
        stdout(&verify).starts_with("audit log not protected")
            && stdout(&verify).contains("audit_log_no_delete"),
        "{}",
        stdout(&verify)
    );
}

#[tokio::test]
async fn an_anchor_file_finds_a_log_cut_short_or_wiped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mnir.db");
    let url = format!("sqlite:{}", path.display());
    let anchor = dir.path().join("anchor.log");
    let anchor_arg = anchor.to_str().unwrap();
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    assert_eq!(
        mnir(&["generate", "--db", &url, "--cases", "20"], None)
            .status
            .code(),
        Some(0)
    );
    let written = mnir(
        &["audit", "checkpoint", "--db", &url, "--anchor", anchor_arg],
        None,
    );
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let line = std::fs::read_to_string(&anchor).unwrap();
    assert!(line.starts_with("mnir-audit-checkpoint v1 seq="), "{line}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&anchor).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let head: i64 = line
        .split_whitespace()
        .find_map(|f| f.strip_prefix("seq="))
        .unwrap()
        .parse()
        .unwrap();
    let verify = |with_anchor: bool| {
        let mut args = vec!["audit", "verify", "--db", url.as_str()];
        if with_anchor {
            args.extend(["--anchor", anchor_arg]);
        }
        mnir(&args, None)
    };
    let intact = verify(true);
    assert_eq!(intact.status.code(), Some(0), "{}", stdout(&intact));

    let keys =
        mnir_crypto::load_or_create_key_file(&dir.path().join("mnir.db.key"), false).unwrap();
    let store = mnir_store_sqlite::SqliteStore::open(&path, keys)
        .await
        .unwrap();
    let run = |sql: String| {
        let pool = store.pool().clone();
        async move {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    run("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete".into()).await;
    run(format!("DELETE FROM audit_log WHERE seq > {}", head - 3)).await;
    let cut = verify(true);
    assert_eq!(cut.status.code(), Some(1), "{}", stdout(&cut));
    assert_eq!(
        stdout(&cut).trim(),
        format!(
            "audit log broken at entry {}: entries {} to {head} are missing: the checkpoint of anchor line 1 saw them",
            head - 2,
            head - 2
        )
    );
    run("DELETE FROM audit_log".into()).await;
    let wiped = verify(true);
    assert_eq!(wiped.status.code(), Some(1), "{}", stdout(&wiped));
    assert!(
        stdout(&wiped).starts_with("audit log broken at entry 1: entries 1 to "),
        "{}",
        stdout(&wiped)
    );
    store.close().await;

    std::fs::write(&anchor, line.replace("seal=", "seal=0")).unwrap();
    let forged = verify(true);
    assert!(
        stdout(&forged).contains("anchor line 1 is not sealed with this key file"),
        "{}",
        stdout(&forged)
    );
}

#[test]
fn serve_writes_a_checkpoint_when_it_starts_and_when_it_stops() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    let anchor = dir.path().join("anchor.log");
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_mnir"))
        .args([
            "serve",
            "--db",
            &url,
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--audit-anchor",
            anchor.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(up, "the server did not start");
    let at_start = std::fs::read_to_string(&anchor).unwrap_or_default();
    assert_eq!(at_start.lines().count(), 1, "{at_start}");
    let stopped = Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let at_stop = std::fs::read_to_string(&anchor).unwrap();
    assert_eq!(at_stop.lines().count(), 2, "{at_stop}");
    let verify = mnir(
        &[
            "audit",
            "verify",
            "--db",
            &url,
            "--anchor",
            anchor.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
}

fn http(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn a_served_notification_leaves_no_name_in_the_logs_or_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let user = mnir(
        &[
            "user",
            "add",
            "--db",
            &url,
            "--org",
            "IGPR",
            "--login",
            "p",
            "--role",
            "screener",
            "--password-stdin",
        ],
        Some("parola foarte lungă\n"),
    );
    assert_eq!(user.status.code(), Some(0));
    let open_profile = profile_without_two_factor(dir.path());
    let token = stdout(&mnir(
        &[
            "token",
            "issue",
            "--db",
            &url,
            "--login",
            "p",
            "--jurisdiction",
            &open_profile,
        ],
        None,
    ))
    .trim()
    .to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_mnir"))
        .args([
            "serve",
            "--db",
            &url,
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--jurisdiction",
            &open_profile,
        ])
        .env("MNIR_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(up, "the server did not start");
    let health = http(
        port,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    let distinctive = "Quixotescu-Zbârciog";
    let body = serde_json::json!({"given_name": "Dorina", "family_name": distinctive, "sex": "female", "citizenship": "RO", "found_in_county": "RO-SV", "notes": format!("{distinctive} asked for help")}).to_string();
    let created = http(
        port,
        &format!(
            "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(created.starts_with("HTTP/1.1 201"), "{created}");
    let login = http(
        port,
        "GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        login
            .to_ascii_lowercase()
            .contains("set-cookie: __host-mnir_pre="),
        "{login}"
    );
    assert!(
        login
            .to_ascii_lowercase()
            .contains("content-security-policy: default-src 'none'; script-src 'self'")
    );
    let _ = server.kill();
    let _ = server.wait();

    let logs = std::fs::read_to_string(dir.path().join("server.log")).unwrap();
    assert!(
        logs.contains("mnir is serving"),
        "the log was captured: {logs}"
    );
    assert!(
        !logs.contains(distinctive) && !logs.contains("Dorina"),
        "personal data in the log"
    );
    assert!(
        !db_bytes(dir.path())
            .windows(distinctive.len())
            .any(|w| w == distinctive.as_bytes()),
        "name in the database files"
    );
}

#[tokio::test]
async fn postgres_needs_a_key_file_and_then_works_like_sqlite() {
    let Some(server) = mnir_store_postgres::testing::server_from_env() else {
        return;
    };
    let url = mnir_store_postgres::testing::create_database(&server, "cli").await;
    let o = mnir(&["init", "--db", &url], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs --key-file"));
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("pg.key");
    let key = key.to_str().unwrap();
    let o = mnir(&["init", "--db", &url, "--key-file", key], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = mnir(
        &[
            "generate",
            "--db",
            &url,
            "--key-file",
            key,
            "--cases",
            "120",
            "--seed",
            "3",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("on postgres"));
    let o = mnir(&["audit", "verify", "--db", &url, "--key-file", key], None);
    assert_eq!(o.status.code(), Some(0));
    // The 64 organisations and the 8 partners abroad of the synthetic returns, then one entry for
    // the batch of cases, one for its assessments, one for its plans, one for its justice tracks,
    // one for its victim profiles, one for its consents, referrals and reflection periods, and
    // one for its returns.
    assert!(
        stdout(&o).starts_with("audit log intact: 79 entries"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn the_engine_runs_from_the_command_line_with_one_line_errors() {
    let o = mnir(
        &[
            "indicators",
            "evaluate",
            "--profile",
            "adult-labour",
            "--present",
            "DR01,DR02,EX01,EX02,CD01,CD02",
            "--json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["outcome"], "indicated");
    assert_eq!(json["profile"], "adult-labour");
    assert_eq!(json["dimensions"]["coercion_destination"]["clause"], "a");
    assert_eq!(json["dimensions"]["coercion_destination"]["strong"], 2);
    assert_eq!(json["elements"]["act"], serde_json::Value::Null);
    let o = mnir(
        &[
            "indicators",
            "evaluate",
            "--profile",
            "adult-labour",
            "--present",
            "DR01",
            "--asked",
            "DR01,DR02",
            "--lang",
            "en",
            "--json",
        ],
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["outcome"], "insufficient_information");
    assert_eq!(
        json["missing_elements"],
        serde_json::json!(["means_recruitment", "exploitation", "means_destination"])
    );
    for (args, message) in [
        (
            vec!["--profile", "adult-labour", "--present", "DR01,NOPE"],
            "Codul de indicator „NOPE” nu există.",
        ),
        (
            vec![
                "--profile",
                "child-labour",
                "--present",
                "VR08",
                "--lang",
                "en",
            ],
            "Indicator “VR08” is not part of the child-labour profile.",
        ),
        (vec!["--profile", "elderly"], "unknown profile `elderly`"),
    ] {
        let o = mnir(&[&["indicators", "evaluate"][..], &args].concat(), None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
    }
}

#[test]
fn a_catalogue_file_is_checked_row_by_row_before_it_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "code,dimension,adult_labour,child_labour,adult_sexual,child_sexual,label_en,label_ro\nX1,deceptive_recruitment,S,S,S,Z,a,b\nX2,nowhere,S,S,S,S,a,b\n").unwrap();
    let o = mnir(
        &[
            "catalogue",
            "import",
            "--db",
            &url,
            "--version",
            "v2",
            "--file",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let report = stderr(&o);
    assert!(
        report.contains("line 2, child_sexual: weight `Z` is not S, M, W or -"),
        "{report}"
    );
    assert!(
        report.contains("line 3, dimension: unknown dimension `nowhere`"),
        "{report}"
    );
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        include_str!("../../../../data/indicators-ilo-ec-2009.csv").replace(
            "DR02,deceptive_recruitment,M,M,M,M",
            "DR02,deceptive_recruitment,S,M,M,M",
        ),
    )
    .unwrap();
    let o = mnir(
        &[
            "catalogue",
            "import",
            "--db",
            &url,
            "--version",
            "v2",
            "--file",
            good.to_str().unwrap(),
            "--activate",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        "catalogue v2 loaded: 67 indicators, active"
    );
    let o = mnir(
        &[
            "indicators",
            "evaluate",
            "--db",
            &url,
            "--profile",
            "adult-labour",
            "--present",
            "DR02,DR03",
            "--json",
        ],
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["catalogue_version"], "v2");
    assert_eq!(
        json["dimensions"]["deceptive_recruitment"]["clause"], "b",
        "DR02 is strong in v2"
    );
    assert_eq!(
        mnir(
            &[
                "catalogue",
                "activate",
                "--db",
                &url,
                "--version",
                "ilo-ec-2009"
            ],
            None
        )
        .status
        .code(),
        Some(0)
    );
    assert!(stdout(&mnir(&["catalogue", "list", "--db", &url], None)).contains("built in, active"));
    assert_eq!(
        mnir(
            &["catalogue", "activate", "--db", &url, "--version", "v9"],
            None
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn the_calendar_prints_holidays_and_counts_working_days() {
    let o = mnir(&["calendar", "holidays", "--year", "2027"], None);
    assert_eq!(o.status.code(), Some(0));
    let days: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(days.len(), 17);
    for moving in [
        "2027-04-30",
        "2027-05-02",
        "2027-05-03",
        "2027-06-20",
        "2027-06-21",
    ] {
        assert!(
            days.contains(&moving.to_string()),
            "Orthodox Easter 2027 feasts: {moving}"
        );
    }
    let o = mnir(
        &[
            "calendar",
            "add-working-days",
            "--from",
            "2026-11-27",
            "--days",
            "1",
        ],
        None,
    );
    assert_eq!(stdout(&o).trim(), "2026-12-02");
    let o = mnir(
        &[
            "calendar",
            "add-working-days",
            "--from",
            "27.11.2026",
            "--days",
            "1",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a date (YYYY-MM-DD)"));
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("x.toml");
    std::fs::write(&profile, "[jurisdiction]\ncode = \"x\"\nname = \"X\"\ncountry = \"FR\"\ntime_zone = \"Europe/Paris\"\n[holidays]\nfixed = [\"12-25\"]\neaster = \"western\"\neaster_offsets = [1]\n[clocks.notification_ack]\nlength = \"1 day\"\non_expiry = \"x\"\n").unwrap();
    let o = mnir(
        &[
            "calendar",
            "holidays",
            "--year",
            "2026",
            "--jurisdiction",
            profile.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("clocks.notification_ack.length: `1 day`"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("clocks.reflection_period: missing"));
}

#[test]
fn serve_checks_its_jurisdiction_profile_and_clock_interval_before_starting() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("serve.db").display());
    let profile = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/jurisdictions/ro.toml"
    ))
    .unwrap()
    .replace("length = \"90d\"", "length = \"ninety days\"");
    std::fs::write(&profile, text).unwrap();
    let o = mnir(
        &[
            "serve",
            "--db",
            &db,
            "--listen",
            "127.0.0.1:0",
            "--jurisdiction",
            profile.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("clocks.reflection_period.length: `ninety days`"),
        "{}",
        stderr(&o)
    );
    assert!(
        !dir.path().join("serve.db").exists(),
        "a broken profile stops the start before the database is touched"
    );
    let o = mnir(
        &[
            "serve",
            "--db",
            &db,
            "--listen",
            "127.0.0.1:0",
            "--clock-check-every",
            "0",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--clock-check-every 0 is outside 1–3600 seconds"));
}

#[test]
fn accounts_and_organisations_are_disabled_and_enabled_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    add_screener(&url, "p");
    let disabled = mnir(&["user", "disable", "--db", &url, "--login", "p"], None);
    assert_eq!(disabled.status.code(), Some(0), "{}", stderr(&disabled));
    assert!(stdout(&disabled).starts_with("account p disabled"));
    let listed = stdout(&mnir(&["user", "list", "--db", &url], None));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with('p') && l.contains("(disabled)")),
        "{listed}"
    );
    let enabled = mnir(&["user", "enable", "--db", &url, "--login", "p"], None);
    assert_eq!(enabled.status.code(), Some(0));
    let unknown = mnir(
        &["user", "disable", "--db", &url, "--login", "nobody"],
        None,
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        stderr(&unknown).trim().lines().count(),
        1,
        "{}",
        stderr(&unknown)
    );
    let org = mnir(&["org", "disable", "--db", &url, "--code", "IGPR"], None);
    assert_eq!(org.status.code(), Some(0), "{}", stderr(&org));
    let orgs = stdout(&mnir(&["org", "list", "--db", &url], None));
    assert!(
        orgs.lines()
            .any(|l| l.starts_with("IGPR") && l.contains("(disabled)")),
        "{orgs}"
    );
    assert_eq!(
        mnir(&["org", "disable", "--db", &url, "--code", "ZZZ"], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn an_operator_lists_and_revokes_api_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    add_screener(&url, "p");
    let open_profile = profile_without_two_factor(dir.path());
    for _ in 0..2 {
        let issued = mnir(
            &[
                "token",
                "issue",
                "--db",
                &url,
                "--login",
                "p",
                "--jurisdiction",
                &open_profile,
            ],
            None,
        );
        assert_eq!(issued.status.code(), Some(0), "{}", stderr(&issued));
    }
    let list = |url: &str| {
        let o = mnir(&["token", "list", "--db", url, "--login", "p"], None);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o).lines().map(str::to_string).collect::<Vec<_>>()
    };
    let tokens = list(&url);
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    let id = tokens[0].split_whitespace().next().unwrap().to_string();
    assert_eq!(id.len(), 12, "{id}");
    let revoked = mnir(
        &["token", "revoke", "--db", &url, "--login", "p", "--id", &id],
        None,
    );
    assert_eq!(revoked.status.code(), Some(0), "{}", stderr(&revoked));
    let left = list(&url);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(!left[0].starts_with(&id));
    let again = mnir(
        &["token", "revoke", "--db", &url, "--login", "p", "--id", &id],
        None,
    );
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        stderr(&again).trim().lines().count(),
        1,
        "{}",
        stderr(&again)
    );
}

#[test]
fn the_sqlite_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mnir.db");
    let url = format!("sqlite:{}", path.display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let mut seen = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("mnir.db") {
            seen += 1;
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name} is {mode:o}");
        }
    }
    assert!(seen >= 2, "the database and its key file at least");
}

/// Starts `mnir serve` on a free port with `extra` arguments; killed when dropped.
struct Served {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn served(extra: &[&str]) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--db", &url, "--listen", &listen];
    args.extend_from_slice(extra);
    // Owned by `Served` at once, so that it is killed and waited for on every path.
    let server = Served {
        child: Command::new(env!("CARGO_BIN_EXE_mnir"))
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
        port,
        _dir: dir,
    };
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server did not start");
}

#[test]
fn connections_that_never_finish_their_headers_cannot_shut_others_out() {
    let server = served(&["--max-connections", "16", "--header-timeout", "2"]);
    // Ten times the connection limit, each sending half a request and then nothing.
    let mut idle = Vec::new();
    for _ in 0..160 {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", server.port)) {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n");
            idle.push(s);
        }
    }
    assert!(idle.len() >= 100, "only {} connections opened", idle.len());
    let health = http(
        server.port,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    // A connection that keeps its headers unfinished is closed, by the header timeout or to
    // make room; it does not hold its file for ever.
    let mut last = idle.pop().unwrap();
    last.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut rest = Vec::new();
    let closed = last.read_to_end(&mut rest);
    assert!(closed.is_ok(), "still open after 10 s: {closed:?}");
}

#[test]
fn serve_refuses_connection_limits_out_of_range() {
    for (flag, value) in [
        ("--max-connections", "2"),
        ("--header-timeout", "0"),
        ("--request-timeout", "99999"),
    ] {
        let o = mnir(&["serve", "--db", "sqlite::memory:", flag, value], None);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(flag),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = mnir(
        &[
            "serve",
            "--db",
            "sqlite::memory:",
            "--trusted-proxy",
            "10.0.0.0/99",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("neither an address"));
}

#[test]
fn a_trusted_proxy_may_be_one_address_or_a_network() {
    // Both forms start the server (it answers its health check).
    for proxy in ["127.0.0.1", "10.0.0.0/8", "::1"] {
        let server = served(&["--trusted-proxy", proxy]);
        let health = http(
            server.port,
            "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(health.starts_with("HTTP/1.1 200"), "{proxy}: {health}");
    }
}

#[test]
fn an_operator_resets_two_factor_sign_in_by_login() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    add_screener(&url, "p");
    let reset = mnir(&["user", "totp-reset", "--db", &url, "--login", "p"], None);
    assert_eq!(reset.status.code(), Some(0), "{}", stderr(&reset));
    assert!(stdout(&reset).contains("two-factor sign-in of p reset"));
    let unknown = mnir(
        &["user", "totp-reset", "--db", &url, "--login", "nobody"],
        None,
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown login `nobody`"),
        "{}",
        stderr(&unknown)
    );
    let audit = mnir(&["audit", "verify", "--db", &url], None);
    assert_eq!(audit.status.code(), Some(0), "{}", stderr(&audit));
}

#[tokio::test]
async fn generated_cases_carry_assessments_with_their_review_clocks_and_notes_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mnir.db");
    let url = format!("sqlite:{}", path.display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let generated = mnir(&["generate", "--db", &url, "--cases", "400"], None);
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let keys =
        mnir_crypto::load_or_create_key_file(&dir.path().join("mnir.db.key"), false).unwrap();
    let store = mnir_store_sqlite::SqliteStore::open(&path, keys)
        .await
        .unwrap();
    let with_full: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.case_id, a.clock_id FROM risk_assessments a JOIN cases c ON c.id = a.case_id WHERE a.kind = 'full' AND a.clock_id IS NOT NULL AND c.state IN ('presumed_victim', 'identified_victim', 'in_assistance')",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(
        !with_full.is_empty(),
        "open victims' cases have a full assessment"
    );
    for (case_id, clock_id) in with_full.iter().take(20) {
        let versions = mnir_store::RiskStore::assessments_of(&store, case_id)
            .await
            .unwrap();
        let latest = versions
            .iter()
            .rev()
            .find(|v| v.kind == mnir_domain::risk::AssessmentKind::Full)
            .unwrap();
        assert_eq!(latest.clock_id.as_ref(), Some(clock_id));
        assert!(!latest.domains.is_empty(), "its ratings read back");
        let clocks = mnir_store::ClockStore::clocks_of(&store, case_id)
            .await
            .unwrap();
        let review = clocks.iter().find(|c| &c.id == clock_id).unwrap();
        assert_eq!(
            review.kind,
            mnir_domain::risk::review_clock(latest.overall.unwrap())
        );
    }
    let notes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM risk_ratings WHERE note IS NOT NULL")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(notes > 0, "some domains carry a note");
    // Plans drafted from those assessments, with services delivered against them.
    let planned: Vec<String> = sqlx::query_scalar(
        "SELECT p.case_id FROM support_plans p JOIN service_deliveries d ON d.case_id = p.case_id GROUP BY p.case_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(!planned.is_empty(), "some plans have services delivered");
    // The texts as decrypted, to look for in the files: a claim that can fail.
    let mut needles = vec!["Recrutorul a sunat-o".to_string()];
    for case_id in planned.iter().take(10) {
        let plans = mnir_store::PlanStore::plans_of(&store, case_id)
            .await
            .unwrap();
        needles.push(plans[0].services[0].objectives.clone());
        needles.extend(
            plans[0]
                .measures
                .iter()
                .map(|m| m.shelter_address.clone())
                .filter(|a| !a.is_empty()),
        );
        let assessments = mnir_store::RiskStore::assessments_of(&store, case_id)
            .await
            .unwrap();
        assert!(
            assessments.iter().any(|a| a.id == plans[0].assessment_id),
            "drafted from one of the case's assessments"
        );
        assert!(!plans[0].services.is_empty(), "its services read back");
    }
    let shelters: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM plan_measures WHERE measure = 'confidential_shelter' AND shelter_address IS NOT NULL",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(
        shelters > 0,
        "some plans place the person in a confidential shelter"
    );
    // Justice tracks: proceedings with their hearings, flags and disclosures, read back.
    let tracked: Vec<String> = sqlx::query_scalar(
        "SELECT p.case_id FROM proceedings p JOIN hearings h ON h.proceeding_id = p.id GROUP BY p.case_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(!tracked.is_empty(), "some people are in proceedings");
    for case_id in tracked.iter().take(5) {
        let proceedings = mnir_store::JusticeStore::proceedings_of(&store, case_id)
            .await
            .unwrap();
        assert!(
            !proceedings[0].hearings.is_empty(),
            "its hearings read back"
        );
        needles.push(proceedings[0].file_number.clone());
        needles.push(proceedings[0].prosecutor_office.clone());
    }
    let flagged: Vec<String> =
        sqlx::query_scalar("SELECT case_id FROM non_punishment_flags LIMIT 3")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert!(!flagged.is_empty(), "some offences were compelled");
    for case_id in &flagged {
        let flags = mnir_store::JusticeStore::non_punishment_of(&store, case_id)
            .await
            .unwrap();
        needles.push(flags[0].offence.clone());
    }
    let disclosed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM disclosures")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(disclosed > 0, "some assessments were ordered disclosed");
    store.close().await;
    let bytes = db_bytes(dir.path());
    assert!(needles.len() > 10, "{needles:?}");
    for phrase in &needles {
        let needle = phrase.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "generated text stored in clear: {phrase}"
        );
    }
    let verify = mnir(&["audit", "verify", "--db", &url], None);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
}

/// Bytes 18 and 19 of a SQLite file's header: 1 for a rollback journal, 2 for WAL.
fn journal_format(path: &Path) -> (u8, u8) {
    let header = std::fs::read(path).unwrap();
    (header[18], header[19])
}

/// `mnir generate` writes a file no other process has open with a rollback journal, and one
/// that a server has open in WAL beside it; either way the file is left in WAL, as every server
/// and command opens it, and holds the cases.
#[tokio::test]
async fn a_bulk_load_leaves_the_file_in_wal_whether_it_had_the_file_alone_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mnir.db");
    let url = format!("sqlite:{}", path.display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));

    let alone = mnir(&["generate", "--db", &url, "--cases", "120"], None);
    assert_eq!(alone.status.code(), Some(0), "{}", stderr(&alone));
    assert_eq!(journal_format(&path), (2, 2), "back in WAL after the load");

    // A serving store keeps its connections open: the load cannot have the file to itself.
    let keys =
        mnir_crypto::load_or_create_key_file(&dir.path().join("mnir.db.key"), false).unwrap();
    let store = mnir_store_sqlite::SqliteStore::open(&path, keys)
        .await
        .unwrap();
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(held, 120);
    let beside = mnir(
        &["generate", "--db", &url, "--cases", "80", "--seed", "2"],
        None,
    );
    assert_eq!(beside.status.code(), Some(0), "{}", stderr(&beside));
    assert_eq!(journal_format(&path), (2, 2));
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(after, 200, "the open store reads what was loaded beside it");
    store.close().await;
}

/// The cases as the restored database answers them, to compare with the original's: every
/// case's reference and state, and one case's whole record as a case worker reads it.
async fn cases_as_read(store: &dyn mnir_store::Store) -> (Vec<(String, String)>, String) {
    let scope = mnir_store::ScopeFor {
        scope: mnir_domain::CaseScope {
            national: true,
            ..Default::default()
        },
        org_code: "ANITP".into(),
        user_id: "nobody".into(),
    };
    let reader = mnir_store::AuditActor::cli(mnir_store::Timestamp::from_millis(1).unwrap());
    let mut all = Vec::new();
    let mut filter = mnir_store::CaseFilter {
        per_page: 200,
        ..Default::default()
    };
    loop {
        let page = store
            .list_cases(&scope, &filter, true, &reader)
            .await
            .unwrap();
        all.extend(
            page.cases
                .iter()
                .map(|c| (c.reference.clone(), c.state.as_str().to_string())),
        );
        match page.older {
            Some(place) => filter.from = mnir_store::PageFrom::OlderThan(place),
            None => break,
        }
    }
    all.sort();
    let first = store
        .list_cases(&scope, &mnir_store::CaseFilter::default(), true, &reader)
        .await
        .unwrap()
        .cases[0]
        .id
        .clone();
    let reveal = mnir_store::Reveal {
        identity: true,
        notes: true,
    };
    let detail = store
        .case_detail(&first, &scope, reveal, &reader)
        .await
        .unwrap()
        .unwrap();
    (all, format!("{detail:?}"))
}

/// Backs up `url`, restores the backup into `restored_url`, and checks what a restore promises:
/// a new database only, the key and the audit chain checked before anything is kept, the same
/// cases read back.
async fn backup_and_restore(
    url: &str,
    restored_url: &str,
    restored_again_url: &str,
    ringless_url: &str,
    key: &str,
    dir: &Path,
) {
    let out = dir.join("backup.bin");
    let out = out.to_str().unwrap();
    let o = mnir(
        &["backup", "--db", url, "--key-file", key, "--out", out],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("keep the key file apart"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(out).unwrap().permissions().mode() & 0o777,
        0o600,
        "the backup is readable by its owner only"
    );
    let size = std::fs::metadata(out).unwrap().len();
    let again = mnir(
        &["backup", "--db", url, "--key-file", key, "--out", out],
        None,
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(
        std::fs::metadata(out).unwrap().len(),
        size,
        "left as it was"
    );

    // Another key: refused, and nothing restored.
    let stranger = dir.join("stranger.key");
    mnir_crypto::load_or_create_key_file(&stranger, true).unwrap();
    let refused = mnir(
        &[
            "restore",
            "--db",
            restored_url,
            "--key-file",
            stranger.to_str().unwrap(),
            "--from",
            out,
        ],
        None,
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("does not belong to the backup"));

    let o = mnir(
        &[
            "restore",
            "--db",
            restored_url,
            "--key-file",
            key,
            "--from",
            out,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("the audit log is intact"));
    let o = mnir(
        &["audit", "verify", "--db", restored_url, "--key-file", key],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let twice = mnir(
        &[
            "restore",
            "--db",
            restored_url,
            "--key-file",
            key,
            "--from",
            out,
        ],
        None,
    );
    assert_eq!(twice.status.code(), Some(2), "never over a database");

    let keys = mnir_crypto::load_or_create_key_file(Path::new(key), false).unwrap();
    let open = |u: &str| {
        let keys = keys.clone();
        let u = u.to_string();
        async move {
            let store: std::sync::Arc<dyn mnir_store::Store> = match u.strip_prefix("sqlite:") {
                Some(path) => std::sync::Arc::new(
                    mnir_store_sqlite::SqliteStore::open(Path::new(path), keys)
                        .await
                        .unwrap(),
                ),
                None => std::sync::Arc::new(
                    mnir_store_postgres::PostgresStore::open(&u, keys)
                        .await
                        .unwrap(),
                ),
            };
            store
        }
    };
    let original = cases_as_read(open(url).await.as_ref()).await;
    let restored = cases_as_read(open(restored_url).await.as_ref()).await;
    assert_eq!(original.0.len(), 50, "the generated cases");
    assert_eq!(original, restored, "the restored database reads the same");

    // Crypto-shredding reaches the backup made before an erasure: the case erased after it,
    // restored from it with the newest key ring, shows no name; every other case does.
    let live = open(url).await;
    let scope = mnir_store::ScopeFor {
        scope: mnir_domain::CaseScope {
            national: true,
            ..Default::default()
        },
        org_code: "ANITP".into(),
        user_id: "nobody".into(),
    };
    let reader = mnir_store::AuditActor::cli(mnir_store::Timestamp::from_millis(1).unwrap());
    let reveal = mnir_store::Reveal {
        identity: true,
        notes: true,
    };
    let mut finished = Vec::new();
    for state in [
        mnir_domain::CaseState::Closed,
        mnir_domain::CaseState::NotAVictim,
    ] {
        let filter = mnir_store::CaseFilter {
            state: Some(state),
            per_page: 10,
            ..Default::default()
        };
        finished.extend(
            live.list_cases(&scope, &filter, false, &reader)
                .await
                .unwrap()
                .cases,
        );
    }
    let victim = finished
        .first()
        .expect("a generated case is closed")
        .id
        .clone();
    let name_before = live
        .case_detail(&victim, &scope, reveal, &reader)
        .await
        .unwrap()
        .unwrap()
        .summary
        .family_name
        .expect("the name reads before the erasure");
    let request = mnir_store::ErasureRequestRecord {
        id: "request-1".into(),
        case_id: victim.clone(),
        received_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        note: String::new(),
        recorded_by: None,
        recorded_org: "ANITP".into(),
        recorded_at_ms: mnir_store::Timestamp::from_millis(2).unwrap(),
        answer: mnir_domain::retention::ErasureAnswer::CaseOpen,
    };
    let answered = live
        .record_erasure_request(&request, &reader)
        .await
        .unwrap();
    assert_eq!(
        answered.answer,
        mnir_domain::retention::ErasureAnswer::Erased
    );
    // The ring as the first backup left it, and five cases notified since.
    let older_ring = dir.join("older.ring");
    std::fs::copy(format!("{key}.ring"), &older_ring).unwrap();
    let o = mnir(
        &[
            "generate",
            "--db",
            url,
            "--key-file",
            key,
            "--cases",
            "5",
            "--seed",
            "7",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let later = dir.join("backup-later.bin");
    let o = mnir(
        &[
            "backup",
            "--db",
            url,
            "--key-file",
            key,
            "--out",
            later.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("54 case keys and 1 erasures written"),
        "{}",
        stdout(&o)
    );
    // The earlier backup, restored with the newest ring.
    let o = mnir(
        &[
            "restore",
            "--db",
            restored_again_url,
            "--key-file",
            key,
            "--from",
            out,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("49 case keys put back") && stdout(&o).contains("1 cases erased since"),
        "{}",
        stdout(&o)
    );
    let again = open(restored_again_url).await;
    let gone = again
        .case_detail(&victim, &scope, reveal, &reader)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (gone.summary.family_name, gone.birth_date, gone.notes),
        (None, None, None),
        "{name_before} is unreadable in the earlier backup"
    );
    assert_eq!(
        again.erasure_of(&victim).await.unwrap().map(|e| e.basis),
        Some(mnir_domain::retention::ErasureBasis::Restore)
    );
    let others = live
        .list_cases(&scope, &mnir_store::CaseFilter::default(), false, &reader)
        .await
        .unwrap()
        .cases;
    let other = others
        .iter()
        .find(|c| c.id != victim)
        .expect("another case");
    assert!(
        again
            .case_detail(&other.id, &scope, reveal, &reader)
            .await
            .unwrap()
            .unwrap()
            .summary
            .family_name
            .is_some(),
        "the other cases keep their names"
    );
    assert_eq!(
        mnir(
            &[
                "audit",
                "verify",
                "--db",
                restored_again_url,
                "--key-file",
                key
            ],
            None
        )
        .status
        .code(),
        Some(0)
    );
    // Without its ring, a backup is not restored at all.
    let o = mnir(
        &[
            "restore",
            "--db",
            ringless_url,
            "--key-file",
            key,
            "--from",
            later.to_str().unwrap(),
            "--key-ring",
            dir.join("no.ring").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no.ring"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("nothing was restored"),
        "{}",
        stderr(&o)
    );
    // Nor with a ring older than it: the cases notified since would come back without keys.
    let o = mnir(
        &[
            "restore",
            "--db",
            ringless_url,
            "--key-file",
            key,
            "--from",
            later.to_str().unwrap(),
            "--key-ring",
            older_ring.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("older than the backup"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test]
async fn a_sqlite_backup_restores_into_a_new_file_only_with_its_key_and_chain_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mnir.db");
    let url = format!("sqlite:{}", path.display());
    let key = dir.path().join("mnir.db.key");
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let o = mnir(&["generate", "--db", &url, "--cases", "50"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A mistyped database is not made into a new, empty one and backed up.
    let missing = dir.path().join("missing.db");
    let o = mnir(
        &[
            "backup",
            "--db",
            &format!("sqlite:{}", missing.display()),
            "--key-file",
            key.to_str().unwrap(),
            "--out",
            dir.path().join("nothing.bin").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("there is no database"));
    assert!(!missing.exists() && !dir.path().join("nothing.bin").exists());

    let restored = dir.path().join("restored.db");
    let restored_url = format!("sqlite:{}", restored.display());
    // A log left beside the target name would be replayed onto the restored file: refused.
    std::fs::write(dir.path().join("restored.db-wal"), b"left over").unwrap();
    let o = mnir(
        &[
            "restore",
            "--db",
            &restored_url,
            "--key-file",
            key.to_str().unwrap(),
            "--from",
            path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("restored.db-wal already exists"));
    std::fs::remove_file(dir.path().join("restored.db-wal")).unwrap();
    let again_url = format!("sqlite:{}", dir.path().join("restored-again.db").display());
    let ringless = dir.path().join("ringless.db");
    let ringless_url = format!("sqlite:{}", ringless.display());
    backup_and_restore(
        &url,
        &restored_url,
        &again_url,
        &ringless_url,
        key.to_str().unwrap(),
        dir.path(),
    )
    .await;
    assert!(
        !ringless.exists(),
        "a restore refused for want of its ring leaves no file"
    );
    // The backup itself holds no case key: they are in the ring alone.
    let copy = sqlx::SqlitePool::connect(&format!(
        "sqlite:{}?mode=ro",
        dir.path().join("backup.bin").display()
    ))
    .await
    .unwrap();
    let (in_copy, cases): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM case_keys), (SELECT COUNT(*) FROM cases)")
            .fetch_one(&copy)
            .await
            .unwrap();
    assert_eq!((in_copy, cases), (0, 50));
    copy.close().await;
    // The refused restore with another key left no file behind.
    assert!(!dir.path().join("restored.db.restoring").exists());

    let not_a_backup = dir.path().join("notes.txt");
    std::fs::write(&not_a_backup, "not a database").unwrap();
    let o = mnir(
        &[
            "restore",
            "--db",
            &format!("sqlite:{}", dir.path().join("other.db").display()),
            "--key-file",
            key.to_str().unwrap(),
            "--from",
            not_a_backup.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a SQLite backup"));
    assert!(!dir.path().join("other.db").exists());
}

#[tokio::test]
async fn a_postgres_backup_restores_into_an_empty_database_only_with_its_key_and_chain_checked() {
    let Some(server) = mnir_store_postgres::testing::server_from_env() else {
        return;
    };
    let url = mnir_store_postgres::testing::create_database(&server, "backup").await;
    let restored_url = mnir_store_postgres::testing::create_database(&server, "restored").await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("pg.key");
    let key = key.to_str().unwrap();
    let o = mnir(&["init", "--db", &url, "--key-file", key], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = mnir(
        &["generate", "--db", &url, "--key-file", key, "--cases", "50"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let again_url = mnir_store_postgres::testing::create_database(&server, "restored_again").await;
    let ringless_url = mnir_store_postgres::testing::create_database(&server, "ringless").await;
    backup_and_restore(
        &url,
        &restored_url,
        &again_url,
        &ringless_url,
        key,
        dir.path(),
    )
    .await;
    assert!(
        mnir_store_postgres::PostgresStore::public_schema_is_empty(&ringless_url)
            .await
            .unwrap(),
        "a restore refused for want of its ring leaves the database empty"
    );
}

/// The number after `name=` in a line of `mnir retention run`.
fn count_of(text: &str, line: &str, name: &str) -> u64 {
    let line = text
        .lines()
        .find(|l| l.starts_with(line))
        .unwrap_or_else(|| panic!("no line {line} in {text}"));
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{name}=")))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {line}"))
}

#[tokio::test]
async fn retention_run_erases_what_its_dry_run_counted_and_the_register_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let o = mnir(&["generate", "--db", &url, "--cases", "200"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dry = mnir(&["retention", "run", "--db", &url, "--dry-run"], None);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("dry run: nothing erased"));
    // The synthetic cases reach back to 2019: notifications found not to concern a victim more
    // than the profile's three years ago are due.
    let due = count_of(&stdout(&dry), "due:", "closed_cases")
        + count_of(&stdout(&dry), "due:", "not_a_victim");
    assert!(due > 0, "{}", stdout(&dry));
    let run = mnir(&["retention", "run", "--db", &url], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(count_of(&stdout(&run), "erased:", "cases"), due);
    let again = mnir(&["retention", "run", "--db", &url, "--dry-run"], None);
    assert_eq!(count_of(&stdout(&again), "due:", "not_a_victim"), 0);
    let register = mnir(
        &[
            "retention",
            "erasures",
            "--db",
            &url,
            "--since",
            "2000-01-01",
        ],
        None,
    );
    assert_eq!(register.status.code(), Some(0), "{}", stderr(&register));
    let text = stdout(&register);
    assert_eq!(
        text.lines().filter(|l| l.contains("\tschedule\t")).count() as u64,
        due,
        "{text}"
    );
    assert!(text.ends_with(&format!("erasures: {due}\n")), "{text}");
    let bad = mnir(
        &["retention", "run", "--db", &url, "--jurisdiction", "mars"],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("unknown jurisdiction"));
    let o = mnir(&["audit", "verify", "--db", &url], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[tokio::test]
async fn duplicates_scan_compares_every_case_and_finds_each_pair_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let o = mnir(&["generate", "--db", &url, "--cases", "120"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = mnir(&["duplicates", "scan", "--db", &url], None);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(count_of(&stdout(&first), "compared:", "cases"), 120);
    let again = mnir(&["duplicates", "scan", "--db", &url], None);
    assert_eq!(count_of(&stdout(&again), "compared:", "cases"), 120);
    assert_eq!(
        count_of(&stdout(&again), "compared:", "new_pairs"),
        0,
        "a pair is found once"
    );
    let o = mnir(&["audit", "verify", "--db", &url], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[tokio::test]
async fn stats_prints_a_table_exact_or_protected_and_names_what_is_wrong() {
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let generated = mnir(&["generate", "--db", &url, "--cases", "600"], None);
    assert_eq!(generated.status.code(), Some(0), "{}", stdout(&generated));
    let year = (chrono::Utc::now().year() - 1).to_string();
    let table = |extra: &[&str]| {
        let mut args = vec![
            "stats",
            "table",
            "victims-by-status-sex",
            "--db",
            &url,
            "--year",
            &year,
        ];
        args.extend_from_slice(extra);
        mnir(&args, None)
    };
    let exact = table(&["--format", "json"]);
    assert_eq!(exact.status.code(), Some(0), "{}", stderr(&exact));
    let json: serde_json::Value = serde_json::from_str(&stdout(&exact)).unwrap();
    assert_eq!(json["published"], false);
    let total = json["total"]["value"].as_u64().unwrap();
    assert!(total > 0, "the generated year has victims: {json}");
    let summed: u64 = json["row_totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_u64().unwrap())
        .sum();
    assert_eq!(summed, total);

    let csv = table(&[]);
    assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
    let text = stdout(&csv);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "status,female,male,other_unknown,total");
    assert!(lines[1].starts_with("presumed,"));
    assert_eq!(
        lines.last().unwrap().rsplit(',').next().unwrap(),
        total.to_string()
    );

    let published = table(&["--published", "--format", "json"]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let json: serde_json::Value = serde_json::from_str(&stdout(&published)).unwrap();
    assert_eq!(json["published"], true);
    let mut figures: Vec<&serde_json::Value> = json["cells"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .collect();
    figures.extend(json["row_totals"].as_array().unwrap());
    figures.extend(json["column_totals"].as_array().unwrap());
    figures.push(&json["total"]);
    for figure in figures {
        if let Some(n) = figure["value"].as_u64() {
            assert!(n == 0 || n >= 11, "{n} published: {json}");
        }
    }

    let unknown = mnir(
        &[
            "stats",
            "table",
            "victims-by-mood",
            "--db",
            &url,
            "--year",
            &year,
        ],
        None,
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown table `victims-by-mood` (see `mnir stats tables`)"),
        "{}",
        stderr(&unknown)
    );
    let region = table(&["--region", "RO99"]);
    assert_eq!(region.status.code(), Some(2));
    assert!(stderr(&region).contains("unknown development region `RO99`"));
    let all_csv = mnir(
        &["stats", "table", "all", "--db", &url, "--year", &year],
        None,
    );
    assert_eq!(all_csv.status.code(), Some(2));
    let all_json = mnir(
        &[
            "stats", "table", "all", "--db", &url, "--year", &year, "--format", "json",
        ],
        None,
    );
    assert_eq!(all_json.status.code(), Some(0), "{}", stderr(&all_json));
    let tables: serde_json::Value = serde_json::from_str(&stdout(&all_json)).unwrap();
    assert_eq!(
        tables.as_array().unwrap().len(),
        mnir_domain::statistics::TABLES.len()
    );
    // Every table of victims counts the same people; the others count referrals, reflection
    // periods and the check-ins after a return.
    for t in tables.as_array().unwrap() {
        if t["unit"] == "victims" {
            assert_eq!(t["total"]["value"].as_u64(), Some(total), "{}", t["table"]);
        } else {
            assert!(
                ["referrals", "reflection_periods", "checkins"]
                    .contains(&t["unit"].as_str().unwrap()),
                "{}",
                t["table"]
            );
        }
    }
    let units: Vec<&str> = tables
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["unit"].as_str().unwrap())
        .collect();
    assert_eq!(
        units.iter().filter(|u| **u != "victims").count(),
        3,
        "{units:?}"
    );

    // Worded for a reader instead of codes.
    let worded = table(&["--lang", "en"]);
    assert_eq!(worded.status.code(), Some(0), "{}", stderr(&worded));
    assert_eq!(
        stdout(&worded).lines().next(),
        Some("Status,Female,Male,Other or unknown,Total")
    );
    // A workbook of every table, exact, read back: a sheet each and the notes.
    let book_path = dir.path().join("tables.xlsx");
    let book_file = book_path.to_str().unwrap();
    let nowhere = table(&["--format", "xlsx"]);
    assert_eq!(nowhere.status.code(), Some(2));
    assert!(
        stderr(&nowhere).contains("--out FILE.xlsx"),
        "{}",
        stderr(&nowhere)
    );
    let book = mnir(
        &[
            "stats", "table", "all", "--db", &url, "--year", &year, "--format", "xlsx", "--out",
            book_file, "--lang", "en",
        ],
        None,
    );
    assert_eq!(book.status.code(), Some(0), "{}", stderr(&book));
    let sheets = crate::statistics::workbook_sheets(&std::fs::read(&book_path).unwrap());
    assert_eq!(sheets.len(), mnir_domain::statistics::TABLES.len() + 1);
    assert_eq!(sheets.last().unwrap().0, "Notes");
    for (name, lines) in &sheets[..sheets.len() - 1] {
        let totals = lines.last().unwrap();
        assert_eq!(totals[0], "Total", "{name}");
        // The referrals', reflection periods' and check-ins' sheets count those, not victims.
        if !name.starts_with("referrals-")
            && !name.starts_with("reflections-")
            && !name.starts_with("checkins-")
        {
            assert_eq!(totals.last().unwrap(), &total.to_string(), "{name}");
        }
    }

    // The annual report, as PDF, read back.
    let report_path = dir.path().join("report.pdf");
    let report_file = report_path.to_str().unwrap();
    let report = |year: &str, lang: &str| {
        mnir(
            &[
                "stats",
                "report",
                "--db",
                &url,
                "--year",
                year,
                "--lang",
                lang,
                "--out",
                report_file,
            ],
            None,
        )
    };
    let printed = report(&year, "en");
    assert_eq!(printed.status.code(), Some(0), "{}", stderr(&printed));
    let text = crate::support::pdf_text(&std::fs::read(&report_path).unwrap());
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(&format!("national statistics for {year}")),
        "{words}"
    );
    assert!(words.contains("Victims by status and sex"), "{words}");
    let running = report(&(chrono::Utc::now().year() + 1).to_string(), "ro");
    assert_eq!(running.status.code(), Some(2));
    assert!(
        stderr(&running).contains("complete years only"),
        "{}",
        stderr(&running)
    );
    let klingon = report(&year, "tlh");
    assert_eq!(klingon.status.code(), Some(2));
    assert!(stderr(&klingon).contains("unknown language `tlh`"));
}

/// The register exchanged on the command line: the export with names needs its recipient and
/// legal basis; the open-data extract keeps no combination shared by fewer than k victims; an
/// empty register imports the file (a dry run first) and exports it again byte for byte; a second
/// import stores nothing twice; a file with a bad row stores nothing and names the problem.
#[test]
fn the_register_is_exported_and_imported_in_htcds_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    let empty = format!("sqlite:{}", dir.path().join("empty.db").display());
    for db in [&url, &empty] {
        assert_eq!(mnir(&["init", "--db", db], None).status.code(), Some(0));
    }
    let generated = mnir(&["generate", "--db", &url, "--cases", "600"], None);
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let file = |name: &str| dir.path().join(name).display().to_string();
    // The export with names, for the same recipient each time.
    let export_named = |db: &str, out: &str| {
        mnir(
            &[
                "export",
                "htcds",
                "--db",
                db,
                "--out",
                &file(out),
                "--recipient",
                "OIM România",
                "--legal-basis",
                "Protocol 7/2026",
            ],
            None,
        )
    };

    let half = mnir(
        &[
            "export",
            "htcds",
            "--db",
            &url,
            "--out",
            &file("x.csv"),
            "--recipient",
            "OIM",
        ],
        None,
    );
    assert_eq!(
        half.status.code(),
        Some(2),
        "a recipient without a legal basis"
    );
    assert!(!dir.path().join("x.csv").exists());
    let named = export_named(&url, "named.csv");
    assert_eq!(named.status.code(), Some(0), "{}", stderr(&named));
    let written = std::fs::read_to_string(file("named.csv")).unwrap();
    let rows = written.lines().count() - 1;
    assert!(rows > 500, "every case but duplicates: {rows}");
    assert!(written.starts_with(",prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,"));
    assert!(
        stderr(&named).contains(&format!("({rows} rows)")),
        "{}",
        stderr(&named)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file("named.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "readable by its owner only");
    }

    let open = mnir(
        &[
            "export",
            "htcds",
            "--db",
            &url,
            "--open-data",
            "--out",
            &file("open.csv"),
        ],
        None,
    );
    assert_eq!(open.status.code(), Some(0), "{}", stderr(&open));
    let extract = std::fs::read_to_string(file("open.csv")).unwrap();
    let mut lines = extract.lines();
    assert_eq!(
        lines.next(),
        Some(
            ",year,prs_Gender,age_band,citizenship_group,vic_TypeOfExploitation,vic_TraffickingStatus"
        )
    );
    let mut combinations: std::collections::HashMap<String, usize> = Default::default();
    let mut kept = 0;
    for (n, line) in lines.enumerate() {
        let (number, rest) = line.split_once(',').unwrap();
        assert_eq!(number, (n + 1).to_string(), "rows numbered, nothing else");
        let (quasi, _) = rest.rsplit_once(',').unwrap();
        *combinations.entry(quasi.to_string()).or_default() += 1;
        kept += 1;
    }
    assert!(kept > 0, "some victims are published");
    for (combination, n) in &combinations {
        assert!(*n >= 11, "{combination} shared by {n}");
    }
    assert!(
        stderr(&open).contains(&format!("{kept} victims kept")),
        "{}",
        stderr(&open)
    );
    assert!(!extract.contains("RO-"), "no reference, no county");

    let dry = mnir(
        &[
            "import",
            "htcds",
            "--db",
            &empty,
            &file("named.csv"),
            "--dry-run",
            "--county",
            "RO-B",
        ],
        None,
    );
    assert_eq!(
        dry.status.code(),
        Some(0),
        "{}{}",
        stdout(&dry),
        stderr(&dry)
    );
    assert!(
        stderr(&dry).contains(&format!("{rows} would be imported")),
        "{}",
        stderr(&dry)
    );
    let imported = mnir(
        &[
            "import",
            "htcds",
            "--db",
            &empty,
            &file("named.csv"),
            "--county",
            "RO-B",
        ],
        None,
    );
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}{}",
        stdout(&imported),
        stderr(&imported)
    );
    assert!(
        stderr(&imported).contains(&format!("imported {rows} cases")),
        "{}",
        stderr(&imported)
    );
    let again = export_named(&empty, "again.csv");
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        std::fs::read(file("again.csv")).unwrap() == written.as_bytes(),
        "export, import, export gives the same file"
    );
    let twice = mnir(
        &[
            "import",
            "htcds",
            "--db",
            &empty,
            &file("named.csv"),
            "--county",
            "RO-B",
        ],
        None,
    );
    assert_eq!(twice.status.code(), Some(0));
    assert!(
        stderr(&twice).contains("already in the register"),
        "{}",
        stderr(&twice)
    );
    let verified = mnir(&["tallies", "verify", "--db", &empty], None);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));

    // The same register as a workbook, read back cell by cell into a third, empty register.
    let third = format!("sqlite:{}", dir.path().join("third.db").display());
    assert_eq!(mnir(&["init", "--db", &third], None).status.code(), Some(0));
    let book = mnir(
        &[
            "export",
            "htcds",
            "--db",
            &url,
            "--format",
            "xlsx",
            "--out",
            &file("named.xlsx"),
            "--recipient",
            "OIM România",
            "--legal-basis",
            "Protocol 7/2026",
        ],
        None,
    );
    assert_eq!(book.status.code(), Some(0), "{}", stderr(&book));
    let from_book = mnir(
        &[
            "import",
            "htcds",
            "--db",
            &third,
            &file("named.xlsx"),
            "--county",
            "RO-B",
        ],
        None,
    );
    assert_eq!(
        from_book.status.code(),
        Some(0),
        "{}{}",
        stdout(&from_book),
        stderr(&from_book)
    );
    let from_third = export_named(&third, "third.csv");
    assert_eq!(from_third.status.code(), Some(0));
    assert!(
        std::fs::read(file("third.csv")).unwrap() == written.as_bytes(),
        "the workbook carries the same register"
    );

    // One bad row among good ones: nothing stored, the problem named in the language asked for.
    let mut bad = written
        .lines()
        .take(3)
        .map(String::from)
        .collect::<Vec<_>>();
    bad[2] = bad[2]
        .replacen("RO-", "NEW-", 1)
        .replace(",Feminine,", ",Femeie,")
        .replace(",Masculine,", ",Femeie,");
    bad[1] = bad[1].replacen("RO-", "NEW-", 1);
    std::fs::write(file("bad.csv"), bad.join("\n")).unwrap();
    let refused = mnir(
        &[
            "import",
            "htcds",
            "--db",
            &empty,
            &file("bad.csv"),
            "--lang",
            "ro",
            "--county",
            "RO-B",
        ],
        None,
    );
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stdout(&refused).contains("row 3 prs_Gender: „Femeie” nu este una dintre valorile"),
        "{}",
        stdout(&refused)
    );
    assert!(
        stderr(&refused).contains("nothing was stored"),
        "{}",
        stderr(&refused)
    );
    let last = export_named(&empty, "last.csv");
    assert_eq!(last.status.code(), Some(0));
    assert!(
        std::fs::read(file("last.csv")).unwrap() == written.as_bytes(),
        "the good row of the bad file was not stored either"
    );
}

/// `mnir training …` and the roles of an account: the project's sessions imported all or none,
/// a vignette file the engine contradicts named by line, and where the profile requires a
/// certificate the screener role refused to an account that holds none.
#[test]
fn training_data_is_imported_by_the_operator_and_the_screener_role_waits_for_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("mnir.db").display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    let sessions = dir.path().join("sessions.csv");
    std::fs::write(
        &sessions,
        include_str!("../../../../data/training/sessions-2018-2019.csv"),
    )
    .unwrap();
    let imported = mnir(
        &[
            "training",
            "import-sessions",
            "--db",
            &url,
            "--file",
            sessions.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    assert_eq!(
        stdout(&imported).trim(),
        "17 sessions imported, recorded for ANITP"
    );
    // A broken file: every problem by line, and nothing stored.
    std::fs::write(
        &sessions,
        "date,city,county,audience,trainers,modules\n2019-13-01,Iași,RO-IS,national_victims,A,mechanism\n",
    )
    .unwrap();
    let broken = mnir(
        &[
            "training",
            "import-sessions",
            "--db",
            &url,
            "--file",
            sessions.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains("line 2, date: `2019-13-01` is not a date"),
        "{}",
        stderr(&broken)
    );

    let vignettes = dir.path().join("vignettes.toml");
    std::fs::write(
        &vignettes,
        "version = \"x-1\"\n[[vignette]]\ncode = \"A\"\nprofile = \"child-labour\"\ntitle_ro = \"T\"\ntitle_en = \"T\"\nstory_ro = \"P\"\nstory_en = \"S\"\npresent = [\"EX01\", \"EX02\"]\nact = false\nexpected = \"presumed_victim\"\n",
    )
    .unwrap();
    let contradicted = mnir(
        &[
            "training",
            "import",
            "--kind",
            "vignettes",
            "--db",
            &url,
            "--file",
            vignettes.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(contradicted.status.code(), Some(2));
    assert!(
        stderr(&contradicted).contains("line 2, expected: expects presumed_victim but the identification engine finds not_indicated"),
        "{}",
        stderr(&contradicted)
    );
    let listed = mnir(
        &["training", "list", "--kind", "vignettes", "--db", &url],
        None,
    );
    assert_eq!(
        stdout(&listed).lines().count(),
        1,
        "only the built-in version: {}",
        stdout(&listed)
    );

    // The profile that requires a certificate of screeners.
    let ro = include_str!("../../../../data/jurisdictions/ro.toml");
    let profile = dir.path().join("certified.toml");
    std::fs::write(
        &profile,
        ro.replace(
            "screener_requires_certificate = false",
            "screener_requires_certificate = true",
        ),
    )
    .unwrap();
    let profile = profile.to_str().unwrap();
    let add = |roles: &str, login: &str| {
        mnir(
            &[
                "user",
                "add",
                "--db",
                &url,
                "--org",
                "IGPR",
                "--login",
                login,
                "--role",
                roles,
                "--password-stdin",
                "--jurisdiction",
                profile,
            ],
            Some("parola foarte lungă\n"),
        )
    };
    let screener = add("screener", "new.screener");
    assert_ne!(screener.status.code(), Some(0));
    assert!(
        stderr(&screener).contains("certificate"),
        "{}",
        stderr(&screener)
    );
    assert_eq!(add("case_worker", "worker").status.code(), Some(0));
    let roles = mnir(
        &[
            "user",
            "roles",
            "--db",
            &url,
            "--login",
            "worker",
            "--role",
            "case_worker,screener",
            "--jurisdiction",
            profile,
        ],
        None,
    );
    assert_ne!(roles.status.code(), Some(0));
    assert!(stderr(&roles).contains("certificate"), "{}", stderr(&roles));
    // Under the built-in profile, which does not ask for one, the role is given.
    let roles = mnir(
        &[
            "user",
            "roles",
            "--db",
            &url,
            "--login",
            "worker",
            "--role",
            "case_worker,screener",
        ],
        None,
    );
    assert_eq!(roles.status.code(), Some(0), "{}", stderr(&roles));
    assert_eq!(
        stdout(&roles).trim(),
        "account worker now holds the roles screener,case_worker"
    );
}

#[tokio::test]
async fn the_break_glass_register_lists_accesses_with_their_reviews_one_line_each() {
    use mnir_store::{
        AccountStore, AuditActor, BreakGlassRecord, BreakGlassStore, GlassTaskKind, Timestamp,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mnir.db");
    let url = format!("sqlite:{}", path.display());
    assert_eq!(mnir(&["init", "--db", &url], None).status.code(), Some(0));
    assert_eq!(
        mnir(&["generate", "--db", &url, "--cases", "5"], None)
            .status
            .code(),
        Some(0)
    );
    let add = mnir(
        &[
            "user",
            "add",
            "--db",
            &url,
            "--org",
            "ANITP-B",
            "--login",
            "urgent.worker",
            "--role",
            "case_worker",
            "--password-stdin",
        ],
        Some("o parolă destul de lungă pentru test"),
    );
    assert_eq!(add.status.code(), Some(0), "{}", stderr(&add));
    let keys =
        mnir_crypto::load_or_create_key_file(&dir.path().join("mnir.db.key"), false).unwrap();
    let store = mnir_store_sqlite::SqliteStore::open(&path, keys)
        .await
        .unwrap();
    let (case_id, reference): (String, String) =
        sqlx::query_as("SELECT id, reference FROM cases ORDER BY id LIMIT 1")
            .fetch_one(store.pool())
            .await
            .unwrap();
    let user = store.user_by_login("urgent.worker").await.unwrap().unwrap();
    // 2026-03-10 09:30 in Bucharest.
    let opened = Timestamp::from_millis(1_773_127_800_000).unwrap();
    let by = AuditActor {
        user_id: Some(user.id.clone()),
        org_code: Some("ANITP-B".into()),
        channel: "web",
        now_ms: opened,
    };
    store
        .open_break_glass(
            &BreakGlassRecord {
                id: "g-1".into(),
                case_id,
                case_reference: reference.clone(),
                user_id: user.id.clone(),
                user_login: user.login.clone(),
                org_code: "ANITP-B".into(),
                reason: mnir_domain::break_glass::BreakGlassReason::MedicalEmergency,
                note: "Leșinată la ghișeu;\tambulanța\nvine".into(),
                opened_at_ms: opened,
                expires_at_ms: opened.later_by(3_600_000),
                ended_at_ms: None,
            },
            &["ANITP-B".into(), "ANITP".into()],
            &by,
        )
        .await
        .unwrap();
    let review = store
        .open_glass_tasks("ANITP", GlassTaskKind::Review)
        .await
        .unwrap();
    store
        .close_glass_task(
            &review[0].0.id,
            "ANITP",
            GlassTaskKind::Review,
            Some(mnir_domain::break_glass::ReviewFinding::NotJustified),
            "Putea suna la 112",
            &AuditActor::cli(opened.later_by(60_000)),
        )
        .await
        .unwrap();
    store.close().await;

    let o = mnir(
        &[
            "audit",
            "break-glass",
            "--db",
            &url,
            "--since",
            "2026-03-10",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[1],
        format!(
            "2026-03-10 09:30\t{reference}\turgent.worker\tANITP-B\tmedical_emergency\t2026-03-10 10:30\tANITP: not_justified; ANITP-B: open\tLeșinată la ghișeu; ambulanța vine"
        )
    );
    assert_eq!(
        stderr(&o).trim(),
        "1 accesses; 1 reviews still open; 1 found not justified."
    );
    // From the next day on there is none; with --unreviewed the open review keeps it listed.
    let later = mnir(
        &[
            "audit",
            "break-glass",
            "--db",
            &url,
            "--since",
            "2026-03-11",
        ],
        None,
    );
    assert_eq!(stdout(&later).lines().count(), 1);
    let unreviewed = mnir(
        &[
            "audit",
            "break-glass",
            "--db",
            &url,
            "--since",
            "2026-01-01",
            "--unreviewed",
        ],
        None,
    );
    assert_eq!(stdout(&unreviewed).lines().count(), 2);
    let bad = mnir(
        &[
            "audit",
            "break-glass",
            "--db",
            &url,
            "--since",
            "10.03.2026",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("is not a day (YYYY-MM-DD)"),
        "{}",
        stderr(&bad)
    );
}
