//! Incremental rendering (`serve`'s rebuilds, in process): a one-page edit renders again only
//! the outputs whose data include that page, and the result is the same as a fresh build.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::Fixture;
use zhiku::build::{self, BuildOptions};
use zhiku::output::MemorySink;
use zhiku::serve::{Outcome, Rebuilder};

fn site() -> Fixture {
    let page = |title: &str, weight: u32, tag: &str, body: &str| {
        format!("---\ntitle: {title}\nweight: {weight}\ntags: [{tag}]\n---\n{body}\n")
    };
    let a = page("甲", 1, "组织覆盖", "甲的正文。");
    let b = page("乙", 2, "组织覆盖", "见[甲](@/cases/a.md)。");
    let c = page("丙", 3, "议事协商", "丙的正文。\n\n第二段。");
    let d = page("丁", 4, "议事协商", "丁的正文。");
    let l = page("一课", 1, "党性教育", "本课讲党性。");
    Fixture::new(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n欢迎。\n"),
        (
            "content/cases/_index.md",
            "---\ntitle: 案例库\nsort_by: weight\n---\n",
        ),
        ("content/cases/a.md", &a),
        ("content/cases/b.md", &b),
        ("content/cases/c.md", &c),
        ("content/cases/d.md", &d),
        (
            "content/courses/_index.md",
            "---\ntitle: 课程库\nsort_by: weight\n---\n",
        ),
        ("content/courses/l.md", &l),
        (
            "site.toml",
            "title = \"测试站点\"\n[[taxonomies]]\nname = \"tags\"\ntitle = \"主题\"\n",
        ),
    ])
}

fn opts(f: &Fixture) -> BuildOptions {
    BuildOptions {
        root: f.root().to_path_buf(),
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..Default::default()
    }
}

struct Built {
    files: BTreeMap<String, Vec<u8>>,
    rendered: Vec<String>,
    reused: usize,
}

fn rebuild(r: &mut Rebuilder) -> Built {
    match r.rebuild() {
        Outcome::Built {
            files,
            stats,
            rendered,
            ..
        } => Built {
            files: files.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect(),
            rendered,
            reused: stats.reused,
        },
        Outcome::Failed { text, .. } => panic!("rebuild failed: {text}"),
    }
}

fn fresh(f: &Fixture) -> BTreeMap<String, Vec<u8>> {
    let mut state = zhiku::state::State::one_shot();
    let zhiku::diagnostics::Outcome {
        value: prepared,
        diagnostics: diags,
    } = build::prepare(&opts(f), &mut state);
    let prepared = prepared.unwrap_or_else(|| panic!("{diags:?}"));
    let sink = MemorySink::default();
    build::render(&prepared, &sink, &mut state)
        .into_result()
        .unwrap();
    sink.into_files()
}

fn html(paths: &[String]) -> BTreeSet<&str> {
    paths
        .iter()
        .map(String::as_str)
        .filter(|p| p.ends_with(".html") || p.ends_with(".xml"))
        .collect()
}

#[test]
fn a_one_page_edit_renders_only_what_includes_that_page() {
    let f = site();
    let mut r = Rebuilder::new(opts(&f));
    let first = rebuild(&mut r);
    assert_eq!(first.reused, 0);
    assert_eq!(first.files, fresh(&f));

    // Nothing changed: every page, listing and feed is kept.
    let again = rebuild(&mut r);
    assert!(html(&again.rendered).is_empty(), "{:?}", again.rendered);
    assert!(again.reused > 20, "{}", again.reused);

    // A new last paragraph of 丙: its page, and everything that shows its summary (word
    // count): the listings, its term page and feeds, its neighbours 乙 and 丁 (prev/next), 丁
    // (related: same tag) and the home page (section summaries).
    f.write(
        "content/cases/c.md",
        "---\ntitle: 丙\nweight: 3\ntags: [议事协商]\n---\n丙的正文。\n\n第二段，多写几句。\n",
    );
    let edit = rebuild(&mut r);
    let rendered = html(&edit.rendered);
    for must in [
        "cases/c/index.html",
        "cases/index.html",
        "cases/b/index.html",
        "cases/d/index.html",
        "index.html",
        "tags/议事协商/index.html",
        "atom.xml",
    ] {
        assert!(rendered.contains(must), "{must} not rendered: {rendered:?}");
    }
    // Pages that do not show 丙 anywhere are kept as they were.
    for kept in [
        "cases/a/index.html",
        "courses/l/index.html",
        "tags/组织覆盖/index.html",
        "tags/党性教育/index.html",
        "404.html",
    ] {
        assert!(
            !rendered.contains(kept),
            "{kept} rendered again: {rendered:?}"
        );
    }
    assert_eq!(
        edit.files,
        fresh(&f),
        "incremental build differs from a fresh one"
    );

    // A template edit renders every page again.
    f.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p>新模板：{{ page.title }}</p>{% endblock main %}",
    );
    let t = rebuild(&mut r);
    let rendered = html(&t.rendered);
    for p in ["cases/a/index.html", "courses/l/index.html", "404.html"] {
        assert!(rendered.contains(p), "{p} not rendered: {rendered:?}");
    }
    assert_eq!(t.files, fresh(&f));
}

