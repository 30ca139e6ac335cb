//! Authoring the item bank: items and versions, the lifecycle with four eyes, previews, statistics, the
//! audit chain, and the versions the database keeps unchanged.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};
use serde_json::{Value, json};
use synaq::store::entity::session_item;

use crate::helpers::{TestApp, assert_problem, right_answers, spawn_app};

/// A new reading item of four options, as an author writes it.
fn reading_item(id: &str) -> Value {
    json!({
        "id": id, "section": "reading", "level": "A1", "topic": "city-transport",
        "type": "single_choice",
        "stimulus": "Бүгін Айгүл автобуспен жұмысқа барады.",
        "stem": "Айгүл жұмысқа немен барады?",
        "options": [{"id": "a", "text": "автобуспен"}, {"id": "b", "text": "таксимен"},
                    {"id": "c", "text": "метромен"}, {"id": "d", "text": "жаяу"}],
        "key": "a"
    })
}

async fn json_of(r: reqwest::Response, status: StatusCode) -> Value {
    let got = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(got, status, "{body}");
    body
}

/// Runs `sql` (with `$1` bound to `id`) on the database directly, around the service.
async fn behind_the_service(
    app: &TestApp,
    sql: &str,
    id: &str,
) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
    let backend = app.state.writer.get_database_backend();
    let sql = if backend == sea_orm::DbBackend::Sqlite {
        sql.replace("$1", "?")
    } else {
        sql.to_owned()
    };
    app.state
        .writer
        .execute_raw(Statement::from_sql_and_values(backend, sql, [id.into()]))
        .await
}

async fn move_to(app: &TestApp, id: &str, token: &str, to: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/items/{id}/transitions"),
        token,
        json!({"to": to, "comment": format!("to {to}: checked against the A1 word list")}),
    )
    .await
}

