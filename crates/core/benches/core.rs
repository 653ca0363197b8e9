//! Native speed of the core, per dialect, on each dialect's full fixture (`tests/fixtures/`):
//! validate + canonicalize, and translate to every other dialect. `serde_json` parsing of the same
//! payload runs in the same process as the reference the other figures are compared with.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use std::hint::black_box;
use userbridge_core::{Dialect, Op};

fn fixture(dialect: Dialect, op: Op) -> Option<(String, Value)> {
    let dir = format!("{}/tests/fixtures/{dialect}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(format!("{dir}/{op}.json")).ok()?;
    let value = serde_json::from_str(&text).ok()?;
    Some((text, value))
}

fn bench(c: &mut Criterion) {
    let op = Op::Update;
    for from in Dialect::ALL {
        let Some((text, body)) = fixture(from, op) else {
            eprintln!("no fixture for {from} {op}; skipped");
            continue;
        };
        let mut group = c.benchmark_group(format!("{from}/{op}"));
        group.bench_function("reference: serde_json parse", |b| {
            b.iter(|| black_box(serde_json::from_str::<Value>(black_box(&text)).ok()))
        });
        group.bench_function("validate", |b| {
            b.iter(|| black_box(userbridge_core::validate(from, op, black_box(&body))))
        });
        group.bench_function("validate + canonicalize", |b| {
            b.iter(|| black_box(userbridge_core::to_canonical(from, op, black_box(&body)).ok()))
        });
        for to in Dialect::ALL {
            group.bench_function(format!("translate to {to}"), |b| {
                b.iter(|| black_box(userbridge_core::translate(from, to, op, black_box(&body)).ok()))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_millis(800))
        .sample_size(30);
    targets = bench
}
criterion_main!(benches);
