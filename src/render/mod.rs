//! Stage 3, render: Tera templates turn the resolved site into output files.
//!
//! Every output (page, section and its pagers, print pages, taxonomy pages, feeds, sitemap,
//! 404, static files) is one job; jobs run in parallel and hand their bytes to a [`Sink`]
//! (the build's temporary directory, or serve's in-memory site).

mod blame;
mod context;
mod functions;
mod handout;
pub mod memo;
pub mod recursion;
pub mod refs;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{json, Map, Value};
use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::CONTENT_DIR;
use crate::resolve::Graph;
use crate::site::Site;
use crate::theme::{StaticFile, Theme};

pub use context::{Hashes, Part, SummaryCache, Values};
use memo::Recorder;
pub use memo::{Memo, Stats};

/// Where rendered files go.
pub trait Sink: Sync {
    /// Store `bytes` at output path `path` (relative, `/`-separated).
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()>;

    /// Keep the previous build's file at `path` as it is, if the sink has it (serve's
    /// in-memory site does); `false` asks for the file to be produced again.
    fn keep(&self, _path: &str) -> bool {
        false
    }
}

/// What a job produces.
enum Out<'a> {
    /// A template to render with its context (`config` and `nav` are added to every one).
    Template {
        path: String,
        template: String,
        context: Vec<(&'static str, Part<'a>)>,
        /// The source the output belongs to, for error messages.
        what: String,
    },
    /// The pagers of a listing: one template, parts shared by all, and each pager's
    /// output path and own parts.
    Pagers {
        template: String,
        what: String,
        shared: Vec<(&'static str, Part<'a>)>,
        pagers: Vec<(String, Vec<(&'static str, Part<'a>)>)>,
    },
    Bytes {
        path: String,
        bytes: Vec<u8>,
    },
    /// A file copied as it is (content assets, the site's static files).
    File {
        path: String,
        source: PathBuf,
        shown: PathBuf,
    },
    /// The job wrote its files itself (the search index); how many.
    Written(usize),
}

/// One output to produce.
#[derive(Debug, Clone)]
enum Job {
    Page(usize),
    /// A section's pages (all its pagers).
    Section(usize),
    Print(usize),
    TaxonomyList(usize),
    Term(usize, usize, usize),
    Feed(FeedKind),
    Sitemap,
    /// The site map for readers (`sitemap/`): every section and page.
    SiteMapPage,
    Robots,
    NotFound,
    /// The full-text index (many files) and the search page.
    SearchIndex,
    SearchPage,
    Static(String),
    Asset(String),
    /// A redirect page (index into `graph.aliases`).
    Alias(usize),
}

impl Job {
    /// Is the output an HTML page made by the renderer (rewritten in relative mode)?
    fn is_generated_html(&self) -> bool {
        !matches!(
            self,
            Job::Feed(_) | Job::Sitemap | Job::Robots | Job::Static(_) | Job::Asset(_)
        )
    }
}

#[derive(Debug, Clone)]
enum FeedKind {
    Site,
    Section(usize),
    Term(usize, usize),
}

/// Templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &["index.html", "section.html", "page.html", "404.html"];

