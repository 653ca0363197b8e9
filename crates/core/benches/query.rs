//! The SCIM filter language, natively: parse + evaluate RFC 7644 §3.4.2.2 filters against the
//! RFC 7643 §8.3 full User (`tests/fixtures/scim/full_user_resource.json`). The `reference` entry
//! is the hand-written check a filter replaces (`resource["userName"] == "bjensen"`), measured in
//! the same group, so each figure reads as a ratio to it.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use std::hint::black_box;
use userbridge_core::query::{Filter, case_exact_for_user};

const SIMPLE: &str = r#"userName eq "bjensen""#;
/// The longest example filter of RFC 7644 §3.4.2.2.
const LONGEST: &str =
    r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#;

fn bench(c: &mut Criterion) {
    let path = format!("{}/tests/fixtures/scim/full_user_resource.json", env!("CARGO_MANIFEST_DIR"));
    let Some(user) = std::fs::read_to_string(&path).ok().and_then(|t| serde_json::from_str::<Value>(&t).ok()) else {
        eprintln!("no fixture at {path}; skipped");
        return;
    };
    let (Ok(simple), Ok(longest)) = (Filter::parse(SIMPLE), Filter::parse(LONGEST)) else {
        eprintln!("the bench filters do not parse; skipped");
        return;
    };
    let mut group = c.benchmark_group("scim filter");
    group.bench_function("reference: direct userName lookup", |b| {
        b.iter(|| black_box(black_box(&user)["userName"].as_str() == Some("bjensen")))
    });
    group.bench_function("parse + eval userName eq", |b| {
        b.iter(|| black_box(Filter::parse(black_box(SIMPLE)).is_ok_and(|f| f.matches(&user, case_exact_for_user))))
    });
    group.bench_function("eval userName eq (parsed)", |b| {
        b.iter(|| black_box(simple.matches(black_box(&user), case_exact_for_user)))
    });
    group.bench_function("parse + eval longest RFC example", |b| {
        b.iter(|| black_box(Filter::parse(black_box(LONGEST)).is_ok_and(|f| f.matches(&user, case_exact_for_user))))
    });
    group.bench_function("eval longest RFC example (parsed)", |b| {
        b.iter(|| black_box(longest.matches(black_box(&user), case_exact_for_user)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
