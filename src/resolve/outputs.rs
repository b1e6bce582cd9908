//! Every output path has one owner.
//!
//! [`list`] names each file the build writes with who writes it: pages, section listings and
//! their pagers, print pages, feeds, taxonomy and term pages, the fixed files (sitemap,
//! robots.txt, 404, search), static files of the site and theme, non-Markdown files under
//! `content/`, and redirect pages for `aliases:`. [`conflicts`] reports two owners of one
//! path, and a file that sits where another output needs a directory (`static/old` and an
//! alias `/old/`), as errors naming both files — for `build`, `check` and `serve` alike, so
//! nothing is ever silently dropped or fails half-way through writing.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::load::CONTENT_DIR;
use crate::render::{pager_count, pager_path};
use crate::site::Site;

use super::aliases::Alias;
use super::Taxonomy;

/// What kind of source writes an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
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
    pub kind: Kind,
    /// Who writes it, for messages: `content/cases/tianjin.md`, `the feed of content/cases/_index.md`.
    pub owner: String,
    /// The source file to point at, with a line where one is known.
    pub file: Option<PathBuf>,
    pub line: Option<(usize, usize)>,
}

/// Every output of the site. `statics` maps each static file's name to its output path and
/// the file it comes from (shown in messages); `has` says whether the theme has a template
/// (outputs of missing optional templates are not written).
pub fn list(
    site: &Site,
    taxonomies: &[Taxonomy],
    statics: &BTreeMap<String, (String, PathBuf)>,
    aliases: &[Alias],
    has: &dyn Fn(&str) -> bool,
) -> Vec<Output> {
    let mut out = Vec::new();
    let mut push = |path: String, kind: Kind, owner: String, file: Option<PathBuf>| {
        out.push(Output {
            path,
            kind,
            owner,
            file,
            line: None,
        })
    };
    for (name, template) in [
        ("atom.xml", "atom.xml"),
        ("sitemap.xml", "sitemap.xml"),
        ("robots.txt", "robots.txt"),
        ("404.html", "404.html"),
        ("search/index.html", "search.html"),
    ] {
        if has(template) {
            let owner = match name {
                "search/index.html" => "the search page /search/".to_string(),
                _ => format!("the generated {name}"),
            };
            push(name.into(), Kind::Generated, owner, None);
        }
    }
    for (i, s) in site.sections.iter().enumerate() {
        let file = PathBuf::from(CONTENT_DIR).join(&s.rel_path);
        let who = format!("content/{}", s.rel_path);
        for n in 1..=pager_count(s.pages.len(), s.meta.paginate_by) {
            let kind = if n == 1 {
                Kind::Content
            } else {
                Kind::Generated
            };
            push(
                format!("{}index.html", pager_path(&s.path, n)),
                kind,
                who.clone(),
                Some(file.clone()),
            );
        }
        if !s.pages.is_empty() && s.parent.is_some() && has("print.html") {
            push(
                format!("{}print/index.html", s.path),
                Kind::Generated,
                format!("the print page of {who}"),
                Some(file.clone()),
            );
        }
        if s.meta.feed.unwrap_or(true) && has("atom.xml") && i != 0 {
            push(
                format!("{}atom.xml", s.path),
                Kind::Generated,
                format!("the feed of {who}"),
                Some(file.clone()),
            );
        }
    }
    for t in taxonomies {
        let name = &t.config.name;
        if has("taxonomy_list.html") {
            push(
                format!("{name}/index.html"),
                Kind::Generated,
                format!("the taxonomy page /{name}/"),
                None,
            );
        }
        let per = (t.config.paginate_by > 0).then_some(t.config.paginate_by);
        for term in &t.terms {
            let base = term.path(name);
            if has("taxonomy_term.html") {
                for n in 1..=pager_count(term.pages.len(), per) {
                    push(
                        format!("{}index.html", pager_path(&base, n)),
                        Kind::Generated,
                        format!("the term page /{base}"),
                        None,
                    );
                }
            }
            if t.config.feed && has("atom.xml") {
                push(
                    format!("{base}atom.xml"),
                    Kind::Generated,
                    format!("the feed of /{base}"),
                    None,
                );
            }
        }
    }
    for (output, shown) in statics.values() {
        push(
            output.clone(),
            Kind::Static,
            format!("the static file {}", shown.display()),
            Some(shown.clone()),
        );
    }
    for (rel, a) in &site.content_assets {
        push(
            a.output.clone(),
            Kind::Asset,
            format!("content/{rel}"),
            Some(PathBuf::from(CONTENT_DIR).join(rel)),
        );
    }
    for p in &site.pages {
        let line = p.meta.key_lines.get("slug").copied();
        out.push(Output {
            path: format!("{}index.html", p.path),
            kind: Kind::Content,
            owner: format!("content/{}", p.rel_path),
            file: Some(PathBuf::from(CONTENT_DIR).join(&p.rel_path)),
            line: line.map(|l| (l, 1)),
        });
    }
    for a in aliases {
        let p = &site.pages[a.page];
        out.push(Output {
            path: a.output.clone(),
            kind: Kind::Alias,
            owner: format!("the alias `{}` of content/{}", a.written, p.rel_path),
            file: Some(PathBuf::from(CONTENT_DIR).join(&p.rel_path)),
            line: Some((a.line, a.column)),
        });
    }
    out
}

/// Two owners of one output path, or a file where another output needs a directory: an
/// error at the first owner's file naming the other. Clashes between two pages or sections
/// are reported when loading and are not repeated here.
pub fn conflicts(outputs: &[Output]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut by_path: HashMap<&str, &Output> = HashMap::new();
    let help = "every output path has one owner: rename or move one of the two files (or change the `slug:` or alias)";
    for o in outputs {
        match by_path.get(o.path.as_str()) {
            Some(first) if first.kind == Kind::Content && o.kind == Kind::Content => {}
            Some(first) => errors.push(error(
                o,
                format!(
                    "{} would write {}, which {} also writes",
                    o.owner, o.path, first.owner
                ),
                help,
            )),
            None => {
                by_path.insert(&o.path, o);
            }
        }
    }
    // A file at `a/b` and another output at `a/b/…`: the directory cannot be created.
    for o in outputs {
        let mut dir = o.path.as_str();
        while let Some(i) = dir.rfind('/') {
            dir = &dir[..i];
            if let Some(file) = by_path.get(dir) {
                errors.push(error(
                    o,
                    format!(
                        "{} would write {}, but {} writes the file {dir} where that needs a directory",
                        o.owner, o.path, file.owner
                    ),
                    help,
                ));
                break;
            }
        }
    }
    errors
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

/// Outputs by path, for the alias check (who already writes a path).
pub fn owners(outputs: &[Output]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for o in outputs {
        map.entry(o.path.clone()).or_insert_with(|| o.owner.clone());
    }
    map
}

/// The shown source of a static output, for callers without a theme.
pub fn plain_statics(statics: &BTreeMap<String, String>) -> BTreeMap<String, (String, PathBuf)> {
    statics
        .iter()
        .map(|(name, out)| (name.clone(), (out.clone(), Path::new(name).to_path_buf())))
        .collect()
}
