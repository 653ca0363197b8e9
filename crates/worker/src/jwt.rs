//! DeviceHive's JSON Web Tokens: HS256, in the vendor's payload shape, signed and checked with the
//! runtime's WebCrypto HMAC.
//!
//! A token is `base64url(header).base64url(payload).base64url(HMAC-SHA256)`, the header
//! `{"alg":"HS256"}` (what the vendor's jjwt writes) and the payload
//! `{"payload":{"u":userId,"a":[actions],"n":[networks],"dt":[deviceTypes],"e":expiryMillis,"t":type}}`
//! (`t` 1 = access, 0 = refresh). A client that decodes the vendor's tokens decodes ours.
//!
//! Why WebCrypto and not the `hmac` + `sha2` crates: the runtime already ships HMAC, so it costs no
//! bytes in the upload (docs/benchmarks.md has the comparison), and `crypto.subtle.verify` compares
//! the MAC in constant time inside the runtime. The imported key is cached per isolate, so a
//! request pays one `verify` call, not an import.
//!
//! Verification refuses anything but `alg: HS256` (no `none`, no algorithm confusion), checks the
//! signature before reading the payload, and leaves the token type to the caller (an access token
//! authenticates, a refresh token only refreshes).

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use worker::js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;

use userbridge_core::dialects::devicehive::actions::{TokenCreate, login_actions};

use crate::crypto::{CryptoError, base64_decode, base64_encode};

/// Access tokens live 30 minutes, as the vendor's default.
pub const ACCESS_LIFETIME_MS: i64 = 30 * 60 * 1000;
/// Refresh tokens live 182 days (15,724,800,000 ms), as the vendor's default.
pub const REFRESH_LIFETIME_MS: i64 = 182 * 24 * 60 * 60 * 1000;
/// Longer strings are not tokens we issued; refused before any decoding work.
const MAX_TOKEN_LEN: usize = 4096;
/// The only header we write and the only algorithm we accept.
const HEADER: &str = r#"{"alg":"HS256"}"#;

/// `t`: what a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    /// `t: 0`: only for `POST /token/refresh`.
    Refresh,
    /// `t: 1`: the `Authorization: Bearer` credential.
    Access,
}

impl TokenType {
    fn code(self) -> u8 {
        match self {
            TokenType::Refresh => 0,
            TokenType::Access => 1,
        }
    }

    fn lifetime(self) -> i64 {
        match self {
            TokenType::Access => ACCESS_LIFETIME_MS,
            TokenType::Refresh => REFRESH_LIFETIME_MS,
        }
    }
}

/// The claims inside `{"payload": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's numeric id.
    #[serde(rename = "u")]
    pub user_id: i64,
    /// `HiveAction` ids; `[0]` (ANY) for administrators. What they grant:
    /// [`userbridge_core::dialects::devicehive::actions::Grants`].
    #[serde(rename = "a", default)]
    pub actions: Option<Vec<i64>>,
    /// Network ids, `["*"]` for all; null when a created token names none.
    #[serde(rename = "n", default)]
    pub network_ids: Option<Vec<String>>,
    /// Device type ids, `["*"]` for all; likewise.
    #[serde(rename = "dt", default)]
    pub device_type_ids: Option<Vec<String>>,
    /// Expiry, milliseconds since the Unix epoch.
    #[serde(rename = "e")]
    pub expires_ms: i64,
    /// 1 access, 0 refresh.
    #[serde(rename = "t")]
    pub token_type: u8,
}

impl Claims {
    /// The claims the vendor issues at login: administrators get every action on every network
    /// and device type; clients the client actions, the networks they are assigned (none here:
    /// userbridge stores no networks) and every device type when `allDeviceTypesAvailable`.
    pub fn issue(user_id: i64, admin: bool, all_device_types: bool, kind: TokenType, now_ms: i64) -> Claims {
        let all = || vec!["*".to_owned()];
        Claims {
            user_id,
            actions: Some(login_actions(admin)),
            network_ids: Some(if admin { all() } else { Vec::new() }),
            device_type_ids: Some(if admin || all_device_types { all() } else { Vec::new() }),
            expires_ms: now_ms.saturating_add(kind.lifetime()),
            token_type: kind.code(),
        }
    }

