//! Live reload in headless Chromium: an edit reloads the open page (keeping the scroll
//! position); a bad edit shows the error overlay; fixing it removes the overlay.

use crate::common;

use common::browser::Browser;
use common::serve::Server;
use common::Fixture;

fn long_page(marker: &str) -> String {
    let mut body = String::from("---\ntitle: 长页面\n---\n");
    for i in 0..80 {
        body.push_str(&format!("第{i}段：基层党组织建设的内容。\n\n"));
    }
    body.push_str(&format!("<p id=\"marker\">{marker}</p>\n"));
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_reloads_page_and_errors_show_an_overlay() {
    let f = Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/long.md", &long_page("第一版")),
    ]);
    let server = Server::start(f.root());
    let b = Browser::start().await;
    b.client.goto(&server.url("/long/")).await.unwrap();
    assert_eq!(
        b.js("return document.getElementById('marker').textContent")
            .await,
        "第一版"
    );
    // Wait until the EventSource is connected, then scroll down.
    b.wait_for(
        "return document.documentElement.getAttribute('data-zhiku-live') === 'connected'",
        10,
    )
    .await;
    b.js("window.scrollTo(0, 600)").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    f.write("content/long.md", &long_page("第二版"));
    b.wait_for("return document.getElementById('marker') && document.getElementById('marker').textContent === '第二版'", 20).await;
    let y = b
        .wait_for("return window.scrollY > 0 ? window.scrollY : 0", 10)
        .await
        .as_f64()
        .unwrap();
    assert!(
        (550.0..650.0).contains(&y),
        "scroll position kept across the reload, got {y}"
    );

    // A broken edit: the overlay appears with file and line; the old page stays.
    b.wait_for(
        "return document.documentElement.getAttribute('data-zhiku-live') === 'connected'",
        10,
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    f.write(
        "content/long.md",
        "---\ntitle: 长页面\ndate: 2018-02-30\n---\n坏了\n",
    );
    let text = b.wait_for("const o=document.getElementById('zhiku-error-overlay'); return o ? o.textContent : null", 20).await;
    let text = text.as_str().unwrap();
    assert!(text.contains("content/long.md:3"), "{text}");
    assert!(text.contains("invalid date"), "{text}");
    assert_eq!(
        b.js("return document.getElementById('marker').textContent")
            .await,
        "第二版"
    );

    // Fixing it removes the overlay and shows the new page.
    f.write("content/long.md", &long_page("第三版"));
    b.wait_for("return !document.getElementById('zhiku-error-overlay') && document.getElementById('marker') && document.getElementById('marker').textContent === '第三版'", 20).await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_reconnects_and_reloads_after_a_server_restart() {
    let f = Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/long.md", &long_page("重启前")),
    ]);
    let server = Server::start(f.root());
    let port = server.port;
    let b = Browser::start().await;
    b.client.goto(&server.url("/long/")).await.unwrap();
    b.wait_for(
        "return document.documentElement.getAttribute('data-zhiku-live') === 'connected'",
        10,
    )
    .await;
    b.js("window.beforeRestart = true").await;
    drop(server);
    // The file changes while the server is down; the restarted server has the new page.
    f.write("content/long.md", &long_page("重启后"));
    let _again = Server::start_on(f.root(), port);
    b.wait_for("return !window.beforeRestart && document.getElementById('marker') && document.getElementById('marker').textContent === '重启后'", 30).await;
    b.close().await;
}

/// The everyday case: a tab with the live-reload connection is open in Chromium when the
/// author presses Ctrl-C. The server stops within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_serve_with_a_browser_tab_open() {
    let f = Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/long.md", &long_page("第一版")),
    ]);
    let mut server = Server::start(f.root());
    let b = Browser::start().await;
    b.client.goto(&server.url("/long/")).await.unwrap();
    b.wait_for(
        "return document.documentElement.getAttribute('data-zhiku-live') === 'connected'",
        10,
    )
    .await;
    let took = server.interrupt(std::time::Duration::from_secs(3));
    assert!(
        took.is_some_and(|t| t < std::time::Duration::from_secs(1)),
        "serve took {took:?} to stop with a tab open"
    );
    b.close().await;
}
