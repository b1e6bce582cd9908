//! Tera 1.20: (a) the context built as zhiku builds it now (page summaries made once as
//! `serde_json::Value` and deep-copied into every context that lists them, then
//! `Context::from_value`), and (b) typed structs borrowing the site, serialized into the
//! context by `Context::from_serialize`.

use std::collections::HashMap;

use serde_json::{json, Map, Value};
use tera1::{Context, Tera};

use crate::common;
use crate::corpus::{Site, SIBLINGS};

pub fn engine(site: &Site) -> Tera {
    // The default theme itself, not a copy: Tera 1 renders what zhiku ships.
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../themes/default/templates"
    );
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(common::escape);
    tera.register_filter(
        "plaintext",
        |v: &Value, _: &HashMap<String, Value>| -> tera1::Result<Value> {
            Ok(Value::String(common::plaintext(v.as_str().unwrap_or(""))))
        },
    );
    tera.register_filter(
        "truncate",
        |v: &Value, args: &HashMap<String, Value>| -> tera1::Result<Value> {
            let s = v
                .as_str()
                .ok_or_else(|| tera1::Error::msg("truncate: not text"))?;
            let length = args.get("length").and_then(Value::as_u64).unwrap_or(255) as usize;
            let end = args.get("end").and_then(Value::as_str).unwrap_or("…");
            Ok(Value::String(common::truncate(s, length, end)))
        },
    );
    // The theme's figures macro uses zhiku's `chart` filter (never reached on this corpus).
    tera.register_filter(
        "chart",
        |_: &Value, _: &HashMap<String, Value>| -> tera1::Result<Value> {
            Ok(Value::String(String::new()))
        },
    );
    let base = site.config.base_path.clone();
    tera.register_function(
        "get_url",
        move |args: &HashMap<String, Value>| -> tera1::Result<Value> {
            let path = args
                .get("path")
                .and_then(Value::as_str)
                .ok_or_else(|| tera1::Error::msg("get_url needs `path`"))?;
            Ok(Value::String(common::get_url(&base, path)))
        },
    );
    let files = [
        "base.html",
        "page.html",
        "macros.html",
        "partials/variants_head.html",
        "partials/variant_switch.html",
    ];
    let list: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(format!("{dir}/{f}")).expect("template");
            (f.to_string(), text)
        })
        .collect();
    tera.add_raw_templates(list).expect("Tera 1 templates");
    tera
}

/// Built once per build (zhiku's `Values`).
pub struct Values {
    pub pages: Vec<Value>,
    pub config: Value,
    pub nav: Value,
}

pub fn values(site: &Site) -> Values {
    use rayon::prelude::*;
    let pages = (0..site.pages.len())
        .into_par_iter()
        .map(|i| serde_json::to_value(common::summary(site, i)).expect("summary"))
        .collect();
    Values {
        pages,
        config: serde_json::to_value(common::config(site)).expect("config"),
        nav: serde_json::to_value(common::nav(site)).expect("nav"),
    }
}

fn link(site: &Site, p: usize) -> Value {
    json!({"title": site.pages[p].title, "url": site.pages[p].url, "kind": "page"})
}

fn section_link(site: &Site, s: usize) -> Value {
    json!({"title": site.sections[s].title, "url": site.sections[s].url, "kind": "section"})
}

/// (a) zhiku's `page_full` + the render's context map, with the same copies.
pub fn context_values(site: &Site, v: &Values, i: usize) -> Context {
    let p = &site.pages[i];
    let mut page = v.pages[i].clone();
    let sums =
        |list: &[usize]| -> Vec<Value> { list.iter().map(|&q| v.pages[q].clone()).collect() };
    if let Value::Object(m) = &mut page {
        m.insert("content".into(), Value::String(p.content.clone()));
        m.insert(
            "toc".into(),
            serde_json::to_value(&p.toc).unwrap_or(Value::Null),
        );
        m.insert(
            "ancestors".into(),
            Value::Array(
                site.ancestors(p.section)
                    .into_iter()
                    .map(|s| section_link(site, s))
                    .collect(),
            ),
        );
        let refs: Vec<Value> = site.backlinks[i].iter().map(|&q| link(site, q)).collect();
        m.insert("backlinks".into(), Value::Array(refs.clone()));
        m.insert("related".into(), Value::Array(sums(&site.related[i])));
        m.insert("other_backlinks".into(), Value::Array(refs));
        m.insert(
            "other_related".into(),
            Value::Array(sums(&site.shown_related[i])),
        );
        m.insert("quiz".into(), Value::Array(Vec::new()));
        m.insert("lessons".into(), Value::Array(Vec::new()));
        m.insert("cases".into(), Value::Array(Vec::new()));
        let (prev, next) = site.prev_next[i];
        m.insert(
            "prev".into(),
            prev.map(|q| v.pages[q].clone()).unwrap_or(Value::Null),
        );
        m.insert(
            "next".into(),
            next.map(|q| v.pages[q].clone()).unwrap_or(Value::Null),
        );
        let section = &site.sections[p.section];
        let start = Site::siblings_start(site.position[i], section.pages.len());
        let module: Vec<Value> = section.pages[start..]
            .iter()
            .take(SIBLINGS)
            .map(|&q| {
                json!({"title": site.pages[q].title, "url": site.pages[q].url, "current": q == i})
            })
            .collect();
        m.insert("siblings".into(), Value::Array(module));
        m.insert("lesson".into(), Value::Null);
        m.insert("assets".into(), Value::Array(Vec::new()));
    }
    let mut map = Map::new();
    map.insert("config".into(), v.config.clone());
    map.insert("nav".into(), v.nav.clone());
    map.insert("page".into(), page);
    map.insert("current_path".into(), Value::String(p.path.clone()));
    map.insert("current_url".into(), Value::String(p.url.clone()));
    map.insert(
        "current_permalink".into(),
        Value::String(p.permalink.clone()),
    );
    Context::from_value(Value::Object(map)).expect("context")
}

/// (b) typed structs borrowing the site, serialized into the context.
pub fn context_typed(
    site: &Site,
    config: &common::ConfigView<'_>,
    nav: &[common::NavItem<'_>],
    i: usize,
) -> Context {
    let p = &site.pages[i];
    let ctx = common::PageContext {
        config,
        nav,
        page: common::full_page(site, i),
        current_path: &p.path,
        current_url: &p.url,
        current_permalink: &p.permalink,
    };
    Context::from_serialize(&ctx).expect("context")
}
