//! Character classes for Chinese text.
//!
//! These rules decide where a soft line break disappears, which emphasis delimiters flank,
//! how words are counted and how heading ids are formed. They follow the CJK-friendly
//! amendment to CommonMark (<https://github.com/tats-u/markdown-cjk-friendly>): a "CJK
//! character" is one of East Asian Width W, F or H (ideographs, kana, Hangul, CJK and
//! full-width punctuation), which is why `“` and `”` (width A) are *not* CJK.

/// Is `c` a CJK character in the sense of the CJK-friendly amendment (East Asian Width W/F/H,
/// or Hangul)? Covers ideographs, kana, Hangul, bopomofo, CJK symbols and punctuation
/// (`。，、：；！？（）《》【】「」`), full-width forms and half-width katakana.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F            // Hangul Jamo (leading, wide)
        | 0x2E80..=0x2FDF          // CJK radicals, Kangxi radicals
        | 0x2FF0..=0x303E          // ideographic description, CJK symbols and punctuation
        | 0x3041..=0x33FF          // kana, bopomofo, Hangul compatibility, CJK compatibility
        | 0x3400..=0x4DBF          // CJK extension A
        | 0x4E00..=0x9FFF          // CJK unified ideographs
        | 0xA000..=0xA4CF          // Yi
        | 0xA960..=0xA97F          // Hangul Jamo extended A
        | 0xAC00..=0xD7AF          // Hangul syllables
        | 0xF900..=0xFAFF          // CJK compatibility ideographs
        | 0xFE10..=0xFE19          // vertical forms
        | 0xFE30..=0xFE6F          // CJK compatibility forms, small form variants
        | 0xFF00..=0xFF60          // full-width forms
        | 0xFFE0..=0xFFE6          // full-width signs
        | 0xFF61..=0xFFDC          // half-width katakana and Hangul (width H)
        | 0x1B000..=0x1B16F        // kana supplement/extended
        | 0x20000..=0x2FFFD        // CJK extensions B–F, compatibility supplement
        | 0x30000..=0x3FFFD        // CJK extensions G–H
    )
}

/// Is `c` a CJK ideograph (a Han character, the unit of Chinese reading speed)?
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD
    ) || c == '〇'
}

/// Unicode punctuation as CommonMark 0.31 defines it: general categories P and S. Rust's
/// standard library has no category table, so this uses `is_ascii_punctuation` for ASCII and
/// "neither alphanumeric, whitespace nor control" for the rest, which matches P and S for
/// every character a Chinese author types (CJK and full-width punctuation, quotes, dashes).
pub fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    !(c.is_alphanumeric() || c.is_whitespace() || c.is_control() || is_variation_selector(c))
}

/// A non-emoji variation selector (U+FE00–U+FE0E) or an ideographic variation selector.
pub fn is_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0E | 0xE0100..=0xE01EF)
}

/// `(c.is_alphanumeric(), is_cjk(c))` for a character outside ASCII, from a table of the Basic
/// Multilingual Plane built on first use (the standard library searches its Unicode tables
/// for every character; word counts ask about every character of every page).
fn alphanumeric_and_cjk(c: char) -> (bool, bool) {
    static BMP: std::sync::OnceLock<Box<[u8]>> = std::sync::OnceLock::new();
    let u = c as u32;
    if u > 0xFFFF {
        return (c.is_alphanumeric(), is_cjk(c));
    }
    // Two bits a character: alphanumeric, CJK.
    let table = BMP.get_or_init(|| {
        let mut t = vec![0u8; 0x10000 / 4];
        for (u, c) in (0..0x10000u32).filter_map(|u| Some((u, char::from_u32(u)?))) {
            let bits = u8::from(c.is_alphanumeric()) | (u8::from(is_cjk(c)) << 1);
            t[(u / 4) as usize] |= bits << (2 * (u % 4));
        }
        t.into_boxed_slice()
    });
    let bits = table[(u / 4) as usize] >> (2 * (u % 4));
    (bits & 1 == 1, bits & 2 == 2)
}

/// Count words the way a Chinese reader experiences them: every Han character, kana or
/// Hangul syllable counts as one; a run of Latin letters or digits counts as one word.
/// Punctuation counts as nothing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WordCount {
    /// CJK characters (ideographs, kana, Hangul); punctuation excluded.
    pub cjk_chars: usize,
    /// Latin/digit words.
    pub words: usize,
}

