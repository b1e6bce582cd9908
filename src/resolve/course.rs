//! Course library structure: reading order, previous/next within a module and the next
//! module, lessons ↔ cases, related pages and which list shows each related page.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::paths::CONTENT_DIR;
use crate::site::{LeftOut, PageId, SectionId, Site};
use crate::suggest::closest;

use super::Taxonomy;

/// Position of every page when the section tree is read depth first (a section's own pages
/// in its sort order, then its subsections in theirs).
pub(crate) fn reading_order(site: &Site) -> Vec<usize> {
    let mut order = vec![usize::MAX; site.pages.len()];
    let mut next = 0;
    let mut stack = vec![SectionId(0)];
    while let Some(s) = stack.pop() {
        for &p in &site.sections[s].pages {
            order[p.0] = next;
            next += 1;
        }
        for &sub in site.sections[s].subsections.iter().rev() {
            stack.push(sub);
        }
    }
    order
}

/// Previous/next page, within the page's own section: a module's lessons do not run on into
/// the next module (its last lesson links to the next module instead, see [`next_module`]).
pub(crate) fn prev_next(site: &Site) -> Vec<(Option<PageId>, Option<PageId>)> {
    let mut result = vec![(None, None); site.pages.len()];
    for s in &site.sections {
        let seq = &s.pages;
        for (i, &p) in seq.iter().enumerate() {
            let prev = if i > 0 { Some(seq[i - 1]) } else { None };
            result[p.0] = (prev, seq.get(i + 1).copied());
        }
    }
    result
}

/// Is section `s` a course module: a section with pages whose parent is not the home page
/// (`courses/m1/` under `courses/`)?
pub(crate) fn is_module(site: &Site, s: SectionId) -> bool {
    matches!(site.sections[s].parent, Some(p) if p != SectionId(0))
        && !site.sections[s].pages.is_empty()
}

/// For each section that is a module: the next module of its course (the next sibling
/// section with pages), shown at the end of its last lesson; and the previous one.
pub(crate) fn next_module(site: &Site) -> Vec<(Option<SectionId>, Option<SectionId>)> {
    let mut result = vec![(None, None); site.sections.len()];
    for (i, section) in site.sections.iter().enumerate() {
        let s = SectionId(i);
        if !is_module(site, s) {
            continue;
        }
        let Some(parent) = section.parent else {
            continue;
        };
        let siblings: Vec<SectionId> = site.sections[parent]
            .subsections
            .iter()
            .copied()
            .filter(|&x| is_module(site, x))
            .collect();
        if let Some(at) = siblings.iter().position(|&x| x == s) {
            let prev = if at > 0 { Some(siblings[at - 1]) } else { None };
            result[i] = (prev, siblings.get(at + 1).copied());
        }
    }
    result
}

/// Each related page is shown once, in the most specific list: a page's cases (本课案例) and
/// lessons (相关课程) first, then the pages its text links to, then the pages linking to it
/// (引用本页的内容), then pages sharing terms (相关内容). Returns the backlinks to show (links
/// from lessons already listed as 相关课程 left out) and the related pages to show (none
/// that appears in an earlier list).
pub(crate) fn shown_lists(
    site: &Site,
    page_backlinks: &[Vec<crate::site::Ref>],
    cases: &[Vec<PageId>],
    lessons: &[Vec<PageId>],
    related: &[Vec<PageId>],
) -> (Vec<Vec<crate::site::Ref>>, Vec<Vec<PageId>>) {
    use crate::site::Ref;
    let n = site.pages.len();
    // The pages each page's text links to.
    let mut links_out: Vec<Vec<PageId>> = vec![Vec::new(); n];
    for (target, list) in page_backlinks.iter().enumerate() {
        for r in list {
            if let Ref::Page(from) = *r {
                links_out[from.0].push(PageId(target));
            }
        }
    }
    let backlinks: Vec<Vec<Ref>> = (0..n)
        .map(|i| {
            page_backlinks[i]
                .iter()
                .copied()
                .filter(|r| match *r {
                    Ref::Page(q) => {
                        !lessons[i].contains(&q)
                            && !cases[i].contains(&q)
                            && !links_out[i].contains(&q)
                    }
                    Ref::Section(_) => true,
                })
                .collect()
        })
        .collect();
    let shown_related = (0..n)
        .map(|i| {
            related[i]
                .iter()
                .copied()
                .filter(|q| {
                    !lessons[i].contains(q)
                        && !cases[i].contains(q)
                        && !links_out[i].contains(q)
                        && !backlinks[i].contains(&Ref::Page(*q))
                })
                .collect()
        })
        .collect();
    (backlinks, shown_related)
}

