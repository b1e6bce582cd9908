//! The walk over the rendered handout's HTML: block elements become paragraphs with Word
//! styles (headings, lists, quotations, code, page breaks), inline elements runs with
//! formatting and links.

use std::collections::BTreeMap;

use scraper::{ElementRef, Html, Node};

use super::model::{Block, Doc, Inline, Para, Run, RunFmt, BULLET_NUM};

use super::UrlContext;

pub(super) struct HtmlWalk<'a> {
    pub(super) doc: Doc,
    pub(super) ctx: &'a UrlContext,
    pub(super) images: &'a BTreeMap<String, Vec<u8>>,
    /// Runs of the paragraph being built.
    cur: Option<Para>,
    /// Open lists: (numId, ilvl).
    pub(super) lists: Vec<(usize, usize)>,
    /// The next block starts a new page.
    pending_break: bool,
    blocks_seen: usize,
    pub(super) link: Option<(Option<String>, Option<String>)>,
    pub(super) fmt: RunFmt,
    quote: usize,
    pre: usize,
    /// Bookmarks for the next paragraph.
    pending_marks: Vec<String>,
    /// The next `<p>` continues the current paragraph (after a footnote's label).
    merge_p: bool,
}

/// Convert the rendered handout into a document.
pub(super) fn convert_html(
    html: &str,
    ctx: &UrlContext,
    images: &BTreeMap<String, Vec<u8>>,
) -> Doc {
    let dom = Html::parse_document(html);
    let root = scraper::Selector::parse("main")
        .ok()
        .and_then(|s| dom.select(&s).next())
        .or_else(|| {
            scraper::Selector::parse("body")
                .ok()
                .and_then(|s| dom.select(&s).next())
        })
        .unwrap_or_else(|| dom.root_element());
    let mut c = HtmlWalk {
        doc: Doc::default(),
        ctx,
        images,
        cur: None,
        lists: Vec::new(),
        pending_break: false,
        blocks_seen: 0,
        link: None,
        fmt: RunFmt::default(),
        quote: 0,
        pre: 0,
        pending_marks: Vec::new(),
        merge_p: false,
    };
    // Internal link targets: ids of elements.
    let mut top_level = 0usize;
    for child in root.children() {
        if let Some(el) = ElementRef::wrap(child) {
            let name = el.value().name();
            if matches!(
                name,
                "section" | "article" | "header" | "div" | "aside" | "footer"
            ) {
                if top_level > 0 && matches!(name, "section" | "article") {
                    c.pending_break = true;
                }
                top_level += 1;
            }
            c.element(el, 0);
        } else {
            c.node(child, 0);
        }
    }
    c.flush();
    if !c.pending_marks.is_empty() {
        let bookmarks = std::mem::take(&mut c.pending_marks);
        c.doc.blocks.push(Block::Para(Para {
            bookmarks,
            ..Para::default()
        }));
    }
    c.doc
}

fn has_class(el: &ElementRef<'_>, class: &str) -> bool {
    el.value().classes().any(|c| c == class)
}

fn style_breaks(el: &ElementRef<'_>) -> bool {
    let style = el
        .value()
        .attr("style")
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace(' ', "");
    style.contains("break-before:page") || style.contains("page-break-before:always")
}

impl<'a> HtmlWalk<'a> {
    pub(super) fn flush(&mut self) {
        if let Some(mut p) = self.cur.take() {
            // Trim whitespace at the ends of the paragraph.
            trim_inlines(&mut p.inlines);
            if p.inlines.is_empty() {
                if p.page_break {
                    self.pending_break = true;
                }
                // Its bookmarks go to the next paragraph.
                self.pending_marks.splice(0..0, p.bookmarks);
                return;
            }
            if p.style.is_some_and(|s| s.starts_with("Heading")) {
                self.doc.headings += 1;
            }
            self.doc.blocks.push(Block::Para(p));
        }
    }

    pub(super) fn start(&mut self, style: Option<&'static str>) {
        self.flush();
        let page_break = std::mem::take(&mut self.pending_break) && self.blocks_seen > 0;
        self.blocks_seen += 1;
        let style = style.or(if self.quote > 0 {
            Some("Quote")
        } else if self.pre > 0 {
            Some("Code")
        } else {
            None
        });
        self.cur = Some(Para {
            style,
            page_break,
            bookmarks: std::mem::take(&mut self.pending_marks),
            ..Para::default()
        });
    }

