//! SCIM 2.0 service provider at `/scim/v2` (RFC 7643, RFC 7644), over the same user store.
//!
//! * `/Users`: `POST` (201, `Location`, `ETag`), `GET` (list: `filter`, `startIndex`, `count`,
//!   `sortBy`, `sortOrder`, `attributes`, `excludedAttributes`), `/Users/.search` (`POST`)
//! * `/Users/{id}`: `GET` (`If-None-Match` → 304), `PUT` (replace), `PATCH` (200 with the
//!   resource), `DELETE` (204); `If-Match` on writes → 412 when stale
//! * discovery: `/ServiceProviderConfig`, `/ResourceTypes[/User]`, `/Schemas[/{urn}]` (GET only)
//!
//! `Authorization: Bearer`; bodies `application/scim+json` (or `application/json`). Errors are
//! `urn:ietf:params:scim:api:messages:2.0:Error` with `status` as a string and the `scimType`
//! of RFC 7644 §3.12. The SCIM `id` is the user's 32-hex `uid`; `meta.version` is the row version,
//! the same value as the `ETag`. Filters run in the core's query language over the rendered
//! resources; `userName eq "…"` goes straight to the store's unique index.

use serde_json::{Value, json};
use userbridge_core::dialects::scim::{self as sc, ScimType};
use userbridge_core::query::{self, Filter, PatchOperation, Projection, SortOrder};
use userbridge_core::{Dialect, Op};
use worker::Response;

use super::surface::{Cx, Surface, modify};
use crate::auth::Scheme;
use crate::directory::Directory;
use crate::endpoints;
use crate::error::ApiError;
use crate::http::{self, Resolved};
use crate::users::{self, Emails, Key, Stored, Unique};

pub const PREFIX: &str = endpoints::scim::ROOT;
const CONTENT_TYPE: &str = endpoints::scim::MEDIA_TYPE;
/// `filter.maxResults` of the ServiceProviderConfig: the largest page.
const MAX_RESULTS: i64 = 200;
/// A filter that cannot use an index reads at most this many users; beyond, it is `tooMany`.
const MAX_SCAN: u32 = 10_000;

static SERVICE_PROVIDER_CONFIG: &str = include_str!("../../scim/service_provider_config.json");
static RESOURCE_TYPES: &str = include_str!("../../scim/resource_types.json");
static SCHEMAS: &str = include_str!("../../scim/schemas.json");

pub struct Scim;

#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    List,
    Create,
    Search,
    Get(String),
    Replace(String),
    Patch(String),
    Delete(String),
    ServiceProviderConfig,
    ResourceTypes,
    ResourceType(String),
    Schemas,
    Schema(String),
}

impl Surface for Scim {
    const NAME: &'static str = "scim";
    const DIALECT: Option<Dialect> = Some(Dialect::Scim);
    const SCHEME: Scheme = Scheme::Bearer;
    type Route = Route;
    type Error = ApiError;

    fn resolve(method: &str, path: &str) -> Option<Resolved<Route>> {
        let segments = http::segments(path, PREFIX)?;
        let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
        // Endpoint names are matched case-insensitively: clients differ in what they send.
        let is = |s: &str, name: &str| s.eq_ignore_ascii_case(name);
        Some(match seg.as_slice() {
            [u] if is(u, endpoints::scim::USERS) => {
                http::pick(method, "GET, POST", [("GET", Route::List), ("POST", Route::Create)])
            }
            [u, s] if is(u, endpoints::scim::USERS) && is(s, ".search") => {
                http::pick(method, "POST", [("POST", Route::Search)])
            }
            // A search at the root covers every resource type (RFC 7644 §3.4.3): Users is the
            // only one, so it is the Users search.
            [s] if is(s, ".search") => http::pick(method, "POST", [("POST", Route::Search)]),
            [u, id] if is(u, endpoints::scim::USERS) => {
                let id = (*id).to_owned();
                http::pick(
                    method,
                    "GET, PUT, PATCH, DELETE",
                    [
                        ("GET", Route::Get(id.clone())),
                        ("PUT", Route::Replace(id.clone())),
                        ("PATCH", Route::Patch(id.clone())),
                        ("DELETE", Route::Delete(id)),
                    ],
                )
            }
            [c] if is(c, "ServiceProviderConfig") => http::pick(method, "GET", [("GET", Route::ServiceProviderConfig)]),
            [r] if is(r, "ResourceTypes") => http::pick(method, "GET", [("GET", Route::ResourceTypes)]),
            [r, id] if is(r, "ResourceTypes") => {
                http::pick(method, "GET", [("GET", Route::ResourceType((*id).to_owned()))])
            }
            [s] if is(s, "Schemas") => http::pick(method, "GET", [("GET", Route::Schemas)]),
            [s, id] if is(s, "Schemas") => http::pick(method, "GET", [("GET", Route::Schema((*id).to_owned()))]),
            _ => Resolved::Unknown,
        })
    }

