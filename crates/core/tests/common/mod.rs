//! Helpers shared by the dialect test files.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use serde_json::Value;
use userbridge_core::{Dialect, Op, Report};

/// Reads `tests/fixtures/{dialect}/{name}` as JSON.
pub fn fixture(dialect: &str, name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{dialect}/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Reads a fixture as text (XML, or JSON that must not be parsed leniently).
pub fn fixture_text(dialect: &str, name: &str) -> String {
    let path = format!("{}/tests/fixtures/{dialect}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `(pointer, code)` of every error, in report order.
pub fn errors(report: &Report) -> Vec<(String, &'static str)> {
    report.errors.iter().map(|v| (v.pointer.to_string(), v.code.as_str())).collect()
}

/// Validates and returns `(pointer, code)` pairs.
pub fn check(dialect: Dialect, op: Op, body: &Value) -> Vec<(String, &'static str)> {
    errors(&userbridge_core::validate(dialect, op, body))
}

/// Sets (or with `None` removes) a top-level member of a JSON object.
pub fn with(mut body: Value, key: &str, value: Option<Value>) -> Value {
    let obj = body.as_object_mut().unwrap();
    match value {
        Some(v) => obj.insert(key.to_owned(), v),
        None => obj.remove(key),
    };
    body
}

/// dialect → canonical → same dialect must give the body back unchanged.
pub fn assert_round_trip(dialect: Dialect, op: Op, body: &Value) {
    let user = userbridge_core::to_canonical(dialect, op, body).unwrap_or_else(|r| panic!("{r:#?}"));
    let back = userbridge_core::from_canonical(dialect, op, &user);
    assert_eq!(&back, body, "round trip through the canonical user changed the body");
}
