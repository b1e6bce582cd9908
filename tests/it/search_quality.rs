//! Search quality on the bundled site: the queries of `tests/fixtures/search_queries.json`,
//! with the true set of each computed here from the content files (front matter and
//! Markdown, read on their own, not through zhiku's index), run through the search page's
//! engine in headless Chromium. zhiku must return exactly the true set of every query
//! (precision and recall 1.0), nothing at all for words that occur nowhere.
//!
//! `compare_with_pagefind` (ignored; run by `benches/pagefind.sh`) runs the same queries
//! through Pagefind over the same documents and prints both engines side by side.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::browser::Browser;
use common::http::StaticServer;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use zhiku::search::tokenize::{fold, without_separators};

#[derive(Debug, serde::Deserialize)]
struct QueryFile {
    queries: Vec<Query>,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct Query {
    q: String,
    cat: String,
    /// The words the query means, when not its space-separated parts.
    #[serde(default)]
    all: Option<Vec<String>>,
}

fn queries() -> Vec<Query> {
    let path = common::repo_root().join("tests/fixtures/search_queries.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let f: QueryFile = serde_json::from_str(&text).unwrap();
    f.queries
}

// ---- Ground truth from the content files ---------------------------------------------------

/// A searchable document as the reader sees it: its URL path, title and every piece of text
/// the page shows (title, section names, taxonomy terms, summary, each block of the body,
/// figures, source), each normalised.
#[derive(Debug)]
struct TruthDoc {
    path: String,
    title: String,
    fields: Vec<String>,
}

/// Folded (Traditional → Simplified, full width → ASCII, lower case), thousands separators
/// removed: the sense in which a page "has" a word.
fn norm(s: &str) -> String {
    without_separators(&fold(s))
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !(zhiku::cjk::is_cjk(c))
}

/// Does `needle` (normalised) occur in `hay` as written? A word or number does not start
/// inside a longer one, and a number does not end inside a longer one (18 is not in 118 or
/// 18.5 or 18%).
fn occurs(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let starts_word = needle.chars().next().is_some_and(is_word);
    let ends_digit = needle.chars().last().is_some_and(|c| c.is_ascii_digit());
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle).map(|i| i + from) {
        from = i + needle.chars().next().map_or(1, char::len_utf8);
        if starts_word && hay[..i].chars().last().is_some_and(is_word) {
            continue;
        }
        if ends_digit {
            let mut after = hay[i + needle.len()..].chars();
            let (a, b) = (after.next(), after.next());
            if a.is_some_and(|c| c.is_ascii_digit())
                || a == Some('%')
                || (a == Some('.') && b.is_some_and(|c| c.is_ascii_digit()))
            {
                continue;
            }
        }
        return true;
    }
    false
}

fn yaml_str(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.trim().to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// Blocks of Markdown text: paragraphs, headings, list items, table cells, code blocks.
fn markdown_blocks(body: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut cur = String::new();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut pending_break = false;
    for e in Parser::new_ext(body, opts) {
        match e {
            Event::Text(t) | Event::Code(t) => {
                if pending_break {
                    // A line break inside a paragraph: nothing between CJK text, a space
                    // between Latin words.
                    let prev = cur.chars().last();
                    let next = t.chars().next();
                    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                    if latin(prev) && latin(next) {
                        cur.push(' ');
                    }
                    pending_break = false;
                }
                cur.push_str(&t.replace("**", ""));
            }
            Event::SoftBreak => pending_break = true,
            Event::HardBreak => {
                blocks.push(std::mem::take(&mut cur));
                pending_break = false;
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock,
            )
            | Event::Start(Tag::Item | Tag::Paragraph | Tag::TableCell) => {
                blocks.push(std::mem::take(&mut cur));
                pending_break = false;
            }
            _ => {}
        }
    }
    blocks.push(cur);
    blocks.retain(|b| !b.trim().is_empty());
    blocks
}

/// Front matter and body of a content file.
fn split(text: &str) -> (serde_yaml::Value, String) {
    let rest = text.strip_prefix("---\n").unwrap_or(text);
    match rest.find("\n---\n") {
        Some(end) => (
            serde_yaml::from_str(&rest[..end]).unwrap_or(serde_yaml::Value::Null),
            rest[end + 5..].to_string(),
        ),
        None => (serde_yaml::Value::Null, text.to_string()),
    }
}

fn truth_docs(root: &Path) -> Vec<TruthDoc> {
    let content = root.join("content");
    let taxonomies = ["tags", "regions", "org_types"];
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    // Section titles by directory.
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    for f in &files {
        if f.file_name().is_some_and(|n| n == "_index.md") {
            let rel = f.parent().unwrap().strip_prefix(&content).unwrap();
            let (fm, _) = split(&std::fs::read_to_string(f).unwrap());
            titles.insert(
                rel.to_string_lossy().replace('\\', "/"),
                yaml_str(&fm["title"]),
            );
        }
    }
    let trail = |dir: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut acc = String::new();
        for seg in dir.split('/').filter(|s| !s.is_empty()) {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(seg);
            out.push(titles.get(&acc).cloned().unwrap_or_default());
        }
        out
    };
    let mut docs = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&content)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let (fm, body) = split(&std::fs::read_to_string(f).unwrap());
        if fm["draft"].as_bool() == Some(true) {
            continue;
        }
        let is_section = rel.ends_with("_index.md");
        let dir = rel.rsplit_once('/').map_or("", |x| x.0).to_string();
        let path = if is_section {
            if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            }
        } else {
            format!("{}/", rel.trim_end_matches(".md"))
        };
        let blocks = markdown_blocks(&body);
        if is_section && blocks.is_empty() {
            continue;
        }
        let title = yaml_str(&fm["title"]);
        let mut fields = vec![title.clone()];
        let parent = if is_section {
            dir.rsplit_once('/').map_or("", |x| x.0).to_string()
        } else {
            dir.clone()
        };
        fields.extend(trail(&parent));
        for t in taxonomies {
            if let Some(list) = fm[t].as_sequence() {
                fields.extend(list.iter().map(yaml_str));
            }
        }
        for k in ["summary", "description"] {
            fields.push(yaml_str(&fm[k]));
        }
        fields.extend(blocks);
        // The figures and the source, as the page shows them.
        if let Some(figs) = fm["extra"]["figures"].as_sequence() {
            fields.push("数据一览".into());
            for fig in figs {
                let unit = yaml_str(&fig["unit"]);
                fields.push(format!("{}（单位：{unit}）", yaml_str(&fig["title"])));
                for row in fig["data"].as_sequence().into_iter().flatten() {
                    fields.push(format!(
                        "{} {}{unit}",
                        yaml_str(&row["label"]),
                        yaml_str(&row["value"])
                    ));
                }
            }
        }
        let src = &fm["source"];
        if src.is_mapping() {
            fields.push("资料来源".into());
            let mut line = String::new();
            let author = yaml_str(&src["author"]);
            if !author.is_empty() {
                line.push_str(&format!("{author}："));
            }
            let t = yaml_str(&src["title"]);
            line.push_str(&if t.is_empty() {
                "文章（原文未署标题）".to_string()
            } else {
                format!("《{t}》")
            });
            let p = yaml_str(&src["publication"]);
            if !p.is_empty() {
                line.push_str(&format!("，{p}"));
            }
            line.push_str(&yaml_str(&src["issue"]));
            fields.push(line);
        }
        docs.push(TruthDoc {
            path,
            title: norm(&title),
            fields: fields
                .iter()
                .map(|f| norm(&f.split_whitespace().collect::<Vec<_>>().join(" ")))
                .collect(),
        });
    }
    docs
}

