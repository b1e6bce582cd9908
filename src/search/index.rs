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

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hasher as _;
use std::io::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use super::tokenize::{self, Kind};

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
pub const MAX_SHARDS: usize = 4096;
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

/// Values of the base-64 digits (64 for other bytes).
static DIGIT: [u8; 256] = {
    let mut t = [64u8; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Read a number written by [`vlq`] at `*at` (bytes that are not digits are skipped).
pub(crate) fn unvlq(s: &[u8], at: &mut usize) -> u32 {
    let (mut v, mut shift) = (0u32, 0u32);
    while let Some(&b) = s.get(*at) {
        *at += 1;
        let d = u32::from(DIGIT[usize::from(b)]);
        if d == 64 {
            continue;
        }
        v |= (d & 31).checked_shl(shift).unwrap_or(0);
        if d < 32 {
            break;
        }
        shift += 5;
    }
    v
}

/// Decode a postings string into (document, code) pairs.
pub(crate) fn decode_into(s: &str, out: &mut Vec<(u32, u32)>) {
    let b = s.as_bytes();
    let (mut at, mut doc) = (0, 0u32);
    while at < b.len() {
        doc = doc.wrapping_add(unvlq(b, &mut at));
        let code = unvlq(b, &mut at);
        out.push((doc, code));
    }
}

/// Encode (document, code) pairs, in document order.
pub(crate) fn encode_postings(list: &[(u32, u32)]) -> String {
    let mut s = String::with_capacity(list.len() * 3);
    let mut prev = 0;
    for &(doc, code) in list {
        vlq(doc - prev, &mut s);
        vlq(code, &mut s);
        prev = doc;
    }
    s
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

pub(crate) type Fx = std::hash::BuildHasherDefault<FxHasher>;

/// `党` → its code point; `党建` → both code points (21 bits each) and a marker bit.
/// One- and two-character tokens (most of them) are keyed by this number, which hashes and
/// compares much faster than a string ([`Counter`] computes it from the characters).
#[cfg(test)]
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

// ---- Counting one document's tokens ------------------------------------------------------

/// Reusable buffers for counting one document's tokens (one per thread).
pub(crate) struct Scratch {
    folded: String,
    /// (start, end) in `folded`, fields, counted.
    parts: Vec<(usize, usize, u32, bool)>,
    /// Counts of the CJK Unified Ideographs (most unigrams) by code point − U+4E00, without
    /// hashing; 0 when absent. `present` has a bit for each that is not 0, so that they come
    /// out in order without sorting.
    unigrams: Box<[u32]>,
    present: Box<[u64]>,
    short: HashMap<u64, u32, Fx>,
    sorted: Vec<(u64, u32)>,
    packed: Vec<u64>,
}

const UNIFIED: std::ops::Range<u32> = 0x4E00..0xA000;

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            folded: String::new(),
            parts: Vec::new(),
            unigrams: vec![0; UNIFIED.len()].into_boxed_slice(),
            present: vec![0; UNIFIED.len().div_ceil(64)].into_boxed_slice(),
            short: HashMap::default(),
            sorted: Vec::new(),
            packed: Vec::new(),
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// [`doc_tokens`] with this thread's buffers.
pub(crate) fn tokens_of(doc: &Doc) -> DocTokens {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => {
            let t = doc_tokens(doc, &mut s);
            // The buffers live as long as the thread: not at the size of a huge page.
            if s.folded.capacity() > 1 << 22 {
                s.folded = String::new();
            }
            if s.short.capacity() > 1 << 16 {
                s.short = HashMap::default();
            }
            t
        }
        Err(_) => doc_tokens(doc, &mut Scratch::default()),
    })
}

/// Counts a document's tokens: `(count << 2) | fields` by token.
struct Counter<'s, 'a> {
    unigrams: &'s mut [u32],
    present: &'s mut [u64],
    short: &'s mut HashMap<u64, u32, Fx>,
    long: HashMap<Cow<'a, str>, u32, Fx>,
    /// What one occurrence adds (`1 << 2`, or 0 for fields that are not counted).
    inc: u32,
    bits: u32,
}

impl<'a> tokenize::TokenSink<'a> for Counter<'_, 'a> {
    #[inline]
    fn unigram(&mut self, c: char, _: &'a str) {
        let u = c as u32;
        if UNIFIED.contains(&u) {
            let i = (u - UNIFIED.start) as usize;
            self.present[i / 64] |= 1 << (i % 64);
            self.unigrams[i] = (self.unigrams[i] + self.inc) | self.bits;
        } else {
            self.add_short(u64::from(u));
        }
    }

    #[inline]
    fn bigram(&mut self, a: char, b: char, _: &'a str) {
        // `pack` of the two characters.
        self.add_short(u64::from(u32::from(a)) | (u64::from(u32::from(b)) << 21) | (1 << 63));
    }

    fn other(&mut self, t: Cow<'a, str>, _: Kind) {
        let (inc, bits) = (self.inc, self.bits);
        self.long
            .entry(t)
            .and_modify(|c| *c = (*c + inc) | bits)
            .or_insert(inc | bits);
    }
}

impl Counter<'_, '_> {
    #[inline]
    fn add_short(&mut self, k: u64) {
        let (inc, bits) = (self.inc, self.bits);
        self.short
            .entry(k)
            .and_modify(|c| *c = (*c + inc) | bits)
            .or_insert(inc | bits);
    }
}

/// Count the tokens of `doc`: title (fields [`TITLE`], counted), headings, taxonomy terms and
/// section trail ([`META`], not counted) and body (counted), and keep them as [`DocTokens`]:
/// each with its final code `min(tf, MAX_TF) << 2 | fields`, the code of its posting whatever
/// the document's id.
pub(crate) fn doc_tokens(doc: &Doc, scratch: &mut Scratch) -> DocTokens {
    let Scratch {
        folded,
        parts,
        unigrams,
        present,
        short,
        sorted,
        packed,
    } = scratch;
    folded.clear();
    parts.clear();
    short.clear();
    let mut add = |text: &str, bits: u32, count: bool| {
        let start = folded.len();
        tokenize::fold_into(text, folded);
        parts.push((start, folded.len(), bits, count));
    };
    add(&doc.title, TITLE, true);
    for m in doc
        .headings
        .iter()
        .chain(&doc.terms)
        .chain(std::iter::once(&doc.section))
    {
        add(m, META, false);
    }
    add(&doc.body, 0, true);

    let folded = folded.as_str();
    let mut counter = Counter {
        unigrams,
        present,
        short,
        long: HashMap::default(),
        inc: 0,
        bits: 0,
    };
    for &(start, end, bits, count) in parts.iter() {
        counter.inc = if count { 1 << 2 } else { 0 };
        counter.bits = bits;
        tokenize::scan(&folded[start..end], &mut counter);
    }
    let Counter {
        unigrams,
        present,
        short,
        long,
        ..
    } = counter;
    let code = |c: u32| ((c >> 2).clamp(1, MAX_TF) << 2) | (c & 3);
    // In the order of packed keys: unigrams before U+4E00, the Unified Ideographs, unigrams
    // after them, then bigrams (ordered by their second character, then their first).
    sorted.clear();
    packed.clear();
    let mut bigrams = 0;
    for (&k, &c) in short.iter() {
        if k >> 63 == 1 {
            // Without the marker, the key takes 42 bits: room for the 12 bits of a code
            // below it, so that sorting plain numbers sorts the bigrams.
            packed.push(((k & !(1 << 63)) << 12) | u64::from(code(c)));
            bigrams += 1;
        } else {
            sorted.push((k, code(c)));
        }
    }
    sorted.sort_unstable_by_key(|e| e.0);
    let after = sorted.partition_point(|e| e.0 < u64::from(UNIFIED.start));
    let others = sorted.len();
    sorted.reserve(others + bigrams + 1024);
    for (w, word) in present.iter_mut().enumerate() {
        let mut bits = std::mem::take(word);
        while bits != 0 {
            let i = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let c = std::mem::take(&mut unigrams[i]);
            sorted.push((u64::from(UNIFIED.start) + i as u64, code(c)));
        }
    }
    // Move the unified ones between the others.
    sorted[after..].rotate_left(others - after);
    packed.sort_unstable();
    sorted.extend(
        packed
            .iter()
            .map(|&p| ((p >> 12) | (1 << 63), (p & 0xfff) as u32)),
    );
    let mut long: Vec<(usize, &str, u32)> = long
        .iter()
        .map(|(t, &c)| (part_of_long(t), t.as_ref(), code(c)))
        .collect();
    long.sort_unstable_by_key(|e| e.0);
    DocTokens::new(sorted, &long)
}

// ---- A document's tokens, kept -------------------------------------------------------------

/// Tokens are split into this many parts, whose postings are collected separately (in
/// parallel, each part's tokens in a small map): one- and two-character tokens by ranges of
/// their packed keys (so that a document's sorted keys are split into runs), longer ones by a
/// hash.
const PARTS: usize = 16;
/// Parts of the one-character tokens (by code point); the others are for bigrams (by the
/// code point of their second character, which orders their packed keys).
const UNIGRAM_PARTS: usize = 4;

/// The part of a packed key; increasing with the key.
fn part_of_short(k: u64) -> usize {
    let bigram = k >> 63 == 1;
    let c = if bigram {
        (k >> 21) & 0x1f_ffff
    } else {
        k & 0x1f_ffff
    };
    let piece = |n: usize| -> usize {
        // CJK Unified Ideographs, where nearly all of them are, in `n` even ranges.
        match c {
            0..0x4E00 => 0,
            0x4E00..0xA000 => ((c - 0x4E00) as usize * n) / 0x5200,
            _ => n - 1,
        }
    };
    if bigram {
        UNIGRAM_PARTS + piece(PARTS - UNIGRAM_PARTS)
    } else {
        piece(UNIGRAM_PARTS)
    }
}

fn part_of_long(t: &str) -> usize {
    let mut h = FxHasher::default();
    h.write(t.as_bytes());
    (h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize % PARTS
}

/// One document's tokens with their codes, compactly, in [`PARTS`] sections. A section is
/// the number of packed tokens, the packed tokens in increasing order as (delta, code) pairs,
/// then the longer tokens as (length, bytes, code); numbers in LEB128. About 3.5 bytes a
/// token.
pub(crate) struct DocTokens {
    bytes: Box<[u8]>,
    /// End of each part's section in `bytes`.
    ends: [u32; PARTS],
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Read a number written by [`put`] at `*at`.
#[inline]
fn get(bytes: &[u8], at: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        if shift < 64 {
            v |= u64::from(b & 0x7f) << shift;
        }
        shift += 7;
        if b < 0x80 {
            break;
        }
    }
    v
}

impl DocTokens {
    /// `short`: (packed key, code) sorted by key; `long`: (part, token, code) sorted by part.
    fn new(short: &[(u64, u32)], long: &[(usize, &str, u32)]) -> DocTokens {
        let long_bytes: usize = long.iter().map(|l| l.1.len() + 3).sum();
        let mut bytes = Vec::with_capacity(short.len() * 4 + long_bytes + PARTS);
        let mut ends = [0u32; PARTS];
        let (mut s, mut l) = (short, long);
        for (p, end) in ends.iter_mut().enumerate() {
            let n = s.iter().take_while(|e| part_of_short(e.0) == p).count();
            put(&mut bytes, n as u64);
            let mut prev = 0;
            for &(k, c) in &s[..n] {
                put(&mut bytes, k - prev);
                put(&mut bytes, u64::from(c));
                prev = k;
            }
            s = &s[n..];
            let m = l.iter().take_while(|e| e.0 == p).count();
            for &(_, t, c) in &l[..m] {
                put(&mut bytes, t.len() as u64);
                bytes.extend_from_slice(t.as_bytes());
                put(&mut bytes, u64::from(c));
            }
            l = &l[m..];
            *end = bytes.len() as u32;
        }
        DocTokens {
            bytes: bytes.into_boxed_slice(),
            ends,
        }
    }

    /// Bytes this takes.
    pub(crate) fn size(&self) -> usize {
        self.bytes.len() + std::mem::size_of::<Self>()
    }

    /// Call `f` with every token of this document (as text) and its code.
    pub(crate) fn for_each(&self, mut f: impl FnMut(Cow<str>, u32)) {
        let mut acc = PartPostings::default();
        for p in 0..PARTS {
            self.add_part(p, 0, &mut acc);
        }
        for (k, a) in acc.short {
            f(Cow::Owned(unpack(k)), a.first_code());
        }
        for (t, a) in acc.long {
            f(Cow::Owned(t.into()), a.first_code());
        }
    }

    /// Add the postings of part `p` of this document, as document `id`.
    fn add_part(&self, p: usize, id: u32, acc: &mut PartPostings) {
        let start = if p == 0 { 0 } else { self.ends[p - 1] as usize };
        let end = (self.ends[p] as usize).min(self.bytes.len());
        let b = &self.bytes[..end];
        let mut at = start.min(end);
        let n = get(b, &mut at);
        let mut key = 0u64;
        for _ in 0..n {
            key = key.wrapping_add(get(b, &mut at));
            let code = get(b, &mut at) as u32;
            match acc.short.get_mut(&key) {
                Some(a) => a.push(id, code),
                None => {
                    acc.short.insert(key, Acc::new(id, code));
                }
            }
        }
        while at < end {
            let len = get(b, &mut at) as usize;
            let t_end = (at + len).min(end);
            let token = std::str::from_utf8(&b[at..t_end]).unwrap_or_default();
            at = t_end;
            let code = get(b, &mut at) as u32;
            match acc.long.get_mut(token) {
                Some(a) => a.push(id, code),
                None => {
                    acc.long.insert(token.into(), Acc::new(id, code));
                }
            }
        }
    }
}

// ---- Postings ------------------------------------------------------------------------------

/// A token's postings while they are collected, already encoded (documents come in
/// increasing order).
struct Acc {
    last: u32,
    n: u32,
    s: String,
}

impl Acc {
    fn new(id: u32, code: u32) -> Acc {
        let mut a = Acc {
            last: 0,
            n: 0,
            s: String::new(),
        };
        a.push(id, code);
        a
    }

    /// The code of the only posting of a document's token (see [`DocTokens::for_each`]).
    fn first_code(&self) -> u32 {
        let mut at = 0;
        let b = self.s.as_bytes();
        let _ = unvlq(b, &mut at);
        unvlq(b, &mut at)
    }

    fn push(&mut self, id: u32, code: u32) {
        vlq(id - self.last, &mut self.s);
        vlq(code, &mut self.s);
        self.last = id;
        self.n += 1;
    }
}

#[derive(Default)]
struct PartPostings {
    short: HashMap<u64, Acc, Fx>,
    long: HashMap<Box<str>, Acc, Fx>,
}

/// (token, encoded postings, number of documents).
pub(crate) type Encoded = (Box<str>, String, usize);

/// Every token's postings from the tokens of every document (in order; `None` for a
/// document without tokens), sorted by token.
pub(crate) fn collect(docs: &[Option<&DocTokens>]) -> Vec<Encoded> {
    let mut encoded: Vec<Encoded> = (0..PARTS)
        .into_par_iter()
        .map(|p| collect_part(p, docs))
        .flatten_iter()
        .collect();
    encoded.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    encoded
}

/// The postings of the tokens of part `p`, from every document in order.
fn collect_part(p: usize, docs: &[Option<&DocTokens>]) -> Vec<Encoded> {
    let mut acc = PartPostings::default();
    for (id, d) in docs.iter().enumerate() {
        if let Some(d) = d {
            d.add_part(p, id as u32, &mut acc);
        }
    }
    let PartPostings { short, long } = acc;
    short
        .into_iter()
        .map(|(k, a)| (unpack(k).into_boxed_str(), a.s, a.n as usize))
        .chain(long.into_iter().map(|(t, a)| (t, a.s, a.n as usize)))
        .collect()
}

// ---- Hashing documents ---------------------------------------------------------------------

/// A fast 128-bit hash (the MurmurHash3 x64-128 mixing), streamed: keys of documents for the
/// cache, where blake3 over all the text of every rebuild was a visible cost. Not
/// cryptographic: the texts are the author's own, only accidental collisions matter.
struct Hash128 {
    h1: u64,
    h2: u64,
    buf: [u8; 16],
    n: usize,
    len: u64,
}

const C1: u64 = 0x87c3_7b91_1142_53d5;
const C2: u64 = 0x4cf5_ad43_2745_937f;

fn fmix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

impl Hash128 {
    fn new() -> Self {
        Hash128 {
            h1: 0x5a68_696b_7500_0001,
            h2: 0x5365_6172_6368_0002,
            buf: [0; 16],
            n: 0,
            len: 0,
        }
    }

    #[inline]
    fn block(&mut self, b: &[u8; 16]) {
        let mut k1 = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        let mut k2 = u64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]);
        k1 = k1.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2);
        self.h1 ^= k1;
        self.h1 = self
            .h1
            .rotate_left(27)
            .wrapping_add(self.h2)
            .wrapping_mul(5)
            .wrapping_add(0x52dc_e729);
        k2 = k2.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1);
        self.h2 ^= k2;
        self.h2 = self
            .h2
            .rotate_left(31)
            .wrapping_add(self.h1)
            .wrapping_mul(5)
            .wrapping_add(0x3849_5ab5);
    }

    fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        if self.n > 0 {
            let take = (16 - self.n).min(data.len());
            self.buf[self.n..self.n + take].copy_from_slice(&data[..take]);
            self.n += take;
            data = &data[take..];
            if self.n < 16 {
                return;
            }
            let b = self.buf;
            self.block(&b);
            self.n = 0;
        }
        let mut chunks = data.chunks_exact(16);
        for c in &mut chunks {
            let mut b = [0u8; 16];
            b.copy_from_slice(c);
            self.block(&b);
        }
        let rest = chunks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.n = rest.len();
    }

    /// A string, delimited (its length first).
    fn field(&mut self, s: &str) {
        self.update(&(s.len() as u64).to_le_bytes());
        self.update(s.as_bytes());
    }

    fn finish(mut self) -> u128 {
        if self.n > 0 {
            let mut b = [0u8; 16];
            b[..self.n].copy_from_slice(&self.buf[..self.n]);
            self.block(&b);
        }
        self.h1 ^= self.len;
        self.h2 ^= self.len;
        self.h1 = self.h1.wrapping_add(self.h2);
        self.h2 = self.h2.wrapping_add(self.h1);
        self.h1 = fmix(self.h1);
        self.h2 = fmix(self.h2);
        self.h1 = self.h1.wrapping_add(self.h2);
        self.h2 = self.h2.wrapping_add(self.h1);
        (u128::from(self.h2) << 64) | u128::from(self.h1)
    }
}

