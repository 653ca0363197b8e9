//! learningcloud at the vendor's own paths (`/integration/ws/management/rest/users…`,
//! docs/dialects/learningcloud.md).
//!
//! * `GET …/users?startIndex=&count=` → 200 + a JSON array of flat users (`startIndex` is a 0-based
//!   offset, `count` defaults to and is capped at 500)
//! * `GET …/users/{idOrUsername}` → 200 + the flat user
//! * `POST …/users` → 200 + envelope `status` 201, `Location: …/users/<id>`
//! * `PUT …/users/{idOrUsername}` → full replacement of what learningcloud holds (six required
//!   fields); fields only other dialects hold are kept → envelope 204
//! * `DELETE …/users/{idOrUsername}`, `PUT …/{idOrUsername}/activate|deactivate` → envelope 204
//! * `PUT …/{idOrUsername}/changePassword` `{"newPassword"}` → envelope 204 (management only)
//!
//! A 32-lowercase-hex segment is an id, anything else a username; a miss on the id is retried as
//! a username. `X-Cloud-Synchronization: asynchronous` answers the asynchronous envelope (the
//! queued platforms report 202); absent means synchronous. Errors answer the envelope with the
//! HTTP status in `status` and a `message`; validation and duplicate errors add an `errors` array
//! (`pointer`, `code`, `message`, `params`), since the vendor's single message cannot point.

use serde_json::{Value, json};
use userbridge_core::canonical::Status;
use userbridge_core::dialects::learningcloud::{self as lc, ChangePassword, Envelope};
use userbridge_core::{Dialect, Op, Report};
use worker::Response;

use super::surface::{Cx, Surface, modify};
use crate::auth::Scheme;
use crate::directory::Directory;
use crate::endpoints::{self, learningcloud as lc_paths};
use crate::error::ApiError;
use crate::http::{self, Resolved};
use crate::users::{Filter, Key, Stored, Unique};

/// The vendor's path of the users resource.
pub const PREFIX: &str = endpoints::learningcloud::USERS;
/// `count` default and maximum (docs/dialects/learningcloud.md#paths).
const MAX_COUNT: u32 = 500;

pub struct LearningCloud;

#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    List,
    Create,
    Get(String),
    Update(String),
    Delete(String),
    Activate(String),
    Deactivate(String),
    ChangePassword(String),
}

impl Surface for LearningCloud {
    const NAME: &'static str = "learningcloud";
    const DIALECT: Option<Dialect> = Some(Dialect::LearningCloud);
    const SCHEME: Scheme = Scheme::CloudToken;
    type Route = Route;
    type Error = ApiError;

    fn resolve(method: &str, path: &str) -> Option<Resolved<Route>> {
        let segments = http::segments(path, PREFIX)?;
        Some(match segments.as_slice() {
            [] => http::pick(method, "GET, HEAD, POST", [("GET", Route::List), ("POST", Route::Create)]),
            [id] => http::pick(
                method,
                "GET, HEAD, PUT, DELETE",
                [
                    ("GET", Route::Get(id.clone())),
                    ("PUT", Route::Update(id.clone())),
                    ("DELETE", Route::Delete(id.clone())),
                ],
            ),
            [id, action] => {
                let route = match action.as_str() {
                    lc_paths::ACTIVATE => Route::Activate(id.clone()),
                    lc_paths::DEACTIVATE => Route::Deactivate(id.clone()),
                    lc_paths::CHANGE_PASSWORD => Route::ChangePassword(id.clone()),
                    _ => return Some(Resolved::Unknown),
                };
                http::pick(method, "PUT", [("PUT", route)])
            }
            _ => Resolved::Unknown,
        })
    }

