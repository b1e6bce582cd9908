//! Template recursion is an error, never a stack overflow.
//!
//! Tera 1 follows `extends`, `import`, `include` and macro calls by plain recursion, so a
//! cycle among templates overflows the stack and aborts the process (and with it
//! `zhiku serve`). Two mechanisms make every kind of recursion an error naming the files:
//!
//! - **Cycles that can never end are found before compiling** ([`check`]): an `extends`
//!   chain that comes back to a template (`a → b → a`, of any length) and macro files that
//!   `import` each other. These are reported with the template files of the cycle.
//! - **Recursion that may end is bounded while rendering** ([`instrument`] and
//!   [`guard`]): a macro may call itself (a tree of headings) and an include may be reached
//!   again, so these are allowed, but a call to a guard function is placed at the start of
//!   every macro body and before every `include`. The guard measures the stack that is
//!   left; when it runs low, rendering stops with an error that names the include and macro
//!   cycles of the theme ([`cycles`]) instead of overflowing. The guard prints nothing, so
//!   output is byte-identical.

use std::collections::{BTreeMap, BTreeSet};

use tera::ast::{Expr, ExprVal, Node};

use crate::diagnostics::Diagnostic;
use crate::theme::Theme;

/// The guard's name in templates.
pub(crate) const GUARD: &str = "__zhiku_recursion_guard";

/// Stack left (bytes) below which rendering stops. Rendering threads have at least 2 MiB
/// (rayon's workers are given more, see `build::init_threads`); one level of template
/// recursion uses a few KiB in release builds and some tens in debug builds.
const STACK_RESERVE: usize = 512 << 10;

/// What the guard checks: is there still enough stack to go one level deeper?
pub(crate) fn guard(cycles: &str) -> tera::Result<tera::Value> {
    match stacker::remaining_stack() {
        Some(left) if left < STACK_RESERVE => Err(tera::Error::msg(format!(
            "template recursion does not end: {cycles}; a macro that calls itself, or a template \
             that includes itself, needs a condition that stops it (for example `{{% if item.children %}}`)"
        ))),
        _ => Ok(tera::Value::String(String::new())),
    }
}

/// One template's references, from its syntax tree.
#[derive(Default)]
struct Refs {
    parent: Option<String>,
    /// (file, namespace) of `{% import %}`.
    imports: Vec<(String, String)>,
    /// Edges from the template's top level and from each of its macros: (from, to).
    calls: Vec<(Callee, Callee)>,
}

/// A node of the call graph: a template rendered as a whole, or one macro of a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Callee {
    Template(String),
    /// (file, namespace as written, macro name); the namespace is resolved later.
    Macro(String, String, String),
}

fn parse(theme: &Theme) -> BTreeMap<String, Refs> {
    let mut out = BTreeMap::new();
    for (name, src) in &theme.templates {
        let Ok(t) = tera::Template::new(name, None, &src.text) else {
            continue;
        };
        let mut refs = Refs {
            parent: t.parent.clone(),
            imports: t.imported_macro_files.clone(),
            calls: Vec::new(),
        };
        let me = Callee::Template(name.clone());
        nodes(&t.ast, name, &me, &mut refs.calls);
        out.insert(name.clone(), refs);
    }
    out
}

