//! DeviceHive: the IoT platform's user API, REST and WebSocket (seed 002; `docs/dialects/devicehive.md`).
//!
//! * create: `POST /user`, body [`CREATE`] → 201 + [`CreatedUser`] (login, role and status
//!   are not echoed)
//! * update: `PUT /user/{id}` or `PUT /user/current`, body [`UPDATE`] → 204; partial, `data`
//!   included: absent keeps it, an explicit null clears it ([`data_change`])
//! * get / list: `GET /user/{id}` → [`UserWithNetworks`], `GET /user/current`,
//!   `GET /user?…` → `[`[`User`]`]`
//! * delete: `DELETE /user/{id}` → 204 (403 when deleting yourself)
//! * tokens: `POST /token` [`TokenRequest`] → 201 [`TokenPair`]; `POST /token/refresh`
//!   [`RefreshRequest`] → 201 [`AccessToken`]
//! * WebSocket: [`WsRequest`] (`user/update`, `user/insert`, …) → [`WsResponse`]
//! * permissions: the token's action list ([`actions`]); `POST /token/create` [`actions::TokenCreate`]
//!
//! Every call carries `Authorization: Bearer <accessToken>`; a body without `Content-Type` is
//! JSON. Errors are [`ErrorBody`]; a duplicate login is a 403, not a 409.

use crate::canonical::{self, Password};
use crate::dialect::{DialectSpec, Op};
use crate::fields::{self, Field, Format};
use crate::mapping::{Codec, Lit, Slot};
use crate::merge::Mode;
use crate::report::{Code, Report, Violation};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

pub mod actions;

/// `role` 0.
pub const ROLE_ADMIN: i64 = 0;
/// `role` 1: may change only its own password, data and introReviewed.
pub const ROLE_CLIENT: i64 = 1;
/// `status` 0.
pub const STATUS_ACTIVE: i64 = 0;
/// `status` 1: set by the server after too many failed logins.
pub const STATUS_LOCKED_OUT: i64 = 1;
/// `status` 2: disabled by an administrator.
pub const STATUS_DISABLED: i64 = 2;

const ROLES: &[&str] = &["0", "1"];
/// The validator allows 3 but the enum has no 3, so the server would fail on it: refuse it here.
const STATUSES: &[&str] = &["0", "1", "2"];

/// What an update body does to the stored `data`.
#[derive(Debug, Clone, PartialEq)]
pub enum DataChange<'a> {
    /// `data` absent: unchanged.
    Keep,
    /// `"data": null`: cleared.
    Clear,
    /// Replaced by this value.
    Set(&'a Value),
}

/// `data` is partial like every other field: absent keeps the stored value, `null` clears it.
pub fn data_change(body: &Value) -> DataChange<'_> {
    match body.get("data") {
        None => DataChange::Keep,
        Some(Value::Null) => DataChange::Clear,
        Some(value) => DataChange::Set(value),
    }
}

/// The read representation (`UserVO`). The server's Gson writes nulls, and the vendor's Python
/// client indexes every key directly, so every key is always serialized.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: i64,
    pub login: String,
    pub role: i64,
    pub status: i64,
    /// `yyyy-MM-dd'T'HH:mm:ss.SSS` in UTC without a zone suffix; null until the first login.
    #[serde(default)]
    pub last_login: Option<String>,
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub intro_reviewed: Option<bool>,
    #[serde(default)]
    pub all_device_types_available: Option<bool>,
}

/// A network the user may access (`GET /user/{id}` adds them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// `GET /user/{id}`: the user plus its networks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserWithNetworks {
    #[serde(flatten)]
    pub user: User,
    #[serde(default)]
    pub networks: Vec<Network>,
}

/// `POST /user` 201 body: only what the server generated or defaulted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedUser {
    pub id: i64,
    #[serde(default)]
    pub last_login: Option<String>,
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub intro_reviewed: Option<bool>,
    #[serde(default)]
    pub all_device_types_available: Option<bool>,
}

/// REST error body: `{"error": <status>, "message": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: u16,
    pub message: String,
}

impl ErrorBody {
    pub fn new(error: u16, message: impl Into<String>) -> Self {
        ErrorBody { error, message: message.into() }
    }

    /// A 400 in the wording of the vendor's bean validation, listing every violation.
    pub fn invalid(report: &Report) -> Self {
        let details: Vec<String> = report.errors.iter().map(|v| format!("{} {}", v.pointer, v.message)).collect();
        ErrorBody::new(
            400,
            format!(
                "Error! Make sure, that the passed object is correct and properly structured. \
                 Validation failed: {}",
                details.join("; ")
            ),
        )
    }
}

