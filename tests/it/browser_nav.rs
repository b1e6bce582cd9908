//! Headless Chromium on the bundled knowledge base: cross-links land on the right heading,
//! "next" walks through a module and its end leads to the next module, term pages open.

use crate::common;

use common::browser::Browser;
use common::http::StaticServer;

fn built_bundled_site() -> (tempfile::TempDir, StaticServer) {
    let out = tempfile::tempdir().unwrap();
    common::zhiku()
        .args(["build", "--root"])
        .arg(common::repo_root())
        .arg("--output")
        .arg(out.path().join("site"))
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(0);
    let server = StaticServer::start(&out.path().join("site"));
    (out, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_link_lands_on_case_heading() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    b.client
        .goto(&server.url("/courses/governance-innovation/party-member-council/"))
        .await
        .unwrap();
    // Click the first link into the Gulou case that has a heading anchor.
    let href = b
        .js("const a=[...document.querySelectorAll('.prose a')].find(a=>decodeURIComponent(a.getAttribute('href')).startsWith('/cases/gulou/#')); a.click(); return decodeURIComponent(a.getAttribute('href'));")
        .await;
    let href = href.as_str().unwrap().to_string();
    let anchor = href.split('#').nth(1).unwrap().to_string();
    b.wait_for("return location.pathname.includes('/cases/gulou/')", 10)
        .await;
    let url = b.url().await;
    assert!(url.ends_with(&format!("/cases/gulou/#{anchor}")), "{url}");
    // The target heading exists and is scrolled into view at the top.
    let top = b.js(&format!("const h=document.getElementById({anchor:?}); return h ? h.getBoundingClientRect().top : null;")).await;
    let top = top.as_f64().expect("heading with that id exists");
    assert!(
        (-5.0..200.0).contains(&top),
        "heading scrolled to the top, got {top}"
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_walks_through_a_module_and_its_end_leads_to_the_next() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    b.client.goto(&server.url("/courses/")).await.unwrap();
    // First lesson of the first module.
    b.js("document.querySelector('.modules .lesson-list a').click()")
        .await;
    b.wait_for(
        "return document.querySelector('.sidebar a[aria-current=page]') !== null",
        10,
    )
    .await;
    let first_module = b
        .js("return document.querySelector('.sidebar-title').textContent.trim()")
        .await;
    let lessons = b
        .js("return document.querySelectorAll('.sidebar li').length")
        .await
        .as_u64()
        .unwrap();
    assert!(lessons >= 3, "a module has at least three lessons");
    let mut titles = vec![
        b.js("return document.querySelector('h1').textContent")
            .await,
    ];
    for n in 0..lessons {
        // Within the module: 下一课; at its end: the next module, said to be one.
        let last = n + 1 == lessons;
        let link = if last {
            ".prev-next a.next-module"
        } else {
            ".prev-next a[rel=next]"
        };
        if last {
            assert_eq!(
                b.js("return document.querySelector('.prev-next a[rel=next]')")
                    .await,
                serde_json::Value::Null,
                "no 下一课 after the module's last lesson"
            );
            let label = b
                .js(&format!(
                    "return document.querySelector('{link} span').textContent"
                ))
                .await;
            assert!(label.as_str().unwrap().contains("下一个模块"), "{label}");
            b.js(&format!("document.querySelector('{link}').click()"))
                .await;
            b.wait_for("return document.querySelector('.modules, .cards') !== null && document.querySelector('h1').textContent !== ''", 10).await;
            // The next module's page: its first lesson continues.
            b.js("document.querySelector('.cards .card-title a').click()")
                .await;
            let prev = titles.last().unwrap().clone();
            b.wait_for(
                &format!("return document.querySelector('.sidebar a[aria-current=page]') !== null && document.querySelector('h1').textContent !== {prev}"),
                10,
            )
            .await;
            titles.push(
                b.js("return document.querySelector('h1').textContent")
                    .await,
            );
            break;
        }
        b.js(&format!("document.querySelector('{link}').click()"))
            .await;
        let prev = titles.last().unwrap().clone();
        b.wait_for(
            &format!("return document.querySelector('h1').textContent !== {prev}"),
            10,
        )
        .await;
        titles.push(
            b.js("return document.querySelector('h1').textContent")
                .await,
        );
        // The current lesson is marked in the sidebar.
        let marked = b
            .js("return document.querySelector('.sidebar a[aria-current=page]').textContent")
            .await;
        assert_eq!(&marked, titles.last().unwrap());
    }
    let module_now = b
        .js("return document.querySelector('.sidebar-title').textContent.trim()")
        .await;
    assert_ne!(
        module_now, first_module,
        "after the last lesson, the next module's link leads into the next module"
    );
    let crumbs = b
        .js("return [...document.querySelectorAll('.breadcrumbs li')].map(l=>l.textContent.trim())")
        .await;
    let crumbs: Vec<String> = serde_json::from_value(crumbs).unwrap();
    assert_eq!(crumbs[0], "首页");
    assert_eq!(crumbs[1], "课程库");
    assert_eq!(crumbs.len(), 4, "首页 › 课程库 › 模块 › 课: {crumbs:?}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn term_page_opens_from_a_case() {
    let (_out, server) = built_bundled_site();
    let b = Browser::start().await;
    b.client.goto(&server.url("/cases/tianjin/")).await.unwrap();
    b.js("document.querySelector('.terms a.tag').click()").await;
    b.wait_for("return location.pathname.startsWith('/tags/')", 10)
        .await;
    let listed = b
        .js("return [...document.querySelectorAll('.card-title a')].map(a=>a.textContent)")
        .await;
    let listed: Vec<String> = serde_json::from_value(listed).unwrap();
    assert!(listed.iter().any(|t| t.contains("天津")), "{listed:?}");
    // CSS loaded (the header border is the accent colour, not the default).
    let border = b
        .js("return getComputedStyle(document.querySelector('.site-header')).borderBottomWidth")
        .await;
    assert_eq!(border, "3px");
    b.close().await;
}
