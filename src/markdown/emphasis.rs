//! CJK-friendly emphasis, applied around pulldown-cmark.
//!
//! CommonMark's flanking rules leave the asterisks literal in `这是**“加粗”**文字` or
//! `**重要提示：**请注意`, because the character just inside the delimiter is punctuation and
//! the one outside is a Chinese character (commonmark-spec issue 650). pulldown-cmark 0.13 has
//! no option for the CJK-friendly amendment
//! (<https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md>), so this pass
//! runs after it: every delimiter run that pulldown-cmark left as literal text is classified
//! again with the amended flanking rules (using the characters around it in the source) and
//! paired with the CommonMark "process emphasis" algorithm, one inline container at a time.
//! The emphasis pulldown-cmark did match is first turned back into delimiters and everything is
//! paired again, so that
//! `**重要提示：**请注意**安全**。` gives two bold spans rather than pulldown-cmark's nesting
//! of the wrong pairs. The amended rules equal CommonMark's wherever no CJK character is
//! next to a delimiter, so Latin emphasis is unchanged.
//!
//! Delimiters are found in the text itself, not only among the events pulldown-cmark gave
//! them: a `*` or `_` that CommonMark says can neither open nor close (`。︁_Traditional._`, where
//! a variation selector comes before the `_`) is merged into the surrounding text event, so
//! every literal text event is split at its delimiter characters first.
//!
//! `~~` strikethrough follows the same amendment: pulldown-cmark lets `~~` open wherever it is
//! not followed by whitespace, and closing uses the amended right-flanking rule, so
//! `~~删除。~~下一句` and `这是~~“错误”~~的` strike through. A single `~` keeps pulldown-cmark's
//! rules (it is common in Chinese text as a range, `3~5年`).

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use crate::cjk::{
    is_cjk, is_cjk_ambiguous_punctuation, is_general_variation_selector,
    is_ideographic_variation_selector, is_punctuation,
};

#[derive(Debug, Clone)]
struct Run {
    /// Index of the run's first event (each delimiter character is one event).
    first: usize,
    len: usize,
    ch: char,
    /// Characters not yet used.
    remaining: usize,
    /// Characters used as a closer (taken from the run's start; an opener takes from its end).
    closed: usize,
    can_open: bool,
    can_close: bool,
    /// Source byte range of the whole run.
    src: Range<usize>,
}

/// Events with their source ranges.
type Events<'a> = Vec<(Event<'a>, Range<usize>)>;

fn is_delimiter(b: u8) -> bool {
    matches!(b, b'*' | b'_' | b'~')
}

/// Is `t` (at `r`) text exactly as written in the source (no escape or entity decoded)?
fn literal(t: &str, r: &Range<usize>, source: &str) -> bool {
    source.get(r.clone()) == Some(t)
}

/// Rewrite literal delimiter runs in `events` into emphasis and strikethrough where the
/// amended rules allow. `source` is the text the events' ranges index into.
pub(super) fn apply<'a>(events: &mut Vec<(Event<'a>, Range<usize>)>, source: &'a str) {
    let any = events.iter().any(|(e, r)| match e {
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => true,
        Event::Text(t) => t.bytes().any(is_delimiter) && literal(t, r, source),
        _ => false,
    });
    if !any {
        return;
    }
    let Some((mut work, unwrapped)) = delimiter_events(events, source) else {
        return;
    };
    let mut levels: Vec<Vec<Run>> = vec![Vec::new()];
    let mut matched = false;
    let mut replacements: Vec<(usize, Event<'static>)> = Vec::new();
    let mut removed: Vec<usize> = Vec::new();
    for (i, (event, range)) in work.iter().enumerate() {
        match event {
            Event::Start(_) => {
                // A block inside a tight list item ends the item's text so far: delimiters
                // never pair across it.
                if line_edge(event) {
                    if let Some(top) = levels.last_mut() {
                        let runs = std::mem::take(top);
                        matched |= process(runs, &work, source, &mut replacements, &mut removed);
                    }
                }
                levels.push(Vec::new());
            }
            Event::Rule => {
                if let Some(top) = levels.last_mut() {
                    let runs = std::mem::take(top);
                    matched |= process(runs, &work, source, &mut replacements, &mut removed);
                }
            }
            Event::End(_) => {
                if let Some(runs) = levels.pop() {
                    matched |= process(runs, &work, source, &mut replacements, &mut removed);
                }
            }
            Event::Text(t) if matches!(t.as_ref(), "*" | "_" | "~") => {
                let range = range.clone();
                let ch = t.chars().next().unwrap_or('*');
                if range.len() != 1 || !literal(t, &range, source) || escaped(source, range.start) {
                    continue;
                }
                let Some(runs) = levels.last_mut() else {
                    continue;
                };
                match runs.last_mut() {
                    Some(run)
                        if run.ch == ch
                            && run.first + run.len == i
                            && run.src.end == range.start =>
                    {
                        run.len += 1;
                        run.remaining += 1;
                        run.src.end = range.end;
                    }
                    _ => runs.push(Run {
                        first: i,
                        len: 1,
                        ch,
                        remaining: 1,
                        closed: 0,
                        can_open: false,
                        can_close: false,
                        src: range,
                    }),
                }
            }
            _ => {}
        }
    }
    while let Some(runs) = levels.pop() {
        matched |= process(runs, &work, source, &mut replacements, &mut removed);
    }
    // Emphasis pulldown-cmark matched that the amended rules do not keep (`**“Git”︀**Hub`)
    // is written as its delimiters.
    if !matched && !unwrapped {
        return;
    }
    for (i, ev) in replacements {
        work[i].0 = ev;
    }
    removed.sort_unstable();
    let mut k = 0;
    let mut idx = 0;
    work.retain(|_| {
        let keep = !(k < removed.len() && removed[k] == idx);
        if !keep {
            k += 1;
        }
        idx += 1;
        keep
    });
    *events = work;
}

