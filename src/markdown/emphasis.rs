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

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::cjk::{is_cjk, is_punctuation, is_variation_selector};

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

/// Rewrite literal delimiter runs in `events` into emphasis where the amended rules allow.
/// `source` is the text the events' ranges index into.
pub fn apply(events: &mut Vec<(Event<'_>, Range<usize>)>, source: &str) {
    let any = events.iter().any(|(e, r)| match e {
        Event::Start(Tag::Emphasis | Tag::Strong) => true,
        Event::Text(t) => {
            (t.as_ref() == "*" || t.as_ref() == "_")
                && r.len() == 1
                && source.get(r.clone()) == Some(t.as_ref())
        }
        _ => false,
    });
    if !any {
        return;
    }
    if let Some(unwrapped) = unwrap_emphasis(events, source) {
        *events = unwrapped;
    }
    let mut levels: Vec<Vec<Run>> = vec![Vec::new()];
    let mut matched = false;
    let mut replacements: Vec<(usize, Event<'static>)> = Vec::new();
    let mut removed: Vec<usize> = Vec::new();
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(_) => {
                // A block inside a tight list item ends the item's text so far: delimiters
                // never pair across it.
                if line_edge(event) {
                    if let Some(top) = levels.last_mut() {
                        let runs = std::mem::take(top);
                        matched |= process(runs, events, source, &mut replacements, &mut removed);
                    }
                }
                levels.push(Vec::new());
            }
            Event::Rule => {
                if let Some(top) = levels.last_mut() {
                    let runs = std::mem::take(top);
                    matched |= process(runs, events, source, &mut replacements, &mut removed);
                }
            }
            Event::End(_) => {
                if let Some(runs) = levels.pop() {
                    matched |= process(runs, events, source, &mut replacements, &mut removed);
                }
            }
            Event::Text(t) if (t.as_ref() == "*" || t.as_ref() == "_") => {
                let range = range.clone();
                let ch = if t.as_ref() == "*" { '*' } else { '_' };
                if range.len() != 1
                    || source.get(range.clone()) != Some(t.as_ref())
                    || escaped(source, range.start)
                {
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
        matched |= process(runs, events, source, &mut replacements, &mut removed);
    }
    if !matched {
        return;
    }
    for (i, ev) in replacements {
        events[i].0 = ev;
    }
    removed.sort_unstable();
    let mut k = 0;
    let mut idx = 0;
    events.retain(|_| {
        let keep = !(k < removed.len() && removed[k] == idx);
        if !keep {
            k += 1;
        }
        idx += 1;
        keep
    });
}

/// pulldown-cmark's emphasis turned back into one literal `*`/`_` text event per delimiter
/// character, with its source range. `None` (leave the events as they are) if a delimiter is
/// not where its range says.
fn unwrap_emphasis<'a>(
    events: &[(Event<'a>, Range<usize>)],
    source: &str,
) -> Option<Vec<(Event<'a>, Range<usize>)>> {
    let delims = |at: usize, n: usize| -> Option<Vec<(Event<'a>, Range<usize>)>> {
        let text = source.get(at..at + n)?;
        let ch = match text.as_bytes().first()? {
            b'*' => "*",
            b'_' => "_",
            _ => return None,
        };
        if text.bytes().any(|b| b != ch.as_bytes()[0]) {
            return None;
        }
        Some(
            (at..at + n)
                .map(|i| (Event::Text(CowStr::Borrowed(ch)), i..i + 1))
                .collect(),
        )
    };
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut open: Vec<(usize, Range<usize>)> = Vec::new();
    for (event, range) in events {
        let n = match event {
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => 1,
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => 2,
            _ => {
                out.push((event.clone(), range.clone()));
                continue;
            }
        };
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
    open.is_empty().then_some(out)
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
        let before = if run.first == 0 || line_edge(&events[run.first - 1].0) {
            None
        } else {
            char_before(source, run.src.start)
        };
        let after = match events.get(run.first + run.len) {
            Some((e, _)) if !line_edge(e) => source[run.src.end..].chars().next(),
            _ => None,
        };
        let left = left_flanking(before, after);
        let right = right_flanking(before, after);
        if run.ch == '*' {
            run.can_open = left;
            run.can_close = right;
        } else {
            run.can_open = left && (!right || before.is_some_and(|c| is_punctuation(c.0)));
            run.can_close = right && (!left || after.is_some_and(is_punctuation));
        }
    }
    let mut any = false;
    // openers_bottom[char][closer can_open][len % 3]
    let mut bottom = [[[0usize; 3]; 2]; 2];
    let mut active: Vec<bool> = vec![true; runs.len()];
    for c in 0..runs.len() {
        if !runs[c].can_close || !active[c] {
            continue;
        }
        while runs[c].remaining > 0 {
            let ci = usize::from(runs[c].ch == '_');
            let co = usize::from(runs[c].can_open);
            let floor = bottom[ci][co][runs[c].len % 3];
            let mut found = None;
            let mut o = c;
            while o > floor {
                o -= 1;
                let op = &runs[o];
                if !active[o] || op.ch != runs[c].ch || !op.can_open || op.remaining == 0 {
                    continue;
                }
                let odd = (op.can_close || runs[c].can_open)
                    && (op.len + runs[c].len) % 3 == 0
                    && !(op.len % 3 == 0 && runs[c].len % 3 == 0);
                if odd {
                    continue;
                }
                found = Some(o);
                break;
            }
            let Some(o) = found else {
                bottom[ci][co][runs[c].len % 3] = c;
                if !runs[c].can_open {
                    active[c] = false;
                }
                break;
            };
            let used = if runs[o].remaining >= 2 && runs[c].remaining >= 2 {
                2
            } else {
                1
            };
            let (start, end) = if used == 2 {
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

/// The character before `at`, and whether it is a variation selector following a CJK
/// character (a "CJK sequence"). Returns (effective char, was_variation_sequence).
fn char_before(source: &str, at: usize) -> Option<(char, bool)> {
    let mut it = source[..at].chars().rev();
    let c = it.next()?;
    if is_variation_selector(c) {
        let base = it.next()?;
        return Some((base, true));
    }
    Some((c, false))
}

fn is_ws(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

fn non_cjk_punct(c: char) -> bool {
    is_punctuation(c) && !is_cjk(c)
}

/// Left-flanking under the amendment: not followed by whitespace, and either not followed by
/// a non-CJK punctuation character, or followed by one and preceded by whitespace, non-CJK
/// punctuation, a CJK character (sequence) or an ideographic variation selector.
fn left_flanking(before: Option<(char, bool)>, after: Option<char>) -> bool {
    if is_ws(after) {
        return false;
    }
    let Some(a) = after else { return false };
    if !non_cjk_punct(a) {
        return true;
    }
    match before {
        None => true,
        Some((b, _)) => {
            b.is_whitespace()
                || non_cjk_punct(b)
                || is_cjk(b)
                || (0xE0100..=0xE01EF).contains(&(b as u32))
        }
    }
}

/// Right-flanking under the amendment: not preceded by whitespace, and either not preceded by
/// a non-CJK punctuation sequence, or preceded by one and followed by whitespace, non-CJK
/// punctuation or a CJK character.
fn right_flanking(before: Option<(char, bool)>, after: Option<char>) -> bool {
    let Some((b, _)) = before else { return false };
    if b.is_whitespace() {
        return false;
    }
    if !non_cjk_punct(b) {
        return true;
    }
    match after {
        None => true,
        Some(a) => a.is_whitespace() || non_cjk_punct(a) || is_cjk(a),
    }
}
