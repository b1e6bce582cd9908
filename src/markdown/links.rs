//! Links and images: each destination is classified (a page, an anchor, a file, or a
//! mistake), recorded with its line and column, and replaced by a placeholder that
//! [`fill_placeholders`] replaces with the final URL once resolve knows every page's URL.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::percent::percent_decode;
use super::Rendered;
use crate::html::{escaped_attr_len, push_escaped_attr};

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
fn placeholder(i: usize) -> String {
    format!("zhiku-link:{i}")
}

/// Byte offset → (line, column) in the file.
pub(super) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    first_line: usize,
    /// The last position asked for: (line index, byte offset, column). Links come in document
    /// order, so the next column is counted from here, not from the line's start: many links
    /// on one long line cost linear time, not quadratic.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub(super) fn new(text: &'a str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            starts,
            first_line,
            last: std::cell::Cell::new((0, 0, 1)),
        }
    }
    pub(super) fn position(&self, offset: usize) -> (usize, usize) {
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

/// Classify a link destination. `None`: external or otherwise left as written. (Public for
/// the `links` fuzz target.)
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

pub(super) fn collect_links(
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
pub(super) const P: &str = "=\"zhiku-link:";

/// Where the next [`P`] starts in `s`. Found by its `z` (a fast byte search: the letter is
/// rare in the HTML of Chinese text), then checked around it.
pub(super) fn find_placeholder(s: &str) -> Option<usize> {
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
