//! Shared Office Open XML helpers: opening a .docx package (and recognising what a file really
//! is when it is not one), reading its parts into a small element tree with canonical namespace
//! prefixes, relationships, and escaping for the XML that export writes.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// The largest part read from a package (document.xml of a 500-page report is a few MB).
pub const MAX_PART: u64 = 128 * 1024 * 1024;
/// The largest .docx read at all.
pub const MAX_FILE: u64 = 512 * 1024 * 1024;
/// Elements nested deeper than this are refused (a real document stays far below).
const MAX_DEPTH: usize = 256;

/// Why a file cannot be opened as a Word document: a message naming what the file really is,
/// and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenError {
    pub message: String,
    pub help: String,
}

impl OpenError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        OpenError {
            message: message.into(),
            help: help.into(),
        }
    }
}

const SAVE_AS: &str = "open it in Word or WPS and save it as a Word document (文件 → 另存为 → \
                       “Word 文档 (*.docx)”), then import the .docx";

/// Does `hay` contain `name` written in UTF-16LE (how compound files store stream names)?
fn has_utf16(hay: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    hay.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// What a file that is not a ZIP package is, judged from its bytes.
fn sniff_other(bytes: &[u8], ext: &str) -> OpenError {
    if bytes.is_empty() {
        return OpenError::new(
            "the file is empty (0 bytes)",
            "the copy is probably incomplete: copy or download the document again",
        );
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        if has_utf16(bytes, "EncryptedPackage") {
            return OpenError::new(
                "the document is protected with a password (encrypted), so its text cannot be read",
                "open it in Word or WPS with the password, remove the password (Word: 文件 → 信息 → \
                 保护文档 → 用密码进行加密, clear it; WPS: 文件 → 文档加密), save it as .docx and \
                 import that copy",
            );
        }
        let what = if ext == "wps" {
            "an old WPS 文字 document (.wps, a binary format)"
        } else if has_utf16(bytes, "WordDocument") {
            "a Word 97–2003 document (.doc, a binary format)"
        } else {
            "an old binary Office or WPS file (OLE compound document), not a .docx"
        };
        let named = if ext == "docx" {
            " although its name ends in .docx"
        } else {
            ""
        };
        return OpenError::new(
            format!("this is {what}{named}; zhiku reads only .docx"),
            SAVE_AS,
        );
    }
    let start = {
        let s = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
        &s[n..s.len().min(n + 512)]
    };
    let lower = String::from_utf8_lossy(start).to_ascii_lowercase();
    if lower.starts_with("{\\rtf") {
        return OpenError::new(
            "this is an RTF file (rich text), not a .docx, whatever its name",
            SAVE_AS,
        );
    }
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        return OpenError::new(
            "this is a web page (HTML) with a Word file name, not a .docx",
            SAVE_AS,
        );
    }
    if lower.starts_with("<?xml") || lower.starts_with('<') {
        let what = if lower.contains("w:worddocument") || lower.contains("mso-application") {
            "a Word 2003 XML document (or another single-file XML format)"
        } else {
            "an XML file"
        };
        return OpenError::new(format!("this is {what}, not a .docx"), SAVE_AS);
    }
    OpenError::new(
        "this is not a Word document: it is not a .docx (ZIP package) nor any format zhiku recognises",
        format!("check that this is the right file; if it opens in Word or WPS, {SAVE_AS}"),
    )
}

/// An opened .docx: the ZIP archive and an index of its part names (OPC names are
/// case-insensitive).
pub struct Package {
    archive: zip::ZipArchive<Cursor<Vec<u8>>>,
    index: HashMap<String, usize>,
    /// The main document part, e.g. `word/document.xml`.
    pub main: String,
}

