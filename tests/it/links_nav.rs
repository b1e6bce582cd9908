//! Internal links and their checks, backlinks, related pages, lessons ↔ cases, course order,
//! pagination, taxonomies with their feeds, the module print page, sitemap and 404.

use crate::common;

use common::{anchors, between, page, Fixture};

const SITE_TOML: &str = r#"title = "测试站点"
base_url = "https://kb.example.org/"

[[taxonomies]]
name = "tags"
title = "主题"
paginate_by = 2

[[taxonomies]]
name = "regions"
title = "地区"

[[taxonomies]]
name = "org_types"
title = "组织类型"
feed = false
"#;

/// A small knowledge base: four cases (one a bundle), two course modules.
fn kb() -> Fixture {
    Fixture::new(&[
        ("site.toml", SITE_TOML),
        ("content/_index.md", &page("首页", "欢迎")),
        (
            "content/cases/_index.md",
            "---\ntitle: 案例\nsort_by: date\npaginate_by: 2\n---\n",
        ),
        (
            "content/cases/tianjin.md",
            "---\ntitle: 天津\ndate: 2018-12-01\ntags: [组织覆盖, 组织力, \"“两新” 组织 (试点)\"]\nregions: [天津市]\norg_types: [社会组织]\n---\n## 主要做法\n\n四个阶段。\n\n## 成效\n\n覆盖率提高。\n",
        ),
        (
            "content/cases/xiaoyi.md",
            "---\ntitle: 孝义\ndate: 2019-03-01\ntags: [组织覆盖, 八有标准]\nregions: [山西省]\n---\n## 背景\n\n正文。\n",
        ),
        (
            "content/cases/nanning.md",
            "---\ntitle: 南宁\ndate: 2020-01-01\ntags: [组织力]\nregions: [广西]\n---\n正文。\n",
        ),
        (
            "content/cases/gulou/index.md",
            "---\ntitle: 鼓楼\ndate: 2017-06-01\ntags: [议事会]\n---\n## 党员议事会\n\n五步。\n",
        ),
        ("content/cases/gulou/photo.png", "PNG"),
        ("content/courses/_index.md", &page("课程库", "")),
        (
            "content/courses/m1/_index.md",
            "---\ntitle: 模块一\nweight: 1\n---\n",
        ),
        (
            "content/courses/m1/a.md",
            "---\ntitle: 第一课\nweight: 1\ncases: [cases/tianjin.md, cases/xiaoyi.md]\n---\n\
             见[天津的做法](@/cases/tianjin.md#主要做法)和[成效](../../cases/tianjin.md#成效)，\
             [孝义](@/cases/xiaoyi.md)，[鼓楼](@/cases/gulou/index.md#党员议事会)。\n\n\
             ![议事会](../../cases/gulou/photo.png) [指南](/files/guide.pdf) [讨论](#讨论题) [模块](@/courses/m1/_index.md)\n\n\
             ## 讨论题\n\n一、二。\n",
        ),
        (
            "content/courses/m1/z.md",
            "---\ntitle: 第三课\nweight: 2\ncases: [cases/tianjin.md]\n---\n## 要点\n\n见[天津](@/cases/tianjin.md)。\n",
        ),
        (
            "content/courses/m1/b.md",
            "---\ntitle: 第二课\nweight: 2\ncases: [cases/gulou/index.md]\n---\n## 要点\n\n正文。\n",
        ),
        (
            "content/courses/m2/_index.md",
            "---\ntitle: 模块二\nweight: 2\n---\n",
        ),
        (
            "content/courses/m2/d.md",
            "---\ntitle: 第五课\nweight: 1\n---\n正文。\n",
        ),
        (
            "content/courses/m2/c.md",
            "---\ntitle: 第四课\nweight: 1\ncases: [cases/tianjin.md]\n---\n正文。\n",
        ),
        ("static/files/guide.pdf", "PDF"),
    ])
}

fn built() -> Fixture {
    let f = kb();
    let run = f.build(&[]);
    run.expect_code(0);
    assert_eq!(run.stderr, "", "no warnings expected");
    f
}

