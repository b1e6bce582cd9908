//! Charts (issue 21): ```` ```chart ```` blocks and front-matter `extra.figures` drawn as
//! inline SVG at build time; the SVG's text and bar heights follow the data; bad chart data
//! is a build error naming the file and line.

mod common;

use common::Fixture;

/// `(attribute value)` of every `<tag … name="…">` in `svg`, in order.
fn attrs(svg: &str, tag: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let open = format!("<{tag} ");
    let mut rest = svg;
    while let Some(i) = rest.find(&open) {
        let t = &rest[i..i + rest[i..].find('>').unwrap()];
        if let Some(a) = t.find(&format!(" {name}=\"")) {
            let v = &t[a + name.len() + 3..];
            out.push(v[..v.find('"').unwrap()].to_string());
        }
        rest = &rest[i + 1..];
    }
    out
}

fn texts(svg: &str, class: &str) -> Vec<String> {
    let open = format!("<text class=\"{class}\"");
    svg.match_indices(&open)
        .map(|(i, _)| {
            let t = &svg[i..];
            let start = t.find('>').unwrap() + 1;
            common::strip_tags(&t[start..t.find("</text>").unwrap()])
        })
        .collect()
}

const SITE: &[(&str, &str)] = &[("content/_index.md", "---\ntitle: 首页\n---\n")];

#[test]
fn fenced_chart_bars_follow_the_data() {
    let mut files = SITE.to_vec();
    let page = "---\ntitle: 数据\n---\n\n正文。\n\n```chart\ntype: bar\ntitle: 孝义市社会组织党建基本数据\nunit: 户\nlabels: [登记在册社会组织, 浙商商会党支部覆盖商家]\nvalues: [101, 55]\n```\n\n```chart\ntype = \"bar\"\ntitle = \"覆盖率\"\nunit = \"%\"\nlabels = [\"2010年\", \"2016年底\"]\nvalues = [11.66, 98.1]\n```\n";
    files.push(("content/p.md", page));
    let f = Fixture::new(&files);
    f.build(&[]).expect_code(0);
    let html = f.read("p/index.html");
    let first = common::between(
        &html,
        "<figure class=\"chart chart-bar\" id=\"chart-1\"",
        "</figure>",
    );
    assert!(first.contains("<title id=\"chart-1-t\">孝义市社会组织党建基本数据</title>"));
    assert!(first.contains(
        "<desc id=\"chart-1-d\">登记在册社会组织：101户；浙商商会党支部覆盖商家：55户。</desc>"
    ));
    assert!(first.contains("role=\"img\" aria-labelledby=\"chart-1-t chart-1-d\""));
    // Heights: value / top of the axis × plot height (200). The axis ends at 120, the
    // round number above 101 whose quarters (30, 60, 90) are round.
    let svg = common::between(first, "<svg", "</svg>");
    let heights: Vec<f64> = attrs(svg, "rect", "height")
        .iter()
        .map(|h| h.parse().unwrap())
        .collect();
    let h = |v: f64| (v / 120.0 * 200.0 * 100.0f64).round() / 100.0;
    assert_eq!(heights, [h(101.0), h(55.0)]);
    assert_eq!(texts(svg, "chart-tick"), ["0", "30", "60", "90", "120"]);
    // Bars stand on the axis: y + height is the same for all.
    let ys: Vec<f64> = attrs(svg, "rect", "y")
        .iter()
        .map(|h| h.parse().unwrap())
        .collect();
    assert_eq!(ys[0] + heights[0], ys[1] + heights[1]);
    assert_eq!(texts(svg, "chart-value"), ["101户", "55户"]);
    assert_eq!(
        texts(svg, "chart-label"),
        ["登记在册社会组织", "浙商商会党支部覆盖商家"]
    );
    // The data table behind a 数据表 toggle (no JavaScript).
    assert!(first.contains("<details class=\"chart-data\"><summary>数据表</summary><table>"));
    assert!(first.contains("<tr><th scope=\"row\">登记在册社会组织</th><td>101</td></tr>"));
    // TOML body; percentages are scaled to 100.
    let second = common::between(&html, "id=\"chart-2\"", "</figure>");
    let heights: Vec<String> = attrs(second, "rect", "height");
    assert_eq!(heights, ["23.32", "196.2"]);
    assert_eq!(texts(second, "chart-value"), ["11.66%", "98.1%"]);
    // The block is not shown as code.
    assert!(!html.contains("language-chart"));
}

