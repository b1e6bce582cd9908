//! Static checks of what templates name: other templates (`extends`, `include`, `import`)
//! and functions. Tera 1 only reports a missing included template or an unknown function
//! when a page is rendered (once per page, without a line); these checks report each mistake
//! once, with the template's file and line, before anything is rendered.
//!
//! Templates are only ever looked up among the theme's templates (Tera is given their text,
//! never a directory): `{% include "../../etc/passwd" %}` cannot read a file outside the site,
//! and is reported here as a name that is not a template of the theme.

use std::path::Path;

use tera::ast::{Expr, ExprVal, Node};

use crate::diagnostics::Diagnostic;
use crate::theme::Theme;

/// Functions a template may call: Tera's own and zhiku's.
pub(crate) const FUNCTIONS: &[&str] = &[
    "range",
    "now",
    "throw",
    "get_random",
    "get_url",
    "get_page",
    "get_section",
    "get_taxonomy",
];

/// One name a template refers to.
#[derive(Debug)]
enum Referenced {
    Template { tag: &'static str, name: String },
    Function(String),
}

/// Check every template of `theme` (those that parsed: syntax errors are reported elsewhere).
pub(crate) fn check(theme: &Theme) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, src) in &theme.templates {
        let Ok(t) = tera::Template::new(name, None, &src.text) else {
            continue;
        };
        let mut refs = Vec::new();
        walk_nodes(&t.ast, &mut refs);
        // One message per name and template.
        let mut seen = Vec::new();
        refs.retain(|r| {
            let key = format!("{r:?}");
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        for r in refs {
            match r {
                Referenced::Template { tag, name: target } => {
                    if theme.templates.contains_key(&target) {
                        continue;
                    }
                    let line = line_of(&src.text, &format!("\"{target}\""))
                        .or_else(|| line_of(&src.text, &format!("'{target}'")));
                    errors.push(missing_template(&src.shown, tag, &target, line, theme));
                }
                Referenced::Function(f) => {
                    if FUNCTIONS.contains(&f.as_str()) {
                        continue;
                    }
                    let line = line_of(&src.text, &format!("{f}("));
                    let mut help = format!("the functions are: {}", FUNCTIONS.join(", "));
                    if f == "get_env" {
                        help = format!(
                            "get_env is turned off: a site must not depend on (or publish) the environment of the machine that builds it; {help}"
                        );
                    } else if let Some(s) = crate::suggest::closest(&f, FUNCTIONS.iter().copied()) {
                        help = format!("did you mean `{s}`? {help}");
                    }
                    let mut d = Diagnostic::error(
                        &src.shown,
                        format!("the template calls an unknown function `{f}()`"),
                    )
                    .with_help(help);
                    if let Some(l) = line {
                        d = d.at_line(l);
                    }
                    errors.push(d);
                }
            }
        }
    }
    errors
}

fn missing_template(
    shown: &Path,
    tag: &str,
    target: &str,
    line: Option<usize>,
    theme: &Theme,
) -> Diagnostic {
    let outside = target.contains("..")
        || target.starts_with(['/', '\\'])
        || target.contains('\\')
        || target.as_bytes().get(1) == Some(&b':');
    let names: Vec<&str> = theme.templates.keys().map(|s| s.as_str()).collect();
    let (message, mut help) = if outside {
        (
            format!("`{{% {tag} \"{target}\" %}}` names a file outside the theme's templates"),
            "templates can only use other templates of the theme (templates/ of the site or of the theme); no other file is ever read".to_string(),
        )
    } else {
        (
            format!("`{{% {tag} \"{target}\" %}}`: there is no template `{target}`"),
            format!(
                "add templates/{target} to the site, or use one of: {}",
                names.join(", ")
            ),
        )
    };
    if let Some(s) = crate::suggest::closest(target, names.iter().copied()) {
        help = format!("did you mean `{s}`? {help}");
    }
    let mut d = Diagnostic::error(shown, message).with_help(help);
    if let Some(l) = line {
        d = d.at_line(l);
    }
    d
}

/// 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|i| text[..i].matches('\n').count() + 1)
}

