//! The connection store as the wizard and the other host-sim commands use it, across processes: a save
//! killed half-way, two processes adding at once, file modes, damaged and newer stores.
//!
//! The other processes are this test binary started again with the ignored test `child` and
//! `HOST_SIM_STORE_CHILD` naming what it should do; each says where it is with a line on standard output
//! (`store-child: …`) and waits for a line on standard input where it must, so no test sleeps. Unix only: the
//! tests read file modes and set a umask.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use host_sim::store::{
    Connection, NewConnection, PluginInfo, SCHEMA_VERSION, Secret, Store, StoreError,
};
use serde_json::{Map, Value, json};

const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
const CHILD_ROLE: &str = "HOST_SIM_STORE_CHILD";
const MARK: &str = "store-child: ";

fn settings(tenant: &str) -> Map<String, Value> {
    match json!({
        "settings_version": 2,
        "mode": "manual",
        "tenant_id": tenant,
        "application_id": "2f6a1d8e-5b1c-4c3e-9a7b-0c1d2e3f4a5b",
        "certificate_thumbprint": "3F1A9C0E5B7D2E4F6A8B0C1D2E3F4A5B6C7D8E9F",
    }) {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

fn new_connection(name: &str) -> NewConnection {
    NewConnection {
        name: name.to_owned(),
        plugin: PluginInfo {
            path: PathBuf::from("/opt/connectors/libm365_connector.so"),
            name: "m365".into(),
            version: "0.1.0".into(),
        },
        settings: settings("6f1c2b3a-0000-4000-8000-000000000001"),
        secrets: BTreeMap::from([("certificate_pem".to_owned(), Secret::from(KEY))]),
    }
}

/// A temporary directory open to its owner alone (tempfile's own follow the umask), as a store needs.
fn private_temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(fs::Permissions::from_mode(0o700))
        .tempdir()
        .unwrap()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

fn names(store: &Store) -> Vec<String> {
    store
        .list()
        .unwrap()
        .into_iter()
        .map(|connection| connection.name)
        .collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    files
}

#[test]
fn a_saved_connection_reads_back_with_its_secrets_masked() {
    let temp = private_temp_dir();
    let dir = temp.path().join("store");
    {
        let mut store = Store::open(&dir).unwrap();
        assert!(store.list().unwrap().is_empty(), "a new store is empty");
        store.add(&new_connection("Contoso")).unwrap();
    }

    let store = Store::open(&dir).unwrap();
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 1);
    let contoso: &Connection = &listed[0];
    assert_eq!(contoso.name, "Contoso");
    assert_eq!(contoso.plugin, new_connection("Contoso").plugin);
    assert_eq!(
        contoso.settings,
        settings("6f1c2b3a-0000-4000-8000-000000000001")
    );
    assert_eq!(contoso.created_at, contoso.updated_at);
    assert_eq!(contoso.secrets.len(), 1);
    assert_eq!(contoso.secrets[0].field, "certificate_pem");
    assert_eq!(
        contoso.secrets[0].to_string(),
        format!("•••••• ({} characters)", KEY.len())
    );

    // Whatever `show` or `list --json` prints of it holds no part of the key.
    let shown = format!(
        "{contoso:?}\n{}",
        serde_json::to_string_pretty(contoso).unwrap()
    );
    assert!(
        !shown.contains("PRIVATE KEY") && !shown.contains("MIIE"),
        "{shown}"
    );
    let json = serde_json::to_value(contoso).unwrap();
    assert_eq!(json["secrets"][0]["masked"], "••••••");
    assert_eq!(json["plugin"]["name"], "m365");

    // `get` ignores ASCII case; only `secret` and `secrets` give the value.
    assert_eq!(&store.get("contoso").unwrap(), contoso);
    assert_eq!(
        store.secret("Contoso", "certificate_pem").unwrap().expose(),
        KEY
    );
    let all = store.secrets("CONTOSO").unwrap();
    assert_eq!(all.keys().collect::<Vec<_>>(), ["certificate_pem"]);
    assert_eq!(all["certificate_pem"].expose(), KEY);
}

#[test]
fn adding_an_existing_name_is_refused_unless_the_caller_replaces_it() {
    let temp = private_temp_dir();
    let mut store = Store::open(temp.path()).unwrap();
    store.add(&new_connection("Contoso")).unwrap();

    let error = store.add(&new_connection("CONTOSO")).unwrap_err();
    assert!(matches!(error, StoreError::NameTaken { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "a connection named \"CONTOSO\" already exists in {}",
            store.path().display()
        )
    );

    let mut replacement = new_connection("Contoso");
    replacement.settings = settings("9b8c7d6e-0000-4000-8000-000000000002");
    replacement.secrets = BTreeMap::from([
        (
            "pkcs12_base64".to_owned(),
            Secret::from("MIIKZgIBAzCCCiwGCSqG"),
        ),
        ("pkcs12_password".to_owned(), Secret::from("correct horse")),
    ]);
    assert!(store.replace(&replacement).unwrap(), "it replaced one");
    assert!(!store.replace(&new_connection("Fabrikam")).unwrap());

    assert_eq!(names(&store), ["Contoso", "Fabrikam"]);
    let contoso = store.get("Contoso").unwrap();
    assert_eq!(
        contoso.settings["tenant_id"],
        "9b8c7d6e-0000-4000-8000-000000000002"
    );
    let fields: Vec<&str> = contoso.secrets.iter().map(|s| s.field.as_str()).collect();
    assert_eq!(
        fields,
        ["pkcs12_base64", "pkcs12_password"],
        "the old key went with it"
    );
    assert!(matches!(
        store.secret("Contoso", "certificate_pem"),
        Err(StoreError::SecretNotFound { .. })
    ));
}

#[test]
fn rename_update_replace_secrets_and_remove() {
    let temp = private_temp_dir();
    let mut store = Store::open(temp.path()).unwrap();
    store.add(&new_connection("Contoso")).unwrap();
    store.add(&new_connection("Fabrikam")).unwrap();
    let before = store.get("Contoso").unwrap();

    store.rename("Contoso", "Contoso (production)").unwrap();
    assert_eq!(names(&store), ["Contoso (production)", "Fabrikam"]);
    store.rename("Fabrikam", "fabrikam").unwrap();
    let error = store
        .rename("fabrikam", "contoso (PRODUCTION)")
        .unwrap_err();
    assert!(matches!(error, StoreError::NameTaken { .. }), "{error}");
    let error = store.rename("Contoso", "Northwind").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "there is no connection named \"Contoso\" in {}",
            store.path().display()
        )
    );
    let error = store.rename("fabrikam", " padded").unwrap_err();
    assert_eq!(
        error.to_string(),
        "\" padded\" cannot name a connection: it starts or ends with white space"
    );

    let name = "Contoso (production)";
    let mut changed = settings("11111111-2222-4333-8444-555555555555");
    changed.insert("application_name".into(), "Identity sync".into());
    store.update_settings(name, &changed).unwrap();
    store
        .set_secret(name, "client_secret", &Secret::from("Qx8~abc.DEF"))
        .unwrap();
    let after = store.get(name).unwrap();
    assert_eq!(after.settings, changed);
    assert_eq!(after.created_at, before.created_at);
    assert!(after.updated_at > before.updated_at);
    let masked: Vec<String> = after
        .secrets
        .iter()
        .map(|secret| format!("{} {secret}", secret.field))
        .collect();
    assert_eq!(
        masked,
        [
            format!("certificate_pem •••••• ({} characters)", KEY.len()),
            "client_secret •••••• (11 characters)".to_owned()
        ]
    );

    // Renewal: the new certificate replaces every secret at once.
    let renewed = BTreeMap::from([("certificate_pem".to_owned(), Secret::from("NEW KEY"))]);
    store.replace_secrets(name, &renewed).unwrap();
    assert_eq!(store.secrets(name).unwrap(), renewed);
    assert!(store.remove_secret(name, "certificate_pem").unwrap());
    assert!(!store.remove_secret(name, "certificate_pem").unwrap());
    assert!(store.secrets(name).unwrap().is_empty());

    store
        .update_plugin(
            name,
            &PluginInfo {
                path: "/opt/connectors/v2/libm365_connector.so".into(),
                name: "m365".into(),
                version: "0.2.0".into(),
            },
        )
        .unwrap();
    assert_eq!(store.get(name).unwrap().plugin.version, "0.2.0");

    store.remove(name).unwrap();
    assert_eq!(names(&store), ["fabrikam"]);
    assert!(matches!(
        store.remove(name),
        Err(StoreError::NotFound { .. })
    ));
    assert!(store.find(name).unwrap().is_none());
}

