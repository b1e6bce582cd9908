//! Escaping and safety: front-matter values are escaped wherever the default theme prints
//! them; `[markdown] safe = true` strips scripts, event handlers and `javascript:` URLs from
//! the Markdown's HTML (classic XSS payloads); templates never read files outside the site.

use crate::common;

use common::Fixture;

/// Tags and attributes the sanitizer must never let through in safe mode.
const DANGEROUS_TAGS: &[&str] = &[
    "script", "iframe", "frame", "object", "embed", "style", "form", "meta", "base", "link", "svg",
    "math", "applet", "body", "html", "template",
];

/// Decode the character references browsers decode in attribute values (`&#x09;`, `&#106;`,
/// `&colon;`, `&Tab;` …), as far as scheme checks need.
fn decode_refs(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[..e];
            let c = if let Some(n) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(n, 16).ok().and_then(char::from_u32)
            } else if let Some(n) = name.strip_prefix('#') {
                n.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "colon" => Some(':'),
                    "Tab" => Some('\t'),
                    "NewLine" => Some('\n'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    _ => None,
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// Every tag of `html` as (name, [(attribute, value)]), names lowercased.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || i + 1 >= b.len() || !(b[i + 1].is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>') {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                let quote = b.get(i).copied().filter(|q| *q == b'"' || *q == b'\'');
                if let Some(q) = quote {
                    i += 1;
                    let v = i;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    value = html[v..i.min(b.len())].to_string();
                    i += 1;
                } else {
                    let v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                }
            }
            attrs.push((attr, value));
        }
        out.push((name, attrs));
    }
    out
}

/// Problems that would let a page run script.
fn unsafe_parts(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, attrs) in tags(html) {
        if DANGEROUS_TAGS.contains(&name.as_str()) {
            problems.push(format!("<{name}>"));
        }
        for (attr, value) in attrs {
            if attr.starts_with("on") {
                problems.push(format!("<{name} {attr}=…>"));
            }
            if attr == "style" || attr == "srcdoc" || attr == "formaction" {
                problems.push(format!("<{name} {attr}=…>"));
            }
            let cleaned: String = decode_refs(&value)
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in [
                "javascript:",
                "vbscript:",
                "data:text/html",
                "data:image/svg",
            ] {
                if cleaned.starts_with(scheme) {
                    problems.push(format!("<{name} {attr}=\"{value}\">"));
                }
            }
        }
    }
    problems
}

/// Classic XSS payloads (OWASP filter-evasion style), written in Markdown pages.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<img src=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">点我</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">点我</a>",
    "<a href=\" &#14; javascript:alert(1)\">点我</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">点我</a>",
    "<a href=\"java&Tab;script&colon;alert(1)\">点我</a>",
    "<a href=\"vbscript:msgbox(1)\">点我</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">点我</a>",
    "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<div style=\"background:url(javascript:alert(1))\">样式</div>",
    "<div style=\"width: expression(alert(1))\">样式</div>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<form action=\"javascript:alert(1)\"><input type=\"submit\"></form>",
    "<button formaction=\"javascript:alert(1)\">按钮</button>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>细节</details>",
    "<math><a xlink:href=\"javascript:alert(1)\">x</a></math>",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=\"stylesheet\" href=\"javascript:alert(1)\">",
    "<input onfocus=alert(1) autofocus>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<a href=\"#\" onclick=\"alert(1)\">点我</a>",
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "![图](javascript:alert(1))",
    "[点我](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
];

#[test]
fn the_scanner_finds_what_it_must() {
    // The checks below are only as good as this scanner: it must flag every payload as
    // written (raw HTML, not sanitized), or it would pass anything.
    for p in PAYLOADS
        .iter()
        .filter(|p| p.starts_with('<') && !p.starts_with("<javascript"))
    {
        assert!(!unsafe_parts(p).is_empty(), "scanner misses {p}");
    }
}

