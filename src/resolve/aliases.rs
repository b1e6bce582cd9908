//! `aliases:` in a page's front matter: old URLs that redirect to the page.
//!
//! An alias is a path under the site root (`/old/path/` or `old/page.html`); it becomes a
//! small HTML file at that path with a meta refresh and a canonical link to the page. An
//! alias that would overwrite anything else the build writes (a page, a section, a listing,
//! a feed, a static file or another alias) is an error naming both files.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::paths::CONTENT_DIR;
use crate::site::Site;

use super::plan::Plan;

/// An alias: its index in [`crate::resolve::Graph::aliases`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AliasId(pub usize);

/// One redirect page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The page redirected to (index into `site.pages`).
    pub page: crate::site::PageId,
    /// The alias as written in the front matter.
    pub written: String,
    /// The output file: `old/path/index.html` or `old/page.html`.
    pub output: String,
    /// Where it is written in the page's front matter.
    pub line: usize,
    pub column: usize,
}

/// The output file of an alias as written, or why it is not a valid alias.
pub fn alias_output(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.contains("://") || raw.starts_with("//") {
        return Err(format!(
            "the alias `{raw}` is a full URL; an alias is a path of this site, such as `/old/path/`"
        ));
    }
    if raw.contains(['?', '#']) {
        return Err(format!(
            "the alias `{raw}` has a `?` or `#`; a static site can only redirect whole paths"
        ));
    }
    let decoded = crate::markdown::percent_decode(raw);
    let path = decoded.trim_start_matches('/');
    if path.is_empty() {
        return Err("an empty alias (or `/`) would replace the home page; remove it".to_string());
    }
    let lower = path.to_ascii_lowercase();
    let file = if lower.ends_with(".html") || lower.ends_with(".htm") {
        path.to_string()
    } else {
        format!("{}/index.html", path.trim_end_matches('/'))
    };
    let bad_char = file
        .chars()
        .any(|c| c.is_control() || matches!(c, ':' | '*' | '"' | '<' | '>' | '|'));
    if bad_char || !crate::output::is_safe_relative(&file) || file.split('/').any(|s| s == ".") {
        return Err(format!(
            "the alias `{raw}` is not a plain path inside the site (no `..`, `\\`, `:` or other special characters)"
        ));
    }
    Ok(file)
}

/// Check every page's `aliases:` against everything else the build writes (`plan`) and
/// return the redirect pages to write.
pub fn collect(site: &Site, plan: &Plan, diags: &mut Diagnostics) -> Vec<Alias> {
    if site.pages.iter().all(|p| p.meta.fields.aliases.is_empty()) {
        return Vec::new();
    }
    let mut taken: HashMap<String, (usize, String)> = HashMap::new();
    let mut list = Vec::new();
    for (i, page) in site.pages.iter().enumerate() {
        let file = Path::new(CONTENT_DIR).join(&page.rel_path);
        for (k, raw) in page.meta.fields.aliases.iter().enumerate() {
            let (line, column) = page.meta.alias_positions.get(k).copied().unwrap_or((1, 1));
            let output = match alias_output(raw) {
                Ok(o) => o,
                Err(m) => {
                    diags.push(
                        Diagnostic::error(&file, m)
                            .at(line, column)
                            .with_help("write an alias as a path under the site root, e.g. `aliases: [/old/path/]`"),
                    );
                    continue;
                }
            };
            if output == format!("{}index.html", page.path) {
                diags.push(
                    Diagnostic::error(
                        &file,
                        format!("the alias `{raw}` is the page's own URL /{}", page.path),
                    )
                    .at(line, column)
                    .with_help("remove it: an alias is an old URL that redirects here"),
                );
                continue;
            }
            if let Some(who) = plan.owner(&output).map(|o| &o.by) {
                diags.push(
                    Diagnostic::error(
                        &file,
                        format!(
                            "the alias `{raw}` would write {output}, which {who} already writes"
                        ),
                    )
                    .at(line, column)
                    .with_help(
                        "remove the alias: a redirect cannot replace a page or file the site still has",
                    ),
                );
                continue;
            }
            if let Some((other, other_raw)) = taken.get(&output) {
                let other_rel = &site.pages[*other].rel_path;
                let whose = if *other == i {
                    "this page's".to_string()
                } else {
                    format!("content/{other_rel}'s")
                };
                diags.push(
                    Diagnostic::error(
                        &file,
                        format!(
                            "the alias `{raw}` would write {output}, which {whose} alias `{other_raw}` also writes"
                        ),
                    )
                    .at(line, column)
                    .with_help("one old URL can redirect to one page only: remove one of the two aliases"),
                );
                continue;
            }
            taken.insert(output.clone(), (i, raw.clone()));
            list.push(Alias {
                page: crate::site::PageId(i),
                written: raw.clone(),
                output,
                line,
                column,
            });
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::alias_output;

    #[test]
    fn alias_outputs() {
        assert_eq!(alias_output("/old/path/").unwrap(), "old/path/index.html");
        assert_eq!(alias_output("old/path").unwrap(), "old/path/index.html");
        assert_eq!(alias_output("/old/page.html").unwrap(), "old/page.html");
        assert_eq!(alias_output("/旧/案例/").unwrap(), "旧/案例/index.html");
        assert_eq!(
            alias_output("/%E6%97%A7/").unwrap(),
            "旧/index.html",
            "percent-encoded aliases are decoded"
        );
        for bad in [
            "/",
            "",
            "../x/",
            "/a/../../b",
            "https://x.org/a",
            "/a?b=1",
            "/a#b",
            "a\\b",
            "/./a",
        ] {
            assert!(alias_output(bad).is_err(), "{bad}");
        }
    }
}
