//! A link checker for built sites, written independently of zhiku's own code: every
//! `href`/`src` (and meta refresh) of every HTML file, every `<loc>` of the sitemap and every
//! `href` of the feeds must name a file of the output, and every `#fragment` an id in it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How the site was built.
#[derive(Debug, Clone, Copy)]
pub struct Mode<'a> {
    /// `base_url` as configured (`/` or `https://example.org/kb/`).
    pub base_url: &'a str,
    /// Relative mode: internal links in HTML must be relative and name files (no
    /// directory links), so that they work from `file://`.
    pub relative: bool,
}

impl Mode<'_> {
    fn base_path(&self) -> String {
        let rest = match self.base_url.find("://") {
            Some(i) => {
                let after = &self.base_url[i + 3..];
                after.find('/').map_or("/", |j| &after[j..])
            }
            None => self.base_url,
        };
        let mut p = rest.to_string();
        if !p.ends_with('/') {
            p.push('/');
        }
        p
    }
}

fn attr_values(text: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let needle = format!(" {attr}=\"");
    let mut rest = text;
    while let Some(i) = rest.find(&needle) {
        let after = &rest[i + needle.len()..];
        let end = after.find('"').unwrap_or(after.len());
        out.push(after[..end].replace("&amp;", "&"));
        rest = &after[end..];
    }
    out
}

fn between(text: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        let end = after.find(close).unwrap_or(after.len());
        out.push(after[..end].to_string());
        rest = &after[end..];
    }
    out
}

/// Remove `<script>…</script>` and `<pre>…</pre>` (code samples may show markup).
fn strip_code(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [("<script", "</script>"), ("<pre", "</pre>")] {
        while let Some(i) = s.find(open) {
            let j = s[i..].find(close).map_or(s.len(), |j| i + j + close.len());
            s.replace_range(i..j, "");
        }
    }
    s
}

/// Check the site in `out`; returns one line per problem (empty when all is well) and the
/// number of links followed.
pub fn check(out: &Path, mode: Mode<'_>) -> (Vec<String>, usize) {
    let base_path = mode.base_path();
    let has_host = mode.base_url.contains("://");
    let mut files: HashMap<String, PathBuf> = HashMap::new();
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, e.path().to_path_buf());
        }
    }
    let mut ids: HashMap<String, Vec<String>> = HashMap::new();
    let mut problems = Vec::new();
    let mut followed = 0;
    let mut names: Vec<&String> = files.keys().collect();
    names.sort();
    for name in names {
        let is_html = name.ends_with(".html");
        let is_xml = name.ends_with(".xml");
        if !is_html && !is_xml {
            continue;
        }
        let text = std::fs::read_to_string(&files[name]).unwrap();
        let dir = match name.rfind('/') {
            Some(i) => &name[..=i],
            None => "",
        };
        let mut urls: Vec<(String, bool)> = Vec::new(); // (url, must be absolute)
        if is_html {
            let body = strip_code(&text);
            for a in ["href", "src"] {
                urls.extend(attr_values(&body, a).into_iter().map(|u| (u, false)));
            }
            for c in attr_values(&body, "content") {
                if let Some(u) = c.split_once("url=").map(|(_, u)| u.to_string()) {
                    urls.push((u, false));
                }
            }
            if body.contains("src=\"http") || body.contains("src=\"//") {
                problems.push(format!("{name}: loads a resource from another site"));
            }
        } else {
            urls.extend(
                between(&text, "<loc>", "</loc>")
                    .into_iter()
                    .map(|u| (u, true)),
            );
            urls.extend(attr_values(&text, "href").into_iter().map(|u| (u, true)));
        }
        for (url, must_be_absolute) in urls {
            if url.starts_with('#') && is_html {
                let frag = super::http_decode(&url[1..]);
                if !frag.is_empty() && !has_id(&text, &frag) {
                    problems.push(format!("{name}: `{url}`: no such id in the page"));
                }
                followed += 1;
                continue;
            }
            if ["mailto:", "javascript:", "data:", "tel:"]
                .iter()
                .any(|s| url.starts_with(s))
            {
                continue;
            }
            let (path_part, frag) = match url.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(super::http_decode(f))),
                None => (url.clone(), None),
            };
            let path_part = path_part.split('?').next().unwrap().to_string();
            let target: String =
                if path_part.starts_with("http://") || path_part.starts_with("https://") {
                    if has_host && path_part.starts_with(mode.base_url) {
                        path_part[mode.base_url.len()..].to_string()
                    } else {
                        continue; // external
                    }
                } else if must_be_absolute && has_host {
                    problems.push(format!("{name}: `{url}` is not an absolute URL"));
                    continue;
                } else if path_part.starts_with('/') {
                    if mode.relative && is_html {
                        problems.push(format!("{name}: `{url}` is not relative"));
                        continue;
                    }
                    match path_part.strip_prefix(&base_path) {
                        Some(r) => r.to_string(),
                        None => {
                            problems.push(format!(
                                "{name}: `{url}` is outside the base path {base_path}"
                            ));
                            continue;
                        }
                    }
                } else {
                    match join(dir, &path_part) {
                        Some(p) => p,
                        None => {
                            problems.push(format!("{name}: `{url}` climbs out of the site"));
                            continue;
                        }
                    }
                };
            let target = super::http_decode(&target);
            followed += 1;
            let is_dir_link = target.is_empty() || target.ends_with('/');
            if is_dir_link && mode.relative && is_html && !url.starts_with("http") {
                problems.push(format!(
                    "{name}: `{url}` is a directory link (breaks from file://)"
                ));
                continue;
            }
            let file = if is_dir_link {
                format!("{target}index.html")
            } else {
                target.clone()
            };
            let Some(path) = files.get(&file) else {
                problems.push(format!("{name}: `{url}` → {file}: no such file"));
                continue;
            };
            if let Some(f) = frag.filter(|f| !f.is_empty()) {
                let list = ids.entry(file.clone()).or_insert_with(|| {
                    let t = std::fs::read_to_string(path).unwrap_or_default();
                    attr_values(&t, "id")
                });
                if !list.iter().any(|i| super::http_decode(i) == f) {
                    problems.push(format!("{name}: `{url}`: {file} has no id `{f}`"));
                }
            }
        }
    }
    (problems, followed)
}

fn has_id(html: &str, id: &str) -> bool {
    attr_values(html, "id")
        .iter()
        .any(|i| super::http_decode(i) == id)
}

fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let trailing = rel.ends_with('/') || rel.is_empty();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut s = parts.join("/");
    if trailing && !s.is_empty() {
        s.push('/');
    }
    Some(s)
}
