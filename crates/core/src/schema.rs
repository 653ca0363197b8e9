//! JSON Schema (draft 2020-12) per dialect and operation, generated from the field table.
//!
//! The schema carries what JSON Schema can say: types, required fields, lengths, ranges,
//! enumerations and the `email`/`uri` formats. Cross-field rules (learningcloud's image one-of,
//! role sections) stay in the core validator; unknown properties are allowed because vendors
//! ignore them.

use crate::dialect::{Dialect, DialectSpec, Op};
use crate::fields::{Field, Kind};
use serde_json::{Map, Value, json};

/// The schema of a dialect's body for an operation.
pub fn schema(dialect: Dialect, op: Op) -> Value {
    schema_with(dialect.spec(), op)
}

/// [`schema`] for one dialect module given by type: static dispatch, see [`crate::validate_with`].
pub fn schema_with<S: DialectSpec + ?Sized>(spec: &S, op: Op) -> Value {
    let dialect = spec.name();
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("urn:userbridge:schema:{dialect}:{op}"),
        "title": format!("{dialect} {op} user"),
        "type": "object",
    });
    for field in spec.fields(op) {
        insert(&mut root, field);
    }
    root
}

fn insert(root: &mut Value, field: &Field) {
    let tokens: Vec<&str> = field.tokens().collect();
    let Some((last, parents)) = tokens.split_last() else { return };
    let mut node = root;
    for token in parents {
        let Some(next) = child(node, token) else { return };
        node = next;
    }
    if field.required
        && let Some(obj) = node.as_object_mut()
    {
        let required = obj.entry("required").or_insert_with(|| json!([]));
        if let Some(list) = required.as_array_mut() {
            list.push(Value::from(*last));
        }
    }
    if let Some(obj) = child(node, last).and_then(Value::as_object_mut) {
        for (k, v) in leaf(field) {
            obj.insert(k, v);
        }
    }
}

/// The sub-schema at `token` (`*` = array items), created empty when absent. Every node is
/// created here as an object, so `None` only means a token walked into a leaf.
fn child<'a>(node: &'a mut Value, token: &str) -> Option<&'a mut Value> {
    let obj = node.as_object_mut()?;
    if token == "*" {
        return Some(obj.entry("items").or_insert_with(|| json!({})));
    }
    let props = obj.entry("properties").or_insert_with(|| json!({})).as_object_mut()?;
    Some(props.entry(token.to_owned()).or_insert_with(|| json!({})))
}

fn leaf(field: &Field) -> Map<String, Value> {
    let mut m = Map::new();
    let ty = match field.kind {
        Kind::String => Some("string"),
        Kind::Integer => Some("integer"),
        Kind::Boolean => Some("boolean"),
        Kind::Object | Kind::Map => Some("object"),
        Kind::Array => Some("array"),
        Kind::Any => None,
    };
    if let Some(ty) = ty {
        m.insert("type".into(), json!(ty));
    }
    match field.kind {
        Kind::String => {
            if let Some(min) = field.min {
                m.insert("minLength".into(), json!(min));
            }
            if let Some(max) = field.max {
                m.insert("maxLength".into(), json!(max));
            }
            if !field.allowed.is_empty() {
                m.insert("enum".into(), json!(field.allowed));
            }
            if let Some(f) = field.format.and_then(|f| f.json_schema_format()) {
                m.insert("format".into(), json!(f));
            }
        }
        Kind::Integer => {
            if let Some(min) = field.min {
                m.insert("minimum".into(), json!(min));
            }
            if let Some(max) = field.max {
                m.insert("maximum".into(), json!(max));
            }
            if !field.allowed.is_empty() {
                let ints: Vec<i64> = field.allowed.iter().filter_map(|a| a.parse().ok()).collect();
                m.insert("enum".into(), json!(ints));
            }
        }
        _ => {}
    }
    if field.write_only {
        m.insert("writeOnly".into(), json!(true));
    }
    m.insert("x-label".into(), json!(field.label));
    m
}
