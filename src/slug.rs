//! Readable identifiers for Chinese text: heading ids and taxonomy term paths.
//!
//! Both keep Chinese characters as they are (a URL like `/tags/组织覆盖/` or an anchor like
//! `#主要做法` is what a Chinese reader can read and an author can type), lowercase Latin
//! letters, and never produce characters that are unsafe in a path or fragment.

use std::collections::HashMap;

/// The id of a heading with text `text`: letters, digits and CJK characters kept (Latin
/// lowercased), whitespace and `-`/`_` become one `-`, every other punctuation mark is dropped.
/// `一、主要做法` → `一主要做法`; `Party Building 2.0` → `party-building-20`.
/// Empty results become `section`.
pub fn heading_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Makes heading ids unique within one page: the second `背景` becomes `背景-1`, the third
/// `背景-2`, skipping ids that are already taken (also by explicit `{#id}` attributes).
#[derive(Debug, Default)]
pub struct UniqueIds {
    seen: HashMap<String, usize>,
}

impl UniqueIds {
    /// Reserve `id` as used exactly as given (for explicit `{#id}`); returns false if taken.
    pub fn reserve(&mut self, id: &str) -> bool {
        if self.seen.contains_key(id) {
            return false;
        }
        self.seen.insert(id.to_string(), 0);
        true
    }

    /// Return `base` if free, else the first free `base-N`.
    pub fn unique(&mut self, base: &str) -> String {
        let Some(count) = self.seen.get(base).copied() else {
            self.seen.insert(base.to_string(), 0);
            return base.to_string();
        };
        let mut n = count + 1;
        loop {
            let candidate = format!("{base}-{n}");
            if !self.seen.contains_key(&candidate) {
                self.seen.insert(base.to_string(), n);
                self.seen.insert(candidate.clone(), 0);
                return candidate;
            }
            n += 1;
        }
    }
}

/// The path segment of a taxonomy term: CJK characters, letters and digits kept (Latin
/// lowercased); runs of whitespace and punctuation become a single `-`, trimmed at both ends.
/// `社会组织 党建` → `社会组织-党建`; `“两新”组织` → `两新-组织`; `C++ / Rust` → `c-rust`.
/// A term made only of punctuation becomes `-` followed by its code points in hex, so it still
/// has a stable, distinct path.
pub fn term_slug(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    let mut pending_dash = false;
    for c in term.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        out.push('-');
        for c in term.chars() {
            out.push_str(&format!("{:x}", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_heading_ids_are_readable() {
        assert_eq!(heading_id("主要做法"), "主要做法");
        assert_eq!(heading_id("一、主要做法"), "一主要做法");
        assert_eq!(heading_id("“两新”组织的党建"), "两新组织的党建");
        assert_eq!(heading_id("2016 年的成效（摘要）"), "2016-年的成效摘要");
        assert_eq!(heading_id("Party Building 2.0"), "party-building-20");
        assert_eq!(heading_id("  --  "), "section");
        assert_eq!(heading_id("《条例》：第三条"), "条例第三条");
    }

    #[test]
    fn unique_ids() {
        let mut ids = UniqueIds::default();
        assert!(ids.reserve("背景-1"));
        assert_eq!(ids.unique("背景"), "背景");
        assert_eq!(ids.unique("背景"), "背景-2");
        assert_eq!(ids.unique("背景"), "背景-3");
        assert!(!ids.reserve("背景"));
    }

    #[test]
    fn term_slugs() {
        assert_eq!(term_slug("组织覆盖"), "组织覆盖");
        assert_eq!(term_slug("社会组织 党建"), "社会组织-党建");
        assert_eq!(term_slug("“两新”组织"), "两新-组织");
        assert_eq!(term_slug("C++ / Rust"), "c-rust");
        assert_eq!(term_slug("Party-Building"), "party-building");
        assert_eq!(term_slug("…"), "-2026");
    }
}
