//! `cargo xtask test`: every check, in order, with one summed result.
//!
//! Tiers: fmt → clippy (native, wasm32) → native tests → wasm tests (Node, headless Chromium) →
//! build → the SCIM conformance testers (scim2-tester, scim-sanity), HTTP tests, browser
//! end-to-end tests and the forced-fault test against `wrangler dev`
//! on a free port with a fresh D1 state. Every tier runs even when an earlier one failed (one run
//! shows every problem), except that a failing setup stops everything. The last line is
//! `N passed, N failed`.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::dev::LocalWorker;
use crate::fail;
use crate::util::{self, CHROMEDRIVER, CHROMIUM, Result, WASM_TARGET, cargo_bin, command, node_bin, run_tee};
use crate::{build, setup};

/// One tier's outcome.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub passed: u32,
    pub failed: u32,
}

impl Count {
    const PASS: Count = Count { passed: 1, failed: 0 };
    const FAIL: Count = Count { passed: 0, failed: 1 };

    fn step(ok: bool) -> Count {
        if ok { Count::PASS } else { Count::FAIL }
    }
}

impl std::ops::AddAssign for Count {
    fn add_assign(&mut self, other: Count) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// Collects tiers with their timing and prints the summary.
#[derive(Default)]
struct Report {
    tiers: Vec<(&'static str, Count, Duration)>,
}

impl Report {
    /// Runs one tier, timing it; an `Err` (the tier could not run at all) counts as one failure.
    fn tier(&mut self, name: &'static str, f: impl FnOnce() -> Result<Count>) -> Count {
        if util::interrupted() {
            // Ctrl-C: the handler is stopping servers and exiting; start nothing new.
            return Count::FAIL;
        }
        println!("\n==== {name}");
        let start = Instant::now();
        let count = f().unwrap_or_else(|err| {
            eprintln!("{name}: {err}");
            Count::FAIL
        });
        let elapsed = start.elapsed();
        println!("==== {name}: {} passed, {} failed ({:.1} s)", count.passed, count.failed, elapsed.as_secs_f64());
        self.tiers.push((name, count, elapsed));
        count
    }

    fn total(&self) -> Count {
        let mut total = Count::default();
        for (_, count, _) in &self.tiers {
            total += *count;
        }
        total
    }

