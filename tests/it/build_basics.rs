//! `zhiku build` end to end on small fixture sites: URLs, bundles, drafts, sections and their
//! order, the Chinese Markdown rules, the template context, theme overrides, escaping, the
//! atomic and deterministic output, and the command line.

use crate::common;

use common::{anchors, between, page, tree, Fixture};

/// Titles of the page cards of a section listing, in order.
fn card_titles(html: &str) -> Vec<String> {
    html.split("<h3 class=\"card-title\">")
        .skip(1)
        .map(|s| {
            common::strip_tags(s.split("</h3>").next().unwrap())
                .trim()
                .to_string()
        })
        .collect()
}

/// The `<div class="prose">…</div>` of a page: the rendered Markdown.
fn prose(html: &str) -> &str {
    between(html, "<div class=\"prose\">", "</div>")
}

#[test]
fn pretty_urls_and_slug_override() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/cases/_index.md", &page("案例", "")),
        ("content/cases/tianjin.md", &page("天津", "正文")),
        (
            "content/cases/other-name.md",
            "---\ntitle: 改名\nslug: renamed\n---\n正文\n",
        ),
        ("content/cases/孝义 案例.md", &page("孝义", "正文")),
        ("content/about.md", &page("关于", "正文")),
    ]);
    f.build(&[]).expect_code(0);
    assert!(f.read("cases/tianjin/index.html").contains("<h1>天津</h1>"));
    assert!(f.read("cases/renamed/index.html").contains("<h1>改名</h1>"));
    assert!(
        !f.exists("cases/other-name"),
        "the file name is not used when `slug:` is given"
    );
    // Spaces in a file name become `-`; Chinese is kept.
    assert!(f
        .read("cases/孝义-案例/index.html")
        .contains("<h1>孝义</h1>"));
    assert!(f.read("about/index.html").contains("<h1>关于</h1>"));
    // No `.html` pages besides the index files.
    assert!(!f.exists("cases/tianjin.html"));
    let section = f.read("cases/index.html");
    let hrefs: Vec<String> = anchors(section.split("<main").nth(1).unwrap())
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    for url in ["/cases/tianjin/", "/cases/renamed/", "/cases/孝义-案例/"] {
        assert!(hrefs.iter().any(|h| h == url), "{url} not in {hrefs:?}");
    }
}

#[test]
fn page_bundle_assets_are_copied_beside_the_page() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/cases/_index.md", &page("案例", "")),
        (
            "content/cases/mochou/index.md",
            &page(
                "莫愁新寓",
                "![议事会现场](photo.png)\n\n[数据表](data/members.csv)",
            ),
        ),
        ("content/cases/mochou/photo.png", "PNG-BYTES"),
        (
            "content/cases/mochou/data/members.csv",
            "年份,党员\n2016,96\n",
        ),
        ("content/files/guide.txt", "指南"),
    ]);
    f.build(&[]).expect_code(0);
    let html = f.read("cases/mochou/index.html");
    assert!(html.contains("<h1>莫愁新寓</h1>"));
    assert_eq!(f.read("cases/mochou/photo.png"), "PNG-BYTES");
    assert_eq!(
        f.read("cases/mochou/data/members.csv"),
        "年份,党员\n2016,96\n"
    );
    assert!(
        prose(&html).contains("<img src=\"/cases/mochou/photo.png\" alt=\"议事会现场\""),
        "{}",
        prose(&html)
    );
    assert!(prose(&html).contains("<a href=\"/cases/mochou/data/members.csv\">数据表</a>"));
    // The bundle's index.md itself is not copied; other content files keep their path.
    assert!(!f.exists("cases/mochou/index.md"));
    assert_eq!(f.read("files/guide.txt"), "指南");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/cases/_index.md", &page("案例", "")),
        ("content/cases/done.md", &page("定稿", "正文")),
        (
            "content/cases/wip.md",
            "---\ntitle: 草稿案例\ndraft: true\n---\n正文\n",
        ),
        (
            "content/cases/wip-bundle/index.md",
            "---\ntitle: 草稿包\ndraft: true\n---\n正文\n",
        ),
        ("content/cases/wip-bundle/pic.png", "x"),
    ]);
    let run = f.build(&[]);
    run.expect_code(0);
    assert!(
        run.stdout.starts_with("built 1 pages and 2 sections"),
        "{}",
        run.stdout
    );
    assert!(!f.exists("cases/wip"));
    assert!(
        !f.exists("cases/wip-bundle"),
        "a draft bundle's files are left out too"
    );
    let listing = f.read("cases/index.html");
    assert!(!listing.contains("草稿案例"));
    assert!(!f.read("sitemap.xml").contains("/cases/wip/"));
    assert!(!f.read("atom.xml").contains("草稿案例"));

    let run = f.build(&["--drafts"]);
    run.expect_code(0);
    assert!(
        run.stdout.starts_with("built 3 pages and 2 sections"),
        "{}",
        run.stdout
    );
    assert!(f.read("cases/wip/index.html").contains("<h1>草稿案例</h1>"));
    assert_eq!(f.read("cases/wip-bundle/pic.png"), "x");
    assert!(f.read("cases/index.html").contains("草稿案例"));
}

