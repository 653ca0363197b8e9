//! HTTP plumbing shared by every dialect: route matching results, bounded body reading, media
//! types, path segments, `ETag`/`If-Match`, and building responses without `Result`s.

use futures_util::StreamExt;
use serde::Serialize;
use worker::{Headers, Request, Response, ResponseBuilder};

use crate::error::ApiError;

/// Request bodies above this are refused with 413 before parsing (docs/http-api.md#common-rules).
pub const MAX_BODY: usize = 1024 * 1024;

/// What a dialect's `resolve` found for a method and path.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved<R> {
    /// A route: what the handler gets.
    Found(R),
    /// The path exists but not with this method; the value is the `Allow` header.
    WrongMethod(&'static str),
    /// The path is in the dialect's namespace but names nothing: a 404 in the dialect's shape.
    Unknown,
}

/// Picks the route for `method` from `(method, route)` pairs of one path, else 405 with `allow`.
/// `HEAD` is served as `GET` (the runtime drops the body).
pub fn pick<R>(method: &str, allow: &'static str, routes: impl IntoIterator<Item = (&'static str, R)>) -> Resolved<R> {
    let method = if method == "HEAD" { "GET" } else { method };
    routes.into_iter().find(|(m, _)| *m == method).map_or(Resolved::WrongMethod(allow), |(_, r)| Resolved::Found(r))
}

/// The percent-decoded segments of `path` after `prefix`, or `None` when the path is not under
/// it (or a segment does not decode to UTF-8). `/a/b/` and `/a/b` are the same path.
pub fn segments(path: &str, prefix: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix(prefix)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    rest.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect()
}

/// RFC 3986 percent-decoding of one path segment.
pub fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The media type of a `Content-Type` value, lower-cased, without parameters.
pub fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// `application/json` or any `+json` type (`application/merge-patch+json`).
pub fn is_json(content_type: &str) -> bool {
    let e = essence(content_type);
    e == "application/json" || (e.starts_with("application/") && e.ends_with("+json"))
}

