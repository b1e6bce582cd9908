//! Charts (issue 21): ```` ```chart ```` blocks and front-matter `extra.figures` drawn as
//! inline SVG at build time; the SVG's text and bar heights follow the data; bad chart data
//! is a build error naming the file and line.

use crate::common;

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
        // Pie charts: one series, a total above zero, no negative share, a legend that fits.
        (
            "---\ntitle: 数据\n---\n\n```chart\ntype: pie\nlabels: [a, b]\nseries:\n  - name: 甲\n    values: [1, 2]\n  - name: 乙\n    values: [3, 4]\n```\n",
            &["error: chart: a pie chart has exactly one series, this one has 2; draw several series as bars or lines", "content/p.md:11"],
        ),
        (
            "---\ntitle: 数据\n---\n\n```chart\ntype: pie\nlabels: [a, b]\nvalues: [0, 0]\n```\n",
            &["error: chart: the values of a pie chart add up to zero; a pie shows shares of a total", "content/p.md:8"],
        ),
        (
            "---\ntitle: 数据\n---\n\n```chart\ntype: pie\nlabels: [a, b]\nvalues: [3, -1]\n```\n",
            &["error: chart: negative values cannot be drawn; every value must be zero or more", "content/p.md:8"],
        ),
        (
            "---\ntitle: 数据\n---\n\n```chart\ntype: pie\nlabels: [a, b, c, d, e, f, g, h, i, j, k, l, m]\nvalues: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n```\n",
            &["error: chart: a pie chart has room for 12 slices in its legend, this one has 13; group the smallest into one (其他), or draw bars", "content/p.md:8"],
        ),
        (
            "---\ntitle: 数据\n---\n\n```chart\ntype: pie\nlabels: [a, b]\nvalues: [3]\n```\n",
            &["error: chart: 2 labels but 1 values in series; give one value per label", "content/p.md:8"],
        ),
        (
            "---\ntitle: 数据\nextra:\n  figures:\n    - title: 构成\n      chart: pie\n      data:\n        - { label: a, value: 0 }\n---\n正文。\n",
            &["error: chart: the values of a pie chart add up to zero", "content/p.md:5"],
        ),
    ];
    for (page, expected) in cases {
        let mut files = SITE.to_vec();
        files.push(("content/p.md", page));
        let f = Fixture::new(&files);
        f.build(&[]).expect_code(1).expect_stderr(expected);
        assert!(!f.root().join("public").exists(), "nothing published");
    }
}

/// The numbers of a pie slice's path `M cx,cy L x1,y1 A r,r 0 large 1 x2,y2 Z`:
/// (x1, y1, r, large, x2, y2).
fn slice(d: &str) -> (f64, f64, f64, u8, f64, f64) {
    let n: Vec<f64> = d
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    // M cx cy L x1 y1 A rx ry rotation large sweep x2 y2
    assert_eq!(n.len(), 11, "{d}");
    assert_eq!((n[0], n[1]), (PIE_CX, PIE_CY), "{d}: centre");
    assert_eq!(
        (n[4], n[5], n[6], n[8]),
        (n[4], n[4], 0.0, 1.0),
        "{d}: circular, clockwise"
    );
    (n[2], n[3], n[4], n[7] as u8, n[9], n[10])
}

const PIE_CX: f64 = 170.0;
const PIE_CY: f64 = 168.0;

/// The angle of a point on the pie, in degrees clockwise from the top (0..360).
fn clock(x: f64, y: f64) -> f64 {
    let a = (x - PIE_CX).atan2(PIE_CY - y).to_degrees();
    if a < -1e-6 {
        a + 360.0
    } else {
        a.max(0.0)
    }
}