/// The links of the box headed `heading` (`<h2 …>heading</h2>` up to the box's end).
fn box_links(html: &str, heading: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!(">{heading}</h2>"))
        .unwrap_or_else(|| panic!("no box {heading} in\n{html}"));
    let rest = &html[start..];
    let end = ["</section>", "</aside>"]
        .iter()
        .filter_map(|e| rest.find(e))
        .min()
        .unwrap();
    anchors(&rest[..end])
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn internal_links_resolve_to_urls() {
    let f = built();
    let html = f.read("courses/m1/a/index.html");
    let prose = between(&html, "<div class=\"prose\">", "</div>");
    // URLs are written percent-encoded, as pulldown-cmark writes links (`#主要做法` →
    // `#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95`); browsers match the decoded fragment.
    for fragment in [
        "<a href=\"/cases/tianjin/#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95\">天津的做法</a>",
        "<a href=\"/cases/tianjin/#%E6%88%90%E6%95%88\">成效</a>",
        "<a href=\"/cases/xiaoyi/\">孝义</a>",
        "<a href=\"/cases/gulou/#%E5%85%9A%E5%91%98%E8%AE%AE%E4%BA%8B%E4%BC%9A\">鼓楼</a>",
        "<img src=\"/cases/gulou/photo.png\" alt=\"议事会\" />",
        "<a href=\"/files/guide.pdf\">指南</a>",
        "<a href=\"#%E8%AE%A8%E8%AE%BA%E9%A2%98\">讨论</a>",
        "<a href=\"/courses/m1/\">模块</a>",
        "<h2 id=\"讨论题\">讨论题</h2>",
    ] {
        assert!(prose.contains(fragment), "{fragment} missing in\n{prose}");
    }
    assert_eq!(f.read("files/guide.pdf"), "PDF");
    assert_eq!(f.read("cases/gulou/photo.png"), "PNG");
    // Nothing of the source syntax is left anywhere.
    for (name, bytes) in common::tree(&f.root().join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("zhiku-link:"), "{name} has a placeholder");
        assert!(
            !text.contains("href=\"@/"),
            "{name} has an unresolved @/ link"
        );
        assert!(!text.contains(".md\""), "{name} links to a .md file");
    }
    assert_eq!(
        common::broken_links(&f.root().join("public"), "/"),
        Vec::<String>::new()
    );
}

/// Builds `kb()` plus `extra` files and returns the failed run.
fn broken(extra: &[(&str, &str)]) -> common::Run {
    let f = kb();
    for (p, c) in extra {
        f.write(p, c);
    }
    let run = f.build(&[]);
    run.expect_code(1);
    run
}

#[test]
fn broken_link_to_a_missing_page() {
    let run = broken(&[(
        "content/courses/m1/x.md",
        "---\ntitle: 坏链接\n---\n第一行\n\n见[天津](@/cases/tianjn.md)和[南宁](../../cases/nanning.md)。\n",
    )]);
    run.expect_stderr(&[
        "error: broken link `@/cases/tianjn.md`: there is no content/cases/tianjn.md\n  ┌─ content/courses/m1/x.md:6:2\n",
        "6 │ 见[天津](@/cases/tianjn.md)和[南宁](../../cases/nanning.md)。",
        "= help: did you mean `@/cases/tianjin.md`?",
        "build failed: 1 error(s)",
    ]);
}

#[test]
fn broken_link_to_a_missing_anchor() {
    let run = broken(&[(
        "content/courses/m1/x.md",
        "---\ntitle: 坏锚点\n---\n见[做法](@/cases/tianjin.md#主要作法)，[相对](../../cases/xiaoyi.md#起因)，[本页](#结论)。\n\n## 总结\n",
    )]);
    run.expect_stderr(&[
        "error: broken link `@/cases/tianjin.md#主要作法`: content/cases/tianjin.md has no heading with id `主要作法`\n  ┌─ content/courses/m1/x.md:4:2\n",
        "= help: did you mean `#主要做法`?",
        "error: broken link `../../cases/xiaoyi.md#起因`: content/cases/xiaoyi.md has no heading with id `起因`\n  ┌─ content/courses/m1/x.md:4:32\n",
        "= help: its headings are: 背景",
        "error: broken link `#结论`: content/courses/m1/x.md has no heading with id `结论`\n  ┌─ content/courses/m1/x.md:4:63\n",
        "build failed: 3 error(s)",
    ]);
}

