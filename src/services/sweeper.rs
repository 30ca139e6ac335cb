//! The background job that closes sections whose time ran out, even when the candidate never comes back.
//!
//! Every instance runs one. Each close is a conditional update, so instances sharing a database never close
//! a section twice: the one whose update matched does the follow-up (open the next section or finish).

use std::time::Duration;

use super::{AppState, delivery};
use crate::store;

/// How many expired sections one sweep handles before it yields.
const BATCH: u64 = 200;

/// Runs sweeps at the configured interval until the process stops; a pass under way when the stop
/// begins is finished first.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(
        state.settings.sweep_interval_seconds.max(1),
    ));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stop = std::pin::pin!(state.shutdown.begun());
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = &mut stop => return,
        }
        match sweep_once(&state).await {
            Ok(_) => state.metrics.sweeper_pass_finished(),
            Err(e) => tracing::error!(error = %format!("{e:#}"), "sweep failed"),
        }
        if let Err(e) = super::forensics::sweep(&state).await {
            tracing::error!(error = %format!("{e:#}"), "the forensics sweep failed");
        }
        if let Err(e) = state.keys.refresh(&state.db).await {
            tracing::error!(error = %format!("{e:#}"), "refreshing the public keys failed");
        }
    }
}

/// Closes every section whose deadline and grace have passed; returns how many this call closed.
pub async fn sweep_once(state: &AppState) -> anyhow::Result<usize> {
    let mut closed = 0;
    loop {
        let now = crate::store::now();
        let cutoff = now - chrono::Duration::seconds(state.settings.grace_seconds);
        let expired = store::delivery::expired_sections(&state.db, cutoff, BATCH).await?;
        let mut failed = 0;
        for &(session_id, idx) in &expired {
            // One session that cannot be closed must not stop the others: log it and go on.
            match delivery::advance(state, session_id, idx, now).await {
                Ok(true) => closed += 1,
                Ok(false) => {}
                Err(e) => {
                    failed += 1;
                    tracing::error!(session = %session_id, error = %e, "closing an expired section failed");
                }
            }
        }
        // A batch of nothing but failures would be fetched again at once: wait for the next tick.
        if failed == expired.len() && failed > 0 {
            return Ok(closed);
        }
        if (expired.len() as u64) < BATCH {
            return Ok(closed);
        }
    }
}
