//! DeviceHive's operations, shared by its REST routes ([`super`]) and its WebSocket
//! ([`super::ws`]): parse → authorise → core → store → the vendor's shape, and the vendor's
//! messages and error answers ([`Fail`]).

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;
use userbridge_core::canonical::{Access, Password, Status};
use userbridge_core::dialects::devicehive::actions::{Action, Grants, TokenCreate};
use userbridge_core::dialects::devicehive::{self as dh, AccessToken, CreatedUser, TokenPair, UserWithNetworks};
use userbridge_core::{Code, Op, Report, User};
use worker::{Date, console_error};

use crate::config::Config;
use crate::directory::Directory;
use crate::endpoints::devicehive as paths;
use crate::error::ApiError;
use crate::http;
use crate::jwt::{self, Claims, JwtError, TokenType};
use crate::routes::surface::{SurfaceError, modify};
use crate::store::Store;
use crate::users::{Filter, Key, Order, Rows, StoreError, Stored, Unique, like_pattern_fits};

/// The vendor's messages (`com.devicehive.configuration.Messages`).
pub const UNAUTHORIZED: &str = "Unauthorized";
const DUPLICATE_LOGIN: &str = "User with such login already exists. Please, select another one";
const ADMIN_REQUIRED: &str = "Admin permissions required for this action";
const CANT_DELETE_SELF: &str = "You can not delete a user or access key that you use to authenticate this request";
pub const INVALID_PARAMETERS: &str = "Invalid request parameters";
const ID_NOT_ALLOWED: &str = "Invalid request parameters. Id cannot be specified.";
const PASSWORD_RULE: &str = "Password can contain only from 6 to 128 symbols!";
const ROLE_REQUIRED: &str = "User role is invalid or empty";
const NOT_ACTIVE: &str = "User is locked or disabled";
const NO_CURRENT_USER: &str = "Can not get current user";
const INVALID_TOKEN_TYPE: &str = "Invalid token type";
const TOKEN_EXPIRED: &str = "Token has expired";
const ACCESS_DENIED: &str = "Access is denied";
pub const INVALID_CREDENTIALS: &str = "Invalid credentials";
const INVALID_AUTH_PARAMETERS: &str = "Invalid or empty authorization request parameters";
/// The WebSocket's `authenticate` answer to an expired access token.
pub const ACCESS_TOKEN_EXPIRED: &str = "Token expired";
pub const PAYLOAD_NOT_FOUND: &str = "Missing or invalid payload in request";
const LOGIN_LENGTH: &str = "Field cannot be empty. The length of login should be from 3 to 128 symbols.";
pub const USER_REQUIRED: &str = "User is required";
pub const USER_ID_REQUIRED: &str = "User id is wrong or empty";

/// `take` when the client gives none (the vendor's default) and the most one page returns.
const DEFAULT_TAKE: u32 = 20;
const MAX_TAKE: u32 = 1000;

fn user_not_found(id: i64) -> String {
    format!("User with id = {id} not found")
}

fn login_not_found(login: &str) -> String {
    format!("User with login = {login} not found or bad password")
}

/// A DeviceHive failure, the surface's error: a shared [`ApiError`], or one of the vendor's own
/// answers (status and message) that the shared type has no words for.
#[derive(Debug)]
pub enum Fail {
    Api(ApiError),
    Vendor(u16, String),
    /// A client-role caller reading another user by id: "User with id = X not found", which the
    /// vendor's REST sends with status 403 and its WebSocket as code 404.
    NotYours(i64),
}

impl Fail {
    /// The status and vendor message, for the REST body and the WebSocket `code`/`error`.
    pub fn describe(&self) -> (u16, String) {
        match self {
            Fail::Api(err) => describe(err),
            Fail::Vendor(status, message) => (*status, message.clone()),
            Fail::NotYours(id) => (404, user_not_found(*id)),
        }
    }

    fn vendor(status: u16, message: impl Into<String>) -> Fail {
        Fail::Vendor(status, message.into())
    }
}

impl SurfaceError for Fail {
    fn shared(&mut self) -> Option<&mut ApiError> {
        match self {
            Fail::Api(err) => Some(err),
            Fail::Vendor(..) | Fail::NotYours(_) => None,
        }
    }
}

impl From<ApiError> for Fail {
    fn from(err: ApiError) -> Self {
        Fail::Api(err)
    }
}

impl From<StoreError> for Fail {
    fn from(err: StoreError) -> Self {
        Fail::Api(err.into())
    }
}