impl Package {
    /// Open the file at `path`.
    pub fn open_file(path: &Path) -> Result<Package, OpenError> {
        let meta = std::fs::metadata(path).map_err(|e| {
            OpenError::new(
                format!("cannot read the file: {e}"),
                "check the path and that you may read it",
            )
        })?;
        if meta.len() > MAX_FILE {
            return Err(OpenError::new(
                format!(
                    "the file is {} MB, more than zhiku reads ({} MB)",
                    meta.len() / 1024 / 1024,
                    MAX_FILE / 1024 / 1024
                ),
                "split the document, or make its images smaller (Word: 图片格式 → 压缩图片)",
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| {
            OpenError::new(
                format!("cannot read the file: {e}"),
                "check the path and that you may read it",
            )
        })?;
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        Package::open(bytes, &ext)
    }

    /// Open a .docx held in memory; `ext` is the file name's extension (lowercase) for the
    /// messages about what the file really is.
    pub fn open(bytes: Vec<u8>, ext: &str) -> Result<Package, OpenError> {
        if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
            return Err(sniff_other(&bytes, ext));
        }
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            OpenError::new(
                format!("the file is damaged: its ZIP container cannot be read ({e})"),
                "the copy is probably incomplete or broken: copy or download it again, or open \
                 it in Word (which can often repair it) and save it as .docx again",
            )
        })?;
        let mut index = HashMap::new();
        for i in 0..archive.len() {
            if let Some(name) = archive.name_for_index(i) {
                index.insert(name.trim_start_matches('/').to_lowercase(), i);
            }
        }
        let mut p = Package {
            archive,
            index,
            main: String::new(),
        };
        p.main = p.find_main()?;
        Ok(p)
    }

    /// The main document part, from `_rels/.rels` (falling back to `word/document.xml`); a
    /// ZIP without one is named for what it holds.
    fn find_main(&mut self) -> Result<String, OpenError> {
        let rels = self.rels("").unwrap_or_default();
        let from_rels = rels
            .iter()
            .find(|r| r.kind == "officeDocument" && !r.external)
            .map(|r| r.target.clone());
        for cand in from_rels
            .into_iter()
            .chain(["word/document.xml".to_string()])
        {
            if self.has(&cand) {
                let ct = self.read_text("[Content_Types].xml").ok().flatten();
                if let Some(ct) = ct {
                    let lower = ct.to_ascii_lowercase();
                    if lower.contains("spreadsheetml") && !lower.contains("wordprocessingml") {
                        break;
                    }
                }
                return Ok(cand);
            }
        }
        let what = if self.has("xl/workbook.xml") {
            "an Excel workbook (.xlsx) with a Word file name".to_string()
        } else if self.has("ppt/presentation.xml") {
            "a PowerPoint presentation (.pptx) with a Word file name".to_string()
        } else if self.has("content.xml") && self.has("mimetype") {
            "an OpenDocument file (.odt, from LibreOffice or WPS) with a Word file name".to_string()
        } else {
            let mut names: Vec<&str> = self.index.keys().map(String::as_str).collect();
            names.sort_unstable();
            let shown: Vec<&str> = names.iter().take(5).copied().collect();
            let more = if names.len() > 5 { ", …" } else { "" };
            format!(
                "a ZIP archive, not a Word document (it holds {} file(s): {}{more})",
                names.len(),
                shown.join(", ")
            )
        };
        Err(OpenError::new(
            format!("this is {what}: it has no Word text part (word/document.xml)"),
            "if it is an archive, unpack it and import the .docx files inside; if it opens in \
             Word or WPS, save it from there as a Word document (文件 → 另存为 → “Word 文档 \
             (*.docx)”) and import that",
        ))
    }

    /// Does the package have part `name`?
    pub fn has(&self, name: &str) -> bool {
        self.index
            .contains_key(&name.trim_start_matches('/').to_lowercase())
    }

    /// The bytes of part `name` (at most `limit`), `None` when there is no such part.
    pub fn read(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
        let Some(&i) = self.index.get(&name.trim_start_matches('/').to_lowercase()) else {
            return Ok(None);
        };
        let file = self
            .archive
            .by_index(i)
            .map_err(|e| format!("{name} cannot be read from the ZIP container: {e}"))?;
        if file.encrypted() {
            return Err(format!("{name} is encrypted inside the ZIP container"));
        }
        let mut out = Vec::with_capacity(file.size().min(limit) as usize);
        file.take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("{name} is damaged inside the ZIP container: {e}"))?;
        if out.len() as u64 > limit {
            return Err(format!(
                "{name} is larger than {} MB once unpacked",
                limit / 1024 / 1024
            ));
        }
        Ok(Some(out))
    }

    /// Part `name` as text (UTF-8, or UTF-16 with a byte order mark).
    pub fn read_text(&mut self, name: &str) -> Result<Option<String>, String> {
        let Some(bytes) = self.read(name, MAX_PART)? else {
            return Ok(None);
        };
        Ok(Some(decode_xml_bytes(&bytes)))
    }

    /// Part `name` parsed.
    pub fn xml(&mut self, name: &str) -> Result<Option<Element>, String> {
        let Some(text) = self.read_text(name)? else {
            return Ok(None);
        };
        parse(&text).map(Some).map_err(|e| format!("{name}: {e}"))
    }

    /// The relationships of `part` (`""` for the package's own, `_rels/.rels`).
    pub fn rels(&mut self, part: &str) -> Result<Vec<Rel>, String> {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => ("", part),
        };
        let rels_name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let Some(root) = self.xml(&rels_name)? else {
            return Ok(Vec::new());
        };
        Ok(root
            .elements()
            .filter(|e| e.local() == "Relationship")
            .filter_map(|e| {
                let id = e.attr("Id")?.to_string();
                let kind = e.attr("Type")?.rsplit('/').next()?.to_string();
                let raw = e.attr("Target")?.to_string();
                let external = e
                    .attr("TargetMode")
                    .is_some_and(|m| m.eq_ignore_ascii_case("external"));
                let target = if external {
                    raw
                } else {
                    resolve_target(dir, &raw)
                };
                Some(Rel {
                    id,
                    kind,
                    target,
                    external,
                })
            })
            .collect())
    }
}

