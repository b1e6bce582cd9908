//! Soft line breaks between Chinese characters are dropped: a browser shows the newline of
//! the source as a space, which Chinese text does not have.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::cjk::is_cjk;

/// Is `c` something a soft break may be dropped next to (CJK, or punctuation used in Chinese
/// text whose East Asian Width is ambiguous: quotes, dashes, ellipsis, middle dot)?
fn joins(c: char) -> bool {
    is_cjk(c) || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·' | '–')
}

pub(super) fn join_cjk_soft_breaks(events: &mut [(Event<'_>, Range<usize>)]) {
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