#[test]
fn broken_link_to_a_missing_file() {
    let run = broken(&[(
        "content/cases/gulou/index.md",
        "---\ntitle: 鼓楼\ndate: 2017-06-01\n---\n![现场](photo.jpg)\n\n[指南](/files/guide.pfd)\n",
    )]);
    run.expect_stderr(&[
        "error: broken link `photo.jpg`: there is no file content/cases/gulou/photo.jpg\n  ┌─ content/cases/gulou/index.md:5:1\n",
        "= help: did you mean content/cases/gulou/photo.png?",
        "error: broken link `/files/guide.pfd`: no static file, page or generated file has the path /files/guide.pfd\n  ┌─ content/cases/gulou/index.md:7:1\n",
        "= help: did you mean `/files/guide.pdf`?",
    ]);
}

#[test]
fn cases_entry_naming_no_page() {
    let run = broken(&[(
        "content/courses/m1/x.md",
        "---\ntitle: 坏案例\nweight: 9\ncases:\n  - cases/tianjin.md\n  - cases/xiaoyl.md\n---\n正文\n",
    )]);
    run.expect_stderr(&[
        "error: `cases:` names `cases/xiaoyl.md`, but there is no page content/cases/xiaoyl.md\n  ┌─ content/courses/m1/x.md:4:1\n",
        "= help: did you mean `cases/xiaoyi.md`?",
        "build failed: 1 error(s)",
    ]);
}

#[test]
fn links_to_drafts_say_so() {
    let run = broken(&[
        (
            "content/cases/draft.md",
            "---\ntitle: 草稿\ndraft: true\n---\n正文\n",
        ),
        (
            "content/courses/m1/x.md",
            "---\ntitle: 链到草稿\ncases: [cases/draft.md]\n---\n[草稿](@/cases/draft.md)\n",
        ),
    ]);
    run.expect_stderr(&[
        "error: broken link `@/cases/draft.md`: content/cases/draft.md is a draft (`draft: true`), left out of this build\n  ┌─ content/courses/m1/x.md:5:1\n",
        "= help: build with --drafts to include drafts",
        "error: `cases:` names `cases/draft.md`, a draft (`draft: true`) left out of this build",
    ]);
    // With --drafts the same site builds.
    let f = kb();
    f.write(
        "content/cases/draft.md",
        "---\ntitle: 草稿\ndraft: true\n---\n正文\n",
    );
    f.write(
        "content/courses/m1/x.md",
        "---\ntitle: 链到草稿\ncases: [cases/draft.md]\n---\n[草稿](@/cases/draft.md)\n",
    );
    f.build(&["--drafts"]).expect_code(0);
    assert!(f
        .read("courses/m1/x/index.html")
        .contains("<a href=\"/cases/draft/\">草稿</a>"));
}

#[test]
fn backlinks_on_case_pages() {
    let f = built();
    let tianjin = f.read("cases/tianjin/index.html");
    // a and z link to Tianjin, and both teach from it: they are listed once, as 相关课程,
    // not a second time as 引用本页的内容.
    assert_eq!(
        box_links(&tianjin, "相关课程")
            .into_iter()
            .filter(|(h, _)| h.starts_with("/courses/m1/"))
            .collect::<Vec<_>>(),
        pairs(&[("/courses/m1/a/", "第一课"), ("/courses/m1/z/", "第三课")])
    );
    assert!(!tianjin.contains("引用本页的内容"));
    // a links to Gulou (twice: listed once) without teaching from it: 引用本页的内容.
    let gulou = f.read("cases/gulou/index.html");
    assert_eq!(
        box_links(&gulou, "引用本页的内容"),
        pairs(&[("/courses/m1/a/", "第一课")])
    );
    // A page nobody links to has no backlinks box.
    assert!(!f
        .read("cases/nanning/index.html")
        .contains("引用本页的内容"));
    // Every related page is shown once on a page, in the most specific list.
    for page in [
        "cases/tianjin/index.html",
        "cases/gulou/index.html",
        "courses/m1/a/index.html",
    ] {
        let html = f.read(page);
        let mut seen = std::collections::BTreeSet::new();
        for heading in ["本课案例", "相关课程", "引用本页的内容", "相关内容"] {
            if html.contains(&format!(">{heading}</h2>")) {
                for (href, _) in box_links(&html, heading) {
                    assert!(seen.insert(href.clone()), "{page}: {href} listed twice");
                }
            }
        }
    }
    // Related pages leave out what the other lists show: a's cases (Tianjin) share terms
    // with it only through them.
    let a = f.read("courses/m1/a/index.html");
    if a.contains(">相关内容</h2>") {
        assert!(!box_links(&a, "相关内容")
            .iter()
            .any(|(h, _)| h == "/cases/tianjin/" || h == "/cases/xiaoyi/"));
    }
}

