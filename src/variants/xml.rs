//! Converting a generated XML document (Atom feed, sitemap): text converted, URLs pointed
//! at the edition, escaped HTML converted as HTML, `xml:lang` set.

use super::tag::Tag;
use super::Edition;

impl Edition {
    /// Convert a generated XML document (Atom feed, sitemap): text converted, except URLs in
    /// `<id>`, `<loc>` and `<uri>` (pointed at the edition); escaped HTML in `type="html"`
    /// elements converted as HTML; `xml:lang` set.
    pub fn xml(&self, xml: &str) -> String {
        let mut out = String::with_capacity(xml.len() + xml.len() / 8);
        let mut current = String::new();
        let mut html_text = false;
        let mut i = 0;
        while i < xml.len() {
            let rest = &xml[i..];
            let Some(lt) = rest.find('<') else {
                out.push_str(rest);
                break;
            };
            let text = &rest[..lt];
            if matches!(current.as_str(), "id" | "loc" | "uri") {
                match self.edition_url(text.trim()) {
                    Some(u) => out.push_str(&text.replacen(text.trim(), &u, 1)),
                    None => out.push_str(text),
                }
            } else if html_text {
                let html = crate::html::unescape(text);
                out.push_str(&crate::markdown::escape_attr(&self.html(&html, "")));
            } else {
                self.push_text(&mut out, text, false);
            }
            i += lt;
            let rest = &xml[i..];
            if rest.starts_with("<!") || rest.starts_with("<?") {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                out.push_str(&rest[..end]);
                i += end;
                continue;
            }
            let Some(tag) = Tag::parse(rest) else {
                out.push('<');
                i += 1;
                continue;
            };
            let raw = &rest[..tag.len];
            i += tag.len;
            if tag.closing {
                current.clear();
                html_text = false;
                out.push_str(raw);
                continue;
            }
            current = tag.name.clone();
            html_text = tag.attrs(raw).any(|(n, v)| n == "type" && v == "html");
            let mut last = 0;
            for (name, value) in tag.attrs(raw) {
                let start = value.as_ptr() as usize - raw.as_ptr() as usize;
                let new = match name {
                    "xml:lang" => Some(self.lang.to_string()),
                    "href" => self.edition_url(value),
                    "title" if !value.is_ascii() => Some(self.text(value)),
                    _ => None,
                };
                if let Some(new) = new {
                    out.push_str(&raw[last..start]);
                    out.push_str(&new);
                    last = start + value.len();
                }
            }
            out.push_str(&raw[last..]);
            if tag.self_closing {
                current.clear();
                html_text = false;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::variants::tests::edition;

    #[test]
    fn feeds() {
        let e = edition("");
        let xml = r#"<feed xml:lang="zh-CN"><title>党建</title><link href="/kb/cases/"/><id>/kb/cases/</id><summary type="html">&lt;p&gt;党员&lt;code&gt;党&lt;/code&gt;&lt;/p&gt;</summary></feed>"#;
        let out = e.xml(xml);
        assert_eq!(
            out,
            r#"<feed xml:lang="zh-Hant"><title>黨建</title><link href="/kb/zh-hant/cases/"/><id>/kb/zh-hant/cases/</id><summary type="html">&lt;p&gt;黨員&lt;code&gt;党&lt;/code&gt;&lt;/p&gt;</summary></feed>"#
        );
    }
}
