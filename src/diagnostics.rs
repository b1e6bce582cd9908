//! Errors and warnings about the user's site, reported like rustc: `file:line:column`, the
//! source line with a caret under the problem, what is wrong and how to fix it.
//!
//! Every stage collects [`Diagnostic`]s instead of stopping at the first problem, so one build
//! reports all the mistakes in a site. Rendering uses codespan-reporting, which counts columns
//! in characters (right for Chinese lines) and colours only when stderr is a terminal.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::ops::Range;
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

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Diagnostics { items }
    }
}

/// What a stage of the pipeline gives: its value when it could make one, and every problem
/// it found on the way, errors and warnings. The one result shape of the stages (config,
/// theme, templates, load, resolve, prepare, render, build, check, export): a stage that
/// finds an error still reports the others it finds (one build shows all the mistakes of a
/// site), and may still make a value for the next stage to look at (the loaded site without
/// its broken pages, so that resolving reports the broken links too).
#[derive(Debug)]
#[must_use]
pub struct Outcome<T> {
    /// `None` when the stage could not make its value.
    pub value: Option<T>,
    pub diagnostics: Diagnostics,
}

impl<T> Outcome<T> {
    /// A value, with the problems found while making it.
    pub fn made(value: T, diagnostics: impl Into<Diagnostics>) -> Self {
        Outcome {
            value: Some(value),
            diagnostics: diagnostics.into(),
        }
    }

    /// No value: the stage stopped at these problems.
    pub fn failed(diagnostics: impl Into<Diagnostics>) -> Self {
        Outcome {
            value: None,
            diagnostics: diagnostics.into(),
        }
    }

    /// Add this outcome's problems to `diags` and give its value.
    pub fn report_into(self, diags: &mut Diagnostics) -> Option<T> {
        diags.extend(self.diagnostics);
        self.value
    }

    /// The value and its warnings when there is a value and no error; else every problem.
    pub fn into_result(self) -> Result<(T, Diagnostics), Diagnostics> {
        match self.value {
            Some(v) if !self.diagnostics.has_errors() => Ok((v, self.diagnostics)),
            _ => Err(self.diagnostics),
        }
    }

    /// The same problems with the value changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        Outcome {
            value: self.value.map(f),
            diagnostics: self.diagnostics,
        }
    }
}

impl<T> From<Result<(T, Diagnostics), Diagnostics>> for Outcome<T> {
    fn from(r: Result<(T, Diagnostics), Diagnostics>) -> Self {
        match r {
            Ok((v, warnings)) => Outcome::made(v, warnings),
            Err(diags) => Outcome::failed(diags),
        }
    }
}

impl<T> From<Diagnostic> for Outcome<T> {
    fn from(d: Diagnostic) -> Self {
        Outcome::failed(d)
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
            // Buffered: thousands of messages are thousands of small writes otherwise.
            let mut out = termcolor::BufferedStandardStream::stderr(choice);
            emit_all(diags, root, &mut out);
            let _ = out.flush();
        }
    }
}

/// Render diagnostics as rustc-like text without colour (used by `serve` for the browser
/// overlay and by tests).
pub fn render_plain(diags: &Diagnostics, root: &Path) -> String {
    let mut buf = termcolor::NoColor::new(Vec::new());
    emit_all(diags, root, &mut buf);
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}

/// Render every diagnostic. Each source file is read and indexed once, and each diagnostic
/// gets an excerpt of its one line (cut around the column when long): the cost is linear in
/// the number of diagnostics, even for 100,000 broken links on one long line.
fn emit_all(diags: &Diagnostics, root: &Path, out: &mut dyn termcolor::WriteColor) {
    let config = term::Config::default();
    let mut sources = Sources::default();
    for d in diags.items() {
        let mut files = Excerpt::default();
        let cs = to_codespan(d, root, &mut sources, &mut files);
        if term::emit(out, &config, &files, &cs).is_err() {
            let _ = writeln!(out, "{d}");
        }
    }
}