#[test]
fn lessons_and_cases_link_both_ways() {
    let f = built();
    // A lesson lists its cases in the order of `cases:`.
    let a = f.read("courses/m1/a/index.html");
    assert_eq!(
        box_links(&a, "本课案例"),
        pairs(&[("/cases/tianjin/", "天津"), ("/cases/xiaoyi/", "孝义")])
    );
    // A case lists the lessons that use it in course order (module by module, weight ties
    // by file name), with the module's name.
    let tianjin = f.read("cases/tianjin/index.html");
    assert_eq!(
        box_links(&tianjin, "相关课程"),
        pairs(&[
            ("/courses/m1/a/", "第一课"),
            ("/courses/m1/z/", "第三课"),
            ("/courses/m2/c/", "第四课"),
        ])
    );
    assert!(tianjin.contains(
        "<li><a href=\"/courses/m2/c/\">第四课</a> <span class=\"meta\">模块二</span></li>"
    ));
    assert_eq!(
        box_links(&f.read("cases/gulou/index.html"), "相关课程"),
        pairs(&[("/courses/m1/b/", "第二课")])
    );
    assert!(!f.read("cases/nanning/index.html").contains("相关课程"));
}

#[test]
fn related_pages_share_the_most_terms() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        (
            "content/p.md",
            "---\ntitle: P\ntags: [t1, t2, t3]\nregions: [r1]\n---\n",
        ),
        (
            "content/q1.md",
            "---\ntitle: Q1\ndate: 2010-01-01\ntags: [t1, t2, t3]\n---\n",
        ),
        (
            "content/q2.md",
            "---\ntitle: Q2\ntags: [t1]\nregions: [r1]\n---\n",
        ),
        (
            "content/q3.md",
            "---\ntitle: Q3\ndate: 2013-01-01\ntags: [t1]\n---\n",
        ),
        (
            "content/q4.md",
            "---\ntitle: Q4\ndate: 2016-01-01\ntags: [t2]\n---\n",
        ),
        (
            "content/q5.md",
            "---\ntitle: Q5\ndate: 2014-01-01\nregions: [r1]\n---\n",
        ),
        (
            "content/q6.md",
            "---\ntitle: Q6\ndate: 2012-01-01\ntags: [t3]\n---\n",
        ),
        (
            "content/q7.md",
            "---\ntitle: Q7\ndate: 2020-01-01\ntags: [other]\n---\n",
        ),
    ]);
    f.build(&[]).expect_code(0);
    let p = f.read("p/index.html");
    // Most shared terms first (Q1: 3, Q2: 2), then newest first among equals; at most five.
    let titles: Vec<String> = box_links(&p, "相关内容")
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(titles, ["Q1", "Q2", "Q4", "Q5", "Q3"]);
    // Q7 shares nothing: it has no related pages at all.
    assert!(!f.read("q7/index.html").contains("相关内容"));
    let q2 = f.read("q2/index.html");
    let titles: Vec<String> = box_links(&q2, "相关内容")
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(titles, ["P", "Q5", "Q3", "Q1"]);
}

