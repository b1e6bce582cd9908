//! Search benchmark (not a test): index build time, index size, bytes one query loads and
//! first-query time in headless Chromium, on a generated Chinese site.
//!
//! ```text
//! cargo bench --bench search                       # 10,000 pages
//! ZHIKU_BENCH_PAGES=2000 cargo bench --bench search
//! ZHIKU_BENCH_KEEP=/tmp/big cargo bench --bench search   # keep the generated site there
//! ZHIKU_BENCH_SITE=. cargo bench --bench search          # an existing site (the bundled one)
//! ZHIKU_BENCH_INDEX_ONLY=1 cargo bench --bench search     # no whole build, no browser
//! ZHIKU_BENCH_EDITS=30 cargo bench --bench search         # rounds of cached rebuilds
//! ```
//!
//! The generator is deliberately small: pages are recombined from the sentences of the
//! bundled knowledge base (`content/`), with generated place names, numbers and years mixed
//! in, in 20 sections with front matter (title, date, tags, regions, org_types) and
//! `##` headings. That gives realistic Chinese text (≈1,200 characters a page) but a smaller
//! vocabulary than 10,000 real documents: fewer distinct tokens, longer postings. It is not
//! the official corpus generator.

#[path = "../tests/common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// A small deterministic PRNG (xorshift64*), so every run generates the same site.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const PROVINCES: &[&str] = &[
    "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北",
    "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "广西", "宁夏", "新疆",
];
const PLACE_A: &[&str] = &[
    "东", "西", "南", "北", "长", "安", "平", "宁", "清", "新", "永", "兴", "富", "丰", "华", "和",
    "光", "明", "泰", "顺", "龙", "凤", "金", "石", "白", "青", "红", "阳", "高", "临",
];
const PLACE_B: &[&str] = &[
    "山", "河", "城", "江", "湖", "川", "林", "原", "台", "桥", "坪", "沟", "湾", "岭", "州", "阳",
    "口", "泉", "塘", "溪",
];
const PLACE_KIND: &[&str] = &["县", "区", "市", "镇", "街道", "社区", "村"];
const TOPICS: &[&str] = &[
    "党组织覆盖",
    "党员发展",
    "党员教育管理",
    "组织生活",
    "书记队伍建设",
    "阵地建设",
    "政治引领",
    "党建工作机制",
    "社区治理",
    "志愿服务",
    "党员议事会",
    "党建品牌",
    "两新组织",
    "商会党建",
    "网格化管理",
    "党群服务中心",
    "基层减负",
    "乡村振兴",
    "流动党员",
    "党费收缴",
];
const ORG_TYPES: &[&str] = &[
    "社会组织",
    "社区",
    "农村",
    "机关",
    "国有企业",
    "非公企业",
    "学校",
];
const HEADINGS: &[&str] = &[
    "背景",
    "主要做法",
    "工作成效",
    "存在问题",
    "经验启示",
    "下一步打算",
    "典型案例",
    "数据分析",
    "组织保障",
    "制度建设",
    "讨论题",
    "延伸阅读",
];
const SECTIONS: &[&str] = &[
    "案例库",
    "经验交流",
    "工作动态",
    "理论学习",
    "政策解读",
    "典型事迹",
    "调研报告",
    "培训课程",
    "制度文件",
    "问答",
    "数据年报",
    "书记讲党课",
    "支部工作法",
    "乡村振兴",
    "城市基层",
    "两新党建",
    "机关党建",
    "国企党建",
    "高校党建",
    "志愿服务",
];

