//! Publisher: the publisher users API v2, in JSON **and** XML (docs/dialects/publisher.md).
//!
//! * create: `POST /api/2/users`, body `{"user": …}` ([`CREATE`]) → **200** + [`Summary`]
//! * update (full replace): `PUT /api/2/users/{id}` or `PUT /api/2/users/{email}`, same body → 200 +
//!   [`Summary`]; omitted optional fields are cleared
//! * get: `GET /api/2/users/{id|email}` → 200 + the user object, or 404 + [`ErrorBody`] ref
//!   [`REF_USER_NOT_FOUND`]
//! * archive: `POST /api/2/users/{id|email}/archive` (no body) → 200 + [`Summary`]
//!
//! `Content-Type` / `Accept` pick the syntax: `application/json` (default) or `application/xml`.
//! Both carry the same tree, so the XML reader ([`Publisher::parse`]) builds exactly the JSON
//! value the JSON body would be, and the field table validates either. The vendor documents no
//! length limits (docs/dialects/publisher.md#limits), so the tables state none beyond what a format implies.

use crate::canonical::{self, Link, LinkKind, PhoneKind};
use crate::dialect::{BodyFormat, DialectSpec, Op, parse_json, syntax_violation};
use crate::dialects::index_after;
use crate::fields::{Field, Format, Kind};
use crate::mapping::{Codec, Lit, Slot, slot};
use crate::report::{Code, Report, Violation, push_key};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `status` values (the list filter enumerates the same four).
pub const STATUSES: &[&str] = &["active", "archive", "disable", "suspended"];

/// Error ref: the requested user does not exist (HTTP 404).
pub const REF_USER_NOT_FOUND: u32 = 108;
/// Error ref: a user id is required.
pub const REF_USER_ID_REQUIRED: u32 = 109;
/// Error ref: none of the listed users exist (HTTP 404).
pub const REF_USERS_NOT_FOUND: u32 = 110;
/// Error ref: the user id is badly formatted.
pub const REF_USER_ID_BADLY_FORMATTED: u32 = 113;
/// Error ref: the user id is longer than 50 characters.
pub const REF_USER_ID_TOO_LONG: u32 = 304;
/// Error ref for a body that breaks the field rules. userbridge's own: the vendor's validation
/// ref is undocumented (docs/dialects/publisher.md#errors), so it mirrors the HTTP status instead of guessing one.
pub const REF_INVALID_USER: u32 = 400;

/// Every request and response body is wrapped in a `user` member (`<user>` root in XML).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub user: T,
}

impl<T> Envelope<T> {
    pub fn new(user: T) -> Self {
        Envelope { user }
    }
}

/// The answer to create, update and archive. XML writes `link` as
/// `<atom:link rel="self" href="…"/>`, as the vendor does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub id: i64,
    pub email: String,
    /// The user's URL, `…/api/2/users/{id}`.
    pub link: String,
}

impl Summary {
    pub fn new(id: i64, email: impl Into<String>, link: impl Into<String>) -> Self {
        Summary { id, email: email.into(), link: link.into() }
    }
}

/// One field problem in a validation [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub pointer: String,
    pub code: String,
    pub message: String,
}

/// The error document: `{"error": {…}}` in JSON ([`ErrorEnvelope`]), `<error>…</error>` in XML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub summary: String,
    /// The vendor's error number ([`REF_USER_NOT_FOUND`] …).
    #[serde(rename = "ref")]
    pub reference: u32,
    /// `…/api/2/error/{error id}`: where the vendor explains the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// userbridge's addition for validation errors (a per-field list, docs/dialects/publisher.md#errors). Named and
    /// shaped like the vendor's other repeated elements (`link`), so XML has one `<field>` each.
    #[serde(default, rename = "field", skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ErrorBody {
    pub fn new(reference: u32, summary: impl Into<String>) -> Self {
        ErrorBody { summary: summary.into(), reference, link: None, fields: Vec::new() }
    }

    /// The 404 for an unknown id or email.
    pub fn user_not_found() -> Self {
        ErrorBody::new(REF_USER_NOT_FOUND, "The requested user does not exist")
    }

    /// A 400 carrying every violation of a report.
    pub fn from_report(report: &Report) -> Self {
        ErrorBody {
            fields: report
                .errors
                .iter()
                .map(|v| FieldError {
                    pointer: v.pointer.to_string(),
                    code: v.code.as_str().into(),
                    message: v.message.to_string(),
                })
                .collect(),
            ..ErrorBody::new(REF_INVALID_USER, "The user object is invalid")
        }
    }

    /// The HTTP status the vendor answers with this ref.
    pub fn http_status(&self) -> u16 {
        match self.reference {
            REF_USER_NOT_FOUND | REF_USERS_NOT_FOUND => 404,
            _ => 400,
        }
    }
}

