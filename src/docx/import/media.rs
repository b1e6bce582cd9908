//! Images (DrawingML and VML) copied into the page bundle, and text boxes.

use crate::docx::ooxml::{Element, MAX_PART};

use super::model::{Converter, Fmt, Span, SpanKind, Where};
use super::read::{named, snippet};

impl Converter<'_> {
    pub(super) fn drawing(&mut self, d: &Element, out: &mut Vec<Span>, fmt: &Fmt, at: &Where) {
        for holder in d.elements() {
            let docpr = holder.child("wp:docPr");
            let alt = docpr
                .and_then(|p| p.attr("descr").filter(|s| !s.trim().is_empty()))
                .or_else(|| docpr.and_then(|p| p.attr("title").filter(|s| !s.trim().is_empty())))
                .unwrap_or("")
                .trim()
                .to_string();
            let name = docpr.and_then(|p| p.attr("name")).unwrap_or("").to_string();
            let Some(gd) = holder.find("a:graphicData") else {
                continue;
            };
            let uri = gd.attr("uri").unwrap_or("");
            let pics = gd.find_all("pic:pic");
            if !pics.is_empty() {
                for pic in pics {
                    if let Some(blip) = pic.find("a:blip") {
                        self.image(blip.attr("r:embed"), blip.attr("r:link"), &alt, out, fmt);
                    }
                }
            } else if uri.ends_with("/chart") {
                self.note(format!(
                    "a chart (图表){} was left out; paste it as a picture, or put its numbers in \
                     a table",
                    named(&name)
                ));
            } else if uri.ends_with("/diagram") {
                let text = snippet(&gd.text());
                let said = if text.is_empty() {
                    String::new()
                } else {
                    format!("; its text was: “{text}”")
                };
                self.note(format!(
                    "a SmartArt graphic{} was left out{said}; paste it as a picture",
                    named(&name)
                ));
            } else if let Some(tx) = gd.find("w:txbxContent") {
                self.text_box(tx, at);
            } else {
                self.note(format!(
                    "a drawing or shape{} was left out; paste it as a picture",
                    named(&name)
                ));
            }
            // Text boxes inside a drawing group with pictures.
            if gd.find("pic:pic").is_some() {
                for tx in gd.find_all("w:txbxContent") {
                    self.text_box(tx, at);
                }
            }
        }
    }

    fn text_box(&mut self, tx: &Element, _at: &Where) {
        let text = tx.text();
        if text.trim().is_empty() {
            return;
        }
        self.note(format!(
            "a text box (文本框) was left out; its text was: “{}”. Move the text into the body \
             of the document if it belongs there",
            snippet(&text)
        ));
    }

    pub(super) fn pict(&mut self, p: &Element, out: &mut Vec<Span>, fmt: &Fmt) {
        let shape = p.find("v:shape");
        let alt = shape
            .and_then(|s| s.attr("alt"))
            .or_else(|| p.find("v:imagedata").and_then(|i| i.attr("o:title")))
            .unwrap_or("")
            .trim()
            .to_string();
        if let Some(img) = p.find("v:imagedata") {
            let id = img.attr("r:id").or(img.attr("r:pict"));
            self.image(id, None, &alt, out, fmt);
        }
        if let Some(tx) = p.find("w:txbxContent") {
            self.text_box(tx, &Where::Body);
        } else if p.find("v:imagedata").is_none() {
            self.note("a drawing (VML shape) was left out; paste it as a picture");
        }
    }

    fn image(
        &mut self,
        embed: Option<&str>,
        linked: Option<&str>,
        alt: &str,
        out: &mut Vec<Span>,
        fmt: &Fmt,
    ) {
        let rel = embed.or(linked).and_then(|id| self.rels.get(id)).cloned();
        let Some(rel) = rel else {
            self.note("a picture whose image is missing from the file was left out");
            return;
        };
        if rel.external {
            self.note(format!(
                "a linked picture (not saved inside the document) was left out: {}; insert the \
                 picture itself (插入 → 图片) so the page works offline",
                rel.target
            ));
            return;
        }
        let file = if let Some(f) = self.image_names.get(&rel.target) {
            f.clone()
        } else {
            let bytes = match self.pkg.read(&rel.target, MAX_PART) {
                Ok(Some(b)) => b,
                Ok(None) => {
                    self.note(format!(
                        "a picture was left out: {} is missing from the file",
                        rel.target
                    ));
                    return;
                }
                Err(e) => {
                    self.note(format!("a picture was left out: {e}"));
                    return;
                }
            };
            let base = rel.target.rsplit('/').next().unwrap_or("image");
            let mut clean: String = base
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '.' || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            if clean.starts_with('.') || clean.is_empty() || clean == "index.md" {
                clean = format!("image{clean}");
            }
            let mut name = clean.clone();
            let mut n = 2;
            while self
                .images
                .iter()
                .any(|(f, _)| f.eq_ignore_ascii_case(&name))
            {
                name = match clean.rsplit_once('.') {
                    Some((s, e)) => format!("{s}-{n}.{e}"),
                    None => format!("{clean}-{n}"),
                };
                n += 1;
            }
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            if matches!(ext.as_str(), "emf" | "wmf" | "tif" | "tiff" | "wdp") {
                self.note(format!(
                    "the picture {name} is in {} format, which browsers do not show; save it as \
                     PNG or JPEG and replace the file in the page bundle",
                    ext.to_ascii_uppercase()
                ));
            }
            self.images.push((name.clone(), bytes));
            self.image_names.insert(rel.target.clone(), name.clone());
            name
        };
        if alt.is_empty() {
            self.note(format!(
                "the picture {file} has no description (alt text); write one in the page (the \
                 text between ![ and ]) so readers who cannot see it know what it shows"
            ));
        }
        out.push(Span {
            kind: SpanKind::Image {
                file,
                alt: alt.to_string(),
            },
            fmt: *fmt,
            link: None,
        });
    }
}