#[test]
fn outputs_that_read_a_page_through_get_page_follow_its_changes() {
    let f = site();
    f.write(
        "templates/404.html",
        "{% set a = get_page(path='cases/a.md') %}<p>{{ a.title }}</p>\n",
    );
    let mut r = Rebuilder::new(opts(&f));
    let first = rebuild(&mut r);
    assert!(String::from_utf8_lossy(&first.files["404.html"]).contains("<p>甲</p>"));
    // 甲's new title changes what get_page returns: 404.html is rendered again although its
    // own context did not change.
    f.write(
        "content/cases/a.md",
        "---\ntitle: 甲改\nweight: 1\ntags: [组织覆盖]\n---\n甲的正文。\n",
    );
    let edit = rebuild(&mut r);
    assert!(edit.rendered.contains(&"404.html".to_string()));
    assert!(String::from_utf8_lossy(&edit.files["404.html"]).contains("<p>甲改</p>"));
    assert_eq!(edit.files, fresh(&f));
    // An edit elsewhere leaves it alone.
    f.write(
        "content/courses/l.md",
        "---\ntitle: 一课\nweight: 1\ntags: [党性教育]\n---\n本课讲党性，再讲一句。\n",
    );
    let other = rebuild(&mut r);
    assert!(!other.rendered.contains(&"404.html".to_string()));
    assert_eq!(other.files, fresh(&f));
}

/// Rewrite `path` with `contents` of the same size and give it back its modification time:
/// what a copy from a USB stick, a restore, or a second save within a FAT timestamp's two
/// seconds looks like to size-and-time change detection.
fn rewrite_keeping_size_and_time(f: &Fixture, path: &str, contents: &str) {
    let file = f.root().join(path);
    let before = std::fs::metadata(&file).unwrap();
    assert_eq!(
        before.len() as usize,
        contents.len(),
        "{path}: not the same size"
    );
    f.write(path, contents);
    let handle = std::fs::File::options().write(true).open(&file).unwrap();
    handle.set_modified(before.modified().unwrap()).unwrap();
    drop(handle);
    let after = std::fs::metadata(&file).unwrap();
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());
}

#[test]
fn a_file_changed_without_its_size_or_time_changing_is_built_again() {
    // Pages, static files and content assets alike: the content decides.
    let f = site();
    f.write("static/downloads/表格.txt", "第一版");
    f.write("content/cases/附件.txt", "旧附件");
    let mut r = Rebuilder::new(opts(&f));
    let first = rebuild(&mut r);
    assert_eq!(first.files["downloads/表格.txt"], "第一版".as_bytes());

    // Changed on disk: the content decides.
    rewrite_keeping_size_and_time(&f, "static/downloads/表格.txt", "第二版");
    rewrite_keeping_size_and_time(&f, "content/cases/附件.txt", "新附件");
    let page = std::fs::read_to_string(f.root().join("content/cases/a.md")).unwrap();
    rewrite_keeping_size_and_time(
        &f,
        "content/cases/a.md",
        &page.replace("甲的正文", "甲的新文"),
    );
    let again = rebuild(&mut r);
    let html = String::from_utf8_lossy(&again.files["cases/a/index.html"]).into_owned();
    assert!(html.contains("甲的新文"), "the page was not parsed again");
    assert_eq!(again.files["downloads/表格.txt"], "第二版".as_bytes());
    assert_eq!(again.files["cases/附件.txt"], "新附件".as_bytes());
    assert_eq!(again.files, fresh(&f));
}

/// Write `contents` to `path`, rebuild, and check that the served site is a fresh build's.
fn edit(f: &Fixture, r: &mut Rebuilder, path: &str, contents: &str) -> Built {
    f.write(path, contents);
    let built = rebuild(r);
    assert_eq!(
        built.files,
        fresh(f),
        "after editing {path}: not a fresh build's site"
    );
    built
}

impl Built {
    /// Was the output at `path` made by this rebuild (rather than kept)?
    fn made(&self, path: &str) -> bool {
        self.rendered.iter().any(|p| p == path)
    }
}