    fn op(route: &Route) -> &'static str {
        match route {
            Route::List => "list",
            Route::Create => "create",
            Route::Search => "search",
            Route::Get(_) => "get",
            Route::Replace(_) => "replace",
            Route::Patch(_) => "patch",
            Route::Delete(_) => "delete",
            Route::ServiceProviderConfig => "service_provider_config",
            Route::ResourceTypes | Route::ResourceType(_) => "resource_types",
            Route::Schemas | Route::Schema(_) => "schemas",
        }
    }

    fn creates(route: &Route) -> bool {
        matches!(route, Route::Create)
    }

    async fn handle(cx: &mut Cx, route: Route) -> Result<Response, ApiError> {
        match route {
            Route::List => {
                let q = cx.query();
                let p = |name: &str| http::query_param(&q, name);
                let search = Search {
                    filter: p("filter"),
                    start_index: p("startIndex").map(|v| int_param("startIndex", &v)).transpose()?,
                    count: p("count").map(|v| int_param("count", &v)).transpose()?,
                    sort_by: p("sortBy"),
                    sort_order: p("sortOrder"),
                    attributes: p("attributes"),
                    excluded_attributes: p("excludedAttributes"),
                };
                list(cx, search).await
            }
            Route::Search => {
                let body = scim_json(cx).await?;
                list(cx, Search::from_body(&body)?).await
            }
            Route::Create => create(cx).await,
            Route::Get(id) => get(cx, &id).await,
            Route::Replace(id) => replace(cx, &id).await,
            Route::Patch(id) => patch(cx, &id).await,
            Route::Delete(id) => delete(cx, &id).await,
            Route::ServiceProviderConfig => Ok(document(SERVICE_PROVIDER_CONFIG)),
            Route::ResourceTypes => Ok(list_document(RESOURCE_TYPES)),
            Route::ResourceType(id) => one_of(RESOURCE_TYPES, &id, "ResourceType"),
            Route::Schemas => Ok(list_document(SCHEMAS)),
            Route::Schema(id) => one_of(SCHEMAS, &id, "Schema"),
        }
    }

    fn into_response(_cx: &Cx, err: ApiError) -> Response {
        let status = err.status();
        let body = match &err {
            ApiError::Invalid(report) => sc::Error::from_report(report),
            ApiError::Duplicate { .. } => {
                sc::Error { detail: Some(err.message()), ..sc::Error::of(ScimType::Uniqueness) }
            }
            ApiError::Scim { kind, detail } => {
                sc::Error { scim_type: Some(*kind), ..sc::Error::new(status, detail.clone()) }
            }
            ApiError::BadParameter { .. } => {
                sc::Error { detail: Some(err.message()), ..sc::Error::of(ScimType::InvalidValue) }
            }
            _ => sc::Error::new(status, err.message()),
        };
        http::json_as(status, CONTENT_TYPE, &body)
    }
}

/// A refusal carrying a SCIM `scimType`.
fn refuse(kind: ScimType, detail: impl Into<String>) -> ApiError {
    ApiError::Scim { kind, detail: detail.into() }
}

fn int_param(name: &'static str, value: &str) -> Result<i64, ApiError> {
    value.trim().parse().map_err(|_| refuse(ScimType::InvalidValue, format!("{name} must be an integer")))
}

