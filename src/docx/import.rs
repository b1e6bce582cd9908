//! One .docx → one Markdown page: front matter from the document, the body as Markdown, the
//! images for its page bundle, and a note for everything that could not be converted.
//!
//! The document is read in two passes. The first walks `word/document.xml` in order and turns
//! every paragraph into a list of [`Span`]s (text with bold/italic/underline/strikethrough, a
//! link, an image or a note reference), with what its style and Word numbering say about it;
//! fields, tracked changes, text boxes and the like are handled or reported on the way. The
//! second pass decides what each paragraph is: the title, a 署名 or date line, a heading (from
//! its style, or from Chinese numbering written as text or made by Word), a list item or a
//! paragraph, and writes the Markdown.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::ooxml::{Element, OpenError, Package, Rel, MAX_PART};
use crate::cjk::is_cjk;
use crate::slug::{heading_id, UniqueIds};

/// Something the import could not carry over as it was, with where it was in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// `paragraph 12 (“孝义市把激活…”)`, `table 2, row 3`, `footnote 1`; empty for the whole
    /// document.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

/// A converted document.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    pub title: String,
    /// The whole page: front matter and body.
    pub markdown: String,
    /// Images for the page bundle: file name → bytes.
    pub images: Vec<(String, Vec<u8>)>,
    pub notes: Vec<Note>,
    /// Counts for the progress line.
    pub headings: usize,
    pub tables: usize,
    pub footnotes: usize,
}

/// Convert the .docx `bytes`; `file_name` is the document's file name (for the title when
/// the document has none, and to name what a wrong file really is).
pub fn convert(bytes: Vec<u8>, file_name: &str) -> Result<Converted, OpenError> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mut pkg = Package::open(bytes, &ext)?;
    let stem = file_name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(file_name)
        .to_string();
    convert_package(&mut pkg, &stem)
}

fn corrupt(msg: String) -> OpenError {
    OpenError {
        message: format!("the file is damaged: {msg}"),
        help: "open it in Word or WPS (which can often repair it), save it as .docx again and \
               import the new copy"
            .into(),
    }
}

fn convert_package(pkg: &mut Package, stem: &str) -> Result<Converted, OpenError> {
    let main = pkg.main.clone();
    let doc = pkg
        .xml(&main)
        .map_err(corrupt)?
        .ok_or_else(|| corrupt(format!("{main} is missing")))?;
    let rels: Vec<Rel> = pkg.rels(&main).map_err(corrupt)?;
    let part_of = |kind: &str| -> Option<String> {
        rels.iter()
            .find(|r| r.kind == kind && !r.external)
            .map(|r| r.target.clone())
    };
    // Optional parts: a broken one is reported, not fatal.
    let mut notes = Vec::new();
    let mut optional = |pkg: &mut Package, kind: &str| -> Option<Element> {
        let name = part_of(kind)?;
        match pkg.xml(&name) {
            Ok(e) => e,
            Err(e) => {
                notes.push(Note {
                    location: String::new(),
                    message: format!("{e}; that part was left out"),
                });
                None
            }
        }
    };
    let styles = Styles::read(optional(pkg, "styles").as_ref());
    let numbering = Numbering::read(optional(pkg, "numbering").as_ref());
    let footnotes = note_map(optional(pkg, "footnotes").as_ref(), "w:footnote");
    let endnotes = note_map(optional(pkg, "endnotes").as_ref(), "w:endnote");
    let comments = comment_map(optional(pkg, "comments").as_ref());
    let core = pkg.xml("docProps/core.xml").ok().flatten();
    let body = doc
        .child("w:body")
        .ok_or_else(|| corrupt(format!("{main} has no body (w:body)")))?;

    let mut conv = Conv {
        pkg,
        rels: rels.iter().map(|r| (r.id.clone(), r.clone())).collect(),
        styles,
        numbering,
        footnotes,
        endnotes,
        comments,
        notes,
        images: Vec::new(),
        image_names: HashMap::new(),
        note_labels: HashMap::new(),
        note_defs: Vec::new(),
        fields: Vec::new(),
        paragraphs: 0,
        tables: 0,
        loc: String::new(),
        tracked: 0,
        tracked_first: String::new(),
        field_kinds: BTreeMap::new(),
        toc_reported: false,
        bookmarks: Vec::new(),
    };
    let items = conv.blocks(body, &Where::Body);
    conv.finish_fields();
    let mut out = conv.second_pass(items, core.as_ref(), stem);
    out.notes = std::mem::take(&mut conv.notes);
    out.images = std::mem::take(&mut conv.images);
    out.footnotes = conv.note_defs.len();
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Styles and numbering

#[derive(Debug, Clone, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, usize)>,
    fmt: FmtOpt,
}

/// Run properties as written: `None` = not said.
#[derive(Debug, Clone, Copy, Default)]
struct FmtOpt {
    b: Option<bool>,
    i: Option<bool>,
    u: Option<bool>,
    s: Option<bool>,
    hidden: Option<bool>,
}

fn on_off(e: &Element) -> bool {
    !matches!(
        e.attr("w:val"),
        Some("0" | "false" | "off" | "none" | "False" | "Off")
    )
}

impl FmtOpt {
    fn read(rpr: Option<&Element>) -> FmtOpt {
        let Some(rpr) = rpr else {
            return FmtOpt::default();
        };
        FmtOpt {
            b: rpr.child("w:b").map(on_off),
            i: rpr.child("w:i").map(on_off),
            u: rpr.child("w:u").map(on_off),
            s: rpr.child("w:strike").or(rpr.child("w:dstrike")).map(on_off),
            hidden: rpr.child("w:vanish").map(on_off),
        }
    }
    /// `self` over `base`.
    fn over(self, base: Fmt) -> Fmt {
        Fmt {
            b: self.b.unwrap_or(base.b),
            i: self.i.unwrap_or(base.i),
            u: self.u.unwrap_or(base.u),
            s: self.s.unwrap_or(base.s),
        }
    }
}

#[derive(Debug, Default)]
struct Styles {
    map: HashMap<String, Style>,
    default_para: Option<String>,
}

/// What a paragraph style makes of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Role {
    #[default]
    Body,
    Title,
    Subtitle,
    Heading(u8),
    Toc,
}

impl Styles {
    fn read(root: Option<&Element>) -> Styles {
        let mut s = Styles::default();
        let Some(root) = root else {
            return s;
        };
        for st in root.elements().filter(|e| e.name == "w:style") {
            let Some(id) = st.attr("w:styleId") else {
                continue;
            };
            let ppr = st.child("w:pPr");
            let style = Style {
                name: st.child_val("w:name").unwrap_or(id).trim().to_lowercase(),
                based_on: st.child_val("w:basedOn").map(str::to_string),
                outline: ppr
                    .and_then(|p| p.child_val("w:outlineLvl"))
                    .and_then(|v| v.parse().ok()),
                num: ppr.and_then(|p| p.child("w:numPr")).and_then(num_pr),
                fmt: FmtOpt::read(st.child("w:rPr")),
            };
            if st.attr("w:type") == Some("paragraph")
                && st
                    .attr("w:default")
                    .is_some_and(|d| d == "1" || d == "true")
            {
                s.default_para = Some(id.to_string());
            }
            s.map.insert(id.to_string(), style);
        }
        s
    }

    /// The chain of styles from `id` up its `basedOn` (at most 16 deep, cycles cut).
    fn chain(&self, id: Option<&str>) -> Vec<&Style> {
        let mut out = Vec::new();
        let mut cur = id.map(str::to_string).or(self.default_para.clone());
        let mut seen = HashSet::new();
        while let Some(c) = cur {
            if !seen.insert(c.clone()) || out.len() > 16 {
                break;
            }
            let Some(st) = self.map.get(&c) else {
                break;
            };
            out.push(st);
            cur = st.based_on.clone();
        }
        out
    }

    fn role(&self, id: Option<&str>) -> Role {
        let chain = self.chain(id);
        for st in &chain {
            if let Some(r) = role_of_name(&st.name) {
                return r;
            }
        }
        for st in &chain {
            if let Some(lvl) = st.outline {
                if lvl < 9 {
                    return Role::Heading(lvl + 1);
                }
                return Role::Body;
            }
        }
        Role::Body
    }

    fn num(&self, id: Option<&str>) -> Option<(String, usize)> {
        self.chain(id).iter().find_map(|s| s.num.clone())
    }

    fn fmt(&self, id: Option<&str>) -> Fmt {
        let chain = self.chain(id);
        let mut f = Fmt::default();
        for st in chain.iter().rev() {
            f = st.fmt.over(f);
        }
        f
    }

    fn hidden(&self, id: Option<&str>) -> bool {
        self.chain(id)
            .iter()
            .find_map(|s| s.fmt.hidden)
            .unwrap_or(false)
    }
}

/// The role of a style from its name (English names as Word and LibreOffice write them, and
/// the Chinese names WPS writes).
fn role_of_name(name: &str) -> Option<Role> {
    let n = name.trim();
    match n {
        "title" | "标题" => return Some(Role::Title),
        "subtitle" | "副标题" => return Some(Role::Subtitle),
        _ => {}
    }
    for (prefix, toc) in [
        ("heading", false),
        ("标题", false),
        ("toc", true),
        ("目录", true),
        ("contents", true),
    ] {
        if let Some(rest) = n.strip_prefix(prefix) {
            if let Ok(level) = rest.trim().parse::<u8>() {
                if (1..=9).contains(&level) {
                    return Some(if toc { Role::Toc } else { Role::Heading(level) });
                }
            }
        }
    }
    if n == "toc heading" || n == "contents heading" || n == "目录标题" {
        return Some(Role::Toc);
    }
    None
}

fn num_pr(e: &Element) -> Option<(String, usize)> {
    let id = e.child_val("w:numId")?.to_string();
    let lvl = e
        .child_val("w:ilvl")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0usize)
        .min(8);
    Some((id, lvl))
}

#[derive(Debug, Clone, Default)]
struct Level {
    fmt: String,
    text: String,
    start: u32,
}

#[derive(Debug, Default)]
struct Numbering {
    /// numId → (abstract id, start overrides by level).
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
    abstracts: HashMap<String, Vec<Level>>,
    counters: HashMap<String, [u32; 9]>,
}

