//! Tables: read from HTML (header rows, colspan and rowspan) and written as `w:tbl`.

use std::collections::BTreeMap;

use scraper::ElementRef;

use super::document::para_xml;
use super::html::HtmlWalk;

use super::model::{Block, Cell, Inline, Para, Run};

impl HtmlWalk<'_> {
    pub(super) fn table(&mut self, el: ElementRef<'_>) -> Vec<Vec<Cell>> {
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        // Columns still covered by a rowspan: column → rows left.
        let mut covering: BTreeMap<usize, usize> = BTreeMap::new();
        let saved_lists = std::mem::take(&mut self.lists);
        let saved_fmt = std::mem::take(&mut self.fmt);
        let trs: Vec<ElementRef<'_>> = el
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "tr")
            .collect();
        for tr in trs {
            // Only rows of this table (not of a nested one).
            let mut p = tr.parent();
            let mut own = false;
            while let Some(n) = p {
                if let Some(e) = ElementRef::wrap(n) {
                    if e.value().name() == "table" {
                        own = e.id() == el.id();
                        break;
                    }
                }
                p = n.parent();
            }
            if !own {
                continue;
            }
            let in_head = tr
                .parent()
                .and_then(ElementRef::wrap)
                .is_some_and(|e| e.value().name() == "thead");
            let mut row = Vec::new();
            let mut col = 0;
            for cell in tr.children().filter_map(ElementRef::wrap) {
                let cname = cell.value().name();
                if cname != "td" && cname != "th" {
                    continue;
                }
                while let Some(left) = covering.get_mut(&col) {
                    row.push(Cell {
                        paras: Vec::new(),
                        span: 1,
                        vmerge: Some(false),
                        header: false,
                    });
                    *left -= 1;
                    if *left == 0 {
                        covering.remove(&col);
                    }
                    col += 1;
                }
                let span: usize = cell
                    .value()
                    .attr("colspan")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 63);
                let rowspan: usize = cell
                    .value()
                    .attr("rowspan")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 1000);
                let header = cname == "th" || in_head;
                // Convert the cell's content into paragraphs of its own.
                let before = self.doc.blocks.len();
                self.flush();
                let saved_b = self.fmt.b;
                self.fmt.b = header;
                self.start(None);
                self.children(cell, 0);
                self.flush();
                self.fmt.b = saved_b;
                let paras: Vec<Para> = self
                    .doc
                    .blocks
                    .drain(before..)
                    .filter_map(|b| match b {
                        Block::Para(mut p) => {
                            p.page_break = false;
                            if p.style.is_some_and(|s| s.starts_with("Heading")) {
                                self.doc.headings -= 1;
                                p.style = None;
                            }
                            Some(p)
                        }
                        Block::Table(_) => None,
                    })
                    .collect();
                if rowspan > 1 {
                    for c in col..col + span {
                        covering.insert(c, rowspan - 1);
                    }
                }
                row.push(Cell {
                    paras,
                    span,
                    vmerge: (rowspan > 1).then_some(true),
                    header,
                });
                col += span;
            }
            while let Some(left) = covering.get_mut(&col) {
                row.push(Cell {
                    paras: Vec::new(),
                    span: 1,
                    vmerge: Some(false),
                    header: false,
                });
                *left -= 1;
                if *left == 0 {
                    covering.remove(&col);
                }
                col += 1;
            }
            if !row.is_empty() {
                rows.push(row);
            }
        }
        self.lists = saved_lists;
        self.fmt = saved_fmt;
        rows
    }
}

/// Text width of an A4 page with the margins below, in twips.
const TEXT_WIDTH: usize = 11906 - 2 * 1588;

pub(super) fn table_xml(rows: &[Vec<Cell>], out: &mut String) {
    let cols = rows
        .iter()
        .map(|r| r.iter().map(|c| c.span).sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    // Columns as wide as their longest cell text asks (within limits), filling the page.
    let mut want = vec![4usize; cols];
    for row in rows {
        let mut c = 0;
        for cell in row {
            let len: usize = cell
                .paras
                .iter()
                .map(|p| {
                    p.inlines
                        .iter()
                        .map(|i| match i {
                            Inline::Run(Run::Text(t, _)) => t.chars().count(),
                            Inline::Link { runs, .. } => runs
                                .iter()
                                .map(|r| match r {
                                    Run::Text(t, _) => t.chars().count(),
                                    _ => 0,
                                })
                                .sum(),
                            _ => 0,
                        })
                        .sum::<usize>()
                })
                .max()
                .unwrap_or(0);
            if cell.span == 1 && c < cols {
                want[c] = want[c].max(len.min(24));
            }
            c += cell.span;
        }
    }
    let total: usize = want.iter().sum::<usize>().max(1);
    let widths: Vec<usize> = want.iter().map(|w| TEXT_WIDTH * w / total).collect();
    out.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>"#);
    for w in &widths {
        out.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#));
    }
    out.push_str("</w:tblGrid>");
    for (r, row) in rows.iter().enumerate() {
        out.push_str("<w:tr>");
        let header = r == 0 && row.iter().all(|c| c.header || c.paras.is_empty());
        if header {
            out.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        }
        let mut used = 0;
        for c in row {
            let w: usize = widths.iter().skip(used).take(c.span).sum();
            out.push_str("<w:tc><w:tcPr>");
            out.push_str(&format!(r#"<w:tcW w:w="{w}" w:type="dxa"/>"#));
            if c.span > 1 {
                out.push_str(&format!(r#"<w:gridSpan w:val="{}"/>"#, c.span));
            }
            match c.vmerge {
                Some(true) => out.push_str(r#"<w:vMerge w:val="restart"/>"#),
                Some(false) => out.push_str("<w:vMerge/>"),
                None => {}
            }
            out.push_str("</w:tcPr>");
            if c.paras.is_empty() {
                out.push_str("<w:p/>");
            }
            for p in &c.paras {
                para_xml(p, out);
            }
            out.push_str("</w:tc>");
            used += c.span;
        }
        // Every row spans the whole grid.
        for w in widths.iter().skip(used) {
            out.push_str(&format!(
                r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p/></w:tc>"#
            ));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}
