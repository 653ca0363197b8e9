//! The Worker's modules form no cycle: each file of `src/` is a node, and a file that names another
//! module's path (`use crate::store::Key`, `super::v1::problem`, `crate::idempotency::handle(…)`,
//! or a child module by name, `learningcloud::LearningCloud`) depends on the file that declares
//! it. A `mod child;` line is not a dependency (it only says where the child lives), and test
//! modules (`#[cfg(test)] mod tests`) are left out: they are allowed to reach back into the
//! module they test.
//!
//! Why a test: a cycle lets two layers grow into one another (the router into one dialect's
//! internals, the store into the proxy) with nothing to notice it. docs/architecture.md describes
//! the layers this keeps apart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path from the crate root: `[]` is `lib.rs`, `["routes", "devicehive"]` is
/// `routes/devicehive.rs` or `routes/devicehive/mod.rs`.
type ModPath = Vec<String>;

/// Every `.rs` file under `dir`, with its module path.
fn modules(src: &Path) -> BTreeMap<ModPath, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let Ok(rel) = path.strip_prefix(src) else { continue };
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            let file = parts.pop().unwrap_or_default();
            let stem = file.trim_end_matches(".rs");
            if !(stem == "mod" || (parts.is_empty() && stem == "lib")) {
                parts.push(stem.to_owned());
            }
            out.insert(parts, path);
        }
    }
    out
}

/// The source without comments, string and char literals, and the trailing test module: what is
/// left are the paths the code names.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
        } else if let Some(hashes) = raw_string_start(rest) {
            let close = format!("\"{}", "#".repeat(hashes));
            let body = 2 + hashes;
            i += body + rest[body..].find(&close).map_or(rest.len() - body, |e| e + close.len());
            out.push_str("\"\"");
        } else if bytes[i] == b'"' || rest.starts_with("b\"") {
            let mut j = i + if bytes[i] == b'b' { 2 } else { 1 };
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            i = j + 1;
            out.push_str("\"\"");
        } else if bytes[i] == b'\'' && char_literal_len(rest).is_some() {
            i += char_literal_len(rest).unwrap_or(1);
            out.push_str("' '");
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// `r"…"`, `r#"…"#` (and `br…`): the number of `#`s.
fn raw_string_start(rest: &str) -> Option<usize> {
    let rest = rest.strip_prefix('b').unwrap_or(rest);
    let after = rest.strip_prefix('r')?;
    let hashes = after.len() - after.trim_start_matches('#').len();
    after[hashes..].starts_with('"').then_some(hashes)
}

/// The length of a char literal at the start of `rest` (`'a'`, `'\n'`, `'\u{1F600}'`); `None`
/// for a lifetime (`'a`).
fn char_literal_len(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix('\'')?;
    if let Some(escaped) = inner.strip_prefix('\\') {
        return escaped.find('\'').map(|e| e + 3);
    }
    let c = inner.chars().next()?;
    inner[c.len_utf8()..].starts_with('\'').then(|| c.len_utf8() + 2)
}

/// The identifier-or-`::` paths in `code`, with `{…}` use groups expanded
/// (`crate::{a, b::c}` → `crate::a`, `crate::b::c`).
fn paths(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = is_ident_start(chars[i]) && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':'));
        if !starts {
            i += 1;
            continue;
        }
        let (mut found, end) = path_at(&chars, i, Vec::new());
        out.append(&mut found);
        i = end.max(i + 1);
    }
    out
}

