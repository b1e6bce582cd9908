//! The data templates see, as JSON values built once per page and shared by every listing.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::paths;
use crate::resolve::Graph;
use crate::site::{Page, Ref, Site};

/// Values built once per build.
pub(crate) struct Values {
    /// A page's summary (everything but its content): used in listings and by `get_page`.
    /// Shared with [`SummaryCache`] (serve), which hands an unchanged page's summary to the
    /// next build as it is.
    pub pages: Vec<Arc<Value>>,
    /// Hashes of `pages` when a [`SummaryCache`] made them (empty otherwise).
    pub(super) page_hashes: Vec<u64>,
    /// A section's summary without its pages (see [`Values::section`]).
    pub(super) sections: Vec<Value>,
    /// The same with `pages`, the summaries of its pages: made when first asked for (a
    /// rebuild by `serve` usually needs few of them).
    full_sections: Vec<std::sync::OnceLock<Value>>,
    /// Each section's module handout (print page), made when first asked for.
    handouts: Vec<std::sync::OnceLock<super::handout::Handout>>,
    /// URL → page, for the handouts' links (made once, when the first handout is made).
    pub(super) page_by_url: std::sync::OnceLock<HashMap<String, usize>>,
    /// Each section's pages, in order.
    section_pages: Vec<Vec<usize>>,
    pub config: Value,
    /// `nav` in every template: `[{title, url, path}]` of the home page's sections, for the
    /// site's main navigation. (The theme used `get_section("_index.md").subsections`, which
    /// copies every page summary of the site into every page: quadratic in the site's size.)
    pub nav: Value,
}

/// Most entries of `page.siblings` (the pages of the page's section around it).
pub(crate) const SIBLINGS: usize = 100;

/// `{title, url}` of a page or section.
pub(crate) fn link_value(site: &Site, r: Ref) -> Value {
    match r {
        Ref::Page(i) => {
            json!({"title": site.pages[i].meta.fields.title, "url": site.url(&site.pages[i].path), "kind": "page"})
        }
        Ref::Section(i) => {
            json!({"title": site.sections[i].title(), "url": site.url(&site.sections[i].path), "kind": "section"})
        }
    }
}

/// `config` in templates: site.toml with `base_url` and `base_path`.
pub(crate) fn config_value(site: &Site) -> Value {
    let c = &site.config;
    let taxonomies: Vec<Value> = c
        .taxonomies
        .iter()
        .map(
            |t| json!({"name": t.name, "title": t.title, "url": site.url(&format!("{}/", t.name))}),
        )
        .collect();
    let extra = serde_json::to_value(&c.extra).unwrap_or(Value::Null);
    json!({
        "title": c.title,
        "description": c.description,
        "base_url": c.base_url,
        "base_path": site.base_path(),
        "language": c.language,
        "theme": c.theme,
        "taxonomies": taxonomies,
        "markdown": c.markdown,
        "variants": {"hant": c.variants.hant, "hant_path": c.variants.hant_path, "hant_variant": c.variants.hant_variant, "hant_lang": c.variants.hant_variant.lang(), "hant_og_locale": c.variants.hant_variant.og_locale()},
        "extra": extra,
    })
}

fn page_taxonomies(site: &Site, page: &Page) -> Value {
    let mut map = Map::new();
    for t in &site.config.taxonomies {
        let Some(terms) = page.meta.taxonomies.get(&t.name) else {
            continue;
        };
        // `江苏省/南京市/鼓楼区` is three terms (see `resolve::taxonomy::term_path`).
        let mut list: Vec<Value> = Vec::new();
        for name in terms
            .iter()
            .flat_map(|w| crate::resolve::taxonomy::term_path(w))
        {
            let v = json!({"name": name, "url": site.url(&format!("{}/{}/", t.name, crate::slug::term_slug(name)))});
            if !list.contains(&v) {
                list.push(v);
            }
        }
        map.insert(t.name.clone(), Value::Array(list));
    }
    Value::Object(map)
}