fn nodes(list: &[Node], file: &str, from: &Callee, out: &mut Vec<(Callee, Callee)>) {
    for n in list {
        match n {
            Node::Include(_, names, _) => {
                for to in names {
                    out.push((from.clone(), Callee::Template(to.clone())));
                }
            }
            Node::MacroDefinition(_, m, _) => {
                let me = Callee::Macro(file.to_string(), "self".into(), m.name.clone());
                for e in m.args.values().flatten() {
                    expr(e, file, &me, out);
                }
                nodes(&m.body, file, &me, out);
            }
            Node::VariableBlock(_, e) => expr(e, file, from, out),
            Node::Set(_, s) => expr(&s.value, file, from, out),
            Node::FilterSection(_, f, _) => {
                for e in f.filter.args.values() {
                    expr(e, file, from, out);
                }
                nodes(&f.body, file, from, out);
            }
            Node::Block(_, b, _) => nodes(&b.body, file, from, out),
            Node::Forloop(_, f, _) => {
                expr(&f.container, file, from, out);
                nodes(&f.body, file, from, out);
                if let Some(body) = &f.empty_body {
                    nodes(body, file, from, out);
                }
            }
            Node::If(i, _) => {
                for (_, e, body) in &i.conditions {
                    expr(e, file, from, out);
                    nodes(body, file, from, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    nodes(body, file, from, out);
                }
            }
            _ => {}
        }
    }
}

fn expr(e: &Expr, file: &str, from: &Callee, out: &mut Vec<(Callee, Callee)>) {
    val(&e.val, file, from, out);
    for f in &e.filters {
        for a in f.args.values() {
            expr(a, file, from, out);
        }
    }
}

fn val(v: &ExprVal, file: &str, from: &Callee, out: &mut Vec<(Callee, Callee)>) {
    match v {
        ExprVal::MacroCall(m) => {
            out.push((
                from.clone(),
                Callee::Macro(file.to_string(), m.namespace.clone(), m.name.clone()),
            ));
            for a in m.args.values() {
                expr(a, file, from, out);
            }
        }
        ExprVal::FunctionCall(f) => f.args.values().for_each(|a| expr(a, file, from, out)),
        ExprVal::Math(m) => {
            expr(&m.lhs, file, from, out);
            expr(&m.rhs, file, from, out);
        }
        ExprVal::Logic(l) => {
            expr(&l.lhs, file, from, out);
            expr(&l.rhs, file, from, out);
        }
        ExprVal::In(i) => {
            expr(&i.lhs, file, from, out);
            expr(&i.rhs, file, from, out);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|a| expr(a, file, from, out)),
        ExprVal::Array(items) => items.iter().for_each(|a| expr(a, file, from, out)),
        ExprVal::StringConcat(s) => s.values.iter().for_each(|v| val(v, file, from, out)),
        _ => {}
    }
}

/// A cycle in `edges` (name → names), as the list of names from its start back to it.
fn find_cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Depth-first search with colours; each cycle reported once (by its smallest rotation).
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut BTreeSet<Vec<String>>,
    ) {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut cycle: Vec<String> = stack[i..].to_vec();
            let min = (0..cycle.len())
                .min_by_key(|&k| &cycle[k])
                .unwrap_or_default();
            cycle.rotate_left(min);
            found.insert(cycle);
            return;
        }
        if done.contains(n) {
            return;
        }
        stack.push(n.to_string());
        if let Some(next) = edges.get(n) {
            for m in next {
                visit(m, edges, stack, done, found);
            }
        }
        stack.pop();
        done.insert(n.to_string());
    }
    let mut found = BTreeSet::new();
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        visit(n, edges, &mut Vec::new(), &mut done, &mut found);
    }
    found.into_iter().collect()
}

/// `a.html → b.html → a.html` with the templates' files.
fn describe(cycle: &[String], theme: &Theme) -> String {
    let shown = |n: &str| -> String {
        // Macro nodes are `file::name`.
        let (file, rest) = match n.split_once("::") {
            Some((f, m)) => (f, format!(" (macro `{m}`)")),
            None => (n, String::new()),
        };
        match theme.templates.get(file) {
            Some(src) => format!("{}{rest}", src.shown.display()),
            None => format!("{file}{rest}"),
        }
    };
    let mut parts: Vec<String> = cycle.iter().map(|n| shown(n)).collect();
    if let Some(first) = cycle.first() {
        parts.push(shown(first));
    }
    parts.join(" → ")
}

/// Cycles that can never end: `extends` chains and `import`s that come back. Each is an
/// error naming the template files of the cycle; Tera is never given such templates.
pub(crate) fn check(theme: &Theme) -> Vec<Diagnostic> {
    let refs = parse(theme);
    let mut errors = Vec::new();
    let extends: BTreeMap<String, BTreeSet<String>> = refs
        .iter()
        .map(|(n, r)| (n.clone(), r.parent.iter().cloned().collect()))
        .collect();
    for cycle in find_cycles(&extends) {
        errors.push(cycle_error(
            theme,
            &cycle,
            "the templates extend each other in a cycle",
            "a template can only extend a template that does not extend it back: remove one of the `{% extends %}`",
        ));
    }
    let imports: BTreeMap<String, BTreeSet<String>> = refs
        .iter()
        .map(|(n, r)| {
            (
                n.clone(),
                r.imports.iter().map(|(f, _)| f.clone()).collect(),
            )
        })
        .collect();
    for cycle in find_cycles(&imports) {
        errors.push(cycle_error(
            theme,
            &cycle,
            "the templates import each other's macros in a cycle",
            "a macro file cannot import itself or a file that imports it back: move the shared macros into one file, and call macros of the same file with `self::`",
        ));
    }
    errors
}

fn cycle_error(theme: &Theme, cycle: &[String], what: &str, help: &str) -> Diagnostic {
    let first = &cycle[0];
    let d = Diagnostic::error(
        theme
            .templates
            .get(first)
            .map(|s| s.shown.clone())
            .unwrap_or_else(|| first.into()),
        format!("{what}: {}", describe(cycle, theme)),
    )
    .with_help(help);
    match first_tag_line(
        theme,
        first,
        if what.contains("extend") {
            "extends"
        } else {
            "import"
        },
    ) {
        Some(l) => d.at_line(l),
        None => d,
    }
}

