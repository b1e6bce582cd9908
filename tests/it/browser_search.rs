//! Search on the bundled knowledge base, in headless Chromium: the queries of issue 6 over
//! HTTP and from a `file://` copy, the `?q=` deep link, the header box with the keyboard,
//! a sub-path `base_url`, and the browser's tokenizer agreeing with the index's.

use crate::common;

use std::path::{Path, PathBuf};

use common::browser::Browser;
use common::http::StaticServer;
use fantoccini::key::Key;
use fantoccini::Locator;
use serde::Deserialize;

fn build_bundled(out: &Path, extra: &[&str]) {
    common::zhiku()
        .args(["build", "--root"])
        .arg(common::repo_root())
        .arg("--output")
        .arg(out)
        .args(extra)
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(0);
}

/// The bundled site built into a temporary directory and served over HTTP.
fn served() -> (tempfile::TempDir, StaticServer) {
    let tmp = tempfile::tempdir().unwrap();
    build_bundled(&tmp.path().join("site"), &[]);
    let server = StaticServer::start(&tmp.path().join("site"));
    (tmp, server)
}

#[derive(Debug, Deserialize)]
struct Hit {
    title: String,
    title_html: String,
    href: String,
    section: String,
    snippet: String,
}

impl Hit {
    fn marked(&self) -> Vec<String> {
        let mut out = Vec::new();
        for html in [&self.title_html, &self.snippet] {
            let mut rest = html.as_str();
            while let Some(i) = rest.find("<mark>") {
                let after = &rest[i + 6..];
                let end = after.find("</mark>").unwrap_or(after.len());
                out.push(after[..end].to_string());
                rest = &after[end..];
            }
        }
        out
    }
}

const RESULTS_JS: &str = r#"
const f = document.querySelector(arguments[0]);
if (!f || f.getAttribute('data-state') !== 'done') return null;
const scope = arguments[1] ? document.querySelector(arguments[1]) : f.parentNode;
return [...scope.querySelectorAll('.search-result')].map(li => ({
  title: li.querySelector('.search-result-title').textContent,
  title_html: li.querySelector('.search-result-title').innerHTML,
  href: li.querySelector('a').href,
  section: (li.querySelector('.search-result-section') || {textContent: ''}).textContent,
  snippet: li.querySelector('.search-result-snippet').innerHTML,
}));
"#;

