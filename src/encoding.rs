//! Turning the bytes of a source file into text. This is the only place files are decoded.
//!
//! Authors' files should be UTF-8, but files from Windows editors and word processors come in
//! other forms too, and each is handled here so that every later stage sees one form (UTF-8
//! text with LF line endings):
//!
//! - UTF-8 with a byte-order mark: the BOM is dropped (no warning, Notepad writes it);
//! - UTF-16 LE or BE with a BOM (Notepad's “Unicode”): decoded, with a warning;
//! - GBK / GB18030 without a BOM (Notepad's “ANSI” on a Chinese Windows, old Word exports):
//!   detected with chardetng and decoded with encoding_rs, with a warning naming the encoding
//!   and how to convert the file once;
//! - CRLF and lone CR line endings become LF.
//!
//! A file with NUL bytes is binary; invalid UTF-8 that is not plausibly GBK (for example a
//! UTF-8 file with a few broken bytes) stays an error with the line and column of the first
//! bad byte.

use encoding_rs::Encoding;

/// Why a file could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// 1-based line of the first bad byte.
    pub line: usize,
    /// 1-based column (characters) of the first bad byte.
    pub column: usize,
    pub message: String,
    /// How to fix it (None: the caller's generic “save as UTF-8”).
    pub help: Option<String>,
}

/// How a file was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// UTF-8 (with or without a BOM): nothing to say.
    Utf8,
    /// UTF-16 with a BOM.
    Utf16Le,
    Utf16Be,
    /// A legacy Chinese encoding found by detection (GBK/GB18030 or Big5).
    Legacy(&'static Encoding),
}

impl Detected {
    /// The encoding's name as users know it (`GBK (GB18030)`, `UTF-16 LE`).
    pub fn name(&self) -> &'static str {
        match self {
            Detected::Utf8 => "UTF-8",
            Detected::Utf16Le => "UTF-16 LE",
            Detected::Utf16Be => "UTF-16 BE",
            Detected::Legacy(e) if *e == encoding_rs::GBK || *e == encoding_rs::GB18030 => {
                "GBK (GB18030)"
            }
            Detected::Legacy(e) => e.name(),
        }
    }

    /// The name `iconv -f` takes.
    fn iconv_name(&self) -> &'static str {
        match self {
            Detected::Utf8 => "UTF-8",
            Detected::Utf16Le | Detected::Utf16Be => "UTF-16",
            // GB18030 is a superset of GBK: converting with it never fails on a GBK file.
            Detected::Legacy(e) if *e == encoding_rs::GBK || *e == encoding_rs::GB18030 => {
                "GB18030"
            }
            Detected::Legacy(e) => e.name(),
        }
    }

    /// The warning for a file decoded from this encoding: `(message, help)`, or `None` for
    /// UTF-8. `file` is the name shown in the conversion command.
    pub fn warning(&self, file: &str) -> Option<(String, String)> {
        if *self == Detected::Utf8 {
            return None;
        }
        let name = self.name();
        let how = if matches!(self, Detected::Legacy(_)) {
            "detected"
        } else {
            "marked by its byte-order mark"
        };
        let (from, tmp) = (shell_quote(file), shell_quote(&format!("{file}.utf8")));
        Some((
            format!("this file is encoded as {name} ({how}), not UTF-8; it was converted for this build"),
            format!(
                "convert it to UTF-8 once, so that every tool reads it the same: \
                 `iconv -f {} -t UTF-8 {from} > {tmp} && mv {tmp} {from}`, \
                 or in 记事本 (Notepad): 文件 → 另存为 → 编码 选 UTF-8",
                self.iconv_name()
            ),
        ))
    }
}

/// `name` as one shell word: as it is when that is safe, else in single quotes.
fn shell_quote(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'));
    if plain && !name.chars().any(char::is_whitespace) {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "'\\''"))
    }
}

/// A decoded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, LF line endings.
    pub text: String,
    pub encoding: Detected,
}

/// Bytes of a file that detection looks at (the whole file up to this size).
const DETECT_LIMIT: usize = 4 << 20;

/// Decode a source file (see the module documentation) and normalise line endings.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, encoding_rs::UTF_16LE, Detected::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, encoding_rs::UTF_16BE, Detected::Utf16Be);
    }
    decode_utf8(bytes)
}

