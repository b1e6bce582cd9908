//! First pass, block level: the body's paragraphs and tables in order, with tracked changes,
//! a table of contents and fields reported on the way; and the locations notes name.

use crate::docx::ooxml::Element;

use super::model::{Converter, Item, Para, Where};
use super::numbering::{chinese_digit, num_pr, Numbered};
use super::runs::choose;
use super::styles::Role;
use super::Note;

impl<'p> Converter<'p> {
    pub(super) fn note(&mut self, message: impl Into<String>) {
        let location = self.loc.clone();
        self.notes.push(Note {
            location,
            message: message.into(),
        });
    }

    pub(super) fn finish_fields(&mut self) {
        if self.fields.iter().any(|f| f.toc) {
            self.notes.push(Note {
                location: String::new(),
                message: "the table of contents (目录) field is never closed, so everything \
                          after it was taken for the table of contents and left out; update or \
                          delete the table of contents in Word and import again"
                    .into(),
            });
        }
        if self.tracked > 0 {
            let first = self.tracked_first.clone();
            self.notes.push(Note {
                location: String::new(),
                message: format!(
                    "the document has {} tracked change(s) (修订); they were accepted: inserted \
                     text kept, deleted text left out (the first is at {first}). Check the page \
                     against the document if the changes were not meant to be final",
                    self.tracked
                ),
            });
        }
        for (kind, (count, first)) in std::mem::take(&mut self.field_kinds) {
            self.notes.push(Note {
                location: first,
                message: format!(
                    "{count} field(s) {kind} (域) kept as the text Word last showed; they will \
                     not update"
                ),
            });
        }
    }

    /// The block-level children of `parent` (body, cell, note, text box content).
    pub(super) fn blocks(&mut self, parent: &Element, at: &Where) -> Vec<Item> {
        let mut out = Vec::new();
        for el in parent.elements() {
            self.block(el, at, &mut out);
        }
        out
    }

    fn block(&mut self, el: &Element, at: &Where, out: &mut Vec<Item>) {
        match el.name.as_str() {
            "w:p" => {
                if let Some(p) = self.paragraph(el, at) {
                    out.push(Item::Para(p));
                }
            }
            "w:tbl" => {
                if let Where::Body = at {
                    let t = self.table(el);
                    out.push(t);
                } else {
                    // A table inside a table cell or note: its text, flattened.
                    let loc = self.loc.clone();
                    self.notes.push(Note {
                        location: loc,
                        message: "a table inside a table cell was flattened into the cell's \
                                  text (Markdown tables cannot nest)"
                            .into(),
                    });
                    for tr in el.elements().filter(|e| e.name == "w:tr") {
                        for tc in tr.elements().filter(|e| e.name == "w:tc") {
                            for b in tc.elements() {
                                self.block(b, at, out);
                            }
                        }
                    }
                }
            }
            "w:sdt" => {
                let is_toc = el
                    .child("w:sdtPr")
                    .and_then(|p| p.find("w:docPartGallery"))
                    .and_then(|g| g.attr("w:val"))
                    .is_some_and(|v| v.to_lowercase().contains("table of contents"));
                if is_toc {
                    self.report_toc();
                    return;
                }
                if let Some(c) = el.child("w:sdtContent") {
                    for b in c.elements() {
                        self.block(b, at, out);
                    }
                }
            }
            "w:customXml" | "w:ins" | "w:moveTo" => {
                if el.name != "w:customXml" {
                    self.tracked_change();
                }
                for b in el.elements() {
                    self.block(b, at, out);
                }
            }
            "w:del" | "w:moveFrom" => self.tracked_change(),
            "w:altChunk" => {
                self.note(
                    "an embedded document (altChunk) was left out; paste its text into the \
                     document instead",
                );
            }
            "mc:AlternateContent" => {
                if let Some(c) = choose(el) {
                    for b in c.elements() {
                        self.block(b, at, out);
                    }
                }
            }
            _ => {}
        }
    }

    fn report_toc(&mut self) {
        if !self.toc_reported {
            self.toc_reported = true;
            self.notes.push(Note {
                location: String::new(),
                message: "the table of contents (目录) was left out: the site makes its own \
                          from the headings"
                    .into(),
            });
        }
    }

    pub(super) fn tracked_change(&mut self) {
        if self.tracked == 0 {
            self.tracked_first = if self.loc.is_empty() {
                "the start".into()
            } else {
                self.loc.clone()
            };
        }
        self.tracked += 1;
    }

