//! Publishing anywhere: every link of the output resolves in the three modes (plain,
//! sub-path base_url, relative), aliases become redirect pages, theme CSS and JS are
//! fingerprinted and referenced by that name, canonical and Open Graph tags.

use crate::common;

use common::linkcheck::{self, Mode};
use common::{page, Fixture};

const SUB: &str = "https://example.org/kb/";

/// A site with something of everything that produces URLs.
fn fixture() -> Fixture {
    Fixture::new(&[
        (
            "site.toml",
            r#"title = "发布测试"
description = "测试站点"
[[taxonomies]]
name = "tags"
title = "主题"
paginate_by = 1
[[taxonomies]]
name = "regions"
title = "地区"
"#,
        ),
        (
            "content/_index.md",
            "---\ntitle: 首页\n---\n见[关于本库](@/about.md)和[指南](/files/guide.txt)。\n",
        ),
        (
            "content/about.md",
            "---\ntitle: 关于本库\naliases: [/about-us/, old-about.html, /旧/关于/]\n---\n## 说明\n\n样式表在[这里](/css/site.css)，额外样式在[这里](/css/extra.css)。\n",
        ),
        (
            "content/cases/_index.md",
            "---\ntitle: 案例库\nsort_by: date\npaginate_by: 2\n---\n",
        ),
        (
            "content/cases/天津.md",
            "---\ntitle: 天津案例\ndate: 2020-01-02\ntags: [组织覆盖, 组织力]\nregions: [天津市]\n---\n## 主要做法\n\n做法。\n\n## 成效\n\n见[本页做法](#主要做法)。\n",
        ),
        (
            "content/cases/b.md",
            "---\ntitle: 乙案例\ndate: 2019-01-01\ntags: [组织覆盖]\naliases: [/old/b/]\n---\n正文[^1]。\n\n[^1]: 脚注。\n",
        ),
        (
            "content/cases/photo/index.md",
            "---\ntitle: 图片案例\ndate: 2018-01-01\n---\n![党员服务站](station.svg)\n\n[下载](station.svg)\n",
        ),
        (
            "content/cases/photo/station.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>",
        ),
        (
            "content/courses/_index.md",
            "---\ntitle: 课程库\nsort_by: weight\n---\n",
        ),
        (
            "content/courses/m1/_index.md",
            "---\ntitle: 模块一\nweight: 1\nextra:\n  hours: 2\n---\n",
        ),
        (
            "content/courses/m1/l1.md",
            "---\ntitle: 第一课\nweight: 1\ncases: [cases/天津.md]\n---\n读[天津的做法](@/cases/天津.md#主要做法)和[案例库](/cases)。\n",
        ),
        (
            "content/courses/m1/l2.md",
            &page("第二课", "---\n\n回到[第一课](l1.md)。"),
        ),
        (
            "content/courses/m2/_index.md",
            "---\ntitle: 模块二\nweight: 2\nfeed: false\n---\n",
        ),
        (
            "content/courses/m2/l1.md",
            "---\ntitle: 模块二第一课\nweight: 1\ncases: [cases/b.md]\n---\n正文。\n",
        ),
        ("static/files/guide.txt", "指南"),
        ("static/css/extra.css", "p{}"),
    ])
}

