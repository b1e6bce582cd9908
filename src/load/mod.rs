//! Stage 1, load: the files under `content/` become [`Page`]s and [`Section`]s.
//!
//! Files are found with walkdir (sorted, so the result never depends on directory order),
//! then read, decoded, split and parsed in parallel with rayon; each page's Markdown is
//! rendered here too, because that needs nothing from other pages (links are left as
//! placeholders for the resolve stage).
//!
//! The pieces: `find.rs` walks `content/` and says what each file is; `file.rs` loads one
//! file (read, decode, front matter, Markdown, chart checks); `cache.rs` keeps parsed files
//! between `serve`'s builds; `urls.rs` gives a page its slug and output path and checks that
//! no two files write the same output. This file runs them (in parallel, reusing the cache)
//! and assembles the site: sections into a tree, pages into their sections (sorted), bundle
//! files beside their page.

mod cache;
mod file;
mod find;
mod urls;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostics, Outcome};
use crate::frontmatter::{SectionMeta, SortBy};
use crate::markdown::MarkdownOptions;
use crate::site::{Asset, LeftOut, Page, PageId, Section, SectionId, Site};

use cache::{CacheEntry, Stamp};
use file::{load_file, read_limited, FileResult, Loaded};
use find::{find_files, ContentFile, FileKind};
use urls::{check_output_paths, page_dir};

pub use cache::{LoadCache, RACY};
pub use find::{is_ignored, rel_string, walk};
pub use urls::{parent_dir, validate_slug};

pub use crate::input::MAX_FILE_BYTES;
/// The content directory's name.
pub use crate::paths::CONTENT_DIR;

