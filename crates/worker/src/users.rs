//! The user directory's vocabulary, shared by the routes, the D1 store ([`crate::store`]) and the
//! upstream proxy ([`crate::proxy`]): how a request names a user, which users a list returns,
//! a stored user with its metadata, and what can go wrong. It imports neither implementation,
//! so each of them (and [`crate::directory`], which chooses between them) depends on it alone.

use userbridge_core::User;
use userbridge_core::canonical::Password;

use crate::upstream::UpstreamError;

/// A field that must be unique across users (case-insensitively for username and email).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    Username,
    Email,
    LdapGuid,
}

impl Unique {
    /// The field's pointer in the canonical user (`/v1` bodies); dialect routes map it to their
    /// own wire pointer.
    pub fn canonical_pointer(self, user: &User) -> String {
        match self {
            Unique::Username => "/username".into(),
            Unique::Email => format!("/emails/{}/value", user.primary_email_index().unwrap_or(0)),
            Unique::LdapGuid => "/ldap_guid".into(),
        }
    }
}

/// What can go wrong in the store.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// No user under that key.
    NotFound,
    /// Another user already has this username, email or ldapGuid.
    Conflict { field: Unique },
    /// Several users hold the key a request names a user by (a shared email address).
    Ambiguous { field: Unique },
    /// The row changed since the version the write expected.
    VersionMismatch,
    /// D1 or WebCrypto failed: an internal error, logged, never shown to clients.
    Internal(String),
    /// Proxy mode: the upstream failed or refused.
    Upstream(UpstreamError),
    /// Proxy mode: the directory cannot do this (filters and sorting the upstream cannot answer
    /// itself: the facade does not mirror its users).
    Unsupported(&'static str),
}

/// How a request names a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Id(i64),
    /// 32 lowercase hex.
    Uid(String),
    /// Case-insensitive.
    Username(String),
    /// The primary email, case-insensitive.
    Email(String),
    LdapGuid(String),
}

/// A stored user with its row metadata; `user.id` and `user.uid` are filled from the row.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub uid: String,
    pub version: i64,
    /// ISO 8601 UTC (SCIM `meta.created` / `meta.lastModified`).
    pub created_at: String,
    pub updated_at: String,
    /// ISO 8601 UTC of the last `POST /token` (DeviceHive `lastLogin`); `None` until then.
    pub last_login: Option<String>,
    pub user: User,
}

/// The longest `LIKE` pattern D1 evaluates (its SQLite is built with
/// `SQLITE_MAX_LIKE_PATTERN_LENGTH` 50); a longer one fails the whole query.
pub const MAX_LIKE_PATTERN_BYTES: usize = 50;

/// Whether D1 can evaluate `pattern` as [`Filter::username_like`], measured as it is bound
/// (lower-cased, which can change its length in bytes).
pub fn like_pattern_fits(pattern: &str) -> bool {
    pattern.to_lowercase().len() <= MAX_LIKE_PATTERN_BYTES
}

/// Which users a list returns; every set field must match. Later dialects add fields here.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Exact username, case-insensitive.
    pub username: Option<String>,
    /// Exact primary email, case-insensitive.
    pub email: Option<String>,
    /// Substring of the username or the primary email, case-insensitive.
    pub search: Option<String>,
    /// A `LIKE` pattern as the client wrote it (`%`, `_` wildcards) over the username,
    /// case-insensitive: DeviceHive `loginPattern`. Only one that [`like_pattern_fits`]; the
    /// caller refuses others in its own dialect.
    pub username_like: Option<String>,
    /// Canonical `access` values to keep (`admin`, `client`); a user without one counts as
    /// `client`, as DeviceHive shows it. Empty: no condition.
    pub access: Vec<&'static str>,
    /// Canonical `status` values to keep (`active`, `inactive`, `locked_out`, `archived`,
    /// `suspended`); a user without one counts as `active`. Empty: no condition.
    pub statuses: Vec<&'static str>,
}

/// The order of a list; ties are broken by id so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    IdAsc,
    IdDesc,
    UsernameAsc,
    UsernameDesc,
}

/// The current time as stored: ISO 8601 UTC.
pub(crate) fn now() -> String {
    String::from(worker::js_sys::Date::new_0().to_iso_string())
}

/// Whether a write may give a user an email address another user holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Emails {
    /// The dialects that address users by email (and the rest, as they always did): a new or
    /// changed primary address that another user holds is [`StoreError::Conflict`]. A user keeps
    /// an address it already shares.
    #[default]
    Claimed,
    /// SCIM and `/v1`: `emails` have uniqueness "none" (RFC 7643 §4.1.2).
    Shared,
}

/// Where a row the update pipeline (`crate::routes::surface::modify`) reads and writes lives: the
/// request's directory ([`crate::directory::Directory`]), or the local D1 store itself, which holds
/// the facade's own accounts (DeviceHive's `current` user) in proxy mode too.
pub trait Rows {
    /// The user under `key`, if any.
    async fn find(&self, key: &Key) -> Result<Option<Stored>, StoreError>;

    /// Replaces the user of row `id`; with `expected_version`, only if the row still has it
    /// ([`StoreError::VersionMismatch`] otherwise). A `password` replaces the hash.
    async fn update(
        &self,
        id: i64,
        expected_version: Option<i64>,
        user: &User,
        password: Option<&Password>,
    ) -> Result<Stored, StoreError>;

    /// The caller named the version it expects (`If-Match`); only the proxy needs telling.
    fn expect_version(&self) {}
}
