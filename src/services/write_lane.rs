//! A thread of its own for the write transactions of many statements (closing a section and opening the
//! next, finishing, grading and certifying).
//!
//! Such a transaction holds the writer (SQLite has one) from its first statement to its commit, and
//! each of its statements is a round trip to the database. Run on a request handler's thread, the
//! transaction's task waits behind every other ready request between two statements, so under load it
//! held the writer for tens of milliseconds, mostly waiting for its turn, while the save queue waited
//! for the writer. On this lane, a transaction's task is the only kind of work on its thread: between
//! two statements it waits only for the database.

use std::future::Future;

use crate::error::ApiError;

/// Where the write transactions run: a thread with a runtime of its own, which ends when the last clone
/// of the lane is dropped.
#[derive(Clone)]
pub struct WriteLane {
    runtime: tokio::runtime::Handle,
    /// Dropped with the last clone, which ends the thread.
    _alive: std::sync::Arc<tokio::sync::oneshot::Sender<()>>,
}

impl WriteLane {
    /// Starts the lane's thread.
    pub fn start() -> std::io::Result<WriteLane> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (alive, ended) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("synaq-write".into())
            .spawn(move || {
                // Err once every clone of the lane is gone.
                let _ = runtime.block_on(ended);
            })?;
        Ok(WriteLane {
            runtime: handle,
            _alive: std::sync::Arc::new(alive),
        })
    }

    /// Runs `work` on the lane and returns what it returns. It runs to its end even if the caller stops
    /// waiting (a client that went away), so a transaction is never cut between two statements by that.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = Result<T, ApiError>> + Send + 'static,
    ) -> Result<T, ApiError> {
        match self.runtime.spawn(work).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(ApiError::Internal(anyhow::anyhow!(
                "the write lane stopped before the transaction ended"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_lane_and_its_answer_comes_back() {
        let lane = WriteLane::start().unwrap();
        let caller = std::thread::current().id();
        let (answer, thread) = lane
            .run(async { Ok((42, std::thread::current().name().map(str::to_owned))) })
            .await
            .unwrap();
        assert_eq!(answer, 42);
        assert_eq!(thread.as_deref(), Some("synaq-write"));
        assert_eq!(std::thread::current().id(), caller);
        let refused: Result<(), ApiError> = lane
            .run(async { Err(ApiError::Internal(anyhow::anyhow!("no"))) })
            .await;
        assert!(matches!(refused, Err(ApiError::Internal(_))));
    }
}
