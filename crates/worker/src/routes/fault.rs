//! `GET /__fault/panic`: a forced fault, so a test can prove that a panic answers 500 once and the
//! next request works (workers-rs 0.8 re-initialises the Wasm instance after a panic).
//!
//! It exists only with `ENVIRONMENT=development` **and** `USERBRIDGE_FAULT_INJECTION=1` (set by
//! `cargo xtask test` with `--var`); everywhere else the path is an ordinary 404.

use worker::Response;

use super::surface::{Cx, Surface};
use crate::auth::Scheme;
use crate::config::Config;
use crate::error::ApiError;
use crate::http::{self, Resolved};

pub struct Fault;

impl Surface for Fault {
    const NAME: &'static str = "fault";
    const SCHEME: Scheme = Scheme::Public;
    type Route = ();
    type Error = ApiError;

    fn enabled(config: &Config) -> bool {
        config.fault_injection
    }

    fn resolve(method: &str, path: &str) -> Option<Resolved<()>> {
        (path == "/__fault/panic").then(|| http::pick(method, "GET", [("GET", ())]))
    }

    fn op(_: &()) -> &'static str {
        "panic"
    }

    fn creates(_: &()) -> bool {
        false
    }

    #[expect(clippy::panic, reason = "the forced fault: proves the panic hook and instance recovery")]
    async fn handle(_cx: &mut Cx, _: ()) -> Result<Response, ApiError> {
        panic!("forced fault (USERBRIDGE_FAULT_INJECTION=1)")
    }

    fn into_response(_cx: &Cx, err: ApiError) -> Response {
        super::v1::problem(&err)
    }
}
