//! Tera 1.20 against Tera 2.4 on zhiku's page template and page context (issue 15, point 3).
//!
//! ```text
//! tera2-compare VARIANT THREADS [CORPUS_DIR]   one measured run, one line of results
//! tera2-compare check [CORPUS_DIR] [OUT_DIR]   render every page with every variant, compare
//! ```
//! VARIANT: `t1-values` (Tera 1, zhiku's cloned `serde_json::Value`s), `t1-typed` (Tera 1,
//! typed borrowed structs through `Context::from_serialize`), `t2-shared` (Tera 2, values
//! built once and shared behind `Arc`), `t2-typed` (Tera 2, the typed structs), `t2-hybrid`
//! (Tera 2, typed structs borrowing the site whose listed summaries are the shared values).
//! See RESULTS.md.

mod common;
mod corpus;
mod t1;
mod t2;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use rayon::prelude::*;

/// Counts bytes and calls of every allocation (reallocations count their new size). Each
/// thread counts in a thread-local and adds to the totals every 1,024 allocations, so the
/// counting costs about the same per allocation whatever the thread count (an atomic add
/// per allocation would cost the variants that allocate more, Tera 1's, the most); the
/// totals miss at most 1,023 allocations per worker thread.
struct Counting;
static ALLOC_BYTES: AtomicU64 = AtomicU64::new(0);
static ALLOC_CALLS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static LOCAL: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

fn note(size: usize) {
    let _ = LOCAL.try_with(|c| {
        let (b, n) = c.get();
        let (b, n) = (b + size as u64, n + 1);
        if n >= 1024 {
            ALLOC_BYTES.fetch_add(b, Relaxed);
            ALLOC_CALLS.fetch_add(n, Relaxed);
            c.set((0, 0));
        } else {
            c.set((b, n));
        }
    });
}

