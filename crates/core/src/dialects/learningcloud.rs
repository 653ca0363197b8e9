//! learningcloud: the learning platform's management web services (the vendor's "Create user" and
//! "Update user" pages; docs/dialects/learningcloud.md).
//!
//! * list: `GET /integration/ws/management/rest/users?startIndex=&count=` (count ≤ 500)
//! * get: `GET …/users/{idOrUsername}` → 200 + the flat [`User`] (not the envelope)
//! * create: `POST …/users`, body [`CreateUser`] → [`Envelope::created`]; 400 when the username
//!   is missing or taken
//! * update: `PUT …/users/{idOrUsername}`, body [`UpdateUser`] → [`Envelope::no_content`]
//! * change password: `PUT …/users/{idOrUsername}/changePassword`, body [`ChangePassword`]
//! * activate / deactivate: `PUT …/users/{idOrUsername}/activate|deactivate` (deactivate takes an
//!   optional [`Deactivate`] body)
//! * delete: `DELETE …/users/{idOrUsername}` → [`Envelope::no_content`]
//!
//! Auth is the static tenant token in `X-Cloud-Auth-Token`; `X-Cloud-Synchronization:
//! synchronous|asynchronous` (absent = synchronous) decides whether platforms answer 2xx or 202.
//! The docs name the body parameter `user*` but show no example, so both `{"user": {…}}` and the
//! bare object are accepted ([`DialectSpec::prepare`]); bodies written by userbridge are bare.

use crate::canonical::{self, EmailAddress, Locale, Password, PhoneKind, Status, TimeZone};
use crate::dialect::{Dialect, DialectSpec, Op, deserialize, map_pointer, unmap_pointer};
use crate::dialects::index_after;
use crate::fields::{Field, Format};
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

/// A profile picture: by reference or inline, never both (the vendor has one slot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Image {
    /// `{"url": …}`: an absolute http(s) URL. The facade validates it but never fetches it.
    Url { url: String },
    /// `{"base64Image": …, "mimeType": …}`: standard padded base64 and an `image/*` type.
    Inline {
        #[serde(rename = "base64Image")]
        base64_image: String,
        #[serde(rename = "mimeType")]
        mime_type: String,
    },
}

/// `POST …/users` body. Only `username` is required: the vendor answers 400 without it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUser {
    /// Required; unique (a taken username is a 400, not a 409).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Create only; later changes go through [`ChangePassword`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,
    /// Given name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Family name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// ISO 639-1 code (`en`, `es`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// IANA time zone (`Europe/London`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interests: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about_me: Option<String>,
    /// Free text, not an address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Where credentials are checked; the vendor assumes `LOCAL` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Section → roles, see [`CREATE_SECTIONS`]; `management` needs one of [`MANAGEMENT_ROLES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<BTreeMap<String, Vec<String>>>,
}

impl CreateUser {
    /// The one required field; everything else starts unset.
    pub fn new(username: impl Into<String>) -> Self {
        CreateUser { username: Some(username.into()), ..CreateUser::default() }
    }
}

/// `PUT …/users/{idOrUsername}` body: a full replacement with six required fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUser {
    /// Required; a different value renames the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// Required, ISO 639-1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Required, IANA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interests: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about_me: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Section → roles, see [`UPDATE_SECTIONS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<BTreeMap<String, Vec<String>>>,
    /// Update only: customer-defined extended fields (keys come from the extended-fields service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_fields: Option<BTreeMap<String, Value>>,
    /// Update only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Update only; undocumented, kept as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<Value>,
}

impl UpdateUser {
    /// The six required fields; everything else starts unset.
    pub fn new(
        username: impl Into<String>,
        name: impl Into<String>,
        surname: impl Into<String>,
        language: impl Into<String>,
        timezone: impl Into<String>,
        email: impl Into<String>,
    ) -> Self {
        UpdateUser {
            username: Some(username.into()),
            name: Some(name.into()),
            surname: Some(surname.into()),
            language: Some(language.into()),
            timezone: Some(timezone.into()),
            email: Some(email.into()),
            ..UpdateUser::default()
        }
    }

    /// The fields create shares, so both operations map through one code path.
    fn from_create(c: CreateUser) -> Self {
        UpdateUser {
            username: c.username,
            name: c.name,
            surname: c.surname,
            language: c.language,
            timezone: c.timezone,
            email: c.email,
            office_phone: c.office_phone,
            mobile_phone: c.mobile_phone,
            interests: c.interests,
            about_me: c.about_me,
            location: c.location,
            auth_source: c.auth_source,
            image: c.image,
            enabled: c.enabled,
            roles: c.roles,
            ..UpdateUser::default()
        }
    }

