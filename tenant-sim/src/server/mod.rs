//! The three HTTPS listeners (authority, Graph, Exchange): binding, TLS, per-connection bookkeeping and
//! the service stacks mounted on each ([`stack`]: router, fault layer, request-log layer).

mod log_layer;
mod stack;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::faults::injector::DropConnection;
use crate::request_log::ConnectionInfo;
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

/// Serves each router on its listener; the returned tasks own every connection task, so aborting them
/// stops everything.
pub(crate) fn spawn(
    state: &Arc<TenantState>,
    listeners: Listeners,
    tls: Arc<rustls::ServerConfig>,
) -> Vec<JoinHandle<()>> {
    let connection_ids = Arc::new(AtomicU64::new(0));
    let acceptor = TlsAcceptor::from(tls);
    let [authority, graph, exchange] = stack::routers(state);
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
            // Set when a response carries the `DropConnection` marker of an injected fault: the
            // connection is then closed without writing that response.
            let drop_now = Arc::new(tokio::sync::Notify::new());
            let drop_signal = Arc::clone(&drop_now);
            // Dropped when this task ends, which wakes the request futures parked below (HTTP/2 runs
            // them on tasks of their own, which would otherwise outlive the connection).
            let (closed_tx, closed_rx) = tokio::sync::watch::channel(());
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    let first = requests.fetch_add(1, Ordering::Relaxed) == 0;
                    request
                        .extensions_mut()
                        .insert(ConnectionInfo { id, new: first });
                    let router = router.clone();
                    let drop_signal = Arc::clone(&drop_signal);
                    let mut closed = closed_rx.clone();
                    async move {
                        let response = router.oneshot(request.map(axum::body::Body::new)).await?;
                        if response.extensions().get::<DropConnection>().is_some() {
                            drop_signal.notify_one();
                            // Never answer: wait until the connection is gone.
                            let _ = closed.changed().await;
                        }
                        Ok::<_, std::convert::Infallible>(response)
                    }
                },
            );
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            // Dropping the connection future closes the TLS stream and its socket without a response
            // (and without a TLS close_notify), as a crashed front end or a network cut would.
            tokio::select! {
                _ = connection => {}
                () = drop_now.notified() => {}
            }
            drop(closed_tx);
        });
    }
}
