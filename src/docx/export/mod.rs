//! `zhiku export MODULE --docx`: the module handout as an editable Word document.
//!
//! The handout is defined once, as the module's print page (`<module>/print/`, the theme's
//! `print.html`). Export runs the normal pipeline in memory (as `check` and `serve` do: load,
//! resolve, render into a [`Sink`] that keeps only that page and the images), parses the
//! rendered HTML with html5ever (via scraper) and writes a .docx with real Word styles: Title,
//! Heading 1–4, lists with numbering definitions, tables with a header row, quotations, a page
//! break before each lesson (`<article>`) and each top-level `<section>` after the first, and
//! Chinese fonts named as Word expects (宋体 for the body, 黑体 for headings, as `w:eastAsia`
//! fonts). Whatever the theme puts in the handout therefore reaches the .docx.
//!
//! The files: `model` (the document as paragraphs of runs, tables and page breaks),
//! `html` (the walk over the rendered HTML that builds it), with `tables` and `images`;
//! then `document` (`document.xml`), `styles` (`styles.xml` and `numbering.xml`) and
//! `package` (the ZIP).

mod document;
mod html;
mod images;
mod model;
mod package;
mod styles;
mod tables;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::build::{self, BuildOptions};
use crate::diagnostics::{Diagnostic, Diagnostics, Outcome};
use crate::output::Sink;
use html::convert_html;

/// What `zhiku export` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    pub root: PathBuf,
    /// `courses/party-spirit`, `party-spirit`, or the module's `_index.md` path.
    pub module: String,
    /// Where to write (default: `<module title>.docx` in the current directory).
    pub output: Option<PathBuf>,
    pub drafts: bool,
    /// Replace an existing file.
    pub force: bool,
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct Exported {
    pub output: PathBuf,
    pub title: String,
    pub headings: usize,
    pub tables: usize,
    pub images: usize,
    /// What the handout had that a .docx does not get.
    pub notes: Vec<String>,
}

/// Keeps the one HTML page asked for, and image files (for the pictures in it).
struct Capture {
    want: String,
    page: Mutex<Option<Vec<u8>>>,
    images: Mutex<BTreeMap<String, Vec<u8>>>,
}

fn image_ext(path: &str) -> Option<&'static str> {
    let ext = path.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "png",
        "jpg" | "jpeg" => "jpeg",
        "gif" => "gif",
        "bmp" => "bmp",
        _ => return None,
    })
}

impl Sink for Capture {
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        if path == self.want {
            *self
                .page
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))? = Some(bytes);
        } else if image_ext(path).is_some() {
            self.images
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?
                .insert(path.to_string(), bytes);
        }
        Ok(())
    }
}

/// Run `zhiku export`.
pub fn run(opts: &ExportOptions) -> Outcome<Exported> {
    export(opts).into()
}

