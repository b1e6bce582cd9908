//! Tera functions: `get_url`, `get_page`, `get_section`, `get_taxonomy`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tera::{Function, Result as TeraResult};

/// Lookup tables shared by the functions.
pub struct Tables {
    pub base_path: String,
    /// Content path (`cases/tianjin.md`, `courses/_index.md`) → URL.
    pub urls: HashMap<String, String>,
    pub pages: HashMap<String, Value>,
    pub sections: HashMap<String, Value>,
    pub taxonomies: HashMap<String, Value>,
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
pub struct GetUrl(pub Arc<Tables>);
impl Function for GetUrl {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
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
    fn is_safe(&self) -> bool {
        false
    }
}

/// `get_page(path="cases/tianjin.md")` → the page (summary, as in listings).
pub struct GetPage(pub Arc<Tables>);
impl Function for GetPage {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let path = arg_str(args, "path", "get_page")?.trim_start_matches("@/");
        let required = args
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        match self.0.pages.get(path) {
            Some(v) => Ok(v.clone()),
            None if !required => Ok(Value::Null),
            None => Err(tera::Error::msg(format!(
                "get_page: there is no page content/{path} (pass required=false to get nothing instead)"
            ))),
        }
    }
}

/// `get_section(path="courses/_index.md")` (or `"courses"`) → the section with its pages;
/// with `required=false`, nothing (null) when there is no such section.
pub struct GetSection(pub Arc<Tables>);
impl Function for GetSection {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
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
            Some(v) => Ok(v.clone()),
            None if !required => Ok(Value::Null),
            None => Err(tera::Error::msg(format!(
                "get_section: there is no section content/{key} (pass required=false to get nothing instead)"
            ))),
        }
    }
}

/// `get_taxonomy(kind="tags")` → `{name, title, url, terms: [{name, url, count, pages}]}`.
pub struct GetTaxonomy(pub Arc<Tables>);
impl Function for GetTaxonomy {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let kind = arg_str(args, "kind", "get_taxonomy")?;
        self.0.taxonomies.get(kind).cloned().ok_or_else(|| {
            let mut names: Vec<&String> = self.0.taxonomies.keys().collect();
            names.sort();
            tera::Error::msg(format!(
                "get_taxonomy: no taxonomy `{kind}` (configured: {names:?})"
            ))
        })
    }
}
