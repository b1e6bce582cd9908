//! Tera functions: `get_url`, `get_page`, `get_section`, `get_taxonomy`.

use crate::resolve::Graph;
use crate::site::{PageId, SectionId, Site};

use super::context::{page_summary, section_summary, to_value};
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tera::{Function, Result as TeraResult};

/// Lookup tables shared by the functions. Values are assembled when a template asks for
/// them, from the site (shared with the functions, which Tera keeps for as long as it
/// lives), so unused functions cost nothing and no JSON copy of the site is kept.
pub(crate) struct Tables {
    pub base_path: String,
    /// Content path (`cases/tianjin.md`, `courses/_index.md`) → URL.
    pub urls: HashMap<String, String>,
    pub site: Arc<Site>,
    pub graph: Arc<Graph>,
    /// Content path → page index.
    pub pages: HashMap<String, PageId>,
    /// Content path → (section index, its subsections).
    pub sections: HashMap<String, (SectionId, Vec<SectionId>)>,
    /// Taxonomy name → (the taxonomy without pages, each term's page indices).
    pub taxonomies: HashMap<String, (Value, Vec<Vec<PageId>>)>,
    /// Static path → URL actually written (fingerprinted where applicable).
    pub statics: HashMap<String, String>,
}

fn arg_str<'a>(args: &'a HashMap<String, Value>, name: &str, func: &str) -> TeraResult<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg(format!("`{func}` needs a `{name}` argument (text)")))
}

/// `get_url(path="@/cases/tianjin.md")` → the page's URL; `get_url(path="css/site.css")` → the
/// static file's URL under the base path.
pub(crate) struct GetUrl(pub Arc<Tables>);
impl GetUrl {
    fn eval(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let path = arg_str(args, "path", "get_url")?;
        if let Some(content) = path.strip_prefix("@/") {
            let (p, anchor) = match content.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (content, None),
            };
            let p = p.trim_end_matches('/');
            let url = self
                .0
                .urls
                .get(p)
                .or_else(|| self.0.urls.get(&format!("{p}/_index.md")))
                .or_else(|| self.0.urls.get(&format!("{p}/index.md")))
                .ok_or_else(|| tera::Error::msg(format!("get_url: there is no content/{p}")))?;
            return Ok(Value::String(match anchor {
                Some(a) => format!("{url}#{a}"),
                None => url.clone(),
            }));
        }
        let p = path.trim_start_matches('/');
        if let Some(u) = self.0.statics.get(p) {
            return Ok(Value::String(u.clone()));
        }
        Ok(Value::String(format!("{}{}", self.0.base_path, p)))
    }
}

/// `get_page(path="cases/tianjin.md")` → the page (summary, as in listings).
pub(crate) struct GetPage(pub Arc<Tables>);
impl GetPage {
    fn eval(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let path = arg_str(args, "path", "get_page")?.trim_start_matches("@/");
        let required = args
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        match self.0.pages.get(path) {
            Some(&i) => Ok(to_value(&page_summary(&self.0.site, &self.0.graph, i))),
            None if !required => Ok(Value::Null),
            None => Err(tera::Error::msg(format!(
                "get_page: there is no page content/{path} (pass required=false to get nothing instead)"
            ))),
        }
    }
}

/// `get_section(path="courses/_index.md")` (or `"courses"`) → the section with its pages;
/// with `required=false`, nothing (null) when there is no such section.
pub(crate) struct GetSection(pub Arc<Tables>);
impl GetSection {
    fn eval(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let path = arg_str(args, "path", "get_section")?
            .trim_start_matches("@/")
            .trim_end_matches('/');
        let key = if path.ends_with("_index.md") {
            path.to_string()
        } else if path.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{path}/_index.md")
        };
        let required = args
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        match self.0.sections.get(&key) {
            Some((i, subs)) => {
                let (site, graph) = (&*self.0.site, &*self.0.graph);
                let mut v = to_value(&section_summary(site, *i));
                v["pages"] = Value::Array(
                    site.sections[*i]
                        .pages
                        .iter()
                        .map(|&p| to_value(&page_summary(site, graph, p)))
                        .collect(),
                );
                v["subsections"] = Value::Array(
                    subs.iter()
                        .map(|&x| to_value(&section_summary(site, x)))
                        .collect(),
                );
                Ok(v)
            }
            None if !required => Ok(Value::Null),
            None => Err(tera::Error::msg(format!(
                "get_section: there is no section content/{key} (pass required=false to get nothing instead)"
            ))),
        }
    }
}

