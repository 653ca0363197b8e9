//! `cargo xtask dev [--port N] [--state DIR] [-- wrangler dev args…]`: the local stack on
//! 127.0.0.1.
//!
//! setup → build (skipped when nothing changed) → apply D1 migrations to the state directory →
//! `wrangler dev`, then print the URLs and the development credentials. Runs until Ctrl-C, which
//! stops wrangler and workerd (process group).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::fail;
use crate::util::{self, Result, Server, TempDir};
use crate::{build, setup};

/// The port `wrangler dev` listens on unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 8787;

/// Options of `cargo xtask dev`.
#[derive(Debug, PartialEq)]
pub struct DevArgs {
    pub port: u16,
    /// Where the local D1 (and the rest of wrangler's local state) lives: `--state DIR`, or
    /// wrangler's own `--persist-to DIR` after `--`. `None`: wrangler's default, `.wrangler/state`.
    /// Either way the migrations are applied there before wrangler starts.
    pub state: Option<PathBuf>,
    /// The rest of what follows `--`, passed to `wrangler dev` unchanged (e.g. `--var KEY:VALUE`).
    pub extra: Vec<OsString>,
}

const DEV_USAGE: &str = "usage: cargo xtask dev [--port N] [--state DIR] [-- WRANGLER_ARGS…]";

impl DevArgs {
    pub fn parse(args: &[OsString]) -> Result<Self> {
        let mut port = DEFAULT_PORT;
        let mut state = None;
        let mut iter = args.iter();
        let mut extra = Vec::new();
        while let Some(arg) = iter.next() {
            match arg.to_str() {
                Some("--port") => {
                    let value = iter.next().and_then(|v| v.to_str()).unwrap_or_default();
                    port = value.parse().map_err(|_| fail!("--port needs a port number, got `{value}`"))?;
                }
                Some("--state") => state = Some(dir_value("--state", iter.next())?),
                Some("--") => {
                    // wrangler's `--persist-to` names the state directory too: taken out, so the
                    // migrations go where wrangler will look (and it is passed on exactly once).
                    while let Some(arg) = iter.next() {
                        let text = arg.to_str().unwrap_or_default();
                        if text == "--persist-to" {
                            state = Some(dir_value("--persist-to", iter.next())?);
                        } else if let Some(dir) = text.strip_prefix("--persist-to=") {
                            state = Some(dir_value("--persist-to", Some(&OsString::from(dir)))?);
                        } else {
                            extra.push(arg.clone());
                        }
                    }
                }
                _ => return Err(fail!("unknown argument `{}` ({DEV_USAGE})", arg.to_string_lossy())),
            }
        }
        Ok(DevArgs { port, state, extra })
    }
}

/// The directory after `flag`: present and not empty.
fn dir_value(flag: &str, value: Option<&OsString>) -> Result<PathBuf> {
    match value {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => Err(fail!("{flag} needs a directory ({DEV_USAGE})")),
    }
}

pub fn dev(root: &Path, args: &DevArgs) -> Result<()> {
    let start = Instant::now();
    setup::setup(root)?;
    build::build(root)?;
    let state = args.state.as_deref();
    if let Some(dir) = state {
        std::fs::create_dir_all(dir).map_err(|e| fail!("--state {}: {e}", dir.display()))?;
    }
    apply_migrations(root, state)?;

    let mut cmd = dev_command(root, args.port, state);
    cmd.args(&args.extra);
    let mut server = Server::spawn(&mut cmd)?;
    let base = format!("http://127.0.0.1:{}", args.port);
    server.wait_ready(args.port, "/health", Duration::from_secs(60))?;

    println!();
    println!(
        "userbridge is running (wrangler process group {}), up {:.1} s after `cargo xtask dev` started",
        server.pid(),
        start.elapsed().as_secs_f64()
    );
    if let Some(dir) = state {
        println!("  local state {}", dir.display());
    }
    println!("  API health  {base}/health");
    println!("  demo page   {base}/");
    println!("development credentials (wrangler.toml [vars]; never honoured in production):");
    for (key, value) in dev_vars(root) {
        println!("  {key:<28} {value}");
    }
    println!("stop with Ctrl-C, or: kill -TERM -- -{}", server.pid());

    let status = server.wait()?;
    if util::interrupted() {
        // Ctrl-C: the handler is stopping the group; dropping the guard waits until it is empty.
        drop(server);
        return Ok(());
    }
    Err(fail!("wrangler dev exited ({status})"))
}

