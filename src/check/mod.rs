//! `zhiku check`: everything `build` validates, without writing any output, plus warnings
//! about things a build lets through.
//!
//! The site is loaded and resolved with [`build::prepare`] and rendered through a sink that
//! keeps only the list of files and the URLs in each HTML file, so template errors are found
//! exactly as in a build. Then:
//!
//! - **links in the built site**: every internal `href`/`src` of every generated HTML file
//!   must name a file the build writes (content links are already errors; this finds links
//!   written by templates or raw HTML);
//! - **orphans**: a page or section is an orphan when no chain of links in the built site
//!   leads to it from the home page. Section listings, navigation, previous/next, taxonomy
//!   pages and links in the text all count; links from the 404 page and from redirect
//!   (alias) pages do not, and neither do the sitemaps (sitemap.xml and the readers'
//!   sitemap/) and the feeds (they list everything);
//! - **unused cases**: a case (a page under `cases/` or with `source:`) that no lesson names
//!   in its `cases:` list;
//! - **images without alt text** in Markdown;
//! - with `--external`, every `http(s)` link of the built site is requested (see
//!   [`external`]).

pub mod external;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::build::{self, BuildOptions};
use crate::diagnostics::{Diagnostic, Diagnostics, Outcome};
use crate::output::Sink;
use crate::paths::CONTENT_DIR;
use crate::resolve::plan::{Job, Plan};
use crate::site::Site;

/// What `zhiku check` is asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub build: BuildOptions,
    /// Also request external links.
    pub external: bool,
    /// Time limit for each external request.
    pub timeout: Duration,
    /// External requests at once.
    pub concurrency: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            build: BuildOptions::default(),
            external: false,
            timeout: Duration::from_secs(10),
            concurrency: 8,
        }
    }
}

/// What a check looked at.
#[derive(Debug, Clone, Default)]
pub struct CheckSummary {
    pub pages: usize,
    pub sections: usize,
    /// Files the build would write.
    pub files: usize,
    /// External URLs requested (0 without `--external`).
    pub external: usize,
}

impl std::fmt::Display for CheckSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "checked {} pages and {} sections ({} output files)",
            self.pages, self.sections, self.files
        )?;
        if self.external > 0 {
            write!(f, " and {} external links", self.external)?;
        }
        Ok(())
    }
}

/// A sink that keeps, instead of the files, their paths and the URLs in the HTML ones.
#[derive(Debug, Default)]
pub struct LinkSink {
    /// Output path → URLs found in it (HTML-unescaped; empty for other files).
    pub files: Mutex<BTreeMap<String, Vec<String>>>,
}

impl Sink for LinkSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let urls = if path.ends_with(".html") || path.ends_with(".htm") {
            let text = String::from_utf8_lossy(&bytes);
            crate::html::urls(&text)
                .iter()
                .map(|f| crate::html::unescape(f.value))
                .collect()
        } else {
            Vec::new()
        };
        let mut files = self
            .files
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        files.insert(path.to_string(), urls);
        Ok(())
    }
}

/// Where a URL found in the output points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An output path of this site (percent-decoded; a directory ends in `/` or is empty).
    Internal(String),
    /// An `http(s)` URL elsewhere.
    External(String),
    /// A root-relative URL outside the base path (`/other/` when the site is at `/kb/`).
    Outside,
    /// A fragment-only link, `mailto:`, `data:`, `javascript:` and the like.
    Other,
}

