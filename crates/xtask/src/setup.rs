//! `cargo xtask setup`: installs every tool the other commands need, and only what is missing.
//!
//! Each step probes first, so a second run costs a few process starts (well under a second) and
//! `dev`/`test` can call it unconditionally: a fresh machine works with one command.

use std::path::Path;
use std::process::Command;

use crate::fail;
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
    run(command(root, "cargo").args(["install", "--locked", "twiggy", "--version", TWIGGY_VERSION]))
}

/// The npm pins (wrangler, Node 22, binaryen, playwright-core, …) from `package-lock.json`.
/// npm records each install in `node_modules/.package-lock.json`; older than the lockfile means
/// the pins changed since.
fn npm(root: &Path) -> Result<()> {
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    let lock = modified(&root.join("package-lock.json"));
    let installed = modified(&root.join("node_modules/.package-lock.json"));
    let wrangler = util::node_bin(root).join("wrangler").exists();
    let fresh = matches!((installed, lock), (Some(i), Some(l)) if i >= l);
    if wrangler && fresh {
        println!("ok: node_modules");
        return Ok(());
    }
    // Not `npm ci`: the registry mirror here lacks workerd's macOS and Windows packages at the
    // pinned version, so the lockfile cannot list them and `npm ci` refuses it as out of sync.
    // `npm install` installs exactly the locked versions and skips the missing optional ones; the
    // lockfile is compared before and after so a drifted pin fails here instead of being rewritten.
    // The machine's npm, not the pinned Node: installing only unpacks packages.
    let before = std::fs::read(root.join("package-lock.json")).map_err(|e| fail!("package-lock.json: {e}"))?;
    run(Command::new("npm").current_dir(root).args(["install", "--no-audit", "--no-fund"]))?;
    let after = std::fs::read(root.join("package-lock.json")).map_err(|e| fail!("package-lock.json: {e}"))?;
    if before != after {
        std::fs::write(root.join("package-lock.json"), &before).map_err(|e| fail!("package-lock.json: {e}"))?;
        return Err(fail!("`npm install` wanted to change package-lock.json: package.json and the lockfile disagree"));
    }
    Ok(())
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
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "chromium", "chromium-driver", "wrk"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
    .map_err(|e| fail!("{e} (apt-get needs root)"))
}