/// A document's identity for the cache and the build id: a hash of everything the index
/// takes from it.
pub(crate) fn doc_key(doc: &Doc) -> u128 {
    let mut h = Hash128::new();
    h.field(&doc.title);
    h.field(&doc.path);
    h.field(&doc.section);
    h.field(&doc.body);
    for list in [&doc.headings, &doc.terms, &doc.anchors] {
        h.update(&(list.len() as u64).to_le_bytes());
        for s in list {
            h.field(s);
        }
    }
    h.update(&(doc.term_counts.len() as u64).to_le_bytes());
    for &n in &doc.term_counts {
        h.update(&(n as u64).to_le_bytes());
    }
    h.field(&doc.top);
    h.finish()
}

// ---- Files ---------------------------------------------------------------------------------

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    build: &'a str,
    /// The id document files carry (see [`layout_id`]).
    layout: &'a str,
    shards: usize,
    docs: usize,
    /// The taxonomies, `[name, title]`, in the order of the documents' terms (`k`, `n`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tax: Vec<[&'a str; 2]>,
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

/// What [`snippet_json`] does with a byte: copy it, end a run of whitespace, escape it, or
/// look at the character it starts (which may be Unicode whitespace).
const COPY: u8 = 0;
const SPACE: u8 = 1;
const ESCAPE: u8 = 2;
const CHECK: u8 = 3;
static SNIPPET_BYTES: [u8; 256] = {
    let mut t = [COPY; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = ESCAPE;
        b += 1;
    }
    t[b'\t' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[0x0B] = SPACE;
    t[0x0C] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[b' ' as usize] = SPACE;
    t[b'"' as usize] = ESCAPE;
    t[b'\\' as usize] = ESCAPE;
    // First bytes of the non-ASCII whitespace: U+0085, U+00A0 (C2), U+1680 (E1),
    // U+2000–U+205F (E2), U+3000 (E3).
    t[0xC2] = CHECK;
    t[0xE1] = CHECK;
    t[0xE2] = CHECK;
    t[0xE3] = CHECK;
    t
};

/// Append the snippet text of `body` as a JSON string (what serde_json writes): blocks (lines)
/// stay apart, one `\n` between two blocks; within a block runs of whitespace become one space;
/// no whitespace at either end of a block, no empty blocks; at most [`MAX_TEXT_CHARS`]
/// characters of `body` are read. One pass, copying runs of bytes.
fn snippet_json(body: &str, out: &mut Vec<u8>) {
    let body = truncated(body);
    let b = body.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let start = out.len();
    // `b[run..i]` is to be copied; what is due before whatever comes next: nothing, a space
    // or a block break.
    const NONE: u8 = 0;
    const SP: u8 = 1;
    const NL: u8 = 2;
    let (mut run, mut i, mut due) = (0, 0, NONE);
    let flush = |out: &mut Vec<u8>, due: &mut u8, bytes: &[u8]| {
        if !bytes.is_empty() {
            match *due {
                SP => out.push(b' '),
                NL => out.extend_from_slice(b"\\n"),
                _ => {}
            }
            *due = NONE;
            out.extend_from_slice(bytes);
        }
    };
    // A whitespace character: a space is due, or a break for a newline (when there is text
    // before it).
    let white = |out: &Vec<u8>, due: &mut u8, newline: bool| {
        if out.len() > start {
            *due = if newline || *due == NL { NL } else { SP };
        }
    };
    while i < b.len() {
        let x = b[i];
        match SNIPPET_BYTES[usize::from(x)] {
            COPY => i += 1,
            SPACE => {
                flush(out, &mut due, &b[run..i]);
                white(out, &mut due, x == b'\n');
                i += 1;
                run = i;
            }
            ESCAPE => {
                flush(out, &mut due, &b[run..i]);
                match due {
                    SP => out.push(b' '),
                    NL => out.extend_from_slice(b"\\n"),
                    _ => {}
                }
                due = NONE;
                match x {
                    b'"' => out.extend_from_slice(b"\\\""),
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    0x08 => out.extend_from_slice(b"\\b"),
                    _ => {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        out.extend_from_slice(b"\\u00");
                        out.push(HEX[usize::from(x >> 4)]);
                        out.push(HEX[usize::from(x & 15)]);
                    }
                }
                i += 1;
                run = i;
            }
            _ => {
                let c = body[i..].chars().next().unwrap_or(' ');
                if c.is_whitespace() {
                    flush(out, &mut due, &b[run..i]);
                    white(out, &mut due, false);
                    i += c.len_utf8();
                    run = i;
                } else {
                    i += c.len_utf8();
                }
            }
        }
    }
    flush(out, &mut due, &b[run..]);
    out.push(b'"');
}

/// At most [`MAX_TEXT_CHARS`] characters of `body`.
fn truncated(body: &str) -> &str {
    // Characters are at most as many as bytes.
    match body.len() > MAX_TEXT_CHARS {
        true => body
            .char_indices()
            .nth(MAX_TEXT_CHARS)
            .map_or(body, |(cut, _)| &body[..cut]),
        false => body,
    }
}

/// `s` with runs of whitespace as one space and none at the ends (a block of [`snippet_json`]).
fn collapsed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where the sections start among the blocks of the snippet text: (block, heading id) for
/// each heading found in order as a block of its own (the id is empty for a heading
/// without one: its section links to the top of the page).
fn section_starts<'d>(d: &'d Doc) -> Vec<(usize, &'d str)> {
    let heads: Vec<(String, &str)> = d
        .headings
        .iter()
        .zip(d.anchors.iter().map(String::as_str))
        .map(|(h, id)| (collapsed(h), id))
        .collect();
    let mut out = Vec::new();
    let (mut next, mut block) = (0, 0);
    for line in truncated(&d.body).split('\n') {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // The next heading, or one of the two after it (a heading not found as a block of its
        // own, which is unusual, does not hide the later ones). Most lines are not headings:
        // they are collapsed only when they could be one.
        let same = |h: &str| {
            line == h
                || (line.len() > h.len()
                    && line.contains(char::is_whitespace)
                    && collapsed(line) == h)
        };
        if let Some(k) = heads[next.min(heads.len())..]
            .iter()
            .take(3)
            .position(|(h, _)| same(h))
        {
            out.push((block, heads[next + k].1));
            next += k + 1;
        }
        block += 1;
    }
    out
}

