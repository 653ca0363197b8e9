//! Errors as data: every problem of a request, each with a JSON pointer, a stable code and params.
//!
//! A UI shows a [`Violation`] next to the field its `pointer` names and translates it from `code` +
//! `params`; the English `message` is only a default. Codes are part of the public contract:
//! renaming one breaks every client that switches on it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The stable, snake_case reason of a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Code {
    /// The body is not well-formed JSON or XML; params carry `line` and `column`.
    Syntax,
    Required,
    InvalidType,
    TooShort,
    TooLong,
    TooSmall,
    TooLarge,
    NotAllowedValue,
    /// A field the operation forbids (DeviceHive `id` on create, SCIM read-only attributes).
    NotAllowedField,
    InvalidEmail,
    InvalidLocale,
    InvalidLanguage,
    InvalidTimezone,
    InvalidUrl,
    InvalidBase64,
    InvalidMimeType,
    InvalidPattern,
    /// Exactly one of several alternatives must be given (image `url` xor `base64Image`).
    OneOf,
    /// A set that must hold at least one of some values (learningcloud `roles.management`).
    MissingValue,
    Duplicate,
    /// Two places that must agree do not (path id vs body id).
    Mismatch,
}

impl Code {
    /// The wire name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::Required => "required",
            Code::InvalidType => "invalid_type",
            Code::TooShort => "too_short",
            Code::TooLong => "too_long",
            Code::TooSmall => "too_small",
            Code::TooLarge => "too_large",
            Code::NotAllowedValue => "not_allowed_value",
            Code::NotAllowedField => "not_allowed_field",
            Code::InvalidEmail => "invalid_email",
            Code::InvalidLocale => "invalid_locale",
            Code::InvalidLanguage => "invalid_language",
            Code::InvalidTimezone => "invalid_timezone",
            Code::InvalidUrl => "invalid_url",
            Code::InvalidBase64 => "invalid_base64",
            Code::InvalidMimeType => "invalid_mime_type",
            Code::InvalidPattern => "invalid_pattern",
            Code::OneOf => "one_of",
            Code::MissingValue => "missing_value",
            Code::Duplicate => "duplicate",
            Code::Mismatch => "mismatch",
        }
    }
}

/// One problem at one place of the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    /// RFC 6901 pointer into the request as sent (wire names, not Rust names).
    pub pointer: Text,
    pub code: Code,
    /// English default text, derived from `code` and `params`.
    pub message: Text,
    /// What a translated message needs: `max`, `min`, `allowed`, `expected`, `line`, `column`…
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
}

impl Violation {
    pub fn new(pointer: impl Into<Text>, code: Code) -> Self {
        Violation::with_params(pointer, code, Map::new())
    }

    pub fn with_params(pointer: impl Into<Text>, code: Code, params: Map<String, Value>) -> Self {
        let message = message(code, &params);
        Violation { pointer: pointer.into(), code, message, params }
    }

    /// Adds one param and refreshes the message (when the code's message reads that param: a
    /// rule that adds three params formats its message once, not three times).
    pub fn param(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        if message_reads(self.code, key) {
            self.message = message(self.code, &self.params);
        }
        self
    }
}

/// Everything wrong with one request, and every input field that was not used.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub errors: Vec<Violation>,
    /// Pointers of input fields the dialect does not define: vendors ignore them, so do we, but
    /// we say so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<String>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn push(&mut self, violation: Violation) {
        // Room for several at once (a body missing its required fields has five or six): grown
        // from nothing the list is reallocated at 4 and 8.
        if self.errors.capacity() == 0 {
            self.errors.reserve(8);
        }
        self.errors.push(violation);
    }

    /// A report holding a single violation.
    pub fn single(violation: Violation) -> Self {
        Report { errors: vec![violation], ignored: Vec::new() }
    }

    /// The violations at exactly this pointer: what one form field shows.
    pub fn at<'a>(&'a self, pointer: &'a str) -> impl Iterator<Item = &'a Violation> + 'a {
        self.errors.iter().filter(move |v| v.pointer == pointer)
    }

    /// Errors in a stable order (by pointer, then code), so reports compare and snapshot cleanly.
    pub fn sorted(mut self) -> Self {
        self.errors.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.code.as_str().cmp(b.code.as_str())));
        self.ignored.sort();
        self
    }
}

/// Whether [`message`] reads the param `key` for `code` (kept beside it: the two must agree).
fn message_reads(code: Code, key: &str) -> bool {
    match code {
        Code::Syntax => matches!(key, "line" | "column" | "detail"),
        Code::InvalidType => key == "expected",
        Code::TooShort | Code::TooSmall => key == "min",
        Code::TooLong | Code::TooLarge => key == "max",
        Code::NotAllowedValue | Code::MissingValue => key == "allowed",
        Code::InvalidUrl => key == "scheme",
        Code::InvalidMimeType => key == "kind",
        Code::InvalidPattern => key == "pattern",
        Code::OneOf => key == "fields",
        Code::Mismatch => key == "other",
        _ => false,
    }
}

