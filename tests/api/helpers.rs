//! `spawn_app()` and the flows the tests share.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use chrono::{Duration, Utc};
use reqwest::{Client, Response, StatusCode};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, QuerySelect, Statement,
};
use serde_json::{Value, json};
use synaq::config::Settings;
use synaq::startup::{AppState, Application};
use synaq::store::entity::session_item;
use uuid::Uuid;

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// A running server on a fresh database.
pub struct TestApp {
    api: Api,
    pub state: AppState,
    /// The `metrics_bind` listener's base URL, when the settings gave one.
    pub metrics_address: Option<String>,
}

/// What the tests do over HTTP alone: with an in-process [`TestApp`] (which dereferences to it) or the
/// real binary ([`RunningServer::api`]).
#[derive(Clone)]
pub struct Api {
    pub address: String,
    pub client: Client,
}

impl std::ops::Deref for TestApp {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

/// The checkout's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A database URL for one test: a new PostgreSQL database when `TEST_DATABASE_URL` is set, else SQLite in
/// the test's data directory.
pub async fn fresh_database_url(data_dir: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("synaq_test_{}", Uuid::now_v7().simple());
            let admin = Database::connect(&base)
                .await
                .expect("TEST_DATABASE_URL answers");
            admin
                .execute_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("CREATE DATABASE {name}"),
                ))
                .await
                .expect("create a test database");
            let (prefix, _) = base.rsplit_once('/').expect("a database URL has a path");
            format!("{prefix}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", data_dir.join("synaq.db").display()),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server on port 0 with settings adjusted by `tweak`.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = std::env::temp_dir().join(format!("synaq-test-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&data_dir).unwrap();
    let mut settings = Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.clone(),
        database_url: fresh_database_url(&data_dir).await,
        content_dir: root().join("item-bank/content"),
        log_format: "json".into(),
        sweep_interval_seconds: 1,
        grace_seconds: 2,
        // The tests answer whole forms in a moment, faster than any person; the limit has its own tests.
        save_rate_per_second: 0.0,
        ..Settings::default()
    };
    tweak(&mut settings);
    let app = Application::build(settings, Some(ADMIN_PASSWORD.into()))
        .await
        .expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}"));
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        api: Api {
            address,
            client: Client::new(),
        },
        state,
        metrics_address,
    }
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn token(&self, body: Value) -> Response {
        self.client
            .post(self.url("/api/v1/auth/token"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Signs in staff and returns the bearer token.
    pub async fn staff_token(&self, username: &str, password: &str) -> String {
        let r = self
            .token(json!({"grant_type": "password", "username": username, "password": password}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "sign-in of {username}");
        r.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn admin_token(&self) -> String {
        self.staff_token("admin", ADMIN_PASSWORD).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Response {
        self.client
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn put_answer(
        &self,
        session: &str,
        position: i64,
        token: &str,
        key: &str,
        answer: Value,
    ) -> Response {
        self.client
            .put(self.url(&format!("/api/v1/sessions/{session}/responses/{position}")))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&json!({"answer": answer}))
            .send()
            .await
            .unwrap()
    }

    /// Registers a new candidate to a new open sitting; returns (registration id, access code, candidate id).
    pub async fn registered_candidate(&self, staff: &str) -> (String, String, String) {
        let doc = format!("N{}", &Uuid::now_v7().simple().to_string()[16..]);
        let c = self
            .post("/api/v1/candidates", staff, json!({"full_name": "Айгүл Серікқызы", "document_number": doc, "citizenship": "UZB"}))
            .await;
        assert_eq!(c.status(), StatusCode::CREATED);
        let candidate_id = c.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let sitting = self.open_sitting(staff).await;
        self.register(staff, &sitting, &candidate_id).await
    }

    /// A sitting open from an hour ago for two hours.
    pub async fn open_sitting(&self, staff: &str) -> String {
        let s = self
            .post(
                "/api/v1/sittings",
                staff,
                json!({"blueprint": "kaztest-a1-preselection", "mode": "centre",
                       "opens_at": Utc::now() - Duration::hours(1), "closes_at": Utc::now() + Duration::hours(2)}),
            )
            .await;
        assert_eq!(s.status(), StatusCode::CREATED);
        s.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn register(
        &self,
        staff: &str,
        sitting: &str,
        candidate_id: &str,
    ) -> (String, String, String) {
        let r = self
            .post(
                &format!("/api/v1/sittings/{sitting}/registrations"),
                staff,
                json!({"candidate_id": candidate_id}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let body: Value = r.json().await.unwrap();
        (
            body["registration_id"].as_str().unwrap().to_owned(),
            body["access_code"].as_str().unwrap().to_owned(),
            candidate_id.to_owned(),
        )
    }

    pub async fn candidate_token(&self, registration_id: &str, access_code: &str) -> String {
        let r = self
            .token(json!({"grant_type": "access_code", "registration_id": registration_id, "access_code": access_code}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A candidate with a started session: (candidate token, session body).
    pub async fn started_session(&self) -> (String, Value) {
        let staff = self.admin_token().await;
        let (reg, code, _) = self.registered_candidate(&staff).await;
        let token = self.candidate_token(&reg, &code).await;
        let r = self.post("/api/v1/sessions", &token, json!({})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        (token, r.json().await.unwrap())
    }
}

impl TestApp {
    /// Creates a staff user through the service the CLI uses, and signs them in.
    pub async fn user_with_role(&self, role: &str) -> String {
        let username = format!("{role}-{}", &Uuid::now_v7().simple().to_string()[20..]);
        let password = "a-long-enough-password";
        synaq::services::accounts::create_user(&self.state.writer, &username, password, role)
            .await
            .unwrap();
        self.staff_token(&username, password).await
    }

    /// A results-reader client's token.
    pub async fn reader_token(&self) -> String {
        let (id, secret) = synaq::services::accounts::create_client(
            &self.state.writer,
            "pre-selection",
            "results-reader",
        )
        .await
        .unwrap();
        let r = self.token(json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret})).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// Runs a browser scenario (`tests/browser/<script>`, Playwright for Python) with `args` and returns its
/// standard output; fails the test with everything it printed when it fails.
pub async fn run_browser_script(script: &str, args: Vec<std::ffi::OsString>) -> String {
    let script = root().join("tests/browser").join(script);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3").arg(&script).args(args).output()
    })
    .await
    .unwrap()
    .expect("python3 runs (apt-get install -y python3)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser scenario failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    stdout
}

/// Runs `synaq <args>` on the test server's database; returns its JSON output.
pub fn synaq(app: &TestApp, args: &[&str]) -> Result<Value, String> {
    let settings = &app.state.settings;
    let out = Command::new(env!("CARGO_BIN_EXE_synaq"))
        .args(args)
        .arg("--data-dir")
        .arg(&settings.data_dir)
        .args(["--database-url", &settings.effective_database_url()])
        .output()
        .unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The real `synaq serve` binary on a fresh database, with the admin password [`ADMIN_PASSWORD`].
pub struct RunningServer {
    child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    /// The database it serves (SQLite in `data_dir`, or its own PostgreSQL database).
    pub database_url: String,
}

/// Starts the real binary with extra environment variables and waits until it answers `/healthz`.
pub async fn run_server(env: &[(&str, &str)]) -> RunningServer {
    let data_dir = std::env::temp_dir().join(format!("synaq-bin-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&data_dir).unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let db_url = fresh_database_url(&data_dir).await;
    // Output goes to files, never to pipes nobody reads while the server runs (a full pipe would stall it).
    let log = |name: &str| Stdio::from(std::fs::File::create(data_dir.join(name)).unwrap());
    let child = Command::new(env!("CARGO_BIN_EXE_synaq"))
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(&data_dir)
        .args(["--database-url", &db_url, "--content"])
        .arg(root().join("item-bank/content"))
        .env("SYNAQ_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .envs(env.iter().copied())
        .stdout(log("stdout.log"))
        .stderr(log("stderr.log"))
        .spawn()
        .unwrap();
    let server = RunningServer {
        child,
        base: format!("http://127.0.0.1:{port}"),
        data_dir,
        database_url: db_url,
    };
    let client = Client::new();
    for _ in 0..300 {
        if client
            .get(format!("{}/healthz", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return server;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server did not come up");
}

impl RunningServer {
    /// The server's resident memory now, in bytes (`VmRSS` of `/proc/<pid>/status`).
    pub fn resident_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status");
        kib * 1024
    }

    /// The server's HTTP flows.
    pub fn api(&self) -> Api {
        Api {
            address: self.base.clone(),
            client: Client::new(),
        }
    }

    /// Sends the server SIGTERM and waits (at most a minute) for it to exit; returns how it exited.
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM {}", self.child.id());
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the server did not exit within a minute of SIGTERM");
    }

    /// Everything the server wrote to standard output and error so far.
    pub fn logs(&self) -> String {
        ["stdout.log", "stderr.log"]
            .iter()
            .map(|f| std::fs::read_to_string(self.data_dir.join(f)).unwrap())
            .collect()
    }

    /// Stops the server and returns everything it wrote to standard output and error.
    pub fn stop(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.logs()
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asserts a problem+json answer with this status and code.
pub async fn assert_problem(r: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    body
}

/// The right answer at every position of a session, worked out from the store as only the server could.
pub async fn right_answers(app: &TestApp, session_id: &str) -> Vec<(i32, Value)> {
    let id = uuid::Uuid::parse_str(session_id).unwrap();
    let placed = session_item::Entity::find()
        .filter(session_item::Column::SessionId.eq(id))
        .all(&app.state.db)
        .await
        .unwrap();
    let keys: Vec<(String, i32)> = placed
        .iter()
        .map(|p| (p.item_id.clone(), p.item_version))
        .collect();
    let items = synaq::store::bank::item_versions(&app.state.db, &keys)
        .await
        .unwrap();
    placed
        .iter()
        .map(|p| {
            let item = &items[&(p.item_id.clone(), p.item_version)];
            let answer = match &item.key {
                Some(key) => {
                    let order: Vec<String> =
                        serde_json::from_value(p.option_order.clone()).unwrap();
                    let idx = order.iter().position(|o| o == key).unwrap();
                    json!({"choice": item_bank::grading::option_label(idx)})
                }
                None => json!({"text": item.text_key.as_ref().unwrap().accept[0]}),
            };
            (p.position, answer)
        })
        .collect()
}

/// Candidates saving answers as fast as the server takes them, one task each, every save with a fresh
/// `Idempotency-Key`, until stopped or until the server stops answering.
pub struct SaveLoad {
    acknowledged: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Set when the server is being stopped: a refused save then ends its candidate instead of failing.
    stopping: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Each candidate's task; it ends with the save the server refused, if one was.
    tasks: tokio::task::JoinSet<Option<String>>,
}

impl SaveLoad {
    /// Starts `candidates` sessions on `api`'s server and sets each saving in its own task.
    pub async fn start(api: &Api, candidates: usize) -> SaveLoad {
        let mut load = SaveLoad {
            acknowledged: Default::default(),
            stop: Default::default(),
            stopping: Default::default(),
            tasks: tokio::task::JoinSet::new(),
        };
        for _ in 0..candidates {
            let (token, session) = api.started_session().await;
            let (api, acknowledged, stop, stopping) = (
                api.clone(),
                load.acknowledged.clone(),
                load.stop.clone(),
                load.stopping.clone(),
            );
            load.tasks.spawn(async move {
                let id = session["id"].as_str().unwrap().to_owned();
                let items: Vec<(i64, Value)> = session["sections"][0]["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|item| {
                        let answer = match item["options"].as_array() {
                            Some(options) if !options.is_empty() => {
                                json!({"choice": options[0]["id"]})
                            }
                            _ => json!({"text": "кітап"}),
                        };
                        (item["position"].as_i64().unwrap(), answer)
                    })
                    .collect();
                for (position, answer) in items.iter().cycle() {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        return None;
                    }
                    let key = Uuid::now_v7().to_string();
                    let sent = api
                        .client
                        .put(api.url(&format!("/api/v1/sessions/{id}/responses/{position}")))
                        .bearer_auth(&token)
                        .header("Idempotency-Key", &key)
                        .json(&json!({"answer": answer}))
                        .send()
                        .await;
                    match sent {
                        Ok(r) if r.status() == StatusCode::OK => {
                            acknowledged.lock().unwrap().push((id.clone(), key));
                        }
                        // The server did not read the request in time (a busy machine): nothing was
                        // acknowledged, and a client sends the next one.
                        Ok(r) if r.status() == StatusCode::REQUEST_TIMEOUT => {}
                        // A save in flight while the server stops is not acknowledged: the candidate
                        // stops, as on a lost connection.
                        Ok(_) if stopping.load(std::sync::atomic::Ordering::Relaxed) => {
                            return None;
                        }
                        Ok(r) => {
                            return Some(format!(
                                "{}: {}",
                                r.status(),
                                r.text().await.unwrap_or_default()
                            ));
                        }
                        // The server is gone: this candidate stops.
                        Err(_) => return None,
                    }
                }
                None
            });
        }
        load
    }

    /// The (session, Idempotency-Key) pairs acknowledged so far.
    pub fn acknowledged(&self) -> Vec<(String, String)> {
        self.acknowledged.lock().unwrap().clone()
    }

    /// Waits until every candidate has stopped by itself (at most a minute), none of them on a save the
    /// server refused; returns every pair acknowledged.
    pub async fn finished(mut self) -> Vec<(String, String)> {
        tokio::time::timeout(std::time::Duration::from_secs(60), async {
            while let Some(task) = self.tasks.join_next().await {
                if let Some(refused) = task.unwrap() {
                    panic!("a save was refused: {refused}");
                }
            }
        })
        .await
        .expect("every candidate stops once the server is gone");
        self.acknowledged()
    }

    /// Says that the server is about to be stopped: from now on a refused save is not a failure.
    pub fn server_stopping(&self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Stops every candidate; returns every pair acknowledged.
    pub async fn stop(self) -> Vec<(String, String)> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.finished().await
    }
}

/// The acknowledged (session, Idempotency-Key) pairs that the database at `url` does not hold.
pub async fn missing_saves(url: &str, acknowledged: &[(String, String)]) -> Vec<(String, String)> {
    use synaq::store::entity::response_event;
    let db = Database::connect(url).await.unwrap();
    let mut stored = std::collections::HashSet::new();
    let sessions: std::collections::BTreeSet<&str> =
        acknowledged.iter().map(|(s, _)| s.as_str()).collect();
    for session in sessions {
        let keys: Vec<String> = response_event::Entity::find()
            .select_only()
            .column(response_event::Column::IdempotencyKey)
            .filter(response_event::Column::SessionId.eq(Uuid::parse_str(session).unwrap()))
            .into_tuple()
            .all(&db)
            .await
            .unwrap();
        stored.extend(keys.into_iter().map(|k| (session.to_owned(), k)));
    }
    db.close().await.unwrap();
    acknowledged
        .iter()
        .filter(|pair| !stored.contains(*pair))
        .cloned()
        .collect()
}
