//! What resolving gave in the previous build, for `serve` (a piece of
//! [`crate::state::State`]): a one-page edit of a page's text resolves that page's links
//! again and keeps every other page's, and keeps the related-pages lists when no page's
//! terms, date or path changed. Each part is reused only when a fingerprint of everything it
//! reads is the same, so a kept result is the one resolving would give.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::site::{PageId, Ref, Resolved};

use super::Taxonomy;

/// What resolving one page's or section's links gave.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    /// [`crate::site::Page::source`] of the file it was resolved from.
    pub source: u64,
    pub resolved: Arc<Resolved>,
    /// The pages and sections it links to (for backlinks).
    pub targets: Vec<Ref>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The previous build's resolve results.
#[derive(Debug, Default)]
pub struct ResolveMemo {
    /// Fingerprint of what every page's link resolution reads besides the page itself
    /// (`links::world`): paths, anchors, outputs, static files.
    pub(crate) world: u64,
    pub(crate) links: HashMap<Ref, Links>,
    /// Fingerprint of what `course::related` reads, and what it gave.
    pub(crate) related: Kept<Vec<Vec<PageId>>>,
    /// Fingerprint of what `taxonomy::collect` reads, and what it gave.
    pub(crate) taxonomies: Kept<(Vec<Taxonomy>, Vec<Diagnostic>)>,
    /// Pages and sections whose links the last build resolved rather than kept.
    pub(crate) resolved: usize,
}

/// A result kept with the fingerprint of what it was made from.
pub(crate) type Kept<T> = Option<(u64, T)>;

/// What `make` gives, or what it gave last time when `key` (a fingerprint of everything it
/// reads) is the same; remembered in `slot`.
pub(crate) fn kept<T: Clone>(slot: &mut Kept<T>, key: u64, make: impl FnOnce() -> T) -> T {
    match slot {
        Some((k, kept)) if *k == key => kept.clone(),
        _ => {
            let made = make();
            *slot = Some((key, made.clone()));
            made
        }
    }
}

impl ResolveMemo {
    /// How many pages and sections the last build resolved rather than kept.
    pub fn resolved(&self) -> usize {
        self.resolved
    }
}
