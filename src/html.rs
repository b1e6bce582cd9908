//! The URLs in generated HTML: found and rewritten without a full HTML parser.
//!
//! Used by relative mode (every internal `href`/`src` rewritten relative to its page) and by
//! `zhiku check` (every link of the built site followed). Only the attributes of tags are
//! looked at: text, comments and the contents of `<script>`, `<style>` and `<textarea>` are
//! left alone, so a code sample showing `<a href="/x">` (escaped as `&lt;a …`) or a script
//! containing such a string is never touched.

/// Is `name` an attribute whose value is one URL (or, for `srcset`, a list of them)?
///
/// `href`, `src`, `srcset`, `poster`, `action`, and `data-…` attributes whose name ends in
/// `url`, `href` or `src` (`data-index-url`), so that scripts can read URLs that work in every
/// mode from the page.
pub fn is_url_attr(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(n.as_str(), "href" | "src" | "srcset" | "poster" | "action")
        || (n.starts_with("data-")
            && (n.ends_with("url") || n.ends_with("href") || n.ends_with("src")))
}

/// One URL found in an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlAttr<'a> {
    /// The tag name, lower case (`a`, `link`, `img`).
    pub tag: String,
    /// The attribute name, lower case.
    pub attr: String,
    /// The URL as written (still HTML-escaped: `&amp;`).
    pub value: &'a str,
}

/// Call `f` for every URL in a URL attribute of `html`. The return value replaces the URL
/// (`None` keeps it). Returns the rewritten HTML.
pub fn rewrite_urls(html: &str, mut f: impl FnMut(&UrlAttr<'_>) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut last = 0;
    scan(html, |tag, attr, range| {
        let value = &html[range.clone()];
        let mut replaced: Option<String> = None;
        if attr == "srcset" {
            let mut changed = false;
            let parts: Vec<String> = value
                .split(',')
                .map(|cand| {
                    let trimmed = cand.trim_start();
                    let lead = &cand[..cand.len() - trimmed.len()];
                    let (url, rest) = trimmed
                        .split_once(char::is_whitespace)
                        .map_or((trimmed, ""), |(u, r)| (u, r));
                    let found = UrlAttr {
                        tag: tag.to_string(),
                        attr: attr.to_string(),
                        value: url,
                    };
                    match f(&found) {
                        Some(new) => {
                            changed = true;
                            if rest.is_empty() {
                                format!("{lead}{new}")
                            } else {
                                format!("{lead}{new} {rest}")
                            }
                        }
                        None => cand.to_string(),
                    }
                })
                .collect();
            if changed {
                replaced = Some(parts.join(","));
            }
        } else {
            let found = UrlAttr {
                tag: tag.to_string(),
                attr: attr.to_string(),
                value,
            };
            replaced = f(&found);
        }
        if let Some(new) = replaced {
            out.push_str(&html[last..range.start]);
            out.push_str(&new);
            last = range.end;
        }
    });
    out.push_str(&html[last..]);
    out
}

/// Every URL in a URL attribute of `html`, HTML-unescaped (`&amp;` → `&`).
pub fn urls(html: &str) -> Vec<UrlAttr<'_>> {
    let mut list = Vec::new();
    scan(html, |tag, attr, range| {
        let value = &html[range];
        if attr == "srcset" {
            for cand in value.split(',') {
                if let Some(url) = cand.split_whitespace().next() {
                    list.push(UrlAttr {
                        tag: tag.to_string(),
                        attr: attr.to_string(),
                        value: url,
                    });
                }
            }
        } else {
            list.push(UrlAttr {
                tag: tag.to_string(),
                attr: attr.to_string(),
                value,
            });
        }
    });
    list
}

/// Undo the escapes templates and Markdown write in attribute values.
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Walk the tags of `html`, calling `f(tag, attribute, value range)` for each URL attribute.
fn scan(html: &str, mut f: impl FnMut(&str, &str, std::ops::Range<usize>)) {
    let b = html.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i + 4..].find("-->").map_or(n, |e| i + 4 + e + 3);
            continue;
        }
        // A tag name must start with a letter (`<` in text is escaped, but be lenient).
        let name_start = i + 1;
        if name_start >= n || !b[name_start].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let mut j = name_start;
        while j < n && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
            j += 1;
        }
        let tag = html[name_start..j].to_ascii_lowercase();
        // Attributes.
        loop {
            while j < n && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= n || b[j] == b'>' {
                break;
            }
            let a_start = j;
            while j < n && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
                j += 1;
            }
            let attr = html[a_start..j].to_ascii_lowercase();
            while j < n && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= n || b[j] != b'=' {
                continue; // attribute without a value
            }
            j += 1;
            while j < n && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= n {
                break;
            }
            let range = if b[j] == b'"' || b[j] == b'\'' {
                let q = b[j];
                let v_start = j + 1;
                let v_end = b[v_start..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(n, |p| v_start + p);
                j = (v_end + 1).min(n);
                v_start..v_end
            } else {
                let v_start = j;
                while j < n && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                    j += 1;
                }
                v_start..j
            };
            if is_url_attr(&attr) {
                f(&tag, &attr, range);
            }
        }
        i = (j + 1).min(n);
        // Raw text elements: skip to their end tag.
        if matches!(tag.as_str(), "script" | "style" | "textarea") {
            let close = format!("</{tag}");
            let mut k = i;
            i = n;
            while let Some(p) = html[k..].find("</") {
                let at = k + p;
                if b.len() >= at + close.len()
                    && b[at..at + close.len()].eq_ignore_ascii_case(close.as_bytes())
                {
                    i = at;
                    break;
                }
                k = at + 2;
            }
        }
    }
}

