//! Taxonomies: for each configured taxonomy (主题, 地区, 组织类型) the terms used by pages.
//!
//! A term's path is `<taxonomy>/<term slug>/` with the slug from [`crate::slug::term_slug`]:
//! Chinese kept, Latin lowercased, spaces and punctuation as `-`. Two spellings that give the
//! same slug (`社会组织 党建` and `社会组织-党建`) are one term; a warning names both.
//!
//! A term written as a path, `江苏省/南京市/鼓楼区`, is three terms, each the parent of the
//! next: the page is listed under all three, and the taxonomy's list shows provinces → cities
//! → districts.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::config::TaxonomyConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::paths::CONTENT_DIR;
use crate::site::{PageId, Site};
use crate::slug::term_slug;

/// A taxonomy: its index in [`crate::resolve::Graph::taxonomies`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaxonomyId(pub usize);

/// A term: its taxonomy and its index in that taxonomy's `terms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TermId {
    pub taxonomy: TaxonomyId,
    pub index: usize,
}

/// One taxonomy with its terms, sorted by slug.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub config: TaxonomyConfig,
    pub terms: Vec<Term>,
}

/// One term and its pages, newest first.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub pages: Vec<crate::site::PageId>,
    /// The slug of the term above it (`江苏省` for `南京市` in `江苏省/南京市`).
    pub parent: Option<String>,
}

/// The terms a written term stands for: `江苏省/南京市/鼓楼区` → `江苏省`, `南京市`, `鼓楼区`
/// (each the parent of the next); a plain term is itself.
pub fn term_path(name: &str) -> Vec<&str> {
    let parts: Vec<&str> = name
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        vec![name]
    } else {
        parts
    }
}

impl Term {
    /// Output path: `tags/组织覆盖/`.
    pub fn path(&self, taxonomy: &str) -> String {
        crate::paths::term_path(taxonomy, &self.slug)
    }
}

impl Taxonomy {
    /// The term with this name or slug.
    pub fn term(&self, name: &str) -> Option<&Term> {
        let slug = term_slug(name);
        self.terms.iter().find(|t| t.slug == slug)
    }
}

/// Collect the terms of every taxonomy.
/// [`collect`], kept from `memo` when what it reads (the taxonomies of site.toml; each
/// page's terms, the lines they are on, date, title and path) is the same as in the previous
/// build; the result is remembered there.
pub(crate) fn collect_kept(
    site: &Site,
    diags: &mut Diagnostics,
    memo: Option<&mut super::ResolveMemo>,
) -> Vec<Taxonomy> {
    let Some(memo) = memo else {
        return collect(site, diags);
    };
    use std::hash::{Hash, Hasher};
    let mut h = crate::fingerprint::hasher();
    h.write_u64(crate::fingerprint::of_serialize(&site.config.taxonomies));
    site.pages.len().hash(&mut h);
    for p in &site.pages {
        (&p.rel_path, &p.meta.fields.date, &p.meta.fields.title).hash(&mut h);
        p.meta.taxonomies.hash(&mut h);
        for t in &site.config.taxonomies {
            p.meta.key_lines.get(&t.name).hash(&mut h);
        }
    }
    let (taxonomies, warnings) = super::memo::kept(&mut memo.taxonomies, h.finish(), || {
        let mut d = Diagnostics::new();
        let made = collect(site, &mut d);
        (made, d.into_iter().collect())
    });
    diags.extend(warnings);
    taxonomies
}

