//! `zhiku serve`: build into memory, serve over HTTP, rebuild on every save and tell the
//! browser over Server-Sent Events.
//!
//! The served site is the same bytes a `zhiku build` would write (the live-reload script is
//! added to HTML responses as they are sent, never stored), and nothing is written to disk:
//! the published `public/` is never touched.
//!
//! Rebuilds are incremental: one [`State`] keeps what the last build made (parsed files,
//! compiled templates, summaries, the render memo, search tokens; see [`crate::state`]),
//! and the outputs are compared with the previous build so only changed URLs are announced.

mod http;
mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::build::{self, BuildOptions};
use crate::diagnostics::{self, Diagnostics};
use crate::output::Sink;
use crate::render::Stats;
use crate::state::State;

pub use watch::{relevant, Watcher};

/// What `zhiku serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: IpAddr,
    pub drafts: bool,
    pub open: bool,
    /// How errors and warnings are printed on the terminal.
    pub format: diagnostics::Format,
}

/// The files being served: output path → bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// What the server shows right now.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub files: Arc<Files>,
    /// The error text of the last failed rebuild, while it is not fixed.
    pub error: Option<String>,
    pub base_path: String,
}

/// A message to connected browsers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// URL paths whose content changed.
    Reload(Vec<String>),
    /// A rebuild failed: the error text.
    Error(String),
    /// The server is stopping: every live-reload stream ends, so no open browser tab can
    /// keep the server running.
    Shutdown,
}

/// State shared by the HTTP handlers and the rebuild thread.
pub struct Shared {
    pub snapshot: RwLock<Snapshot>,
    pub notices: broadcast::Sender<Notice>,
    /// Changes when the server restarts, so pages reload after a restart.
    pub server_id: String,
}

impl Shared {
    pub fn current(&self) -> Snapshot {
        self.snapshot.read().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Builds the site into memory, reusing what it can from the previous build.
pub struct Rebuilder {
    opts: BuildOptions,
    /// What the last build left for the next one.
    state: State,
    files: Arc<Files>,
}

/// The in-memory site a rebuild renders into: new files, and unchanged ones kept from the
/// previous build (shared, not copied).
struct ServeSink {
    previous: Arc<Files>,
    files: std::sync::Mutex<Files>,
}

impl Sink for ServeSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let mut files = self
            .files
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        files.insert(path.to_string(), Arc::new(bytes));
        Ok(())
    }

    fn keep(&self, path: &str) -> bool {
        let Some(old) = self.previous.get(path) else {
            return false;
        };
        match self.files.lock() {
            Ok(mut files) => {
                files.insert(path.to_string(), old.clone());
                true
            }
            Err(_) => false,
        }
    }
}

/// The result of one rebuild.
pub enum Outcome {
    /// The new files and the URL paths that changed (added, modified or removed).
    Built {
        files: Arc<Files>,
        changed: Vec<String>,
        pages: usize,
        elapsed: Duration,
        /// Outputs rendered and reused.
        stats: Stats,
        /// Output paths rendered (not kept from the previous build), sorted.
        rendered: Vec<String>,
        /// Warnings of the build (files not in UTF-8, symbolic links left out …).
        warnings: Diagnostics,
    },
    Failed {
        diagnostics: Diagnostics,
        text: String,
    },
}

impl Rebuilder {
    pub fn new(opts: BuildOptions) -> Self {
        Rebuilder {
            opts,
            state: State::kept(),
            files: Arc::new(Files::new()),
        }
    }

    /// What the builds so far left for the next one.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Build everything (reusing unchanged files) and compare with the previous build.
    pub fn rebuild(&mut self) -> Outcome {
        let start = Instant::now();
        let mut diags = Diagnostics::new();
        let Some(prepared) = build::prepare(&self.opts, &mut self.state).report_into(&mut diags)
        else {
            let text = diagnostics::render_plain(&diags, &self.opts.root);
            return Outcome::Failed {
                diagnostics: diags,
                text,
            };
        };
        let sink = ServeSink {
            previous: self.files.clone(),
            files: std::sync::Mutex::new(Files::with_capacity(self.files.len())),
        };
        let (stats, rendered) =
            match build::render(&prepared, &sink, &mut self.state).report_into(&mut diags) {
                Some((_, stats)) => (stats, self.state.rendered().to_vec()),
                None => {
                    let text = diagnostics::render_plain(&diags, &self.opts.root);
                    return Outcome::Failed {
                        diagnostics: diags,
                        text,
                    };
                }
            };
        let mut timer = build::Timer::new();
        let new: Files = sink.files.into_inner().unwrap_or_default();
        let base = prepared.site.base_path();
        let mut changed: Vec<String> = Vec::new();
        for (path, bytes) in &new {
            let same = self
                .files
                .get(path)
                .is_some_and(|old| Arc::ptr_eq(old, bytes) || old.as_slice() == bytes.as_slice());
            if !same {
                changed.push(url_of(&base, path));
            }
        }
        for path in self.files.keys() {
            if !new.contains_key(path) {
                changed.push(url_of(&base, path));
            }
        }
        changed.sort();
        timer.mark("compare");
        let files = Arc::new(new);
        self.files = files.clone();
        let pages = prepared.site.pages.len();
        crate::render::drop_later(prepared);
        Outcome::Built {
            files,
            changed,
            pages,
            elapsed: start.elapsed(),
            stats,
            rendered,
            warnings: diags,
        }
    }
}

