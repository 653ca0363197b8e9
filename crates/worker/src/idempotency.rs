//! `Idempotency-Key` on creates: a client that lost the answer to a create (a timeout, a dropped
//! connection) can send it again and get the first answer back instead of a second user.
//!
//! The key is remembered in D1 (`idempotency_keys`, migration 0004) under a *scope*: the dialect
//! and a SHA-256 of who sent it, so one client's key never answers another's request and no
//! credential is stored. Per `(scope, key)`:
//!
//! * first request: a `pending` row is claimed with one statement (D1 has no interactive
//!   transactions; the `UNIQUE (scope, key)` index decides between concurrent requests), the
//!   handler runs, a 2xx answer is stored (`done`) and any other answer releases the row, so a
//!   failed create can be retried with the same key;
//! * same request again, `done`: the stored answer (status, body, `Content-Type`, `Location`,
//!   `ETag`) with `Idempotent-Replayed: true`; still `pending`: 409; another request (path, query,
//!   media type or body differ): 422; all in the surface's own error shape.
//!
//! Rows older than 24 hours count as absent: a claim replaces them and every claim sweeps a few.

use serde::Deserialize;
use serde::de::IgnoredAny;
use worker::js_sys::Date as JsDate;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Date, Headers, Response, ResponseBuilder, console_error};

use crate::crypto;
use crate::error::ApiError;
use crate::http;
use crate::routes::surface::Cx;
use crate::store::DB_BINDING;

/// The request header (draft-ietf-httpapi-idempotency-key-header).
pub const HEADER: &str = "Idempotency-Key";
/// Marks a replayed answer, so a client can tell it made nothing new.
pub const REPLAYED: &str = "Idempotent-Replayed";
/// Longer keys are refused rather than truncated: two keys must never be confused.
const MAX_KEY_CHARS: usize = 255;
/// How long an answer is replayed.
const TTL_MS: u64 = 24 * 60 * 60 * 1000;
/// A `pending` row this old belongs to a request that died before answering (a panic
/// re-initialises the Wasm instance and fails every request in it): it may be claimed again
/// rather than answering 409 for a day. Far above the longest create (upstream timeout ≤ 120 s).
const ABANDONED_MS: u64 = 5 * 60 * 1000;
/// Expired rows deleted per claim: bounded work per request, and still faster than rows arrive.
const SWEEP: u32 = 10;

/// SHA-256 (hex) of `data`; a WebCrypto failure is an internal error.
async fn sha256_hex(data: &[u8]) -> Result<String, ApiError> {
    crypto::sha256_hex(data).await.map_err(|e| ApiError::Internal(e.to_string()))
}

/// What a request comes to before its handler runs.
pub enum Begin {
    /// No key, not a create, nobody the key could belong to, or a body over the limit: the
    /// handler alone decides.
    Bypass,
    /// The key is this request's (with its claim time): run the handler, then [`Slot::settle`].
    Claimed(Slot, String),
    /// The same request was answered before: its stored answer.
    Replay(Response),
}

/// Claims `key` for a create on `surface` whose caller is `owner` (what [`Surface::key_owner`]
/// says the key belongs to; the router asks only for a `POST` create that carries a key).
///
/// [`Surface::key_owner`]: crate::routes::surface::Surface::key_owner
pub async fn begin(cx: &Cx, surface: &'static str, key: &str, owner: &str) -> Result<Begin, ApiError> {
    let key = valid_key(key)?.to_owned();
    let Some(fingerprint) = fingerprint(cx).await? else {
        // The body is over the limit: the handler answers 413 in its shape, and nothing is kept.
        return Ok(Begin::Bypass);
    };
    let slot = Slot { db: cx.env.d1(DB_BINDING)?, scope: scope(surface, &sha256_hex(owner.as_bytes()).await?), key };
    if cx.config.upstream().is_ok_and(|u| u.is_some()) {
        // Forwarded on the upstream create: one per caller and key (the upstream sees a single
        // client, the facade), and the same again when the caller retries with the key.
        let forwarded = sha256_hex(format!("{}\n{}", slot.scope, slot.key).as_bytes()).await?;
        *cx.trip.idempotency_key.borrow_mut() = Some(forwarded);
    }
    // Two rounds: the row seen after a lost claim can vanish before it is read (its request
    // failed and released it), and then the key is free again.
    for _ in 0..2 {
        if let Some(claimed_at) = slot.claim(&fingerprint).await? {
            return Ok(Begin::Claimed(slot, claimed_at));
        }
        if let Some(row) = slot.find().await? {
            return judge(row, &fingerprint).map(replay).map(Begin::Replay);
        }
    }
    Err(ApiError::IdempotencyKeyInFlight)
}

