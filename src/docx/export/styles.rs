//! `styles.xml` (Title, Heading 1–4, body, quotation and code styles with Chinese fonts) and
//! `numbering.xml` (bullets and one numbering per ordered list).

use super::model::BULLET_NUM;

const BODY_FONT: &str = "宋体";
const HEADING_FONT: &str = "黑体";

pub(super) fn fonts(east_asia: &str) -> String {
    format!(
        r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{east_asia}" w:cs="Times New Roman"/>"#
    )
}

fn heading_fonts() -> String {
    format!(
        r#"<w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="{HEADING_FONT}" w:cs="Arial"/>"#
    )
}

pub(super) fn styles_xml() -> String {
    let para = |id: &str, name: &str, extra_ppr: &str, rpr: &str| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr>{extra_ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"#
        )
    };
    let heading = |n: u8, size: u32, before: u32| {
        para(
            &format!("Heading{n}"),
            &format!("heading {n}"),
            &format!(
                r#"<w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="120" w:line="360" w:lineRule="auto"/><w:outlineLvl w:val="{}"/>"#,
                n - 1
            ),
            &format!(
                r#"{}<w:b/><w:bCs/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>"#,
                heading_fonts()
            ),
        )
    };
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    s.push_str(&format!(
        r#"<w:docDefaults><w:rPrDefault><w:rPr>{}<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>"#,
        fonts(BODY_FONT)
    ));
    s.push_str(&format!(
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:firstLineChars="0"/></w:pPr><w:rPr>{}</w:rPr></w:style>"#,
        fonts(BODY_FONT)
    ));
    s.push_str(&para(
        "Title",
        "Title",
        r#"<w:jc w:val="center"/><w:spacing w:before="240" w:after="240"/><w:outlineLvl w:val="0"/>"#,
        &format!(r#"{}<w:b/><w:sz w:val="44"/><w:szCs w:val="44"/>"#, heading_fonts()),
    ));
    s.push_str(&para(
        "Subtitle",
        "Subtitle",
        r#"<w:jc w:val="center"/><w:spacing w:after="240"/>"#,
        r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="楷体" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/>"#,
    ));
    s.push_str(&heading(1, 32, 360));
    s.push_str(&heading(2, 30, 240));
    s.push_str(&heading(3, 28, 240));
    s.push_str(&heading(4, 24, 120));
    s.push_str(&para(
        "ListParagraph",
        "List Paragraph",
        r#"<w:ind w:left="420"/><w:contextualSpacing/>"#,
        "",
    ));
    s.push_str(&para(
        "Quote",
        "Quote",
        r#"<w:ind w:left="567" w:right="567"/><w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="999999"/></w:pBdr>"#,
        r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="楷体" w:cs="Times New Roman"/>"#,
    ));
    s.push_str(&para(
        "Caption",
        "caption",
        r#"<w:jc w:val="center"/>"#,
        r#"<w:sz w:val="21"/><w:szCs w:val="21"/>"#,
    ));
    s.push_str(&para(
        "Code",
        "Code",
        r#"<w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/>"#,
        r#"<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:eastAsia="宋体" w:cs="Courier New"/><w:sz w:val="20"/>"#,
    ));
    s.push_str(&para(
        "FootnoteText",
        "footnote text",
        r#"<w:spacing w:after="60" w:line="300" w:lineRule="auto"/>"#,
        r#"<w:sz w:val="18"/><w:szCs w:val="18"/>"#,
    ));
    s.push_str(&para(
        "Footer",
        "footer",
        r#"<w:jc w:val="center"/>"#,
        r#"<w:sz w:val="18"/>"#,
    ));
    s.push_str(r#"<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>"#);
    s.push_str(r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#);
    s.push_str(r#"<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>"#);
    s.push_str("</w:styles>");
    s
}

pub(super) fn numbering_xml(ordered_lists: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    // 0: bullets; 1: decimal (1. / (1) / ① by level).
    s.push_str(
        r#"<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>"#,
    );
    for l in 0..9 {
        let bullet = ["●", "○", "■"][l % 3];
        s.push_str(&format!(
            r#"<w:lvl w:ilvl="{l}"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="{bullet}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{}" w:hanging="420"/></w:pPr></w:lvl>"#,
            420 * (l + 1)
        ));
    }
    s.push_str("</w:abstractNum>");
    s.push_str(
        r#"<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>"#,
    );
    for l in 0..9 {
        let (fmt, text) = match l % 3 {
            0 => ("decimal", format!("%{}.", l + 1)),
            1 => ("decimal", format!("(%{})", l + 1)),
            _ => ("decimalEnclosedCircle", format!("%{}", l + 1)),
        };
        s.push_str(&format!(
            r#"<w:lvl w:ilvl="{l}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{}" w:hanging="420"/></w:pPr></w:lvl>"#,
            420 * (l + 1)
        ));
    }
    s.push_str("</w:abstractNum>");
    s.push_str(&format!(
        r#"<w:num w:numId="{BULLET_NUM}"><w:abstractNumId w:val="0"/></w:num>"#
    ));
    for k in 1..=ordered_lists {
        s.push_str(&format!(
            r#"<w:num w:numId="{}"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#,
            BULLET_NUM + k
        ));
    }
    s.push_str("</w:numbering>");
    s
}