/// The URL path of an output file: `cases/a/index.html` → `/cases/a/`.
pub fn url_of(base: &str, path: &str) -> String {
    let p = path.strip_suffix("index.html").unwrap_or(path);
    format!("{base}{p}")
}

/// Run `zhiku serve` until Ctrl-C.
pub fn run(opts: ServeOptions) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    let result = runtime.block_on(run_async(opts));
    // Connections still open after the grace period are dropped, not waited for.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    result
}

async fn bind(addr: IpAddr, first: u16) -> Result<tokio::net::TcpListener, String> {
    let mut last_err = None;
    for port in first..first.saturating_add(100) {
        match tokio::net::TcpListener::bind(SocketAddr::new(addr, port)).await {
            Ok(l) => return Ok(l),
            Err(e) => last_err = Some(e),
        }
        if first == 0 {
            break;
        }
    }
    Err(format!(
        "cannot listen on {addr} ports {first}–{}: {}",
        first.saturating_add(99),
        last_err.map(|e| e.to_string()).unwrap_or_default()
    ))
}

async fn run_async(opts: ServeOptions) -> Result<(), String> {
    let listener = bind(opts.bind, opts.port).await?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other machines on the network",
            opts.bind
        );
    }
    let host = if opts.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        local.ip().to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let base_url = format!("http://{host}:{}/", local.port());
    let build_opts = BuildOptions {
        relative: false,
        root: opts.root.clone(),
        output: None,
        base_url: Some(base_url.clone()),
        drafts: opts.drafts,
    };

    let (notices, _) = broadcast::channel(64);
    let server_id = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
    );
    let shared = Arc::new(Shared {
        snapshot: RwLock::new(Snapshot {
            base_path: "/".into(),
            ..Default::default()
        }),
        notices,
        server_id,
    });

    let mut rebuilder = Rebuilder::new(build_opts);
    let format = opts.format;
    let mut printed = Vec::new();
    apply(
        &shared,
        &opts.root,
        rebuilder.rebuild(),
        true,
        format,
        &mut printed,
    );

    // Watch and rebuild on a thread of its own; rebuilds use rayon.
    let (tx, rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let mut watcher = Watcher::start(&opts.root, tx)
        .map_err(|e| format!("cannot watch {}: {e}", opts.root.display()))?;
    let shared_w = shared.clone();
    let root = opts.root.clone();
    std::thread::spawn(move || {
        while let Ok(mut paths) = rx.recv() {
            // Coalesce batches that arrived while the previous rebuild ran.
            while let Ok(more) = rx.try_recv() {
                paths.extend(more);
            }
            watcher.refresh();
            let shown: Vec<String> = paths
                .iter()
                .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
                .collect();
            eprintln!("changed: {}", shown.join(", "));
            apply(
                &shared_w,
                &root,
                rebuilder.rebuild(),
                false,
                format,
                &mut printed,
            );
        }
    });

    println!(
        "serving {} at {base_url} (Ctrl-C to stop)",
        opts.root.display()
    );
    if opts.open {
        open_browser(&base_url);
    }
    let notices = shared.notices.clone();
    let app = http::router(shared);
    let (stopping_tx, mut stopping) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop_signal().await;
        eprintln!("\nstopping");
        // Ends every live-reload stream (each open tab holds one).
        let _ = notices.send(Notice::Shutdown);
        let _ = stopping_tx.send(true);
    });
    // Graceful shutdown waits for open connections; a client that does not let go (a
    // request still being sent) must not keep the server alive: after a second, stop anyway.
    let deadline = async move {
        let _ = stopping.wait_for(|s| *s).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        r = server => r.map_err(|e| format!("server error: {e}")),
        _ = deadline => Ok(()),
    }
}

/// How long open connections get to close after Ctrl-C.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// Ctrl-C, or (on Unix) SIGTERM as sent by `kill`, service managers and terminals closing.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Publish a rebuild's outcome to the server and the browsers, and report it on the terminal.
/// Warnings are printed when they differ from those printed last (not again on every save);
/// `printed` keeps those.
fn apply(
    shared: &Shared,
    root: &Path,
    outcome: Outcome,
    first: bool,
    format: diagnostics::Format,
    printed: &mut Vec<diagnostics::Diagnostic>,
) {
    match outcome {
        Outcome::Built {
            files,
            changed,
            pages,
            elapsed,
            stats,
            warnings,
            ..
        } => {
            if warnings.items() != printed.as_slice() {
                diagnostics::report(&warnings, root, format);
                *printed = warnings.items().to_vec();
            }
            if let Ok(mut s) = shared.snapshot.write() {
                s.files = files;
                s.error = None;
            }
            if first {
                println!(
                    "built {pages} pages in {:.0} ms",
                    elapsed.as_secs_f64() * 1000.0
                );
            } else {
                println!(
                    "rebuilt in {:.0} ms: {} rendered, {} unchanged; {} changed",
                    elapsed.as_secs_f64() * 1000.0,
                    stats.rendered,
                    stats.reused,
                    changed.len()
                );
                let _ = shared.notices.send(Notice::Reload(changed));
            }
        }
        Outcome::Failed {
            diagnostics: diags,
            text,
        } => {
            diagnostics::report(&diags, root, format);
            printed.clear();
            eprintln!("build failed: the last good version stays served until this is fixed");
            if let Ok(mut s) = shared.snapshot.write() {
                s.error = Some(text.clone());
            }
            let _ = shared.notices.send(Notice::Error(text));
        }
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd).arg(url).spawn() {
        eprintln!("warning: cannot open a browser ({cmd}: {e}); open {url} yourself");
    }
}
