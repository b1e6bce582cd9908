//! `zhiku import`: convert .docx files (or every Word file in a folder) into pages of a
//! section, all or nothing.
//!
//! Every file is converted in memory first. Only when all of them converted, and none would
//! overwrite an existing page (unless `--force`), are the pages written; with `--keep-going`
//! the files that converted are written and the others reported. A page with images becomes
//! a page bundle (`cases/<名称>/index.md` with the images beside it). Files are written
//! through a temporary name and renamed; if writing fails part-way, the files this run
//! created are removed again.

use std::path::{Path, PathBuf};

use super::import::{convert, Converted};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::paths::CONTENT_DIR;

/// What `zhiku import` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub inputs: Vec<PathBuf>,
    /// The section under content/ (`cases`, `courses/party-spirit`).
    pub section: String,
    pub dry_run: bool,
    pub force: bool,
    pub keep_going: bool,
}

/// One file's outcome.
#[derive(Debug, Clone)]
pub struct Imported {
    pub input: PathBuf,
    /// The page written (or that would be), relative to the site root.
    pub page: PathBuf,
    pub images: usize,
    pub warnings: usize,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    pub failed: usize,
    /// Nothing was written (a failure without --keep-going, or --dry-run).
    pub wrote_nothing: bool,
    pub diagnostics: Diagnostics,
    /// One line per file, in order (printed by the command line as they come).
    pub lines: Vec<String>,
}

/// The file name a title gives: Chinese characters, letters and digits kept (as page file
/// names are), punctuation and spaces as one `-`, at most 40 characters.
pub fn file_stem_for(title: &str) -> String {
    let slug = crate::slug::term_slug(title);
    let mut out: String = slug.chars().take(40).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() || out.starts_with('-') {
        "imported".to_string()
    } else {
        out
    }
}

fn is_word_name(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.starts_with("~$") || name.starts_with('.') {
        return false;
    }
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "docx" | "docm" | "doc" | "wps")
}

/// The files to import: files as given, folders as their Word files (sorted by name).
fn expand(inputs: &[PathBuf], diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for i in inputs {
        if i.is_dir() {
            let mut found: Vec<PathBuf> = match std::fs::read_dir(i) {
                Ok(rd) => rd
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file() && is_word_name(p))
                    .collect(),
                Err(e) => {
                    diags.push(Diagnostic::error(i, format!("cannot read the folder: {e}")));
                    continue;
                }
            };
            found.sort();
            if found.is_empty() {
                diags.push(
                    Diagnostic::error(i, "the folder has no .docx files").with_help(
                        "give the folder the Word files are in, or the files themselves",
                    ),
                );
            }
            out.extend(found);
        } else if i.is_file() {
            out.push(i.clone());
        } else {
            diags.push(
                Diagnostic::error(i, "no such file or folder")
                    .with_help("check the path (quote names with spaces)"),
            );
        }
    }
    out
}

struct Planned {
    input: PathBuf,
    conv: Converted,
    /// `content/<section>/<stem>.md`, or `content/<section>/<stem>/index.md` for a bundle.
    page: PathBuf,
    bundle: Option<PathBuf>,
}

