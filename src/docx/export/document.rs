//! `document.xml`: runs and paragraphs as WordprocessingML.

use crate::docx::ooxml::esc;

use super::model::{Block, Doc, Inline, Para, Run};

use super::tables::table_xml;

fn run_xml(run: &Run, link: bool, out: &mut String) {
    match run {
        Run::Text(t, f) => {
            out.push_str("<w:r>");
            let mut rpr = String::new();
            if link {
                rpr.push_str(r#"<w:rStyle w:val="Hyperlink"/>"#);
            }
            if f.code {
                rpr.push_str(r#"<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/>"#);
            }
            if f.b {
                rpr.push_str("<w:b/><w:bCs/>");
            }
            if f.i {
                rpr.push_str("<w:i/><w:iCs/>");
            }
            if f.s {
                rpr.push_str("<w:strike/>");
            }
            if f.u {
                rpr.push_str(r#"<w:u w:val="single"/>"#);
            }
            if f.sup {
                rpr.push_str(r#"<w:vertAlign w:val="superscript"/>"#);
            } else if f.sub {
                rpr.push_str(r#"<w:vertAlign w:val="subscript"/>"#);
            }
            if !rpr.is_empty() {
                out.push_str("<w:rPr>");
                out.push_str(&rpr);
                out.push_str("</w:rPr>");
            }
            out.push_str(r#"<w:t xml:space="preserve">"#);
            out.push_str(&esc(t));
            out.push_str("</w:t></w:r>");
        }
        Run::Break => out.push_str("<w:r><w:br/></w:r>"),
        Run::Image {
            rid,
            cx,
            cy,
            alt,
            id,
        } => {
            out.push_str(&format!(
                r#"<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{id}" name="图片 {id}" descr="{alt}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{id}" name="图片 {id}" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#,
                alt = esc(alt)
            ));
        }
    }
}

pub(super) fn para_xml(p: &Para, out: &mut String) {
    out.push_str("<w:p>");
    let mut ppr = String::new();
    if let Some(s) = p.style {
        ppr.push_str(&format!(r#"<w:pStyle w:val="{s}"/>"#));
    }
    if p.page_break {
        ppr.push_str("<w:pageBreakBefore/>");
    }
    if let Some((num, lvl)) = p.num {
        ppr.push_str(&format!(
            r#"<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr>"#
        ));
    }
    if let Some(ind) = p.indent {
        ppr.push_str(&format!(r#"<w:ind w:left="{ind}"/>"#));
    }
    if p.center {
        ppr.push_str(r#"<w:jc w:val="center"/>"#);
    }
    if !ppr.is_empty() {
        out.push_str("<w:pPr>");
        out.push_str(&ppr);
        out.push_str("</w:pPr>");
    }
    for b in &p.bookmarks {
        out.push_str(&format!(
            r#"<w:bookmarkStart w:id="{0}" w:name="{1}"/><w:bookmarkEnd w:id="{0}"/>"#,
            b.trim_start_matches("zk"),
            esc(b)
        ));
    }
    for i in &p.inlines {
        match i {
            Inline::Run(r) => run_xml(r, false, out),
            Inline::Link { rid, anchor, runs } => {
                match (rid, anchor) {
                    (Some(r), _) => out.push_str(&format!(r#"<w:hyperlink r:id="{r}">"#)),
                    (None, Some(a)) => {
                        out.push_str(&format!(r#"<w:hyperlink w:anchor="{}">"#, esc(a)))
                    }
                    _ => out.push_str("<w:hyperlink>"),
                }
                for r in runs {
                    run_xml(r, true, out);
                }
                out.push_str("</w:hyperlink>");
            }
        }
    }
    out.push_str("</w:p>");
}

pub(super) const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;

impl Doc {
    pub(super) fn document_xml(&self) -> String {
        let mut out = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NS}><w:body>"#
        );
        let mut prev_table = false;
        for b in &self.blocks {
            match b {
                Block::Para(p) => {
                    para_xml(p, &mut out);
                    prev_table = false;
                }
                Block::Table(t) => {
                    if prev_table {
                        out.push_str("<w:p/>");
                    }
                    table_xml(t, &mut out);
                    prev_table = true;
                }
            }
        }
        if prev_table || self.blocks.is_empty() {
            out.push_str("<w:p/>");
        }
        out.push_str(r#"<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1588" w:bottom="1440" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="312"/></w:sectPr></w:body></w:document>"#);
        out
    }
}
