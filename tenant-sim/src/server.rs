//! The three HTTPS listeners (authority, Graph, Exchange): binding, TLS, per-connection bookkeeping and
//! the routers mounted on each.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::json;
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::request_log::{ConnectionInfo, Service, log_and_delay};
use crate::state::TenantState;

/// The three bound listeners, before serving.
pub(crate) struct Listeners {
    pub authority: TcpListener,
    pub graph: TcpListener,
    pub exchange: TcpListener,
}

impl Listeners {
    /// Binds three listeners on `127.0.0.1:0`.
    pub(crate) async fn bind() -> std::io::Result<Self> {
        Ok(Listeners {
            authority: TcpListener::bind("127.0.0.1:0").await?,
            graph: TcpListener::bind("127.0.0.1:0").await?,
            exchange: TcpListener::bind("127.0.0.1:0").await?,
        })
    }

    /// `https://127.0.0.1:PORT` of each listener.
    pub(crate) fn urls(&self) -> std::io::Result<crate::state::ServiceUrls> {
        let url = |l: &TcpListener| {
            l.local_addr()
                .map(|a| format!("https://127.0.0.1:{}", a.port()))
        };
        Ok(crate::state::ServiceUrls {
            authority: url(&self.authority)?,
            graph: url(&self.graph)?,
            exchange: url(&self.exchange)?,
        })
    }
}

/// The Graph router. Issue #4 replaces this placeholder with `crate::graph::router(state)`.
fn graph_router(state: Arc<TenantState>) -> Router {
    Router::new().fallback(graph_not_found).with_state(state)
}

async fn graph_not_found(uri: Uri) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({
            "error": {
                "code": "Request_ResourceNotFound",
                "message": format!("Resource not found for the segment '{}'.", uri.path().rsplit('/').next().unwrap_or_default()),
                "innerError": {
                    "date": crate::directory::graph_timestamp(OffsetDateTime::now_utc()).trim_end_matches('Z'),
                    "request-id": request_id,
                    "client-request-id": request_id,
                }
            }
        })),
    )
        .into_response()
}

/// The router of each service, wrapped in the shared request-log and latency layer.
pub(crate) fn routers(state: &Arc<TenantState>) -> [(Service, Router); 3] {
    let layered = |service: Service, router: Router| {
        router.layer(axum::middleware::from_fn_with_state(
            (Arc::clone(state), service),
            log_and_delay,
        ))
    };
    [
        (
            Service::Authority,
            layered(Service::Authority, crate::entra::router(Arc::clone(state))),
        ),
        (
            Service::Graph,
            layered(Service::Graph, graph_router(Arc::clone(state))),
        ),
        (
            Service::Exchange,
            layered(
                Service::Exchange,
                crate::exchange::router(Arc::clone(state)),
            ),
        ),
    ]
}

/// Serves each router on its listener; the returned tasks own every connection task, so aborting them
/// stops everything.
pub(crate) fn spawn(
    state: &Arc<TenantState>,
    listeners: Listeners,
    tls: Arc<rustls::ServerConfig>,
) -> Vec<JoinHandle<()>> {
    let connection_ids = Arc::new(AtomicU64::new(0));
    let acceptor = TlsAcceptor::from(tls);
    let [authority, graph, exchange] = routers(state);
    [
        (listeners.authority, authority.1),
        (listeners.graph, graph.1),
        (listeners.exchange, exchange.1),
    ]
    .into_iter()
    .map(|(listener, router)| {
        tokio::spawn(accept_loop(
            listener,
            acceptor.clone(),
            router,
            Arc::clone(&connection_ids),
        ))
    })
    .collect()
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    router: Router,
    ids: Arc<AtomicU64>,
) {
    let mut connections = JoinSet::new();
    loop {
        let (tcp, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                // Out of descriptors or a reset before accept: try again without spinning hot.
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let _ = tcp.set_nodelay(true);
        let id = ids.fetch_add(1, Ordering::Relaxed) + 1;
        let acceptor = acceptor.clone();
        let router = router.clone();
        connections.spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else {
                return;
            };
            let requests = Arc::new(AtomicU64::new(0));
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    let first = requests.fetch_add(1, Ordering::Relaxed) == 0;
                    request
                        .extensions_mut()
                        .insert(ConnectionInfo { id, new: first });
                    router.clone().oneshot(request.map(axum::body::Body::new))
                },
            );
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
