//! Internal links: `@/cases/tianjin.md#主要做法`, relative `../cases/tianjin.md`, `#anchor`,
//! page assets and static files. Each is checked (missing page, heading or file is an error
//! at the link's line with a "did you mean" when a close name exists) and rewritten to the
//! target's URL, which includes the base path so the site works under a sub-path, written
//! percent-encoded as pulldown-cmark writes every other link (`/t/my%20url`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{fill_placeholders, percent_encode_decoded, Link, LinkTarget, Rendered};
use crate::paths::CONTENT_DIR;
use crate::site::{LeftOut, PageId, Ref, Resolved, SectionId, Site};
use crate::suggest::closest;

/// Content path → page or section, accepting `cases/tianjin.md`, `cases/_index.md`,
/// `cases` (the section) and `cases/foo` for a bundle `cases/foo/index.md`.
pub(crate) struct Lookup<'a> {
    map: HashMap<&'a str, Ref>,
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(site: &'a Site) -> Self {
        let mut map = HashMap::new();
        for (i, p) in site.pages.iter().enumerate() {
            map.insert(p.rel_path.as_str(), Ref::Page(PageId(i)));
        }
        for (i, s) in site.sections.iter().enumerate() {
            map.insert(s.rel_path.as_str(), Ref::Section(SectionId(i)));
        }
        Lookup { map }
    }

    pub(crate) fn get(&self, path: &str) -> Option<Ref> {
        let path = path.trim_end_matches('/');
        if let Some(r) = self.map.get(path) {
            return Some(*r);
        }
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        self.map
            .get(format!("{prefix}_index.md").as_str())
            .or_else(|| self.map.get(format!("{prefix}index.md").as_str()))
            .copied()
    }

    /// All content paths, for suggestions.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &&'a str> + Clone {
        self.map.keys()
    }
}

/// `#anchor` (decoded) written percent-encoded; empty stays empty.
fn encode_fragment(suffix: &str) -> String {
    match suffix.strip_prefix('#') {
        Some(anchor) => format!("#{}", percent_encode_decoded(anchor)),
        None => percent_encode_decoded(suffix),
    }
}

fn rendered_of(site: &Site, r: Ref) -> &Rendered {
    match r {
        Ref::Page(i) => &site.pages[i].rendered,
        Ref::Section(i) => &site.sections[i].rendered,
    }
}

fn path_of(site: &Site, r: Ref) -> &str {
    match r {
        Ref::Page(i) => &site.pages[i].path,
        Ref::Section(i) => &site.sections[i].path,
    }
}

fn rel_of(site: &Site, r: Ref) -> &str {
    match r {
        Ref::Page(i) => &site.pages[i].rel_path,
        Ref::Section(i) => &site.sections[i].rel_path,
    }
}

/// A fingerprint of everything resolving a link reads besides the linking file itself: each
/// page's and section's content path, output path and anchors (in order: a target is kept
/// as its position), the files left out and why, the content assets, the outputs a link may
/// name, the static files and the base path. When it is the same as in the previous build,
/// a page whose own file is the same resolves to what it resolved to then.
fn world(
    site: &Site,
    known_outputs: &BTreeSet<String>,
    static_outputs: Option<&BTreeMap<String, String>>,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::fingerprint::hasher();
    site.base_path().hash(&mut h);
    let files = site
        .pages
        .iter()
        .map(|p| (&p.rel_path, &p.path, &p.rendered.anchors));
    let sections = site
        .sections
        .iter()
        .map(|s| (&s.rel_path, &s.path, &s.rendered.anchors));
    site.pages.len().hash(&mut h);
    for f in files.chain(sections) {
        f.hash(&mut h);
    }
    for (path, why) in &site.left_out {
        path.hash(&mut h);
        (*why == LeftOut::Draft).hash(&mut h);
    }
    for (path, asset) in &site.content_assets {
        (path, &asset.output).hash(&mut h);
    }
    known_outputs.hash(&mut h);
    static_outputs.hash(&mut h);
    h.finish()
}

