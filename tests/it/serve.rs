//! `zhiku serve`: events for edits of every kind, errors with the old page kept, safety,
//! concurrency, and the incremental == full build invariant.

use crate::common;

use std::time::Duration;

use common::serve::{http_get, Server};
use common::{page, Fixture};

fn site() -> Fixture {
    Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n欢迎。\n"),
        (
            "content/cases/_index.md",
            "---\ntitle: 案例库\nsort_by: weight\n---\n",
        ),
        (
            "content/cases/a.md",
            "---\ntitle: 甲案例\nweight: 1\ntags: [组织覆盖]\n---\n## 背景\n\n甲的正文。\n",
        ),
        (
            "content/cases/b.md",
            "---\ntitle: 乙案例\nweight: 2\ntags: [组织覆盖]\n---\n见[甲](@/cases/a.md#背景)。\n",
        ),
        ("static/files/说明.txt", "说明"),
    ])
}

/// The (fingerprinted) stylesheet URL the home page uses.
fn stylesheet(server: &Server) -> String {
    let home = text(&server.get("/").2);
    common::between(&home, "<link rel=\"stylesheet\" href=\"", "\"").to_string()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn edits_of_every_kind_send_reload_with_the_changed_paths() {
    let f = site();
    let server = Server::start(f.root());
    let events = server.events();
    let (status, ct, body) = server.get("/cases/a/");
    assert_eq!((status, ct.as_str()), (200, "text/html; charset=utf-8"));
    assert!(text(&body).contains("甲的正文"));
    assert!(
        text(&body).contains("/__zhiku/livereload.js"),
        "serve injects the live-reload script"
    );

    // Write in place.
    f.write(
        "content/cases/a.md",
        "---\ntitle: 甲案例\nweight: 1\ntags: [组织覆盖]\n---\n## 背景\n\n甲的新正文。\n",
    );
    let data = events.wait("reload", |d| d.contains("/cases/a/"));
    let paths: Vec<String> = serde_json::from_str(&data).unwrap();
    assert!(paths.contains(&"/cases/a/".to_string()), "{paths:?}");
    assert!(
        !paths.contains(&"/cases/b/".to_string()),
        "b does not show a's text: {paths:?}"
    );
    assert!(text(&server.get("/cases/a/").2).contains("甲的新正文"));

    // Save by rename (vim, VS Code, JetBrains): write a temporary file, rename over.
    let tmp = f.root().join("content/cases/.a.md.tmp");
    std::fs::write(
        &tmp,
        "---\ntitle: 甲案例（改）\nweight: 1\ntags: [组织覆盖]\n---\n## 背景\n\n甲。\n",
    )
    .unwrap();
    std::fs::rename(&tmp, f.root().join("content/cases/a.md")).unwrap();
    let data = events.wait("reload", |d| d.contains("/cases/a/"));
    assert!(
        data.contains("/cases/b/"),
        "b's backlink/neighbour title changed too: {data}"
    );
    assert!(text(&server.get("/cases/a/").2).contains("甲案例（改）"));

    // Swap files are ignored: no rebuild is triggered by them.
    std::fs::write(f.root().join("content/cases/.a.md.swp"), "garbage").unwrap();
    std::fs::write(f.root().join("content/cases/a.md~"), "garbage").unwrap();

    // New file.
    f.write("content/cases/c.md", &page("丙案例", "丙。"));
    events.wait("reload", |d| d.contains("/cases/c/"));
    assert_eq!(server.get("/cases/c/").0, 200);

    // Rename a file.
    std::fs::rename(
        f.root().join("content/cases/c.md"),
        f.root().join("content/cases/d.md"),
    )
    .unwrap();
    let data = events.wait("reload", |d| d.contains("/cases/d/"));
    assert!(
        data.contains("/cases/c/"),
        "the old URL is reported as changed (gone): {data}"
    );
    assert_eq!(server.get("/cases/c/").0, 404);
    assert_eq!(server.get("/cases/d/").0, 200);

    // Delete a file.
    std::fs::remove_file(f.root().join("content/cases/d.md")).unwrap();
    events.wait("reload", |d| d.contains("/cases/d/"));
    assert_eq!(server.get("/cases/d/").0, 404);

    // New directory with a section.
    f.write("content/news/_index.md", "---\ntitle: 动态\n---\n");
    f.write("content/news/n1.md", &page("第一条", "内容。"));
    events.wait("reload", |d| d.contains("/news/n1/"));
    assert_eq!(server.get("/news/").0, 200);

    // Rename a directory.
    std::fs::rename(
        f.root().join("content/news"),
        f.root().join("content/updates"),
    )
    .unwrap();
    events.wait("reload", |d| d.contains("/updates/n1/"));
    assert_eq!(server.get("/news/n1/").0, 404);

    // Template change: every page that uses it is reported.
    f.write("templates/page.html", "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1><p>自定义模板</p>{{ page.content | safe }}{% endblock main %}");
    let data = events.wait("reload", |d| {
        d.contains("/cases/a/") && d.contains("/cases/b/")
    });
    assert!(data.contains("/updates/n1/"));
    assert!(text(&server.get("/cases/b/").2).contains("自定义模板"));

    // site.toml change.
    f.write("site.toml", "title = \"新站名\"\n");
    events.wait("reload", |d| d.contains("\"/\""));
    assert!(text(&server.get("/").2).contains("新站名"));
}

#[test]
fn bad_edit_sends_error_and_keeps_the_old_page() {
    let f = site();
    let server = Server::start(f.root());
    let events = server.events();
    f.write(
        "content/cases/a.md",
        "---\ntitle: 甲案例\ndate: 2018-13-45\n---\n正文被改坏。\n",
    );
    let err = events.wait("error", |_| true);
    assert!(err.contains("content/cases/a.md:3"), "{err}");
    assert!(err.contains("invalid date"), "{err}");
    let (status, _, body) = server.get("/cases/a/");
    assert_eq!(status, 200);
    assert!(
        text(&body).contains("甲的正文"),
        "the last good page stays served"
    );
    // A page opened while the build is broken learns about the error on connect.
    let late = server.events_hello();
    assert!(late.contains("invalid date"), "{late}");
    f.write(
        "content/cases/a.md",
        "---\ntitle: 甲案例\n---\n## 背景\n\n修好了。\n",
    );
    events.wait("reload", |d| d.contains("/cases/a/"));
    assert!(text(&server.get("/cases/a/").2).contains("修好了"));
}

#[test]
fn only_site_files_are_served() {
    let f = site();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", f.root().join("static/passwd")).unwrap();
    let server = Server::start(f.root());
    for bad in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/cases/..%2f..%2fsite.toml",
        "/cases/%5c..%5csite.toml",
        "//etc/passwd",
        "/content/cases/a.md",
        "/site.toml",
        "/passwd",
    ] {
        let (status, _, body) = http_get(server.port, bad);
        assert!(status == 400 || status == 404, "{bad} → {status}");
        assert!(!text(&body).contains("root:"), "{bad} leaked a system file");
        assert!(!text(&body).contains("title = "), "{bad} leaked site.toml");
    }
    // The site's 404 page with status 404.
    let (status, ct, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(ct.starts_with("text/html"));
    assert!(text(&body).contains("页面不存在"));
    // Content types and UTF-8 paths.
    let css = stylesheet(&server);
    assert_eq!(server.get(&css).1, "text/css; charset=utf-8");
    assert_eq!(server.get("/favicon.svg").1, "image/svg+xml");
    assert_eq!(
        server.get("/sitemap.xml").1,
        "application/xml; charset=utf-8"
    );
    let (status, _, body) = server.get("/files/%E8%AF%B4%E6%98%8E.txt");
    assert_eq!((status, text(&body).as_str()), (200, "说明"));
    assert_eq!(
        server.get("/tags/%E7%BB%84%E7%BB%87%E8%A6%86%E7%9B%96/").0,
        200,
        "Chinese term page"
    );
    assert_eq!(
        server.get("/cases").0,
        301,
        "directory without slash redirects"
    );
}

#[test]
fn two_hundred_concurrent_requests_succeed() {
    let f = site();
    let server = Server::start(f.root());
    let port = server.port;
    let css = stylesheet(&server);
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let css = css.clone();
            std::thread::spawn(move || {
                let path = ["/", "/cases/a/", "/cases/b/", css.as_str()][i % 4];
                http_get(port, path).0
            })
        })
        .collect();
    let ok = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|&s| s == 200)
        .count();
    assert_eq!(ok, 200);
}

