//! # zhiku (知库)
//!
//! A static site generator for Chinese party-building knowledge bases. The build is a
//! pipeline that reads in order:
//!
//! 1. [`load`]: files → pages and sections ([`site`]), front matter ([`frontmatter`]) and
//!    Markdown ([`markdown`]) parsed in parallel;
//! 2. [`resolve`]: URLs, internal links and anchors, taxonomies, course order, backlinks;
//! 3. [`render`]: Tera templates from the theme ([`theme`]) turn pages into HTML, and
//!    [`search`] writes the full-text index;
//! 4. [`write`]: the output is written to a temporary directory and swapped in atomically.
//!
//! [`build`] drives the pipeline; `main.rs` only parses the command line. [`check`] runs the
//! pipeline without writing (`zhiku check`); [`scaffold`] creates sites and pages
//! (`zhiku init`, `zhiku new`); [`html`] finds and rewrites URLs in generated HTML (relative
//! mode).

pub mod build;
pub mod chart;
pub mod check;
pub mod cjk;
pub mod config;
pub mod diagnostics;
pub mod docx;
pub mod encoding;
pub mod fingerprint;
pub mod frontmatter;
pub mod html;
pub mod input;
pub mod load;
pub mod markdown;
pub mod output;
pub mod paths;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod state;
pub mod suggest;
pub mod theme;
pub mod variants;
pub mod write;
