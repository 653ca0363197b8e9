//! `cargo xtask build`: the Worker bundle (`crates/worker/build/`) and the widget (`www/pkg/`).
//!
//! Both are release builds: what the tests exercise is what ships.

use std::path::Path;

use crate::fail;
use crate::util::{self, Result, WASM_TARGET, cargo_bin, command, node_bin, run};

/// `wasm-opt` features: rustc's wasm32-unknown-unknown defaults plus exception handling, the same
/// explicit list worker-build 0.8.7 uses (an explicit list never lets binaryen emit an encoding
/// the runtime does not know yet).
const WASM_FEATURES: [&str; 7] = [
    "mutable-globals",
    "sign-ext",
    "nontrapping-float-to-int",
    "bulk-memory",
    "multivalue",
    "reference-types",
    "exception-handling",
];

/// The widget's generated files, relative to the repository root.
pub const WIDGET_WASM: &str = "www/pkg/userbridge_widget_bg.wasm";
pub const WIDGET_JS: &str = "www/pkg/userbridge_widget.js";

/// Builds the Worker and the widget.
pub fn build(root: &Path) -> Result<()> {
    build_worker(root)?;
    build_widget(root)
}

/// `worker-build --release` in `crates/worker`, writing `crates/worker/build/index.js` (+ wasm).
///
/// worker-build downloads wasm-bindgen, wasm-opt and esbuild from GitHub unless told where they
/// are (TOOLCHAIN trap 1; there is no GitHub here): the `*_BIN` variables point at the installed
/// CLI and at the npm pins.
pub fn build_worker(root: &Path) -> Result<()> {
    println!("== build: worker");
    let bin = node_bin(root);
    run(command(root, cargo_bin("worker-build"))
        .arg("--release")
        .current_dir(root.join("crates/worker"))
        .env("WASM_BINDGEN_BIN", cargo_bin("wasm-bindgen"))
        .env("WASM_OPT_BIN", bin.join("wasm-opt"))
        .env("ESBUILD_BIN", bin.join("esbuild")))
}

/// The widget: cargo (wasm32, release) → `wasm-bindgen --target web` → `wasm-opt -Oz`.
///
/// wasm-bindgen and wasm-opt are called directly rather than through wasm-pack, which would
/// download binaryen (TOOLCHAIN trap 2).
pub fn build_widget(root: &Path) -> Result<()> {
    println!("== build: widget");
    run(command(root, "cargo").args(["build", "--release", "--target", WASM_TARGET, "-p", "userbridge-widget"]))?;
    let input = util::target_dir(root).join(WASM_TARGET).join("release/userbridge_widget.wasm");
    let out_dir = root.join("www/pkg");
    run(command(root, cargo_bin("wasm-bindgen"))
        .args(["--target", "web", "--no-typescript", "--out-name", "userbridge_widget"])
        .arg("--out-dir")
        .arg(&out_dir)
        .arg(&input))?;

    let wasm = root.join(WIDGET_WASM);
    let optimised = wasm.with_extension("opt.wasm");
    let mut opt = command(root, node_bin(root).join("wasm-opt"));
    opt.arg("-Oz");
    for feature in WASM_FEATURES {
        opt.arg(format!("--enable-{feature}"));
    }
    run(opt.arg(&wasm).arg("-o").arg(&optimised))?;
    std::fs::rename(&optimised, &wasm).map_err(|e| fail!("cannot replace {}: {e}", wasm.display()))?;
    Ok(())
}