impl From<Report> for Fail {
    fn from(report: Report) -> Self {
        Fail::Api(ApiError::Invalid(report))
    }
}

impl From<worker::Error> for Fail {
    fn from(err: worker::Error) -> Self {
        Fail::Api(err.into())
    }
}

pub fn unauthorized() -> Fail {
    Fail::vendor(401, UNAUTHORIZED)
}

fn access_denied() -> Fail {
    Fail::vendor(403, ACCESS_DENIED)
}

/// The vendor's status and message for a shared error.
pub fn describe(err: &ApiError) -> (u16, String) {
    match err {
        ApiError::Invalid(report) => (400, invalid_message(report)),
        ApiError::BadParameter { .. } => (400, INVALID_PARAMETERS.into()),
        ApiError::Unauthorized { .. } => (401, UNAUTHORIZED.into()),
        ApiError::NotFound(_) => (404, "HTTP 404 Not Found".into()),
        ApiError::MethodNotAllowed { .. } => (405, "HTTP 405 Method Not Allowed".into()),
        ApiError::UnsupportedMediaType { .. } => (415, "HTTP 415 Unsupported Media Type".into()),
        ApiError::Duplicate { field: Unique::Username, .. } => (403, DUPLICATE_LOGIN.into()),
        ApiError::Internal(_) => (500, "Internal server error".into()),
        other => (other.status(), other.message()),
    }
}

/// The vendor's text for a validation failure: its specific message where the vendor has one for
/// that single problem, else its bean-validation text listing every violation.
fn invalid_message(report: &Report) -> String {
    if let [v] = report.errors.as_slice() {
        let specific = match (v.pointer.as_str(), v.code) {
            (_, Code::Syntax) => Some(INVALID_PARAMETERS),
            ("/id", Code::NotAllowedField) => Some(ID_NOT_ALLOWED),
            ("/password", Code::TooShort | Code::TooLong | Code::Required) => Some(PASSWORD_RULE),
            ("/login", Code::TooShort | Code::TooLong) => Some(LOGIN_LENGTH),
            ("/role", Code::Required | Code::NotAllowedValue | Code::InvalidType) => Some(ROLE_REQUIRED),
            _ => None,
        };
        if let Some(message) = specific {
            return message.into();
        }
    }
    // The vendor's words (an empty report gives just them), then each violation, named.
    let mut message = dh::ErrorBody::invalid(&Report::default()).message;
    let lines: Vec<String> = report.errors.iter().map(|v| crate::routes::surface::summary_line(v, " ")).collect();
    message.push_str(&lines.join("; "));
    message
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    Date::now().as_millis() as i64
}

/// Whether the first DeviceHive request of this isolate has made sure the admin account exists.
static ADMIN_READY: AtomicBool = AtomicBool::new(false);

/// Creates the DeviceHive admin (`USERBRIDGE_ADMIN_LOGIN`, role 0) if no user has that login.
///
/// Once per isolate: one lookup, then a flag. Concurrent first requests (several isolates, or
/// interleaved requests in one) may both find no admin and both insert; the unique login makes D1
/// refuse the second, which is then success. A failure is logged and retried by the next request;
/// it never fails the request that triggered it. An existing account is left alone (its password is
/// not reset from the configuration).
pub async fn ensure_admin(store: &Store, config: &Config, request_id: &str) {
    if ADMIN_READY.load(Ordering::Relaxed) {
        return;
    }
    let (login, password) = match config.admin_account() {
        Ok(account) => account,
        Err(problem) => {
            console_error!(
                "{}",
                serde_json::json!({"requestId": request_id, "level": "warn", "error": problem.describe()})
            );
            ADMIN_READY.store(true, Ordering::Relaxed);
            return;
        }
    };
    let outcome = match store.find(&Key::Username(login.to_owned())).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => {
            let admin = User {
                username: Some(login.to_owned()),
                access: Some(Access::Admin),
                status: Some(Status::Active),
                intro_reviewed: Some(false),
                all_device_types_available: Some(true),
                ..User::default()
            };
            match store.create(&admin, Some(&Password::new(password.expose()))).await {
                Ok(_) | Err(StoreError::Conflict { .. }) => Ok(()),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => ADMIN_READY.store(true, Ordering::Relaxed),
        Err(e) => console_error!(
            "{}",
            serde_json::json!({"requestId": request_id, "level": "error", "error": format!("admin bootstrap: {e:?}")})
        ),
    }
}

/// Who is calling.
#[derive(Debug)]
pub enum Principal {
    /// `USERBRIDGE_ADMIN_TOKEN`: an administrator that is not a stored user; every action.
    AdminToken,
    /// A user authenticated by an access token, with what the token's action list grants.
    User(Box<Stored>, Grants),
}

impl Principal {
    /// The user's role (not the token's actions): it decides which fields an update may touch
    /// and whose record a `ManageUser` read may return.
    fn is_admin(&self) -> bool {
        match self {
            Principal::AdminToken => true,
            Principal::User(u, _) => u.user.access == Some(Access::Admin),
        }
    }

    /// Whether the credential grants `action`.
    pub fn allows(&self, action: Action) -> bool {
        match self {
            Principal::AdminToken => true,
            Principal::User(_, grants) => grants.allows(action),
        }
    }

    /// 403 "Access is denied" unless the credential grants `action`.
    fn require(&self, action: Action) -> Result<(), Fail> {
        if self.allows(action) { Ok(()) } else { Err(access_denied()) }
    }

    fn user_id(&self) -> Option<i64> {
        match self {
            Principal::AdminToken => None,
            Principal::User(u, _) => Some(u.id),
        }
    }
}

/// Which user an update names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Id(i64),
    /// The caller (`/user/current`, `user/updateCurrent`, the seed's `userId: "current"`).
    Current,
}

