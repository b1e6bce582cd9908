//! The data templates see that is built once per build: each page's and section's summary
//! and links, typed ([`PageSummary`], [`SectionSummary`], [`Link`]) and borrowing the site,
//! kept on [`Shelf`]s and shared by reference ([`Shared`]) by every context that shows them
//! (see [`super::parts`]). Nothing here is a JSON value until a template needs it: a
//! summary is serialized into each context that lists it, as Tera 1 requires (its contexts
//! own their values), but the site's summaries are never all held as JSON at once.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::fingerprint::Shared;
use crate::resolve::Graph;
use crate::site::{Page, PageId, Position, Ref, SectionId, Site};

/// Data built once per build and shared by every context that shows it.
pub(crate) struct Values<'a> {
    /// A page's summary (everything but its content): listings, neighbours, related pages.
    pub pages: Shelf<PageSummary<'a>>,
    /// `{title, url}` of each page (`page.siblings` entries).
    pub(super) page_links: Shelf<Link<'a>>,
    /// `{title, url, kind: "page"}` of each page (backlinks).
    pub(super) page_refs: Shelf<Link<'a>>,
    /// A section's summary without its pages.
    pub(super) sections: Shelf<SectionSummary<'a>>,
    /// `{title, url, kind: "section"}` of each section (breadcrumbs, backlinks).
    pub(super) section_refs: Shelf<Link<'a>>,
    /// URL → page, for the handouts' links (made once, when the first handout is made).
    pub(super) page_by_url: std::sync::OnceLock<HashMap<String, usize>>,
    pub config: Value,
    /// `nav` in every template: `[{title, url, path}]` of the home page's sections, for the
    /// site's main navigation. (The theme used `get_section("_index.md").subsections`, which
    /// copies every page summary of the site into every page: quadratic in the site's size.)
    pub nav: Value,
}

/// Typed data built once per build, one item per page or section, with their fingerprints
/// when the build keeps fingerprints (`serve`): a context holds them as [`Shared`]
/// references.
pub(crate) struct Shelf<T> {
    items: Vec<T>,
    /// Empty when the build keeps no fingerprints.
    fingerprints: Vec<u64>,
}

impl<T: Serialize + Send + Sync> Shelf<T> {
    /// The items `make` builds, fingerprinted when `keep`.
    fn build(n: usize, keep: bool, make: impl Fn(usize) -> T + Sync + Send) -> Shelf<T> {
        use rayon::prelude::*;
        let items: Vec<T> = (0..n).into_par_iter().map(make).collect();
        let fingerprints = if keep {
            items
                .par_iter()
                .map(crate::fingerprint::of_serialize)
                .collect()
        } else {
            Vec::new()
        };
        Shelf {
            items,
            fingerprints,
        }
    }
}

impl<T: Serialize> Shelf<T> {
    /// Item `i`, as a context holds it.
    pub(crate) fn get(&self, i: impl Position) -> Shared<'_, T> {
        Shared {
            value: &self.items[i.at()],
            fingerprint: self.fingerprints.get(i.at()).copied(),
        }
    }

    /// Items `list`, as a context holds them.
    pub(crate) fn list(&self, list: &[impl Position]) -> Vec<Shared<'_, T>> {
        list.iter().map(|&i| self.get(i)).collect()
    }

    /// The fingerprint of item `i` (kept when the build keeps them, else made now).
    pub(crate) fn fingerprint(&self, i: impl Position) -> u64 {
        match self.fingerprints.get(i.at()) {
            Some(&f) => f,
            None => crate::fingerprint::of_serialize(&self.items[i.at()]),
        }
    }

    /// Item `i` as a JSON value (for the values assembled by hand: handouts, feeds).
    pub(crate) fn value(&self, i: impl Position) -> Value {
        to_value(&self.items[i.at()])
    }
}

/// The JSON value of typed context data. Serializing our data cannot fail (every map has
/// string keys); should it, the value is null and the template shows nothing there.
pub(crate) fn to_value<T: Serialize + ?Sized>(typed: &T) -> Value {
    serde_json::to_value(typed).unwrap_or(Value::Null)
}

/// Most entries of `page.siblings` (the pages of the page's section around it).
pub(crate) const SIBLINGS: usize = 100;