/// The data of a document file: `{"t":title,"u":path,"s":section,"k":[terms],"n":[counts],
/// "p":top,"h":[[block,id],…],"x":text}` (`k`, `n` only when there are terms, `p` only when
/// there is a top section, `h` only when there are sections), as serde_json writes it.
fn doc_json(d: &Doc, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"t\":");
    json_str(out, &d.title);
    out.extend_from_slice(b",\"u\":");
    json_str(out, &d.path);
    out.extend_from_slice(b",\"s\":");
    json_str(out, &d.section);
    if !d.terms.is_empty() {
        out.extend_from_slice(b",\"k\":[");
        for (n, t) in d.terms.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            json_str(out, t);
        }
        out.extend_from_slice(b"],\"n\":[");
        for (n, c) in d.term_counts.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let _ = write!(out, "{c}");
        }
        out.push(b']');
    }
    if !d.top.is_empty() {
        out.extend_from_slice(b",\"p\":");
        json_str(out, &d.top);
    }
    let starts = section_starts(d);
    if !starts.is_empty() {
        out.extend_from_slice(b",\"h\":[");
        for (n, (block, id)) in starts.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let _ = write!(out, "[{block},");
            json_str(out, id);
            out.push(b']');
        }
        out.push(b']');
    }
    out.extend_from_slice(b",\"x\":");
    snippet_json(&d.body, out);
    out.push(b'}');
}

