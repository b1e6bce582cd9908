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
//!
//! The pieces: `parse.rs` reads and checks a chart (a block's YAML or TOML, a figure);
//! `draw.rs` draws a checked [`Chart`] as a figure with its SVG and data table; `sources.rs`
//! connects both to the build (Markdown fences, the check of `extra.figures`, the template
//! filter). This file holds the drawing's dimensions and the chart types.

mod draw;
mod parse;
mod sources;

pub use draw::number;
pub use parse::parse_block;
pub use sources::{check_figures, filter, render_block, replace_fences};

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
