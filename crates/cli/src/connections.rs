//! Accepting connections without letting idle ones take the server down.
//!
//! A client that opens connections and never finishes its headers costs the server a file each;
//! twenty thousand of them used to exhaust the file limit. Here every connection must send its
//! headers within `header_timeout`, every request must be answered within `request_timeout`,
//! and at most `max_connections` are open at once. When the limit is reached, the connection
//! that has been idle longest (no request in progress) is closed to make room, so a newcomer
//! — a user, the health check — still gets in while a flood of idle connections holds the
//! rest; only when every open connection is busy is the newcomer turned away.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

/// How long a client may take and how many may be connected; see `mnir serve --help`.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub request_timeout: Duration,
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_connections: 512,
        }
    }
}

struct Connection {
    /// Requests being answered on it; 0 means it waits for a client that may never write.
    in_flight: AtomicUsize,
    close: Notify,
}

/// The open connections by the order they came in.
#[derive(Default)]
struct Open {
    connections: Mutex<BTreeMap<u64, Arc<Connection>>>,
}

impl Open {
    /// Registers a connection, closing the oldest idle one when the limit is reached; `None`
    /// when every open connection is busy and the newcomer must go.
    fn admit(&self, id: u64, limit: usize) -> Option<Arc<Connection>> {
        let mut open = self.connections.lock().unwrap_or_else(|e| e.into_inner());
        if open.len() >= limit {
            let idle = open
                .iter()
                .find(|(_, c)| c.in_flight.load(Ordering::Acquire) == 0)
                .map(|(id, _)| *id)?;
            if let Some(evicted) = open.remove(&idle) {
                // notify_one keeps the signal if the task is not waiting yet.
                evicted.close.notify_one();
            }
        }
        let connection = Arc::new(Connection {
            in_flight: AtomicUsize::new(0),
            close: Notify::new(),
        });
        open.insert(id, connection.clone());
        Some(connection)
    }

    fn leave(&self, id: u64) {
        self.connections
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    fn count(&self) -> usize {
        self.connections
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in progress end
/// (for at most the request timeout).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let router = router.layer(tower_http::timeout::TimeoutLayer::with_status_code(
        axum::http::StatusCode::REQUEST_TIMEOUT,
        limits.request_timeout,
    ));
    let open = Arc::new(Open::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut next_id = 0_u64;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of files or a client gone before it was accepted: wait a little
                    // instead of spinning, and go on.
                    tracing::warn!(%e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        next_id += 1;
        let id = next_id;
        let Some(connection) = open.admit(id, limits.max_connections) else {
            tracing::warn!(
                limit = limits.max_connections,
                "every connection is busy: one refused"
            );
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let open = open.clone();
        let mut stop = stop_rx.clone();
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let busy = connection.clone();
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let router = router.clone();
                let busy = busy.clone();
                busy.in_flight.fetch_add(1, Ordering::AcqRel);
                async move {
                    let mut request = request.map(axum::body::Body::new);
                    request.extensions_mut().insert(ConnectInfo(peer));
                    let response = router.oneshot(request).await;
                    busy.in_flight.fetch_sub(1, Ordering::AcqRel);
                    response
                }
            });
            let http = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(http);
            tokio::select! {
                _ = http.as_mut() => {}
                _ = connection.close.notified() => {}
                _ = async { stop.wait_for(|stopping| *stopping).await.map(|_| ()) } => {
                    http.as_mut().graceful_shutdown();
                    let _ = http.as_mut().await;
                }
            }
            open.leave(id);
        });
    }
    let _ = stop_tx.send(true);
    let deadline = tokio::time::Instant::now() + limits.request_timeout;
    while open.count() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_house_makes_room_by_closing_the_oldest_idle_connection() {
        let open = Open::default();
        let first = open.admit(1, 2).unwrap();
        let second = open.admit(2, 2).unwrap();
        first.in_flight.store(1, Ordering::Release);
        let third = open.admit(3, 2).unwrap();
        assert_eq!(open.count(), 2);
        let kept: Vec<u64> = open.connections.lock().unwrap().keys().copied().collect();
        assert_eq!(
            kept,
            [1, 3],
            "the busy first one stays, the idle second goes"
        );
        third.in_flight.store(1, Ordering::Release);
        assert!(
            open.admit(4, 2).is_none(),
            "everyone busy: the newcomer goes"
        );
        drop(second);
    }
}
