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
const SECTIONS: &[Section] = &[("sizes", sizes)];

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
