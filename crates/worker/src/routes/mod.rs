//! The router: one [`Surface`] per dialect, tried in order.
//!
//! Every dialect module (`routes/<dialect>.rs`) has the same shape: a `Route` enum, `resolve`
//! (method + path → route, 405 or dialect-shaped 404), `handle` (parse → core → store → the
//! dialect's response) and `into_response` (the one place its errors become responses). [`serve`]
//! does what is common — CORS preflight, 405 with `Allow`, the credential check — so a handler
//! only ever sees an authenticated request for a route that exists.
//!
//! Adding a dialect (publisher, devicehive, SCIM at `/scim/v2`) is one module implementing
//! [`Surface`] and one line in [`route`].

pub mod devicehive;
pub mod fault;
pub mod health;
pub mod learningcloud;
pub mod primavera;
pub mod publisher;
pub mod scim;
pub mod v1;

use std::rc::Rc;

use userbridge_core::{BodyFormat, Dialect, Op, Report, User};
use worker::{Env, Request, Response, console_error};

use crate::auth::{self, Scheme};
use crate::config::Config;
use crate::error::ApiError;
use crate::http::{self, Resolved};
use crate::proxy::Trip;
use crate::store::{Key, Store, StoreError, Stored};
use crate::upstream::Upstream;

/// Request headers a browser may send cross-origin (answered in preflights).
const CORS_ALLOW_HEADERS: &str = "Authorization, Content-Type, If-Match, X-Cloud-Auth-Token, X-Cloud-Synchronization, \
                                  X-Request-Id, Idempotency-Key";
