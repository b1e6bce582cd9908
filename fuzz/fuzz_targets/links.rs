//! Internal link resolution: `classify`, `join_relative` and `percent_decode` on any
//! destination, then the whole resolve stage (links and anchors, aliases, `cases:`,
//! taxonomies, course order) on a tiny in-memory site whose pages are the input's documents.
#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use zhiku::config::Config;
use zhiku::frontmatter::{self, PageMeta, SectionMeta};
use zhiku::markdown::{self, LinkTarget, MarkdownOptions, SourceInfo};
use zhiku::site::{Page, PageId, Section, SectionId, Site};

const FILES: &[&str] = &[
    "cases/tianjin.md",
    "cases/天津 河西.md",
    "courses/m1/index.md",
    "courses/m1/b.md",
    "a.md",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Every line is also tried as a link destination on its own.
    for line in text.lines().take(64) {
        let _ = markdown::percent_decode(line);
        let _ = markdown::join_relative("cases", line);
        match markdown::classify(line, "cases/tianjin.md") {
            Some(Ok(LinkTarget::Content { path, .. })) => {
                assert!(!path.split('/').any(|s| s == ".." || s == "."), "{path:?}")
            }
            Some(Ok(LinkTarget::File { path, .. })) => {
                assert!(!path.split('/').any(|s| s == ".."), "{path:?}")
            }
            _ => {}
        }
    }
    let Ok(config) = Config::parse("title = \"知库\"\nbase_url = \"/kb/\"\n") else {
        return;
    };
    let opts = MarkdownOptions::default();
    let mut docs = text.split('\u{0}');
    let root_body = docs.next().unwrap_or_default();
    let section = |rel: &str, dir: &str, body: &str| Section {
        rel_path: rel.into(),
        dir: dir.into(),
        file: None,
        meta: SectionMeta::default(),
        path: if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        },
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        rendered: markdown::render(
            body,
            opts,
            SourceInfo {
                rel_path: rel,
                first_line: 1,
            },
        )
        .into(),
        source: 0,
        resolved: Default::default(),
    };
    let mut sections = vec![
        section("_index.md", "", root_body),
        section("cases/_index.md", "cases", ""),
    ];
    sections[1].parent = Some(SectionId(0));
    sections[0].subsections.push(SectionId(1));
    let mut pages = Vec::new();
    for (rel, doc) in FILES.iter().zip(docs) {
        let (meta, body, first_line) = match frontmatter::split(doc) {
            Ok(split) => match frontmatter::parse_page(&split, &["tags", "regions", "org_types"]) {
                Ok(meta) => (meta, split.body, split.body_line),
                Err(_) => (PageMeta::default(), doc, 1),
            },
            Err(_) => (PageMeta::default(), doc, 1),
        };
        let stem = rel
            .trim_end_matches("/index.md")
            .trim_end_matches(".md")
            .rsplit('/')
            .next()
            .unwrap_or("x")
            .replace(' ', "-");
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        let dir = if rel.ends_with("/index.md") {
            dir.rsplit_once('/').map_or("", |(d, _)| d)
        } else {
            dir
        };
        let in_cases = dir == "cases";
        pages.push(Page {
            rel_path: rel.to_string(),
            file: PathBuf::from(rel),
            slug: stem.clone(),
            path: if dir.is_empty() {
                format!("{stem}/")
            } else {
                format!("{dir}/{stem}/")
            },
            section: SectionId(usize::from(in_cases)),
            rendered: markdown::render(body, opts, SourceInfo { rel_path: rel, first_line }).into(),
            meta: meta.into(),
            source: 0,
            assets: Vec::new(),
            resolved: Default::default(),
        });
    }
    for (i, p) in pages.iter().enumerate() {
        sections[p.section].pages.push(PageId(i));
    }
    let mut site = Site {
        root: PathBuf::from("/nonexistent-zhiku-fuzz-root"),
        config,
        pages,
        sections,
        content_assets: BTreeMap::new(),
        drafts: false,
        left_out: BTreeMap::new(),
    };
    let statics: BTreeMap<String, (String, PathBuf)> = [(
        "css/site.css".to_string(),
        (
            "css/site.0123abcd.css".to_string(),
            PathBuf::from("static/css/site.css"),
        ),
    )]
    .into();
    let has = |_: &str| true;
    let theme = zhiku::resolve::ThemeOutputs {
        has: &has,
        statics: &statics,
    };
    let Some(graph) = zhiku::resolve::resolve(&mut site, Some(&theme), None).value else {
        return;
    };
    assert_eq!(graph.prev_next.len(), site.pages.len());
    // Every placeholder is filled (unless the author typed one in raw HTML).
    if !text.contains("zhiku-link") {
        for p in &site.pages {
            assert!(!p.resolved.html.contains("zhiku-link:"), "{}", p.resolved.html);
        }
    }
});
