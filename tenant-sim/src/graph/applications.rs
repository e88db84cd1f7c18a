//! `/applications`: create, read by id and by `appId`, list with `$filter` (and `$expand=owners`),
//! `PATCH`, the `uniqueName` upsert and delete
//! (<https://learn.microsoft.com/graph/api/resources/application>). The credential actions are in
//! [`crate::graph::application_credentials`], the owners in [`crate::graph::owners`].

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use crate::directory::{DirectoryData, DirectoryError, DirectoryObject};
use crate::graph::authz::{Caller, Operation};
use crate::graph::error::GraphError;
use crate::graph::odata::{APPLICATIONS, QueryOptions, no_content};
use crate::graph::request::GraphRequest;
use crate::graph::schema::{self, Intent, types};

/// How a request names one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppKey {
    /// `/applications/{id}`.
    Id(String),
    /// `/applications(appId='…')`.
    AppId(String),
    /// `/applications(uniqueName='…')`.
    UniqueName(String),
}

impl AppKey {
    /// The key as Graph names the resource in a 404 (`Resource '…' does not exist…`).
    pub(crate) fn shown(&self) -> &str {
        match self {
            AppKey::Id(value) | AppKey::AppId(value) | AppKey::UniqueName(value) => value,
        }
    }

    pub(crate) fn find<'a>(&self, data: &'a DirectoryData) -> Option<&'a DirectoryObject> {
        match self {
            AppKey::Id(id) => data.application(id),
            AppKey::AppId(app_id) => data.application_by_app_id(app_id),
            AppKey::UniqueName(name) => data.applications.iter().find(|app| {
                app.str("uniqueName")
                    .is_some_and(|unique| unique.eq_ignore_ascii_case(name))
            }),
        }
    }
}

/// The application as Graph shows it: the stored JSON with each certificate's `key` restored from the
/// side table, then blanked again unless `$select` asks for `keyCredentials`; its owners when
/// `$expand=owners` asks for them.
fn shown(data: &DirectoryData, app: &DirectoryObject, options: &QueryOptions) -> Value {
    let mut json = Value::Object(app.json.clone());
    if let Some(credentials) = json.get_mut("keyCredentials").and_then(Value::as_array_mut) {
        for credential in credentials {
            let der = credential
                .get("keyId")
                .and_then(Value::as_str)
                .and_then(|key_id| data.certificate_der(key_id))
                .map(|der| STANDARD.encode(der));
            if let (Some(der), Some(object)) = (der, credential.as_object_mut()) {
                object.insert("key".to_owned(), json!(der));
            }
        }
    }
    options.redact_key_values(&mut json);
    if options.expands("owners") {
        json["owners"] = Value::Array(crate::graph::owners::owner_objects(data, app.id()));
    }
    json
}

/// Whether the caller reads applications only through `Application.ReadWrite.OwnedBy` (app-only), which
/// shows it the applications it owns and no others
/// (<https://learn.microsoft.com/en-us/graph/permissions-reference#applicationreadwriteownedby>).
fn owned_only(request: &GraphRequest) -> bool {
    const BROADER: &[&str] = &[
        "Application.Read.All",
        "Application.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ];
    match &request.auth.caller {
        Caller::Application { roles } => !roles
            .iter()
            .any(|role| BROADER.iter().any(|b| b.eq_ignore_ascii_case(role))),
        _ => false,
    }
}

/// The visible application named by `key`, or Graph's 404.
pub(crate) fn visible_app(
    request: &GraphRequest,
    data: &DirectoryData,
    key: &AppKey,
) -> Result<DirectoryObject, GraphError> {
    request
        .visible(data, key.find(data))
        .filter(|app| !owned_only(request) || data.owns(app.id(), request.caller_id()))
        .cloned()
        .ok_or_else(|| GraphError::resource_not_found(key.shown()))
}

/// Maps a directory refusal of an application write to Graph's answer.
pub(crate) fn write_error(error: DirectoryError) -> GraphError {
    match error {
        DirectoryError::NotFound { id, .. } => GraphError::resource_not_found(&id),
        DirectoryError::Conflict(message) | DirectoryError::Invalid(message) => {
            GraphError::bad_request(message)
        }
    }
}

/// `passwordCredentials` may not be created by `POST` or `PATCH`, only by `addPassword`; entries already on
/// the application (same `keyId`) may be sent back, which keeps them.
/// <https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/6386>
fn check_password_credentials(
    body: &Map<String, Value>,
    existing: Option<&DirectoryObject>,
) -> Result<(), GraphError> {
    let Some(given) = body.get("passwordCredentials").and_then(Value::as_array) else {
        return Ok(());
    };
    let known = |entry: &Value| {
        let key_id = entry.get("keyId").and_then(Value::as_str);
        existing.is_some_and(|app| {
            app.array("passwordCredentials").iter().any(|stored| {
                key_id.is_some_and(|k| {
                    stored
                        .get("keyId")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case(k))
                })
            })
        })
    };
    if given.iter().all(known) {
        Ok(())
    } else {
        Err(GraphError::bad_request(
            "New password credentials must be generated with service actions.",
        ))
    }
}