fn to_codespan(
    d: &Diagnostic,
    root: &Path,
    sources: &mut Sources,
    files: &mut Excerpt,
) -> CsDiagnostic<()> {
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
        match sources
            .get(root, &path)
            .and_then(|src| src.excerpt(line, d.column))
        {
            Some((text, span, shift)) => {
                *files = Excerpt {
                    file: SimpleFile::new(file.display().to_string(), text),
                    line_index: line - 1,
                    shift,
                };
                cs = cs.with_labels(vec![Label::primary((), span)]);
            }
            None => notes.push(format!("at {}", d.location())),
        }
    } else if d.file.is_some() {
        notes.push(format!("in {}", d.location()));
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs.with_notes(notes)
}

/// Characters of a long source line shown on each side of the column.
const WINDOW: usize = 60;

/// Source files read for excerpts, each once.
#[derive(Default)]
struct Sources {
    files: std::collections::HashMap<PathBuf, Option<Source>>,
}

impl Sources {
    /// The file at `path`, read only when it is a regular file inside the site `root` (an
    /// excerpt must never show a line of a file outside the site, or block on a pipe).
    fn get(&mut self, root: &Path, path: &Path) -> Option<&mut Source> {
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let text = crate::input::read_in_site(root, path, crate::input::MAX_FILE_BYTES)
                    .map(|b| crate::encoding::decode_lossy(&b))
                    .ok()?;
                let mut starts = vec![0];
                starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
                Some(Source {
                    text,
                    starts,
                    cursor: None,
                })
            })
            .as_mut()
    }
}

/// A decoded file, its line starts, and where the last column was found: diagnostics come
/// sorted by line and column, so the next column on the same line is found from there.
struct Source {
    text: String,
    starts: Vec<usize>,
    /// (line index, 0-based column, byte offset).
    cursor: Option<(usize, usize, usize)>,
}

impl Source {
    /// Byte range in `text` of the line with 0-based `index` (without its newline).
    fn line_range(&self, index: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(index)?;
        let end = self
            .starts
            .get(index + 1)
            .map_or(self.text.len(), |&e| e - 1);
        Some(start..end.max(start))
    }

    /// Byte offset within line `li` (whose range is `range`) of 0-based character column
    /// `col` (the line's end when it is shorter).
    fn byte_of(&mut self, li: usize, range: Range<usize>, col: usize) -> usize {
        let line = &self.text[range];
        let (from_col, from_byte) = match self.cursor {
            Some((l, c, b)) if l == li && c <= col => (c, b),
            _ => (0, 0),
        };
        let b = line[from_byte..]
            .char_indices()
            .nth(col - from_col)
            .map_or(line.len(), |(i, _)| from_byte + i);
        self.cursor = Some((li, col, b));
        b
    }

    /// The excerpt of 1-based `line`: its text (cut to 2 × [`WINDOW`] characters around the
    /// column when longer, with `…` where it was cut), the span to underline, and how many
    /// characters the shown columns are left of the real ones. Costs O(window), not O(line),
    /// on a long line (after the first column found on it).
    fn excerpt(
        &mut self,
        line: usize,
        column: Option<usize>,
    ) -> Option<(String, Range<usize>, usize)> {
        let li = line.checked_sub(1)?;
        let range = self.line_range(li)?;
        let long = {
            let text = &self.text[range.clone()];
            text.len() > 4 * 2 * WINDOW || text.chars().count() > 2 * WINDOW
        };
        let Some(col) = column.filter(|&c| c >= 1).map(|c| c - 1) else {
            let text = &self.text[range];
            if !long {
                return Some((text.to_string(), 0..text.len(), 0));
            }
            let mut cut: String = text.chars().take(2 * WINDOW).collect();
            cut.push('…');
            let len = cut.len();
            return Some((cut, 0..len, 0));
        };
        let b = self.byte_of(li, range.clone(), col);
        let text = &self.text[range];
        let width = |at: usize| text[at..].chars().next().map_or(0, char::len_utf8);
        if !long {
            return Some((text.to_string(), b..b + width(b), 0));
        }
        // Up to WINDOW characters before the column and 2 × WINDOW in all.
        let before: Vec<usize> = text[..b]
            .char_indices()
            .rev()
            .take(WINDOW)
            .map(|(i, _)| i)
            .collect();
        let start = before.last().copied().unwrap_or(b);
        let start_col = col - before.len();
        let end = text[start..]
            .char_indices()
            .nth(2 * WINDOW)
            .map_or(text.len(), |(i, _)| start + i);
        let mut cut = String::new();
        let mut shift = start_col;
        if start > 0 {
            cut.push('…');
            // `…` takes the place of one of the characters cut.
            shift -= 1;
        }
        let at = cut.len() + (b - start);
        cut.push_str(&text[start..end]);
        if end < text.len() {
            cut.push('…');
        }
        let w = cut[at..].chars().next().map_or(0, char::len_utf8);
        Some((cut, at..at + w, shift))
    }
}