fn export(opts: &ExportOptions) -> Result<(Exported, Diagnostics), Diagnostics> {
    let bopts = BuildOptions {
        root: opts.root.clone(),
        drafts: opts.drafts,
        ..BuildOptions::default()
    };
    let mut state = crate::state::State::one_shot();
    let mut diags = Diagnostics::new();
    let Some(prepared) = build::prepare(&bopts, &mut state).report_into(&mut diags) else {
        return Err(diags);
    };
    let site = &prepared.site;
    let want = opts
        .module
        .trim()
        .trim_start_matches("./")
        .trim_start_matches("content/")
        .trim_end_matches("_index.md")
        .trim_matches('/')
        .to_string();
    // Modules: sections that have a print page.
    let modules: Vec<usize> = (0..site.sections.len())
        .filter(|&i| {
            let s = &site.sections[i];
            s.parent.is_some() && !s.pages.is_empty()
        })
        .collect();
    let exact: Vec<usize> = modules
        .iter()
        .copied()
        .filter(|&i| site.sections[i].dir == want)
        .collect();
    let by_name: Vec<usize> = modules
        .iter()
        .copied()
        .filter(|&i| site.sections[i].dir.rsplit('/').next() == Some(want.as_str()))
        .collect();
    let found = if exact.len() == 1 {
        exact[0]
    } else if by_name.len() == 1 {
        by_name[0]
    } else {
        let names: Vec<String> = modules
            .iter()
            .map(|&i| site.sections[i].dir.clone())
            .collect();
        let msg = if by_name.len() > 1 {
            format!("`{}` names more than one module", opts.module)
        } else {
            format!("there is no module `{}` with lessons", opts.module)
        };
        // Compared with both the path and the module's own folder name.
        let last = |n: &str| n.rsplit('/').next().unwrap_or(n).to_string();
        let close =
            crate::suggest::closest(&want, names.iter().map(String::as_str)).or_else(|| {
                let lasts: Vec<String> = names.iter().map(|n| last(n)).collect();
                let hit = crate::suggest::closest(&want, lasts.iter().map(String::as_str))?;
                names.iter().find(|n| last(n) == hit).cloned()
            });
        let help = match close {
            Some(s) => format!("did you mean `{s}`? Modules: {}", names.join(", ")),
            None => format!("give one of: {}", names.join(", ")),
        };
        diags.push(Diagnostic::global(msg).with_help(help));
        return Err(diags);
    };
    if !prepared.theme.templates.contains_key("print.html") {
        diags.push(
            Diagnostic::global("the theme has no print.html, so modules have no handout")
                .with_help("add templates/print.html (the default theme has one)"),
        );
        return Err(diags);
    }
    let section = &site.sections[found];
    let page_path = format!("{}print/index.html", section.path);
    let capture = Capture {
        want: page_path.clone(),
        page: Mutex::new(None),
        images: Mutex::new(BTreeMap::new()),
    };
    if build::render(&prepared, &capture, &mut state)
        .report_into(&mut diags)
        .is_none()
    {
        return Err(diags);
    }
    let html = capture.page.into_inner().ok().flatten().ok_or_else(|| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::global(format!(
            "the build made no handout page {page_path} for content/{}",
            section.rel_path
        )));
        d
    })?;
    let images = capture.images.into_inner().unwrap_or_default();
    let html = String::from_utf8_lossy(&html).into_owned();
    let title = section.title();
    let ctx = UrlContext {
        base_path: site.base_path(),
        page_dir: format!("{}print/", section.path),
        base_url: site.config.base_url.clone(),
    };
    let mut doc = convert_html(&html, &ctx, &images);
    let bytes = doc.package(&title, &site.config.title).map_err(|e| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::global(format!("cannot make the .docx: {e}")));
        d
    })?;
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.docx", super::batch::file_stem_for(&title))));
    if output.exists() && !opts.force {
        diags.push(
            Diagnostic::error(&output, "already exists and was not replaced")
                .with_help("pass --force to replace it (edits made in it are lost), or choose another file with --output"),
        );
        return Err(diags);
    }
    if let Err(e) = write_atomic(&output, &bytes) {
        diags.push(Diagnostic::error(&output, format!("cannot write: {e}")));
        return Err(diags);
    }
    Ok((
        Exported {
            output,
            title,
            headings: doc.headings,
            tables: doc.tables,
            images: doc.media.len(),
            notes: std::mem::take(&mut doc.notes),
        },
        diags,
    ))
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "handout.docx".into());
    let tmp = path.with_file_name(format!(".{name}.zhiku-export.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Where the page's URLs point.
struct UrlContext {
    /// `/` or `/kb/`.
    base_path: String,
    /// The page's output directory: `courses/party-spirit/print/`.
    page_dir: String,
    base_url: String,
}

impl UrlContext {
    /// The output path a URL of the page names, if it is this site's.
    fn output_path(&self, url: &str) -> Option<String> {
        let url = url.split(['#', '?']).next().unwrap_or("");
        if url.is_empty() || url.contains("://") || url.starts_with("data:") {
            return None;
        }
        let path = if let Some(rest) = url.strip_prefix(&self.base_path) {
            rest.to_string()
        } else if url.starts_with('/') {
            return None;
        } else {
            let mut parts: Vec<&str> = self.page_dir.split('/').filter(|s| !s.is_empty()).collect();
            for seg in url.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => {
                        parts.pop();
                    }
                    s => parts.push(s),
                }
            }
            parts.join("/")
        };
        Some(crate::html::unescape(&crate::markdown::percent_decode(&path)).to_string())
    }
}