fn is_scim_json(content_type: &str) -> bool {
    http::essence(content_type) == CONTENT_TYPE || http::is_json(content_type)
}

/// A request body: SCIM JSON, parsed strictly.
async fn scim_json(cx: &mut Cx) -> Result<Value, ApiError> {
    let text = cx.text_body(is_scim_json, CONTENT_TYPE, true).await?.unwrap_or_default();
    Ok(Dialect::Scim.spec().parse(Op::Update, &text, userbridge_core::BodyFormat::Json)?)
}

/// A SCIM response: `application/scim+json`.
fn scim(status: u16, value: &Value) -> Response {
    http::json_as(status, CONTENT_TYPE, value)
}

/// The user as a SCIM resource: the core's SCIM body without the password, with `id` and `meta`.
fn render(origin: &str, stored: &Stored) -> Value {
    let mut resource = userbridge_core::from_canonical_with(&sc::Scim, Op::Update, &stored.user);
    if let Value::Object(map) = &mut resource {
        map.remove("password");
        map.insert("id".into(), Value::String(stored.uid.clone()));
        map.insert(
            "meta".into(),
            json!({
                "resourceType": "User",
                "created": stored.created_at,
                "lastModified": stored.updated_at,
                "location": format!("{origin}{PREFIX}/Users/{}", stored.uid),
                "version": http::etag(stored.version),
            }),
        );
    }
    resource
}

/// The stored user behind a SCIM id (a 32-hex uid; anything else names no user).
async fn find(cx: &Cx, id: &str) -> Result<Stored, ApiError> {
    find_in(&directory(cx)?, id).await
}

/// [`find`] in a directory the route goes on using: in proxy mode the record read here is the one
/// its write starts from, so it is not read twice.
async fn find_in(store: &Directory, id: &str) -> Result<Stored, ApiError> {
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(ApiError::NotFound("User"));
    }
    Ok(store.get(&Key::Uid(id.to_owned())).await?)
}

/// Where a unique field sits in a SCIM body, for the `uniqueness` detail.
fn pointer(field: Unique) -> Option<String> {
    Some(
        match field {
            Unique::Username => "/userName",
            Unique::Email => "/emails",
            Unique::LdapGuid => "/externalId",
        }
        .into(),
    )
}

fn with_etag(response: Response, version: i64) -> Response {
    http::with_header(response, "ETag", &http::etag(version))
}

async fn create(cx: &mut Cx) -> Result<Response, ApiError> {
    let body = scim_json(cx).await?;
    let mut user = userbridge_core::to_canonical_with(&sc::Scim, Op::Create, &body)?;
    let password = user.password.take();
    let stored = directory(cx)?
        .create(&user, password.as_ref())
        .await
        .map_err(|e| ApiError::from(e).locate_duplicate(pointer))?;
    let origin = http::origin(&cx.req);
    let resource = render(&origin, &stored);
    let location = format!("{origin}{PREFIX}/Users/{}", stored.uid);
    Ok(with_etag(http::with_header(scim(201, &resource), "Location", &location), stored.version))
}

async fn get(cx: &mut Cx, id: &str) -> Result<Response, ApiError> {
    let stored = find(cx, id).await?;
    let etag = http::etag(stored.version);
    if cx.header("If-None-Match").is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag)) {
        return Ok(with_etag(http::empty(304), stored.version));
    }
    let q = cx.query();
    let projection = projection(http::query_param(&q, "attributes"), http::query_param(&q, "excludedAttributes"))?;
    let resource = projection.apply(&render(&http::origin(&cx.req), &stored), query::returned_for_user);
    Ok(with_etag(scim(200, &resource), stored.version))
}

