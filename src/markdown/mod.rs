//! Markdown → HTML with the passes Chinese text needs.
//!
//! pulldown-cmark parses; then, on its event stream:
//! 1. CJK-friendly emphasis ([`emphasis`]);
//! 2. soft line breaks between two CJK characters are dropped (Chromium would show the
//!    newline as a space between Chinese characters);
//! 3. heading ids (readable Chinese ids, unique per page, `{#id}` wins) and the table of
//!    contents;
//! 4. links are collected with their line and column and replaced by placeholders that the
//!    resolve stage fills in once every page's URL and anchors are known;
//! 5. the summary, plain text and word count are taken.

pub mod emphasis;

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::cjk::{is_cjk, WordCount};
use crate::slug::{heading_id, UniqueIds};

/// Options from `[markdown]` in site.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    pub smart_punctuation: bool,
    pub safe: bool,
    pub cjk_emphasis: bool,
    pub cjk_line_breaks: bool,
}

impl From<&crate::config::MarkdownConfig> for MarkdownOptions {
    fn from(c: &crate::config::MarkdownConfig) -> Self {
        MarkdownOptions {
            smart_punctuation: c.smart_punctuation,
            safe: c.safe,
            cjk_emphasis: c.cjk_emphasis,
            cjk_line_breaks: c.cjk_line_breaks,
        }
    }
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        (&crate::config::MarkdownConfig::default()).into()
    }
}

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// What kind of destination a link has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A Markdown file: `@/cases/tianjin.md` or a relative `../cases/tianjin.md`, as a path
    /// relative to `content/` (already resolved against the linking file).
    Content {
        path: String,
        anchor: Option<String>,
    },
    /// `#id` in the same page.
    Anchor(String),
    /// A local file: a page asset (relative) or a static file (`/…`), path as written
    /// resolved against the linking file's directory when relative; `absolute` when it
    /// started with `/`.
    File {
        path: String,
        absolute: bool,
        anchor: Option<String>,
    },
    /// A destination that can never name a file of the site; the message says why.
    Invalid(String),
}

/// A link found in the page, to be checked and rewritten by the resolve stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as the author wrote it.
    pub raw: String,
    pub target: LinkTarget,
    /// 1-based line and character column in the file.
    pub line: usize,
    pub column: usize,
    pub is_image: bool,
}

/// The placeholder written for link number `i` until it is resolved.
pub fn placeholder(i: usize) -> String {
    format!("zhiku-link:{i}")
}

/// A rendered Markdown document.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// HTML of the text before `<!-- more -->`, else of the first paragraph.
    pub summary_html: String,
    pub toc: Vec<TocEntry>,
    /// Every id in the page (headings and footnotes), for anchor checks.
    pub anchors: Vec<String>,
    pub links: Vec<Link>,
    /// The text without markup (search index, descriptions).
    pub plain_text: String,
    pub words: WordCount,
    /// Lines of images without alt text.
    pub images_without_alt: Vec<usize>,
    /// Bad ```` ```chart ```` blocks: (line in the file, message). See `crate::chart`.
    pub chart_errors: Vec<(usize, String)>,
}

/// Where the Markdown comes from, for link resolution and positions.
#[derive(Debug, Clone, Copy)]
pub struct SourceInfo<'a> {
    /// The file's path relative to `content/`, with `/` separators (`cases/tianjin.md`).
    pub rel_path: &'a str,
    /// 1-based line in the file of the body's first line.
    pub first_line: usize,
}

