//! Drawing a checked chart: the `<figure>` with its caption, the SVG (axis, grid, labels,
//! legend, and bars, lines or pie slices) with a `<title>` and a `<desc>` reading out every
//! value, and the data table behind a 数据表 toggle.

use std::fmt::Write as _;

use super::{Chart, Type, FONT, HEIGHT, PLOT_H, PLOT_W, PLOT_X, PLOT_Y, WIDTH};

impl Chart {
    /// The value every bar and point is scaled by (the top of the axis): 100 for percentages
    /// up to 100, else the smallest "round" number at or above the largest value whose
    /// quarters are round too (four grid lines): 4 × {1, 2, 2.5, 3, 4, 5, 6, 8} × 10^k.
    pub fn scale(&self) -> f64 {
        let max = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max);
        if self.unit.trim() == "%" && max <= 100.0 {
            return 100.0;
        }
        if max <= 0.0 {
            return 1.0;
        }
        let step = max / 4.0;
        let mag = 10f64.powf(step.log10().floor());
        for m in [1.0, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
            if step <= m * mag * (1.0 + 1e-9) {
                return 4.0 * m * mag;
            }
        }
        max
    }

    /// The chart as HTML: figure, SVG and data table. `id` makes its element ids unique in the
    /// page.
    pub fn to_html(&self, id: &str) -> String {
        let mut o = String::with_capacity(4096);
        let kind = match self.kind {
            Type::Bar => "bar",
            Type::Line => "line",
            Type::Pie => "pie",
        };
        let _ = write!(o, "<figure class=\"chart chart-{kind}\" id=\"{id}\">");
        if !self.title.is_empty() {
            let _ = write!(
                o,
                "<figcaption>{}{}</figcaption>",
                esc(&self.title),
                self.unit_caption()
            );
        }
        let _ = write!(
            o,
            "<svg class=\"chart-svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
            esc(if self.title.is_empty() { "图表" } else { &self.title }),
            esc(&self.description())
        );
        match self.kind {
            Type::Bar => self.bars(&mut o),
            Type::Line => self.lines(&mut o),
            Type::Pie => self.pie(&mut o),
        }
        o.push_str("</svg>");
        self.table(&mut o);
        o.push_str("</figure>");
        o
    }

    fn unit_caption(&self) -> String {
        if self.unit.is_empty() {
            String::new()
        } else {
            format!("（单位：{}）", esc(&self.unit))
        }
    }

    /// Every value read out: `2010年：11.66%；2016年底：98.1%。`
    fn description(&self) -> String {
        let mut parts = Vec::new();
        for s in &self.series {
            let vals: Vec<String> = self
                .labels
                .iter()
                .zip(&s.values)
                .map(|(l, v)| format!("{l}：{}{}", number(*v), self.unit))
                .collect();
            if s.name.is_empty() {
                parts.push(vals.join("；"));
            } else {
                parts.push(format!("{}——{}", s.name, vals.join("；")));
            }
        }
        format!("{}。", parts.join("。"))
    }

    fn table(&self, o: &mut String) {
        o.push_str("<details class=\"chart-data\"><summary>数据表</summary><table><thead><tr><th scope=\"col\"></th>");
        if self.series.len() == 1 && self.series[0].name.is_empty() {
            let _ = write!(o, "<th scope=\"col\">数值{}</th>", self.unit_caption());
        } else {
            for s in &self.series {
                let _ = write!(
                    o,
                    "<th scope=\"col\">{}{}</th>",
                    esc(&s.name),
                    self.unit_caption()
                );
            }
        }
        o.push_str("</tr></thead><tbody>");
        for (i, l) in self.labels.iter().enumerate() {
            let _ = write!(o, "<tr><th scope=\"row\">{}</th>", esc(l));
            for s in &self.series {
                let _ = write!(o, "<td>{}</td>", number(s.values[i]));
            }
            o.push_str("</tr>");
        }
        o.push_str("</tbody></table></details>");
    }

    fn axis(&self, o: &mut String) {
        let base = PLOT_Y + PLOT_H;
        let scale = self.scale();
        for k in 0..=4 {
            let y = base - PLOT_H * k as f64 / 4.0;
            let _ = write!(
                o,
                "<line class=\"chart-grid\" x1=\"{PLOT_X}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/><text class=\"chart-tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                PLOT_X + PLOT_W,
                PLOT_X - 6.0,
                y + 4.0,
                number(scale * k as f64 / 4.0)
            );
        }
    }

    /// Category labels under the plot, wrapped to the slot width.
    fn x_labels(&self, o: &mut String, slot: f64) {
        let per_line = ((slot - 4.0) / FONT).floor().max(2.0) as usize;
        for (i, l) in self.labels.iter().enumerate() {
            let cx = PLOT_X + slot * (i as f64 + 0.5);
            let chars: Vec<char> = l.chars().collect();
            let lines: Vec<String> = chars
                .chunks(per_line)
                .take(3)
                .map(|c| c.iter().collect())
                .collect();
            let _ = write!(
                o,
                "<text class=\"chart-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">",
                r(cx),
                PLOT_Y + PLOT_H + 20.0
            );
            for (n, line) in lines.iter().enumerate() {
                let _ = write!(
                    o,
                    "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                    r(cx),
                    if n == 0 { 0.0 } else { FONT + 2.0 },
                    esc(line)
                );
            }
            o.push_str("</text>");
        }
    }

    fn legend(&self, o: &mut String) {
        if self.series.len() < 2 {
            return;
        }
        let mut x = PLOT_X;
        for (n, s) in self.series.iter().enumerate() {
            let _ = write!(
                o,
                "<rect class=\"chart-c{}\" x=\"{x}\" y=\"8\" width=\"12\" height=\"12\"/><text class=\"chart-label\" x=\"{}\" y=\"19\">{}</text>",
                n % 6 + 1,
                x + 16.0,
                esc(&s.name)
            );
            x += 32.0 + s.name.chars().count() as f64 * FONT;
        }
    }

    fn bars(&self, o: &mut String) {
        self.axis(o);
        self.legend(o);
        let slot = PLOT_W / self.labels.len() as f64;
        let n = self.series.len() as f64;
        let group = slot * 0.7;
        let bar_w = group / n;
        let scale = self.scale();
        let base = PLOT_Y + PLOT_H;
        for (i, _) in self.labels.iter().enumerate() {
            for (k, s) in self.series.iter().enumerate() {
                let v = s.values[i];
                let h = v / scale * PLOT_H;
                let x = PLOT_X + slot * i as f64 + (slot - group) / 2.0 + bar_w * k as f64;
                let _ = write!(
                    o,
                    "<rect class=\"chart-bar chart-c{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" data-value=\"{}\"/><text class=\"chart-value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}{}</text>",
                    k % 6 + 1,
                    r(x),
                    r(base - h),
                    r(bar_w - 2.0),
                    r(h),
                    number(v),
                    r(x + (bar_w - 2.0) / 2.0),
                    r(base - h - 6.0),
                    number(v),
                    esc(&self.unit)
                );
            }
        }
        let _ = write!(
            o,
            "<line class=\"chart-axis\" x1=\"{PLOT_X}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\"/>",
            PLOT_X + PLOT_W
        );
        self.x_labels(o, slot);
    }

    fn lines(&self, o: &mut String) {
        self.axis(o);
        self.legend(o);
        let slot = PLOT_W / self.labels.len() as f64;
        let scale = self.scale();
        let base = PLOT_Y + PLOT_H;
        for (k, s) in self.series.iter().enumerate() {
            let pts: Vec<(f64, f64)> = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| (PLOT_X + slot * (i as f64 + 0.5), base - v / scale * PLOT_H))
                .collect();
            let path: Vec<String> = pts
                .iter()
                .map(|(x, y)| format!("{},{}", r(*x), r(*y)))
                .collect();
            let _ = write!(
                o,
                "<polyline class=\"chart-line chart-s{}\" fill=\"none\" points=\"{}\"/>",
                k % 6 + 1,
                path.join(" ")
            );
            for ((x, y), v) in pts.iter().zip(&s.values) {
                let _ = write!(
                    o,
                    "<circle class=\"chart-point chart-c{}\" cx=\"{}\" cy=\"{}\" r=\"4\" data-value=\"{}\"/><text class=\"chart-value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}{}</text>",
                    k % 6 + 1,
                    r(*x),
                    r(*y),
                    number(*v),
                    r(*x),
                    r(y - 10.0),
                    number(*v),
                    esc(&self.unit)
                );
            }
        }
        let _ = write!(
            o,
            "<line class=\"chart-axis\" x1=\"{PLOT_X}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\"/>",
            PLOT_X + PLOT_W
        );
        self.x_labels(o, slot);
    }

    fn pie(&self, o: &mut String) {
        let values = &self.series[0].values;
        let total: f64 = values.iter().sum();
        let (cx, cy, rad) = (170.0, HEIGHT / 2.0 + 8.0, 120.0);
        let mut angle = -std::f64::consts::FRAC_PI_2;
        for (i, v) in values.iter().enumerate() {
            let share = v / total;
            let class = format!("chart-slice chart-c{}", i % 6 + 1);
            if share >= 0.999_999 {
                let _ = write!(
                    o,
                    "<circle class=\"{class}\" cx=\"{cx}\" cy=\"{cy}\" r=\"{rad}\" data-value=\"{}\"/>",
                    number(*v)
                );
            } else if share > 0.0 {
                let end = angle + share * std::f64::consts::TAU;
                let (x1, y1) = (cx + rad * angle.cos(), cy + rad * angle.sin());
                let (x2, y2) = (cx + rad * end.cos(), cy + rad * end.sin());
                let large = if share > 0.5 { 1 } else { 0 };
                let _ = write!(
                    o,
                    "<path class=\"{class}\" d=\"M{cx},{cy} L{},{} A{rad},{rad} 0 {large} 1 {},{} Z\" data-value=\"{}\"/>",
                    r(x1),
                    r(y1),
                    r(x2),
                    r(y2),
                    number(*v)
                );
                angle = end;
            }
        }
        for (i, (l, v)) in self.labels.iter().zip(values).enumerate() {
            let y = 48.0 + i as f64 * 24.0;
            let _ = write!(
                o,
                "<rect class=\"chart-c{}\" x=\"320\" y=\"{}\" width=\"12\" height=\"12\"/><text class=\"chart-label\" x=\"338\" y=\"{}\">{}：<tspan class=\"chart-value\">{}{}（{}%）</tspan></text>",
                i % 6 + 1,
                y - 11.0,
                y,
                esc(l),
                number(*v),
                esc(&self.unit),
                number((v / total * 1000.0).round() / 10.0)
            );
        }
    }
}

/// Coordinates with at most two decimals.
fn r(x: f64) -> String {
    number((x * 100.0).round() / 100.0)
}

/// `98.1`, `1460`, `11.66`: no trailing zeros.
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{:.2}", x);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Escaped for text and attribute values (the escaping of every other attribute zhiku writes).
fn esc(s: &str) -> String {
    crate::html::escape_attr(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(98.1), "98.1");
        assert_eq!(number(1460.0), "1460");
        assert_eq!(number(11.66), "11.66");
    }
}
