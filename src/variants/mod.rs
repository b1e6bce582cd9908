//! Script editions: a Traditional-Chinese (zh-Hant) edition of the whole site, made from the
//! rendered Simplified output (issue 21).
//!
//! Nothing is parsed or rendered twice. Every generated output of the render stage (pages,
//! sections, term pages, feeds, print handouts, the search page, the sitemap, 404, aliases)
//! passes through [`Edition::convert`] once, in `Renderer::finish`, which writes its twin under
//! `<hant_path>/` (default `zh-hant/`). The search index is shared: its manifest, fold table
//! and shards hold script-folded tokens only, and each document file holds the document in
//! both scripts (`search/d/<n>.js`, see [`Edition::search_doc_both`]). The one sitemap lists
//! both editions.
//!
//! What is converted: text, and the human-readable attributes `title`, `alt`, `aria-label`,
//! `placeholder`, `label` and the `content` of description/title `<meta>` tags. What is not:
//! tags and every other attribute (ids, classes, URLs, link targets — heading ids therefore stay
//! the same in both editions), the contents of `<code>`, `<pre>`, `<kbd>`, `<samp>`,
//! `<script>`, `<style>`, `<textarea>`, and any element marked `translate="no"` (the default
//! theme marks the quoted source title of a case so) or `data-zhiku-variant` (the 简/繁 switch). Internal
//! links to pages are pointed at the same page of the zh-Hant edition; links to assets (CSS,
//! scripts, images, the shared search index) are left alone, so assets exist once.
//!
//! The pieces: `conv.rs` is the text converter (zhconv's tables and the phrase table);
//! `html.rs` and `xml.rs` convert a generated document, with the tag scanner of `tag.rs`;
//! `urls.rs` points links at the edition (and makes the sitemap's entries for both);
//! `search.rs` makes the search document files hold both editions. This file holds the
//! [`Edition`], which outputs have twins, and the [`TwinSink`].

mod conv;
mod html;
mod search;
mod tag;
mod urls;
mod xml;

pub use crate::config::{HantVariant, VariantsConfig};
pub use conv::DEFAULT_PHRASES;

use conv::Conv;

/// The zh-Hant edition of one build.
pub struct Edition {
    conv: Conv,
    /// `zh-hant` (no slashes).
    pub dir: String,
    lang: &'static str,
    og_locale: &'static str,
    /// The Simplified edition's `lang` (`config.language`) and `og:locale`.
    simplified_lang: String,
    simplified_og_locale: String,
    base_path: String,
    base_url: String,
    /// Output paths that are copied files (theme static files, page-bundle assets): links to
    /// them are never pointed into the edition.
    assets: std::collections::HashSet<String>,
}

/// Which kind of output a twin is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Html,
    Xml,
}

impl Edition {
    /// The edition for `config`, or `None` when `[variants] hant` is off.
    pub fn new(
        config: &crate::config::Config,
        assets: impl IntoIterator<Item = String>,
    ) -> Option<Edition> {
        let v = &config.variants;
        if !v.hant {
            return None;
        }
        Some(Edition {
            conv: Conv::new(v.hant_variant, &v.phrases),
            dir: v.hant_path.clone(),
            lang: v.hant_variant.lang(),
            og_locale: v.hant_variant.og_locale(),
            simplified_lang: config.language.clone(),
            simplified_og_locale: config.language.replace('-', "_"),
            base_path: config.base_path(),
            base_url: config.base_url.clone(),
            assets: assets.into_iter().collect(),
        })
    }

    /// Convert plain text.
    pub fn text(&self, s: &str) -> String {
        self.conv.convert(s)
    }

    /// Where the twin of output `path` goes.
    pub fn twin_path(&self, path: &str) -> String {
        format!("{}/{path}", self.dir)
    }

    /// Does output `path` have a twin? (Generated pages and feeds; not the sitemap, which
    /// lists both editions ([`Edition::sitemap_entries`]), nor search document files, which
    /// hold both ([`Edition::search_doc_both`]).)
    pub fn has_twin(&self, path: &str) -> bool {
        !is_search_doc(path)
            && path != SITEMAP
            && !self.assets.contains(path)
            && (path.ends_with(".html") || path.ends_with(".xml"))
    }

    /// The twin of a generated output at `path` (before relative-mode rewriting).
    pub fn convert(&self, kind: Markup, path: &str, text: &str) -> String {
        match kind {
            Markup::Html => self.html(text, path),
            Markup::Xml => self.xml(text),
        }
    }
}

/// The sink of a build with a zh-Hant edition: a search document file gets the converted
/// document appended, and an output is kept from the previous build (`serve`) only with its
/// twin.
pub struct TwinSink<'s> {
    pub inner: &'s dyn crate::output::Sink,
    pub edition: &'s Edition,
}

impl crate::output::Sink for TwinSink<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        if is_search_doc(path) {
            return self.inner.put(path, self.edition.search_doc_both(bytes));
        }
        self.inner.put(path, bytes)
    }

    fn keep(&self, path: &str) -> bool {
        self.inner.keep(path)
            && (!self.edition.has_twin(path) || self.inner.keep(&self.edition.twin_path(path)))
    }
}

/// The sitemap's output path.
pub const SITEMAP: &str = "sitemap.xml";

/// Is `path` a search document file (`search/d/<n>.js`)?
pub fn is_search_doc(path: &str) -> bool {
    path.strip_prefix(crate::paths::SEARCH_DIR)
        .and_then(|p| p.strip_prefix("d/"))
        .is_some_and(|p| p.ends_with(".js"))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn edition(extra: &str) -> Edition {
        let c = crate::config::Config::parse(&format!(
            "title = \"t\"\nbase_url = \"/kb/\"\n[variants]\nhant = true\n{extra}"
        ))
        .unwrap();
        Edition::new(&c, ["css/site.css".to_string(), "js/search.js".to_string()]).unwrap()
    }

    #[test]
    fn bad_paths_are_refused() {
        for bad in ["", "a/b", "..", "繁體"] {
            let e = crate::config::Config::parse(&format!(
                "title = \"t\"\n[variants]\nhant_path = \"{bad}\"\n"
            ))
            .unwrap_err();
            assert!(e.message.contains("hant_path"), "{}", e.message);
        }
    }
}