/// Wait for the search page's results.
async fn page_results(b: &Browser) -> (Vec<Hit>, String) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let v = b
            .client
            .execute(
                RESULTS_JS,
                vec![
                    serde_json::json!("form[data-zhiku-search=page]"),
                    serde_json::Value::Null,
                ],
            )
            .await
            .unwrap_or(serde_json::Value::Null);
        if !v.is_null() {
            let status = b
                .js("return document.querySelector('.search-area .search-status').textContent")
                .await;
            return (
                serde_json::from_value(v).unwrap(),
                status.as_str().unwrap_or_default().to_string(),
            );
        }
        if std::time::Instant::now() > deadline {
            let status = b
                .js("return document.querySelector('.search-status') && document.querySelector('.search-status').textContent")
                .await;
            panic!("no search results shown (status: {status})");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn encode_query(q: &str) -> String {
    let mut s = String::new();
    for b in q.bytes() {
        if b.is_ascii_alphanumeric() {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
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

/// A result link without its `?hl=` and `#section`: the page.
fn page_of(href: &str) -> String {
    href.split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The issue's queries and what each must find. `base` is the site's root URL.
async fn check_issue_queries(b: &Browser, base: &str, search_page: &str) {
    let expect: &[(&str, &[&str], &str)] = &[
        // query, result paths that must be listed, text that must be highlighted
        (
            "组织覆盖率",
            &[
                "cases/tianjin/",
                "courses/social-org-party-building/full-coverage/",
            ],
            "组织覆盖率",
        ),
        // Traditional query, Simplified content.
        ("黨建", &["cases/tianjin/", "cases/gulou/"], "党建"),
        (
            "党员",
            &[
                "courses/party-spirit/party-member-identity/",
                "courses/governance-innovation/party-member-council/",
            ],
            "党员",
        ),
        (
            "议事会",
            &[
                "cases/gulou/",
                "courses/governance-innovation/party-member-council/",
            ],
            "议事会",
        ),
    ];
    for (q, paths, marked) in expect {
        b.client
            .goto(&format!("{search_page}?q={}", encode_query(q)))
            .await
            .unwrap();
        let (hits, status) = page_results(b).await;
        assert!(!hits.is_empty(), "{q}: no results ({status})");
        assert!(status.contains("找到"), "{q}: status {status:?}");
        // Every listed result highlights what matched, in its title or snippet; results that
        // have the query as written come before those that only have its pieces.
        let whole: Vec<bool> = hits
            .iter()
            .map(|h| h.marked().iter().any(|t| t == marked))
            .collect();
        for (h, w) in hits.iter().zip(&whole) {
            let m = h.marked();
            assert!(!m.is_empty(), "{q}: {} highlights nothing", h.title);
            assert!(
                *w || m.iter().all(|t| marked.contains(t.as_str())),
                "{q}: {} highlights {m:?}",
                h.title
            );
            assert!(h.href.starts_with(base), "{q}: {} not under {base}", h.href);
            if h.href.contains("/cases/") {
                assert_eq!(h.section, "案例库", "{q}: {}", h.title);
            }
        }
        let first_loose = whole.iter().position(|w| !w).unwrap_or(whole.len());
        assert!(
            whole[first_loose..].iter().all(|w| !w),
            "{q}: whole matches first: {whole:?}"
        );
        let shown: Vec<String> = hits
            .iter()
            .map(|h| {
                page_of(&h.href)
                    .trim_start_matches(base)
                    .replace("index.html", "")
            })
            .map(|p| common::http_decode(&p))
            .collect();
        for p in *paths {
            let i = shown.iter().position(|s| s == p);
            let i = i.unwrap_or_else(|| panic!("{q}: {p} not in {shown:?}"));
            assert!(whole[i], "{q}: {p} highlights {:?}", hits[i].marked());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_queries_over_http() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    check_issue_queries(&b, &server.url("/"), &server.url("/search/")).await;

    // Ranking: for 党员, every page with 党员 in its title comes before any without.
    b.client
        .goto(&server.url("/search/?q=%E5%85%9A%E5%91%98"))
        .await
        .unwrap();
    let (hits, _) = page_results(&b).await;
    let in_title: Vec<bool> = hits.iter().map(|h| h.title.contains("党员")).collect();
    assert!(
        in_title[0],
        "{:?}",
        hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
    let first_without = in_title.iter().position(|t| !t).unwrap_or(in_title.len());
    assert!(
        in_title[first_without..].iter().all(|t| !t),
        "title hits first: {:?}",
        hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
    // Ten at a time; "显示更多结果" adds the next ones.
    assert_eq!(hits.len(), 10, "first page of results");
    b.js("document.querySelector('.search-more').click()").await;
    b.wait_for(
        "return document.querySelectorAll('.search-area .search-result').length > 10",
        10,
    )
    .await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_queries_from_file_urls() {
    let tmp = tempfile::tempdir().unwrap();
    // A copy in a directory whose name has Chinese and a space, as on a USB stick.
    let dir = tmp.path().join("知库 副本");
    build_bundled(&dir, &[]);
    let b = Browser::start().await;
    let base = file_url(&dir) + "/";
    let page = file_url(&dir.join("search/index.html"));
    check_issue_queries(&b, &base, &page).await;
    // A result link opens the page itself (index.html, not a directory listing).
    b.client
        .goto(&format!("{page}?q={}", encode_query("议事会")))
        .await
        .unwrap();
    page_results(&b).await;
    b.js("document.querySelector('.search-area .search-result a').click()")
        .await;
    b.wait_for("return document.querySelector('article h1') !== null", 10)
        .await;
    let url = b.url().await;
    assert!(page_of(&url).ends_with("/index.html"), "{url}");
    assert!(url.contains("?hl=议事会"), "{url}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_link_opens_with_results() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    b.client
        .goto(&server.url("/search/?q=%E5%85%9A%E5%91%98%E5%8F%91%E5%B1%95"))
        .await
        .unwrap();
    let (hits, status) = page_results(&b).await;
    let value = b
        .js("return document.querySelector('#search-page-q').value")
        .await;
    assert_eq!(value, "党员发展");
    assert!(status.contains("找到"), "{status}");
    assert_eq!(
        page_of(&hits[0].href),
        server.url("/cases/tianjin/"),
        "{hits:?}"
    );
    assert!(hits[0].marked().iter().any(|m| m == "党员发展"), "{hits:?}");
    // The results are announced: the status is a live region and the input is labelled.
    let a11y = b
        .js("const i = document.querySelector('#search-page-q'); return [document.querySelector('.search-area [aria-live=polite]') !== null, document.querySelector('label[for=search-page-q]').textContent, i.getAttribute('role'), i.getAttribute('aria-controls')]")
        .await;
    assert_eq!(a11y[0], true);
    assert_eq!(a11y[1], "搜索内容");
    assert_eq!(a11y[2], "combobox");
    // Typing a new query updates the results and the address (shareable).
    let input = b.client.find(Locator::Css("#search-page-q")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("议事会").await.unwrap();
    b.wait_for(
        "return decodeURIComponent(location.search) === '?q=议事会' && document.querySelector('form[data-zhiku-search=page]').getAttribute('data-state') === 'done'",
        10,
    )
    .await;
    let first = b
        .js("return document.querySelector('.search-area .search-result-title').textContent")
        .await;
    assert!(first.as_str().unwrap().contains("议事"), "{first}");
    b.close().await;
}

/// The header box: `/` focuses it, search.js loads only then, results show as you type,
/// ↓ selects the first result and Enter opens it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_box_with_keyboard() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    b.client.goto(&server.url("/cases/tianjin/")).await.unwrap();
    let loaded = b
        .js("return [...document.scripts].some(s => s.src.includes('search.js')) || !!window.__zhikuSearchUI")
        .await;
    assert_eq!(
        loaded, false,
        "search.js is not loaded before the box is used"
    );
    let body = b.client.find(Locator::Css("body")).await.unwrap();
    body.send_keys("/").await.unwrap();
    let focused = b.js("return document.activeElement.id").await;
    assert_eq!(focused, "site-search-q");
    let input = b.client.active_element().await.unwrap();
    input.send_keys("议事会").await.unwrap();
    b.wait_for(
        "return document.querySelector('form.site-search').getAttribute('data-state') === 'done'",
        15,
    )
    .await;
    let v = b
        .client
        .execute(
            RESULTS_JS,
            vec![
                serde_json::json!("form.site-search"),
                serde_json::json!(".search-popup"),
            ],
        )
        .await
        .unwrap();
    let hits: Vec<Hit> = serde_json::from_value(v).unwrap();
    assert!(!hits.is_empty() && hits.len() <= 8, "{hits:?}");
    assert!(hits
        .iter()
        .all(|h| h.marked().iter().any(|m| m == "议事会")));
    let popup_visible = b
        .js("const p = document.querySelector('.search-popup'); return !p.hidden && p.getBoundingClientRect().height > 0 && document.querySelector('#site-search-q').getAttribute('aria-expanded')")
        .await;
    assert_eq!(popup_visible, "true");
    input.send_keys(&Key::Down.to_string()).await.unwrap();
    let selected = b
        .js("const i = document.querySelector('#site-search-q'); const id = i.getAttribute('aria-activedescendant'); return id && document.getElementById(id).getAttribute('aria-selected')")
        .await;
    assert_eq!(selected, "true");
    input.send_keys(&Key::Down.to_string()).await.unwrap();
    input.send_keys(&Key::Up.to_string()).await.unwrap();
    input.send_keys(&Key::Enter.to_string()).await.unwrap();
    let target = &hits[0].href;
    b.wait_for(&format!("return location.href === {target:?}"), 10)
        .await;
    // Escape closes the popup; Enter with nothing selected opens the search page.
    let input = b.client.find(Locator::Css("#site-search-q")).await.unwrap();
    input.click().await.unwrap();
    input.send_keys("党员").await.unwrap();
    b.wait_for(
        "return document.querySelector('form.site-search').getAttribute('data-state') === 'done'",
        15,
    )
    .await;
    input.send_keys(&Key::Escape.to_string()).await.unwrap();
    let hidden = b
        .js("return document.querySelector('.search-popup').hidden")
        .await;
    assert_eq!(hidden, true);
    input.send_keys(&Key::Enter.to_string()).await.unwrap();
    b.wait_for("return location.pathname === '/search/'", 10)
        .await;
    let (hits, _) = page_results(&b).await;
    assert!(hits[0].title.contains("党员"));
    b.close().await;
}

/// Under a sub-path, the box finds its index and links stay under the sub-path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_under_a_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    build_bundled(&tmp.path().join("www/kb"), &["--base-url", "/kb/"]);
    let server = StaticServer::start(&tmp.path().join("www"));
    let b = Browser::start().await;
    b.client
        .goto(&server.url("/kb/cases/gulou/"))
        .await
        .unwrap();
    let input = b.client.find(Locator::Css("#site-search-q")).await.unwrap();
    input.click().await.unwrap();
    input.send_keys("组织覆盖率").await.unwrap();
    b.wait_for(
        "return document.querySelector('form.site-search').getAttribute('data-state') === 'done'",
        15,
    )
    .await;
    let hrefs = b
        .js("return [...document.querySelectorAll('.search-popup .search-result a')].map(a => a.getAttribute('href'))")
        .await;
    let hrefs: Vec<String> = serde_json::from_value::<Vec<String>>(hrefs)
        .unwrap()
        .iter()
        .map(|h| page_of(h))
        .collect();
    assert!(!hrefs.is_empty());
    assert!(
        hrefs.iter().all(|h| h.starts_with(&server.url("/kb/"))),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&server.url("/kb/cases/tianjin/")),
        "{hrefs:?}"
    );
    // The deep link under the sub-path.
    b.client
        .goto(&server.url("/kb/search/?q=%E9%BB%A8%E5%BB%BA"))
        .await
        .unwrap();
    let (hits, _) = page_results(&b).await;
    assert!(hits
        .iter()
        .any(|h| page_of(&h.href) == server.url("/kb/cases/tianjin/")));
    b.close().await;
}

/// search.js reads queries exactly as the index was cut (src/search/tokenize.rs), and folds
/// Traditional to Simplified with the table the build wrote.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_tokenizer_agrees_with_the_index() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    b.client.goto(&server.url("/search/")).await.unwrap();
    b.wait_for("return !!window.__zhikuSearchUI", 10).await;
    b.client
        .execute_async(
            "window.__zhikuSearchUI.init().then(arguments[arguments.length - 1])",
            vec![],
        )
        .await
        .unwrap();
    let cases = [
        "组织覆盖率",
        "黨建 工作",
        "党员发展2016年",
        "覆盖率98.1%",
        "1,460个 GDP",
        "ＧＤＰ增長９８．１％",
        "社會組織黨組織覆蓋率",
        "Party-Building，党建",
        "2010，2016年",
        "3月26日 18法 163人",
        "党",
        "，。 ",
    ];
    for q in cases {
        let js = b
            .client
            .execute(
                "return window.__zhikuSearchUI.parse(arguments[0]).map(p => [p.text, p.units.map(u => u.t)])",
                vec![serde_json::json!(q)],
            )
            .await
            .unwrap();
        let js: Vec<(String, Vec<String>)> = serde_json::from_value(js).unwrap();
        let rust = zhiku::search::tokenize::query_parts(q);
        assert_eq!(js, rust, "query {q:?}");
    }
    b.close().await;
}

#[test]
fn build_writes_the_index_and_every_page_has_the_box() {
    let tmp = tempfile::tempdir().unwrap();
    let out: PathBuf = tmp.path().join("site");
    build_bundled(&out, &[]);
    for f in [
        "search/index.html",
        "search/manifest.js",
        "search/fold.js",
        "search/s/0.js",
        "search/d/0.js",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let page = std::fs::read_to_string(out.join("cases/tianjin/index.html")).unwrap();
    assert!(page.contains("<form class=\"site-search\" role=\"search\" action=\"/search/\""));
    // search.js is fingerprinted like every theme script, and named in a data attribute.
    let search_js = common::between(&page, "data-search-src=\"/", "\"").to_string();
    assert!(
        search_js.starts_with("js/search.") && search_js.ends_with(".js"),
        "{search_js}"
    );
    assert!(out.join(&search_js).is_file(), "{search_js}");
    assert!(
        !page.contains(&format!("<script src=\"/{search_js}\"")),
        "search.js loads on use only"
    );
    // The index holds page text, not template chrome: the footer's text is not indexed.
    let docs: String = std::fs::read_dir(out.join("search/d"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(docs.contains("社区党员议事会"));
    assert!(!docs.contains("订阅更新"), "footer text is not indexed");
}

#[test]
fn a_page_at_search_is_an_error_not_a_silent_overwrite() {
    let f = common::Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/cases/_index.md", "---\ntitle: 案例库\n---\n"),
        ("content/search.md", &common::page("搜索说明", "正文。")),
    ]);
    f.build(&[])
        .expect_code(1)
        .expect_stderr(&["content/search.md", "/search/", "slug"]);
    assert!(!f.exists("index.html"), "nothing published");
}

/// The search page's state after `?q=`: status, main results, and the partial section
/// (visible, its note's HTML, its results' titles).
async fn page_state(b: &Browser, url: &str) -> (String, Vec<Hit>, bool, String, Vec<String>) {
    b.client.goto(url).await.unwrap();
    b.wait_for(
        "return document.querySelector('form[data-zhiku-search=page]').getAttribute('data-state') === 'done'",
        15,
    )
    .await;
    let (hits, status) = page_results(b).await;
    let v = b
        .js("const p = document.querySelector('.search-area .search-partial'); return [!!p && !p.hidden, p ? (p.querySelector('.search-partial-note') || {innerHTML: ''}).innerHTML : '', p ? [...p.querySelectorAll('.search-partial-result .search-result-title')].map(a => a.textContent) : []]")
        .await;
    let (visible, note, titles): (bool, String, Vec<String>) = serde_json::from_value(v).unwrap();
    (status, hits, visible, note, titles)
}

/// Words that occur nowhere find nothing: no result, and no partial section made of single
/// characters; a phrase whose characters or words all occur, but never together, has no
/// result either (at most near matches, apart).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absent_words_find_nothing() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    for (q, single_chars_only) in [
        ("乡村振兴", true),
        ("党风廉政", true),
        ("完全不存在的词语组合", false),
        ("社区发展", false),
        ("示范覆盖", false),
        // Four characters are one word: 社区发展 is not 社区 + 发展, and 党员网格化 has no
        // 网格化 anywhere (tested with the partial matches).
        ("党员网格化", false),
    ] {
        let (status, hits, partial, _, _) =
            page_state(&b, &server.url(&format!("/search/?q={}", encode_query(q)))).await;
        assert!(hits.is_empty(), "{q}: {hits:?}");
        assert!(status.contains("没有找到"), "{q}: {status}");
        if single_chars_only {
            assert!(!partial, "{q}: a partial section of single characters");
        }
        let marks = b
            .js("return document.querySelectorAll('.search-area .search-results mark').length")
            .await;
        assert_eq!(marks, 0, "{q}: nothing is highlighted");
    }
    b.close().await;
}

/// Two words typed together that are never written together (孝义三同步, 鼓楼议事会): the
/// pages with both words are the results, under a note that says the phrase as typed was
/// not found and names the two words; only those words are highlighted, and no 部分匹配
/// section appears.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unspaced_words_are_found_under_a_note() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    for (q, w1, w2) in [
        ("孝义三同步", "孝义", "三同步"),
        ("鼓楼议事会", "鼓楼", "议事会"),
        ("组织建设党员", "组织建设", "党员"),
    ] {
        let (status, hits, partial, _, _) =
            page_state(&b, &server.url(&format!("/search/?q={}", encode_query(q)))).await;
        assert!(!hits.is_empty(), "{q}: {status}");
        assert!(status.starts_with("找到 "), "{q}: {status}");
        assert!(!partial, "{q}: no partial section");
        let note = b
            .js("const n = document.querySelector('.search-area .search-joined-note'); return n && !n.hidden ? n.innerHTML : ''")
            .await;
        let note = note.as_str().unwrap_or_default();
        assert!(
            note.contains(&format!(
                "未找到连续的“{q}”，以下结果包含 <b>{w1}</b> 和 <b>{w2}</b>"
            )),
            "{q}: {note}"
        );
        let marks = b
            .js("return [...document.querySelectorAll('.search-area .search-results mark')].map(m => m.textContent)")
            .await;
        let marks: Vec<String> = serde_json::from_value(marks).unwrap();
        assert!(
            !marks.is_empty() && marks.iter().all(|m| m == w1 || m == w2),
            "{q}: {marks:?}"
        );
    }
    // A phrase that is found as typed has no note.
    page_state(
        &b,
        &server.url(&format!("/search/?q={}", encode_query("三同步"))),
    )
    .await;
    let note = b
        .js("const n = document.querySelector('.search-area .search-joined-note'); return !!n && !n.hidden")
        .await;
    assert_eq!(note, serde_json::json!(false));
    b.close().await;
}

/// When one word occurs and another does not, the page says 没有找到 and shows, apart, the
/// pages with the word that occurs, naming the missing one struck out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_matches_are_apart_and_name_the_missing_word() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    let (status, hits, partial, note, titles) = page_state(
        &b,
        &server.url(&format!("/search/?q={}", encode_query("议事会 网格"))),
    )
    .await;
    assert!(hits.is_empty(), "{hits:?}");
    assert!(status.contains("没有找到"), "{status}");
    assert!(partial, "partial section shown");
    assert!(
        note.contains("<b>议事会</b>") && note.contains("<s>网格</s>"),
        "{note}"
    );
    assert!(!titles.is_empty());
    let heading = b
        .js("return document.querySelector('.search-partial-title').textContent")
        .await;
    assert_eq!(heading, "部分匹配");
    // Every partial result has 议事会 highlighted, nothing else.
    let marks = b
        .js("return [...document.querySelectorAll('.search-partial mark')].map(m => m.textContent)")
        .await;
    let marks: Vec<String> = serde_json::from_value(marks).unwrap();
    assert!(
        !marks.is_empty() && marks.iter().all(|m| m == "议事会"),
        "{marks:?}"
    );
    // Unspaced: 党员网格化 is 党员 + 网格化 (员网 is never written); 网格化 is missing.
    let (status, hits, partial, note, _) = page_state(
        &b,
        &server.url(&format!("/search/?q={}", encode_query("党员网格化"))),
    )
    .await;
    assert!(
        hits.is_empty() && status.contains("没有找到"),
        "{status} {hits:?}"
    );
    assert!(partial && note.contains("<s>网格化</s>"), "{note}");
    b.close().await;
}

/// A result links to the heading of the section that matched; the page opened from it
/// scrolls there and highlights the query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_links_land_on_the_matching_heading() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    for (q, page, heading) in [
        ("千企议科长", "/cases/nanning/", "千企议科长"),
        ("杨丽丽", "/cases/nanning/", ""),
        // A figures row and a table cell under 成效 both have it: some section, any.
        ("登记在册社会组织", "/cases/xiaoyi/", "*"),
    ] {
        let (_, hits, _, _, _) =
            page_state(&b, &server.url(&format!("/search/?q={}", encode_query(q)))).await;
        let hit = hits
            .iter()
            .find(|h| page_of(&h.href) == server.url(page))
            .unwrap_or_else(|| panic!("{q}: {page} not in {hits:?}"));
        let hash = hit.href.split_once('#').map(|x| x.1.to_string());
        b.client.goto(&hit.href).await.unwrap();
        b.wait_for(
            "return document.documentElement.getAttribute('data-search-hits')",
            10,
        )
        .await;
        let hits_on_page = b
            .js("return [...document.querySelectorAll('mark.search-hit')].map(m => m.textContent)")
            .await;
        let hits_on_page: Vec<String> = serde_json::from_value(hits_on_page).unwrap();
        assert!(!hits_on_page.is_empty(), "{q}: nothing highlighted");
        assert!(hits_on_page.iter().all(|m| m == q), "{q}: {hits_on_page:?}");
        if heading.is_empty() {
            // The source has no heading id: no hash, the first mark is brought into view.
            assert_eq!(hash, None, "{q}");
            let seen = b
                .js("const r = document.querySelector('mark.search-hit').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight")
                .await;
            assert_eq!(seen, true, "{q}: the mark is in view");
        } else {
            let id = common::http_decode(&hash.unwrap_or_else(|| panic!("{q}: no #section")));
            let v = b
                .client
                .execute(
                    "const h = document.getElementById(arguments[0]); if (!h) return null;
                     const heads = [...document.querySelectorAll('h2, h3, h4')];
                     const next = heads[heads.indexOf(h) + 1];
                     const inside = [...document.querySelectorAll('mark.search-hit')].some(m =>
                       (h.compareDocumentPosition(m) & 4) && (!next || (m.compareDocumentPosition(next) & 4)));
                     return [h.textContent.trim(), Math.round(h.getBoundingClientRect().top), inside]",
                    vec![serde_json::json!(id)],
                )
                .await
                .unwrap();
            let (text, top, inside): (String, i64, bool) = serde_json::from_value(v).unwrap();
            assert!(
                heading == "*" || text.contains(heading),
                "{q}: #{id} is {text}"
            );
            assert!(inside, "{q}: nothing highlighted in the section {text}");
            assert!(
                (-2..200).contains(&top),
                "{q}: heading at {top}px, not scrolled to"
            );
        }
    }
    b.close().await;
}

/// Snippets are one block of the page: a table cell, a heading and a paragraph are never
/// run together; headings of sections are named apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snippets_do_not_cross_blocks() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    for q in ["492个", "覆盖率", "党员议事会", "2016年底"] {
        page_state(&b, &server.url(&format!("/search/?q={}", encode_query(q)))).await;
        let v = b
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const items = [...document.querySelectorAll('.search-area .search-result')];
                 Promise.all(items.map(li => window.__zhikuSearchUI.doc(+li.getAttribute('data-doc'))))
                   .then(docs => done(items.map((li, i) => [li.querySelector('.search-result-snippet').textContent, docs[i].x.split('\\n'), docs[i].t])));",
                vec![],
            )
            .await
            .unwrap();
        let rows: Vec<(String, Vec<String>, String)> = serde_json::from_value(v).unwrap();
        assert!(!rows.is_empty(), "{q}");
        for (snippet, blocks, title) in rows {
            let s = snippet.trim_start_matches('…').trim_end_matches('…');
            assert!(
                blocks.iter().any(|b| b.contains(s)) || s.contains('：'),
                "{q}: {title}: snippet {snippet:?} is not one block"
            );
            assert!(!snippet.contains("时间 社会组织党组织数"), "{q}: {snippet}");
        }
    }
    b.close().await;
}

