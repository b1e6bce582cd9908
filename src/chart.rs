//! Data charts rendered at build time to inline SVG (issue 21): no JavaScript, no web fonts.
//!
//! Two sources, one renderer:
//! - a fenced block ```` ```chart ```` in Markdown whose body is YAML or TOML:
//!   `type` (`bar`, `line` or `pie`), `title`, `unit`, `labels`, and `series` (a list of
//!   `{name, values}`), or `values` alone for one series;
//! - the `extra.figures` of a page's front matter (`{title, kind, unit, data: [{label, value}]}`,
//!   as the bundled cases have them), drawn by the theme with the `chart` filter; `kind: series`
//!   is drawn as a line, anything else as bars, unless the figure says `chart: bar|line|pie`.
//!
//! Each chart is a `<figure class="chart">`: the SVG (`role="img"`, with `<title>` and a
//! `<desc>` that reads out every value), then the data as a table behind a 数据表
//! `<details>` toggle. Colours come from CSS custom properties of the default theme (light,
//! dark and print), text uses the page's own (system) fonts.
//!
//! Bad chart data is a build error naming the file and line: a label count that does not
//! match the values, a value that is not a number, an unknown type.

use std::fmt::Write as _;

use serde_json::Value;

/// Width and height of the drawing (the SVG scales to its container).
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 320.0;
/// The plot area: left, top, width and height. A bar of the largest value (or 100 for `%`)
/// is `PLOT_H` high.
pub const PLOT_X: f64 = 48.0;
pub const PLOT_Y: f64 = 36.0;
pub const PLOT_W: f64 = WIDTH - PLOT_X - 16.0;
pub const PLOT_H: f64 = 200.0;
/// The most slices a pie chart has: its legend (24 units a line from 48) fits the drawing.
pub const PIE_MAX: usize = 12;
/// Font size of labels (in SVG units).
const FONT: f64 = 14.0;

/// A chart's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Bar,
    Line,
    Pie,
}

/// A checked chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub kind: Type,
    pub title: String,
    pub unit: String,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// What is wrong with a chart, and where: `line` is relative to the chart's own text
/// (0 = its first line) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError {
    pub message: String,
    pub line: Option<usize>,
}

fn err(message: impl Into<String>, line: Option<usize>) -> ChartError {
    ChartError {
        message: message.into(),
        line,
    }
}

/// Line (0-based) of the first line of `text` that starts with `key:` or `key =`.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines().position(|l| {
        let l = l.trim_start().trim_start_matches("- ");
        l.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':') || r.trim_start().starts_with('='))
    })
}

/// Line (0-based) of the first line of `text` containing `needle`.
fn line_containing(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle))
}

/// Parse the body of a ```` ```chart ```` block (YAML, or TOML when its first key is written
/// `key = …`).
pub fn parse_block(body: &str) -> Result<Chart, ChartError> {
    let first = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let is_toml = first.is_some_and(|l| {
        l.starts_with('[')
            || l.split_once('=')
                .is_some_and(|(k, _)| !k.contains(':') && !k.trim().is_empty())
    });
    let value: Value = if is_toml {
        let t: toml::Table = toml::from_str(body).map_err(|e| {
            let line = e
                .span()
                .map(|s| body[..s.start.min(body.len())].matches('\n').count());
            err(format!("chart: invalid TOML: {}", e.message().trim()), line)
        })?;
        serde_json::to_value(t).unwrap_or(Value::Null)
    } else {
        serde_yaml::from_str(body).map_err(|e| {
            let line = e.location().map(|l| l.line().saturating_sub(1));
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            err(format!("chart: invalid YAML: {msg}"), line)
        })?
    };
    from_value(&value, body)
}