#[test]
fn prev_next_within_a_module_and_the_next_module_at_its_end() {
    let f = built();
    let nav = |path: &str| -> (Option<String>, Option<String>) {
        let html = f.read(path);
        let find = |rel: &str| {
            html.split(&format!("<a rel=\"{rel}\" href=\""))
                .nth(1)
                .map(|s| s.split('"').next().unwrap().to_string())
        };
        (find("prev"), find("next"))
    };
    let s = |x: &str| Some(x.to_string());
    assert_eq!(nav("courses/m1/a/index.html"), (None, s("/courses/m1/b/")));
    // b and z share weight 2: b comes first (file name).
    assert_eq!(
        nav("courses/m1/b/index.html"),
        (s("/courses/m1/a/"), s("/courses/m1/z/"))
    );
    // The last lesson of a module does not run on into the next module: it links to the
    // next module and says so.
    assert_eq!(nav("courses/m1/z/index.html"), (s("/courses/m1/b/"), None));
    let z = f.read("courses/m1/z/index.html");
    assert!(z.contains("<a rel=\"prev\" href=\"/courses/m1/b/\"><span>上一课</span>第二课</a>"));
    assert!(z.contains("<a class=\"module-link next-module\" href=\"/courses/m2/\"><span>本模块已学完 · 下一个模块</span>模块二</a>"), "{z}");
    assert!(z.contains("<span class=\"lesson-number\">第3课/共3课</span>"));
    // The first lesson of the next module starts there, and names the module before.
    assert_eq!(nav("courses/m2/c/index.html"), (None, s("/courses/m2/d/")));
    let c = f.read("courses/m2/c/index.html");
    assert!(
        c.contains(
            "<a class=\"module-link\" href=\"/courses/m1/\"><span>上一个模块</span>模块一</a>"
        ),
        "{c}"
    );
    assert_eq!(nav("courses/m2/d/index.html"), (s("/courses/m2/c/"), None));
    // The course's last lesson leads back to its module.
    assert!(f
        .read("courses/m2/d/index.html")
        .contains("<span>本模块已学完</span>返回模块二</a>"));
    // Cases (a top-level section sorted by date) stay within their section, newest first,
    // with 上一篇/下一篇.
    assert_eq!(
        nav("cases/tianjin/index.html"),
        (s("/cases/xiaoyi/"), s("/cases/gulou/"))
    );
    assert!(f
        .read("cases/tianjin/index.html")
        .contains("<span>下一篇</span>鼓楼</a>"));
}

#[test]
fn lesson_sidebar_breadcrumbs_and_module_listing() {
    let f = built();
    let b = f.read("courses/m1/b/index.html");
    let sidebar = between(
        &b,
        "<nav class=\"sidebar\" aria-label=\"本模块课程\">",
        "</nav>",
    );
    assert_eq!(
        anchors(sidebar),
        pairs(&[
            ("/courses/m1/", "模块一"),
            ("/courses/m1/a/", "第一课"),
            ("/courses/m1/b/", "第二课"),
            ("/courses/m1/z/", "第三课"),
        ])
    );
    assert!(sidebar.contains("<a href=\"/courses/m1/b/\" aria-current=\"page\">第二课</a>"));
    assert_eq!(sidebar.matches("aria-current").count(), 1);
    let crumbs = between(&b, "<nav class=\"breadcrumbs", "</nav>");
    assert_eq!(
        anchors(crumbs),
        pairs(&[
            ("/", "首页"),
            ("/courses/", "课程库"),
            ("/courses/m1/", "模块一")
        ])
    );
    assert!(crumbs.contains("<li aria-current=\"page\">第二课</li>"));
    // The module page lists its lessons in order, with reading time and the cases used.
    let m1 = f.read("courses/m1/index.html");
    let titles: Vec<String> = m1
        .split("<h3 class=\"card-title\">")
        .skip(1)
        .map(|s| common::strip_tags(s.split("</h3>").next().unwrap()))
        .collect();
    assert_eq!(titles, ["第一课", "第二课", "第三课"]);
    let first = between(&m1, "<h3 class=\"card-title\">", "</li>");
    assert!(first.contains("<span>阅读约 1 分钟</span>"), "{first}");
    // Lesson cards are numbered.
    assert!(m1.contains("<p class=\"card-kicker\">第1课</p>"));
    assert!(m1.contains("<p class=\"card-kicker\">第3课</p>"));
    assert!(
        first.contains(
            "案例：<a href=\"/cases/tianjin/\">天津</a>、<a href=\"/cases/xiaoyi/\">孝义</a>"
        ),
        "{first}"
    );
}

#[test]
fn section_pagination() {
    let f = built();
    let one = f.read("cases/index.html");
    let two = f.read("cases/page/2/index.html");
    let titles = |html: &str| -> Vec<String> {
        html.split("<h3 class=\"card-title\">")
            .skip(1)
            .map(|s| common::strip_tags(s.split("</h3>").next().unwrap()))
            .collect()
    };
    // Newest first, two a page; the first page is the section's own URL.
    assert_eq!(titles(&one), ["南宁", "孝义"]);
    assert_eq!(titles(&two), ["天津", "鼓楼"]);
    assert!(!f.exists("cases/page/1"));
    assert!(!f.exists("cases/page/3"));
    let nav1 = between(&one, "<nav class=\"pagination\"", "</nav>");
    assert!(
        nav1.contains("<a rel=\"next\" href=\"/cases/page/2/\">下一页 →</a>"),
        "{nav1}"
    );
    assert!(!nav1.contains("rel=\"prev\""));
    assert!(nav1.contains("第 1 / 2 页"));
    let nav2 = between(&two, "<nav class=\"pagination\"", "</nav>");
    assert!(
        nav2.contains("<a rel=\"prev\" href=\"/cases/\">← 上一页</a>"),
        "{nav2}"
    );
    assert!(!nav2.contains("rel=\"next\""));
    assert!(nav2.contains("第 2 / 2 页"));
    // Both pagers show the section's heading.
    assert!(two.contains("<h1>案例</h1>"));
}

