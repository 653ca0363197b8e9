//! Content stamps: a build step is skipped when the digest of everything it reads equals the
//! digest written after its last success, and its outputs are still there.
//!
//! Keyed on content, not on modification times: a checkout, a `touch` or an editor that rewrites
//! a file unchanged does not trigger a rebuild, and a changed file is seen even when its mtime
//! went backwards (a `git stash pop`, a copied tree).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::util::Result;

/// Directories never read as inputs: build outputs and installed packages.
const SKIPPED_DIRS: [&str; 5] = ["target", "node_modules", "build", "pkg", ".wrangler"];

/// The hex SHA-256 of `bytes`.
pub fn digest_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The digest of a set of inputs: files, and directories read recursively (skipping
/// [`SKIPPED_DIRS`]), each file by its path relative to `root` and its content, plus free-form
/// `extra` strings (tool versions, build settings) that change the output as much as a file does.
pub fn digest_inputs(root: &Path, inputs: &[&str], extra: &[&str]) -> Result<String> {
    let mut files = Vec::new();
    for input in inputs {
        collect(&root.join(input), &mut files)?;
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in &files {
        let relative = file.strip_prefix(root).unwrap_or(file);
        let content = std::fs::read(file)?;
        // Length-prefixed, so no two different file sets can hash the same bytes.
        for part in [relative.to_string_lossy().as_bytes(), &content] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    for part in extra {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    Ok(hex(&hasher.finalize()))
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let Ok(meta) = std::fs::metadata(path) else {
        // A missing optional input (a crate without `build.rs`) is simply not part of the digest.
        return Ok(());
    };
    if meta.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name();
        if entry.file_type()?.is_dir() && SKIPPED_DIRS.iter().any(|d| name == *d) {
            continue;
        }
        collect(&entry.path(), files)?;
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A digest and the file it is recorded in after a successful step.
pub struct Stamp {
    path: PathBuf,
    digest: String,
}

impl Stamp {
    pub fn new(path: PathBuf, digest: String) -> Stamp {
        Stamp { path, digest }
    }

    /// Whether the last success recorded this same digest.
    pub fn is_current(&self) -> bool {
        std::fs::read_to_string(&self.path).is_ok_and(|recorded| recorded.trim() == self.digest)
    }

    /// Records the digest: call only after the step succeeded.
    pub fn write(&self) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&self.path, format!("{}\n", self.digest))?;
        Ok(())
    }

    /// Forgets the digest, so the next run builds (before a step that may leave outputs half
    /// written).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    #[test]
    fn content_not_mtime_decides() -> Result<()> {
        let dir = TempDir::new("stamp-test")?;
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/target"))?;
        std::fs::write(root.join("src/a.rs"), "fn a() {}")?;
        std::fs::write(root.join("src/target/out"), "ignored")?;
        let first = digest_inputs(root, &["src"], &["v1"])?;

        // Rewriting the same bytes, or changing a skipped directory, keeps the digest.
        std::fs::write(root.join("src/a.rs"), "fn a() {}")?;
        std::fs::write(root.join("src/target/out"), "changed")?;
        assert_eq!(digest_inputs(root, &["src"], &["v1"])?, first);

        // One byte of content, a new file, or another tool version changes it.
        std::fs::write(root.join("src/a.rs"), "fn a() { }")?;
        let edited = digest_inputs(root, &["src"], &["v1"])?;
        assert_ne!(edited, first);
        assert_ne!(digest_inputs(root, &["src"], &["v2"])?, edited);
        std::fs::write(root.join("src/b.rs"), "")?;
        assert_ne!(digest_inputs(root, &["src"], &["v1"])?, edited);
        Ok(())
    }

    #[test]
    fn a_stamp_is_current_only_after_write() -> Result<()> {
        let dir = TempDir::new("stamp-file")?;
        let stamp = Stamp::new(dir.path().join("s/worker"), digest_bytes(b"inputs"));
        assert!(!stamp.is_current());
        stamp.write()?;
        assert!(stamp.is_current());
        assert!(!Stamp::new(dir.path().join("s/worker"), digest_bytes(b"other")).is_current());
        stamp.clear();
        assert!(!stamp.is_current());
        Ok(())
    }
}
