//! Serving HTTP/1.1 connections with limits that hold whatever clients do: a client has
//! `header_read_timeout` to send a request's headers (a slow-headers client is cut off
//! without holding up anyone else), and shutdown stops accepting at once, lets requests in
//! flight finish, and closes whatever is left after `drain` (OWASP Denial of Service Cheat
//! Sheet: time out slow clients). axum's own `serve` offers neither limit, so connections
//! are served with hyper directly.

use std::{future::Future, net::SocketAddr, time::Duration};

use std::convert::Infallible;

use axum::{
    body::Body,
    extract::{ConnectInfo, Request},
    response::Response,
};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use tokio::net::TcpListener;
use tower::{Service, ServiceExt as _};

/// How long clients get.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From the first byte of a request to the end of its headers.
    pub header_read_timeout: Duration,
    /// After shutdown starts, how long requests in flight may take before their
    /// connections are closed.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            drain: Duration::from_secs(10),
        }
    }
}

/// Serves `app` (`page_cache::Candour`, or a bare router) on `listener` until `shutdown`
/// completes, then drains within `limits.drain`. Each request carries
/// `ConnectInfo<SocketAddr>` like `into_make_service_with_connect_info`.
pub async fn serve<S>(
    listener: TcpListener,
    app: S,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service =
            app.clone()
                .map_request(move |request: hyper::Request<hyper::body::Incoming>| {
                    let mut request = request.map(Body::new);
                    request
                        .extensions_mut()
                        .insert(ConnectInfo::<SocketAddr>(peer));
                    request
                });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        connections.spawn(async move {
            // A client that goes away or is too slow ends only its own connection.
            let _ = connection.await;
        });
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain) => {
            tracing::warn!(
                open = connections.len(),
                "shutdown: closing connections still open after the drain time"
            );
        }
    }
    connections.abort_all();
}
