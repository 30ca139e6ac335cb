//! Stopping the process cleanly. A stop is begun once — by SIGTERM or Ctrl-C in `synaq serve`, or by a
//! caller — and everything that must finish watches it: the HTTP listeners stop accepting and finish the
//! requests in flight, `/readyz` answers 503, the sweeper ends after its current pass, and the save queue
//! commits every save it holds before the process exits (see [`crate::startup::Application::run_until`]).

use std::future::Future;
use std::sync::Arc;

use tokio::sync::watch;

/// The process's stop: cheap to clone, begun at most once.
#[derive(Clone)]
pub struct Shutdown(Arc<watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown(Arc::new(watch::channel(false).0))
    }
}

impl Shutdown {
    /// Begins the stop; later calls do nothing.
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    /// Whether the stop has begun.
    pub fn is_begun(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the stop has begun (at once if it has).
    pub fn begun(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut seen = self.0.subscribe();
        async move {
            // The sender lives in `self`'s clones; if every one is gone nothing can stop any more.
            if seen.wait_for(|begun| *begun).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// Resolves on the first SIGTERM or SIGINT (Ctrl-C).
pub async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::error!("cannot listen for SIGTERM and SIGINT; stop the server with SIGKILL");
            return std::future::pending().await;
        };
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        tracing::info!(
            signal = name,
            "stopping: finishing requests and committing saves"
        );
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_ok() {
            tracing::info!("stopping: finishing requests and committing saves");
        } else {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_clone_sees_the_stop_once_begun() {
        let shutdown = Shutdown::default();
        let waiting = tokio::spawn(shutdown.clone().begun());
        assert!(!shutdown.is_begun());
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        let other = shutdown.clone();
        other.begin();
        other.begin();
        waiting.await.unwrap();
        assert!(shutdown.is_begun());
        // Begun before anyone waits: resolves at once.
        shutdown.begun().await;
    }
}
