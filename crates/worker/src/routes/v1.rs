//! `/v1`: userbridge's own API (used by the widget), described by `GET /openapi.json`.
//!
//! * `GET /v1/users` (`offset`, `limit` ≤ 500, `username`, `email`, `search`) and `POST /v1/users`
//! * `GET/PUT/PATCH/DELETE /v1/users/{id}` — `id` is the numeric id; `ETag: "<version>"`,
//!   `If-Match` → 412 on mismatch; PATCH is an RFC 7396 merge patch of the canonical user
//! * `?dialect=<name>` on POST/PUT: the body is that dialect's create/update body (its rules, its
//!   pointers) and the answer is the user as that dialect's update body; on GET it selects the
//!   same representation (what the widget edits)
//! * `POST /v1/validate/{dialect}/{op}`, `POST /v1/translate?from=&to=&op=` (dry runs),
//!   `GET /v1/dialects` (field metadata), `GET /openapi.json`
//!
//! Bodies are the canonical user in snake_case; errors are RFC 9457 `application/problem+json`
//! with an `errors` array (`pointer`, `code`, `message`, `params`). The password is write-only.

use serde::Serialize;
use serde_json::{Map, Value, json};
use userbridge_core::canonical::Locale;
use userbridge_core::dialect::parse_json;
use userbridge_core::report::push_key;
use userbridge_core::{BodyFormat, Code, Dialect, Op, Report, User, Violation, merge};
use worker::Response;

use super::surface::{Cx, Surface, modify};
use crate::auth::Scheme;
use crate::directory::Directory;
use crate::error::ApiError;
use crate::http::{self, Resolved};
use crate::users::{Emails, Filter, Key, Stored, Unique};

/// The OpenAPI 3.1 description of `/v1`, kept next to the code it describes.
static OPENAPI: &str = include_str!("../../openapi.json");

/// Page size of `GET /v1/users` when `limit` is absent, and its maximum.
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 500;

pub struct V1;

#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    ListUsers,
    CreateUser,
    GetUser(i64),
    ReplaceUser(i64),
    PatchUser(i64),
    DeleteUser(i64),
    Validate(Dialect, Op),
    Translate,
    Dialects,
    OpenApi,
}

impl Surface for V1 {
    const NAME: &'static str = "v1";
    const SCHEME: Scheme = Scheme::Bearer;
    type Route = Route;
    type Error = ApiError;

    fn resolve(method: &str, path: &str) -> Option<Resolved<Route>> {
        if path == "/openapi.json" {
            return Some(http::pick(method, "GET, HEAD", [("GET", Route::OpenApi)]));
        }
        let segments = http::segments(path, "/v1")?;
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        Some(match segments.as_slice() {
            ["users"] => {
                http::pick(method, "GET, HEAD, POST", [("GET", Route::ListUsers), ("POST", Route::CreateUser)])
            }
            ["users", id] => match id.parse::<i64>() {
                Ok(id) if id > 0 => http::pick(
                    method,
                    "GET, HEAD, PUT, PATCH, DELETE",
                    [
                        ("GET", Route::GetUser(id)),
                        ("PUT", Route::ReplaceUser(id)),
                        ("PATCH", Route::PatchUser(id)),
                        ("DELETE", Route::DeleteUser(id)),
                    ],
                ),
                _ => Resolved::Unknown,
            },
            ["validate", dialect, op] => match (dialect.parse(), op.parse()) {
                (Ok(d), Ok(o)) => http::pick(method, "POST", [("POST", Route::Validate(d, o))]),
                _ => Resolved::Unknown,
            },
            ["translate"] => http::pick(method, "POST", [("POST", Route::Translate)]),
            ["dialects"] => http::pick(method, "GET, HEAD", [("GET", Route::Dialects)]),
            _ => Resolved::Unknown,
        })
    }