/// Classify `url`, found in output file `from` (a path relative to the output root).
pub fn target(url: &str, from: &str, base_url: &str, base_path: &str) -> Target {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') {
        return Target::Other;
    }
    let lower = url.to_ascii_lowercase();
    let strip_query = |s: &str| -> String {
        let end = s.find(['?', '#']).unwrap_or(s.len());
        crate::markdown::percent_decode(&s[..end])
    };
    if lower.starts_with("http://") || lower.starts_with("https://") {
        if base_url.contains("://") {
            if let Some(rest) = url.strip_prefix(base_url) {
                return Target::Internal(strip_query(rest));
            }
        }
        return Target::External(url.to_string());
    }
    if url.starts_with("//") {
        return Target::External(format!("https:{url}"));
    }
    if let Some(colon) = url.find(':') {
        if !url[..colon].contains('/') {
            return Target::Other; // mailto:, tel:, data:, javascript: …
        }
    }
    if url.starts_with('/') {
        return match url.strip_prefix(base_path) {
            Some(rest) => Target::Internal(strip_query(rest)),
            None if url == base_path.trim_end_matches('/') => Target::Internal(String::new()),
            None => Target::Outside,
        };
    }
    let path = strip_query(url);
    let dir = crate::html::output_dir(from);
    let keep_slash = path.ends_with('/') || path.is_empty();
    match crate::markdown::join_relative(dir, &path) {
        Some(mut joined) => {
            if keep_slash && !joined.is_empty() {
                joined.push('/');
            }
            Target::Internal(joined)
        }
        None => Target::Outside,
    }
}

/// The output file an internal path names, if the build writes one (`cases/` →
/// `cases/index.html`; `cases` → `cases/index.html` too, as a server redirects it).
pub fn output_file(path: &str, files: &BTreeMap<String, Vec<String>>) -> Option<String> {
    if path.is_empty() || path.ends_with('/') {
        let f = format!("{path}index.html");
        return files.contains_key(&f).then_some(f);
    }
    if files.contains_key(path) {
        return Some(path.to_string());
    }
    let f = format!("{path}/index.html");
    files.contains_key(&f).then_some(f)
}

/// `zhiku check`. Returns what was checked (`None` when the site could not be loaded or
/// rendered) and every error and warning found.
pub fn check(opts: &CheckOptions) -> Outcome<CheckSummary> {
    let mut state = crate::state::State::one_shot();
    let mut diags = Diagnostics::new();
    let Some(prepared) = build::prepare(&opts.build, &mut state).report_into(&mut diags) else {
        return Outcome::failed(diags);
    };
    let sink = LinkSink::default();
    let Some((count, _)) = build::render(&prepared, &sink, &mut state).report_into(&mut diags)
    else {
        diags.sort();
        return Outcome::failed(diags);
    };
    let files = sink.files.into_inner().unwrap_or_default();
    let site = &prepared.site;
    let graph = &prepared.graph;
    let mut summary = CheckSummary {
        pages: site.pages.len(),
        sections: site.sections.len(),
        files: count,
        external: 0,
    };

    images_without_alt(site, &mut diags);
    unused_cases(site, graph, &mut diags);
    let sources = source_files(&graph.plan);
    let aliases = alias_pages(&graph.plan);
    let links = Links::collect(site, &files);
    links.broken(site, &sources, &mut diags);
    orphans(site, &links, &aliases, &mut diags);
    if opts.external {
        summary.external = links.external.len();
        external::check_all(site, &links.external, &sources, opts, &mut diags);
    }
    diags.sort();
    Outcome::made(summary, diags)
}

/// Output file → the content file it is made from (pages, section listings and their
/// pagers), as the output plan records it.
fn source_files(plan: &Plan) -> HashMap<String, PathBuf> {
    plan.steps
        .iter()
        .filter(|s| matches!(s.job, Job::Page(_) | Job::Listing(_)))
        .flat_map(|s| &s.outputs)
        .filter_map(|o| Some((o.path.clone(), o.file.clone()?)))
        .collect()
}

/// The redirect pages of `aliases:`, as the output plan records them.
fn alias_pages(plan: &Plan) -> BTreeSet<&str> {
    plan.steps
        .iter()
        .filter(|s| matches!(s.job, Job::Alias(_)))
        .flat_map(|s| &s.outputs)
        .map(|o| o.path.as_str())
        .collect()
}

/// The links of the built site.
struct Links {
    /// HTML output file → output files it links to.
    edges: BTreeMap<String, BTreeSet<String>>,
    /// Internal URL that names no output file → the files linking to it.
    broken: BTreeMap<String, BTreeSet<String>>,
    /// External URL → the files linking to it.
    external: BTreeMap<String, BTreeSet<String>>,
}

