//! The application under test, in process, on a fresh SQLite database and (when the test
//! command started one) a fresh PostgreSQL database.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use mnir_crypto::{Keys, PasswordCost};
use mnir_domain::defaults::romanian_organisations;
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_domain::{AgeGroup, CaseScope, CaseState, Sex, route};
use mnir_store::{
    ApiTokenRecord, AuditActor, CaseAccess, HistoryEntry, NewCase, NewUser, ScopeFor, Store, User,
};
use mnir_store_postgres::PostgresStore;
use mnir_store_sqlite::SqliteStore;
use mnir_web::{AppState, Clock, WebConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tower::ServiceExt;

pub const PASSWORD: &str = "corect cal baterie capsă";
/// 2026-11-28 09:00 UTC.
pub const START_MS: i64 = 1_795_856_400_000;

pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    pub fn advance_seconds(&self, seconds: i64) {
        self.0.fetch_add(seconds * 1000, Ordering::SeqCst);
    }

    pub fn advance_minutes(&self, minutes: i64) {
        self.0.fetch_add(minutes * 60_000, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct App {
    pub backend: &'static str,
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub keys: Keys,
    pub clock: Arc<TestClock>,
    /// The use cases behind the router, for what the server's scheduler does on its own.
    pub core: mnir_app::App,
    /// The SQLite database's folder, to scan its files.
    pub sqlite_dir: Option<PathBuf>,
    _dir: Option<tempfile::TempDir>,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as it came (a PDF is not text).
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }
}

/// A signed-in browser: its session cookie and the secret the CSRF token derives from.
#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The reverse proxies the tests' server trusts, and one of them.
pub const PROXY_NET: &str = "10.9.0.0/16";
pub const PROXY: &str = "10.9.0.1";

pub fn config() -> WebConfig {
    WebConfig {
        accounts: mnir_app::AccountPolicy {
            password_cost: PasswordCost::Fast,
            ..mnir_app::AccountPolicy::default()
        },
        trusted_proxies: vec![PROXY_NET.parse().unwrap()],
        ..WebConfig::default()
    }
}

pub async fn sqlite_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let keys = Keys::from_master(&Keys::generate_master());
    let store = SqliteStore::open(&dir.path().join("mnir.db"), keys.clone())
        .await
        .unwrap();
    let sqlite_dir = Some(dir.path().to_path_buf());
    App::new("sqlite", Arc::new(store), keys, sqlite_dir, Some(dir)).await
}

pub async fn postgres_app() -> Option<App> {
    let server = mnir_store_postgres::testing::server_from_env()?;
    let url = mnir_store_postgres::testing::create_database(&server, "http").await;
    let keys = Keys::from_master(&Keys::generate_master());
    let store = PostgresStore::open(&url, keys.clone()).await.unwrap();
    Some(App::new("postgres", Arc::new(store), keys, None, None).await)
}

/// The application on every backend available: SQLite always, PostgreSQL under the test command.
pub async fn backends() -> Vec<App> {
    let mut apps = vec![sqlite_app().await];
    apps.extend(postgres_app().await);
    apps
}

/// A time of the tests' timeline, in milliseconds since the epoch.
pub fn at(ms: i64) -> mnir_store::Timestamp {
    mnir_store::Timestamp::from_millis(ms).expect("a test time a calendar can show")
}

pub fn cli(now_ms: i64) -> AuditActor {
    AuditActor::cli(at(now_ms))
}

impl App {
    async fn new(
        backend: &'static str,
        store: Arc<dyn Store>,
        keys: Keys,
        sqlite_dir: Option<PathBuf>,
        dir: Option<tempfile::TempDir>,
    ) -> App {
        store.bind_key().await.unwrap();
        for spec in romanian_organisations() {
            store
                .upsert_organisation(&spec.into(), &cli(START_MS))
                .await
                .unwrap();
        }
        let clock = Arc::new(TestClock(AtomicI64::new(START_MS)));
        // The Romanian rules, except that no role needs a second factor: the tests of other
        // features sign in with the password alone. The tests of two-factor sign-in turn the
        // requirement on with `requiring_two_factor`.
        let mut rules = Jurisdiction::romania();
        rules.two_factor_roles.clear();
        let state = AppState::new(store.clone(), keys.clone(), config(), clock.clone())
            .with_jurisdiction(rules);
        App {
            backend,
            core: state.app.clone(),
            router: mnir_web::router(state),
            store,
            keys,
            clock,
            sqlite_dir,
            _dir: dir,
        }
    }

    /// The same application under the Romanian profile where the screener role needs a valid
    /// training certificate (mnir.md §12), and no role a second factor. Returns the use cases of
    /// that application too, for what its scheduler does.
    pub fn requiring_certified_screeners(mut self) -> (App, mnir_app::App) {
        let mut rules = Jurisdiction::romania();
        rules.two_factor_roles.clear();
        rules.training.screener_requires_certificate = true;
        let state = AppState::new(
            self.store.clone(),
            self.keys.clone(),
            config(),
            self.clock.clone(),
        )
        .with_jurisdiction(rules);
        let app = state.app.clone();
        self.core = app.clone();
        self.router = mnir_web::router(state);
        (self, app)
    }

    /// The same application under the tests' Romanian profile changed by `change`.
    pub fn with_rules(mut self, change: impl FnOnce(&mut Jurisdiction)) -> App {
        let mut rules = Jurisdiction::romania();
        rules.two_factor_roles.clear();
        change(&mut rules);
        let state = AppState::new(
            self.store.clone(),
            self.keys.clone(),
            config(),
            self.clock.clone(),
        )
        .with_jurisdiction(rules);
        self.core = state.app.clone();
        self.router = mnir_web::router(state);
        self
    }

    /// The same application under the Romanian profile as it is built in: every role that sees
    /// case data must sign in with a second factor.
    pub fn requiring_two_factor(mut self) -> App {
        let state = AppState::new(
            self.store.clone(),
            self.keys.clone(),
            config(),
            self.clock.clone(),
        );
        self.core = state.app.clone();
        self.router = mnir_web::router(state);
        self
    }

    /// Adds the demo's partners abroad (`PARTNER-MD` and the others), who receive the people
    /// returning from Romania.
    pub async fn partners_abroad(&self) {
        for spec in mnir_domain::defaults::demo_partners_abroad() {
            self.store
                .upsert_organisation(&spec.into(), &cli(START_MS))
                .await
                .unwrap();
        }
    }

    /// Adds an organisation outside the defaults (an NGO, a legal clinic) in a county.
    pub async fn organisation(&self, code: &str, name: &str, org_type: mnir_domain::OrgType) {
        let org = mnir_store::Organisation {
            code: code.into(),
            name: name.into(),
            org_type,
            kind: mnir_domain::OrgKind::Other,
            county: Some("RO-CJ".into()),
            identify_power: mnir_domain::IdentifyPower::None,
            active: true,
            investigates: org_type == mnir_domain::OrgType::LawEnforcement,
            country: None,
        };
        self.store
            .upsert_organisation(&org, &cli(START_MS))
            .await
            .unwrap();
    }

    pub async fn user(&self, login: &str, org: &str, roles: &str) -> User {
        let hash = mnir_crypto::hash_password(PASSWORD, PasswordCost::Fast);
        let new = NewUser {
            login: login.into(),
            org_code: org.into(),
            roles: roles.parse().unwrap(),
            password_hash: hash,
            now_ms: at(START_MS),
        };
        self.store.create_user(&new, &cli(START_MS)).await.unwrap()
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str, session: Option<&Session>) -> TestResponse {
        self.get_lang(path, session, None).await
    }

    pub async fn get_lang(
        &self,
        path: &str,
        session: Option<&Session>,
        lang: Option<&str>,
    ) -> TestResponse {
        let mut cookies = Vec::new();
        if let Some(s) = session {
            cookies.push(s.cookie.clone());
        }
        if let Some(l) = lang {
            cookies.push(format!("mnir_lang={l}"));
        }
        let mut request = Request::get(path);
        if !cookies.is_empty() {
            request = request.header(header::COOKIE, cookies.join("; "));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Posts a form as the signed-in browser would, with its CSRF token.
    pub async fn post_form(
        &self,
        path: &str,
        session: &Session,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut all: Vec<(&str, &str)> = vec![("csrf", &session.csrf)];
        all.extend_from_slice(fields);
        self.post_raw_form(path, Some(&session.cookie), &all).await
    }

    /// Posts a form with its CSRF token from a connection of `peer` (no proxy in between).
    pub async fn post_form_via(
        &self,
        path: &str,
        session: &Session,
        fields: &[(&str, &str)],
        peer: &str,
    ) -> TestResponse {
        let mut all: Vec<(&str, &str)> = vec![("csrf", &session.csrf)];
        all.extend_from_slice(fields);
        let addr: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &session.cookie)
            .extension(axum::extract::ConnectInfo(addr));
        self.send(
            request
                .body(Body::from(serde_urlencoded::to_string(all).unwrap()))
                .unwrap(),
        )
        .await
    }

    /// Posts a form that sends a file (`multipart/form-data`), `token` as its CSRF field (the
    /// session's own, or a forged one), then `fields`, then the file as `file_field`.
    pub async fn post_multipart(
        &self,
        path: &str,
        session: &Session,
        token: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file: (&str, &[u8]),
    ) -> TestResponse {
        const BOUNDARY: &str = "mnir-test-boundary-7d3f";
        let mut body: Vec<u8> = Vec::new();
        let mut part = |name: &str, filename: Option<&str>, value: &[u8]| {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            match filename {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        };
        part("csrf", None, token.as_bytes());
        for (name, value) in fields {
            part(name, None, value.as_bytes());
        }
        part(file_field, Some(file.0), file.1);
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let request = Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::COOKIE, &session.cookie)
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    pub async fn post_raw_form(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            request = request.header(header::COOKIE, c);
        }
        self.send(
            request
                .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
                .unwrap(),
        )
        .await
    }

    /// Signs in through the login page exactly as a browser does.
    pub async fn try_login(&self, login: &str, password: &str) -> (TestResponse, Option<Session>) {
        self.try_login_via(login, password, None).await
    }

    /// Signs in from a connection of `peer`, which sends `X-Forwarded-For: forwarded` when given:
    /// a browser behind the reverse proxy, or a client that writes the header itself.
    pub async fn try_login_via(
        &self,
        login: &str,
        password: &str,
        via: Option<(&str, Option<&str>)>,
    ) -> (TestResponse, Option<Session>) {
        let page = self.get("/login", None).await;
        let pre = page
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("__Host-mnir_pre="))
            .expect("pre-session cookie");
        let pre = pre.split(';').next().unwrap().to_string();
        let csrf = hidden_field(&page.body, "csrf");
        let fields = [
            ("csrf", csrf.as_str()),
            ("login", login),
            ("password", password),
            ("next", "/dashboard"),
        ];
        let mut request = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &pre);
        if let Some((peer, forwarded)) = via {
            let addr: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
            request = request.extension(axum::extract::ConnectInfo(addr));
            if let Some(f) = forwarded {
                request = request.header("x-forwarded-for", f);
            }
        }
        let response = self
            .send(
                request
                    .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
                    .unwrap(),
            )
            .await;
        let session = self.session_in(&response);
        (response, session)
    }

    /// The session a response sets its cookie for, as the browser would keep it.
    pub fn session_in(&self, response: &TestResponse) -> Option<Session> {
        response
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("__Host-mnir_session=") && !c.contains("Max-Age=0"))
            .map(|c| {
                let pair = c.split(';').next().unwrap().to_string();
                let secret = pair.split_once('=').unwrap().1.to_string();
                Session {
                    cookie: pair,
                    csrf: self.keys.csrf_token(&secret),
                }
            })
    }

    pub async fn login(&self, login: &str) -> Session {
        let (response, session) = self.try_login(login, PASSWORD).await;
        session.unwrap_or_else(|| {
            panic!(
                "login {login} failed: {} {}",
                response.status, response.body
            )
        })
    }

    /// An API token of `user` issued now (by the test clock), valid for a day.
    pub async fn token(&self, user: &User) -> String {
        let token = mnir_crypto::random_secret();
        let now = self.clock.now();
        let record = ApiTokenRecord {
            token_hash: mnir_crypto::secret_hash(&token),
            user_id: user.id.clone(),
            created_at_ms: at(now),
            expires_at_ms: at(now + 86_400_000),
        };
        self.store
            .create_api_token(&record, &cli(now))
            .await
            .unwrap();
        token
    }

    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> TestResponse {
        self.api_lang(method, path, token, body, None).await
    }

    pub async fn api_lang(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
        accept_language: Option<&str>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(l) = accept_language {
            request = request.header(header::ACCEPT_LANGUAGE, l);
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    /// An API request whose body is a file of `content_type`.
    pub async fn api_file(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> TestResponse {
        let request = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes))
            .unwrap();
        self.send(request).await
    }

    /// Stores a notification directly (as another organisation would have made it) and returns
    /// its id and reference.
    pub async fn seed_case(
        &self,
        county: &str,
        notifier: &str,
        age: AgeGroup,
        family_name: &str,
    ) -> (String, String) {
        self.seed_case_as(
            county,
            notifier,
            age,
            family_name,
            "RO",
            CaseState::Notified,
        )
        .await
    }

    /// As [`App::seed_case`], for a person of `citizenship` whose case has come as far as
    /// `state` along the main path (notified, potential, presumed, identified victim, assistance).
    pub async fn seed_case_as(
        &self,
        county: &str,
        notifier: &str,
        age: AgeGroup,
        family_name: &str,
        citizenship: &str,
        state: CaseState,
    ) -> (String, String) {
        self.seed_person(
            county,
            notifier,
            age,
            family_name,
            citizenship,
            state,
            Sex::Female,
        )
        .await
    }

    /// As [`App::seed_case_as`], for a person of `sex`.
    #[allow(clippy::too_many_arguments)]
    pub async fn seed_person(
        &self,
        county: &str,
        notifier: &str,
        age: AgeGroup,
        family_name: &str,
        citizenship: &str,
        state: CaseState,
        sex: Sex,
    ) -> (String, String) {
        let id = uuid::Uuid::new_v4().to_string();
        let reference = mnir_domain::case_reference(rand::random());
        let access = route(notifier, county, age)
            .unwrap()
            .into_iter()
            .map(|(org_code, basis)| CaseAccess { org_code, basis })
            .collect();
        let mut history = vec![HistoryEntry {
            from: None,
            to: CaseState::Notified,
            actor_user: None,
            actor_org: notifier.into(),
            at_ms: at(START_MS),
            reason: String::new(),
        }];
        for step in [
            CaseState::PotentialVictim,
            CaseState::PresumedVictim,
            CaseState::IdentifiedVictim,
            CaseState::InAssistance,
        ] {
            if history.last().map(|h| h.to) == Some(state) {
                break;
            }
            history.push(HistoryEntry {
                from: history.last().map(|h| h.to),
                to: step,
                actor_user: None,
                actor_org: notifier.into(),
                at_ms: at(START_MS),
                reason: "seeded".into(),
            });
        }
        assert_eq!(
            history.last().map(|h| h.to),
            Some(state),
            "not on the main path"
        );
        let case = NewCase {
            id: id.clone(),
            reference: reference.clone(),
            state,
            given_name: "Maria".into(),
            family_name: family_name.into(),
            birth_date: None,
            sex,
            citizenship: citizenship.into(),
            found_in_county: county.into(),
            age_years: if age == AgeGroup::Adult {
                Some(30)
            } else {
                None
            },
            age_group: age,
            exploitation: None,
            signals: vec!["S02".into()],
            notes: "Seen at the station.".into(),
            notifying_org: notifier.into(),
            created_by: None,
            notified_at_ms: at(START_MS),
            access,
            history,
        };
        self.store
            .create_case(&case, &[], &cli(START_MS))
            .await
            .unwrap();
        (id, reference)
    }

    /// The state of a case as stored, whoever may see it.
    pub async fn state_of(&self, id: &str) -> CaseState {
        let national = ScopeFor {
            scope: CaseScope {
                national: true,
                ..CaseScope::default()
            },
            org_code: String::new(),
            user_id: String::new(),
        };
        self.store
            .case_facts(id, &national)
            .await
            .unwrap()
            .unwrap()
            .state
    }
}

pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// A port on 127.0.0.1 free at the time of asking, for a server a test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The seven domains asked of an adult, each rated `severity` × `likelihood` with no note, as the
/// risk assessment API takes them.
pub fn adult_domains(severity: i64, likelihood: i64) -> serde_json::Map<String, serde_json::Value> {
    [
        "personal_safety",
        "family_safety",
        "re_trafficking",
        "physical_health",
        "mental_health",
        "legal_situation",
        "housing_livelihood",
    ]
    .into_iter()
    .map(|code| {
        (
            code.to_string(),
            serde_json::json!({"severity": severity, "likelihood": likelihood}),
        )
    })
    .collect()
}

/// The text of a PDF as `pdftotext` (poppler-utils, which the test command installs) reads it.
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) runs");
    assert!(
        out.status.success(),
        "pdftotext read the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The names of the fields a 422 answer names.
pub fn field_names(r: &TestResponse) -> Vec<String> {
    r.json()["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}
