//! Course library structure: reading order, previous/next across modules, lessons ↔ cases,
//! and related pages.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::CONTENT_DIR;
use crate::site::{LeftOut, Site};
use crate::suggest::closest;

use super::Taxonomy;

/// Position of every page when the section tree is read depth first (a section's own pages
/// in its sort order, then its subsections in theirs).
pub fn reading_order(site: &Site) -> Vec<usize> {
    let mut order = vec![usize::MAX; site.pages.len()];
    let mut next = 0;
    let mut stack = vec![0usize];
    while let Some(s) = stack.pop() {
        for &p in &site.sections[s].pages {
            order[p] = next;
            next += 1;
        }
        for &sub in site.sections[s].subsections.iter().rev() {
            stack.push(sub);
        }
    }
    order
}

/// Previous/next page. In a section whose parent is not the home page (a module of a course),
/// the sequence runs through all sibling sections in order, so the last lesson of a module
/// leads to the first of the next; elsewhere it stays within the section.
pub fn prev_next(site: &Site) -> Vec<(Option<usize>, Option<usize>)> {
    let mut result = vec![(None, None); site.pages.len()];
    let mut done = vec![false; site.sections.len()];
    for s in 0..site.sections.len() {
        if done[s] {
            continue;
        }
        let seq: Vec<usize> = match site.sections[s].parent {
            Some(parent) if parent != 0 => {
                let siblings = &site.sections[parent].subsections;
                for &sib in siblings {
                    done[sib] = true;
                }
                siblings
                    .iter()
                    .flat_map(|&sib| site.sections[sib].pages.iter().copied())
                    .collect()
            }
            _ => {
                done[s] = true;
                site.sections[s].pages.clone()
            }
        };
        for (i, &p) in seq.iter().enumerate() {
            let prev = if i > 0 { Some(seq[i - 1]) } else { None };
            result[p] = (prev, seq.get(i + 1).copied());
        }
    }
    result
}

/// `cases:` of each page checked and linked both ways: (cases of each lesson, lessons of each
/// case in reading order).
pub fn cases_and_lessons(
    site: &Site,
    order: &[usize],
    diags: &mut Diagnostics,
) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let by_path: HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel_path.as_str(), i))
        .collect();
    let mut cases = vec![Vec::new(); site.pages.len()];
    let mut lessons = vec![Vec::new(); site.pages.len()];
    for (i, page) in site.pages.iter().enumerate() {
        for entry in &page.meta.fields.cases {
            let path = entry
                .trim()
                .trim_start_matches("@/")
                .trim_start_matches('/');
            match by_path.get(path) {
                Some(&c) if c != i => {
                    if !cases[i].contains(&c) {
                        cases[i].push(c);
                        lessons[c].push(i);
                    }
                }
                Some(_) => {}
                // Reported as that file's own error.
                None if site.left_out.get(path) == Some(&LeftOut::Failed) => {}
                None if site.left_out.get(path) == Some(&LeftOut::Draft) => {
                    let line = page.meta.key_lines.get("cases").copied().unwrap_or(1);
                    diags.push(
                        Diagnostic::error(
                            Path::new(CONTENT_DIR).join(&page.rel_path),
                            format!("`cases:` names `{entry}`, a draft (`draft: true`) left out of this build"),
                        )
                        .at_line(line)
                        .with_help("build with --drafts to include drafts, publish the case, or remove it from `cases:`"),
                    );
                }
                None => {
                    let line = page.meta.key_lines.get("cases").copied().unwrap_or(1);
                    let help = closest(path, by_path.keys())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| {
                            "name a page by its path under content/, e.g. `cases/tianjin.md`".into()
                        });
                    diags.push(
                        Diagnostic::error(
                            Path::new(CONTENT_DIR).join(&page.rel_path),
                            format!(
                                "`cases:` names `{entry}`, but there is no page content/{path}"
                            ),
                        )
                        .at_line(line)
                        .with_help(help),
                    );
                }
            }
        }
    }
    for l in &mut lessons {
        l.sort_by_key(|&p| (order[p], p));
    }
    (cases, lessons)
}

/// Up to five pages sharing the most taxonomy terms with each page; ties go to the newer,
/// then the earlier in reading order.
pub fn related(site: &Site, taxonomies: &[Taxonomy]) -> Vec<Vec<usize>> {
    /// Terms used by more pages than this say little about relatedness and would make the
    /// computation quadratic; only their newest pages are considered.
    const MAX_TERM_SCAN: usize = 300;
    let mut page_terms: Vec<Vec<(usize, usize)>> = vec![Vec::new(); site.pages.len()];
    for (ti, t) in taxonomies.iter().enumerate() {
        for (ki, term) in t.terms.iter().enumerate() {
            for &p in &term.pages {
                page_terms[p].push((ti, ki));
            }
        }
    }
    use rayon::prelude::*;
    (0..site.pages.len())
        .into_par_iter()
        .map(|p| {
            let mut score: HashMap<usize, usize> = HashMap::new();
            for &(ti, ki) in &page_terms[p] {
                for &q in taxonomies[ti].terms[ki].pages.iter().take(MAX_TERM_SCAN) {
                    if q != p {
                        *score.entry(q).or_default() += 1;
                    }
                }
            }
            let mut list: Vec<(usize, usize)> = score.into_iter().collect();
            let order = |a: &(usize, usize), b: &(usize, usize)| {
                b.1.cmp(&a.1)
                    .then_with(|| {
                        site.pages[b.0]
                            .meta
                            .fields
                            .date
                            .cmp(&site.pages[a.0].meta.fields.date)
                    })
                    .then_with(|| site.pages[a.0].rel_path.cmp(&site.pages[b.0].rel_path))
            };
            // Only the best five are kept: select them in linear time, then sort those.
            if list.len() > 5 {
                list.select_nth_unstable_by(4, order);
                list.truncate(5);
            }
            list.sort_by(order);
            list.into_iter().map(|(q, _)| q).collect()
        })
        .collect()
}