/// The words of a query: its `all`, or its space-separated parts, normalised.
fn words(q: &Query) -> Vec<String> {
    match &q.all {
        Some(all) => all.iter().map(|w| norm(w)).collect(),
        None => norm(&q.q).split_whitespace().map(String::from).collect(),
    }
}

fn truth(docs: &[TruthDoc], q: &Query) -> BTreeSet<String> {
    let words = words(q);
    docs.iter()
        .filter(|d| words.iter().all(|w| d.fields.iter().any(|f| occurs(f, w))))
        .map(|d| d.path.clone())
        .collect()
}

/// The pages a top result should be: the true pages with the query in their title, if any;
/// otherwise any true page.
fn ideal_top(docs: &[TruthDoc], q: &Query, truth: &BTreeSet<String>) -> BTreeSet<String> {
    let words = words(q);
    let titled: BTreeSet<String> = docs
        .iter()
        .filter(|d| truth.contains(&d.path) && words.iter().all(|w| occurs(&d.title, w)))
        .map(|d| d.path.clone())
        .collect();
    if titled.is_empty() {
        truth.clone()
    } else {
        titled
    }
}

// ---- Scoring -------------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct Score {
    n: usize,
    precision: f64,
    recall: f64,
    top1: f64,
}

impl Score {
    fn add(&mut self, results: &[String], truth: &BTreeSet<String>, ideal: &BTreeSet<String>) {
        let got: BTreeSet<&String> = results.iter().collect();
        let hit = got.iter().filter(|r| truth.contains(**r)).count();
        self.precision += if got.is_empty() {
            1.0
        } else {
            hit as f64 / got.len() as f64
        };
        self.recall += if truth.is_empty() {
            1.0
        } else {
            hit as f64 / truth.len() as f64
        };
        self.top1 += match results.first() {
            None => f64::from(u8::from(truth.is_empty())),
            Some(r) => f64::from(u8::from(ideal.contains(r))),
        };
        self.n += 1;
    }
    fn mean(&self) -> (f64, f64, f64) {
        let n = self.n.max(1) as f64;
        (self.precision / n, self.recall / n, self.top1 / n)
    }
}

