//! Loading one content file: read (a regular file, size-limited, never blocking), decode,
//! split and parse the front matter, render the Markdown, check its charts; every problem
//! a diagnostic of the file.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::frontmatter::{self, FrontMatterError};
use crate::input::InputError;
use crate::markdown::{self, MarkdownOptions, SourceInfo};
use crate::site::{Page, Section};

use super::urls::{page_dir, page_slug};
use super::{parent_dir, ContentFile, FileKind, CONTENT_DIR, MAX_FILE_BYTES};

/// What loading one file gave: the page or section (or its errors), and warnings that do not
/// stop it from building (a file not saved as UTF-8). Kept whole in [`LoadCache`], so that a
/// rebuild by `serve` repeats the warnings of files it did not re-read.
#[derive(Clone)]
pub(super) struct FileResult {
    pub(super) loaded: Result<Loaded, Vec<Diagnostic>>,
    pub(super) warnings: Vec<Diagnostic>,
}

#[derive(Clone)]
pub(super) enum Loaded {
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

/// Load file `f` from `bytes`, what reading it gave ([`read_limited`]).
pub(super) fn load_file(
    f: &ContentFile,
    bytes: Result<Vec<u8>, InputError>,
    opts: MarkdownOptions,
    taxonomies: &[&str],
) -> FileResult {
    let mut warnings = Vec::new();
    let loaded = parse_file(f, bytes, opts, taxonomies, &mut warnings);
    FileResult { loaded, warnings }
}

fn parse_file(
    f: &ContentFile,
    bytes: Result<Vec<u8>, InputError>,
    opts: MarkdownOptions,
    taxonomies: &[&str],
    warnings: &mut Vec<Diagnostic>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let shown = Path::new(CONTENT_DIR).join(&f.rel);
    let bytes = bytes.map_err(|e| vec![read_error(e, &shown)])?;
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
        FileKind::Section => {
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
                source: 0,
                resolved: Default::default(),
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
                section: crate::site::SectionId(0),
                rendered: Arc::new(rendered),
                source: 0,
                assets: Vec::new(),
                resolved: Default::default(),
            })))
        }
    }
}

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
/// Read a content file (at most [`MAX_FILE_BYTES`]).
pub(super) fn read_limited(path: &Path) -> Result<Vec<u8>, InputError> {
    crate::input::read_regular(path, MAX_FILE_BYTES)
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
    fn too_large_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.md");
        let f = std::fs::File::create(&p).unwrap();
        // Sparse: no 33 MB written.
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert!(matches!(read_limited(&p), Err(InputError::TooLarge(_))));
    }
}