#[test]
fn pie_slices_follow_the_data() {
    let mut files = SITE.to_vec();
    let page = "---\ntitle: 数据\n---\n\n```chart\ntype: pie\ntitle: 市属社会组织党组织覆盖情况\nunit: 个\nlabels: [已建党组织, 未建党组织, 待核实]\nvalues: [1111, 349, 0]\n```\n\n```chart\ntype: pie\ntitle: 三项\nlabels: [甲, 乙, 丙]\nvalues: [20, 50, 30]\n```\n\n```chart\ntype: pie\ntitle: 全部\nunit: \"%\"\nlabels: [已覆盖]\nvalues: [100]\n```\n";
    files.push(("content/p.md", page));
    let f = Fixture::new(&files);
    f.build(&[]).expect_code(0);
    let html = f.read("p/index.html");

    let first = common::between(
        &html,
        "<figure class=\"chart chart-pie\" id=\"chart-1\"",
        "</figure>",
    );
    assert!(first.contains("<figcaption>市属社会组织党组织覆盖情况（单位：个）</figcaption>"));
    assert!(first.contains("<title id=\"chart-1-t\">市属社会组织党组织覆盖情况</title>"));
    assert!(first.contains(
        "<desc id=\"chart-1-d\">已建党组织：1111个；未建党组织：349个；待核实：0个。</desc>"
    ));
    let svg = common::between(first, "<svg", "</svg>");
    // One slice per non-zero value, in order, from the top clockwise; each spans its share
    // of 360°, and the slices close the circle.
    let paths = attrs(svg, "path", "d");
    assert_eq!(paths.len(), 2, "a zero value has no slice: {paths:?}");
    assert_eq!(attrs(svg, "path", "data-value"), ["1111", "349"]);
    let total = 1111.0 + 349.0;
    let mut at = 0.0;
    for (d, (v, large)) in paths.iter().zip([(1111.0, 1), (349.0, 0)]) {
        let (x1, y1, r, l, x2, y2) = slice(d);
        assert_eq!(r, 120.0);
        for (x, y) in [(x1, y1), (x2, y2)] {
            let dist = ((x - PIE_CX).powi(2) + (y - PIE_CY).powi(2)).sqrt();
            assert!((dist - 120.0).abs() < 0.01, "{d}: on the circle");
        }
        let start = clock(x1, y1);
        let mut end = clock(x2, y2);
        if end <= start + 1e-6 {
            end += 360.0;
        }
        assert!(
            (start - at).abs() < 0.01,
            "{d}: starts at {start}, not {at}"
        );
        let span = v / total * 360.0;
        assert!(
            (end - start - span).abs() < 0.01,
            "{d}: spans {} not {span}",
            end - start
        );
        assert_eq!(l, large, "{d}: large-arc flag (more than half)");
        at = end;
    }
    assert!(
        (at - 360.0).abs() < 0.01,
        "the slices close the circle at {at}"
    );
    // The legend: a swatch of the slice's colour, label, value and share of the total.
    assert_eq!(
        texts(svg, "chart-label"),
        [
            "已建党组织：1111个（76.1%）",
            "未建党组织：349个（23.9%）",
            "待核实：0个（0%）"
        ]
    );
    let classes = attrs(svg, "path", "class");
    assert_eq!(classes, ["chart-slice chart-c1", "chart-slice chart-c2"]);
    let swatches: Vec<String> = attrs(svg, "rect", "class");
    assert_eq!(swatches, ["chart-c1", "chart-c2", "chart-c3"]);
    assert!(first.contains("<tr><th scope=\"row\">未建党组织</th><td>349</td></tr>"));

    // 20 : 50 : 30 — the middle one is exactly half (no large arc), the others 72° and 108°.
    let second = common::between(&html, "id=\"chart-2\"", "</figure>");
    let spans: Vec<(f64, u8)> = attrs(second, "path", "d")
        .iter()
        .map(|d| {
            let (x1, y1, _, l, x2, y2) = slice(d);
            let (s, mut e) = (clock(x1, y1), clock(x2, y2));
            if e <= s + 1e-6 {
                e += 360.0;
            }
            ((e - s).round(), l)
        })
        .collect();
    assert_eq!(spans, [(72.0, 0), (180.0, 0), (108.0, 0)]);
    assert_eq!(
        texts(second, "chart-label"),
        ["甲：20（20%）", "乙：50（50%）", "丙：30（30%）"]
    );

    // One value is the whole: a full circle, not a degenerate arc.
    let third = common::between(&html, "id=\"chart-3\"", "</figure>");
    assert!(!third.contains("<path"));
    assert!(third.contains(&format!(
        "<circle class=\"chart-slice chart-c1\" cx=\"{PIE_CX}\" cy=\"{PIE_CY}\" r=\"120\" data-value=\"100\"/>"
    )));
    assert_eq!(texts(third, "chart-label"), ["已覆盖：100%（100%）"]);
}

