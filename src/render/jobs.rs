//! What each job of the output plan produces: a template with its context, bytes, or a file
//! to copy. The paths come from the plan ([`crate::resolve::plan`]); this file only says how
//! each kind of output is made.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::paths::{self, encode_url, CONTENT_DIR};
use crate::resolve::plan::{Job, Step};
use crate::site::{PageId, SectionId};
use crate::theme::StaticFile;

use super::context;
use super::parts::Part;
use super::{feeds, Renderer};

/// The context of one output: named parts (besides `config` and `nav`, in every one).
pub(super) type Parts<'a> = Vec<(&'static str, Part<'a>)>;

/// Parts made only when their output is rendered, not when serve keeps it: in the output's
/// fingerprint they stand as `key`, a hash of what they are made from.
pub(super) struct Deferred<'a> {
    /// `None` when the build keeps no fingerprints (`zhiku build`).
    pub key: Option<u64>,
    pub make: Box<dyn FnOnce() -> Parts<'a> + 'a>,
}

/// What a job produces.
pub(super) enum Out<'a> {
    /// A template to render into the step's one output.
    Template {
        template: String,
        context: Parts<'a>,
        /// The source the output belongs to, for error messages.
        what: String,
        /// Parts made only if the output is rendered (a module handout).
        deferred: Option<Deferred<'a>>,
    },
    /// The pagers of a listing (the step's outputs in order): one template, parts shared by
    /// all, and each pager's own parts.
    Pagers {
        template: String,
        what: String,
        shared: Parts<'a>,
        pagers: Vec<Parts<'a>>,
    },
    /// Bytes for the step's one output.
    Bytes(Vec<u8>),
    /// A file copied as it is (content assets, the site's static files).
    File { source: PathBuf, shown: PathBuf },
    /// The job wrote its files itself (the search index); how many.
    Written(usize),
}