fn build_bundled(out: &Path) {
    common::zhiku()
        .args(["build", "--root"])
        .arg(common::repo_root())
        .arg("--output")
        .arg(out)
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(0);
}

/// Every query through zhiku's engine (all results, checked): query → result paths.
async fn zhiku_results(b: &Browser, qs: &[Query]) -> Vec<Vec<String>> {
    b.wait_for("return !!window.__zhikuSearchUI", 10).await;
    let mut out = Vec::new();
    for q in qs {
        let v = b
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.__zhikuSearchUI.searchAll(arguments[0]).then(r => done(r.paths), e => done('error: ' + e));",
                vec![serde_json::json!(q.q)],
            )
            .await
            .unwrap();
        let paths: Vec<String> =
            serde_json::from_value(v.clone()).unwrap_or_else(|_| panic!("{}: {v}", q.q));
        out.push(paths);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn precision_and_recall_on_the_query_set() {
    let qs = queries();
    assert!(qs.len() >= 60, "{} queries", qs.len());
    let docs = truth_docs(&common::repo_root());
    assert!(docs.len() >= 30, "{} documents", docs.len());
    // The set means what it says: absent words occur nowhere; for "scattered" queries every
    // character occurs somewhere but never the word; other queries have pages.
    for q in &qs {
        let t = truth(&docs, q);
        match q.cat.as_str() {
            "absent" | "scattered" => assert!(t.is_empty(), "{}: {t:?}", q.q),
            "unspaced" => {
                // Never written as typed, but its words (`all`) are on some pages.
                let whole = norm(&q.q);
                assert!(
                    q.all.is_some()
                        && !docs
                            .iter()
                            .any(|d| d.fields.iter().any(|f| occurs(f, &whole))),
                    "{}: written as typed, or no `all`",
                    q.q
                );
                assert!(!t.is_empty(), "{}: no page has {:?}", q.q, q.all);
            }
            _ => assert!(!t.is_empty(), "{}: no page has it", q.q),
        }
        if q.cat == "scattered" {
            for c in norm(&q.q).chars() {
                assert!(
                    docs.iter().any(|d| d.fields.iter().any(|f| f.contains(c))),
                    "{}: {c} occurs nowhere",
                    q.q
                );
            }
        }
    }

    let tmp = tempfile::tempdir().unwrap();
    build_bundled(&tmp.path().join("site"));
    let server = StaticServer::start(&tmp.path().join("site"));
    let b = Browser::start().await;
    b.client.goto(&server.url("/search/")).await.unwrap();
    let results = zhiku_results(&b, &qs).await;
    b.close().await;

    let mut by_cat: BTreeMap<String, Score> = BTreeMap::new();
    let mut total = Score::default();
    let mut wrong = Vec::new();
    for (q, r) in qs.iter().zip(&results) {
        let t = truth(&docs, q);
        let ideal = ideal_top(&docs, q, &t);
        by_cat.entry(q.cat.clone()).or_default().add(r, &t, &ideal);
        total.add(r, &t, &ideal);
        let got: BTreeSet<String> = r.iter().cloned().collect();
        if got != t {
            wrong.push(format!(
                "{} ({}): extra {:?}, missing {:?}",
                q.q,
                q.cat,
                got.difference(&t).collect::<Vec<_>>(),
                t.difference(&got).collect::<Vec<_>>()
            ));
        }
    }
    println!("category | queries | precision | recall | top-1");
    for (c, s) in by_cat.iter().chain([(&"all".to_string(), &total)]) {
        let (p, r, t) = s.mean();
        println!("{c} | {} | {p:.3} | {r:.3} | {t:.3}", s.n);
    }
    assert!(
        wrong.is_empty(),
        "results differ from the truth:\n{}",
        wrong.join("\n")
    );
    let (p, r, top1) = total.mean();
    assert_eq!((p, r), (1.0, 1.0));
    assert!(top1 >= 0.9, "top-1 {top1}");
}

// ---- Pagefind, side by side ------------------------------------------------------------------

/// Bytes of every file under `dir`.
fn dir_bytes(dir: &Path) -> (u64, usize) {
    let mut total = 0;
    let mut n = 0;
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if e.file_type().is_file() {
            total += e.metadata().map(|m| m.len()).unwrap_or(0);
            n += 1;
        }
    }
    (total, n)
}

