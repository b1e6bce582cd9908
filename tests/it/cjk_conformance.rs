//! The markdown-cjk-friendly specification's own test suite, run against zhiku's Markdown
//! (`tests/fixtures/markdown-cjk-friendly/`, vendored with its licence; see the README there).
//!
//! - Every emphasis example (strong, Korean, pseudo-emoji, non-BMP, underscore, the README's
//!   example: 115) and every strikethrough example (11) is rendered on its own and compared
//!   with the reference implementation's HTML for it, one `<p>` line of its snapshot; each whole
//!   file is compared too.
//! - The files whose output must not change with the CJK rules (`gfm-non-cjk.md` and the 652
//!   CommonMark examples) are rendered with the CJK rules on and off and must be identical.
//! - `cjk::is_cjk` is checked against `ranges.md`, code point by code point.
//!
//! Normalisation before comparing with the reference HTML (nothing else is ignored):
//! 1. heading ids are removed (zhiku gives every heading an id; the reference gives none);
//! 2. insignificant whitespace: line ends are `\n`, whitespace between a `>` and the next `<`
//!    and at either end is dropped;
//! 3. character references other than `&amp;`, `&lt;` and `&gt;` are written as the character
//!    they stand for (`&quot;` → `"`, `&ZeroWidthSpace;` → U+200B): the reference leaves an
//!    entity from the input as written and escapes `"` in text, pulldown-cmark decodes the one
//!    and leaves the other, and both mean the same characters. A reference the normaliser does
//!    not know is left as written, so it can only make a comparison fail, never pass.

use crate::common;

use std::path::PathBuf;

use zhiku::markdown::{fill_placeholders, percent_encode_url, render, MarkdownOptions, SourceInfo};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown-cjk-friendly")
}

fn read(rel: &str) -> String {
    let path = fixtures().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn options(cjk: bool) -> MarkdownOptions {
    MarkdownOptions {
        smart_punctuation: false,
        safe: false,
        cjk_emphasis: cjk,
        cjk_line_breaks: false,
    }
}

/// zhiku's HTML for `md`, links written with their destination as given (link resolution is
/// not what these cases test).
fn to_html(md: &str, opts: MarkdownOptions) -> String {
    let r = render(
        md,
        opts,
        SourceInfo {
            rel_path: "cases/x.md",
            first_line: 1,
        },
    );
    let urls: Vec<String> = r.links.iter().map(|l| percent_encode_url(&l.raw)).collect();
    fill_placeholders(&r.html, &urls)
}

/// The snapshots of a Vitest `.snap` file: name → value (template-literal escapes undone, the
/// quotes of a string value removed).
fn snapshots(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("exports[`") {
        rest = &rest[i + "exports[`".len()..];
        let Some(name_end) = rest.find("`] = `") else {
            break;
        };
        let name = rest[..name_end].to_string();
        rest = &rest[name_end + "`] = `".len()..];
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let mut end = rest.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        value.push(n);
                    }
                }
                '`' => {
                    end = i + 1;
                    break;
                }
                c => value.push(c),
            }
        }
        rest = &rest[end..];
        let v = value.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        out.push((name, v.to_string()));
    }
    out
}

fn snapshot(file: &str, name: &str) -> String {
    snapshots(&read(file))
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("{file} has no snapshot {name:?}"))
}

