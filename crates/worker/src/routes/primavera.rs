//! primavera at the vendor's own paths (`/api/restapi/user`, docs/dialects/primavera.md).
//!
//! * `POST /api/restapi/user` (`ApiEntityUserInput`) → 201 + the user (`ApiEntityUser`)
//! * `PUT /api/restapi/user` (`ApiEntityApplicationUserInput`) → 204; the user is found by
//!   `userId`, else `ldapGuid` (neither → 400, no such user → 404); fields the body leaves out
//!   keep their value and `userProducts` is a delta (`action: "DELETE"` removes a licence)
//! * `GET /api/restapi/user/{userId}` → 200 + the user
//!
//! `Authorization: Bearer`. Errors: 400 `{"message", "errors": [{"field", "code", "message"}]}`,
//! other statuses `{"message"}`. A create whose email is taken answers the existing user with 200
//! when `useExistingUser` is true or absent (the vendor's default: reuse, do not fail), and 400
//! `duplicate` when it is false.

use userbridge_core::dialects::primavera::{self as pv, ErrorBody};
use userbridge_core::{Code, Dialect, Op, Report, Violation};
use worker::Response;

use super::surface::{Cx, Surface, modify};
use crate::auth::Scheme;
use crate::endpoints;
use crate::error::ApiError;
use crate::http::{self, Resolved};
use crate::users::{Key, StoreError, Unique};

/// The vendor's path of the user resource.
pub const PREFIX: &str = endpoints::primavera::USERS;

pub struct Primavera;

#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Create,
    Update,
    /// The path segment as sent; it must be an integer.
    Get(String),
}

impl Surface for Primavera {
    const NAME: &'static str = "primavera";
    const DIALECT: Option<Dialect> = Some(Dialect::Primavera);
    const SCHEME: Scheme = Scheme::Bearer;
    type Route = Route;
    type Error = ApiError;

    fn resolve(method: &str, path: &str) -> Option<Resolved<Route>> {
        let segments = http::segments(path, PREFIX)?;
        Some(match segments.as_slice() {
            [] => http::pick(method, "POST, PUT", [("POST", Route::Create), ("PUT", Route::Update)]),
            [id] => http::pick(method, "GET, HEAD", [("GET", Route::Get(id.clone()))]),
            _ => Resolved::Unknown,
        })
    }

    fn op(route: &Route) -> &'static str {
        match route {
            Route::Create => "create",
            Route::Update => "update",
            Route::Get(_) => "get",
        }
    }

    fn creates(route: &Route) -> bool {
        matches!(route, Route::Create)
    }

    async fn handle(cx: &mut Cx, route: Route) -> Result<Response, ApiError> {
        match route {
            Route::Create => create(cx).await,
            Route::Update => update(cx).await,
            Route::Get(id) => get(cx, &id).await,
        }
    }

    fn into_response(_cx: &Cx, err: ApiError) -> Response {
        // The vendor documents no 409: a taken value is invalid input.
        let status = match err {
            ApiError::Duplicate { .. } => 400,
            _ => err.status(),
        };
        let body = match &err {
            ApiError::Invalid(report) => ErrorBody::from_report(report),
            ApiError::Duplicate { pointer, .. } => ErrorBody {
                message: err.message(),
                ..ErrorBody::from_report(&Report::single(Violation::new(pointer.clone(), Code::Duplicate)))
            },
            _ => ErrorBody { message: err.message(), errors: Vec::new() },
        };
        http::json(status, &body)
    }
}

async fn create(cx: &mut Cx) -> Result<Response, ApiError> {
    let body = cx.dialect_json(Dialect::Primavera, Op::Create).await?;
    let user = userbridge_core::to_canonical_with(&pv::Primavera, Op::Create, &body)?;
    let store = cx.store()?;
    let (status, stored) = match store.create(&user, None).await {
        Ok(stored) => (201, stored),
        Err(StoreError::Conflict { field: Unique::Email }) if pv::reuses_existing_user(&body) => {
            let email = user.primary_email().map(|e| e.value.to_string()).unwrap_or_default();
            (200, store.get(&Key::Email(email)).await?)
        }
        Err(e) => return Err(ApiError::from(e).locate_duplicate(|f| Some(pointer(f).into()))),
    };
    let location = format!("{}{PREFIX}/{}", http::origin(&cx.req), stored.id);
    Ok(http::with_header(http::json(status, &pv::read(&stored.user)), "Location", &location))
}

async fn update(cx: &mut Cx) -> Result<Response, ApiError> {
    // The answer is a 204: nothing of the written record.
    cx.trip.answer_without_record.set(true);
    let body = cx.dialect_json(Dialect::Primavera, Op::Update).await?;
    let incoming = userbridge_core::to_canonical_with(&pv::Primavera, Op::Update, &body)?;
    let key = match (incoming.id, &incoming.ldap_guid) {
        (Some(id), _) => Key::Id(id),
        (None, Some(guid)) => Key::LdapGuid(guid.clone()),
        // The core's rules already require one of them; kept for a body that slips through.
        (None, None) => return Err(Report::single(Violation::new("/userId", Code::Required)).into()),
    };
    let store = cx.store()?;
    let target = store.get(&key).await?;
    modify(&store, target, None, |current| {
        Ok(userbridge_core::apply_update_with(&pv::Primavera, &current.user, &incoming, &body))
    })
    .await
    .map_err(|e| e.locate_duplicate(|f| Some(pointer(f).into())))?;
    Ok(http::empty(204))
}

async fn get(cx: &mut Cx, segment: &str) -> Result<Response, ApiError> {
    let Ok(id) = segment.parse::<i64>() else {
        let v = Violation::new("/userId", Code::InvalidType).param("expected", "integer");
        return Err(Report::single(v).into());
    };
    let stored = cx.store()?.get(&Key::Id(id)).await?;
    Ok(http::json(200, &pv::read(&stored.user)))
}

/// A unique field's pointer in a primavera body.
fn pointer(field: Unique) -> &'static str {
    match field {
        Unique::Email => "/email",
        Unique::LdapGuid => "/ldapGuid",
        // Primavera bodies carry no username; a conflict on it cannot come from one.
        Unique::Username => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = |m: &str, p: &str| Primavera::resolve(m, p);
        assert_eq!(r("POST", PREFIX), Some(Resolved::Found(Route::Create)));
        assert_eq!(r("PUT", PREFIX), Some(Resolved::Found(Route::Update)));
        assert_eq!(r("GET", PREFIX), Some(Resolved::WrongMethod("POST, PUT")));
        assert_eq!(r("GET", &format!("{PREFIX}/42")), Some(Resolved::Found(Route::Get("42".into()))));
        assert_eq!(r("DELETE", &format!("{PREFIX}/42")), Some(Resolved::WrongMethod("GET, HEAD")));
        assert_eq!(r("GET", &format!("{PREFIX}/42/x")), Some(Resolved::Unknown));
        assert_eq!(r("GET", "/api/restapi/users"), None);
    }
}
