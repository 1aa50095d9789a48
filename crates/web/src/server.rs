//! The HTTP server loop: accepts connections, gives each request its
//! client address, closes connections whose client is too slow to send its
//! headers (or stays idle between requests), and drains requests in flight
//! on shutdown.
//!
//! `axum::serve` has no header deadline, so a client that opens many
//! connections and sends its headers one byte at a time would hold them
//! open for ever; this loop sets hyper's.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

/// How long a request's handling may take and how long a client has to
/// send the headers of its next request.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Time to send the request line and headers, counted from the
    /// connection's opening or the end of the previous response.
    pub headers: Duration,
    /// Time to read the body and answer an ordinary request (408 after).
    pub request: Duration,
    /// The same for uploads to the safe, which may be large and slow.
    pub upload: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            headers: Duration::from_secs(10),
            request: Duration::from_secs(30),
            upload: Duration::from_secs(15 * 60),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits for the
/// requests in flight (at most `drain`) before returning.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.headers);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(timeouts.headers))
        .keep_alive_timeout(timeouts.headers);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Out of file descriptors and the like: wait a little
                    // rather than spin.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(remote));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight at shutdown were cut");
    }
}