/// `PUT`: the body replaces the user's SCIM view (what SCIM cannot see is kept, see
/// [`merge`]); a password in the body is set.
async fn replace(cx: &mut Cx, id: &str) -> Result<Response, ApiError> {
    let store = directory(cx)?;
    let target = find_in(&store, id).await?;
    let expected = http::expected_version(cx.header("If-Match"))?;
    let body = scim_json(cx).await?;
    let incoming = userbridge_core::to_canonical_with(&sc::Scim, Op::Update, &body)?;
    let stored = modify(&store, target, expected, |current| {
        Ok(userbridge_core::apply_update_with(&sc::Scim, &current.user, &incoming, &body))
    })
    .await
    .map_err(|e| e.locate_duplicate(pointer))?;
    let resource = render(&http::origin(&cx.req), &stored);
    Ok(with_etag(scim(200, &resource), stored.version))
}

/// `PATCH`: the operations are applied to the current resource inside the read–change–write,
/// so a retry after a concurrent write patches the newer version, never a stale copy.
async fn patch(cx: &mut Cx, id: &str) -> Result<Response, ApiError> {
    let store = directory(cx)?;
    let target = find_in(&store, id).await?;
    let expected = http::expected_version(cx.header("If-Match"))?;
    let body = scim_json(cx).await?;
    let operations = patch_operations(&body)?;
    let origin = http::origin(&cx.req);
    let stored = modify(&store, target, expected, |current| {
        let mut resource = render(&origin, current);
        query::apply_patch(&mut resource, &operations, query::case_exact_for_user)
            .map_err(|e| ApiError::Scim { kind: e.kind(), detail: e.to_string() })?;
        sc::declare_extensions(&mut resource);
        // A user made in a dialect without usernames (publisher, primavera) has none, and a
        // PATCH that does not give one keeps it so: its required `userName` is checked as met.
        let keeps_no_username = current.user.username.is_none();
        if let Value::Object(map) = &mut resource {
            map.remove("meta");
            map.remove("id");
            if keeps_no_username && !map.contains_key("userName") {
                map.insert("userName".into(), Value::from(current.uid.clone()));
            }
        }
        let mut incoming = userbridge_core::to_canonical_with(&sc::Scim, Op::Update, &resource)?;
        if keeps_no_username && incoming.username.as_deref() == Some(current.uid.as_str()) {
            incoming.username = None;
        }
        Ok(userbridge_core::apply_update_with(&sc::Scim, &current.user, &incoming, &resource))
    })
    .await
    .map_err(|e| e.locate_duplicate(pointer))?;
    Ok(with_etag(scim(200, &render(&origin, &stored)), stored.version))
}

/// A PatchOp message: `schemas` exactly the PatchOp URN and a non-empty `Operations` list
/// (RFC 7644 §3.5.2); `operations` in any case is accepted, as some clients send it.
fn patch_operations(body: &Value) -> Result<Vec<PatchOperation>, ApiError> {
    let Value::Object(map) = body else {
        return Err(refuse(ScimType::InvalidSyntax, "a PatchOp message must be a JSON object"));
    };
    let schemas = map.iter().find(|(k, _)| k.eq_ignore_ascii_case("schemas")).map(|(_, v)| v);
    if schemas != Some(&json!([sc::PATCH_OP])) {
        return Err(refuse(ScimType::InvalidSyntax, format!("schemas must be [\"{}\"]", sc::PATCH_OP)));
    }
    let operations = map.iter().find(|(k, _)| k.eq_ignore_ascii_case("Operations")).map(|(_, v)| v);
    let operations: Vec<PatchOperation> = match operations {
        Some(ops) => serde_json::from_value(ops.clone())
            .map_err(|e| refuse(ScimType::InvalidSyntax, format!("Operations: {e}")))?,
        None => Vec::new(),
    };
    if operations.is_empty() {
        return Err(refuse(ScimType::InvalidSyntax, "Operations must hold at least one operation"));
    }
    Ok(operations)
}

async fn delete(cx: &mut Cx, id: &str) -> Result<Response, ApiError> {
    let target = find(cx, id).await?;
    let expected = http::expected_version(cx.header("If-Match"))?;
    directory(cx)?.delete(target.id, expected).await?;
    Ok(http::empty(204))
}