impl Numbering {
    fn read(root: Option<&Element>) -> Numbering {
        let mut n = Numbering::default();
        let Some(root) = root else {
            return n;
        };
        for a in root.elements().filter(|e| e.name == "w:abstractNum") {
            let Some(id) = a.attr("w:abstractNumId") else {
                continue;
            };
            let mut levels = vec![Level::default(); 9];
            for l in a.elements().filter(|e| e.name == "w:lvl") {
                let Some(i) = l.attr("w:ilvl").and_then(|v| v.parse::<usize>().ok()) else {
                    continue;
                };
                if i < 9 {
                    levels[i] = Level {
                        fmt: l.child_val("w:numFmt").unwrap_or("decimal").to_string(),
                        text: l.child_val("w:lvlText").unwrap_or("").to_string(),
                        start: l
                            .child_val("w:start")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1),
                    };
                }
            }
            n.abstracts.insert(id.to_string(), levels);
        }
        for num in root.elements().filter(|e| e.name == "w:num") {
            let (Some(id), Some(abs)) = (num.attr("w:numId"), num.child_val("w:abstractNumId"))
            else {
                continue;
            };
            let mut overrides = HashMap::new();
            for o in num.elements().filter(|e| e.name == "w:lvlOverride") {
                if let (Some(i), Some(s)) = (
                    o.attr("w:ilvl").and_then(|v| v.parse::<usize>().ok()),
                    o.child_val("w:startOverride")
                        .and_then(|v| v.parse::<u32>().ok()),
                ) {
                    overrides.insert(i, s);
                }
            }
            n.nums.insert(id.to_string(), (abs.to_string(), overrides));
        }
        n
    }

    fn level(&self, num: &str, ilvl: usize) -> Option<&Level> {
        let (abs, _) = self.nums.get(num)?;
        self.abstracts.get(abs)?.get(ilvl)
    }

    /// Count one more item at `ilvl` of list `num`; returns its number.
    fn next(&mut self, num: &str, ilvl: usize) -> u32 {
        let starts: Vec<u32> = (0..9)
            .map(|l| {
                let over = self.nums.get(num).and_then(|(_, o)| o.get(&l).copied());
                over.or_else(|| self.level(num, l).map(|lv| lv.start))
                    .unwrap_or(1)
            })
            .collect();
        let c = self.counters.entry(num.to_string()).or_insert([0; 9]);
        c[ilvl] = if c[ilvl] == 0 {
            starts[ilvl]
        } else {
            c[ilvl] + 1
        };
        for (l, slot) in c.iter_mut().enumerate().skip(ilvl + 1) {
            *slot = 0;
            let _ = l;
        }
        c[ilvl]
    }
}

/// How Word numbers a paragraph.
#[derive(Debug, Clone)]
enum Numbered {
    /// A bullet.
    Bullet,
    /// Arabic, Latin or Roman numbers: a Markdown ordered list.
    Ordered(u32),
    /// Chinese numbers: the text Word shows before the paragraph (`一、`, `（一）`), read like
    /// numbering typed as text.
    Chinese(String),
}

fn chinese_digit(n: u32) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 => {
            let tail = if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            };
            format!("{}十{tail}", D[(n / 10) as usize])
        }
        _ => n.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Spans and raw paragraphs

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Fmt {
    b: bool,
    i: bool,
    u: bool,
    s: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Url(String),
    /// A bookmark in the document.
    Anchor(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Text(String),
    /// A line break inside the paragraph (joined when written).
    Break,
    Image {
        file: String,
        alt: String,
    },
    /// A footnote or endnote reference: its label.
    NoteRef(String),
}

#[derive(Debug, Clone)]
struct Span {
    kind: Kind,
    fmt: Fmt,
    link: Option<Target>,
}

#[derive(Debug, Clone, Default)]
struct Para {
    spans: Vec<Span>,
    role: Role,
    numbered: Option<(Numbered, usize)>,
    /// Bookmarks that start in the paragraph.
    bookmarks: Vec<String>,
}

impl Para {
    fn text(&self) -> String {
        let mut s = String::new();
        for sp in &self.spans {
            if let Kind::Text(t) = &sp.kind {
                s.push_str(t);
            }
        }
        s
    }
    fn is_empty(&self) -> bool {
        self.spans.iter().all(|s| match &s.kind {
            Kind::Text(t) => t.trim().is_empty(),
            Kind::Break => true,
            _ => false,
        })
    }
    fn all_bold(&self) -> bool {
        let mut any = false;
        for s in &self.spans {
            if let Kind::Text(t) = &s.kind {
                if t.trim().is_empty() {
                    continue;
                }
                if !s.fmt.b {
                    return false;
                }
                any = true;
            }
        }
        any
    }
}

#[derive(Debug, Clone)]
enum Item {
    Para(Para),
    /// Rows of cells; each cell is its paragraphs.
    Table {
        rows: Vec<Vec<Vec<Para>>>,
        loc: String,
    },
}

/// Where a paragraph is, for locations and what may appear there.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Where {
    Body,
    Cell(usize, usize, usize),
    Note(String),
}

#[derive(Debug, Clone)]
struct Field {
    instr: String,
    in_result: bool,
    link: Option<Target>,
    toc: bool,
}

struct Conv<'p> {
    pkg: &'p mut Package,
    rels: HashMap<String, Rel>,
    styles: Styles,
    numbering: Numbering,
    footnotes: HashMap<String, Element>,
    endnotes: HashMap<String, Element>,
    comments: HashMap<String, (String, String)>,
    notes: Vec<Note>,
    images: Vec<(String, Vec<u8>)>,
    /// Image part → file name in the bundle.
    image_names: HashMap<String, String>,
    /// (is endnote, id) → label; label → the note's paragraphs.
    note_labels: HashMap<(bool, String), String>,
    note_defs: Vec<(String, Vec<Para>)>,
    fields: Vec<Field>,
    paragraphs: usize,
    tables: usize,
    loc: String,
    tracked: usize,
    tracked_first: String,
    field_kinds: BTreeMap<String, (usize, String)>,
    toc_reported: bool,
    bookmarks: Vec<String>,
}

impl<'p> Conv<'p> {
    fn note(&mut self, message: impl Into<String>) {
        let location = self.loc.clone();
        self.notes.push(Note {
            location,
            message: message.into(),
        });
    }

    fn finish_fields(&mut self) {
        if self.fields.iter().any(|f| f.toc) {
            self.notes.push(Note {
                location: String::new(),
                message: "the table of contents (目录) field is never closed, so everything \
                          after it was taken for the table of contents and left out; update or \
                          delete the table of contents in Word and import again"
                    .into(),
            });
        }
        if self.tracked > 0 {
            let first = self.tracked_first.clone();
            self.notes.push(Note {
                location: String::new(),
                message: format!(
                    "the document has {} tracked change(s) (修订); they were accepted: inserted \
                     text kept, deleted text left out (the first is at {first}). Check the page \
                     against the document if the changes were not meant to be final",
                    self.tracked
                ),
            });
        }
        for (kind, (count, first)) in std::mem::take(&mut self.field_kinds) {
            self.notes.push(Note {
                location: first,
                message: format!(
                    "{count} field(s) {kind} (域) kept as the text Word last showed; they will \
                     not update"
                ),
            });
        }
    }

    /// The block-level children of `parent` (body, cell, note, text box content).
    fn blocks(&mut self, parent: &Element, at: &Where) -> Vec<Item> {
        let mut out = Vec::new();
        for el in parent.elements() {
            self.block(el, at, &mut out);
        }
        out
    }

    fn block(&mut self, el: &Element, at: &Where, out: &mut Vec<Item>) {
        match el.name.as_str() {
            "w:p" => {
                if let Some(p) = self.paragraph(el, at) {
                    out.push(Item::Para(p));
                }
            }
            "w:tbl" => {
                if let Where::Body = at {
                    let t = self.table(el);
                    out.push(t);
                } else {
                    // A table inside a table cell or note: its text, flattened.
                    let loc = self.loc.clone();
                    self.notes.push(Note {
                        location: loc,
                        message: "a table inside a table cell was flattened into the cell's \
                                  text (Markdown tables cannot nest)"
                            .into(),
                    });
                    for tr in el.elements().filter(|e| e.name == "w:tr") {
                        for tc in tr.elements().filter(|e| e.name == "w:tc") {
                            for b in tc.elements() {
                                self.block(b, at, out);
                            }
                        }
                    }
                }
            }
            "w:sdt" => {
                let is_toc = el
                    .child("w:sdtPr")
                    .and_then(|p| p.find("w:docPartGallery"))
                    .and_then(|g| g.attr("w:val"))
                    .is_some_and(|v| v.to_lowercase().contains("table of contents"));
                if is_toc {
                    self.report_toc();
                    return;
                }
                if let Some(c) = el.child("w:sdtContent") {
                    for b in c.elements() {
                        self.block(b, at, out);
                    }
                }
            }
            "w:customXml" | "w:ins" | "w:moveTo" => {
                if el.name != "w:customXml" {
                    self.tracked_change();
                }
                for b in el.elements() {
                    self.block(b, at, out);
                }
            }
            "w:del" | "w:moveFrom" => self.tracked_change(),
            "w:altChunk" => {
                self.note(
                    "an embedded document (altChunk) was left out; paste its text into the \
                     document instead",
                );
            }
            "mc:AlternateContent" => {
                if let Some(c) = choose(el) {
                    for b in c.elements() {
                        self.block(b, at, out);
                    }
                }
            }
            _ => {}
        }
    }

    fn report_toc(&mut self) {
        if !self.toc_reported {
            self.toc_reported = true;
            self.notes.push(Note {
                location: String::new(),
                message: "the table of contents (目录) was left out: the site makes its own \
                          from the headings"
                    .into(),
            });
        }
    }

    fn tracked_change(&mut self) {
        if self.tracked == 0 {
            self.tracked_first = if self.loc.is_empty() {
                "the start".into()
            } else {
                self.loc.clone()
            };
        }
        self.tracked += 1;
    }

