//! The search document files of an edition: one file per document holds the Simplified
//! document and its converted twin (the URL and heading ids kept as they are).

use super::Edition;

impl Edition {
    /// The twin of search document file `bytes` (`__zhikuSearch("d",…,{"t":…,"u":…,"s":…,
    /// "k":…,"n":…,"p":…,"h":…,"x":…});`, keys in that order): everything converted but the
    /// URL path `u` and the heading ids `p` (top section) and `h` (section starts), which are
    /// the same in both editions so that deep links land on the heading.
    pub fn search_doc(&self, bytes: &[u8]) -> Vec<u8> {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return bytes.to_vec();
        };
        let Some(start) = text.find(",\"u\":\"") else {
            return self.text(text).into_bytes();
        };
        let value = start + 6;
        let end = json_string_end(text, value);
        // Outside strings a key can only be `,"key":` (quotes inside strings are escaped).
        let text_at = text[end..].find(",\"x\":").map_or(text.len(), |i| end + i);
        let ids_at = [",\"p\":", ",\"h\":"]
            .iter()
            .filter_map(|k| text[end..text_at].find(k).map(|i| end + i))
            .min()
            .unwrap_or(text_at);
        let mut out = self.text(&text[..value]);
        out.push_str(&text[value..end]);
        out.push_str(&self.text(&text[end..ids_at]));
        out.push_str(&text[ids_at..text_at]);
        out.push_str(&self.text(&text[text_at..]));
        out.into_bytes()
    }

    /// A search document file with the edition's document appended: the file calls
    /// `__zhikuSearch("d",…)` with the Simplified document, then `__zhikuSearch("h",…)`
    /// with the converted one ([`Edition::search_doc`]); `search.js` of the zh-Hant
    /// edition waits for `h`, the Simplified one for `d`. One file per document for both
    /// editions: a twin file each would be 2,000 more files at 2,000 pages, which cost the
    /// file system more than their bytes do (README "zh-Hant edition", cost).
    pub fn search_doc_both(&self, mut bytes: Vec<u8>) -> Vec<u8> {
        const SIMPLIFIED: &[u8] = b"__zhikuSearch(\"d\"";
        let twin = self.search_doc(&bytes);
        if let Some(rest) = twin.strip_prefix(SIMPLIFIED) {
            if !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
            bytes.extend_from_slice(b"__zhikuSearch(\"h\"");
            bytes.extend_from_slice(rest);
        }
        bytes
    }
}

/// The end (offset of the closing quote) of the JSON string whose contents start at `from`.
fn json_string_end(s: &str, from: usize) -> usize {
    let b = s.as_bytes();
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use crate::variants::tests::edition;

    #[test]
    fn search_doc_keeps_the_url() {
        let e = edition("");
        let doc = r#"__zhikuSearch("d","ab",3,{"t":"党建","u":"tags/党员发展/","s":"案例","x":"发展\"党员\""});"#.as_bytes();
        let out = String::from_utf8(e.search_doc(doc)).unwrap();
        assert_eq!(
            out,
            r#"__zhikuSearch("d","ab",3,{"t":"黨建","u":"tags/党员发展/","s":"案例","x":"發展\"黨員\""});"#
        );
        // Heading ids (top section, section starts) stay as they are in both editions.
        let doc = r#"__zhikuSearch("d","ab",3,{"t":"党建","u":"a/","s":"案例","k":["党员"],"n":[1],"p":"党建工作","h":[[1,"党员发展"]],"x":"党员"});"#;
        let out = String::from_utf8(e.search_doc(doc.as_bytes())).unwrap();
        assert_eq!(
            out,
            r#"__zhikuSearch("d","ab",3,{"t":"黨建","u":"a/","s":"案例","k":["黨員"],"n":[1],"p":"党建工作","h":[[1,"党员发展"]],"x":"黨員"});"#
        );
    }

    #[test]
    fn a_search_document_file_holds_both_editions() {
        let e = edition("");
        let doc = r#"__zhikuSearch("d","ab",3,{"t":"党建","u":"a/","x":"党员"});"#;
        let out = String::from_utf8(e.search_doc_both(doc.as_bytes().to_vec())).unwrap();
        assert_eq!(
            out,
            "__zhikuSearch(\"d\",\"ab\",3,{\"t\":\"党建\",\"u\":\"a/\",\"x\":\"党员\"});\n__zhikuSearch(\"h\",\"ab\",3,{\"t\":\"黨建\",\"u\":\"a/\",\"x\":\"黨員\"});"
        );
        assert!(!e.has_twin("search/d/3.js"));
        assert!(!e.has_twin("sitemap.xml"));
        assert!(e.has_twin("cases/index.html"));
    }
}
