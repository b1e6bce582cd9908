//! Word in, Word out: `zhiku import` on real .docx files (written here by docx-rs, and saved by
//! LibreOffice in tests/fixtures/docx/), bad input refused with nothing written, batches all
//! or nothing, and `zhiku export MODULE --docx` read back with zip + quick-xml.

use crate::common;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use common::Run;
use docx_rs::{
    AbstractNumbering, BreakType, Comment, Delete, Docx, Footnote, Hyperlink, HyperlinkType,
    IndentLevel, Insert, Level, LevelJc, LevelText, NumberFormat, Numbering, NumberingId,
    Paragraph, Pic, Run as WRun, Start, Style, StyleType, Table, TableCell, TableRow,
};

fn fixture(name: &str) -> PathBuf {
    common::repo_root().join("tests/fixtures/docx").join(name)
}

fn zhiku(args: &[&str], cwd: &Path) -> Run {
    Run::of(
        common::zhiku()
            .args(args)
            .current_dir(cwd)
            .output()
            .expect("run zhiku"),
    )
}

/// A new site (from `zhiku init`) in a temporary directory.
fn new_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    zhiku(&["init", site.to_str().unwrap()], tmp.path()).expect_code(0);
    (tmp, site)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A 40×30 red PNG.
fn png() -> Vec<u8> {
    fn crc(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= b as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc(&body).to_be_bytes());
    }
    let (w, h) = (40u32, 30u32);
    let row: Vec<u8> = std::iter::once(0u8)
        .chain([200u8, 30, 30].repeat(w as usize))
        .collect();
    let raw = row.repeat(h as usize);
    // Stored (uncompressed) deflate blocks inside a zlib stream.
    let mut z = vec![0x78, 0x01];
    let mut adler = (1u32, 0u32);
    for &b in &raw {
        adler.0 = (adler.0 + b as u32) % 65521;
        adler.1 = (adler.1 + adler.0) % 65521;
    }
    let chunks: Vec<&[u8]> = raw.chunks(65535).collect();
    for (i, c) in chunks.iter().enumerate() {
        z.push(if i + 1 == chunks.len() { 1 } else { 0 });
        z.extend((c.len() as u16).to_le_bytes());
        z.extend((!(c.len() as u16)).to_le_bytes());
        z.extend(*c);
    }
    z.extend(((adler.1 << 16) | adler.0).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn text(s: &str) -> WRun {
    WRun::new().add_text(s)
}

fn p(s: &str) -> Paragraph {
    Paragraph::new().add_run(text(s))
}

/// A report on Xiaoyi's social-organisation party building, as an author would write it in
/// Word: Title style, 署名 and date lines, numbering typed as text (一、 （一） 1.), a lead
/// sentence in the same paragraph as its text, a Heading 2, emphasis, Word lists (bullets,
/// decimal, and Chinese numbering made by Word), a table with merged cells, a footnote, a
/// link, a picture without a description, tracked changes and a comment.
fn xiaoyi_docx() -> Vec<u8> {
    let chinese = AbstractNumbering::new(1).add_level(Level::new(
        0,
        Start::new(1),
        NumberFormat::new("chineseCounting"),
        LevelText::new("%1、"),
        LevelJc::new("left"),
    ));
    let decimal = AbstractNumbering::new(2).add_level(Level::new(
        0,
        Start::new(1),
        NumberFormat::new("decimal"),
        LevelText::new("%1."),
        LevelJc::new("left"),
    ));
    let bullet = AbstractNumbering::new(3).add_level(Level::new(
        0,
        Start::new(1),
        NumberFormat::new("bullet"),
        LevelText::new("●"),
        LevelJc::new("left"),
    ));
    let table = Table::new(vec![
        TableRow::new(vec![
            TableCell::new().add_paragraph(p("序号")),
            TableCell::new().add_paragraph(p("内容")),
            TableCell::new().add_paragraph(p("序号")),
            TableCell::new().add_paragraph(p("内容")),
        ]),
        TableRow::new(vec![
            TableCell::new().add_paragraph(p("1")),
            TableCell::new().add_paragraph(p("有班子")),
            TableCell::new().add_paragraph(p("5")),
            TableCell::new().add_paragraph(p("有活动")),
        ]),
        TableRow::new(vec![
            TableCell::new().add_paragraph(p("合计")),
            TableCell::new()
                .add_paragraph(p("八项标准逐项对照，缺一不可"))
                .grid_span(3),
        ]),
    ]);
    let doc = Docx::new()
        .created_at("2019-06-30T08:00:00Z")
        .add_style(Style::new("Title", StyleType::Paragraph).name("Title"))
        .add_style(Style::new("Heading2", StyleType::Paragraph).name("heading 2"))
        .add_abstract_numbering(chinese)
        .add_abstract_numbering(decimal)
        .add_abstract_numbering(bullet)
        .add_numbering(Numbering::new(1, 1))
        .add_numbering(Numbering::new(2, 2))
        .add_numbering(Numbering::new(3, 3))
        .add_paragraph(p("孝义市社会组织党建工作的实践与思考").style("Title"))
        .add_paragraph(p("□ 中共孝义市委常委、组织部长 张云鹏"))
        .add_paragraph(p("2020年1月15日"))
        .add_paragraph(
            Paragraph::new()
                .add_run(text("　　孝义市用"))
                .add_run(text("“八有标准”").bold())
                .add_run(text("规范党组织创建，用"))
                .add_run(text("三同步").italic())
                .add_run(text("机制把党建嵌入登记管理，"))
                .add_run(text("覆盖率").underline("single"))
                .add_run(text("达到100%。")),
        )
        .add_paragraph(p("一、坚持党的领导，推进组织覆盖"))
        .add_paragraph(p(
            "（一）按照“三个有利于”原则推进全覆盖。立足一个新兴行业成立一个行业协会的思路，全面开展社会组织党组织创建，做到应建必建。",
        ))
        .add_paragraph(p("1.组建原则"))
        .add_paragraph(
            Paragraph::new()
                .add_run(text("党组织创建统一对照“八有标准”推进"))
                .add_run(WRun::new().add_footnote_reference(
                    Footnote::new().add_content(p("八有：有班子、有队伍、有阵地、有制度、有活动、有经费、有服务、有作为。")),
                ))
                .add_run(text("：")),
        )
        .add_table(table)
        .add_paragraph(p("加强政治引领").numbering(NumberingId::new(1), IndentLevel::new(0)))
        .add_paragraph(p("二、深化品牌创建").numbering(NumberingId::new(1), IndentLevel::new(0)))
        .add_paragraph(p("主题教育的三项做法").numbering(NumberingId::new(2), IndentLevel::new(0)))
        .add_paragraph(p("2.学习教育的三项做法").numbering(NumberingId::new(2), IndentLevel::new(0)))
        .add_paragraph(p("联系服务群众").numbering(NumberingId::new(3), IndentLevel::new(0)))
        .add_paragraph(p("工作成效").style("Heading2"))
        .add_paragraph(
            Paragraph::new()
                .add_run(text("党员教育").add_break(BreakType::TextWrapping))
                .add_run(text("要常抓不懈，"))
                .add_run(text("Party").add_break(BreakType::TextWrapping))
                .add_run(text("building 也一样。")),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(text("详见"))
                .add_hyperlink(
                    Hyperlink::new("https://www.12371.cn/", HyperlinkType::External)
                        .add_run(text("共产党员网")),
                )
                .add_run(text("的报道。")),
        )
        .add_paragraph(Paragraph::new().add_run(WRun::new().add_image(Pic::new_with_dimensions(png(), 40, 30))))
        .add_paragraph(
            Paragraph::new()
                .add_run(text("全市"))
                .add_insert(Insert::new(text("101户")).author("王编辑").date("2020-01-16T09:00:00Z"))
                .add_delete(
                    Delete::new()
                        .add_run(WRun::new().add_delete_text("近百户"))
                        .author("王编辑")
                        .date("2020-01-16T09:00:00Z"),
                )
                .add_run(text("社会组织实现党的活动全覆盖。"))
                .add_comment_start(
                    Comment::new(1)
                        .author("张审")
                        .add_paragraph(p("请核实户数")),
                )
                .add_comment_end(1),
        );
    let mut buf = Cursor::new(Vec::new());
    doc.build().pack(&mut buf).unwrap();
    buf.into_inner()
}

fn write_xiaoyi(dir: &Path) -> PathBuf {
    let f = dir.join("孝义报告.docx");
    std::fs::write(&f, xiaoyi_docx()).unwrap();
    f
}

#[test]
fn a_word_report_becomes_a_draft_page_that_checks_and_builds() {
    let (tmp, site) = new_site();
    let input = write_xiaoyi(tmp.path());
    let run = zhiku(
        &[
            "import",
            input.to_str().unwrap(),
            "--root",
            site.to_str().unwrap(),
        ],
        tmp.path(),
    );
    run.expect_code(0);
    assert!(
        run.stdout.contains(
            "[1/1] 孝义报告.docx → content/cases/孝义市社会组织党建工作的实践与思考/index.md"
        ),
        "{}",
        run.stdout
    );
    let bundle = site.join("content/cases/孝义市社会组织党建工作的实践与思考");
    let md = read(&bundle.join("index.md"));
    // Front matter from the document.
    assert!(
        md.starts_with(
            "---\ntitle: 孝义市社会组织党建工作的实践与思考\ndate: 2020-01-15\ndraft: true\nsource:\n  title: 孝义市社会组织党建工作的实践与思考\n  author: 张云鹏（中共孝义市委常委、组织部长）\n---\n"
        ),
        "{md}"
    );
    assert!(
        !md.contains("□"),
        "the 署名 line goes into front matter:\n{md}"
    );
    // Emphasis, with the first-line indent dropped.
    assert!(
        md.contains("\n孝义市用**“八有标准”**规范党组织创建，用<em>三同步</em>机制把党建嵌入登记管理，<u>覆盖率</u>达到100%。\n"),
        "{md}"
    );
    // Chinese numbering as text → heading levels; the lead sentence splits off.
    assert!(md.contains("\n## 坚持党的领导，推进组织覆盖\n"), "{md}");
    assert!(
        md.contains("\n### 按照“三个有利于”原则推进全覆盖\n\n立足一个新兴行业"),
        "{md}"
    );
    assert!(md.contains("\n#### 组建原则\n"), "{md}");
    // Word's own Chinese numbering reads the same way, and is not written twice.
    assert!(md.contains("\n## 加强政治引领\n"), "{md}");
    assert!(md.contains("\n## 深化品牌创建\n"), "{md}");
    assert!(!md.contains("二、"), "{md}");
    // Word lists.
    assert!(
        md.contains("\n1. 主题教育的三项做法\n2. 学习教育的三项做法\n"),
        "{md}"
    );
    assert!(md.contains("\n- 联系服务群众\n"), "{md}");
    assert!(md.contains("\n## 工作成效\n"), "{md}");
    // A line break inside a paragraph is joined: nothing between Chinese characters.
    assert!(
        md.contains("\n党员教育要常抓不懈，Party building 也一样。\n"),
        "{md}"
    );
    // Table with the merged cell flattened.
    assert!(
        md.contains("| 序号 | 内容 | 序号 | 内容 |\n|---|---|---|---|\n| 1 | 有班子 | 5 | 有活动 |\n| 合计 | 八项标准逐项对照，缺一不可 |  |  |\n"),
        "{md}"
    );
    // Footnote, link, image.
    assert!(md.contains("推进[^1]："), "{md}");
    assert!(md.contains("\n[^1]: 八有：有班子、有队伍"), "{md}");
    assert!(
        md.contains("详见[共产党员网](https://www.12371.cn/)的报道。"),
        "{md}"
    );
    let img = md
        .lines()
        .find(|l| l.starts_with("![]("))
        .unwrap_or_else(|| panic!("no image line:\n{md}"));
    let file = img.trim_start_matches("![](").trim_end_matches(')');
    assert_eq!(std::fs::read(bundle.join(file)).unwrap(), png());
    // Tracked changes accepted.
    assert!(md.contains("全市101户社会组织实现党的活动全覆盖。"), "{md}");
    assert!(!md.contains("近百户"), "{md}");
    // Everything not carried over is reported with where it was.
    run.expect_stderr(&[
        "孝义报告.docx",
        "table 1: merged cells were split",
        "tracked change(s) (修订); they were accepted",
        "a comment (批注) by 张审 was left out: “请核实户数”",
        &format!("the picture {file} has no description (alt text)"),
    ]);
    assert!(run.stderr.contains("paragraph "), "{}", run.stderr);

    // The page passes check and builds with the CJK rules.
    zhiku(
        &["check", "--drafts", "--root", site.to_str().unwrap()],
        tmp.path(),
    )
    .expect_code(0);
    zhiku(
        &["build", "--drafts", "--root", site.to_str().unwrap()],
        tmp.path(),
    )
    .expect_code(0);
    let html = read(&site.join("public/cases/孝义市社会组织党建工作的实践与思考/index.html"));
    for needle in [
        r#"<h2 id="坚持党的领导推进组织覆盖">"#,
        r#"<h3 id="按照三个有利于原则推进全覆盖">"#,
        "<strong>“八有标准”</strong>",
        "<table>",
        "<em>三同步</em>",
        r#"href="https://www.12371.cn/""#,
    ] {
        assert!(html.contains(needle), "{needle} missing in the built page");
    }
    assert!(site
        .join("public/cases/孝义市社会组织党建工作的实践与思考")
        .join(file)
        .exists());
}

#[test]
fn libreoffice_files_keep_their_structure() {
    let (tmp, site) = new_site();
    let run = zhiku(
        &[
            "import",
            fixture("lo-nanning.docx").to_str().unwrap(),
            fixture("lo-gulou.docx").to_str().unwrap(),
            "--root",
            site.to_str().unwrap(),
        ],
        tmp.path(),
    );
    run.expect_code(0);
    let nanning = read(&site.join("content/cases/南宁市基层党组织建设的实践与启示/index.md"));
    assert!(
        nanning.starts_with("---\ntitle: 南宁市基层党组织建设的实践与启示\ndate: 2019-11-20\ndraft: true\nsource:\n  title: 南宁市基层党组织建设的实践与启示\n  author: 杨丽丽（广西机电职业技术学院）\n---\n"),
        "{nanning}"
    );
    // `1 ` and `1.1 ` numbering → ## and ###.
    assert!(
        nanning.contains("\n## 基层党组织在基层治理中的新定位\n\n### 推进基层治理的服务者\n"),
        "{nanning}"
    );
    assert!(nanning.contains("\n## 南宁市的主要做法\n"), "{nanning}");
    assert!(
        nanning.contains("**服务理念**和办事态度决定群众对党组织的评价。[^1]"),
        "{nanning}"
    );
    assert!(
        nanning.contains("\n[^1]: 南宁市把群众满意度作为考核基层党组织的重要依据。\n"),
        "{nanning}"
    );
    assert!(
        nanning.contains("| 第二年 | 均超过九成 |  |\n"),
        "{nanning}"
    );
    // The picture's description is its alt text.
    assert!(
        nanning.contains("![群众代表在评议会上给机关科室打分](image1.png)"),
        "{nanning}"
    );
    assert!(site
        .join("content/cases/南宁市基层党组织建设的实践与启示/image1.png")
        .exists());
    // Tracked changes accepted: the inserted word is there, the deleted one is not.
    assert!(nanning.contains("定位和近年来的做法。"), "{nanning}");
    assert!(!nanning.contains("逐步"), "{nanning}");
    run.expect_stderr(&[
        "lo-nanning.docx",
        "a comment (批注) by 张审 was left out: “请补充一个具体事例”",
        "a text box (文本框) was left out; its text was: “编者按：本节数据为示意”",
        "table 1: merged cells were split",
        "tracked change(s) (修订); they were accepted",
        "paragraph 9 (“社区和村的党组织",
    ]);

    let gulou = read(&site.join("content/cases/莫愁新寓社区党员议事会的做法.md"));
    assert!(
        gulou.starts_with(
            "---\ntitle: 莫愁新寓社区党员议事会的做法\ndate: 2021-03-26\ndraft: true\n---\n"
        ),
        "{gulou}"
    );
    assert!(gulou.contains("交给**社区党员议事会**讨论"), "{gulou}");
    assert!(gulou.contains("的<u>议事流程</u>。"), "{gulou}");
    assert!(
        gulou.contains(
            "\n## 议事流程\n\n1. 确立议程：收集群众反映较多的问题，交社区党组织。\n2. 制订议程"
        ),
        "{gulou}"
    );
    assert!(gulou.contains("\n### 一次议事会的经过\n"), "{gulou}");
    assert!(
        gulou.contains(
            "\n- 保留可美化环境的菊花脑，其余蔬菜逐步清除；\n- 党员家庭带头一次性清除。\n"
        ),
        "{gulou}"
    );
    // The internal link goes to the heading's anchor; the external one stays.
    assert!(
        gulou.contains("详见[上文的议事流程](#议事流程)，以及[中国政府网](https://www.gov.cn/)。"),
        "{gulou}"
    );
    zhiku(
        &["check", "--drafts", "--root", site.to_str().unwrap()],
        tmp.path(),
    )
    .expect_code(0);
}

/// Every file under content/, with its bytes.
fn content(site: &Path) -> Vec<(String, Vec<u8>)> {
    common::tree(&site.join("content"))
}

#[test]
fn files_that_are_not_docx_are_refused_by_name_and_nothing_is_written() {
    let (tmp, site) = new_site();
    let before = content(&site);
    let dir = tmp.path();
    let wps = dir.join("通知.wps");
    std::fs::copy(fixture("lo-gulou.doc"), &wps).unwrap();
    let doc_as_docx = dir.join("改了扩展名.docx");
    std::fs::copy(fixture("lo-gulou.doc"), &doc_as_docx).unwrap();
    let zip_as_docx = dir.join("打包.docx");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_as_docx).unwrap());
        z.start_file("说明.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, "不是 Word 文件".as_bytes()).unwrap();
        z.finish().unwrap();
    }
    let cut = dir.join("下载中断.docx");
    let whole = std::fs::read(fixture("lo-gulou.docx")).unwrap();
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let empty = dir.join("空文件.docx");
    std::fs::write(&empty, b"").unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (fixture("lo-gulou.doc"), "Word 97–2003 document (.doc"),
        (fixture("lo-encrypted.docx"), "protected with a password"),
        (wps.clone(), "WPS 文字 document (.wps"),
        (doc_as_docx.clone(), "although its name ends in .docx"),
        (
            zip_as_docx.clone(),
            "a ZIP archive, not a Word document (it holds 1 file(s): 说明.txt)",
        ),
        (cut.clone(), "the file is damaged"),
        (empty.clone(), "the file is empty"),
    ];
    for (file, what) in &cases {
        let run = zhiku(
            &[
                "import",
                file.to_str().unwrap(),
                "--root",
                site.to_str().unwrap(),
            ],
            dir,
        );
        run.expect_code(1);
        run.expect_stderr(&[what, &file.file_name().unwrap().to_string_lossy(), "help:"]);
        assert!(run.stdout.contains("nothing was written"), "{}", run.stdout);
        assert_eq!(
            content(&site),
            before,
            "{} changed content/",
            file.display()
        );
    }
    // The help says what to do.
    let run = zhiku(
        &[
            "import",
            fixture("lo-gulou.doc").to_str().unwrap(),
            "--root",
            site.to_str().unwrap(),
        ],
        dir,
    );
    run.expect_stderr(&["save it as a Word document", ".docx"]);
}

