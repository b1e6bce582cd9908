//! Themes: Tera templates and static files, with the site's own `templates/` and `static/`
//! overriding the theme's file by file.
//!
//! The default theme lives in `themes/default/` and is also compiled into the binary, so a
//! site created with `zhiku init` works without copying it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::{is_ignored, rel_string};

/// Templates (name → text) and static files (output path → source) of a site's theme.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, TemplateSource>,
    pub statics: BTreeMap<String, StaticFile>,
}

/// A template's text and where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub text: String,
    /// Path shown in messages, relative to the site root (`themes/default/templates/page.html`).
    pub shown: PathBuf,
}

/// A static file to copy: from disk, or embedded in the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticFile {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

impl StaticFile {
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            StaticFile::Disk(p) => std::fs::read(p),
            StaticFile::Embedded(b) => Ok(b.to_vec()),
        }
    }
}

/// Load the theme named in `config`, then the site's overrides.
pub fn load(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    let mut theme = Theme::default();
    let mut errors = Vec::new();
    let theme_dir = root.join("themes").join(&config.theme);
    if theme_dir.is_dir() {
        read_dir_into(
            root,
            &theme_dir.join("templates"),
            &mut theme,
            true,
            &mut errors,
        );
        read_dir_into(
            root,
            &theme_dir.join("static"),
            &mut theme,
            false,
            &mut errors,
        );
    } else if config.theme == "default" {
        for (path, bytes) in embedded::FILES {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                theme.templates.insert(
                    name.to_string(),
                    TemplateSource {
                        text,
                        shown: PathBuf::from(format!("(built-in theme)/{path}")),
                    },
                );
            } else if let Some(name) = path.strip_prefix("static/") {
                theme
                    .statics
                    .insert(name.to_string(), StaticFile::Embedded(bytes));
            }
        }
    } else {
        let available: Vec<String> = std::fs::read_dir(root.join("themes"))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let mut help = String::from("set `theme` in site.toml to a directory under themes/");
        if !available.is_empty() {
            help.push_str(&format!(" (available: {})", available.join(", ")));
        }
        if !available.iter().any(|a| a == "default") {
            help.push_str(", or to `default` for the built-in theme");
        }
        return Err(vec![Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!(
                "unknown theme `{}`: there is no themes/{}/ directory",
                config.theme, config.theme
            ),
        )
        .with_help(help)]);
    }
    read_dir_into(root, &root.join("templates"), &mut theme, true, &mut errors);
    read_dir_into(root, &root.join("static"), &mut theme, false, &mut errors);
    if errors.is_empty() {
        Ok(theme)
    } else {
        Err(errors)
    }
}

fn read_dir_into(
    root: &Path,
    dir: &Path,
    theme: &mut Theme,
    templates: bool,
    errors: &mut Vec<Diagnostic>,
) {
    if !dir.is_dir() {
        return;
    }
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Ok(rel) = e.path().strip_prefix(dir) else {
                    continue;
                };
                let name = rel_string(rel);
                if templates {
                    match std::fs::read(e.path()) {
                        Ok(bytes) => match crate::encoding::decode(&bytes) {
                            Ok(text) => {
                                theme.templates.insert(
                                    name,
                                    TemplateSource {
                                        text,
                                        shown: shown(e.path()),
                                    },
                                );
                            }
                            Err(d) => errors.push(
                                Diagnostic::error(shown(e.path()), d.message)
                                    .at(d.line, d.column)
                                    .with_help("save the template as UTF-8"),
                            ),
                        },
                        Err(err) => errors.push(Diagnostic::error(
                            shown(e.path()),
                            format!("cannot read: {err}"),
                        )),
                    }
                } else {
                    theme
                        .statics
                        .insert(name, StaticFile::Disk(e.path().to_path_buf()));
                }
            }
            Ok(_) => {}
            Err(err) => {
                let p = err.path().map(shown).unwrap_or_else(|| shown(dir));
                let msg = if err.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    format!("cannot read: {err}")
                };
                errors.push(Diagnostic::error(p, msg));
            }
        }
    }
}

/// The default theme compiled into the binary.
pub mod embedded {
    macro_rules! files {
        ($($p:literal),* $(,)?) => {
            /// (path under `themes/default/`, contents)
            pub const FILES: &[(&str, &[u8])] = &[$(($p, include_bytes!(concat!("../themes/default/", $p)))),*];
        };
    }
    files!(
        "templates/base.html",
        "templates/macros.html",
        "templates/index.html",
        "templates/section.html",
        "templates/page.html",
        "templates/print.html",
        "templates/taxonomy_list.html",
        "templates/taxonomy_term.html",
        "templates/404.html",
        "templates/search.html",
        "templates/atom.xml",
        "templates/sitemap.xml",
        "templates/robots.txt",
        "static/css/site.css",
        "static/js/site.js",
        "static/js/search.js",
        "static/favicon.svg",
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_theme_lists_every_file_of_themes_default() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| super::rel_string(e.path().strip_prefix(&dir).unwrap()))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = super::embedded::FILES
            .iter()
            .map(|(p, _)| p.to_string())
            .collect();
        embedded.sort();
        assert_eq!(
            on_disk, embedded,
            "update theme::embedded::FILES when adding theme files"
        );
    }
}