impl<'a> Renderer<'a> {
    /// What a step of the plan produces.
    pub(super) fn output<'s>(
        &'s self,
        step: &Step,
        sink: &dyn Sink,
    ) -> Result<Out<'s>, Diagnostic> {
        let site = self.site;
        let graph = self.graph;
        // The step's (first) output path, and its directory for `current_url`.
        let path = step.outputs.first().map_or("", |o| o.path.as_str());
        let dir = |path: &str| path.strip_suffix("index.html").unwrap_or(path).to_string();
        let template = |template: &str, context, what: String| Out::Template {
            template: template.to_string(),
            context,
            what,
            deferred: None,
        };
        let values = &self.values;
        let with_here = |mut parts: Parts<'s>, here: &str| -> Parts<'s> {
            parts.extend(self.here(here));
            parts
        };
        Ok(match &step.job {
            Job::SearchIndex => Out::Written(match self.reuse.as_ref().map(|r| r.search.lock()) {
                Some(Ok(mut cache)) => crate::search::write(site, sink, Some(&mut cache))?,
                _ => crate::search::write(site, sink, None)?,
            }),
            Job::SearchPage => {
                let [url, current, _] = self.here(&dir(path));
                template("search.html", vec![url, current], "search.html".into())
            }
            Job::Page(id) => {
                let p = &site.pages[*id];
                let page = values.page_context(site, graph, *id);
                let mut entries = vec![("page", Part::Page(Box::new(page)))];
                entries.extend(self.here(&p.path));
                template(
                    &self.page_template(id.0),
                    entries,
                    format!("content/{}", p.rel_path),
                )
            }
            Job::Listing(id) => {
                let s = &site.sections[*id];
                let pagers = self.pagers(step, &s.path, &s.pages, s.meta.paginate_by);
                let default = if id.0 == 0 {
                    "index.html"
                } else {
                    "section.html"
                };
                Out::Pagers {
                    template: s.meta.template.as_deref().unwrap_or(default).to_string(),
                    what: format!("content/{}", s.rel_path),
                    shared: vec![(
                        "section",
                        Part::Section(Box::new(values.section_context(site, graph, *id, true))),
                    )],
                    pagers,
                }
            }
            Job::Print(id) => {
                let s = &site.sections[*id];
                let [url, current, _] = self.here(&dir(path));
                let section = values.section_context(site, graph, *id, false);
                // Made for this one print page and not kept (it holds every lesson's text),
                // and only when the page is rendered: serve compares what it is made from.
                let i = id.0;
                let make = move || {
                    let handout = super::handout::build(site, values, i);
                    vec![
                        ("pages", Part::Value(Value::Array(handout.pages))),
                        ("appendix", Part::Value(Value::Array(handout.appendix))),
                        ("intro", Part::Value(Value::String(handout.intro))),
                    ]
                };
                Out::Template {
                    template: "print.html".into(),
                    context: vec![("section", Part::Section(Box::new(section))), url, current],
                    what: format!("print page of content/{}", s.rel_path),
                    deferred: Some(Deferred {
                        key: self
                            .reuse
                            .as_ref()
                            .map(|_| super::handout::fingerprint(site, values, i)),
                        make: Box::new(make),
                    }),
                }
            }
            Job::TaxonomyList(t) => {
                let tax = &graph.taxonomies[t.0];
                let entries = with_here(
                    vec![
                        ("taxonomy", Part::Value(context::taxonomy_value(site, tax))),
                        ("ancestors", Part::Links(values.trail(site, SectionId(0)))),
                    ],
                    &dir(path),
                );
                template(
                    "taxonomy_list.html",
                    entries,
                    format!("taxonomy `{}`", tax.config.name),
                )
            }
            Job::TermListing(id) => {
                let tax = &graph.taxonomies[id.taxonomy.0];
                let name = &tax.config.name;
                let term = &tax.terms[id.index];
                let base = paths::term_path(name, &term.slug);
                let feed = paths::feed_file(&base);
                let tv = json!({
                    "name": term.name, "slug": term.slug, "url": site.url(&base), "count": term.pages.len(),
                    "feed_url": if graph.plan.writes(&feed) { Value::String(site.url(&feed)) } else { Value::Null },
                });
                let list_url = site.url(&paths::taxonomy_path(name));
                let mut trail: Vec<Value> = values
                    .trail(site, SectionId(0))
                    .iter()
                    .map(context::to_value)
                    .collect();
                trail.push(json!({"title": tax.config.title, "url": list_url}));
                // The terms above it (江苏省 › 南京市 for 鼓楼区), outermost first.
                let mut above = Vec::new();
                let mut parent = term.parent.as_deref();
                while let Some(p) = parent {
                    let Some(t) = tax.terms.iter().find(|t| t.slug == p) else {
                        break;
                    };
                    if above.len() > 8 || t.slug == term.slug {
                        break;
                    }
                    above.push(json!({"title": t.name, "url": site.url(&t.path(name))}));
                    parent = t.parent.as_deref();
                }
                above.reverse();
                trail.extend(above);
                let per = (tax.config.paginate_by > 0).then_some(tax.config.paginate_by);
                let shared: Parts<'s> = vec![
                    (
                        "taxonomy",
                        Part::Value(
                            json!({"name": name, "title": tax.config.title, "url": list_url}),
                        ),
                    ),
                    ("term", Part::Value(tv)),
                    ("ancestors", Part::Value(Value::Array(trail))),
                ];
                let pagers = self.pagers(step, &base, &term.pages, per);
                Out::Pagers {
                    template: "taxonomy_term.html".into(),
                    what: format!("term `{}`", term.name),
                    shared,
                    pagers,
                }
            }
            Job::Feed(of) => {
                let feed = feeds::feed(site, graph, values, *of, path);
                template(
                    "atom.xml",
                    vec![("feed", Part::Value(feed))],
                    path.to_string(),
                )
            }
            Job::Sitemap => template(
                "sitemap.xml",
                vec![(
                    "entries",
                    Part::Value(feeds::sitemap_entries(site, graph, self.edition.as_ref())),
                )],
                path.to_string(),
            ),
            Job::SiteMapPage => {
                let entries = with_here(
                    vec![
                        ("tree", Part::Value(self.site_tree(SectionId(0)))),
                        ("ancestors", Part::Links(values.trail(site, SectionId(0)))),
                    ],
                    &dir(path),
                );
                template("sitemap.html", entries, "sitemap.html".into())
            }
            Job::Robots => template(
                "robots.txt",
                vec![(
                    "sitemap_url",
                    Part::Value(Value::String(encode_url(&site.permalink("sitemap.xml")))),
                )],
                "robots.txt".into(),
            ),
            Job::NotFound => {
                let [url, current, _] = self.here(path);
                template("404.html", vec![url, current], "404.html".into())
            }
            Job::Static(name) => match &self.theme.statics[name] {
                StaticFile::Disk(source) => Out::File {
                    source: source.clone(),
                    shown: source.clone(),
                },
                f @ StaticFile::Embedded(_) => Out::Bytes(f.read().map_err(|e| {
                    Diagnostic::error(static_shown(f, name), format!("cannot read: {e}"))
                })?),
            },
            Job::Alias(a) => Out::Bytes(self.alias_page(&graph.aliases[a.0]).into_bytes()),
            Job::Asset(rel) => Out::File {
                source: site.content_assets[rel].source.clone(),
                shown: PathBuf::from(CONTENT_DIR).join(rel),
            },
        })
    }

    /// Each pager's own parts of a listing of `list` at `base`, `per` a pager: its
    /// `paginator` and where it is (the step's outputs are the pagers in order).
    fn pagers(
        &self,
        step: &Step,
        base: &str,
        list: &[PageId],
        per: Option<usize>,
    ) -> Vec<Parts<'_>> {
        step.outputs
            .iter()
            .enumerate()
            .map(|(k, o)| {
                let paginator = self.values.paginator(self.site, base, list, per, k + 1);
                let mut own: Parts<'_> = vec![("paginator", Part::Paginator(paginator))];
                own.extend(self.here(o.path.strip_suffix("index.html").unwrap_or(&o.path)));
                own
            })
            .collect()
    }

    /// `{title, url, pages: [{title, url}], subsections: [...]}` of a section and everything
    /// under it, in the site's order (the reader's site map).
    fn site_tree(&self, i: SectionId) -> Value {
        let site = self.site;
        let s = &site.sections[i];
        let pages: Vec<Value> = s
            .pages
            .iter()
            .map(|&p| json!({"title": site.pages[p].meta.fields.title, "url": site.url(&site.pages[p].path)}))
            .collect();
        let subsections: Vec<Value> = s.subsections.iter().map(|&x| self.site_tree(x)).collect();
        json!({
            "title": s.title(),
            "url": site.url(&s.path),
            "description": s.meta.description,
            "pages": pages,
            "subsections": subsections,
        })
    }

    /// A redirect page for an alias: meta refresh, canonical link, and a plain link for
    /// browsers that do not follow the refresh.
    fn alias_page(&self, alias: &crate::resolve::aliases::Alias) -> String {
        let site = self.site;
        let page = &site.pages[alias.page];
        let target = if self.relative {
            crate::html::relative_path(crate::html::output_dir(&alias.output), &page.path)
        } else {
            site.url(&page.path)
        };
        let e = crate::markdown::escape_attr;
        format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{title}（已移动） · {site_title}</title>\n\
             <link rel=\"canonical\" href=\"{canonical}\">\n\
             <meta name=\"robots\" content=\"noindex\">\n\
             <meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n\
             <p>本页已移动到：<a href=\"{url}\">{title}</a></p>\n</body>\n</html>\n",
            lang = e(&site.config.language),
            title = e(&page.meta.fields.title),
            site_title = e(&site.config.title),
            canonical = e(&site.permalink(&page.path)),
            target = e(&target),
            url = e(&site.url(&page.path)),
        )
    }
}

/// The file a static file's errors point at.
fn static_shown(f: &StaticFile, name: &str) -> PathBuf {
    match f {
        StaticFile::Disk(p) => p.clone(),
        StaticFile::Embedded(_) => PathBuf::from(format!("(built-in theme)/static/{name}")),
    }
}