#[test]
fn bundled_cases_draw_their_figures() {
    let out = tempfile::tempdir().unwrap();
    common::zhiku()
        .args(["build", "--root"])
        .arg(common::repo_root())
        .arg("--output")
        .arg(out.path())
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(0);
    let gulou = std::fs::read_to_string(out.path().join("cases/gulou/index.html")).unwrap();
    // 自管党员人数变化 (kind: series) as a line; 年龄结构 as bars.
    let line = common::between(&gulou, "id=\"figure-1\"", "</figure>");
    assert!(line.contains("<title id=\"figure-1-t\">莫愁新寓社区自管党员人数变化</title>"));
    assert_eq!(
        attrs(line, "circle", "data-value"),
        ["96", "119", "153", "163"]
    );
    // y of each point: 236 (the axis) − value / 163 × 200.
    let cy: Vec<f64> = attrs(line, "circle", "cy")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    for (y, v) in cy.iter().zip([96.0, 119.0, 153.0, 163.0]) {
        assert!(
            // 236 is the axis; the top of the axis is 200 (above 163).
            (y - (236.0 - v / 200.0 * 200.0)).abs() < 0.01,
            "{y} for {v}"
        );
    }
    let bars = common::between(&gulou, "id=\"figure-2\"", "</figure>");
    assert_eq!(
        texts(bars, "chart-value"),
        ["17人", "12人", "17人", "21人", "96人"]
    );
    // 96 of an axis ending at 100.
    assert_eq!(attrs(bars, "rect", "height")[4], "192");
    let tianjin = std::fs::read_to_string(out.path().join("cases/tianjin/index.html")).unwrap();
    assert!(tianjin.contains("<desc id=\"figure-1-d\">2010年：11.66%；2016年底：98.1%。</desc>"));
    assert!(tianjin
        .contains("<desc id=\"figure-2-d\">市属社会组织：1460个；社会组织党组织：1111个。</desc>"));
}

#[test]
fn bad_chart_data_is_an_error_with_file_and_line() {
    let cases: &[(&str, &[&str])] = &[
        (
            "---\ntitle: 数据\n---\n\n```chart\ntype: bar\nlabels: [a, b, c]\nseries:\n  - name: 人数\n    values: [1, 2]\n```\n",
            &["error: chart: 3 labels but 2 values in series `人数`; give one value per label", "content/p.md:9"],
        ),
        (
            "---\ntitle: 数据\n---\n\n正文。\n\n```chart\ntype: donut\nlabels: [a]\nvalues: [1]\n```\n",
            &["error: chart: unknown type `donut`; use `bar`, `line` or `pie`", "content/p.md:8"],
        ),
        (
            "---\ntitle: 数据\n---\n```chart\nlabels: [a, b]\nvalues: [1, \"98.1%\"]\n```\n",
            &["error: chart: value `98.1%` in series 1 is not a number", "content/p.md:6"],
        ),
        (
            "---\ntitle: 数据\nextra:\n  figures:\n    - title: 覆盖率\n      unit: \"%\"\n      data:\n        - { label: a, value: 百分之百 }\n---\n正文。\n",
            &["error: chart: value `百分之百` in series `覆盖率` is not a number", "content/p.md:5"],
        ),
    ];
    for (page, expected) in cases {
        let mut files = SITE.to_vec();
        files.push(("content/p.md", page));
        let f = Fixture::new(&files);
        f.build(&[]).expect_code(1).expect_stderr(expected);
        assert!(!f.exists("public"), "nothing published");
    }
}