    /// Drops the update-only fields; create takes the password instead.
    fn into_create(self, password: Option<Password>) -> CreateUser {
        CreateUser {
            username: self.username,
            password,
            name: self.name,
            surname: self.surname,
            language: self.language,
            timezone: self.timezone,
            email: self.email,
            office_phone: self.office_phone,
            mobile_phone: self.mobile_phone,
            interests: self.interests,
            about_me: self.about_me,
            location: self.location,
            auth_source: self.auth_source,
            image: self.image,
            enabled: self.enabled,
            roles: self.roles,
        }
    }
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

pub static CREATE: &[Field] = &[
    Field::string("/username", "username").required().min(1),
    Field::string("/password", "password").write_only(),
    Field::string("/name", "given_name"),
    Field::string("/surname", "family_name"),
    Field::string("/language", "language").format(Format::Language),
    Field::string("/timezone", "timezone").format(Format::Timezone),
    Field::string("/email", "email").format(Format::Email),
    Field::string("/officePhone", "work_phone"),
    Field::string("/mobilePhone", "mobile_phone"),
    Field::string("/interests", "interests"),
    Field::string("/aboutMe", "bio"),
    Field::string("/location", "location"),
    Field::string("/authSource", "auth_source"),
    Field::object("/image", "image"),
    Field::string("/image/url", "image_url").format(Format::Url),
    Field::string("/image/base64Image", "image_data").format(Format::Base64),
    Field::string("/image/mimeType", "image_mime_type").format(Format::ImageMime),
    Field::boolean("/enabled", "status"),
    Field::map("/roles", "roles"),
];

pub static UPDATE: &[Field] = &[
    Field::string("/username", "username").required().min(1),
    Field::string("/name", "given_name").required().min(1),
    Field::string("/surname", "family_name").required().min(1),
    Field::string("/language", "language").required().format(Format::Language),
    Field::string("/timezone", "timezone").required().format(Format::Timezone),
    Field::string("/email", "email").required().format(Format::Email),
    Field::string("/officePhone", "work_phone"),
    Field::string("/mobilePhone", "mobile_phone"),
    Field::string("/interests", "interests"),
    Field::string("/aboutMe", "bio"),
    Field::string("/location", "location"),
    Field::string("/authSource", "auth_source"),
    Field::object("/image", "image"),
    Field::string("/image/url", "image_url").format(Format::Url),
    Field::string("/image/base64Image", "image_data").format(Format::Base64),
    Field::string("/image/mimeType", "image_mime_type").format(Format::ImageMime),
    Field::boolean("/enabled", "status"),
    Field::map("/roles", "roles"),
    Field::map("/extendedFields", "extended_fields"),
    Field::string("/externalId", "external_id"),
    Field::map("/extra", "extra"),
];

/// Canonical prefix → wire pointer (emails, phones and the image are placed in `wire_pointer`).
static POINTERS: &[(&str, &str)] = &[
    ("/uid", "/id"),
    ("/username", "/username"),
    ("/password", "/password"),
    ("/name/given", "/name"),
    ("/name/family", "/surname"),
    ("/language", "/language"),
    ("/timezone", "/timezone"),
    ("/interests", "/interests"),
    ("/bio", "/aboutMe"),
    ("/location", "/location"),
    ("/auth_source", "/authSource"),
    ("/image/url", "/image/url"),
    ("/image/inline/base64", "/image/base64Image"),
    ("/image/inline/mime_type", "/image/mimeType"),
    ("/status", "/enabled"),
    ("/roles", "/roles"),
    ("/extended_fields", "/extendedFields"),
    ("/external_id", "/externalId"),
    ("/extra", "/extra"),
];

/// The dialect.
pub struct LearningCloud;

impl DialectSpec for LearningCloud {
    fn id(&self) -> Dialect {
        Dialect::LearningCloud
    }

