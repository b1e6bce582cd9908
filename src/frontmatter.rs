//! Front matter: the YAML block between `---` lines at the top of every Markdown file.
//!
//! This is the only module that touches serde_yaml (archived upstream), so a maintained
//! drop-in fork can replace it here alone. Errors carry the line and column in the *file*
//! (serde_yaml's locations are relative to the YAML block; the block's offset is added).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest front matter accepted, in bytes.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// Most terms one page may have in one taxonomy. Terms are for browsing: every term page
/// lists the page with its terms, so a page with n terms costs n² work; a real page has a
/// handful. (10,000 tags on one page is refused here, in linear time.)
pub const MAX_TERMS_PER_PAGE: usize = 100;

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

/// A problem in the front matter, positioned in the file (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl FrontMatterError {
    fn new(
        line: usize,
        column: Option<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        FrontMatterError {
            line,
            column,
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

/// A Markdown file split into front matter and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text (without the `---` lines).
    pub yaml: &'a str,
    /// 1-based line of the first YAML line in the file.
    pub yaml_line: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// 1-based line of the first body line in the file.
    pub body_line: usize,
}

/// Split `text` (already decoded, LF line endings) at its `---` fences.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text.trim().is_empty() {
        return Err(FrontMatterError::new(
            1,
            None,
            "the file is empty",
            "start it with front matter: a line `---`, then `title: 标题`, then a line `---`, then the text",
        ));
    }
    if text[..first_line_end].trim_end() != "---" {
        return Err(FrontMatterError::new(
            1,
            Some(1),
            "the file does not start with front matter (a line `---`)",
            "put `---`, then at least `title: 标题`, then `---` above the text",
        ));
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &text[yaml_start..offset];
            let body_start = offset + line.len();
            return Ok(Split {
                yaml,
                yaml_line: 2,
                body: &text[body_start.min(text.len())..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(FrontMatterError::new(
        1,
        Some(1),
        "the front matter starting here is never closed",
        "add a line `---` after the last front-matter line",
    ))
}

/// A date from front matter: a year (`2018`), a month (`2018-12`), a day (`2018-12-01`) or
/// RFC 3339 (`2018-12-01T09:30:00+08:00`). It keeps the precision the author wrote, so that a
/// source known only by its year is never shown as 1 January.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The calendar day (in the date's own offset); the first of the month or year when only
    /// those were written.
    pub day: NaiveDate,
    /// The full timestamp when one was given.
    pub time: Option<DateTime<FixedOffset>>,
    /// What was written: a year, a month or a day.
    pub precision: DatePrecision,
}

/// How much of a date the author wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DatePrecision {
    Year,
    Month,
    Day,
}

impl Date {
    /// Parse `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or RFC 3339.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if s.len() == 4 && digits(s) {
            let day = NaiveDate::from_ymd_opt(s.parse().ok()?, 1, 1)?;
            return Some(Date {
                day,
                time: None,
                precision: DatePrecision::Year,
            });
        }
        if s.len() == 7 && digits(&s[..4]) && s.as_bytes()[4] == b'-' && digits(&s[5..]) {
            let day = NaiveDate::from_ymd_opt(s[..4].parse().ok()?, s[5..].parse().ok()?, 1)?;
            return Some(Date {
                day,
                time: None,
                precision: DatePrecision::Month,
            });
        }
        if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            if s.len() == 10 {
                return Some(Date {
                    day,
                    time: None,
                    precision: DatePrecision::Day,
                });
            }
        }
        let t = DateTime::parse_from_rfc3339(s).ok()?;
        Some(Date {
            day: t.date_naive(),
            time: Some(t),
            precision: DatePrecision::Day,
        })
    }

    /// RFC 3339 timestamp, midnight UTC+8 for a plain date (for feeds and sitemaps).
    pub fn rfc3339(&self) -> String {
        match &self.time {
            Some(t) => t.to_rfc3339(),
            None => format!("{}T00:00:00+08:00", self.day.format("%Y-%m-%d")),
        }
    }

    /// The date as written, without the time: `2018`, `2018-12` or `2018-12-01` (W3C
    /// datetime, for sitemaps).
    pub fn as_written(&self) -> String {
        match self.precision {
            DatePrecision::Year => self.day.format("%Y").to_string(),
            DatePrecision::Month => self.day.format("%Y-%m").to_string(),
            DatePrecision::Day => self.day.format("%Y-%m-%d").to_string(),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.time {
            Some(t) => write!(f, "{}", t.to_rfc3339()),
            None => f.write_str(&self.as_written()),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2018, 2018-12, 2018-12-01 or 2018-12-01T09:30:00+08:00")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "invalid date `{v}`: write YYYY-MM-DD (2018-12-01), a month YYYY-MM (2018-12), a year YYYY (2018) or RFC 3339 (2018-12-01T09:30:00+08:00)"
                    ))
                })
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Date, E> {
                // `date: 2018` is a year.
                match v {
                    1000..=9999 => self.visit_str(&v.to_string()),
                    _ => Err(E::custom(format!(
                        "invalid date `{v}`: write a year (2018), a month (2018-12) or a day (2018-12-01), here perhaps {}",
                        date_example(v)
                    ))),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Date, E> {
                self.visit_i64(v as i64)
            }
        }
        d.deserialize_any(V)
    }
}

