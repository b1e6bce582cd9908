//! zhiku benchmarks (not part of the test suite).
//!
//! `cargo bench --bench bench` builds the bundled knowledge base and generated corpora of
//! 1,000 and 10,000 pages (add `-- bundled 1000 10000 100000` to choose) with the release
//! binary and prints wall time, pages per second and peak memory for the full build, and for
//! `zhiku serve` the time from saving one page to the `reload` event (median of 7 saves) with
//! how many outputs that rebuild rendered and kept.
//!
//! `cargo bench --bench bench -- gen 10000 /tmp/corpus` only writes a corpus.

mod corpus;

use std::io::{BufRead, BufReader, Read, Write};
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

/// Run a command to completion; (wall time, peak RSS in MiB). The child is reaped with
/// `wait4`, which also reports its peak memory.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> (Duration, f64) {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child with valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(r, pid, "wait4");
    if status != 0 {
        let mut err = String::new();
        if let Some(mut e) = child.stderr {
            let _ = e.read_to_string(&mut err);
        }
        panic!("command failed: {err}");
    }
    (elapsed, usage.ru_maxrss as f64 / 1024.0)
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
        vec![0, 1_000, 10_000]
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
    let bin = zhiku_bin();
    println!(
        "machine: {} cores; zhiku {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        env!("CARGO_PKG_VERSION")
    );
    println!(
        "{:>8} {:>10} {:>12} {:>10} {:>16}  serve's report of that rebuild",
        "pages", "build s", "pages/s", "peak MiB", "save→reload ms"
    );
    for n in sizes {
        // Corpus and output on a RAM disk when there is one: this measures zhiku, not the
        // machine's disk (set ZHIKU_BENCH_DIR to measure another place).
        let base = std::env::var_os("ZHIKU_BENCH_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let shm = PathBuf::from("/dev/shm");
                if shm.is_dir() {
                    shm
                } else {
                    std::env::temp_dir()
                }
            });
        let (dir, page, n) = if n == 0 {
            let dir = base.join("zhiku-bench-bundled");
            let pages = copy_bundled(&dir);
            let page = dir.join("content/cases/tianjin.md");
            (dir, page, pages)
        } else {
            let dir = base.join(format!("zhiku-bench-{n}"));
            corpus::generate(&dir, n).expect("generate");
            let page = dir.join("content/s00/p000000.md");
            (dir, page, n)
        };
        let out = dir.join("public");
        // One warm-up build (file cache), then the measured one.
        let _ = measure(
            Command::new(&bin)
                .args(["build", "--root"])
                .arg(&dir)
                .arg("--output")
                .arg(&out),
        );
        let (t, rss) = measure(
            Command::new(&bin)
                .args(["build", "--root"])
                .arg(&dir)
                .arg("--output")
                .arg(&out),
        );
        let (edit, report) = if n <= 20_000 {
            let (t, report) = serve_edit_latency(&bin, &dir, &page);
            (format!("{:.0}", t.as_secs_f64() * 1000.0), report)
        } else {
            ("-".into(), String::new())
        };
        println!(
            "{n:>8} {:>10.2} {:>12.0} {:>10.0} {:>16}  {report}",
            t.as_secs_f64(),
            n as f64 / t.as_secs_f64(),
            rss,
            edit
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
