//! What every route module shares: the request on its way ([`Cx`]), the [`Surface`] each dialect
//! implements, and the read–change–write of an update ([`modify`]).
//!
//! It lives apart from the router (`routes/mod.rs`), which names every surface: a dialect module
//! depends on this one, the router on both, and nothing depends back on the router.

use std::rc::Rc;

use userbridge_core::{BodyFormat, Dialect, Op, Report, User};
use worker::{Env, Request, Response};

use crate::auth::Scheme;
use crate::config::Config;
use crate::directory::{self, Directory};
use crate::error::ApiError;
use crate::http::{self, Resolved};
use crate::store::Store;
use crate::trip::Trip;
use crate::users::{Key, Rows, StoreError, Stored};

/// One request on its way through the Worker.
pub struct Cx {
    pub req: Request,
    pub env: Env,
    pub config: Config,
    /// Echoed as `X-Request-Id` and written in the log line.
    pub request_id: String,
    /// The method as sent (`Request::method` maps unknown methods to GET).
    pub method: String,
    pub path: String,
    /// For the log line: which dialect and operation handled the request.
    pub dialect: &'static str,
    pub op: &'static str,
    /// The route creates a user ([`Surface::creates`]).
    pub creates: bool,
    /// Proxy mode: this request's dealings with the upstream (see [`Trip`]).
    pub trip: Rc<Trip>,
}

impl Cx {
    pub fn new(req: Request, env: Env, request_id: String) -> Cx {
        let config = Config::from_env(&env);
        let method = req.inner().method().to_ascii_uppercase();
        let path = req.path();
        Cx {
            req,
            env,
            config,
            request_id,
            method,
            path,
            dialect: "none",
            op: "none",
            creates: false,
            trip: Rc::default(),
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        http::header(&self.req, name)
    }

    pub fn query(&self) -> Vec<(String, String)> {
        http::query(&self.req)
    }

    /// The user directory: D1, or the upstream in proxy mode.
    pub fn store(&self) -> Result<Directory, ApiError> {
        directory::open(&self.env, &self.config, &self.request_id, &self.trip)
    }

    /// The local D1 store whatever the mode: the facade's own accounts (DeviceHive logins).
    pub fn local_store(&self) -> Result<Store, ApiError> {
        Ok(Store::new(&self.env)?)
    }

    /// The body as UTF-8 text after the media-type check (415) and the size limit (413).
    /// `required: false` lets an absent body through (learningcloud deactivate) as `None`; a body
    /// that is there still needs its `Content-Type`.
    pub async fn text_body(
        &mut self,
        accepts: fn(&str) -> bool,
        expected: &'static str,
        required: bool,
    ) -> Result<Option<String>, ApiError> {
        let content_type = self.header("Content-Type");
        let declared_empty = self.header("Content-Length").is_some_and(|l| l.trim() == "0");
        if !required && content_type.is_none() && (declared_empty || self.req.inner().body().is_none()) {
            return Ok(None);
        }
        if !content_type.as_deref().is_some_and(accepts) {
            return Err(ApiError::UnsupportedMediaType { expected });
        }
        let bytes = http::read_body(&mut self.req).await?;
        if bytes.is_empty() && !required {
            return Ok(None);
        }
        String::from_utf8(bytes).map(Some).map_err(|_| {
            let v = userbridge_core::Violation::new("", userbridge_core::Code::Syntax)
                .param("line", 1)
                .param("column", 1)
                .param("detail", "the body is not UTF-8");
            ApiError::Invalid(Report::single(v))
        })
    }

    /// A required JSON body, parsed strictly by `dialect` (syntax errors carry line and column).
    pub async fn dialect_json(&mut self, dialect: Dialect, op: Op) -> Result<serde_json::Value, ApiError> {
        let text = self.text_body(http::is_json, "application/json", true).await?.unwrap_or_default();
        Ok(dialect.spec().parse(op, &text, BodyFormat::Json)?)
    }
}

/// What every dialect module provides (see the module docs).
pub trait Surface {
    /// The dialect's name in log lines.
    const NAME: &'static str;
    /// Where its clients put the credential.
    const SCHEME: Scheme;
    /// The dialect its bodies are in (`None`: canonical or no bodies), for moving an upstream's
    /// field errors onto the caller's own fields.
    const DIALECT: Option<Dialect> = None;
    type Route;
    /// The surface's one error type: the shared [`ApiError`], or a type that also carries the
    /// vendor's own refusals (publisher's error refs, DeviceHive's messages), which the router
    /// hands back to [`Surface::into_response`] unread.
    type Error: SurfaceError;

