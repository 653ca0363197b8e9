//! Field metadata: the one place a dialect's rules are written.
//!
//! Each dialect lists its fields per operation as a static table of [`Field`]s. The same table
//! drives the generic validator below, the JSON Schema export ([`crate::schema`]), the widget's
//! form and the `ignored` list, so a limit changed here changes everywhere at once.
//!
//! Pointers are RFC 6901 pointers in wire names; `*` stands for every element of an array.

use crate::dialect::Op;
use crate::formats;
use crate::mapping::{Canon, Codec, Slot};
use crate::report::{Code, Report, Text, Violation, push_key};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The JSON type a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    String,
    Integer,
    Boolean,
    Object,
    Array,
    /// An object with free keys whose values have no fixed shape (`extendedFields`).
    Map,
    /// Any JSON value (DeviceHive `data`): neither checked nor reported as ignored inside.
    Any,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Boolean => "boolean",
            Kind::Object | Kind::Map => "object",
            Kind::Array => "array",
            Kind::Any => "any",
        }
    }

    fn matches(self, v: &Value) -> bool {
        match self {
            Kind::String => v.is_string(),
            Kind::Integer => v.is_i64() || v.is_u64(),
            Kind::Boolean => v.is_boolean(),
            Kind::Object | Kind::Map => v.is_object(),
            Kind::Array => v.is_array(),
            Kind::Any => true,
        }
    }
}

/// A value format checked beyond its JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Email,
    Timezone,
    /// ISO 639-1 language code (`en`).
    Language,
    /// Language with optional script and region (`pt_BR`, `en-GB`).
    Locale,
    /// Absolute `http` or `https` URL.
    Url,
    Base64,
    /// An `image/*` MIME type.
    ImageMime,
    /// DeviceHive login characters `^[\w@.-]+$`.
    Login,
}

impl Format {
    fn check(self, s: &str) -> Option<Violation> {
        let ok = match self {
            Format::Email => formats::is_email(s),
            Format::Timezone => formats::is_timezone(s),
            Format::Language => formats::is_language(s),
            Format::Locale => formats::is_locale(s),
            Format::Url => formats::is_url(s, &["http", "https"]),
            Format::Base64 => formats::is_base64(s),
            Format::ImageMime => formats::is_mime_of(s, "image"),
            Format::Login => formats::is_login(s),
        };
        if ok {
            return None;
        }
        let v = |code| Violation::new(String::new(), code);
        Some(match self {
            Format::Email => v(Code::InvalidEmail),
            Format::Timezone => v(Code::InvalidTimezone),
            Format::Language => v(Code::InvalidLanguage),
            Format::Locale => v(Code::InvalidLocale),
            Format::Url => v(Code::InvalidUrl).param("scheme", "http(s)"),
            Format::Base64 => v(Code::InvalidBase64),
            Format::ImageMime => v(Code::InvalidMimeType).param("kind", "image"),
            Format::Login => v(Code::InvalidPattern).param("pattern", "^[\\w@.-]+$"),
        })
    }

    /// The JSON Schema `format` keyword, where one exists.
    pub fn json_schema_format(self) -> Option<&'static str> {
        match self {
            Format::Email => Some("email"),
            Format::Url => Some("uri"),
            _ => None,
        }
    }
}

