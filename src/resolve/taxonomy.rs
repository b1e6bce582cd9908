//! Taxonomies: for each configured taxonomy (主题, 地区, 组织类型) the terms used by pages.
//!
//! A term's path is `<taxonomy>/<term slug>/` with the slug from [`crate::slug::term_slug`]:
//! Chinese kept, Latin lowercased, spaces and punctuation as `-`. Two spellings that give the
//! same slug (`社会组织 党建` and `社会组织-党建`) are one term; a warning names both.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::TaxonomyConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::CONTENT_DIR;
use crate::site::Site;
use crate::slug::term_slug;

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
    pub pages: Vec<usize>,
}

impl Term {
    /// Output path: `tags/组织覆盖/`.
    pub fn path(&self, taxonomy: &str) -> String {
        format!("{taxonomy}/{}/", self.slug)
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
pub fn collect(site: &Site, diags: &mut Diagnostics) -> Vec<Taxonomy> {
    site.config
        .taxonomies
        .iter()
        .map(|tc| {
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            for (i, page) in site.pages.iter().enumerate() {
                let Some(list) = page.meta.taxonomies.get(&tc.name) else { continue };
                for name in list {
                    let slug = term_slug(name);
                    let term = terms.entry(slug.clone()).or_insert_with(|| Term { name: name.clone(), slug, pages: Vec::new() });
                    if term.name != *name {
                        let line = page.meta.key_lines.get(&tc.name).copied().unwrap_or(1);
                        diags.push(
                            Diagnostic::warning(Path::new(CONTENT_DIR).join(&page.rel_path), format!("{} `{name}` is treated as the same term as `{}` (both have the path /{}/{}/)", tc.title, term.name, tc.name, term.slug))
                                .at_line(line)
                                .with_help(format!("write it as `{}` everywhere", term.name)),
                        );
                    }
                    if term.pages.last() != Some(&i) {
                        term.pages.push(i);
                    }
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for t in &mut terms {
                sort_newest_first(&mut t.pages, site);
            }
            Taxonomy { config: tc.clone(), terms }
        })
        .collect()
}

/// Newest first; undated pages last; ties by title, then path.
pub fn sort_newest_first(pages: &mut [usize], site: &Site) {
    pages.sort_by(|&a, &b| {
        let (x, y) = (&site.pages[a], &site.pages[b]);
        (y.meta.fields.date.is_some(), &y.meta.fields.date)
            .cmp(&(x.meta.fields.date.is_some(), &x.meta.fields.date))
            .then_with(|| x.meta.fields.title.cmp(&y.meta.fields.title))
            .then_with(|| x.rel_path.cmp(&y.rel_path))
    });
}
