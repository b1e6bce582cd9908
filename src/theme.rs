//! Themes: Tera templates and static files, with the site's own `templates/` and `static/`
//! overriding the theme's file by file.
//!
//! The default theme lives in `themes/default/` and is also compiled into the binary, so a
//! site created with `zhiku init` works without copying it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Outcome};
use crate::load::rel_string;

/// Templates (name → text) and static files (output path → source) of a site's theme.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, TemplateSource>,
    pub statics: BTreeMap<String, StaticFile>,
    /// The theme's CSS and JS files (and the site's files that override them), each with
    /// the output name that carries a hash of its contents: `css/site.css` →
    /// `css/site.3f2a9c1e.css`. Other static files keep their name.
    pub fingerprinted: BTreeMap<String, String>,
}

impl Theme {
    /// The output path of static file `name` (its fingerprinted name where it has one).
    pub fn output_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.fingerprinted.get(name).map_or(name, String::as_str)
    }

    /// Every static file: name → (output path, the file shown in messages).
    pub fn static_sources(&self) -> BTreeMap<String, (String, PathBuf)> {
        self.statics
            .iter()
            .map(|(k, f)| {
                let shown = match f {
                    StaticFile::Disk(p) => p.clone(),
                    StaticFile::Embedded(_) => {
                        PathBuf::from(format!("(built-in theme)/static/{k}"))
                    }
                };
                (k.clone(), (self.output_name(k).to_string(), shown))
            })
            .collect()
    }

    /// Every static file: name → output path.
    pub fn static_outputs(&self) -> BTreeMap<String, String> {
        self.statics
            .keys()
            .map(|k| (k.clone(), self.output_name(k).to_string()))
            .collect()
    }
}

/// Does a theme static file get a content hash in its name?
fn is_fingerprinted(name: &str) -> bool {
    name.ends_with(".css") || name.ends_with(".js")
}

/// `css/site.css` with hash `3f2a9c1e…` → `css/site.3f2a9c1e.css`.
pub fn fingerprinted_name(name: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let short = &hash.as_str()[..8];
    let (dir, file) = match name.rfind('/') {
        Some(i) => (&name[..=i], &name[i + 1..]),
        None => ("", name),
    };
    match file.rfind('.') {
        Some(dot) if dot > 0 => format!("{dir}{}.{short}{}", &file[..dot], &file[dot..]),
        _ => format!("{dir}{file}.{short}"),
    }
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
            StaticFile::Disk(p) => crate::input::read_regular(p, MAX_STATIC_BYTES)
                .map_err(|e| std::io::Error::other(e.to_string())),
            StaticFile::Embedded(b) => Ok(b.to_vec()),
        }
    }
}

/// Load the theme named in `config`, then the site's overrides.
pub fn load(root: &Path, config: &Config) -> Outcome<Theme> {
    let mut theme = Theme::default();
    let mut errors = Vec::new();
    let theme_dir = root.join("themes").join(&config.theme);
    if theme_dir.exists() && !crate::input::is_inside(root, &theme_dir) {
        // Never read, not even listed: a theme's templates and static files are published.
        let mut d = Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!(
                "themes/{} is a symbolic link to a directory outside the site; zhiku never reads or publishes files from outside the site",
                config.theme
            ),
        )
        .with_help(format!(
            "copy the theme into the site (replace the link themes/{} with the directory itself)",
            config.theme
        ));
        if let Some(line) = crate::config::line_of_value(&config.text, &config.theme) {
            d = d.at_line(line);
        }
        return Outcome::failed(d);
    }
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
        let mut d = Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!(
                "unknown theme `{}`: there is no themes/{}/ directory",
                config.theme, config.theme
            ),
        )
        .with_help(help);
        if let Some(line) = crate::config::line_of_value(&config.text, &config.theme) {
            d = d.at_line(line);
        }
        return Outcome::failed(d);
    }
    // CSS and JS of the theme are fingerprinted; the site's own static files are not (a
    // vendored library may load its files by name), except where they replace a theme file.
    let theme_assets: Vec<String> = theme
        .statics
        .keys()
        .filter(|k| is_fingerprinted(k))
        .cloned()
        .collect();
    read_dir_into(root, &root.join("templates"), &mut theme, true, &mut errors);
    read_dir_into(root, &root.join("static"), &mut theme, false, &mut errors);
    for name in theme_assets {
        let Some(file) = theme.statics.get(&name) else {
            continue;
        };
        match file.read() {
            Ok(bytes) => {
                let out = fingerprinted_name(&name, &bytes);
                theme.fingerprinted.insert(name, out);
            }
            Err(e) => errors.push(Diagnostic::error(
                match file {
                    StaticFile::Disk(p) => p.strip_prefix(root).unwrap_or(p).to_path_buf(),
                    StaticFile::Embedded(_) => {
                        PathBuf::from(format!("(built-in theme)/static/{name}"))
                    }
                },
                format!("cannot read: {e}"),
            )),
        }
    }
    // `errors` also holds the warnings (links out of the site, special files skipped).
    if errors.iter().any(Diagnostic::is_error) {
        Outcome::failed(errors)
    } else {
        Outcome::made(theme, errors)
    }
}

