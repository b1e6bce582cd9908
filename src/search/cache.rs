//! Incremental rebuilds of the index (`zhiku serve`): every document's tokens are kept, keyed
//! by a hash of the document, so that a rebuild tokenizes only the documents that changed.
//! When the documents are the same ones in the same order but for a few that changed (an
//! edit), the last build's postings are patched: only the tokens of the changed documents are
//! decoded and encoded again. Otherwise (documents added, removed or moved) the postings are
//! collected from every document's kept tokens.
//!
//! The files are exactly those of a fresh build: a document's tokens and their codes do not
//! depend on its position among the documents (its id), which is only given when postings are
//! collected.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::index::{self, Doc, DocTokens, Encoded, Fx};

/// What the index keeps between builds. Create one with `SearchCache::default()`, keep it
/// with the rest of the rebuild state, and pass it to every [`super::write`]. A cache
/// can be dropped or replaced by a new one at any time (the next build then tokenizes every
/// document).
#[derive(Default)]
pub struct SearchCache {
    /// Tokens of the documents of the last build, by [`index::doc_key`].
    docs: HashMap<u128, DocTokens, Fx>,
    /// The last build's documents (keys, in order) and postings (sorted by token).
    last_keys: Vec<u128>,
    last: Vec<Encoded>,
    /// The last build's layout id (see `index::layout_id`).
    layout: String,
    tokenized: usize,
    patched: bool,
    /// A hash of each head file (shards, fold table, filters) of the last build, by path.
    files: HashMap<String, u128, Fx>,
    /// Each shard of the last build: a fingerprint of what it was made from (its tokens,
    /// their groups and postings), its data and its file id.
    shards: Vec<ShardMade>,
}

/// A shard as the last build made it (see [`SearchCache::postings_and_shards`]).
#[derive(Debug, Clone)]
pub(crate) struct ShardMade {
    pub inputs: u64,
    pub data: std::sync::Arc<[u8]>,
    pub id: String,
}

impl SearchCache {
    /// Documents the last build tokenized (the others came from the cache).
    pub fn tokenized(&self) -> usize {
        self.tokenized
    }

    /// Did the last build patch the postings of the one before (rather than collect them
    /// from every document)?
    pub fn patched(&self) -> bool {
        self.patched
    }

    /// Documents kept.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Bytes the cache takes (about): kept tokens and the last postings.
    pub fn bytes(&self) -> usize {
        let tokens: usize = self.docs.values().map(|d| d.size() + 24).sum();
        let postings: usize = self
            .last
            .iter()
            .map(|(t, s, _)| t.len() + s.capacity() + 48)
            .sum();
        tokens + postings + self.last_keys.len() * 16
    }

    /// The last build's files did not reach the site (it failed): make the next build
    /// produce every document file again rather than keep what the site has.
    pub fn forget_files(&mut self) {
        self.layout.clear();
        self.files.clear();
    }

    /// For each of `files`, whether it is the same as the last build's file at its path;
    /// remembers `files` for the next build.
    pub(crate) fn same_files(&mut self, files: &[(String, Vec<u8>)]) -> Vec<bool> {
        let hashes: Vec<u128> = files
            .par_iter()
            .map(|(_, b)| twox_hash::XxHash3_128::oneshot(b))
            .collect();
        let same = files
            .iter()
            .zip(&hashes)
            .map(|((p, _), h)| self.files.get(p) == Some(h))
            .collect();
        self.files = files
            .iter()
            .zip(hashes)
            .map(|((p, _), h)| (p.clone(), h))
            .collect();
        same
    }

    /// Make the cache hold the tokens and postings of exactly `docs` (whose layout id is
    /// `layout`), tokenizing the documents it does not have. Returns the documents' keys and,
    /// for each, whether its file is the same as the last build's (same document at the same
    /// id, same layout).
    pub(crate) fn update(&mut self, docs: &[Doc], layout: &str) -> (Vec<u128>, Vec<bool>) {
        let keys: Vec<u128> = docs.par_iter().map(index::doc_key).collect();
        let same = if self.layout == layout {
            keys.iter()
                .enumerate()
                .map(|(i, k)| self.last_keys.get(i) == Some(k))
                .collect()
        } else {
            Vec::new()
        };
        self.layout = layout.to_string();
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
        let fresh: Vec<(u128, DocTokens)> = missing
            .par_iter()
            .map(|&i| (keys[i], index::tokens_of(&docs[i])))
            .collect();
        self.tokenized = fresh.len();
        kept.extend(fresh);
        self.docs = kept;
        // What is left in `old` belongs to documents that changed or went away: the patch
        // needs the tokens of those that changed.
        self.patched = self.patch(&keys, &old);
        drop(old);
        if !self.patched {
            self.last = Vec::new();
            let tokens: Vec<Option<&DocTokens>> = keys.iter().map(|k| self.docs.get(k)).collect();
            self.last = index::collect(&tokens);
        }
        self.last_keys = keys.clone();
        (keys, same)
    }

    /// The postings of the documents of the last [`SearchCache::update`], sorted by token,
    /// and the shards the last build made (to keep those made from the same tokens).
    pub(crate) fn postings_and_shards(&mut self) -> (&[Encoded], &mut Vec<ShardMade>) {
        (&self.last, &mut self.shards)
    }