/// Text of an XML part: UTF-8 (BOM dropped) or UTF-16 with a BOM.
fn decode_xml_bytes(bytes: &[u8]) -> String {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode_with_bom_removal(bytes).0.into_owned();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// A relationship of a part.
#[derive(Debug, Clone, Default)]
pub struct Rel {
    pub id: String,
    /// The last segment of the type URI: `image`, `hyperlink`, `footnotes`, `officeDocument`.
    pub kind: String,
    /// A package part name (`word/media/image1.png`) or, when external, the URL as written.
    pub target: String,
    pub external: bool,
}

/// Resolve a relationship target against the directory of its source part.
fn resolve_target(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut parts: Vec<&str> = if target.starts_with('/') || dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// An XML element with its namespace written as a canonical prefix (`w:p`, `r:id`, `a:blip`),
/// whatever prefix the file used.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The name without its prefix.
    pub fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// `w:val` of child `name`.
    pub fn child_val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.attr("w:val"))
    }

    /// The first descendant (depth first) named `name`.
    pub fn find(&self, name: &str) -> Option<&Element> {
        let mut stack: Vec<&Element> = vec![self];
        while let Some(e) = stack.pop() {
            if e.name == name && !std::ptr::eq(e, self) {
                return Some(e);
            }
            let kids: Vec<&Element> = e.elements().collect();
            stack.extend(kids.into_iter().rev());
        }
        None
    }

    /// All descendants named `name`, in document order (not looking inside a match).
    pub fn find_all(&self, name: &str) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element> = self.elements().collect::<Vec<_>>();
        stack.reverse();
        while let Some(e) = stack.pop() {
            if e.name == name {
                out.push(e);
                continue;
            }
            let kids: Vec<&Element> = e.elements().collect();
            stack.extend(kids.into_iter().rev());
        }
        out
    }

    /// The text of every `w:t`, `a:t` and `m:t` inside, in order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut stack: Vec<&Element> = vec![self];
        while let Some(e) = stack.pop() {
            if matches!(e.name.as_str(), "w:t" | "a:t" | "m:t") {
                for n in &e.children {
                    if let Node::Text(t) = n {
                        out.push_str(t);
                    }
                }
                continue;
            }
            if e.name == "w:tab" {
                out.push(' ');
            }
            let kids: Vec<&Element> = e.elements().collect();
            stack.extend(kids.into_iter().rev());
        }
        out
    }

    /// Direct text children, joined.
    pub fn own_text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                out.push_str(t);
            }
        }
        out
    }
}