    fn op(route: &Route) -> &'static str {
        match route {
            Route::ListUsers => "list",
            Route::CreateUser => "create",
            Route::GetUser(_) => "get",
            Route::ReplaceUser(_) => "replace",
            Route::PatchUser(_) => "patch",
            Route::DeleteUser(_) => "delete",
            Route::Validate(..) => "validate",
            Route::Translate => "translate",
            Route::Dialects => "dialects",
            Route::OpenApi => "openapi",
        }
    }

    fn creates(route: &Route) -> bool {
        matches!(route, Route::CreateUser)
    }

    async fn handle(cx: &mut Cx, route: Route) -> Result<Response, ApiError> {
        match route {
            Route::ListUsers => list(cx).await,
            Route::CreateUser => create(cx).await,
            Route::GetUser(id) => get(cx, id).await,
            Route::ReplaceUser(id) => replace(cx, id).await,
            Route::PatchUser(id) => patch(cx, id).await,
            Route::DeleteUser(id) => delete(cx, id).await,
            Route::Validate(d, op) => validate(cx, d, op).await,
            Route::Translate => translate(cx).await,
            Route::Dialects => Ok(dialects()),
            Route::OpenApi => Ok(http::respond(200, "application/json", OPENAPI.as_bytes().to_vec())),
        }
    }

    /// (`WWW-Authenticate` on a 401 is added where every surface's errors are answered.)
    fn into_response(_cx: &Cx, err: ApiError) -> Response {
        problem(&err)
    }
}

// --- handlers ------------------------------------------------------------------------------------

async fn list(cx: &mut Cx) -> Result<Response, ApiError> {
    let q = cx.query();
    let offset = http::query_u32(&q, "offset")?.unwrap_or(0);
    let limit = http::query_u32(&q, "limit")?.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let filter = Filter {
        username: http::query_param(&q, "username"),
        email: http::query_param(&q, "email"),
        search: http::query_param(&q, "search"),
        ..Filter::default()
    };
    let store = directory(cx, None)?;
    let total = store.count(&filter).await?;
    let users: Vec<Value> = store.list(&filter, offset, limit).await?.iter().map(|s| canonical_json(&s.user)).collect();
    Ok(http::json(200, &json!({"total": total, "offset": offset, "limit": limit, "users": users})))
}

async fn create(cx: &mut Cx) -> Result<Response, ApiError> {
    let dialect = dialect_param(cx)?;
    let (mut user, body) = read_user(cx, dialect, Op::Create).await?;
    if dialect.is_none() {
        known_formats(&user, None)?;
    }
    if dialect.is_none() && user.username.is_none() && user.emails.is_empty() {
        let v = Violation::new("/username", Code::Required).param("alternatives", json!(["username", "emails"]));
        return Err(Report::single(v).into());
    }
    let password = user.password.take();
    let stored = directory(cx, dialect)?
        .create(&user, password.as_ref())
        .await
        .map_err(|e| ApiError::from(e).locate_duplicate(|f| duplicate_pointer(f, &user, dialect, Op::Create, &body)))?;
    let location = format!("{}/v1/users/{}", http::origin(&cx.req), stored.id);
    Ok(http::with_header(user_response(201, dialect, &stored), "Location", &location))
}

async fn get(cx: &mut Cx, id: i64) -> Result<Response, ApiError> {
    let dialect = dialect_param(cx)?;
    let stored = directory(cx, None)?.get(&Key::Id(id)).await?;
    Ok(user_response(200, dialect, &stored))
}

