//! The module handout (`<module>/print/`): the lessons in order, and as an appendix the case
//! passages they cite, once each, with every link pointing inside the handout.
//!
//! Paper has no links: a link to a lesson of the module points to that lesson in the handout,
//! a link to a heading of another page (a case) to that passage in the appendix, a link to a
//! page with passages in the appendix to its first one, and any other link becomes plain
//! text. Nothing prints a URL.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::site::Site;

use super::context::Values;

/// The lessons (`pages`) and the appendix of one module's handout.
pub(crate) struct Handout {
    /// Page summaries with `content` (ids prefixed `l<n>-`, links rewritten), `anchor`,
    /// `number`, `quiz` and `cases` (each with `anchor` when it is in the appendix).
    pub pages: Vec<Value>,
    /// `[{title, anchor, source, content}]`: the cited passages of each case, in the order
    /// the case was first cited.
    pub appendix: Vec<Value>,
    /// The section's own text (its introduction), links rewritten like the lessons'.
    pub intro: String,
}

/// Where a link goes in the handout.
enum Target {
    Lesson(usize),
    Page(usize),
}

/// A heading section of a page's HTML: `[start, end)` byte range, from the heading's `<hN`
/// to the next heading of level N or higher.
fn heading_range(html: &str, id: &str) -> Option<(usize, usize)> {
    let needle = format!(" id=\"{}\"", crate::markdown::escape_attr(id));
    let mut from = 0;
    while let Some(at) = html[from..].find(&needle) {
        let at = from + at;
        from = at + needle.len();
        let Some(open) = html[..at].rfind('<') else {
            continue;
        };
        let tag = &html[open..at];
        let b = tag.as_bytes();
        if tag.len() == 3 && b[1] == b'h' && (b'1'..=b'6').contains(&b[2]) {
            let level = b[2];
            let mut end = html.len();
            let mut k = from;
            while let Some(x) = html[k..].find("<h") {
                let x = k + x;
                let nb = html.as_bytes();
                if x + 3 <= html.len()
                    && (b'1'..=level).contains(&nb[x + 2])
                    && matches!(nb.get(x + 3), Some(b' ') | Some(b'>'))
                {
                    end = x;
                    break;
                }
                k = x + 2;
            }
            return Some((open, end));
        }
    }
    None
}

/// Headings one level down (`h2` → `h3`, …, `h5` → `h6`).
fn shift_headings(html: &str) -> String {
    let mut s = html.to_string();
    for level in (2..=5).rev() {
        s = s
            .replace(&format!("<h{level}"), &format!("<h{}", level + 1))
            .replace(&format!("</h{level}>"), &format!("</h{}>", level + 1));
    }
    s
}

