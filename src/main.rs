//! The `zhiku` command line. Parsing only: each subcommand calls into the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use zhiku::build::{self, BuildOptions};
use zhiku::check::{self, CheckOptions};
use zhiku::diagnostics::{self, Diagnostics, Format};
use zhiku::scaffold;

/// mimalloc: a build allocates and frees millions of small strings and JSON values from two
/// threads; glibc's allocator spent about a fifth of a 10,000-page build in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// For `zhiku serve`: memory a rebuild frees stays with the process for the next one, rather
/// than being given back to the system after mimalloc's default 10 ms and faulted in (and
/// zeroed by the kernel) again: a one-page edit of a 10,000-page site rebuilt in 290 ms
/// instead of 334. The peak is what it was; it is held between rebuilds.
fn keep_freed_memory() {
    /// `mi_option_purge_delay` in mimalloc.h (the same in mimalloc 2 and 3, both of which
    /// libmimalloc-sys bundles; it names no constant for it): milliseconds, -1 for never.
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is allowed at any time, from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// 知库 zhiku: a static site generator for Chinese party-building knowledge bases.
#[derive(Parser, Debug)]
#[command(name = "zhiku", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into the output directory (public/ by default).
    Build {
        /// The site directory (with site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: public/ inside the root).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Override base_url from site.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Write every internal link relative to its page, so the output works opened from
        /// disk (file://) and under any sub-path (same as `relative_urls = true`).
        #[arg(long)]
        relative: bool,
        /// How to print errors and warnings.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
    },
    /// Build into memory and serve the site with live reload, rebuilding on every save.
    Serve {
        /// The site directory (with site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (the next free one if taken).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Address to listen on (loopback by default; anything else is reachable from the network).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// How to print errors and warnings.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
    },
    /// Check the site without writing anything: everything build checks, plus orphan pages,
    /// cases no lesson uses, images without alt text and (with --external) external links.
    Check {
        /// The site directory (with site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Also request every external link (needs a network; off by default).
        #[arg(long)]
        external: bool,
        /// Seconds to wait for each external link.
        #[arg(long, default_value_t = 10, value_name = "SECONDS")]
        timeout: u64,
        /// External links requested at once.
        #[arg(long, default_value_t = 8, value_name = "N")]
        jobs: usize,
        /// How to print errors and warnings.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
    },
    /// Create a new site in DIR, with an example case and course.
    Init {
        /// The directory to create (must be empty unless --force).
        dir: PathBuf,
        /// Write into a non-empty directory (files of the same name are replaced).
        #[arg(long)]
        force: bool,
    },
    /// Create a new page from its archetype, e.g. `zhiku new cases/anshan.md`.
    New {
        /// The new file, relative to content/ (`cases/anshan.md`,
        /// `courses/<module>/<lesson>.md`, `courses/<module>/_index.md`).
        path: String,
        /// The site directory (with site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The page's title (default: made from the file name).
        #[arg(long)]
        title: Option<String>,
    },
    /// Import Word documents (.docx) as draft pages: `zhiku import 报告.docx` or a folder.
    Import {
        /// .docx files, or folders whose Word files are all imported.
        #[arg(required = true, value_name = "FILE.docx|DIR")]
        inputs: Vec<PathBuf>,
        /// The section the pages go into (a folder under content/ with an _index.md).
        #[arg(long, default_value = "cases")]
        section: String,
        /// The site directory (with site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Convert and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace pages that already exist.
        #[arg(long)]
        force: bool,
        /// Write the files that converted even when others failed.
        #[arg(long)]
        keep_going: bool,
        /// How to print errors and warnings.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
    },
    /// Export a module's handout (its print page) as a Word document:
    /// `zhiku export courses/party-spirit --docx`.
    Export {
        /// The module: `courses/party-spirit`, or just `party-spirit`.
        module: String,
        /// Write a Word document (.docx), the only export format.
        #[arg(long)]
        docx: bool,
        /// The file to write (default: the module's title + .docx, in the current directory).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The site directory (with site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
        /// How to print errors and warnings.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
        }
    }
}