/// `{"error": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// `status`: the vendor has no lock-out state; an administrator's `disable` is closest.
static STATUS: &[(Lit, &str)] = &[
    (Lit::Str("active"), "active"),
    (Lit::Str("disable"), "inactive"),
    (Lit::Str("archive"), "archived"),
    (Lit::Str("suspended"), "suspended"),
    (Lit::Str("disable"), "locked_out"),
];

/// Create and update take the same object (update replaces the whole user), wrapped in `user`.
pub static CREATE: &[Field] = &[
    Field::object("/user", "user").required(),
    Field::integer("/user/id", "id").to(Slot::Id),
    Field::object("/user/name", "name"),
    Field::string("/user/name/firstname", "given_name").to(Slot::GivenName),
    Field::string("/user/name/lastname", "family_name").to(Slot::FamilyName),
    // "Dr".
    Field::string("/user/name/title", "honorific_prefix").to(Slot::HonorificPrefix),
    Field::string("/user/externalid", "external_id").to(Slot::ExternalId),
    Field::string("/user/email", "email").required().format(Format::Email).to_via(Slot::Emails, Codec::Email),
    Field::string("/user/phone", "work_phone").to_via(Slot::Phones, Codec::Phone(PhoneKind::Work)),
    Field::string("/user/jobtitle", "job_title").to(Slot::JobTitle),
    Field::string("/user/mobile", "mobile_phone").to_via(Slot::Phones, Codec::Phone(PhoneKind::Mobile)),
    Field::string("/user/department", "department").to(Slot::Department),
    Field::string("/user/status", "status").allowed(STATUSES).to_via(Slot::Status, Codec::Enum(STATUS)),
    Field::object("/user/organisation", "organization"),
    Field::string("/user/organisation/orgname", "organization_name").to(Slot::OrganizationName),
    Field::integer("/user/organisation/orgid", "organization_id").to(Slot::OrganizationId),
    Field::integer("/user/organisation/orgaddressid", "organization_address_id").to(Slot::OrganizationAddressId),
    // A postal address: the canonical user's first.
    Field::object("/user/location", "address"),
    Field::string("/user/location/addressline1", "address_line1").to(Slot::AddressLine1),
    Field::string("/user/location/addressline2", "address_line2").to(Slot::AddressLine2),
    Field::string("/user/location/city", "locality").to(Slot::AddressLocality),
    Field::string("/user/location/country", "country").to(Slot::AddressCountry),
    Field::string("/user/location/postcode", "postal_code").to(Slot::AddressPostalCode),
    // A picture by URL only.
    Field::string("/user/img", "image_url").format(Format::Url).to(Slot::ImageUrl),
    // Three containers of repeated `link` entries, each an object or an array of objects:
    // checked by `check_links`, mapped by `links_rule`.
    Field::object("/user/sociallinks", "social_links"),
    Field::any("/user/sociallinks/link", "link"),
    Field::object("/user/customlinks", "custom_links"),
    Field::any("/user/customlinks/link", "link"),
    Field::object("/user/messaginglinks", "messaging_links"),
    Field::any("/user/messaginglinks/link", "link"),
    Field::string("/user/secretaryname", "secretary_name").to(Slot::SecretaryName),
    Field::string("/user/secretarymail", "secretary_email")
        .format(Format::Email)
        .to_via(Slot::SecretaryEmail, Codec::EmailAddress),
    Field::string("/user/bio", "bio").to(Slot::Bio),
    // Where credentials are checked.
    Field::string("/user/sourcetype", "auth_source").to(Slot::AuthSource),
    // Comma-separated (`java,dotNet`).
    Field::string("/user/specialities", "specialities").to(Slot::Specialities),
];