impl WordCount {
    /// Add the words of `text` to this count.
    pub fn add(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut in_word = false;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    if !in_word {
                        self.words += 1;
                    }
                    in_word = true;
                } else {
                    in_word = in_word && (b == b'\'' || b == b'.' || b == b'-');
                }
                i += 1;
                continue;
            }
            // U+4E00–U+9FFF (every one CJK and alphanumeric) in UTF-8: E4 B8–BF xx, E5–E9 xx xx.
            if (0xE5..=0xE9).contains(&b) || (b == 0xE4 && bytes.get(i + 1) >= Some(&0xB8)) {
                self.cjk_chars += 1;
                in_word = false;
                i += 3;
                continue;
            }
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            i += c.len_utf8();
            let (alphanumeric, cjk) = alphanumeric_and_cjk(c);
            if alphanumeric && cjk {
                self.cjk_chars += 1;
                in_word = false;
            } else if alphanumeric || (in_word && c == '’') {
                if !in_word {
                    self.words += 1;
                }
                in_word = true;
            } else {
                in_word = false;
            }
        }
    }

    /// The total shown to readers: CJK characters plus Latin words.
    pub fn total(&self) -> usize {
        self.cjk_chars + self.words
    }

    /// Reading time in whole minutes (at least 1 for non-empty text): 400 Chinese characters
    /// a minute, 200 Latin words a minute.
    pub fn reading_minutes(&self) -> usize {
        if self.total() == 0 {
            return 0;
        }
        let minutes = self.cjk_chars as f64 / 400.0 + self.words as f64 / 200.0;
        (minutes.ceil() as usize).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for c in [
            '中', '党', '。', '，', '：', '（', '）', '《', '》', '【', '「', 'あ', 'カ', '한',
            'Ａ', '１',
        ] {
            assert!(is_cjk(c), "{c} should be CJK");
        }
        for c in ['a', '1', '“', '”', '—', '…', ' ', '*', '.'] {
            assert!(!is_cjk(c), "{c} should not be CJK");
        }
        for c in ['“', '”', '。', '：', '（', '*', '.', '—', '《'] {
            assert!(is_punctuation(c), "{c} should be punctuation");
        }
        for c in ['中', 'a', '1', ' '] {
            assert!(!is_punctuation(c), "{c} should not be punctuation");
        }
        assert!(is_han('党') && !is_han('。') && !is_han('あ'));
    }

    #[test]
    fn counts_chinese_characters_not_spaces() {
        let mut w = WordCount::default();
        w.add("党组织覆盖率达到98.1%，共有 1,460 个社会组织。Party building works.");
        // 党组织覆盖率达到 (8) + 共有 (2) + 个社会组织 (5) = 15 CJK characters.
        assert_eq!(w.cjk_chars, 15);
        // 98.1, 1,460 → "1" and "460"; Party, building, works.
        assert_eq!(w.words, 6);
    }

    #[test]
    fn character_table_is_the_standard_one() {
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(
                alphanumeric_and_cjk(c),
                (c.is_alphanumeric(), is_cjk(c)),
                "{c:?}"
            );
        }
        // Counted from their UTF-8 bytes by `WordCount::add`.
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert!(c.is_alphanumeric() && is_cjk(c), "{c:?}");
        }
    }

    #[test]
    fn counts_like_the_character_rules_say() {
        // The rules written out character by character, without fast paths.
        fn reference(text: &str) -> WordCount {
            let mut w = WordCount::default();
            let mut in_word = false;
            for c in text.chars() {
                if is_cjk(c) && c.is_alphanumeric() {
                    w.cjk_chars += 1;
                    in_word = false;
                } else if c.is_alphanumeric()
                    || (in_word && (c == '\'' || c == '’' || c == '.' || c == '-'))
                {
                    if !in_word {
                        w.words += 1;
                    }
                    in_word = true;
                } else {
                    in_word = false;
                }
            }
            w
        }
        // Every character from before U+4E00 to after U+9FFF, between letters and marks.
        let around_han: String = (0x3000..=0xA100u32)
            .filter_map(char::from_u32)
            .flat_map(|c| [c, 'a', c, '.', c, '\'', c, '’', c, ' ', c])
            .collect();
        assert_eq!(
            {
                let mut w = WordCount::default();
                w.add(&around_han);
                w
            },
            reference(&around_han)
        );
        for text in [
            "党组织覆盖率达到98.1%，共有 1,460 个社会组织。Party building works.",
            "don't stop-gap e.g. it’s 〇〇七 々 Ⅻ ①② ＡＢＣ１２３ café naïve 𠀀𠀁 😀x",
            "a'b'' ’x x’’y -a- .a. 3.14.15 한국어 かな カナ ﾊﾝｶｸ",
        ] {
            let mut w = WordCount::default();
            w.add(text);
            assert_eq!(w, reference(text), "{text}");
        }
    }

    #[test]
    fn reading_time_for_chinese() {
        let mut w = WordCount::default();
        w.add(&"党".repeat(400));
        assert_eq!(w.reading_minutes(), 1);
        w.add("建");
        assert_eq!(w.reading_minutes(), 2);
        let mut e = WordCount::default();
        assert_eq!(e.reading_minutes(), 0);
        e.add("hello world");
        assert_eq!(e.reading_minutes(), 1);
    }
}