/// The key as sent, or 400: empty, or longer than [`MAX_KEY_CHARS`].
fn valid_key(key: &str) -> Result<&str, ApiError> {
    let chars = key.chars().count();
    if chars == 0 || chars > MAX_KEY_CHARS {
        return Err(ApiError::BadParameter {
            name: HEADER,
            detail: format!("must be 1 to {MAX_KEY_CHARS} characters, not {chars}"),
        });
    }
    Ok(key)
}

/// Where a key lives: the dialect and the SHA-256 (hex) of its owner.
fn scope(dialect: &str, owner_sha256: &str) -> String {
    format!("{dialect}:{owner_sha256}")
}

/// The SHA-256 of what makes two creates the same request; `None` when the body is over the
/// limit (read from a copy: the handler reads the original).
async fn fingerprint(cx: &Cx) -> Result<Option<String>, ApiError> {
    let mut copy = cx.req.clone()?;
    let Ok(body) = http::read_body(&mut copy).await else { return Ok(None) };
    let url = cx.req.inner().url();
    let target = url.strip_prefix(http::url_origin(&url).as_str()).unwrap_or(&url);
    let media = cx.header("Content-Type").map(|c| http::essence(&c)).unwrap_or_default();
    Ok(Some(sha256_hex(&request_bytes(target, &media, &body)).await?))
}

/// The path and query (`/v1/users?dialect=…` reads the body differently), the media type
/// (publisher reads JSON or XML) and the body, unambiguously: neither a request target nor a
/// media type can hold a line break.
fn request_bytes(target: &str, media: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(target.len() + media.len() + body.len() + 2);
    for part in [target.as_bytes(), b"\n", media.as_bytes(), b"\n", body] {
        bytes.extend_from_slice(part);
    }
    bytes
}

/// A row as [`Slot::find`] reads it.
#[derive(Debug, Deserialize)]
struct Row {
    fingerprint: String,
    state: String,
    status: Option<i64>,
    content_type: Option<String>,
    location: Option<String>,
    etag: Option<String>,
    body: Option<String>,
}

/// A stored answer to replay.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    etag: Option<String>,
    body: String,
}

/// What a key someone else claimed means for this request.
fn judge(row: Row, fingerprint: &str) -> Result<Answer, ApiError> {
    if row.fingerprint != fingerprint {
        return Err(ApiError::IdempotencyKeyReused);
    }
    let status = row.status.and_then(|s| u16::try_from(s).ok()).filter(|s| (200..300).contains(s));
    match (row.state.as_str(), status) {
        ("pending", _) => Err(ApiError::IdempotencyKeyInFlight),
        ("done", Some(status)) => Ok(Answer {
            status,
            content_type: row.content_type,
            location: row.location,
            etag: row.etag,
            body: row.body.unwrap_or_default(),
        }),
        (state, _) => {
            Err(ApiError::Internal(format!("idempotency row in state {state:?} with status {:?}", row.status)))
        }
    }
}

fn replay(answer: Answer) -> Response {
    let headers = Headers::new();
    for (name, value) in [("Content-Type", answer.content_type), ("Location", answer.location), ("ETag", answer.etag)] {
        if let Some(value) = value {
            let _ = headers.set(name, &value);
        }
    }
    let _ = headers.set(REPLAYED, "true");
    ResponseBuilder::new().with_status(answer.status).with_headers(headers).fixed(answer.body.into_bytes())
}

/// ISO 8601 UTC, the format of every timestamp in D1 here (so they compare as text).
fn iso(ms: u64) -> String {
    String::from(JsDate::new(&JsValue::from_f64(ms as f64)).to_iso_string())
}

/// Drops expired rows, then claims the key: a new row, or the replacement of an expired or
/// abandoned one. `RETURNING` gives a row only when this request got the key.
const CLAIM: &str = "INSERT INTO idempotency_keys (scope, key, fingerprint, state, created_at) \
                     VALUES (?1, ?2, ?3, 'pending', ?4) \
                     ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'pending', \
                     status = NULL, content_type = NULL, location = NULL, etag = NULL, body = NULL, \
                     created_at = excluded.created_at \
                     WHERE idempotency_keys.created_at < ?5 \
                     OR (idempotency_keys.state = 'pending' AND idempotency_keys.created_at < ?6) \
                     RETURNING created_at";
