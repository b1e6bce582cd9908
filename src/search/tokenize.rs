//! Normalisation and tokenisation for the search index.
//!
//! Text is first *folded* one character at a time: Traditional characters become Simplified
//! (the single-character entries of zhconv's OpenCC `zh-Hans` table), full-width letters and
//! digits become ASCII and letters become lower case. Folding never changes the number of characters (nor
//! their UTF-16 length), so a position in folded text is the same position in the original:
//! the browser can fold a snippet, find the query in it and highlight the original text.
//! The browser applies the same fold to the query (`search.js`, with the table written to
//! `search/fold.js`), so index and query always agree; a phrase-level conversion (乾隆 vs 干燥)
//! would be more accurate for reading but could make the two sides disagree.
//!
//! Folded text is then cut into tokens:
//! - runs of CJK letters (Han, kana, Hangul) give every character (unigram), every pair of
//!   adjacent characters (bigram) and every word of three or more characters that jieba finds
//!   (`cut_for_search`). Any substring of two or more characters is found through its
//!   bigrams, whatever jieba made of it; jieba's words rank exact words higher.
//! - runs of other letters and digits give one token each (`2016`, `gdp`, `covid19`); a number
//!   keeps its decimal point and a following `%` (`98.1%`), and loses thousands separators
//!   (`1,460` → `1460`).
//!
//! `search.js` implements the same fold and the same classes of characters for queries; the
//! browser tests check that both sides agree.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use jieba_rs::Jieba;

/// jieba's dictionary takes ~0.13 s to load: once per process.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Whether jieba's words are indexed: `ZHIKU_SEARCH_JIEBA=0` leaves them out, to measure
/// what they cost and bring (README "Search", Cost); results stay exact without them, since
/// search.js checks candidates against their text.
static WORDS: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("ZHIKU_SEARCH_JIEBA").is_none_or(|v| v != "0"));

/// Traditional → Simplified, one character to one character (same UTF-16 length). Only
/// read through [`TABLES`] for the BMP (and directly for the rare astral characters).
static T2S: LazyLock<HashMap<char, char>> = LazyLock::new(build_t2s);

fn build_t2s() -> HashMap<char, char> {
    let mut map = HashMap::new();
    for table in zhconv::get_builtin_tables(zhconv::Variant::ZhHans) {
        for (from, to) in zhconv::tables::expand_table(*table) {
            let mut f = from.chars();
            let mut t = to.chars();
            if let (Some(a), None, Some(b), None) = (f.next(), f.next(), t.next(), t.next()) {
                if a != b && a.len_utf16() == b.len_utf16() {
                    map.insert(a, b);
                }
            }
        }
    }
    // Make the fold idempotent: follow chains (a → b → c becomes a → c).
    let keys: Vec<char> = map.keys().copied().collect();
    for k in keys {
        let mut v = map[&k];
        let mut steps = 0;
        while let Some(&next) = map.get(&v) {
            if next == v || steps > 8 {
                break;
            }
            v = next;
            steps += 1;
        }
        if v == k {
            map.remove(&k);
        } else {
            map.insert(k, v);
        }
    }
    map
}

/// The Traditional → Simplified pairs used by [`fold_char`], sorted.
pub fn t2s_pairs() -> Vec<(char, char)> {
    let mut v: Vec<(char, char)> = T2S.iter().map(|(&a, &b)| (a, b)).collect();
    v.sort_unstable();
    v
}

/// Fold one character: Traditional → Simplified, full-width letters, digits, `％` and `．` →
/// ASCII, the ideographic space → space, lower case.
/// The result has the same UTF-16 length as `c`.
#[inline]
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    match TABLES.fold.get(c as usize) {
        // A BMP character: one load (the table holds `fold_char_slow` of every one).
        Some(&f) => char::from_u32(u32::from(f)).unwrap_or(c),
        None => fold_char_slow(c),
    }
}