#[test]
fn a_folder_is_imported_all_or_nothing() {
    let (tmp, site) = new_site();
    let s = site.to_str().unwrap();
    let folder = tmp.path().join("来稿");
    std::fs::create_dir(&folder).unwrap();
    write_xiaoyi(&folder);
    std::fs::copy(fixture("lo-gulou.docx"), folder.join("鼓楼.docx")).unwrap();
    std::fs::copy(fixture("lo-gulou.doc"), folder.join("旧稿.doc")).unwrap();
    std::fs::write(folder.join("~$孝义报告.docx"), b"lock file").unwrap();
    let f = folder.to_str().unwrap();
    let before = content(&site);

    // One bad file: nothing written.
    let run = zhiku(&["import", f, "--root", s], tmp.path());
    run.expect_code(1);
    assert!(
        run.stdout.contains("[1/3] 孝义报告.docx →"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[2/3] 旧稿.doc: failed"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("[3/3] 鼓楼.docx →"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("nothing was written: 1 of 3 file(s) could not be imported"),
        "{}",
        run.stdout
    );
    run.expect_stderr(&["旧稿.doc", "Word 97–2003"]);
    assert_eq!(content(&site), before);

    // --dry-run converts and reports, writes nothing.
    std::fs::remove_file(folder.join("旧稿.doc")).unwrap();
    let run = zhiku(&["import", f, "--root", s, "--dry-run"], tmp.path());
    run.expect_code(0);
    assert!(
        run.stdout.contains("dry run: 2 page(s) would be written"),
        "{}",
        run.stdout
    );
    assert_eq!(content(&site), before);

    // --keep-going writes the files that converted.
    std::fs::copy(fixture("lo-gulou.doc"), folder.join("旧稿.doc")).unwrap();
    let run = zhiku(&["import", f, "--root", s, "--keep-going"], tmp.path());
    run.expect_code(1);
    assert!(
        run.stdout
            .contains("imported 2 of 3 file(s) into content/cases/"),
        "{}",
        run.stdout
    );
    let page = site.join("content/cases/莫愁新寓社区党员议事会的做法.md");
    assert!(page.exists());
    assert!(site
        .join("content/cases/孝义市社会组织党建工作的实践与思考/index.md")
        .exists());

    // Existing pages are not replaced without --force.
    std::fs::remove_file(folder.join("旧稿.doc")).unwrap();
    std::fs::write(&page, "---\ntitle: 作者改过的稿子\n---\n").unwrap();
    let run = zhiku(&["import", f, "--root", s], tmp.path());
    run.expect_code(1);
    run.expect_stderr(&[
        "content/cases/莫愁新寓社区党员议事会的做法.md already exists",
        "--force",
    ]);
    assert_eq!(read(&page), "---\ntitle: 作者改过的稿子\n---\n");
    let run = zhiku(&["import", f, "--root", s, "--force"], tmp.path());
    run.expect_code(0);
    assert!(read(&page).contains("## 议事流程"));

    // Another section; a section that does not exist.
    let run = zhiku(
        &[
            "import",
            fixture("lo-gulou.docx").to_str().unwrap(),
            "--root",
            s,
            "--section",
            "courses/community-governance",
        ],
        tmp.path(),
    );
    run.expect_code(0);
    assert!(site
        .join("content/courses/community-governance/莫愁新寓社区党员议事会的做法.md")
        .exists());
    let run = zhiku(
        &[
            "import",
            fixture("lo-gulou.docx").to_str().unwrap(),
            "--root",
            s,
            "--section",
            "reports",
        ],
        tmp.path(),
    );
    run.expect_code(1);
    run.expect_stderr(&[
        "content/reports/ is not a section",
        "zhiku new reports/_index.md",
    ]);
    zhiku(&["check", "--drafts", "--root", s], tmp.path()).expect_code(0);
}

// ---------------------------------------------------------------------------------------
// Reading a .docx back

#[derive(Debug, Default, Clone)]
struct WPara {
    style: String,
    text: String,
    numbered: bool,
    page_break: bool,
}

#[derive(Debug, Default)]
struct WDoc {
    paras: Vec<WPara>,
    /// Each table's cell texts, row by row.
    tables: Vec<Vec<Vec<String>>>,
    parts: std::collections::BTreeMap<String, String>,
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP package");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            out.insert(name, s);
        } else {
            out.insert(name, String::new());
        }
    }
    out
}

