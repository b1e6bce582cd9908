//! Pointing URLs at the edition: which links name a generated page of the site (pointed
//! into `<hant_path>/`) and which an asset (left alone, one `../` more when relative), and
//! the sitemap's entries for both editions.

use super::Edition;

impl Edition {
    /// The entries (`{permalink, updated}`, permalinks not yet percent-encoded) of the
    /// site's one sitemap, `sitemap.xml`, made for both editions: every Simplified entry,
    /// then its zh-Hant twin, each with `lang` and the `alternates` of the page in both
    /// editions (`[{lang, permalink}]`, itself included, as sitemaps want them). A theme
    /// whose sitemap lists `entries` thus lists the edition's URLs; the default one also
    /// writes the alternates as `xhtml:link`. The sitemap has no twin: one file, at the
    /// root, where robots.txt points.
    pub fn sitemap_entries(&self, entries: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
        use serde_json::{json, Value};
        let mut simplified = Vec::with_capacity(entries.len());
        let mut traditional = Vec::with_capacity(entries.len());
        for mut e in entries {
            let permalink = e["permalink"].as_str().unwrap_or("").to_string();
            let Some(twin) = self.edition_url(&permalink) else {
                simplified.push(e);
                continue;
            };
            let alternates = json!([
                {"lang": self.simplified_lang, "permalink": permalink},
                {"lang": self.lang, "permalink": twin},
            ]);
            let mut t = e.clone();
            e["lang"] = Value::String(self.simplified_lang.clone());
            e["alternates"] = alternates.clone();
            t["permalink"] = Value::String(twin);
            t["lang"] = Value::String(self.lang.to_string());
            t["alternates"] = alternates;
            simplified.push(e);
            traditional.push(t);
        }
        simplified.extend(traditional);
        simplified
    }

    /// Is `url` (as written in an attribute) a link to a generated page of this site, and if
    /// so its path after the base (`cases/tianjin/`)?
    fn page_target<'u>(&self, url: &'u str) -> Option<(&'u str, &'u str)> {
        let (prefix, rest) = if let Some(r) = url.strip_prefix(self.base_url.as_str()) {
            (&url[..self.base_url.len()], r)
        } else if url.starts_with(self.base_path.as_str()) && !url.starts_with("//") {
            (&url[..self.base_path.len()], &url[self.base_path.len()..])
        } else {
            return None;
        };
        let path = rest.split(['?', '#']).next().unwrap_or("");
        if path.starts_with(&format!("{}/", self.dir)) || path == self.dir {
            return None;
        }
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        let decoded = crate::markdown::percent_decode(&file);
        if self.assets.contains(&file) || self.assets.contains(&decoded) {
            return None;
        }
        (file.ends_with(".html") || file.ends_with(".xml")).then_some((prefix, rest))
    }

    /// `url` pointed at the edition, when it is a page of the site.
    pub(super) fn edition_url(&self, url: &str) -> Option<String> {
        let (prefix, rest) = self.page_target(url)?;
        Some(format!("{prefix}{}/{rest}", self.dir))
    }

    /// A relative `url` in output `from` that names an asset (`../js/search.js`): one more
    /// `../`, since the twin is one directory deeper and assets are not copied. Relative
    /// links to pages stay as they are (the edition has the same tree).
    pub(super) fn relative_asset(&self, url: &str, from: &str) -> Option<String> {
        if url.is_empty() || url.starts_with(['#', '/', '?']) {
            return None;
        }
        let path = url.split(['?', '#']).next().unwrap_or("");
        if path.contains(':') {
            return None;
        }
        let joined = crate::markdown::join_relative(crate::html::output_dir(from), path)?;
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{joined}/index.html")
                .trim_start_matches('/')
                .to_string()
        } else {
            joined
        };
        let decoded = crate::markdown::percent_decode(&file);
        let page = !self.assets.contains(&file)
            && !self.assets.contains(&decoded)
            && (file.ends_with(".html") || file.ends_with(".xml"));
        (!page).then(|| format!("../{url}"))
    }
}