/// Breadcrumb trail of a section (from the home page down to and including it).
pub(crate) fn ancestors(site: &Site, mut section: usize) -> Vec<Value> {
    let mut list = Vec::new();
    loop {
        list.push(link_value(site, Ref::Section(section)));
        match site.sections[section].parent {
            Some(p) => section = p,
            None => break,
        }
    }
    list.reverse();
    list
}

fn page_summary(site: &Site, graph: &Graph, i: usize) -> Value {
    let p = &site.pages[i];
    let f = &p.meta.fields;
    let cases: Vec<Value> = graph.cases[i]
        .iter()
        .map(|&c| link_value(site, Ref::Page(c)))
        .collect();
    json!({
        "title": f.title,
        "description": f.description,
        "summary": p.links.summary_html,
        "summary_text": f.summary,
        "url": site.url(&p.path),
        "permalink": site.permalink(&p.path),
        "path": p.path,
        "rel_path": p.rel_path,
        "slug": p.slug,
        "date": f.date,
        "updated": f.updated,
        "weight": f.weight,
        "draft": f.draft,
        "reading_time": p.rendered.words.reading_minutes(),
        "word_count": p.rendered.words.total(),
        "taxonomies": page_taxonomies(site, p),
        "source": f.source,
        "cases": cases,
        "extra": f.extra,
        "section": link_value(site, Ref::Section(p.section)),
    })
}

/// `page.quiz`: the self-check questions of `extra.quiz`, checked and numbered (see
/// [`crate::resolve::course::quiz`]; a malformed list was reported when resolving).
pub(crate) fn quiz_value(p: &Page) -> Value {
    match crate::resolve::course::quiz(&p.meta.fields.extra) {
        Ok(items) => serde_json::to_value(items).unwrap_or(Value::Null),
        Err(_) => Value::Array(Vec::new()),
    }
}

/// A section's summary, without `pages`.
fn section_summary(site: &Site, i: usize) -> Value {
    let s = &site.sections[i];
    let words: usize = s
        .pages
        .iter()
        .map(|&p| site.pages[p].rendered.words.total())
        .sum();
    let minutes: usize = s
        .pages
        .iter()
        .map(|&p| site.pages[p].rendered.words.reading_minutes())
        .sum();
    json!({
        "title": s.title(),
        "description": s.meta.description,
        "summary": s.links.summary_html,
        "url": site.url(&s.path),
        "permalink": site.permalink(&s.path),
        "path": s.path,
        "rel_path": s.rel_path,
        "weight": s.meta.weight,
        "extra": s.meta.extra,
        "page_count": s.pages.len(),
        "word_count": words,
        "reading_time": minutes,
    })
}

/// Page summaries kept between `serve`'s rebuilds: a page whose summary's inputs did not
/// change keeps its summary (and the summary's hash) rather than having them built again
/// (on a 10,000-page site, most of the time of a rebuild's values).
#[derive(Default)]
pub(crate) struct SummaryCache {
    entries: HashMap<String, CachedSummary>,
}

struct CachedSummary {
    /// The page's loaded data (kept so that pointer equality means the same data).
    meta: Arc<crate::frontmatter::PageMeta>,
    rendered: Arc<crate::markdown::Rendered>,
    /// Hash of everything else the summary is made of (see [`summary_key`]).
    key: u64,
    value: Arc<Value>,
    hash: u64,
}

/// Hash of what a page's summary is made of, besides its front matter and rendered
/// Markdown: the site's URLs and taxonomies (`global`), the page's resolved summary, paths,
/// slug, its cases' titles and URLs, and its section's title and URL. Every input of
/// [`page_summary`] other than `meta` and `rendered` must be fed here.
fn summary_key(site: &Site, graph: &Graph, i: usize, global: u64) -> u64 {
    let p = &site.pages[i];
    let mut h = crate::fingerprint::hasher();
    h.write_u64(global);
    p.links.summary_html.hash(&mut h);
    p.path.hash(&mut h);
    p.rel_path.hash(&mut h);
    p.slug.hash(&mut h);
    h.write_usize(graph.cases[i].len());
    for &c in &graph.cases[i] {
        site.pages[c].meta.fields.title.hash(&mut h);
        site.pages[c].path.hash(&mut h);
    }
    let s = &site.sections[p.section];
    s.title().hash(&mut h);
    s.path.hash(&mut h);
    h.finish()
}

