//! publisher at the vendor's own paths (`/api/2/users…`, docs/dialects/publisher.md).
//!
//! * `POST /api/2/users` (`{"user": …}`) → 200 + summary `{"user": {"id", "email", "link"}}`
//! * `PUT /api/2/users/{id|email}` → full replacement of what publisher holds (fields only other
//!   dialects hold are kept) → 200 + summary; a body `id` that differs from the path's user is 400
//! * `GET /api/2/users/{id|email}` → 200 + the full user `{"user": …}`
//! * `GET /api/2/users?limit=&offset=&status=&search=&fields=` → 200 `{"users": {"user": […]}}`
//!   (summaries; `fields=all` gives full objects), `limit` 200 by default
//! * `POST /api/2/users/{id|email}/archive` → 200 + summary, status `archive`
//!
//! `Authorization: Bearer`. JSON or XML both ways: the body's syntax by `Content-Type` (none means
//! JSON), the answer's by `Accept` (the first of JSON or XML it names; otherwise the request's
//! syntax; otherwise JSON), errors included. Errors are `{"error": {"summary", "ref", "link"}}` /
//! `<error>…</error>`: ref 108 (404, no such user), 109 (no id in the path), 113 (the path segment
//! is neither a number nor an email), 304 (an id longer than 50 characters); validation answers
//! 400 with a `field` entry per violation; a taken email 409. Refs the vendor does not document
//! are the HTTP status.

use serde_json::{Value, json};
use userbridge_core::canonical::Status;
use userbridge_core::dialects::publisher::{
    ErrorBody, ErrorEnvelope, FieldError, REF_USER_ID_BADLY_FORMATTED, REF_USER_ID_REQUIRED, REF_USER_ID_TOO_LONG,
    Summary,
};
use userbridge_core::{BodyFormat, Code, Dialect, Op, Report, Violation};
use worker::Response;

use super::surface::{Cx, Surface, SurfaceError, modify};
use crate::auth::Scheme;
use crate::directory::Directory;
use crate::endpoints;
use crate::error::ApiError;
use crate::http::{self, Resolved};
use crate::users::{Filter, Key, Stored, Unique};

/// The vendor's path of the users resource.
pub const PREFIX: &str = endpoints::publisher::USERS;
/// `limit` default (the vendor's) and the most one page returns.
const DEFAULT_LIMIT: u32 = 200;
const MAX_LIMIT: u32 = 1000;
/// The vendor refuses longer ids (ref 304).
const MAX_ID_LEN: usize = 50;

pub struct Publisher;

#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    List,
    Create,
    /// `PUT /api/2/users`: an update that names no user (ref 109).
    IdRequired,
    /// The path segment as sent: an id or an email.
    Get(String),
    Update(String),
    Archive(String),
}

impl Surface for Publisher {
    const NAME: &'static str = "publisher";
    const DIALECT: Option<Dialect> = Some(Dialect::Publisher);
    const SCHEME: Scheme = Scheme::Bearer;
    type Route = Route;
    type Error = Fail;

    fn resolve(method: &str, path: &str) -> Option<Resolved<Route>> {
        let segments = http::segments(path, PREFIX)?;
        Some(match segments.as_slice() {
            [] => http::pick(
                method,
                "GET, HEAD, POST",
                [("GET", Route::List), ("POST", Route::Create), ("PUT", Route::IdRequired)],
            ),
            [key] => http::pick(
                method,
                "GET, HEAD, PUT",
                [("GET", Route::Get(key.clone())), ("PUT", Route::Update(key.clone()))],
            ),
            [key, action] if action == endpoints::publisher::ARCHIVE => {
                http::pick(method, "POST", [("POST", Route::Archive(key.clone()))])
            }
            _ => Resolved::Unknown,
        })
    }

