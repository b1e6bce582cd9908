//! The pipeline: load → resolve → render → write. `zhiku build`, `zhiku check` and
//! `zhiku serve` all go through [`prepare`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Outcome};
use crate::output::Sink;
use crate::render::{compile_templates, Renderer, Stats};
use crate::resolve::{self, Graph};
use crate::site::Site;
use crate::state::State;
use crate::theme::{self, Theme};

/// Prints how long each stage took when `ZHIKU_TIMINGS` is set (for profiling; see
/// "Performance" in the README).
pub struct Timer {
    on: bool,
    last: Instant,
}

impl Timer {
    pub fn new() -> Self {
        Timer {
            on: std::env::var_os("ZHIKU_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    /// Report the time since the previous mark under `stage`.
    pub fn mark(&mut self, stage: &str) {
        if self.on {
            eprintln!(
                "timing: {stage:<10} {:>8.1} ms{}",
                self.last.elapsed().as_secs_f64() * 1000.0,
                memory()
            );
        }
        self.last = Instant::now();
    }
}

/// `  rss N MiB, peak M MiB` where the system reports it (Linux), else nothing.
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!("   rss {} MiB, peak {} MiB", rss / 1024, peak / 1024),
        _ => String::new(),
    }
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}

/// What the command line asks of a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output directory (default `public/` in the root).
    pub output: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Relative mode (`--relative`): turns `relative_urls` on whatever site.toml says.
    pub relative: bool,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// A loaded and resolved site, ready to render.
pub struct Prepared {
    /// Shared with the template functions (`get_page`, …), which Tera keeps.
    pub site: Arc<Site>,
    pub graph: Arc<Graph>,
    pub theme: Theme,
    pub tera: tera::Tera,
}

/// Stack of each rendering thread. Tera renders by recursion; the recursion guard
/// (`render::recursion`) stops a template that recurses without end well before the stack
/// is full, and a larger stack lets legitimate deep nesting (a long chain of includes, a
/// deep table of contents) render. Only touched memory is ever allocated.
const THREAD_STACK: usize = 16 << 20;

/// Start rayon's threads with [`THREAD_STACK`] (once; a no-op when the pool already runs).
pub fn init_threads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(THREAD_STACK)
            .build_global();
    });
}

/// Load the configuration, theme and content, and resolve them, reusing what `state` kept
/// from the previous build (parsed files, compiled templates). All problems found are
/// reported; no value when any of them is an error.
pub fn prepare(opts: &BuildOptions, state: &mut State) -> Outcome<Prepared> {
    init_threads();
    let mut diags = Diagnostics::new();
    let Some(mut config) = Config::load(&opts.root).report_into(&mut diags) else {
        return Outcome::failed(diags);
    };
    if let Some(url) = &opts.base_url {
        if let Err(m) = crate::config::validate_base_url(url) {
            diags.push(Diagnostic::global(m).with_help("correct the value given with --base-url"));
            return Outcome::failed(diags);
        }
        config.base_url = crate::config::normalize_base_url(url);
    }
    if opts.relative {
        config.relative_urls = true;
    }
    let theme = theme::load(&opts.root, &config).report_into(&mut diags);
    let tera = match &theme {
        Some(t) => {
            let key = {
                use std::hash::{Hash, Hasher};
                let mut h = crate::fingerprint::hasher();
                for (name, src) in &t.templates {
                    name.hash(&mut h);
                    src.shown.hash(&mut h);
                    src.text.hash(&mut h);
                }
                h.finish()
            };
            match &state.templates {
                Some((k, tera)) if *k == key => Some(tera.clone()),
                _ => {
                    let tera = compile_templates(t).report_into(&mut diags);
                    state.templates = tera.clone().map(|tera| (key, tera));
                    tera
                }
            }
        }
        None => None,
    };
    let mut timer = Timer::new();
    let site = crate::load::load(&opts.root, &config, opts.drafts, &mut state.load)
        .report_into(&mut diags);
    if !state.keeps() {
        state.load.clear();
    }
    timer.mark("load");
    let Some(mut site) = site else {
        return Outcome::failed(diags);
    };
    // What the theme provides, for the output plan: its templates and static files (shown
    // relative to the site root in messages).
    let statics = theme.as_ref().map(|t| {
        t.static_sources()
            .into_iter()
            .map(|(k, (out, shown))| {
                let shown = shown
                    .strip_prefix(&opts.root)
                    .map(|p| p.to_path_buf())
                    .unwrap_or(shown);
                (k, (out, shown))
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    });
    let has = |name: &str| {
        theme
            .as_ref()
            .is_some_and(|t| t.templates.contains_key(name))
    };
    let outputs = statics
        .as_ref()
        .map(|statics| resolve::ThemeOutputs { has: &has, statics });
    let memo = state.keeps().then_some(&mut state.resolve);
    let graph = resolve::resolve(&mut site, outputs.as_ref(), memo).report_into(&mut diags);
    if !state.keeps() {
        resolve::drop_unresolved_html(&mut site);
    }
    timer.mark("resolve");
    if let Some(t) = &theme {
        // Reported with the content errors, so one build shows them all.
        diags.extend(crate::render::check_template_names(&site, t));
    }
    diags.sort();
    match (theme, tera, graph) {
        (Some(theme), Some(tera), Some(graph)) if !diags.has_errors() => Outcome::made(
            Prepared {
                site: Arc::new(site),
                graph: Arc::new(graph),
                theme,
                tera,
            },
            diags,
        ),
        _ => Outcome::failed(diags),
    }
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub output: PathBuf,
}

impl std::fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "built {} pages and {} sections: {} files written to {} in {:.2} s",
            self.pages,
            self.sections,
            self.files,
            self.output.display(),
            self.elapsed.as_secs_f64()
        )
    }
}

