//! Stage 1, load: the files under `content/` become [`Page`]s and [`Section`]s.
//!
//! Files are found with walkdir (sorted, so the result never depends on directory order),
//! then read, decoded, split and parsed in parallel with rayon; each page's Markdown is
//! rendered here too, because that needs nothing from other pages (links are left as
//! placeholders for the resolve stage).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::{self, FrontMatterError, PageMeta, SectionMeta, SortBy};
use crate::input::InputError;
use crate::markdown::{self, MarkdownOptions, SourceInfo};
use crate::site::{Asset, LeftOut, Page, Section, Site};

/// The content directory's name.
pub use crate::paths::CONTENT_DIR;

/// Files editors leave behind that are never content: hidden files, backups, swap and
/// temporary files (`.foo.md.swp`, `foo.md~`, `#foo.md#`, vim's `4913`, `*.tmp`).
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name == "4913"
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".bak",
            ".crdownload",
            ".part",
        ]
        .iter()
        .any(|s| name.ends_with(s))
        || name.starts_with("~$")
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
}

/// What one content file is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Section,
    Page,
    /// `index.md` of a page bundle.
    BundlePage,
    /// A file of a bundle: the bundle's directory.
    BundleAsset(String),
    Asset,
}

struct Found {
    rel: String,
    path: PathBuf,
    kind: Kind,
}

/// Parsed files kept between builds by `serve`, so that a rebuild re-reads and re-parses only
/// the files that changed. An entry is reused while the file's size and modification time are
/// unchanged and the watcher has not reported the path; a change of site.toml clears it all.
#[derive(Default)]
pub struct LoadCache {
    entries: HashMap<PathBuf, CacheEntry>,
    /// The configuration the entries were parsed with.
    key: String,
}

struct CacheEntry {
    stamp: Option<(std::time::SystemTime, u64)>,
    kind: Kind,
    loaded: FileResult,
}

/// What loading one file gave: the page or section (or its errors), and warnings that do not
/// stop it from building (a file not saved as UTF-8). Kept whole in [`LoadCache`], so that a
/// rebuild by `serve` repeats the warnings of files it did not re-read.
#[derive(Clone)]
struct FileResult {
    loaded: Result<Loaded, Vec<Diagnostic>>,
    warnings: Vec<Diagnostic>,
}

impl LoadCache {
    /// Forget a file (the watcher saw it change).
    pub fn invalidate(&mut self, path: &Path) {
        self.entries.remove(path);
    }

    /// Forget everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// How many files are cached.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// Load the site at `root` with `config`.
pub fn load(root: &Path, config: &Config, drafts: bool) -> (Site, Diagnostics) {
    load_cached(root, config, drafts, &mut LoadCache::default())
}

/// [`load`], reusing `cache` for files that did not change.
pub fn load_cached(
    root: &Path,
    config: &Config,
    drafts: bool,
    cache: &mut LoadCache,
) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::new();
    let content = root.join(CONTENT_DIR);
    let found = find_files(&content, &mut diags);
    let opts = MarkdownOptions::from(&config.markdown);
    let tax_names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let key = format!("{:?}{:?}", config.markdown, tax_names);
    if cache.key != key {
        cache.clear();
        cache.key = key;
    }

    let parseable: Vec<&Found> = found
        .iter()
        .filter(|f| matches!(f.kind, Kind::Section | Kind::Page | Kind::BundlePage))
        .collect();
    let stamps: Vec<_> = parseable.par_iter().map(|f| stamp(&f.path)).collect();
    let fresh: Vec<(usize, FileResult)> = parseable
        .par_iter()
        .enumerate()
        .filter(|(i, f)| {
            !matches!(cache.entries.get(&f.path), Some(e) if e.stamp.is_some() && e.stamp == stamps[*i] && e.kind == f.kind)
        })
        .map(|(i, f)| (i, load_file(f, opts, &tax_names)))
        .collect();
    for (i, loaded) in fresh {
        let f = parseable[i];
        cache.entries.insert(
            f.path.clone(),
            CacheEntry {
                stamp: stamps[i],
                kind: f.kind.clone(),
                loaded,
            },
        );
    }
    // Every file found now has an entry: any other entry is of a file that is gone.
    if cache.entries.len() != parseable.len() {
        let live: std::collections::HashSet<&PathBuf> = parseable.iter().map(|f| &f.path).collect();
        cache.entries.retain(|p, _| live.contains(p));
    }
    // Pages and sections share their parsed parts with the cache: these are cheap copies.
    let parsed: Vec<(&str, FileResult)> = parseable
        .par_iter()
        .filter_map(|f| {
            cache
                .entries
                .get(&f.path)
                .map(|e| (f.rel.as_str(), e.loaded.clone()))
        })
        .collect();