#[test]
fn a_module_handout_is_made_again_only_when_what_it_prints_changed() {
    // A module whose lesson cites a heading of a case: the print page holds the lesson and,
    // in its appendix, that passage with the case's title.
    let f = site();
    f.write("content/courses/m/_index.md", "---\ntitle: 模块一\n---\n");
    f.write(
        "content/courses/m/one.md",
        "---\ntitle: 第一课\nweight: 1\n---\n学习[做法](@/cases/c.md#做法)和[丁](@/cases/d.md)。\n",
    );
    let case = |title: &str, background: &str, practice: &str| {
        format!("---\ntitle: {title}\nweight: 3\n---\n## 背景\n\n{background}\n\n## 做法\n\n{practice}\n")
    };
    f.write("content/cases/c.md", &case("丙", "旧背景。", "旧做法。"));
    let print = "courses/m/print/index.html";
    let mut r = Rebuilder::new(opts(&f));
    let first = rebuild(&mut r);
    let text = |b: &Built| String::from_utf8_lossy(&b.files[print]).into_owned();
    assert!(text(&first).contains("旧做法") && !text(&first).contains("旧背景"));

    // A part of the case the lesson does not cite: the handout is not made again.
    let c = "content/cases/c.md";
    let other = edit(&f, &mut r, c, &case("丙", "新背景。", "旧做法。"));
    assert!(!other.made(print), "{:?}", other.rendered);

    // The cited passage, then the case's title (the appendix shows it): made again.
    let passage = edit(&f, &mut r, c, &case("丙", "新背景。", "新做法。"));
    assert!(passage.made(print) && text(&passage).contains("新做法"));
    let title = edit(&f, &mut r, c, &case("丙案例", "新背景。", "新做法。"));
    assert!(title.made(print) && text(&title).contains("丙案例"));

    // A page the lesson links to without citing it (its link is text either way): kept.
    let d = "---\ntitle: 丁\nweight: 4\ntags: [议事协商]\n---\n丁的正文，改过。\n";
    let uncited = edit(&f, &mut r, "content/cases/d.md", d);
    assert!(!uncited.made(print), "{:?}", uncited.rendered);

    // The lesson itself.
    let one = "---\ntitle: 第一课\nweight: 1\n---\n改写后学习[做法](@/cases/c.md#做法)。\n";
    let lesson = edit(&f, &mut r, "content/courses/m/one.md", one);
    assert!(lesson.made(print) && text(&lesson).contains("改写后学习"));
}

#[test]
fn links_are_resolved_again_when_what_they_point_to_changed() {
    let f = site();
    f.write(
        "content/cases/c.md",
        "---\ntitle: 丙\nweight: 3\ntags: [议事协商]\n---\n## 做法\n\n丙的做法。\n",
    );
    f.write(
        "content/cases/b.md",
        "---\ntitle: 乙\nweight: 2\ntags: [组织覆盖]\n---\n见[丙的做法](@/cases/c.md#做法)。\n",
    );
    let mut r = Rebuilder::new(opts(&f));
    rebuild(&mut r);
    // Five pages and three sections (the home page, 案例库, 课程库).
    assert_eq!(r.state().resolved(), 8);

    // Nothing changed: nothing is resolved again.
    rebuild(&mut r);
    assert_eq!(r.state().resolved(), 0);

    // 丙's text, not its headings: only 丙 is resolved again; 乙 keeps its link.
    let c = "content/cases/c.md";
    let case = |front: &str, heading: &str| {
        format!("---\ntitle: 丙\n{front}weight: 3\ntags: [议事协商]\n---\n## {heading}\n\n丙的新做法。\n")
    };
    edit(&f, &mut r, c, &case("", "做法"));
    assert_eq!(r.state().resolved(), 1);

    // 丙's heading: 乙's link to it is broken, and the build says so at 乙's line.
    f.write(c, &case("", "经验"));
    match r.rebuild() {
        Outcome::Failed { text, .. } => assert!(
            text.contains("content/cases/b.md") && text.contains("no heading with id `做法`"),
            "{text}"
        ),
        Outcome::Built { .. } => panic!("a link to a heading that is gone was kept"),
    }
    // Still broken on the next save of another file (the error is not forgotten).
    f.write(
        "content/cases/d.md",
        "---\ntitle: 丁\nweight: 4\ntags: [议事协商]\n---\n丁的正文，又改。\n",
    );
    assert!(matches!(r.rebuild(), Outcome::Failed { .. }));

    // 丙 moves (`slug:`): 乙's link follows it.
    let moved = edit(&f, &mut r, c, &case("slug: bing\n", "做法"));
    let b = String::from_utf8_lossy(&moved.files["cases/b/index.html"]).into_owned();
    assert!(b.contains("/cases/bing/#"), "{b}");
}

