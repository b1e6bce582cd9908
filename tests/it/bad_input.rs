//! The bad-input corpus: a good site is built, then broken in one way per case. Every case
//! must fail with exit code 1, name the file and line (where the mistake has one) with a
//! message saying what is wrong, leave the previous `public/` byte-for-byte as it was, and
//! write nothing anywhere else (no staging directory left behind, nothing outside the site).
//!
//! Limits are at the end of the list: front matter over 64 KB, more than 100 terms of one
//! taxonomy on a page (10,000 tags), YAML alias bombs and deep nesting, and files over 32 MB
//! are errors, each found in linear time. A 10 MB page must build: `encodings.rs`. An
//! unreadable file: also there (as root, permissions do not stop reading).

use crate::common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{zhiku, Run};

/// The good site every case starts from.
const GOOD: &[(&str, &str)] = &[
    ("site.toml", "title = \"测试知识库\"\n"),
    (
        "content/_index.md",
        "---\ntitle: 首页\n---\n欢迎。见[天津](@/cases/tianjin.md)。\n",
    ),
    (
        "content/cases/_index.md",
        "---\ntitle: 案例库\nsort_by: date\n---\n",
    ),
    (
        "content/cases/tianjin.md",
        "---\ntitle: 天津市河西区社会组织党建\ndate: 2018-12-01\ntags: [组织覆盖]\nregions: [天津市]\nsource:\n  title: 原文\n  url: https://example.org/a\n---\n## 主要做法\n\n正文。\n",
    ),
    ("content/courses/_index.md", "---\ntitle: 课程库\n---\n"),
    ("content/courses/m1/_index.md", "---\ntitle: 模块一\n---\n"),
    (
        "content/courses/m1/lesson1.md",
        "---\ntitle: 第一课\nweight: 1\ncases: [cases/tianjin.md]\n---\n见[做法](@/cases/tianjin.md#主要做法)。\n",
    ),
];

/// A page that is fine apart from `front` (YAML lines) and `body`.
fn page(front: &str, body: &str) -> Vec<u8> {
    format!("---\n{front}---\n{body}").into_bytes()
}

type Setup = fn(&Path) -> Result<(), String>;

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    setup: Option<Setup>,
    /// Each must be in stderr: the message, and the location as codespan shows it
    /// (`┌─ file:line:column`) or `= in file` for mistakes without a line.
    expect: Vec<String>,
}

fn case(name: &'static str, files: Vec<(&'static str, Vec<u8>)>, expect: &[&str]) -> Case {
    Case {
        name,
        files,
        setup: None,
        expect: expect.iter().map(|s| s.to_string()).collect(),
    }
}

fn text(path: &'static str, s: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![(path, s.as_bytes().to_vec())]
}