#[test]
fn nested_sections() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/courses/_index.md", "---\ntitle: 课程库\n---\n"),
        (
            "content/courses/m1/_index.md",
            "---\ntitle: 模块一\nweight: 2\n---\n",
        ),
        (
            "content/courses/m0/_index.md",
            "---\ntitle: 模块零\nweight: 1\n---\n",
        ),
        ("content/courses/m1/deep/_index.md", &page("深层", "")),
        ("content/courses/m1/deep/leaf.md", &page("叶子", "正文")),
        ("content/courses/m0/a.md", &page("甲课", "正文")),
    ]);
    f.build(&[]).expect_code(0);
    assert!(f
        .read("courses/m1/deep/index.html")
        .contains("<h1>深层</h1>"));
    let leaf = f.read("courses/m1/deep/leaf/index.html");
    // Breadcrumbs from the home page down through every level.
    let crumbs = anchors(between(&leaf, "<nav class=\"breadcrumbs", "</nav>"));
    assert_eq!(
        crumbs,
        [
            ("/".to_string(), "首页".to_string()),
            ("/courses/".into(), "课程库".into()),
            ("/courses/m1/".into(), "模块一".into()),
            ("/courses/m1/deep/".into(), "深层".into()),
        ]
    );
    assert!(between(&leaf, "<nav class=\"breadcrumbs", "</nav>")
        .contains("<li aria-current=\"page\">叶子</li>"));
    // A section lists its subsections by weight.
    let courses = f.read("courses/index.html");
    let modules = anchors(between(
        &courses,
        "<ol class=\"modules\">",
        "</ol>\n  <p class=\"progress-reset",
    ));
    let titles: Vec<&str> = modules.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(titles, ["模块零", "甲课", "模块一"]);
    let m1 = f.read("courses/m1/index.html");
    assert!(
        m1.contains("<h3><a href=\"/courses/m1/deep/\">深层</a></h3>"),
        "{m1}"
    );
}

#[test]
fn sort_by_weight_date_and_title_with_deterministic_ties() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        (
            "content/w/_index.md",
            "---\ntitle: W\nsort_by: weight\n---\n",
        ),
        ("content/w/z.md", "---\ntitle: z2\nweight: 2\n---\n"),
        ("content/w/b.md", "---\ntitle: b2\nweight: 2\n---\n"),
        ("content/w/a.md", "---\ntitle: a-none\n---\n"),
        ("content/w/c.md", "---\ntitle: c1\nweight: 1\n---\n"),
        ("content/w/m.md", "---\ntitle: m-minus\nweight: -5\n---\n"),
        ("content/d/_index.md", "---\ntitle: D\nsort_by: date\n---\n"),
        (
            "content/d/old.md",
            "---\ntitle: old\ndate: 2016-01-01\n---\n",
        ),
        (
            "content/d/new.md",
            "---\ntitle: new\ndate: 2020-06-01\n---\n",
        ),
        (
            "content/d/tie-b.md",
            "---\ntitle: tie-b\ndate: 2018-03-01\n---\n",
        ),
        (
            "content/d/tie-a.md",
            "---\ntitle: tie-a\ndate: 2018-03-01\n---\n",
        ),
        (
            "content/d/timed.md",
            "---\ntitle: timed\ndate: 2018-03-01T09:30:00+08:00\n---\n",
        ),
        (
            "content/t/_index.md",
            "---\ntitle: T\nsort_by: title\n---\n",
        ),
        ("content/t/1.md", "---\ntitle: cherry\n---\n"),
        ("content/t/2.md", "---\ntitle: apple\n---\n"),
        ("content/t/4.md", "---\ntitle: banana\n---\n"),
        ("content/t/3.md", "---\ntitle: banana\n---\n"),
    ]);
    f.build(&[]).expect_code(0);
    // Weight ascending, ties by file path, pages without weight last.
    assert_eq!(
        card_titles(&f.read("w/index.html")),
        ["m-minus", "c1", "b2", "z2", "a-none"]
    );
    // Date newest first, ties by file path.
    assert_eq!(
        card_titles(&f.read("d/index.html")),
        ["new", "timed", "tie-a", "tie-b", "old"]
    );
    // Title, ties by file path (3.md before 4.md).
    let t = f.read("t/index.html");
    assert_eq!(card_titles(&t), ["apple", "banana", "banana", "cherry"]);
    let hrefs: Vec<String> = anchors(&t)
        .into_iter()
        .filter(|(_, text)| text == "banana")
        .map(|(h, _)| h)
        .collect();
    assert_eq!(hrefs, ["/t/3/", "/t/4/"]);
}

