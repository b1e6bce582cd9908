//! The parts a template context is made of ([`Part`]): each output's context is a list of
//! named parts that can be either built into the JSON value the template sees
//! ([`Values::build_part`]) or only hashed ([`Values::hash_part`]) to decide, in `serve`,
//! whether the output must be rendered again at all (see [`super::memo`]).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::paths::{pager_count, pager_path};
use crate::resolve::Graph;
use crate::site::{Ref, Site};

use super::context::{ancestors, Values, SIBLINGS};

/// One entry of a template context, described so that it can be either built (to render) or
/// only hashed (to decide whether rendering is needed at all, see [`super::memo`]). Hashing
/// uses the hashes of page summaries and contents computed once per build, so deciding that a
/// page is unchanged costs a few hash combinations, not a copy of its data.
pub(crate) enum Part<'a> {
    Value(Value),
    /// [`Values::page_full`].
    PageFull(usize),
    /// [`Values::section_full`].
    SectionFull(usize),
    /// [`Values::section_without_pages`].
    SectionWithoutPages(usize),
    /// The pages of one pager of a listing.
    Paginator {
        base: String,
        list: &'a [usize],
        per: Option<usize>,
        n: usize,
    },
    /// The pages of a print page (a module handout): summaries with their contents (ids
    /// prefixed, links pointing inside the handout).
    PrintPages(usize),
    /// The appendix of a module handout: the case passages its lessons cite.
    Appendix(usize),
    /// The section's text as the handout shows it (links pointing inside the handout).
    HandoutIntro(usize),
}

/// Hashes of what [`Values`] holds, built once per build for incremental rendering.
pub(crate) struct Hashes {
    /// Of each page's summary (`Values::pages`).
    pub summary: Vec<u64>,
    /// Of each page's content (HTML with links resolved) and table of contents.
    pub content: Vec<u64>,
    /// Of each section's summary with its pages (`Values::section`).
    pub section: Vec<u64>,
    /// Of each section's summary without its pages (`subsections` entries).
    pub section_summary: Vec<u64>,
    /// Of each page's title and URL (what `siblings` shows).
    pub link: Vec<u64>,
    /// Of each section's title and URL.
    pub section_link: Vec<u64>,
    /// Of each section's breadcrumb trail ([`ancestors`]).
    pub trail: Vec<u64>,
}

fn hash_toc(toc: &[crate::markdown::TocEntry], h: &mut impl Hasher) {
    h.write_usize(toc.len());
    for e in toc {
        h.write_u8(e.level);
        e.id.hash(h);
        e.title.hash(h);
        hash_toc(&e.children, h);
    }
}

impl Hashes {
    pub(crate) fn build(site: &Site, values: &Values) -> Hashes {
        use rayon::prelude::*;
        let summary: Vec<u64> = if values.page_hashes.len() == values.pages.len() {
            values.page_hashes.clone()
        } else {
            values
                .pages
                .par_iter()
                .map(|v| crate::fingerprint::of_json(v))
                .collect()
        };
        let content = site
            .pages
            .par_iter()
            .map(|p| {
                let mut h = crate::fingerprint::hasher();
                h.write_u64(crate::fingerprint::of_bytes(p.links.html.as_bytes()));
                hash_toc(&p.rendered.toc, &mut h);
                h.finish()
            })
            .collect();
        let section_summary: Vec<u64> = values
            .sections
            .iter()
            .map(crate::fingerprint::of_json)
            .collect();
        // A section's value is its summary and its pages' summaries.
        let section = (0..site.sections.len())
            .map(|i| {
                let mut h = crate::fingerprint::hasher();
                h.write_u64(section_summary[i]);
                let list = &site.sections[i].pages;
                h.write_usize(list.len());
                for &p in list {
                    h.write_u64(summary[p]);
                }
                h.finish()
            })
            .collect();
        let link = site
            .pages
            .par_iter()
            .map(|p| {
                let mut h = crate::fingerprint::hasher();
                p.meta.fields.title.hash(&mut h);
                site.url(&p.path).hash(&mut h);
                h.finish()
            })
            .collect();
        let section_link = site
            .sections
            .iter()
            .map(|s| {
                let mut h = crate::fingerprint::hasher();
                s.title().hash(&mut h);
                site.url(&s.path).hash(&mut h);
                h.finish()
            })
            .collect();
        let trail = (0..site.sections.len())
            .map(|i| crate::fingerprint::of_json(&Value::Array(ancestors(site, i))))
            .collect();
        Hashes {
            summary,
            content,
            section,
            section_summary,
            link,
            section_link,
            trail,
        }
    }
}

