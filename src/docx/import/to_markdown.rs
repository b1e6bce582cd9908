//! Writing the blocks as Markdown: escaping, emphasis markers, links, images, tables and
//! footnote definitions.

use std::collections::HashMap;

use crate::cjk::is_cjk;
use crate::slug::{heading_id, UniqueIds};

use super::model::{plain, trim_spans, Block, Converter, Fmt, Span, SpanKind, Target};
use super::Note;

impl Converter<'_> {
    /// The Markdown of the blocks and the footnote definitions.
    pub(super) fn write_blocks(&mut self, blocks: &[Block]) -> String {
        // Heading ids exactly as the Markdown renderer makes them, for links to bookmarks.
        let mut ids = UniqueIds::default();
        let mut anchors: HashMap<String, String> = HashMap::new();
        for b in blocks {
            if let Block::Heading {
                spans, bookmarks, ..
            } = b
            {
                let text = plain(spans);
                let id = ids.unique(&heading_id(&text));
                for m in bookmarks {
                    anchors.insert(m.clone(), id.clone());
                }
            }
        }
        let mut w = Writer {
            anchors: &anchors,
            notes: Vec::new(),
        };
        let mut out = String::new();
        let mut prev_item = false;
        // Content columns of the open list levels.
        let mut indents: Vec<(usize, usize)> = Vec::new();
        for b in blocks {
            let is_item = matches!(b, Block::Item { .. });
            if !(out.is_empty() || is_item && prev_item) {
                out.push('\n');
            }
            match b {
                Block::Heading { level, spans, .. } => {
                    let text = w.inline(spans, true, false);
                    out.push_str(&"#".repeat(*level as usize));
                    out.push(' ');
                    out.push_str(&text);
                    out.push('\n');
                }
                Block::Para(spans) => {
                    let text = w.inline(spans, false, false);
                    out.push_str(&escape_line_start(&text));
                    out.push('\n');
                }
                Block::Item {
                    ordered,
                    level,
                    spans,
                } => {
                    if !prev_item {
                        indents.clear();
                    }
                    while indents.last().is_some_and(|(l, _)| l >= level) {
                        indents.pop();
                    }
                    let pad = indents.last().map_or(0, |(_, c)| *c);
                    let marker = match ordered {
                        Some(n) => format!("{n}. "),
                        None => "- ".to_string(),
                    };
                    let text = w.inline(spans, false, false);
                    out.push_str(&" ".repeat(pad));
                    out.push_str(&marker);
                    out.push_str(&escape_line_start(&text));
                    out.push('\n');
                    indents.push((*level, pad + marker.chars().count()));
                }
                Block::Quote(paras) => {
                    for (k, spans) in paras.iter().enumerate() {
                        if k > 0 {
                            out.push_str(">\n");
                        }
                        let text = w.inline(spans, false, false);
                        out.push_str("> ");
                        out.push_str(&escape_line_start(&text));
                        out.push('\n');
                    }
                }
                Block::Table { rows } => {
                    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(1);
                    for (r, row) in rows.iter().enumerate() {
                        out.push('|');
                        for c in 0..cols {
                            let cell = row.get(c).map(|paras| {
                                paras
                                    .iter()
                                    .map(|p| {
                                        let mut s = p.spans.clone();
                                        trim_spans(&mut s);
                                        w.inline(&s, false, true)
                                    })
                                    .filter(|s| !s.is_empty())
                                    .collect::<Vec<_>>()
                                    .join("<br>")
                            });
                            out.push(' ');
                            out.push_str(cell.as_deref().unwrap_or(""));
                            out.push_str(" |");
                        }
                        out.push('\n');
                        if r == 0 {
                            out.push('|');
                            for _ in 0..cols {
                                out.push_str("---|");
                            }
                            out.push('\n');
                        }
                    }
                }
            }
            prev_item = is_item;
        }
        if !self.note_defs.is_empty() {
            let defs = std::mem::take(&mut self.note_defs);
            for (label, paras) in &defs {
                out.push('\n');
                let texts: Vec<String> = paras
                    .iter()
                    .map(|p| {
                        let mut s = p.spans.clone();
                        trim_spans(&mut s);
                        w.inline(&s, false, false)
                    })
                    .filter(|s| !s.is_empty())
                    .collect();
                let text = if texts.is_empty() {
                    "（空注释）".to_string()
                } else {
                    texts.join("\n\n    ")
                };
                out.push_str(&format!("[^{label}]: {text}\n"));
            }
            self.note_defs = defs;
        }
        for n in w.notes {
            self.notes.push(n);
        }
        out
    }
}

