//! Attribute paths: RFC 7644 §3.10 "standard attribute notation" (the `attrPath` rule of the
//! filter grammar, §3.4.2.2 Figure 1) and PATCH paths (§3.5.2 `PATH = attrPath / valuePath
//! [subAttr]`).
//!
//! ```text
//! attrPath  = [URI ":"] ATTRNAME *1subAttr       name.givenName
//!                                                urn:…:enterprise:2.0:User:manager.value
//! valuePath = attrPath "[" valFilter "]"         emails[type eq "work"]
//! PATH      = attrPath / valuePath [subAttr]     emails[type eq "work"].value
//! ```
//!
//! Attribute names are case-insensitive (RFC 7643 §2.1). A path keeps the client's spelling (for
//! messages) and resolves against a resource by comparing names ASCII-case-insensitively, so reads
//! find `userName` for `USERNAME` and writes land on the resource's own key instead of adding a
//! second spelling next to it. Names are ASCII by the grammar (`ALPHA *(nameChar)`), so ASCII
//! folding is the whole of it.

use super::filter::{self, Filter};
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;

/// The core User schema (RFC 7643 §4.1). As a prefix of a core attribute it is redundant:
/// `urn:ietf:params:scim:schemas:core:2.0:User:userName` is `userName`.
pub const CORE_USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core Group schema (RFC 7643 §4.2); stripped like [`CORE_USER_URN`].
pub const CORE_GROUP_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The enterprise User extension (RFC 7643 §4.3); its attributes live in an object under this key.
pub const ENTERPRISE_USER_URN: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// A syntax error in an attribute or PATCH path: where (in characters from the start of the text)
/// and why. In a PATCH it becomes `invalidPath`, in a filter `invalidFilter`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at character {position}: {message}")]
pub struct PathError {
    /// Character (not byte) offset of the offending part, counted from 0.
    pub position: usize,
    /// What is wrong, in English.
    pub message: String,
}

impl PathError {
    pub(crate) fn new(position: usize, message: impl Into<String>) -> Self {
        PathError { position, message: message.into() }
    }
}

/// An attribute path: `[urn ":"] name ["." sub]`.
///
/// Equality ignores ASCII case (RFC 7643 §2.1), so `NAME.GIVENNAME` equals `name.givenName`.
#[derive(Debug, Clone)]
pub struct AttrPath {
    /// The schema URN of an extension attribute, as written (`urn:…:enterprise:2.0:User`).
    /// `None` for core attributes: a core schema prefix is dropped when parsing.
    pub urn: Option<String>,
    /// The attribute name.
    pub name: String,
    /// The sub-attribute of a complex attribute (`givenName` in `name.givenName`).
    pub sub: Option<String>,
}

impl AttrPath {
    /// A core attribute without sub-attribute. The name is taken as is (not validated).
    pub fn new(name: impl Into<String>) -> Self {
        AttrPath { urn: None, name: name.into(), sub: None }
    }

    /// The same path with a sub-attribute.
    pub fn with_sub(mut self, sub: impl Into<String>) -> Self {
        self.sub = Some(sub.into());
        self
    }

    /// The same path in an extension schema.
    pub fn in_schema(mut self, urn: impl Into<String>) -> Self {
        self.urn = Some(urn.into());
        self
    }

