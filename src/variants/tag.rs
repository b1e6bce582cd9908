//! A small scanner for the tags of generated HTML and XML: a tag's name, whether it closes
//! or is self-closing, its length, and its attributes as slices of the text.

/// Byte offset of `needle` (ASCII) in `hay`, ignoring ASCII case.
pub(super) fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

pub(super) fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// A tag at the start of a string.
pub(super) struct Tag {
    pub(super) name: String,
    pub(super) closing: bool,
    pub(super) self_closing: bool,
    /// Bytes up to and including `>`.
    pub(super) len: usize,
    /// Where the attributes start.
    attrs_at: usize,
}

impl Tag {
    pub(super) fn parse(s: &str) -> Option<Tag> {
        let b = s.as_bytes();
        let mut i = 1;
        let closing = b.get(1) == Some(&b'/');
        if closing {
            i += 1;
        }
        let name_start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
            i += 1;
        }
        if i == name_start || !b[name_start].is_ascii_alphabetic() {
            return None;
        }
        let name = s[name_start..i].to_ascii_lowercase();
        let attrs_at = i;
        let mut quote = 0u8;
        while i < b.len() {
            let c = b[i];
            if quote != 0 {
                if c == quote {
                    quote = 0;
                }
            } else if c == b'"' || c == b'\'' {
                quote = c;
            } else if c == b'>' {
                let self_closing = i > 0 && b[i - 1] == b'/';
                return Some(Tag {
                    name,
                    closing,
                    self_closing,
                    len: i + 1,
                    attrs_at,
                });
            }
            i += 1;
        }
        None
    }

    /// The attributes of the tag `raw` (this tag's text): name (lower case) and value (a slice
    /// of `raw`, still escaped; empty for a bare attribute).
    pub(super) fn attrs<'r>(&self, raw: &'r str) -> impl Iterator<Item = (&'r str, &'r str)> + 'r {
        let b = raw.as_bytes();
        let end = self.len.saturating_sub(1);
        let mut i = self.attrs_at;
        std::iter::from_fn(move || {
            while i < end && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= end {
                return None;
            }
            let ns = i;
            while i < end && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' {
                i += 1;
            }
            let name = &raw[ns..i];
            while i < end && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < end && b[i] == b'=' {
                i += 1;
                while i < end && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                let q = b.get(i).copied().unwrap_or(0);
                if q == b'"' || q == b'\'' {
                    let vs = i + 1;
                    let ve = raw[vs..end].find(q as char).map_or(end, |e| vs + e);
                    i = (ve + 1).min(end);
                    Some((name, &raw[vs..ve]))
                } else {
                    let vs = i;
                    while i < end && !b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    Some((name, &raw[vs..i]))
                }
            } else {
                // A bare attribute: an empty value at its end.
                Some((name, &raw[i..i]))
            }
        })
    }
}