/// The English default message for a code with its params.
pub fn message(code: Code, params: &Map<String, Value>) -> Text {
    let p = |k: &str| params.get(k).map(display).unwrap_or_default();
    // A message without params is borrowed; one with params is written.
    Text::from(match code {
        Code::Required => return Text::from("is required"),
        Code::NotAllowedField => return Text::from("must not be given for this operation"),
        Code::InvalidEmail => return Text::from("must be a valid email address"),
        Code::InvalidLocale => return Text::from("must be a known locale such as en or pt_BR"),
        Code::InvalidLanguage => return Text::from("must be a known ISO 639-1 language code"),
        Code::InvalidTimezone => return Text::from("must be an IANA time zone such as Europe/Madrid"),
        Code::InvalidBase64 => return Text::from("must be valid base64"),
        Code::Duplicate => return Text::from("is already taken"),
        Code::Syntax => format!("malformed body at line {}, column {}: {}", p("line"), p("column"), p("detail")),
        Code::InvalidType => format!("must be of type {}", p("expected")),
        Code::TooShort => format!("must be at least {} characters long", p("min")),
        Code::TooLong => format!("must be at most {} characters long", p("max")),
        Code::TooSmall => format!("must be at least {}", p("min")),
        Code::TooLarge => format!("must be at most {}", p("max")),
        Code::NotAllowedValue => format!("must be one of: {}", p("allowed")),
        Code::InvalidUrl => format!("must be an absolute {} URL", p("scheme")),
        Code::InvalidMimeType => format!("must be a MIME type of kind {}", p("kind")),
        Code::InvalidPattern => format!("must match {}", p("pattern")),
        Code::OneOf => format!("must give exactly one of: {}", p("fields")),
        Code::MissingValue => format!("must contain at least one of: {}", p("allowed")),
        Code::Mismatch => format!("must match {}", p("other")),
    })
}

fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&display(item));
            }
            out
        }
        other => other.to_string(),
    }
}

/// Text in a report: a pointer, a canonical pointer, a message. Most are a row's own pointer or a
/// fixed message, known when the dialect is compiled: those are borrowed, so a report of ten
/// `required` fields allocates no text (a translation's `lost` and `unmet` lists were half of its
/// allocations). Reads as a `str`; serializes as a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(Cow<'static, str>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text to edit in place (copied first when borrowed).
    pub fn to_mut(&mut self) -> &mut String {
        self.0.to_mut()
    }

    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Self {
        Text(Cow::Borrowed(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Cow::Owned(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.into_string()
    }
}

impl From<Text> for Value {
    fn from(t: Text) -> Value {
        Value::String(t.into_string())
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

/// Builds RFC 6901 pointers, escaping `~` and `/` in keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Pointer(String::new())
    }

    pub fn key(&self, key: &str) -> Self {
        let mut s = String::with_capacity(self.0.len() + key.len() + 1);
        s.push_str(&self.0);
        push_key(&mut s, key);
        Pointer(s)
    }

    pub fn index(&self, index: usize) -> Self {
        let mut s = self.0.clone();
        push_index(&mut s, index);
        Pointer(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Pointer> for Text {
    fn from(p: Pointer) -> Text {
        Text::from(p.0)
    }
}

impl From<Pointer> for String {
    fn from(p: Pointer) -> String {
        p.0
    }
}

/// Appends an array index to a pointer string. Its digits are written directly: `write!` went
/// through the formatting machinery, which cost a translation that lists array leaves as much as
/// the rest of the pointer.
pub fn push_index(pointer: &mut String, index: usize) {
    let mut digits = [0; 20];
    let (mut n, mut at) = (index, digits.len());
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    pointer.push('/');
    pointer.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// Appends one escaped reference token to a pointer string.
pub fn push_key(pointer: &mut String, key: &str) {
    pointer.push('/');
    if !key.bytes().any(|b| b == b'~' || b == b'/') {
        pointer.push_str(key);
        return;
    }
    for c in key.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointer_escapes_tilde_and_slash() {
        assert_eq!(Pointer::root().key("a/b").key("m~n").index(2).as_str(), "/a~1b/m~0n/2");
    }

    #[test]
    fn message_uses_params() {
        let v = Violation::new("/title", Code::TooLong).param("max", 25);
        assert_eq!(v.message, "must be at most 25 characters long");
        assert_eq!(serde_json::to_value(&v).unwrap_or_default()["code"], json!("too_long"));
    }

    #[test]
    fn message_reads_exactly_the_params_the_message_uses() {
        let codes = [
            Code::Syntax,
            Code::Required,
            Code::InvalidType,
            Code::TooShort,
            Code::TooLong,
            Code::TooSmall,
            Code::TooLarge,
            Code::NotAllowedValue,
            Code::NotAllowedField,
            Code::InvalidEmail,
            Code::InvalidLocale,
            Code::InvalidLanguage,
            Code::InvalidTimezone,
            Code::InvalidUrl,
            Code::InvalidBase64,
            Code::InvalidMimeType,
            Code::InvalidPattern,
            Code::OneOf,
            Code::MissingValue,
            Code::Duplicate,
            Code::Mismatch,
        ];
        let keys = ["line", "column", "detail", "expected", "min", "max", "allowed", "scheme", "kind", "pattern"];
        let keys = keys.into_iter().chain(["fields", "other", "with", "format"]);
        for code in codes {
            for key in keys.clone() {
                let with = Map::from_iter([(key.to_owned(), json!("«v»"))]);
                let changes = message(code, &with) != message(code, &Map::new());
                assert_eq!(message_reads(code, key), changes, "{code:?} {key}");
            }
        }
    }

    #[test]
    fn code_wire_names_match_serde() {
        for code in [Code::Syntax, Code::NotAllowedValue, Code::InvalidMimeType, Code::OneOf] {
            assert_eq!(serde_json::to_value(code).unwrap_or_default(), json!(code.as_str()));
        }
    }
}