/// The largest template read (a template is a few KB).
const MAX_TEMPLATE_BYTES: u64 = 4 << 20;

/// The largest static file copied (a PDF or a video of a training session can be large).
pub const MAX_STATIC_BYTES: u64 = 1 << 30;

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
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let (entries, outside) = crate::load::walk(dir, root);
    for p in outside {
        errors.push(
            Diagnostic::warning(
                shown(&p),
                "this symbolic link points outside the site; it is not published",
            )
            .with_help("copy the file into the site instead of linking to it"),
        );
    }
    for entry in entries {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Ok(rel) = e.path().strip_prefix(dir) else {
                    continue;
                };
                let name = rel_string(rel);
                if templates {
                    match crate::input::read_regular(e.path(), MAX_TEMPLATE_BYTES) {
                        Ok(bytes) => match crate::encoding::decode(&bytes) {
                            Ok(decoded) => {
                                let file = shown(e.path());
                                if let Some((m, h)) =
                                    decoded.encoding.warning(&file.display().to_string())
                                {
                                    errors.push(Diagnostic::warning(&file, m).with_help(h));
                                }
                                theme.templates.insert(
                                    name,
                                    TemplateSource {
                                        text: decoded.text,
                                        shown: file,
                                    },
                                );
                            }
                            Err(d) => errors.push(
                                Diagnostic::error(shown(e.path()), d.message)
                                    .at(d.line, d.column)
                                    .with_help(
                                        d.help
                                            .unwrap_or_else(|| "save the template as UTF-8".into()),
                                    ),
                            ),
                        },
                        Err(err) => errors.push(
                            Diagnostic::error(shown(e.path()), err.to_string())
                                .with_help(err.help()),
                        ),
                    }
                } else {
                    theme
                        .statics
                        .insert(name, StaticFile::Disk(e.path().to_path_buf()));
                }
            }
            Ok(e) => {
                if let Some(kind) = crate::input::special_kind(e.file_type()) {
                    errors.push(
                        Diagnostic::warning(
                            shown(e.path()),
                            format!("this is {kind}, not a regular file; it is skipped"),
                        )
                        .with_help("replace it with an ordinary file, or remove it"),
                    );
                }
            }
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
        "templates/sitemap.html",
        "templates/robots.txt",
        "templates/partials/variants_head.html",
        "templates/partials/variant_switch.html",
        "static/css/site.css",
        "static/js/site.js",
        "static/js/search.js",
        "static/js/variants.js",
        "static/favicon.svg",
        "archetypes/cases.md",
        "archetypes/courses.md",
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprinted_names() {
        let n = super::fingerprinted_name("css/site.css", b"body{}");
        assert!(n.starts_with("css/site.") && n.ends_with(".css"), "{n}");
        assert_eq!(n.len(), "css/site.12345678.css".len());
        assert_ne!(n, super::fingerprinted_name("css/site.css", b"body{ }"));
        let j = super::fingerprinted_name("site.js", b"x");
        assert!(j.starts_with("site.") && j.ends_with(".js"), "{j}");
    }

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
