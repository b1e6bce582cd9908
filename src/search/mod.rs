//! Full-text search that works offline: a Chinese-aware index written as static files under
//! `search/`, read by `themes/default/static/js/search.js` in the browser.
//!
//! - [`tokenize`]: folding (Traditional → Simplified, full-width → ASCII, lower case) and
//!   tokens (CJK characters, bigrams and jieba words; Latin words and numbers).
//! - [`index`]: postings, sharding and the files.
//!
//! Files (all JavaScript calling `__zhikuSearch(kind, build, id, data)`, so that they load
//! with `<script>` from `file://` as well as over HTTP):
//! - `search/manifest.js`: build id, layout id, number of shards and documents, the id of
//!   every other file but the document files (a hash of its data, which the file carries);
//! - `search/fold.js`: the Traditional → Simplified pairs for the characters in the index;
//! - `search/facets.js`: the filters' data (each document's top section, each term's
//!   documents);
//! - `search/s/<n>.js`: shard `n` of the postings;
//! - `search/d/<n>.js`: document `n`: title, URL path, section, text for snippets. These
//!   carry the layout id (which document each id is) instead of the build id, so that the
//!   file of an unchanged document stays the same from one build to the next.
//!
//! The render stage writes them as one job ([`write()`], with a [`SearchCache`] for
//! repeated builds); the search page itself is the theme's
//! `search.html`.

pub mod cache;
pub mod index;
pub mod tokenize;

use std::borrow::Cow;

use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::site::Site;

pub use cache::SearchCache;
pub use index::{Doc, Index};

/// Output directory of the index (the search page is `search/index.html`).
pub const DIR: &str = crate::paths::SEARCH_DIR;

/// The documents of `site`: every page, and every section with text of its own.
///
/// A page's document is what the page shows: title, headings, taxonomy terms, body, and for
/// a case its figures (`extra.figures`: caption, then one block per row, `label value unit`,
/// under the heading 数据一览) and its source (资料来源: author, title, publication, issue),
/// as the default theme's `page.html` shows them.
pub fn docs(site: &Site) -> Vec<Doc<'_>> {
    let trail = |mut s: crate::site::SectionId| {
        let mut names = Vec::new();
        while let Some(parent) = site.sections[s].parent {
            names.push(site.sections[s].title());
            s = parent;
        }
        names.reverse();
        names.join(" › ")
    };
    // The title of the top-level section `s` is in (itself if it is one; none for the root).
    let top = |mut s: crate::site::SectionId| {
        while let Some(parent) = site.sections[s].parent {
            if site.sections[parent].parent.is_none() {
                return site.sections[s].title();
            }
            s = parent;
        }
        String::new()
    };
    let headings = |toc: &[crate::markdown::TocEntry]| {
        let (mut titles, mut ids) = (Vec::new(), Vec::new());
        let mut stack: Vec<&crate::markdown::TocEntry> = toc.iter().rev().collect();
        while let Some(e) = stack.pop() {
            titles.push(e.title.clone());
            ids.push(e.id.clone());
            stack.extend(e.children.iter().rev());
        }
        (titles, ids)
    };
    // In parallel: each page's text is searched for its summary and description.
    use rayon::prelude::*;
    let mut docs: Vec<Doc<'_>> = site
        .pages
        .par_iter()
        .map(|p| {
            let f = &p.meta.fields;
            let mut terms = Vec::new();
            let mut term_counts = Vec::with_capacity(site.config.taxonomies.len());
            for t in &site.config.taxonomies {
                let list = p.meta.taxonomies.get(&t.name);
                term_counts.push(list.map_or(0, Vec::len));
                terms.extend(list.into_iter().flatten().cloned());
            }
            let text = p.rendered.plain_text.as_str();
            let extras: Vec<&str> = [&f.summary, &f.description]
                .into_iter()
                .flatten()
                .map(|e| e.trim())
                .filter(|e| !e.is_empty() && !text.contains(e))
                .collect();
            let (mut heads, mut anchors) = headings(&p.rendered.toc);
            let shown = shown_extras(f, &mut heads, &mut anchors);
            let body = with_extras(&extras, text);
            let body = if shown.is_empty() {
                body
            } else {
                let mut b = body.into_owned();
                if !b.ends_with('\n') {
                    b.push('\n');
                }
                b.push_str(&shown);
                Cow::Owned(b)
            };
            Doc {
                title: f.title.clone(),
                path: p.path.clone(),
                section: trail(p.section),
                headings: heads,
                anchors,
                terms,
                term_counts,
                top: top(p.section),
                body,
            }
        })
        .collect();
    for (i, s) in site.sections.iter().enumerate() {
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
        let (heads, anchors) = headings(&s.rendered.toc);
        docs.push(Doc {
            title: s.title(),
            path: s.path.clone(),
            section: s.parent.map(trail).unwrap_or_default(),
            headings: heads,
            anchors,
            terms: Vec::new(),
            term_counts: Vec::new(),
            top: top(crate::site::SectionId(i)),
            body: with_extras(&extras, text),
        });
    }
    docs
}

