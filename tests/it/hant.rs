//! The zh-Hant edition (`[variants] hant = true`, issue 21) of the bundled knowledge base:
//! every Simplified page has its Traditional twin with the same ids, switch links and
//! hreflang alternates both ways, feeds, print handouts and search documents converted; and
//! in headless Chromium from `file://`: the 简/繁 switch keeps the section, the choice is
//! remembered, and search in the zh-Hant edition finds Simplified and Traditional queries.

use crate::common;

use std::path::{Path, PathBuf};

use common::browser::Browser;

/// The bundled site (content and site.toml) copied with the zh-Hant edition switched on.
fn bundled_with_hant(extra: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = common::repo_root();
    for e in walkdir::WalkDir::new(src.join("content")) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&src).unwrap();
        let to = tmp.path().join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    let toml = std::fs::read_to_string(src.join("site.toml")).unwrap();
    std::fs::write(
        tmp.path().join("site.toml"),
        format!("{toml}\n[variants]\nhant = true\n{extra}"),
    )
    .unwrap();
    tmp
}

fn build(root: &Path, out: &Path, args: &[&str]) {
    common::zhiku()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(args)
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(0);
}

fn html_files(out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(out).unwrap().to_path_buf())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "html" || x == "xml") && !p.starts_with("zh-hant")
        })
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// The start tags of `html` with the given name.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        out.push(&rest[i..end]);
        rest = &rest[end..];
    }
    out
}