const SWEEP_EXPIRED: &str = "DELETE FROM idempotency_keys WHERE rowid IN \
                             (SELECT rowid FROM idempotency_keys WHERE created_at < ?1 LIMIT ?2)";

/// One `(scope, key)` in D1.
pub struct Slot {
    db: D1Database,
    scope: String,
    key: String,
}

impl Slot {
    /// The key for this request (`Some(claimed_at)`, which later writes check so they touch only
    /// this claim), or `None` when a live row holds it.
    async fn claim(&self, fingerprint: &str) -> Result<Option<String>, ApiError> {
        let now = Date::now().as_millis();
        let (claimed_at, expired) = (iso(now), JsValue::from_str(&iso(now.saturating_sub(TTL_MS))));
        let sweep = self.db.prepare(SWEEP_EXPIRED).bind(&[expired.clone(), JsValue::from(SWEEP)])?;
        let claim = self.db.prepare(CLAIM).bind(&[
            JsValue::from_str(&self.scope),
            JsValue::from_str(&self.key),
            JsValue::from_str(fingerprint),
            JsValue::from_str(&claimed_at),
            expired,
            JsValue::from_str(&iso(now.saturating_sub(ABANDONED_MS))),
        ])?;
        let results = self.db.batch(vec![sweep, claim]).await?;
        // Whether `RETURNING` gave a row is the whole answer; its content does not matter.
        let claimed: Vec<IgnoredAny> = match results.get(1) {
            Some(result) => result.results()?,
            None => return Err(ApiError::Internal("D1 batch returned no result for the claim".into())),
        };
        Ok((!claimed.is_empty()).then_some(claimed_at))
    }

    async fn find(&self) -> Result<Option<Row>, ApiError> {
        let sql = "SELECT fingerprint, state, status, content_type, location, etag, body FROM idempotency_keys \
                   WHERE scope = ?1 AND key = ?2";
        let values = [JsValue::from_str(&self.scope), JsValue::from_str(&self.key)];
        Ok(self.db.prepare(sql).bind(&values)?.first(None).await?)
    }

    /// The handler's answer under this claim: a 2xx answer is kept, anything else frees the key.
    pub async fn settle(&self, cx: &Cx, response: Response, claimed_at: &str) -> Result<Response, ApiError> {
        if (200..300).contains(&response.status_code()) {
            return self.keep(cx, response, claimed_at).await;
        }
        self.release_after(cx, claimed_at).await;
        Ok(response)
    }

    /// Frees the key after the handler failed (its error is answered; a failure to free is logged:
    /// the row then counts as abandoned after [`ABANDONED_MS`]).
    pub async fn release_after(&self, cx: &Cx, claimed_at: &str) {
        if let Err(err) = self.release(claimed_at).await {
            log(cx, &err);
        }
    }

    /// Stores the answer and returns it. A failed write is logged, not answered: the user exists
    /// now, and a 500 would invite a retry that makes it again. The row stays `pending`, so a
    /// retry with the key gets 409 until the row counts as abandoned ([`ABANDONED_MS`]).
    async fn keep(&self, cx: &Cx, mut response: Response, claimed_at: &str) -> Result<Response, ApiError> {
        let status = response.status_code();
        let header = |name: &str| response.headers().get(name).ok().flatten();
        let (content_type, location, etag) = (header("Content-Type"), header("Location"), header("ETag"));
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(err) => {
                if let Err(err) = self.release(claimed_at).await {
                    log(cx, &err);
                }
                return Err(err.into());
            }
        };
        let (builder, _) = response.into_parts();
        let body = match String::from_utf8(body) {
            Ok(text) => {
                if let Err(err) = self.store(status, content_type, location, etag, &text, claimed_at).await {
                    log(cx, &err);
                }
                text.into_bytes()
            }
            // Every create answers text (JSON or XML); anything else is not replayable.
            Err(err) => {
                if let Err(err) = self.release(claimed_at).await {
                    log(cx, &err);
                }
                err.into_bytes()
            }
        };
        Ok(builder.fixed(body))
    }

    async fn store(
        &self,
        status: u16,
        content_type: Option<String>,
        location: Option<String>,
        etag: Option<String>,
        body: &str,
        claimed_at: &str,
    ) -> Result<(), ApiError> {
        let sql = "UPDATE idempotency_keys SET state = 'done', status = ?3, content_type = ?4, location = ?5, \
                   etag = ?6, body = ?7 WHERE scope = ?1 AND key = ?2 AND state = 'pending' AND created_at = ?8";
        let text = |v: Option<String>| v.map_or(JsValue::NULL, |v| JsValue::from_str(&v));
        let values = [
            JsValue::from_str(&self.scope),
            JsValue::from_str(&self.key),
            JsValue::from(status),
            text(content_type),
            text(location),
            text(etag),
            JsValue::from_str(body),
            JsValue::from_str(claimed_at),
        ];
        self.db.prepare(sql).bind(&values)?.run().await?;
        Ok(())
    }

    async fn release(&self, claimed_at: &str) -> Result<(), ApiError> {
        let sql =
            "DELETE FROM idempotency_keys WHERE scope = ?1 AND key = ?2 AND state = 'pending' AND created_at = ?3";
        let values = [JsValue::from_str(&self.scope), JsValue::from_str(&self.key), JsValue::from_str(claimed_at)];
        self.db.prepare(sql).bind(&values)?.run().await?;
        Ok(())
    }
}