/// PUT replaces the user with the object supplied: the same fields as create.
pub static UPDATE: &[Field] = CREATE;

/// The three link containers with their canonical kind (JSON names).
const LINK_CONTAINERS: [(&str, LinkKind); 3] =
    [("sociallinks", LinkKind::Social), ("customlinks", LinkKind::Custom), ("messaginglinks", LinkKind::Messaging)];

/// The dialect.
pub struct Publisher;

impl DialectSpec for Publisher {
    fn name(&self) -> &'static str {
        "publisher"
    }

    fn fields(&self, op: Op) -> &'static [Field] {
        match op {
            Op::Create => CREATE,
            Op::Update => UPDATE,
        }
    }

    fn check(&self, _op: Op, input: &Value, report: &mut Report) {
        let Some(Value::Object(user)) = input.get("user") else {
            return;
        };
        for (container, _) in LINK_CONTAINERS {
            if let Some(Value::Object(c)) = user.get(container)
                && let Some(link) = c.get("link")
            {
                check_links(link, &format!("/user/{container}/link"), report);
            }
        }
    }

    fn parse(&self, op: Op, body: &str, format: BodyFormat) -> Result<Value, Report> {
        match format {
            BodyFormat::Json => parse_json(body),
            BodyFormat::Xml => xml::parse(body, self.fields(op)),
        }
    }

    fn render(&self, value: &Value, format: BodyFormat) -> Result<String, Report> {
        match format {
            BodyFormat::Json => Ok(value.to_string()),
            BodyFormat::Xml => xml::render(value),
        }
    }

    /// Links: each container's `link` is one entry or an array of them.
    fn read_rules(&self, _op: Op, body: &Value, u: &mut canonical::User) {
        for (container, kind) in LINK_CONTAINERS {
            let entries = match body.pointer(&format!("/user/{container}/link")) {
                Some(Value::Array(items)) => items.iter().collect(),
                Some(entry @ Value::Object(_)) => vec![entry],
                _ => Vec::new(),
            };
            u.links.extend(entries.into_iter().map(|e| Link {
                kind,
                name: e.get("name").and_then(Value::as_str).map(str::to_owned),
                value: e.get("value").and_then(Value::as_str).map(str::to_owned),
            }));
        }
    }

    /// The vendor's shape: a lone entry as an object (as in every example), else an array.
    fn write_rules(&self, _op: Op, u: &canonical::User, body: &mut Value) {
        for (container, kind) in LINK_CONTAINERS {
            let mut entries: Vec<Value> = u
                .links
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| {
                    let mut entry = Map::new();
                    if let Some(name) = &l.name {
                        entry.insert("name".into(), Value::from(name.as_str()));
                    }
                    if let Some(value) = &l.value {
                        entry.insert("value".into(), Value::from(value.as_str()));
                    }
                    Value::Object(entry)
                })
                .collect();
            let link = match entries.len() {
                0 => continue,
                1 => entries.pop().unwrap_or_default(),
                _ => Value::Array(entries),
            };
            if let Some(place) = slot(body, &format!("/user/{container}/link")) {
                *place = link;
            }
        }
    }

    /// What `write_rules` then `read_rules` keep, typed: the links of the known kinds, grouped
    /// by container in the vendor's order.
    fn view_rules(&self, _op: Op, u: &canonical::User, kept: &mut canonical::User) {
        for (_, kind) in LINK_CONTAINERS {
            kept.links.extend(u.links.iter().filter(|l| l.kind == kind).cloned());
        }
    }

    fn wire_pointer_rules(&self, _op: Op, u: &canonical::User, canonical: &str) -> Option<String> {
        let i = index_after(canonical, "/links")?;
        let link = u.links.get(i)?;
        let (container, _) = LINK_CONTAINERS.iter().find(|(_, k)| *k == link.kind)?;
        let same: Vec<usize> = (0..u.links.len()).filter(|&j| u.links[j].kind == link.kind).collect();
        let mut p = format!("/user/{container}/link");
        if same.len() > 1 {
            let nth = same.iter().position(|&j| j == i)?;
            p.push_str(&format!("/{nth}"));
        }
        if let Some(leaf) = canonical.rsplit('/').next().filter(|l| *l == "name" || *l == "value") {
            p.push('/');
            p.push_str(leaf);
        }
        Some(p)
    }
}

