use super::links::{classify, find_placeholder, P};
use super::*;

fn html(md: &str) -> String {
    render(
        md,
        MarkdownOptions::default(),
        SourceInfo {
            rel_path: "cases/x.md",
            first_line: 1,
        },
    )
    .html
}

fn inline(md: &str) -> String {
    let h = html(md);
    h.trim()
        .trim_start_matches("<p>")
        .trim_end_matches("</p>")
        .to_string()
}

mod emphasis;

#[test]
fn soft_breaks_between_cjk_vanish() {
    assert_eq!(inline("第一行中文\n第二行中文"), "第一行中文第二行中文");
    assert_eq!(inline("党的建设，\n必须加强"), "党的建设，必须加强");
    assert_eq!(inline("**党建**\n工作"), "<strong>党建</strong>工作");
    assert_eq!(inline("English line\nnext line"), "English line\nnext line");
    assert_eq!(inline("中文\nEnglish"), "中文\nEnglish");
    assert_eq!(inline("“引号”\n后文"), "“引号”后文");
}

#[test]
fn smart_punctuation_off_by_default() {
    assert_eq!(inline("这是\"引号\"测试"), "这是\"引号\"测试");
    let on = MarkdownOptions {
        smart_punctuation: true,
        ..Default::default()
    };
    let r = render(
        "a -- b",
        on,
        SourceInfo {
            rel_path: "x.md",
            first_line: 1,
        },
    );
    assert!(r.html.contains('–'), "{}", r.html);
}

#[test]
fn heading_ids_toc_and_uniqueness() {
    let r = render(
        "## 背景\n\n### 一、主要做法\n\n## 背景\n\n## 自定义 {#custom}\n\n## Party Building\n",
        MarkdownOptions::default(),
        SourceInfo {
            rel_path: "x.md",
            first_line: 1,
        },
    );
    assert!(r.html.contains("<h2 id=\"背景\">背景</h2>"), "{}", r.html);
    assert!(r.html.contains("<h3 id=\"一主要做法\">一、主要做法</h3>"));
    assert!(r.html.contains("<h2 id=\"背景-1\">背景</h2>"));
    assert!(r.html.contains("<h2 id=\"custom\">自定义</h2>"));
    assert!(r
        .html
        .contains("<h2 id=\"party-building\">Party Building</h2>"));
    assert_eq!(r.toc.len(), 4);
    assert_eq!(r.toc[0].children[0].id, "一主要做法");
    assert_eq!(
        r.anchors,
        ["背景", "一主要做法", "背景-1", "custom", "party-building"]
    );
}

#[test]
fn summary_and_reading_time() {
    let r = render(
        "第一段。\n\n第二段。",
        MarkdownOptions::default(),
        SourceInfo {
            rel_path: "x.md",
            first_line: 1,
        },
    );
    assert_eq!(r.summary_html, "<p>第一段。</p>\n");
    let r = render(
        "甲。\n\n乙。\n\n<!-- more -->\n\n丙。",
        MarkdownOptions::default(),
        SourceInfo {
            rel_path: "x.md",
            first_line: 1,
        },
    );
    assert_eq!(r.summary_html, "<p>甲。</p>\n<p>乙。</p>\n");
    let long = "党".repeat(1000);
    let r = render(
        &long,
        MarkdownOptions::default(),
        SourceInfo {
            rel_path: "x.md",
            first_line: 1,
        },
    );
    assert_eq!(r.words.total(), 1000);
    assert_eq!(r.words.reading_minutes(), 3);
}

#[test]
fn links_are_collected_with_positions() {
    let md = "前言\n\n见[天津](@/cases/tianjin.md#主要做法)与[孝义](../cases/xiaoyi.md)、[本页](#背景)。\n![](img.png) [外部](https://example.org)";
    let r = render(
        md,
        MarkdownOptions::default(),
        SourceInfo {
            rel_path: "courses/m/l.md",
            first_line: 5,
        },
    );
    assert_eq!(r.links.len(), 4);
    assert_eq!(
        r.links[0].target,
        LinkTarget::Content {
            path: "cases/tianjin.md".into(),
            anchor: Some("主要做法".into())
        }
    );
    assert_eq!((r.links[0].line, r.links[0].column), (7, 2));
    assert_eq!(
        r.links[1].target,
        LinkTarget::Content {
            path: "courses/cases/xiaoyi.md".into(),
            anchor: None
        }
    );
    assert_eq!(r.links[2].target, LinkTarget::Anchor("背景".into()));
    assert_eq!(
        r.links[3].target,
        LinkTarget::File {
            path: "courses/m/img.png".into(),
            absolute: false,
            anchor: None
        }
    );
    assert_eq!(r.images_without_alt, [8]);
    assert!(r.html.contains("href=\"zhiku-link:0\""));
    assert!(r.html.contains("href=\"https://example.org\""));
    let filled = fill_placeholders(
        &r.html,
        &[
            "/cases/tianjin/#主要做法".into(),
            "/a&b".into(),
            "#背景".into(),
            "/img.png".into(),
        ],
    );
    assert!(
        filled.contains("href=\"/cases/tianjin/#主要做法\""),
        "{filled}"
    );
    assert!(filled.contains("href=\"/a&amp;b\""));
}

