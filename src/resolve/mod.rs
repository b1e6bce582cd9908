//! Stage 2, resolve: everything that needs the whole site.
//!
//! - [`links`]: internal links and anchors checked and rewritten to URLs; backlinks;
//! - [`taxonomy`]: terms of each taxonomy and their pages;
//! - [`course`]: reading order, previous/next, lessons ↔ cases, related pages.

pub mod aliases;
pub mod course;
pub mod links;
mod memo;
pub mod plan;
pub mod taxonomy;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostics, Outcome};
use crate::site::{PageId, Ref, SectionId, Site};

pub use memo::ResolveMemo;
pub use plan::{Job, Plan, ThemeOutputs};
pub use taxonomy::{Taxonomy, TaxonomyId, Term, TermId};

/// What the resolve stage knows about how pages relate. The lists "for each page" are in
/// the order of [`Site::pages`] (indexed by [`PageId`]`.0`), those "for each section" in the
/// order of [`Site::sections`].
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// For each page: who links to it.
    pub page_backlinks: Vec<Vec<Ref>>,
    /// For each section: who links to it.
    pub section_backlinks: Vec<Vec<Ref>>,
    /// Position of each page in the site's reading order (sections depth first).
    pub order: Vec<usize>,
    /// For each page: previous and next page of its section (a module's lessons).
    pub prev_next: Vec<(Option<PageId>, Option<PageId>)>,
    /// For each section that is a course module: the previous and next module.
    pub modules: Vec<(Option<SectionId>, Option<SectionId>)>,
    /// For each page: the backlinks its page shows (those not already in another list).
    pub shown_backlinks: Vec<Vec<Ref>>,
    /// For each page: the related pages its page shows (those not already in another list).
    pub shown_related: Vec<Vec<PageId>>,
    /// For each page: the cases it teaches from (`cases:`).
    pub cases: Vec<Vec<PageId>>,
    /// For each page: the lessons whose `cases:` name it, in course order.
    pub lessons: Vec<Vec<PageId>>,
    /// For each page: up to five pages sharing the most taxonomy terms.
    pub related: Vec<Vec<PageId>>,
    pub taxonomies: Vec<Taxonomy>,
    /// Redirect pages from `aliases:` in front matter.
    pub aliases: Vec<aliases::Alias>,
    /// Every output of the build and what makes it.
    pub plan: Plan,
}

/// Free the HTML with link placeholders of every page and section that no cache shares
/// (a one-shot build): only the resolved HTML (`links.html`) is used from here on.
pub fn drop_unresolved_html(site: &mut Site) {
    let rendered = site
        .pages
        .iter_mut()
        .map(|p| &mut p.rendered)
        .chain(site.sections.iter_mut().map(|s| &mut s.rendered));
    for r in rendered {
        if let Some(r) = std::sync::Arc::get_mut(r) {
            r.html = String::new();
            r.summary_html = String::new();
        }
    }
}

/// Resolve `site` in place (links filled in) and return its graph, with the output plan.
/// `theme` is what the theme provides (templates, static files); `None` when it could not be
/// loaded (links to static files are then not judged, and output clashes not reported).
/// With a `memo` (serve), what did not change since the previous build is kept from it (see
/// [`memo`]) and this build's results replace it.
pub fn resolve(
    site: &mut Site,
    theme: Option<&ThemeOutputs<'_>>,
    mut memo: Option<&mut ResolveMemo>,
) -> Outcome<Graph> {
    let mut diags = Diagnostics::new();
    let taxonomies = taxonomy::collect_kept(site, &mut diags, memo.as_deref_mut());
    let mut plan = Plan::new(site, &taxonomies, theme);
    let aliases = aliases::collect(site, &plan, &mut diags);
    plan.add_aliases(site, &aliases);
    if theme.is_some() {
        diags.extend(plan.conflicts());
    }
    // Static files by name → output path (fingerprinted CSS and JS have another name).
    let statics: Option<BTreeMap<String, String>> = theme.map(|t| {
        t.statics
            .iter()
            .map(|(name, (out, _))| (name.clone(), out.clone()))
            .collect()
    });
    let mut known = plan.link_targets();
    known.extend(statics.iter().flat_map(|s| s.keys().cloned()));
    let (page_backlinks, section_backlinks) = links::resolve_links(
        site,
        &known,
        statics.as_ref(),
        memo.as_deref_mut(),
        &mut diags,
    );
    let order = course::reading_order(site);
    let prev_next = course::prev_next(site);
    let (cases, lessons) = course::cases_and_lessons(site, &order, &mut diags);
    let related = course::related_kept(site, &taxonomies, memo);
    let modules = course::next_module(site);
    course::check_quizzes(site, &mut diags);
    let (shown_backlinks, shown_related) =
        course::shown_lists(site, &page_backlinks, &cases, &lessons, &related);
    let graph = Graph {
        page_backlinks,
        section_backlinks,
        order,
        prev_next,
        modules,
        shown_backlinks,
        shown_related,
        cases,
        lessons,
        related,
        taxonomies,
        aliases,
        plan,
    };
    Outcome::made(graph, diags)
}
