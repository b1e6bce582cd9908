//! Numbering written as text at the start of a paragraph (`一、`, `（一）`, `1.`, `1.1`) and
//! typed bullets.

use crate::cjk::is_cjk;

/// Chinese numbering at the start of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    /// `一、`
    Han,
    /// `（一）` / `(一)`
    ParenHan,
    /// `1.` / `1、` / `1．` / `1）`
    Arabic,
    /// `（1）` / `(1)`
    ParenArabic,
    /// `1 ` (only together with dotted forms), `1.1 `, `1.1.1 `: the depth.
    Dotted(usize),
}

fn is_han_numeral(c: char) -> bool {
    "一二三四五六七八九十百零〇".contains(c)
}

/// The numbering marker at the start of `text` and its length in bytes (with the space after
/// it).
pub(super) fn marker(text: &str) -> Option<(Marker, usize)> {
    let t = text;
    let chars: Vec<(usize, char)> = t.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let end_of = |i: usize| chars.get(i).map(|&(b, _)| b).unwrap_or(t.len());
    let skip_space = |mut i: usize| {
        while at(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        i
    };
    let first = at(0)?;
    if is_han_numeral(first) {
        let mut i = 0;
        while at(i).is_some_and(is_han_numeral) {
            i += 1;
        }
        if i <= 3 && matches!(at(i), Some('、' | '．' | '.')) {
            let j = skip_space(i + 1);
            return Some((Marker::Han, end_of(j)));
        }
        return None;
    }
    if first == '（' || first == '(' {
        let mut i = 1;
        let han = at(1).is_some_and(is_han_numeral);
        let digit = at(1).is_some_and(|c| c.is_ascii_digit());
        if !han && !digit {
            return None;
        }
        while at(i).is_some_and(|c| {
            if han {
                is_han_numeral(c)
            } else {
                c.is_ascii_digit()
            }
        }) {
            i += 1;
        }
        if i > 4 || !matches!(at(i), Some('）' | ')')) {
            return None;
        }
        let mut j = i + 1;
        if at(j) == Some('、') {
            j += 1;
        }
        let j = skip_space(j);
        let m = if han {
            Marker::ParenHan
        } else {
            Marker::ParenArabic
        };
        return Some((m, end_of(j)));
    }
    if first.is_ascii_digit() {
        let mut i = 0;
        let mut depth = 1;
        loop {
            let start = i;
            while at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            if i - start > 2 {
                return None;
            }
            if at(i) == Some('.') && at(i + 1).is_some_and(|c| c.is_ascii_digit()) {
                depth += 1;
                i += 1;
                continue;
            }
            break;
        }
        if depth > 1 {
            // `1.1 标题`: a space (or a Chinese character that is not a unit) after it.
            let next = at(i);
            let ok = match next {
                Some(c) if c.is_whitespace() => true,
                Some(c) => is_cjk(c) && !"万亿千百元个人次年月日倍%％‰、，。".contains(c),
                None => false,
            };
            if !ok {
                return None;
            }
            let j = skip_space(i);
            return Some((Marker::Dotted(depth), end_of(j)));
        }
        return match at(i) {
            Some('、' | '．' | '）' | ')') => Some((Marker::Arabic, end_of(skip_space(i + 1)))),
            Some('.') if !at(i + 1).is_some_and(|c| c.is_ascii_digit()) => {
                Some((Marker::Arabic, end_of(skip_space(i + 1))))
            }
            Some(c) if c.is_whitespace() && at(skip_space(i)).is_some_and(is_cjk) => {
                Some((Marker::Dotted(1), end_of(skip_space(i))))
            }
            _ => None,
        };
    }
    None
}

/// Text bullets authors type (`● 要点`).
pub(super) fn text_bullet(text: &str) -> Option<usize> {
    let c = text.chars().next()?;
    if "●•▪◆◇➢►√·■".contains(c) {
        let rest = &text[c.len_utf8()..];
        let n = rest.len() - rest.trim_start().len();
        Some(c.len_utf8() + n)
    } else {
        None
    }
}
