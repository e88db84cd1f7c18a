//! The figures of a benchmark run: aggregated over the runs (median and spread of wall times), printed as
//! a table, written as JSON, and compared with an earlier figures file.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::flow::{Step, StepRun};

/// The median of some numbers (`0` for none).
pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}

fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}

/// One step's figures over the runs of one latency.
pub fn step_figures(step: Step, runs: &[&StepRun]) -> Value {
    let mut walls: Vec<f64> = runs.iter().map(|r| millis(r.wall)).collect();
    let (min, max) = walls.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), w| {
        (lo.min(*w), hi.max(*w))
    });
    let wire = runs
        .iter()
        .map(|r| r.wire)
        .max_by_key(|w| w.round_trips)
        .unwrap_or_default();
    let statuses: Vec<&str> = runs.iter().map(|r| r.status.as_str()).collect();
    let status = if statuses.iter().all(|s| *s == statuses[0]) {
        statuses[0]
    } else {
        "MIXED"
    };
    json!({
        "status": status,
        "wall_ms": { "median": median(&mut walls), "min": if min.is_finite() { min } else { 0.0 }, "max": max },
        "requests": wire.requests,
        "batch_items": wire.batch_items,
        "round_trips": wire.round_trips,
        "new_connections": wire.new_connections,
        "lower_bound": step.lower_bound(),
        "ratio": (wire.round_trips as f64 / step.lower_bound() as f64 * 100.0).round() / 100.0,
    })
}

/// The figures of the flows of one latency: per step, and the whole flow after sign-in (a fresh provision,
/// consent and test: what an administrator waits for after signing in).
pub fn latency_figures(runs: &[Vec<StepRun>]) -> Value {
    let mut steps = Map::new();
    for step in Step::ALL {
        let of_step: Vec<&StepRun> = runs.iter().flatten().filter(|r| r.step == step).collect();
        steps.insert(step.name().to_owned(), step_figures(step, &of_step));
    }
    let mut after_sign_in: Vec<f64> = runs
        .iter()
        .map(|run| {
            run.iter()
                .filter(|r| matches!(r.step, Step::ProvisionFresh | Step::Consent | Step::Test))
                .map(|r| millis(r.wall))
                .sum()
        })
        .collect();
    let connections_per_flow = runs
        .iter()
        .map(|run| run.iter().map(|r| r.wire.new_connections).sum::<usize>())
        .max()
        .unwrap_or(0);
    json!({
        "steps": steps,
        "flow_after_sign_in_ms": median(&mut after_sign_in),
        "new_connections_per_flow": connections_per_flow,
    })
}

/// Prints the table of one latency's figures.
pub fn print_latency(latency_ms: u64, figures: &Value) {
    println!("\nlatency {latency_ms} ms per request");
    println!(
        "  {:<16} {:>14} {:>8} {:>6} {:>6} {:>6} {:>6} {:>10} {:>22}",
        "step",
        "status",
        "requests",
        "items",
        "trips",
        "bound",
        "ratio",
        "new conns",
        "wall ms (min–max)"
    );
    for step in Step::ALL {
        let s = &figures["steps"][step.name()];
        let text = |v: &Value| match v {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let wall = format!(
            "{} ({}–{})",
            text(&s["wall_ms"]["median"]),
            text(&s["wall_ms"]["min"]),
            text(&s["wall_ms"]["max"])
        );
        println!(
            "  {:<16} {:>14} {:>8} {:>6} {:>6} {:>6} {:>6} {:>10} {:>22}",
            step.name(),
            text(&s["status"]),
            text(&s["requests"]),
            text(&s["batch_items"]),
            text(&s["round_trips"]),
            text(&s["lower_bound"]),
            text(&s["ratio"]),
            text(&s["new_connections"]),
            wall,
        );
    }
    println!(
        "  whole flow after sign-in (fresh provision, consent, test): {} ms median; new TLS connections per flow: {}",
        figures["flow_after_sign_in_ms"], figures["new_connections_per_flow"]
    );
}

/// The numeric leaves of a figures document, by path (`latency.100.steps.test.round_trips`).
fn leaves(value: &Value, path: String, into: &mut BTreeMap<String, f64>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let next = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                leaves(value, next, into);
            }
        }
        Value::Number(n) => {
            if let Some(n) = n.as_f64() {
                into.insert(path, n);
            }
        }
        _ => {}
    }
}

/// Prints what changed between two figures documents: every number that differs, with the change.
pub fn print_comparison(old: &Value, new: &Value) {
    let (mut before, mut after) = (BTreeMap::new(), BTreeMap::new());
    leaves(old, String::new(), &mut before);
    leaves(new, String::new(), &mut after);
    println!(
        "\ncompared with the earlier figures ({} → {}):",
        old["date"], new["date"]
    );
    let mut changed = 0;
    for (path, new_value) in &after {
        match before.get(path) {
            Some(old_value) if (old_value - new_value).abs() > f64::EPSILON => {
                changed += 1;
                let percent = if *old_value == 0.0 {
                    String::from("new")
                } else {
                    format!("{:+.1}%", (new_value - old_value) / old_value * 100.0)
                };
                println!("  {path}: {old_value} → {new_value} ({percent})");
            }
            Some(_) => {}
            None => {
                changed += 1;
                println!("  {path}: (absent) → {new_value}");
            }
        }
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        changed += 1;
        println!("  {path}: {} → (absent)", before[path]);
    }
    if changed == 0 {
        println!("  no figure changed");
    }
}