/// One self-check question (自测题) of a lesson's `extra.quiz`.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct QuizItem {
    /// 1, 2, … in the lesson.
    pub number: usize,
    pub question: String,
    pub options: Vec<QuizOption>,
    /// The letters of the right options, in order (`["B"]`, `["A", "C"]`).
    pub answer: Vec<String>,
    /// More than one option is right (checkboxes rather than radio buttons).
    pub multiple: bool,
    pub explanation: Option<String>,
}

/// One option of a [`QuizItem`]: its letter (A, B, …) and text.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct QuizOption {
    pub letter: String,
    pub text: String,
}

/// The self-check questions of a page's `extra.quiz`:
///
/// ```yaml
/// extra:
///   quiz:
///     - question: 议事会的秘书长由谁担任？
///       options: [离退休党员, 社区党组织负责人, 居委会主任]
///       answer: B                 # or [A, C] / "AC" for several right options
///       explanation: 社区党组织负责人任秘书长，负责组织协调。
/// ```
///
/// An error says which question is wrong and how.
pub(crate) fn quiz(
    extra: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<QuizItem>, String> {
    use serde_json::Value;
    let Some(list) = extra.get("quiz") else {
        return Ok(Vec::new());
    };
    let Value::Array(list) = list else {
        return Err("`extra.quiz` must be a list of questions".into());
    };
    let text = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if *b { "是" } else { "否" }.to_string()),
            _ => None,
        }
    };
    let mut items = Vec::new();
    for (k, item) in list.iter().enumerate() {
        let n = k + 1;
        let Value::Object(item) = item else {
            return Err(format!(
                "`extra.quiz` question {n} must be a map with `question`, `options` and `answer`"
            ));
        };
        for key in item.keys() {
            if !["question", "options", "answer", "explanation"].contains(&key.as_str()) {
                return Err(format!("`extra.quiz` question {n} has an unknown key `{key}` (known: question, options, answer, explanation)"));
            }
        }
        let question = item
            .get("question")
            .and_then(text)
            .ok_or_else(|| format!("`extra.quiz` question {n} has no `question` text"))?;
        let options: Vec<String> = match item.get("options") {
            Some(Value::Array(o)) => o
                .iter()
                .map(|v| {
                    text(v).ok_or_else(|| {
                        format!("`extra.quiz` question {n}: every option must be text")
                    })
                })
                .collect::<Result<_, _>>()?,
            _ => {
                return Err(format!(
                    "`extra.quiz` question {n} needs `options`, a list of at least two choices"
                ))
            }
        };
        if options.len() < 2 || options.len() > 26 {
            return Err(format!(
                "`extra.quiz` question {n} has {} option(s): give between 2 and 26",
                options.len()
            ));
        }
        let letters: Vec<char> = match item.get("answer") {
            Some(Value::String(s)) => s.chars().filter(|c| c.is_alphabetic()).collect(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str())
                .flat_map(|s| s.chars().filter(|c| c.is_alphabetic()).collect::<Vec<_>>())
                .collect(),
            _ => Vec::new(),
        };
        if letters.is_empty() {
            return Err(format!("`extra.quiz` question {n} has no `answer`: write the letter of the right option (`answer: B`, or `answer: [A, C]`)"));
        }
        let last = (b'A' + options.len() as u8 - 1) as char;
        let mut answer: Vec<String> = Vec::new();
        for c in letters {
            let c = c.to_ascii_uppercase();
            if !c.is_ascii_uppercase() || c > last {
                return Err(format!("`extra.quiz` question {n}: the answer `{c}` is not one of its options A–{last}"));
            }
            if !answer.contains(&c.to_string()) {
                answer.push(c.to_string());
            }
        }
        answer.sort();
        items.push(QuizItem {
            number: n,
            question,
            options: options
                .into_iter()
                .enumerate()
                .map(|(i, text)| QuizOption {
                    letter: ((b'A' + i as u8) as char).to_string(),
                    text,
                })
                .collect(),
            multiple: answer.len() > 1,
            answer,
            explanation: item.get("explanation").and_then(text),
        });
    }
    Ok(items)
}

/// Check every page's self-check questions (`extra.quiz`).
pub(crate) fn check_quizzes(site: &Site, diags: &mut Diagnostics) {
    for page in &site.pages {
        if let Err(e) = quiz(&page.meta.fields.extra) {
            let line = page.meta.key_lines.get("extra").copied().unwrap_or(1);
            diags.push(
                Diagnostic::error(Path::new(CONTENT_DIR).join(&page.rel_path), e)
                    .at_line(line)
                    .with_help("see README, Self-check questions: each question has `question`, `options` (a list) and `answer` (the letter of the right option)"),
            );
        }
    }
}