pub(super) struct Writer<'a> {
    pub(super) anchors: &'a HashMap<String, String>,
    pub(super) notes: Vec<Note>,
}

/// Escape Markdown's special characters in text.
fn escape_text(s: &str, in_table: bool, in_heading: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '|' if in_table => out.push_str("\\|"),
            '{' if in_heading => out.push_str("\\{"),
            '&' if chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("\\&");
            }
            '!' if chars.get(i + 1) == Some(&'[') => out.push_str("\\!"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Keep a paragraph from starting a Markdown block it is not (`# `, `- `, `1. `, `> `, `---`).
pub(super) fn escape_line_start(s: &str) -> String {
    let first = s.chars().next();
    match first {
        Some('#' | '+' | '-' | '=' | '>') => return format!("\\{s}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
            let rest = &s[digits..];
            if digits <= 9 && (rest.starts_with(". ") || rest.starts_with(") ")) {
                return format!("{}\\{}", &s[..digits], rest);
            }
            if digits <= 9 && (rest == "." || rest == ")") {
                return format!("{}\\{}", &s[..digits], rest);
            }
        }
        _ => {}
    }
    s.to_string()
}

fn url_for_markdown(u: &str) -> String {
    let mut out = String::new();
    for c in u.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c => out.push(c),
        }
    }
    out
}

