//! The second hardening pass, class by class, as a hostile or careless user would try it.
//! Each class is one table of cases run through one harness:
//!
//! - **recursion**: every kind of template recursion (include, import, macro, extends; any
//!   depth, any cycle length) is an error naming the template files — never a stack overflow;
//! - **hangs**: pipes and other special files wherever zhiku reads (config, content,
//!   templates, themes, static, archetypes) are refused or skipped at once, naming them;
//! - **writing where it must not**: every directory the build reads from is refused as an
//!   output, judged where it really is (through symbolic links, for paths not yet created);
//! - **reading outside the site**: links out of the site are never read, listed or published,
//!   for every input;
//! - **bad input accepted**: `base_url`, YAML null in typed keys, two owners of one output;
//! - **errors that point to the right place**.
//!
//! Every case runs with a time limit (a hang fails the case instead of the suite), and checks
//! the exit code, the messages, that no staging directory is left, that the previous output
//! is unchanged when the build fails, and what must not appear (a secret from outside).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::zhiku;

const SITE: &[(&str, &str)] = &[
    ("site.toml", "title = \"测试知识库\"\n"),
    (
        "content/_index.md",
        "---\ntitle: 首页\n---\n欢迎。见[天津](@/cases/tianjin.md)。\n",
    ),
    ("content/cases/_index.md", "---\ntitle: 案例库\n---\n"),
    (
        "content/cases/tianjin.md",
        "---\ntitle: 天津市社会组织党建\ndate: 2018-12-01\ntags: [组织覆盖]\n---\n## 主要做法\n\n正文。\n",
    ),
];