/// The one file codespan sees for a diagnostic: the excerpt of a single line, numbered as the
/// line it comes from, with columns shifted back to the real ones when the line was cut.
struct Excerpt {
    file: SimpleFile<String, String>,
    /// 0-based index of the line in its file.
    line_index: usize,
    shift: usize,
}

impl Default for Excerpt {
    fn default() -> Self {
        Excerpt {
            file: SimpleFile::new(String::new(), String::new()),
            line_index: 0,
            shift: 0,
        }
    }
}

impl<'a> Files<'a> for Excerpt {
    type FileId = ();
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, _: ()) -> Result<String, FilesError> {
        Ok(self.file.name().clone())
    }
    fn source(&'a self, _: ()) -> Result<&'a str, FilesError> {
        Ok(self.file.source().as_str())
    }
    fn line_index(&'a self, _: (), byte_index: usize) -> Result<usize, FilesError> {
        self.file.line_index((), byte_index)
    }
    fn line_range(&'a self, _: (), line_index: usize) -> Result<Range<usize>, FilesError> {
        self.file.line_range((), line_index)
    }
    fn line_number(&'a self, _: (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.line_index + line_index + 1)
    }
    fn column_number(
        &'a self,
        _: (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        Ok(self.file.column_number((), line_index, byte_index)? + self.shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source {
            text: text.to_string(),
            starts,
            cursor: None,
        }
    }

    #[test]
    fn span_counts_characters_on_chinese_lines() {
        let mut src = source("---\ntitle: 天津市：案例\n");
        // Column 11 is the full-width colon (t-i-t-l-e-:-space = 7, 天津市 = 8..10).
        let (text, span, shift) = src.excerpt(2, Some(11)).unwrap();
        assert_eq!((&text[span], shift), ("：", 0));
        assert_eq!(text, "title: 天津市：案例");
        // Columns before the last one found still work; past the end points at the end.
        let (text, span, _) = src.excerpt(2, Some(1)).unwrap();
        assert_eq!(&text[span], "t");
        let (text, span, _) = src.excerpt(2, Some(99)).unwrap();
        assert_eq!(span, text.len()..text.len());
        assert_eq!(src.excerpt(9, None), None);
        assert_eq!(source("").excerpt(1, None), Some((String::new(), 0..0, 0)));
    }

    #[test]
    fn many_diagnostics_on_one_long_line_render_in_linear_time() {
        let dir = tempfile::tempdir().unwrap();
        let n = 50_000;
        std::fs::write(dir.path().join("a.md"), "[中](#a)".repeat(n)).unwrap();
        let mut ds = Diagnostics::new();
        for i in 0..n {
            ds.push(Diagnostic::error("a.md", "broken").at(1, 1 + 7 * i));
        }
        let start = std::time::Instant::now();
        let text = render_plain(&ds, dir.path());
        // Quadratic work would take minutes even in a release build.
        // (60 s: a debug build on a loaded 2-core machine took 27 s; quadratic would be hours.)
        assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
        assert!(
            text.contains("a.md:1:349994"),
            "{}",
            &text[text.len() - 2000..]
        );
        assert!(
            text.contains("1 │ …(#a)[中](#a)"),
            "{}",
            &text[text.len() - 2000..]
        );
        assert_eq!(text.matches("error: broken").count(), n);
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
