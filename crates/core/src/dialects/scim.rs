//! Scim dialect (to be written; see primavera.rs for the shape every dialect follows).

use crate::canonical;
use crate::dialect::{Dialect, DialectSpec, Op};
use crate::fields::Field;
use crate::report::Report;
use serde_json::Value;

pub static CREATE: &[Field] = &[];
pub static UPDATE: &[Field] = &[];

/// The dialect.
pub struct Scim;

impl DialectSpec for Scim {
    fn id(&self) -> Dialect {
        Dialect::Scim
    }
    fn fields(&self, op: Op) -> &'static [Field] {
        match op {
            Op::Create => CREATE,
            Op::Update => UPDATE,
        }
    }
    fn to_canonical(&self, _op: Op, _input: &Value) -> Result<canonical::User, Report> {
        Ok(canonical::User::default())
    }
    fn from_canonical(&self, _op: Op, _user: &canonical::User) -> Value {
        Value::Object(Default::default())
    }
    fn wire_pointer(&self, _op: Op, _user: &canonical::User, _canonical: &str) -> Option<String> {
        None
    }
}
