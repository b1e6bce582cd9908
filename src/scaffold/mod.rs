//! `zhiku init` (a new site) and `zhiku new` (a new page from an archetype).
//!
//! A new site has `site.toml`, a home page, one example case and one course module with a
//! lesson that cites the case (in `cases:` and with a link to one of its headings). The
//! default theme is compiled into the binary, so nothing else is needed to build it.
//!
//! `zhiku new cases/anshan.md` looks for the archetype of the page's section (the first
//! directory, `cases`) in this order: the site's `archetypes/cases.md`, the theme's
//! `themes/<theme>/archetypes/cases.md` (for the built-in theme, the copy compiled into the
//! binary), the site's then the theme's `archetypes/default.md`, and finally a built-in
//! default. Archetypes are Tera templates with the variables `title` (ready to put after
//! `title:`), `date` (today, `YYYY-MM-DD`), `slug`, `section`, `path`, `weight` (one more than
//! the largest `weight:` beside the new file) and `taxonomies` (the configured names).

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::paths::CONTENT_DIR;

/// The files of a new site: (path, contents with `{{ date }}` and `{{ year }}`).
const SITE: &[(&str, &str)] = &[
    ("site.toml", include_str!("site/site.toml")),
    (".gitignore", include_str!("site/gitignore")),
    ("content/_index.md", include_str!("site/content/_index.md")),
    (
        "content/cases/_index.md",
        include_str!("site/content/cases/_index.md"),
    ),
    (
        "content/cases/example-community.md",
        include_str!("site/content/cases/example-community.md"),
    ),
    (
        "content/courses/_index.md",
        include_str!("site/content/courses/_index.md"),
    ),
    (
        "content/courses/community-governance/_index.md",
        include_str!("site/content/courses/community-governance/_index.md"),
    ),
    (
        "content/courses/community-governance/party-member-council.md",
        include_str!("site/content/courses/community-governance/party-member-council.md"),
    ),
];

/// The archetype used when neither the site nor the theme has one.
pub const DEFAULT_ARCHETYPE: &str =
    "---\ntitle: {{ title }}\ndate: {{ date }}\ndraft: true\n---\n\n";

/// The archetype of a new section (`_index.md`).
pub const SECTION_ARCHETYPE: &str =
    "---\ntitle: {{ title }}\ndescription:\nsort_by: weight\n---\n\n";

/// Today's date in local time, `YYYY-MM-DD`.
pub fn today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// `zhiku init DIR`: write a new site into `dir` (created if needed). Refuses a directory
/// that has anything in it unless `force`; with `force`, files of the same name are
/// replaced and other files are left alone. Returns the files written.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.exists() && !dir.is_dir() {
        return Err(
            Diagnostic::global(format!("{} exists and is not a directory", dir.display()))
                .with_help("choose another name for the new site"),
        );
    }
    if dir.is_dir() && !force {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| Diagnostic::global(format!("cannot read {}: {e}", dir.display())))?;
        if let Some(entry) = entries.next() {
            let name = entry
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .unwrap_or_default();
            return Err(Diagnostic::global(format!(
                "{} is not empty (it has {name}); refusing to create a site in it",
                dir.display()
            ))
            .with_help(
                "choose a new or empty directory, or pass --force to write the new site's files into it anyway (files of the same name are replaced)",
            ));
        }
    }
    let date = today();
    let year = &date[..4];
    let mut written = Vec::new();
    for (path, text) in SITE {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::global(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let text = text
            .replace("{{ date }}", &date)
            .replace("{{ year }}", year);
        std::fs::write(&full, text)
            .map_err(|e| Diagnostic::global(format!("cannot write {}: {e}", full.display())))?;
        written.push(PathBuf::from(path));
    }
    Ok(written)
}

/// What `zhiku new` did.
#[derive(Debug, Clone)]
pub struct Created {
    /// The new file, relative to the site root (`content/cases/anshan.md`).
    pub file: PathBuf,
    /// Where the archetype came from (`archetypes/cases.md`, `built-in`…).
    pub archetype: String,
    /// Advice about the new file (e.g. a module directory without `_index.md`).
    pub notes: Vec<String>,
}