#[test]
fn taxonomy_list_and_term_pages() {
    let f = built();
    let list = f.read("tags/index.html");
    let terms = between(&list, "<ul class=\"term-list\">", "</ul>");
    // Most used first (ties in a stable order); each with its count.
    assert_eq!(
        anchors(terms),
        pairs(&[
            ("/tags/组织覆盖/", "组织覆盖"),
            ("/tags/组织力/", "组织力"),
            ("/tags/议事会/", "议事会"),
            ("/tags/八有标准/", "八有标准"),
            ("/tags/两新-组织-试点/", "“两新” 组织 (试点)"),
        ])
    );
    assert!(terms.contains(
        "<li><a href=\"/tags/组织覆盖/\">组织覆盖</a> <span class=\"count\">2</span></li>"
    ));
    assert!(terms
        .contains("<li><a href=\"/tags/议事会/\">议事会</a> <span class=\"count\">1</span></li>"));
    assert!(list.contains("共 5 个主题。"));
    assert!(list.contains("<h1>主题</h1>"));
    // A term page lists its pages newest first, paginated (paginate_by = 2 for tags).
    let term = f.read("tags/组织力/index.html");
    assert!(term.contains("<h1>组织力</h1>"));
    assert!(term.contains("共 2 篇内容"));
    let cards: Vec<(String, String)> = anchors(between(&term, "<ul class=\"cards\">", "</ul>"))
        .into_iter()
        .filter(|(h, _)| h.starts_with("/cases/"))
        .collect();
    assert_eq!(
        cards,
        pairs(&[("/cases/nanning/", "南宁"), ("/cases/tianjin/", "天津")])
    );
    // Regions and organisation types have their pages too; the term page's breadcrumbs lead
    // back to the taxonomy.
    let region = f.read("regions/天津市/index.html");
    assert_eq!(
        anchors(between(&region, "<nav class=\"breadcrumbs", "</nav>")),
        pairs(&[("/", "首页"), ("/regions/", "地区")])
    );
    assert!(f
        .read("org_types/社会组织/index.html")
        .contains("<h1>社会组织</h1>"));
    // The case page links to its terms.
    let tianjin = f.read("cases/tianjin/index.html");
    assert!(tianjin.contains("<a class=\"tag\" href=\"/tags/组织覆盖/\">组织覆盖</a>"));
    assert!(tianjin.contains("<a class=\"tag\" href=\"/regions/天津市/\">天津市</a>"));
}

#[test]
fn term_pagination() {
    let f = kb();
    f.write(
        "content/cases/extra.md",
        "---\ntitle: 补充\ndate: 2021-01-01\ntags: [组织覆盖]\n---\n",
    );
    f.build(&[]).expect_code(0);
    let one = f.read("tags/组织覆盖/index.html");
    let two = f.read("tags/组织覆盖/page/2/index.html");
    assert!(one.contains("共 3 篇内容"));
    assert!(one.contains("<a rel=\"next\" href=\"/tags/组织覆盖/page/2/\">下一页 →</a>"));
    assert!(two.contains("<a rel=\"prev\" href=\"/tags/组织覆盖/\">← 上一页</a>"));
    assert!(
        one.contains(">补充</a>") && one.contains(">孝义</a>") && !one.contains(">天津</a></h3>")
    );
    assert!(two.contains(">天津</a></h3>"));
}

#[test]
fn term_with_spaces_and_punctuation_has_a_readable_path() {
    let f = built();
    // `“两新” 组织 (试点)`: punctuation and spaces become single `-`, trimmed at both ends.
    let html = f.read("tags/两新-组织-试点/index.html");
    assert!(html.contains("<h1>“两新” 组织 (试点)</h1>"), "{html}");
    assert!(f
        .read("cases/tianjin/index.html")
        .contains("<a class=\"tag\" href=\"/tags/两新-组织-试点/\">“两新” 组织 (试点)</a>"));
    assert!(f.exists("tags/两新-组织-试点/atom.xml"));
}