#[test]
fn served_site_equals_a_fresh_build_after_a_series_of_edits() {
    let f = site();
    let server = Server::start(f.root());
    let events = server.events();
    type Edit = Box<dyn Fn(&Fixture)>;
    let edits: Vec<Edit> = vec![
        Box::new(|f| {
            f.write(
                "content/cases/a.md",
                "---\ntitle: 甲\nweight: 3\ntags: [组织力]\n---\n## 背景\n\n改。\n",
            )
        }),
        Box::new(|f| {
            f.write("content/cases/e.md", "---\ntitle: 戊\nweight: 0\ntags: [组织力, 新主题]\n---\n见[案例库](@/cases/_index.md)。\n")
        }),
        Box::new(|f| std::fs::remove_file(f.root().join("content/cases/b.md")).unwrap()),
        Box::new(|f| {
            f.write(
                "content/cases/_index.md",
                "---\ntitle: 案例\nsort_by: title\npaginate_by: 1\n---\n",
            )
        }),
        Box::new(|f| {
            std::fs::rename(
                f.root().join("content/cases/a.md"),
                f.root().join("content/cases/z.md"),
            )
            .unwrap()
        }),
        // Outputs kept from earlier builds must notice what their templates read through
        // functions, templates themselves, site.toml and static files.
        Box::new(|f| {
            f.write(
                "templates/404.html",
                "{% set e = get_page(path='cases/e.md') %}<p>{{ e.title }}｜{{ e.word_count }}｜{{ e.permalink }}</p>\n",
            )
        }),
        Box::new(|f| {
            f.write(
                "content/cases/e.md",
                "---\ntitle: 戊改\nweight: 0\ntags: [新主题]\n---\n见[案例库](@/cases/_index.md)。多一句。\n",
            )
        }),
        Box::new(|f| {
            let toml = std::fs::read_to_string(f.root().join("site.toml")).unwrap();
            f.write(
                "site.toml",
                &toml.replace("title = ", "title = \"新站名\"\n# "),
            )
        }),
        Box::new(|f| f.write("static/files/说明.txt", "新的说明")),
        Box::new(|f| f.write("static/files/说明.txt", "旧的说明")),
        // A lesson's summary shows its cases' titles: renaming the case must reach every
        // listing of the lesson although the lesson's own file did not change.
        Box::new(|f| {
            f.write("content/courses/_index.md", "---\ntitle: 课程库\n---\n");
            f.write(
                "content/courses/l1.md",
                "---\ntitle: 第一课\ncases: [cases/e.md]\n---\n讲案例。\n",
            )
        }),
        Box::new(|f| {
            f.write(
                "content/cases/e.md",
                "---\ntitle: 戊再改\nweight: 0\ntags: [新主题]\n---\n正文。\n",
            )
        }),
        // Every summary's permalink follows base_url.
        Box::new(|f| {
            let toml = std::fs::read_to_string(f.root().join("site.toml")).unwrap();
            f.write(
                "site.toml",
                &format!("base_url = \"https://dj.example.cn/\"\n{toml}")
                    .replace("\nbase_url", "\n# base_url"),
            )
        }),
    ];
    for edit in edits {
        edit(&f);
        events.wait("reload", |_| true);
    }
    assert_served_equals_a_fresh_build(&f, &server);
    // Nothing extra is served: the old pages of renamed/deleted files are gone.
    assert_eq!(server.get("/cases/a/").0, 404);
    assert_eq!(server.get("/cases/b/").0, 404);
    assert!(
        !f.root().join("public").exists(),
        "serve never writes public/"
    );
}