    let mut sections: Vec<Section> = vec![implicit_root()];
    let mut pages: Vec<Page> = Vec::new();
    let mut left_out = BTreeMap::new();
    for (rel, r) in parsed {
        diags.extend(r.warnings);
        match r.loaded {
            Ok(Loaded::Section(s)) if s.dir.is_empty() => sections[0] = *s,
            Ok(Loaded::Section(s)) => sections.push(*s),
            Ok(Loaded::Page(p)) => {
                if p.meta.fields.draft && !drafts {
                    left_out.insert(rel.to_string(), LeftOut::Draft);
                    continue;
                }
                pages.push(*p);
            }
            Err(ds) => {
                left_out.insert(rel.to_string(), LeftOut::Failed);
                diags.extend(ds);
            }
        }
    }

    // Sections are sorted by directory so that parents come before children.
    sections[1..].sort_by(|a, b| a.dir.cmp(&b.dir));
    let dir_to_section: HashMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.clone(), i))
        .collect();
    let nearest = |dir: &str| -> usize {
        let mut d = dir.to_string();
        loop {
            if let Some(&i) = dir_to_section.get(&d) {
                return i;
            }
            match d.rfind('/') {
                Some(p) => d.truncate(p),
                None if !d.is_empty() => d.clear(),
                None => return 0,
            }
        }
    };
    for i in 1..sections.len() {
        let parent_dir = parent_dir(&sections[i].dir);
        let p = nearest(parent_dir);
        sections[i].parent = Some(p);
        sections[p].subsections.push(i);
    }

    // Assets: bundle files go beside their page's output; other files keep their path.
    let mut content_assets = BTreeMap::new();
    let bundle_pages: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.rel_path.ends_with("/index.md") || p.rel_path == "index.md")
        .map(|(i, p)| (parent_dir(&p.rel_path).to_string(), i))
        .collect();
    for f in &found {
        match &f.kind {
            Kind::Asset => {
                content_assets.insert(
                    f.rel.clone(),
                    Asset {
                        source: f.path.clone(),
                        output: f.rel.clone(),
                    },
                );
            }
            Kind::BundleAsset(dir) => {
                // A draft bundle's page is missing: its files are left out with it.
                if let Some(&pi) = bundle_pages.get(dir) {
                    let within = &f.rel[dir.len() + 1..];
                    let output = format!("{}{}", pages[pi].path, within);
                    pages[pi].assets.push(f.rel.clone());
                    content_assets.insert(
                        f.rel.clone(),
                        Asset {
                            source: f.path.clone(),
                            output,
                        },
                    );
                }
            }
            _ => {}
        }
    }

    for (i, page) in pages.iter_mut().enumerate() {
        let dir = page_dir(&page.rel_path);
        page.section = nearest(dir);
        let _ = i;
    }
    for (i, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(i);
    }
    for s in 0..sections.len() {
        let mut list = std::mem::take(&mut sections[s].pages);
        sort_pages(&mut list, &pages, sections[s].meta.sort_by);
        sections[s].pages = list;
        let mut subs = std::mem::take(&mut sections[s].subsections);
        subs.sort_by(|&a, &b| {
            let (x, y) = (&sections[a], &sections[b]);
            (x.meta.weight.is_none(), x.meta.weight, x.title(), &x.dir).cmp(&(
                y.meta.weight.is_none(),
                y.meta.weight,
                y.title(),
                &y.dir,
            ))
        });
        sections[s].subsections = subs;
    }

    check_output_paths(&pages, &sections, &mut diags);

    let site = Site {
        root: root.to_path_buf(),
        config: config.clone(),
        pages,
        sections,
        content_assets,
        drafts,
        left_out,
    };
    (site, diags)
}

