//! The output plan: every file the build writes, computed once after the site is resolved.
//!
//! [`Plan::new`] names each output with the [`Job`] that makes it and the source that owns it:
//! pages, section listings and their pagers, print pages, feeds, taxonomy and term pages, the
//! fixed files (sitemap, robots.txt, 404, the search page), static files of the site and
//! theme, non-Markdown files under `content/`, and redirect pages for `aliases:`. An output
//! whose template the theme lacks is not planned.
//!
//! Everything else reads the plan rather than knowing the list itself: the renderer runs its
//! jobs ([`crate::render`]), [`Plan::conflicts`] reports two owners of one path, alias
//! checks ask [`Plan::owner`], link validation asks [`Plan::link_targets`], the template
//! context's `print_url`/`feed_url` ask [`Plan::writes`], `check` asks it which content file
//! made an output and which outputs are redirect pages, and `serve` gets from it (through
//! the renderer, which runs nothing else) every output it compares with the previous build.
//! Adding a kind of output is one edit: a [`Job`] variant planned here with its paths, and
//! its arm in `render::jobs`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;
use crate::paths::{self, CONTENT_DIR};
use crate::site::{PageId, SectionId, Site};

use super::aliases::{Alias, AliasId};
use super::taxonomy::{TaxonomyId, TermId};
use super::Taxonomy;

/// What makes an output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// A page (`page.html` or its `template:`).
    Page(PageId),
    /// A section's listing: every pager (`index.html` for the root, else `section.html`).
    Listing(SectionId),
    /// A section's printable handout (`print.html`).
    Print(SectionId),
    /// A taxonomy's list of terms (`taxonomy_list.html`).
    TaxonomyList(TaxonomyId),
    /// A term's listing: every pager (`taxonomy_term.html`).
    TermListing(TermId),
    /// An Atom feed (`atom.xml`).
    Feed(FeedOf),
    /// `sitemap.xml`.
    Sitemap,
    /// The readers' site map `sitemap/` (`sitemap.html`).
    SiteMapPage,
    Robots,
    NotFound,
    /// The full-text index: files under `search/` whose names depend on the text.
    SearchIndex,
    /// The search page (`search.html`).
    SearchPage,
    /// A static file of the site or theme, by name.
    Static(String),
    /// A non-Markdown file under `content/`, by content path.
    Asset(String),
    /// A redirect page of an alias.
    Alias(AliasId),
}

/// Whose feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedOf {
    Site,
    Section(SectionId),
    Term(TermId),
}

impl Job {
    /// Is the output an HTML page made from a template (rewritten in relative mode, given a
    /// zh-Hant twin)?
    pub fn is_generated_html(&self) -> bool {
        !matches!(
            self,
            Job::Feed(_) | Job::Sitemap | Job::Robots | Job::Static(_) | Job::Asset(_)
        )
    }
}

/// What kind of source owns an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A page or a section's own listing: their clashes are reported when loading.
    Content,
    /// A file the build generates from templates (pagers, feeds, term pages, …).
    Generated,
    /// A static file of the site or theme.
    Static,
    /// A non-Markdown file under `content/`.
    Asset,
    /// A redirect page of an alias.
    Alias,
}

/// One output file and who writes it.
#[derive(Debug, Clone)]
pub struct Output {
    /// Path under the output directory (`cases/tianjin/index.html`).
    pub path: String,
    pub owner: Owner,
    /// Who writes it, for messages: `content/cases/tianjin.md`, `the feed of content/cases/_index.md`.
    pub by: String,
    /// The source file to point at, with a line where one is known.
    pub file: Option<PathBuf>,
    pub line: Option<(usize, usize)>,
}

/// A job and the files it writes. A listing's outputs are its pagers in order (pager `n`
/// is `outputs[n - 1]`); the search index's files are not known before it runs.
#[derive(Debug, Clone)]
pub struct Step {
    pub job: Job,
    pub outputs: Vec<Output>,
}

/// Every output of the site.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// In the order they are reported on (fixed files, sections, taxonomies, static files,
    /// assets, pages, aliases); the renderer runs them in parallel.
    pub steps: Vec<Step>,
    by_path: HashMap<String, (usize, usize)>,
}

/// The theme as the plan sees it: which templates it has, and its static files (name →
/// output path, the file shown in messages). `None` when the theme failed to load: every
/// template is then assumed present (so links and aliases are still judged), and static
/// files are unknown.
pub struct ThemeOutputs<'a> {
    pub has: &'a dyn Fn(&str) -> bool,
    pub statics: &'a BTreeMap<String, (String, PathBuf)>,
}