/// The canonical prefix of a namespace URI (transitional and strict OOXML alike).
fn prefix_of(ns: &[u8]) -> &'static str {
    match ns {
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        | b"http://purl.oclc.org/ooxml/wordprocessingml/main" => "w",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        | b"http://purl.oclc.org/ooxml/officeDocument/relationships" => "r",
        b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
        | b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing" => "wp",
        b"http://schemas.openxmlformats.org/drawingml/2006/main"
        | b"http://purl.oclc.org/ooxml/drawingml/main" => "a",
        b"http://schemas.openxmlformats.org/drawingml/2006/picture"
        | b"http://purl.oclc.org/ooxml/drawingml/picture" => "pic",
        b"http://schemas.openxmlformats.org/markup-compatibility/2006" => "mc",
        b"http://schemas.openxmlformats.org/officeDocument/2006/math"
        | b"http://purl.oclc.org/ooxml/officeDocument/math" => "m",
        b"urn:schemas-microsoft-com:vml" => "v",
        b"urn:schemas-microsoft-com:office:office" => "o",
        b"http://schemas.microsoft.com/office/word/2010/wordprocessingShape" => "wps",
        b"http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" => "wpg",
        b"http://schemas.openxmlformats.org/package/2006/relationships" => "pr",
        b"http://schemas.openxmlformats.org/package/2006/metadata/core-properties" => "cp",
        b"http://purl.org/dc/elements/1.1/" => "dc",
        b"http://purl.org/dc/terms/" => "dcterms",
        b"http://schemas.openxmlformats.org/package/2006/content-types" => "ct",
        b"http://www.w3.org/XML/1998/namespace" => "xml",
        _ => "x",
    }
}

fn qualified(res: &ResolveResult<'_>, local: &[u8]) -> String {
    let local = String::from_utf8_lossy(local);
    match res {
        ResolveResult::Bound(ns) => format!("{}:{local}", prefix_of(ns.as_ref())),
        _ => local.into_owned(),
    }
}

