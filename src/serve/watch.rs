//! Watching the site's sources with notify (debounced): content/, templates/, themes/,
//! static/ and site.toml. Editor artefacts (swap, backup and temporary files) are ignored;
//! a burst of saves arrives as one batch.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use crate::load::is_ignored;

/// The directories watched recursively.
pub const WATCHED_DIRS: &[&str] = &["content", "templates", "themes", "static"];

/// How long the watcher waits for a burst of events to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// A running watcher; stops when dropped.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watching: Vec<PathBuf>,
}

/// Is a changed path one the site is built from?
pub fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut comps = rel.components();
    let Some(first) = comps.next() else {
        return false;
    };
    let first = first.as_os_str().to_string_lossy();
    if rel
        .components()
        .any(|c| is_ignored(&c.as_os_str().to_string_lossy()))
    {
        return false;
    }
    first == crate::config::CONFIG_FILE || WATCHED_DIRS.contains(&first.as_ref())
}

impl Watcher {
    /// Watch `root`; batches of relevant changed paths are sent to `tx`.
    pub fn start(root: &Path, tx: Sender<Vec<PathBuf>>) -> notify::Result<Watcher> {
        let root_c = root.to_path_buf();
        let debouncer = new_debouncer(DEBOUNCE, None, move |res: DebounceEventResult| {
            let Ok(events) = res else { return };
            let mut paths: Vec<PathBuf> = Vec::new();
            for e in events {
                if matches!(e.event.kind, EventKind::Access(_)) {
                    continue;
                }
                for p in &e.event.paths {
                    if relevant(&root_c, p) && !paths.contains(p) {
                        paths.push(p.clone());
                    }
                }
            }
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        })?;
        let mut w = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watching: Vec::new(),
        };
        w.debouncer.watch(root, RecursiveMode::NonRecursive)?;
        w.refresh();
        Ok(w)
    }

    /// Start watching source directories created since the last call.
    pub fn refresh(&mut self) {
        for d in WATCHED_DIRS {
            let p = self.root.join(d);
            if p.is_dir()
                && !self.watching.contains(&p)
                && self.debouncer.watch(&p, RecursiveMode::Recursive).is_ok()
            {
                self.watching.push(p);
            }
        }
        self.watching.retain(|p| p.is_dir());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevance() {
        let root = Path::new("/site");
        assert!(relevant(root, Path::new("/site/content/cases/a.md")));
        assert!(relevant(root, Path::new("/site/site.toml")));
        assert!(relevant(
            root,
            Path::new("/site/themes/default/templates/page.html")
        ));
        assert!(!relevant(root, Path::new("/site/public/index.html")));
        assert!(!relevant(root, Path::new("/site/content/cases/.a.md.swp")));
        assert!(!relevant(root, Path::new("/site/content/cases/a.md~")));
        assert!(!relevant(root, Path::new("/site/content/4913")));
        assert!(!relevant(root, Path::new("/site/target/x")));
        assert!(!relevant(root, Path::new("/elsewhere/content/a.md")));
    }
}