/// A static server like `common::http` that also counts the bytes it sends by path, and
/// forbids caching, so that every page load fetches what it needs (Pagefind fetches from a
/// web worker, which the page's Resource Timing does not see).
struct CountingServer {
    port: u16,
    sent: std::sync::Arc<std::sync::Mutex<Vec<(String, usize)>>>,
}

impl CountingServer {
    fn start(dir: &Path) -> CountingServer {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (dir, log) = (dir.to_path_buf(), sent.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (dir, log) = (dir.clone(), log.clone());
                std::thread::spawn(move || {
                    let mut stream = stream;
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                            break;
                        }
                    }
                    let raw = line.split_whitespace().nth(1).unwrap_or("/");
                    let path = common::http_decode(raw.split(['?', '#']).next().unwrap_or("/"));
                    let mut file = dir.join(path.trim_start_matches('/'));
                    if path.contains("..") {
                        file = dir.join("__nope__");
                    }
                    if file.is_dir() {
                        file = file.join("index.html");
                    }
                    let body = std::fs::read(&file).unwrap_or_default();
                    let ct = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
                        "html" => "text/html; charset=utf-8",
                        "css" => "text/css",
                        "js" => "text/javascript; charset=utf-8",
                        "json" => "application/json",
                        "wasm" => "application/wasm",
                        _ => "application/octet-stream",
                    };
                    let status = if file.is_file() {
                        "200 OK"
                    } else {
                        "404 Not Found"
                    };
                    let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n", body.len());
                    let _ = stream.write_all(&body);
                    log.lock().unwrap().push((path, body.len()));
                });
            }
        });
        CountingServer { port, sent }
    }
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
    fn reset(&self) {
        self.sent.lock().unwrap().clear();
    }
    /// Bytes sent for paths starting with one of `prefixes`.
    fn bytes(&self, prefixes: &[&str]) -> f64 {
        let sent = self.sent.lock().unwrap();
        sent.iter()
            .filter(|(p, _)| prefixes.iter().any(|x| p.starts_with(x)))
            .map(|(_, n)| *n as f64)
            .sum()
    }
}