/// Every file of a fresh `zhiku build` of the fixture is served with the same bytes (HTML
/// without the live-reload script).
fn assert_served_equals_a_fresh_build(f: &Fixture, server: &Server) {
    // A burst of saves settles before we compare.
    std::thread::sleep(Duration::from_millis(500));
    let out = tempfile::tempdir().unwrap();
    let base = format!("http://127.0.0.1:{}/", server.port);
    f.build(&[
        "--output",
        out.path().join("p").to_str().unwrap(),
        "--base-url",
        &base,
    ])
    .expect_code(0);
    let built = common::tree(&out.path().join("p"));
    assert!(built.len() > 10);
    for (path, bytes) in &built {
        let url = format!("/{}", path.replace('\\', "/"));
        let (status, _, served) = server.get(&common::encode_path(&url));
        assert_eq!(status, 200, "{url}");
        let served = if url.ends_with(".html") {
            text(&served)
                .replace("<script src=\"/__zhiku/livereload.js\"></script>", "")
                .into_bytes()
        } else {
            served
        };
        assert!(served == *bytes, "{url} differs from a fresh build");
    }
}

#[test]
fn search_documents_are_right_after_a_build_that_failed_while_rendering() {
    let f = site();
    let server = Server::start(f.root());
    let events = server.events();
    // A template that fails while rendering (not while compiling): the search index of the
    // failed build is made with the new text of a.md, but the site keeps the old files.
    f.write("templates/page.html", "{{ page.title | no_such_filter }}\n");
    events.wait("error", |_| true);
    f.write(
        "content/cases/a.md",
        "---\ntitle: 甲案例\nweight: 1\ntags: [组织覆盖]\n---\n## 背景\n\n新写的正文。\n",
    );
    events.wait("error", |_| true);
    // Fixing the template builds the same documents as the failed build: every document
    // file must still be made again, not kept from the last good site.
    std::fs::remove_file(f.root().join("templates/page.html")).unwrap();
    events.wait("reload", |_| true);
    assert_served_equals_a_fresh_build(&f, &server);
    let docs: String = (0..4)
        .map(|i| text(&server.get(&format!("/search/d/{i}.js")).2))
        .collect();
    assert!(docs.contains("新写的正文"), "{docs}");
}

