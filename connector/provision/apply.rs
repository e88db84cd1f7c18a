//! Provision's decisions and writes: which application (found, to adopt, to create), what changes on it,
//! its service principal and roles; in plan mode the same items without the writes.

use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::describe::{DIRECTORY_ROLES, DirectoryRole};
use crate::error::{Error, ErrorKind};
use crate::event::WaitReason;
use crate::graph::GraphRequest;
use crate::graph::odata::{alternate_key, with_query};
use crate::provision::adoption;
use crate::provision::application::{APPLICATION_SELECT, create_body, patch};
use crate::provision::credential::{
    CertificateDecision, kept, key_credential, key_end, key_thumbprint,
};
use crate::provision::item::{Item, ItemKind, ItemOutcome};
use crate::provision::lag::{is_duplicate, is_replication_lag};
use crate::provision::lookup::Lookup;
use crate::provision::roles;
use crate::provision::secret::{secret, secret_plan};
use crate::provision::service_principal;
use crate::provision::{Run, certificate_decision, done, new_certificate};

type Failure = (Error, Option<Value>);

fn plain(error: Error) -> Failure {
    (error, None)
}

/// Which application the run works on.
enum Target {
    /// None exists: create one.
    Create,
    /// This one, found by key or adopted.
    Existing { app: Value, adopted: bool },
}

