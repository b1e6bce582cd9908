//! Every kind of mistake in content, templates and configuration fails the build with exit
//! code 1 and a message naming the file, the line (and column where known), what is wrong and
//! how to fix it; all mistakes of one build are reported together.

use crate::common;

use common::{page, Fixture, Run};

/// A fixture with a home page plus `files`.
fn site(files: &[(&str, &str)]) -> Fixture {
    let mut all: Vec<(&str, &str)> = vec![("content/_index.md", "---\ntitle: 首页\n---\n")];
    all.extend_from_slice(files);
    Fixture::new(&all)
}

/// Asserts a failed build whose report has an error `message` at `location`
/// (`file:line:column`, shown as codespan's `┌─ location`) whose help contains `help`.
fn expect_error(run: &Run, location: &str, message: &str, help: &str) {
    run.expect_code(1);
    let start = run
        .stderr
        .find(&format!("error: {message}\n"))
        .unwrap_or_else(|| panic!("no error {message:?} in\n{}", run.stderr));
    // This error's block: up to the next error or the final summary.
    let rest = &run.stderr[start + 1..];
    let end = ["\nerror: ", "\nbuild failed: "]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    let block = &run.stderr[start..start + 1 + end];
    assert!(
        block.contains(&format!("┌─ {location}\n")),
        "{location} missing in\n{block}"
    );
    let help_line = block
        .lines()
        .find(|l| l.trim_start().starts_with("= help: "))
        .unwrap_or_else(|| panic!("no help in\n{block}"));
    assert!(help_line.contains(help), "help lacks {help:?}\n{block}");
    assert!(
        run.stderr
            .contains("the previous output was left as it was"),
        "{}",
        run.stderr
    );
}

#[test]
fn yaml_syntax_error() {
    let f = site(&[(
        "content/cases/tianjin.md",
        "---\ntitle: 天津\nsummary: \"未闭合的引号\nweight: 1\n---\n正文\n",
    )]);
    let run = f.build(&[]);
    expect_error(
        &run,
        "content/cases/tianjin.md:5:1",
        "YAML syntax error: found unexpected end of stream, while scanning a quoted scalar at line 3 column 10",
        "check the line for a missing space after `:`, an unclosed quote or bracket",
    );
    // A value with `: ` in it, the most common mistake.
    let f = site(&[("content/p.md", "---\ntitle: 天津: 案例\n---\n正文\n")]);
    expect_error(
        &f.build(&[]),
        "content/p.md:2:10",
        "YAML syntax error: mapping values are not allowed in this context",
        "or a value containing `: ` that needs quotes",
    );
}

#[test]
fn unknown_front_matter_key_with_suggestion() {
    let f = site(&[(
        "content/cases/tianjin.md",
        "---\ntitle: 天津\ndate: 2018-12-01\ntgas: [组织覆盖]\n---\n正文\n",
    )]);
    expect_error(
        &f.build(&[]),
        "content/cases/tianjin.md:4:1",
        "unknown front-matter key `tgas`",
        "did you mean `tags`? valid keys are: title, date, updated, summary, description, slug, weight, draft, template, aliases, source, cases, extra, tags, regions, org_types",
    );
    // In a section's _index.md the valid keys are the section's.
    let f = site(&[(
        "content/cases/_index.md",
        "---\ntitle: 案例\nsrot_by: date\n---\n",
    )]);
    expect_error(
        &f.build(&[]),
        "content/cases/_index.md:3:1",
        "unknown front-matter key `srot_by`",
        "did you mean `sort_by`? valid keys are: title, description, sort_by, paginate_by, template, page_template, weight, feed, extra",
    );
}