    fn op(route: &Route) -> &'static str {
        match route {
            Route::List => "list",
            Route::Create => "create",
            Route::IdRequired | Route::Update(_) => "update",
            Route::Get(_) => "get",
            Route::Archive(_) => "archive",
        }
    }

    fn creates(route: &Route) -> bool {
        matches!(route, Route::Create)
    }

    async fn handle(cx: &mut Cx, route: Route) -> Result<Response, Fail> {
        // A write answers the summary (id, email, link): the id is the facade's, the email the one
        // written, so no read back is needed for it.
        cx.trip.answer_without_record.set(true);
        match route {
            Route::List => list(cx).await,
            Route::Create => create(cx).await,
            Route::IdRequired => Err(Fail::Ref(400, ErrorBody::new(REF_USER_ID_REQUIRED, "A user id is required"))),
            Route::Get(key) => get(cx, &key).await,
            Route::Update(key) => update(cx, &key).await,
            Route::Archive(key) => archive(cx, &key).await,
        }
    }

    fn into_response(cx: &Cx, err: Fail) -> Response {
        let err = match err {
            Fail::Api(err) => err,
            Fail::Ref(status, body) => return error_response(cx, status, body),
        };
        let (status, body) = match &err {
            ApiError::Invalid(report) => (400, invalid(report)),
            // The store's miss: the vendor's documented 404.
            ApiError::NotFound("User") => (404, ErrorBody::user_not_found()),
            ApiError::NotFound(_) => (404, ErrorBody::new(404, "The requested resource does not exist")),
            ApiError::Duplicate { field, .. } => {
                let pointer = match field {
                    Unique::Email => "/user/email",
                    // Publisher bodies carry neither; a conflict on them cannot come from one.
                    Unique::Username | Unique::LdapGuid => "",
                };
                let v = Violation::new(pointer, Code::Duplicate);
                let body = ErrorBody { fields: field_errors(&Report::single(v)), ..ErrorBody::new(409, err.message()) };
                (409, body)
            }
            other => (other.status(), ErrorBody::new(u32::from(other.status()), other.message())),
        };
        error_response(cx, status, body)
    }
}

/// A publisher failure, the surface's error: a shared [`ApiError`], or an error document with one
/// of the vendor's refs.
pub enum Fail {
    Api(ApiError),
    Ref(u16, ErrorBody),
}

impl From<ApiError> for Fail {
    fn from(err: ApiError) -> Self {
        Fail::Api(err)
    }
}

impl SurfaceError for Fail {
    fn shared(&mut self) -> Option<&mut ApiError> {
        match self {
            Fail::Api(err) => Some(err),
            Fail::Ref(..) => None,
        }
    }
}

impl From<crate::users::StoreError> for Fail {
    fn from(err: crate::users::StoreError) -> Self {
        Fail::Api(err.into())
    }
}

impl From<Report> for Fail {
    fn from(report: Report) -> Self {
        Fail::Api(ApiError::Invalid(report))
    }
}

// --- handlers ------------------------------------------------------------------------------------

async fn list(cx: &mut Cx) -> Result<Response, Fail> {
    let q = cx.query();
    let limit = http::query_u32(&q, endpoints::publisher::LIMIT)?.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let offset = http::query_u32(&q, endpoints::publisher::OFFSET)?.unwrap_or(0);
    let statuses: Vec<&'static str> = match http::query_param(&q, "status").as_deref().map(str::trim) {
        None | Some("") => Vec::new(),
        Some("active") => vec!["active"],
        Some("archive") => vec!["archived"],
        // The vendor has no lock-out: the core shows a locked-out user as `disable`.
        Some("disable") => vec!["inactive", "locked_out"],
        Some("suspended") => vec!["suspended"],
        Some(other) => {
            let detail = format!("`{other}` is not one of active, archive, disable, suspended");
            return Err(ApiError::BadParameter { name: "status", detail }.into());
        }
    };
    let search = http::query_param(&q, "search").filter(|s| !s.trim().is_empty());
    let full = http::query_param(&q, "fields").is_some_and(|f| f.trim().eq_ignore_ascii_case("all"));
    let filter = Filter { search, statuses, ..Filter::default() };
    let users = cx.store()?.list(&filter, offset, limit).await?;
    let items: Vec<Value> = users
        .iter()
        .map(|s| {
            let mut one = if full { full_user(s) } else { summary(cx, s) };
            one.get_mut("user").map(Value::take).unwrap_or(Value::Null)
        })
        .collect();
    Ok(respond(cx, 200, &json!({"users": {"user": items}})))
}

async fn create(cx: &mut Cx) -> Result<Response, Fail> {
    let body = read_body(cx, Op::Create).await?;
    let mut user =
        userbridge_core::to_canonical_with(&userbridge_core::dialects::publisher::Publisher, Op::Create, &body)?;
    // The server numbers users; an id in a create body names nothing yet.
    user.id = None;
    let stored = cx.store()?.create(&user, None).await?;
    Ok(respond(cx, 200, &summary(cx, &stored)))
}

async fn get(cx: &mut Cx, segment: &str) -> Result<Response, Fail> {
    let stored = find(&cx.store()?, segment).await?;
    Ok(respond(cx, 200, &full_user(&stored)))
}

