//! learningcloud: the learning platform's management web services (the vendor's "Create user" and
//! "Update user" pages; docs/dialects/learningcloud.md).
//!
//! * list: `GET /integration/ws/management/rest/users?startIndex=&count=` (count ≤ 500)
//! * get: `GET …/users/{idOrUsername}` → 200 + the flat [`User`] (not the envelope)
//! * create: `POST …/users`, body [`CREATE`] → [`Envelope::created`]; 400 when the username
//!   is missing or taken
//! * update: `PUT …/users/{idOrUsername}`, body [`UPDATE`] → [`Envelope::no_content`]
//! * change password: `PUT …/users/{idOrUsername}/changePassword`, body [`ChangePassword`]
//! * activate / deactivate: `PUT …/users/{idOrUsername}/activate|deactivate` (deactivate takes an
//!   optional [`Deactivate`] body)
//! * delete: `DELETE …/users/{idOrUsername}` → [`Envelope::no_content`]
//!
//! Auth is the static tenant token in `X-Cloud-Auth-Token`; `X-Cloud-Synchronization:
//! synchronous|asynchronous` (absent = synchronous) decides whether platforms answer 2xx or 202.
//! The docs name the body parameter `user*` but show no example, so both `{"user": {…}}` and the
//! bare object are accepted ([`DialectSpec::prepare`]); bodies written by userbridge are bare.

use crate::canonical::{self, Password, PhoneKind, Status};
use crate::dialect::{DialectSpec, Op};
use crate::fields::{self, Field, Format};
use crate::mapping::{ACTIVE, Codec, LocaleStyle, Slot};
use crate::report::{Code, Pointer, Report, Violation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// `roles.management` must hold at least one of these, or the user could not sign in at all.
pub const MANAGEMENT_ROLES: &[&str] = &["user", "groupadmin", "admin"];
pub const TRAINING_ROLES: &[&str] = &["user", "trainer", "groupadmin", "admin"];
pub const SOCIAL_ROLES: &[&str] = &["user", "admin"];
/// `play` on create: the create doc predates `groupadmin`.
pub const CREATE_PLAY_ROLES: &[&str] = &["user", "author", "validator", "admin"];
pub const UPDATE_PLAY_ROLES: &[&str] = &["user", "author", "validator", "admin", "groupadmin"];
/// Update only.
pub const TALENT_ROLES: &[&str] = &["admin", "employee"];
/// Update only.
pub const CONTENT_ROLES: &[&str] = &["author", "manager", "reviewer", "projectowner"];

/// Role sections and their values on create (seed 004).
pub static CREATE_SECTIONS: &[(&str, &[&str])] = &[
    ("management", MANAGEMENT_ROLES),
    ("training", TRAINING_ROLES),
    ("social", SOCIAL_ROLES),
    ("play", CREATE_PLAY_ROLES),
];

/// Role sections and their values on update (seed 000): `talent` and `content` are newer.
pub static UPDATE_SECTIONS: &[(&str, &[&str])] = &[
    ("management", MANAGEMENT_ROLES),
    ("training", TRAINING_ROLES),
    ("social", SOCIAL_ROLES),
    ("play", UPDATE_PLAY_ROLES),
    ("talent", TALENT_ROLES),
    ("content", CONTENT_ROLES),
];

/// The role sections of an operation.
pub fn sections(op: Op) -> &'static [(&'static str, &'static [&'static str])] {
    match op {
        Op::Create => CREATE_SECTIONS,
        Op::Update => UPDATE_SECTIONS,
    }
}

/// The platforms an envelope reports on, in the vendor's order.
pub const PLATFORMS: &[&str] = &["training", "social", "play", "management"];

/// Whether a path segment is an internal id (32 lowercase hex) rather than a username: the
/// vendor does not say how it tells them apart, so userbridge fixes this rule
/// (docs/dialects/learningcloud.md#paths).
pub fn is_user_id(segment: &str) -> bool {
    segment.len() == 32 && segment.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The picture as read back: only the URL form exists on reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    pub url: String,
}

/// The read representation (`GET …/users/{idOrUsername}`): flat, nulls written out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// 32 lowercase hex characters ([`is_user_id`]).
    pub id: String,
    pub username: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub surname: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub office_phone: Option<String>,
    #[serde(default)]
    pub mobile_phone: Option<String>,
    #[serde(default)]
    pub interests: Option<String>,
    #[serde(default)]
    pub about_me: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub image: Option<ImageRef>,
    #[serde(default)]
    pub roles: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub extra: Map<String, Value>,
}

/// One platform's part of an [`Envelope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformResponse {
    pub status: u16,
    pub location: Option<String>,
    pub message: Option<String>,
}

impl PlatformResponse {
    fn status(status: u16) -> Self {
        PlatformResponse { status, location: None, message: None }
    }
}