    fn para(&mut self) -> &mut Para {
        if self.cur.is_none() {
            let list = self.lists.last().copied();
            self.start(None);
            if let (Some(p), Some(_)) = (self.cur.as_mut(), list) {
                // Text continuing inside a list item after a nested block.
                p.indent = Some(420 * (self.lists.len() as u32));
            }
        }
        self.cur.get_or_insert_with(Para::default)
    }

    pub(super) fn push_run(&mut self, run: Run) {
        let link = self.link.clone();
        let p = self.para();
        match link {
            None => p.inlines.push(Inline::Run(run)),
            Some((rid, anchor)) => {
                if let Some(Inline::Link {
                    rid: r2,
                    anchor: a2,
                    runs,
                }) = p.inlines.last_mut()
                {
                    if *r2 == rid && *a2 == anchor {
                        runs.push(run);
                        return;
                    }
                }
                p.inlines.push(Inline::Link {
                    rid,
                    anchor,
                    runs: vec![run],
                });
            }
        }
    }

    fn text(&mut self, t: &str) {
        let s = if self.pre > 0 {
            t.to_string()
        } else {
            collapse_ws(t)
        };
        if s.is_empty() {
            return;
        }
        if self.cur.is_none() && s.trim().is_empty() {
            return;
        }
        if self.pre > 0 {
            let lines: Vec<&str> = s.split('\n').collect();
            for (k, line) in lines.iter().enumerate() {
                if k > 0 {
                    self.push_run(Run::Break);
                }
                if !line.is_empty() {
                    self.push_run(Run::Text(line.to_string(), self.fmt.clone()));
                }
            }
            return;
        }
        let fmt = self.fmt.clone();
        // Merge with the previous run of the same formatting.
        let link = self.link.is_some();
        let p = self.para();
        if !link {
            if let Some(Inline::Run(Run::Text(prev, f))) = p.inlines.last_mut() {
                if *f == fmt {
                    if prev.ends_with(' ') && s.starts_with(' ') {
                        prev.push_str(&s[1..]);
                    } else {
                        prev.push_str(&s);
                    }
                    return;
                }
            }
        }
        self.push_run(Run::Text(s, fmt));
    }

    fn node(&mut self, n: ego_tree::NodeRef<'_, Node>, depth: usize) {
        match n.value() {
            Node::Text(t) => self.text(t),
            Node::Element(_) => {
                if let Some(el) = ElementRef::wrap(n) {
                    self.element(el, depth);
                }
            }
            _ => {}
        }
    }

    pub(super) fn children(&mut self, el: ElementRef<'_>, depth: usize) {
        if depth > 200 {
            return;
        }
        for c in el.children() {
            self.node(c, depth + 1);
        }
    }

    fn bookmark_for(&mut self, id: &str) -> String {
        if let Some(b) = self.doc.bookmarks.get(id) {
            return b.clone();
        }
        let n = self.doc.bookmarks.len() + 1;
        let name = format!("zk{n}");
        self.doc.bookmarks.insert(id.to_string(), name.clone());
        name
    }