    fn paragraph(&mut self, p: &Element, at: &Where) -> Option<Para> {
        let ppr = p.child("w:pPr");
        let style = ppr
            .and_then(|x| x.child_val("w:pStyle"))
            .map(str::to_string);
        let style = style.as_deref();
        if let Where::Body = at {
            self.paragraphs += 1;
            let snippet: String = visible_text(p).trim().chars().take(14).collect();
            self.loc = if snippet.is_empty() {
                format!("paragraph {}", self.paragraphs)
            } else {
                format!("paragraph {} (“{snippet}…”)", self.paragraphs)
            };
        }
        let mut role = self.styles.role(style);
        if let Some(lvl) = ppr
            .and_then(|x| x.child_val("w:outlineLvl"))
            .and_then(|v| v.parse::<u8>().ok())
        {
            if lvl < 9 && role == Role::Body {
                role = Role::Heading(lvl + 1);
            }
        }
        let num = ppr
            .and_then(|x| x.child("w:numPr"))
            .and_then(num_pr)
            .or_else(|| self.styles.num(style))
            .filter(|(id, _)| id != "0");
        let base = self.styles.fmt(style);
        let in_toc_before = self.fields.iter().any(|f| f.toc);
        let mut spans = Vec::new();
        self.bookmarks.clear();
        self.inlines(p, base, None, &mut spans, at);
        let in_toc_after = self.fields.iter().any(|f| f.toc);
        // A field whose instruction never reached its result by the paragraph's end is
        // broken: dropping it keeps it from hiding the rest of the document.
        self.fields.retain(|f| f.in_result);
        if role == Role::Toc || in_toc_before || in_toc_after {
            self.report_toc();
            return None;
        }
        if self.styles.hidden(style) {
            return None;
        }
        let numbered = num.and_then(|(id, ilvl)| {
            let level = self.numbering.level(&id, ilvl)?.clone();
            let n = self.numbering.next(&id, ilvl);
            let kind = match level.fmt.as_str() {
                "bullet" => Numbered::Bullet,
                "none" => return None,
                f if f.starts_with("chinese")
                    || f.starts_with("ideograph")
                    || f.starts_with("japanese")
                    || f.starts_with("taiwanese")
                    || f.starts_with("korean") =>
                {
                    let shown = level
                        .text
                        .replace(&format!("%{}", ilvl + 1), &chinese_digit(n));
                    Numbered::Chinese(shown)
                }
                _ => Numbered::Ordered(n),
            };
            Some((kind, ilvl))
        });
        let para = Para {
            spans,
            role,
            numbered,
            bookmarks: std::mem::take(&mut self.bookmarks),
        };
        Some(para)
    }

