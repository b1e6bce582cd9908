//! Collecting every token's postings from the documents' tokens, in parallel parts.

use std::collections::HashMap;

use rayon::prelude::*;

use super::codec::{next_posting, push_posting};
use super::count::unpack;
use super::doc_tokens::{DocTokens, PARTS};
use super::Fx;

/// A token's postings while they are collected, already encoded (documents come in
/// increasing order).
pub(crate) struct Acc {
    last: u32,
    pub(crate) n: u32,
    pub(crate) s: String,
}

impl Acc {
    pub(crate) fn new(id: u32, code: u32) -> Acc {
        let mut a = Acc {
            last: 0,
            n: 0,
            s: String::new(),
        };
        a.push(id, code);
        a
    }

    /// The code of the only posting of a document's token (see [`DocTokens::for_each`]).
    pub(crate) fn first_code(&self) -> u32 {
        next_posting(self.s.as_bytes(), &mut 0).1
    }

    pub(crate) fn push(&mut self, id: u32, code: u32) {
        push_posting(id - self.last, code, &mut self.s);
        self.last = id;
        self.n += 1;
    }
}

#[derive(Default)]
pub(crate) struct PartPostings {
    pub(crate) short: HashMap<u64, Acc, Fx>,
    pub(crate) long: HashMap<Box<str>, Acc, Fx>,
}

/// (token, encoded postings, number of documents).
pub(crate) type Encoded = (Box<str>, String, usize);

/// Every token's postings from the tokens of every document (in order; `None` for a
/// document without tokens), sorted by token.
pub(crate) fn collect(docs: &[Option<&DocTokens>]) -> Vec<Encoded> {
    let mut encoded: Vec<Encoded> = (0..PARTS)
        .into_par_iter()
        .map(|p| collect_part(p, docs))
        .flatten_iter()
        .collect();
    encoded.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    encoded
}

/// The postings of the tokens of part `p`, from every document in order.
pub(crate) fn collect_part(p: usize, docs: &[Option<&DocTokens>]) -> Vec<Encoded> {
    let mut acc = PartPostings::default();
    for (id, d) in docs.iter().enumerate() {
        if let Some(d) = d {
            d.add_part(p, id as u32, &mut acc);
        }
    }
    let PartPostings { short, long } = acc;
    short
        .into_iter()
        .map(|(k, a)| (unpack(k).into_boxed_str(), a.s, a.n as usize))
        .chain(long.into_iter().map(|(t, a)| (t, a.s, a.n as usize)))
        .collect()
}