fn assert_links_ok(out: &std::path::Path, mode: Mode<'_>) {
    let (problems, followed) = linkcheck::check(out, mode);
    assert!(
        problems.is_empty(),
        "{mode:?}: {} broken links:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(followed > 100, "{mode:?}: only {followed} links followed");
}

fn build_into(f: &Fixture, out: &std::path::Path, extra: &[&str]) {
    let mut args = vec!["--output", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    f.build(&args).expect_code(0);
}

#[test]
fn every_link_resolves_in_all_three_modes() {
    let f = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let sub = tmp.path().join("sub");
    let rel = tmp.path().join("rel");
    let rel_sub = tmp.path().join("rel-sub");
    build_into(&f, &plain, &[]);
    build_into(&f, &sub, &["--base-url", SUB]);
    build_into(&f, &rel, &["--relative"]);
    build_into(&f, &rel_sub, &["--relative", "--base-url", SUB]);
    assert_links_ok(
        &plain,
        Mode {
            base_url: "/",
            relative: false,
        },
    );
    assert_links_ok(
        &sub,
        Mode {
            base_url: SUB,
            relative: false,
        },
    );
    assert_links_ok(
        &rel,
        Mode {
            base_url: "/",
            relative: true,
        },
    );
    assert_links_ok(
        &rel_sub,
        Mode {
            base_url: SUB,
            relative: true,
        },
    );

    // Under a sub-path every root-relative URL carries it.
    let html = std::fs::read_to_string(sub.join("courses/m1/l1/index.html")).unwrap();
    for l in common::links(&html) {
        assert!(
            !l.starts_with('/') || l.starts_with("/kb/"),
            "`{l}` lacks the base path"
        );
    }
    // A link to the directory `/cases` is written with its slash (no redirect needed).
    assert!(html.contains("href=\"/kb/cases/\""), "{html}");
    // Feeds and sitemap keep absolute URLs in relative mode too.
    let sitemap = std::fs::read_to_string(rel_sub.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://example.org/kb/about/</loc>"),
        "{sitemap}"
    );
    let feed = std::fs::read_to_string(rel_sub.join("cases/atom.xml")).unwrap();
    assert!(
        feed.contains("href=\"https://example.org/kb/cases/"),
        "{feed}"
    );
    // The section with `feed: false` has none.
    assert!(!rel.join("courses/m2/atom.xml").exists());
    assert!(rel.join("courses/m1/atom.xml").exists());
}

#[test]
fn relative_output_is_the_same_for_any_base_path() {
    let f = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    build_into(&f, &a, &["--relative"]);
    build_into(&f, &b, &["--relative", "--base-url", "/some/other/path/"]);
    // Apart from the feeds and the sitemap (absolute by nature), the files are identical:
    // nothing in the HTML depends on where the site is put.
    let strip = |t: Vec<(String, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        t.into_iter()
            .filter(|(p, _)| !p.ends_with(".xml") && !p.ends_with(".txt"))
            .collect()
    };
    let ta = strip(common::tree(&a));
    let tb = strip(common::tree(&b));
    assert_eq!(ta.len(), tb.len());
    for ((pa, ba), (pb, bb)) in ta.iter().zip(tb.iter()) {
        assert_eq!(pa, pb);
        assert!(
            ba == bb,
            "{pa} differs between base paths:\n{}\n---\n{}",
            String::from_utf8_lossy(ba),
            String::from_utf8_lossy(bb)
        );
    }
    // Relative links, and directory links end in index.html.
    let html = std::fs::read_to_string(a.join("courses/m1/l1/index.html")).unwrap();
    assert!(
        // Percent-encoded like every Markdown link (`天津`, `#主要做法`).
        html.contains("href=\"../../../cases/%E5%A4%A9%E6%B4%A5/index.html#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95\""),
        "{html}"
    );
    assert!(
        html.contains("href=\"../../../cases/index.html\""),
        "{html}"
    );
    assert!(
        html.contains("class=\"site-title\" href=\"../../../index.html\""),
        "{html}"
    );
}

#[test]
fn the_bundled_site_links_resolve_in_all_three_modes() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |name: &str, args: &[&str]| -> std::path::PathBuf {
        let out = tmp.path().join(name);
        common::zhiku()
            .args(["build", "--root"])
            .arg(common::repo_root())
            .arg("--output")
            .arg(&out)
            .args(args)
            .output()
            .map(common::Run::of)
            .unwrap()
            .expect_code(0);
        out
    };
    let plain = run("plain", &[]);
    let sub = run("sub", &["--base-url", SUB]);
    let rel = run("rel", &["--relative"]);
    assert_links_ok(
        &plain,
        Mode {
            base_url: "/",
            relative: false,
        },
    );
    assert_links_ok(
        &sub,
        Mode {
            base_url: SUB,
            relative: false,
        },
    );
    assert_links_ok(
        &rel,
        Mode {
            base_url: "/",
            relative: true,
        },
    );
}

#[test]
fn aliases_become_redirect_pages() {
    let f = fixture();
    f.build(&["--base-url", SUB]).expect_code(0);
    for alias in [
        "about-us/index.html",
        "old-about.html",
        "旧/关于/index.html",
    ] {
        let html = f.read(alias);
        assert!(
            html.contains("<meta http-equiv=\"refresh\" content=\"0; url=/kb/about/\">"),
            "{alias}: {html}"
        );
        assert!(
            html.contains("<link rel=\"canonical\" href=\"https://example.org/kb/about/\">"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/kb/about/\">关于本库</a>"),
            "{html}"
        );
        assert!(html.contains("noindex"), "{html}");
    }
    // Aliases are not in the sitemap.
    assert!(!f.read("sitemap.xml").contains("about-us"));

    // Relative mode: the refresh target is relative to the alias.
    f.build(&["--relative"]).expect_code(0);
    let html = f.read("old/b/index.html");
    assert!(
        html.contains("content=\"0; url=../../cases/b/index.html\""),
        "{html}"
    );
    let html = f.read("old-about.html");
    assert!(
        html.contains("content=\"0; url=about/index.html\""),
        "{html}"
    );
}

#[test]
fn an_alias_over_a_page_or_another_alias_is_an_error_naming_both_files() {
    let f = Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        (
            "content/a.md",
            "---\ntitle: 甲\naliases:\n  - /b/\n  - /old/\n---\n",
        ),
        ("content/b.md", "---\ntitle: 乙\n---\n"),
        ("content/c.md", "---\ntitle: 丙\naliases: [/old]\n---\n"),
        (
            "content/d.md",
            "---\ntitle: 丁\naliases: [/d/, ../x/]\n---\n",
        ),
    ]);
    let run = f.build(&[]);
    run.expect_code(1).expect_stderr(&[
        "content/a.md:4:5",
        "the alias `/b/` would write b/index.html, which content/b.md already writes",
        "content/c.md:3:11",
        "the alias `/old` would write old/index.html, which content/a.md's alias `/old/` also writes",
        "content/d.md:3:11",
        "the alias `/d/` is the page's own URL /d/",
        "content/d.md:3:16",
        "the alias `../x/` is not a plain path inside the site",
    ]);
    assert!(!f.exists("index.html"), "nothing is published");
}

