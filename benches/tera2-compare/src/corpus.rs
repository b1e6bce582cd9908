//! The site the engines render: the realistic corpus of `../shared/bench/gen_corpus.py`
//! (zhiku flavour) loaded into plain structs, its Markdown rendered with pulldown-cmark 0.13,
//! and the page graph zhiku's page context needs (sections, prev/next, related, backlinks).
//!
//! This is a model of zhiku's site, not zhiku's loader: front matter is read line by line
//! (the generator writes `title`, `date`, `tags`, `regions`), heading ids are the heading's
//! text, the summary is the first paragraph, and `@/` links become URLs.

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

/// Most entries of `page.siblings` (zhiku's `render::context::SIBLINGS`).
pub const SIBLINGS: usize = 100;
/// Related pages per page (zhiku's `resolve::course::related` keeps 5).
pub const RELATED: usize = 5;

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub name: String,
    pub url: String,
}

pub struct Page {
    pub title: String,
    pub slug: String,
    /// `s00/p00001/`
    pub path: String,
    /// `s00/p00001.md`
    pub rel_path: String,
    pub url: String,
    pub permalink: String,
    pub date: String,
    pub summary: String,
    pub content: String,
    pub toc: Vec<TocEntry>,
    /// `(taxonomy name, terms)`, in site.toml's order, only taxonomies the page has.
    pub taxonomies: Vec<(String, Vec<Term>)>,
    pub word_count: usize,
    pub reading_time: usize,
    pub section: usize,
    /// Pages this page links to.
    pub links: Vec<usize>,
}

pub struct Section {
    pub title: String,
    pub path: String,
    pub url: String,
    pub parent: Option<usize>,
    pub subsections: Vec<usize>,
    pub pages: Vec<usize>,
}

pub struct TaxonomyConfig {
    pub name: String,
    pub title: String,
    pub url: String,
}

pub struct Config {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub taxonomies: Vec<TaxonomyConfig>,
}

pub struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub backlinks: Vec<Vec<usize>>,
    pub related: Vec<Vec<usize>>,
    /// `related` without the pages already listed as backlinks (zhiku's `shown_related`).
    pub shown_related: Vec<Vec<usize>>,
    pub prev_next: Vec<(Option<usize>, Option<usize>)>,
    /// Position of each page in its section.
    pub position: Vec<usize>,
}

impl Site {
    /// The first entry of `page.siblings` for a page at `at` in a section of `n` pages.
    pub fn siblings_start(at: usize, n: usize) -> usize {
        at.saturating_sub(SIBLINGS / 2)
            .min(n.saturating_sub(SIBLINGS))
    }
    /// Breadcrumb trail of a section (home first), as (title, url).
    pub fn ancestors(&self, mut s: usize) -> Vec<usize> {
        let mut list = vec![s];
        while let Some(p) = self.sections[s].parent {
            list.push(p);
            s = p;
        }
        list.reverse();
        list
    }
}

struct Front {
    title: String,
    date: String,
    tags: Vec<String>,
    regions: Vec<String>,
    body: String,
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').to_string()
}

fn list(s: &str) -> Vec<String> {
    s.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(unquote)
        .filter(|t| !t.is_empty())
        .collect()
}

fn front(text: &str) -> Front {
    let mut f = Front {
        title: String::new(),
        date: String::new(),
        tags: Vec::new(),
        regions: Vec::new(),
        body: String::new(),
    };
    let rest = text.strip_prefix("---\n").unwrap_or(text);
    let (head, body) = rest.split_once("\n---\n").unwrap_or(("", rest));
    for line in head.lines() {
        if let Some((k, v)) = line.split_once(':') {
            match k.trim() {
                "title" => f.title = unquote(v),
                "date" => f.date = v.trim().to_string(),
                "tags" => f.tags = list(v),
                "regions" => f.regions = list(v),
                _ => {}
            }
        }
    }
    f.body = body.to_string();
    f
}

/// `(@/s02/p01234.md)` → `(/s02/p01234/)`, and the linked pages' numbers.
fn resolve_links(body: &str, base_path: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(body.len());
    let mut targets = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("](@/") {
        out.push_str(&rest[..at + 2]);
        let after = &rest[at + 4..];
        let end = after.find(')').unwrap_or(after.len());
        let target = &after[..end];
        let path = target.trim_end_matches(".md");
        if let Some(n) = path
            .rsplit('p')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
        {
            targets.push(n);
        }
        out.push_str(base_path);
        out.push_str(path);
        out.push('/');
        rest = &after[end..];
    }
    out.push_str(rest);
    (out, targets)
}

struct Rendered {
    html: String,
    summary: String,
    toc: Vec<TocEntry>,
    words: usize,
}

/// Markdown → HTML with heading ids (the heading's text), the TOC and the first paragraph.
fn markdown(body: &str) -> Rendered {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut events: Vec<Event<'_>> = Parser::new_ext(body, opts).collect();
    let mut flat: Vec<(u8, String, String)> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[i] {
            let level = *level;
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let n = match level {
                HeadingLevel::H1 => 1,
                HeadingLevel::H2 => 2,
                HeadingLevel::H3 => 3,
                HeadingLevel::H4 => 4,
                HeadingLevel::H5 => 5,
                HeadingLevel::H6 => 6,
            };
            events[i] = Event::Start(Tag::Heading {
                level,
                id: Some(CowStr::from(text.clone())),
                classes: Vec::new(),
                attrs: Vec::new(),
            });
            flat.push((n, text.clone(), text));
            i = j;
        }
        i += 1;
    }
    let mut words = 0;
    for e in &events {
        if let Event::Text(t) = e {
            words += t
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
                .count();
        }
    }
    let first_end = events
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)));
    let mut summary = String::new();
    if let Some(end) = first_end {
        html::push_html(&mut summary, events[..=end].iter().cloned());
    }
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out.shrink_to_fit();
    Rendered {
        html: out,
        summary,
        toc: nest(&flat),
        words,
    }
}

