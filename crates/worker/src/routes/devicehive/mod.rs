//! DeviceHive at the vendor's paths (`docs/dialects/devicehive.md`): REST under `/api/rest` and
//! `/dh/rest`, the WebSocket at `/api/websocket` and `/dh/websocket` ([`ws`]).
//!
//! * `POST /token` `{login, password}` → 201 `{accessToken, refreshToken}`;
//!   `POST /token/refresh` `{refreshToken}` → 201 `{accessToken}` (HS256, [`crate::jwt`]);
//!   `POST /token/create` `{userId, actions, networkIds, deviceTypeIds, expiration}` → 201 pair
//! * `GET /user?login=&loginPattern=&role=&status=&sortField=&sortOrder=&take=&skip=` → 200 `[user]`;
//!   `GET /user/count` → `{"count": n}`
//! * `GET /user/{id}`, `GET /user/current` → 200 user + `networks`
//! * `POST /user` → 201 `{id, lastLogin, data, introReviewed, allDeviceTypesAvailable}`
//! * `PUT /user/{id}`, `PUT /user/current` → 204: partial, `data` included (absent keeps it,
//!   null clears it)
//! * `DELETE /user/{id}` → 204 (403 for yourself)
//!
//! Credentials: `Authorization: Bearer <access JWT>`, or `USERBRIDGE_ADMIN_TOKEN` as an admin
//! bearer (every action). What a caller may do comes from its token's action list (JWT `a`), as
//! on the vendor's server: a missing or unusable credential is 401 "Unauthorized", a token
//! without the endpoint's action 403 "Access is denied"; the user's role then narrows it (a
//! client-role caller changing a login, role or status is 403). Errors are
//! `{"error": status, "message": …}` with the vendor's messages; a 400 from the validator also
//! carries the core's `errors` list. A body without `Content-Type` is JSON.
//!
//! The operations live on [`service::Service`] so the REST routes here and the WebSocket actions
//! in [`ws`] run the same code: parse → authorise → core → store → the vendor's shape.

pub mod service;
pub mod ws;

use serde::Serialize;
use serde_json::Value;
use userbridge_core::dialects::devicehive::actions::Action;
use userbridge_core::{BodyFormat, Code, Dialect, Op, Report, Violation};
use worker::Response;

use super::surface::{Cx, Surface};
use crate::auth::{self, Scheme};
use crate::endpoints::devicehive as paths;
use crate::error::ApiError;
use crate::http::{self, Resolved};
use service::{Fail, ListQuery, Principal, Secret, Service, Target, describe, ensure_admin, unauthorized};

/// The vendor's REST roots: the usual proxy path (`/api/rest`) and its own context (`/dh/rest`).
pub const PREFIXES: [&str; 2] = paths::ROOTS;
/// The WebSocket endpoints, same two roots.
pub const WEBSOCKET_PATHS: [&str; 2] = paths::WEBSOCKETS;

pub struct DeviceHive;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Token,
    TokenRefresh,
    TokenCreate,
    List,
    Count,
    Get(i64),
    GetCurrent,
    Create,
    Update(i64),
    UpdateCurrent,
    Delete(i64),
    WebSocket,
}

impl Surface for DeviceHive {
    const NAME: &'static str = "devicehive";
    /// The router checks no credential: the token endpoints take login and password in the body,
    /// the WebSocket authenticates with a message, and the user routes accept a JWT *or* the admin
    /// token ([`authenticate`]), which no shared scheme expresses.
    const DIALECT: Option<Dialect> = Some(Dialect::DeviceHive);
    const SCHEME: Scheme = Scheme::Public;
    type Route = Route;
    type Error = Fail;

    fn resolve(method: &str, path: &str) -> Option<Resolved<Route>> {
        if WEBSOCKET_PATHS.contains(&path) {
            return Some(http::pick(method, "GET", [("GET", Route::WebSocket)]));
        }
        let segments = PREFIXES.iter().find_map(|p| http::segments(path, p))?;
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        Some(match segments.as_slice() {
            [paths::TOKEN] => http::pick(method, "POST", [("POST", Route::Token)]),
            [paths::TOKEN, paths::REFRESH] => http::pick(method, "POST", [("POST", Route::TokenRefresh)]),
            [paths::TOKEN, paths::CREATE] => http::pick(method, "POST", [("POST", Route::TokenCreate)]),
            [paths::USER] => http::pick(method, "GET, HEAD, POST", [("GET", Route::List), ("POST", Route::Create)]),
            [paths::USER, paths::COUNT] => http::pick(method, "GET, HEAD", [("GET", Route::Count)]),
            [paths::USER, paths::CURRENT] => {
                http::pick(method, "GET, HEAD, PUT", [("GET", Route::GetCurrent), ("PUT", Route::UpdateCurrent)])
            }
            // The vendor's `{id}` is a Long: anything else matches no route (404).
            [paths::USER, id] => match id.parse::<i64>() {
                Ok(id) => http::pick(
                    method,
                    "GET, HEAD, PUT, DELETE",
                    [("GET", Route::Get(id)), ("PUT", Route::Update(id)), ("DELETE", Route::Delete(id))],
                ),
                Err(_) => Resolved::Unknown,
            },
            _ => Resolved::Unknown,
        })
    }

