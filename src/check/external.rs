//! `zhiku check --external`: request every external link of the built site.
//!
//! Each distinct URL (without its fragment) is requested once, `HEAD` first and `GET` when
//! the server refuses `HEAD`, with a time limit per request and a bounded number of requests
//! at once, so a slow or offline network ends the check in bounded time. A link answered
//! with 404 or 410 is an error (the page is gone); any other failure (timeout, no network,
//! 5xx, 403, 429) is a warning, since it may be passing.
//!
//! The client is ureq: blocking, small, rustls for HTTPS, proxies from the environment
//! (`HTTPS_PROXY`, `NO_PROXY`), no async runtime.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::Site;

use super::CheckOptions;

/// What requesting a URL found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx (after redirects).
    Ok,
    /// 404 or 410: the page is gone.
    Gone(u16),
    /// Another HTTP status (403, 429, 5xx…).
    Status(u16),
    /// No answer: timeout, DNS, connection refused, TLS…
    Failed(String),
}

/// An HTTP client for link checks.
pub fn agent(opts: &CheckOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .user_agent(concat!(
            "zhiku/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into()
}

/// Request one URL.
pub fn request(agent: &ureq::Agent, url: &str) -> Outcome {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match r {
        Ok(resp) => Ok(resp.status().as_u16()),
        Err(e) => Err(e.to_string()),
    };
    let head = status(agent.head(url).call());
    let code = match head {
        Ok(c) if (200..400).contains(&c) => return Outcome::Ok,
        // Some servers refuse or mishandle HEAD: ask again with GET (the body is not read).
        Ok(_) => status(agent.get(url).call()),
        Err(e) => return Outcome::Failed(e),
    };
    match code {
        Ok(c) if (200..400).contains(&c) => Outcome::Ok,
        Ok(c @ (404 | 410)) => Outcome::Gone(c),
        Ok(c) => Outcome::Status(c),
        Err(e) => Outcome::Failed(e),
    }
}

/// Request every URL of `external` (URL → output files linking to it) and report problems
/// on the content files that contain them.
pub fn check_all(
    site: &Site,
    external: &BTreeMap<String, BTreeSet<String>>,
    sources: &HashMap<String, PathBuf>,
    opts: &CheckOptions,
    diags: &mut Diagnostics,
) {
    if external.is_empty() {
        return;
    }
    let agent = agent(opts);
    let urls: Vec<&String> = external.keys().collect();
    let threads = opts.concurrency.clamp(1, 32).min(urls.len());
    let run = || -> Vec<Outcome> { urls.par_iter().map(|u| request(&agent, u)).collect() };
    let outcomes = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(run),
        Err(_) => urls.iter().map(|u| request(&agent, u)).collect(),
    };
    let mut texts = super::Texts::default();
    for (url, outcome) in urls.into_iter().zip(outcomes) {
        let (error, what) = match outcome {
            Outcome::Ok => continue,
            Outcome::Gone(c) => (
                true,
                format!("broken external link `{url}`: the server answers {c} (the page is gone)"),
            ),
            Outcome::Status(c) => (
                false,
                format!("external link `{url}`: the server answers {c}"),
            ),
            Outcome::Failed(e) => (
                false,
                format!("external link `{url}` could not be checked: {e}"),
            ),
        };
        let help = if error {
            "update the link to where the page moved, or remove it; for a case source, keep the title and publication so readers can find it in print"
        } else {
            "the site may be down for a moment or refuse automated requests: open the link in a browser to be sure"
        };
        let mk = |file: Option<&PathBuf>, message: String| -> Diagnostic {
            let d = match (file, error) {
                (Some(f), true) => Diagnostic::error(f, message),
                (Some(f), false) => Diagnostic::warning(f, message),
                (None, true) => Diagnostic::global(message),
                (None, false) => Diagnostic::global_warning(message),
            };
            d.with_help(help)
        };
        let froms = &external[url];
        let files: BTreeSet<&PathBuf> = froms.iter().filter_map(|f| sources.get(f)).collect();
        let mut placed = false;
        for file in files {
            // Only where the URL is written in the file (a template may add it elsewhere).
            if let Some(line) = texts.line_of(&site.root, file, url) {
                diags.push(mk(Some(file), what.clone()).at_line(line));
                placed = true;
            }
        }
        if !placed {
            let shown: Vec<&str> = froms.iter().take(3).map(String::as_str).collect();
            diags.push(mk(
                None,
                format!("{what} (linked from {})", shown.join(", ")),
            ));
        }
    }
}
