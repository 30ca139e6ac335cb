//! Media uploads, QTI 3.0 packages in and out of the bank, and the bank as a directory of items files
//! from the command line.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, root, run_server, spawn_app};

async fn post_bytes(app: &TestApp, path: &str, token: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// The hand-written fixture package of the `qti` crate, zipped as an authoring tool would ship it.
fn fixture_package() -> Vec<u8> {
    let dir = root().join("qti/tests/fixtures/package");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut add = |name: &str| {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&std::fs::read(dir.join(name)).unwrap())
            .unwrap();
    };
    add("imsmanifest.xml");
    for sub in ["items", "media"] {
        let mut names: Vec<_> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        for n in names {
            add(&format!("{sub}/{n}"));
        }
    }
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_recording_is_uploaded_by_its_content_and_an_item_names_it() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let ogg =
        std::fs::read(root().join("item-bank/content/audio/ls-a1-city-transport-001.ogg")).unwrap();
    let r = post_bytes(&app, "/api/v1/media", &author, ogg.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let stored: Value = r.json().await.unwrap();
    let media_id = stored["media_id"].as_str().unwrap().to_owned();
    assert!(media_id.starts_with("audio/") && media_id.ends_with(".ogg"));
    assert!(stored["duration_seconds"].as_f64().unwrap() > 0.5);
    let again: Value = post_bytes(&app, "/api/v1/media", &author, ogg)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["media_id"], media_id.as_str(), "one file, one medium");

    let svg =
        std::fs::read(root().join("item-bank/content/images/rd-a1-food-pic-001.svg")).unwrap();
    let mut renamed_mp3 = b"ID3\x03\x00".to_vec();
    renamed_mp3.extend([0u8; 64]);
    for not_ogg in [svg, renamed_mp3, b"OggS but not really".to_vec()] {
        assert_problem(
            post_bytes(&app, "/api/v1/media", &author, not_ogg).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media",
        )
        .await;
    }
    assert_problem(
        post_bytes(&app, "/api/v1/media", &author, vec![0; 4 * 1024 * 1024 + 1]).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    let proctor = app.user_with_role("proctor").await;
    assert_problem(
        post_bytes(&app, "/api/v1/media", &proctor, vec![1, 2, 3]).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let item = |audio: &str| {
        json!({
            "id": "ls-a1-city-transport-901", "section": "listening", "level": "A1",
            "topic": "city-transport", "type": "single_choice", "audio": audio,
            "transcript": "Автобус сағат тоғызда келеді.", "stem": "Автобус қашан келеді?", "key": "b",
            "options": [{"id": "a", "text": "сегізде"}, {"id": "b", "text": "тоғызда"},
                        {"id": "c", "text": "онда"}, {"id": "d", "text": "он бірде"}]
        })
    };
    assert_problem(
        app.post("/api/v1/items", &author, item("audio/never-uploaded.ogg"))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let r = app.post("/api/v1/items", &author, item(&media_id)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let preview: Value = app
        .get("/api/v1/items/ls-a1-city-transport-901/preview", &author)
        .await
        .json()
        .await
        .unwrap();
    let url = preview["media"]["url"].as_str().unwrap();
    let audio = app.get(url, &author).await;
    assert_eq!(audio.status(), StatusCode::OK);
    assert_eq!(&audio.bytes().await.unwrap()[..4], b"OggS");
}

#[tokio::test]
async fn an_extended_text_item_imports_as_a_writing_draft_and_exports_back() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let xml = std::fs::read(root().join("qti/tests/fixtures/items/extended-text.xml")).unwrap();
    let report: Value = post_bytes(&app, "/api/v1/qti/import", &author, xml)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["skipped"], json!([]), "{report}");
    assert_eq!(report["imported"][0]["item_id"], "essay-family", "{report}");
    let detail: Value = app
        .get("/api/v1/items/essay-family", &author)
        .await
        .json()
        .await
        .unwrap();
    let version = &detail["versions"][0];
    assert_eq!(version["status"], "draft");
    assert_eq!(version["item"]["type"], "writing");
    assert_eq!(version["item"]["writing"]["expected_lines"], 8);

    let exported = app
        .get("/api/v1/qti/export?item=essay-family", &author)
        .await;
    assert_eq!(exported.status(), StatusCode::OK);
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(exported.bytes().await.unwrap())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("items/essay-family.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(
        xml.contains("<qti-extended-text-interaction") && xml.contains("expected-lines=\"8\""),
        "{xml}"
    );
    assert!(!xml.contains("qti-response-processing"), "{xml}");
}

#[tokio::test]
async fn a_qti_package_imports_as_drafts_all_or_nothing_and_exports_back() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let package = fixture_package();

    let dry: Value = post_bytes(
        &app,
        "/api/v1/qti/import?dry_run=true",
        &author,
        package.clone(),
    )
    .await
    .json()
    .await
    .unwrap();
    let imported = dry["imported"].as_array().unwrap();
    assert!(!imported.is_empty(), "{dry}");
    let first = imported[0]["item_id"].as_str().unwrap().to_owned();
    assert_problem(
        app.get(&format!("/api/v1/items/{first}"), &author).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let report: Value = post_bytes(&app, "/api/v1/qti/import", &author, package.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        report["imported"], dry["imported"],
        "a dry run says what happens"
    );
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["reason"].as_str().unwrap().contains("match")),
        "the unsupported interaction is named: {report}"
    );
    let ids: Vec<String> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["item_id"].as_str().unwrap().to_owned())
        .collect();
    for id in &ids {
        let detail: Value = app
            .get(&format!("/api/v1/items/{id}"), &author)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(detail["versions"][0]["status"], "draft", "{id}");
        assert_eq!(detail["history"][0]["comment"], "imported from QTI");
    }

    // Importing the same package again brings nothing twice.
    let again: Value = post_bytes(&app, "/api/v1/qti/import", &author, package)
        .await
        .json()
        .await
        .unwrap();
    assert!(again["imported"].as_array().unwrap().is_empty(), "{again}");

    // A package that does not parse imports nothing.
    let mut broken = fixture_package();
    broken.truncate(broken.len() / 2);
    assert_problem(
        post_bytes(&app, "/api/v1/qti/import", &author, broken).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let malformed = std::fs::read(root().join("qti/tests/fixtures/items/malformed.xml")).unwrap();
    assert_problem(
        post_bytes(&app, "/api/v1/qti/import", &author, malformed).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // Export, then import into another bank: the same items.
    let query: Vec<String> = ids.iter().map(|id| format!("item={id}")).collect();
    let r = app
        .get(&format!("/api/v1/qti/export?{}", query.join("&")), &author)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let exported = r.bytes().await.unwrap().to_vec();
    let other = spawn_app().await;
    let other_author = other.user_with_role("author").await;
    let round: Value = post_bytes(&other, "/api/v1/qti/import", &other_author, exported)
        .await
        .json()
        .await
        .unwrap();
    assert!(round["skipped"].as_array().unwrap().is_empty(), "{round}");
    for id in &ids {
        let there: Value = other
            .get(&format!("/api/v1/items/{id}"), &other_author)
            .await
            .json()
            .await
            .unwrap();
        let here: Value = app
            .get(&format!("/api/v1/items/{id}"), &author)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            there["versions"][0]["item"], here["versions"][0]["item"],
            "{id}"
        );
    }
    assert_problem(
        app.get("/api/v1/qti/export?item=no-such-item", &author)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

fn synaq(args: &[&str], data_dir: &Path, database_url: &str) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_synaq"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--database-url", database_url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_bank_goes_out_as_items_files_and_comes_back_as_new_versions_and_the_audit_holds() {
    let server = run_server(&[]).await;
    let (data, url) = (server.data_dir.clone(), server.database_url.clone());
    let out = data.join("exported");
    let out_arg = out.to_str().unwrap();
    let (ok, exported, err) = synaq(
        &["items", "export", "--format", "toml", "--out", out_arg],
        &data,
        &url,
    );
    assert!(ok, "{err}");
    assert!(exported["items"].as_u64().unwrap() > 400, "{exported}");
    let (ok, _, err) = synaq(
        &["items", "export", "--format", "toml", "--out", out_arg],
        &data,
        &url,
    );
    assert!(!ok && err.contains("exists"), "no silent overwrite: {err}");

    let (ok, unchanged, err) = synaq(&["items", "import", "--from", out_arg], &data, &url);
    assert!(ok, "{err}");
    assert_eq!(unchanged["unchanged"], exported["items"], "{unchanged}");
    assert!(unchanged["new_versions"].as_array().unwrap().is_empty());

    // An author edits one stem in a text editor; the import makes it a new draft version.
    let file = out.join("items/reading/family.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let stem_line = text.lines().find(|l| l.starts_with("stem = ")).unwrap();
    let edited = text.replacen(stem_line, "stem = \"Арманның інісі неше жаста?\"", 1);
    std::fs::write(&file, edited).unwrap();
    let (ok, changed, err) = synaq(&["items", "import", "--from", out_arg], &data, &url);
    assert!(ok, "{err}");
    assert_eq!(
        changed["new_versions"].as_array().unwrap().len(),
        1,
        "{changed}"
    );

    let (ok, verified, err) = synaq(&["audit", "verify"], &data, &url);
    assert!(ok, "{err}");
    assert!(verified["records"].as_u64().unwrap() > 400);
    assert!(verified.get("first_break").is_none(), "{verified}");
    assert_eq!(verified["last_hash"].as_str().unwrap().len(), 64);
    drop(server);
}