#[test]
fn every_simplified_output_has_a_traditional_twin_with_the_same_ids() {
    let site = bundled_with_hant("");
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    let files = html_files(&out);
    assert!(files.len() > 60, "{} outputs", files.len());
    let mut pages = 0;
    let mut handouts = 0;
    for rel in &files {
        let twin = out.join("zh-hant").join(rel);
        let shown = rel.display();
        if rel == Path::new("sitemap.xml") {
            // One sitemap for both editions (asserted below).
            assert!(!twin.exists(), "the sitemap has no twin");
            continue;
        }
        assert!(twin.is_file(), "no zh-Hant twin of {shown}");
        let a = std::fs::read_to_string(out.join(rel)).unwrap();
        let b = std::fs::read_to_string(&twin).unwrap();
        assert_eq!(common::ids(&a), common::ids(&b), "{shown}: ids differ");
        let handout = a.contains("<main id=\"main\" class=\"handout\">");
        if rel.extension().is_some_and(|x| x == "html")
            && (a.contains("class=\"site-header\"") || handout)
        {
            pages += 1;
            handouts += usize::from(handout);
            if !handout {
                // og:locale: each edition its own, the other as the alternate.
                for (html, locale, alternate) in
                    [(&a, "zh_CN", "zh_Hant"), (&b, "zh_Hant", "zh_CN")]
                {
                    assert!(
                        html.contains(&format!("<meta property=\"og:locale\" content=\"{locale}\">\n<meta property=\"og:locale:alternate\" content=\"{alternate}\">")),
                        "{shown}: og:locale {locale}"
                    );
                }
            }
            assert!(b.contains("<html lang=\"zh-Hant\""), "{shown}: lang");
            // hreflang alternates, the same in both editions.
            let here = rel.to_string_lossy().replace("index.html", "");
            let (zh_cn, zh_hant) = (format!("/{here}"), format!("/zh-hant/{here}"));
            for (name, html) in [("Simplified", &a), ("Traditional", &b)] {
                let alternates: Vec<(&str, &str)> = tags(html, "link")
                    .into_iter()
                    .filter_map(|t| Some((attr(t, "hreflang")?, attr(t, "href")?)))
                    .collect();
                assert_eq!(
                    alternates,
                    [("zh-CN", zh_cn.as_str()), ("zh-Hant", zh_hant.as_str())],
                    "{shown} ({name}): alternates"
                );
                // The switch: 简 → the Simplified page, 繁 → its twin; the current one marked.
                let switch: Vec<(&str, &str, bool)> = tags(html, "a")
                    .into_iter()
                    .filter_map(|t| {
                        Some((
                            attr(t, "data-zhiku-variant")?,
                            attr(t, "href")?,
                            t.contains("aria-current"),
                        ))
                    })
                    .collect();
                let simplified = name == "Simplified";
                assert_eq!(
                    switch,
                    [
                        ("zh-CN", zh_cn.as_str(), simplified),
                        ("zh-Hant", zh_hant.as_str(), !simplified)
                    ],
                    "{shown} ({name}): switch"
                );
            }
            // Every internal page link of the twin stays in the zh-Hant edition; assets
            // are shared.
            for t in tags(&b, "a") {
                let Some(h) = attr(t, "href") else { continue };
                if h.starts_with('/') && attr(t, "hreflang").is_none() {
                    assert!(h.starts_with("/zh-hant/"), "{shown}: link {h}");
                }
            }
            for t in tags(&b, "link") {
                if attr(t, "rel") == Some("stylesheet") {
                    assert!(
                        attr(t, "href").is_some_and(|h| h.starts_with("/css/")),
                        "{shown}: {t}"
                    );
                }
            }
        }
    }
    assert!(pages >= 40, "{pages} pages");
    // Every module handout (print page) has the switch and alternates, in both editions.
    assert!(handouts >= 2, "{handouts} handouts");

    // The one sitemap lists both editions, each URL with its alternates in both.
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let urls: Vec<&str> = sitemap.split("<url>").skip(1).collect();
    let loc = |u: &str| common::between(u, "<loc>", "</loc>").to_string();
    let simplified: Vec<String> = urls
        .iter()
        .map(|u| loc(u))
        .filter(|l| !l.starts_with("/zh-hant/"))
        .collect();
    let traditional: Vec<String> = urls
        .iter()
        .map(|u| loc(u))
        .filter(|l| l.starts_with("/zh-hant/"))
        .collect();
    assert!(simplified.len() > 40, "{sitemap}");
    assert_eq!(
        traditional,
        simplified
            .iter()
            .map(|l| format!("/zh-hant{l}"))
            .collect::<Vec<_>>()
    );
    assert!(simplified.contains(&common::encode_path("/cases/tianjin/")));
    for u in &urls {
        let l = loc(u);
        let plain = l.strip_prefix("/zh-hant").unwrap_or(&l);
        assert!(
            u.contains(&format!("<xhtml:link rel=\"alternate\" hreflang=\"zh-CN\" href=\"{plain}\"/><xhtml:link rel=\"alternate\" hreflang=\"zh-Hant\" href=\"/zh-hant{plain}\"/></url>")),
            "{u}"
        );
    }
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: /sitemap.xml"), "{robots}");

    // The Tianjin case in Traditional script: 党 → 黨, with heading ids unchanged.
    let a = std::fs::read_to_string(out.join("cases/tianjin/index.html")).unwrap();
    let b = std::fs::read_to_string(out.join("zh-hant/cases/tianjin/index.html")).unwrap();
    assert!(a.contains("<h1>天津市社会组织党建：提升组织力</h1>"));
    assert!(b.contains("<h1>天津市社會組織黨建：提升組織力</h1>"), "{b}");
    assert!(b.contains("<h2 id=\"主要做法\">主要做法</h2>"));
    assert!(b.contains("<title id=\"figure-1-t\">社會組織黨組織覆蓋率</title>"));
    // Front-matter keys and URLs are untouched, and the source title is kept as quoted.
    assert!(
        b.contains("href=\"/zh-hant/tags/党员发展/\""),
        "tag URL kept"
    );
    assert!(
        b.contains(
            "<cite translate=\"no\">《新时代提升社会组织党建工作组织力的探索与思考》</cite>"
        ),
        "source title kept"
    );
    // Feeds, print handouts, term pages, search page.
    let feed = std::fs::read_to_string(out.join("zh-hant/cases/atom.xml")).unwrap();
    assert!(feed.contains("xml:lang=\"zh-Hant\""));
    assert!(feed.contains("天津市社會組織黨建"));
    assert!(feed.contains("href=\"/zh-hant/cases/tianjin/\""), "{feed}");
    let print = std::fs::read_to_string(out.join("zh-hant/cases/print/index.html")).unwrap();
    assert!(print.contains("黨建"));
    // A module handout: the quoted source title of its appendix is kept as written.
    let module = "courses/social-org-party-building/print/index.html";
    let a = std::fs::read_to_string(out.join(module)).unwrap();
    let b = std::fs::read_to_string(out.join("zh-hant").join(module)).unwrap();
    let quoted = "translate=\"no\">《新时代提升社会组织党建工作组织力的探索与思考》</span>";
    assert!(a.contains(quoted), "{a}");
    assert!(b.contains(quoted), "{b}");
    assert!(b.contains("資料來源"), "the rest is converted");
    // The handout's switch: 繁 current in the twin, both pointing at the handouts.
    assert!(b.contains("<a href=\"/zh-hant/courses/social-org-party-building/print/\" hreflang=\"zh-Hant\" lang=\"zh-Hant\" data-zhiku-variant=\"zh-Hant\" aria-current=\"true\">繁</a>"), "{b}");
    assert!(a.contains("<a href=\"/courses/social-org-party-building/print/\" hreflang=\"zh-CN\" lang=\"zh-CN\" data-zhiku-variant=\"zh-CN\" aria-current=\"true\">简</a>"));
    assert!(out.join("zh-hant/tags/党员发展/index.html").is_file());
    assert!(out.join("zh-hant/search/index.html").is_file());

    // Search documents: each file holds the document in both scripts, the converted one
    // ("h") with its URL path as it is; the shared index is not copied.
    assert!(
        !out.join("zh-hant/search/d").exists(),
        "no second set of files"
    );
    let all: String = std::fs::read_dir(out.join("search/d"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let d = all.matches("__zhikuSearch(\"d\",").count();
    assert!(d > 20, "{d} documents");
    assert_eq!(all.matches("\n__zhikuSearch(\"h\",").count(), d);
    assert!(
        all.contains("\"t\":\"天津市社会组织党建：提升组织力\",\"u\":\"cases/tianjin/\""),
        "Simplified title"
    );
    assert!(
        all.contains("\"t\":\"天津市社會組織黨建：提升組織力\",\"u\":\"cases/tianjin/\""),
        "converted title, same path"
    );
    assert!(!out.join("zh-hant/search/manifest.js").exists());
    assert!(!out.join("zh-hant/css").exists());

    // Every internal link and anchor of both editions resolves, also with --relative.
    let broken = common::broken_links(&out, "/");
    assert!(broken.is_empty(), "{broken:#?}");
    let rel = site.path().join("relative");
    build(site.path(), &rel, &["--relative"]);
    let broken = common::broken_links(&rel, "/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn phrase_table_and_variant_are_used() {
    let site = bundled_with_hant(
        "hant_variant = \"taiwan\"\n[variants.phrases]\n\"组织力\" = \"組織能力\"\n",
    );
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    let b = std::fs::read_to_string(out.join("zh-hant/cases/tianjin/index.html")).unwrap();
    assert!(b.contains("<html lang=\"zh-Hant-TW\""));
    assert!(
        b.contains("<h1>天津市社會組織黨建：提升組織能力</h1>"),
        "phrase"
    );
    // Taiwan forms: 為 (standard OpenCC gives 爲).
    assert!(b.contains("為") && !b.contains("爲"));
    // The variant's language tag in the alternates, the switch and the sitemap; zh_TW as
    // the Open Graph locale.
    let a = std::fs::read_to_string(out.join("cases/tianjin/index.html")).unwrap();
    for html in [&a, &b] {
        assert!(html.contains(
            "<link rel=\"alternate\" hreflang=\"zh-Hant-TW\" href=\"/zh-hant/cases/tianjin/\">"
        ));
        assert!(html.contains(
            "hreflang=\"zh-Hant-TW\" lang=\"zh-Hant-TW\" data-zhiku-variant=\"zh-Hant\""
        ));
    }
    assert!(a.contains("<meta property=\"og:locale:alternate\" content=\"zh_TW\">"));
    assert!(b.contains("<meta property=\"og:locale\" content=\"zh_TW\">"));
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<url><loc>/zh-hant/cases/tianjin/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.contains("hreflang=\"zh-Hant-TW\" href=\"/zh-hant/cases/tianjin/\"/>"));
}

#[test]
fn bad_hant_path_is_a_config_error() {
    let site = bundled_with_hant("hant_path = \"../x\"\n");
    common::zhiku()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(1)
        .expect_stderr(&["variants.hant_path `../x` must be one path segment"]);
}

/// A `file://` URL for a local path (percent-encoded, for Chinese and spaces).
fn file_url(p: &Path) -> String {
    let mut s = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_remembered_choice_and_search_from_file_urls() {
    let site = bundled_with_hant("");
    let out = site.path().join("u盘 知库");
    build(site.path(), &out, &["--relative"]);
    let b = Browser::start().await;
    let base = file_url(&out);

    // A Simplified page, at a section: 繁 goes to the same section of its twin.
    b.client
        .goto(&format!("{base}/cases/tianjin/index.html#主要做法"))
        .await
        .unwrap();
    b.wait_for("return document.readyState === 'complete'", 10)
        .await;
    assert_eq!(b.js("return document.documentElement.lang").await, "zh-CN");
    b.js("document.querySelector('a[data-zhiku-variant=\"zh-Hant\"]').click()")
        .await;
    b.wait_for("return document.documentElement.lang === 'zh-Hant'", 10)
        .await;
    let url = b.url().await;
    assert!(
        url.ends_with("/zh-hant/cases/tianjin/index.html#主要做法"),
        "{url}"
    );
    assert_eq!(
        b.js("return document.querySelector('h1').textContent")
            .await,
        "天津市社會組織黨建：提升組織力"
    );
    // The CSS (shared, one level up) applies to the twin.
    assert_eq!(
        b.js("return getComputedStyle(document.querySelector('.site-header')).borderBottomWidth")
            .await,
        "3px"
    );

    // The choice is remembered: a Simplified page opened now shows its twin, from disk.
    b.client
        .goto(&format!("{base}/courses/index.html"))
        .await
        .unwrap();
    b.wait_for("return document.documentElement.lang === 'zh-Hant'", 10)
        .await;
    assert!(b.url().await.ends_with("/zh-hant/courses/index.html"));

    // 简 goes back, and is remembered too.
    b.js("document.querySelector('a[data-zhiku-variant=\"zh-CN\"]').click()")
        .await;
    b.wait_for(
        "return document.documentElement.lang === 'zh-CN' && document.readyState === 'complete'",
        10,
    )
    .await;
    assert!(b.url().await.ends_with("/courses/index.html"));
    assert!(!b.url().await.contains("zh-hant"));
    b.client
        .goto(&format!("{base}/zh-hant/cases/index.html"))
        .await
        .unwrap();
    b.wait_for(
        "return document.documentElement.lang === 'zh-CN' && document.readyState === 'complete'",
        10,
    )
    .await;
    assert!(b.url().await.ends_with("/cases/index.html"));
    b.js("localStorage.clear()").await;

    // Search in the zh-Hant edition: Simplified and Traditional queries, results in
    // Traditional script linking to zh-Hant pages.
    for q in ["党建", "黨建", "组织覆盖率", "組織覆蓋率"] {
        b.client
            .goto(&format!(
                "{base}/zh-hant/search/index.html?q={}",
                common::encode_path(q)
            ))
            .await
            .unwrap();
        let found = b
            .wait_for(
                "const r=[...document.querySelectorAll('.search-results li a')]; return r.length ? r.map(a=>[a.textContent, decodeURIComponent(a.href)]) : false",
                15,
            )
            .await;
        let hits: Vec<(String, String)> = serde_json::from_value(found).unwrap();
        let tianjin = hits
            .iter()
            // Results link to the passage: `…/index.html?hl=…#heading`.
            .find(|(_, h)| {
                h.split(['?', '#'])
                    .next()
                    .is_some_and(|p| p.ends_with("/zh-hant/cases/tianjin/index.html"))
            });
        assert!(tianjin.is_some(), "{q}: {hits:?}");
        assert!(
            tianjin.is_some_and(|(t, _)| t.contains("天津市社會組織黨建")),
            "{q}: {hits:?}"
        );
        for (_, h) in &hits {
            assert!(h.contains("/zh-hant/"), "{q}: {h}");
        }
    }

    // A module handout has the switch too: 繁 goes to the same place of its twin.
    b.client
        .goto(&format!(
            "{base}/courses/social-org-party-building/print/index.html#appendix"
        ))
        .await
        .unwrap();
    b.wait_for("return document.readyState === 'complete'", 10)
        .await;
    b.js("document.querySelector('a[data-zhiku-variant=\"zh-Hant\"]').click()")
        .await;
    b.wait_for("return document.documentElement.lang === 'zh-Hant'", 10)
        .await;
    let url = b.url().await;
    assert!(
        url.ends_with("/zh-hant/courses/social-org-party-building/print/index.html#appendix"),
        "{url}"
    );
    assert_eq!(
        b.js("return document.querySelector('.handout h1').textContent")
            .await,
        "社會組織黨建工作"
    );
    b.js("localStorage.clear()").await;
    b.close().await;
}

#[test]
fn serve_serves_both_editions() {
    let site = bundled_with_hant("");
    let server = common::serve::Server::start(site.path());
    let (status, _, body) = server.get("/cases/tianjin/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("天津市社会组织党建"));
    let (status, _, body) = server.get(&format!("/zh-hant/cases/{}/", "tianjin"));
    assert_eq!(status, 200);
    let body = String::from_utf8_lossy(&body).into_owned();
    assert!(body.contains("<html lang=\"zh-Hant\""));
    assert!(body.contains("天津市社會組織黨建"));
    let (status, _, body) = server.get("/search/d/0.js");
    assert_eq!(status, 200, "search documents of both editions");
    let body = String::from_utf8_lossy(&body).into_owned();
    assert!(body.starts_with("__zhikuSearch(\"d\""), "{body}");
    assert!(body.contains("\n__zhikuSearch(\"h\""), "{body}");
}

/// What the edition must leave as written, on a page that has all of it: code spans and
/// blocks, external URLs (also with Chinese in them), anchors' targets and internal link
/// paths, a page-bundle file name, and the quoted source title; absolute and with
/// `--relative`. (The handout's appendix: in the bundled-site test.)
#[test]
fn code_urls_anchors_file_names_and_source_titles_are_not_converted() {
    let page = "---\ntitle: 发展党员工作\nsource:\n  title: 关于发展党员工作的几点思考\n  author: 张三\n  publication: 《党建研究》\n  issue: 2019年第1期\n---\n\n## 发展党员\n\n行内代码 `党员 发展` 和[党章全文](https://example.org/党章/发展党员.html)、[本节](#发展党员)、[下文](@/cases/other.md#后来发展)、[附件](资料说明.txt)。\n\n```text\n代码块 党员发展\n```\n";
    let files: &[(&str, &str)] = &[
        (
            "site.toml",
            "title = \"测试\"\nbase_url = \"/kb/\"\n[variants]\nhant = true\n",
        ),
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/cases/_index.md", "---\ntitle: 案例\n---\n"),
        ("content/cases/fazhan/index.md", page),
        ("content/cases/fazhan/资料说明.txt", "说明"),
        (
            "content/cases/other.md",
            "---\ntitle: 另一页\n---\n\n## 后来发展\n\n正文。\n",
        ),
    ];
    let f = common::Fixture::new(files);
    f.build(&[]).expect_code(0);
    let e = common::encode_path;
    let a = f.read("cases/fazhan/index.html");
    let b = f.read("zh-hant/cases/fazhan/index.html");
    assert!(a.contains("<h1>发展党员工作</h1>"), "{a}");
    assert!(b.contains("<h1>發展黨員工作</h1>"), "{b}");
    let list: &[&str] = &[
        "<code>党员 发展</code>",
        "<code class=\"language-text\">代码块 党员发展\n</code></pre>",
        &format!(
            "href=\"{}\">黨章全文</a>",
            e("https://example.org/党章/发展党员.html")
        ),
        "<h2 id=\"发展党员\">發展黨員</h2>",
        &format!("href=\"{}\">本節</a>", e("#发展党员")),
        &format!(
            "href=\"{}\">下文</a>",
            e("/kb/zh-hant/cases/other/#后来发展")
        ),
        // The file is shared: the link goes to the Simplified tree, name as it is.
        &format!("href=\"{}\">附件</a>", e("/kb/cases/fazhan/资料说明.txt")),
        "<cite translate=\"no\">《关于发展党员工作的几点思考》</cite>",
    ];
    for kept in list {
        assert!(b.contains(kept), "zh-Hant page lacks {kept}:\n{b}");
    }
    assert!(b.contains("張三"), "the author is text and is converted");
    assert!(!f.exists("zh-hant/cases/fazhan/资料说明.txt"));
    assert!(f.exists("cases/fazhan/资料说明.txt"));

    // --relative: the same, with links relative to the twin (one level deeper for files).
    f.build(&["--relative"]).expect_code(0);
    let b = f.read("zh-hant/cases/fazhan/index.html");
    let list: &[&str] = &[
        "<code>党员 发展</code>",
        &format!("href=\"{}\"", e("https://example.org/党章/发展党员.html")),
        &format!("href=\"{}\"", e("#发展党员")),
        &format!("href=\"{}\"", e("../other/index.html#后来发展")),
        &format!("href=\"{}\"", e("../../../cases/fazhan/资料说明.txt")),
        "<cite translate=\"no\">《关于发展党员工作的几点思考》</cite>",
    ];
    for kept in list {
        assert!(
            b.contains(kept),
            "zh-Hant page (--relative) lacks {kept}:\n{b}"
        );
    }
    let broken = common::broken_links(&f.root().join("public"), "/kb/");
    assert!(broken.is_empty(), "{broken:#?}");
}
