//! Full-text search that works offline: a Chinese-aware index written as static files under
//! `search/`, read by `themes/default/static/js/search.js` in the browser.
//!
//! - [`tokenize`]: folding (Traditional → Simplified, full-width → ASCII, lower case) and
//!   tokens (CJK characters, bigrams and jieba words; Latin words and numbers).
//! - [`index`]: postings, sharding and the files.
//!
//! Files (all JavaScript calling `__zhikuSearch(kind, build, id, data)`, so that they load
//! with `<script>` from `file://` as well as over HTTP):
//! - `search/manifest.js`: build id, number of shards and documents;
//! - `search/fold.js`: the Traditional → Simplified pairs for the characters in the index;
//! - `search/s/<n>.js`: shard `n` of the postings;
//! - `search/d/<n>.js`: document `n`: title, URL path, section, text for snippets.
//!
//! The render stage writes them as one job ([`write`]); the search page itself is the
//! theme's `search.html`.

pub mod index;
pub mod tokenize;

use crate::diagnostics::Diagnostic;
use crate::render::Sink;
use crate::site::Site;

pub use index::{Doc, Index};

/// Output directory of the index (the search page is `search/index.html`).
pub const DIR: &str = "search/";

/// The documents of `site`: every page, and every section with text of its own.
pub fn docs(site: &Site) -> Vec<Doc> {
    let trail = |mut s: usize| {
        let mut names = Vec::new();
        while let Some(parent) = site.sections[s].parent {
            names.push(site.sections[s].title());
            s = parent;
        }
        names.reverse();
        names.join(" › ")
    };
    let headings = |toc: &[crate::markdown::TocEntry]| {
        let mut out = Vec::new();
        let mut stack: Vec<&crate::markdown::TocEntry> = toc.iter().rev().collect();
        while let Some(e) = stack.pop() {
            out.push(e.title.clone());
            stack.extend(e.children.iter().rev());
        }
        out
    };
    let mut docs = Vec::with_capacity(site.pages.len() + site.sections.len());
    for p in &site.pages {
        let f = &p.meta.fields;
        let terms: Vec<String> = site
            .config
            .taxonomies
            .iter()
            .filter_map(|t| p.meta.taxonomies.get(&t.name))
            .flatten()
            .cloned()
            .collect();
        let mut body = String::new();
        for extra in [&f.summary, &f.description].into_iter().flatten() {
            if !extra.trim().is_empty() && !p.rendered.plain_text.contains(extra.trim()) {
                body.push_str(extra.trim());
                body.push('\n');
            }
        }
        body.push_str(&p.rendered.plain_text);
        docs.push(Doc {
            title: f.title.clone(),
            path: p.path.clone(),
            section: trail(p.section),
            headings: headings(&p.rendered.toc),
            terms,
            body,
        });
    }
    for s in &site.sections {
        let text = s.rendered.plain_text.trim();
        if text.is_empty() {
            continue;
        }
        let mut body = String::new();
        if let Some(d) = &s.meta.description {
            if !text.contains(d.trim()) {
                body.push_str(d.trim());
                body.push('\n');
            }
        }
        body.push_str(text);
        docs.push(Doc {
            title: s.title(),
            path: s.path.clone(),
            section: s.parent.map(trail).unwrap_or_default(),
            headings: headings(&s.rendered.toc),
            terms: Vec::new(),
            body,
        });
    }
    docs
}

/// A page or section whose URL is the search page's (`search/`): an error naming its file.
pub fn conflict(site: &Site) -> Option<Diagnostic> {
    let page = site.pages.iter().find(|p| p.path == DIR).map(|p| {
        (
            &p.rel_path,
            p.meta.key_lines.get("slug").copied().unwrap_or(1),
        )
    });
    let section = site
        .sections
        .iter()
        .find(|s| s.path == DIR)
        .map(|s| (&s.rel_path, 1));
    let (rel, line) = page.or(section)?;
    Some(
        Diagnostic::error(
            std::path::PathBuf::from(crate::load::CONTENT_DIR).join(rel),
            format!("this page's URL is /{DIR}, where the search page and its index go"),
        )
        .at_line(line)
        .with_help(
            "give it another `slug:` or move it; the search page is the theme's templates/search.html",
        ),
    )
}

/// Build the index of `site` and hand its files to `sink`; returns the number of files.
pub fn write(site: &Site, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let index = index::build(&docs(site), DIR);
    let n = index.files.len();
    use rayon::prelude::*;
    index.files.into_par_iter().try_for_each(|(path, bytes)| {
        sink.put(&path, bytes)
            .map_err(|e| Diagnostic::global(format!("cannot write {path}: {e}")))
    })?;
    Ok(n)
}