/// `zhiku new PATH`: create `content/PATH` from its archetype. `title` overrides the title
/// made from the file name.
pub fn new_page(root: &Path, path: &str, title: Option<&str>) -> Result<Created, Diagnostic> {
    // Warnings about site.toml are for builds; here only an unreadable one matters.
    let config = match Config::load(root).into_result() {
        Ok((config, _)) => config,
        Err(diags) => {
            return Err(diags
                .into_iter()
                .find(Diagnostic::is_error)
                .unwrap_or_else(|| Diagnostic::global("cannot read site.toml")))
        }
    };
    let rel = normalize_new_path(path)?;
    let file = root.join(CONTENT_DIR).join(&rel);
    let shown = Path::new(CONTENT_DIR).join(&rel);
    if file.exists() {
        return Err(
            Diagnostic::error(&shown, "the file already exists; refusing to overwrite it")
                .with_help("choose another name, or edit the file that is there"),
        );
    }
    let name = rel.rsplit('/').next().unwrap_or(&rel);
    let is_section = name == "_index.md";
    let dir = crate::load::parent_dir(&rel);
    let stem = if is_section || name == "index.md" {
        dir.rsplit('/').next().unwrap_or(dir)
    } else {
        name.trim_end_matches(".md")
    };
    let title = match title {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => title_from_name(stem),
    };
    let section = rel
        .split('/')
        .next()
        .filter(|_| rel.contains('/'))
        .unwrap_or("");
    let (archetype, origin, origin_path) = if is_section {
        (
            SECTION_ARCHETYPE.to_string(),
            "built-in section archetype".to_string(),
            None,
        )
    } else {
        find_archetype(root, &config, section)?
    };
    let taxonomies: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let mut ctx = tera::Context::new();
    ctx.insert("title", &yaml_scalar(&title));
    ctx.insert("raw_title", &title);
    ctx.insert("date", &today());
    ctx.insert("slug", stem);
    ctx.insert("section", section);
    ctx.insert("path", &rel);
    ctx.insert("weight", &next_weight(&file, &taxonomies));
    ctx.insert("taxonomies", &taxonomies);
    let shown_archetype = origin_path
        .clone()
        .unwrap_or_else(|| PathBuf::from(&origin));
    let text = tera::Tera::one_off(&archetype, &ctx, false).map_err(|e| {
        Diagnostic::error(
            &shown_archetype,
            format!(
                "the archetype cannot be used: {}",
                crate::render::error_chain(&e)
            ),
        )
        .with_help("archetypes are Tera templates: {{ title }}, {{ date }}, {{ weight }}…")
    })?;
    validate(&text, is_section, &taxonomies).map_err(|m| {
        Diagnostic::error(
            &shown_archetype,
            format!("the archetype does not make a valid page: {m}"),
        )
        .with_help("fix the archetype's front matter; `zhiku check` shows the same rules")
    })?;
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::global(format!("cannot create {}: {e}", parent.display())))?;
    }
    // `create_new`: never replace a file that appeared meanwhile.
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .map_err(|e| Diagnostic::error(&shown, format!("cannot create: {e}")))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Diagnostic::error(&shown, format!("cannot write: {e}")))?;
    let mut notes = Vec::new();
    let section_dir = if is_section || name == "index.md" {
        crate::load::parent_dir(dir)
    } else {
        dir
    };
    if !section_dir.is_empty()
        && !root
            .join(CONTENT_DIR)
            .join(section_dir)
            .join("_index.md")
            .exists()
    {
        notes.push(format!(
            "content/{section_dir}/ has no _index.md, so the page belongs to the section above it; run `zhiku new {section_dir}/_index.md` to make {section_dir}/ a section (a course module)"
        ));
    }
    if !is_section {
        notes.push("the page has `draft: true`: it is left out of `zhiku build` until you remove that line (`--drafts` shows it)".into());
    }
    Ok(Created {
        file: shown,
        archetype: origin,
        notes,
    })
}

/// `cases/anshan.md`, also accepted as `content/cases/anshan.md` or `/cases/anshan.md`.
fn normalize_new_path(path: &str) -> Result<String, Diagnostic> {
    let p = path.trim().replace('\\', "/");
    let p = p.trim_start_matches("./").trim_start_matches('/');
    let p = p.strip_prefix("content/").unwrap_or(p).to_string();
    let help = "give a path under content/ ending in .md, e.g. `zhiku new cases/anshan.md` or `zhiku new courses/模块/课名.md`";
    if !p.ends_with(".md") || p.ends_with("/.md") || p == ".md" {
        return Err(
            Diagnostic::global(format!("`{path}` is not a Markdown file name")).with_help(help),
        );
    }
    if !crate::output::is_safe_relative(&p) {
        return Err(
            Diagnostic::global(format!("`{path}` is not a plain path under content/"))
                .with_help(help),
        );
    }
    for seg in p.split('/') {
        let seg = seg.trim_end_matches(".md");
        if seg != "_index" && seg != "index" {
            crate::load::validate_slug(seg)
                .map_err(|m| Diagnostic::global(format!("`{path}`: {m}")).with_help(help))?;
        }
    }
    Ok(p)
}

/// `party-member-council` → `party member council`; `鞍山` → `鞍山`.
pub fn title_from_name(stem: &str) -> String {
    let t: String = stem
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        "新页面".into()
    } else {
        t
    }
}

