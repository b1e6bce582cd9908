//! Files as Windows editors and word processors save them: UTF-8 with a BOM, UTF-16 with a
//! BOM, GBK/GB18030 without one, CRLF and lone CR line endings (front matter included). They
//! build; files not in UTF-8 get a warning naming the file, the encoding and how to convert it.
//! Also: unreadable files, and limits that must build (a 10 MB page).

use crate::common;

use common::{page, Fixture};

fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    assert!(!unmappable);
    bytes.into_owned()
}

fn utf16(s: &str, le: bool) -> Vec<u8> {
    let mut out = if le {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in s.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

fn site() -> Fixture {
    Fixture::new(&[("content/_index.md", "---\ntitle: 首页\n---\n")])
}

fn write_bytes(f: &Fixture, path: &str, bytes: &[u8]) {
    let full = f.root().join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

#[test]
fn gbk_page_builds_with_a_warning_saying_how_to_convert_it() {
    let f = site();
    write_bytes(
        &f,
        "content/cases/gbk.md",
        &gbk("---\r\ntitle: 社区党建\r\ntags: [基层组织]\r\n---\r\n正文。\r\n\r\n## 党建\r\n"),
    );
    let run = f.build(&[]);
    run.expect_code(0).expect_stderr(&[
        "warning: this file is encoded as GBK (GB18030) (detected), not UTF-8; it was converted for this build",
        "content/cases/gbk.md",
        "iconv -f GB18030 -t UTF-8 content/cases/gbk.md",
        "记事本",
    ]);
    let html = f.read("cases/gbk/index.html");
    assert!(html.contains("<h1>社区党建</h1>"), "{html}");
    assert!(html.contains("<p>正文。</p>"), "{html}");
    assert!(html.contains("id=\"党建\""), "{html}");
    assert!(f.exists("tags/基层组织/index.html"));
    // The same warning as JSON, for editors and CI.
    let run = f.build(&["--format", "json"]);
    run.expect_code(0);
    let w: serde_json::Value = run
        .stderr
        .lines()
        .find(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .unwrap_or_else(|| panic!("no JSON line in {}", run.stderr));
    assert_eq!(w["severity"], "warning");
    assert_eq!(w["file"], "content/cases/gbk.md");
    assert!(w["help"].as_str().unwrap().contains("iconv"), "{w}");
}

#[test]
fn a_short_gbk_page_is_recognised_too() {
    // chardetng alone reads a file this short as a European code page.
    let f = site();
    write_bytes(&f, "content/a.md", &gbk("---\ntitle: 党建\n---\n"));
    f.build(&[])
        .expect_code(0)
        .expect_stderr(&["warning: this file is encoded as GBK"]);
    assert!(f.read("a/index.html").contains("<h1>党建</h1>"));
}

#[test]
fn utf16_and_utf8_bom_files_build() {
    let f = site();
    let text = "---\r\ntitle: 社区党建\r\n---\r\n正文。\r\n";
    write_bytes(&f, "content/le.md", &utf16(text, true));
    write_bytes(&f, "content/be.md", &utf16(text, false));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    write_bytes(&f, "content/bom.md", &bom);
    let run = f.build(&[]);
    run.expect_code(0).expect_stderr(&[
        "warning: this file is encoded as UTF-16 LE (marked by its byte-order mark), not UTF-8",
        "warning: this file is encoded as UTF-16 BE (marked by its byte-order mark), not UTF-8",
        "iconv -f UTF-16 -t UTF-8 content/le.md",
    ]);
    // A UTF-8 BOM is normal (Notepad writes it): no warning.
    assert!(!run.stderr.contains("content/bom.md"), "{}", run.stderr);
    for p in ["le", "be", "bom"] {
        let html = f.read(&format!("{p}/index.html"));
        assert!(html.contains("<h1>社区党建</h1>"), "{p}: {html}");
        assert!(html.contains("<p>正文。</p>"), "{p}: {html}");
        assert!(!html.contains('\u{FEFF}'), "{p}: BOM in output");
    }
}

#[test]
fn crlf_and_lone_cr_everywhere() {
    let f = site();
    // Classic Mac OS line endings (CR only), front matter included, and a mix.
    f.write(
        "content/cr.md",
        "---\rtitle: 旧文件\rtags: [组织覆盖]\r---\r第一段。\r\r## 小标题\r第二段。\r",
    );
    f.write(
        "content/mixed.md",
        "---\r\ntitle: 混合\r\n---\n第一段。\r\r\n## 标题\r正文。\n",
    );
    let run = f.build(&[]);
    run.expect_code(0);
    let html = f.read("cr/index.html");
    assert!(html.contains("<h1>旧文件</h1>"), "{html}");
    assert!(html.contains("<p>第一段。</p>"), "{html}");
    assert!(html.contains("id=\"小标题\""), "{html}");
    assert!(!html.contains('\r'), "CR in output");
    assert!(f.exists("tags/组织覆盖/index.html"));
    let html = f.read("mixed/index.html");
    assert!(
        html.contains("<h1>混合</h1>") && html.contains("id=\"标题\""),
        "{html}"
    );
    // Positions in messages count CR-only lines as lines.
    f.write("content/cr.md", "---\rtitle: 旧文件\rtgas: [x]\r---\r");
    f.build(&[]).expect_code(1).expect_stderr(&[
        "error: unknown front-matter key `tgas`",
        "┌─ content/cr.md:3:1",
        "3 │ tgas: [x]",
    ]);
}

#[test]
fn gbk_errors_quote_the_decoded_line() {
    // A mistake in a GBK file is shown with the line as the author sees it.
    let f = site();
    write_bytes(
        &f,
        "content/a.md",
        &gbk("---\r\ntitle: 党建\r\ntgas: [社区]\r\n---\r\n"),
    );
    f.build(&[]).expect_code(1).expect_stderr(&[
        "warning: this file is encoded as GBK",
        "error: unknown front-matter key `tgas`",
        "┌─ content/a.md:3:1",
        "3 │ tgas: [社区]",
    ]);
}

#[test]
fn site_toml_and_templates_in_gbk_are_read_with_a_warning() {
    let f = site();
    write_bytes(&f, "site.toml", &gbk("title = \"党建\"\n"));
    write_bytes(
        &f,
        "templates/404.html",
        &gbk("{% extends \"base.html\" %}{% block main %}<p>基层组织</p>{% endblock main %}"),
    );
    let run = f.build(&[]);
    run.expect_code(0).expect_stderr(&[
        "warning: this file is encoded as GBK",
        "site.toml",
        "templates/404.html",
    ]);
    assert!(f.read("404.html").contains("<p>基层组织</p>"));
    assert!(f.read("index.html").contains("党建"));
}

#[test]
fn serve_cache_keeps_warnings_of_files_it_did_not_reread() {
    let f = site();
    write_bytes(&f, "content/a.md", &gbk("---\ntitle: 党建\n---\n正文。\n"));
    let opts = zhiku::build::BuildOptions {
        root: f.root().to_path_buf(),
        ..Default::default()
    };
    let mut state = zhiku::state::State::kept();
    for round in 0..2 {
        let zhiku::diagnostics::Outcome {
            value: prepared,
            diagnostics: diags,
        } = zhiku::build::prepare(&opts, &mut state);
        assert!(prepared.is_some(), "round {round}");
        let warnings: Vec<_> = diags
            .items()
            .iter()
            .filter(|d| d.message.contains("GBK"))
            .collect();
        assert_eq!(warnings.len(), 1, "round {round}: {diags:?}");
        assert_eq!(
            warnings[0].file.as_deref(),
            Some(std::path::Path::new("content/a.md"))
        );
    }
    assert_eq!(state.loaded_files(), 2);
}

#[test]
fn unreadable_file() {
    let f = site();
    f.write("content/good.md", &page("好", "正文"));
    f.build(&[]).expect_code(0);
    let before = common::tree(&f.root().join("public"));
    f.write("content/secret.md", &page("秘密", "正文"));
    let path = f.root().join("content/secret.md");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root_user = std::fs::read(&path).is_ok();
    let run = f.build(&[]);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    if root_user {
        // Running as root (as in CI containers), permissions do not stop reading: the file is
        // read and published like any other. The error path is covered by the unit test
        // `load::file::tests::unreadable_file_message`.
        run.expect_code(0);
        assert!(f.exists("secret/index.html"));
        eprintln!("note: running as root, chmod 000 does not make a file unreadable");
    } else {
        run.expect_code(1).expect_stderr(&[
            "error: cannot read: Permission denied",
            "= in content/secret.md",
            "chmod a+r",
        ]);
        assert_eq!(common::tree(&f.root().join("public")), before);
    }
}

#[test]
fn a_10_mb_page_builds() {
    // Limit decision: pages up to 32 MB build; 10 MB must take seconds, not minutes.
    let f = site();
    let para = "社区党组织把党的组织和工作覆盖到每一个社会组织，**重点**推进“两新”组织党建，[见上文](#第1节)。\n\n";
    let mut body = String::with_capacity(11 << 20);
    let mut n = 0;
    while body.len() < 10 << 20 {
        n += 1;
        body.push_str(&format!("## 第{n}节\n\n"));
        for _ in 0..20 {
            body.push_str(para);
        }
    }
    f.write("content/big.md", &page("大文件", &body));
    let start = std::time::Instant::now();
    let run = f.build(&[]);
    let took = start.elapsed();
    run.expect_code(0);
    let html = f.read("big/index.html");
    assert!(html.len() > 10 << 20);
    assert!(html.contains(&format!("id=\"第{n}节\"")));
    // A debug build; release is ~10× faster. Quadratic behaviour would take hours.
    assert!(took.as_secs() < 120, "took {took:?}");
}

#[test]
fn serve_reports_encoding_warnings_on_every_rebuild_from_its_cache() {
    let f = site();
    write_bytes(&f, "content/a.md", &gbk("---\ntitle: 党建\n---\n正文。\n"));
    f.write("content/b.md", &page("乙", "正文"));
    let mut rebuilder = zhiku::serve::Rebuilder::new(zhiku::build::BuildOptions {
        root: f.root().to_path_buf(),
        ..Default::default()
    });
    let warnings_of = |o: zhiku::serve::Outcome| match o {
        zhiku::serve::Outcome::Built { warnings, .. } => warnings
            .items()
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>(),
        zhiku::serve::Outcome::Failed { text, .. } => panic!("{text}"),
    };
    let first = warnings_of(rebuilder.rebuild());
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].contains("content/a.md") && first[0].contains("GBK"));
    // Another file changes: a.md comes from the cache, its warning with it.
    f.write("content/b.md", &page("乙", "新正文"));
    assert_eq!(warnings_of(rebuilder.rebuild()), first);
    // a.md is converted to UTF-8: the warning goes.
    f.write("content/a.md", "---\ntitle: 党建\n---\n正文。\n");
    assert!(warnings_of(rebuilder.rebuild()).is_empty());
}
