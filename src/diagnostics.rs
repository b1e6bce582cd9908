//! Errors and warnings about the user's site, reported like rustc: `file:line:column`, the
//! source line with a caret under the problem, what is wrong and how to fix it.
//!
//! Every stage collects [`Diagnostic`]s instead of stopping at the first problem, so one build
//! reports all the mistakes in a site. Rendering uses codespan-reporting, which counts columns
//! in characters (right for Chinese lines) and colours only when stderr is a terminal.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files, SimpleFile};
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

/// How bad a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the user's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub file: Option<PathBuf>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about `file`.
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: Some(file.into()),
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    /// An error about the site as a whole (no single file).
    pub fn global(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    /// A warning about the site as a whole (no single file).
    pub fn global_warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::global(message)
        }
    }

    /// A warning about `file`.
    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Set the 1-based line.
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Set the 1-based line and character column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Set how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` as far as known.
    pub fn location(&self) -> String {
        let mut s = match &self.file {
            Some(f) => f.display().to_string(),
            None => String::new(),
        };
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                s.push_str(&format!(":{col}"));
            }
        }
        s
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `error: file:3:5: message (help: …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let loc = self.location();
        if loc.is_empty() {
            write!(f, "{kind}: {}", self.message)?;
        } else {
            write!(f, "{kind}: {loc}: {}", self.message)?;
        }
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// A list of diagnostics gathered by one run of the pipeline.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// Sort by file, line and column so output is stable whatever the thread order.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        self.items.dedup();
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-like text with source excerpts.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

/// Print diagnostics to stderr. `root` is where relative file names are found, to show the
/// source line under the message.
pub fn report(diags: &Diagnostics, root: &Path, format: Format) {
    let stderr = std::io::stderr();
    match format {
        Format::Json => {
            let mut out = stderr.lock();
            for d in diags.items() {
                if let Ok(line) = serde_json::to_string(d) {
                    let _ = writeln!(out, "{line}");
                }
            }
        }
        Format::Human => {
            let choice = if stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                termcolor::ColorChoice::Auto
            } else {
                termcolor::ColorChoice::Never
            };
            let writer = termcolor::StandardStream::stderr(choice);
            let config = term::Config::default();
            let mut files = Excerpts::default();
            for d in diags.items() {
                let cs = to_codespan(d, root, &mut files);
                if term::emit(&mut writer.lock(), &config, &files, &cs).is_err() {
                    eprintln!("{d}");
                }
            }
        }
    }
}

/// Render diagnostics as rustc-like text without colour (used by `serve` for the browser
/// overlay and by tests).
pub fn render_plain(diags: &Diagnostics, root: &Path) -> String {
    let mut buf = termcolor::NoColor::new(Vec::new());
    let config = term::Config::default();
    let mut files = Excerpts::default();
    for d in diags.items() {
        let cs = to_codespan(d, root, &mut files);
        if term::emit(&mut buf, &config, &files, &cs).is_err() {
            let _ = writeln!(buf, "{d}");
        }
    }
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}

fn to_codespan(d: &Diagnostic, root: &Path, files: &mut Excerpts) -> CsDiagnostic<usize> {
    let mut cs = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
    }
    .with_message(&d.message);
    let mut notes = Vec::new();
    if let (Some(file), Some(line)) = (&d.file, d.line) {
        let path = if file.is_absolute() {
            file.clone()
        } else {
            root.join(file)
        };
        let source = std::fs::read(&path)
            .map(|b| crate::encoding::decode_lossy(&b))
            .unwrap_or_default();
        let (source, shift) = shorten_line(source, line, d.column);
        let column = d.column.map(|c| c - shift);
        if let Some(span) = span_of(&source, line, column) {
            let id = files.add(file.display().to_string(), source, (line - 1, shift));
            cs = cs.with_labels(vec![Label::primary(id, span)]);
        } else {
            notes.push(format!("at {}", d.location()));
        }
    } else if d.file.is_some() {
        notes.push(format!("in {}", d.location()));
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs.with_notes(notes)
}

/// Characters of a long source line shown around the column.
const WINDOW: usize = 60;

