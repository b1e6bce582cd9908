//! Tera 2.4: (c) values built once and shared behind `Arc` (a `tera::Value` clone of a map,
//! an array or a string longer than 21 bytes is a reference count), and (d) the same typed
//! borrowed structs as Tera 1's (b), through `Context::from_serialize`.

use tera::value::Key;
use tera::{Context, Kwargs, Map, State, Tera, TeraResult, Value};

use crate::common;
use crate::corpus::{Site, SIBLINGS};

/// `get_url(path=…)`; not safe, as zhiku's (its output is escaped).
struct GetUrl(String);
impl tera::Function<TeraResult<String>> for GetUrl {
    fn call(&self, kwargs: Kwargs, _: &State) -> TeraResult<String> {
        let path = kwargs.must_get::<&str>("path")?;
        Ok(common::get_url(&self.0, path))
    }
}

fn escape(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // The same bytes as `common::escape` (Tera 2's own escaper does this too; the point is
    // that both engines run one escaper).
    let mut last = 0;
    let b = s.as_bytes();
    for (i, c) in b.iter().enumerate() {
        let rep: &[u8] = match c {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&b[last..i])?;
        out.write_all(rep)?;
        last = i + 1;
    }
    out.write_all(&b[last..])
}

pub fn engine(site: &Site) -> Tera {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/tera2");
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape);
    tera.register_filter("plaintext", |v: &str, _: Kwargs, _: &State| {
        common::plaintext(v)
    });
    tera.register_filter(
        "truncate",
        |v: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let length = kwargs.get::<usize>("length")?.unwrap_or(255);
            let end = kwargs.get::<&str>("end")?.unwrap_or("…");
            Ok(common::truncate(v, length, end))
        },
    );
    tera.register_filter("chart", |_: &Value, _: Kwargs, _: &State| String::new());
    // Tera 2 has no `date` filter (tera-contrib's needs ICU); the theme only uses it for
    // RFC 3339 dates, which this corpus does not have: a stand-in.
    tera.register_filter("date", |v: &str, _: Kwargs, _: &State| -> String {
        let y = v.get(0..4).unwrap_or("");
        let m: u32 = v.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
        let d: u32 = v.get(8..10).and_then(|d| d.parse().ok()).unwrap_or(0);
        format!("{y}年{m}月{d}日")
    });
    tera.register_test("matching", tera_contrib::regex::Matching::default());
    tera.register_function("get_url", GetUrl(site.config.base_path.clone()));
    let files = [
        "components.html",
        "base.html",
        "page.html",
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
    if let Err(e) = tera.add_raw_templates(list) {
        panic!("Tera 2 templates: {e:?}");
    }
    tera
}

/// Built once per build and shared by every context (the Tera 2 form of zhiku's `Values`).
pub struct Shared {
    pub summaries: Vec<Value>,
    pub page_links: Vec<Value>,
    pub section_links: Vec<Value>,
    pub titles: Vec<Value>,
    pub urls: Vec<Value>,
    pub config: Value,
    pub nav: Value,
}

pub fn shared(site: &Site) -> Shared {
    use rayon::prelude::*;
    let n = site.pages.len();
    Shared {
        summaries: (0..n)
            .into_par_iter()
            .map(|i| Value::from_serializable(&common::summary(site, i)))
            .collect(),
        page_links: (0..n)
            .map(|i| Value::from_serializable(&common::page_link(site, i)))
            .collect(),
        section_links: (0..site.sections.len())
            .map(|s| Value::from_serializable(&common::section_link(site, s)))
            .collect(),
        titles: site
            .pages
            .iter()
            .map(|p| Value::from(p.title.as_str()))
            .collect(),
        urls: site
            .pages
            .iter()
            .map(|p| Value::from(p.url.as_str()))
            .collect(),
        config: Value::from_serializable(&common::config(site)),
        nav: Value::from_serializable(&common::nav(site)),
    }
}