#[test]
fn related_pages_follow_a_change_of_terms_or_dates() {
    let f = site();
    let mut r = Rebuilder::new(opts(&f));
    let first = rebuild(&mut r);
    let related = |b: &Built, page: &str| {
        String::from_utf8_lossy(&b.files[&format!("cases/{page}/index.html")]).into_owned()
    };
    // 丁 shares 议事协商 with 丙 only.
    assert!(related(&first, "d").contains("/cases/c/"));
    assert!(!related(&first, "d").contains("/cases/a/"));
    // 丁 now shares 组织覆盖 with 甲 and 乙.
    let d = "---\ntitle: 丁\nweight: 4\ntags: [组织覆盖]\n---\n丁的正文。\n";
    let terms = edit(&f, &mut r, "content/cases/d.md", d);
    assert!(related(&terms, "d").contains("/cases/a/"));
    // A date decides ties: checked against a fresh build by `edit`.
    let a = "---\ntitle: 甲\nweight: 1\ndate: 2020-01-01\ntags: [组织覆盖]\n---\n甲的正文。\n";
    edit(&f, &mut r, "content/cases/a.md", a);
}

#[test]
fn an_unchanged_file_is_not_read_again_once_its_stamp_has_settled() {
    // Files older than FAT's two seconds at the last read, and unchanged since: not read.
    let f = site();
    let settle = || std::thread::sleep(zhiku::load::RACY + std::time::Duration::from_millis(200));
    settle();
    let mut r = Rebuilder::new(opts(&f));
    rebuild(&mut r);
    let files = r.state().read_files();
    assert!(files >= 8, "the first build reads every file: {files}");
    rebuild(&mut r);
    assert_eq!(
        r.state().read_files(),
        0,
        "nothing changed, nothing settled newly"
    );

    // Rewritten with the same size and modification time: the change time tells, whether
    // the next build comes at once or after the stamp would have settled.
    let page = std::fs::read_to_string(f.root().join("content/cases/a.md")).unwrap();
    rewrite_keeping_size_and_time(
        &f,
        "content/cases/a.md",
        &page.replace("甲的正文", "甲的新文"),
    );
    settle();
    let again = rebuild(&mut r);
    assert_eq!(r.state().read_files(), 1);
    let html = String::from_utf8_lossy(&again.files["cases/a/index.html"]).into_owned();
    assert!(html.contains("甲的新文"), "the page was not read again");
    assert_eq!(again.files, fresh(&f));

    // Saves of the same size in quick succession, each rebuilt at once: each is seen (here
    // by the change time; on FAT, whose change time is its two-second modification time,
    // because a stamp taken within two seconds of a read is not trusted).
    let save = |text: &str| {
        rewrite_keeping_size_and_time(&f, "content/cases/a.md", &page.replace("甲的正文", text))
    };
    save("甲的一稿");
    let one = rebuild(&mut r);
    assert!(String::from_utf8_lossy(&one.files["cases/a/index.html"]).contains("甲的一稿"));
    save("甲的二稿");
    let two = rebuild(&mut r);
    assert!(String::from_utf8_lossy(&two.files["cases/a/index.html"]).contains("甲的二稿"));
    assert_eq!(two.files, fresh(&f));
}

#[test]
fn a_term_warning_is_reported_again_when_the_terms_are_kept() {
    let f = site();
    // 甲 writes the term one way, 乙 another with the same path: a warning at 乙's line.
    f.write(
        "content/cases/b.md",
        "---\ntitle: 乙\nweight: 2\ntags: [党建Party]\n---\n乙的正文。\n",
    );
    f.write(
        "content/cases/a.md",
        "---\ntitle: 甲\nweight: 1\ntags: [党建party]\n---\n甲的正文。\n",
    );
    let mut r = Rebuilder::new(opts(&f));
    let warned = |r: &mut Rebuilder| match r.rebuild() {
        Outcome::Built { warnings, .. } => format!("{warnings:?}"),
        Outcome::Failed { text, .. } => panic!("rebuild failed: {text}"),
    };
    let first = warned(&mut r);
    assert!(first.contains("is treated as the same term as"), "{first}");
    // An edit of another page's text keeps the terms, and their warning with them.
    f.write(
        "content/cases/d.md",
        "---\ntitle: 丁\nweight: 4\ntags: [议事协商]\n---\n丁的正文，再改。\n",
    );
    let again = warned(&mut r);
    assert_eq!(first, again);
    assert_eq!(fresh(&f), rebuild(&mut r).files);
}
