//! `cargo xtask build`: the Worker bundle (`crates/worker/build/`) and the widget (`www/pkg/`).
//!
//! Both are release builds: what the tests exercise is what ships.

use std::path::Path;

use crate::fail;
use crate::stamp::{self, Stamp};
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

/// The widget's generated files, relative to the repository root: the element's module
/// (`<user-edit>` + validate/fields), loaded by every page that embeds the widget.
pub const WIDGET_WASM: &str = "www/pkg/userbridge_widget_bg.wasm";
pub const WIDGET_JS: &str = "www/pkg/userbridge_widget.js";
/// The API module (validate/fields/schema/translate, no DOM): Node, and `translate()` and
/// `schema()` on a page, which load it on first use.
pub const API_WASM: &str = "www/pkg/userbridge_api_bg.wasm";
pub const API_JS: &str = "www/pkg/userbridge_api.js";
/// The loader every page includes (the element class, the network, the events).
pub const LOADER_JS: &str = "www/userbridge.js";

/// One widget module: its output name, cargo profile and crate features.
pub struct WidgetBuild {
    pub name: &'static str,
    pub profile: &'static str,
    pub features: &'static str,
}

/// The two widget modules. The element's is downloaded by every page that embeds the widget:
/// opt-level "z" (profile `widget`, 6 % smaller gzip than "s"). The API module serves Node and
/// bulk validation: opt-level "s" (profile `release`), which validates 1.7–2× faster than "z".
pub const WIDGET_BUILDS: [WidgetBuild; 2] = [
    WidgetBuild { name: "userbridge_widget", profile: "widget", features: "element" },
    WidgetBuild { name: "userbridge_api", profile: "release", features: "translate,schema" },
];

/// Builds the Worker and the widget, each only when its inputs changed since its last build.
pub fn build(root: &Path) -> Result<()> {
    if_changed(root, "crates/worker/build", &WORKER_INPUTS, &[WORKER_JS, WORKER_WASM], build_worker)?;
    if_changed(root, "www/pkg", &WIDGET_INPUTS, &[WIDGET_WASM, WIDGET_JS, API_WASM, API_JS], build_widget)
}

/// The Worker bundle worker-build writes, relative to the repository root.
pub const WORKER_JS: &str = "crates/worker/build/index.js";
pub const WORKER_WASM: &str = "crates/worker/build/index_bg.wasm";

/// What the workspace's every build reads: manifests, the lockfiles (crate and npm pins: the npm
/// lockfile fixes wasm-opt's and esbuild's versions) and cargo's configuration.
/// Each list: those, then the crates the step compiles.
const WORKER_INPUTS: [&str; 6] =
    ["Cargo.toml", "Cargo.lock", "package-lock.json", ".cargo/config.toml", "crates/core", "crates/worker"];
const WIDGET_INPUTS: [&str; 6] =
    ["Cargo.toml", "Cargo.lock", "package-lock.json", ".cargo/config.toml", "crates/core", "crates/widget"];

/// Runs `step` unless the digest of `inputs` (and of the toolchain) equals the one recorded after
/// its last success and every output still exists: a built, unchanged tree starts at once.
///
/// The stamp lives in the output directory `out_dir`, beside what it vouches for: removing the
/// outputs removes it, and two checkouts sharing a target directory never read each other's.
fn if_changed(
    root: &Path,
    out_dir: &str,
    inputs: &[&str],
    outputs: &[&str],
    step: fn(&Path) -> Result<()>,
) -> Result<()> {
    let rustc = util::probe(command(root, "rustc").arg("--version")).unwrap_or_default();
    let tools = [rustc.as_str(), util::WORKER_BUILD_VERSION, util::WASM_BINDGEN_VERSION];
    let digest = stamp::digest_inputs(root, inputs, &tools)?;
    let stamp = Stamp::new(root.join(out_dir).join(".userbridge-stamp"), digest);
    if stamp.is_current() && outputs.iter().all(|o| root.join(o).exists()) {
        println!("== build: {out_dir} is up to date (inputs unchanged)");
        return Ok(());
    }
    // A failed or interrupted build may leave outputs half written: never stamped current.
    stamp.clear();
    step(root)?;
    stamp.write()
}

