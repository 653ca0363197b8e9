//! The userbridge edge API facade, a Cloudflare Worker built with workers-rs.
//!
//! Every request travels one way:
//!
//! ```text
//! fetch ─ request id, config ─ routes::route ─ Surface (one per dialect)
//!         resolve (404 / 405 + Allow / CORS preflight) ─ auth (dialect's scheme, 401 / 503)
//!         handle: body (415, 413 before parsing) ─ core (validate, to_canonical, merge)
//!                 ─ store (D1) ─ the dialect's response
//!         errors ─ the dialect's into_response (one per dialect)
//! ─ finish: X-Request-Id, CORS ─ one JSON log line
//! ```
//!
//! Static files (`www/`: demo page, widget) are served by the `ASSETS` binding before the Worker
//! runs.

mod auth;
mod config;
mod crypto;
mod directory;
mod endpoints;
mod error;
mod http;
mod idempotency;
mod jwt;
mod plan;
mod proxy;
mod routes;
mod store;
mod trip;
mod upstream;
mod users;

use worker::{Context, Date, Env, Request, Response, Result, console_error, console_log, event};

/// Installs a panic hook that logs the panic message through `console.error`.
///
/// A panic must never happen on any input (workers-rs 0.8 then re-initialises the Wasm instance,
/// failing every request in flight in it), but if one does, the message is what lets us find it
/// in `wrangler tail`. `#[event(start)]` runs once per Wasm instance, so the hook is set exactly
/// once per instance (again after a re-initialisation).
#[event(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error!("userbridge panicked: {info}");
    }));
}

/// The Worker's entry point.
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let started = Date::now().as_millis();
    let request_id =
        http::header(&req, "X-Request-Id").filter(|id| valid_request_id(id)).unwrap_or_else(crypto::request_id);
    let mut cx = routes::surface::Cx::new(req, env, request_id);
    let response = routes::route(&mut cx).await;
    let response = routes::finish(&cx, response);
    log(&cx, response.status_code(), Date::now().as_millis().saturating_sub(started));
    Ok(response)
}

/// A caller's `X-Request-Id` is echoed when it is short and plain (so it cannot forge log lines);
/// otherwise the Worker makes one.
fn valid_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// One JSON line per request: who handled it and how it ended. Never headers, bodies, query
/// strings or credentials. In proxy mode it also says how many upstream calls the request made
/// and how long it waited for them, so the facade's own share of the time can be told apart.
fn log(cx: &routes::surface::Cx, status: u16, duration_ms: u64) {
    let mut line = serde_json::json!({
        "requestId": cx.request_id,
        "dialect": cx.dialect,
        "op": cx.op,
        "method": cx.method,
        "path": cx.path,
        "status": status,
        "durationMs": duration_ms,
    });
    let calls = cx.trip.calls.get();
    if let (true, Some(map)) = (calls > 0, line.as_object_mut()) {
        map.insert("upstreamCalls".into(), calls.into());
        map.insert("upstreamMs".into(), cx.trip.waited_ms.get().into());
    }
    console_log!("{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_from_callers_are_plain() {
        assert!(valid_request_id("abc-123_X.y"));
        assert!(!valid_request_id(""));
        assert!(!valid_request_id("a\"b"));
        assert!(!valid_request_id(&"a".repeat(65)));
    }
}