#[test]
fn cjk_soft_breaks_and_emphasis_end_to_end() {
    let body = "第一行中文\n第二行中文，\n“引号”接着\n写\nEnglish words\nwrap here\n\n\
                这是**“加粗”**文字\n\n**重要提示：**请注意\n\n**“两新”组织**\n\n*强调（说明）*后文\n\n\
                *foo* **bar** __baz__ a*b*c snake_case_name\n\n\
                **重要提示：**请注意**安全**。\n";
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/p.md", &page("中文", body)),
    ]);
    f.build(&[]).expect_code(0);
    let html = f.read("p/index.html");
    let prose = prose(&html);
    // Soft breaks between Chinese characters (and Chinese punctuation) vanish; between Latin
    // words the line break stays.
    assert!(
        prose.contains("<p>第一行中文第二行中文，“引号”接着写\nEnglish words\nwrap here</p>"),
        "{prose}"
    );
    assert!(
        prose.contains("<p>这是<strong>“加粗”</strong>文字</p>"),
        "{prose}"
    );
    assert!(
        prose.contains("<p><strong>重要提示：</strong>请注意</p>"),
        "{prose}"
    );
    assert!(
        prose.contains("<p><strong>“两新”组织</strong></p>"),
        "{prose}"
    );
    assert!(
        prose.contains("<p><em>强调（说明）</em>后文</p>"),
        "{prose}"
    );
    assert!(
        prose.contains(
            "<p><em>foo</em> <strong>bar</strong> <strong>baz</strong> a<em>b</em>c snake_case_name</p>"
        ),
        "{prose}"
    );
    // Two bold spans in one Chinese sentence pair up as written, not nested.
    assert!(
        prose.contains("<p><strong>重要提示：</strong>请注意<strong>安全</strong>。</p>"),
        "{prose}"
    );
}

#[test]
fn smart_punctuation_is_off_by_default_and_can_be_switched_on() {
    let body = "他说：\"你好\"。 \"quoted\" -- dash... 'single'";
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/p.md", &page("标点", body)),
    ]);
    f.build(&[]).expect_code(0);
    assert!(
        prose(&f.read("p/index.html"))
            .contains("<p>他说：\"你好\"。 \"quoted\" -- dash... 'single'</p>"),
        "{}",
        f.read("p/index.html")
    );
    f.write(
        "site.toml",
        "title = \"测试站点\"\n[markdown]\nsmart_punctuation = true\n",
    );
    f.build(&[]).expect_code(0);
    let p = f.read("p/index.html");
    let prose = prose(&p);
    assert!(prose.contains("“quoted” – dash… ‘single’"), "{prose}");
}

/// A site template that prints the template context as JSON, for exact assertions.
const CONTEXT_PAGE: &str = "TOC={{ page.toc | json_encode() | safe }}\n\
SUMMARY={{ page.summary | safe }}\n\
WORDS={{ page.word_count }}\n\
MINUTES={{ page.reading_time }}\n\
URL={{ page.url }}\n\
ANCESTORS={% for a in page.ancestors %}{{ a.title }}|{% endfor %}\n\
CONTENT={{ page.content | safe }}\n";

