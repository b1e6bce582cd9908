//! The plain text (for search and descriptions), the word count, and which events make the
//! summary.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Rendered;

pub(super) fn plain_text(events: &[(Event<'_>, Range<usize>)], out: &mut Rendered) {
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
pub(super) fn summary_range(events: &[(Event<'_>, Range<usize>)]) -> Option<Range<usize>> {
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
