//! An opened .docx package: the ZIP archive with its case-insensitive part index, the main
//! document part, reading parts (size-limited, decoded, parsed) and their relationships.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use super::sniff::sniff_other;
use super::{parse, Element, OpenError, MAX_FILE, MAX_PART};

/// An opened .docx: the ZIP archive and an index of its part names (OPC names are
/// case-insensitive).
pub struct Package {
    archive: zip::ZipArchive<Cursor<Vec<u8>>>,
    index: HashMap<String, usize>,
    /// The main document part, e.g. `word/document.xml`.
    pub main: String,
}

impl Package {
    /// Open the file at `path`.
    pub fn open_file(path: &Path) -> Result<Package, OpenError> {
        let meta = std::fs::metadata(path).map_err(|e| {
            OpenError::new(
                format!("cannot read the file: {e}"),
                "check the path and that you may read it",
            )
        })?;
        if meta.len() > MAX_FILE {
            return Err(OpenError::new(
                format!(
                    "the file is {} MB, more than zhiku reads ({} MB)",
                    meta.len() / 1024 / 1024,
                    MAX_FILE / 1024 / 1024
                ),
                "split the document, or make its images smaller (Word: 图片格式 → 压缩图片)",
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| {
            OpenError::new(
                format!("cannot read the file: {e}"),
                "check the path and that you may read it",
            )
        })?;
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        Package::open(bytes, &ext)
    }

    /// Open a .docx held in memory; `ext` is the file name's extension (lowercase) for the
    /// messages about what the file really is.
    pub fn open(bytes: Vec<u8>, ext: &str) -> Result<Package, OpenError> {
        if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
            return Err(sniff_other(&bytes, ext));
        }
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            OpenError::new(
                format!("the file is damaged: its ZIP container cannot be read ({e})"),
                "the copy is probably incomplete or broken: copy or download it again, or open \
                 it in Word (which can often repair it) and save it as .docx again",
            )
        })?;
        let mut index = HashMap::new();
        for i in 0..archive.len() {
            if let Some(name) = archive.name_for_index(i) {
                index.insert(name.trim_start_matches('/').to_lowercase(), i);
            }
        }
        let mut p = Package {
            archive,
            index,
            main: String::new(),
        };
        p.main = p.find_main()?;
        Ok(p)
    }

    /// The main document part, from `_rels/.rels` (falling back to `word/document.xml`); a
    /// ZIP without one is named for what it holds.
    fn find_main(&mut self) -> Result<String, OpenError> {
        let rels = self.rels("").unwrap_or_default();
        let from_rels = rels
            .iter()
            .find(|r| r.kind == "officeDocument" && !r.external)
            .map(|r| r.target.clone());
        for cand in from_rels
            .into_iter()
            .chain(["word/document.xml".to_string()])
        {
            if self.has(&cand) {
                let ct = self.read_text("[Content_Types].xml").ok().flatten();
                if let Some(ct) = ct {
                    let lower = ct.to_ascii_lowercase();
                    if lower.contains("spreadsheetml") && !lower.contains("wordprocessingml") {
                        break;
                    }
                }
                return Ok(cand);
            }
        }
        let what = if self.has("xl/workbook.xml") {
            "an Excel workbook (.xlsx) with a Word file name".to_string()
        } else if self.has("ppt/presentation.xml") {
            "a PowerPoint presentation (.pptx) with a Word file name".to_string()
        } else if self.has("content.xml") && self.has("mimetype") {
            "an OpenDocument file (.odt, from LibreOffice or WPS) with a Word file name".to_string()
        } else {
            let mut names: Vec<&str> = self.index.keys().map(String::as_str).collect();
            names.sort_unstable();
            let shown: Vec<&str> = names.iter().take(5).copied().collect();
            let more = if names.len() > 5 { ", …" } else { "" };
            format!(
                "a ZIP archive, not a Word document (it holds {} file(s): {}{more})",
                names.len(),
                shown.join(", ")
            )
        };
        Err(OpenError::new(
            format!("this is {what}: it has no Word text part (word/document.xml)"),
            "if it is an archive, unpack it and import the .docx files inside; if it opens in \
             Word or WPS, save it from there as a Word document (文件 → 另存为 → “Word 文档 \
             (*.docx)”) and import that",
        ))
    }

    /// Does the package have part `name`?
    pub fn has(&self, name: &str) -> bool {
        self.index
            .contains_key(&name.trim_start_matches('/').to_lowercase())
    }

    /// The bytes of part `name` (at most `limit`), `None` when there is no such part.
    pub fn read(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
        let Some(&i) = self.index.get(&name.trim_start_matches('/').to_lowercase()) else {
            return Ok(None);
        };
        let file = self
            .archive
            .by_index(i)
            .map_err(|e| format!("{name} cannot be read from the ZIP container: {e}"))?;
        if file.encrypted() {
            return Err(format!("{name} is encrypted inside the ZIP container"));
        }
        let mut out = Vec::with_capacity(file.size().min(limit) as usize);
        file.take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("{name} is damaged inside the ZIP container: {e}"))?;
        if out.len() as u64 > limit {
            return Err(format!(
                "{name} is larger than {} MB once unpacked",
                limit / 1024 / 1024
            ));
        }
        Ok(Some(out))
    }

    /// Part `name` as text (UTF-8, or UTF-16 with a byte order mark).
    pub fn read_text(&mut self, name: &str) -> Result<Option<String>, String> {
        let Some(bytes) = self.read(name, MAX_PART)? else {
            return Ok(None);
        };
        Ok(Some(decode_xml_bytes(&bytes)))
    }

    /// Part `name` parsed.
    pub fn xml(&mut self, name: &str) -> Result<Option<Element>, String> {
        let Some(text) = self.read_text(name)? else {
            return Ok(None);
        };
        parse(&text).map(Some).map_err(|e| format!("{name}: {e}"))
    }

    /// The relationships of `part` (`""` for the package's own, `_rels/.rels`).
    pub fn rels(&mut self, part: &str) -> Result<Vec<Rel>, String> {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => ("", part),
        };
        let rels_name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let Some(root) = self.xml(&rels_name)? else {
            return Ok(Vec::new());
        };
        Ok(root
            .elements()
            .filter(|e| e.local() == "Relationship")
            .filter_map(|e| {
                let id = e.attr("Id")?.to_string();
                let kind = e.attr("Type")?.rsplit('/').next()?.to_string();
                let raw = e.attr("Target")?.to_string();
                let external = e
                    .attr("TargetMode")
                    .is_some_and(|m| m.eq_ignore_ascii_case("external"));
                let target = if external {
                    raw
                } else {
                    resolve_target(dir, &raw)
                };
                Some(Rel {
                    id,
                    kind,
                    target,
                    external,
                })
            })
            .collect())
    }
}

/// Text of an XML part: UTF-8 (BOM dropped) or UTF-16 with a BOM.
fn decode_xml_bytes(bytes: &[u8]) -> String {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode_with_bom_removal(bytes).0.into_owned();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// A relationship of a part.
#[derive(Debug, Clone, Default)]
pub struct Rel {
    pub id: String,
    /// The last segment of the type URI: `image`, `hyperlink`, `footnotes`, `officeDocument`.
    pub kind: String,
    /// A package part name (`word/media/image1.png`) or, when external, the URL as written.
    pub target: String,
    pub external: bool,
}

/// Resolve a relationship target against the directory of its source part.
fn resolve_target(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut parts: Vec<&str> = if target.starts_with('/') || dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_part() {
        assert_eq!(
            resolve_target("word", "media/image1.png"),
            "word/media/image1.png"
        );
        assert_eq!(
            resolve_target("word", "../customXml/a.xml"),
            "customXml/a.xml"
        );
        assert_eq!(
            resolve_target("word", "/word/media/x.png"),
            "word/media/x.png"
        );
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
    }
}
