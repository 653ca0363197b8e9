//! The JS validator API: `validate`, `fields`, and (features `schema`, `translate`) `schema` and
//! `translate`, which only the API module carries.
//!
//! Bodies come in as a JS object or a JSON string (parsed strictly: a syntax error is a report
//! with `line` and `column`, never an exception). Invalid input is data: these functions throw
//! only for misuse — an unknown dialect or operation — with an `Error` whose message lists the
//! accepted names. Results are plain JS objects and arrays, shaped as `www/userbridge.d.ts`
//! declares; values cross the boundary as JSON text (see [`body`]).
//!
//! Validation, fields and schema reach the dialect modules by static dispatch ([`with_spec!`]):
//! a trait object would link every dialect's translation code, which the form never needs. Only
//! the `translate` feature links it, in a separate module loaded on first use.
//!
//! Results leave as JSON text, built by serde from borrowed views ([`JsReport`]) of the core's
//! types: one `Serialize` implementation per shape serves `validate` and the form alike.

use js_sys::JsString;
use serde::Serialize;
use serde_json::{Map, Value};
use userbridge_core::dialect::parse_json;
use userbridge_core::report::{Code, Violation};
use userbridge_core::{Dialect, Field, Op, Report};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;

/// Evaluates `$body` with `$spec` bound to the dialect's module as a concrete type.
macro_rules! with_spec {
    ($dialect:expr, |$spec:ident| $body:expr) => {{
        use userbridge_core::dialects::{devicehive, learningcloud, primavera, publisher, scim};
        match $dialect {
            Dialect::LearningCloud => {
                let $spec = &learningcloud::LearningCloud;
                $body
            }
            Dialect::Publisher => {
                let $spec = &publisher::Publisher;
                $body
            }
            Dialect::Primavera => {
                let $spec = &primavera::Primavera;
                $body
            }
            Dialect::DeviceHive => {
                let $spec = &devicehive::DeviceHive;
                $body
            }
            Dialect::Scim => {
                let $spec = &scim::Scim;
                $body
            }
        }
    }};
}

/// The core's validation, statically dispatched.
pub fn check(dialect: Dialect, op: Op, body: &Value) -> Report {
    with_spec!(dialect, |spec| userbridge_core::validate_with(spec, op, body))
}

/// The core's field table, statically dispatched.
pub fn field_table(dialect: Dialect, op: Op) -> &'static [Field] {
    use userbridge_core::DialectSpec as _;
    with_spec!(dialect, |spec| spec.fields(op))
}

/// A report as the JS API returns it: `valid` first, `errors` and `ignored` always present.
#[derive(Serialize)]
pub struct JsReport<'a> {
    pub valid: bool,
    pub errors: Vec<JsViolation<'a>>,
    pub ignored: &'a [String],
}

/// A violation with `params` always present (`{}` when there are none).
#[derive(Serialize)]
pub struct JsViolation<'a> {
    pub pointer: &'a str,
    pub code: &'a str,
    pub message: &'a str,
    pub params: &'a Map<String, Value>,
}

impl<'a> JsReport<'a> {
    pub fn new(report: &'a Report) -> Self {
        JsReport { valid: report.is_valid(), errors: violations(&report.errors), ignored: &report.ignored }
    }
}

pub fn violations(errors: &[Violation]) -> Vec<JsViolation<'_>> {
    errors
        .iter()
        .map(|v| JsViolation { pointer: &v.pointer, code: v.code.as_str(), message: &v.message, params: &v.params })
        .collect()
}

/// Parses a dialect name (case-insensitive); misuse becomes a JS `Error`.
pub fn dialect(name: &str) -> Result<Dialect, JsError> {
    name.parse().map_err(|e| JsError::new(&format!("userbridge: {e}")))
}

/// Parses an operation name (`create`, `update`); misuse becomes a JS `Error`.
pub fn op(name: &str) -> Result<Op, JsError> {
    name.parse().map_err(|e| JsError::new(&format!("userbridge: {e}")))
}

