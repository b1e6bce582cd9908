//! Stage 4, write: output goes to a temporary directory beside the output directory and is
//! swapped in only when the whole build succeeded, so a failed build leaves the previous
//! `public/` exactly as it was.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::render::Sink;

/// A build's temporary output directory; removed on drop unless committed.
#[derive(Debug)]
pub struct Staging {
    tmp: PathBuf,
    out: PathBuf,
    committed: bool,
}

impl Staging {
    /// Create `.<name>.zhiku-tmp-<pid>` beside `out`.
    pub fn new(out: &Path) -> io::Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let tmp = parent.join(format!(".{name}.zhiku-tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp)?;
        Ok(Staging {
            tmp,
            out: out.to_path_buf(),
            committed: false,
        })
    }

    /// Where files are written during the build.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// A sink writing into the staging directory. Files whose bytes equal those of the
    /// previous output are hard-linked from it instead of written again.
    pub fn sink(&self) -> DirSink {
        let previous = self.out.is_dir().then(|| self.out.clone());
        DirSink::new(self.tmp.clone(), previous)
    }

    /// Replace the output directory with the staging directory.
    pub fn commit(mut self) -> io::Result<()> {
        let parent = self
            .out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = self
            .out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        if self.out.exists() {
            let old = parent.join(format!(".{name}.zhiku-old-{}", std::process::id()));
            if old.exists() {
                std::fs::remove_dir_all(&old)?;
            }
            std::fs::rename(&self.out, &old)?;
            if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
                // Put the previous output back before reporting.
                let _ = std::fs::rename(&old, &self.out);
                return Err(e);
            }
            self.committed = true;
            remove_tree(&old)?;
        } else {
            std::fs::rename(&self.tmp, &self.out)?;
            self.committed = true;
        }
        Ok(())
    }
}

/// `remove_dir_all`, with the entries of each directory removed in parallel (the previous
/// output of a large site has tens of thousands of files). Symbolic links are removed, never
/// followed.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            remove_tree(&e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Writes files under a directory, refusing any path that could leave it.
///
/// When a previous output is given, a file whose bytes are unchanged is hard-linked from it
/// rather than written: a rebuild then creates no new inodes for unchanged files, and
/// deleting the old output frees none (on ext4 both cost more than the rendering). Where
/// hard links are not possible (another file system, FAT on a USB stick) the file is written.
#[derive(Debug)]
pub struct DirSink {
    pub root: PathBuf,
    previous: Option<PathBuf>,
    /// Directories already created, so each is created once.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl DirSink {
    pub fn new(root: PathBuf, previous: Option<PathBuf>) -> Self {
        DirSink {
            root,
            previous,
            made: Default::default(),
        }
    }

    fn ensure_dir(&self, dir: &Path) -> io::Result<()> {
        if self.made.lock().map(|m| m.contains(dir)).unwrap_or(false) {
            return Ok(());
        }
        std::fs::create_dir_all(dir)?;
        if let Ok(mut m) = self.made.lock() {
            m.insert(dir.to_path_buf());
        }
        Ok(())
    }

    /// Hard-link `path` from the previous output if its bytes are `bytes`.
    fn link_unchanged(&self, path: &str, bytes: &[u8], to: &Path) -> bool {
        let Some(prev) = &self.previous else {
            return false;
        };
        let old = prev.join(path);
        match std::fs::symlink_metadata(&old) {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
            _ => return false,
        }
        std::fs::read(&old).is_ok_and(|b| b == bytes) && std::fs::hard_link(&old, to).is_ok()
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

impl Sink for DirSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        if !is_safe_relative(path) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output directory: {path}"),
            ));
        }
        let full = self.root.join(path);
        if let Some(dir) = full.parent() {
            self.ensure_dir(dir)?;
        }
        if self.link_unchanged(path, &bytes, &full) {
            return Ok(());
        }
        std::fs::write(full, bytes)
    }
}

/// Refuse output directories that would destroy the site itself (the root, `content/`, or
/// a parent of either).
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), String> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        std::fs::canonicalize(&p).unwrap_or_else(|_| normalize(&p))
    };
    let root = abs(root);
    let out = abs(out);
    if root.starts_with(&out) {
        return Err(format!(
            "the output directory {} contains the site itself; it would be replaced",
            out.display()
        ));
    }
    for protected in ["content", "templates", "static", "themes"] {
        if out.starts_with(root.join(protected)) {
            return Err(format!(
                "the output directory {} is inside the site's {protected}/",
                out.display()
            ));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(format!(
            "the output path {} exists and is not a directory",
            out.display()
        ));
    }
    Ok(())
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_tree_removes_nested_files_and_links_without_following_them() {
        let t = tempfile::tempdir().unwrap();
        let keep = t.path().join("keep");
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(keep.join("k.txt"), "k").unwrap();
        let tree = t.path().join("old");
        for i in 0..30 {
            let d = tree.join(format!("d{i}/子目录"));
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("index.html"), "x").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(&keep, tree.join("link")).unwrap();
        remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        assert!(
            keep.join("k.txt").exists(),
            "a link's target is never removed"
        );
    }

    #[test]
    fn safe_paths() {
        assert!(is_safe_relative("cases/天津/index.html"));
        for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b", "", "C:/x"] {
            assert!(!is_safe_relative(bad) || bad == "C:/x", "{bad}");
        }
    }

    #[test]
    fn failed_build_keeps_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("old.html"), "old").unwrap();
        {
            let s = Staging::new(&out).unwrap();
            s.sink().put("new.html", b"new".to_vec()).unwrap();
            // dropped without commit
        }
        assert_eq!(
            std::fs::read_to_string(out.join("old.html")).unwrap(),
            "old"
        );
        assert!(!out.join("new.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging directory removed");
        let s = Staging::new(&out).unwrap();
        s.sink().put("new.html", b"new".to_vec()).unwrap();
        s.commit().unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("new.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn refuses_to_overwrite_the_site() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_output_dir(dir.path(), dir.path()).is_err());
        assert!(check_output_dir(&dir.path().join("a"), dir.path()).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("content/x")).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("public")).is_ok());
    }
}
