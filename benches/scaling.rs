//! Quadratic-behaviour benchmark (not part of the test suite):
//!
//! ```text
//! cargo bench --bench scaling            # all shapes
//! cargo bench --bench scaling -- page    # only the big pages
//! ```
//!
//! Builds sites at 1×, 2× and 4× a base size with the release binary and prints the CPU time
//! (user + system, all threads) of each build and the ratios to 1×. Linear work gives ratios
//! near 2 and 4; quadratic work would give 4 and 16. Shapes:
//!
//! - `page`: one 5 MB page (1×) of ordinary Chinese Markdown: headings (many with the same
//!   text), emphasis, soft line breaks, footnotes, internal links and anchors;
//! - `line`: one page whose 2 MB (1×) are a single line full of links (positions of links are
//!   computed per line);
//! - `terms`: a 10,000-term taxonomy (1×): 2,000 pages with five terms of their own and two
//!   terms every page has;
//! - `errors`: 20,000 broken links on one line (1×): the build fails and prints 20,000
//!   messages, each with its excerpt.
//!
//! Each measurement is the best of three runs (two for `terms`; the machine is shared).
//!
//! Measured on the 2-core development machine (CPU seconds, 1× / 2× / 4×):
//!
//! | shape | 1× | 2× | 4× | ratios |
//! |---|---|---|---|---|
//! | `page` (5 MB) | 0.30 | 0.62 | 1.24 | 2.05, 4.09 |
//! | `line` (2 MB) | 0.15 | 0.31 | 0.66 | 2.12, 4.49 |
//! | `terms` (10,000) | 2.73 | 5.58 | 11.30 | 2.04, 4.14 |
//! | `errors` (20,000) | 0.12 | 0.24 | 0.49 | 2.03, 4.12 |
//!
//! Before the fixes this benchmark led to, a 4 MB line took 10.1 s of wall time (ratio 12
//! for 4×: link columns were counted from the start of the line for every link) and the
//! 10,000-term site did not finish in 12 minutes (every page copied every page summary of
//! the site through `get_section` for the navigation); 20,000 broken links on one line took
//! 5.3 s and 80,000 took 60 s (each message re-read its file and copied its line).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn zhiku_bin() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("cargo")
        .args(["build", "--release", "--bin", "zhiku", "--quiet"])
        .current_dir(&root)
        .status();
    assert!(
        status.map(|s| s.success()).unwrap_or(false),
        "cargo build --release failed"
    );
    root.join("target/release/zhiku")
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn base_site(root: &Path) {
    write(root, "site.toml", "title = \"规模测试\"\n");
    write(root, "content/_index.md", "---\ntitle: 首页\n---\n");
}

/// About `bytes` of typical Markdown in one page.
fn big_page(root: &Path, bytes: usize) {
    base_site(root);
    let mut body = String::with_capacity(bytes + 4096);
    let mut n = 0;
    while body.len() < bytes {
        n += 1;
        // Every tenth heading repeats: ids 背景, 背景-1, 背景-2 …
        if n % 10 == 0 {
            body.push_str("## 背景\n\n");
        } else {
            let _ = write!(body, "## 第{n}节 做法\n\n");
        }
        for k in 0..8 {
            let _ = write!(
                body,
                "社区党组织把**党的组织**和工作覆盖到每一个社会组织，\n推进“两新”组织党建*全覆盖*，\
                 见[第一节](#第1节-做法)和[背景](#背景)。[^n{n}k{k}]\n\n"
            );
        }
        for k in 0..8 {
            let _ = writeln!(body, "[^n{n}k{k}]: 注释{n}-{k}。");
        }
        body.push('\n');
    }
    write(
        root,
        "content/big.md",
        &format!("---\ntitle: 大页面\n---\n{body}"),
    );
}

/// About `bytes` on one line, full of links to anchors of the page.
fn long_line(root: &Path, bytes: usize) {
    base_site(root);
    let mut body = String::from("## 锚点\n\n");
    while body.len() < bytes {
        body.push_str("党建工作[见锚点](#锚点)，");
    }
    body.push('\n');
    write(
        root,
        "content/line.md",
        &format!("---\ntitle: 长行\n---\n{body}"),
    );
}

