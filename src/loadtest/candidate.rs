//! One simulated candidate: signs in, starts, answers with think time (moving to the next instance
//! half-way through the first section when there are several), submits each section and finishes — or
//! stops after the sections it was told to answer, or walks away half-way and leaves the closing to the
//! server's clock.

use std::time::{Duration, Instant};

use anyhow::Context;
use rand::Rng;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Shared, call, json_ok, retry_after, timed};

/// How a simulated candidate behaves.
#[derive(Clone, Copy)]
pub struct Pace {
    /// Mean pause between two answers; each pause is uniform on [0, 2 × mean].
    pub think_ms: u64,
    /// Integrity events a minute (0: none).
    pub events_per_minute: u32,
    /// Answer only this many sections and stop there (0: all, then finish).
    pub sections: usize,
    /// Walk away half-way through the first section and come back only to read the result the server's
    /// clock produced.
    pub abandon: bool,
}

/// Where a candidate talks to: the instance it starts on and the one it moves to half-way.
pub struct Route<'a> {
    pub first: &'a str,
    pub second: &'a str,
}

/// What the server answered a save.
enum Saved {
    Acknowledged,
    /// The section or the session closed meanwhile (its time ran out): read the view again.
    Closed,
}

/// One candidate's whole sitting; returns its session id once it started.
pub async fn sit(
    client: &Client,
    route: Route<'_>,
    rec: &Shared,
    registration: &str,
    code: &str,
    pace: Pace,
) -> anyhow::Result<Uuid> {
    let mut base = route.first;
    let (token, session) = begin(client, base, rec, registration, code).await?;
    let session_id: Uuid = session["id"].as_str().context("a session id")?.parse()?;
    let event_every = (pace.events_per_minute > 0)
        .then(|| Duration::from_millis(60_000 / u64::from(pace.events_per_minute)));
    let mut last_event = Instant::now();
    let mut view = session;
    let mut sections_done = 0;
    let mut answered = 0;
    'sections: while let Some(section) = open_section(&view) {
        let items = section["items"].as_array().cloned().unwrap_or_default();
        let half = items.len().div_ceil(2);
        for item in items {
            if sections_done == 0 && answered == half {
                if pace.abandon {
                    return come_back_for_result(client, base, rec, &token, session_id).await;
                }
                base = route.second;
            }
            let pause = rand::rng().random_range(0..=pace.think_ms.saturating_mul(2));
            tokio::time::sleep(Duration::from_millis(pause)).await;
            match save(client, base, rec, &token, session_id, &item).await? {
                Saved::Acknowledged => answered += 1,
                Saved::Closed => {
                    view = session_view(client, base, rec, &token, session_id).await?;
                    sections_done += 1;
                    continue 'sections;
                }
            }
            if event_every.is_some_and(|every| last_event.elapsed() >= every) {
                last_event = Instant::now();
                send_event(client, base, rec, &token, session_id).await?;
            }
        }
        sections_done += 1;
        if pace.sections > 0 && sections_done >= pace.sections {
            return Ok(session_id);
        }
        let submit = format!("{base}/api/v1/sessions/{session_id}/sections/current/submit");
        view = call(
            rec,
            "submit_section",
            client
                .post(submit)
                .bearer_auth(&token)
                .json(&json!({"section": section["id"]})),
        )
        .await?;
    }
    if view["status"] != "finished" {
        let finish = format!("{base}/api/v1/sessions/{session_id}/finish");
        call(rec, "finish", client.post(finish).bearer_auth(&token)).await?;
    }
    let result = format!("{base}/api/v1/sessions/{session_id}/result");
    call(rec, "result", client.get(result).bearer_auth(&token)).await?;
    Ok(session_id)
}

fn open_section(view: &Value) -> Option<Value> {
    view["sections"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["status"] == "open").cloned())
}

/// Signs in and starts (or resumes) the session on `base`; the candidate's token and the session's view.
pub async fn begin(
    client: &Client,
    base: &str,
    rec: &Shared,
    registration: &str,
    code: &str,
) -> anyhow::Result<(String, Value)> {
    let token = sign_in(client, base, rec, registration, code).await?;
    let session = timed(rec, "start", async {
        json_ok(
            client
                .post(format!("{base}/api/v1/sessions"))
                .bearer_auth(&token)
                .send()
                .await?,
            &[StatusCode::CREATED, StatusCode::OK],
        )
        .await
    })
    .await?;
    rec.lock()
        .expect("recorder lock")
        .start_times
        .push(Instant::now());
    Ok((token, session))
}