fn k(s: &'static str) -> Key<'static> {
    Key::Str(s)
}

/// (c) the page context from shared values: only the page's own map, its lists and its
/// content are new; every summary, link, title and URL is a reference count.
pub fn context_shared(site: &Site, sh: &Shared, i: usize) -> Context {
    let p = &site.pages[i];
    let mut m: Map = sh.summaries[i].as_map().expect("summary is a map").clone();
    let pick = |list: &[usize], from: &[Value]| -> Value {
        Value::from(
            list.iter()
                .map(|&q| from[q].clone())
                .collect::<Vec<Value>>(),
        )
    };
    m.insert(k("content"), Value::from(p.content.as_str()));
    m.insert(k("toc"), Value::from_serializable(&p.toc));
    m.insert(
        k("ancestors"),
        Value::from(
            site.ancestors(p.section)
                .into_iter()
                .map(|s| sh.section_links[s].clone())
                .collect::<Vec<Value>>(),
        ),
    );
    let back = pick(&site.backlinks[i], &sh.page_links);
    m.insert(k("backlinks"), back.clone());
    m.insert(k("other_backlinks"), back);
    m.insert(k("related"), pick(&site.related[i], &sh.summaries));
    m.insert(
        k("other_related"),
        pick(&site.shown_related[i], &sh.summaries),
    );
    let empty = Value::from(Vec::<Value>::new());
    m.insert(k("quiz"), empty.clone());
    m.insert(k("lessons"), empty.clone());
    m.insert(k("assets"), empty);
    let (prev, next) = site.prev_next[i];
    m.insert(
        k("prev"),
        prev.map(|q| sh.summaries[q].clone())
            .unwrap_or_else(Value::none),
    );
    m.insert(
        k("next"),
        next.map(|q| sh.summaries[q].clone())
            .unwrap_or_else(Value::none),
    );
    let section = &site.sections[p.section];
    let start = Site::siblings_start(site.position[i], section.pages.len());
    let siblings: Vec<Value> = section.pages[start..]
        .iter()
        .take(SIBLINGS)
        .map(|&q| {
            let mut s = Map::default();
            s.insert(k("title"), sh.titles[q].clone());
            s.insert(k("url"), sh.urls[q].clone());
            s.insert(k("current"), Value::from(q == i));
            Value::from(s)
        })
        .collect();
    m.insert(k("siblings"), Value::from(siblings));
    m.insert(k("lesson"), Value::none());
    let mut ctx = Context::new();
    ctx.insert_value("config", sh.config.clone());
    ctx.insert_value("nav", sh.nav.clone());
    ctx.insert_value("page", Value::from(m));
    ctx.insert_value("current_path", Value::from(p.path.as_str()));
    ctx.insert_value("current_url", sh.urls[i].clone());
    ctx.insert_value("current_permalink", Value::from(p.permalink.as_str()));
    ctx
}

/// (d) typed borrowed structs, serialized into a Tera 2 context (nothing shared).
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

/// `page` for (e): the page's own fields borrowed from the site, every other page's summary
/// a shared `tera::Value` (Tera 2's serializer clones a `Value` it meets, an `Arc` count,
/// instead of serializing it again).
#[derive(serde::Serialize)]
struct HybridPage<'a> {
    #[serde(flatten)]
    summary: common::Summary<'a>,
    content: &'a str,
    toc: &'a [crate::corpus::TocEntry],
    ancestors: Vec<&'a Value>,
    backlinks: Vec<&'a Value>,
    related: Vec<&'a Value>,
    other_backlinks: Vec<&'a Value>,
    other_related: Vec<&'a Value>,
    quiz: [(); 0],
    lessons: [(); 0],
    prev: Option<&'a Value>,
    next: Option<&'a Value>,
    siblings: Vec<common::Sibling<'a>>,
    lesson: Option<()>,
    assets: [(); 0],
}

#[derive(serde::Serialize)]
struct HybridContext<'a> {
    config: &'a Value,
    nav: &'a Value,
    page: HybridPage<'a>,
    current_path: &'a str,
    current_url: &'a str,
    current_permalink: &'a str,
}

