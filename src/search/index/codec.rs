//! The postings format `search.js` reads: numbers in a variable-length base-64 encoding
//! (5 bits a character, like source maps), postings as document deltas with their codes
//! (most in one number, see [`push_posting`]), and the group and shard of a token (FNV-1a over code points, computed the same way in
//! `search.js`; that hash is bound to the script, so it stays hand-written here).

pub(crate) const ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Append `v` in the variable-length base-64 encoding `search.js` decodes.
pub(crate) fn vlq(mut v: u32, out: &mut String) {
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

/// The code most postings have: once in the text, in no field (`1 << 2`); codes `tf << 2`
/// for `tf` 1–3 are written inside the delta (see [`push_posting`]).
const PLAIN: u32 = 1 << 2;

/// Append one posting: `delta << 2 | sel`, where `sel` 1–3 means code `sel << 2` (a token
/// once to three times in the text, in no field: most postings, one number), and `sel` 0
/// that the code follows as a number of its own.
pub(crate) fn push_posting(delta: u32, code: u32, out: &mut String) {
    if code & 3 == 0 && (PLAIN..=3 * PLAIN).contains(&code) {
        vlq((delta << 2) | (code >> 2), out);
    } else {
        vlq(delta << 2, out);
        vlq(code, out);
    }
}

/// Read one posting written by [`push_posting`] at `*at`: (delta, code).
pub(crate) fn next_posting(b: &[u8], at: &mut usize) -> (u32, u32) {
    let v = unvlq(b, at);
    let sel = v & 3;
    let code = if sel == 0 { unvlq(b, at) } else { sel << 2 };
    (v >> 2, code)
}

/// Decode a postings string into (document, code) pairs.
pub(crate) fn decode_into(s: &str, out: &mut Vec<(u32, u32)>) {
    let b = s.as_bytes();
    let (mut at, mut doc) = (0, 0u32);
    while at < b.len() {
        let (delta, code) = next_posting(b, &mut at);
        doc = doc.wrapping_add(delta);
        out.push((doc, code));
    }
}

/// Encode (document, code) pairs, in document order.
pub(crate) fn encode_postings(list: &[(u32, u32)]) -> String {
    let mut s = String::with_capacity(list.len() * 2);
    let mut prev = 0;
    for &(doc, code) in list {
        push_posting(doc - prev, code, &mut s);
        prev = doc;
    }
    s
}

/// Decode a postings string (tests).
#[cfg(test)]
pub(crate) fn decode_postings(s: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    decode_into(s, &mut out);
    out
}

/// Which tokens share a group (the unit a shard holds whole, written once as a key, each
/// token after it as its suffix): tokens with the same first character, or for a character
/// in `split` (one whose tokens would make too large a group), the same first two
/// characters. The manifest lists `split`; `search.js` groups the same way.
#[derive(Debug, Default, Clone)]
pub(crate) struct Groups {
    split: std::collections::HashSet<char>,
}

impl Groups {
    /// Group every token (weighed in bytes by `size`) by its first character, but split the
    /// characters whose tokens weigh more than `max` bytes by their first two.
    pub(crate) fn new<'t>(tokens: impl Iterator<Item = (&'t str, usize)>, max: usize) -> Groups {
        let mut weight: std::collections::HashMap<char, usize> = Default::default();
        for (t, size) in tokens {
            if let Some(c) = t.chars().next() {
                *weight.entry(c).or_default() += size;
            }
        }
        Groups {
            split: weight
                .into_iter()
                .filter(|&(_, w)| w > max)
                .map(|(c, _)| c)
                .collect(),
        }
    }

    /// The characters grouped by their first two, in order (the manifest's `split`).
    pub(crate) fn split_chars(&self) -> String {
        let mut v: Vec<char> = self.split.iter().copied().collect();
        v.sort_unstable();
        v.into_iter().collect()
    }

    /// The group of `token`: its first character, or first two for a split character.
    pub(crate) fn of<'t>(&self, token: &'t str) -> &'t str {
        let mut it = token.char_indices();
        let n = match it.next() {
            Some((_, c)) if self.split.contains(&c) => 2,
            Some(_) => 1,
            None => return token,
        };
        let end = token.char_indices().nth(n).map_or(token.len(), |(i, _)| i);
        &token[..end]
    }
}
/// FNV-1a over the group's code points; `search.js` computes the same.
pub(crate) fn shard_of(group: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for c in group.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(16_777_619);
    }
    (h as usize) % shards.max(1)
}