fn utf16le_no_bom(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

const BAD: &str = "content/cases/bad.md";

fn cases() -> Vec<Case> {
    let mut v = vec![
        // --- YAML syntax, several kinds ---
        case(
            "yaml: unclosed flow sequence",
            vec![(BAD, page("title: 坏\ntags: [组织覆盖, 组织力\n", "正文\n"))],
            &[
                "error: YAML syntax error: did not find expected ',' or ']', while parsing a flow sequence at line 3 column 7",
                "┌─ content/cases/bad.md:4:1",
            ],
        ),
        case(
            "yaml: unclosed single quote",
            vec![(BAD, page("title: '坏\n", ""))],
            &[
                "error: YAML syntax error: found unexpected end of stream, while scanning a quoted scalar at line 2 column 8",
                "┌─ content/cases/bad.md:3:1",
            ],
        ),
        case(
            "yaml: indented continuation with a colon",
            vec![(BAD, page("title: 坏\n  weight: 1\n", ""))],
            &[
                "error: YAML syntax error: mapping values are not allowed in this context",
                "┌─ content/cases/bad.md:3:9",
            ],
        ),
        case(
            "yaml: duplicate key",
            vec![(BAD, page("title: 甲\ntitle: 乙\n", ""))],
            &[
                "error: the key `title` is written twice",
                "┌─ content/cases/bad.md:3:1",
                "help: keep one of them",
            ],
        ),
        case(
            "yaml: undefined alias",
            vec![(BAD, page("title: *名字\n", ""))],
            &[
                "while scanning an alias",
                "┌─ content/cases/bad.md:2:9",
                "a value starting with `*` or `&` is a YAML alias or anchor: put the value in quotes",
            ],
        ),
        case(
            "yaml: a list instead of keys",
            vec![(BAD, page("- title: 坏\n", ""))],
            &[
                "error: the front matter must be `key: value` lines",
                "┌─ content/cases/bad.md:2:1",
            ],
        ),
        case(
            "yaml: tab before a list item",
            vec![(BAD, page("title: 坏\ntags:\n\t- 组织覆盖\n", ""))],
            &[
                "error: a tab is used for indentation in the front matter; YAML allows only spaces",
                "┌─ content/cases/bad.md:4:1",
                "help: replace the tab with spaces",
            ],
        ),
        case(
            "yaml: full-width space before the colon",
            vec![(BAD, page("title\u{3000}: 坏\n", ""))],
            &[
                "error: full-width space after the key `title`",
                "┌─ content/cases/bad.md:2:6",
            ],
        ),
        case(
            "yaml: full-width space after the colon",
            vec![(BAD, page("title:\u{3000}坏\n", ""))],
            &[
                "error: full-width space after `title:`",
                "┌─ content/cases/bad.md:2:7",
                "help: use an ASCII space: `title: …`",
            ],
        ),
        case(
            "yaml: full-width colon with CRLF line endings",
            text(BAD, "---\r\ntitle: 坏\r\nsummary：摘要\r\n---\r\n"),
            &[
                "error: full-width colon `：` after the key `summary`",
                "┌─ content/cases/bad.md:3:8",
            ],
        ),
        // --- keys and types ---
        case(
            "unknown key",
            vec![(BAD, page("title: 坏\nsumary: 摘要\n", ""))],
            &[
                "error: unknown front-matter key `sumary`",
                "┌─ content/cases/bad.md:3:1",
                "help: did you mean `summary`?",
            ],
        ),
        case(
            "wrong type: taxonomy as a map",
            vec![(BAD, page("title: 坏\ntags: {组织覆盖: 1}\n", ""))],
            &[
                "error: `tags` must be a list of terms",
                "┌─ content/cases/bad.md:3:1",
            ],
        ),
        case(
            "wrong type: aliases as a number",
            vec![(BAD, page("title: 坏\naliases: 5\n", ""))],
            &[
                "error: wrong type: invalid type: integer `5`, expected a sequence (in `aliases`)",
                "┌─ content/cases/bad.md:3:10",
            ],
        ),
        case(
            "wrong type: extra as a list",
            vec![(BAD, page("title: 坏\nextra: [1, 2]\n", ""))],
            &[
                "error: wrong type: invalid type: sequence, expected a map (in `extra`)",
                "┌─ content/cases/bad.md:3:8",
            ],
        ),
        case(
            "wrong type: source as text",
            vec![(BAD, page("title: 坏\nsource: 人民日报\n", ""))],
            &[
                "error: wrong type: invalid type: string \"人民日报\", expected struct Source (in `source`)",
                "┌─ content/cases/bad.md:3:9",
            ],
        ),
        case(
            "wrong type: fractional weight",
            vec![(BAD, page("title: 坏\nweight: 1.5\n", ""))],
            &[
                "error: wrong type: invalid type: floating point `1.5`, expected i64 (in `weight`)",
                "┌─ content/cases/bad.md:3:9",
            ],
        ),
        case(
            "wrong type in a section",
            text(
                "content/cases/_index.md",
                "---\ntitle: 案例库\npaginate_by: 十\n---\n",
            ),
            &[
                "error: wrong type: invalid type: string \"十\", expected usize (in `paginate_by`)",
                "┌─ content/cases/_index.md:3:14",
            ],
        ),
        case(
            "unsafe source url",
            vec![(
                BAD,
                page("title: 坏\nsource:\n  title: 文\n  url: JAVASCRIPT:alert(1)\n", ""),
            )],
            &[
                "error: `source.url` uses `javascript:`, which is not a web address",
                "┌─ content/cases/bad.md:5:1",
            ],
        ),
        // --- dates ---
        case(
            "bad date: 30 February",
            vec![(BAD, page("title: 坏\ndate: 2018-02-30\n", ""))],
            &[
                "error: date: invalid date `2018-02-30`",
                "┌─ content/cases/bad.md:3:7",
            ],
        ),
        case(
            "bad date: month 13",
            vec![(BAD, page("title: 坏\ndate: 2018-13\n", ""))],
            &[
                "invalid date `2018-13`: write YYYY-MM-DD",
                "┌─ content/cases/bad.md:3:7",
            ],
        ),
        case(
            "bad date: American order",
            vec![(BAD, page("title: 坏\ndate: 12/01/2018\n", ""))],
            &[
                "invalid date `12/01/2018`: write YYYY-MM-DD",
                "┌─ content/cases/bad.md:3:7",
            ],
        ),
        case(
            "bad date: words",
            vec![(BAD, page("title: 坏\nupdated: 昨天\n", ""))],
            &["invalid date `昨天`", "┌─ content/cases/bad.md:3:10"],
        ),
        // --- title and the front matter itself ---
        case(
            "missing title",
            vec![(BAD, page("date: 2018-12-01\n", "正文\n"))],
            &[
                "error: the front matter has no `title`",
                "┌─ content/cases/bad.md:2:1",
                "help: add a line `title: 页面标题`",
            ],
        ),
        case(
            "title without a value",
            vec![(BAD, page("title:\n", ""))],
            &["error: the title is empty", "┌─ content/cases/bad.md:2:1"],
        ),
        case(
            "unterminated front matter",
            text(BAD, "---\ntitle: 坏\n\n正文没有结束线。\n"),
            &[
                "error: the front matter starting here is never closed",
                "┌─ content/cases/bad.md:1:1",
                "help: add a line `---` after the last front-matter line",
            ],
        ),
        case(
            "no front matter",
            text(BAD, "正文\n"),
            &[
                "error: the file does not start with front matter (a line `---`)",
                "┌─ content/cases/bad.md:1:1",
            ],
        ),
        case(
            "empty file",
            text(BAD, ""),
            &["error: the file is empty", "┌─ content/cases/bad.md:1:1"],
        ),
        case(
            "blank file",
            text(BAD, " \r\n\r\n"),
            &["error: the file is empty", "content/cases/bad.md:1"],
        ),
        case(
            "empty front matter",
            text(BAD, "---\n---\n正文\n"),
            &["error: the front matter is empty", "content/cases/bad.md:1"],
        ),
        // --- not text ---
        case(
            "binary file",
            vec![(
                "content/cases/logo.md",
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10".to_vec(),
            )],
            &[
                "error: this looks like a binary file (it contains NUL bytes), not Markdown text",
                "┌─ content/cases/logo.md:3:1",
            ],
        ),
        case(
            "invalid UTF-8",
            vec![(BAD, {
                let mut b = page("title: 坏\n", "第一段。\n第二段").clone();
                b.extend_from_slice(b"\xff\xfe\n");
                b
            })],
            &[
                "error: the file is not valid UTF-8 text",
                "┌─ content/cases/bad.md:5:4",
                "help: save the file as UTF-8",
            ],
        ),
        case(
            "UTF-16 without a byte-order mark",
            vec![(BAD, utf16le_no_bom("---\ntitle: 坏\n---\n"))],
            &[
                "error: this looks like UTF-16 text without a byte-order mark",
                "┌─ content/cases/bad.md:1:2",
            ],
        ),
        case(
            "UTF-16 with a broken surrogate",
            vec![(BAD, {
                let mut b = vec![0xFF, 0xFE];
                b.extend(
                    "---\ntitle: 坏\n---\n"
                        .encode_utf16()
                        .flat_map(|u| u.to_le_bytes()),
                );
                b.extend_from_slice(&[0x00, 0xD8, b'x', 0]);
                b
            })],
            &[
                "error: the file starts with a UTF-16 LE byte-order mark but is not valid UTF-16 LE text",
                "┌─ content/cases/bad.md:4:1",
            ],
        ),
        // --- output paths ---
        case(
            "duplicate output path",
            vec![(
                "content/cases/tianjin-2018.md",
                page("title: 天津（2018）\nslug: tianjin\n", ""),
            )],
            &[
                "error: writes the same output `cases/tianjin/index.html` as content/cases/tianjin-2018.md",
                "┌─ content/cases/tianjin.md:1:1",
            ],
        ),
        case(
            "page over a section",
            vec![("content/x.md", page("title: 冒充\nslug: cases\n", ""))],
            &[
                "error: writes the same output `cases/index.html` as content/cases/_index.md",
                "┌─ content/x.md:3:1",
            ],
        ),
        case(
            "slug with ../",
            vec![(BAD, page("title: 坏\nslug: ../../../escape\n", ""))],
            &[
                "error: the slug `../../../escape` contains `..`, which would write outside the output directory",
                "┌─ content/cases/bad.md:3:1",
            ],
        ),
        case(
            "absolute slug",
            vec![(BAD, page("title: 坏\nslug: /tmp/zhiku-escape\n", ""))],
            &[
                "error: the slug `/tmp/zhiku-escape` contains a path separator",
                "┌─ content/cases/bad.md:3:1",
            ],
        ),
        case(
            "drive-path slug",
            vec![(BAD, page("title: 坏\nslug: \"C:zhiku\"\n", ""))],
            &[
                "error: the slug `C:zhiku` looks like a drive path",
                "┌─ content/cases/bad.md:3:1",
            ],
        ),
        case(
            "backslash slug",
            vec![(BAD, page("title: 坏\nslug: 'a\\b'\n", ""))],
            &[
                "error: the slug `a\\b` contains a path separator",
                "┌─ content/cases/bad.md:3:1",
            ],
        ),
        case(
            "alias over a page",
            vec![(BAD, page("title: 坏\naliases: [/cases/tianjin/]\n", ""))],
            &[
                "/cases/tianjin/",
                "content/cases/tianjin.md",
                "┌─ content/cases/bad.md:3:",
            ],
        ),
        case(
            "alias climbing out",
            vec![(BAD, page("title: 坏\naliases: [\"/../../outside/\"]\n", ""))],
            &[
                "error: the alias `/../../outside/` is not a plain path inside the site",
                "┌─ content/cases/bad.md:3:",
            ],
        ),
        // --- links ---
        case(
            "broken internal link",
            vec![(BAD, page("title: 坏\n", "见[不存在](@/cases/nope.md)。\n"))],
            &[
                "error: broken link `@/cases/nope.md`: there is no content/cases/nope.md",
                "┌─ content/cases/bad.md:4:2",
            ],
        ),
        case(
            "broken anchor",
            vec![(
                BAD,
                page("title: 坏\n", "正文。\n\n见[做法](@/cases/tianjin.md#不存在)。\n"),
            )],
            &["#不存在", "┌─ content/cases/bad.md:6:2"],
        ),
        case(
            "broken anchor in the same page",
            vec![(BAD, page("title: 坏\n", "## 背景\n\n[上文](#背影)\n"))],
            &["#背影", "┌─ content/cases/bad.md:6:1"],
        ),
        case(
            "link climbing out of content/",
            vec![(BAD, page("title: 坏\n", "[x](@/../../etc/passwd.md)\n"))],
            &[
                "`@/../../etc/passwd.md` climbs out of content/",
                "┌─ content/cases/bad.md:4:1",
            ],
        ),
        case(
            "broken relative link",
            vec![(BAD, page("title: 坏\n", "\n[课](../courses/nope.md)\n"))],
            &["../courses/nope.md", "┌─ content/cases/bad.md:5:1"],
        ),
        case(
            "cases: to nothing",
            text(
                "content/courses/m1/lesson1.md",
                "---\ntitle: 第一课\nweight: 1\ncases: [cases/tianjin.md, cases/nope.md]\n---\n",
            ),
            &["cases/nope.md", "┌─ content/courses/m1/lesson1.md:4:"],
        ),
        // --- templates ---
        case(
            "template syntax error",
            text(
                "templates/page.html",
                "{% extends \"base.html\" %}\n{% block main %}\n{% if page.title %}<h1>{{ page.title }}</h1>\n{% endblock main %}\n",
            ),
            &["error: template syntax error", "┌─ templates/page.html:4:"],
        ),
        case(
            "missing template",
            text(
                "content/courses/_index.md",
                "---\ntitle: 课程库\npage_template: lesson.html\n---\n",
            ),
            &[
                "error: the template `lesson.html` does not exist",
                "┌─ content/courses/_index.md:3:1",
            ],
        ),
        case(
            "template calling an unknown function",
            text(
                "templates/page.html",
                "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ get_pages(section=\"cases\") }}</p>\n{% endblock main %}\n",
            ),
            &[
                "error: the template calls an unknown function `get_pages()`",
                "┌─ templates/page.html:3:1",
                "did you mean `get_page`?",
            ],
        ),
        case(
            "template reading the environment",
            text(
                "templates/page.html",
                "{% extends \"base.html\" %}\n{% block main %}{{ get_env(name=\"HOME\") }}{% endblock main %}\n",
            ),
            &[
                "error: the template calls an unknown function `get_env()`",
                "┌─ templates/page.html:2:1",
                "get_env is turned off",
            ],
        ),
        case(
            "template including ../../etc/passwd",
            text(
                "templates/page.html",
                "{% extends \"base.html\" %}\n{% block main %}\n{% include \"../../etc/passwd\" %}\n{% endblock main %}\n",
            ),
            &[
                "error: `{% include \"../../etc/passwd\" %}` names a file outside the theme's templates",
                "┌─ templates/page.html:3:1",
                "no other file is ever read",
            ],
        ),
        case(
            "template extending an absolute path",
            text(
                "templates/page.html",
                "{% extends \"/etc/passwd\" %}\n{% block main %}{% endblock main %}\n",
            ),
            &[
                "error: `{% extends \"/etc/passwd\" %}` names a file outside the theme's templates",
                "┌─ templates/page.html:1:1",
            ],
        ),
        case(
            "template importing a missing file",
            text(
                "templates/page.html",
                "{% extends \"base.html\" %}\n{% import \"macro.html\" as m %}\n{% block main %}{% endblock main %}\n",
            ),
            &[
                "error: `{% import \"macro.html\" %}`: there is no template `macro.html`",
                "┌─ templates/page.html:2:1",
                "did you mean `macros.html`?",
            ],
        ),
        case(
            "template failing at render time",
            text(
                "templates/page.html",
                "{% extends \"base.html\" %}\n{% block main %}{{ page.nope.deeper }}{% endblock main %}\n",
            ),
            &[
                "rendering content/cases/tianjin.md failed: Failed to render 'page.html': Variable `page.nope.deeper` not found in context while rendering 'page.html' (and 1 other output(s) failed the same way)",
                "= in templates/page.html",
            ],
        ),
        // --- configuration ---
        case(
            "unknown theme",
            text("site.toml", "title = \"测试知识库\"\ntheme = \"fancy\"\n"),
            &[
                "error: unknown theme `fancy`: there is no themes/fancy/ directory",
                "┌─ site.toml:2:1",
            ],
        ),
        case(
            "theme climbing out",
            text("site.toml", "title = \"测试知识库\"\ntheme = \"../../etc\"\n"),
            &[
                "error: theme `../../etc` must be a directory name under themes/",
                "┌─ site.toml:2:1",
            ],
        ),
        case(
            "invalid site.toml: syntax",
            text("site.toml", "title = \"未闭合\nbase_url = \"/\"\n"),
            &["error: invalid site.toml", "┌─ site.toml:1:"],
        ),
        case(
            "invalid site.toml: wrong type",
            text("site.toml", "title = \"测试知识库\"\nrelative_urls = \"yes\"\n"),
            &[
                "error: invalid site.toml: invalid type: string \"yes\", expected a boolean",
                "┌─ site.toml:2:",
            ],
        ),
        // --- limits ---
        case(
            "front matter over 64 KB",
            vec![(
                BAD,
                page(&format!("title: 坏\nsummary: \"{}\"\n", "长".repeat(22_000)), ""),
            )],
            &[
                "error: the front matter is 64.5 KB; at most 64 KB is allowed",
                "┌─ content/cases/bad.md:1:1",
            ],
        ),
        case(
            "10,000 tags on one page",
            vec![(BAD, {
                // 10,000 distinct one-character terms keep the front matter under 64 KB.
                let tags: Vec<String> = (0..10_000u32)
                    .map(|i| char::from_u32(0x4E00 + i).unwrap().to_string())
                    .collect();
                page(&format!("title: 坏\ntags: [{}]\n", tags.join(", ")), "")
            })],
            &[
                "error: `tags` has 10000 terms; a page may have at most 100",
                "┌─ content/cases/bad.md:3:1",
            ],
        ),
        case(
            "YAML alias bomb",
            vec![(BAD, {
                let mut y = String::from("title: 炸弹\nextra:\n  a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
                for i in 1..10 {
                    let prev = vec![format!("*a{}", i - 1); 9].join(", ");
                    y.push_str(&format!("  a{i}: &a{i} [{prev}]\n"));
                }
                page(&y, "")
            })],
            &[
                "error: YAML repetition limit exceeded: the front matter expands to too much data",
                "┌─ content/cases/bad.md:2:1",
            ],
        ),
        case(
            "front matter nested 20,000 deep",
            vec![(
                BAD,
                page(
                    &format!("title: 深\nextra:\n  x: {}{}\n", "[".repeat(20_000), "]".repeat(20_000)),
                    "",
                ),
            )],
            &[
                "error: YAML recursion limit exceeded",
                "┌─ content/cases/bad.md:4:",
            ],
        ),
        case(
            "file over 32 MB",
            vec![(BAD, {
                let mut b = page("title: 大\n", "");
                b.resize(33 << 20, b'a');
                b
            })],
            &[
                "error: the file is 33.0 MB; at most 32 MB is read as one page",
                "= in content/cases/bad.md",
            ],
        ),
    ];
    // --- the file system ---
    v.push(Case {
        name: "symlink loop in content/",
        files: Vec::new(),
        setup: Some(|root| {
            std::os::unix::fs::symlink("..", root.join("content/cases/loop"))
                .map_err(|e| e.to_string())
        }),
        expect: vec![
            "error: symbolic link loop: this link points to one of its own parent directories"
                .into(),
            "= in content/cases/loop".into(),
        ],
    });
    v
}

/// Every path under `dir` (directories too), with the bytes of files.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| {
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).ok()
            } else {
                None
            };
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect();
    v.sort();
    v
}

