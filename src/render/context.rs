//! The data templates see that is built once per build: each page's and section's summary
//! and links, typed ([`PageSummary`], [`SectionSummary`]) and turned into JSON values once,
//! shared by reference ([`Shared`]) by every context that shows them (see [`super::parts`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::fingerprint::Shared;
use crate::resolve::Graph;
use crate::site::{Page, PageId, Position, Ref, SectionId, Site};

/// Values built once per build and shared by every context that shows them.
pub(crate) struct Values {
    /// A page's summary (everything but its content): used in listings and by `get_page`.
    /// Shared with [`SummaryCache`] (serve), which hands an unchanged page's summary to the
    /// next build as it is.
    pub pages: Shelf,
    /// `{title, url}` of each page (`page.siblings` entries).
    pub(super) page_links: Shelf,
    /// `{title, url, kind: "page"}` of each page (backlinks, a summary's `cases`).
    pub(super) page_refs: Shelf,
    /// A section's summary without its pages (see [`Values::section`]).
    pub(super) sections: Shelf,
    /// `{title, url, kind: "section"}` of each section (breadcrumbs, backlinks).
    pub(super) section_refs: Shelf,
    /// The same with `pages`, the summaries of its pages: made when first asked for (a
    /// rebuild by `serve` usually needs few of them).
    full_sections: Vec<std::sync::OnceLock<Value>>,
    /// Each section's module handout (print page), made when first asked for.
    handouts: Vec<std::sync::OnceLock<super::handout::Handout>>,
    /// URL → page, for the handouts' links (made once, when the first handout is made).
    pub(super) page_by_url: std::sync::OnceLock<HashMap<String, usize>>,
    /// Each section's pages, in order.
    section_pages: Vec<Vec<PageId>>,
    pub config: Value,
    /// `nav` in every template: `[{title, url, path}]` of the home page's sections, for the
    /// site's main navigation. (The theme used `get_section("_index.md").subsections`, which
    /// copies every page summary of the site into every page: quadratic in the site's size.)
    pub nav: Value,
}

/// JSON values built once per build, one per page or section, with their fingerprints when
/// the build keeps fingerprints (`serve`): a context holds them as [`Shared`] references.
pub(crate) struct Shelf {
    pub values: Vec<Arc<Value>>,
    /// Empty when the build keeps no fingerprints.
    fingerprints: Vec<u64>,
}

impl Shelf {
    /// The values `make` builds from typed data (fingerprinted when `keep`).
    fn build<T: Serialize>(n: usize, keep: bool, make: impl Fn(usize) -> T + Sync) -> Shelf {
        use rayon::prelude::*;
        let made: Vec<(Arc<Value>, u64)> = (0..n)
            .into_par_iter()
            .map(|i| {
                let typed = make(i);
                let fingerprint = if keep {
                    crate::fingerprint::of_serialize(&typed)
                } else {
                    0
                };
                (Arc::new(to_value(&typed)), fingerprint)
            })
            .collect();
        let (values, fingerprints) = made.into_iter().unzip::<_, _, Vec<_>, Vec<_>>();
        Shelf {
            values,
            fingerprints: if keep { fingerprints } else { Vec::new() },
        }
    }

    /// Value `i`, as a context holds it.
    pub(crate) fn get(&self, i: impl Position) -> Shared<'_> {
        Shared {
            value: &self.values[i.at()],
            fingerprint: self.fingerprints.get(i.at()).copied(),
        }
    }

    /// Values `list`, as a context holds them.
    pub(crate) fn list(&self, list: &[impl Position]) -> Vec<Shared<'_>> {
        list.iter().map(|&i| self.get(i)).collect()
    }

    /// Value `i` itself.
    pub(crate) fn value(&self, i: impl Position) -> &Value {
        &self.values[i.at()]
    }
}

/// The JSON value of typed context data. Serializing our data cannot fail (every map has
/// string keys); should it, the value is null and the template shows nothing there.
pub(crate) fn to_value<T: Serialize + ?Sized>(typed: &T) -> Value {
    serde_json::to_value(typed).unwrap_or(Value::Null)
}

/// Most entries of `page.siblings` (the pages of the page's section around it).
pub(crate) const SIBLINGS: usize = 100;

/// `{title, url}` of a page or section (`kind` is added by [`Values::page_refs`] and
/// [`Values::section_refs`]).
#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
}

