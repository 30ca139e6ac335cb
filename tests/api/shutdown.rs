//! A stop under load: SIGTERM to the real binary while candidates save answers. The server stops
//! accepting, finishes the requests in flight, commits every queued save, and exits 0; every answer it
//! acknowledged is in the database.

use crate::helpers::{SaveLoad, missing_saves, run_server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_keeps_every_acknowledged_answer_and_exits_zero() {
    let mut server = run_server(&[
        ("SYNAQ_SAVE_RATE_PER_SECOND", "0"),
        ("SYNAQ_SAVES_KEPT_PER_POSITION", "1000000"),
        ("SYNAQ_SHUTDOWN_TIMEOUT_SECONDS", "10"),
        ("RUST_LOG", "info"),
    ])
    .await;
    let load = SaveLoad::start(&server.api(), 8).await;
    // Let the saves run a while, then stop the server in the middle of them.
    while load.acknowledged().len() < 300 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    load.server_stopping();
    let status = server.terminate().await;
    let acknowledged = load.finished().await;
    let logs = server.logs();
    assert!(status.success(), "exit status {status:?}; logs:\n{logs}");
    assert!(
        logs.contains("every acknowledged save is committed"),
        "the stop drained the save queue:\n{logs}"
    );
    let missing = missing_saves(&server.database_url, &acknowledged).await;
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged saves are missing",
        missing.len(),
        acknowledged.len()
    );
}