    fn print(&self) -> Count {
        let mut out = format!("\n{:<34} {:>7} {:>7} {:>8}\n", "tier", "passed", "failed", "time");
        for (name, count, time) in &self.tiers {
            let _ = writeln!(out, "{name:<34} {:>7} {:>7} {:>6.1} s", count.passed, count.failed, time.as_secs_f64());
        }
        let total = self.total();
        let time: Duration = self.tiers.iter().map(|(_, _, t)| *t).sum();
        let _ = writeln!(out, "{:<34} {:>7} {:>7} {:>6.1} s", "total", total.passed, total.failed, time.as_secs_f64());
        print!("{out}");
        println!("{} passed, {} failed", total.passed, total.failed);
        total
    }
}

/// Runs every tier; returns the summed count (the caller turns failures into the exit code).
pub fn test(root: &Path) -> Count {
    let mut report = Report::default();
    let setup = report.tier("setup", || setup::setup(root).map(|()| Count::PASS));
    if setup.failed > 0 {
        return report.print();
    }

    report.tier("fmt", || step(command(root, "cargo").args(["fmt", "--all", "--check"])));
    report.tier("clippy (native)", || {
        step(command(root, "cargo").args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
    });
    report.tier("clippy (wasm32)", || {
        let mut count = step(command(root, "cargo").args([
            "clippy",
            "--target",
            WASM_TARGET,
            "-p",
            "userbridge-core",
            "-p",
            "userbridge-worker",
            "-p",
            "userbridge-widget",
            "--",
            "-D",
            "warnings",
        ]))?;
        // The widget's wasm tests only exist on wasm32; lint them there, with the `translate`
        // feature (built into the separate API module) on.
        count += step(command(root, "cargo").args([
            "clippy",
            "--target",
            WASM_TARGET,
            "-p",
            "userbridge-widget",
            "--tests",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]))?;
        Ok(count)
    });
    report.tier("native tests", || cargo_tests(command(root, "cargo").args(["test", "--workspace"])));
    report.tier("wasm tests (Node)", || cargo_tests(wasm_test(root).args(["--test", "web"])));
    report.tier("wasm tests (Chromium)", || {
        let caps = webdriver_json(root)?;
        cargo_tests(
            wasm_test(root)
                .args(["--test", "web", "--test", "dom"])
                .env("WASM_BINDGEN_USE_BROWSER", "1")
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", caps),
        )
    });
    let built = report.tier("build", || build::build(root).map(|()| Count::PASS));
    if built.failed == 0 {
        report.tier("dev --state (fresh directory)", || dev_on_fresh_state(root));
        live_tiers(root, &mut report);
    }
    report.print()
}

/// `cargo xtask test proxy`: the build, then only the proxy tiers (5 upstream dialects, the
/// fault upstream) against a store-mode Worker — the quick loop while working on proxy mode.
pub fn test_proxy(root: &Path) -> Count {
    let mut report = Report::default();
    let setup = report.tier("setup", || setup::setup(root).map(|()| Count::PASS));
    if setup.failed > 0 {
        return report.print();
    }
    let built = report.tier("build", || build::build(root).map(|()| Count::PASS));
    if built.failed == 0 {
        live_tiers_only(root, &mut report, true);
    }
    report.print()
}

/// The tiers that need the running Worker: one `wrangler dev` for HTTP and browser tests.
fn live_tiers(root: &Path, report: &mut Report) {
    live_tiers_only(root, report, false);
}

/// [`live_tiers`], or with `proxy_only` just the two proxy tiers.
fn live_tiers_only(root: &Path, report: &mut Report, proxy_only: bool) {
    let output = root.join("tests/output");
    let log = output.join("wrangler.log");
    let mut server = None;
    report.tier("start wrangler dev", || {
        println!("wrangler log: {}", log.display());
        // The forced-fault route exists only with this var (and ENVIRONMENT=development).
        let started = LocalWorker::start(root, &log, &[("USERBRIDGE_FAULT_INJECTION", "1".to_owned())])?;
        println!("wrangler dev: {} (process group {})", started.url(), started.pid());
        server = Some(started);
        Ok(Count::PASS)
    });
    if let Some(url) = server.as_ref().map(LocalWorker::url) {
        // First, on the fresh store: scim2-tester expects a user it just created on the first page
        // of an unfiltered list (at most 200 users), which a store filled by the suites breaks.
        let skipped = Count::default();
        let scim = if proxy_only { skipped } else { report.tier("SCIM conformance", || conformance(root, &url)) };
        let http =
            if proxy_only { skipped } else { report.tier("HTTP tests", || node_tests(root, "tests/http", &url)) };
        let dh_client = if proxy_only {
            skipped
        } else {
            report.tier("DeviceHive Python client", || devicehive_client(root, &url))
        };
        let e2e =
            if proxy_only { skipped } else { report.tier("browser e2e tests", || node_tests(root, "tests/e2e", &url)) };
        // This Worker (store mode) is the upstream of a second one in proxy mode, once per dialect.
        let proxy = report.tier("proxy tests (5 upstream dialects)", || {
            let mut count = Count::default();
            for dialect in UPSTREAM_DIALECTS {
                count += proxy_tier(
                    root,
                    &output,
                    &[
                        ("UPSTREAM_URL", url.clone()),
                        ("UPSTREAM_DIALECT", dialect.to_owned()),
                        ("UPSTREAM_TOKEN", "dev-admin-token".to_owned()),
                        ("UPSTREAM_LOGIN", "admin".to_owned()),
                        ("UPSTREAM_PASSWORD", "dev-admin-password".to_owned()),
                    ],
                    "tests/proxy",
                    &[
                        ("USERBRIDGE_UPSTREAM_URL", url.clone()),
                        ("USERBRIDGE_UPSTREAM_DIALECT", dialect.to_owned()),
                        // The upstream's own log: which of its operations a proxied write used.
                        ("USERBRIDGE_UPSTREAM_LOG", log.display().to_string()),
                    ],
                )?;
            }
            Ok(count)
        });
        let proxy_fault = report.tier("proxy fault tests", || {
            let upstream_port = util::free_port()?;
            proxy_tier(
                root,
                &output,
                &[
                    ("UPSTREAM_URL", format!("http://127.0.0.1:{upstream_port}")),
                    ("UPSTREAM_DIALECT", "primavera".to_owned()),
                    ("UPSTREAM_TOKEN", "upstream-token".to_owned()),
                    ("UPSTREAM_TIMEOUT_MS", "500".to_owned()),
                ],
                "tests/proxy-fault",
                &[("USERBRIDGE_FAULT_UPSTREAM_PORT", upstream_port.to_string())],
            )
        });
        // Last and alone: a panic re-initialises the Wasm instance and fails every request in
        // flight in it, so nothing else may run against the Worker at the same time.
        let fault = if proxy_only {
            skipped
        } else {
            report.tier("fault injection tests", || node_tests(root, "tests/fault", &url))
        };
        if http.failed + dh_client.failed + e2e.failed + scim.failed + proxy.failed + proxy_fault.failed + fault.failed
            > 0
        {
            println!("--- wrangler log (tail) ---\n{}", util::tail(&log, 30));
        }
    }
    let pgid = server.as_ref().map(LocalWorker::pid);
    drop(server); // stops wrangler and workerd: the whole process group
    if let Some(pgid) = pgid {
        report.tier("wrangler stopped", || {
            let (live, zombies) = util::members(pgid);
            if zombies > 0 {
                println!("note: {zombies} exited process(es) of group {pgid} not yet reaped");
            }
            if live == 0 { Ok(Count::PASS) } else { Err(fail!("{live} process(es) of group {pgid} still running")) }
        });
    }
}

/// `cargo xtask dev --state DIR` as a user runs it (this same binary), on a directory that does
/// not exist yet: `/health` must report a migrated D1 (`"db":"ok"`), and stopping it (SIGTERM to
/// its group, as Ctrl-C) must free the port. On a built tree this also shows how long `dev` takes
/// to answer; the figure is printed, not asserted (speed is for benchmarks).
fn dev_on_fresh_state(root: &Path) -> Result<Count> {
    let parent = util::TempDir::new("userbridge-dev-state")?;
    let state = parent.path().join("fresh");
    let port = util::free_port()?;
    let exe = std::env::current_exe()?;
    let start = Instant::now();
    let mut server =
        util::Server::spawn(command(root, exe).args(["dev", "--port", &port.to_string(), "--state"]).arg(&state))?;
    server.wait_ready(port, "/health", Duration::from_secs(300))?;
    let up = start.elapsed();
    let (code, body) = util::http_get(port, "/health", Duration::from_secs(10))?;
    println!("cargo xtask dev --state {}: /health {code} {body} after {:.1} s", state.display(), up.as_secs_f64());
    let mut count = Count::step(code == 200 && body.replace(' ', "").contains("\"db\":\"ok\""));
    drop(server);
    let stopped = util::http_get(port, "/health", Duration::from_secs(2)).is_err();
    if !stopped {
        println!("port {port} still answers after `cargo xtask dev` was stopped");
    }
    count += Count::step(stopped);
    Ok(count)
}

/// Every dialect an upstream can speak, in the order the proxy tier runs them.
const UPSTREAM_DIALECTS: [&str; 5] = ["learningcloud", "publisher", "primavera", "devicehive", "scim"];

/// A second Worker in proxy mode (`vars`), on its own port and D1 state, for the node tests in
/// `dir`; always stopped (its whole process group) before this returns.
fn proxy_tier(root: &Path, output: &Path, vars: &[(&str, String)], dir: &str, env: &[(&str, String)]) -> Result<Count> {
    let log = output.join("wrangler-proxy.log");
    let server = LocalWorker::start(root, &log, vars)?;
    // The tests read this Worker's log lines, not the store-mode one's.
    let mut env = env.to_vec();
    env.push(("USERBRIDGE_LOG", log.display().to_string()));
    let count = node_tests_with(root, dir, &server.url(), &env);
    if count.as_ref().map_or(true, |c| c.failed > 0) {
        println!("--- proxy wrangler log (tail) ---\n{}", util::tail(&log, 30));
    }
    drop(server);
    count
}

/// The public SCIM conformance testers, in the order they run (`tests/conformance/run.py`).
const CONFORMANCE_TOOLS: [&str; 2] = ["scim2-tester", "scim-sanity"];

/// scim2-tester (`check_server`, Users) and scim-sanity (`probe`) against `<url>/scim/v2` with the
/// development admin token (a store of fewer than 200 users: scim2-tester looks for the users it
/// creates on the first page of an unfiltered list), from the virtualenv `cargo xtask setup` installs them in. Every check
/// counts; one the tester skips is printed with the tester's reason (a `SKIP` line) and counts
/// neither way. A tester that could not run counts as one failure.
pub fn conformance(root: &Path, url: &str) -> Result<Count> {
    let python = util::venv_python(root);
    if !python.exists() {
        return Err(fail!("no {} (run `cargo xtask setup`)", python.display()));
    }
    let mut count = Count::default();
    for tool in CONFORMANCE_TOOLS {
        println!("-- {tool}");
        let base = format!("{url}/scim/v2");
        let (status, out) =
            run_tee(command(root, &python).args(["tests/conformance/run.py", tool, &base, "dev-admin-token"]))?;
        // The driver has printed every check (`SKIP` lines with the tester's reason) and its summary.
        let (checks, _skipped) = parse_conformance(&out, tool);
        count += settle(checks, status.success());
    }
    Ok(count)
}

/// The summary line of `tests/conformance/run.py` (`scim-sanity: 18 passed, 0 failed, 4 skipped`):
/// the checks and how many were skipped.
pub fn parse_conformance(out: &str, tool: &str) -> (Count, u32) {
    let prefix = format!("{tool}: ");
    let Some(line) = out.lines().rev().find_map(|l| l.trim().strip_prefix(&prefix)) else {
        return (Count::default(), 0);
    };
    let count = Count { passed: number_before(line, " passed"), failed: number_before(line, " failed") };
    (count, number_before(line, " skipped"))
}

/// The DeviceHive Python client from PyPI (`tests/conformance/devicehive_client.py`), unmodified,
/// through its REST and WebSocket transports against `url`: one TAP line per step of an
/// application's round trip, summed from its `# pass` / `# fail` lines.
fn devicehive_client(root: &Path, url: &str) -> Result<Count> {
    let python = util::venv_python(root);
    if !python.exists() {
        return Err(fail!("no {} (run `cargo xtask setup`)", python.display()));
    }
    let (status, out) = run_tee(command(root, &python).args(["tests/conformance/devicehive_client.py", url]))?;
    Ok(settle(parse_tap(&out), status.success()))
}

/// A fmt/clippy step: one pass or one failure.
fn step(cmd: &mut Command) -> Result<Count> {
    Ok(Count::step(util::status(cmd)?.success()))
}

/// `cargo test` for wasm32 through wasm-bindgen-test-runner, Node 22 first on PATH; every feature
/// on, so the element and `translate` are both tested.
fn wasm_test(root: &Path) -> Command {
    let mut cmd = command(root, "cargo");
    cmd.args(["test", "--target", WASM_TARGET, "-p", "userbridge-widget", "--all-features"])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", cargo_bin("wasm-bindgen-test-runner"));
    cmd
}

/// WebDriver capabilities for wasm-bindgen-test-runner (read from the file named by
/// `WASM_BINDGEN_TEST_WEBDRIVER_JSON`): Debian's Chromium, and flags that keep it from reaching for
/// the network this machine does not have. The runner itself adds `headless` and `no-sandbox`.
fn webdriver_json(root: &Path) -> Result<PathBuf> {
    let dir = util::target_dir(root).join("xtask");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("webdriver.json");
    let json = format!(
        r#"{{"goog:chromeOptions":{{"binary":"{CHROMIUM}","args":["--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage","--disable-quic","--disable-background-networking","--disable-component-update","--disable-sync","--no-first-run"]}}}}"#
    );
    std::fs::write(&path, json)?;
    Ok(path)
}

/// Runs `cargo test`-style output through [`run_tee`] and sums its `test result:` lines.
fn cargo_tests(cmd: &mut Command) -> Result<Count> {
    let (status, out) = run_tee(cmd)?;
    Ok(settle(parse_cargo(&out), status.success()))
}

/// `node --test` (Node 22, TAP reporter) over `dir/*.test.mjs` with `USERBRIDGE_URL` set.
fn node_tests(root: &Path, dir: &str, url: &str) -> Result<Count> {
    node_tests_with(root, dir, url, &[])
}

/// [`node_tests`] with more environment for the tests.
fn node_tests_with(root: &Path, dir: &str, url: &str, env: &[(&str, String)]) -> Result<Count> {
    let mut files: Vec<OsString> = std::fs::read_dir(root.join(dir))
        .map_err(|e| fail!("cannot read {dir}: {e}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .map(PathBuf::into_os_string)
        .collect();
    if files.is_empty() {
        return Err(fail!("no *.test.mjs files in {dir}"));
    }
    files.sort();
    let (status, out) = run_tee(
        command(root, node_bin(root).join("node"))
            .args(["--test", "--test-reporter=tap"])
            .args(files)
            .env("USERBRIDGE_URL", url)
            // The Worker's log (wrangler dev's output), for tests of the per-request log line.
            .env("USERBRIDGE_LOG", root.join("tests/output/wrangler.log"))
            .env("CHROMIUM", CHROMIUM)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str()))),
    )?;
    Ok(settle(parse_tap(&out), status.success()))
}

/// A command that failed without reporting a failed test (it did not compile, crashed, timed
/// out) still counts as one failure.
fn settle(mut count: Count, success: bool) -> Count {
    if !success && count.failed == 0 {
        count.failed = 1;
    }
    count
}

/// Sums `test result: ok. N passed; M failed; …` lines (unit, integration, doc-tests, and
/// wasm-bindgen-test-runner, which prints the same line).
pub fn parse_cargo(out: &str) -> Count {
    let mut count = Count::default();
    for line in out.lines() {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            continue;
        };
        count.passed += number_before(rest, " passed");
        count.failed += number_before(rest, " failed");
    }
    count
}

/// Reads `# pass N`, `# fail N` and `# cancelled N` (counted as failed) from TAP output.
pub fn parse_tap(out: &str) -> Count {
    let mut count = Count::default();
    for line in out.lines().map(str::trim) {
        let value = |prefix: &str| line.strip_prefix(prefix).and_then(|n| n.trim().parse::<u32>().ok()).unwrap_or(0);
        count.passed += value("# pass ");
        count.failed += value("# fail ") + value("# cancelled ");
    }
    count
}

/// The number just before `label` in `text` (`"3 passed"` → 3), or 0.
fn number_before(text: &str, label: &str) -> u32 {
    text.find(label)
        .and_then(|end| {
            let head = &text[..end];
            let start = head.rfind(|c: char| !c.is_ascii_digit()).map_or(0, |i| i + 1);
            head[start..].parse().ok()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_lines_are_summed() {
        let out = "running 2 tests\n\
            test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
            test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n\
               Doc-tests core\n\
            test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(parse_cargo(out), Count { passed: 17, failed: 1 });
    }

    #[test]
    fn tap_summary_is_read() {
        let out = "TAP version 13\nok 1 - health\n1..3\n# tests 3\n# suites 0\n# pass 2\n# fail 1\n# cancelled 0\n";
        assert_eq!(parse_tap(out), Count { passed: 2, failed: 1 });
    }

    #[test]
    fn conformance_summaries_are_read() {
        let out = "PASS a\nSKIP b: no Groups\nscim-sanity: 18 passed, 2 failed, 4 skipped\n";
        assert_eq!(parse_conformance(out, "scim-sanity"), (Count { passed: 18, failed: 2 }, 4));
        assert_eq!(parse_conformance(out, "scim2-tester"), (Count::default(), 0));
    }

    #[test]
    fn a_silent_failure_counts_once() {
        assert_eq!(settle(Count::default(), false), Count::FAIL);
        assert_eq!(settle(Count { passed: 1, failed: 2 }, false).failed, 2);
        assert_eq!(settle(Count::PASS, true), Count::PASS);
    }
}
