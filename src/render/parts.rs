//! The one definition of what a template sees: each output's context is a list of named
//! [`Part`]s, typed structs that borrow the site and the values built once per build
//! ([`super::context::Values`]). A part serializes both into the JSON value the template
//! gets and, in `serve`, into the output's fingerprint ([`crate::fingerprint::of_serialize`],
//! see [`super::memo`]), so a field added to a context is one edit that the fingerprint
//! follows by construction.

use serde::Serialize;
use serde_json::Value;

use crate::fingerprint::Shared;
use crate::markdown::TocEntry;
use crate::paths::{self, pager_count, pager_path};
use crate::resolve::Graph;
use crate::site::{PageId, SectionId, Site};

use super::context::{
    planned_url, quiz_value, to_value, Link, PageSummary, SectionSummary, Values, SIBLINGS,
};

/// A page's summary, as a context holds it.
type Summary<'a> = Shared<'a, PageSummary<'a>>;

/// One entry of a template context.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum Part<'a> {
    /// A value made for this output alone (`current_url`, a feed, a taxonomy, a module
    /// handout's lessons).
    Value(Value),
    /// `page` of a page's own template.
    Page(Box<PageContext<'a>>),
    /// `section` of a listing or print page.
    Section(Box<SectionContext<'a>>),
    /// `paginator` of one pager of a listing.
    Paginator(Paginator<'a>),
    /// Shared links: a breadcrumb trail.
    Links(Vec<Shared<'a, Link<'a>>>),
}

impl Part<'_> {
    /// The JSON value the template sees (a value made for this output is moved, not
    /// copied).
    pub(crate) fn into_value(self) -> Value {
        match self {
            Part::Value(v) => v,
            other => to_value(&other),
        }
    }
}

/// `{title, url, current}` of a page around this one in its section.
#[derive(Serialize)]
struct Sibling<'a> {
    #[serde(flatten)]
    link: Shared<'a, Link<'a>>,
    current: bool,
}

/// `page.siblings`: the pages around this one in its section, each a [`Sibling`]. Inside a
/// fingerprint it is the links' fingerprints and which one is current (a hundred entries on
/// each of a large site's pages were a fifth of serve's fingerprinting).
pub(crate) struct Siblings<'a> {
    links: Vec<Shared<'a, Link<'a>>>,
    current: Option<usize>,
}

impl Serialize for Siblings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        if let Some(f) = crate::fingerprint::of_shared_list(&self.links) {
            return (f, self.current).serialize(s);
        }
        let mut seq = s.serialize_seq(Some(self.links.len()))?;
        for (k, &link) in self.links.iter().enumerate() {
            seq.serialize_element(&Sibling {
                link,
                current: self.current == Some(k),
            })?;
        }
        seq.end()
    }
}

/// `page.lesson`: a lesson's place in its course module.
#[derive(Serialize)]
pub(crate) struct Lesson<'a> {
    number: usize,
    count: usize,
    hours: Option<&'a Value>,
    module: Shared<'a, Link<'a>>,
    print_url: Option<String>,
    prev_module: Option<Shared<'a, Link<'a>>>,
    next_module: Option<Shared<'a, Link<'a>>>,
}

/// `page` of a page's own template: its summary and everything only its own page shows.
#[derive(Serialize)]
pub(crate) struct PageContext<'a> {
    /// Its summary's fields (`title`, `url`, `date`, …); `cases` is replaced below by the
    /// cases' summaries.
    #[serde(flatten)]
    summary: Summary<'a>,
    content: &'a str,
    toc: &'a [TocEntry],
    ancestors: Vec<Shared<'a, Link<'a>>>,
    backlinks: Vec<Shared<'a, Link<'a>>>,
    related: Vec<Summary<'a>>,
    /// What the page shows of them: each related page once, in the most specific list (see
    /// `course::shown_lists`).
    other_backlinks: Vec<Shared<'a, Link<'a>>>,
    other_related: Vec<Summary<'a>>,
    quiz: Value,
    lessons: Vec<Summary<'a>>,
    cases: Vec<Summary<'a>>,
    prev: Option<Summary<'a>>,
    next: Option<Summary<'a>>,
    /// At most [`SIBLINGS`] pages around this one: every page of a section listing all the
    /// others would make a large section quadratic.
    siblings: Siblings<'a>,
    /// For a lesson of a course module: its number, the module's size, the modules around.
    lesson: Option<Lesson<'a>>,
    assets: Vec<String>,
}

/// `section` of a listing (with `pages`) or of a print page (without: the handout has
/// them).
#[derive(Serialize)]
pub(crate) struct SectionContext<'a> {
    #[serde(flatten)]
    summary: Shared<'a, SectionSummary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pages: Option<Vec<Summary<'a>>>,
    content: &'a str,
    toc: &'a [TocEntry],
    /// The trail above the section.
    ancestors: Vec<Shared<'a, Link<'a>>>,
    /// Summaries without their pages: the home page would otherwise copy every page of the
    /// site (`get_section(path=sub.rel_path)` gives one subsection's pages).
    subsections: Vec<Shared<'a, SectionSummary<'a>>>,
    backlinks: Vec<Shared<'a, Link<'a>>>,
    print_url: Option<String>,
    feed_url: Option<String>,
}

