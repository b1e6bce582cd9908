//! Second pass: what each paragraph is — the title, a 署名 or date line, a heading (from its
//! style or from Chinese numbering), a list item, a quote or a paragraph.

use crate::docx::ooxml::Element;

use super::front_matter::{affiliation, byline, date_line, lone_name, yaml_str};
use super::markers::{marker, text_bullet, Marker};
use super::model::{
    split_spans, strip_prefix_bytes, strip_trailing, trim_spans, Block, Converter, Fmt, Item, Para,
    Span, SpanKind,
};
use super::numbering::Numbered;
use super::styles::Role;
use super::{Converted, Note};

const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?'];
/// The longest heading made from a numbered paragraph, in characters.
const HEADING_MAX: usize = 40;

impl<'p> Converter<'p> {
    pub(super) fn second_pass(
        &mut self,
        items: Vec<Item>,
        core: Option<&Element>,
        stem: &str,
    ) -> Converted {
        let mut items: Vec<Item> = items
            .into_iter()
            .filter(|i| !matches!(i, Item::Para(p) if p.is_empty()))
            .collect();
        for it in items.iter_mut() {
            if let Item::Para(p) = it {
                trim_spans(&mut p.spans);
            }
        }
        // Title.
        let mut title = String::new();
        let mut notes_here = Vec::new();
        let mut idx = 0;
        if let Some(pos) = items
            .iter()
            .position(|i| matches!(i, Item::Para(p) if p.role == Role::Title))
        {
            if let Item::Para(p) = items.remove(pos) {
                title = p.text().trim().to_string();
            }
            idx = pos;
        } else if let Some(Item::Para(p)) = items.first() {
            let text = p.text().trim().to_string();
            let short = text.chars().count() <= 60 && !text.ends_with(SENTENCE_END);
            if matches!(p.role, Role::Heading(_)) || (short && p.numbered.is_none()) {
                title = text;
                items.remove(0);
            }
        }
        // A subtitle (`——以南宁市为例`) joins the title.
        if let Some(Item::Para(p)) = items.get(idx) {
            let text = p.text().trim().to_string();
            if !title.is_empty()
                && (p.role == Role::Subtitle || text.starts_with("——") || text.starts_with("—"))
                && text.chars().count() <= 40
            {
                title.push_str(&text);
                items.remove(idx);
            }
        }
        if title.is_empty() {
            title = core
                .and_then(|c| c.child("dc:title"))
                .map(|t| t.own_text().trim().to_string())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| stem.to_string());
            notes_here.push(Note {
                location: String::new(),
                message: format!(
                    "the document has no title (no Title style and no short first line); the \
                     page is called “{title}”: change `title:` if that is wrong"
                ),
            });
        }
        // 署名 and date lines in the first few paragraphs after the title.
        let mut author: Option<String> = None;
        let mut date: Option<String> = None;
        let mut i = idx;
        let mut looked = 0;
        while i < items.len() && looked < 5 {
            let Item::Para(p) = &items[i] else {
                break;
            };
            if matches!(p.role, Role::Heading(_)) || p.numbered.is_some() {
                break;
            }
            let text = p.text();
            let text = text.trim();
            if date.is_none() {
                if let Some(d) = date_line(text) {
                    date = Some(d);
                    items.remove(i);
                    continue;
                }
            }
            if author.is_none() {
                let found = byline(text).or_else(|| {
                    if looked == 0 && !p.all_bold() {
                        lone_name(text)
                    } else {
                        None
                    }
                });
                if let Some(a) = found {
                    items.remove(i);
                    // An affiliation in brackets on the next line.
                    let mut a = a;
                    if let Some(Item::Para(next)) = items.get(i) {
                        if let Some(org) = affiliation(&next.text()) {
                            if !a.contains('（') {
                                a = format!("{a}（{org}）");
                            }
                            items.remove(i);
                        }
                    }
                    author = Some(a);
                    continue;
                }
            }
            looked += 1;
            i += 1;
        }
        if date.is_none() {
            date = core
                .and_then(|c| c.child("dcterms:created"))
                .map(|d| d.own_text())
                .and_then(|d| {
                    let day: String = d.trim().chars().take(10).collect();
                    chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()
                })
                .map(|d| d.format("%Y-%m-%d").to_string());
        }

