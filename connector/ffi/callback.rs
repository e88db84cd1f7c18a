//! The host's event callback as an [`EventSink`].

use std::ffi::{CString, c_char, c_void};

use connector_abi::ConnectorEventFn;

use crate::event::EventSink;
use crate::ffi::panic::outside;

/// The callback and `user_data` a host passed to `session_new`.
pub(crate) struct CallbackSink {
    callback: unsafe extern "C" fn(*mut c_void, *const c_char),
    user_data: *mut c_void,
}

impl CallbackSink {
    /// Wraps the host's callback; `None` when the host passed none (NULL).
    pub(crate) fn new(callback: ConnectorEventFn, user_data: *mut c_void) -> Option<Self> {
        callback.map(|callback| CallbackSink {
            callback,
            user_data,
        })
    }
}

// SAFETY: the connector never dereferences `user_data`; it only hands it back to the host's callback, which
// it calls only while an operation runs, on the thread that made that call (the header documents this).
// The host, which chose to call the session from that thread, is responsible for `user_data` there.
unsafe impl Send for CallbackSink {}
// SAFETY: as above; the sink has no state of its own that could be shared unsafely.
unsafe impl Sync for CallbackSink {}

impl EventSink for CallbackSink {
    fn deliver(&self, event_json: &str) {
        let Ok(event) = CString::new(event_json) else {
            return;
        };
        // SAFETY: the callback is the host's function with the documented signature; `event` lives until it
        // returns, and the host may only borrow it for the duration of the call.
        outside(|| unsafe { (self.callback)(self.user_data, event.as_ptr()) });
    }
}