fn build(root: &Path) -> Run {
    Run::of(
        zhiku()
            .args(["build", "--root"])
            .arg(root)
            .output()
            .expect("run zhiku"),
    )
}

/// The good site, built: (outer directory, site root).
fn good_site() -> (tempfile::TempDir, PathBuf) {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("site");
    for (p, c) in GOOD {
        let full = root.join(p);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, c).unwrap();
    }
    build(&root).expect_code(0);
    (outer, root)
}

/// Break a copy of the good site with `c` and check the failed build.
fn run_case(template: &Path, c: &Case) -> Result<Duration, String> {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("site");
    common::copy_dir(template, &root);
    for (p, bytes) in &c.files {
        let full = root.join(p);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, bytes).unwrap();
    }
    if let Some(setup) = c.setup {
        setup(&root)?;
    }
    let public_before = common::tree(&root.join("public"));
    let everything_before = snapshot(outer.path());
    let start = Instant::now();
    let run = build(&root);
    let took = start.elapsed();
    let mut problems = Vec::new();
    if run.code != 1 {
        problems.push(format!("exit code {} (expected 1)", run.code));
    }
    for needle in &c.expect {
        if !run.stderr.contains(needle.as_str()) {
            problems.push(format!("stderr lacks {needle:?}"));
        }
    }
    if !run
        .stderr
        .contains("the previous output was left as it was")
    {
        problems.push("no final summary line".into());
    }
    if run.stderr.len() > 20_000 {
        problems.push(format!("{} bytes of messages", run.stderr.len()));
    }
    if common::tree(&root.join("public")) != public_before {
        problems.push("public/ changed".into());
    }
    let after = snapshot(outer.path());
    if after != everything_before {
        let before: std::collections::BTreeSet<_> =
            everything_before.iter().map(|(p, _)| p.clone()).collect();
        let new: Vec<_> = after
            .iter()
            .filter(|(p, _)| !before.contains(p))
            .map(|(p, _)| p.display().to_string())
            .collect();
        problems.push(format!(
            "files changed or appeared outside public/: {new:?}"
        ));
    }
    if problems.is_empty() {
        Ok(took)
    } else {
        Err(format!(
            "{}\n--- stderr\n{}",
            problems.join("\n"),
            run.stderr
        ))
    }
}

