//! Where a page goes: its directory and its slug (one safe path segment, from `slug:` or
//! the file name), and the check that no two files write the same output.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::PageMeta;
use crate::site::{Page, Section};

use super::CONTENT_DIR;

/// `cases/tianjin.md` → `cases`; `a.md` → ``.
pub fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The directory a page lives in, for its section and URL: a bundle's parent directory.
pub(super) fn page_dir(rel: &str) -> &str {
    let dir = parent_dir(rel);
    if rel.ends_with("/index.md") {
        parent_dir(dir)
    } else {
        dir
    }
}

/// The page's URL segment: `slug:` if given, else the file name without `.md` (the bundle
/// directory's name for `index.md`), with spaces as `-`. Refuses anything that could escape
/// the output directory.
pub(super) fn page_slug(rel: &str, meta: &PageMeta) -> Result<String, String> {
    let raw = match &meta.fields.slug {
        Some(s) => s.trim().to_string(),
        None => {
            let name = if rel.ends_with("/index.md") || rel == "index.md" {
                parent_dir(rel)
                    .rsplit('/')
                    .next()
                    .unwrap_or("index")
                    .to_string()
            } else {
                rel.rsplit('/')
                    .next()
                    .unwrap_or(rel)
                    .trim_end_matches(".md")
                    .to_string()
            };
            name.split_whitespace().collect::<Vec<_>>().join("-")
        }
    };
    validate_slug(&raw)?;
    Ok(raw)
}

/// A slug must be one safe path segment.
pub fn validate_slug(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("the slug is empty".into());
    }
    if s == "." || s == ".." || s.contains("..") {
        return Err(format!(
            "the slug `{s}` contains `..`, which would write outside the output directory"
        ));
    }
    if s.contains(['/', '\\']) {
        return Err(format!("the slug `{s}` contains a path separator"));
    }
    if s.len() >= 2 && s.as_bytes()[1] == b':' {
        return Err(format!("the slug `{s}` looks like a drive path"));
    }
    if s.chars()
        .any(|c| c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '%'))
    {
        return Err(format!("the slug `{s}` contains a character that is not allowed in a URL path segment or file name"));
    }
    if s.len() > 200 {
        return Err("the slug is longer than 200 bytes".into());
    }
    Ok(())
}

pub(super) fn check_output_paths(pages: &[Page], sections: &[Section], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for s in sections {
        seen.insert(&s.path, &s.rel_path);
    }
    for p in pages {
        if let Some(other) = seen.insert(&p.path, &p.rel_path) {
            let line = p.meta.key_lines.get("slug").copied().unwrap_or(1);
            diags.push(
                Diagnostic::error(
                    Path::new(CONTENT_DIR).join(&p.rel_path),
                    format!(
                        "writes the same output `{}index.html` as content/{other}",
                        p.path
                    ),
                )
                .at_line(line)
                .with_help("give one of them a different `slug:` or file name"),
            );
        }
    }
}