#[test]
fn heading_ids_toc_summary_and_counts_in_the_template_context() {
    let body = "\
开头一段，共有十个汉字。

第二段不在摘要里。

## 背景

## 背景

## 主要做法 {#practice}

### 2016 年的成效（摘要）

#### 四级

## Party Building 2.0
";
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/cases/_index.md", &page("案例", "")),
        ("content/cases/t.md", &page("天津", body)),
        ("templates/page.html", CONTEXT_PAGE),
    ]);
    f.build(&[]).expect_code(0);
    let out = f.read("cases/t/index.html");
    let toc = between(&out, "TOC=", "\n");
    assert_eq!(
        toc,
        // serde_json orders object keys alphabetically.
        r#"[{"children":[],"id":"背景","level":2,"title":"背景"},{"children":[],"id":"背景-1","level":2,"title":"背景"},{"children":[{"children":[{"children":[],"id":"四级","level":4,"title":"四级"}],"id":"2016-年的成效摘要","level":3,"title":"2016 年的成效（摘要）"}],"id":"practice","level":2,"title":"主要做法"},{"children":[],"id":"party-building-20","level":2,"title":"Party Building 2.0"}]"#
    );
    let content = between(&out, "CONTENT=", "\n\n");
    for h in [
        "<h2 id=\"背景\">背景</h2>",
        "<h2 id=\"背景-1\">背景</h2>",
        "<h2 id=\"practice\">主要做法</h2>",
        "<h3 id=\"2016-年的成效摘要\">2016 年的成效（摘要）</h3>",
    ] {
        assert!(out.contains(h), "{h} missing in\n{content}");
    }
    // Without `<!-- more -->` the summary is the first paragraph.
    assert_eq!(
        between(&out, "SUMMARY=", "\n"),
        "<p>开头一段，共有十个汉字。</p>"
    );
    // Word count: one per Chinese character (punctuation excluded), one per Latin word:
    // 开头一段共有十个汉字 10 + 第二段不在摘要里 8 + 背景 2 + 背景 2 + 主要做法 4
    // + 2016 年的成效摘要 (1 + 6) + 四级 2 + Party Building 2.0 (3) = 38.
    assert_eq!(between(&out, "WORDS=", "\n"), "38");
    assert_eq!(between(&out, "MINUTES=", "\n"), "1");
    assert_eq!(between(&out, "URL=", "\n"), "/cases/t/");
    assert_eq!(between(&out, "ANCESTORS=", "\n"), "首页|案例|");
}

#[test]
fn summary_before_more_marker_and_reading_time_of_long_chinese_text() {
    let long = "党".repeat(401);
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        (
            "content/a.md",
            &page(
                "甲",
                "第一段**加粗**。\n\n第二段。\n\n<!-- more -->\n\n第三段。",
            ),
        ),
        ("content/b.md", &page("乙", &long)),
        ("content/c.md", &page("丙", &"党".repeat(400))),
        ("templates/page.html", CONTEXT_PAGE),
    ]);
    f.build(&[]).expect_code(0);
    let a = f.read("a/index.html");
    assert_eq!(
        between(&a, "SUMMARY=", "\nWORDS"),
        "<p>第一段<strong>加粗</strong>。</p>\n<p>第二段。</p>\n"
    );
    let b = f.read("b/index.html");
    assert_eq!(between(&b, "WORDS=", "\n"), "401");
    // About 400 Chinese characters a minute: 401 characters take 2 minutes, 400 take 1.
    assert_eq!(between(&b, "MINUTES=", "\n"), "2");
    assert_eq!(between(&f.read("c/index.html"), "MINUTES=", "\n"), "1");
}

#[test]
fn site_templates_and_static_files_override_the_theme_file_by_file() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/p.md", &page("页面", "正文")),
        ("static/css/site.css", "/* 本站样式 */\n"),
        ("static/img/logo.svg", "<svg/>"),
        (
            "templates/404.html",
            "{% extends \"base.html\" %}{% block main %}<p>自定义的 404</p>{% endblock main %}",
        ),
    ]);
    f.build(&[]).expect_code(0);
    // Theme CSS/JS are fingerprinted: find the written names from the page that uses them.
    let p = f.read("p/index.html");
    let css = between(&p, "<link rel=\"stylesheet\" href=\"/", "\"");
    let js = between(&p, "<script src=\"/", "\"");
    assert!(
        css.starts_with("css/site.") && css.ends_with(".css"),
        "{css}"
    );
    assert_eq!(f.read(css), "/* 本站样式 */\n");
    assert_eq!(f.read("img/logo.svg"), "<svg/>");
    // Files the site does not override come from the theme.
    let theme_js =
        std::fs::read_to_string(common::repo_root().join("themes/default/static/js/site.js"))
            .unwrap();
    assert_eq!(f.read(js), theme_js);
    let not_found = f.read("404.html");
    assert!(not_found.contains("<p>自定义的 404</p>"));
    // The override still extends the theme's base template.
    assert!(not_found.contains("<header class=\"site-header\">"));
    assert!(!not_found.contains("页面不存在"));
    // The theme's page.html is still used for pages.
    assert!(f.read("p/index.html").contains("<h1>页面</h1>"));
}

