//! Shared Office Open XML helpers: opening a .docx package (and recognising what a file really
//! is when it is not one), reading its parts into a small element tree with canonical namespace
//! prefixes, relationships, and escaping for the XML that export writes.
//!
//! The pieces: `package.rs` opens the ZIP package (its parts, the main document,
//! relationships); `sniff.rs` names what a file that is not a .docx really is; `xml.rs`
//! parses a part into an [`Element`] tree and escapes text for the XML export writes. This
//! file holds the limits and [`OpenError`].

mod package;
mod sniff;
mod xml;

pub use package::{Package, Rel};
pub use xml::{esc, parse, Element, Node};

/// The largest part read from a package (document.xml of a 500-page report is a few MB).
pub const MAX_PART: u64 = 128 * 1024 * 1024;
/// The largest .docx read at all.
pub const MAX_FILE: u64 = 512 * 1024 * 1024;

/// Why a file cannot be opened as a Word document: a message naming what the file really is,
/// and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenError {
    pub message: String,
    pub help: String,
}

impl OpenError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        OpenError {
            message: message.into(),
            help: help.into(),
        }
    }
}