/// Sort page indices by the section's `sort_by`; ties always fall back to the file path, so
/// the order is deterministic.
pub fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy) {
    list.sort_by(|&a, &b| {
        let (x, y) = (&pages[a], &pages[b]);
        let primary = match by {
            SortBy::Weight => (x.meta.fields.weight.is_none(), x.meta.fields.weight)
                .cmp(&(y.meta.fields.weight.is_none(), y.meta.fields.weight)),
            SortBy::Date => y.meta.fields.date.cmp(&x.meta.fields.date),
            SortBy::Title => x.meta.fields.title.cmp(&y.meta.fields.title),
        };
        primary.then_with(|| x.rel_path.cmp(&y.rel_path))
    });
}

fn implicit_root() -> Section {
    Section {
        rel_path: "_index.md".into(),
        dir: String::new(),
        file: None,
        meta: SectionMeta::default(),
        path: String::new(),
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        rendered: Default::default(),
        links: Default::default(),
    }
}

/// `cases/tianjin.md` → `cases`; `a.md` → ``.
pub fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The directory a page lives in, for its section and URL: a bundle's parent directory.
fn page_dir(rel: &str) -> &str {
    let dir = parent_dir(rel);
    if rel.ends_with("/index.md") {
        parent_dir(dir)
    } else {
        dir
    }
}

fn find_files(content: &Path, diags: &mut Diagnostics) -> Vec<Found> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    if !content.is_dir() {
        diags.push(
            Diagnostic::global(format!(
                "no {CONTENT_DIR}/ directory in {}",
                content.parent().unwrap_or(content).display()
            ))
            .with_help("create content/ with an _index.md for the home page"),
        );
        return Vec::new();
    }
    let site_root = content.parent().unwrap_or(content);
    let (entries, outside) = walk(content, site_root);
    for p in outside {
        diags.push(
            Diagnostic::warning(
                display_path(content, &p),
                "this symbolic link points outside the site; it is not published",
            )
            .with_help("copy the file into the site instead of linking to it"),
        );
    }
    for entry in entries {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = match e.path().strip_prefix(content) {
                    Ok(r) => rel_string(r),
                    Err(_) => continue,
                };
                files.push((rel, e.path().to_path_buf()));
            }
            Ok(e) => {
                if let Some(kind) = crate::input::special_kind(e.file_type()) {
                    diags.push(
                        Diagnostic::warning(
                            display_path(content, e.path()),
                            format!("this is {kind}, not a regular file; it is skipped"),
                        )
                        .with_help("replace it with an ordinary file, or remove it"),
                    );
                }
            }
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| display_path(content, p))
                    .unwrap_or_else(|| CONTENT_DIR.into());
                let d = if err.loop_ancestor().is_some() {
                    Diagnostic::error(
                        path,
                        "symbolic link loop: this link points to one of its own parent directories",
                    )
                    .with_help("remove the link or point it somewhere outside its own parents")
                } else {
                    Diagnostic::error(
                        path,
                        format!(
                            "cannot read: {}",
                            err.io_error()
                                .map_or_else(|| err.to_string(), |e| e.to_string())
                        ),
                    )
                    .with_help("check the file's permissions")
                };
                diags.push(d);
            }
        }
    }
    let section_dirs: BTreeSet<&str> = files
        .iter()
        .filter(|(r, _)| r == "_index.md" || r.ends_with("/_index.md"))
        .map(|(r, _)| parent_dir(r))
        .collect();
    let bundle_dirs: BTreeSet<String> = files
        .iter()
        .filter(|(r, _)| r.ends_with("/index.md") && !section_dirs.contains(parent_dir(r)))
        .map(|(r, _)| parent_dir(r).to_string())
        .collect();
    let bundle_of = |rel: &str| -> Option<String> {
        let mut dir = parent_dir(rel);
        let mut found = None;
        while !dir.is_empty() {
            if bundle_dirs.contains(dir) {
                found = Some(dir.to_string());
            }
            dir = parent_dir(dir);
        }
        found
    };
    files
        .into_iter()
        .map(|(rel, path)| {
            let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
            let kind = match bundle_of(&rel) {
                Some(b) if rel == format!("{b}/index.md") => Kind::BundlePage,
                Some(b) => Kind::BundleAsset(b),
                None if name == "_index.md" => Kind::Section,
                None if name.ends_with(".md") => Kind::Page,
                None => Kind::Asset,
            };
            Found { rel, path, kind }
        })
        .collect()
}