async fn sign_in(
    client: &Client,
    base: &str,
    rec: &Shared,
    registration: &str,
    code: &str,
) -> anyhow::Result<String> {
    timed(rec, "sign_in", async {
        // A server too busy to check the code now says when to try again, and a page does so.
        let mut attempt = 0;
        let resp = loop {
            attempt += 1;
            let resp = client
                .post(format!("{base}/api/v1/auth/token"))
                .json(&json!({"grant_type": "access_code", "registration_id": registration, "access_code": code}))
                .send()
                .await?;
            let busy = matches!(
                resp.status(),
                StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS
            );
            if !busy || attempt == 30 {
                break resp;
            }
            tokio::time::sleep(retry_after(&resp)).await;
        };
        let body = json_ok(resp, &[StatusCode::OK]).await?;
        Ok(body["access_token"].as_str().context("a token")?.to_owned())
    })
    .await
}

async fn session_view(
    client: &Client,
    base: &str,
    rec: &Shared,
    token: &str,
    session_id: Uuid,
) -> anyhow::Result<Value> {
    let url = format!("{base}/api/v1/sessions/{session_id}");
    call(rec, "view", client.get(url).bearer_auth(token)).await
}

/// Saves an answer to `item`, sent again with the same key when it is lost in transit (as a browser
/// would: the server applies it once) or when the server asks to slow down.
async fn save(
    client: &Client,
    base: &str,
    rec: &Shared,
    token: &str,
    session_id: Uuid,
    item: &Value,
) -> anyhow::Result<Saved> {
    let position = item["position"].as_i64().context("a position")?;
    let answer = match item["options"].as_array() {
        Some(opts) if !opts.is_empty() => {
            let pick = rand::rng().random_range(0..opts.len());
            json!({"choice": opts[pick]["id"]})
        }
        _ => json!({"text": "кітап"}),
    };
    let key = Uuid::now_v7().to_string();
    let url = format!("{base}/api/v1/sessions/{session_id}/responses/{position}");
    let saved = timed(rec, "save", async {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = client
                .put(&url)
                .bearer_auth(token)
                .header("Idempotency-Key", &key)
                .json(&json!({"answer": answer}))
                .send()
                .await;
            match sent {
                Ok(resp) if resp.status() == StatusCode::TOO_MANY_REQUESTS && attempt < 30 => {
                    tokio::time::sleep(retry_after(&resp)).await;
                }
                Ok(resp) if resp.status() == StatusCode::CONFLICT => {
                    let body: Value = resp.json().await.unwrap_or(Value::Null);
                    let closed = ["deadline_passed", "section_not_open", "session_finished"];
                    if closed.iter().any(|c| body["code"] == *c) {
                        return Ok(Saved::Closed);
                    }
                    anyhow::bail!("unexpected 409: {body}");
                }
                Ok(resp) => {
                    json_ok(resp, &[StatusCode::OK]).await?;
                    return Ok(Saved::Acknowledged);
                }
                Err(e) if attempt < 3 => eprintln!("a save is sent again after: {e}"),
                Err(e) => return Err(e.into()),
            }
        }
    })
    .await?;
    if matches!(saved, Saved::Acknowledged) {
        let mut rec = rec.lock().expect("recorder lock");
        rec.acknowledged.push((session_id, key));
        rec.saved_at.push(Instant::now());
    }
    Ok(saved)
}

async fn send_event(
    client: &Client,
    base: &str,
    rec: &Shared,
    token: &str,
    session_id: Uuid,
) -> anyhow::Result<()> {
    let url = format!("{base}/api/v1/sessions/{session_id}/integrity-events");
    let batch = json!({"events": [{"type": "resize", "at": chrono::Utc::now()}]});
    let sent = client.post(url).bearer_auth(token).json(&batch);
    timed(rec, "integrity_events", async {
        json_ok(sent.send().await?, &[StatusCode::ACCEPTED]).await
    })
    .await?;
    Ok(())
}

/// A candidate who walked away: looks at the session now and then until the server's clock has closed
/// every section and finished it, then reads the result.
async fn come_back_for_result(
    client: &Client,
    base: &str,
    rec: &Shared,
    token: &str,
    session_id: Uuid,
) -> anyhow::Result<Uuid> {
    rec.lock().expect("recorder lock").abandoned += 1;
    loop {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let view = session_view(client, base, rec, token, session_id).await?;
        if view["status"] == "finished" {
            break;
        }
    }
    let result = format!("{base}/api/v1/sessions/{session_id}/result");
    call(rec, "result", client.get(result).bearer_auth(token)).await?;
    Ok(session_id)
}
