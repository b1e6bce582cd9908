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

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use scraper::{ElementRef, Html, Node};

use super::ooxml::esc;
use crate::build::{self, BuildOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Sink;

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
pub fn run(opts: &ExportOptions) -> Result<(Exported, Diagnostics), Diagnostics> {
    let bopts = BuildOptions {
        root: opts.root.clone(),
        drafts: opts.drafts,
        ..BuildOptions::default()
    };
    let mut state = crate::state::State::one_shot();
    let (prepared, mut diags) = build::prepare(&bopts, &mut state);
    let Some(prepared) = prepared else {
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
    if let Err(ds) = build::render(&prepared, &capture, &mut state) {
        diags.extend(ds);
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
pub struct UrlContext {
    /// `/` or `/kb/`.
    pub base_path: String,
    /// The page's output directory: `courses/party-spirit/print/`.
    pub page_dir: String,
    pub base_url: String,
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

// ---------------------------------------------------------------------------------------
// The document model

#[derive(Debug, Clone, Default, PartialEq)]
struct RunFmt {
    b: bool,
    i: bool,
    u: bool,
    s: bool,
    sup: bool,
    sub: bool,
    code: bool,
}

#[derive(Debug, Clone)]
enum Run {
    Text(String, RunFmt),
    Break,
    /// An image: relationship id, size in EMU, description.
    Image {
        rid: String,
        cx: u64,
        cy: u64,
        alt: String,
        id: usize,
    },
}

#[derive(Debug, Clone)]
enum Inline {
    Run(Run),
    /// Runs inside a hyperlink: external relationship id or an internal bookmark.
    Link {
        rid: Option<String>,
        anchor: Option<String>,
        runs: Vec<Run>,
    },
}

#[derive(Debug, Clone, Default)]
struct Para {
    style: Option<&'static str>,
    inlines: Vec<Inline>,
    num: Option<(usize, usize)>,
    page_break: bool,
    bookmarks: Vec<String>,
    /// Left indent in twips (text under a list item).
    indent: Option<u32>,
    center: bool,
}

#[derive(Debug, Clone)]
struct Cell {
    paras: Vec<Para>,
    span: usize,
    /// `Some(true)` starts a vertical merge, `Some(false)` continues one.
    vmerge: Option<bool>,
    header: bool,
}

#[derive(Debug, Clone)]
enum Block {
    Para(Para),
    Table(Vec<Vec<Cell>>),
}

#[derive(Default)]
struct Doc {
    blocks: Vec<Block>,
    /// Relationships: id → (type, target, external).
    rels: Vec<(String, &'static str, String, bool)>,
    /// Media files: name → bytes.
    media: Vec<(String, Vec<u8>)>,
    media_by_path: HashMap<String, String>,
    /// Ordered lists: each gets its own w:num so numbering restarts.
    ordered_lists: usize,
    headings: usize,
    tables: usize,
    images: usize,
    notes: Vec<String>,
    /// Bookmark names given out (Word's names: ≤ 40 characters, unique).
    bookmarks: HashMap<String, String>,
}

const BULLET_NUM: usize = 1;

struct Conv<'a> {
    doc: Doc,
    ctx: &'a UrlContext,
    images: &'a BTreeMap<String, Vec<u8>>,
    /// Runs of the paragraph being built.
    cur: Option<Para>,
    /// Open lists: (numId, ilvl).
    lists: Vec<(usize, usize)>,
    /// The next block starts a new page.
    pending_break: bool,
    blocks_seen: usize,
    link: Option<(Option<String>, Option<String>)>,
    fmt: RunFmt,
    quote: usize,
    pre: usize,
    /// Bookmarks for the next paragraph.
    pending_marks: Vec<String>,
    /// The next `<p>` continues the current paragraph (after a footnote's label).
    merge_p: bool,
}

/// Convert the rendered handout into a document.
fn convert_html(html: &str, ctx: &UrlContext, images: &BTreeMap<String, Vec<u8>>) -> Doc {
    let dom = Html::parse_document(html);
    let root = scraper::Selector::parse("main")
        .ok()
        .and_then(|s| dom.select(&s).next())
        .or_else(|| {
            scraper::Selector::parse("body")
                .ok()
                .and_then(|s| dom.select(&s).next())
        })
        .unwrap_or_else(|| dom.root_element());
    let mut c = Conv {
        doc: Doc::default(),
        ctx,
        images,
        cur: None,
        lists: Vec::new(),
        pending_break: false,
        blocks_seen: 0,
        link: None,
        fmt: RunFmt::default(),
        quote: 0,
        pre: 0,
        pending_marks: Vec::new(),
        merge_p: false,
    };
    // Internal link targets: ids of elements.
    let mut top_level = 0usize;
    for child in root.children() {
        if let Some(el) = ElementRef::wrap(child) {
            let name = el.value().name();
            if matches!(
                name,
                "section" | "article" | "header" | "div" | "aside" | "footer"
            ) {
                if top_level > 0 && matches!(name, "section" | "article") {
                    c.pending_break = true;
                }
                top_level += 1;
            }
            c.element(el, 0);
        } else {
            c.node(child, 0);
        }
    }
    c.flush();
    if !c.pending_marks.is_empty() {
        let bookmarks = std::mem::take(&mut c.pending_marks);
        c.doc.blocks.push(Block::Para(Para {
            bookmarks,
            ..Para::default()
        }));
    }
    c.doc
}

fn has_class(el: &ElementRef<'_>, class: &str) -> bool {
    el.value().classes().any(|c| c == class)
}

fn style_breaks(el: &ElementRef<'_>) -> bool {
    let style = el
        .value()
        .attr("style")
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace(' ', "");
    style.contains("break-before:page") || style.contains("page-break-before:always")
}

impl<'a> Conv<'a> {
    fn flush(&mut self) {
        if let Some(mut p) = self.cur.take() {
            // Trim whitespace at the ends of the paragraph.
            trim_inlines(&mut p.inlines);
            if p.inlines.is_empty() {
                if p.page_break {
                    self.pending_break = true;
                }
                // Its bookmarks go to the next paragraph.
                self.pending_marks.splice(0..0, p.bookmarks);
                return;
            }
            if p.style.is_some_and(|s| s.starts_with("Heading")) {
                self.doc.headings += 1;
            }
            self.doc.blocks.push(Block::Para(p));
        }
    }

    fn start(&mut self, style: Option<&'static str>) {
        self.flush();
        let page_break = std::mem::take(&mut self.pending_break) && self.blocks_seen > 0;
        self.blocks_seen += 1;
        let style = style.or(if self.quote > 0 {
            Some("Quote")
        } else if self.pre > 0 {
            Some("Code")
        } else {
            None
        });
        self.cur = Some(Para {
            style,
            page_break,
            bookmarks: std::mem::take(&mut self.pending_marks),
            ..Para::default()
        });
    }

    fn para(&mut self) -> &mut Para {
        if self.cur.is_none() {
            let list = self.lists.last().copied();
            self.start(None);
            if let (Some(p), Some(_)) = (self.cur.as_mut(), list) {
                // Text continuing inside a list item after a nested block.
                p.indent = Some(420 * (self.lists.len() as u32));
            }
        }
        self.cur.get_or_insert_with(Para::default)
    }

    fn push_run(&mut self, run: Run) {
        let link = self.link.clone();
        let p = self.para();
        match link {
            None => p.inlines.push(Inline::Run(run)),
            Some((rid, anchor)) => {
                if let Some(Inline::Link {
                    rid: r2,
                    anchor: a2,
                    runs,
                }) = p.inlines.last_mut()
                {
                    if *r2 == rid && *a2 == anchor {
                        runs.push(run);
                        return;
                    }
                }
                p.inlines.push(Inline::Link {
                    rid,
                    anchor,
                    runs: vec![run],
                });
            }
        }
    }

    fn text(&mut self, t: &str) {
        let s = if self.pre > 0 {
            t.to_string()
        } else {
            collapse_ws(t)
        };
        if s.is_empty() {
            return;
        }
        if self.cur.is_none() && s.trim().is_empty() {
            return;
        }
        if self.pre > 0 {
            let lines: Vec<&str> = s.split('\n').collect();
            for (k, line) in lines.iter().enumerate() {
                if k > 0 {
                    self.push_run(Run::Break);
                }
                if !line.is_empty() {
                    self.push_run(Run::Text(line.to_string(), self.fmt.clone()));
                }
            }
            return;
        }
        let fmt = self.fmt.clone();
        // Merge with the previous run of the same formatting.
        let link = self.link.is_some();
        let p = self.para();
        if !link {
            if let Some(Inline::Run(Run::Text(prev, f))) = p.inlines.last_mut() {
                if *f == fmt {
                    if prev.ends_with(' ') && s.starts_with(' ') {
                        prev.push_str(&s[1..]);
                    } else {
                        prev.push_str(&s);
                    }
                    return;
                }
            }
        }
        self.push_run(Run::Text(s, fmt));
    }

    fn node(&mut self, n: ego_tree::NodeRef<'_, Node>, depth: usize) {
        match n.value() {
            Node::Text(t) => self.text(t),
            Node::Element(_) => {
                if let Some(el) = ElementRef::wrap(n) {
                    self.element(el, depth);
                }
            }
            _ => {}
        }
    }

    fn children(&mut self, el: ElementRef<'_>, depth: usize) {
        if depth > 200 {
            return;
        }
        for c in el.children() {
            self.node(c, depth + 1);
        }
    }

    fn bookmark_for(&mut self, id: &str) -> String {
        if let Some(b) = self.doc.bookmarks.get(id) {
            return b.clone();
        }
        let n = self.doc.bookmarks.len() + 1;
        let name = format!("zk{n}");
        self.doc.bookmarks.insert(id.to_string(), name.clone());
        name
    }

    fn element(&mut self, el: ElementRef<'_>, depth: usize) {
        let v = el.value();
        let name = v.name();
        if has_class(&el, "no-print")
            || v.attr("aria-hidden") == Some("true")
            || v.attr("hidden").is_some()
        {
            return;
        }
        if style_breaks(&el) {
            self.flush();
            self.pending_break = true;
        }
        // Block elements that links point to: a bookmark on their first paragraph.
        if let Some(id) = v.attr("id") {
            if matches!(
                name,
                "li" | "p"
                    | "dt"
                    | "dd"
                    | "blockquote"
                    | "table"
                    | "pre"
                    | "figure"
                    | "ol"
                    | "ul"
                    | "section"
                    | "div"
                    | "header"
                    | "footer"
                    | "aside"
                    | "details"
                    | "dl"
            ) {
                let b = self.bookmark_for(id);
                self.pending_bookmark(b);
            }
        }
        match name {
            "script" | "style" | "noscript" | "template" | "nav" | "button" | "form" | "input"
            | "select" | "textarea" | "head" | "title" | "meta" | "link" => {}
            "svg" | "canvas" | "iframe" | "video" | "audio" | "object" | "embed" => {
                let what = v.attr("aria-label").or(v.attr("title")).unwrap_or(name);
                self.doc.notes.push(format!(
                    "a <{name}> element (“{what}”) has no Word form and was left out"
                ));
            }
            "article" => {
                self.flush();
                self.pending_break = true;
                if let Some(id) = v.attr("id") {
                    let b = self.bookmark_for(id);
                    self.pending_marks.push(b);
                }
                self.children(el, depth);
                self.flush();
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let style: &'static str = match name {
                    "h1" => "Heading1",
                    "h2" => "Heading2",
                    "h3" => "Heading3",
                    _ => "Heading4",
                };
                // The handout's own title (the first h1, on the cover after at most a kicker
                // line such as 课程讲义) is the Title.
                let style = if name == "h1" && self.doc.headings == 0 && self.doc.blocks.len() <= 1
                {
                    "Title"
                } else {
                    style
                };
                self.start(Some(style));
                if let Some(id) = v.attr("id") {
                    let b = self.bookmark_for(id);
                    if let Some(p) = self.cur.as_mut() {
                        p.bookmarks.push(b);
                    }
                }
                let saved = std::mem::take(&mut self.fmt);
                self.children(el, depth);
                self.fmt = saved;
                self.flush();
            }
            "p" | "figcaption" | "dt" | "dd" | "summary" | "caption" => {
                let style = match name {
                    "figcaption" | "caption" => Some("Caption"),
                    _ => None,
                };
                let in_item = (self.cur.as_ref().is_some_and(|p| p.num.is_some())
                    && self
                        .cur
                        .as_ref()
                        .is_some_and(|p| p.inlines.iter().all(inline_blank)))
                    || (std::mem::take(&mut self.merge_p) && self.cur.is_some());
                if !in_item {
                    self.start(style);
                    if !self.lists.is_empty() {
                        if let Some(p) = self.cur.as_mut() {
                            p.indent = Some(420 * self.lists.len() as u32);
                        }
                    }
                }
                if v.attr("class").is_some_and(|c| c.contains("lead")) {
                    if let Some(p) = self.cur.as_mut() {
                        p.style = Some("Subtitle");
                    }
                }
                let saved = self.fmt.clone();
                if matches!(name, "dt" | "summary") {
                    self.fmt.b = true;
                }
                self.children(el, depth);
                self.fmt = saved;
                self.flush();
            }
            "ul" | "ol" => {
                self.flush();
                let num = if name == "ol" {
                    self.doc.ordered_lists += 1;
                    BULLET_NUM + self.doc.ordered_lists
                } else {
                    BULLET_NUM
                };
                let level = self.lists.len().min(8);
                self.lists.push((num, level));
                self.children(el, depth);
                self.flush();
                self.lists.pop();
            }
            "li" => {
                let (num, level) = self.lists.last().copied().unwrap_or((BULLET_NUM, 0));
                self.start(Some("ListParagraph"));
                if let Some(p) = self.cur.as_mut() {
                    p.num = Some((num, level));
                }
                self.children(el, depth);
                self.flush();
            }
            "table" => {
                self.flush();
                let t = self.table(el);
                if !t.is_empty() {
                    let page_break =
                        std::mem::take(&mut self.pending_break) && self.blocks_seen > 0;
                    if page_break {
                        self.doc.blocks.push(Block::Para(Para {
                            page_break: true,
                            ..Para::default()
                        }));
                    }
                    self.blocks_seen += 1;
                    self.doc.tables += 1;
                    self.doc.blocks.push(Block::Table(t));
                }
            }
            "blockquote" => {
                self.flush();
                self.quote += 1;
                self.children(el, depth);
                self.flush();
                self.quote -= 1;
            }
            "pre" => {
                self.start(Some("Code"));
                self.pre += 1;
                self.children(el, depth);
                self.pre -= 1;
                self.flush();
            }
            "hr" => self.flush(),
            "br" => self.push_run(Run::Break),
            "img" => self.image(el),
            "a" => {
                let href = v.attr("href").unwrap_or("");
                let cls = v.attr("class").unwrap_or("");
                let t: String = el.text().collect();
                if cls.contains("anchor") && matches!(t.trim(), "#" | "¶" | "§" | "") {
                    return;
                }
                let target = self.link_target(href);
                let saved = std::mem::replace(&mut self.link, target);
                self.children(el, depth);
                self.link = saved;
            }
            "strong" | "b" | "em" | "i" | "u" | "ins" | "s" | "del" | "strike" | "sup" | "sub"
            | "code" | "kbd" | "mark" | "cite" | "dfn" => {
                let saved = self.fmt.clone();
                match name {
                    "strong" | "b" | "mark" => self.fmt.b = true,
                    "em" | "i" | "cite" | "dfn" => self.fmt.i = true,
                    "u" | "ins" => self.fmt.u = true,
                    "s" | "del" | "strike" => self.fmt.s = true,
                    "sup" => self.fmt.sup = true,
                    "sub" => self.fmt.sub = true,
                    _ => self.fmt.code = true,
                }
                self.children(el, depth);
                self.fmt = saved;
            }
            "div" if has_class(&el, "footnote-definition") => {
                // The note's label and its first paragraph make one paragraph.
                self.start(Some("FootnoteText"));
                self.merge_p = true;
                self.children(el, depth);
                self.merge_p = false;
                self.flush();
            }
            "section" | "div" | "header" | "footer" | "main" | "aside" | "figure" | "details"
            | "dl" | "address" | "body" | "html" => {
                self.flush();
                self.children(el, depth);
                self.flush();
            }
            _ => {
                if let Some(id) = v.attr("id") {
                    // An inline element with an id: a bookmark in the current paragraph.
                    let b = self.bookmark_for(id);
                    match self.cur.as_mut() {
                        Some(p) => p.bookmarks.push(b),
                        None => self.pending_marks.push(b),
                    }
                }
                self.children(el, depth)
            }
        }
    }

    /// Put a bookmark on the next paragraph started (an element with an `id` that links
    /// point to).
    fn pending_bookmark(&mut self, b: String) {
        self.flush();
        self.pending_marks.push(b);
    }

    fn link_target(&mut self, href: &str) -> Option<(Option<String>, Option<String>)> {
        if let Some(frag) = href.strip_prefix('#') {
            let id = crate::html::unescape(&crate::markdown::percent_decode(frag)).to_string();
            let b = self.bookmark_for(&id);
            return Some((None, Some(b)));
        }
        let lower = href.to_ascii_lowercase();
        let url = if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("mailto:")
        {
            href.to_string()
        } else if self.ctx.base_url.contains("://") {
            // A page of the site: its address on the published site.
            let path = self.ctx.output_path(href)?;
            format!(
                "{}{}",
                self.ctx.base_url,
                path.trim_start_matches('/').trim_end_matches("index.html")
            )
        } else {
            // No published address is known (base_url is a path): the text stays, unlinked.
            return None;
        };
        let rid = format!("rId{}", 100 + self.doc.rels.len());
        self.doc.rels.push((rid.clone(), "hyperlink", url, true));
        Some((Some(rid), None))
    }

    fn image(&mut self, el: ElementRef<'_>) {
        let v = el.value();
        let src = v.attr("src").unwrap_or("");
        let alt = v.attr("alt").unwrap_or("").to_string();
        let Some(path) = self.ctx.output_path(src) else {
            self.doc.notes.push(format!(
                "the picture {src} is not a file of the site and was left out"
            ));
            return;
        };
        let Some(bytes) = self.images.get(&path) else {
            self.doc.notes.push(format!(
                "the picture {src} is not in a format Word shows here (PNG, JPEG, GIF, BMP) or was not found, and was left out"
            ));
            return;
        };
        let ext = image_ext(&path).unwrap_or("png");
        let name = if let Some(n) = self.doc.media_by_path.get(&path) {
            n.clone()
        } else {
            let n = format!("image{}.{ext}", self.doc.media.len() + 1);
            self.doc.media.push((n.clone(), bytes.clone()));
            self.doc.media_by_path.insert(path.clone(), n.clone());
            n
        };
        let rid = format!("rIdImg{}", self.doc.rels.len() + 1);
        self.doc
            .rels
            .push((rid.clone(), "image", format!("media/{name}"), false));
        let (w, h) = image_size(bytes).unwrap_or((400, 300));
        // 96 dpi pixels → EMU, at most 15 cm wide.
        let max_cx: u64 = 15 * 360_000;
        let mut cx = w as u64 * 9525;
        let mut cy = h as u64 * 9525;
        if cx > max_cx {
            cy = cy * max_cx / cx.max(1);
            cx = max_cx;
        }
        self.doc.images += 1;
        let id = self.doc.images;
        self.push_run(Run::Image {
            rid,
            cx,
            cy,
            alt,
            id,
        });
    }

    fn table(&mut self, el: ElementRef<'_>) -> Vec<Vec<Cell>> {
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        // Columns still covered by a rowspan: column → rows left.
        let mut covering: BTreeMap<usize, usize> = BTreeMap::new();
        let saved_lists = std::mem::take(&mut self.lists);
        let saved_fmt = std::mem::take(&mut self.fmt);
        let trs: Vec<ElementRef<'_>> = el
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "tr")
            .collect();
        for tr in trs {
            // Only rows of this table (not of a nested one).
            let mut p = tr.parent();
            let mut own = false;
            while let Some(n) = p {
                if let Some(e) = ElementRef::wrap(n) {
                    if e.value().name() == "table" {
                        own = e.id() == el.id();
                        break;
                    }
                }
                p = n.parent();
            }
            if !own {
                continue;
            }
            let in_head = tr
                .parent()
                .and_then(ElementRef::wrap)
                .is_some_and(|e| e.value().name() == "thead");
            let mut row = Vec::new();
            let mut col = 0;
            for cell in tr.children().filter_map(ElementRef::wrap) {
                let cname = cell.value().name();
                if cname != "td" && cname != "th" {
                    continue;
                }
                while let Some(left) = covering.get_mut(&col) {
                    row.push(Cell {
                        paras: Vec::new(),
                        span: 1,
                        vmerge: Some(false),
                        header: false,
                    });
                    *left -= 1;
                    if *left == 0 {
                        covering.remove(&col);
                    }
                    col += 1;
                }
                let span: usize = cell
                    .value()
                    .attr("colspan")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 63);
                let rowspan: usize = cell
                    .value()
                    .attr("rowspan")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 1000);
                let header = cname == "th" || in_head;
                // Convert the cell's content into paragraphs of its own.
                let before = self.doc.blocks.len();
                self.flush();
                let saved_b = self.fmt.b;
                self.fmt.b = header;
                self.start(None);
                self.children(cell, 0);
                self.flush();
                self.fmt.b = saved_b;
                let paras: Vec<Para> = self
                    .doc
                    .blocks
                    .drain(before..)
                    .filter_map(|b| match b {
                        Block::Para(mut p) => {
                            p.page_break = false;
                            if p.style.is_some_and(|s| s.starts_with("Heading")) {
                                self.doc.headings -= 1;
                                p.style = None;
                            }
                            Some(p)
                        }
                        Block::Table(_) => None,
                    })
                    .collect();
                if rowspan > 1 {
                    for c in col..col + span {
                        covering.insert(c, rowspan - 1);
                    }
                }
                row.push(Cell {
                    paras,
                    span,
                    vmerge: (rowspan > 1).then_some(true),
                    header,
                });
                col += span;
            }
            while let Some(left) = covering.get_mut(&col) {
                row.push(Cell {
                    paras: Vec::new(),
                    span: 1,
                    vmerge: Some(false),
                    header: false,
                });
                *left -= 1;
                if *left == 0 {
                    covering.remove(&col);
                }
                col += 1;
            }
            if !row.is_empty() {
                rows.push(row);
            }
        }
        self.lists = saved_lists;
        self.fmt = saved_fmt;
        rows
    }
}

fn inline_blank(i: &Inline) -> bool {
    match i {
        Inline::Run(Run::Text(t, _)) => t.trim().is_empty(),
        _ => false,
    }
}

fn collapse_ws(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() && c != '\u{3000}' && c != '\u{a0}' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    // A line break between two Chinese characters is no space.
    let chars: Vec<char> = out.chars().collect();
    let mut res = String::with_capacity(out.len());
    for (k, &c) in chars.iter().enumerate() {
        if c == ' ' && k > 0 && k + 1 < chars.len() {
            let (a, b) = (chars[k - 1], chars[k + 1]);
            if crate::cjk::is_cjk(a) && crate::cjk::is_cjk(b) && t.contains('\n') {
                continue;
            }
        }
        res.push(c);
    }
    res
}

fn trim_inlines(inlines: &mut Vec<Inline>) {
    fn first_text(i: &mut Inline) -> Option<&mut String> {
        match i {
            Inline::Run(Run::Text(t, _)) => Some(t),
            Inline::Link { runs, .. } => match runs.first_mut() {
                Some(Run::Text(t, _)) => Some(t),
                _ => None,
            },
            _ => None,
        }
    }
    fn last_text(i: &mut Inline) -> Option<&mut String> {
        match i {
            Inline::Run(Run::Text(t, _)) => Some(t),
            Inline::Link { runs, .. } => match runs.last_mut() {
                Some(Run::Text(t, _)) => Some(t),
                _ => None,
            },
            _ => None,
        }
    }
    while let Some(f) = inlines.first_mut() {
        if let Some(t) = first_text(f) {
            let s = t.trim_start().to_string();
            *t = s;
            if t.is_empty() && matches!(f, Inline::Run(_)) {
                inlines.remove(0);
                continue;
            }
        } else if matches!(f, Inline::Run(Run::Break)) {
            inlines.remove(0);
            continue;
        }
        break;
    }
    while let Some(l) = inlines.last_mut() {
        if let Some(t) = last_text(l) {
            let s = t.trim_end().to_string();
            *t = s;
            if t.is_empty() && matches!(l, Inline::Run(_)) {
                inlines.pop();
                continue;
            }
        } else if matches!(l, Inline::Run(Run::Break)) {
            inlines.pop();
            continue;
        }
        break;
    }
}

/// Pixel size of a PNG, GIF, BMP or JPEG.
fn image_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") && b.len() >= 24 {
        let w = u32::from_be_bytes(b[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(b[20..24].try_into().ok()?);
        return Some((w, h));
    }
    if b.starts_with(b"GIF8") && b.len() >= 10 {
        let w = u16::from_le_bytes([b[6], b[7]]) as u32;
        let h = u16::from_le_bytes([b[8], b[9]]) as u32;
        return Some((w, h));
    }
    if b.starts_with(b"BM") && b.len() >= 26 {
        let w = i32::from_le_bytes(b[18..22].try_into().ok()?).unsigned_abs();
        let h = i32::from_le_bytes(b[22..26].try_into().ok()?).unsigned_abs();
        return Some((w, h));
    }
    if b.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 9 < b.len() {
            if b[i] != 0xFF {
                i += 1;
                continue;
            }
            let marker = b[i + 1];
            let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
            if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                let h = u16::from_be_bytes([b[i + 5], b[i + 6]]) as u32;
                let w = u16::from_be_bytes([b[i + 7], b[i + 8]]) as u32;
                return Some((w, h));
            }
            i += 2 + len;
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Writing the package

const BODY_FONT: &str = "宋体";
const HEADING_FONT: &str = "黑体";

fn fonts(east_asia: &str) -> String {
    format!(
        r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{east_asia}" w:cs="Times New Roman"/>"#
    )
}

fn heading_fonts() -> String {
    format!(
        r#"<w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="{HEADING_FONT}" w:cs="Arial"/>"#
    )
}

fn styles_xml() -> String {
    let para = |id: &str, name: &str, extra_ppr: &str, rpr: &str| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr>{extra_ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"#
        )
    };
    let heading = |n: u8, size: u32, before: u32| {
        para(
            &format!("Heading{n}"),
            &format!("heading {n}"),
            &format!(
                r#"<w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="120" w:line="360" w:lineRule="auto"/><w:outlineLvl w:val="{}"/>"#,
                n - 1
            ),
            &format!(
                r#"{}<w:b/><w:bCs/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>"#,
                heading_fonts()
            ),
        )
    };
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    s.push_str(&format!(
        r#"<w:docDefaults><w:rPrDefault><w:rPr>{}<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>"#,
        fonts(BODY_FONT)
    ));
    s.push_str(&format!(
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:firstLineChars="0"/></w:pPr><w:rPr>{}</w:rPr></w:style>"#,
        fonts(BODY_FONT)
    ));
    s.push_str(&para(
        "Title",
        "Title",
        r#"<w:jc w:val="center"/><w:spacing w:before="240" w:after="240"/><w:outlineLvl w:val="0"/>"#,
        &format!(r#"{}<w:b/><w:sz w:val="44"/><w:szCs w:val="44"/>"#, heading_fonts()),
    ));
    s.push_str(&para(
        "Subtitle",
        "Subtitle",
        r#"<w:jc w:val="center"/><w:spacing w:after="240"/>"#,
        r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="楷体" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/>"#,
    ));
    s.push_str(&heading(1, 32, 360));
    s.push_str(&heading(2, 30, 240));
    s.push_str(&heading(3, 28, 240));
    s.push_str(&heading(4, 24, 120));
    s.push_str(&para(
        "ListParagraph",
        "List Paragraph",
        r#"<w:ind w:left="420"/><w:contextualSpacing/>"#,
        "",
    ));
    s.push_str(&para(
        "Quote",
        "Quote",
        r#"<w:ind w:left="567" w:right="567"/><w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="999999"/></w:pBdr>"#,
        r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="楷体" w:cs="Times New Roman"/>"#,
    ));
    s.push_str(&para(
        "Caption",
        "caption",
        r#"<w:jc w:val="center"/>"#,
        r#"<w:sz w:val="21"/><w:szCs w:val="21"/>"#,
    ));
    s.push_str(&para(
        "Code",
        "Code",
        r#"<w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/>"#,
        r#"<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:eastAsia="宋体" w:cs="Courier New"/><w:sz w:val="20"/>"#,
    ));
    s.push_str(&para(
        "FootnoteText",
        "footnote text",
        r#"<w:spacing w:after="60" w:line="300" w:lineRule="auto"/>"#,
        r#"<w:sz w:val="18"/><w:szCs w:val="18"/>"#,
    ));
    s.push_str(&para(
        "Footer",
        "footer",
        r#"<w:jc w:val="center"/>"#,
        r#"<w:sz w:val="18"/>"#,
    ));
    s.push_str(r#"<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>"#);
    s.push_str(r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#);
    s.push_str(r#"<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>"#);
    s.push_str("</w:styles>");
    s
}

fn numbering_xml(ordered_lists: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    // 0: bullets; 1: decimal (1. / (1) / ① by level).
    s.push_str(
        r#"<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>"#,
    );
    for l in 0..9 {
        let bullet = ["●", "○", "■"][l % 3];
        s.push_str(&format!(
            r#"<w:lvl w:ilvl="{l}"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="{bullet}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{}" w:hanging="420"/></w:pPr></w:lvl>"#,
            420 * (l + 1)
        ));
    }
    s.push_str("</w:abstractNum>");
    s.push_str(
        r#"<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>"#,
    );
    for l in 0..9 {
        let (fmt, text) = match l % 3 {
            0 => ("decimal", format!("%{}.", l + 1)),
            1 => ("decimal", format!("(%{})", l + 1)),
            _ => ("decimalEnclosedCircle", format!("%{}", l + 1)),
        };
        s.push_str(&format!(
            r#"<w:lvl w:ilvl="{l}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{}" w:hanging="420"/></w:pPr></w:lvl>"#,
            420 * (l + 1)
        ));
    }
    s.push_str("</w:abstractNum>");
    s.push_str(&format!(
        r#"<w:num w:numId="{BULLET_NUM}"><w:abstractNumId w:val="0"/></w:num>"#
    ));
    for k in 1..=ordered_lists {
        s.push_str(&format!(
            r#"<w:num w:numId="{}"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#,
            BULLET_NUM + k
        ));
    }
    s.push_str("</w:numbering>");
    s
}

fn run_xml(run: &Run, link: bool, out: &mut String) {
    match run {
        Run::Text(t, f) => {
            out.push_str("<w:r>");
            let mut rpr = String::new();
            if link {
                rpr.push_str(r#"<w:rStyle w:val="Hyperlink"/>"#);
            }
            if f.code {
                rpr.push_str(r#"<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/>"#);
            }
            if f.b {
                rpr.push_str("<w:b/><w:bCs/>");
            }
            if f.i {
                rpr.push_str("<w:i/><w:iCs/>");
            }
            if f.s {
                rpr.push_str("<w:strike/>");
            }
            if f.u {
                rpr.push_str(r#"<w:u w:val="single"/>"#);
            }
            if f.sup {
                rpr.push_str(r#"<w:vertAlign w:val="superscript"/>"#);
            } else if f.sub {
                rpr.push_str(r#"<w:vertAlign w:val="subscript"/>"#);
            }
            if !rpr.is_empty() {
                out.push_str("<w:rPr>");
                out.push_str(&rpr);
                out.push_str("</w:rPr>");
            }
            out.push_str(r#"<w:t xml:space="preserve">"#);
            out.push_str(&esc(t));
            out.push_str("</w:t></w:r>");
        }
        Run::Break => out.push_str("<w:r><w:br/></w:r>"),
        Run::Image {
            rid,
            cx,
            cy,
            alt,
            id,
        } => {
            out.push_str(&format!(
                r#"<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{id}" name="图片 {id}" descr="{alt}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{id}" name="图片 {id}" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#,
                alt = esc(alt)
            ));
        }
    }
}

fn para_xml(p: &Para, out: &mut String) {
    out.push_str("<w:p>");
    let mut ppr = String::new();
    if let Some(s) = p.style {
        ppr.push_str(&format!(r#"<w:pStyle w:val="{s}"/>"#));
    }
    if p.page_break {
        ppr.push_str("<w:pageBreakBefore/>");
    }
    if let Some((num, lvl)) = p.num {
        ppr.push_str(&format!(
            r#"<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr>"#
        ));
    }
    if let Some(ind) = p.indent {
        ppr.push_str(&format!(r#"<w:ind w:left="{ind}"/>"#));
    }
    if p.center {
        ppr.push_str(r#"<w:jc w:val="center"/>"#);
    }
    if !ppr.is_empty() {
        out.push_str("<w:pPr>");
        out.push_str(&ppr);
        out.push_str("</w:pPr>");
    }
    for b in &p.bookmarks {
        out.push_str(&format!(
            r#"<w:bookmarkStart w:id="{0}" w:name="{1}"/><w:bookmarkEnd w:id="{0}"/>"#,
            b.trim_start_matches("zk"),
            esc(b)
        ));
    }
    for i in &p.inlines {
        match i {
            Inline::Run(r) => run_xml(r, false, out),
            Inline::Link { rid, anchor, runs } => {
                match (rid, anchor) {
                    (Some(r), _) => out.push_str(&format!(r#"<w:hyperlink r:id="{r}">"#)),
                    (None, Some(a)) => {
                        out.push_str(&format!(r#"<w:hyperlink w:anchor="{}">"#, esc(a)))
                    }
                    _ => out.push_str("<w:hyperlink>"),
                }
                for r in runs {
                    run_xml(r, true, out);
                }
                out.push_str("</w:hyperlink>");
            }
        }
    }
    out.push_str("</w:p>");
}

/// Text width of an A4 page with the margins below, in twips.
const TEXT_WIDTH: usize = 11906 - 2 * 1588;

fn table_xml(rows: &[Vec<Cell>], out: &mut String) {
    let cols = rows
        .iter()
        .map(|r| r.iter().map(|c| c.span).sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    // Columns as wide as their longest cell text asks (within limits), filling the page.
    let mut want = vec![4usize; cols];
    for row in rows {
        let mut c = 0;
        for cell in row {
            let len: usize = cell
                .paras
                .iter()
                .map(|p| {
                    p.inlines
                        .iter()
                        .map(|i| match i {
                            Inline::Run(Run::Text(t, _)) => t.chars().count(),
                            Inline::Link { runs, .. } => runs
                                .iter()
                                .map(|r| match r {
                                    Run::Text(t, _) => t.chars().count(),
                                    _ => 0,
                                })
                                .sum(),
                            _ => 0,
                        })
                        .sum::<usize>()
                })
                .max()
                .unwrap_or(0);
            if cell.span == 1 && c < cols {
                want[c] = want[c].max(len.min(24));
            }
            c += cell.span;
        }
    }
    let total: usize = want.iter().sum::<usize>().max(1);
    let widths: Vec<usize> = want.iter().map(|w| TEXT_WIDTH * w / total).collect();
    out.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>"#);
    for w in &widths {
        out.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#));
    }
    out.push_str("</w:tblGrid>");
    for (r, row) in rows.iter().enumerate() {
        out.push_str("<w:tr>");
        let header = r == 0 && row.iter().all(|c| c.header || c.paras.is_empty());
        if header {
            out.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        }
        let mut used = 0;
        for c in row {
            let w: usize = widths.iter().skip(used).take(c.span).sum();
            out.push_str("<w:tc><w:tcPr>");
            out.push_str(&format!(r#"<w:tcW w:w="{w}" w:type="dxa"/>"#));
            if c.span > 1 {
                out.push_str(&format!(r#"<w:gridSpan w:val="{}"/>"#, c.span));
            }
            match c.vmerge {
                Some(true) => out.push_str(r#"<w:vMerge w:val="restart"/>"#),
                Some(false) => out.push_str("<w:vMerge/>"),
                None => {}
            }
            out.push_str("</w:tcPr>");
            if c.paras.is_empty() {
                out.push_str("<w:p/>");
            }
            for p in &c.paras {
                para_xml(p, out);
            }
            out.push_str("</w:tc>");
            used += c.span;
        }
        // Every row spans the whole grid.
        for w in widths.iter().skip(used) {
            out.push_str(&format!(
                r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p/></w:tc>"#
            ));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;

impl Doc {
    fn document_xml(&self) -> String {
        let mut out = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NS}><w:body>"#
        );
        let mut prev_table = false;
        for b in &self.blocks {
            match b {
                Block::Para(p) => {
                    para_xml(p, &mut out);
                    prev_table = false;
                }
                Block::Table(t) => {
                    if prev_table {
                        out.push_str("<w:p/>");
                    }
                    table_xml(t, &mut out);
                    prev_table = true;
                }
            }
        }
        if prev_table || self.blocks.is_empty() {
            out.push_str("<w:p/>");
        }
        out.push_str(r#"<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1588" w:bottom="1440" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="312"/></w:sectPr></w:body></w:document>"#);
        out
    }

    /// The .docx bytes.
    fn package(&mut self, title: &str, site_title: &str) -> Result<Vec<u8>, String> {
        let mut rels = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
        );
        for (id, kind, target, external) in &self.rels {
            rels.push_str(&format!(
                r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{}"{}/>"#,
                esc(target),
                if *external { r#" TargetMode="External""# } else { "" }
            ));
        }
        rels.push_str("</Relationships>");
        let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="gif" ContentType="image/gif"/><Default Extension="bmp" ContentType="image/bmp"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;
        let root_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;
        let core = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>"#,
            esc(title),
            esc(site_title)
        );
        let app = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>zhiku</Application></Properties>"#;
        let settings = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>"#;
        let font_table = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font><w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font><w:font w:name="楷体"><w:altName w:val="KaiTi"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font><w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font><w:font w:name="Arial"><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>"#;
        let footer = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr {NS}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>"#
        );
        let mut parts: Vec<(String, Vec<u8>)> = vec![
            (
                "[Content_Types].xml".into(),
                content_types.as_bytes().to_vec(),
            ),
            ("_rels/.rels".into(), root_rels.as_bytes().to_vec()),
            ("docProps/core.xml".into(), core.into_bytes()),
            ("docProps/app.xml".into(), app.as_bytes().to_vec()),
            ("word/document.xml".into(), self.document_xml().into_bytes()),
            ("word/styles.xml".into(), styles_xml().into_bytes()),
            (
                "word/numbering.xml".into(),
                numbering_xml(self.ordered_lists).into_bytes(),
            ),
            ("word/settings.xml".into(), settings.as_bytes().to_vec()),
            ("word/fontTable.xml".into(), font_table.as_bytes().to_vec()),
            ("word/footer1.xml".into(), footer.into_bytes()),
            ("word/_rels/document.xml.rels".into(), rels.into_bytes()),
        ];
        for (name, bytes) in &self.media {
            parts.push((format!("word/media/{name}"), bytes.clone()));
        }
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        for (name, bytes) in parts {
            zip.start_file(name, options).map_err(|e| e.to_string())?;
            zip.write_all(&bytes).map_err(|e| e.to_string())?;
        }
        let cursor = zip.finish().map_err(|e| e.to_string())?;
        Ok(cursor.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_to_blocks() {
        let ctx = UrlContext {
            base_path: "/".into(),
            page_dir: "courses/m/print/".into(),
            base_url: "/".into(),
        };
        let html = "<html><body><main><header><h1>模块</h1><p class=\"lead\">说明</p></header>\
            <article id=\"a\"><h1>1. 第一课</h1><div><h2 id=\"x\">学习目标</h2><ul><li>一</li><li>二<ol><li>甲</li></ol></li></ul>\
            <table><thead><tr><th>课次</th><th>学时</th></tr></thead><tbody><tr><td colspan=\"2\">合</td></tr></tbody></table></div></article>\
            <article><h1>2. 第二课</h1><p>正文<strong>加粗</strong></p></article></main></body></html>";
        let doc = convert_html(html, &ctx, &BTreeMap::new());
        let styles: Vec<Option<&str>> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some(p.style),
                _ => None,
            })
            .collect();
        assert_eq!(styles[0], Some("Title"));
        assert_eq!(styles[1], Some("Subtitle"));
        assert!(styles.contains(&Some("Heading2")));
        let breaks: Vec<bool> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) if p.style == Some("Heading1") => Some(p.page_break),
                _ => None,
            })
            .collect();
        assert_eq!(breaks, vec![true, true]);
        assert_eq!(doc.tables, 1);
        assert_eq!(doc.ordered_lists, 1);
    }

    #[test]
    fn image_sizes() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(640u32.to_be_bytes());
        png.extend(480u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((640, 480)));
    }
}
