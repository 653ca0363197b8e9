//! `cargo xtask <command>`: userbridge's orchestration, in Rust so it runs wherever cargo does.
//!
//! - `setup`  install what is missing (wasm target, worker-build, wasm-bindgen-cli, npm pins,
//!   Chromium, ChromeDriver, wrk)
//! - `build`  build the Worker and the widget (release)
//! - `dev`    run the stack locally on 127.0.0.1 (`--port N`, `--state DIR`, `-- WRANGLER_ARGS…`)
//! - `test`   every check; the last line is `N passed, N failed`
//! - `conformance URL`  the SCIM conformance testers alone, against a running Worker
//! - `bench`  measurements: sizes, core, facade, proxy, widget (`bench proxy` runs one section)
//! - `fuzz`   the core's cargo-fuzz targets (nightly), with exec counts

mod bench;
mod build;
mod dev;
mod fuzz;
mod setup;
mod stamp;
mod test;
mod util;

use std::ffi::OsString;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <setup|build|dev|test|bench>
  setup                          install missing tools (idempotent)
  build                          build the Worker and the widget
  dev [--port N] [--state DIR] [-- ARGS…]
                                 wrangler dev on 127.0.0.1; DIR holds the local D1 (migrated
                                 first; `-- --persist-to DIR` works too); ARGS go to wrangler dev
  test [proxy]                   fmt, clippy, native + wasm + HTTP + browser tests (`proxy`:
                                 the build and the proxy tiers only)
  conformance URL                scim2-tester and scim-sanity against URL/scim/v2 (a running
                                 `cargo xtask dev` with fewer than 200 users, e.g. a fresh
                                 state; admin token dev-admin-token)
  bench [SECTION…]               sizes, core, facade, proxy and widget figures (sections whose
                                 name contains a given word; all by default)
  fuzz [--seconds N] [TARGET…]   cargo-fuzz the core, one target per dialect (nightly)";

fn main() -> ExitCode {
    util::install_signal_handler();
    let root = util::repo_root();
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let command = args.first().and_then(|a| a.to_str()).unwrap_or("");
    let rest = args.get(1..).unwrap_or_default();

    let result = match command {
        "setup" => setup::setup(&root),
        "build" => setup::setup(&root).and_then(|()| build::build(&root)),
        "dev" => dev::DevArgs::parse(rest).and_then(|a| dev::dev(&root, &a)),
        "test" => {
            let proxy_only = rest.first().and_then(|a| a.to_str()) == Some("proxy");
            let total = if proxy_only { test::test_proxy(&root) } else { test::test(&root) };
            return if total.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE };
        }
        "bench" => setup::setup(&root).and_then(|()| bench::bench(&root, rest)),
        "conformance" => {
            let Some(url) = rest.first().and_then(|u| u.to_str()) else {
                eprintln!("xtask: conformance needs the Worker's URL\n{USAGE}");
                return ExitCode::FAILURE;
            };
            let count = setup::setup(&root).and_then(|()| test::conformance(&root, url.trim_end_matches('/')));
            return match count {
                Ok(c) if c.failed == 0 => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(err) => {
                    eprintln!("xtask: {err}");
                    ExitCode::FAILURE
                }
            };
        }
        "fuzz" => fuzz::fuzz(&root, rest),
        "" | "help" | "--help" | "-h" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => Err(fail!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}
