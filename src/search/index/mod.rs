//! Building the index and splitting it into static files.
//!
//! Postings: for every token, the documents that contain it, each with a code
//! `min(tf, MAX_TF) << 2 | fields` (fields: [`TITLE`], [`META`]). A token's postings are
//! written as one string: pairs (doc id delta, code), each number in a base-64 variable-length
//! encoding (5 bits per character, like source maps), which is 2–3 bytes a posting. A shard
//! holds each group as one string of `suffix:postings` entries (see `shard_file`).
//!
//! Tokens are grouped by their first two characters (the *group*: a bigram, or a one-character
//! token itself), and each group lives in exactly one shard, chosen by a hash of the group. A
//! query therefore loads, for each bigram of a Chinese term, one shard — which also holds every
//! longer word starting with that bigram (jieba words) — and for a Latin prefix one shard with
//! all its completions. The number of shards grows with the index so that a shard stays
//! around [`TARGET_SHARD_BYTES`].
//!
//! Building: each document's tokens are counted on their own (`DocTokens`: every token with
//! its code, whatever the document's id), in parallel; then the postings are collected from
//! them in `PARTS` parts of the token space, in parallel, each part reading every document
//! in order. [`super::SearchCache`] keeps the `DocTokens` between builds (and the postings,
//! to patch them when only a few documents changed), so that `zhiku serve` tokenizes only
//! what changed. Document files are made one at a time as they are handed to the sink.
//!
//! One concern a file: `codec` (the numbers, postings, groups and shards `search.js`
//! reads), `count` (one document's tokens counted), `doc_tokens` (them kept compactly),
//! `collect` (postings from every document's tokens), `doc_key` (a document's identity),
//! `files` (the files), and here the build that ties them together.

mod codec;
mod collect;
mod count;
mod doc_key;
mod doc_tokens;
mod files;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use rayon::prelude::*;

use super::cache::ShardMade;
use super::tokenize;

use codec::shard_of;
use codec::Groups;
pub(crate) use codec::{decode_into, encode_postings};
pub(crate) use collect::{collect, Encoded};
pub(crate) use count::tokens_of;
pub(crate) use doc_key::doc_key;
pub(crate) use doc_tokens::DocTokens;
pub(crate) use files::IndexFiles;
use files::{facets_json, file_id, jsonp, shard_json, wrap, Manifest};

/// The hasher of the index's maps: FxHash (the rustc hasher, from `rustc-hash`); tokens are
/// short and trusted, SipHash's DoS resistance is not needed, and hashing is most of the cost
/// of counting tokens.
pub(crate) type Fx = rustc_hash::FxBuildHasher;

/// The token is in the title.
pub const TITLE: u32 = 1;
/// The token is in a heading, a taxonomy term or the section trail.
pub const META: u32 = 2;
/// Term frequencies are capped (they only order results that tie on everything else).
pub const MAX_TF: u32 = 1023;
// A code fits in 12 bits (see `doc_tokens`).
const _: () = assert!(MAX_TF < 1 << 10);
/// Aim for shards of about this size.
pub const TARGET_SHARD_BYTES: usize = 16 * 1024;
/// At most this many shard files.
pub const MAX_SHARDS: usize = 512;
/// A first character's tokens are a group of their own up to a quarter of a shard's share of
/// the index, and at least this many bytes; beyond, they are grouped by their first two
/// characters.
pub const MIN_SPLIT_BYTES: usize = 2048;
/// Longest text kept per document for snippets (characters).
pub const MAX_TEXT_CHARS: usize = 200_000;

/// The global name of the JSONP callback every index file calls.
pub const CALLBACK: &str = "__zhikuSearch";