    /// Whether the surface exists in this deployment at all (the fault route does not in
    /// production).
    fn enabled(_config: &Config) -> bool {
        true
    }

    /// The route for `method` and `path`; `None` when the path is not in this dialect's namespace.
    fn resolve(method: &str, path: &str) -> Option<Resolved<Self::Route>>;

    /// The operation's name in log lines, and nothing else: logic asks typed questions such as
    /// [`Surface::creates`].
    fn op(route: &Self::Route) -> &'static str;

    /// Whether the route creates a user: only those replay an `Idempotency-Key`, and an upstream's
    /// violations are mapped to the caller's create fields rather than its update fields.
    fn creates(route: &Self::Route) -> bool;

    /// Who an `Idempotency-Key` sent to this surface belongs to (see `crate::idempotency`): the
    /// credential the router checked (`presented`). A surface that checks its own credentials
    /// (DeviceHive) says whom they name; `None` (nobody the key could belong to) leaves the
    /// request to the handler, so a replay is never answered to someone the handler would refuse.
    async fn key_owner(_cx: &Cx, presented: Option<&str>) -> Option<String> {
        if Self::SCHEME == Scheme::Public { None } else { presented.map(str::to_owned) }
    }

    /// Serves an authenticated request.
    async fn handle(cx: &mut Cx, route: Self::Route) -> Result<Response, Self::Error>;

    /// The dialect's answer to an error (its shape, its status codes): the one place its errors
    /// become responses.
    fn into_response(cx: &Cx, err: Self::Error) -> Response;
}

/// A surface's error: what the router makes (404, 405, 401, the idempotency refusals) arrives as
/// an [`ApiError`], and the router reaches the shared error inside one to log a 5xx and to move
/// an upstream's violations onto the caller's fields.
pub trait SurfaceError: From<ApiError> {
    /// The shared error this is, if it is one (not one of the vendor's own refusals).
    fn shared(&mut self) -> Option<&mut ApiError>;
}

impl SurfaceError for ApiError {
    fn shared(&mut self) -> Option<&mut ApiError> {
        Some(self)
    }
}

/// One violation as a line of a vendor's summary message: `<pointer><separator><message>`, or
/// the message alone when it is about the body as a whole (an empty pointer), so no line ever
/// starts with a blank name.
pub fn summary_line(v: &userbridge_core::Violation, separator: &str) -> String {
    if v.pointer.is_empty() { v.message.to_string() } else { format!("{}{separator}{}", v.pointer, v.message) }
}

/// Changes and writes a user under optimistic concurrency, every surface's update: `change`
/// computes the new user from the stored one (a password it sets is hashed and stored). `read`
/// is the row the route already read to find the user, so the first attempt reads nothing more;
/// its version guards the write. With `expected` (an `If-Match`) there is one attempt and a
/// different version is 412. Without, a concurrent write in between makes the store refuse, and
/// the row is read again and changed once more before answering 409 (docs/dialects/README.md,
/// userbridge decisions: concurrency). `store` is where the row lives ([`Rows`]): the request's
/// directory, or the local accounts (DeviceHive's `current` user).
pub async fn modify<R: Rows>(
    store: &R,
    read: Stored,
    expected: Option<i64>,
    mut change: impl FnMut(&Stored) -> Result<User, ApiError>,
) -> Result<Stored, ApiError> {
    let attempts = if expected.is_some() { 1 } else { 2 };
    if expected.is_some() {
        store.expect_version();
    }
    let id = read.id;
    let mut read = Some(read);
    for _ in 0..attempts {
        let current = match read.take() {
            Some(current) => current,
            None => store.find(&Key::Id(id)).await?.ok_or(StoreError::NotFound)?,
        };
        if expected.is_some_and(|v| v != current.version) {
            return Err(ApiError::PreconditionFailed);
        }
        let mut next = change(&current)?;
        let password = next.password.take();
        match store.update(id, Some(current.version), &next, password.as_ref()).await {
            Err(StoreError::VersionMismatch) if expected.is_some() => return Err(ApiError::PreconditionFailed),
            Err(StoreError::VersionMismatch) => continue,
            other => return Ok(other?),
        }
    }
    Err(ApiError::Conflict)
}
