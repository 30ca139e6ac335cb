//! Readiness: whether this instance should be sent requests (`/readyz`). Liveness (`/healthz`) only
//! says the process answers and its database does.

use std::time::Duration;

use super::AppState;
use crate::error::ApiError;

/// The longest the readiness check waits for each pool's trivial query.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// `Ok` when the instance is not stopping, its save queue takes saves, and both database pools answer
/// a trivial query in time; otherwise `busy` (503 with `Retry-After`), the reason logged.
pub async fn ready(state: &AppState) -> Result<(), ApiError> {
    if state.shutdown.is_begun() {
        tracing::debug!("not ready: stopping");
        return Err(ApiError::Busy);
    }
    if !state.saves.is_running() {
        tracing::warn!("not ready: the save queue has stopped");
        return Err(ApiError::Busy);
    }
    let pings = async {
        state.db.ping().await?;
        state.writer.ping().await
    };
    match tokio::time::timeout(PING_TIMEOUT, pings).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            Err(ApiError::Busy)
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            Err(ApiError::Busy)
        }
    }
}