    fn op(route: &Route) -> &'static str {
        match route {
            Route::List => "list",
            Route::Create => "create",
            Route::Get(_) => "get",
            Route::Update(_) => "update",
            Route::Delete(_) => "delete",
            Route::Activate(_) => "activate",
            Route::Deactivate(_) => "deactivate",
            Route::ChangePassword(_) => "changePassword",
        }
    }

    fn creates(route: &Route) -> bool {
        matches!(route, Route::Create)
    }

    async fn handle(cx: &mut Cx, route: Route) -> Result<Response, ApiError> {
        // Every write answers an envelope (and a create its `Location`): nothing of the record.
        cx.trip.answer_without_record.set(true);
        match route {
            Route::List => list(cx).await,
            Route::Create => create(cx).await,
            Route::Get(id) => get(cx, &id).await,
            Route::Update(id) => update(cx, &id).await,
            Route::Delete(id) => delete(cx, &id).await,
            Route::Activate(id) => set_status(cx, &id, Status::Active).await,
            Route::Deactivate(id) => deactivate(cx, &id).await,
            Route::ChangePassword(id) => change_password(cx, &id).await,
        }
    }

    fn into_response(_cx: &Cx, err: ApiError) -> Response {
        // The vendor answers a taken username with 400, not 409 (docs/dialects/learningcloud.md#errors).
        let status = match err {
            ApiError::Duplicate { .. } => 400,
            _ => err.status(),
        };
        let (message, errors) = match &err {
            ApiError::Invalid(report) => {
                // The envelope's words (an empty report gives just them), then each violation, named.
                let mut message = Envelope::invalid(&Report::default()).message.unwrap_or_default();
                let lines: Vec<String> = report.errors.iter().map(|v| super::surface::summary_line(v, ": ")).collect();
                message.push_str(&lines.join("; "));
                (message, violations(report))
            }
            ApiError::Duplicate { pointer, .. } => {
                let v = userbridge_core::Violation::new(pointer.clone(), userbridge_core::Code::Duplicate);
                (err.message(), violations(&Report::single(v)))
            }
            _ => (err.message(), Vec::new()),
        };
        let mut body = serde_json::to_value(Envelope::error(status, message)).unwrap_or_else(|_| json!({}));
        if !errors.is_empty() {
            body["errors"] = Value::Array(errors);
        }
        http::json(status, &body)
    }
}

/// Report entries with `params` always present.
fn violations(report: &Report) -> Vec<Value> {
    report
        .errors
        .iter()
        .map(|v| json!({"pointer": v.pointer, "code": v.code, "message": v.message, "params": v.params}))
        .collect()
}

// --- handlers ------------------------------------------------------------------------------------

async fn list(cx: &mut Cx) -> Result<Response, ApiError> {
    let q = cx.query();
    let start = http::query_u32(&q, lc_paths::START_INDEX)?.unwrap_or(0);
    let count = http::query_u32(&q, lc_paths::COUNT)?.unwrap_or(MAX_COUNT).min(MAX_COUNT);
    let users = cx.store()?.list(&Filter::default(), start, count).await?;
    let body: Vec<lc::User> = users.iter().map(|s| lc::read(&s.user)).collect();
    Ok(http::json(200, &body))
}

async fn get(cx: &mut Cx, id_or_username: &str) -> Result<Response, ApiError> {
    let stored = find(&cx.store()?, id_or_username).await?;
    Ok(http::json(200, &lc::read(&stored.user)))
}

async fn create(cx: &mut Cx) -> Result<Response, ApiError> {
    let sync = synchronous(cx)?;
    let body = cx.dialect_json(Dialect::LearningCloud, Op::Create).await?;
    let mut user = userbridge_core::to_canonical_with(&lc::LearningCloud, Op::Create, &body)?;
    let password = user.password.take();
    let stored = cx
        .store()?
        .create(&user, password.as_ref())
        .await
        .map_err(|e| ApiError::from(e).locate_duplicate(|f| Some(pointer(f, &body))))?;
    let location = format!("{}{PREFIX}/{}", http::origin(&cx.req), stored.uid);
    let mut envelope = Envelope::created(sync);
    envelope.location = Some(location.clone());
    Ok(http::with_header(http::json(200, &envelope), "Location", &location))
}

/// PUT: the body is the whole learningcloud user; what only other dialects hold stays.
async fn update(cx: &mut Cx, id_or_username: &str) -> Result<Response, ApiError> {
    let sync = synchronous(cx)?;
    let body = cx.dialect_json(Dialect::LearningCloud, Op::Update).await?;
    let incoming = userbridge_core::to_canonical_with(&lc::LearningCloud, Op::Update, &body)?;
    let store = cx.store()?;
    let target = find(&store, id_or_username).await?;
    modify(&store, target, None, |current| {
        Ok(userbridge_core::apply_update_with(&lc::LearningCloud, &current.user, &incoming, &body))
    })
    .await
    .map_err(|e| e.locate_duplicate(|f| Some(pointer(f, &body))))?;
    Ok(http::json(200, &Envelope::no_content(sync)))
}

async fn delete(cx: &mut Cx, id_or_username: &str) -> Result<Response, ApiError> {
    let sync = synchronous(cx)?;
    let store = cx.store()?;
    let target = find(&store, id_or_username).await?;
    store.delete(target.id, None).await?;
    Ok(http::json(200, &Envelope::no_content(sync)))
}