impl Links {
    fn collect(site: &Site, files: &BTreeMap<String, Vec<String>>) -> Links {
        let base_url = &site.config.base_url;
        let base_path = site.base_path();
        let mut links = Links {
            edges: BTreeMap::new(),
            broken: BTreeMap::new(),
            external: BTreeMap::new(),
        };
        for (from, urls) in files {
            let edges = links.edges.entry(from.clone()).or_default();
            for url in urls {
                match target(url, from, base_url, &base_path) {
                    Target::Internal(path) => match output_file(&path, files) {
                        Some(f) => {
                            edges.insert(f);
                        }
                        None => {
                            links
                                .broken
                                .entry(url.clone())
                                .or_default()
                                .insert(from.clone());
                        }
                    },
                    Target::Outside => {
                        links
                            .broken
                            .entry(url.clone())
                            .or_default()
                            .insert(from.clone());
                    }
                    Target::External(u) => {
                        let key = u.split('#').next().unwrap_or(&u).to_string();
                        links.external.entry(key).or_default().insert(from.clone());
                    }
                    Target::Other => {}
                }
            }
        }
        links
    }

    /// One warning per broken URL: on the content files where it is written (raw HTML in
    /// Markdown), else naming the output files (a template is the likely cause).
    fn broken(&self, site: &Site, sources: &HashMap<String, PathBuf>, diags: &mut Diagnostics) {
        let mut texts = Texts::default();
        for (url, froms) in &self.broken {
            let message =
                format!("the built site links to `{url}`, which the build does not write");
            let mut placed = false;
            let files: BTreeSet<&PathBuf> = froms.iter().filter_map(|f| sources.get(f)).collect();
            for file in files {
                if let Some(line) = texts.line_of(&site.root, file, url) {
                    diags.push(
                        Diagnostic::warning(file, message.clone())
                            .at_line(line)
                            .with_help("fix the link; in Markdown, link pages as `@/path.md` and static files as `/name`, so that zhiku checks them and writes them for base_url and relative mode"),
                    );
                    placed = true;
                }
            }
            if !placed {
                let shown: Vec<&str> = froms.iter().take(3).map(String::as_str).collect();
                let from = if froms.len() == 1 {
                    format!("from {}", shown.join(", "))
                } else {
                    format!("from {} files, e.g. {}", froms.len(), shown.join(", "))
                };
                diags.push(
                    Diagnostic::global_warning(format!("{message} ({from})"))
                        .with_help("a template probably writes this link: use get_url() for static files and page URLs, so they follow base_url, fingerprinting and relative mode"),
                );
            }
        }
    }
}

/// Content files read on demand, to find where a URL is written.
#[derive(Default)]
pub(crate) struct Texts {
    cache: HashMap<PathBuf, Option<String>>,
}

impl Texts {
    /// The 1-based line of `file` (relative to `root`) that contains `needle`.
    pub(crate) fn line_of(&mut self, root: &Path, file: &Path, needle: &str) -> Option<usize> {
        let text = self
            .cache
            .entry(file.to_path_buf())
            .or_insert_with(|| {
                crate::input::read_in_site(root, &root.join(file), crate::load::MAX_FILE_BYTES)
                    .ok()
                    .map(|b| crate::encoding::decode_lossy(&b))
            })
            .as_deref()?;
        text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
    }
}