fn link<'a>(site: &Site, title: &'a str, path: &str, kind: Option<&'static str>) -> Link<'a> {
    Link {
        title,
        url: site.url(path),
        kind,
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

/// `{name, url}` of a term a page is filed under.
#[derive(Serialize, PartialEq)]
struct TermLink<'a> {
    name: &'a str,
    url: String,
}

fn page_taxonomies<'a>(site: &Site, page: &'a Page) -> BTreeMap<&'a str, Vec<TermLink<'a>>> {
    let mut map = BTreeMap::new();
    for t in &site.config.taxonomies {
        let Some((name, terms)) = page.meta.taxonomies.get_key_value(&t.name) else {
            continue;
        };
        // `江苏省/南京市/鼓楼区` is three terms (see `resolve::taxonomy::term_path`).
        let mut list: Vec<TermLink<'a>> = Vec::new();
        for term in terms
            .iter()
            .flat_map(|w| crate::resolve::taxonomy::term_path(w))
        {
            let v = TermLink {
                name: term,
                url: site.url(&format!("{}/{}/", t.name, crate::slug::term_slug(term))),
            };
            if !list.contains(&v) {
                list.push(v);
            }
        }
        map.insert(name.as_str(), list);
    }
    map
}

/// A page's summary: what listings, `get_page` and neighbours show of it.
#[derive(Serialize)]
struct PageSummary<'a> {
    title: &'a str,
    description: &'a Option<String>,
    summary: &'a str,
    summary_text: &'a Option<String>,
    url: String,
    permalink: String,
    path: &'a str,
    rel_path: &'a str,
    slug: &'a str,
    date: &'a Option<crate::frontmatter::Date>,
    updated: &'a Option<crate::frontmatter::Date>,
    weight: Option<i64>,
    draft: bool,
    reading_time: usize,
    word_count: usize,
    taxonomies: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    source: &'a Option<crate::frontmatter::Source>,
    cases: Vec<Shared<'a>>,
    extra: &'a Map<String, Value>,
    section: Shared<'a>,
}

fn page_summary<'a>(
    site: &'a Site,
    graph: &'a Graph,
    refs: (&'a Shelf, &'a Shelf),
    i: usize,
) -> PageSummary<'a> {
    let (page_refs, section_refs) = refs;
    let p = &site.pages[i];
    let f = &p.meta.fields;
    PageSummary {
        title: &f.title,
        description: &f.description,
        summary: &p.links.summary_html,
        summary_text: &f.summary,
        url: site.url(&p.path),
        permalink: site.permalink(&p.path),
        path: &p.path,
        rel_path: &p.rel_path,
        slug: &p.slug,
        date: &f.date,
        updated: &f.updated,
        weight: f.weight,
        draft: f.draft,
        reading_time: p.rendered.words.reading_minutes(),
        word_count: p.rendered.words.total(),
        taxonomies: page_taxonomies(site, p),
        source: &f.source,
        cases: page_refs.list(&graph.cases[i]),
        extra: &f.extra,
        section: section_refs.get(p.section),
    }
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
#[derive(Serialize)]
struct SectionSummary<'a> {
    title: String,
    description: &'a Option<String>,
    summary: &'a str,
    url: String,
    permalink: String,
    path: &'a str,
    rel_path: &'a str,
    weight: Option<i64>,
    extra: &'a Map<String, Value>,
    page_count: usize,
    word_count: usize,
    reading_time: usize,
}

fn section_summary(site: &Site, i: usize) -> SectionSummary<'_> {
    let s = &site.sections[i];
    let pages = s.pages.iter().map(|&p| &site.pages[p].rendered.words);
    SectionSummary {
        title: s.title(),
        description: &s.meta.description,
        summary: &s.links.summary_html,
        url: site.url(&s.path),
        permalink: site.permalink(&s.path),
        path: &s.path,
        rel_path: &s.rel_path,
        weight: s.meta.weight,
        extra: &s.meta.extra,
        page_count: s.pages.len(),
        word_count: pages.clone().map(|w| w.total()).sum(),
        reading_time: pages.map(|w| w.reading_minutes()).sum(),
    }
}

/// Page summaries kept between `serve`'s rebuilds: a page whose summary has the same
/// fingerprint as in the previous build keeps the summary built then (on a 10,000-page
/// site, building them is most of the time of a rebuild's values).
#[derive(Default)]
pub(crate) struct SummaryCache {
    /// Page (`rel_path`) → fingerprint of its summary, and the summary.
    entries: HashMap<String, (u64, Arc<Value>)>,
}

