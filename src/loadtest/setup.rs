//! Before the run: an admin signs in, makes the sitting (on a short copy of the A1 blueprint when asked)
//! and registers every candidate, a few at a time as a registration desk's clients would.

use std::sync::Arc;

use anyhow::Context;
use reqwest::{Client, StatusCode};
use serde_json::json;
use uuid::Uuid;

use super::{LoadOptions, json_ok};

/// Registrations made at once.
const AT_ONCE: usize = 8;

const BLUEPRINT: &str = "kaztest-a1-preselection";

/// Registers `options.candidates` candidates in one new sitting; returns (registration id, access code).
pub async fn register(
    client: &Client,
    base: &str,
    options: &LoadOptions,
) -> anyhow::Result<Vec<(String, String)>> {
    let admin = admin_token(client, base, &options.admin_password).await?;
    let run_tag = Uuid::now_v7().simple().to_string();
    let blueprint = match options.time_limit_seconds {
        Some(seconds) => short_blueprint(client, base, &admin, &run_tag, seconds).await?,
        None => BLUEPRINT.to_owned(),
    };
    let now = chrono::Utc::now();
    let sitting = json_ok(
        client
            .post(format!("{base}/api/v1/sittings"))
            .bearer_auth(&admin)
            .json(&json!({"blueprint": blueprint, "mode": "centre",
                "opens_at": now - chrono::Duration::minutes(5), "closes_at": now + chrono::Duration::hours(6)}))
            .send()
            .await?,
        &[StatusCode::CREATED],
    )
    .await
    .context("creating the sitting")?;
    let sitting: Arc<str> = sitting["id"].as_str().context("a sitting id")?.into();
    let desk = Desk {
        client: client.clone(),
        base: base.into(),
        admin: admin.into(),
        sitting,
        tag: run_tag[20..].into(),
    };
    few_at_a_time(options.candidates, |i| {
        let desk = desk.clone();
        async move { desk.register(i).await }
    })
    .await
}

/// Runs `work(0)` … `work(count - 1)`, [`AT_ONCE`] at a time, as a desk's few clients would; their
/// answers in the order they came.
pub(super) async fn few_at_a_time<T, F>(
    count: usize,
    work: impl Fn(usize) -> F,
) -> anyhow::Result<Vec<T>>
where
    T: Send + 'static,
    F: std::future::Future<Output = anyhow::Result<T>> + Send + 'static,
{
    let mut out = Vec::with_capacity(count);
    let mut next = 0;
    let mut running = tokio::task::JoinSet::new();
    while out.len() < count {
        while next < count && running.len() < AT_ONCE {
            running.spawn(work(next));
            next += 1;
        }
        let done = running.join_next().await.context("a task of the desk")??;
        out.push(done?);
    }
    Ok(out)
}

async fn admin_token(client: &Client, base: &str, password: &str) -> anyhow::Result<String> {
    let admin = json_ok(
        client
            .post(format!("{base}/api/v1/auth/token"))
            .json(&json!({"grant_type": "password", "username": "admin", "password": password}))
            .send()
            .await?,
        &[StatusCode::OK],
    )
    .await
    .context("signing in as admin")?;
    Ok(admin["access_token"]
        .as_str()
        .context("a token")?
        .to_owned())
}

/// Stores a copy of the A1 blueprint whose every section lasts `seconds`; returns its id.
async fn short_blueprint(
    client: &Client,
    base: &str,
    admin: &str,
    run_tag: &str,
    seconds: u32,
) -> anyhow::Result<String> {
    let mut bp = json_ok(
        client
            .get(format!("{base}/api/v1/blueprints/{BLUEPRINT}"))
            .bearer_auth(admin)
            .send()
            .await?,
        &[StatusCode::OK],
    )
    .await
    .context("reading the A1 blueprint")?;
    let id = format!("load-{}", &run_tag[20..]);
    bp["id"] = json!(id);
    bp["version"] = json!(1);
    for section in bp["sections"].as_array_mut().context("sections")? {
        section["time_limit_seconds"] = json!(seconds);
    }
    json_ok(
        client
            .post(format!("{base}/api/v1/blueprints"))
            .bearer_auth(admin)
            .json(&bp)
            .send()
            .await?,
        &[StatusCode::CREATED],
    )
    .await
    .context("storing the short blueprint")?;
    Ok(id)
}

/// What registering one candidate needs.
#[derive(Clone)]
struct Desk {
    client: Client,
    base: Arc<str>,
    admin: Arc<str>,
    sitting: Arc<str>,
    tag: Arc<str>,
}

impl Desk {
    async fn register(&self, i: usize) -> anyhow::Result<(String, String)> {
        let (base, tag) = (&self.base, &self.tag);
        let c = json_ok(
            self.client
                .post(format!("{base}/api/v1/candidates"))
                .bearer_auth(&*self.admin)
                .json(&json!({"full_name": format!("Кандидат {i}"), "document_number": format!("L{tag}{i:06}")}))
                .send()
                .await?,
            &[StatusCode::CREATED],
        )
        .await?;
        let r = json_ok(
            self.client
                .post(format!(
                    "{base}/api/v1/sittings/{}/registrations",
                    self.sitting
                ))
                .bearer_auth(&*self.admin)
                .json(&json!({"candidate_id": c["id"]}))
                .send()
                .await?,
            &[StatusCode::CREATED],
        )
        .await?;
        Ok((
            r["registration_id"]
                .as_str()
                .context("registration id")?
                .to_owned(),
            r["access_code"].as_str().context("access code")?.to_owned(),
        ))
    }
}