/// Filters: 全部 and the top-level sections, and the site's taxonomies under their own
/// titles (主题, 地区), as links that keep the query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_by_section_and_taxonomy() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    let (status, all, _, _, _) = page_state(
        &b,
        &server.url(&format!("/search/?q={}", encode_query("组织覆盖率"))),
    )
    .await;
    assert!(status.contains("找到"), "{status}");
    let rows = b
        .js("return [...document.querySelectorAll('.search-filters .search-filter-row')].map(r => r.querySelector('.search-filter-label').textContent)")
        .await;
    let rows: Vec<String> = serde_json::from_value(rows).unwrap();
    assert!(rows.contains(&"范围：".to_string()), "{rows:?}");
    assert!(rows.contains(&"主题：".to_string()), "{rows:?}");
    assert!(rows.contains(&"地区：".to_string()), "{rows:?}");
    let text = b
        .js("return document.querySelector('.search-area').innerText")
        .await;
    assert!(
        !text.as_str().unwrap().contains("标签"),
        "the site says 主题"
    );
    // 案例库: only cases, the query kept in the URL.
    let href = b
        .js("return [...document.querySelectorAll('.search-filters a')].find(a => a.textContent.startsWith('案例库')).href")
        .await;
    let href = href.as_str().unwrap().to_string();
    assert!(
        common::http_decode(&href).contains("q=组织覆盖率"),
        "{href}"
    );
    b.js("[...document.querySelectorAll('.search-filters a')].find(a => a.textContent.startsWith('案例库')).click()")
        .await;
    b.wait_for(
        "return decodeURIComponent(location.search).includes('in=案例库')",
        10,
    )
    .await;
    b.wait_for(
        "return document.querySelector('form[data-zhiku-search=page]').getAttribute('data-state') === 'done'",
        15,
    )
    .await;
    let (cases, _) = page_results(&b).await;
    assert!(
        !cases.is_empty() && cases.len() < all.len(),
        "{} of {}",
        cases.len(),
        all.len()
    );
    assert!(
        cases.iter().all(|h| h.href.contains("/cases/")),
        "{cases:?}"
    );
    let current = b
        .js("return document.querySelector('.search-filters a[aria-current][data-filter=in]').textContent")
        .await;
    assert!(current.as_str().unwrap().starts_with("案例库"), "{current}");
    // A region on top of it.
    b.js("[...document.querySelectorAll('.search-filters a[data-filter=regions]')].find(a => a.textContent.startsWith('天津市')).click()")
        .await;
    b.wait_for(
        "return decodeURIComponent(location.search).includes('regions=天津市')",
        10,
    )
    .await;
    b.wait_for(
        "return document.querySelector('form[data-zhiku-search=page]').getAttribute('data-state') === 'done'",
        15,
    )
    .await;
    let (tj, _) = page_results(&b).await;
    assert_eq!(tj.len(), 1, "{tj:?}");
    assert_eq!(page_of(&tj[0].href), server.url("/cases/tianjin/"));
    b.close().await;
}

