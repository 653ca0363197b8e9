//! The JS API, as JS sees it (values in and out are `JsValue`s), on every dialect. Runs wherever
//! wasm-bindgen-test-runner puts it: Node by default, headless Chromium when
//! `WASM_BINDGEN_USE_BROWSER=1`. Tests here must not need a DOM. `cargo xtask test` builds them
//! with `--all-features` (the `translate` export included).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::panic)]

use js_sys::{Array, JSON, Object, Reflect};
use userbridge_widget::api::{dialects, fields, schema, validate};
use userbridge_widget::{is_dialect, version};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const DIALECTS: [&str; 5] = ["learningcloud", "publisher", "primavera", "devicehive", "scim"];

/// Fixture bodies of the core's tests, as JSON text.
fn fixture(dialect: &str, op: &str) -> &'static str {
    match (dialect, op) {
        ("learningcloud", "create") => include_str!("../../core/tests/fixtures/learningcloud/create.json"),
        ("learningcloud", _) => include_str!("../../core/tests/fixtures/learningcloud/update.json"),
        ("publisher", "create") => include_str!("../../core/tests/fixtures/publisher/create.json"),
        ("publisher", _) => include_str!("../../core/tests/fixtures/publisher/update.json"),
        ("primavera", "create") => include_str!("../../core/tests/fixtures/primavera/create.json"),
        ("primavera", _) => include_str!("../../core/tests/fixtures/primavera/update.json"),
        ("devicehive", "create") => include_str!("../../core/tests/fixtures/devicehive/create.json"),
        ("devicehive", _) => include_str!("../../core/tests/fixtures/devicehive/update.json"),
        ("scim", "create") => include_str!("../../core/tests/fixtures/scim/create.json"),
        _ => include_str!("../../core/tests/fixtures/scim/update.json"),
    }
}

/// A JS object from JSON text (what a page would pass).
fn object(json: &str) -> JsValue {
    JSON::parse(json).unwrap_or(JsValue::NULL)
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn at(value: &JsValue, index: u32) -> JsValue {
    value.dyn_ref::<Array>().map(|a| a.get(index)).unwrap_or(JsValue::UNDEFINED)
}

fn len(value: &JsValue) -> u32 {
    value.dyn_ref::<Array>().map_or(u32::MAX, Array::length)
}

/// `(pointer, code)` of every error of a report.
fn errors(report: &JsValue) -> Vec<(String, String)> {
    let list = get(report, "errors");
    (0..len(&list))
        .map(|i| {
            let e = at(&list, i);
            (get(&e, "pointer").as_string().unwrap_or_default(), get(&e, "code").as_string().unwrap_or_default())
        })
        .collect()
}

fn check(dialect: &str, op: &str, body: JsValue) -> JsValue {
    validate(dialect, op, body).unwrap_or_else(|_| panic!("validate({dialect}, {op}) threw"))
}

/// A plain object: `Object.prototype` is its prototype (not a `Map`).
fn is_plain(value: &JsValue) -> bool {
    value.is_object()
        && !value.is_instance_of::<js_sys::Map>()
        && Object::get_prototype_of(value) == Object::get_prototype_of(&Object::new())
}

#[wasm_bindgen_test]
fn version_and_dialect_names() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    let names = dialects();
    assert!(names.is_array());
    assert_eq!((0..len(&names)).map(|i| at(&names, i).as_string().unwrap_or_default()).collect::<Vec<_>>(), DIALECTS);
    assert!(DIALECTS.iter().all(|d| is_dialect(d)));
    assert!(!is_dialect("unknown"));
}

#[wasm_bindgen_test]
fn every_fixture_is_valid_as_object_and_as_string() {
    for d in DIALECTS {
        for op in ["create", "update"] {
            let report = check(d, op, object(fixture(d, op)));
            assert!(is_plain(&report), "{d} {op}: not a plain object");
            assert_eq!(get(&report, "valid"), JsValue::TRUE, "{d} {op}: {:?}", errors(&report));
            assert_eq!(len(&get(&report, "errors")), 0);
            assert!(Array::is_array(&get(&report, "ignored")), "{d} {op}: ignored is always an array");
            let from_text = check(d, op, JsValue::from_str(fixture(d, op)));
            assert_eq!(get(&from_text, "valid"), JsValue::TRUE, "{d} {op} as string");
        }
    }
}

/// `(dialect, op, body, expected (pointer, code) pairs)`.
type Case = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

#[wasm_bindgen_test]
fn invalid_bodies_report_pointer_code_and_params() {
    let cases: [Case; 5] = [
        (
            "learningcloud",
            "create",
            r#"{"password": "x", "roles": {"management": []}}"#,
            &[("/username", "required"), ("/roles/management", "missing_value")],
        ),
        (
            "publisher",
            "create",
            r#"{"user": {"email": "not-an-email", "status": "gone"}}"#,
            &[("/user/email", "invalid_email"), ("/user/status", "not_allowed_value")],
        ),
        (
            "primavera",
            "update",
            r#"{"userId": 1, "email": "a@b.co", "firstName": "A", "lastName": "B", "title": "xxxxxxxxxxxxxxxxxxxxxxxxxx"}"#,
            &[("/title", "too_long")],
        ),
        (
            "devicehive",
            "create",
            r#"{"login": "ab", "password": "secret1", "role": 5}"#,
            &[("/login", "too_short"), ("/role", "not_allowed_value")],
        ),
        (
            "scim",
            "create",
            r#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "b", "emails": [{"value": "nope"}]}"#,
            &[("/emails/0/value", "invalid_email")],
        ),
    ];
    for (d, op, body, expected) in cases {
        let report = check(d, op, object(body));
        assert_eq!(get(&report, "valid"), JsValue::FALSE, "{d}");
        let found = errors(&report);
        let want: Vec<(String, String)> = expected.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
        assert_eq!(found, want, "{d} {op}");
        let first = at(&get(&report, "errors"), 0);
        assert!(get(&first, "message").as_string().is_some_and(|m| !m.is_empty()));
        assert!(is_plain(&get(&first, "params")), "params is always an object");
    }
    let report = check("primavera", "update", object(cases[2].2));
    let params = get(&at(&get(&report, "errors"), 0), "params");
    assert_eq!(get(&params, "max").as_f64(), Some(25.0));
}

