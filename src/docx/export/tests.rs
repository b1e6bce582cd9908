use std::collections::BTreeMap;

use super::html::convert_html;
use super::images::image_size;
use super::model::Block;

use super::UrlContext;

#[test]
fn html_to_blocks() {
    let ctx = UrlContext {
        base_path: "/".into(),
        page_dir: "courses/m/print/".into(),
        base_url: "/".into(),
    };
    let html = "<html><body><main><header><h1>模块</h1><p class=\"lead\">说明</p></header>\
        <article id=\"a\"><h1>1. 第一课</h1><div><h2 id=\"x\">学习目标</h2><ul><li>一</li><li>二<ol><li>甲</li></ol></li></ul>\
        <table><thead><tr><th>课次</th><th>学时</th></tr></thead><tbody><tr><td colspan=\"2\">合</td></tr></tbody></table></div></article>\
        <article><h1>2. 第二课</h1><p>正文<strong>加粗</strong></p></article></main></body></html>";
    let doc = convert_html(html, &ctx, &BTreeMap::new());
    let styles: Vec<Option<&str>> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) => Some(p.style),
            _ => None,
        })
        .collect();
    assert_eq!(styles[0], Some("Title"));
    assert_eq!(styles[1], Some("Subtitle"));
    assert!(styles.contains(&Some("Heading2")));
    let breaks: Vec<bool> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) if p.style == Some("Heading1") => Some(p.page_break),
            _ => None,
        })
        .collect();
    assert_eq!(breaks, vec![true, true]);
    assert_eq!(doc.tables, 1);
    assert_eq!(doc.ordered_lists, 1);
}

#[test]
fn image_sizes() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(640u32.to_be_bytes());
    png.extend(480u32.to_be_bytes());
    assert_eq!(image_size(&png), Some((640, 480)));
}