impl Values {
    /// Every page's and section's summary and links and the site-wide values; with `cache`
    /// (serve), fingerprinted, reusing the cached summaries whose fingerprint did not change
    /// and leaving this build's in it.
    pub(crate) fn build(site: &Site, graph: &Graph, cache: Option<&mut SummaryCache>) -> Values {
        use rayon::prelude::*;
        let keep = cache.is_some();
        let pages = &site.pages;
        let sections = &site.sections;
        let page_links = Shelf::build(pages.len(), keep, |i| {
            link(site, &pages[i].meta.fields.title, &pages[i].path, None)
        });
        let page_refs = Shelf::build(pages.len(), keep, |i| {
            link(
                site,
                &pages[i].meta.fields.title,
                &pages[i].path,
                Some("page"),
            )
        });
        let titles: Vec<String> = sections.iter().map(|s| s.title()).collect();
        let section_refs = Shelf::build(sections.len(), keep, |i| {
            link(site, &titles[i], &sections[i].path, Some("section"))
        });
        let refs = (&page_refs, &section_refs);
        let summaries = match cache {
            None => Shelf::build(pages.len(), false, |i| page_summary(site, graph, refs, i)),
            Some(cache) => {
                let old = &cache.entries;
                let made: Vec<(u64, Arc<Value>)> = (0..pages.len())
                    .into_par_iter()
                    .map(|i| {
                        let typed = page_summary(site, graph, refs, i);
                        let fingerprint = crate::fingerprint::of_serialize(&typed);
                        match old.get(&pages[i].rel_path) {
                            Some((f, value)) if *f == fingerprint => (fingerprint, value.clone()),
                            _ => (fingerprint, Arc::new(to_value(&typed))),
                        }
                    })
                    .collect();
                let entries = pages
                    .iter()
                    .zip(&made)
                    .map(|(p, m)| (p.rel_path.clone(), m.clone()))
                    .collect();
                super::drop_later(std::mem::replace(&mut cache.entries, entries));
                let (fingerprints, values) = made.into_iter().unzip();
                Shelf {
                    values,
                    fingerprints,
                }
            }
        };
        let section_summaries = Shelf::build(sections.len(), keep, |i| section_summary(site, i));
        let nav = sections[0]
            .subsections
            .iter()
            .map(|&i| {
                let s = &sections[i];
                json!({"title": s.title(), "url": site.url(&s.path), "path": s.path})
            })
            .collect();
        Values {
            pages: summaries,
            page_links,
            page_refs,
            full_sections: sections.iter().map(|_| Default::default()).collect(),
            handouts: sections.iter().map(|_| Default::default()).collect(),
            page_by_url: Default::default(),
            section_pages: sections.iter().map(|s| s.pages.clone()).collect(),
            sections: section_summaries,
            section_refs,
            config: config_value(site),
            nav: Value::Array(nav),
        }
    }

    /// A section's summary with the summaries of its pages (`pages`): `get_section`.
    pub(crate) fn section(&self, i: SectionId) -> &Value {
        self.full_sections[i.0].get_or_init(|| {
            let mut v = Value::clone(self.sections.value(i));
            v["pages"] = Value::Array(
                self.section_pages[i.0]
                    .iter()
                    .map(|&p| Value::clone(self.pages.value(p)))
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
    pub(crate) fn summary_of_section(&self, i: SectionId) -> &Value {
        self.sections.value(i)
    }

    /// Breadcrumb trail of a section: `{title, url, kind}` from the home page down to and
    /// including it.
    pub(crate) fn trail(&self, site: &Site, mut section: SectionId) -> Vec<Shared<'_>> {
        let mut list = Vec::new();
        loop {
            list.push(self.section_refs.get(section));
            match site.sections[section].parent {
                Some(p) => section = p,
                None => break,
            }
        }
        list.reverse();
        list
    }

    /// `{title, url, kind}` of pages and sections (backlinks).
    pub(crate) fn refs(&self, list: &[Ref]) -> Vec<Shared<'_>> {
        list.iter()
            .map(|r| match *r {
                Ref::Page(q) => self.page_refs.get(q),
                Ref::Section(q) => self.section_refs.get(q),
            })
            .collect()
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
                        .map(|&p| Value::clone(values.pages.value(p)))
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

/// The URL of an output the plan writes (a print page, a feed), or none (null) when the
/// build does not write it (the theme has no such template, the section has no pages,
/// `feed: false`).
pub(crate) fn planned_url(site: &Site, graph: &Graph, file: &str) -> Option<String> {
    graph.plan.writes(file).then(|| {
        let dir = file.strip_suffix("index.html").unwrap_or(file);
        site.url(dir)
    })
}
