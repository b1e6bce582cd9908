//! Counting one document's tokens: title, headings, terms, section trail and body, each
//! token with its code `min(tf, MAX_TF) << 2 | fields`.

use std::borrow::Cow;
use std::collections::HashMap;

use super::doc_tokens::{part_of_long, DocTokens};
use super::{Doc, Fx, MAX_TF, META, TITLE};
use crate::search::tokenize::{self, TokenKind};

/// `党` → its code point; `党建` → both code points (21 bits each) and a marker bit.
/// One- and two-character tokens (most of them) are keyed by this number, which hashes and
/// compares much faster than a string ([`Counter`] computes it from the characters).
#[cfg(test)]
pub(crate) fn pack(t: &str) -> Option<u64> {
    let mut it = t.chars();
    let a = u64::from(u32::from(it.next()?));
    match (it.next(), it.next()) {
        (None, _) => Some(a),
        (Some(b), None) => Some(a | (u64::from(u32::from(b)) << 21) | (1 << 63)),
        _ => None,
    }
}

pub(crate) fn unpack(k: u64) -> String {
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

pub(crate) const UNIFIED: std::ops::Range<u32> = 0x4E00..0xA000;

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
pub(crate) struct Counter<'s, 'a> {
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

    fn other(&mut self, t: Cow<'a, str>, _: TokenKind) {
        let (inc, bits) = (self.inc, self.bits);
        self.long
            .entry(t)
            .and_modify(|c| *c = (*c + inc) | bits)
            .or_insert(inc | bits);
    }
}

impl Counter<'_, '_> {
    #[inline]
    pub(crate) fn add_short(&mut self, k: u64) {
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
