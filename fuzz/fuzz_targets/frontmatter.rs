//! Decoding (every encoding path), front-matter splitting and parsing of pages and sections.
//! Nothing may panic, and every error must point at a line of the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhiku::{encoding, frontmatter};

fuzz_target!(|data: &[u8]| {
    let text = match encoding::decode(data) {
        Ok(d) => d.text,
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1);
            return;
        }
    };
    let _ = encoding::decode_lossy(data);
    assert!(!text.contains('\r'));
    let lines = text.lines().count().max(1) + 1;
    match frontmatter::split(&text) {
        Ok(split) => {
            assert!(split.body_line >= 2 && split.body_line <= lines + 1);
            assert!(text.ends_with(split.body));
            for r in [
                frontmatter::parse_page(&split, &["tags", "regions", "org_types"]).err(),
                frontmatter::parse_section(&split).err(),
            ]
            .into_iter()
            .flatten()
            {
                assert!(!r.is_empty());
                for e in r {
                    assert!(e.line >= 1 && e.line <= lines + 1, "{e:?}");
                    assert!(!e.message.is_empty());
                }
            }
        }
        Err(e) => assert!(e.line >= 1),
    }
});
