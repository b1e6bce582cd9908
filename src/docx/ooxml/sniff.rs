//! What a file that is not a .docx package really is, judged from its bytes (a Word 97–2003,
//! encrypted or other compound file, RTF, a web page, XML, an empty copy), as an
//! [`OpenError`] that says what to do.

use super::OpenError;

const SAVE_AS: &str = "open it in Word or WPS and save it as a Word document (文件 → 另存为 → \
                       “Word 文档 (*.docx)”), then import the .docx";

/// Does `hay` contain `name` written in UTF-16LE (how compound files store stream names)?
fn has_utf16(hay: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    hay.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// What a file that is not a ZIP package is, judged from its bytes.
pub(super) fn sniff_other(bytes: &[u8], ext: &str) -> OpenError {
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

#[cfg(test)]
mod tests {
    use crate::docx::ooxml::Package;

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
