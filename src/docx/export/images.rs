//! Images of the handout: embedded from the rendered site, sized from the file's own header.

use scraper::ElementRef;

use super::html::HtmlWalk;
use super::model::Run;

use super::image_ext;

impl HtmlWalk<'_> {
    pub(super) fn image(&mut self, el: ElementRef<'_>) {
        let v = el.value();
        let src = v.attr("src").unwrap_or("");
        let alt = v.attr("alt").unwrap_or("").to_string();
        let Some(path) = self.ctx.output_path(src) else {
            self.doc.notes.push(format!(
                "the picture {src} is not a file of the site and was left out"
            ));
            return;
        };
        let Some(bytes) = self.images.get(&path) else {
            self.doc.notes.push(format!(
                "the picture {src} is not in a format Word shows here (PNG, JPEG, GIF, BMP) or was not found, and was left out"
            ));
            return;
        };
        let ext = image_ext(&path).unwrap_or("png");
        let name = if let Some(n) = self.doc.media_by_path.get(&path) {
            n.clone()
        } else {
            let n = format!("image{}.{ext}", self.doc.media.len() + 1);
            self.doc.media.push((n.clone(), bytes.clone()));
            self.doc.media_by_path.insert(path.clone(), n.clone());
            n
        };
        let rid = format!("rIdImg{}", self.doc.rels.len() + 1);
        self.doc
            .rels
            .push((rid.clone(), "image", format!("media/{name}"), false));
        let (w, h) = image_size(bytes).unwrap_or((400, 300));
        // 96 dpi pixels → EMU, at most 15 cm wide.
        let max_cx: u64 = 15 * 360_000;
        let mut cx = w as u64 * 9525;
        let mut cy = h as u64 * 9525;
        if cx > max_cx {
            cy = cy * max_cx / cx.max(1);
            cx = max_cx;
        }
        self.doc.images += 1;
        let id = self.doc.images;
        self.push_run(Run::Image {
            rid,
            cx,
            cy,
            alt,
            id,
        });
    }
}

/// Pixel size of a PNG, GIF, BMP or JPEG.
pub(super) fn image_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") && b.len() >= 24 {
        let w = u32::from_be_bytes(b[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(b[20..24].try_into().ok()?);
        return Some((w, h));
    }
    if b.starts_with(b"GIF8") && b.len() >= 10 {
        let w = u16::from_le_bytes([b[6], b[7]]) as u32;
        let h = u16::from_le_bytes([b[8], b[9]]) as u32;
        return Some((w, h));
    }
    if b.starts_with(b"BM") && b.len() >= 26 {
        let w = i32::from_le_bytes(b[18..22].try_into().ok()?).unsigned_abs();
        let h = i32::from_le_bytes(b[22..26].try_into().ok()?).unsigned_abs();
        return Some((w, h));
    }
    if b.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 9 < b.len() {
            if b[i] != 0xFF {
                i += 1;
                continue;
            }
            let marker = b[i + 1];
            let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
            if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                let h = u16::from_be_bytes([b[i + 5], b[i + 6]]) as u32;
                let w = u16::from_be_bytes([b[i + 7], b[i + 8]]) as u32;
                return Some((w, h));
            }
            i += 2 + len;
        }
    }
    None
}
