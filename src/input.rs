//! Reading input files safely. Every file zhiku reads — `site.toml`, content, templates,
//! static files, archetypes, and the source lines shown in error messages — is read through
//! this module, which guarantees three things:
//!
//! - **Nothing blocks.** Only regular files are read. A named pipe, socket or device is
//!   refused with a message naming it. The file is opened non-blocking and checked on the
//!   open handle (`fstat`), so it cannot be swapped for a pipe between the check and the read.
//! - **Nothing outside the site is read.** [`read_in_site`] refuses a path that is, or is
//!   reached through, a symbolic link leading outside the site root (the README's rule:
//!   a symbolic link that points outside the site is never read or published).
//! - **Nothing huge is read whole.** A size limit is checked before reading.
//!
//! Output paths are judged the same way: [`real_path`] resolves the nearest existing
//! ancestor of a path that does not exist yet, so `--output docs/public` where `docs` links
//! into `content/` is seen for what it is.

use std::fmt;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Why an input file was not read.
#[derive(Debug)]
pub enum InputError {
    /// The path does not exist.
    NotFound,
    /// Not a regular file: `kind` says what it is ("a named pipe", "a directory", …).
    NotRegular(&'static str),
    /// A symbolic link (of the file or a directory above it) leads outside the site.
    Outside,
    /// Larger than the limit; the size in bytes.
    TooLarge(u64),
    /// Any other I/O error.
    Io(io::Error),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::NotFound => write!(f, "the file does not exist"),
            InputError::NotRegular(kind) => {
                write!(f, "this is {kind}, not a regular file; it is not read")
            }
            InputError::Outside => write!(
                f,
                "this is a symbolic link to a file outside the site; it is not read"
            ),
            InputError::TooLarge(n) => write!(f, "the file is too large ({n} bytes)"),
            InputError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl InputError {
    /// What the author can do about it.
    pub fn help(&self) -> &'static str {
        match self {
            InputError::NotFound => "check the path",
            InputError::NotRegular(_) => {
                "replace it with an ordinary file (zhiku never reads pipes, sockets or devices, which could block the build)"
            }
            InputError::Outside => {
                "copy the file into the site instead of linking to it: zhiku never reads or publishes files outside the site"
            }
            InputError::TooLarge(_) => "split the file into smaller ones",
            InputError::Io(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                "the file is not readable by this user: fix its permissions (`chmod a+r <file>`) or its owner"
            }
            InputError::Io(_) => "check that the file exists and can be read",
        }
    }
}

/// What kind of file `t` is, in words, when it is not a regular file.
fn kind_of(t: std::fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_block_device() || t.is_char_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// What an entry found while walking a directory is, in words, when it is neither a
/// regular file nor a directory (a pipe, socket or device): such entries are skipped with a
/// warning naming them.
pub fn special_kind(t: std::fs::FileType) -> Option<&'static str> {
    if t.is_dir() {
        None
    } else {
        kind_of(t)
    }
}

/// Is `t` (of a path, links followed) a regular file? `Err` names what it is instead.
pub fn check_regular(path: &Path) -> Result<(), InputError> {
    match std::fs::metadata(path) {
        Ok(m) => match kind_of(m.file_type()) {
            None => Ok(()),
            Some(k) => Err(InputError::NotRegular(k)),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(InputError::NotFound),
        Err(e) => Err(InputError::Io(e)),
    }
}

/// Read a regular file of at most `limit` bytes, never blocking on a pipe or device.
/// The caller has already made sure the path is inside the site (the content walk does);
/// otherwise use [`read_in_site`].
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    // Refuse before opening: opening a FIFO for reading blocks until a writer appears
    // (where non-blocking opens are not available).
    check_regular(path)?;
    let file = open_nonblocking(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => InputError::NotFound,
        _ => InputError::Io(e),
    })?;
    // Checked again on the open handle: the path may have been replaced in between.
    let meta = file.metadata().map_err(InputError::Io)?;
    if let Some(k) = kind_of(meta.file_type()) {
        return Err(InputError::NotRegular(k));
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take` also guards a file that grows while it is read.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(InputError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Read `path`, which must be a regular file inside the site `root` (after following every
/// symbolic link on the way), of at most `limit` bytes.
pub fn read_in_site(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    if !is_inside(root, path) {
        return Err(InputError::Outside);
    }
    read_regular(path, limit)
}

/// Is `path` (which may not exist) inside `root`, once every symbolic link is followed?
/// A path whose nearest existing ancestor cannot be resolved counts as outside.
pub fn is_inside(root: &Path, path: &Path) -> bool {
    let Ok(root) = std::fs::canonicalize(root) else {
        return false;
    };
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(d) => d.join(path),
            Err(_) => return false,
        }
    };
    real_path(&abs).starts_with(&root)
}

/// Where `path` really is (or would be created): each existing component with its
/// symbolic links resolved, the components that do not exist yet appended, and `..` taken
/// from the real parent (so `link/..` is the parent of the link's target, as the system
/// sees it). `path` should be absolute.
pub fn real_path(path: &Path) -> PathBuf {
    let mut cur = PathBuf::new();
    let mut exists = true;
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                cur.pop();
            }
            Component::Normal(part) => {
                cur.push(part);
                if exists {
                    match std::fs::canonicalize(&cur) {
                        Ok(real) => cur = real,
                        Err(_) => exists = false,
                    }
                }
            }
            c => cur.push(c),
        }
    }
    cur
}

/// Largest content file read, in bytes. A 10 MB page builds (in about a second); a file
/// larger than this is almost certainly not a page someone wrote (an export, a database dump
/// renamed `.md`), and reading it whole would only exhaust memory.
pub const MAX_FILE_BYTES: u64 = 32 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_at_once() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("site.toml");
        let c = std::ffi::CString::new(p.to_string_lossy().as_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let start = std::time::Instant::now();
        let e = read_regular(&p, 1 << 20).unwrap_err();
        assert!(
            matches!(e, InputError::NotRegular(k) if k.contains("pipe")),
            "{e}"
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        let e = read_in_site(t.path(), &p, 1 << 20).unwrap_err();
        assert!(matches!(e, InputError::NotRegular(_)), "{e}");
    }

    #[test]
    fn directories_and_missing_files() {
        let t = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_regular(t.path(), 10),
            Err(InputError::NotRegular("a directory"))
        ));
        assert!(matches!(
            read_regular(&t.path().join("nope"), 10),
            Err(InputError::NotFound)
        ));
        std::fs::write(t.path().join("big"), [0u8; 11]).unwrap();
        assert!(matches!(
            read_regular(&t.path().join("big"), 10),
            Err(InputError::TooLarge(11))
        ));
        assert_eq!(read_regular(&t.path().join("big"), 11).unwrap().len(), 11);
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_site_are_outside_even_for_paths_that_do_not_exist_yet() {
        let t = tempfile::tempdir().unwrap();
        let site = t.path().join("site");
        let away = t.path().join("away");
        std::fs::create_dir_all(site.join("content")).unwrap();
        std::fs::create_dir_all(&away).unwrap();
        std::fs::write(away.join("secret.toml"), "x").unwrap();
        std::os::unix::fs::symlink(away.join("secret.toml"), site.join("site.toml")).unwrap();
        std::os::unix::fs::symlink(&away, site.join("themes")).unwrap();
        std::os::unix::fs::symlink(site.join("content"), site.join("docs")).unwrap();
        assert!(matches!(
            read_in_site(&site, &site.join("site.toml"), 100),
            Err(InputError::Outside)
        ));
        assert!(!is_inside(&site, &site.join("themes/x/templates")));
        assert!(is_inside(&site, &site.join("docs/public/new")));
        let real = real_path(&site.join("docs/public/a/../b"));
        assert_eq!(
            real,
            std::fs::canonicalize(site.join("content"))
                .unwrap()
                .join("public/b")
        );
    }
}