    fn table(&mut self, tbl: &Element) -> Item {
        self.tables += 1;
        let t = self.tables;
        let saved = self.loc.clone();
        let loc = format!("table {t}");
        let mut rows = Vec::new();
        let mut merged = false;
        for (r, tr) in tbl.elements().filter(|e| e.name == "w:tr").enumerate() {
            let mut cells = Vec::new();
            for (c, tc) in tr.elements().filter(|e| e.name == "w:tc").enumerate() {
                let tcpr = tc.child("w:tcPr");
                let span: usize = tcpr
                    .and_then(|p| p.child_val("w:gridSpan"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let vcont = tcpr
                    .and_then(|p| p.child("w:vMerge"))
                    .is_some_and(|v| v.attr("w:val") != Some("restart"));
                let vstart = tcpr
                    .and_then(|p| p.child("w:vMerge"))
                    .is_some_and(|v| v.attr("w:val") == Some("restart"));
                let hmerge = tcpr.and_then(|p| p.child("w:hMerge")).is_some();
                if span > 1 || vcont || vstart || hmerge {
                    merged = true;
                }
                let at = Where::Cell(t, r + 1, c + 1);
                self.loc = format!("table {t}, row {}, column {}", r + 1, c + 1);
                let mut paras = Vec::new();
                if !vcont {
                    for item in self.blocks(tc, &at) {
                        if let Item::Para(p) = item {
                            paras.push(p);
                        }
                    }
                }
                cells.push(paras);
                for _ in 1..span {
                    cells.push(Vec::new());
                }
            }
            rows.push(cells);
        }
        self.loc = saved;
        if merged {
            self.notes.push(Note {
                location: loc.clone(),
                message: "merged cells were split: the text is in the first of the merged cells \
                          and the others are empty (Markdown tables have no merged cells)"
                    .into(),
            });
        }
        Item::Table { rows, loc }
    }

    /// Collect the spans of `el`'s inline children.
    fn inlines(
        &mut self,
        el: &Element,
        base: Fmt,
        link: Option<&Target>,
        out: &mut Vec<Span>,
        at: &Where,
    ) {
        for c in el.elements() {
            match c.name.as_str() {
                "w:r" => self.run(c, base, link, out, at),
                "w:hyperlink" => {
                    let target = if let Some(id) = c.attr("r:id") {
                        self.rels.get(id).map(|r| Target::Url(r.target.clone()))
                    } else {
                        c.attr("w:anchor").map(|a| Target::Anchor(a.to_string()))
                    };
                    let target = target.or_else(|| link.cloned());
                    self.inlines(c, base, target.as_ref(), out, at);
                }
                "w:ins" | "w:moveTo" => {
                    self.tracked_change();
                    self.inlines(c, base, link, out, at);
                }
                "w:del" | "w:moveFrom" => self.tracked_change(),
                "w:fldSimple" => {
                    let instr = c.attr("w:instr").unwrap_or("").trim().to_string();
                    let target = hyperlink_field(&instr);
                    if target.is_none() {
                        self.field_kind(&instr);
                    }
                    let l = target.as_ref().or(link);
                    self.inlines(c, base, l, out, at);
                }
                "w:smartTag" | "w:customXml" | "w:dir" | "w:bdo" => {
                    self.inlines(c, base, link, out, at)
                }
                "w:sdt" => {
                    if let Some(content) = c.child("w:sdtContent") {
                        self.inlines(content, base, link, out, at);
                    }
                }
                "w:bookmarkStart" => {
                    if let Some(n) = c.attr("w:name") {
                        if n != "_GoBack" {
                            self.bookmarks.push(n.to_string());
                        }
                    }
                }
                "m:oMath" | "m:oMathPara" => {
                    let text: String = c.text().chars().take(40).collect();
                    self.note(format!(
                        "an equation (公式) was left out: “{text}”; add it as an image or as text"
                    ));
                }
                "mc:AlternateContent" => {
                    if let Some(ch) = choose(c) {
                        self.inlines(ch, base, link, out, at);
                    }
                }
                _ => {}
            }
        }
    }

    fn field_kind(&mut self, instr: &str) {
        let kind = instr
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        if kind.is_empty() {
            return;
        }
        let loc = self.loc.clone();
        let e = self.field_kinds.entry(kind).or_insert((0, loc));
        e.0 += 1;
    }

    /// Is output suppressed by a field (its instruction part, or a table of contents)?
    fn field_hides(&self) -> bool {
        self.fields.iter().any(|f| !f.in_result || f.toc)
    }

    fn field_link(&self) -> Option<Target> {
        self.fields.iter().rev().find_map(|f| f.link.clone())
    }

    fn run(
        &mut self,
        r: &Element,
        base: Fmt,
        link: Option<&Target>,
        out: &mut Vec<Span>,
        at: &Where,
    ) {
        let rpr = r.child("w:rPr");
        let rstyle = rpr
            .and_then(|x| x.child_val("w:rStyle"))
            .map(str::to_string);
        let mut fmt = base;
        if let Some(rs) = &rstyle {
            let chain = self.styles.chain(Some(rs));
            for st in chain.iter().rev() {
                fmt = st.fmt.over(fmt);
            }
        }
        let direct = FmtOpt::read(rpr);
        fmt = direct.over(fmt);
        let hidden = direct.hidden.unwrap_or(false)
            || rstyle
                .as_deref()
                .is_some_and(|s| self.styles.hidden(Some(s)));
        for c in r.elements() {
            // Fields first: they change what the rest of the run means.
            match c.name.as_str() {
                "w:fldChar" => {
                    match c.attr("w:fldCharType") {
                        Some("begin") => self.fields.push(Field {
                            instr: String::new(),
                            in_result: false,
                            link: None,
                            toc: false,
                        }),
                        Some("separate") => {
                            if let Some(f) = self.fields.last_mut() {
                                f.in_result = true;
                                let instr = f.instr.trim().to_string();
                                f.link = hyperlink_field(&instr);
                                f.toc = instr.to_ascii_uppercase().starts_with("TOC");
                                if f.link.is_none() && !f.toc {
                                    self.field_kind(&instr);
                                }
                            }
                        }
                        Some("end") => {
                            if let Some(f) = self.fields.pop() {
                                if !f.in_result {
                                    // A field with no result shown (e.g. a bare XE entry).
                                    let instr = f.instr.trim().to_string();
                                    if !instr.to_ascii_uppercase().starts_with("XE")
                                        && !instr.to_ascii_uppercase().starts_with("TC")
                                    {
                                        self.field_kind(&instr);
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                "w:instrText" => {
                    if let Some(f) = self.fields.last_mut() {
                        if !f.in_result {
                            f.instr.push_str(&c.own_text());
                        }
                    }
                    continue;
                }
                _ => {}
            }
            if self.field_hides() {
                continue;
            }
            let flink = self.field_link();
            let link = flink.as_ref().or(link).cloned();
            let push = |out: &mut Vec<Span>, kind: Kind| {
                out.push(Span {
                    kind,
                    fmt,
                    link: link.clone(),
                })
            };
            match c.name.as_str() {
                "w:t" => {
                    if hidden {
                        let t: String = c.own_text().chars().take(30).collect();
                        if !t.trim().is_empty() {
                            self.note(format!("hidden text (隐藏文字) was left out: “{t}”"));
                        }
                        continue;
                    }
                    push(out, Kind::Text(c.own_text()));
                }
                "w:tab" | "w:ptab" => push(out, Kind::Text(" ".into())),
                "w:br" | "w:cr" if !matches!(c.attr("w:type"), Some("page" | "column")) => {
                    push(out, Kind::Break)
                }
                "w:noBreakHyphen" => push(out, Kind::Text("-".into())),
                "w:sym" => {
                    let ch = c
                        .attr("w:char")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32);
                    match ch {
                        Some(ch) if !('\u{E000}'..='\u{F8FF}').contains(&ch) => {
                            push(out, Kind::Text(ch.to_string()))
                        }
                        _ => {
                            let font = c.attr("w:font").unwrap_or("?").to_string();
                            self.note(format!(
                                "a symbol from the font {font} was left out (it has no Unicode \
                                 character); type the character instead"
                            ));
                        }
                    }
                }
                "w:drawing" => self.drawing(c, out, &fmt, at),
                "w:pict" => self.pict(c, out, &fmt),
                "w:object" => {
                    self.note(
                        "an embedded object (OLE, e.g. a spreadsheet or diagram) was left out; \
                         paste it as a picture or a table instead",
                    );
                }
                "w:footnoteReference" | "w:endnoteReference" => {
                    let end = c.name == "w:endnoteReference";
                    if let Some(id) = c.attr("w:id") {
                        if let Some(label) = self.note_ref(end, id) {
                            push(out, Kind::NoteRef(label));
                        }
                    }
                }
                "w:commentReference" => {
                    if let Some(id) = c.attr("w:id") {
                        let (author, text) = self
                            .comments
                            .get(id)
                            .cloned()
                            .unwrap_or_else(|| (String::new(), String::new()));
                        let by = if author.is_empty() {
                            String::new()
                        } else {
                            format!(" by {author}")
                        };
                        let text: String = text.chars().take(60).collect();
                        self.note(format!("a comment (批注){by} was left out: “{text}”"));
                    }
                }
                "mc:AlternateContent" => {
                    if let Some(ch) = choose(c) {
                        let mut wrapper = r.clone();
                        wrapper.children = ch.children.clone();
                        self.run(&wrapper, base, link.as_ref(), out, at);
                    }
                }
                "w:ruby" => {
                    if let Some(b) = c.child("w:rubyBase") {
                        self.inlines(b, fmt, link.as_ref(), out, at);
                    }
                }
                _ => {}
            }
        }
    }

    /// The label of a footnote (`end` false) or endnote, converting the note the first time.
    fn note_ref(&mut self, end: bool, id: &str) -> Option<String> {
        if let Some(l) = self.note_labels.get(&(end, id.to_string())) {
            return Some(l.clone());
        }
        let el = if end {
            self.endnotes.get(id).cloned()
        } else {
            self.footnotes.get(id).cloned()
        };
        let Some(el) = el else {
            self.note(format!(
                "a {} reference points to a note the document does not have",
                if end { "endnote" } else { "footnote" }
            ));
            return None;
        };
        let label = (self.note_defs.len() + 1).to_string();
        self.note_labels
            .insert((end, id.to_string()), label.clone());
        let saved_loc = std::mem::replace(&mut self.loc, format!("footnote {label}"));
        let saved_fields = std::mem::take(&mut self.fields);
        let saved_marks = std::mem::take(&mut self.bookmarks);
        // Reserve the slot so notes inside notes number after this one.
        self.note_defs.push((label.clone(), Vec::new()));
        let slot = self.note_defs.len() - 1;
        let items = self.blocks(&el, &Where::Note(label.clone()));
        let mut paras = Vec::new();
        for it in items {
            match it {
                Item::Para(p) => paras.push(p),
                Item::Table { .. } => {}
            }
        }
        self.note_defs[slot].1 = paras;
        self.loc = saved_loc;
        self.fields = saved_fields;
        self.bookmarks = saved_marks;
        Some(label)
    }

    fn drawing(&mut self, d: &Element, out: &mut Vec<Span>, fmt: &Fmt, at: &Where) {
        for holder in d.elements() {
            let docpr = holder.child("wp:docPr");
            let alt = docpr
                .and_then(|p| p.attr("descr").filter(|s| !s.trim().is_empty()))
                .or_else(|| docpr.and_then(|p| p.attr("title").filter(|s| !s.trim().is_empty())))
                .unwrap_or("")
                .trim()
                .to_string();
            let name = docpr.and_then(|p| p.attr("name")).unwrap_or("").to_string();
            let Some(gd) = holder.find("a:graphicData") else {
                continue;
            };
            let uri = gd.attr("uri").unwrap_or("");
            let pics = gd.find_all("pic:pic");
            if !pics.is_empty() {
                for pic in pics {
                    if let Some(blip) = pic.find("a:blip") {
                        self.image(blip.attr("r:embed"), blip.attr("r:link"), &alt, out, fmt);
                    }
                }
            } else if uri.ends_with("/chart") {
                self.note(format!(
                    "a chart (图表){} was left out; paste it as a picture, or put its numbers in \
                     a table",
                    named(&name)
                ));
            } else if uri.ends_with("/diagram") {
                let text = snippet(&gd.text());
                let said = if text.is_empty() {
                    String::new()
                } else {
                    format!("; its text was: “{text}”")
                };
                self.note(format!(
                    "a SmartArt graphic{} was left out{said}; paste it as a picture",
                    named(&name)
                ));
            } else if let Some(tx) = gd.find("w:txbxContent") {
                self.text_box(tx, at);
            } else {
                self.note(format!(
                    "a drawing or shape{} was left out; paste it as a picture",
                    named(&name)
                ));
            }
            // Text boxes inside a drawing group with pictures.
            if gd.find("pic:pic").is_some() {
                for tx in gd.find_all("w:txbxContent") {
                    self.text_box(tx, at);
                }
            }
        }
    }

    fn text_box(&mut self, tx: &Element, _at: &Where) {
        let text = tx.text();
        if text.trim().is_empty() {
            return;
        }
        self.note(format!(
            "a text box (文本框) was left out; its text was: “{}”. Move the text into the body \
             of the document if it belongs there",
            snippet(&text)
        ));
    }

    fn pict(&mut self, p: &Element, out: &mut Vec<Span>, fmt: &Fmt) {
        let shape = p.find("v:shape");
        let alt = shape
            .and_then(|s| s.attr("alt"))
            .or_else(|| p.find("v:imagedata").and_then(|i| i.attr("o:title")))
            .unwrap_or("")
            .trim()
            .to_string();
        if let Some(img) = p.find("v:imagedata") {
            let id = img.attr("r:id").or(img.attr("r:pict"));
            self.image(id, None, &alt, out, fmt);
        }
        if let Some(tx) = p.find("w:txbxContent") {
            self.text_box(tx, &Where::Body);
        } else if p.find("v:imagedata").is_none() {
            self.note("a drawing (VML shape) was left out; paste it as a picture");
        }
    }

    fn image(
        &mut self,
        embed: Option<&str>,
        linked: Option<&str>,
        alt: &str,
        out: &mut Vec<Span>,
        fmt: &Fmt,
    ) {
        let rel = embed.or(linked).and_then(|id| self.rels.get(id)).cloned();
        let Some(rel) = rel else {
            self.note("a picture whose image is missing from the file was left out");
            return;
        };
        if rel.external {
            self.note(format!(
                "a linked picture (not saved inside the document) was left out: {}; insert the \
                 picture itself (插入 → 图片) so the page works offline",
                rel.target
            ));
            return;
        }
        let file = if let Some(f) = self.image_names.get(&rel.target) {
            f.clone()
        } else {
            let bytes = match self.pkg.read(&rel.target, MAX_PART) {
                Ok(Some(b)) => b,
                Ok(None) => {
                    self.note(format!(
                        "a picture was left out: {} is missing from the file",
                        rel.target
                    ));
                    return;
                }
                Err(e) => {
                    self.note(format!("a picture was left out: {e}"));
                    return;
                }
            };
            let base = rel.target.rsplit('/').next().unwrap_or("image");
            let mut clean: String = base
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '.' || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            if clean.starts_with('.') || clean.is_empty() || clean == "index.md" {
                clean = format!("image{clean}");
            }
            let mut name = clean.clone();
            let mut n = 2;
            while self
                .images
                .iter()
                .any(|(f, _)| f.eq_ignore_ascii_case(&name))
            {
                name = match clean.rsplit_once('.') {
                    Some((s, e)) => format!("{s}-{n}.{e}"),
                    None => format!("{clean}-{n}"),
                };
                n += 1;
            }
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            if matches!(ext.as_str(), "emf" | "wmf" | "tif" | "tiff" | "wdp") {
                self.note(format!(
                    "the picture {name} is in {} format, which browsers do not show; save it as \
                     PNG or JPEG and replace the file in the page bundle",
                    ext.to_ascii_uppercase()
                ));
            }
            self.images.push((name.clone(), bytes));
            self.image_names.insert(rel.target.clone(), name.clone());
            name
        };
        if alt.is_empty() {
            self.note(format!(
                "the picture {file} has no description (alt text); write one in the page (the \
                 text between ![ and ]) so readers who cannot see it know what it shows"
            ));
        }
        out.push(Span {
            kind: Kind::Image {
                file,
                alt: alt.to_string(),
            },
            fmt: *fmt,
            link: None,
        });
    }
}

/// The text a reader sees in a paragraph: without text boxes, Word's fallback copies of
/// drawings and deleted text.
fn visible_text(p: &Element) -> String {
    let mut out = String::new();
    let mut stack: Vec<&Element> = vec![p];
    while let Some(e) = stack.pop() {
        match e.name.as_str() {
            "w:txbxContent" | "mc:Fallback" | "w:del" | "w:moveFrom" | "w:instrText" => continue,
            "w:t" => {
                out.push_str(&e.own_text());
                continue;
            }
            _ => {}
        }
        let kids: Vec<&Element> = e.elements().collect();
        stack.extend(kids.into_iter().rev());
    }
    out
}

fn named(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" (“{name}”)")
    }
}

fn snippet(s: &str) -> String {
    let t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = t.chars().take(60).collect();
    if t.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// The `mc:Choice` of an `mc:AlternateContent` (the fallback when there is none).
fn choose(e: &Element) -> Option<&Element> {
    e.child("mc:Choice").or_else(|| e.child("mc:Fallback"))
}

/// The target of a `HYPERLINK "url"` or `HYPERLINK \l "bookmark"` field.
fn hyperlink_field(instr: &str) -> Option<Target> {
    let rest = instr.trim();
    let rest = rest
        .strip_prefix("HYPERLINK")
        .or_else(|| rest.strip_prefix("hyperlink"))?;
    let mut anchor = false;
    let mut url = None;
    let mut it = rest.split('"');
    let mut outside = true;
    let mut pending = String::new();
    for part in it.by_ref() {
        if outside {
            pending = part.to_string();
            if part.contains("\\l") {
                anchor = true;
            }
        } else if url.is_none() && !pending.trim_end().ends_with("\\o") {
            url = Some(part.to_string());
        }
        outside = !outside;
    }
    let url = url.or_else(|| {
        rest.split_whitespace()
            .find(|w| !w.starts_with('\\'))
            .map(str::to_string)
    })?;
    Some(if anchor {
        Target::Anchor(url)
    } else {
        Target::Url(url)
    })
}

fn note_map(root: Option<&Element>, name: &str) -> HashMap<String, Element> {
    let mut m = HashMap::new();
    if let Some(root) = root {
        for n in root.elements().filter(|e| e.name == name) {
            if matches!(
                n.attr("w:type"),
                Some("separator" | "continuationSeparator" | "continuationNotice")
            ) {
                continue;
            }
            if let Some(id) = n.attr("w:id") {
                m.insert(id.to_string(), n.clone());
            }
        }
    }
    m
}

fn comment_map(root: Option<&Element>) -> HashMap<String, (String, String)> {
    let mut m = HashMap::new();
    if let Some(root) = root {
        for c in root.elements().filter(|e| e.name == "w:comment") {
            if let Some(id) = c.attr("w:id") {
                m.insert(
                    id.to_string(),
                    (
                        c.attr("w:author").unwrap_or("").to_string(),
                        c.text().trim().to_string(),
                    ),
                );
            }
        }
    }
    m
}

// ---------------------------------------------------------------------------------------
// Numbering written as text

/// Chinese numbering at the start of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// `一、`
    Han,
    /// `（一）` / `(一)`
    ParenHan,
    /// `1.` / `1、` / `1．` / `1）`
    Arabic,
    /// `（1）` / `(1)`
    ParenArabic,
    /// `1 ` (only together with dotted forms), `1.1 `, `1.1.1 `: the depth.
    Dotted(usize),
}

fn is_han_numeral(c: char) -> bool {
    "一二三四五六七八九十百零〇".contains(c)
}

/// The numbering marker at the start of `text` and its length in bytes (with the space after
/// it).
fn marker(text: &str) -> Option<(Marker, usize)> {
    let t = text;
    let chars: Vec<(usize, char)> = t.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let end_of = |i: usize| chars.get(i).map(|&(b, _)| b).unwrap_or(t.len());
    let skip_space = |mut i: usize| {
        while at(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        i
    };
    let first = at(0)?;
    if is_han_numeral(first) {
        let mut i = 0;
        while at(i).is_some_and(is_han_numeral) {
            i += 1;
        }
        if i <= 3 && matches!(at(i), Some('、' | '．' | '.')) {
            let j = skip_space(i + 1);
            return Some((Marker::Han, end_of(j)));
        }
        return None;
    }
    if first == '（' || first == '(' {
        let mut i = 1;
        let han = at(1).is_some_and(is_han_numeral);
        let digit = at(1).is_some_and(|c| c.is_ascii_digit());
        if !han && !digit {
            return None;
        }
        while at(i).is_some_and(|c| {
            if han {
                is_han_numeral(c)
            } else {
                c.is_ascii_digit()
            }
        }) {
            i += 1;
        }
        if i > 4 || !matches!(at(i), Some('）' | ')')) {
            return None;
        }
        let mut j = i + 1;
        if at(j) == Some('、') {
            j += 1;
        }
        let j = skip_space(j);
        let m = if han {
            Marker::ParenHan
        } else {
            Marker::ParenArabic
        };
        return Some((m, end_of(j)));
    }
    if first.is_ascii_digit() {
        let mut i = 0;
        let mut depth = 1;
        loop {
            let start = i;
            while at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            if i - start > 2 {
                return None;
            }
            if at(i) == Some('.') && at(i + 1).is_some_and(|c| c.is_ascii_digit()) {
                depth += 1;
                i += 1;
                continue;
            }
            break;
        }
        if depth > 1 {
            // `1.1 标题`: a space (or a Chinese character that is not a unit) after it.
            let next = at(i);
            let ok = match next {
                Some(c) if c.is_whitespace() => true,
                Some(c) => is_cjk(c) && !"万亿千百元个人次年月日倍%％‰、，。".contains(c),
                None => false,
            };
            if !ok {
                return None;
            }
            let j = skip_space(i);
            return Some((Marker::Dotted(depth), end_of(j)));
        }
        return match at(i) {
            Some('、' | '．' | '）' | ')') => Some((Marker::Arabic, end_of(skip_space(i + 1)))),
            Some('.') if !at(i + 1).is_some_and(|c| c.is_ascii_digit()) => {
                Some((Marker::Arabic, end_of(skip_space(i + 1))))
            }
            Some(c) if c.is_whitespace() && at(skip_space(i)).is_some_and(is_cjk) => {
                Some((Marker::Dotted(1), end_of(skip_space(i))))
            }
            _ => None,
        };
    }
    None
}

/// Text bullets authors type (`● 要点`).
fn text_bullet(text: &str) -> Option<usize> {
    let c = text.chars().next()?;
    if "●•▪◆◇➢►√·■".contains(c) {
        let rest = &text[c.len_utf8()..];
        let n = rest.len() - rest.trim_start().len();
        Some(c.len_utf8() + n)
    } else {
        None
    }
}

const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?'];
/// The longest heading made from a numbered paragraph, in characters.
const HEADING_MAX: usize = 40;

// ---------------------------------------------------------------------------------------
// Second pass: blocks and Markdown

#[derive(Debug, Clone)]
enum Block {
    Heading {
        level: u8,
        spans: Vec<Span>,
        bookmarks: Vec<String>,
    },
    Para(Vec<Span>),
    Item {
        ordered: Option<u32>,
        level: usize,
        spans: Vec<Span>,
    },
    Quote(Vec<Vec<Span>>),
    Table {
        rows: Vec<Vec<Vec<Para>>>,
    },
}

/// Drop the first `bytes` bytes of text from the spans (a numbering marker).
fn strip_prefix_bytes(spans: &mut Vec<Span>, mut bytes: usize) {
    let mut i = 0;
    while bytes > 0 && i < spans.len() {
        if let Kind::Text(t) = &mut spans[i].kind {
            if t.len() <= bytes {
                bytes -= t.len();
                t.clear();
            } else {
                let mut cut = bytes;
                while !t.is_char_boundary(cut) {
                    cut += 1;
                }
                *t = t[cut..].to_string();
                bytes = 0;
            }
        }
        i += 1;
    }
    spans.retain(|s| !matches!(&s.kind, Kind::Text(t) if t.is_empty()));
}

/// Split spans at byte offset `at` of their text.
fn split_spans(spans: &[Span], at: usize) -> (Vec<Span>, Vec<Span>) {
    let mut left = Vec::new();
    let mut right = Vec::new();
    let mut pos = 0;
    for s in spans {
        match &s.kind {
            Kind::Text(t) if pos < at && pos + t.len() > at => {
                let mut cut = at - pos;
                while !t.is_char_boundary(cut) {
                    cut += 1;
                }
                left.push(Span {
                    kind: Kind::Text(t[..cut].to_string()),
                    ..s.clone()
                });
                right.push(Span {
                    kind: Kind::Text(t[cut..].to_string()),
                    ..s.clone()
                });
                pos += t.len();
            }
            Kind::Text(t) => {
                if pos < at {
                    left.push(s.clone());
                } else {
                    right.push(s.clone());
                }
                pos += t.len();
            }
            _ => {
                if pos < at {
                    left.push(s.clone());
                } else {
                    right.push(s.clone());
                }
            }
        }
    }
    (left, right)
}

/// Trim whitespace (including the ideographic spaces of a first-line indent) at both ends.
fn trim_spans(spans: &mut Vec<Span>) {
    while let Some(first) = spans.first_mut() {
        match &mut first.kind {
            Kind::Text(t) => {
                let trimmed = t.trim_start().to_string();
                if trimmed.is_empty() {
                    spans.remove(0);
                } else {
                    *t = trimmed;
                    break;
                }
            }
            Kind::Break => {
                spans.remove(0);
            }
            _ => break,
        }
    }
    while let Some(last) = spans.last_mut() {
        match &mut last.kind {
            Kind::Text(t) => {
                let trimmed = t.trim_end().to_string();
                if trimmed.is_empty() {
                    spans.pop();
                } else {
                    *t = trimmed;
                    break;
                }
            }
            Kind::Break => {
                spans.pop();
            }
            _ => break,
        }
    }
}

/// Common surnames, for telling a 署名 line (`贾锡萍 王美婧`) from a short heading.
const SURNAMES: &str = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻\
柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅\
皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝\
闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣\
邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊惠甄曲家封芮储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷\
车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘厉戎祖武符刘景詹束龙叶幸司韶黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓\
蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳姬申扶堵冉宰郦雍桑桂濮牛寿通边扈燕冀浦尚农温别庄晏柴瞿阎充慕\
连茹习宦艾鱼容向古易慎戈廖庾终居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷\
訾辛阚那简饶空曾沙养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公岳帅缑亢况郈有琴归海晋楚闫法汝鄢涂钦\
商牟佘佴伯赏墨哈谯笪年爱阳佟言福";

fn is_person_name(s: &str) -> bool {
    let n = s.chars().count();
    (2..=4).contains(&n)
        && s.chars().all(crate::cjk::is_han)
        && s.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// A 署名 line: `□ 中共孝义市委常委、组织部长 张云鹏` → `张云鹏（中共孝义市委常委、组织部长）`;
/// `贾锡萍 王美婧` → `贾锡萍、王美婧`; `作者：张三`.
fn byline(text: &str) -> Option<String> {
    let t = text.trim();
    let t2 = t
        .strip_prefix("作者：")
        .or_else(|| t.strip_prefix("作者:"))
        .or_else(|| t.strip_prefix("文/"))
        .or_else(|| t.strip_prefix("文／"))
        .or_else(|| t.strip_prefix("文|"))
        .or_else(|| t.strip_prefix("文︱"));
    let marked = t.starts_with(['□', '■', '◎', '○', '●', '☆', '★']);
    let body = if let Some(rest) = t2 {
        rest.trim()
    } else if marked {
        t.trim_start_matches(['□', '■', '◎', '○', '●', '☆', '★'])
            .trim()
    } else {
        t
    };
    if body.is_empty() || body.chars().count() > 60 {
        return None;
    }
    let tokens: Vec<&str> = body
        .split(|c: char| c.is_whitespace() || c == '、' || c == '，' || c == ',')
        .filter(|s| !s.is_empty())
        .collect();
    if tokens.is_empty() {
        return None;
    }
    if tokens.iter().all(|t| is_person_name(t)) && (tokens.len() >= 2 || t2.is_some() || marked) {
        return Some(tokens.join("、"));
    }
    if marked || t2.is_some() {
        // `org title name`: the last token is the name.
        let words: Vec<&str> = body.split_whitespace().collect();
        if words.len() >= 2 {
            let name = words[words.len() - 1];
            if is_person_name(name) {
                let org = words[..words.len() - 1].join(" ");
                return Some(format!("{name}（{org}）"));
            }
        }
    }
    None
}

/// A single name right after the title (`杨丽丽`), accepted only there.
fn lone_name(text: &str) -> Option<String> {
    let t = text.trim();
    is_person_name(t).then(|| t.to_string())
}

/// `（广西机电职业技术学院，广西南宁 535000）` → `广西机电职业技术学院`.
fn affiliation(text: &str) -> Option<String> {
    let t = text.trim();
    let inner = t
        .strip_prefix('（')
        .and_then(|r| r.strip_suffix('）'))
        .or_else(|| t.strip_prefix('(').and_then(|r| r.strip_suffix(')')))?;
    let first = inner
        .split(['，', ',', '；', ';'])
        .next()
        .unwrap_or("")
        .trim();
    (!first.is_empty() && first.chars().count() <= 40).then(|| first.to_string())
}

fn cn_number(s: &str) -> Option<u32> {
    if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
        return s.parse().ok();
    }
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|v| v as u32)
    };
    let digit = |c: char| if c == '零' { Some(0) } else { digit(c) };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        [a] if *a == '十' => Some(10),
        ['十', b] => Some(10 + digit(*b)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => chars
            .iter()
            .try_fold(0u32, |acc, &c| Some(acc * 10 + digit(c)?)),
    }
}

/// A date line: `2018年12月1日`, `二〇二〇年一月一日`, `2020-01-01`, `2020.1.1`, `2020/1/1`,
/// perhaps in brackets; returns `YYYY-MM-DD`.
fn date_line(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_matches(|c: char| "（）()[]【】".contains(c))
        .trim();
    if t.chars().count() > 24 {
        return None;
    }
    let (y, m, d) = if let Some((y, rest)) = t.split_once('年') {
        let (m, rest) = rest.split_once('月')?;
        let d = rest
            .strip_suffix('日')
            .or_else(|| rest.strip_suffix('号'))?;
        (
            cn_number(y.trim())?,
            cn_number(m.trim())?,
            cn_number(d.trim())?,
        )
    } else {
        let sep = ['-', '.', '/'].into_iter().find(|s| t.contains(*s))?;
        let date_part = t.split_whitespace().next()?;
        let parts: Vec<&str> = date_part.split(sep).collect();
        if parts.len() != 3 || parts[0].len() != 4 {
            return None;
        }
        (
            parts[0].parse().ok()?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        )
    };
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d)
        .filter(|_| (1900..=2200).contains(&y))
        .map(|dt| dt.format("%Y-%m-%d").to_string())
}

impl<'p> Conv<'p> {
    fn second_pass(&mut self, items: Vec<Item>, core: Option<&Element>, stem: &str) -> Converted {
        let mut items: Vec<Item> = items
            .into_iter()
            .filter(|i| !matches!(i, Item::Para(p) if p.is_empty()))
            .collect();
        for it in items.iter_mut() {
            if let Item::Para(p) = it {
                trim_spans(&mut p.spans);
            }
        }
        // Title.
        let mut title = String::new();
        let mut notes_here = Vec::new();
        let mut idx = 0;
        if let Some(pos) = items
            .iter()
            .position(|i| matches!(i, Item::Para(p) if p.role == Role::Title))
        {
            if let Item::Para(p) = items.remove(pos) {
                title = p.text().trim().to_string();
            }
            idx = pos;
        } else if let Some(Item::Para(p)) = items.first() {
            let text = p.text().trim().to_string();
            let short = text.chars().count() <= 60 && !text.ends_with(SENTENCE_END);
            if matches!(p.role, Role::Heading(_)) || (short && p.numbered.is_none()) {
                title = text;
                items.remove(0);
            }
        }
        // A subtitle (`——以南宁市为例`) joins the title.
        if let Some(Item::Para(p)) = items.get(idx) {
            let text = p.text().trim().to_string();
            if !title.is_empty()
                && (p.role == Role::Subtitle || text.starts_with("——") || text.starts_with("—"))
                && text.chars().count() <= 40
            {
                title.push_str(&text);
                items.remove(idx);
            }
        }
        if title.is_empty() {
            title = core
                .and_then(|c| c.child("dc:title"))
                .map(|t| t.own_text().trim().to_string())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| stem.to_string());
            notes_here.push(Note {
                location: String::new(),
                message: format!(
                    "the document has no title (no Title style and no short first line); the \
                     page is called “{title}”: change `title:` if that is wrong"
                ),
            });
        }
        // 署名 and date lines in the first few paragraphs after the title.
        let mut author: Option<String> = None;
        let mut date: Option<String> = None;
        let mut i = idx;
        let mut looked = 0;
        while i < items.len() && looked < 5 {
            let Item::Para(p) = &items[i] else {
                break;
            };
            if matches!(p.role, Role::Heading(_)) || p.numbered.is_some() {
                break;
            }
            let text = p.text();
            let text = text.trim();
            if date.is_none() {
                if let Some(d) = date_line(text) {
                    date = Some(d);
                    items.remove(i);
                    continue;
                }
            }
            if author.is_none() {
                let found = byline(text).or_else(|| {
                    if looked == 0 && !p.all_bold() {
                        lone_name(text)
                    } else {
                        None
                    }
                });
                if let Some(a) = found {
                    items.remove(i);
                    // An affiliation in brackets on the next line.
                    let mut a = a;
                    if let Some(Item::Para(next)) = items.get(i) {
                        if let Some(org) = affiliation(&next.text()) {
                            if !a.contains('（') {
                                a = format!("{a}（{org}）");
                            }
                            items.remove(i);
                        }
                    }
                    author = Some(a);
                    continue;
                }
            }
            looked += 1;
            i += 1;
        }
        if date.is_none() {
            date = core
                .and_then(|c| c.child("dcterms:created"))
                .map(|d| d.own_text())
                .and_then(|d| {
                    let day: String = d.trim().chars().take(10).collect();
                    chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()
                })
                .map(|d| d.format("%Y-%m-%d").to_string());
        }

        // Document-wide facts for numbering written as text.
        let mut has_dotted = false;
        let mut has_han = false;
        for it in &items {
            if let Item::Para(p) = it {
                if p.role == Role::Body && p.numbered.is_none() {
                    match marker(&p.text()) {
                        Some((Marker::Dotted(d), _)) if d >= 2 => has_dotted = true,
                        Some((Marker::Han, _)) => has_han = true,
                        _ => {}
                    }
                }
            }
        }
        let styled_min = items
            .iter()
            .filter_map(|i| match i {
                Item::Para(p) => match p.role {
                    Role::Heading(l) => Some(l),
                    _ => None,
                },
                _ => None,
            })
            .min()
            .unwrap_or(1);

        let mut blocks = Vec::new();
        for it in items {
            match it {
                Item::Table { rows, loc } => {
                    let cells = rows.iter().map(|r| r.len()).max().unwrap_or(0);
                    if rows.len() == 1 && cells == 1 {
                        // A one-cell table is a box around text: a quotation.
                        let paras: Vec<Vec<Span>> = rows
                            .into_iter()
                            .flatten()
                            .flatten()
                            .map(|mut p| {
                                trim_spans(&mut p.spans);
                                p.spans
                            })
                            .filter(|s| !s.is_empty())
                            .collect();
                        if !paras.is_empty() {
                            blocks.push(Block::Quote(paras));
                        }
                    } else if cells == 0 {
                        self.notes.push(Note {
                            location: loc,
                            message: "an empty table was left out".into(),
                        });
                    } else {
                        blocks.push(Block::Table { rows });
                    }
                }
                Item::Para(p) => self.classify(p, styled_min, has_dotted, has_han, &mut blocks),
            }
        }
        self.notes.splice(0..0, notes_here);
        let body = self.write_blocks(&blocks);
        let headings = blocks
            .iter()
            .filter(|b| matches!(b, Block::Heading { .. }))
            .count();
        let tables = blocks
            .iter()
            .filter(|b| matches!(b, Block::Table { .. }))
            .count();
        let mut fm = String::from("---\n");
        fm.push_str(&format!("title: {}\n", yaml_str(&title)));
        if let Some(d) = &date {
            fm.push_str(&format!("date: {d}\n"));
        }
        fm.push_str("draft: true\n");
        if let Some(a) = &author {
            fm.push_str("source:\n");
            fm.push_str(&format!("  title: {}\n", yaml_str(&title)));
            fm.push_str(&format!("  author: {}\n", yaml_str(a)));
        }
        fm.push_str("---\n\n");
        Converted {
            title,
            markdown: format!("{fm}{body}"),
            headings,
            tables,
            ..Converted::default()
        }
    }

    fn classify(
        &mut self,
        mut p: Para,
        styled_min: u8,
        has_dotted: bool,
        has_han: bool,
        blocks: &mut Vec<Block>,
    ) {
        let shift = |l: u8| (l + 2).saturating_sub(styled_min).clamp(2, 6);
        let styled = match p.role {
            Role::Heading(l) => Some(shift(l)),
            // A second Title paragraph: a top heading of the body.
            Role::Title => Some(2),
            _ => None,
        };
        if let Some(level) = styled {
            // Numbering typed before a styled heading is not kept twice.
            if let Some((_, len)) = marker(&p.text()) {
                strip_prefix_bytes(&mut p.spans, len);
            }
            trim_spans(&mut p.spans);
            blocks.push(Block::Heading {
                level,
                spans: p.spans,
                bookmarks: p.bookmarks,
            });
            return;
        }
        // Word's own numbering: Chinese formats read like typed numbering; others are lists.
        let mut prefix = String::new();
        // A number or bullet typed after Word's own is not written twice.
        match &p.numbered {
            Some((Numbered::Bullet, _)) => {
                if let Some(n) = text_bullet(&p.text()) {
                    strip_prefix_bytes(&mut p.spans, n);
                }
            }
            Some((Numbered::Ordered(_), _)) => {
                if let Some((Marker::Arabic | Marker::ParenArabic, n)) = marker(&p.text()) {
                    strip_prefix_bytes(&mut p.spans, n);
                }
            }
            _ => {}
        }
        match &p.numbered {
            Some((Numbered::Bullet, lvl)) => {
                blocks.push(Block::Item {
                    ordered: None,
                    level: *lvl,
                    spans: p.spans,
                });
                return;
            }
            Some((Numbered::Ordered(n), lvl)) => {
                blocks.push(Block::Item {
                    ordered: Some(*n),
                    level: *lvl,
                    spans: p.spans,
                });
                return;
            }
            Some((Numbered::Chinese(shown), _)) => prefix = shown.clone(),
            None => {}
        }
        let own = p.text();
        let full = format!("{prefix}{own}");
        let m = marker(&full).filter(|(m, _)| match m {
            Marker::Dotted(1) => has_dotted,
            _ => true,
        });
        let Some((m, len)) = m else {
            if prefix.is_empty() {
                if let Some(n) = text_bullet(&own) {
                    strip_prefix_bytes(&mut p.spans, n);
                    blocks.push(Block::Item {
                        ordered: None,
                        level: 0,
                        spans: p.spans,
                    });
                    return;
                }
            } else {
                // Word numbering in a form not read as a heading (`第一章`): keep it as text.
                p.spans.insert(
                    0,
                    Span {
                        kind: Kind::Text(prefix),
                        fmt: Fmt::default(),
                        link: None,
                    },
                );
            }
            blocks.push(Block::Para(p.spans));
            return;
        };
        let level = match m {
            Marker::Han => 2,
            Marker::ParenHan => 3,
            Marker::Arabic => 4,
            Marker::ParenArabic => 5,
            Marker::Dotted(d) => {
                let base = if has_han { 2 } else { 1 };
                (d + base).min(6) as u8
            }
        };
        // Bytes of the marker that are in the paragraph's own text; numbering typed after
        // Word's own (`一、` shown by Word, `二、` typed) is not kept twice either.
        let own_len = if prefix.is_empty() {
            len
        } else {
            marker(&own).map_or(len.saturating_sub(prefix.len()), |(_, l)| l)
        };
        let rest = &own[own_len.min(own.len())..];
        let rest_trim = rest.trim();
        let count = rest_trim.chars().count();
        if rest_trim.is_empty() {
            blocks.push(Block::Para(p.spans));
            return;
        }
        // A short line, with no sentence inside it: a heading.
        let inner_end = rest_trim
            .trim_end_matches(['。', '：', ':', '；', ';'])
            .contains(SENTENCE_END);
        if count <= HEADING_MAX && !inner_end {
            let mut spans = p.spans;
            strip_prefix_bytes(&mut spans, own_len);
            trim_spans(&mut spans);
            strip_trailing(&mut spans, &['。', '：', ':', '；', ';']);
            blocks.push(Block::Heading {
                level,
                spans,
                bookmarks: p.bookmarks,
            });
            return;
        }
        // `（一）按照……原则，推进全覆盖。正文……`: a lead sentence for 一、 and （一） levels.
        if matches!(m, Marker::Han | Marker::ParenHan) {
            if let Some(end) = rest.find(SENTENCE_END) {
                let lead = rest[..end].trim();
                let after = rest[end..].trim_start_matches(SENTENCE_END).trim();
                if !lead.is_empty() && lead.chars().count() <= HEADING_MAX && !after.is_empty() {
                    let mut spans = p.spans;
                    strip_prefix_bytes(&mut spans, own_len);
                    // Offset of the end of the lead sentence (with its mark) in the spans.
                    let own_rest = &own[own_len.min(own.len())..];
                    let Some(e) = own_rest.find(SENTENCE_END) else {
                        blocks.push(Block::Para(spans));
                        return;
                    };
                    let mark_len = own_rest[e..].chars().next().map_or(0, char::len_utf8);
                    let lead_off = own_rest.len() - own_rest.trim_start().len();
                    let _ = lead_off;
                    let (mut head, mut body) = split_spans(&spans, e + mark_len);
                    trim_spans(&mut head);
                    strip_trailing(&mut head, SENTENCE_END);
                    trim_spans(&mut body);
                    blocks.push(Block::Heading {
                        level,
                        spans: head,
                        bookmarks: p.bookmarks,
                    });
                    if !body.is_empty() {
                        blocks.push(Block::Para(body));
                    }
                    return;
                }
            }
        }
        // A long numbered paragraph stays a paragraph, its number kept as written.
        if !prefix.is_empty() {
            p.spans.insert(
                0,
                Span {
                    kind: Kind::Text(prefix),
                    fmt: Fmt::default(),
                    link: None,
                },
            );
        }
        blocks.push(Block::Para(p.spans));
    }

    /// The Markdown of the blocks and the footnote definitions.
    fn write_blocks(&mut self, blocks: &[Block]) -> String {
        // Heading ids exactly as the Markdown renderer makes them, for links to bookmarks.
        let mut ids = UniqueIds::default();
        let mut anchors: HashMap<String, String> = HashMap::new();
        for b in blocks {
            if let Block::Heading {
                spans, bookmarks, ..
            } = b
            {
                let text = plain(spans);
                let id = ids.unique(&heading_id(&text));
                for m in bookmarks {
                    anchors.insert(m.clone(), id.clone());
                }
            }
        }
        let mut w = Writer {
            anchors: &anchors,
            notes: Vec::new(),
        };
        let mut out = String::new();
        let mut prev_item = false;
        // Content columns of the open list levels.
        let mut indents: Vec<(usize, usize)> = Vec::new();
        for b in blocks {
            let is_item = matches!(b, Block::Item { .. });
            if !(out.is_empty() || is_item && prev_item) {
                out.push('\n');
            }
            match b {
                Block::Heading { level, spans, .. } => {
                    let text = w.inline(spans, true, false);
                    out.push_str(&"#".repeat(*level as usize));
                    out.push(' ');
                    out.push_str(&text);
                    out.push('\n');
                }
                Block::Para(spans) => {
                    let text = w.inline(spans, false, false);
                    out.push_str(&escape_line_start(&text));
                    out.push('\n');
                }
                Block::Item {
                    ordered,
                    level,
                    spans,
                } => {
                    if !prev_item {
                        indents.clear();
                    }
                    while indents.last().is_some_and(|(l, _)| l >= level) {
                        indents.pop();
                    }
                    let pad = indents.last().map_or(0, |(_, c)| *c);
                    let marker = match ordered {
                        Some(n) => format!("{n}. "),
                        None => "- ".to_string(),
                    };
                    let text = w.inline(spans, false, false);
                    out.push_str(&" ".repeat(pad));
                    out.push_str(&marker);
                    out.push_str(&escape_line_start(&text));
                    out.push('\n');
                    indents.push((*level, pad + marker.chars().count()));
                }
                Block::Quote(paras) => {
                    for (k, spans) in paras.iter().enumerate() {
                        if k > 0 {
                            out.push_str(">\n");
                        }
                        let text = w.inline(spans, false, false);
                        out.push_str("> ");
                        out.push_str(&escape_line_start(&text));
                        out.push('\n');
                    }
                }
                Block::Table { rows } => {
                    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(1);
                    for (r, row) in rows.iter().enumerate() {
                        out.push('|');
                        for c in 0..cols {
                            let cell = row.get(c).map(|paras| {
                                paras
                                    .iter()
                                    .map(|p| {
                                        let mut s = p.spans.clone();
                                        trim_spans(&mut s);
                                        w.inline(&s, false, true)
                                    })
                                    .filter(|s| !s.is_empty())
                                    .collect::<Vec<_>>()
                                    .join("<br>")
                            });
                            out.push(' ');
                            out.push_str(cell.as_deref().unwrap_or(""));
                            out.push_str(" |");
                        }
                        out.push('\n');
                        if r == 0 {
                            out.push('|');
                            for _ in 0..cols {
                                out.push_str("---|");
                            }
                            out.push('\n');
                        }
                    }
                }
            }
            prev_item = is_item;
        }
        if !self.note_defs.is_empty() {
            let defs = std::mem::take(&mut self.note_defs);
            for (label, paras) in &defs {
                out.push('\n');
                let texts: Vec<String> = paras
                    .iter()
                    .map(|p| {
                        let mut s = p.spans.clone();
                        trim_spans(&mut s);
                        w.inline(&s, false, false)
                    })
                    .filter(|s| !s.is_empty())
                    .collect();
                let text = if texts.is_empty() {
                    "（空注释）".to_string()
                } else {
                    texts.join("\n\n    ")
                };
                out.push_str(&format!("[^{label}]: {text}\n"));
            }
            self.note_defs = defs;
        }
        for n in w.notes {
            self.notes.push(n);
        }
        out
    }
}

fn strip_trailing(spans: &mut Vec<Span>, marks: &[char]) {
    if let Some(Span {
        kind: Kind::Text(t),
        ..
    }) = spans.last_mut()
    {
        let s = t.trim_end_matches(marks).trim_end().to_string();
        *t = s;
    }
    spans.retain(|s| !matches!(&s.kind, Kind::Text(t) if t.is_empty()));
}

fn plain(spans: &[Span]) -> String {
    let mut s = String::new();
    for sp in spans {
        match &sp.kind {
            Kind::Text(t) => s.push_str(t),
            Kind::Break => s.push(' '),
            _ => {}
        }
    }
    s
}

struct Writer<'a> {
    anchors: &'a HashMap<String, String>,
    notes: Vec<Note>,
}

/// Escape Markdown's special characters in text.
fn escape_text(s: &str, in_table: bool, in_heading: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '|' if in_table => out.push_str("\\|"),
            '{' if in_heading => out.push_str("\\{"),
            '&' if chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("\\&");
            }
            '!' if chars.get(i + 1) == Some(&'[') => out.push_str("\\!"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Keep a paragraph from starting a Markdown block it is not (`# `, `- `, `1. `, `> `, `---`).
fn escape_line_start(s: &str) -> String {
    let first = s.chars().next();
    match first {
        Some('#' | '+' | '-' | '=' | '>') => return format!("\\{s}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
            let rest = &s[digits..];
            if digits <= 9 && (rest.starts_with(". ") || rest.starts_with(") ")) {
                return format!("{}\\{}", &s[..digits], rest);
            }
            if digits <= 9 && (rest == "." || rest == ")") {
                return format!("{}\\{}", &s[..digits], rest);
            }
        }
        _ => {}
    }
    s.to_string()
}

fn url_for_markdown(u: &str) -> String {
    let mut out = String::new();
    for c in u.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c => out.push(c),
        }
    }
    out
}