/// A chart from parsed data; `text` is its source, for line numbers.
fn from_value(v: &Value, text: &str) -> Result<Chart, ChartError> {
    let Some(map) = v.as_object() else {
        return Err(err(
            "chart: the block must be a map with `type`, `title`, `labels` and `series`",
            Some(0),
        ));
    };
    const KEYS: &[&str] = &["type", "title", "unit", "labels", "series", "values"];
    if let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(err(
            format!(
                "chart: unknown key `{k}`; valid keys are `{}`",
                KEYS.join("`, `")
            ),
            key_line(text, k),
        ));
    }
    let kind = match map.get("type") {
        None => Type::Bar,
        Some(t) => parse_type(t, key_line(text, "type"))?,
    };
    let string = |k: &str| -> Result<String, ChartError> {
        match map.get(k) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(_) => Err(err(format!("chart: `{k}` must be text"), key_line(text, k))),
        }
    };
    let title = string("title")?;
    let unit = string("unit")?;
    let labels: Vec<String> = match map.get("labels") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|l| match l {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(err(
                    "chart: each label must be text",
                    key_line(text, "labels"),
                )),
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(err(
                "chart: `labels` must be a list (`labels: [2010年, 2016年底]`)",
                key_line(text, "labels").or(Some(0)),
            ))
        }
    };
    let mut series = Vec::new();
    match (map.get("series"), map.get("values")) {
        (Some(Value::Array(list)), None) => {
            for (n, s) in list.iter().enumerate() {
                let (name, values) = match s {
                    Value::Object(o) => (
                        o.get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        o.get("values"),
                    ),
                    Value::Array(_) => (String::new(), Some(s)),
                    _ => (String::new(), None),
                };
                let line = (!name.is_empty())
                    .then(|| line_containing(text, &name))
                    .flatten()
                    .or_else(|| key_line(text, "series"));
                let shown = if name.is_empty() {
                    format!("{}", n + 1)
                } else {
                    format!("`{name}`")
                };
                let Some(Value::Array(values)) = values else {
                    return Err(err(
                        format!("chart: series {shown} needs `values`, a list of numbers"),
                        line,
                    ));
                };
                series.push(Series {
                    values: numbers(values, &shown, text, line)?,
                    name,
                });
            }
        }
        (None, Some(Value::Array(values))) => {
            let line = key_line(text, "values");
            series.push(Series {
                name: String::new(),
                values: numbers(values, "1", text, line)?,
            });
        }
        (Some(_), Some(_)) => {
            return Err(err(
                "chart: give either `series` or `values`, not both",
                key_line(text, "values"),
            ))
        }
        _ => {
            return Err(err(
                "chart: `series` must be a list of `{name, values}` (or give `values: [...]`)",
                key_line(text, "series").or(Some(0)),
            ))
        }
    }
    Chart {
        kind,
        title,
        unit,
        labels,
        series,
    }
    .check(|s| {
        (!s.name.is_empty())
            .then(|| line_containing(text, &s.name))
            .flatten()
            .or_else(|| key_line(text, "values"))
            .or_else(|| key_line(text, "series"))
    })
}