/// Elements whose whitespace-only text is content.
fn keeps_space(name: &str) -> bool {
    matches!(
        name,
        "w:t" | "w:instrText" | "w:delText" | "m:t" | "a:t" | "dc:title" | "dc:creator"
    )
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// Parse an XML part into an element tree.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = vec![Element {
        name: "#document".into(),
        ..Element::default()
    }];
    let pos_err = |reader: &NsReader<&[u8]>, e: &dyn std::fmt::Display| {
        let pos = reader.buffer_position() as usize;
        let line = text
            .as_bytes()
            .get(..pos.min(text.len()))
            .map(|b| b.iter().filter(|&&c| c == b'\n').count() + 1)
            .unwrap_or(1);
        format!("not valid XML (line {line}): {e}")
    };
    loop {
        let (name, event) = match reader.read_resolved_event() {
            Ok((res, ev)) => {
                let name = match &ev {
                    Event::Start(s) | Event::Empty(s) => qualified(&res, s.local_name().as_ref()),
                    _ => String::new(),
                };
                (name, ev)
            }
            Err(e) => return Err(pos_err(&reader, &e)),
        };
        match event {
            Event::Start(ref s) | Event::Empty(ref s) => {
                if stack.len() > MAX_DEPTH {
                    return Err(format!(
                        "elements are nested more than {MAX_DEPTH} deep; the file is not a normal document"
                    ));
                }
                let mut attrs = Vec::new();
                for a in s.attributes().with_checks(false).flatten() {
                    let key = a.key;
                    if key.as_ref().starts_with(b"xmlns") {
                        continue;
                    }
                    let (ares, alocal) = reader.resolver().resolve_attribute(key);
                    let k = qualified(&ares, alocal.as_ref());
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|c| c.into_owned())
                        .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                    attrs.push((k, v));
                }
                let el = Element {
                    name,
                    attrs,
                    children: Vec::new(),
                };
                if matches!(event, Event::Empty(_)) {
                    if let Some(top) = stack.last_mut() {
                        top.children.push(Node::Element(el));
                    }
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                if stack.len() < 2 {
                    return Err(pos_err(&reader, &"a closing tag without an opening one"));
                }
                if let Some(el) = stack.pop() {
                    if let Some(top) = stack.last_mut() {
                        top.children.push(Node::Element(el));
                    }
                }
            }
            Event::Text(t) => {
                let s = t
                    .xml10_content()
                    .map_err(|e| pos_err(&reader, &e))?
                    .into_owned();
                push_text(&mut stack, s);
            }
            Event::CData(t) => {
                let s = String::from_utf8_lossy(&t).into_owned();
                push_text(&mut stack, s);
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => predefined(&String::from_utf8_lossy(&r)),
                    Err(e) => return Err(pos_err(&reader, &e)),
                };
                if let Some(c) = c {
                    push_text(&mut stack, c.to_string());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("not valid XML: the part ends before its elements are closed".into());
    }
    let doc = stack.pop().unwrap_or_default();
    doc.children
        .into_iter()
        .find_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| "not valid XML: the part has no element".to_string())
}

fn push_text(stack: &mut [Element], s: String) {
    let Some(top) = stack.last_mut() else {
        return;
    };
    if s.trim().is_empty() && !keeps_space(&top.name) {
        return;
    }
    if let Some(Node::Text(prev)) = top.children.last_mut() {
        prev.push_str(&s);
    } else {
        top.children.push(Node::Text(s));
    }
}

/// Escape text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot hold at all.
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_canonical_prefixes_and_entities() {
        let xml = r#"<?xml version="1.0"?><x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:body><x:p><x:r><x:t xml:space="preserve"> A &amp; B &#x4E00;</x:t></x:r></x:p></x:body></x:document>"#;
        let root = parse(xml).unwrap();
        assert_eq!(root.name, "w:document");
        let t = root.find("w:t").unwrap();
        assert_eq!(t.attr("xml:space"), Some("preserve"));
        assert_eq!(root.text(), " A & B 一");
    }

    #[test]
    fn broken_xml_is_an_error_with_a_line() {
        let e = parse("<a>\n<b></a>").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(parse("<a><b>").is_err());
    }

    #[test]
    fn targets_resolve_against_the_part() {
        assert_eq!(
            resolve_target("word", "media/image1.png"),
            "word/media/image1.png"
        );
        assert_eq!(
            resolve_target("word", "../customXml/a.xml"),
            "customXml/a.xml"
        );
        assert_eq!(
            resolve_target("word", "/word/media/x.png"),
            "word/media/x.png"
        );
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
    }

    #[test]
    fn non_zip_files_are_named() {
        let doc = {
            let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
            b.extend("WordDocument".encode_utf16().flat_map(|u| u.to_le_bytes()));
            b
        };
        let e = Package::open(doc, "docx").err().unwrap();
        assert!(e.message.contains("Word 97–2003"), "{}", e.message);
        assert!(e.message.contains("although its name ends in .docx"));
        let e = Package::open(b"{\\rtf1 hello}".to_vec(), "doc")
            .err()
            .unwrap();
        assert!(e.message.contains("RTF"));
        let e = Package::open(Vec::new(), "docx").err().unwrap();
        assert!(e.message.contains("empty"));
    }
}