    fn element(&mut self, el: ElementRef<'_>, depth: usize) {
        let v = el.value();
        let name = v.name();
        if has_class(&el, "no-print")
            || v.attr("aria-hidden") == Some("true")
            || v.attr("hidden").is_some()
        {
            return;
        }
        if style_breaks(&el) {
            self.flush();
            self.pending_break = true;
        }
        // Block elements that links point to: a bookmark on their first paragraph.
        if let Some(id) = v.attr("id") {
            if matches!(
                name,
                "li" | "p"
                    | "dt"
                    | "dd"
                    | "blockquote"
                    | "table"
                    | "pre"
                    | "figure"
                    | "ol"
                    | "ul"
                    | "section"
                    | "div"
                    | "header"
                    | "footer"
                    | "aside"
                    | "details"
                    | "dl"
            ) {
                let b = self.bookmark_for(id);
                self.pending_bookmark(b);
            }
        }
        match name {
            "script" | "style" | "noscript" | "template" | "nav" | "button" | "form" | "input"
            | "select" | "textarea" | "head" | "title" | "meta" | "link" => {}
            "svg" | "canvas" | "iframe" | "video" | "audio" | "object" | "embed" => {
                let what = v.attr("aria-label").or(v.attr("title")).unwrap_or(name);
                self.doc.notes.push(format!(
                    "a <{name}> element (“{what}”) has no Word form and was left out"
                ));
            }
            "article" => {
                self.flush();
                self.pending_break = true;
                if let Some(id) = v.attr("id") {
                    let b = self.bookmark_for(id);
                    self.pending_marks.push(b);
                }
                self.children(el, depth);
                self.flush();
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let style: &'static str = match name {
                    "h1" => "Heading1",
                    "h2" => "Heading2",
                    "h3" => "Heading3",
                    _ => "Heading4",
                };
                // The handout's own title (the first h1, on the cover after at most a kicker
                // line such as 课程讲义) is the Title.
                let style = if name == "h1" && self.doc.headings == 0 && self.doc.blocks.len() <= 1
                {
                    "Title"
                } else {
                    style
                };
                self.start(Some(style));
                if let Some(id) = v.attr("id") {
                    let b = self.bookmark_for(id);
                    if let Some(p) = self.cur.as_mut() {
                        p.bookmarks.push(b);
                    }
                }
                let saved = std::mem::take(&mut self.fmt);
                self.children(el, depth);
                self.fmt = saved;
                self.flush();
            }
            "p" | "figcaption" | "dt" | "dd" | "summary" | "caption" => {
                let style = match name {
                    "figcaption" | "caption" => Some("Caption"),
                    _ => None,
                };
                let in_item = (self.cur.as_ref().is_some_and(|p| p.num.is_some())
                    && self
                        .cur
                        .as_ref()
                        .is_some_and(|p| p.inlines.iter().all(inline_blank)))
                    || (std::mem::take(&mut self.merge_p) && self.cur.is_some());
                if !in_item {
                    self.start(style);
                    if !self.lists.is_empty() {
                        if let Some(p) = self.cur.as_mut() {
                            p.indent = Some(420 * self.lists.len() as u32);
                        }
                    }
                }
                if v.attr("class").is_some_and(|c| c.contains("lead")) {
                    if let Some(p) = self.cur.as_mut() {
                        p.style = Some("Subtitle");
                    }
                }
                let saved = self.fmt.clone();
                if matches!(name, "dt" | "summary") {
                    self.fmt.b = true;
                }
                self.children(el, depth);
                self.fmt = saved;
                self.flush();
            }
            "ul" | "ol" => {
                self.flush();
                let num = if name == "ol" {
                    self.doc.ordered_lists += 1;
                    BULLET_NUM + self.doc.ordered_lists
                } else {
                    BULLET_NUM
                };
                let level = self.lists.len().min(8);
                self.lists.push((num, level));
                self.children(el, depth);
                self.flush();
                self.lists.pop();
            }
            "li" => {
                let (num, level) = self.lists.last().copied().unwrap_or((BULLET_NUM, 0));
                self.start(Some("ListParagraph"));
                if let Some(p) = self.cur.as_mut() {
                    p.num = Some((num, level));
                }
                self.children(el, depth);
                self.flush();
            }
            "table" => {
                self.flush();
                let t = self.table(el);
                if !t.is_empty() {
                    let page_break =
                        std::mem::take(&mut self.pending_break) && self.blocks_seen > 0;
                    if page_break {
                        self.doc.blocks.push(Block::Para(Para {
                            page_break: true,
                            ..Para::default()
                        }));
                    }
                    self.blocks_seen += 1;
                    self.doc.tables += 1;
                    self.doc.blocks.push(Block::Table(t));
                }
            }
            "blockquote" => {
                self.flush();
                self.quote += 1;
                self.children(el, depth);
                self.flush();
                self.quote -= 1;
            }
            "pre" => {
                self.start(Some("Code"));
                self.pre += 1;
                self.children(el, depth);
                self.pre -= 1;
                self.flush();
            }
            "hr" => self.flush(),
            "br" => self.push_run(Run::Break),
            "img" => self.image(el),
            "a" => {
                let href = v.attr("href").unwrap_or("");
                let cls = v.attr("class").unwrap_or("");
                let t: String = el.text().collect();
                if cls.contains("anchor") && matches!(t.trim(), "#" | "¶" | "§" | "") {
                    return;
                }
                let target = self.link_target(href);
                let saved = std::mem::replace(&mut self.link, target);
                self.children(el, depth);
                self.link = saved;
            }
            "strong" | "b" | "em" | "i" | "u" | "ins" | "s" | "del" | "strike" | "sup" | "sub"
            | "code" | "kbd" | "mark" | "cite" | "dfn" => {
                let saved = self.fmt.clone();
                match name {
                    "strong" | "b" | "mark" => self.fmt.b = true,
                    "em" | "i" | "cite" | "dfn" => self.fmt.i = true,
                    "u" | "ins" => self.fmt.u = true,
                    "s" | "del" | "strike" => self.fmt.s = true,
                    "sup" => self.fmt.sup = true,
                    "sub" => self.fmt.sub = true,
                    _ => self.fmt.code = true,
                }
                self.children(el, depth);
                self.fmt = saved;
            }
            "div" if has_class(&el, "footnote-definition") => {
                // The note's label and its first paragraph make one paragraph.
                self.start(Some("FootnoteText"));
                self.merge_p = true;
                self.children(el, depth);
                self.merge_p = false;
                self.flush();
            }
            "section" | "div" | "header" | "footer" | "main" | "aside" | "figure" | "details"
            | "dl" | "address" | "body" | "html" => {
                self.flush();
                self.children(el, depth);
                self.flush();
            }
            _ => {
                if let Some(id) = v.attr("id") {
                    // An inline element with an id: a bookmark in the current paragraph.
                    let b = self.bookmark_for(id);
                    match self.cur.as_mut() {
                        Some(p) => p.bookmarks.push(b),
                        None => self.pending_marks.push(b),
                    }
                }
                self.children(el, depth)
            }
        }
    }

    /// Put a bookmark on the next paragraph started (an element with an `id` that links
    /// point to).
    fn pending_bookmark(&mut self, b: String) {
        self.flush();
        self.pending_marks.push(b);
    }

    fn link_target(&mut self, href: &str) -> Option<(Option<String>, Option<String>)> {
        if let Some(frag) = href.strip_prefix('#') {
            let id = crate::html::unescape(&crate::markdown::percent_decode(frag)).to_string();
            let b = self.bookmark_for(&id);
            return Some((None, Some(b)));
        }
        let lower = href.to_ascii_lowercase();
        let url = if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("mailto:")
        {
            href.to_string()
        } else if self.ctx.base_url.contains("://") {
            // A page of the site: its address on the published site.
            let path = self.ctx.output_path(href)?;
            format!(
                "{}{}",
                self.ctx.base_url,
                path.trim_start_matches('/').trim_end_matches("index.html")
            )
        } else {
            // No published address is known (base_url is a path): the text stays, unlinked.
            return None;
        };
        let rid = format!("rId{}", 100 + self.doc.rels.len());
        self.doc.rels.push((rid.clone(), "hyperlink", url, true));
        Some((Some(rid), None))
    }
}

