//! What both engines share: the escaping, the filters zhiku registers (`plaintext`,
//! `truncate`) and `get_url`, written once on `&str` so the engines differ only in how they
//! are called. The logic follows zhiku's `render::functions` (plaintext: tags dropped,
//! entities decoded, whitespace collapsed; truncate: stops after `length` graphemes).

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::corpus::{Site, TocEntry};

/// HTML escaping of `& < > " '` (zhiku's; Tera 1's default also escapes `/`).
pub fn escape_into(s: &str, out: &mut impl std::fmt::Write) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        let _ = out.write_str(&s[last..i]);
        let _ = out.write_str(rep);
        last = i + 1;
    }
    let _ = out.write_str(&s[last..]);
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(s, &mut out);
    out
}

pub fn plaintext(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = decode_entities(&text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&e| e <= 10).and_then(|e| {
            let c = match &rest[1..e] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{a0}',
                n => {
                    let n = n.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn truncate(s: &str, length: usize, end: &str) -> String {
    match s.grapheme_indices(true).nth(length) {
        Some((at, _)) => format!("{}{end}", &s[..at]),
        None => s.to_string(),
    }
}

pub fn get_url(base_path: &str, path: &str) -> String {
    format!("{}{}", base_path, path.trim_start_matches('/'))
}

// ---- Typed, borrowed views of the site: the shape of zhiku's page context ----------------

#[derive(Serialize)]
pub struct Link<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: &'a str,
}

#[derive(Serialize)]
pub struct Empty {}

pub struct Taxonomies<'a>(pub &'a [(String, Vec<crate::corpus::Term>)]);

impl Serialize for Taxonomies<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (name, terms) in self.0 {
            m.serialize_entry(name, terms)?;
        }
        m.end()
    }
}

/// A page's summary (zhiku's `page_summary`), borrowing the site.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub summary: &'a str,
    pub summary_text: Option<&'a str>,
    pub url: &'a str,
    pub permalink: &'a str,
    pub path: &'a str,
    pub rel_path: &'a str,
    pub slug: &'a str,
    pub date: &'a str,
    pub updated: Option<&'a str>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub reading_time: usize,
    pub word_count: usize,
    pub taxonomies: Taxonomies<'a>,
    pub source: Option<Empty>,
    pub cases: Vec<Link<'a>>,
    pub extra: Empty,
    pub section: Link<'a>,
}

pub fn section_link(site: &Site, s: usize) -> Link<'_> {
    Link {
        kind: "section",
        title: &site.sections[s].title,
        url: &site.sections[s].url,
    }
}

pub fn page_link(site: &Site, p: usize) -> Link<'_> {
    Link {
        kind: "page",
        title: &site.pages[p].title,
        url: &site.pages[p].url,
    }
}

pub fn summary(site: &Site, i: usize) -> Summary<'_> {
    let p = &site.pages[i];
    Summary {
        title: &p.title,
        description: None,
        summary: &p.summary,
        summary_text: None,
        url: &p.url,
        permalink: &p.permalink,
        path: &p.path,
        rel_path: &p.rel_path,
        slug: &p.slug,
        date: &p.date,
        updated: None,
        weight: None,
        draft: false,
        reading_time: p.reading_time,
        word_count: p.word_count,
        taxonomies: Taxonomies(&p.taxonomies),
        source: None,
        cases: Vec::new(),
        extra: Empty {},
        section: section_link(site, p.section),
    }
}

#[derive(Serialize)]
pub struct Sibling<'a> {
    pub current: bool,
    pub title: &'a str,
    pub url: &'a str,
}

/// `page` of a page's context (zhiku's `Values::page_full`): the summary's fields and more.
#[derive(Serialize)]
pub struct FullPage<'a> {
    #[serde(flatten)]
    pub summary: Summary<'a>,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub ancestors: Vec<Link<'a>>,
    pub backlinks: Vec<Link<'a>>,
    pub related: Vec<Summary<'a>>,
    pub other_backlinks: Vec<Link<'a>>,
    pub other_related: Vec<Summary<'a>>,
    pub quiz: Vec<Empty>,
    pub lessons: Vec<Summary<'a>>,
    pub prev: Option<Summary<'a>>,
    pub next: Option<Summary<'a>>,
    pub siblings: Vec<Sibling<'a>>,
    pub lesson: Option<Empty>,
    pub assets: Vec<&'a str>,
}