#[test]
fn safe_mode_strips_scripts() {
    let opts = MarkdownOptions {
        safe: true,
        ..Default::default()
    };
    let r = render(
        "## 标题\n\n<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [y](@/a.md) <a href=\"javascript:alert(2)\" onclick=\"f()\">z</a>",
        opts,
        SourceInfo { rel_path: "x.md", first_line: 1 },
    );
    assert!(!r.html.contains("<script"), "{}", r.html);
    assert!(!r.html.contains("onerror"), "{}", r.html);
    assert!(!r.html.contains("javascript:"), "{}", r.html);
    assert!(r.html.contains("id=\"标题\""), "{}", r.html);
    assert!(r.html.contains("zhiku-link:0"), "{}", r.html);
    let trusted = html("<span class=\"x\" onclick=\"f()\">a</span>");
    assert!(
        trusted.contains("onclick"),
        "raw HTML passes through by default"
    );
}

#[test]
fn footnotes_get_prefixed_ids() {
    let r = render(
        "正文[^1]\n\n[^1]: 注释",
        MarkdownOptions::default(),
        SourceInfo {
            rel_path: "x.md",
            first_line: 1,
        },
    );
    assert!(r.html.contains("href=\"#fn-1\""), "{}", r.html);
    assert!(r.html.contains("id=\"fn-1\""), "{}", r.html);
}

#[test]
fn percent_and_relative_paths() {
    assert_eq!(percent_decode("%E4%B8%AD%"), "中%");
    assert_eq!(
        join_relative("courses/m", "../../cases/a.md").as_deref(),
        Some("cases/a.md")
    );
    assert_eq!(join_relative("a", "../../x"), None);
}

#[test]
fn placeholder_text_written_by_an_author_is_not_replaced() {
    let r = html("见 zhiku-link:0 与 \"zhiku-link:0\" 和 `\"zhiku-link:0\"`，[链接](@/a.md)");
    let filled = fill_placeholders(&r, &["/a/".into()]);
    assert!(
        filled.contains("见 zhiku-link:0 与 \"zhiku-link:0\""),
        "{filled}"
    );
    assert!(filled.contains("<code>\"zhiku-link:0\"</code>"), "{filled}");
    assert!(filled.contains("href=\"/a/\""), "{filled}");
}

#[test]
fn link_positions_on_one_long_line() {
    // Positions are counted incrementally along a line; out-of-order queries still work.
    let line = "党建[甲](#a)，".repeat(3);
    let r = render(
        &format!("# a\n\n{line}\n[乙](#a)"),
        MarkdownOptions::default(),
        SourceInfo {
            rel_path: "x.md",
            first_line: 5,
        },
    );
    let pos: Vec<(usize, usize)> = r.links.iter().map(|l| (l.line, l.column)).collect();
    assert_eq!(pos, [(7, 3), (7, 13), (7, 23), (8, 1)]);
    let idx = LineIndex::new("一二三\n四五六", 1);
    assert_eq!(idx.position(6), (1, 3));
    assert_eq!(idx.position(3), (1, 2));
    assert_eq!(idx.position(13), (2, 2));
    assert_eq!(idx.position(0), (1, 1));
}

#[test]
fn email_autolinks_are_not_site_links() {
    // Found by the `links` fuzz target: `<a@b>` was taken for a relative file link (a false
    // "broken link", and its placeholder sat behind the writer's `mailto:`).
    let r = render(
        "来信：<dangjian@example.org>，或 <%@p>。",
        MarkdownOptions::default(),
        SourceInfo {
            rel_path: "x.md",
            first_line: 1,
        },
    );
    assert!(r.links.is_empty(), "{:?}", r.links);
    assert!(
        r.html.contains("href=\"mailto:dangjian@example.org\""),
        "{}",
        r.html
    );
    assert!(!r.html.contains("zhiku-link"), "{}", r.html);
}