/// Walk `dir` sorted by name, following symbolic links, skipping editor artefacts
/// ([`is_ignored`]) and links whose target lies outside `root` (a site never publishes or
/// serves files from elsewhere on the machine). Returns the entries and the skipped links.
pub fn walk(dir: &Path, root: &Path) -> (Vec<walkdir::Result<walkdir::DirEntry>>, Vec<PathBuf>) {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    // The directory itself may be reached through a link out of the site (`themes/x` → a
    // directory elsewhere): then nothing behind it is even listed.
    if dir.exists() && !crate::input::is_inside(root, dir) {
        return (Vec::new(), vec![dir.to_path_buf()]);
    }
    let mut outside = Vec::new();
    let entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && is_ignored(&e.file_name().to_string_lossy()) {
                return false;
            }
            if e.path_is_symlink() {
                let inside =
                    std::fs::canonicalize(e.path()).is_ok_and(|t| t.starts_with(&canonical_root));
                if !inside {
                    outside.push(e.path().to_path_buf());
                    return false;
                }
            }
            true
        })
        .collect();
    (entries, outside)
}

/// `a/b/c.md` with `/` separators on every platform.
pub fn rel_string(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// How a file is named in messages: relative to the site root.
fn display_path(content: &Path, p: &Path) -> PathBuf {
    match p.strip_prefix(content) {
        Ok(r) => Path::new(CONTENT_DIR).join(r),
        Err(_) => p.to_path_buf(),
    }
}

#[derive(Clone)]
enum Loaded {
    Section(Box<Section>),
    Page(Box<Page>),
}

/// Bad chart data (```` ```chart ```` blocks, `extra.figures`) as errors of the file.
fn chart_errors(
    file: &Path,
    rendered: &markdown::Rendered,
    figures: Vec<(usize, String)>,
) -> Result<(), Vec<Diagnostic>> {
    let all: Vec<Diagnostic> = figures
        .into_iter()
        .chain(rendered.chart_errors.iter().cloned())
        .map(|(line, m)| {
            Diagnostic::error(file, m)
                .at_line(line)
                .with_help("see the README's \"Charts\" section for the chart format")
        })
        .collect();
    if all.is_empty() {
        Ok(())
    } else {
        Err(all)
    }
}

fn fm_diag(file: &Path, e: FrontMatterError) -> Diagnostic {
    let mut d = Diagnostic::error(file, e.message);
    d.line = Some(e.line);
    d.column = e.column;
    d.help = e.help;
    d
}

fn load_file(f: &Found, opts: MarkdownOptions, taxonomies: &[&str]) -> FileResult {
    let mut warnings = Vec::new();
    let loaded = parse_file(f, opts, taxonomies, &mut warnings);
    FileResult { loaded, warnings }
}

fn parse_file(
    f: &Found,
    opts: MarkdownOptions,
    taxonomies: &[&str],
    warnings: &mut Vec<Diagnostic>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let shown = Path::new(CONTENT_DIR).join(&f.rel);
    let bytes = read_limited(&f.path).map_err(|e| vec![read_error(e, &shown)])?;
    let decoded = crate::encoding::decode_owned(bytes).map_err(|e| {
        vec![Diagnostic::error(&shown, e.message)
            .at(e.line, e.column)
            .with_help(e.help.unwrap_or_else(|| {
                "save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)".into()
            }))]
    })?;
    if let Some((message, help)) = decoded.encoding.warning(&shown.display().to_string()) {
        warnings.push(Diagnostic::warning(&shown, message).with_help(help));
    }
    let text = decoded.text;
    let split = frontmatter::split(&text).map_err(|e| vec![fm_diag(&shown, e)])?;
    let src = SourceInfo {
        rel_path: &f.rel,
        first_line: split.body_line,
    };
    match f.kind {
        Kind::Section => {
            let meta = frontmatter::parse_section(&split).map_err(|es| {
                es.into_iter()
                    .map(|e| fm_diag(&shown, e))
                    .collect::<Vec<_>>()
            })?;
            let dir = parent_dir(&f.rel).to_string();
            let path = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            let rendered = markdown::render(split.body, opts, src);
            chart_errors(&shown, &rendered, Vec::new())?;
            Ok(Loaded::Section(Box::new(Section {
                rel_path: f.rel.clone(),
                dir,
                file: Some(f.path.clone()),
                meta,
                path,
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                rendered: Arc::new(rendered),
                links: Default::default(),
            })))
        }
        _ => {
            let meta = frontmatter::parse_page(&split, taxonomies).map_err(|es| {
                es.into_iter()
                    .map(|e| fm_diag(&shown, e))
                    .collect::<Vec<_>>()
            })?;
            let slug = page_slug(&f.rel, &meta).map_err(|m| {
                let line = meta.key_lines.get("slug").copied().unwrap_or(1);
                vec![Diagnostic::error(&shown, m).at_line(line).with_help(
                    "a slug is one path segment: letters, digits, Chinese characters, `-` or `_`",
                )]
            })?;
            let dir = page_dir(&f.rel);
            let path = if dir.is_empty() {
                format!("{slug}/")
            } else {
                format!("{dir}/{slug}/")
            };
            let rendered = markdown::render(split.body, opts, src);
            chart_errors(
                &shown,
                &rendered,
                crate::chart::check_figures(&meta.fields.extra, &text),
            )?;
            Ok(Loaded::Page(Box::new(Page {
                rel_path: f.rel.clone(),
                file: f.path.clone(),
                meta: Arc::new(meta),
                slug,
                path,
                section: 0,
                rendered: Arc::new(rendered),
                assets: Vec::new(),
                links: Default::default(),
            })))
        }
    }
}

pub use crate::input::MAX_FILE_BYTES;

/// A content file that could not be read, as a diagnostic.
fn read_error(e: InputError, shown: &Path) -> Diagnostic {
    match e {
        InputError::TooLarge(n) => Diagnostic::error(
            shown,
            format!(
                "the file is {:.1} MB; at most {} MB is read as one page",
                n as f64 / (1 << 20) as f64,
                MAX_FILE_BYTES >> 20
            ),
        )
        .with_help("split it into several pages (a module with one lesson per file)"),
        e => Diagnostic::error(shown, e.to_string()).with_help(e.help()),
    }
}

/// Read a content file (a regular file of at most [`MAX_FILE_BYTES`], never blocking).
fn read_limited(path: &Path) -> Result<Vec<u8>, InputError> {
    crate::input::read_regular(path, MAX_FILE_BYTES)
}

/// The page's URL segment: `slug:` if given, else the file name without `.md` (the bundle
/// directory's name for `index.md`), with spaces as `-`. Refuses anything that could escape
/// the output directory.
fn page_slug(rel: &str, meta: &PageMeta) -> Result<String, String> {
    let raw = match &meta.fields.slug {
        Some(s) => s.trim().to_string(),
        None => {
            let name = if rel.ends_with("/index.md") || rel == "index.md" {
                parent_dir(rel)
                    .rsplit('/')
                    .next()
                    .unwrap_or("index")
                    .to_string()
            } else {
                rel.rsplit('/')
                    .next()
                    .unwrap_or(rel)
                    .trim_end_matches(".md")
                    .to_string()
            };
            name.split_whitespace().collect::<Vec<_>>().join("-")
        }
    };
    validate_slug(&raw)?;
    Ok(raw)
}

/// A slug must be one safe path segment.
pub fn validate_slug(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("the slug is empty".into());
    }
    if s == "." || s == ".." || s.contains("..") {
        return Err(format!(
            "the slug `{s}` contains `..`, which would write outside the output directory"
        ));
    }
    if s.contains(['/', '\\']) {
        return Err(format!("the slug `{s}` contains a path separator"));
    }
    if s.len() >= 2 && s.as_bytes()[1] == b':' {
        return Err(format!("the slug `{s}` looks like a drive path"));
    }
    if s.chars()
        .any(|c| c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '%'))
    {
        return Err(format!("the slug `{s}` contains a character that is not allowed in a URL path segment or file name"));
    }
    if s.len() > 200 {
        return Err("the slug is longer than 200 bytes".into());
    }
    Ok(())
}