/// What a case does to the site before running.
enum Setup {
    /// Write these files (relative to the site root).
    Files(Vec<(&'static str, String)>),
    /// Arbitrary setup: (site root, a directory outside the site).
    Fn(fn(&Path, &Path)),
}

struct Case {
    name: &'static str,
    setup: Vec<Setup>,
    /// The command after `zhiku` (`--root` is added for build, check and new).
    args: Vec<String>,
    code: i32,
    /// Each must be in stderr.
    expect: Vec<String>,
    /// None of these may be in stderr or in the output.
    never: Vec<String>,
    /// Files (under the root) that must exist afterwards, or must not.
    exists: Vec<(&'static str, bool)>,
}

fn case(name: &'static str, setup: Vec<Setup>, code: i32, expect: &[&str]) -> Case {
    Case {
        name,
        setup,
        args: vec!["build".into()],
        code,
        expect: expect.iter().map(|s| s.to_string()).collect(),
        never: Vec::new(),
        exists: Vec::new(),
    }
}

impl Case {
    fn args(mut self, args: &[&str]) -> Case {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }
    fn never(mut self, needles: &[&str]) -> Case {
        self.never = needles.iter().map(|s| s.to_string()).collect();
        self
    }
    fn exists(mut self, files: &[(&'static str, bool)]) -> Case {
        self.exists = files.to_vec();
        self
    }
}

fn files(list: &[(&'static str, &str)]) -> Setup {
    Setup::Files(list.iter().map(|(p, c)| (*p, c.to_string())).collect())
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(path);
    let c = std::ffi::CString::new(path.to_string_lossy().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn symlink(target: &Path, link: &Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(link);
    let _ = std::fs::remove_dir_all(link);
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Outside the site: a secret file, a theme, templates and static files.
fn outside(dir: &Path) {
    std::fs::create_dir_all(dir.join("theme/templates")).unwrap();
    std::fs::create_dir_all(dir.join("theme/static")).unwrap();
    std::fs::write(
        dir.join("secret.toml"),
        "title = \"外部\"\nSECRET_LINE = 1\n",
    )
    .unwrap();
    std::fs::write(dir.join("secret.txt"), "SECRET_CONTENT").unwrap();
    std::fs::write(
        dir.join("theme/templates/page.html"),
        "SECRET_TEMPLATE {{ page.title }}",
    )
    .unwrap();
    std::fs::write(dir.join("theme/static/secret.css"), "SECRET_STATIC").unwrap();
    std::fs::write(dir.join("page.html"), "SECRET_TEMPLATE {{ page.title }}").unwrap();
    std::fs::write(dir.join("cases.md"), "---\ntitle: SECRET_ARCHETYPE\n---\n").unwrap();
}

/// A page template that uses the site's own macro file `loop.html`.
const USES_LOOP: &str = "{% import \"loop.html\" as l %}<p>{{ page.title }}</p>{{ l::f(n=1) }}";

fn recursion_cases() -> Vec<Case> {
    let overflow = "template recursion does not end";
    vec![
        case(
            "include itself",
            vec![files(&[("templates/page.html", "<p>{% include \"page.html\" %}</p>")])],
            1,
            &[overflow, "templates/page.html → templates/page.html"],
        ),
        case(
            "include cycle of three",
            vec![files(&[
                ("templates/page.html", "{% include \"a.html\" %}"),
                ("templates/a.html", "a{% include \"b.html\" %}"),
                ("templates/b.html", "b{%- include \"page.html\" -%}"),
            ])],
            1,
            &[
                overflow,
                "templates/a.html → templates/b.html → templates/page.html → templates/a.html",
            ],
        ),
        case(
            "macro calls itself",
            vec![files(&[
                ("templates/page.html", USES_LOOP),
                ("templates/loop.html", "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro f %}"),
            ])],
            1,
            &[overflow, "templates/loop.html (macro `f`)"],
        ),
        case(
            "macro recursion whose condition never ends",
            vec![files(&[
                ("templates/page.html", USES_LOOP),
                (
                    "templates/loop.html",
                    "{% macro f(n) -%}\n{% if n > 0 %}{{ self::f(n=n + 1) }}{% endif %}\n{%- endmacro f %}",
                ),
            ])],
            1,
            &[overflow],
        ),
        case(
            "two macros call each other",
            vec![files(&[
                ("templates/page.html", USES_LOOP),
                (
                    "templates/loop.html",
                    "{% macro f(n) %}{{ self::g(n=n) }}{% endmacro f %}{% macro g(n) %}{{ self::f(n=n) }}{% endmacro g %}",
                ),
            ])],
            1,
            &[overflow, "(macro `f`) → templates/loop.html (macro `g`)"],
        ),
        case(
            "a macro that includes the template that calls it",
            vec![files(&[
                ("templates/page.html", USES_LOOP),
                ("templates/loop.html", "{% macro f(n) %}{% include \"page.html\" %}{% endmacro f %}"),
            ])],
            1,
            &[overflow],
        ),
        case(
            "extends itself",
            vec![files(&[("templates/page.html", "{% extends \"page.html\" %}")])],
            1,
            &[
                "the templates extend each other in a cycle: templates/page.html → templates/page.html",
                "┌─ templates/page.html:1:1",
            ],
        ),
        case(
            "extends cycle a → b → a",
            vec![files(&[
                ("templates/page.html", "{% extends \"a.html\" %}"),
                ("templates/a.html", "{% extends \"b.html\" %}"),
                ("templates/b.html", "{% extends \"a.html\" %}"),
            ])],
            1,
            &["templates/a.html → templates/b.html → templates/a.html"],
        ),
        case(
            "extends cycle of four not through the start",
            vec![files(&[
                ("templates/page.html", "{% extends \"b.html\" %}"),
                ("templates/b.html", "{% extends \"c.html\" %}"),
                ("templates/c.html", "{% extends \"d.html\" %}"),
                ("templates/d.html", "{% extends \"e.html\" %}"),
                ("templates/e.html", "{% extends \"b.html\" %}"),
            ])],
            1,
            &["templates/b.html → templates/c.html → templates/d.html → templates/e.html → templates/b.html"],
        ),
        case(
            "a macro file imports itself",
            vec![files(&[
                ("templates/page.html", USES_LOOP),
                (
                    "templates/loop.html",
                    "{% import \"loop.html\" as l %}{% macro f(n) %}x{% endmacro f %}",
                ),
            ])],
            1,
            &["import each other's macros in a cycle: templates/loop.html → templates/loop.html"],
        ),
        case(
            "macro files import each other",
            vec![files(&[
                ("templates/page.html", USES_LOOP),
                (
                    "templates/loop.html",
                    "{% import \"other.html\" as o %}{% macro f(n) %}x{% endmacro f %}",
                ),
                (
                    "templates/other.html",
                    "{% import \"loop.html\" as l %}{% macro g() %}y{% endmacro g %}",
                ),
            ])],
            1,
            &["templates/loop.html → templates/other.html → templates/loop.html"],
        ),
        case(
            "recursion that ends renders (a 40-level tree)",
            vec![files(&[
                ("templates/page.html", USES_LOOP),
                (
                    "templates/loop.html",
                    "{% macro f(n) %}<i>{{ n }}</i>{% if n < 40 %}{{ self::f(n=n + 1) }}{% endif %}{% endmacro f %}",
                ),
            ])],
            0,
            &[],
        ),
        case(
            "a long chain of includes renders",
            vec![Setup::Fn(|root, _| {
                let t = root.join("templates");
                std::fs::create_dir_all(&t).unwrap();
                std::fs::write(t.join("page.html"), "{% include \"c0.html\" %}").unwrap();
                for i in 0..30 {
                    std::fs::write(
                        t.join(format!("c{i}.html")),
                        format!("{i} {{% include \"c{}.html\" %}}", i + 1),
                    )
                    .unwrap();
                }
                std::fs::write(t.join("c30.html"), "end").unwrap();
            })],
            0,
            &[],
        ),
    ]
}

fn hang_cases() -> Vec<Case> {
    vec![
        case(
            "site.toml is a named pipe",
            vec![Setup::Fn(|root, _| mkfifo(&root.join("site.toml")))],
            1,
            &["site.toml", "named pipe"],
        ),
        case(
            "site.toml is a directory",
            vec![Setup::Fn(|root, _| {
                std::fs::remove_file(root.join("site.toml")).unwrap();
                std::fs::create_dir_all(root.join("site.toml")).unwrap();
            })],
            1,
            &["site.toml", "a directory, not a regular file"],
        ),
        case(
            "a page is a named pipe",
            vec![Setup::Fn(|root, _| {
                mkfifo(&root.join("content/cases/pipe.md"))
            })],
            0,
            &["content/cases/pipe.md", "named pipe", "skipped"],
        ),
        case(
            "a template is a named pipe",
            vec![Setup::Fn(|root, _| {
                mkfifo(&root.join("templates/page.html"))
            })],
            0,
            &["templates/page.html", "named pipe", "skipped"],
        ),
        case(
            "a static file is a named pipe",
            vec![Setup::Fn(|root, _| {
                mkfifo(&root.join("static/files/a.pdf"))
            })],
            0,
            &["static/files/a.pdf", "named pipe"],
        )
        .exists(&[("public/files/a.pdf", false)]),
        case(
            "a theme template is a named pipe",
            vec![
                files(&[
                    ("site.toml", "title = \"t\"\ntheme = \"mine\"\n"),
                    ("themes/mine/templates/index.html", "首页"),
                    ("themes/mine/templates/section.html", "栏目"),
                    ("themes/mine/templates/page.html", "{{ page.title }}"),
                ]),
                Setup::Fn(|root, _| mkfifo(&root.join("themes/mine/templates/404.html"))),
            ],
            1,
            &[
                "themes/mine/templates/404.html",
                "named pipe",
                "the theme has no `404.html` template",
            ],
        ),
        case(
            "an archetype is a named pipe",
            vec![Setup::Fn(|root, _| {
                mkfifo(&root.join("archetypes/cases.md"))
            })],
            1,
            &["archetypes/cases.md", "named pipe"],
        )
        .args(&["new", "cases/anshan.md"])
        .exists(&[("content/cases/anshan.md", false)]),
        case(
            "the default archetype is a named pipe",
            vec![Setup::Fn(|root, _| {
                mkfifo(&root.join("archetypes/default.md"))
            })],
            1,
            &["archetypes/default.md", "named pipe"],
        )
        .args(&["new", "notes/a.md"])
        .exists(&[("content/notes/a.md", false)]),
        case(
            "check with a named pipe as site.toml",
            vec![Setup::Fn(|root, _| mkfifo(&root.join("site.toml")))],
            1,
            &["site.toml", "named pipe"],
        )
        .args(&["check"]),
    ]
}

fn output_cases() -> Vec<Case> {
    let mut v = Vec::new();
    for (name, dir) in [
        ("--output archetypes", "archetypes"),
        ("--output content", "content"),
        ("--output templates/x", "templates/x"),
        ("--output static", "static"),
        ("--output themes", "themes"),
        ("--output content/cases", "content/cases"),
        ("--output public/../content", "public/../content"),
        ("--output . (the site)", "."),
        ("--output .. (a parent of the site)", ".."),
        (
            "--output docs/public where docs links to content/",
            "docs/public",
        ),
        ("--output docs where docs links to content/", "docs"),
        (
            "--output up/content/new where up links to the site",
            "up/content/new",
        ),
        ("--output site.toml", "site.toml"),
    ] {
        v.push(
            case(
                name,
                vec![
                    files(&[
                        ("archetypes/cases.md", "---\ntitle: {{ title }}\n---\n"),
                        ("templates/keep.html", "{{ page.title }}"),
                        ("static/keep.txt", "keep"),
                        ("themes/keep/templates/x.html", "x"),
                    ]),
                    Setup::Fn(|root, _| {
                        symlink(&root.join("content"), &root.join("docs"));
                        symlink(root, &root.join("up"));
                    }),
                ],
                1,
                &["output"],
            )
            .args(&["build", "--output", dir])
            .exists(&[
                ("archetypes/cases.md", true),
                ("templates/keep.html", true),
                ("static/keep.txt", true),
                ("themes/keep/templates/x.html", true),
                ("content/cases/tianjin.md", true),
                ("content/public", false),
                ("content/new", false),
                ("site.toml", true),
            ]),
        );
    }
    v.push(
        case(
            "--output through a link that stays outside the sources is fine",
            vec![Setup::Fn(|root, _| symlink(root, &root.join("up")))],
            0,
            &[],
        )
        .args(&["build", "--output", "up/out"])
        .exists(&[("out/cases/tianjin/index.html", true)]),
    );
    v
}

fn outside_cases() -> Vec<Case> {
    vec![
        case(
            "site.toml links outside the site",
            vec![Setup::Fn(|root, out| {
                symlink(&out.join("secret.toml"), &root.join("site.toml"))
            })],
            1,
            &["site.toml", "outside the site"],
        )
        .never(&["SECRET_LINE"]),
        case(
            "themes/NAME links to a directory outside the site",
            vec![
                files(&[("site.toml", "title = \"t\"\ntheme = \"ext\"\n")]),
                Setup::Fn(|root, out| symlink(&out.join("theme"), &root.join("themes/ext"))),
            ],
            1,
            &["themes/ext", "outside the site", "┌─ site.toml:2:1"],
        )
        .never(&["SECRET_TEMPLATE", "SECRET_STATIC", "secret.css"]),
        case(
            "themes/ links to a directory outside the site",
            vec![
                files(&[("site.toml", "title = \"t\"\ntheme = \"theme\"\n")]),
                Setup::Fn(|root, out| symlink(out, &root.join("themes"))),
            ],
            1,
            &["themes/theme", "outside the site"],
        )
        .never(&["SECRET_TEMPLATE", "SECRET_STATIC"]),
        case(
            "a template links outside the site",
            vec![Setup::Fn(|root, out| {
                symlink(&out.join("page.html"), &root.join("templates/page.html"))
            })],
            0,
            &["templates/page.html", "outside the site"],
        )
        .never(&["SECRET_TEMPLATE"]),
        case(
            "templates/ links outside the site",
            vec![Setup::Fn(|root, out| {
                symlink(&out.join("theme/templates"), &root.join("templates"))
            })],
            0,
            &["templates", "outside the site"],
        )
        .never(&["SECRET_TEMPLATE"]),
        case(
            "a static file links outside the site",
            vec![Setup::Fn(|root, out| {
                symlink(&out.join("secret.txt"), &root.join("static/s.txt"))
            })],
            0,
            &["static/s.txt", "outside the site"],
        )
        .never(&["SECRET_CONTENT"])
        .exists(&[("public/s.txt", false)]),
        case(
            "static/ links outside the site",
            vec![Setup::Fn(|root, out| {
                symlink(&out.join("theme/static"), &root.join("static"))
            })],
            0,
            &["static", "outside the site"],
        )
        .never(&["SECRET_STATIC"])
        .exists(&[("public/secret.css", false)]),
        case(
            "an archetype links outside the site",
            vec![Setup::Fn(|root, out| {
                symlink(&out.join("cases.md"), &root.join("archetypes/cases.md"))
            })],
            1,
            &["archetypes/cases.md", "outside the site"],
        )
        .args(&["new", "cases/anshan.md"])
        .never(&["SECRET_ARCHETYPE"])
        .exists(&[("content/cases/anshan.md", false)]),
    ]
}

fn bad_input_cases() -> Vec<Case> {
    let mut v = Vec::new();
    for (url, why) in [
        ("ht tp://exa mple.org:99999/", "it contains ' '"),
        (
            "javascript:alert(1)//",
            "the scheme `javascript:` is not allowed",
        ),
        ("https://example.org:99999/", "not a valid URL"),
        ("//evil.example/", "without a scheme"),
        ("ftp://example.org/", "the scheme `ftp:`"),
        ("https://", "not a valid URL"),
        ("kb/", "not a valid URL"),
        ("https://example.org/kb/\"onload=\"x", "it contains '\"'"),
        ("https://example.org/?q=1", "query"),
    ] {
        let toml = format!("title = \"t\"\nbase_url = {}\n", toml_string(url));
        let c = case(
            "base_url",
            vec![Setup::Files(vec![("site.toml", toml)])],
            1,
            &[
                "base_url",
                why,
                "┌─ site.toml:2:1",
                "https://example.org/kb/",
            ],
        );
        v.push(c);
    }
    v.push(
        case(
            "--base-url javascript:",
            vec![],
            1,
            &["base_url `javascript:alert(1)`", "--base-url"],
        )
        .args(&["build", "--base-url", "javascript:alert(1)"]),
    );
    for url in [
        "https://example.org/kb/",
        "/kb/",
        "http://127.0.0.1:8080/",
        "https://[::1]/",
    ] {
        let toml = format!("title = \"t\"\nbase_url = \"{url}\"\n");
        v.push(case(
            "a valid base_url",
            vec![Setup::Files(vec![("site.toml", toml)])],
            0,
            &[],
        ));
    }
    for null in ["~", "null", "Null", "NULL", ""] {
        let page = format!("---\ntitle: {null}\n---\n正文\n");
        v.push(case(
            "title is YAML null",
            vec![Setup::Files(vec![("content/cases/n.md", page)])],
            1,
            &["the title is empty", "┌─ content/cases/n.md:2:1"],
        ));
    }
    for key in [
        "date", "updated", "summary", "slug", "weight", "template", "aliases", "source", "cases",
        "extra", "tags", "draft",
    ] {
        for null in ["~", "null", ""] {
            let page = format!("---\ntitle: 空值\n{key}: {null}\n---\n正文\n");
            v.push(
                case(
                    "an optional key is YAML null: as if absent",
                    vec![Setup::Files(vec![("content/cases/n.md", page)])],
                    0,
                    &[],
                )
                .exists(&[("public/cases/n/index.html", true)]),
            );
        }
    }
    v.push(
        case(
            "source fields are YAML null",
            vec![files(&[(
                "content/cases/n.md",
                "---\ntitle: 空值\nsource:\n  title: ~\n  author: null\n---\n正文\n",
            )])],
            0,
            &[],
        )
        .never(&[">~<", ">null<"]),
    );
    v.push(
        case(
            "a section title is YAML null",
            vec![files(&[(
                "content/cases/_index.md",
                "---\ntitle: ~\n---\n",
            )])],
            0,
            &[],
        )
        .never(&["<title>~"]),
    );
    v.push(case(
        "a static file at a page's output path",
        vec![files(&[("static/cases/tianjin/index.html", "静态")])],
        1,
        &[
            "content/cases/tianjin.md would write cases/tianjin/index.html, which the static file static/cases/tianjin/index.html also writes",
        ],
    ));
    v.push(case(
        "a content file at a page's output path",
        vec![files(&[("content/cases/tianjin/index.html", "旧文件")])],
        1,
        &[
            "cases/tianjin/index.html",
            "content/cases/tianjin/index.html",
            "content/cases/tianjin.md",
        ],
    ));
    v.push(case(
        "a static file where a section needs a directory",
        vec![files(&[("static/cases", "一个文件")])],
        1,
        &[
            "writes the file cases where that needs a directory",
            "the static file static/cases",
        ],
    ));
    v.push(case(
        "a static file at the sitemap's path",
        vec![files(&[("static/sitemap.xml", "<x/>")])],
        1,
        &["sitemap.xml", "the static file static/sitemap.xml"],
    ));
    v.push(case(
        "a static file at a term page's path",
        vec![files(&[("static/tags/组织覆盖/index.html", "x")])],
        1,
        &["tags/组织覆盖/index.html", "the term page"],
    ));
    v.push(case(
        "an alias where a static file is (a file where the alias needs a directory)",
        vec![files(&[
            ("static/old", "旧"),
            (
                "content/cases/a.md",
                "---\ntitle: 甲\naliases: [/old/]\n---\n正文\n",
            ),
        ])],
        1,
        &[
            "the alias `/old/` of content/cases/a.md",
            "┌─ content/cases/a.md:3:",
            "static/old",
        ],
    ));
    v.push(case(
        "an alias on a static file",
        vec![files(&[
            ("static/old.html", "旧"),
            (
                "content/cases/a.md",
                "---\ntitle: 甲\naliases: [/old.html]\n---\n正文\n",
            ),
        ])],
        1,
        &[
            "the alias `/old.html`",
            "┌─ content/cases/a.md:3:",
            "static file",
        ],
    ));
    v.push(
        case(
            "check reports two owners too",
            vec![files(&[("static/cases/tianjin/index.html", "静态")])],
            1,
            &["which the static file static/cases/tianjin/index.html also writes"],
        )
        .args(&["check"]),
    );
    v
}

fn location_cases() -> Vec<Case> {
    vec![
        case(
            "a front-matter value of the wrong shape for a site template",
            vec![files(&[
                (
                    "templates/page.html",
                    "<h1>{{ page.title }}</h1>{% for x in page.extra.items %}<i>{{ x }}</i>{% endfor %}",
                ),
                (
                    "content/cases/f.md",
                    "---\ntitle: 数据\nextra:\n  items: 5\n---\n正文\n",
                ),
            ])],
            1,
            &["┌─ content/cases/f.md:4:1", "`items`", "templates/page.html"],
        ),
        case(
            "chart figures of the wrong shape",
            vec![files(&[(
                "content/cases/f.md",
                "---\ntitle: 数据\nextra:\n  figures:\n    - title: 覆盖率\n      kind: series\n      unit: \"%\"\n      data: 5\n---\n正文\n",
            )])],
            1,
            &["┌─ content/cases/f.md:", "needs `data`, a list of {label, value}"],
        ),
        case(
            "an unknown theme reports only the theme",
            vec![files(&[
                ("site.toml", "title = \"t\"\ntheme = \"missing\"\n"),
                ("content/cases/css.md", "---\ntitle: 样式\n---\n[样式](/css/site.css)\n"),
            ])],
            1,
            &["unknown theme `missing`", "┌─ site.toml:2:1"],
        )
        .never(&["broken link"]),
        case(
            "date: 20230101 is advised as 2023-01-01",
            vec![files(&[("content/cases/d.md", "---\ntitle: 日期\ndate: 20230101\n---\n")])],
            1,
            &["invalid date `20230101`", "2023-01-01", "┌─ content/cases/d.md:3:"],
        )
        .never(&["20230101-01-01"]),
        case(
            "date: 202305 is advised as 2023-05",
            vec![files(&[("content/cases/d.md", "---\ntitle: 日期\ndate: 202305\n---\n")])],
            1,
            &["here perhaps 2023-05"],
        )
        .never(&["202305-01-01"]),
    ]
}

fn toml_string(s: &str) -> String {
    format!("'{s}'")
}

/// Run `zhiku` with a time limit; (exit code, stderr, how long).
fn run_limited(mut cmd: Command, limit: Duration) -> Result<(i32, String, String), String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    loop {
        if let Some(_status) = child.try_wait().map_err(|e| e.to_string())? {
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            return Ok((
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            ));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {limit:?}: a hang"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn all_text(dir: &Path) -> String {
    let mut s = String::new();
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if e.file_type().is_file() {
            if let Ok(b) = std::fs::read(e.path()) {
                s.push_str(&String::from_utf8_lossy(&b));
            }
        }
    }
    s
}

/// The good site with a previous build (which a failed build must leave as it was), made
/// once per test binary and copied for each case.
fn good_site() -> &'static Path {
    static GOOD: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, root) = GOOD.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for (p, text) in SITE {
            let full = root.join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let mut cmd = zhiku();
        cmd.args(["build", "--root"]).arg(&root);
        let (code, _, err) = run_limited(cmd, Duration::from_secs(120)).unwrap();
        assert_eq!(code, 0, "the good site builds: {err}");
        (dir, root)
    });
    root
}

fn run_case(c: &Case) -> Result<(), String> {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("site");
    let away = outer.path().join("away");
    outside(&away);
    common::copy_dir(good_site(), &root);
    let public_before = common::tree(&root.join("public"));
    for s in &c.setup {
        match s {
            Setup::Files(list) => {
                for (p, text) in list {
                    let full = root.join(p);
                    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                    let _ = std::fs::remove_file(&full);
                    std::fs::write(full, text).unwrap();
                }
            }
            Setup::Fn(f) => f(&root, &away),
        }
    }
    let mut cmd = zhiku();
    cmd.current_dir(&root);
    let mut args = c.args.clone();
    if matches!(args[0].as_str(), "build" | "check" | "new") {
        args.insert(1, "--root".into());
        args.insert(2, ".".into());
    }
    cmd.args(&args);
    let (code, stdout, stderr) = run_limited(cmd, Duration::from_secs(60))?;
    let mut problems = Vec::new();
    if code != c.code {
        problems.push(format!("exit code {code} (expected {})", c.code));
    }
    for needle in &c.expect {
        if !stderr.contains(needle.as_str()) {
            problems.push(format!("stderr lacks {needle:?}"));
        }
    }
    let published = all_text(&root.join("public")) + &all_text(&root.join("out"));
    for needle in &c.never {
        if stderr.contains(needle.as_str()) || stdout.contains(needle.as_str()) {
            problems.push(format!("the messages contain {needle:?}"));
        }
        if published.contains(needle.as_str()) {
            problems.push(format!("the output contains {needle:?}"));
        }
    }
    if stderr.contains("overflowed its stack") || stderr.contains("panicked") {
        problems.push("crashed".into());
    }
    for (file, want) in &c.exists {
        if root.join(file).exists() != *want {
            problems.push(format!(
                "{file} {}",
                if *want { "is gone" } else { "was written" }
            ));
        }
    }
    if c.code != 0 && c.args[0] == "build" && common::tree(&root.join("public")) != public_before {
        problems.push("public/ changed after a failed build".into());
    }
    let leftovers: Vec<PathBuf> = walkdir::WalkDir::new(outer.path())
        .max_depth(2)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".zhiku-"))
        .map(|e| e.path().to_path_buf())
        .collect();
    if !leftovers.is_empty() {
        problems.push(format!("left behind: {leftovers:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- stderr\n{stderr}", problems.join("\n")))
    }
}

fn run_all(class: &str, cases: Vec<Case>, at_least: usize) {
    assert!(
        cases.len() >= at_least,
        "{class}: only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for c in &cases {
        if let Err(e) = run_case(c) {
            failures.push(format!("=== {class}: {}\n{e}", c.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {class} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn template_recursion_is_an_error_never_a_crash() {
    run_all("recursion", recursion_cases(), 12);
}

#[test]
fn nothing_the_build_opens_can_block() {
    run_all("hang", hang_cases(), 8);
}

#[test]
fn no_source_directory_is_ever_an_output() {
    run_all("output", output_cases(), 12);
}

#[test]
fn nothing_outside_the_site_is_read_or_published() {
    run_all("outside", outside_cases(), 7);
}

#[test]
fn bad_input_is_refused_and_null_is_absent() {
    run_all("bad input", bad_input_cases(), 40);
}

#[test]
fn errors_point_to_the_authors_file() {
    run_all("location", location_cases(), 4);
}

/// A build killed half-way (here: its staging directory and old output left by a process that
/// no longer runs) is cleaned up by the next build.
#[test]
fn a_crashed_build_leaves_nothing_after_the_next() {
    let f = common::Fixture::new(SITE);
    for stale in [".public.zhiku-tmp-4194304", ".public.zhiku-old-4194304"] {
        std::fs::create_dir_all(f.root().join(stale).join("x")).unwrap();
    }
    f.build(&[]).expect_code(0);
    let names: Vec<String> = std::fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".zhiku-"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}
