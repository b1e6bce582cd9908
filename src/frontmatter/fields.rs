//! The typed front matter: the keys a page and a section may have, and the structs they are
//! read into ([`PageMeta`], [`SectionMeta`], the case's [`Source`]), with the YAML text kept
//! for positions found later.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::{Date, Split};

/// Keys a page's front matter may have (besides one list per configured taxonomy).
pub const PAGE_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "description",
    "slug",
    "weight",
    "draft",
    "template",
    "aliases",
    "source",
    "cases",
    "extra",
];

/// Keys a section's `_index.md` may have.
pub const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "sort_by",
    "paginate_by",
    "template",
    "page_template",
    "weight",
    "feed",
    "extra",
];

/// Where a case study comes from (`source:`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub publication: Option<String>,
    #[serde(default)]
    pub issue: Option<String>,
    /// Free text: `2018-12`, `2020`, `2018年12月`.
    #[serde(default, deserialize_with = "string_or_number")]
    pub date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum SN {
        S(String),
        I(i64),
    }
    Ok(Option::<SN>::deserialize(d)?.map(|v| match v {
        SN::S(s) => s,
        SN::I(i) => i.to_string(),
    }))
}

/// A page's front matter, typed. Taxonomy lists are kept apart in [`PageMeta::taxonomies`].
#[derive(Debug, Clone, Deserialize, Default)]
pub struct PageFields {
    pub title: String,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub updated: Option<Date>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub cases: Vec<String>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A page's whole front matter.
#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    pub fields: PageFields,
    /// Taxonomy name → terms, in the order written.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Line in the file of each top-level key (for later errors, e.g. a bad `cases:` entry).
    pub key_lines: BTreeMap<String, usize>,
    /// Line and column in the file of each entry of `aliases:` (for errors about an alias),
    /// found once when parsing so that no later stage reads the file again.
    pub alias_positions: Vec<(usize, usize)>,
    /// The front matter as written, for errors found later (a template failing on a value).
    pub text: FrontMatterText,
}

/// The YAML of a front matter as written and the file line it starts at: later stages find
/// the line of a nested key in it instead of reading the file again.
#[derive(Debug, Clone, Default)]
pub struct FrontMatterText {
    pub yaml: std::sync::Arc<str>,
    /// 1-based line of the first YAML line in the file.
    pub first_line: usize,
}

impl FrontMatterText {
    pub(super) fn of(split: &Split<'_>) -> Self {
        FrontMatterText {
            yaml: split.yaml.into(),
            first_line: split.yaml_line,
        }
    }

    /// (line in the file, line) of every line.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.yaml
            .lines()
            .enumerate()
            .map(|(i, l)| (i + self.first_line, l))
    }
}

/// How a section sorts its pages.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// By `weight`, ascending (course order).
    #[default]
    Weight,
    /// By `date`, newest first.
    Date,
    /// By title.
    Title,
}

/// A section's `_index.md` front matter.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub sort_by: SortBy,
    #[serde(default)]
    pub paginate_by: Option<usize>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub page_template: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    /// Write an Atom feed for this section (default: yes).
    #[serde(default)]
    pub feed: Option<bool>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Line in the file of each top-level key (for later errors, e.g. an unknown template).
    #[serde(skip)]
    pub key_lines: BTreeMap<String, usize>,
    /// The front matter as written, for errors found later.
    #[serde(skip)]
    pub text: FrontMatterText,
}
