//! The values of the machine-read listings: Atom feeds (site, sections, terms) and
//! `sitemap.xml`. URLs in them are percent-encoded, as XML readers expect.

use serde_json::{json, Value};

use crate::paths::{self, encode_url};
use crate::resolve::plan::FeedOf;
use crate::resolve::Graph;
use crate::site::{PageId, Site};

use super::context::Values;

/// How many entries a feed lists (the newest).
const FEED_LIMIT: usize = 20;

/// The `feed` value of the feed `of`, written at `out`.
pub(super) fn feed(site: &Site, graph: &Graph, values: &Values, of: FeedOf, out: &str) -> Value {
    let (title, html_path, mut pages) = match of {
        FeedOf::Site => (
            site.config.title.clone(),
            String::new(),
            (0..site.pages.len()).map(PageId).collect::<Vec<_>>(),
        ),
        FeedOf::Section(id) => {
            let s = &site.sections[id];
            (
                format!("{} · {}", s.title(), site.config.title),
                s.path.clone(),
                s.pages.clone(),
            )
        }
        FeedOf::Term(id) => {
            let tax = &graph.taxonomies[id.taxonomy.0];
            let term = &tax.terms[id.index];
            (
                format!(
                    "{}：{} · {}",
                    tax.config.title, term.name, site.config.title
                ),
                paths::term_path(&tax.config.name, &term.slug),
                term.pages.clone(),
            )
        }
    };
    crate::resolve::taxonomy::sort_newest_first(&mut pages, site);
    pages.truncate(FEED_LIMIT);
    let updated = pages
        .iter()
        .filter_map(|&p| {
            let f = &site.pages[p].meta.fields;
            f.updated.as_ref().or(f.date.as_ref())
        })
        .max()
        .map(|d| d.rfc3339())
        // Undated pages (dates are optional): when their files last changed, a fact,
        // rather than an invented date.
        .or_else(|| {
            pages
                .iter()
                .filter_map(|&p| file_modified(&site.pages[p].file))
                .max()
        })
        .unwrap_or_else(|| "2000-01-01T00:00:00+00:00".into());
    let entries: Vec<Value> = pages
        .iter()
        .map(|&p| {
            let mut v = values.pages.value(p);
            let f = &site.pages[p].meta.fields;
            v["permalink"] = Value::String(encode_url(&site.permalink(&site.pages[p].path)));
            v["published"] = f
                .date
                .as_ref()
                .map(|d| Value::String(d.rfc3339()))
                .unwrap_or(Value::Null);
            v["updated_rfc3339"] = Value::String(
                f.updated
                    .as_ref()
                    .or(f.date.as_ref())
                    .map(|d| d.rfc3339())
                    .or_else(|| file_modified(&site.pages[p].file))
                    .unwrap_or_else(|| updated.clone()),
            );
            v
        })
        .collect();
    json!({
        "title": title,
        "url": encode_url(&site.permalink(out)),
        "alternate": encode_url(&site.permalink(&html_path)),
        "updated": updated,
        "entries": entries,
    })
}

/// The `entries` of `sitemap.xml`: every section, page, taxonomy and term page; with a
/// zh-Hant `edition`, the one sitemap lists both editions (see [`crate::variants`]).
pub(super) fn sitemap_entries(
    site: &Site,
    graph: &Graph,
    edition: Option<&crate::variants::Edition>,
) -> Value {
    let mut entries: Vec<Value> = Vec::new();
    let mut push = |path: &str, updated: Option<String>| {
        entries.push(json!({"permalink": site.permalink(path), "updated": updated}));
    };
    for s in &site.sections {
        push(&s.path, None);
    }
    for p in &site.pages {
        let f = &p.meta.fields;
        let d = f
            .updated
            .as_ref()
            .or(f.date.as_ref())
            .map(|d| d.as_written());
        push(&p.path, d);
    }
    for t in &graph.taxonomies {
        let name = &t.config.name;
        push(&paths::taxonomy_path(name), None);
        for term in &t.terms {
            push(&paths::term_path(name, &term.slug), None);
        }
    }
    if let Some(edition) = edition {
        entries = edition.sitemap_entries(entries);
    }
    for e in &mut entries {
        if let Some(s) = e["permalink"].as_str() {
            e["permalink"] = Value::String(encode_url(s));
        }
        for a in e["alternates"].as_array_mut().into_iter().flatten() {
            if let Some(s) = a["permalink"].as_str() {
                a["permalink"] = Value::String(encode_url(s));
            }
        }
    }
    Value::Array(entries)
}

/// When `file` last changed, as an RFC 3339 timestamp in UTC (for feeds of undated pages).
fn file_modified(file: &std::path::Path) -> Option<String> {
    let t = std::fs::metadata(file).and_then(|m| m.modified()).ok()?;
    Some(
        chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}