#[test]
fn template_functions_and_per_page_templates() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/cases/_index.md", "---\ntitle: 案例\nsort_by: title\n---\n"),
        (
            "content/cases/t.md",
            "---\ntitle: 天津\ntemplate: special.html\nsource:\n  title: 原文\n  author: 作者\nextra:\n  level: 市级\n---\n## 做法\n",
        ),
        ("content/cases/a.md", &page("安徽", "")),
        (
            "content/courses/_index.md",
            "---\ntitle: 课程库\ntemplate: courses.html\n---\n",
        ),
        (
            "templates/special.html",
            "URL={{ get_url(path=\"@/cases/t.md#做法\") }}\n\
             SECTION_URL={{ get_url(path=\"@/cases/_index.md\") }}\n\
             STATIC={{ get_url(path=\"css/site.css\") }}\n\
             {% set p = get_page(path=\"cases/a.md\") %}PAGE={{ p.title }} {{ p.url }}\n\
             {% set s = get_section(path=\"cases\") %}PAGES={% for x in s.pages %}{{ x.title }},{% endfor %}\n\
             SOURCE={{ page.source.author }}：《{{ page.source.title }}》\n\
             EXTRA={{ page.extra.level }}\n\
             SITE={{ config.title }}\n",
        ),
        ("templates/courses.html", "COURSES={{ section.title }}\n"),
    ]);
    f.build(&[]).expect_code(0);
    // (`sort_by: title` compares code points: 天 U+5929 before 安 U+5B89.)
    let fingerprinted = |t: String| {
        let css = between(&t, "STATIC=/", "\n").to_string();
        assert!(
            css.starts_with("css/site.")
                && css.ends_with(".css")
                && css.len() == "css/site.12345678.css".len(),
            "{css}"
        );
        t.replace(&css, "css/site.css")
    };
    assert_eq!(
        fingerprinted(f.read("cases/t/index.html")),
        "URL=/cases/t/#做法\nSECTION_URL=/cases/\nSTATIC=/css/site.css\nPAGE=安徽 /cases/a/\n\
         PAGES=天津,安徽,\nSOURCE=作者：《原文》\nEXTRA=市级\nSITE=测试站点\n"
    );
    assert_eq!(f.read("courses/index.html"), "COURSES=课程库\n");
    // The other page still uses the theme's page.html.
    assert!(f.read("cases/a/index.html").contains("<h1>安徽</h1>"));
    // Under a sub-path the functions give sub-path URLs.
    f.build(&["--base-url", "/kb/"]).expect_code(0);
    let t = f.read("cases/t/index.html");
    let t = t.replace(between(&t, "STATIC=/kb/", "\n"), "css/site.css");
    assert!(t.starts_with("URL=/kb/cases/t/#做法\nSECTION_URL=/kb/cases/\nSTATIC=/kb/css/site.css\nPAGE=安徽 /kb/cases/a/\n"), "{t}");
}

#[test]
fn a_site_without_home_page_file_still_builds() {
    let f = Fixture::new(&[("content/p.md", &page("页面", "正文"))]);
    f.build(&[]).expect_code(0);
    let home = f.read("index.html");
    assert!(
        home.contains("<h1>测试站点</h1>"),
        "{}",
        between(&home, "<main", "</main>")
    );
    assert!(f.read("p/index.html").contains("<h1>页面</h1>"));
}

#[test]
fn titles_are_escaped() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/cases/_index.md", &page("案例", "")),
        (
            "content/cases/x.md",
            "---\ntitle: \"<script>alert(1)</script>\"\ntags: [\"<b>粗</b>\"]\n---\n正文\n",
        ),
    ]);
    f.build(&[]).expect_code(0);
    for path in ["cases/x/index.html", "cases/index.html", "tags/index.html"] {
        let html = f.read(path);
        assert!(
            !html.contains("<script>alert(1)"),
            "{path} has a raw script"
        );
        assert!(
            !html.contains("<b>粗</b>"),
            "{path} has raw markup from a term"
        );
    }
    let html = f.read("cases/x/index.html");
    assert!(
        html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
        "{html}"
    );
    assert!(html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; · 测试站点</title>"));
    assert!(!f.read("atom.xml").contains("<title><script>"));
}