/// PUT: the canonical user replaces the stored one; a dialect body replaces (or overlays, per the
/// dialect's own PUT semantics) that dialect's view of it and keeps everything else.
async fn replace(cx: &mut Cx, id: i64) -> Result<Response, ApiError> {
    let expected = http::expected_version(cx.header("If-Match"))?;
    let dialect = dialect_param(cx)?;
    let (incoming, body) = read_user(cx, dialect, Op::Update).await?;
    if let (Some(d), Some(body_id)) = (dialect, incoming.id)
        && body_id != id
    {
        let pointer = d.spec().wire_pointer(Op::Update, &incoming, "/id").unwrap_or_else(|| "/id".into());
        let prefix = d.spec().prepare(Op::Update, &body).1;
        let v = Violation::new(format!("{prefix}{pointer}"), Code::Mismatch).param("other", "the id in the path");
        return Err(Report::single(v).into());
    }
    let store = directory(cx, dialect)?;
    let result = match dialect {
        None => {
            if has_unknown_formats(&incoming) {
                known_formats(&incoming, Some(&store.get(&Key::Id(id)).await?.user))?;
            }
            let mut user = incoming.clone();
            let password = user.password.take();
            store.update(id, expected, &user, password.as_ref()).await.map_err(ApiError::from)
        }
        Some(d) => match store.get(&Key::Id(id)).await {
            Ok(read) => {
                modify(&store, read, expected, |current| {
                    Ok(userbridge_core::apply_update(d, &current.user, &incoming, &body))
                })
                .await
            }
            Err(err) => Err(err.into()),
        },
    };
    let stored =
        result.map_err(|e| e.locate_duplicate(|f| duplicate_pointer(f, &incoming, dialect, Op::Update, &body)))?;
    Ok(user_response(200, dialect, &stored))
}

/// PATCH: an RFC 7396 merge patch of the canonical user (`null` removes a field).
async fn patch(cx: &mut Cx, id: i64) -> Result<Response, ApiError> {
    let expected = http::expected_version(cx.header("If-Match"))?;
    let text = cx.text_body(http::is_json, "application/merge-patch+json", true).await?.unwrap_or_default();
    let patch = parse_json(&text)?;
    let store = directory(cx, None)?;
    let mut patched = User::default();
    let read = store.get(&Key::Id(id)).await?;
    let stored = modify(&store, read, expected, |current| {
        let mut target = canonical_json(&current.user);
        merge::merge_patch(&mut target, &patch);
        patched = canonical_user(target)?;
        known_formats(&patched, Some(&current.user))?;
        Ok(patched.clone())
    })
    .await
    .map_err(|e| e.locate_duplicate(|f| Some(f.canonical_pointer(&patched))))?;
    Ok(user_response(200, None, &stored))
}

async fn delete(cx: &mut Cx, id: i64) -> Result<Response, ApiError> {
    let expected = http::expected_version(cx.header("If-Match"))?;
    directory(cx, None)?.delete(id, expected).await?;
    Ok(http::empty(204))
}

async fn validate(cx: &mut Cx, dialect: Dialect, op: Op) -> Result<Response, ApiError> {
    let (text, format) = dialect_text(cx, dialect).await?;
    let report = userbridge_core::validate_str(dialect, op, &text, format);
    Ok(http::json(200, &json!({"valid": report.is_valid(), "errors": report.errors, "ignored": report.ignored})))
}

/// A dry run: the body in the target dialect, what it cannot hold (`lost`), what the source
/// ignores, and what the target would still need (`unmet`). Nothing is stored.
async fn translate(cx: &mut Cx) -> Result<Response, ApiError> {
    let q = cx.query();
    let dialect = |name: &'static str| -> Result<Dialect, ApiError> {
        let value = http::query_param(&q, name)
            .ok_or_else(|| ApiError::BadParameter { name, detail: "is required (a dialect name)".into() })?;
        value
            .parse()
            .map_err(|e: userbridge_core::dialect::UnknownName| ApiError::BadParameter { name, detail: e.to_string() })
    };
    let (from, to) = (dialect("from")?, dialect("to")?);
    let op = match http::query_param(&q, "op") {
        None => Op::Create,
        Some(op) => op.parse().map_err(|e: userbridge_core::dialect::UnknownName| ApiError::BadParameter {
            name: "op",
            detail: e.to_string(),
        })?,
    };
    let (text, format) = dialect_text(cx, from).await?;
    let value = from.spec().parse(op, &text, format)?;
    let translation = userbridge_core::translate(from, to, op, &value)?;
    Ok(http::json(200, &translation))
}