/// `link` is one entry object or an array of them; an entry has string `name` and `value`.
fn check_links(link: &Value, pointer: &str, report: &mut Report) {
    match link {
        Value::Null => {}
        Value::Object(entry) => check_link_entry(entry, pointer, report),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = format!("{pointer}/{i}");
                match item {
                    Value::Object(entry) => check_link_entry(entry, &p, report),
                    _ => report.push(Violation::new(p, Code::InvalidType).param("expected", "object")),
                }
            }
        }
        _ => report.push(Violation::new(pointer.to_owned(), Code::InvalidType).param("expected", "object or array")),
    }
}

fn check_link_entry(entry: &Map<String, Value>, pointer: &str, report: &mut Report) {
    for (key, value) in entry {
        let mut p = pointer.to_owned();
        push_key(&mut p, key);
        match key.as_str() {
            "name" | "value" => {
                if !value.is_string() && !value.is_null() {
                    report.push(Violation::new(p, Code::InvalidType).param("expected", "string"));
                }
            }
            // `Kind::Any` stops the generic walk, so unknown keys are listed here.
            _ => report.ignored.push(p),
        }
    }
}

/// The XML form: a reader that builds the JSON body's value, and a writer for any body.
mod xml {
    use super::*;
    use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
    use quick_xml::{Reader, Writer, XmlVersion};

    /// Deeper than any user object; bounds the work a hostile document can cause (serde_json
    /// stops at 128 as well).
    const MAX_DEPTH: usize = 128;
    const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

    /// An element being read.
    struct Frame {
        /// The JSON key (the element name, mapped from XML spelling).
        key: String,
        /// The JSON pointer shape of the element, for typing leaves by the field table.
        shape: String,
        children: Map<String, Value>,
        text: String,
        start: usize,
    }

    /// The JSON name of an XML element under `parent` (a pointer shape).
    fn json_key(parent: &str, name: &str) -> String {
        match (parent, name) {
            ("/user", "sociallink") => "sociallinks".into(),
            ("/user", "customlink") => "customlinks".into(),
            ("/user", "messaginglink") => "messaginglinks".into(),
            ("/user", "atom:link") => "link".into(),
            ("/user/location", "postCode") => "postcode".into(),
            _ => name.into(),
        }
    }