#[test]
fn safe_mode_strips_classic_xss_payloads() {
    let mut files: Vec<(String, String)> = vec![
        (
            "site.toml".into(),
            "title = \"知库\"\n[markdown]\nsafe = true\n".into(),
        ),
        ("content/_index.md".into(), "---\ntitle: 首页\n---\n".into()),
        (
            "content/cases/_index.md".into(),
            "---\ntitle: 案例\n---\n".into(),
        ),
    ];
    for (i, p) in PAYLOADS.iter().enumerate() {
        // Inline in the first paragraph (the summary shown in listings) and as a block.
        files.push((
            format!("content/cases/x{i}.md"),
            format!("---\ntitle: 载荷{i}\n---\n正文在前{p}。\n\n{p}\n\n正文在后。\n\n## 标题{i}\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    f.build(&[]).expect_code(0);
    let mut failures = Vec::new();
    for (i, p) in PAYLOADS.iter().enumerate() {
        let html = f.read(&format!("cases/x{i}/index.html"));
        let prose = common::between(&html, "<div class=\"prose\">", "</article>");
        let problems = unsafe_parts(prose);
        if !problems.is_empty() {
            failures.push(format!("{p}\n  → {problems:?}\n  in {prose}"));
        }
        // The text before the payload survives. (What follows a raw HTML block up to its
        // end is part of the block, e.g. after `<SCRIPT>` with pulldown-cmark, so it may be
        // shown as text.)
        assert!(prose.contains("正文在前"), "{prose}");
        // The whole document has only the theme's own script.
        assert_eq!(html.matches("<script").count(), 1, "{p}: {html}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} payloads survived:\n{}",
        failures.len(),
        PAYLOADS.len(),
        failures.join("\n")
    );
    // Listings (summaries) are clean too.
    let listing = f.read("cases/index.html");
    let cards = common::between(&listing, "<ol class=\"cards", "</ol>");
    assert!(cards.contains("正文在前"), "{cards}");
    assert_eq!(unsafe_parts(cards), Vec::<String>::new(), "{cards}");
}

#[test]
fn without_safe_mode_raw_html_passes_through() {
    // The default trusts the authors (their HTML, e.g. a table with colspan, is kept): this is
    // why safe mode exists. It also shows the payloads are not removed by anything else.
    let f = Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        (
            "content/a.md",
            "---\ntitle: 甲\n---\n<img src=x onerror=alert(1)>\n",
        ),
    ]);
    f.build(&[]).expect_code(0);
    assert!(f.read("a/index.html").contains("onerror=alert(1)"));
}

/// Payloads in every front-matter value the default theme prints.
const FM_PAYLOAD: &str = "<script>alert(1)</script>\\\"><img src=x onerror=alert(2)>'";

#[test]
fn front_matter_values_are_escaped_everywhere_the_theme_prints_them() {
    let p = FM_PAYLOAD;
    let page = format!(
        "---\ntitle: \"标题{p}\"\ndate: 2018-12-01\nsummary: \"摘要{p}\"\ndescription: \"描述{p}\"\n\
         tags: [\"主题{p}\"]\nregions: [\"地区{p}\"]\norg_types: [\"类型{p}\"]\n\
         aliases: [/old/]\n\
         source:\n  title: \"来源{p}\"\n  author: \"作者{p}\"\n  publication: \"刊物{p}\"\n  issue: \"期号{p}\"\n  url: \"https://example.org/?q=<script>\"\n\
         extra:\n  figures:\n    - title: \"图表{p}\"\n      unit: \"单位{p}\"\n      kind: category\n      data:\n        - label: \"标签{p}\"\n          value: 1\n\
         ---\n正文。\n"
    );
    let section = format!("---\ntitle: \"栏目{p}\"\ndescription: \"栏目描述{p}\"\n---\n");
    let lesson = format!(
        "---\ntitle: \"课{p}\"\nweight: 1\ncases: [cases/a.md]\n---\n见[案例](@/cases/a.md)。\n"
    );
    let f = Fixture::new(&[
        (
            "site.toml",
            "title = \"站点<script>alert(3)</script>\"\ndescription = \"站点描述\\\"><img src=x onerror=alert(4)>\"\n",
        ),
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/cases/_index.md", &section),
        ("content/cases/a.md", &page),
        ("content/courses/_index.md", "---\ntitle: 课程\n---\n"),
        ("content/courses/m/_index.md", "---\ntitle: 模块\n---\n"),
        ("content/courses/m/l.md", &lesson),
    ]);
    f.build(&[]).expect_code(0);
    let out = f.root().join("public");
    let mut checked = 0;
    for e in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let path = e.path();
        let is_markup = path.extension().is_some_and(|x| x == "html" || x == "xml");
        if !e.file_type().is_file() || !is_markup {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(&out).unwrap().display().to_string();
        // Escaped text may say `onerror=alert`; markup may not.
        for raw in ["<script>alert", "<img src=x", "\"><img"] {
            assert!(!text.contains(raw), "{rel}: unescaped `{raw}`\n{text}");
        }
        // The theme's own search forms (role="search") are structure, not injected markup.
        let theme_forms = text
            .matches("<form class=\"site-search\" role=\"search\"")
            .count()
            + text
                .matches("<form class=\"search-form\" role=\"search\"")
                .count();
        let mut forms_seen = 0;
        // The theme's own charts (src/chart/) are inline SVG.
        let theme_charts = text.matches("<svg class=\"chart-svg\" viewBox=").count();
        let mut charts_seen = 0;
        let problems: Vec<String> = unsafe_parts(&text)
            .into_iter()
            // The theme's own document structure.
            .filter(|p| {
                if p == "<form>" && forms_seen < theme_forms {
                    forms_seen += 1;
                    return false;
                }
                if p == "<svg>" && charts_seen < theme_charts {
                    charts_seen += 1;
                    return false;
                }
                !matches!(p.as_str(), "<script>" | "<html>" | "<body>")
                    && !p.starts_with("<link")
                    && !p.starts_with("<meta")
            })
            .collect();
        assert!(problems.is_empty(), "{rel}: {problems:?}");
        checked += 1;
    }
    assert!(checked > 10, "{checked}");
    // The values are there, escaped, where the theme shows them.
    let html = f.read("cases/a/index.html");
    for shown in [
        "标题&lt;script&gt;alert(1)&lt;/script&gt;",
        "来源&lt;script&gt;",
        "作者&lt;script&gt;",
        "刊物&lt;script&gt;",
        "期号&lt;script&gt;",
        "主题&lt;script&gt;",
        "地区&lt;script&gt;",
        "图表&lt;script&gt;",
        "单位&lt;script&gt;",
        "标签&lt;script&gt;",
        "描述&lt;script&gt;",
        "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;",
        "href=\"https://example.org/?q=&lt;script&gt;\"",
    ] {
        assert!(html.contains(shown), "missing {shown} in\n{html}");
    }
    let listing = f.read("cases/index.html");
    assert!(listing.contains("摘要&lt;script&gt;"), "{listing}");
    assert!(listing.contains("栏目&lt;script&gt;"), "{listing}");
    let alias = f.read("old/index.html");
    assert!(alias.contains("标题&lt;script&gt;"), "{alias}");
    let feed = f.read("atom.xml");
    assert!(feed.contains("标题&lt;script&gt;"), "{feed}");
}

#[test]
fn templates_never_read_outside_the_site() {
    // `ignore missing` does not make Tera look on disk either: nothing of /etc/passwd appears.
    let f = Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/a.md", "---\ntitle: 甲\n---\n正文\n"),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block main %}[{% include \"/etc/passwd\" ignore missing %}][{% include \"../../../../../../etc/passwd\" ignore missing %}]{% endblock main %}",
        ),
    ]);
    f.build(&[]).expect_code(0);
    let html = f.read("a/index.html");
    assert!(html.contains("[][]"), "{html}");
    assert!(!html.contains("root:"), "{html}");

    // A template that is a symbolic link to a file outside the site is not read.
    let f = Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/a.md", "---\ntitle: 甲\n---\n正文\n"),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block main %}{% include \"passwd.html\" %}{% endblock main %}",
        ),
    ]);
    std::os::unix::fs::symlink("/etc/passwd", f.root().join("templates/passwd.html")).unwrap();
    let run = f.build(&[]);
    run.expect_code(1).expect_stderr(&[
        "warning: this symbolic link points outside the site; it is not published",
        "templates/passwd.html",
        "error: `{% include \"passwd.html\" %}`: there is no template `passwd.html`",
        "┌─ templates/page.html:1:",
    ]);
    assert!(!run.stderr.contains("root:x"), "{}", run.stderr);
    assert!(!f.root().join("public").exists());
}
