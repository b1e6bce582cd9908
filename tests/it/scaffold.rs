//! `zhiku init` and `zhiku new`: a round trip init → new → check → build, refusals, and the
//! archetype precedence (site, then theme, then built-in).

use crate::common;

use std::path::Path;

use common::Run;

fn zhiku(args: &[&str], cwd: &Path) -> Run {
    Run::of(
        common::zhiku()
            .args(args)
            .current_dir(cwd)
            .output()
            .expect("run zhiku"),
    )
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn init_new_check_build_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("我的站点");
    let run = zhiku(&["init", site.to_str().unwrap()], tmp.path());
    run.expect_code(0);
    assert!(run.stdout.contains("zhiku serve"), "{}", run.stdout);
    for f in [
        "site.toml",
        ".gitignore",
        "content/_index.md",
        "content/cases/example-community.md",
        "content/courses/community-governance/_index.md",
        "content/courses/community-governance/party-member-council.md",
    ] {
        assert!(site.join(f).is_file(), "{f}");
    }
    let lesson = read(&site.join("content/courses/community-governance/party-member-council.md"));
    assert!(
        lesson.contains("cases: [cases/example-community.md]"),
        "{lesson}"
    );
    assert!(
        lesson.contains("(@/cases/example-community.md#主要做法)"),
        "{lesson}"
    );

    // The new site checks clean and builds.
    let run = zhiku(&["check"], &site);
    run.expect_code(0);
    assert!(
        run.stdout.contains("0 error(s), 0 warning(s)"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    zhiku(&["build"], &site).expect_code(0);
    let case = read(&site.join("public/cases/example-community/index.html"));
    assert!(
        case.contains("用党员议事会凝聚社区共识"),
        "the case lists its lesson"
    );
    let lesson_html =
        read(&site.join("public/courses/community-governance/party-member-council/index.html"));
    assert!(
        lesson_html
            .contains("href=\"/cases/example-community/#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95\""),
        "{lesson_html}"
    );

    // New pages from the theme's archetypes.
    let run = zhiku(&["new", "cases/anshan.md"], &site);
    run.expect_code(0);
    assert!(
        run.stdout.contains(
            "created content/cases/anshan.md (from (built-in theme)/archetypes/cases.md)"
        ),
        "{}",
        run.stdout
    );
    let case = read(&site.join("content/cases/anshan.md"));
    assert!(case.starts_with("---\ntitle: anshan\n"), "{case}");
    assert!(case.contains(&format!("\ndate: {}\n", today())), "{case}");
    assert!(case.contains("\ndraft: true\n"), "{case}");
    assert!(
        case.contains("\ntags: []\n") && case.contains("\n# source:\n"),
        "{case}"
    );

    let run = zhiku(
        &[
            "new",
            "courses/community-governance/议事规则.md",
            "--title",
            "第二课：议事规则",
        ],
        &site,
    );
    run.expect_code(0);
    let lesson = read(&site.join("content/courses/community-governance/议事规则.md"));
    assert!(lesson.contains("title: \"第二课：议事规则\"\n"), "{lesson}");
    assert!(
        lesson.contains("\nweight: 2\n"),
        "one more than the module's lessons: {lesson}"
    );
    assert!(lesson.contains("\ncases: []\n"), "{lesson}");

    // A new module: its _index.md first, then a lesson in it.
    zhiku(&["new", "courses/new-module/_index.md"], &site).expect_code(0);
    let index = read(&site.join("content/courses/new-module/_index.md"));
    assert!(index.contains("title: new module\n"), "{index}");
    let run = zhiku(&["new", "content/courses/new-module/first.md"], &site);
    run.expect_code(0);
    assert!(!run.stdout.contains("has no _index.md"), "{}", run.stdout);
    assert!(read(&site.join("content/courses/new-module/first.md")).contains("\nweight: 1\n"));

    // Drafts are left out; with --drafts, check sees the new case unused.
    zhiku(&["check"], &site).expect_code(0);
    let run = zhiku(&["check", "--drafts"], &site);
    run.expect_code(0)
        .expect_stderr(&["content/cases/anshan.md", "case not used by any lesson"]);
    zhiku(&["build", "--drafts"], &site).expect_code(0);
    assert!(site.join("public/cases/anshan/index.html").is_file());
    assert!(site
        .join("public/courses/community-governance/议事规则/index.html")
        .is_file());
    assert!(site
        .join("public/courses/new-module/first/index.html")
        .is_file());
}

#[test]
fn init_refuses_a_non_empty_directory_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let run = zhiku(&["init", dir.to_str().unwrap()], tmp.path());
    run.expect_code(1)
        .expect_stderr(&["is not empty", "notes.txt", "--force"]);
    assert!(!dir.join("site.toml").exists(), "nothing written");
    zhiku(&["init", dir.to_str().unwrap(), "--force"], tmp.path()).expect_code(0);
    assert!(dir.join("site.toml").is_file());
    assert_eq!(
        read(&dir.join("notes.txt")),
        "mine",
        "other files are left alone"
    );
    // A file in the way.
    std::fs::write(tmp.path().join("file"), "x").unwrap();
    zhiku(&["init", "file"], tmp.path())
        .expect_code(1)
        .expect_stderr(&["not a directory"]);
}

#[test]
fn new_refuses_to_overwrite_and_bad_paths() {
    let tmp = tempfile::tempdir().unwrap();
    zhiku(&["init", "s"], tmp.path()).expect_code(0);
    let site = tmp.path().join("s");
    let before = read(&site.join("content/cases/example-community.md"));
    zhiku(&["new", "cases/example-community.md"], &site)
        .expect_code(1)
        .expect_stderr(&[
            "content/cases/example-community.md",
            "already exists; refusing to overwrite",
        ]);
    assert_eq!(
        read(&site.join("content/cases/example-community.md")),
        before
    );
    for bad in ["cases/a.txt", "../a.md", "cases/a:b.md"] {
        zhiku(&["new", bad], &site).expect_code(1);
    }
    // Outside a site.
    zhiku(&["new", "cases/x.md"], tmp.path())
        .expect_code(1)
        .expect_stderr(&["no site.toml", "zhiku init"]);
    // A hint when the module has no _index.md.
    let run = zhiku(&["new", "courses/m9/l.md"], &site);
    run.expect_code(0);
    assert!(
        run.stdout.contains("content/courses/m9/ has no _index.md"),
        "{}",
        run.stdout
    );
}

#[test]
fn archetype_precedence_site_then_theme_then_built_in() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site.toml"), "title = \"x\"\ntheme = \"mine\"\n").unwrap();
    let write = |p: &str, c: &str| {
        let f = root.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, c).unwrap();
    };
    write("themes/mine/templates/.keep", "");
    write(
        "themes/mine/archetypes/cases.md",
        "---\ntitle: {{ title }}\ndate: {{ date }}\ndraft: true\nsummary: theme\n---\n主题的案例模板\n",
    );
    write(
        "archetypes/cases.md",
        "---\ntitle: {{ title }}\ndate: {{ date }}\ndraft: true\nsummary: site {{ section }} {{ slug }}\n---\n站点的案例模板\n",
    );
    write(
        "themes/mine/archetypes/default.md",
        "---\ntitle: {{ title }}\ndraft: true\nsummary: theme default\n---\n",
    );

    // 1. The site's archetype wins.
    let run = zhiku(&["new", "cases/one.md"], root);
    run.expect_code(0);
    assert!(
        run.stdout.contains("(from archetypes/cases.md)"),
        "{}",
        run.stdout
    );
    let text = read(&root.join("content/cases/one.md"));
    assert!(
        text.contains("summary: site cases one\n") && text.contains("站点的案例模板"),
        "{text}"
    );

    // 2. Without it, the theme's.
    std::fs::remove_file(root.join("archetypes/cases.md")).unwrap();
    let run = zhiku(&["new", "cases/two.md"], root);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("(from themes/mine/archetypes/cases.md)"),
        "{}",
        run.stdout
    );
    assert!(read(&root.join("content/cases/two.md")).contains("主题的案例模板"));

    // 3. Another section: the theme's default.md.
    zhiku(&["new", "notes/n.md"], root).expect_code(0);
    assert!(read(&root.join("content/notes/n.md")).contains("summary: theme default"));

    // 4. Nothing at all: the built-in default, with title, today's date and draft.
    std::fs::remove_dir_all(root.join("themes/mine/archetypes")).unwrap();
    let run = zhiku(&["new", "cases/鞍山.md"], root);
    run.expect_code(0);
    assert!(
        run.stdout.contains("built-in default archetype"),
        "{}",
        run.stdout
    );
    assert_eq!(
        read(&root.join("content/cases/鞍山.md")),
        format!("---\ntitle: 鞍山\ndate: {}\ndraft: true\n---\n\n", today())
    );

    // A broken archetype is reported on the archetype, and nothing is written.
    write(
        "archetypes/cases.md",
        "---\ntitle: {{ title }}\ntitel: x\n---\n",
    );
    zhiku(&["new", "cases/three.md"], root)
        .expect_code(1)
        .expect_stderr(&["archetypes/cases.md", "unknown front-matter key `titel`"]);
    assert!(!root.join("content/cases/three.md").exists());
    write("archetypes/cases.md", "---\ntitle: {{ title }\n---\n");
    zhiku(&["new", "cases/three.md"], root)
        .expect_code(1)
        .expect_stderr(&["archetypes/cases.md", "the archetype cannot be used"]);
}