/// `get_taxonomy(kind="tags")` → `{name, title, url, terms: [{name, url, count, pages}]}`.
pub(crate) struct GetTaxonomy(pub Arc<Tables>);
impl GetTaxonomy {
    fn eval(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let kind = arg_str(args, "kind", "get_taxonomy")?;
        let Some((light, term_pages)) = self.0.taxonomies.get(kind) else {
            let mut names: Vec<&String> = self.0.taxonomies.keys().collect();
            names.sort();
            return Err(tera::Error::msg(format!(
                "get_taxonomy: no taxonomy `{kind}` (configured: {names:?})"
            )));
        };
        let mut v = light.clone();
        if let Some(Value::Array(terms)) = v.get_mut("terms") {
            for (term, pages) in terms.iter_mut().zip(term_pages) {
                term["pages"] = Value::Array(
                    pages
                        .iter()
                        .map(|&p| to_value(&page_summary(&self.0.site, &self.0.graph, p)))
                        .collect(),
                );
            }
        }
        Ok(v)
    }
}

impl Function for GetUrl {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        super::memo::record("get_url", args, self.eval(args))
    }
    fn is_safe(&self) -> bool {
        false
    }
}

impl Function for GetPage {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        super::memo::record("get_page", args, self.eval(args))
    }
}

impl Function for GetSection {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        super::memo::record("get_section", args, self.eval(args))
    }
}

impl Function for GetTaxonomy {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        super::memo::record("get_taxonomy", args, self.eval(args))
    }
}

/// Call a function by name without recording it (checking a previous build's calls).
pub(crate) fn eval(
    tables: &Arc<Tables>,
    function: &str,
    args: &HashMap<String, Value>,
) -> TeraResult<Value> {
    match function {
        "get_url" => GetUrl(tables.clone()).eval(args),
        "get_page" => GetPage(tables.clone()).eval(args),
        "get_section" => GetSection(tables.clone()).eval(args),
        "get_taxonomy" => GetTaxonomy(tables.clone()).eval(args),
        _ => Err(tera::Error::msg(format!("unknown function {function}"))),
    }
}

/// The `relative` filter: a root-relative URL under the base path, made relative to the page
/// at output path `from` (`current_path`): `/kb/js/search.js` on `search/` → `../js/search.js`.
/// Used where a page must work from `file://` even in a normal build (the search page).
pub(crate) struct Relative {
    pub base_path: String,
}

impl tera::Filter for Relative {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let url = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("`relative` works on text only"))?;
        let from = args.get("from").and_then(Value::as_str).unwrap_or("");
        let Some(rest) = url.strip_prefix(self.base_path.as_str()) else {
            return Ok(value.clone());
        };
        let depth = from.matches('/').count();
        let rel = format!("{}{rest}", "../".repeat(depth));
        Ok(Value::String(if rel.is_empty() {
            "./".into()
        } else {
            rel
        }))
    }
}

/// The `plaintext` filter: HTML → plain text, with tags dropped, entities decoded and
/// whitespace collapsed. Tera's `striptags` keeps entities (`&amp;`), which autoescaping then
/// escapes a second time (`&amp;amp;` shown to readers); `plaintext` output is escaped once.
pub(crate) fn plaintext(value: &Value, _: &HashMap<String, Value>) -> TeraResult<Value> {
    let html = match value {
        Value::String(s) => s.as_str(),
        Value::Null => "",
        _ => return Err(tera::Error::msg("`plaintext` works on text only")),
    };
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = decode_entities(&text);
    Ok(Value::String(
        text.split_whitespace().collect::<Vec<_>>().join(" "),
    ))
}