/// Load the site at `root` with `config`, reusing the files of `cache` whose content did not
/// change (a one-shot build passes an empty cache). The site is made even when some files
/// fail (their errors are reported, and they are left out), so that resolving can report
/// the problems it finds too.
pub fn load(root: &Path, config: &Config, drafts: bool, cache: &mut LoadCache) -> Outcome<Site> {
    let mut diags = Diagnostics::new();
    let content = root.join(CONTENT_DIR);
    let found = find_files(&content, &mut diags);
    let opts = MarkdownOptions::from(&config.markdown);
    let tax_names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let key = format!("{:?}{:?}", config.markdown, tax_names);
    if cache.key != key {
        cache.clear();
        cache.key = key;
    }

    let parseable: Vec<&ContentFile> = found
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FileKind::Section | FileKind::Page | FileKind::BundlePage
            )
        })
        .collect();
    // A file is read unless its stamp is the settled one it had when it was last read (see
    // `LoadCache`); a file read whose bytes have the fingerprint of its cached entry is not
    // parsed again.
    let started = std::time::SystemTime::now();
    type Fresh = (usize, Option<u64>, Option<Stamp>, Option<FileResult>);
    let fresh: Vec<Fresh> = parseable
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let stamp = cache.stamps.then(|| Stamp::of(&f.path)).flatten();
            let entry = cache.entries.get(&f.path).filter(|e| e.kind == f.kind);
            if let (Some(s), Some(e)) = (stamp, entry) {
                if e.stamp == Some(s) {
                    return None;
                }
            }
            let bytes = read_limited(&f.path);
            let fingerprint = bytes.as_ref().ok().map(|b| crate::fingerprint::of_bytes(b));
            // Trusted next time only if settled now and the file could be read.
            let stamp = stamp.filter(|s| fingerprint.is_some() && s.settled(started));
            match entry {
                Some(e) if fingerprint.is_some() && e.fingerprint == fingerprint => {
                    Some((i, fingerprint, stamp, None))
                }
                _ => Some((
                    i,
                    fingerprint,
                    stamp,
                    Some(load_file(f, bytes, opts, &tax_names)),
                )),
            }
        })
        .collect();
    cache.read = fresh.len();
    cache.scanned = Some(started);
    for (i, fingerprint, stamp, loaded) in fresh {
        let f = parseable[i];
        match loaded {
            // Read, and the same bytes: only the stamp is new.
            None => {
                if let Some(e) = cache.entries.get_mut(&f.path) {
                    e.stamp = stamp;
                }
            }
            Some(loaded) => {
                cache.entries.insert(
                    f.path.clone(),
                    CacheEntry {
                        fingerprint,
                        stamp,
                        kind: f.kind.clone(),
                        loaded,
                    },
                );
            }
        }
    }
    // Every file found now has an entry: any other entry is of a file that is gone.
    if cache.entries.len() != parseable.len() {
        let live: std::collections::HashSet<&PathBuf> = parseable.iter().map(|f| &f.path).collect();
        cache.entries.retain(|p, _| live.contains(p));
    }
    // Pages and sections share their parsed parts with the cache: these are cheap copies.
    let parsed: Vec<(&str, u64, FileResult)> = parseable
        .par_iter()
        .filter_map(|f| {
            cache.entries.get(&f.path).map(|e| {
                let source = crate::fingerprint::of(&(&cache.key, e.fingerprint));
                (f.rel.as_str(), source, e.loaded.clone())
            })
        })
        .collect();

    let mut sections: Vec<Section> = vec![implicit_root()];
    let mut pages: Vec<Page> = Vec::new();
    let mut left_out = BTreeMap::new();
    for (rel, source, r) in parsed {
        diags.extend(r.warnings);
        match r.loaded {
            Ok(Loaded::Section(mut s)) => {
                s.source = source;
                if s.dir.is_empty() {
                    sections[0] = *s;
                } else {
                    sections.push(*s);
                }
            }
            Ok(Loaded::Page(mut p)) => {
                if p.meta.fields.draft && !drafts {
                    left_out.insert(rel.to_string(), LeftOut::Draft);
                    continue;
                }
                p.source = source;
                pages.push(*p);
            }
            Err(ds) => {
                left_out.insert(rel.to_string(), LeftOut::Failed);
                diags.extend(ds);
            }
        }
    }

    // Sections are sorted by directory so that parents come before children.
    sections[1..].sort_by(|a, b| a.dir.cmp(&b.dir));
    let dir_to_section: HashMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.clone(), i))
        .collect();
    let nearest = |dir: &str| -> usize {
        let mut d = dir.to_string();
        loop {
            if let Some(&i) = dir_to_section.get(&d) {
                return i;
            }
            match d.rfind('/') {
                Some(p) => d.truncate(p),
                None if !d.is_empty() => d.clear(),
                None => return 0,
            }
        }
    };
    for i in 1..sections.len() {
        let parent_dir = parent_dir(&sections[i].dir);
        let p = nearest(parent_dir);
        sections[i].parent = Some(SectionId(p));
        sections[p].subsections.push(SectionId(i));
    }

    // Assets: bundle files go beside their page's output; other files keep their path.
    let mut content_assets = BTreeMap::new();
    let bundle_pages: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.rel_path.ends_with("/index.md") || p.rel_path == "index.md")
        .map(|(i, p)| (parent_dir(&p.rel_path).to_string(), i))
        .collect();
    for f in &found {
        match &f.kind {
            FileKind::Asset => {
                content_assets.insert(
                    f.rel.clone(),
                    Asset {
                        source: f.path.clone(),
                        output: f.rel.clone(),
                    },
                );
            }
            FileKind::BundleAsset(dir) => {
                // A draft bundle's page is missing: its files are left out with it.
                if let Some(&pi) = bundle_pages.get(dir) {
                    let within = &f.rel[dir.len() + 1..];
                    let output = format!("{}{}", pages[pi].path, within);
                    pages[pi].assets.push(f.rel.clone());
                    content_assets.insert(
                        f.rel.clone(),
                        Asset {
                            source: f.path.clone(),
                            output,
                        },
                    );
                }
            }
            _ => {}
        }
    }

    for page in pages.iter_mut() {
        page.section = SectionId(nearest(page_dir(&page.rel_path)));
    }
    for (i, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(PageId(i));
    }
    for s in 0..sections.len() {
        let mut list = std::mem::take(&mut sections[s].pages);
        sort_pages(&mut list, &pages, sections[s].meta.sort_by);
        sections[s].pages = list;
        let mut subs = std::mem::take(&mut sections[s].subsections);
        subs.sort_by(|&a, &b| {
            let (x, y) = (&sections[a], &sections[b]);
            (x.meta.weight.is_none(), x.meta.weight, x.title(), &x.dir).cmp(&(
                y.meta.weight.is_none(),
                y.meta.weight,
                y.title(),
                &y.dir,
            ))
        });
        sections[s].subsections = subs;
    }

    check_output_paths(&pages, &sections, &mut diags);

    let site = Site {
        root: root.to_path_buf(),
        config: config.clone(),
        pages,
        sections,
        content_assets,
        drafts,
        left_out,
    };
    Outcome::made(site, diags)
}