fn summary(app: &Value) -> Value {
    json!({
        "object_id": app["id"],
        "app_id": app["appId"],
        "display_name": app["displayName"],
        "unique_name": app["uniqueName"],
    })
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// Runs the step on what the lookups found.
pub(crate) async fn run(run: &mut Run<'_>, lookup: Lookup) -> Result<(), Failure> {
    let service_principal = lookup.service_principal.clone();
    let checked = lookup.service_principal_checked;
    match choose(run, lookup).await? {
        Target::Create => create(run).await.map_err(plain),
        Target::Existing { app, adopted } => update(run, app, adopted, service_principal, checked)
            .await
            .map_err(plain),
    }
}

async fn choose(run: &mut Run<'_>, lookup: Lookup) -> Result<Target, Failure> {
    if let Some((app, _)) = lookup.application {
        return Ok(Target::Existing {
            app,
            adopted: false,
        });
    }
    let name = run.desired.display_name.clone();
    if let Some(adopt) = run.input.adopt_application_id.clone() {
        let chosen = lookup.same_name.into_iter().find(|app| {
            [&app["appId"], &app["id"]].iter().any(|id| {
                id.as_str()
                    .is_some_and(|id| id.eq_ignore_ascii_case(&adopt))
            })
        });
        return match chosen {
            Some(app) => Ok(Target::Existing { app, adopted: true }),
            None => Err(plain(Error::new(
                ErrorKind::NotFound,
                format!("No application named \"{name}\" has the id {adopt} given in adopt_application_id; nothing was changed."),
            )
            .with_hint("Run provision without adopt_application_id to see the applications of that name again."))),
        };
    }
    match lookup.same_name.len() {
        0 => Ok(Target::Create),
        count => {
            let candidates = adoption::candidates(run.call, &run.graph, &lookup.same_name)
                .await
                .map_err(plain)?;
            let error = if count == 1 {
                adoption::confirmation_required(&name, &candidates[0])
            } else {
                adoption::conflict(&name, &candidates)
            };
            Err((error, Some(Value::Array(candidates))))
        }
    }
}

fn permission_items(run: &mut Run<'_>, added: &[crate::provision::permissions::PermissionRef]) {
    for permission in run.desired.permissions.clone() {
        let outcome = if added.contains(&permission) {
            ItemOutcome::Created
        } else {
            ItemOutcome::Unchanged
        };
        run.items.push(
            Item::new(ItemKind::Permission, outcome, permission.label())
                .with("resource_app_id", permission.resource_app_id.clone())
                .with("permission_id", permission.id.clone())
                .with("value", permission.value.clone())
                .with("type", permission.access_type()),
        );
    }
}

/// A certificate item, named by its subject; `thumbprint` is `None` for a certificate plan mode would
/// create (none is generated until the real run).
fn certificate_item(
    outcome: ItemOutcome,
    subject: &str,
    thumbprint: Option<&str>,
    key_id: Option<String>,
    not_after: Option<OffsetDateTime>,
) -> Item {
    Item::new(ItemKind::Certificate, outcome, subject)
        .id(key_id)
        .with("thumbprint", thumbprint)
        .with("not_after", not_after.and_then(|t| t.format(&Rfc3339).ok()))
}

/// The subject of the certificates the connector creates for this application.
fn subject(run: &Run<'_>) -> String {
    format!("CN={}", run.desired.display_name)
}

/// The items of the service principal and roles of a new service principal (all to be created).
fn new_principal_items(run: &mut Run<'_>) {
    run.items.push(Item::new(
        ItemKind::ServicePrincipal,
        ItemOutcome::Created,
        run.desired.display_name.clone(),
    ));
    for role in DIRECTORY_ROLES {
        run.items
            .push(roles::item(&role, ItemOutcome::Created, None));
    }
}

/// The items of a new application after its own: its permissions, its redirect URI and `certificate` (all
/// to be created).
fn new_application_items(run: &mut Run<'_>, certificate: Item) {
    let all = run.desired.permissions.clone();
    permission_items(run, &all);
    if let Some(uri) = run.desired.redirect_uri {
        run.items
            .push(Item::new(ItemKind::RedirectUri, ItemOutcome::Created, uri));
    }
    run.items.push(certificate);
}

/// A fresh application: one upsert with everything, then its service principal and roles.
async fn create(run: &mut Run<'_>) -> Result<(), Error> {
    if run.input.plan_only {
        run.items.push(Item::new(
            ItemKind::Application,
            ItemOutcome::Created,
            run.desired.display_name.clone(),
        ));
        let certificate = certificate_item(ItemOutcome::Created, &subject(run), None, None, None);
        new_application_items(run, certificate);
        new_principal_items(run);
        secret_plan(run, &[]);
        return Ok(());
    }
    let key_id = uuid::Uuid::new_v4().to_string();
    let generated = new_certificate(run).await?;
    let key = key_credential(generated, &key_id);
    let thumbprint = generated.details.thumbprint_sha1.clone();
    let subject = generated.details.subject.clone();
    let not_after = generated.details.not_after;
    let body = create_body(&run.desired, Some(key));
    let path = format!(
        "/{}",
        alternate_key("applications", "uniqueName", &run.desired.unique_name)
    );
    let request = GraphRequest::new(Method::PATCH, path.clone(), "create the application")
        .header("Prefer", "create-if-missing")
        .body(body);
    let answer = run.graph.send(run.call, &request).await?;
    let app = match answer.status {
        200 | 201 => answer.body,
        // A retried upsert whose first attempt landed: read what it made.
        204 => read_created(run, &path).await?,
        // A retried upsert whose first attempt landed but has not replicated yet meets it by `uniqueName`
        // ("a conflicting object"): read it once it is readable. One this run did not make (it holds no
        // key of this run) was there before the lookup could see it, and is updated instead.
        _ if is_duplicate(&answer) => {
            let app = read_created(run, &path).await?;
            if !holds_key(&app, &key_id) {
                return update(run, app, false, None, false).await;
            }
            app
        }
        _ => return Err(answer.failure()),
    };
    let app_id = text(&app["id"]);
    run.application = Some(summary(&app));
    run.items.push(
        Item::new(
            ItemKind::Application,
            ItemOutcome::Created,
            run.desired.display_name.clone(),
        )
        .id(Some(app_id.clone()))
        .with("app_id", app["appId"].clone())
        .with("unique_name", run.desired.unique_name.clone()),
    );
    let certificate = certificate_item(
        ItemOutcome::Created,
        &subject,
        Some(&thumbprint),
        Some(key_id),
        Some(not_after),
    );
    new_application_items(run, certificate);
    let name = run.desired.display_name.clone();
    done(
        run,
        "application_created",
        Some(&app_id),
        format!("Created the application \"{name}\" with its certificate."),
    );
    let app_client_id = text(&app["appId"]);
    principal_and_roles(run, &app_client_id, Some(None)).await?;
    secret(run, &app_id, &[]).await
}

/// Whether `app` holds the key credential `key_id`.
fn holds_key(app: &Value, key_id: &str) -> bool {
    app["keyCredentials"]
        .as_array()
        .is_some_and(|keys| keys.iter().any(|k| k["keyId"].as_str() == Some(key_id)))
}

/// Reads the application the upsert made, waiting out replication.
async fn read_created(run: &mut Run<'_>, path: &str) -> Result<Value, Error> {
    let request = GraphRequest::get(
        with_query(path, &[("$select", APPLICATION_SELECT)]),
        "read the new application",
    );
    loop {
        let answer = run.graph.send(run.call, &request).await?;
        if answer.status == 200 {
            return Ok(answer.body);
        }
        if !is_replication_lag(&answer) {
            return Err(answer.failure());
        }
        run.patience
            .wait(
                run.call,
                WaitReason::Replication,
                "the new application to become readable",
            )
            .await?;
    }
}

/// The new `keyCredentials` collection, when certificates change: the kept ones as Graph returned them,
/// and the new one. `None` when nothing changes.
async fn new_keys(
    run: &mut Run<'_>,
    keys: &[Value],
    decision: &CertificateDecision,
) -> Result<Option<Vec<Value>>, Error> {
    let held = run
        .settings
        .text("certificate_thumbprint")
        .unwrap_or_default()
        .to_ascii_uppercase();
    let remove_others = run.input.remove_other_certificates;
    if remove_others && matches!(decision, CertificateDecision::Add(_)) && !held.is_empty() {
        let on_app = keys
            .iter()
            .any(|k| key_thumbprint(k).as_deref() == Some(held.as_str()));
        if !on_app {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "The certificate the connection holds ({held}) is not on the application, so removing the others \
                     would leave it without a working certificate; nothing was changed."
                ),
            )
            .with_hint("Run provision without remove_other_certificates first, then test, then remove the others."));
        }
    }
    let keep = |k: &Value| !remove_others || key_thumbprint(k).as_deref() == Some(held.as_str());
    let mut collection = kept(keys, keep);
    for key in keys.iter().filter(|k| !keep(k)) {
        let thumbprint = key_thumbprint(key);
        let name = key["displayName"]
            .as_str()
            .unwrap_or("certificate")
            .to_owned();
        let item = certificate_item(
            ItemOutcome::Removed,
            &name,
            thumbprint.as_deref(),
            Some(text(&key["keyId"])),
            key_end(key),
        );
        run.items.push(item);
    }
    let removed = collection.len() < keys.len();
    match decision {
        CertificateDecision::Keep {
            key_id,
            thumbprint,
            not_after,
        } => {
            let name = keys
                .iter()
                .find(|k| k["keyId"].as_str() == Some(key_id.as_str()))
                .and_then(|k| k["displayName"].as_str())
                .unwrap_or("certificate")
                .to_owned();
            let item = certificate_item(
                ItemOutcome::Unchanged,
                &name,
                Some(thumbprint),
                Some(key_id.clone()),
                *not_after,
            );
            run.items.push(item);
            Ok(removed.then_some(collection))
        }
        CertificateDecision::Add(renewal) => {
            if run.input.plan_only {
                let item = certificate_item(ItemOutcome::Created, &subject(run), None, None, None)
                    .with("reason", renewal.reason());
                run.items.push(item);
                collection.push(Value::Null);
                return Ok(Some(collection));
            }
            let key_id = uuid::Uuid::new_v4().to_string();
            let generated = new_certificate(run).await?;
            collection.push(key_credential(generated, &key_id));
            let item = certificate_item(
                ItemOutcome::Created,
                &generated.details.subject,
                Some(&generated.details.thumbprint_sha1),
                Some(key_id),
                Some(generated.details.not_after),
            )
            .with("reason", renewal.reason());
            run.items.push(item);
            Ok(Some(collection))
        }
    }
}

