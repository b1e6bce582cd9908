//! The bundled site in a reader's hands, in headless Chromium at phone (390 px) and desktop
//! (1280 px) widths: the title and first paragraph in the first screen on phones, lesson
//! navigation bounded by the module, the module handout printed to PDF (its text read back
//! with pdftotext), learning progress kept across reloads and from file://, self-check
//! questions, the case citation, the contents marking the heading on screen, the HTML site map.
//!
//! `ZHIKU_REVIEW_DIR=review cargo test --test it browser_reader::screenshots -- --ignored` writes
//! screenshots of the main page types at both widths into `review/` (see README, Tests).

use crate::common;

use std::path::{Path, PathBuf};

use common::browser::Browser;
use common::http::StaticServer;

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

fn build(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    common::zhiku()
        .arg("build")
        .args(args)
        .arg("--root")
        .arg(common::repo_root())
        .arg("--output")
        .arg(&site)
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(0);
    (out, site)
}

fn built_bundled_site() -> (tempfile::TempDir, StaticServer) {
    let (out, site) = build(&[]);
    let server = StaticServer::start(&site);
    (out, server)
}

/// Resize the window so that the page's viewport is `w`×`h` CSS pixels.
async fn viewport(b: &Browser, (w, h): (u32, u32)) {
    b.client.set_window_size(w, h).await.unwrap();
    // The window includes no chrome in headless mode, but check and correct once.
    let inner = b.js("return [window.innerWidth, window.innerHeight]").await;
    let iw = inner[0].as_u64().unwrap_or(w as u64) as i64;
    let ih = inner[1].as_u64().unwrap_or(h as u64) as i64;
    if iw != w as i64 || ih != h as i64 {
        let (dw, dh) = (w as i64 - iw, h as i64 - ih);
        b.client
            .set_window_size((w as i64 + dw) as u32, (h as i64 + dh) as u32)
            .await
            .unwrap();
    }
    let inner = b.js("return window.innerWidth").await;
    assert_eq!(inner.as_u64(), Some(w as u64), "viewport width");
}

async fn goto(b: &Browser, url: &str) {
    b.client.goto(url).await.unwrap();
    b.wait_for("return document.readyState === 'complete'", 10)
        .await;
}