/// Everything but the document files, which [`Prepared::doc_file`] makes one at a time
/// (so that they can go to the sink as they are made).
pub struct Prepared {
    /// Manifest, fold table and shards.
    pub head: Vec<(String, Vec<u8>)>,
    pub build: String,
    /// Which document each id is: the id document files carry instead of the build id.
    pub layout: String,
    /// With a cache: whether document `id`'s file is the same as the last build's (same
    /// document at the same id, same layout).
    same: Vec<bool>,
    dir: String,
    pub tokens: usize,
    pub postings: usize,
    pub shards: usize,
}

impl Prepared {
    /// The path of document `id`'s file (`search/d/<id>.js`).
    pub fn doc_path(&self, id: usize) -> String {
        format!("{}d/{id}.js", self.dir)
    }

    /// Is document `id`'s file the same as the last build's? (Only known with a cache.)
    pub fn doc_unchanged(&self, id: usize) -> bool {
        self.same.get(id).copied().unwrap_or(false)
    }

    /// The file of document `id` (`search/d/<id>.js`).
    pub fn doc_file(&self, id: usize, d: &Doc) -> (String, Vec<u8>) {
        let mut out = Vec::with_capacity(d.body.len() + d.title.len() + 256);
        let _ = write!(out, "{CALLBACK}(\"d\",\"{}\",{id},", self.layout);
        doc_json(d, &mut out);
        out.extend_from_slice(b");\n");
        (self.doc_path(id), out)
    }