/// One searchable document (a page, or a section with text of its own).
#[derive(Debug, Clone, Default)]
pub struct Doc<'a> {
    pub title: String,
    /// Output path relative to the site root: `cases/tianjin/`.
    pub path: String,
    /// Section trail for display: `课程库 › 党性教育`.
    pub section: String,
    pub headings: Vec<String>,
    /// The `id` of each heading (same order as `headings`; empty: the heading has none), so
    /// that a result can link to the section where the query matched.
    pub anchors: Vec<String>,
    /// Taxonomy terms (shown with the result when the match is there), taxonomy after
    /// taxonomy in the order of the site's `[[taxonomies]]`.
    pub terms: Vec<String>,
    /// How many of `terms` belong to each taxonomy, in that order (for the filters).
    pub term_counts: Vec<usize>,
    /// Title of the top-level section the document is in (`案例库`; empty for the home page):
    /// the section filter.
    pub top: String,
    /// Body text (no markup, no template chrome), usually borrowed from the page: one block
    /// (paragraph, heading, list item, table cell) a line.
    pub body: Cow<'a, str>,
}

/// A taxonomy for the filters: its name (`tags`) and the title readers see (`主题`).
#[derive(Debug, Clone, Default)]
pub struct Facet {
    pub name: String,
    pub title: String,
}

/// The index as files, plus figures for the build report and the benchmark.
#[derive(Debug, Default)]
pub struct Index {
    /// (path under the output root, contents).
    pub files: Vec<(String, Vec<u8>)>,
    pub build: String,
    pub docs: usize,
    pub tokens: usize,
    pub postings: usize,
    pub shards: usize,
}

impl Index {
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|(_, b)| b.len()).sum()
    }
}

/// Build the index of `docs` as files under `dir` (`search/`), tokenizing only the documents
/// that are not in `cache` when one is given (see [`super::SearchCache`]); the files are the
/// same either way.
pub fn build(docs: &[Doc], dir: &str, cache: Option<&mut super::SearchCache>) -> Index {
    prepare(docs, dir, cache, &[]).into_index(docs)
}

