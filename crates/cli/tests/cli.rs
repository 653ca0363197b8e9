//! The binary's contract: JSON on stdout, exit 0 valid / 1 invalid / 2 usage or I/O.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_userbridge"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A usage error exits before reading standard input: a broken pipe is expected then.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

const VALID_UPDATE: &str = r#"{"userId": 7, "email": "ana@example.com", "firstName": "Ana", "lastName": "García"}"#;

#[test]
fn validate_valid_exits_0() {
    let out = run(&["validate", "--dialect", "primavera", "--op", "update", "-"], VALID_UPDATE);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["valid"], true);
}

#[test]
fn validate_invalid_exits_1_with_pointers() {
    let out = run(&["validate", "--dialect", "primavera", "--op", "update"], r#"{"userId": 7, "title": 5}"#);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["valid"], false);
    let pointers: Vec<&str> =
        report["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/email", "/firstName", "/lastName", "/title"]);
}

#[test]
fn syntax_error_exits_1_with_line_and_column() {
    let out = run(&["validate", "--dialect", "primavera", "--op", "create"], "{\n \"email\": 1,\n}");
    assert_eq!(out.status.code(), Some(1));
    let e = &json(&out)["errors"][0];
    assert_eq!(e["code"], "syntax");
    assert_eq!((e["params"]["line"].as_u64(), e["params"]["column"].as_u64()), (Some(3), Some(1)));
}

#[test]
fn missing_file_exits_2() {
    let out = run(&["validate", "--dialect", "scim", "--op", "create", "/nonexistent/body.json"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn unknown_dialect_exits_2() {
    let out = run(&["validate", "--dialect", "ldap", "--op", "create"], "{}");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn translate_prints_body_and_lost() {
    let out = run(&["translate", "--from", "primavera", "--to", "primavera", "--op", "update"], VALID_UPDATE);
    assert_eq!(out.status.code(), Some(0));
    let t = json(&out);
    assert_eq!(t["body"], serde_json::from_str::<Value>(VALID_UPDATE).unwrap());
    assert_eq!(t["lost"], serde_json::json!([]));
}

#[test]
fn schema_and_fields_are_json() {
    let schema = json(&run(&["schema", "--dialect", "primavera", "--op", "update"], ""));
    assert_eq!(schema["properties"]["title"]["maxLength"], 25);
    let fields = json(&run(&["fields", "--dialect", "primavera", "--op", "create"], ""));
    assert!(fields.as_array().unwrap().iter().any(|f| f["pointer"] == "/companyId" && f["required"] == true));
}