#[test]
fn theme_css_and_js_are_fingerprinted_and_referenced_by_that_name() {
    let f = fixture();
    f.build(&[]).expect_code(0);
    let names: Vec<String> = common::tree(&f.root().join("public"))
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let css = names
        .iter()
        .find(|p| p.starts_with("css/site.") && p.ends_with(".css"))
        .expect("fingerprinted CSS")
        .clone();
    let js = names
        .iter()
        .find(|p| p.starts_with("js/site.") && p.ends_with(".js"))
        .expect("fingerprinted JS")
        .clone();
    let hash = &css["css/site.".len()..css.len() - 4];
    assert_eq!(hash.len(), 8);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{css}");
    assert!(
        !f.exists("css/site.css"),
        "only the fingerprinted name is written"
    );
    assert!(!f.exists("js/site.js"));
    // Other static files keep their names.
    assert!(f.exists("css/extra.css") && f.exists("favicon.svg") && f.exists("files/guide.txt"));
    // Every page uses the fingerprinted names, and a Markdown link to /css/site.css too.
    for p in [
        "index.html",
        "cases/天津/index.html",
        "tags/index.html",
        "404.html",
        "cases/print/index.html",
    ] {
        let html = f.read(p);
        assert!(html.contains(&format!("href=\"/{css}\"")), "{p}");
        if p != "cases/print/index.html" {
            assert!(html.contains(&format!("src=\"/{js}\"")), "{p}");
        }
    }
    let about = f.read("about/index.html");
    assert!(
        about.contains(&format!("<a href=\"/{css}\">这里</a>")),
        "{about}"
    );
    assert!(about.contains("<a href=\"/css/extra.css\">"), "{about}");

    // The hash follows the contents: overriding the theme's CSS changes the name.
    f.write("static/css/site.css", "body { color: #000 }\n");
    f.build(&[]).expect_code(0);
    let expected = format!(
        "css/site.{}.css",
        &blake3_hex(b"body { color: #000 }\n")[..8]
    );
    assert!(f.exists(&expected), "{expected}");
    assert!(f
        .read("index.html")
        .contains(&format!("href=\"/{expected}\"")));
    assert!(!f.exists(&css), "the old name is gone");
}

fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

#[test]
fn canonical_and_open_graph_tags() {
    let f = fixture();
    f.build(&["--base-url", SUB]).expect_code(0);
    let html = f.read("cases/天津/index.html");
    for needle in [
        "<link rel=\"canonical\" href=\"https://example.org/kb/cases/天津/\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:title\" content=\"天津案例\">",
        "<meta property=\"og:url\" content=\"https://example.org/kb/cases/天津/\">",
        "<meta property=\"og:site_name\" content=\"发布测试\">",
        "<meta property=\"og:locale\" content=\"zh_CN\">",
    ] {
        assert!(html.contains(needle), "{needle}\n{html}");
    }
    let section = f.read("cases/page/2/index.html");
    assert!(
        section.contains("<link rel=\"canonical\" href=\"https://example.org/kb/cases/page/2/\">"),
        "{section}"
    );
    assert!(section.contains("<meta property=\"og:title\" content=\"案例库\">"));
    assert!(
        !f.read("404.html").contains("rel=\"canonical\""),
        "no canonical on the 404 page"
    );
    // Without a host there is no og:url (it must be absolute), and the canonical link is
    // root-relative (relative in relative mode).
    f.build(&[]).expect_code(0);
    let html = f.read("cases/天津/index.html");
    assert!(!html.contains("og:url"), "{html}");
    assert!(html.contains("<link rel=\"canonical\" href=\"/cases/天津/\">"));
    f.build(&["--relative"]).expect_code(0);
    assert!(f
        .read("cases/天津/index.html")
        .contains("<link rel=\"canonical\" href=\"index.html\">"));
}

#[test]
fn relative_urls_in_site_toml() {
    let f = Fixture::new(&[
        ("site.toml", "title = \"相对\"\nrelative_urls = true\n"),
        (
            "content/_index.md",
            "---\ntitle: 首页\n---\n[甲](@/a/b.md)\n",
        ),
        ("content/a/_index.md", "---\ntitle: 甲栏目\n---\n"),
        (
            "content/a/b.md",
            "---\ntitle: 乙\n---\n[首页](@/_index.md)\n",
        ),
    ]);
    f.build(&[]).expect_code(0);
    let html = f.read("a/b/index.html");
    assert!(
        html.contains("<a href=\"../../index.html\">首页</a>"),
        "{html}"
    );
    assert!(f
        .read("index.html")
        .contains("<a href=\"a/b/index.html\">甲</a>"));
    let (problems, _) = linkcheck::check(
        &f.root().join("public"),
        Mode {
            base_url: "/",
            relative: true,
        },
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_link_checker_finds_broken_links() {
    let f = fixture();
    f.build(&["--relative"]).expect_code(0);
    let out = f.root().join("public");
    let mode = Mode {
        base_url: "/",
        relative: true,
    };
    assert!(linkcheck::check(&out, mode).0.is_empty());
    // A missing file, a missing id and a directory link are each found.
    std::fs::remove_file(out.join("css/extra.css")).unwrap();
    let l1 = out.join("courses/m1/l1/index.html");
    let html = std::fs::read_to_string(&l1).unwrap();
    std::fs::write(
        &l1,
        html.replace(
            "index.html#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95",
            "index.html#没有这段",
        )
        .replace("href=\"../index.html\"", "href=\"../\""),
    )
    .unwrap();
    let (problems, _) = linkcheck::check(&out, mode);
    let all = problems.join("\n");
    assert!(
        all.contains("about/index.html: `../css/extra.css` → css/extra.css: no such file"),
        "{all}"
    );
    assert!(all.contains("has no id `没有这段`"), "{all}");
    assert!(all.contains("`../` is a directory link"), "{all}");
    // Root-relative links are refused in relative mode, and outside the base path always.
    let (problems, _) = linkcheck::check(
        &f.root().join("public"),
        Mode {
            base_url: "https://example.org/kb/",
            relative: false,
        },
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("is not an absolute URL")),
        "sitemap without host"
    );
}