/// One field of one dialect operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Wire pointer; `*` = each array element.
    pub pointer: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Strings: minimum length in characters; integers: minimum value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Strings: maximum length in characters; integers: maximum value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Enumerated values (integers written in decimal).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub allowed: &'static [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// Never sent back by the dialect (passwords): the widget uses a password input.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub write_only: bool,
    /// i18n key of the field's label, shared across dialects (`given_name`, `email`…).
    pub label: &'static str,
    /// Where the field lives in the canonical user ([`crate::mapping`]); `None` for fields that
    /// only a dialect rule maps, or that no other dialect can hold.
    #[serde(skip)]
    pub to: Option<Canon>,
    /// A request option, not user data (primavera's `useExistingUser`): it has no canonical home,
    /// and translation carries it only to its own dialect ([`crate::translate`]).
    #[serde(skip)]
    pub option: bool,
    /// The one operation this row belongs to (`None`: both); see [`select`].
    #[serde(skip)]
    pub only: Option<Op>,
    /// The one operation that requires this row, where the other does not.
    #[serde(skip)]
    pub required_on: Option<Op>,
    /// A minimum one operation adds (learningcloud's update refuses an empty name).
    #[serde(skip)]
    pub min_on: Option<(Op, i64)>,
    /// Where the pointer's parent ends (its last `/`), found once when the row is declared:
    /// `None` when the pointer goes through array elements (`*`), which [`check_at`] walks.
    /// Validation splits every row of a table on every call, and a 90-row table split by
    /// scanning its pointers cost more than the lookups the split serves.
    #[serde(skip)]
    split: Option<u16>,
    /// Where the array a pointer through elements walks into ends (its first `/*`, else its
    /// length), found once too: the rows of one multi-valued attribute (`/emails/*/value`,
    /// `/emails/*/type`…) are all passed at once when it is absent.
    #[serde(skip)]
    array: u16,
    /// The first token's bit in [`Keys`]: checking a body userbridge wrote passes every row under
    /// an absent top-level member on this bit alone.
    #[serde(skip)]
    head_bit: u8,
    /// The last token's bit in [`Keys`], for a row without `*`: the sparse check's test of the
    /// parent's keys.
    #[serde(skip)]
    key_bit: u8,
}

/// The end of a pointer's first token (its second `/`, else its length).
const fn first_token_end(pointer: &str) -> usize {
    let bytes = pointer.as_bytes();
    let mut i = 1;
    while i < bytes.len() && bytes[i] != b'/' {
        i += 1;
    }
    i
}

/// [`Field::array`] of a pointer.
const fn array_end(pointer: &str) -> u16 {
    let bytes = pointer.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() && !(bytes[i] == b'/' && bytes[i + 1] == b'*') {
        i += 1;
    }
    let end = if i + 1 < bytes.len() { i } else { bytes.len() };
    if end > u16::MAX as usize { u16::MAX } else { end as u16 }
}

/// [`Field::split`] of a pointer.
const fn last_slash(pointer: &str) -> Option<u16> {
    let bytes = pointer.as_bytes();
    if bytes.is_empty() || bytes[0] != b'/' || bytes.len() > u16::MAX as usize {
        return None;
    }
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'*' => return None,
            b'/' => last = i,
            _ => {}
        }
        i += 1;
    }
    Some(last as u16)
}