fn inline_blank(i: &Inline) -> bool {
    match i {
        Inline::Run(Run::Text(t, _)) => t.trim().is_empty(),
        _ => false,
    }
}

fn collapse_ws(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() && c != '\u{3000}' && c != '\u{a0}' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    // A line break between two Chinese characters is no space.
    let chars: Vec<char> = out.chars().collect();
    let mut res = String::with_capacity(out.len());
    for (k, &c) in chars.iter().enumerate() {
        if c == ' ' && k > 0 && k + 1 < chars.len() {
            let (a, b) = (chars[k - 1], chars[k + 1]);
            if crate::cjk::is_cjk(a) && crate::cjk::is_cjk(b) && t.contains('\n') {
                continue;
            }
        }
        res.push(c);
    }
    res
}

fn trim_inlines(inlines: &mut Vec<Inline>) {
    fn first_text(i: &mut Inline) -> Option<&mut String> {
        match i {
            Inline::Run(Run::Text(t, _)) => Some(t),
            Inline::Link { runs, .. } => match runs.first_mut() {
                Some(Run::Text(t, _)) => Some(t),
                _ => None,
            },
            _ => None,
        }
    }
    fn last_text(i: &mut Inline) -> Option<&mut String> {
        match i {
            Inline::Run(Run::Text(t, _)) => Some(t),
            Inline::Link { runs, .. } => match runs.last_mut() {
                Some(Run::Text(t, _)) => Some(t),
                _ => None,
            },
            _ => None,
        }
    }
    while let Some(f) = inlines.first_mut() {
        if let Some(t) = first_text(f) {
            let s = t.trim_start().to_string();
            *t = s;
            if t.is_empty() && matches!(f, Inline::Run(_)) {
                inlines.remove(0);
                continue;
            }
        } else if matches!(f, Inline::Run(Run::Break)) {
            inlines.remove(0);
            continue;
        }
        break;
    }
    while let Some(l) = inlines.last_mut() {
        if let Some(t) = last_text(l) {
            let s = t.trim_end().to_string();
            *t = s;
            if t.is_empty() && matches!(l, Inline::Run(_)) {
                inlines.pop();
                continue;
            }
        } else if matches!(l, Inline::Run(Run::Break)) {
            inlines.pop();
            continue;
        }
        break;
    }
}
