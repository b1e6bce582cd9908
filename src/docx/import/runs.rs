//! First pass, inline level: a paragraph's runs as spans, with fields (hyperlinks, page
//! numbers, a table of contents) and hyperlinks.

use crate::docx::ooxml::Element;

use super::model::{Converter, Field, Fmt, Span, SpanKind, Target, Where};
use super::styles::FmtOpt;

impl Converter<'_> {
    /// Collect the spans of `el`'s inline children.
    pub(super) fn inlines(
        &mut self,
        el: &Element,
        base: Fmt,
        link: Option<&Target>,
        out: &mut Vec<Span>,
        at: &Where,
    ) {
        for c in el.elements() {
            match c.name.as_str() {
                "w:r" => self.run(c, base, link, out, at),
                "w:hyperlink" => {
                    let target = if let Some(id) = c.attr("r:id") {
                        self.rels.get(id).map(|r| Target::Url(r.target.clone()))
                    } else {
                        c.attr("w:anchor").map(|a| Target::Anchor(a.to_string()))
                    };
                    let target = target.or_else(|| link.cloned());
                    self.inlines(c, base, target.as_ref(), out, at);
                }
                "w:ins" | "w:moveTo" => {
                    self.tracked_change();
                    self.inlines(c, base, link, out, at);
                }
                "w:del" | "w:moveFrom" => self.tracked_change(),
                "w:fldSimple" => {
                    let instr = c.attr("w:instr").unwrap_or("").trim().to_string();
                    let target = hyperlink_field(&instr);
                    if target.is_none() {
                        self.field_kind(&instr);
                    }
                    let l = target.as_ref().or(link);
                    self.inlines(c, base, l, out, at);
                }
                "w:smartTag" | "w:customXml" | "w:dir" | "w:bdo" => {
                    self.inlines(c, base, link, out, at)
                }
                "w:sdt" => {
                    if let Some(content) = c.child("w:sdtContent") {
                        self.inlines(content, base, link, out, at);
                    }
                }
                "w:bookmarkStart" => {
                    if let Some(n) = c.attr("w:name") {
                        if n != "_GoBack" {
                            self.bookmarks.push(n.to_string());
                        }
                    }
                }
                "m:oMath" | "m:oMathPara" => {
                    let text: String = c.text().chars().take(40).collect();
                    self.note(format!(
                        "an equation (公式) was left out: “{text}”; add it as an image or as text"
                    ));
                }
                "mc:AlternateContent" => {
                    if let Some(ch) = choose(c) {
                        self.inlines(ch, base, link, out, at);
                    }
                }
                _ => {}
            }
        }
    }

    fn field_kind(&mut self, instr: &str) {
        let kind = instr
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        if kind.is_empty() {
            return;
        }
        let loc = self.loc.clone();
        let e = self.field_kinds.entry(kind).or_insert((0, loc));
        e.0 += 1;
    }

    /// Is output suppressed by a field (its instruction part, or a table of contents)?
    fn field_hides(&self) -> bool {
        self.fields.iter().any(|f| !f.in_result || f.toc)
    }

    fn field_link(&self) -> Option<Target> {
        self.fields.iter().rev().find_map(|f| f.link.clone())
    }

    fn run(
        &mut self,
        r: &Element,
        base: Fmt,
        link: Option<&Target>,
        out: &mut Vec<Span>,
        at: &Where,
    ) {
        let rpr = r.child("w:rPr");
        let rstyle = rpr
            .and_then(|x| x.child_val("w:rStyle"))
            .map(str::to_string);
        let mut fmt = base;
        if let Some(rs) = &rstyle {
            let chain = self.styles.chain(Some(rs));
            for st in chain.iter().rev() {
                fmt = st.fmt.over(fmt);
            }
        }
        let direct = FmtOpt::read(rpr);
        fmt = direct.over(fmt);
        let hidden = direct.hidden.unwrap_or(false)
            || rstyle
                .as_deref()
                .is_some_and(|s| self.styles.hidden(Some(s)));
        for c in r.elements() {
            // Fields first: they change what the rest of the run means.
            match c.name.as_str() {
                "w:fldChar" => {
                    match c.attr("w:fldCharType") {
                        Some("begin") => self.fields.push(Field {
                            instr: String::new(),
                            in_result: false,
                            link: None,
                            toc: false,
                        }),
                        Some("separate") => {
                            if let Some(f) = self.fields.last_mut() {
                                f.in_result = true;
                                let instr = f.instr.trim().to_string();
                                f.link = hyperlink_field(&instr);
                                f.toc = instr.to_ascii_uppercase().starts_with("TOC");
                                if f.link.is_none() && !f.toc {
                                    self.field_kind(&instr);
                                }
                            }
                        }
                        Some("end") => {
                            if let Some(f) = self.fields.pop() {
                                if !f.in_result {
                                    // A field with no result shown (e.g. a bare XE entry).
                                    let instr = f.instr.trim().to_string();
                                    if !instr.to_ascii_uppercase().starts_with("XE")
                                        && !instr.to_ascii_uppercase().starts_with("TC")
                                    {
                                        self.field_kind(&instr);
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                "w:instrText" => {
                    if let Some(f) = self.fields.last_mut() {
                        if !f.in_result {
                            f.instr.push_str(&c.own_text());
                        }
                    }
                    continue;
                }
                _ => {}
            }
            if self.field_hides() {
                continue;
            }
            let flink = self.field_link();
            let link = flink.as_ref().or(link).cloned();
            let push = |out: &mut Vec<Span>, kind: SpanKind| {
                out.push(Span {
                    kind,
                    fmt,
                    link: link.clone(),
                })
            };
            match c.name.as_str() {
                "w:t" => {
                    if hidden {
                        let t: String = c.own_text().chars().take(30).collect();
                        if !t.trim().is_empty() {
                            self.note(format!("hidden text (隐藏文字) was left out: “{t}”"));
                        }
                        continue;
                    }
                    push(out, SpanKind::Text(c.own_text()));
                }
                "w:tab" | "w:ptab" => push(out, SpanKind::Text(" ".into())),
                "w:br" | "w:cr" if !matches!(c.attr("w:type"), Some("page" | "column")) => {
                    push(out, SpanKind::Break)
                }
                "w:noBreakHyphen" => push(out, SpanKind::Text("-".into())),
                "w:sym" => {
                    let ch = c
                        .attr("w:char")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32);
                    match ch {
                        Some(ch) if !('\u{E000}'..='\u{F8FF}').contains(&ch) => {
                            push(out, SpanKind::Text(ch.to_string()))
                        }
                        _ => {
                            let font = c.attr("w:font").unwrap_or("?").to_string();
                            self.note(format!(
                                "a symbol from the font {font} was left out (it has no Unicode \
                                 character); type the character instead"
                            ));
                        }
                    }
                }
                "w:drawing" => self.drawing(c, out, &fmt, at),
                "w:pict" => self.pict(c, out, &fmt),
                "w:object" => {
                    self.note(
                        "an embedded object (OLE, e.g. a spreadsheet or diagram) was left out; \
                         paste it as a picture or a table instead",
                    );
                }
                "w:footnoteReference" | "w:endnoteReference" => {
                    let end = c.name == "w:endnoteReference";
                    if let Some(id) = c.attr("w:id") {
                        if let Some(label) = self.note_ref(end, id) {
                            push(out, SpanKind::NoteRef(label));
                        }
                    }
                }
                "w:commentReference" => {
                    if let Some(id) = c.attr("w:id") {
                        let (author, text) = self
                            .comments
                            .get(id)
                            .cloned()
                            .unwrap_or_else(|| (String::new(), String::new()));
                        let by = if author.is_empty() {
                            String::new()
                        } else {
                            format!(" by {author}")
                        };
                        let text: String = text.chars().take(60).collect();
                        self.note(format!("a comment (批注){by} was left out: “{text}”"));
                    }
                }
                "mc:AlternateContent" => {
                    if let Some(ch) = choose(c) {
                        let mut wrapper = r.clone();
                        wrapper.children = ch.children.clone();
                        self.run(&wrapper, base, link.as_ref(), out, at);
                    }
                }
                "w:ruby" => {
                    if let Some(b) = c.child("w:rubyBase") {
                        self.inlines(b, fmt, link.as_ref(), out, at);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The `mc:Choice` of an `mc:AlternateContent` (the fallback when there is none).
pub(super) fn choose(e: &Element) -> Option<&Element> {
    e.child("mc:Choice").or_else(|| e.child("mc:Fallback"))
}

/// The target of a `HYPERLINK "url"` or `HYPERLINK \l "bookmark"` field.
fn hyperlink_field(instr: &str) -> Option<Target> {
    let rest = instr.trim();
    let rest = rest
        .strip_prefix("HYPERLINK")
        .or_else(|| rest.strip_prefix("hyperlink"))?;
    let mut anchor = false;
    let mut url = None;
    let mut it = rest.split('"');
    let mut outside = true;
    let mut pending = String::new();
    for part in it.by_ref() {
        if outside {
            pending = part.to_string();
            if part.contains("\\l") {
                anchor = true;
            }
        } else if url.is_none() && !pending.trim_end().ends_with("\\o") {
            url = Some(part.to_string());
        }
        outside = !outside;
    }
    let url = url.or_else(|| {
        rest.split_whitespace()
            .find(|w| !w.starts_with('\\'))
            .map(str::to_string)
    })?;
    Some(if anchor {
        Target::Anchor(url)
    } else {
        Target::Url(url)
    })
}