/// `{index, url, current}` of a pager, in `paginator.pagers`.
#[derive(Serialize)]
pub(crate) struct PagerLink {
    index: usize,
    url: String,
    current: bool,
}

/// How many pagers on each side of the current one `paginator.pagers` lists (besides the
/// first and the last): listing every pager on every pager would make a term with 50,000
/// pages (2,500 pagers of 20) cost 6 million links.
pub(crate) const PAGER_WINDOW: usize = 5;

/// `paginator` of pager `current_index` of a listing.
#[derive(Serialize)]
pub(crate) struct Paginator<'a> {
    current_index: usize,
    number_pagers: usize,
    paginate_by: usize,
    total_pages: usize,
    pages: Vec<Summary<'a>>,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
    pagers: Vec<PagerLink>,
}

impl Values<'_> {
    /// `page` of page `i`'s own template.
    pub(crate) fn page_context<'a>(
        &'a self,
        site: &'a Site,
        graph: &'a Graph,
        i: PageId,
    ) -> PageContext<'a> {
        let p = &site.pages[i];
        let section = &site.sections[p.section];
        let at = section.pages.iter().position(|&q| q == i).unwrap_or(0);
        let start = at
            .saturating_sub(SIBLINGS / 2)
            .min(section.pages.len().saturating_sub(SIBLINGS));
        let window = &section.pages[start..(start + SIBLINGS).min(section.pages.len())];
        let siblings = Siblings {
            links: self.page_links.list(window),
            current: window.iter().position(|&q| q == i),
        };
        let lesson = crate::resolve::course::is_module(site, p.section).then(|| {
            let (prev_module, next_module) = graph.modules[p.section.0];
            Lesson {
                number: at + 1,
                count: section.pages.len(),
                hours: p.meta.fields.extra.get("hours"),
                module: self.section_refs.get(p.section),
                print_url: planned_url(
                    site,
                    graph,
                    &paths::index_file(&paths::print_path(&section.path)),
                ),
                prev_module: prev_module.map(|s| self.section_refs.get(s)),
                next_module: next_module.map(|s| self.section_refs.get(s)),
            }
        });
        let n = i.0;
        let (prev, next) = graph.prev_next[n];
        PageContext {
            summary: self.pages.get(i),
            content: &p.resolved.html,
            toc: &p.rendered.toc,
            ancestors: self.trail(site, p.section),
            backlinks: self.refs(&graph.page_backlinks[n]),
            related: self.pages.list(&graph.related[n]),
            other_backlinks: self.refs(&graph.shown_backlinks[n]),
            other_related: self.pages.list(&graph.shown_related[n]),
            quiz: quiz_value(p),
            lessons: self.pages.list(&graph.lessons[n]),
            cases: self.pages.list(&graph.cases[n]),
            prev: prev.map(|q| self.pages.get(q)),
            next: next.map(|q| self.pages.get(q)),
            siblings,
            lesson,
            assets: p
                .assets
                .iter()
                .filter_map(|a| site.content_assets.get(a))
                .map(|a| site.url(&a.output))
                .collect(),
        }
    }

    /// `section` of section `i`'s templates, with its pages' summaries when `with_pages`.
    pub(crate) fn section_context<'a>(
        &'a self,
        site: &'a Site,
        graph: &'a Graph,
        i: SectionId,
        with_pages: bool,
    ) -> SectionContext<'a> {
        let s = &site.sections[i];
        SectionContext {
            summary: self.sections.get(i),
            pages: with_pages.then(|| self.pages.list(&s.pages)),
            content: &s.resolved.html,
            toc: &s.rendered.toc,
            ancestors: s.parent.map(|p| self.trail(site, p)).unwrap_or_default(),
            subsections: self.sections.list(&s.subsections),
            backlinks: self.refs(&graph.section_backlinks[i.0]),
            print_url: planned_url(site, graph, &paths::index_file(&paths::print_path(&s.path))),
            feed_url: planned_url(site, graph, &paths::feed_file(&s.path)),
        }
    }

    /// The `paginator` of pager `n` of a listing at `base` of the pages `all`, `per` a
    /// pager.
    pub(crate) fn paginator<'a>(
        &'a self,
        site: &Site,
        base: &str,
        all: &[PageId],
        per: Option<usize>,
        n: usize,
    ) -> Paginator<'a> {
        let total = pager_count(all.len(), per);
        let per_n = per.filter(|&p| p > 0).unwrap_or(all.len().max(1));
        let start = ((n - 1) * per_n).min(all.len());
        let end = (start + per_n).min(all.len());
        let url = |k: usize| site.url(&pager_path(base, k));
        Paginator {
            current_index: n,
            number_pagers: total,
            paginate_by: per_n,
            total_pages: all.len(),
            pages: self.pages.list(&all[start..end]),
            first: url(1),
            last: url(total),
            previous: (n > 1).then(|| url(n - 1)),
            next: (n < total).then(|| url(n + 1)),
            pagers: (1..=total)
                .filter(|&k| k == 1 || k == total || k.abs_diff(n) <= PAGER_WINDOW)
                .map(|k| PagerLink {
                    index: k,
                    url: url(k),
                    current: k == n,
                })
                .collect(),
        }
    }
}
