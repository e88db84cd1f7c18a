//! Each service's stack: its router, behind its own fault layer, behind the shared request-log and
//! latency layer (so faulted requests are delayed and logged like the others).

use std::sync::Arc;

use axum::Router;

use crate::faults::injector::{FaultAnswer, FaultInjector, inject};
use crate::server::log_layer::log_and_delay;
use crate::service::Service;
use crate::state::TenantState;

/// The router of each service, wrapped in its fault layer and the request-log and latency layer.
pub(crate) fn routers(state: &Arc<TenantState>) -> [(Service, Router); 3] {
    let layered = |service: Service, router: Router, answer: FaultAnswer| {
        let injector = FaultInjector::new(service, Arc::clone(&state.knobs), answer);
        router
            .layer(axum::middleware::from_fn_with_state(injector, inject))
            .layer(axum::middleware::from_fn_with_state(
                (Arc::clone(state), service),
                log_and_delay,
            ))
    };
    let tenant_id = state.tenant_id.clone();
    [
        (
            Service::Authority,
            layered(
                Service::Authority,
                crate::entra::router(Arc::clone(state)),
                Box::new(|_, fault| crate::entra::error::fault_answer(fault)),
            ),
        ),
        (
            Service::Graph,
            layered(
                Service::Graph,
                crate::graph::router(Arc::clone(state)),
                Box::new(move |request, fault| {
                    crate::graph::faults::fault_answer(&tenant_id, request, fault)
                }),
            ),
        ),
        (
            Service::Exchange,
            layered(
                Service::Exchange,
                crate::exchange::router(Arc::clone(state)),
                Box::new(|_, fault| crate::exchange::fault_response(fault)),
            ),
        ),
    ]
}