/// The taxonomies of `site` for the search filters.
pub fn facets(site: &Site) -> Vec<index::Facet> {
    site.config
        .taxonomies
        .iter()
        .map(|t| index::Facet {
            name: t.name.clone(),
            title: t.title.clone(),
        })
        .collect()
}

/// The figures and the source of a case as text blocks (one a line), after the body as the
/// page shows them; their headings are added to `heads` (数据一览 with the theme's id
/// `figures-title`; 资料来源, which has no id).
fn shown_extras(
    f: &crate::frontmatter::PageFields,
    heads: &mut Vec<String>,
    anchors: &mut Vec<String>,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        _ => String::new(),
    };
    if let Some(serde_json::Value::Array(list)) = f.extra.get("figures") {
        let mut lines = String::new();
        for fig in list {
            let get = |k: &str| fig.get(k).map(scalar).unwrap_or_default();
            let (title, unit) = (get("title"), get("unit"));
            if !title.is_empty() {
                lines.push_str(&title);
                if !unit.is_empty() {
                    let _ = write!(lines, "（单位：{unit}）");
                }
                lines.push('\n');
            }
            if let Some(serde_json::Value::Array(rows)) = fig.get("data") {
                for row in rows {
                    let label = row.get("label").map(scalar).unwrap_or_default();
                    let value = row.get("value").map(scalar).unwrap_or_default();
                    if label.is_empty() && value.is_empty() {
                        continue;
                    }
                    let _ = writeln!(lines, "{label} {value}{unit}");
                }
            }
        }
        if !lines.is_empty() {
            heads.push("数据一览".into());
            anchors.push("figures-title".into());
            out.push_str("数据一览\n");
            out.push_str(&lines);
        }
    }
    if let Some(src) = &f.source {
        let mut line = String::new();
        if let Some(a) = src.author.as_deref().filter(|a| !a.trim().is_empty()) {
            let _ = write!(line, "{}：", a.trim());
        }
        match src.title.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => {
                let _ = write!(line, "《{}》", t.trim());
            }
            None => line.push_str("文章（原文未署标题）"),
        }
        if let Some(p) = src.publication.as_deref().filter(|p| !p.trim().is_empty()) {
            let _ = write!(line, "，{}", p.trim());
        }
        if let Some(i) = src.issue.as_deref().filter(|i| !i.trim().is_empty()) {
            line.push_str(i.trim());
        } else if let Some(d) = src.date.as_deref().filter(|d| !d.trim().is_empty()) {
            let _ = write!(line, "，{}", d.trim());
        }
        line.push('。');
        heads.push("资料来源".into());
        anchors.push(String::new());
        out.push_str("资料来源\n");
        out.push_str(&line);
        out.push('\n');
    }
    out
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

/// Build the index of `site` and hand its files to `sink`; returns the number of files.
///
/// With a `cache` (`zhiku serve`, kept in [`crate::state::State`] from one build to the next),
/// every document's tokens are kept (keyed by a hash of the document) with the last postings,
/// so only documents that changed are tokenized again, and when documents only changed in
/// place their postings are patched. The files are the same whatever the cache holds (a new
/// cache is always correct, only slower).
pub fn write(
    site: &Site,
    sink: &dyn Sink,
    mut cache: Option<&mut SearchCache>,
) -> Result<usize, Diagnostic> {
    use rayon::prelude::*;
    let docs = docs(site);
    let tax = facets(site);
    let mut prepared = index::prepare(&docs, DIR, cache.as_deref_mut(), &tax);
    let head = std::mem::take(&mut prepared.head);
    let n = head.len() + docs.len();
    let put = |(path, bytes): (String, Vec<u8>)| {
        sink.put(&path, bytes)
            .map_err(|e| Diagnostic::global(format!("cannot write {path}: {e}")))
    };
    // With a cache, a file of the head (shards, fold table, filters) that is the same as
    // last time is kept if the sink still has it (serve): a one-page edit rewrites only the
    // shards whose postings changed.
    let same: Vec<bool> = match cache {
        Some(c) => c.same_files(&head),
        None => vec![false; head.len()],
    };
    head.into_par_iter()
        .zip(same)
        .filter(|((path, _), same)| !(*same && sink.keep(path)))
        .try_for_each(|(file, _)| put(file))?;
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
