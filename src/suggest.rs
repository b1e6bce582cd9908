//! "Did you mean …?" suggestions for mistyped names.

/// The candidate closest to `wrong`, if it is close enough to be a plausible typo.
pub fn closest<'a, I, S>(wrong: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str> + 'a,
{
    let mut best: Option<(f64, String)> = None;
    for c in candidates {
        let c = c.as_ref();
        if c == wrong {
            continue;
        }
        let score = strsim::normalized_damerau_levenshtein(wrong, c);
        if score >= 0.6 && best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, c.to_string()));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            super::closest("titel", ["title", "date"]).as_deref(),
            Some("title")
        );
        assert_eq!(
            super::closest("cases/tianjn.md", ["cases/tianjin.md", "cases/gulou.md"]).as_deref(),
            Some("cases/tianjin.md")
        );
        assert_eq!(super::closest("zzz", ["title", "date"]), None);
    }
}