/// The header box says 没有找到 too, and shows near matches apart in its popup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_box_shows_partial_matches_apart() {
    let (_tmp, server) = served();
    let b = Browser::start().await;
    b.client.goto(&server.url("/cases/gulou/")).await.unwrap();
    let input = b.client.find(Locator::Css("#site-search-q")).await.unwrap();
    input.click().await.unwrap();
    input.send_keys("议事会 网格").await.unwrap();
    b.wait_for(
        "return document.querySelector('form.site-search').getAttribute('data-state') === 'done'",
        15,
    )
    .await;
    let v = b
        .js("const p = document.querySelector('.search-popup'); const part = p.querySelector('.search-partial'); return [p.querySelector('.search-status').textContent, p.querySelectorAll('.search-results .search-result').length, !part.hidden, part.querySelectorAll('.search-partial-result').length, part.querySelector('.search-partial-note').innerHTML]")
        .await;
    let (status, main, shown, partial, note): (String, usize, bool, usize, String) =
        serde_json::from_value(v).unwrap();
    assert!(status.contains("没有找到"), "{status}");
    assert_eq!(main, 0);
    assert!(shown && partial > 0, "{partial}");
    assert!(note.contains("<s>网格</s>"), "{note}");
    b.close().await;
}

/// A site of `n` cases, each with 会议 and 议事 but none with 会议事 (and each with
/// 民主议事): `(tempdir, output)`.
fn pages_with_meetings(n: usize, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("src");
    std::fs::create_dir_all(root.join("content/cases")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"测试\"\nbase_url = \"/\"\n",
    )
    .unwrap();
    for i in 0..n {
        std::fs::write(
            root.join(format!("content/cases/p{i}.md")),
            format!(
                "---\ntitle: 第{i}篇\n---\n\n支部召开会议，听取意见。\n\n村民民主议事，第{i}次。\n"
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("site");
    common::zhiku()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .args(extra)
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(0);
    (tmp, out)
}

/// On a bigger site a query whose character pairs are on every page but which is written on
/// none (会议事: 会议 and 议事 everywhere) has more candidates than one batch checks: the page
/// still says 没有找到 (not "找到 0 条以上"), and a phrase that is there is found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_candidates_and_no_result_say_nothing_found() {
    let (_tmp, out) = pages_with_meetings(120, &[]);
    let server = StaticServer::start(&out);
    let b = Browser::start().await;
    let (status, hits, _, _, _) = page_state(
        &b,
        &server.url(&format!("/search/?q={}", encode_query("会议事"))),
    )
    .await;
    assert!(hits.is_empty(), "{hits:?}");
    assert!(status.contains("没有找到"), "{status}");
    let (status, hits, _, _, _) = page_state(
        &b,
        &server.url(&format!("/search/?q={}", encode_query("民主议事"))),
    )
    .await;
    // (Candidates not yet checked are counted as “条以上”.)
    assert!(status.starts_with("找到 "), "{status}");
    assert!(
        !hits.is_empty()
            && hits
                .iter()
                .all(|h| h.snippet.contains("<mark>民主议事</mark>")),
        "{hits:?}"
    );
    b.close().await;
}

/// The documents a query checks against their text (search.js `BUDGET`).
const BUDGET: usize = 120;

/// The status, the 继续查找 control (shown, text) and the results of the search page.
async fn page_budget_state(b: &Browser) -> (String, bool, String, usize) {
    let v = b
        .js("const c = document.querySelector('.search-area .search-continue'); return [document.querySelector('.search-area .search-status').textContent, !!c && !c.hidden && c.getBoundingClientRect().height > 0, c ? c.textContent : '', document.querySelectorAll('.search-area .search-results .search-result').length]")
        .await;
    serde_json::from_value(v).unwrap()
}

/// How many document files (search/d/<n>.js) the page has loaded so far (the resource timing
/// buffer holds 250 entries by default: enough for BUDGET and the page's own files).
async fn documents_loaded(b: &Browser) -> usize {
    let v = b
        .js("return performance.getEntriesByType('resource').filter(e => /\\/search\\/d\\/[^/]*\\.js/.test(e.name)).length")
        .await;
    serde_json::from_value(v).unwrap()
}

/// More candidates than the budget and no result (300 pages with 会议 and 议事, none with
/// 会议事): the first query loads at most BUDGET document files, says that the first ones
/// checked do not have the query (neither 没有找到 nor “0 条以上”) and offers 继续查找; each
/// click checks the next budget's worth, the query stays, and the last says 没有找到.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_query_checks_a_budget_then_continues_on_the_search_page() {
    let (_tmp, out) = pages_with_meetings(300, &[]);
    let server = StaticServer::start(&out);
    let b = Browser::start().await;
    let url = server.url(&format!("/search/?q={}", encode_query("会议事")));
    b.client.goto(&url).await.unwrap();
    let done = "return document.querySelector('form[data-zhiku-search=page]').getAttribute('data-state') === 'done'";
    b.wait_for(done, 30).await;
    let docs = documents_loaded(&b).await;
    assert!(
        docs > 0 && docs <= BUDGET,
        "{docs} document files for a first query"
    );
    let (status, shown, text, hits) = page_budget_state(&b).await;
    assert_eq!(hits, 0);
    assert!(
        !status.contains("没有找到") && !status.contains("条以上"),
        "{status}"
    );
    assert!(
        status.contains(&format!("前 {BUDGET} 篇候选内容都不包含“会议事”")),
        "{status}"
    );
    assert!(shown, "继续查找 is not shown");
    assert_eq!(text, format!("继续查找（还有 {} 篇待检查）", 300 - BUDGET));

    let cont = b
        .client
        .find(Locator::Css(".search-area .search-continue"))
        .await
        .unwrap();
    cont.click().await.unwrap();
    b.wait_for(done, 30).await;
    let (status, shown, text, hits) = page_budget_state(&b).await;
    assert_eq!(hits, 0);
    assert!(
        status.contains(&format!("前 {} 篇候选内容都不包含", 2 * BUDGET)),
        "{status}"
    );
    assert!(shown, "继续查找 is not shown after one click");
    assert_eq!(
        text,
        format!("继续查找（还有 {} 篇待检查）", 300 - 2 * BUDGET)
    );
    // The query stays, in the box and in the address.
    let v = b
        .js("return document.querySelector('.search-area input[name=q]').value")
        .await;
    assert_eq!(v, serde_json::json!("会议事"));
    assert!(b.url().await.contains("q=会议事"), "{}", b.url().await);

    let cont = b
        .client
        .find(Locator::Css(".search-area .search-continue"))
        .await
        .unwrap();
    cont.click().await.unwrap();
    b.wait_for(done, 30).await;
    let (status, shown, _, hits) = page_budget_state(&b).await;
    assert_eq!(hits, 0);
    assert!(status.contains("没有找到与“会议事”相关的内容"), "{status}");
    assert!(
        !shown,
        "继续查找 is still shown when every candidate is checked"
    );
    b.close().await;
}

/// The same in the header box's popup, from a `file://` copy: the popup says how many were
/// checked, stays open on 继续查找 and finally says 没有找到; and the search page from that
/// copy continues too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_box_continues_from_file_urls() {
    // `--relative`: pages other than the search page work from disk only so.
    let (_tmp, out) = pages_with_meetings(300, &["--relative"]);
    let b = Browser::start().await;
    b.client
        .goto(&file_url(&out.join("cases/p0/index.html")))
        .await
        .unwrap();
    let input = b.client.find(Locator::Css("#site-search-q")).await.unwrap();
    input.click().await.unwrap();
    input.send_keys("会议事").await.unwrap();
    let done =
        "return document.querySelector('form.site-search').getAttribute('data-state') === 'done'";
    b.wait_for(done, 30).await;
    let state = "const p = document.querySelector('.search-popup'); const c = p.querySelector('.search-continue'); return [p.querySelector('.search-status').textContent, !p.hidden && !c.hidden && c.getBoundingClientRect().height > 0, c.textContent, p.querySelectorAll('.search-results .search-result').length]";
    let (status, shown, text, hits): (String, bool, String, usize) =
        serde_json::from_value(b.js(state).await).unwrap();
    assert_eq!(hits, 0);
    assert!(
        !status.contains("没有找到") && !status.contains("条以上"),
        "{status}"
    );
    assert!(
        status.contains(&format!("前 {BUDGET} 篇候选内容都不包含“会议事”")),
        "{status}"
    );
    assert!(shown, "继续查找 is not shown in the popup");
    assert_eq!(text, format!("继续查找（还有 {} 篇待检查）", 300 - BUDGET));
    let mut clicks = 0;
    loop {
        let (status, shown, _, hits): (String, bool, String, usize) =
            serde_json::from_value(b.js(state).await).unwrap();
        assert_eq!(hits, 0);
        if !shown {
            assert!(status.contains("没有找到与“会议事”相关的内容"), "{status}");
            break;
        }
        assert!(clicks < 3, "still 继续查找 after {clicks} clicks: {status}");
        b.client
            .find(Locator::Css(".search-popup .search-continue"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        clicks += 1;
        b.wait_for(done, 30).await;
        let open = b
            .js("return !document.querySelector('.search-popup').hidden")
            .await;
        assert_eq!(
            open,
            serde_json::json!(true),
            "the popup closed on 继续查找"
        );
    }
    assert_eq!(clicks, 2);

    let page = file_url(&out.join("search/index.html"));
    b.client
        .goto(&format!("{page}?q={}", encode_query("会议事")))
        .await
        .unwrap();
    let done = "return document.querySelector('form[data-zhiku-search=page]').getAttribute('data-state') === 'done'";
    b.wait_for(done, 30).await;
    let (status, shown, _, _) = page_budget_state(&b).await;
    assert!(
        status.contains(&format!("前 {BUDGET} 篇候选内容都不包含")),
        "{status}"
    );
    assert!(shown, "继续查找 is not shown on the search page from disk");
    b.client
        .find(Locator::Css(".search-area .search-continue"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for(done, 30).await;
    let (status, _, text, _) = page_budget_state(&b).await;
    assert!(
        status.contains(&format!("前 {} 篇候选内容都不包含", 2 * BUDGET)),
        "{status}"
    );
    assert_eq!(
        text,
        format!("继续查找（还有 {} 篇待检查）", 300 - 2 * BUDGET)
    );
    b.close().await;
}