#[test]
fn a_secret_field_is_never_kept_among_the_settings() {
    let temp = private_temp_dir();
    let mut store = Store::open(temp.path()).unwrap();
    let mut leaky = new_connection("Contoso");
    leaky.settings.insert("certificate_pem".into(), KEY.into());
    let error = store.add(&leaky).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the field \"certificate_pem\" of the connection \"Contoso\" is a secret, so it cannot also be kept \
         in its settings (settings are shown; secrets are not)"
    );
    assert!(!error.to_string().contains("MIIE"));
    assert!(store.list().unwrap().is_empty());

    store.add(&new_connection("Contoso")).unwrap();
    let error = store
        .update_settings("Contoso", &leaky.settings)
        .unwrap_err();
    assert!(
        matches!(error, StoreError::SecretInSettings { .. }),
        "{error}"
    );
    let error = store
        .set_secret("Contoso", "tenant_id", &Secret::from("x"))
        .unwrap_err();
    assert!(
        matches!(error, StoreError::SecretInSettings { .. }),
        "{error}"
    );
    assert_eq!(
        store.get("Contoso").unwrap().settings,
        new_connection("Contoso").settings
    );
}

#[test]
fn a_change_that_fails_half_way_leaves_nothing() {
    let temp = private_temp_dir();
    let mut store = Store::open(temp.path()).unwrap();
    store.add(&new_connection("Contoso")).unwrap();
    let result = store.change(|change| {
        change.add(&new_connection("Fabrikam"))?;
        change.set_secret("Contoso", "certificate_pem", &Secret::from("NEW KEY"))?;
        assert_eq!(
            change.get("fabrikam")?.name,
            "Fabrikam",
            "the change sees its own add"
        );
        change.add(&new_connection("Contoso"))
    });
    assert!(matches!(result, Err(StoreError::NameTaken { .. })));
    assert_eq!(names(&store), ["Contoso"]);
    assert_eq!(
        store.secret("Contoso", "certificate_pem").unwrap().expose(),
        KEY
    );
}