#[test]
fn lines_and_grouped_bars_follow_the_data() {
    let mut files = SITE.to_vec();
    let page = "---\ntitle: 数据\n---\n\n```chart\ntype: line\ntitle: 党员人数\nunit: 人\nlabels: [2019年, 2020年, 2021年, 2022年]\nseries:\n  - name: 正式党员\n    values: [96, 119, 153, 163]\n  - name: 预备党员\n    values: [10, 12, 8, 15]\n```\n\n```chart\ntype: bar\ntitle: 组织数\nunit: 个\nlabels: [2015年, 2016年]\nseries:\n  - name: 社会组织\n    values: [1000, 1460]\n  - name: 党组织\n    values: [400, 1111]\n```\n";
    files.push(("content/p.md", page));
    let f = Fixture::new(&files);
    f.build(&[]).expect_code(0);
    let html = f.read("p/index.html");

    // Line: the axis ends at 200 (above 163); points at the middle of equal slots, y from
    // the value; each series' polyline goes through its points.
    let line = common::between(&html, "id=\"chart-1\"", "</figure>");
    assert!(line.contains(
        "<desc id=\"chart-1-d\">正式党员——2019年：96人；2020年：119人；2021年：153人；2022年：163人。预备党员——2019年：10人；2020年：12人；2021年：8人；2022年：15人。</desc>"
    ));
    assert_eq!(texts(line, "chart-tick"), ["0", "50", "100", "150", "200"]);
    let slot = (640.0 - 48.0 - 16.0) / 4.0;
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let cx: Vec<f64> = attrs(line, "circle", "cx")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let cy: Vec<f64> = attrs(line, "circle", "cy")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let values = [96.0, 119.0, 153.0, 163.0, 10.0, 12.0, 8.0, 15.0];
    assert_eq!(cx.len(), 8);
    for (i, v) in values.iter().enumerate() {
        assert_eq!(
            cx[i],
            round(48.0 + slot * ((i % 4) as f64 + 0.5)),
            "x of {v}"
        );
        assert_eq!(cy[i], round(236.0 - v / 200.0 * 200.0), "y of {v}");
    }
    let polylines = attrs(line, "polyline", "points");
    assert_eq!(polylines.len(), 2);
    for (k, points) in polylines.iter().enumerate() {
        let expected: Vec<String> = (0..4)
            .map(|i| format!("{},{}", cx[k * 4 + i], cy[k * 4 + i]))
            .collect();
        assert_eq!(points, &expected.join(" "), "series {k}");
    }
    assert_eq!(
        texts(line, "chart-value"),
        ["96人", "119人", "153人", "163人", "10人", "12人", "8人", "15人"]
    );
    // The legend names both series.
    assert_eq!(texts(line, "chart-label")[..2], ["正式党员", "预备党员"]);

    // Grouped bars: per label one bar per series side by side, heights from the values
    // on an axis ending at 1600 (quarters of 400).
    let bars = common::between(&html, "id=\"chart-2\"", "</figure>");
    assert_eq!(
        texts(bars, "chart-tick"),
        ["0", "400", "800", "1200", "1600"]
    );
    let num = |name: &str| -> Vec<f64> {
        attrs(bars, "rect", name)
            .iter()
            .map(|v| v.parse().unwrap())
            .collect()
    };
    // The first two rects are the legend's swatches.
    let (x, y, w, h) = (num("x"), num("y"), num("width"), num("height"));
    let (x, y, w, h) = (&x[2..], &y[2..], &w[2..], &h[2..]);
    let order = [1000.0, 400.0, 1460.0, 1111.0];
    for (i, v) in order.iter().enumerate() {
        assert_eq!(h[i], round(v / 1600.0 * 200.0), "height of {v}");
        // (each rounded to two decimals on its own)
        assert!(
            (y[i] + h[i] - 236.0).abs() <= 0.011,
            "{v} stands on the axis"
        );
    }
    assert!(w.iter().all(|&b| b == w[0]), "equal widths {w:?}");
    assert!(x[0] < x[1] && x[1] < x[2] && x[2] < x[3], "{x:?}");
    assert_eq!(
        round(x[1] - x[0]),
        round(x[3] - x[2]),
        "same offset in each group"
    );
    assert_eq!(
        texts(bars, "chart-value"),
        ["1000个", "400个", "1460个", "1111个"]
    );
    assert_eq!(
        attrs(bars, "rect", "class")[2..],
        [
            "chart-bar chart-c1",
            "chart-bar chart-c2",
            "chart-bar chart-c1",
            "chart-bar chart-c2"
        ]
    );
}