/// Reads the whole body, refusing more than [`MAX_BODY`] bytes: first by `Content-Length`, then
/// while streaming (a chunked body has no length), so an oversized body is never buffered whole.
pub async fn read_body(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    let too_large = ApiError::PayloadTooLarge { limit: MAX_BODY };
    if let Some(length) = header(req, "Content-Length") {
        match length.trim().parse::<u64>() {
            Ok(n) if n > MAX_BODY as u64 => return Err(too_large),
            Ok(_) => {}
            Err(_) => return Err(ApiError::BadParameter { name: "Content-Length", detail: "not a number".into() }),
        }
    }
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    let mut stream = req.stream()?;
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A request header, `None` when absent (or unreadable).
pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

/// The decoded query parameters, in order (`application/x-www-form-urlencoded`: `+` is a space).
///
/// Parsed from the URL string rather than through `url::Url`, whose parser would add ~20 KB gzip
/// to the upload for two lines of use.
pub fn query(req: &Request) -> Vec<(String, String)> {
    parse_query(&req.inner().url())
}

/// The query pairs of a URL.
pub fn parse_query(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else { return Vec::new() };
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// Percent-decodes a form component; bytes that are not UTF-8 become U+FFFD.
fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) => {
                out.push(b);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first value of query parameter `name`.
pub fn query_param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// An optional non-negative integer query parameter.
pub fn query_u32(pairs: &[(String, String)], name: &'static str) -> Result<Option<u32>, ApiError> {
    match query_param(pairs, name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<u32>()
            .map(Some)
            .map_err(|_| ApiError::BadParameter { name, detail: format!("`{v}` is not a non-negative integer") }),
    }
}

/// The strong `ETag` of a stored version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// An `If-Match` header: `None` when absent; `Some(Some(v))` for one version; `Some(None)` for a
/// value that names no version of ours (it can never match).
pub fn if_match(value: Option<String>) -> Option<Option<i64>> {
    let value = value?;
    let value = value.trim();
    if value == "*" {
        // "Any current representation": the user exists, which the handler checks anyway.
        return None;
    }
    // A weak tag (`W/"3"`, what SCIM examples show) names the same version.
    Some(
        value
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .find_map(|tag| tag.trim_matches('"').parse::<i64>().ok()),
    )
}

/// The expected version for a conditional write, or 412 when `If-Match` cannot match.
pub fn expected_version(value: Option<String>) -> Result<Option<i64>, ApiError> {
    match if_match(value) {
        None => Ok(None),
        Some(Some(v)) => Ok(Some(v)),
        Some(None) => Err(ApiError::PreconditionFailed),
    }
}

/// A response with a body; header values are ours and valid, so setting them cannot fail.
pub fn respond(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let headers = Headers::new();
    let _ = headers.set("Content-Type", content_type);
    ResponseBuilder::new().with_status(status).with_headers(headers).fixed(body)
}

/// A JSON response; `content_type` lets errors say `application/problem+json`.
pub fn json_as(status: u16, content_type: &str, value: &impl Serialize) -> Response {
    // Serializing our own types cannot fail (no non-string map keys); `{}` is a safe fallback.
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    respond(status, content_type, body)
}

/// An `application/json` response.
pub fn json(status: u16, value: &impl Serialize) -> Response {
    json_as(status, "application/json", value)
}

/// A response without a body (204, 304, preflight).
pub fn empty(status: u16) -> Response {
    ResponseBuilder::new().with_status(status).empty()
}

/// Sets a header on a response we built.
pub fn with_header(mut response: Response, name: &str, value: &str) -> Response {
    let _ = response.headers_mut().set(name, value);
    response
}

/// The origin (`https://host:port`) of the request URL, for absolute `Location` headers.
pub fn origin(req: &Request) -> String {
    url_origin(&req.inner().url())
}

/// `scheme://authority` of an absolute URL.
pub fn url_origin(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else { return String::new() };
    let end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    url[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_under_a_prefix() {
        let s = |p| segments(p, "/v1/users");
        assert_eq!(s("/v1/users"), Some(vec![]));
        assert_eq!(s("/v1/users/"), Some(vec![]));
        assert_eq!(s("/v1/users/12"), Some(vec!["12".to_owned()]));
        assert_eq!(s("/v1/users/a%40b.org/x"), Some(vec!["a@b.org".to_owned(), "x".to_owned()]));
        assert_eq!(s("/v1/usersx"), None);
        assert_eq!(s("/v2/users"), None);
        assert_eq!(s("/v1/users/%zz"), None);
        assert_eq!(s("/v1/users/%ff"), None, "not UTF-8");
    }

    #[test]
    fn pick_by_method() {
        let routes = || [("GET", 1), ("POST", 2)];
        assert_eq!(pick("GET", "GET, POST", routes()), Resolved::Found(1));
        assert_eq!(pick("HEAD", "GET, POST", routes()), Resolved::Found(1));
        assert_eq!(pick("PUT", "GET, POST", routes()), Resolved::WrongMethod("GET, POST"));
    }

    #[test]
    fn media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/jsonx"));
        assert!(!is_json(""));
    }

    #[test]
    fn query_strings() {
        let q = parse_query("https://h/p?a=1&b=x+y%20z&c&d=%E2%82%AC&e=%zz#frag");
        let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("a", "1"), ("b", "x y z"), ("c", ""), ("d", "€"), ("e", "%zz")]);
        assert!(parse_query("https://h/p").is_empty());
        assert_eq!(query_param(&q, "b").as_deref(), Some("x y z"));
    }

    #[test]
    fn origins() {
        assert_eq!(url_origin("http://127.0.0.1:8787/v1/users?x=1"), "http://127.0.0.1:8787");
        assert_eq!(url_origin("https://h.example"), "https://h.example");
        assert_eq!(url_origin("https://h.example?x"), "https://h.example");
        assert_eq!(url_origin("nonsense"), "");
    }

    #[test]
    fn if_match_values() {
        assert_eq!(if_match(None), None);
        assert_eq!(if_match(Some("*".into())), None);
        assert_eq!(if_match(Some("\"3\"".into())), Some(Some(3)));
        assert_eq!(if_match(Some("W/\"3\"".into())), Some(Some(3)), "SCIM clients send weak tags");
        assert_eq!(if_match(Some("\"x\", \"4\"".into())), Some(Some(4)));
        assert_eq!(if_match(Some("\"abc\"".into())), Some(None));
        assert!(matches!(expected_version(Some("\"nope\"".into())), Err(ApiError::PreconditionFailed)));
    }
}
