//! The parsed files `serve` keeps between builds, each with the size and modification time
//! it was parsed at, so that a rebuild re-reads only the files that changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{FileResult, Kind};

/// Parsed files kept between builds by `serve`, so that a rebuild re-reads and re-parses only
/// the files that changed. An entry is reused while the file's size and modification time are
/// unchanged and the watcher has not reported the path; a change of site.toml clears it all.
#[derive(Default)]
pub struct LoadCache {
    pub(super) entries: HashMap<PathBuf, CacheEntry>,
    /// The configuration the entries were parsed with.
    pub(super) key: String,
}

pub(super) struct CacheEntry {
    pub(super) stamp: Option<(std::time::SystemTime, u64)>,
    pub(super) kind: Kind,
    pub(super) loaded: FileResult,
}

impl LoadCache {
    /// Forget a file (the watcher saw it change).
    pub fn invalidate(&mut self, path: &Path) {
        self.entries.remove(path);
    }

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

pub(super) fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}
