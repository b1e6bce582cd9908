//! `site.toml`: the site's configuration.
//!
//! Every key is typed and unknown keys are errors that list the valid ones, so a typo never
//! vanishes silently.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Outcome};

/// The file name of the configuration, at the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// The whole of `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in the header and in `<title>`.
    pub title: String,
    /// One-sentence description (meta description, feeds).
    #[serde(default)]
    pub description: String,
    /// Where the site is published, e.g. `https://example.org/kb/`. A path alone (`/kb/`) works too.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// `lang` of the pages.
    #[serde(default = "default_language")]
    pub language: String,
    /// Theme directory name under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Write every internal link relative to its page (works from `file://` and any sub-path).
    #[serde(default)]
    pub relative_urls: bool,
    /// Taxonomies: browsable classifications of pages.
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Markdown options.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Script editions: `[variants] hant = true` adds a Traditional-Chinese edition.
    #[serde(default)]
    pub variants: VariantsConfig,
    /// Free data for templates, as is.
    #[serde(default)]
    pub extra: toml::Table,
    /// The text of site.toml as read, so that a problem found later (a theme that does not
    /// exist) points at its line without reading the file again. Not a key of the file.
    #[serde(skip)]
    pub text: String,
}

/// One taxonomy (`[[taxonomies]]`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// Front-matter key and URL segment, e.g. `tags`.
    pub name: String,
    /// Name shown to readers, e.g. `主题`.
    pub title: String,
    /// Pages per term page (0: no pagination).
    #[serde(default = "default_term_paginate")]
    pub paginate_by: usize,
    /// Write an Atom feed per term.
    #[serde(default = "default_true")]
    pub feed: bool,
}

/// `[markdown]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Typographic quotes and dashes (off: it turns Chinese quotes wrong).
    #[serde(default)]
    pub smart_punctuation: bool,
    /// Sanitise raw HTML in Markdown (scripts, event handlers, `javascript:` URLs removed).
    #[serde(default)]
    pub safe: bool,
    /// CJK-friendly emphasis (`这是**“加粗”**文字`).
    #[serde(default = "default_true")]
    pub cjk_emphasis: bool,
    /// Drop a soft line break between two CJK characters.
    #[serde(default = "default_true")]
    pub cjk_line_breaks: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: false,
            safe: false,
            cjk_emphasis: true,
            cjk_line_breaks: true,
        }
    }
}

fn default_base_url() -> String {
    "/".into()
}
fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_true() -> bool {
    true
}
fn default_term_paginate() -> usize {
    20
}

/// The default taxonomies: 主题, 地区, 组织类型.
pub fn default_taxonomies() -> Vec<TaxonomyConfig> {
    [
        ("tags", "主题"),
        ("regions", "地区"),
        ("org_types", "组织类型"),
    ]
    .into_iter()
    .map(|(name, title)| TaxonomyConfig {
        name: name.into(),
        title: title.into(),
        paginate_by: default_term_paginate(),
        feed: true,
    })
    .collect()
}

/// The largest site.toml read (a configuration file is a few KB).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Valid top-level keys, for messages.
pub const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "relative_urls",
    "taxonomies",
    "markdown",
    "variants",
    "extra",
];

impl Config {
    /// Read `site.toml` from `root`, with its warnings (a site.toml not saved as UTF-8).
    pub fn load(root: &Path) -> Outcome<Config> {
        match Config::read(root) {
            Ok((config, warnings)) => Outcome::made(config, warnings),
            Err(d) => Outcome::failed(d),
        }
    }