/// Run `zhiku import`.
pub fn run(opts: &ImportOptions, progress: &mut dyn FnMut(&str)) -> ImportReport {
    let mut report = ImportReport {
        wrote_nothing: true,
        ..ImportReport::default()
    };
    let section = opts.section.trim_matches('/').to_string();
    let bad_section = section.is_empty()
        || section
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == ".." || s.contains('\\'));
    let section_dir = opts.root.join(CONTENT_DIR).join(&section);
    if bad_section {
        report.diagnostics.push(
            Diagnostic::global(format!(
                "`--section {}` is not a section path",
                opts.section
            ))
            .with_help("give a folder under content/, e.g. `--section cases`"),
        );
        return report;
    }
    if !opts.root.join(CONTENT_DIR).is_dir() {
        report.diagnostics.push(
            Diagnostic::global(format!(
                "{} has no content/ folder: it is not a zhiku site",
                opts.root.display()
            ))
            .with_help("run the command in the site's folder, or give it with --root"),
        );
        return report;
    }
    if !section_dir.join("_index.md").is_file() {
        report.diagnostics.push(
            Diagnostic::global(format!(
                "content/{section}/ is not a section (it has no _index.md)"
            ))
            .with_help(format!(
                "create it first with `zhiku new {section}/_index.md`, or choose another with --section"
            )),
        );
        return report;
    }
    let files = expand(&opts.inputs, &mut report.diagnostics);
    if report.diagnostics.has_errors() && !opts.keep_going {
        report.failed = report.diagnostics.error_count();
        say(
            format!(
                "nothing was written: {} input(s) could not be read",
                report.diagnostics.error_count()
            ),
            &mut report,
            progress,
        );
        return report;
    }
    let total = files.len();
    let mut planned: Vec<Planned> = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for (n, f) in files.iter().enumerate() {
        let name = f
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = match std::fs::metadata(f) {
            Ok(m) if m.len() > super::ooxml::MAX_FILE => Err(format!(
                "the file is {} MB, more than zhiku reads ({} MB)",
                m.len() / 1024 / 1024,
                super::ooxml::MAX_FILE / 1024 / 1024
            )),
            _ => std::fs::read(f).map_err(|e| format!("cannot read the file: {e}")),
        };
        let result = match bytes {
            Ok(b) => convert(b, &name).map_err(|e| (e.message, e.help)),
            Err(m) => Err((m, "check the path and that you may read it".into())),
        };
        let conv = match result {
            Ok(c) => c,
            Err((message, help)) => {
                report
                    .diagnostics
                    .push(Diagnostic::error(f, message).with_help(help));
                report.failed += 1;
                say(
                    format!("[{}/{total}] {name}: failed", n + 1),
                    &mut report,
                    progress,
                );
                continue;
            }
        };
        // Where it goes: a name from the title, unique in this batch.
        let base = file_stem_for(&conv.title);
        let mut stem = base.clone();
        let mut k = 2;
        while taken.contains(&stem) {
            stem = format!("{base}-{k}");
            k += 1;
        }
        let single = section_dir.join(format!("{stem}.md"));
        let dir = section_dir.join(&stem);
        let (page, bundle) = if conv.images.is_empty() {
            (single.clone(), None)
        } else {
            (dir.join("index.md"), Some(dir.clone()))
        };
        let rel = |p: &Path| p.strip_prefix(&opts.root).unwrap_or(p).to_path_buf();
        // Existing pages are never replaced without --force; the other form of the same page
        // (file vs bundle) is never replaced at all.
        let other = if bundle.is_some() {
            single.clone()
        } else {
            dir.join("index.md")
        };
        let section_there = dir.join("_index.md");
        let other = if section_there.exists() {
            section_there
        } else {
            other
        };
        if other.exists() {
            report.diagnostics.push(
                Diagnostic::error(
                    f,
                    format!(
                        "the page would be {}, but {} already exists for the same address",
                        rel(&page).display(),
                        rel(&other).display()
                    ),
                )
                .with_help("rename or remove the existing page, or change the document's title"),
            );
            report.failed += 1;
            say(
                format!("[{}/{total}] {name}: failed", n + 1),
                &mut report,
                progress,
            );
            continue;
        }
        if page.exists() && !opts.force {
            report.diagnostics.push(
                Diagnostic::error(
                    f,
                    format!(
                        "{} already exists and was not replaced",
                        rel(&page).display()
                    ),
                )
                .with_help("pass --force to replace it, or change the document's title"),
            );
            report.failed += 1;
            say(
                format!("[{}/{total}] {name}: failed", n + 1),
                &mut report,
                progress,
            );
            continue;
        }
        taken.push(stem);
        for note in &conv.notes {
            report
                .diagnostics
                .push(Diagnostic::warning(f, note.to_string()));
        }
        say(format!(
            "[{}/{total}] {name} → {} ({} heading(s), {} table(s), {} footnote(s), {} image(s), {} warning(s))",
            n + 1,
            rel(&page).display(),
            conv.headings,
            conv.tables,
            conv.footnotes,
            conv.images.len(),
            conv.notes.len()
        ), &mut report, progress);
        planned.push(Planned {
            input: f.clone(),
            conv,
            page,
            bundle,
        });
    }
    let summary = |report: &mut ImportReport| {
        for p in &planned {
            report.imported.push(Imported {
                input: p.input.clone(),
                page: p
                    .page
                    .strip_prefix(&opts.root)
                    .unwrap_or(&p.page)
                    .to_path_buf(),
                images: p.conv.images.len(),
                warnings: p.conv.notes.len(),
            });
        }
    };
    if report.failed > 0 && !opts.keep_going {
        say(
            format!(
            "nothing was written: {} of {total} file(s) could not be imported; fix them, or pass \
             --keep-going to import the others",
            report.failed
        ),
            &mut report,
            progress,
        );
        return report;
    }
    if opts.dry_run {
        summary(&mut report);
        say(
            format!(
                "dry run: {} page(s) would be written, {} file(s) failed; nothing was written",
                planned.len(),
                report.failed
            ),
            &mut report,
            progress,
        );
        return report;
    }
    // Write, removing what this run created if anything fails.
    let mut created: Vec<PathBuf> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let mut failure: Option<Diagnostic> = None;
    'files: for p in &planned {
        if let Some(dir) = &p.bundle {
            if !dir.exists() {
                if let Err(e) = std::fs::create_dir(dir) {
                    failure = Some(Diagnostic::error(dir, format!("cannot create: {e}")));
                    break;
                }
                created_dirs.push(dir.clone());
            }
            for (name, bytes) in &p.conv.images {
                let path = dir.join(name);
                let existed = path.exists();
                if let Err(e) = write_atomic(&path, bytes) {
                    failure = Some(Diagnostic::error(&path, format!("cannot write: {e}")));
                    break 'files;
                }
                if !existed {
                    created.push(path);
                }
            }
        }
        let existed = p.page.exists();
        if let Err(e) = write_atomic(&p.page, p.conv.markdown.as_bytes()) {
            failure = Some(Diagnostic::error(&p.page, format!("cannot write: {e}")));
            break;
        }
        if !existed {
            created.push(p.page.clone());
        }
    }
    if let Some(d) = failure {
        for f in created.iter().rev() {
            let _ = std::fs::remove_file(f);
        }
        for d in created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        report.diagnostics.push(d.with_help(
            "check the disk space and permissions; the pages this run had written were removed",
        ));
        report.failed += 1;
        report
            .lines
            .push("nothing was written: writing the pages failed".into());
        return report;
    }
    report.wrote_nothing = planned.is_empty();
    summary(&mut report);
    let images: usize = planned.iter().map(|p| p.conv.images.len()).sum();
    let warnings: usize = planned.iter().map(|p| p.conv.notes.len()).sum();
    say(format!(
        "imported {} of {total} file(s) into content/{section}/: {} image(s), {warnings} warning(s){}; \
         the pages are drafts (draft: true) until you review them",
        planned.len(),
        images,
        if report.failed > 0 {
            format!(", {} failed", report.failed)
        } else {
            String::new()
        }
    ), &mut report, progress);
    report
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.zhiku-import.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn say(line: String, report: &mut ImportReport, progress: &mut dyn FnMut(&str)) {
    progress(&line);
    report.lines.push(line);
}
