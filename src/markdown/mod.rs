//! Markdown → HTML with the passes Chinese text needs.
//!
//! pulldown-cmark parses; then, on its event stream:
//! 1. CJK-friendly emphasis (`emphasis`);
//! 2. soft line breaks between two CJK characters are dropped (`breaks`: Chromium would
//!    show the newline as a space between Chinese characters);
//! 3. heading ids (readable Chinese ids, unique per page, `{#id}` wins) and the table of
//!    contents (`headings`);
//! 4. footnote ids get an `fn-` prefix;
//! 5. links are collected with their line and column and replaced by placeholders that the
//!    resolve stage fills in once every page's URL and anchors are known (`links`, with
//!    `percent` for percent-encoding);
//! 6. the summary, plain text and word count are taken (`text`).

mod breaks;
mod emphasis;
mod headings;
mod links;
mod percent;
#[cfg(test)]
mod tests;
mod text;

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

use crate::cjk::WordCount;

use breaks::join_cjk_soft_breaks;
use headings::{assign_heading_ids, build_toc};
use links::{collect_links, LineIndex};
use text::{plain_text, summary_range};

pub use crate::html::escape_attr;
pub use headings::TocEntry;
pub use links::{classify, fill_placeholders, join_relative, Link, LinkTarget};
pub use percent::{percent_decode, percent_encode_decoded, percent_encode_url};

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
fn exact_string(write: impl FnOnce(&mut String)) -> String {
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
fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class"]);
    b.add_url_schemes(["zhiku-link"]);
    b.add_tags(["input"]);
    b.add_tag_attributes("input", ["type", "checked", "disabled"]);
    b.clean(html).to_string()
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