impl Writer<'_> {
    /// Spans to inline Markdown. Headings keep no bold/italic (a heading is bold already);
    /// line breaks inside a paragraph are joined (nothing between Chinese characters, else a
    /// space).
    fn inline(&mut self, spans: &[Span], heading: bool, table: bool) -> String {
        // Join breaks into text first.
        let mut atoms: Vec<Span> = Vec::new();
        for (k, s) in spans.iter().enumerate() {
            if let Kind::Break = s.kind {
                let before = atoms.last().and_then(|a| match &a.kind {
                    Kind::Text(t) => t.chars().last(),
                    _ => None,
                });
                let after = spans[k + 1..].iter().find_map(|a| match &a.kind {
                    Kind::Text(t) => t.chars().next(),
                    _ => None,
                });
                let cjk = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
                let sep = if cjk || before.is_some_and(char::is_whitespace) {
                    ""
                } else {
                    " "
                };
                atoms.push(Span {
                    kind: Kind::Text(sep.to_string()),
                    ..s.clone()
                });
            } else {
                atoms.push(s.clone());
            }
        }
        // Group by link.
        let mut out = String::new();
        let mut i = 0;
        while i < atoms.len() {
            let link = atoms[i].link.clone();
            let mut j = i;
            while j < atoms.len() && atoms[j].link == link {
                j += 1;
            }
            // A link is underlined already: Word's link style says so again.
            let group: Vec<Span> = atoms[i..j]
                .iter()
                .map(|a| {
                    let mut a = a.clone();
                    if link.is_some() {
                        a.fmt.u = false;
                    }
                    a
                })
                .collect();
            let inner = self.formatted(&group, heading, table);
            match link {
                None => out.push_str(&inner),
                Some(target) => {
                    let dest = match &target {
                        Target::Url(u) => {
                            let lower = u.to_ascii_lowercase();
                            if lower.starts_with("http://")
                                || lower.starts_with("https://")
                                || lower.starts_with("mailto:")
                            {
                                Some(url_for_markdown(u))
                            } else {
                                self.notes.push(Note {
                                    location: String::new(),
                                    message: format!(
                                        "a link to “{u}” (not a web address) was kept as plain \
                                         text: “{}”",
                                        plain(&atoms[i..j])
                                    ),
                                });
                                None
                            }
                        }
                        Target::Anchor(a) => match self.anchors.get(a) {
                            Some(id) => Some(format!("#{id}")),
                            None => {
                                self.notes.push(Note {
                                    location: String::new(),
                                    message: format!(
                                        "a link inside the document to “{a}” (not a heading) was \
                                         kept as plain text: “{}”",
                                        plain(&atoms[i..j])
                                    ),
                                });
                                None
                            }
                        },
                    };
                    match dest {
                        Some(d) if !inner.trim().is_empty() => {
                            out.push_str(&format!("[{inner}]({d})"));
                        }
                        _ => out.push_str(&inner),
                    }
                }
            }
            i = j;
        }
        out
    }

    /// Text with emphasis markers, properly nested; markers never touch whitespace.
    fn formatted(&mut self, atoms: &[Span], heading: bool, table: bool) -> String {
        #[derive(Clone, Copy, PartialEq)]
        enum M {
            U,
            S,
            B,
            I,
        }
        let open = |m: M| match m {
            M::U => "<u>",
            M::S => "~~",
            M::B => "**",
            M::I => "<em>",
        };
        let close = |m: M| match m {
            M::U => "</u>",
            M::S => "~~",
            M::B => "**",
            M::I => "</em>",
        };
        let want = |f: Fmt| -> Vec<M> {
            if heading {
                return Vec::new();
            }
            let mut v = Vec::new();
            if f.u {
                v.push(M::U);
            }
            if f.s {
                v.push(M::S);
            }
            if f.b {
                v.push(M::B);
            }
            if f.i {
                v.push(M::I);
            }
            v
        };
        // Merge neighbours with the same formatting.
        let mut groups: Vec<(Fmt, Vec<&Span>)> = Vec::new();
        for a in atoms {
            match groups.last_mut() {
                Some((f, g)) if *f == a.fmt => g.push(a),
                _ => groups.push((a.fmt, vec![a])),
            }
        }
        let mut out = String::new();
        let mut stack: Vec<M> = Vec::new();
        let close_all = |out: &mut String, stack: &mut Vec<M>| {
            while let Some(m) = stack.pop() {
                out.push_str(close(m));
            }
        };
        for (f, g) in groups {
            let mut body = String::new();
            for a in &g {
                match &a.kind {
                    Kind::Text(t) => body.push_str(&escape_text(t, table, heading)),
                    Kind::Image { file, alt } => {
                        body.push_str(&format!(
                            "![{}]({})",
                            escape_text(alt, table, false),
                            url_for_markdown(file)
                        ));
                    }
                    Kind::NoteRef(l) => body.push_str(&format!("[^{l}]")),
                    Kind::Break => body.push(' '),
                }
            }
            let core = body.trim();
            if core.is_empty() {
                close_all(&mut out, &mut stack);
                out.push_str(&body);
                continue;
            }
            let lead = &body[..body.len() - body.trim_start().len()];
            let trail = &body[body.trim_end().len()..];
            let w = want(f);
            if !lead.is_empty() {
                close_all(&mut out, &mut stack);
                out.push_str(lead);
            }
            // Keep the longest prefix of the stack that is still wanted.
            let keep = stack.iter().take_while(|m| w.contains(m)).count();
            while stack.len() > keep {
                if let Some(m) = stack.pop() {
                    out.push_str(close(m));
                }
            }
            for m in w {
                if !stack.contains(&m) {
                    out.push_str(open(m));
                    stack.push(m);
                }
            }
            out.push_str(core);
            if !trail.is_empty() {
                close_all(&mut out, &mut stack);
                out.push_str(trail);
            }
        }
        close_all(&mut out, &mut stack);
        out
    }
}

