//! The parsed files `serve` keeps between builds, each with the fingerprint of the bytes it
//! was parsed from, so that a rebuild parses again only the files whose content changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{FileKind, FileResult};

/// Parsed files kept between builds by `serve`, so that a rebuild parses again only the
/// files whose content changed: an entry is reused when the file's bytes have the same
/// fingerprint ([`crate::fingerprint::of_bytes`]). A change of site.toml's Markdown options or
/// taxonomies clears it all.
///
/// Reading 10,000 files to fingerprint them was a quarter of a rebuild, so a file is not read
/// again when its [`Stamp`] (size, modification and change times, inode) is the one it had
/// when it was last read and that stamp was *settled* then: both times more than [`RACY`]
/// older than the start of that read (git trusts its index the same way). Size and
/// modification time alone cannot be trusted — a copy from a USB stick can keep both, and two
/// saves within a FAT timestamp's two seconds keep both while the text changes — but the
/// kernel sets the change time on every write and it cannot be set back, and a file written
/// within the timestamps' granularity of the last read is not settled, so it is read again.
/// Where there is no change time (Windows), every file is read on every build.
#[derive(Default)]
pub struct LoadCache {
    pub(super) entries: HashMap<PathBuf, CacheEntry>,
    /// The configuration the entries were parsed with.
    pub(super) key: String,
    /// When the last load started (the stamps it took are trusted if older by [`RACY`]).
    pub(super) scanned: Option<SystemTime>,
    /// How many files the last load read.
    pub(super) read: usize,
    /// Take stamps (a cache kept for a next build: serve); a one-shot build's cache is
    /// dropped after loading, and its stamps would be an extra system call a file.
    pub(super) stamps: bool,
}

pub(super) struct CacheEntry {
    /// Of the bytes read; `None` when the file could not be read (tried again next time).
    pub(super) fingerprint: Option<u64>,
    /// The file's stamp when it was read, if it was settled then (else `None`: read it
    /// next time).
    pub(super) stamp: Option<Stamp>,
    pub(super) kind: FileKind,
    pub(super) loaded: FileResult,
}

/// How much older than the start of a read a file's times must be for its stamp to be
/// trusted: FAT, the file system of most USB sticks, keeps modification times to two
/// seconds.
pub const RACY: Duration = Duration::from_secs(2);

/// What the file system says of a file without reading it, on Unix: size, modification and
/// change times (nanoseconds), device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: i128,
    changed: i128,
    inode: (u64, u64),
}

impl Stamp {
    /// The stamp of a regular file (`None` for anything else, when it cannot be read, and
    /// where there is no change time).
    #[cfg(unix)]
    pub(super) fn of(path: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(path).ok()?;
        if !m.file_type().is_file() {
            return None;
        }
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(Stamp {
            len: m.len(),
            modified: ns(m.mtime(), m.mtime_nsec()),
            changed: ns(m.ctime(), m.ctime_nsec()),
            inode: (m.dev(), m.ino()),
        })
    }

    #[cfg(not(unix))]
    pub(super) fn of(_path: &Path) -> Option<Stamp> {
        None
    }

    /// Is this stamp, taken by a read that started at `scanned`, settled: both its times
    /// more than [`RACY`] before that start?
    pub(super) fn settled(&self, scanned: SystemTime) -> bool {
        let Some(limit) = scanned
            .checked_sub(RACY)
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        else {
            return false;
        };
        let limit = limit.as_nanos() as i128;
        self.modified < limit && self.changed < limit
    }
}

impl LoadCache {
    /// A cache for repeated loads (serve): files whose settled stamp is unchanged are not
    /// read again.
    pub fn kept() -> LoadCache {
        LoadCache {
            stamps: true,
            ..LoadCache::default()
        }
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

    /// How many content files the last load read (the others had the settled stamp they
    /// had when they were last read).
    pub fn read(&self) -> usize {
        self.read
    }
}
