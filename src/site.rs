//! The content model: pages and sections as loaded, plus what the resolve stage adds.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::frontmatter::{PageMeta, SectionMeta};
use crate::markdown::Rendered;

/// A Markdown page (`cases/tianjin.md`, or a bundle `cases/foo/index.md` with its files).
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to `content/`, `/`-separated: `cases/tianjin.md`.
    pub rel_path: String,
    /// The file on disk.
    pub file: PathBuf,
    /// Shared with `serve`'s load cache: reusing an unchanged page is a pointer copy.
    pub meta: Arc<PageMeta>,
    /// Last URL segment: `slug:` or the file (bundle directory) name.
    pub slug: String,
    /// Output path relative to the site root, ending in `/`: `cases/tianjin/`.
    pub path: String,
    /// Index of the section the page belongs to.
    pub section: SectionId,
    /// Shared with `serve`'s load cache (it never changes after loading).
    pub rendered: Arc<Rendered>,
    /// Fingerprint of what `meta` and `rendered` were parsed from (the file's bytes, the
    /// Markdown and taxonomy settings): the same in two builds, they are the same.
    pub source: u64,
    /// For a bundle: the other files in its directory, relative to `content/`.
    pub assets: Vec<String>,
    /// The final HTML (links filled in), from the resolve stage (shared with serve's
    /// resolve memo).
    pub resolved: Arc<Resolved>,
}

/// A section: a directory with `_index.md` (the root section always exists).
#[derive(Debug, Clone)]
pub struct Section {
    /// `cases/_index.md`; `_index.md` for the root.
    pub rel_path: String,
    /// Directory relative to `content/`: `cases`; empty for the root.
    pub dir: String,
    /// The `_index.md` file, if there is one.
    pub file: Option<PathBuf>,
    pub meta: SectionMeta,
    /// Output path: `cases/`; empty for the root.
    pub path: String,
    pub parent: Option<SectionId>,
    /// Pages in the section's sort order.
    pub pages: Vec<PageId>,
    /// Child sections, by weight then title.
    pub subsections: Vec<SectionId>,
    pub rendered: Arc<Rendered>,
    /// As [`Page::source`] (0 for a section without `_index.md`).
    pub source: u64,
    pub resolved: Arc<Resolved>,
}

impl Section {
    /// Title for display: front matter, else the directory name.
    pub fn title(&self) -> String {
        match &self.meta.title {
            Some(t) => t.clone(),
            None => self.dir.rsplit('/').next().unwrap_or_default().to_string(),
        }
    }
}

/// What resolving a page's links produced.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// The HTML with internal links filled in.
    pub html: String,
    pub summary_html: String,
    /// Pages and sections this one links to (content paths, deduplicated, in order).
    pub outgoing: Vec<String>,
}

/// A file copied to the output as it is: a page asset, a non-Markdown file under
/// `content/`, or a static file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    /// Output path relative to the site root.
    pub output: String,
}

/// Everything loaded from a site directory.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    /// Content files that are not Markdown (page assets included): content path → asset.
    pub content_assets: BTreeMap<String, Asset>,
    /// Include drafts.
    pub drafts: bool,
    /// Content files that exist but are not part of this build, and why (links to them get
    /// a message that says so, or none when the file's own errors are already reported).
    pub left_out: BTreeMap<String, LeftOut>,
}

/// Why a content file is not part of the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// `draft: true` and no `--drafts`.
    Draft,
    /// It has errors of its own.
    Failed,
}

impl Site {
    /// The root section (always index 0).
    pub fn root_section(&self) -> &Section {
        &self.sections[0]
    }
}

impl Site {
    /// The path part of the base URL: `/` or `/kb/`.
    pub fn base_path(&self) -> String {
        self.config.base_path()
    }

    /// Root-relative URL of an output path: `cases/tianjin/` → `/kb/cases/tianjin/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path(), path.trim_start_matches('/'))
    }

    /// Absolute URL (with scheme and host when `base_url` has them).
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url, path.trim_start_matches('/'))
    }
}

/// A page: its index in [`Site::pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageId(pub usize);

/// A section: its index in [`Site::sections`] (the root section is `SectionId(0)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SectionId(pub usize);

/// Something that names a position in a list of the site: a [`PageId`] or a [`SectionId`].
pub trait Position: Copy {
    fn at(self) -> usize;
}

impl Position for PageId {
    fn at(self) -> usize {
        self.0
    }
}

impl Position for SectionId {
    fn at(self) -> usize {
        self.0
    }
}

impl std::ops::Index<PageId> for Vec<Page> {
    type Output = Page;
    fn index(&self, id: PageId) -> &Page {
        &self[id.0]
    }
}

impl std::ops::Index<PageId> for [Page] {
    type Output = Page;
    fn index(&self, id: PageId) -> &Page {
        &self[id.0]
    }
}

impl std::ops::Index<SectionId> for [Section] {
    type Output = Section;
    fn index(&self, id: SectionId) -> &Section {
        &self[id.0]
    }
}

impl std::ops::IndexMut<PageId> for Vec<Page> {
    fn index_mut(&mut self, id: PageId) -> &mut Page {
        &mut self[id.0]
    }
}

impl std::ops::IndexMut<SectionId> for Vec<Section> {
    fn index_mut(&mut self, id: SectionId) -> &mut Section {
        &mut self[id.0]
    }
}

impl std::ops::Index<SectionId> for Vec<Section> {
    type Output = Section;
    fn index(&self, id: SectionId) -> &Section {
        &self[id.0]
    }
}

/// A page or a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ref {
    Page(PageId),
    Section(SectionId),
}