#[test]
fn summaries_in_descriptions_and_listings_are_escaped_exactly_once() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/cases/_index.md", "---\ntitle: 案例\n---\n"),
        (
            "content/cases/q.md",
            "---\ntitle: 引号\ndate: 2020-01-01\n---\n他说\"你好\" & <b>粗</b> 1 < 2\n\n第二段\n",
        ),
    ]);
    f.build(&[]).expect_code(0);
    let page = f.read("cases/q/index.html");
    assert!(
        page.contains(
            "<meta name=\"description\" content=\"他说&quot;你好&quot; &amp; 粗 1 &lt; 2\">"
        ),
        "{}",
        between(&page, "<title>", "<link")
    );
    // The card of the section listing and of the home page's recent cases.
    for path in ["cases/index.html", "index.html"] {
        let html = f.read(path);
        assert!(
            html.contains(
                "<div class=\"card-summary\">他说&quot;你好&quot; &amp; 粗 1 &lt; 2</div>"
            ),
            "{path}: {}",
            between(&html, "<main", "</main>")
        );
    }
}

#[test]
fn raw_html_passes_by_default_and_safe_mode_strips_scripts() {
    let body = "<div class=\"note\" onclick=\"steal()\">注意</div>\n\n\
                <script>alert(1)</script>\n\n[链接](javascript:alert(2)) 正文 <b>粗</b>";
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/p.md", &page("页面", body)),
    ]);
    f.build(&[]).expect_code(0);
    let trusted = f.read("p/index.html");
    assert!(trusted.contains("<script>alert(1)</script>"));
    assert!(trusted.contains("onclick=\"steal()\""));

    f.write(
        "site.toml",
        "title = \"测试站点\"\n[markdown]\nsafe = true\n",
    );
    f.build(&[]).expect_code(0);
    let safe = f.read("p/index.html");
    let main = between(&safe, "<main", "</main>");
    assert!(!main.contains("<script"), "{main}");
    assert!(!main.contains("alert(1)"), "{main}");
    assert!(!main.contains("onclick"), "{main}");
    assert!(!main.contains("javascript:"), "{main}");
    assert!(main.contains("<div class=\"note\">注意</div>"), "{main}");
    assert!(main.contains("<b>粗</b>"), "{main}");
}

/// A fixture with most features in use, for whole-tree comparisons.
fn rich_site() -> Fixture {
    Fixture::new(&[
        ("content/_index.md", &page("首页", "欢迎")),
        ("content/cases/_index.md", "---\ntitle: 案例\nsort_by: date\npaginate_by: 2\n---\n"),
        (
            "content/cases/tianjin.md",
            "---\ntitle: 天津\ndate: 2018-12-01\ntags: [组织覆盖, 组织力]\nregions: [天津市]\n---\n## 主要做法\n\n文字\n",
        ),
        (
            "content/cases/xiaoyi.md",
            "---\ntitle: 孝义\ndate: 2019-01-01\ntags: [组织覆盖]\nregions: [山西省]\n---\n## 背景\n",
        ),
        (
            "content/cases/gulou/index.md",
            "---\ntitle: 鼓楼\ndate: 2017-05-01\ntags: [议事会]\n---\n![图](p.png)\n",
        ),
        ("content/cases/gulou/p.png", "png"),
        ("content/courses/_index.md", &page("课程库", "")),
        ("content/courses/m1/_index.md", "---\ntitle: 模块一\nweight: 1\n---\n"),
        (
            "content/courses/m1/a.md",
            "---\ntitle: 第一课\nweight: 1\ncases: [cases/tianjin.md]\n---\n见[天津](@/cases/tianjin.md#主要做法)。\n",
        ),
        (
            "content/courses/m1/b.md",
            "---\ntitle: 第二课\nweight: 2\ncases: [cases/xiaoyi.md]\n---\n见[孝义](../../cases/xiaoyi.md)。\n",
        ),
        ("static/files/guide.txt", "guide"),
    ])
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let f = rich_site();
    let out = tempfile::tempdir().unwrap();
    let (one, two) = (out.path().join("one"), out.path().join("two"));
    f.build(&["--output", one.to_str().unwrap()]).expect_code(0);
    f.build(&["--output", two.to_str().unwrap()]).expect_code(0);
    let (a, b) = (tree(&one), tree(&two));
    assert!(a.len() > 30, "expected a real site, got {} files", a.len());
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b));
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between two builds");
    }
    // Rebuilding in place gives the same tree again.
    f.build(&[]).expect_code(0);
    let first = tree(&f.root().join("public"));
    f.build(&[]).expect_code(0);
    assert!(first == tree(&f.root().join("public")));
    assert!(first == a);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let f = rich_site();
    f.build(&[]).expect_code(0);
    let before = tree(&f.root().join("public"));
    // A broken link fails the build late (after loading); a render error later still.
    f.write(
        "content/courses/m1/b.md",
        "---\ntitle: 第二课改\nweight: 2\n---\n见[不存在](@/cases/nowhere.md)。\n",
    );
    f.write("content/cases/new.md", &page("新案例", "新"));
    let run = f.build(&[]);
    run.expect_code(1)
        .expect_stderr(&["the previous output was left as it was"]);
    assert!(
        before == tree(&f.root().join("public")),
        "public/ changed after a failed build"
    );
    // A template that fails at render time (after staging began) also leaves it alone.
    f.write("content/courses/m1/b.md", &page("第二课改", "正文"));
    f.write(
        "templates/page.html",
        "{% set p = get_page(path=\"cases/none.md\") %}{{ p.title }}",
    );
    f.build(&[])
        .expect_code(1)
        .expect_stderr(&["get_page: there is no page content/cases/none.md"]);
    assert!(
        before == tree(&f.root().join("public")),
        "public/ changed after a render error"
    );
    // No temporary directory is left behind.
    let leftovers: Vec<String> = std::fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("zhiku"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_first_build_that_fails_writes_nothing() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/p.md", "---\ntitel: 错\n---\n"),
    ]);
    f.build(&[]).expect_code(1);
    assert!(!f.root().join("public").exists());
}