/// The filters, order and page of `GET /user` and `user/list`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub login: Option<String>,
    /// A SQL `LIKE` pattern; when given, `login` is ignored (the vendor's rule).
    pub login_pattern: Option<String>,
    pub role: Option<i64>,
    pub status: Option<i64>,
    /// `ID` or `Login`, any case.
    pub sort_field: Option<String>,
    /// `DESC` (any case) sorts descending; anything else ascending.
    pub sort_order: Option<String>,
    pub take: Option<i64>,
    pub skip: Option<i64>,
}

impl ListQuery {
    /// From the REST query string; a number that is not one is 400 "Invalid request parameters".
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<ListQuery, Fail> {
        let text = |name: &str| http::query_param(pairs, name).filter(|v| !v.is_empty());
        let number = |name: &'static str| -> Result<Option<i64>, Fail> {
            text(name)
                .map(|v| {
                    v.trim().parse::<i64>().map_err(|_| {
                        Fail::Api(ApiError::BadParameter { name, detail: format!("`{v}` is not an integer") })
                    })
                })
                .transpose()
        };
        Ok(ListQuery {
            login: text(paths::LOGIN),
            login_pattern: text("loginPattern"),
            role: number("role")?,
            status: number("status")?,
            sort_field: text("sortField"),
            sort_order: text("sortOrder"),
            take: number(paths::TAKE)?,
            skip: number(paths::SKIP)?,
        })
    }

    fn filter(&self) -> Result<Filter, Fail> {
        let bad = || Fail::vendor(400, INVALID_PARAMETERS);
        let access = match self.role {
            None => Vec::new(),
            Some(dh::ROLE_ADMIN) => vec!["admin"],
            Some(dh::ROLE_CLIENT) => vec!["client"],
            Some(_) => return Err(bad()),
        };
        // The core's mapping: DeviceHive 2 (disabled) is every canonical state that is neither
        // active nor locked out.
        let statuses = match self.status {
            None => Vec::new(),
            Some(dh::STATUS_ACTIVE) => vec!["active"],
            Some(dh::STATUS_LOCKED_OUT) => vec!["locked_out"],
            Some(dh::STATUS_DISABLED) => vec!["inactive", "archived", "suspended"],
            Some(_) => return Err(bad()),
        };
        // Refused here, in the vendor's shape, rather than failing in the store.
        if self.login_pattern.as_deref().is_some_and(|p| !like_pattern_fits(p)) {
            return Err(bad());
        }
        Ok(Filter {
            username: if self.login_pattern.is_some() { None } else { self.login.clone() },
            username_like: self.login_pattern.clone(),
            access,
            statuses,
            ..Filter::default()
        })
    }

    fn order(&self) -> Result<Order, Fail> {
        let desc = self.sort_order.as_deref().is_some_and(|o| o.eq_ignore_ascii_case("DESC"));
        match self.sort_field.as_deref() {
            None => Ok(if desc { Order::IdDesc } else { Order::IdAsc }),
            Some(f) if f.eq_ignore_ascii_case("ID") => Ok(if desc { Order::IdDesc } else { Order::IdAsc }),
            Some(f) if f.eq_ignore_ascii_case("Login") => {
                Ok(if desc { Order::UsernameDesc } else { Order::UsernameAsc })
            }
            Some(_) => Err(Fail::vendor(400, INVALID_PARAMETERS)),
        }
    }

    /// (offset, limit): `take` defaults to 20 and is capped at 1000; negative values are 400.
    fn page(&self) -> Result<(u32, u32), Fail> {
        let bad = || Fail::vendor(400, INVALID_PARAMETERS);
        let take = match self.take {
            None => DEFAULT_TAKE,
            Some(t) => u32::try_from(t).map_err(|_| bad())?.min(MAX_TAKE),
        };
        let skip = match self.skip {
            None => 0,
            Some(s) => u32::try_from(s).map_err(|_| bad())?,
        };
        Ok((skip, take))
    }
}

