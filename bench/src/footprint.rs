//! What the plugin costs the process that hosts it: the time to load it and describe it (in fresh
//! processes), the size of the stripped release library, the resident memory it adds and the threads it
//! leaves running (in a child process that hosts nothing else), and the peak memory of `host-sim demo`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use connector_abi::ConnectorStatus;
use host_sim::plugin::{Plugin, Session};
use serde::Serialize;
use serde_json::{Value, json};

/// A process's resident memory (`VmRSS`) in KiB, and its thread count, from `/proc/self`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Process {
    /// Resident memory, KiB.
    pub rss_kib: u64,
    /// Threads.
    pub threads: usize,
}

/// This process now.
pub fn this_process() -> Process {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    Process {
        rss_kib: field("VmRSS:"),
        threads: field("Threads:") as usize,
    }
}

/// `probe-load`: loads the plugin, asks its version, describes it; prints the microseconds it took.
pub fn probe_load(plugin: &Path) -> Result<(), String> {
    let started = Instant::now();
    let loaded = Plugin::load(plugin).map_err(|e| e.to_string())?;
    let _ = loaded.abi_version();
    let (mut session, _) = Session::new(&loaded, None, |_| {}).map_err(|e| e.to_string())?;
    let (status, described) = session.describe().map_err(|e| e.to_string())?;
    let took = started.elapsed();
    if !status.is_ok() {
        return Err(format!("describe failed: {}", described["error"]));
    }
    println!("{}", json!({ "micros": took.as_micros() as u64 }));
    Ok(())
}

/// Runs this program again with `arguments` and returns the JSON line it printed.
fn child(arguments: &[&str]) -> Result<Value, String> {
    let program = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(program)
        .args(arguments)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.lines().last().unwrap_or("")).map_err(|e| format!("{e}: {text}"))
}

/// Load + version + describe in `count` fresh processes; the times, microseconds.
pub fn load_times(plugin: &Path, count: usize) -> Result<Vec<u64>, String> {
    let plugin = plugin.to_str().ok_or("the plugin path is not UTF-8")?;
    (0..count)
        .map(|_| child(&["probe-load", plugin]).map(|v| v["micros"].as_u64().unwrap_or(0)))
        .collect()
}

/// The library's size, and the size of a stripped copy (`strip` from binutils; `None` without it).
pub fn library_sizes(plugin: &Path) -> (u64, Option<u64>) {
    let size = std::fs::metadata(plugin).map(|m| m.len()).unwrap_or(0);
    let copy = std::env::temp_dir().join(format!("m365-bench-strip-{}.so", std::process::id()));
    let stripped = std::fs::copy(plugin, &copy)
        .ok()
        .and_then(|_| Command::new("strip").arg(&copy).status().ok())
        .filter(|status| status.success())
        .and_then(|_| std::fs::metadata(&copy).ok())
        .map(|m| m.len());
    let _ = std::fs::remove_file(&copy);
    (size, stripped)
}

/// `probe-footprint`: in a process that hosts nothing else, the memory and threads before loading the
/// plugin, after loading it, after a whole flow (between calls), and after `shutdown`; printed as JSON.
/// The tenant is the parent's (its URLs and CA in `settings`); its device codes are approved at once.
pub fn probe_footprint(plugin: &Path, settings: &Value) -> Result<(), String> {
    let before = this_process();
    let loaded = Plugin::load(plugin).map_err(|e| e.to_string())?;
    let after_load = this_process();
    let options = json!({ "sign_in": { "open_browser": false } });
    let (mut session, _) =
        Session::new(&loaded, Some(&options), |_| {}).map_err(|e| e.to_string())?;
    let check =
        |what: &str,
         result: Result<(connector_abi::StatusCode, Value), host_sim::plugin::CallError>| {
            let (status, document) = result.map_err(|e| e.to_string())?;
            match status.known() {
                Some(ConnectorStatus::Ok | ConnectorStatus::NotAvailable) => Ok(document),
                _ => Err(format!("{what} failed: {}", document["error"])),
            }
        };
    check("authenticate", session.authenticate(settings))?;
    let provisioned = check("provision", session.provision(settings))?;
    let mut stored = provisioned["data"]["settings"].clone();
    stored["certificate_pem"] = provisioned["data"]["credential"]["pem"].clone();
    check("consent", session.consent(&stored))?;
    check("test", session.test(&stored))?;
    let after_flow = this_process();
    drop(session);
    loaded.shutdown();
    let after_shutdown = this_process();
    println!(
        "{}",
        json!({
            "before": before, "after_load": after_load, "after_flow": after_flow, "after_shutdown": after_shutdown,
        })
    );
    Ok(())
}

/// The footprint child's figures for `settings`.
pub fn footprint(plugin: &Path, settings: &Value) -> Result<Value, String> {
    let plugin = plugin.to_str().ok_or("the plugin path is not UTF-8")?;
    child(&["probe-footprint", plugin, &settings.to_string()])
}

/// The peak resident memory of `host-sim demo` (KiB) and its wall time, or why it could not be measured.
pub fn demo_peak(host_sim: &Path) -> Result<(u64, Duration), String> {
    let store = std::env::temp_dir().join(format!("m365-bench-demo-{}", std::process::id()));
    let started = Instant::now();
    let status = Command::new(host_sim)
        .args(["demo", "--store"])
        .arg(&store)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("{}: {e}", host_sim.display()))?;
    let took = started.elapsed();
    let _ = std::fs::remove_dir_all(&store);
    if !status.success() {
        return Err(format!("host-sim demo exited with {status}"));
    }
    Ok((children_peak_rss_kib(), took))
}

/// The largest resident memory of any child this process waited for, KiB (`getrusage(RUSAGE_CHILDREN)`).
fn children_peak_rss_kib() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a rusage into the pointer it is given, which points to one.
    let ok = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) } == 0;
    if !ok {
        return 0;
    }
    // SAFETY: getrusage returned 0, so it filled the struct in.
    let usage = unsafe { usage.assume_init() };
    u64::try_from(usage.ru_maxrss).unwrap_or(0)
}

/// The programs beside this one: the plugin and host-sim of the same build.
pub fn beside_me(file: &str) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(file)))
        .unwrap_or_else(|| PathBuf::from(file))
}