/// A valid date built from a number an author wrote as a date: `20230101` → `2023-01-01`,
/// `202301` → `2023-01` (a month); anything else → an example date.
fn date_example(v: i64) -> String {
    let digits = v.to_string();
    let ymd = |y: &str, m: &str, d: &str| -> Option<String> {
        let s = format!("{y}-{m}-{d}");
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok().map(|_| s)
    };
    let found = match digits.len() {
        8 => ymd(&digits[..4], &digits[4..6], &digits[6..]),
        6 => ymd(&digits[..4], &digits[4..], "01").map(|d| d[..7].to_string()),
        4 => ymd(&digits, "01", "01"),
        _ => None,
    };
    found.unwrap_or_else(|| "2018-12-01".to_string())
}

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
    fn of(split: &Split<'_>) -> Self {
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

/// Parse a page's front matter. `taxonomies` are the configured taxonomy names.
pub fn parse_page(
    split: &Split<'_>,
    taxonomies: &[&str],
) -> Result<PageMeta, Vec<FrontMatterError>> {
    let mapping = parse_mapping(split)?;
    let key_lines = key_lines(split);
    let mut errors = Vec::new();
    let mut tax = BTreeMap::new();
    for (key, value) in &mapping {
        let Some(key) = key.as_str() else {
            errors.push(FrontMatterError::new(
                split.yaml_line,
                None,
                "a front-matter key is not text",
                "write keys as plain words",
            ));
            continue;
        };
        let line = key_lines.get(key).copied().unwrap_or(split.yaml_line);
        if taxonomies.contains(&key) {
            match terms_of(value) {
                Some(terms) if terms.len() > MAX_TERMS_PER_PAGE => {
                    errors.push(FrontMatterError::new(
                        line,
                        Some(1),
                        format!(
                            "`{key}` has {} terms; a page may have at most {MAX_TERMS_PER_PAGE}",
                            terms.len()
                        ),
                        "keep the few terms a reader would browse by; put long lists in the text",
                    ));
                }
                Some(terms) => {
                    tax.insert(key.to_string(), terms);
                }
                None => errors.push(FrontMatterError::new(
                    line,
                    Some(1),
                    format!("`{key}` must be a list of terms"),
                    format!("write `{key}: [组织覆盖, 组织力]`"),
                )),
            }
        } else if !PAGE_KEYS.contains(&key) {
            errors.push(unknown_key(
                key,
                line,
                PAGE_KEYS.iter().copied().chain(taxonomies.iter().copied()),
            ));
        }
    }
    let mapping = nulls_as_absent(mapping, &["title"]);
    let fields = match typed::<PageFields>(mapping, split) {
        Ok(f) => Some(f),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if let Some(f) = &fields {
        if f.title.trim().is_empty() {
            let line = key_lines.get("title").copied().unwrap_or(split.yaml_line);
            errors.push(FrontMatterError::new(
                line,
                None,
                "the title is empty",
                "write a title after `title:`",
            ));
        }
    }
    if let Some(url) = fields
        .as_ref()
        .and_then(|f| f.source.as_ref())
        .and_then(|s| s.url.as_deref())
    {
        if let Some(scheme) = unsafe_scheme(url) {
            let line = key_lines.get("source").copied().unwrap_or(split.yaml_line);
            let line = split
                .yaml
                .lines()
                .enumerate()
                .skip(line - split.yaml_line)
                .find(|(_, l)| l.trim_start().starts_with("url:"))
                .map_or(line, |(i, _)| split.yaml_line + i);
            errors.push(FrontMatterError::new(
                line,
                None,
                format!("`source.url` uses `{scheme}:`, which is not a web address"),
                "write the original article's address, starting with https:// or http://",
            ));
        }
    }
    match fields {
        Some(fields) if errors.is_empty() => Ok(PageMeta {
            alias_positions: fields
                .aliases
                .iter()
                .map(|a| entry_position(split, &key_lines, "aliases", a))
                .collect(),
            text: FrontMatterText::of(split),
            fields,
            taxonomies: tax,
            key_lines,
        }),
        _ => Err(errors),
    }
}

/// Parse a section's front matter.
pub fn parse_section(split: &Split<'_>) -> Result<SectionMeta, Vec<FrontMatterError>> {
    let mapping = parse_mapping(split)?;
    let key_lines = key_lines(split);
    let mut errors = Vec::new();
    for key in mapping.keys().filter_map(|k| k.as_str()) {
        if !SECTION_KEYS.contains(&key) {
            let line = key_lines.get(key).copied().unwrap_or(split.yaml_line);
            errors.push(unknown_key(key, line, SECTION_KEYS.iter().copied()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Unknown keys were reported above with better help; deny_unknown_fields catches the rest.
    let mut meta =
        typed::<SectionMeta>(nulls_as_absent(mapping, &[]), split).map_err(|e| vec![e])?;
    meta.key_lines = key_lines;
    meta.text = FrontMatterText::of(split);
    Ok(meta)
}

/// Line and column in the file of `entry`, an entry of the list under `key` (`aliases:`):
/// the first occurrence from the key's line on (after its colon on that line), or the
/// key's line when it cannot be found.
fn entry_position(
    split: &Split<'_>,
    key_lines: &BTreeMap<String, usize>,
    key: &str,
    entry: &str,
) -> (usize, usize) {
    let key_line = key_lines.get(key).copied().unwrap_or(split.yaml_line);
    let entry = entry.trim();
    split
        .yaml
        .lines()
        .enumerate()
        .map(|(i, l)| (i + split.yaml_line, l))
        .skip_while(|&(n, _)| n < key_line)
        .take(200)
        .find_map(|(n, l)| {
            // Skip the key itself: `aliases: [/a/]` must find `/a/` after the colon.
            let from = if n == key_line {
                l.find(':').map_or(0, |c| c + 1)
            } else {
                0
            };
            l[from..]
                .find(entry)
                .map(|b| (n, l[..from + b].chars().count() + 1))
        })
        .unwrap_or((key_line, 1))
}

/// The scheme of `url` unless it is a web, mail or relative address (`javascript:`,
/// `data:`, `vbscript:`, `file:` …). Tabs, newlines and spaces browsers ignore are ignored
/// here too (`jav\tascript:`).
pub fn unsafe_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    if scheme.is_empty()
        || scheme.contains(['/', '?', '#'])
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let lower = scheme.to_ascii_lowercase();
    if matches!(lower.as_str(), "http" | "https" | "mailto" | "ftp") {
        None
    } else {
        Some(lower)
    }
}

fn unknown_key<'a>(
    key: &str,
    line: usize,
    valid: impl Iterator<Item = &'a str> + Clone,
) -> FrontMatterError {
    let list: Vec<&str> = valid.clone().collect();
    let mut help = format!("valid keys are: {}", list.join(", "));
    if let Some(s) = crate::suggest::closest(key, valid) {
        help = format!("did you mean `{s}`? {help}");
    }
    FrontMatterError::new(
        line,
        Some(1),
        format!("unknown front-matter key `{key}`"),
        help,
    )
}

fn terms_of(value: &serde_yaml::Value) -> Option<Vec<String>> {
    let scalar = |v: &serde_yaml::Value| match v {
        serde_yaml::Value::String(s) => Some(s.trim().to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match value {
        serde_yaml::Value::Sequence(items) => {
            let terms: Option<Vec<String>> = items.iter().map(scalar).collect();
            terms.map(|t| t.into_iter().filter(|s| !s.is_empty()).collect())
        }
        serde_yaml::Value::Null => Some(Vec::new()),
        other => scalar(other).map(|s| vec![s]),
    }
}

/// Lint the raw YAML for mistakes serde_yaml reports badly, then parse it as a mapping.
fn parse_mapping(split: &Split<'_>) -> Result<serde_yaml::Mapping, Vec<FrontMatterError>> {
    if split.yaml.len() > MAX_FRONT_MATTER {
        return Err(vec![FrontMatterError::new(
            1,
            None,
            format!(
                "the front matter is {:.1} KB; at most {} KB is allowed",
                split.yaml.len() as f64 / 1024.0,
                MAX_FRONT_MATTER / 1024
            ),
            "move long data out of the front matter into the page text",
        )]);
    }
    let lint = lint(split);
    if !lint.is_empty() {
        return Err(lint);
    }
    if split.yaml.trim().is_empty() {
        return Err(vec![FrontMatterError::new(
            1,
            None,
            "the front matter is empty",
            "add at least `title: 标题` between the `---` lines",
        )]);
    }
    match serde_yaml::from_str::<serde_yaml::Value>(split.yaml) {
        Ok(serde_yaml::Value::Mapping(m)) => Ok(m),
        Ok(_) => Err(vec![FrontMatterError::new(
            split.yaml_line,
            Some(1),
            "the front matter must be `key: value` lines",
            "write one `key: value` per line, e.g. `title: 天津市社会组织党建`",
        )]),
        Err(e) => Err(vec![yaml_error(split, &e)]),
    }
}

/// Tabs in indentation and full-width colons or spaces after keys.
fn lint(split: &Split<'_>) -> Vec<FrontMatterError> {
    let mut errors = Vec::new();
    for (i, line) in split.yaml.lines().enumerate() {
        let line_no = split.yaml_line + i;
        let indent = &line[..line
            .char_indices()
            .find(|(_, c)| !c.is_whitespace())
            .map_or(line.len(), |(i, _)| i)];
        if let Some(pos) = indent.chars().position(|c| c == '\t') {
            errors.push(FrontMatterError::new(
                line_no,
                Some(pos + 1),
                "a tab is used for indentation in the front matter; YAML allows only spaces",
                "replace the tab with spaces",
            ));
            continue;
        }
        let rest = &line[indent.len()..];
        // ASCII only: as many bytes as characters.
        let key = &rest[..rest
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
            .count()];
        if key.is_empty() || rest.starts_with('-') {
            continue;
        }
        let after = &rest[key.len()..];
        let col = indent.chars().count() + key.len() + 1;
        if after.starts_with('：') {
            errors.push(FrontMatterError::new(
                line_no,
                Some(col),
                format!("full-width colon `：` after the key `{key}`"),
                format!("use an ASCII colon and a space: `{key}: …`"),
            ));
        } else if after.starts_with('\u{3000}') {
            let colon_col = col + after.chars().take_while(|c| c.is_whitespace()).count();
            if after.trim_start().starts_with([':', '：']) {
                errors.push(FrontMatterError::new(
                    line_no,
                    Some(colon_col.min(col)),
                    format!("full-width space after the key `{key}`"),
                    format!("remove it: `{key}: …`"),
                ));
            }
        } else if after.starts_with(':') && after[1..].starts_with('\u{3000}') {
            errors.push(FrontMatterError::new(
                line_no,
                Some(col + 1),
                format!("full-width space after `{key}:`"),
                format!("use an ASCII space: `{key}: …`"),
            ));
        }
    }
    errors
}

fn deserialize<T: for<'de> Deserialize<'de>>(split: &Split<'_>) -> Result<T, FrontMatterError> {
    serde_yaml::from_str::<T>(split.yaml).map_err(|e| yaml_error(split, &e))
}

/// The typed front matter from the already parsed `mapping`, without parsing the YAML again.
/// Errors from a [`serde_yaml::Value`] carry no position, and serde_yaml reads a few things
/// more leniently from text (tags, `title: 123` as text): whenever the mapping does not
/// convert, or has a tag anywhere, the YAML text is deserialized as before, so the result and
/// every message are the same as from the text.
fn typed<T: for<'de> Deserialize<'de>>(
    mapping: serde_yaml::Mapping,
    split: &Split<'_>,
) -> Result<T, FrontMatterError> {
    if !mapping.iter().any(|(k, v)| has_tag(k) || has_tag(v)) {
        if let Ok(t) = serde_yaml::from_value::<T>(serde_yaml::Value::Mapping(mapping)) {
            return Ok(t);
        }
    }
    deserialize::<T>(split)
}

/// YAML writes "no value" as `~`, `null`, `Null`, `NULL` or nothing at all: every typed key
/// treats all of them alike, as if the key were absent (its default), and a `required` key
/// as empty text, so that `title: ~` is "the title is empty" exactly as `title:` is (serde_yaml
/// would otherwise read `~` as the text "~" for a string). Nested mappings are treated the
/// same way (`source: {author: ~}`).
fn nulls_as_absent(mapping: serde_yaml::Mapping, required: &[&str]) -> serde_yaml::Mapping {
    fn clean(m: serde_yaml::Mapping, required: &[&str]) -> serde_yaml::Mapping {
        m.into_iter()
            .filter_map(|(k, v)| match v {
                serde_yaml::Value::Null => {
                    let req = k.as_str().is_some_and(|k| required.contains(&k));
                    req.then(|| (k, serde_yaml::Value::String(String::new())))
                }
                serde_yaml::Value::Mapping(inner) if k.as_str() != Some("extra") => {
                    Some((k, serde_yaml::Value::Mapping(clean(inner, &[]))))
                }
                v => Some((k, v)),
            })
            .collect()
    }
    clean(mapping, required)
}

fn has_tag(v: &serde_yaml::Value) -> bool {
    match v {
        serde_yaml::Value::Tagged(_) => true,
        serde_yaml::Value::Sequence(items) => items.iter().any(has_tag),
        serde_yaml::Value::Mapping(m) => m.iter().any(|(k, v)| has_tag(k) || has_tag(v)),
        _ => false,
    }
}

/// Line of each top-level key (lines starting with `key:` at column 1).
fn key_lines(split: &Split<'_>) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for (i, line) in split.yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some(colon) = line.find(':') {
            let key = line[..colon].trim().trim_matches(['"', '\'']);
            if !key.is_empty() {
                map.entry(key.to_string()).or_insert(split.yaml_line + i);
            }
        }
    }
    map
}

fn yaml_error(split: &Split<'_>, e: &serde_yaml::Error) -> FrontMatterError {
    let text = e.to_string();
    if let Some(key) = text
        .strip_prefix("duplicate entry with key \"")
        .and_then(|r| r.split('"').next())
    {
        // serde_yaml points at the start of the mapping: point at the second occurrence.
        let second = split
            .yaml
            .lines()
            .enumerate()
            .filter(|(_, l)| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            })
            .nth(1);
        if let Some((i, l)) = second {
            return FrontMatterError::new(
                split.yaml_line + i,
                Some(l.len() - l.trim_start().len() + 1),
                format!("the key `{key}` is written twice"),
                "keep one of them (YAML does not allow a key twice in one mapping)",
            );
        }
    }
    let (line, column) = match e.location() {
        Some(loc) => (
            split.yaml_line + loc.line().saturating_sub(1),
            Some(loc.column()),
        ),
        None => (split.yaml_line, None),
    };
    // serde_yaml writes positions " at line L column C" relative to the YAML block: make them
    // lines of the file, and drop the one the diagnostic itself points at.
    let message = file_positions(&e.to_string(), split.yaml_line, (line, column));
    let (message, help) = explain_yaml(&message);
    FrontMatterError {
        line,
        column,
        message,
        help: Some(help),
    }
}

/// Rewrite every " at line L column C" of a serde_yaml message to lines of the file (the YAML
/// starts at `yaml_line`), removing those equal to `primary`.
fn file_positions(message: &str, yaml_line: usize, primary: (usize, Option<usize>)) -> String {
    const AT: &str = " at line ";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(AT) {
        out.push_str(&rest[..i]);
        let after = &rest[i + AT.len()..];
        let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
        let nl = digits(after);
        let parsed = after
            .get(nl..)
            .and_then(|r| r.strip_prefix(" column "))
            .and_then(|r| {
                let nc = digits(r);
                let l: usize = after[..nl].parse().ok()?;
                let c: usize = r[..nc].parse().ok()?;
                Some((l, c, message.len() - r.len() + nc))
            });
        match parsed {
            Some((l, c, end)) => {
                let l = yaml_line + l.saturating_sub(1);
                if (l, Some(c)) != primary {
                    out.push_str(&format!("{AT}{l} column {c}"));
                }
                rest = &message[end..];
            }
            None => {
                out.push_str(AT);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Turn serde_yaml's wording into a message and a fix an author can act on.
fn explain_yaml(message: &str) -> (String, String) {
    if message.contains("invalid date") {
        return (
            message.to_string(),
            "dates look like 2018-12-01, 2018-12 or 2018".into(),
        );
    }
    // serde_yaml prefixes errors inside a key with its path: `weight: invalid type: …`.
    let (path, message) = match message.split_once(": ") {
        Some((p, rest))
            if !p.contains(' ')
                && (rest.starts_with("invalid")
                    || rest.starts_with("unknown")
                    || rest.starts_with("missing")) =>
        {
            (Some(p), rest)
        }
        _ => (None, message),
    };
    let (message, help) = explain_inner(message);
    match path {
        Some(p) if !message.contains(&format!("`{p}`")) => (format!("{message} (in `{p}`)"), help),
        _ => (message, help),
    }
}

fn explain_inner(message: &str) -> (String, String) {
    if message.contains("missing field `title`") {
        return (
            "the front matter has no `title`".into(),
            "add a line `title: 页面标题`".into(),
        );
    }
    if message.starts_with("invalid type") {
        let help = if message.contains("expected a sequence") {
            "this key takes a list: `[a, b]` or one `- item` per line"
        } else if message.contains("expected a string") {
            "this key takes text; quote it if it looks like a number or a date"
        } else if message.contains("expected i64") || message.contains("expected usize") {
            "this key takes a whole number, e.g. `weight: 3`"
        } else if message.contains("expected a boolean") {
            "this key takes `true` or `false`"
        } else {
            "see the README's front-matter reference for the type of each key"
        };
        return (format!("wrong type: {message}"), help.into());
    }
    if message.starts_with("repetition limit exceeded")
        || message.starts_with("recursion limit exceeded")
    {
        return (
            format!("YAML {message}: the front matter expands to too much data (aliases `*` repeating anchors `&`) or nests too deeply"),
            "front matter is for short fields: write the values out instead of using `&`/`*` aliases, and nest lists and maps only a few levels".into(),
        );
    }
    if message.contains("while scanning an alias")
        || message.contains("while scanning an anchor")
        || message.starts_with("unknown anchor")
    {
        return (
            format!("YAML syntax error: {message}"),
            "a value starting with `*` or `&` is a YAML alias or anchor: put the value in quotes, e.g. `title: \"*重点*\"`".into(),
        );
    }
    if message.contains("unknown variant") {
        return (message.to_string(), "use one of the values listed".into());
    }
    (
        format!("YAML syntax error: {message}"),
        "check the line for a missing space after `:`, an unclosed quote or bracket, or a value containing `: ` that needs quotes".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Result<PageMeta, Vec<FrontMatterError>> {
        let s = split(text).map_err(|e| vec![e])?;
        parse_page(&s, &["tags", "regions", "org_types"])
    }

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: 天津\n---\n正文\n").unwrap();
        assert_eq!(s.yaml, "title: 天津\n");
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 4);
        assert_eq!(
            split("---\ntitle: x\n").unwrap_err().message,
            "the front matter starting here is never closed"
        );
        assert!(split("no front matter")
            .unwrap_err()
            .message
            .contains("does not start"));
        assert!(split("").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn page_fields_and_taxonomies() {
        let m = page("---\ntitle: 天津\ndate: 2018-12-01\ntags: [组织覆盖, 组织力]\nregions: 天津市\nsource:\n  title: 文章\n  date: 2018-12\n---\n").unwrap();
        assert_eq!(m.fields.title, "天津");
        assert_eq!(m.fields.date.unwrap().to_string(), "2018-12-01");
        assert_eq!(m.taxonomies["tags"], ["组织覆盖", "组织力"]);
        assert_eq!(m.taxonomies["regions"], ["天津市"]);
        assert_eq!(m.fields.source.unwrap().date.as_deref(), Some("2018-12"));
    }

    #[test]
    fn dates_keep_the_precision_written() {
        for (text, shown, precision) in [
            ("date: 2018", "2018", DatePrecision::Year),
            ("date: 2018-12", "2018-12", DatePrecision::Month),
            ("date: \"2018-12\"", "2018-12", DatePrecision::Month),
            ("date: 2018-12-01", "2018-12-01", DatePrecision::Day),
        ] {
            let m = page(&format!("---\ntitle: x\n{text}\n---\n")).unwrap();
            let d = m.fields.date.unwrap();
            assert_eq!(
                (d.to_string().as_str(), d.precision),
                (shown, precision),
                "{text}"
            );
        }
        assert!(page("---\ntitle: x\ndate: 2018-00\n---\n").is_err());
        assert!(page("---\ntitle: x\ndate: 99\n---\n").is_err());
        // A year sorts before a day in it.
        assert!(Date::parse("2018").unwrap() < Date::parse("2018-03-01").unwrap());
    }

    #[test]
    fn unknown_key_has_line_and_suggestion() {
        let e = page("---\ntitle: x\ntgas: [a]\n---\n").unwrap_err();
        assert_eq!(e[0].line, 3);
        assert_eq!(e[0].message, "unknown front-matter key `tgas`");
        assert!(e[0].help.as_ref().unwrap().contains("did you mean `tags`?"));
    }

    #[test]
    fn bad_date_and_missing_title() {
        let e = page("---\ntitle: x\ndate: 2018-13-01\n---\n").unwrap_err();
        assert_eq!(e[0].line, 3, "{e:?}");
        assert!(e[0].message.contains("invalid date `2018-13-01`"), "{e:?}");
        let e = page("---\ndate: 2018-12-01\n---\n").unwrap_err();
        assert_eq!(e[0].message, "the front matter has no `title`");
        assert!(Date::parse("2018-12-01T09:30:00+08:00").is_some());
    }

    #[test]
    fn wrong_type_and_syntax() {
        let e = page("---\ntitle: x\nweight: 第一\n---\n").unwrap_err();
        assert_eq!(e[0].line, 3);
        assert!(e[0].message.starts_with("wrong type"), "{e:?}");
        let e = page("---\ntitle: x\ntags: [a, b\n---\n").unwrap_err();
        assert!(e[0].message.starts_with("YAML syntax error"), "{e:?}");
    }

    #[test]
    fn yaml_positions_in_messages_are_lines_of_the_file() {
        let e = page("---\ntitle: x\nsummary: \"未闭合\nweight: 1\n---\n").unwrap_err();
        assert_eq!((e[0].line, e[0].column), (5, Some(1)), "{e:?}");
        assert_eq!(
            e[0].message,
            "YAML syntax error: found unexpected end of stream, while scanning a quoted scalar at line 3 column 10"
        );
        let e = page("---\ntitle: x\ntags: [a, b\n---\n").unwrap_err();
        assert_eq!((e[0].line, e[0].column), (4, Some(1)), "{e:?}");
        assert_eq!(
            e[0].message,
            "YAML syntax error: did not find expected ',' or ']', while parsing a flow sequence at line 3 column 7"
        );
    }

    #[test]
    fn too_many_terms_and_unsafe_source_urls() {
        let tags: Vec<String> = (0..=MAX_TERMS_PER_PAGE).map(|i| format!("t{i}")).collect();
        let e = page(&format!(
            "---\ntitle: x\ntags: [{}]\n---\n",
            tags.join(", ")
        ))
        .unwrap_err();
        assert_eq!(e[0].line, 3);
        assert!(e[0].message.contains("has 101 terms"), "{e:?}");
        let e = page("---\ntitle: x\nsource:\n  title: y\n  url: \"jav\tascript:alert(1)\"\n---\n")
            .unwrap_err();
        assert_eq!(e[0].line, 5, "{e:?}");
        assert!(e[0].message.contains("`javascript:`"), "{e:?}");
        assert_eq!(
            unsafe_scheme("JAVASCRIPT:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(unsafe_scheme("data:text/html,x").as_deref(), Some("data"));
        assert_eq!(unsafe_scheme("https://example.org/a:b"), None);
        assert_eq!(unsafe_scheme("/cases/a/"), None);
        assert_eq!(unsafe_scheme("文章:第3期"), None);
    }

    #[test]
    fn typed_from_the_mapping_is_what_the_text_gives() {
        // Converted from the parsed mapping, or (tags, numbers as text, errors) from the text
        // again: always the same as deserializing the text.
        for yaml in [
            "title: 天津\ndate: 2018-12-01\nweight: 3\ntags: [a, b]\nsource: {title: t, date: 2018}\n",
            "title: x\nextra: {a: 1, b: -2, c: 1.5, d: [x, ~, true], e: {f: g}, h: .nan}\n",
            "title: x\naliases:\ncases:\nextra:\nsource: {}\ndate:\n",
            "title: 123\nslug: 1.5\nsummary: true\n",
            "title: !!str 123\nextra: {a: !t 1}\n",
            "title: x\nextra: {1: a, true: b, null: c}\n",
            "title: &a x\nsummary: *a\nweight: 0x1f\n",
            "title: x\nweight: 3.0\n",
            "title: x\ndraft: yes\n",
            "title: x\nsource: {date: 2018.5}\n",
            "title: x\nsource: {bogus: 1}\n",
            "date: 2018-12-01\n",
        ] {
            let text = format!("---\n{yaml}---\n");
            let s = split(&text).unwrap();
            let mapping = parse_mapping(&s).unwrap();
            assert_eq!(
                format!("{:?}", typed::<PageFields>(mapping.clone(), &s)),
                format!("{:?}", deserialize::<PageFields>(&s)),
                "{yaml}"
            );
            assert_eq!(
                format!("{:?}", typed::<SectionMeta>(mapping, &s)),
                format!("{:?}", deserialize::<SectionMeta>(&s)),
                "{yaml}"
            );
        }
    }

    #[test]
    fn tabs_and_full_width_colons() {
        let e = page("---\ntitle: x\nsource:\n\ttitle: y\n---\n").unwrap_err();
        assert_eq!((e[0].line, e[0].column), (4, Some(1)));
        assert!(e[0].message.contains("tab"));
        let e = page("---\ntitle：天津\n---\n").unwrap_err();
        assert_eq!((e[0].line, e[0].column), (2, Some(6)));
        assert!(e[0].message.contains("full-width colon"));
    }
}