/// Needs Pagefind 1.6.0 installed with npm in `PAGEFIND_DIR` (see `benches/pagefind.sh`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs `npm install pagefind@1.6.0`; run benches/pagefind.sh"]
async fn compare_with_pagefind() {
    let pf_dir = PathBuf::from(
        std::env::var("PAGEFIND_DIR")
            .expect("PAGEFIND_DIR: a directory with node_modules/pagefind"),
    );
    let qs = queries();
    let docs = truth_docs(&common::repo_root());
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build_bundled(&site);
    // Pagefind gets the same documents zhiku indexes (title, section, terms, text), as
    // custom records: the script reads them from zhiku's document files.
    let script = common::repo_root().join("benches/pagefind/index.mjs");
    let out = std::process::Command::new("node")
        .arg(&script)
        .arg(&site)
        .env("NODE_PATH", pf_dir.join("node_modules"))
        .current_dir(&pf_dir)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "pagefind indexing failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = StaticServer::start(&site);
    let b = Browser::start().await;
    b.client.goto(&server.url("/search/")).await.unwrap();
    let zr = zhiku_results(&b, &qs).await;
    let mut pr = Vec::new();
    for q in &qs {
        let v = b
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 (window.__pf || (window.__pf = import('/pagefind/pagefind.js')))
                   .then(pf => pf.search(arguments[0]))
                   .then(r => Promise.all(r.results.map(x => x.data())))
                   .then(ds => done(ds.map(d => d.url.replace(/^\\//, ''))), e => done('error: ' + e));",
                vec![serde_json::json!(q.q)],
            )
            .await
            .unwrap();
        let paths: Vec<String> =
            serde_json::from_value(v.clone()).unwrap_or_else(|_| panic!("{}: {v}", q.q));
        pr.push(paths);
    }
    // Bytes loaded by a first query: a fresh page, one query, its first page of results
    // (zhiku: the search page until its results are shown; Pagefind: search() and the data
    // of the first 10 results), everything each engine fetched, its scripts and Pagefind's
    // WebAssembly included, counted by the server, nothing cached.
    let counting = CountingServer::start(&site);
    let mut zb = Vec::new();
    let mut pb = Vec::new();
    for q in qs.iter().filter(|q| q.cat != "absent").take(40) {
        let enc: String =
            q.q.bytes()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        (c as char).to_string()
                    } else {
                        format!("%{c:02X}")
                    }
                })
                .collect();
        counting.reset();
        b.client
            .goto(&counting.url(&format!("/search/?q={enc}")))
            .await
            .unwrap();
        b.wait_for(
            "return document.querySelector('form[data-zhiku-search=page]').getAttribute('data-state')",
            20,
        )
        .await;
        zb.push(counting.bytes(&[
            "/search/s",
            "/search/d",
            "/search/m",
            "/search/f",
            "/js/search.",
        ]));
        b.client.goto(&counting.url("/404.html")).await.unwrap();
        counting.reset();
        let v = b
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 import('/pagefind/pagefind.js')
                   .then(pf => pf.search(arguments[0]))
                   .then(r => Promise.all(r.results.slice(0, 10).map(x => x.data())))
                   .then(r => done(r.length), e => done(-1));",
                vec![serde_json::json!(q.q)],
            )
            .await
            .unwrap();
        assert!(v.as_i64().unwrap_or(-1) >= 0, "{}: pagefind failed", q.q);
        pb.push(counting.bytes(&["/pagefind/"]));
    }
    b.close().await;

    let mut zs: BTreeMap<String, Score> = BTreeMap::new();
    let mut ps: BTreeMap<String, Score> = BTreeMap::new();
    let (mut zt, mut pt) = (Score::default(), Score::default());
    for ((q, z), p) in qs.iter().zip(&zr).zip(&pr) {
        let t = truth(&docs, q);
        let ideal = ideal_top(&docs, q, &t);
        zs.entry(q.cat.clone()).or_default().add(z, &t, &ideal);
        ps.entry(q.cat.clone()).or_default().add(p, &t, &ideal);
        zt.add(z, &t, &ideal);
        pt.add(p, &t, &ideal);
    }
    // Index data (what is built from the documents) and the scripts a query runs.
    let (zall, zfiles) = dir_bytes(&site.join("search"));
    let zpage = std::fs::metadata(site.join("search/index.html")).map_or(0, |m| m.len());
    let (zsize, zfiles) = (zall - zpage, zfiles - 1);
    let zjs: u64 = std::fs::read_dir(site.join("js"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("search."))
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum();
    let pf = site.join("pagefind");
    let (pfrag, nfrag) = dir_bytes(&pf.join("fragment"));
    let (pidx, nidx) = dir_bytes(&pf.join("index"));
    let mut pmeta = 0;
    let mut pjs = 0;
    for e in std::fs::read_dir(&pf).unwrap().filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().to_string();
        let len = e.metadata().map_or(0, |m| m.len());
        if name.ends_with(".pf_meta") || name == "pagefind-entry.json" {
            pmeta += len;
        } else if name == "pagefind.js" || name == "pagefind-worker.js" || name.starts_with("wasm.")
        {
            pjs += len;
        }
    }
    let (psize, pfiles) = (pfrag + pidx + pmeta, nfrag + nidx + 2);
    let range = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        let med = v.get(v.len() / 2).copied().unwrap_or(0.0);
        format!(
            "{:.0}–{:.0} KB (median {:.0})",
            v.first().unwrap_or(&0.0) / 1024.0,
            v.last().unwrap_or(&0.0) / 1024.0,
            med / 1024.0
        )
    };
    println!("\n| queries ({}) | zhiku precision / recall / top-1 | Pagefind 1.6.0 precision / recall / top-1 |", qs.len());
    println!("|---|---|---|");
    for ((c, z), (_, p)) in zs
        .iter()
        .chain([(&"all".to_string(), &zt)])
        .zip(ps.iter().chain([(&"all".to_string(), &pt)]))
    {
        let (a, b2, c2) = z.mean();
        let (d, e, f) = p.mean();
        println!(
            "| {c} ({}) | {a:.2} / {b2:.2} / {c2:.2} | {d:.2} / {e:.2} / {f:.2} |",
            z.n
        );
    }
    println!(
        "| index data | {:.1} KB in {zfiles} files (plain JavaScript) | {:.1} KB in {pfiles} files (gzip-compressed) |",
        zsize as f64 / 1024.0,
        psize as f64 / 1024.0
    );
    println!(
        "| search script | {:.1} KB (search.js) | {:.1} KB (pagefind.js, worker, WebAssembly) |",
        zjs as f64 / 1024.0,
        pjs as f64 / 1024.0
    );
    println!(
        "| loaded by a first query (page of results) | {} | {} |",
        range(&zb),
        range(&pb)
    );
    // Where they differ, for the record.
    for ((q, z), p) in qs.iter().zip(&zr).zip(&pr) {
        let t = truth(&docs, q);
        let zset: BTreeSet<&String> = z.iter().collect();
        let pset: BTreeSet<&String> = p.iter().collect();
        let tset: BTreeSet<&String> = t.iter().collect();
        if pset != tset || zset != tset {
            println!(
                "  {} [{}]: truth {}, zhiku {} ({} right), pagefind {} ({} right)",
                q.q,
                q.cat,
                t.len(),
                z.len(),
                z.iter().filter(|x| t.contains(*x)).count(),
                p.len(),
                p.iter().filter(|x| t.contains(*x)).count()
            );
        }
    }
}

