//! The bundled knowledge base (the repository's own `site.toml` and `content/`) builds
//! cleanly, has its four cases and five course modules, cites its sources, uses every case in
//! at least two lessons, and has no broken internal link, also under a sub-path.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{anchors, between, Run};

/// The bundled site built once into a temporary directory (not the repository's public/).
fn bundled() -> &'static (PathBuf, Run) {
    static BUILT: OnceLock<(PathBuf, Run)> = OnceLock::new();
    BUILT.get_or_init(|| build_into("bundled", &[]))
}

fn build_into(name: &str, args: &[&str]) -> (PathBuf, Run) {
    // Under target/tmp: kept between runs for inspection, replaced by each build.
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("bundled_site")
        .join(name);
    let run = Run::of(
        common::zhiku()
            .args(["build", "--root"])
            .arg(common::repo_root())
            .arg("--output")
            .arg(&out)
            .args(args)
            .output()
            .unwrap(),
    );
    (out, run)
}

fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The links of the box headed `heading` on a page.
fn box_links(html: &str, heading: &str) -> Vec<(String, String)> {
    let Some(start) = html.find(&format!(">{heading}</h2>")) else {
        return Vec::new();
    };
    let rest = &html[start..];
    let end = ["</section>", "</aside>"]
        .iter()
        .filter_map(|e| rest.find(e))
        .min()
        .unwrap();
    anchors(&rest[..end])
}

const CASES: [(&str, &str); 4] = [
    ("tianjin", "天津市社会组织党建：提升组织力"),
    ("xiaoyi", "孝义市社会组织党建"),
    ("nanning", "南宁市加强基层党组织建设"),
    ("gulou", "南京市鼓楼区莫愁新寓社区党建"),
];

const MODULES: [&str; 5] = [
    "基层社会治理实践创新",
    "社会组织的战略管理",
    "社会组织党建工作",
    "时政解读能力提升",
    "不忘初心党性教育",
];

#[test]
fn builds_without_warnings() {
    let (out, run) = bundled();
    run.expect_code(0);
    assert_eq!(run.stderr, "", "warnings or errors on stderr");
    assert!(
        run.stdout.starts_with("built ") && run.stdout.contains(" files written to "),
        "{}",
        run.stdout
    );
    assert!(out.join("index.html").is_file());
    // The home page has entry points to cases, courses and each taxonomy.
    let home = read(out, "index.html");
    for href in ["/cases/", "/courses/", "/tags/", "/regions/", "/org_types/"] {
        assert!(
            home.contains(&format!("<li><a href=\"{href}\"><strong>")),
            "home lacks an entry point to {href}"
        );
    }
    // The cases are shown as what they are, not as news (their sources are from 2018–2019,
    // or undated).
    assert!(home.contains("<h2 id=\"cases-title\">案例选读</h2>"));
    assert!(
        !home.contains("最新"),
        "the home page calls old material new"
    );
}

#[test]
fn dates_are_as_precise_as_the_sources_and_never_invented() {
    let (out, run) = bundled();
    run.expect_code(0);
    // No page shows a day its sources do not give (the old content said 2010年1月1日,
    // 2020年1月1日 and 2026年11月1日 everywhere).
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            for invented in ["年1月1日", "2026年", "<time datetime=\"2026"] {
                assert!(
                    !html.contains(invented),
                    "{}: {invented}",
                    entry.path().display()
                );
            }
        }
    }
    // A case shows its source's publication (a month, as the journal issue gives it); an
    // undated source shows no date at all.
    let tianjin = read(out, "cases/tianjin/index.html");
    let meta = between(&tianjin, "<p class=\"meta\">", "</p>");
    assert!(
        meta.contains("<span>原文发表：《求知》2018年第12期</span>"),
        "{meta}"
    );
    assert!(!meta.contains("<time"), "{meta}");
    let gulou = read(out, "cases/gulou/index.html");
    let meta = between(&gulou, "<p class=\"meta\">", "</p>");
    assert!(
        !meta.contains("原文发表") && !meta.contains("<time"),
        "{meta}"
    );
    // Lessons show their number, hours and reading time, but no date.
    let lesson = read(
        out,
        "courses/governance-innovation/party-member-council/index.html",
    );
    let meta = between(&lesson, "<p class=\"meta\">", "</p>");
    assert!(!meta.contains("<time"), "{meta}");
    assert!(meta.contains("<span>1.5 学时</span>"), "{meta}");
    assert!(lesson.contains("<span class=\"lesson-number\">第2课/共6课</span>"));
    // Sitemap dates are as written too.
    let sitemap = read(out, "sitemap.xml");
    assert!(
        !sitemap.contains("<lastmod>"),
        "no page of the bundled site has a date"
    );
}

