//! One plugin session, as a host uses it: operations that block until the plugin returns, each with its
//! status and its result document as JSON; the session is freed when dropped.

use std::ffi::CString;
use std::fmt;

use connector_abi::{ConnectorApi, ConnectorOperationFn, StatusCode};
use serde_json::Value;

use crate::plugin::error::{CallError, SessionError};
use crate::plugin::events::EventSink;
use crate::plugin::library::Plugin;
use crate::plugin::loader::{Document, RawSession};

/// One plugin session. Operations block until the plugin returns; each returns the status and the result
/// document. Dropping the session frees it in the plugin (after any running call returned: calls borrow the
/// session). A session is used from the thread that created it.
pub struct Session<'p> {
    plugin: &'p Plugin,
    raw: RawSession<'p>,
}

impl fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("plugin", &self.plugin.path())
            .finish_non_exhaustive()
    }
}

/// A call's status and its result document, or why there is no usable document.
fn result_of(
    operation: &'static str,
    status: StatusCode,
    document: Document,
) -> Result<(StatusCode, Value), CallError> {
    match document {
        Document::Json(value) => Ok((status, value)),
        Document::Missing => Err(CallError::NoDocument { operation, status }),
        Document::Broken(reason) => Err(CallError::BadDocument {
            operation,
            status,
            reason,
        }),
    }
}

impl<'p> Session<'p> {
    /// Creates a session with the given session options (or the plugin's defaults) and an event closure.
    /// On success the result document of `session_new` comes back beside the session; on failure, in the
    /// error.
    ///
    /// `on_event` receives each event the plugin sends during a call on this session, on the calling
    /// thread, as JSON; an event that is not JSON arrives as a JSON string holding its text, so nothing is
    /// lost. A panic in `on_event` is caught before it reaches the plugin (that event is dropped).
    pub fn new(
        plugin: &'p Plugin,
        options: Option<&Value>,
        on_event: impl FnMut(Value) + 'p,
    ) -> Result<(Session<'p>, Value), SessionError> {
        let options = options
            .map(|value| CString::new(value.to_string()))
            .transpose()
            .map_err(|_| {
                SessionError::Call(CallError::NulInInput {
                    operation: "session_new",
                })
            })?;
        let (status, raw, document) = plugin
            .loaded()
            .session_new(options.as_deref(), EventSink::new(on_event));
        let result = result_of("session_new", status, document);
        match raw {
            Some(raw) => {
                let session = Session { plugin, raw };
                let (_, document) = result?;
                Ok((session, document))
            }
            None => match result {
                Ok((status, document)) => Err(SessionError::Refused { status, document }),
                Err(error) => Err(SessionError::Call(error)),
            },
        }
    }

    /// `describe`: the connector's identity, settings schema, steps, roles and permissions.
    pub fn describe(&mut self) -> Result<(StatusCode, Value), CallError> {
        let (status, document) = self.raw.describe();
        result_of("describe", status, document)
    }

    /// `configure`: validates settings without touching the network.
    pub fn configure(&mut self, settings: &Value) -> Result<(StatusCode, Value), CallError> {
        self.operate("configure", |api| api.configure, &settings.to_string())
    }

    /// `configure` on settings given as JSON text, passed to the plugin as they are, so that the plugin
    /// judges them itself (a syntax error comes back as `INVALID_JSON` with its line and column).
    pub fn configure_text(
        &mut self,
        settings_json: &str,
    ) -> Result<(StatusCode, Value), CallError> {
        self.operate("configure", |api| api.configure, settings_json)
    }

    /// `authenticate`: signs an administrator in.
    pub fn authenticate(&mut self, input: &Value) -> Result<(StatusCode, Value), CallError> {
        self.operate("authenticate", |api| api.authenticate, &input.to_string())
    }

    /// `provision`: creates or updates the application registration.
    pub fn provision(&mut self, input: &Value) -> Result<(StatusCode, Value), CallError> {
        self.operate("provision", |api| api.provision, &input.to_string())
    }

    /// `consent`: grants admin consent to the application's permissions.
    pub fn consent(&mut self, input: &Value) -> Result<(StatusCode, Value), CallError> {
        self.operate("consent", |api| api.consent, &input.to_string())
    }

    /// `test`: tests the connection the settings describe.
    pub fn test(&mut self, input: &Value) -> Result<(StatusCode, Value), CallError> {
        self.operate("test", |api| api.test, &input.to_string())
    }

    /// `remove`: removes the connection's application.
    pub fn remove(&mut self, input: &Value) -> Result<(StatusCode, Value), CallError> {
        self.operate("remove", |api| api.remove, &input.to_string())
    }

    /// Asks the plugin to cancel the call running on this session; with nothing running it does nothing.
    pub fn cancel(&self) -> StatusCode {
        self.raw.cancel()
    }

    /// Runs an operation with an input document; `&mut self` keeps calls on this session sequential.
    fn operate(
        &mut self,
        operation: &'static str,
        function: fn(&ConnectorApi) -> ConnectorOperationFn,
        input: &str,
    ) -> Result<(StatusCode, Value), CallError> {
        let input = CString::new(input).map_err(|_| CallError::NulInInput { operation })?;
        let (status, document) = self.raw.operate(function, &input);
        result_of(operation, status, document)
    }
}
