//! serde_yaml's errors made into [`FrontMatterError`]s: positions as lines of the file, a
//! duplicate key pointed at its second occurrence, and wording with a fix an author can act on.

use super::{FrontMatterError, Split};

pub(super) fn yaml_error(split: &Split<'_>, e: &serde_yaml::Error) -> FrontMatterError {
    let text = e.to_string();
    if let Some(key) = text
        .strip_prefix("duplicate entry with key \"")
        .and_then(|r| r.split('"').next())
    {
        // serde_yaml points at the start of the mapping: point at the second occurrence.
        let second = split
            .yaml
            .lines()
            .enumerate()
            .filter(|(_, l)| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            })
            .nth(1);
        if let Some((i, l)) = second {
            return FrontMatterError::new(
                split.yaml_line + i,
                Some(l.len() - l.trim_start().len() + 1),
                format!("the key `{key}` is written twice"),
                "keep one of them (YAML does not allow a key twice in one mapping)",
            );
        }
    }
    let (line, column) = match e.location() {
        Some(loc) => (
            split.yaml_line + loc.line().saturating_sub(1),
            Some(loc.column()),
        ),
        None => (split.yaml_line, None),
    };
    // serde_yaml writes positions " at line L column C" relative to the YAML block: make them
    // lines of the file, and drop the one the diagnostic itself points at.
    let message = file_positions(&e.to_string(), split.yaml_line, (line, column));
    let (message, help) = explain_yaml(&message);
    FrontMatterError {
        line,
        column,
        message,
        help: Some(help),
    }
}

/// Rewrite every " at line L column C" of a serde_yaml message to lines of the file (the YAML
/// starts at `yaml_line`), removing those equal to `primary`.
fn file_positions(message: &str, yaml_line: usize, primary: (usize, Option<usize>)) -> String {
    const AT: &str = " at line ";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(AT) {
        out.push_str(&rest[..i]);
        let after = &rest[i + AT.len()..];
        let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
        let nl = digits(after);
        let parsed = after
            .get(nl..)
            .and_then(|r| r.strip_prefix(" column "))
            .and_then(|r| {
                let nc = digits(r);
                let l: usize = after[..nl].parse().ok()?;
                let c: usize = r[..nc].parse().ok()?;
                Some((l, c, message.len() - r.len() + nc))
            });
        match parsed {
            Some((l, c, end)) => {
                let l = yaml_line + l.saturating_sub(1);
                if (l, Some(c)) != primary {
                    out.push_str(&format!("{AT}{l} column {c}"));
                }
                rest = &message[end..];
            }
            None => {
                out.push_str(AT);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Turn serde_yaml's wording into a message and a fix an author can act on.
fn explain_yaml(message: &str) -> (String, String) {
    if message.contains("invalid date") {
        return (
            message.to_string(),
            "dates look like 2018-12-01, 2018-12 or 2018".into(),
        );
    }
    // serde_yaml prefixes errors inside a key with its path: `weight: invalid type: …`.
    let (path, message) = match message.split_once(": ") {
        Some((p, rest))
            if !p.contains(' ')
                && (rest.starts_with("invalid")
                    || rest.starts_with("unknown")
                    || rest.starts_with("missing")) =>
        {
            (Some(p), rest)
        }
        _ => (None, message),
    };
    let (message, help) = explain_inner(message);
    match path {
        Some(p) if !message.contains(&format!("`{p}`")) => (format!("{message} (in `{p}`)"), help),
        _ => (message, help),
    }
}

fn explain_inner(message: &str) -> (String, String) {
    if message.contains("missing field `title`") {
        return (
            "the front matter has no `title`".into(),
            "add a line `title: 页面标题`".into(),
        );
    }
    if message.starts_with("invalid type") {
        let help = if message.contains("expected a sequence") {
            "this key takes a list: `[a, b]` or one `- item` per line"
        } else if message.contains("expected a string") {
            "this key takes text; quote it if it looks like a number or a date"
        } else if message.contains("expected i64") || message.contains("expected usize") {
            "this key takes a whole number, e.g. `weight: 3`"
        } else if message.contains("expected a boolean") {
            "this key takes `true` or `false`"
        } else {
            "see the README's front-matter reference for the type of each key"
        };
        return (format!("wrong type: {message}"), help.into());
    }
    if message.starts_with("repetition limit exceeded")
        || message.starts_with("recursion limit exceeded")
    {
        return (
            format!("YAML {message}: the front matter expands to too much data (aliases `*` repeating anchors `&`) or nests too deeply"),
            "front matter is for short fields: write the values out instead of using `&`/`*` aliases, and nest lists and maps only a few levels".into(),
        );
    }
    if message.contains("while scanning an alias")
        || message.contains("while scanning an anchor")
        || message.starts_with("unknown anchor")
    {
        return (
            format!("YAML syntax error: {message}"),
            "a value starting with `*` or `&` is a YAML alias or anchor: put the value in quotes, e.g. `title: \"*重点*\"`".into(),
        );
    }
    if message.contains("unknown variant") {
        return (message.to_string(), "use one of the values listed".into());
    }
    (
        format!("YAML syntax error: {message}"),
        "check the line for a missing space after `:`, an unclosed quote or bracket, or a value containing `: ` that needs quotes".into(),
    )
}