        // Document-wide facts for numbering written as text.
        let mut has_dotted = false;
        let mut has_han = false;
        for it in &items {
            if let Item::Para(p) = it {
                if p.role == Role::Body && p.numbered.is_none() {
                    match marker(&p.text()) {
                        Some((Marker::Dotted(d), _)) if d >= 2 => has_dotted = true,
                        Some((Marker::Han, _)) => has_han = true,
                        _ => {}
                    }
                }
            }
        }
        let styled_min = items
            .iter()
            .filter_map(|i| match i {
                Item::Para(p) => match p.role {
                    Role::Heading(l) => Some(l),
                    _ => None,
                },
                _ => None,
            })
            .min()
            .unwrap_or(1);

        let mut blocks = Vec::new();
        for it in items {
            match it {
                Item::Table { rows, loc } => {
                    let cells = rows.iter().map(|r| r.len()).max().unwrap_or(0);
                    if rows.len() == 1 && cells == 1 {
                        // A one-cell table is a box around text: a quotation.
                        let paras: Vec<Vec<Span>> = rows
                            .into_iter()
                            .flatten()
                            .flatten()
                            .map(|mut p| {
                                trim_spans(&mut p.spans);
                                p.spans
                            })
                            .filter(|s| !s.is_empty())
                            .collect();
                        if !paras.is_empty() {
                            blocks.push(Block::Quote(paras));
                        }
                    } else if cells == 0 {
                        self.notes.push(Note {
                            location: loc,
                            message: "an empty table was left out".into(),
                        });
                    } else {
                        blocks.push(Block::Table { rows });
                    }
                }
                Item::Para(p) => self.classify(p, styled_min, has_dotted, has_han, &mut blocks),
            }
        }
        self.notes.splice(0..0, notes_here);
        let body = self.write_blocks(&blocks);
        let headings = blocks
            .iter()
            .filter(|b| matches!(b, Block::Heading { .. }))
            .count();
        let tables = blocks
            .iter()
            .filter(|b| matches!(b, Block::Table { .. }))
            .count();
        let mut fm = String::from("---\n");
        fm.push_str(&format!("title: {}\n", yaml_str(&title)));
        if let Some(d) = &date {
            fm.push_str(&format!("date: {d}\n"));
        }
        fm.push_str("draft: true\n");
        if let Some(a) = &author {
            fm.push_str("source:\n");
            fm.push_str(&format!("  title: {}\n", yaml_str(&title)));
            fm.push_str(&format!("  author: {}\n", yaml_str(a)));
        }
        fm.push_str("---\n\n");
        Converted {
            title,
            markdown: format!("{fm}{body}"),
            headings,
            tables,
            ..Converted::default()
        }
    }

    fn classify(
        &mut self,
        mut p: Para,
        styled_min: u8,
        has_dotted: bool,
        has_han: bool,
        blocks: &mut Vec<Block>,
    ) {
        let shift = |l: u8| (l + 2).saturating_sub(styled_min).clamp(2, 6);
        let styled = match p.role {
            Role::Heading(l) => Some(shift(l)),
            // A second Title paragraph: a top heading of the body.
            Role::Title => Some(2),
            _ => None,
        };
        if let Some(level) = styled {
            // Numbering typed before a styled heading is not kept twice.
            if let Some((_, len)) = marker(&p.text()) {
                strip_prefix_bytes(&mut p.spans, len);
            }
            trim_spans(&mut p.spans);
            blocks.push(Block::Heading {
                level,
                spans: p.spans,
                bookmarks: p.bookmarks,
            });
            return;
        }
        // Word's own numbering: Chinese formats read like typed numbering; others are lists.
        let mut prefix = String::new();
        // A number or bullet typed after Word's own is not written twice.
        match &p.numbered {
            Some((Numbered::Bullet, _)) => {
                if let Some(n) = text_bullet(&p.text()) {
                    strip_prefix_bytes(&mut p.spans, n);
                }
            }
            Some((Numbered::Ordered(_), _)) => {
                if let Some((Marker::Arabic | Marker::ParenArabic, n)) = marker(&p.text()) {
                    strip_prefix_bytes(&mut p.spans, n);
                }
            }
            _ => {}
        }
        match &p.numbered {
            Some((Numbered::Bullet, lvl)) => {
                blocks.push(Block::Item {
                    ordered: None,
                    level: *lvl,
                    spans: p.spans,
                });
                return;
            }
            Some((Numbered::Ordered(n), lvl)) => {
                blocks.push(Block::Item {
                    ordered: Some(*n),
                    level: *lvl,
                    spans: p.spans,
                });
                return;
            }
            Some((Numbered::Chinese(shown), _)) => prefix = shown.clone(),
            None => {}
        }
        let own = p.text();
        let full = format!("{prefix}{own}");
        let m = marker(&full).filter(|(m, _)| match m {
            Marker::Dotted(1) => has_dotted,
            _ => true,
        });
        let Some((m, len)) = m else {
            if prefix.is_empty() {
                if let Some(n) = text_bullet(&own) {
                    strip_prefix_bytes(&mut p.spans, n);
                    blocks.push(Block::Item {
                        ordered: None,
                        level: 0,
                        spans: p.spans,
                    });
                    return;
                }
            } else {
                // Word numbering in a form not read as a heading (`第一章`): keep it as text.
                p.spans.insert(
                    0,
                    Span {
                        kind: SpanKind::Text(prefix),
                        fmt: Fmt::default(),
                        link: None,
                    },
                );
            }
            blocks.push(Block::Para(p.spans));
            return;
        };
        let level = match m {
            Marker::Han => 2,
            Marker::ParenHan => 3,
            Marker::Arabic => 4,
            Marker::ParenArabic => 5,
            Marker::Dotted(d) => {
                let base = if has_han { 2 } else { 1 };
                (d + base).min(6) as u8
            }
        };
        // Bytes of the marker that are in the paragraph's own text; numbering typed after
        // Word's own (`一、` shown by Word, `二、` typed) is not kept twice either.
        let own_len = if prefix.is_empty() {
            len
        } else {
            marker(&own).map_or(len.saturating_sub(prefix.len()), |(_, l)| l)
        };
        let rest = &own[own_len.min(own.len())..];
        let rest_trim = rest.trim();
        let count = rest_trim.chars().count();
        if rest_trim.is_empty() {
            blocks.push(Block::Para(p.spans));
            return;
        }
        // A short line, with no sentence inside it: a heading.
        let inner_end = rest_trim
            .trim_end_matches(['。', '：', ':', '；', ';'])
            .contains(SENTENCE_END);
        if count <= HEADING_MAX && !inner_end {
            let mut spans = p.spans;
            strip_prefix_bytes(&mut spans, own_len);
            trim_spans(&mut spans);
            strip_trailing(&mut spans, &['。', '：', ':', '；', ';']);
            blocks.push(Block::Heading {
                level,
                spans,
                bookmarks: p.bookmarks,
            });
            return;
        }
        // `（一）按照……原则，推进全覆盖。正文……`: a lead sentence for 一、 and （一） levels.
        if matches!(m, Marker::Han | Marker::ParenHan) {
            if let Some(end) = rest.find(SENTENCE_END) {
                let lead = rest[..end].trim();
                let after = rest[end..].trim_start_matches(SENTENCE_END).trim();
                if !lead.is_empty() && lead.chars().count() <= HEADING_MAX && !after.is_empty() {
                    let mut spans = p.spans;
                    strip_prefix_bytes(&mut spans, own_len);
                    // Offset of the end of the lead sentence (with its mark) in the spans.
                    let own_rest = &own[own_len.min(own.len())..];
                    let Some(e) = own_rest.find(SENTENCE_END) else {
                        blocks.push(Block::Para(spans));
                        return;
                    };
                    let mark_len = own_rest[e..].chars().next().map_or(0, char::len_utf8);
                    let lead_off = own_rest.len() - own_rest.trim_start().len();
                    let _ = lead_off;
                    let (mut head, mut body) = split_spans(&spans, e + mark_len);
                    trim_spans(&mut head);
                    strip_trailing(&mut head, SENTENCE_END);
                    trim_spans(&mut body);
                    blocks.push(Block::Heading {
                        level,
                        spans: head,
                        bookmarks: p.bookmarks,
                    });
                    if !body.is_empty() {
                        blocks.push(Block::Para(body));
                    }
                    return;
                }
            }
        }
        // A long numbered paragraph stays a paragraph, its number kept as written.
        if !prefix.is_empty() {
            p.spans.insert(
                0,
                Span {
                    kind: SpanKind::Text(prefix),
                    fmt: Fmt::default(),
                    link: None,
                },
            );
        }
        blocks.push(Block::Para(p.spans));
    }
}