fn first_tag_line(theme: &Theme, name: &str, tag: &str) -> Option<usize> {
    let text = &theme.templates.get(name)?.text;
    text.lines()
        .position(|l| l.contains("{%") && l.contains(tag))
        .map(|i| i + 1)
}

/// The include and macro cycles of the theme (recursion that may end, or may not), for the
/// guard's message: `templates/a.html → templates/b.html → templates/a.html; …`.
pub(crate) fn cycles(theme: &Theme) -> String {
    let refs = parse(theme);
    let key = |c: &Callee| -> String {
        match c {
            Callee::Template(t) => t.clone(),
            Callee::Macro(file, ns, name) => {
                let target = resolve_namespace(&refs, file, ns, &mut BTreeSet::new())
                    .unwrap_or_else(|| file.clone());
                format!("{target}::{name}")
            }
        }
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, r) in &refs {
        if let Some(p) = &r.parent {
            // A child template is rendered as its parent with the child's blocks.
            edges.entry(name.clone()).or_default().insert(p.clone());
        }
        for (from, to) in &r.calls {
            edges.entry(key(from)).or_default().insert(key(to));
        }
    }
    let found = find_cycles(&edges);
    if found.is_empty() {
        return "the templates nest too deeply".into();
    }
    let list: Vec<String> = found.iter().map(|c| describe(c, theme)).collect();
    format!(
        "the templates call each other in a cycle: {}",
        list.join("; ")
    )
}

/// The file a macro namespace refers to in template `file`: `self`, its own imports, the
/// imports of the files it imports, then its parents' (as Tera looks them up).
fn resolve_namespace(
    refs: &BTreeMap<String, Refs>,
    file: &str,
    ns: &str,
    seen: &mut BTreeSet<String>,
) -> Option<String> {
    if ns == "self" {
        return Some(file.to_string());
    }
    if !seen.insert(file.to_string()) {
        return None;
    }
    let r = refs.get(file)?;
    if let Some((f, _)) = r.imports.iter().find(|(_, n)| n == ns) {
        return Some(f.clone());
    }
    for (f, _) in &r.imports {
        if let Some(found) = resolve_namespace(refs, f, ns, seen) {
            return Some(found);
        }
    }
    let parent = r.parent.clone()?;
    resolve_namespace(refs, &parent, ns, seen)
}

/// `text` with a call to the guard at the start of every macro body and before every
/// `include`, on the same line (so line numbers do not change) and with the tag's
/// whitespace control carried over (so the output does not change).
pub(crate) fn instrument(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let Some(open) = text[i..].find('{').map(|k| i + k) else {
            break;
        };
        let next = bytes.get(open + 1).copied();
        match next {
            Some(b'#') => {
                // A comment: copied as it is.
                let end = text[open..].find("#}").map_or(text.len(), |k| open + k + 2);
                out.push_str(&text[i..end]);
                i = end;
            }
            Some(b'%') => {
                let Some(close) = tag_end(text, open + 2) else {
                    break;
                };
                let inner = &text[open + 2..close];
                let left_trim = inner.starts_with('-');
                let right_trim = inner.ends_with('-');
                let words = inner.trim_matches('-').trim();
                let end = close + 2;
                if words == "raw" {
                    // Everything up to endraw is text.
                    let rest = find_endraw(text, end).unwrap_or(text.len());
                    out.push_str(&text[i..rest]);
                    i = rest;
                    continue;
                }
                if words.starts_with("include ") || words.starts_with("include\"") {
                    out.push_str(&text[i..open]);
                    out.push_str(if left_trim { "{{- " } else { "{{ " });
                    out.push_str(GUARD);
                    out.push_str("() }}");
                    out.push_str(&text[open..end]);
                } else if words.starts_with("macro ") {
                    out.push_str(&text[i..end]);
                    out.push_str("{{ ");
                    out.push_str(GUARD);
                    out.push_str(if right_trim { "() -}}" } else { "() }}" });
                } else {
                    out.push_str(&text[i..end]);
                }
                i = end;
            }
            _ => {
                out.push_str(&text[i..open + 1]);
                i = open + 1;
            }
        }
    }
    out.push_str(&text[i.min(text.len())..]);
    out
}