/// What a list or `.search` asks for.
#[derive(Debug, Default)]
struct Search {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    sort_by: Option<String>,
    sort_order: Option<String>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

impl Search {
    /// A SearchRequest body (RFC 7644 §3.4.3); attribute lists may be arrays or strings.
    fn from_body(body: &Value) -> Result<Search, ApiError> {
        let Value::Object(map) = body else {
            return Err(refuse(ScimType::InvalidSyntax, "a SearchRequest must be a JSON object"));
        };
        let get = |name: &str| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v);
        let text = |name: &str| get(name).and_then(Value::as_str).map(str::to_owned);
        let list = |name: &str| match get(name) {
            Some(Value::Array(items)) => Some(items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",")),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let int = |name: &'static str| -> Result<Option<i64>, ApiError> {
            match get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| refuse(ScimType::InvalidValue, format!("{name} must be an integer"))),
            }
        };
        Ok(Search {
            filter: text("filter"),
            start_index: int("startIndex")?,
            count: int("count")?,
            sort_by: text("sortBy"),
            sort_order: text("sortOrder"),
            attributes: list("attributes"),
            excluded_attributes: list("excludedAttributes"),
        })
    }
}

fn projection(attributes: Option<String>, excluded: Option<String>) -> Result<Projection, ApiError> {
    Projection::parse(attributes.as_deref(), excluded.as_deref())
        .map_err(|e| refuse(ScimType::InvalidPath, format!("at {}: {}", e.position, e.message)))
}

/// `userName eq "x"`: the one filter an index answers (userName is unique, case-insensitively).
fn indexed_user_name(filter: &Filter) -> Option<String> {
    match filter {
        Filter::Compare { path, op: query::CompareOp::Eq, value: Value::String(v) } if path.is("userName", None) => {
            Some(v.clone())
        }
        _ => None,
    }
}

async fn list(cx: &mut Cx, search: Search) -> Result<Response, ApiError> {
    let filter = match search.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some(text) => Some(
            Filter::parse(text)
                .map_err(|e| refuse(ScimType::InvalidFilter, format!("at character {}: {}", e.position, e.message)))?,
        ),
        None => None,
    };
    let projection = projection(search.attributes, search.excluded_attributes)?;
    let sort_by = match search.sort_by.as_deref() {
        Some(text) => Some(
            query::AttrPath::parse(text)
                .map_err(|e| refuse(ScimType::InvalidPath, format!("sortBy at {}: {}", e.position, e.message)))?,
        ),
        None => None,
    };
    let order = match search.sort_order.as_deref() {
        Some(text) => SortOrder::parse(text)
            .ok_or_else(|| refuse(ScimType::InvalidValue, "sortOrder must be ascending or descending"))?,
        None => SortOrder::Ascending,
    };

    let store = directory(cx)?;
    let mut scope = users::Filter::default();
    if let Some(name) = filter.as_ref().and_then(indexed_user_name) {
        scope.username = Some(name);
    }
    if scope.username.is_none() && store.count(&scope).await? > u64::from(MAX_SCAN) {
        return Err(refuse(ScimType::TooMany, format!("more than {MAX_SCAN} users to scan; filter by userName eq")));
    }
    let origin = http::origin(&cx.req);
    let mut resources: Vec<Value> = store
        .list(&scope, 0, MAX_SCAN)
        .await?
        .iter()
        .map(|stored| render(&origin, stored))
        .filter(|r| filter.as_ref().is_none_or(|f| f.matches(r, query::case_exact_for_user)))
        .collect();
    if let Some(by) = &sort_by {
        query::sort_resources(&mut resources, by, order, query::case_exact_for_user);
    }
    // RFC 7644 §3.4.2.4: startIndex below 1 is 1; a negative count is 0; we cap at maxResults.
    let total = resources.len() as u64;
    let start = search.start_index.unwrap_or(1).max(1);
    let count = search.count.unwrap_or(MAX_RESULTS).clamp(0, MAX_RESULTS);
    let page: Vec<Value> = resources
        .into_iter()
        .skip(usize::try_from(start - 1).unwrap_or(usize::MAX))
        .take(usize::try_from(count).unwrap_or(0))
        .map(|r| projection.apply(&r, query::returned_for_user))
        .collect();
    let start_index = u64::try_from(start).unwrap_or(1);
    Ok(scim(200, &serde_json::to_value(sc::ListResponse::new(page, total, start_index)).unwrap_or_default()))
}