#[test]
fn every_case_exists_with_its_title_and_source() {
    let (out, run) = bundled();
    run.expect_code(0);
    for (slug, title) in CASES {
        let html = read(out, &format!("cases/{slug}/index.html"));
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{slug}: title");
        assert!(
            html.contains(&format!("<title>{title} · 知库</title>")),
            "{slug}"
        );
        let source = between(
            &html,
            "<aside class=\"source\" aria-labelledby=\"source-title\">",
            "</aside>",
        );
        assert!(
            source.contains("<h2 class=\"source-title\" id=\"source-title\">资料来源</h2>"),
            "{slug}"
        );
        // The case's own front matter names the source it was written from.
        let md =
            std::fs::read_to_string(common::repo_root().join(format!("content/cases/{slug}.md")))
                .unwrap();
        let fm = between(&md, "source:\n", "\n---\n");
        match format!("\n{fm}")
            .split("\n  title: ")
            .nth(1)
            .and_then(|t| t.lines().next())
        {
            Some(src_title) => assert!(
                source.contains(&format!("《{src_title}》")),
                "{slug}: source title {src_title} not cited in\n{source}"
            ),
            // An untitled source article says so.
            None => assert!(source.contains("原文未署标题"), "{slug}: {source}"),
        }
    }
    // Where the source article names them, author and publication are cited too.
    for (slug, author, publication) in [
        ("tianjin", "贾锡萍、王美婧", "《求知》2018年第12期"),
        ("nanning", "杨丽丽", "《文化创新比较研究》2019年第11期"),
        ("xiaoyi", "张云鹏", "原文未署标题"),
    ] {
        let html = read(out, &format!("cases/{slug}/index.html"));
        let source = between(&html, "<aside class=\"source\"", "</aside>");
        assert!(source.contains(author), "{slug}: {author}");
        assert!(source.contains(publication), "{slug}: {publication}");
    }
    // The case list shows all four.
    let mut listed = Vec::new();
    let mut pager = Some("/cases/".to_string());
    while let Some(url) = pager {
        let html = read(out, &format!("{}index.html", url.trim_start_matches('/')));
        listed.extend(
            anchors(between(&html, "<main", "</main>"))
                .into_iter()
                .filter(|(h, _)| h.starts_with("/cases/") && h.matches('/').count() == 3)
                .map(|(h, _)| h),
        );
        pager = html
            .split("<a rel=\"next\" href=\"")
            .nth(1)
            .map(|s| s.split('"').next().unwrap().to_string());
    }
    for (slug, _) in CASES {
        assert!(
            listed.contains(&format!("/cases/{slug}/")),
            "{slug} not listed: {listed:?}"
        );
    }
}