/// The normalisation described at the top of this file.
fn normalise(html: &str) -> String {
    let html = html.replace("\r\n", "\n");
    // 1. Heading ids.
    let mut s = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<h") {
        let after = &rest[i + 2..];
        let level = after.as_bytes().first().copied();
        let tag_end = after.find('>');
        match (level, tag_end) {
            (Some(b'1'..=b'6'), Some(end)) if after[1..].starts_with(" id=\"") => {
                let attrs = &after[1..end];
                let id_end = attrs[5..].find('"').map_or(attrs.len(), |j| j + 6);
                s.push_str(&rest[..i + 3]);
                s.push_str(&attrs[id_end..]);
                s.push('>');
                rest = &after[end + 1..];
            }
            _ => {
                s.push_str(&rest[..i + 2]);
                rest = after;
            }
        }
    }
    s.push_str(rest);
    // 2. Whitespace between tags and at the ends.
    let mut t = String::with_capacity(s.len());
    let mut pending = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_whitespace() {
            pending.push(c);
            continue;
        }
        if !(c == '<' && t.ends_with('>')) {
            t.push_str(&pending);
        }
        pending.clear();
        t.push(c);
    }
    // 3. Character references.
    let mut u = String::with_capacity(t.len());
    let mut rest = t.as_str();
    while let Some(i) = rest.find('&') {
        u.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 40);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "ZeroWidthSpace" => Some('\u{200b}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.filter(|c| !matches!(c, '&' | '<' | '>')).map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                u.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                u.push('&');
                rest = &rest[1..];
            }
        }
    }
    u.push_str(rest);
    u
}

/// The examples of a test case file: its paragraphs.
fn examples(md: &str) -> Vec<String> {
    md.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("{p}\n"))
        .collect()
}

