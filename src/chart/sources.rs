//! Charts in the build: ```` ```chart ```` fences in a Markdown event stream replaced by
//! their charts, the `extra.figures` of a page's front matter checked with their lines, and
//! the `chart` template filter that draws a figure.

use serde_json::Value;

use super::parse::key_line;
use super::{parse_block, Chart};

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
