//! The DeviceHive WebSocket (`/api/websocket`, `/dh/websocket`): JSON request frames, one JSON
//! response frame each, the vendor's `user/*` actions over the same [`Service`] as the REST
//! routes ([`super`]).
//!
//! A frame is `{"action", "requestId", …}`; the answer echoes `action` and `requestId` with
//! `"status": "success"` and the payload (`user`, `users`, `current`, `count`, tokens), or
//! `"status": "error"` with `code` (the REST status) and `error` (the vendor's message). A frame
//! that is not a JSON object of that shape answers 400 "Malformed Json received." — every frame
//! gets an answer and none can end the session.
//!
//! `authenticate {token}` (an access JWT or the admin token) authorises the session and records a
//! login; the token is checked again on every later action, so an expired token or a deleted,
//! locked or disabled user takes effect at once (401; the vendor keeps the session's first
//! check). `token` and `token/refresh` work before authenticating, `token/create` needs the
//! session's token to grant `ManageToken`. `userId: "current"` is accepted wherever a `userId` is
//! (`docs/dialects/devicehive.md`).

use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};
use userbridge_core::dialects::devicehive::{UserIdRef, WsRequest, WsResponse};
use worker::{Env, Response, WebSocket, WebSocketPair, WebsocketEvent, console_log};

use super::service::{
    ACCESS_TOKEN_EXPIRED, Fail, INVALID_CREDENTIALS, ListQuery, PAYLOAD_NOT_FOUND, Refusal, Secret, Service, Target,
    USER_ID_REQUIRED, USER_REQUIRED, unauthorized,
};
use crate::config::Config;
use crate::directory::{self, Directory};
use crate::error::ApiError;
use crate::routes::surface::Cx;
use crate::store::Store;
use crate::trip::Trip;

const MALFORMED: &str = "Malformed Json received.";
/// Frames above this are refused unread, like HTTP bodies over the limit.
const MAX_FRAME: usize = crate::http::MAX_BODY;

/// Accepts the upgrade and serves the socket in the background; 426 for a plain GET.
pub fn upgrade(cx: &Cx) -> Result<Response, Fail> {
    if !cx.header("Upgrade").is_some_and(|u| u.trim().eq_ignore_ascii_case("websocket")) {
        return Err(Fail::Vendor(426, "Expected a WebSocket upgrade request".into()));
    }
    let pair = WebSocketPair::new()?;
    pair.server.accept()?;
    let session = Session { env: cx.env.clone(), config: cx.config.clone(), id: cx.request_id.clone() };
    worker::wasm_bindgen_futures::spawn_local(session.run(pair.server));
    Ok(Response::from_websocket(pair.client)?)
}

/// One socket: what its frames need.
struct Session {
    env: Env,
    config: Config,
    /// The upgrade request's id: the log lines of this socket's frames carry it.
    id: String,
}

impl Session {
    async fn run(self, ws: WebSocket) {
        let Ok(mut events) = ws.events() else {
            return;
        };
        // Frames answer a write with its status, or a created user's id: no read back needed.
        let trip = std::rc::Rc::new(Trip::default());
        trip.answer_without_record.set(true);
        let store = directory::open(&self.env, &self.config, &self.id, &trip)
            .and_then(|store| Ok((store, Store::new(&self.env)?)));
        // The credential `authenticate` gave, if any.
        let mut token: Option<String> = None;
        while let Some(event) = events.next().await {
            let text = match event {
                Ok(WebsocketEvent::Message(message)) => message.text(),
                Ok(WebsocketEvent::Close(close)) => {
                    // Complete the closing handshake (RFC 6455 §5.5.1): without the echoed Close
                    // frame the client's `close()` never finishes and its socket stays open.
                    let code = Some(close.code()).filter(|c| *c == 1000 || (3000..5000).contains(c)).unwrap_or(1000);
                    let _ = ws.close(Some(code), Some("closing"));
                    break;
                }
                Err(_) => break,
            };
            let response = match (&store, text) {
                (Ok((store, accounts)), Some(text)) => self.frame(store, accounts, &mut token, &text).await,
                (Err(e), _) => {
                    let (code, error) = Fail::Api(ApiError::Internal(format!("{e:?}"))).describe();
                    reply(WsResponse::error("", None, code, error))
                }
                // A binary frame: the protocol is JSON text.
                (_, None) => reply(WsResponse::error("", None, 400, MALFORMED)),
            };
            self.log(&response);
            // A send fails only when the peer has gone; the close event ends the loop.
            let _ = ws.send_with_str(response.to_string());
        }
    }

