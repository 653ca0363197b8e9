//! Every way a request can fail, as one type.
//!
//! Handlers return `Result<Response, ApiError>` and use `?` on the core ([`Report`]), the store
//! ([`StoreError`]) and the runtime ([`worker::Error`]). The error becomes a response in exactly one
//! place per dialect (`into_response` in each `routes::<dialect>` module), which decides the
//! dialect's shape and, where the vendor differs (learningcloud answers a duplicate with 400), the
//! status. No variant is a 5xx for bad input. The 5xx ones each say what failed:
//! [`ApiError::Internal`] (500: our bug or a failing dependency), [`ApiError::NotImplemented`]
//! (501, proxy mode: a query the upstream cannot answer without a mirror), [`ApiError::Gateway`]
//! (502 or 504: the upstream failed or was late) and [`ApiError::NotConfigured`] (503: the
//! deployment lacks a credential).

use crate::config::CredentialProblem;
use crate::upstream::UpstreamError;
use crate::users::{StoreError, Unique};
use userbridge_core::Report;
use userbridge_core::dialects::scim::ScimType;

#[derive(Debug)]
#[non_exhaustive]
pub enum ApiError {
    /// The body broke the dialect's rules (or is not JSON); every violation, pointers into the
    /// body as sent. 400.
    Invalid(Report),
    /// A query parameter, header or path segment is malformed. 400.
    BadParameter { name: &'static str, detail: String },
    /// Missing (`presented: false`) or wrong credential. 401.
    Unauthorized { presented: bool },
    /// No usable credential is configured (production with development defaults). 503: no client
    /// can fix it, and the log says why.
    NotConfigured(CredentialProblem),
    /// No such user (or resource). 404.
    NotFound(&'static str),
    /// The path exists, the method does not. 405 with `Allow`.
    MethodNotAllowed { allow: &'static str },
    /// The body is not in a media type the route reads. 415.
    UnsupportedMediaType { expected: &'static str },
    /// The body is over the limit; refused before parsing. 413.
    PayloadTooLarge { limit: usize },
    /// `If-Match` names another version than the stored one. 412.
    PreconditionFailed,
    /// Another user already holds a unique value; `pointer` locates it in the request body.
    /// 409 (/v1), 400 (learningcloud, primavera).
    Duplicate { field: Unique, pointer: String },
    /// A concurrent write won twice in a row (read–merge–write retried once). 409.
    Conflict,
    /// The request names a user by a value several users hold (a shared email address): no one
    /// user is picked. 409.
    Ambiguous { field: Unique },
    /// A SCIM refusal the variants above cannot carry, with its `scimType` (`invalidFilter`,
    /// `invalidPath`, `noTarget`, `mutability`, `tooMany`…), kept typed to the wire. Its status is
    /// the type's (RFC 7644 §3.12): 400, 409 for `uniqueness`, 403 for `sensitive`.
    Scim { kind: ScimType, detail: String },
    /// Proxy mode: a query the upstream cannot answer without a mirror of its users (a filter or
    /// an order its API lacks). 501; RFC 7644 §3.12 gives this status no `scimType`.
    NotImplemented(&'static str),
    /// Proxy mode: the upstream refused the body; violations at canonical pointers, which
    /// `routes::fail` moves to the caller's own fields before the dialect answers (as `Invalid`).
    UpstreamRejected(Report),
    /// Proxy mode: the upstream failed (502) or did not answer in time (504). The detail is
    /// logged by the upstream client, never sent.
    Gateway { status: u16 },
    /// An `Idempotency-Key` came back with another request than the one it was first sent with: a
    /// client bug, since replaying the first answer would not answer this request. 422.
    IdempotencyKeyReused,
    /// The first request with this `Idempotency-Key` has not answered yet; running the create a
    /// second time is what the key exists to prevent. 409, retryable.
    IdempotencyKeyInFlight,
    /// A failing dependency or a bug: logged with the request id, answered 500 without detail.
    Internal(String),
}

impl ApiError {
    /// The HTTP status most dialects use; a dialect's `into_response` may override it.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid(_) | ApiError::UpstreamRejected(_) | ApiError::BadParameter { .. } => 400,
            ApiError::Unauthorized { .. } => 401,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed { .. } => 405,
            ApiError::PreconditionFailed => 412,
            ApiError::PayloadTooLarge { .. } => 413,
            ApiError::UnsupportedMediaType { .. } => 415,
            ApiError::Duplicate { .. }
            | ApiError::Conflict
            | ApiError::Ambiguous { .. }
            | ApiError::IdempotencyKeyInFlight => 409,
            ApiError::IdempotencyKeyReused => 422,
            ApiError::Scim { kind, .. } => kind.http_status(),
            ApiError::NotImplemented(_) => 501,
            ApiError::Gateway { status } => *status,
            ApiError::Internal(_) => 500,
            ApiError::NotConfigured(_) => 503,
        }
    }

    /// An English one-liner for the error's body (dialects that have a `message`).
    pub fn message(&self) -> String {
        match self {
            ApiError::Invalid(report) | ApiError::UpstreamRejected(report) => match report.errors.len() {
                1 => "The request body has 1 error.".into(),
                n => format!("The request body has {n} errors."),
            },
            ApiError::BadParameter { name, detail } => format!("Invalid {name}: {detail}"),
            ApiError::Unauthorized { presented: false } => "Authentication required.".into(),
            ApiError::Unauthorized { presented: true } => "Invalid credentials.".into(),
            ApiError::NotConfigured(_) => "The service is not configured to accept credentials.".into(),
            ApiError::NotFound(what) => format!("{what} not found."),
            ApiError::MethodNotAllowed { allow } => format!("Method not allowed; allowed: {allow}."),
            ApiError::UnsupportedMediaType { expected } => format!("Unsupported media type; send {expected}."),
            ApiError::PayloadTooLarge { limit } => format!("Request body larger than {limit} bytes."),
            ApiError::PreconditionFailed => "The user has changed since the version in If-Match.".into(),
            ApiError::Duplicate { field, .. } => format!("{} is already taken.", field_name(*field)),
            ApiError::Conflict => "The user was changed concurrently; retry the request.".into(),
            ApiError::Ambiguous { field } => {
                format!("{} is shared by several users; name the user by id.", field_name(*field))
            }
            ApiError::Scim { detail, .. } => detail.clone(),
            ApiError::NotImplemented(detail) => (*detail).to_owned(),
            ApiError::Gateway { status: 504 } => "The upstream did not answer in time.".into(),
            ApiError::Gateway { .. } => "The upstream failed to answer.".into(),
            ApiError::IdempotencyKeyReused => "Idempotency-Key reused with a different body.".into(),
            ApiError::IdempotencyKeyInFlight => {
                "A request with this Idempotency-Key is still being processed; retry later.".into()
            }
            ApiError::Internal(_) => "Internal error.".into(),
        }
    }

    /// The same error with the duplicate's pointer moved into a dialect body.
    pub fn locate_duplicate(self, pointer: impl FnOnce(Unique) -> Option<String>) -> ApiError {
        match self {
            ApiError::Duplicate { field, pointer: old } => {
                ApiError::Duplicate { field, pointer: pointer(field).unwrap_or(old) }
            }
            other => other,
        }
    }
}

fn field_name(field: Unique) -> &'static str {
    match field {
        Unique::Username => "The username",
        Unique::Email => "The email address",
        Unique::LdapGuid => "The ldapGuid",
    }
}

impl From<Report> for ApiError {
    fn from(report: Report) -> Self {
        ApiError::Invalid(report)
    }
}

impl From<StoreError> for ApiError {
    /// A store conflict carries no pointer; the canonical one (`/username`) is the default until a
    /// route moves it ([`ApiError::locate_duplicate`]).
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound("User"),
            StoreError::Conflict { field } => ApiError::Duplicate {
                field,
                pointer: match field {
                    Unique::Username => "/username".into(),
                    Unique::Email => "/emails/0/value".into(),
                    Unique::LdapGuid => "/ldap_guid".into(),
                },
            },
            StoreError::Ambiguous { field } => ApiError::Ambiguous { field },
            StoreError::VersionMismatch => ApiError::PreconditionFailed,
            StoreError::Internal(detail) => ApiError::Internal(detail),
            StoreError::Unsupported(detail) => ApiError::NotImplemented(detail),
            StoreError::Upstream(err) => match err {
                UpstreamError::Timeout => ApiError::Gateway { status: 504 },
                UpstreamError::BadGateway { .. } => ApiError::Gateway { status: 502 },
                UpstreamError::NotFound => ApiError::NotFound("User"),
                UpstreamError::Rejected(report) => ApiError::UpstreamRejected(report),
                // The upstream does not say which field; its dialect's identity is the usual one.
                UpstreamError::Duplicate => {
                    ApiError::Duplicate { field: Unique::Username, pointer: "/username".into() }
                }
                UpstreamError::Changed => ApiError::Conflict,
                UpstreamError::Ambiguous => ApiError::Ambiguous { field: Unique::Email },
                UpstreamError::Unsupported(detail) => ApiError::NotImplemented(detail),
            },
        }
    }
}

impl From<worker::Error> for ApiError {
    fn from(err: worker::Error) -> Self {
        ApiError::Internal(err.to_string())
    }
}