    fn read(root: &Path) -> Result<(Config, Vec<Diagnostic>), Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let bytes = match crate::input::read_in_site(root, &path, MAX_CONFIG_BYTES) {
            Ok(b) => b,
            Err(crate::input::InputError::NotFound) => {
                return Err(Diagnostic::global(format!(
                    "no {CONFIG_FILE} in {}: this is not a zhiku site",
                    root.display()
                ))
                .with_help(format!(
                    "run `zhiku init <dir>` to create a new site, pass `--root <dir>` to use another one, \
                     or create {CONFIG_FILE} with at least a line `title = \"我的知识库\"`"
                )));
            }
            Err(e) => {
                return Err(Diagnostic::error(CONFIG_FILE, e.to_string()).with_help(e.help()));
            }
        };
        let decoded = crate::encoding::decode(&bytes).map_err(|e| {
            Diagnostic::error(CONFIG_FILE, e.message)
                .at(e.line, e.column)
                .with_help(e.help.unwrap_or_else(|| "save site.toml as UTF-8".into()))
        })?;
        let warnings = decoded
            .encoding
            .warning(CONFIG_FILE)
            .map(|(m, h)| Diagnostic::warning(CONFIG_FILE, m).with_help(h))
            .into_iter()
            .collect();
        Ok((Config::parse(&decoded.text)?, warnings))
    }

    /// Parse the text of `site.toml`.
    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let mut config: Config = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        config.validate().map_err(|m| {
            // The message names the offending value in backticks: point at its line.
            let line = m.split('`').nth(1).and_then(|v| line_of_value(text, v));
            let d = Diagnostic::error(CONFIG_FILE, m);
            match line {
                Some(l) => d.at_line(l),
                None => d,
            }
        })?;
        config.base_url = normalize_base_url(&config.base_url);
        config.text = text.to_string();
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for t in &self.taxonomies {
            if t.name.is_empty()
                || !t
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(format!(
                    "taxonomy name `{}` must be ASCII letters, digits, `_` or `-` (it is a front-matter key and a URL segment)",
                    t.name
                ));
            }
            if crate::frontmatter::PAGE_KEYS.contains(&t.name.as_str()) {
                return Err(format!(
                    "taxonomy name `{}` clashes with the page front-matter key of the same name",
                    t.name
                ));
            }
            if !seen.insert(&t.name) {
                return Err(format!("taxonomy `{}` is defined twice", t.name));
            }
        }
        validate_base_url(&self.base_url)?;
        self.variants.validate()?;
        if self.theme.is_empty() || self.theme.contains(['/', '\\']) || self.theme.contains("..") {
            return Err(format!(
                "theme `{}` must be a directory name under themes/",
                self.theme
            ));
        }
        Ok(())
    }

    /// The path part of `base_url`, always starting and ending with `/` (`/kb/`).
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    /// Look up a taxonomy by name.
    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyConfig> {
        self.taxonomies.iter().find(|t| t.name == name)
    }
}

/// 1-based line of site.toml whose value is the string `value` (`theme = "fancy"`).
pub fn line_of_value(text: &str, value: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.split_once('=').is_some_and(|(_, v)| {
                let v = v.trim();
                v == format!("\"{value}\"") || v == format!("'{value}'")
            })
        })
        .map(|i| i + 1)
}

/// `base_url` must be an absolute `http(s)` URL with a valid host and port, or a path that
/// starts with `/`, with no spaces, quotes or angle brackets (it is written into every
/// canonical link, the sitemap and the feeds). Empty means `/`. The message names the value
/// in backticks (so its line in site.toml can be found) and gives valid examples.
pub fn validate_base_url(raw: &str) -> Result<(), String> {
    let v = raw.trim();
    let bad_char = v.chars().find(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
    });
    let problem = if v.is_empty() {
        None
    } else if let Some(c) = bad_char {
        Some(format!("it contains {:?}", c))
    } else if v.starts_with("//") {
        Some("a URL without a scheme (`//host/`) is not allowed".to_string())
    } else if v.starts_with('/') {
        None
    } else {
        match url::Url::parse(v) {
            Ok(u) if !matches!(u.scheme(), "http" | "https") => Some(format!(
                "the scheme `{}:` is not allowed; only http and https",
                u.scheme()
            )),
            Ok(u) if u.host_str().is_none_or(str::is_empty) => Some("it has no host".into()),
            Ok(u) if u.query().is_some() || u.fragment().is_some() => {
                Some("it has a query (`?`) or fragment (`#`)".into())
            }
            Ok(_) => None,
            Err(e) => Some(format!("it is not a valid URL ({e})")),
        }
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(format!(
            "base_url `{raw}` is not valid: {p}; write an absolute http(s) URL such as \"https://example.org/kb/\" or a path such as \"/kb/\""
        )),
    }
}