// ---- across processes ----

/// A child process of these tests, with its standard input and output.
struct ChildProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl ChildProcess {
    fn start(role: &str, args: &[&str], env: &[(&str, &Path)]) -> ChildProcess {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "--exact",
                "child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(
                CHILD_ROLE,
                [role]
                    .iter()
                    .chain(args)
                    .copied()
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the test binary starts again");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        ChildProcess {
            child,
            stdin,
            stdout,
        }
    }

    /// Reads lines until the child's next `store-child:` line, and returns what follows the mark.
    fn expect_line(&mut self) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            let read = self.stdout.read_line(&mut line).unwrap();
            assert!(read > 0, "the child ended without saying where it is");
            if let Some((_, said)) = line.split_once(MARK) {
                return said.trim_end().to_owned();
            }
        }
    }

    fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the child's standard input and waits for it to succeed.
    fn finish(mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the child failed: {status}");
    }
}

/// What a child process does, by `HOST_SIM_STORE_CHILD` (its role, then its arguments, one a line).
#[test]
#[ignore = "a child process of the store tests, started by them"]
fn child() {
    let Ok(role) = std::env::var(CHILD_ROLE) else {
        panic!("run by the store tests, with {CHILD_ROLE} set");
    };
    let args: Vec<&str> = role.lines().collect();
    let say = |line: &str| {
        println!("{MARK}{line}");
        std::io::stdout().flush().unwrap();
    };
    let wait_for_parent = || {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).unwrap();
    };
    match args.as_slice() {
        ["save-and-block", dir] => {
            let mut store = Store::open(dir).unwrap();
            let result: Result<(), StoreError> = store.change(|change| {
                change.update_settings(
                    "Contoso",
                    &settings("99999999-0000-4000-8000-000000000009"),
                )?;
                change.set_secret("Contoso", "certificate_pem", &Secret::from("NEW KEY"))?;
                // More than SQLite's page cache holds, so pages of this transaction reach the write-ahead log
                // on disk before it commits.
                let mut bulky = new_connection("");
                bulky
                    .settings
                    .insert("notes".into(), "x".repeat(20_000).into());
                for n in 0..300 {
                    bulky.name = format!("Bulk {n}");
                    change.add(&bulky)?;
                }
                say("inside the transaction");
                wait_for_parent();
                Err(StoreError::NoDataDirectory)
            });
            assert!(result.is_err());
        }
        ["add", dir, prefix, count] => {
            say("ready");
            wait_for_parent();
            let mut store = Store::open(dir).unwrap();
            for n in 0..count.parse::<usize>().unwrap() {
                store
                    .add(&new_connection(&format!("{prefix} {n:02}")))
                    .unwrap();
            }
            say("added");
        }
        ["save-under-umask", umask, dir] => {
            let mask = u32::from_str_radix(umask, 8).unwrap();
            rustix::process::umask(rustix::fs::Mode::from_bits_truncate(mask));
            let mut store = Store::open(dir).unwrap();
            store.add(&new_connection("Contoso")).unwrap();
            say("saved");
            wait_for_parent();
        }
        ["open-default"] => {
            let store = Store::open_default().unwrap();
            say(&store.dir().display().to_string());
        }
        other => panic!("unknown child role {other:?}"),
    }
}

