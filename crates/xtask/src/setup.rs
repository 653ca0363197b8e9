//! `cargo xtask setup`: installs every tool the other commands need, and only what is missing.
//!
//! Each step probes first, so a second run costs a few process starts (well under a second) and
//! `dev`/`test` can call it unconditionally: a fresh machine works with one command.

use std::path::Path;
use std::process::Command;

use crate::fail;
use crate::stamp::{self, Stamp};
use crate::util::{
    self, CHROMEDRIVER, CHROMIUM, Result, TWIGGY_VERSION, WASM_BINDGEN_VERSION, WASM_TARGET, WORKER_BUILD_VERSION,
    cargo_bin, command, probe, run,
};

/// Runs every setup step; prints what it does and what it skips.
pub fn setup(root: &Path) -> Result<()> {
    rust_target(root)?;
    worker_build(root)?;
    wasm_bindgen(root)?;
    twiggy(root)?;
    npm(root)?;
    apt()?;
    conformance(root)?;
    Ok(())
}

/// The wasm32 standard library, for the worker and the widget.
fn rust_target(root: &Path) -> Result<()> {
    let installed = probe(command(root, "rustup").args(["target", "list", "--installed"]))
        .is_some_and(|list| list.lines().any(|t| t.trim() == WASM_TARGET));
    if installed {
        println!("ok: rust target {WASM_TARGET}");
        return Ok(());
    }
    progress(&format!("installing the Rust target {WASM_TARGET}"), "about 20 s");
    run(command(root, "rustup").args(["target", "add", WASM_TARGET]))
}

/// worker-build, which bundles the Worker. `--locked`: its lockfile resolves on crates.io.
fn worker_build(root: &Path) -> Result<()> {
    let found = probe(Command::new(cargo_bin("worker-build")).arg("--version"));
    // It prints the bare version, e.g. `0.8.7`.
    if found.as_deref().is_some_and(|v| v.ends_with(WORKER_BUILD_VERSION)) {
        println!("ok: worker-build {WORKER_BUILD_VERSION}");
        return Ok(());
    }
    println!("worker-build: found {}, need {WORKER_BUILD_VERSION}", found.as_deref().unwrap_or("none"));
    progress(&format!("installing worker-build {WORKER_BUILD_VERSION}"), "about 4 min on 2 cores");
    run(command(root, "cargo").args(["install", "--locked", "worker-build", "--version", WORKER_BUILD_VERSION]))
}

/// wasm-bindgen-cli (`wasm-bindgen`, `wasm-bindgen-test-runner`), which must equal the crate pin.
/// Without `--locked`: its lockfile names a crate version that crates.io does not have.
fn wasm_bindgen(root: &Path) -> Result<()> {
    let found = probe(Command::new(cargo_bin("wasm-bindgen")).arg("--version"));
    let runner = cargo_bin("wasm-bindgen-test-runner").exists();
    // It prints `wasm-bindgen 0.2.130`.
    if runner && found.as_deref() == Some(&format!("wasm-bindgen {WASM_BINDGEN_VERSION}")) {
        println!("ok: wasm-bindgen-cli {WASM_BINDGEN_VERSION}");
        return Ok(());
    }
    println!("wasm-bindgen-cli: found {}, need {WASM_BINDGEN_VERSION}", found.as_deref().unwrap_or("none"));
    progress(&format!("installing wasm-bindgen-cli {WASM_BINDGEN_VERSION}"), "about 4 min on 2 cores");
    run(command(root, "cargo").args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION]))
}

/// twiggy, the wasm size profiler `cargo xtask bench` reads the widget's top contributors with.
fn twiggy(root: &Path) -> Result<()> {
    let found = probe(Command::new(cargo_bin("twiggy")).arg("--version"));
    // It prints `twiggy-opt 0.8.0`.
    if found.as_deref().is_some_and(|v| v.starts_with("twiggy") && v.ends_with(&format!(" {TWIGGY_VERSION}"))) {
        println!("ok: twiggy {TWIGGY_VERSION}");
        return Ok(());
    }
    println!("twiggy: found {}, need {TWIGGY_VERSION}", found.as_deref().unwrap_or("none"));
    progress(&format!("installing twiggy {TWIGGY_VERSION}"), "about 1 min on 2 cores");
    run(command(root, "cargo").args(["install", "--locked", "twiggy", "--version", TWIGGY_VERSION]))
}

