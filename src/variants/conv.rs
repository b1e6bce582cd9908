//! The converter of an edition: zhconv's prebuilt tables for the chosen variant, and the
//! phrase table (the defaults and the site's own) applied around them.

use std::collections::BTreeMap;

use zhconv::{Variant, ZhConverter};

use super::HantVariant;

/// zhconv's target for a variant.
fn zhconv_variant(v: HantVariant) -> Variant {
    match v {
        HantVariant::Standard => Variant::ZhHant,
        HantVariant::Taiwan => Variant::ZhTW,
        HantVariant::Hongkong => Variant::ZhHK,
    }
}

/// Phrases every edition has unless the site says otherwise: OpenCC leaves 党 alone when no
/// phrase decides it (it is also a surname), which would leave 党建 in Simplified on almost
/// every page of a party-building site.
pub const DEFAULT_PHRASES: &[(&str, &str)] = &[("党", "黨")];

/// First code point of the private-use plane-15 range the phrase markers use: the tables
/// never touch it.
const MARK: u32 = 0xF0000;

/// The converter of an edition: zhconv's prebuilt automaton (loaded once per process), and
/// the phrase table, applied around it. Building a zhconv converter with extra pairs costs
/// seconds, so phrases are marked before conversion (each occurrence replaced by a
/// private-use character), and the markers replaced by their Traditional text after it.
pub(super) struct Conv {
    tables: &'static ZhConverter,
    /// One-character phrases: replaced in the converted text (the tables left the character
    /// as it was, or no phrase of the tables would have matched it). Cheaper than marking.
    chars: Vec<(char, String)>,
    /// First character → phrases starting with it (longest first), with their index.
    starts: std::collections::HashMap<char, Vec<(String, usize)>>,
    targets: Vec<String>,
}

impl Conv {
    pub(super) fn new(variant: HantVariant, site: &BTreeMap<String, String>) -> Conv {
        let mut all: BTreeMap<String, String> = DEFAULT_PHRASES
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        all.extend(site.iter().map(|(a, b)| (a.clone(), b.clone())));
        let mut starts: std::collections::HashMap<char, Vec<(String, usize)>> = Default::default();
        let mut targets = Vec::new();
        let mut chars = Vec::new();
        for (from, to) in all {
            let mut it = from.chars();
            if let (Some(c), None) = (it.next(), it.next()) {
                chars.push((c, to));
                continue;
            }
            if let Some(c) = from.chars().next() {
                starts.entry(c).or_default().push((from, targets.len()));
                targets.push(to);
            }
        }
        for list in starts.values_mut() {
            list.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        }
        Conv {
            tables: zhconv::get_builtin_converter(zhconv_variant(variant)),
            chars,
            starts,
            targets,
        }
    }

    pub(super) fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 8);
        self.convert_to(text, &mut out);
        out
    }

    pub(super) fn convert_to(&self, text: &str, out: &mut String) {
        let start = out.len();
        self.convert_phrases(text, out);
        for (c, to) in &self.chars {
            if out[start..].contains(*c) {
                let replaced = out[start..].replace(*c, to);
                out.truncate(start);
                out.push_str(&replaced);
            }
        }
    }

    fn convert_phrases(&self, text: &str, out: &mut String) {
        if self.starts.is_empty() || !text.chars().any(|c| self.starts.contains_key(&c)) {
            self.tables.convert_to(text, out);
            return;
        }
        let mut marked = String::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let Some(c) = rest.chars().next() else { break };
            let hit = self
                .starts
                .get(&c)
                .and_then(|list| list.iter().find(|(p, _)| rest.starts_with(p.as_str())));
            match hit.and_then(|(p, n)| Some((p.len(), char::from_u32(MARK + *n as u32)?))) {
                Some((len, mark)) => {
                    marked.push(mark);
                    i += len;
                }
                None => {
                    marked.push(c);
                    i += c.len_utf8();
                }
            }
        }
        let converted = self.tables.convert(&marked);
        for c in converted.chars() {
            let n = (c as u32).wrapping_sub(MARK) as usize;
            match self.targets.get(n) {
                Some(t) if (c as u32) >= MARK => out.push_str(t),
                _ => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::variants::tests::edition;

    #[test]
    fn which_forms_each_variant_gives() {
        // Document what the bundled OpenCC tables do (README "zh-Hant edition").
        let s = "为了群众里面的党员干部，后来发展";
        let std = edition("").text(s);
        let tw = edition("hant_variant = \"taiwan\"").text(s);
        let hk = edition("hant_variant = \"hongkong\"").text(s);
        eprintln!("standard {std}\ntaiwan   {tw}\nhongkong {hk}");
        assert!(std.contains("黨員"), "{std}");
        assert!(std.contains("幹部"), "{std}");
        assert!(std.contains("後來"), "{std}");
    }

    #[test]
    fn phrase_table_overrides() {
        let e = edition("[variants.phrases]\n\"干部\" = \"幹部\"\n\"发展\" = \"发展\"\n");
        assert_eq!(e.text("党员干部发展"), "黨員幹部发展");
    }
}