/// The read representation: every key present, nulls included (the vendor's Gson writes nulls and
/// its Python client indexes every key). Role, status, data and flags come from the core's
/// mapping; a user created through another dialect has no login, so it shows its primary email
/// (or "") — the only identity it has — and the vendor's defaults for what it never set.
pub fn read(stored: &Stored) -> dh::User {
    let mut view = userbridge_core::from_canonical_with(&dh::DeviceHive, Op::Update, &stored.user);
    let int = |key| view.get(key).and_then(Value::as_i64);
    let flag = |key| view.get(key).and_then(Value::as_bool);
    let login = view.get("login").and_then(Value::as_str).map(str::to_owned);
    let login = login.or_else(|| stored.user.primary_email().map(|e| e.value.to_string()));
    let (role, status) = (int("role"), int("status"));
    let (intro_reviewed, all_device_types) = (flag("introReviewed"), flag("allDeviceTypesAvailable"));
    dh::User {
        id: stored.id,
        login: login.unwrap_or_default(),
        role: role.unwrap_or(dh::ROLE_CLIENT),
        status: status.unwrap_or(dh::STATUS_ACTIVE),
        last_login: stored.last_login.as_deref().map(vendor_time),
        data: view.get_mut("data").map(Value::take),
        intro_reviewed: Some(intro_reviewed.unwrap_or(false)),
        all_device_types_available: Some(all_device_types.unwrap_or(true)),
    }
}

/// `2026-11-23T10:11:12.345Z` (ISO 8601, as stored) → `2026-11-23T10:11:12.345`, the vendor's
/// `yyyy-MM-dd'T'HH:mm:ss.SSS` in UTC without a zone suffix.
pub fn vendor_time(iso: &str) -> String {
    iso.trim_end_matches('Z').to_owned()
}

fn is_active(user: &Stored) -> bool {
    matches!(user.user.status, None | Some(Status::Active))
}

/// A password as a login body carries it: a non-string is no password of anyone's, so it is a
/// wrong password (401), not a malformed request.
#[derive(Clone, Copy)]
pub enum Secret<'a> {
    Missing,
    Text(&'a str),
    NotText,
}

impl<'a> Secret<'a> {
    pub fn of(value: Option<&'a Value>) -> Secret<'a> {
        match value {
            None | Some(Value::Null) => Secret::Missing,
            Some(Value::String(s)) => Secret::Text(s),
            Some(_) => Secret::NotText,
        }
    }
}

/// Why a bearer credential was refused. Each is a 401; the REST routes say "Unauthorized" for
/// both, the WebSocket's `authenticate` "Invalid credentials" and "Token expired", as the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a token of ours, a refresh token, a token naming an unknown action, or the user is
    /// gone, locked or disabled.
    Invalid,
    Expired,
}

/// The DeviceHive operations over one store: shared by the REST routes and the WebSocket.
pub struct Service<'a> {
    /// The user directory (the upstream, in proxy mode).
    pub store: &'a Directory,
    /// Who may log in: always the local D1 store. In store mode it is the same table as `store`;
    /// in proxy mode the facade's own accounts stay here and never go upstream.
    pub accounts: &'a Store,
    pub config: &'a Config,
}