    /// The claims of `POST /token/create`: exactly what the body names; `expiration` for both
    /// tokens, `refreshExpiration` for the refresh token, the default lifetimes otherwise.
    pub fn created(body: &TokenCreate, kind: TokenType, now_ms: i64) -> Claims {
        let expiry = match kind {
            TokenType::Access => body.expiration,
            TokenType::Refresh => body.refresh_expiration.or(body.expiration),
        };
        Claims {
            user_id: body.user_id,
            actions: Some(body.actions.clone()),
            network_ids: body.network_ids.clone(),
            device_type_ids: body.device_type_ids.clone(),
            expires_ms: expiry.unwrap_or_else(|| now_ms.saturating_add(kind.lifetime())),
            token_type: kind.code(),
        }
    }

    /// The access token `POST /token/refresh` gives for these refresh claims: the same user,
    /// actions, networks and device types, a fresh default lifetime.
    pub fn refreshed(&self, now_ms: i64) -> Claims {
        Claims {
            expires_ms: now_ms.saturating_add(ACCESS_LIFETIME_MS),
            token_type: TokenType::Access.code(),
            ..self.clone()
        }
    }

    pub fn is(&self, kind: TokenType) -> bool {
        self.token_type == kind.code()
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    payload: Claims,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// Why a token was refused. Clients only ever see 401; the variants choose its message.
#[derive(Debug)]
pub enum JwtError {
    /// Not three base64url parts, not JSON, or not HS256.
    Malformed,
    /// The MAC does not match: not ours, or altered.
    BadSignature,
    /// Past its `e`.
    Expired,
    /// WebCrypto failed: an internal error.
    Crypto(CryptoError),
}

impl From<CryptoError> for JwtError {
    fn from(err: CryptoError) -> Self {
        JwtError::Crypto(err)
    }
}

/// Signs `claims` with `secret`.
pub async fn sign(secret: &str, claims: &Claims) -> Result<String, CryptoError> {
    let payload = serde_json::to_vec(&Envelope { payload: claims.clone() })
        .map_err(|e| CryptoError(format!("JWT payload: {e}")))?;
    let signing_input = format!("{}.{}", b64url_encode(HEADER.as_bytes()), b64url_encode(&payload));
    let mac = hmac_sign(secret, signing_input.as_bytes()).await?;
    Ok(format!("{signing_input}.{}", b64url_encode(&mac)))
}

/// The claims of a token we signed with `secret` that has not expired at `now_ms`.
pub async fn verify(secret: &str, token: &str, now_ms: i64) -> Result<Claims, JwtError> {
    let claims = decode(secret, token).await?;
    if claims.expires_ms <= now_ms {
        return Err(JwtError::Expired);
    }
    Ok(claims)
}

/// The claims of a token we signed with `secret`, expired or not: `POST /token/refresh` checks
/// the token type before the expiry, as the vendor does.
pub async fn decode(secret: &str, token: &str) -> Result<Claims, JwtError> {
    let (signing_input, mac) = split(token)?;
    if !hmac_verify(secret, signing_input.as_bytes(), &mac).await? {
        return Err(JwtError::BadSignature);
    }
    decode_claims(signing_input)
}

/// Splits a token into its signing input and decoded MAC, checking the header; no crypto yet.
fn split(token: &str) -> Result<(&str, Vec<u8>), JwtError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::Malformed);
    }
    let (signing_input, mac) = token.rsplit_once('.').ok_or(JwtError::Malformed)?;
    let (header, payload) = signing_input.split_once('.').ok_or(JwtError::Malformed)?;
    if payload.contains('.') || header.is_empty() || payload.is_empty() {
        return Err(JwtError::Malformed);
    }
    let header: Header = from_json(&b64url_decode(header).ok_or(JwtError::Malformed)?)?;
    if header.alg != "HS256" {
        return Err(JwtError::Malformed);
    }
    let mac = b64url_decode(mac).ok_or(JwtError::Malformed)?;
    Ok((signing_input, mac))
}