#[tokio::test]
async fn an_item_is_written_reviewed_by_another_author_and_goes_live_every_step_audited() {
    let app = spawn_app().await;
    let (writer, reviewer) = (
        app.user_with_role("author").await,
        app.user_with_role("author").await,
    );
    let id = "rd-a1-city-transport-901";
    let created = json_of(
        app.post("/api/v1/items", &writer, reading_item(id)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["versions"][0]["status"], "draft");
    assert_eq!(created["versions"][0]["version"], 1);
    assert_eq!(
        created["versions"][0]["parameters"]["status"],
        "provisional"
    );
    assert_eq!(created["history"].as_array().unwrap().len(), 1);
    assert_problem(
        app.post("/api/v1/items", &writer, reading_item(id)).await,
        StatusCode::CONFLICT,
        "item_exists",
    )
    .await;

    // Bad content is refused by the content rules, and nothing is stored.
    let mut two_keys = reading_item("rd-a1-city-transport-902");
    two_keys["key"] = json!("z");
    assert_problem(
        app.post("/api/v1/items", &writer, two_keys).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.get("/api/v1/items/rd-a1-city-transport-902", &writer)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let mut edited = reading_item(id);
    edited["stem"] = json!("Айгүл жұмысқа қалай барады?");
    let after_edit = json_of(
        app.put(&format!("/api/v1/items/{id}/draft"), &writer, edited)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        after_edit["versions"][0]["item"]["stem"],
        "Айгүл жұмысқа қалай барады?"
    );

    assert_problem(
        move_to(&app, id, &writer, "approved").await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/items/{id}/transitions"),
            &writer,
            json!({"to": "review", "comment": " "}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    json_of(move_to(&app, id, &writer, "review").await, StatusCode::OK).await;
    assert_problem(
        app.put(
            &format!("/api/v1/items/{id}/draft"),
            &writer,
            reading_item(id),
        )
        .await,
        StatusCode::CONFLICT,
        "not_a_draft",
    )
    .await;
    assert_problem(
        move_to(&app, id, &writer, "approved").await,
        StatusCode::CONFLICT,
        "same_author",
    )
    .await;
    json_of(
        move_to(&app, id, &reviewer, "approved").await,
        StatusCode::OK,
    )
    .await;
    // Delivery keeps the live bank in memory; before the item goes live it is not there.
    let reading = ["reading".to_owned()];
    let drawn_from =
        |bank: &[std::sync::Arc<item_bank::bank::Item>]| bank.iter().any(|i| i.id == id);
    let before = app
        .state
        .items
        .active(&app.state.db, &reading)
        .await
        .unwrap();
    assert!(!drawn_from(&before));
    let revision = synaq::store::bank::revision(&app.state.db).await.unwrap();
    let live = json_of(
        move_to(&app, id, &reviewer, "operational").await,
        StatusCode::OK,
    )
    .await;
    // The database raised the bank's revision, so the very next draw sees the item.
    assert!(synaq::store::bank::revision(&app.state.db).await.unwrap() > revision);
    let after = app
        .state
        .items
        .active(&app.state.db, &reading)
        .await
        .unwrap();
    assert!(
        drawn_from(&after),
        "an item that went live is drawn from at once"
    );
    assert_eq!(live["versions"][0]["status"], "operational");
    let history: Vec<&str> = live["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["draft", "review", "approved", "operational"]);

    // Live, it is among the items forms are drawn from.
    let bank = synaq::store::bank::active_items(&app.state.db, &["reading".into()])
        .await
        .unwrap();
    assert!(bank.iter().any(|i| i.id == id));

    // A new version is a copy that goes through the same steps and retires the old one when it goes live.
    let v2 = json_of(
        app.post(&format!("/api/v1/items/{id}/versions"), &writer, json!({}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(v2["versions"][1]["status"], "draft");
    assert_problem(
        app.post(&format!("/api/v1/items/{id}/versions"), &writer, json!({}))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    for (who, to) in [
        (&writer, "review"),
        (&reviewer, "approved"),
        (&reviewer, "pretest"),
    ] {
        json_of(move_to(&app, id, who, to).await, StatusCode::OK).await;
    }
    let detail = json_of(
        app.get(&format!("/api/v1/items/{id}"), &writer).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["versions"][0]["status"], "retired");
    assert_eq!(detail["versions"][1]["status"], "pretest");
    let bank = synaq::store::bank::active_items(&app.state.db, &["reading".into()])
        .await
        .unwrap();
    let mine: Vec<_> = bank.iter().filter(|i| i.id == id).collect();
    assert_eq!(mine.len(), 1);
    assert!(
        mine[0].version == 2 && mine[0].pretest,
        "a pretest version fills pretest slots only"
    );

    // Every change has its audit record, and the chain is intact.
    let audit = json_of(
        app.get(&format!("/api/v1/audit?entity=item&id={id}"), &writer)
            .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "edit",
            "transition",
            "transition",
            "transition",
            "new_version",
            "transition",
            "transition",
            "transition",
            "transition"
        ]
    );
    let verified = synaq::services::authoring::audit::verify(&app.state.db)
        .await
        .unwrap();
    assert_eq!(verified.first_break, None);
    assert!(
        verified.records > 400,
        "the starter bank's import is audited too"
    );
}

#[tokio::test]
async fn only_authors_manage_items_and_search_reads_any_alphabet() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    for role in ["proctor", "operator"] {
        let token = app.user_with_role(role).await;
        assert_problem(
            app.get("/api/v1/items", &token).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.post("/api/v1/items", &token, reading_item("rd-a1-x-001"))
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    let (candidate, _) = app.started_session().await;
    assert_problem(
        app.get("/api/v1/audit", &candidate).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    json_of(
        app.post(
            "/api/v1/items",
            &author,
            reading_item("rd-a1-city-transport-903"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // "автобуспен" typed in Latin 2021, in Latin 2018 capitals, and with Latin look-alikes in Cyrillic.
    for q in ["avtobuspen", "AVTOBUSPEN", "aвтoбуcпeн"] {
        let page = json_of(
            app.get(&format!("/api/v1/items?q={q}&status=draft"), &author)
                .await,
            StatusCode::OK,
        )
        .await;
        let ids: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["rd-a1-city-transport-903"], "{q}");
    }

    // The list pages by cursor through every item, each once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/items?section=reading&limit=100&cursor={c}"),
            None => "/api/v1/items?section=reading&limit=100".to_owned(),
        };
        let page = json_of(app.get(&path, &author).await, StatusCode::OK).await;
        for i in page["items"].as_array().unwrap() {
            assert_eq!(i["section"], "reading");
            seen.push(i["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    assert!(seen.len() > 250, "{}", seen.len());
    for bad in ["limit=0", "limit=201", "status=active", "colour=red"] {
        assert_problem(
            app.get(&format!("/api/v1/items?{bad}"), &author).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
}

#[tokio::test]
async fn a_used_version_never_changes_and_its_statistics_come_from_finished_sessions() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let (token, session) = app.started_session().await;
    let session_id = session["id"].as_str().unwrap();
    let mut answers = right_answers(&app, session_id).await;
    answers.sort_by_key(|(position, _)| *position);
    for (position, answer) in answers {
        let r = app
            .put_answer(
                session_id,
                position.into(),
                &token,
                &format!("k{position}"),
                answer,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        if position == 20 {
            let r = app
                .post(
                    &format!("/api/v1/sessions/{session_id}/sections/current/submit"),
                    &token,
                    json!({"section": "listening"}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK);
        }
    }
    let r = app
        .post(
            &format!("/api/v1/sessions/{session_id}/finish"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // A reading item with a key (the draw may put a typed-answer item first).
    let placed = session_item::Entity::find()
        .filter(session_item::Column::SessionId.eq(uuid::Uuid::parse_str(session_id).unwrap()))
        .filter(session_item::Column::Position.gt(20))
        .filter(session_item::Column::ItemType.eq("single_choice"))
        .order_by_asc(session_item::Column::Position)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();

    // Exposure counts reach the database every second; here at once.
    app.state.exposure.flush(&app.state.writer).await.unwrap();
    let detail = json_of(
        app.get(&format!("/api/v1/items/{}", placed.item_id), &author)
            .await,
        StatusCode::OK,
    )
    .await;
    let version = detail["versions"].as_array().unwrap().last().unwrap();
    assert_eq!(version["used"], true);
    assert_eq!(detail["statistics"]["n"], 1);
    assert_eq!(detail["statistics"]["p_value"], 1.0);
    let chosen: u64 = detail["statistics"]["options"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(chosen, 1, "{}", detail["statistics"]);
    let key = version["item"]["key"].as_str().unwrap();
    assert_eq!(detail["statistics"]["options"][key], 1);
    assert!(
        detail["statistics"]["exposure"]["kaztest-a1-preselection"]
            .as_f64()
            .unwrap()
            > 0.0
    );

    // The service refuses to edit it, and so does the database, whatever goes around the service.
    assert_problem(
        app.put(
            &format!("/api/v1/items/{}/draft", placed.item_id),
            &author,
            version["item"].clone(),
        )
        .await,
        StatusCode::CONFLICT,
        "not_a_draft",
    )
    .await;
    for sql in [
        "UPDATE items SET topic = 'changed' WHERE id = $1",
        "DELETE FROM items WHERE id = $1",
    ] {
        let refused = behind_the_service(&app, sql, &placed.item_id).await;
        assert!(
            refused.is_err_and(|e| e.to_string().contains("in use")),
            "{sql}"
        );
    }
    // Nor may anyone rewrite the audit log.
    let backend = app.state.writer.get_database_backend();
    let refused = app
        .state
        .writer
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE audit_log SET actor = 'someone else'",
        ))
        .await;
    assert!(refused.is_err_and(|e| e.to_string().contains("append-only")));

    // The preview is the candidate's view: no key, options relabelled and shuffled by the seed.
    let preview = json_of(
        app.get(
            &format!("/api/v1/items/{}/preview?seed=7", placed.item_id),
            &author,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let text = preview.to_string();
    assert!(
        !text.contains("\"key\"") && !text.contains("\"irt\""),
        "{text}"
    );
    let labels: Vec<&str> = preview["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["a", "b", "c", "d"]);
    let orders: std::collections::HashSet<String> =
        preview_orders(&app, &author, &placed.item_id).await;
    assert!(orders.len() > 1, "different seeds shuffle differently");
}

/// The option texts of the preview under seeds 0..8, each order as one string.
async fn preview_orders(app: &TestApp, token: &str, id: &str) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for seed in 0..8 {
        let p: Value = app
            .get(&format!("/api/v1/items/{id}/preview?seed={seed}"), token)
            .await
            .json()
            .await
            .unwrap();
        out.insert(p["options"].to_string());
    }
    out
}

#[tokio::test]
async fn retiring_an_item_a_blueprint_cannot_do_without_is_refused_with_the_report() {
    let app = spawn_app().await;
    let (a, b) = (
        app.user_with_role("author").await,
        app.user_with_role("author").await,
    );
    let mut item = reading_item("pl-a1-pilot-001");
    item["section"] = json!("pilot");
    json_of(
        app.post("/api/v1/items", &a, item).await,
        StatusCode::CREATED,
    )
    .await;
    for (who, to) in [(&a, "review"), (&b, "approved"), (&b, "operational")] {
        json_of(
            move_to(&app, "pl-a1-pilot-001", who, to).await,
            StatusCode::OK,
        )
        .await;
    }
    let blueprint = json!({
        "id": "pilot-check", "version": 1, "title": "Пилот", "max_exposure": 1.0,
        "sections": [{"id": "pilot", "title": "Пилот", "time_limit_seconds": 600, "items": 1}],
        "rules": {"pass_min_percent": 30.0, "levels": [{"level": "A1", "min_percent": 30.0}]}
    });
    let r = app.post("/api/v1/blueprints", &a, blueprint).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let refused = assert_problem(
        move_to(&app, "pl-a1-pilot-001", &b, "retired").await,
        StatusCode::CONFLICT,
        "item_required",
    )
    .await;
    assert!(
        refused["detail"].as_str().unwrap().contains("pilot-check"),
        "{refused}"
    );
}

#[tokio::test]
async fn the_audit_chain_names_the_first_record_changed_behind_the_service() {
    let app = spawn_app().await;
    let before = synaq::services::authoring::audit::verify(&app.state.db)
        .await
        .unwrap();
    assert_eq!(before.first_break, None);
    let backend = app.state.writer.get_database_backend();
    let unlock = if backend == sea_orm::DbBackend::Sqlite {
        "DROP TRIGGER audit_log_no_update"
    } else {
        "DROP TRIGGER audit_log_append_only ON audit_log"
    };
    for sql in [
        unlock,
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 7",
    ] {
        app.state
            .writer
            .execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
    }
    let after = synaq::services::authoring::audit::verify(&app.state.db)
        .await
        .unwrap();
    let broken = after.first_break.expect("the chain is broken");
    assert_eq!(broken.seq, 7);
    assert!(broken.reason.contains("hash"), "{}", broken.reason);
}

/// A writing task as an author writes it: a prompt, a text to answer, the answer box's size.
fn writing_item(id: &str) -> Value {
    json!({
        "id": id, "section": "writing", "level": "A2", "topic": "family",
        "type": "writing",
        "stimulus": "Сіздің отбасыңыз үлкен бе?",
        "stem": "Отбасыңыз туралы бес-алты сөйлем жазыңыз.",
        "writing": {"expected_lines": 8, "expected_length": 600}
    })
}

#[tokio::test]
async fn a_writing_item_is_reviewed_and_approved_but_never_goes_live() {
    let app = spawn_app().await;
    let (writer, reviewer) = (
        app.user_with_role("author").await,
        app.user_with_role("author").await,
    );

    // The content rules of the type: no options or key, an answer space within bounds.
    for (field, value) in [
        (
            "options",
            json!([{"id": "a", "text": "иә"}, {"id": "b", "text": "жоқ"}]),
        ),
        ("key", json!("a")),
        ("writing", json!({"expected_lines": 0})),
        ("writing", json!({"expected_length": 1_000_000})),
        ("writing", json!({"expected_words": 80})),
    ] {
        let mut bad = writing_item("wr-a2-family-902");
        bad[field] = value;
        assert_problem(
            app.post("/api/v1/items", &writer, bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let mut sized_choice = reading_item("rd-a1-city-transport-903");
    sized_choice["writing"] = json!({"expected_lines": 3});
    assert_problem(
        app.post("/api/v1/items", &writer, sized_choice).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    let id = "wr-a2-family-901";
    let created = json_of(
        app.post("/api/v1/items", &writer, writing_item(id)).await,
        StatusCode::CREATED,
    )
    .await;
    let item = &created["versions"][0]["item"];
    assert_eq!(
        (&item["type"], &created["versions"][0]["status"]),
        (&json!("writing"), &json!("draft"))
    );
    assert_eq!(item["writing"]["expected_lines"], 8);
    let listed = json_of(
        app.get("/api/v1/items?type=writing", &writer).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"][0]["id"], id, "{listed}");

    // Review and approval work as for any item; going on forms is refused, with the reason.
    json_of(move_to(&app, id, &writer, "review").await, StatusCode::OK).await;
    json_of(
        move_to(&app, id, &reviewer, "approved").await,
        StatusCode::OK,
    )
    .await;
    for to in ["pretest", "operational"] {
        assert_problem(
            move_to(&app, id, &reviewer, to).await,
            StatusCode::CONFLICT,
            "not_deliverable",
        )
        .await;
    }
    let detail = json_of(
        app.get(&format!("/api/v1/items/{id}"), &writer).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["versions"][0]["status"], "approved");

    // The database refuses it too, whatever goes around the service.
    for sql in [
        "UPDATE items SET status = 'operational' WHERE id = $1",
        "UPDATE items SET status = 'pretest' WHERE id = $1",
    ] {
        let refused = behind_the_service(&app, sql, id).await;
        assert!(
            refused.is_err_and(|e| e.to_string().contains("cannot go live")),
            "{sql}"
        );
    }
    let detail = json_of(
        app.get(&format!("/api/v1/items/{id}"), &writer).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["versions"][0]["status"], "approved");
}

#[tokio::test]
async fn a_live_bank_of_thousands_of_items_is_read_and_drawn_from() {
    let app = spawn_app().await;
    let generated =
        item_bank::assembly::generate_bank(&item_bank::assembly::GenerateOptions::plain(2500, 1));
    let content = item_bank::content::Content {
        items: generated,
        ..Default::default()
    };
    synaq::store::bank::import(&app.state.writer, &content)
        .await
        .unwrap();
    let sections = ["listening".to_owned(), "reading".to_owned()];
    let live = app
        .state
        .items
        .active(&app.state.db, &sections)
        .await
        .unwrap();
    let generated_live = live
        .iter()
        .filter(|i| {
            i.id.starts_with("ls-g-") || i.id.starts_with("rd-g-") || i.id.starts_with("rd-set-")
        })
        .count();
    assert_eq!(generated_live, 2500);
    // …and a candidate starts a session on it.
    let (_, session) = app.started_session().await;
    assert_eq!(session["status"], "in_progress", "{session}");
}