fn nest(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let e = TocEntry {
            level: *level,
            id: id.clone(),
            title: title.clone(),
            children: Vec::new(),
        };
        match root.last_mut() {
            Some(last) if last.level < *level => last.children.push(e),
            _ => root.push(e),
        }
    }
    root
}

/// Load the corpus under `dir` (the generator's OUT_DIR: `dir/content/sNN/pNNNNN.md`).
pub fn load(dir: &Path) -> Site {
    let base_path = "/".to_string();
    let base_url = "https://example.org/".to_string();
    let taxonomies = vec![
        TaxonomyConfig {
            name: "tags".into(),
            title: "主题".into(),
            url: "/tags/".into(),
        },
        TaxonomyConfig {
            name: "regions".into(),
            title: "地区".into(),
            url: "/regions/".into(),
        },
    ];
    let content = dir.join("content");
    let mut section_dirs: Vec<String> = std::fs::read_dir(&content)
        .unwrap_or_else(|e| panic!("{}: {e} (generate the corpus first)", content.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    section_dirs.sort();
    let mut files: Vec<(usize, String)> = Vec::new();
    for (si, d) in section_dirs.iter().enumerate() {
        let mut names: Vec<String> = std::fs::read_dir(content.join(d))
            .expect("section dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && n != "_index.md")
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| (si + 1, format!("{d}/{n}"))));
    }
    let mut sections = vec![Section {
        title: "首页".into(),
        path: String::new(),
        url: base_path.clone(),
        parent: None,
        subsections: (1..=section_dirs.len()).collect(),
        pages: Vec::new(),
    }];
    for d in &section_dirs {
        let idx = std::fs::read_to_string(content.join(d).join("_index.md")).unwrap_or_default();
        let title = front(&idx).title;
        sections.push(Section {
            title,
            path: format!("{d}/"),
            url: format!("{base_path}{d}/"),
            parent: Some(0),
            subsections: Vec::new(),
            pages: Vec::new(),
        });
    }
    let mut pages: Vec<Page> = files
        .par_iter()
        .map(|(si, rel)| {
            let text = std::fs::read_to_string(content.join(rel)).expect("page");
            let f = front(&text);
            let (body, links) = resolve_links(&f.body, &base_path);
            let r = markdown(&body);
            let path = format!("{}/", rel.trim_end_matches(".md"));
            let slug = path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let mut tax = Vec::new();
            for (t, names) in [("tags", &f.tags), ("regions", &f.regions)] {
                if !names.is_empty() {
                    tax.push((
                        t.to_string(),
                        names
                            .iter()
                            .map(|n| Term {
                                name: n.clone(),
                                url: format!("{base_path}{t}/{n}/"),
                            })
                            .collect(),
                    ));
                }
            }
            Page {
                title: f.title,
                slug,
                url: format!("{base_path}{path}"),
                permalink: format!("{base_url}{path}"),
                path,
                rel_path: rel.clone(),
                date: f.date,
                summary: r.summary,
                content: r.html,
                toc: r.toc,
                taxonomies: tax,
                word_count: r.words,
                reading_time: (r.words as f64 / 400.0).ceil().max(1.0) as usize,
                section: *si,
                links,
            }
        })
        .collect();
    let n = pages.len();
    for p in &mut pages {
        p.links.retain(|&t| t < n);
    }
    // Sections list their pages newest first (zhiku's default sort is by date).
    for (i, p) in pages.iter().enumerate() {
        sections[p.section].pages.push(i);
    }
    for s in &mut sections {
        s.pages
            .sort_by(|&a, &b| pages[b].date.cmp(&pages[a].date).then(a.cmp(&b)));
    }
    let mut position = vec![0; n];
    let mut prev_next = vec![(None, None); n];
    for s in &sections {
        for (at, &p) in s.pages.iter().enumerate() {
            position[p] = at;
            let prev = at.checked_sub(1).map(|k| s.pages[k]);
            let next = s.pages.get(at + 1).copied();
            prev_next[p] = (prev, next);
        }
    }
    let mut backlinks = vec![Vec::new(); n];
    for (i, p) in pages.iter().enumerate() {
        for &t in &p.links {
            if t != i && !backlinks[t].contains(&i) {
                backlinks[t].push(i);
            }
        }
    }
    // Related: the pages that share the page's first tag, nearest after it.
    let mut by_tag: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some((_, terms)) = p.taxonomies.first() {
            for t in terms {
                by_tag.entry(t.name.as_str()).or_default().push(i);
            }
        }
    }
    let related: Vec<Vec<usize>> = (0..n)
        .map(|i| {
            let Some(first) = pages[i].taxonomies.first().and_then(|(_, t)| t.first()) else {
                return Vec::new();
            };
            let list = &by_tag[first.name.as_str()];
            let at = list.iter().position(|&q| q == i).unwrap_or(0);
            (1..list.len())
                .map(|k| list[(at + k) % list.len()])
                .take(RELATED)
                .collect()
        })
        .collect();
    let shown_related = (0..n)
        .map(|i| {
            related[i]
                .iter()
                .copied()
                .filter(|q| !backlinks[i].contains(q))
                .collect()
        })
        .collect();
    Site {
        config: Config {
            title: "知库基准".into(),
            description: "十万字的党建案例库".into(),
            base_url,
            base_path,
            language: "zh-CN".into(),
            theme: "default".into(),
            taxonomies,
        },
        pages,
        sections,
        backlinks,
        related,
        shown_related,
        prev_next,
        position,
    }
}
