//! Stage 3, render: Tera templates turn the resolved site into output files.
//!
//! Every output (page, section and its pagers, print pages, taxonomy pages, feeds, sitemap,
//! 404, static files) is one job; jobs run in parallel and hand their bytes to a [`Sink`]
//! (the build's temporary directory, or serve's in-memory site).

mod blame;
mod context;
mod feeds;
mod functions;
mod handout;
mod jobs;
pub mod memo;
mod parts;
pub(crate) mod recursion;
pub(crate) mod refs;
mod templates;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Map, Value};
use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics, Outcome};
use crate::output::Sink;
use crate::paths::CONTENT_DIR;
use crate::resolve::plan::{Job, Step};
use crate::resolve::Graph;
use crate::site::{PageId, SectionId, Site};
use crate::theme::Theme;

use jobs::{Out, Parts};
pub(crate) use templates::{check_template_names, error_chain};
/// Public for the `templates` fuzz target.
pub use templates::{compile_templates, REQUIRED_TEMPLATES};

pub(crate) use context::Values;
pub use memo::{Incremental, Memo, Stats};
pub(crate) use parts::Part;

/// Everything the renderer needs, built once per build.
pub(crate) struct Renderer<'a> {
    pub site: &'a Site,
    pub graph: &'a Graph,
    pub tera: Tera,
    pub values: Values<'a>,
    theme: &'a Theme,
    /// Relative mode: internal URLs of generated HTML rewritten relative to each page.
    relative: bool,
    base_path: String,
    tables: Arc<functions::Tables>,
    /// Incremental rendering (serve): the previous build's memo, this build's, and the
    /// search index's kept tokens.
    reuse: Option<memo::Reuse<'a>>,
    /// Hash of what every output depends on: all templates, the base path, relative mode.
    global: u64,
    rendered: AtomicUsize,
    reused: AtomicUsize,
    /// The zh-Hant edition (`[variants] hant = true`): every generated output gets a twin.
    edition: Option<crate::variants::Edition>,
}

