//! `cargo xtask fuzz [--seconds N] [TARGET…]`: runs the core's cargo-fuzz targets (`fuzz/`), one
//! per dialect, and prints how many inputs each executed. Needs the nightly toolchain (on the
//! machine) and cargo-fuzz, which this installs at a pinned version when missing. Not part of
//! `test`: fuzzing is open-ended; `test` runs the proptest no-panic properties instead.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::fail;
use crate::util::{Result, cargo_bin, command, probe, run};

const CARGO_FUZZ_VERSION: &str = "0.13.1";
const TARGETS: &[&str] = &["learningcloud", "publisher", "primavera", "devicehive", "scim"];

pub fn fuzz(root: &Path, args: &[std::ffi::OsString]) -> Result<()> {
    let mut seconds = 60u64;
    let mut targets: Vec<String> = Vec::new();
    let mut args = args.iter().filter_map(|a| a.to_str());
    while let Some(arg) = args.next() {
        match arg {
            "--seconds" => {
                seconds = args.next().and_then(|s| s.parse().ok()).ok_or_else(|| fail!("--seconds takes a number"))?
            }
            t if TARGETS.contains(&t) => targets.push(t.to_owned()),
            other => return Err(fail!("unknown fuzz argument `{other}`; targets: {}", TARGETS.join(", "))),
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    install_cargo_fuzz(root)?;
    let mut summary = Vec::new();
    for target in &targets {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root.join("fuzz")).args([
            "+nightly",
            "fuzz",
            "run",
            target,
            "--",
            &format!("-max_total_time={seconds}"),
            "-max_len=4096",
        ]);
        let (ok, done) = run_fuzzer(&mut cmd)?;
        summary.push((target.clone(), ok, done));
    }
    println!("\nfuzz summary ({seconds} s per target):");
    let mut failed = false;
    for (target, ok, done) in &summary {
        failed |= !ok;
        println!(
            "  {target:<14} {}  {}",
            if *ok { "ok  " } else { "FAIL" },
            done.as_deref().unwrap_or("(no run count)")
        );
    }
    if failed { Err(fail!("a fuzz target found a crash; see fuzz/artifacts/")) } else { Ok(()) }
}

/// Runs one fuzzer, echoing its stderr (where libFuzzer reports), and returns success and the
/// final `Done N runs in S second(s)` line.
fn run_fuzzer(cmd: &mut Command) -> Result<(bool, Option<String>)> {
    use std::io::BufRead as _;
    println!("$ {cmd:?}");
    let mut child = cmd.stderr(Stdio::piped()).spawn().map_err(|e| fail!("cannot start cargo fuzz: {e}"))?;
    let mut done = None;
    if let Some(stderr) = child.stderr.take() {
        for line in std::io::BufReader::new(stderr).lines().map_while(std::result::Result::ok) {
            if line.starts_with("Done ") {
                done = Some(line.clone());
            }
            eprintln!("{line}");
        }
    }
    let status = child.wait().map_err(|e| fail!("cargo fuzz: {e}"))?;
    Ok((status.success(), done))
}

fn install_cargo_fuzz(root: &Path) -> Result<()> {
    let found = probe(Command::new(cargo_bin("cargo-fuzz")).arg("--version"));
    if found.as_deref().is_some_and(|v| v.ends_with(CARGO_FUZZ_VERSION)) {
        return Ok(());
    }
    run(command(root, "cargo").args(["install", "--locked", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION]))
}
