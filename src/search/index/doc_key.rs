//! A document's identity for the cache and the build id: XXH3-128 (`twox-hash`) over
//! everything the index takes from it. Not cryptographic: the texts are the author's own,
//! only accidental collisions matter, and blake3 over all the text of every rebuild was a
//! visible cost.

use super::Doc;

/// Fields are hashed with their length first, so that ("ab", "c") and ("a", "bc") differ.
struct Hasher(twox_hash::XxHash3_128);

impl Hasher {
    fn update(&mut self, b: &[u8]) {
        self.0.write(b);
    }

    fn field(&mut self, s: &str) {
        self.update(&(s.len() as u64).to_le_bytes());
        self.update(s.as_bytes());
    }

    fn finish(&self) -> u128 {
        self.0.finish_128()
    }
}

/// A document's identity for the cache and the build id: a hash of everything the index
/// takes from it.
pub(crate) fn doc_key(doc: &Doc) -> u128 {
    let mut h = Hasher(twox_hash::XxHash3_128::new());
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