    /// The answer to one text frame.
    async fn frame(&self, store: &Directory, accounts: &Store, token: &mut Option<String>, text: &str) -> Value {
        if text.len() > MAX_FRAME {
            return reply(WsResponse::error("", None, 413, "Request entity too large"));
        }
        let Ok(mut value) = serde_json::from_str::<Value>(text) else {
            return reply(WsResponse::error("", None, 400, MALFORMED));
        };
        let action = value.get("action").and_then(Value::as_str).unwrap_or_default().to_owned();
        let request_id = value.get("requestId").cloned();
        // Read apart: a password that is not a string is a wrong password, not a malformed frame.
        let password = value.as_object_mut().and_then(|o| o.remove("password"));
        let Ok(request) = WsRequest::deserialize(&value) else {
            return reply(WsResponse::error(action, request_id, 400, MALFORMED));
        };
        let svc = Service { store, accounts, config: &self.config };
        let outcome = self.dispatch(&svc, token, request, password.as_ref()).await;
        reply(match outcome {
            Ok(response) => response,
            Err(fail) => {
                if let Fail::Api(ApiError::Internal(detail)) = &fail {
                    worker::console_error!("{}", json!({"requestId": self.id, "level": "error", "error": detail}));
                }
                let (code, error) = fail.describe();
                WsResponse::error(action, request_id, code, error)
            }
        })
    }

