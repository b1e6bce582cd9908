//! The incremental state: everything a build keeps for the next one, in one place.
//!
//! `zhiku serve` holds one [`State`] for its whole run and passes it to the same stage
//! functions a one-shot `zhiku build` calls ([`crate::build::prepare`],
//! [`crate::build::render`]); a one-shot build passes [`State::one_shot`], which keeps
//! nothing. What is kept, and how each piece decides that something changed:
//!
//! | piece | what it keeps | reused when |
//! |---|---|---|
//! | `load` | every content file parsed, with its stamp (size, times, inode) | the file's bytes have the same fingerprint, same Markdown and taxonomy settings; a file is not read when its stamp is the one it had when last read and was settled then (its times older than that read by more than FAT's two seconds; Unix only) |
//! | `resolve` | each page's and section's links filled in, with their diagnostics and targets; the taxonomies' terms; the related-pages lists | the file's `source` fingerprint and the link world (every content path, output path and anchor, the outputs and static files a link may name) are the same; for the terms, every page's terms, date, title and path; for related pages, every term's pages and every page's date and path |
//! | `templates` | the compiled Tera templates | same template names, files and text (fingerprint) |
//! | `memo` | what each output was made from | the typed context has the same fingerprint (shared summaries counted by theirs), every `get_*` call a template made gives the same result; static files and assets: the same bytes |
//! | `search` | each document's search tokens | same document (fingerprint of its text and fields) |
//!
//! Every piece decides "changed" from content, through [`crate::fingerprint`]; nothing
//! trusts file sizes, modification times or the watcher's list of paths (the watcher only
//! says when to build again). The one shortcut is load's: a file whose stamp, change time
//! included, is the settled one it had when last read is not read again (the kernel sets the
//! change time on every write, and it cannot be set back).
//!
//! A new `State` is always correct, only slower: the served site equals a fresh build's
//! (tests/it/incremental.rs checks it over scripted edits).

use crate::load::LoadCache;
use crate::render::Memo;
use crate::resolve::ResolveMemo;
use crate::search::SearchCache;

/// What one build leaves for the next.
#[derive(Default)]
pub struct State {
    pub(crate) load: LoadCache,
    pub(crate) resolve: ResolveMemo,
    pub(crate) templates: Option<(u64, tera::Tera)>,
    pub(crate) memo: Memo,
    pub(crate) search: SearchCache,
    /// Keep nothing (a one-shot build): parsed files are dropped after loading and the
    /// pre-resolution HTML is freed once links are filled in.
    one_shot: bool,
}

impl State {
    /// A state for repeated builds of a changing site (`zhiku serve`).
    pub fn kept() -> State {
        State {
            load: LoadCache::kept(),
            ..State::default()
        }
    }

    /// A state for one build that keeps nothing for a next one (`zhiku build`, `check`).
    pub fn one_shot() -> State {
        State {
            one_shot: true,
            ..State::default()
        }
    }

    /// Is anything kept for a next build?
    pub fn keeps(&self) -> bool {
        !self.one_shot
    }

    /// How many content files are kept parsed.
    pub fn loaded_files(&self) -> usize {
        self.load.len()
    }

    /// How many content files the last build read (the others had the settled stamp they
    /// had when they were last read: see [`LoadCache`]).
    pub fn read_files(&self) -> usize {
        self.load.read()
    }

    /// How many pages and sections the last build resolved the links of rather than kept.
    pub fn resolved(&self) -> usize {
        self.resolve.resolved()
    }

    /// The outputs the last build rendered rather than kept (sorted; empty for a one-shot
    /// build).
    pub fn rendered(&self) -> &[String] {
        &self.memo.rendered
    }
}