#[test]
fn every_bad_input_fails_cleanly() {
    let (_outer, good) = good_site();
    let all = cases();
    assert!(all.len() >= 40, "only {} cases", all.len());
    let mut failures = Vec::new();
    for c in &all {
        match run_case(&good, c) {
            Ok(took) => assert!(took < Duration::from_secs(30), "{}: took {took:?}", c.name),
            Err(e) => failures.push(format!("=== {}\n{e}", c.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// All the mistakes of several files are reported by one build.
#[test]
fn one_build_reports_every_broken_file() {
    let (_outer, good) = good_site();
    let mut files = Vec::new();
    let mut expect = Vec::new();
    for c in cases() {
        // One case per distinct file, content only (template and config mistakes are
        // reported with them too, but a broken site.toml stops before content is read).
        if c.setup.is_some() || c.files.len() != 1 || c.files[0].0 != BAD {
            continue;
        }
        let name = format!("content/cases/bad{}.md", files.len() + 1);
        if c.expect.iter().any(|e| e.contains("bad.md:")) {
            expect.push(name.clone());
        }
        files.push((name, c.files[0].1.clone()));
    }
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("site");
    common::copy_dir(&good, &root);
    for (p, b) in &files {
        std::fs::write(root.join(p), b).unwrap();
    }
    let run = build(&root);
    run.expect_code(1);
    for name in &expect {
        assert!(
            run.stderr.contains(&format!("┌─ {name}:"))
                || run.stderr.contains(&format!("= in {name}")),
            "{name} not reported\n{}",
            run.stderr
        );
    }
    assert!(expect.len() > 30, "{}", expect.len());
}
