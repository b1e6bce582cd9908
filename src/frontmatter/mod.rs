//! Front matter: the YAML block between `---` lines at the top of every Markdown file.
//!
//! This is the only module that touches serde_yaml (archived upstream), so a maintained
//! drop-in fork can replace it here alone. Errors carry the line and column in the *file*
//! (serde_yaml's locations are relative to the YAML block; the block's offset is added).
//!
//! The pieces, in the order a file goes through them: [`split`](split()) finds the `---`
//! fences (`split.rs`); `yaml.rs` lints the raw YAML and parses it into a mapping and then
//! the typed fields; `parse.rs` checks the keys and builds a [`PageMeta`] or [`SectionMeta`]
//! (`fields.rs` holds those types, `date.rs` the [`Date`] they carry); `errors.rs` turns
//! serde_yaml's messages into positioned ones an author can act on. This file holds the
//! limits and the error type all of them return.

mod date;
mod errors;
mod fields;
mod parse;
mod split;
#[cfg(test)]
mod tests;
mod yaml;

pub use date::{Date, DatePrecision};
pub use fields::{
    FrontMatterText, PageFields, PageMeta, SectionMeta, SortBy, Source, PAGE_KEYS, SECTION_KEYS,
};
pub use parse::{parse_page, parse_section, unsafe_scheme};
pub use split::{split, Split};

/// Largest front matter accepted, in bytes.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// Most terms one page may have in one taxonomy. Terms are for browsing: every term page
/// lists the page with its terms, so a page with n terms costs n² work; a real page has a
/// handful. (10,000 tags on one page is refused here, in linear time.)
pub const MAX_TERMS_PER_PAGE: usize = 100;

/// A problem in the front matter, positioned in the file (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl FrontMatterError {
    fn new(
        line: usize,
        column: Option<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        FrontMatterError {
            line,
            column,
            message: message.into(),
            help: Some(help.into()),
        }
    }
}