    /// Parses standard attribute notation. A core schema URN prefix is stripped.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        parse_attr_path(text)
    }

    /// Whether this is the core attribute `name` (no schema URN), with sub-attribute `sub`;
    /// both compared ASCII-case-insensitively.
    pub fn is(&self, name: &str, sub: Option<&str>) -> bool {
        self.urn.is_none()
            && self.name.eq_ignore_ascii_case(name)
            && match (&self.sub, sub) {
                (None, None) => true,
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            }
    }

    /// An attribute named relative to this one (inside a value filter `emails[type eq …]`, the
    /// `type` of an element is `emails.type`): the inner name becomes this path's sub-attribute.
    pub fn join(&self, inner: &AttrPath) -> AttrPath {
        AttrPath { urn: self.urn.clone(), name: self.name.clone(), sub: Some(inner.name.clone()) }
    }

    /// `urn:name` when this path may name a whole extension object (`urn:…:enterprise:2.0:User`
    /// parses as URN `urn:…:2.0` + attribute `User`, the grammar cannot tell the two apart).
    pub fn whole_extension_key(&self) -> Option<String> {
        match (&self.urn, &self.sub) {
            (Some(urn), None) => Some(format!("{urn}:{}", self.name)),
            _ => None,
        }
    }

    /// The attribute's value (before the sub-attribute step), found case-insensitively.
    ///
    /// With a schema URN the attribute is looked up inside the extension object; failing that, a
    /// root key spelled `urn:name` is the attribute (the whole-extension reading of the path).
    pub fn attribute<'a>(&self, resource: &'a Value) -> Option<&'a Value> {
        let root = resource.as_object()?;
        match &self.urn {
            None => get_ci(root, &self.name),
            Some(urn) => match get_ci(root, urn) {
                Some(Value::Object(ext)) => get_ci(ext, &self.name),
                Some(_) => None,
                None => root.iter().find(|(k, _)| is_joined(k, urn, &self.name)).map(|(_, v)| v),
            },
        }
    }

    /// The single value this path names, or `None` when it is missing or sits under a
    /// multi-valued attribute (`emails.value` names one value per element: use [`values`]).
    ///
    /// [`values`]: AttrPath::values
    pub fn get<'a>(&self, resource: &'a Value) -> Option<&'a Value> {
        let attr = self.attribute(resource)?;
        match &self.sub {
            None => Some(attr),
            Some(sub) => match attr {
                Value::Object(o) => get_ci(o, sub),
                _ => None,
            },
        }
    }

    /// Every value this path names, the way a filter sees them: each element of a multi-valued
    /// attribute, each element's sub-attribute, and for a complex value compared without a
    /// sub-attribute its `value` sub-attribute (`emails co "x"` compares `emails.value`).
    pub fn values<'a>(&self, resource: &'a Value) -> Vec<&'a Value> {
        let mut out = Vec::new();
        self.visit(resource, &mut |v| {
            out.push(v);
            false
        });
        out
    }

    /// Calls `f` on each value of [`values`](AttrPath::values) until it returns `true`; returns
    /// whether one did. Allocation-free, for filter evaluation.
    pub(crate) fn visit<'a>(&self, resource: &'a Value, f: &mut dyn FnMut(&'a Value) -> bool) -> bool {
        let Some(attr) = self.attribute(resource) else {
            return false;
        };
        match &self.sub {
            None => match attr {
                Value::Array(items) => {
                    for item in items {
                        let v = match item {
                            Value::Object(o) => get_ci(o, "value"),
                            other => Some(other),
                        };
                        if v.is_some_and(&mut *f) {
                            return true;
                        }
                    }
                    false
                }
                Value::Object(o) => get_ci(o, "value").is_some_and(f),
                other => f(other),
            },
            Some(sub) => {
                let mut step = |item: &'a Value| -> bool {
                    match item.as_object().and_then(|o| get_ci(o, sub)) {
                        Some(Value::Array(vs)) => vs.iter().any(&mut *f),
                        Some(v) => f(v),
                        None => false,
                    }
                };
                match attr {
                    Value::Array(items) => items.iter().any(step),
                    other => step(other),
                }
            }
        }
    }

    /// RFC 7644 §3.4.2.2 `pr`: the attribute has a non-empty value (not null, not `""`, not `[]`,
    /// and for a complex value at least one non-empty sub-attribute).
    pub fn is_present(&self, resource: &Value) -> bool {
        let Some(attr) = self.attribute(resource) else {
            return false;
        };
        match &self.sub {
            None => non_empty(attr),
            Some(sub) => {
                let has = |item: &Value| item.as_object().and_then(|o| get_ci(o, sub)).is_some_and(non_empty);
                match attr {
                    Value::Array(items) => items.iter().any(has),
                    other => has(other),
                }
            }
        }
    }

    /// A JSON pointer (RFC 6901) to the value, spelled with the resource's own keys, for
    /// `Value::pointer_mut` and for error reports. `None` when the value is missing or the path
    /// goes through a multi-valued attribute.
    pub fn pointer(&self, resource: &Value) -> Option<String> {
        let root = resource.as_object()?;
        let mut pointer = String::new();
        let container = match &self.urn {
            None => root,
            Some(urn) => match find_key(root, urn) {
                Some(key) => {
                    push_token(&mut pointer, key);
                    root.get(key)?.as_object()?
                }
                None => {
                    let (key, value) = root.iter().find(|(k, _)| is_joined(k, urn, &self.name))?;
                    push_token(&mut pointer, key);
                    return match &self.sub {
                        None => Some(pointer),
                        Some(sub) => {
                            push_token(&mut pointer, find_key(value.as_object()?, sub)?);
                            Some(pointer)
                        }
                    };
                }
            },
        };
        let key = find_key(container, &self.name)?;
        push_token(&mut pointer, key);
        if let Some(sub) = &self.sub {
            let inner = container.get(key)?.as_object()?;
            push_token(&mut pointer, find_key(inner, sub)?);
        }
        Some(pointer)
    }
}