impl Plan {
    /// Plan every output of `site` except alias pages (see [`Plan::add_aliases`]).
    pub fn new(site: &Site, taxonomies: &[Taxonomy], theme: Option<&ThemeOutputs<'_>>) -> Plan {
        let has = |name: &str| theme.is_none_or(|t| (t.has)(name));
        let mut plan = Plan::default();
        let generated = |path: String, by: String, file: Option<PathBuf>| Output {
            path,
            owner: Owner::Generated,
            by,
            file,
            line: None,
        };
        if has("search.html") {
            // First: the longest job (tokenizing every page) starts early.
            plan.push(Job::SearchIndex, Vec::new());
        }
        let fixed = [
            (Job::Feed(FeedOf::Site), "atom.xml", "atom.xml"),
            (Job::Sitemap, "sitemap.xml", "sitemap.xml"),
            (Job::Robots, "robots.txt", "robots.txt"),
            (Job::NotFound, "404.html", "404.html"),
        ];
        for (job, path, template) in fixed {
            if has(template)
                && (job != Job::Feed(FeedOf::Site) || site.sections[0].meta.feed.unwrap_or(true))
            {
                plan.push(
                    job,
                    vec![generated(
                        path.into(),
                        format!("the generated {path}"),
                        None,
                    )],
                );
            }
        }
        if has("search.html") {
            let path = paths::index_file(paths::SEARCH_DIR);
            let by = format!("the search page /{}", paths::SEARCH_DIR);
            plan.push(Job::SearchPage, vec![generated(path, by, None)]);
        }
        for (i, s) in site.sections.iter().enumerate() {
            let id = SectionId(i);
            let file = PathBuf::from(CONTENT_DIR).join(&s.rel_path);
            let who = format!("content/{}", s.rel_path);
            let pagers = (1..=paths::pager_count(s.pages.len(), s.meta.paginate_by))
                .map(|n| Output {
                    path: paths::index_file(&paths::pager_path(&s.path, n)),
                    owner: if n == 1 {
                        Owner::Content
                    } else {
                        Owner::Generated
                    },
                    by: who.clone(),
                    file: Some(file.clone()),
                    line: None,
                })
                .collect();
            plan.push(Job::Listing(id), pagers);
            if !s.pages.is_empty() && s.parent.is_some() && has("print.html") {
                let path = paths::index_file(&paths::print_path(&s.path));
                let by = format!("the print page of {who}");
                plan.push(
                    Job::Print(id),
                    vec![generated(path, by, Some(file.clone()))],
                );
            }
            if s.meta.feed.unwrap_or(true) && has("atom.xml") && i != 0 {
                let path = paths::feed_file(&s.path);
                let by = format!("the feed of {who}");
                plan.push(
                    Job::Feed(FeedOf::Section(id)),
                    vec![generated(path, by, Some(file))],
                );
            }
        }
        for (t, tax) in taxonomies.iter().enumerate() {
            let taxonomy = TaxonomyId(t);
            let name = &tax.config.name;
            if has("taxonomy_list.html") {
                let dir = paths::taxonomy_path(name);
                let by = format!("the taxonomy page /{dir}");
                plan.push(
                    Job::TaxonomyList(taxonomy),
                    vec![generated(paths::index_file(&dir), by, None)],
                );
            }
            let per = (tax.config.paginate_by > 0).then_some(tax.config.paginate_by);
            for (index, term) in tax.terms.iter().enumerate() {
                let id = TermId { taxonomy, index };
                let base = paths::term_path(name, &term.slug);
                if has("taxonomy_term.html") {
                    let pagers = (1..=paths::pager_count(term.pages.len(), per))
                        .map(|n| {
                            let path = paths::index_file(&paths::pager_path(&base, n));
                            generated(path, format!("the term page /{base}"), None)
                        })
                        .collect();
                    plan.push(Job::TermListing(id), pagers);
                }
                if tax.config.feed && has("atom.xml") {
                    let by = format!("the feed of /{base}");
                    plan.push(
                        Job::Feed(FeedOf::Term(id)),
                        vec![generated(paths::feed_file(&base), by, None)],
                    );
                }
            }
        }
        // A page or section of the site's own at sitemap/ wins over the generated one.
        let taken = site.pages.iter().any(|p| p.path == paths::SITEMAP_PAGE)
            || site.sections.iter().any(|s| s.path == paths::SITEMAP_PAGE);
        if has("sitemap.html") && !taken {
            let path = paths::index_file(paths::SITEMAP_PAGE);
            let by = format!("the site map /{}", paths::SITEMAP_PAGE);
            plan.push(Job::SiteMapPage, vec![generated(path, by, None)]);
        }
        for (name, (output, shown)) in theme.map(|t| t.statics).into_iter().flatten() {
            let out = Output {
                path: output.clone(),
                owner: Owner::Static,
                by: format!("the static file {}", shown.display()),
                file: Some(shown.clone()),
                line: None,
            };
            plan.push(Job::Static(name.clone()), vec![out]);
        }
        for (rel, a) in &site.content_assets {
            let out = Output {
                path: a.output.clone(),
                owner: Owner::Asset,
                by: format!("content/{rel}"),
                file: Some(PathBuf::from(CONTENT_DIR).join(rel)),
                line: None,
            };
            plan.push(Job::Asset(rel.clone()), vec![out]);
        }
        for (i, p) in site.pages.iter().enumerate() {
            let line = p.meta.key_lines.get("slug").copied();
            let out = Output {
                path: paths::index_file(&p.path),
                owner: Owner::Content,
                by: format!("content/{}", p.rel_path),
                file: Some(PathBuf::from(CONTENT_DIR).join(&p.rel_path)),
                line: line.map(|l| (l, 1)),
            };
            plan.push(Job::Page(PageId(i)), vec![out]);
        }
        plan
    }

