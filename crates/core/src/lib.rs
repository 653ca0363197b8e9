//! userbridge core: the five user-API dialects as typed models, validation that reports every
//! problem with a JSON pointer, and translation through one canonical user.
//!
//! ```
//! use userbridge_core::{Dialect, Op, validate};
//! use serde_json::json;
//!
//! let body = json!({"userId": 42, "email": "ana@example.com", "title": "x".repeat(26), "nickname": "A"});
//! let report = validate(Dialect::Primavera, Op::Update, &body);
//! let found: Vec<_> = report.errors.iter().map(|e| (e.pointer.as_str(), e.code.as_str())).collect();
//! assert_eq!(found, [("/firstName", "required"), ("/lastName", "required"), ("/title", "too_long")]);
//! assert_eq!(report.errors[2].params["max"], 25);
//! assert_eq!(report.ignored, ["/nickname"]);
//! ```
//!
//! No I/O, no clocks, no threads, no `regex`: the same code runs natively (CLI, tests), in the
//! Worker and in the browser widget.

pub mod canonical;
pub mod dialect;
pub mod dialects;
pub mod fields;
pub mod formats;
mod leaves;
pub mod mapping;
pub mod merge;
pub mod query;
pub mod report;
pub mod schema;
pub mod translate;

pub use canonical::User;
pub use dialect::{BodyFormat, Dialect, DialectSpec, Op};
pub use fields::Field;
pub use report::{Code, Report, Text, Violation};
pub use schema::{schema, schema_with};
pub use translate::{LossReason, Lost, Translation, translate, translate_with};

use serde_json::Value;

/// Every violation of a body against a dialect's rules for an operation, plus ignored fields.
pub fn validate(dialect: Dialect, op: Op, input: &Value) -> Report {
    validate_with(dialect.spec(), op, input)
}

/// [`validate`] for one dialect module given by type, e.g. `validate_with(&dialects::scim::Scim, …)`.
///
/// Static dispatch keeps a binary that only validates small: [`Dialect::spec`] hands out a trait
/// object, whose vtable links every method of every dialect (the translation code included), while
/// a concrete `S` links only `prepare`, `fields` and `check`. The browser widget uses this.
pub fn validate_with<S: DialectSpec + ?Sized>(spec: &S, op: Op, input: &Value) -> Report {
    let (body, prefix) = spec.prepare(op, input);
    validate_prepared(spec, op, &body, prefix)
}

/// [`validate_with`] on a body [`DialectSpec::prepare`] already gave (`prefix` locates it in the
/// input), so a caller that goes on to map the body prepares it once.
pub(crate) fn validate_prepared<S: DialectSpec + ?Sized>(spec: &S, op: Op, body: &Value, prefix: &str) -> Report {
    let mut report = fields::validate(spec.fields(op), body);
    finish(spec, op, body, prefix, &mut report);
    report
}

/// The violations of a body userbridge wrote from the rows: no `ignored` walk (it has no key the
/// rows do not define), no prefix.
pub(crate) fn violations_of_own_body<S: DialectSpec + ?Sized>(spec: &S, op: Op, body: &Value) -> Vec<Violation> {
    let mut report = fields::violations(spec.fields(op), body);
    finish(spec, op, body, "", &mut report);
    report.errors
}

/// The dialect's own rules, and the prefix that locates a prepared body in the input.
fn finish<S: DialectSpec + ?Sized>(spec: &S, op: Op, body: &Value, prefix: &str, report: &mut Report) {
    if body.is_object() {
        spec.check(op, body, report);
    }
    if !prefix.is_empty() {
        for v in &mut report.errors {
            v.pointer.to_mut().insert_str(0, prefix);
        }
        for p in &mut report.ignored {
            p.insert_str(0, prefix);
        }
    }
}

/// Parses a body (JSON, or XML where the dialect speaks it) and validates it.
pub fn validate_str(dialect: Dialect, op: Op, body: &str, format: BodyFormat) -> Report {
    match dialect.spec().parse(op, body, format) {
        Ok(value) => validate(dialect, op, &value),
        Err(report) => report,
    }
}

/// The field table of a dialect's operation: what a form or a schema is built from.
pub fn fields(dialect: Dialect, op: Op) -> &'static [Field] {
    dialect.spec().fields(op)
}

/// Validates a body and maps it to the canonical user.
pub fn to_canonical(dialect: Dialect, op: Op, input: &Value) -> Result<User, Report> {
    to_canonical_with(dialect.spec(), op, input)
}

/// [`to_canonical`] for one dialect module given by type.
pub fn to_canonical_with<S: DialectSpec + ?Sized>(spec: &S, op: Op, input: &Value) -> Result<User, Report> {
    let (body, prefix) = spec.prepare(op, input);
    let report = validate_prepared(spec, op, &body, prefix);
    if !report.is_valid() {
        return Err(report);
    }
    spec.to_canonical(op, &body)
}

/// The stored user after a `dialect` update: `incoming` is the canonical form of the (valid)
/// update `body`. The dialect's update semantics decide: a full replacement of what its client
/// sees, or only what the body carries ([`merge`]), plus its own rules (primavera's licence
/// delta, DeviceHive's `data`). What the dialect cannot hold is kept; identity comes from
/// `stored`; a password in the body rides along for the store to hash.
pub fn apply_update(dialect: Dialect, stored: &User, incoming: &User, body: &Value) -> User {
    apply_update_with(dialect.spec(), stored, incoming, body)
}

/// [`apply_update`] for one dialect module given by type.
pub fn apply_update_with<S: DialectSpec + ?Sized>(spec: &S, stored: &User, incoming: &User, body: &Value) -> User {
    let mut next = merge::apply_with(spec, stored, incoming, spec.update_mode());
    spec.update_rules(stored, incoming, body, &mut next);
    next.password = incoming.password.clone();
    next
}

/// Writes a canonical user as a dialect's body.
pub fn from_canonical(dialect: Dialect, op: Op, user: &User) -> Value {
    dialect.spec().from_canonical(op, user)
}

/// [`from_canonical`] for one dialect module given by type.
pub fn from_canonical_with<S: DialectSpec + ?Sized>(spec: &S, op: Op, user: &User) -> Value {
    spec.from_canonical(op, user)
}

/// The field table of one dialect module given by type.
pub fn fields_with<S: DialectSpec + ?Sized>(spec: &S, op: Op) -> &'static [Field] {
    spec.fields(op)
}
