//! Stage 4, write: output goes to a temporary directory beside the output directory and is
//! swapped in only when the whole build succeeded, so a failed build leaves the previous
//! `public/` exactly as it was.

use std::io;
use std::path::{Path, PathBuf};

use crate::output::{is_safe_relative, Sink};

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
        remove_stale(parent, &name);
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

/// Remove what a build that was killed (Ctrl-C, out of memory, power loss) left beside the
/// output directory `name` in `parent`: its staging directory (`.public.zhiku-tmp-<pid>`)
/// or the previous output it was deleting (`.public.zhiku-old-<pid>`). Directories of a
/// process that is still running (another build at the same time) are left alone.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.zhiku-tmp-"), format!(".{name}.zhiku-old-")];
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = prefixes.iter().find_map(|p| file.strip_prefix(p.as_str())) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && (pid == std::process::id() || !process_running(pid)) {
            let _ = remove_tree(&e.path());
        }
    }
}

/// Is process `pid` still running?
#[cfg(unix)]
fn process_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // Signal 0 checks for existence only; EPERM means it exists but belongs to another user.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_running(_pid: u32) -> bool {
    // Without a cheap check, leave other processes' directories alone.
    true
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

/// The site's inputs: an output directory may be none of these, inside none of them, and
/// contain none of them.
pub const SOURCE_DIRS: &[&str] = &["content", "templates", "static", "themes", "archetypes"];

/// Refuse output directories that would destroy the site itself: the root or a parent of it,
/// any directory the build reads from ([`SOURCE_DIRS`]) or anything inside one. Paths are
/// judged by where they really are: symbolic links are resolved, and for a path that does
/// not exist yet, those of its nearest existing ancestor (`--output docs/public` where
/// `docs` links to `content/` is inside `content/`).
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), String> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        crate::input::real_path(&p)
    };
    let root = abs(root);
    let out = abs(out);
    if root.starts_with(&out) {
        return Err(format!(
            "the output directory {} contains the site itself; it would be replaced",
            out.display()
        ));
    }
    for protected in SOURCE_DIRS {
        let dir = root.join(protected);
        // A source directory that is itself a link is protected where it really is too.
        let real = crate::input::real_path(&dir);
        for d in [&dir, &real] {
            if out.starts_with(d) {
                return Err(format!(
                    "the output directory {} is the site's {protected}/ or inside it; the build reads from there and would replace it",
                    out.display()
                ));
            }
            if d.starts_with(&out) && d.exists() {
                return Err(format!(
                    "the output directory {} contains the site's {protected}/; it would be replaced",
                    out.display()
                ));
            }
        }
    }
    if out == root.join(crate::config::CONFIG_FILE) {
        return Err(format!(
            "the output path {} is the site's configuration file",
            out.display()
        ));
    }
    if out.exists() && !out.is_dir() {
        return Err(format!(
            "the output path {} exists and is not a directory",
            out.display()
        ));
    }
    Ok(())
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
    fn a_killed_build_leaves_nothing_behind_after_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // What a build killed in the middle leaves: a staging directory and an old output,
        // both of a process that no longer runs (pid 4194304 is above Linux's pid_max).
        for stale in [".public.zhiku-tmp-4194304", ".public.zhiku-old-4194304"] {
            std::fs::create_dir_all(dir.path().join(stale).join("cases")).unwrap();
            std::fs::write(dir.path().join(stale).join("cases/index.html"), "x").unwrap();
        }
        // Someone else's directory with a similar name, and another output's staging.
        std::fs::create_dir_all(dir.path().join(".other.zhiku-tmp-4194304")).unwrap();
        let s = Staging::new(&out).unwrap();
        s.sink().put("index.html", b"new".to_vec()).unwrap();
        s.commit().unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".other.zhiku-tmp-4194304", "public"]);
    }

    #[test]
    fn refuses_to_overwrite_the_site() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_output_dir(dir.path(), dir.path()).is_err());
        assert!(check_output_dir(&dir.path().join("a"), dir.path()).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("content/x")).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("public")).is_ok());
        for src in SOURCE_DIRS {
            assert!(
                check_output_dir(dir.path(), &dir.path().join(src)).is_err(),
                "{src}"
            );
            assert!(
                check_output_dir(dir.path(), &dir.path().join(src).join("x/y")).is_err(),
                "{src}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn output_through_a_link_is_judged_where_it_really_is() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::os::unix::fs::symlink(root.join("content"), root.join("docs")).unwrap();
        std::os::unix::fs::symlink(root, root.join("up")).unwrap();
        for bad in [
            "docs/public",
            "docs",
            "up/content/x",
            "up",
            "public/../content/p",
        ] {
            assert!(check_output_dir(root, &root.join(bad)).is_err(), "{bad}");
        }
        assert!(check_output_dir(root, &root.join("up/public")).is_ok());
    }
}
