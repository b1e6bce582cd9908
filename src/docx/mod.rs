//! Word files in and out.
//!
//! - [`import`]: one .docx → one Markdown page (front matter, headings from styles and from
//!   Chinese numbering, lists, tables, footnotes, links, images) with a note for everything
//!   that could not be carried over; [`batch`] runs it over files and folders for
//!   `zhiku import`, writing nothing unless every file converted (or `--keep-going`).
//! - [`export`]: `zhiku export MODULE --docx`: the module's print page, rendered by the theme
//!   exactly as `zhiku build` would, converted from HTML into a .docx with Word styles.
//! - [`ooxml`]: the package (ZIP) and XML helpers both share.

pub mod batch;
pub mod export;
pub mod import;
pub mod ooxml;
