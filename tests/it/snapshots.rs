//! Snapshot tests: the whole picture of a few outputs, so that a change shows as a reviewed
//! diff (the snapshots are in tests/snapshots/; `cargo insta review`, or run with
//! `INSTA_UPDATE=always` and review `git diff`).
//!
//! - the bundled site's output plan: every file the build writes and the job that makes it;
//! - a full diagnostic report of a site with several kinds of mistakes;
//! - the template context of a page (what `page.html` sees), from Tera's `__tera_context`.

use crate::common;

use common::Fixture;
use zhiku::build::{self, BuildOptions};
use zhiku::state::State;

#[test]
fn the_bundled_sites_output_plan() {
    let opts = BuildOptions {
        root: common::repo_root(),
        ..Default::default()
    };
    let mut state = State::one_shot();
    let zhiku::diagnostics::Outcome {
        value: prepared,
        diagnostics: diags,
    } = build::prepare(&opts, &mut state);
    let prepared = prepared.unwrap_or_else(|| panic!("{diags:?}"));
    let mut listing = String::new();
    for step in &prepared.graph.plan.steps {
        let job = format!("{:?}", step.job);
        if step.outputs.is_empty() {
            listing.push_str(&format!("(files chosen while writing)  ← {job}\n"));
        }
        for o in &step.outputs {
            listing.push_str(&format!("{}  ← {job} [{}]\n", o.path, o.by));
        }
    }
    insta::assert_snapshot!("bundled_output_plan", listing);
}

#[test]
fn a_full_diagnostic_report() {
    let f = Fixture::new(&[
        (
            "content/cases/_index.md",
            "---\ntitle: 案例库\npaginate_by: 两个\n---\n",
        ),
        (
            "content/cases/a.md",
            "---\ntitle: 天津案例\ndate: 2023-13-01\ntags: [党建]\n---\n见[不存在的页面](missing.md)。\n",
        ),
        (
            "content/cases/b.md",
            "---\ntitle: 孝义案例\ntemplate: pgae.html\naliases: [/cases/a/]\n---\n正文。\n",
        ),
        ("content/c.md", "---\ntitle: [未闭合\n---\n正文\n"),
    ]);
    let opts = BuildOptions {
        root: f.root().to_path_buf(),
        ..Default::default()
    };
    let zhiku::diagnostics::Outcome {
        value: prepared,
        diagnostics: diags,
    } = build::prepare(&opts, &mut State::one_shot());
    assert!(prepared.is_none(), "a site with errors is not prepared");
    let report = zhiku::diagnostics::render_plain(&diags, f.root());
    insta::assert_snapshot!("diagnostic_report", report);
}

#[test]
fn the_template_context_of_a_page() {
    let f = Fixture::new(&[
        (
            "site.toml",
            "title = \"测试站点\"\nbase_url = \"https://example.org/kb/\"\n",
        ),
        ("templates/page.html", "{{ __tera_context }}"),
        (
            "content/cases/_index.md",
            "---\ntitle: 案例库\n---\n",
        ),
        (
            "content/cases/tianjin.md",
            "---\ntitle: 天津：两新组织党建\ndate: 2023-06\ntags: [组织覆盖]\nregions: [天津市]\n---\n## 背景\n\n天津市**两新组织**党建工作。见[孝义](xiaoyi.md#做法)。\n",
        ),
        (
            "content/cases/xiaoyi.md",
            "---\ntitle: 孝义：三同步\ndate: 2022\n---\n## 做法\n\n同步建立。\n",
        ),
    ]);
    f.build(&[]).expect_code(0);
    let html = f.read("cases/tianjin/index.html");
    // Tera prints the context as pretty JSON (escaped for HTML); the build machine's paths
    // and the file's modification time are not part of it.
    let json = html
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x27;", "'");
    let value: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    insta::assert_snapshot!(
        "page_context",
        serde_json::to_string_pretty(&value).unwrap()
    );
}

/// Every import points down the pipeline: no two top-level modules of `src/` import each
/// other, directly or through others (doc comments do not count).
#[test]
fn module_imports_have_no_cycles() {
    use std::collections::{BTreeMap, BTreeSet};
    let src = common::repo_root().join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = entry.path().strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for part in line.split("crate::").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    graph.entry(module.clone()).or_default().insert(name);
                }
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == m) {
            panic!("import cycle: {} -> {m}", path[i..].join(" -> "));
        }
        if done.contains(m) {
            return;
        }
        path.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
    assert!(graph.contains_key("render") && graph["render"].contains("resolve"));
}
