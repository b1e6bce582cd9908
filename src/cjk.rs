//! Character classes for Chinese text.
//!
//! These rules decide where a soft line break disappears, which emphasis delimiters flank,
//! how words are counted and how heading ids are formed. They follow the CJK-friendly
//! amendment to CommonMark (<https://github.com/tats-u/markdown-cjk-friendly>): a "CJK
//! character" is one of East Asian Width W, F or H (ideographs, kana, Hangul, CJK and
//! full-width punctuation), which is why `“` and `”` (width A) are *not* CJK.

/// Is `c` a CJK character in the sense of the CJK-friendly amendment? The code points are
/// exactly those of the specification's `ranges.md` (Unicode 17: East Asian Width W, F or H
/// and not a default-emoji-presentation character, or script Hangul): ideographs, kana,
/// Hangul (with its jamo), bopomofo, Yi, Tangut, Khitan, Nüshu, CJK symbols and punctuation
/// (`。，、：；！？（）《》【】「」`), full-width and half-width forms, trigrams and hexagrams,
/// enclosed ideographic supplements (🈂, 🈷, 🉠). `“` and `”` (width A) are not CJK.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF
        | 0x20A9
        | 0x2329..=0x232A
        | 0x2630..=0x2637
        | 0x268A..=0x268F
        | 0x2E80..=0x2E99
        | 0x2E9B..=0x2EF3
        | 0x2F00..=0x2FD5
        | 0x2FF0..=0x303E
        | 0x3041..=0x3096
        | 0x3099..=0x30FF
        | 0x3105..=0x312F
        | 0x3131..=0x318E
        | 0x3190..=0x31E5
        | 0x31EF..=0x321E
        | 0x3220..=0x3247
        | 0x3250..=0xA48C
        | 0xA490..=0xA4C6
        | 0xA960..=0xA97C
        | 0xAC00..=0xD7A3
        | 0xD7B0..=0xD7C6
        | 0xD7CB..=0xD7FB
        | 0xF900..=0xFAFF
        | 0xFE10..=0xFE19
        | 0xFE30..=0xFE52
        | 0xFE54..=0xFE66
        | 0xFE68..=0xFE6B
        | 0xFF01..=0xFFBE
        | 0xFFC2..=0xFFC7
        | 0xFFCA..=0xFFCF
        | 0xFFD2..=0xFFD7
        | 0xFFDA..=0xFFDC
        | 0xFFE0..=0xFFE6
        | 0xFFE8..=0xFFEE
        | 0x16FE0..=0x16FE4
        | 0x16FF0..=0x16FF6
        | 0x17000..=0x18CD5
        | 0x18CFF..=0x18D1E
        | 0x18D80..=0x18DF2
        | 0x1AFF0..=0x1AFF3
        | 0x1AFF5..=0x1AFFB
        | 0x1AFFD..=0x1AFFE
        | 0x1B000..=0x1B122
        | 0x1B132
        | 0x1B150..=0x1B152
        | 0x1B155
        | 0x1B164..=0x1B167
        | 0x1B170..=0x1B2FB
        | 0x1D300..=0x1D356
        | 0x1D360..=0x1D376
        | 0x1F200
        | 0x1F202
        | 0x1F210..=0x1F219
        | 0x1F21B..=0x1F22E
        | 0x1F230..=0x1F231
        | 0x1F237
        | 0x1F23B
        | 0x1F240..=0x1F248
        | 0x1F260..=0x1F265
        | 0x20000..=0x3FFFD
    )
}

/// Is `c` a CJK ideograph (a Han character, the unit of Chinese reading speed)?
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD
    ) || c == '〇'
}

/// A Unicode punctuation character as CommonMark 0.31 defines it: general category P
/// (punctuation) or S (symbol). Combining marks (the tone marks of pinyin typed as
/// `e\u{301}`), format characters (a zero-width space pasted from a web page), private-use and
/// unassigned code points are not punctuation: for emphasis they count like letters.
pub fn is_punctuation(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(
        get_general_category(c),
        G::ConnectorPunctuation
            | G::DashPunctuation
            | G::OpenPunctuation
            | G::ClosePunctuation
            | G::InitialPunctuation
            | G::FinalPunctuation
            | G::OtherPunctuation
            | G::MathSymbol
            | G::CurrencySymbol
            | G::ModifierSymbol
            | G::OtherSymbol
    )
}

/// A non-emoji general-use variation selector: U+FE00–U+FE0E (U+FE0F asks for emoji
/// presentation and is not one).
pub fn is_general_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0E)
}

/// An ideographic variation selector (U+E0100–U+E01EF, as in `葛󠄀`).
pub fn is_ideographic_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xE0100..=0xE01EF)
}

/// A CJK ambiguous punctuation sequence: a quote of East Asian Width A followed by U+FE01,
/// which asks for its full-width form (`“︁`, `”︁`, `‘︁`, `’︁`). It counts as CJK punctuation.
pub fn is_cjk_ambiguous_punctuation(c: char, selector: char) -> bool {
    matches!(c, '‘' | '’' | '“' | '”') && selector == '\u{FE01}'
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
    fn punctuation_is_categories_p_and_s() {
        for c in [
            '“',
            '。',
            '$',
            '+',
            '¥',
            '©',
            '∇',
            '«',
            '〽',
            '🈂',
            '\u{1D735}',
            '\u{10B3B}',
        ] {
            assert!(is_punctuation(c), "{c:?} should be punctuation");
        }
        // Combining tone marks of pinyin, zero-width space, private use, variation selectors,
        // letters with diacritics and full-width letters are not.
        for c in [
            '\u{301}',
            '\u{30C}',
            '\u{304}',
            '\u{200B}',
            '\u{2060}',
            '\u{E000}',
            '\u{FE00}',
            '\u{FE0F}',
            '\u{E0100}',
            'é',
            'Ａ',
            '１',
            '〇',
        ] {
            assert!(!is_punctuation(c), "{c:?} should not be punctuation");
        }
    }

    #[test]
    fn cjk_ranges_of_the_specification() {
        // Hangul jamo, won sign, 〈〉, trigrams, digrams, Hangul jamo extended B, half-width
        // forms, Tangut, Khitan, Nüshu, Kana extended B, hexagrams, enclosed ideographs.
        for u in [
            0x1160, 0x11FF, 0x20A9, 0x2329, 0x232A, 0x2630, 0x268A, 0xD7B0, 0xD7FB, 0xFFE8, 0xFFEE,
            0x17000, 0x18B00, 0x1B170, 0x1AFF0, 0x1D300, 0x4DC0, 0x1F200, 0x1F202, 0x1F237,
            0x1F260, 0x16FE0, 0xFF61, 0x3400, 0x2FFFD, 0x3134A,
        ] {
            let c = char::from_u32(u).unwrap_or_default();
            assert!(is_cjk(c), "U+{u:04X} should be CJK");
        }
        // Emoji (🈁 🈚 🈯 ⌚ 🀄), unassigned gaps and width-A characters are not.
        for u in [
            0x1F201, 0x1F21A, 0x1F22F, 0x231A, 0x1F004, 0x3248, 0x2E9A, 0xFF00, 0x3097, 0x2026,
            0x00B7, 0x1200,
        ] {
            let c = char::from_u32(u).unwrap_or_default();
            assert!(!is_cjk(c), "U+{u:04X} should not be CJK");
        }
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
