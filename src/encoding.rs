//! Turning the bytes of a source file into text.
//!
//! Authors' files are UTF-8, but a byte-order mark is stripped and line endings (CRLF, CR)
//! are normalised to LF so that every later stage sees one form.

/// Why a file could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// 1-based line of the first bad byte.
    pub line: usize,
    /// 1-based column (characters) of the first bad byte.
    pub column: usize,
    pub message: String,
}

/// Decode a source file strictly as UTF-8 (a BOM is allowed) and normalise line endings.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        let at = bytes.iter().position(|&b| b == 0).unwrap_or(0);
        let (line, column) = position_of(bytes, at);
        return Err(DecodeError {
            line,
            column,
            message: "this looks like a binary file (it contains NUL bytes), not Markdown text"
                .into(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(normalize_newlines(s)),
        Err(e) => {
            let (line, column) = position_of(bytes, e.valid_up_to());
            Err(DecodeError {
                line,
                column,
                message: "the file is not valid UTF-8 text".into(),
            })
        }
    }
}

/// Decode for display only (diagnostic excerpts): never fails.
pub fn decode_lossy(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    normalize_newlines(&String::from_utf8_lossy(bytes))
}

/// CRLF and lone CR become LF.
pub fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

fn position_of(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_newlines() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb\rc").unwrap(), "a\nb\nc");
    }

    #[test]
    fn invalid_utf8_position() {
        let e = decode("第一行\n中文\u{0}".as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        let e = decode(b"ok\nab\xff").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.contains("UTF-8"));
    }
}