/// The claims of a signing input whose MAC has been checked.
fn decode_claims(signing_input: &str) -> Result<Claims, JwtError> {
    let payload = signing_input.split_once('.').map(|(_, p)| p).ok_or(JwtError::Malformed)?;
    let bytes = b64url_decode(payload).ok_or(JwtError::Malformed)?;
    let envelope: Envelope = from_json(&bytes)?;
    Ok(envelope.payload)
}

/// JSON from decoded bytes. Through `from_str` (after the UTF-8 check `from_slice` would make
/// anyway): the Worker already has serde_json's text parser, and `from_slice` would add a second
/// instance of it for byte input.
fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, JwtError> {
    let text = std::str::from_utf8(bytes).map_err(|_| JwtError::Malformed)?;
    serde_json::from_str(text).map_err(|_| JwtError::Malformed)
}

/// RFC 4648 §5 base64url without padding (RFC 7515 §2).
pub fn b64url_encode(bytes: &[u8]) -> String {
    base64_encode(bytes)
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect()
}

/// Decodes [`b64url_encode`]'s output; `None` for padding, standard-alphabet or invalid input.
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    if s.contains(['+', '/', '=']) || s.len() % 4 == 1 {
        return None;
    }
    let mut standard: String = s
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    base64_decode(&standard)
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = importKey)]
    fn import_hmac_key(
        format: &str,
        key_data: &Uint8Array,
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = sign)]
    fn subtle_sign(algorithm: &str, key: &JsValue, data: &Uint8Array) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = verify)]
    fn subtle_verify(
        algorithm: &str,
        key: &JsValue,
        signature: &Uint8Array,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
}

thread_local! {
    /// The imported HMAC key and the secret it was imported from (one isolate, one secret; a
    /// changed secret — new deployment — is imported again).
    static KEY: RefCell<Option<(String, JsValue)>> = const { RefCell::new(None) };
}

fn js_err(what: &str, err: JsValue) -> CryptoError {
    CryptoError(format!("{what}: {}", err.as_string().unwrap_or_else(|| format!("{err:?}"))))
}

async fn hmac_key(secret: &str) -> Result<JsValue, CryptoError> {
    let cached = KEY.with(|k| k.borrow().as_ref().filter(|(s, _)| s == secret).map(|(_, key)| key.clone()));
    if let Some(key) = cached {
        return Ok(key);
    }
    let algorithm = Object::new();
    let set = |k: &str, v: &str| Reflect::set(&algorithm, &JsValue::from_str(k), &JsValue::from_str(v)).map(|_| ());
    set("name", "HMAC").and_then(|()| set("hash", "SHA-256")).map_err(|e| js_err("HMAC parameters", e))?;
    let usages = Array::of2(&JsValue::from_str("sign"), &JsValue::from_str("verify"));
    let key_data = Uint8Array::from(secret.as_bytes());
    let promise = import_hmac_key("raw", &key_data, &algorithm, false, &usages).map_err(|e| js_err("importKey", e))?;
    let key = JsFuture::from(promise).await.map_err(|e| js_err("importKey", e))?;
    KEY.with(|k| *k.borrow_mut() = Some((secret.to_owned(), key.clone())));
    Ok(key)
}