#[test]
fn every_module_exists_with_its_title_and_lessons() {
    let (out, run) = bundled();
    run.expect_code(0);
    let courses = read(out, "courses/index.html");
    let modules = between(
        &courses,
        "<ol class=\"modules\">",
        "</ol>\n  <p class=\"progress-reset",
    );
    let links: Vec<(String, String)> = anchors(modules)
        .into_iter()
        .filter(|(h, _)| h.matches('/').count() == 3)
        .collect();
    for title in MODULES {
        let (url, _) = links
            .iter()
            .find(|(_, t)| t == title)
            .unwrap_or_else(|| panic!("module {title} not on /courses/: {links:?}"));
        let html = read(out, &format!("{}index.html", url.trim_start_matches('/')));
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{url}");
        // Audience, hours and teaching methods.
        for fact in [
            "<dt>适用对象</dt>",
            "<dt>建议学时</dt>",
            "<dt>教学方法</dt>",
        ] {
            assert!(html.contains(fact), "{title}: {fact}");
        }
        // At least three lessons, each a page of its own that names the cases it uses and
        // links into a case at a heading.
        let lessons: Vec<String> = html
            .split("<h3 class=\"card-title\"><a href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect();
        assert!(lessons.len() >= 3, "{title} has {} lessons", lessons.len());
        for lesson in &lessons {
            let page = read(
                out,
                &format!("{}index.html", lesson.trim_start_matches('/')),
            );
            assert!(
                !box_links(&page, "本课案例").is_empty(),
                "{lesson} names no case"
            );
            let prose = between(&page, "<div class=\"prose\">", "</article>");
            assert!(
                common::links(prose)
                    .iter()
                    .any(|h| h.starts_with("/cases/") && h.contains("/#")),
                "{lesson} does not link to a heading of a case"
            );
        }
        // The module's print page holds every lesson.
        let print = read(
            out,
            &format!("{}print/index.html", url.trim_start_matches('/')),
        );
        assert_eq!(
            print.matches("<section class=\"print-lesson\"").count(),
            lessons.len(),
            "{title} print page"
        );
    }
}

#[test]
fn every_case_is_used_by_at_least_two_lessons() {
    let (out, run) = bundled();
    run.expect_code(0);
    for (slug, _) in CASES {
        let html = read(out, &format!("cases/{slug}/index.html"));
        let lessons = box_links(&html, "相关课程");
        assert!(
            lessons.len() >= 2,
            "{slug} is used by {} lesson(s): {lessons:?}",
            lessons.len()
        );
        for (href, _) in &lessons {
            assert!(href.starts_with("/courses/"), "{slug}: {href}");
            // And the lesson names the case back.
            let lesson = read(out, &format!("{}index.html", href.trim_start_matches('/')));
            assert!(
                box_links(&lesson, "本课案例")
                    .iter()
                    .any(|(h, _)| *h == format!("/cases/{slug}/")),
                "{href} does not list {slug}"
            );
        }
    }
}

#[test]
fn every_internal_link_resolves() {
    let (out, run) = bundled();
    run.expect_code(0);
    let html_files = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    assert!(html_files > 50, "only {html_files} HTML files");
    assert_eq!(common::broken_links(out, "/"), Vec::<String>::new());
}

#[test]
fn every_internal_link_resolves_under_a_sub_path() {
    let (out, run) = build_into(
        "kb",
        &["--base-url", "https://intranet.example/dangjian/kb/"],
    );
    run.expect_code(0);
    assert_eq!(run.stderr, "");
    assert_eq!(
        common::broken_links(&out, "/dangjian/kb/"),
        Vec::<String>::new()
    );
}

#[test]
fn the_link_checker_finds_broken_links() {
    // The checker itself must be able to fail.
    let dir = tempfile::tempdir().unwrap();
    let write = |p: &str, c: &str| {
        let full = dir.path().join(p);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, c).unwrap();
    };
    write(
        "index.html",
        "<a href=\"/kb/a/\">ok</a><a href=\"/kb/a/#%E8%83%8C%E6%99%AF\">ok</a><a href=\"/kb/a/#背景\">ok</a>\
         <a href=\"/kb/missing/\">x</a><a href=\"/kb/a/#nope\">x</a><a href=\"/elsewhere/\">x</a>\
         <img src=\"/kb/img/p.png\"><a href=\"https://example.org/\">ext</a><a href=\"#top\">x</a>",
    );
    write(
        "a/index.html",
        "<h2 id=\"背景\">背景</h2><a href=\"../index.html\">up</a><a href=\"b.html\">x</a>",
    );
    write("img/p.png", "png");
    assert_eq!(
        common::broken_links(dir.path(), "/kb/"),
        [
            "a/index.html: `b.html` names no file",
            "index.html: `#top`: index.html has no id `top`",
            "index.html: `/elsewhere/` is outside the base path /kb/",
            "index.html: `/kb/a/#nope`: a/index.html has no id `nope`",
            "index.html: `/kb/missing/` names no file",
        ]
    );
}

#[test]
fn no_page_requests_anything_from_another_host() {
    let (out, run) = bundled();
    run.expect_code(0);
    for entry in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let p = entry.path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or_default();
        if !["html", "css", "js"].contains(&ext) {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        let rel = p.strip_prefix(out).unwrap().display().to_string();
        for bad in [
            "src=\"http",
            "src=\"//",
            "url(http",
            "url(//",
            "@import",
            "fonts.googleapis",
        ] {
            assert!(!text.contains(bad), "{rel} contains {bad}");
        }
        // Stylesheets, icons and scripts are local.
        for tag in text.split("<link ").skip(1) {
            let tag = tag.split('>').next().unwrap();
            assert!(!tag.contains("href=\"http"), "{rel}: <link {tag}>");
        }
    }
}

