//! One .docx → one Markdown page: front matter from the document, the body as Markdown, the
//! images for its page bundle, and a note for everything that could not be converted.
//!
//! The document is read in two passes. The first walks `word/document.xml` in order and turns
//! every paragraph into a list of `Span`s (text with bold/italic/underline/strikethrough, a
//! link, an image or a note reference), with what its style and Word numbering say about it;
//! fields, tracked changes, text boxes and the like are handled or reported on the way. The
//! second pass decides what each paragraph is: the title, a 署名 or date line, a heading (from
//! its style, or from Chinese numbering written as text or made by Word), a list item or a
//! paragraph, and writes the Markdown.
//!
//! The files, in the order a document goes through them:
//! - `model`: what the passes share: spans, paragraphs, blocks and the converter's state;
//! - `styles` and `numbering`: what a paragraph's style and Word numbering say about it;
//! - first pass: `read` (body, paragraphs, tables), `runs` (runs, fields, hyperlinks),
//!   `notes` (footnotes, endnotes, comments), `media` (images, text boxes);
//! - second pass: `classify` (title, 署名/date lines, headings, lists), with `markers`
//!   (Chinese numbering typed as text) and `front_matter`, then `to_markdown`.

mod classify;
mod front_matter;
mod markers;
mod media;
mod model;
mod notes;
mod numbering;
mod read;
mod runs;
mod styles;
#[cfg(test)]
mod tests;
mod to_markdown;

use std::collections::{BTreeMap, HashMap};

use super::ooxml::{Element, OpenError, Package, Rel};
use model::{Converter, Where};
use notes::{comment_map, note_map};
use numbering::Numbering;
use styles::Styles;

/// Something the import could not carry over as it was, with where it was in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// `paragraph 12 (“孝义市把激活…”)`, `table 2, row 3`, `footnote 1`; empty for the whole
    /// document.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

/// A converted document.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    pub title: String,
    /// The whole page: front matter and body.
    pub markdown: String,
    /// Images for the page bundle: file name → bytes.
    pub images: Vec<(String, Vec<u8>)>,
    pub notes: Vec<Note>,
    /// Counts for the progress line.
    pub headings: usize,
    pub tables: usize,
    pub footnotes: usize,
}

/// Convert the .docx `bytes`; `file_name` is the document's file name (for the title when
/// the document has none, and to name what a wrong file really is).
pub fn convert(bytes: Vec<u8>, file_name: &str) -> Result<Converted, OpenError> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mut pkg = Package::open(bytes, &ext)?;
    let stem = file_name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(file_name)
        .to_string();
    convert_package(&mut pkg, &stem)
}

fn corrupt(msg: String) -> OpenError {
    OpenError {
        message: format!("the file is damaged: {msg}"),
        help: "open it in Word or WPS (which can often repair it), save it as .docx again and \
               import the new copy"
            .into(),
    }
}

fn convert_package(pkg: &mut Package, stem: &str) -> Result<Converted, OpenError> {
    let main = pkg.main.clone();
    let doc = pkg
        .xml(&main)
        .map_err(corrupt)?
        .ok_or_else(|| corrupt(format!("{main} is missing")))?;
    let rels: Vec<Rel> = pkg.rels(&main).map_err(corrupt)?;
    let part_of = |kind: &str| -> Option<String> {
        rels.iter()
            .find(|r| r.kind == kind && !r.external)
            .map(|r| r.target.clone())
    };
    // Optional parts: a broken one is reported, not fatal.
    let mut notes = Vec::new();
    let mut optional = |pkg: &mut Package, kind: &str| -> Option<Element> {
        let name = part_of(kind)?;
        match pkg.xml(&name) {
            Ok(e) => e,
            Err(e) => {
                notes.push(Note {
                    location: String::new(),
                    message: format!("{e}; that part was left out"),
                });
                None
            }
        }
    };
    let styles = Styles::read(optional(pkg, "styles").as_ref());
    let numbering = Numbering::read(optional(pkg, "numbering").as_ref());
    let footnotes = note_map(optional(pkg, "footnotes").as_ref(), "w:footnote");
    let endnotes = note_map(optional(pkg, "endnotes").as_ref(), "w:endnote");
    let comments = comment_map(optional(pkg, "comments").as_ref());
    let core = pkg.xml("docProps/core.xml").ok().flatten();
    let body = doc
        .child("w:body")
        .ok_or_else(|| corrupt(format!("{main} has no body (w:body)")))?;

    let mut conv = Converter {
        pkg,
        rels: rels.iter().map(|r| (r.id.clone(), r.clone())).collect(),
        styles,
        numbering,
        footnotes,
        endnotes,
        comments,
        notes,
        images: Vec::new(),
        image_names: HashMap::new(),
        note_labels: HashMap::new(),
        note_defs: Vec::new(),
        fields: Vec::new(),
        paragraphs: 0,
        tables: 0,
        loc: String::new(),
        tracked: 0,
        tracked_first: String::new(),
        field_kinds: BTreeMap::new(),
        toc_reported: false,
        bookmarks: Vec::new(),
    };
    let items = conv.blocks(body, &Where::Body);
    conv.finish_fields();
    let mut out = conv.second_pass(items, core.as_ref(), stem);
    out.notes = std::mem::take(&mut conv.notes);
    out.images = std::mem::take(&mut conv.images);
    out.footnotes = conv.note_defs.len();
    Ok(out)
}
