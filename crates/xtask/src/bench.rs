//! `cargo xtask bench`: measurements, one section per kind.
//!
//! Each section is one function in [`SECTIONS`]; adding criterion benches (`cargo bench -p
//! userbridge-core`) or a wrk run against `wrangler dev` is adding one function and one line.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::build;
use crate::dev::LocalWorker;
use crate::fail;
use crate::util::{self, Result, TempDir};

/// A bench section: a name and the function that measures and prints.
type Section = (&'static str, fn(&Path) -> Result<()>);

/// The sections, in the order they run.
const SECTIONS: &[Section] = &[
    ("sizes", sizes),
    ("core (native, criterion)", core_native),
    ("facade (wrk against wrangler dev)", facade),
    ("proxy (wrk: proxied vs store-mode update)", proxy),
    ("proxy calls per write (5 callers × 5 upstreams)", calls),
    ("widget size (gzip, twiggy)", widget_size),
    ("widget speed (Node: validate vs ajv)", widget_speed),
    ("widget load (headless Chromium)", widget_load),
];

/// Runs every section; one that fails is reported and the others still run (one run shows every
/// figure it can), and the command fails at the end.
pub fn bench(root: &Path, only: &[std::ffi::OsString]) -> Result<()> {
    let only: Vec<String> = only.iter().map(|o| o.to_string_lossy().to_lowercase()).collect();
    build::build(root)?;
    let mut failed = Vec::new();
    for (name, section) in SECTIONS {
        if !only.is_empty() && !only.iter().any(|o| name.contains(o.as_str())) {
            continue;
        }
        println!("\n== bench: {name}");
        if let Err(err) = section(root) {
            eprintln!("bench {name}: {err}");
            failed.push(*name);
        }
    }
    if failed.is_empty() { Ok(()) } else { Err(fail!("bench sections failed: {}", failed.join(", "))) }
}

/// The Worker upload's budget, gzip (docs/benchmarks.md, "Sizes").
const WORKER_GOAL_KIB: f64 = 250.0;

/// Shipped bytes: the Worker upload as `wrangler deploy --dry-run` writes it, and the widget
/// (wasm + JS glue), raw and gzip-compressed file by file (what a client or Cloudflare transfers).
fn sizes(root: &Path) -> Result<()> {
    let out = TempDir::new("userbridge-upload")?;
    let (status, log) = util::run_tee(util::wrangler(root).args(["deploy", "--dry-run", "--outdir"]).arg(out.path()))?;
    if !status.success() {
        return Err(fail!("wrangler deploy --dry-run failed ({status})"));
    }
    // The outdir also holds a README and the source map, which are not uploaded (no
    // `upload_source_maps` in wrangler.toml); the sum then matches wrangler's "Total Upload".
    let upload: Vec<PathBuf> = files_under(out.path())?
        .into_iter()
        .filter(|p| !p.ends_with("README.md") && p.extension().is_none_or(|e| e != "map"))
        .collect();
    if upload.is_empty() {
        return Err(fail!("wrangler deploy --dry-run wrote no files"));
    }
    let widget: Vec<PathBuf> = [build::WIDGET_WASM, build::WIDGET_JS].into_iter().map(|f| root.join(f)).collect();

    println!();
    if let Some(line) = log.lines().find(|l| l.contains("Total Upload")) {
        println!("wrangler reports: {}", line.trim());
    }
    let upload_gz = print_sizes("worker upload (wrangler deploy --dry-run)", out.path(), &upload)?;
    let verdict = if kib(upload_gz) <= WORKER_GOAL_KIB { "met" } else { "not met" };
    println!("  goal ≤ {WORKER_GOAL_KIB:.0} KiB gzip: {verdict} ({:.1} KiB)", kib(upload_gz));
    print_sizes("widget (wasm + JS glue)", root, &widget)?;
    worker_contributors(root)
}

/// Prints each file's raw and gzip size and their sums, in KiB; returns the gzip sum in bytes.
fn print_sizes(title: &str, base: &Path, files: &[PathBuf]) -> Result<usize> {
    println!("{title}");
    let (mut raw_total, mut gz_total) = (0, 0);
    for file in files {
        let bytes = std::fs::read(file).map_err(|e| fail!("cannot read {}: {e}", file.display()))?;
        let gz = gzip_len(&bytes)?;
        raw_total += bytes.len();
        gz_total += gz;
        let name = file.strip_prefix(base).unwrap_or(file).display();
        println!("  {name:<56} {:>9.1} KiB  gzip {:>8.1} KiB", kib(bytes.len()), kib(gz));
    }
    println!("  {:<56} {:>9.1} KiB  gzip {:>8.1} KiB", "total", kib(raw_total), kib(gz_total));
    Ok(gz_total)
}

fn kib(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}

/// Size of `bytes` after gzip at the default level (the level wrangler reports with).
fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

/// Every file under `dir`, recursively, sorted.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A `wrangler dev` for one bench section, its log under `tests/output`.
fn bench_server(root: &Path, log_name: &str, vars: &[(&str, String)]) -> Result<LocalWorker> {
    LocalWorker::start(root, &root.join("tests/output").join(log_name), vars)
}

/// The core's native speed: every criterion bench of `userbridge-core`, as one table per group
/// with each figure's ratio to the group's `reference: …` entry (measured in the same run).
fn core_native(root: &Path) -> Result<()> {
    // Only the criterion targets: the lib's libtest harness would reject `--noplot`.
    let log = core_bench(root, &["--bench", "core", "--bench", "query", "--", "--noplot"])?;
    let results = parse_criterion(&log);
    if results.is_empty() {
        return Err(fail!("no criterion results found in the bench output"));
    }
    println!();
    let mut group = "";
    let mut reference = None;
    for (name, ns) in &results {
        let (g, bench) = name.rsplit_once('/').unwrap_or(("", name));
        if g != group {
            group = g;
            reference = results.iter().find(|(n, _)| n.starts_with(&format!("{g}/reference"))).map(|(_, ns)| *ns);
            println!("{g}");
        }
        match reference {
            Some(r) if r > 0.0 => println!("  {bench:<40} {:>10.0} ns   {:>5.2}x reference", ns, ns / r),
            _ => println!("  {bench:<40} {:>10.0} ns", ns),
        }
    }
    // The validation-speed goal: validating a payload costs no more than parsing it (same run, same
    // payload; docs/benchmarks.md, "Validation speed").
    let ratios: Vec<(&str, f64)> = results
        .iter()
        .filter_map(|(name, ns)| {
            let group = name.strip_suffix("/validate")?;
            let (_, r) = results.iter().find(|(n, _)| n.starts_with(&format!("{group}/reference")))?;
            Some((group, ns / r))
        })
        .collect();
    if !ratios.is_empty() {
        let worst = ratios.iter().map(|(_, r)| *r).fold(0.0, f64::max);
        let list: Vec<String> = ratios.iter().map(|(g, r)| format!("{g} {r:.2}x")).collect();
        let verdict = if worst <= 1.0 { "met" } else { "not met" };
        println!(
            "goal validate ≤ serde_json parse of the same payload, every dialect: {verdict} ({})",
            list.join(", ")
        );
    }
    // Criterion's sequential figures for translation, beside the goal's interleaved ones below.
    let translation: Vec<(&str, f64)> = results
        .iter()
        .filter_map(|(name, base)| {
            let group = name.strip_suffix("/validate + canonicalize")?;
            let targets: Vec<f64> = results
                .iter()
                .filter(|(n, _)| n.strip_prefix(group).is_some_and(|rest| rest.starts_with("/translate to ")))
                .map(|(_, ns)| ns / base)
                .collect();
            Some((group, targets.iter().sum::<f64>() / targets.len().max(1) as f64))
        })
        .collect();
    if !translation.is_empty() {
        let list: Vec<String> = translation.iter().map(|(g, mean)| format!("{g} {mean:.2}x")).collect();
        println!("translate ÷ (validate + canonicalize), criterion, one after the other: {}", list.join(", "));
    }
    translation_goal(root)
}

/// The translation goal: translating costs at most 3× validating and canonicalizing the same
/// payload, mean over the targets, for every source dialect (docs/benchmarks.md, "The core: one
/// declaration per dialect"). Judged on the interleaved ratios of `benches/translate_ratio.rs`:
/// criterion's one-after-the-other figures drift by a third between runs on a shared machine.
fn translation_goal(root: &Path) -> Result<()> {
    let log = core_bench(root, &["--bench", "translate_ratio"])?;
    let means = parse_ratios(&log);
    if means.is_empty() {
        return Err(fail!("no `ratio …` lines in the translate_ratio output"));
    }
    let worst = means.iter().map(|(_, mean)| *mean).fold(0.0, f64::max);
    let list: Vec<String> = means.iter().map(|(from, mean)| format!("{from} {mean:.2}x")).collect();
    let verdict = if worst <= 3.0 { "met" } else { "not met" };
    println!(
        "goal translate ≤ 3× (validate + canonicalize), mean over the targets, interleaved, every dialect: \
         {verdict} ({})",
        list.join(", ")
    );
    Ok(())
}

/// `cargo bench -p userbridge-core <args>`, echoed as it runs; its output.
fn core_bench(root: &Path, args: &[&str]) -> Result<String> {
    let (status, log) = util::run_tee(
        std::process::Command::new("cargo").current_dir(root).args(["bench", "-p", "userbridge-core"]).args(args),
    )?;
    if !status.success() {
        return Err(fail!("cargo bench -p userbridge-core {} failed ({status})", args.join(" ")));
    }
    Ok(log)
}

/// `(source dialect, mean ratio)` from `ratio <from> <ns> to <target> <r>x … mean <r>x` lines.
fn parse_ratios(log: &str) -> Vec<(String, f64)> {
    log.lines()
        .filter_map(|line| {
            let mut words = line.strip_prefix("ratio ")?.split_whitespace();
            let from = words.next()?.to_owned();
            let mean = line.rsplit_once(" mean ")?.1.trim().strip_suffix('x')?.parse().ok()?;
            Some((from, mean))
        })
        .collect()
}

/// How many learningcloud users the update bench rotates over: four per wrk connection, so that a
/// slow request is rarely still in flight when its user comes round again.
const BENCH_USERS: usize = 64;

/// The facade under load: `wrk -t1 -c16 -d5s` on loopback against `wrangler dev` (fresh local D1),
/// for `GET /health` and two write routes, each with its ratio to `/health` in the same run.
///
/// The machine has two cores shared by wrk, workerd and wrangler, so the absolute figures are a
/// floor; the ratio is what compares routes (the goal: a write route ≥ 0.5× `/health`).
fn facade(root: &Path) -> Result<()> {
    let server = bench_server(root, "bench-wrangler.log", &[])?;
    let port = server.port;

    let token = crate::dev::dev_vars(root)
        .into_iter()
        .find(|(k, _)| k == "USERBRIDGE_ADMIN_TOKEN")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    // 16 connections rewriting one row would measure optimistic-concurrency conflicts (409 after
    // one retry, by design; the HTTP tests cover that), not the route: the script rotates over
    // BENCH_USERS users and changes a field on every request.
    let username = format!("bench-{run}");
    for i in 0..BENCH_USERS {
        let name = format!("{username}-{i}");
        let body = format!(r#"{{"username":"{name}","email":"{name}@example.org"}}"#);
        let (status, answer) = http_send(
            port,
            "POST",
            "/integration/ws/management/rest/users",
            &[("X-Cloud-Auth-Token", &token), ("Content-Type", "application/json")],
            &body,
        )?;
        if status != 200 {
            return Err(fail!("creating the bench user failed: {status} {answer}"));
        }
    }

    let (dh_id, dh_token) = devicehive_setup(root, port, run)?;

    let url = format!("http://127.0.0.1:{port}");
    let scripts = root.join("tests/bench");
    let runs: [(&str, String, Option<PathBuf>); 6] = [
        ("GET /health", format!("{url}/health"), None),
        ("learningcloud update (PUT)", url.clone(), Some(scripts.join("learningcloud_update.lua"))),
        ("primavera create (POST)", url.clone(), Some(scripts.join("primavera_create.lua"))),
        ("devicehive get (GET, JWT)", url.clone(), Some(scripts.join("devicehive_get.lua"))),
        ("scim create (POST)", url.clone(), Some(scripts.join("scim_create.lua"))),
        ("scim list userName eq (GET)", url.clone(), Some(scripts.join("scim_filter.lua"))),
    ];
    let env = [
        ("BENCH_USERNAME", username.clone()),
        ("BENCH_USERS", BENCH_USERS.to_string()),
        ("BENCH_TOKEN", token.clone()),
        ("BENCH_RUN", run.to_string()),
        ("BENCH_DH_ID", dh_id),
        ("BENCH_DH_TOKEN", dh_token),
    ];
    let mut results = Vec::new();
    for (name, target, script) in runs {
        results.push((name, wrk(name, &target, script.as_deref(), 16, &env)?));
    }
    drop(server);
    report_wrk(&results)
}

/// One `wrk -t1 -d5s --latency` run with `connections` connections and a Lua `script`'s
/// environment.
fn wrk(
    name: &str,
    target: &str,
    script: Option<&Path>,
    connections: u32,
    env: &[(&str, String)],
) -> Result<WrkFigures> {
    let mut wrk = std::process::Command::new("wrk");
    wrk.args(["-t1", &format!("-c{connections}"), "-d5s", "--latency"]).envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    if let Some(script) = script {
        wrk.arg("-s").arg(script);
    }
    let out = wrk.arg(target).output().map_err(|e| fail!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(fail!("wrk failed for {name}: {text}{}", String::from_utf8_lossy(&out.stderr)));
    }
    parse_wrk(&text).ok_or_else(|| fail!("cannot read wrk's output for {name}:\n{text}"))
}

/// The table of a wrk section, each run's throughput as a ratio to the first (`/health`); fails
/// when a run's figures measure errors.
fn report_wrk(results: &[(&str, WrkFigures)]) -> Result<()> {
    println!();
    println!(
        "{:<30} {:>10} {:>10} {:>10} {:>9} {:>8}",
        "route (wrk -t1 -d5s)", "req/s", "p50", "p99", "non-2xx", "×health"
    );
    let health = results.first().map(|(_, f)| f.rps).unwrap_or(0.0);
    for (name, f) in results {
        let ratio = if health > 0.0 { f.rps / health } else { 0.0 };
        println!("{name:<30} {:>10.0} {:>8.1}ms {:>8.1}ms {:>9} {:>7.2}x", f.rps, f.p50_ms, f.p99_ms, f.non_2xx, ratio);
    }
    // A rare 409 (two requests for one user in flight at once) is the route working as designed;
    // more than 1 % means the figures measure errors.
    if results.iter().any(|(_, f)| f.non_2xx * 100 > f.requests) {
        return Err(fail!("over 1 % of some route's requests did not succeed (see non-2xx)"));
    }
    Ok(())
}

/// Proxy mode's cost: the same learningcloud update and get against a store-mode Worker (the
/// upstream), through a second Worker in proxy mode in front of it (`UPSTREAM_DIALECT=
/// learningcloud`), and (the get) through a pass-through JS Worker (`tests/bench/passthrough.js`),
/// with the upstream's `/health` as the reference, in one run. The proxy's log lines give the
/// facade's own time in each request (`durationMs − upstreamMs`).
fn proxy(root: &Path) -> Result<()> {
    let upstream = bench_server(root, "bench-upstream.log", &[])?;
    let token = crate::dev::dev_vars(root)
        .into_iter()
        .find(|(k, _)| k == "USERBRIDGE_ADMIN_TOKEN")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let proxy = bench_server(
        root,
        "bench-proxy.log",
        &[
            ("UPSTREAM_URL", format!("http://127.0.0.1:{}", upstream.port)),
            ("UPSTREAM_DIALECT", "learningcloud".to_owned()),
            ("UPSTREAM_TOKEN", token.clone()),
        ],
    )?;
    // The reference: a pass-through JS Worker in front of the same upstream.
    let passthrough = LocalWorker::start_script(
        root,
        &root.join("tests/bench/passthrough.js"),
        &root.join("tests/output/bench-passthrough.log"),
        &[("UPSTREAM_URL", format!("http://127.0.0.1:{}", upstream.port))],
    )?;
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    // The users are created through the proxy, so they exist upstream and are mapped; the
    // store-mode run updates the very same rows directly.
    let username = format!("proxy-{run}");
    for i in 0..BENCH_USERS {
        let name = format!("{username}-{i}");
        let body = format!(
            r#"{{"username":"{name}","email":"{name}@example.org","name":"Bench","surname":"Mark","language":"en","timezone":"Europe/London"}}"#
        );
        let headers = [("X-Cloud-Auth-Token", token.as_str()), ("Content-Type", "application/json")];
        let (status, answer) = http_send(proxy.port, "POST", "/integration/ws/management/rest/users", &headers, &body)?;
        if status != 200 {
            return Err(fail!("creating the bench user through the proxy failed: {status} {answer}"));
        }
    }
    let update = root.join("tests/bench/learningcloud_update.lua");
    let get = root.join("tests/bench/learningcloud_get.lua");
    // 16 connections for throughput; 1 connection for the latency a single caller sees. A get is
    // one upstream call, so its difference is the cost of the proxy hop itself. The static file
    // is wrangler dev's own cost of a hop (its proxy and asset server, no Worker code): the part
    // of the difference that is the dev runtime, not the facade.
    let runs = [
        ("upstream GET /health", upstream.port, Load::Path("/health"), 16),
        ("store-mode update (PUT)", upstream.port, Load::Script(&update), 16),
        ("proxied update (PUT)", proxy.port, Load::Script(&update), 16),
        ("store-mode update, 1 conn", upstream.port, Load::Script(&update), 1),
        ("proxied update, 1 conn", proxy.port, Load::Script(&update), 1),
        ("store-mode get, 1 conn", upstream.port, Load::Script(&get), 1),
        ("proxied get, 1 conn", proxy.port, Load::Script(&get), 1),
        ("pass-through JS get, 1 conn", passthrough.port, Load::Script(&get), 1),
        ("static file, 1 conn", proxy.port, Load::Path("/style.css"), 1),
    ];
    let env = [("BENCH_USERNAME", username), ("BENCH_USERS", BENCH_USERS.to_string()), ("BENCH_TOKEN", token)];
    let log = root.join("tests/output/bench-proxy.log");
    let mut results = Vec::new();
    // Where each run's lines start in the proxy's log (its own time is read from them).
    let mut marks = Vec::new();
    for (name, port, load, connections) in runs {
        let (target, script) = match load {
            Load::Path(path) => (format!("http://127.0.0.1:{port}{path}"), None),
            Load::Script(script) => (format!("http://127.0.0.1:{port}"), Some(script.as_path())),
        };
        marks.push(std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0));
        results.push((name, wrk(name, &target, script, connections, &env)?));
    }
    // wrangler writes the Worker's log lines a moment after the answers.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let log_text = std::fs::read(&log).unwrap_or_default();
    // The gets again, twice more in turn: one run of each moves by a few ms from run to run on two
    // shared cores, so the hop's cost is the median of three paired runs.
    let mut hop_rounds = Vec::new();
    if let [.., (_, direct), (_, proxied), (_, through), _] = results.as_slice() {
        hop_rounds.push((direct.p50_ms, proxied.p50_ms, through.p50_ms));
    }
    for round in 2..=3 {
        let p50 = |name: &str, port: u16| -> Result<f64> {
            let target = format!("http://127.0.0.1:{port}");
            Ok(wrk(&format!("{name}, round {round}"), &target, Some(&get), 1, &env)?.p50_ms)
        };
        hop_rounds.push((
            p50("direct get", upstream.port)?,
            p50("proxied get", proxy.port)?,
            p50("pass-through get", passthrough.port)?,
        ));
    }
    drop(passthrough);
    drop(proxy);
    drop(upstream);
    let verdict = report_wrk(&results);
    // The proxy's log lines written during the run of that name.
    let run_lines = |name: &str| {
        let Some(run) = results.iter().position(|(n, _)| *n == name) else { return String::new() };
        let from = marks.get(run).copied().unwrap_or(0) as usize;
        let to = marks.get(run + 1).map_or(log_text.len(), |&m| m as usize);
        String::from_utf8_lossy(log_text.get(from..to).unwrap_or_default()).into_owned()
    };
    if let Some((_, hop)) = results.last() {
        let own = own_time(&run_lines("proxied get, 1 conn"), "get");
        let median = |f: fn(&(f64, f64, f64)) -> f64| {
            let mut v: Vec<f64> = hop_rounds.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(0.0)
        };
        for (i, (direct, proxied, through)) in hop_rounds.iter().enumerate() {
            println!(
                "get p50, round {}: direct {direct:.1} ms, proxied {proxied:.1} ms, pass-through {through:.1} ms",
                i + 1
            );
        }
        println!(
            "the proxy hop (one upstream call), medians of {} rounds: {:+.1} ms over a pass-through JS Worker \
             (goal ≤ 2 ms), {:+.1} ms over the upstream called directly, of which the pass-through itself is \
             {:+.1} ms and a hop under wrangler dev (a static file, no Worker code) {:.1} ms. The facade's own \
             time inside a proxied get (its log: duration − upstream wait, {} requests): p50 {} ms, p99 {} ms.",
            hop_rounds.len(),
            median(|(_, p, t)| p - t),
            median(|(d, p, _)| p - d),
            median(|(d, _, t)| t - d),
            hop.p50_ms,
            own.count,
            own.p50_ms,
            own.p99_ms,
        );
    }
    if let [_, (_, store), (_, proxied), (_, store1), (_, proxied1), ..] = results.as_slice() {
        let own = own_time(&run_lines("proxied update, 1 conn"), "update");
        println!(
            "proxied vs store-mode update: {:.2}x throughput at 16 connections; at 1 connection p50 {:.1} ms vs \
             {:.1} ms (+{:.1} ms, {:.1}x). A proxied learningcloud update makes {:.1} upstream calls on average \
             (the read that finds the user, the re-read guarding the full PUT, the PUT: its envelope needs no \
             read back); the facade's own time in it is p50 {} ms, p99 {} ms ({} requests).",
            if store.rps > 0.0 { proxied.rps / store.rps } else { 0.0 },
            proxied1.p50_ms,
            store1.p50_ms,
            proxied1.p50_ms - store1.p50_ms,
            if store1.p50_ms > 0.0 { proxied1.p50_ms / store1.p50_ms } else { 0.0 },
            own.calls_mean,
            own.p50_ms,
            own.p99_ms,
            own.count,
        );
    }
    verdict
}

/// Upstream calls per proxied write: a store-mode Worker as the upstream, and in front of it a
/// proxy per upstream dialect in turn; `tests/bench/calls.mjs` makes every caller dialect's create,
/// partial update and status change through it and reads each request's `upstreamCalls` from the
/// proxy's log. One table per operation: the mean, and beside it the minimum the pair's semantics
/// allow (derived in docs/proxy.md#calls-per-write).
fn calls(root: &Path) -> Result<()> {
    const UPSTREAMS: [&str; 5] = ["learningcloud", "publisher", "primavera", "devicehive", "scim"];
    let upstream = bench_server(root, "bench-upstream.log", &[])?;
    let url = format!("http://127.0.0.1:{}", upstream.port);
    // (caller, upstream, op) → (statuses, mean, minimum)
    let mut cells: Vec<(String, String, String, String, f64, u32)> = Vec::new();
    for dialect in UPSTREAMS {
        let log = root.join("tests/output/bench-calls-proxy.log");
        let proxy = bench_server(
            root,
            "bench-calls-proxy.log",
            &[
                ("UPSTREAM_URL", url.clone()),
                ("UPSTREAM_DIALECT", dialect.to_owned()),
                ("UPSTREAM_TOKEN", "dev-admin-token".to_owned()),
                ("UPSTREAM_LOGIN", "admin".to_owned()),
                ("UPSTREAM_PASSWORD", "dev-admin-password".to_owned()),
            ],
        )?;
        let (status, out) = util::run_tee(
            util::command(root, util::node_bin(root).join("node"))
                .arg("tests/bench/calls.mjs")
                .env("USERBRIDGE_URL", format!("http://127.0.0.1:{}", proxy.port))
                .env("USERBRIDGE_UPSTREAM_DIALECT", dialect)
                .env("USERBRIDGE_LOG", &log),
        )?;
        drop(proxy);
        if !status.success() {
            return Err(fail!("tests/bench/calls.mjs failed against a {dialect} upstream"));
        }
        cells.extend(parse_calls(&out));
    }
    drop(upstream);
    let mut at_minimum = 0;
    let mut measured = 0;
    for op in ["create", "partial", "status"] {
        let title = match op {
            "create" => "create",
            "partial" => "partial update (one field: the given name; DeviceHive its login)",
            _ => "status change (disable)",
        };
        println!("\nupstream calls per {title}: mean over the runs (minimum); 4xx = refused before any call");
        print!("| caller \\ upstream |");
        for u in UPSTREAMS {
            print!(" {u} |");
        }
        println!("\n|---|{}", "---|".repeat(UPSTREAMS.len()));
        for caller in UPSTREAMS {
            print!("| {caller} |");
            for u in UPSTREAMS {
                match cells.iter().find(|c| c.0 == caller && c.1 == u && c.2 == op) {
                    Some((_, _, _, statuses, _, _)) if statuses.starts_with('4') => print!(" {statuses} |"),
                    Some((_, _, _, _, mean, min)) => {
                        measured += 1;
                        if (*mean - f64::from(*min)).abs() < 0.05 {
                            at_minimum += 1;
                        }
                        print!(" {mean:.1} ({min}) |");
                    }
                    None => print!(" — |"),
                }
            }
            println!();
        }
    }
    println!("\n{at_minimum} of {measured} measured (caller, upstream, write) cells are at their minimum.");
    Ok(())
}

/// `CALLS <caller> <upstream> <op> <statuses> <mean> <minimum>` lines of tests/bench/calls.mjs.
fn parse_calls(out: &str) -> Vec<(String, String, String, String, f64, u32)> {
    out.lines()
        .filter_map(|line| {
            let mut f = line.strip_prefix("CALLS ")?.split_whitespace();
            let (caller, upstream, op, statuses) = (f.next()?, f.next()?, f.next()?, f.next()?);
            let mean = f.next()?.parse().ok()?;
            let min = f.next()?.parse().ok()?;
            Some((caller.to_owned(), upstream.to_owned(), op.to_owned(), statuses.to_owned(), mean, min))
        })
        .collect()
}

/// What a wrk run asks for: one path, or a script's requests.
enum Load<'a> {
    Path(&'static str),
    Script(&'a PathBuf),
}

/// The facade's own time in proxied requests, from its log lines (`durationMs` − `upstreamMs`).
#[derive(Debug, PartialEq)]
struct OwnTime {
    count: usize,
    p50_ms: u64,
    p99_ms: u64,
    calls_mean: f64,
}

/// [`OwnTime`] over the successful `op` lines that went upstream.
fn own_time(log: &str, op: &str) -> OwnTime {
    let mut own = Vec::new();
    let mut calls = 0u64;
    let op_field = format!("\"op\":\"{op}\"");
    for line in log.lines().filter(|l| l.contains(&op_field) && l.contains("\"status\":200")) {
        let field = |name| json_member(line, name).and_then(|v| v.parse::<u64>().ok());
        if let (Some(duration), Some(waited), Some(n)) =
            (field("durationMs"), field("upstreamMs"), field("upstreamCalls"))
        {
            own.push(duration.saturating_sub(waited));
            calls += n;
        }
    }
    own.sort_unstable();
    let at = |q: usize| own.get((own.len() * q / 100).min(own.len().saturating_sub(1))).copied().unwrap_or(0);
    let calls_mean = if own.is_empty() { 0.0 } else { calls as f64 / own.len() as f64 };
    OwnTime { count: own.len(), p50_ms: at(50), p99_ms: at(99), calls_mean }
}

/// For the DeviceHive run: an access token of the bootstrap admin (`POST /api/rest/token` with the
/// development login, as a DeviceHive client authenticates) and a user to read: `(id, token)`.
fn devicehive_setup(root: &Path, port: u16, run: u128) -> Result<(String, String)> {
    let vars = crate::dev::dev_vars(root);
    let var = |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let json = [("Content-Type", "application/json")];
    let login =
        format!(r#"{{"login":"{}","password":"{}"}}"#, var("USERBRIDGE_ADMIN_LOGIN"), var("USERBRIDGE_ADMIN_PASSWORD"));
    let (status, answer) = http_send(port, "POST", "/api/rest/token", &json, &login)?;
    let token = json_member(&answer, "accessToken").filter(|_| status == 201);
    let token = token.ok_or_else(|| fail!("DeviceHive token request failed: {status} {answer}"))?;
    let bearer = format!("Bearer {token}");
    let user = format!(r#"{{"login":"bench-dh-{run}","password":"bench-pass-1","role":1,"data":{{"rack":7}}}}"#);
    let (status, answer) =
        http_send(port, "POST", "/api/rest/user", &[json[0], ("Authorization", bearer.as_str())], &user)?;
    let id = json_member(&answer, "id").filter(|_| status == 201);
    let id = id.ok_or_else(|| fail!("creating the DeviceHive bench user failed: {status} {answer}"))?;
    Ok((id, token))
}

/// The text of a top-level string or number member of a small JSON object we produced (xtask has
/// no JSON dependency; the answers are `{"accessToken":"…",…}` and `{"id":7,…}`).
fn json_member(text: &str, key: &str) -> Option<String> {
    let rest = &text[text.find(&format!("\"{key}\":"))? + key.len() + 3..];
    let rest = rest.trim_start();
    match rest.strip_prefix('"') {
        Some(s) => s.split('"').next().map(str::to_owned),
        None => Some(rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect())
            .filter(|s: &String| !s.is_empty()),
    }
}

/// What one wrk run measured.
#[derive(Debug, PartialEq)]
struct WrkFigures {
    requests: u64,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
}

/// Reads `Requests/sec:`, the `--latency` distribution (`50%`, `99%`) and `Non-2xx or 3xx
/// responses:` from wrk's report.
fn parse_wrk(text: &str) -> Option<WrkFigures> {
    let mut rps = None;
    let (mut p50, mut p99) = (None, None);
    let (mut requests, mut non_2xx) = (0, 0);
    for line in text.lines().map(str::trim) {
        if let Some((n, _)) = line.split_once(" requests in ") {
            requests = n.trim().parse().unwrap_or(0);
        } else if let Some(v) = line.strip_prefix("Requests/sec:") {
            rps = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            non_2xx = v.trim().parse().unwrap_or(0);
        } else if let Some(v) = line.strip_prefix("50%") {
            p50 = duration_ms(v.trim());
        } else if let Some(v) = line.strip_prefix("99%") {
            p99 = duration_ms(v.trim());
        }
    }
    Some(WrkFigures { requests, rps: rps?, p50_ms: p50?, p99_ms: p99?, non_2xx })
}

/// wrk durations: `812.00us`, `18.27ms`, `1.02s`, `2.00m`.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let scale = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        _ => return None,
    };
    Some(value * scale)
}

/// One HTTP/1.1 request on loopback (`Connection: close`): the status and the body.
fn http_send(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Result<(u16, String)> {
    use std::io::Read as _;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Ok((status, response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default()))
}

/// `(bench name, middle estimate in ns)` from criterion's console output, which prints the name
/// either on the `time:` line or on the line before it.
fn parse_criterion(log: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let mut previous = "";
    for line in log.lines() {
        if let Some((head, tail)) = line.split_once("time:") {
            let name = if head.trim().is_empty() { previous.trim() } else { head.trim() };
            let inner = tail.trim().trim_start_matches('[').trim_end_matches(']');
            let parts: Vec<&str> = inner.split_whitespace().collect();
            // [low unit mid unit high unit]
            if let (Some(value), Some(unit)) = (parts.get(2), parts.get(3)) {
                let scale = match *unit {
                    "ps" => 0.001,
                    "ns" => 1.0,
                    "µs" | "us" => 1_000.0,
                    "ms" => 1_000_000.0,
                    "s" => 1_000_000_000.0,
                    _ => f64::NAN,
                };
                if let Ok(v) = value.parse::<f64>() {
                    out.push((name.to_owned(), v * scale));
                }
            }
        } else if !line.trim().is_empty() {
            previous = line;
        }
    }
    out
}

/// The widget's size budget: what a page downloads for `<user-edit>` — the element's wasm, its
/// JS glue and the loader — gzip, against the 60 KiB goal; the top contributors and each crate's
/// share (from `twiggy top` on a copy that keeps function names); and the API module, which only
/// `translate()` and Node load.
fn widget_size(root: &Path) -> Result<()> {
    const GOAL_KIB: f64 = 60.0;
    let element: Vec<PathBuf> =
        [build::WIDGET_WASM, build::WIDGET_JS, build::LOADER_JS].into_iter().map(|f| root.join(f)).collect();
    let api: Vec<PathBuf> = [build::API_WASM, build::API_JS].into_iter().map(|f| root.join(f)).collect();
    println!();
    let gz = print_sizes("widget: what a page loads for <user-edit>", root, &element)?;
    let verdict = if kib(gz) <= GOAL_KIB { "met" } else { "not met" };
    println!("  goal ≤ {GOAL_KIB:.0} KiB gzip with all five dialects' rules: {verdict} ({:.1} KiB)", kib(gz));
    print_sizes("API module (loaded by translate() on first use, and by Node)", root, &api)?;

    // The element's module again, optimised the same way but keeping the name section.
    let dir = util::target_dir(root).join("xtask/twiggy");
    std::fs::create_dir_all(&dir)?;
    build::build_widget_module(root, &build::WIDGET_BUILDS[0], &dir)?;
    let named = dir.join("named.wasm");
    build::wasm_opt(root, &dir.join(format!("{}_bg.wasm", build::WIDGET_BUILDS[0].name)), &named, &["-g"])?;
    let (crates, total) = contributors(root, &named, build::WIDGET_WASM)?;
    let core = crates.iter().find(|(k, _)| *k == "userbridge_core").map_or(0, |(_, b)| *b);
    println!(
        "  core's contribution: userbridge_core's own functions are {:.1} KiB ({:.1} %); its tables and texts are in the data segments",
        kib(core as usize),
        pct(core, total)
    );
    Ok(())
}

/// Where the Worker's wasm goes: the release build as `worker-build` makes it (opt-level "z",
/// `wasm-opt -Oz`) but keeping function names, through twiggy. wasm-bindgen runs without
/// worker-build's panic-recovery flags, so the module is ~1 % smaller than the shipped one. Built
/// in its own target directory so that the shipped build's artefacts (names stripped) stay valid.
fn worker_contributors(root: &Path) -> Result<()> {
    let target = util::target_dir(root).join("xtask/worker-named");
    util::run(
        util::command(root, "cargo")
            .args(["build", "--release", "--target", util::WASM_TARGET, "-p", "userbridge-worker"])
            .args(["--config", "profile.release.package.userbridge-worker.strip=\"debuginfo\""])
            .arg("--target-dir")
            .arg(&target)
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z"),
    )?;
    let dir = target.join("bindgen");
    util::run(
        util::command(root, util::cargo_bin("wasm-bindgen"))
            .args(["--target", "module", "--out-name", "index", "--out-dir"])
            .arg(&dir)
            .arg(target.join(util::WASM_TARGET).join("release/userbridge_worker.wasm")),
    )?;
    let named = dir.join("named.wasm");
    build::wasm_opt(root, &dir.join("index_bg.wasm"), &named, &["-g"])?;
    contributors(root, &named, "the Worker's wasm")?;
    Ok(())
}

/// Prints the 15 largest items of a wasm module that keeps its name section (`twiggy top`) and
/// each crate's share; returns the shares (largest first) and the total.
fn contributors(root: &Path, named: &Path, label: &str) -> Result<(Vec<(&'static str, u64)>, u64)> {
    let out = util::command(root, util::cargo_bin("twiggy"))
        .args(["top", "-n", "100000", "-f", "csv"])
        .arg(named)
        .output()
        .map_err(|e| fail!("cannot run twiggy (cargo xtask setup installs it): {e}"))?;
    if !out.status.success() {
        return Err(fail!("twiggy failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let items = parse_twiggy_csv(&String::from_utf8_lossy(&out.stdout));
    let total: u64 = items.iter().map(|(_, b)| b).sum();
    println!("\ntop contributors of {label} (twiggy top, shallow bytes before gzip; names section excluded)");
    for (name, bytes) in items.iter().take(15) {
        let short: String = name.chars().take(90).collect();
        println!("  {:>8} {:>5.1} %  {short}", bytes, pct(*bytes, total));
    }
    let mut crates: Vec<(&'static str, u64)> = Vec::new();
    for (name, bytes) in &items {
        let krate = crate_of(name);
        match crates.iter_mut().find(|(k, _)| *k == krate) {
            Some((_, sum)) => *sum += bytes,
            None => crates.push((krate, *bytes)),
        }
    }
    crates.sort_by_key(|c| std::cmp::Reverse(c.1));
    println!("\nby crate (code; the export shims inline code of the crates they call)");
    for (krate, bytes) in &crates {
        println!("  {krate:<44} {:>8.1} KiB {:>5.1} %", kib(*bytes as usize), pct(*bytes, total));
    }
    Ok((crates, total))
}

fn pct(part: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { part as f64 * 100.0 / total as f64 }
}

/// `(item, shallow bytes)` from `twiggy top -f csv`, largest first, without custom sections
/// (the name section that only the measured copy keeps).
fn parse_twiggy_csv(csv: &str) -> Vec<(String, u64)> {
    let mut items: Vec<(String, u64)> = csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            // Name,ShallowSize,ShallowSizePercent,… — names may hold commas, so split from the right.
            let mut fields = line.rsplitn(5, ',');
            let _ = (fields.next(), fields.next(), fields.next());
            let bytes = fields.next()?.parse().ok()?;
            // A quoted CSV field doubles the quotes inside it (`"data segment "".rodata"""`).
            let field = fields.next()?;
            let name = match field.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None => field.to_owned(),
            };
            Some((name, bytes))
        })
        .filter(|(name, _)| !name.ends_with("subsection") && !name.starts_with("custom section"))
        .collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.1));
    items
}

/// The crate a twiggy item belongs to, by its (demangled) name.
fn crate_of(item: &str) -> &'static str {
    const CRATES: [&str; 23] = [
        "userbridge_core",
        "userbridge_widget",
        "userbridge_worker",
        "worker",
        "quick_xml",
        "serde_wasm_bindgen",
        "wasm_bindgen_futures",
        "futures_util",
        "serde_json",
        "serde_core",
        "serde",
        "alloc",
        "core",
        "std",
        "dlmalloc",
        "wasm_bindgen",
        "js_sys",
        "web_sys",
        "hashbrown",
        "itoa",
        "zmij",
        "memchr",
        "compiler_builtins",
    ];
    if item.starts_with("data segment") {
        return "data segments (strings, tables, texts)";
    }
    if item.contains(" shim") || item.starts_with("export ") || item.starts_with("import ") {
        return "exports and imports (wasm-bindgen shims)";
    }
    let name = item.trim_start_matches(['<', '&']);
    let end = name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(name.len());
    let head = &name[..end];
    CRATES.into_iter().find(|c| *c == head).unwrap_or("other (generic instances, tables, types)")
}

/// `validate` from Node on each dialect's update fixture, calls per second, against ajv on the
/// same payloads in the same process (`tests/bench/validate.mjs`, Node 22 from node_modules).
fn widget_speed(root: &Path) -> Result<()> {
    let (status, _) = util::run_tee(
        util::command(root, util::node_bin(root).join("node")).arg(root.join("tests/bench/validate.mjs")),
    )?;
    if !status.success() {
        return Err(fail!("tests/bench/validate.mjs failed ({status})"));
    }
    Ok(())
}

/// Page load → interactive form in headless Chromium on loopback (`tests/bench/load.mjs`),
/// against a `wrangler dev` started here with a fresh local D1.
fn widget_load(root: &Path) -> Result<()> {
    let server = bench_server(root, "bench-load-wrangler.log", &[])?;
    let port = server.port;
    let (status, _) = util::run_tee(
        util::command(root, util::node_bin(root).join("node"))
            .arg(root.join("tests/bench/load.mjs"))
            .env("USERBRIDGE_URL", format!("http://127.0.0.1:{port}"))
            .env("CHROMIUM", util::CHROMIUM),
    )?;
    drop(server);
    if !status.success() {
        return Err(fail!("tests/bench/load.mjs failed ({status})"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_criterion;

    #[test]
    fn reads_calls_lines() {
        let out = "noise\nCALLS devicehive learningcloud status 204 2.0 2\nCALLS scim publisher create 400 0.0 0\n";
        let cells = super::parse_calls(out);
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0], ("devicehive".into(), "learningcloud".into(), "status".into(), "204".into(), 2.0, 2));
        assert_eq!(cells[1].3, "400");
    }

    #[test]
    fn reads_json_members() {
        use super::json_member;
        let text = r#"{"accessToken":"a.b.c","refreshToken":"d"}"#;
        assert_eq!(json_member(text, "accessToken").as_deref(), Some("a.b.c"));
        assert_eq!(json_member(r#"{"id": 42,"lastLogin":null}"#, "id").as_deref(), Some("42"));
        assert_eq!(json_member(r#"{"id":null}"#, "id"), None);
        assert_eq!(json_member("{}", "id"), None);
    }

    #[test]
    fn own_time_from_proxy_log_lines() {
        let line = |op: &str, status: u16, duration: u64, waited: u64, calls: u64| {
            format!(
                r#"{{"dialect":"learningcloud","durationMs":{duration},"op":"{op}","status":{status},"upstreamCalls":{calls},"upstreamMs":{waited}}}"#
            )
        };
        let log = [
            "wrangler noise".to_owned(),
            line("get", 200, 12, 10, 1),
            line("get", 200, 9, 8, 1),
            line("get", 200, 30, 25, 2),
            line("get", 404, 50, 1, 1),
            line("update", 200, 40, 30, 4),
            r#"{"dialect":"learningcloud","durationMs":3,"op":"get","status":200}"#.to_owned(),
        ]
        .join("\n");
        let own = super::own_time(&log, "get");
        assert_eq!(own, super::OwnTime { count: 3, p50_ms: 2, p99_ms: 5, calls_mean: 4.0 / 3.0 });
        assert_eq!(super::own_time(&log, "update").p50_ms, 10);
        assert_eq!(super::own_time("", "get"), super::OwnTime { count: 0, p50_ms: 0, p99_ms: 0, calls_mean: 0.0 });
    }

    #[test]
    fn reads_wrk_reports() {
        let report = "Running 5s test @ http://127.0.0.1:1/health\n  1 threads and 16 connections\n\
            \x20 Latency Distribution\n     50%   18.27ms\n     75%   20.00ms\n     90%   30.00ms\n     99%    1.02s\n\
            \x20 4000 requests in 5.00s, 1.00MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:    799.50\n";
        let f = super::parse_wrk(report);
        assert_eq!(
            f,
            Some(super::WrkFigures { requests: 4000, rps: 799.5, p50_ms: 18.27, p99_ms: 1020.0, non_2xx: 3 })
        );
        assert_eq!(super::duration_ms("812.00us"), Some(0.812));
        assert_eq!(super::parse_wrk("nothing"), None);
    }

    #[test]
    fn reads_the_interleaved_ratios() {
        let log = "   Compiling x\nratio devicehive 942 to learningcloud 3.33x to scim 4.14x mean 3.55x\n\
                   ratio scim 14237 to learningcloud 2.36x mean 2.41x\nratio broken\n";
        assert_eq!(super::parse_ratios(log), vec![("devicehive".to_owned(), 3.55), ("scim".to_owned(), 2.41)]);
    }

    #[test]
    fn reads_names_on_either_line() {
        let log = "primavera/update/validate\n                        time:   [1.4594 µs 1.4946 µs 1.5346 µs]\n\
                   a/b/short               time:   [10.0 ns 12.5 ns 13.0 ns]\n";
        let r = parse_criterion(log);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].0, "primavera/update/validate");
        assert!((r[0].1 - 1494.6).abs() < 0.01);
        assert_eq!(r[1], ("a/b/short".to_owned(), 12.5));
    }

    #[test]
    fn twiggy_items_and_crates() {
        use super::{crate_of, parse_twiggy_csv};
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
                   \"function names\" subsection,900,50.0,,\n\
                   userbridge_core::fields::check_at::h1,300,10.0,,\n\
                   <serde_json::de::Deserializer<R>>::parse_str::h2,400,12.0,,\n\
                   \"data segment \"\".rodata\"\"\",200,5.0,,\n";
        let items = parse_twiggy_csv(csv);
        assert_eq!(items.len(), 3);
        assert_eq!(items[0], ("<serde_json::de::Deserializer<R>>::parse_str::h2".to_owned(), 400));
        assert_eq!(crate_of(&items[0].0), "serde_json");
        assert_eq!(crate_of(&items[1].0), "userbridge_core");
        assert_eq!(items[2].0, "data segment \".rodata\"");
        assert_eq!(crate_of("validate externref shim multivalue shim"), "exports and imports (wasm-bindgen shims)");
        assert_eq!(crate_of("<T as alloc::string::ToString>::to_string"), "other (generic instances, tables, types)");
        assert_eq!(crate_of("core[c59]::fmt::write"), "core");
        assert_eq!(crate_of("worker::d1::D1PreparedStatement::first::{{closure}}::h3"), "worker");
        assert_eq!(crate_of("userbridge_worker::store::Store::create::{{closure}}::h4"), "userbridge_worker");
    }
}