    fn paragraph(&mut self, p: &Element, at: &Where) -> Option<Para> {
        let ppr = p.child("w:pPr");
        let style = ppr
            .and_then(|x| x.child_val("w:pStyle"))
            .map(str::to_string);
        let style = style.as_deref();
        if let Where::Body = at {
            self.paragraphs += 1;
            let snippet: String = visible_text(p).trim().chars().take(14).collect();
            self.loc = if snippet.is_empty() {
                format!("paragraph {}", self.paragraphs)
            } else {
                format!("paragraph {} (“{snippet}…”)", self.paragraphs)
            };
        }
        let mut role = self.styles.role(style);
        if let Some(lvl) = ppr
            .and_then(|x| x.child_val("w:outlineLvl"))
            .and_then(|v| v.parse::<u8>().ok())
        {
            if lvl < 9 && role == Role::Body {
                role = Role::Heading(lvl + 1);
            }
        }
        let num = ppr
            .and_then(|x| x.child("w:numPr"))
            .and_then(num_pr)
            .or_else(|| self.styles.num(style))
            .filter(|(id, _)| id != "0");
        let base = self.styles.fmt(style);
        let in_toc_before = self.fields.iter().any(|f| f.toc);
        let mut spans = Vec::new();
        self.bookmarks.clear();
        self.inlines(p, base, None, &mut spans, at);
        let in_toc_after = self.fields.iter().any(|f| f.toc);
        // A field whose instruction never reached its result by the paragraph's end is
        // broken: dropping it keeps it from hiding the rest of the document.
        self.fields.retain(|f| f.in_result);
        if role == Role::Toc || in_toc_before || in_toc_after {
            self.report_toc();
            return None;
        }
        if self.styles.hidden(style) {
            return None;
        }
        let numbered = num.and_then(|(id, ilvl)| {
            let level = self.numbering.level(&id, ilvl)?.clone();
            let n = self.numbering.next(&id, ilvl);
            let kind = match level.fmt.as_str() {
                "bullet" => Numbered::Bullet,
                "none" => return None,
                f if f.starts_with("chinese")
                    || f.starts_with("ideograph")
                    || f.starts_with("japanese")
                    || f.starts_with("taiwanese")
                    || f.starts_with("korean") =>
                {
                    let shown = level
                        .text
                        .replace(&format!("%{}", ilvl + 1), &chinese_digit(n));
                    Numbered::Chinese(shown)
                }
                _ => Numbered::Ordered(n),
            };
            Some((kind, ilvl))
        });
        let para = Para {
            spans,
            role,
            numbered,
            bookmarks: std::mem::take(&mut self.bookmarks),
        };
        Some(para)
    }

    fn table(&mut self, tbl: &Element) -> Item {
        self.tables += 1;
        let t = self.tables;
        let saved = self.loc.clone();
        let loc = format!("table {t}");
        let mut rows = Vec::new();
        let mut merged = false;
        for (r, tr) in tbl.elements().filter(|e| e.name == "w:tr").enumerate() {
            let mut cells = Vec::new();
            for (c, tc) in tr.elements().filter(|e| e.name == "w:tc").enumerate() {
                let tcpr = tc.child("w:tcPr");
                let span: usize = tcpr
                    .and_then(|p| p.child_val("w:gridSpan"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let vcont = tcpr
                    .and_then(|p| p.child("w:vMerge"))
                    .is_some_and(|v| v.attr("w:val") != Some("restart"));
                let vstart = tcpr
                    .and_then(|p| p.child("w:vMerge"))
                    .is_some_and(|v| v.attr("w:val") == Some("restart"));
                let hmerge = tcpr.and_then(|p| p.child("w:hMerge")).is_some();
                if span > 1 || vcont || vstart || hmerge {
                    merged = true;
                }
                let at = Where::Cell(t, r + 1, c + 1);
                self.loc = format!("table {t}, row {}, column {}", r + 1, c + 1);
                let mut paras = Vec::new();
                if !vcont {
                    for item in self.blocks(tc, &at) {
                        if let Item::Para(p) = item {
                            paras.push(p);
                        }
                    }
                }
                cells.push(paras);
                for _ in 1..span {
                    cells.push(Vec::new());
                }
            }
            rows.push(cells);
        }
        self.loc = saved;
        if merged {
            self.notes.push(Note {
                location: loc.clone(),
                message: "merged cells were split: the text is in the first of the merged cells \
                          and the others are empty (Markdown tables have no merged cells)"
                    .into(),
            });
        }
        Item::Table { rows, loc }
    }
}

/// The text a reader sees in a paragraph: without text boxes, Word's fallback copies of
/// drawings and deleted text.
fn visible_text(p: &Element) -> String {
    let mut out = String::new();
    let mut stack: Vec<&Element> = vec![p];
    while let Some(e) = stack.pop() {
        match e.name.as_str() {
            "w:txbxContent" | "mc:Fallback" | "w:del" | "w:moveFrom" | "w:instrText" => continue,
            "w:t" => {
                out.push_str(&e.own_text());
                continue;
            }
            _ => {}
        }
        let kids: Vec<&Element> = e.elements().collect();
        stack.extend(kids.into_iter().rev());
    }
    out
}

pub(super) fn named(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" (“{name}”)")
    }
}

pub(super) fn snippet(s: &str) -> String {
    let t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = t.chars().take(60).collect();
    if t.chars().count() > 60 {
        out.push('…');
    }
    out
}