fn walk_nodes(nodes: &[Node], out: &mut Vec<Referenced>) {
    for n in nodes {
        match n {
            Node::Extends(_, name) => out.push(Referenced::Template {
                tag: "extends",
                name: name.clone(),
            }),
            Node::Include(_, names, ignore_missing) => {
                if !ignore_missing {
                    for name in names {
                        out.push(Referenced::Template {
                            tag: "include",
                            name: name.clone(),
                        });
                    }
                }
            }
            Node::ImportMacro(_, name, _) => out.push(Referenced::Template {
                tag: "import",
                name: name.clone(),
            }),
            Node::VariableBlock(_, e) => walk_expr(e, out),
            Node::Set(_, s) => walk_expr(&s.value, out),
            Node::MacroDefinition(_, m, _) => {
                for e in m.args.values().flatten() {
                    walk_expr(e, out);
                }
                walk_nodes(&m.body, out);
            }
            Node::FilterSection(_, f, _) => {
                for e in f.filter.args.values() {
                    walk_expr(e, out);
                }
                walk_nodes(&f.body, out);
            }
            Node::Block(_, b, _) => walk_nodes(&b.body, out),
            Node::Forloop(_, f, _) => {
                walk_expr(&f.container, out);
                walk_nodes(&f.body, out);
                if let Some(body) = &f.empty_body {
                    walk_nodes(body, out);
                }
            }
            Node::If(i, _) => {
                for (_, e, body) in &i.conditions {
                    walk_expr(e, out);
                    walk_nodes(body, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    walk_nodes(body, out);
                }
            }
            Node::Super
            | Node::Text(_)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

fn walk_expr(e: &Expr, out: &mut Vec<Referenced>) {
    walk_val(&e.val, out);
    for f in &e.filters {
        for a in f.args.values() {
            walk_expr(a, out);
        }
    }
}

fn walk_val(v: &ExprVal, out: &mut Vec<Referenced>) {
    match v {
        ExprVal::FunctionCall(f) => {
            out.push(Referenced::Function(f.name.clone()));
            for a in f.args.values() {
                walk_expr(a, out);
            }
        }
        ExprVal::MacroCall(m) => {
            for a in m.args.values() {
                walk_expr(a, out);
            }
        }
        ExprVal::Math(m) => {
            walk_expr(&m.lhs, out);
            walk_expr(&m.rhs, out);
        }
        ExprVal::Logic(l) => {
            walk_expr(&l.lhs, out);
            walk_expr(&l.rhs, out);
        }
        ExprVal::In(i) => {
            walk_expr(&i.lhs, out);
            walk_expr(&i.rhs, out);
        }
        ExprVal::Test(t) => {
            for a in &t.args {
                walk_expr(a, out);
            }
        }
        ExprVal::Array(items) => {
            for a in items {
                walk_expr(a, out);
            }
        }
        ExprVal::StringConcat(s) => {
            for v in &s.values {
                walk_val(v, out);
            }
        }
        ExprVal::String(_)
        | ExprVal::Int(_)
        | ExprVal::Float(_)
        | ExprVal::Bool(_)
        | ExprVal::Ident(_) => {}
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::theme::TemplateSource;

    /// A theme of the given templates (`templates/<name>` in messages), for tests.
    pub(crate) fn theme(files: &[(&str, &str)]) -> Theme {
        let mut t = Theme::default();
        for (name, text) in files {
            t.templates.insert(
                name.to_string(),
                TemplateSource {
                    text: text.to_string(),
                    shown: format!("templates/{name}").into(),
                },
            );
        }
        t
    }

    #[test]
    fn finds_names_in_nested_tags_and_expressions() {
        let t = theme(&[
            ("base.html", "{% block main %}{% endblock main %}"),
            (
                "page.html",
                "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n{% block main %}\n\
                 {% if page %}{% for x in range(end=2) %}\n{% include \"part.html\" %}\n{% endfor %}{% endif %}\n\
                 {{ page.title | default(value=get_pgae(path=\"a.md\")) }}\n\
                 {% include \"maybe.html\" ignore missing %}\n{% endblock main %}",
            ),
            (
                "macros.html",
                "{% macro card(p, u=\"x\") %}{{ now() }}{{ get_env(name=\"HOME\") }}{% endmacro card %}",
            ),
        ]);
        let errors: Vec<String> = check(&t)
            .iter()
            .map(|d| format!("{}:{}", d.location(), d.message))
            .collect();
        assert_eq!(
            errors,
            [
                "templates/macros.html:1:the template calls an unknown function `get_env()`",
                "templates/page.html:5:`{% include \"part.html\" %}`: there is no template `part.html`",
                "templates/page.html:7:the template calls an unknown function `get_pgae()`",
            ]
        );
    }
}