/// The owners bound in `owners@odata.bind` (`https://graph.microsoft.com/v1.0/directoryObjects/{id}`).
pub(crate) fn bound_owners(body: &Map<String, Value>) -> Vec<String> {
    body.get("owners@odata.bind")
        .and_then(Value::as_array)
        .map(|urls| {
            urls.iter()
                .filter_map(Value::as_str)
                .filter_map(|url| url.rsplit('/').next())
                .map(|id| {
                    id.trim_start_matches("directoryObjects('")
                        .trim_end_matches("')")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Stores a new application from a validated body, records the owners, and returns it as created.
fn create(
    request: &GraphRequest,
    data: &mut DirectoryData,
    mut body: Map<String, Value>,
) -> Result<DirectoryObject, GraphError> {
    let owners = bound_owners(&body);
    for owner in &owners {
        if request
            .visible(data, data.user(owner).or(data.service_principal(owner)))
            .is_none()
        {
            return Err(GraphError::resource_not_found(owner));
        }
    }
    let keys = body.remove("keyCredentials");
    body.retain(|key, _| !key.contains('@'));
    let app = data.add_application(body);
    let id = app.id().to_owned();
    if let Some(Value::Array(keys)) = keys
        && let Err(error) = data.set_key_credentials(&id, &keys)
    {
        // The whole request fails: nothing stays behind.
        let _ = data.remove_application(&id);
        return Err(write_error(error));
    }
    // A delegated caller becomes the owner of what it creates; an app-only caller's service principal too.
    data.add_owner(&id, request.caller_id());
    for owner in owners {
        data.add_owner(&id, &owner);
    }
    Ok(data.application(&id).cloned().unwrap_or(app))
}

/// `POST /applications`.
pub fn post(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::WriteApplication { caller_owns: true })?;
    let body = request.validated_body(types::APPLICATION, Intent::Create)?;
    check_password_credentials(&body, None)?;
    let options = request.single_options(types::APPLICATION)?;
    let mut data = request.state.directory.write();
    let app = create(request, &mut data, body)?;
    let shown = shown(&data, &app, &options);
    Ok(options.entity_answer(StatusCode::CREATED, shown, "applications"))
}

/// `GET /applications` with `$filter`, `$select`, `$top` and paging.
pub fn list(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadApplications)?;
    let options = request.list_options(&APPLICATIONS)?;
    let items = visible_items(request, &options);
    request.list_answer(&options, items, "applications")
}

/// `GET /applications/$count` (with `ConsistencyLevel: eventual`).
pub fn count(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadApplications)?;
    request.raw_count(&APPLICATIONS, |options| visible_items(request, options))
}

/// The applications the caller may see, as Graph shows them.
fn visible_items(request: &GraphRequest, options: &QueryOptions) -> Vec<Value> {
    let data = request.state.directory.read();
    let owned_only = owned_only(request);
    request
        .replicated(&data, &data.applications)
        .filter(|app| !owned_only || data.owns(app.id(), request.caller_id()))
        .map(|app| shown(&data, app, options))
        .collect()
}

/// `GET /applications/{id}`, `(appId='…')`, `(uniqueName='…')`.
pub fn get(request: &GraphRequest, key: &AppKey) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadApplications)?;
    let options = request.single_options(types::APPLICATION)?;
    let data = request.state.directory.read();
    let app = visible_app(request, &data, key)?;
    let shown = shown(&data, &app, &options);
    Ok(options.entity_answer(StatusCode::OK, shown, "applications"))
}