impl Field {
    pub const fn new(pointer: &'static str, kind: Kind, label: &'static str) -> Self {
        Field {
            pointer,
            kind,
            required: false,
            min: None,
            max: None,
            allowed: &[],
            format: None,
            write_only: false,
            label,
            to: None,
            option: false,
            only: None,
            required_on: None,
            min_on: None,
            split: last_slash(pointer),
            array: array_end(pointer),
            head_bit: Keys::bit_of(pointer.as_bytes(), 1, first_token_end(pointer)),
            key_bit: match last_slash(pointer) {
                Some(at) => Keys::bit_of(pointer.as_bytes(), at as usize + 1, pointer.len()),
                None => 0,
            },
        }
    }
    pub const fn string(pointer: &'static str, label: &'static str) -> Self {
        Field::new(pointer, Kind::String, label)
    }
    pub const fn integer(pointer: &'static str, label: &'static str) -> Self {
        Field::new(pointer, Kind::Integer, label)
    }
    pub const fn boolean(pointer: &'static str, label: &'static str) -> Self {
        Field::new(pointer, Kind::Boolean, label)
    }
    pub const fn object(pointer: &'static str, label: &'static str) -> Self {
        Field::new(pointer, Kind::Object, label)
    }
    pub const fn array(pointer: &'static str, label: &'static str) -> Self {
        Field::new(pointer, Kind::Array, label)
    }
    pub const fn map(pointer: &'static str, label: &'static str) -> Self {
        Field::new(pointer, Kind::Map, label)
    }
    pub const fn any(pointer: &'static str, label: &'static str) -> Self {
        Field::new(pointer, Kind::Any, label)
    }
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub const fn min(mut self, min: i64) -> Self {
        self.min = Some(min);
        self
    }
    pub const fn max(mut self, max: i64) -> Self {
        self.max = Some(max);
        self
    }
    pub const fn allowed(mut self, allowed: &'static [&'static str]) -> Self {
        self.allowed = allowed;
        self
    }
    pub const fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }
    pub const fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }
    /// Only in one operation's table (create-only and update-only fields).
    pub const fn only(mut self, op: Op) -> Self {
        self.only = Some(op);
        self
    }
    /// Required by one operation only (learningcloud's update needs six fields create does not).
    pub const fn required_on(mut self, op: Op) -> Self {
        self.required_on = Some(op);
        self
    }
    /// A minimum in one operation only.
    pub const fn min_on(mut self, op: Op, min: i64) -> Self {
        self.min_on = Some((op, min));
        self
    }
    /// Whether the row belongs to an operation's table.
    pub const fn applies(&self, op: Op) -> bool {
        match self.only {
            None => true,
            Some(only) => only.is(op),
        }
    }
    /// The row as the operation's table has it.
    const fn for_op(mut self, op: Op) -> Self {
        if let Some(on) = self.required_on {
            self.required = self.required || on.is(op);
        }
        if let Some((on, min)) = self.min_on
            && on.is(op)
        {
            self.min = Some(min);
        }
        self
    }
    /// A request option: see [`Field::option`].
    pub const fn option(mut self) -> Self {
        self.option = true;
        self
    }
    /// The field's canonical home, its value taken as it is.
    pub const fn to(mut self, slot: Slot) -> Self {
        self.to = Some(Canon::new(slot, Codec::Same));
        self
    }
    /// The field's canonical home and the conversion on the way.
    pub const fn to_via(mut self, slot: Slot, codec: Codec) -> Self {
        self.to = Some(Canon::new(slot, codec));
        self
    }

    /// The pointer's reference tokens (`*` included).
    pub fn tokens(&self) -> impl Iterator<Item = &'static str> {
        let p: &'static str = self.pointer;
        p.split('/').skip(1)
    }

    /// Checks one present, non-null value against this field's type, limits, enumeration and format.
    fn check_value(&self, value: &Value, path: At<'_, '_>, report: &mut Report) {
        if !self.kind.matches(value) {
            report.push(Violation::new(path.pointer(), Code::InvalidType).param("expected", self.kind.name()));
            return;
        }
        // `Any` has no limits: a float or a huge number is as valid as anything else.
        if self.kind == Kind::Any {
            return;
        }
        match value {
            Value::String(s) => {
                let len = s.chars().count() as i64;
                if let Some(min) = self.min.filter(|&m| len < m) {
                    let code = if len == 0 && min == 1 { Code::Required } else { Code::TooShort };
                    report.push(Violation::new(path.pointer(), code).param("min", min));
                }
                if let Some(max) = self.max.filter(|&m| len > m) {
                    report.push(Violation::new(path.pointer(), Code::TooLong).param("max", max));
                }
                if !self.allowed.is_empty() && !self.allowed.contains(&s.as_str()) {
                    report.push(
                        Violation::new(path.pointer(), Code::NotAllowedValue).param("allowed", json!(self.allowed)),
                    );
                } else if let Some(mut v) = self.format.and_then(|f| f.check(s)) {
                    v.pointer = path.pointer();
                    report.push(v);
                }
            }
            Value::Number(n) => {
                let Some(i) = n.as_i64() else {
                    report.push(Violation::new(path.pointer(), Code::TooLarge).param("max", i64::MAX));
                    return;
                };
                if let Some(min) = self.min.filter(|&m| i < m) {
                    report.push(Violation::new(path.pointer(), Code::TooSmall).param("min", min));
                }
                if let Some(max) = self.max.filter(|&m| i > m) {
                    report.push(Violation::new(path.pointer(), Code::TooLarge).param("max", max));
                }
                if !self.allowed.is_empty() && !self.allowed.iter().any(|a| a.parse::<i64>() == Ok(i)) {
                    let allowed: Vec<i64> = self.allowed.iter().filter_map(|a| a.parse().ok()).collect();
                    report.push(Violation::new(path.pointer(), Code::NotAllowedValue).param("allowed", json!(allowed)));
                }
            }
            _ => {}
        }
    }
}

