//! Heading ids and term slugs: never empty, never unsafe in a fragment or a path segment, and
//! unique within a page whatever the mix of derived and explicit ids.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;
use zhiku::slug::{heading_id, term_slug, UniqueIds};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut ids = UniqueIds::default();
    let mut seen = HashSet::new();
    // Lines starting with `#` are explicit ids, the others heading texts.
    for line in text.split('\n') {
        if let Some(explicit) = line.strip_prefix('#') {
            if ids.reserve(explicit) {
                assert!(seen.insert(explicit.to_string()), "reserved twice: {explicit:?}");
            }
            continue;
        }
        let base = heading_id(line);
        assert!(!base.is_empty());
        // Safe in a fragment: no whitespace, controls or ASCII punctuation but `-`.
        assert!(
            !base
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || (c.is_ascii_punctuation() && c != '-')),
            "{base:?}"
        );
        let id = ids.unique(&base);
        assert!(id.starts_with(&base));
        assert!(seen.insert(id.clone()), "duplicate id {id:?}");
        let slug = term_slug(line);
        assert!(!slug.is_empty());
        assert!(
            !slug.chars().any(|c| c.is_whitespace()
                || c.is_control()
                || (c.is_ascii_punctuation() && c != '-')),
            "{slug:?}"
        );
        assert!(slug != "-" || line.is_empty());
    }
});
