//! One running call on a session: what an operation consults to report progress and to notice that the host
//! cancelled it.
//!
//! Each call gets its own cancellation token, so a `cancel` reaches only the call that is running when it
//! lands: one that lands between two calls cancels neither (see `crate::session`). The token serves both
//! kinds of code: blocking code polls [`Call::checkpoint`] between its stages, and async code awaits
//! [`Call::cancelled`] or wraps a wait in [`Call::unless_cancelled`], which ends within milliseconds of the
//! host's `cancel`.

use std::future::Future;
use std::marker::PhantomData;

use tokio_util::sync::CancellationToken;

use crate::error::{Error, ErrorKind};
use crate::event::{EventBody, Events, LogLevel};
use crate::operation::Operation;

/// One running call. It lives on the thread that made the call and cannot leave it (it is neither `Send` nor
/// `Sync`), because the ABI delivers events only on that thread while the call runs; work on other threads
/// gets a [`Call::cancellation`] token instead, and reports back through the call's own thread.
pub struct Call<'a> {
    operation: Operation,
    events: &'a Events,
    cancellation: CancellationToken,
    _on_the_calling_thread: PhantomData<*const ()>,
}

impl<'a> Call<'a> {
    /// A call of `operation` that sends its events to `events` and is cancelled through `cancellation`.
    pub(crate) fn new(
        operation: Operation,
        events: &'a Events,
        cancellation: CancellationToken,
    ) -> Self {
        Call {
            operation,
            events,
            cancellation,
            _on_the_calling_thread: PhantomData,
        }
    }

    /// The operation this call runs.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// Whether the host cancelled this call.
    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// Returns the `Cancelled` error when the host cancelled this call; blocking code calls it between stages.
    pub fn checkpoint(&self) -> Result<(), Error> {
        if self.is_cancelled() {
            Err(self.cancelled_error())
        } else {
            Ok(())
        }
    }

    /// The error a cancelled call returns.
    pub fn cancelled_error(&self) -> Error {
        let error = Error::new(
            ErrorKind::Cancelled,
            format!("{} was cancelled by the host.", self.operation.name()),
        )
        .with_hint("Run the step again when ready; what was already done is listed.");
        match self.operation.step() {
            Some(step) => error.with_step(step),
            None => error,
        }
    }

    /// A future that completes as soon as the host cancels this call (at once when it already did). It needs
    /// no particular executor.
    pub fn cancelled(&self) -> impl Future<Output = ()> + Send + '_ {
        self.cancellation.cancelled()
    }

    /// Runs `work` (a network request, a wait before a retry, a poll) unless the host cancels the call first:
    /// then `work` is dropped at once and the `Cancelled` error comes back.
    pub async fn unless_cancelled<F: Future>(&self, work: F) -> Result<F::Output, Error> {
        match self.cancellation.run_until_cancelled(work).await {
            Some(output) => Ok(output),
            None => Err(self.cancelled_error()),
        }
    }

    /// A token that is cancelled with this call, for work on other threads (a task on the plugin's runtime,
    /// a loopback listener). Cancelling the returned token itself does not cancel the call.
    pub fn cancellation(&self) -> CancellationToken {
        self.cancellation.child_token()
    }

    /// Sends an event to the host.
    pub fn emit(&self, body: EventBody) {
        self.events.emit(self.operation, body);
    }

    /// Sends a `log` event (sent only when the session's `log_level` lets it through).
    pub fn log(&self, level: LogLevel, message: impl Into<String>) {
        self.emit(EventBody::Log {
            level,
            message: message.into(),
        });
    }
}
