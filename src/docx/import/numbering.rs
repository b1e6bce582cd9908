//! Word numbering (`numbering.xml`): bullets, ordered lists and Chinese numbers Word draws
//! before a paragraph, counted as Word counts them.

use std::collections::HashMap;

use crate::docx::ooxml::Element;

pub(super) fn num_pr(e: &Element) -> Option<(String, usize)> {
    let id = e.child_val("w:numId")?.to_string();
    let lvl = e
        .child_val("w:ilvl")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0usize)
        .min(8);
    Some((id, lvl))
}

#[derive(Debug, Clone, Default)]
pub(super) struct Level {
    pub(super) fmt: String,
    pub(super) text: String,
    start: u32,
}

#[derive(Debug, Default)]
pub(super) struct Numbering {
    /// numId → (abstract id, start overrides by level).
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
    abstracts: HashMap<String, Vec<Level>>,
    counters: HashMap<String, [u32; 9]>,
}

impl Numbering {
    pub(super) fn read(root: Option<&Element>) -> Numbering {
        let mut n = Numbering::default();
        let Some(root) = root else {
            return n;
        };
        for a in root.elements().filter(|e| e.name == "w:abstractNum") {
            let Some(id) = a.attr("w:abstractNumId") else {
                continue;
            };
            let mut levels = vec![Level::default(); 9];
            for l in a.elements().filter(|e| e.name == "w:lvl") {
                let Some(i) = l.attr("w:ilvl").and_then(|v| v.parse::<usize>().ok()) else {
                    continue;
                };
                if i < 9 {
                    levels[i] = Level {
                        fmt: l.child_val("w:numFmt").unwrap_or("decimal").to_string(),
                        text: l.child_val("w:lvlText").unwrap_or("").to_string(),
                        start: l
                            .child_val("w:start")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1),
                    };
                }
            }
            n.abstracts.insert(id.to_string(), levels);
        }
        for num in root.elements().filter(|e| e.name == "w:num") {
            let (Some(id), Some(abs)) = (num.attr("w:numId"), num.child_val("w:abstractNumId"))
            else {
                continue;
            };
            let mut overrides = HashMap::new();
            for o in num.elements().filter(|e| e.name == "w:lvlOverride") {
                if let (Some(i), Some(s)) = (
                    o.attr("w:ilvl").and_then(|v| v.parse::<usize>().ok()),
                    o.child_val("w:startOverride")
                        .and_then(|v| v.parse::<u32>().ok()),
                ) {
                    overrides.insert(i, s);
                }
            }
            n.nums.insert(id.to_string(), (abs.to_string(), overrides));
        }
        n
    }

    pub(super) fn level(&self, num: &str, ilvl: usize) -> Option<&Level> {
        let (abs, _) = self.nums.get(num)?;
        self.abstracts.get(abs)?.get(ilvl)
    }

    /// Count one more item at `ilvl` of list `num`; returns its number.
    pub(super) fn next(&mut self, num: &str, ilvl: usize) -> u32 {
        let starts: Vec<u32> = (0..9)
            .map(|l| {
                let over = self.nums.get(num).and_then(|(_, o)| o.get(&l).copied());
                over.or_else(|| self.level(num, l).map(|lv| lv.start))
                    .unwrap_or(1)
            })
            .collect();
        let c = self.counters.entry(num.to_string()).or_insert([0; 9]);
        c[ilvl] = if c[ilvl] == 0 {
            starts[ilvl]
        } else {
            c[ilvl] + 1
        };
        for (l, slot) in c.iter_mut().enumerate().skip(ilvl + 1) {
            *slot = 0;
            let _ = l;
        }
        c[ilvl]
    }
}

/// How Word numbers a paragraph.
#[derive(Debug, Clone)]
pub(super) enum Numbered {
    /// A bullet.
    Bullet,
    /// Arabic, Latin or Roman numbers: a Markdown ordered list.
    Ordered(u32),
    /// Chinese numbers: the text Word shows before the paragraph (`一、`, `（一）`), read like
    /// numbering typed as text.
    Chinese(String),
}

pub(super) fn chinese_digit(n: u32) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 => {
            let tail = if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            };
            format!("{}十{tail}", D[(n / 10) as usize])
        }
        _ => n.to_string(),
    }
}
