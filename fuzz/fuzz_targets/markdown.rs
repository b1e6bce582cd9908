//! The Markdown pipeline with the CJK passes (emphasis re-pairing, soft-break joining, heading
//! ids, footnotes, link placeholders, summary), with and without `safe`, under every option.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhiku::markdown::{self, MarkdownOptions, SourceInfo};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let opts = MarkdownOptions {
        smart_punctuation: flags & 1 != 0,
        safe: flags & 2 != 0,
        cjk_emphasis: flags & 4 == 0,
        cjk_line_breaks: flags & 8 == 0,
    };
    let src = SourceInfo {
        rel_path: "cases/天津.md",
        first_line: 4,
    };
    let out = markdown::render(body, opts, src);
    let lines = body.split('\n').count() + 4;
    for l in &out.links {
        assert!(l.line >= 4 && l.line <= lines, "{l:?}");
        assert!(l.column >= 1);
    }
    // Heading ids are unique within the page.
    let mut ids: Vec<&String> = out.toc.iter().map(|t| &t.id).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(n, ids.len());
    if opts.safe {
        check_safe(&out.html);
        check_safe(&out.summary_html);
    }
    let urls: Vec<String> = (0..out.links.len()).map(|i| format!("/u{i}/")).collect();
    let _ = markdown::fill_placeholders(&out.html, &urls);
});

/// In safe mode no tag is a script, no attribute an event handler, and no attribute value a
/// `javascript:` URL. (Text may say "javascript:"; it is escaped text.) The sanitizer's
/// serializer writes every attribute value in double quotes, so attributes can be read back.
fn check_safe(html: &str) {
    let lower = html.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'/' || b[i] == b'!') {
            i += 1;
        }
        let name = lower[start..i].trim_start_matches('/');
        assert!(
            !matches!(
                name,
                "script" | "iframe" | "object" | "embed" | "style" | "form" | "meta" | "base" | "svg"
            ),
            "<{name}> survived in {html}"
        );
        // Attributes up to `>`.
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' {
                i += 1;
            }
            let attr = &lower[a..i];
            assert!(!attr.starts_with("on"), "event handler {attr} in {html}");
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && b[i] == b'"' {
                    i += 1;
                    let v = i;
                    while i < b.len() && b[i] != b'"' {
                        i += 1;
                    }
                    let value = lower[v..i].trim_start();
                    assert!(!value.starts_with("javascript:"), "{html}");
                    assert!(!value.starts_with("vbscript:"), "{html}");
                    assert!(!value.starts_with("data:text/html"), "{html}");
                    i += 1;
                }
            }
        }
    }
}