/// The index of the `%}` that closes a tag opened before `from`, skipping quoted strings.
fn tag_end(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut k = from;
    while k + 1 < bytes.len() {
        let b = bytes[k];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' || b == b'`' => quote = Some(b),
            None if b == b'%' && bytes[k + 1] == b'}' => return Some(k),
            None => {}
        }
        k += 1;
    }
    None
}

/// Where the `{% endraw %}` tag after `from` starts.
fn find_endraw(text: &str, from: usize) -> Option<usize> {
    let mut k = from;
    while let Some(open) = text[k..].find("{%").map(|x| k + x) {
        let close = tag_end(text, open + 2)?;
        if text[open + 2..close].trim_matches('-').trim() == "endraw" {
            return Some(open);
        }
        k = close + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::refs::tests::theme;

    fn messages(t: &Theme) -> Vec<String> {
        check(t)
            .iter()
            .map(|d| format!("{}: {}", d.location(), d.message))
            .collect()
    }

    #[test]
    fn extends_cycles_of_every_length_are_errors_naming_the_files() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[("a.html", "{% extends \"a.html\" %}")],
                "templates/a.html:1: the templates extend each other in a cycle: templates/a.html → templates/a.html",
            ),
            (
                &[
                    ("a.html", "{% extends \"b.html\" %}"),
                    ("b.html", "{% extends \"a.html\" %}"),
                ],
                "templates/a.html:1: the templates extend each other in a cycle: templates/a.html → templates/b.html → templates/a.html",
            ),
            (
                // The cycle does not include the template where the search starts.
                &[
                    ("page.html", "{% extends \"b.html\" %}"),
                    ("b.html", "{% extends \"c.html\" %}"),
                    ("c.html", "\n{% extends \"d.html\" %}"),
                    ("d.html", "{% extends \"b.html\" %}"),
                ],
                "templates/b.html:1: the templates extend each other in a cycle: templates/b.html → templates/c.html → templates/d.html → templates/b.html",
            ),
        ];
        for (files, want) in cases {
            assert_eq!(messages(&theme(files)), [*want]);
        }
    }

    #[test]
    fn import_cycles_are_errors() {
        let t = theme(&[
            (
                "m.html",
                "{% import \"n.html\" as n %}{% macro a() %}{% endmacro a %}",
            ),
            (
                "n.html",
                "{% import \"m.html\" as m %}{% macro b() %}{% endmacro b %}",
            ),
            ("self.html", "{% import \"self.html\" as s %}"),
        ]);
        assert_eq!(
            messages(&t),
            [
                "templates/m.html:1: the templates import each other's macros in a cycle: templates/m.html → templates/n.html → templates/m.html",
                "templates/self.html:1: the templates import each other's macros in a cycle: templates/self.html → templates/self.html",
            ]
        );
    }

    #[test]
    fn recursion_that_may_end_is_allowed_and_described() {
        let t = theme(&[
            (
                "macros.html",
                "{% macro toc(items) %}{% for i in items %}{{ self::toc(items=i.children) }}{% endfor %}{% endmacro toc %}",
            ),
            ("page.html", "{% import \"macros.html\" as m %}{{ m::toc(items=[]) }}{% include \"part.html\" %}"),
            ("part.html", "{% if x %}{% include \"page.html\" %}{% endif %}"),
        ]);
        assert!(check(&t).is_empty());
        assert_eq!(
            cycles(&t),
            "the templates call each other in a cycle: templates/macros.html (macro `toc`) → templates/macros.html (macro `toc`); templates/page.html → templates/part.html → templates/page.html"
        );
    }

    #[test]
    fn instrumented_templates_keep_lines_and_whitespace() {
        let cases = [
            (
                "{% macro a(x) %}\n body{% endmacro a %}",
                "{% macro a(x) %}{{ G() }}\n body{% endmacro a %}",
            ),
            (
                "{% macro a(x) -%}\n body{% endmacro %}",
                "{% macro a(x) -%}{{ G() -}}\n body{% endmacro %}",
            ),
            (
                "x  {%- include \"p.html\" %}",
                "x  {{- G() }}{%- include \"p.html\" %}",
            ),
            (
                "{% raw %}{% include \"x\" %}{% endraw %}",
                "{% raw %}{% include \"x\" %}{% endraw %}",
            ),
            (
                "{# {% include \"x\" %} #}{{ a }}",
                "{# {% include \"x\" %} #}{{ a }}",
            ),
            (
                "{% set s = \"%}\" %}{% include \"q\" %}",
                "{% set s = \"%}\" %}{{ G() }}{% include \"q\" %}",
            ),
            ("{ {{ a }} }", "{ {{ a }} }"),
        ];
        for (input, want) in cases {
            assert_eq!(instrument(input).replace(GUARD, "G"), want, "{input}");
            assert_eq!(instrument(input).lines().count(), input.lines().count());
        }
    }
}