#[test]
fn output_and_base_url_options() {
    let f = rich_site();
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let run = f.build(&[
        "--output",
        dest.to_str().unwrap(),
        "--base-url",
        "https://example.org/kb",
    ]);
    run.expect_code(0);
    assert!(
        !f.root().join("public").exists(),
        "--output replaces public/"
    );
    let page = std::fs::read_to_string(dest.join("courses/m1/a/index.html")).unwrap();
    // Internal links, theme assets, navigation and breadcrumbs all carry the sub-path.
    assert!(
        page.contains("href=\"/kb/cases/tianjin/#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95\""),
        "{page}"
    );
    assert!(between(&page, "<link rel=\"stylesheet\" href=\"", "\"").starts_with("/kb/css/site."));
    assert!(between(&page, "<script src=\"", "\"").starts_with("/kb/js/site."));
    assert!(page.contains("<a class=\"site-title\" href=\"/kb/\">"));
    assert!(page.contains("<li><a href=\"/kb/courses/\">课程库</a></li>"));
    let hrefs = common::links(&page);
    let bad: Vec<&String> = hrefs
        .iter()
        .filter(|h| h.starts_with('/') && !h.starts_with("/kb/"))
        .collect();
    assert!(bad.is_empty(), "root-relative URLs outside /kb/: {bad:?}");
    let gulou = std::fs::read_to_string(dest.join("cases/gulou/index.html")).unwrap();
    assert!(gulou.contains("src=\"/kb/cases/gulou/p.png\""));
    // Absolute URLs where they must be absolute.
    let sitemap = std::fs::read_to_string(dest.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://example.org/kb/courses/m1/a/</loc>"),
        "{sitemap}"
    );
    // Every internal link of the sub-path build resolves.
    assert_eq!(common::broken_links(&dest, "/kb/"), Vec::<String>::new());
    // site.toml's base_url is used when no option is given.
    f.write("site.toml", "title = \"测试站点\"\nbase_url = \"/docs/\"\n");
    f.build(&[]).expect_code(0);
    assert!(f
        .read("courses/m1/a/index.html")
        .contains("href=\"/docs/cases/tianjin/#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95\""));
}