/// Render `body` to HTML.
pub fn render(body: &str, opts: MarkdownOptions, src: SourceInfo<'_>) -> Rendered {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if opts.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let mut events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(body, options).into_offset_iter().collect();
    if opts.cjk_emphasis {
        emphasis::apply(&mut events, body);
    }
    if opts.cjk_line_breaks {
        join_cjk_soft_breaks(&mut events);
    }
    let lines = LineIndex::new(body, src.first_line);
    let mut out = Rendered::default();
    crate::chart::replace_fences(&mut events, body, src.first_line, &mut out.chart_errors);
    let headings = assign_heading_ids(&mut events, &mut out);
    out.toc = build_toc(&headings);
    rewrite_footnotes(&mut events, &mut out);
    collect_links(&mut events, &lines, src.rel_path, &mut out);
    plain_text(&events, &mut out);
    let summary_end = summary_range(&events);
    let events: Vec<Event<'_>> = events.into_iter().map(|(e, _)| e).collect();
    if let Some(range) = summary_end {
        out.summary_html =
            exact_string(|s| pulldown_cmark::html::push_html(s, events[range].iter().cloned()));
    }
    out.html = exact_string(|s| pulldown_cmark::html::push_html(s, events.into_iter()));
    if opts.safe {
        out.html = sanitize(&out.html);
        out.summary_html = sanitize(&out.summary_html);
    }
    out
}

/// A string written by `write`, allocated at its exact length: it is built in a buffer kept by
/// the thread and copied once, instead of growing by doubling (which leaves up to half of
/// every page's HTML allocated and unused for the whole build).
pub(crate) fn exact_string(write: impl FnOnce(&mut String)) -> String {
    thread_local! {
        static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    /// A buffer grown larger than this (by a huge page) is not kept.
    const KEEP: usize = 1 << 20;
    BUFFER.with(|buffer| match buffer.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            write(&mut buf);
            let out = buf.as_str().to_owned();
            if buf.capacity() > KEEP {
                *buf = String::new();
            }
            out
        }
        Err(_) => {
            let mut s = String::new();
            write(&mut s);
            s
        }
    })
}

/// Strip scripts, event handlers and `javascript:` URLs, keeping ids and classes (anchors,
/// footnotes) and the link placeholders.
pub fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class"]);
    b.add_url_schemes(["zhiku-link"]);
    b.add_tags(["input"]);
    b.add_tag_attributes("input", ["type", "checked", "disabled"]);
    b.clean(html).to_string()
}

/// Byte offset → (line, column) in the file.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    first_line: usize,
    /// The last position asked for: (line index, byte offset, column). Links come in document
    /// order, so the next column is counted from here, not from the line's start: many links
    /// on one long line cost linear time, not quadratic.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            starts,
            first_line,
            last: std::cell::Cell::new((0, 0, 1)),
        }
    }
    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (last_idx, last_offset, last_col) = self.last.get();
        let (from, col) = if last_idx == idx && last_offset <= offset {
            (last_offset, last_col)
        } else {
            (self.starts[idx], 1)
        };
        let col = col + self.text.get(from..offset).map_or(0, |s| s.chars().count());
        self.last.set((idx, offset, col));
        (idx + self.first_line, col)
    }
}

/// Is `c` something a soft break may be dropped next to (CJK, or punctuation used in Chinese
/// text whose East Asian Width is ambiguous: quotes, dashes, ellipsis, middle dot)?
fn joins(c: char) -> bool {
    is_cjk(c) || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·' | '–')
}

fn join_cjk_soft_breaks(events: &mut [(Event<'_>, Range<usize>)]) {
    for i in 0..events.len() {
        if !matches!(events[i].0, Event::SoftBreak) {
            continue;
        }
        let before = events[..i]
            .iter()
            .rev()
            .find_map(|(e, _)| edge_char(e, true));
        let after = events[i + 1..]
            .iter()
            .find_map(|(e, _)| edge_char(e, false));
        if let (Some(Some(b)), Some(Some(a))) = (before, after) {
            if joins(b) && joins(a) && (is_cjk(b) || is_cjk(a)) {
                events[i].0 = Event::Text(CowStr::Borrowed(""));
            }
        }
    }
}

/// For soft-break joining: `Some(Some(c))` for the last/first character of a text event,
/// `None` to keep looking past inline markup, `Some(None)` to stop (block boundary etc.).
fn edge_char(e: &Event<'_>, last: bool) -> Option<Option<char>> {
    match e {
        Event::Text(t) | Event::Code(t) => {
            if t.is_empty() {
                None
            } else if last {
                Some(t.chars().next_back())
            } else {
                Some(t.chars().next())
            }
        }
        Event::Start(tag) if is_inline(tag) => None,
        Event::End(tag) if is_inline_end(tag) => None,
        _ => Some(None),
    }
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link
    )
}

struct HeadingInfo {
    level: u8,
    id: String,
    title: String,
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn assign_heading_ids(
    events: &mut [(Event<'_>, Range<usize>)],
    out: &mut Rendered,
) -> Vec<HeadingInfo> {
    let mut ids = UniqueIds::default();
    // Explicit ids are reserved first so derived ids never take them.
    for (e, _) in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = e {
            ids.reserve(id);
        }
    }
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = level_num(*level);
            let explicit = id.clone();
            let mut title = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    title.push_str(t);
                }
                j += 1;
            }
            let id = match explicit {
                Some(id) => id.to_string(),
                None => ids.unique(&heading_id(&title)),
            };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i].0 {
                *slot = Some(CowStr::from(id.clone()));
            }
            out.anchors.push(id.clone());
            headings.push(HeadingInfo {
                level,
                id,
                title: title.trim().to_string(),
            });
            i = j;
        }
        i += 1;
    }
    headings
}

