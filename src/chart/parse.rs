//! Reading a chart: the body of a ```` ```chart ```` block (YAML or TOML) or an entry of
//! `extra.figures`, checked (labels against values, numbers, the type, a pie's slices), with
//! the line of each error in the chart's text.

use serde_json::Value;

use super::{Chart, ChartError, Series, Type, PIE_MAX};

fn err(message: impl Into<String>, line: Option<usize>) -> ChartError {
    ChartError {
        message: message.into(),
        line,
    }
}

/// Line (0-based) of the first line of `text` that starts with `key:` or `key =`.
pub(super) fn key_line(text: &str, key: &str) -> Option<usize> {
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
}
