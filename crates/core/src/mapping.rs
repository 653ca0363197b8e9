//! The canonical half of a field row: where a wire field lives in the canonical user, and how
//! its value is converted on the way.
//!
//! A dialect declares each field once, as a [`Field`] row. The rows that carry a [`Canon`] drive
//! four things that used to be written by hand in every dialect module:
//!
//! * [`to_canonical`]: a (valid) body read into the canonical user;
//! * [`from_canonical`]: the canonical user written as a body;
//! * [`wire_pointer`] / [`canonical_pointer`]: a pointer in one translated into the other (the
//!   `lost` list, a proxy's upstream errors).
//!
//! What a row cannot say (learningcloud's role sections, primavera's licence delta, publisher's
//! links, SCIM's multi-valued attributes) stays as code in the dialect module, in
//! [`crate::DialectSpec::read_rules`] / [`crate::DialectSpec::write_rules`], named after the
//! vendor rule it implements.
//!
//! The canonical side is addressed by RFC 6901 pointers into the canonical user's JSON form
//! (`/name/given`, `/organization/id`, `/addresses/0/line1`); `every_row_names_a_canonical_place`
//! in this module's tests proves that each row's pointer is a real place in [`User`].

use crate::canonical::{EmailAddress, Locale, PhoneKind, TimeZone, User};
use crate::fields::Field;
use serde_json::{Map, Value};

/// Where a wire field lives in the canonical user, and the conversion on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canon {
    /// Pointer into the canonical user's JSON form. For [`Codec::Email`] it is `/emails`, for
    /// [`Codec::Phone`] `/phones`: the list the single wire value is one element of.
    pub pointer: &'static str,
    pub codec: Codec,
}

/// A wire literal in an enumeration: DeviceHive counts, learningcloud says yes or no, the others
/// spell words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lit {
    Str(&'static str),
    Int(i64),
    Bool(bool),
}

impl Lit {
    fn matches(self, v: &Value) -> bool {
        match self {
            Lit::Str(s) => v.as_str() == Some(s),
            Lit::Int(i) => v.as_i64() == Some(i),
            Lit::Bool(b) => v.as_bool() == Some(b),
        }
    }

    fn to_value(self) -> Value {
        match self {
            Lit::Str(s) => Value::from(s),
            Lit::Int(i) => Value::from(i),
            Lit::Bool(b) => Value::from(b),
        }
    }
}

/// A yes-or-no `active` flag (learningcloud `enabled`, SCIM `active`): every status but active
/// is a no.
pub static ACTIVE: &[(Lit, &str)] = &[
    (Lit::Bool(true), "active"),
    (Lit::Bool(false), "inactive"),
    (Lit::Bool(false), "locked_out"),
    (Lit::Bool(false), "archived"),
    (Lit::Bool(false), "suspended"),
];

/// How a wire value becomes its canonical value and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// The value as it is.
    Same,
    /// A string whose empty value means "not given" (a DeviceHive update's empty password, a
    /// read record's empty username).
    NonEmpty,
    /// An enumeration: `(wire, canonical)` pairs. Reading takes the first pair whose wire
    /// literal matches; writing the first whose canonical value matches, so listing several
    /// canonical values for one literal narrows them (translation reports it).
    Enum(&'static [(Lit, &'static str)]),
    /// The dialect's single email address: the canonical user's primary address.
    Email,
    /// The dialect's single phone of a kind: the canonical user's first phone of that kind.
    Phone(PhoneKind),
    /// A language or locale, read with [`Locale::parse`] (an unknown one is dropped) and written
    /// in the dialect's style.
    Locale(LocaleStyle),
    /// An IANA time zone; one the table does not know is dropped.
    TimeZone,
    /// An email address held in a single canonical field (publisher's secretary).
    EmailAddress,
    /// Mapped by the dialect's rules (a multi-valued attribute whose entries change shape); the
    /// row still names the canonical home, for pointers.
    Rule,
}

/// How a dialect spells a locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocaleStyle {
    /// The bare language (`pt-BR` narrows to `pt`): learningcloud.
    Language,
    /// One of a closed list in underscore spelling (`pt_BR`), else its language when listed:
    /// primavera's twelve `userLocale` codes.
    OneOf(&'static [&'static str]),
    /// As held: SCIM.
    AsIs,
}

impl LocaleStyle {
    /// The dialect's spelling of a held locale (`None`: it has none).
    pub fn spell(self, l: &Locale) -> Option<String> {
        match self {
            LocaleStyle::AsIs => Some(l.as_str().to_owned()),
            LocaleStyle::Language => l.is_known().then(|| l.language().to_owned()),
            LocaleStyle::OneOf(list) => {
                let exact = l.as_str().replace('-', "_");
                if list.contains(&exact.as_str()) {
                    return Some(exact);
                }
                list.contains(&l.language()).then(|| l.language().to_owned())
            }
        }
    }
}

