//! `cargo xtask bench`: measurements, one section per kind.
//!
//! Each section is one function in [`SECTIONS`]; adding criterion benches (`cargo bench -p
//! userbridge-core`) or a wrk run against `wrangler dev` is adding one function and one line.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::build;
use crate::fail;
use crate::util::{self, Result, TempDir};

/// A bench section: a name and the function that measures and prints.
type Section = (&'static str, fn(&Path) -> Result<()>);

/// The sections, in the order they run.
const SECTIONS: &[Section] = &[("sizes", sizes), ("core (native, criterion)", core_native)];

pub fn bench(root: &Path) -> Result<()> {
    build::build(root)?;
    for (name, section) in SECTIONS {
        println!("\n== bench: {name}");
        section(root)?;
    }
    Ok(())
}

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
    print_sizes("worker upload (wrangler deploy --dry-run)", out.path(), &upload)?;
    print_sizes("widget (wasm + JS glue)", root, &widget)?;
    Ok(())
}

/// Prints each file's raw and gzip size and their sums, in KiB.
fn print_sizes(title: &str, base: &Path, files: &[PathBuf]) -> Result<()> {
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
    Ok(())
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

/// The core's native speed: every criterion bench of `userbridge-core`, as one table per group
/// with each figure's ratio to the group's `reference: …` entry (measured in the same run).
fn core_native(root: &Path) -> Result<()> {
    let (status, log) = util::run_tee(
        std::process::Command::new("cargo").current_dir(root).args(["bench", "-p", "userbridge-core", "--", "--noplot"]),
    )?;
    if !status.success() {
        return Err(fail!("cargo bench -p userbridge-core failed ({status})"));
    }
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
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::parse_criterion;

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
}