/// An existing application: the smallest patch, then its service principal and roles.
async fn update(
    run: &mut Run<'_>,
    app: Value,
    adopted: bool,
    service_principal: Option<Value>,
    checked: bool,
) -> Result<(), Error> {
    let keys: Vec<Value> = app["keyCredentials"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let decision = certificate_decision(run, &keys);
    let application_index = run.items.len();
    let keys = new_keys(run, &keys, &decision).await?;
    let patch = patch(&app, &run.desired, keys);
    let app_id = text(&app["id"]);
    let outcome = if adopted {
        ItemOutcome::Adopted
    } else if patch.is_empty() {
        ItemOutcome::Unchanged
    } else {
        ItemOutcome::Updated
    };
    let mut summary = summary(&app);
    summary["unique_name"] = json!(run.desired.unique_name);
    summary["display_name"] = json!(run.desired.display_name);
    run.application = Some(summary);
    run.items.insert(
        application_index,
        Item::new(
            ItemKind::Application,
            outcome,
            run.desired.display_name.clone(),
        )
        .id(Some(app_id.clone()))
        .with("app_id", app["appId"].clone())
        .with("unique_name", run.desired.unique_name.clone())
        .with("changes", patch.changes.clone()),
    );
    permission_items(run, &patch.added_permissions);
    if let Some(uri) = run.desired.redirect_uri {
        let outcome = if patch.added_redirect_uri {
            ItemOutcome::Created
        } else {
            ItemOutcome::Unchanged
        };
        run.items
            .push(Item::new(ItemKind::RedirectUri, outcome, uri));
    }
    let app_client_id = text(&app["appId"]);
    let passwords: Vec<Value> = app["passwordCredentials"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if run.input.plan_only {
        let principal = if checked {
            service_principal
        } else {
            service_principal::read(run.call, &run.graph, &app_client_id).await?
        };
        match principal {
            Some(sp) => {
                let sp_id = text(&sp["id"]);
                run.items.push(
                    Item::new(
                        ItemKind::ServicePrincipal,
                        ItemOutcome::Unchanged,
                        run.desired.display_name.clone(),
                    )
                    .id(Some(sp_id.clone())),
                );
                run.service_principal = Some(json!({ "object_id": sp_id }));
                let answer = run
                    .graph
                    .send(run.call, &roles::list_request(&sp_id))
                    .await?;
                for (role, id) in roles::assigned(&answer)? {
                    let outcome = if id.is_some() {
                        ItemOutcome::Unchanged
                    } else {
                        ItemOutcome::Created
                    };
                    run.items.push(roles::item(&role, outcome, id));
                }
            }
            None => new_principal_items(run),
        }
        secret_plan(run, &passwords);
        return Ok(());
    }
    if !patch.is_empty() {
        let request = GraphRequest::new(
            Method::PATCH,
            format!("/applications/{app_id}"),
            "update the application",
        )
        .body(json!(patch.body));
        let answer = run.graph.send(run.call, &request).await?;
        if !answer.is_success() {
            return Err(answer.failure());
        }
        let (action, verb) = if adopted {
            ("application_adopted", "Adopted")
        } else {
            ("application_updated", "Updated")
        };
        let message = format!(
            "{verb} the application \"{}\" ({}).",
            run.desired.display_name,
            patch.changes.join(", ")
        );
        done(run, action, Some(&app_id), message);
    }
    let known = if checked {
        Some(service_principal)
    } else {
        None
    };
    principal_and_roles(run, &app_client_id, known).await?;
    secret(run, &app_id, &passwords).await
}

/// Ensures the service principal and its three roles. `known` is what the lookup found (`Some(None)`: it
/// does not exist), or `None` when it was not looked up.
async fn principal_and_roles(
    run: &mut Run<'_>,
    app_client_id: &str,
    known: Option<Option<Value>>,
) -> Result<(), Error> {
    let existing = match known {
        Some(known) => known,
        None => service_principal::read(run.call, &run.graph, app_client_id).await?,
    };
    let (sp_id, created) = match existing {
        Some(sp) => (text(&sp["id"]), false),
        None => {
            let ensured =
                service_principal::create(run.call, &run.graph, app_client_id, &mut run.patience)
                    .await?;
            (ensured.id, ensured.created)
        }
    };
    let outcome = if created {
        ItemOutcome::Created
    } else {
        ItemOutcome::Unchanged
    };
    run.items.push(
        Item::new(
            ItemKind::ServicePrincipal,
            outcome,
            run.desired.display_name.clone(),
        )
        .id(Some(sp_id.clone())),
    );
    run.service_principal = Some(json!({ "object_id": sp_id }));
    if created {
        done(
            run,
            "service_principal_created",
            Some(&sp_id),
            "Created the service principal.".to_owned(),
        );
    }
    let missing: Vec<DirectoryRole> = if created {
        DIRECTORY_ROLES.to_vec()
    } else {
        let answer = run
            .graph
            .send(run.call, &roles::list_request(&sp_id))
            .await?;
        let mut missing = Vec::new();
        for (role, id) in roles::assigned(&answer)? {
            match id {
                Some(id) => run
                    .items
                    .push(roles::item(&role, ItemOutcome::Unchanged, Some(id))),
                None => missing.push(role),
            }
        }
        missing
    };
    if missing.is_empty() {
        return Ok(());
    }
    let account = run.signed_in.account.clone();
    let result = roles::assign(
        run.call,
        &run.graph,
        &sp_id,
        &missing,
        &account,
        &mut run.patience,
    )
    .await;
    let (items, error) = match result {
        Ok(items) => (items, None),
        Err((items, error)) => (items, Some(error)),
    };
    for item in items {
        if item.outcome == ItemOutcome::Created {
            let message = format!("Assigned {} to the service principal.", item.name);
            done(run, "role_assigned", item.object_id.as_deref(), message);
        }
        run.items.push(item);
    }
    match error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}