/// Check and rewrite every link of every page and section; returns the backlinks of pages
/// and sections. With a `memo` (serve), a page or section whose file and whose link world
/// ([`world`]) are the same as in the previous build keeps what it resolved to then.
pub(crate) fn resolve_links(
    site: &mut Site,
    known_outputs: &BTreeSet<String>,
    static_outputs: Option<&BTreeMap<String, String>>,
    memo: Option<&mut super::ResolveMemo>,
    diags: &mut Diagnostics,
) -> (Vec<Vec<Ref>>, Vec<Vec<Ref>>) {
    let world = memo
        .as_ref()
        .map(|_| world(site, known_outputs, static_outputs));
    // Without a theme (it failed to load) the static files are unknown: links to them are
    // not judged, so that no false "broken link" is reported before the theme's own error.
    let statics_known = static_outputs.is_some();
    let no_statics = BTreeMap::new();
    let static_outputs = static_outputs.unwrap_or(&no_statics);
    let lookup = Lookup::new(site);
    let asset_outputs: BTreeSet<&str> = site
        .content_assets
        .values()
        .map(|a| a.output.as_str())
        .collect();
    let mut page_outputs: BTreeSet<&str> = site.pages.iter().map(|p| p.path.as_str()).collect();
    page_outputs.extend(site.sections.iter().map(|s| s.path.as_str()));
    let ctx = Ctx {
        site,
        base_path: site.base_path(),
        lookup: &lookup,
        known_outputs,
        static_outputs,
        statics_known,
        asset_outputs: &asset_outputs,
        page_outputs: &page_outputs,
    };

    let refs: Vec<Ref> = (0..site.pages.len())
        .map(|i| Ref::Page(PageId(i)))
        .chain((0..site.sections.len()).map(|i| Ref::Section(SectionId(i))))
        .collect();
    let source = |r: Ref| match r {
        Ref::Page(i) => site.pages[i].source,
        Ref::Section(i) => site.sections[i].source,
    };
    let kept = memo
        .as_deref()
        .filter(|m| Some(m.world) == world)
        .map(|m| &m.links);
    let results: Vec<super::memo::Links> = refs
        .par_iter()
        .map(|&r| {
            let source = source(r);
            match kept.and_then(|k| k.get(&r)).filter(|l| l.source == source) {
                Some(l) => l.clone(),
                None => {
                    let (resolved, targets, diagnostics) = ctx.resolve_one(r);
                    super::memo::Links {
                        source,
                        resolved: std::sync::Arc::new(resolved),
                        targets,
                        diagnostics,
                    }
                }
            }
        })
        .collect();
    // How many were resolved rather than kept (a kept one shares the memo's result).
    let fresh = match kept {
        Some(k) => results
            .iter()
            .zip(&refs)
            .filter(|(l, r)| {
                !k.get(r)
                    .is_some_and(|p| std::sync::Arc::ptr_eq(&p.resolved, &l.resolved))
            })
            .count(),
        None => results.len(),
    };
    if let (Some(memo), Some(world)) = (memo, world) {
        memo.resolved = fresh;
        memo.world = world;
        memo.links = refs.iter().copied().zip(results.iter().cloned()).collect();
    }

    let mut page_back = vec![Vec::new(); site.pages.len()];
    let mut section_back = vec![Vec::new(); site.sections.len()];
    let mut resolved = Vec::with_capacity(results.len());
    for (&from, links) in refs.iter().zip(results) {
        let res = links.resolved;
        diags.extend(links.diagnostics);
        for t in links.targets {
            match t {
                Ref::Page(i) => page_back[i.0].push(from),
                Ref::Section(i) => section_back[i.0].push(from),
            }
        }
        resolved.push((from, res));
    }
    for (from, res) in resolved {
        match from {
            Ref::Page(i) => site.pages[i].resolved = res,
            Ref::Section(i) => site.sections[i].resolved = res,
        }
    }
    for list in page_back.iter_mut().chain(section_back.iter_mut()) {
        list.sort();
        list.dedup();
    }
    (page_back, section_back)
}

struct Ctx<'a> {
    site: &'a Site,
    /// [`Site::base_path`], computed once.
    base_path: String,
    lookup: &'a Lookup<'a>,
    known_outputs: &'a BTreeSet<String>,
    static_outputs: &'a BTreeMap<String, String>,
    /// False when the theme did not load: then links to static files are not checked.
    statics_known: bool,
    asset_outputs: &'a BTreeSet<&'a str>,
    page_outputs: &'a BTreeSet<&'a str>,
}