    fn op(route: &Route) -> &'static str {
        match route {
            Route::Token => "token",
            Route::TokenRefresh => "token_refresh",
            Route::TokenCreate => "token_create",
            Route::List => "list",
            Route::Count => "count",
            Route::Get(_) => "get",
            Route::GetCurrent => "get_current",
            Route::Create => "create",
            Route::Update(_) => "update",
            Route::UpdateCurrent => "update_current",
            Route::Delete(_) => "delete",
            Route::WebSocket => "websocket",
        }
    }

    fn creates(route: &Route) -> bool {
        matches!(route, Route::Create)
    }

    /// A caller whose bearer token grants `ManageUser`: the user, not the token, because access
    /// tokens are renewed every 30 minutes and a retry must survive that (the admin token is
    /// its own owner). A caller who may not create owns no key.
    async fn key_owner(cx: &Cx, _presented: Option<&str>) -> Option<String> {
        let token = cx.header("Authorization").and_then(|h| auth::bearer(&h).map(str::to_owned))?;
        let (store, accounts) = (cx.store().ok()?, cx.local_store().ok()?);
        let service = Service { store: &store, accounts: &accounts, config: &cx.config };
        let principal = service.authenticate(&token).await.ok()?;
        match &principal {
            Principal::AdminToken => Some(token),
            Principal::User(user, _) if principal.allows(Action::ManageUser) => {
                Some(format!("devicehive-user:{}", user.id))
            }
            Principal::User(..) => None,
        }
    }

    async fn handle(cx: &mut Cx, route: Route) -> Result<Response, Fail> {
        serve(cx, route).await
    }

    fn into_response(_cx: &Cx, err: Fail) -> Response {
        let err = match err {
            Fail::Api(err) => err,
            Fail::Vendor(status, message) => return error_response(status, message, &[]),
            // The vendor's REST answer here is a 403 whose body says 404.
            fail @ Fail::NotYours(_) => {
                let (code, message) = fail.describe();
                return http::json(403, &ErrorOut { error: code, message, errors: &[] });
            }
        };
        let (status, message) = describe(&err);
        let errors = match &err {
            ApiError::Invalid(report) => report.errors.as_slice(),
            _ => &[],
        };
        error_response(status, message, errors)
    }
}

async fn serve(cx: &mut Cx, route: Route) -> Result<Response, Fail> {
    let store = cx.store()?;
    let accounts = cx.local_store()?;
    ensure_admin(&accounts, &cx.config, &cx.request_id).await;
    if route == Route::WebSocket {
        return ws::upgrade(cx);
    }
    // Every write's answer here is a 204 or a created user's id and defaults: no read back.
    cx.trip.answer_without_record.set(true);
    let config = cx.config.clone();
    let svc = Service { store: &store, accounts: &accounts, config: &config };
    match route {
        Route::Token => {
            let body = json_body(cx, Op::Create).await?;
            let login = body.get("login").and_then(Value::as_str);
            let pair = svc.token(login, Secret::of(body.get("password"))).await?;
            return Ok(http::json(201, &pair));
        }
        Route::TokenRefresh => {
            let body = json_body(cx, Op::Create).await?;
            let token = body.get("refreshToken").and_then(Value::as_str).map(str::to_owned);
            return Ok(http::json(201, &svc.refresh(token.as_deref()).await?));
        }
        _ => {}
    }
    let token = cx.header("Authorization").and_then(|h| auth::bearer(&h).map(str::to_owned));
    let principal = svc.authenticate(token.as_deref().ok_or_else(unauthorized)?).await?;
    match route {
        Route::List => {
            let query = ListQuery::from_pairs(&cx.query())?;
            Ok(http::json(200, &svc.list(&principal, &query).await?))
        }
        Route::Count => {
            let query = ListQuery::from_pairs(&cx.query())?;
            Ok(http::json(200, &serde_json::json!({ "count": svc.count(&principal, &query).await? })))
        }
        Route::Get(id) => Ok(http::json(200, &svc.get(&principal, id).await?)),
        Route::GetCurrent => Ok(http::json(200, &svc.get_current(&principal).await?)),
        Route::Create => {
            let body = json_body(cx, Op::Create).await?;
            Ok(http::json(201, &svc.create(&principal, &body).await?))
        }
        Route::Update(id) => {
            let body = optional_json_body(cx).await?;
            svc.update(&principal, Target::Id(id), body.as_ref()).await?;
            Ok(http::empty(204))
        }
        Route::UpdateCurrent => {
            let body = optional_json_body(cx).await?;
            svc.update(&principal, Target::Current, body.as_ref()).await?;
            Ok(http::empty(204))
        }
        Route::Delete(id) => {
            svc.delete(&principal, id).await?;
            Ok(http::empty(204))
        }
        Route::TokenCreate => {
            let body = optional_json_body(cx).await?;
            Ok(http::json(201, &svc.token_create(&principal, body.as_ref()).await?))
        }
        Route::Token | Route::TokenRefresh | Route::WebSocket => Err(ApiError::NotFound("Resource").into()),
    }
}

