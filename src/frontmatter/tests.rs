//! The front matter parsed end to end: fields, taxonomies, dates, and the errors with their
//! positions.

use super::*;

fn page(text: &str) -> Result<PageMeta, Vec<FrontMatterError>> {
    let s = split(text).map_err(|e| vec![e])?;
    parse_page(&s, &["tags", "regions", "org_types"])
}

#[test]
fn page_fields_and_taxonomies() {
    let m = page("---\ntitle: 天津\ndate: 2018-12-01\ntags: [组织覆盖, 组织力]\nregions: 天津市\nsource:\n  title: 文章\n  date: 2018-12\n---\n").unwrap();
    assert_eq!(m.fields.title, "天津");
    assert_eq!(m.fields.date.unwrap().to_string(), "2018-12-01");
    assert_eq!(m.taxonomies["tags"], ["组织覆盖", "组织力"]);
    assert_eq!(m.taxonomies["regions"], ["天津市"]);
    assert_eq!(m.fields.source.unwrap().date.as_deref(), Some("2018-12"));
}

#[test]
fn dates_keep_the_precision_written() {
    for (text, shown, precision) in [
        ("date: 2018", "2018", DatePrecision::Year),
        ("date: 2018-12", "2018-12", DatePrecision::Month),
        ("date: \"2018-12\"", "2018-12", DatePrecision::Month),
        ("date: 2018-12-01", "2018-12-01", DatePrecision::Day),
    ] {
        let m = page(&format!("---\ntitle: x\n{text}\n---\n")).unwrap();
        let d = m.fields.date.unwrap();
        assert_eq!(
            (d.to_string().as_str(), d.precision),
            (shown, precision),
            "{text}"
        );
    }
    assert!(page("---\ntitle: x\ndate: 2018-00\n---\n").is_err());
    assert!(page("---\ntitle: x\ndate: 99\n---\n").is_err());
    // A year sorts before a day in it.
    assert!(Date::parse("2018").unwrap() < Date::parse("2018-03-01").unwrap());
}

#[test]
fn unknown_key_has_line_and_suggestion() {
    let e = page("---\ntitle: x\ntgas: [a]\n---\n").unwrap_err();
    assert_eq!(e[0].line, 3);
    assert_eq!(e[0].message, "unknown front-matter key `tgas`");
    assert!(e[0].help.as_ref().unwrap().contains("did you mean `tags`?"));
}

#[test]
fn bad_date_and_missing_title() {
    let e = page("---\ntitle: x\ndate: 2018-13-01\n---\n").unwrap_err();
    assert_eq!(e[0].line, 3, "{e:?}");
    assert!(e[0].message.contains("invalid date `2018-13-01`"), "{e:?}");
    let e = page("---\ndate: 2018-12-01\n---\n").unwrap_err();
    assert_eq!(e[0].message, "the front matter has no `title`");
    assert!(Date::parse("2018-12-01T09:30:00+08:00").is_some());
}

#[test]
fn wrong_type_and_syntax() {
    let e = page("---\ntitle: x\nweight: 第一\n---\n").unwrap_err();
    assert_eq!(e[0].line, 3);
    assert!(e[0].message.starts_with("wrong type"), "{e:?}");
    let e = page("---\ntitle: x\ntags: [a, b\n---\n").unwrap_err();
    assert!(e[0].message.starts_with("YAML syntax error"), "{e:?}");
}

#[test]
fn yaml_positions_in_messages_are_lines_of_the_file() {
    let e = page("---\ntitle: x\nsummary: \"未闭合\nweight: 1\n---\n").unwrap_err();
    assert_eq!((e[0].line, e[0].column), (5, Some(1)), "{e:?}");
    assert_eq!(
        e[0].message,
        "YAML syntax error: found unexpected end of stream, while scanning a quoted scalar at line 3 column 10"
    );
    let e = page("---\ntitle: x\ntags: [a, b\n---\n").unwrap_err();
    assert_eq!((e[0].line, e[0].column), (4, Some(1)), "{e:?}");
    assert_eq!(
        e[0].message,
        "YAML syntax error: did not find expected ',' or ']', while parsing a flow sequence at line 3 column 7"
    );
}

#[test]
fn too_many_terms_and_unsafe_source_urls() {
    let tags: Vec<String> = (0..=MAX_TERMS_PER_PAGE).map(|i| format!("t{i}")).collect();
    let e = page(&format!(
        "---\ntitle: x\ntags: [{}]\n---\n",
        tags.join(", ")
    ))
    .unwrap_err();
    assert_eq!(e[0].line, 3);
    assert!(e[0].message.contains("has 101 terms"), "{e:?}");
    let e = page("---\ntitle: x\nsource:\n  title: y\n  url: \"jav\tascript:alert(1)\"\n---\n")
        .unwrap_err();
    assert_eq!(e[0].line, 5, "{e:?}");
    assert!(e[0].message.contains("`javascript:`"), "{e:?}");
    assert_eq!(
        unsafe_scheme("JAVASCRIPT:alert(1)").as_deref(),
        Some("javascript")
    );
    assert_eq!(unsafe_scheme("data:text/html,x").as_deref(), Some("data"));
    assert_eq!(unsafe_scheme("https://example.org/a:b"), None);
    assert_eq!(unsafe_scheme("/cases/a/"), None);
    assert_eq!(unsafe_scheme("文章:第3期"), None);
}

#[test]
fn tabs_and_full_width_colons() {
    let e = page("---\ntitle: x\nsource:\n\ttitle: y\n---\n").unwrap_err();
    assert_eq!((e[0].line, e[0].column), (4, Some(1)));
    assert!(e[0].message.contains("tab"));
    let e = page("---\ntitle：天津\n---\n").unwrap_err();
    assert_eq!((e[0].line, e[0].column), (2, Some(6)));
    assert!(e[0].message.contains("full-width colon"));
}
