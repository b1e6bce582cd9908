//! What resolving gave in the previous build, for `serve` (a piece of
//! [`crate::state::State`]): a one-page edit of a page's text resolves that page's links
//! again and keeps every other page's, and keeps the related-pages lists when no page's
//! terms, date or path changed. Each part is reused only when a fingerprint of everything it
//! reads is the same, so a kept result is the one resolving would give.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::site::{PageId, Ref, Resolved};

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
    pub(crate) related: Option<(u64, Vec<Vec<PageId>>)>,
    /// Pages and sections whose links the last build resolved rather than kept.
    pub(crate) resolved: usize,
}

impl ResolveMemo {
    /// How many pages and sections the last build resolved rather than kept.
    pub fn resolved(&self) -> usize {
        self.resolved
    }
}