/// `https://example.org/kb` → `https://example.org/kb/`; empty → `/`.
pub fn normalize_base_url(url: &str) -> String {
    let url = url.trim();
    if url.is_empty() {
        return "/".into();
    }
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// The path of a base URL: `https://example.org/kb/` → `/kb/`; `/` → `/`.
pub fn base_path_of(base_url: &str) -> String {
    let rest = match base_url.find("://") {
        Some(i) => {
            let after = &base_url[i + 3..];
            match after.find('/') {
                Some(j) => &after[j..],
                None => "/",
            }
        }
        None => base_url,
    };
    let mut p = rest.to_string();
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    if !p.ends_with('/') {
        p.push('/');
    }
    p
}

fn toml_error(text: &str, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let mut d = Diagnostic::error(CONFIG_FILE, format!("invalid site.toml: {message}"));
    if let Some(span) = e.span() {
        let (line, col) = line_col(text, span.start);
        d = d.at(line, col);
    }
    if let Some(key) = unknown_field(&message) {
        let valid = expected_list(&message).unwrap_or_else(|| KEYS.join("`, `"));
        let mut help = format!("valid keys here are `{valid}`");
        if let Some(s) = crate::suggest::closest(&key, valid.split("`, `")) {
            help = format!("did you mean `{s}`? {help}");
        }
        d = d.with_help(help);
    } else {
        d = d.with_help("see the README's site.toml reference");
    }
    d
}

/// The field name in serde's "unknown field `x`, expected …" message.
pub fn unknown_field(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    Some(rest.split('`').next()?.to_string())
}

/// The list in serde's "…, expected one of `a`, `b`" message, as "a`, `b".
fn expected_list(message: &str) -> Option<String> {
    let rest = message
        .split("expected one of `")
        .nth(1)
        .or_else(|| message.split("expected `").nth(1))?;
    Some(rest.trim_end().trim_end_matches('`').to_string())
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// `[variants]` in site.toml.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VariantsConfig {
    /// Build a Traditional-Chinese edition beside the Simplified site.
    #[serde(default)]
    pub hant: bool,
    /// Its directory and URL segment.
    #[serde(default = "default_hant_path")]
    pub hant_path: String,
    /// Which OpenCC tables: `standard` (OpenCC s2t), `taiwan` (s2tw) or `hongkong` (s2hk).
    #[serde(default)]
    pub hant_variant: HantVariant,
    /// Per-site overrides, Simplified → Traditional (`"干部" = "幹部"`), applied before the
    /// tables (the longest match wins).
    #[serde(default)]
    pub phrases: BTreeMap<String, String>,
}

impl Default for VariantsConfig {
    fn default() -> Self {
        VariantsConfig {
            hant: false,
            hant_path: default_hant_path(),
            hant_variant: HantVariant::default(),
            phrases: BTreeMap::new(),
        }
    }
}

fn default_hant_path() -> String {
    "zh-hant".into()
}

/// The OpenCC variant of the zh-Hant edition.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum HantVariant {
    /// zhconv's `zh-Hant` target: OpenCC's STCharacters + STPhrases (s2t).
    #[default]
    Standard,
    /// `zh-TW`: s2t then TWVariants (臺灣正體).
    Taiwan,
    /// `zh-HK`: s2t then HKVariants (香港繁體).
    Hongkong,
}

impl HantVariant {
    /// The `og:locale` of the edition's pages (Open Graph's `language_TERRITORY`): `zh_TW`
    /// and `zh_HK` for the regional tables; the standard tables belong to no territory, so
    /// their pages say `zh_Hant` (script, not territory) rather than claim Taiwan's forms.
    pub fn og_locale(self) -> &'static str {
        match self {
            HantVariant::Standard => "zh_Hant",
            HantVariant::Taiwan => "zh_TW",
            HantVariant::Hongkong => "zh_HK",
        }
    }

    /// The `lang` of the edition's pages.
    pub fn lang(self) -> &'static str {
        match self {
            HantVariant::Standard => "zh-Hant",
            HantVariant::Taiwan => "zh-Hant-TW",
            HantVariant::Hongkong => "zh-Hant-HK",
        }
    }
}

impl VariantsConfig {
    /// Checked when site.toml is read; messages name the value in backticks.
    pub fn validate(&self) -> Result<(), String> {
        let p = &self.hant_path;
        if p.is_empty()
            || !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "variants.hant_path `{p}` must be one path segment of ASCII letters, digits, `-` or `_`"
            ));
        }
        if let Some((from, _)) = self
            .phrases
            .iter()
            .find(|(f, t)| f.is_empty() || t.is_empty())
        {
            return Err(format!(
                "variants.phrases: the phrase `{from}` and its Traditional form must both be non-empty"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Config::parse("title = \"知库\"").unwrap();
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.theme, "default");
        assert_eq!(c.base_url, "/");
        let names: Vec<_> = c
            .taxonomies
            .iter()
            .map(|t| (t.name.as_str(), t.title.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("tags", "主题"),
                ("regions", "地区"),
                ("org_types", "组织类型")
            ]
        );
        assert!(!c.markdown.smart_punctuation && !c.markdown.safe);
    }

    #[test]
    fn unknown_key_names_it_and_lists_valid_ones() {
        let e = Config::parse("title = \"x\"\ntitel = \"y\"\n").unwrap_err();
        assert!(e.message.contains("unknown field `titel`"), "{}", e.message);
        assert_eq!(e.line, Some(2));
        let help = e.help.unwrap();
        assert!(help.contains("did you mean `title`?"), "{help}");
        assert!(help.contains("base_url"), "{help}");
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path_of("https://example.org/kb/"), "/kb/");
        assert_eq!(base_path_of("https://example.org"), "/");
        assert_eq!(base_path_of("/"), "/");
        assert_eq!(base_path_of("/kb"), "/kb/");
        assert_eq!(
            normalize_base_url("https://example.org/kb"),
            "https://example.org/kb/"
        );
    }
}