/// A body from JS: a string is strict JSON text; any other value is what `JSON.stringify` makes
/// of it (`undefined` → `null`, functions dropped). What JSON cannot hold (a BigInt, a cycle) is
/// a report, not an exception.
///
/// JSON text is also how values cross the boundary: one `JSON.stringify` and one serde_json parse
/// are faster than walking the object property by property (serde-wasm-bindgen: 1.3–1.5× fewer
/// `validate` calls per second on the fixtures) and keep ~19 KiB gzip of glue out of the module.
/// The text enters wasm memory through the platform's `TextEncoder.encodeInto` ([`utf8`]).
pub fn body(input: &JsValue) -> Result<Value, Report> {
    if input.is_string() {
        return parse_json(&utf8(input.unchecked_ref()));
    }
    match js_sys::JSON::stringify(input) {
        // `JSON.stringify(undefined)` (or of a function) is `undefined`, not a string.
        Ok(text) if text.is_string() => parse_json(&utf8(&text)),
        Ok(_) => parse_json("null"),
        Err(err) => {
            let detail = js_sys::Error::from(err).message().as_string().unwrap_or_default();
            Err(Report::single(
                Violation::new("", Code::InvalidType).param("expected", "JSON value").param("detail", detail),
            ))
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// The platform's UTF-8 encoder (browsers, Node, workerd).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    /// Writes `source` as UTF-8 into `dest`, a view of the module's memory (no copy back).
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &JsString, dest: &mut [u8]) -> EncodeIntoResult;
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

/// A JS string as UTF-8 in wasm memory. wasm-bindgen's own string conversion copies ASCII one
/// character at a time in a JS loop (2.6 µs for the 955-byte learningcloud fixture, 9.4 µs for
/// SCIM's 3.6 KB); `encodeInto` is one native call (0.15–0.26 µs). A UTF-16 unit is at most three
/// UTF-8 bytes, so the buffer always suffices; lone surrogates become U+FFFD either way.
fn utf8(text: &JsString) -> String {
    let mut buf = vec![0u8; text.length() as usize * 3];
    let written = TextEncoder::new().encode_into(text, &mut buf).written() as usize;
    buf.truncate(written);
    // `encodeInto` writes well-formed UTF-8 only; the empty fallback (a syntax error) is unreachable.
    String::from_utf8(buf).unwrap_or_default()
}

/// Converts to a plain JS value (objects and arrays, as `JSON.parse` makes them). Integers
/// beyond 2^53 round like any JS number.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    serde_json::to_string(value).ok().and_then(|s| js_sys::JSON::parse(&s).ok()).unwrap_or(JsValue::NULL)
}

/// `validate(dialect, op, body)`: every violation of `body` against the dialect's rules for the
/// operation, and the fields the dialect does not define (`ignored`).
#[wasm_bindgen]
pub fn validate(dialect: &str, op: &str, body: JsValue) -> Result<JsValue, JsError> {
    let (d, o) = (self::dialect(dialect)?, self::op(op)?);
    let report = match self::body(&body) {
        Ok(value) => check(d, o, &value),
        Err(report) => report,
    };
    Ok(to_js(&JsReport::new(&report)))
}

/// `fields(dialect, op)`: the field table a form is built from (pointer, kind, limits, label key).
#[wasm_bindgen]
pub fn fields(dialect: &str, op: &str) -> Result<JsValue, JsError> {
    Ok(to_js(field_table(self::dialect(dialect)?, self::op(op)?)))
}

/// `schema(dialect, op)`: the JSON Schema (draft 2020-12) of the dialect's body.
#[cfg(feature = "schema")]
#[wasm_bindgen]
pub fn schema(dialect: &str, op: &str) -> Result<JsValue, JsError> {
    let (d, o) = (self::dialect(dialect)?, self::op(op)?);
    Ok(to_js(&with_spec!(d, |spec| userbridge_core::schema::schema_with(spec, o))))
}

/// The dialect ids, in the core's order (an array of strings; built as JSON text like every
/// other result, which costs less module than wasm-bindgen's `Vec<String>` conversion).
#[wasm_bindgen(unchecked_return_type = "string[]")]
pub fn dialects() -> JsValue {
    to_js(&Dialect::ALL.map(Dialect::as_str))
}

#[cfg(feature = "translate")]
mod translation {
    use super::*;

    /// A successful translation, tagged `valid: true` so it is told apart from a report.
    #[derive(Serialize)]
    struct JsTranslation<'a> {
        valid: bool,
        body: &'a Value,
        lost: &'a [userbridge_core::Lost],
        ignored: &'a [String],
        unmet: Vec<JsViolation<'a>>,
    }

    /// `translate(from, to, op, body)`: `{valid: true, body, lost, ignored, unmet}`, or the
    /// source's report (`valid: false`) when the body is not valid in `from`.
    #[wasm_bindgen]
    pub fn translate(from: &str, to: &str, op: &str, body: JsValue) -> Result<JsValue, JsError> {
        let (from, to, o) = (dialect(from)?, dialect(to)?, super::op(op)?);
        let result = super::body(&body).and_then(|value| userbridge_core::translate(from, to, o, &value));
        Ok(match result {
            Ok(t) => to_js(&JsTranslation {
                valid: true,
                body: &t.body,
                lost: &t.lost,
                ignored: &t.ignored,
                unmet: violations(&t.unmet),
            }),
            Err(report) => to_js(&JsReport::new(&report)),
        })
    }
}

#[cfg(feature = "translate")]
pub use translation::translate;
