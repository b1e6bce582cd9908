//! `zhiku check`: what build validates (without writing anything), the warnings for orphans,
//! unused cases and images without alt text, exit codes, and `--external` against local
//! servers only.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::http::StaticServer;
use common::{Fixture, Run};

fn check(f: &Fixture, args: &[&str]) -> Run {
    Run::of(
        common::zhiku()
            .arg("check")
            .arg("--root")
            .arg(f.root())
            .args(args)
            .output()
            .expect("run zhiku"),
    )
}

/// A small, clean site: home, a cases section with one case used by one lesson.
fn clean_site() -> Vec<(&'static str, String)> {
    vec![
        (
            "content/_index.md",
            "---\ntitle: 首页\n---\n欢迎。\n".into(),
        ),
        (
            "content/cases/_index.md",
            "---\ntitle: 案例库\n---\n".into(),
        ),
        (
            "content/cases/a.md",
            "---\ntitle: 甲案例\nsource:\n  title: 原文\n---\n## 做法\n\n![党员服务站](a.svg)\n"
                .into(),
        ),
        (
            "content/cases/a.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".into(),
        ),
        (
            "content/courses/_index.md",
            "---\ntitle: 课程库\n---\n".into(),
        ),
        (
            "content/courses/m/_index.md",
            "---\ntitle: 模块\n---\n".into(),
        ),
        (
            "content/courses/m/l.md",
            "---\ntitle: 一课\ncases: [cases/a.md]\n---\n读[做法](@/cases/a.md#做法)。\n".into(),
        ),
    ]
}

fn fixture(extra: &[(&str, &str)]) -> Fixture {
    let mut files: Vec<(&str, String)> = clean_site();
    for (p, c) in extra {
        files.retain(|(q, _)| q != p);
        files.push((p, c.to_string()));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
    Fixture::new(&refs)
}

#[test]
fn a_clean_site_passes_without_warnings_and_writes_nothing() {
    let f = fixture(&[]);
    let run = check(&f, &[]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("0 error(s), 0 warning(s)"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.trim().is_empty(), "{}", run.stderr);
    assert!(!f.root().join("public").exists(), "check writes no output");
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        leftovers.iter().all(|n| n == "site.toml" || n == "content"),
        "{leftovers:?}"
    );
}

#[test]
fn warnings_for_orphans_unused_cases_and_missing_alt_text() {
    let f = fixture(&[
        // Not linked from anywhere, and the home page does not list root pages.
        ("content/about.md", "---\ntitle: 关于\n---\n正文。\n"),
        // A case by its folder, and a page elsewhere that is a case by its `source:`.
        ("content/cases/b.md", "---\ntitle: 乙案例\n---\n![](b.png)\n\n文字\n\n![ ](b.png)\n"),
        ("content/cases/b.png", "png"),
        (
            "content/notes/_index.md",
            "---\ntitle: 笔记\ntemplate: bare.html\n---\n",
        ),
        (
            "content/notes/n.md",
            "---\ntitle: 来源笔记\nsource:\n  title: 某文\n---\n正文。\n",
        ),
        // A section template that lists nothing: its pages are orphans.
        (
            "templates/bare.html",
            "{% extends \"base.html\" %}{% block main %}<h1>{{ section.title }}</h1>{% endblock main %}",
        ),
    ]);
    let run = check(&f, &[]);
    run.expect_code(0).expect_stderr(&[
        "warning: orphan page: no link in the built site leads to /about/ from the home page",
        "content/about.md",
        "warning: orphan page: no link in the built site leads to /notes/n/ from the home page",
        "content/notes/n.md",
        "warning: case not used by any lesson: no page names it in `cases:`",
        "content/cases/b.md",
        "warning: image without alt text",
        "content/cases/b.md:4",
        "content/cases/b.md:8",
    ]);
    assert!(!run.stderr.contains("content/cases/a.md"), "{}", run.stderr);
    // The section itself is listed by the navigation, so it is no orphan.
    assert!(!run.stderr.contains("orphan section"), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("case not used by any lesson").count(),
        2,
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("orphan page").count(),
        2,
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("0 error(s), 6 warning(s)"),
        "{}",
        run.stdout
    );

    // Linking the page and using the cases clears the warnings.
    f.write(
        "content/_index.md",
        "---\ntitle: 首页\n---\n见[关于](@/about.md)。\n",
    );
    f.write(
        "content/courses/m/l.md",
        "---\ntitle: 一课\ncases: [cases/a.md, cases/b.md, notes/n.md]\n---\n正文。\n",
    );
    let run = check(&f, &[]);
    run.expect_code(0);
    assert!(
        !run.stderr
            .contains("orphan page: no link in the built site leads to /about/"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("case not used"), "{}", run.stderr);
    // notes/n.md is still unreachable except through the lesson's case box: that counts.
    assert!(!run.stderr.contains("orphan"), "{}", run.stderr);
}

#[test]
fn json_format_lists_warnings() {
    let f = fixture(&[("content/about.md", "---\ntitle: 关于\n---\n正文。\n")]);
    let run = check(&f, &["--format", "json"]);
    run.expect_code(0);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("orphan page"))
        .expect("a JSON line");
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["severity"], "warning");
    assert_eq!(v["file"], "content/about.md");
}