impl Values {
    /// Every page's and section's summary and the site-wide values, reusing the summaries of
    /// `cache` (serve) whose inputs did not change and leaving this build's in it.
    pub(crate) fn build(site: &Site, graph: &Graph, cache: Option<&mut SummaryCache>) -> Values {
        use rayon::prelude::*;
        let config = config_value(site);
        let (pages, page_hashes): (Vec<Arc<Value>>, Vec<u64>) = match cache {
            None => (
                (0..site.pages.len())
                    .into_par_iter()
                    .map(|i| Arc::new(page_summary(site, graph, i)))
                    .collect(),
                Vec::new(),
            ),
            Some(cache) => {
                let mut g = crate::fingerprint::hasher();
                crate::fingerprint::hash_json(&config, &mut g);
                let global = g.finish();
                let old = &cache.entries;
                let fresh: Vec<(u64, Arc<Value>, u64)> = (0..site.pages.len())
                    .into_par_iter()
                    .map(|i| {
                        let p = &site.pages[i];
                        let key = summary_key(site, graph, i, global);
                        match old.get(&p.rel_path) {
                            Some(c)
                                if c.key == key
                                    && Arc::ptr_eq(&c.meta, &p.meta)
                                    && Arc::ptr_eq(&c.rendered, &p.rendered) =>
                            {
                                (key, c.value.clone(), c.hash)
                            }
                            _ => {
                                let v = page_summary(site, graph, i);
                                let h = crate::fingerprint::of_json(&v);
                                (key, Arc::new(v), h)
                            }
                        }
                    })
                    .collect();
                let mut entries = HashMap::with_capacity(fresh.len());
                let mut pages = Vec::with_capacity(fresh.len());
                let mut hashes = Vec::with_capacity(fresh.len());
                for (p, (key, value, hash)) in site.pages.iter().zip(fresh) {
                    entries.insert(
                        p.rel_path.clone(),
                        CachedSummary {
                            meta: p.meta.clone(),
                            rendered: p.rendered.clone(),
                            key,
                            value: value.clone(),
                            hash,
                        },
                    );
                    pages.push(value);
                    hashes.push(hash);
                }
                let old = std::mem::replace(&mut cache.entries, entries);
                super::drop_later(old);
                (pages, hashes)
            }
        };
        let sections: Vec<Value> = (0..site.sections.len())
            .map(|i| section_summary(site, i))
            .collect();
        let nav = site.sections[0]
            .subsections
            .iter()
            .map(|&i| {
                let s = &site.sections[i];
                json!({"title": s.title(), "url": site.url(&s.path), "path": s.path})
            })
            .collect();
        Values {
            pages,
            page_hashes,
            full_sections: sections.iter().map(|_| Default::default()).collect(),
            handouts: sections.iter().map(|_| Default::default()).collect(),
            page_by_url: Default::default(),
            section_pages: site.sections.iter().map(|s| s.pages.clone()).collect(),
            sections,
            config,
            nav: Value::Array(nav),
        }
    }

    /// A section's summary with the summaries of its pages (`pages`): `get_section` and
    /// listings.
    pub(crate) fn section(&self, i: usize) -> &Value {
        self.full_sections[i].get_or_init(|| {
            let mut v = self.sections[i].clone();
            v["pages"] = Value::Array(
                self.section_pages[i]
                    .iter()
                    .map(|&p| Value::clone(&self.pages[p]))
                    .collect(),
            );
            v
        })
    }

    /// The handout of section `i` (its print page's lessons, appendix and introduction).
    pub(crate) fn handout(&self, site: &Site, i: usize) -> &super::handout::Handout {
        self.handouts[i].get_or_init(|| super::handout::build(site, self, i))
    }

    /// A section's summary without its pages (an entry of `subsections`).
    pub(crate) fn summary_of_section(&self, i: usize) -> &Value {
        &self.sections[i]
    }

