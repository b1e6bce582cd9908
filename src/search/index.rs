//! Building the index and splitting it into static files.
//!
//! Postings: for every token, the documents that contain it, each with a code
//! `min(tf, MAX_TF) << 2 | fields` (fields: [`TITLE`], [`META`]). A token's postings are
//! written as one string: pairs (doc id delta, code), each number in a base-64 variable-length
//! encoding (5 bits per character, like source maps), which is 2–3 bytes a posting.
//!
//! Tokens are grouped by their first two characters (the *group*: a bigram, or a one-character
//! token itself), and each group lives in exactly one shard, chosen by a hash of the group. A
//! query therefore loads, for each bigram of a Chinese term, one shard — which also holds every
//! longer word starting with that bigram (jieba words) — and for a Latin prefix one shard with
//! all its completions. The number of shards grows with the index so that a shard stays
//! around [`TARGET_SHARD_BYTES`].

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use super::tokenize::{self, Kind};

/// The token is in the title.
pub const TITLE: u32 = 1;
/// The token is in a heading, a taxonomy term or the section trail.
pub const META: u32 = 2;
/// Term frequencies are capped (they only order results that tie on everything else).
pub const MAX_TF: u32 = 1023;
/// Aim for shards of about this size.
pub const TARGET_SHARD_BYTES: usize = 16 * 1024;
/// At most this many shard files.
pub const MAX_SHARDS: usize = 4096;
/// Longest text kept per document for snippets (characters).
pub const MAX_TEXT_CHARS: usize = 200_000;

/// The global name of the JSONP callback every index file calls.
pub const CALLBACK: &str = "__zhikuSearch";

/// One searchable document (a page, or a section with text of its own).
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub title: String,
    /// Output path relative to the site root: `cases/tianjin/`.
    pub path: String,
    /// Section trail for display: `课程库 › 党性教育`.
    pub section: String,
    pub headings: Vec<String>,
    /// Taxonomy terms (shown with the result when the match is there).
    pub terms: Vec<String>,
    /// Body text (no markup, no template chrome).
    pub body: String,
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

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Append `v` in the variable-length base-64 encoding `search.js` decodes.
pub fn vlq(mut v: u32, out: &mut String) {
    loop {
        let d = (v & 31) as usize;
        v >>= 5;
        if v > 0 {
            out.push(ALPHABET[32 + d] as char);
        } else {
            out.push(ALPHABET[d] as char);
            break;
        }
    }
}

/// Decode a postings string (tests, tools).
pub fn decode_postings(s: &str) -> Vec<(u32, u32)> {
    let mut nums = Vec::new();
    let (mut v, mut shift) = (0u32, 0u32);
    for b in s.bytes() {
        let Some(d) = ALPHABET.iter().position(|&a| a == b) else {
            continue;
        };
        let d = d as u32;
        v |= (d & 31) << shift;
        if d >= 32 {
            shift += 5;
        } else {
            nums.push(v);
            v = 0;
            shift = 0;
        }
    }
    let mut out = Vec::new();
    let mut doc = 0;
    for pair in nums.chunks(2) {
        if let [delta, code] = pair {
            doc += delta;
            out.push((doc, *code));
        }
    }
    out
}

/// The group of a token: its first two characters.
pub fn group_of(token: &str) -> &str {
    let end = token.char_indices().nth(2).map_or(token.len(), |(i, _)| i);
    &token[..end]
}

/// FNV-1a over the group's code points; `search.js` computes the same.
pub fn shard_of(group: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for c in group.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(16_777_619);
    }
    (h as usize) % shards.max(1)
}

/// FxHash (the rustc hasher): tokens are short and trusted, SipHash's DoS resistance is not
/// needed, and hashing is most of the cost of counting tokens.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type Fx = std::hash::BuildHasherDefault<FxHasher>;
type List = Vec<(u32, u32)>;

/// Postings while counting. One- and two-character tokens (most of them) are keyed by their
/// characters packed in a `u64`, which hashes and compares much faster than a string.
#[derive(Default)]
struct Postings {
    short: HashMap<u64, List, Fx>,
    long: HashMap<Box<str>, List, Fx>,
}