    /// Patch `self.last` for documents `keys` if they are those of the last build but for a
    /// few at the same places; `old` holds tokens no longer used. Returns whether it did.
    fn patch(&mut self, keys: &[u128], old: &HashMap<u128, DocTokens, Fx>) -> bool {
        if keys.len() != self.last_keys.len() || keys.is_empty() {
            return false;
        }
        let changed: Vec<usize> = (0..keys.len())
            .filter(|&i| keys[i] != self.last_keys[i])
            .collect();
        if changed.len() > (keys.len() / 20).max(8) {
            return false;
        }
        // Token → (document, new code or removed), in the order pushed.
        let mut edits: HashMap<String, Vec<(u32, Option<u32>)>> = HashMap::new();
        for &i in &changed {
            let id = i as u32;
            let before = self.last_keys[i];
            let Some(was) = old.get(&before).or_else(|| self.docs.get(&before)) else {
                return false;
            };
            let Some(now) = self.docs.get(&keys[i]) else {
                return false;
            };
            was.for_each(|t, _| edits.entry(t.into_owned()).or_default().push((id, None)));
            now.for_each(|t, c| edits.entry(t.into_owned()).or_default().push((id, Some(c))));
        }
        let mut added: Vec<Encoded> = Vec::new();
        let (mut list, mut adds, mut merged) = (Vec::new(), Vec::new(), Vec::new());
        for (token, mut e) in edits {
            // For each document the last word (its new code, if it has the token) counts:
            // the sort is stable.
            e.sort_by_key(|x| x.0);
            e.reverse();
            e.dedup_by_key(|x| x.0);
            e.reverse();
            list.clear();
            let at = self
                .last
                .binary_search_by(|x| x.0.as_ref().cmp(token.as_str()));
            if let Ok(ix) = at {
                index::decode_into(&self.last[ix].1, &mut list);
            }
            // The postings of documents without edits, and the new codes, in document order.
            adds.clear();
            adds.extend(e.iter().filter_map(|&(d, c)| c.map(|c| (d, c))));
            merged.clear();
            let mut next = 0;
            for &(doc, code) in &list {
                while next < adds.len() && adds[next].0 < doc {
                    merged.push(adds[next]);
                    next += 1;
                }
                if e.binary_search_by_key(&doc, |x| x.0).is_err() {
                    merged.push((doc, code));
                }
            }
            merged.extend_from_slice(&adds[next..]);
            let postings = index::encode_postings(&merged);
            match at {
                Ok(ix) => {
                    self.last[ix].1 = postings;
                    self.last[ix].2 = merged.len();
                }
                Err(_) if !merged.is_empty() => {
                    added.push((token.into_boxed_str(), postings, merged.len()))
                }
                Err(_) => {}
            }
        }
        self.last.retain(|e| e.2 > 0);
        if !added.is_empty() {
            self.last.extend(added);
            self.last.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        }
        true
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
            ..Default::default()
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
        let a = index::build(&docs, "search/", Some(&mut cache));
        assert_eq!(cache.tokenized(), 60);
        assert_eq!(a.files, index::build(&docs, "search/", None).files);

        // Nothing changed: nothing tokenized, same files.
        let b = index::build(&docs, "search/", Some(&mut cache));
        assert_eq!(cache.tokenized(), 0);
        assert_eq!(b.files, a.files);

        // One document edited.
        docs[17]
            .body
            .to_mut()
            .push_str("新增一段关于乡村振兴的内容。");
        let c = index::build(&docs, "search/", Some(&mut cache));
        assert_eq!(cache.tokenized(), 1);
        assert!(cache.patched());
        assert_eq!(c.files, index::build(&docs, "search/", None).files);
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
        let d = index::build(&docs, "search/", Some(&mut cache));
        assert_eq!(cache.tokenized(), 3);
        assert!(cache.patched());
        assert_eq!(d.files, index::build(&docs, "search/", None).files);

        // A token that only one document had goes away ("17", from its heading), another
        // comes; a document becomes a copy of another.
        docs[17].headings.clear();
        docs[18]
            .body
            .to_mut()
            .push_str("独一无二的新词汇ZHIKU2025。");
        docs[19] = docs[21].clone();
        let before = index::build(&docs, "search/", None);
        let d2 = index::build(&docs, "search/", Some(&mut cache));
        assert!(cache.patched());
        assert_eq!(cache.tokenized(), 2);
        assert_eq!(d2.files, before.files);
        assert!(d2.tokens != d.tokens);
        let d = d2;

        // Documents inserted, removed and moved: ids change, tokens are kept.
        let moved = docs.remove(10);
        docs.insert(0, moved);
        docs.remove(30);
        docs.insert(20, doc(99, "全新的文档：党建引领基层治理。"));
        let e = index::build(&docs, "search/", Some(&mut cache));
        assert_eq!(cache.tokenized(), 1);
        assert!(!cache.patched(), "ids moved: collected again");
        assert_eq!(e.files, index::build(&docs, "search/", None).files);
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
        assert_eq!(cache.len(), 59, "the removed document is forgotten");

        // Two identical documents share their tokens.
        docs.push(docs[0].clone());
        let f = index::build(&docs, "search/", Some(&mut cache));
        assert_eq!(cache.tokenized(), 0);
        assert_eq!(f.files, index::build(&docs, "search/", None).files);

        // No documents at all.
        let g = index::build(&[], "search/", Some(&mut cache));
        assert_eq!(g.files, index::build(&[], "search/", None).files);
        assert!(cache.is_empty());
    }
}
