//! The index files: manifest, shards, document files and the filters' data, as JSONP.

use std::collections::HashMap;
use std::io::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use super::codec::{vlq, Groups};
use super::{Doc, Encoded, Facet, Index, CALLBACK, MAX_TEXT_CHARS};

#[derive(Serialize)]
pub(crate) struct Manifest<'a> {
    pub(crate) v: u32,
    pub(crate) build: &'a str,
    /// The id document files carry (see [`layout_id`]).
    pub(crate) layout: &'a str,
    pub(crate) shards: usize,
    /// The characters whose tokens are grouped by their first two (see [`Groups`]).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub(crate) split: &'a str,
    /// The id each shard file carries (a hash of its data), [`FILE_ID_LEN`] characters
    /// each, shard after shard: a shard file is the same from one build to the next when
    /// its tokens' postings are.
    pub(crate) sh: &'a str,
    /// The ids of `fold.js` and `facets.js`, the same way.
    pub(crate) fh: &'a str,
    pub(crate) th: &'a str,
    pub(crate) docs: usize,
    /// The taxonomies, `[name, title]`, in the order of the documents' terms (`k`, `n`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) tax: Vec<[&'a str; 2]>,
}

/// `__zhikuSearch("kind","build",id,<data as JSON>);`
pub(crate) fn jsonp(kind: &str, build: &str, id: usize, data: &impl Serialize) -> Vec<u8> {
    let mut json = Vec::new();
    if serde_json::to_writer(&mut json, data).is_err() {
        json.extend_from_slice(b"null");
    }
    wrap(kind, build, id, &json)
}

/// `__zhikuSearch("kind","build",id,<json>);`
pub(crate) fn wrap(kind: &str, build: &str, id: usize, json: &[u8]) -> Vec<u8> {
    let mut out = format!("{CALLBACK}(\"{kind}\",\"{build}\",{id},").into_bytes();
    out.reserve(json.len() + 3);
    out.extend_from_slice(json);
    out.extend_from_slice(b");\n");
    out
}

/// Characters of a file id (hex digits of a blake3 hash of the file's data).
pub const FILE_ID_LEN: usize = 8;

/// The id of a file whose data is `json`: it changes when the data does.
pub(crate) fn file_id(json: &[u8]) -> String {
    blake3::hash(json).to_hex()[..FILE_ID_LEN].to_string()
}

/// What [`snippet_json`] does with a byte: copy it, end a run of whitespace, escape it, or
/// look at the character it starts (which may be Unicode whitespace).
pub(crate) const COPY: u8 = 0;
pub(crate) const SPACE: u8 = 1;
pub(crate) const ESCAPE: u8 = 2;
pub(crate) const CHECK: u8 = 3;
pub(crate) static SNIPPET_BYTES: [u8; 256] = {
    let mut t = [COPY; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = ESCAPE;
        b += 1;
    }
    t[b'\t' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[0x0B] = SPACE;
    t[0x0C] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[b' ' as usize] = SPACE;
    t[b'"' as usize] = ESCAPE;
    t[b'\\' as usize] = ESCAPE;
    // First bytes of the non-ASCII whitespace: U+0085, U+00A0 (C2), U+1680 (E1),
    // U+2000–U+205F (E2), U+3000 (E3).
    t[0xC2] = CHECK;
    t[0xE1] = CHECK;
    t[0xE2] = CHECK;
    t[0xE3] = CHECK;
    t
};

/// Append the snippet text of `body` as a JSON string (what serde_json writes): blocks (lines)
/// stay apart, one `\n` between two blocks; within a block runs of whitespace become one space;
/// no whitespace at either end of a block, no empty blocks; at most [`MAX_TEXT_CHARS`]
/// characters of `body` are read. One pass, copying runs of bytes.
pub(crate) fn snippet_json(body: &str, out: &mut Vec<u8>) {
    let body = truncated(body);
    let b = body.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let start = out.len();
    // `b[run..i]` is to be copied; what is due before whatever comes next: nothing, a space
    // or a block break.
    const NONE: u8 = 0;
    const SP: u8 = 1;
    const NL: u8 = 2;
    let (mut run, mut i, mut due) = (0, 0, NONE);
    let flush = |out: &mut Vec<u8>, due: &mut u8, bytes: &[u8]| {
        if !bytes.is_empty() {
            match *due {
                SP => out.push(b' '),
                NL => out.extend_from_slice(b"\\n"),
                _ => {}
            }
            *due = NONE;
            out.extend_from_slice(bytes);
        }
    };
    // A whitespace character: a space is due, or a break for a newline (when there is text
    // before it).
    let white = |out: &Vec<u8>, due: &mut u8, newline: bool| {
        if out.len() > start {
            *due = if newline || *due == NL { NL } else { SP };
        }
    };
    while i < b.len() {
        let x = b[i];
        match SNIPPET_BYTES[usize::from(x)] {
            COPY => i += 1,
            SPACE => {
                flush(out, &mut due, &b[run..i]);
                white(out, &mut due, x == b'\n');
                i += 1;
                run = i;
            }
            ESCAPE => {
                flush(out, &mut due, &b[run..i]);
                match due {
                    SP => out.push(b' '),
                    NL => out.extend_from_slice(b"\\n"),
                    _ => {}
                }
                due = NONE;
                match x {
                    b'"' => out.extend_from_slice(b"\\\""),
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    0x08 => out.extend_from_slice(b"\\b"),
                    _ => {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        out.extend_from_slice(b"\\u00");
                        out.push(HEX[usize::from(x >> 4)]);
                        out.push(HEX[usize::from(x & 15)]);
                    }
                }
                i += 1;
                run = i;
            }
            _ => {
                let c = body[i..].chars().next().unwrap_or(' ');
                if c.is_whitespace() {
                    flush(out, &mut due, &b[run..i]);
                    white(out, &mut due, false);
                    i += c.len_utf8();
                    run = i;
                } else {
                    i += c.len_utf8();
                }
            }
        }
    }
    flush(out, &mut due, &b[run..]);
    out.push(b'"');
}

/// At most [`MAX_TEXT_CHARS`] characters of `body`.
pub(crate) fn truncated(body: &str) -> &str {
    // Characters are at most as many as bytes.
    match body.len() > MAX_TEXT_CHARS {
        true => body
            .char_indices()
            .nth(MAX_TEXT_CHARS)
            .map_or(body, |(cut, _)| &body[..cut]),
        false => body,
    }
}

/// `s` with runs of whitespace as one space and none at the ends (a block of [`snippet_json`]).
pub(crate) fn collapsed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where the sections start among the blocks of the snippet text: (block, heading id) for
/// each heading found in order as a block of its own (the id is empty for a heading
/// without one: its section links to the top of the page).
pub(crate) fn section_starts<'d>(d: &'d Doc) -> Vec<(usize, &'d str)> {
    let heads: Vec<(String, &str)> = d
        .headings
        .iter()
        .zip(d.anchors.iter().map(String::as_str))
        .map(|(h, id)| (collapsed(h), id))
        .collect();
    let mut out = Vec::new();
    let (mut next, mut block) = (0, 0);
    for line in truncated(&d.body).split('\n') {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // The next heading, or one of the two after it (a heading not found as a block of its
        // own, which is unusual, does not hide the later ones). Most lines are not headings:
        // they are collapsed only when they could be one.
        let same = |h: &str| {
            line == h
                || (line.len() > h.len()
                    && line.contains(char::is_whitespace)
                    && collapsed(line) == h)
        };
        if let Some(k) = heads[next.min(heads.len())..]
            .iter()
            .take(3)
            .position(|(h, _)| same(h))
        {
            out.push((block, heads[next + k].1));
            next += k + 1;
        }
        block += 1;
    }
    out
}

