//! zhiku benchmarks (not part of the test suite).
//!
//! `cargo bench --bench bench` builds generated corpora of 1,000 and 10,000 pages (add
//! `-- 1000 10000 100000` to choose sizes) with the release binary and prints wall time,
//! pages per second and peak memory for the full build, and the time from saving one page to
//! the `reload` event in `zhiku serve`.
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

fn serve_edit_latency(bin: &Path, root: &Path, page: &Path) -> Duration {
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
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /__zhiku/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut reader = BufReader::new(s);
    let mut l = String::new();
    while reader.read_line(&mut l).unwrap_or(0) > 0 && !l.starts_with("data:") {
        l.clear();
    }
    let mut samples = Vec::new();
    for n in 0..5 {
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
    samples[samples.len() / 2]
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
    let sizes: Vec<usize> = if args.is_empty() {
        vec![1_000, 10_000]
    } else {
        args.iter().filter_map(|a| a.parse().ok()).collect()
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
        "{:>8} {:>10} {:>12} {:>10} {:>16}",
        "pages", "build s", "pages/s", "peak MiB", "serve edit ms"
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
        let dir = base.join(format!("zhiku-bench-{n}"));
        corpus::generate(&dir, n).expect("generate");
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
        let page = dir.join("content/s00/p000000.md");
        let edit = if n <= 20_000 {
            format!(
                "{:.0}",
                serve_edit_latency(&bin, &dir, &page).as_secs_f64() * 1000.0
            )
        } else {
            "-".into()
        };
        println!(
            "{n:>8} {:>10.2} {:>12.0} {:>10.0} {:>16}",
            t.as_secs_f64(),
            n as f64 / t.as_secs_f64(),
            rss,
            edit
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