    /// The full `page` of a page's own template.
    pub(crate) fn page_full(&self, site: &Site, graph: &Graph, i: usize) -> Value {
        let p = &site.pages[i];
        let mut v = Value::clone(&self.pages[i]);
        let refs =
            |list: &[Ref]| -> Vec<Value> { list.iter().map(|&r| link_value(site, r)).collect() };
        let sums = |list: &[usize]| -> Vec<Value> {
            list.iter().map(|&q| Value::clone(&self.pages[q])).collect()
        };
        if let Value::Object(m) = &mut v {
            m.insert("content".into(), Value::String(p.links.html.clone()));
            m.insert(
                "toc".into(),
                serde_json::to_value(&p.rendered.toc).unwrap_or(Value::Null),
            );
            m.insert("ancestors".into(), Value::Array(ancestors(site, p.section)));
            m.insert(
                "backlinks".into(),
                Value::Array(refs(&graph.page_backlinks[i])),
            );
            m.insert("related".into(), Value::Array(sums(&graph.related[i])));
            // What the page shows of them: each related page once, in the most specific
            // list (see `course::shown_lists`).
            m.insert(
                "other_backlinks".into(),
                Value::Array(refs(&graph.shown_backlinks[i])),
            );
            m.insert(
                "other_related".into(),
                Value::Array(sums(&graph.shown_related[i])),
            );
            m.insert("quiz".into(), quiz_value(p));
            m.insert("lessons".into(), Value::Array(sums(&graph.lessons[i])));
            m.insert("cases".into(), Value::Array(sums(&graph.cases[i])));
            let (prev, next) = graph.prev_next[i];
            m.insert(
                "prev".into(),
                prev.map(|q| Value::clone(&self.pages[q]))
                    .unwrap_or(Value::Null),
            );
            m.insert(
                "next".into(),
                next.map(|q| Value::clone(&self.pages[q]))
                    .unwrap_or(Value::Null),
            );
            let section = &site.sections[p.section];
            // At most SIBLINGS pages around this one: every page of a section listing all the
            // others would make a large section quadratic.
            let at = section.pages.iter().position(|&q| q == i).unwrap_or(0);
            let start = at
                .saturating_sub(SIBLINGS / 2)
                .min(section.pages.len().saturating_sub(SIBLINGS));
            let module: Vec<Value> = section.pages[start..]
                .iter()
                .take(SIBLINGS)
                .map(|&q| {
                    json!({"title": site.pages[q].meta.fields.title, "url": site.url(&site.pages[q].path), "current": q == i})
                })
                .collect();
            m.insert("siblings".into(), Value::Array(module));
            // A lesson of a course module: its number, the module's size, the modules around.
            let lesson = if crate::resolve::course::is_module(site, p.section) {
                let (prev_m, next_m) = graph.modules[p.section];
                let module_link = |s: Option<usize>| {
                    s.map(|s| link_value(site, Ref::Section(s)))
                        .unwrap_or(Value::Null)
                };
                json!({
                    "number": at + 1,
                    "count": section.pages.len(),
                    "hours": p.meta.fields.extra.get("hours").cloned().unwrap_or(Value::Null),
                    "module": link_value(site, Ref::Section(p.section)),
                    "print_url": planned_url(site, graph, &paths::index_file(&paths::print_path(&section.path))),
                    "prev_module": module_link(prev_m),
                    "next_module": module_link(next_m),
                })
            } else {
                Value::Null
            };
            m.insert("lesson".into(), lesson);
            m.insert(
                "assets".into(),
                Value::Array(
                    p.assets
                        .iter()
                        .filter_map(|a| site.content_assets.get(a))
                        .map(|a| Value::String(site.url(&a.output)))
                        .collect(),
                ),
            );
        }
        v
    }

    /// The full `section` of a section's own template.
    pub(crate) fn section_full(&self, site: &Site, graph: &Graph, i: usize) -> Value {
        self.section_with(site, graph, i, self.section(i).clone())
    }

    /// [`Values::section_full`] without `pages` (the print page has them in `pages`).
    pub(crate) fn section_without_pages(&self, site: &Site, graph: &Graph, i: usize) -> Value {
        self.section_with(site, graph, i, self.sections[i].clone())
    }

