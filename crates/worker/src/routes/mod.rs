//! The router: one [`Surface`] per dialect, tried in order.
//!
//! Every dialect module (`routes/<dialect>.rs`, DeviceHive's `routes/devicehive/`) has the same
//! shape: a `Route` enum, `resolve` (method + path → route, 405 or dialect-shaped 404), `handle`
//! (parse → core → store → the dialect's response) and `into_response` (the one place its errors
//! become responses). [`serve`] does what is common — CORS preflight, 405 with `Allow`, the
//! credential check — so a handler only ever sees an authenticated request for a route that
//! exists.
//!
//! Adding a dialect (publisher, devicehive, SCIM at `/scim/v2`) is one module implementing
//! [`Surface`] and one line in [`route`]. The dialect modules depend on [`surface`] (what they
//! share), never on this router, which names them: the Worker's modules form no cycle
//! (`crates/worker/tests/module_graph.rs` checks it).

pub mod devicehive;
pub mod fault;
pub mod health;
pub mod learningcloud;
pub mod primavera;
pub mod publisher;
pub mod scim;
pub mod surface;
pub mod v1;

use userbridge_core::{Dialect, Op, Report, User};
use worker::{Response, console_error};

use crate::auth::{self, Scheme};
use crate::error::ApiError;
use crate::http::{self, Resolved};
use crate::idempotency::{self, Begin};
use surface::{Cx, Surface, SurfaceError};

/// Request headers a browser may send cross-origin (answered in preflights).
const CORS_ALLOW_HEADERS: &str = "Authorization, Content-Type, If-Match, X-Cloud-Auth-Token, X-Cloud-Synchronization, \
                                  X-Request-Id, Idempotency-Key";
/// Response headers a cross-origin page may read.
const CORS_EXPOSE_HEADERS: &str =
    "ETag, Location, X-Request-Id, X-Userbridge-Lost, X-Userbridge-Upstream, Idempotent-Replayed";

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
            http::with_header(S::into_response(cx, ApiError::MethodNotAllowed { allow }.into()), "Allow", allow)
        }
        Resolved::Unknown => {
            cx.op = "not_found";
            S::into_response(cx, ApiError::NotFound("Resource").into())
        }
        Resolved::Found(route) => {
            cx.op = S::op(&route);
            cx.creates = S::creates(&route);
            let presented = auth::presented(S::SCHEME, |name| cx.header(name));
            match auth::check(&cx.config, S::SCHEME, presented.as_deref()) {
                Ok(()) => match handle::<S>(cx, route, presented.as_deref()).await {
                    Ok(response) => response,
                    Err(err) => fail::<S>(cx, err),
                },
                Err(err) => fail::<S>(cx, err.into()),
            }
        }
    };
    Some(challenge::<S>(response))
}

/// [`Surface::handle`], made idempotent for a `POST` create that carries an `Idempotency-Key`
/// from a caller the surface accepts ([`Surface::key_owner`]); every other request goes straight
/// to the handler. `presented` is the credential the router already checked.
///
/// Only the handler call and the owner are generic: the key's claim and its settling
/// (`crate::idempotency`) are compiled once, not once per surface (the Worker's upload size is a
/// budget).
async fn handle<S: Surface>(cx: &mut Cx, route: S::Route, presented: Option<&str>) -> Result<Response, S::Error> {
    let create = cx.method == "POST" && S::creates(&route);
    let begin = match cx.header(idempotency::HEADER) {
        // Nobody the key could belong to: the handler refuses the request in its own words.
        Some(key) if create => match S::key_owner(cx, presented).await {
            Some(owner) => idempotency::begin(cx, S::NAME, &key, &owner).await?,
            None => Begin::Bypass,
        },
        _ => Begin::Bypass,
    };
    let claimed = match begin {
        Begin::Replay(response) => return Ok(response),
        Begin::Claimed(slot, claimed_at) => Some((slot, claimed_at)),
        Begin::Bypass => None,
    };
    let result = S::handle(cx, route).await;
    match (claimed, result) {
        (Some((slot, claimed_at)), Ok(response)) => Ok(slot.settle(cx, response, &claimed_at).await?),
        (Some((slot, claimed_at)), Err(err)) => {
            slot.release_after(cx, &claimed_at).await;
            Err(err)
        }
        (None, result) => result,
    }
}

/// Logs what only operators may see, then answers in the dialect's shape.
fn fail<S: Surface>(cx: &Cx, mut err: S::Error) -> Response {
    if let Some(shared) = err.shared() {
        before_answering(cx, S::DIALECT, shared);
    }
    S::into_response(cx, err)
}

/// [`fail`]'s part that knows no surface, apart so it is compiled once rather than once per
/// surface (the Worker's upload size is a budget): an upstream's violations moved onto the
/// caller's fields, and the log line of a 5xx.
fn before_answering(cx: &Cx, dialect: Option<Dialect>, shared: &mut ApiError) {
    if let ApiError::UpstreamRejected(report) = shared {
        let op = if cx.creates { Op::Create } else { Op::Update };
        *shared = ApiError::Invalid(to_caller(dialect, op, std::mem::take(report)));
    }
    match shared {
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
                v.message = format!("{upstream} field {wire} {}", v.message).into();
            }
        }
    }
    report
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
