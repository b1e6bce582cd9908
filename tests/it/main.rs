//! zhiku's integration tests, in one test binary (`it`): one module per area, sharing the
//! helpers in `tests/common/` (fixture sites, running the `zhiku` binary, a static HTTP server,
//! `zhiku serve` and headless Chromium; `benches/search.rs` includes them too, so they stay
//! outside this directory). One binary instead of one per file, because every test binary
//! links the whole library and its dependencies again: after an edit of `src/`, linking 25
//! binaries was most of `cargo test --no-run` (figures in the README, "Tests").
//!
//! Run one module with `cargo test --test it hardening::`, one test by its path
//! (`cargo test --test it serve::bad_edit_sends_error_and_keeps_the_old_page`), or filter on
//! any part of the name. A filter matches anywhere: `serve::` also runs `browser_serve::` (and
//! `publish::` runs `browser_publish::`); `cargo test --test it serve:: -- --skip browser_`
//! runs `serve` alone.
//!
//! All modules share one process and run on parallel threads. Nothing here changes
//! process-wide state (no `set_var`, no `set_current_dir`): each test works in its own
//! temporary directory, servers bind port 0, and each browser test starts its own
//! chromedriver on a free port with its own Chromium profile (`tests/common/browser.rs`).

#[path = "../common/mod.rs"]
mod common;

mod bad_input;
mod browser_nav;
mod browser_publish;
mod browser_reader;
mod browser_search;
mod browser_serve;
mod build_basics;
mod build_errors;
mod bundled_site;
mod charts;
mod check;
mod cjk_conformance;
mod docx;
mod encodings;
mod hant;
mod hardening;
mod incremental;
mod limits;
mod links_nav;
mod publish;
mod safety;
mod scaffold;
mod search_quality;
mod serve;
mod snapshots;