/// The answer to every write: an overall status plus one per downstream platform, because in
/// synchronous mode a platform can fail while the others succeed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub status: u16,
    /// Null in every vendor example; the new user's URL travels in the `Location` header.
    pub location: Option<String>,
    pub message: Option<String>,
    #[serde(default)]
    pub response_platforms: BTreeMap<String, PlatformResponse>,
}

impl Envelope {
    /// Create succeeded (seed 004): every platform 201, except that asynchronously the queued
    /// platforms (training, social) answer 202.
    pub fn created(sync: bool) -> Self {
        Envelope::answer(201, |p| if !sync && queued(p) { 202 } else { 201 })
    }

    /// Update, activate, deactivate or delete succeeded (seed 000): synchronously training
    /// answers 200 and the others 204; asynchronously the queued platforms answer 202.
    pub fn no_content(sync: bool) -> Self {
        Envelope::answer(204, |p| match (sync, p) {
            (true, "training") => 200,
            (false, p) if queued(p) => 202,
            _ => 204,
        })
    }

    /// Password changed: that service only concerns the management platform (docs/dialects/learningcloud.md#paths;
    /// the status is not documented, 204 follows update).
    pub fn password_changed() -> Self {
        let mut e = Envelope::answer(204, |_| 204);
        e.response_platforms.retain(|p, _| p == "management");
        e
    }

    /// A failure before any platform was called: no per-platform answers.
    pub fn error(status: u16, message: impl Into<String>) -> Self {
        Envelope { status, location: None, message: Some(message.into()), response_platforms: BTreeMap::new() }
    }

    /// A 400 naming every violation, since the vendor's envelope has only one message.
    pub fn invalid(report: &Report) -> Self {
        let details: Vec<String> = report.errors.iter().map(|v| format!("{}: {}", v.pointer, v.message)).collect();
        Envelope::error(400, format!("Invalid user: {}", details.join("; ")))
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn answer(status: u16, per_platform: impl Fn(&str) -> u16) -> Self {
        Envelope {
            status,
            location: None,
            message: Some(String::new()),
            response_platforms: PLATFORMS
                .iter()
                .map(|p| ((*p).to_owned(), PlatformResponse::status(per_platform(p))))
                .collect(),
        }
    }
}

/// Platforms fed through a queue in asynchronous mode (they only acknowledge).
fn queued(platform: &str) -> bool {
    matches!(platform, "training" | "social")
}

/// `PUT …/changePassword` body: the only way to change a password after create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangePassword {
    pub new_password: Password,
}

impl ChangePassword {
    pub fn new(new_password: impl Into<String>) -> Self {
        ChangePassword { new_password: Password::new(new_password) }
    }
}

/// `PUT …/deactivate` body, optional: the message is shown to the user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deactivate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

pub static CHANGE_PASSWORD: &[Field] = &[Field::string("/newPassword", "password").required().min(1).write_only()];

pub static DEACTIVATE: &[Field] = &[Field::string("/message", "message")];

/// `POST …/users` (seed 004) and `PUT …/users/{idOrUsername}` (seed 000). Create needs only a
/// `username` (a taken one is a 400, not a 409); update is a full replacement with six required
/// fields, and a different `username` renames the user.
const ROWS: &[Field] = &[
    Field::string("/username", "username").required().min(1).to_via(Slot::Username, Codec::NonEmpty),
    // Create only; later changes go through [`ChangePassword`].
    Field::string("/password", "password").write_only().to(Slot::Password).only(Op::Create),
    Field::string("/name", "given_name").to(Slot::GivenName).required_on(Op::Update).min_on(Op::Update, 1),
    Field::string("/surname", "family_name").to(Slot::FamilyName).required_on(Op::Update).min_on(Op::Update, 1),
    Field::string("/language", "language")
        .format(Format::Language)
        .to_via(Slot::Language, LANGUAGE)
        .required_on(Op::Update),
    Field::string("/timezone", "timezone")
        .format(Format::Timezone)
        .to_via(Slot::TimeZone, Codec::TimeZone)
        .required_on(Op::Update),
    Field::string("/email", "email").format(Format::Email).to_via(Slot::Emails, Codec::Email).required_on(Op::Update),
    Field::string("/officePhone", "work_phone").to_via(Slot::Phones, Codec::Phone(PhoneKind::Work)),
    Field::string("/mobilePhone", "mobile_phone").to_via(Slot::Phones, Codec::Phone(PhoneKind::Mobile)),
    Field::string("/interests", "interests").to(Slot::Interests),
    Field::string("/aboutMe", "bio").to(Slot::Bio),
    // Free text, not an address.
    Field::string("/location", "location").to(Slot::Location),
    // Where credentials are checked; the vendor assumes `LOCAL` when absent.
    Field::string("/authSource", "auth_source").to(Slot::AuthSource),
    // By reference or inline, never both (the vendor has one slot): `check_image`. The URL is
    // validated, never fetched.
    Field::object("/image", "image"),
    Field::string("/image/url", "image_url").format(Format::Url).to(Slot::ImageUrl),
    Field::string("/image/base64Image", "image_data").format(Format::Base64).to(Slot::ImageData),
    Field::string("/image/mimeType", "image_mime_type").format(Format::ImageMime).to(Slot::ImageMimeType),
    Field::boolean("/enabled", "status").to_via(Slot::Status, Codec::Enum(ACTIVE)),
    // Section → roles ([`sections`]); `management` needs one of [`MANAGEMENT_ROLES`].
    Field::map("/roles", "roles").to_via(Slot::Roles, Codec::Rule),
    // Customer-defined extended fields (keys come from the extended-fields service).
    Field::map("/extendedFields", "extended_fields").to(Slot::ExtendedFields).only(Op::Update),
    Field::string("/externalId", "external_id").to(Slot::ExternalId).only(Op::Update),
    // Undocumented, kept as sent.
    Field::map("/extra", "extra").to(Slot::Extra).only(Op::Update),
];