/// Sort page indices by the section's `sort_by`; ties always fall back to the file path, so
/// the order is deterministic.
pub fn sort_pages(list: &mut [PageId], pages: &[Page], by: SortBy) {
    list.sort_by(|&a, &b| {
        let (x, y) = (&pages[a], &pages[b]);
        let primary = match by {
            SortBy::Weight => (x.meta.fields.weight.is_none(), x.meta.fields.weight)
                .cmp(&(y.meta.fields.weight.is_none(), y.meta.fields.weight)),
            SortBy::Date => y.meta.fields.date.cmp(&x.meta.fields.date),
            SortBy::Title => x.meta.fields.title.cmp(&y.meta.fields.title),
        };
        primary.then_with(|| x.rel_path.cmp(&y.rel_path))
    });
}

fn implicit_root() -> Section {
    Section {
        rel_path: "_index.md".into(),
        dir: String::new(),
        file: None,
        meta: SectionMeta::default(),
        path: String::new(),
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        rendered: Default::default(),
        source: 0,
        resolved: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_load_is_a_fresh_load() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join(CONTENT_DIR);
        std::fs::create_dir_all(content.join("a")).unwrap();
        let write = |name: &str, text: &str| std::fs::write(content.join(name), text).unwrap();
        write("_index.md", "---\ntitle: 首页\n---\n");
        write("a/_index.md", "---\ntitle: 甲\n---\n");
        for i in 0..5 {
            write(
                &format!("a/p{i}.md"),
                &format!(
                    "---\ntitle: 页{i}\ntags: [t]\n---\n## 背景\n\n见[下一页](@/a/p{}.md)\n",
                    i + 1
                ),
            );
        }
        let config = Config::parse("title = \"t\"\nbase_url = \"/\"\n").unwrap();
        let shown = |loaded: Outcome<Site>| {
            let site = loaded.value.unwrap();
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}",
                site.pages,
                site.sections,
                site.left_out,
                loaded.diagnostics.items()
            )
        };
        let fresh = || shown(load(dir.path(), &config, false, &mut LoadCache::default()));
        let mut cache = LoadCache::kept();
        let first = shown(load(dir.path(), &config, false, &mut cache));
        assert_eq!(first, fresh());
        assert_eq!(cache.len(), 7);
        // Edited (same size: the content decides), removed, added, broken.
        write("a/p1.md", "---\ntitle: 改了\n---\n新的正文\n");
        std::fs::remove_file(content.join("a/p2.md")).unwrap();
        write("a/p9.md", "---\ntitle: 新页\ndraft: true\n---\n");
        write("a/bad.md", "---\ntitle: [\n---\n");
        let second = shown(load(dir.path(), &config, false, &mut cache));
        assert_eq!(second, fresh());
        assert_ne!(second, first);
        assert_eq!(cache.len(), 8);
    }
}