/// Ctrl-C stops the server at once however many live-reload streams (open browser tabs) and
/// idle keep-alive connections there are.
#[test]
fn ctrl_c_stops_at_once_with_open_tabs() {
    let f = site();
    for tabs in [1, 8] {
        let mut server = Server::start(f.root());
        let streams: Vec<_> = (0..tabs).map(|_| server.events()).collect();
        // An idle keep-alive connection too.
        let idle = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        let took = server.interrupt(Duration::from_secs(3));
        assert!(
            took.is_some_and(|t| t < Duration::from_secs(1)),
            "with {tabs} open tab(s) the server took {took:?} to stop"
        );
        drop((streams, idle));
    }
}

/// A template that recurses without end, saved while serving: an `error` event naming the
/// cycle, the server keeps serving the last good site, and fixing it reloads.
#[test]
fn a_recursive_template_saved_while_serving_is_an_error_event() {
    let f = site();
    let mut server = Server::start(f.root());
    let events = server.events();
    let good = text(&server.get("/cases/a/").2);
    assert!(good.contains("甲的正文"));
    for (name, text) in [
        (
            "templates/page.html",
            "{% import \"loop.html\" as l %}{{ l::f(n=1) }}",
        ),
        (
            "templates/loop.html",
            "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro f %}",
        ),
    ] {
        f.write(name, text);
    }
    let error = events.wait("error", |d| d.contains("template recursion does not end"));
    assert!(error.contains("templates/loop.html (macro `f`)"), "{error}");
    assert!(server.running(), "the server survived");
    assert_eq!(
        text(&server.get("/cases/a/").2),
        good,
        "the last good site is served"
    );
    // An extends cycle too.
    f.write("templates/loop.html", "{% extends \"page.html\" %}");
    f.write("templates/page.html", "{% extends \"loop.html\" %}");
    let error = events.wait("error", |d| d.contains("extend each other in a cycle"));
    assert!(
        error.contains("templates/loop.html → templates/page.html"),
        "{error}"
    );
    assert!(server.running());
    std::fs::remove_file(f.root().join("templates/page.html")).unwrap();
    std::fs::remove_file(f.root().join("templates/loop.html")).unwrap();
    events.wait("reload", |_| true);
    assert!(text(&server.get("/cases/a/").2).contains("甲的正文"));
}