/// `党` → its code point; `党建` → both code points (21 bits each) and a marker bit.
fn pack(t: &str) -> Option<u64> {
    let mut it = t.chars();
    let a = u64::from(u32::from(it.next()?));
    match (it.next(), it.next()) {
        (None, _) => Some(a),
        (Some(b), None) => Some(a | (u64::from(u32::from(b)) << 21) | (1 << 63)),
        _ => None,
    }
}

fn unpack(k: u64) -> String {
    let a = char::from_u32((k & 0x1f_ffff) as u32).unwrap_or('\u{fffd}');
    if k >> 63 == 0 {
        return a.to_string();
    }
    let b = char::from_u32(((k >> 21) & 0x1f_ffff) as u32).unwrap_or('\u{fffd}');
    [a, b].iter().collect()
}

fn bump(list: &mut List, id: u32, inc: u32, bits: u32) {
    match list.last_mut() {
        Some(last) if last.0 == id => last.1 = (last.1 + inc) | bits,
        _ => list.push((id, inc | bits)),
    }
}

/// Add the tokens of folded `text` (document `id`) to `into`: `bits` are or-ed into the
/// document's code, and each occurrence adds one to its frequency when `count`. Documents are
/// added in increasing order, so a token's current document is always its last posting.
fn add_text(into: &mut Postings, id: u32, text: &str, bits: u32, count: bool) {
    let inc = if count { 1 << 2 } else { 0 };
    tokenize::tokens(text, |t, kind: Kind| {
        let packed = match kind {
            Kind::Unigram | Kind::Bigram => pack(&t),
            _ => None,
        };
        if let Some(k) = packed {
            bump(into.short.entry(k).or_default(), id, inc, bits);
            return;
        }
        match into.long.get_mut(t.as_ref()) {
            Some(list) => bump(list, id, inc, bits),
            None => {
                into.long.insert(t.as_ref().into(), vec![(id, inc | bits)]);
            }
        }
    });
}

/// Add a document's tokens to `into`.
fn add_doc(id: u32, doc: &Doc, into: &mut Postings) {
    add_text(into, id, &tokenize::fold(&doc.title), TITLE, true);
    for m in doc
        .headings
        .iter()
        .chain(&doc.terms)
        .chain(std::iter::once(&doc.section))
    {
        add_text(into, id, &tokenize::fold(m), META, false);
    }
    add_text(into, id, &tokenize::fold(&doc.body), 0, true);
}

fn merge_maps<K: std::hash::Hash + Eq>(a: &mut HashMap<K, List, Fx>, b: HashMap<K, List, Fx>) {
    if a.len() < b.len() {
        let small = std::mem::replace(a, b);
        return merge_maps(a, small);
    }
    for (k, mut v) in b {
        match a.get_mut(&k) {
            Some(x) => x.append(&mut v),
            None => {
                a.insert(k, v);
            }
        }
    }
}

fn merge(mut a: Postings, b: Postings) -> Postings {
    merge_maps(&mut a.short, b.short);
    merge_maps(&mut a.long, b.long);
    a
}

/// A token's postings in doc order, encoded; with the number of documents.
fn encode(mut list: List) -> (String, usize) {
    list.sort_unstable();
    let mut s = String::with_capacity(list.len() * 3);
    let mut prev = 0;
    for &(doc, code) in &list {
        let tf = (code >> 2).clamp(1, MAX_TF);
        vlq(doc - prev, &mut s);
        vlq((tf << 2) | (code & 3), &mut s);
        prev = doc;
    }
    (s, list.len())
}

#[derive(Serialize)]
struct DocOut<'a> {
    t: &'a str,
    u: &'a str,
    s: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    k: &'a [String],
    x: String,
}

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    build: &'a str,
    shards: usize,
    docs: usize,
}

/// `__zhikuSearch("kind","build",id,<data as JSON>);`
fn jsonp(kind: &str, build: &str, id: usize, data: &impl Serialize) -> Vec<u8> {
    let mut out = format!("{CALLBACK}(\"{kind}\",\"{build}\",{id},").into_bytes();
    if serde_json::to_writer(&mut out, data).is_err() {
        out.extend_from_slice(b"null");
    }
    out.extend_from_slice(b");\n");
    out
}