/// How many rows of a dialect's table belong to an operation (the length of [`select`]'s table).
pub const fn count(rows: &[Field], op: Op) -> usize {
    let (mut n, mut i) = (0, 0);
    while i < rows.len() {
        if rows[i].applies(op) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// One operation's table out of a dialect's rows, at compile time: a dialect declares each field
/// once, and a field whose rules differ per operation says so on its row ([`Field::only`],
/// [`Field::required_on`]).
///
/// ```
/// use userbridge_core::{Field, Op, fields};
/// const ROWS: &[Field] = &[
///     Field::string("/login", "username").required_on(Op::Create),
///     Field::integer("/id", "id").only(Op::Update),
/// ];
/// static CREATE: [Field; fields::count(ROWS, Op::Create)] = fields::select(ROWS, Op::Create);
/// static UPDATE: [Field; fields::count(ROWS, Op::Update)] = fields::select(ROWS, Op::Update);
/// assert!(CREATE.len() == 1 && CREATE[0].required);
/// assert!(UPDATE.len() == 2 && !UPDATE[0].required);
/// ```
pub const fn select<const N: usize>(rows: &[Field], op: Op) -> [Field; N] {
    let mut out = [Field::new("", Kind::Any, ""); N];
    let (mut i, mut j) = (0, 0);
    while i < rows.len() {
        if rows[i].applies(op) {
            out[j] = rows[i].for_op(op);
            j += 1;
        }
        i += 1;
    }
    out
}

/// Validates `input` against a field table: every violation, and every key no field defines.
///
/// Dialect modules add their cross-field rules (one-of, role maps, forbidden fields) on top.
/// The walk borrows its path and builds a pointer string only when it has something to report:
/// a valid body costs no allocation beyond the path stack. A field outside arrays is reached
/// through its parent, which is looked up once for a run of fields that share it (the tables
/// list a parent's fields together).
pub fn validate(fields: &[Field], input: &Value) -> Report {
    let mut report = check_rows::<false>(fields, input);
    if input.is_object() {
        collect_ignored(fields, input, Some(("", 0)), &mut Path(Vec::new()), &mut report.ignored);
    }
    report
}

/// [`validate`] without the `ignored` list: for a body userbridge wrote itself from the rows
/// (translation's `unmet`), which has no key the table does not define.
pub fn violations(fields: &[Field], input: &Value) -> Report {
    check_rows::<true>(fields, input)
}

/// The rows' checks. `SPARSE`: the body holds few of the table's fields (one userbridge wrote
/// from another dialect's user), so each object's keys are summed up in [`Keys`] first and most
/// rows are passed without a search: every row under an absent top-level member on its
/// [`Field::head_bit`], before its pointer is even split. A client's body holds most of the
/// fields, and the sums would only cost.
fn check_rows<const SPARSE: bool>(fields: &[Field], input: &Value) -> Report {
    let mut report = Report::default();
    if !input.is_object() {
        report.push(Violation::new("", Code::InvalidType).param("expected", "object"));
        return report;
    }
    let mut path = Path(Vec::new());
    let root = Parents::<SPARSE>::keys(input.as_object());
    let mut parents = Parents::<SPARSE>::new(input.as_object(), root);
    // The same for the array a pointer through elements walks into: the rows of one multi-valued
    // attribute share it, and when it is absent none of them has anything to check.
    let mut array: (&str, Option<&Value>) = ("", None);
    for field in fields {
        // Under an absent member nothing is checked, and a top-level row reports only `required`.
        if SPARSE && !root.has(field.head_bit) && !(field.required && field.split == Some(0)) {
            continue;
        }
        let pointer = field.pointer;
        let Some((parent_pattern, key)) = field.split_plain() else {
            let (pattern, rest) = pointer.split_at_checked(usize::from(field.array)).unwrap_or(("", pointer));
            if !same(array.0, pattern) || array.0.is_empty() {
                array = (pattern, resolve(input, pattern));
                // The walk goes on from the array, its path from the array's.
                path.0.clear();
                let mut tokens = pattern;
                while !tokens.is_empty() {
                    let (token, tail) = split_token(tokens);
                    path.0.push(Seg::Key(token));
                    tokens = tail;
                }
            }
            if let Some(at) = array.1 {
                check_at(field, rest, at, &mut path, &mut report);
            }
            continue;
        };
        let (Some(map), keys) = parents.at(input, parent_pattern) else { continue };
        let child = if keys.has(field.key_bit) { member(map, key) } else { None };
        match child {
            Some(Value::Null) | None => {
                if field.required {
                    report.push(Violation::new(At::Pattern(pointer).pointer(), Code::Required));
                }
            }
            Some(child) => field.check_value(child, At::Pattern(pointer), &mut report),
        }
    }
    report
}

/// The objects on the way to the row being checked, one per token of its parent's pattern
/// (`""`, `/user`, `/user/name`), each with the keys it may hold.
///
/// The tables list a parent's fields together but interleave siblings (`/user/name/…`, then
/// `/user/email`): a row whose parent is the last one's ancestor or child costs a step, where
/// walking each parent from the root cost publisher's 45-row table more than its checks.
struct Parents<'a, const SPARSE: bool> {
    stack: [Parent<'a>; PARENTS],
    depth: usize,
}

/// A parent's pattern, its object (`None`: absent, null or not an object on the way) and the keys
/// that object may hold.
type Parent<'a> = (&'static str, Option<&'a Map<String, Value>>, Keys);

/// How deep [`Parents`] remembers; a deeper parent is walked from the root (no table has one).
const PARENTS: usize = 8;

impl<'a, const SPARSE: bool> Parents<'a, SPARSE> {
    fn new(root: Option<&'a Map<String, Value>>, keys: Keys) -> Self {
        Parents { stack: [("", root, keys); PARENTS], depth: 1 }
    }

    fn keys(map: Option<&Map<String, Value>>) -> Keys {
        if SPARSE { Keys::of(map) } else { Keys(u64::MAX) }
    }

    /// The object a parent pattern without `*` names, and its keys.
    fn at(&mut self, input: &'a Value, pattern: &'static str) -> (Option<&'a Map<String, Value>>, Keys) {
        if !SPARSE {
            // A client's body holds most parents, and its check is in the browser element: the
            // last parent alone is kept, walked from the root when it changes (less code; the
            // stack saved a client's body little).
            let (last, map, keys) = &mut self.stack[0];
            if !same(last, pattern) {
                (*last, *map, *keys) = (pattern, resolve(input, pattern).and_then(Value::as_object), Keys(u64::MAX));
            }
            return (*map, *keys);
        }
        while self.depth > 1 && !is_ancestor(self.stack[self.depth - 1].0, pattern) {
            self.depth -= 1;
        }
        loop {
            let (top, map, keys) = self.stack[self.depth - 1];
            if top.len() == pattern.len() {
                return (map, keys);
            }
            let (token, _) = split_token(&pattern[top.len()..]);
            if self.depth == PARENTS {
                let map = resolve(input, pattern).and_then(Value::as_object);
                return (map, Self::keys(map));
            }
            let child =
                map.filter(|_| keys.has(Keys::bit(token))).and_then(|m| member(m, token)).and_then(Value::as_object);
            self.stack[self.depth] = (&pattern[..top.len() + 1 + token.len()], child, Self::keys(child));
            self.depth += 1;
        }
    }
}

/// Whether pattern `a` is `b` or one of its ancestors (`/user` of `/user/name`, not of `/username`).
fn is_ancestor(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    b.len() >= a.len() && same_bytes(a, &b[..a.len()]) && (b.len() == a.len() || b[a.len()] == b'/')
}

/// The keys an object may hold, as one bit each of 64 (from the key's length and end bytes).
///
/// A table names far more fields than a body holds (SCIM's 90 rows against a translated body's
/// handful of members); a clear bit answers "absent" for most rows without searching the map,
/// whose search costs a string comparison per key it passes.
#[derive(Clone, Copy)]
struct Keys(u64);

impl Keys {
    fn of(map: Option<&Map<String, Value>>) -> Self {
        Keys(map.map_or(0, |m| m.keys().fold(0, |bits, k| bits | 1 << Keys::bit(k))))
    }

    /// A key's bit: its index of 64, from its length and end bytes.
    fn bit(key: &str) -> u8 {
        Keys::bit_of(key.as_bytes(), 0, key.len())
    }

    /// [`Keys::bit`] of `bytes[start..end]`, in a `const fn` for [`Field::head_bit`].
    const fn bit_of(bytes: &[u8], start: usize, end: usize) -> u8 {
        let end = if end > bytes.len() { bytes.len() } else { end };
        let (first, last) = if start < end { (bytes[start], bytes[end - 1]) } else { (0, 0) };
        let len = end.saturating_sub(start) as u32;
        let h = len.wrapping_mul(0x9e37) ^ (first as u32).wrapping_mul(0x2f) ^ last as u32;
        (h % 64) as u8
    }

    /// `false`: the object surely holds no key of this bit.
    fn has(self, bit: u8) -> bool {
        self.0 & 1 << bit != 0
    }
}

impl Field {
    /// `/parent…/key` split at its last `/`, for a pointer that holds no `*`.
    fn split_plain(&self) -> Option<(&'static str, &'static str)> {
        let at = usize::from(self.split?);
        let pointer: &'static str = self.pointer;
        Some((&pointer[..at], &pointer[at + 1..]))
    }
}

/// The value a pattern without `*` names, walking `/a/b…` from `value`; `None` when a step is
/// absent or null or not an object (where [`check_at`] stops too). Tokens are found byte by
/// byte: `split('/')` searched with a `CharSearcher` per token.
fn resolve<'a>(mut value: &'a Value, pattern: &str) -> Option<&'a Value> {
    let mut rest = pattern;
    while !rest.is_empty() {
        let (token, tail) = split_token(rest);
        match value {
            Value::Object(map) => match member(map, token) {
                Some(Value::Null) | None => return None,
                Some(child) => value = child,
            },
            _ => return None,
        }
        rest = tail;
    }
    Some(value)
}