/// The path (or, with a `{…}` group, paths) starting at `i`, under `prefix`; and where it ends.
fn path_at(chars: &[char], mut i: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let mut segments = prefix;
    loop {
        let start = i;
        while i < chars.len() && is_ident(chars[i]) {
            i += 1;
        }
        if i > start {
            segments.push(chars[start..i].iter().collect());
        }
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
            if chars.get(i) == Some(&'{') {
                let mut all = Vec::new();
                i += 1;
                loop {
                    while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                        i += 1;
                    }
                    if i >= chars.len() || chars[i] == '}' {
                        return (all, i + 1);
                    }
                    if chars[i] == '*' {
                        all.push(segments.clone());
                        i += 1;
                        continue;
                    }
                    let (mut found, end) = path_at(chars, i, segments.clone());
                    all.append(&mut found);
                    // `a as b`: skip to the next item.
                    i = end;
                    while i < chars.len() && chars[i] != ',' && chars[i] != '}' {
                        i += 1;
                    }
                }
            }
            continue;
        }
        return (vec![segments], i);
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The module a path names from module `at`, if it is one of the crate's own: `crate::`,
/// `super::`, `self::`, or a child of `at` by name, resolved to the longest module prefix.
fn target(modules: &BTreeMap<ModPath, PathBuf>, at: &ModPath, path: &[String]) -> Option<ModPath> {
    let mut base: ModPath;
    let mut rest = path;
    // `crate`, `self`, `super` alone are visibilities (`pub(crate)`) or values (`..self`).
    if path.len() < 2 {
        return None;
    }
    match path.first().map(String::as_str) {
        Some("crate") => {
            base = Vec::new();
            rest = &path[1..];
        }
        Some("self") => {
            base = at.clone();
            rest = &path[1..];
        }
        Some("super") => {
            base = at.clone();
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) => {
            let mut child = at.clone();
            child.push(first.to_owned());
            if !modules.contains_key(&child) {
                return None;
            }
            base = at.clone();
        }
        _ => return None,
    }
    let mut found = base.clone();
    for segment in rest {
        base.push(segment.clone());
        if modules.contains_key(&base) {
            found = base.clone();
        } else {
            break;
        }
    }
    (found != *at).then_some(found)
}

/// Each module's dependencies.
fn graph(src: &Path) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let modules = modules(src);
    let mut edges = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let deps: BTreeSet<ModPath> =
            paths(&code_of(&text)).iter().filter_map(|p| target(&modules, module, p)).collect();
        edges.insert(module.clone(), deps);
    }
    edges
}

/// One cycle per strongly connected component of more than one module (Tarjan's algorithm).
fn cycles(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    struct State<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'a ModPath, usize>,
        low: BTreeMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        on_stack: BTreeSet<&'a ModPath>,
        components: Vec<Vec<ModPath>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a ModPath) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flatten() {
            let Some((w, _)) = edges.get_key_value(w) else { continue };
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.components.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.components
}

fn name(m: &ModPath) -> String {
    if m.is_empty() { "lib".into() } else { m.join("::") }
}

#[test]
fn worker_modules_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&src);
    assert!(edges.len() > 10, "the walk found only {} modules under {}", edges.len(), src.display());
    let found = cycles(&edges);
    let described: Vec<String> = found
        .iter()
        .map(|c| {
            let members: BTreeSet<&ModPath> = c.iter().collect();
            let lines: Vec<String> = c
                .iter()
                .map(|m| {
                    let deps: Vec<String> = edges[m].iter().filter(|d| members.contains(d)).map(name).collect();
                    format!("  {} → {}", name(m), deps.join(", "))
                })
                .collect();
            lines.join("\n")
        })
        .collect();
    assert!(found.is_empty(), "import cycles in crates/worker/src:\n{}", described.join("\n\n"));
}

/// The check itself: it must see each kind of reference, or a cycle could hide behind one.
#[test]
fn the_check_finds_cycles_of_every_kind_of_reference() {
    let dir = std::env::temp_dir().join(format!("userbridge-module-graph-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let write = |rel: &str, text: &str| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(&dir)).ok();
        std::fs::write(path, text).ok();
    };
    write("lib.rs", "mod a;\nmod b;\nmod routes;\n");
    // `a` → `b` by a use group, `b` → `a` by an inline path.
    write("a.rs", "use crate::{b::Thing, other};\n");
    write("b.rs", "fn f() { crate::a::g(); }\n// crate::routes::x in a comment is no reference\n");
    // A parent naming its child, and the child reaching back by `super`.
    write("routes/mod.rs", "pub mod one;\nfn r() { one::One::go(); }\n");
    write("routes/one.rs", "use super::{Cx, Surface};\nconst S: &str = \"crate::b\";\n");
    let edges = graph(&dir);
    let found = cycles(&edges);
    let _ = std::fs::remove_dir_all(&dir);
    let names: Vec<Vec<String>> = found.iter().map(|c| c.iter().map(name).collect()).collect();
    assert_eq!(names, vec![vec!["a".to_owned(), "b".to_owned()], vec!["routes".to_owned(), "routes::one".to_owned()]]);
    // Comments and strings name nothing.
    assert!(!edges[&vec!["b".to_owned()]].contains(&vec!["routes".to_owned()]));
    assert!(!edges[&vec!["routes".to_owned(), "one".to_owned()]].contains(&vec!["b".to_owned()]));
}