    fn fields(&self, op: Op) -> &'static [Field] {
        match op {
            Op::Create => CREATE,
            Op::Update => UPDATE,
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

    fn to_canonical(&self, op: Op, input: &Value) -> Result<canonical::User, Report> {
        let (w, password) = match op {
            Op::Create => {
                let mut c: CreateUser = deserialize(input)?;
                let password = c.password.take();
                (UpdateUser::from_create(c), password)
            }
            Op::Update => (deserialize::<UpdateUser>(input)?, None),
        };
        let mut u = canonical::User {
            // A read record shows a user without a username as `""` ([`read`]: the vendor's
            // object always has the key); bodies with an empty one never pass the rules.
            username: w.username.filter(|u| !u.is_empty()),
            password,
            language: w.language.and_then(|l| Locale::parse(&l).ok()),
            timezone: w.timezone.map(TimeZone::verbatim).filter(TimeZone::is_known),
            interests: w.interests,
            bio: w.about_me,
            location: w.location,
            auth_source: w.auth_source,
            image: w.image.map(|i| match i {
                Image::Url { url } => canonical::Image::Url(url),
                Image::Inline { base64_image, mime_type } => {
                    canonical::Image::Inline { base64: base64_image, mime_type }
                }
            }),
            status: w.enabled.map(|e| if e { Status::Active } else { Status::Inactive }),
            roles: w.roles.unwrap_or_default(),
            extended_fields: w.extended_fields.unwrap_or_default(),
            external_id: w.external_id,
            extra: w.extra,
            ..canonical::User::default()
        };
        u.name.given = w.name;
        u.name.family = w.surname;
        if let Some(e) = w.email.and_then(|e| EmailAddress::try_from(e).ok()) {
            u.set_email(e);
        }
        if let Some(p) = w.office_phone {
            u.push_phone(PhoneKind::Work, p);
        }
        if let Some(m) = w.mobile_phone {
            u.push_phone(PhoneKind::Mobile, m);
        }
        Ok(u)
    }

    fn from_canonical(&self, op: Op, u: &canonical::User) -> Value {
        let allowed = sections(op);
        // Sections and roles the operation does not know are left out (and reported as lost).
        let roles: BTreeMap<String, Vec<String>> = u
            .roles
            .iter()
            .filter_map(|(section, list)| {
                let values = allowed.iter().find(|(s, _)| s == section)?.1;
                let kept = list.iter().filter(|r| values.contains(&r.as_str())).cloned().collect();
                Some((section.clone(), kept))
            })
            .collect();
        let w = UpdateUser {
            username: u.username.clone(),
            name: u.name.given.clone(),
            surname: u.name.family.clone(),
            // The vendor takes a bare language: `pt-BR` narrows to `pt`.
            language: u.language.as_ref().filter(|l| l.is_known()).map(|l| l.language().to_owned()),
            timezone: u.timezone.as_ref().filter(|t| t.is_known()).map(|t| t.to_string()),
            email: u.primary_email().map(|e| e.value.to_string()),
            office_phone: u.phone(PhoneKind::Work).map(|p| p.value.clone()),
            mobile_phone: u.phone(PhoneKind::Mobile).map(|p| p.value.clone()),
            interests: u.interests.clone(),
            about_me: u.bio.clone(),
            location: u.location.clone(),
            auth_source: u.auth_source.clone(),
            image: u.image.clone().map(|i| match i {
                canonical::Image::Url(url) => Image::Url { url },
                canonical::Image::Inline { base64, mime_type } => Image::Inline { base64_image: base64, mime_type },
            }),
            enabled: u.status.map(|s| s == Status::Active),
            roles: (!roles.is_empty()).then_some(roles),
            extended_fields: (!u.extended_fields.is_empty()).then(|| u.extended_fields.clone()),
            external_id: u.external_id.clone(),
            extra: u.extra.clone(),
        };
        let body = match op {
            Op::Create => serde_json::to_value(w.into_create(u.password.clone())),
            Op::Update => serde_json::to_value(w),
        };
        body.unwrap_or(Value::Null)
    }

    fn canonical_pointer(&self, _op: Op, wire: &str) -> Option<String> {
        match wire {
            "/email" => Some("/emails/0/value".into()),
            "/officePhone" | "/mobilePhone" => Some("/phones".into()),
            _ => unmap_pointer(POINTERS, wire),
        }
    }

    fn wire_pointer(&self, _op: Op, u: &canonical::User, canonical: &str) -> Option<String> {
        if index_after(canonical, "/emails").is_some() {
            return Some("/email".into());
        }
        if let Some(i) = index_after(canonical, "/phones") {
            return match u.phones.get(i)?.kind {
                PhoneKind::Mobile => Some("/mobilePhone".into()),
                _ => Some("/officePhone".into()),
            };
        }
        map_pointer(POINTERS, canonical)
    }
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