/// `wrangler d1 migrations apply DB --local`, into `persist_to` when given (tests use a fresh
/// directory; `dev` keeps its state in `.wrangler/state`).
pub fn apply_migrations(root: &Path, persist_to: Option<&Path>) -> Result<()> {
    let mut cmd = util::wrangler(root);
    cmd.args(["d1", "migrations", "apply", "DB", "--local"]);
    if let Some(dir) = persist_to {
        cmd.arg("--persist-to").arg(dir);
    }
    util::run(&mut cmd)
}

/// A `wrangler dev` for tests and benchmarks: a free port, a fresh migrated local D1, and a copy
/// of the built bundle (wrangler reloads when the bundle it runs changes, so a build made
/// meanwhile — another checkout, an editor — cannot restart it mid-run). Dropping it stops the
/// whole process group, then removes its files.
pub struct LocalWorker {
    // Field order is drop order: the server stops before its files are removed.
    server: Server,
    _state: Option<TempDir>,
    _bundle: Option<TempDir>,
    pub port: u16,
}

impl LocalWorker {
    /// Starts one with `--var NAME:VALUE`s, its output in `log`, and waits for `/health`.
    pub fn start(root: &Path, log: &Path, vars: &[(&str, String)]) -> Result<LocalWorker> {
        let state = TempDir::new("userbridge-d1")?;
        apply_migrations(root, Some(state.path()))?;
        let bundle = TempDir::new("userbridge-bundle")?;
        util::copy_dir(&root.join("crates/worker/build"), bundle.path())?;
        // With a script argument wrangler ignores wrangler.toml unless told where it is.
        let args = [bundle.path().join("index.js").into(), "--config".into(), root.join("wrangler.toml").into()];
        let mut worker = Self::launch(root, log, vars, Some(state.path()), &args)?;
        (worker._state, worker._bundle) = (Some(state), Some(bundle));
        Ok(worker)
    }

    /// A plain JS Worker (a benchmark's reference), no bindings, under the same `wrangler dev`.
    pub fn start_script(root: &Path, script: &Path, log: &Path, vars: &[(&str, String)]) -> Result<LocalWorker> {
        let name = script.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        // The facade's own date, so both run on the same runtime behaviour.
        let date = wrangler_entries(root, "")
            .into_iter()
            .find_map(|(key, value)| (key == "compatibility_date").then_some(value))
            .unwrap_or_default();
        let args =
            [script.as_os_str().to_owned(), "--name".into(), name.into(), "--compatibility-date".into(), date.into()];
        Self::launch(root, log, vars, None, &args)
    }

    fn launch(
        root: &Path,
        log: &Path,
        vars: &[(&str, String)],
        persist_to: Option<&Path>,
        script_args: &[std::ffi::OsString],
    ) -> Result<LocalWorker> {
        let port = util::free_port()?;
        let inspector = util::free_port()?;
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let log_file = std::fs::File::create(log)?;
        let mut cmd = dev_command(root, port, persist_to);
        cmd.args(script_args)
            .arg("--inspector-port")
            .arg(inspector.to_string())
            .env("FORCE_COLOR", "0") // the log is a file: no ANSI escapes
            .stdout(log_file.try_clone()?)
            .stderr(log_file);
        for (name, value) in vars {
            cmd.arg("--var").arg(format!("{name}:{value}"));
        }
        let mut server = Server::spawn(&mut cmd)?;
        server
            .wait_ready(port, "/health", Duration::from_secs(90))
            .map_err(|e| fail!("{e}\n--- {} (tail) ---\n{}", log.display(), util::tail(log, 30)))?;
        Ok(LocalWorker { server, _state: None, _bundle: None, port })
    }