#[test]
fn a_process_killed_in_the_middle_of_a_save_leaves_the_previous_store() {
    let temp = private_temp_dir();
    let dir = temp.path().join("store");
    {
        let mut store = Store::open(&dir).unwrap();
        store.add(&new_connection("Contoso")).unwrap();
    }
    let wal = dir.join("store.sqlite-wal");

    let mut saver = ChildProcess::start("save-and-block", &[dir.to_str().unwrap()], &[]);
    assert_eq!(saver.expect_line(), "inside the transaction");
    assert!(
        fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0,
        "the unfinished transaction has reached the disk, so the kill interrupts a write in progress"
    );
    saver.child.kill().unwrap();
    let status = saver.child.wait().unwrap();
    assert!(!status.success(), "the saver was killed: {status}");

    let mut store = Store::open(&dir).unwrap();
    assert_eq!(
        names(&store),
        ["Contoso"],
        "no connection of the killed save landed"
    );
    let contoso = store.get("Contoso").unwrap();
    assert_eq!(
        contoso.settings,
        settings("6f1c2b3a-0000-4000-8000-000000000001")
    );
    assert_eq!(
        store.secret("Contoso", "certificate_pem").unwrap().expose(),
        KEY
    );
    // The killed process's lock went with it: the store takes changes at once.
    store.add(&new_connection("Fabrikam")).unwrap();
    assert_eq!(names(&store), ["Contoso", "Fabrikam"]);
}

#[test]
fn two_processes_adding_connections_at_once_both_land() {
    let temp = private_temp_dir();
    // A store neither has created yet: they also race to create it.
    let dir = temp.path().join("store");
    let dir_arg = dir.to_str().unwrap();
    let mut first = ChildProcess::start("add", &[dir_arg, "First", "50"], &[]);
    let mut second = ChildProcess::start("add", &[dir_arg, "Second", "50"], &[]);
    assert_eq!(first.expect_line(), "ready");
    assert_eq!(second.expect_line(), "ready");
    first.send_line("go");
    second.send_line("go");
    assert_eq!(first.expect_line(), "added");
    assert_eq!(second.expect_line(), "added");
    first.finish();
    second.finish();

    let store = Store::open(&dir).unwrap();
    let listed = store.list().unwrap();
    let mut expected: Vec<String> = (0..50).map(|n| format!("First {n:02}")).collect();
    expected.extend((0..50).map(|n| format!("Second {n:02}")));
    assert_eq!(
        listed.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        expected
    );
    assert!(
        listed
            .iter()
            .all(|c| c.secrets.len() == 1 && c.secrets[0].length == KEY.len())
    );
}

#[test]
fn the_directory_is_0700_and_every_database_file_0600_whatever_the_umask() {
    for umask in ["022", "000", "277"] {
        let temp = private_temp_dir();
        let dir = temp.path().join("store");
        let mut saver =
            ChildProcess::start("save-under-umask", &[umask, dir.to_str().unwrap()], &[]);
        assert_eq!(saver.expect_line(), "saved");
        // While the saver has the store open, SQLite's write-ahead log and its index are there too.
        assert_eq!(
            files_in(&dir),
            ["store.sqlite", "store.sqlite-shm", "store.sqlite-wal"],
            "umask {umask}: the secrets are in the database, there is no other file"
        );
        assert_eq!(mode(&dir), 0o700, "umask {umask}: the directory");
        for file in files_in(&dir) {
            assert_eq!(mode(&dir.join(&file)), 0o600, "umask {umask}: {file}");
        }
        saver.finish();
        let store = Store::open(&dir).unwrap();
        assert_eq!(names(&store), ["Contoso"]);
    }
}

