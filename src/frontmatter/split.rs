//! Splitting a Markdown file at its `---` fences into the front matter and the body, with
//! the file line each starts at.

use super::FrontMatterError;

/// A Markdown file split into front matter and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text (without the `---` lines).
    pub yaml: &'a str,
    /// 1-based line of the first YAML line in the file.
    pub yaml_line: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// 1-based line of the first body line in the file.
    pub body_line: usize,
}

/// Split `text` (already decoded, LF line endings) at its `---` fences.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text.trim().is_empty() {
        return Err(FrontMatterError::new(
            1,
            None,
            "the file is empty",
            "start it with front matter: a line `---`, then `title: 标题`, then a line `---`, then the text",
        ));
    }
    if text[..first_line_end].trim_end() != "---" {
        return Err(FrontMatterError::new(
            1,
            Some(1),
            "the file does not start with front matter (a line `---`)",
            "put `---`, then at least `title: 标题`, then `---` above the text",
        ));
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &text[yaml_start..offset];
            let body_start = offset + line.len();
            return Ok(Split {
                yaml,
                yaml_line: 2,
                body: &text[body_start.min(text.len())..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(FrontMatterError::new(
        1,
        Some(1),
        "the front matter starting here is never closed",
        "add a line `---` after the last front-matter line",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: 天津\n---\n正文\n").unwrap();
        assert_eq!(s.yaml, "title: 天津\n");
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 4);
        assert_eq!(
            split("---\ntitle: x\n").unwrap_err().message,
            "the front matter starting here is never closed"
        );
        assert!(split("no front matter")
            .unwrap_err()
            .message
            .contains("does not start"));
        assert!(split("").unwrap_err().message.contains("empty"));
    }
}
