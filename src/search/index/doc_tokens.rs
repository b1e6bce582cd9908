//! A document's tokens, kept compactly (for the cache and for collecting postings).

use std::borrow::Cow;

use integer_encoding::VarInt;
use std::hash::{BuildHasher as _, Hasher as _};

use super::collect::{Acc, PartPostings};
use super::count::unpack;

/// Tokens are split into this many parts, whose postings are collected separately (in
/// parallel, each part's tokens in a small map): one- and two-character tokens by ranges of
/// their packed keys (so that a document's sorted keys are split into runs), longer ones by a
/// hash.
pub(crate) const PARTS: usize = 16;
/// Parts of the one-character tokens (by code point); the others are for bigrams (by the
/// code point of their second character, which orders their packed keys).
pub(crate) const UNIGRAM_PARTS: usize = 4;

/// The part of a packed key; increasing with the key.
pub(crate) fn part_of_short(k: u64) -> usize {
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

pub(crate) fn part_of_long(t: &str) -> usize {
    let mut h = super::Fx::default().build_hasher();
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

/// Append `v` as a LEB128 varint (`integer-encoding`).
pub(crate) fn put(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 10];
    let n = v.encode_var(&mut buf);
    out.extend_from_slice(&buf[..n]);
}

/// Read a number written by [`put`] at `*at` (0 past the end).
#[inline]
pub(crate) fn get(bytes: &[u8], at: &mut usize) -> u64 {
    match bytes.get(*at..).and_then(u64::decode_var) {
        Some((v, n)) => {
            *at += n;
            v
        }
        None => {
            *at = bytes.len();
            0
        }
    }
}

impl DocTokens {
    /// `short`: (packed key, code) sorted by key; `long`: (part, token, code) sorted by part.
    pub(crate) fn new(short: &[(u64, u32)], long: &[(usize, &str, u32)]) -> DocTokens {
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
    pub(crate) fn add_part(&self, p: usize, id: u32, acc: &mut PartPostings) {
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