    fn section_with(&self, site: &Site, graph: &Graph, i: usize, mut v: Value) -> Value {
        let s = &site.sections[i];
        if let Value::Object(m) = &mut v {
            m.insert("content".into(), Value::String(s.links.html.clone()));
            m.insert(
                "toc".into(),
                serde_json::to_value(&s.rendered.toc).unwrap_or(Value::Null),
            );
            let parent_ancestors = match s.parent {
                Some(p) => ancestors(site, p),
                None => Vec::new(),
            };
            m.insert("ancestors".into(), Value::Array(parent_ancestors));
            // Summaries without their pages: the home page would otherwise copy every page
            // of the site (`get_section(path=sub.rel_path)` gives one subsection's pages).
            let subs: Vec<Value> = s
                .subsections
                .iter()
                .map(|&x| self.sections[x].clone())
                .collect();
            m.insert("subsections".into(), Value::Array(subs));
            let back: Vec<Value> = graph.section_backlinks[i]
                .iter()
                .map(|&r| link_value(site, r))
                .collect();
            m.insert("backlinks".into(), Value::Array(back));
            let print = paths::index_file(&paths::print_path(&s.path));
            m.insert("print_url".into(), planned_url(site, graph, &print));
            let feed = paths::feed_file(&s.path);
            m.insert("feed_url".into(), planned_url(site, graph, &feed));
        }
        v
    }
}

/// Taxonomy as templates see it (`get_taxonomy`, term listings).
pub(crate) fn taxonomy_value(
    site: &Site,
    values: &Values,
    t: &crate::resolve::Taxonomy,
    with_pages: bool,
) -> Value {
    let terms: Vec<Value> = t
        .terms
        .iter()
        .map(|term| {
            let mut v = json!({
                "name": term.name,
                "slug": term.slug,
                "url": site.url(&term.path(&t.config.name)),
                "count": term.pages.len(),
                "parent": term.parent,
            });
            if with_pages {
                v["pages"] = Value::Array(
                    term.pages
                        .iter()
                        .map(|&p| Value::clone(&values.pages[p]))
                        .collect(),
                );
            }
            v
        })
        .collect();
    // `tree`: the terms under their parents (`江苏省` → `南京市` → `鼓楼区`), each level with
    // the most used first; `null` when no term has a parent.
    let tree = if t.terms.iter().any(|x| x.parent.is_some()) {
        let known: std::collections::HashSet<&str> =
            t.terms.iter().map(|x| x.slug.as_str()).collect();
        fn level(
            site: &Site,
            t: &crate::resolve::Taxonomy,
            known: &std::collections::HashSet<&str>,
            parent: Option<&str>,
            depth: usize,
        ) -> Vec<Value> {
            let mut list: Vec<&crate::resolve::Term> = t
                .terms
                .iter()
                .filter(|x| {
                    let p = x.parent.as_deref().filter(|p| known.contains(p));
                    p == parent
                })
                .collect();
            list.sort_by(|a, b| {
                b.pages
                    .len()
                    .cmp(&a.pages.len())
                    .then_with(|| a.slug.cmp(&b.slug))
            });
            list.into_iter()
                .map(|x| {
                    // A loop of parents (a/b and b/a) stops at a depth no real hierarchy has.
                    let children = if depth < 8 {
                        level(site, t, known, Some(&x.slug), depth + 1)
                    } else {
                        Vec::new()
                    };
                    json!({"name": x.name, "url": site.url(&x.path(&t.config.name)), "count": x.pages.len(), "children": children})
                })
                .collect()
        }
        Value::Array(level(site, t, &known, None, 0))
    } else {
        Value::Null
    };
    json!({
        "name": t.config.name,
        "title": t.config.title,
        "url": site.url(&format!("{}/", t.config.name)),
        "terms": terms,
        "tree": tree,
    })
}

/// The URL of an output the plan writes (a print page, a feed), or null when the build does
/// not write it (the theme has no such template, the section has no pages, `feed: false`).
fn planned_url(site: &Site, graph: &Graph, file: &str) -> Value {
    if graph.plan.writes(file) {
        let dir = file.strip_suffix("index.html").unwrap_or(file);
        Value::String(site.url(dir))
    } else {
        Value::Null
    }
}