/// `{"error": status, "message": …}`, plus userbridge's `errors` (the core's violations: pointer,
/// code, message, params) on a validation 400, so a client can show each problem at its field.
#[derive(Serialize)]
struct ErrorOut<'a> {
    error: u16,
    message: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [Violation],
}

fn error_response(status: u16, message: String, errors: &[Violation]) -> Response {
    http::json(status, &ErrorOut { error: status, message, errors })
}

/// The body as JSON: no `Content-Type` means JSON (the vendor's `ContentTypeFilter`), another
/// media type is 415, and the syntax is strict (the core reports line and column).
async fn json_body(cx: &mut Cx, op: Op) -> Result<Value, Fail> {
    let text = body_text(cx).await?;
    Ok(Dialect::DeviceHive.spec().parse(op, &text, BodyFormat::Json)?)
}

/// An update body, `None` when empty: the vendor then changes nothing (`validate` returns false).
async fn optional_json_body(cx: &mut Cx) -> Result<Option<Value>, Fail> {
    let text = body_text(cx).await?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(Dialect::DeviceHive.spec().parse(Op::Update, &text, BodyFormat::Json)?))
}

async fn body_text(cx: &mut Cx) -> Result<String, Fail> {
    if cx.header("Content-Type").is_some_and(|ct| !http::is_json(&ct)) {
        return Err(ApiError::UnsupportedMediaType { expected: "application/json" }.into());
    }
    let bytes = http::read_body(&mut cx.req).await?;
    String::from_utf8(bytes).map_err(|_| {
        Report::single(
            Violation::new("", Code::Syntax)
                .param("line", 1)
                .param("column", 1)
                .param("detail", "the body is not UTF-8"),
        )
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_under_both_roots() {
        let r = |m: &str, p: &str| DeviceHive::resolve(m, p);
        for root in PREFIXES {
            assert_eq!(r("POST", &format!("{root}/token")), Some(Resolved::Found(Route::Token)));
            assert_eq!(r("POST", &format!("{root}/token/refresh")), Some(Resolved::Found(Route::TokenRefresh)));
            assert_eq!(r("POST", &format!("{root}/token/create")), Some(Resolved::Found(Route::TokenCreate)));
            assert_eq!(r("GET", &format!("{root}/user")), Some(Resolved::Found(Route::List)));
            assert_eq!(r("POST", &format!("{root}/user/")), Some(Resolved::Found(Route::Create)));
            assert_eq!(r("GET", &format!("{root}/user/count")), Some(Resolved::Found(Route::Count)));
            assert_eq!(r("PUT", &format!("{root}/user/current")), Some(Resolved::Found(Route::UpdateCurrent)));
            assert_eq!(r("GET", &format!("{root}/user/42")), Some(Resolved::Found(Route::Get(42))));
            assert_eq!(r("DELETE", &format!("{root}/user/42")), Some(Resolved::Found(Route::Delete(42))));
            assert_eq!(r("POST", &format!("{root}/user/42")), Some(Resolved::WrongMethod("GET, HEAD, PUT, DELETE")));
            assert_eq!(r("GET", &format!("{root}/token")), Some(Resolved::WrongMethod("POST")));
            assert_eq!(r("GET", &format!("{root}/user/abc")), Some(Resolved::Unknown));
            assert_eq!(r("GET", &format!("{root}/device")), Some(Resolved::Unknown));
        }
        assert_eq!(r("GET", "/api/websocket"), Some(Resolved::Found(Route::WebSocket)));
        assert_eq!(r("GET", "/dh/websocket"), Some(Resolved::Found(Route::WebSocket)));
        assert_eq!(r("GET", "/api/restapi/user"), None, "primavera's path");
        assert_eq!(r("GET", "/api/2/users"), None);
    }
}
