//! Backups of the embedded database: taken while candidates save answers, restored into a fresh data
//! directory, holding every answer acknowledged before the backup began; never over an existing file,
//! never into a database a server is using.

use synaq::config::Settings;
use uuid::Uuid;

use crate::helpers::{SaveLoad, missing_saves, spawn_app, spawn_app_with, synaq};

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("synaq-{name}-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_every_answer_acknowledged_before_it() {
    let app = spawn_app_with(|s| s.saves_kept_per_position = 1_000_000).await;
    let to = scratch("backups").join("synaq-backup.db");
    if app.state.writer.is_postgres() {
        let refused = synaq::cli::backup::backup(&app.state.settings, &to)
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("pg_dump"), "{refused}");
        return;
    }
    let load = SaveLoad::start(&app, 6).await;
    while load.acknowledged().len() < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let before = load.acknowledged();
    let report = synaq::cli::backup::backup(&app.state.settings, &to)
        .await
        .unwrap();
    let acknowledged = load.stop().await;
    assert!(acknowledged.len() > before.len(), "the saves went on");
    assert_eq!(report["bytes"], std::fs::metadata(&to).unwrap().len());

    let again = synaq::cli::backup::backup(&app.state.settings, &to)
        .await
        .unwrap_err()
        .to_string();
    assert!(again.contains("never replaces"), "{again}");

    // Into the running server's own database: refused, the server holds it.
    let busy = synaq::cli::backup::restore(&app.state.settings, &to)
        .await
        .unwrap_err()
        .to_string();
    assert!(busy.contains("stop it first"), "{busy}");

    let fresh = Settings {
        data_dir: scratch("restored"),
        ..Settings::default()
    };
    let restored = synaq::cli::backup::restore(&fresh, &to).await.unwrap();
    assert_eq!(restored["kept_aside"], serde_json::Value::Null);
    assert_eq!(restored["signing_key_present"], false);
    let url = fresh.effective_database_url();
    let missing = missing_saves(&url, &before).await;
    assert!(
        missing.is_empty(),
        "{} of the {} answers acknowledged before the backup are missing",
        missing.len(),
        before.len()
    );
    // The restored database opens and is brought up to date like any other.
    synaq::store::connect(&url, 1).await.unwrap();
}

#[tokio::test]
async fn the_command_line_backs_up_a_running_server_and_will_not_restore_over_it() {
    let app = spawn_app().await;
    let to = scratch("cli").join("backup.db");
    let to_arg = to.to_str().unwrap();
    if app.state.writer.is_postgres() {
        let refused = synaq(&app, &["backup", "--to", to_arg]).unwrap_err();
        assert!(refused.contains("pg_dump"), "{refused}");
        return;
    }
    let report = synaq(&app, &["backup", "--to", to_arg]).unwrap();
    assert_eq!(report["bytes"], std::fs::metadata(&to).unwrap().len());
    let header = std::fs::read(&to).unwrap();
    assert!(
        header.starts_with(b"SQLite format 3\0"),
        "a plain SQLite file"
    );
    let refused = synaq(&app, &["restore", "--from", to_arg]).unwrap_err();
    assert!(
        refused.contains("is using") && refused.contains("stop it first"),
        "{refused}"
    );
}