/// The index of `docs` but for the document files; with a cache, only documents that are not
/// in it are tokenized.
/// `tax`: the site's taxonomies, named in the manifest for the search page's filters.
pub(crate) fn prepare(
    docs: &[Doc],
    dir: &str,
    cache: Option<&mut super::SearchCache>,
    tax: &[Facet],
) -> IndexFiles {
    let owned: Vec<Encoded>;
    let layout = layout_id(docs);
    // With a cache, `same` tells which document files are the same as last time.
    let (encoded, keys, same, made) = match cache {
        Some(cache) => {
            let (keys, same) = cache.update(docs, &layout);
            let (postings, made) = cache.postings_and_shards();
            (postings, keys, same, Some(made))
        }
        None => {
            let (tokens, keys): (Vec<DocTokens>, Vec<u128>) = rayon::join(
                || docs.par_iter().map(tokens_of).collect(),
                || docs.par_iter().map(doc_key).collect(),
            );
            owned = collect(&tokens.iter().map(Some).collect::<Vec<_>>());
            (&owned[..], keys, Vec::new(), None)
        }
    };
    // A token weighs its suffix, its postings and two separators in its shard.
    let weigh = |(t, s, _): &Encoded| t.len() + s.len() + 2;
    let total: usize = encoded.iter().map(weigh).sum();
    let shards = total
        .div_ceil(TARGET_SHARD_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS);
    let groups = Groups::new(
        encoded.iter().map(|e| (&*e.0, weigh(e))),
        (total / shards / 4).max(MIN_SPLIT_BYTES),
    );

    // Tokens of each shard, in order (so groups, and tokens within a group, are in order:
    // a group is a prefix of its tokens).
    let mut per_shard: Vec<Vec<u32>> = vec![Vec::new(); shards];
    let mut chars = std::collections::BTreeSet::new();
    for (i, (tok, _, _)) in encoded.iter().enumerate() {
        let mut it = tok.chars();
        if let (Some(c), None) = (it.next(), it.next()) {
            chars.insert(c);
        }
        per_shard[shard_of(groups.of(tok), shards)].push(i as u32);
    }
    // Traditional → Simplified pairs whose Simplified character is in the index.
    let fold_pairs: String = tokenize::t2s_pairs()
        .into_iter()
        .filter(|(_, s)| chars.contains(s))
        .flat_map(|(t, s)| [t, s])
        .collect();

    // Every file but the manifest and the document files carries an id of its own, a hash
    // of its data, which the manifest lists: a file is the same from one build to the next
    // when its data is (serve rewrites only the shards that changed), and search.js never
    // mixes files of two builds.
    //
    // With a cache (serve), a shard made from the same tokens, groups and postings as last
    // time is kept as it was made, not encoded again.
    let inputs: Vec<u64> = match made {
        Some(_) => per_shard
            .par_iter()
            .map(|toks| {
                use std::hash::{Hash, Hasher};
                let mut h = crate::fingerprint::hasher();
                for &t in toks {
                    let (tok, postings, _) = &encoded[t as usize];
                    (tok, groups.of(tok).len(), postings).hash(&mut h);
                }
                h.finish()
            })
            .collect(),
        None => Vec::new(),
    };
    let kept = made.as_deref().filter(|m| m.len() == shards);
    let shard_made: Vec<ShardMade> = per_shard
        .par_iter()
        .enumerate()
        .map(|(i, toks)| {
            let inputs = inputs.get(i).copied().unwrap_or_default();
            match kept.map(|k| &k[i]).filter(|k| k.inputs == inputs) {
                Some(k) => k.clone(),
                None => {
                    let data = shard_json(&groups, toks.iter().map(|&t| &encoded[t as usize]));
                    let id = file_id(&data);
                    ShardMade {
                        inputs,
                        data: data.into(),
                        id,
                    }
                }
            }
        })
        .collect();
    let shard_ids: Vec<&str> = shard_made.iter().map(|m| m.id.as_str()).collect();
    let shard_data: Vec<&[u8]> = shard_made.iter().map(|m| &*m.data).collect();
    let fold_json = serde_json::to_vec(&fold_pairs).unwrap_or_else(|_| b"\"\"".to_vec());
    let facets = facets_json(docs, tax);
    let (fh, th) = (file_id(&fold_json), file_id(&facets));
    let sh = shard_ids.concat();
    let split = groups.split_chars();

    // The build id names this index (document files are asked for with it, so a browser
    // never shows a cached older text): a hash of everything the files are made of, so the
    // same site gives the same files.
    let mut hasher = blake3::Hasher::new();
    hasher.update(&(shards as u64).to_le_bytes());
    hasher.update(sh.as_bytes());
    hasher.update(&(keys.len() as u64).to_le_bytes());
    for k in &keys {
        hasher.update(&k.to_le_bytes());
    }
    hasher.update(fh.as_bytes());
    hasher.update(th.as_bytes());
    hasher.update(split.as_bytes());
    let build = hasher.finalize().to_hex()[..12].to_string();
    let mut head = Vec::with_capacity(shards + 3);
    let manifest = Manifest {
        v: 3,
        build: &build,
        layout: &layout,
        shards,
        split: &split,
        sh: &sh,
        fh: &fh,
        th: &th,
        docs: docs.len(),
        tax: tax
            .iter()
            .map(|f| [f.name.as_str(), f.title.as_str()])
            .collect(),
    };
    head.push((
        format!("{dir}manifest.js"),
        jsonp("m", &build, 0, &manifest),
    ));
    head.push((format!("{dir}fold.js"), wrap("f", &fh, 0, &fold_json)));
    head.push((format!("{dir}facets.js"), wrap("t", &th, 0, &facets)));
    head.extend(
        shard_data
            .iter()
            .zip(&shard_ids)
            .enumerate()
            .map(|(i, (data, id))| (format!("{dir}s/{i}.js"), wrap("s", id, i, data))),
    );
    drop((shard_ids, shard_data));
    if let Some(made) = made {
        *made = shard_made;
    }
    IndexFiles {
        head,
        build,
        layout,
        same,
        dir: dir.to_string(),
        tokens: encoded.len(),
        postings: encoded.iter().map(|e| e.2).sum(),
        shards,
    }
}

/// The id that document files carry instead of the build id: a hash of which document each
/// id is (their paths, in order). A document file then changes only when its document does
/// or when documents are added, removed or reordered, not whenever anything in the site
/// changes. `search.js` accepts a document file whose id is the manifest's `layout`: it is
/// the document the shards mean, perhaps with newer text.
pub(crate) fn layout_id(docs: &[Doc]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(&(docs.len() as u64).to_le_bytes());
    for d in docs {
        h.update(&(d.path.len() as u64).to_le_bytes());
        h.update(d.path.as_bytes());
    }
    h.finalize().to_hex()[..12].to_string()
}