/// The `truncate` filter, as Tera's (`length` graphemes, default 255, then `end`, default
/// `…`), but stopping after `length` graphemes: Tera's splits the whole text into graphemes
/// first, which was a tenth of the time spent in templates (every listing card truncates a
/// summary).
pub(crate) fn truncate(value: &Value, args: &HashMap<String, Value>) -> TeraResult<Value> {
    use unicode_segmentation::UnicodeSegmentation;
    let s = value.as_str().ok_or_else(|| {
        tera::Error::msg(format!(
            "Filter `truncate` was called on an incorrect value: got `{value}` but expected a String"
        ))
    })?;
    let length = match args.get("length") {
        Some(l) => l.as_u64().map(|n| n as usize).ok_or_else(|| {
            tera::Error::msg(format!(
                "Filter `truncate` received an incorrect type for arg `length`: got `{l}` but expected a usize"
            ))
        })?,
        None => 255,
    };
    let end = match args.get("end") {
        Some(e) => e.as_str().map(str::to_string).ok_or_else(|| {
            tera::Error::msg(format!(
                "Filter `truncate` received an incorrect type for arg `end`: got `{e}` but expected a String"
            ))
        })?,
        None => "…".to_string(),
    };
    Ok(Value::String(match s.grapheme_indices(true).nth(length) {
        Some((at, _)) => format!("{}{end}", &s[..at]),
        None => s.to_string(),
    }))
}

/// Decode `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric references;
/// anything else is left as written.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&e| e <= 10).and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_strips_tags_and_decodes_entities_once() {
        let v = plaintext(
            &Value::String(
                "<p>他说\"你好\" &amp; <b>粗</b> 1 &lt; 2 &#39;x&#x27; &bogus; &</p>\n<p>二</p>\n"
                    .into(),
            ),
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(
            v,
            Value::String("他说\"你好\" & 粗 1 < 2 'x' &bogus; & 二".into())
        );
        assert_eq!(
            plaintext(&Value::Null, &HashMap::new()).unwrap(),
            Value::String(String::new())
        );
    }

    #[test]
    fn truncate_counts_graphemes_like_teras() {
        let args = |n: u64| HashMap::from([("length".to_string(), Value::from(n))]);
        let t = |s: &str, n: u64| truncate(&Value::String(s.into()), &args(n)).unwrap();
        assert_eq!(t("党建引领基层治理", 4), "党建引领…");
        assert_eq!(t("党建引领", 4), "党建引领");
        assert_eq!(t("党建", 10), "党建");
        // A flag is one grapheme of two code points.
        assert_eq!(t("🇨🇳中国", 1), "🇨🇳…");
        let with_end = HashMap::from([
            ("length".to_string(), Value::from(2)),
            ("end".to_string(), Value::from("...")),
        ]);
        assert_eq!(
            truncate(&Value::String("社会组织".into()), &with_end).unwrap(),
            "社会..."
        );
        assert_eq!(
            truncate(&Value::String("x".repeat(300)), &HashMap::new()).unwrap(),
            format!("{}…", "x".repeat(255))
        );
        assert!(truncate(&Value::from(3), &args(1)).is_err());
    }

    #[test]
    fn relative_filter() {
        use tera::Filter;
        let f = Relative {
            base_path: "/kb/".into(),
        };
        let args = |from: &str| HashMap::from([("from".to_string(), Value::String(from.into()))]);
        assert_eq!(
            f.filter(&Value::String("/kb/js/s.js".into()), &args("search/"))
                .unwrap(),
            "../js/s.js"
        );
        assert_eq!(
            f.filter(&Value::String("/kb/js/s.js".into()), &args(""))
                .unwrap(),
            "js/s.js"
        );
        assert_eq!(
            f.filter(&Value::String("/kb/".into()), &args("a/b/"))
                .unwrap(),
            "../../"
        );
        assert_eq!(
            f.filter(&Value::String("https://x/".into()), &args("a/"))
                .unwrap(),
            "https://x/"
        );
    }
}