impl PartialEq for AttrPath {
    fn eq(&self, other: &Self) -> bool {
        fn same(a: Option<&str>, b: Option<&str>) -> bool {
            match (a, b) {
                (None, None) => true,
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            }
        }
        self.name.eq_ignore_ascii_case(&other.name)
            && same(self.urn.as_deref(), other.urn.as_deref())
            && same(self.sub.as_deref(), other.sub.as_deref())
    }
}

impl Eq for AttrPath {}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

impl FromStr for AttrPath {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AttrPath::parse(s)
    }
}

/// A PATCH target (RFC 7644 §3.5.2): an attribute path, or a multi-valued attribute narrowed by a
/// value filter and optionally followed by a sub-attribute of the matching elements.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// The attribute (with its sub-attribute when there is no filter: `name.givenName`).
    pub attr: AttrPath,
    /// The value filter between brackets, evaluated against each element of `attr`; its
    /// attribute paths are relative to the element (`type`, `value`).
    pub filter: Option<Filter>,
    /// The sub-attribute after the brackets (`value` in `emails[type eq "work"].value`).
    pub sub: Option<String>,
}

impl PatchPath {
    /// Parses `attrPath` or `valuePath ["." subAttr]`. Surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let lead = text.len() - text.trim_start().len();
        let shift = |e: PathError| PathError::new(e.position + char_pos(text, lead), e.message);
        let trimmed = text.trim();
        let Some(open) = trimmed.find('[') else {
            return parse_attr_path(trimmed).map_err(shift).map(|attr| PatchPath { attr, filter: None, sub: None });
        };
        let attr = parse_attr_path(&trimmed[..open]).map_err(shift)?;
        if attr.sub.is_some() {
            return Err(shift(PathError::new(
                char_pos(trimmed, open),
                format!("a value filter applies to a multi-valued attribute, not to the sub-attribute '{attr}'"),
            )));
        }
        let (filter, end) =
            filter::parse_value_filter(trimmed, open + 1).map_err(|e| shift(PathError::new(e.position, e.message)))?;
        let rest = &trimmed[end..];
        let sub = if rest.is_empty() {
            None
        } else if let Some(name) = rest.strip_prefix('.') {
            check_name(name, trimmed, end + 1).map_err(shift)?;
            Some(name.to_owned())
        } else {
            return Err(shift(PathError::new(
                char_pos(trimmed, end),
                "after ']' only '.' and a sub-attribute name may follow",
            )));
        };
        Ok(PatchPath { attr, filter: Some(filter), sub })
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.attr)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

impl FromStr for PatchPath {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PatchPath::parse(s)
    }
}

