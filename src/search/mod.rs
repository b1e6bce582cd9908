//! Full-text search that works offline: a Chinese-aware index written as static files under
//! `search/`, read by `themes/default/static/js/search.js` in the browser.
//!
//! - [`tokenize`]: folding (Traditional → Simplified, full-width → ASCII, lower case) and
//!   tokens (CJK characters, bigrams and jieba words; Latin words and numbers).
//! - [`index`]: postings, sharding and the files.
//!
//! Files (all JavaScript calling `__zhikuSearch(kind, build, id, data)`, so that they load
//! with `<script>` from `file://` as well as over HTTP):
//! - `search/manifest.js`: build id, layout id, number of shards and documents;
//! - `search/fold.js`: the Traditional → Simplified pairs for the characters in the index;
//! - `search/s/<n>.js`: shard `n` of the postings;
//! - `search/d/<n>.js`: document `n`: title, URL path, section, text for snippets. These
//!   carry the layout id (which document each id is) instead of the build id, so that the
//!   file of an unchanged document stays the same from one build to the next.
//!
//! The render stage writes them as one job ([`write()`], or [`write_cached()`] with a
//! [`SearchCache`] for repeated builds); the search page itself is the theme's
//! `search.html`.

pub mod cache;
pub mod index;
pub mod tokenize;

use std::borrow::Cow;

use crate::diagnostics::Diagnostic;
use crate::render::Sink;
use crate::site::Site;

pub use cache::SearchCache;
pub use index::{Doc, Index};

/// Output directory of the index (the search page is `search/index.html`).
pub const DIR: &str = "search/";

/// The documents of `site`: every page, and every section with text of its own.
pub fn docs(site: &Site) -> Vec<Doc<'_>> {
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
        let text = p.rendered.plain_text.as_str();
        let extras: Vec<&str> = [&f.summary, &f.description]
            .into_iter()
            .flatten()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty() && !text.contains(e))
            .collect();
        docs.push(Doc {
            title: f.title.clone(),
            path: p.path.clone(),
            section: trail(p.section),
            headings: headings(&p.rendered.toc),
            terms,
            body: with_extras(&extras, text),
        });
    }
    for s in &site.sections {
        let text = s.rendered.plain_text.trim();
        if text.is_empty() {
            continue;
        }
        let extras: Vec<&str> = s
            .meta
            .description
            .iter()
            .map(|d| d.trim())
            .filter(|d| !text.contains(d))
            .collect();
        docs.push(Doc {
            title: s.title(),
            path: s.path.clone(),
            section: s.parent.map(trail).unwrap_or_default(),
            headings: headings(&s.rendered.toc),
            terms: Vec::new(),
            body: with_extras(&extras, text),
        });
    }
    docs
}

/// `text`, after `extras` (a line each) if there are any: borrowed when there are none.
fn with_extras<'a>(extras: &[&str], text: &'a str) -> Cow<'a, str> {
    if extras.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut body =
        String::with_capacity(text.len() + extras.iter().map(|e| e.len() + 1).sum::<usize>());
    for e in extras {
        body.push_str(e);
        body.push('\n');
    }
    body.push_str(text);
    Cow::Owned(body)
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
    write_with(site, sink, None)
}

/// [`write()`] for repeated builds of a changing site (`zhiku serve`): `cache`, kept by the
/// caller from one build to the next, holds every document's tokens (keyed by a hash of the
/// document) and the last postings, so only documents that changed are tokenized again, and
/// when documents only changed in place their postings are patched. The files are the same
/// as [`write()`]'s, whatever the cache holds (a new cache is always correct, only slower).
pub fn write_cached(
    site: &Site,
    sink: &dyn Sink,
    cache: &mut SearchCache,
) -> Result<usize, Diagnostic> {
    write_with(site, sink, Some(cache))
}

fn write_with(
    site: &Site,
    sink: &dyn Sink,
    cache: Option<&mut SearchCache>,
) -> Result<usize, Diagnostic> {
    use rayon::prelude::*;
    let docs = docs(site);
    let mut prepared = index::prepare(&docs, DIR, cache);
    let head = std::mem::take(&mut prepared.head);
    let n = head.len() + docs.len();
    let put = |(path, bytes): (String, Vec<u8>)| {
        sink.put(&path, bytes)
            .map_err(|e| Diagnostic::global(format!("cannot write {path}: {e}")))
    };
    head.into_par_iter().try_for_each(put)?;
    // Document files go to the sink as they are made; with a cache, a file that is the same
    // as last time is kept if the sink still has it (serve).
    docs.par_iter().enumerate().try_for_each(|(i, d)| {
        if prepared.doc_unchanged(i) && sink.keep(&prepared.doc_path(i)) {
            return Ok(());
        }
        put(prepared.doc_file(i, d))
    })?;
    Ok(n)
}