#[test]
fn regions_are_listed_provinces_then_cities_then_districts() {
    let (out, run) = bundled();
    run.expect_code(0);
    let regions = read(out, "regions/index.html");
    let tree = between(&regions, "<ul class=\"term-tree\">", "</main>");
    let text = common::strip_tags(tree);
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let at = |w: &str| {
        words
            .iter()
            .position(|x| *x == w)
            .unwrap_or_else(|| panic!("{w} in {words:?}"))
    };
    assert!(
        at("江苏省") < at("南京市") && at("南京市") < at("鼓楼区"),
        "{words:?}"
    );
    assert!(
        at("广西壮族自治区") < at("南宁市") && at("山西省") < at("孝义市"),
        "{words:?}"
    );
    // 鼓楼区 is nested two levels down.
    assert!(
        tree.contains("<ul>\n      <li><a href=\"/regions/鼓楼区/\">鼓楼区</a>"),
        "{tree}"
    );
    // The district's page has the province and the city in its breadcrumbs.
    let gulou = read(out, "regions/鼓楼区/index.html");
    let crumbs = between(&gulou, "<nav class=\"breadcrumbs", "</nav>");
    assert_eq!(
        anchors(crumbs)
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>(),
        ["首页", "地区", "江苏省", "南京市"]
    );
    // The case page shows each of its three regions once.
    let case = read(out, "cases/gulou/index.html");
    assert!(case.contains("<span class=\"terms-label\">地区：</span><a class=\"tag\" href=\"/regions/江苏省/\">江苏省</a><a class=\"tag\" href=\"/regions/南京市/\">南京市</a><a class=\"tag\" href=\"/regions/鼓楼区/\">鼓楼区</a></p>"));
}

/// WCAG contrast ratio of two `#rrggbb` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let lum = |h: &str| {
        let h = h.trim_start_matches('#');
        let c = |i: usize| {
            let v = u8::from_str_radix(&h[i..i + 2], 16).unwrap() as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(0) + 0.7152 * c(2) + 0.0722 * c(4)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn theme_colours_meet_contrast_minimums_in_light_and_dark_mode() {
    let css =
        std::fs::read_to_string(common::repo_root().join("themes/default/static/css/site.css"))
            .unwrap();
    let vars = |block: &str| -> std::collections::HashMap<String, String> {
        block
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let (k, v) = l.strip_prefix("--")?.split_once(':')?;
                let v = v.trim().split(';').next()?.trim();
                v.starts_with('#').then(|| (k.to_string(), v.to_string()))
            })
            .collect()
    };
    let light = vars(between(&css, ":root {", "\n}"));
    let mut dark = light.clone();
    dark.extend(vars(between(
        &css,
        "@media (prefers-color-scheme: dark) {\n  :root {",
        "\n  }",
    )));
    for (mode, v) in [("light", &light), ("dark", &dark)] {
        let c = |a: &str, b: &str| contrast(&v[a], &v[b]);
        // Text 4.5:1.
        for (fg, bg) in [
            ("fg", "bg"),
            ("fg-muted", "bg"),
            ("fg-muted", "bg-soft"),
            ("link", "bg"),
            ("accent", "bg"),
            ("on-accent", "accent"),
            ("link", "mark"),
            ("fg", "mark"),
            ("accent", "accent-soft"),
        ] {
            assert!(
                c(fg, bg) >= 4.5,
                "{mode}: {fg} on {bg} is {:.2}:1",
                c(fg, bg)
            );
        }
        // Edges of inputs and buttons 3:1.
        assert!(
            c("border-strong", "bg") >= 3.0,
            "{mode}: input border {:.2}:1",
            c("border-strong", "bg")
        );
    }
    // Inputs and buttons use the strong border and the text colour made for the accent.
    assert!(css.contains(".site-search input, .search-form input { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border-strong);"));
    assert!(css.contains("color: var(--on-accent); background: var(--accent);"));
}
