//! Finding the content files: a sorted walk of `content/` that skips editor artefacts,
//! special files and links out of the site (each with a warning), and what each file is (a
//! section, a page, a bundle's page or file, an asset).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};

use super::{parent_dir, CONTENT_DIR};

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
pub(super) enum FileKind {
    Section,
    Page,
    /// `index.md` of a page bundle.
    BundlePage,
    /// A file of a bundle: the bundle's directory.
    BundleAsset(String),
    Asset,
}

pub(super) struct ContentFile {
    pub(super) rel: String,
    pub(super) path: PathBuf,
    pub(super) kind: FileKind,
}

pub(super) fn find_files(content: &Path, diags: &mut Diagnostics) -> Vec<ContentFile> {
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
                Some(b) if rel == format!("{b}/index.md") => FileKind::BundlePage,
                Some(b) => FileKind::BundleAsset(b),
                None if name == "_index.md" => FileKind::Section,
                None if name.ends_with(".md") => FileKind::Page,
                None => FileKind::Asset,
            };
            ContentFile { rel, path, kind }
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