/// The data of a document file: `{"t":title,"u":path,"s":section,"k":[terms],"n":[counts],
/// "p":top,"h":[[block,id],…],"x":text}` (`k`, `n` only when there are terms, `p` only when
/// there is a top section, `h` only when there are sections), as serde_json writes it.
pub(crate) fn doc_json(d: &Doc, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"t\":");
    json_str(out, &d.title);
    out.extend_from_slice(b",\"u\":");
    json_str(out, &d.path);
    out.extend_from_slice(b",\"s\":");
    json_str(out, &d.section);
    if !d.terms.is_empty() {
        out.extend_from_slice(b",\"k\":[");
        for (n, t) in d.terms.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            json_str(out, t);
        }
        out.extend_from_slice(b"],\"n\":[");
        for (n, c) in d.term_counts.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let _ = write!(out, "{c}");
        }
        out.push(b']');
    }
    if !d.top.is_empty() {
        out.extend_from_slice(b",\"p\":");
        json_str(out, &d.top);
    }
    let starts = section_starts(d);
    if !starts.is_empty() {
        out.extend_from_slice(b",\"h\":[");
        for (n, (block, id)) in starts.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let _ = write!(out, "[{block},");
            json_str(out, id);
            out.push(b']');
        }
        out.push(b']');
    }
    out.extend_from_slice(b",\"x\":");
    snippet_json(&d.body, out);
    out.push(b'}');
}

/// Everything but the document files, which [`IndexFiles::doc_file`] makes one at a time
/// (so that they can go to the sink as they are made).
pub(crate) struct IndexFiles {
    /// Manifest, fold table, shards and the filters' data.
    pub head: Vec<(String, Vec<u8>)>,
    pub build: String,
    /// Which document each id is: the id document files carry instead of the build id.
    pub layout: String,
    /// With a cache: whether document `id`'s file is the same as the last build's (same
    /// document at the same id, same layout).
    pub(crate) same: Vec<bool>,
    pub(crate) dir: String,
    pub tokens: usize,
    pub postings: usize,
    pub shards: usize,
}

impl IndexFiles {
    /// The path of document `id`'s file (`search/d/<id>.js`).
    pub fn doc_path(&self, id: usize) -> String {
        format!("{}d/{id}.js", self.dir)
    }

    /// Is document `id`'s file the same as the last build's? (Only known with a cache.)
    pub fn doc_unchanged(&self, id: usize) -> bool {
        self.same.get(id).copied().unwrap_or(false)
    }