pub fn full_page(site: &Site, i: usize) -> FullPage<'_> {
    let p = &site.pages[i];
    let s = &site.sections[p.section];
    let start = Site::siblings_start(site.position[i], s.pages.len());
    let (prev, next) = site.prev_next[i];
    FullPage {
        summary: summary(site, i),
        content: &p.content,
        toc: &p.toc,
        ancestors: site
            .ancestors(p.section)
            .into_iter()
            .map(|a| section_link(site, a))
            .collect(),
        backlinks: site.backlinks[i]
            .iter()
            .map(|&q| page_link(site, q))
            .collect(),
        related: site.related[i].iter().map(|&q| summary(site, q)).collect(),
        other_backlinks: site.backlinks[i]
            .iter()
            .map(|&q| page_link(site, q))
            .collect(),
        other_related: site.shown_related[i]
            .iter()
            .map(|&q| summary(site, q))
            .collect(),
        quiz: Vec::new(),
        lessons: Vec::new(),
        prev: prev.map(|q| summary(site, q)),
        next: next.map(|q| summary(site, q)),
        siblings: s.pages[start..]
            .iter()
            .take(crate::corpus::SIBLINGS)
            .map(|&q| Sibling {
                current: q == i,
                title: &site.pages[q].title,
                url: &site.pages[q].url,
            })
            .collect(),
        lesson: None,
        assets: Vec::new(),
    }
}

#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub url: &'a str,
}

#[derive(Serialize)]
pub struct Variants {
    pub hant: bool,
    pub hant_lang: &'static str,
    pub hant_og_locale: &'static str,
    pub hant_path: &'static str,
    pub hant_variant: &'static str,
}

#[derive(Serialize)]
pub struct Markdown {
    pub cjk_emphasis: bool,
    pub cjk_line_breaks: bool,
    pub safe: bool,
    pub smart_punctuation: bool,
}

/// `config` in templates.
#[derive(Serialize)]
pub struct ConfigView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub theme: &'a str,
    pub taxonomies: Vec<TaxonomyView<'a>>,
    pub markdown: Markdown,
    pub variants: Variants,
    pub extra: Empty,
}

pub fn config(site: &Site) -> ConfigView<'_> {
    let c = &site.config;
    ConfigView {
        title: &c.title,
        description: &c.description,
        base_url: &c.base_url,
        base_path: &c.base_path,
        language: &c.language,
        theme: &c.theme,
        taxonomies: c
            .taxonomies
            .iter()
            .map(|t| TaxonomyView {
                name: &t.name,
                title: &t.title,
                url: &t.url,
            })
            .collect(),
        markdown: Markdown {
            cjk_emphasis: true,
            cjk_line_breaks: true,
            safe: false,
            smart_punctuation: false,
        },
        variants: Variants {
            hant: false,
            hant_lang: "zh-Hant",
            hant_og_locale: "zh_Hant",
            hant_path: "zh-hant",
            hant_variant: "standard",
        },
        extra: Empty {},
    }
}

#[derive(Serialize)]
pub struct NavItem<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub path: &'a str,
}

pub fn nav(site: &Site) -> Vec<NavItem<'_>> {
    site.sections[0]
        .subsections
        .iter()
        .map(|&s| NavItem {
            title: &site.sections[s].title,
            url: &site.sections[s].url,
            path: &site.sections[s].path,
        })
        .collect()
}

/// A whole page context, typed and borrowed (variant b; also Tera 2's `from_serialize`).
#[derive(Serialize)]
pub struct PageContext<'a> {
    pub config: &'a ConfigView<'a>,
    pub nav: &'a [NavItem<'a>],
    pub page: FullPage<'a>,
    pub current_path: &'a str,
    pub current_url: &'a str,
    pub current_permalink: &'a str,
}