/// `POST /token` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    pub login: String,
    pub password: Password,
}

/// `POST /token` 201 body. Access tokens live 30 minutes, refresh tokens about 182 days.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
}

/// `POST /token/refresh` body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// `POST /token/refresh` 201 body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessToken {
    pub access_token: String,
}

// Tokens are credentials: a debug print must not leak them into logs.
impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenPair(***)")
    }
}
impl fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshRequest(***)")
    }
}
impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

/// WebSocket `userId`: a number, or the docs' `"current"` keyword (accepted as a documented
/// difference: the vendor's server only parses numbers and offers `user/updateCurrent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserIdRef {
    Number(i64),
    Current,
}

impl Serialize for UserIdRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            UserIdRef::Number(n) => s.serialize_i64(*n),
            UserIdRef::Current => s.serialize_str("current"),
        }
    }
}

impl<'de> Deserialize<'de> for UserIdRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = UserIdRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a user id or \"current\"")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<UserIdRef, E> {
                Ok(UserIdRef::Number(n))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<UserIdRef, E> {
                i64::try_from(n).map(UserIdRef::Number).map_err(|_| E::custom("user id out of range"))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<UserIdRef, E> {
                if s == "current" {
                    Ok(UserIdRef::Current)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(s), &self))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A WebSocket request message. `user` stays raw JSON so it can be validated with pointers
/// ([`crate::validate`] with [`Op::Update`] for `user/update`, [`Op::Create`] for `user/insert`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WsRequest {
    /// `user/update`, `user/insert`, `user/get`, `authenticate`, `token/refresh`…
    pub action: String,
    /// Any JSON; echoed in the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserIdRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Value>,
    /// `authenticate`: the access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// `token/create`: the [`actions::TokenCreate`] body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
    /// `token/refresh`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// `token`: credentials; `user/list`: exact login filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,
    /// `user/assignNetwork`, `user/unassignNetwork`, `user/getNetwork`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_id: Option<i64>,
    /// `user/assignDeviceType`, `user/unassignDeviceType`, `user/getDeviceType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_id: Option<i64>,
    /// `user/list` filters and paging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// `ID` or `Login`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_field: Option<String>,
    /// `ASC` or `DESC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub take: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<i64>,
}

impl WsRequest {
    pub fn new(action: impl Into<String>) -> Self {
        WsRequest { action: action.into(), ..WsRequest::default() }
    }
}

/// `status` of a [`WsResponse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WsStatus {
    Success,
    Error,
}

/// A WebSocket response: `{"action", "requestId", "status": "success", …payload}` or
/// `{"action", "requestId", "status": "error", "code", "error"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WsResponse {
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Value>,
    pub status: WsStatus,
    /// Errors: the HTTP-like status (400, 401, 403, 404, 409, 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// Errors: the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Successes: `user` (get, insert), `current` (getCurrent), `users` (list), `count`…
    #[serde(flatten)]
    pub payload: Map<String, Value>,
}

impl WsResponse {
    pub fn success(action: impl Into<String>, request_id: Option<Value>) -> Self {
        WsResponse {
            action: action.into(),
            request_id,
            status: WsStatus::Success,
            code: None,
            error: None,
            payload: Map::new(),
        }
    }

    pub fn error(action: impl Into<String>, request_id: Option<Value>, code: u16, message: impl Into<String>) -> Self {
        WsResponse {
            action: action.into(),
            request_id,
            status: WsStatus::Error,
            code: Some(code),
            error: Some(message.into()),
            payload: Map::new(),
        }
    }

    /// Adds a payload member (`user`, `users`, `current`, `count`).
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.payload.insert(key.to_owned(), value);
        self
    }
}

/// `role`: [`ROLE_ADMIN`] or [`ROLE_CLIENT`].
static ROLE: &[(Lit, &str)] = &[(Lit::Int(ROLE_ADMIN), "admin"), (Lit::Int(ROLE_CLIENT), "client")];

/// `status`: three states only; everything that is neither active nor locked out is disabled.
static STATUS: &[(Lit, &str)] = &[
    (Lit::Int(STATUS_ACTIVE), "active"),
    (Lit::Int(STATUS_LOCKED_OUT), "locked_out"),
    (Lit::Int(STATUS_DISABLED), "inactive"),
    (Lit::Int(STATUS_DISABLED), "archived"),
    (Lit::Int(STATUS_DISABLED), "suspended"),
];