/// Field metadata of every dialect and operation: what the widget builds its forms from.
fn dialects() -> Response {
    let list: Vec<Value> = Dialect::ALL
        .iter()
        .map(|d| {
            let ops: Map<String, Value> = Op::ALL
                .iter()
                .map(|op| (op.as_str().to_owned(), json!({"fields": userbridge_core::fields(*d, *op)})))
                .collect();
            json!({"name": d.as_str(), "operations": ops})
        })
        .collect();
    http::json(200, &json!({"dialects": list}))
}

// --- helpers -------------------------------------------------------------------------------------

/// `?dialect=`: which dialect's body and representation a request uses (`None`: canonical).
fn dialect_param(cx: &Cx) -> Result<Option<Dialect>, ApiError> {
    match http::query_param(&cx.query(), "dialect") {
        None => Ok(None),
        Some(d) => d.parse().map(Some).map_err(|e: userbridge_core::dialect::UnknownName| ApiError::BadParameter {
            name: "dialect",
            detail: e.to_string(),
        }),
    }
}

/// The request's user: a dialect body through that dialect's rules, or the canonical user. The
/// parsed body comes back too, for placing duplicate errors in it.
async fn read_user(cx: &mut Cx, dialect: Option<Dialect>, op: Op) -> Result<(User, Value), ApiError> {
    match dialect {
        Some(d) => {
            let body = cx.dialect_json(d, op).await?;
            Ok((userbridge_core::to_canonical(d, op, &body)?, body))
        }
        None => {
            let text = cx.text_body(http::is_json, "application/json", true).await?.unwrap_or_default();
            let body = parse_json(&text)?;
            Ok((canonical_user(body.clone())?, body))
        }
    }
}

/// JSON or, for dialects that speak it (publisher), XML; the format follows `Content-Type`.
async fn dialect_text(cx: &mut Cx, dialect: Dialect) -> Result<(String, BodyFormat), ApiError> {
    let xml = dialect == Dialect::Publisher && cx.header("Content-Type").as_deref().is_some_and(is_xml);
    let (accepts, expected): (fn(&str) -> bool, _) = match (dialect, xml) {
        (_, true) => (is_xml, "application/xml"),
        (Dialect::Publisher, false) => (http::is_json, "application/json or application/xml"),
        _ => (http::is_json, "application/json"),
    };
    let text = cx.text_body(accepts, expected, true).await?.unwrap_or_default();
    Ok((text, if xml { BodyFormat::Xml } else { BodyFormat::Json }))
}

/// `application/xml` or `text/xml`.
fn is_xml(content_type: &str) -> bool {
    matches!(http::essence(content_type).as_str(), "application/xml" | "text/xml")
}

/// Reads a canonical user; a malformed one gives a violation at the place that is wrong.
///
/// The place is found by elimination rather than with a path-tracking deserializer (which would
/// add a second, tracked copy of every canonical type's deserializer — ~90 KB of Wasm): only on
/// error, the body is cut down to one child at a time and read again with the same deserializer,
/// descending while the cut-down body still fails.
pub fn canonical_user(value: Value) -> Result<User, Report> {
    // serde also reads a struct from an array (by position); a user is only ever an object.
    if !value.is_object() {
        return Err(Report::single(Violation::new("", Code::InvalidType).param("expected", "object")));
    }
    // From text, as the store reads rows: one `User` deserializer in the Wasm, not two.
    let detail = match serde_json::from_str::<User>(&value.to_string()) {
        // Every dialect refuses an empty username as missing (`required`, `min` 1), and so does
        // /v1: it would also be one more unique key ('').
        Ok(user) if user.username.as_deref() == Some("") => {
            return Err(Report::single(Violation::new("/username", Code::Required).param("min", 1)));
        }
        Ok(user) => return Ok(user),
        Err(e) => e.to_string(),
    };
    let (pointer, detail) = locate(&value, detail);
    Err(Report::single(violation_for(pointer, &detail)))
}