/// `[URI ":"] ATTRNAME ["." ATTRNAME]`: the URN is everything before the last `:` (a URN holds
/// `:` and `.` itself, `…:2.0:User`, but never after its last `:` in a valid path).
fn parse_attr_path(text: &str) -> Result<AttrPath, PathError> {
    if text.is_empty() {
        return Err(PathError::new(0, "missing attribute name"));
    }
    if let Some((at, c)) = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '-' | '_' | '$' | '%' | '+')))
    {
        return Err(PathError::new(char_pos(text, at), format!("'{c}' cannot appear in an attribute path")));
    }
    let (urn, rest_at) = match text.rfind(':') {
        Some(colon) => {
            let urn = &text[..colon];
            if !urn.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
                return Err(PathError::new(
                    0,
                    format!("'{text}': only a schema URN (urn:…) may put ':' in an attribute path"),
                ));
            }
            (Some(urn), colon + 1)
        }
        None => (None, 0),
    };
    let rest = &text[rest_at..];
    if rest.is_empty() {
        return Err(PathError::new(char_pos(text, rest_at), "missing attribute name after the schema URN"));
    }
    let (name, sub) = match rest.find('.') {
        Some(dot) => (&rest[..dot], Some((&rest[dot + 1..], rest_at + dot + 1))),
        None => (rest, None),
    };
    check_name(name, text, rest_at)?;
    let sub = match sub {
        Some((sub, at)) => {
            if let Some(dot) = sub.find('.') {
                return Err(PathError::new(
                    char_pos(text, at + dot),
                    "an attribute path has at most one sub-attribute",
                ));
            }
            check_name(sub, text, at)?;
            Some(sub.to_owned())
        }
        None => None,
    };
    let urn = urn.filter(|u| !(u.eq_ignore_ascii_case(CORE_USER_URN) || u.eq_ignore_ascii_case(CORE_GROUP_URN)));
    Ok(AttrPath { urn: urn.map(str::to_owned), name: name.to_owned(), sub })
}

/// `ATTRNAME = ALPHA *(nameChar)`, `nameChar = "-" / "_" / DIGIT / ALPHA`; also `$ref`, which
/// RFC 7643 uses as a sub-attribute name though the ABNF forgets it.
fn check_name(name: &str, text: &str, at: usize) -> Result<(), PathError> {
    if name.eq_ignore_ascii_case("$ref") {
        return Ok(());
    }
    let mut chars = name.char_indices();
    match chars.next() {
        None => return Err(PathError::new(char_pos(text, at), "missing attribute name")),
        Some((_, c)) if !c.is_ascii_alphabetic() => {
            return Err(PathError::new(
                char_pos(text, at),
                format!("an attribute name starts with a letter, not '{c}'"),
            ));
        }
        Some(_) => {}
    }
    match chars.find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
        Some((i, c)) => {
            Err(PathError::new(char_pos(text, at + i), format!("'{c}' cannot appear in an attribute name")))
        }
        None => Ok(()),
    }
}

/// The key of `object` equal to `name` ignoring ASCII case, as the object spells it.
pub fn find_key<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    if let Some((key, _)) = object.get_key_value(name) {
        return Some(key);
    }
    object.keys().find(|k| k.eq_ignore_ascii_case(name)).map(String::as_str)
}

/// `object[name]`, the name compared ignoring ASCII case.
pub fn get_ci<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    match object.get(name) {
        Some(v) => Some(v),
        None => object.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v),
    }
}

/// `key == urn + ":" + name`, ignoring ASCII case, without building the joined string.
pub(crate) fn is_joined(key: &str, urn: &str, name: &str) -> bool {
    key.len() == urn.len() + 1 + name.len()
        && key.get(..urn.len()).is_some_and(|k| k.eq_ignore_ascii_case(urn))
        && key.as_bytes().get(urn.len()) == Some(&b':')
        && key.get(urn.len() + 1..).is_some_and(|k| k.eq_ignore_ascii_case(name))
}

/// RFC 7644 §3.4.2.2 `pr`: null, `""`, `[]` and objects without a non-empty member are absent.
pub(crate) fn non_empty(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(non_empty),
        Value::Object(o) => o.values().any(non_empty),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// Character offset of a byte offset (error positions count characters, for a UI caret).
pub(crate) fn char_pos(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or_else(|| text.chars().count(), |s| s.chars().count())
}

fn push_token(pointer: &mut String, key: &str) {
    pointer.push('/');
    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
}