/// (e) one typed definition (borrowing the site, as (b) and (d)) whose listed summaries,
/// links, `config` and `nav` are the shared values of (c).
pub fn context_hybrid<'a>(site: &'a Site, sh: &'a Shared, i: usize) -> Context {
    let p = &site.pages[i];
    let s = &site.sections[p.section];
    let start = Site::siblings_start(site.position[i], s.pages.len());
    let (prev, next) = site.prev_next[i];
    fn pick<'v>(list: &[usize], from: &'v [Value]) -> Vec<&'v Value> {
        list.iter().map(|&q| &from[q]).collect()
    }
    let page = HybridPage {
        summary: common::summary(site, i),
        content: &p.content,
        toc: &p.toc,
        ancestors: site
            .ancestors(p.section)
            .into_iter()
            .map(|a| &sh.section_links[a])
            .collect(),
        backlinks: pick(&site.backlinks[i], &sh.page_links),
        related: pick(&site.related[i], &sh.summaries),
        other_backlinks: pick(&site.backlinks[i], &sh.page_links),
        other_related: pick(&site.shown_related[i], &sh.summaries),
        quiz: [],
        lessons: [],
        prev: prev.map(|q| &sh.summaries[q]),
        next: next.map(|q| &sh.summaries[q]),
        siblings: s.pages[start..]
            .iter()
            .take(SIBLINGS)
            .map(|&q| common::Sibling {
                current: q == i,
                title: &site.pages[q].title,
                url: &site.pages[q].url,
            })
            .collect(),
        lesson: None,
        assets: [],
    };
    let ctx = HybridContext {
        config: &sh.config,
        nav: &sh.nav,
        page,
        current_path: &p.path,
        current_url: &p.url,
        current_permalink: &p.permalink,
    };
    Context::from_serialize(&ctx).expect("context")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render2(templates: &[(&str, &str)], name: &str) -> String {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.iter().copied())
            .expect("templates");
        tera.render(name, &Context::new()).expect("render")
    }

    fn render1(templates: &[(&str, &str)], name: &str) -> String {
        let mut tera = tera1::Tera::default();
        tera.add_raw_templates(templates.iter().copied())
            .expect("templates");
        tera.render(name, &tera1::Context::new()).expect("render")
    }

    /// The one difference in output (RESULTS.md, "Output"): Tera 2 trims the whitespace
    /// after `-#}` (and before `{#-`), Tera 1 ignores the dashes of comments. Both theme
    /// partials start with such a comment and a newline.
    #[test]
    fn whitespace_after_a_trimming_comment() {
        let out = |p: &str| {
            let t = [("a.html", "[{% include \"p.html\" %}]"), ("p.html", p)];
            (render1(&t, "a.html"), render2(&t, "a.html"))
        };
        assert_eq!(out("{#- c -#}\nx\n"), ("[\nx\n]".into(), "[x\n]".into()));
        assert_eq!(out("{# c #}\nx\n"), ("[\nx\n]".into(), "[\nx\n]".into()));
        // A template's final newline is kept by both.
        assert_eq!(out("x\n"), ("[x\n]".into(), "[x\n]".into()));
    }

    /// `p.0` (Tera 1's index by attribute) is a syntax error in Tera 2 (reported with file,
    /// line and column); the port writes `p[0]`.
    #[test]
    fn index_by_attribute() {
        let t = [("a.html", "{% set p = [7, 8] %}{{ p[0] }}")];
        assert_eq!(render2(&t, "a.html"), "7");
        let mut tera = Tera::default();
        let err = tera
            .add_raw_template("b.html", "{% set p = [7, 8] %}{{ p.0 }}")
            .expect_err("p.0")
            .to_string();
        assert!(err.contains("b.html:1:26"), "{err}");
    }

    /// Tera 2 checks when templates are added what zhiku's `render::refs` checks by hand.
    #[test]
    fn unknown_names_are_errors_when_templates_are_added() {
        for src in [
            "{{ nope() }}",
            "{{ 1 | nope }}",
            "{% include \"missing.html\" %}",
            "{{ <nope/> }}",
        ] {
            let mut tera = Tera::default();
            assert!(tera.add_raw_template("a.html", src).is_err(), "{src}");
        }
        let mut tera = Tera::default();
        let cycle = [
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% include \"a.html\" %}"),
        ];
        assert!(tera.add_raw_templates(cycle).is_err());
    }
}