pub fn collect(site: &Site, diags: &mut Diagnostics) -> Vec<Taxonomy> {
    // Every page's place in newest-first order, found once: sorting a term's pages by it gives
    // the order of `sort_newest_first` (a total order), without comparing dates and titles
    // again for every term.
    let mut newest: Vec<PageId> = (0..site.pages.len()).map(PageId).collect();
    sort_newest_first(&mut newest, site);
    let mut rank = vec![0usize; site.pages.len()];
    for (r, &p) in newest.iter().enumerate() {
        rank[p.0] = r;
    }
    site.config
        .taxonomies
        .iter()
        .map(|tc| {
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            // Names repeat across pages: each is made a slug once.
            let mut slugs: HashMap<&str, String> = HashMap::new();
            for (i, page) in site.pages.iter().enumerate() {
                let Some(list) = page.meta.taxonomies.get(&tc.name) else { continue };
                for (name, parent) in list.iter().flat_map(|written| {
                    let path = term_path(written);
                    (0..path.len()).map(move |k| (path[k], if k > 0 { Some(path[k - 1]) } else { None })).collect::<Vec<_>>()
                }) {
                    let slug = slugs.entry(name).or_insert_with(|| term_slug(name));
                    let parent_slug = parent.map(term_slug);
                    if !terms.contains_key(slug.as_str()) {
                        terms.insert(slug.clone(), Term { name: name.to_string(), slug: slug.clone(), pages: Vec::new(), parent: None });
                    }
                    let Some(term) = terms.get_mut(slug.as_str()) else { continue };
                    if let Some(ps) = parent_slug {
                        match &term.parent {
                            None if ps != term.slug => term.parent = Some(ps),
                            Some(old) if *old != ps => {
                                let line = page.meta.key_lines.get(&tc.name).copied().unwrap_or(1);
                                diags.push(
                                    Diagnostic::warning(Path::new(CONTENT_DIR).join(&page.rel_path), format!("{} `{name}` is under `{}` here but under another term elsewhere", tc.title, parent.unwrap_or_default()))
                                        .at_line(line)
                                        .with_help("write the same path (e.g. `江苏省/南京市`) everywhere the term is used"),
                                );
                            }
                            _ => {}
                        }
                    }
                    if term.name != *name {
                        let line = page.meta.key_lines.get(&tc.name).copied().unwrap_or(1);
                        diags.push(
                            Diagnostic::warning(Path::new(CONTENT_DIR).join(&page.rel_path), format!("{} `{name}` is treated as the same term as `{}` (both have the path /{}/{}/)", tc.title, term.name, tc.name, term.slug))
                                .at_line(line)
                                .with_help(format!("write it as `{}` everywhere", term.name)),
                        );
                    }
                    if term.pages.last() != Some(&PageId(i)) {
                        term.pages.push(PageId(i));
                    }
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for t in &mut terms {
                t.pages.sort_unstable_by_key(|&p| rank[p.0]);
            }
            Taxonomy { config: tc.clone(), terms }
        })
        .collect()
}

/// Newest first; undated pages last; ties by title, then path.
pub fn sort_newest_first(pages: &mut [PageId], site: &Site) {
    pages.sort_by(|&a, &b| {
        let (x, y) = (&site.pages[a], &site.pages[b]);
        (y.meta.fields.date.is_some(), &y.meta.fields.date)
            .cmp(&(x.meta.fields.date.is_some(), &x.meta.fields.date))
            .then_with(|| x.meta.fields.title.cmp(&y.meta.fields.title))
            .then_with(|| x.rel_path.cmp(&y.rel_path))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_written_as_a_path_is_a_term_under_a_term() {
        assert_eq!(
            term_path("江苏省/南京市/鼓楼区"),
            ["江苏省", "南京市", "鼓楼区"]
        );
        assert_eq!(term_path(" 天津市 "), ["天津市"]);
        assert_eq!(term_path("a//b/"), ["a", "b"]);
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("_index.md"), "---\ntitle: 首页\n---\n").unwrap();
        for (f, r) in [
            ("a", "[江苏省/南京市/鼓楼区]"),
            ("b", "[江苏省/南京市]"),
            ("c", "[南京市, 天津市]"),
            ("d", "[浙江省/南京市]"),
        ] {
            std::fs::write(
                content.join(format!("{f}.md")),
                format!("---\ntitle: {f}\nregions: {r}\n---\n"),
            )
            .unwrap();
        }
        let config = crate::config::Config::parse("title = \"t\"\nbase_url = \"/\"\n").unwrap();
        let crate::diagnostics::Outcome {
            value: Some(site),
            diagnostics: diags,
        } = crate::load::load(dir.path(), &config, false, &mut Default::default())
        else {
            panic!("the site loads")
        };
        assert!(!diags.has_errors());
        let mut diags = Diagnostics::new();
        let taxonomies = collect(&site, &mut diags);
        let regions = taxonomies
            .iter()
            .find(|t| t.config.name == "regions")
            .unwrap();
        let term = |n: &str| regions.term(n).unwrap();
        assert_eq!(term("江苏省").pages.len(), 2);
        assert_eq!(term("南京市").pages.len(), 4);
        assert_eq!(term("南京市").parent.as_deref(), Some("江苏省"));
        assert_eq!(term("鼓楼区").parent.as_deref(), Some("南京市"));
        assert_eq!(term("天津市").parent, None);
        // 南京市 under another province is reported.
        let text = format!("{:?}", diags);
        assert!(
            text.contains("is under `浙江省` here but under another term elsewhere"),
            "{text}"
        );
    }

    #[test]
    fn term_pages_are_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("_index.md"), "---\ntitle: 首页\n---\n").unwrap();
        // Same dates, same titles, undated pages: every tie-break is used.
        for i in 0..60 {
            let date = match i % 4 {
                0 => String::new(),
                d => format!("date: 2020-01-0{d}\n"),
            };
            std::fs::write(
                content.join(format!("p{i:02}.md")),
                format!(
                    "---\ntitle: 页{}\n{date}tags: [甲{}, 乙]\n---\n",
                    i % 3,
                    i % 2
                ),
            )
            .unwrap();
        }
        let config = crate::config::Config::parse("title = \"t\"\nbase_url = \"/\"\n").unwrap();
        let crate::diagnostics::Outcome {
            value: Some(site),
            diagnostics: diags,
        } = crate::load::load(dir.path(), &config, false, &mut Default::default())
        else {
            panic!("the site loads")
        };
        assert!(!diags.has_errors());
        let taxonomies = collect(&site, &mut Diagnostics::new());
        let terms = &taxonomies[0].terms;
        assert_eq!(terms.len(), 3);
        for t in terms {
            let mut expected = t.pages.clone();
            expected.sort();
            sort_newest_first(&mut expected, &site);
            assert_eq!(t.pages, expected, "{}", t.name);
        }
    }
}