#[test]
fn two_spellings_of_one_term_path_are_one_term_with_a_warning() {
    let f = Fixture::new(&[
        ("content/_index.md", &page("首页", "")),
        (
            "content/a.md",
            "---\ntitle: 甲\ntags: [社会组织 党建]\n---\n",
        ),
        (
            "content/b.md",
            "---\ntitle: 乙\ntags: [社会组织-党建]\n---\n",
        ),
    ]);
    let run = f.build(&[]);
    run.expect_code(0).expect_stderr(&[
        "warning: 主题 `社会组织-党建` is treated as the same term as `社会组织 党建` (both have the path /tags/社会组织-党建/)\n  ┌─ content/b.md:3:1\n",
        "= help: write it as `社会组织 党建` everywhere",
    ]);
    let term = f.read("tags/社会组织-党建/index.html");
    assert!(term.contains("<h1>社会组织 党建</h1>"));
    assert!(term.contains("共 2 篇内容"));
}

#[test]
fn term_feeds() {
    let f = built();
    let feed = f.read("tags/组织覆盖/atom.xml");
    assert!(feed.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""
    ));
    assert!(
        feed.contains("<title>主题：组织覆盖 · 测试站点</title>"),
        "{feed}"
    );
    // Absolute, percent-encoded URLs.
    assert!(feed.contains(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://kb.example.org/tags/%E7%BB%84%E7%BB%87%E8%A6%86%E7%9B%96/atom.xml\"/>"
    ), "{feed}");
    let entries: Vec<&str> = feed.split("<entry").skip(1).collect();
    assert_eq!(entries.len(), 2);
    assert!(entries[0].contains("<title>孝义</title>"));
    assert!(entries[0].contains("<link rel=\"alternate\" type=\"text/html\" href=\"https://kb.example.org/cases/xiaoyi/\"/>"));
    assert!(entries[0].contains("<published>2019-03-01T00:00:00+08:00</published>"));
    assert!(entries[1].contains("<title>天津</title>"));
    assert!(feed.contains("<updated>2019-03-01T00:00:00+08:00</updated>"));
    // The term page advertises its feed; org_types has `feed = false`.
    assert!(f.read("tags/组织覆盖/index.html").contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"组织覆盖\" href=\"/tags/组织覆盖/atom.xml\">"
    ));
    assert!(!f.exists("org_types/社会组织/atom.xml"));
    assert!(f.exists("regions/天津市/atom.xml"));
}

