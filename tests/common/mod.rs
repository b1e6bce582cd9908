//! Shared helpers for the integration tests: fixture sites, running the `zhiku` binary,
//! a small static HTTP server, and headless Chromium through chromedriver.
#![allow(dead_code)]

pub mod browser;
pub mod http;
pub mod linkcheck;
pub mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of the built `zhiku` binary.
pub fn zhiku() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zhiku"))
}

/// The repository root (the bundled site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site in a temporary directory, written from `(path, contents)` pairs. A `site.toml` is
/// added unless one is given. The default theme is the one compiled into the binary.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        if !files.iter().any(|(p, _)| *p == "site.toml") {
            std::fs::write(dir.path().join("site.toml"), "title = \"测试站点\"\n").unwrap();
        }
        for (p, c) in files {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, c).unwrap();
        }
        Fixture { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, contents: &str) {
        let full = self.root().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }

    /// `zhiku build --root <dir> <args>`.
    pub fn build(&self, args: &[&str]) -> Run {
        Run::of(
            zhiku()
                .arg("build")
                .arg("--root")
                .arg(self.root())
                .args(args)
                .output()
                .expect("run zhiku"),
        )
    }

    /// Read an output file as text.
    pub fn read(&self, path: &str) -> String {
        let p = self.root().join("public").join(path);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.root().join("public").join(path).exists()
    }
}

/// The result of running the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Panics with the output unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics unless stderr contains every needle.
    pub fn expect_stderr(&self, needles: &[&str]) -> &Self {
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr lacks {n:?}\n--- stderr\n{}",
                self.stderr
            );
        }
        self
    }
}

/// A minimal page with front matter.
pub fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n{body}\n")
}

/// Every file under `dir` with its bytes, for byte-for-byte comparisons of output trees.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// All `href`/`src` attribute values of an HTML document.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            let end = after.find('"').unwrap_or(after.len());
            out.push(after[..end].replace("&amp;", "&"));
            rest = &after[end..];
        }
    }
    out
}

/// Percent-decode a URL for comparisons with Chinese paths.
pub fn http_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The text after the first `start` up to the next `end` (both excluded). Panics with the
/// document when either is missing, so a test failure shows what was produced.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in\n{html}"));
    let rest = &html[i + start.len()..];
    let j = rest
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?} in\n{html}"));
    &rest[..j]
}

/// Every `<a …href="X"…>text</a>` of a fragment as (href, text without tags), in order.
pub fn anchors(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<a ") {
        let tag_end = match rest[i..].find('>') {
            Some(e) => i + e,
            None => break,
        };
        let tag = &rest[i..tag_end];
        let close = match rest[tag_end..].find("</a>") {
            Some(c) => tag_end + c,
            None => break,
        };
        let href = tag
            .split("href=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
            .unwrap_or_default()
            .replace("&amp;", "&");
        out.push((
            href,
            strip_tags(&rest[tag_end + 1..close]).trim().to_string(),
        ));
        rest = &rest[close + 4..];
    }
    out
}

/// The text of an HTML fragment without its tags.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every `id="…"` value of an HTML document (percent-decoded, entities `&amp;` undone).
pub fn ids(html: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        let after = &rest[i + 5..];
        let end = after.find('"').unwrap_or(after.len());
        out.insert(http_decode(&after[..end].replace("&amp;", "&")));
        rest = &after[end..];
    }
    out
}

/// Check every internal `href`/`src` of every HTML file under `dir`, a site published at the
/// path `base` (`/` or `/kb/`). Root-relative and relative URLs must name a file, or a
/// directory with an `index.html`; a fragment must be an id in the target document.
/// External URLs (with a scheme, or `//host`) are skipped. Returns one line per problem.
pub fn broken_links(dir: &Path, base: &str) -> Vec<String> {
    use std::collections::{BTreeSet, HashMap};
    let mut problems = Vec::new();
    let mut id_cache: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let mut ids_of = |file: &Path| -> BTreeSet<String> {
        id_cache
            .entry(file.to_path_buf())
            .or_insert_with(|| ids(&std::fs::read_to_string(file).unwrap_or_default()))
            .clone()
    };
    let html_files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect();
    for file in html_files {
        let html = std::fs::read_to_string(&file).unwrap();
        let rel = file
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // The URL path of the directory this document is served from.
        let doc_dir = match rel.rsplit_once('/') {
            Some((d, _)) => format!("{base}{d}/"),
            None => base.to_string(),
        };
        for url in links(&html) {
            let is_external = url.starts_with("//")
                || url
                    .split_once(':')
                    .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/') && !s.contains('#'));
            if is_external || url.is_empty() {
                continue;
            }
            let (path, fragment) = match url.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(http_decode(f))),
                None => (url.clone(), None),
            };
            let path = path.split('?').next().unwrap_or_default().to_string();
            let target = if path.is_empty() {
                file.clone()
            } else {
                let absolute = if path.starts_with('/') {
                    path.clone()
                } else {
                    format!("{doc_dir}{path}")
                };
                let Some(inside) = absolute.strip_prefix(base) else {
                    problems.push(format!("{rel}: `{url}` is outside the base path {base}"));
                    continue;
                };
                let mut parts: Vec<String> = Vec::new();
                for seg in http_decode(inside).split('/') {
                    match seg {
                        "" | "." => {}
                        ".." => {
                            parts.pop();
                        }
                        s => parts.push(s.to_string()),
                    }
                }
                let p = dir.join(parts.join("/"));
                if p.is_file() {
                    p
                } else if p.join("index.html").is_file() {
                    p.join("index.html")
                } else {
                    problems.push(format!("{rel}: `{url}` names no file"));
                    continue;
                }
            };
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                if target.extension().is_some_and(|x| x == "html") && !ids_of(&target).contains(&f)
                {
                    let shown = target.strip_prefix(dir).unwrap().display().to_string();
                    problems.push(format!("{rel}: `{url}`: {shown} has no id `{f}`"));
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// Percent-encode the non-ASCII bytes of a URL path.
pub fn encode_path(p: &str) -> String {
    let mut out = String::new();
    for b in p.bytes() {
        if b.is_ascii_graphic() && b != b'%' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Copy the tree `from` into `to` (created as needed).
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