#[test]
fn a_store_directory_other_users_can_read_is_refused() {
    let temp = private_temp_dir();
    let dir = temp.path().join("store");
    drop(Store::open(&dir).unwrap());
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o750)).unwrap();
    let error = Store::open(&dir).unwrap_err();
    assert!(matches!(error, StoreError::Insecure { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("can be read or written by other users (mode 0750)"),
        "{error}"
    );
    assert_eq!(
        mode(&dir),
        0o750,
        "the store does not change what it refuses"
    );
}

#[test]
fn the_default_store_is_in_the_users_data_directory() {
    let temp = private_temp_dir();
    let data = temp.path().join("data");
    let mut child = ChildProcess::start("open-default", &[], &[("XDG_DATA_HOME", &data)]);
    let dir = PathBuf::from(child.expect_line());
    child.finish();
    assert_eq!(dir, data.join("host-sim"));
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("store.sqlite")), 0o600);
}

/// A store with two connections, closed (so everything is in the database file), and its path.
fn closed_store(dir: &Path) -> PathBuf {
    let mut store = Store::open(dir).unwrap();
    store.add(&new_connection("Contoso")).unwrap();
    store.add(&new_connection("Fabrikam")).unwrap();
    let path = store.path().to_path_buf();
    drop(store);
    assert_eq!(
        files_in(dir),
        ["store.sqlite"],
        "closing checkpointed the log"
    );
    path
}

#[test]
fn a_file_that_is_not_a_database_is_reported_and_left_as_it_was() {
    let temp = private_temp_dir();
    let path = temp.path().join("store.sqlite");
    let bytes = b"tenant_id=6f1c2b3a-0000-4000-8000-000000000001\nthis is not a database, but it is someone's\n"
        .repeat(100);
    fs::write(&path, &bytes).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();

    let error = Store::open(temp.path()).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the connection store {} is damaged (it is not a SQLite database); it was left untouched: \
             restore it from a backup, or move it away to start an empty store",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
    assert_eq!(files_in(temp.path()), ["store.sqlite"]);
}

#[test]
fn a_damaged_store_is_reported_and_its_bytes_are_unchanged() {
    let temp = private_temp_dir();
    let path = closed_store(temp.path());
    // Scribble over the second page (the root of the connection table), as a failing disk might.
    let mut bytes = fs::read(&path).unwrap();
    bytes[4096..4096 + 512].fill(0xA5);
    fs::write(&path, &bytes).unwrap();

    let error = Store::open(temp.path()).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "the connection store {} is damaged (",
            path.display()
        )),
        "{message}"
    );
    assert!(message.contains("it was left untouched"), "{message}");
    assert_eq!(
        fs::read(&path).unwrap(),
        bytes,
        "not repaired, not replaced"
    );
    // Refused every time, never "fixed" by an earlier attempt.
    assert!(matches!(
        Store::open(temp.path()),
        Err(StoreError::Corrupt { .. })
    ));
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_store_written_by_a_newer_host_sim_is_refused_by_name_and_never_touched() {
    let temp = private_temp_dir();
    let path = closed_store(temp.path());
    {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        db.execute_batch("ALTER TABLE connection ADD COLUMN colour TEXT")
            .unwrap();
    }
    let bytes = fs::read(&path).unwrap();

    let error = Store::open(temp.path()).unwrap_err();
    assert!(matches!(error, StoreError::NewerSchema { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "this store was written by a newer host-sim (schema {}); this one understands up to {}: {} \
             was left untouched",
            SCHEMA_VERSION + 1,
            SCHEMA_VERSION,
            path.display()
        )
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn another_programs_database_is_not_taken_over() {
    let temp = private_temp_dir();
    let path = temp.path().join("store.sqlite");
    {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch("CREATE TABLE bookmarks (url TEXT); INSERT INTO bookmarks VALUES ('https://example.com');")
            .unwrap();
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    let bytes = fs::read(&path).unwrap();
    let error = Store::open(temp.path()).unwrap_err();
    assert!(matches!(error, StoreError::NotAStore { .. }), "{error:?}");
    assert!(
        error.to_string().starts_with(&format!(
            "{} is a SQLite database but not a host-sim connection store",
            path.display()
        )),
        "{error}"
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
}