impl Writer<'_> {
    /// Spans to inline Markdown. Headings keep no bold/italic (a heading is bold already);
    /// line breaks inside a paragraph are joined (nothing between Chinese characters, else a
    /// space).
    pub(super) fn inline(&mut self, spans: &[Span], heading: bool, table: bool) -> String {
        // Join breaks into text first.
        let mut atoms: Vec<Span> = Vec::new();
        for (k, s) in spans.iter().enumerate() {
            if let SpanKind::Break = s.kind {
                let before = atoms.last().and_then(|a| match &a.kind {
                    SpanKind::Text(t) => t.chars().last(),
                    _ => None,
                });
                let after = spans[k + 1..].iter().find_map(|a| match &a.kind {
                    SpanKind::Text(t) => t.chars().next(),
                    _ => None,
                });
                let cjk = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
                let sep = if cjk || before.is_some_and(char::is_whitespace) {
                    ""
                } else {
                    " "
                };
                atoms.push(Span {
                    kind: SpanKind::Text(sep.to_string()),
                    ..s.clone()
                });
            } else {
                atoms.push(s.clone());
            }
        }
        // Group by link.
        let mut out = String::new();
        let mut i = 0;
        while i < atoms.len() {
            let link = atoms[i].link.clone();
            let mut j = i;
            while j < atoms.len() && atoms[j].link == link {
                j += 1;
            }
            // A link is underlined already: Word's link style says so again.
            let group: Vec<Span> = atoms[i..j]
                .iter()
                .map(|a| {
                    let mut a = a.clone();
                    if link.is_some() {
                        a.fmt.u = false;
                    }
                    a
                })
                .collect();
            let inner = self.formatted(&group, heading, table);
            match link {
                None => out.push_str(&inner),
                Some(target) => {
                    let dest = match &target {
                        Target::Url(u) => {
                            let lower = u.to_ascii_lowercase();
                            if lower.starts_with("http://")
                                || lower.starts_with("https://")
                                || lower.starts_with("mailto:")
                            {
                                Some(url_for_markdown(u))
                            } else {
                                self.notes.push(Note {
                                    location: String::new(),
                                    message: format!(
                                        "a link to “{u}” (not a web address) was kept as plain \
                                         text: “{}”",
                                        plain(&atoms[i..j])
                                    ),
                                });
                                None
                            }
                        }
                        Target::Anchor(a) => match self.anchors.get(a) {
                            Some(id) => Some(format!("#{id}")),
                            None => {
                                self.notes.push(Note {
                                    location: String::new(),
                                    message: format!(
                                        "a link inside the document to “{a}” (not a heading) was \
                                         kept as plain text: “{}”",
                                        plain(&atoms[i..j])
                                    ),
                                });
                                None
                            }
                        },
                    };
                    match dest {
                        Some(d) if !inner.trim().is_empty() => {
                            out.push_str(&format!("[{inner}]({d})"));
                        }
                        _ => out.push_str(&inner),
                    }
                }
            }
            i = j;
        }
        out
    }

    /// Text with emphasis markers, properly nested; markers never touch whitespace.
    fn formatted(&mut self, atoms: &[Span], heading: bool, table: bool) -> String {
        #[derive(Clone, Copy, PartialEq)]
        enum M {
            U,
            S,
            B,
            I,
        }
        let open = |m: M| match m {
            M::U => "<u>",
            M::S => "~~",
            M::B => "**",
            M::I => "<em>",
        };
        let close = |m: M| match m {
            M::U => "</u>",
            M::S => "~~",
            M::B => "**",
            M::I => "</em>",
        };
        let want = |f: Fmt| -> Vec<M> {
            if heading {
                return Vec::new();
            }
            let mut v = Vec::new();
            if f.u {
                v.push(M::U);
            }
            if f.s {
                v.push(M::S);
            }
            if f.b {
                v.push(M::B);
            }
            if f.i {
                v.push(M::I);
            }
            v
        };
        // Merge neighbours with the same formatting.
        let mut groups: Vec<(Fmt, Vec<&Span>)> = Vec::new();
        for a in atoms {
            match groups.last_mut() {
                Some((f, g)) if *f == a.fmt => g.push(a),
                _ => groups.push((a.fmt, vec![a])),
            }
        }
        let mut out = String::new();
        let mut stack: Vec<M> = Vec::new();
        let close_all = |out: &mut String, stack: &mut Vec<M>| {
            while let Some(m) = stack.pop() {
                out.push_str(close(m));
            }
        };
        for (f, g) in groups {
            let mut body = String::new();
            for a in &g {
                match &a.kind {
                    SpanKind::Text(t) => body.push_str(&escape_text(t, table, heading)),
                    SpanKind::Image { file, alt } => {
                        body.push_str(&format!(
                            "![{}]({})",
                            escape_text(alt, table, false),
                            url_for_markdown(file)
                        ));
                    }
                    SpanKind::NoteRef(l) => body.push_str(&format!("[^{l}]")),
                    SpanKind::Break => body.push(' '),
                }
            }
            let core = body.trim();
            if core.is_empty() {
                close_all(&mut out, &mut stack);
                out.push_str(&body);
                continue;
            }
            let lead = &body[..body.len() - body.trim_start().len()];
            let trail = &body[body.trim_end().len()..];
            let w = want(f);
            if !lead.is_empty() {
                close_all(&mut out, &mut stack);
                out.push_str(lead);
            }
            // Keep the longest prefix of the stack that is still wanted.
            let keep = stack.iter().take_while(|m| w.contains(m)).count();
            while stack.len() > keep {
                if let Some(m) = stack.pop() {
                    out.push_str(close(m));
                }
            }
            for m in w {
                if !stack.contains(&m) {
                    out.push_str(open(m));
                    stack.push(m);
                }
            }
            out.push_str(core);
            if !trail.is_empty() {
                close_all(&mut out, &mut stack);
                out.push_str(trail);
            }
        }
        close_all(&mut out, &mut stack);
        out
    }
}