/// A line longer than 2 × [`WINDOW`] characters (a minified table, a whole page on one line)
/// is cut to the window around `column` in the excerpt, so that one message never prints
/// megabytes. Other lines are left alone (only the one pointed at is shown). Returns the
/// source and how many characters the line's columns moved left (the header still shows the
/// real column, see [`Excerpts`]).
fn shorten_line(source: String, line: usize, column: Option<usize>) -> (String, usize) {
    let Some(text) = source.split('\n').nth(line.saturating_sub(1)) else {
        return (source, 0);
    };
    if text.chars().count() <= 2 * WINDOW {
        return (source, 0);
    }
    let col = column.unwrap_or(1).max(1) - 1;
    let start = col.saturating_sub(WINDOW);
    let mut cut: String = text.chars().skip(start).take(2 * WINDOW).collect();
    // `…` takes the place of one of the characters cut.
    let shift = if start > 0 {
        cut.insert(0, '…');
        start - 1
    } else {
        0
    };
    cut.push('…');
    let mut lines: Vec<&str> = source.split('\n').collect();
    lines[line - 1] = &cut;
    (lines.join("\n"), shift)
}

/// The files of diagnostic excerpts: codespan's simple files, except that the columns of a
/// shortened line are shifted back to the real ones.
#[derive(Default)]
struct Excerpts {
    files: Vec<Excerpt>,
}

/// A file's excerpt source and (line index, columns shifted) of its shortened line.
type Excerpt = (SimpleFile<String, String>, (usize, usize));

impl Excerpts {
    fn add(&mut self, name: String, source: String, shifted: (usize, usize)) -> usize {
        self.files.push((SimpleFile::new(name, source), shifted));
        self.files.len() - 1
    }

    fn get(&self, id: usize) -> Result<&Excerpt, FilesError> {
        self.files.get(id).ok_or(FilesError::FileMissing)
    }
}

impl<'a> Files<'a> for Excerpts {
    type FileId = usize;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<String, FilesError> {
        Ok(self.get(id)?.0.name().clone())
    }
    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(self.get(id)?.0.source().as_str())
    }
    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        self.get(id)?.0.line_index((), byte_index)
    }
    fn line_range(
        &'a self,
        id: usize,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        self.get(id)?.0.line_range((), line_index)
    }
    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let (file, (shifted_line, shift)) = self.get(id)?;
        let column = file.column_number((), line_index, byte_index)?;
        Ok(if line_index == *shifted_line {
            column + shift
        } else {
            column
        })
    }
}

/// Byte range of the character at 1-based `line`/`column` (the whole line when no column).
fn span_of(source: &str, line: usize, column: Option<usize>) -> Option<std::ops::Range<usize>> {
    if source.is_empty() && line == 1 {
        // An empty file still has a first line to point at.
        return Some(0..0);
    }
    let mut offset = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let text = l.trim_end_matches(['\n', '\r']);
            return Some(match column {
                Some(col) if col >= 1 => {
                    let mut chars = text.char_indices().skip(col - 1);
                    match chars.next() {
                        Some((b, c)) => offset + b..offset + b + c.len_utf8(),
                        None => offset + text.len()..offset + text.len(),
                    }
                }
                _ => offset..offset + text.len(),
            });
        }
        offset += l.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_counts_characters_on_chinese_lines() {
        let src = "---\ntitle: 天津市：案例\n";
        // Column 11 is the full-width colon (t-i-t-l-e-:-space = 7, 天津市 = 8..10).
        let span = span_of(src, 2, Some(11)).unwrap();
        assert_eq!(&src[span], "：");
        assert_eq!(span_of(src, 9, None), None);
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!("{}错{}", "甲".repeat(5000), "乙".repeat(5000));
        std::fs::write(dir.path().join("a.md"), format!("---\n{long}\n")).unwrap();
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("a.md", "bad").at(2, 5001));
        let text = render_plain(&ds, dir.path());
        assert!(text.len() < 2000, "{}", text.len());
        assert!(text.contains("a.md:2:5001"), "{text}");
        assert!(
            text.contains(&format!("…{}错{}…", "甲".repeat(60), "乙".repeat(59))),
            "{text}"
        );
    }

    #[test]
    fn plain_rendering_names_file_line_and_help() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "---\ntitel: x\n---\n").unwrap();
        let mut ds = Diagnostics::new();
        ds.push(
            Diagnostic::error("a.md", "unknown front-matter key `titel`")
                .at(2, 1)
                .with_help("did you mean `title`?"),
        );
        let text = render_plain(&ds, dir.path());
        assert!(
            text.contains("error: unknown front-matter key `titel`"),
            "{text}"
        );
        assert!(text.contains("a.md:2:1"), "{text}");
        assert!(text.contains("titel: x"), "{text}");
        assert!(text.contains("help: did you mean `title`?"), "{text}");
    }
}