fn parse_type(t: &Value, line: Option<usize>) -> Result<Type, ChartError> {
    match t.as_str() {
        Some("bar") => Ok(Type::Bar),
        Some("line") => Ok(Type::Line),
        Some("pie") => Ok(Type::Pie),
        _ => {
            let shown = match t {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Err(err(
                format!("chart: unknown type `{shown}`; use `bar`, `line` or `pie`"),
                line,
            ))
        }
    }
}

fn numbers(
    values: &[Value],
    series: &str,
    text: &str,
    line: Option<usize>,
) -> Result<Vec<f64>, ChartError> {
    values
        .iter()
        .map(|v| match v {
            Value::Number(n) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .ok_or_else(|| err(format!("chart: value `{n}` is not a finite number"), line)),
            other => {
                let shown = match other {
                    Value::String(s) => s.clone(),
                    o => o.to_string(),
                };
                Err(err(
                    format!(
                        "chart: value `{shown}` in series {series} is not a number (write 98.1, not \"98.1%\"; the unit goes in `unit`)"
                    ),
                    line_containing(text, &shown).or(line),
                ))
            }
        })
        .collect()
}

impl Chart {
    /// The checks every chart passes, whatever its source; `line_of` locates a series.
    fn check(self, line_of: impl Fn(&Series) -> Option<usize>) -> Result<Chart, ChartError> {
        if self.labels.is_empty() {
            return Err(err("chart: `labels` is empty", None));
        }
        for s in &self.series {
            if s.values.len() != self.labels.len() {
                let name = if s.name.is_empty() {
                    String::new()
                } else {
                    format!(" `{}`", s.name)
                };
                return Err(err(
                    format!(
                        "chart: {} labels but {} values in series{name}; give one value per label",
                        self.labels.len(),
                        s.values.len()
                    ),
                    line_of(s),
                ));
            }
            if s.values.iter().any(|v| *v < 0.0) {
                return Err(err(
                    "chart: negative values cannot be drawn; every value must be zero or more",
                    line_of(s),
                ));
            }
        }
        if self.kind == Type::Pie {
            if self.series.len() != 1 {
                return Err(err(
                    format!(
                        "chart: a pie chart has exactly one series, this one has {}; draw several series as bars or lines",
                        self.series.len()
                    ),
                    self.series.get(1).and_then(&line_of),
                ));
            }
            if self.series[0].values.iter().sum::<f64>() <= 0.0 {
                return Err(err(
                    "chart: the values of a pie chart add up to zero; a pie shows shares of a total",
                    line_of(&self.series[0]),
                ));
            }
            if self.labels.len() > PIE_MAX {
                return Err(err(
                    format!(
                        "chart: a pie chart has room for {PIE_MAX} slices in its legend, this one has {}; group the smallest into one (其他), or draw bars",
                        self.labels.len()
                    ),
                    line_of(&self.series[0]),
                ));
            }
        }
        Ok(self)
    }

    /// A chart from one entry of `extra.figures` (`{title, kind, unit, data: [{label, value}]}`).
    pub fn from_figure(f: &Value) -> Result<Chart, ChartError> {
        let Some(map) = f.as_object() else {
            return Err(err(
                "extra.figures: each figure must be a map with `title` and `data`",
                None,
            ));
        };
        let text = |k: &str| match map.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let kind = match map.get("chart") {
            Some(t) => parse_type(t, None)?,
            None if text("kind") == "series" => Type::Line,
            None => Type::Bar,
        };
        let Some(Value::Array(rows)) = map.get("data") else {
            return Err(err(
                format!(
                    "extra.figures: figure `{}` needs `data`, a list of {{label, value}}",
                    text("title")
                ),
                None,
            ));
        };
        let mut labels = Vec::new();
        let mut values = Vec::new();
        for row in rows {
            let label = row.get("label").map(|l| match l {
                Value::String(s) => s.clone(),
                o => o.to_string(),
            });
            let value = row.get("value");
            let (Some(label), Some(value)) = (label, value) else {
                return Err(err(
                    format!(
                        "extra.figures: every row of `{}` needs a `label` and a `value`",
                        text("title")
                    ),
                    None,
                ));
            };
            labels.push(label);
            values.push(value.clone());
        }
        let values = numbers(&values, &format!("`{}`", text("title")), "", None)?;
        Chart {
            kind,
            title: text("title"),
            unit: text("unit"),
            labels,
            series: vec![Series {
                name: String::new(),
                values,
            }],
        }
        .check(|_| None)
    }

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

/// A ```` ```chart ```` block found in Markdown: its HTML, or the error with its line in the
/// file.
pub fn render_block(body: &str, id: &str, block_line: usize) -> Result<String, (usize, String)> {
    match parse_block(body) {
        Ok(c) => Ok(c.to_html(id)),
        Err(e) => Err((block_line + 1 + e.line.unwrap_or(0), e.message)),
    }
}

/// Replace every ```` ```chart ```` fenced block of a Markdown event stream by its chart.
/// `first_line` is the file line of `body`'s first line; errors are (line, message).
pub fn replace_fences(
    events: &mut Vec<(pulldown_cmark::Event<'_>, std::ops::Range<usize>)>,
    body: &str,
    first_line: usize,
    errors: &mut Vec<(usize, String)>,
) {
    use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
    let is_chart = |e: &Event<'_>| {
        matches!(e, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
            if info.split_whitespace().next() == Some("chart"))
    };
    if !events.iter().any(|(e, _)| is_chart(e)) {
        return;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut n = 0;
    let mut iter = std::mem::take(events).into_iter();
    while let Some((e, range)) = iter.next() {
        if !is_chart(&e) {
            out.push((e, range));
            continue;
        }
        let mut text = String::new();
        for (e, _) in iter.by_ref() {
            match e {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
        }
        n += 1;
        let line = first_line + body[..range.start.min(body.len())].matches('\n').count();
        let id = format!("chart-{n}");
        match render_block(&text, &id, line) {
            Ok(html) => out.push((Event::Html(html.into()), range)),
            Err(e) => errors.push(e),
        }
    }
    *events = out;
}

/// Check the `extra.figures` of a page's front matter: errors with the line of the figure in
/// the file (`text`).
pub fn check_figures(extra: &serde_json::Map<String, Value>, text: &str) -> Vec<(usize, String)> {
    let Some(figures) = extra.get("figures") else {
        return Vec::new();
    };
    let start = key_line(text, "figures").unwrap_or(0);
    let Some(list) = figures.as_array() else {
        return vec![(
            start + 1,
            "extra.figures must be a list of {title, kind, unit, data}".into(),
        )];
    };
    let mut errors = Vec::new();
    for f in list {
        if let Err(e) = Chart::from_figure(f) {
            let title = f.get("title").and_then(Value::as_str).unwrap_or_default();
            let line = (!title.is_empty())
                .then(|| {
                    text.lines()
                        .skip(start)
                        .position(|l| l.contains(title))
                        .map(|p| p + start)
                })
                .flatten()
                .unwrap_or(start);
            errors.push((line + 1, e.message));
        }
    }
    errors
}

/// The `chart` template filter: `{{ figure | chart(id="fig-1") | safe }}`.
pub fn filter(
    value: &Value,
    args: &std::collections::HashMap<String, Value>,
) -> tera::Result<Value> {
    let id = args
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("figure")
        .to_string();
    let chart = Chart::from_figure(value).map_err(|e| tera::Error::msg(e.message))?;
    Ok(Value::String(chart.to_html(&id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_toml_give_the_same_chart() {
        let y = parse_block("type: bar\ntitle: 覆盖率\nunit: \"%\"\nlabels: [2010年, 2016年底]\nvalues: [11.66, 98.1]\n").unwrap();
        let t = parse_block("type = \"bar\"\ntitle = \"覆盖率\"\nunit = \"%\"\nlabels = [\"2010年\", \"2016年底\"]\nvalues = [11.66, 98.1]\n").unwrap();
        assert_eq!(y, t);
        assert_eq!(y.scale(), 100.0);
        let scale = |v: &[f64]| {
            Chart {
                kind: Type::Bar,
                title: String::new(),
                unit: "人".into(),
                labels: vec![String::new(); v.len()],
                series: vec![Series {
                    name: String::new(),
                    values: v.to_vec(),
                }],
            }
            .scale()
        };
        assert_eq!(scale(&[96.0, 163.0]), 200.0);
        assert_eq!(scale(&[101.0, 55.0]), 120.0);
        assert_eq!(scale(&[96.0]), 100.0);
        assert_eq!(scale(&[1460.0, 1111.0]), 1600.0);
        assert_eq!(scale(&[3.0, 2.0]), 3.2);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse_block(
            "type: bar\nlabels: [a, b, c]\nseries:\n  - name: 人数\n    values: [1, 2]\n",
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "chart: 3 labels but 2 values in series `人数`; give one value per label"
        );
        assert_eq!(e.line, Some(3));
        let e = parse_block("type: pie3d\nlabels: [a]\nvalues: [1]\n").unwrap_err();
        assert_eq!(e.line, Some(0));
        assert!(e.message.contains("unknown type `pie3d`"), "{}", e.message);
        let e = parse_block("labels: [a, b]\nvalues: [1, 九十]\n").unwrap_err();
        assert!(e.message.contains("value `九十`"), "{}", e.message);
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(98.1), "98.1");
        assert_eq!(number(1460.0), "1460");
        assert_eq!(number(11.66), "11.66");
    }
}
