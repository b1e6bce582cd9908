//! When a template fails on one page's data, the author's file is at fault, not the theme:
//! a front-matter value of the wrong shape (`extra.figures[0].data: 5` where the theme loops
//! over it). Tera names the variable it failed on in backticks (`` `fig.data` ``); the last
//! segment that is a key in the page's front matter points at the line to fix.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::frontmatter::FrontMatterText;

/// The 1-based line (in the file) and name of the front-matter key that the template error
/// `message` names, if any. Later segments of a dotted name are tried first (`fig.data` →
/// `data`, then `fig`).
pub(crate) fn key_line(front: &FrontMatterText, message: &str) -> Option<(usize, String)> {
    let names: Vec<&str> = message
        .split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| span.split(['.', '[', ']']).rev())
        .filter(|s| !s.is_empty() && !matches!(*s, "page" | "section" | "config" | "extra"))
        .collect();
    let front: Vec<(usize, &str)> = front.lines().collect();
    for name in names {
        for &(line, l) in &front {
            let key = l.trim_start().trim_start_matches("- ").trim_start();
            if key
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
            {
                return Some((line, name.to_string()));
            }
        }
    }
    None
}

/// `d` (a template error) moved to the Markdown file `shown` at the key's line, naming the
/// template, when the error names a key of the file's front matter.
pub(crate) fn blame(d: Diagnostic, front: &FrontMatterText, shown: &Path) -> Diagnostic {
    let Some((line, key)) = key_line(front, &d.message) else {
        return d;
    };
    let template = d
        .file
        .as_ref()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    let mut out = Diagnostic::error(
        shown,
        format!("{} (in the template {template})", d.message),
    )
    .with_help(format!(
        "the value of `{key}` does not have the form the template expects: compare it with the README's front-matter reference (or the template {template})"
    ));
    out = out.at_line(line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_key_the_error_names() {
        let front = FrontMatterText {
            yaml: "title: 天津\nextra:\n  figures:\n    - title: 覆盖率\n      data: 5\n".into(),
            first_line: 2,
        };
        let cases = [
            (
                "Tried to iterate on a container (`fig.data`) that has a unsupported type",
                Some((6, "data")),
            ),
            (
                "Variable `page.extra.figures` not found",
                Some((4, "figures")),
            ),
            ("Variable `nothing.here` not found", None),
            ("no backticks data", None),
        ];
        for (message, want) in cases {
            let got = key_line(&front, message);
            assert_eq!(
                got.as_ref().map(|(l, k)| (*l, k.as_str())),
                want,
                "{message}"
            );
        }
        assert_eq!(key_line(&FrontMatterText::default(), "`data`"), None);
    }
}
