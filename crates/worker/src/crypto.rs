//! Randomness and password hashing through the runtime's WebCrypto (`crypto.getRandomValues`,
//! `crypto.randomUUID`, `crypto.subtle`): no Rust crypto crates in the upload, and the hashing
//! runs natively in the runtime rather than in Wasm.
//!
//! Passwords are stored as `pbkdf2-sha256$<iterations>$<b64 salt>$<b64 hash>` (PBKDF2-SHA256,
//! 100,000 iterations — the most Workers allow — random 16-byte salt, 32-byte hash). Every
//! import uses `catch`, so a JavaScript exception becomes an `Err`, never a trap.

use wasm_bindgen::prelude::*;
use worker::js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;

/// PBKDF2 iterations: the Workers runtime refuses more than 100,000.
pub const ITERATIONS: u32 = 100_000;
const SALT_LEN: u32 = 16;
const HASH_BITS: u32 = 256;
const PREFIX: &str = "pbkdf2-sha256";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buffer: &Uint8Array) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid() -> Result<String, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = importKey)]
    fn import_key(
        format: &str,
        key_data: &Uint8Array,
        algorithm: &str,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = deriveBits)]
    fn derive_bits(algorithm: &Object, key: &JsValue, length: u32) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = digest)]
    fn digest(algorithm: &str, data: &Uint8Array) -> Result<Promise, JsValue>;
}

/// A WebCrypto call failed (the runtime refused an argument): an internal error.
#[derive(Debug)]
pub struct CryptoError(pub String);

impl std::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebCrypto: {}", self.0)
    }
}

fn js_err(what: &str, err: JsValue) -> CryptoError {
    CryptoError(format!("{what}: {}", err.as_string().unwrap_or_else(|| format!("{err:?}"))))
}

/// `n` bytes from the runtime's CSPRNG.
pub fn random_bytes(n: u32) -> Result<Vec<u8>, CryptoError> {
    let buffer = Uint8Array::new_with_length(n);
    get_random_values(&buffer).map_err(|e| js_err("getRandomValues", e))?;
    Ok(buffer.to_vec())
}

/// 32 lowercase hex characters from 16 random bytes: a learningcloud/SCIM user id.
pub fn random_hex_id() -> Result<String, CryptoError> {
    Ok(hex(&random_bytes(16)?))
}

/// A random request id (a UUID v4).
pub fn request_id() -> String {
    random_uuid().unwrap_or_else(|_| "00000000-0000-4000-8000-000000000000".to_owned())
}

/// SHA-256, lowercase hex, through WebCrypto (no hashing crate in the upload).
pub async fn sha256_hex(data: &[u8]) -> Result<String, CryptoError> {
    let promise = digest("SHA-256", &Uint8Array::from(data)).map_err(|e| js_err("digest", e))?;
    let buffer = JsFuture::from(promise).await.map_err(|e| js_err("digest", e))?;
    Ok(hex(&Uint8Array::new(&buffer).to_vec()))
}

/// Hashes a password for storage.
pub async fn hash_password(password: &str) -> Result<String, CryptoError> {
    let salt = random_bytes(SALT_LEN)?;
    let hash = pbkdf2(password, &salt, ITERATIONS).await?;
    Ok(format!("{PREFIX}${ITERATIONS}${}${}", base64_encode(&salt), base64_encode(&hash)))
}

/// Whether `password` matches a stored hash (false for anything not in our format).
#[allow(dead_code, reason = "the seam for password logins (the DeviceHive token endpoint)")]
pub async fn verify_password(password: &str, stored: &str) -> Result<bool, CryptoError> {
    let Some((iterations, salt, expected)) = parse_hash(stored) else {
        return Ok(false);
    };
    let hash = pbkdf2(password, &salt, iterations).await?;
    Ok(constant_time_eq(&hash, &expected))
}

/// Splits `pbkdf2-sha256$N$salt$hash`.
#[allow(dead_code, reason = "used by verify_password")]
fn parse_hash(stored: &str) -> Option<(u32, Vec<u8>, Vec<u8>)> {
    let mut parts = stored.split('$');
    if parts.next()? != PREFIX {
        return None;
    }
    let iterations = parts.next()?.parse().ok().filter(|n| (1..=ITERATIONS).contains(n))?;
    let salt = base64_decode(parts.next()?)?;
    let hash = base64_decode(parts.next()?)?;
    parts.next().is_none().then_some((iterations, salt, hash))
}

async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, CryptoError> {
    let usages = Array::of1(&JsValue::from_str("deriveBits"));
    let key_data = Uint8Array::from(password.as_bytes());
    let key = import_key("raw", &key_data, "PBKDF2", false, &usages).map_err(|e| js_err("importKey", e))?;
    let key = JsFuture::from(key).await.map_err(|e| js_err("importKey", e))?;
    let algorithm = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&algorithm, &JsValue::from_str(k), v).map(|_| ());
    set("name", &JsValue::from_str("PBKDF2"))
        .and_then(|()| set("hash", &JsValue::from_str("SHA-256")))
        .and_then(|()| set("salt", &Uint8Array::from(salt)))
        .and_then(|()| set("iterations", &JsValue::from_f64(f64::from(iterations))))
        .map_err(|e| js_err("PBKDF2 parameters", e))?;
    let bits = derive_bits(&algorithm, &key, HASH_BITS).map_err(|e| js_err("deriveBits", e))?;
    let bits = JsFuture::from(bits).await.map_err(|e| js_err("deriveBits", e))?;
    let buffer: ArrayBuffer = bits.unchecked_into();
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4). Twenty lines instead of a crate in the upload.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes [`base64_encode`]'s output; `None` for anything else.
#[allow(dead_code, reason = "used by verify_password")]
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = if i >= 4 - pad { 0 } else { B64.iter().position(|&x| x == c)? as u32 };
            n = (n << 6) | v;
        }
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - pad]);
    }
    Some(out)
}

/// Compares two secrets in time that depends only on their lengths, not on where they differ,
/// so a client cannot find the token byte by byte from response timings.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_identical() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn base64_round_trips_rfc_4648_vectors() {
        for (raw, enc) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64_encode(raw.as_bytes()), enc);
            assert_eq!(base64_decode(enc).as_deref(), Some(raw.as_bytes()));
        }
        assert_eq!(base64_decode("Zm9"), None);
        assert_eq!(base64_decode("Zm!v"), None);
        assert_eq!(base64_decode("Z==="), None);
    }

    #[test]
    fn hash_format_is_parsed_strictly() {
        let ok = format!("pbkdf2-sha256$100000${}${}", base64_encode(&[1; 16]), base64_encode(&[2; 32]));
        assert_eq!(parse_hash(&ok).map(|(n, s, h)| (n, s.len(), h.len())), Some((100_000, 16, 32)));
        assert!(parse_hash("pbkdf2-sha256$100001$AAAA$AAAA").is_none(), "above the runtime limit");
        assert!(parse_hash("bcrypt$10$AAAA$AAAA").is_none());
        assert!(parse_hash(&format!("{ok}$extra")).is_none());
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