    /// The process group wrangler and workerd run in.
    pub fn pid(&self) -> u32 {
        self.server.pid()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// `wrangler dev` on 127.0.0.1 only (never on all interfaces).
pub fn dev_command(root: &Path, port: u16, persist_to: Option<&Path>) -> std::process::Command {
    let mut cmd = util::wrangler(root);
    cmd.args(["dev", "--ip", "127.0.0.1", "--port"]).arg(port.to_string()).arg("--show-interactive-dev-session=false");
    if let Some(dir) = persist_to {
        cmd.arg("--persist-to").arg(dir);
    }
    cmd
}

/// The `[vars]` of `wrangler.toml` as `(key, value)` pairs.
pub fn dev_vars(root: &Path) -> Vec<(String, String)> {
    wrangler_entries(root, "[vars]")
}

/// The `KEY = value` lines of one `wrangler.toml` section (`""`: the top level, before any
/// section), quotes taken off the values.
///
/// A line parser is enough for the flat lines this file holds, and saves a TOML dependency.
fn wrangler_entries(root: &Path, section: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root.join("wrangler.toml")).unwrap_or_default();
    let mut in_section = section.is_empty();
    let mut entries = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = line == section;
            continue;
        }
        if !in_section || line.starts_with('#') {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            let value = value.trim().trim_matches('"');
            entries.push((key.trim().to_owned(), value.to_owned()));
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn default_port() {
        let parsed = DevArgs::parse(&[]).ok();
        assert_eq!(parsed.map(|a| a.port), Some(DEFAULT_PORT));
    }

    #[test]
    fn port_and_passthrough() {
        let parsed = DevArgs::parse(&args(&["--port", "9000", "--", "--var", "A:B"])).ok();
        assert_eq!(parsed, Some(DevArgs { port: 9000, state: None, extra: args(&["--var", "A:B"]) }));
    }

    #[test]
    fn state_from_either_flag() {
        let own = DevArgs::parse(&args(&["--state", "/tmp/a"])).ok().and_then(|a| a.state);
        assert_eq!(own, Some(PathBuf::from("/tmp/a")));
        // wrangler's flag after `--`, in both spellings, is taken out of what wrangler gets.
        for tail in [&["--persist-to", "/tmp/b"][..], &["--persist-to=/tmp/b"]] {
            let mut list = vec!["--", "--var", "A:B"];
            list.extend_from_slice(tail);
            let parsed = DevArgs::parse(&args(&list)).ok();
            let expected = DevArgs { port: DEFAULT_PORT, state: Some("/tmp/b".into()), extra: args(&["--var", "A:B"]) };
            assert_eq!(parsed, Some(expected));
        }
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(DevArgs::parse(&args(&["--port", "x"])).is_err());
        assert!(DevArgs::parse(&args(&["--bogus"])).is_err());
        assert!(DevArgs::parse(&args(&["--state"])).is_err());
        assert!(DevArgs::parse(&args(&["--", "--persist-to"])).is_err());
        assert!(DevArgs::parse(&args(&["--", "--persist-to="])).is_err());
    }

    #[test]
    fn reads_the_dev_vars() {
        let vars = dev_vars(&util::repo_root());
        assert!(vars.contains(&("ENVIRONMENT".to_owned(), "development".to_owned())));
        assert!(vars.iter().any(|(k, _)| k == "USERBRIDGE_ADMIN_TOKEN"));
        // The top level ends at the first section: its keys, not the vars.
        let top = wrangler_entries(&util::repo_root(), "");
        let date = top.iter().find(|(k, _)| k == "compatibility_date").map(|(_, v)| v.as_str()).unwrap_or_default();
        assert!(date.len() == 10 && date.as_bytes()[4] == b'-', "{date}");
        assert!(!top.iter().any(|(k, _)| k == "ENVIRONMENT"));
    }
}
