//! `GET /health`: public, no credential — load balancers and `cargo xtask` probe it.

use serde::Serialize;
use worker::Response;

use super::surface::{Cx, Surface};
use crate::auth::Scheme;
use crate::error::ApiError;
use crate::http::{self, Resolved};
use crate::store::DB_BINDING;

pub struct Health;

/// Body of `GET /health`.
#[derive(Debug, Serialize)]
struct Body {
    /// `ok` when every dependency answered, `degraded` otherwise.
    status: &'static str,
    /// The crate version, so a deployment can be identified from outside.
    version: &'static str,
    /// `ok` when a query through the D1 binding read the users table (migrations applied).
    db: &'static str,
}

impl Surface for Health {
    const NAME: &'static str = "health";
    const SCHEME: Scheme = Scheme::Public;
    type Route = ();
    type Error = ApiError;

    fn resolve(method: &str, path: &str) -> Option<Resolved<()>> {
        (path == "/health").then(|| http::pick(method, "GET, HEAD", [("GET", ())]))
    }

    fn op(_: &()) -> &'static str {
        "health"
    }

    fn creates(_: &()) -> bool {
        false
    }

    /// 200 when the Worker and its D1 database answer, 503 when D1 does not.
    async fn handle(cx: &mut Cx, _: ()) -> Result<Response, ApiError> {
        let db_ok = match check_db(cx).await {
            Ok(()) => true,
            Err(err) => {
                // Logged, not returned: the error text can name internals.
                worker::console_error!(
                    "{{\"requestId\":{:?},\"error\":{:?}}}",
                    cx.request_id,
                    format!("health: {err}")
                );
                false
            }
        };
        let body = Body {
            status: if db_ok { "ok" } else { "degraded" },
            version: env!("CARGO_PKG_VERSION"),
            db: if db_ok { "ok" } else { "error" },
        };
        Ok(http::json(if db_ok { 200 } else { 503 }, &body))
    }

    fn into_response(_cx: &Cx, err: ApiError) -> Response {
        super::v1::problem(&err)
    }
}

/// Counts the users through the binding: proves that D1 answers and that the migrations ran.
async fn check_db(cx: &Cx) -> worker::Result<()> {
    let db = cx.env.d1(DB_BINDING)?;
    let _: Option<f64> = db.prepare("SELECT COUNT(*) AS n FROM users").first(Some("n")).await?;
    Ok(())
}