/// Render a prepared site into `sink`; returns the number of files written and how many
/// outputs were rendered and kept. With a `state` that keeps (serve), outputs whose inputs
/// did not change since the previous build into the same sink are kept from the sink rather
/// than rendered, the search index tokenizes only documents that changed, and this build's
/// memo replaces the previous one.
pub fn render(p: &Prepared, sink: &dyn Sink, state: &mut State) -> Outcome<(usize, Stats)> {
    let mut timer = Timer::new();
    if !state.keeps() {
        let renderer = Renderer::new((&p.site, &p.graph), &p.theme, p.tera.clone(), None);
        return run_renderer(&renderer, sink).map(|count| (count, renderer.stats()));
    }
    let previous = std::mem::take(&mut state.memo);
    let renderer = Renderer::new(
        (&p.site, &p.graph),
        &p.theme,
        p.tera.clone(),
        Some(crate::render::Incremental::new(
            &previous,
            &mut state.search,
        )),
    );
    timer.mark("values");
    let outcome = run_renderer(&renderer, sink);
    if outcome.value.is_some() {
        let stats = renderer.stats();
        state.memo = renderer.into_memo();
        crate::render::drop_later(previous);
        outcome.map(|count| (count, stats))
    } else {
        drop(renderer);
        // The search index may have been written: its cache must not think the site holds
        // those files. The previous memo stays (the sink still holds its files).
        state.search.forget_files();
        state.memo = previous;
        Outcome::failed(outcome.diagnostics)
    }
}

/// Render every output; no value when any output failed.
fn run_renderer(renderer: &Renderer<'_>, sink: &dyn Sink) -> Outcome<usize> {
    let mut timer = Timer::new();
    let mut diags = Diagnostics::from(renderer.check_templates());
    if diags.has_errors() {
        return Outcome::failed(diags);
    }
    let count = renderer.render_all(sink).report_into(&mut diags);
    timer.mark("render");
    diags.sort();
    match count {
        Some(count) if !diags.has_errors() => Outcome::made(count, diags),
        _ => Outcome::failed(diags),
    }
}

/// `zhiku build`: the whole pipeline, swapping the output in only on success. Warnings come
/// with the summary; on failure every error found is reported and the previous output is
/// untouched.
pub fn build(opts: &BuildOptions) -> Outcome<BuildSummary> {
    let start = Instant::now();
    let out = opts.output_dir();
    if let Err(m) = crate::write::check_output_dir(&opts.root, &out) {
        return Diagnostic::global(m)
            .with_help("choose another directory with --output")
            .into();
    }
    let mut state = State::one_shot();
    let mut diags = Diagnostics::new();
    let Some(prepared) = prepare(opts, &mut state).report_into(&mut diags) else {
        return Outcome::failed(diags);
    };
    let staging = match crate::write::Staging::new(&out) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::global(format!(
                "cannot create a temporary directory beside {}: {e}",
                out.display()
            )));
            return Outcome::failed(diags);
        }
    };
    let Some((files, _)) = render(&prepared, &staging.sink(), &mut state).report_into(&mut diags)
    else {
        return Outcome::failed(diags);
    };
    let mut timer = Timer::new();
    if let Err(e) = staging.commit() {
        diags.push(
            Diagnostic::global(format!(
                "cannot move the new site into {}: {e}",
                out.display()
            ))
            .with_help("check that no other program holds files in the output directory open"),
        );
        return Outcome::failed(diags);
    }
    timer.mark("commit");
    let summary = BuildSummary {
        pages: prepared.site.pages.len(),
        sections: prepared.site.sections.len(),
        files,
        elapsed: start.elapsed(),
        output: out,
    };
    Outcome::made(summary, diags)
}

/// The site root given on the command line, made absolute.
pub fn absolute_root(root: &Path) -> PathBuf {
    std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf())
}