    async fn dispatch(
        &self,
        svc: &Service<'_>,
        token: &mut Option<String>,
        r: WsRequest,
        password: Option<&Value>,
    ) -> Result<WsResponse, Fail> {
        let ok = WsResponse::success(r.action.clone(), r.request_id.clone());
        match r.action.as_str() {
            "authenticate" => {
                let given = r.token.filter(|t| !t.is_empty()).ok_or_else(unauthorized)?;
                let principal = match svc.principal(&given).await? {
                    Ok(principal) => principal,
                    Err(Refusal::Invalid) => return Err(Fail::Vendor(401, INVALID_CREDENTIALS.into())),
                    Err(Refusal::Expired) => return Err(Fail::Vendor(401, ACCESS_TOKEN_EXPIRED.into())),
                };
                svc.record_login(&principal).await?;
                *token = Some(given);
                return Ok(ok);
            }
            "token" => {
                let pair = svc.token(r.login.as_deref(), Secret::of(password)).await?;
                return Ok(ok
                    .with("accessToken", json!(pair.access_token))
                    .with("refreshToken", json!(pair.refresh_token)));
            }
            "token/refresh" => {
                let given = r.refresh_token.ok_or_else(|| Fail::Vendor(400, PAYLOAD_NOT_FOUND.into()))?;
                let access = svc.refresh(Some(&given)).await?;
                return Ok(ok.with("accessToken", json!(access.access_token)));
            }
            _ => {}
        }
        if !r.action.starts_with("user/") && r.action != "token/create" {
            return Err(Fail::Vendor(400, format!("Unknown action requested: {}", clip(&r.action))));
        }
        // Checked afresh on every action: 401 before `authenticate`, or once its token is no longer
        // good (expired, user deleted, locked or disabled).
        let principal = match token.as_deref() {
            Some(t) => svc.authenticate(t).await?,
            None => return Err(unauthorized()),
        };
        match r.action.as_str() {
            "token/create" => {
                let pair = svc.token_create(&principal, r.payload.as_ref()).await?;
                Ok(ok.with("accessToken", json!(pair.access_token)).with("refreshToken", json!(pair.refresh_token)))
            }
            "user/list" => {
                let query = ListQuery {
                    login: r.login,
                    login_pattern: r.login_pattern,
                    role: r.role,
                    status: r.status,
                    sort_field: r.sort_field,
                    sort_order: r.sort_order,
                    take: r.take,
                    skip: r.skip,
                };
                Ok(ok.with("users", to_value(&svc.list(&principal, &query).await?)))
            }
            "user/count" => {
                let query = ListQuery {
                    login: r.login,
                    login_pattern: r.login_pattern,
                    role: r.role,
                    status: r.status,
                    ..ListQuery::default()
                };
                Ok(ok.with("count", json!(svc.count(&principal, &query).await?)))
            }
            "user/get" => match r.user_id.ok_or_else(|| Fail::Vendor(400, USER_ID_REQUIRED.into()))? {
                UserIdRef::Number(id) => Ok(ok.with("user", to_value(&svc.get(&principal, id).await?))),
                UserIdRef::Current => Ok(ok.with("user", to_value(&svc.get_current(&principal).await?))),
            },
            "user/getCurrent" => Ok(ok.with("current", to_value(&svc.get_current(&principal).await?))),
            "user/insert" => {
                let user = r.user.filter(|u| !u.is_null()).ok_or_else(|| Fail::Vendor(400, USER_REQUIRED.into()))?;
                Ok(ok.with("user", to_value(&svc.create(&principal, &user).await?)))
            }
            "user/update" | "user/updateCurrent" => {
                let user = r.user.filter(|u| !u.is_null()).ok_or_else(|| Fail::Vendor(400, USER_REQUIRED.into()))?;
                let target = if r.action == "user/updateCurrent" {
                    Target::Current
                } else {
                    match r.user_id.ok_or_else(|| Fail::Vendor(400, USER_ID_REQUIRED.into()))? {
                        UserIdRef::Number(id) => Target::Id(id),
                        UserIdRef::Current => Target::Current,
                    }
                };
                svc.update(&principal, target, Some(&user)).await?;
                Ok(ok)
            }
            "user/delete" => {
                let id = match r.user_id.ok_or_else(|| Fail::Vendor(400, USER_ID_REQUIRED.into()))? {
                    UserIdRef::Number(id) => id,
                    // Yourself: refused by `delete` with the vendor's 403.
                    UserIdRef::Current => svc.get_current(&principal).await?.user.id,
                };
                svc.delete(&principal, id).await?;
                Ok(ok)
            }
            other => Err(Fail::Vendor(400, format!("Unknown action requested: {}", clip(other)))),
        }
    }

    /// One log line per frame, like the per-request line: the connection's request id, the
    /// action and the outcome — never the frame itself (it can hold passwords and tokens).
    fn log(&self, response: &Value) {
        let action = response.get("action").and_then(Value::as_str).map(clip).unwrap_or_default();
        let status = response.get("code").and_then(Value::as_u64).unwrap_or(200);
        let line =
            json!({"requestId": self.id, "dialect": "devicehive", "op": format!("ws:{action}"), "status": status});
        console_log!("{line}");
    }
}

/// A response frame; an action we could not read is `null`, as the vendor sends it.
fn reply(response: WsResponse) -> Value {
    let mut value = to_value(&response);
    if response.action.is_empty()
        && let Some(action) = value.get_mut("action")
    {
        *action = Value::Null;
    }
    value
}

fn to_value(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Client-chosen text bounded before it is echoed or logged.
fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_frames_answer_with_a_null_action() {
        let v = reply(WsResponse::error("", None, 400, MALFORMED));
        assert_eq!(v, json!({"action": null, "status": "error", "code": 400, "error": MALFORMED}));
        let v = reply(WsResponse::success("user/get", Some(json!(7))).with("user", json!({"id": 1})));
        assert_eq!(v, json!({"action": "user/get", "requestId": 7, "status": "success", "user": {"id": 1}}));
    }

    #[test]
    fn clipped_text_is_bounded() {
        assert_eq!(clip(&"é".repeat(100)).chars().count(), 64);
    }
}