async fn hmac_sign(secret: &str, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let key = hmac_key(secret).await?;
    let promise = subtle_sign("HMAC", &key, &Uint8Array::from(data)).map_err(|e| js_err("sign", e))?;
    let mac = JsFuture::from(promise).await.map_err(|e| js_err("sign", e))?;
    let buffer: ArrayBuffer = mac.unchecked_into();
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Constant-time: the runtime compares the MACs (BoringSSL `CRYPTO_memcmp`).
async fn hmac_verify(secret: &str, data: &[u8], mac: &[u8]) -> Result<bool, CryptoError> {
    let key = hmac_key(secret).await?;
    let promise = subtle_verify("HMAC", &key, &Uint8Array::from(mac), &Uint8Array::from(data))
        .map_err(|e| js_err("verify", e))?;
    let ok = JsFuture::from(promise).await.map_err(|e| js_err("verify", e))?;
    Ok(ok.as_bool().unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_without_padding() {
        for raw in [&b""[..], b"f", b"fo", b"foo", b"\xfb\xff\xbf", b"{\"alg\":\"HS256\"}"] {
            let enc = b64url_encode(raw);
            assert!(!enc.contains(['=', '+', '/']), "{enc}");
            assert_eq!(b64url_decode(&enc).as_deref(), Some(raw));
        }
        assert_eq!(b64url_encode(b"\xfb\xff\xbf"), "-_-_");
        assert_eq!(b64url_decode("Zg=="), None, "padding is not base64url");
        assert_eq!(b64url_decode("+/+/"), None, "standard alphabet");
        assert_eq!(b64url_decode("Z"), None);
        assert_eq!(b64url_decode("Z!"), None);
    }

    #[test]
    fn header_is_the_vendors() {
        assert_eq!(b64url_encode(HEADER.as_bytes()), "eyJhbGciOiJIUzI1NiJ9");
    }

    #[test]
    fn only_hs256_tokens_of_three_parts_are_split() {
        let payload = b64url_encode(b"{}");
        let hs = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.AAAA");
        assert!(split(&hs).is_ok());
        let none = format!("{}.{payload}.", b64url_encode(br#"{"alg":"none"}"#));
        assert!(matches!(split(&none), Err(JwtError::Malformed)));
        let rs = format!("{}.{payload}.AAAA", b64url_encode(br#"{"alg":"RS256"}"#));
        assert!(matches!(split(&rs), Err(JwtError::Malformed)));
        for bad in ["", "a.b", "a.b.c.d", "..", "eyJhbGciOiJIUzI1NiJ9..AAAA", "not a token"] {
            assert!(matches!(split(bad), Err(JwtError::Malformed)), "{bad}");
        }
        assert!(matches!(split(&"a".repeat(MAX_TOKEN_LEN + 1)), Err(JwtError::Malformed)));
    }

    #[test]
    fn created_claims_carry_exactly_the_body() {
        let body = TokenCreate {
            user_id: 3,
            actions: vec![12],
            network_ids: None,
            device_type_ids: Some(vec!["4".into()]),
            expiration: Some(2_000),
            refresh_expiration: None,
        };
        let access = Claims::created(&body, TokenType::Access, 1_000);
        let json = serde_json::to_value(Envelope { payload: access }).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"payload": {"u": 3, "a": [12], "n": null, "dt": ["4"], "e": 2_000, "t": 1}})
        );
        let refresh =
            Claims::created(&TokenCreate { refresh_expiration: Some(9), ..body.clone() }, TokenType::Refresh, 0);
        assert_eq!((refresh.expires_ms, refresh.token_type), (9, 0));
        let default = Claims::created(&TokenCreate { expiration: None, ..body }, TokenType::Access, 1_000);
        assert_eq!(default.expires_ms, 1_000 + ACCESS_LIFETIME_MS);
    }

    #[test]
    fn claims_have_the_vendor_shape() {
        let c = Claims::issue(7, true, false, TokenType::Access, 1_000);
        let json = serde_json::to_value(Envelope { payload: c.clone() }).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"payload": {"u": 7, "a": [0], "n": ["*"], "dt": ["*"], "e": 1_801_000, "t": 1}})
        );
        assert!(c.is(TokenType::Access) && !c.is(TokenType::Refresh));
        let r = Claims::issue(8, false, true, TokenType::Refresh, 0);
        assert_eq!(r.expires_ms, 15_724_800_000);
        assert_eq!(r.token_type, 0);
        let actions = r.actions.clone().unwrap_or_default();
        assert!(r.network_ids == Some(vec![]) && actions.contains(&10) && !actions.contains(&12));
        assert_eq!(r.device_type_ids, Some(vec!["*".to_owned()]));
        let a = r.refreshed(5);
        assert_eq!((a.user_id, a.token_type, a.expires_ms, &a.actions), (8, 1, 5 + ACCESS_LIFETIME_MS, &r.actions));
        let input = format!(
            "{}.{}",
            b64url_encode(HEADER.as_bytes()),
            b64url_encode(&serde_json::to_vec(&json).unwrap_or_default())
        );
        assert_eq!(decode_claims(&input).ok(), Some(c));
    }
}