/// Response headers a cross-origin page may read.
const CORS_EXPOSE_HEADERS: &str =
    "ETag, Location, X-Request-Id, X-Userbridge-Lost, X-Userbridge-Upstream, Idempotent-Replayed";

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
    pub fn store(&self) -> Result<Store, ApiError> {
        directory(&self.env, &self.config, &self.request_id, &self.trip)
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

/// The user directory for one request (or WebSocket frame): D1, or the upstream in proxy mode.
pub fn directory(env: &Env, config: &Config, request_id: &str, trip: &Rc<Trip>) -> Result<Store, ApiError> {
    let upstream = config.upstream().map_err(ApiError::NotConfigured)?.map(|config| {
        let scope = format!("{}:{}", config.dialect, config.url);
        (Upstream::new(config.clone(), request_id.to_owned(), trip.clone()), scope, trip.clone())
    });
    Ok(Store::directory(env, upstream)?)
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

    /// Serves an authenticated request.
    async fn handle(cx: &mut Cx, route: Self::Route) -> Result<Response, ApiError>;

    /// The dialect's answer to an error (its shape, its status codes).
    fn into_response(cx: &Cx, err: ApiError) -> Response;
}

/// The router: each surface in turn; the first that knows the path answers.
pub async fn route(cx: &mut Cx) -> Response {
    if let Some(r) = serve::<health::Health>(cx).await {
        return r;
    }
    if let Some(r) = serve::<v1::V1>(cx).await {
        return r;
    }
    if let Some(r) = serve::<learningcloud::LearningCloud>(cx).await {
        return r;
    }
    if let Some(r) = serve::<primavera::Primavera>(cx).await {
        return r;
    }
    if let Some(r) = serve::<publisher::Publisher>(cx).await {
        return r;
    }
    if let Some(r) = serve::<devicehive::DeviceHive>(cx).await {
        return r;
    }
    if let Some(r) = serve::<scim::Scim>(cx).await {
        return r;
    }
    if let Some(r) = serve::<fault::Fault>(cx).await {
        return r;
    }
    cx.op = "not_found";
    v1::problem(&ApiError::NotFound("Resource"))
}

/// Runs one surface: `None` when the path is not its.
async fn serve<S: Surface>(cx: &mut Cx) -> Option<Response> {
    if !S::enabled(&cx.config) {
        return None;
    }
    let resolved = S::resolve(&cx.method, &cx.path)?;
    cx.dialect = S::NAME;
    let response = match resolved {
        Resolved::WrongMethod(allow) if cx.method == "OPTIONS" => {
            cx.op = "preflight";
            preflight(cx, allow)
        }
        Resolved::WrongMethod(allow) => {
            cx.op = "method_not_allowed";
            http::with_header(S::into_response(cx, ApiError::MethodNotAllowed { allow }), "Allow", allow)
        }
        Resolved::Unknown => {
            cx.op = "not_found";
            S::into_response(cx, ApiError::NotFound("Resource"))
        }
        Resolved::Found(route) => {
            cx.op = S::op(&route);
            cx.creates = S::creates(&route);
            let presented = auth::presented(S::SCHEME, |name| cx.header(name));
            match auth::check(&cx.config, S::SCHEME, presented.as_deref()) {
                Ok(()) => match crate::idempotency::handle::<S>(cx, route, presented.as_deref()).await {
                    Ok(response) => response,
                    Err(err) => fail::<S>(cx, err),
                },
                Err(err) => fail::<S>(cx, err),
            }
        }
    };
    Some(challenge::<S>(response))
}

/// Logs what only operators may see, then answers in the dialect's shape.
fn fail<S: Surface>(cx: &Cx, err: ApiError) -> Response {
    let err = match err {
        ApiError::UpstreamRejected(report) => {
            let op = if cx.creates { Op::Create } else { Op::Update };
            ApiError::Invalid(to_caller(S::DIALECT, op, report))
        }
        other => other,
    };
    match &err {
        ApiError::Internal(detail) => {
            console_error!("{{\"requestId\":{:?},\"level\":\"error\",\"error\":{:?}}}", cx.request_id, detail);
        }
        ApiError::NotConfigured(problem) => {
            console_error!(
                "{{\"requestId\":{:?},\"level\":\"error\",\"error\":\"refusing authenticated routes: {}\"}}",
                cx.request_id,
                problem.describe()
            );
        }
        _ => {}
    }
    S::into_response(cx, err)
}

/// The challenge of every Bearer-authenticated 401.
pub const BEARER_CHALLENGE: &str = "Bearer realm=\"userbridge\"";

/// RFC 6750 §3 (and RFC 7235 §3.1): a 401 names the scheme it wants. Every surface but
/// learningcloud (its own header) authenticates with a Bearer token, DeviceHive's JWTs too; the
/// check is on the answer, so a dialect's own 401 (DeviceHive's vendor errors) gets it as well.
fn challenge<S: Surface>(response: Response) -> Response {
    if response.status_code() == 401 && S::SCHEME != Scheme::CloudToken {
        return http::with_header(response, "WWW-Authenticate", BEARER_CHALLENGE);
    }
    response
}

/// An upstream's violations (canonical pointers) at the caller's fields. A field the caller's
/// dialect does not have stays at the body's root, named by the `upstreamPointer` param, and its
/// message names it too ("learningcloud field /name is required"): a message is never about a
/// field it does not name.
fn to_caller(dialect: Option<Dialect>, op: Op, mut report: Report) -> Report {
    let spec = dialect.map(Dialect::spec);
    let user = User::default();
    for v in &mut report.errors {
        if let Some(spec) = spec
            && !v.pointer.is_empty()
        {
            v.pointer = spec.wire_pointer(op, &user, &v.pointer).unwrap_or_default();
        }
        if v.pointer.is_empty() {
            let param = |k: &str| v.params.get(k).and_then(serde_json::Value::as_str);
            if let Some(wire) = param("upstreamPointer").filter(|w| !w.is_empty()) {
                let upstream = param("upstream").unwrap_or("upstream");
                v.message = format!("{upstream} field {wire} {}", v.message);
            }
        }
    }
    report
}

/// One violation as a line of a vendor's summary message: `<pointer><separator><message>`, or
/// the message alone when it is about the body as a whole (an empty pointer), so no line ever
/// starts with a blank name.
pub fn summary_line(v: &userbridge_core::Violation, separator: &str) -> String {
    if v.pointer.is_empty() { v.message.clone() } else { format!("{}{separator}{}", v.pointer, v.message) }
}

/// A CORS preflight (`OPTIONS` with `Origin`): allowed origins get the methods and headers they
/// may use, others 403 with no CORS headers. A plain `OPTIONS` gets `Allow`.
fn preflight(cx: &Cx, allow: &'static str) -> Response {
    let Some(origin) = cx.header("Origin") else {
        return http::with_header(http::empty(204), "Allow", allow);
    };
    if cx.header("Access-Control-Request-Method").is_none() {
        return http::with_header(http::empty(204), "Allow", allow);
    }
    if !cx.config.origin_allowed(&origin) {
        return http::with_header(http::empty(403), "Vary", "Origin");
    }
    let mut response = http::empty(204);
    let headers = response.headers_mut();
    let _ = headers.set("Access-Control-Allow-Methods", allow);
    let _ = headers.set("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
    let _ = headers.set("Access-Control-Max-Age", "600");
    response
}

/// Headers every response gets: the request id, and CORS for an allowed `Origin` (exact origin,
/// never `*`, no credentials mode: the API authenticates by header, not cookie).
pub fn finish(cx: &Cx, mut response: Response) -> Response {
    let origin = cx.header("Origin");
    let headers = response.headers_mut();
    let _ = headers.set("X-Request-Id", &cx.request_id);
    if let Some(lost) = cx.trip.lost.borrow().as_ref() {
        // Canonical pointers, comma-separated; empty when the upstream held everything.
        let _ = headers.set("X-Userbridge-Lost", &lost.join(", "));
        if let Ok(Some(upstream)) = cx.config.upstream() {
            let _ = headers.set("X-Userbridge-Upstream", upstream.dialect.as_str());
        }
    }
    if let Some(origin) = origin {
        let _ = headers.append("Vary", "Origin");
        if cx.config.origin_allowed(&origin) {
            let _ = headers.set("Access-Control-Allow-Origin", &origin);
            let _ = headers.set("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
        }
    }
    response
}

/// Reads, changes and writes a user under optimistic concurrency: `change` computes the new user
/// from the stored one (a password it sets is hashed and stored). With `expected` (an `If-Match`)
/// there is one attempt and a different version is 412. Without, a concurrent write in between
/// makes the store refuse, and the read–change–write is retried once before answering 409
/// (docs/dialects/README.md, userbridge decisions: concurrency).
pub async fn modify(
    store: &Store,
    id: i64,
    expected: Option<i64>,
    mut change: impl FnMut(&Stored) -> Result<User, ApiError>,
) -> Result<Stored, ApiError> {
    let attempts = if expected.is_some() { 1 } else { 2 };
    if expected.is_some() {
        store.expect_version();
    }
    for _ in 0..attempts {
        let current = store.get(&Key::Id(id)).await?;
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