/// [`fold_char`] from its definition (builds the table; astral characters).
fn fold_char_slow(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let u = c as u32;
    if matches!(u, 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A | 0xFF05 | 0xFF0E) {
        // Full-width letters, digits, ％ and ． (Ａ２０１６％); full-width punctuation such as
        // ，stays as it is (it separates, it is never a thousands separator).
        return char::from_u32(u - 0xFEE0).unwrap_or(c).to_ascii_lowercase();
    }
    if u == 0x3000 {
        return ' ';
    }
    if u < 0x0530 && c.is_alphabetic() {
        // Latin-1, Latin Extended, Greek, Cyrillic: lower case when it is one character.
        let mut l = c.to_lowercase();
        if let (Some(x), None) = (l.next(), l.next()) {
            return x;
        }
        return c;
    }
    T2S.get(&c).copied().unwrap_or(c)
}

/// Fold a whole text (see [`fold_char`]); the result has as many characters as `text`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Append the fold of `text` to `out` (see [`fold_char`]).
pub fn fold_into(text: &str, out: &mut String) {
    out.reserve(text.len());
    for c in text.chars() {
        out.push(fold_char(c));
    }
}

/// The class of a character for [`tokens`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Class {
    /// Separates tokens (punctuation, spaces, symbols).
    Other = 0,
    /// A CJK letter ([`is_cjk_letter`]).
    Cjk = 1,
    /// A letter or digit outside CJK ([`is_word_char`]).
    Word = 2,
}

fn class_slow(c: char) -> Class {
    if !c.is_alphanumeric() {
        Class::Other
    } else if crate::cjk::is_cjk(c) {
        Class::Cjk
    } else {
        Class::Word
    }
}

#[inline]
fn class(c: char) -> Class {
    let u = c as u32;
    if u < 0x80 {
        return if c.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Other
        };
    }
    if (0x4E00..=0x9FFF).contains(&u) {
        // CJK Unified Ideographs: every code point is an assigned letter (a unit test checks
        // it against the Unicode tables).
        return Class::Cjk;
    }
    match TABLES.class.get(u as usize) {
        Some(&k) => match k {
            1 => Class::Cjk,
            2 => Class::Word,
            _ => Class::Other,
        },
        None => class_slow(c),
    }
}

/// Per-character answers for the Basic Multilingual Plane, computed once from the
/// definitions: [`fold_char`] and the class of each character (most of the cost of
/// tokenizing was Unicode table lookups and hashing).
struct Tables {
    fold: Box<[u16]>,
    class: Box<[u8]>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut fold = vec![0u16; 0x1_0000].into_boxed_slice();
    let mut class = vec![0u8; 0x1_0000].into_boxed_slice();
    for u in 0..0x1_0000u32 {
        let Some(c) = char::from_u32(u) else {
            continue; // surrogates: never in a str
        };
        let f = fold_char_slow(c) as u32;
        // Folding keeps the UTF-16 length, so a BMP character folds to a BMP character.
        fold[u as usize] = u16::try_from(f).unwrap_or(u as u16);
        class[u as usize] = class_slow(c) as u8;
    }
    Tables { fold, class }
});

/// Is `c` a CJK letter (Han, kana, Hangul; not punctuation)? These are indexed by character
/// and by pairs of characters.
pub fn is_cjk_letter(c: char) -> bool {
    class(c) == Class::Cjk
}

/// Is `c` part of a Latin-style word (letters and digits outside CJK)?
pub fn is_word_char(c: char) -> bool {
    class(c) == Class::Word
}

/// What a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// One CJK character.
    Unigram,
    /// Two adjacent CJK characters.
    Bigram,
    /// A jieba word of three or more CJK characters.
    Word,
    /// A Latin word or a number.
    Latin,
    /// A number with the CJK character that follows it (`163人`, `3月`).
    Unit,
}