/// Sentences of the bundled knowledge base (the Markdown bodies, markup stripped roughly).
fn sentence_pool() -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(common::repo_root().join("content"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
    {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        let body = text.splitn(3, "---\n").nth(2).unwrap_or(&text);
        for line in body.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.starts_with('|') || line.starts_with('>') {
                continue;
            }
            let mut clean = String::new();
            let mut in_link_target = false;
            for c in line.chars() {
                match c {
                    '(' if clean.ends_with(']') => in_link_target = true,
                    ')' if in_link_target => in_link_target = false,
                    _ if in_link_target => {}
                    '[' | ']' | '*' | '`' | '-' => {}
                    _ => clean.push(c),
                }
            }
            for s in clean.split_inclusive(['。', '！', '？']) {
                let s = s.trim();
                if s.chars().count() >= 12 {
                    out.push(s.to_string());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn place(rng: &mut Rng) -> String {
    format!(
        "{}{}{}{}",
        rng.pick(PROVINCES),
        rng.pick(PLACE_A),
        rng.pick(PLACE_B),
        rng.pick(PLACE_KIND)
    )
}

/// A sentence with its numbers replaced by new ones and, sometimes, a generated place.
fn vary(s: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut in_num = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !in_num {
                let _ = write!(out, "{}", 1 + rng.below(2000));
            }
            in_num = true;
        } else {
            in_num = false;
            out.push(c);
        }
    }
    if rng.below(3) == 0 {
        out = format!("{}{}", place(rng), out);
    }
    out
}

/// Section directories: the first is `cases` (the default theme's home page lists it).
fn section_dir(k: usize) -> String {
    if k == 0 {
        "cases".into()
    } else {
        format!("s{k:02}")
    }
}

/// Write a site of `n` pages into `root`.
pub fn generate(root: &Path, n: usize) -> usize {
    let pool = sentence_pool();
    assert!(
        pool.len() > 200,
        "the bundled content provides the sentences"
    );
    let mut rng = Rng(0x5eed_2024_0a0b_0c0d);
    let content = root.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"知库基准站点\"\nbase_url = \"/\"\n",
    )
    .unwrap();
    std::fs::write(
        content.join("_index.md"),
        "---\ntitle: 知库基准站点\n---\n生成的一万篇基层党建文章。\n",
    )
    .unwrap();
    // The default theme's header builds its navigation with `get_section(path="_index.md")`,
    // whose value holds every page of every section: rendering is then quadratic in the
    // number of pages (1,000 pages: 28 s instead of 1.1 s). Until that is fixed, the generated
    // site overrides base.html with a static navigation so that the build finishes.
    let base =
        std::fs::read_to_string(common::repo_root().join("themes/default/templates/base.html"))
            .unwrap_or_default();
    let nav: String = SECTIONS
        .iter()
        .enumerate()
        .map(|(k, t)| format!("<li><a href=\"/{}/\">{t}</a></li>\n", section_dir(k)))
        .collect();
    if let (Some(a), Some(b)) = (
        base.find("{% set home = get_section"),
        base.find("{% endfor %}"),
    ) {
        let patched = format!("{}{nav}{}", &base[..a], &base[b + "{% endfor %}".len()..]);
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/base.html"), patched).unwrap();
    } else {
        eprintln!("warning: base.html changed; building with the theme's navigation");
    }
    let mut bytes = 0;
    for (k, sec) in SECTIONS.iter().enumerate() {
        let dir = content.join(section_dir(k));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_index.md"),
            format!("---\ntitle: {sec}\nsort_by: date\npaginate_by: 50\n---\n"),
        )
        .unwrap();
    }
    for i in 0..n {
        let sec = i % SECTIONS.len();
        let where_ = place(&mut rng);
        let topic = rng.pick(TOPICS).to_string();
        let mut md = format!(
            "---\ntitle: {where_}{topic}工作的探索与实践（{i}）\ndate: {}-{:02}-{:02}\ntags: [{topic}, {}]\nregions: [{}]\norg_types: [{}]\n---\n\n",
            2010 + rng.below(15),
            1 + rng.below(12),
            1 + rng.below(28),
            rng.pick(TOPICS),
            rng.pick(PROVINCES),
            rng.pick(ORG_TYPES),
        );
        let mut chars = 0;
        let mut h = 0;
        while chars < 1200 {
            let _ = write!(md, "## {}\n\n", HEADINGS[(h + i) % HEADINGS.len()]);
            h += 1;
            for _ in 0..(2 + rng.below(3)) {
                let mut para = String::new();
                for _ in 0..(2 + rng.below(4)) {
                    let s = rng.below(pool.len());
                    para.push_str(&vary(&pool[s], &mut rng));
                }
                chars += para.chars().count();
                md.push_str(&para);
                md.push_str("\n\n");
            }
        }
        bytes += md.len();
        std::fs::write(
            content.join(section_dir(sec)).join(format!("p{i:05}.md")),
            md,
        )
        .unwrap();
    }
    bytes
}

/// CPU seconds used so far by this process (`self`) or by its finished children, from
/// /proc/self/stat: the machine may be shared, and CPU time depends less on other load.
fn cpu_seconds(children: bool) -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // utime, stime, cutime, cstime are fields 14–17 of the whole line: 11–14 after `)`.
    let ticks = if children {
        f.get(13).zip(f.get(14))
    } else {
        f.get(11).zip(f.get(12))
    };
    ticks.map_or(0.0, |(a, b)| (a + b) as f64 / 100.0)
}