/// `worker-build --release` in `crates/worker`, writing `crates/worker/build/index.js` (+ wasm).
///
/// worker-build downloads wasm-bindgen, wasm-opt and esbuild from GitHub unless told where they
/// are (there is no GitHub here): the `*_BIN` variables point at the installed
/// CLI and at the npm pins.
///
/// Every crate of the Worker is built at `opt-level = "z"` (through cargo's environment override,
/// so native release builds — CLI, benches — keep theirs): 405.6 KiB gzip instead of 452.2 KiB
/// for the wasm on the same tree, where `"z"` on the Worker package alone gave 439.2 KiB.
pub fn build_worker(root: &Path) -> Result<()> {
    println!("== build: worker");
    let bin = node_bin(root);
    run(command(root, cargo_bin("worker-build"))
        .arg("--release")
        .current_dir(root.join("crates/worker"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
        .env("WASM_BINDGEN_BIN", cargo_bin("wasm-bindgen"))
        .env("WASM_OPT_BIN", bin.join("wasm-opt"))
        .env("ESBUILD_BIN", bin.join("esbuild")))
}

/// The widget's two modules ([`WIDGET_BUILDS`]), each: cargo (wasm32) → `wasm-bindgen --target
/// web` → `wasm-opt -Oz` on the wasm, esbuild's minifier on the JS glue.
///
/// wasm-bindgen and wasm-opt are called directly rather than through wasm-pack, which would
/// download binaryen unless a `wasm-opt` is on PATH.
pub fn build_widget(root: &Path) -> Result<()> {
    let out_dir = root.join("www/pkg");
    for module in &WIDGET_BUILDS {
        build_widget_module(root, module, &out_dir)?;
        let wasm = out_dir.join(format!("{}_bg.wasm", module.name));
        wasm_opt(root, &wasm, &wasm, &[])?;
        minify_js(root, &out_dir.join(format!("{}.js", module.name)))?;
    }
    // Node reads `.js` as ESM without a warning only when the nearest package.json says so.
    std::fs::write(out_dir.join("package.json"), "{\"type\": \"module\"}\n")?;
    Ok(())
}

/// One widget module through cargo and wasm-bindgen into `out_dir` (`<name>.js`,
/// `<name>_bg.wasm`, their `.d.ts`), not yet optimised.
pub fn build_widget_module(root: &Path, module: &WidgetBuild, out_dir: &Path) -> Result<()> {
    println!("== build: widget module {}", module.name);
    run(command(root, "cargo")
        .args(["build", "--profile", module.profile, "--target", WASM_TARGET, "-p", "userbridge-widget"])
        .args(["--no-default-features", "--features", module.features]))?;
    let input = util::target_dir(root).join(WASM_TARGET).join(module.profile).join("userbridge_widget.wasm");
    run(command(root, cargo_bin("wasm-bindgen"))
        .args(["--target", "web", "--out-name", module.name])
        .arg("--out-dir")
        .arg(out_dir)
        .arg(&input))
}

/// `wasm-opt -Oz` with the explicit feature list; `extra` adds flags (`-g` keeps names for twiggy).
///
/// Beyond `-Oz` (measured on the element's module, gzip): `--low-memory-unused` (−0.4 KiB) lets
/// binaryen fold constant offsets into loads and stores, sound because rustc's wasm32 layout puts
/// the stack's far end, never reached, in the low 1 KiB; `--converge` repeats the passes while
/// they still shrink the module (−0.1 KiB); `--strip-producers` drops the toolchain-name section
/// (−0.1 KiB). The target-features section stays (without it, plain wasm-opt fails on bulk memory).
pub fn wasm_opt(root: &Path, input: &Path, output: &Path, extra: &[&str]) -> Result<()> {
    let tmp = output.with_extension("opt.wasm");
    let mut opt = command(root, node_bin(root).join("wasm-opt"));
    opt.args(["-Oz", "--converge", "--low-memory-unused", "--strip-producers"]).args(extra);
    for feature in WASM_FEATURES {
        opt.arg(format!("--enable-{feature}"));
    }
    run(opt.arg(input).arg("-o").arg(&tmp))?;
    std::fs::rename(&tmp, output).map_err(|e| fail!("cannot replace {}: {e}", output.display()))?;
    Ok(())
}

/// Minifies wasm-bindgen's JS glue in place with esbuild (the npm pin wrangler brings): 27 KiB →
/// 11 KiB, 5.7 → 3.6 KiB gzip for the element's. The exports keep their names; the
/// `@ts-self-types` comment that points TypeScript at the `.d.ts` is kept as the first line.
pub fn minify_js(root: &Path, path: &Path) -> Result<()> {
    let source = std::fs::read_to_string(path).map_err(|e| fail!("cannot read {}: {e}", path.display()))?;
    let tmp = path.with_extension("min.js");
    run(command(root, node_bin(root).join("esbuild"))
        .arg(path)
        .args(["--minify", "--format=esm", "--log-level=warning"])
        .arg(format!("--outfile={}", tmp.display())))?;
    let minified = std::fs::read_to_string(&tmp).map_err(|e| fail!("cannot read {}: {e}", tmp.display()))?;
    let header = source.lines().next().filter(|line| line.starts_with("/* @ts-self-types="));
    let out = match header {
        Some(line) => format!("{line}\n{minified}"),
        None => minified,
    };
    std::fs::write(path, out)?;
    std::fs::remove_file(&tmp)?;
    Ok(())
}
