//! XML parts as a small element tree: names and attributes with canonical namespace prefixes
//! (`w:p`, `r:id`) whatever prefix the file used, text and entities, errors with a line; and
//! escaping text for the XML that export writes.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// Elements nested deeper than this are refused (a real document stays far below).
const MAX_DEPTH: usize = 256;

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
}