/// [`decode`], taking the bytes: a UTF-8 file with LF line endings (the usual case) becomes
/// the text without a copy.
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return decode(&bytes);
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if memchr_nul(&bytes).is_some() {
        return decode_utf8(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: normalize_newlines_owned(text),
            encoding: Detected::Utf8,
        }),
        Err(e) => decode_utf8(e.as_bytes()),
    }
}

/// [`decode`], keeping only the text.
pub fn decode_text(bytes: &[u8]) -> Result<String, DecodeError> {
    decode(bytes).map(|d| d.text)
}

fn decode_utf8(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(at) = memchr_nul(bytes) {
        let (line, column) = position_of(bytes, at);
        let utf16 = looks_like_utf16(bytes);
        return Err(DecodeError {
            line,
            column,
            message: if utf16 {
                "this looks like UTF-16 text without a byte-order mark (it contains NUL bytes); zhiku cannot tell its byte order".into()
            } else {
                "this looks like a binary file (it contains NUL bytes), not Markdown text".into()
            },
            help: Some(if utf16 {
                "save the file as UTF-8 (in 记事本: 另存为 → 编码 UTF-8)".into()
            } else {
                "only Markdown (.md) files are read as pages; if this is an image or a document, give it its real extension".into()
            }),
        });
    }
    let first_error = match std::str::from_utf8(bytes) {
        Ok(s) => {
            return Ok(Decoded {
                text: normalize_newlines(s),
                encoding: Detected::Utf8,
            })
        }
        Err(e) => e.valid_up_to(),
    };
    if let Some(d) = detect_legacy(bytes) {
        return Ok(d);
    }
    let (line, column) = position_of(bytes, first_error);
    Err(DecodeError {
        line,
        column,
        message: "the file is not valid UTF-8 text".into(),
        help: None,
    })
}

fn decode_utf16(
    bytes: &[u8],
    enc: &'static Encoding,
    detected: Detected,
) -> Result<Decoded, DecodeError> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors || text.contains('\0') {
        let bad = text.find(['\u{FFFD}', '\0']).unwrap_or(text.len());
        let (line, column) = position_of(text.as_bytes(), bad);
        return Err(DecodeError {
            line,
            column,
            message: format!(
                "the file starts with a {} byte-order mark but is not valid {} text",
                detected.name(),
                detected.name()
            ),
            help: None,
        });
    }
    Ok(Decoded {
        text: normalize_newlines(&text),
        encoding: detected,
    })
}

/// Counts of well-formed multi-byte UTF-8 characters of 3 or 4 bytes (what Chinese text in
/// UTF-8 is made of) and of malformed sequences.
fn utf8_census(mut bytes: &[u8]) -> (usize, usize) {
    let (mut wide, mut bad) = (0, 0);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                wide += s.chars().filter(|c| c.len_utf8() >= 3).count();
                return (wide, bad);
            }
            Err(e) => {
                let good = e.valid_up_to();
                // The prefix is valid UTF-8 by construction.
                if let Ok(s) = std::str::from_utf8(&bytes[..good]) {
                    wide += s.chars().filter(|c| c.len_utf8() >= 3).count();
                }
                bad += 1;
                let skip = e.error_len().unwrap_or(bytes.len() - good).max(1);
                bytes = &bytes[(good + skip).min(bytes.len())..];
            }
        }
    }
}