/// Render each example of `case` with the CJK rules and compare it with its line of the
/// reference HTML; then the whole file. Returns the number of examples.
fn run_examples(case: &str, expected: &str) -> usize {
    let md = read(&format!("testcases/{case}"));
    let inputs = examples(&md);
    let lines: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        inputs.len(),
        lines.len(),
        "{case}: {} examples, {} lines of expected HTML",
        inputs.len(),
        lines.len()
    );
    let mut failures = Vec::new();
    for (n, (input, want)) in inputs.iter().zip(&lines).enumerate() {
        let got = to_html(input, options(true));
        if normalise(&got) != normalise(want) {
            failures.push(format!(
                "{case} #{}: {input:?}\n  expected {want}\n  got      {}",
                n + 1,
                got.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples fail:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
    assert_eq!(
        normalise(&to_html(&md, options(true))),
        normalise(expected),
        "{case} rendered as one document"
    );
    inputs.len()
}

const MARKED: &str = "expected/marked.spec.ts.snap";

fn marked(name: &str) -> String {
    snapshot(MARKED, &format!("marked-cjk-friendly > {name} 1"))
}

#[test]
fn emphasis_examples_all_pass() {
    let cases = [
        ("strong.md", "** around Kana/Han is converted to <strong>"),
        ("korean.md", "** around Korean is converted to <strong>"),
        (
            "pseudo-emoji.md",
            "** around pseudo-emoji (CJK symbols that are also unqualified-emoji) is converted to <strong>",
        ),
        ("non-bmp.md", "recognizes non-BMP punctuation and symbols"),
        (
            "underscore-cjk-punct.md",
            "process underscores around CJK punctuation",
        ),
        ("readme-example.md", "Example Markdown in README"),
    ];
    let mut total = 0;
    for (case, name) in cases {
        let expected = marked(name);
        total += run_examples(case, &expected);
        // The reference test's own checks on the output.
        let html = to_html(&read(&format!("testcases/{case}")), options(true));
        for line in html.lines() {
            match case {
                "non-bmp.md" => assert!(!line.contains("<strong>"), "{case}: {line}"),
                "underscore-cjk-punct.md" => assert!(!line.contains('_'), "{case}: {line}"),
                _ => {
                    let stray = line
                        .find("**")
                        .is_some_and(|i| line[i + 2..].find("**").is_some_and(|j| j > 0));
                    assert!(!stray, "{case}: literal ** left in {line}");
                }
            }
        }
    }
    assert_eq!(total, 115);
}

#[test]
fn the_comparison_tells_the_cjk_rules_from_commonmark() {
    // Without the CJK rules (pulldown-cmark alone) most examples must fail, or the comparison
    // would prove nothing.
    let mut wrong = 0;
    for (case, name) in [
        ("strong.md", "** around Kana/Han is converted to <strong>"),
        (
            "underscore-cjk-punct.md",
            "process underscores around CJK punctuation",
        ),
    ] {
        let expected = marked(name);
        for (input, want) in examples(&read(&format!("testcases/{case}")))
            .iter()
            .zip(expected.lines())
        {
            if normalise(&to_html(input, options(false))) != normalise(want) {
                wrong += 1;
            }
        }
    }
    assert!(
        wrong >= 40,
        "only {wrong} examples differ without the CJK rules"
    );
    let expected = snapshot(
        "expected/remarkStrikethrough.spec.ts.snap",
        "remark-cjk-friendly-gfm-strikethrough > Compatible with CJK 1",
    );
    let md = read("testcases/gfm-strikethrough.md");
    assert_ne!(
        normalise(&to_html(&md, options(false))),
        normalise(&expected)
    );
}

#[test]
fn strikethrough_examples_all_pass() {
    let expected = snapshot(
        "expected/remarkStrikethrough.spec.ts.snap",
        "remark-cjk-friendly-gfm-strikethrough > Compatible with CJK 1",
    );
    // The reference's other snapshots of the same output agree with it.
    assert_eq!(
        expected,
        snapshot(
            "expected/remarkStrikethrough.spec.ts.snap",
            "remark-cjk-friendly-gfm-strikethrough/parseOnly > Compatible with CJK 1",
        )
    );
    assert_eq!(
        normalise(&expected),
        normalise(&marked("~~ around CJK is converted to <del>"))
    );
    assert_eq!(run_examples("gfm-strikethrough.md", &expected), 11);
    let html = to_html(&read("testcases/gfm-strikethrough.md"), options(true));
    assert!(html.contains("<del>"));
    for line in html.lines() {
        let stray = line
            .find("~~")
            .is_some_and(|i| line[i + 2..].find("~~").is_some_and(|j| j > 0));
        assert!(!stray, "literal ~~ left in {line}");
    }
}

#[test]
fn non_cjk_strikethrough_is_unchanged_by_the_cjk_rules() {
    let md = read("testcases/gfm-non-cjk.md");
    let on = to_html(&md, options(true));
    assert!(on.contains("<del>"), "{on}");
    assert_eq!(on, to_html(&md, options(false)));
    let inputs = examples(&md);
    assert_eq!(inputs.len(), 21);
    for input in inputs {
        assert_eq!(
            to_html(&input, options(true)),
            to_html(&input, options(false)),
            "{input:?}"
        );
    }
}

#[test]
fn commonmark_examples_are_unchanged_by_the_cjk_rules() {
    let json: serde_json::Value =
        serde_json::from_str(&read("testcases/commonmark.json")).expect("commonmark.json");
    let cases = json.as_array().expect("an array of examples");
    assert_eq!(cases.len(), 652);
    let all_on = MarkdownOptions {
        cjk_line_breaks: true,
        ..options(true)
    };
    let mut failures = Vec::new();
    for case in cases {
        let md = case["markdown"].as_str().expect("markdown");
        let off = to_html(md, options(false));
        if to_html(md, options(true)) != off || to_html(md, all_on) != off {
            failures.push(format!("example {}: {md:?}", case["example"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn link_destinations_with_a_backslash_render_as_commonmark_says() {
    let json: serde_json::Value =
        serde_json::from_str(&read("testcases/commonmark.json")).expect("commonmark.json");
    for n in [202, 502] {
        let case = json
            .as_array()
            .and_then(|a| a.iter().find(|c| c["example"] == n))
            .expect("example");
        let md = case["markdown"].as_str().expect("markdown");
        let r = render(
            md,
            options(true),
            SourceInfo {
                rel_path: "cases/x.md",
                first_line: 1,
            },
        );
        // Not a link into the site: written by pulldown-cmark as CommonMark has it.
        assert!(r.links.is_empty(), "example {n}: {:?}", r.links);
        assert_eq!(r.html, case["html"].as_str().expect("html"), "example {n}");
    }
}

/// The code points listed under a heading of `ranges.md` (`- U+1100..U+11FF (…)`, `- U+20A9 (…)`).
fn listed_ranges(section: &str) -> Vec<(u32, u32)> {
    let text = read("ranges.md");
    let start = text
        .find(&format!("\n## {section}\n"))
        .unwrap_or_else(|| panic!("ranges.md has no section {section:?}"));
    let body = &text[start + section.len() + 5..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let hex = |s: &str| u32::from_str_radix(s.trim_start_matches("U+"), 16).expect("U+XXXX");
    body.lines()
        .filter_map(|l| l.strip_prefix("- U+"))
        .map(|l| {
            let cps = l.split(' ').next().unwrap_or(l);
            match cps.split_once("..") {
                Some((a, b)) => (hex(a), hex(b)),
                None => (hex(cps), hex(cps)),
            }
        })
        .collect()
}

#[test]
fn cjk_characters_are_exactly_those_of_ranges_md() {
    let ranges = listed_ranges("CJK characters");
    assert_eq!(ranges.len(), 60);
    let listed = |u: u32| ranges.iter().any(|&(a, b)| (a..=b).contains(&u));
    for u in 0..=0x10_FFFFu32 {
        let Some(c) = char::from_u32(u) else { continue };
        assert_eq!(zhiku::cjk::is_cjk(c), listed(u), "U+{u:04X}");
    }
    // Every code point of East Asian Width W by default (unassigned ideograph blocks) is CJK.
    for (a, b) in listed_ranges("EAW is treated as \"W\" if unassigned (defined by Unicode)") {
        assert!((a..=b).all(listed), "U+{a:04X}..U+{b:04X}");
    }
    let selectors = listed_ranges("Non-emoji General-use Variation Selectors");
    assert_eq!(selectors, [(0xFE00, 0xFE0E)]);
    for u in 0xFD00..=0xFF00u32 {
        let c = char::from_u32(u).expect("BMP");
        assert_eq!(
            zhiku::cjk::is_general_variation_selector(c),
            (0xFE00..=0xFE0E).contains(&u)
        );
    }
}

#[test]
fn cjk_ambiguous_punctuation_sequences_are_those_of_ranges_md() {
    let text = read("ranges.md");
    let start = text
        .find("## CJK ambiguous punctuation sequences")
        .expect("section");
    let body = &text[start..];
    let body = &body[..body[3..].find("\n## ").map_or(body.len(), |i| i + 3)];
    let listed: Vec<(char, char)> = body
        .lines()
        .filter_map(|l| l.strip_prefix("- U+"))
        .map(|l| {
            let mut cps = l.split(' ').take(2).map(|s| {
                char::from_u32(u32::from_str_radix(s.trim_start_matches("U+"), 16).expect("hex"))
                    .expect("char")
            });
            (cps.next().expect("first"), cps.next().expect("second"))
        })
        .collect();
    assert_eq!(listed.len(), 4);
    for c in (0x2000..=0x2070u32).filter_map(char::from_u32) {
        for s in ['\u{FE00}', '\u{FE01}', '\u{FE02}'] {
            assert_eq!(
                zhiku::cjk::is_cjk_ambiguous_punctuation(c, s),
                listed.contains(&(c, s)),
                "{c:?} {s:?}"
            );
        }
    }
}

/// The `<div class="prose">` of a page (the Markdown's HTML).
fn prose(html: &str) -> &str {
    let start = html.find("<div class=\"prose\">").expect("prose");
    let rest = &html[start..];
    &rest[..rest.find("</div>").unwrap_or(rest.len())]
}

const LINKS_PAGE: &str = "## 主要做法\n\n\
    [空格](</t/my url.txt>)、[变音](/föö.txt)、[锚点](#主要做法)、\
    [案例](@/cases/党建.md#背景)、[反斜杠](foo\\bar)、[引用][r]、\
    [已编码](/t/my%20url.txt)、[百分号](/100%25.txt)\n\n\
    [r]: /url\\bar\\*baz \"foo\\\"bar\\baz\"\n";

fn links_site() -> common::Fixture {
    common::Fixture::new(&[
        ("content/cases/a.md", &common::page("链接", LINKS_PAGE)),
        (
            "content/cases/党建.md",
            &common::page("党建", "## 背景\n\n正文。"),
        ),
        ("static/t/my url.txt", "space"),
        ("static/föö.txt", "umlaut"),
        ("static/100%.txt", "percent"),
    ])
}

#[test]
fn internal_links_are_written_percent_encoded() {
    let f = links_site();
    f.build(&[]).expect_code(0);
    let html = f.read("cases/a/index.html");
    let text = prose(&html);
    for fragment in [
        "<a href=\"/t/my%20url.txt\">空格</a>",
        "<a href=\"/f%C3%B6%C3%B6.txt\">变音</a>",
        "<a href=\"#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95\">锚点</a>",
        "<a href=\"/cases/%E5%85%9A%E5%BB%BA/#%E8%83%8C%E6%99%AF\">案例</a>",
        // CommonMark examples 502 and 202: not links into the site, left as written.
        "<a href=\"foo%5Cbar\">反斜杠</a>",
        "<a href=\"/url%5Cbar*baz\" title=\"foo&quot;bar\\baz\">引用</a>",
        // Written encoded by the author: decoded to find the file, encoded again once.
        "<a href=\"/t/my%20url.txt\">已编码</a>",
        "<a href=\"/100%25.txt\">百分号</a>",
    ] {
        assert!(text.contains(fragment), "{fragment} missing in\n{text}");
    }
    assert_eq!(f.read("t/my url.txt"), "space");
    // Relative mode rewrites the encoded URLs like any other.
    f.build(&["--relative"]).expect_code(0);
    let html = f.read("cases/a/index.html");
    let text = prose(&html);
    for fragment in [
        "<a href=\"../../t/my%20url.txt\">空格</a>",
        "<a href=\"../../f%C3%B6%C3%B6.txt\">变音</a>",
        "<a href=\"../%E5%85%9A%E5%BB%BA/index.html#%E8%83%8C%E6%99%AF\">案例</a>",
    ] {
        assert!(text.contains(fragment), "{fragment} missing in\n{text}");
    }
}

#[test]
fn a_page_link_with_a_backslash_is_an_error_saying_what_to_write() {
    let f = common::Fixture::new(&[
        (
            "content/cases/a.md",
            &common::page("链接", "正文\n\n[案例](@/cases\\b.md)"),
        ),
        ("content/cases/b.md", &common::page("乙", "正文。")),
    ]);
    f.build(&[]).expect_code(1).expect_stderr(&[
        "content/cases/a.md",
        "content/cases/a.md:6:1",
        "write paths with `/`",
    ]);
    assert!(!f.exists("cases/a/index.html"));
}

#[test]
fn the_normalisation_ignores_only_ids_whitespace_and_references() {
    assert_eq!(
        normalise(
            "<h2 id=\"背景\">背景</h2>\n<p>&quot;a&quot;&ZeroWidthSpace;&#x4E2D;&#20013;</p>\n"
        ),
        "<h2>背景</h2><p>\"a\"\u{200B}中中</p>"
    );
    assert_eq!(
        normalise("<h2 class=\"x\">a</h2>"),
        "<h2 class=\"x\">a</h2>"
    );
    // Markup and text stay apart; so do different words and spaces inside text.
    assert_ne!(normalise("&lt;b&gt;"), normalise("<b>"));
    assert_ne!(normalise("<p>a b</p>"), normalise("<p>ab</p>"));
    assert_ne!(normalise("<p>a</p>"), normalise("<p>*a*</p>"));
    assert_eq!(normalise("&unknown; &amp;"), "&unknown; &amp;");
}
