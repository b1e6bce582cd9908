//! Limits that keep a build linear in the size of the site: `page.siblings` holds at most 100
//! pages around the page, and the main navigation comes from `nav` (not from
//! `get_section`, which copies every page summary of the site into every page).

use crate::common;

use common::Fixture;

#[test]
fn siblings_are_a_window_around_the_page() {
    let mut files: Vec<(String, String)> = vec![
        ("content/_index.md".into(), "---\ntitle: 首页\n---\n".into()),
        (
            "content/courses/_index.md".into(),
            "---\ntitle: 课程\n---\n".into(),
        ),
        (
            "content/courses/m/_index.md".into(),
            "---\ntitle: 模块\n---\n".into(),
        ),
    ];
    for i in 1..=150 {
        files.push((
            format!("content/courses/m/l{i:03}.md"),
            format!("---\ntitle: 第{i}课\nweight: {i}\n---\n正文\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    f.build(&[]).expect_code(0);
    let sidebar = |n: usize| {
        let html = f.read(&format!("courses/m/l{n:03}/index.html"));
        let nav = common::between(&html, "<nav class=\"sidebar\"", "</nav>").to_string();
        common::anchors(&nav)
            .into_iter()
            .skip(1) // the module's own link
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
    };
    // Small sections list every page; here the first page sees the first 100 …
    let first = sidebar(1);
    assert_eq!(first.len(), 100);
    assert_eq!(
        (first[0].as_str(), first[99].as_str()),
        ("第1课", "第100课")
    );
    // … a middle one the 50 before and 50 from it on …
    let mid = sidebar(80);
    assert_eq!((mid[0].as_str(), mid[99].as_str()), ("第30课", "第129课"));
    // … and the last one the last 100.
    let last = sidebar(150);
    assert_eq!((last[0].as_str(), last[99].as_str()), ("第51课", "第150课"));
    let html = f.read("courses/m/l080/index.html");
    assert!(html.contains("aria-current=\"page\">第80课</a>"), "{html}");
}

#[test]
fn the_main_navigation_lists_the_top_level_sections() {
    let f = Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        (
            "content/cases/_index.md",
            "---\ntitle: 案例库\nweight: 2\n---\n",
        ),
        (
            "content/courses/_index.md",
            "---\ntitle: 课程库\nweight: 1\n---\n",
        ),
        ("content/courses/m/_index.md", "---\ntitle: 模块\n---\n"),
        ("content/cases/a.md", "---\ntitle: 甲\n---\n"),
    ]);
    f.build(&[]).expect_code(0);
    let html = f.read("cases/a/index.html");
    let nav = common::between(&html, "<nav class=\"site-nav\"", "</nav>");
    let links: Vec<(String, String)> = common::anchors(nav);
    assert_eq!(
        links[..2],
        [
            ("/courses/".to_string(), "课程库".to_string()),
            ("/cases/".to_string(), "案例库".to_string())
        ]
    );
    assert!(
        nav.contains("<a href=\"/cases/\" aria-current=\"true\">"),
        "{nav}"
    );
}