/// Rewrite every `<a href="…">` that is not a same-page link with `rewrite(href)`: `Some`
/// new target (`#…`), or `None` to keep the link's text only.
fn rewrite_links(html: &str, mut rewrite: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<a ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(tag_end) = tail.find('>') else {
            out.push_str(tail);
            return out;
        };
        let tag = &tail[..=tag_end];
        let href = tag
            .split_once("href=\"")
            .and_then(|(_, h)| h.split_once('"'))
            .map(|(h, _)| h);
        match href {
            Some(h) if !h.starts_with('#') => {
                let close = tail[tag_end..].find("</a>").map(|c| tag_end + c);
                match (rewrite(h), close) {
                    (Some(new), _) => {
                        out.push_str(&format!("<a href=\"{new}\">"));
                        rest = &tail[tag_end + 1..];
                        continue;
                    }
                    (None, Some(close)) => {
                        out.push_str(&tail[tag_end + 1..close]);
                        rest = &tail[close + 4..];
                        continue;
                    }
                    (None, None) => {}
                }
                out.push_str(tag);
                rest = &tail[tag_end + 1..];
            }
            _ => {
                out.push_str(tag);
                rest = &tail[tag_end + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Keep only the text of same-page links (`href="#…"`) whose target is not in `ids` (a
/// footnote reference in a cited passage whose note was not cited with it).
fn unwrap_dangling(html: &str, ids: &std::collections::HashSet<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<a href=\"#") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let start = "<a href=\"#".len();
        let (Some(q), Some(tag_end)) = (tail[start..].find('"'), tail.find('>')) else {
            out.push_str(tail);
            return out;
        };
        let id = decode_href(&tail[start..start + q]);
        let close = tail[tag_end..].find("</a>").map(|c| tag_end + c);
        match close {
            Some(close) if !ids.contains(&id) => {
                out.push_str(&tail[tag_end + 1..close]);
                rest = &tail[close + 4..];
            }
            _ => {
                out.push_str(&tail[..=tag_end]);
                rest = &tail[tag_end + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `id="…"` values of `html`.
fn ids_of(html: &str, into: &mut std::collections::HashSet<String>) {
    for part in html.split(" id=\"").skip(1) {
        if let Some(id) = part.split('"').next() {
            into.insert(decode_href(id));
        }
    }
}

/// Decode `%XX` escapes and the HTML entity `&amp;` of an href.
fn decode_href(h: &str) -> String {
    let h = h.replace("&amp;", "&");
    let bytes = h.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(a), Some(b)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((a * 16 + b) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or(h)
}

/// URL → page, made once a build (when the first handout needs it).
fn pages_by_url<'v>(site: &Site, values: &'v Values) -> &'v HashMap<String, usize> {
    values.page_by_url.get_or_init(|| {
        site.pages
            .iter()
            .enumerate()
            .map(|(i, p)| (site.url(&p.path), i))
            .collect()
    })
}

/// The non-same-page hrefs of `html`, as [`rewrite_links`] sees them.
fn hrefs(html: &str, mut each: impl FnMut(&str)) {
    let mut rest = html;
    while let Some(at) = rest.find("<a ") {
        let tail = &rest[at..];
        let Some(tag_end) = tail.find('>') else {
            return;
        };
        let href = tail[..tag_end]
            .split_once("href=\"")
            .and_then(|(_, h)| h.split_once('"'))
            .map(|(h, _)| h);
        if let Some(h) = href.filter(|h| !h.starts_with('#')) {
            each(h);
        }
        rest = &tail[tag_end + 1..];
    }
}

/// A fingerprint of everything [`build`] reads for section `section`, made without building
/// the handout: serve keeps a print page whose handout's inputs did not change without making
/// it (a handout holds the text of every lesson, and each print page was made again on every
/// save). What it covers: the section's text; each lesson's summary, text and quiz; which page
/// (if any) every link of those texts goes to, and for a link to a heading the passage it
/// cites (or that there is none); and of each cited page its title and source, and where the
/// links of its cited passages go.
pub(crate) fn fingerprint(site: &Site, values: &Values, section: usize) -> u64 {
    use crate::fingerprint::Fingerprint;
    use std::hash::{Hash, Hasher};
    let pages_by_url = pages_by_url(site, values);
    // Where a link goes (u64::MAX: to no page), and for a link to a heading of a page the
    // passage it cites (or 0: none), which `cites` then lists.
    let link =
        |h: &mut Fingerprint, href: &str, cites: Option<&mut Vec<(usize, (usize, usize))>>| {
            let d = decode_href(href);
            let (url, frag) = d.split_once('#').unwrap_or((&d, ""));
            let Some(&q) = pages_by_url.get(url) else {
                h.write_u64(u64::MAX);
                return;
            };
            h.write_usize(q);
            if let (Some(cites), false) = (cites, frag.is_empty()) {
                let html = &site.pages[q].resolved.html;
                match heading_range(html, frag) {
                    Some((a, b)) => {
                        html[a..b].hash(h);
                        cites.push((q, (a, b)));
                    }
                    None => h.write_u8(0),
                }
            }
        };
    let mut h = crate::fingerprint::hasher();
    let s = &site.sections[section];
    section.hash(&mut h);
    s.resolved.html.hash(&mut h);
    hrefs(&s.resolved.html, |href| link(&mut h, href, None));
    let mut cites = Vec::new();
    for &p in &s.pages {
        let page = &site.pages[p];
        h.write_usize(p.0);
        h.write_u64(values.pages.fingerprint(p));
        page.resolved.html.hash(&mut h);
        h.write_u64(crate::fingerprint::of_json(&super::context::quiz_value(
            page,
        )));
        hrefs(&page.resolved.html, |href| {
            link(&mut h, href, Some(&mut cites))
        });
    }
    // Each cited page's title and source, and where its cited passages' links go (their
    // text is hashed above).
    cites.sort_unstable();
    cites.dedup();
    let mut last = None;
    for (q, (a, b)) in cites {
        let page = &site.pages[q];
        if last != Some(q) {
            page.meta.fields.title.hash(&mut h);
            h.write_u64(crate::fingerprint::of_serialize(&page.meta.fields.source));
            last = Some(q);
        }
        hrefs(&page.resolved.html[a..b], |href| link(&mut h, href, None));
    }
    h.finish()
}

/// Build the handout of section `section`.
pub(crate) fn build(site: &Site, values: &Values, section: usize) -> Handout {
    let lessons = &site.sections[section].pages;
    // URL → where it goes.
    let pages_by_url = pages_by_url(site, values);
    let lesson_by_url: HashMap<String, usize> = lessons
        .iter()
        .enumerate()
        .map(|(n, &p)| (site.url(&site.pages[p].path), n))
        .collect();
    let target = |url: &str| -> Option<Target> {
        match lesson_by_url.get(url) {
            Some(&n) => Some(Target::Lesson(n)),
            None => pages_by_url.get(url).map(|&q| Target::Page(q)),
        }
    };
    let split = |h: &str| -> (String, Option<String>) {
        let h = decode_href(h);
        match h.split_once('#') {
            Some((u, f)) if !f.is_empty() => (u.to_string(), Some(f.to_string())),
            Some((u, _)) => (u.to_string(), None),
            None => (h, None),
        }
    };
    // First pass: the passages cited (page → heading ids, in order of first citation).
    let mut cited: Vec<(usize, Vec<String>)> = Vec::new();
    for &p in lessons {
        hrefs(&site.pages[p].resolved.html, |h| {
            let (url, frag) = split(h);
            if let (Some(Target::Page(q)), Some(f)) = (target(&url), frag) {
                if heading_range(&site.pages[q].resolved.html, &f).is_some() {
                    match cited.iter_mut().find(|(c, _)| *c == q) {
                        Some((_, ids)) if ids.contains(&f) => {}
                        Some((_, ids)) => ids.push(f),
                        None => cited.push((q, vec![f])),
                    }
                }
            }
        });
    }
    let in_appendix: HashMap<usize, usize> = cited
        .iter()
        .enumerate()
        .map(|(k, (q, _))| (*q, k + 1))
        .collect();
    // Where a link goes: `#l<n>` / `#l<n>-<id>` for lessons, `#c<k>-<id>` for a cited
    // passage, `#c<k>` for a page with passages in the appendix; else no link.
    let resolve = |h: &str| -> Option<String> {
        let (url, frag) = split(h);
        match (target(&url)?, frag) {
            (Target::Lesson(n), None) => Some(format!("#l{}", n + 1)),
            (Target::Lesson(n), Some(f)) => Some(format!("#l{}-{f}", n + 1)),
            (Target::Page(q), Some(f)) => {
                let k = in_appendix.get(&q)?;
                heading_range(&site.pages[q].resolved.html, &f)?;
                Some(format!("#c{k}-{f}"))
            }
            (Target::Page(q), None) => in_appendix.get(&q).map(|k| format!("#c{k}")),
        }
    };
    let pages: Vec<Value> = lessons
        .iter()
        .enumerate()
        .map(|(n, &p)| {
            let page = &site.pages[p];
            let mut v = values.pages.value(p);
            let html = super::prefix_ids(&page.resolved.html, &format!("l{}-", n + 1));
            v["content"] = Value::String(rewrite_links(&html, resolve));
            v["anchor"] = Value::String(format!("l{}", n + 1));
            v["number"] = json!(n + 1);
            v["quiz"] = super::context::quiz_value(page);
            if let Value::Array(cases) = &mut v["cases"] {
                for c in cases.iter_mut() {
                    let url = c["url"].as_str().unwrap_or_default().to_string();
                    if let Some(Target::Page(q)) = target(&url) {
                        if let Some(k) = in_appendix.get(&q) {
                            c["anchor"] = Value::String(format!("c{k}"));
                        }
                    }
                }
            }
            v
        })
        .collect();
    let appendix: Vec<Value> = cited
        .iter()
        .enumerate()
        .map(|(k, (q, ids))| {
            let page = &site.pages[*q];
            let html = &page.resolved.html;
            let mut ranges: Vec<(usize, usize)> =
                ids.iter().filter_map(|f| heading_range(html, f)).collect();
            ranges.sort();
            // Heading sections are nested or apart: keep the outermost.
            let mut kept: Vec<(usize, usize)> = Vec::new();
            for r in ranges {
                match kept.last() {
                    Some(&(_, end)) if r.0 < end => {}
                    _ => kept.push(r),
                }
            }
            let passages: String = kept.iter().map(|&(a, b)| &html[a..b]).collect();
            let prefixed = super::prefix_ids(&passages, &format!("c{}-", k + 1));
            let content = shift_headings(&rewrite_links(&prefixed, resolve));
            json!({
                "title": page.meta.fields.title,
                "anchor": format!("c{}", k + 1),
                // As the case's summary shows it (not the whole summary made for one field).
                "source": page.meta.fields.source,
                "content": content,
            })
        })
        .collect();
    let intro = rewrite_links(&site.sections[section].resolved.html, resolve);
    // Same-page links whose target did not come into the handout become text.
    let mut ids = std::collections::HashSet::new();
    let mut pages: Vec<Value> = pages;
    let mut appendix: Vec<Value> = appendix;
    for v in pages.iter().chain(appendix.iter()) {
        ids_of(v["content"].as_str().unwrap_or_default(), &mut ids);
        if let Some(a) = v["anchor"].as_str() {
            ids.insert(a.to_string());
        }
    }
    ids_of(&intro, &mut ids);
    for v in pages.iter_mut().chain(appendix.iter_mut()) {
        let html = unwrap_dangling(v["content"].as_str().unwrap_or_default(), &ids);
        v["content"] = Value::String(html);
    }
    let intro = unwrap_dangling(&intro, &ids);
    Handout {
        pages,
        appendix,
        intro,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_sections_end_at_the_next_heading_of_their_level() {
        let html = "<h2 id=\"a\">A</h2>\n<p>x</p>\n<h3 id=\"b\">B</h3>\n<p>y</p>\n<hr />\n<h2 id=\"c\">C</h2>\n<p>z</p>\n";
        let (s, e) = heading_range(html, "a").unwrap();
        assert_eq!(
            &html[s..e],
            "<h2 id=\"a\">A</h2>\n<p>x</p>\n<h3 id=\"b\">B</h3>\n<p>y</p>\n<hr />\n"
        );
        let (s, e) = heading_range(html, "b").unwrap();
        assert_eq!(&html[s..e], "<h3 id=\"b\">B</h3>\n<p>y</p>\n<hr />\n");
        let (s, e) = heading_range(html, "c").unwrap();
        assert_eq!(&html[s..e], "<h2 id=\"c\">C</h2>\n<p>z</p>\n");
        assert!(heading_range(html, "x").is_none());
        // An id on something that is not a heading is not a passage.
        assert!(heading_range("<p id=\"a\">x</p>", "a").is_none());
    }

    #[test]
    fn same_page_links_to_what_is_not_in_the_handout_become_text() {
        let ids: std::collections::HashSet<String> = ["c1-背景".to_string()].into();
        let html = "<a href=\"#c1-背景\">背景</a><sup><a href=\"#c1-fn-1\">1</a></sup>";
        assert_eq!(
            unwrap_dangling(html, &ids),
            "<a href=\"#c1-背景\">背景</a><sup>1</sup>"
        );
    }

    #[test]
    fn links_are_rewritten_or_become_text() {
        let html = "<p><a href=\"/a/\">甲</a>、<a href=\"#x\">乙</a>、<a href=\"https://e.org/\" title=\"t\">丙</a></p>";
        let out = rewrite_links(html, |h| (h == "/a/").then(|| "#l1".to_string()));
        assert_eq!(
            out,
            "<p><a href=\"#l1\">甲</a>、<a href=\"#x\">乙</a>、丙</p>"
        );
        assert_eq!(decode_href("/c/%E5%A4%A9/#%E8%83%8C"), "/c/天/#背");
        assert_eq!(
            shift_headings("<h2 id=\"a\">A</h2><h3>B</h3>"),
            "<h3 id=\"a\">A</h3><h4>B</h4>"
        );
    }
}