/// Where a value being checked is, for the pointer of a violation (built only then).
#[derive(Clone, Copy)]
enum At<'p, 'a> {
    /// A path walked through arrays.
    Path(&'p Path<'a>),
    /// A field's own pointer, when it holds no `*`: its tokens are the path.
    Pattern(&'static str),
}

impl At<'_, '_> {
    fn pointer(self) -> Text {
        match self {
            At::Path(path) => path.pointer().into(),
            // A pattern without `~` is its own pointer, borrowed: its tokens need no escape (`/`
            // splits them).
            At::Pattern(pattern) if !pattern.bytes().any(|b| b == b'~') => pattern.into(),
            At::Pattern(pattern) => {
                let mut s = String::with_capacity(pattern.len());
                for token in pattern.split('/').skip(1) {
                    push_key(&mut s, token);
                }
                s.into()
            }
        }
    }
}

/// One step of a path into the input.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The place being checked, rendered to an RFC 6901 pointer only on demand.
struct Path<'a>(Vec<Seg<'a>>);

impl Path<'_> {
    fn pointer(&self) -> String {
        let mut s = String::new();
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => push_key(&mut s, k),
                Seg::Index(i) => crate::report::push_index(&mut s, *i),
            }
        }
        s
    }
}

/// Splits `/head/rest…` into `head` and `/rest…`.
fn split_token(pointer: &str) -> (&str, &str) {
    let body = pointer.strip_prefix('/').unwrap_or(pointer);
    match body.bytes().position(|b| b == b'/') {
        Some(i) => (&body[..i], &body[i..]),
        None => (body, ""),
    }
}

