//! Headless Chromium on relative output: the bundled site opened from disk (`file://`) and
//! from an arbitrary sub-path of a server, navigated three levels deep by clicking, with the
//! stylesheet loaded on every page; an alias redirect followed from disk.

use crate::common;

use std::path::Path;

use common::browser::Browser;
use common::http::StaticServer;
use common::Fixture;

fn build_relative(root: &Path, out: &Path) {
    common::zhiku()
        .args(["build", "--relative", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(0);
}

/// The header's bottom border comes from the theme's CSS (3px); without it, 0px.
async fn assert_styled(b: &Browser, step: &str) {
    let border = b
        .wait_for(
            "const h=document.querySelector('.site-header'); const w=h&&getComputedStyle(h).borderBottomWidth; return w==='3px' ? w : false",
            10,
        )
        .await;
    assert_eq!(border, "3px", "{step}: the stylesheet is loaded");
}

/// Click `selector` and wait until the URL changes; returns the new URL (decoded).
async fn click(b: &Browser, selector: &str) -> String {
    let before = b.client.current_url().await.unwrap().to_string();
    let found = b
        .js(&format!(
            "const a=document.querySelector({selector:?}); if(!a) return false; a.click(); return true;"
        ))
        .await;
    assert_eq!(found, true, "`{selector}` on {before}");
    b.wait_for(&format!("return location.href !== {before:?}"), 10)
        .await;
    b.wait_for("return document.readyState === 'complete'", 10)
        .await;
    b.url().await
}

/// Home → 课程库 → first module → first lesson, checking each page.
async fn walk_three_levels(b: &Browser, start: &str, prefix: &str) {
    b.client.goto(start).await.unwrap();
    assert_styled(b, "home").await;
    assert_eq!(
        b.js("return document.querySelector('h1').textContent")
            .await
            .as_str()
            .map(|s| s.contains("知库")),
        Some(true)
    );

    // Level 1: the courses section from the main navigation.
    let url = click(b, ".site-nav a[href*='courses/']").await;
    assert!(
        url.starts_with(prefix) && url.ends_with("/courses/index.html"),
        "{url}"
    );
    assert_styled(b, "courses").await;

    // Level 2: the first module.
    let url = click(b, ".modules h3 a").await;
    assert!(
        url.starts_with(prefix) && url.contains("/courses/") && url.ends_with("/index.html"),
        "{url}"
    );
    assert_styled(b, "module").await;
    let module = b
        .js("return document.querySelector('h1').textContent")
        .await;

    // Level 3: the first lesson of the module.
    let url = click(b, ".cards .card-title a").await;
    assert!(
        url.starts_with(prefix) && url.ends_with("/index.html"),
        "{url}"
    );
    assert_styled(b, "lesson").await;
    let sidebar = b
        .js("return document.querySelector('.sidebar-title').textContent.trim()")
        .await;
    assert_eq!(sidebar, module, "the lesson belongs to the module clicked");
    // The theme's script loaded too (it marks the table of contents on scroll; its presence
    // is enough: the fingerprinted file name resolved).
    let scripts = b
        .js("return [...document.scripts].map(s=>s.src).filter(s=>/site\\.[0-9a-f]{8}\\.js$/.test(s)).length")
        .await;
    assert_eq!(scripts, 1);

    // Back up through the breadcrumbs to the home page.
    let url = click(b, ".breadcrumbs li:first-child a").await;
    assert!(
        url.starts_with(prefix) && url.ends_with("/index.html"),
        "{url}"
    );
    assert_styled(b, "home again").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relative_build_works_from_disk_and_under_any_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("u盘").join("知库");
    build_relative(&common::repo_root(), &out);
    let b = Browser::start().await;

    // From disk.
    let start = format!("file://{}/index.html", out.display());
    walk_three_levels(&b, &start, &format!("file://{}", out.display())).await;

    // From a server, under a sub-path the build knew nothing about.
    let server = StaticServer::start(tmp.path());
    let start = server.url("/u盘/知库/");
    walk_three_levels(&b, &start, &server.url("/u盘/知库/")).await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alias_redirects_from_disk() {
    let f = Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/cases/_index.md", "---\ntitle: 案例库\n---\n"),
        (
            "content/cases/new-name.md",
            "---\ntitle: 新名字的案例\naliases: [/cases/old-name/, /旧/地址.html]\n---\n正文。\n",
        ),
    ]);
    let out = f.root().join("out");
    build_relative(f.root(), &out);
    let b = Browser::start().await;
    for alias in ["cases/old-name/index.html", "旧/地址.html"] {
        b.client
            .goto(&format!("file://{}/{alias}", out.display()))
            .await
            .unwrap();
        b.wait_for(
            "return location.href.endsWith('/cases/new-name/index.html')",
            10,
        )
        .await;
        let h1 = b
            .js("return document.querySelector('h1').textContent")
            .await;
        assert_eq!(h1, "新名字的案例", "{alias}");
        assert_styled(&b, alias).await;
    }
    b.close().await;
}