/// `POST /user` and `PUT /user/{id}` (the vendor's `UserUpdate` DTO for both). On update every
/// field is optional, and absent keeps the stored value ([`data_change`]).
const ROWS: &[Field] = &[
    // The path (or `userId`) says which user; a body id is carried but not used to address.
    Field::integer("/id", "id").to(Slot::Id).only(Op::Update),
    // Unique: a taken login is a 403. The vendor trims it.
    Field::string("/login", "username")
        .min(3)
        .max(128)
        .format(Format::Login)
        .to(Slot::Username)
        .required_on(Op::Create),
    // No minimum on update: an empty password means "unchanged"; `check` applies 6 otherwise.
    Field::string("/password", "password")
        .max(128)
        .write_only()
        .to_via(Slot::Password, Codec::NonEmpty)
        .required_on(Op::Create)
        .min_on(Op::Create, 6),
    // Admin callers only, on update.
    Field::integer("/role", "access").allowed(ROLES).to_via(Slot::Access, Codec::Enum(ROLE)).required_on(Op::Create),
    // Default [`STATUS_ACTIVE`]; admin callers only, on update.
    Field::integer("/status", "status").allowed(STATUSES).to_via(Slot::Status, Codec::Enum(STATUS)),
    // Any JSON.
    Field::any("/data", "data").to(Slot::Data),
    // Default false.
    Field::boolean("/introReviewed", "intro_reviewed").to(Slot::IntroReviewed),
    // Default true; hidden in the vendor's Swagger but sent by its Python client.
    Field::boolean("/allDeviceTypesAvailable", "all_device_types_available").to(Slot::AllDeviceTypesAvailable),
];

pub static CREATE: [Field; fields::count(ROWS, Op::Create)] = fields::select(ROWS, Op::Create);
pub static UPDATE: [Field; fields::count(ROWS, Op::Update)] = fields::select(ROWS, Op::Update);

/// Minimum password length ("Password can contain only from 6 to 128 symbols!").
const PASSWORD_MIN: usize = 6;

/// The dialect.
pub struct DeviceHive;

impl DialectSpec for DeviceHive {
    fn name(&self) -> &'static str {
        "devicehive"
    }

    fn fields(&self, op: Op) -> &'static [Field] {
        match op {
            Op::Create => &CREATE,
            Op::Update => &UPDATE,
        }
    }

    /// Every field is optional: absent keeps the stored value.
    fn update_mode(&self) -> Mode {
        Mode::Overlay
    }

    /// `data` is partial like every other field, and an explicit `null` clears it
    /// ([`data_change`]).
    fn update_rules(&self, stored: &canonical::User, _: &canonical::User, body: &Value, next: &mut canonical::User) {
        next.data = match data_change(body) {
            DataChange::Keep => stored.data.clone(),
            DataChange::Clear => None,
            DataChange::Set(value) => Some(value.clone()),
        };
    }

    fn check(&self, op: Op, input: &Value, report: &mut Report) {
        match op {
            // "Invalid request parameters. Id cannot be specified." It is refused, not ignored.
            Op::Create => {
                if input.get("id").is_some_and(|v| !v.is_null()) {
                    report.push(Violation::new("/id", Code::NotAllowedField));
                    report.ignored.retain(|p| p != "/id");
                }
            }
            Op::Update => {
                if let Some(Value::String(p)) = input.get("password")
                    && !p.is_empty()
                    && p.chars().count() < PASSWORD_MIN
                {
                    report.push(Violation::new("/password", Code::TooShort).param("min", PASSWORD_MIN));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_ref_parses_numbers_and_current_only() {
        let p = |s: &str| serde_json::from_str::<UserIdRef>(s).ok();
        assert_eq!(p("42"), Some(UserIdRef::Number(42)));
        assert_eq!(p("\"current\""), Some(UserIdRef::Current));
        assert_eq!(p("\"Current\""), None);
        assert_eq!(p("\"42\""), None);
        assert_eq!(p("18446744073709551615"), None);
        assert_eq!(serde_json::to_string(&UserIdRef::Current).ok().as_deref(), Some("\"current\""));
    }

    #[test]
    fn data_is_partial() {
        let v = serde_json::json!({"data": {"a": 1}});
        assert_eq!(data_change(&serde_json::json!({"login": "x"})), DataChange::Keep);
        assert_eq!(data_change(&serde_json::json!({"data": null})), DataChange::Clear);
        assert_eq!(data_change(&v), DataChange::Set(&v["data"]));
    }

    #[test]
    fn secrets_are_not_printed() {
        let t = TokenPair { access_token: "aaa.bbb.ccc".into(), refresh_token: "ddd.eee.fff".into() };
        assert!(!format!("{t:?}").contains("aaa"));
        let r = TokenRequest { login: "jane".into(), password: Password::new("s3cret!") };
        assert!(!format!("{r:?}").contains("s3cret"));
    }
}