/// `cases:` of each page checked and linked both ways: (cases of each lesson, lessons of each
/// case in reading order).
pub(crate) fn cases_and_lessons(
    site: &Site,
    order: &[usize],
    diags: &mut Diagnostics,
) -> (Vec<Vec<PageId>>, Vec<Vec<PageId>>) {
    let by_path: HashMap<&str, PageId> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel_path.as_str(), PageId(i)))
        .collect();
    let mut cases = vec![Vec::new(); site.pages.len()];
    let mut lessons: Vec<Vec<PageId>> = vec![Vec::new(); site.pages.len()];
    for (n, page) in site.pages.iter().enumerate() {
        let i = PageId(n);
        for entry in &page.meta.fields.cases {
            let path = entry
                .trim()
                .trim_start_matches("@/")
                .trim_start_matches('/');
            match by_path.get(path) {
                Some(&c) if c != i => {
                    if !cases[n].contains(&c) {
                        cases[n].push(c);
                        lessons[c.0].push(i);
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
        l.sort_by_key(|&p| (order[p.0], p));
    }
    (cases, lessons)
}

/// [`related`], kept from `memo` when what it reads (each term's pages, each page's date and
/// path) is the same as in the previous build; the result is remembered there.
pub(crate) fn related_kept(
    site: &Site,
    taxonomies: &[Taxonomy],
    memo: Option<&mut super::ResolveMemo>,
) -> Vec<Vec<PageId>> {
    let Some(memo) = memo else {
        return related(site, taxonomies);
    };
    use std::hash::{Hash, Hasher};
    let mut h = crate::fingerprint::hasher();
    site.pages.len().hash(&mut h);
    for p in &site.pages {
        p.meta.fields.date.hash(&mut h);
        p.rel_path.hash(&mut h);
    }
    for t in taxonomies {
        t.terms.len().hash(&mut h);
        for term in &t.terms {
            term.pages.hash(&mut h);
        }
    }
    super::memo::kept(&mut memo.related, h.finish(), || related(site, taxonomies))
}

/// Up to five pages sharing the most taxonomy terms with each page; ties go to the newer,
/// then by content path.
pub(crate) fn related(site: &Site, taxonomies: &[Taxonomy]) -> Vec<Vec<PageId>> {
    /// Terms used by more pages than this say little about relatedness and would make the
    /// computation quadratic; only their newest pages are considered.
    const MAX_TERM_SCAN: usize = 300;
    /// How many related pages each page gets.
    const KEEP: usize = 5;
    let n = site.pages.len();
    // For each page, the (newest) pages of each of its terms.
    let mut page_terms: Vec<Vec<&[PageId]>> = vec![Vec::new(); n];
    for t in taxonomies {
        for term in &t.terms {
            let scan = &term.pages[..term.pages.len().min(MAX_TERM_SCAN)];
            for &p in &term.pages {
                page_terms[p.0].push(scan);
            }
        }
    }
    // Ties in the number of shared terms go to the newer page, then by path: each page's rank
    // in that order, so that a candidate is one number, (shared terms, rank), larger better.
    let mut by_date: Vec<usize> = (0..n).collect();
    by_date.sort_by(|&a, &b| {
        let (x, y) = (&site.pages[a], &site.pages[b]);
        y.meta
            .fields
            .date
            .cmp(&x.meta.fields.date)
            .then_with(|| x.rel_path.cmp(&y.rel_path))
    });
    let mut low_bits = vec![0u64; n];
    for (rank, &p) in by_date.iter().enumerate() {
        low_bits[p] = u64::from(u32::MAX) - rank as u64;
    }
    use rayon::prelude::*;
    (0..n)
        .into_par_iter()
        .map_init(
            // Per worker: a score for every page (all zero between pages) and the pages
            // whose score is not zero.
            || (vec![0u32; n], Vec::new()),
            |(score, touched), p| {
                for scan in &page_terms[p] {
                    for &PageId(q) in *scan {
                        if q != p {
                            if score[q] == 0 {
                                touched.push(q);
                            }
                            score[q] += 1;
                        }
                    }
                }
                // The best five, kept sorted (keys are unique); most candidates lose to the
                // fifth at once.
                let mut best: Vec<(u64, usize)> = Vec::with_capacity(KEEP + 1);
                for &q in touched.iter() {
                    let key = (u64::from(std::mem::take(&mut score[q])) << 32) | low_bits[q];
                    if best.len() == KEEP && key < best[KEEP - 1].0 {
                        continue;
                    }
                    let at = best.partition_point(|&(k, _)| k > key);
                    best.insert(at, (key, q));
                    best.truncate(KEEP);
                }
                touched.clear();
                best.into_iter().map(|(_, q)| PageId(q)).collect()
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward computation (a map of scores per page, all candidates sorted).
    fn related_reference(site: &Site, taxonomies: &[Taxonomy]) -> Vec<Vec<PageId>> {
        let mut out = Vec::new();
        for p in (0..site.pages.len()).map(PageId) {
            let mut score: HashMap<PageId, u32> = HashMap::new();
            for t in taxonomies {
                for term in t.terms.iter().filter(|t| t.pages.contains(&p)) {
                    for &q in term.pages.iter().take(300) {
                        if q != p {
                            *score.entry(q).or_default() += 1;
                        }
                    }
                }
            }
            let mut list: Vec<(PageId, u32)> = score.into_iter().collect();
            list.sort_by(|a, b| {
                let (x, y) = (&site.pages[a.0], &site.pages[b.0]);
                b.1.cmp(&a.1)
                    .then_with(|| y.meta.fields.date.cmp(&x.meta.fields.date))
                    .then_with(|| x.rel_path.cmp(&y.rel_path))
            });
            out.push(list.into_iter().take(5).map(|(q, _)| q).collect());
        }
        out
    }

    fn quiz_of(v: serde_json::Value) -> Result<Vec<QuizItem>, String> {
        quiz(&v.as_object().cloned().unwrap_or_default())
    }

    #[test]
    fn self_check_questions_are_checked() {
        use serde_json::json;
        let q = quiz_of(json!({"quiz": [
            {"question": "问", "options": ["甲", "乙", "丙"], "answer": "b"},
            {"question": "多", "options": ["甲", "乙", "丙"], "answer": ["C", "A"], "explanation": "因为"},
        ]}))
        .unwrap();
        assert_eq!(
            (q[0].answer.clone(), q[0].multiple),
            (vec!["B".to_string()], false)
        );
        assert_eq!(
            (q[1].answer.clone(), q[1].multiple),
            (vec!["A".to_string(), "C".to_string()], true)
        );
        assert_eq!(q[1].options[2].letter, "C");
        assert_eq!(q[1].explanation.as_deref(), Some("因为"));
        assert!(quiz_of(json!({"other": 1})).unwrap().is_empty());
        let one = |item: serde_json::Value| json!({"quiz": [item]});
        for (v, error) in [
            (json!({"quiz": "问题"}), "must be a list"),
            (
                one(json!({"options": ["甲", "乙"], "answer": "A"})),
                "question 1 has no `question`",
            ),
            (
                one(json!({"question": "问", "options": ["甲"], "answer": "A"})),
                "has 1 option(s)",
            ),
            (
                one(json!({"question": "问", "options": ["甲", "乙"]})),
                "has no `answer`",
            ),
            (
                one(json!({"question": "问", "options": ["甲", "乙"], "answer": "D"})),
                "the answer `D` is not one of its options A–B",
            ),
            (
                one(
                    json!({"question": "问", "options": ["甲", "乙"], "answer": "A", "answers": "B"}),
                ),
                "unknown key `answers`",
            ),
        ] {
            let e = quiz_of(v.clone()).unwrap_err();
            assert!(e.contains(error), "{v}: {e}");
        }
    }

    #[test]
    fn a_bad_quiz_is_an_error_naming_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("_index.md"), "---\ntitle: 首页\n---\n").unwrap();
        std::fs::write(
            content.join("l.md"),
            "---\ntitle: 课\nweight: 1\nextra:\n  quiz:\n    - question: 问\n      options: [甲, 乙]\n      answer: E\n---\n正文\n",
        )
        .unwrap();
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
        check_quizzes(&site, &mut diags);
        assert!(diags.has_errors());
        let text = format!("{diags:?}");
        assert!(
            text.contains("l.md") && text.contains("the answer `E` is not one of its options A–B"),
            "{text}"
        );
        assert!(text.contains("Some(4)"), "the `extra:` line: {text}");
    }

    #[test]
    fn related_matches_the_straightforward_computation() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("a")).unwrap();
        std::fs::write(content.join("_index.md"), "---\ntitle: 首页\n---\n").unwrap();
        // Few terms and few dates: many ties, and terms with more pages than are scanned.
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for i in 0..900 {
            let tags: Vec<String> = (0..next(5)).map(|_| format!("t{}", next(12))).collect();
            let date = match next(4) {
                0 => String::new(),
                _ => format!("date: 2020-01-{:02}\n", 1 + next(5)),
            };
            std::fs::write(
                content.join(format!("a/p{i}.md")),
                format!(
                    "---\ntitle: 页{i}\n{date}tags: [{}]\nregions: [r{}]\n---\n正文\n",
                    tags.join(", "),
                    next(2)
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
        assert_eq!(site.pages.len(), 900);
        let taxonomies = super::super::taxonomy::collect(&site, &mut Diagnostics::new());
        assert!(taxonomies[1].terms.iter().any(|t| t.pages.len() > 300));
        let got = related(&site, &taxonomies);
        assert_eq!(got, related_reference(&site, &taxonomies));
        assert!(got.iter().filter(|r| r.len() == 5).count() > 500);
    }
}
