//! The rules for output paths and URLs, in one place: where a section's pagers, print page
//! and feed go, where a taxonomy's and a term's pages go, where the search page and the
//! readers' site map go. The output plan ([`crate::resolve::plan`]), the renderer and the
//! template context all ask here, so a path is never spelled twice.
//!
//! Paths are relative to the output directory, `/`-separated; a directory path ends in `/`
//! and its file is `index.html` in it.

/// The directory of the site's Markdown sources, relative to the site root.
pub const CONTENT_DIR: &str = "content";

/// The search page and its index files (`search/index.html`, `search/*.js`).
pub const SEARCH_DIR: &str = "search/";

/// The readers' site map (`sitemap/index.html`).
pub const SITEMAP_PAGE: &str = "sitemap/";

/// The file of a directory path: `cases/` → `cases/index.html`, `` → `index.html`.
pub fn index_file(dir: &str) -> String {
    format!("{dir}index.html")
}

/// Number of pagers for `n` items (at least 1).
pub fn pager_count(n: usize, per: Option<usize>) -> usize {
    match per {
        Some(per) if per > 0 => n.div_ceil(per).max(1),
        _ => 1,
    }
}

/// `cases/` pager 1 → `cases/`; pager 2 → `cases/page/2/`.
pub fn pager_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// A section's printable handout: `courses/m1/` → `courses/m1/print/`.
pub fn print_path(section: &str) -> String {
    format!("{section}print/")
}

/// The Atom feed of a listing at `dir` (the site's is `atom.xml`).
pub fn feed_file(dir: &str) -> String {
    format!("{dir}atom.xml")
}

/// A taxonomy's list of terms: `tags/`.
pub fn taxonomy_path(taxonomy: &str) -> String {
    format!("{taxonomy}/")
}

/// A term's listing: `tags/党建/`.
pub fn term_path(taxonomy: &str, slug: &str) -> String {
    format!("{taxonomy}/{slug}/")
}

/// Percent-encode the non-ASCII and unsafe characters of a URL (for XML feeds and sitemaps).
pub fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers() {
        assert_eq!(pager_count(0, Some(10)), 1);
        assert_eq!(pager_count(21, Some(10)), 3);
        assert_eq!(pager_count(21, None), 1);
        assert_eq!(pager_path("cases/", 1), "cases/");
        assert_eq!(pager_path("cases/", 2), "cases/page/2/");
        assert_eq!(index_file(&pager_path("", 3)), "page/3/index.html");
    }

    #[test]
    fn listing_paths() {
        assert_eq!(term_path("tags", "党建"), "tags/党建/");
        assert_eq!(feed_file(&term_path("tags", "党建")), "tags/党建/atom.xml");
        assert_eq!(print_path("courses/m1/"), "courses/m1/print/");
        assert_eq!(
            encode_url("https://e.org/案例/"),
            "https://e.org/%E6%A1%88%E4%BE%8B/"
        );
    }
}