/// `n` broken links on one line: a failed build whose report has `n` errors.
fn broken_links(root: &Path, n: usize) {
    base_site(root);
    write(
        root,
        "content/bad.md",
        &format!("---\ntitle: 坏链接\n---\n{}\n", "[中](#无)".repeat(n)),
    );
}

/// `terms` distinct terms over `terms / 5` pages, plus two terms on every page.
fn many_terms(root: &Path, terms: usize) {
    base_site(root);
    write(root, "content/cases/_index.md", "---\ntitle: 案例\n---\n");
    for p in 0..terms / 5 {
        let own: Vec<String> = (0..5).map(|k| format!("主题{}", p * 5 + k)).collect();
        write(
            root,
            &format!("content/cases/c{p}.md"),
            &format!(
                "---\ntitle: 案例{p}\ndate: 2018-12-01\ntags: [{}, 组织覆盖, 基层治理]\nregions: [地区{}]\n---\n正文{p}。\n",
                own.join(", "),
                p % 50
            ),
        );
    }
}

/// CPU time (user + system, all threads) of one build, from `wait4`: unlike wall time it
/// does not depend on what else the (shared) machine is doing. The output goes to a tmpfs
/// (`/dev/shm`) when there is one: on ext4, creating tens of thousands of directories in one
/// directory itself costs more than linear system time (a Python loop writing the same files
/// shows the same curve), and that is the disk's cost, not zhiku's.
#[allow(clippy::zombie_processes)]
fn cpu_time(bin: &Path, root: &Path) -> Duration {
    let shm = Path::new("/dev/shm");
    let out = if shm.is_dir() {
        shm.join(format!("zhiku-scaling-{}", std::process::id()))
    } else {
        root.join("public")
    };
    // Each run starts without output, so no run pays for removing the previous one.
    let _ = std::fs::remove_dir_all(&out);
    let child = Command::new(bin)
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run zhiku");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child with valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let _ = std::fs::remove_dir_all(&out);
    let failed_as_expected = root.join("content/bad.md").exists();
    assert!(
        r == pid && (status == 0 || failed_as_expected),
        "build failed in {}",
        root.display()
    );
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn best_of(runs: usize, bin: &Path, root: &Path) -> Duration {
    (0..runs).map(|_| cpu_time(bin, root)).min().unwrap()
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let bin = zhiku_bin();
    type Gen = fn(&Path, usize);
    let shapes: &[(&str, &str, Gen, usize)] = &[
        ("page", "MB page", big_page, 5 << 20),
        ("line", "MB line", long_line, 2 << 20),
        ("terms", "terms", many_terms, 10_000),
        ("errors", "broken links", broken_links, 20_000),
    ];
    // The cost of an empty site (process start, theme): subtracted before comparing.
    let empty = tempfile::tempdir().unwrap();
    base_site(empty.path());
    let fixed = best_of(3, &bin, empty.path());
    println!(
        "empty site: {:.3} s CPU (subtracted below)",
        fixed.as_secs_f64()
    );
    for (name, unit, generate, base) in shapes {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let mut times = Vec::new();
        for factor in [1, 2, 4] {
            let dir = tempfile::tempdir().unwrap();
            let size = base * factor;
            generate(dir.path(), size);
            let runs = if *name == "terms" { 2 } else { 3 };
            let t = best_of(runs, &bin, dir.path()).saturating_sub(fixed);
            let shown = if *unit == "terms" || *unit == "broken links" {
                format!("{size}")
            } else {
                format!("{:.0}", size as f64 / (1 << 20) as f64)
            };
            println!(
                "{name:>6} {factor}× ({shown} {unit}): {:.3} s CPU",
                t.as_secs_f64()
            );
            times.push(t.as_secs_f64().max(1e-3));
        }
        println!(
            "{name:>6} ratios to 1×: 2× → {:.2}, 4× → {:.2} (linear: 2, 4; quadratic: 4, 16)",
            times[1] / times[0],
            times[2] / times[0]
        );
    }
}