/// Pages and sections no chain of links from the home page reaches.
fn orphans(site: &Site, links: &Links, aliases: &BTreeSet<&str>, diags: &mut Diagnostics) {
    let start = "index.html".to_string();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    if links.edges.contains_key(&start) {
        seen.insert("index.html");
        queue.push_back("index.html");
    }
    while let Some(f) = queue.pop_front() {
        // The readers' site map (sitemap/) lists everything, like sitemap.xml.
        if f == "404.html" || f == "sitemap/index.html" || aliases.contains(f) {
            continue;
        }
        if let Some(targets) = links.edges.get(f) {
            for t in targets {
                if seen.insert(t.as_str()) {
                    queue.push_back(t.as_str());
                }
            }
        }
    }
    let help = "link to it from another page (`[标题](@/path.md)`), name it in a lesson's `cases:`, or put it in a section whose template lists its pages";
    for s in site.sections.iter().skip(1) {
        let out = format!("{}index.html", s.path);
        if !seen.contains(out.as_str()) {
            let file = Path::new(CONTENT_DIR).join(&s.rel_path);
            diags.push(
                Diagnostic::warning(
                    file,
                    format!(
                        "orphan section: no link in the built site leads to /{} from the home page",
                        s.path
                    ),
                )
                .with_help(help),
            );
        }
    }
    for p in &site.pages {
        let out = format!("{}index.html", p.path);
        if !seen.contains(out.as_str()) {
            diags.push(
                Diagnostic::warning(
                    Path::new(CONTENT_DIR).join(&p.rel_path),
                    format!(
                        "orphan page: no link in the built site leads to /{} from the home page",
                        p.path
                    ),
                )
                .with_help(help),
            );
        }
    }
}

/// Is page `i` a case study: under `cases/` or with a `source:`?
pub fn is_case(site: &Site, i: usize) -> bool {
    let p = &site.pages[i];
    p.rel_path.starts_with("cases/") || p.meta.fields.source.is_some()
}

fn unused_cases(site: &Site, graph: &crate::resolve::Graph, diags: &mut Diagnostics) {
    for (i, p) in site.pages.iter().enumerate() {
        if is_case(site, i) && graph.lessons[i].is_empty() {
            diags.push(
                Diagnostic::warning(
                    Path::new(CONTENT_DIR).join(&p.rel_path),
                    "case not used by any lesson: no page names it in `cases:`",
                )
                .with_help(format!(
                    "add `cases: [{}]` to the front matter of the lessons that teach from it (a link in the text is not enough)",
                    p.rel_path
                )),
            );
        }
    }
}

fn images_without_alt(site: &Site, diags: &mut Diagnostics) {
    let items = site.pages.iter().map(|p| (&p.rel_path, &p.rendered)).chain(
        site.sections
            .iter()
            .filter(|s| s.file.is_some())
            .map(|s| (&s.rel_path, &s.rendered)),
    );
    for (rel, rendered) in items {
        for &line in &rendered.images_without_alt {
            diags.push(
                Diagnostic::warning(Path::new(CONTENT_DIR).join(rel), "image without alt text")
                    .at_line(line)
                    .with_help("describe the image between the brackets, e.g. `![党员服务站外景](photo.jpg)`: screen readers read it out, and it shows when the image cannot load"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = |u: &str, from: &str| target(u, from, "https://example.org/kb/", "/kb/");
        assert_eq!(
            t("/kb/cases/", "index.html"),
            Target::Internal("cases/".into())
        );
        assert_eq!(t("/kb", "index.html"), Target::Internal("".into()));
        assert_eq!(
            t("https://example.org/kb/a/b/?x#y", "index.html"),
            Target::Internal("a/b/".into())
        );
        assert_eq!(t("/other/", "index.html"), Target::Outside);
        assert_eq!(
            t("../../tags/%E7%BB%84/index.html", "cases/x/index.html"),
            Target::Internal("tags/组/index.html".into())
        );
        assert_eq!(
            t("../index.html#a", "cases/index.html"),
            Target::Internal("index.html".into())
        );
        assert_eq!(t("../", "cases/index.html"), Target::Internal("".into()));
        assert_eq!(t("../../../x", "a/index.html"), Target::Outside);
        assert_eq!(t("#top", "a/index.html"), Target::Other);
        assert_eq!(t("mailto:a@b.c", "a/index.html"), Target::Other);
        assert_eq!(
            t("http://127.0.0.1:1/x", "a/index.html"),
            Target::External("http://127.0.0.1:1/x".into())
        );
    }
}