pub static CREATE: [Field; fields::count(ROWS, Op::Create)] = fields::select(ROWS, Op::Create);
pub static UPDATE: [Field; fields::count(ROWS, Op::Update)] = fields::select(ROWS, Op::Update);

/// The vendor takes a bare ISO 639-1 language: `pt-BR` narrows to `pt`.
const LANGUAGE: Codec = Codec::Locale(LocaleStyle::Language);

/// The dialect.
pub struct LearningCloud;

impl DialectSpec for LearningCloud {
    fn name(&self) -> &'static str {
        "learningcloud"
    }

    fn fields(&self, op: Op) -> &'static [Field] {
        match op {
            Op::Create => &CREATE,
            Op::Update => &UPDATE,
        }
    }

    /// `{"user": {…}}` with nothing beside `user` is the documented parameter name taken
    /// literally; anything else is the bare object.
    fn prepare<'a>(&self, _op: Op, input: &'a Value) -> (Cow<'a, Value>, &'static str) {
        if let Value::Object(map) = input
            && map.len() == 1
            && let Some(inner @ Value::Object(_)) = map.get("user")
        {
            return (Cow::Borrowed(inner), "/user");
        }
        (Cow::Borrowed(input), "")
    }

    fn check(&self, op: Op, input: &Value, report: &mut Report) {
        if let Some(Value::Object(image)) = input.get("image") {
            check_image(image, report);
        }
        if let Some(Value::Object(roles)) = input.get("roles") {
            check_roles(op, roles, report);
        }
    }

    /// Roles are held as sent.
    fn read_rules(&self, _op: Op, body: &Value, u: &mut canonical::User) {
        if let Some(roles) = body.get("roles") {
            Slot::Roles.put(u, roles.clone());
        }
    }

    /// Role sections and roles the operation does not know are left out (and reported as lost).
    fn write_rules(&self, op: Op, u: &canonical::User, body: &mut Value) {
        let roles: Map<String, Value> =
            known_roles(op, u).map(|(section, kept)| (section.clone(), kept.collect())).collect();
        if let (Value::Object(body), false) = (body, roles.is_empty()) {
            body.insert("roles".into(), Value::Object(roles));
        }
    }

    /// What `write_rules` then `read_rules` keep, typed.
    fn view_rules(&self, op: Op, u: &canonical::User, kept: &mut canonical::User) {
        let roles: BTreeMap<String, Vec<String>> =
            known_roles(op, u).map(|(section, list)| (section.clone(), list.map(str::to_owned).collect())).collect();
        if !roles.is_empty() {
            kept.roles = roles;
        }
    }
}

/// The user's role sections the operation knows, each with the roles it knows.
fn known_roles(op: Op, u: &canonical::User) -> impl Iterator<Item = (&String, impl Iterator<Item = &str>)> {
    let allowed = sections(op);
    u.roles.iter().filter_map(move |(section, list)| {
        let values = allowed.iter().find(|(s, _)| s == section)?.1;
        Some((section, list.iter().map(String::as_str).filter(move |r| values.contains(r))))
    })
}