/// PUT replaces the user with the object supplied: publisher fields it leaves out are cleared,
/// fields only other dialects hold are kept.
async fn update(cx: &mut Cx, segment: &str) -> Result<Response, Fail> {
    let body = read_body(cx, Op::Update).await?;
    let incoming =
        userbridge_core::to_canonical_with(&userbridge_core::dialects::publisher::Publisher, Op::Update, &body)?;
    let store = cx.store()?;
    let target = find(&store, segment).await?;
    if incoming.id.is_some_and(|id| id != target.id) {
        let v = Violation::new("/user/id", Code::Mismatch).param("other", "the user named in the path");
        return Err(ApiError::Invalid(Report::single(v)).into());
    }
    let stored = modify(&store, target, None, |current| {
        Ok(userbridge_core::apply_update_with(
            &userbridge_core::dialects::publisher::Publisher,
            &current.user,
            &incoming,
            &body,
        ))
    })
    .await?;
    Ok(respond(cx, 200, &summary(cx, &stored)))
}

async fn archive(cx: &mut Cx, segment: &str) -> Result<Response, Fail> {
    let store = cx.store()?;
    let target = find(&store, segment).await?;
    let stored = modify(&store, target, None, |current| {
        let mut user = current.user.clone();
        user.status = Some(Status::Archived);
        Ok(user)
    })
    .await?;
    Ok(respond(cx, 200, &summary(cx, &stored)))
}

// --- helpers -------------------------------------------------------------------------------------

/// The user a path segment names: digits are an id, anything with `@` an email; anything else is
/// ref 113, an id over 50 characters ref 304.
async fn find(store: &Directory, segment: &str) -> Result<Stored, Fail> {
    Ok(store.get(&key(segment)?).await?)
}

fn key(segment: &str) -> Result<Key, Fail> {
    if segment.contains('@') {
        return Ok(Key::Email(segment.to_owned()));
    }
    let badly_formatted =
        || Fail::Ref(400, ErrorBody::new(REF_USER_ID_BADLY_FORMATTED, "The user id is badly formatted"));
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return Err(badly_formatted());
    }
    if segment.len() > MAX_ID_LEN {
        return Err(Fail::Ref(400, ErrorBody::new(REF_USER_ID_TOO_LONG, "The user id is longer than 50 characters")));
    }
    segment.parse::<i64>().map(Key::Id).map_err(|_| badly_formatted())
}

/// The body in the syntax `Content-Type` names (none: JSON); strict, with line and column on a
/// syntax error (the seed's trailing comma is one).
async fn read_body(cx: &mut Cx, op: Op) -> Result<Value, Fail> {
    let format = match cx.header("Content-Type") {
        None => BodyFormat::Json,
        Some(ct) if http::is_json(&ct) => BodyFormat::Json,
        Some(ct) if is_xml(&ct) => BodyFormat::Xml,
        Some(_) => {
            return Err(ApiError::UnsupportedMediaType { expected: "application/json or application/xml" }.into());
        }
    };
    let bytes = http::read_body(&mut cx.req).await?;
    let text = String::from_utf8(bytes).map_err(|_| {
        let v = Violation::new("", Code::Syntax)
            .param("line", 1)
            .param("column", 1)
            .param("detail", "the body is not UTF-8");
        ApiError::Invalid(Report::single(v))
    })?;
    Ok(Dialect::Publisher.spec().parse(op, &text, format)?)
}

/// `application/xml`, `text/xml` or any `+xml` type.
fn is_xml(content_type: &str) -> bool {
    let e = http::essence(content_type);
    e == "application/xml" || e == "text/xml" || (e.starts_with("application/") && e.ends_with("+xml"))
}

/// The answer's syntax: the first of JSON or XML that `Accept` names (quality values are not
/// weighed), else the request body's syntax, else JSON.
fn answer_format(cx: &Cx) -> BodyFormat {
    if let Some(accept) = cx.header("Accept") {
        for range in accept.split(',') {
            if http::is_json(range) {
                return BodyFormat::Json;
            }
            if is_xml(range) {
                return BodyFormat::Xml;
            }
        }
    }
    match cx.header("Content-Type") {
        Some(ct) if is_xml(&ct) => BodyFormat::Xml,
        _ => BodyFormat::Json,
    }
}

/// A body in the answer's syntax. A stored value XML 1.0 cannot carry (a control character sent
/// in JSON) makes the XML answer impossible: 406 with the reason, in JSON.
fn respond(cx: &Cx, status: u16, value: &Value) -> Response {
    match answer_format(cx) {
        BodyFormat::Json => http::json(status, value),
        BodyFormat::Xml => match Dialect::Publisher.spec().render(value, BodyFormat::Xml) {
            Ok(xml) => http::respond(status, "application/xml; charset=utf-8", xml.into_bytes()),
            Err(report) => {
                let body = ErrorBody {
                    fields: field_errors(&report),
                    ..ErrorBody::new(406, "The answer cannot be written as XML; ask for application/json")
                };
                http::json(406, &ErrorEnvelope { error: body })
            }
        },
    }
}