    /// The XML name of a JSON member under `parent`: the vendor's spelling.
    fn xml_name<'a>(parent: &str, key: &'a str) -> &'a str {
        match (parent, key) {
            ("/user", "customlinks") => "customlink",
            ("/user", "messaginglinks") => "messaginglink",
            ("/user/location", "postcode") => "postCode",
            _ => key,
        }
    }

    /// Line and column (1-based, in characters) of a byte offset, for people reading the body.
    fn position(body: &str, offset: usize) -> (usize, usize) {
        let mut at = offset.min(body.len());
        while !body.is_char_boundary(at) {
            at -= 1;
        }
        let before = &body[..at];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    fn syntax(body: &str, offset: usize, detail: &str) -> Report {
        let (line, column) = position(body, offset);
        Report::single(syntax_violation(line, column, detail))
    }

    /// Types a leaf by the field table: integers become numbers (text that is not one stays a
    /// string, so the validator reports `invalid_type` at the right pointer); an empty object
    /// field is `{}`.
    fn leaf(text: String, shape: &str, fields: &[Field]) -> Value {
        match fields.iter().find(|f| f.pointer == shape).map(|f| f.kind) {
            Some(Kind::Integer) => text.trim().parse::<i64>().map_or(Value::String(text), Value::from),
            Some(Kind::Boolean) => match text.trim() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(text),
            },
            Some(Kind::Object | Kind::Map) if text.trim().is_empty() => Value::Object(Map::new()),
            _ => Value::String(text),
        }
    }

    /// Adds a member; a repeated element becomes an array (XML has no other way to say one).
    fn insert(map: &mut Map<String, Value>, key: String, value: Value) {
        match map.get_mut(&key) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None => {
                map.insert(key, value);
            }
        }
    }

    fn predefined(name: &str) -> Option<char> {
        match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => None,
        }
    }

    /// Reads `<user>…</user>` (or any root) into `{"<root>": {…}}`. DOCTYPE is refused and
    /// entities other than the five predefined ones and character references are errors, so
    /// nothing is ever expanded or fetched (no XXE, no entity bombs).
    pub fn parse(body: &str, fields: &[Field]) -> Result<Value, Report> {
        let mut reader = Reader::from_str(body);
        reader.config_mut().check_end_names = true;
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Value> = None;
        loop {
            let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                    return Err(syntax(body, at, &e.to_string()));
                }
            };
            match event {
                Event::Start(_) | Event::Empty(_) if root.is_some() && stack.is_empty() => {
                    return Err(syntax(body, start, "more than one root element"));
                }
                Event::Start(e) => open(&e, &mut stack, body, start)?,
                Event::Empty(e) => {
                    open(&e, &mut stack, body, start)?;
                    close(&mut stack, &mut root, body, fields)?;
                }
                Event::End(_) => close(&mut stack, &mut root, body, fields)?,
                Event::Text(t) => {
                    let text = t.xml10_content();
                    match stack.last_mut() {
                        Some(frame) => frame.text.push_str(&text),
                        None if text.chars().all(|c| c.is_whitespace() || c == '\u{feff}') => {}
                        None => return Err(syntax(body, start, "text outside the root element")),
                    }
                }
                Event::CData(t) => match stack.last_mut() {
                    Some(frame) => frame.text.push_str(&t.xml10_content()),
                    None => return Err(syntax(body, start, "CDATA outside the root element")),
                },
                Event::GeneralRef(r) => {
                    let c = if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) => c,
                            _ => {
                                return Err(syntax(body, start, &format!("invalid character reference &{};", &*r)));
                            }
                        }
                    } else {
                        match predefined(&r) {
                            Some(c) => c,
                            None => {
                                let detail = format!("unknown entity &{};: entities are not expanded", &*r);
                                return Err(syntax(body, start, &detail));
                            }
                        }
                    };
                    match stack.last_mut() {
                        Some(frame) => frame.text.push(c),
                        None => {
                            return Err(syntax(body, start, "reference outside the root element"));
                        }
                    }
                }
                Event::DocType(_) => return Err(syntax(body, start, "DOCTYPE is not allowed")),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => {
                    if let Some(frame) = stack.last() {
                        let detail = format!("element <{}> is not closed", frame.key);
                        return Err(syntax(body, body.len(), &detail));
                    }
                    return root.ok_or_else(|| syntax(body, body.len(), "no root element"));
                }
            }
        }
    }

    fn open(e: &BytesStart<'_>, stack: &mut Vec<Frame>, body: &str, start: usize) -> Result<(), Report> {
        if stack.len() >= MAX_DEPTH {
            return Err(syntax(body, start, &format!("elements nested deeper than {MAX_DEPTH}")));
        }
        let name = e.name().into_inner();
        let parent = stack.last().map_or("", |f| f.shape.as_str());
        let key = json_key(parent, name);
        let mut shape = parent.to_owned();
        push_key(&mut shape, &key);
        let mut text = String::new();
        // Attributes carry nothing in a user object, but they must be well-formed; the summary's
        // `<atom:link href="…"/>` carries the link.
        for attr in e.attributes() {
            let attr = attr.map_err(|err| syntax(body, start, &err.to_string()))?;
            let value =
                attr.normalized_value(XmlVersion::Implicit1_0).map_err(|err| syntax(body, start, &err.to_string()))?;
            if name == "atom:link" && attr.key.into_inner() == "href" {
                text = value.into_owned();
            }
        }
        stack.push(Frame { key, shape, children: Map::new(), text, start });
        Ok(())
    }

    fn close(stack: &mut Vec<Frame>, root: &mut Option<Value>, body: &str, fields: &[Field]) -> Result<(), Report> {
        let Some(frame) = stack.pop() else {
            return Ok(());
        };
        let value = if frame.children.is_empty() {
            leaf(frame.text, &frame.shape, fields)
        } else if frame.text.trim().is_empty() {
            Value::Object(frame.children)
        } else {
            return Err(syntax(body, frame.start, &format!("element <{}> mixes text and elements", frame.key)));
        };
        match stack.last_mut() {
            Some(parent) => insert(&mut parent.children, frame.key, value),
            None => {
                let mut map = Map::new();
                map.insert(frame.key, value);
                *root = Some(Value::Object(map));
            }
        }
        Ok(())
    }

    /// Names an XML 1.0 element may have (ASCII subset plus any non-ASCII letter).
    fn is_name(s: &str) -> bool {
        let mut chars = s.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        let start = |c: char| c.is_alphabetic() || c == '_' || c == ':';
        start(first) && chars.all(|c| start(c) || c.is_alphanumeric() || c == '-' || c == '.')
    }

    /// Escapes text so the reader gives it back exactly: `\r` would otherwise be normalized.
    fn escape(s: &str, pointer: &str) -> Result<String, Report> {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\r' => out.push_str("&#13;"),
                '\t' | '\n' => out.push(c),
                c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                    return Err(Report::single(
                        Violation::new(pointer.to_owned(), Code::InvalidType)
                            .param("expected", "text XML 1.0 can carry"),
                    ));
                }
                c => out.push(c),
            }
        }
        Ok(out)
    }

    type Out = Writer<Vec<u8>>;

    fn io(pointer: &str) -> impl Fn(std::io::Error) -> Report + '_ {
        move |e| Report::single(Violation::new(pointer.to_owned(), Code::InvalidType).param("expected", e.to_string()))
    }

    /// Writes a body (`{"user": …}`, a summary or `{"error": …}`) as the vendor's XML.
    pub fn render(value: &Value) -> Result<String, Report> {
        let root = match value {
            Value::Object(map) if map.len() == 1 => map.iter().next(),
            _ => None,
        };
        let Some((name, content)) = root else {
            return Err(Report::single(
                Violation::new("", Code::InvalidType).param("expected", "an object with one member"),
            ));
        };
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), Some("yes")))).map_err(io(""))?;
        let mut pointer = String::new();
        push_key(&mut pointer, name);
        let atom = name == "user" && content.get("link").is_some_and(Value::is_string);
        element(&mut w, name, content, &mut pointer, atom)?;
        String::from_utf8(w.into_inner()).map_err(|e| io("")(std::io::Error::other(e)))
    }

    fn element(w: &mut Out, name: &str, value: &Value, pointer: &mut String, atom_ns: bool) -> Result<(), Report> {
        if !is_name(name) {
            return Err(Report::single(
                Violation::new(pointer.clone(), Code::InvalidType).param("expected", "an XML element name"),
            ));
        }
        let mut start = BytesStart::new(name);
        if atom_ns {
            start.push_attribute(("xmlns:atom", ATOM_NS));
        }
        match value {
            Value::Null => Ok(()),
            Value::Array(items) => {
                let len = pointer.len();
                for (i, item) in items.iter().enumerate() {
                    if item.is_array() {
                        return Err(Report::single(
                            Violation::new(format!("{pointer}/{i}"), Code::InvalidType)
                                .param("expected", "not an array"),
                        ));
                    }
                    pointer.push_str(&format!("/{i}"));
                    element(w, name, item, pointer, false)?;
                    pointer.truncate(len);
                }
                Ok(())
            }
            Value::Object(map) if map.is_empty() => w.write_event(Event::Empty(start)).map_err(io(pointer)),
            Value::Object(map) => {
                w.write_event(Event::Start(start)).map_err(io(pointer))?;
                let shape = shape_of(pointer);
                let mut members: Vec<(&String, &Value)> = map.iter().collect();
                members.sort_by_key(|(key, _)| order(&shape, key));
                for (key, child) in members {
                    let len = pointer.len();
                    push_key(pointer, key);
                    if let (true, Some(href)) = (shape == "/user" && key == "link", child.as_str()) {
                        // Checked for characters XML cannot carry; the attribute escapes the rest.
                        escape(href, pointer)?;
                        let mut link = BytesStart::new("atom:link");
                        link.push_attribute(("rel", "self"));
                        link.push_attribute(("href", href));
                        w.write_event(Event::Empty(link)).map_err(io(pointer))?;
                    } else {
                        element(w, xml_name(&shape, key), child, pointer, false)?;
                    }
                    pointer.truncate(len);
                }
                w.write_event(Event::End(BytesEnd::new(name))).map_err(io(pointer))
            }
            scalar => {
                let text = match scalar {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if text.is_empty() {
                    return w.write_event(Event::Empty(start)).map_err(io(pointer));
                }
                let escaped = escape(&text, pointer)?;
                w.write_event(Event::Start(start)).map_err(io(pointer))?;
                w.write_event(Event::Text(BytesText::from_escaped(escaped))).map_err(io(pointer))?;
                w.write_event(Event::End(BytesEnd::new(name))).map_err(io(pointer))
            }
        }
    }

    /// Members in the vendor's order (the field table follows the documentation), so the XML reads
    /// like the vendor's own; unknown members go last.
    fn order(shape: &str, key: &str) -> usize {
        const ERROR: [&str; 4] = ["summary", "ref", "link", "field"];
        if shape == "/error" {
            return ERROR.iter().position(|k| *k == key).unwrap_or(usize::MAX);
        }
        let mut pointer = shape.to_owned();
        push_key(&mut pointer, key);
        CREATE.iter().position(|f| f.pointer == pointer).unwrap_or(usize::MAX)
    }

    /// `/user/sociallinks/link/0` → `/user/sociallinks/link`: the pointer without array indices.
    fn shape_of(pointer: &str) -> String {
        let mut out = String::new();
        for token in pointer.split('/').skip(1) {
            if !token.chars().all(|c| c.is_ascii_digit()) || token.is_empty() {
                out.push('/');
                out.push_str(token);
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn positions_count_characters() {
            assert_eq!(position("ab\ncd", 4), (2, 2));
            assert_eq!(position("é<", 2), (1, 2));
            assert_eq!(position("é", 1), (1, 1));
            assert_eq!(position("", 10), (1, 1));
        }

        #[test]
        fn shapes_drop_indices() {
            assert_eq!(shape_of("/user/sociallinks/link/0/name"), "/user/sociallinks/link/name");
        }

        #[test]
        fn names() {
            assert!(is_name("postCode") && is_name("atom:link") && !is_name("1a") && !is_name("a b") && !is_name(""));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_statuses() {
        assert_eq!(ErrorBody::user_not_found().http_status(), 404);
        assert_eq!(ErrorBody::new(REF_USER_ID_BADLY_FORMATTED, "x").http_status(), 400);
    }

    #[test]
    fn links_use_the_vendor_shape() {
        let link = |kind, name: &str| Link { kind, name: Some(name.into()), value: None };
        let u = canonical::User {
            links: vec![link(LinkKind::Social, "a"), link(LinkKind::Custom, "b"), link(LinkKind::Custom, "c")],
            ..canonical::User::default()
        };
        let body = Publisher.from_canonical(Op::Create, &u);
        assert_eq!(body["user"]["sociallinks"]["link"], serde_json::json!({"name": "a"}), "one entry: an object");
        assert_eq!(body["user"]["customlinks"]["link"], serde_json::json!([{"name": "b"}, {"name": "c"}]));
        assert!(body["user"].get("messaginglinks").is_none(), "none: no container");
        assert_eq!(Publisher.to_canonical(Op::Create, &body).map(|back| back.links).ok(), Some(u.links));
    }
}