/// The read representation (`GET …/users/{idOrUsername}`) of a stored user. A user nobody
/// disabled is enabled; an inline picture has no URL to show, so reads leave it out; role
/// sections are those the update operation knows.
pub fn read(u: &canonical::User) -> User {
    let roles = u
        .roles
        .iter()
        .filter(|(section, _)| UPDATE_SECTIONS.iter().any(|(s, _)| s == section))
        .map(|(s, r)| (s.clone(), r.clone()))
        .collect();
    User {
        id: u.uid.clone().unwrap_or_default(),
        username: u.username.clone().unwrap_or_default(),
        name: u.name.given.clone(),
        surname: u.name.family.clone(),
        email: u.primary_email().map(|e| e.value.to_string()),
        enabled: u.status.is_none_or(|s| s == Status::Active),
        language: u.language.as_ref().filter(|l| l.is_known()).map(|l| l.language().to_owned()),
        timezone: u.timezone.as_ref().filter(|t| t.is_known()).map(|t| t.to_string()),
        office_phone: u.phone(PhoneKind::Work).map(|p| p.value.clone()),
        mobile_phone: u.phone(PhoneKind::Mobile).map(|p| p.value.clone()),
        interests: u.interests.clone(),
        about_me: u.bio.clone(),
        location: u.location.clone(),
        image: match &u.image {
            Some(canonical::Image::Url(url)) => Some(ImageRef { url: url.clone() }),
            _ => None,
        },
        roles,
        extra: match &u.extra {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        },
    }
}

fn present(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).is_some_and(|v| !v.is_null())
}

/// The image is a URL or inline data; `mimeType` belongs to the inline form only.
fn check_image(image: &Map<String, Value>, report: &mut Report) {
    let (url, data, mime) = (present(image, "url"), present(image, "base64Image"), present(image, "mimeType"));
    if url == data {
        report.push(Violation::new("/image", Code::OneOf).param("fields", json!(["url", "base64Image"])));
    } else if data && !mime {
        report.push(Violation::new("/image/mimeType", Code::Required));
    } else if url && mime {
        report.push(Violation::new("/image/mimeType", Code::NotAllowedField).param("with", "url"));
    }
}

/// Role sections and values per operation, and the mandatory management role.
fn check_roles(op: Op, roles: &Map<String, Value>, report: &mut Report) {
    let known = sections(op);
    let base = Pointer::root().key("roles");
    for (section, value) in roles {
        let at = base.key(section);
        let Some((_, allowed)) = known.iter().find(|(s, _)| s == section) else {
            let names: Vec<&str> = known.iter().map(|(s, _)| *s).collect();
            report.push(Violation::new(at, Code::NotAllowedValue).param("allowed", json!(names)));
            continue;
        };
        let Value::Array(items) = value else {
            report.push(Violation::new(at, Code::InvalidType).param("expected", "array"));
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                None => report.push(Violation::new(at.index(i), Code::InvalidType).param("expected", "string")),
                Some(role) if !allowed.contains(&role) => {
                    report.push(Violation::new(at.index(i), Code::NotAllowedValue).param("allowed", json!(allowed)))
                }
                Some(_) => {}
            }
        }
    }
    let has_management =
        |items: &[Value]| items.iter().any(|r| r.as_str().is_some_and(|r| MANAGEMENT_ROLES.contains(&r)));
    match roles.get("management") {
        Some(Value::Array(items)) if has_management(items) => {}
        // A non-array section is already an `invalid_type`.
        Some(v) if !v.is_array() => {}
        _ => report
            .push(Violation::new(base.key("management"), Code::MissingValue).param("allowed", json!(MANAGEMENT_ROLES))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_or_username() {
        assert!(is_user_id("ff808181556ee70e015572136a250012"));
        assert!(!is_user_id("FF808181556EE70E015572136A250012"));
        assert!(!is_user_id("restuser.acme"));
        assert!(!is_user_id("ff808181556ee70e015572136a25001"));
    }

    #[test]
    fn read_shows_what_learningcloud_holds() {
        let u: canonical::User = serde_json::from_value(json!({
            "uid": "ab", "username": "ana", "status": "suspended", "language": "pt-BR",
            "image": {"inline": {"base64": "AAAA", "mime_type": "image/png"}},
            "roles": {"management": ["user"], "custom": ["x"]}, "company_id": 3,
        }))
        .unwrap_or_default();
        let r = read(&u);
        assert_eq!((r.id.as_str(), r.username.as_str()), ("ab", "ana"));
        assert!(!r.enabled, "any status but active reads as disabled");
        assert_eq!(r.language.as_deref(), Some("pt"));
        assert_eq!(r.image, None, "an inline picture has no URL to show");
        assert_eq!(r.roles.keys().collect::<Vec<_>>(), ["management"]);
        assert!(read(&canonical::User::default()).enabled, "nobody disabled it");
    }

    #[test]
    fn only_a_lone_user_key_is_a_wrapper() {
        let lc = LearningCloud;
        let wrapped = json!({"user": {"username": "a"}});
        assert_eq!(lc.prepare(Op::Create, &wrapped), (Cow::Owned(json!({"username": "a"})), "/user"));
        let beside = json!({"user": {"username": "a"}, "username": "b"});
        assert_eq!(lc.prepare(Op::Create, &beside).1, "");
        let scalar = json!({"user": "a"});
        assert_eq!(lc.prepare(Op::Create, &scalar).1, "");
    }
}