/// A YAML scalar for `text`: as it is when that is safe, else double-quoted.
pub fn yaml_scalar(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '·' | '、' | '，' | '。'))
        && text.chars().next().is_some_and(|c| c.is_alphanumeric())
        && text.parse::<f64>().is_err()
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
    }
}

/// Find the archetype of `section`: (text, where from, file shown in messages). An
/// archetype that exists but cannot be read — a named pipe, a link out of the site, an
/// unreadable file — is an error naming it, never skipped or waited on.
fn find_archetype(
    root: &Path,
    config: &Config,
    section: &str,
) -> Result<(String, String, Option<PathBuf>), Diagnostic> {
    let mut names = Vec::new();
    if !section.is_empty() {
        names.push(format!("{section}.md"));
    }
    names.push("default.md".to_string());
    let theme_dir = Path::new("themes").join(&config.theme);
    let read = |rel: &Path| -> Result<Option<String>, Diagnostic> {
        let full = root.join(rel);
        if std::fs::symlink_metadata(&full).is_err() {
            return Ok(None);
        }
        match crate::input::read_in_site(root, &full, crate::load::MAX_FILE_BYTES) {
            Ok(bytes) => Ok(Some(crate::encoding::decode_lossy(&bytes))),
            Err(e) => Err(Diagnostic::error(rel, format!("archetype: {e}")).with_help(e.help())),
        }
    };
    for name in &names {
        let site_file = Path::new("archetypes").join(name);
        if let Some(text) = read(&site_file)? {
            return Ok((text, site_file.display().to_string(), Some(site_file)));
        }
        if root.join(&theme_dir).is_dir() {
            let theme_file = theme_dir.join("archetypes").join(name);
            if let Some(text) = read(&theme_file)? {
                return Ok((text, theme_file.display().to_string(), Some(theme_file)));
            }
        } else if config.theme == "default" {
            let want = format!("archetypes/{name}");
            if let Some((_, bytes)) = crate::theme::embedded::FILES
                .iter()
                .find(|(p, _)| *p == want)
            {
                return Ok((
                    String::from_utf8_lossy(bytes).into_owned(),
                    format!("(built-in theme)/{want}"),
                    None,
                ));
            }
        }
    }
    Ok((
        DEFAULT_ARCHETYPE.to_string(),
        "built-in default archetype".into(),
        None,
    ))
}

/// One more than the largest `weight:` of the pages beside `file` (1 when there is none).
fn next_weight(file: &Path, taxonomies: &[&str]) -> i64 {
    let Some(dir) = file.parent() else { return 1 };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 1;
    };
    let mut max = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".md") || name == "_index.md" {
            continue;
        }
        let Ok(bytes) = crate::input::read_regular(&e.path(), crate::load::MAX_FILE_BYTES) else {
            continue;
        };
        let text = crate::encoding::decode_lossy(&bytes);
        let Ok(split) = crate::frontmatter::split(&text) else {
            continue;
        };
        if let Ok(meta) = crate::frontmatter::parse_page(&split, taxonomies) {
            max = max.max(meta.fields.weight.unwrap_or(0));
        }
    }
    max + 1
}

/// The new file's front matter must parse like any page's (or section's).
fn validate(text: &str, is_section: bool, taxonomies: &[&str]) -> Result<(), String> {
    let split = crate::frontmatter::split(text).map_err(|e| e.message)?;
    let first = |es: Vec<crate::frontmatter::FrontMatterError>| {
        es.into_iter()
            .next()
            .map(|e| format!("line {}: {}", e.line, e.message))
            .unwrap_or_default()
    };
    if is_section {
        crate::frontmatter::parse_section(&split)
            .map(|_| ())
            .map_err(first)
    } else {
        crate::frontmatter::parse_page(&split, taxonomies)
            .map(|_| ())
            .map_err(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_scalars() {
        assert_eq!(
            title_from_name("party-member-council"),
            "party member council"
        );
        assert_eq!(title_from_name("鞍山"), "鞍山");
        assert_eq!(yaml_scalar("鞍山市社区党建"), "鞍山市社区党建");
        assert_eq!(yaml_scalar("anshan"), "anshan");
        assert_eq!(yaml_scalar("2024"), "\"2024\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
        assert_eq!(yaml_scalar("“引号”"), "\"“引号”\"");
    }

    #[test]
    fn new_paths() {
        assert_eq!(
            normalize_new_path("content/cases/a.md").unwrap(),
            "cases/a.md"
        );
        assert_eq!(normalize_new_path("./cases/a.md").unwrap(), "cases/a.md");
        assert_eq!(
            normalize_new_path("courses/m/_index.md").unwrap(),
            "courses/m/_index.md"
        );
        for bad in [
            "cases/a.txt",
            "../a.md",
            "cases/../../a.md",
            "cases/.md",
            "a:b/c.md",
        ] {
            assert!(normalize_new_path(bad).is_err(), "{bad}");
        }
    }
}