/// The npm pins (wrangler, Node 22, binaryen, playwright-core, …) from `package-lock.json`, with
/// `npm ci`: it installs exactly what the lockfile lists and never rewrites it, so a drifted pin
/// fails here instead of changing the lockfile. The lockfile lists every platform's optional
/// packages (workerd's and esbuild's), so it stays valid as the registry adds platforms.
///
/// Installed is keyed on the lockfile's content: a stamp in `node_modules` holds its digest.
/// The machine's npm, not the pinned Node: installing only unpacks packages.
fn npm(root: &Path) -> Result<()> {
    let lock = std::fs::read(root.join("package-lock.json")).map_err(|e| fail!("package-lock.json: {e}"))?;
    let stamp = Stamp::new(root.join("node_modules/.userbridge-lock"), stamp::digest_bytes(&lock));
    if stamp.is_current() && util::node_bin(root).join("wrangler").exists() {
        println!("ok: node_modules");
        return Ok(());
    }
    progress("npm ci: wrangler, Node 22, binaryen, playwright-core, ajv", "about 15 s");
    run(Command::new("npm").current_dir(root).args(["ci", "--no-audit", "--no-fund"])).map_err(|e| {
        fail!("{e}\n`npm ci` refuses a lockfile that disagrees with package.json: run `npm install` once and commit package-lock.json")
    })?;
    stamp.write()
}

/// The public testers and clients run against the Worker: the SCIM conformance testers
/// (scim2-tester, scim-sanity) and the DeviceHive Python client, with every dependency pinned in [`util::CONFORMANCE_REQUIREMENTS`], in a virtualenv under the target
/// directory ([`util::venv_dir`]), from PyPI with the machine's `python3`. Installed is keyed on
/// the requirements' content: a stamp in the virtualenv holds their digest.
fn conformance(root: &Path) -> Result<()> {
    let requirements = root.join(util::CONFORMANCE_REQUIREMENTS);
    let pins = std::fs::read(&requirements).map_err(|e| fail!("{}: {e}", requirements.display()))?;
    let venv = util::venv_dir(root);
    let stamp = Stamp::new(venv.join(".userbridge-requirements"), stamp::digest_bytes(&pins));
    if stamp.is_current() && util::venv_python(root).exists() {
        println!("ok: virtualenv (scim2-tester, scim-sanity, devicehive client)");
        return Ok(());
    }
    progress(
        &format!("installing scim2-tester, scim-sanity and the devicehive client from PyPI into {}", venv.display()),
        "about 30 s",
    );
    run(Command::new("python3").args(["-m", "venv", "--clear"]).arg(&venv))
        .map_err(|e| fail!("{e}\n(python3 with the venv module is needed; Debian: apt-get install python3-venv)"))?;
    run(Command::new(util::venv_python(root))
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    stamp.write()
}

/// Says what a long step does and roughly how long it takes, before it starts.
fn progress(what: &str, how_long: &str) {
    println!("setup: {what} ({how_long}) …");
}

/// Debian's Chromium and ChromeDriver (browser tests; never a browser download) and wrk (bench).
fn apt() -> Result<()> {
    let missing: Vec<&str> =
        [CHROMIUM, CHROMEDRIVER, "/usr/bin/wrk"].into_iter().filter(|p| !Path::new(p).exists()).collect();
    if missing.is_empty() {
        println!("ok: chromium, chromedriver, wrk");
        return Ok(());
    }
    println!("missing: {}", missing.join(", "));
    progress("installing Debian's chromium, chromium-driver and wrk with apt-get", "about 1 min");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "chromium", "chromium-driver", "wrk"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
    .map_err(|e| fail!("{e} (apt-get needs root)"))
}
