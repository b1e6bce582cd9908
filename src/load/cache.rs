//! The parsed files `serve` keeps between builds, each with the fingerprint of the bytes it
//! was parsed from, so that a rebuild parses again only the files whose content changed.

use std::collections::HashMap;
use std::path::PathBuf;

use super::{FileKind, FileResult};

/// Parsed files kept between builds by `serve`, so that a rebuild parses again only the
/// files whose content changed. Every file is read on every build (reading is cheap; parsing
/// and rendering Markdown is not) and an entry is reused when the bytes have the same
/// fingerprint ([`crate::fingerprint::of_bytes`]): not the size and modification time, which
/// a copy from a USB stick or a save within a FAT timestamp's two seconds can keep while the
/// text changes. A change of site.toml's Markdown options or taxonomies clears it all.
#[derive(Default)]
pub struct LoadCache {
    pub(super) entries: HashMap<PathBuf, CacheEntry>,
    /// The configuration the entries were parsed with.
    pub(super) key: String,
}

pub(super) struct CacheEntry {
    /// Of the bytes read; `None` when the file could not be read (tried again next time).
    pub(super) fingerprint: Option<u64>,
    pub(super) kind: FileKind,
    pub(super) loaded: FileResult,
}

impl LoadCache {
    /// Forget everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// How many files are cached.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
