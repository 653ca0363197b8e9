//! The translation goal's ratio, measured interleaved: translate ÷ (validate + canonicalize) on
//! each dialect's update fixture, to each target.
//!
//! Criterion measures one function after another, and on a shared machine the clock drifts
//! between them: `cargo xtask bench core`'s sequential ratios moved by a third from run to run
//! (docs/benchmarks.md, "Translation, third round"). Here every round times a batch of the
//! reference and then a batch of each translation, back to back, and keeps the round's ratios; the
//! median over the rounds is what drift between rounds cannot move. The targets' order turns each
//! round, so that none always runs first after the reference.
//!
//! Output, one line per source dialect (parsed by `cargo xtask bench core`):
//! `ratio <from> <ns per reference call> to <target> <ratio>x … mean <ratio>x`.

use serde_json::Value;
use std::hint::black_box;
use std::time::{Duration, Instant};
use userbridge_core::{Dialect, Op};

/// Rounds per dialect (odd: the median is one round's ratio).
const ROUNDS: usize = 151;
/// How long one batch of the reference runs: long enough for the clock's resolution, short
/// enough that a round sees one state of the machine.
const BATCH: Duration = Duration::from_micros(250);

fn fixture(dialect: Dialect, op: Op) -> Option<Value> {
    let path = format!("{}/tests/fixtures/{dialect}/{op}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Time of `n` calls of `f`.
fn time(n: usize, f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_secs_f64()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    // `cargo bench` passes harness flags (`--bench`); a filter, if any, names source dialects.
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let op = Op::Update;
    for from in Dialect::ALL {
        if !only.is_empty() && !only.iter().any(|o| o == from.as_str()) {
            continue;
        }
        let Some(body) = fixture(from, op) else {
            eprintln!("no fixture for {from} {op}; skipped");
            continue;
        };
        let mut reference = || {
            black_box(userbridge_core::to_canonical(from, op, black_box(&body)).ok());
        };
        // Calibration (and warm-up): the batch size that makes the reference's batch last BATCH.
        let mut n = 1;
        while time(n, &mut reference) < BATCH.as_secs_f64() && n < 1 << 20 {
            n *= 2;
        }
        let targets = Dialect::ALL;
        let mut ratios: Vec<Vec<f64>> = vec![Vec::with_capacity(ROUNDS); targets.len()];
        let mut per_call = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let base = time(n, &mut reference);
            per_call.push(base / n as f64);
            for k in 0..targets.len() {
                let k = (k + round) % targets.len();
                let to = targets[k];
                let took = time(n, &mut || {
                    black_box(userbridge_core::translate(from, to, op, black_box(&body)).ok());
                });
                ratios[k].push(took / base);
            }
        }
        let medians: Vec<f64> = ratios.into_iter().map(median).collect();
        let mean = medians.iter().sum::<f64>() / medians.len() as f64;
        let list: Vec<String> = targets.iter().zip(&medians).map(|(to, r)| format!("to {to} {r:.2}x")).collect();
        println!("ratio {from} {:.0} {} mean {mean:.2}x", median(per_call) * 1e9, list.join(" "));
    }
}