    /// `search/facets.js`, the data of the filters: the top-level sections (`top`: titles;
    /// `d`: each document's, as an index into `top`, −1 for none) and for each taxonomy its
    /// name, title and terms, each with its documents (ids as deltas in the postings'
    /// base-64 numbers), most used first. Loaded by the search page only.
    pub fn facets_file(&self, docs: &[Doc], tax: &[Facet]) -> (String, Vec<u8>) {
        #[derive(Serialize)]
        struct Tax<'a> {
            n: &'a str,
            t: &'a str,
            terms: Vec<(&'a str, String)>,
        }
        #[derive(Serialize)]
        struct Facets<'a> {
            top: Vec<&'a str>,
            d: Vec<i32>,
            tax: Vec<Tax<'a>>,
        }
        let mut top: Vec<&str> = Vec::new();
        let mut d = Vec::with_capacity(docs.len());
        let n_tax = docs
            .iter()
            .map(|x| x.term_counts.len())
            .max()
            .unwrap_or(0)
            .max(tax.len());
        let mut per: Vec<HashMap<&str, Vec<u32>>> = vec![HashMap::new(); n_tax];
        for (id, doc) in docs.iter().enumerate() {
            if doc.top.is_empty() {
                d.push(-1);
            } else {
                let i = match top.iter().position(|t| *t == doc.top) {
                    Some(i) => i,
                    None => {
                        top.push(&doc.top);
                        top.len() - 1
                    }
                };
                d.push(i as i32);
            }
            let mut at = 0;
            for (t, &n) in doc.term_counts.iter().enumerate() {
                let end = (at + n).min(doc.terms.len());
                for term in &doc.terms[at.min(end)..end] {
                    let ids = per[t].entry(term.as_str()).or_default();
                    if ids.last() != Some(&(id as u32)) {
                        ids.push(id as u32);
                    }
                }
                at = end;
            }
        }
        let tax = per
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let mut terms: Vec<(&str, Vec<u32>)> = m.into_iter().collect();
                terms.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
                let (n, t) = tax
                    .get(i)
                    .map_or(("", ""), |f| (f.name.as_str(), f.title.as_str()));
                Tax {
                    n,
                    t,
                    terms: terms
                        .into_iter()
                        .map(|(term, ids)| {
                            let mut s = String::with_capacity(ids.len() * 2);
                            let mut prev = 0;
                            for id in ids {
                                vlq(id - prev, &mut s);
                                prev = id;
                            }
                            (term, s)
                        })
                        .collect(),
                }
            })
            .collect();
        let data = Facets { top, d, tax };
        (
            format!("{}facets.js", self.dir),
            jsonp("t", &self.build, 0, &data),
        )
    }

    /// All files, in the order of [`Index::files`].
    pub fn into_index(self, docs: &[Doc]) -> Index {
        let doc_files: Vec<(String, Vec<u8>)> = docs
            .par_iter()
            .enumerate()
            .map(|(i, d)| self.doc_file(i, d))
            .collect();
        let facets = self.facets_file(docs, &[]);
        let mut files = self.head;
        files.push(facets);
        files.extend(doc_files);
        Index {
            files,
            build: self.build,
            docs: docs.len(),
            tokens: self.tokens,
            postings: self.postings,
            shards: self.shards,
        }
    }
}