/// `PATCH /applications/{id}` (204), and the upsert `PATCH /applications(uniqueName='…')`: with
/// `Prefer: create-if-missing` a missing application is created (201 with the object), an existing one
/// updated (204); without it a missing key is 404
/// (<https://learn.microsoft.com/en-us/graph/api/application-upsert>).
pub fn patch(request: &GraphRequest, key: &AppKey) -> Result<Response, GraphError> {
    let existing = {
        let data = request.state.directory.read();
        request.visible(&data, key.find(&data)).cloned()
    };
    let upsert = matches!(key, AppKey::UniqueName(_)) && request.prefers_create_if_missing();
    let Some(existing) = existing else {
        if !upsert {
            request.authorize(Operation::WriteApplication { caller_owns: false })?;
            return Err(GraphError::resource_not_found(key.shown()));
        }
        request.authorize(Operation::WriteApplication { caller_owns: true })?;
        let body = request.json_body()?;
        schema::validate_upsert(
            types::APPLICATION,
            &body,
            ("uniqueName", key.shown()),
            Intent::Create,
        )?;
        let mut body = crate::graph::request::object_of(body);
        body.insert("uniqueName".to_owned(), json!(key.shown()));
        check_password_credentials(&body, None)?;
        let options = request.single_options(types::APPLICATION)?;
        let mut data = request.state.directory.write();
        // Another request may have created it meanwhile: the key stays unique.
        if key.find(&data).is_some() {
            return Err(GraphError::conflicting_object());
        }
        let app = create(request, &mut data, body)?;
        let shown = shown(&data, &app, &options);
        return Ok(options.entity_answer(StatusCode::CREATED, shown, "applications"));
    };
    let caller_owns = request
        .state
        .directory
        .read()
        .owns(existing.id(), request.caller_id());
    request.authorize(Operation::WriteApplication { caller_owns })?;
    let mut body = request.json_body()?;
    restore_echoed_keys(&request.state.directory.read(), &existing, &mut body);
    match key {
        AppKey::UniqueName(unique) => schema::validate_upsert(
            types::APPLICATION,
            &body,
            ("uniqueName", unique),
            Intent::Update,
        )?,
        _ => schema::validate(types::APPLICATION, &body, Intent::Update)?,
    }
    let mut body = crate::graph::request::object_of(body);
    if matches!(key, AppKey::UniqueName(_)) {
        body.remove("uniqueName");
    } else if let Some(Value::String(unique)) = body.get("uniqueName") {
        // uniqueName is write-once: it may be set when absent, never changed.
        let current = existing.str("uniqueName");
        if current.is_some_and(|c| c != unique) {
            return Err(GraphError::bad_request(
                "Property 'uniqueName' is read-only and cannot be set.",
            ));
        }
        let data = request.state.directory.read();
        let taken = data.applications.iter().any(|app| {
            app.id() != existing.id()
                && app
                    .str("uniqueName")
                    .is_some_and(|u| u.eq_ignore_ascii_case(unique))
        });
        if taken {
            return Err(GraphError::conflicting_object());
        }
    }
    check_password_credentials(&body, Some(&existing))?;
    body.retain(|key, _| !key.contains('@'));
    request
        .state
        .directory
        .write()
        .patch_application(existing.id(), &body)
        .map_err(write_error)?;
    Ok(no_content())
}

/// Fills in `key` of the `keyCredentials` a `PATCH` sends back as Graph returned them (`key: null`,
/// the `keyId` of a credential the application has), so those credentials are kept rather than
/// refused: a client that reads the collection, appends one and writes it back keeps the others.
fn restore_echoed_keys(data: &DirectoryData, app: &DirectoryObject, body: &mut Value) {
    let Some(credentials) = body.get_mut("keyCredentials").and_then(Value::as_array_mut) else {
        return;
    };
    for credential in credentials.iter_mut().filter_map(Value::as_object_mut) {
        let keyless = credential.get("key").is_none_or(Value::is_null);
        let Some(key_id) = credential.get("keyId").and_then(Value::as_str) else {
            continue;
        };
        let on_app = app.array("keyCredentials").iter().any(|stored| {
            stored
                .get("keyId")
                .and_then(Value::as_str)
                .is_some_and(|k| k.eq_ignore_ascii_case(key_id))
        });
        if let (true, true, Some(der)) = (keyless, on_app, data.certificate_der(key_id)) {
            credential.insert("key".to_owned(), json!(STANDARD.encode(der)));
        }
    }
}

/// The application `key` names, once the caller may do `operation` on it: visibility (replication lag)
/// and ownership are decided under one read of the directory, and a missing application is 404 only after
/// authorization, as Graph answers a caller without the permission 403 either way.
pub(crate) fn authorized_application(
    request: &GraphRequest,
    key: &AppKey,
    operation: impl FnOnce(bool) -> Operation,
) -> Result<DirectoryObject, GraphError> {
    let (existing, caller_owns) = {
        let data = request.state.directory.read();
        let existing = request.visible(&data, key.find(&data)).cloned();
        let caller_owns = existing
            .as_ref()
            .is_some_and(|app| data.owns(app.id(), request.caller_id()));
        (existing, caller_owns)
    };
    request.authorize(operation(caller_owns))?;
    existing.ok_or_else(|| GraphError::resource_not_found(key.shown()))
}

/// `DELETE /applications/{id}`: the application, its service principal, the role assignments, app role
/// assignments and delegated grants that hang on it (<https://learn.microsoft.com/en-us/graph/api/application-delete>).
pub fn delete(request: &GraphRequest, key: &AppKey) -> Result<Response, GraphError> {
    let existing = authorized_application(request, key, |caller_owns| {
        Operation::WriteApplication { caller_owns }
    })?;
    request
        .state
        .directory
        .write()
        .remove_application(existing.id())
        .map_err(write_error)?;
    Ok(no_content())
}