/// Walks to the field's value, expanding `*` over array elements; the parent of the last token
/// must exist (a missing parent is the parent's own `required` error, or nothing if optional).
fn check_at<'a>(field: &Field, rest: &'static str, value: &'a Value, path: &mut Path<'a>, report: &mut Report) {
    if rest.is_empty() {
        field.check_value(value, At::Path(path), report);
        return;
    }
    let (head, tail) = split_token(rest);
    if head == "*" {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                path.0.push(Seg::Index(i));
                check_at(field, tail, item, path, report);
                path.0.pop();
            }
        }
        return;
    }
    let Value::Object(map) = value else { return };
    path.0.push(Seg::Key(head));
    match member(map, head) {
        Some(Value::Null) | None => {
            if field.required && tail.is_empty() {
                report.push(Violation::new(path.pointer(), Code::Required));
            }
        }
        Some(child) => check_at(field, tail, child, path, report),
    }
    path.0.pop();
}

/// Lists input keys that no field defines, descending only into defined objects and arrays.
///
/// `shape` is the field pattern of `value`'s place: a defined field's pointer (`""` for the root)
/// and how many `/*` follow it (array elements). A key is defined when some field's pointer is
/// exactly that pattern plus `/key`. `None` once the path went through a key holding `/`: no
/// pattern token can equal such a key, so nothing below it is defined.
fn collect_ignored<'a>(
    fields: &[Field],
    value: &'a Value,
    shape: Option<(&'static str, usize)>,
    path: &mut Path<'a>,
    out: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let field = shape.and_then(|(base, stars)| {
                    // One integer compare rejects nearly every field before any string is compared.
                    let len = base.len() + 2 * stars + 1 + key.len();
                    fields.iter().find(|f| f.pointer.len() == len && is_child(f.pointer, base, stars, key))
                });
                path.0.push(Seg::Key(key));
                match field {
                    None => out.push(path.pointer()),
                    Some(f) if matches!(f.kind, Kind::Object | Kind::Array) => {
                        let below = if key.contains('/') { None } else { Some((f.pointer, 0)) };
                        collect_ignored(fields, child, below, path, out)
                    }
                    Some(_) => {}
                }
                path.0.pop();
            }
        }
        Value::Array(items) => {
            let below = shape.map(|(base, stars)| (base, stars + 1));
            for (i, item) in items.iter().enumerate() {
                path.0.push(Seg::Index(i));
                collect_ignored(fields, item, below, path, out);
                path.0.pop();
            }
        }
        _ => {}
    }
}

