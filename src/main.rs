//! The `zhiku` command line. Parsing only: each subcommand calls into the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use zhiku::build::{self, BuildOptions};
use zhiku::diagnostics::{self, Format};

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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            format,
        } => {
            let root = build::absolute_root(&root);
            let opts = BuildOptions {
                root: root.clone(),
                output,
                base_url,
                drafts,
            };
            match build::build(&opts) {
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
        } => {
            let root = build::absolute_root(&root);
            match zhiku::serve::run(zhiku::serve::ServeOptions {
                root,
                port,
                bind,
                drafts,
                open,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}