fn one(d: diagnostics::Diagnostic) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(d);
    ds
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    zhiku::build::init_threads();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            relative,
            format,
        } => {
            let root = build::absolute_root(&root);
            let opts = BuildOptions {
                root: root.clone(),
                output,
                base_url,
                drafts,
                relative,
            };
            match build::build(&opts).into_result() {
                Ok((summary, warnings)) => {
                    diagnostics::report(&warnings, &root, format.into());
                    println!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    diagnostics::report(&diags, &root, format.into());
                    eprintln!(
                        "build failed: {} error(s), {} warning(s); the previous output was left as it was",
                        diags.error_count(),
                        diags.warning_count()
                    );
                    ExitCode::from(1)
                }
            }
        }
        Command::Serve {
            root,
            port,
            bind,
            drafts,
            open,
            format,
        } => {
            keep_freed_memory();
            let root = build::absolute_root(&root);
            match zhiku::serve::run(zhiku::serve::ServeOptions {
                root,
                port,
                bind,
                drafts,
                open,
                format: format.into(),
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Check {
            root,
            drafts,
            external,
            timeout,
            jobs,
            format,
        } => {
            let root = build::absolute_root(&root);
            let opts = CheckOptions {
                build: BuildOptions {
                    root: root.clone(),
                    drafts,
                    ..BuildOptions::default()
                },
                external,
                timeout: Duration::from_secs(timeout.max(1)),
                concurrency: jobs.max(1),
            };
            let checked = check::check(&opts);
            let (summary, diags) = (checked.value, checked.diagnostics);
            diagnostics::report(&diags, &root, format.into());
            let counts = format!(
                "{} error(s), {} warning(s)",
                diags.error_count(),
                diags.warning_count()
            );
            match summary {
                Some(s) => println!("{s}: {counts}"),
                None => eprintln!("check failed: {counts}"),
            }
            if diags.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Init { dir, force } => match scaffold::init(&dir, force) {
            Ok(files) => {
                println!("created a new site in {}:", dir.display());
                for f in files {
                    println!("  {}", f.display());
                }
                println!(
                    "next: cd {} && zhiku serve (preview) or zhiku build (writes public/)",
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                diagnostics::report(&one(d), &dir, Format::Human);
                ExitCode::from(1)
            }
        },
        Command::Import {
            inputs,
            section,
            root,
            dry_run,
            force,
            keep_going,
            format,
        } => {
            let root = build::absolute_root(&root);
            let opts = zhiku::docx::batch::ImportOptions {
                root: root.clone(),
                inputs,
                section,
                dry_run,
                force,
                keep_going,
            };
            let report = zhiku::docx::batch::run(&opts, &mut |line| println!("{line}"));
            diagnostics::report(&report.diagnostics, &root, format.into());
            if report.failed > 0 || report.diagnostics.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Export {
            module,
            docx,
            output,
            root,
            drafts,
            force,
            format,
        } => {
            if !docx {
                eprintln!("error: say which format to export: --docx (a Word document; the only format so far)");
                return ExitCode::from(2);
            }
            let root = build::absolute_root(&root);
            let opts = zhiku::docx::export::ExportOptions {
                root: root.clone(),
                module,
                output,
                drafts,
                force,
            };
            match zhiku::docx::export::run(&opts).into_result() {
                Ok((done, warnings)) => {
                    diagnostics::report(&warnings, &root, format.into());
                    for n in &done.notes {
                        eprintln!("warning: {n}");
                    }
                    println!(
                        "exported “{}” to {}: {} heading(s), {} table(s), {} image(s)",
                        done.title,
                        done.output.display(),
                        done.headings,
                        done.tables,
                        done.images
                    );
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    diagnostics::report(&diags, &root, format.into());
                    eprintln!("export failed: nothing was written");
                    ExitCode::from(1)
                }
            }
        }
        Command::New { path, root, title } => {
            let root = build::absolute_root(&root);
            match scaffold::new_page(&root, &path, title.as_deref()) {
                Ok(created) => {
                    println!(
                        "created {} (from {})",
                        created.file.display(),
                        created.archetype
                    );
                    for n in created.notes {
                        println!("note: {n}");
                    }
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    diagnostics::report(&one(d), &root, Format::Human);
                    ExitCode::from(1)
                }
            }
        }
    }
}