/// A static discovery document as it is.
fn document(text: &'static str) -> Response {
    http::respond(200, CONTENT_TYPE, text.as_bytes().to_vec())
}

/// A static array of discovery resources as a ListResponse.
fn list_document(text: &'static str) -> Response {
    let items: Vec<Value> = serde_json::from_str(text).unwrap_or_default();
    let total = items.len() as u64;
    scim(200, &serde_json::to_value(sc::ListResponse::new(items, total, 1)).unwrap_or_default())
}

/// One discovery resource by id (case-insensitive), else 404.
fn one_of(text: &'static str, id: &str, what: &'static str) -> Result<Response, ApiError> {
    let items: Vec<Value> = serde_json::from_str(text).unwrap_or_default();
    items
        .into_iter()
        .find(|item| item.get("id").and_then(Value::as_str).is_some_and(|i| i.eq_ignore_ascii_case(id)))
        .map(|item| scim(200, &item))
        .ok_or(ApiError::NotFound(what))
}

/// The directory, where users may share an email address (RFC 7643 gives `emails` uniqueness
/// "none"; see `docs/dialects/scim.md`).
fn directory(cx: &Cx) -> Result<Directory, ApiError> {
    Ok(cx.store()?.with_emails(Emails::Shared))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = |m: &str, p: &str| Scim::resolve(m, p);
        assert_eq!(r("GET", "/scim/v2/Users"), Some(Resolved::Found(Route::List)));
        assert_eq!(r("POST", "/scim/v2/users"), Some(Resolved::Found(Route::Create)));
        assert_eq!(r("POST", "/scim/v2/Users/.search"), Some(Resolved::Found(Route::Search)));
        assert_eq!(r("POST", "/scim/v2/.search"), Some(Resolved::Found(Route::Search)));
        assert_eq!(r("GET", "/scim/v2/.search"), Some(Resolved::WrongMethod("POST")));
        assert_eq!(r("PATCH", "/scim/v2/Users/abc"), Some(Resolved::Found(Route::Patch("abc".into()))));
        assert_eq!(r("POST", "/scim/v2/Users/abc"), Some(Resolved::WrongMethod("GET, PUT, PATCH, DELETE")));
        assert_eq!(r("DELETE", "/scim/v2/Schemas"), Some(Resolved::WrongMethod("GET")));
        assert_eq!(r("PUT", "/scim/v2/ServiceProviderConfig"), Some(Resolved::WrongMethod("GET")));
        assert_eq!(r("GET", "/scim/v2/Groups"), Some(Resolved::Unknown));
        assert_eq!(r("GET", "/scim/v3/Users"), None);
    }

    #[test]
    fn discovery_documents_are_json() {
        for text in [SERVICE_PROVIDER_CONFIG, RESOURCE_TYPES, SCHEMAS] {
            assert!(serde_json::from_str::<Value>(text).is_ok());
        }
    }

    #[test]
    fn user_name_eq_uses_the_index() {
        let f = |s: &str| Filter::parse(s).ok();
        assert_eq!(f(r#"USERNAME eq "Ann""#).as_ref().and_then(indexed_user_name).as_deref(), Some("Ann"));
        assert_eq!(f(r#"userName co "Ann""#).as_ref().and_then(indexed_user_name), None);
        assert_eq!(f(r#"userName eq "a" or title pr"#).as_ref().and_then(indexed_user_name), None);
    }

    #[test]
    fn patch_messages_need_the_urn_and_operations() {
        let ok = json!({"schemas": [sc::PATCH_OP], "Operations": [{"op": "add", "path": "title", "value": "x"}]});
        assert_eq!(patch_operations(&ok).map(|o| o.len()).ok(), Some(1));
        assert!(patch_operations(&json!({"schemas": [sc::PATCH_OP], "Operations": []})).is_err());
        assert!(patch_operations(&json!({"schemas": ["urn:x"], "Operations": [{"op": "add"}]})).is_err());
        assert!(patch_operations(&json!({"Operations": [{"op": "add"}]})).is_err());
    }
}