/// The directory part of an output path: `cases/tianjin/index.html` → `cases/tianjin/`;
/// `404.html` → ``.
pub fn output_dir(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    }
}

/// A link from the file in directory `from_dir` to output path `target` (both relative to
/// the site root, `/`-separated; a target that is a directory ends in `/` or is empty). The
/// result is relative, and a directory link ends in `index.html` so that it also opens from
/// disk (`file://`).
pub fn relative_path(from_dir: &str, target: &str) -> String {
    let mut target = target.to_string();
    if target.is_empty() || target.ends_with('/') {
        target.push_str("index.html");
    }
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    // The last segment of `to` is the file name; only directories are shared.
    let dirs = &to[..to.len() - 1];
    let common = from
        .iter()
        .zip(dirs.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to[common..].join("/"));
    out
}

/// Rewrite the internal URLs of a generated HTML file at output path `path` relative to it.
///
/// A URL is internal when it starts with `base_path` (`/` or `/kb/`, never `//`); its query
/// and fragment are kept. Full URLs (`https://…`), fragment-only links and links outside the
/// base path are left as they are.
pub fn relativize(html: &str, path: &str, base_path: &str) -> String {
    let from_dir = output_dir(path);
    rewrite_urls(html, |found| relative_url(found.value, from_dir, base_path))
}

/// `/kb/cases/tianjin/#做法` seen from `cases/` with base `/kb/` → `tianjin/index.html#做法`;
/// `None` when the URL is not internal.
pub fn relative_url(url: &str, from_dir: &str, base_path: &str) -> Option<String> {
    if url.starts_with("//") {
        return None;
    }
    let rest = url.strip_prefix(base_path).or_else(|| {
        // `/kb` alone (the base path without its slash) is the home page too.
        (url == base_path.trim_end_matches('/') && !url.is_empty()).then_some("")
    })?;
    let split = rest.find(['?', '#']).unwrap_or(rest.len());
    let (target, suffix) = rest.split_at(split);
    Some(format!("{}{suffix}", relative_path(from_dir, target)))
}

/// Escape text for an HTML attribute value.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped_attr(&mut out, s);
    out
}

/// The length of [`escape_attr`] of `s`.
pub(crate) fn escaped_attr_len(s: &str) -> usize {
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
pub(crate) fn push_escaped_attr(out: &mut String, s: &str) {
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
mod tests {
    use super::*;

    #[test]
    fn finds_url_attributes_only_in_tags() {
        let html = r#"<p>&lt;a href="/no"&gt;</p><!-- <a href="/comment"> --><a class="x" href="/a/">x</a>
<img alt="" src='/b.png' srcset="/c.png 1x, /d.png 2x"><script>var s = '<a href="/js">';</script>
<link rel=stylesheet href=/e.css><div data-index-url="/f.json" data-other="/g"></div><a href=/h>h</a>"#;
        let found: Vec<&str> = urls(html).iter().map(|f| f.value).collect();
        let upper = html.replace("</script>", "</SCRIPT>");
        assert_eq!(urls(&upper).len(), found.len(), "end tags in any case");
        assert_eq!(
            found,
            ["/a/", "/b.png", "/c.png", "/d.png", "/e.css", "/f.json", "/h"]
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path("cases/tianjin/", "css/site.css"),
            "../../css/site.css"
        );
        assert_eq!(
            relative_path("cases/tianjin/", "cases/tianjin/"),
            "index.html"
        );
        assert_eq!(relative_path("cases/tianjin/", "cases/"), "../index.html");
        assert_eq!(relative_path("cases/tianjin/", ""), "../../index.html");
        assert_eq!(relative_path("", "cases/"), "cases/index.html");
        assert_eq!(relative_path("", ""), "index.html");
        assert_eq!(relative_path("a/b/", "a/c/d.png"), "../c/d.png");
        assert_eq!(relative_path("tags/组织/", "tags/"), "../index.html");
    }

    #[test]
    fn relativize_keeps_external_fragment_and_query() {
        let html = concat!(
            r#"<a href="/kb/cases/x/#做法">a</a><a href="https://example.org/kb/">b</a>"#,
            r##"<a href="#top">c</a><a href="/other/">d</a><a href="//cdn/x.js">e</a>"##,
            r#"<img src="/kb/img/a.png?v=1&amp;w=2" srcset="/kb/a.png 1x, /kb/b.png 2x"><a href="/kb/">h</a>"#
        );
        let out = relativize(html, "cases/y/index.html", "/kb/");
        assert_eq!(
            out,
            concat!(
                r#"<a href="../x/index.html#做法">a</a><a href="https://example.org/kb/">b</a>"#,
                r##"<a href="#top">c</a><a href="/other/">d</a><a href="//cdn/x.js">e</a>"##,
                r#"<img src="../../img/a.png?v=1&amp;w=2" srcset="../../a.png 1x, ../../b.png 2x"><a href="../../index.html">h</a>"#
            )
        );
    }

    #[test]
    fn relativize_at_root_base() {
        let out = relativize(
            r#"<link href="/css/site.1234abcd.css"><a href="/">home</a>"#,
            "index.html",
            "/",
        );
        assert_eq!(
            out,
            r#"<link href="css/site.1234abcd.css"><a href="index.html">home</a>"#
        );
    }

    #[test]
    fn unterminated_markup_does_not_panic() {
        for s in [
            "<a href=\"/x",
            "<a href=",
            "<",
            "<!--",
            "<script>",
            "<a href='/x' ",
        ] {
            let _ = relativize(s, "a/index.html", "/");
            let _ = urls(s);
        }
    }
}
