use std::collections::HashMap;

use super::front_matter::{affiliation, byline, date_line, lone_name, yaml_str};
use super::markers::{marker, Marker};
use super::model::{Fmt, Span, SpanKind};
use super::to_markdown::{escape_line_start, Writer};

#[test]
fn markers() {
    assert_eq!(marker("一、背景").map(|m| m.0), Some(Marker::Han));
    assert_eq!(marker("十二、其他").map(|m| m.0), Some(Marker::Han));
    assert_eq!(
        marker("（一）组建原则").map(|m| m.0),
        Some(Marker::ParenHan)
    );
    assert_eq!(marker("(二)三同步").map(|m| m.0), Some(Marker::ParenHan));
    assert_eq!(marker("1.党组织活动").map(|m| m.0), Some(Marker::Arabic));
    assert_eq!(marker("1、确立议程").map(|m| m.0), Some(Marker::Arabic));
    assert_eq!(marker("（3）细则").map(|m| m.0), Some(Marker::ParenArabic));
    assert_eq!(
        marker("1.1 推进基层治理").map(|m| m.0),
        Some(Marker::Dotted(2))
    );
    assert_eq!(marker("2.3.1 细目").map(|m| m.0), Some(Marker::Dotted(3)));
    assert_eq!(marker("1 新定位").map(|m| m.0), Some(Marker::Dotted(1)));
    assert_eq!(marker("1.5万人参加"), None);
    assert_eq!(marker("2019年"), None);
    assert_eq!(marker("十九大以来"), None);
    assert_eq!(marker("一是加强领导"), None);
    assert_eq!(marker("3.5%的党员"), None);
    let (_, len) = marker("（一） 组建").unwrap();
    assert_eq!(&"（一） 组建"[len..], "组建");
}

#[test]
fn bylines_and_dates() {
    assert_eq!(
        byline("□ 中共孝义市委常委、组织部长 张云鹏").as_deref(),
        Some("张云鹏（中共孝义市委常委、组织部长）")
    );
    assert_eq!(byline("贾锡萍 王美婧").as_deref(), Some("贾锡萍、王美婧"));
    assert_eq!(byline("作者：杨丽丽").as_deref(), Some("杨丽丽"));
    assert_eq!(byline("主要做法 工作成效"), None);
    assert_eq!(byline("背景"), None);
    assert_eq!(lone_name("背景"), None);
    assert_eq!(lone_name("杨丽丽").as_deref(), Some("杨丽丽"));
    assert_eq!(
        affiliation("（广西机电职业技术学院，广西南宁 535000）").as_deref(),
        Some("广西机电职业技术学院")
    );
    assert_eq!(date_line("2018年12月1日").as_deref(), Some("2018-12-01"));
    assert_eq!(
        date_line("（二〇二〇年一月十五日）").as_deref(),
        Some("2020-01-15")
    );
    assert_eq!(
        date_line("2019-12-26 16:17:39").as_deref(),
        Some("2019-12-26")
    );
    assert_eq!(date_line("2020.1.2").as_deref(), Some("2020-01-02"));
    assert_eq!(date_line("2018年12期"), None);
    assert_eq!(date_line("2018年2月30日"), None);
}

#[test]
fn yaml_strings() {
    assert_eq!(yaml_str("孝义市社会组织党建"), "孝义市社会组织党建");
    assert_eq!(yaml_str("2018年的工作"), "\"2018年的工作\"");
    assert_eq!(yaml_str("天津: 组织力"), "\"天津: 组织力\"");
    assert_eq!(yaml_str("“两新”组织"), "“两新”组织");
    assert_eq!(yaml_str("yes"), "\"yes\"");
}

fn t(s: &str, b: bool) -> Span {
    Span {
        kind: SpanKind::Text(s.into()),
        fmt: Fmt {
            b,
            ..Fmt::default()
        },
        link: None,
    }
}

#[test]
fn emphasis_never_touches_spaces() {
    let anchors = HashMap::new();
    let mut w = Writer {
        anchors: &anchors,
        notes: Vec::new(),
    };
    let s = w.inline(
        &[t("用", false), t("“八有标准” ", true), t("规范", false)],
        false,
        false,
    );
    assert_eq!(s, "用**“八有标准”** 规范");
    let s = w.inline(&[t("a*b_c", false)], false, false);
    assert_eq!(s, "a\\*b\\_c");
    assert_eq!(escape_line_start("1. 是"), "1\\. 是");
    assert_eq!(escape_line_start("# 号"), "\\# 号");
}
