//! Fingerprints: the one way a build decides that something changed since the previous one
//! (`serve`'s compiled templates, page summaries, render memo). A fingerprint is a 64-bit
//! XXH3 hash (the `twox-hash` crate) of the thing's content, fed through
//! [`std::hash::Hasher`] so that any `Hash` value, JSON values ([`hash_json`]) and byte
//! strings ([`of_bytes`]) can be combined; it is the same for the same input in every build
//! and process.
//!
//! (The search index has its own FNV-1a hash of words, which must match the one in
//! `search.js`; content-addressed file names use BLAKE3. Neither decides "changed".)

use std::hash::{Hash, Hasher};

use serde_json::Value;
use twox_hash::XxHash3_64;

/// A fingerprint being computed.
#[derive(Default, Clone)]
pub struct Fingerprint(XxHash3_64);

impl Hasher for Fingerprint {
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// A new fingerprint.
pub fn hasher() -> Fingerprint {
    Fingerprint::default()
}

/// The fingerprint of `bytes` (a page's HTML, a file's content).
pub fn of_bytes(bytes: &[u8]) -> u64 {
    XxHash3_64::oneshot(bytes)
}

/// The fingerprint of anything `Hash`.
pub fn of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = hasher();
    value.hash(&mut h);
    h.finish()
}

/// Feed a JSON value to `h`, with type tags so that `"1"` and `1`, or `[a, b]` and `[ab]`,
/// differ.
pub fn hash_json(v: &Value, h: &mut impl Hasher) {
    match v {
        Value::Null => h.write_u8(0),
        Value::Bool(b) => {
            h.write_u8(1);
            h.write_u8(u8::from(*b));
        }
        Value::Number(n) => {
            h.write_u8(2);
            // Numbers print the same way in templates when they are the same.
            n.to_string().hash(h);
        }
        Value::String(s) => {
            h.write_u8(3);
            s.hash(h);
        }
        Value::Array(a) => {
            h.write_u8(4);
            h.write_usize(a.len());
            for x in a {
                hash_json(x, h);
            }
        }
        Value::Object(m) => {
            h.write_u8(5);
            h.write_usize(m.len());
            for (k, x) in m {
                k.hash(h);
                hash_json(x, h);
            }
        }
    }
}

/// The fingerprint of a JSON value.
pub fn of_json(v: &Value) -> u64 {
    let mut h = hasher();
    hash_json(v, &mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_fingerprints_tell_types_and_structure_apart() {
        assert_eq!(
            of_json(&json!({"a": [1, "x"]})),
            of_json(&json!({"a": [1, "x"]}))
        );
        assert_ne!(of_json(&json!("1")), of_json(&json!(1)));
        assert_ne!(of_json(&json!(["a", "b"])), of_json(&json!(["ab"])));
        assert_ne!(of_json(&json!({"a": 1})), of_json(&json!({"b": 1})));
        assert_ne!(of_json(&json!([null])), of_json(&json!([false])));
    }

    #[test]
    fn fingerprints_are_the_same_in_every_process() {
        // XXH3 with the default seed: a fixed value, not a per-process random key.
        assert_eq!(of_bytes(b""), 0x2d06800538d394c2);
        assert_eq!(of("天津"), of("天津"));
        assert_ne!(of("天津"), of("孝义"));
    }
}