#[test]
fn module_print_page() {
    let f = built();
    let print = f.read("courses/m1/print/index.html");
    // All lessons in course order, each a section with a numbered heading.
    let order: Vec<usize> = [
        "<h1>1. 第一课</h1>",
        "<h1>2. 第二课</h1>",
        "<h1>3. 第三课</h1>",
        "<h1>附录：案例选段</h1>",
    ]
    .iter()
    .map(|h| print.find(h).unwrap_or_else(|| panic!("{h} missing")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(print.matches("<section class=\"print-lesson\"").count(), 3);
    assert!(print.contains("<section class=\"print-lesson\" id=\"l1\">"));
    // Ids are prefixed per lesson so the two `要点` headings stay distinct, and same-page
    // links follow.
    assert!(print.contains("<h2 id=\"l1-讨论题\">讨论题</h2>"));
    assert!(print.contains("<a href=\"#l1-%E8%AE%A8%E8%AE%BA%E9%A2%98\">讨论</a>"));
    assert!(print.contains("<h2 id=\"l2-要点\">要点</h2>"));
    assert!(print.contains("<h2 id=\"l3-要点\">要点</h2>"));
    // Links to case headings point to the passage in the appendix (each case once, in the
    // order first cited; headings one level down); a link to a whole case with passages
    // there points to the case; the link to a module lesson's own module, to a file and to
    // a case without passages become plain text.
    assert!(
        print.contains("<a href=\"#c1-主要做法\">天津的做法</a>"),
        "{print}"
    );
    assert!(print.contains("<a href=\"#c1-成效\">成效</a>"));
    assert!(print.contains("<a href=\"#c2-党员议事会\">鼓楼</a>"));
    assert!(print.contains("，孝义，"), "孝义 has no passage: text only");
    assert!(print.contains("<a href=\"#c1\">天津</a>"));
    assert!(
        print.contains(" 指南 ") && print.contains(" 模块</p>"),
        "{print}"
    );
    let appendix = between(&print, "<section class=\"print-appendix\"", "</main>");
    assert!(appendix.contains("<section class=\"appendix-case\" id=\"c1\">\n    <h2>天津</h2>"));
    assert!(appendix.contains("<h3 id=\"c1-主要做法\">主要做法</h3>\n<p>四个阶段。</p>"));
    assert!(appendix.contains("<h3 id=\"c1-成效\">成效</h3>"));
    assert!(appendix.contains("<h3 id=\"c2-党员议事会\">党员议事会</h3>\n<p>五步。</p>"));
    assert_eq!(appendix.matches("四个阶段").count(), 1);
    // Nothing in the handout leaves it: every link is to an id in it.
    let main = between(&print, "<main", "</main>");
    let ids = common::ids(&print);
    for href in main
        .split("href=\"")
        .skip(1)
        .map(|s| common::http_decode(s.split('"').next().unwrap()))
    {
        assert!(
            href.starts_with('#') && ids.contains(&href[1..]),
            "{href} leaves the handout or points nowhere"
        );
    }
    // The lessons' cases point to the appendix.
    assert!(print.contains("<li><a href=\"#c1\">天津</a>（见附录）</li>"));
    // A table of contents at the top, no navigation chrome.
    assert_eq!(
        anchors(between(&print, "<ol class=\"print-toc\">", "</ol>")),
        pairs(&[
            ("#l1", "第一课"),
            ("#l2", "第二课"),
            ("#l3", "第三课"),
            ("#appendix", "附录：案例选段")
        ])
    );
    for chrome in [
        "site-header",
        "site-nav",
        "breadcrumbs",
        "class=\"sidebar\"",
        "prev-next",
        "site-footer",
    ] {
        assert!(!print.contains(chrome), "print page has {chrome}");
    }
    let css_url = common::between(&print, "<link rel=\"stylesheet\" href=\"/", "\"").to_string();
    assert!(css_url.starts_with("css/site."), "{css_url}");
    // The module page links to it; the print stylesheet breaks pages between lessons and
    // prints no URLs.
    assert!(f
        .read("courses/m1/index.html")
        .contains("<a href=\"/courses/m1/print/\">打印本模块讲义</a>"));
    let css = f.read(&css_url);
    let print_css = between(&css, "@media print {", "\n}\n");
    assert!(
        print_css.contains(".print-lesson, .print-appendix, .print-answers, .appendix-case + .appendix-case { break-before: page;"),
        "{print_css}"
    );
    assert!(!css.contains("attr(href)"), "no URLs printed");
    assert!(print_css.contains(".site-header, .site-footer, .breadcrumbs"));
    // Every id on the print page is unique.
    let ids: Vec<&str> = print
        .split(" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
}

#[test]
fn sitemap_and_404() {
    let f = built();
    let sitemap = f.read("sitemap.xml");
    assert!(sitemap.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    for loc in [
        "<url><loc>https://kb.example.org/</loc></url>",
        "<url><loc>https://kb.example.org/cases/tianjin/</loc><lastmod>2018-12-01</lastmod></url>",
        "<url><loc>https://kb.example.org/courses/m1/a/</loc></url>",
        "<url><loc>https://kb.example.org/tags/</loc></url>",
        "<url><loc>https://kb.example.org/tags/%E7%BB%84%E7%BB%87%E5%8A%9B/</loc></url>",
    ] {
        assert!(sitemap.contains(loc), "{loc} missing in\n{sitemap}");
    }
    // One entry per page, section, taxonomy and term; no pager or print pages.
    assert_eq!(sitemap.matches("<url>").count(), 9 + 5 + 3 + 5 + 3 + 1);
    assert!(!sitemap.contains("/page/2/") && !sitemap.contains("/print/"));
    let not_found = f.read("404.html");
    assert!(not_found.contains("<h1>页面不存在</h1>"));
    assert!(not_found.contains("<a href=\"/\">返回首页</a>"));
    assert_eq!(
        f.read("robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://kb.example.org/sitemap.xml\n"
    );
}