/// /v1 sets locales in their canonical form (`pt-BR`) and IANA time zones only. The canonical
/// user holds any string (SCIM stores them verbatim), so a value the user already has (`current`)
/// is kept as it is: a client can write back what it read.
fn known_formats(user: &User, current: Option<&User>) -> Result<(), Report> {
    let kept = |get: fn(&User) -> Option<&str>| current.is_some_and(|c| get(c) == get(user));
    let language: fn(&User) -> Option<&str> = |u| u.language.as_ref().map(|l| l.as_str());
    let locale: fn(&User) -> Option<&str> = |u| u.locale.as_ref().map(|l| l.as_str());
    for (pointer, get) in [("/language", language), ("/locale", locale)] {
        if get(user).is_some_and(|l| !Locale::verbatim(l).is_canonical()) && !kept(get) {
            return Err(Report::single(Violation::new(pointer, Code::InvalidLocale)));
        }
    }
    let timezone: fn(&User) -> Option<&str> = |u| u.timezone.as_ref().map(|t| t.as_str());
    if user.timezone.as_ref().is_some_and(|t| !t.is_known()) && !kept(timezone) {
        return Err(Report::single(Violation::new("/timezone", Code::InvalidTimezone)));
    }
    Ok(())
}

/// Whether [`known_formats`] can refuse `user` at all (else no need to read the stored one).
fn has_unknown_formats(user: &User) -> bool {
    known_formats(user, None).is_err()
}

/// The deepest place in `full` whose subtree alone still fails to read, and the error there.
fn locate(full: &Value, mut detail: String) -> (String, String) {
    let mut path: Vec<(String, Option<usize>)> = Vec::new();
    while let Some(node) = node_at(full, &path) {
        // What an object's own shape causes (a missing field) shows even when it is empty; a
        // child is the culprit only when it alone fails differently.
        let (children, own): (Vec<(String, Option<usize>)>, Option<String>) = match node {
            Value::Object(map) => {
                let own = if path.is_empty() { None } else { read_only(&path, Value::Object(Map::new())).err() };
                (map.keys().map(|k| (k.clone(), None)).collect(), own)
            }
            Value::Array(items) => ((0..items.len()).map(|i| (i.to_string(), Some(i))).collect(), None),
            _ => {
                // A scalar cannot miss a field: its object does.
                if detail.starts_with("missing field") {
                    path.pop();
                }
                break;
            }
        };
        let failing = children.into_iter().find_map(|child| {
            let mut candidate = path.clone();
            candidate.push(child);
            let subtree = node_at(full, &candidate)?.clone();
            read_only(&candidate, subtree).err().filter(|e| Some(e) != own.as_ref()).map(|e| (candidate, e))
        });
        match (failing, own) {
            (Some((candidate, e)), _) => {
                path = candidate;
                detail = e;
            }
            (None, Some(e)) => {
                detail = e;
                break;
            }
            (None, None) => break,
        }
    }
    let mut pointer = String::new();
    for (key, _) in &path {
        push_key(&mut pointer, key);
    }
    (pointer, detail)
}

/// The value at `path` (object keys, array indices).
fn node_at<'a>(root: &'a Value, path: &[(String, Option<usize>)]) -> Option<&'a Value> {
    path.iter().try_fold(root, |node, (key, index)| match index {
        Some(i) => node.get(*i),
        None => node.get(key.as_str()),
    })
}

/// Reads a user holding only `leaf` at `path` (each array cut to the one element on the path).
fn read_only(path: &[(String, Option<usize>)], leaf: Value) -> Result<(), String> {
    let mut value = leaf;
    for depth in (0..path.len()).rev() {
        value = match &path[depth].1 {
            Some(_) => Value::Array(vec![value]),
            None => {
                let mut map = Map::new();
                map.insert(path[depth].0.clone(), value);
                Value::Object(map)
            }
        };
    }
    serde_json::from_str::<User>(&value.to_string()).map(|_| ()).map_err(|e| e.to_string())
}