/// Whether `pointer` is exactly `base`, `stars` times `/*`, then `/key`.
fn is_child(pointer: &str, base: &str, stars: usize, key: &str) -> bool {
    if pointer.len() < base.len() || !same(&pointer[..base.len()], base) {
        return false;
    }
    let mut rest = &pointer[base.len()..];
    for _ in 0..stars {
        match rest.strip_prefix("/*") {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.strip_prefix('/').is_some_and(|r| same(r, key))
}

/// String equality that never calls libc's `memcmp`, compared a word at a time. For empty
/// strings: an empty `&str` may hold a dangling address, and x86's AVX-512 `memcmp` reads it with
/// a masked load whose fault suppression costs hundreds of cycles (measured: 2.3× the whole
/// DeviceHive validation). For the short tokens and parent pointers the row walks compare: a
/// translation's check of the body it wrote compared a hundred per call, and the call was a
/// seventh of a DeviceHive → SCIM translation's time (`perf`).
pub(crate) fn same(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// [`same`] of bytes.
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut words_a = a.chunks_exact(8);
    let mut words_b = b.chunks_exact(8);
    for (x, y) in words_a.by_ref().zip(words_b.by_ref()) {
        if word(x) != word(y) {
            return false;
        }
    }
    words_a.remainder().iter().zip(words_b.remainder()).all(|(x, y)| x == y)
}

/// [`member`] of a value that is an object.
pub(crate) fn member_of<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_object().and_then(|map| member(map, key))
}

/// Eight bytes as one integer.
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(bytes);
    u64::from_ne_bytes(w)
}