#[test]
fn usage_errors_exit_with_2() {
    let run = common::Run::of(common::zhiku().args(["build", "--bogus"]).output().unwrap());
    assert!(
        run.stderr.contains("unexpected argument '--bogus'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Usage: zhiku build [OPTIONS]"),
        "{}",
        run.stderr
    );
    for args in [
        vec!["build", "--no-such-option"],
        vec!["frobnicate"],
        vec![],
        vec!["build", "--root"],
    ] {
        let run = common::Run::of(common::zhiku().args(&args).output().unwrap());
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: ") || run.stderr.contains("Usage: zhiku <COMMAND>"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn help_and_version() {
    let run = common::Run::of(common::zhiku().arg("--version").output().unwrap());
    run.expect_code(0);
    assert_eq!(run.stdout, format!("zhiku {}\n", env!("CARGO_PKG_VERSION")));
    let run = common::Run::of(common::zhiku().arg("--help").output().unwrap());
    run.expect_code(0);
    assert!(
        run.stdout.contains("Usage: zhiku <COMMAND>"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("build"), "{}", run.stdout);
    let run = common::Run::of(common::zhiku().args(["build", "--help"]).output().unwrap());
    run.expect_code(0);
    for opt in [
        "--root <ROOT>",
        "--output <OUTPUT>",
        "--base-url <BASE_URL>",
        "--drafts",
    ] {
        assert!(run.stdout.contains(opt), "{opt} missing in\n{}", run.stdout);
    }
}

#[test]
fn one_line_summary() {
    let f = rich_site();
    let run = f.build(&[]);
    run.expect_code(0);
    assert_eq!(run.stderr, "", "a clean site builds without warnings");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    let files = tree(&f.root().join("public")).len();
    let out = f.root().join("public");
    let expected = format!(
        "built 5 pages and 4 sections: {files} files written to {} in ",
        out.display()
    );
    assert!(
        lines[0].starts_with(&expected),
        "{}\nexpected {expected}",
        lines[0]
    );
    let secs = lines[0][expected.len()..]
        .strip_suffix(" s")
        .expect("ends in ` s`");
    assert!(secs.parse::<f64>().is_ok(), "{secs}");
}

#[test]
fn builds_from_the_current_directory_by_default() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        ("content/p.md", &page("页面", "正文")),
    ]);
    let run = common::Run::of(
        common::zhiku()
            .arg("build")
            .current_dir(f.root())
            .output()
            .unwrap(),
    );
    run.expect_code(0);
    assert!(f.read("p/index.html").contains("<h1>页面</h1>"));
}

/// A theme without `print.html` or `atom.xml`: no print page or feed is written, so the
/// context gives no `print_url` or `feed_url` pointing at them, and a link to the site's
/// feed is a broken link (the output plan is what the build writes).
#[test]
fn a_theme_without_print_and_feed_templates_links_to_neither() {
    let page = "{{ page.title }}|print={{ page.lesson.print_url | default(value='none') }}";
    let section = "{{ section.title }}|print={{ section.print_url | default(value='none') }}|feed={{ section.feed_url | default(value='none') }}";
    let f = Fixture::new(&[
        ("site.toml", "title = \"测试站点\"\ntheme = \"plain\"\n"),
        ("themes/plain/templates/index.html", section),
        ("themes/plain/templates/section.html", section),
        ("themes/plain/templates/page.html", page),
        ("themes/plain/templates/404.html", "404"),
        ("content/courses/_index.md", "---\ntitle: 课程库\n---\n"),
        ("content/courses/m1/_index.md", "---\ntitle: 模块一\n---\n"),
        (
            "content/courses/m1/l1.md",
            "---\ntitle: 第一课\n---\n正文。\n",
        ),
    ]);
    f.build(&[]).expect_code(0);
    assert_eq!(
        f.read("courses/m1/index.html"),
        "模块一|print=none|feed=none"
    );
    assert_eq!(f.read("courses/m1/l1/index.html"), "第一课|print=none");
    assert!(!f.exists("courses/m1/print/index.html"));
    assert!(!f.exists("courses/m1/atom.xml"));
    f.write(
        "content/courses/m1/l1.md",
        "---\ntitle: 第一课\n---\n[订阅](/atom.xml)\n",
    );
    f.build(&[])
        .expect_code(1)
        .expect_stderr(&["content/courses/m1/l1.md", "/atom.xml"]);
}

#[test]
fn a_pager_lists_the_first_the_last_and_the_pagers_around_it() {
    let mut files: Vec<(String, String)> = vec![
        ("content/_index.md".into(), page("首页", "")),
        (
            "content/cases/_index.md".into(),
            "---\ntitle: 案例\nsort_by: weight\npaginate_by: 1\n---\n".into(),
        ),
        (
            "templates/section.html".into(),
            "{% for p in paginator.pagers %}{{ p.index }}{% if p.current %}*{% endif %},{% endfor %}"
                .into(),
        ),
    ];
    for i in 1..=30 {
        files.push((
            format!("content/cases/c{i:02}.md"),
            format!("---\ntitle: 案例{i}\nweight: {i}\n---\n正文\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    f.build(&[]).expect_code(0);
    let pager = |n: usize| {
        let path = if n == 1 {
            "public/cases/index.html".to_string()
        } else {
            format!("public/cases/page/{n}/index.html")
        };
        std::fs::read_to_string(f.root().join(path)).unwrap()
    };
    // 30 pagers: each lists the first, the last and five on each side of itself.
    assert_eq!(pager(1), "1*,2,3,4,5,6,30,");
    assert_eq!(pager(15), "1,10,11,12,13,14,15*,16,17,18,19,20,30,");
    assert_eq!(pager(30), "1,25,26,27,28,29,30*,");
}
