//! The theme's templates: compiled once into Tera (with zhiku's filters and functions, and
//! the recursion guard), their syntax errors reported with file, line and column, and the
//! `template:` names in front matter checked against them.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;
use tera::Tera;

use crate::diagnostics::{Diagnostic, Diagnostics, Outcome};
use crate::paths::CONTENT_DIR;
use crate::site::Site;
use crate::theme::Theme;

use super::{functions, recursion, refs};

/// Templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &["index.html", "section.html", "page.html", "404.html"];

/// Compile the theme's templates, reporting each broken one with its file, line and column.
pub fn compile_templates(theme: &Theme) -> Outcome<Tera> {
    let mut errors = Vec::new();
    for (name, src) in &theme.templates {
        if let Err(e) = tera::Template::new(name, None, &src.text) {
            errors.push(template_error(&src.shown, &e));
        }
    }
    errors.extend(refs::check(theme));
    errors.extend(recursion::check(theme));
    for req in REQUIRED_TEMPLATES {
        if !theme.templates.contains_key(*req) {
            errors.push(
                Diagnostic::global(format!("the theme has no `{req}` template"))
                    .with_help(format!("add templates/{req} to the site or the theme")),
            );
        }
    }
    if !errors.is_empty() {
        return Outcome::failed(errors);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.register_filter("plaintext", functions::plaintext);
    tera.register_filter("truncate", functions::truncate);
    tera.register_filter("chart", crate::chart::filter);
    // Tera's get_env would publish the build machine's environment (refs::check refuses
    // templates that call it; this is the second lock).
    tera.register_function(
        "get_env",
        |_: &HashMap<String, Value>| -> tera::Result<Value> {
            Err(tera::Error::msg("get_env is turned off in zhiku"))
        },
    );
    // Recursion that may end (a macro calling itself) is bounded while rendering.
    let cycles = recursion::cycles(theme);
    tera.register_function(
        recursion::GUARD,
        move |_: &HashMap<String, Value>| -> tera::Result<Value> { recursion::guard(&cycles) },
    );
    let instrumented: Vec<(&str, String)> = theme
        .templates
        .iter()
        .map(|(n, s)| (n.as_str(), recursion::instrument(&s.text)))
        .collect();
    let list: Vec<(&str, &str)> = instrumented.iter().map(|(n, s)| (*n, s.as_str())).collect();
    if let Err(e) = tera.add_raw_templates(list) {
        return Diagnostic::global(format!("templates: {}", error_chain(&e)))
            .with_help("check `extends`, `import` and `include` names")
            .into();
    }
    Outcome::made(tera, Diagnostics::new())
}

/// HTML/XML escaping for template output: `& < > " '` only (Tera's default also escapes `/`,
/// which makes every URL unreadable in the page source).
pub(crate) fn escape_html(s: &str) -> String {
    crate::markdown::escape_attr(s)
}

/// Tera's error and its causes in one line.
pub(crate) fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    parts.join(": ")
}

fn template_error(shown: &std::path::Path, e: &tera::Error) -> Diagnostic {
    let text = error_chain(e);
    // Tera's parse errors contain " --> line:column".
    let pos = text.split("--> ").nth(1).and_then(|rest| {
        let mut it = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
    });
    let short = text
        .lines()
        .filter(|l| {
            !l.trim().is_empty()
                && !l.contains("-->")
                && !l.trim_start().starts_with('|')
                && !l.trim_start().starts_with(|c: char| c.is_ascii_digit())
        })
        // pest's note lines read `  = expected …`.
        .map(|l| l.trim().trim_start_matches("= "))
        .collect::<Vec<_>>()
        .join(" ");
    let mut d = Diagnostic::error(shown, format!("template syntax error: {}", short.trim()))
        .with_help("see Tera's documentation for the syntax: {{ value }}, {% tag %}");
    if let Some((l, c)) = pos {
        d = d.at(l, c);
    }
    d
}

/// Check that every `template:` (and `page_template:`) named in front matter exists in the theme.
pub(crate) fn check_template_names(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let missing = |name: &str| !theme.templates.contains_key(name);
    for p in &site.pages {
        if let Some(t) = &p.meta.fields.template {
            if missing(t) {
                let line = p.meta.key_lines.get("template").copied().unwrap_or(1);
                errors.push(missing_template(
                    PathBuf::from(CONTENT_DIR).join(&p.rel_path),
                    t,
                    line,
                    theme,
                ));
            }
        }
    }
    for s in &site.sections {
        for (key, t) in [
            ("template", &s.meta.template),
            ("page_template", &s.meta.page_template),
        ] {
            if let Some(t) = t {
                if missing(t) {
                    let line = s.meta.key_lines.get(key).copied().unwrap_or(1);
                    errors.push(missing_template(
                        PathBuf::from(CONTENT_DIR).join(&s.rel_path),
                        t,
                        line,
                        theme,
                    ));
                }
            }
        }
    }
    errors
}

fn missing_template(file: PathBuf, name: &str, line: usize, theme: &Theme) -> Diagnostic {
    let names: Vec<&String> = theme
        .templates
        .keys()
        // Partials (included pieces such as the 简/繁 switch) are not page templates.
        .filter(|n| n.ends_with(".html") && !n.starts_with("partials/"))
        .collect();
    let mut help = format!(
        "add templates/{name} to the site, or use one of: {}",
        names
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(s) = crate::suggest::closest(name, names.iter().map(|s| s.as_str())) {
        help = format!("did you mean `{s}`? {help}");
    }
    Diagnostic::error(file, format!("the template `{name}` does not exist"))
        .at_line(line)
        .with_help(help)
}