/// Gzip-compressed size of `file` (what a server that compresses would send): `gzip -9`.
fn gzip_size(file: &Path) -> u64 {
    let out = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .arg(file)
        .output()
        .expect("run gzip");
    out.stdout.len() as u64
}

/// First-query bytes at scale, both engines in headless Chromium over one big build:
/// `ZHIKU_COMPARE_SITE` is a zhiku build's output (e.g. of 10,000 pages of
/// `gen_corpus.py`, built with the release binary); Pagefind 1.6.0 (`PAGEFIND_DIR`) indexes
/// the same documents into it. For each query (the query set's that are not absent words),
/// a fresh page and one query with its first page of results, nothing cached: the bytes
/// sent, as stored (zhiku plain JavaScript, Pagefind gzip-compressed) and for zhiku also as
/// gzip-compressed (what a server that compresses sends). Run by benches/pagefind.sh
/// `--scale DIR`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a big zhiku build and `npm install pagefind@1.6.0`; run benches/pagefind.sh --scale"]
async fn first_query_bytes_at_scale() {
    let pf_dir = PathBuf::from(
        std::env::var("PAGEFIND_DIR")
            .expect("PAGEFIND_DIR: a directory with node_modules/pagefind"),
    );
    let site = PathBuf::from(std::env::var("ZHIKU_COMPARE_SITE").expect("ZHIKU_COMPARE_SITE"));
    if !site.join("pagefind/pagefind.js").is_file() {
        let t = std::time::Instant::now();
        let out = std::process::Command::new("node")
            .arg(common::repo_root().join("benches/pagefind/index.mjs"))
            .arg(&site)
            .current_dir(&pf_dir)
            .output()
            .expect("run node");
        assert!(
            out.status.success(),
            "pagefind indexing failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        println!("pagefind indexed in {:.1} s", t.elapsed().as_secs_f64());
    }
    let qs: Vec<Query> = queries()
        .into_iter()
        .filter(|q| q.cat != "absent")
        .collect();
    let counting = CountingServer::start(&site);
    let b = Browser::start().await;
    let (mut zraw, mut zgz, mut praw) = (Vec::new(), Vec::new(), Vec::new());
    let mut gz_cache: BTreeMap<String, u64> = BTreeMap::new();
    for q in &qs {
        counting.reset();
        b.client
            .goto(&counting.url(&format!(
                "/search/?q={}",
                q.q.bytes().map(|c| format!("%{c:02X}")).collect::<String>()
            )))
            .await
            .unwrap();
        b.wait_for(
            "return document.querySelector('form[data-zhiku-search=page]').getAttribute('data-state')",
            60,
        )
        .await;
        let prefixes = [
            "/search/s",
            "/search/d",
            "/search/m",
            "/search/f",
            "/js/search.",
        ];
        zraw.push(counting.bytes(&prefixes));
        let sent: Vec<String> = counting
            .sent
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| prefixes.iter().any(|x| p.starts_with(x)))
            .map(|(p, _)| p.clone())
            .collect();
        zgz.push(
            sent.iter()
                .map(|p| {
                    *gz_cache
                        .entry(p.clone())
                        .or_insert_with(|| gzip_size(&site.join(p.trim_start_matches('/'))))
                        as f64
                })
                .sum::<f64>(),
        );
        b.client.goto(&counting.url("/404.html")).await.unwrap();
        counting.reset();
        let v = b
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 import('/pagefind/pagefind.js')
                   .then(pf => pf.search(arguments[0]))
                   .then(r => Promise.all(r.results.slice(0, 10).map(x => x.data())))
                   .then(r => done(r.length), e => done(-1));",
                vec![serde_json::json!(q.q)],
            )
            .await
            .unwrap();
        assert!(v.as_i64().unwrap_or(-1) >= 0, "{}: pagefind failed", q.q);
        praw.push(counting.bytes(&["/pagefind/"]));
    }
    b.close().await;
    let stats = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        let med = v.get(v.len() / 2).copied().unwrap_or(0.0);
        format!(
            "{:.0}–{:.0} KB (median {:.0})",
            v.first().unwrap_or(&0.0) / 1024.0,
            v.last().unwrap_or(&0.0) / 1024.0,
            med / 1024.0
        )
    };
    let mut heavy: Vec<(f64, &str)> = zraw
        .iter()
        .copied()
        .zip(qs.iter().map(|q| q.q.as_str()))
        .collect();
    heavy.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (n, q) in heavy.iter().take(8) {
        println!("zhiku heaviest: {q} {:.0} KB", n / 1024.0);
    }
    let (zall, zfiles) = dir_bytes(&site.join("search"));
    let (pall, pfiles) = dir_bytes(&site.join("pagefind"));
    println!(
        "\n| {} queries, first query | zhiku | Pagefind 1.6.0 |",
        qs.len()
    );
    println!("|---|---|---|");
    println!(
        "| bytes loaded, as stored | {} (plain JavaScript) | {} (gzip-compressed files) |",
        stats(&zraw),
        stats(&praw)
    );
    println!(
        "| bytes loaded, gzip-compressed | {} | {} (already compressed) |",
        stats(&zgz),
        stats(&praw)
    );
    println!(
        "| index on disk | {:.1} MB in {zfiles} files | {:.1} MB in {pfiles} files |",
        zall as f64 / 1e6,
        pall as f64 / 1e6
    );
}