/// `{title, url}` of a page or section, with `kind` (`page`, `section`) where a list holds
/// both.
#[derive(Serialize)]
pub(crate) struct Link<'a> {
    title: Cow<'a, str>,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
}

/// The link to page `p`.
fn page_link<'a>(site: &'a Site, p: PageId, kind: Option<&'static str>) -> Link<'a> {
    let page = &site.pages[p];
    Link {
        title: Cow::Borrowed(&page.meta.fields.title),
        url: site.url(&page.path),
        kind,
    }
}

/// The link to section `s` (`kind: "section"`).
fn section_link(site: &Site, s: SectionId) -> Link<'_> {
    let section = &site.sections[s];
    Link {
        title: Cow::Owned(section.title()),
        url: site.url(&section.path),
        kind: Some("section"),
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
pub(crate) struct PageSummary<'a> {
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
    cases: Vec<Link<'a>>,
    extra: &'a Map<String, Value>,
    section: Link<'a>,
}

/// The summary of page `i`.
pub(crate) fn page_summary<'a>(site: &'a Site, graph: &Graph, i: PageId) -> PageSummary<'a> {
    let p = &site.pages[i];
    let f = &p.meta.fields;
    PageSummary {
        title: &f.title,
        description: &f.description,
        summary: &p.resolved.summary_html,
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
        cases: graph.cases[i.0]
            .iter()
            .map(|&c| page_link(site, c, Some("page")))
            .collect(),
        extra: &f.extra,
        section: section_link(site, p.section),
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
pub(crate) struct SectionSummary<'a> {
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

/// The summary of section `i`, without its pages.
pub(crate) fn section_summary(site: &Site, i: SectionId) -> SectionSummary<'_> {
    let s = &site.sections[i];
    let pages = s.pages.iter().map(|&p| &site.pages[p].rendered.words);
    SectionSummary {
        title: s.title(),
        description: &s.meta.description,
        summary: &s.resolved.summary_html,
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

impl<'a> Values<'a> {
    /// Every page's and section's summary and links and the site-wide values, fingerprinted
    /// when `keep` (serve).
    pub(crate) fn build(site: &'a Site, graph: &'a Graph, keep: bool) -> Values<'a> {
        let (pages, sections) = (&site.pages, &site.sections);
        let nav = sections[0]
            .subsections
            .iter()
            .map(|&i| {
                let s = &sections[i];
                json!({"title": s.title(), "url": site.url(&s.path), "path": s.path})
            })
            .collect();
        Values {
            pages: Shelf::build(pages.len(), keep, |i| page_summary(site, graph, PageId(i))),
            page_links: Shelf::build(pages.len(), keep, |i| page_link(site, PageId(i), None)),
            page_refs: Shelf::build(pages.len(), keep, |i| {
                page_link(site, PageId(i), Some("page"))
            }),
            sections: Shelf::build(sections.len(), keep, |i| {
                section_summary(site, SectionId(i))
            }),
            section_refs: Shelf::build(sections.len(), keep, |i| section_link(site, SectionId(i))),
            page_by_url: Default::default(),
            config: config_value(site),
            nav: Value::Array(nav),
        }
    }

    /// Breadcrumb trail of a section: `{title, url, kind}` from the home page down to and
    /// including it.
    pub(crate) fn trail(&self, site: &Site, mut section: SectionId) -> Vec<Shared<'_, Link<'a>>> {
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
    pub(crate) fn refs(&self, list: &[Ref]) -> Vec<Shared<'_, Link<'a>>> {
        list.iter()
            .map(|r| match *r {
                Ref::Page(q) => self.page_refs.get(q),
                Ref::Section(q) => self.section_refs.get(q),
            })
            .collect()
    }
}

/// Taxonomy as templates see it, without its terms' pages (`taxonomy_list.html`;
/// `get_taxonomy` adds them).
pub(crate) fn taxonomy_value(site: &Site, t: &crate::resolve::Taxonomy) -> Value {
    let terms: Vec<Value> = t
        .terms
        .iter()
        .map(|term| {
            json!({
                "name": term.name,
                "slug": term.slug,
                "url": site.url(&term.path(&t.config.name)),
                "count": term.pages.len(),
                "parent": term.parent,
            })
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