impl Ctx<'_> {
    /// [`Site::url`] of `path`, then `suffix` (`#anchor`). Path and suffix are kept decoded
    /// until here and written percent-encoded, like the `href` of any other link; the base
    /// path is written as site.toml has it, as templates write it.
    fn url(&self, path: &str, suffix: &str) -> String {
        let path = percent_encode_decoded(path.trim_start_matches('/'));
        let suffix = encode_fragment(suffix);
        let mut url = String::with_capacity(self.base_path.len() + path.len() + suffix.len());
        url.push_str(&self.base_path);
        url.push_str(&path);
        url.push_str(&suffix);
        url
    }

    fn resolve_one(&self, me: Ref) -> (Resolved, Vec<Ref>, Vec<Diagnostic>) {
        let rendered = rendered_of(self.site, me);
        let file = Path::new(CONTENT_DIR).join(rel_of(self.site, me));
        let mut urls = Vec::with_capacity(rendered.links.len());
        let mut targets = Vec::new();
        let mut outgoing = Vec::new();
        let mut diags = Vec::new();
        for link in &rendered.links {
            match self.resolve_link(me, link) {
                Ok((url, target)) => {
                    if let Some(t) = target {
                        if t != me {
                            targets.push(t);
                            let rel = rel_of(self.site, t).to_string();
                            if !outgoing.contains(&rel) {
                                outgoing.push(rel);
                            }
                        }
                    }
                    urls.push(url);
                }
                Err((message, help)) => {
                    let mut d = Diagnostic::error(&file, message).at(link.line, link.column);
                    if let Some(h) = help {
                        d = d.with_help(h);
                    }
                    diags.push(d);
                    urls.push(link.raw.clone());
                }
            }
        }
        let resolved = Resolved {
            html: fill_placeholders(&rendered.html, &urls),
            summary_html: fill_placeholders(&rendered.summary_html, &urls),
            outgoing,
        };
        (resolved, targets, diags)
    }

    #[allow(clippy::type_complexity)]
    fn resolve_link(
        &self,
        me: Ref,
        link: &Link,
    ) -> Result<(String, Option<Ref>), (String, Option<String>)> {
        let site = self.site;
        match &link.target {
            LinkTarget::Content { path, anchor } => {
                let Some(target) = self.lookup.get(path) else {
                    match site.left_out.get(path.trim_end_matches('/')) {
                        // Its own errors are reported; the build fails anyway.
                        Some(LeftOut::Failed) => return Ok((link.raw.clone(), None)),
                        Some(LeftOut::Draft) => {
                            return Err((
                                format!("broken link `{}`: content/{path} is a draft (`draft: true`), left out of this build", link.raw),
                                Some("build with --drafts to include drafts, publish the page (remove `draft: true`), or remove the link".into()),
                            ))
                        }
                        None => {}
                    }
                    let help = closest(path, self.lookup.paths())
                        .map(|s| format!("did you mean `@/{s}`?"));
                    return Err((
                        format!("broken link `{}`: there is no content/{path}", link.raw),
                        help.or_else(|| {
                            Some("link to a file under content/, e.g. `@/cases/tianjin.md`".into())
                        }),
                    ));
                };
                let url = match anchor {
                    Some(a) => {
                        self.check_anchor(target, a, &link.raw)?;
                        self.url(path_of(site, target), &format!("#{a}"))
                    }
                    None => self.url(path_of(site, target), ""),
                };
                Ok((url, Some(target)))
            }
            LinkTarget::Invalid(why) => Err((format!("broken link `{}`: {why}", link.raw), None)),
            LinkTarget::Anchor(a) => {
                self.check_anchor(me, a, &link.raw)?;
                Ok((encode_fragment(&format!("#{a}")), None))
            }
            LinkTarget::File {
                path,
                absolute,
                anchor,
            } => {
                let suffix = anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
                if !*absolute {
                    if let Some(asset) = site.content_assets.get(path) {
                        return Ok((self.url(&asset.output, &suffix), None));
                    }
                    let candidates: Vec<&str> =
                        site.content_assets.keys().map(String::as_str).collect();
                    let help = closest(path, candidates.iter())
                        .map(|s| format!("did you mean content/{s}?"));
                    return Err((
                        format!("broken link `{}`: there is no file content/{path}", link.raw),
                        help.or_else(|| Some("put the file beside the page (a page bundle: `name/index.md` plus its files) or in static/ and link `/file`".into())),
                    ));
                }
                let p = path.as_str();
                let with_slash = format!("{}/", p.trim_end_matches('/'));
                if p.is_empty() || self.asset_outputs.contains(p) {
                    return Ok((self.url(p, &suffix), None));
                }
                if self.known_outputs.contains(p) {
                    // A fingerprinted static file is linked by its written name.
                    let out = self.static_outputs.get(p).map_or(p, String::as_str);
                    return Ok((self.url(out, &suffix), None));
                }
                if self.page_outputs.contains(with_slash.as_str())
                    || self.known_outputs.contains(with_slash.as_str())
                {
                    // `/cases` is the directory `cases/`: link it with its slash so that no
                    // redirect is needed (and relative mode can add `index.html`).
                    return Ok((self.url(&with_slash, &suffix), None));
                }
                if !self.statics_known {
                    return Ok((self.url(p, &suffix), None));
                }
                let mut candidates: Vec<&str> =
                    self.known_outputs.iter().map(String::as_str).collect();
                candidates.extend(self.asset_outputs.iter().copied());
                candidates.extend(self.page_outputs.iter().copied());
                let help = closest(p, candidates.iter()).map(|s| format!("did you mean `/{s}`?"));
                Err((
                    format!("broken link `{}`: no static file, page or generated file has the path /{p}", link.raw),
                    help.or_else(|| Some("static files go in static/ (linked as `/name`); pages are linked with `@/path.md`".into())),
                ))
            }
        }
    }

    fn check_anchor(
        &self,
        target: Ref,
        anchor: &str,
        raw: &str,
    ) -> Result<(), (String, Option<String>)> {
        let anchors = &rendered_of(self.site, target).anchors;
        if anchors.iter().any(|a| a == anchor) {
            return Ok(());
        }
        let help = closest(anchor, anchors.iter())
            .map(|s| format!("did you mean `#{s}`?"))
            .or_else(|| {
                let list: Vec<&str> = anchors.iter().take(12).map(String::as_str).collect();
                Some(if list.is_empty() {
                    "the page has no headings".to_string()
                } else {
                    format!("its headings are: {}", list.join(", "))
                })
            });
        Err((
            format!(
                "broken link `{raw}`: content/{} has no heading with id `{anchor}`",
                rel_of(self.site, target)
            ),
            help,
        ))
    }
}
