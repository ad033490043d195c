//! Accepting connections without letting idle ones take the server down.
//!
//! A client that opens connections and never finishes its headers costs the server a file each;
//! twenty thousand of them used to exhaust the file limit. Here every connection must send its
//! headers within `header_timeout`, every request must be answered within `request_timeout`,
//! and at most `max_connections` are open at once. When the limit is reached, the connection
//! that has been idle longest (no request or response in progress) is closed to make room, so a
//! newcomer — a user, the health check — still gets in while a flood of idle connections holds
//! the rest. When every connection is busy (a flood trickling request bodies), the one busy
//! longest is closed instead: a real request is short, so it is the flood that goes.

use axum::Router;
use axum::extract::ConnectInfo;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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

/// A marker in `in_flight`: the connection was chosen for closing and takes no new request.
const CLOSING: usize = usize::MAX / 2;

struct Connection {
    /// Requests being answered on it, their responses included; 0 means it waits for a client
    /// that may never write.
    in_flight: AtomicUsize,
    /// When a request last began or ended on it, in ms since the server started.
    last_active_ms: AtomicU64,
    /// When it was accepted, for choosing among busy connections.
    opened_ms: u64,
    close: Notify,
}

impl Connection {
    /// Marks a request begun; `false` when the connection is already being closed.
    fn begin(&self, now_ms: u64) -> bool {
        self.last_active_ms.store(now_ms, Ordering::Release);
        self.in_flight.fetch_add(1, Ordering::AcqRel) < CLOSING
    }
}

/// Ends a request's share of its connection when dropped: after the response body was sent,
/// or when the handler panicked.
struct InFlight {
    connection: Arc<Connection>,
    started: std::time::Instant,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.connection
            .last_active_ms
            .store(elapsed_ms(self.started), Ordering::Release);
        self.connection.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

fn elapsed_ms(since: std::time::Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

/// The open connections by the order they came in.
#[derive(Default)]
struct Open {
    connections: Mutex<BTreeMap<u64, Arc<Connection>>>,
}

/// Takes a connection out of the open set when its task ends, however it ends.
struct Leave {
    open: Arc<Open>,
    id: u64,
}

impl Drop for Leave {
    fn drop(&mut self) {
        self.open.leave(self.id);
    }
}

impl Open {
    /// Registers a connection, closing another when the limit is reached: the one idle longest,
    /// or when none is idle the one open longest.
    fn admit(&self, id: u64, limit: usize, now_ms: u64) -> Arc<Connection> {
        let mut open = self.connections.lock().unwrap_or_else(|e| e.into_inner());
        while open.len() >= limit {
            let idle = open
                .iter()
                .filter(|(_, c)| c.in_flight.load(Ordering::Acquire) == 0)
                .min_by_key(|(_, c)| c.last_active_ms.load(Ordering::Acquire))
                .map(|(id, _)| *id);
            let chosen = match idle {
                // Marked closing only if still idle, so a request that began meanwhile stays.
                Some(id) => {
                    let c = &open[&id];
                    if c.in_flight
                        .compare_exchange(0, CLOSING, Ordering::AcqRel, Ordering::Acquire)
                        .is_err()
                    {
                        continue;
                    }
                    id
                }
                None => match open.iter().min_by_key(|(_, c)| c.opened_ms) {
                    Some((id, _)) => *id,
                    None => break,
                },
            };
            if let Some(evicted) = open.remove(&chosen) {
                // notify_one keeps the signal if the task is not waiting yet.
                evicted.close.notify_one();
            }
        }
        let connection = Arc::new(Connection {
            in_flight: AtomicUsize::new(0),
            last_active_ms: AtomicU64::new(now_ms),
            opened_ms: now_ms,
            close: Notify::new(),
        });
        open.insert(id, connection.clone());
        connection
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
    let started = std::time::Instant::now();
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
        let connection = open.admit(id, limits.max_connections, elapsed_ms(started));
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let leave = Leave {
            open: open.clone(),
            id,
        };
        let mut stop = stop_rx.clone();
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let _leave = leave;
            let busy = connection.clone();
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let router = router.clone();
                let accepted = busy.begin(elapsed_ms(started));
                let guard = InFlight {
                    connection: busy.clone(),
                    started,
                };
                async move {
                    if !accepted {
                        let mut refused = axum::response::Response::new(axum::body::Body::empty());
                        *refused.status_mut() = axum::http::StatusCode::SERVICE_UNAVAILABLE;
                        return Ok(refused);
                    }
                    let mut request = request.map(axum::body::Body::new);
                    request.extensions_mut().insert(ConnectInfo(peer));
                    let response = router.oneshot(request).await?;
                    // The request stays in flight until its body has been sent.
                    Ok::<_, std::convert::Infallible>(response.map(|body| {
                        axum::body::Body::new(body.map_frame(move |frame| {
                            let _ = &guard;
                            frame
                        }))
                    }))
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
    fn a_full_house_closes_the_longest_idle_connection_or_else_the_oldest_busy_one() {
        let open = Open::default();
        let first = open.admit(1, 2, 0);
        let second = open.admit(2, 2, 10);
        // The first has just answered a request: it was active after the second.
        first.last_active_ms.store(20, Ordering::Release);
        let third = open.admit(3, 2, 30);
        let kept: Vec<u64> = open.connections.lock().unwrap().keys().copied().collect();
        assert_eq!(kept, [1, 3], "the second, idle longest, went");
        assert!(second.in_flight.load(Ordering::Acquire) >= CLOSING);
        assert!(!second.begin(31), "a closed connection takes no request");
        assert!(first.begin(40) && third.begin(41));
        let _fourth = open.admit(4, 2, 50);
        let kept: Vec<u64> = open.connections.lock().unwrap().keys().copied().collect();
        assert_eq!(kept, [3, 4], "everyone busy: the one open longest went");
    }
}