/// Compile the theme's templates, reporting each broken one with its file, line and column.
pub fn compile_templates(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for (name, src) in &theme.templates {
        if let Err(e) = tera::Template::new(name, None, &src.text) {
            errors.push(template_error(&src.shown, &e));
        }
    }
    errors.extend(refs::check(theme));
    errors.extend(recursion::check(theme));
    for req in REQUIRED_TEMPLATES {
        if !theme.templates.contains_key(*req) {
            errors.push(
                Diagnostic::global(format!("the theme has no `{req}` template"))
                    .with_help(format!("add templates/{req} to the site or the theme")),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.register_filter("plaintext", functions::plaintext);
    tera.register_filter("truncate", functions::truncate);
    tera.register_filter("chart", crate::chart::filter);
    // Tera's get_env would publish the build machine's environment (refs::check refuses
    // templates that call it; this is the second lock).
    tera.register_function(
        "get_env",
        |_: &HashMap<String, Value>| -> tera::Result<Value> {
            Err(tera::Error::msg("get_env is turned off in zhiku"))
        },
    );
    // Recursion that may end (a macro calling itself) is bounded while rendering.
    let cycles = recursion::cycles(theme);
    tera.register_function(
        recursion::GUARD,
        move |_: &HashMap<String, Value>| -> tera::Result<Value> { recursion::guard(&cycles) },
    );
    let instrumented: Vec<(&str, String)> = theme
        .templates
        .iter()
        .map(|(n, s)| (n.as_str(), recursion::instrument(&s.text)))
        .collect();
    let list: Vec<(&str, &str)> = instrumented.iter().map(|(n, s)| (*n, s.as_str())).collect();
    if let Err(e) = tera.add_raw_templates(list) {
        return Err(vec![Diagnostic::global(format!(
            "templates: {}",
            error_chain(&e)
        ))
        .with_help("check `extends`, `import` and `include` names")]);
    }
    Ok(tera)
}

/// HTML/XML escaping for template output: `& < > " '` only (Tera's default also escapes `/`,
/// which makes every URL unreadable in the page source).
pub fn escape_html(s: &str) -> String {
    crate::markdown::escape_attr(s)
}

/// Tera's error and its causes in one line.
pub fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    parts.join(": ")
}

fn template_error(shown: &std::path::Path, e: &tera::Error) -> Diagnostic {
    let text = error_chain(e);
    // Tera's parse errors contain " --> line:column".
    let pos = text.split("--> ").nth(1).and_then(|rest| {
        let mut it = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
    });
    let short = text
        .lines()
        .filter(|l| {
            !l.trim().is_empty()
                && !l.contains("-->")
                && !l.trim_start().starts_with('|')
                && !l.trim_start().starts_with(|c: char| c.is_ascii_digit())
        })
        // pest's note lines read `  = expected …`.
        .map(|l| l.trim().trim_start_matches("= "))
        .collect::<Vec<_>>()
        .join(" ");
    let mut d = Diagnostic::error(shown, format!("template syntax error: {}", short.trim()))
        .with_help("see Tera's documentation for the syntax: {{ value }}, {% tag %}");
    if let Some((l, c)) = pos {
        d = d.at(l, c);
    }
    d
}

/// Everything the renderer needs, built once per build.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub graph: &'a Graph,
    pub tera: Tera,
    pub values: Arc<Values>,
    theme: &'a Theme,
    /// Relative mode: internal URLs of generated HTML rewritten relative to each page.
    relative: bool,
    base_path: String,
    tables: Arc<functions::Tables>,
    /// Incremental rendering (serve): the previous build's memo, and this build's.
    previous: Option<&'a Memo>,
    recorder: Option<Recorder>,
    /// Hashes of the page and section values (incremental rendering only).
    hashes: Option<Hashes>,
    /// Hash of what every output depends on: all templates, the base path, relative mode.
    global: u64,
    rendered: AtomicUsize,
    reused: AtomicUsize,
    /// The search index's kept tokens (incremental rendering only).
    search: Option<std::sync::Mutex<&'a mut crate::search::SearchCache>>,
    /// The zh-Hant edition (`[variants] hant = true`): every generated output gets a twin.
    edition: Option<crate::variants::Edition>,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, graph: &'a Graph, theme: &'a Theme, tera: Tera) -> Self {
        Renderer::new_cached(site, graph, theme, tera, None)
    }

    /// [`Renderer::new`] reusing the page summaries of `summaries` that did not change
    /// (`serve`).
    pub fn new_cached(
        site: &'a Site,
        graph: &'a Graph,
        theme: &'a Theme,
        mut tera: Tera,
        summaries: Option<&mut context::SummaryCache>,
    ) -> Self {
        let values = Arc::new(Values::build_cached(site, graph, summaries));
        let mut urls = HashMap::new();
        let mut pages = HashMap::new();
        let mut sections = HashMap::new();
        for (i, p) in site.pages.iter().enumerate() {
            urls.insert(p.rel_path.clone(), site.url(&p.path));
            pages.insert(p.rel_path.clone(), i);
        }
        for (i, s) in site.sections.iter().enumerate() {
            urls.insert(s.rel_path.clone(), site.url(&s.path));
            sections.insert(s.rel_path.clone(), (i, s.subsections.clone()));
        }
        let taxonomies = graph
            .taxonomies
            .iter()
            .map(|t| {
                let light = context::taxonomy_value(site, &values, t, false);
                let pages = t.terms.iter().map(|term| term.pages.clone()).collect();
                (t.config.name.clone(), (light, pages))
            })
            .collect();
        let statics = theme
            .statics
            .keys()
            .map(|k| (k.clone(), site.url(theme.output_name(k))))
            .collect();
        let tables = Arc::new(functions::Tables {
            base_path: site.base_path(),
            urls,
            values: values.clone(),
            pages,
            sections,
            taxonomies,
            statics,
        });
        tera.register_filter(
            "relative",
            functions::Relative {
                base_path: site.base_path(),
            },
        );
        tera.register_function("get_url", functions::GetUrl(tables.clone()));
        tera.register_function("get_page", functions::GetPage(tables.clone()));
        tera.register_function("get_section", functions::GetSection(tables.clone()));
        tera.register_function("get_taxonomy", functions::GetTaxonomy(tables.clone()));
        let mut h = memo::new_hasher();
        for (name, src) in &theme.templates {
            name.hash(&mut h);
            src.text.hash(&mut h);
        }
        site.base_path().hash(&mut h);
        site.config.base_url.hash(&mut h);
        site.config.relative_urls.hash(&mut h);
        // `config` and `nav` are in every context.
        memo::hash_value(&values.config, &mut h);
        memo::hash_value(&values.nav, &mut h);
        let assets = theme
            .statics
            .keys()
            .map(|k| theme.output_name(k).to_string())
            .chain(site.content_assets.keys().cloned());
        let edition = crate::variants::Edition::new(&site.config, assets);
        Renderer {
            site,
            graph,
            tera,
            values,
            theme,
            relative: site.config.relative_urls,
            base_path: site.base_path(),
            tables,
            previous: None,
            recorder: None,
            hashes: None,
            global: h.finish(),
            rendered: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            search: None,
            edition,
        }
    }

    /// Render incrementally: outputs whose inputs are the same as in `previous` (the memo of
    /// the last build into the same sink) are kept rather than rendered. See [`memo`].
    pub fn with_memo(
        mut self,
        previous: &'a Memo,
        search: &'a mut crate::search::SearchCache,
    ) -> Self {
        self.previous = Some(previous);
        self.search = Some(std::sync::Mutex::new(search));
        self.recorder = Some(Recorder::default());
        self.hashes = Some(Hashes::build(self.site, &self.values));
        self
    }

    fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
        for (i, s) in site.sections.iter().enumerate() {
            jobs.push(Job::Section(i));
            if !s.pages.is_empty() && s.parent.is_some() && self.has("print.html") {
                jobs.push(Job::Print(i));
            }
            if s.meta.feed.unwrap_or(true) && self.has("atom.xml") {
                jobs.push(if i == 0 {
                    Job::Feed(FeedKind::Site)
                } else {
                    Job::Feed(FeedKind::Section(i))
                });
            }
        }
        for (t, tax) in self.graph.taxonomies.iter().enumerate() {
            if self.has("taxonomy_list.html") {
                jobs.push(Job::TaxonomyList(t));
            }
            for (k, term) in tax.terms.iter().enumerate() {
                if self.has("taxonomy_term.html") {
                    let per = if tax.config.paginate_by == 0 {
                        None
                    } else {
                        Some(tax.config.paginate_by)
                    };
                    for n in 1..=pager_count(term.pages.len(), per) {
                        jobs.push(Job::Term(t, k, n));
                    }
                }
                if tax.config.feed && self.has("atom.xml") {
                    jobs.push(Job::Feed(FeedKind::Term(t, k)));
                }
            }
        }
        if self.has("sitemap.xml") {
            jobs.push(Job::Sitemap);
        }
        // A page or section of the site's own at sitemap/ wins over the generated one.
        let taken = site.pages.iter().any(|p| p.path == "sitemap/")
            || site.sections.iter().any(|s| s.path == "sitemap/");
        if self.has("sitemap.html") && !taken {
            jobs.push(Job::SiteMapPage);
        }
        if self.has("robots.txt") {
            jobs.push(Job::Robots);
        }
        jobs.push(Job::NotFound);
        if self.has("search.html") {
            // The index job comes first: it is the longest (jieba), so it starts early.
            jobs.insert(0, Job::SearchIndex);
            jobs.push(Job::SearchPage);
        }
        jobs.extend(self.theme.statics.keys().cloned().map(Job::Static));
        jobs.extend(site.content_assets.keys().cloned().map(Job::Asset));
        jobs.extend((0..self.graph.aliases.len()).map(Job::Alias));
        jobs
    }

    fn has(&self, name: &str) -> bool {
        self.theme.templates.contains_key(name)
    }

    /// Check that every `template:` named in front matter exists.
    pub fn check_templates(&self) -> Vec<Diagnostic> {
        check_template_names(self.site, self.theme)
    }

    /// Render every output into `sink`; returns the number of files written.
    pub fn render_all(&self, sink: &dyn Sink) -> (usize, Diagnostics) {
        let twins;
        let sink: &dyn Sink = match &self.edition {
            Some(edition) => {
                twins = crate::variants::TwinSink {
                    inner: sink,
                    edition,
                };
                &twins
            }
            None => sink,
        };
        let jobs = self.jobs();
        let results: Vec<Result<usize, Diagnostic>> =
            jobs.par_iter().map(|job| self.run(job, sink)).collect();
        let mut count = 0;
        let mut failed = Vec::new();
        for r in results {
            match r {
                Ok(n) => count += n,
                Err(d) => failed.push(d),
            }
        }
        (count, merge_repeated(failed))
    }

    fn page_template(&self, i: usize) -> String {
        let p = &self.site.pages[i];
        if let Some(t) = &p.meta.fields.template {
            return t.clone();
        }
        let mut s = Some(p.section);
        while let Some(si) = s {
            if let Some(t) = &self.site.sections[si].meta.page_template {
                return t.clone();
            }
            s = self.site.sections[si].parent;
        }
        "page.html".into()
    }

    /// A template error on a page or section moved to the author's file when it names one
    /// of its front-matter keys (see `blame`).
    fn blame(&self, job: &Job, d: Diagnostic) -> Diagnostic {
        let (file, rel) = match job {
            Job::Page(i) => {
                let p = &self.site.pages[*i];
                (Some(p.file.as_path()), &p.rel_path)
            }
            Job::Section(i) => {
                let s = &self.site.sections[*i];
                (s.file.as_deref(), &s.rel_path)
            }
            _ => return d,
        };
        match file {
            Some(f) => blame::blame(d, f, &PathBuf::from(CONTENT_DIR).join(rel)),
            None => d,
        }
    }

    fn render_template(&self, name: &str, ctx: &Context, what: &str) -> Result<String, Diagnostic> {
        self.tera.render(name, ctx).map_err(|e| {
            let shown = self.theme.templates.get(name).map(|s| s.shown.clone()).unwrap_or_else(|| PathBuf::from(name));
            Diagnostic::error(shown, format!("rendering {what} failed: {}", error_chain(&e)))
                .with_help("check the variables, filters and functions the template uses (README: template context)")
        })
    }

    /// Produce one job's output; returns the number of files written.
    fn run(&self, job: &Job, sink: &dyn Sink) -> Result<usize, Diagnostic> {
        let out = match self.output(job, sink)? {
            Out::Written(n) => {
                self.count(false);
                return Ok(n);
            }
            Out::Template {
                path,
                template,
                context,
                what,
            } => {
                return self.template_output(
                    job,
                    sink,
                    path,
                    &template,
                    &what,
                    (&[], &mut None),
                    context,
                );
            }
            Out::Pagers {
                template,
                what,
                shared,
                pagers,
            } => {
                // The pagers of a listing share most of their context (the section with all
                // its pages): it is built once, and only the pager's own parts change.
                let mut ctx = None;
                let mut n = 0;
                for (path, own) in pagers {
                    n += self.template_output(
                        job,
                        sink,
                        path,
                        &template,
                        &what,
                        (&shared, &mut ctx),
                        own,
                    )?;
                }
                return Ok(n);
            }
            Out::Bytes { path, bytes } => (path, bytes),
            Out::File {
                path,
                source,
                shown,
            } => {
                let fingerprint = self.recorder.as_ref().and_then(|_| {
                    let m = std::fs::metadata(&source).ok()?;
                    let mut h = memo::new_hasher();
                    source.hash(&mut h);
                    m.len().hash(&mut h);
                    m.modified().ok()?.hash(&mut h);
                    Some(h.finish())
                });
                if let Some(fp) = fingerprint {
                    if self.reusable(&path, fp) && sink.keep(&path) {
                        self.remember(&path, fp, Vec::new());
                        self.count(true);
                        return Ok(1);
                    }
                    self.remember(&path, fp, Vec::new());
                }
                let bytes = crate::input::read_regular(&source, crate::theme::MAX_STATIC_BYTES)
                    .map_err(|e| Diagnostic::error(shown, e.to_string()).with_help(e.help()))?;
                (path, bytes)
            }
        };
        let (path, bytes) = out;
        self.finish(job, sink, path, bytes)
    }

    /// Render `template` into `path` with the `shared` parts (built into the shared context
    /// the first time one is needed) and the output's `own` parts, unless the previous
    /// build's output can be kept.
    #[allow(clippy::too_many_arguments)]
    fn template_output(
        &self,
        job: &Job,
        sink: &dyn Sink,
        path: String,
        template: &str,
        what: &str,
        (shared, shared_ctx): (&[(&'static str, Part<'a>)], &mut Option<Context>),
        own: Vec<(&'static str, Part<'a>)>,
    ) -> Result<usize, Diagnostic> {
        let fingerprint = self.hashes.as_ref().map(|hashes| {
            let mut h = memo::new_hasher();
            h.write_u64(self.global);
            template.hash(&mut h);
            for (key, part) in shared.iter().chain(&own) {
                key.hash(&mut h);
                self.values
                    .hash_part(self.site, self.graph, hashes, part, &mut h);
            }
            h.finish()
        });
        if let Some(fp) = fingerprint {
            if self.reusable(&path, fp) && sink.keep(&path) {
                self.remember(&path, fp, self.previous_calls(&path));
                self.count(true);
                return Ok(1);
            }
        }
        let build = |parts: &[(&'static str, Part<'a>)], map: &mut Map<String, Value>| {
            for (key, part) in parts {
                map.insert(
                    (*key).into(),
                    self.values.build_part(self.site, self.graph, part),
                );
            }
        };
        let base = || {
            let mut map = Map::new();
            map.insert("config".into(), self.values.config.clone());
            map.insert("nav".into(), self.values.nav.clone());
            map
        };
        let one_off;
        let ctx: &Context = if shared.is_empty() {
            let mut map = base();
            for (key, part) in own {
                map.insert(
                    key.into(),
                    self.values.build_owned(self.site, self.graph, part),
                );
            }
            one_off = Context::from_value(Value::Object(map)).unwrap_or_default();
            &one_off
        } else {
            let ctx = shared_ctx.get_or_insert_with(|| {
                let mut map = base();
                build(shared, &mut map);
                Context::from_value(Value::Object(map)).unwrap_or_default()
            });
            for (key, part) in own {
                ctx.insert(key, &self.values.build_owned(self.site, self.graph, part));
            }
            ctx
        };
        if fingerprint.is_some() {
            memo::start_recording();
        }
        let html = self.render_template(template, ctx, what);
        let calls = if fingerprint.is_some() {
            memo::stop_recording()
        } else {
            Vec::new()
        };
        let html = html.map_err(|d| self.blame(job, d))?;
        if let Some(fp) = fingerprint {
            self.remember(&path, fp, calls);
        }
        self.finish(job, sink, path, html.into_bytes())
    }

    /// Relative mode's rewriting, then hand the bytes to the sink.
    fn finish(
        &self,
        job: &Job,
        sink: &dyn Sink,
        path: String,
        bytes: Vec<u8>,
    ) -> Result<usize, Diagnostic> {
        // The zh-Hant edition's twin, converted from this output (before relative links).
        let twin = self.edition.as_ref().and_then(|e| {
            let kind = match job {
                Job::Feed(_) => crate::variants::Kind::Xml,
                j if j.is_generated_html() => crate::variants::Kind::Html,
                _ => return None,
            };
            let text = std::str::from_utf8(&bytes).ok()?;
            let twin_path = e.twin_path(&path);
            let mut twin = e.convert(kind, &path, text);
            if self.relative && kind == crate::variants::Kind::Html {
                twin = crate::html::relativize(&twin, &twin_path, &self.base_path);
            }
            Some((twin_path, twin.into_bytes()))
        });
        let mut written = 1;
        if let Some((twin_path, twin)) = twin {
            sink.put(&twin_path, twin)
                .map_err(|e| Diagnostic::global(format!("cannot write {twin_path}: {e}")))?;
            written += 1;
        }
        let bytes = if self.relative && job.is_generated_html() {
            match String::from_utf8(bytes) {
                Ok(html) => crate::html::relativize(&html, &path, &self.base_path).into_bytes(),
                Err(e) => e.into_bytes(),
            }
        } else {
            bytes
        };
        self.count(false);
        if let Some(r) = &self.recorder {
            if let Ok(mut list) = r.rendered.lock() {
                list.push(path.clone());
            }
        }
        sink.put(&path, bytes)
            .map_err(|e| Diagnostic::global(format!("cannot write {path}: {e}")))?;
        Ok(written)
    }

    fn count(&self, reused: bool) {
        let c = if reused { &self.reused } else { &self.rendered };
        c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many outputs were produced and reused so far.
    pub fn stats(&self) -> memo::Stats {
        use std::sync::atomic::Ordering::Relaxed;
        memo::Stats {
            rendered: self.rendered.load(Relaxed),
            reused: self.reused.load(Relaxed),
        }
    }

    /// Can the previous build's output at `path` be kept: same fingerprint, and every
    /// function call its template made still gives the same result?
    fn reusable(&self, path: &str, fingerprint: u64) -> bool {
        let (Some(previous), Some(recorder)) = (self.previous, &self.recorder) else {
            return false;
        };
        let Some(entry) = previous.entries.get(path) else {
            return false;
        };
        entry.fingerprint == fingerprint
            && entry.calls.iter().all(|call| {
                let key = (call.function, call.args.clone());
                let known = recorder
                    .checked
                    .lock()
                    .ok()
                    .and_then(|m| m.get(&key).copied());
                let now = known.unwrap_or_else(|| {
                    let args = memo::args_from_key(&call.args);
                    let h = memo::result_hash(&functions::eval(&self.tables, call.function, &args));
                    if let Ok(mut m) = recorder.checked.lock() {
                        m.insert(key, h);
                    }
                    h
                });
                now == call.result
            })
    }

    fn previous_calls(&self, path: &str) -> Vec<memo::Call> {
        self.previous
            .and_then(|m| m.entries.get(path))
            .map(|e| e.calls.clone())
            .unwrap_or_default()
    }

    fn remember(&self, path: &str, fingerprint: u64, calls: Vec<memo::Call>) {
        if let Some(r) = &self.recorder {
            if let Ok(mut m) = r.entries.lock() {
                m.insert(path.to_string(), memo::Entry { fingerprint, calls });
            }
        }
    }

    /// The memo of this build (empty unless made with [`Renderer::with_memo`]).
    pub fn into_memo(self) -> Memo {
        let Renderer {
            tera,
            values,
            tables,
            hashes,
            recorder,
            ..
        } = self;
        drop_later((tera, values, tables, hashes));
        recorder.map(Recorder::into_memo).unwrap_or_default()
    }

    /// A template context (besides `config` and `nav`) from plain values.
    fn values_of(entries: Vec<(&'static str, Value)>) -> Vec<(&'static str, Part<'a>)> {
        entries
            .into_iter()
            .map(|(k, v)| (k, Part::Value(v)))
            .collect()
    }

    /// `current_url`, `current_path` and `current_permalink` of an output at `path`.
    fn here(&self, path: &str) -> [(&'static str, Part<'a>); 3] {
        [
            (
                "current_url",
                Part::Value(Value::String(self.site.url(path))),
            ),
            ("current_path", Part::Value(Value::String(path.to_string()))),
            (
                "current_permalink",
                Part::Value(Value::String(self.site.permalink(path))),
            ),
        ]
    }

    /// What a job produces: a template and its context, bytes, or a file to copy.
    fn output(&self, job: &Job, sink: &dyn Sink) -> Result<Out<'a>, Diagnostic> {
        let site = self.site;
        let template = |path: String, template: &str, context, what: String| Out::Template {
            path,
            template: template.to_string(),
            context,
            what,
        };
        Ok(match job {
            Job::SearchIndex => Out::Written(match &self.search {
                Some(cache) => match cache.lock() {
                    Ok(mut cache) => crate::search::write_cached(site, sink, &mut cache)?,
                    Err(_) => crate::search::write(site, sink)?,
                },
                None => crate::search::write(site, sink)?,
            }),
            Job::SearchPage => {
                if let Some(d) = crate::search::conflict(site) {
                    return Err(d);
                }
                let path = crate::search::DIR;
                let [url, current, _] = self.here(path);
                template(
                    format!("{path}index.html"),
                    "search.html",
                    vec![url, current],
                    "search.html".into(),
                )
            }
            Job::Page(i) => {
                let p = &site.pages[*i];
                let mut entries = vec![("page", Part::PageFull(*i))];
                entries.extend(self.here(&p.path));
                template(
                    format!("{}index.html", p.path),
                    &self.page_template(*i),
                    entries,
                    format!("content/{}", p.rel_path),
                )
            }
            Job::Section(i) => {
                let s = &site.sections[*i];
                let pagers = (1..=pager_count(s.pages.len(), s.meta.paginate_by))
                    .map(|n| {
                        let path = pager_path(&s.path, n);
                        let mut own = vec![(
                            "paginator",
                            Part::Paginator {
                                base: s.path.clone(),
                                list: &s.pages,
                                per: s.meta.paginate_by,
                                n,
                            },
                        )];
                        own.extend(self.here(&path));
                        (format!("{path}index.html"), own)
                    })
                    .collect();
                let default = if *i == 0 {
                    "index.html"
                } else {
                    "section.html"
                };
                Out::Pagers {
                    template: s.meta.template.as_deref().unwrap_or(default).to_string(),
                    what: format!("content/{}", s.rel_path),
                    shared: vec![("section", Part::SectionFull(*i))],
                    pagers,
                }
            }
            Job::Print(i) => {
                let s = &site.sections[*i];
                let path = format!("{}print/", s.path);
                let [url, current, _] = self.here(&path);
                template(
                    format!("{path}index.html"),
                    "print.html",
                    vec![
                        ("section", Part::SectionWithoutPages(*i)),
                        ("pages", Part::PrintPages(*i)),
                        ("appendix", Part::Appendix(*i)),
                        ("intro", Part::HandoutIntro(*i)),
                        url,
                        current,
                    ],
                    format!("print page of content/{}", s.rel_path),
                )
            }
            Job::TaxonomyList(t) => {
                let tax = &self.graph.taxonomies[*t];
                let path = format!("{}/", tax.config.name);
                let mut entries = Self::values_of(vec![
                    (
                        "taxonomy",
                        context::taxonomy_value(site, &self.values, tax, false),
                    ),
                    ("ancestors", Value::Array(context::ancestors(site, 0))),
                ]);
                entries.extend(self.here(&path));
                template(
                    format!("{path}index.html"),
                    "taxonomy_list.html",
                    entries,
                    format!("taxonomy `{}`", tax.config.name),
                )
            }
            Job::Term(t, k, n) => {
                let tax = &self.graph.taxonomies[*t];
                let term = &tax.terms[*k];
                let base = term.path(&tax.config.name);
                let tv = json!({
                    "name": term.name, "slug": term.slug, "url": site.url(&base), "count": term.pages.len(),
                    "feed_url": if tax.config.feed { Value::String(site.url(&format!("{base}atom.xml"))) } else { Value::Null },
                });
                let list_url = site.url(&format!("{}/", tax.config.name));
                let mut trail = context::ancestors(site, 0);
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
                    above
                        .push(json!({"title": t.name, "url": site.url(&t.path(&tax.config.name))}));
                    parent = t.parent.as_deref();
                }
                above.reverse();
                trail.extend(above);
                let per = if tax.config.paginate_by == 0 {
                    None
                } else {
                    Some(tax.config.paginate_by)
                };
                let path = pager_path(&base, *n);
                let mut entries = Self::values_of(vec![
                    (
                        "taxonomy",
                        json!({"name": tax.config.name, "title": tax.config.title, "url": list_url}),
                    ),
                    ("term", tv),
                    ("ancestors", Value::Array(trail)),
                ]);
                entries.push((
                    "paginator",
                    Part::Paginator {
                        base: base.clone(),
                        list: &term.pages,
                        per,
                        n: *n,
                    },
                ));
                entries.extend(self.here(&path));
                template(
                    format!("{path}index.html"),
                    "taxonomy_term.html",
                    entries,
                    format!("term `{}`", term.name),
                )
            }
            Job::Feed(kind) => {
                let (path, feed) = self.feed(kind);
                template(
                    path.clone(),
                    "atom.xml",
                    Self::values_of(vec![("feed", feed)]),
                    path,
                )
            }
            Job::Sitemap => {
                let mut entries: Vec<Value> = Vec::new();
                for s in &site.sections {
                    entries.push(
                        json!({"permalink": site.permalink(&s.path), "updated": Value::Null}),
                    );
                }
                for p in &site.pages {
                    let f = &p.meta.fields;
                    let d = f
                        .updated
                        .as_ref()
                        .or(f.date.as_ref())
                        .map(|d| d.as_written());
                    entries.push(json!({"permalink": site.permalink(&p.path), "updated": d}));
                }
                for t in &self.graph.taxonomies {
                    entries.push(json!({"permalink": site.permalink(&format!("{}/", t.config.name)), "updated": Value::Null}));
                    for term in &t.terms {
                        entries.push(json!({"permalink": site.permalink(&term.path(&t.config.name)), "updated": Value::Null}));
                    }
                }
                // With a zh-Hant edition the one sitemap lists both (see variants).
                if let Some(edition) = &self.edition {
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
                template(
                    "sitemap.xml".into(),
                    "sitemap.xml",
                    Self::values_of(vec![("entries", Value::Array(entries))]),
                    "sitemap.xml".into(),
                )
            }
            Job::SiteMapPage => {
                let path = "sitemap/";
                let mut entries = Self::values_of(vec![
                    ("tree", self.site_tree(0)),
                    ("ancestors", Value::Array(context::ancestors(site, 0))),
                ]);
                entries.extend(self.here(path));
                template(
                    format!("{path}index.html"),
                    "sitemap.html",
                    entries,
                    "sitemap.html".into(),
                )
            }
            Job::Robots => template(
                "robots.txt".into(),
                "robots.txt",
                Self::values_of(vec![(
                    "sitemap_url",
                    Value::String(encode_url(&site.permalink("sitemap.xml"))),
                )]),
                "robots.txt".into(),
            ),
            Job::NotFound => {
                let [url, current, _] = self.here("404.html");
                template(
                    "404.html".into(),
                    "404.html",
                    vec![url, current],
                    "404.html".into(),
                )
            }
            Job::Static(name) => {
                let output = self.theme.output_name(name).to_string();
                match &self.theme.statics[name] {
                    StaticFile::Disk(source) => Out::File {
                        path: output,
                        source: source.clone(),
                        shown: source.clone(),
                    },
                    f @ StaticFile::Embedded(_) => Out::Bytes {
                        path: output,
                        bytes: f.read().map_err(|e| {
                            Diagnostic::error(static_shown(f, name), format!("cannot read: {e}"))
                        })?,
                    },
                }
            }
            Job::Alias(a) => {
                let alias = &self.graph.aliases[*a];
                Out::Bytes {
                    path: alias.output.clone(),
                    bytes: self.alias_page(alias).into_bytes(),
                }
            }
            Job::Asset(rel) => {
                let a = &site.content_assets[rel];
                Out::File {
                    path: a.output.clone(),
                    source: a.source.clone(),
                    shown: PathBuf::from(CONTENT_DIR).join(rel),
                }
            }
        })
    }

    /// `{title, url, pages: [{title, url}], subsections: [...]}` of a section and everything
    /// under it, in the site's order (the reader's site map).
    fn site_tree(&self, i: usize) -> Value {
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

    /// A feed's output path and its `feed` value.
    fn feed(&self, kind: &FeedKind) -> (String, Value) {
        const FEED_LIMIT: usize = 20;
        let site = self.site;
        let (title, html_path, mut pages, out) = match kind {
            FeedKind::Site => (
                site.config.title.clone(),
                String::new(),
                (0..site.pages.len()).collect::<Vec<_>>(),
                "atom.xml".to_string(),
            ),
            FeedKind::Section(i) => {
                let s = &site.sections[*i];
                (
                    format!("{} · {}", s.title(), site.config.title),
                    s.path.clone(),
                    s.pages.clone(),
                    format!("{}atom.xml", s.path),
                )
            }
            FeedKind::Term(t, k) => {
                let tax = &self.graph.taxonomies[*t];
                let term = &tax.terms[*k];
                let base = term.path(&tax.config.name);
                (
                    format!(
                        "{}：{} · {}",
                        tax.config.title, term.name, site.config.title
                    ),
                    base.clone(),
                    term.pages.clone(),
                    format!("{base}atom.xml"),
                )
            }
        };
        crate::resolve::taxonomy::sort_newest_first(&mut pages, site);
        pages.truncate(FEED_LIMIT);
        let updated = pages
            .iter()
            .filter_map(|&p| {
                site.pages[p].meta.fields.updated.as_ref().or(site.pages[p]
                    .meta
                    .fields
                    .date
                    .as_ref())
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
                let mut v = Value::clone(&self.values.pages[p]);
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
        let feed = json!({
            "title": title,
            "url": encode_url(&site.permalink(&out)),
            "alternate": encode_url(&site.permalink(&html_path)),
            "updated": updated,
            "entries": entries,
        });
        (out, feed)
    }
}

/// One template mistake fails every page rendered with it: report it once, with the first
/// output it failed for and how many others failed the same way.
fn merge_repeated(failed: Vec<Diagnostic>) -> Diagnostics {
    let mut order: Vec<(Diagnostic, usize)> = Vec::new();
    let mut index: HashMap<(Option<PathBuf>, String), usize> = HashMap::new();
    for d in failed {
        let cause = d
            .message
            .split_once(" failed: ")
            .map(|(_, c)| c.to_string())
            .unwrap_or_else(|| d.message.clone());
        match index.get(&(d.file.clone(), cause.clone())) {
            Some(&i) => order[i].1 += 1,
            None => {
                index.insert((d.file.clone(), cause), order.len());
                order.push((d, 0));
            }
        }
    }
    let mut diags = Diagnostics::new();
    for (mut d, others) in order {
        if others > 0 {
            d.message.push_str(&format!(
                " (and {others} other output(s) failed the same way)"
            ));
        }
        diags.push(d);
    }
    diags
}

/// When `file` last changed, as an RFC 3339 timestamp in UTC (for feeds of undated pages).
fn file_modified(file: &std::path::Path) -> Option<String> {
    let t = std::fs::metadata(file).and_then(|m| m.modified()).ok()?;
    Some(
        chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

/// Check that every `template:` (and `page_template:`) named in front matter exists in the theme.
pub fn check_template_names(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let missing = |name: &str| !theme.templates.contains_key(name);
    for p in &site.pages {
        if let Some(t) = &p.meta.fields.template {
            if missing(t) {
                let line = p.meta.key_lines.get("template").copied().unwrap_or(1);
                errors.push(missing_template(
                    PathBuf::from(CONTENT_DIR).join(&p.rel_path),
                    t,
                    line,
                    theme,
                ));
            }
        }
    }
    for s in &site.sections {
        for (key, t) in [
            ("template", &s.meta.template),
            ("page_template", &s.meta.page_template),
        ] {
            if let Some(t) = t {
                if missing(t) {
                    let line = front_matter_line(s.file.as_deref(), key);
                    errors.push(missing_template(
                        PathBuf::from(CONTENT_DIR).join(&s.rel_path),
                        t,
                        line,
                        theme,
                    ));
                }
            }
        }
    }
    errors
}

fn static_shown(f: &StaticFile, name: &str) -> PathBuf {
    match f {
        StaticFile::Disk(p) => p.clone(),
        StaticFile::Embedded(_) => PathBuf::from(format!("(built-in theme)/static/{name}")),
    }
}

fn missing_template(file: PathBuf, name: &str, line: usize, theme: &Theme) -> Diagnostic {
    let names: Vec<&String> = theme
        .templates
        .keys()
        // Partials (included pieces such as the 简/繁 switch) are not page templates.
        .filter(|n| n.ends_with(".html") && !n.starts_with("partials/"))
        .collect();
    let mut help = format!(
        "add templates/{name} to the site, or use one of: {}",
        names
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(s) = crate::suggest::closest(name, names.iter().map(|s| s.as_str())) {
        help = format!("did you mean `{s}`? {help}");
    }
    Diagnostic::error(file, format!("the template `{name}` does not exist"))
        .at_line(line)
        .with_help(help)
}

fn front_matter_line(file: Option<&std::path::Path>, key: &str) -> usize {
    let Some(text) = file
        .and_then(|f| crate::input::read_regular(f, crate::load::MAX_FILE_BYTES).ok())
        .map(|b| crate::encoding::decode_lossy(&b))
    else {
        return 1;
    };
    text.lines()
        .position(|l| l.starts_with(&format!("{key}:")))
        .map_or(1, |i| i + 1)
}

/// Number of pagers for `n` items (at least 1).
pub fn pager_count(n: usize, per: Option<usize>) -> usize {
    match per {
        Some(per) if per > 0 => n.div_ceil(per).max(1),
        _ => 1,
    }
}

/// `cases/` pager 1 → `cases/`; pager 2 → `cases/page/2/`.
pub fn pager_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

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

/// Free a large structure on another thread: on a 10,000-page site, dropping a build's
/// values, memo or site takes tens of milliseconds that `serve`'s reload need not wait for.
pub fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here with the closure.
    let _ = std::thread::Builder::new()
        .name("zhiku-drop".into())
        .spawn(move || drop(value));
}

/// Prefix every `id="…"` and same-page `href="#…"` in `html` (for pages combined into one).
pub fn prefix_ids(html: &str, prefix: &str) -> String {
    html.replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace("href=\"#", &format!("href=\"#{prefix}"))
}

/// Percent-encode the non-ASCII and unsafe characters of a URL (for XML feeds and sitemaps).
pub fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A sink that keeps files in memory (serve, tests).
#[derive(Debug, Default)]
pub struct MemorySink {
    pub files: std::sync::Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    /// The files written.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let mut files = self
            .files
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        files.insert(path.to_string(), bytes);
        Ok(())
    }
}