    /// The file of document `id` (`search/d/<id>.js`).
    pub fn doc_file(&self, id: usize, d: &Doc) -> (String, Vec<u8>) {
        let mut out = Vec::with_capacity(d.body.len() + d.title.len() + 256);
        let _ = write!(out, "{CALLBACK}(\"d\",\"{}\",{id},", self.layout);
        doc_json(d, &mut out);
        out.extend_from_slice(b");\n");
        (self.doc_path(id), out)
    }

    /// All files, in the order of [`Index::files`].
    pub fn into_index(self, docs: &[Doc]) -> Index {
        let doc_files: Vec<(String, Vec<u8>)> = docs
            .par_iter()
            .enumerate()
            .map(|(i, d)| self.doc_file(i, d))
            .collect();
        let mut files = self.head;
        files.extend(doc_files);
        Index {
            files,
            build: self.build,
            docs: docs.len(),
            tokens: self.tokens,
            postings: self.postings,
            shards: self.shards,
        }
    }
}

/// A shard: `{"group":"suffix:postings,suffix:postings",…}`, tokens in order (a token is its
/// group and a suffix, empty for the group itself; tokens never hold `:` or `,`, and postings
/// are base 64). One string per group rather than an object: a third smaller, since most
/// tokens have one or two postings.
pub(crate) fn shard_json<'a>(
    groups: &Groups,
    tokens: impl Iterator<Item = &'a Encoded>,
) -> Vec<u8> {
    let mut out = vec![b'{'];
    let mut group: Option<&str> = None;
    let mut entries = String::new();
    let flush = |out: &mut Vec<u8>, g: &str, entries: &str, first: bool| {
        if !first {
            out.push(b',');
        }
        json_str(out, g);
        out.push(b':');
        json_str(out, entries);
    };
    let mut first = true;
    for (tok, postings, _) in tokens {
        let g = groups.of(tok);
        if group != Some(g) {
            if let Some(prev) = group {
                flush(&mut out, prev, &entries, first);
                first = false;
            }
            entries.clear();
            group = Some(g);
        } else {
            entries.push(',');
        }
        entries.push_str(&tok[g.len()..]);
        entries.push(':');
        entries.push_str(postings);
    }
    if let Some(prev) = group {
        flush(&mut out, prev, &entries, first);
    }
    out.push(b'}');
    out
}

pub(crate) fn json_str(out: &mut Vec<u8>, s: &str) {
    if serde_json::to_writer(&mut *out, s).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

/// The data of `search/facets.js`, the filters': the top-level sections (`top`: titles;
/// `d`: each document's, as an index into `top`, −1 for none) and for each taxonomy its
/// name, title and terms, each with its documents (ids as deltas in the postings'
/// base-64 numbers), most used first. Loaded by the search page only.
pub(crate) fn facets_json(docs: &[Doc], tax: &[Facet]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Tax<'a> {
        n: &'a str,
        t: &'a str,
        terms: Vec<(&'a str, String)>,
    }
    #[derive(Serialize)]
    struct Facets<'a> {
        top: Vec<&'a str>,
        d: Vec<i32>,
        tax: Vec<Tax<'a>>,
    }
    let mut top: Vec<&str> = Vec::new();
    let mut d = Vec::with_capacity(docs.len());
    let n_tax = docs
        .iter()
        .map(|x| x.term_counts.len())
        .max()
        .unwrap_or(0)
        .max(tax.len());
    let mut per: Vec<HashMap<&str, Vec<u32>>> = vec![HashMap::new(); n_tax];
    for (id, doc) in docs.iter().enumerate() {
        if doc.top.is_empty() {
            d.push(-1);
        } else {
            let i = match top.iter().position(|t| *t == doc.top) {
                Some(i) => i,
                None => {
                    top.push(&doc.top);
                    top.len() - 1
                }
            };
            d.push(i as i32);
        }
        let mut at = 0;
        for (t, &n) in doc.term_counts.iter().enumerate() {
            let end = (at + n).min(doc.terms.len());
            for term in &doc.terms[at.min(end)..end] {
                let ids = per[t].entry(term.as_str()).or_default();
                if ids.last() != Some(&(id as u32)) {
                    ids.push(id as u32);
                }
            }
            at = end;
        }
    }
    let tax = per
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let mut terms: Vec<(&str, Vec<u32>)> = m.into_iter().collect();
            terms.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
            let (n, t) = tax
                .get(i)
                .map_or(("", ""), |f| (f.name.as_str(), f.title.as_str()));
            Tax {
                n,
                t,
                terms: terms
                    .into_iter()
                    .map(|(term, ids)| {
                        let mut s = String::with_capacity(ids.len() * 2);
                        let mut prev = 0;
                        for id in ids {
                            vlq(id - prev, &mut s);
                            prev = id;
                        }
                        (term, s)
                    })
                    .collect(),
            }
        })
        .collect();
    let data = Facets { top, d, tax };
    serde_json::to_vec(&data).unwrap_or_else(|_| b"null".to_vec())
}