/// Add this thread's uncounted allocations to the totals.
fn flush() {
    let _ = LOCAL.try_with(|c| {
        let (b, n) = c.replace((0, 0));
        ALLOC_BYTES.fetch_add(b, Relaxed);
        ALLOC_CALLS.fetch_add(n, Relaxed);
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note(l.size());
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        note(l.size());
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        note(new);
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// User and system CPU seconds of this process so far (from /proc/self/stat).
fn cpu() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command (which is in parentheses): state is field 3; utime 14, stime 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = 100.0; // USER_HZ on Linux
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / tick;
    (get(11), get(12))
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn corpus_dir(arg: Option<&String>) -> PathBuf {
    arg.map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/corpus")))
}

const VARIANTS: [&str; 5] = [
    "t1-values",
    "t1-typed",
    "t2-shared",
    "t2-typed",
    "t2-hybrid",
];

/// CPU time of the calling thread, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write into.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

type Output = (u64, usize, Option<String>);

/// Thread CPU time spent building (and dropping) contexts and rendering, summed over threads.
#[derive(Default)]
struct Split {
    ctx: AtomicU64,
    render: AtomicU64,
}

impl Split {
    /// Build a context with `make`, render it with `render`, drop it; time each on this
    /// thread's CPU clock.
    fn page<C>(
        &self,
        keep: bool,
        make: impl FnOnce() -> C,
        render: impl FnOnce(&C) -> String,
    ) -> Output {
        let t0 = thread_cpu_ns();
        let ctx = make();
        let t1 = thread_cpu_ns();
        let html = render(&ctx);
        let t2 = thread_cpu_ns();
        drop(ctx);
        let t3 = thread_cpu_ns();
        self.ctx.fetch_add((t1 - t0) + (t3 - t2), Relaxed);
        self.render.fetch_add(t2 - t1, Relaxed);
        (fnv(html.as_bytes()), html.len(), keep.then_some(html))
    }

    /// [`Split::page`] for pages `0..n` in parallel: page `i`'s context is `make(i)`.
    fn pages<C>(
        &self,
        n: usize,
        keep: bool,
        make: impl Fn(usize) -> C + Sync,
        render: impl Fn(&C) -> String + Sync,
    ) -> Vec<Output> {
        (0..n)
            .into_par_iter()
            .map(|i| self.page(keep, || make(i), &render))
            .collect()
    }
}

/// Render every page with `variant`: per page the output's hash and length (and the output
/// itself if `keep`), and the thread CPU seconds spent on contexts and on rendering.
fn run(site: &corpus::Site, variant: &str, keep: bool) -> (Vec<Output>, f64, f64) {
    let split = Split::default();
    let n = site.pages.len();
    let outputs: Vec<Output> = match variant {
        "t1-values" => {
            let tera = t1::engine(site);
            let values = t1::values(site);
            split.pages(
                n,
                keep,
                |i| t1::context_values(site, &values, i),
                |ctx| tera.render("page.html", ctx).expect("render"),
            )
        }
        "t1-typed" => {
            let tera = t1::engine(site);
            let config = common::config(site);
            let nav = common::nav(site);
            split.pages(
                n,
                keep,
                |i| t1::context_typed(site, &config, &nav, i),
                |ctx| tera.render("page.html", ctx).expect("render"),
            )
        }
        "t2-shared" => {
            let tera = t2::engine(site);
            let shared = t2::shared(site);
            split.pages(
                n,
                keep,
                |i| t2::context_shared(site, &shared, i),
                |ctx| match tera.render("page.html", ctx) {
                    Ok(h) => h,
                    Err(e) => panic!("render: {e:?}"),
                },
            )
        }
        "t2-typed" => {
            let tera = t2::engine(site);
            let config = common::config(site);
            let nav = common::nav(site);
            split.pages(
                n,
                keep,
                |i| t2::context_typed(site, &config, &nav, i),
                |ctx| match tera.render("page.html", ctx) {
                    Ok(h) => h,
                    Err(e) => panic!("render: {e:?}"),
                },
            )
        }
        "t2-hybrid" => {
            let tera = t2::engine(site);
            let shared = t2::shared(site);
            split.pages(
                n,
                keep,
                |i| t2::context_hybrid(site, &shared, i),
                |ctx| match tera.render("page.html", ctx) {
                    Ok(h) => h,
                    Err(e) => panic!("render: {e:?}"),
                },
            )
        }
        other => {
            eprintln!("unknown variant `{other}` (one of {VARIANTS:?})");
            std::process::exit(2);
        }
    };
    (
        outputs,
        split.ctx.load(Relaxed) as f64 / 1e9,
        split.render.load(Relaxed) as f64 / 1e9,
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(mode) = args.first() else {
        eprintln!(
            "usage: tera2-compare VARIANT THREADS [CORPUS_DIR] | check [CORPUS_DIR] [OUT_DIR]"
        );
        std::process::exit(2);
    };
    if mode == "check" {
        let site = corpus::load(&corpus_dir(args.get(1)));
        let n = site.pages.len().max(1) as f64;
        let avg =
            |f: &dyn Fn(&corpus::Page) -> usize| site.pages.iter().map(f).sum::<usize>() as f64 / n;
        println!(
            "corpus: {} pages in {} sections; per page on average {:.0} bytes of content HTML, {:.0} of summary, {:.1} TOC entries, {:.1} backlinks, {:.1} related",
            site.pages.len(),
            site.sections.len() - 1,
            avg(&|p| p.content.len()),
            avg(&|p| p.summary.len()),
            avg(&|p| p.toc.len()),
            site.backlinks.iter().map(Vec::len).sum::<usize>() as f64 / n,
            site.related.iter().map(Vec::len).sum::<usize>() as f64 / n,
        );
        let out = args.get(2).map(PathBuf::from);
        // Each variant against the first (t1-values): byte for byte, and with blank lines
        // left out (Tera 2 trims the newline after a `-#}` comment, which Tera 1 ignores, so
        // each `include` of a partial gives one blank line less; see t2's tests).
        let squeeze = |html: &str| {
            let lines: Vec<&str> = html.lines().filter(|l| !l.trim().is_empty()).collect();
            fnv(lines.join("\n").as_bytes())
        };
        let mut first: Option<Vec<Output>> = None;
        for v in VARIANTS {
            let (o, _, _) = run(&site, v, true);
            let bytes: usize = o.iter().map(|x| x.1).sum();
            if let Some(dir) = &out {
                let d = dir.join(v);
                std::fs::create_dir_all(&d).expect("out dir");
                for (i, (_, _, html)) in o.iter().enumerate().take(20) {
                    std::fs::write(
                        d.join(format!("{i:05}.html")),
                        html.as_deref().unwrap_or(""),
                    )
                    .expect("write");
                }
            }
            match &first {
                None => {
                    println!("{v}: {} pages, {bytes} bytes", o.len());
                    first = Some(o);
                }
                Some(f) => {
                    let same = f.iter().zip(&o).filter(|(a, b)| a.0 == b.0).count();
                    let html = |x: &Output| x.2.as_deref().map(squeeze);
                    let near = f.iter().zip(&o).filter(|(a, b)| html(a) == html(b)).count();
                    println!(
                        "{v}: {} pages, {bytes} bytes; of these {same} byte-identical and {near} identical but for blank lines to {}",
                        o.len(),
                        VARIANTS[0]
                    );
                }
            }
        }
        return;
    }
    let threads: usize = args.get(1).and_then(|t| t.parse().ok()).unwrap_or(2);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .expect("thread pool");
    let load_start = Instant::now();
    let site = corpus::load(&corpus_dir(args.get(2)));
    let load_s = load_start.elapsed().as_secs_f64();
    let rss_loaded = status_kb("VmRSS:");
    // Reset the peak RSS so that VmHWM below is the render phase's peak.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (u0, s0) = cpu();
    flush();
    let a0 = ALLOC_BYTES.load(Relaxed);
    let c0 = ALLOC_CALLS.load(Relaxed);
    let t0 = Instant::now();
    let (outputs, ctx_s, render_s) = run(&site, mode, false);
    let wall = t0.elapsed().as_secs_f64();
    let (u1, s1) = cpu();
    flush();
    let alloc = ALLOC_BYTES.load(Relaxed) - a0;
    let calls = ALLOC_CALLS.load(Relaxed) - c0;
    let bytes: usize = outputs.iter().map(|o| o.1).sum();
    let hash = outputs.iter().fold(0xcbf29ce484222325u64, |h, o| {
        (h ^ o.0).wrapping_mul(0x100000001b3)
    });
    println!(
        "variant={mode} threads={threads} pages={} load_s={load_s:.2} wall_s={wall:.3} user_s={:.2} sys_s={:.2} cpu_s={:.2} ctx_cpu_s={ctx_s:.3} render_cpu_s={render_s:.3} alloc_mb={:.0} alloc_calls_k={:.0} out_mb={:.1} out_hash={hash:016x} rss_loaded_mb={:.0} peak_rss_render_mb={:.0}",
        site.pages.len(),
        u1 - u0,
        s1 - s0,
        (u1 - u0) + (s1 - s0),
        alloc as f64 / 1048576.0,
        calls as f64 / 1000.0,
        bytes as f64 / 1048576.0,
        rss_loaded as f64 / 1024.0,
        status_kb("VmHWM:") as f64 / 1024.0,
    );
}