#[test]
fn errors_exit_1_and_name_file_and_line() {
    let f = fixture(&[(
        "content/courses/m/l.md",
        "---\ntitle: 一课\ncases: [cases/nope.md]\n---\n读[做法](@/cases/a.md#没有)。\n",
    )]);
    check(&f, &[]).expect_code(1).expect_stderr(&[
        "content/courses/m/l.md:3",
        "`cases:` names `cases/nope.md`",
        "content/courses/m/l.md:5",
        "has no heading with id `没有`",
        "check failed: 2 error(s)",
    ]);
    assert!(!f.root().join("public").exists());
}

#[test]
fn template_errors_are_found_without_building() {
    // A syntax error, and an error that only rendering finds.
    let f = fixture(&[(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.title | no_such_filter }}{% endblock main %}",
    )]);
    check(&f, &[])
        .expect_code(1)
        .expect_stderr(&["templates/page.html"]);
    let f = fixture(&[(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.no_such_field.x }}{% endblock main %}",
    )]);
    check(&f, &[])
        .expect_code(1)
        .expect_stderr(&["templates/page.html", "rendering content/"]);
    assert!(!f.root().join("public").exists());
}

#[test]
fn broken_links_written_by_templates_or_raw_html_are_warnings() {
    let f = fixture(&[
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block main %}<a href=\"/kb-old/\">旧</a>{{ page.content | safe }}{% endblock main %}",
        ),
        (
            "content/courses/m/l.md",
            "---\ntitle: 一课\ncases: [cases/a.md]\n---\n<a href=\"/nowhere/\">原始链接</a>\n",
        ),
    ]);
    let run = check(&f, &[]);
    run.expect_code(0).expect_stderr(&[
        "the built site links to `/kb-old/`, which the build does not write (from 2 files",
        "the built site links to `/nowhere/`, which the build does not write",
        "content/courses/m/l.md:5",
    ]);
    // Written in the lesson only: one warning, on the lesson (not on the print page too).
    assert_eq!(
        run.stderr.matches("`/nowhere/`").count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn drafts_are_checked_with_drafts() {
    let f = fixture(&[(
        "content/cases/draft.md",
        "---\ntitle: 草稿\ndraft: true\n---\n[坏链接](@/cases/none.md)\n",
    )]);
    check(&f, &[]).expect_code(0);
    check(&f, &["--drafts"]).expect_code(1).expect_stderr(&[
        "content/cases/draft.md:5",
        "there is no content/cases/none.md",
    ]);
}

/// A server that accepts connections and never answers.
fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten().take(16) {
            held.push(s); // keep the connection open, say nothing
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    port
}

/// A server that answers every request with `status`.
fn status_server(status: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten().take(16) {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    port
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let pages = tempfile::tempdir().unwrap();
    std::fs::write(pages.path().join("ok.html"), "<p>ok</p>").unwrap();
    let server = StaticServer::start(pages.path());
    let silent = silent_server();
    let busy = status_server("503 Service Unavailable");
    let ok = server.url("/ok.html");
    let gone = server.url("/gone.html");
    let hang = format!("http://127.0.0.1:{silent}/slow");
    let unavailable = format!("http://127.0.0.1:{busy}/x");
    let body = format!(
        "---\ntitle: 一课\ncases: [cases/a.md]\n---\n[好]({ok})\n\n[坏]({gone})\n\n[慢]({hang})\n\n[忙]({unavailable})\n"
    );
    let source = format!(
        "---\ntitle: 甲案例\nsource:\n  title: 原文\n  url: {gone}\n---\n## 做法\n\n![党员服务站](a.svg)\n"
    );
    let f = fixture(&[
        ("content/courses/m/l.md", body.as_str()),
        ("content/cases/a.md", source.as_str()),
    ]);

    // Off by default: nothing is requested.
    let run = check(&f, &[]);
    run.expect_code(0);
    assert!(!run.stderr.contains("external"), "{}", run.stderr);

    let start = Instant::now();
    let run = check(&f, &["--external", "--timeout", "2"]);
    let took = start.elapsed();
    run.expect_code(1).expect_stderr(&[
        // 404: an error where the link is written (also the case's `source: url:`).
        &format!("error: broken external link `{gone}`: the server answers 404"),
        "content/courses/m/l.md:7",
        "content/cases/a.md:5",
        // No answer within the time limit, and 503: warnings.
        &format!("warning: external link `{hang}` could not be checked"),
        "content/courses/m/l.md:9",
        &format!("warning: external link `{unavailable}`: the server answers 503"),
        "content/courses/m/l.md:11",
    ]);
    assert!(!run.stderr.contains(&format!("`{ok}`")), "{}", run.stderr);
    assert!(
        run.stdout.contains("and 4 external links"),
        "{}",
        run.stdout
    );
    assert!(
        took < Duration::from_secs(15),
        "the time limit bounds the check: took {took:?}"
    );
}
