//! Footnotes, endnotes and comments: the note parts read once, each note converted the first
//! time it is referenced.

use std::collections::HashMap;

use crate::docx::ooxml::Element;

use super::model::{Converter, Item, Where};

impl Converter<'_> {
    /// The label of a footnote (`end` false) or endnote, converting the note the first time.
    pub(super) fn note_ref(&mut self, end: bool, id: &str) -> Option<String> {
        if let Some(l) = self.note_labels.get(&(end, id.to_string())) {
            return Some(l.clone());
        }
        let el = if end {
            self.endnotes.get(id).cloned()
        } else {
            self.footnotes.get(id).cloned()
        };
        let Some(el) = el else {
            self.note(format!(
                "a {} reference points to a note the document does not have",
                if end { "endnote" } else { "footnote" }
            ));
            return None;
        };
        let label = (self.note_defs.len() + 1).to_string();
        self.note_labels
            .insert((end, id.to_string()), label.clone());
        let saved_loc = std::mem::replace(&mut self.loc, format!("footnote {label}"));
        let saved_fields = std::mem::take(&mut self.fields);
        let saved_marks = std::mem::take(&mut self.bookmarks);
        // Reserve the slot so notes inside notes number after this one.
        self.note_defs.push((label.clone(), Vec::new()));
        let slot = self.note_defs.len() - 1;
        let items = self.blocks(&el, &Where::Note(label.clone()));
        let mut paras = Vec::new();
        for it in items {
            match it {
                Item::Para(p) => paras.push(p),
                Item::Table { .. } => {}
            }
        }
        self.note_defs[slot].1 = paras;
        self.loc = saved_loc;
        self.fields = saved_fields;
        self.bookmarks = saved_marks;
        Some(label)
    }
}

pub(super) fn note_map(root: Option<&Element>, name: &str) -> HashMap<String, Element> {
    let mut m = HashMap::new();
    if let Some(root) = root {
        for n in root.elements().filter(|e| e.name == name) {
            if matches!(
                n.attr("w:type"),
                Some("separator" | "continuationSeparator" | "continuationNotice")
            ) {
                continue;
            }
            if let Some(id) = n.attr("w:id") {
                m.insert(id.to_string(), n.clone());
            }
        }
    }
    m
}

pub(super) fn comment_map(root: Option<&Element>) -> HashMap<String, (String, String)> {
    let mut m = HashMap::new();
    if let Some(root) = root {
        for c in root.elements().filter(|e| e.name == "w:comment") {
            if let Some(id) = c.attr("w:id") {
                m.insert(
                    id.to_string(),
                    (
                        c.attr("w:author").unwrap_or("").to_string(),
                        c.text().trim().to_string(),
                    ),
                );
            }
        }
    }
    m
}