fn error_response(cx: &Cx, status: u16, mut body: ErrorBody) -> Response {
    // The vendor links each error to a page about it; ours names the request, as in the log.
    body.link = Some(format!("{}/api/2/error/{}", http::origin(&cx.req), cx.request_id));
    respond(cx, status, &serde_json::to_value(ErrorEnvelope { error: body }).unwrap_or(Value::Null))
}

/// A validation 400: the vendor's document with one `field` entry per violation; a body that is
/// not well-formed says where in the summary.
fn invalid(report: &Report) -> ErrorBody {
    let mut body = ErrorBody::from_report(report);
    if let [v] = report.errors.as_slice()
        && v.code == Code::Syntax
    {
        let p = |k: &str| v.params.get(k).map(|x| x.to_string().trim_matches('"').to_owned()).unwrap_or_default();
        body.summary =
            format!("The request body is not well-formed: line {}, column {}: {}", p("line"), p("column"), p("detail"));
    }
    body
}

fn field_errors(report: &Report) -> Vec<FieldError> {
    ErrorBody::from_report(report).fields
}

/// `{"user": {"id", "email", "link"}}`; a user without an email (made through another dialect)
/// shows an empty one.
fn summary(cx: &Cx, stored: &Stored) -> Value {
    let email = stored.user.primary_email().map(|e| e.value.to_string()).unwrap_or_default();
    let link = format!("{}{PREFIX}/{}", http::origin(&cx.req), stored.id);
    json!({"user": Summary::new(stored.id, email, link)})
}

/// `{"user": …}`: what publisher can hold of the stored user.
fn full_user(stored: &Stored) -> Value {
    userbridge_core::from_canonical_with(&userbridge_core::dialects::publisher::Publisher, Op::Update, &stored.user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = |m: &str, p: &str| Publisher::resolve(m, p);
        assert_eq!(r("GET", PREFIX), Some(Resolved::Found(Route::List)));
        assert_eq!(r("POST", PREFIX), Some(Resolved::Found(Route::Create)));
        assert_eq!(r("PUT", PREFIX), Some(Resolved::Found(Route::IdRequired)));
        assert_eq!(r("DELETE", PREFIX), Some(Resolved::WrongMethod("GET, HEAD, POST")));
        assert_eq!(r("GET", "/api/2/users/3"), Some(Resolved::Found(Route::Get("3".into()))));
        assert_eq!(r("PUT", "/api/2/users/a%40b.org"), Some(Resolved::Found(Route::Update("a@b.org".into()))));
        assert_eq!(r("POST", "/api/2/users/3/archive"), Some(Resolved::Found(Route::Archive("3".into()))));
        assert_eq!(r("GET", "/api/2/users/3/archive"), Some(Resolved::WrongMethod("POST")));
        assert_eq!(r("POST", "/api/2/users/3/x"), Some(Resolved::Unknown));
        assert_eq!(r("GET", "/api/2/usersx"), None);
    }

    #[test]
    fn path_segments_name_ids_or_emails() {
        assert_eq!(key("42").ok(), Some(Key::Id(42)));
        assert_eq!(key("a@b.org").ok(), Some(Key::Email("a@b.org".into())));
        let r = |s: &str| match key(s) {
            Err(Fail::Ref(status, body)) => Some((status, body.reference)),
            _ => None,
        };
        assert_eq!(r("abc"), Some((400, REF_USER_ID_BADLY_FORMATTED)));
        assert_eq!(r("-1"), Some((400, REF_USER_ID_BADLY_FORMATTED)));
        assert_eq!(r(&"9".repeat(51)), Some((400, REF_USER_ID_TOO_LONG)));
        assert_eq!(r("99999999999999999999"), Some((400, REF_USER_ID_BADLY_FORMATTED)), "over i64");
    }

    #[test]
    fn media_types() {
        assert!(is_xml("application/xml; charset=utf-8") && is_xml("text/xml") && is_xml("application/atom+xml"));
        assert!(!is_xml("application/json") && !is_xml("text/plain"));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let report =
            userbridge_core::dialect::parse_json("{\"user\": {\"email\": \"a@b.org\",}}").err().unwrap_or_default();
        let body = invalid(&report);
        assert!(body.summary.contains("line 1, column 30"), "{}", body.summary);
        assert_eq!(body.fields.len(), 1);
    }
}
