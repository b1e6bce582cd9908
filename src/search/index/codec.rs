//! The postings format `search.js` reads: numbers in a variable-length base-64 encoding
//! (5 bits a character, like source maps), postings as (document delta, code) pairs, and
//! the group and shard of a token (FNV-1a over code points, computed the same way in
//! `search.js`; that hash is bound to the script, so it stays hand-written here).

pub(crate) const ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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
pub(crate) static DIGIT: [u8; 256] = {
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