#[test]
fn wrong_type() {
    let f = site(&[(
        "content/courses/a.md",
        "---\ntitle: 第一课\nweight: 第一\n---\n正文\n",
    )]);
    expect_error(
        &f.build(&[]),
        "content/courses/a.md:3:9",
        "wrong type: invalid type: string \"第一\", expected i64 (in `weight`)",
        "this key takes a whole number, e.g. `weight: 3`",
    );
    let f = site(&[("content/p.md", "---\ntitle: 页\ndraft: 是\n---\n")]);
    expect_error(
        &f.build(&[]),
        "content/p.md:3:8",
        "wrong type: invalid type: string \"是\", expected a boolean (in `draft`)",
        "this key takes `true` or `false`",
    );
    let f = site(&[(
        "content/s/_index.md",
        "---\ntitle: 栏目\nsort_by: size\n---\n",
    )]);
    let run = f.build(&[]);
    run.expect_code(1).expect_stderr(&[
        "unknown variant `size`, expected one of `weight`, `date`, `title`",
        "┌─ content/s/_index.md:3:10",
    ]);
}

#[test]
fn bad_date() {
    let f = site(&[(
        "content/cases/tianjin.md",
        "---\ntitle: 天津\ndate: 2018-13-01\n---\n正文\n",
    )]);
    expect_error(
        &f.build(&[]),
        "content/cases/tianjin.md:3:7",
        "date: invalid date `2018-13-01`: write YYYY-MM-DD (2018-12-01), a month YYYY-MM (2018-12), a year YYYY (2018) or RFC 3339 (2018-12-01T09:30:00+08:00)",
        "dates look like 2018-12-01",
    );
    let f = site(&[(
        "content/p.md",
        "---\ntitle: 页\nupdated: 2018年12月1日\n---\n",
    )]);
    let run = f.build(&[]);
    run.expect_code(1)
        .expect_stderr(&["invalid date `2018年12月1日`", "┌─ content/p.md:3:10"]);
}

#[test]
fn missing_title() {
    let f = site(&[(
        "content/cases/tianjin.md",
        "---\ndate: 2018-12-01\ntags: [组织覆盖]\n---\n正文\n",
    )]);
    expect_error(
        &f.build(&[]),
        "content/cases/tianjin.md:2:1",
        "the front matter has no `title`",
        "add a line `title: 页面标题`",
    );
    let f = site(&[("content/p.md", "---\ntitle: \"  \"\n---\n")]);
    expect_error(
        &f.build(&[]),
        "content/p.md:2:1",
        "the title is empty",
        "write a title after `title:`",
    );
    let f = site(&[("content/p.md", "没有前言的文件\n")]);
    expect_error(
        &f.build(&[]),
        "content/p.md:1:1",
        "the file does not start with front matter (a line `---`)",
        "put `---`, then at least `title: 标题`, then `---` above the text",
    );
}