    /// Plan the redirect pages of `aliases` (checked against the plan by
    /// [`super::aliases::collect`]).
    pub fn add_aliases(&mut self, site: &Site, aliases: &[Alias]) {
        for (i, a) in aliases.iter().enumerate() {
            let p = &site.pages[a.page];
            let out = Output {
                path: a.output.clone(),
                owner: Owner::Alias,
                by: format!("the alias `{}` of content/{}", a.written, p.rel_path),
                file: Some(PathBuf::from(CONTENT_DIR).join(&p.rel_path)),
                line: Some((a.line, a.column)),
            };
            self.push(Job::Alias(AliasId(i)), vec![out]);
        }
    }

    fn push(&mut self, job: Job, outputs: Vec<Output>) {
        let step = self.steps.len();
        for (k, o) in outputs.iter().enumerate() {
            self.by_path.entry(o.path.clone()).or_insert((step, k));
        }
        self.steps.push(Step { job, outputs });
    }

    /// Every planned output file, in the plan's order.
    pub fn outputs(&self) -> impl Iterator<Item = &Output> {
        self.steps.iter().flat_map(|s| s.outputs.iter())
    }

    /// Does the build write the file `path`?
    pub fn writes(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
    }

    /// Who writes `path` (the first owner when two clash), for messages.
    pub fn owner(&self, path: &str) -> Option<&Output> {
        let &(step, k) = self.by_path.get(path)?;
        Some(&self.steps[step].outputs[k])
    }

    /// The paths a link may point at: every output file, and the directory of each
    /// `…/index.html` (`cases/tianjin/`).
    pub fn link_targets(&self) -> BTreeSet<String> {
        let mut set = BTreeSet::new();
        for o in self.outputs() {
            if let Some(dir) = o.path.strip_suffix("index.html") {
                set.insert(dir.to_string());
            }
            set.insert(o.path.clone());
        }
        set
    }

    /// Two owners of one output path, or a file where another output needs a directory: an
    /// error at the later owner's file naming the other. Clashes between two pages or
    /// sections are reported when loading and are not repeated here.
    pub fn conflicts(&self) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let mut by_path: HashMap<&str, &Output> = HashMap::new();
        let help = "every output path has one owner: rename or move one of the two files (or change the `slug:` or alias)";
        for o in self.outputs() {
            match by_path.get(o.path.as_str()) {
                Some(first) if first.owner == Owner::Content && o.owner == Owner::Content => {}
                Some(first) => errors.push(error(
                    o,
                    format!(
                        "{} would write {}, which {} also writes",
                        o.by, o.path, first.by
                    ),
                    help,
                )),
                None => {
                    by_path.insert(&o.path, o);
                }
            }
        }
        // A file at `a/b` and another output at `a/b/…`: the directory cannot be created.
        for o in self.outputs() {
            let mut dir = o.path.as_str();
            while let Some(i) = dir.rfind('/') {
                dir = &dir[..i];
                if let Some(file) = by_path.get(dir) {
                    errors.push(error(
                        o,
                        format!(
                            "{} would write {}, but {} writes the file {dir} where that needs a directory",
                            o.by, o.path, file.by
                        ),
                        help,
                    ));
                    break;
                }
            }
        }
        errors
    }
}

fn error(o: &Output, message: String, help: &str) -> Diagnostic {
    let mut d = match &o.file {
        Some(f) => Diagnostic::error(f, message),
        None => Diagnostic::global(message),
    }
    .with_help(help);
    if let Some((l, c)) = o.line {
        d = d.at(l, c);
    }
    d
}