/// Whitespace runs become one space (the text is only read as snippets).
fn snippet_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut space = false;
    for (n, c) in body.chars().enumerate() {
        if n >= MAX_TEXT_CHARS {
            break;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Build the index of `docs` as files under `dir` (`search/`).
pub fn build(docs: &[Doc], dir: &str) -> Index {
    let min_len = (docs.len() / (rayon::current_num_threads() * 4)).max(16);
    let postings: Postings = docs
        .par_iter()
        .enumerate()
        .with_min_len(min_len)
        .fold(Postings::default, |mut m, (i, d)| {
            add_doc(i as u32, d, &mut m);
            m
        })
        .reduce(Postings::default, merge);

    // Encode each token's postings, in doc order.
    let Postings { short, long } = postings;
    let mut encoded: Vec<(Box<str>, String, usize)> = short
        .into_par_iter()
        .map(|(k, list)| {
            let (s, n) = encode(list);
            (unpack(k).into_boxed_str(), s, n)
        })
        .chain(long.into_par_iter().map(|(tok, list)| {
            let (s, n) = encode(list);
            (tok, s, n)
        }))
        .collect();
    encoded.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let total: usize = encoded.iter().map(|(t, s, _)| t.len() + s.len() + 6).sum();
    let shards = total
        .div_ceil(TARGET_SHARD_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS);

    // Group → suffix → postings, per shard.
    let mut per_shard: Vec<BTreeMap<&str, BTreeMap<&str, &str>>> = vec![BTreeMap::new(); shards];
    let mut chars = std::collections::BTreeSet::new();
    for (tok, s, _) in &encoded {
        let g = group_of(tok);
        if g.len() == tok.len() && g.chars().count() == 1 {
            if let Some(c) = g.chars().next() {
                chars.insert(c);
            }
        }
        per_shard[shard_of(g, shards)]
            .entry(g)
            .or_default()
            .insert(&tok[g.len()..], s.as_str());
    }
    // Traditional → Simplified pairs whose Simplified character is in the index.
    let fold_pairs: String = tokenize::t2s_pairs()
        .into_iter()
        .filter(|(_, s)| chars.contains(s))
        .flat_map(|(t, s)| [t, s])
        .collect();

    // The build id names this index in every file (and in the URLs search.js asks for): a
    // hash of everything the files are made of, so the same site gives the same files.
    let mut hasher = blake3::Hasher::new();
    hasher.update(&(shards as u64).to_le_bytes());
    for (tok, s, _) in &encoded {
        for part in [tok.as_bytes(), s.as_bytes()] {
            hasher.update(part);
            hasher.update(b"\0");
        }
    }
    for d in docs {
        for part in [&d.title, &d.path, &d.section, &d.body]
            .into_iter()
            .chain(&d.terms)
        {
            hasher.update(part.as_bytes());
            hasher.update(b"\0");
        }
        hasher.update(b"\x01");
    }
    hasher.update(fold_pairs.as_bytes());
    let build = hasher.finalize().to_hex()[..12].to_string();

    let mut files = Vec::with_capacity(shards + docs.len() + 2);
    let manifest = Manifest {
        v: 1,
        build: &build,
        shards,
        docs: docs.len(),
    };
    files.push((
        format!("{dir}manifest.js"),
        jsonp("m", &build, 0, &manifest),
    ));
    files.push((format!("{dir}fold.js"), jsonp("f", &build, 0, &fold_pairs)));
    let shard_files: Vec<Vec<u8>> = per_shard
        .par_iter()
        .enumerate()
        .map(|(i, m)| jsonp("s", &build, i, m))
        .collect();
    drop(per_shard);
    files.extend(
        shard_files
            .into_iter()
            .enumerate()
            .map(|(i, b)| (format!("{dir}s/{i}.js"), b)),
    );
    let doc_files: Vec<Vec<u8>> = docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let out = DocOut {
                t: &d.title,
                u: &d.path,
                s: &d.section,
                k: &d.terms,
                x: snippet_text(&d.body),
            };
            jsonp("d", &build, i, &out)
        })
        .collect();
    files.extend(
        doc_files
            .into_iter()
            .enumerate()
            .map(|(i, b)| (format!("{dir}d/{i}.js"), b)),
    );
    Index {
        files,
        build,
        docs: docs.len(),
        tokens: encoded.len(),
        postings: encoded.iter().map(|e| e.2).sum(),
        shards,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, body: &str) -> Doc {
        Doc {
            title: title.into(),
            path: format!("p/{title}/"),
            section: "案例库".into(),
            headings: vec![],
            terms: vec!["党员发展".into()],
            body: body.into(),
        }
    }

    /// The shard object holding `token`, parsed.
    fn lookup(index: &Index, token: &str) -> Option<Vec<(u32, u32)>> {
        let g = group_of(token);
        let id = shard_of(g, index.shards);
        let (_, bytes) = index
            .files
            .iter()
            .find(|(p, _)| *p == format!("search/s/{id}.js"))?;
        let text = std::str::from_utf8(bytes).ok()?;
        let json = text
            .split_once(&format!(",{id},"))?
            .1
            .trim_end()
            .trim_end_matches(");");
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        let s = v.get(g)?.get(&token[g.len()..])?.as_str()?;
        Some(decode_postings(s))
    }

    #[test]
    fn packed_tokens_round_trip() {
        for t in ["党", "党建", "a", "𠀀字", "ab"] {
            assert_eq!(unpack(pack(t).unwrap()), t);
        }
        assert_eq!(pack("覆盖率"), None);
        assert_ne!(pack("党"), pack("党\0"));
    }

    #[test]
    fn vlq_round_trip() {
        let mut s = String::new();
        for (d, c) in [(0u32, 5u32), (31, 32), (1000, 4095), (70_000, 1)] {
            vlq(d, &mut s);
            vlq(c, &mut s);
        }
        assert_eq!(
            decode_postings(&s),
            [(0, 5), (31, 32), (1031, 4095), (71_031, 1)]
        );
    }

    #[test]
    fn shard_hash_matches_search_js() {
        // Values computed by search.js's shardOf (FNV-1a over code points).
        assert_eq!(shard_of("党建", 1 << 31), 0x4bc7_e015);
        assert_eq!(shard_of("a", 4096), 0xe40c_292c % 4096);
        assert_eq!(group_of("覆盖率"), "覆盖");
        assert_eq!(group_of("a"), "a");
    }

    #[test]
    fn postings_carry_fields_and_frequency() {
        let docs = vec![
            doc("天津党建", "社会组织党组织覆盖率达到98.1%。党建引领。"),
            doc("议事会", "党员议事会：党员议事，党建为先。黨建工作。"),
        ];
        let index = build(&docs, "search/");
        let dj = lookup(&index, "党建").unwrap();
        // Doc 0: title + body (tf 2), doc 1: body twice (党建, 黨建).
        assert_eq!(dj, [(0, (2 << 2) | TITLE), (1, 2 << 2)]);
        let fz = lookup(&index, "员发").unwrap();
        assert_eq!(fz.len(), 2, "taxonomy term indexed");
        assert!(fz.iter().all(|&(_, c)| c & META != 0));
        assert_eq!(lookup(&index, "98.1%").unwrap(), [(0, 1 << 2)]);
        assert!(lookup(&index, "覆盖率").is_some(), "jieba word indexed");
        assert!(lookup(&index, "织覆").is_some(), "bigram indexed");
        assert!(lookup(&index, "黨建").is_none(), "index is folded");
        // The fold table ships 黨 → 党 (党 is in the index) but not pairs for absent characters.
        let fold = &index
            .files
            .iter()
            .find(|(p, _)| p == "search/fold.js")
            .unwrap()
            .1;
        let fold = String::from_utf8_lossy(fold);
        assert!(fold.contains("黨党"), "{fold}");
        assert!(!fold.contains("龍龙"), "{fold}");
    }

    #[test]
    fn files_are_deterministic_and_named() {
        let docs: Vec<Doc> = (0..40)
            .map(|i| doc(&format!("第{i}篇"), &"党组织建设。".repeat(i + 1)))
            .collect();
        let a = build(&docs, "search/");
        let b = build(&docs, "search/");
        assert_eq!(a.files, b.files);
        let names: Vec<&str> = a.files.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"search/manifest.js"));
        assert!(names.contains(&"search/d/39.js"));
        assert_eq!(
            names.iter().filter(|n| n.starts_with("search/s/")).count(),
            a.shards
        );
        let m = String::from_utf8_lossy(&a.files[0].1).into_owned();
        assert!(
            m.starts_with(&format!("__zhikuSearch(\"m\",\"{}\",0,{{", a.build)),
            "{m}"
        );
    }
}