#[test]
fn safe_mode_keeps_the_word_javascript_as_text() {
    // The first `markdown` fuzz finding was the target's own check taking this text for a
    // URL: the sanitizer is right to keep it (it is text, not an attribute).
    let r = render(
        "~\0javascript:\u{8}?-+#[\u{8}>^-\n`\0\0\n",
        MarkdownOptions {
            safe: true,
            ..Default::default()
        },
        SourceInfo {
            rel_path: "x.md",
            first_line: 1,
        },
    );
    assert!(r.html.contains("javascript:"), "{}", r.html);
    assert!(!r.html.contains("href"), "{}", r.html);
}

#[test]
fn placeholders_are_found_like_a_substring_search() {
    for s in [
        "",
        "z",
        "=\"zhiku-link:",
        "zz=\"zhiku-link:1",
        "中=\"z=\"zhiku-link:0\"",
        "zhiku-link:0 =\"zhiku-linkx =\"zhiku-link:",
        "=\"=\"zhiku-link:5 中文z",
        "中文",
    ] {
        assert_eq!(find_placeholder(s), s.find(P), "{s}");
    }
}

#[test]
fn attribute_escaping() {
    assert_eq!(
        escape_attr("a&\"<>'中b&&"),
        "a&amp;&quot;&lt;&gt;&#39;中b&amp;&amp;"
    );
    assert_eq!(escape_attr("/案例/天津/"), "/案例/天津/");
    assert_eq!(escape_attr(""), "");
}

#[test]
fn placeholders_filled_in_place() {
    let html = "<a href=\"zhiku-link:1\">a</a><img src=\"zhiku-link:0\"> zhiku-link:0 \
                <a href=\"zhiku-link:7\">out of range</a><a href=\"zhiku-link:\">none</a>中";
    let urls = ["/图/a.png".to_string(), "/a?x=1&y='<\">'".to_string()];
    assert_eq!(
        fill_placeholders(html, &urls),
        "<a href=\"/a?x=1&amp;y=&#39;&lt;&quot;&gt;&#39;\">a</a><img src=\"/图/a.png\"> zhiku-link:0 \
         <a href=\"zhiku-link:7\">out of range</a><a href=\"zhiku-link:\">none</a>中"
    );
    assert_eq!(fill_placeholders("无链接", &urls), "无链接");
    assert_eq!(fill_placeholders("", &[]), "");
}

#[test]
fn urls_are_percent_encoded_like_pulldown_cmark_does() {
    assert_eq!(percent_encode_url("/t/my url"), "/t/my%20url");
    assert_eq!(percent_encode_url("/föö"), "/f%C3%B6%C3%B6");
    assert_eq!(
        percent_encode_url("/案例/#背景"),
        "/%E6%A1%88%E4%BE%8B/#%E8%83%8C%E6%99%AF"
    );
    assert_eq!(percent_encode_url("/a%20b?x=1&y='2'"), "/a%20b?x=1&y='2'");
    assert_eq!(
        percent_encode_url("a\\b\"<>[]`{|}"),
        "a%5Cb%22%3C%3E%5B%5D%60%7B%7C%7D"
    );
    // A decoded name: `%`, `#` and `?` are characters of it.
    assert_eq!(percent_encode_decoded("100%.pdf"), "100%25.pdf");
    assert_eq!(percent_encode_decoded("a#b?c 中"), "a%23b%3Fc%20%E4%B8%AD");
    // Every printable ASCII character and some others, as pulldown-cmark writes a link.
    let all: String = (0x21u8..0x7F)
        .map(char::from)
        .filter(|c| !matches!(c, '<' | '>' | '\\' | '&'))
        .chain("中 é\u{200B}".chars())
        .collect();
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, Parser::new(&format!("[a](<{all}>)")));
    let href = out
        .split("href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default();
    assert_eq!(
        href,
        escape_attr(&percent_encode_url(&all)).replace("&#39;", "&#x27;")
    );
}

#[test]
fn link_targets_with_a_backslash() {
    // CommonMark examples 502 and 202: left as written, encoded by pulldown-cmark.
    assert_eq!(classify("foo\\bar", "cases/x.md"), None);
    assert_eq!(classify("/url\\bar*baz", "cases/x.md"), None);
    assert_eq!(inline("[link](foo\\bar)"), "<a href=\"foo%5Cbar\">link</a>");
    // A page link says how to write it.
    match classify("@/cases\\b.md", "cases/x.md") {
        Some(Err(e)) => assert!(e.contains("write paths with `/`"), "{e}"),
        other => panic!("{other:?}"),
    }
}
