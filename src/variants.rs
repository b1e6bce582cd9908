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

use std::collections::BTreeMap;

use zhconv::{Variant, ZhConverter};

pub use crate::config::{HantVariant, VariantsConfig};

/// zhconv's target for a variant.
fn zhconv_variant(v: HantVariant) -> Variant {
    match v {
        HantVariant::Standard => Variant::ZhHant,
        HantVariant::Taiwan => Variant::ZhTW,
        HantVariant::Hongkong => Variant::ZhHK,
    }
}

/// Phrases every edition has unless the site says otherwise: OpenCC leaves 党 alone when no
/// phrase decides it (it is also a surname), which would leave 党建 in Simplified on almost
/// every page of a party-building site.
pub const DEFAULT_PHRASES: &[(&str, &str)] = &[("党", "黨")];

/// First code point of the private-use plane-15 range the phrase markers use: the tables
/// never touch it.
const MARK: u32 = 0xF0000;

/// The converter of an edition: zhconv's prebuilt automaton (loaded once per process), and
/// the phrase table, applied around it. Building a zhconv converter with extra pairs costs
/// seconds, so phrases are marked before conversion (each occurrence replaced by a
/// private-use character), and the markers replaced by their Traditional text after it.
struct Conv {
    tables: &'static ZhConverter,
    /// One-character phrases: replaced in the converted text (the tables left the character
    /// as it was, or no phrase of the tables would have matched it). Cheaper than marking.
    chars: Vec<(char, String)>,
    /// First character → phrases starting with it (longest first), with their index.
    starts: std::collections::HashMap<char, Vec<(String, usize)>>,
    targets: Vec<String>,
}

impl Conv {
    fn new(variant: HantVariant, site: &BTreeMap<String, String>) -> Conv {
        let mut all: BTreeMap<String, String> = DEFAULT_PHRASES
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        all.extend(site.iter().map(|(a, b)| (a.clone(), b.clone())));
        let mut starts: std::collections::HashMap<char, Vec<(String, usize)>> = Default::default();
        let mut targets = Vec::new();
        let mut chars = Vec::new();
        for (from, to) in all {
            let mut it = from.chars();
            if let (Some(c), None) = (it.next(), it.next()) {
                chars.push((c, to));
                continue;
            }
            if let Some(c) = from.chars().next() {
                starts.entry(c).or_default().push((from, targets.len()));
                targets.push(to);
            }
        }
        for list in starts.values_mut() {
            list.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        }
        Conv {
            tables: zhconv::get_builtin_converter(zhconv_variant(variant)),
            chars,
            starts,
            targets,
        }
    }

    fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 8);
        self.convert_to(text, &mut out);
        out
    }

    fn convert_to(&self, text: &str, out: &mut String) {
        let start = out.len();
        self.convert_phrases(text, out);
        for (c, to) in &self.chars {
            if out[start..].contains(*c) {
                let replaced = out[start..].replace(*c, to);
                out.truncate(start);
                out.push_str(&replaced);
            }
        }
    }

    fn convert_phrases(&self, text: &str, out: &mut String) {
        if self.starts.is_empty() || !text.chars().any(|c| self.starts.contains_key(&c)) {
            self.tables.convert_to(text, out);
            return;
        }
        let mut marked = String::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let Some(c) = rest.chars().next() else { break };
            let hit = self
                .starts
                .get(&c)
                .and_then(|list| list.iter().find(|(p, _)| rest.starts_with(p.as_str())));
            match hit.and_then(|(p, n)| Some((p.len(), char::from_u32(MARK + *n as u32)?))) {
                Some((len, mark)) => {
                    marked.push(mark);
                    i += len;
                }
                None => {
                    marked.push(c);
                    i += c.len_utf8();
                }
            }
        }
        let converted = self.tables.convert(&marked);
        for c in converted.chars() {
            let n = (c as u32).wrapping_sub(MARK) as usize;
            match self.targets.get(n) {
                Some(t) if (c as u32) >= MARK => out.push_str(t),
                _ => out.push(c),
            }
        }
    }
}

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

    /// The twin of a generated output at `path` (before relative-mode rewriting).
    pub fn convert(&self, kind: Markup, path: &str, text: &str) -> String {
        match kind {
            Markup::Html => self.html(text, path),
            Markup::Xml => self.xml(text),
        }
    }

    /// The twin of search document file `bytes` (`__zhikuSearch("d",…,{"t":…,"u":…,"s":…,
    /// "k":…,"n":…,"p":…,"h":…,"x":…});`, keys in that order): everything converted but the
    /// URL path `u` and the heading ids `p` (top section) and `h` (section starts), which are
    /// the same in both editions so that deep links land on the heading.
    pub fn search_doc(&self, bytes: &[u8]) -> Vec<u8> {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return bytes.to_vec();
        };
        let Some(start) = text.find(",\"u\":\"") else {
            return self.text(text).into_bytes();
        };
        let value = start + 6;
        let end = json_string_end(text, value);
        // Outside strings a key can only be `,"key":` (quotes inside strings are escaped).
        let text_at = text[end..].find(",\"x\":").map_or(text.len(), |i| end + i);
        let ids_at = [",\"p\":", ",\"h\":"]
            .iter()
            .filter_map(|k| text[end..text_at].find(k).map(|i| end + i))
            .min()
            .unwrap_or(text_at);
        let mut out = self.text(&text[..value]);
        out.push_str(&text[value..end]);
        out.push_str(&self.text(&text[end..ids_at]));
        out.push_str(&text[ids_at..text_at]);
        out.push_str(&self.text(&text[text_at..]));
        out.into_bytes()
    }

    /// A search document file with the edition's document appended: the file calls
    /// `__zhikuSearch("d",…)` with the Simplified document, then `__zhikuSearch("h",…)`
    /// with the converted one ([`Edition::search_doc`]); `search.js` of the zh-Hant
    /// edition waits for `h`, the Simplified one for `d`. One file per document for both
    /// editions: a twin file each would be 2,000 more files at 2,000 pages, which cost the
    /// file system more than their bytes do (README "zh-Hant edition", cost).
    pub fn search_doc_both(&self, mut bytes: Vec<u8>) -> Vec<u8> {
        const SIMPLIFIED: &[u8] = b"__zhikuSearch(\"d\"";
        let twin = self.search_doc(&bytes);
        if let Some(rest) = twin.strip_prefix(SIMPLIFIED) {
            if !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
            bytes.extend_from_slice(b"__zhikuSearch(\"h\"");
            bytes.extend_from_slice(rest);
        }
        bytes
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
    fn edition_url(&self, url: &str) -> Option<String> {
        let (prefix, rest) = self.page_target(url)?;
        Some(format!("{prefix}{}/{rest}", self.dir))
    }

    /// A relative `url` in output `from` that names an asset (`../js/search.js`): one more
    /// `../`, since the twin is one directory deeper and assets are not copied. Relative
    /// links to pages stay as they are (the edition has the same tree).
    fn relative_asset(&self, url: &str, from: &str) -> Option<String> {
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

    /// Convert a generated HTML document at output `path`.
    pub fn html(&self, html: &str, path: &str) -> String {
        let mut out = String::with_capacity(html.len() + html.len() / 8);
        // The element whose contents are kept as they are, and how deep inside it we are.
        let mut keep: Option<(String, usize)> = None;
        let mut i = 0;
        while i < html.len() {
            let rest = &html[i..];
            let Some(lt) = rest.find('<') else {
                self.push_text(&mut out, rest, keep.is_some());
                break;
            };
            self.push_text(&mut out, &rest[..lt], keep.is_some());
            i += lt;
            let rest = &html[i..];
            if rest.starts_with("<!--") {
                let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
                out.push_str(&rest[..end]);
                i += end;
                continue;
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                out.push_str(&rest[..end]);
                i += end;
                continue;
            }
            let Some(tag) = Tag::parse(rest) else {
                out.push('<');
                i += 1;
                continue;
            };
            let raw = &rest[..tag.len];
            i += tag.len;
            if tag.closing {
                out.push_str(raw);
                if let Some((name, depth)) = &mut keep {
                    if *name == tag.name {
                        *depth -= 1;
                        if *depth == 0 {
                            keep = None;
                        }
                    }
                }
                continue;
            }
            if keep.is_some() {
                // Inside kept content: the tag's attributes are not touched either, but
                // for the switch's links: the current edition is 繁.
                if raw.contains("data-zhiku-variant=\"zh-CN\"") {
                    out.push_str(&raw.replacen(" aria-current=\"true\"", "", 1));
                } else if raw.contains("data-zhiku-variant=\"zh-Hant\"")
                    && !raw.contains("aria-current")
                {
                    out.push_str(&raw[..raw.len() - 1]);
                    out.push_str(" aria-current=\"true\">");
                } else {
                    out.push_str(raw);
                }
                if let Some((name, depth)) = &mut keep {
                    if *name == tag.name && !tag.self_closing && !is_void(&tag.name) {
                        *depth += 1;
                    }
                }
            } else {
                self.push_tag(&mut out, raw, &tag, path);
            }
            if matches!(tag.name.as_str(), "script" | "style" | "textarea") {
                // Raw text up to the closing tag, copied.
                let close = format!("</{}", tag.name);
                let body = &html[i..];
                let end = find_ascii_ci(body, &close).unwrap_or(body.len());
                out.push_str(&body[..end]);
                i += end;
                continue;
            }
            if keep.is_none()
                && !tag.self_closing
                && !is_void(&tag.name)
                && (matches!(tag.name.as_str(), "code" | "pre" | "kbd" | "samp")
                    || tag
                        .attrs(raw)
                        .any(|(n, v)| (n == "translate" && v == "no") || n == "data-zhiku-variant"))
            {
                keep = Some((tag.name.clone(), 1));
            }
        }
        out
    }

    fn push_text(&self, out: &mut String, text: &str, keep: bool) {
        if keep || text.is_ascii() {
            out.push_str(text);
        } else {
            self.conv.convert_to(text, out);
        }
    }

    /// A start tag of the edition: readable attributes converted, page links pointed at the
    /// edition, `<html lang>` set.
    fn push_tag(&self, out: &mut String, raw: &str, tag: &Tag, path: &str) {
        let attrs: Vec<(&str, &str)> = tag.attrs(raw).collect();
        let get = |name: &str| attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let has_hreflang = get("hreflang").is_some();
        let meta_text = tag.name == "meta"
            && matches!(
                get("name").or(get("property")),
                Some("description" | "og:title" | "og:description" | "og:site_name")
            );
        let refresh = tag.name == "meta"
            && get("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh"));
        let mut last = 0;
        for (name, value) in tag.attrs(raw) {
            // `value` is a slice of `raw`: its offset locates it.
            let start = value.as_ptr() as usize - raw.as_ptr() as usize;
            let replacement = match name {
                "lang" if tag.name == "html" => Some(format!(
                    "{}\" data-zhiku-edition=\"{}/",
                    self.lang, self.dir
                )),
                "title" | "alt" | "aria-label" | "placeholder" | "label" => {
                    (!value.is_ascii()).then(|| self.text(value))
                }
                "content" if meta_text => Some(self.text(value)),
                "content" if refresh => refresh_url(value).and_then(|(before, url)| {
                    self.edition_url(url).map(|u| format!("{before}{u}"))
                }),
                // The edition's own locale; the other edition is the alternate.
                "content" if tag.name == "meta" && get("property") == Some("og:locale") => {
                    Some(self.og_locale.to_string())
                }
                "content"
                    if tag.name == "meta" && get("property") == Some("og:locale:alternate") =>
                {
                    Some(self.simplified_og_locale.clone())
                }
                "content" if tag.name == "meta" && get("property") == Some("og:url") => {
                    self.edition_url(value)
                }
                n if crate::html::is_url_attr(n) && !has_hreflang => self
                    .edition_url(value)
                    .or_else(|| self.relative_asset(value, path)),
                _ => None,
            };
            if let Some(new) = replacement {
                out.push_str(&raw[last..start]);
                out.push_str(&new);
                last = start + value.len();
            }
        }
        out.push_str(&raw[last..]);
    }

    /// Convert a generated XML document (Atom feed, sitemap): text converted, except URLs in
    /// `<id>`, `<loc>` and `<uri>` (pointed at the edition); escaped HTML in `type="html"`
    /// elements converted as HTML; `xml:lang` set.
    pub fn xml(&self, xml: &str) -> String {
        let mut out = String::with_capacity(xml.len() + xml.len() / 8);
        let mut current = String::new();
        let mut html_text = false;
        let mut i = 0;
        while i < xml.len() {
            let rest = &xml[i..];
            let Some(lt) = rest.find('<') else {
                out.push_str(rest);
                break;
            };
            let text = &rest[..lt];
            if matches!(current.as_str(), "id" | "loc" | "uri") {
                match self.edition_url(text.trim()) {
                    Some(u) => out.push_str(&text.replacen(text.trim(), &u, 1)),
                    None => out.push_str(text),
                }
            } else if html_text {
                let html = crate::html::unescape(text);
                out.push_str(&crate::markdown::escape_attr(&self.html(&html, "")));
            } else {
                self.push_text(&mut out, text, false);
            }
            i += lt;
            let rest = &xml[i..];
            if rest.starts_with("<!") || rest.starts_with("<?") {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                out.push_str(&rest[..end]);
                i += end;
                continue;
            }
            let Some(tag) = Tag::parse(rest) else {
                out.push('<');
                i += 1;
                continue;
            };
            let raw = &rest[..tag.len];
            i += tag.len;
            if tag.closing {
                current.clear();
                html_text = false;
                out.push_str(raw);
                continue;
            }
            current = tag.name.clone();
            html_text = tag.attrs(raw).any(|(n, v)| n == "type" && v == "html");
            let mut last = 0;
            for (name, value) in tag.attrs(raw) {
                let start = value.as_ptr() as usize - raw.as_ptr() as usize;
                let new = match name {
                    "xml:lang" => Some(self.lang.to_string()),
                    "href" => self.edition_url(value),
                    "title" if !value.is_ascii() => Some(self.text(value)),
                    _ => None,
                };
                if let Some(new) = new {
                    out.push_str(&raw[last..start]);
                    out.push_str(&new);
                    last = start + value.len();
                }
            }
            out.push_str(&raw[last..]);
            if tag.self_closing {
                current.clear();
                html_text = false;
            }
        }
        out
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

/// The end (offset of the closing quote) of the JSON string whose contents start at `from`.
fn json_string_end(s: &str, from: usize) -> usize {
    let b = s.as_bytes();
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// `0; url=/x/` → (`0; url=`, `/x/`).
fn refresh_url(content: &str) -> Option<(&str, &str)> {
    let at = find_ascii_ci(content, "url=")? + 4;
    Some((&content[..at], &content[at..]))
}

/// Byte offset of `needle` (ASCII) in `hay`, ignoring ASCII case.
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn is_void(name: &str) -> bool {
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
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    /// Bytes up to and including `>`.
    len: usize,
    /// Where the attributes start.
    attrs_at: usize,
}

impl Tag {
    fn parse(s: &str) -> Option<Tag> {
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
    fn attrs<'r>(&self, raw: &'r str) -> impl Iterator<Item = (&'r str, &'r str)> + 'r {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn edition(extra: &str) -> Edition {
        let c = crate::config::Config::parse(&format!(
            "title = \"t\"\nbase_url = \"/kb/\"\n[variants]\nhant = true\n{extra}"
        ))
        .unwrap();
        Edition::new(&c, ["css/site.css".to_string(), "js/search.js".to_string()]).unwrap()
    }

    #[test]
    fn which_forms_each_variant_gives() {
        // Document what the bundled OpenCC tables do (README "zh-Hant edition").
        let s = "为了群众里面的党员干部，后来发展";
        let std = edition("").text(s);
        let tw = edition("hant_variant = \"taiwan\"").text(s);
        let hk = edition("hant_variant = \"hongkong\"").text(s);
        eprintln!("standard {std}\ntaiwan   {tw}\nhongkong {hk}");
        assert!(std.contains("黨員"), "{std}");
        assert!(std.contains("幹部"), "{std}");
        assert!(std.contains("後來"), "{std}");
    }

    #[test]
    fn html_text_converted_code_urls_ids_kept() {
        let e = edition("");
        let html = r##"<html lang="zh-CN"><head><meta name="description" content="党建"><link rel="stylesheet" href="/kb/css/site.css"></head><body><h2 id="主要做法">主要做法</h2><p title="说明">党员<a href="/kb/tags/党员发展/#发展">党员发展</a><code>党 x</code><cite translate="no">《关于党建》</cite><a href="#主要做法">之后</a></p><pre><code>发展 <b>党</b></code></pre><script>var a = "<b>党</b>";</script><img alt="图书馆" src="/kb/cases/x/图.png"><a href="https://example.org/党">外</a><script src="../../js/search.js"></script><a href="../y/">y</a></body></html>"##;
        let out = e.html(html, "cases/x/index.html");
        assert!(
            out.contains(r#"<html lang="zh-Hant" data-zhiku-edition="zh-hant/">"#),
            "{out}"
        );
        assert!(out.contains(r#"content="黨建""#), "{out}");
        assert!(out.contains(r#"href="/kb/css/site.css""#), "{out}");
        assert!(out.contains(r#"<h2 id="主要做法">主要做法</h2>"#), "{out}");
        assert!(out.contains(r#"title="說明""#), "{out}");
        assert!(
            out.contains(r#"<a href="/kb/zh-hant/tags/党员发展/#发展">黨員發展</a>"#),
            "{out}"
        );
        assert!(out.contains("<code>党 x</code>"), "{out}");
        assert!(out.contains("《关于党建》"), "{out}");
        assert!(out.contains(r##"<a href="#主要做法">之後</a>"##), "{out}");
        assert!(
            out.contains("<pre><code>发展 <b>党</b></code></pre>"),
            "{out}"
        );
        assert!(out.contains(r#"var a = "<b>党</b>";"#), "{out}");
        assert!(
            out.contains(r#"alt="圖書館" src="/kb/cases/x/图.png""#),
            "{out}"
        );
        assert!(out.contains(r#"href="https://example.org/党""#), "{out}");
        assert!(out.contains(r#"src="../../../js/search.js""#), "{out}");
        assert!(out.contains(r#"<a href="../y/">y</a>"#), "{out}");
    }

    #[test]
    fn phrase_table_overrides() {
        let e = edition("[variants.phrases]\n\"干部\" = \"幹部\"\n\"发展\" = \"发展\"\n");
        assert_eq!(e.text("党员干部发展"), "黨員幹部发展");
    }

    #[test]
    fn search_doc_keeps_the_url() {
        let e = edition("");
        let doc = r#"__zhikuSearch("d","ab",3,{"t":"党建","u":"tags/党员发展/","s":"案例","x":"发展\"党员\""});"#.as_bytes();
        let out = String::from_utf8(e.search_doc(doc)).unwrap();
        assert_eq!(
            out,
            r#"__zhikuSearch("d","ab",3,{"t":"黨建","u":"tags/党员发展/","s":"案例","x":"發展\"黨員\""});"#
        );
        // Heading ids (top section, section starts) stay as they are in both editions.
        let doc = r#"__zhikuSearch("d","ab",3,{"t":"党建","u":"a/","s":"案例","k":["党员"],"n":[1],"p":"党建工作","h":[[1,"党员发展"]],"x":"党员"});"#;
        let out = String::from_utf8(e.search_doc(doc.as_bytes())).unwrap();
        assert_eq!(
            out,
            r#"__zhikuSearch("d","ab",3,{"t":"黨建","u":"a/","s":"案例","k":["黨員"],"n":[1],"p":"党建工作","h":[[1,"党员发展"]],"x":"黨員"});"#
        );
    }

    #[test]
    fn a_search_document_file_holds_both_editions() {
        let e = edition("");
        let doc = r#"__zhikuSearch("d","ab",3,{"t":"党建","u":"a/","x":"党员"});"#;
        let out = String::from_utf8(e.search_doc_both(doc.as_bytes().to_vec())).unwrap();
        assert_eq!(
            out,
            "__zhikuSearch(\"d\",\"ab\",3,{\"t\":\"党建\",\"u\":\"a/\",\"x\":\"党员\"});\n__zhikuSearch(\"h\",\"ab\",3,{\"t\":\"黨建\",\"u\":\"a/\",\"x\":\"黨員\"});"
        );
        assert!(!e.has_twin("search/d/3.js"));
        assert!(!e.has_twin("sitemap.xml"));
        assert!(e.has_twin("cases/index.html"));
    }

    #[test]
    fn feeds() {
        let e = edition("");
        let xml = r#"<feed xml:lang="zh-CN"><title>党建</title><link href="/kb/cases/"/><id>/kb/cases/</id><summary type="html">&lt;p&gt;党员&lt;code&gt;党&lt;/code&gt;&lt;/p&gt;</summary></feed>"#;
        let out = e.xml(xml);
        assert_eq!(
            out,
            r#"<feed xml:lang="zh-Hant"><title>黨建</title><link href="/kb/zh-hant/cases/"/><id>/kb/zh-hant/cases/</id><summary type="html">&lt;p&gt;黨員&lt;code&gt;党&lt;/code&gt;&lt;/p&gt;</summary></feed>"#
        );
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
