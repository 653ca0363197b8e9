//! The JSON Schema export (draft 2020-12) says what the field tables say: every field at its place
//! with its type, limits and enumeration, and `required` exactly where the tables require.
#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::{Value, json};
use userbridge_core::fields::Kind;
use userbridge_core::{Dialect, Op};

/// The sub-schema of a field pointer (`*` = array items).
fn node<'a>(schema: &'a Value, pointer: &str) -> &'a Value {
    pointer.split('/').skip(1).fold(schema, |n, t| if t == "*" { &n["items"] } else { &n["properties"][t] })
}

fn parent_pointer(pointer: &str) -> (&str, &str) {
    pointer.rsplit_once('/').unwrap()
}

#[test]
fn every_field_is_described_with_its_rules() {
    for d in Dialect::ALL {
        for op in Op::ALL {
            let schema = userbridge_core::schema(d, op);
            assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
            assert_eq!(schema["type"], "object");
            for f in userbridge_core::fields(d, op) {
                let n = node(&schema, f.pointer);
                assert!(n.is_object(), "{d} {op}: {} missing from the schema", f.pointer);
                assert_eq!(n["x-label"], f.label, "{d} {op}: {}", f.pointer);
                let expected_type = match f.kind {
                    Kind::String => json!("string"),
                    Kind::Integer => json!("integer"),
                    Kind::Boolean => json!("boolean"),
                    Kind::Object | Kind::Map => json!("object"),
                    Kind::Array => json!("array"),
                    Kind::Any => Value::Null,
                };
                assert_eq!(n["type"], expected_type, "{d} {op}: {}", f.pointer);
                if f.kind == Kind::String {
                    assert_eq!(n["maxLength"], f.max.map_or(Value::Null, Value::from), "{d} {op}: {}", f.pointer);
                    assert_eq!(n["minLength"], f.min.map_or(Value::Null, Value::from), "{d} {op}: {}", f.pointer);
                }
                if !f.allowed.is_empty() && f.kind == Kind::String {
                    assert_eq!(n["enum"], json!(f.allowed), "{d} {op}: {}", f.pointer);
                }
                let (parent, key) = parent_pointer(f.pointer);
                let required = node(&schema, parent)["required"].as_array().cloned().unwrap_or_default();
                assert_eq!(required.contains(&json!(key)), f.required, "{d} {op}: required of {}", f.pointer);
            }
        }
    }
}

#[test]
fn create_and_update_limits_differ_in_the_schema() {
    let create = userbridge_core::schema(Dialect::Primavera, Op::Create);
    let update = userbridge_core::schema(Dialect::Primavera, Op::Update);
    assert_eq!(create["properties"]["title"]["maxLength"], 200);
    assert_eq!(update["properties"]["title"]["maxLength"], 25);
    assert_eq!(update["properties"]["userProducts"]["items"]["properties"]["action"]["enum"], json!(["DELETE"]));
}

#[test]
fn primavera_update_schema_snapshot() {
    insta::assert_json_snapshot!(userbridge_core::schema(Dialect::Primavera, Op::Update));
}