impl Codec {
    /// The canonical value of a present, non-null wire value (`None`: nothing to hold).
    fn read(self, wire: &Value) -> Option<Value> {
        match self {
            Codec::Same => Some(wire.clone()),
            Codec::NonEmpty => wire.as_str().filter(|s| !s.is_empty()).map(Value::from),
            Codec::Enum(pairs) => pairs.iter().find(|(w, _)| w.matches(wire)).map(|(_, c)| Value::from(*c)),
            Codec::Email => {
                let address = EmailAddress::try_from(wire.as_str()?).ok()?;
                Some(Value::Array(vec![serde_json::json!({"value": address.as_str(), "primary": true})]))
            }
            Codec::Phone(kind) => {
                let kind = serde_json::to_value(kind).ok()?;
                Some(Value::Array(vec![serde_json::json!({"value": wire.as_str()?, "type": kind})]))
            }
            Codec::Locale(_) => Locale::parse(wire.as_str()?).ok().map(|l| Value::from(l.as_str())),
            Codec::TimeZone => {
                Some(TimeZone::verbatim(wire.as_str()?)).filter(TimeZone::is_known).map(|t| Value::from(t.as_str()))
            }
            Codec::EmailAddress => EmailAddress::try_from(wire.as_str()?).ok().map(|e| Value::from(e.as_str())),
            Codec::Rule => None,
        }
    }

    /// The wire value of the canonical user's value at `pointer` (`None`: the dialect cannot say it).
    fn write(self, user: &User, json: &Value, pointer: &str) -> Option<Value> {
        match self {
            Codec::Email => return user.primary_email().map(|e| Value::from(e.value.as_str())),
            Codec::Phone(kind) => return user.phone(kind).map(|p| Value::from(p.value.as_str())),
            _ => {}
        }
        let held = json.pointer(pointer).filter(|v| !v.is_null())?;
        match self {
            Codec::Same | Codec::EmailAddress => Some(held.clone()),
            Codec::NonEmpty => Some(held.clone()),
            Codec::Enum(pairs) => pairs.iter().find(|(_, c)| held.as_str() == Some(c)).map(|(w, _)| w.to_value()),
            Codec::Locale(style) => style.spell(&Locale::verbatim(held.as_str()?)).map(Value::from),
            Codec::TimeZone => {
                Some(TimeZone::verbatim(held.as_str()?)).filter(TimeZone::is_known).map(|_| held.clone())
            }
            Codec::Email | Codec::Phone(_) | Codec::Rule => None,
        }
    }
}

/// The rows of a table that have a canonical home, and not per-element patterns (`/items/*`):
/// an array row carries its elements.
fn mapped(rows: &[Field]) -> impl Iterator<Item = (&Field, Canon)> {
    rows.iter().filter(|f| !f.pointer.contains("/*")).filter_map(|f| f.to.map(|c| (f, c)))
}

/// Reads a body (already validated and prepared) into the canonical user's JSON form, row by row.
/// The dialect's [`crate::DialectSpec::read_rules`] finish the job on the typed user.
pub fn to_canonical_json(rows: &[Field], body: &Value) -> Value {
    let mut out = Value::Object(Map::new());
    for (field, canon) in mapped(rows) {
        let Some(wire) = body.pointer(field.pointer).filter(|v| !v.is_null()) else { continue };
        let Some(value) = canon.codec.read(wire) else { continue };
        match canon.codec {
            // Several rows add to one list (office and mobile phone).
            Codec::Email | Codec::Phone(_) => {
                if let (Some(Value::Array(list)), Value::Array(items)) = (slot(&mut out, canon.pointer), value) {
                    list.extend(items);
                }
            }
            _ => {
                if let Some(place) = slot(&mut out, canon.pointer) {
                    *place = value;
                }
            }
        }
    }
    out
}

/// [`to_canonical_json`] typed. A value the canonical user refuses cannot come from a valid body;
/// should one slip through, the user is built without the rows rather than not at all.
pub fn to_canonical(rows: &[Field], body: &Value) -> User {
    serde_json::from_value(to_canonical_json(rows, body)).unwrap_or_default()
}

/// Writes the canonical user as a body, row by row; what no row holds is left out (and found by
/// [`crate::translate`]).
pub fn from_canonical(rows: &[Field], user: &User) -> Value {
    let json = serde_json::to_value(user).unwrap_or(Value::Null);
    let mut body = Value::Object(Map::new());
    for (field, canon) in mapped(rows) {
        if let Some(value) = canon.codec.write(user, &json, canon.pointer)
            && let Some(place) = slot(&mut body, field.pointer)
        {
            *place = value;
        }
    }
    body
}

