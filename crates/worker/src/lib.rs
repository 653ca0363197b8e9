//! The userbridge edge API facade, a Cloudflare Worker built with workers-rs.
//!
//! Every request travels one way: in through its dialect's route, down to the core, to the store
//! (D1) or the upstream, and back out through the same dialect. For now the router only knows
//! `/health`; static files (`www/`: demo page, widget) are served by the `ASSETS` binding before
//! the Worker runs.

use serde::Serialize;
use worker::{Context, Env, Request, Response, Result, RouteContext, Router, console_error, event};

/// The D1 binding name, as declared in `wrangler.toml`.
const DB_BINDING: &str = "DB";

/// Installs a panic hook that logs the panic message through `console.error`.
///
/// A panic must never happen on any input (it fails every request in flight in the isolate), but
/// if one does, the message is what lets us find it in `wrangler tail`. `#[event(start)]` runs
/// once per Wasm instance, so the hook is set exactly once per instance.
#[event(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error!("userbridge panicked: {info}");
    }));
}

/// The Worker's entry point: one router, one place where errors become responses.
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new().get_async("/health", health).run(req, env).await
}

/// Body of `GET /health`.
#[derive(Debug, Serialize)]
struct Health {
    /// `ok` when every dependency answered, `degraded` otherwise.
    status: &'static str,
    /// The crate version, so a deployment can be identified from outside.
    version: &'static str,
    /// `ok` when a query through the D1 binding succeeded (and the migrations have run).
    db: &'static str,
}

/// `GET /health`: 200 when the Worker and its D1 database answer, 503 when D1 does not.
async fn health(_req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let db_ok = match check_db(&ctx).await {
        Ok(()) => true,
        Err(err) => {
            // Logged, not returned: the error text can name internals.
            console_error!("health: D1 check failed: {err}");
            false
        }
    };
    let body = Health {
        status: if db_ok { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        db: if db_ok { "ok" } else { "error" },
    };
    Ok(Response::from_json(&body)?.with_status(if db_ok { 200 } else { 503 }))
}

/// Reads `schema_meta` through the binding: proves both that D1 answers and that the first
/// migration has been applied.
async fn check_db(ctx: &RouteContext<()>) -> Result<()> {
    let db = ctx.d1(DB_BINDING)?;
    let rows: Option<i64> = db.prepare("SELECT COUNT(*) AS n FROM schema_meta").first(Some("n")).await?;
    match rows {
        Some(_) => Ok(()),
        None => Err(worker::Error::RustError("schema_meta: no row".into())),
    }
}