async fn text(b: &Browser, script: &str) -> String {
    b.js(script).await.as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_shows_title_and_first_paragraph_in_the_first_screen() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    viewport(&b, PHONE).await;
    for path in [
        "/cases/tianjin/",
        "/courses/governance-innovation/party-member-council/",
        "/courses/",
    ] {
        goto(&b, &server.url(path)).await;
        let r = b
            .js("const h=document.querySelector('h1').getBoundingClientRect(); \
                 const p=document.querySelector('main .cases-box, main .prose > :first-child, main .lead'); \
                 const q=p.getBoundingClientRect(); \
                 return {h1: h.bottom, p: q.top, vh: innerHeight, sw: document.documentElement.scrollWidth}")
            .await;
        let vh = r["vh"].as_f64().unwrap();
        assert!(
            r["h1"].as_f64().unwrap() < vh * 0.6,
            "{path}: h1 high in the first screen: {r}"
        );
        assert!(
            r["p"].as_f64().unwrap() + 40.0 < vh,
            "{path}: the first paragraph starts in the first screen: {r}"
        );
        assert!(
            r["sw"].as_f64().unwrap() <= 390.0,
            "{path}: no sideways scrolling: {r}"
        );
    }
    // Tianjin: the contents are a closed <details> after the title; the wide-screen contents
    // are not shown.
    goto(&b, &server.url("/cases/tianjin/")).await;
    let toc = b
        .js("const d=document.querySelector('details.toc-inline'); const h=document.querySelector('h1'); \
             return {open: d.open, after: d.getBoundingClientRect().top > h.getBoundingClientRect().bottom, \
                     height: d.getBoundingClientRect().height, side: getComputedStyle(document.querySelector('nav.toc')).display}")
        .await;
    assert_eq!(toc["open"], false, "{toc}");
    assert_eq!(toc["after"], true, "{toc}");
    assert!(toc["height"].as_f64().unwrap() < 60.0, "{toc}");
    assert_eq!(toc["side"], "none", "{toc}");
    // A lesson: the module's lesson list is near the top (collapsed), not at the bottom.
    goto(
        &b,
        &server.url("/courses/governance-innovation/party-member-council/"),
    )
    .await;
    let m = b
        .js("const d=document.querySelector('details.module-lessons'); \
             return {top: d.getBoundingClientRect().top, summary: d.querySelector('summary').textContent, \
                     side: getComputedStyle(document.querySelector('nav.sidebar')).display, vh: innerHeight}")
        .await;
    assert!(
        m["top"].as_f64().unwrap() < m["vh"].as_f64().unwrap(),
        "{m}"
    );
    assert!(
        m["summary"].as_str().unwrap().contains("第2课/共6课"),
        "{m}"
    );
    assert_eq!(m["side"], "none");
    // The `/` hint is for keyboards, not phones.
    let placeholder = text(
        &b,
        "return document.querySelector('#site-search-q').placeholder",
    )
    .await;
    assert!(!placeholder.contains('/'), "{placeholder}");

    // Desktop: the contents beside the text, the lesson list on its left.
    viewport(&b, DESKTOP).await;
    goto(
        &b,
        &server.url("/courses/governance-innovation/party-member-council/"),
    )
    .await;
    let d = b
        .js("const a=document.querySelector('article.page').getBoundingClientRect(); \
             const s=document.querySelector('nav.sidebar').getBoundingClientRect(); \
             const t=document.querySelector('nav.toc').getBoundingClientRect(); \
             return {a: a.left, ar: a.right, s: s.right, t: t.left, inline: getComputedStyle(document.querySelector('details.toc-inline')).display}")
        .await;
    assert!(
        d["s"].as_f64() <= d["a"].as_f64(),
        "sidebar left of the article: {d}"
    );
    assert!(
        d["t"].as_f64() >= d["ar"].as_f64(),
        "contents right of the article: {d}"
    );
    assert_eq!(d["inline"], "none");
    // After the skip link, keyboard focus goes into the article before the lesson list.
    b.js("document.querySelector('.skip-link').focus(); document.querySelector('.skip-link').click();")
        .await;
    b.js("document.querySelector('#main').focus()").await;
    let order = b
        .js("const all=[...document.querySelectorAll('main a[href], main button:not([hidden]), main summary')].filter(e=>e.offsetParent!==null); \
             return all[0].closest('article') ? 'article' : (all[0].closest('nav') ? all[0].closest('nav').className : 'other')")
        .await;
    assert_eq!(
        order, "article",
        "first focusable element after the skip link"
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_navigation_stays_in_its_module_and_names_the_next_module() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    goto(&b, &server.url("/courses/social-org-party-building/")).await;
    let first = text(
        &b,
        "return document.querySelector('.cards .card-title a').href",
    )
    .await;
    let count = b
        .js("return document.querySelectorAll('.cards .card').length")
        .await
        .as_u64()
        .unwrap();
    assert_eq!(count, 5);
    let kickers = b
        .js("return [...document.querySelectorAll('.cards .card-kicker')].map(k=>k.textContent)")
        .await;
    assert_eq!(kickers[0], "第1课");
    assert_eq!(kickers[4], "第5课");
    goto(&b, &first).await;
    // The first lesson has no previous lesson: it does not go back into another module.
    assert_eq!(
        b.js("return document.querySelector('.prev-next a[rel=prev]')")
            .await,
        serde_json::Value::Null
    );
    let back = text(
        &b,
        "const a=document.querySelector('.prev-next a.module-link'); return a ? a.textContent : ''",
    )
    .await;
    assert!(
        back.contains("上一个模块") && back.contains("社会组织的战略管理"),
        "{back}"
    );
    for n in 1..=count {
        let kicker = text(
            &b,
            "return document.querySelector('.lesson-number').textContent",
        )
        .await;
        assert_eq!(kicker, format!("第{n}课/共{count}课"));
        let module = text(
            &b,
            "return document.querySelector('.sidebar-title').textContent.trim()",
        )
        .await;
        assert_eq!(module, "社会组织党建工作", "lesson {n} stays in the module");
        if n < count {
            let label = text(
                &b,
                "return document.querySelector('.prev-next a[rel=next] span').textContent",
            )
            .await;
            assert_eq!(label, "下一课");
            let title = text(&b, "return document.querySelector('h1').textContent").await;
            b.js("document.querySelector('.prev-next a[rel=next]').click()")
                .await;
            b.wait_for(&format!("return document.querySelector('h1') && document.querySelector('h1').textContent !== {title:?}"), 10).await;
        }
    }
    // The last lesson: no 下一课, but a link to the next module that says so.
    assert_eq!(
        b.js("return document.querySelector('.prev-next a[rel=next]')")
            .await,
        serde_json::Value::Null
    );
    let next = text(
        &b,
        "return document.querySelector('.prev-next a.next-module').textContent",
    )
    .await;
    assert!(
        next.contains("下一个模块") && next.contains("时政解读能力提升"),
        "{next}"
    );
    b.js("document.querySelector('.prev-next a.next-module').click()")
        .await;
    b.wait_for(
        "return location.pathname === '/courses/policy-reading/'",
        10,
    )
    .await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn module_handout_prints_without_urls_and_with_the_cited_passages() {
    let (out, server) = built_bundled_site();
    let b = Browser::start().await;
    goto(&b, &server.url("/courses/governance-innovation/")).await;
    // The module page links to the handout; the handout has a print button.
    b.js("[...document.querySelectorAll('.actions a')].find(a=>a.textContent.includes('讲义')).click()").await;
    b.wait_for(
        "return location.pathname === '/courses/governance-innovation/print/'",
        10,
    )
    .await;
    b.wait_for("return document.querySelector('[data-print]') && !document.querySelector('[data-print]').hidden", 10).await;
    // Every link in the handout points inside it, and to something that exists.
    let bad = b
        .js("return [...document.querySelectorAll('main a[href]')].map(a=>a.getAttribute('href')).filter(h=>!h.startsWith('#') || !document.getElementById(decodeURIComponent(h.slice(1))))")
        .await;
    assert_eq!(
        bad,
        serde_json::json!([]),
        "links leaving the handout or pointing nowhere"
    );
    let pdf = b
        .client
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("print to PDF");
    let pdf_path = out.path().join("handout.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let text = pdftotext(&pdf_path);
    let flat: String = text.split_whitespace().collect();
    // No URL or path printed.
    for url in ["/cases/", "/courses/", "http", "127.0.0.1", "print/"] {
        assert!(!flat.contains(url), "the handout prints `{url}`:\n{text}");
    }
    // Cover, lessons in order, appendix with the cited passages, answers at the end.
    let at = |needle: &str| {
        flat.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` missing from the printed handout:\n{text}"))
    };
    let order = [
        at("基层社会治理实践创新"),
        at("适用对象"),
        at("建议学时"),
        at("教学方法"),
        at("1.社区党组织的领导核心作用"),
        at("2.党员议事会的五步议事法"),
        at("6.资源下沉与基层保障"),
        at("附录：案例选段"),
        at("自测题答案"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}\n{text}");
    // A passage party-member-council sends readers to (南京市鼓楼区 #党员议事会 and
    // #莫让社区变农庄), printed once.
    let appendix = &flat[at("附录：案例选段")..];
    for passage in ["党员议事会", "莫让社区变农庄", "菊花脑"] {
        assert!(
            appendix.contains(passage),
            "`{passage}` in the appendix:\n{text}"
        );
    }
    let html = b.client.source().await.unwrap();
    let appendix_html = common::between(
        &html,
        "<section class=\"print-appendix\"",
        "<section class=\"print-answers\"",
    );
    let ids: Vec<&str> = appendix_html
        .split(" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "each passage once: {ids:?}");
    // One page per lesson at least: more pages than lessons plus the cover.
    let pages = pdf
        .windows(b"/Type /Page\n".len())
        .filter(|w| w == b"/Type /Page\n" || w.starts_with(b"/Type /Page"))
        .count();
    assert!(pages >= 8, "page breaks between lessons ({pages} pages)");

    // A lesson prints without its navigation and with no URL either.
    goto(
        &b,
        &server.url("/courses/governance-innovation/party-member-council/"),
    )
    .await;
    assert!(
        b.js("return !document.querySelector('.page-actions [data-print]').hidden")
            .await
            == true
    );
    let pdf = b
        .client
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("print the lesson");
    let lesson_pdf = out.path().join("lesson.pdf");
    std::fs::write(&lesson_pdf, &pdf).unwrap();
    let lesson: String = pdftotext(&lesson_pdf).split_whitespace().collect();
    for chrome in [
        "下一课",
        "本模块课程",
        "相关内容",
        "/cases/",
        "目录",
        "搜索",
    ] {
        assert!(
            !lesson.contains(chrome),
            "the printed lesson has `{chrome}`:\n{lesson}"
        );
    }
    assert!(
        lesson.contains("本课案例") && lesson.contains("五个议事步骤"),
        "{lesson}"
    );
    b.close().await;
}

fn pdftotext(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is missing: install it with `apt-get install -y poppler-utils` (.ci/run does)");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Progress on a lesson, checked on its module page and on the course index at `base`
/// (`http://…/` or `file:///…/`; `index` is appended for file://).
async fn progress_round_trip(b: &Browser, base: &str, index: &str) {
    let lesson = format!("{base}courses/governance-innovation/party-member-council/{index}");
    goto(b, &lesson).await;
    b.wait_for(
        "return !document.querySelector('[data-lesson-toggle]').hidden",
        10,
    )
    .await;
    assert_eq!(
        text(
            b,
            "return document.querySelector('[data-lesson-toggle]').textContent"
        )
        .await,
        "标记为已学完"
    );
    b.js("document.querySelector('[data-lesson-toggle]').click()")
        .await;
    // Kept across a reload.
    b.client.refresh().await.unwrap();
    b.wait_for("return document.readyState === 'complete' && !document.querySelector('[data-lesson-toggle]').hidden", 10).await;
    let t = text(
        b,
        "return document.querySelector('[data-lesson-toggle]').textContent",
    )
    .await;
    assert!(t.starts_with("已学完"), "after a reload: {t}");
    assert_eq!(
        text(
            b,
            "return document.querySelector('[data-lesson-status]').textContent"
        )
        .await,
        "已学完"
    );
    // The module: 已学 1/6; the lesson's card is marked.
    goto(b, &format!("{base}courses/governance-innovation/{index}")).await;
    let p = b.wait_for("const p=document.querySelector('[data-progress-module]'); return p && !p.hidden && p.textContent", 10).await;
    assert!(p.as_str().unwrap().starts_with("已学 1/6 课"), "{p}");
    let marked = b.js("return [...document.querySelectorAll('.card[data-done] .card-title')].map(c=>c.textContent)").await;
    assert_eq!(marked, serde_json::json!(["党员议事会的五步议事法"]));
    // The course index: per module.
    goto(b, &format!("{base}courses/{index}")).await;
    let all = b.wait_for("const l=[...document.querySelectorAll('.module [data-progress-module]')]; return l.length && l.every(p=>!p.hidden) && l.map(p=>p.textContent)", 10).await;
    let all: Vec<String> = serde_json::from_value(all).unwrap();
    assert_eq!(all.len(), 5, "{all:?}");
    assert!(all[0].starts_with("已学 1/6 课"), "{all:?}");
    assert!(all[1].starts_with("已学 0/4 课"), "{all:?}");
    // Reset.
    b.js("document.querySelector('[data-progress-reset]').click()")
        .await;
    let first = text(
        b,
        "return document.querySelector('.module [data-progress-module]').textContent",
    )
    .await;
    assert!(first.starts_with("已学 0/6 课"), "{first}");
    b.client.refresh().await.unwrap();
    let first = b.wait_for("const p=document.querySelector('.module [data-progress-module]'); return p && !p.hidden && p.textContent", 10).await;
    assert!(
        first.as_str().unwrap().starts_with("已学 0/6 课"),
        "{first}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learning_progress_is_kept_across_reloads_over_http_and_from_file() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    progress_round_trip(&b, &server.url("/"), "").await;
    let (_rel, site) = build(&["--relative"]);
    let base = format!("file://{}/", site.display());
    progress_round_trip(&b, &base, "index.html").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_check_questions_are_answered_on_the_page_and_counted() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    goto(
        &b,
        &server.url("/courses/governance-innovation/party-member-council/"),
    )
    .await;
    b.wait_for(
        "return !document.querySelector('[data-quiz-check]').hidden",
        10,
    )
    .await;
    let q = "document.querySelector('[data-quiz-item=\"1\"]')";
    // Nothing chosen.
    b.js(&format!("{q}.querySelector('[data-quiz-check]').click()"))
        .await;
    assert_eq!(
        text(
            &b,
            &format!("return {q}.querySelector('.quiz-result').textContent")
        )
        .await,
        "请先选择答案"
    );
    // Wrong, then right.
    b.js(&format!("{q}.querySelector('input[value=A]').click(); {q}.querySelector('[data-quiz-check]').click()")).await;
    let r = text(
        &b,
        &format!("return {q}.querySelector('.quiz-result').textContent"),
    )
    .await;
    assert_eq!(r, "回答不对，正确答案是 B");
    assert_eq!(
        b.js(&format!(
            "return {q}.querySelector('details.quiz-answer').open"
        ))
        .await,
        true
    );
    b.js(&format!("{q}.querySelector('input[value=B]').click(); {q}.querySelector('[data-quiz-check]').click()")).await;
    assert_eq!(
        text(
            &b,
            &format!("return {q}.querySelector('.quiz-result').textContent")
        )
        .await,
        "回答正确"
    );
    // A multiple-choice question (service stations: A, B, C, D of five).
    goto(
        &b,
        &server.url("/courses/governance-innovation/service-stations/"),
    )
    .await;
    b.wait_for(
        "return !document.querySelector('[data-quiz-check]').hidden",
        10,
    )
    .await;
    let legend = text(
        &b,
        &format!("return {q}.querySelector('legend').textContent"),
    )
    .await;
    assert!(legend.ends_with("（多选）"), "{legend}");
    b.js(&format!("['A','B','C'].forEach(v=>{q}.querySelector('input[value='+v+']').click()); {q}.querySelector('[data-quiz-check]').click()")).await;
    assert!(text(
        &b,
        &format!("return {q}.querySelector('.quiz-result').textContent")
    )
    .await
    .starts_with("回答不对"));
    b.js(&format!("{q}.querySelector('input[value=D]').click(); {q}.querySelector('[data-quiz-check]').click()")).await;
    assert_eq!(
        text(
            &b,
            &format!("return {q}.querySelector('.quiz-result').textContent")
        )
        .await,
        "回答正确"
    );
    // Counted in the module's progress, and remembered on the lesson page.
    goto(&b, &server.url("/courses/governance-innovation/")).await;
    let p = b.wait_for("const p=document.querySelector('[data-progress-module]'); return p && !p.hidden && p.textContent", 10).await;
    assert_eq!(p, "已学 0/6 课 · 自测答对 2/12 题");
    goto(
        &b,
        &server.url("/courses/governance-innovation/party-member-council/"),
    )
    .await;
    let again = b
        .wait_for(
            &format!("return {q}.querySelector('.quiz-result').textContent"),
            10,
        )
        .await;
    assert_eq!(again, "上次已答对");
    // Without JavaScript the answer is in a <details>.
    let html = b.client.source().await.unwrap();
    assert!(
        html.contains("<summary>查看答案</summary><p>答案：B。"),
        "answers readable without JavaScript"
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_a_lesson_to_its_end_marks_it_learnt() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    viewport(&b, PHONE).await;
    goto(&b, &server.url("/courses/policy-reading/reading-figures/")).await;
    b.wait_for(
        "return !document.querySelector('[data-lesson-toggle]').hidden",
        10,
    )
    .await;
    // Opening the page marks nothing; scrolling to the end does.
    assert_eq!(
        text(
            &b,
            "return document.querySelector('[data-lesson-toggle]').textContent"
        )
        .await,
        "标记为已学完"
    );
    b.js("window.scrollTo(0, document.documentElement.scrollHeight)")
        .await;
    let t = b
        .wait_for("const t=document.querySelector('[data-lesson-toggle]').textContent; return t.startsWith('已学完') && t", 10)
        .await;
    assert!(t.is_string());
    // Unmarking it by hand is kept.
    b.js("document.querySelector('[data-lesson-toggle]').click()")
        .await;
    b.client.refresh().await.unwrap();
    b.wait_for("return document.readyState === 'complete' && !document.querySelector('[data-lesson-toggle]').hidden", 10).await;
    assert_eq!(
        text(
            &b,
            "return document.querySelector('[data-lesson-toggle]').textContent"
        )
        .await,
        "标记为已学完"
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_is_cited_in_one_click() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    goto(&b, &server.url("/cases/tianjin/")).await;
    b.wait_for(
        "return !document.querySelector('[data-copy-cite]').hidden",
        10,
    )
    .await;
    let cite = text(
        &b,
        "return document.querySelector('[data-cite-text]').textContent.replace(/\\s+/g,' ')",
    )
    .await;
    for part in [
        "贾锡萍、王美婧",
        "《新时代提升社会组织党建工作组织力的探索与思考》",
        "《求知》",
        "2018年",
        "《天津市社会组织党建：提升组织力》",
        "/cases/tianjin/",
    ] {
        assert!(cite.contains(part), "`{part}` in the citation: {cite}");
    }
    b.js("document.querySelector('[data-copy-cite]').click()")
        .await;
    let status = b
        .wait_for(
            "return document.querySelector('.cite-status').textContent",
            10,
        )
        .await;
    assert!(
        status.as_str().unwrap().starts_with("已复制")
            || status.as_str().unwrap().starts_with("请选中"),
        "{status}"
    );
    // The source's publication date as written (a month), no invented day.
    let meta = text(
        &b,
        "return document.querySelector('.page-header .meta').textContent",
    )
    .await;
    assert!(meta.contains("原文发表：《求知》2018年第12期"), "{meta}");
    assert!(!meta.contains("日"), "{meta}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contents_mark_the_heading_on_screen() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    viewport(&b, DESKTOP).await;
    goto(&b, &server.url("/cases/tianjin/")).await;
    // Headings followed by text (not straight by a subheading, which would be the one read).
    let ids = b.js("return [...document.querySelectorAll('.prose h2[id], .prose h3[id]')].filter(h=>h.nextElementSibling && !/^H[1-6]$/.test(h.nextElementSibling.tagName)).map(h=>h.id)").await;
    let ids: Vec<String> = serde_json::from_value(ids).unwrap();
    assert!(ids.len() > 10, "{ids:?}");
    for id in [&ids[3], &ids[8], &ids[ids.len() - 2]] {
        b.js(&format!("const h=document.getElementById({id:?}); window.scrollTo(0, h.getBoundingClientRect().top + scrollY - 20);")).await;
        let marked = b
            .wait_for(&format!("const a=document.querySelector('nav.toc a[aria-current]'); return a && decodeURIComponent(a.getAttribute('href')) === '#'+{id:?} && a.getAttribute('href')"), 10)
            .await;
        assert!(marked.is_string(), "{id}");
        // Marked so that it shows: bold and in the accent colour, unlike the others.
        let style = b.js("const a=document.querySelector('nav.toc a[aria-current]'); const o=document.querySelector('nav.toc a:not([aria-current])'); \
                          return [getComputedStyle(a).fontWeight, getComputedStyle(o).fontWeight, getComputedStyle(a).color !== getComputedStyle(o).color]").await;
        assert_eq!(style[0], "700");
        assert_ne!(style[1], "700");
        assert_eq!(style[2], true);
        // Only one entry is marked, and it is the heading at the top of the screen.
        assert_eq!(
            b.js("return document.querySelectorAll('nav.toc a[aria-current]').length")
                .await,
            1
        );
    }
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn footer_site_map_lists_every_module_lesson_and_case() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    goto(&b, &server.url("/search/")).await;
    b.js("[...document.querySelectorAll('.site-footer a')].find(a=>a.textContent==='网站地图').click()").await;
    b.wait_for(
        "return location.pathname === '/sitemap/' && document.readyState === 'complete'",
        10,
    )
    .await;
    assert_eq!(
        text(&b, "return document.querySelector('h1').textContent").await,
        "网站地图"
    );
    let links = b
        .js("return [...document.querySelectorAll('main a')].map(a=>a.textContent)")
        .await;
    let links: Vec<String> = serde_json::from_value(links).unwrap();
    for t in [
        "案例库",
        "天津市社会组织党建：提升组织力",
        "南京市鼓楼区莫愁新寓社区党建",
        "课程库",
        "基层社会治理实践创新",
        "党员议事会的五步议事法",
        "践行宗旨与服务群众",
        "按主题浏览",
    ] {
        assert!(
            links.iter().any(|l| l == t),
            "`{t}` in the site map: {links:?}"
        );
    }
    // 5 modules with 6 + 4 + 5 + 3 + 3 lessons, 4 cases.
    let lessons = b
        .js("return document.querySelectorAll('.sitemap h3 + ol li').length")
        .await;
    assert_eq!(lessons, 21);
    b.close().await;
}

/// Screenshots of the main page types at phone and desktop widths, for a reviewer: the
/// first screen and the whole page of each. Run on demand (see the module comment).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes screenshots; run with --ignored screenshots"]
async fn screenshots() {
    let dir = PathBuf::from(std::env::var("ZHIKU_REVIEW_DIR").unwrap_or_else(|_| "review".into()));
    let dir = if dir.is_absolute() {
        dir
    } else {
        common::repo_root().join(dir)
    };
    std::fs::create_dir_all(&dir).unwrap();
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    let pages = [
        ("home", "/"),
        ("case", "/cases/tianjin/"),
        ("cases", "/cases/"),
        ("courses", "/courses/"),
        ("module", "/courses/governance-innovation/"),
        (
            "lesson",
            "/courses/governance-innovation/party-member-council/",
        ),
        ("handout", "/courses/governance-innovation/print/"),
        ("term", "/regions/"),
        ("sitemap", "/sitemap/"),
        ("search", "/search/?q=党员议事会"),
    ];
    for (width_name, size) in [("phone", PHONE), ("desktop", DESKTOP)] {
        for (name, path) in pages {
            viewport(&b, size).await;
            goto(&b, &server.url(path)).await;
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let png = b.client.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{width_name}.png")), png).unwrap();
            let h = b
                .js("return document.documentElement.scrollHeight")
                .await
                .as_u64()
                .unwrap_or(900);
            viewport(&b, (size.0, h.min(8000) as u32)).await;
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            let png = b.client.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{width_name}-full.png")), png).unwrap();
        }
    }
    b.close().await;
    eprintln!("screenshots in {}", dir.display());
}
