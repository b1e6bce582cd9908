//! zhiku benchmarks (not part of the test suite).
//!
//! `cargo bench --bench bench` builds the bundled knowledge base and generated corpora of
//! 1,000, 2,000 and 10,000 pages of real Chinese prose (benches/corpus.rs; add
//! `-- bundled 1000 2000 10000 100000` to choose) with the release binary, on the disk
//! (`target/bench/`, or `ZHIKU_BENCH_DIR`), and prints for each:
//!
//! - clean build: wall time, CPU time (user + system, all threads) and peak memory of a build
//!   into a new output directory (no previous output), median of `ZHIKU_BENCH_RUNS` (3) runs
//!   after one uncounted run that warms the page cache;
//! - rebuild: the same site built again into its existing output;
//! - shm: the clean build with corpus and output on `/dev/shm` (a RAM disk; skipped without
//!   one or with `ZHIKU_BENCH_NO_SHM=1`), which shows what the disk costs;
//! - the output's size and number of files;
//! - `zhiku serve`: the time from saving one page to the `reload` event (median of 7 saves),
//!   with serve's own report of that rebuild (outputs rendered and kept).
//!
//! `cargo bench --bench bench -- gen 10000 /tmp/corpus` only writes a corpus.

mod corpus;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

/// What one run of a command cost.
#[derive(Debug, Clone, Copy)]
struct Cost {
    wall: Duration,
    /// User + system time of the process and all its threads, in seconds.
    cpu: f64,
    /// Peak resident memory, MiB.
    peak: f64,
}