/// Peak resident memory of this process so far (KB).
fn peak_kb() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<usize>()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
}

fn mb(b: usize) -> String {
    format!("{:.2} MB", b as f64 / 1_048_576.0)
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let n: usize = std::env::var("ZHIKU_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().unwrap();
    let root = if let Ok(site) = std::env::var("ZHIKU_BENCH_SITE") {
        // An existing site instead of a generated one (e.g. `.` for the bundled one).
        zhiku::build::absolute_root(Path::new(&site))
    } else {
        let root = match std::env::var("ZHIKU_BENCH_KEEP") {
            Ok(p) => {
                let p = std::path::PathBuf::from(p);
                let _ = std::fs::remove_dir_all(&p);
                p
            }
            Err(_) => tmp.path().join("site"),
        };
        let t = Instant::now();
        let md_bytes = generate(&root, n);
        println!(
            "generated {n} pages ({} of Markdown) in {:.1} s",
            mb(md_bytes),
            t.elapsed().as_secs_f64()
        );
        root
    };

    // The index alone, in process (what the render job does, minus writing).
    let opts = zhiku::build::BuildOptions {
        root: root.clone(),
        ..Default::default()
    };
    let mut state = zhiku::state::State::one_shot();
    let zhiku::diagnostics::Outcome {
        value: prepared,
        diagnostics: diags,
    } = zhiku::build::prepare(&opts, &mut state);
    let prepared = prepared.unwrap_or_else(|| panic!("the generated site builds: {diags:?}"));
    let t = Instant::now();
    let _ = zhiku::search::tokenize::tokenize("加载结巴分词词典"); // jieba: once per process
    let jieba = t.elapsed();
    // Best of three (the machine may be shared).
    let mut best = (f64::MAX, 0.0, 0.0);
    let mut docs_time = f64::MAX;
    let mut index = zhiku::search::Index::default();
    let mut peak_after_first = 0;
    for _ in 0..3 {
        drop(std::mem::take(&mut index));
        let t = Instant::now();
        let cpu = cpu_seconds(false);
        let docs = zhiku::search::docs(&prepared.site);
        docs_time = docs_time.min(t.elapsed().as_secs_f64());
        index = zhiku::search::index::build(&docs, zhiku::search::DIR, None);
        let time = t.elapsed().as_secs_f64();
        if time < best.0 {
            best = (time, cpu_seconds(false) - cpu, 0.0);
        }
        if peak_after_first == 0 {
            peak_after_first = peak_kb();
        }
    }
    let (index_time, index_cpu, _) = best;
    let shard_sizes: Vec<usize> = index
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("search/s/"))
        .map(|(_, b)| b.len())
        .collect();
    let doc_sizes: Vec<usize> = index
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("search/d/"))
        .map(|(_, b)| b.len())
        .collect();
    let fold = index
        .files
        .iter()
        .find(|(p, _)| p == "search/fold.js")
        .map_or(0, |f| f.1.len());
    println!(
        "index: {} documents, {} tokens, {} postings; built in {:.3} s ({:.2} s of CPU; best of 3; of which {:.3} s collecting the documents; +{:.2} s loading jieba's dictionary)",
        index.docs,
        index.tokens,
        index.postings,
        index_time,
        index_cpu,
        docs_time,
        jieba.as_secs_f64()
    );
    println!(
        "index size: {} in {} files — {} shards {} (mean {:.1} KB, max {:.1} KB), documents {} (mean {:.1} KB), fold table {:.1} KB",
        mb(index.total_bytes()),
        index.files.len(),
        shard_sizes.len(),
        mb(shard_sizes.iter().sum()),
        shard_sizes.iter().sum::<usize>() as f64 / shard_sizes.len().max(1) as f64 / 1024.0,
        *shard_sizes.iter().max().unwrap_or(&0) as f64 / 1024.0,
        mb(doc_sizes.iter().sum()),
        doc_sizes.iter().sum::<usize>() as f64 / doc_sizes.len().max(1) as f64 / 1024.0,
        fold as f64 / 1024.0,
    );
    println!(
        "peak memory of this process (site loaded + index built): {:.0} MB",
        peak_after_first as f64 / 1024.0
    );
    drop(index);

    // Rebuilds with a cache (`zhiku serve`): the first fills it, then one document changes.
    let mut docs = zhiku::search::docs(&prepared.site);
    let mut cache = zhiku::search::SearchCache::default();
    let t = Instant::now();
    let first = zhiku::search::index::build(&docs, zhiku::search::DIR, Some(&mut cache));
    let fill = t.elapsed().as_secs_f64();
    drop(first);
    let mut edit = (f64::MAX, 0.0);
    let rounds: usize = std::env::var("ZHIKU_BENCH_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    for round in 0..rounds {
        let k = docs.len() / 2 + round;
        if let Some(d) = docs.get_mut(k) {
            d.body
                .to_mut()
                .push_str("新增一段关于乡村振兴和党员发展的内容。");
        }
        let t = Instant::now();
        let cpu = cpu_seconds(false);
        let again = zhiku::search::index::build(&docs, zhiku::search::DIR, Some(&mut cache));
        let time = t.elapsed().as_secs_f64();
        if time < edit.0 {
            edit = (time, cpu_seconds(false) - cpu);
        }
        assert_eq!(cache.tokenized(), 1);
        if round + 1 == rounds {
            let fresh = zhiku::search::index::build(&docs, zhiku::search::DIR, None);
            assert!(
                again.files == fresh.files,
                "a cached rebuild differs from a fresh one"
            );
        }
        drop(again);
    }
    println!(
        "cached rebuilds: first {:.3} s (fills the cache: {} documents, {}), after editing one document {:.3} s ({:.2} s of CPU; best of {})",
        fill,
        cache.len(),
        mb(cache.bytes()),
        edit.0,
        edit.1,
        rounds
    );
    drop(cache);
    drop(docs);
    drop(prepared);

    if std::env::var_os("ZHIKU_BENCH_INDEX_ONLY").is_some() {
        return;
    }

    // The whole build, through the binary.
    let out = tmp.path().join("public");
    let t = Instant::now();
    let cpu = cpu_seconds(true);
    common::zhiku()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .output()
        .map(common::Run::of)
        .unwrap()
        .expect_code(0);
    println!(
        "zhiku build (whole site, index included): {:.2} s ({:.1} s of CPU)",
        t.elapsed().as_secs_f64(),
        cpu_seconds(true) - cpu
    );

    // First queries in Chromium over HTTP.
    let server = common::http::StaticServer::start(&out);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let b = common::browser::Browser::start().await;
        for (i, q) in ["组织覆盖率", "党员发展", "黨建", "议事会", "社区 志愿服务"]
            .iter()
            .enumerate()
        {
            // A fresh page for each query: nothing of the index in memory, only the
            // browser's HTTP cache (empty for the first query).
            b.client.goto(&server.url("/search/")).await.unwrap();
            b.wait_for("return !!window.__zhikuSearchUI", 10).await;
            let v = b
                .client
                .execute_async(
                    r#"
const done = arguments[arguments.length - 1];
const q = arguments[0];
const box = window.__zhikuSearchUI.boxes.find(b => b.page);
performance.clearResourceTimings();
box.input.value = q;
const t0 = performance.now();
box.run().then(() => {
  const ms = performance.now() - t0;
  const res = performance.getEntriesByType('resource').filter(e => e.name.includes('/search/'));
  const sum = (f) => res.filter(f).reduce((a, e) => a + e.encodedBodySize, 0);
  done({
    ms,
    files: res.length,
    bytes: sum(() => true),
    shards: res.filter(e => e.name.includes('/search/s/')).length,
    shard_bytes: sum(e => e.name.includes('/search/s/')),
    docs: res.filter(e => e.name.includes('/search/d/')).length,
    doc_bytes: sum(e => e.name.includes('/search/d/')),
    status: document.querySelector('.search-area .search-status').textContent,
  });
});
"#,
                    vec![serde_json::json!(q)],
                )
                .await
                .unwrap();
            println!(
                "query {q:>6}: {:>6.0} ms{} — {} files, {:.1} KB loaded ({} shards {:.1} KB, {} documents {:.1} KB) — {}",
                v["ms"].as_f64().unwrap_or(0.0),
                if i == 0 { " (first query, cold cache)" } else { "" },
                v["files"],
                v["bytes"].as_f64().unwrap_or(0.0) / 1024.0,
                v["shards"],
                v["shard_bytes"].as_f64().unwrap_or(0.0) / 1024.0,
                v["docs"],
                v["doc_bytes"].as_f64().unwrap_or(0.0) / 1024.0,
                v["status"].as_str().unwrap_or("")
            );
        }
        b.close().await;
    });
    std::thread::sleep(Duration::from_millis(10));
}