impl Values {
    /// Build a context entry (a plain value is moved, not copied).
    pub(crate) fn build_owned(&self, site: &Site, graph: &Graph, part: Part<'_>) -> Value {
        match part {
            Part::Value(v) => v,
            other => self.build_part(site, graph, &other),
        }
    }

    /// Build a context entry.
    pub(crate) fn build_part(&self, site: &Site, graph: &Graph, part: &Part<'_>) -> Value {
        match *part {
            Part::Value(ref v) => v.clone(),
            Part::PageFull(i) => self.page_full(site, graph, i),
            Part::SectionFull(i) => self.section_full(site, graph, i),
            Part::SectionWithoutPages(i) => self.section_without_pages(site, graph, i),
            Part::Paginator {
                ref base,
                list,
                per,
                n,
            } => paginator(site, base, list, per, n, &self.pages),
            Part::PrintPages(i) => Value::Array(self.handout(site, i).pages.clone()),
            Part::Appendix(i) => Value::Array(self.handout(site, i).appendix.clone()),
            Part::HandoutIntro(i) => Value::String(self.handout(site, i).intro.clone()),
        }
    }

    /// Hash a context entry without building it: whenever [`Values::build_part`] would give
    /// a different value, the hash differs (it may also differ when the value does not, which
    /// only costs a needless render). Every field `build_part` reads must be fed here.
    pub(crate) fn hash_part(
        &self,
        site: &Site,
        graph: &Graph,
        hashes: &Hashes,
        part: &Part<'_>,
        h: &mut impl Hasher,
    ) {
        let pages = |list: &[usize], h: &mut dyn Hasher| {
            h.write_usize(list.len());
            for &q in list {
                h.write_u64(hashes.summary[q]);
            }
        };
        // `[{title, url, kind}]` of pages and sections (backlinks).
        let refs = |list: &[Ref], h: &mut dyn Hasher| {
            h.write_usize(list.len());
            for r in list {
                match *r {
                    Ref::Page(q) => {
                        h.write_u8(0);
                        h.write_u64(hashes.link[q]);
                    }
                    Ref::Section(q) => {
                        h.write_u8(1);
                        h.write_u64(hashes.section_link[q]);
                    }
                }
            }
        };
        match part {
            Part::Value(v) => crate::fingerprint::hash_json(v, h),
            Part::PageFull(i) => {
                let i = *i;
                let p = &site.pages[i];
                h.write_u8(10);
                h.write_u64(hashes.summary[i]);
                h.write_u64(hashes.content[i]);
                // Section titles and URLs of the trail.
                h.write_u64(hashes.trail[p.section]);
                refs(&graph.page_backlinks[i], h);
                pages(&graph.related[i], h);
                refs(&graph.shown_backlinks[i], h);
                pages(&graph.shown_related[i], h);
                // `lesson`: number, count, hours (in the summary's `extra`), modules around.
                let module = crate::resolve::course::is_module(site, p.section);
                h.write_u8(u8::from(module));
                if module {
                    let section = &site.sections[p.section];
                    h.write_usize(section.pages.iter().position(|&q| q == i).unwrap_or(0));
                    h.write_usize(section.pages.len());
                    h.write_u64(hashes.section_link[p.section]);
                    let (a, b) = graph.modules[p.section];
                    for s in [a, b] {
                        match s {
                            Some(s) => {
                                h.write_u8(1);
                                h.write_u64(hashes.section_link[s]);
                            }
                            None => h.write_u8(0),
                        }
                    }
                }
                pages(&graph.lessons[i], h);
                pages(&graph.cases[i], h);
                let (prev, next) = graph.prev_next[i];
                for q in [prev, next] {
                    match q {
                        Some(q) => {
                            h.write_u8(1);
                            h.write_u64(hashes.summary[q]);
                        }
                        None => h.write_u8(0),
                    }
                }
                // Siblings: title and URL of the pages around this one, and which is this.
                let section = &site.sections[p.section];
                let at = section.pages.iter().position(|&q| q == i).unwrap_or(0);
                let start = at
                    .saturating_sub(SIBLINGS / 2)
                    .min(section.pages.len().saturating_sub(SIBLINGS));
                h.write_usize(section.pages.len().min(SIBLINGS));
                for &q in section.pages[start..].iter().take(SIBLINGS) {
                    h.write_u64(hashes.link[q]);
                    h.write_u8(u8::from(q == i));
                }
                for a in &p.assets {
                    a.hash(h);
                    site.content_assets.get(a).map(|x| &x.output).hash(h);
                }
            }
            Part::SectionFull(i) | Part::SectionWithoutPages(i) => {
                let i = *i;
                let s = &site.sections[i];
                h.write_u8(11);
                h.write_u64(hashes.section[i]);
                s.links.html.hash(h);
                hash_toc(&s.rendered.toc, h);
                if let Some(p) = s.parent {
                    h.write_u64(hashes.trail[p]);
                }
                h.write_usize(s.subsections.len());
                for &x in &s.subsections {
                    h.write_u64(hashes.section_summary[x]);
                }
                refs(&graph.section_backlinks[i], h);
                s.path.hash(h);
                s.meta.feed.hash(h);
                s.pages.is_empty().hash(h);
                s.parent.is_some().hash(h);
            }
            Part::Paginator { base, list, per, n } => {
                h.write_u8(12);
                base.hash(h);
                per.hash(h);
                n.hash(h);
                h.write_usize(list.len());
                let per_n = per.filter(|&p| p > 0).unwrap_or(list.len().max(1));
                let slice: Vec<usize> = list
                    .iter()
                    .skip((n - 1) * per_n)
                    .take(per_n)
                    .copied()
                    .collect();
                pages(&slice, h);
            }
            // A handout depends on its lessons and on every page they link to: it is built
            // to be hashed (there is one per module).
            Part::PrintPages(_) | Part::Appendix(_) | Part::HandoutIntro(_) => {
                h.write_u8(13);
                crate::fingerprint::hash_json(&self.build_part(site, graph, part), h);
            }
        }
    }
}

/// The `paginator` of pager `n` of a listing of `all` pages, `per` a pager.
fn paginator(
    site: &Site,
    base: &str,
    all: &[usize],
    per: Option<usize>,
    n: usize,
    pages: &[Arc<Value>],
) -> Value {
    let total = pager_count(all.len(), per);
    let per_n = per.filter(|&p| p > 0).unwrap_or(all.len().max(1));
    let slice: Vec<Value> = all
        .iter()
        .skip((n - 1) * per_n)
        .take(per_n)
        .map(|&p| Value::clone(&pages[p]))
        .collect();
    let url = |k: usize| site.url(&pager_path(base, k));
    json!({
        "current_index": n,
        "number_pagers": total,
        "paginate_by": per_n,
        "total_pages": all.len(),
        "pages": slice,
        "first": url(1),
        "last": url(total),
        "previous": if n > 1 { Value::String(url(n - 1)) } else { Value::Null },
        "next": if n < total { Value::String(url(n + 1)) } else { Value::Null },
        "pagers": (1..=total).map(|k| json!({"index": k, "url": url(k), "current": k == n})).collect::<Vec<_>>(),
    })
}
