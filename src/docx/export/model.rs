//! The Word document export builds: paragraphs of runs (text, breaks, links, images, note
//! references), tables of cells, and the parts' relationships.

use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct RunFmt {
    pub(super) b: bool,
    pub(super) i: bool,
    pub(super) u: bool,
    pub(super) s: bool,
    pub(super) sup: bool,
    pub(super) sub: bool,
    pub(super) code: bool,
}

#[derive(Debug, Clone)]
pub(super) enum Run {
    Text(String, RunFmt),
    Break,
    /// An image: relationship id, size in EMU, description.
    Image {
        rid: String,
        cx: u64,
        cy: u64,
        alt: String,
        id: usize,
    },
}

#[derive(Debug, Clone)]
pub(super) enum Inline {
    Run(Run),
    /// Runs inside a hyperlink: external relationship id or an internal bookmark.
    Link {
        rid: Option<String>,
        anchor: Option<String>,
        runs: Vec<Run>,
    },
}

#[derive(Debug, Clone, Default)]
pub(super) struct Para {
    pub(super) style: Option<&'static str>,
    pub(super) inlines: Vec<Inline>,
    pub(super) num: Option<(usize, usize)>,
    pub(super) page_break: bool,
    pub(super) bookmarks: Vec<String>,
    /// Left indent in twips (text under a list item).
    pub(super) indent: Option<u32>,
    pub(super) center: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub(super) paras: Vec<Para>,
    pub(super) span: usize,
    /// `Some(true)` starts a vertical merge, `Some(false)` continues one.
    pub(super) vmerge: Option<bool>,
    pub(super) header: bool,
}

#[derive(Debug, Clone)]
pub(super) enum Block {
    Para(Para),
    Table(Vec<Vec<Cell>>),
}

#[derive(Default)]
pub(super) struct Doc {
    pub(super) blocks: Vec<Block>,
    /// Relationships: id → (type, target, external).
    pub(super) rels: Vec<(String, &'static str, String, bool)>,
    /// Media files: name → bytes.
    pub(super) media: Vec<(String, Vec<u8>)>,
    pub(super) media_by_path: HashMap<String, String>,
    /// Ordered lists: each gets its own w:num so numbering restarts.
    pub(super) ordered_lists: usize,
    pub(super) headings: usize,
    pub(super) tables: usize,
    pub(super) images: usize,
    pub(super) notes: Vec<String>,
    /// Bookmark names given out (Word's names: ≤ 40 characters, unique).
    pub(super) bookmarks: HashMap<String, String>,
}

pub(super) const BULLET_NUM: usize = 1;