/// The character at byte `i` of `s` and its length in bytes.
#[inline]
fn char_at(s: &str, i: usize) -> Option<(char, usize)> {
    let c = s.get(i..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

/// Receives the tokens of [`scan`]: CJK unigrams and bigrams with their characters (so that
/// the index can key them without decoding them again), other tokens as text.
pub(crate) trait TokenSink<'a> {
    fn unigram(&mut self, c: char, text: &'a str);
    fn bigram(&mut self, a: char, b: char, text: &'a str);
    /// A jieba word or a Latin word or number.
    fn other(&mut self, text: Cow<'a, str>, kind: TokenKind);
}

/// Call `emit` with every token of already folded `text` (see the module docs). Tokens are
/// emitted once per occurrence.
pub fn tokens<'a>(folded: &'a str, emit: impl FnMut(Cow<'a, str>, TokenKind)) {
    struct Emit<F>(F);
    impl<'a, F: FnMut(Cow<'a, str>, TokenKind)> TokenSink<'a> for Emit<F> {
        fn unigram(&mut self, _: char, text: &'a str) {
            (self.0)(Cow::Borrowed(text), TokenKind::Unigram);
        }
        fn bigram(&mut self, _: char, _: char, text: &'a str) {
            (self.0)(Cow::Borrowed(text), TokenKind::Bigram);
        }
        fn other(&mut self, text: Cow<'a, str>, kind: TokenKind) {
            (self.0)(text, kind);
        }
    }
    scan(folded, &mut Emit(emit));
}

/// [`tokens`], to a [`TokenSink`].
pub(crate) fn scan<'a>(folded: &'a str, sink: &mut impl TokenSink<'a>) {
    let bytes = folded.as_bytes();
    let mut i = 0;
    while let Some((c, n)) = char_at(folded, i) {
        match class(c) {
            Class::Cjk => {
                let start = i;
                // The previous character of the run and where it starts.
                let (mut pc, mut prev) = (c, i);
                i += n;
                let mut count = 1;
                while let Some((c, n)) = char_at(folded, i) {
                    if class(c) != Class::Cjk {
                        break;
                    }
                    sink.unigram(pc, &folded[prev..i]);
                    sink.bigram(pc, c, &folded[prev..i + n]);
                    (pc, prev) = (c, i);
                    i += n;
                    count += 1;
                }
                sink.unigram(pc, &folded[prev..i]);
                if count >= 3 && *WORDS {
                    for w in JIEBA.cut_for_search(&folded[start..i], true) {
                        if w.end - w.start >= 3 {
                            sink.other(Cow::Borrowed(w.word), TokenKind::Word);
                        }
                    }
                }
            }
            Class::Word => {
                let start = i;
                let mut has_sep = false;
                let mut numeric = true;
                while let Some((ch, m)) = char_at(folded, i) {
                    if class(ch) == Class::Word {
                        numeric &= ch.is_ascii_digit();
                        i += m;
                    } else if (ch == '.' || ch == ',')
                        && i > start
                        && bytes[i - 1].is_ascii_digit()
                        && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                    {
                        // A decimal point or thousands separator between digits (the bytes
                        // next to an ASCII character are whole characters).
                        has_sep |= ch == ',';
                        i += 1;
                    } else {
                        break;
                    }
                }
                let percent = numeric && bytes.get(i) == Some(&b'%');
                if percent {
                    i += 1;
                }
                let word = &folded[start..i];
                let word = if has_sep {
                    Cow::Owned(word.replace(',', ""))
                } else {
                    Cow::Borrowed(word)
                };
                // A number and the CJK character right after it (a unit or measure word:
                // 18法, 163人, 3月) are also one token, so that `163人` is not 163 and 人.
                let unit = match char_at(folded, i) {
                    Some((u, m)) if numeric && !percent && class(u) == Class::Cjk => Some((u, m)),
                    _ => None,
                };
                if let Some((_, m)) = unit {
                    let mut with = String::with_capacity(word.len() + m);
                    with.push_str(&word);
                    with.push_str(&folded[i..i + m]);
                    sink.other(word, TokenKind::Latin);
                    sink.other(Cow::Owned(with), TokenKind::Unit);
                } else {
                    sink.other(word, TokenKind::Latin);
                }
            }
            Class::Other => i += n,
        }
    }
}

/// The tokens of `text` (folded first), in order, with repeats: for tests and tools.
pub fn tokenize(text: &str) -> Vec<(String, TokenKind)> {
    let folded = fold(text);
    let mut out = Vec::new();
    tokens(&folded, |t, k| out.push((t.into_owned(), k)));
    out
}

/// A query as `search.js` reads it: its parts (separated by whitespace; every part must
/// occur), each folded with the thousands separators of its numbers removed, and with the
/// tokens of the index that every document having the part must have (its *units*):
/// - a CJK run of two or more characters: its bigrams;
/// - a CJK character alone: itself, unless it follows a number (`163人`: the unit token);
/// - a number followed by a CJK character: the number with that character (`18法`);
/// - any other number or Latin word: itself.
///
/// Duplicate units are dropped. Used by the tests to pin down what the JavaScript does.
pub fn query_parts(query: &str) -> Vec<(String, Vec<String>)> {
    let folded = fold(query);
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for p in folded.split(|c: char| c.is_whitespace()) {
        let units = part_units(p);
        let text = without_separators(p);
        if !units.is_empty() && !out.iter().any(|o| o.0 == text) {
            out.push((text, units));
        }
    }
    out
}

/// `s` without the commas between digits (`1,460` → `1460`), as the index reads numbers.
pub fn without_separators(s: &str) -> String {
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in cs.iter().enumerate() {
        let between = c == ','
            && i > 0
            && cs[i - 1].is_ascii_digit()
            && cs.get(i + 1).is_some_and(char::is_ascii_digit);
        if !between {
            out.push(c);
        }
    }
    out
}

/// The units of one folded query part (see [`query_parts`]).
fn part_units(part: &str) -> Vec<String> {
    let cs: Vec<char> = part.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut push = |u: String| {
        if !out.contains(&u) {
            out.push(u);
        }
    };
    let mut i = 0;
    // The CJK character at this index is covered by a number's unit token.
    let mut covered = usize::MAX;
    while i < cs.len() {
        match class(cs[i]) {
            Class::Cjk => {
                let start = i;
                while i < cs.len() && class(cs[i]) == Class::Cjk {
                    i += 1;
                }
                if i - start == 1 {
                    if start != covered {
                        push(cs[start].to_string());
                    }
                } else {
                    for k in start..i - 1 {
                        push([cs[k], cs[k + 1]].iter().collect());
                    }
                }
            }
            Class::Word => {
                let start = i;
                let mut numeric = true;
                while i < cs.len() {
                    let ch = cs[i];
                    if class(ch) == Class::Word {
                        numeric &= ch.is_ascii_digit();
                        i += 1;
                    } else if (ch == '.' || ch == ',')
                        && i > start
                        && cs[i - 1].is_ascii_digit()
                        && cs.get(i + 1).is_some_and(char::is_ascii_digit)
                    {
                        i += 1;
                    } else {
                        break;
                    }
                }
                let percent = numeric && cs.get(i) == Some(&'%');
                if percent {
                    i += 1;
                }
                let word: String = cs[start..i].iter().filter(|&&c| c != ',').collect();
                match cs.get(i) {
                    Some(&u) if numeric && !percent && class(u) == Class::Cjk => {
                        covered = i;
                        push(format!("{word}{u}"));
                    }
                    _ => push(word),
                }
            }
            Class::Other => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str, kind: TokenKind) -> Vec<String> {
        tokenize(text)
            .into_iter()
            .filter(|(_, k)| *k == kind)
            .map(|(t, _)| t)
            .collect()
    }

    #[test]
    fn traditional_folds_to_simplified() {
        assert_eq!(fold("黨建"), "党建");
        assert_eq!(fold("黨組織覆蓋率"), "党组织覆盖率");
        assert_eq!(fold("社會組織黨建工作"), "社会组织党建工作");
        // Simplified text is left alone.
        assert_eq!(
            fold("党组织覆盖率由2010年的11.66%"),
            "党组织覆盖率由2010年的11.66%"
        );
        // Idempotent.
        for (a, b) in t2s_pairs() {
            assert_eq!(fold_char(b), b, "{a} → {b} is not final");
            assert_eq!(a.len_utf16(), b.len_utf16());
        }
        assert!(
            t2s_pairs().len() > 2000,
            "the OpenCC character table is loaded"
        );
    }

    #[test]
    fn fold_keeps_length_and_lowers_latin() {
        let s = "ＧＤＰ增長９８．１％，Party Building 黨建　ÉTÉ";
        let f = fold(s);
        assert_eq!(f.chars().count(), s.chars().count());
        assert_eq!(
            f.encode_utf16().count(),
            s.encode_utf16().count(),
            "UTF-16 length kept for the browser"
        );
        assert_eq!(f, "gdp增长98.1%，party building 党建 été");
    }

    #[test]
    fn cjk_runs_give_unigrams_bigrams_and_words() {
        assert_eq!(
            of("组织覆盖率", TokenKind::Bigram),
            ["组织", "织覆", "覆盖", "盖率"]
        );
        assert_eq!(
            of("组织覆盖率", TokenKind::Unigram),
            ["组", "织", "覆", "盖", "率"]
        );
        let words = of("提高社会组织党组织覆盖率", TokenKind::Word);
        assert!(words.contains(&"党组织".to_string()), "{words:?}");
        assert!(words.contains(&"覆盖率".to_string()), "{words:?}");
        // Punctuation ends a run: no bigram across it.
        assert_eq!(of("党建，组织", TokenKind::Bigram), ["党建", "组织"]);
        // Traditional input is indexed in Simplified.
        assert_eq!(of("黨建", TokenKind::Bigram), ["党建"]);
    }

    #[test]
    fn substrings_are_covered_by_bigrams() {
        // Every bigram of a query substring is a token of the text.
        let text = "社会组织党组织覆盖率由2010年的11.66%升至98.1%";
        let bigrams = of(text, TokenKind::Bigram);
        for q in ["党组织", "组织覆", "覆盖率", "织覆盖"] {
            let qb = of(q, TokenKind::Bigram);
            assert!(qb.iter().all(|b| bigrams.contains(b)), "{q}");
        }
    }

    #[test]
    fn numbers_and_latin_words() {
        assert_eq!(
            of(
                "2016年底达到98.1%，共1,460个；GDP与Party-Building 3.5",
                TokenKind::Latin
            ),
            ["2016", "98.1%", "1460", "gdp", "party", "building", "3.5"]
        );
        // A full stop after a number is not a decimal point.
        assert_eq!(of("共11个。2018年", TokenKind::Latin), ["11", "2018"]);
        assert_eq!(of("第12期.", TokenKind::Latin), ["12"]);
        // Full-width digits.
        assert_eq!(of("２０１６年", TokenKind::Latin), ["2016"]);
        // A full-width comma separates numbers.
        assert_eq!(of("2010，2016年", TokenKind::Latin), ["2010", "2016"]);
    }

    #[test]
    fn tables_match_the_definitions() {
        for u in 0..0x11_0000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            assert_eq!(fold_char(c), fold_char_slow(c), "fold of U+{u:04X}");
            let slow = crate::cjk::is_cjk(c) && c.is_alphanumeric();
            assert_eq!(is_cjk_letter(c), slow, "U+{u:04X} CJK letter");
            assert_eq!(
                is_word_char(c),
                c.is_alphanumeric() && !slow,
                "U+{u:04X} word character"
            );
        }
    }

    /// The tokenizer as it was first written (a vector of characters): the fast one must
    /// give the same tokens in the same order.
    fn tokens_reference(folded: &str) -> Vec<(String, TokenKind)> {
        let mut out = Vec::new();
        let slow_cjk = |c: char| crate::cjk::is_cjk(c) && c.is_alphanumeric();
        let slow_word = |c: char| c.is_alphanumeric() && !slow_cjk(c);
        let chars: Vec<(usize, char)> = folded.char_indices().collect();
        let end_of = |i: usize| chars.get(i).map_or(folded.len(), |&(b, _)| b);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i].1;
            if slow_cjk(c) {
                let start = i;
                while i < chars.len() && slow_cjk(chars[i].1) {
                    i += 1;
                }
                for k in start..i {
                    out.push((
                        folded[chars[k].0..end_of(k + 1)].to_string(),
                        TokenKind::Unigram,
                    ));
                    if k + 1 < i {
                        out.push((
                            folded[chars[k].0..end_of(k + 2)].to_string(),
                            TokenKind::Bigram,
                        ));
                    }
                }
                if i - start >= 3 {
                    let run = &folded[chars[start].0..end_of(i)];
                    for w in JIEBA.cut_for_search(run, true) {
                        if w.end - w.start >= 3 {
                            out.push((w.word.to_string(), TokenKind::Word));
                        }
                    }
                }
            } else if slow_word(c) {
                let start = i;
                let mut has_sep = false;
                while i < chars.len() {
                    let ch = chars[i].1;
                    if slow_word(ch) {
                        i += 1;
                    } else if (ch == '.' || ch == ',')
                        && i > start
                        && chars[i - 1].1.is_ascii_digit()
                        && chars.get(i + 1).is_some_and(|n| n.1.is_ascii_digit())
                    {
                        has_sep |= ch == ',';
                        i += 1;
                    } else {
                        break;
                    }
                }
                let numeric = chars[start..i]
                    .iter()
                    .all(|&(_, ch)| ch.is_ascii_digit() || ch == '.' || ch == ',');
                if numeric && chars.get(i).is_some_and(|n| n.1 == '%') {
                    i += 1;
                }
                let word = &folded[chars[start].0..end_of(i)];
                out.push((word.replace(',', ""), TokenKind::Latin));
                let _ = has_sep;
                if numeric && !word.ends_with('%') {
                    if let Some(&(_, u)) = chars.get(i).filter(|n| slow_cjk(n.1)) {
                        out.push((format!("{}{u}", word.replace(',', "")), TokenKind::Unit));
                    }
                }
            } else {
                i += 1;
            }
        }
        out
    }

    #[test]
    fn fast_tokens_match_the_reference() {
        let alphabet: Vec<char> =
            "党建组织覆盖率黨組織社会工作提高的了一是在和有人這个発展ががひらカナ한국어\
            abcXYZé99012.,%．％，。、 \n\t-_()[]《》“”0１２ＡＢ〇㐀𠀀𠀁Ⅻ①½²٣ßΣσ"
                .chars()
                .collect();
        let mut rng = 0x1234_5678_9abc_def0u64;
        let mut next = move |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        let mut texts: Vec<String> = vec![
            "社会组织党组织覆盖率由2010年的11.66%升至98.1%，共1,460个。".into(),
            "12.5.6 a.b 1,2,3 ,5 5, 7%% x%".into(),
            String::new(),
        ];
        for _ in 0..3000 {
            let len = next(40);
            texts.push((0..len).map(|_| alphabet[next(alphabet.len())]).collect());
        }
        for t in &texts {
            let folded = fold(t);
            let mut fast = Vec::new();
            tokens(&folded, |t, k| fast.push((t.into_owned(), k)));
            assert_eq!(fast, tokens_reference(&folded), "{t:?}");
        }
    }

    #[test]
    fn query_parts_like_search_js() {
        let units =
            |q: &str| -> Vec<Vec<String>> { query_parts(q).into_iter().map(|(_, u)| u).collect() };
        assert_eq!(units("组织覆盖率"), [["组织", "织覆", "覆盖", "盖率"]]);
        assert_eq!(units("黨建 工作"), [["党建"], ["工作"]]);
        assert_eq!(
            units("党员发展2016年"),
            [vec!["党员", "员发", "发展", "2016年"]]
        );
        assert_eq!(units("覆盖率98.1%"), [["覆盖", "盖率", "98.1%"]]);
        assert_eq!(units("1,460个 GDP"), [["1460个"], ["gdp"]]);
        assert_eq!(units("3月26日"), [["3月", "26日"]]);
        assert_eq!(units("18法"), [["18法"]]);
        assert_eq!(units("党"), [["党"]]);
        assert!(query_parts("，。 ").is_empty());
        assert_eq!(query_parts("1,460个")[0].0, "1460个");
        // The index has the same unit tokens.
        let toks: Vec<String> = tokenize("共有163人，3月26日")
            .into_iter()
            .map(|t| t.0)
            .collect();
        for t in ["163人", "163", "3月", "26日"] {
            assert!(toks.contains(&t.to_string()), "{t}: {toks:?}");
        }
    }
}