/// A file that is not UTF-8: is it plausibly GBK/GB18030 (or Big5)? Decides with chardetng,
/// then requires the whole file to decode without a single malformed sequence and without
/// control characters, and refuses files that are mostly well-formed UTF-8 (a UTF-8 file with
/// a few broken bytes is a broken UTF-8 file, not a GBK one).
fn detect_legacy(bytes: &[u8]) -> Option<Decoded> {
    let (wide, bad) = utf8_census(bytes);
    // Chinese GBK text forms an accidental 3-byte UTF-8 character only every ~60 characters,
    // while nearly every GBK character is a malformed UTF-8 sequence.
    if wide * 4 >= bad {
        return None;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes[..bytes.len().min(DETECT_LIMIT)], true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    let enc = if guess == encoding_rs::GBK || guess == encoding_rs::GB18030 {
        encoding_rs::GB18030
    } else if guess == encoding_rs::BIG5 {
        encoding_rs::BIG5
    } else if is_euc_cn(bytes) {
        // chardetng needs more text than a short page has (`title: 党建` alone reads as
        // windows-1250); a file whose every non-ASCII byte pair is a GB2312 character is GBK.
        encoding_rs::GB18030
    } else {
        return None;
    };
    let text = enc.decode_without_bom_handling_and_without_replacement(bytes)?;
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
    {
        return None;
    }
    Some(Decoded {
        text: normalize_newlines(&text),
        encoding: Detected::Legacy(if enc == encoding_rs::GB18030 {
            encoding_rs::GBK
        } else {
            enc
        }),
    })
}

/// Is every non-ASCII byte part of a GB2312 (EUC-CN) character: a lead byte A1–F7 followed
/// by a trail byte A1–FE? Latin-1 text (`é` then an ASCII letter) and random bytes are not.
fn is_euc_cn(bytes: &[u8]) -> bool {
    let mut pairs = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(&t) if (0xA1..=0xF7).contains(&b) && (0xA1..=0xFE).contains(&t) => {
                pairs += 1;
                i += 2;
            }
            _ => return false,
        }
    }
    pairs > 0
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    // `contains` on bytes is a fast memchr; most files have no NUL at all.
    if !bytes.contains(&0) {
        return None;
    }
    bytes.iter().position(|&b| b == 0)
}

/// Mostly-ASCII UTF-16 without a BOM: NUL in every other byte.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    if sample.len() < 4 {
        return false;
    }
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let half = sample.len() / 2;
    (even * 10 >= half * 3 && odd * 20 < half) || (odd * 10 >= half * 3 && even * 20 < half)
}

/// Decode for display only (diagnostic excerpts, finding lines): never fails, and gives the
/// same lines as [`decode`] for any file `decode` accepts.
pub fn decode_lossy(bytes: &[u8]) -> String {
    match decode(bytes) {
        Ok(d) => d.text,
        Err(_) => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            normalize_newlines(&String::from_utf8_lossy(bytes))
        }
    }
}

