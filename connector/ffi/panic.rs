//! The one panic boundary: every exported function runs its body through here, so that a panic never
//! unwinds into the host; and the panic hook that keeps a contained panic off the host's standard error.
//!
//! The hook is installed once, by the first call through the boundary, in front of the hook that was in
//! place. It stays silent only for a panic on a thread that is inside a call of this plugin at that moment,
//! in the plugin's own code (not in the host's event callback), or on one of the plugin's runtime threads
//! (where the task that panicked ends, and the call waiting for it gets an error); any other panic (a host's
//! own, on the host's own threads or in its callback) goes to the previous hook and prints as usual.
//! The contained panic reaches the host as a `log` event and the `PANIC` result document instead, which name
//! the operation and where in the connector it panicked, never the panic's message (it could hold a value
//! of the call).

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use crate::error::{Error, ErrorKind};
use crate::operation::Operation;
use crate::result::Outcome;

thread_local! {
    /// How many calls of this plugin the thread is inside (more than one when a host's callback calls in
    /// again).
    static INSIDE: Cell<usize> = const { Cell::new(0) };
    /// Where the last contained panic of this thread happened, as the hook saw it.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the hook, once per process.
fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let plugin_thread = std::thread::current().name() == Some(crate::runtime::THREAD_NAME);
            if plugin_thread {
                // A task of the plugin's runtime: tokio contains it; nothing is printed for the host.
            } else if INSIDE.try_with(Cell::get).unwrap_or(0) > 0 {
                let location = info
                    .location()
                    .map(|at| format!("{}:{}", at.file(), at.line()));
                let _ = LOCATION.try_with(|last| *last.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

/// Marks the thread as inside a plugin call until dropped (also while unwinding).
struct Inside;

impl Inside {
    fn enter() -> Inside {
        INSIDE.with(|inside| inside.set(inside.get() + 1));
        Inside
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        INSIDE.with(|inside| inside.set(inside.get().saturating_sub(1)));
    }
}

/// Runs host code (the host's event callback) from inside a call as outside the plugin: a panic the host
/// raises and catches there is the host's own, and prints as the host's hook says.
pub(crate) fn outside<T>(host_code: impl FnOnce() -> T) -> T {
    /// Restores the depth when dropped.
    struct Restore(usize);
    impl Drop for Restore {
        fn drop(&mut self) {
            INSIDE.with(|inside| inside.set(self.0));
        }
    }
    let _restore = Restore(INSIDE.with(|inside| inside.replace(0)));
    host_code()
}

/// A panic the boundary contained.
#[derive(Debug)]
pub(crate) struct Panicked {
    location: Option<String>,
}

impl Panicked {
    /// The `log` event's message: the operation and where it panicked, no value of the call.
    pub(crate) fn log_message(&self, operation: Operation) -> String {
        match &self.location {
            Some(location) => format!(
                "The connector panicked during {} (at {location}); the panic was contained.",
                operation.name()
            ),
            None => format!(
                "The connector panicked during {}; the panic was contained.",
                operation.name()
            ),
        }
    }

    /// The outcome of the call that panicked (the `PANIC` result document).
    pub(crate) fn outcome(&self, operation: Operation) -> Outcome {
        let message = format!(
            "The connector failed unexpectedly (a panic) during {}. The failure was contained: the host may \
             continue, and the session can still be freed.",
            operation.name()
        );
        let error = Error::new(ErrorKind::Panic, message).with_hint(
            "Free the session and create a new one; report this to the connector's maintainers.",
        );
        Outcome::failure(operation, error)
    }
}

/// Runs `body` inside the boundary: a panic comes back as [`Panicked`], not printed and not unwound.
pub(crate) fn contain<T>(body: impl FnOnce() -> T) -> Result<T, Panicked> {
    install_hook();
    let _inside = Inside::enter();
    // AssertUnwindSafe: after a panic, nothing the body touched is used in a broken state. Session state is
    // atomics and a mutex-guarded entry that guards reset while unwinding.
    catch_unwind(AssertUnwindSafe(body)).map_err(|_| Panicked {
        location: LOCATION.with(|last| last.borrow_mut().take()),
    })
}

/// Runs a body without a result document, returning `on_panic` when it panics.
pub(crate) fn guard<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    contain(body).unwrap_or(on_panic)
}

#[cfg(test)]
mod tests {
    use super::contain;
    use crate::error::ErrorKind;
    use crate::operation::Operation;

    #[test]
    fn a_contained_panic_names_the_operation_and_where_but_not_its_message() {
        let panicked = contain(|| panic!("secret value 42")).unwrap_err();
        let message = panicked.log_message(Operation::Configure);
        assert!(
            message
                .starts_with("The connector panicked during configure (at connector/ffi/panic.rs:")
        );
        assert!(!message.contains("42"), "{message}");
        let outcome = panicked.outcome(Operation::Describe);
        let error = outcome.error().unwrap();
        assert_eq!(error.kind(), &ErrorKind::Panic);
        assert!(error.message().contains("during describe"));
        assert!(error.message().contains("the session can still be freed"));
    }
}