/// Run a command to completion and measure it. The child is reaped with `wait4`, which also
/// reports its CPU time and peak memory. Its stderr goes to a file (a pipe read only at the
/// end could fill up and stall the child).
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> Cost {
    let err_path = std::env::temp_dir().join(format!("zhiku-bench-{}.err", std::process::id()));
    let err_file = std::fs::File::create(&err_path).expect("stderr file");
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(err_file)
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child with valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(r, pid, "wait4");
    let err = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_file(&err_path);
    assert!(status == 0, "command failed: {err}");
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Cost {
        wall,
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        peak: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// The median of each measure (taken separately, as peers.py does).
fn median(costs: &[Cost]) -> Cost {
    let mid = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Cost {
        wall: Duration::from_secs_f64(mid(costs.iter().map(|c| c.wall.as_secs_f64()).collect())),
        cpu: mid(costs.iter().map(|c| c.cpu).collect()),
        peak: mid(costs.iter().map(|c| c.peak).collect()),
    }
}

fn build(bin: &Path, root: &Path, out: &Path) -> Cost {
    measure(
        Command::new(bin)
            .args(["build", "--root"])
            .arg(root)
            .arg("--output")
            .arg(out),
    )
}

/// Clean builds of `root`: each into a new output directory (no previous output to compare
/// with or link from), after one uncounted build that warms the page cache. The median of
/// `runs`. Leaves the last output at `root/public`.
fn clean_builds(bin: &Path, root: &Path, runs: usize) -> Cost {
    let out = root.join("public");
    let _ = std::fs::remove_dir_all(&out);
    let _ = build(bin, root, &out);
    // The outputs are removed only after the last run: on ext4 without a journal the kernel
    // skips inodes freed in the last ~35 s when it allocates new ones (`recently_deleted`),
    // so a build right after deleting 36,000 files pays for that deletion (measured: up to a
    // third of a 10,000-page build's time in the kernel).
    let costs: Vec<Cost> = (0..runs)
        .map(|k| build(bin, root, &root.join(format!("public-{k}"))))
        .collect();
    for k in 0..runs {
        let _ = std::fs::remove_dir_all(root.join(format!("public-{k}")));
    }
    median(&costs)
}

/// Rebuilds of an unchanged site into its existing output (`root/public`).
fn rebuilds(bin: &Path, root: &Path, runs: usize) -> Cost {
    let out = root.join("public");
    let costs: Vec<Cost> = (0..runs).map(|_| build(bin, root, &out)).collect();
    median(&costs)
}

/// Total bytes and number of files under `dir`.
fn tree_size(dir: &Path) -> (u64, usize) {
    let mut bytes = 0;
    let mut files = 0;
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            files += 1;
            bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    (bytes, files)
}

/// A copy of a directory tree (the corpus, for the RAM-disk column).
fn copy_tree(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(from).unwrap();
        if rel.starts_with("public") {
            continue;
        }
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Median time from saving `page` to the `reload` event, and serve's last "rebuilt …" line.
fn serve_edit_latency(bin: &Path, root: &Path, page: &Path) -> (Duration, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(bin)
        .args(["serve", "--root"])
        .arg(root)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while out.read_line(&mut line).unwrap_or(0) > 0 && !line.starts_with("serving ") {
        line.clear();
    }
    // serve prints "rebuilt in N ms: R rendered, K unchanged; C changed" after each rebuild.
    let last = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let last_w = last.clone();
    std::thread::spawn(move || {
        let mut l = String::new();
        while out.read_line(&mut l).unwrap_or(0) > 0 {
            if l.starts_with("rebuilt") {
                *last_w.lock().unwrap() = l.trim().to_string();
            }
            l.clear();
        }
    });
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /__zhiku/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut reader = BufReader::new(s);
    let mut l = String::new();
    while reader.read_line(&mut l).unwrap_or(0) > 0 && !l.starts_with("data:") {
        l.clear();
    }
    let mut samples = Vec::new();
    for n in 0..7 {
        std::thread::sleep(Duration::from_millis(300));
        let text = std::fs::read_to_string(page).unwrap();
        let start = Instant::now();
        std::fs::write(page, format!("{text}\n编辑{n}。\n")).unwrap();
        l.clear();
        loop {
            l.clear();
            if reader.read_line(&mut l).unwrap_or(0) == 0 {
                break;
            }
            if l.starts_with("event: reload") {
                break;
            }
        }
        samples.push(start.elapsed());
    }
    let _ = child.kill();
    let _ = child.wait();
    samples.sort();
    std::thread::sleep(Duration::from_millis(100));
    let text = last.lock().unwrap().clone();
    (samples[samples.len() / 2], text)
}

/// A copy of the bundled knowledge base (content, site.toml, theme) to edit freely.
fn copy_bundled(dir: &Path) -> usize {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let _ = std::fs::remove_dir_all(dir);
    let mut pages = 0;
    for top in ["content", "themes"] {
        for e in walkdir::WalkDir::new(repo.join(top)) {
            let e = e.expect("walk");
            let rel = e.path().strip_prefix(&repo).unwrap();
            let to = dir.join(rel);
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
                let name = e.file_name().to_string_lossy();
                if top == "content" && name.ends_with(".md") && !name.starts_with('_') {
                    pages += 1;
                }
            }
        }
    }
    std::fs::copy(repo.join("site.toml"), dir.join("site.toml")).unwrap();
    pages
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("gen") {
        let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
        let dir = PathBuf::from(
            args.get(2)
                .cloned()
                .unwrap_or_else(|| "/tmp/zhiku-corpus".into()),
        );
        corpus::generate(&dir, n).expect("generate");
        println!("wrote {n} pages to {}", dir.display());
        return;
    }
    // 0 stands for the bundled knowledge base.
    let sizes: Vec<usize> = if args.is_empty() {
        vec![0, 1_000, 2_000, 10_000]
    } else {
        args.iter()
            .filter_map(|a| {
                if a == "bundled" {
                    Some(0)
                } else {
                    a.parse().ok()
                }
            })
            .collect()
    };
    let runs: usize = std::env::var("ZHIKU_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let bin = zhiku_bin();
    // Corpus and output on the disk, where a user's site and public/ are: by default in
    // target/bench/ of this checkout (ZHIKU_BENCH_DIR chooses another place). A RAM disk
    // (/dev/shm), when there is one, is an extra column: the same build without the disk.
    let base = std::env::var_os("ZHIKU_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench"));
    std::fs::create_dir_all(&base).expect("bench directory");
    let shm = Path::new("/dev/shm");
    let shm = (shm.is_dir() && std::env::var_os("ZHIKU_BENCH_NO_SHM").is_none()).then_some(shm);
    println!(
        "machine: {} cores, load average {}; zhiku {}; corpus and output in {}; medians of {runs} runs",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "?".into()),
        env!("CARGO_PKG_VERSION"),
        base.display()
    );
    println!(
        "{:>7} {:>9} {:>8} {:>9} {:>9} {:>9} {:>9} {:>12} {:>9}  serve's report of that rebuild",
        "pages",
        "clean s",
        "cpu s",
        "peak MiB",
        "rebuild s",
        "shm s",
        "output MB",
        "files",
        "save→reload ms"
    );
    for n in sizes {
        let (dir, page, n) = if n == 0 {
            let dir = base.join("zhiku-bench-bundled");
            let pages = copy_bundled(&dir);
            let page = dir.join("content/cases/tianjin.md");
            (dir, page, pages)
        } else {
            let dir = base.join(format!("zhiku-bench-{n}"));
            let _ = std::fs::remove_dir_all(&dir);
            corpus::generate(&dir, n).expect("generate");
            let page = dir.join("content/s00/p00000.md");
            (dir, page, n)
        };
        let clean = clean_builds(&bin, &dir, runs);
        let rebuild = rebuilds(&bin, &dir, runs);
        let (bytes, files) = tree_size(&dir.join("public"));
        let in_ram = shm.map(|shm| {
            let d = shm.join(format!("zhiku-bench-{}-{n}", std::process::id()));
            copy_tree(&dir, &d);
            let c = clean_builds(&bin, &d, runs);
            let _ = std::fs::remove_dir_all(&d);
            format!("{:.2}", c.wall.as_secs_f64())
        });
        let (edit, report) = if n <= 20_000 {
            let (t, report) = serve_edit_latency(&bin, &dir, &page);
            (format!("{:.0}", t.as_secs_f64() * 1000.0), report)
        } else {
            ("-".into(), String::new())
        };
        println!(
            "{n:>7} {:>9.2} {:>8.2} {:>9.0} {:>9.2} {:>9} {:>9.1} {:>12} {:>9}  {report}",
            clean.wall.as_secs_f64(),
            clean.cpu,
            clean.peak,
            rebuild.wall.as_secs_f64(),
            in_ram.unwrap_or_else(|| "-".into()),
            bytes as f64 / 1e6,
            files,
            edit
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
