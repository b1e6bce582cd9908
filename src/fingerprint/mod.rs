//! Fingerprints: the one way a build decides that something changed since the previous one
//! (`serve`'s parsed content files, compiled templates, render memo, static files). A
//! fingerprint is a 64-bit XXH3 hash (the `twox-hash` crate) of the thing's content, fed
//! through [`std::hash::Hasher`] so that any `Hash` value, anything `Serialize`
//! ([`of_serialize`], how template contexts and page summaries are compared) and byte
//! strings ([`of_bytes`]) can be combined; it is the same for the same input in every build
//! and process.
//!
//! (The search index has its own FNV-1a hash of words, which must match the one in
//! `search.js`; content-addressed file names use BLAKE3. Neither decides "changed".)

mod feed;

use std::cell::Cell;
use std::hash::{Hash, Hasher};

use serde::Serialize;
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

/// The fingerprint of anything `Serialize` (a template context, a page summary): its
/// serialization fed straight into the hash ([`feed`]: each value with a type tag, strings
/// with their length, lists and maps closed), so two values with the same fingerprint look
/// the same to a template, and no JSON text is made to take it.
///
/// A value built once per build and shared by many contexts ([`Shared`]) is fed as its own
/// fingerprint rather than as its content: a context listing a hundred page summaries costs
/// a hundred numbers, not a hundred summaries.
pub fn of_serialize<T: Serialize + ?Sized>(value: &T) -> u64 {
    /// Restores the flag when the fingerprint is taken (or serializing panics).
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            FINGERPRINTING.with(|f| f.set(self.0));
        }
    }
    let _restore = Restore(FINGERPRINTING.with(|f| f.replace(true)));
    let mut h = hasher();
    match value.serialize(&mut feed::Feed(&mut h)) {
        Ok(()) => h.finish(),
        // Feeding cannot fail; a type's own `Serialize` may: its error text is then the
        // fingerprint, so the output is rendered and the error shown there.
        Err(e) => of(&e.0),
    }
}

thread_local! {
    /// Whether this thread is taking a fingerprint ([`of_serialize`]).
    static FINGERPRINTING: Cell<bool> = const { Cell::new(false) };
}

/// Data built once per build and shared by many template contexts (a page's summary, a link
/// to a page), with its fingerprint when the build keeps fingerprints (`serve`). It
/// serializes as the data, except inside [`of_serialize`], where it stands for its
/// fingerprint.
#[derive(Debug)]
pub struct Shared<'a, T: ?Sized = Value> {
    pub value: &'a T,
    pub fingerprint: Option<u64>,
}

impl<T: ?Sized> Clone for Shared<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Shared<'_, T> {}

impl<T: Serialize + ?Sized> Serialize for Shared<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.fingerprint {
            Some(f) if FINGERPRINTING.with(Cell::get) => {
                // A map, so that it can stand where a flattened object stands.
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("\u{0}shared", &f)?;
                m.end()
            }
            _ => self.value.serialize(s),
        }
    }
}

/// Inside [`of_serialize`], one fingerprint standing for a whole list of shared values (when
/// each has its fingerprint): a long list that a context holds (a page's hundred siblings)
/// then costs one number in the fingerprint. `None` outside a fingerprint.
pub fn of_shared_list<T: ?Sized>(items: &[Shared<'_, T>]) -> Option<u64> {
    if !FINGERPRINTING.with(Cell::get) {
        return None;
    }
    let mut h = hasher();
    h.write_usize(items.len());
    for item in items {
        h.write_u64(item.fingerprint?);
    }
    Some(h.finish())
}

/// The fingerprint of a JSON value.
pub fn of_json(v: &Value) -> u64 {
    of_serialize(v)
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
    fn a_shared_value_is_itself_outside_a_fingerprint_and_its_fingerprint_inside() {
        #[derive(Serialize)]
        struct Context<'a> {
            #[serde(flatten)]
            summary: Shared<'a>,
            content: &'a str,
        }
        let summary = json!({"title": "天津", "url": "/cases/tianjin/"});
        let other = json!({"title": "孝义"});
        let context = |value, fingerprint, content| Context {
            summary: Shared { value, fingerprint },
            content,
        };
        // What a template sees: the value, flattened.
        assert_eq!(
            serde_json::to_value(context(&summary, Some(1), "正文")).ok(),
            Some(json!({"title": "天津", "url": "/cases/tianjin/", "content": "正文"}))
        );
        // A fingerprint follows the shared value's fingerprint and every other field.
        let f = |c: &Context| of_serialize(c);
        assert_eq!(
            f(&context(&summary, Some(1), "正文")),
            f(&context(&other, Some(1), "正文"))
        );
        assert_ne!(
            f(&context(&summary, Some(1), "正文")),
            f(&context(&summary, Some(2), "正文"))
        );
        assert_ne!(
            f(&context(&summary, Some(1), "正文")),
            f(&context(&summary, Some(1), "正"))
        );
        // Without a fingerprint, the value itself is fed.
        assert_ne!(
            f(&context(&summary, None, "正文")),
            f(&context(&other, None, "正文"))
        );
        // Taking a fingerprint leaves serialization as it was.
        assert_eq!(
            serde_json::to_value(Shared {
                value: &summary,
                fingerprint: Some(1)
            })
            .ok(),
            Some(summary.clone())
        );
    }

    #[test]
    fn fed_values_tell_strings_lists_maps_and_options_apart() {
        #[derive(Serialize)]
        struct Pair<'a> {
            a: &'a str,
            b: Option<u32>,
        }
        let f = |a, b| of_serialize(&Pair { a, b });
        assert_eq!(f("天津", Some(1)), f("天津", Some(1)));
        assert_ne!(f("天津", Some(1)), f("天津", None));
        assert_ne!(f("天津", Some(1)), f("天津", Some(2)));
        assert_ne!(f("天", Some(1)), f("天津", Some(1)));
        // A string's end is part of what is fed: ["ab", "c"] is not ["a", "bc"].
        assert_ne!(of_serialize(&["ab", "c"]), of_serialize(&["a", "bc"]));
        assert_ne!(
            of_serialize(&[["a"], ["b"]]),
            of_serialize(&[vec!["a", "b"], vec![]])
        );
        // A struct feeds like the map of its fields (so flattening does not change it).
        assert_eq!(
            of_serialize(&Pair { a: "x", b: None }),
            of_json(&json!({"a": "x", "b": null}))
        );
    }

    #[test]
    fn fingerprints_are_the_same_in_every_process() {
        // XXH3 with the default seed: a fixed value, not a per-process random key.
        assert_eq!(of_bytes(b""), 0x2d06800538d394c2);
        assert_eq!(of("天津"), of("天津"));
        assert_ne!(of("天津"), of("孝义"));
    }
}