#[test]
fn template_syntax_error() {
    let f = site(&[
        ("content/p.md", &page("页", "正文")),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title </h1>\n{% endblock main %}\n",
        ),
    ]);
    let run = f.build(&[]);
    expect_error(
        &run,
        "templates/page.html:3:20",
        "template syntax error: expected an expression or a string or a concatenation of strings",
        "see Tera's documentation for the syntax",
    );
    // The offending line is quoted under the location.
    assert!(
        run.stderr.contains("3 │ <h1>{{ page.title </h1>"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_template_named_by_template_key() {
    let f = site(&[
        (
            "content/cases/tianjin.md",
            "---\ntitle: 天津\ntemplate: pgae.html\n---\n正文\n",
        ),
        (
            "content/courses/_index.md",
            "---\ntitle: 课程库\ntemplate: courses.html\n---\n",
        ),
    ]);
    let run = f.build(&[]);
    expect_error(
        &run,
        "content/cases/tianjin.md:3:1",
        "the template `pgae.html` does not exist",
        "did you mean `page.html`? add templates/pgae.html to the site, or use one of: 404.html, base.html, index.html, macros.html, page.html, print.html, search.html, section.html, sitemap.html, taxonomy_list.html, taxonomy_term.html",
    );
    run.expect_stderr(&[
        "error: the template `courses.html` does not exist",
        "┌─ content/courses/_index.md:3:1",
    ]);
}

#[test]
fn non_utf8_file() {
    let f = site(&[]);
    std::fs::create_dir_all(f.root().join("content/cases")).unwrap();
    let mut bytes = "---\ntitle: 天津\n---\n正文".as_bytes().to_vec();
    // "党建" in GBK, as Windows Notepad used to save it.
    bytes.extend_from_slice(&[0xB5, 0xB3, 0xBD, 0xA8, b'\n']);
    std::fs::write(f.root().join("content/cases/gbk.md"), bytes).unwrap();
    expect_error(
        &f.build(&[]),
        "content/cases/gbk.md:4:3",
        "the file is not valid UTF-8 text",
        "save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)",
    );
}

#[test]
fn unknown_site_toml_key_lists_the_valid_ones() {
    let f = site(&[(
        "site.toml",
        "title = \"知库\"\nbase_url = \"/\"\ntheem = \"default\"\n",
    )]);
    expect_error(
        &f.build(&[]),
        "site.toml:3:1",
        "invalid site.toml: unknown field `theem`, expected one of `title`, `description`, `base_url`, `language`, `theme`, `relative_urls`, `taxonomies`, `markdown`, `variants`, `extra`",
        "did you mean `theme`? valid keys here are `title`, `description`, `base_url`, `language`, `theme`, `relative_urls`, `taxonomies`, `markdown`, `variants`, `extra`",
    );
    // Inside a table, the table's own keys are listed.
    let f = site(&[(
        "site.toml",
        "title = \"知库\"\n\n[markdown]\nsmart_punctuaton = true\n",
    )]);
    expect_error(
        &f.build(&[]),
        "site.toml:4:1",
        "invalid site.toml: unknown field `smart_punctuaton`, expected one of `smart_punctuation`, `safe`, `cjk_emphasis`, `cjk_line_breaks`",
        "did you mean `smart_punctuation`? valid keys here are `smart_punctuation`, `safe`, `cjk_emphasis`, `cjk_line_breaks`",
    );
}

#[test]
fn no_site_toml_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    let run = Run::of(
        common::zhiku()
            .args(["build", "--root"])
            .arg(dir.path())
            .output()
            .unwrap(),
    );
    run.expect_code(1);
    let root = std::fs::canonicalize(dir.path()).unwrap();
    run.expect_stderr(&[
        &format!(
            "error: no site.toml in {}: this is not a zhiku site",
            root.display()
        ),
        "pass `--root <dir>` to use another one, or create site.toml with at least a line `title = \"我的知识库\"`",
    ]);
    assert!(!dir.path().join("public").exists());
}

#[test]
fn duplicate_output_paths_name_both_files() {
    let f = site(&[
        ("content/cases/tianjin.md", &page("天津", "正文")),
        (
            "content/cases/tianjin-2018.md",
            "---\ntitle: 天津（2018）\nslug: tianjin\n---\n正文\n",
        ),
    ]);
    let run = f.build(&[]);
    run.expect_code(1).expect_stderr(&[
        "error: writes the same output `cases/tianjin/index.html` as content/cases/tianjin-2018.md\n  ┌─ content/cases/tianjin.md:1:1\n",
        "= help: give one of them a different `slug:` or file name",
    ]);
    // A page that would overwrite a section's index.
    let f = site(&[
        ("content/cases/_index.md", &page("案例", "")),
        ("content/x.md", "---\ntitle: 冒充\nslug: cases\n---\n"),
    ]);
    f.build(&[]).expect_code(1).expect_stderr(&[
        "error: writes the same output `cases/index.html` as content/cases/_index.md\n  ┌─ content/x.md:3:1\n",
    ]);
}

#[test]
fn every_error_of_a_build_is_reported() {
    let f = site(&[
        ("content/a.md", "---\ntitle: 甲\ntgas: [x]\n---\n"),
        ("content/b.md", "---\ntitle: 乙\ndate: 2018-02-30\n---\n"),
        (
            "content/c.md",
            "---\ntitle: 丙\n---\n见[丁](@/d.md)和[甲](@/a.md#nowhere)。\n",
        ),
        ("content/e.md", "---\ntitle: 戊\ntemplate: nope.html\n---\n"),
    ]);
    let run = f.build(&[]);
    run.expect_code(1).expect_stderr(&[
        "error: unknown front-matter key `tgas`",
        "┌─ content/a.md:3:1",
        "error: date: invalid date `2018-02-30`",
        "┌─ content/b.md:3:7",
        "error: broken link `@/d.md`: there is no content/d.md",
        "┌─ content/c.md:4:2",
        "error: the template `nope.html` does not exist",
        "┌─ content/e.md:3:1",
        "build failed: 4 error(s), 0 warning(s); the previous output was left as it was",
    ]);
    // Errors are reported in file order, whatever the thread order.
    let order: Vec<usize> = [
        "content/a.md",
        "content/b.md",
        "content/c.md",
        "content/e.md",
    ]
    .iter()
    .map(|f| run.stderr.find(&format!("┌─ {f}")).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", run.stderr);
    // c.md also links to a.md, which failed to load: that is a.md's error, not a second,
    // false "there is no content/a.md".
    assert!(
        !run.stderr.contains("content/a.md#nowhere"),
        "{}",
        run.stderr
    );
    assert!(!f.root().join("public").exists());
}

#[test]
fn errors_as_json_lines() {
    let f = site(&[
        ("content/a.md", "---\ntitle: 甲\ntgas: [x]\n---\n"),
        ("content/b.md", "---\ntitle: 乙\n---\n[坏](@/nope.md)\n"),
    ]);
    let run = f.build(&["--format", "json"]);
    run.expect_code(1);
    let lines: Vec<serde_json::Value> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[0]["file"], "content/a.md");
    assert_eq!(
        (lines[0]["line"].as_u64(), lines[0]["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(lines[0]["message"], "unknown front-matter key `tgas`");
    assert_eq!(lines[1]["file"], "content/b.md");
    assert_eq!(
        (lines[1]["line"].as_u64(), lines[1]["column"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(
        lines[1]["message"],
        "broken link `@/nope.md`: there is no content/nope.md"
    );
}

#[test]
fn chinese_typing_mistakes_in_front_matter() {
    let f = site(&[
        ("content/a.md", "---\ntitle：天津\n---\n"),
        (
            "content/b.md",
            "---\ntitle: 乙\nsource:\n\ttitle: 文章\n---\n",
        ),
    ]);
    let run = f.build(&[]);
    run.expect_code(1).expect_stderr(&[
        "error: full-width colon `：` after the key `title`",
        "┌─ content/a.md:2:6",
        "help: use an ASCII colon and a space: `title: …`",
        "error: a tab is used for indentation in the front matter; YAML allows only spaces",
        "┌─ content/b.md:4:1",
    ]);
}

#[test]
fn render_errors_name_the_template_and_the_page() {
    let f = site(&[
        ("content/p.md", &page("页", "正文")),
        (
            "templates/page.html",
            "{% set p = get_page(path=\"cases/none.md\") %}{{ p.title }}",
        ),
    ]);
    let run = f.build(&[]);
    run.expect_code(1).expect_stderr(&[
        "error: rendering content/p.md failed: Failed to render 'page.html'",
        "get_page: there is no page content/cases/none.md",
        " = in templates/page.html",
    ]);
}

#[test]
fn unknown_theme() {
    let f = site(&[("site.toml", "title = \"知库\"\ntheme = \"fancy\"\n")]);
    f.build(&[]).expect_code(1).expect_stderr(&[
        "error: unknown theme `fancy`: there is no themes/fancy/ directory",
        // The line comes from the text read when the configuration was loaded.
        "site.toml:2",
        "set `theme` in site.toml to a directory under themes/",
    ]);
}