/// The events with every delimiter character as a literal `*`/`_`/`~` text event of its own,
/// with its source range: pulldown-cmark's emphasis and strikethrough are turned back into
/// their delimiters, and literal text events are split at delimiter characters (outside code
/// blocks and autolinks). `None` (leave the events as they are) if a delimiter is not where
/// its range says; with the events, whether any emphasis or strikethrough was turned back.
fn delimiter_events<'a>(
    events: &[(Event<'a>, Range<usize>)],
    source: &'a str,
) -> Option<(Events<'a>, bool)> {
    let delims = |at: usize, n: usize| -> Option<Vec<(Event<'a>, Range<usize>)>> {
        let text = source.get(at..at + n)?;
        let first = *text.as_bytes().first()?;
        if !is_delimiter(first) || text.bytes().any(|b| b != first) {
            return None;
        }
        Some(
            (at..at + n)
                .map(|i| (Event::Text(CowStr::Borrowed(&source[i..i + 1])), i..i + 1))
                .collect(),
        )
    };
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut open: Vec<(usize, Range<usize>)> = Vec::new();
    // Inside a code block or an autolink, text is never emphasis.
    let mut opaque = 0usize;
    for (event, range) in events {
        let n = match event {
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => 1,
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => 2,
            Event::Start(Tag::Strikethrough) => {
                let tildes = source
                    .get(range.clone())?
                    .bytes()
                    .take_while(|&b| b == b'~');
                tildes.count().min(2)
            }
            Event::End(TagEnd::Strikethrough) => open.last()?.0,
            Event::Start(
                Tag::CodeBlock(_)
                | Tag::Link {
                    link_type: LinkType::Autolink | LinkType::Email,
                    ..
                },
            ) => {
                opaque += 1;
                out.push((event.clone(), range.clone()));
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                opaque = opaque.saturating_sub(1);
                out.push((event.clone(), range.clone()));
                continue;
            }
            Event::End(TagEnd::Link) if opaque > 0 => {
                opaque -= 1;
                out.push((event.clone(), range.clone()));
                continue;
            }
            Event::Text(t)
                if opaque == 0 && t.bytes().any(is_delimiter) && literal(t, range, source) =>
            {
                split_text(&mut out, range.clone(), source);
                continue;
            }
            _ => {
                out.push((event.clone(), range.clone()));
                continue;
            }
        };
        if n == 0 {
            return None;
        }
        if matches!(event, Event::Start(_)) {
            out.extend(delims(range.start, n)?);
            open.push((n, range.clone()));
        } else {
            let (m, r) = open.pop()?;
            if m != n || r.end < n {
                return None;
            }
            out.extend(delims(r.end - n, n)?);
        }
    }
    let unwrapped = out.len() != events.len()
        || events.iter().any(|(e, _)| {
            matches!(
                e,
                Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            )
        });
    open.is_empty().then_some((out, unwrapped))
}

/// Push the text at `range` as text events, each delimiter character one event of its own.
fn split_text<'a>(out: &mut Vec<(Event<'a>, Range<usize>)>, range: Range<usize>, source: &'a str) {
    let mut done = range.start;
    for (i, b) in source.as_bytes()[range.clone()].iter().enumerate() {
        if !is_delimiter(*b) {
            continue;
        }
        let at = range.start + i;
        if done < at {
            out.push((Event::Text(CowStr::Borrowed(&source[done..at])), done..at));
        }
        out.push((
            Event::Text(CowStr::Borrowed(&source[at..at + 1])),
            at..at + 1,
        ));
        done = at + 1;
    }
    if done < range.end {
        out.push((
            Event::Text(CowStr::Borrowed(&source[done..range.end])),
            done..range.end,
        ));
    }
}