/// The violation a serde message describes (the canonical newtypes name the format they check).
fn violation_for(pointer: String, detail: &str) -> Violation {
    if detail.contains("not a valid email address") {
        Violation::new(pointer, Code::InvalidEmail)
    } else if detail.contains("not a valid locale") {
        Violation::new(pointer, Code::InvalidLocale)
    } else if detail.contains("not a valid IANA time zone") {
        Violation::new(pointer, Code::InvalidTimezone)
    } else if let Some(field) = detail.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        let mut at = pointer;
        push_key(&mut at, field);
        Violation::new(at, Code::Required)
    } else if detail.starts_with("unknown variant") {
        let allowed = detail.split("expected ").nth(1).unwrap_or("").to_owned();
        Violation::new(pointer, Code::NotAllowedValue).param("allowed", allowed)
    } else {
        let expected = detail.split("expected ").nth(1).unwrap_or("a valid value").to_owned();
        Violation::new(pointer, Code::InvalidType).param("expected", expected)
    }
}

/// The canonical user as sent to clients: never a password (the store never has one).
fn canonical_json(user: &User) -> Value {
    let mut user = user.clone();
    user.password = None;
    serde_json::to_value(&user).unwrap_or_else(|_| json!({}))
}

/// A user with its `ETag`, canonical or as a dialect's update body.
fn user_response(status: u16, dialect: Option<Dialect>, stored: &Stored) -> Response {
    let body = match dialect {
        None => canonical_json(&stored.user),
        Some(d) => {
            let mut user = stored.user.clone();
            user.password = None;
            userbridge_core::from_canonical(d, Op::Update, &user)
        }
    };
    http::with_header(http::json(status, &body), "ETag", &http::etag(stored.version))
}

/// Where a duplicate sits in the request: the canonical pointer, or the dialect's wire pointer
/// (with its wrapper prefix, e.g. learningcloud's `/user`).
fn duplicate_pointer(field: Unique, user: &User, dialect: Option<Dialect>, op: Op, body: &Value) -> Option<String> {
    let canonical = field.canonical_pointer(user);
    let Some(d) = dialect else { return Some(canonical) };
    let wire = d.spec().wire_pointer(op, user, &canonical)?;
    Some(format!("{}{wire}", d.spec().prepare(op, body).1))
}

// --- errors --------------------------------------------------------------------------------------

/// One entry of a problem's `errors`: params always present, so a UI can rely on the key.
#[derive(Serialize)]
struct ProblemError<'a> {
    pointer: &'a str,
    code: &'a str,
    message: &'a str,
    params: &'a Map<String, Value>,
}

/// RFC 9457 problem details for an error (also the fallback shape for paths no dialect owns).
pub fn problem(err: &ApiError) -> Response {
    let status = err.status();
    let (kind, title) = match err {
        ApiError::Invalid(_) => ("urn:userbridge:problem:invalid", "Invalid request body"),
        ApiError::BadParameter { .. } => ("urn:userbridge:problem:invalid-parameter", "Invalid parameter"),
        ApiError::Duplicate { .. } => ("urn:userbridge:problem:duplicate", "Duplicate value"),
        ApiError::Conflict => ("urn:userbridge:problem:conflict", "Concurrent modification"),
        _ => ("about:blank", reason(status)),
    };
    let empty = Map::new();
    let duplicate: Violation;
    let errors: Vec<ProblemError> = match err {
        ApiError::Invalid(report) => report
            .errors
            .iter()
            .map(|v| ProblemError {
                pointer: &v.pointer,
                code: v.code.as_str(),
                message: &v.message,
                params: &v.params,
            })
            .collect(),
        ApiError::Duplicate { pointer, .. } => {
            duplicate = Violation::new(pointer.clone(), Code::Duplicate);
            vec![ProblemError {
                pointer: &duplicate.pointer,
                code: "duplicate",
                message: &duplicate.message,
                params: &empty,
            }]
        }
        _ => Vec::new(),
    };
    let mut body = json!({"type": kind, "title": title, "status": status, "detail": err.message()});
    if !errors.is_empty() {
        body["errors"] = serde_json::to_value(&errors).unwrap_or_default();
    }
    http::json_as(status, "application/problem+json", &body)
}