fn read_docx(bytes: &[u8]) -> WDoc {
    use quick_xml::events::Event;
    let parts = unzip(bytes);
    let xml = parts.get("word/document.xml").expect("word/document.xml");
    let mut r = quick_xml::Reader::from_str(xml);
    let mut doc = WDoc::default();
    let mut para: Option<WPara> = None;
    let mut in_t = false;
    let mut table_depth = 0;
    let mut cell: Option<String> = None;
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                };
                match e.name().as_ref() {
                    b"w:p" => para = Some(WPara::default()),
                    b"w:pStyle" => {
                        if let Some(p) = para.as_mut() {
                            p.style = attr(b"w:val").unwrap_or_default();
                        }
                    }
                    b"w:numPr" => {
                        if let Some(p) = para.as_mut() {
                            p.numbered = true;
                        }
                    }
                    b"w:pageBreakBefore" => {
                        if let Some(p) = para.as_mut() {
                            p.page_break = true;
                        }
                    }
                    b"w:t" => in_t = true,
                    b"w:tbl" => {
                        table_depth += 1;
                        doc.tables.push(Vec::new());
                    }
                    b"w:tr" => {
                        if let Some(t) = doc.tables.last_mut() {
                            t.push(Vec::new());
                        }
                    }
                    b"w:tc" => cell = Some(String::new()),
                    _ => {}
                }
            }
            Event::Text(t) if in_t => {
                let s = t.xml10_content().unwrap().into_owned();
                if let Some(p) = para.as_mut() {
                    p.text.push_str(&s);
                }
                if let Some(c) = cell.as_mut() {
                    c.push_str(&s);
                }
            }
            Event::GeneralRef(g) if in_t => {
                let name: &[u8] = &g;
                let s = match name {
                    b"amp" => "&",
                    b"lt" => "<",
                    b"gt" => ">",
                    b"quot" => "\"",
                    _ => "'",
                };
                if let Some(p) = para.as_mut() {
                    p.text.push_str(s);
                }
                if let Some(c) = cell.as_mut() {
                    c.push_str(s);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_t = false,
                b"w:p" => {
                    if let Some(p) = para.take() {
                        if table_depth == 0 {
                            doc.paras.push(p);
                        }
                    }
                }
                b"w:tc" => {
                    if let (Some(c), Some(t)) = (cell.take(), doc.tables.last_mut()) {
                        if let Some(row) = t.last_mut() {
                            row.push(c);
                        }
                    }
                }
                b"w:tbl" => table_depth -= 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    doc.parts = parts;
    doc
}

/// Text of the elements `tag` in `html`, tags inside stripped.
fn html_texts(html: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if !after.starts_with(['>', ' ']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let Some(end) = after.find(&close) else { break };
        let inner = &after[gt + 1..end];
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        out.push(
            text.replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .trim()
                .to_string(),
        );
        rest = &after[end..];
    }
    out
}

#[test]
fn a_module_handout_exports_with_word_styles() {
    let tmp = tempfile::tempdir().unwrap();
    let root = common::repo_root();
    let r = root.to_str().unwrap();
    // The handout as the site publishes it.
    let public = tmp.path().join("public");
    zhiku(
        &["build", "--root", r, "--output", public.to_str().unwrap()],
        tmp.path(),
    )
    .expect_code(0);
    let print = read(&public.join("courses/party-spirit/print/index.html"));

    let out = tmp.path().join("党性教育.docx");
    let run = zhiku(
        &[
            "export",
            "courses/party-spirit",
            "--docx",
            "--root",
            r,
            "--output",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    run.expect_code(0);
    assert!(
        run.stdout.contains("exported “不忘初心党性教育”"),
        "{}",
        run.stdout
    );
    let doc = read_docx(&std::fs::read(&out).unwrap());

    // Styles: Heading 1–3 in 黑体, the body in 宋体, as East Asian fonts.
    let styles = &doc.parts["word/styles.xml"];
    for id in ["Heading1", "Heading2", "Heading3"] {
        let i = styles
            .find(&format!(r#"w:styleId="{id}""#))
            .unwrap_or_else(|| panic!("no {id}"));
        let style = &styles[i..i + styles[i..].find("</w:style>").unwrap()];
        assert!(style.contains(r#"w:eastAsia="黑体""#), "{style}");
        assert!(style.contains("<w:outlineLvl"), "{style}");
        assert!(
            style.contains(&format!(r#"<w:name w:val="heading {}"/>"#, &id[7..])),
            "{style}"
        );
    }
    let defaults = &styles[..styles.find("</w:docDefaults>").unwrap()];
    assert!(defaults.contains(r#"w:eastAsia="宋体""#), "{defaults}");
    assert!(doc.parts["word/fontTable.xml"]
        .contains(r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/>"#));
    assert!(doc.parts["word/numbering.xml"].contains(r#"<w:numFmt w:val="bullet"/>"#));
    assert!(doc.parts["word/numbering.xml"].contains(r#"<w:numFmt w:val="decimal"/>"#));
    assert!(doc.parts["[Content_Types].xml"].contains("wordprocessingml.document.main+xml"));

    // The title, then every lesson as Heading 1 on a new page, in the handout's order.
    // (After the cover's kicker line, 知库 · 课程讲义.)
    let title = doc.paras.iter().position(|p| p.style == "Title");
    assert!(title.is_some_and(|i| i <= 1), "{:?}", &doc.paras[..3]);
    assert_eq!(doc.paras[title.unwrap_or(0)].text, "不忘初心党性教育");
    let lessons: Vec<&WPara> = doc.paras.iter().filter(|p| p.style == "Heading1").collect();
    let html_lessons: Vec<String> = html_texts(&print, "h1").into_iter().skip(1).collect();
    // Three lessons, then the appendix of case passages and the self-check answers.
    assert_eq!(lessons.len(), 5, "{lessons:?}");
    assert_eq!(
        lessons.iter().map(|p| p.text.clone()).collect::<Vec<_>>(),
        html_lessons
    );
    assert!(lessons.iter().all(|p| p.page_break), "{lessons:?}");
    // Every h2 and h3 of the handout, as Heading 2 and 3, in order.
    for (tag, style) in [("h2", "Heading2"), ("h3", "Heading3")] {
        let want = html_texts(&print, tag);
        let got: Vec<String> = doc
            .paras
            .iter()
            .filter(|p| p.style == style)
            .map(|p| p.text.clone())
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want, "{tag}");
    }
    // Lists have Word numbering; tables are Word tables with the same cells.
    assert!(doc.paras.iter().filter(|p| p.numbered).count() > 10);
    assert_eq!(doc.tables.len(), print.matches("<table").count());
    // The cover's table (audience, hours, …), then the module's schedule.
    assert!(
        doc.tables
            .iter()
            .any(|t| t[0] == vec!["课次", "课程", "学时", "主要案例"]),
        "{:?}",
        doc.tables.iter().map(|t| &t[0]).collect::<Vec<_>>()
    );
    assert!(doc.parts["word/document.xml"].contains(r#"<w:tblStyle w:val="TableGrid"/>"#));
    // The handout's table of contents links to its lessons: every internal link has its
    // bookmark.
    let xml = &doc.parts["word/document.xml"];
    let anchors: Vec<&str> = xml
        .split(r#"<w:hyperlink w:anchor=""#)
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert!(anchors.len() >= 3, "{anchors:?}");
    for a in anchors {
        assert!(
            xml.contains(&format!(r#"w:name="{a}"/>"#)),
            "no bookmark {a}"
        );
    }

    // An existing file is not replaced without --force; errors name what to do.
    let again = zhiku(
        &[
            "export",
            "party-spirit",
            "--docx",
            "--root",
            r,
            "--output",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    again.expect_code(1);
    again.expect_stderr(&["already exists", "--force"]);
    zhiku(
        &[
            "export",
            "party-spirit",
            "--docx",
            "--force",
            "--root",
            r,
            "--output",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    )
    .expect_code(0);
    let wrong = zhiku(
        &["export", "party-spirt", "--docx", "--root", r],
        tmp.path(),
    );
    wrong.expect_code(1);
    wrong.expect_stderr(&[
        "no module `party-spirt`",
        "did you mean `courses/party-spirit`",
    ]);
    zhiku(&["export", "party-spirit", "--root", r], tmp.path()).expect_code(2);
}

#[test]
fn round_trip_import_build_export_keeps_every_heading_and_table() {
    let (tmp, site) = new_site();
    let s = site.to_str().unwrap();
    let input = write_xiaoyi(tmp.path());
    zhiku(
        &[
            "import",
            input.to_str().unwrap(),
            fixture("lo-nanning.docx").to_str().unwrap(),
            "--root",
            s,
            "--section",
            "courses/community-governance",
        ],
        tmp.path(),
    )
    .expect_code(0);
    zhiku(&["build", "--drafts", "--root", s], tmp.path()).expect_code(0);
    let out = tmp.path().join("讲义.docx");
    let run = zhiku(
        &[
            "export",
            "community-governance",
            "--docx",
            "--drafts",
            "--root",
            s,
            "--output",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    run.expect_code(0);
    let doc = read_docx(&std::fs::read(&out).unwrap());
    let headings: Vec<String> = doc
        .paras
        .iter()
        .filter(|p| p.style.starts_with("Heading"))
        .map(|p| p.text.clone())
        .collect();
    let cells: Vec<String> = doc.tables.iter().flatten().flatten().cloned().collect();
    let module = site.join("content/courses/community-governance");
    let pages = [
        module.join("孝义市社会组织党建工作的实践与思考/index.md"),
        module.join("南宁市基层党组织建设的实践与启示/index.md"),
    ];
    let mut checked = 0;
    for page in &pages {
        let md = read(page);
        for line in md.lines() {
            if let Some(h) = line.strip_prefix('#') {
                let h = h.trim_start_matches('#').trim();
                assert!(
                    headings.iter().any(|x| x == h),
                    "heading {h:?} of {} lost: {headings:?}",
                    page.display()
                );
                checked += 1;
            }
            if line.starts_with('|') && !line.starts_with("|---") {
                for c in line.trim_matches('|').split(" | ") {
                    let c = c.trim();
                    if !c.is_empty() {
                        assert!(
                            cells.iter().any(|x| x == c),
                            "table cell {c:?} lost: {cells:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 20, "{checked}");
    // Both imported pages are lessons of the handout, each on its own page.
    for title in [
        "孝义市社会组织党建工作的实践与思考",
        "南宁市基层党组织建设的实践与启示",
    ] {
        assert!(
            doc.paras
                .iter()
                .any(|p| p.style == "Heading1" && p.text.ends_with(title) && p.page_break),
            "{title}"
        );
    }
    // Footnotes come out as one paragraph each, label and text, in the footnote style.
    assert!(
        doc.paras.iter().any(|p| p.style == "FootnoteText"
            && p.text.starts_with('1')
            && p.text
                .contains("南宁市把群众满意度作为考核基层党组织的重要依据。")),
        "{:?}",
        doc.paras
            .iter()
            .filter(|p| p.style == "FootnoteText")
            .collect::<Vec<_>>()
    );
    // The picture came along.
    assert!(
        doc.parts.keys().any(|k| k.starts_with("word/media/")),
        "{:?}",
        doc.parts.keys()
    );
}

/// A .docx written by hand, for what neither docx-rs nor LibreOffice's converter writes:
/// endnotes, simple and complex fields, a table of contents, hidden text, a symbol, an
/// equation, SmartArt, a chart, a text box inside `mc:AlternateContent`, links to a bookmark
/// and to a local file, a one-cell table, and a styled heading with its number typed.
fn tianjin_docx() -> Vec<u8> {
    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:v="urn:schemas-microsoft-com:vml""#;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W} mc:Ignorable=""><w:body>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>天津市社会组织党建的探索</w:t></w:r></w:p>
<w:p><w:r><w:t>贾锡萍 王美婧</w:t></w:r></w:p>
<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>目录 一、实践探索……1</w:t></w:r></w:p></w:sdtContent></w:sdt>
<w:p><w:r><w:t>天津市把</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>内部备注</w:t></w:r><w:r><w:t>党建工作落到支部</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r><w:r><w:t>。</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:bookmarkStart w:id="0" w:name="_Toc1"/><w:r><w:t>一、实践探索</w:t></w:r><w:bookmarkEnd w:id="0"/></w:p>
<w:p><w:r><w:t>见第</w:t></w:r><w:fldSimple w:instr=" PAGEREF _Toc1 \h "><w:r><w:t>3</w:t></w:r></w:fldSimple><w:r><w:t>页；</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://www.tj.gov.cn/" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>天津政务网</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>；</w:t></w:r><w:hyperlink w:anchor="_Toc1"><w:r><w:t>回到实践探索</w:t></w:r></w:hyperlink><w:r><w:t>；</w:t></w:r><w:hyperlink r:id="rIdFile"><w:r><w:t>本地文件</w:t></w:r></w:hyperlink><w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>
<w:p><m:oMathPara><m:oMath><m:r><m:t>x=1</m:t></m:r></m:oMath></m:oMathPara></w:p>
<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="组织架构"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram"/></a:graphic></wp:inline></w:drawing></w:r></w:p>
<w:p><w:r><w:drawing><wp:inline><wp:docPr id="2" name="图表 1"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/></a:graphic></wp:inline></w:drawing></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="3" name="文本框 3"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>专栏：天津经验</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>专栏：天津经验</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>正文继续。</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>一格表格里的提示语</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:sectPr/></w:body></w:document>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style></w:styles>"#
    );
    let endnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:endnotes {W}><w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:endnote><w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t xml:space="preserve"> 数据来自天津市委组织部。</w:t></w:r></w:p></w:endnote></w:endnotes>"#
    );
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdE" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes" Target="endnotes.xml"/><Relationship Id="rIdFile" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="file:///C:/资料/旧稿.doc" TargetMode="External"/></Relationships>"#;
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in [
        ("[Content_Types].xml", types.to_string()),
        ("_rels/.rels", root_rels.to_string()),
        ("word/document.xml", document),
        ("word/styles.xml", styles),
        ("word/endnotes.xml", endnotes),
        ("word/_rels/document.xml.rels", rels.to_string()),
    ] {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, body.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn fields_notes_and_what_cannot_be_converted_are_reported() {
    let (tmp, site) = new_site();
    let input = tmp.path().join("天津.docx");
    std::fs::write(&input, tianjin_docx()).unwrap();
    let run = zhiku(
        &[
            "import",
            input.to_str().unwrap(),
            "--root",
            site.to_str().unwrap(),
        ],
        tmp.path(),
    );
    run.expect_code(0);
    let md = read(&site.join("content/cases/天津市社会组织党建的探索.md"));
    assert!(
        md.starts_with("---\ntitle: 天津市社会组织党建的探索\ndraft: true\nsource:\n  title: 天津市社会组织党建的探索\n  author: 贾锡萍、王美婧\n---\n"),
        "{md}"
    );
    assert!(!md.contains("目录"), "{md}");
    assert!(md.contains("\n天津市把党建工作落到支部[^1]。\n"), "{md}");
    assert!(md.contains("\n## 实践探索\n"), "{md}");
    assert!(
        md.contains("\n见第3页；[天津政务网](https://www.tj.gov.cn/)；[回到实践探索](#实践探索)；本地文件\n"),
        "{md}"
    );
    assert!(md.contains("\n正文继续。\n"), "{md}");
    assert!(md.contains("\n> 一格表格里的提示语\n"), "{md}");
    assert!(md.contains("\n[^1]: 数据来自天津市委组织部。\n"), "{md}");
    run.expect_stderr(&[
        "the table of contents (目录) was left out",
        "hidden text (隐藏文字) was left out: “内部备注”",
        "field(s) PAGEREF (域) kept as the text Word last showed",
        "a link to “file:///C:/资料/旧稿.doc” (not a web address) was kept as plain text: “本地文件”",
        "a symbol from the font Wingdings was left out",
        "an equation (公式) was left out: “x=1”",
        "a SmartArt graphic (“组织架构”) was left out",
        "a chart (图表) (“图表 1”) was left out",
        "a text box (文本框) was left out; its text was: “专栏：天津经验”",
    ]);
    // The text box is reported once, not once for Word's fallback copy as well.
    assert_eq!(
        run.stderr.matches("专栏：天津经验").count(),
        1,
        "{}",
        run.stderr
    );
    zhiku(
        &["check", "--drafts", "--root", site.to_str().unwrap()],
        tmp.path(),
    )
    .expect_code(0);
}

#[test]
fn damaged_documents_never_panic() {
    // Every truncation and many one-byte corruptions of real documents end in a converted
    // page or an error, never a panic or a hang.
    for name in ["lo-nanning.docx", "lo-gulou.docx"] {
        let whole = std::fs::read(fixture(name)).unwrap();
        for cut in (0..whole.len()).step_by(whole.len() / 60 + 1) {
            let _ = zhiku::docx::import::convert(whole[..cut].to_vec(), name);
        }
        let mut seed = 0x9E37_79B9u32;
        for _ in 0..200 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let mut bytes = whole.clone();
            let at = seed as usize % bytes.len();
            bytes[at] ^= (seed >> 8) as u8 | 1;
            let _ = zhiku::docx::import::convert(bytes, name);
        }
    }
    let xiaoyi = xiaoyi_docx();
    assert!(zhiku::docx::import::convert(xiaoyi, "孝义.docx").is_ok());
}