impl Service<'_> {
    fn secret(&self) -> Result<&str, Fail> {
        self.config.jwt_secret().map(|s| s.expose()).map_err(|p| Fail::Api(ApiError::NotConfigured(p)))
    }

    /// The caller behind a bearer credential: the admin token, or a valid, unexpired access token
    /// of an existing, active user. Anything else is 401 "Unauthorized".
    pub async fn authenticate(&self, token: &str) -> Result<Principal, Fail> {
        self.principal(token).await?.map_err(|_| unauthorized())
    }

    /// [`Service::authenticate`], telling why a credential was refused.
    pub async fn principal(&self, token: &str) -> Result<Result<Principal, Refusal>, Fail> {
        if let Ok(admin) = self.config.admin_token()
            && crate::crypto::constant_time_eq(token.as_bytes(), admin.as_bytes())
        {
            return Ok(Ok(Principal::AdminToken));
        }
        let claims = match jwt::verify(self.secret()?, token, now_ms()).await {
            Ok(claims) => claims,
            Err(JwtError::Crypto(e)) => return Err(ApiError::Internal(e.to_string()).into()),
            Err(JwtError::Expired) => return Ok(Err(Refusal::Expired)),
            Err(_) => return Ok(Err(Refusal::Invalid)),
        };
        if !claims.is(TokenType::Access) {
            return Ok(Err(Refusal::Invalid));
        }
        let Ok(grants) = Grants::from_ids(claims.actions.as_deref()) else {
            return Ok(Err(Refusal::Invalid));
        };
        match self.accounts.find(&Key::Id(claims.user_id)).await? {
            Some(user) if is_active(&user) => Ok(Ok(Principal::User(Box::new(user), grants))),
            _ => Ok(Err(Refusal::Invalid)),
        }
    }

    /// Records a login for the user behind `principal` (the WebSocket's `authenticate` does).
    pub async fn record_login(&self, principal: &Principal) -> Result<(), Fail> {
        if let Some(id) = principal.user_id() {
            self.accounts.record_login(id).await?;
        }
        Ok(())
    }

    /// `POST /token` (the vendor's `getActiveUser`): 201 pair and `lastLogin` set; an unknown
    /// login 401 "User with login = X not found or bad password", a wrong password 401 "Invalid
    /// credentials", a locked or disabled user 401 "User is locked or disabled" — only after the
    /// password matched, so the status of an account is not disclosed to guessers.
    pub async fn token(&self, login: Option<&str>, password: Secret<'_>) -> Result<TokenPair, Fail> {
        let login = login.map(str::trim).filter(|l| !l.is_empty());
        let (Some(login), Secret::Text(_) | Secret::NotText) = (login, password) else {
            return Err(Fail::vendor(400, INVALID_AUTH_PARAMETERS));
        };
        if let Secret::Text("") = password {
            return Err(Fail::vendor(400, INVALID_AUTH_PARAMETERS));
        }
        let secret = self.secret()?;
        let key = Key::Username(login.to_owned());
        let exists = self.accounts.find(&key).await?.is_some();
        let text = match password {
            Secret::Text(text) if exists => text,
            _ => {
                // Hash anyway, so every refusal takes as long as a wrong password: response
                // times must not tell which logins exist.
                let _ = crate::crypto::hash_password("not a password").await;
                let message = if exists { INVALID_CREDENTIALS.to_owned() } else { login_not_found(login) };
                return Err(Fail::Vendor(401, message));
            }
        };
        let user = self.accounts.verify_password(&key, text).await?;
        let user = user.ok_or_else(|| Fail::vendor(401, INVALID_CREDENTIALS))?;
        if !is_active(&user) {
            return Err(Fail::vendor(401, NOT_ACTIVE));
        }
        self.accounts.record_login(user.id).await?;
        let admin = user.user.access == Some(Access::Admin);
        let all_device_types = user.user.all_device_types_available.unwrap_or(true);
        let now = now_ms();
        let access = Claims::issue(user.id, admin, all_device_types, TokenType::Access, now);
        let refresh = Claims::issue(user.id, admin, all_device_types, TokenType::Refresh, now);
        self.pair(secret, &access, &refresh).await
    }

    async fn pair(&self, secret: &str, access: &Claims, refresh: &Claims) -> Result<TokenPair, Fail> {
        let internal = |e: crate::crypto::CryptoError| ApiError::Internal(e.to_string());
        let access_token = jwt::sign(secret, access).await.map_err(internal)?;
        let refresh_token = jwt::sign(secret, refresh).await.map_err(internal)?;
        Ok(TokenPair { access_token, refresh_token })
    }

    /// `POST /token/refresh` (the vendor's `JwtTokenResourceImpl`): a new access token with the
    /// refresh token's user, actions, networks and device types, and `lastLogin` set. The type is
    /// checked before the expiry: an access token, expired or not, is "Invalid token type".
    pub async fn refresh(&self, refresh_token: Option<&str>) -> Result<AccessToken, Fail> {
        let Some(token) = refresh_token.filter(|t| !t.is_empty()) else {
            return Err(Fail::vendor(400, INVALID_PARAMETERS));
        };
        let secret = self.secret()?;
        let claims = match jwt::decode(secret, token).await {
            Ok(claims) => claims,
            Err(JwtError::Crypto(e)) => return Err(ApiError::Internal(e.to_string()).into()),
            Err(_) => return Err(unauthorized()),
        };
        if !claims.is(TokenType::Refresh) {
            return Err(Fail::vendor(401, INVALID_TOKEN_TYPE));
        }
        let now = now_ms();
        if claims.expires_ms <= now {
            return Err(Fail::vendor(401, TOKEN_EXPIRED));
        }
        let user = self.accounts.find(&Key::Id(claims.user_id)).await?.ok_or_else(unauthorized)?;
        if !is_active(&user) {
            return Err(unauthorized());
        }
        let access = claims.refreshed(now);
        let access_token = jwt::sign(secret, &access).await.map_err(|e| ApiError::Internal(e.to_string()))?;
        self.accounts.record_login(user.id).await?;
        Ok(AccessToken { access_token })
    }

    /// `POST /token/create` (`ManageToken`): a pair for `userId` carrying exactly the body's
    /// actions, networks, device types and expiry; `lastLogin` untouched. Unknown user 404, a
    /// locked or disabled one 403. A caller that is not an administrator may only create tokens
    /// for itself, granting no more than its own token does: the vendor lets any `ManageToken`
    /// holder (every client) mint any token for any user.
    pub async fn token_create(&self, principal: &Principal, body: Option<&Value>) -> Result<TokenPair, Fail> {
        principal.require(Action::ManageToken)?;
        let body = body.filter(|b| b.is_object()).ok_or_else(|| Fail::vendor(400, PAYLOAD_NOT_FOUND))?;
        let request = TokenCreate::parse(body).map_err(|e| Fail::vendor(400, e.message()))?;
        if let Principal::User(user, grants) = principal
            && !principal.is_admin()
        {
            let wanted = Grants::from_ids(Some(&request.actions)).map_err(|_| access_denied())?;
            if user.id != request.user_id || !grants.covers(&wanted) {
                return Err(access_denied());
            }
        }
        let user = self.accounts.find(&Key::Id(request.user_id)).await?;
        let user = user.ok_or_else(|| Fail::vendor(404, user_not_found(request.user_id)))?;
        if !is_active(&user) {
            return Err(Fail::vendor(403, NOT_ACTIVE));
        }
        let now = now_ms();
        let access = Claims::created(&request, TokenType::Access, now);
        let refresh = Claims::created(&request, TokenType::Refresh, now);
        self.pair(self.secret()?, &access, &refresh).await
    }

    pub async fn list(&self, principal: &Principal, query: &ListQuery) -> Result<Vec<dh::User>, Fail> {
        principal.require(Action::ManageUser)?;
        let (offset, limit) = query.page()?;
        let users = self.store.list_ordered(&query.filter()?, query.order()?, offset, limit).await?;
        Ok(users.iter().map(read).collect())
    }

    pub async fn count(&self, principal: &Principal, query: &ListQuery) -> Result<u64, Fail> {
        principal.require(Action::ManageUser)?;
        Ok(self.store.count(&query.filter()?).await?)
    }

    /// `ManageUser`; a client-role caller may read only itself.
    pub async fn get(&self, principal: &Principal, id: i64) -> Result<UserWithNetworks, Fail> {
        principal.require(Action::ManageUser)?;
        if !principal.is_admin() && principal.user_id() != Some(id) {
            return Err(Fail::NotYours(id));
        }
        let user = self.store.find(&Key::Id(id)).await?.ok_or_else(|| Fail::vendor(404, user_not_found(id)))?;
        Ok(UserWithNetworks { user: read(&user), networks: Vec::new() })
    }

    pub async fn get_current(&self, principal: &Principal) -> Result<UserWithNetworks, Fail> {
        principal.require(Action::GetCurrentUser)?;
        let id = self.current_id(principal).await?;
        let user = self.accounts.find(&Key::Id(id)).await?.ok_or_else(|| Fail::vendor(409, NO_CURRENT_USER))?;
        Ok(UserWithNetworks { user: read(&user), networks: Vec::new() })
    }

    /// The caller's user id; for the admin token, the configured DeviceHive admin account.
    async fn current_id(&self, principal: &Principal) -> Result<i64, Fail> {
        if let Some(id) = principal.user_id() {
            return Ok(id);
        }
        let login = self.config.admin_account().map_err(|_| Fail::vendor(409, NO_CURRENT_USER))?.0;
        let admin = self.accounts.find(&Key::Username(login.to_owned())).await?;
        admin.map(|a| a.id).ok_or_else(|| Fail::vendor(409, NO_CURRENT_USER))
    }

    /// `POST /user`: the vendor's defaults (status active, introReviewed false,
    /// allDeviceTypesAvailable true) for what the body leaves out.
    pub async fn create(&self, principal: &Principal, body: &Value) -> Result<CreatedUser, Fail> {
        principal.require(Action::ManageUser)?;
        let mut user = userbridge_core::to_canonical_with(&dh::DeviceHive, Op::Create, body)?;
        let password = user.password.take();
        user.id = None;
        user.status.get_or_insert(Status::Active);
        user.intro_reviewed.get_or_insert(false);
        user.all_device_types_available.get_or_insert(true);
        let stored = self.store.create(&user, password.as_ref()).await?;
        Ok(CreatedUser {
            id: stored.id,
            last_login: None,
            data: stored.user.data.clone(),
            intro_reviewed: stored.user.intro_reviewed,
            all_device_types_available: stored.user.all_device_types_available,
        })
    }

    /// `PUT /user/{id}` (`ManageUser`) and `PUT /user/current` (`UpdateCurrentUser`): what the
    /// body carries changes (`data` too: absent keeps it, null clears it), a non-empty `password`
    /// is re-hashed. A client-role caller may not change a login, role or status. A concurrent
    /// write in between is retried once, then 409 (the pipeline every surface shares, [`modify`]).
    pub async fn update(&self, principal: &Principal, target: Target, body: Option<&Value>) -> Result<(), Fail> {
        // `current` is the caller's own account, which lives with the accounts.
        let (home, id) = match target {
            Target::Id(id) => {
                principal.require(Action::ManageUser)?;
                (Home::Directory(self.store), id)
            }
            Target::Current => {
                principal.require(Action::UpdateCurrentUser)?;
                (Home::Accounts(self.accounts), self.current_id(principal).await?)
            }
        };
        update_in(&home, principal, id, body).await
    }

    pub async fn delete(&self, principal: &Principal, id: i64) -> Result<(), Fail> {
        principal.require(Action::ManageUser)?;
        if principal.user_id() == Some(id) {
            return Err(Fail::vendor(403, CANT_DELETE_SELF));
        }
        match self.store.delete(id, None).await {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(Fail::vendor(404, user_not_found(id))),
            Err(e) => Err(e.into()),
        }
    }
}