/// Deactivate takes an optional `{"message"}` (shown to the user by the vendor; userbridge has no
/// one to show it to, so it is validated and not stored). With a body, `Content-Type` is required.
async fn deactivate(cx: &mut Cx, id_or_username: &str) -> Result<Response, ApiError> {
    if let Some(text) = cx.text_body(http::is_json, "application/json", false).await? {
        let body = userbridge_core::dialect::parse_json(&text)?;
        let report = userbridge_core::fields::validate(lc::DEACTIVATE, &body);
        if !report.is_valid() {
            return Err(report.into());
        }
    }
    set_status(cx, id_or_username, Status::Inactive).await
}

async fn set_status(cx: &mut Cx, id_or_username: &str, status: Status) -> Result<Response, ApiError> {
    let sync = synchronous(cx)?;
    let store = cx.store()?;
    let target = find(&store, id_or_username).await?;
    modify(&store, target, None, |current| {
        let mut user = current.user.clone();
        user.status = Some(status);
        Ok(user)
    })
    .await?;
    Ok(http::json(200, &Envelope::no_content(sync)))
}

async fn change_password(cx: &mut Cx, id_or_username: &str) -> Result<Response, ApiError> {
    let text = cx.text_body(http::is_json, "application/json", true).await?.unwrap_or_default();
    let body = userbridge_core::dialect::parse_json(&text)?;
    let report = userbridge_core::fields::validate(lc::CHANGE_PASSWORD, &body);
    if !report.is_valid() {
        return Err(report.into());
    }
    let change: ChangePassword = userbridge_core::dialect::deserialize(&body)?;
    let store = cx.store()?;
    let target = find(&store, id_or_username).await?;
    store.set_password(target.id, &change.new_password).await?;
    Ok(http::json(200, &Envelope::password_changed()))
}

// --- helpers -------------------------------------------------------------------------------------

/// The user a path segment names: an id (32 lowercase hex) or a username; a missed id is tried
/// as a username, since a username may look like an id (docs/dialects/learningcloud.md#paths).
async fn find(store: &Directory, segment: &str) -> Result<Stored, ApiError> {
    if lc::is_user_id(segment)
        && let Some(found) = store.find(&Key::Uid(segment.to_owned())).await?
    {
        return Ok(found);
    }
    Ok(store.get(&Key::Username(segment.to_owned())).await?)
}

/// `X-Cloud-Synchronization`: absent or `synchronous` → true, `asynchronous` → false.
fn synchronous(cx: &Cx) -> Result<bool, ApiError> {
    match cx.header("X-Cloud-Synchronization") {
        None => Ok(true),
        Some(v) if v.trim().eq_ignore_ascii_case("synchronous") => Ok(true),
        Some(v) if v.trim().eq_ignore_ascii_case("asynchronous") => Ok(false),
        Some(_) => Err(ApiError::BadParameter {
            name: "X-Cloud-Synchronization",
            detail: "must be synchronous or asynchronous".into(),
        }),
    }
}

/// A unique field's pointer in a learningcloud body, inside the `{"user": …}` wrapper if sent.
fn pointer(field: Unique, body: &Value) -> String {
    let prefix = Dialect::LearningCloud.spec().prepare(Op::Create, body).1;
    let wire = match field {
        Unique::Username => "/username",
        Unique::Email => "/email",
        Unique::LdapGuid => "",
    };
    format!("{prefix}{wire}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = |m: &str, p: &str| LearningCloud::resolve(m, p);
        assert_eq!(r("GET", PREFIX), Some(Resolved::Found(Route::List)));
        assert_eq!(r("POST", PREFIX), Some(Resolved::Found(Route::Create)));
        assert_eq!(r("DELETE", PREFIX), Some(Resolved::WrongMethod("GET, HEAD, POST")));
        assert_eq!(r("PUT", &format!("{PREFIX}/ana")), Some(Resolved::Found(Route::Update("ana".into()))));
        assert_eq!(r("PATCH", &format!("{PREFIX}/ana")), Some(Resolved::WrongMethod("GET, HEAD, PUT, DELETE")));
        assert_eq!(
            r("PUT", &format!("{PREFIX}/ana/changePassword")),
            Some(Resolved::Found(Route::ChangePassword("ana".into())))
        );
        assert_eq!(r("GET", &format!("{PREFIX}/ana/activate")), Some(Resolved::WrongMethod("PUT")));
        assert_eq!(r("PUT", &format!("{PREFIX}/ana/explode")), Some(Resolved::Unknown));
        assert_eq!(r("GET", &format!("{PREFIX}/a/b/c")), Some(Resolved::Unknown));
        assert_eq!(r("GET", "/integration/ws/management/rest/usersx"), None);
    }

    #[test]
    fn duplicate_pointers_follow_the_wrapper() {
        assert_eq!(pointer(Unique::Username, &json!({"username": "a"})), "/username");
        assert_eq!(pointer(Unique::Email, &json!({"user": {"username": "a"}})), "/user/email");
    }
}