/// The wire pointer of a canonical pointer, through the rows: the row with the longest canonical
/// prefix wins and the rest of the pointer is appended. Emails and phones are placed by value:
/// any address is the dialect's one `email`; a phone goes to the row of its kind (else the work
/// phone's row).
pub fn wire_pointer(rows: &[Field], user: &User, canonical: &str) -> Option<String> {
    let phones: Vec<_> = mapped(rows).filter(|(_, c)| matches!(c.codec, Codec::Phone(_))).collect();
    if !phones.is_empty()
        && let Some(i) = crate::dialects::index_after(canonical, "/phones")
    {
        let kind = user.phones.get(i)?.kind;
        let row = phones
            .iter()
            .find(|(_, c)| c.codec == Codec::Phone(kind))
            .or_else(|| phones.iter().find(|(_, c)| c.codec == Codec::Phone(PhoneKind::Work)))
            .or(phones.first())?;
        return Some(row.0.pointer.to_owned());
    }
    let mut best: Option<(&Field, Canon)> = None;
    for (field, canon) in mapped(rows) {
        let whole = matches!(canon.codec, Codec::Email | Codec::Phone(_));
        let fits = canonical == canon.pointer
            || canonical.strip_prefix(canon.pointer).is_some_and(|rest| rest.starts_with('/'));
        if fits && best.is_none_or(|(_, b)| canon.pointer.len() > b.pointer.len()) {
            best = Some((field, canon));
        }
        if fits && whole {
            return Some(field.pointer.to_owned());
        }
    }
    best.map(|(f, c)| format!("{}{}", f.pointer, &canonical[c.pointer.len()..]))
}

/// The canonical pointer a wire pointer names: the inverse of [`wire_pointer`] for fields whose
/// place does not depend on values. A single email is the first address's value; a phone names
/// the phone list.
pub fn canonical_pointer(rows: &[Field], wire: &str) -> Option<String> {
    let mut best: Option<(&Field, Canon)> = None;
    for (field, canon) in mapped(rows) {
        let fits = wire == field.pointer || wire.strip_prefix(field.pointer).is_some_and(|rest| rest.starts_with('/'));
        if fits && best.is_none_or(|(b, _)| field.pointer.len() > b.pointer.len()) {
            best = Some((field, canon));
        }
    }
    let (field, canon) = best?;
    Some(match canon.codec {
        Codec::Email => "/emails/0/value".to_owned(),
        Codec::Phone(_) => "/phones".to_owned(),
        _ => format!("{}{}", canon.pointer, &wire[field.pointer.len()..]),
    })
}

/// The place a pointer names in a JSON tree, creating objects (and arrays, for numeric tokens)
/// on the way; `None` when an existing value of another shape is in the way.
pub fn slot<'a>(root: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    let mut at = root;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if at.is_null() {
            *at = match token.parse::<usize>() {
                Ok(_) => Value::Array(Vec::new()),
                Err(_) => Value::Object(Map::new()),
            };
        }
        at = match at {
            Value::Object(map) => map.entry(token).or_insert(Value::Null),
            Value::Array(items) => {
                let i: usize = token.parse().ok()?;
                if items.len() <= i {
                    items.resize(i + 1, Value::Null);
                }
                &mut items[i]
            }
            _ => return None,
        };
    }
    if at.is_null() && (pointer.ends_with("/emails") || pointer.ends_with("/phones")) {
        *at = Value::Array(Vec::new());
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dialect;
    use crate::dialect::Op;

    /// Each row's canonical pointer is a place the canonical user really has: a sample value
    /// written there survives a trip through [`User`].
    #[test]
    fn every_row_names_a_canonical_place() {
        for d in Dialect::ALL {
            for op in Op::ALL {
                for (field, canon) in mapped(d.spec().fields(op)) {
                    if matches!(canon.codec, Codec::Email | Codec::Phone(_) | Codec::Rule) {
                        continue;
                    }
                    let sample = match canon.codec {
                        Codec::Enum(pairs) => Value::from(pairs[0].1),
                        Codec::Locale(_) => Value::from("en"),
                        Codec::TimeZone => Value::from("UTC"),
                        Codec::EmailAddress => Value::from("a@b.co"),
                        _ => match field.kind {
                            crate::fields::Kind::Integer => Value::from(7),
                            crate::fields::Kind::Boolean => Value::from(true),
                            crate::fields::Kind::Array => serde_json::json!([1]),
                            crate::fields::Kind::Object | crate::fields::Kind::Map => serde_json::json!({"k": []}),
                            crate::fields::Kind::Any => serde_json::json!({"k": 1}),
                            crate::fields::Kind::String => Value::from("x"),
                        },
                    };
                    let mut json = Value::Object(Map::new());
                    // An inline picture is whole only with both of its parts.
                    if canon.pointer.starts_with("/image/inline/") {
                        json = serde_json::json!({"image": {"inline": {"base64": "x", "mime_type": "x"}}});
                    }
                    if let Some(place) = slot(&mut json, canon.pointer) {
                        *place = sample.clone();
                    }
                    let user: Result<User, _> = serde_json::from_value(json);
                    let back = user.ok().and_then(|u| serde_json::to_value(u).ok());
                    assert_eq!(
                        back.as_ref().and_then(|b| b.pointer(canon.pointer)),
                        Some(&sample),
                        "{d} {op} {}: {} is not a canonical place",
                        field.pointer,
                        canon.pointer
                    );
                }
            }
        }
    }

    #[test]
    fn slots_are_made_on_the_way() {
        let mut v = Value::Null;
        if let Some(p) = slot(&mut v, "/addresses/0/line1") {
            *p = Value::from("x");
        }
        assert_eq!(v, serde_json::json!({"addresses": [{"line1": "x"}]}));
    }
}