/// A failure after the handler answered: for operators only, the client gets the answer.
fn log(cx: &Cx, err: &ApiError) {
    let line = serde_json::json!({
        "requestId": cx.request_id,
        "level": "error",
        "error": format!("idempotency: {err:?}"),
    });
    console_error!("{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fingerprint: &str, state: &str, status: Option<i64>) -> Row {
        Row {
            fingerprint: fingerprint.into(),
            state: state.into(),
            status,
            content_type: Some("application/json".into()),
            location: Some("/v1/users/7".into()),
            etag: None,
            body: Some("{\"id\":7}".into()),
        }
    }

    #[test]
    fn keys_are_one_to_255_characters() {
        assert!(valid_key("a").is_ok());
        assert!(valid_key(&"k".repeat(255)).is_ok());
        assert!(valid_key(&"é".repeat(255)).is_ok(), "characters, not bytes");
        assert!(matches!(valid_key(""), Err(ApiError::BadParameter { name: HEADER, .. })));
        assert!(matches!(valid_key(&"k".repeat(256)), Err(ApiError::BadParameter { name: HEADER, .. })));
    }

    #[test]
    fn scopes_separate_dialects_and_owners() {
        assert_eq!(scope("scim", "ab12"), "scim:ab12");
        assert_ne!(scope("scim", "ab12"), scope("v1", "ab12"));
        assert_ne!(scope("scim", "ab12"), scope("scim", "cd34"));
    }

    #[test]
    fn request_bytes_tell_target_media_and_body_apart() {
        let base = request_bytes("/v1/users", "application/json", b"{}");
        assert_eq!(base, b"/v1/users\napplication/json\n{}");
        assert_ne!(base, request_bytes("/v1/users?dialect=scim", "application/json", b"{}"));
        assert_ne!(base, request_bytes("/v1/users", "application/xml", b"{}"));
        assert_ne!(base, request_bytes("/v1/users", "application/json", b"{ }"));
    }

    #[test]
    fn a_done_row_with_the_same_request_is_replayed() {
        let answer = judge(row("f1", "done", Some(201)), "f1").ok();
        assert_eq!(
            answer,
            Some(Answer {
                status: 201,
                content_type: Some("application/json".into()),
                location: Some("/v1/users/7".into()),
                etag: None,
                body: "{\"id\":7}".into(),
            })
        );
    }

    #[test]
    fn another_request_is_422_even_while_the_first_runs() {
        assert!(matches!(judge(row("f1", "done", Some(201)), "f2"), Err(ApiError::IdempotencyKeyReused)));
        assert!(matches!(judge(row("f1", "pending", None), "f2"), Err(ApiError::IdempotencyKeyReused)));
    }

    #[test]
    fn a_pending_row_is_409() {
        assert!(matches!(judge(row("f1", "pending", None), "f1"), Err(ApiError::IdempotencyKeyInFlight)));
    }

    #[test]
    fn rows_that_cannot_be_replayed_are_internal_errors() {
        assert!(matches!(judge(row("f1", "done", None), "f1"), Err(ApiError::Internal(_))));
        assert!(matches!(judge(row("f1", "done", Some(400)), "f1"), Err(ApiError::Internal(_))));
        assert!(matches!(judge(row("f1", "other", Some(201)), "f1"), Err(ApiError::Internal(_))));
    }
}
