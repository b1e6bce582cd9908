//! Percent-encoding and decoding of URLs, as pulldown-cmark and CommonMark write them.

/// Decode `%E4%B8%AD`-style escapes (authors may paste encoded links).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encode a URL the way pulldown-cmark writes the `href` of a link it renders itself
/// (and as CommonMark's examples expect): UTF-8 bytes outside ASCII, spaces, controls and
/// `"<>[\\]^`{|}` become `%XX`; everything else, `%` included (an escape already written stays
/// as it is), is kept. `&` and `'` are left for attribute escaping. `/t/my url` →
/// `/t/my%20url`, `/föö` → `/f%C3%B6%C3%B6`, `#主要做法` → `#%E4%B8%BB%E8%A6%81%E5%81%9A%E6%B3%95`.
pub fn percent_encode_url(url: &str) -> String {
    encode_bytes(url, false)
}

/// [`percent_encode_url`] for a path or fragment that has been decoded (the paths and anchors
/// of internal links): every `%`, `#` and `?` in it is a character of the name, so they are
/// encoded too (`100%.pdf` → `100%25.pdf`).
pub fn percent_encode_decoded(part: &str) -> String {
    encode_bytes(part, true)
}

fn encode_bytes(url: &str, decoded: bool) -> String {
    let keep = |b: u8| {
        if decoded && matches!(b, b'%' | b'#' | b'?') {
            return false;
        }
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b'-'
                    | b'.'
                    | b'/'
                    | b':'
                    | b';'
                    | b'='
                    | b'?'
                    | b'@'
                    | b'^'
                    | b'_'
                    | b'~'
            )
    };
    if url.bytes().all(keep) {
        return url.to_string();
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(url.len() * 3);
    for b in url.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}
