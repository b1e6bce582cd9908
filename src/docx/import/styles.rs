//! Paragraph and character styles: what a style's name, outline level, numbering and run
//! properties make of a paragraph, following `basedOn` chains.

use std::collections::{HashMap, HashSet};

use crate::docx::ooxml::Element;

use super::model::Fmt;
use super::numbering::num_pr;

#[derive(Debug, Clone, Default)]
pub(super) struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, usize)>,
    pub(super) fmt: FmtOpt,
}

/// Run properties as written: `None` = not said.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct FmtOpt {
    b: Option<bool>,
    i: Option<bool>,
    u: Option<bool>,
    s: Option<bool>,
    pub(super) hidden: Option<bool>,
}

fn on_off(e: &Element) -> bool {
    !matches!(
        e.attr("w:val"),
        Some("0" | "false" | "off" | "none" | "False" | "Off")
    )
}

impl FmtOpt {
    pub(super) fn read(rpr: Option<&Element>) -> FmtOpt {
        let Some(rpr) = rpr else {
            return FmtOpt::default();
        };
        FmtOpt {
            b: rpr.child("w:b").map(on_off),
            i: rpr.child("w:i").map(on_off),
            u: rpr.child("w:u").map(on_off),
            s: rpr.child("w:strike").or(rpr.child("w:dstrike")).map(on_off),
            hidden: rpr.child("w:vanish").map(on_off),
        }
    }
    /// `self` over `base`.
    pub(super) fn over(self, base: Fmt) -> Fmt {
        Fmt {
            b: self.b.unwrap_or(base.b),
            i: self.i.unwrap_or(base.i),
            u: self.u.unwrap_or(base.u),
            s: self.s.unwrap_or(base.s),
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct Styles {
    map: HashMap<String, Style>,
    default_para: Option<String>,
}

/// What a paragraph style makes of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Role {
    #[default]
    Body,
    Title,
    Subtitle,
    Heading(u8),
    Toc,
}

impl Styles {
    pub(super) fn read(root: Option<&Element>) -> Styles {
        let mut s = Styles::default();
        let Some(root) = root else {
            return s;
        };
        for st in root.elements().filter(|e| e.name == "w:style") {
            let Some(id) = st.attr("w:styleId") else {
                continue;
            };
            let ppr = st.child("w:pPr");
            let style = Style {
                name: st.child_val("w:name").unwrap_or(id).trim().to_lowercase(),
                based_on: st.child_val("w:basedOn").map(str::to_string),
                outline: ppr
                    .and_then(|p| p.child_val("w:outlineLvl"))
                    .and_then(|v| v.parse().ok()),
                num: ppr.and_then(|p| p.child("w:numPr")).and_then(num_pr),
                fmt: FmtOpt::read(st.child("w:rPr")),
            };
            if st.attr("w:type") == Some("paragraph")
                && st
                    .attr("w:default")
                    .is_some_and(|d| d == "1" || d == "true")
            {
                s.default_para = Some(id.to_string());
            }
            s.map.insert(id.to_string(), style);
        }
        s
    }

    /// The chain of styles from `id` up its `basedOn` (at most 16 deep, cycles cut).
    pub(super) fn chain(&self, id: Option<&str>) -> Vec<&Style> {
        let mut out = Vec::new();
        let mut cur = id.map(str::to_string).or(self.default_para.clone());
        let mut seen = HashSet::new();
        while let Some(c) = cur {
            if !seen.insert(c.clone()) || out.len() > 16 {
                break;
            }
            let Some(st) = self.map.get(&c) else {
                break;
            };
            out.push(st);
            cur = st.based_on.clone();
        }
        out
    }

    pub(super) fn role(&self, id: Option<&str>) -> Role {
        let chain = self.chain(id);
        for st in &chain {
            if let Some(r) = role_of_name(&st.name) {
                return r;
            }
        }
        for st in &chain {
            if let Some(lvl) = st.outline {
                if lvl < 9 {
                    return Role::Heading(lvl + 1);
                }
                return Role::Body;
            }
        }
        Role::Body
    }

    pub(super) fn num(&self, id: Option<&str>) -> Option<(String, usize)> {
        self.chain(id).iter().find_map(|s| s.num.clone())
    }

    pub(super) fn fmt(&self, id: Option<&str>) -> Fmt {
        let chain = self.chain(id);
        let mut f = Fmt::default();
        for st in chain.iter().rev() {
            f = st.fmt.over(f);
        }
        f
    }

    pub(super) fn hidden(&self, id: Option<&str>) -> bool {
        self.chain(id)
            .iter()
            .find_map(|s| s.fmt.hidden)
            .unwrap_or(false)
    }
}

/// The role of a style from its name (English names as Word and LibreOffice write them, and
/// the Chinese names WPS writes).
fn role_of_name(name: &str) -> Option<Role> {
    let n = name.trim();
    match n {
        "title" | "标题" => return Some(Role::Title),
        "subtitle" | "副标题" => return Some(Role::Subtitle),
        _ => {}
    }
    for (prefix, toc) in [
        ("heading", false),
        ("标题", false),
        ("toc", true),
        ("目录", true),
        ("contents", true),
    ] {
        if let Some(rest) = n.strip_prefix(prefix) {
            if let Ok(level) = rest.trim().parse::<u8>() {
                if (1..=9).contains(&level) {
                    return Some(if toc { Role::Toc } else { Role::Heading(level) });
                }
            }
        }
    }
    if n == "toc heading" || n == "contents heading" || n == "目录标题" {
        return Some(Role::Toc);
    }
    None
}
