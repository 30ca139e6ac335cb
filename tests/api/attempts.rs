//! The attempt limit holds under concurrent registrations.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn parallel_registrations_never_exceed_the_attempt_limit() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let c = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "Дильноза Каримова", "document_number": "FA1234567"}),
        )
        .await;
    let candidate = c.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut sittings = Vec::new();
    for _ in 0..12 {
        sittings.push(app.open_sitting(&admin).await);
    }
    let mut requests = JoinSet::new();
    for sitting in sittings {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/sittings/{sitting}/registrations"));
        let (admin, candidate) = (admin.clone(), candidate.clone());
        requests.spawn(async move {
            client
                .post(url)
                .bearer_auth(admin)
                .json(&json!({"candidate_id": candidate}))
                .send()
                .await
                .unwrap()
        });
    }
    let mut created = 0;
    for r in requests.join_all().await {
        if r.status() == StatusCode::CREATED {
            created += 1;
        } else {
            assert_problem(r, StatusCode::CONFLICT, "attempts_exhausted").await;
        }
    }
    let max = app.state.settings.max_attempts as u64;
    assert_eq!(created, max, "exactly the limit is registered");
    let stored = synaq::store::entity::registration::Entity::find()
        .filter(
            synaq::store::entity::registration::Column::CandidateId
                .eq(uuid::Uuid::parse_str(&candidate).unwrap()),
        )
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, max, "and exactly the limit is stored");
}