/// The reason phrase of the statuses we answer with.
fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Internal Server Error",
    }
}

/// The directory for a body in `dialect` (`None`: canonical). Canonical and SCIM users may share
/// an email address (RFC 7643 gives `emails` uniqueness "none"; see `docs/dialects/scim.md`); a
/// body in another dialect claims its address, as that dialect's own routes do.
fn directory(cx: &Cx, dialect: Option<Dialect>) -> Result<Directory, ApiError> {
    let emails = match dialect {
        None | Some(Dialect::Scim) => Emails::Shared,
        Some(_) => Emails::Claimed,
    };
    Ok(cx.store()?.with_emails(emails))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = |m: &str, p: &str| V1::resolve(m, p);
        assert_eq!(r("GET", "/v1/users"), Some(Resolved::Found(Route::ListUsers)));
        assert_eq!(r("POST", "/v1/users/"), Some(Resolved::Found(Route::CreateUser)));
        assert_eq!(r("PATCH", "/v1/users/12"), Some(Resolved::Found(Route::PatchUser(12))));
        assert_eq!(r("POST", "/v1/users/12"), Some(Resolved::WrongMethod("GET, HEAD, PUT, PATCH, DELETE")));
        assert_eq!(r("GET", "/v1/users/abc"), Some(Resolved::Unknown));
        assert_eq!(r("GET", "/v1/users/0"), Some(Resolved::Unknown));
        assert_eq!(
            r("POST", "/v1/validate/primavera/update"),
            Some(Resolved::Found(Route::Validate(Dialect::Primavera, Op::Update)))
        );
        assert_eq!(r("POST", "/v1/validate/ldap/update"), Some(Resolved::Unknown));
        assert_eq!(r("GET", "/openapi.json"), Some(Resolved::Found(Route::OpenApi)));
        assert_eq!(r("GET", "/v2/users"), None);
    }

    #[test]
    fn canonical_errors_point_at_the_field() {
        let err = canonical_user(json!({"emails": [{"value": "a@b.co"}, {"value": "nope"}]})).err();
        let v = err.map(|r| r.errors[0].clone());
        assert_eq!(v.as_ref().map(|v| (v.pointer.as_str(), v.code)), Some(("/emails/1/value", Code::InvalidEmail)));
        let user = |v: Value| canonical_user(v).unwrap_or_default();
        let err = known_formats(&user(json!({"locale": "pt_BR"})), None).err();
        let v = err.map(|r| (r.errors[0].pointer.to_string(), r.errors[0].code));
        assert_eq!(v, Some(("/locale".to_owned(), Code::InvalidLocale)));
        let err = known_formats(&user(json!({"timezone": "Mars/Base"})), None).err();
        assert_eq!(err.map(|r| r.errors[0].code), Some(Code::InvalidTimezone));
        assert!(known_formats(&user(json!({"language": "pt-BR", "timezone": "UTC"})), None).is_ok());
        // What SCIM stored verbatim may be written back as it is, not changed to another unknown.
        let stored = user(json!({"language": "en_US", "timezone": "Pacific Standard Time"}));
        assert!(known_formats(&stored, Some(&stored)).is_ok());
        let other = user(json!({"language": "en_GB", "timezone": "Pacific Standard Time"}));
        assert!(known_formats(&other, Some(&stored)).is_err());
        let err = canonical_user(json!({"phones": [{"value": "1"}]})).err();
        assert_eq!(err.map(|r| r.errors[0].pointer.to_string()).as_deref(), Some("/phones/0/type"));
        let err = canonical_user(json!({"status": "sleeping"})).err();
        assert_eq!(err.map(|r| r.errors[0].code), Some(Code::NotAllowedValue));
        let err = canonical_user(json!({"emails": [{"type": "work"}]})).err();
        let v = err.map(|r| (r.errors[0].pointer.to_string(), r.errors[0].code));
        assert_eq!(v, Some(("/emails/0/value".to_owned(), Code::Required)));
        let err = canonical_user(json!({"name": {"given": 5}, "username": "ok"})).err();
        assert_eq!(
            err.map(|r| (r.errors[0].pointer.to_string(), r.errors[0].code)),
            Some(("/name/given".into(), Code::InvalidType))
        );
        let err = canonical_user(json!({"username": ""})).err().unwrap_or_default();
        assert_eq!((err.errors[0].pointer.as_str(), err.errors[0].code), ("/username", Code::Required));
        assert!(canonical_user(json!({"username": "a"})).is_ok());
        let err = canonical_user(json!([1])).err();
        assert_eq!(
            err.map(|r| (r.errors[0].pointer.to_string(), r.errors[0].code)),
            Some((String::new(), Code::InvalidType))
        );
    }

    /// Every /v1 route is in the OpenAPI document, and the document is JSON.
    #[test]
    fn openapi_lists_every_route() {
        let doc: Value = serde_json::from_str(OPENAPI).unwrap_or_default();
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        for (path, methods) in [
            ("/v1/users", &["get", "post"][..]),
            ("/v1/users/{id}", &["get", "put", "patch", "delete"][..]),
            ("/v1/validate/{dialect}/{op}", &["post"][..]),
            ("/v1/translate", &["post"][..]),
            ("/v1/dialects", &["get"][..]),
            ("/openapi.json", &["get"][..]),
        ] {
            for m in methods {
                assert!(paths.get(path).and_then(|p| p.get(m)).is_some(), "{m} {path} missing from openapi.json");
            }
        }
        assert_eq!(paths.len(), 6, "openapi.json documents a path the router does not serve");
    }

    /// The OpenAPI `User` schema names exactly the canonical user's fields.
    #[test]
    fn openapi_user_schema_matches_the_canonical_user() {
        let doc: Value = serde_json::from_str(OPENAPI).unwrap_or_default();
        let documented: Vec<String> = doc["components"]["schemas"]["User"]["properties"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let sample = full_user();
        let actual: Vec<String> = serde_json::to_value(&sample)
            .ok()
            .and_then(|v| v.as_object().map(|m| m.keys().cloned().collect()))
            .unwrap_or_default();
        assert_eq!(documented, actual);
    }

    /// A canonical user with every field set (so serialization shows every key).
    fn full_user() -> User {
        let v: Value = serde_json::from_str(
            r#"{
            "id": 1, "uid": "0123456789abcdef0123456789abcdef", "external_id": "e", "ldap_guid": "g",
            "auth_source": "LOCAL", "username": "u", "password": "p",
            "name": {"given": "A"}, "display_name": "d", "nick_name": "n", "profile_url": "https://x.org",
            "emails": [{"value": "a@b.co"}], "phones": [{"value": "1", "type": "work"}], "language": "en",
            "locale": "en-GB", "timezone": "UTC", "status": "active", "image": {"url": "https://x.org/i.png"},
            "job_title": "t", "user_type": "USER", "roles": {"management": ["user"]}, "access": "admin",
            "organization": {"name": "o"}, "company_id": 1, "office_ids": [1], "department": "d",
            "division": "d", "cost_center": "c", "employee_number": "1", "manager": {"value": "m"},
            "secretary": {"name": "s"}, "addresses": [{"line1": "l"}], "location": "l", "bio": "b",
            "interests": "i", "specialities": "s", "links": [{"type": "social"}], "ims": [{"value": "i"}],
            "photos": [{"value": "p"}], "entitlements": [{"value": "e"}], "scim_roles": [{"value": "r"}],
            "x509_certificates": [{"value": "x"}], "extended_fields": {"k": 1}, "extra": {}, "data": {},
            "products": [{"name": "TASKS"}], "global_profile_id": "g", "federated_user": true,
            "intro_reviewed": true, "all_device_types_available": true
        }"#,
        )
        .unwrap_or_default();
        canonical_user(v).unwrap_or_default()
    }
}