/// Where an update's row lives: the directory (a user by id), or the local accounts (the caller's
/// own, `current`), which in proxy mode are not the upstream's. One type for both, so the update
/// and the pipeline it runs ([`modify`]) are compiled once, not once per home (the Worker's upload
/// size is a budget).
enum Home<'a> {
    Directory(&'a Directory),
    Accounts(&'a Store),
}

impl Rows for Home<'_> {
    async fn find(&self, key: &Key) -> Result<Option<Stored>, StoreError> {
        match self {
            Home::Directory(directory) => directory.find(key).await,
            Home::Accounts(accounts) => accounts.find(key).await,
        }
    }

    async fn update(
        &self,
        id: i64,
        expected_version: Option<i64>,
        user: &User,
        password: Option<&Password>,
    ) -> Result<Stored, StoreError> {
        match self {
            Home::Directory(directory) => directory.update(id, expected_version, user, password).await,
            Home::Accounts(accounts) => accounts.update(id, expected_version, user, password).await,
        }
    }

    fn expect_version(&self) {
        if let Home::Directory(directory) = self {
            directory.expect_version();
        }
    }
}

/// [`Service::update`] of row `id` in `rows`.
async fn update_in(rows: &Home<'_>, principal: &Principal, id: i64, body: Option<&Value>) -> Result<(), Fail> {
    let not_found = || Fail::vendor(404, user_not_found(id));
    let existing = rows.find(&Key::Id(id)).await?.ok_or_else(not_found)?;
    let Some(body) = body else {
        return Ok(());
    };
    let report = userbridge_core::validate_with(&dh::DeviceHive, Op::Update, body);
    if !report.is_valid() {
        return Err(report.into());
    }
    if !principal.is_admin() && ["login", "role", "status"].iter().any(|k| body.get(k).is_some_and(|v| !v.is_null())) {
        return Err(Fail::vendor(403, ADMIN_REQUIRED));
    }
    let incoming = userbridge_core::to_canonical_with(&dh::DeviceHive, Op::Update, body)?;
    match modify(rows, existing, None, |current| {
        Ok(userbridge_core::apply_update_with(&dh::DeviceHive, &current.user, &incoming, body))
    })
    .await
    {
        Ok(_) => Ok(()),
        // The row went away between the read and the write: the pipeline can only have learnt it
        // from the store (`StoreError::NotFound`), which the vendor words with the id.
        Err(ApiError::NotFound(_)) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use userbridge_core::Violation;

    #[test]
    fn vendor_messages_for_single_violations() {
        let one = |p: &'static str, c: Code| invalid_message(&Report::single(Violation::new(p, c)));
        assert_eq!(one("/password", Code::TooShort), PASSWORD_RULE);
        assert_eq!(one("/role", Code::Required), ROLE_REQUIRED);
        assert_eq!(one("/id", Code::NotAllowedField), ID_NOT_ALLOWED);
        assert_eq!(one("", Code::Syntax), INVALID_PARAMETERS);
        assert_eq!(one("/login", Code::TooShort), LOGIN_LENGTH);
        assert_eq!(one("/login", Code::TooLong), LOGIN_LENGTH);
        assert!(one("/login", Code::InvalidPattern).starts_with("Error! Make sure, that the passed object is correct"));
        let two = Report {
            errors: vec![Violation::new("/role", Code::Required), Violation::new("/login", Code::Required)],
            ..Report::default()
        };
        assert!(invalid_message(&two).contains("/role") && invalid_message(&two).contains("/login"));
    }

    #[test]
    fn duplicate_login_is_403() {
        let err = ApiError::Duplicate { field: Unique::Username, pointer: "/login".into() };
        assert_eq!(describe(&err), (403, DUPLICATE_LOGIN.into()));
        assert_eq!(describe(&ApiError::Unauthorized { presented: false }), (401, UNAUTHORIZED.into()));
    }

    #[test]
    fn list_queries() {
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
        let q =
            ListQuery::from_pairs(&pairs(&[("login", "a"), ("loginPattern", "%b%"), ("role", "1"), ("status", "2")]))
                .unwrap_or_default();
        let f = q.filter().ok().unwrap_or_default();
        assert_eq!(f.username, None, "loginPattern wins over login");
        assert_eq!(f.username_like.as_deref(), Some("%b%"));
        assert_eq!(f.access, vec!["client"]);
        assert_eq!(f.statuses, vec!["inactive", "archived", "suspended"]);
        assert_eq!(q.page().ok(), Some((0, 20)));
        assert!(ListQuery::from_pairs(&pairs(&[("take", "x")])).is_err());
        let q = ListQuery {
            sort_field: Some("login".into()),
            sort_order: Some("desc".into()),
            take: Some(5000),
            skip: Some(3),
            ..ListQuery::default()
        };
        assert_eq!(q.order().ok(), Some(Order::UsernameDesc));
        assert_eq!(q.page().ok(), Some((3, MAX_TAKE)));
        assert!(ListQuery { sort_field: Some("role".into()), ..ListQuery::default() }.order().is_err());
        assert!(ListQuery { role: Some(2), ..ListQuery::default() }.filter().is_err());
        assert!(ListQuery { take: Some(-1), ..ListQuery::default() }.page().is_err());
        // D1's LIKE limit, counted in bytes of the lower-cased pattern the store binds.
        use crate::users::MAX_LIKE_PATTERN_BYTES;
        let pattern = |p: String| ListQuery { login_pattern: Some(p), ..ListQuery::default() }.filter();
        assert!(pattern("%".repeat(MAX_LIKE_PATTERN_BYTES)).is_ok());
        assert!(pattern("%".repeat(MAX_LIKE_PATTERN_BYTES + 1)).is_err());
        assert!(pattern("ü".repeat(MAX_LIKE_PATTERN_BYTES / 2 + 1)).is_err());
    }

    #[test]
    fn reads_carry_every_key_and_the_vendor_defaults() {
        let stored = Stored {
            id: 5,
            uid: "0".repeat(32),
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
            last_login: Some("2026-11-23T10:11:12.345Z".into()),
            user: User { username: Some("jane".into()), access: Some(Access::Admin), ..User::default() },
        };
        let json = serde_json::to_value(read(&stored)).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"id": 5, "login": "jane", "role": 0, "status": 0, "lastLogin": "2026-11-23T10:11:12.345",
                "data": null, "introReviewed": false, "allDeviceTypesAvailable": true})
        );
    }
}