/// A YAML scalar: plain when that reads back as the same string, else double-quoted.
pub fn yaml_str(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && s.trim() == s
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(|c| c.is_control())
        && !s.starts_with(|c: char| c.is_ascii_digit() || "-?:,[]{}#&*!|>'\"%@`.~".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "on" | "off" | "y" | "n"
        );
    if plain_ok {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.replace('"', "'")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(marker("一、背景").map(|m| m.0), Some(Marker::Han));
        assert_eq!(marker("十二、其他").map(|m| m.0), Some(Marker::Han));
        assert_eq!(
            marker("（一）组建原则").map(|m| m.0),
            Some(Marker::ParenHan)
        );
        assert_eq!(marker("(二)三同步").map(|m| m.0), Some(Marker::ParenHan));
        assert_eq!(marker("1.党组织活动").map(|m| m.0), Some(Marker::Arabic));
        assert_eq!(marker("1、确立议程").map(|m| m.0), Some(Marker::Arabic));
        assert_eq!(marker("（3）细则").map(|m| m.0), Some(Marker::ParenArabic));
        assert_eq!(
            marker("1.1 推进基层治理").map(|m| m.0),
            Some(Marker::Dotted(2))
        );
        assert_eq!(marker("2.3.1 细目").map(|m| m.0), Some(Marker::Dotted(3)));
        assert_eq!(marker("1 新定位").map(|m| m.0), Some(Marker::Dotted(1)));
        assert_eq!(marker("1.5万人参加"), None);
        assert_eq!(marker("2019年"), None);
        assert_eq!(marker("十九大以来"), None);
        assert_eq!(marker("一是加强领导"), None);
        assert_eq!(marker("3.5%的党员"), None);
        let (_, len) = marker("（一） 组建").unwrap();
        assert_eq!(&"（一） 组建"[len..], "组建");
    }

    #[test]
    fn bylines_and_dates() {
        assert_eq!(
            byline("□ 中共孝义市委常委、组织部长 张云鹏").as_deref(),
            Some("张云鹏（中共孝义市委常委、组织部长）")
        );
        assert_eq!(byline("贾锡萍 王美婧").as_deref(), Some("贾锡萍、王美婧"));
        assert_eq!(byline("作者：杨丽丽").as_deref(), Some("杨丽丽"));
        assert_eq!(byline("主要做法 工作成效"), None);
        assert_eq!(byline("背景"), None);
        assert_eq!(lone_name("背景"), None);
        assert_eq!(lone_name("杨丽丽").as_deref(), Some("杨丽丽"));
        assert_eq!(
            affiliation("（广西机电职业技术学院，广西南宁 535000）").as_deref(),
            Some("广西机电职业技术学院")
        );
        assert_eq!(date_line("2018年12月1日").as_deref(), Some("2018-12-01"));
        assert_eq!(
            date_line("（二〇二〇年一月十五日）").as_deref(),
            Some("2020-01-15")
        );
        assert_eq!(
            date_line("2019-12-26 16:17:39").as_deref(),
            Some("2019-12-26")
        );
        assert_eq!(date_line("2020.1.2").as_deref(), Some("2020-01-02"));
        assert_eq!(date_line("2018年12期"), None);
        assert_eq!(date_line("2018年2月30日"), None);
    }

    #[test]
    fn yaml_strings() {
        assert_eq!(yaml_str("孝义市社会组织党建"), "孝义市社会组织党建");
        assert_eq!(yaml_str("2018年的工作"), "\"2018年的工作\"");
        assert_eq!(yaml_str("天津: 组织力"), "\"天津: 组织力\"");
        assert_eq!(yaml_str("“两新”组织"), "“两新”组织");
        assert_eq!(yaml_str("yes"), "\"yes\"");
    }

    fn t(s: &str, b: bool) -> Span {
        Span {
            kind: Kind::Text(s.into()),
            fmt: Fmt {
                b,
                ..Fmt::default()
            },
            link: None,
        }
    }

    #[test]
    fn emphasis_never_touches_spaces() {
        let anchors = HashMap::new();
        let mut w = Writer {
            anchors: &anchors,
            notes: Vec::new(),
        };
        let s = w.inline(
            &[t("用", false), t("“八有标准” ", true), t("规范", false)],
            false,
            false,
        );
        assert_eq!(s, "用**“八有标准”** 规范");
        let s = w.inline(&[t("a*b_c", false)], false, false);
        assert_eq!(s, "a\\*b\\_c");
        assert_eq!(escape_line_start("1. 是"), "1\\. 是");
        assert_eq!(escape_line_start("# 号"), "\\# 号");
    }
}
