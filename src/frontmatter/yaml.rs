//! The serde_yaml layer: a lint for mistakes serde_yaml reports badly (tabs, full-width
//! colons and spaces), parsing the YAML into a mapping, and the typed fields from it (YAML's
//! nulls read as absent keys).

use serde::Deserialize;

use super::errors::yaml_error;
use super::{FrontMatterError, Split, MAX_FRONT_MATTER};

/// Lint the raw YAML for mistakes serde_yaml reports badly, then parse it as a mapping.
pub(super) fn parse_mapping(
    split: &Split<'_>,
) -> Result<serde_yaml::Mapping, Vec<FrontMatterError>> {
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
pub(super) fn typed<T: for<'de> Deserialize<'de>>(
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
pub(super) fn nulls_as_absent(
    mapping: serde_yaml::Mapping,
    required: &[&str],
) -> serde_yaml::Mapping {
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

#[cfg(test)]
mod tests {
    use super::super::{split, PageFields, SectionMeta};
    use super::*;

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
}