fn build_toc(headings: &[HeadingInfo]) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if entry.level > last.level => insert(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut toc = Vec::new();
    for h in headings.iter().filter(|h| h.level >= 2) {
        insert(
            &mut toc,
            TocEntry {
                level: h.level,
                id: h.id.clone(),
                title: h.title.clone(),
                children: Vec::new(),
            },
        );
    }
    toc
}

/// Footnote ids become `fn-<name>` so they cannot clash with heading ids such as `1`.
fn rewrite_footnotes(events: &mut [(Event<'_>, Range<usize>)], out: &mut Rendered) {
    for (e, _) in events.iter_mut() {
        match e {
            Event::FootnoteReference(name) => *name = CowStr::from(format!("fn-{name}")),
            Event::Start(Tag::FootnoteDefinition(name)) => {
                *name = CowStr::from(format!("fn-{name}"));
                out.anchors.push(name.to_string());
            }
            _ => {}
        }
    }
}

fn has_scheme(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Split `path#anchor` (dropping any `?query`).
fn split_anchor(dest: &str) -> (&str, Option<String>) {
    let (path, anchor) = match dest.find('#') {
        Some(i) => (&dest[..i], Some(percent_decode(&dest[i + 1..]))),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    (path, anchor.filter(|a| !a.is_empty()))
}

/// Decode `%E4%B8%AD`-style escapes (authors may paste encoded links).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encode a URL the way pulldown-cmark writes the `href` of a link it renders itself
/// (and as CommonMark's examples expect): UTF-8 bytes outside ASCII, spaces, controls and
/// `"<>[\\]^`{|}` become `%XX`; everything else, `%` included (an escape already written stays
/// as it is), is kept. `&` and `'` are left for attribute escaping. `/t/my url` →
/// `/t/my%20url`, `/föö` → `/f%C3%B6%C3%B6`, `#主要做法` → `#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95`.
pub fn percent_encode_url(url: &str) -> String {
    encode_bytes(url, false)
}

/// [`percent_encode_url`] for a path or fragment that has been decoded (the paths and anchors
/// of internal links): every `%`, `#` and `?` in it is a character of the name, so they are
/// encoded too (`100%.pdf` → `100%25.pdf`).
pub fn percent_encode_decoded(part: &str) -> String {
    encode_bytes(part, true)
}

fn encode_bytes(url: &str, decoded: bool) -> String {
    let keep = |b: u8| {
        if decoded && matches!(b, b'%' | b'#' | b'?') {
            return false;
        }
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b'-'
                    | b'.'
                    | b'/'
                    | b':'
                    | b';'
                    | b'='
                    | b'?'
                    | b'@'
                    | b'^'
                    | b'_'
                    | b'~'
            )
    };
    if url.bytes().all(keep) {
        return url.to_string();
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(url.len() * 3);
    for b in url.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}

/// Join a relative path onto a directory (both `/`-separated, relative to `content/`),
/// resolving `.` and `..`. `None` if it climbs above the root.
pub fn join_relative(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Classify a link destination. `None`: external or otherwise left as written.
pub fn classify(dest: &str, rel_path: &str) -> Option<Result<LinkTarget, String>> {
    if dest.is_empty() || has_scheme(dest) {
        return None;
    }
    let dir = rel_path.rsplit_once('/').map_or("", |(d, _)| d);
    if dest.contains('\\') {
        // No file of the site can have `\` in its path (it separates directories on Windows,
        // and `serve` refuses it). `@/` names a page, so that is a mistake to report; any other
        // destination is left as written, as CommonMark has it (`foo\bar` → `foo%5Cbar`).
        return dest.starts_with("@/").then(|| {
            Err(format!(
                "`{dest}` contains `\\`: write paths with `/`, e.g. `@/cases/tianjin.md`"
            ))
        });
    }
    if let Some(rest) = dest.strip_prefix("@/") {
        let (path, anchor) = split_anchor(rest);
        let path = percent_decode(path);
        return Some(match join_relative("", &path) {
            Some(p) => Ok(LinkTarget::Content { path: p, anchor }),
            None => Err(format!("`{dest}` climbs out of content/")),
        });
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return Some(Ok(LinkTarget::Anchor(percent_decode(anchor))));
    }
    let (path, anchor) = split_anchor(dest);
    let path = percent_decode(path);
    let absolute = path.starts_with('/');
    if path.ends_with(".md") {
        let base = if absolute { "" } else { dir };
        return Some(match join_relative(base, &path) {
            Some(p) => Ok(LinkTarget::Content { path: p, anchor }),
            None => Err(format!("`{dest}` climbs out of content/")),
        });
    }
    if absolute {
        let p = join_relative("", &path).unwrap_or_default();
        let keep_slash = path.ends_with('/') && !p.is_empty();
        return Some(Ok(LinkTarget::File {
            path: if keep_slash { format!("{p}/") } else { p },
            absolute: true,
            anchor,
        }));
    }
    Some(match join_relative(dir, &path) {
        Some(p) => Ok(LinkTarget::File {
            path: p,
            absolute: false,
            anchor,
        }),
        None => Err(format!("`{dest}` climbs out of content/")),
    })
}

fn collect_links(
    events: &mut [(Event<'_>, Range<usize>)],
    lines: &LineIndex<'_>,
    rel_path: &str,
    out: &mut Rendered,
) {
    let mut i = 0;
    while i < events.len() {
        let range_start = events[i].1.start;
        let is_image = matches!(events[i].0, Event::Start(Tag::Image { .. }));
        let dest = match &events[i].0 {
            // `<someone@example.org>`: the writer adds `mailto:`; not a link into the site.
            Event::Start(Tag::Link {
                link_type: pulldown_cmark::LinkType::Email,
                ..
            }) => {
                i += 1;
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => dest_url.to_string(),
            _ => {
                i += 1;
                continue;
            }
        };
        let (line, column) = lines.position(range_start);
        if is_image {
            let has_alt = events[i + 1..]
                .iter()
                .take_while(|(e, _)| !matches!(e, Event::End(TagEnd::Image)))
                .any(|(e, _)| matches!(e, Event::Text(t) if !t.trim().is_empty()));
            if !has_alt {
                out.images_without_alt.push(line);
            }
        }
        if let Some(target) = classify(&dest, rel_path) {
            let target = target.unwrap_or_else(LinkTarget::Invalid);
            let n = out.links.len();
            out.links.push(Link {
                raw: dest,
                target,
                line,
                column,
                is_image,
            });
            let ph = CowStr::from(placeholder(n));
            match &mut events[i].0 {
                Event::Start(Tag::Link { dest_url, .. })
                | Event::Start(Tag::Image { dest_url, .. }) => *dest_url = ph,
                _ => {}
            }
        }
        i += 1;
    }
}

fn plain_text(events: &[(Event<'_>, Range<usize>)], out: &mut Rendered) {
    // Its exact length first, so that it is allocated once.
    let len: usize = events
        .iter()
        .map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => t.len(),
            Event::End(
                TagEnd::CodeBlock
                | TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell,
            )
            | Event::SoftBreak
            | Event::HardBreak => 1,
            _ => 0,
        })
        .sum();
    let mut text = String::with_capacity(len);
    let mut in_code_block = false;
    for (e, _) in events {
        match e {
            Event::Text(t) => {
                text.push_str(t);
                if !in_code_block {
                    out.words.add(t);
                }
            }
            Event::Code(t) => {
                text.push_str(t);
                out.words.add(t);
            }
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                text.push('\n');
            }
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => text.push('\n'),
            _ => {}
        }
    }
    debug_assert_eq!(text.len(), len);
    out.plain_text = text;
}

/// Events that make the summary: up to `<!-- more -->`, else the first top-level paragraph.
fn summary_range(events: &[(Event<'_>, Range<usize>)]) -> Option<Range<usize>> {
    let mut depth = 0usize;
    for (i, (e, _)) in events.iter().enumerate() {
        match e {
            Event::Html(h) | Event::InlineHtml(h) if depth <= 1 && h.trim() == "<!-- more -->" => {
                return Some(0..i);
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let mut depth = 0usize;
    let mut start = None;
    for (i, (e, _)) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::Paragraph) if depth == 0 => {
                start = Some(i);
                depth += 1;
            }
            Event::End(TagEnd::Paragraph) if depth == 1 && start.is_some() => {
                return start.map(|s| s..i + 1);
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Replace link placeholders in rendered HTML with resolved URLs (`urls[i]` for link `i`).
/// Only attribute values (`href="zhiku-link:3"`) are placeholders: the same characters
/// written in the text (`zhiku-link:3`, `"zhiku-link:3"`) are left as they are.
pub fn fill_placeholders(html: &str, urls: &[String]) -> String {
    // The placeholders replaced: their byte range and URL.
    let mut found: Vec<(Range<usize>, &str)> = Vec::new();
    let mut from = 0;
    while let Some(i) = find_placeholder(&html[from..]) {
        let start = from + i;
        let digits_at = start + P.len();
        let digits = html[digits_at..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        from = digits_at + digits;
        if let Some(url) = html[digits_at..from]
            .parse::<usize>()
            .ok()
            .and_then(|n| urls.get(n))
        {
            found.push((start..from, url));
        }
    }
    // Allocated at its exact length.
    let removed: usize = found.iter().map(|(r, _)| r.len()).sum();
    let added: usize = found
        .iter()
        .map(|(_, url)| "=\"".len() + escaped_attr_len(url))
        .sum();
    let len = html.len() - removed + added;
    let mut out = String::with_capacity(len);
    let mut done = 0;
    for (range, url) in found {
        out.push_str(&html[done..range.start]);
        out.push_str("=\"");
        push_escaped_attr(&mut out, url);
        done = range.end;
    }
    out.push_str(&html[done..]);
    debug_assert_eq!(out.len(), len);
    out
}

/// What a link placeholder attribute value starts with.
const P: &str = "=\"zhiku-link:";

/// Where the next [`P`] starts in `s`. Found by its `z` (a fast byte search: the letter is
/// rare in the HTML of Chinese text), then checked around it.
fn find_placeholder(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(z) = s[from..].find('z') {
        let i = from + z;
        if s[..i].ends_with("=\"") && s[i..].starts_with(&P[2..]) {
            return Some(i - 2);
        }
        // `z` is one byte: the next character starts after it.
        from = i + 1;
    }
    None
}

/// Escape text for an HTML attribute value.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped_attr(&mut out, s);
    out
}

/// The length of [`escape_attr`] of `s`.
fn escaped_attr_len(s: &str) -> usize {
    s.len()
        + s.bytes()
            .map(|b| match b {
                b'&' => 4,
                b'"' => 5,
                b'<' | b'>' => 3,
                b'\'' => 4,
                _ => 0,
            })
            .sum::<usize>()
}

/// [`escape_attr`] onto `out`.
fn push_escaped_attr(out: &mut String, s: &str) {
    let mut done = 0;
    // The escaped characters are ASCII, which never occurs inside a multi-byte UTF-8 character.
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[done..i]);
        out.push_str(escaped);
        done = i + 1;
    }
    out.push_str(&s[done..]);
}

#[cfg(test)]
mod tests;
