//! Heading ids (readable Chinese ids, unique in the page; an explicit `{#id}` wins) and the
//! table of contents built from the headings.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use serde::Serialize;

use crate::slug::{heading_id, UniqueIds};

use super::Rendered;

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

pub(super) struct HeadingInfo {
    level: u8,
    id: String,
    title: String,
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

pub(super) fn assign_heading_ids(
    events: &mut [(Event<'_>, Range<usize>)],
    out: &mut Rendered,
) -> Vec<HeadingInfo> {
    let mut ids = UniqueIds::default();
    // Explicit ids are reserved first so derived ids never take them.
    for (e, _) in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = e {
            ids.reserve(id);
        }
    }
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = level_num(*level);
            let explicit = id.clone();
            let mut title = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    title.push_str(t);
                }
                j += 1;
            }
            let id = match explicit {
                Some(id) => id.to_string(),
                None => ids.unique(&heading_id(&title)),
            };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i].0 {
                *slot = Some(CowStr::from(id.clone()));
            }
            out.anchors.push(id.clone());
            headings.push(HeadingInfo {
                level,
                id,
                title: title.trim().to_string(),
            });
            i = j;
        }
        i += 1;
    }
    headings
}

pub(super) fn build_toc(headings: &[HeadingInfo]) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if entry.level > last.level => insert(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut toc = Vec::new();
    for h in headings.iter().filter(|h| h.level >= 2) {
        insert(
            &mut toc,
            TocEntry {
                level: h.level,
                id: h.id.clone(),
                title: h.title.clone(),
                children: Vec::new(),
            },
        );
    }
    toc
}