impl<'a> Renderer<'a> {
    /// The renderer of a prepared site; `incremental` (serve) makes it keep outputs whose
    /// inputs did not change since the previous build (see [`memo`]).
    pub(crate) fn new(
        shared: (&'a Arc<Site>, &'a Arc<Graph>),
        theme: &'a Theme,
        mut tera: Tera,
        incremental: Option<Incremental<'a>>,
    ) -> Self {
        let (site, graph): (&'a Site, &'a Graph) = (shared.0, shared.1);
        let incremental = incremental.map(|i| (i.previous, i.search));
        let values = Values::build(site, graph, incremental.is_some());
        let mut urls = HashMap::new();
        let mut pages = HashMap::new();
        let mut sections = HashMap::new();
        for (i, p) in site.pages.iter().enumerate() {
            urls.insert(p.rel_path.clone(), site.url(&p.path));
            pages.insert(p.rel_path.clone(), PageId(i));
        }
        for (i, s) in site.sections.iter().enumerate() {
            urls.insert(s.rel_path.clone(), site.url(&s.path));
            sections.insert(s.rel_path.clone(), (SectionId(i), s.subsections.clone()));
        }
        let taxonomies = graph
            .taxonomies
            .iter()
            .map(|t| {
                let light = context::taxonomy_value(site, t);
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
            site: shared.0.clone(),
            graph: shared.1.clone(),
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
        let mut h = crate::fingerprint::hasher();
        for (name, src) in &theme.templates {
            name.hash(&mut h);
            src.text.hash(&mut h);
        }
        site.base_path().hash(&mut h);
        site.config.base_url.hash(&mut h);
        site.config.relative_urls.hash(&mut h);
        // `config` and `nav` are in every context.
        h.write_u64(crate::fingerprint::of_json(&values.config));
        h.write_u64(crate::fingerprint::of_json(&values.nav));
        let assets = theme
            .statics
            .keys()
            .map(|k| theme.output_name(k).to_string())
            .chain(site.content_assets.keys().cloned());
        let edition = crate::variants::Edition::new(&site.config, assets);
        let mut renderer = Renderer {
            site,
            graph,
            tera,
            values,
            theme,
            relative: site.config.relative_urls,
            base_path: site.base_path(),
            tables,
            reuse: None,
            global: h.finish(),
            rendered: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            edition,
        };
        if let Some((previous, search)) = incremental {
            renderer.reuse = Some(memo::Reuse::new(previous, search));
        }
        renderer
    }

    /// Check that every `template:` named in front matter exists.
    pub(crate) fn check_templates(&self) -> Vec<Diagnostic> {
        check_template_names(self.site, self.theme)
    }

    /// Render every output into `sink`; returns the number of files written.
    /// The count is made even when some outputs failed (their errors are reported).
    pub(crate) fn render_all(&self, sink: &dyn Sink) -> Outcome<usize> {
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
        let results: Vec<Result<usize, Diagnostic>> = self
            .graph
            .plan
            .steps
            .par_iter()
            .map(|step| self.run(step, sink))
            .collect();
        let mut count = 0;
        let mut failed = Vec::new();
        for r in results {
            match r {
                Ok(n) => count += n,
                Err(d) => failed.push(d),
            }
        }
        Outcome::made(count, merge_repeated(failed))
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
        let (front, rel) = match job {
            Job::Page(id) => {
                let p = &self.site.pages[*id];
                (&p.meta.text, &p.rel_path)
            }
            Job::Listing(id) => {
                let s = &self.site.sections[*id];
                (&s.meta.text, &s.rel_path)
            }
            _ => return d,
        };
        blame::blame(d, front, &PathBuf::from(CONTENT_DIR).join(rel))
    }

    fn render_template(&self, name: &str, ctx: &Context, what: &str) -> Result<String, Diagnostic> {
        self.tera.render(name, ctx).map_err(|e| {
            let shown = self.theme.templates.get(name).map(|s| s.shown.clone()).unwrap_or_else(|| PathBuf::from(name));
            Diagnostic::error(shown, format!("rendering {what} failed: {}", error_chain(&e)))
                .with_help("check the variables, filters and functions the template uses (README: template context)")
        })
    }

    /// Produce one step's outputs; returns the number of files written.
    fn run(&self, step: &Step, sink: &dyn Sink) -> Result<usize, Diagnostic> {
        let job = &step.job;
        // The step's one output (pagers have one each).
        let path = || {
            step.outputs
                .first()
                .map(|o| o.path.clone())
                .unwrap_or_default()
        };
        let out = match self.output(step, sink)? {
            Out::Written(n) => {
                self.count(false);
                return Ok(n);
            }
            Out::Template {
                template,
                context,
                what,
                deferred,
            } => {
                return self.template_output(
                    job,
                    sink,
                    path(),
                    (&template, &what),
                    (&[], &mut SharedMade::default()),
                    (context, deferred),
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
                let mut ctx = SharedMade::default();
                let mut n = 0;
                for (output, own) in step.outputs.iter().zip(pagers) {
                    n += self.template_output(
                        job,
                        sink,
                        output.path.clone(),
                        (&template, &what),
                        (&shared, &mut ctx),
                        (own, None),
                    )?;
                }
                return Ok(n);
            }
            Out::Bytes(bytes) => (path(), bytes),
            Out::File { source, shown } => {
                let path = path();
                let bytes = crate::input::read_regular(&source, crate::theme::MAX_STATIC_BYTES)
                    .map_err(|e| Diagnostic::error(shown, e.to_string()).with_help(e.help()))?;
                // Kept when its content is the same (not its size and time: a file copied
                // back from a USB stick keeps neither, an edit within a FAT timestamp's two
                // seconds keeps both).
                if let Some(reuse) = &self.reuse {
                    let fp = crate::fingerprint::of_bytes(&bytes);
                    let kept = reuse.reusable(&path, fp, &self.tables) && sink.keep(&path);
                    reuse.remember(&path, fp, Vec::new());
                    if kept {
                        self.count(true);
                        return Ok(1);
                    }
                }
                (path, bytes)
            }
        };
        let (path, bytes) = out;
        self.finish(job, sink, path, bytes)
    }

    /// Render `template` into `path` with the `shared` parts (built into the shared context,
    /// and fingerprinted, the first time one is needed), the output's `own` parts and its deferred ones (made
    /// now), unless the previous build's output can be kept.
    fn template_output(
        &self,
        job: &Job,
        sink: &dyn Sink,
        path: String,
        (template, what): (&str, &str),
        (shared, made): (&[(&'static str, Part<'_>)], &mut SharedMade),
        (mut own, deferred): (Parts<'_>, Option<jobs::Deferred<'_>>),
    ) -> Result<usize, Diagnostic> {
        let fingerprint = self.reuse.as_ref().map(|_| {
            let mut h = crate::fingerprint::hasher();
            h.write_u64(self.global);
            template.hash(&mut h);
            // The shared parts (a listing's section with all its pages) once for all pagers.
            h.write_u64(*made.fingerprint.get_or_insert_with(|| {
                let mut h = crate::fingerprint::hasher();
                for (key, part) in shared {
                    key.hash(&mut h);
                    h.write_u64(crate::fingerprint::of_serialize(part));
                }
                h.finish()
            }));
            for (key, part) in &own {
                key.hash(&mut h);
                h.write_u64(crate::fingerprint::of_serialize(part));
            }
            if let Some(d) = &deferred {
                h.write_u64(d.key.unwrap_or_default());
            }
            h.finish()
        });
        if let (Some(reuse), Some(fp)) = (&self.reuse, fingerprint) {
            if reuse.reusable(&path, fp, &self.tables) && sink.keep(&path) {
                reuse.remember(&path, fp, reuse.previous_calls(&path));
                self.count(true);
                return Ok(1);
            }
        }
        if let Some(d) = deferred {
            own.extend((d.make)());
        }
        let build = |parts: &[(&'static str, Part<'_>)], map: &mut Map<String, Value>| {
            for (key, part) in parts {
                map.insert((*key).into(), context::to_value(part));
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
                map.insert(key.into(), part.into_value());
            }
            one_off = Context::from_value(Value::Object(map)).unwrap_or_default();
            &one_off
        } else {
            let ctx = made.context.get_or_insert_with(|| {
                let mut map = base();
                build(shared, &mut map);
                Context::from_value(Value::Object(map)).unwrap_or_default()
            });
            for (key, part) in own {
                ctx.insert(key, &part.into_value());
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
        if let (Some(reuse), Some(fp)) = (&self.reuse, fingerprint) {
            reuse.remember(&path, fp, calls);
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
                Job::Feed(_) => crate::variants::Markup::Xml,
                j if j.is_generated_html() => crate::variants::Markup::Html,
                _ => return None,
            };
            let text = std::str::from_utf8(&bytes).ok()?;
            let twin_path = e.twin_path(&path);
            let mut twin = e.convert(kind, &path, text);
            if self.relative && kind == crate::variants::Markup::Html {
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
        if let Some(reuse) = &self.reuse {
            reuse.rendered(&path);
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
    pub(crate) fn stats(&self) -> memo::Stats {
        use std::sync::atomic::Ordering::Relaxed;
        memo::Stats {
            rendered: self.rendered.load(Relaxed),
            reused: self.reused.load(Relaxed),
        }
    }

    /// The memo of this build (empty unless it renders incrementally).
    pub(crate) fn into_memo(self) -> Memo {
        let Renderer {
            tera,
            values,
            tables,
            reuse,
            ..
        } = self;
        // The values borrow the site; they are small (no JSON) and dropped here.
        drop(values);
        drop_later((tera, tables));
        reuse.map(memo::Reuse::into_memo).unwrap_or_default()
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
}

/// What is made from the parts a step's outputs share (a listing's pagers), the first time
/// one of them needs it.
#[derive(Default)]
struct SharedMade {
    context: Option<Context>,
    fingerprint: Option<u64>,
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

/// Free a large structure on another thread: on a 10,000-page site, dropping a build's
/// values, memo or site takes tens of milliseconds that `serve`'s reload need not wait for.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here with the closure.
    let _ = std::thread::Builder::new()
        .name("zhiku-drop".into())
        .spawn(move || drop(value));
}

/// Prefix every `id="…"` and same-page `href="#…"` in `html` (for pages combined into one).
pub(crate) fn prefix_ids(html: &str, prefix: &str) -> String {
    html.replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace("href=\"#", &format!("href=\"#{prefix}"))
}