#[wasm_bindgen_test]
fn ignored_fields_are_listed() {
    let report = check("devicehive", "update", object(r#"{"login": "jane", "nickname": "J"}"#));
    assert_eq!(get(&report, "valid"), JsValue::TRUE);
    assert_eq!(at(&get(&report, "ignored"), 0).as_string().as_deref(), Some("/nickname"));
}

#[wasm_bindgen_test]
fn a_json_string_with_a_syntax_error_is_a_report_with_line_and_column() {
    for d in DIALECTS {
        let report = check(d, "create", JsValue::from_str("{\n  \"a\": 1,\n}"));
        assert_eq!(get(&report, "valid"), JsValue::FALSE);
        assert_eq!(errors(&report), vec![(String::new(), "syntax".to_owned())]);
        let params = get(&at(&get(&report, "errors"), 0), "params");
        assert_eq!(get(&params, "line").as_f64(), Some(3.0));
        assert_eq!(get(&params, "column").as_f64(), Some(1.0));
    }
}

#[wasm_bindgen_test]
fn values_json_cannot_hold_are_reports_not_exceptions() {
    let cyclic = Object::new();
    let _ = Reflect::set(&cyclic, &"self".into(), &cyclic);
    for input in [JsValue::UNDEFINED, JsValue::NULL, js_sys::BigInt::from(7).into(), cyclic.into(), 5.into()] {
        let report = check("scim", "create", input);
        assert_eq!(get(&report, "valid"), JsValue::FALSE);
        assert_eq!(errors(&report)[0], (String::new(), "invalid_type".to_owned()));
    }
}

#[wasm_bindgen_test]
fn misuse_throws_an_error_naming_the_choices() {
    for err in [
        validate("ldap", "create", object("{}")).err(),
        validate("scim", "delete", object("{}")).err(),
        fields("ldap", "update").err(),
        schema("scim", "patch").err(),
    ] {
        let err: JsValue = err.expect("misuse must throw").into();
        let error: &js_sys::Error = err.dyn_ref().expect("a JS Error");
        let message = error.message().as_string().unwrap_or_default();
        assert!(message.starts_with("userbridge: unknown "), "{message}");
        assert!(message.contains("expected one of"), "{message}");
    }
    // Names are case-insensitive, as in the API's `?dialect=`.
    assert!(validate("SCIM", "Create", object("{}")).is_ok());
}

#[wasm_bindgen_test]
fn fields_and_schema_come_from_the_core() {
    for d in DIALECTS {
        for op in ["create", "update"] {
            let list = fields(d, op).unwrap_or(JsValue::NULL);
            assert!(len(&list) > 3, "{d} {op}");
            let first = at(&list, 0);
            assert!(is_plain(&first));
            assert!(get(&first, "pointer").as_string().is_some_and(|p| p.starts_with('/')));
            assert!(get(&first, "label").as_string().is_some());
            let s = schema(d, op).unwrap_or(JsValue::NULL);
            assert!(is_plain(&s));
            assert_eq!(get(&s, "type").as_string().as_deref(), Some("object"));
            assert!(is_plain(&get(&s, "properties")), "{d} {op}");
        }
    }
    let primavera = fields("primavera", "update").unwrap_or(JsValue::NULL);
    let title = (0..len(&primavera))
        .map(|i| at(&primavera, i))
        .find(|f| get(f, "pointer").as_string().as_deref() == Some("/title"));
    assert_eq!(title.map(|t| get(&t, "max").as_f64()), Some(Some(25.0)));
}

#[cfg(feature = "translate")]
mod translate {
    use super::*;
    use userbridge_widget::api::translate;

    #[wasm_bindgen_test]
    fn every_dialect_translates_to_every_other() {
        for from in DIALECTS {
            for to in DIALECTS {
                let out = translate(from, to, "update", object(fixture(from, "update"))).unwrap_or(JsValue::NULL);
                assert_eq!(get(&out, "valid"), JsValue::TRUE, "{from} → {to}");
                assert!(is_plain(&get(&out, "body")), "{from} → {to}");
                for key in ["lost", "ignored", "unmet"] {
                    assert!(Array::is_array(&get(&out, key)), "{from} → {to}: {key}");
                }
            }
        }
    }

    #[wasm_bindgen_test]
    fn losses_are_listed_with_source_pointers() {
        let out = translate("publisher", "primavera", "update", JsValue::from_str(fixture("publisher", "update")))
            .unwrap_or(JsValue::NULL);
        let lost = get(&out, "lost");
        let pointers: Vec<String> = (0..len(&lost)).filter_map(|i| get(&at(&lost, i), "pointer").as_string()).collect();
        assert!(pointers.iter().any(|p| p.starts_with("/user/")), "{pointers:?}");
    }

    #[wasm_bindgen_test]
    fn an_invalid_source_gives_its_report() {
        let out = translate("scim", "primavera", "create", object(r#"{"userName": ""}"#)).unwrap_or(JsValue::NULL);
        assert_eq!(get(&out, "valid"), JsValue::FALSE);
        assert!(errors(&out).contains(&("/schemas".to_owned(), "required".to_owned())));
        assert!(translate("scim", "ldap", "create", object("{}")).is_err());
    }
}
