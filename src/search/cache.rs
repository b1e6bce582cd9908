//! Incremental rebuilds of the index (`zhiku serve`): every document's tokens are kept, keyed
//! by a hash of the document, so that a rebuild tokenizes only the documents that changed and
//! collects the postings of the others from their kept tokens.
//!
//! The files are exactly those of a fresh build: a document's tokens and their codes do not
//! depend on its position among the documents (its id), which is only given when postings are
//! collected.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::index::{self, Doc, DocTokens, Fx};

/// What the index keeps between builds. Create one with `SearchCache::default()`, keep it
/// with the rest of the rebuild state, and pass it to every [`super::write_cached`]. A cache
/// can be dropped or replaced by a new one at any time (the next build then tokenizes every
/// document).
#[derive(Default)]
pub struct SearchCache {
    /// Tokens of the documents of the last build, by [`index::doc_key`].
    docs: HashMap<u128, DocTokens, Fx>,
    tokenized: usize,
}

impl SearchCache {
    /// Documents the last build tokenized (the others came from the cache).
    pub fn tokenized(&self) -> usize {
        self.tokenized
    }

    /// Documents kept.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Bytes the kept tokens take (about).
    pub fn bytes(&self) -> usize {
        self.docs.values().map(|d| d.size() + 24).sum()
    }

    /// Make the cache hold the tokens of exactly `docs`, tokenizing those it does not have;
    /// returns the documents' keys.
    pub(crate) fn update(&mut self, docs: &[Doc]) -> Vec<u128> {
        let keys: Vec<u128> = docs.par_iter().map(index::doc_key).collect();
        let mut old = std::mem::take(&mut self.docs);
        let mut kept: HashMap<u128, DocTokens, Fx> = HashMap::default();
        kept.reserve(docs.len());
        let mut missing = Vec::new();
        let mut pending = HashSet::new();
        for (i, k) in keys.iter().enumerate() {
            if kept.contains_key(k) || pending.contains(k) {
                continue;
            }
            match old.remove(k) {
                Some(t) => {
                    kept.insert(*k, t);
                }
                None => {
                    pending.insert(*k);
                    missing.push(i);
                }
            }
        }
        // What is left in `old` belongs to documents that changed or went away.
        drop(old);
        let fresh: Vec<(u128, DocTokens)> = missing
            .par_iter()
            .map(|&i| (keys[i], index::tokens_of(&docs[i])))
            .collect();
        self.tokenized = fresh.len();
        kept.extend(fresh);
        self.docs = kept;
        keys
    }

    pub(crate) fn get(&self, key: &u128) -> Option<&DocTokens> {
        self.docs.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: usize, body: &str) -> Doc<'static> {
        Doc {
            title: format!("第{i}篇 黨建工作"),
            path: format!("p/{i}/"),
            section: "案例库 › 党性教育".into(),
            headings: vec!["主要做法".into(), format!("经验{i}")],
            terms: vec!["党员发展".into(), "GDP".into()],
            body: body.to_string().into(),
        }
    }

    fn docs(n: usize) -> Vec<Doc<'static>> {
        (0..n)
            .map(|i| {
                doc(
                    i,
                    &format!(
                        "社会组织党组织覆盖率由2010年的11.66%升至98.{i}%，共1,4{i}0个。{}",
                        "党员议事会推动社区治理。".repeat(i % 7 + 1)
                    ),
                )
            })
            .collect()
    }

    #[test]
    fn cached_rebuilds_equal_fresh_builds_and_tokenize_only_changes() {
        let mut cache = SearchCache::default();
        let mut docs = docs(60);
        let a = index::build_cached(&docs, "search/", &mut cache);
        assert_eq!(cache.tokenized(), 60);
        assert_eq!(a.files, index::build(&docs, "search/").files);

        // Nothing changed: nothing tokenized, same files.
        let b = index::build_cached(&docs, "search/", &mut cache);
        assert_eq!(cache.tokenized(), 0);
        assert_eq!(b.files, a.files);

        // One document edited.
        docs[17]
            .body
            .to_mut()
            .push_str("新增一段关于乡村振兴的内容。");
        let c = index::build_cached(&docs, "search/", &mut cache);
        assert_eq!(cache.tokenized(), 1);
        assert_eq!(c.files, index::build(&docs, "search/").files);
        assert_ne!(c.build, a.build);
        assert_eq!(cache.len(), 60);
        // Only that document's file changed (document files carry the layout id, not the
        // build id); the manifest and shards name the new build.
        let changed: Vec<&str> = c
            .files
            .iter()
            .zip(&a.files)
            .filter(|(new, old)| new != old)
            .map(|(new, _)| new.0.as_str())
            .collect();
        assert!(changed.contains(&"search/d/17.js"), "{changed:?}");
        assert!(changed.contains(&"search/manifest.js"));
        assert!(!changed
            .iter()
            .any(|p| p.starts_with("search/d/") && *p != "search/d/17.js"));

        // A heading, a term, the section trail: each is part of the document.
        docs[3].headings.push("新的标题".into());
        docs[4].terms.clear();
        docs[5].section = "理论学习".into();
        let d = index::build_cached(&docs, "search/", &mut cache);
        assert_eq!(cache.tokenized(), 3);
        assert_eq!(d.files, index::build(&docs, "search/").files);

        // Documents inserted, removed and moved: ids change, tokens are kept.
        let moved = docs.remove(10);
        docs.insert(0, moved);
        docs.remove(30);
        docs.insert(20, doc(99, "全新的文档：党建引领基层治理。"));
        let e = index::build_cached(&docs, "search/", &mut cache);
        assert_eq!(cache.tokenized(), 1);
        assert_eq!(e.files, index::build(&docs, "search/").files);
        let doc_file = |i: &index::Index, n: usize| {
            i.files
                .iter()
                .find(|f| f.0 == format!("search/d/{n}.js"))
                .map(|f| f.1.clone())
        };
        // Ids moved, so the layout changed: every document file names the new one, even for
        // the same document at the same id (59).
        assert_ne!(doc_file(&e, 59), doc_file(&d, 59));
        assert_ne!(e.files[0], d.files[0]);
        assert_eq!(cache.len(), 60, "the removed document is forgotten");

        // Two identical documents share their tokens.
        docs.push(docs[0].clone());
        let f = index::build_cached(&docs, "search/", &mut cache);
        assert_eq!(cache.tokenized(), 0);
        assert_eq!(f.files, index::build(&docs, "search/").files);

        // No documents at all.
        let g = index::build_cached(&[], "search/", &mut cache);
        assert_eq!(g.files, index::build(&[], "search/").files);
        assert!(cache.is_empty());
    }
}
