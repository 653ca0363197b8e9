//! What every dialect module provides, and the registry that names them.
//!
//! A dialect is a unit struct implementing [`DialectSpec`]; the registry maps the public
//! [`Dialect`] id to it. Adding a sixth dialect is one module plus one line in [`Dialect::spec`]
//! (and its variant).

use crate::canonical::User;
use crate::dialects;
use crate::fields::Field;
use crate::merge::Mode;
use crate::report::{Code, Report, Text, Violation};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// The five dialects userbridge speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// Learning platform management web services (seeds 004 create, 000 update).
    LearningCloud,
    /// Publisher users API v2, JSON and XML (seed 001).
    Publisher,
    /// Project-portfolio cloud user API (seed 003).
    Primavera,
    /// IoT platform users API and `user/*` messages (seed 002).
    DeviceHive,
    /// SCIM 2.0 Users (RFC 7643/7644).
    Scim,
}

impl Dialect {
    pub const ALL: [Dialect; 5] =
        [Dialect::LearningCloud, Dialect::Publisher, Dialect::Primavera, Dialect::DeviceHive, Dialect::Scim];

    /// The registry: the module that implements each dialect.
    pub fn spec(self) -> &'static dyn DialectSpec {
        match self {
            Dialect::LearningCloud => &dialects::learningcloud::LearningCloud,
            Dialect::Publisher => &dialects::publisher::Publisher,
            Dialect::Primavera => &dialects::primavera::Primavera,
            Dialect::DeviceHive => &dialects::devicehive::DeviceHive,
            Dialect::Scim => &dialects::scim::Scim,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::LearningCloud => "learningcloud",
            Dialect::Publisher => "publisher",
            Dialect::Primavera => "primavera",
            Dialect::DeviceHive => "devicehive",
            Dialect::Scim => "scim",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the five dialects (or operations).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{given}`; expected one of: {expected}")]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: &'static str,
}

impl FromStr for Dialect {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Dialect::ALL.into_iter().find(|d| d.as_str().eq_ignore_ascii_case(s)).ok_or_else(|| UnknownName {
            what: "dialect",
            given: s.to_owned(),
            expected: "learningcloud, publisher, primavera, devicehive, scim",
        })
    }
}

/// The write operation a body is for: the rules differ (required fields, limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Create,
    Update,
}

impl Op {
    pub const ALL: [Op; 2] = [Op::Create, Op::Update];

    /// `==` for const contexts (the field tables are selected at compile time).
    pub const fn is(self, other: Op) -> bool {
        matches!((self, other), (Op::Create, Op::Create) | (Op::Update, Op::Update))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Op {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Op::ALL.into_iter().find(|o| o.as_str().eq_ignore_ascii_case(s)).ok_or_else(|| UnknownName {
            what: "operation",
            given: s.to_owned(),
            expected: "create, update",
        })
    }
}

/// The syntax of a body on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    #[default]
    Json,
    /// Publisher only.
    Xml,
}

/// The contract of one dialect module. Methods take `op` because create and update differ.
///
/// `from_canonical` takes `&self` because the registry hands out trait objects; the name keeps
/// the `to_canonical`/`from_canonical` pair that the rest of the project speaks of.
#[allow(clippy::wrong_self_convention)]
pub trait DialectSpec: Sync {
    /// The dialect's name (`learningcloud`): what `/v1`, the CLI and the JS API call it.
    fn name(&self) -> &'static str;

    /// The field table for an operation (see [`crate::fields`]).
    fn fields(&self, op: Op) -> &'static [Field];

    /// Rules the field table cannot express (one-of, role maps, forbidden fields).
    fn check(&self, _op: Op, _input: &Value, _report: &mut Report) {}

    /// The body the field table describes, and the pointer prefix that locates it in the input.
    /// learningcloud accepts an optional `{"user": …}` wrapper (prefix `/user`); SCIM matches
    /// attribute names case-insensitively and rewrites them to the schema's spelling. All other
    /// methods receive the prepared body.
    fn prepare<'a>(&self, _op: Op, input: &'a Value) -> (Cow<'a, Value>, &'static str) {
        (Cow::Borrowed(input), "")
    }

    /// Reads a body of this dialect. JSON is strict (a trailing comma is a syntax error with its
    /// line and column); only dialects that speak XML override this for [`BodyFormat::Xml`].
    fn parse(&self, _op: Op, body: &str, format: BodyFormat) -> Result<Value, Report> {
        match format {
            BodyFormat::Json => parse_json(body),
            BodyFormat::Xml => {
                Err(Report::single(Violation::new("", Code::InvalidType).param("expected", "application/json")))
            }
        }
    }

    /// Writes a body of this dialect in the given syntax.
    fn render(&self, value: &Value, format: BodyFormat) -> Result<String, Report> {
        match format {
            BodyFormat::Json => Ok(value.to_string()),
            BodyFormat::Xml => {
                Err(Report::single(Violation::new("", Code::InvalidType).param("expected", "application/json")))
            }
        }
    }

    /// Vendor rules a row cannot express, reading a (valid, prepared) body: they finish the user
    /// the rows began ([`crate::mapping::to_canonical`]).
    fn read_rules(&self, _op: Op, _body: &Value, _user: &mut User) {}

    /// Vendor rules a row cannot express, writing a body: they finish the body the rows began
    /// ([`crate::mapping::from_canonical`]).
    fn write_rules(&self, _op: Op, _user: &User, _body: &mut Value) {}

    /// Wire pointers a row cannot place (a value in a list the rules write). `None` falls back
    /// to the rows.
    fn wire_pointer_rules(&self, _op: Op, _user: &User, _canonical: &str) -> Option<String> {
        None
    }

    /// How this dialect's update body relates to what its client sees of a user
    /// ([`crate::merge`]): a full replacement unless the dialect says otherwise.
    fn update_mode(&self) -> Mode {
        Mode::Replace
    }

    /// Update semantics beyond [`DialectSpec::update_mode`] (primavera's licence delta,
    /// DeviceHive's `data`), applied to the merged user `next`. `body` is the update body as
    /// sent, for what the canonical user cannot tell (an explicit `null` from an absent key).
    fn update_rules(&self, _stored: &User, _incoming: &User, _body: &Value, _next: &mut User) {}

    /// Maps a **valid** body to the canonical user: the rows, then the dialect's rules.
    fn to_canonical(&self, op: Op, input: &Value) -> Result<User, Report> {
        let mut user = crate::mapping::to_canonical(self.fields(op), input);
        self.read_rules(op, input, &mut user);
        Ok(user)
    }

    /// Writes the canonical user as this dialect's body: the rows, then the dialect's rules. What
    /// it cannot hold is left out (and found by [`crate::translate`]).
    fn from_canonical(&self, op: Op, user: &User) -> Value {
        let mut body = crate::mapping::from_canonical(self.fields(op), user);
        self.write_rules(op, user, &mut body);
        body
    }

    /// What this dialect's client would read back of `user`: the user written as this dialect's
    /// body and read again (`to_canonical(from_canonical(user))`), computed from the rows without
    /// building the body. Translation's loss report and the update merge compare against it.
    fn view(&self, op: Op, user: &User) -> User {
        let mut kept = crate::mapping::view(self.fields(op), user);
        self.view_rules(op, user, &mut kept);
        kept
    }

    /// What the rules keep of `user`: by default its rules write a body and read it back. A
    /// dialect whose rules are costly that way (SCIM's multi-valued attributes) says the same
    /// typed; `views_equal_the_written_and_read_body` holds every dialect to it.
    fn view_rules(&self, op: Op, user: &User, kept: &mut User) {
        let mut body = Value::Object(serde_json::Map::new());
        self.write_rules(op, user, &mut body);
        self.read_rules(op, &body, kept);
    }

    /// Where a canonical field came from in this dialect's body (for the `lost` list).
    /// `user` is the canonical form of that body, for mappings that depend on values
    /// (which phone is the office phone).
    fn wire_pointer(&self, op: Op, user: &User, canonical: &str) -> Option<Text> {
        self.wire_pointer_among(op, user, canonical, &crate::mapping::Homes::of(self.fields(op)))
    }

    /// [`DialectSpec::wire_pointer`] through the operation's rows gathered once, for many
    /// pointers (a translation's loss list).
    fn wire_pointer_among(
        &self,
        op: Op,
        user: &User,
        canonical: &str,
        homes: &crate::mapping::Homes<'_>,
    ) -> Option<Text> {
        self.wire_pointer_rules(op, user, canonical).map(Text::from).or_else(|| homes.wire_pointer(user, canonical))
    }

    /// The canonical field a pointer into this dialect's body names: the inverse of
    /// [`DialectSpec::wire_pointer`] for fields whose place does not depend on values. A proxy
    /// uses it to carry an upstream's field error (or a required field the caller did not send)
    /// back to the caller's own field names. `None` when the field has no canonical home.
    fn canonical_pointer(&self, op: Op, wire: &str) -> Option<String> {
        crate::mapping::canonical_pointer(self.fields(op), wire)
    }
}

/// Strict JSON, reporting syntax errors with line and column.
pub fn parse_json(body: &str) -> Result<Value, Report> {
    serde_json::from_str(body).map_err(|e| Report::single(syntax_violation(e.line(), e.column(), &e.to_string())))
}

/// The violation for malformed input at a position.
pub fn syntax_violation(line: usize, column: usize, detail: &str) -> Violation {
    // serde_json appends " at line L column C" to its messages; the params already say it.
    let detail = detail.split(" at line ").next().unwrap_or(detail);
    Violation::new("", Code::Syntax).param("line", line).param("column", column).param("detail", detail)
}

/// Turns a serde error on a validated body into a report (a rule the table missed).
pub fn deserialize<'a, T: Deserialize<'a>>(input: &'a Value) -> Result<T, Report> {
    T::deserialize(input)
        .map_err(|e| Report::single(Violation::new("", Code::InvalidType).param("expected", e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in Dialect::ALL {
            assert_eq!(d.as_str().parse::<Dialect>(), Ok(d));
            assert_eq!(d.spec().name(), d.as_str());
        }
        assert!("ldap".parse::<Dialect>().is_err());
        assert_eq!("UPDATE".parse::<Op>(), Ok(Op::Update));
    }

    #[test]
    fn trailing_comma_is_a_syntax_error_with_position() {
        let err = parse_json("{\n  \"a\": 1,\n}").err().unwrap_or_default();
        let v = &err.errors[0];
        assert_eq!(v.code, Code::Syntax);
        assert_eq!(v.params["line"], 3);
        assert_eq!(v.params["column"], 1);
    }
}
