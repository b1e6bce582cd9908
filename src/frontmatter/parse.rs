//! Parsing a page's or a section's front matter: checking each key (unknown keys with a
//! suggestion, taxonomy lists, unsafe source URLs, an empty title), and the file positions
//! of keys and list entries recorded for later stages.

use std::collections::BTreeMap;

use super::yaml::{nulls_as_absent, parse_mapping, typed};
use super::{
    FrontMatterError, FrontMatterText, PageFields, PageMeta, SectionMeta, Split,
    MAX_TERMS_PER_PAGE, PAGE_KEYS, SECTION_KEYS,
};

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