fn check_output_paths(pages: &[Page], sections: &[Section], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for s in sections {
        seen.insert(&s.path, &s.rel_path);
    }
    for p in pages {
        if let Some(other) = seen.insert(&p.path, &p.rel_path) {
            let line = p.meta.key_lines.get("slug").copied().unwrap_or(1);
            diags.push(
                Diagnostic::error(
                    Path::new(CONTENT_DIR).join(&p.rel_path),
                    format!(
                        "writes the same output `{}index.html` as content/{other}",
                        p.path
                    ),
                )
                .at_line(line)
                .with_help("give one of them a different `slug:` or file name"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_file_message() {
        // A directory cannot be read as a file: the same path as a file without permission
        // (which root can read anyway, so it cannot be tested end to end as root).
        let dir = tempfile::tempdir().unwrap();
        let Err(e) = read_limited(dir.path()) else {
            panic!("read a directory")
        };
        let d = read_error(e, Path::new("content/a.md"));
        assert!(d.message.contains("not a regular file"), "{d:?}");
        let denied = read_error(
            InputError::Io(std::io::Error::from(std::io::ErrorKind::PermissionDenied)),
            Path::new("content/a.md"),
        );
        assert!(denied.help.unwrap().contains("chmod a+r"));
    }

    #[test]
    fn cached_load_is_a_fresh_load() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join(CONTENT_DIR);
        std::fs::create_dir_all(content.join("a")).unwrap();
        let write = |name: &str, text: &str| std::fs::write(content.join(name), text).unwrap();
        write("_index.md", "---\ntitle: 首页\n---\n");
        write("a/_index.md", "---\ntitle: 甲\n---\n");
        for i in 0..5 {
            write(
                &format!("a/p{i}.md"),
                &format!(
                    "---\ntitle: 页{i}\ntags: [t]\n---\n## 背景\n\n见[下一页](@/a/p{}.md)\n",
                    i + 1
                ),
            );
        }
        let config = Config::parse("title = \"t\"\nbase_url = \"/\"\n").unwrap();
        let shown = |(site, diags): (Site, Diagnostics)| {
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}",
                site.pages,
                site.sections,
                site.left_out,
                diags.items()
            )
        };
        let mut cache = LoadCache::default();
        let first = shown(load_cached(dir.path(), &config, false, &mut cache));
        assert_eq!(first, shown(load(dir.path(), &config, false)));
        assert_eq!(cache.len(), 7);
        // Edited (reported by the watcher), removed, added, broken.
        write("a/p1.md", "---\ntitle: 改了\n---\n新的正文\n");
        cache.invalidate(&content.join("a/p1.md"));
        std::fs::remove_file(content.join("a/p2.md")).unwrap();
        write("a/p9.md", "---\ntitle: 新页\ndraft: true\n---\n");
        write("a/bad.md", "---\ntitle: [\n---\n");
        let second = shown(load_cached(dir.path(), &config, false, &mut cache));
        assert_eq!(second, shown(load(dir.path(), &config, false)));
        assert_ne!(second, first);
        assert_eq!(cache.len(), 8);
    }

    #[test]
    fn too_large_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.md");
        let f = std::fs::File::create(&p).unwrap();
        // Sparse: no 33 MB written.
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert!(matches!(read_limited(&p), Err(InputError::TooLarge(_))));
    }
}