/// Backslash-escaped? (an odd number of backslashes before `at`)
fn escaped(source: &str, at: usize) -> bool {
    source.as_bytes()[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// Is this event a block boundary or a line break (whitespace for flanking purposes)?
fn line_edge(e: &Event<'_>) -> bool {
    let inline = |t: &Tag<'_>| {
        matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript
        )
    };
    match e {
        Event::Start(t) => !inline(t),
        Event::End(t) => !matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        ),
        Event::SoftBreak | Event::HardBreak => true,
        _ => false,
    }
}

fn process(
    mut runs: Vec<Run>,
    events: &[(Event<'_>, Range<usize>)],
    source: &str,
    replacements: &mut Vec<(usize, Event<'static>)>,
    removed: &mut Vec<usize>,
) -> bool {
    if runs.len() < 2 {
        return false;
    }
    for run in &mut runs {
        // At the start or end of a block's line the neighbour in the source may be a container
        // marker (`>` of a quote, `|` of a table); CommonMark counts it as whitespace.
        let at_start = run.first == 0 || line_edge(&events[run.first - 1].0);
        let (before, prev) = if at_start {
            (Before::Space, None)
        } else {
            (
                before_class(source, run.src.start),
                source[..run.src.start].chars().next_back(),
            )
        };
        let after = match events.get(run.first + run.len) {
            Some((e, _)) if !line_edge(e) => source[run.src.end..].chars().next(),
            _ => None,
        };
        let left = left_flanking(before, after);
        let right = right_flanking(before, after);
        let (can_open, can_close) = match (run.ch, run.len) {
            ('*', _) => (left, right),
            ('_', _) => (
                left && (!right || before.is_punctuation()),
                right && (!left || after.is_some_and(is_punctuation)),
            ),
            // pulldown-cmark's rule for opening `~~` (not followed by whitespace) already
            // allows everything the amendment does; closing is right-flanking.
            ('~', 2) => (!is_ws(after), right),
            // A single `~` as pulldown-cmark has it: it cannot be inside a word.
            ('~', 1) => (
                !is_ws(after) && prev.is_none_or(|p| p.is_whitespace() || is_punctuation(p)),
                prev.is_some_and(|p| !p.is_whitespace())
                    && after.is_none_or(|a| a.is_whitespace() || is_punctuation(a)),
            ),
            // `~~~` and longer never strike through.
            _ => (false, false),
        };
        run.can_open = can_open;
        run.can_close = can_close;
    }
    let mut any = false;
    // openers_bottom[char][closer can_open][len % 3] for `*` and `_`; one for all tildes.
    let mut bottom = [[[0usize; 3]; 2]; 2];
    let mut tilde_bottom = 0usize;
    let mut active: Vec<bool> = vec![true; runs.len()];
    for c in 0..runs.len() {
        if !runs[c].can_close || !active[c] {
            continue;
        }
        let tilde = runs[c].ch == '~';
        while runs[c].remaining > 0 {
            let ci = usize::from(runs[c].ch == '_');
            let co = usize::from(runs[c].can_open);
            let floor = if tilde {
                tilde_bottom
            } else {
                bottom[ci][co][runs[c].len % 3]
            };
            let mut found = None;
            let mut o = c;
            while o > floor {
                o -= 1;
                let op = &runs[o];
                if !active[o] || op.ch != runs[c].ch || !op.can_open || op.remaining == 0 {
                    continue;
                }
                // Strikethrough pairs runs of the same length, each used whole.
                if tilde && (op.len != runs[c].len || op.remaining != op.len) {
                    continue;
                }
                let odd = (op.can_close || runs[c].can_open)
                    && (op.len + runs[c].len).is_multiple_of(3)
                    && !(op.len.is_multiple_of(3) && runs[c].len.is_multiple_of(3));
                if odd && !tilde {
                    continue;
                }
                found = Some(o);
                break;
            }
            let Some(o) = found else {
                if tilde {
                    tilde_bottom = c;
                } else {
                    bottom[ci][co][runs[c].len % 3] = c;
                }
                if !runs[c].can_open {
                    active[c] = false;
                }
                break;
            };
            let used = if tilde {
                runs[c].len
            } else if runs[o].remaining >= 2 && runs[c].remaining >= 2 {
                2
            } else {
                1
            };
            let (start, end) = if tilde {
                (
                    Event::Start(Tag::Strikethrough),
                    Event::End(TagEnd::Strikethrough),
                )
            } else if used == 2 {
                (Event::Start(Tag::Strong), Event::End(TagEnd::Strong))
            } else {
                (Event::Start(Tag::Emphasis), Event::End(TagEnd::Emphasis))
            };
            // An opener's unused characters end where its run ends minus those it already
            // gave to inner pairs; a run that closed something first has used its start.
            let op_at = runs[o].first + runs[o].closed + runs[o].remaining - used;
            replacements.push((op_at, start));
            removed.extend(op_at + 1..op_at + used);
            let cl_at = runs[c].first + runs[c].closed;
            replacements.push((cl_at, end));
            removed.extend(cl_at + 1..cl_at + used);
            runs[o].remaining -= used;
            runs[c].remaining -= used;
            runs[c].closed += used;
            for a in active.iter_mut().take(c).skip(o + 1) {
                *a = false;
            }
            if runs[o].remaining == 0 {
                active[o] = false;
            }
            any = true;
        }
    }
    any
}

/// What comes before a delimiter run, in the terms of the amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Before {
    /// Whitespace, or the start of the line.
    Space,
    /// A non-CJK punctuation sequence (`.`, `”`, `)`, optionally with a variation selector).
    Punct,
    /// A CJK punctuation sequence (`。`, `）`, `」`, or a quote with U+FE01).
    CjkPunct,
    /// A CJK character (sequence) that is not punctuation.
    Cjk,
    /// An ideographic variation selector.
    Ivs,
    /// Anything else: letters, digits, combining marks, format characters (U+200B).
    Other,
}

impl Before {
    /// A Unicode punctuation sequence (CJK or not).
    fn is_punctuation(self) -> bool {
        matches!(self, Before::Punct | Before::CjkPunct)
    }
}

fn class_of(c: char) -> Before {
    match (is_punctuation(c), is_cjk(c)) {
        (true, true) => Before::CjkPunct,
        (true, false) => Before::Punct,
        (false, true) => Before::Cjk,
        (false, false) => Before::Other,
    }
}

/// The class of the text before byte `at`: a general-use variation selector belongs to the
/// character it follows (`。︀` is CJK punctuation, `”︁` a CJK ambiguous punctuation sequence).
fn before_class(source: &str, at: usize) -> Before {
    let mut it = source[..at].chars().rev();
    let Some(c) = it.next() else {
        return Before::Space;
    };
    if c.is_whitespace() {
        return Before::Space;
    }
    if is_ideographic_variation_selector(c) {
        return Before::Ivs;
    }
    if is_general_variation_selector(c) {
        return match it.next() {
            Some(base) if is_cjk_ambiguous_punctuation(base, c) => Before::CjkPunct,
            // After whitespace the specification leaves it unspecified; a mark, like a letter.
            Some(base) if !base.is_whitespace() => class_of(base),
            _ => Before::Other,
        };
    }
    class_of(c)
}

fn is_ws(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

fn non_cjk_punct(c: char) -> bool {
    is_punctuation(c) && !is_cjk(c)
}

/// Left-flanking under the amendment: not followed by whitespace, and either not followed by
/// a non-CJK punctuation character, or followed by one and preceded by whitespace, a non-CJK
/// punctuation sequence, a CJK sequence or an ideographic variation selector.
fn left_flanking(before: Before, after: Option<char>) -> bool {
    let Some(a) = after.filter(|a| !a.is_whitespace()) else {
        return false;
    };
    !non_cjk_punct(a) || before != Before::Other
}

/// Right-flanking under the amendment: not preceded by whitespace, and either not preceded by
/// a non-CJK punctuation sequence, or preceded by one and followed by whitespace, a non-CJK
/// punctuation character or a CJK character.
fn right_flanking(before: Before, after: Option<char>) -> bool {
    match before {
        Before::Space => false,
        Before::Punct => after.is_none_or(|a| a.is_whitespace() || non_cjk_punct(a) || is_cjk(a)),
        _ => true,
    }
}