/// CRLF and lone CR become LF.
pub fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('\n') {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// [`normalize_newlines`] without a copy when there is nothing to change.
fn normalize_newlines_owned(s: String) -> String {
    if s.contains('\r') {
        normalize_newlines(&s)
    } else {
        s
    }
}

/// 1-based line and character column of byte `at`, with the line endings [`decode`] uses
/// (CRLF and lone CR end a line too).
fn position_of(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let mut line = 1;
    let mut line_start = 0;
    let mut i = 0;
    while i < before.len() {
        match before[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' if before.get(i + 1) != Some(&b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    #[test]
    fn bom_and_newlines() {
        let d = decode(b"\xEF\xBB\xBFa\r\nb\rc").unwrap();
        assert_eq!(d.text, "a\nb\nc");
        assert_eq!(d.encoding, Detected::Utf8);
        assert!(d.encoding.warning("a.md").is_none());
    }

    #[test]
    fn invalid_utf8_position() {
        let e = decode("第一行\n中文\u{0}".as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        let e = decode(b"ok\nab\xff").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.contains("UTF-8"));
        // Lone CR ends a line for positions too.
        let e = decode(b"a\rb\r\nc\xff").unwrap_err();
        assert_eq!((e.line, e.column), (3, 2));
    }

    #[test]
    fn utf16_with_bom() {
        let text = "---\r\ntitle: 天津\r\n---\r\n正文\r\n";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        let d = decode(&le).unwrap();
        assert_eq!(d.text, "---\ntitle: 天津\n---\n正文\n");
        assert_eq!(d.encoding, Detected::Utf16Le);
        let d = decode(&be).unwrap();
        assert_eq!(d.text, "---\ntitle: 天津\n---\n正文\n");
        assert_eq!(d.encoding, Detected::Utf16Be);
        let (msg, help) = d.encoding.warning("content/a.md").unwrap();
        assert!(msg.contains("UTF-16 BE"), "{msg}");
        assert!(
            help.contains("iconv -f UTF-16 -t UTF-8 content/a.md"),
            "{help}"
        );
        // An unpaired surrogate is an error, not a silent replacement.
        let e = decode(&[0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0]).unwrap_err();
        assert!(e.message.contains("not valid UTF-16 LE"), "{e:?}");
        // UTF-16 without a BOM is recognised in the error.
        let e = decode(&le[2..]).unwrap_err();
        assert!(e.message.contains("UTF-16"), "{e:?}");
    }

    #[test]
    fn gbk_without_bom_is_detected() {
        let text = "---\r\ntitle: 社区党组织建设\r\ntags: [组织覆盖, 基层治理]\r\n---\r\n\
                    天津市河西区推进社会组织党的建设，实现党的组织和工作全覆盖。\r\n";
        let d = decode(&gbk(text)).unwrap();
        assert_eq!(d.text, text.replace("\r\n", "\n"));
        assert_eq!(d.encoding.name(), "GBK (GB18030)");
        let (msg, help) = d.encoding.warning("content/a.md").unwrap();
        assert!(msg.contains("GBK"), "{msg}");
        assert!(
            help.contains("iconv -f GB18030 -t UTF-8 content/a.md"),
            "{help}"
        );
        assert!(help.contains("另存为"), "{help}");
        // Short files too.
        for s in [
            "---\ntitle: 党建\n---\n",
            "---\ntitle: 天津\n---\n正文。\n",
            "---\ntitle: 社区\n---\n",
        ] {
            assert_eq!(decode(&gbk(s)).unwrap().text, s, "{s}");
        }
    }

    #[test]
    fn conversion_command_quotes_file_names() {
        let (_, help) = Detected::Utf16Le.warning("content/天津 河西.md").unwrap();
        assert!(
            help.contains("iconv -f UTF-16 -t UTF-8 'content/天津 河西.md' > 'content/天津 河西.md.utf8' && mv 'content/天津 河西.md.utf8' 'content/天津 河西.md'"),
            "{help}"
        );
        assert_eq!(shell_quote("content/党建.md"), "content/党建.md");
        assert_eq!(shell_quote("a'b.md"), "'a'\\''b.md'");
    }

    #[test]
    fn utf8_with_a_few_gbk_bytes_stays_an_error() {
        let mut bytes = "---\ntitle: 天津\n---\n正文".as_bytes().to_vec();
        bytes.extend_from_slice(&gbk("党建"));
        let e = decode(&bytes).unwrap_err();
        assert_eq!((e.line, e.column), (4, 3));
    }

    #[test]
    fn binary_is_an_error() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert!(decode(png).unwrap_err().message.contains("binary"));
        // Random high bytes without NUL are not “GBK”.
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 | 1)
            .collect();
        assert!(decode(&noise).is_err());
        // Latin-1 text is not GBK either.
        assert!(decode(b"---\ntitle: r\xe9sum\xe9\n---\n").is_err());
    }

    #[test]
    fn owned_matches_decode() {
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "a\r\n天津".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            "---\ntitle: \u{5929}\n---\n".as_bytes().to_vec(),
            b"\xEF\xBB\xBFa\r\nb\rc\r\r\n".to_vec(),
            b"\xEF\xBB\xBF".to_vec(),
            b"\xEF\xBB\xBF\xFF\xFEab".to_vec(),
            b"\xEF\xBB\xBFok\nab\xff".to_vec(),
            b"ok\nab\xff".to_vec(),
            b"a\rb\r\nc\xff".to_vec(),
            b"\xEF\xBB\xBFa\0b".to_vec(),
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            gbk("---\r\ntitle: \u{515A}\u{5EFA}\r\n---\r\n"),
            utf16.clone(),
            utf16[2..].to_vec(),
        ];
        for bytes in cases {
            assert_eq!(decode_owned(bytes.clone()), decode(&bytes), "{bytes:?}");
        }
        assert_eq!(normalize_newlines("a\r\r\nb\r\n\rc\r"), "a\n\nb\n\nc\n");
    }

    #[test]
    fn lossy_matches_decode() {
        let s = "---\ntitle: 党建\n---\n正文\n";
        assert_eq!(decode_lossy(&gbk(s)), s);
        assert_eq!(decode_lossy(b"a\xffb"), "a\u{FFFD}b");
    }
}