/// A member of a body's object. Bodies are small: a scan that compares lengths first compares
/// one key's bytes, where the map's ordered search calls `memcmp` for every key it passes.
pub(crate) fn member<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() > 8 {
        return map.get(key);
    }
    map.iter().find(|(k, _)| same(k, key)).map(|(_, v)| v)
}

/// The value at an RFC 6901 pointer, if any (a thin alias kept for symmetry with `set`).
pub fn get<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    value.pointer(pointer)
}

/// Builds `params` maps concisely in dialect rules.
pub fn params<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    static FIELDS: &[Field] = &[
        Field::string("/email", "email").required().max(20).format(Format::Email),
        Field::integer("/role", "role").allowed(&["0", "1"]),
        Field::object("/name", "name"),
        Field::string("/name/first", "given_name").required().max(3),
        Field::array("/items", "items"),
        Field::string("/items/*/kind", "kind").required().allowed(&["a", "b"]),
        Field::any("/data", "data"),
    ];

    fn codes(r: &Report) -> Vec<(String, &'static str)> {
        r.errors.iter().map(|v| (v.pointer.to_string(), v.code.as_str())).collect()
    }

    #[test]
    fn valid_input_has_no_errors() {
        let r = validate(FIELDS, &json!({"email": "a@b.co", "role": 1, "name": {"first": "Ann"}, "data": {"x": 1}}));
        assert_eq!(codes(&r), vec![]);
        assert!(r.ignored.is_empty());
    }

    #[test]
    fn every_error_at_once() {
        let r = validate(
            FIELDS,
            &json!({"role": 5, "name": {"first": "Anna"}, "items": [{"kind": "a"}, {"kind": "z"}, {}], "x": 1}),
        );
        assert_eq!(
            codes(&r),
            vec![
                ("/email".into(), "required"),
                ("/role".into(), "not_allowed_value"),
                ("/name/first".into(), "too_long"),
                ("/items/1/kind".into(), "not_allowed_value"),
                ("/items/2/kind".into(), "required"),
            ]
        );
        assert_eq!(r.ignored, vec!["/x".to_string()]);
    }

    #[test]
    fn missing_optional_parent_is_not_an_error() {
        let r = validate(FIELDS, &json!({"email": "a@b.co"}));
        assert!(r.is_valid());
    }

    #[test]
    fn wrong_types_and_formats() {
        let r = validate(FIELDS, &json!({"email": "nope", "role": "1", "name": []}));
        assert_eq!(
            codes(&r),
            vec![
                ("/email".into(), "invalid_email"),
                ("/role".into(), "invalid_type"),
                ("/name".into(), "invalid_type")
            ]
        );
    }

    #[test]
    fn non_object_body() {
        assert_eq!(codes(&validate(FIELDS, &json!([1]))), vec![(String::new(), "invalid_type")]);
    }

    #[test]
    fn ignored_keys_are_escaped_and_nested() {
        let r = validate(FIELDS, &json!({"email": "a@b.co", "name": {"first": "A", "a/b": 1}, "data": {"free": 1}}));
        assert_eq!(r.ignored, vec!["/name/a~1b".to_string()]);
    }
}