/// Build the index of `docs` as files under `dir` (`search/`).
pub fn build(docs: &[Doc], dir: &str) -> Index {
    prepare(docs, dir, None, &[]).into_index(docs)
}

/// [`build`], tokenizing only the documents that are not in `cache` (see
/// [`super::SearchCache`]); the files are the same.
pub fn build_cached(docs: &[Doc], dir: &str, cache: &mut super::SearchCache) -> Index {
    prepare(docs, dir, Some(cache), &[]).into_index(docs)
}

/// The index of `docs` but for the document files; with a cache, only documents that are not
/// in it are tokenized.
/// `tax`: the site's taxonomies, named in the manifest for the search page's filters.
pub fn prepare(
    docs: &[Doc],
    dir: &str,
    cache: Option<&mut super::SearchCache>,
    tax: &[Facet],
) -> Prepared {
    let owned: Vec<Encoded>;
    let layout = layout_id(docs);
    // With a cache, `same` tells which document files are the same as last time.
    let (encoded, keys, same): (&[Encoded], Vec<u128>, Vec<bool>) = match cache {
        Some(cache) => {
            let (keys, same) = cache.update(docs, &layout);
            (cache.postings(), keys, same)
        }
        None => {
            let (tokens, keys): (Vec<DocTokens>, Vec<u128>) = rayon::join(
                || docs.par_iter().map(tokens_of).collect(),
                || docs.par_iter().map(doc_key).collect(),
            );
            owned = collect(&tokens.iter().map(Some).collect::<Vec<_>>());
            (&owned, keys, Vec::new())
        }
    };
    let total: usize = encoded.iter().map(|(t, s, _)| t.len() + s.len() + 6).sum();
    let shards = total
        .div_ceil(TARGET_SHARD_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS);

    // Tokens of each shard, in order (so groups, and tokens within a group, are in order:
    // a group is a prefix of its tokens).
    let mut per_shard: Vec<Vec<u32>> = vec![Vec::new(); shards];
    let mut chars = std::collections::BTreeSet::new();
    for (i, (tok, _, _)) in encoded.iter().enumerate() {
        let g = group_of(tok);
        if g.len() == tok.len() && g.chars().count() == 1 {
            if let Some(c) = g.chars().next() {
                chars.insert(c);
            }
        }
        per_shard[shard_of(g, shards)].push(i as u32);
    }
    // Traditional → Simplified pairs whose Simplified character is in the index.
    let fold_pairs: String = tokenize::t2s_pairs()
        .into_iter()
        .filter(|(_, s)| chars.contains(s))
        .flat_map(|(t, s)| [t, s])
        .collect();

    // The build id names this index in every file (and in the URLs search.js asks for): a
    // hash of everything the files are made of, so the same site gives the same files. The
    // postings are hashed in slices, in parallel.
    let slices: Vec<[u8; 32]> = encoded
        .par_chunks(4096)
        .map(|slice| {
            let mut h = blake3::Hasher::new();
            for (tok, s, _) in slice {
                for part in [tok.as_bytes(), s.as_bytes()] {
                    h.update(part);
                    h.update(b"\0");
                }
            }
            *h.finalize().as_bytes()
        })
        .collect();
    let mut hasher = blake3::Hasher::new();
    hasher.update(&(shards as u64).to_le_bytes());
    for s in &slices {
        hasher.update(s);
    }
    hasher.update(&(keys.len() as u64).to_le_bytes());
    for k in &keys {
        hasher.update(&k.to_le_bytes());
    }
    hasher.update(fold_pairs.as_bytes());
    let build = hasher.finalize().to_hex()[..12].to_string();
    let mut head = Vec::with_capacity(shards + 2);
    let manifest = Manifest {
        v: 2,
        build: &build,
        layout: &layout,
        shards,
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
    head.push((format!("{dir}fold.js"), jsonp("f", &build, 0, &fold_pairs)));
    let shard_files: Vec<(String, Vec<u8>)> = per_shard
        .par_iter()
        .enumerate()
        .map(|(i, toks)| {
            (
                format!("{dir}s/{i}.js"),
                shard_file(&build, i, toks.iter().map(|&t| &encoded[t as usize])),
            )
        })
        .collect();
    head.extend(shard_files);
    Prepared {
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
fn layout_id(docs: &[Doc]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(&(docs.len() as u64).to_le_bytes());
    for d in docs {
        h.update(&(d.path.len() as u64).to_le_bytes());
        h.update(d.path.as_bytes());
    }
    h.finalize().to_hex()[..12].to_string()
}

/// A shard: `{"group":"suffix:postings,suffix:postings",…}`, tokens in order (a token is its
/// group and a suffix, empty for the group itself; tokens never hold `:` or `,`, and postings
/// are base 64). One string per group rather than an object: a third smaller, since most
/// tokens have one or two postings.
fn shard_file<'a>(build: &str, id: usize, tokens: impl Iterator<Item = &'a Encoded>) -> Vec<u8> {
    let mut out = format!("{CALLBACK}(\"s\",\"{build}\",{id},{{").into_bytes();
    let mut group: Option<&str> = None;
    let mut entries = String::new();
    let flush = |out: &mut Vec<u8>, g: &str, entries: &str, first: bool| {
        if !first {
            out.push(b',');
        }
        json_str(out, g);
        out.push(b':');
        json_str(out, entries);
    };
    let mut first = true;
    for (tok, postings, _) in tokens {
        let g = group_of(tok);
        if group != Some(g) {
            if let Some(prev) = group {
                flush(&mut out, prev, &entries, first);
                first = false;
            }
            entries.clear();
            group = Some(g);
        } else {
            entries.push(',');
        }
        entries.push_str(&tok[g.len()..]);
        entries.push(':');
        entries.push_str(postings);
    }
    if let Some(prev) = group {
        flush(&mut out, prev, &entries, first);
    }
    out.extend_from_slice(b"});\n");
    out
}

fn json_str(out: &mut Vec<u8>, s: &str) {
    if serde_json::to_writer(&mut *out, s).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, body: &str) -> Doc<'static> {
        Doc {
            title: title.into(),
            path: format!("p/{title}/"),
            section: "案例库".into(),
            headings: vec![],
            terms: vec!["党员发展".into()],
            term_counts: vec![1],
            top: "案例库".into(),
            body: body.to_string().into(),
            ..Default::default()
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
        let entries = v.get(g)?.as_str()?;
        let suffix = &token[g.len()..];
        let s = entries
            .split(',')
            .find_map(|e| e.split_once(':').filter(|(k, _)| *k == suffix))?
            .1;
        Some(decode_postings(s))
    }

    /// Every token of `doc` with its code, from its [`DocTokens`].
    fn decoded(doc: &Doc) -> std::collections::BTreeMap<String, u32> {
        let t = tokens_of(doc);
        let mut acc = PartPostings::default();
        for p in 0..PARTS {
            t.add_part(p, 7, &mut acc);
        }
        let mut out = std::collections::BTreeMap::new();
        for (k, a) in acc.short {
            assert_eq!(a.n, 1);
            out.insert(unpack(k), decode_postings(&a.s)[0].1);
        }
        for (k, a) in acc.long {
            out.insert(k.to_string(), decode_postings(&a.s)[0].1);
        }
        out
    }

    #[test]
    fn document_tokens_are_counted_and_kept_exactly() {
        let d = Doc {
            title: "黨建工作 GDP".into(),
            path: "a/".into(),
            section: "案例库".into(),
            headings: vec!["ひらがなカタカナ".into(), "한국어 문서".into()],
            terms: vec!["㐀㐁𠀀𠀁丂".into()],
            body: "党建工作，党建引领。ꀀꀁ가나 1,460个 98.1% gdp 龥龦 〇〇"
                .repeat(3)
                .into(),
            ..Default::default()
        };
        let mut expected = std::collections::BTreeMap::<String, u32>::new();
        let fields = [(d.title.as_str(), TITLE, true), (&d.body, 0, true)]
            .into_iter()
            .chain(
                d.headings
                    .iter()
                    .chain(&d.terms)
                    .chain([&d.section])
                    .map(|m| (m.as_str(), META, false)),
            );
        for (text, bits, count) in fields {
            for (t, _) in tokenize::tokenize(text) {
                let c = expected.entry(t).or_insert(0);
                *c = (*c + if count { 4 } else { 0 }) | bits;
            }
        }
        for c in expected.values_mut() {
            *c = ((*c >> 2).clamp(1, MAX_TF) << 2) | (*c & 3);
        }
        assert_eq!(decoded(&d), expected);
        assert!(expected.contains_key("ひら") && expected.contains_key("𠀀𠀁"));
    }

    #[test]
    fn numbers_round_trip() {
        let mut b = Vec::new();
        let vals = [
            0u64,
            1,
            127,
            128,
            300,
            u64::from(u32::MAX),
            (1 << 63) | 12345,
        ];
        for &v in &vals {
            put(&mut b, v);
        }
        let mut at = 0;
        for &v in &vals {
            assert_eq!(get(&b, &mut at), v);
        }
        assert_eq!(at, b.len());
    }

    #[test]
    fn parts_follow_the_order_of_packed_keys() {
        let mut keys: Vec<u64> = [
            "a", "党", "一", "龥", "𠀀", "党建", "a党", "建党", "党𠀀", "ab",
        ]
        .iter()
        .filter_map(|t| pack(t))
        .collect();
        keys.sort_unstable();
        let parts: Vec<usize> = keys.iter().map(|&k| part_of_short(k)).collect();
        assert!(parts.windows(2).all(|w| w[0] <= w[1]), "{parts:?}");
        assert!(parts.iter().all(|&p| p < PARTS));
        assert!(part_of_long("覆盖率") < PARTS);
    }

    /// The document data as first written (serde).
    #[derive(serde::Serialize)]
    struct DocOut<'a> {
        t: &'a str,
        u: &'a str,
        s: &'a str,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        k: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        n: Option<&'a [usize]>,
        x: &'a str,
    }

    fn snippet_json_of(text: &str) -> String {
        let mut out = Vec::new();
        snippet_json(text, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// `snippet_json`'s text, character by character.
    fn snippet_reference(body: &str) -> String {
        let mut out = String::with_capacity(body.len());
        // 0: nothing due, 1: a space, 2: a block break.
        let mut due = 0;
        for (n, c) in body.chars().enumerate() {
            if n >= MAX_TEXT_CHARS {
                break;
            }
            if c.is_whitespace() {
                if !out.is_empty() {
                    due = if c == '\n' || due == 2 { 2 } else { 1 };
                }
            } else {
                match due {
                    1 => out.push(' '),
                    2 => out.push('\n'),
                    _ => {}
                }
                due = 0;
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn snippets_collapse_whitespace() {
        let alphabet: Vec<char> =
            " \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{1680}\u{2000}\u{200a}\u{2028}\u{202f}\u{205f}\u{3000}\u{1c}\u{0}\u{8}\u{7f}\"\\a党，。é𠀀\u{a1}\u{2010}\u{3001}"
                .chars()
                .collect();
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        for _ in 0..5000 {
            let len = next(30);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            assert_eq!(
                snippet_json_of(&text),
                serde_json::to_string(&snippet_reference(&text)).unwrap(),
                "{text:?}"
            );
            let d = Doc {
                title: text.clone(),
                path: "a/\"b\"/".into(),
                section: String::new(),
                headings: vec![],
                terms: if len % 2 == 0 {
                    vec![text.clone(), "x".into()]
                } else {
                    vec![]
                },
                term_counts: if len % 2 == 0 { vec![1, 1] } else { vec![] },
                body: text.as_str().into(),
                ..Default::default()
            };
            let mut ours = Vec::new();
            doc_json(&d, &mut ours);
            let x = snippet_reference(&d.body);
            let reference = DocOut {
                t: &d.title,
                u: &d.path,
                s: &d.section,
                k: &d.terms,
                n: (!d.terms.is_empty()).then_some(d.term_counts.as_slice()),
                x: &x,
            };
            assert_eq!(ours, serde_json::to_vec(&reference).unwrap());
        }
        let long = "党 建\n".repeat(MAX_TEXT_CHARS);
        let json = snippet_json_of(&long);
        assert_eq!(
            json,
            serde_json::to_string(&snippet_reference(&long)).unwrap()
        );
        let text: String = serde_json::from_str(&json).unwrap();
        assert_eq!(text.chars().count(), MAX_TEXT_CHARS - 1);
        assert!(text.contains("党 建\n党 建"), "blocks stay apart");
    }

    #[test]
    fn document_keys_see_every_field() {
        let a = doc("党建", "正文");
        let mut keys = vec![doc_key(&a)];
        let mut b = a.clone();
        b.body.to_mut().push('。');
        keys.push(doc_key(&b));
        let mut c = a.clone();
        c.headings.push("标题".into());
        keys.push(doc_key(&c));
        let mut d = a.clone();
        d.terms.clear();
        keys.push(doc_key(&d));
        let mut e = a.clone();
        e.section.push('x');
        keys.push(doc_key(&e));
        // Field boundaries count: "党建" + "p/…" is not "党" + "建p/…".
        let mut f = a.clone();
        f.title = "党".into();
        f.path = format!("建{}", a.path);
        keys.push(doc_key(&f));
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
        assert_eq!(doc_key(&a), doc_key(&a.clone()));
    }

    #[test]
    fn sections_start_at_their_headings() {
        let d = Doc {
            headings: vec![
                "背景".into(),
                "做 法".into(),
                "缺失的标题".into(),
                "结语".into(),
            ],
            anchors: vec!["bj".into(), "zf".into(), "qs".into(), "".into()],
            body: "导语。\n背景\n\n正文，背景介绍。\n  做   法 \n一段。\n结语\n完。".into(),
            ..Default::default()
        };
        // Blocks: 导语 0, 背景 1, 正文 2, 做法 3, 一段 4, 结语 5, 完 6.
        assert_eq!(section_starts(&d), [(1, "bj"), (3, "zf"), (5, "")]);
        let mut out = Vec::new();
        doc_json(&d, &mut out);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["h"], serde_json::json!([[1, "bj"], [3, "zf"], [5, ""]]));
        let blocks: Vec<&str> = v["x"].as_str().unwrap().split('\n').collect();
        assert_eq!(blocks[3], "做 法");
        assert_eq!(blocks.len(), 7);
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
