//! What the two passes share: runs of formatted text ([`Span`]), raw paragraphs and tables
//! ([`Item`]), what the second pass makes of them ([`Block`]), the converter's state
//! ([`Converter`]) and span helpers.

use std::collections::{BTreeMap, HashMap};

use crate::docx::ooxml::{Element, Package, Rel};

use super::numbering::{Numbered, Numbering};
use super::styles::{Role, Styles};
use super::Note;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Fmt {
    pub(super) b: bool,
    pub(super) i: bool,
    pub(super) u: bool,
    pub(super) s: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Url(String),
    /// A bookmark in the document.
    Anchor(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum SpanKind {
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
pub(super) struct Span {
    pub(super) kind: SpanKind,
    pub(super) fmt: Fmt,
    pub(super) link: Option<Target>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Para {
    pub(super) spans: Vec<Span>,
    pub(super) role: Role,
    pub(super) numbered: Option<(Numbered, usize)>,
    /// Bookmarks that start in the paragraph.
    pub(super) bookmarks: Vec<String>,
}

impl Para {
    pub(super) fn text(&self) -> String {
        let mut s = String::new();
        for sp in &self.spans {
            if let SpanKind::Text(t) = &sp.kind {
                s.push_str(t);
            }
        }
        s
    }
    pub(super) fn is_empty(&self) -> bool {
        self.spans.iter().all(|s| match &s.kind {
            SpanKind::Text(t) => t.trim().is_empty(),
            SpanKind::Break => true,
            _ => false,
        })
    }
    pub(super) fn all_bold(&self) -> bool {
        let mut any = false;
        for s in &self.spans {
            if let SpanKind::Text(t) = &s.kind {
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
pub(super) enum Item {
    Para(Para),
    /// Rows of cells; each cell is its paragraphs.
    Table {
        rows: Vec<Vec<Vec<Para>>>,
        loc: String,
    },
}

/// Where a paragraph is, for locations and what may appear there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Where {
    Body,
    Cell(usize, usize, usize),
    Note(String),
}

#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) instr: String,
    pub(super) in_result: bool,
    pub(super) link: Option<Target>,
    pub(super) toc: bool,
}

pub(super) struct Converter<'p> {
    pub(super) pkg: &'p mut Package,
    pub(super) rels: HashMap<String, Rel>,
    pub(super) styles: Styles,
    pub(super) numbering: Numbering,
    pub(super) footnotes: HashMap<String, Element>,
    pub(super) endnotes: HashMap<String, Element>,
    pub(super) comments: HashMap<String, (String, String)>,
    pub(super) notes: Vec<Note>,
    pub(super) images: Vec<(String, Vec<u8>)>,
    /// Image part → file name in the bundle.
    pub(super) image_names: HashMap<String, String>,
    /// (is endnote, id) → label; label → the note's paragraphs.
    pub(super) note_labels: HashMap<(bool, String), String>,
    pub(super) note_defs: Vec<(String, Vec<Para>)>,
    pub(super) fields: Vec<Field>,
    pub(super) paragraphs: usize,
    pub(super) tables: usize,
    pub(super) loc: String,
    pub(super) tracked: usize,
    pub(super) tracked_first: String,
    pub(super) field_kinds: BTreeMap<String, (usize, String)>,
    pub(super) toc_reported: bool,
    pub(super) bookmarks: Vec<String>,
}

#[derive(Debug, Clone)]
pub(super) enum Block {
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
pub(super) fn strip_prefix_bytes(spans: &mut Vec<Span>, mut bytes: usize) {
    let mut i = 0;
    while bytes > 0 && i < spans.len() {
        if let SpanKind::Text(t) = &mut spans[i].kind {
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
    spans.retain(|s| !matches!(&s.kind, SpanKind::Text(t) if t.is_empty()));
}

/// Split spans at byte offset `at` of their text.
pub(super) fn split_spans(spans: &[Span], at: usize) -> (Vec<Span>, Vec<Span>) {
    let mut left = Vec::new();
    let mut right = Vec::new();
    let mut pos = 0;
    for s in spans {
        match &s.kind {
            SpanKind::Text(t) if pos < at && pos + t.len() > at => {
                let mut cut = at - pos;
                while !t.is_char_boundary(cut) {
                    cut += 1;
                }
                left.push(Span {
                    kind: SpanKind::Text(t[..cut].to_string()),
                    ..s.clone()
                });
                right.push(Span {
                    kind: SpanKind::Text(t[cut..].to_string()),
                    ..s.clone()
                });
                pos += t.len();
            }
            SpanKind::Text(t) => {
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
pub(super) fn trim_spans(spans: &mut Vec<Span>) {
    while let Some(first) = spans.first_mut() {
        match &mut first.kind {
            SpanKind::Text(t) => {
                let trimmed = t.trim_start().to_string();
                if trimmed.is_empty() {
                    spans.remove(0);
                } else {
                    *t = trimmed;
                    break;
                }
            }
            SpanKind::Break => {
                spans.remove(0);
            }
            _ => break,
        }
    }
    while let Some(last) = spans.last_mut() {
        match &mut last.kind {
            SpanKind::Text(t) => {
                let trimmed = t.trim_end().to_string();
                if trimmed.is_empty() {
                    spans.pop();
                } else {
                    *t = trimmed;
                    break;
                }
            }
            SpanKind::Break => {
                spans.pop();
            }
            _ => break,
        }
    }
}

pub(super) fn strip_trailing(spans: &mut Vec<Span>, marks: &[char]) {
    if let Some(Span {
        kind: SpanKind::Text(t),
        ..
    }) = spans.last_mut()
    {
        let s = t.trim_end_matches(marks).trim_end().to_string();
        *t = s;
    }
    spans.retain(|s| !matches!(&s.kind, SpanKind::Text(t) if t.is_empty()));
}

pub(super) fn plain(spans: &[Span]) -> String {
    let mut s = String::new();
    for sp in spans {
        match &sp.kind {
            SpanKind::Text(t) => s.push_str(t),
            SpanKind::Break => s.push(' '),
            _ => {}
        }
    }
    s
}
